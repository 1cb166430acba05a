/**
 * Clearing throughput at maturity, pure Node (no chain), with the anchors measured in the same run:
 *
 *   plan           planPayouts() over 100 vouchers × 100 live pieces (60% unfinanced, 20% factored, 15% pledged
 *                  with interest, 5% enforced): pieces per second, and payouts per second
 *   pain.001       buildPain001() for each voucher (one message, ~115 transactions), payees looked up in the
 *                  member directory as the engine does
 *   xsd            libxml2 validation (xmllint-wasm) of one message against pain.001.001.10.xsd, then of every
 *                  message when that is estimated under 60 s; any invalid message fails the run (exit 1)
 *   ingestion      the bank's camt.054.001.08 debit notifications for every payout (made by the bank simulator,
 *                  untimed) → parseBankToCustomer() + reconcile() against all instructed payouts, the booked set
 *                  growing file by file; two shapes: one file per instruction (100 × ~115 entries, as the
 *                  simulator answers) and one file per issuer account (10 × ~1,150 entries, a day's notification)
 *   database       the same 100 files through the engine's own ClearingEngine.applyBankFile on a ClearingStore in
 *                  in-memory PGlite, after recordInstruction() of every instruction (timed separately)
 *   anchors        the floor for the same data: plain string concatenation of the same CdtTrfTxInf fragments
 *                  (no checks, no escaping), JSON.stringify of the same transactions, JSON.parse of the same
 *                  booked entries
 *
 *   npm run bench:clearing
 *
 * Every in-memory stage runs once to warm up, then ROUNDS times (BENCH_CLEARING_ROUNDS, default 3); the median
 * is reported. Database, XSD and the inputs' preparation run once. Every run checks its result: every payout
 * booked exactly once, no reconciliation exception, booked sum = planned sum to the fen, every piece confirmable.
 * Writes bench/results/clearing.json. One process, one thread: rates of one engine, not of a cluster.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { getAddress, id } from "ethers";
import { parseMemberDirectory, type MemberDirectory } from "../src/clearing/directory/memberDirectory.js";
import { ClearingEngine } from "../src/clearing/engine/clearingEngine.js";
import { ClearingStore, type StoredVoucher } from "../src/clearing/engine/clearingStore.js";
import { buildPain001 } from "../src/clearing/iso20022/pain001.js";
import { parseBankToCustomer } from "../src/clearing/iso20022/parse.js";
import { validateAgainstSchema, type SchemaName } from "../src/clearing/iso20022/validate.js";
import { planPayouts, type ClearingPiece, type ClearingVoucher } from "../src/clearing/payout/payoutPlan.js";
import { reconcile } from "../src/clearing/reconcile/reconcile.js";
import { buildDebitNotification } from "../src/clearing/simulator/debitNotification.js";
import { executeInstruction } from "../src/clearing/simulator/execute.js";
import { parsePain001 } from "../src/clearing/simulator/pain001Read.js";
import { digestOf } from "../src/clearing/simulator/references.js";
import { emptyState } from "../src/clearing/simulator/simulatorState.js";
import type { BookedEntry, Payout, PayoutPlan } from "../src/clearing/types.js";
import { PieceStatus } from "../src/sdk/constants.js";
import { fenToCny } from "../src/sdk/money.js";
import { usccCheckCharacter } from "../src/sdk/uscc.js";
import { openSqlClient } from "../src/storage/sqlClient.js";
import { prng } from "../test/helpers/random.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS_PATH = path.join(ROOT, "bench", "results", "clearing.json");
const SCHEMA_DIR = path.resolve(ROOT, "../shared/iso20022");
const ROUNDS = Number(process.env.BENCH_CLEARING_ROUNDS ?? 3);
const ISSUERS = 10;
const VOUCHERS_PER_ISSUER = 10;
const PIECES_PER_VOUCHER = 100;
const SUPPLIERS = 300;
const FACTORS = 6;
const BANKS = 6;
const XSD_ALL_BUDGET_SECONDS = 60;
const DAY = 86_400n;
// 2025-07-01 00:00 Beijing: every voucher matures then and is instructed at maturity.
const MATURITY = BigInt(Date.UTC(2025, 5, 30, 16)) / 1000n;
const BANK_DAY = new Date(Number(MATURITY) * 1000 + 8 * 3600_000).toISOString().slice(0, 10);
const MIX = { unfinanced: 60, factored: 20, pledged: 15, enforced: 5 } as const;

// ---------------------------------------------------------------- measuring

interface Timing {
  count: number;
  unit: string;
  seconds: number;
  perSecond: number;
  msEach: number;
  rounds: number;
}

function line(label: string, count: number, unit: string, seconds: number, rounds = 1): Timing {
  const perSecond = count / seconds;
  const msEach = (seconds / count) * 1000;
  const note = rounds > 1 ? `  (median of ${rounds})` : "";
  console.log(
    `${label.padEnd(24)} ${String(count).padStart(6)} ${unit.padEnd(12)} in ${seconds.toFixed(3).padStart(7)} s  ${perSecond.toFixed(1).padStart(10)} /s  ${msEach.toFixed(4).padStart(8)} ms each${note}`,
  );
  return { count, unit, seconds, perSecond, msEach, rounds };
}

async function once<T>(run: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

/** One warm-up run, then the median of ROUNDS runs; `run` checks its own result and returns it. */
async function median<T>(run: () => T | Promise<T>): Promise<{ seconds: number; result: T; all: number[] }> {
  await run();
  const all: number[] = [];
  let result!: T;
  for (let round = 0; round < ROUNDS; round++) {
    const timing = await once(run);
    all.push(timing.seconds);
    result = timing.result;
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { seconds: sorted[Math.floor(sorted.length / 2)], result, all };
}

function check(condition: boolean, message: string): void {
  if (!condition) {
    console.error(`\nFAILED: ${message}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------- the data (deterministic)

// The same vouchers, amounts and mix on every run.
const random = prng(20250701);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

interface Member {
  account: string;
  uscc: string;
  name: string;
  bankAccount: { name: string; accountNumber: string; cnaps: string; bankName: string };
}

let memberCount = 0;
function member(name: string, bankName: string, cnaps: string): Member {
  const n = ++memberCount;
  const first17 = "91310000" + String(n).padStart(9, "0");
  return {
    account: getAddress("0x" + id(`bench-clearing-member-${n}`).slice(26)),
    uscc: first17 + usccCheckCharacter(first17),
    name,
    bankAccount: { name, accountNumber: `6222${String(n).padStart(15, "0")}`, cnaps, bankName },
  };
}

const CNAPS = ["102100099996", "103100000026", "104100000004", "105100000017", "301290000007", "313290000174"];
const issuers = Array.from({ length: ISSUERS }, (_, i) => member(`华东重型装备集团有限公司第${i + 1}公司`, "中国建设银行股份有限公司上海浦东分行", "105290036005"));
const suppliers = Array.from({ length: SUPPLIERS }, (_, i) => member(`苏州精密零件 & 配件有限公司${i + 1}`, "中国农业银行苏州工业园区支行", CNAPS[i % CNAPS.length]));
const factors = Array.from({ length: FACTORS }, (_, i) => member(`前海商业保理有限公司${i + 1}`, "招商银行深圳分行营业部", "308584000013"));
const banks = Array.from({ length: BANKS }, (_, i) => member(`浦东商业银行股份有限公司第${i + 1}分行`, `浦东商业银行股份有限公司第${i + 1}分行`, CNAPS[i]));
const clearingBanks = Array.from({ length: ISSUERS }, (_, i) => getAddress("0x" + id(`bench-clearing-bank-${i % 3}`).slice(26)));
const directory: MemberDirectory = parseMemberDirectory({ members: [...issuers, ...suppliers, ...factors, ...banks] });

interface BenchVoucher {
  voucher: ClearingVoucher;
  pieces: ClearingPiece[];
  issuerIndex: number;
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const vouchers: BenchVoucher[] = [];
for (let issuerIndex = 0; issuerIndex < ISSUERS; issuerIndex++) {
  for (let k = 0; k < VOUCHERS_PER_ISSUER; k++) {
    const voucherId = BigInt(1001 + issuerIndex * VOUCHERS_PER_ISSUER + k);
    const kinds = shuffled((Object.keys(MIX) as Array<keyof typeof MIX>).flatMap((kind) => Array<keyof typeof MIX>(MIX[kind]).fill(kind)));
    const pieces = kinds.map((kind, index): ClearingPiece => {
      const pieceId = (voucherId << 16n) | BigInt(index + 1);
      // 100.00 to 500,000.00 CNY, any fen.
      const amount = BigInt(between(10_000, 50_000_000));
      const supplier = suppliers[between(0, SUPPLIERS - 1)].account;
      const pledge = () => ({
        pledgee: banks[between(0, BANKS - 1)].account,
        securedAmount: (amount * BigInt(between(60, 80))) / 100n,
        annualRateBps: between(350, 650),
        pledgedAt: MATURITY - BigInt(between(30, 180)) * DAY - BigInt(between(0, 86_399)),
      });
      switch (kind) {
        case "unfinanced":
          return { pieceId, holder: supplier, amount, status: PieceStatus.Active };
        case "factored": {
          const factor = factors[between(0, FACTORS - 1)].account;
          return { pieceId, holder: factor, amount, status: PieceStatus.Active, factoring: { factor } };
        }
        case "pledged":
          return { pieceId, holder: supplier, amount, status: PieceStatus.Pledged, pledge: pledge() };
        case "enforced":
          return { pieceId, holder: supplier, amount, status: PieceStatus.Enforced, pledge: pledge() };
      }
    });
    vouchers.push({ voucher: { voucherId, issuer: issuers[issuerIndex].account, maturity: MATURITY }, pieces, issuerIndex });
  }
}
const PIECES = vouchers.length * PIECES_PER_VOUCHER;

const messageIdOf = (voucherId: bigint) => `EVPAIN-${voucherId}-1`;

/** One pain.001 per voucher (115 transactions): the engine groups a bank's vouchers of a day into one message, which only makes fewer, larger files of the same transactions. */
function pain001Of(plan: PayoutPlan): string {
  const debtor = directory.memberOf(plan.issuer)!;
  const messageId = messageIdOf(plan.voucherId);
  return buildPain001({
    messageId,
    createdAt: new Date(Number(MATURITY) * 1000),
    // The bench's clearing banks have no directory entry: the issuer stands in as initiating party.
    initiatingParty: { name: debtor.name, uscc: debtor.uscc },
    payments: [
      {
        paymentInformationId: messageId,
        requestedExecutionDate: BANK_DAY,
        debtor: { name: debtor.name, uscc: debtor.uscc, account: directory.accountOf(plan.issuer) },
        transactions: plan.payouts.map((payout) => ({ payout, creditor: directory.accountOf(payout.payee) })),
      },
    ],
  });
}

console.log(
  `Clearing throughput: ${vouchers.length} vouchers × ${PIECES_PER_VOUCHER} live pieces = ${PIECES} pieces ` +
    `(${MIX.unfinanced}% unfinanced, ${MIX.factored}% factored, ${MIX.pledged}% pledged, ${MIX.enforced}% enforced), ` +
    `${ISSUERS} issuers, Node ${process.versions.node}\n`,
);

// ---------------------------------------------------------------- 1. payout plans and pain.001

const planRun = await median(() => vouchers.map(({ voucher, pieces }) => planPayouts(voucher, pieces)));
const plans = planRun.result;
const payouts = plans.flatMap((plan) => plan.payouts);
const PAYOUTS = payouts.length;
const plannedSum = payouts.reduce((sum, payout) => sum + payout.amount, 0n);
check(plannedSum === plans.reduce((sum, plan) => sum + plan.owed, 0n), "the plans pay what the vouchers owe");
check(new Set(payouts.map((payout) => payout.endToEndId)).size === PAYOUTS, "EndToEndIds are unique");
const byRole: Record<string, number> = {};
for (const payout of payouts) byRole[payout.role] = (byRole[payout.role] ?? 0) + 1;

const buildRun = await median(() => plans.map(pain001Of));
const messages = buildRun.result;
const pain001Bytes = messages.reduce((sum, xml) => sum + Buffer.byteLength(xml), 0);

console.log(`payouts: ${PAYOUTS} (${Object.entries(byRole).map(([role, n]) => `${n} ${role}`).join(", ")}), planned ${fenToCny(plannedSum)} CNY`);
console.log(`pain.001: ${messages.length} messages, ${(pain001Bytes / 1e6).toFixed(2)} MB, ${Math.min(...plans.map((p) => p.payouts.length))}–${Math.max(...plans.map((p) => p.payouts.length))} transactions each\n`);
const plan = { pieces: line("plan", PIECES, "pieces", planRun.seconds, ROUNDS), payouts: line("plan", PAYOUTS, "payouts", planRun.seconds, ROUNDS) };
const pain001 = {
  payouts: line("pain.001 build", PAYOUTS, "payouts", buildRun.seconds, ROUNDS),
  messages: line("pain.001 build", messages.length, "messages", buildRun.seconds, ROUNDS),
  bytes: pain001Bytes,
};
const planAndBuildSeconds = planRun.seconds + buildRun.seconds;
const planAndPain001 = {
  pieces: line("plan + pain.001", PIECES, "pieces", planAndBuildSeconds, ROUNDS),
  payouts: line("plan + pain.001", PAYOUTS, "payouts", planAndBuildSeconds, ROUNDS),
};

async function expectValid(xml: string, schema: SchemaName, what: string): Promise<void> {
  const result = await validateAgainstSchema(xml, schema, SCHEMA_DIR);
  check(result.valid, `${what} is not valid against ${schema}.xsd:\n  ${result.errors.slice(0, 5).join("\n  ")}`);
}

const xsdOne = await once(() => expectValid(messages[0], "pain.001.001.10", `pain.001 ${messageIdOf(plans[0].voucherId)}`));
const xsd: { one: Timing; all: Timing | null; estimatedAllSeconds: number } = {
  one: line("pain.001 xsd (one)", 1, "messages", xsdOne.seconds),
  all: null,
  estimatedAllSeconds: xsdOne.seconds * messages.length,
};
if (xsd.estimatedAllSeconds < XSD_ALL_BUDGET_SECONDS) {
  const all = await once(async () => {
    for (const [i, xml] of messages.entries()) await expectValid(xml, "pain.001.001.10", `pain.001 ${messageIdOf(plans[i].voucherId)}`);
  });
  xsd.all = line("pain.001 xsd (all)", messages.length, "messages", all.seconds);
} else {
  console.log(`pain.001 xsd (all)       not run: estimated ${xsd.estimatedAllSeconds.toFixed(1)} s from one message (budget ${XSD_ALL_BUDGET_SECONDS} s)`);
}

// ---------------------------------------------------------------- the bank's answers (untimed)

// The bank simulator executes each instruction against funded issuer accounts and writes its camt.054.
const bank = emptyState();
for (const issuer of issuers) bank.accounts.set(issuer.bankAccount.accountNumber, 10n ** 15n);
const bookedAt = new Date(Number(MATURITY) * 1000 + 9 * 3600_000);
const perInstruction = messages.map((xml) => {
  const instruction = parsePain001(xml);
  const camt = buildDebitNotification(instruction, executeInstruction(bank, instruction, digestOf(xml), bookedAt));
  check(camt !== null, `the simulator booked nothing for ${instruction.messageId}`);
  return { name: `${instruction.messageId}-camt054.xml`, xml: camt!, issuerIndex: vouchers.find((v) => messageIdOf(v.voucher.voucherId) === instruction.messageId)!.issuerIndex };
});

/** One notification per issuer account: the entries of its instructions' notifications, renumbered. */
function daily(issuerIndex: number): { name: string; xml: string } {
  const files = perInstruction.filter((file) => file.issuerIndex === issuerIndex);
  const lines = files[0].xml.split("\n");
  const firstEntry = lines.findIndex((text) => text.startsWith("<Ntry>"));
  const entries = files.flatMap((file) => file.xml.split("\n").filter((text) => text.startsWith("<Ntry>")));
  const oldId = /<GrpHdr><MsgId>([^<]+)<\/MsgId>/.exec(files[0].xml)![1];
  const newId = `SIMNTFDAY${BANK_DAY.replaceAll("-", "")}${String(issuerIndex + 1).padStart(3, "0")}`;
  const head = lines.slice(0, firstEntry).map((text) => text.replaceAll(oldId, newId));
  const tail = lines.slice(lines.lastIndexOf("</Ntfctn>"));
  const renumbered = entries.map((text, n) => text.replace(/^<Ntry><NtryRef>\d+<\/NtryRef>/, `<Ntry><NtryRef>${n + 1}</NtryRef>`));
  return { name: `${newId}-camt054.xml`, xml: [...head, ...renumbered, ...tail].join("\n") };
}
const perAccount = Array.from({ length: ISSUERS }, (_, i) => daily(i));
await expectValid(perInstruction[0].xml, "camt.054.001.08", `camt.054 ${perInstruction[0].name}`);
await expectValid(perAccount[0].xml, "camt.054.001.08", `camt.054 ${perAccount[0].name}`);

// ---------------------------------------------------------------- 2. ingestion in memory

interface Ingested {
  entries: number;
  parseSeconds: number;
  reconcileSeconds: number;
}

/** Every file parsed and reconciled in order; the run fails unless every payout ends booked, once, to the fen. */
function ingest(files: ReadonlyArray<{ xml: string }>): Ingested {
  const booked = new Set<string>();
  let bookedSum = 0n;
  let entries = 0;
  let confirmable = 0;
  let parseSeconds = 0;
  let reconcileSeconds = 0;
  for (const file of files) {
    const t0 = process.hrtime.bigint();
    const message = parseBankToCustomer(file.xml);
    const t1 = process.hrtime.bigint();
    const result = reconcile({ instructed: payouts, previouslyBooked: booked, statuses: [], entries: message.entries });
    const t2 = process.hrtime.bigint();
    parseSeconds += Number(t1 - t0) / 1e9;
    reconcileSeconds += Number(t2 - t1) / 1e9;
    check(result.exceptions.length === 0, `reconciliation exceptions: ${result.exceptions.map((e) => e.message).slice(0, 3).join("; ")}`);
    for (const payout of result.booked) {
      booked.add(payout.endToEndId);
      bookedSum += payout.amount;
    }
    entries += message.entries.length;
    confirmable += result.confirmablePieces.length;
  }
  check(entries === PAYOUTS && booked.size === PAYOUTS, `${booked.size} of ${PAYOUTS} payouts booked from ${entries} entries`);
  check(payouts.every((payout) => booked.has(payout.endToEndId)), "every payout ends booked");
  check(bookedSum === plannedSum, `booked ${fenToCny(bookedSum)} CNY, planned ${fenToCny(plannedSum)} CNY`);
  check(confirmable === PIECES, `${confirmable} of ${PIECES} pieces confirmable`);
  return { entries, parseSeconds, reconcileSeconds };
}

function ingestionShape(label: string, files: ReadonlyArray<{ xml: string }>, run: { seconds: number; result: Ingested }) {
  const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.xml), 0);
  const entriesPerFile = Math.round(PAYOUTS / files.length);
  console.log(`\ncamt.054 ${label}: ${files.length} files × ~${entriesPerFile} entries, ${(bytes / 1e6).toFixed(2)} MB`);
  // The split is of the last round; the total is the median.
  const { parseSeconds, reconcileSeconds } = run.result;
  const share = (part: number) => (part / (parseSeconds + reconcileSeconds)) * run.seconds;
  return {
    files: files.length,
    bytes,
    total: line(`ingest ${label}`, PAYOUTS, "entries", run.seconds, ROUNDS),
    parse: line("  of which parse", PAYOUTS, "entries", share(parseSeconds), ROUNDS),
    reconcile: line("  of which reconcile", PAYOUTS, "entries", share(reconcileSeconds), ROUNDS),
  };
}

const ingestPerInstruction = ingestionShape("per instruction", perInstruction, await median(() => ingest(perInstruction)));
const ingestPerAccount = ingestionShape("per account", perAccount, await median(() => ingest(perAccount)));

// ---------------------------------------------------------------- 3. ingestion into the engine's database

console.log(`\nClearingStore on in-memory PGlite, the engine's own applyBankFile, ${perInstruction.length} files`);
const store = new ClearingStore(await openSqlClient({ kind: "pglite-memory" }));
await store.migrate();
const storeVouchers: StoredVoucher[] = plans.map((p, i) => ({
  voucherId: p.voucherId,
  issuer: p.issuer,
  clearingBank: clearingBanks[vouchers[i].issuerIndex],
  maturity: p.maturity,
  owed: p.owed,
  rounds: 1,
  lastRoundAt: Number(MATURITY),
  overdue: false,
}));
const recorded = await once(async () => {
  for (const [i, p] of plans.entries()) {
    await store.recordInstruction({ clearingBank: storeVouchers[i].clearingBank, vouchers: [storeVouchers[i]], payouts: p.payouts, messageName: `${messageIdOf(p.voucherId)}.xml`, xml: messages[i] });
  }
});
const recordInstructions = {
  messages: line("recordInstruction", plans.length, "messages", recorded.seconds),
  payouts: line("recordInstruction", PAYOUTS, "payouts", recorded.seconds),
};

// Time spent in the store's calls, to split the engine's path into its database and its own work.
const storeSeconds = { payoutsOfVouchersOf: 0, voucher: 0, applyBankFile: 0 };
for (const method of ["payoutsOfVouchersOf", "voucher", "applyBankFile"] as const) {
  const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
  (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
    const start = process.hrtime.bigint();
    try {
      return await original(...args);
    } finally {
      storeSeconds[method] += Number(process.hrtime.bigint() - start) / 1e9;
    }
  };
}
// Ingesting a bank file touches only the store: no ledger, bank channel or signer is reached.
const engine = new ClearingEngine({
  store,
  ledger: undefined as never,
  directory,
  bankOf: () => {
    throw new Error("no bank channel in the benchmark");
  },
  signerOf: () => undefined,
});
const applied = await once(async () => {
  for (const file of perInstruction) await engine["applyBankFile"](file.name, file.xml);
});
const storedPayouts = await store.payouts();
const storedExceptions = await store.exceptions();
const confirmations = await store.pendingConfirmations();
check(storedExceptions.length === 0, `the store recorded ${storedExceptions.length} exceptions: ${storedExceptions.slice(0, 3).map((e) => e.message).join("; ")}`);
check(storedPayouts.length === PAYOUTS && storedPayouts.every((p) => p.state === "booked"), "every stored payout is booked");
check(storedPayouts.reduce((sum, p) => sum + p.amount, 0n) === plannedSum, "stored booked sum equals the planned sum");
check(confirmations.length === PIECES, `${confirmations.length} of ${PIECES} pieces pending confirmation`);
await store.close();
const outsideStore = applied.seconds - storeSeconds.payoutsOfVouchersOf - storeSeconds.voucher - storeSeconds.applyBankFile;
const database = {
  files: perInstruction.length,
  recordInstructions,
  storage: "PGlite in memory",
  applyBankFiles: {
    entries: line("engine applyBankFile", PAYOUTS, "entries", applied.seconds),
    files: line("engine applyBankFile", perInstruction.length, "files", applied.seconds),
  },
  split: {
    payoutsReadSeconds: storeSeconds.payoutsOfVouchersOf,
    voucherReadsSeconds: storeSeconds.voucher,
    applyBankFileSeconds: storeSeconds.applyBankFile,
    parseAndReconcileSeconds: outsideStore,
  },
};
console.log(
  `  of which: store.payoutsOfVouchersOf() ${storeSeconds.payoutsOfVouchersOf.toFixed(3)} s, store.voucher() ${storeSeconds.voucher.toFixed(3)} s, ` +
    `store.applyBankFile() ${storeSeconds.applyBankFile.toFixed(3)} s, parse + reconcile + rest ${outsideStore.toFixed(3)} s`,
);

// ---------------------------------------------------------------- 4. anchors

console.log(`\nanchors: the same data with no XML, no checks`);
const creditorOf = (payout: Payout) => directory.accountOf(payout.payee);
const concatRun = await median(() =>
  plans.map((p) => {
    let xml = "";
    for (const payout of p.payouts) {
      const c = creditorOf(payout);
      xml +=
        `<CdtTrfTxInf><PmtId><InstrId>${payout.endToEndId}</InstrId><EndToEndId>${payout.endToEndId}</EndToEndId></PmtId>` +
        `<Amt><InstdAmt Ccy="CNY">${payout.amount}</InstdAmt></Amt><CdtrAgt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId>` +
        `<MmbId>${c.cnaps}</MmbId></ClrSysMmbId><Nm>${c.bankName}</Nm></FinInstnId></CdtrAgt><Cdtr><Nm>${c.name}</Nm></Cdtr>` +
        `<CdtrAcct><Id><Othr><Id>${c.accountNumber}</Id></Othr></Id></CdtrAcct>` +
        `<RmtInf><Ustrd>E-voucher ${payout.voucherId} piece ${payout.pieceId} (${payout.role}) maturity payment</Ustrd></RmtInf></CdtTrfTxInf>\n`;
    }
    return xml;
  }),
);
const stringifyRun = await median(() =>
  plans.map((p) =>
    JSON.stringify(
      p.payouts.map((payout) => ({
        endToEndId: payout.endToEndId,
        amount: payout.amount.toString(),
        creditor: creditorOf(payout),
        remittance: `E-voucher ${payout.voucherId} piece ${payout.pieceId} (${payout.role}) maturity payment`,
      })),
    ),
  ),
);
// The booked entries as JSON, one document per camt.054 file of the per-instruction shape.
const entryJson = perInstruction.map((file) =>
  JSON.stringify(parseBankToCustomer(file.xml).entries, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
);
const parseJsonRun = await median(() => {
  let entries = 0;
  for (const text of entryJson) {
    const parsed = JSON.parse(text) as Array<Omit<BookedEntry, "amount"> & { amount: string }>;
    entries += parsed.length;
  }
  check(entries === PAYOUTS, "the JSON anchor holds every entry");
  return entries;
});
const anchors = {
  concat: { ...line("string concat", PAYOUTS, "fragments", concatRun.seconds, ROUNDS), bytes: concatRun.result.reduce((s, x) => s + Buffer.byteLength(x), 0) },
  jsonStringify: { ...line("JSON.stringify", PAYOUTS, "transactions", stringifyRun.seconds, ROUNDS), bytes: stringifyRun.result.reduce((s, x) => s + Buffer.byteLength(x), 0) },
  jsonParse: { ...line("JSON.parse", PAYOUTS, "entries", parseJsonRun.seconds, ROUNDS), bytes: entryJson.reduce((s, x) => s + Buffer.byteLength(x), 0) },
};

const ratios = {
  pain001BuildToConcat: buildRun.seconds / concatRun.seconds,
  pain001BuildToJsonStringify: buildRun.seconds / stringifyRun.seconds,
  ingestPerInstructionToJsonParse: ingestPerInstruction.total.seconds / parseJsonRun.seconds,
  camtParseToJsonParse: ingestPerInstruction.parse.seconds / parseJsonRun.seconds,
  databaseToInMemoryIngestion: applied.seconds / ingestPerInstruction.total.seconds,
  xsdAllToBuild: xsd.all === null ? null : xsd.all.seconds / buildRun.seconds,
};
console.log(`\npain.001 build / string concat          = ${ratios.pain001BuildToConcat.toFixed(1)}×`);
console.log(`pain.001 build / JSON.stringify         = ${ratios.pain001BuildToJsonStringify.toFixed(1)}×`);
console.log(`camt.054 parse + reconcile / JSON.parse = ${ratios.ingestPerInstructionToJsonParse.toFixed(1)}×  (parse alone ${ratios.camtParseToJsonParse.toFixed(1)}×)`);
console.log(`database ingestion / in-memory          = ${ratios.databaseToInMemoryIngestion.toFixed(1)}×`);
if (ratios.xsdAllToBuild !== null) console.log(`xsd validation of all / pain.001 build  = ${ratios.xsdAllToBuild.toFixed(1)}×`);

await mkdir(path.dirname(RESULTS_PATH), { recursive: true });
await writeFile(
  RESULTS_PATH,
  JSON.stringify(
    {
      vouchers: vouchers.length,
      issuers: ISSUERS,
      pieces: PIECES,
      mix: MIX,
      payouts: PAYOUTS,
      payoutsByRole: byRole,
      plannedFen: plannedSum.toString(),
      rounds: ROUNDS,
      plan,
      pain001,
      planAndPain001,
      xsd,
      ingestion: { perInstruction: ingestPerInstruction, perAccount: ingestPerAccount },
      database,
      anchors,
      ratios,
      node: process.versions.node,
    },
    null,
    2,
  ) + "\n",
);
console.log(`\nwritten ${path.relative(ROOT, RESULTS_PATH)}`);
