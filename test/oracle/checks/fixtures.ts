/**
 * One valid issue package and one valid transfer package, with facts built the way the service builds
 * them: look up what `lookupsFor` names, in a small consortium directory. Each call returns fresh
 * objects, so a test can break exactly one thing.
 */
import { expect } from "chai";
import { DEFAULT_POLICY, MemberRole, MemberStatus, PieceStatus } from "../../../src/sdk/constants.js";
import type { IssuePackage, TradePackage, TransferPackage } from "../../../src/oracle/package/types.js";
import type { InvoiceUse, MemberFacts, PieceFacts, TradeFacts, VerifierVerdict } from "../../../src/oracle/checks/facts.js";
import type { CheckFailure } from "../../../src/oracle/checks/failures.js";
import { lookupsFor } from "../../../src/oracle/checks/tradeChecks.js";
import { testUscc } from "../../helpers/uscc.js";

export const DAY = 86_400;
export const CST = 8 * 3600;
/** 2026-11-22 10:00:00 China Standard Time. */
export const NOW = Date.UTC(2026, 10, 22, 2, 0, 0) / 1000;
export const ATTESTATION_LIFETIME = DAY;

export const CORE = "91350200776049653A";
export const SUPPLIER = "91512081MA62K0260E";
export const SUB_SUPPLIER = testUscc(1);
export const BANK = testUscc(2);
/** Valid, but not a member. */
export const OUTSIDER = testUscc(3);
/** Check character wrong (and Z is outside the alphabet). */
export const INVALID_USCC = "91350100M000100Y4Z";

export const CORE_ACCOUNT = "0x1000000000000000000000000000000000000001";
// Mixed case on purpose: the ledger returns checksummed addresses, the registry may not.
export const SUPPLIER_ACCOUNT = "0xAbCd000000000000000000000000000000000002";
export const SUB_SUPPLIER_ACCOUNT = "0x3000000000000000000000000000000000000003";
export const BANK_ACCOUNT = "0x4000000000000000000000000000000000000004";

export const DIGITAL_NUMBER = "26442000000012345678";
export const LEGACY_CODE_10 = "4400231130";
export const LEGACY_CODE_12 = "044002300111";

const SHA = (digit: string) => "0x" + digit.repeat(64);

function directory(): Map<string, MemberFacts> {
  const member = (account: string, roles: number, groupId: number): MemberFacts => ({
    account,
    roles,
    status: MemberStatus.Active,
    groupId,
    defaulted: false,
  });
  return new Map([
    [CORE, member(CORE_ACCOUNT, MemberRole.CoreEnterprise, 3)],
    [SUPPLIER, member(SUPPLIER_ACCOUNT, MemberRole.Supplier, 7)],
    [SUB_SUPPLIER, member(SUB_SUPPLIER_ACCOUNT, MemberRole.Supplier, 0)],
    [BANK, member(BANK_ACCOUNT, MemberRole.Bank, 0)],
  ]);
}

/** TradeFacts with mutable collections, so tests can change one fact. */
export interface TestFacts extends TradeFacts {
  members: Map<string, MemberFacts | null>;
  invoiceUse: Map<string, InvoiceUse>;
  invoiceVerdicts: Map<string, VerifierVerdict>;
  deliveryVerdicts: VerifierVerdict[];
  piece?: PieceFacts | null;
}

/**
 * Facts for `pkg` as a correct service gathers them: every looked-up USCC from the directory (null when
 * not a member), every invoice key unused and verified, every delivery evidence verified. For a transfer,
 * the issuer's record is added too.
 */
export function factsFor(pkg: TradePackage, piece?: PieceFacts | null): TestFacts {
  const known = directory();
  const { usccs, invoiceKeys } = lookupsFor(pkg);
  const members = new Map<string, MemberFacts | null>(usccs.map((code) => [code, known.get(code) ?? null]));
  if (piece) {
    for (const [code, member] of known) if (member.account.toLowerCase() === piece.issuer.toLowerCase() && !members.has(code)) members.set(code, member);
  }
  return {
    now: NOW,
    utcOffsetSeconds: CST,
    policy: { minPieceAmount: DEFAULT_POLICY.minPieceAmount, maxTerm: DEFAULT_POLICY.maxTerm },
    maxAttestationLifetime: ATTESTATION_LIFETIME,
    members,
    invoiceUse: new Map(invoiceKeys.map((key) => [key, "unused" as const])),
    invoiceVerdicts: new Map(invoiceKeys.map((key) => [key, { status: "verified" as const }])),
    deliveryVerdicts: pkg.delivery.map(() => ({ status: "verified" as const })),
    ...(piece === undefined ? {} : { piece }),
  };
}

/** Core enterprise CORE issues 1,000,000.00 CNY to SUPPLIER against 1,130,000.00 CNY of invoices, due in 180 days. */
export function issuePackage(): IssuePackage {
  return {
    payerUscc: CORE,
    payeeUscc: SUPPLIER,
    amount: "1000000.00",
    maturity: NOW + 180 * DAY,
    deadline: NOW + 3600,
    contract: { id: "HT-2026-0901", date: "2026-09-01", amount: "1130000.00", documentHash: SHA("a") },
    invoices: [
      {
        number: DIGITAL_NUMBER,
        type: "81",
        issueDate: "2026-10-05",
        net: "500000.00",
        tax: "65000.00",
        total: "565000.00",
        sellerUscc: SUPPLIER,
        buyerUscc: CORE,
      },
      {
        code: LEGACY_CODE_10,
        number: "12345678",
        type: "01",
        issueDate: "2026-10-06",
        net: "500000.00",
        tax: "65000.00",
        total: "565000.00",
        sellerUscc: SUPPLIER,
        buyerUscc: CORE,
      },
    ],
    delivery: [
      { kind: "waybill", date: "2026-10-10", documentHash: SHA("b") },
      { kind: "goods-receipt", date: "2026-10-12", documentHash: SHA("c") },
    ],
    paymentTerms: { type: "deferred", days: 90 },
  };
}

/** SUPPLIER pays SUB_SUPPLIER 200,000.00 CNY out of its 1,000,000.00 CNY piece 65536 of CORE's voucher. */
export function transferPackage(): TransferPackage {
  return {
    pieceId: "65536",
    payerUscc: SUPPLIER,
    payeeUscc: SUB_SUPPLIER,
    amount: "200000.00",
    deadline: NOW + 3600,
    contract: { id: "PO 2026/77", date: "2026-10-01", amount: "226000.00", documentHash: SHA("d") },
    invoices: [
      {
        number: "26442000000087654321",
        type: "82",
        issueDate: "2026-10-20",
        net: "100000.00",
        tax: "13000.00",
        total: "113000.00",
        sellerUscc: SUB_SUPPLIER,
        buyerUscc: SUPPLIER,
      },
      {
        code: LEGACY_CODE_12,
        number: "87654321",
        type: "04",
        issueDate: "2026-10-21",
        net: "100000.00",
        tax: "13000.00",
        total: "113000.00",
        sellerUscc: SUB_SUPPLIER,
        buyerUscc: SUPPLIER,
      },
    ],
    delivery: [{ kind: "acceptance-certificate", date: "2026-10-25", documentHash: SHA("e") }],
    paymentTerms: { type: "on-delivery", days: 0 },
  };
}

export function transferPiece(): PieceFacts {
  return {
    holder: SUPPLIER_ACCOUNT.toLowerCase(),
    amount: 100_000_000n,
    status: PieceStatus.Active,
    issuer: CORE_ACCOUNT,
    maturity: NOW + 100 * DAY,
    overdue: false,
  };
}

/** "CODE /path" for each failure, to compare the whole list of what failed and where. */
export function codesAt(failures: readonly CheckFailure[]): string[] {
  return failures.map((failure) => `${failure.code} ${failure.path}`);
}

/** Exactly these failures (in any order), each with a message. */
export function expectFailures(failures: readonly CheckFailure[], expected: string[]): void {
  expect(codesAt(failures)).to.have.members(expected);
  for (const failure of failures) expect(failure.message).to.be.a("string").and.match(/^\S.*[.)]$/);
}
