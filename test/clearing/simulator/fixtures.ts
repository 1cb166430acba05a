/** Instructions as the clearing engine builds them, and the schema check, for the bank simulator's tests. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { buildPain001 } from "../../../src/clearing/iso20022/pain001.js";
import { validateAgainstSchema, type SchemaName } from "../../../src/clearing/iso20022/validate.js";
import type { BankAccount, Payout, PayoutRole } from "../../../src/clearing/types.js";
import { testUscc } from "../../helpers/uscc.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SCHEMA_DIR = path.resolve(REPO_ROOT, "../shared/iso20022");

export const ISSUER: BankAccount = {
  name: "上海华东重工集团有限公司",
  accountNumber: "31050161393600001234",
  cnaps: "105290036005",
  bankName: "中国建设银行股份有限公司上海浦东分行",
};

/** A second core enterprise clearing through the same bank. */
export const ISSUER_B: BankAccount = {
  name: "上海浦江精工机械股份有限公司",
  accountNumber: "31050161393600005678",
  cnaps: "105290036013",
  bankName: "中国建设银行股份有限公司上海闵行支行",
};

/** The clearing bank: it sends the instructions on the core enterprises' standing authority. */
export const CLEARING_BANK = { name: "中国建设银行股份有限公司上海市分行", uscc: testUscc(90) };

const USCC_OF = new Map([[ISSUER.accountNumber, testUscc(1)], [ISSUER_B.accountNumber, testUscc(2)]]);

/** Supplier n: held at another bank unless the test opens its account at the simulator. */
export function supplier(n: number): BankAccount {
  return { name: `苏州精密零件 & 配件有限公司${n}`, accountNumber: `6222${String(n).padStart(15, "0")}`, cnaps: "103305054016", bankName: "中国农业银行苏州工业园区支行" };
}

const ROLE_SUFFIX: Record<PayoutRole, string> = { holder: "H", factor: "F", pledgee: "P", pledgor: "R", "enforced-pledgee": "E" };

export function payout(voucherId: bigint, piece: number, amount: bigint, role: PayoutRole = "holder"): Payout {
  return {
    voucherId,
    pieceId: (voucherId << 16n) | BigInt(piece),
    role,
    payee: `0x${piece.toString(16).padStart(40, "0")}`,
    amount,
    endToEndId: `EV-${voucherId}-${piece}-${ROLE_SUFFIX[role]}`,
  };
}

/** A pain.001 paying each payout to the supplier of the same index (or the given accounts). */
export function instruction(messageId: string, payouts: Payout[], creditors: BankAccount[] = payouts.map((_, i) => supplier(i + 1)), debtor: BankAccount = ISSUER): string {
  return multiDebtorInstruction(messageId, [{ debtor, payouts, creditors }]);
}

export interface PaymentBlock {
  debtor: BankAccount;
  payouts: Payout[];
  /** Default: the supplier of the same index. */
  creditors?: BankAccount[];
  /** Default 2025-03-17. */
  requestedExecutionDate?: string;
}

/** A pain.001 with one payment block per entry, PmtInfIds `<MsgId>-1`, `<MsgId>-2`… as the engine numbers them. */
export function multiDebtorInstruction(messageId: string, blocks: PaymentBlock[]): string {
  return buildPain001({
    messageId,
    createdAt: new Date("2025-03-15T00:00:00Z"),
    initiatingParty: CLEARING_BANK,
    payments: blocks.map((block, b) => ({
      paymentInformationId: `${messageId}-${b + 1}`,
      requestedExecutionDate: block.requestedExecutionDate ?? "2025-03-17",
      debtor: { name: block.debtor.name, uscc: USCC_OF.get(block.debtor.accountNumber) ?? testUscc(3), account: block.debtor },
      transactions: block.payouts.map((p, i) => ({ payout: p, creditor: (block.creditors ?? block.payouts.map((_, n) => supplier(n + 1)))[i] })),
    })),
  });
}

export async function expectValid(xml: string | null, schema: SchemaName): Promise<void> {
  expect(xml, `${schema} message`).to.be.a("string");
  const result = await validateAgainstSchema(xml!, schema, SCHEMA_DIR);
  expect(result.errors).to.deep.equal([]);
  expect(result.valid).to.equal(true);
}

export function temporaryDirectory(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "evoucher-banksim-"));
}

/** A clock the test moves by hand. */
export function clock(iso: string): { now: () => Date; set: (iso: string) => void } {
  let current = new Date(iso);
  return { now: () => new Date(current), set: (next) => (current = new Date(next)) };
}
