/**
 * The embedded chain: anvil (from npm, @foundry-rs/anvil) as a JSON-RPC node on 127.0.0.1, with the
 * well-known development mnemonic. With a state file the chain (blocks, logs, balances, chain time) is
 * loaded at start and written every few seconds and at exit, so a restart goes on where it stopped.
 *
 * The node runs in its own process group: Ctrl-C reaches the program that started it, which stops its
 * services first and the node last (they may still be writing). When that program exits without stopping
 * it, the node is stopped on the way out. Only a SIGKILL of the program leaves the node running: its pid is
 * in `anvil.pid` beside the state file, and the next start on that file stops it first (it writes the chain
 * on SIGTERM), so two nodes never write one file.
 *
 * anvil writes the state file in place: a kill during a write leaves it truncated. Each start checks the
 * file and keeps a copy of the good one (`state.previous.json`) to go back to.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HDNodeWallet } from "ethers";

export const DEVELOPMENT_MNEMONIC = "test test test test test test test test test test test junk";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface AnvilOptions {
  host?: string;
  /** Default (or 0): a free port (tried up to 3 times: a port free when asked may be taken when anvil binds it). */
  port?: number;
  /** Funded development accounts (default 20). */
  accounts?: number;
  /** The file the chain is kept in; none keeps nothing after exit. */
  stateFile?: string;
  /** Seconds between writes of the state file while running (default 2). */
  stateIntervalSeconds?: number;
  /** Further anvil arguments, e.g. ["--prune-history"]. */
  extraArgs?: string[];
  startTimeoutMs?: number;
}

export interface RunningAnvil {
  url: string;
  port: number;
  /** The private key of development account `index`. */
  privateKeyOf(index: number): string;
  /** Writes the state file (when there is one) and exits. */
  stop(): Promise<void>;
  /** Settles when the node has exited, for whatever reason. */
  exited: Promise<number | null>;
}

export class ChainStateDamagedError extends Error {
  readonly code = "CHAIN_STATE_DAMAGED";
  constructor(
    readonly stateFile: string,
    reason: string,
  ) {
    const previous = previousStateOf(stateFile);
    super(
      `The chain state ${stateFile} cannot be read (${reason}): it was cut short while being written, by a crash or a kill. ` +
        (existsSync(previous) ? `Put back the copy from the last start (cp ${previous} ${stateFile}) or start with --fresh.` : "Start with --fresh."),
    );
    this.name = "ChainStateDamagedError";
  }
}

export class NodePortTakenError extends Error {
  readonly code = "NODE_PORT_TAKEN";
  constructor(readonly url: string) {
    super(`Something already listens on ${url}: stop it, or choose another port with --port, or use it as the chain with --rpc ${url}`);
    this.name = "NodePortTakenError";
  }
}

export async function startAnvil(options: AnvilOptions = {}): Promise<RunningAnvil> {
  const host = options.host ?? "127.0.0.1";
  if (options.stateFile !== undefined) await prepareStateFile(options.stateFile);
  if (options.port !== undefined && options.port !== 0) {
    if (!(await portIsFree(host, options.port))) throw new NodePortTakenError(`http://${host}:${options.port}`);
    return startOn(host, options.port, options);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(host, await freePort(host), options);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function startOn(host: string, port: number, options: AnvilOptions): Promise<RunningAnvil> {
  const args = ["--host", host, "--port", String(port), "--accounts", String(options.accounts ?? 20), "--silent", ...(options.extraArgs ?? [])];
  if (options.stateFile !== undefined) args.push("--state", options.stateFile, "--state-interval", String(options.stateIntervalSeconds ?? 2));
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  stopWithThisProcess(child);
  if (options.stateFile !== undefined && child.pid !== undefined) {
    const pidFile = pidFileOf(options.stateFile);
    writeFileSync(pidFile, String(child.pid));
    child.once("exit", () => rmSync(pidFile, { force: true }));
  }
  const url = `http://${host}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const stopNode = () => stop(child, exited);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}: ${stderr.trim()}`);
      if (await answers(url)) break;
      if (Date.now() > deadline) throw new Error(`anvil did not answer on ${url} in time: ${stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (options.stateFile !== undefined) await keepTimeMoving(url);
  } catch (error) {
    await stopNode();
    throw error;
  }
  return {
    url,
    port,
    privateKeyOf: developmentKeyOf,
    stop: stopNode,
    exited,
  };
}

function pidFileOf(stateFile: string): string {
  return path.join(path.dirname(stateFile), "anvil.pid");
}

function previousStateOf(stateFile: string): string {
  return path.join(path.dirname(stateFile), "state.previous.json");
}

/**
 * Before a node is started on `stateFile`: its folder exists, a node left running on it by a killed
 * program is stopped (it writes the chain as it goes), and the file is whole; a copy of it is kept.
 */
async function prepareStateFile(stateFile: string): Promise<void> {
  await mkdir(path.dirname(stateFile), { recursive: true });
  await stopLeftOverNode(stateFile);
  if (!existsSync(stateFile)) return;
  try {
    JSON.parse(await readFile(stateFile, "utf8"));
  } catch (error) {
    throw new ChainStateDamagedError(stateFile, (error as Error).message);
  }
  await copyFile(stateFile, previousStateOf(stateFile));
}

async function stopLeftOverNode(stateFile: string): Promise<void> {
  const pidFile = pidFileOf(stateFile);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  // Only an anvil on this very file: the pid may since have gone to another program.
  const commandLine = Number.isSafeInteger(pid) && pid > 0 && existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0") : [];
  if (commandLine.some((arg) => arg.endsWith("anvil")) && commandLine.includes(stateFile)) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(pid)) throw new Error(`The node left running on ${stateFile} (pid ${pid}) did not stop within 15 s: stop it, then start again`);
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The private key of development account `index` (mnemonic "test test … junk"). */
export function developmentKeyOf(index: number): string {
  return HDNodeWallet.fromPhrase(DEVELOPMENT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/**
 * anvil restores the blocks of a state file but not the time offset a development chain may have been
 * moved by (evm_increaseTime): the next block would be older than the last. Resume from the last block.
 */
async function keepTimeMoving(url: string): Promise<void> {
  const latest = (await rpc(url, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
  const last = Number(BigInt(latest.timestamp));
  if (last >= Math.floor(Date.now() / 1000)) await rpc(url, "evm_setTime", [last + 1]);
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method} failed on ${url}: ${body.error.message}`);
  return body.result;
}

async function answers(url: string): Promise<boolean> {
  return rpc(url, "eth_chainId", []).then(
    () => true,
    () => false,
  );
}

/** The platform binary itself when present (the npm wrapper exits on SIGTERM without waiting for it). */
function anvilBinary(): string {
  const modules = path.join(ROOT, "node_modules/@foundry-rs");
  for (const entry of existsSync(modules) ? readdirSync(modules) : []) {
    const candidate = path.join(modules, entry, "bin", "anvil");
    if (entry.startsWith("anvil-") && existsSync(candidate)) return candidate;
  }
  return path.join(ROOT, "node_modules/.bin/anvil");
}

/** Stops the node when this process exits without stopping it (a detached child would outlive it). */
function stopWithThisProcess(child: ChildProcess): void {
  const stopChild = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", stopChild);
  child.once("exit", () => process.off("exit", stopChild));
}

/** A port of `host` free at the time of asking. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether nothing listens on `port` of `host` now. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
