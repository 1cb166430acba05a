/**
 * One voucher through its whole life, in plain language:
 * deploy (Ignition module deploy/modules/VoucherLedger.ts) → onboard the consortium from
 * config/consortium.example.json → issue with an oracle attestation → split transfer to a second-tier
 * supplier → pledge at a bank → release → factoring of another piece → a second pledge and a refused
 * double pledge → maturity → settlement by the clearing bank → final state (outstanding 0).
 *
 *   npm start                                              (embedded Hardhat network)
 *   npx hardhat run scripts/lifecycle.ts --network localhost   (a running `hardhat node`)
 *   npx hardhat run scripts/lifecycle.ts --network anvil       (a running anvil on port 8546)
 *
 * Environment: CONSORTIUM_CONFIG (default config/consortium.example.json);
 * LIFECYCLE_KEEP_DEPLOYMENT=1 keeps the Ignition journal a JSON-RPC run writes to
 * deploy/deployments/lifecycle-<network>-<time>/ (removed by default: the demo's chain is throwaway).
 */
import { readFile, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { ethers as ethersLib, type Signer } from "ethers";
import VoucherLedgerModule from "../deploy/modules/VoucherLedger.js";
import { onboardConsortium, parseConsortiumConfig, type PlannedMember } from "../src/deploy/index.js";
import {
  ledgerDomain,
  signFactoringConsent,
  signIssueAttestation,
  signPledgeConsent,
  signTransferAttestation,
} from "../src/sdk/eip712.js";
import { PieceStatus, registrationNumberToBytes24 } from "../src/sdk/constants.js";
import type { VoucherLedger } from "../types/ethers-contracts/index.js";
import { chainTime as chainTimeOf, send } from "./lib/chain.js";
import { formatBps, formatCny, formatPiece, formatTime } from "./lib/format.js";
import { decodeRevert } from "./lib/revert.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DAY = 24n * 60n * 60n;
const STATUS_NAME = Object.fromEntries(Object.entries(PieceStatus).map(([name, value]) => [value, name]));

const connection = await network.create();
const { ethers, ignition, networkName } = connection;
const isEmbedded = connection.networkConfig.type === "edr-simulated";
const say = (line = "") => console.log(line);

// ---------------------------------------------------------------- deploy and onboard

const configPath = path.resolve(ROOT, process.env.CONSORTIUM_CONFIG ?? "config/consortium.example.json");
const plan = parseConsortiumConfig(JSON.parse(await readFile(configPath, "utf8")));
const { chainId } = await ethers.provider.getNetwork();
const [deployer] = await ethers.getSigners();
if (plan.admin !== undefined && plan.admin !== deployer.address) {
  throw new Error(`the config's admin ${plan.admin} is not this network's first account ${deployer.address}`);
}

// A JSON-RPC deployment keeps an Ignition journal; a fresh id per run lets runs repeat against the same node.
const deploymentId = isEmbedded ? undefined : `lifecycle-${networkName}-${Date.now()}`;
const deploymentDir = deploymentId && path.join(ROOT, "deploy", "deployments", deploymentId);

try {
  await main();
} finally {
  if (deploymentDir !== undefined && process.env.LIFECYCLE_KEEP_DEPLOYMENT !== "1") {
    await rm(deploymentDir, { recursive: true, force: true });
    await rmdir(path.dirname(deploymentDir)).catch(() => {}); // only when empty
  }
  await connection.close();
}

async function main() {
  say(`Network ${networkName} (chain id ${chainId}${isEmbedded ? ", embedded" : ", JSON-RPC"})`);
  const deployed = await ignition.deploy(VoucherLedgerModule, {
    parameters: { VoucherLedgerModule: { admin: deployer.address } },
    ...(deploymentId !== undefined ? { deploymentId } : {}),
  });
  const ledger = deployed.ledger as unknown as VoucherLedger;
  const ledgerAddress = await ledger.getAddress();
  say(`Deployed with Ignition: VoucherLedger (with its consortium registry) at ${ledgerAddress}, FeeSchedule at ${await deployed.feeSchedule.getAddress()}`);

  const onboarding = await onboardConsortium(deployer, ledgerAddress, plan);
  say(`Onboarded ${plan.members.length} members from ${path.relative(ROOT, configPath)} (${onboarding.sent} transactions)`);
  for (const core of plan.coreEnterprises) {
    say(`  ${nameOf(core.address)}: credit line ${formatCny(core.creditLine)}, clearing bank ${nameOf(core.clearingBank)}`);
  }

  // The cast: the first core enterprise and its clearing bank, the first two suppliers, another bank, an oracle.
  const inSection = (section: PlannedMember["section"]) => plan.members.filter((m) => m.section === section);
  const coreCfg = plan.coreEnterprises[0];
  const [supplierA, supplierB] = inSection("suppliers");
  const clearingBank = plan.byKey.get(coreCfg?.clearingBankKey ?? "");
  const lender = inSection("banks").find((b) => b.address !== clearingBank?.address);
  const [oracle] = inSection("oracles");
  if (!coreCfg || !supplierA || !supplierB || !clearingBank || !lender || !oracle) {
    throw new Error("the lifecycle needs a core enterprise with a clearing bank, two suppliers, a second bank and an oracle in the config");
  }
  const core = plan.byKey.get(coreCfg.key)!;
  const signerOf = async (m: PlannedMember) => ethers.getSigner(m.address);
  const domain = ledgerDomain(chainId, ledgerAddress);

  const [coreSigner, supplierASigner, supplierBSigner, clearingSigner, lenderSigner, oracleSigner] = await Promise.all(
    [core, supplierA, supplierB, clearingBank, lender, oracle].map(signerOf),
  );

  // ---------------------------------------------------------------- 1. issue
  say();
  const now = await chainTime();
  const maturity = now + 90n * DAY;
  const faceAmount = 100_000_000n; // 1,000,000.00 CNY
  const invoice = { number: "25312000000000012345", total: 113_000_000n };
  const issueRequest = {
    holder: supplierA.address,
    amount: faceAmount,
    maturity,
    packageHash: packageHash({ contract: "HD-PO-2025-0418", invoices: [invoice.number], delivery: "GRN-2025-0533" }),
    documentKeys: [documentKey(invoice.number)],
    deadline: now + DAY,
  };
  const issueAttestation = await signIssueAttestation(oracleSigner, domain, { issuer: core.address, ...issueRequest });
  say(`${oracle.name} checked the trade background (purchase order HD-PO-2025-0418, VAT e-invoice ${invoice.number} for ${formatCny(invoice.total)} incl. tax, goods receipt GRN-2025-0533) and signed an issue attestation.`);
  const rootPiece = await ledger.connect(coreSigner).issue.staticCall(issueRequest, [issueAttestation]);
  await send(ledger, coreSigner, "issue", [issueRequest, [issueAttestation]]);
  const voucherId = rootPiece >> 16n;
  say(`1. Issue: ${core.name} issued voucher #${voucherId} of ${formatCny(faceAmount)} to ${supplierA.name}, due ${formatTime(maturity)} (90 days). Root piece ${formatPiece(rootPiece)}.`);

  // ---------------------------------------------------------------- 2. split transfer
  const transferAmount = 30_000_000n; // 300,000.00 CNY
  const subInvoice = "25340000000000067890";
  const t = await chainTime();
  const transferRequest = {
    pieceId: rootPiece,
    to: supplierB.address,
    amount: transferAmount,
    packageHash: packageHash({ contract: "SZ-HF-2025-077", invoices: [subInvoice] }),
    documentKeys: [documentKey(subInvoice)],
    deadline: t + DAY,
  };
  const transferAttestation = await signTransferAttestation(oracleSigner, domain, { from: supplierA.address, ...transferRequest });
  const tierTwoPiece = await ledger.connect(supplierASigner).splitTransfer.staticCall(transferRequest, [transferAttestation]);
  await send(ledger, supplierASigner, "splitTransfer", [transferRequest, [transferAttestation]]);
  say(`2. Split transfer: ${supplierA.name} paid its own supplier ${supplierB.name} ${formatCny(transferAmount)} (invoice ${subInvoice}, attested by the oracle): new piece ${formatPiece(tierTwoPiece)} at depth ${(await ledger.pieceOf(tierTwoPiece)).depth}, parent ${formatPiece(await ledger.parentOf(tierTwoPiece))}; ${supplierA.name} keeps ${formatCny((await ledger.pieceOf(rootPiece)).amount)} on piece ${formatPiece(rootPiece)}.`);

  // ---------------------------------------------------------------- 3. pledge
  const firstLoan = { securedAmount: 24_000_000n, annualRateBps: 450, serviceFeeBps: 20, registration: "04868843000012345678" };
  await pledge(ledger, tierTwoPiece, supplierB, supplierBSigner, lender, lenderSigner, firstLoan);
  const pledged = await ledger.pledgeOf(tierTwoPiece);
  say(`3. Pledge: ${lender.name} lent ${formatCny(firstLoan.securedAmount)} at ${formatBps(firstLoan.annualRateBps)} a year (service fee ${formatBps(firstLoan.serviceFeeBps)}, kept apart from interest) against piece ${formatPiece(tierTwoPiece)} of ${supplierB.name}, registration no. ${firstLoan.registration} in the PBoC movable-property registry; pledge serial ${pledged.serial}, piece is ${statusOf((await ledger.pieceOf(tierTwoPiece)).status)}.`);

  // ---------------------------------------------------------------- 4. release
  await send(ledger, lenderSigner, "releasePledge", [tierTwoPiece]);
  say(`4. Release: ${supplierB.name} repaid the loan; ${lender.name} released the pledge. Piece ${formatPiece(tierTwoPiece)} is ${statusOf((await ledger.pieceOf(tierTwoPiece)).status)} again.`);

  // ---------------------------------------------------------------- 5. factoring
  const rootAmount = (await ledger.pieceOf(rootPiece)).amount;
  const purchasePrice = (rootAmount * 9_850n) / 10_000n; // 1.5% discount
  const ft = await chainTime();
  const factoringTerms = { pieceId: rootPiece, purchasePrice, withRecourse: true, deadline: ft + DAY };
  const factoringConsent = await signFactoringConsent(supplierASigner, domain, {
    ...factoringTerms,
    holder: supplierA.address,
    factor: clearingBank.address,
    amount: rootAmount,
    nonce: await ledger.nonces(supplierA.address),
  });
  await send(ledger, clearingSigner, "factor", [factoringTerms, factoringConsent]);
  say(`5. Factoring: ${supplierA.name} sold piece ${formatPiece(rootPiece)} (${formatCny(rootAmount)}) to ${clearingBank.name} for ${formatCny(purchasePrice)} (discount ${formatCny(rootAmount - purchasePrice)}), with recourse. The bank now holds it.`);

  // ---------------------------------------------------------------- 6. a second pledge, and a refused double pledge
  const secondLoan = { securedAmount: 15_000_000n, annualRateBps: 420, serviceFeeBps: 15, registration: "04868843000012399001" };
  await pledge(ledger, tierTwoPiece, supplierB, supplierBSigner, lender, lenderSigner, secondLoan);
  say(`6. ${supplierB.name} borrowed again: ${lender.name} lent ${formatCny(secondLoan.securedAmount)} at ${formatBps(secondLoan.annualRateBps)} against piece ${formatPiece(tierTwoPiece)} (registration no. ${secondLoan.registration}, pledge serial ${(await ledger.pledgeOf(tierTwoPiece)).serial}).`);
  say(`   ${supplierB.name} then asked ${clearingBank.name} for a second loan on the same piece and signed a consent for it.`);
  try {
    await pledge(ledger, tierTwoPiece, supplierB, supplierBSigner, clearingBank, clearingSigner, {
      securedAmount: 20_000_000n,
      annualRateBps: 400,
      serviceFeeBps: 10,
      registration: "04868843000012399777",
    });
    throw new Error("the double pledge was accepted: the ledger must refuse it");
  } catch (error) {
    const decoded = decodeRevert(error, ledger.interface);
    if (decoded === undefined) throw error;
    const status = decoded.args.status !== undefined ? ` (piece is ${statusOf(decoded.args.status as bigint)})` : "";
    say(`   Refused double pledge: the ledger reverted with ${decoded.name}${status}: ${decoded.text}. ${clearingBank.name} lends nothing.`);
  }

  // ---------------------------------------------------------------- 7. maturity
  const before = await chainTime();
  await ethers.provider.send("evm_increaseTime", [Number(maturity - before)]);
  await ethers.provider.send("evm_mine", []);
  say(`7. Maturity: chain time moved from ${formatTime(before)} to ${formatTime(await chainTime())}; voucher #${voucherId} is due. ${core.name}'s outstanding: ${formatCny(await ledger.outstandingOf(core.address))}.`);

  // ---------------------------------------------------------------- 8. settlement by the clearing bank
  const [livePieces] = await ledger.livePiecesOf(voucherId, 0n, 100n);
  say(`8. Settlement: ${clearingBank.name}, clearing bank of ${core.name}, debits the issuer ${formatCny(await ledger.outstandingOf(core.address))} and pays ${livePieces.length} live pieces:`);
  const settlements: Array<{ pieceId: bigint; bankReference: string }> = [];
  let payout = 0;
  for (const pieceId of livePieces) {
    const piece = await ledger.pieceOf(pieceId);
    const payouts: Array<[string, bigint, string]> = [];
    if (Number(piece.status) === PieceStatus.Pledged) {
      const p = await ledger.pledgeOf(pieceId);
      // Principal only: the interest split of R10 belongs to the clearing engine.
      payouts.push([p.pledgee, p.securedAmount, "pledgee, secured principal; interest is not computed in this walk-through"]);
      payouts.push([piece.holder, piece.amount - p.securedAmount, "holder, the rest"]);
    } else if (Number(piece.status) === PieceStatus.Enforced) {
      payouts.push([(await ledger.pledgeOf(pieceId)).pledgee, piece.amount, "pledgee, enforced"]);
    } else {
      const f = await ledger.factoringOf(pieceId);
      const reason = f.factor === piece.holder ? "factor" : "holder";
      payouts.push([piece.holder, piece.amount, reason]);
    }
    const references: string[] = [];
    for (const [to, amount, reason] of payouts) {
      if (amount === 0n) continue;
      const endToEndId = `EVC${voucherId}-${pieceId & 0xffffn}-${++payout}`;
      references.push(endToEndId);
      say(`   piece ${formatPiece(pieceId)} (${statusOf(piece.status)}): pay ${formatCny(amount)} to ${nameOf(to)} (${reason}), EndToEndId ${endToEndId}`);
    }
    // The on-chain reference of a piece is its first payment's EndToEndId (all of them are in the bank's camt.054).
    settlements.push({ pieceId, bankReference: ethersLib.encodeBytes32String(references[0]) });
  }
  const receipt = await send(ledger, clearingSigner, "settle", [settlements]);
  const settledEvents = receipt.logs
    .map((log) => {
      try {
        return ledger.interface.parseLog(log);
      } catch {
        return null;
      }
    })
    .filter((e) => e?.name === "PieceSettled");
  say(`   The bank confirmed the payments and recorded them on-chain: ${settledEvents.length} PieceSettled events with references ${settledEvents.map((e) => ethersLib.decodeBytes32String(e!.args.bankReference)).join(", ")}.`);

  // ---------------------------------------------------------------- 9. final state
  const voucher = await ledger.voucherOf(voucherId);
  const outstanding = await ledger.outstandingOf(core.address);
  say();
  say(`Final state of voucher #${voucherId} (issuer ${core.name}, ${formatCny(faceAmount)}):`);
  for (let index = 0n; index < BigInt(voucher.piecesCreated); index++) {
    const pieceId = (voucherId << 16n) | index;
    const piece = await ledger.pieceOf(pieceId);
    const lineage = (await ledger.lineageOf(pieceId)).map(formatPiece).join(" <- ");
    say(`  piece ${formatPiece(pieceId)}: ${formatCny(piece.amount)}, holder ${nameOf(piece.holder)}, ${statusOf(piece.status)}, lineage ${lineage}`);
  }
  say(`  live pieces ${voucher.livePieces}, overdue ${voucher.overdue}; ${core.name}'s outstanding: ${formatCny(outstanding)}`);
  if (outstanding !== 0n || voucher.livePieces !== 0n) {
    throw new Error(`expected outstanding 0 and no live pieces, got ${outstanding} fen and ${voucher.livePieces} pieces`);
  }
  say("Lifecycle complete.");
}

// ---------------------------------------------------------------- helpers

function chainTime(): Promise<bigint> {
  return chainTimeOf(ethers.provider);
}

function nameOf(address: string): string {
  return plan.members.find((m) => m.address.toLowerCase() === address.toLowerCase())?.name ?? address;
}

function statusOf(status: bigint | number): string {
  return STATUS_NAME[Number(status)] ?? `status ${status}`;
}

/** The oracle's keyed hash of a trade document number (R2); the key stays with the oracle. */
function documentKey(documentNumber: string): string {
  return ethersLib.keccak256(ethersLib.toUtf8Bytes(`lifecycle-oracle-key:${documentNumber}`));
}

function packageHash(pkg: object): string {
  return ethersLib.keccak256(ethersLib.toUtf8Bytes(JSON.stringify(pkg)));
}

async function pledge(
  ledger: VoucherLedger,
  pieceId: bigint,
  holder: PlannedMember,
  holderSigner: Signer,
  bank: PlannedMember,
  bankSigner: Signer,
  loan: { securedAmount: bigint; annualRateBps: number; serviceFeeBps: number; registration: string },
) {
  const now = await chainTime();
  const terms = {
    pieceId,
    securedAmount: loan.securedAmount,
    annualRateBps: loan.annualRateBps,
    serviceFeeBps: loan.serviceFeeBps,
    registrationNumber: registrationNumberToBytes24(loan.registration),
    deadline: now + DAY,
  };
  const serial = Number((await ledger.pledgeOf(pieceId)).serial) + 1;
  const consent = await signPledgeConsent(holderSigner, ledgerDomain(chainId, await ledger.getAddress()), {
    ...terms,
    holder: holder.address,
    pledgee: bank.address,
    pieceAmount: (await ledger.pieceOf(pieceId)).amount,
    serial,
  });
  return send(ledger, bankSigner, "pledge", [terms, consent]);
}
