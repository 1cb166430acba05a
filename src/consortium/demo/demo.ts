/**
 * The demo: the life of receivable e-vouchers on a running consortium, driven through the SDK as each
 * member's own software would drive it, told in plain language.
 *
 *   1. a core enterprise issues a voucher against attested trade (contract, VAT e-invoice, goods receipt)
 *   2. it travels down the supply chain, split tier by tier, days apart, to the policy's depth limit
 *   3. one tier more is refused (R5); the same invoice presented again for a second voucher is refused (R2)
 *   4. a bank verifies a piece on-chain and lends against it (pledge); another bank buys a piece (factoring)
 *   5. a second pledge of the pledged piece is refused (R9)
 *   6. the second core enterprise issues, and its bank account holds too little at maturity
 *   7. at maturity the clearing engine instructs each issuer's bank (pain.001), the banks answer (pain.002,
 *      camt.054), and the engine confirms settlement on-chain; the unpaid voucher goes overdue after the
 *      grace period, its issuer is in default and cannot issue any more (R11)
 *
 * Chain time is moved forward (evm_setNextBlockTimestamp): a development node is needed (the embedded
 * node, anvil, or hardhat node), and a new ledger. Any step that does not turn out as told — a refusal for
 * another reason than the rule it shows, an answer that does not come — stops the demo with an error.
 */
import { readMemberDirectory } from "../../clearing/directory/memberDirectory.js";
import type { ConsortiumPlan } from "../../deploy/consortiumConfig.js";
import { sampleTradeDocuments } from "../../oracle/package/sampleDocuments.js";
import type { TradeDocuments } from "../../oracle/package/types.js";
import { seedStore } from "../../oracle/service.js";
import { DEFAULT_POLICY } from "../../sdk/constants.js";
import { formatBankReference, formatBps, formatPiece, formatTime } from "../../sdk/display.js";
import { OracleError } from "../../sdk/errors.js";
import { cnyToFen, formatCny } from "../../sdk/money.js";
import { ZeroAddress } from "ethers";
import { VoucherLedger__factory } from "../../../types/ethers-contracts/index.js";
import type { ConsortiumServices } from "../services.js";
import { castOf, TIERS, type Member } from "./cast.js";

const DAY = 86_400n;
const HOUR = 3_600n;

export interface DemoContext {
  rpcUrl: string;
  ledgerAddress: string;
  plan: ConsortiumPlan;
  services: ConsortiumServices;
  memberDirectoryFile: string;
  say: (line?: string) => void;
  /** Aborted when the program stops: the demo ends at its next step. */
  signal?: AbortSignal;
}

export class DemoError extends Error {
  constructor(message: string) {
    super(`the demo did not go as told: ${message}`);
    this.name = "DemoError";
  }
}

export async function runDemo(context: DemoContext): Promise<void> {
  const { plan, services, say } = context;
  const cast = castOf(plan, context.rpcUrl, context.ledgerAddress, services.oracles.map((oracle) => oracle.running.url));
  const { provider, core, lateCore, clearingBank, lender, suppliers } = cast;
  const ledger = VoucherLedger__factory.connect(context.ledgerAddress, provider);
  const directory = readMemberDirectory(context.memberDirectoryFile);
  const name = (m: Member<unknown>) => m.member.name;
  const signal = context.signal ?? new AbortController().signal;
  const chainTime = async () => BigInt((await provider.getBlock("latest"))!.timestamp);
  const wait = <T>(what: string, probe: () => Promise<T | null>) => waitFor(what, probe, signal);
  const moveTo = async (time: bigint) => {
    signal.throwIfAborted();
    await provider.send("evm_setNextBlockTimestamp", [Number(time)]);
    await provider.send("evm_mine", []);
  };
  /** Trade documents the tax bureau's and carrier's records confirm, loaded into every oracle's records. */
  const trade = async (seller: Member<unknown>, buyer: Member<unknown>, total: bigint): Promise<TradeDocuments> => {
    signal.throwIfAborted();
    const documents = sampleTradeDocuments({ sellerUscc: seller.member.uscc, buyerUscc: buyer.member.uscc, total, today: Number(await chainTime()) });
    for (const oracle of services.oracles) await seedStore(oracle.running.store, { invoices: documents.invoices, deliveries: documents.delivery });
    return documents;
  };
  const invoiceOf = (documents: TradeDocuments) => `VAT e-invoice ${documents.invoices[0].number} of ${formatCny(cnyToFen(documents.invoices[0].total))}`;
  /** Runs what must be refused and returns the refusal, which must carry one of `codes` (the oracles' or the ledger's). */
  const refusal = async (what: string, codes: string[], attempt: () => Promise<unknown>): Promise<{ error: Error; codes: string[] }> => {
    try {
      await attempt();
    } catch (error) {
      const found = error instanceof OracleError ? [...new Set(error.failures.map((failure) => failure.code))] : [String((error as { code?: unknown }).code)];
      if (!found.some((code) => codes.includes(code))) throw new DemoError(`${what} failed, but not as the rule refuses it (expected ${codes.join(" or ")}): ${(error as Error).message}`);
      return { error: error as Error, codes: found };
    }
    throw new DemoError(`${what} was accepted; it must be refused`);
  };

  try {
    if ((await ledger.voucherOf(1n)).issuer !== ZeroAddress) {
      throw new DemoError("it tells the story of a new ledger, and this one has vouchers already: run npm run demo (a fresh consortium in data/demo/), or npm start -- --fresh");
    }
    say(`Demo: the life of receivable e-vouchers, through the SDK. Chain time is ${formatTime(await chainTime())}.`);
    say(`Every member below signs with its own key; trade documents go to the oracles (${services.oracles.map((o) => o.running.url).join(", ")}), which check them and sign attestations.`);

    // ---------------------------------------------------------------- 1. issue
    const face = 100_000_000n; // 1,000,000.00 CNY
    const issueDocuments = await trade(suppliers[0], core, 113_000_000n);
    const maturity = (await chainTime()) + 60n * DAY;
    const issued = await core.client.issue({ payeeUscc: suppliers[0].member.uscc, amount: face, maturity, documents: issueDocuments });
    say();
    say(`1. ${name(core)} bought equipment parts from ${name(suppliers[0])} (contract ${issueDocuments.contract.id}, ${invoiceOf(issueDocuments)} incl. 13% VAT, goods received). It issued voucher #${issued.voucherId}: a promise to pay ${formatCny(face)} on ${formatTime(maturity)} (60 days). On-chain the invoice appears only as a keyed hash.`);

    // ---------------------------------------------------------------- 2. down the supply chain
    say(`2. The voucher travels down the supply chain: each supplier pays its own supplier with part of what it holds, a few days later.`);
    const amounts = [40_000_000n, 15_000_000n, 6_000_000n, 3_000_000n, 1_200_000n]; // 400,000.00 … 12,000.00 CNY
    let held = issued.pieceId;
    const pieceOfTier: bigint[] = [issued.pieceId];
    for (let tier = 0; tier < DEFAULT_POLICY.maxDepth; tier++) {
      await moveTo((await chainTime()) + 2n * DAY + BigInt(tier) * 7n * HOUR);
      const payer = suppliers[tier];
      const payee = suppliers[tier + 1];
      const documents = await trade(payee, payer, (amounts[tier] * 113n) / 100n);
      const paid = await payer.client.transfer({ pieceId: held, payeeUscc: payee.member.uscc, amount: amounts[tier], documents });
      const depth = (await ledger.pieceOf(paid.pieceId)).depth;
      say(`   ${name(payer)} → ${name(payee)}: ${formatCny(amounts[tier])} against ${invoiceOf(documents)}; new piece ${formatPiece(paid.pieceId)} at depth ${depth}, ${name(payer)} keeps ${formatCny(paid.remainder)} on ${formatPiece(held)}.`);
      held = paid.pieceId;
      pieceOfTier.push(paid.pieceId);
    }

    // ---------------------------------------------------------------- 3. refusals: depth, duplicate invoice
    const last = suppliers[DEFAULT_POLICY.maxDepth];
    const beyond = suppliers[TIERS - 1];
    const overDepth = await refusal("a split beyond the depth limit", ["DEPTH_LIMIT_REACHED"], async () =>
      last.client.transfer({ pieceId: held, payeeUscc: beyond.member.uscc, amount: 500_000n, documents: await trade(beyond, last, 565_000n) }),
    );
    say(`3. ${name(last)} tried to pay ${name(beyond)} 5,000.00 out of piece ${formatPiece(held)}: refused (${overDepth.codes.join(", ")}). ${overDepth.error.message}`);
    const duplicate = await refusal("an invoice used twice", ["INVOICE_ALREADY_USED"], () =>
      core.client.issue({ payeeUscc: suppliers[0].member.uscc, amount: face, maturity, documents: issueDocuments }),
    );
    say(`   ${name(core)} presented the same trade (invoice ${issueDocuments.invoices[0].number}) again for a second voucher: refused by the oracles (${duplicate.codes.join(", ")}); nothing was issued, and the ledger would refuse the invoice's key too (R2).`);

    // ---------------------------------------------------------------- 4. financing: pledge and factoring
    const tierTwoHolder = suppliers[1];
    const pledgedPiece = pieceOfTier[1]; // what the second tier kept of its piece
    const verdict = await lender.client.verifyForFinancing(pledgedPiece);
    if (!verdict.verdict.financeable) throw new DemoError(`piece ${formatPiece(pledgedPiece)} should be financeable: ${verdict.verdict.reasons.map((r) => r.message).join(" ")}`);
    const pledgedAmount = (await ledger.pieceOf(pledgedPiece)).amount;
    const loan = { securedAmount: (pledgedAmount * 8n) / 10n, annualRateBps: 450, serviceFeeBps: 20, registrationNumber: "04868843000012345678" };
    await lender.client.acceptPledge(
      await tierTwoHolder.client.consentToPledge({ pieceId: pledgedPiece, pledgee: lender.member.address, ...loan, deadline: (await chainTime()) + DAY }),
    );
    say(`4. ${name(lender)} checked piece ${formatPiece(pledgedPiece)} of ${name(tierTwoHolder)} on-chain (FINANCEABLE: issuer, lineage of ${verdict.found ? verdict.lineage.length : 0} attested steps, no pledge) and lent ${formatCny(loan.securedAmount)} against it at ${formatBps(loan.annualRateBps)} a year (service fee ${formatBps(loan.serviceFeeBps)}, kept apart), registered as no. ${loan.registrationNumber} in the PBoC movable-property registry.`);
    const rootAmount = (await ledger.pieceOf(issued.pieceId)).amount;
    const price = (rootAmount * 9_850n) / 10_000n;
    await clearingBank.client.factor(
      await suppliers[0].client.consentToFactoring({ pieceId: issued.pieceId, factor: clearingBank.member.address, purchasePrice: price, withRecourse: true, deadline: (await chainTime()) + DAY }),
    );
    say(`   ${name(suppliers[0])} sold its remaining ${formatCny(rootAmount)} (piece ${formatPiece(issued.pieceId)}) to ${name(clearingBank)} for ${formatCny(price)} (factoring with recourse); the bank is now the holder and will be paid at maturity.`);

    // ---------------------------------------------------------------- 5. double pledge
    const second = await tierTwoHolder.client.consentToPledge({
      pieceId: pledgedPiece,
      pledgee: clearingBank.member.address,
      securedAmount: loan.securedAmount,
      annualRateBps: 400,
      serviceFeeBps: 10,
      registrationNumber: "04868843000012399777",
      deadline: (await chainTime()) + DAY,
    });
    const check = await clearingBank.client.verifyForFinancing(pledgedPiece);
    const doublePledge = await refusal("a double pledge", ["PIECE_NOT_IN_STATUS"], () => clearingBank.client.acceptPledge(second));
    say(`5. ${name(tierTwoHolder)} asked ${name(clearingBank)} for a second loan on the same piece. The bank's check: ${check.verdict.financeable ? "FINANCEABLE" : "NOT FINANCEABLE"} — ${check.verdict.reasons.filter((r) => r.severity === "blocking").map((r) => r.message).join(" ")} Submitted anyway, the ledger refuses it (${doublePledge.codes.join(", ")}): ${doublePledge.error.message}`);

    // ---------------------------------------------------------------- 6. the second core enterprise
    const lateFace = 50_000_000n; // 500,000.00
    const lateMaturity = (await chainTime()) + 30n * DAY;
    const lateIssue = await lateCore.client.issue({ payeeUscc: suppliers[2].member.uscc, amount: lateFace, maturity: lateMaturity, documents: await trade(suppliers[2], lateCore, 56_500_000n) });
    await moveTo((await chainTime()) + 3n * DAY);
    const lateSplit = await suppliers[2].client.transfer({ pieceId: lateIssue.pieceId, payeeUscc: suppliers[3].member.uscc, amount: 20_000_000n, documents: await trade(suppliers[3], suppliers[2], 22_600_000n) });
    say(`6. ${name(lateCore)} issued voucher #${lateIssue.voucherId} of ${formatCny(lateFace)} to ${name(suppliers[2])}, due ${formatTime(lateMaturity)}; ${name(suppliers[2])} paid ${name(suppliers[3])} ${formatCny(20_000_000n)} of it (piece ${formatPiece(lateSplit.pieceId)}).`);

    // ---------------------------------------------------------------- 7. money at the banks, maturity, clearing
    const bankOf = (bank: Member<unknown>) => services.banks.find((b) => b.member.address === bank.member.address)!.simulator;
    const coreAccount = directory.accountOf(core.member.address).accountNumber;
    const lateAccount = directory.accountOf(lateCore.member.address).accountNumber;
    const coreOwes = await ledger.outstandingOf(core.member.address);
    const lateHas = 25_000_000n;
    await bankOf(clearingBank).fund(coreAccount, coreOwes);
    await bankOf(lender).fund(lateAccount, lateHas);
    say(`7. At the banks: ${name(core)}'s account ${coreAccount} at ${name(clearingBank)} holds ${formatCny(coreOwes)}, all it owes; ${name(lateCore)}'s account ${lateAccount} at ${name(lender)} holds only ${formatCny(lateHas)} of the ${formatCny(lateFace)} it owes.`);

    await moveTo(lateMaturity + HOUR);
    say(`   ${formatTime(lateMaturity + HOUR)}: voucher #${lateIssue.voucherId} is due. The clearing engine plans one payment per holder and sends ${name(lender)} a pain.001; the bank answers…`);
    const lateOutcome = await wait("the bank's answer for the late issuer's voucher", async () => {
      const voucher = await ledger.voucherOf(lateIssue.voucherId);
      const answered = bankOf(lender).outcomes().filter((outcome) => outcome.endToEndId.startsWith(`EV-${lateIssue.voucherId}-`));
      return answered.length > 0 && voucher.livePieces < 2n ? { answered, live: voucher.livePieces } : null;
    });
    const paidLate = bankOf(lender).journal().filter((entry) => entry.debtorAccount === lateAccount);
    const rejected = lateOutcome.answered.filter((outcome) => outcome.status === "RJCT");
    say(`   ${name(lender)} paid ${paidLate.map((entry) => `${formatCny(entry.amount)} to ${entry.creditorName}`).join(", ") || "nothing"} and rejected ${rejected.map((outcome) => `${outcome.endToEndId} (${outcome.reasonCode}: ${outcome.reasonText})`).join(", ")}; the engine confirmed what was paid on-chain: ${lateOutcome.live} piece still unpaid.`);

    const overdueAt = lateMaturity + BigInt(DEFAULT_POLICY.gracePeriod) + HOUR;
    await moveTo(overdueAt);
    await wait("the overdue mark", async () => ((await ledger.voucherOf(lateIssue.voucherId)).overdue ? true : null));
    say(`   ${formatTime(overdueAt)}: the ${DEFAULT_POLICY.gracePeriod / 86_400}-day grace period is over and the piece is still unpaid; ${name(lender)} marked voucher #${lateIssue.voucherId} overdue on-chain, and ${name(lateCore)} is now in default (R11).`);
    const stopped = await refusal("issuance by a defaulted issuer", ["ISSUER_IN_DEFAULT"], async () =>
      lateCore.client.issue({ payeeUscc: suppliers[4].member.uscc, amount: 10_000_000n, maturity: (await chainTime()) + 30n * DAY, documents: await trade(suppliers[4], lateCore, 11_300_000n) }),
    );
    say(`   ${name(lateCore)} tried to issue a new voucher: refused (${stopped.codes.join(", ")}). ${stopped.error.message}`);

    await moveTo(maturity + HOUR);
    say(`   ${formatTime(maturity + HOUR)}: voucher #${issued.voucherId} is due; the engine instructs ${name(clearingBank)}.`);
    await wait("the settlement of the first voucher", async () => ((await ledger.voucherOf(issued.voucherId)).livePieces === 0n ? true : null));
    const settled = await ledger.queryFilter(ledger.filters.PieceSettled(), 0);
    const ofFirst = settled.filter((event) => event.args.pieceId >> 16n === issued.voucherId);
    const journal = bankOf(clearingBank).journal().filter((entry) => entry.debtorAccount === coreAccount);
    const debited = journal.reduce((sum, entry) => sum + entry.amount, 0n);
    const lenderName = directory.accountOf(lender.member.address).name;
    const toLender = journal.filter((entry) => entry.creditorName === lenderName).reduce((sum, entry) => sum + entry.amount, 0n);
    say(`   ${name(clearingBank)} debited ${name(core)} ${formatCny(debited)} in ${journal.length} payments; the engine recorded ${ofFirst.length} settlements on-chain, each with the bank's payment reference (e.g. ${ofFirst[0] ? formatBankReference(ofFirst[0].args.bankReference) : "—"}).`);
    if (toLender > 0n) say(`   The pledged piece was paid in two: ${formatCny(toLender)} to its lender ${name(lender)} (principal and interest to maturity), the rest to ${name(tierTwoHolder)}.`);

    const [coreLeft, lateLeft, lateMember] = await Promise.all([
      ledger.outstandingOf(core.member.address),
      ledger.outstandingOf(lateCore.member.address),
      ledger.memberOf(lateCore.member.address),
    ]);
    say();
    say(`Outcome: ${name(core)} owes ${formatCny(coreLeft)}; ${name(lateCore)} still owes ${formatCny(lateLeft)} and is ${lateMember.defaulted ? "in default" : "not in default"}. See the dashboard: ${services.dashboard.url}`);
  } finally {
    provider.destroy();
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, signal: AbortSignal, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new DemoError(`${what} did not come within ${timeoutMs / 1000} s (is the clearing engine running?)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
