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
  return buildPain001({
    messageId,
    createdAt: new Date("2025-03-15T00:00:00Z"),
    requestedExecutionDate: "2025-03-17",
    debtor: { name: debtor.name, uscc: testUscc(1), account: debtor },
    transactions: payouts.map((p, i) => ({ payout: p, creditor: creditors[i] })),
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
