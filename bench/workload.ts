/**
 * A mixed workload through the SDK on the embedded node (anvil, over JSON-RPC), against the raw transaction
 * rate of the same node measured in the same run, at the same points of the run:
 *
 *   set-up         not measured: anvil (test/helpers/anvil.ts, with --prune-history 256 as `npm start` runs it: the
 *                  states of the last 256 blocks only, in memory; everything read here is at "latest", and blocks,
 *                  receipts and logs are all kept), the consortium
 *                  of test/fixtures/consortium.ts, and per lane a core enterprise (credit line = what it will issue,
 *                  its own clearing bank), a lending bank and the suppliers it pays; the oracle of the consortium's
 *                  first oracle member,
 *                  started in-process as a member runs it (resolveOracleConfig + startOracle: PGlite in memory,
 *                  HTTP on 127.0.0.1, a JSON-RPC provider with the options startOracle gives its own — metered);
 *                  one set of sample trade documents per issue and per split transfer loaded into its verifier
 *                  records (sampleTradeDocuments + seedStore).
 *   workload       BENCH_WORKLOAD_OPS operations (default 10,000): 10% issue, 50% split transfer, 20% pledge, the
 *                  rest (20%) settlement, each through an SDK role client holding a plain ethers Wallet:
 *                    issue        CoreEnterpriseClient.issue — payer-signed package to the oracle over HTTP,
 *                                 attestation checked, issue() sent, receipt awaited and decoded;
 *                    split        SupplierClient.transfer of part of a piece to the holder's own supplier, the same
 *                                 path through the oracle, splitTransfer(); a voucher's pieces form a tree (piece j
 *                                 is split off piece (j−1)/2: depth ≤ 3 and 6 live pieces at 5 splits a voucher);
 *                    pledge       SupplierClient.consentToPledge (reads, the holder's EIP-712 signature) then
 *                                 BankClient.acceptPledge by the lane's lending bank — one operation;
 *                    settle       once the chain's clock is at maturity (evm_increaseTime + evm_mine, not
 *                                 measured), BankClient.confirmSettlement by the issuer's clearing bank, counted
 *                                 one operation per piece; each bank hands over all its pieces due, as the
 *                                 clearing engine does (src/clearing/engine/clearingEngine.ts), in calls of
 *                                 BENCH_WORKLOAD_SETTLE_BATCH pieces (default 200 = the ledger's
 *                                 MAX_SETTLEMENT_BATCH: one transaction a call).
 *                  Concurrency: BENCH_WORKLOAD_LANES lanes (default 8) at once, each with its own members (so its
 *                  own nonces) and its own provider; inside a lane every operation is awaited before the next
 *                  (issue, its splits, its pledges, voucher after voucher; vouchers dealt round-robin to lanes).
 *                  Issue, split and pledge run mixed (a piece must be unmatured to move or be pledged), in
 *                  BENCH_WORKLOAD_SEGMENTS segments (default 4) of equal work; settlement follows at maturity.
 *   raw            the anchor: plain signed value transfers (1 wei to one sink) by BENCH_WORKLOAD_LANES Wallets
 *                  at once, each awaited as the SDK awaits its own transactions (`await (await send()).wait()`),
 *                  through providers made like the lanes' — BENCH_WORKLOAD_RAW_TXS transfers (default 300) before
 *                  the first segment, between segments and after the last (after a warm-up of 10 per lane).
 *                  anvil's cost per block grows as the chain and the ledger's state grow (it mines one transaction
 *                  a block; one run on 2 cores: 262 raw transfers/s on the fresh node, 46/s at 9,000 blocks), so
 *                  one anchor taken before or after would be off by a factor of several;
 *                  each segment is compared with the slices on either side of it, and the overall anchor is the
 *                  rate those slices give for the workload's own transactions, segment by segment (settlement at
 *                  the last slice's rate).
 *
 *   npm run bench:workload   (BENCH_WORKLOAD_OPS, _LANES, _SEGMENTS, _RAW_TXS, _SETTLE_BATCH, _TERM_DAYS (7),
 *                             _BATCH_STALL_MS (0), _POLL_MS (20); _ORACLE_STALL_MS sets the oracle's provider's
 *                             batchStallTime, by default startOracle's own (0; ethers' default is 10 ms), to see its cost)
 *
 * Providers of the lanes and of the anchor: `new JsonRpcProvider(url, chainId, { staticNetwork: true,
 * batchStallTime: 0, pollingInterval: 20, cacheTimeout: -1 })`. cacheTimeout −1 is needed: with ethers' default
 * (250 ms) a Wallet's second transaction within 250 ms reads the same cached "pending" nonce and is refused
 * (nonce too low). batchStallTime 0 and a short pollingInterval keep ethers' own timers (10 ms before each
 * request batch; 4 s between receipt polls when a receipt is not there at once, which happens with concurrent
 * senders) out of both sides. anvil mines what has arrived (automine). Everything but anvil — the lanes, the
 * oracle and its database — runs in this one Node process.
 *
 * Printed: ops/s of each kind and overall (count over the wall time of its phase); the latency of one operation
 * split into waiting for the oracle, the member's JSON-RPC requests, waiting for inclusion (from the node's
 * answer to eth_sendRawTransaction to the receipt) and the rest (client CPU, signing, event loop); raw tx/s per
 * slice; the ratio SDK ops/s ÷ raw tx/s per segment and overall; gas/s of both; JSON-RPC calls per operation;
 * the CPU use of this process and of anvil per phase.
 * Checked after the run (any failure: exit 1): every SDK transaction's receipt succeeded; the ledger's events in
 * the workload's blocks are exactly the operations sent (VoucherIssued, PieceSplit with a package, PiecePledged,
 * PieceSettled — counts and amounts) and nothing else; every voucher's pieces have the planned holders, amounts
 * (summing to its face value) and statuses, its live-piece count is right, each pledge is the lending bank's;
 * each issuer's outstanding is what it issued less what was settled; the oracle recorded one attested request per
 * issue and split and no refusal; the sink received exactly one wei per raw transfer. Writes
 * bench/results/workload.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodeBytes32String, hexlify, HDNodeWallet, JsonRpcProvider, randomBytes, Wallet, ZeroHash, type TransactionReceipt } from "ethers";
import { network } from "hardhat";
import { resolveOracleConfig } from "../src/oracle/config.js";
import { sampleTradeDocuments } from "../src/oracle/package/sampleDocuments.js";
import type { TradeDocuments } from "../src/oracle/package/types.js";
import { seedStore, startOracle, type RunningOracle } from "../src/oracle/service.js";
import { BankClient, CoreEnterpriseClient, SupplierClient } from "../src/sdk/clients/index.js";
import { DEFAULT_POLICY, MemberRole, PieceStatus, pieceIdOf, pieceStatusName } from "../src/sdk/constants.js";
import { usccToBytes18 } from "../src/sdk/uscc.js";
import { VoucherLedger__factory } from "../types/ethers-contracts/index.js";
import { DAY, deployConsortium } from "../test/fixtures/consortium.js";
import { ANVIL_MNEMONIC, startAnvil, type RunningAnvil } from "../test/helpers/anvil.js";
import { testUscc } from "../test/helpers/uscc.js";
import { callsSince, cpuMeter, mean, MeteredProvider, quantile, sum, TimedOracleClient } from "./lib/workloadMeters.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_PATH = path.join(ROOT, "bench", "results", "workload.json");

function envInt(name: string, fallback: number, min: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < min) {
    console.error(`${name}: expected a whole number ≥ ${min}, got ${JSON.stringify(process.env[name])}`);
    process.exit(2);
  }
  return value;
}
const OPS = envInt("BENCH_WORKLOAD_OPS", 10_000, 10);
const LANES_WANTED = envInt("BENCH_WORKLOAD_LANES", 8, 1);
const SEGMENTS_WANTED = envInt("BENCH_WORKLOAD_SEGMENTS", 4, 1);
const RAW_TXS = envInt("BENCH_WORKLOAD_RAW_TXS", 300, 1);
const SETTLE_BATCH = Math.min(envInt("BENCH_WORKLOAD_SETTLE_BATCH", 200, 1), 200);
const TERM_DAYS = envInt("BENCH_WORKLOAD_TERM_DAYS", 7, 1);
const STALL_MS = envInt("BENCH_WORKLOAD_BATCH_STALL_MS", 0, 0);
const POLL_MS = envInt("BENCH_WORKLOAD_POLL_MS", 20, 1);
const RAW_WARMUP_PER_LANE = 10;
/** Unset: the oracle's provider has startOracle's own options (no batch stall); set: that stall instead, to see what it costs (ethers' default is 10 ms). */
const ORACLE_STALL_MS = process.env.BENCH_WORKLOAD_ORACLE_STALL_MS === undefined ? undefined : envInt("BENCH_WORKLOAD_ORACLE_STALL_MS", 10, 0);

// ---------------------------------------------------------------- the plan

const ISSUES = Math.round(OPS * 0.1);
const SPLITS = Math.round(OPS * 0.5);
const PLEDGES = Math.round(OPS * 0.2);
const SETTLES = OPS - ISSUES - SPLITS - PLEDGES;
const LANES = Math.min(LANES_WANTED, ISSUES);
const SEGMENTS = Math.min(SEGMENTS_WANTED, Math.floor(ISSUES / LANES));
const MAX_SPLITS_PER_VOUCHER = Math.ceil(SPLITS / ISSUES);
const SUPPLIERS_PER_LANE = MAX_SPLITS_PER_VOUCHER + 1; // piece j is held by the lane's supplier j
const ACCOUNTS_PER_LANE = 3 + SUPPLIERS_PER_LANE; // core enterprise, clearing bank, lending bank, suppliers
const FIRST_LANE_ACCOUNT = 20; // deployConsortium uses the node's first 14 accounts
const FIRST_RAW_ACCOUNT = FIRST_LANE_ACCOUNT + LANES * ACCOUNTS_PER_LANE;
const ACCOUNTS = FIRST_RAW_ACCOUNT + LANES;
const ORACLE_ACCOUNT = 9; // deployConsortium's oracle1

function planError(message: string): never {
  console.error(`BENCH_WORKLOAD_OPS=${OPS}: ${message}`);
  process.exit(2);
}
// Piece j of a voucher is split off piece (j−1)>>1: depth ⌊log2(j+1)⌋; live pieces 1 + splits.
if (Math.floor(Math.log2(MAX_SPLITS_PER_VOUCHER + 1)) > DEFAULT_POLICY.maxDepth) planError(`${MAX_SPLITS_PER_VOUCHER} splits per voucher exceed the depth limit`);
if (MAX_SPLITS_PER_VOUCHER + 1 > DEFAULT_POLICY.maxLivePieces) planError(`${MAX_SPLITS_PER_VOUCHER + 1} pieces per voucher exceed the live-piece limit`);
if (PLEDGES > ISSUES + SPLITS || SETTLES > ISSUES + SPLITS || SETTLES < 0) planError("more pledges or settlements than pieces");

interface PiecePlan {
  index: number;
  parent: number;
  /** The lane's supplier that holds it. */
  holder: number;
  /** Its amount once all the voucher's splits are done, fen. */
  amount: bigint;
  pledged: boolean;
  settled: boolean;
  id?: bigint;
}
interface SplitPlan {
  piece: number;
  parent: number;
  amount: bigint;
  documents?: TradeDocuments;
}
interface VoucherPlan {
  number: number;
  lane: number;
  segment: number;
  face: bigint;
  splits: SplitPlan[];
  pledges: number[];
  pieces: PiecePlan[];
  issueDocuments?: TradeDocuments;
  voucherId?: bigint;
}

const vouchers: VoucherPlan[] = [];
for (let v = 0; v < ISSUES; v++) {
  const splitCount = Math.floor(SPLITS / ISSUES) + (v < SPLITS % ISSUES ? 1 : 0);
  const pledgeCount = Math.floor(PLEDGES / ISSUES) + (v < PLEDGES % ISSUES ? 1 : 0);
  if (pledgeCount > splitCount + 1) planError(`voucher ${v} would need ${pledgeCount} pledges of ${splitCount + 1} pieces`);
  // 500,000.00 to 999,999.00 CNY.
  const face = BigInt(500_000 + ((v * 7_919) % 500_000)) * 100n;
  const amounts = [face];
  const pieces: PiecePlan[] = [{ index: 0, parent: 0, holder: 0, amount: face, pledged: false, settled: false }];
  const splits: SplitPlan[] = [];
  for (let j = 1; j <= splitCount; j++) {
    const parent = (j - 1) >> 1;
    const amount = (amounts[parent] * BigInt(25 + ((v * 7 + j * 13) % 20))) / 100n; // 25–44% of what the parent holds
    amounts[parent] -= amount;
    amounts[j] = amount;
    if (amount < DEFAULT_POLICY.minPieceAmount || amounts[parent] < DEFAULT_POLICY.minPieceAmount) planError(`voucher ${v} split ${j} is below the minimum piece`);
    splits.push({ piece: j, parent, amount });
    pieces.push({ index: j, parent, holder: j, amount, pledged: false, settled: false });
  }
  for (const piece of pieces) piece.amount = amounts[piece.index];
  // The last pieces split off are pledged (after all of the voucher's splits: a pledged piece cannot move).
  const pledges = pieces.slice(pieces.length - pledgeCount).map((piece) => piece.index);
  for (const index of pledges) pieces[index].pledged = true;
  vouchers.push({ number: v, lane: v % LANES, segment: 0, face, splits, pledges, pieces });
}
// Segments: each lane's vouchers in SEGMENTS runs of (nearly) equal length.
for (let lane = 0; lane < LANES; lane++) {
  const own = vouchers.filter((voucher) => voucher.lane === lane);
  own.forEach((voucher, k) => (voucher.segment = Math.floor((k * SEGMENTS) / own.length)));
}
// Settlement: the first SETTLES pieces, voucher by voucher in issue order (the last one may be settled in part).
let toSettle = SETTLES;
for (const voucher of vouchers) {
  for (const piece of voucher.pieces) {
    if (toSettle === 0) break;
    piece.settled = true;
    toSettle--;
  }
}

// ---------------------------------------------------------------- output helpers

const n = (value: number | bigint) => value.toLocaleString("en-US");
const f = (value: number, digits = 1) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const startedAt = performance.now();
const loadAtStart = os.loadavg();
const seconds = (from: number) => (performance.now() - from) / 1000;
const phases: Record<string, number> = {};
function phase(name: string, from: number): void {
  phases[name] = seconds(from);
  console.log(`  ${name}: ${phases[name].toFixed(1)} s`);
}
const failures: string[] = [];
function check(condition: boolean, message: string): void {
  if (!condition) {
    if (failures.length < 20) console.error(`CHECK FAILED: ${message}`);
    failures.push(message);
  }
}

// ---------------------------------------------------------------- run

let anvil: RunningAnvil | undefined;
let oracle: RunningOracle | undefined;
const providers: JsonRpcProvider[] = [];
let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error("\nFAILED:", error);
  exitCode = 1;
} finally {
  await oracle?.close().catch(() => undefined);
  for (const provider of providers) provider.destroy();
  await anvil?.stop().catch(() => undefined);
}
process.exit(exitCode || (failures.length > 0 ? 1 : 0));

async function main(): Promise<void> {
  console.log(
    `Mixed workload through the SDK: ${n(OPS)} operations (${n(ISSUES)} issue, ${n(SPLITS)} split transfer, ${n(PLEDGES)} pledge, ${n(SETTLES)} settle), ` +
      `${LANES} concurrent lanes, ${SEGMENTS} segments; anchor ${n(RAW_TXS)} raw transfers before, between and after the segments; ` +
      `anvil over HTTP, one oracle in-process; Node ${process.versions.node}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ` +
      `load average ${loadAtStart.map((l) => l.toFixed(1)).join(" ")}\n`,
  );
  console.log("set-up (not measured)");
  let from = performance.now();
  // --prune-history 256, as `npm start` runs it (src/consortium/main.ts): the states of the last 256 blocks in memory,
  // none on disk. Without it anvil writes the state of past blocks to ~/.foundry/anvil/tmp — gigabytes for this run,
  // left behind when it is stopped hard; with no number (as bench/audit.ts) it keeps only the latest, and a call racing
  // a new block finds no state ("missing revert data").
  anvil = await startAnvil({ accounts: ACCOUNTS, extraArgs: ["--prune-history", "256"] });
  const url = anvil.url;
  const cpu = cpuMeter(url);
  /** CPU use of this process and of anvil over a measured phase, as a share of one core. */
  const cpuUse: Record<string, { seconds: number; thisProcess: number; anvil: number | null }> = {};
  const cpuFrom = () => ({ at: performance.now(), ...cpu() });
  const cpuTo = (name: string, start: ReturnType<typeof cpuFrom>) => {
    const end = cpu();
    const s = seconds(start.at);
    const previous = cpuUse[name] ?? { seconds: 0, thisProcess: 0, anvil: 0 };
    const self = previous.thisProcess * previous.seconds + (end.self - start.self);
    const node = end.node === null || start.node === null || previous.anvil === null ? null : previous.anvil * previous.seconds + (end.node - start.node);
    cpuUse[name] = { seconds: previous.seconds + s, thisProcess: self / (previous.seconds + s), anvil: node === null ? null : node / (previous.seconds + s) };
  };
  const root = HDNodeWallet.fromPhrase(ANVIL_MNEMONIC, undefined, "m/44'/60'/0'/0");
  const keyOf = (index: number) => root.deriveChild(index).privateKey;
  const connection = await network.create({ network: "anvil", override: { url } });
  const c = await deployConsortium(connection.ethers);
  const ledgerAddress = await c.contracts.ledger.getAddress();
  const admin = c.contracts.ledger.connect(c.actors.admin);
  const chainId = (await connection.ethers.provider.getNetwork()).chainId;
  const nodeVersion: string = await connection.ethers.provider.send("web3_clientVersion", []);
  phase(`anvil ${nodeVersion} (${ACCOUNTS} accounts) started, consortium deployed`, from);

  // ------------------------------------------------ lanes: members registered by the consortium admin
  from = performance.now();
  interface Member {
    address: string;
    uscc: string;
    key: string;
  }
  const member = (index: number): Member => {
    const key = keyOf(index);
    return { key, address: new Wallet(key).address, uscc: testUscc(1_000 + index) };
  };
  const pending: Array<Promise<unknown>> = [];
  const send = async (transaction: Promise<{ wait(): Promise<unknown> }>) => pending.push((await transaction).wait());
  const laneMembers: Array<{ core: Member; clearingBank: Member; lender: Member; suppliers: Member[]; creditLine: bigint }> = [];
  for (let lane = 0; lane < LANES; lane++) {
    const base = FIRST_LANE_ACCOUNT + lane * ACCOUNTS_PER_LANE;
    const core = member(base);
    const clearingBank = member(base + 1);
    const lender = member(base + 2);
    const suppliers = Array.from({ length: SUPPLIERS_PER_LANE }, (_, s) => member(base + 3 + s));
    await send(admin.registerMember(core.address, usccToBytes18(core.uscc), MemberRole.CoreEnterprise, 0));
    for (const bank of [clearingBank, lender]) await send(admin.registerMember(bank.address, usccToBytes18(bank.uscc), MemberRole.Bank, 0));
    for (const supplier of suppliers) await send(admin.registerMember(supplier.address, usccToBytes18(supplier.uscc), MemberRole.Supplier, 0));
    const issues = vouchers.filter((voucher) => voucher.lane === lane).reduce((total, voucher) => total + voucher.face, 0n);
    await send(admin.setCreditLine(core.address, issues));
    await send(admin.setClearingBank(core.address, clearingBank.address));
    laneMembers.push({ core, clearingBank, lender, suppliers, creditLine: issues });
  }
  await Promise.all(pending);
  await connection.close();
  phase(`${LANES} lanes of ${ACCOUNTS_PER_LANE} members registered (a core enterprise with its clearing bank, a lending bank, ${SUPPLIERS_PER_LANE} suppliers)`, from);

  // ------------------------------------------------ the oracle, as a member runs it
  from = performance.now();
  const oracleKey = keyOf(ORACLE_ACCOUNT);
  if (new Wallet(oracleKey).address !== c.actors.oracle1.address) throw new Error(`account ${ORACLE_ACCOUNT} is not the consortium's first oracle`);
  const config = resolveOracleConfig(
    {
      listen: { port: 0 },
      chain: { rpcUrl: url, ledgerAddress },
      signer: { privateKeyEnv: "WORKLOAD_ORACLE_KEY" },
      documentKeySecretEnv: "WORKLOAD_DOCUMENT_KEY_SECRET",
      database: { kind: "pglite-memory" },
    },
    { WORKLOAD_ORACLE_KEY: oracleKey, WORKLOAD_DOCUMENT_KEY_SECRET: hexlify(randomBytes(32)) },
    ROOT,
  );
  // The provider startOracle makes for itself (src/oracle/service.ts), metered: same URL, same options.
  // The options startOracle gives the provider it makes itself (src/oracle/service.ts), metered.
  const oracleProvider = new MeteredProvider(url, undefined, { staticNetwork: true, cacheTimeout: -1, batchStallTime: ORACLE_STALL_MS ?? 0 });
  providers.push(oracleProvider);
  oracle = await startOracle(config, { provider: oracleProvider });
  const reader = new JsonRpcProvider(url, chainId, { staticNetwork: true, cacheTimeout: -1 });
  providers.push(reader);
  const ledger = VoucherLedger__factory.connect(ledgerAddress, reader);
  const chainNow = async () => (await reader.getBlock("latest"))!.timestamp;
  const today = await chainNow();
  const maturity = BigInt(today) + BigInt(TERM_DAYS) * DAY;
  const seed = { invoices: [] as TradeDocuments["invoices"], deliveries: [] as TradeDocuments["delivery"] };
  const documents = (seller: Member, buyer: Member, total: bigint) => {
    const made = sampleTradeDocuments({ sellerUscc: seller.uscc, buyerUscc: buyer.uscc, total, today });
    seed.invoices.push(...made.invoices);
    seed.deliveries.push(...made.delivery);
    return made;
  };
  for (const voucher of vouchers) {
    const { core, suppliers } = laneMembers[voucher.lane];
    voucher.issueDocuments = documents(suppliers[0], core, voucher.face);
    for (const split of voucher.splits) split.documents = documents(suppliers[split.piece], suppliers[split.parent], split.amount);
  }
  await seedStore(oracle.store, seed);
  phase(`oracle ${oracle.signer} at ${oracle.url}, ${n(seed.invoices.length)} invoices and deliveries loaded`, from);

  // ------------------------------------------------ providers, clients, metering
  const providerOptions = { staticNetwork: true, batchStallTime: STALL_MS, pollingInterval: POLL_MS, cacheTimeout: -1 } as const;
  const metered = () => {
    const provider = new MeteredProvider(url, chainId, providerOptions);
    providers.push(provider);
    return provider;
  };
  const lanes = laneMembers.map((members, index) => {
    const provider = metered();
    const oracleClient = new TimedOracleClient(oracle!.url);
    const wallet = (m: Member) => new Wallet(m.key, provider);
    return {
      index,
      provider,
      oracle: oracleClient,
      members,
      core: new CoreEnterpriseClient(wallet(members.core), ledgerAddress, [oracleClient]),
      clearing: new BankClient(wallet(members.clearingBank), ledgerAddress),
      lender: new BankClient(wallet(members.lender), ledgerAddress),
      suppliers: members.suppliers.map((m) => new SupplierClient(wallet(m), ledgerAddress, [oracleClient])),
      vouchers: vouchers.filter((voucher) => voucher.lane === index),
    };
  });
  type Lane = (typeof lanes)[number];

  type Kind = "issue" | "split" | "pledge" | "settle" | "raw";
  interface OpRecord {
    kind: Kind;
    segment: number;
    /** Operations counted: 1, or the pieces of a settlement call. */
    ops: number;
    ms: number;
    oracleMs: number;
    rpcMs: number;
    inclusionMs: number;
    httpRequests: number;
    calls: Record<string, number>;
  }
  async function timed<T>(
    records: OpRecord[],
    lane: { provider: MeteredProvider; oracle?: TimedOracleClient },
    kind: Kind,
    segment: number,
    ops: number,
    run: () => Promise<T>,
  ): Promise<T> {
    const before = lane.provider.snapshot();
    const oracleBefore = lane.oracle?.ms ?? 0;
    const started = performance.now();
    const result = await run();
    const ms = performance.now() - started;
    records.push({
      kind,
      segment,
      ops,
      ms,
      oracleMs: (lane.oracle?.ms ?? 0) - oracleBefore,
      rpcMs: lane.provider.busyMs - before.busyMs,
      inclusionMs: lane.provider.inclusionMs - before.inclusionMs,
      httpRequests: lane.provider.httpRequests - before.httpRequests,
      calls: callsSince(lane.provider, before),
    });
    return result;
  }

  // ------------------------------------------------ the anchor: raw value transfers, same concurrency, same providers
  const sink = Wallet.createRandom().address;
  const rawLanes = Array.from({ length: LANES }, (_, index) => {
    const provider = metered();
    return { index, provider, wallet: new Wallet(keyOf(FIRST_RAW_ACCOUNT + index), provider) };
  });
  const rawReceipts: TransactionReceipt[] = [];
  const raw: OpRecord[] = [];
  interface Slice {
    slice: number;
    seconds: number;
    transactions: number;
    perSecond: number;
    firstBlock: number;
    lastBlock: number;
  }
  const slices: Slice[] = [];
  async function rawRound(count: number, slice: number | null): Promise<void> {
    const firstBlock = (await reader.getBlockNumber()) + 1;
    const started = performance.now();
    const cpuStart = cpuFrom();
    await Promise.all(
      rawLanes.map(async (lane) => {
        const share = Math.floor(count / LANES) + (lane.index < count % LANES ? 1 : 0);
        for (let i = 0; i < share; i++) {
          const receipt = await timed(slice === null ? [] : raw, lane, "raw", slice ?? -1, 1, async () => (await (await lane.wallet.sendTransaction({ to: sink, value: 1n })).wait())!);
          rawReceipts.push(receipt);
        }
      }),
    );
    const s = seconds(started);
    if (slice === null) return;
    cpuTo("raw", cpuStart);
    slices.push({ slice, seconds: s, transactions: count, perSecond: count / s, firstBlock, lastBlock: await reader.getBlockNumber() });
    console.log(`  raw slice ${slice}: ${n(count)} transfers in ${s.toFixed(2)} s, ${f(count / s)} tx/s (blocks ${n(firstBlock)}–${n(slices.at(-1)!.lastBlock)})`);
  }

  // ------------------------------------------------ issue, split transfers, pledges, mixed, in segments between anchor slices
  console.log("\nmeasured");
  await rawRound(RAW_WARMUP_PER_LANE * LANES, null);
  const mixed: OpRecord[] = [];
  const issueHashes: string[] = [];
  const splitHashes: string[] = [];
  const pledgeReceipts: TransactionReceipt[] = [];
  const segments: Array<{ segment: number; seconds: number; operations: number; transactions: number; firstBlock: number; lastBlock: number }> = [];
  let registration = 0;
  let workloadFirstBlock = 0;
  const pledgeDeadline = BigInt(Math.max(today, Math.floor(Date.now() / 1000))) + DAY; // chain time follows the wall clock until the jump
  let done = 0;
  async function runLane(lane: Lane, segment: number): Promise<void> {
    const { members } = lane;
    for (const voucher of lane.vouchers.filter((v) => v.segment === segment)) {
      const issued = await timed(mixed, lane, "issue", segment, 1, () =>
        lane.core.issue({ payeeUscc: members.suppliers[0].uscc, amount: voucher.face, maturity, documents: voucher.issueDocuments! }),
      );
      done++;
      issueHashes.push(issued.transactionHash);
      voucher.voucherId = issued.voucherId;
      voucher.pieces[0].id = issued.pieceId;
      check(issued.pieceId === pieceIdOf(issued.voucherId, 0) && issued.amount === voucher.face && issued.holder === members.suppliers[0].address, `voucher ${voucher.number}: issued ${issued.amount} to ${issued.holder}`);
      for (const split of voucher.splits) {
        const parent = voucher.pieces[split.parent];
        const result = await timed(mixed, lane, "split", segment, 1, () =>
          lane.suppliers[parent.holder].transfer({ pieceId: parent.id!, payeeUscc: members.suppliers[split.piece].uscc, amount: split.amount, documents: split.documents! }),
        );
        done++;
        splitHashes.push(result.transactionHash);
        voucher.pieces[split.piece].id = result.pieceId;
        check(result.pieceId === pieceIdOf(issued.voucherId, split.piece), `voucher ${voucher.number}: split ${split.piece} made piece ${result.pieceId}`);
      }
      for (const index of voucher.pledges) {
        const piece = voucher.pieces[index];
        const receipt = await timed(mixed, lane, "pledge", segment, 1, async () => {
          const consent = await lane.suppliers[piece.holder].consentToPledge({
            pieceId: piece.id!,
            pledgee: members.lender.address,
            securedAmount: (piece.amount * 8n) / 10n,
            annualRateBps: 450,
            serviceFeeBps: 20,
            registrationNumber: `0486884300${String(++registration).padStart(10, "0")}`,
            deadline: pledgeDeadline,
          });
          return lane.lender.acceptPledge(consent);
        });
        done++;
        pledgeReceipts.push(receipt);
      }
    }
  }
  const mixedOps = ISSUES + SPLITS + PLEDGES;
  for (let segment = 0; segment < SEGMENTS; segment++) {
    await rawRound(RAW_TXS, segment);
    const firstBlock = (await reader.getBlockNumber()) + 1;
    if (segment === 0) workloadFirstBlock = firstBlock;
    const before = { done, records: mixed.length };
    const started = performance.now();
    const cpuStart = cpuFrom();
    const progress = setInterval(() => console.log(`    … ${n(done)} of ${n(mixedOps)} operations`), 20_000);
    try {
      await Promise.all(lanes.map((lane) => runLane(lane, segment)));
    } finally {
      clearInterval(progress);
    }
    const s = seconds(started);
    cpuTo("mixed", cpuStart);
    const lastBlock = await reader.getBlockNumber();
    const operations = done - before.done;
    segments.push({ segment, seconds: s, operations, transactions: mixed.length - before.records, firstBlock, lastBlock });
    console.log(`  segment ${segment + 1}: ${n(operations)} operations (issue, split, pledge) in ${s.toFixed(1)} s, ${f(operations / s)} ops/s (blocks ${n(firstBlock)}–${n(lastBlock)})`);
  }
  await rawRound(RAW_TXS, SEGMENTS);
  const mixedSeconds = sum(segments.map((segment) => segment.seconds));

  // ------------------------------------------------ maturity (not measured)
  const before = await chainNow();
  await reader.send("evm_increaseTime", [Number(maturity) - before]);
  await reader.send("evm_mine", []);
  const after = await chainNow();
  check(after >= Number(maturity), `chain time ${after} did not reach maturity ${maturity}`);
  console.log(`  (chain time moved ${((after - before) / 86_400).toFixed(2)} days to maturity, not measured)`);

  // ------------------------------------------------ settlement by the clearing banks
  const settle: OpRecord[] = [];
  const settleReceipts: TransactionReceipt[] = [];
  from = performance.now();
  const cpuStart = cpuFrom();
  await Promise.all(
    lanes.map(async (lane) => {
      const pieces = lane.vouchers.flatMap((voucher) => voucher.pieces.filter((piece) => piece.settled).map((piece) => ({ voucher, piece })));
      for (let start = 0; start < pieces.length; start += SETTLE_BATCH) {
        const batch = pieces.slice(start, start + SETTLE_BATCH);
        const confirmations = batch.map(({ voucher, piece }) => ({ pieceId: piece.id!, bankReference: encodeBytes32String(`EVC${voucher.voucherId}-${piece.index}`) }));
        const receipts = await timed(settle, lane, "settle", SEGMENTS, batch.length, () => lane.clearing.confirmSettlement(confirmations));
        settleReceipts.push(...receipts);
      }
    }),
  );
  const settleSeconds = seconds(from);
  cpuTo("settle", cpuStart);
  const workloadLastBlock = await reader.getBlockNumber();
  console.log(`  settle: ${n(SETTLES)} pieces in ${settle.length} calls (${settleReceipts.length} transactions) in ${settleSeconds.toFixed(2)} s, ${f(SETTLES / settleSeconds)} pieces/s`);

  // ------------------------------------------------ checks (not measured)
  from = performance.now();
  const inChunks = async <T, R>(items: readonly T[], size: number, each: (item: T) => Promise<R>): Promise<R[]> => {
    const results: R[] = [];
    for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(each))));
    return results;
  };
  const lowered = (address: string) => address.toLowerCase();
  const fetched = await inChunks([...issueHashes, ...splitHashes], 500, (hash) => reader.getTransactionReceipt(hash));
  const issueReceipts = fetched.slice(0, issueHashes.length);
  const splitReceipts = fetched.slice(issueHashes.length);
  for (const [kind, receipts] of Object.entries({ issue: issueReceipts, split: splitReceipts, pledge: pledgeReceipts, settle: settleReceipts })) {
    for (const receipt of receipts) check(receipt !== null && receipt.status === 1 && lowered(receipt.to ?? "") === lowered(ledgerAddress), `${kind}: a transaction failed or went elsewhere (${receipt?.hash})`);
  }
  check(issueReceipts.length === ISSUES && splitReceipts.length === SPLITS && pledgeReceipts.length === PLEDGES, `receipts: ${issueReceipts.length} issue, ${splitReceipts.length} split, ${pledgeReceipts.length} pledge`);
  const settleCalls = lanes.reduce((total, lane) => total + Math.ceil(lane.vouchers.flatMap((voucher) => voucher.pieces.filter((piece) => piece.settled)).length / SETTLE_BATCH), 0);
  check(settle.length === settleCalls && settleReceipts.length === settleCalls, `${settle.length} settlement calls and ${settleReceipts.length} transactions, ${settleCalls} expected`);
  const gas = (receipts: Array<TransactionReceipt | null>) => receipts.reduce((total, receipt) => total + (receipt?.gasUsed ?? 0n), 0n);
  const gasByKind = { issue: gas(issueReceipts), split: gas(splitReceipts), pledge: gas(pledgeReceipts), settle: gas(settleReceipts) };

  // Every ledger event of the workload's blocks (the anchor slices between segments touch no ledger).
  const logs = await reader.getLogs({ address: ledgerAddress, fromBlock: workloadFirstBlock, toBlock: workloadLastBlock });
  const events = logs.map((log) => ledger.interface.parseLog(log));
  const eventCounts: Record<string, number> = {};
  for (const event of events) eventCounts[event?.name ?? "unknown"] = (eventCounts[event?.name ?? "unknown"] ?? 0) + 1;
  const expectedEvents = { VoucherIssued: ISSUES, PieceSplit: SPLITS, PiecePledged: PLEDGES, PieceSettled: SETTLES };
  check(JSON.stringify(Object.entries(eventCounts).sort()) === JSON.stringify(Object.entries(expectedEvents).sort()), `ledger events ${JSON.stringify(eventCounts)}, expected ${JSON.stringify(expectedEvents)}`);
  const splitEvents = events.filter((event) => event?.name === "PieceSplit");
  check(splitEvents.every((event) => event!.args.packageHash !== ZeroHash && lowered(event!.args.from) !== lowered(event!.args.to)), "a PieceSplit is not a split transfer with a package");
  const settledEvents = events.filter((event) => event?.name === "PieceSettled");
  const settledAmount = vouchers.flatMap((voucher) => voucher.pieces.filter((piece) => piece.settled)).reduce((total, piece) => total + piece.amount, 0n);
  check(settledEvents.reduce((total, event) => total + event!.args.amount, 0n) === settledAmount, "PieceSettled amounts differ from the pieces settled");
  const issuedEvents = events.filter((event) => event?.name === "VoucherIssued");
  check(issuedEvents.reduce((total, event) => total + event!.args.amount, 0n) === vouchers.reduce((total, voucher) => total + voucher.face, 0n), "VoucherIssued amounts differ from the faces issued");

  // The final state, voucher by voucher and piece by piece.
  await inChunks(vouchers, 50, async (voucher) => {
    const lane = laneMembers[voucher.lane];
    const holders = lane.suppliers.map((supplier) => supplier.address);
    const state = await ledger.voucherOf(voucher.voucherId!);
    const settledHere = voucher.pieces.filter((piece) => piece.settled).length;
    check(
      lowered(state.issuer) === lowered(lane.core.address) && state.maturity === maturity && Number(state.piecesCreated) === voucher.pieces.length && Number(state.livePieces) === voucher.pieces.length - settledHere,
      `voucher ${voucher.voucherId}: issuer ${state.issuer}, ${state.piecesCreated} pieces, ${state.livePieces} live`,
    );
    let total = 0n;
    for (const piece of voucher.pieces) {
      const [onChain, pledge] = await Promise.all([ledger.pieceOf(piece.id!), ledger.pledgeOf(piece.id!)]);
      total += onChain.amount;
      const status = piece.settled ? PieceStatus.Settled : piece.pledged ? PieceStatus.Pledged : PieceStatus.Active;
      check(
        onChain.amount === piece.amount && lowered(onChain.holder) === lowered(holders[piece.holder]) && Number(onChain.status) === status,
        `piece ${piece.id}: ${onChain.amount} fen held by ${onChain.holder}, ${pieceStatusName(onChain.status)}; planned ${piece.amount} fen, ${pieceStatusName(status)}`,
      );
      if (piece.pledged) {
        check(lowered(pledge.pledgee) === lowered(lane.lender.address) && pledge.securedAmount === (piece.amount * 8n) / 10n && Number(pledge.serial) === 1, `piece ${piece.id}: pledge ${pledge.pledgee} ${pledge.securedAmount}`);
      }
    }
    check(total === voucher.face, `voucher ${voucher.voucherId}: pieces sum to ${total}, face ${voucher.face}`);
  });
  for (const [index, lane] of laneMembers.entries()) {
    const own = vouchers.filter((voucher) => voucher.lane === index);
    const expected = own.reduce((t, v) => t + v.face, 0n) - own.flatMap((v) => v.pieces.filter((p) => p.settled)).reduce((t, p) => t + p.amount, 0n);
    const outstanding = await ledger.outstandingOf(lane.core.address);
    check(outstanding === expected, `lane ${index}: outstanding ${outstanding}, expected ${expected}`);
  }
  const requests = await oracle.store.countRequests();
  check(requests.attested === ISSUES + SPLITS && requests.refused === 0 && requests.rejected === 0, `oracle requests ${JSON.stringify(requests)}`);
  const rawTotal = RAW_WARMUP_PER_LANE * LANES + (SEGMENTS + 1) * RAW_TXS;
  check(rawReceipts.length === rawTotal && rawReceipts.every((receipt) => receipt.status === 1), `${rawReceipts.length} raw receipts of ${rawTotal}, all successful`);
  const sinkBalance = await reader.getBalance(sink);
  check(sinkBalance === BigInt(rawTotal), `the sink holds ${sinkBalance} wei, ${rawTotal} sent`);
  const sdkTransactions = ISSUES + SPLITS + PLEDGES + settleReceipts.length;
  phase(`checked: receipts, ${n(logs.length)} ledger events, ${n(vouchers.length)} vouchers and ${n(ISSUES + SPLITS)} pieces, outstanding, oracle records, sink`, from);

  // ------------------------------------------------ report
  function describe(records: OpRecord[], phaseSeconds: number, gasUsed: bigint | null) {
    const calls: Record<string, number> = {};
    for (const record of records) for (const [method, count] of Object.entries(record.calls)) calls[method] = (calls[method] ?? 0) + count;
    const perCall = Object.fromEntries(Object.entries(calls).sort((a, b) => b[1] - a[1]).map(([method, count]) => [method, count / records.length]));
    const ops = sum(records.map((record) => record.ops));
    const ms = records.map((r) => r.ms);
    return {
      operations: ops,
      sdkCalls: records.length,
      phaseSeconds,
      opsPerSecond: ops / phaseSeconds,
      latencyMs: {
        mean: mean(ms),
        median: quantile(ms, 0.5),
        p95: quantile(ms, 0.95),
        oracle: mean(records.map((r) => r.oracleMs)),
        jsonRpc: mean(records.map((r) => r.rpcMs)),
        inclusion: mean(records.map((r) => r.inclusionMs)),
        other: mean(records.map((r) => r.ms - r.oracleMs - r.rpcMs - r.inclusionMs)),
      },
      httpRequestsPerCall: mean(records.map((r) => r.httpRequests)),
      rpcCallsPerCall: sum(Object.values(perCall)),
      rpcCallsByMethod: perCall,
      gasUsed: gasUsed === null ? undefined : gasUsed.toString(),
      gasPerOperation: gasUsed === null ? undefined : Number(gasUsed) / ops,
    };
  }
  const byKind = (kind: Kind) => mixed.filter((record) => record.kind === kind);
  const kinds = {
    issue: describe(byKind("issue"), mixedSeconds, gasByKind.issue),
    split: describe(byKind("split"), mixedSeconds, gasByKind.split),
    pledge: describe(byKind("pledge"), mixedSeconds, gasByKind.pledge),
    settle: describe(settle, settleSeconds, gasByKind.settle),
  };
  const mixedAll = describe(mixed, mixedSeconds, gasByKind.issue + gasByKind.split + gasByKind.pledge);
  const rawSeconds = sum(slices.map((slice) => slice.seconds));
  const rawGas = gas(rawReceipts.slice(RAW_WARMUP_PER_LANE * LANES));
  const rawAll = describe(raw, rawSeconds, rawGas);

  // The anchor for each segment: the node's time per raw transfer, the mean of the slices on either side; overall,
  // the raw rate for the workload's own transactions where they were sent (settlement at the last slice's rate).
  const perTx = (slice: Slice) => 1 / slice.perSecond;
  const segmentRows = segments.map((segment) => {
    const anchor = 1 / ((perTx(slices[segment.segment]) + perTx(slices[segment.segment + 1])) / 2);
    const sdk = segment.operations / segment.seconds;
    return { ...segment, opsPerSecond: sdk, rawPerSecondBefore: slices[segment.segment].perSecond, rawPerSecondAfter: slices[segment.segment + 1].perSecond, anchorPerSecond: anchor, ratio: sdk / anchor };
  });
  const anchorSeconds = sum(segmentRows.map((row) => row.transactions / row.anchorPerSecond)) + settleReceipts.length * perTx(slices[SEGMENTS]);
  const anchorRate = sdkTransactions / anchorSeconds;
  const workloadSeconds = mixedSeconds + settleSeconds;
  const sdkRate = OPS / workloadSeconds;
  const sdkTxRate = sdkTransactions / workloadSeconds;
  const ratio = sdkRate / anchorRate;
  const sdkGas = gasByKind.issue + gasByKind.split + gasByKind.pledge + gasByKind.settle;
  const sdkGasPerSecond = Number(sdkGas) / workloadSeconds;
  const rawGasPerSecond = Number(rawGas) / rawSeconds;
  const oracleCalls = Object.fromEntries([...oracleProvider.calls.entries()].sort((a, b) => b[1] - a[1]).map(([method, count]) => [method, count / (ISSUES + SPLITS)]));
  const oracleRpcMs = oracleProvider.busyMs / (ISSUES + SPLITS);

  console.log(
    `\n${LANES} lanes at once, each awaiting one operation at a time. Latency of one SDK call, in parts: oracle = waiting for the attestation ` +
      `(HTTP round trip, the oracle's checks, its chain reads and database); rpc = the member's JSON-RPC requests in flight; incl = from the node's answer ` +
      `to eth_sendRawTransaction to the receipt (mining, and ethers' next poll if the receipt was not there at once); other = the rest (client CPU, ` +
      `signing, waiting for the event loop shared with the other lanes and the oracle). ops/s of a kind in the mixed phase: its count over the ` +
      `phase's ${mixedSeconds.toFixed(1)} s (the kinds share the lanes); settle over its own ${settleSeconds.toFixed(2)} s; raw over its slices' ${rawSeconds.toFixed(1)} s.\n`,
  );
  console.log(
    `${"kind".padEnd(22)} ${"ops".padStart(6)} ${"calls".padStart(6)} ${"ops/s".padStart(8)}  ${"mean ms".padStart(7)} ${"p50".padStart(6)} ${"p95".padStart(6)}  ` +
      `${"oracle".padStart(6)} ${"rpc".padStart(6)} ${"incl".padStart(6)} ${"other".padStart(6)}  ${"rpc/call".padStart(8)} ${"gas/op".padStart(8)}`,
  );
  const row = (label: string, s: ReturnType<typeof describe>) =>
    console.log(
      `${label.padEnd(22)} ${n(s.operations).padStart(6)} ${n(s.sdkCalls).padStart(6)} ${f(s.opsPerSecond).padStart(8)}  ${f(s.latencyMs.mean).padStart(7)} ${f(s.latencyMs.median).padStart(6)} ${f(s.latencyMs.p95).padStart(6)}  ` +
        `${f(s.latencyMs.oracle).padStart(6)} ${f(s.latencyMs.jsonRpc).padStart(6)} ${f(s.latencyMs.inclusion).padStart(6)} ${f(s.latencyMs.other).padStart(6)}  ${f(s.rpcCallsPerCall).padStart(8)} ${n(Math.round(s.gasPerOperation ?? 0)).padStart(8)}`,
    );
  row("issue", kinds.issue);
  row("split transfer", kinds.split);
  row("pledge", kinds.pledge);
  row("  mixed phase", mixedAll);
  row(`settle (≤${SETTLE_BATCH} a call)`, kinds.settle);
  row("raw transfer (anchor)", rawAll);
  console.log("");
  for (const [label, s] of [
    ["issue", kinds.issue],
    ["split transfer", kinds.split],
    ["pledge", kinds.pledge],
    ["settle", kinds.settle],
    ["raw transfer", rawAll],
  ] as const) {
    console.log(`JSON-RPC per call, ${label}: ${Object.entries(s.rpcCallsByMethod).map(([method, count]) => `${method} ${f(count, 2)}`).join(", ")}; ${f(s.httpRequestsPerCall, 2)} HTTP requests`);
  }
  console.log(
    `the oracle's own JSON-RPC per attestation: ${Object.entries(oracleCalls).map(([method, count]) => `${method} ${f(count, 2)}`).join(", ")}; ` +
      `${f(oracleProvider.httpRequests / (ISSUES + SPLITS), 2)} HTTP requests, ${f(oracleRpcMs)} ms in flight (its provider: ${ORACLE_STALL_MS === undefined ? "startOracle's options, no batch stall" : `batch stall set to ${ORACLE_STALL_MS} ms`})`,
  );

  console.log(`\n${"segment".padEnd(9)} ${"ops".padStart(6)} ${"s".padStart(7)} ${"SDK ops/s".padStart(10)}  ${"raw tx/s before".padStart(15)} ${"after".padStart(7)} ${"anchor".padStart(7)}  ${"ratio".padStart(6)}  blocks`);
  for (const r of segmentRows) {
    console.log(
      `${String(r.segment + 1).padEnd(9)} ${n(r.operations).padStart(6)} ${r.seconds.toFixed(1).padStart(7)} ${f(r.opsPerSecond).padStart(10)}  ${f(r.rawPerSecondBefore).padStart(15)} ${f(r.rawPerSecondAfter).padStart(7)} ${f(r.anchorPerSecond).padStart(7)}  ${r.ratio.toFixed(3).padStart(6)}  ${n(r.firstBlock)}–${n(r.lastBlock)}`,
    );
  }
  console.log(`raw slices (tx/s): ${slices.map((slice) => f(slice.perSecond)).join(", ")}`);

  console.log(
    `\nSDK overall: ${n(OPS)} operations in ${workloadSeconds.toFixed(1)} s (mixed ${mixedSeconds.toFixed(1)} s + settle ${settleSeconds.toFixed(2)} s) = ${f(sdkRate)} ops/s; ` +
      `${n(sdkTransactions)} transactions = ${f(sdkTxRate)} tx/s`,
  );
  console.log(`raw transfers, same node, same concurrency: ${f(rawAll.opsPerSecond)} tx/s over all slices; for the workload's transactions where they were sent: ${f(anchorRate)} tx/s`);
  console.log(`ratio SDK ops/s ÷ raw tx/s = ${ratio.toFixed(3)}   (SDK tx/s ÷ raw tx/s = ${(sdkTxRate / anchorRate).toFixed(3)}; mixed phase alone, one transaction an operation: ${(mixedOps / mixedSeconds / (mixedOps / (anchorSeconds - settleReceipts.length * perTx(slices[SEGMENTS])))).toFixed(3)})`);
  console.log(`gas: SDK ${f(sdkGasPerSecond / 1e6, 2)} Mgas/s (${n(sdkGas)} gas), raw ${f(rawGasPerSecond / 1e6, 2)} Mgas/s: ${(sdkGasPerSecond / rawGasPerSecond).toFixed(2)}×`);
  const share = (pick: (r: OpRecord) => number) => sum(mixed.map(pick)) / sum(mixed.map((r) => r.ms));
  const shares = { oracle: share((r) => r.oracleMs), jsonRpc: share((r) => r.rpcMs), inclusion: share((r) => r.inclusionMs) };
  console.log(
    `time of the mixed phase's SDK calls: oracle ${(shares.oracle * 100).toFixed(0)}%, member's JSON-RPC ${(shares.jsonRpc * 100).toFixed(0)}%, ` +
      `waiting for inclusion ${(shares.inclusion * 100).toFixed(0)}%, other ${((1 - shares.oracle - shares.jsonRpc - shares.inclusion) * 100).toFixed(0)}%`,
  );
  console.log(
    `CPU, share of one core (${os.cpus().length} cores, shared with anything else running): ${Object.entries(cpuUse)
      .map(([name, use]) => `${name}: this process ${(use.thisProcess * 100).toFixed(0)}%, anvil ${use.anvil === null ? "?" : `${(use.anvil * 100).toFixed(0)}%`}`)
      .join("; ")}; load average now ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
  );
  const wallSeconds = seconds(startedAt);
  console.log(`\nwall time ${wallSeconds.toFixed(1)} s; ${failures.length === 0 ? "all checks passed" : `${failures.length} CHECKS FAILED`}`);

  await mkdir(path.dirname(RESULTS_PATH), { recursive: true });
  await writeFile(
    RESULTS_PATH,
    JSON.stringify(
      {
        operations: OPS,
        mix: { issue: ISSUES, splitTransfer: SPLITS, pledge: PLEDGES, settle: SETTLES },
        lanes: LANES,
        segmentCount: SEGMENTS,
        concurrency: "lanes at once, each with its own members and provider; operations awaited one at a time inside a lane",
        settleBatch: SETTLE_BATCH,
        termDays: TERM_DAYS,
        provider: { staticNetwork: true, batchStallTimeMs: STALL_MS, pollingIntervalMs: POLL_MS, cacheTimeout: -1 },
        node: { client: nodeVersion, transport: "JSON-RPC over HTTP, 127.0.0.1", mining: "automine", workloadBlocks: workloadLastBlock - workloadFirstBlock + 1 },
        oracle: {
          instances: 1,
          quorum: DEFAULT_POLICY.attestationQuorum,
          database: "PGlite in memory",
          process: "in-process",
          requests,
          jsonRpcPerAttestation: oracleCalls,
          jsonRpcMsPerAttestation: oracleRpcMs,
          providerBatchStallMs: ORACLE_STALL_MS ?? 0,
        },
        sdk: {
          seconds: workloadSeconds,
          mixedSeconds,
          settleSeconds,
          opsPerSecond: sdkRate,
          transactions: sdkTransactions,
          transactionsPerSecond: sdkTxRate,
          gasUsed: sdkGas.toString(),
          gasPerSecond: sdkGasPerSecond,
          kinds,
          mixedPhase: mixedAll,
          timeShareOfMixedPhase: { ...shares, other: 1 - shares.oracle - shares.jsonRpc - shares.inclusion },
        },
        raw: {
          transactionsPerSlice: RAW_TXS,
          warmupPerLane: RAW_WARMUP_PER_LANE,
          slices,
          all: rawAll,
          anchorTransactionsPerSecond: anchorRate,
          gasPerSecond: rawGasPerSecond,
        },
        segments: segmentRows,
        ratios: {
          sdkOpsToRawTx: ratio,
          sdkTxToRawTx: sdkTxRate / anchorRate,
          gasPerSecondSdkToRaw: sdkGasPerSecond / rawGasPerSecond,
        },
        checks: { passed: failures.length === 0, failures: failures.slice(0, 20), ledgerEvents: eventCounts },
        cpu: cpuUse,
        loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
        phasesSeconds: phases,
        wallSeconds,
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "unknown", platform: `${os.platform()} ${os.release()}`, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node },
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`written ${path.relative(ROOT, RESULTS_PATH)}`);
}
