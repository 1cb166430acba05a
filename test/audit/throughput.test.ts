/**
 * How fast the audit reads: a ledger with a few thousand events (30 vouchers, each split into 100 pieces and
 * settled) on the embedded chain. Prints the rates — reading (eth_getLogs, timestamps, decoding) and the
 * rebuild with every invariant, pattern and statistic — and checks that the result is still exact. The rates
 * are printed, not asserted: the benchmark for them against raw eth_getLogs is a separate script.
 *
 * `AUDIT_THROUGHPUT_ANVIL=1` builds the same ledger on anvil instead and also times `evoucher audit` as a
 * separate process over HTTP (slower to set up: every transaction goes through JSON-RPC).
 */
import { spawn } from "node:child_process";
import { expect } from "chai";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import { auditEvents } from "../../src/audit/audit.js";
import { decodeLog } from "../../src/audit/decode.js";
import { indexLedger } from "../../src/audit/indexer.js";
import { DAY, deployConsortium, issueVoucher } from "../fixtures/consortium.js";
import { startAnvil, type RunningAnvil } from "../helpers/anvil.js";
import { CNY, selfSplit, sourceFor, type Connection } from "./scenario.js";

const VOUCHERS = 30;
const SPLITS = 99; // 100 live pieces per voucher: the default policy's maximum
const ON_ANVIL = process.env.AUDIT_THROUGHPUT_ANVIL === "1";

/** Wall time of `evoucher audit` as its own process. */
function timeCli(args: string[]): Promise<{ ms: number; code: number | null; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/audit/cli.ts", ...args], { stdio: ["ignore", "pipe", "ignore"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ ms: performance.now() - started, code, stdout }));
  });
}

describe("audit throughput", function () {
  this.timeout(10 * 60_000);

  let anvil: RunningAnvil | undefined;
  after(async () => anvil?.stop());

  it(`rebuilds and checks ${VOUCHERS} vouchers of ${SPLITS + 1} pieces, all settled, from events${ON_ANVIL ? " (anvil)" : ""}`, async function () {
    let connection: Connection;
    if (ON_ANVIL) {
      anvil = await startAnvil();
      connection = await network.create({ network: "anvil", override: { url: anvil.url } });
    } else {
      connection = await network.create();
    }
    const { ethers } = connection;
    const c = await deployConsortium(ethers);
    const { coreA, supplierA, bankX } = c.actors;
    const ledger = c.contracts.ledger;
    // Spread over days so the tiny-piece and burst detectors have windows to work on, not one instant.
    const mine = (seconds: number) => connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
    for (let v = 0; v < VOUCHERS; v++) {
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const root = await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: CNY(1_000_000), maturity: now + 90n * DAY });
      const pieces = [root];
      for (let s = 0; s < SPLITS; s++) {
        pieces.push(await selfSplit(c, supplierA, root, CNY(5_000)));
        await mine(600);
      }
      await (await ledger.connect(bankX).settle(pieces.map((pieceId) => ({ pieceId, bankReference: ethersLib.id(`ref-${pieceId}`) })))).wait();
    }

    const address = await ledger.getAddress();
    const { source, clock } = sourceFor(connection, address);
    const latest = await source.latestBlock();

    let started = performance.now();
    const indexed = await indexLedger(source, clock, { ledger: address, fromBlock: 0, toBlock: latest });
    const readMs = performance.now() - started;

    const logs = await source.logs(0, latest);
    started = performance.now();
    for (const log of logs) decodeLog(log, 0);
    const decodeMs = performance.now() - started;

    // The first pass runs cold (JIT); the best of three says what the code costs.
    const outcome = auditEvents(indexed.events);
    const cold = outcome.rebuildMs;
    const warm = Math.min(cold, auditEvents(indexed.events).rebuildMs, auditEvents(indexed.events).rebuildMs);
    const checksOnlyMs = Math.min(...[0, 1, 2].map(() => auditEvents(indexed.events, { invariants: false, patterns: false }).rebuildMs));
    const events = indexed.events.length;
    const rate = (ms: number) => Math.round((events / ms) * 1000).toLocaleString("en-US");
    console.log(
      `      ${events.toLocaleString("en-US")} events: read ${readMs.toFixed(0)} ms (${rate(readMs)}/s, of which decoding ${decodeMs.toFixed(0)} ms, ${rate(decodeMs)}/s); ` +
        `${clock.fetched} block timestamps fetched; rebuild with invariants, patterns and statistics ${cold.toFixed(0)} ms cold (${rate(cold)}/s), ` +
        `${warm.toFixed(0)} ms warm (${rate(warm)}/s); rebuild and statistics alone ${checksOnlyMs.toFixed(0)} ms (${rate(checksOnlyMs)}/s)`,
    );

    if (anvil !== undefined) {
      const cli = await timeCli(["audit", "--rpc", anvil.url, "--ledger", address]);
      console.log(`      evoucher audit over HTTP: exit ${cli.code}, ${cli.ms.toFixed(0)} ms wall time (process start included); ${cli.stdout.split("\n")[1]}`);
    }

    expect(events).to.be.greaterThan(6_000);
    expect(outcome.findings.filter((f) => f.category !== "pattern")).to.deep.equal([]);
    expect(outcome.stats.totals.settled).to.deep.equal({ count: VOUCHERS * (SPLITS + 1), amount: CNY(1_000_000) * BigInt(VOUCHERS) });
  });
});
