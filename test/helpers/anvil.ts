/**
 * A real JSON-RPC node for tests that run the services as separate processes: anvil (from npm,
 * @foundry-rs/anvil) on a free port of 127.0.0.1, with its well-known development mnemonic.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { HDNodeWallet } from "ethers";

export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

export interface RunningAnvil {
  url: string;
  /** The private key of the node's account `index`. */
  privateKeyOf(index: number): string;
  stop(): Promise<void>;
}

export async function startAnvil(options: { accounts?: number; startTimeoutMs?: number } = {}): Promise<RunningAnvil> {
  // The free port is free when asked, not necessarily when anvil binds it: try another on failure.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), options);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function startOn(port: number, options: { accounts?: number; startTimeoutMs?: number }): Promise<RunningAnvil> {
  const child = spawn(anvilBinary(), ["--host", "127.0.0.1", "--port", String(port), "--accounts", String(options.accounts ?? 20), "--silent"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr}`);
      if (await answers(url)) break;
      if (Date.now() > deadline) throw new Error(`anvil did not answer on ${url} in time: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop(child);
    throw error;
  }
  return {
    url,
    privateKeyOf: (index) => HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey,
    stop: () => stop(child),
  };
}

async function answers(url: string): Promise<boolean> {
  const request = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) }).then(
    (response) => response.ok,
    () => false,
  );
}

/** The platform binary itself when present (the npm wrapper exits on SIGTERM without waiting for it). */
function anvilBinary(): string {
  const modules = path.resolve("node_modules/@foundry-rs");
  for (const entry of existsSync(modules) ? readdirSync(modules) : []) {
    const candidate = path.join(modules, entry, "bin", "anvil");
    if (entry.startsWith("anvil-") && existsSync(candidate)) return candidate;
  }
  return path.resolve("node_modules/.bin/anvil");
}

/** A port of 127.0.0.1 free at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
