/**
 * `npm start` as a user runs it: src/consortium/main.ts as its own process, with the embedded node it
 * starts itself (and, with --rpc, against an anvil started here). Checks the demo's story against the
 * chain afterwards, that a restart keeps the chain and the databases, that Ctrl-C (SIGINT) stops
 * everything and writes the chain, and that bad input is refused with a specific message, losing nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { runAudit } from "../../src/audit/audit.js";
import { BlockClock } from "../../src/audit/blockTimes.js";
import { JsonRpcEventSource } from "../../src/audit/eventSource.js";
import { httpTransport } from "../../src/audit/rpc.js";
import { parseConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { VoucherLedger__factory } from "../../types/ethers-contracts/index.js";
import { freePort, startAnvil, type RunningAnvil } from "../helpers/anvil.js";
import { developmentKeyOf, portIsFree } from "../../src/node/anvilNode.js";

const CONFIG = parseConsortiumConfig(JSON.parse(await readFile(new URL("../../config/consortium.example.json", import.meta.url), "utf8")));
const address = (key: string) => CONFIG.byKey.get(key)!.address;
/** A funded development account no member uses. */
const ANVIL_KEY_19 = developmentKeyOf(19);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts main.ts; `until` resolves when a line of stdout matches (or the process ends). */
function start(args: string[]): { child: ChildProcess; output: () => Run; until: (pattern: RegExp, timeoutMs?: number) => Promise<string>; exited: Promise<Run> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/consortium/main.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Run>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  const until = async (pattern: RegExp, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = stdout.match(pattern);
      if (match) return match[0];
      if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${pattern}:\n${stdout}\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), until, exited };
}

const run = (args: string[]) => start(args).exited;

describe("npm start (src/consortium/main.ts)", function () {
  this.timeout(300_000);
  let root: string;
  let dataDir: string;
  let nodePort: number;
  const ports = () => ["--port", String(nodePort), "--oracle-port", "0", "--dashboard-port", "0", "--tick", "0.5"];

  before(async function () {
    root = await mkdtemp(path.join(os.tmpdir(), "evoucher-start-"));
    dataDir = path.join(root, "data");
    nodePort = await freePort();
  });
  after(async function () {
    await rm(root, { recursive: true, force: true });
  });

  describe("on the embedded node", function () {
    let demo: Run;
    before(async function () {
      demo = await run(["--data-dir", dataDir, "--fresh", "--exit", ...ports()]);
    });

    it("deploys, onboards the example consortium, walks the demo and stops cleanly (exit 0)", function () {
      expect(demo.code, demo.stderr + demo.stdout).to.equal(0);
      expect(demo.stdout).to.match(/Deployed with Ignition: VoucherLedger \(with its consortium registry\) at 0x[0-9a-fA-F]{40}/);
      expect(demo.stdout).to.include(`${CONFIG.members.length} members, onboarded with 19 transactions`);
      expect(demo.stdout).to.match(/oracle {10}http:\/\/127\.0\.0\.1:\d+ {3}Trade Background Verification Service/);
      expect(demo.stdout).to.match(/oracle {10}http:\/\/127\.0\.0\.1:\d+ {3}Shenzhen Invoice Verification Center/);
      expect(demo.stdout).to.match(/dashboard {7}http:\/\/127\.0\.0\.1:\d+/);
      expect(demo.stdout).to.include("Stopped. The chain and every database are kept in");
    });

    it("tells each refusal with the rule behind it", function () {
      expect(demo.stdout).to.match(/tried to pay Wuhan Steel Wire 5,000\.00 out of piece 1\.5: refused .*already 5 transfers from the issue; the policy allows 5 \(R5\)/);
      expect(demo.stdout).to.match(/Huadong Heavy Equipment Group presented the same trade \(invoice \d{20}\) again for a second voucher: refused by the oracles \(INVOICE_ALREADY_USED\); nothing was issued/);
      expect(demo.stdout).to.match(/and rejected EV-2-\d+-H \(AM04: Insufficient funds: 250000\.00 CNY available, \d+\.00 CNY instructed\)/);
      expect(demo.stdout).to.match(/NOT FINANCEABLE — Piece 1\.1 is pledged .* the ledger refuses it \(PIECE_NOT_IN_STATUS\)/);
      expect(demo.stdout).to.match(/Nanhai Electronics tried to issue a new voucher: refused .*in default on an earlier voucher.*\(R11\)/);
      expect(demo.stdout).to.include("Outcome: Huadong Heavy Equipment Group owes 0.00 CNY; Nanhai Electronics still owes 300,000.00 CNY and is in default.");
    });

    describe("started again on the same data directory, running until Ctrl-C", function () {
      let running: ReturnType<typeof start>;
      let provider: JsonRpcProvider;
      let ledgerAddress: string;
      let dashboardUrl: string;

      before(async function () {
        const record = JSON.parse(await readFile(path.join(dataDir, "consortium.json"), "utf8")) as { ledger: string };
        ledgerAddress = record.ledger;
        running = start(["--data-dir", dataDir, ...ports()]);
        await running.until(/Running\. Dashboard: \S+/);
        dashboardUrl = running.output().stdout.match(/Running\. Dashboard: (\S+)/)![1];
        provider = new JsonRpcProvider(`http://127.0.0.1:${nodePort}`, undefined, { staticNetwork: true });
      });
      after(async function () {
        provider?.destroy();
        if (running?.child.exitCode === null) {
          running.child.kill("SIGINT");
          await running.exited;
        }
      });

      it("keeps the ledger and sends nothing: no new deployment, no demo, registry up to date", function () {
        const { stdout } = running.output();
        expect(stdout).to.include(`Ledger at ${ledgerAddress} (deployed at block`);
        expect(stdout).to.include("registry already up to date");
        expect(stdout).not.to.include("Deployed with Ignition");
        expect(stdout).not.to.include("Demo:");
      });

      it("has the demo's chain: voucher 1 settled in full, voucher 2 overdue, its issuer in default", async function () {
        const ledger = VoucherLedger__factory.connect(ledgerAddress, provider);
        const [first, second, late] = await Promise.all([ledger.voucherOf(1n), ledger.voucherOf(2n), ledger.memberOf(address("coreB"))]);
        expect(first.livePieces).to.equal(0n);
        expect(first.overdue).to.equal(false);
        expect(second.overdue).to.equal(true);
        expect(second.livePieces).to.equal(1n);
        expect(late.defaulted).to.equal(true);
        expect(await ledger.outstandingOf(address("coreA"))).to.equal(0n);
        expect(await ledger.outstandingOf(address("coreB"))).to.equal(30_000_000n);
      });

      it("passes the auditor's invariant checks from its events alone", async function () {
        const transport = httpTransport(`http://127.0.0.1:${nodePort}`);
        const toBlock = await provider.getBlockNumber();
        const audit = await runAudit(new JsonRpcEventSource(transport, ledgerAddress), new BlockClock(transport), { ledger: ledgerAddress, fromBlock: 0, toBlock });
        expect(audit.findings.filter((finding) => finding.category !== "pattern")).to.deep.equal([]);
        expect(audit.model.vouchers.size).to.equal(2);
        expect(audit.model.vouchers.get(1n)!.settledAmount).to.equal(100_000_000n);
      });

      it("serves the dashboard with both vouchers", async function () {
        const response = await fetch(dashboardUrl);
        expect(response.status).to.equal(200);
        const html = await response.text();
        expect(html).to.include("Huadong Heavy Equipment Group");
        expect(html).to.include("Nanhai Electronics");
        expect(html).to.include("1,000,000.00");
        expect(html).to.include("500,000.00");
      });

      it("stops on Ctrl-C (SIGINT): services, then the node, which writes the chain as it was at the end", async function () {
        // A transaction just before Ctrl-C: only the write at exit (not the periodic one) can keep it.
        const payer = new Wallet(ANVIL_KEY_19, provider);
        const sent = await payer.sendTransaction({ to: payer.address, value: 1n });
        const mined = (await sent.wait())!;
        const lastBlock = (await provider.getBlock(mined.blockNumber))!;
        running.child.kill("SIGINT");
        const stopped = await running.exited;
        expect(stopped.code, stopped.stderr).to.equal(0);
        expect(stopped.stderr).to.equal("");
        expect(stopped.stdout).to.include("Stopping: dashboard, clearing engine, banks, oracles, then the node.");
        expect(existsSync(`${dataDir}.lock`)).to.equal(false);
        expect(existsSync(path.join(dataDir, "chain", "anvil.pid"))).to.equal(false);
        expect(await portIsFree("127.0.0.1", nodePort)).to.equal(true);

        // The chain as it was, and its clock going on from the last block (anvil alone would restart it at now).
        const node = await startAnvil({ stateFile: path.join(dataDir, "chain", "state.json") });
        const again = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
        try {
          expect((await again.getTransactionReceipt(sent.hash))?.blockNumber).to.equal(mined.blockNumber);
          await again.send("evm_mine", []);
          const next = (await again.getBlock("latest"))!;
          expect(next.number).to.equal(lastBlock.number + 1);
          expect(next.timestamp).to.be.greaterThan(lastBlock.timestamp);
        } finally {
          again.destroy();
          await node.stop();
        }
      });
    });

    it("refuses a second start on the same data directory while the first runs", async function () {
      const first = start(["--data-dir", dataDir, ...ports()]);
      try {
        await first.until(/Running\./);
        const second = await run(["--data-dir", dataDir, "--exit", "--port", String(await freePort()), "--oracle-port", "0", "--dashboard-port", "0"]);
        expect(second.code).to.equal(1);
        expect(second.stderr).to.match(/npm start failed: .*is in use by process \d+/);
        // --fresh must not pull the data from under the running one.
        const fresh = await run(["--data-dir", dataDir, "--fresh", "--exit", "--port", String(await freePort()), "--oracle-port", "0", "--dashboard-port", "0"]);
        expect(fresh.code).to.equal(1);
        expect(fresh.stderr).to.match(/is in use by process \d+/);
        expect(existsSync(path.join(dataDir, "consortium.json"))).to.equal(true);
        expect(existsSync(path.join(dataDir, "clearing"))).to.equal(true);
      } finally {
        first.child.kill("SIGINT");
        expect((await first.exited).code).to.equal(0);
      }
    });
  });

  describe("Ctrl-C at any moment: everything stopped, nothing left running", function () {
    for (const [moment, pattern] of [
      ["while the services start", /Embedded chain node \(anvil\) at/],
      ["in the middle of the demo", /2\. The voucher travels down the supply chain/],
    ] as const) {
      it(moment, async function () {
        const dir = path.join(root, `interrupted-${moment.split(" ").at(-1)}`);
        const port = await freePort();
        const started = Date.now();
        const running = start(["--data-dir", dir, "--fresh", "--port", String(port), "--oracle-port", "0", "--dashboard-port", "0", "--tick", "0.5"]);
        await running.until(pattern);
        running.child.kill("SIGINT");
        const stopped = await running.exited;
        expect(stopped.code, stopped.stderr).to.equal(0);
        expect(stopped.stderr).to.equal("");
        expect(stopped.stdout).to.include("Stopped. The chain and every database are kept in");
        expect(Date.now() - started).to.be.lessThan(60_000);
        expect(existsSync(`${dir}.lock`)).to.equal(false);
        expect(existsSync(path.join(dir, "chain", "anvil.pid"))).to.equal(false);
        expect(await portIsFree("127.0.0.1", port)).to.equal(true);
      });
    }
  });

  describe("with --rpc, on a node of its own (anvil)", function () {
    let anvil: RunningAnvil;
    before(async function () {
      anvil = await startAnvil();
    });
    after(async function () {
      await anvil?.stop();
    });

    it("deploys there, starts no node of its own, and walks the demo", async function () {
      const dir = path.join(root, "rpc");
      const result = await run(["--rpc", anvil.url, "--data-dir", dir, "--fresh", "--exit", "--oracle-port", "0", "--dashboard-port", "0", "--tick", "0.5"]);
      expect(result.code, result.stderr + result.stdout).to.equal(0);
      expect(result.stdout).not.to.include("Embedded chain node");
      expect(result.stdout).to.include(`JSON-RPC node   ${anvil.url}`);
      const record = JSON.parse(await readFile(path.join(dir, "consortium.json"), "utf8")) as { ledger: string; rpcUrl: string };
      expect(record.rpcUrl).to.equal(anvil.url);
      const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true });
      try {
        const ledger = VoucherLedger__factory.connect(record.ledger, provider);
        expect((await ledger.voucherOf(1n)).livePieces).to.equal(0n);
        expect((await ledger.memberOf(address("coreB"))).defaulted).to.equal(true);
      } finally {
        provider.destroy();
      }
      expect(existsSync(path.join(dir, "chain"))).to.equal(false); // the external node keeps the chain
    });
  });

  describe("bad input, refused with a specific message", function () {
    it("an --rpc that is not a URL", async function () {
      const result = await run(["--rpc", "127.0.0.1:8545", "--exit"]);
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.include("option '--rpc <url>' argument '127.0.0.1:8545' is invalid. expected an http:// or https:// JSON-RPC URL");
    });

    it("a port out of range", async function () {
      const result = await run(["--port", "70000", "--exit"]);
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.include("expected a port number from 0 to 65535");
    });

    it("a folder with files that are not a consortium's, with or without --fresh: refused, its files kept", async function () {
      const foreign = path.join(root, "foreign");
      await mkdir(path.join(foreign, "src"), { recursive: true });
      await writeFile(path.join(foreign, "src", "thesis.txt"), "months of work");
      await writeFile(path.join(foreign, "consortium.json"), "{}"); // even beside a consortium's file
      for (const fresh of [[], ["--fresh"]]) {
        const result = await run(["--data-dir", foreign, ...fresh, "--exit", "--port", String(await freePort())]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.include(`${foreign} holds files that are not a consortium's (src): choose an empty or new folder with --data-dir`);
        expect(await readFile(path.join(foreign, "src", "thesis.txt"), "utf8")).to.equal("months of work");
      }
    });

    it("the repository itself, or a folder holding it, as the data directory", async function () {
      for (const dir of [".", ".."]) {
        const result = await run(["--data-dir", dir, "--fresh", "--exit", "--port", String(await freePort())]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/--data-dir \S+ is \(or holds\) \S+: choose a folder of its own/);
      }
      expect(existsSync("package.json")).to.equal(true);
    });

    it("a damaged consortium.json: says to start fresh", async function () {
      const dir = path.join(root, "damaged");
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, "consortium.json"), '{"chainId": "31337", "ledger": "0x5FbDB2315678af');
      const result = await run(["--data-dir", dir, "--exit", "--port", String(await freePort())]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`${path.join(dir, "consortium.json")} is damaged (`);
      expect(result.stderr).to.include("start with --fresh to deploy anew");
    });

    it("another chain with the same id and a contract at the same address: refused by the deployment block's hash", async function () {
      const other = await startAnvil();
      const provider = new JsonRpcProvider(other.url, undefined, { staticNetwork: true });
      try {
        for (let i = 0; i < 5; i++) await provider.send("evm_mine", []);
        const dir = path.join(root, "other-chain");
        await mkdir(dir, { recursive: true });
        await writeFile(path.join(dir, "consortium.json"), await readFile(path.join(dataDir, "consortium.json"), "utf8"));
        const result = await run(["--rpc", other.url, "--data-dir", dir, "--exit", "--oracle-port", "0", "--dashboard-port", "0"]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.match(/records the deployment in block 1 \(0x[0-9a-f]{64}\) of chain 31337, but that block at http:\/\/127\.0\.0\.1:\d+ is 0x[0-9a-f]{64}: another chain with the same id/);
      } finally {
        provider.destroy();
        await other.stop();
      }
    });

    it("an embedded-node port something else listens on", async function () {
      const server = createServer();
      const port = await freePort();
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      try {
        const result = await run(["--data-dir", path.join(root, "busy"), "--exit", "--port", String(port)]);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.include(`Something already listens on http://127.0.0.1:${port}: stop it, or choose another port with --port, or use it as the chain with --rpc http://127.0.0.1:${port}`);
      } finally {
        server.close();
      }
    });

    it("a data directory whose chain was lost: says to start fresh instead of deploying over it", async function () {
      const dir = path.join(root, "lost");
      await mkdir(dir, { recursive: true });
      const record = JSON.parse(await readFile(path.join(dataDir, "consortium.json"), "utf8")) as object;
      await writeFile(path.join(dir, "consortium.json"), JSON.stringify(record));
      const result = await run(["--data-dir", dir, "--exit", "--port", String(await freePort()), "--oracle-port", "0", "--dashboard-port", "0"]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/records the ledger at 0x[0-9a-fA-F]{40}, but chain 31337 at http:\/\/127\.0\.0\.1:\d+ has no contract there \(the chain was reset or its state lost\): start with --fresh to deploy anew/);
    });
  });
});
