/**
 * The trade-background checks of an issue or transfer package (R1, R3, R4, R11, R15 and the document
 * rules of DOMAIN.md): pure functions of the package and the facts the service gathered. Every check runs
 * and every failure is returned, so a requester can correct them all at once. Nothing here throws on the
 * content of a string: the HTTP layer guarantees the shape, not the content.
 */
import { MemberRole, MemberStatus, PieceStatus } from "../../sdk/constants.js";
import { formatCny } from "../../sdk/money.js";
import { USCC_ALPHABET, isValidUscc, usccCheckCharacter } from "../../sdk/uscc.js";
import type { IssuePackage, TradePackage, TransferPackage } from "../package/types.js";
import { fenOrNull, parseAmountField } from "./amounts.js";
import { checkDocumentDate, compareDays, formatDuration, formatInstant, type CalendarDay } from "./dates.js";
import type { MemberFacts, PieceFacts, TradeFacts, VerifierVerdict } from "./facts.js";
import type { CheckFailure } from "./failures.js";
import { checkInvoiceFormat, invoiceKeyOf, invoiceLabel, quoted } from "./invoice.js";

/**
 * What the service must look up before it can build the facts of `pkg`: the valid USCCs among payer,
 * payee and the invoices' sellers and buyers (for `members`), and the well-formed invoice keys (for
 * `invoiceUse` and `invoiceVerdicts`), each once, in order of appearance. For a transfer the service must
 * also add the member record of the voucher's issuer (known only once the piece is read) to `members`,
 * so that a relation between issuer and payee can be ruled out (R15).
 */
export function lookupsFor(pkg: TradePackage): { usccs: string[]; invoiceKeys: string[] } {
  const codes = [pkg.payerUscc, pkg.payeeUscc, ...pkg.invoices.flatMap((invoice) => [invoice.sellerUscc, invoice.buyerUscc])];
  const usccs = new Set(codes.filter((code) => isValidUscc(code)));
  const invoiceKeys = new Set(pkg.invoices.map(invoiceKeyOf).filter((key): key is string => key !== null));
  return { usccs: [...usccs], invoiceKeys: [...invoiceKeys] };
}

/** All failures of a core enterprise's request to issue a voucher; empty when the oracle may attest it. */
export function checkIssuePackage(pkg: IssuePackage, facts: TradeFacts): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const payer = checkParty("payer", pkg.payerUscc, "/payerUscc", ISSUER, facts, failures);
  const payee = checkParty("payee", pkg.payeeUscc, "/payeeUscc", TRADE_PARTY_RECEIVING, facts, failures);
  checkPartyPair(pkg, payer, payee, failures);
  if (payer?.defaulted) {
    failures.push({
      code: "ISSUER_IN_DEFAULT",
      path: "/payerUscc",
      message: `The payer ${pkg.payerUscc} is in default on an earlier voucher, so it may not issue new ones (R11).`,
    });
  }
  const amount = checkAmount(pkg.amount, facts, failures);
  checkTradeDocuments(pkg, amount, facts, failures);
  checkDeadline(pkg.deadline, facts, failures);
  checkMaturity(pkg.maturity, facts, failures);
  return failures;
}

/** All failures of a holder's request to pay its supplier with (part of) a piece; empty when the oracle may attest it. */
export function checkTransferPackage(pkg: TransferPackage, facts: TradeFacts): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const payer = checkParty("payer", pkg.payerUscc, "/payerUscc", TRADE_PARTY_PAYING, facts, failures);
  const payee = checkParty("payee", pkg.payeeUscc, "/payeeUscc", TRADE_PARTY_RECEIVING, facts, failures);
  checkPartyPair(pkg, payer, payee, failures);
  const amount = checkAmount(pkg.amount, facts, failures);
  checkTradeDocuments(pkg, amount, facts, failures);
  checkDeadline(pkg.deadline, facts, failures);
  checkPiece(pkg, amount, payer, payee, facts, failures);
  return failures;
}

// ------------------------------------------------------------------------------------------- parties

interface RoleRequirement {
  /** Any one of these role flags suffices. */
  anyOf: number;
  /** Completes "…, so it cannot …". */
  action: string;
  /** Completes "…: that needs …". */
  needs: string;
}

const ISSUER: RoleRequirement = { anyOf: MemberRole.CoreEnterprise, action: "issue a voucher", needs: "the core enterprise role" };
// Vouchers pass in trade only between enterprises: a bank gets a piece by financing it, the operator never (clause 十四).
const TRADE_PARTY_PAYING: RoleRequirement = {
  anyOf: MemberRole.CoreEnterprise | MemberRole.Supplier,
  action: "pay a supplier with a piece",
  needs: "the supplier or core enterprise role",
};
const TRADE_PARTY_RECEIVING: RoleRequirement = {
  anyOf: MemberRole.CoreEnterprise | MemberRole.Supplier,
  action: "receive a voucher in trade",
  needs: "the supplier or core enterprise role",
};

const ROLE_NAMES: [number, string][] = [
  [MemberRole.CoreEnterprise, "core enterprise"],
  [MemberRole.Supplier, "supplier"],
  [MemberRole.Bank, "bank"],
  [MemberRole.Oracle, "oracle"],
  [MemberRole.Auditor, "auditor"],
  [MemberRole.Operator, "operator"],
];

function describeRoles(roles: number): string {
  const names = ROLE_NAMES.filter(([flag]) => (roles & flag) !== 0).map(([, name]) => name);
  return names.length === 0 ? "no role" : `the role${names.length === 1 ? "" : "s"} ${names.join(", ")}`;
}

/** Why `code` is not a valid USCC, or null when it is. */
function usccProblem(code: string): string | null {
  const characters = [...code];
  if (characters.length !== 18) return `it has ${characters.length} characters instead of 18`;
  const position = characters.findIndex((character) => !USCC_ALPHABET.includes(character));
  if (position >= 0) {
    return `${JSON.stringify(characters[position])} at position ${position + 1} is not allowed (digits and capital letters except I, O, S, V, Z)`;
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  return expected === code[17] ? null : `its check character is ${code[17]} but should be ${expected}`;
}

/** Pushes USCC_INVALID when `code` is malformed; true when it is valid. */
function checkUscc(code: string, path: string, subject: string, failures: CheckFailure[]): boolean {
  const problem = usccProblem(code);
  if (problem === null) return true;
  failures.push({
    code: "USCC_INVALID",
    path,
    message: `${subject} ${quoted(code)} is not a valid unified social credit code (GB 32100-2015): ${problem}.`,
  });
  return false;
}

/** Checks one party; returns its member record when it has one (even if it failed other checks). */
function checkParty(
  party: "payer" | "payee",
  code: string,
  path: string,
  requirement: RoleRequirement,
  facts: TradeFacts,
  failures: CheckFailure[],
): MemberFacts | null {
  const subject = `The ${party}`;
  if (!checkUscc(code, path, subject, failures)) return null;
  // A USCC the service did not look up counts as unknown: never attest for a party nobody checked.
  const member = facts.members.get(code) ?? null;
  if (member === null) {
    failures.push({ code: "PARTY_NOT_MEMBER", path, message: `${subject} ${code} is not a member of the consortium.` });
    return null;
  }
  if (member.status !== MemberStatus.Active) {
    const status = member.status === MemberStatus.Suspended ? "suspended" : `not active (status ${member.status})`;
    failures.push({ code: "PARTY_NOT_ACTIVE", path, message: `${subject} ${code} is ${status} in the consortium.` });
  }
  if ((member.roles & requirement.anyOf) === 0) {
    failures.push({
      code: "PARTY_LACKS_ROLE",
      path,
      message: `${subject} ${code} has ${describeRoles(member.roles)}, so it cannot ${requirement.action}: that needs ${requirement.needs}.`,
    });
  }
  return member;
}

/** Payer and payee must be two different, unrelated enterprises (R15). */
function checkPartyPair(pkg: TradePackage, payer: MemberFacts | null, payee: MemberFacts | null, failures: CheckFailure[]): void {
  if (pkg.payerUscc === pkg.payeeUscc) {
    failures.push({
      code: "PARTIES_IDENTICAL",
      path: "/payeeUscc",
      message: `The payee ${quoted(pkg.payeeUscc)} is the payer itself; a trade needs two different enterprises.`,
    });
  } else if (payer !== null && payee !== null && payer.groupId !== 0 && payer.groupId === payee.groupId) {
    failures.push({
      code: "RELATED_PARTIES",
      path: "/payeeUscc",
      message: `The payer ${pkg.payerUscc} and the payee ${pkg.payeeUscc} are related parties (group ${payer.groupId}); trade between them is refused as self-financing (R15).`,
    });
  }
}

// ------------------------------------------------------------------------------- amounts and documents

/** The package amount: valid, not zero, not below the policy's smallest piece (R5). */
function checkAmount(text: string, facts: TradeFacts, failures: CheckFailure[]): bigint | null {
  const amount = parseAmountField(text, "/amount", "The amount", failures);
  if (amount === 0n) {
    // Zero is also below the minimum, but saying so would add nothing.
    failures.push({ code: "AMOUNT_ZERO", path: "/amount", message: "The amount is zero; a voucher or transfer must carry a positive amount." });
  } else if (amount !== null && amount < facts.policy.minPieceAmount) {
    failures.push({
      code: "AMOUNT_BELOW_MINIMUM",
      path: "/amount",
      message: `The amount ${formatCny(amount)} is below the smallest piece the policy allows, ${formatCny(facts.policy.minPieceAmount)}.`,
    });
  }
  return amount;
}

/**
 * Contract, invoices, delivery and payment terms, and the amount against them: a real, delivered trade
 * that is not a prepayment (R1), invoiced by the payee to the payer, on invoices not used before (R2),
 * for at least the amount (R3).
 */
function checkTradeDocuments(pkg: TradePackage, amount: bigint | null, facts: TradeFacts, failures: CheckFailure[]): void {
  const contractSubject = `The contract ${quoted(pkg.contract.id)}`;
  const contractDay = checkDocumentDate(pkg.contract.date, "/contract/date", contractSubject, facts, failures);
  const contractAmount = parseAmountField(pkg.contract.amount, "/contract/amount", `${contractSubject} amount`, failures);

  const invoicesTotal = checkInvoices(pkg, contractDay, facts, failures);
  if (amount !== null && invoicesTotal !== null && amount > invoicesTotal) {
    failures.push({
      code: "AMOUNT_EXCEEDS_INVOICES",
      path: "/amount",
      message: `The amount ${formatCny(amount)} exceeds the invoices' total of ${formatCny(invoicesTotal)} including tax (R3).`,
    });
  }
  if (amount !== null && contractAmount !== null && amount > contractAmount) {
    failures.push({
      code: "AMOUNT_EXCEEDS_CONTRACT",
      path: "/amount",
      message: `The amount ${formatCny(amount)} exceeds the contract amount of ${formatCny(contractAmount)}.`,
    });
  }

  checkDelivery(pkg, contractDay, facts, failures);
  if (pkg.paymentTerms.type === "prepayment") {
    failures.push({
      code: "PREPAYMENT_TRADE",
      path: "/paymentTerms/type",
      message: "The contract is paid in advance (prepayment); a voucher may only pay for goods or services already delivered (R1).",
    });
  }
}

/**
 * Checks every invoice and returns the sum of the totals of the distinct invoices, or null when a total
 * does not parse (the sum is then unknown, and the AMOUNT_INVALID already fails the package).
 */
function checkInvoices(pkg: TradePackage, contractDay: CalendarDay | null, facts: TradeFacts, failures: CheckFailure[]): bigint | null {
  const firstIndexOfKey = new Map<string, number>();
  let total: bigint | null = 0n;
  for (const [index, invoice] of pkg.invoices.entries()) {
    const path = `/invoices/${index}`;
    const label = invoiceLabel(invoice);
    failures.push(...checkInvoiceFormat(invoice, path));

    // The payee sold the goods to the payer and is paid with the voucher.
    checkUscc(invoice.sellerUscc, `${path}/sellerUscc`, `${label} seller`, failures);
    checkUscc(invoice.buyerUscc, `${path}/buyerUscc`, `${label} buyer`, failures);
    if (invoice.sellerUscc !== pkg.payeeUscc) {
      failures.push({
        code: "INVOICE_SELLER_MISMATCH",
        path: `${path}/sellerUscc`,
        message: `${label} was issued by seller ${quoted(invoice.sellerUscc)}, not by the payee ${quoted(pkg.payeeUscc)}.`,
      });
    }
    if (invoice.buyerUscc !== pkg.payerUscc) {
      failures.push({
        code: "INVOICE_BUYER_MISMATCH",
        path: `${path}/buyerUscc`,
        message: `${label} was issued to buyer ${quoted(invoice.buyerUscc)}, not to the payer ${quoted(pkg.payerUscc)}.`,
      });
    }

    const issued = checkDocumentDate(invoice.issueDate, `${path}/issueDate`, label, facts, failures);
    if (issued !== null && contractDay !== null && compareDays(issued, contractDay) < 0) {
      failures.push({
        code: "INVOICE_BEFORE_CONTRACT",
        path: `${path}/issueDate`,
        message: `${label} is dated ${invoice.issueDate}, before the contract of ${pkg.contract.date} it is meant to invoice.`,
      });
    }

    const key = invoiceKeyOf(invoice);
    const firstIndex = key === null ? undefined : firstIndexOfKey.get(key);
    if (firstIndex !== undefined) {
      // Counted, looked up and reported once, at its first appearance.
      failures.push({
        code: "INVOICE_DUPLICATED_IN_PACKAGE",
        path: `${path}/number`,
        message: `${label} appears more than once in the package (first at /invoices/${firstIndex}).`,
      });
      continue;
    }
    if (key !== null) {
      firstIndexOfKey.set(key, index);
      checkInvoiceStanding(key, label, path, facts, failures);
    }
    const invoiceTotal = fenOrNull(invoice.total);
    total = total === null || invoiceTotal === null ? null : total + invoiceTotal;
  }
  return total;
}

/** Whether the invoice is still free to back a trade (R2) and what the tax authority says about it. */
function checkInvoiceStanding(key: string, label: string, path: string, facts: TradeFacts, failures: CheckFailure[]): void {
  const use = facts.invoiceUse.get(key);
  if (use === "used-on-chain") {
    failures.push({
      code: "INVOICE_ALREADY_USED",
      path: `${path}/number`,
      message: `${label} already backs a voucher or transfer on the ledger; an invoice backs one trade only (R2).`,
    });
  } else if (use === "reserved") {
    failures.push({
      code: "INVOICE_RESERVED",
      path: `${path}/number`,
      message: `${label} is reserved by another pending attestation; an invoice backs one trade only (R2).`,
    });
  } else if (use !== "unused") {
    // Not looked up: whether it is free is unknown, so it cannot be attested.
    failures.push({ code: "INVOICE_NOT_VERIFIED", path, message: `${label} could not be checked against the ledger's used invoices.` });
  }
  const problem = verdictProblem(label, facts.invoiceVerdicts.get(key), "the tax authority's invoice service");
  if (problem !== null) failures.push({ code: "INVOICE_NOT_VERIFIED", path, message: problem });
}

/** A sentence saying why a document is not verified, or null when it is. A missing verdict is not a verification. */
function verdictProblem(subject: string, verdict: VerifierVerdict | undefined, source: string): string | null {
  switch (verdict?.status) {
    case "verified":
      return null;
    case "not-found":
      return `${subject} was not found by ${source}.`;
    case "voided":
      return `${subject} has been voided according to ${source}.`;
    case "mismatch": {
      const fields = verdict.fields.length === 0 ? "unspecified fields" : verdict.fields.map(quoted).join(", ");
      return `${subject} differs from the record of ${source} in: ${fields}.`;
    }
    default:
      return `${subject} has no verification result from ${source}.`;
  }
}

/** Goods or services must have been delivered, after the contract, as an external verifier confirms (R1). */
function checkDelivery(pkg: TradePackage, contractDay: CalendarDay | null, facts: TradeFacts, failures: CheckFailure[]): void {
  if (pkg.delivery.length === 0) {
    failures.push({
      code: "DELIVERY_MISSING",
      path: "/delivery",
      message: "The package has no delivery evidence; a voucher may only pay for goods or services already delivered (R1).",
    });
  }
  for (const [index, evidence] of pkg.delivery.entries()) {
    const path = `/delivery/${index}`;
    const subject = `The ${evidence.kind.replaceAll("-", " ")} at ${path}`;
    const delivered = checkDocumentDate(evidence.date, `${path}/date`, subject, facts, failures);
    if (delivered !== null && contractDay !== null && compareDays(delivered, contractDay) < 0) {
      failures.push({
        code: "DELIVERY_BEFORE_CONTRACT",
        path: `${path}/date`,
        message: `${subject} is dated ${evidence.date}, before the contract of ${pkg.contract.date}.`,
      });
    }
    const problem = verdictProblem(subject, facts.deliveryVerdicts[index], "the delivery verifier");
    if (problem !== null) failures.push({ code: "DELIVERY_NOT_VERIFIED", path, message: problem });
  }
}

// ------------------------------------------------------------------------------------------------ time

/** The attestation must still be valid, and not for longer than the consortium allows. */
function checkDeadline(deadline: number, facts: TradeFacts, failures: CheckFailure[]): void {
  const at = (time: number) => formatInstant(time, facts.utcOffsetSeconds);
  if (deadline <= facts.now) {
    failures.push({ code: "DEADLINE_PASSED", path: "/deadline", message: `The attestation deadline ${at(deadline)} is not after now (${at(facts.now)}).` });
  } else if (deadline > facts.now + facts.maxAttestationLifetime) {
    failures.push({
      code: "DEADLINE_TOO_FAR",
      path: "/deadline",
      message: `The attestation deadline ${at(deadline)} is more than ${formatDuration(facts.maxAttestationLifetime)} from now (${at(facts.now)}), the longest an attestation may live.`,
    });
  }
}

/** An issued voucher falls due in the future, within the policy's longest term (R4: one year, hard). */
function checkMaturity(maturity: number, facts: TradeFacts, failures: CheckFailure[]): void {
  const at = (time: number) => formatInstant(time, facts.utcOffsetSeconds);
  if (maturity <= facts.now) {
    failures.push({ code: "MATURITY_NOT_IN_FUTURE", path: "/maturity", message: `The maturity ${at(maturity)} is not after now (${at(facts.now)}).` });
  } else if (maturity - facts.now > facts.policy.maxTerm) {
    failures.push({
      code: "TERM_TOO_LONG",
      path: "/maturity",
      message: `The maturity ${at(maturity)} is ${formatDuration(maturity - facts.now)} away, longer than the longest term of ${formatDuration(facts.policy.maxTerm)} (R4).`,
    });
  }
}

// ----------------------------------------------------------------------------------- transfer piece

const PIECE_STATUS_NAMES: Record<number, string> = {
  [PieceStatus.None]: "not issued",
  [PieceStatus.Pledged]: "pledged",
  [PieceStatus.Enforced]: "enforced (its pledge was enforced)",
  [PieceStatus.Settled]: "settled",
};

const sameAccount = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The piece must exist, be the payer's, be free to move and cover the amount; the payee must not be its issuer or related to it. */
function checkPiece(
  pkg: TransferPackage,
  amount: bigint | null,
  payer: MemberFacts | null,
  payee: MemberFacts | null,
  facts: TradeFacts,
  failures: CheckFailure[],
): void {
  const piece = facts.piece ?? null;
  const name = `Piece ${quoted(pkg.pieceId)}`;
  const lowerName = `piece ${quoted(pkg.pieceId)}`;
  if (piece === null) {
    failures.push({ code: "PIECE_NOT_FOUND", path: "/pieceId", message: `${name} does not exist on the ledger.` });
    return;
  }
  if (payer !== null && !sameAccount(piece.holder, payer.account)) {
    failures.push({
      code: "PIECE_NOT_HELD_BY_PAYER",
      path: "/pieceId",
      message: `${name} is held by ${piece.holder}, not by the payer ${pkg.payerUscc} (${payer.account}).`,
    });
  }
  if (piece.status !== PieceStatus.Active) {
    const status = PIECE_STATUS_NAMES[piece.status] ?? `in status ${piece.status}`;
    failures.push({ code: "PIECE_NOT_ACTIVE", path: "/pieceId", message: `${name} is ${status}; only an active piece can be transferred.` });
  }
  if (piece.maturity <= facts.now) {
    failures.push({
      code: "VOUCHER_MATURED",
      path: "/pieceId",
      message: `${name} belongs to a voucher that matured at ${formatInstant(piece.maturity, facts.utcOffsetSeconds)}; it can no longer be transferred.`,
    });
  }
  if (piece.overdue) {
    failures.push({ code: "VOUCHER_OVERDUE", path: "/pieceId", message: `${name} belongs to a voucher marked overdue: its issuer did not pay it (R11).` });
  }
  checkAmountAgainstPiece(amount, piece, lowerName, facts, failures);
  checkPayeeAgainstIssuer(pkg, payee, piece, facts, failures);
}

/** `name` is "piece 65536", as it reads inside a sentence. */
function checkAmountAgainstPiece(amount: bigint | null, piece: PieceFacts, name: string, facts: TradeFacts, failures: CheckFailure[]): void {
  if (amount === null) return;
  if (amount > piece.amount) {
    failures.push({
      code: "AMOUNT_EXCEEDS_PIECE",
      path: "/amount",
      message: `The amount ${formatCny(amount)} exceeds the ${formatCny(piece.amount)} of ${name}.`,
    });
  } else if (amount < piece.amount && piece.amount - amount < facts.policy.minPieceAmount) {
    // A part transfer splits the piece; the ledger refuses a remainder below the minimum (R5).
    failures.push({
      code: "AMOUNT_BELOW_MINIMUM",
      path: "/amount",
      message: `Transferring ${formatCny(amount)} of ${name} (${formatCny(piece.amount)}) would leave ${formatCny(piece.amount - amount)}, below the smallest piece the policy allows, ${formatCny(facts.policy.minPieceAmount)}.`,
    });
  }
}

/** A piece never goes back to its issuer, nor to a member related to it (R15). */
function checkPayeeAgainstIssuer(pkg: TransferPackage, payee: MemberFacts | null, piece: PieceFacts, facts: TradeFacts, failures: CheckFailure[]): void {
  if (payee === null) return;
  if (sameAccount(payee.account, piece.issuer)) {
    failures.push({
      code: "PAYEE_IS_ISSUER",
      path: "/payeeUscc",
      message: `The payee ${pkg.payeeUscc} issued this voucher; a piece cannot be paid back to its own issuer.`,
    });
    return;
  }
  const issuer = [...facts.members.values()].find((member) => member !== null && sameAccount(member.account, piece.issuer)) ?? null;
  if (issuer === null) {
    // The issuer is not a party of the package; without its record a relation cannot be ruled out.
    failures.push({
      code: "RELATED_PARTIES",
      path: "/payeeUscc",
      message: `The issuer ${piece.issuer} of this voucher has no member record in the facts, so a relation between it and the payee ${pkg.payeeUscc} cannot be ruled out (R15).`,
    });
  } else if (issuer.groupId !== 0 && issuer.groupId === payee.groupId) {
    failures.push({
      code: "RELATED_PARTIES",
      path: "/payeeUscc",
      message: `The payee ${pkg.payeeUscc} is related to the voucher's issuer ${piece.issuer} (group ${issuer.groupId}); the piece would return to the issuer's group (R15).`,
    });
  }
}
