/**
 * Audit throughput against the raw log fetch, on a real JSON-RPC node (anvil), in the same run:
 *
 *   ledger         built first, not measured: vouchers of two issuers, each split by its holder into the policy's
 *                  100 live pieces and settled at maturity by the issuer's clearing bank in batches of 200 —
 *                  200 events per voucher (1 VoucherIssued, 99 PieceSplit, 100 PieceSettled), BENCH_AUDIT_EVENTS
 *                  in all (default 100,000) plus the consortium's set-up. Transactions are sent in JSON-RPC
 *                  batches by anvil's unlocked accounts and mined up to BENCH_AUDIT_TXS_PER_BLOCK (default 20) to
 *                  a block: anvil's time per block grows with the ledger's state (about 9 ms at 10,000 pieces,
 *                  36 ms at 30,000 on 2 cores), so one transaction per block would take most of an hour to build.
 *                  Blocks are spaced so that no holder splits more than once in 15 minutes: an honest ledger, on
 *                  which the audit must find nothing at all.
 *   raw fetch      the anchor: eth_getLogs of the ledger's address over the whole range, in the chunks the auditor
 *                  asks (CLI default --max-chunk 10,000 blocks; anvil refuses none, so none is halved): HTTP POST,
 *                  body read, JSON.parse. Nothing else.
 *   audit          what `evoucher audit` does, with the library functions it calls: probeLedger, then runAudit —
 *                  index (eth_getLogs in chunks, normalise, address check, order, block timestamps, decode) and
 *                  the rebuild with every invariant, every pattern detector and the statistics, in one pass.
 *   rebuild        the rebuild part of the same audit runs alone (auditEvents on the indexed events).
 *   timestamps     what a node that leaves blockTimestamp out of its logs (Besu, GoQuorum, FISCO BCOS) adds to the
 *                  index: a fresh BlockClock fetching every block that holds a ledger log (anvil puts it in the
 *                  logs, so the audit above fetches none).
 *   cli            `node --import tsx src/audit/cli.ts audit --rpc … --ledger …` once, as its own process: wall
 *                  time, process start and report included.
 *
 *   npm run bench:audit          (BENCH_AUDIT_EVENTS=<count>, BENCH_AUDIT_ROUNDS=<n>, BENCH_AUDIT_TXS_PER_BLOCK=<n>)
 *
 * Raw fetch, audit and timestamps run ROUNDS times each (default 3), interleaved, without a warm-up: the median is
 * reported (the first audit run includes the JIT's warm-up). Every run checks its result: the audit counts exactly
 * the logs the raw fetch returned, decodes every one into an event, finds no invariant violation, no source problem
 * and no pattern, and rebuilds every voucher settled in full; the CLI exits 0 and reports the same count. Any
 * difference fails the run (exit 1). Writes bench/results/audit.json. One Node process reads; anvil runs alongside
 * on the same machine.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ethers as ethersLib } from "ethers";
import { network } from "hardhat";
import { runAudit } from "../src/audit/audit.js";
import { BlockClock } from "../src/audit/blockTimes.js";
import { JsonRpcEventSource, type EventSource, type Log } from "../src/audit/eventSource.js";
import { DEFAULT_PATTERN_OPTIONS } from "../src/audit/patterns.js";
import { probeLedger, startsAtDeployment } from "../src/audit/probe.js";
import { httpTransport, RpcError, toQuantity, type RpcCall, type RpcTransport } from "../src/audit/rpc.js";
import { MemberRole } from "../src/sdk/constants.js";
import { usccToBytes18 } from "../src/sdk/uscc.js";
import { buildIssue, DAY, deployConsortium } from "../test/fixtures/consortium.js";
import { startAnvil } from "../src/node/anvilNode.js";
import { testUscc } from "../test/helpers/uscc.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_PATH = path.join(ROOT, "bench", "results", "audit.json");
const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 3);
const TXS_PER_BLOCK = Number(process.env.BENCH_AUDIT_TXS_PER_BLOCK ?? 20);
for (const [name, value] of Object.entries({ BENCH_AUDIT_EVENTS: EVENTS, BENCH_AUDIT_ROUNDS: ROUNDS, BENCH_AUDIT_TXS_PER_BLOCK: TXS_PER_BLOCK })) {
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name}: expected a whole number ≥ 1, got ${JSON.stringify(process.env[name])}`);
    process.exit(2);
  }
}
/** The CLI's default --max-chunk and --timeout. */
const MAX_CHUNK = 10_000;
const TIMEOUT_MS = 60_000;
const PIECES_PER_VOUCHER = 100; // the default policy's maxLivePieces
const EVENTS_PER_VOUCHER = 1 + (PIECES_PER_VOUCHER - 1) + PIECES_PER_VOUCHER;
const VOUCHERS = Math.ceil(EVENTS / EVENTS_PER_VOUCHER);
/** Vouchers are issued in waves of one voucher per holder, at most 100 holders; waves differ by one voucher at most. */
const WAVES = Math.ceil(VOUCHERS / 100);
const HOLDERS = Math.ceil(VOUCHERS / WAVES);
const waveSize = (wave: number) => Math.floor(VOUCHERS / WAVES) + (wave < VOUCHERS % WAVES ? 1 : 0);
const SETTLEMENT_BATCH = 200; // MAX_SETTLEMENT_BATCH
const FIRST_HOLDER_ACCOUNT = 20; // deployConsortium uses the node's first 14 accounts
/** A holder splits once per round; rounds are spaced so no 6 splits fall in an hour (the burst pattern). */
const MIN_SPLIT_SPACING_SECONDS = 900;
const BLOCK_SECONDS = Math.ceil(MIN_SPLIT_SPACING_SECONDS / Math.ceil(Math.floor(VOUCHERS / WAVES) / TXS_PER_BLOCK));
const TERM = 90n * DAY;
const CNY = (yuan: number) => BigInt(yuan) * 100n;

const startedAt = performance.now();
const phases: Record<string, number> = {};
const seconds = (from: number) => (performance.now() - from) / 1000;
function phase(name: string, from: number): void {
  phases[name] = seconds(from);
  console.log(`  ${name}: ${phases[name].toFixed(1)} s`);
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    console.error(`\nFAILED: ${message}`);
    process.exit(1);
  }
}

const n = (value: number) => value.toLocaleString("en-US");

// ---------------------------------------------------------------- the node and the ledger (not measured)

// anvil with `--prune-history`: no state of past blocks is kept (blocks, receipts and logs all are; the audit
// reads nothing else, and asks for the state at "latest" only). Without it the build slows down faster as the
// ledger grows: 139 s instead of 83 s for 40,000 events at 4 transactions a block.

console.log(
  `Audit throughput: ${n(VOUCHERS)} vouchers × ${PIECES_PER_VOUCHER} pieces, all settled (${n(VOUCHERS * EVENTS_PER_VOUCHER)} voucher events), ` +
    `anvil over HTTP, ≤ ${TXS_PER_BLOCK} transactions per block ${BLOCK_SECONDS} s apart, Node ${process.versions.node}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}\n`,
);
console.log("build (not measured)");
let from = performance.now();
// startAnvil stops the node when this process exits (the bench ends with process.exit).
const anvil = await startAnvil({ accounts: FIRST_HOLDER_ACCOUNT + HOLDERS, extraArgs: ["--prune-history"] });
const connection = await network.create({ network: "anvil", override: { url: anvil.url } });
const rpc = httpTransport(anvil.url, { timeoutMs: TIMEOUT_MS });
const nodeVersion = await rpc.request<string>("web3_clientVersion", []);
const { ethers } = connection;
const c = await deployConsortium(ethers);
const ledger = c.contracts.ledger;
const ledgerAddress = await ledger.getAddress();
const { admin, coreA, coreB, bankX, bankY } = c.actors;
const holders = (await ethers.getSigners()).slice(FIRST_HOLDER_ACCOUNT, FIRST_HOLDER_ACCOUNT + HOLDERS);
check(holders.length === HOLDERS, `anvil has ${holders.length} holder accounts, ${HOLDERS} wanted`);
phase(`anvil ${nodeVersion} started, consortium deployed`, from);

/** Transactions are sent in JSON-RPC batches by the node's unlocked accounts, with our own nonces and gas. */
interface Tx {
  from: string;
  data: string;
  gas: bigint;
}
const nonces = new Map<string, number>();
for (const account of [admin, coreA, coreB, bankX, bankY, ...holders]) nonces.set(account.address, await ethers.provider.getTransactionCount(account.address));
const iface = ledger.interface;
const genesis = (await ethers.provider.getBlock("latest"))!;
let blockTime = genesis.timestamp;
const blockGasLimit = genesis.gasLimit;
let transactions = 0;
let blocks = 0;
const issued: Array<{ voucherId: bigint; rootPieceId: bigint; issuer: string; amount: bigint }> = [];

function answered(answers: unknown[], what: string): unknown[] {
  for (const answer of answers) if (answer instanceof RpcError) check(false, `${what}: ${answer.message}`);
  return answers;
}

/** Groups transactions into blocks: at most TXS_PER_BLOCK, and as much gas as a block holds. */
function intoBlocks(txs: Tx[]): Tx[][] {
  const groups: Tx[][] = [];
  let gas = 0n;
  for (const tx of txs) {
    const last = groups.at(-1);
    if (last === undefined || last.length === TXS_PER_BLOCK || gas + tx.gas > blockGasLimit) {
      groups.push([tx]);
      gas = tx.gas;
    } else {
      last.push(tx);
      gas += tx.gas;
    }
  }
  return groups;
}

/** Sends the transactions, block by block, each block BLOCK_SECONDS after the last; every one must succeed. */
async function mine(txs: Tx[], what: string): Promise<void> {
  for (const block of intoBlocks(txs)) {
    answered(
      await rpc.batch(
        block.map((tx): RpcCall => {
          const nonce = nonces.get(tx.from)!;
          nonces.set(tx.from, nonce + 1);
          return { method: "eth_sendTransaction", params: [{ from: tx.from, to: ledgerAddress, data: tx.data, gas: toQuantity(Number(tx.gas)), nonce: toQuantity(nonce) }] };
        }),
      ),
      what,
    );
    blockTime += BLOCK_SECONDS;
    await rpc.request("evm_mine", [blockTime]);
    const receipts = await rpc.request<Array<{ status: string; logs: Array<{ topics: string[]; data: string }> }>>("eth_getBlockReceipts", ["latest"]);
    check(receipts.length === block.length, `${what}: ${receipts.length} of ${block.length} transactions mined in one block`);
    for (const receipt of receipts) {
      check(receipt.status === "0x1", `${what}: a transaction reverted`);
      for (const log of receipt.logs) {
        const parsed = iface.parseLog(log);
        if (parsed?.name === "VoucherIssued") issued.push({ voucherId: parsed.args.voucherId, rootPieceId: parsed.args.pieceId, issuer: parsed.args.issuer, amount: parsed.args.amount });
      }
    }
    transactions += block.length;
    blocks++;
  }
}

from = performance.now();
await rpc.request("evm_setAutomine", [false]);
await mine(
  holders.map((holder, i) => ({
    from: admin.address,
    data: iface.encodeFunctionData("registerMember", [holder.address, usccToBytes18(testUscc(1_000 + i)), MemberRole.Supplier, 0]),
    gas: 300_000n,
  })),
  "registering the holders",
);
phase(`${HOLDERS} holders registered as suppliers`, from);

from = performance.now();
/** The node's gas estimate with a margin: sent with each transaction, so the node runs it once, not twice. */
async function gasFor(account: string, data: string): Promise<bigint> {
  const estimate = await rpc.request<string>("eth_estimateGas", [{ from: account, to: ledgerAddress, data }]);
  return (BigInt(estimate) * 3n) / 2n;
}
let splitGas = 0n;
for (let w = 0, first = 0; w < WAVES; first += waveSize(w), w++) {
  const wave = waveSize(w);
  // Issue: one voucher per holder, the issuers taking turns; 150,000.00 to 849,000.00 CNY, maturity in 90 days.
  const issuedAt = BigInt(blockTime);
  const issues: Tx[] = [];
  for (let k = 0; k < wave; k++) {
    const v = first + k;
    const issuer = v % 2 === 0 ? coreA : coreB;
    const { request, attestations } = await buildIssue(ethers, c, {
      issuer,
      holder: holders[k],
      amount: CNY(150_000 + ((v * 7_919) % 700_000)),
      maturity: issuedAt + TERM,
      packageHash: ethersLib.id(`bench-audit-package-${v}`),
    });
    issues.push({ from: issuer.address, data: iface.encodeFunctionData("issue", [request, attestations]), gas: 600_000n });
  }
  const before = issued.length;
  await mine(issues, "issuing");
  const vouchers = issued.slice(before);
  check(vouchers.length === wave, `issued ${vouchers.length} of ${wave} vouchers`);
  // 99 rounds: each holder splits 1/200 of its voucher off the root; the root keeps about half.
  for (let round = 1; round < PIECES_PER_VOUCHER; round++) {
    const splits = vouchers.map((voucher, k) => ({ from: holders[k].address, data: iface.encodeFunctionData("split", [voucher.rootPieceId, voucher.amount / 200n]) }));
    splitGas ||= await gasFor(splits[0].from, splits[0].data);
    await mine(splits.map((split) => ({ ...split, gas: splitGas })), "splitting");
  }
  // At maturity, each clearing bank settles its issuer's pieces, 200 to a transaction.
  blockTime = Math.max(blockTime, Number(issuedAt + TERM));
  const settlements: Tx[] = [];
  for (const [issuer, bank] of [
    [coreA, bankX],
    [coreB, bankY],
  ] as const) {
    const pieces = vouchers.filter((voucher) => voucher.issuer === issuer.address).flatMap((voucher) => Array.from({ length: PIECES_PER_VOUCHER }, (_, index) => voucher.rootPieceId | BigInt(index)));
    for (let i = 0; i < pieces.length; i += SETTLEMENT_BATCH) {
      const batch = pieces.slice(i, i + SETTLEMENT_BATCH).map((pieceId) => ({ pieceId, bankReference: ethersLib.id(`bench-audit-payment-${pieceId}`) }));
      const data = iface.encodeFunctionData("settle", [batch]);
      settlements.push({ from: bank.address, data, gas: await gasFor(bank.address, data) });
    }
  }
  await mine(settlements, "settling");
  console.log(`    ${n(first + wave)}/${n(VOUCHERS)} vouchers, ${n(transactions)} transactions, ${n(blocks)} blocks, ${seconds(from).toFixed(0)} s`);
}
await rpc.request("evm_setAutomine", [true]);
const buildSeconds = seconds(from);
phase(`${n(VOUCHERS)} vouchers issued, split and settled: ${n(transactions)} transactions in ${n(blocks)} blocks`, from);
const latestBlock = await ethers.provider.getBlockNumber();

// ---------------------------------------------------------------- measuring

interface Timing {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Every run, in order. */
  runs: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function line(label: string, events: number, runs: number[], note = ""): Timing {
  const value = median(runs);
  const eventsPerSecond = events / value;
  const spread = runs.length > 1 ? `  (median of ${runs.length}: ${runs.map((s) => s.toFixed(2)).join(", ")})` : "";
  console.log(`${label.padEnd(30)} ${n(events).padStart(9)} events in ${value.toFixed(3).padStart(7)} s  ${n(Math.round(eventsPerSecond)).padStart(9)} events/s${spread}${note}`);
  return { events, seconds: value, eventsPerSecond, runs };
}

/** The anchor: eth_getLogs of the ledger in the auditor's chunks; POST, read the body, JSON.parse. */
async function rawFetch(toBlock: number): Promise<{ logs: number; bytes: number; requests: number }> {
  let logs = 0;
  let bytes = 0;
  let requests = 0;
  for (let next = 0; next <= toBlock; next += MAX_CHUNK) {
    const end = Math.min(toBlock, next + MAX_CHUNK - 1);
    const response = await fetch(anvil.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++requests, method: "eth_getLogs", params: [{ address: ledgerAddress, fromBlock: toQuantity(next), toBlock: toQuantity(end) }] }),
    });
    const text = await response.text();
    const answer = JSON.parse(text) as { result?: unknown[] };
    check(Array.isArray(answer.result), `raw eth_getLogs ${next}–${end}: no array of logs (${text.slice(0, 200)})`);
    logs += answer.result.length;
    bytes += Buffer.byteLength(text);
  }
  return { logs, bytes, requests };
}

/** Counts the calls a transport makes, by method. */
function counting(transport: RpcTransport): { transport: RpcTransport; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = (method: string) => (calls[method] = (calls[method] ?? 0) + 1);
  return {
    calls,
    transport: {
      label: transport.label,
      request: <T>(method: string, params: unknown[]) => (count(method), transport.request<T>(method, params)),
      batch: (batch: RpcCall[]) => (batch.forEach((call) => count(call.method)), transport.batch(batch)),
    },
  };
}

/** A BlockClock that keeps the time spent answering. */
class TimedClock extends BlockClock {
  ms = 0;
  override async timestamps(blocks: Iterable<number>): Promise<Map<number, number>> {
    const started = performance.now();
    try {
      return await super.timestamps(blocks);
    } finally {
      this.ms += performance.now() - started;
    }
  }
}

/** The audit as `evoucher audit --rpc … --ledger …` runs it (command.ts: connect, then read), timed in parts. */
async function auditOnce() {
  const { transport, calls } = counting(httpTransport(anvil.url, { timeoutMs: TIMEOUT_MS }));
  const started = performance.now();
  const probe = await probeLedger(transport, ledgerAddress);
  const complete = await startsAtDeployment(transport, ledgerAddress, 0);
  const eventSource = new JsonRpcEventSource(transport, ledgerAddress, { maxChunk: MAX_CHUNK });
  let logsMs = 0;
  let logs: Log[] = [];
  const source: EventSource = {
    latestBlock: () => eventSource.latestBlock(),
    async logs(fromBlock, toBlock) {
      const began = performance.now();
      logs = await eventSource.logs(fromBlock, toBlock);
      logsMs += performance.now() - began;
      return logs;
    },
  };
  const clock = new TimedClock(transport);
  const checks = { invariants: true, patterns: true, patternOptions: DEFAULT_PATTERN_OPTIONS, complete };
  const run = await runAudit(source, clock, { ledger: ledgerAddress, fromBlock: 0, toBlock: probe.latestBlock }, checks);
  const totalMs = performance.now() - started;
  return { run, logs, probe, complete, calls, halvings: eventSource.halvings, blocksFetched: clock.fetched, totalMs, logsMs, timestampsMs: clock.ms };
}

type AuditOnce = Awaited<ReturnType<typeof auditOnce>>;

const vouchersIssued = issued.reduce((sum, voucher) => sum + voucher.amount, 0n);

/** A benchmark of a wrong result is worthless: every audit run must rebuild the honest ledger exactly. */
function checkAudit(audit: AuditOnce, rawLogs: number, rawRequests: number): void {
  const { run } = audit;
  check(audit.probe.latestBlock === latestBlock && run.toBlock === latestBlock, `the audit read up to block ${run.toBlock}, the ledger was built up to ${latestBlock}`);
  check(audit.complete, "the audit did not see the range as the whole history");
  check(run.logCount === rawLogs, `the audit read ${n(run.logCount)} logs, the raw fetch ${n(rawLogs)}`);
  check(run.eventCount === rawLogs && run.model.eventCount === rawLogs, `the audit decoded ${n(run.eventCount)} events and applied ${n(run.model.eventCount)}, of ${n(rawLogs)} logs`);
  check(audit.halvings === 0 && audit.calls.eth_getLogs === rawRequests, `the audit asked eth_getLogs ${audit.calls.eth_getLogs} times (${audit.halvings} halvings), the raw fetch ${rawRequests} times`);
  const byCategory = (category: string) => run.findings.filter((finding) => finding.category === category);
  for (const category of ["invariant", "source", "pattern", "scope"]) {
    const found = byCategory(category);
    check(found.length === 0, `${found.length} ${category} finding(s) on the honest ledger, e.g. ${found.slice(0, 3).map((f) => `${f.code}: ${f.message}`).join(" | ")}`);
  }
  const counts = run.model.eventCounts;
  check(counts.get("VoucherIssued") === VOUCHERS, `${counts.get("VoucherIssued")} VoucherIssued, ${VOUCHERS} issued`);
  check(counts.get("PieceSplit") === VOUCHERS * (PIECES_PER_VOUCHER - 1), `${counts.get("PieceSplit")} PieceSplit, ${VOUCHERS * (PIECES_PER_VOUCHER - 1)} made`);
  check(counts.get("PieceSettled") === VOUCHERS * PIECES_PER_VOUCHER, `${counts.get("PieceSettled")} PieceSettled, ${VOUCHERS * PIECES_PER_VOUCHER} made`);
  check(run.model.vouchers.size === VOUCHERS && run.model.pieces.size === VOUCHERS * PIECES_PER_VOUCHER, `rebuilt ${run.model.vouchers.size} vouchers and ${run.model.pieces.size} pieces`);
  check([...run.model.pieces.values()].every((piece) => piece.status === "Settled"), "a rebuilt piece is not settled");
  const settled = run.stats.totals.settled;
  check(settled.count === VOUCHERS * PIECES_PER_VOUCHER && settled.amount === vouchersIssued, `statistics: ${settled.count} pieces settled for ${settled.amount} fen, ${vouchersIssued} fen issued`);
}

console.log(`\nmeasured: ${ROUNDS} rounds, each raw fetch then audit then timestamps, same node, blocks 0–${n(latestBlock)}`);
from = performance.now();
const raws: Array<Awaited<ReturnType<typeof rawFetch>>> = [];
const rawRuns: number[] = [];
interface AuditTimes {
  totalMs: number;
  indexMs: number;
  logsMs: number;
  timestampsMs: number;
  rebuildMs: number;
  calls: Record<string, number>;
  blocksFetched: number;
}
const audits: AuditTimes[] = [];
/** What the report needs of the rebuilt ledger; the runs themselves are dropped, so no round pays for the last one's heap. */
let rebuilt = { eventCounts: new Map<string, number>(), pieces: 0, blocksFetched: 0 };
const stampRuns: number[] = [];
let stampedBlocks: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let began = performance.now();
  const raw = await rawFetch(latestBlock);
  rawRuns.push(seconds(began));
  raws.push(raw);
  check(raw.logs === raws[0].logs && raw.logs >= EVENTS, `raw fetch ${round + 1} returned ${n(raw.logs)} logs (first ${n(raws[0].logs)}, at least ${n(EVENTS)} wanted)`);

  const audit = await auditOnce();
  checkAudit(audit, raw.logs, raw.requests);
  const { totalMs, logsMs, timestampsMs, calls, blocksFetched } = audit;
  audits.push({ totalMs, indexMs: audit.run.fetchMs, logsMs, timestampsMs, rebuildMs: audit.run.rebuildMs, calls, blocksFetched });

  // The blocks a node without blockTimestamp in its logs would make the auditor fetch, with a cold clock.
  stampedBlocks = [...new Set(audit.logs.map((log) => log.blockNumber))];
  const clock = new BlockClock(httpTransport(anvil.url, { timeoutMs: TIMEOUT_MS }));
  began = performance.now();
  const times = await clock.timestamps(stampedBlocks);
  stampRuns.push(seconds(began));
  check(times.size === stampedBlocks.length && clock.fetched === stampedBlocks.length, `timestamps of ${times.size} blocks (${clock.fetched} fetched), ${stampedBlocks.length} wanted`);
  rebuilt = { eventCounts: audit.run.model.eventCounts, pieces: audit.run.model.pieces.size, blocksFetched: audit.blocksFetched };
  console.log(`  round ${round + 1}: raw ${rawRuns.at(-1)!.toFixed(2)} s, audit ${(audit.totalMs / 1000).toFixed(2)} s, timestamps ${stampRuns.at(-1)!.toFixed(2)} s`);
}
phase("measured rounds", from);

// ---------------------------------------------------------------- the CLI, as its own process, once

/** Wall time of `evoucher audit` as its own process (process start, tsx, probe, audit, report). */
function runCli(args: string[]): Promise<{ seconds: number; code: number | null; stdout: string; stderr: string }> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/audit/cli.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ seconds: seconds(began), code, stdout, stderr }));
  });
}

from = performance.now();
const cli = await runCli(["audit", "--rpc", anvil.url, "--ledger", ledgerAddress]);
const logCount = raws[0].logs;
check(cli.code === 0, `evoucher audit exited with ${cli.code}:\n${cli.stdout}${cli.stderr}`);
check(cli.stdout.includes(`: ${n(logCount)} logs, ${n(logCount)} events.`), `evoucher audit reports another count than ${n(logCount)}:\n${cli.stdout}`);
phase("evoucher audit (CLI process)", from);

// ---------------------------------------------------------------- results

const counts = Object.fromEntries([...rebuilt.eventCounts.entries()].sort((a, b) => b[1] - a[1]));
console.log(
  `\nledger: ${n(logCount)} logs = events (${Object.entries(counts)
    .map(([kind, count]) => `${n(count)} ${kind}`)
    .join(", ")}); ${n(VOUCHERS)} vouchers, ${n(rebuilt.pieces)} pieces, all settled; ` +
    `${n(raws[0].requests)} eth_getLogs of ≤ ${n(MAX_CHUNK)} blocks, ${(raws[0].bytes / 1e6).toFixed(1)} MB of JSON`,
);
console.log(`audit: no invariant violation, no source problem, no pattern; counted exactly the ${n(logCount)} logs the raw fetch returned, in every run; the CLI too (exit 0)\n`);

const ms = (pick: (audit: AuditTimes) => number) => audits.map((audit) => pick(audit) / 1000);
const rawFetchTiming = line("raw eth_getLogs (anchor)", logCount, rawRuns);
const auditTiming = line("audit total", logCount, ms((a) => a.totalMs));
const indexTiming = line("  index", logCount, ms((a) => a.indexMs));
const logsTiming = line("    of which eth_getLogs", logCount, ms((a) => a.logsMs), "  (fetch, parse, normalise)");
const decodeTiming = line("    of which the rest", logCount, ms((a) => a.indexMs - a.logsMs), "  (check, order, timestamps from the logs, decode)");
const rebuildTiming = line("  rebuild", logCount, ms((a) => a.rebuildMs), "  (model, invariants, patterns, statistics)");
const timestampsTiming = line("block timestamps, cold", logCount, stampRuns, `  (${n(stampedBlocks.length)} blocks, ${n(Math.ceil(stampedBlocks.length / 100))} batches)`);
const cliTiming = line("evoucher audit process", logCount, [cli.seconds], "  (once, wall time)");

const ratios = {
  auditToRawFetch: auditTiming.seconds / rawFetchTiming.seconds,
  rebuildToRawFetch: rebuildTiming.seconds / rawFetchTiming.seconds,
  indexToRawFetch: indexTiming.seconds / rawFetchTiming.seconds,
  auditGetLogsToRawFetch: logsTiming.seconds / rawFetchTiming.seconds,
  auditWithoutLogTimestampsToRawFetch: (auditTiming.seconds + timestampsTiming.seconds) / rawFetchTiming.seconds,
  cliToRawFetch: cliTiming.seconds / rawFetchTiming.seconds,
};
console.log(`\naudit total / raw eth_getLogs                = ${ratios.auditToRawFetch.toFixed(2)}×`);
console.log(`rebuild only / raw eth_getLogs               = ${ratios.rebuildToRawFetch.toFixed(2)}×`);
console.log(`index / raw eth_getLogs                      = ${ratios.indexToRawFetch.toFixed(2)}×  (the auditor's own eth_getLogs ${ratios.auditGetLogsToRawFetch.toFixed(2)}×)`);
console.log(`audit + cold timestamps / raw eth_getLogs    = ${ratios.auditWithoutLogTimestampsToRawFetch.toFixed(2)}×  (a node without blockTimestamp in its logs)`);
console.log(`evoucher audit process / raw eth_getLogs     = ${ratios.cliToRawFetch.toFixed(2)}×`);
console.log(`\nCLI: ${cli.stdout.split("\n").slice(0, 2).join(" ")}`);

const totalSeconds = seconds(startedAt);
console.log(`\nwall time ${totalSeconds.toFixed(1)} s: ${Object.entries(phases).map(([name, value]) => `${name.replace(/:.*/, "")} ${value.toFixed(1)} s`).join("; ")}`);

await mkdir(path.dirname(RESULTS_PATH), { recursive: true });
await writeFile(
  RESULTS_PATH,
  JSON.stringify(
    {
      events: logCount,
      eventsByKind: counts,
      ledger: {
        vouchers: VOUCHERS,
        piecesPerVoucher: PIECES_PER_VOUCHER,
        holders: HOLDERS,
        transactions,
        blocks: latestBlock + 1,
        transactionsPerBlock: TXS_PER_BLOCK,
        blockSeconds: BLOCK_SECONDS,
        buildSeconds,
        blocksWithLedgerLogs: stampedBlocks.length,
      },
      node: { client: nodeVersion, transport: "JSON-RPC over HTTP, 127.0.0.1", logsCarryBlockTimestamp: rebuilt.blocksFetched === 0 },
      chunking: { maxChunkBlocks: MAX_CHUNK, getLogsRequests: raws[0].requests, halvings: 0, responseBytes: raws[0].bytes },
      rounds: ROUNDS,
      rawFetch: rawFetchTiming,
      audit: {
        total: auditTiming,
        index: indexTiming,
        getLogs: logsTiming,
        restOfIndex: decodeTiming,
        rebuild: rebuildTiming,
        rpcCalls: audits[0].calls,
      },
      coldBlockTimestamps: { ...timestampsTiming, blocks: stampedBlocks.length },
      cli: { ...cliTiming, exitCode: cli.code },
      ratios,
      checks: {
        findings: 0,
        logsEqualRawFetch: true,
        eventsEqualLogs: true,
        everyPieceSettled: true,
      },
      phasesSeconds: phases,
      wallSeconds: totalSeconds,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", platform: `${os.platform()} ${os.release()}`, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node },
    },
    null,
    2,
  ) + "\n",
);
console.log(`\nwritten ${path.relative(ROOT, RESULTS_PATH)}`);
process.exit(0);
