/**
 * Gas benchmark of the ledger's main operations, beside two anchors measured in the same run
 * (OpenZeppelin ERC721 mint, Solv's ERC-3525 value split), on the embedded Hardhat network.
 *
 *   npm run bench:gas                          compare with bench/gas-snapshot.json
 *   BENCH_UPDATE_SNAPSHOT=1 npm run bench:gas  rewrite the snapshot (or: npm run bench:gas:update)
 *
 * Writes bench/results/gas.json. Exits non-zero when an operation is over its target, or more than 2%
 * over the snapshot (the 2% check is skipped when updating the snapshot; the targets never are).
 *
 * What is measured (transaction gasUsed, intrinsic gas and calldata included):
 *   issue                   a steady-state issue (the issuer's second; its first is printed apart),
 *                           one oracle attestation, one document key
 *   splitTransfer           a partial transfer to another member, one attestation, one document key
 *   pledge                  the bank's pledge transaction with the holder's consent (the only transaction
 *                           a pledge takes), first pledge of a piece of a 90-day voucher
 *   settlePerPieceBatch100  one settle() of 100 live pieces of one voucher, divided by 100 (rounded up)
 *   erc721Mint              OpenZeppelin ERC721 mint of a fresh id to a holder that already has one
 *   erc3525Split            ERC-3525 transferFrom(fromTokenId, to, value) to a holder with no token
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { ethers as ethersLib } from "ethers";
import { onboardConsortium, parseConsortiumConfig } from "../src/deploy/index.js";
import { DEFAULT_POLICY, registrationNumberToBytes24 } from "../src/sdk/constants.js";
import { ledgerDomain, signIssueAttestation, signPledgeConsent, signTransferAttestation } from "../src/sdk/eip712.js";
import { chainTime as chainTimeOf, send } from "../scripts/lib/chain.js";
import type { Erc3525Anchor, Erc721Anchor, VoucherLedger } from "../types/ethers-contracts/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SNAPSHOT_PATH = path.join(ROOT, "bench", "gas-snapshot.json");
const RESULTS_PATH = path.join(ROOT, "bench", "results", "gas.json");
const MAX_REGRESSION = 0.02;

const TARGETS = {
  issue: 135_000,
  splitTransfer: 150_000,
  pledge: 100_000,
  settlePerPieceBatch100: 12_000,
} as const;

type Operation = keyof typeof TARGETS;
type Anchor = "erc721Mint" | "erc3525Split";
interface GasReport {
  operations: Record<Operation, number>;
  anchors: Record<Anchor, number>;
}

const DAY = 24n * 60n * 60n;
const MILLION_CNY = 100_000_000n;
const updateSnapshot = process.env.BENCH_UPDATE_SNAPSHOT === "1" || process.argv.includes("--update-snapshot");

const connection = await network.create();
const { ethers } = connection;

// ---------------------------------------------------------------- setup

const plan = parseConsortiumConfig(JSON.parse(await readFile(path.join(ROOT, "config", "consortium.example.json"), "utf8")));
const [admin] = await ethers.getSigners();
const signer = (key: string) => ethers.getSigner(plan.byKey.get(key)!.address);
const [core, supplierA, supplierB, bankX, bankY, oracle, anchorHolder, anchorReceiver] = await Promise.all([
  signer("coreA"),
  signer("supplierA"),
  signer("supplierB"),
  signer("bankX"),
  signer("bankY"),
  signer("oracle1"),
  ethers.getSigner((await ethers.getSigners())[10].address),
  ethers.getSigner((await ethers.getSigners())[11].address),
]);

const ledger = (await ethers.deployContract("VoucherLedger", [admin.address, DEFAULT_POLICY])) as unknown as VoucherLedger;
const erc721 = (await ethers.deployContract("Erc721Anchor")) as unknown as Erc721Anchor;
const erc3525 = (await ethers.deployContract("Erc3525Anchor")) as unknown as Erc3525Anchor;
await onboardConsortium(admin, ledger, plan);
if ((await ledger.clearingBankOf(core.address)) !== bankX.address) throw new Error("config: coreA must clear through bankX");

const { chainId } = await ethers.provider.getNetwork();
const domain = ledgerDomain(chainId, await ledger.getAddress());

let documentCounter = 0;
const freshDocumentKey = () => ethersLib.keccak256(ethersLib.toUtf8Bytes(`bench-invoice-${++documentCounter}`));

const chainTime = () => chainTimeOf(ethers.provider);

async function issue(amount: bigint): Promise<{ pieceId: bigint; gas: number; maturity: bigint }> {
  const now = await chainTime();
  const request = {
    holder: supplierA.address,
    amount,
    maturity: now + 90n * DAY,
    packageHash: ethersLib.id("bench-package"),
    documentKeys: [freshDocumentKey()],
    deadline: now + DAY,
  };
  const attestation = await signIssueAttestation(oracle, domain, { issuer: core.address, ...request });
  const pieceId = await ledger.connect(core).issue.staticCall(request, [attestation]);
  const receipt = await send(ledger, core, "issue", [request, [attestation]]);
  return { pieceId, gas: Number(receipt.gasUsed), maturity: request.maturity };
}

// ---------------------------------------------------------------- ledger operations

const firstIssue = await issue(MILLION_CNY);
const steadyIssue = await issue(MILLION_CNY);

// splitTransfer: part of the steady-state voucher's root piece to a second-tier supplier.
const now = await chainTime();
const transferRequest = {
  pieceId: steadyIssue.pieceId,
  to: supplierB.address,
  amount: 30_000_000n,
  packageHash: ethersLib.id("bench-transfer-package"),
  documentKeys: [freshDocumentKey()],
  deadline: now + DAY,
};
const transferAttestation = await signTransferAttestation(oracle, domain, { from: supplierA.address, ...transferRequest });
const transferredPiece = await ledger.connect(supplierA).splitTransfer.staticCall(transferRequest, [transferAttestation]);
const splitTransferGas = Number((await send(ledger, supplierA, "splitTransfer", [transferRequest, [transferAttestation]])).gasUsed);

// pledge: the bank submits the holder's consent; one transaction.
const pledgeTerms = {
  pieceId: transferredPiece,
  securedAmount: 24_000_000n,
  annualRateBps: 450,
  serviceFeeBps: 20,
  registrationNumber: registrationNumberToBytes24("04868843000012345678"),
  deadline: (await chainTime()) + DAY,
};
const pledgeConsent = await signPledgeConsent(supplierB, domain, {
  ...pledgeTerms,
  holder: supplierB.address,
  pledgee: bankY.address,
  pieceAmount: transferRequest.amount,
  serial: 1,
});
const pledgeGas = Number((await send(ledger, bankY, "pledge", [pledgeTerms, pledgeConsent])).gasUsed);

// settle: a voucher split into 100 live pieces (the default maxLivePieces), settled in one batch.
const BATCH = Number(DEFAULT_POLICY.maxLivePieces);
const batchVoucher = await issue(MILLION_CNY);
const pieceIds = [batchVoucher.pieceId];
for (let i = 1; i < BATCH; i++) {
  const args = [batchVoucher.pieceId, 1_000_000n]; // 10,000.00 CNY each
  pieceIds.push(await ledger.connect(supplierA).split.staticCall(...(args as [bigint, bigint])));
  await send(ledger, supplierA, "split", args);
}
const batchVoucherId = batchVoucher.pieceId >> 16n;
if (Number((await ledger.voucherOf(batchVoucherId)).livePieces) !== BATCH) throw new Error(`expected ${BATCH} live pieces`);
await ethers.provider.send("evm_increaseTime", [Number(batchVoucher.maturity - (await chainTime()))]);
await ethers.provider.send("evm_mine", []);
const settlements = pieceIds.map((pieceId, i) => ({
  pieceId,
  bankReference: ethersLib.encodeBytes32String(`EVC${batchVoucherId}-${String(i).padStart(3, "0")}`),
}));
const settleGas = Number((await send(ledger, bankX, "settle", [settlements])).gasUsed);
if (Number((await ledger.voucherOf(batchVoucherId)).livePieces) !== 0) throw new Error("the batch did not settle every piece");
const settlePerPiece = Math.ceil(settleGas / BATCH);

// ---------------------------------------------------------------- anchors

// ERC721: the holder already has a token, so the mint is a steady-state one (new owner slot, balance 1 -> 2).
await send(erc721, admin, "mint", [anchorHolder.address, 1n]);
const erc721MintGas = Number((await send(erc721, admin, "mint", [anchorHolder.address, 2n])).gasUsed);

// ERC-3525: split value off a token to an address that holds none (a new token is created for it).
const ORIGINAL_TOKEN = 1_000_000n; // above the derived-id generator, which starts at 1
await send(erc3525, admin, "mint", [anchorHolder.address, ORIGINAL_TOKEN, 1n, MILLION_CNY]);
await send(erc3525, anchorHolder, "transferFrom(uint256,address,uint256)", [ORIGINAL_TOKEN, admin.address, 1_000_000n]);
const erc3525SplitGas = Number(
  (await send(erc3525, anchorHolder, "transferFrom(uint256,address,uint256)", [ORIGINAL_TOKEN, anchorReceiver.address, 30_000_000n]))
    .gasUsed,
);

await connection.close();

// ---------------------------------------------------------------- report

const report: GasReport = {
  operations: {
    issue: steadyIssue.gas,
    splitTransfer: splitTransferGas,
    pledge: pledgeGas,
    settlePerPieceBatch100: settlePerPiece,
  },
  anchors: { erc721Mint: erc721MintGas, erc3525Split: erc3525SplitGas },
};

await mkdir(path.dirname(RESULTS_PATH), { recursive: true });
await writeFile(RESULTS_PATH, JSON.stringify(report, null, 2) + "\n");

let snapshot: GasReport | undefined;
try {
  snapshot = JSON.parse(await readFile(SNAPSHOT_PATH, "utf8")) as GasReport;
} catch {
  snapshot = undefined;
}

const failures: string[] = [];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const delta = (now: number, before: number | undefined) => {
  if (before === undefined) return "n/a";
  const diff = now - before;
  const pct = (diff / before) * 100;
  return `${diff >= 0 ? "+" : ""}${diff} (${pct >= 0 ? "+" : ""}${pct.toFixed(2)}%)`;
};
const vsAnchor: Record<Operation, string> = {
  issue: `${ratio(report.operations.issue, report.anchors.erc721Mint)} erc721Mint`,
  splitTransfer: `${ratio(report.operations.splitTransfer, report.anchors.erc3525Split)} erc3525Split`,
  pledge: "",
  settlePerPieceBatch100: "",
};

const rows: string[][] = [["operation", "gas", "target", "within target", "vs anchor", "snapshot", "delta vs snapshot"]];
for (const op of Object.keys(TARGETS) as Operation[]) {
  const gas = report.operations[op];
  const before = snapshot?.operations[op];
  const within = gas <= TARGETS[op];
  if (!within) failures.push(`${op}: ${gas} gas is over its target of ${TARGETS[op]}`);
  if (!updateSnapshot && before !== undefined && gas > before * (1 + MAX_REGRESSION)) {
    failures.push(`${op}: ${gas} gas is more than ${MAX_REGRESSION * 100}% over the snapshot (${before})`);
  }
  rows.push([op, String(gas), `<= ${TARGETS[op]}`, within ? "yes" : "NO", vsAnchor[op], before === undefined ? "n/a" : String(before), delta(gas, before)]);
}
for (const anchor of ["erc721Mint", "erc3525Split"] as Anchor[]) {
  const before = snapshot?.anchors[anchor];
  rows.push([`${anchor} (anchor)`, String(report.anchors[anchor]), "", "", "", before === undefined ? "n/a" : String(before), delta(report.anchors[anchor], before)]);
}

const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
console.log("\nGas per operation (transaction gasUsed, embedded Hardhat network, default policy)\n");
console.log(line(rows[0]));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows.slice(1)) console.log(line(r));
console.log();
console.log(`first-ever issue (the ledger's and the issuer's first voucher, cold counters): ${firstIssue.gas} gas (not the steady-state figure above)`);
console.log(`settle() batch of ${BATCH} pieces: ${settleGas} gas in total, ${settlePerPiece} per piece`);
console.log(`results written to ${path.relative(ROOT, RESULTS_PATH)}`);

if (snapshot === undefined && !updateSnapshot) {
  failures.push(`no snapshot at ${path.relative(ROOT, SNAPSHOT_PATH)}: run with BENCH_UPDATE_SNAPSHOT=1 to create it`);
}
if (updateSnapshot) {
  await writeFile(SNAPSHOT_PATH, JSON.stringify(report, null, 2) + "\n");
  console.log(`snapshot rewritten: ${path.relative(ROOT, SNAPSHOT_PATH)}`);
}

if (failures.length > 0) {
  console.error(`\nbench:gas FAILED:\n  - ${failures.join("\n  - ")}`);
  process.exitCode = 1;
} else {
  console.log(`\nbench:gas passed: every operation within target${updateSnapshot ? "" : ` and within ${MAX_REGRESSION * 100}% of the snapshot`}.`);
}
