/**
 * One voucher through its whole life, in plain language, the way the members do it: through the SDK role
 * clients and a running trade-background oracle (HTTP on 127.0.0.1, its own embedded database).
 * deploy (Ignition module deploy/modules/VoucherLedger.ts) → onboard the consortium from
 * config/consortium.example.json → start the oracle → issue against attested trade → split transfer to a
 * second-tier supplier → an invoice presented again by another core enterprise, refused → the bank's
 * verification → pledge → release → factoring of another piece → a second pledge and a refused double
 * pledge → maturity → settlement by the clearing bank → final state (outstanding 0).
 *
 * The network check's walk-through (scripts/check-networks.sh); `npm start` runs the whole consortium instead.
 *
 *   npx hardhat run scripts/lifecycle.ts                       (embedded Hardhat network)
 *   npx hardhat run scripts/lifecycle.ts --network localhost   (a running `hardhat node`)
 *   npx hardhat run scripts/lifecycle.ts --network anvil       (a running anvil on port 8546)
 *
 * The oracle signs with the key of the config's first oracle; on these development networks that is one of
 * the well-known test accounts (mnemonic "test test … junk"), found by address. Its document-key secret is
 * made fresh for the run.
 *
 * Environment: CONSORTIUM_CONFIG (default config/consortium.example.json);
 * LIFECYCLE_KEEP_DEPLOYMENT=1 keeps the Ignition journal a JSON-RPC run writes to
 * deploy/deployments/lifecycle-<network>-<time>/ (removed by default: the demo's chain is throwaway).
 */
import { readFile, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { encodeBytes32String, hexlify, randomBytes } from "ethers";
import VoucherLedgerModule from "../deploy/modules/VoucherLedger.js";
import { developmentKeyFor } from "../src/consortium/developmentKeys.js";
import { onboardConsortium, parseConsortiumConfig, type PlannedMember } from "../src/deploy/index.js";
import { resolveOracleConfig } from "../src/oracle/config.js";
import { sampleTradeDocuments } from "../src/oracle/package/sampleDocuments.js";
import type { TradeDocuments } from "../src/oracle/package/types.js";
import { seedStore, startOracle, type RunningOracle } from "../src/oracle/service.js";
import { AuditorClient, BankClient, CoreEnterpriseClient, OracleClient, SupplierClient } from "../src/sdk/clients/index.js";
import { pieceStatusName } from "../src/sdk/constants.js";
import { isEVoucherError, OracleError } from "../src/sdk/errors.js";
import { cnyToFen } from "../src/sdk/money.js";
import type { VoucherLedger } from "../types/ethers-contracts/index.js";
import { chainTime as chainTimeOf } from "./lib/chain.js";
import { formatBps, formatCny, formatPiece, formatTime } from "./lib/format.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DAY = 24n * 60n * 60n;

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

  // The cast: the first core enterprise and its clearing bank, a second core enterprise, the first two
  // suppliers, another bank, an oracle.
  const inSection = (section: PlannedMember["section"]) => plan.members.filter((m) => m.section === section);
  const [coreCfg, otherCoreCfg] = plan.coreEnterprises;
  const [supplierA, supplierB] = inSection("suppliers");
  const clearingBank = plan.byKey.get(coreCfg?.clearingBankKey ?? "");
  const lender = inSection("banks").find((b) => b.address !== clearingBank?.address);
  const [oracleMember] = inSection("oracles");
  if (!coreCfg || !otherCoreCfg || !supplierA || !supplierB || !clearingBank || !lender || !oracleMember) {
    throw new Error("the lifecycle needs two core enterprises (the first with a clearing bank), two suppliers, a second bank and an oracle in the config");
  }
  const core = plan.byKey.get(coreCfg.key)!;
  const otherCore = plan.byKey.get(otherCoreCfg.key)!;
  const [coreSigner, otherCoreSigner, supplierASigner, supplierBSigner, clearingSigner, lenderSigner] = await Promise.all(
    [core, otherCore, supplierA, supplierB, clearingBank, lender].map((m) => ethers.getSigner(m.address)),
  );

  // ---------------------------------------------------------------- the oracle
  const oracle = await startLifecycleOracle(ledgerAddress, oracleMember);
  try {
    const oracles = [new OracleClient(oracle.url)];
    const coreClient = new CoreEnterpriseClient(coreSigner, ledgerAddress, oracles);
    const supplierAClient = new SupplierClient(supplierASigner, ledgerAddress, oracles);
    const supplierBClient = new SupplierClient(supplierBSigner, ledgerAddress, oracles);
    const lenderClient = new BankClient(lenderSigner, ledgerAddress);
    const clearingClient = new BankClient(clearingSigner, ledgerAddress);
    say(`${oracleMember.name} runs its oracle at ${oracle.url} (signing key ${oracle.signer}, database embedded PGlite).`);

    /** Trade documents the tax bureau's and carrier's records confirm: loaded into the oracle's verifier records. */
    const trade = async (seller: PlannedMember, buyer: PlannedMember, total: bigint): Promise<TradeDocuments> => {
      const documents = sampleTradeDocuments({ sellerUscc: seller.uscc, buyerUscc: buyer.uscc, total, today: Number(await chainTime()) });
      await seedStore(oracle.store, { invoices: documents.invoices, deliveries: documents.delivery });
      return documents;
    };
    const describe = (documents: TradeDocuments) =>
      `contract ${documents.contract.id}, VAT e-invoice ${documents.invoices[0].number} for ${formatCny(cnyToFen(documents.invoices[0].total))} incl. tax, ${documents.delivery[0].kind} of ${documents.delivery[0].date}`;

    // ---------------------------------------------------------------- 1. issue
    say();
    const faceAmount = 100_000_000n; // 1,000,000.00 CNY
    const maturity = (await chainTime()) + 90n * DAY;
    const issueDocuments = await trade(supplierA, core, 113_000_000n);
    const issued = await coreClient.issue({ payeeUscc: supplierA.uscc, amount: faceAmount, maturity, documents: issueDocuments });
    const rootPiece = issued.pieceId;
    const voucherId = issued.voucherId;
    say(`1. Issue: ${core.name} sent the trade background (${describe(issueDocuments)}) to the oracle, which checked it and signed; ${core.name} issued voucher #${voucherId} of ${formatCny(faceAmount)} to ${supplierA.name}, due ${formatTime(maturity)} (90 days). Root piece ${formatPiece(rootPiece)}; on-chain only the keyed invoice hash ${issued.documentKeys[0].slice(0, 18)}….`);

    // ---------------------------------------------------------------- 2. split transfer
    const transferAmount = 30_000_000n; // 300,000.00 CNY
    const transferDocuments = await trade(supplierB, supplierA, 33_900_000n);
    const toB = await supplierAClient.transfer({ pieceId: rootPiece, payeeUscc: supplierB.uscc, amount: transferAmount, documents: transferDocuments });
    const tierTwoPiece = toB.pieceId;
    say(`2. Split transfer: ${supplierA.name} paid its own supplier ${supplierB.name} ${formatCny(transferAmount)} against attested trade (${describe(transferDocuments)}): new piece ${formatPiece(tierTwoPiece)} at depth ${(await ledger.pieceOf(tierTwoPiece)).depth}, parent ${formatPiece(await ledger.parentOf(tierTwoPiece))}; ${supplierA.name} keeps ${formatCny(toB.remainder)} on piece ${formatPiece(rootPiece)}.`);

    // ---------------------------------------------------------------- 3. the same invoice again, by another core enterprise
    const reused = { ...issueDocuments, invoices: issueDocuments.invoices.map((invoice) => ({ ...invoice, buyerUscc: otherCore.uscc })) };
    try {
      await new CoreEnterpriseClient(otherCoreSigner, ledgerAddress, oracles).issue({ payeeUscc: supplierA.uscc, amount: faceAmount, maturity, documents: reused });
      throw new Error("an invoice already used was attested again: the oracle must refuse it");
    } catch (error) {
      // Fewer than k oracles attested; `failures` holds every check the refusing oracles failed.
      if (!(error instanceof OracleError) || error.code !== "ORACLE_QUORUM_NOT_MET") throw error;
      const codes = error.failures.map((failure) => failure.code);
      say(`3. Duplicate refused: ${otherCore.name} presented invoice ${reused.invoices[0].number} for a voucher of its own; the oracle refused (${codes.join(", ")}) and nothing was issued (R2).`);
    }

    // ---------------------------------------------------------------- 4. verification and pledge
    const verification = await lenderClient.verifyForFinancing(tierTwoPiece);
    say(`4. ${lender.name} verified piece ${formatPiece(tierTwoPiece)} on-chain before lending: ${verification.verdict.financeable ? "FINANCEABLE" : "NOT FINANCEABLE"}${verification.found ? `, lineage of ${verification.lineage.length} attested steps back to the issue` : ""}.`);
    const firstLoan = { securedAmount: 24_000_000n, annualRateBps: 450, serviceFeeBps: 20, registrationNumber: "04868843000012345678" };
    await lenderClient.acceptPledge(await supplierBClient.consentToPledge({ pieceId: tierTwoPiece, pledgee: lender.address, ...firstLoan, deadline: (await chainTime()) + DAY }));
    const pledged = await ledger.pledgeOf(tierTwoPiece);
    say(`   Pledge: ${lender.name} lent ${formatCny(firstLoan.securedAmount)} at ${formatBps(firstLoan.annualRateBps)} a year (service fee ${formatBps(firstLoan.serviceFeeBps)}, kept apart from interest) against piece ${formatPiece(tierTwoPiece)} of ${supplierB.name}, registration no. ${firstLoan.registrationNumber} in the PBoC movable-property registry; pledge serial ${pledged.serial}, piece is ${statusOf((await ledger.pieceOf(tierTwoPiece)).status)}.`);

    // ---------------------------------------------------------------- 5. release
    await lenderClient.releasePledge(tierTwoPiece);
    say(`5. Release: ${supplierB.name} repaid the loan; ${lender.name} released the pledge. Piece ${formatPiece(tierTwoPiece)} is ${statusOf((await ledger.pieceOf(tierTwoPiece)).status)} again.`);

    // ---------------------------------------------------------------- 6. factoring
    const rootAmount = (await ledger.pieceOf(rootPiece)).amount;
    const purchasePrice = (rootAmount * 9_850n) / 10_000n; // 1.5% discount
    await clearingClient.factor(
      await supplierAClient.consentToFactoring({ pieceId: rootPiece, factor: clearingBank.address, purchasePrice, withRecourse: true, deadline: (await chainTime()) + DAY }),
    );
    say(`6. Factoring: ${supplierA.name} sold piece ${formatPiece(rootPiece)} (${formatCny(rootAmount)}) to ${clearingBank.name} for ${formatCny(purchasePrice)} (discount ${formatCny(rootAmount - purchasePrice)}), with recourse. The bank now holds it.`);

    // ---------------------------------------------------------------- 7. a second pledge, and a refused double pledge
    const secondLoan = { securedAmount: 15_000_000n, annualRateBps: 420, serviceFeeBps: 15, registrationNumber: "04868843000012399001" };
    await lenderClient.acceptPledge(await supplierBClient.consentToPledge({ pieceId: tierTwoPiece, pledgee: lender.address, ...secondLoan, deadline: (await chainTime()) + DAY }));
    say(`7. ${supplierB.name} borrowed again: ${lender.name} lent ${formatCny(secondLoan.securedAmount)} at ${formatBps(secondLoan.annualRateBps)} against piece ${formatPiece(tierTwoPiece)} (registration no. ${secondLoan.registrationNumber}, pledge serial ${(await ledger.pledgeOf(tierTwoPiece)).serial}).`);
    say(`   ${supplierB.name} then asked ${clearingBank.name} for a second loan on the same piece and signed a consent for it.`);
    const doubleConsent = await supplierBClient.consentToPledge({
      pieceId: tierTwoPiece,
      pledgee: clearingBank.address,
      securedAmount: 20_000_000n,
      annualRateBps: 400,
      serviceFeeBps: 10,
      registrationNumber: "04868843000012399777",
      deadline: (await chainTime()) + DAY,
    });
    const check = await clearingClient.verifyForFinancing(tierTwoPiece);
    say(`   ${clearingBank.name}'s check says ${check.verdict.financeable ? "FINANCEABLE" : "NOT FINANCEABLE"}: ${check.verdict.reasons.filter((r) => r.severity === "blocking").map((r) => r.message).join(" ")}`);
    try {
      await clearingClient.acceptPledge(doubleConsent);
      throw new Error("the double pledge was accepted: the ledger must refuse it");
    } catch (error) {
      if (!isEVoucherError(error, "PIECE_NOT_IN_STATUS")) throw error;
      say(`   Had it tried anyway, the ledger refuses: ${error.message} ${clearingBank.name} lends nothing.`);
    }

    // ---------------------------------------------------------------- 8. maturity
    const before = await chainTime();
    await ethers.provider.send("evm_increaseTime", [Number(maturity - before)]);
    await ethers.provider.send("evm_mine", []);
    say(`8. Maturity: chain time moved from ${formatTime(before)} to ${formatTime(await chainTime())}; voucher #${voucherId} is due. ${core.name}'s outstanding: ${formatCny(await ledger.outstandingOf(core.address))}.`);

    // ---------------------------------------------------------------- 9. settlement by the clearing bank
    const auditor = new AuditorClient(ethers.provider, ledgerAddress);
    const livePieces = await auditor.livePieces(voucherId);
    say(`9. Settlement: ${clearingBank.name}, clearing bank of ${core.name}, debits the issuer ${formatCny(await ledger.outstandingOf(core.address))} and pays ${livePieces.length} live pieces:`);
    const confirmations: Array<{ pieceId: bigint; bankReference: string }> = [];
    let payout = 0;
    for (const piece of livePieces) {
      const payouts: Array<[string, bigint, string]> = [];
      if (piece.status === "Pledged") {
        const p = await ledger.pledgeOf(piece.pieceId);
        // Principal only: the interest split of R10 belongs to the clearing engine.
        payouts.push([p.pledgee, p.securedAmount, "pledgee, secured principal; interest is not computed in this walk-through"]);
        payouts.push([piece.holder, piece.amount - p.securedAmount, "holder, the rest"]);
      } else if (piece.status === "Enforced") {
        payouts.push([(await ledger.pledgeOf(piece.pieceId)).pledgee, piece.amount, "pledgee, enforced"]);
      } else {
        const f = await ledger.factoringOf(piece.pieceId);
        payouts.push([piece.holder, piece.amount, f.factor === piece.holder ? "factor" : "holder"]);
      }
      const references: string[] = [];
      for (const [to, amount, reason] of payouts) {
        if (amount === 0n) continue;
        const endToEndId = `EVC${voucherId}-${piece.pieceId & 0xffffn}-${++payout}`;
        references.push(endToEndId);
        say(`   piece ${formatPiece(piece.pieceId)} (${piece.status}): pay ${formatCny(amount)} to ${nameOf(to)} (${reason}), EndToEndId ${endToEndId}`);
      }
      // The on-chain reference of a piece is its first payment's EndToEndId (all of them are in the bank's camt.054).
      confirmations.push({ pieceId: piece.pieceId, bankReference: encodeBytes32String(references[0]) });
    }
    const [receipt] = await clearingClient.confirmSettlement(confirmations);
    const settled = receipt.logs.map((log) => ledger.interface.parseLog(log)).filter((e) => e?.name === "PieceSettled");
    say(`   The bank confirmed the payments and recorded them on-chain: ${settled.length} PieceSettled events.`);

    // ---------------------------------------------------------------- 10. final state
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
    const requests = await oracle.store.countRequests();
    say(`  the oracle's audit record: ${requests.attested} attested, ${requests.refused} refused, ${requests.rejected} rejected requests`);
    if (outstanding !== 0n || voucher.livePieces !== 0n) {
      throw new Error(`expected outstanding 0 and no live pieces, got ${outstanding} fen and ${voucher.livePieces} pieces`);
    }
    say("Lifecycle complete.");
  } finally {
    await oracle.close();
  }
}

// ---------------------------------------------------------------- helpers

function chainTime(): Promise<bigint> {
  return chainTimeOf(ethers.provider);
}

function nameOf(address: string): string {
  return plan.members.find((m) => m.address.toLowerCase() === address.toLowerCase())?.name ?? address;
}

function statusOf(status: bigint | number): string {
  return pieceStatusName(status) ?? `status ${status}`;
}

async function startLifecycleOracle(ledgerAddress: string, member: PlannedMember): Promise<RunningOracle> {
  const config = resolveOracleConfig(
    {
      listen: { port: 0 },
      chain: { rpcUrl: "http://in-process.invalid", ledgerAddress },
      signer: { privateKeyEnv: "LIFECYCLE_ORACLE_KEY" },
      documentKeySecretEnv: "LIFECYCLE_DOCUMENT_KEY_SECRET",
      database: { kind: "pglite-memory" },
    },
    { LIFECYCLE_ORACLE_KEY: developmentKeyFor(member.name, member.address), LIFECYCLE_DOCUMENT_KEY_SECRET: hexlify(randomBytes(32)) },
    ROOT,
  );
  return startOracle(config, { provider: ethers.provider });
}
