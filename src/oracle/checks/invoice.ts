/**
 * VAT invoices on their own: the uniqueness key that stops one invoice backing two vouchers (R2), and the
 * checks of an invoice's own fields (number, code, type, year, net + tax = total). Checks that need the
 * rest of the package or the facts (parties, use, verification, dates) are in `tradeChecks.ts`.
 */
import { formatCny } from "../../sdk/money.js";
import type { VatInvoice } from "../package/types.js";
import { parseAmountField } from "./amounts.js";
import { parseDay } from "./dates.js";
import type { CheckFailure } from "./failures.js";

/** 数电票: fully digitalised e-invoices, 20-digit number and no code. */
export const DIGITAL_INVOICE_TYPES: readonly string[] = ["81", "82", "85", "86"];
/** Legacy VAT invoices: 10- or 12-digit code plus 8-digit number. */
export const LEGACY_INVOICE_TYPES: readonly string[] = ["01", "04", "08", "10", "11", "14"];

export type InvoiceKind = "digital" | "legacy";

// ASCII digits only: full-width or other Unicode digits are not invoice numbers.
const DIGITAL_NUMBER = /^[0-9]{20}$/;
const LEGACY_NUMBER = /^[0-9]{8}$/;
const LEGACY_CODE = /^(?:[0-9]{10}|[0-9]{12})$/;

/** The kind of invoice a number's shape belongs to, or null for neither. */
export function numberKindOf(number: string): InvoiceKind | null {
  if (DIGITAL_NUMBER.test(number)) return "digital";
  if (LEGACY_NUMBER.test(number)) return "legacy";
  return null;
}

/** The kind of invoice a type code belongs to, or null for an unknown type. */
export function typeKindOf(type: string): InvoiceKind | null {
  if (DIGITAL_INVOICE_TYPES.includes(type)) return "digital";
  if (LEGACY_INVOICE_TYPES.includes(type)) return "legacy";
  return null;
}

// Exports of digital invoices often carry an empty code column: "" counts as no code.
function hasCode(invoice: VatInvoice): boolean {
  return invoice.code !== undefined && invoice.code !== "";
}

/**
 * The consortium-wide uniqueness key: "digital:<number>" for a 数电票, "legacy:<code>:<number>" for a legacy
 * invoice; null when number and code do not form either. It depends on number and code only, never on the
 * declared type, so a wrong type cannot give the same invoice a second key.
 */
export function invoiceKeyOf(invoice: VatInvoice): string | null {
  const kind = numberKindOf(invoice.number);
  if (kind === "digital") return hasCode(invoice) ? null : `digital:${invoice.number}`;
  if (kind === "legacy" && invoice.code !== undefined && LEGACY_CODE.test(invoice.code)) return `legacy:${invoice.code}:${invoice.number}`;
  return null;
}

/** Untrusted text as it should appear in a message: bare when plainly alphanumeric, quoted and escaped otherwise. */
export function quoted(text: string): string {
  return /^[0-9A-Za-z]+$/.test(text) ? text : JSON.stringify(text);
}

/** "Invoice 26442000000012345678", or "Invoice 12345678 (code 4400231130)" for a legacy invoice: how messages name it. */
export function invoiceLabel(invoice: VatInvoice): string {
  const isLegacy = numberKindOf(invoice.number) === "legacy" && invoice.code !== undefined && LEGACY_CODE.test(invoice.code);
  const code = isLegacy ? ` (code ${invoice.code})` : "";
  return `Invoice ${quoted(invoice.number)}${code}`;
}

/**
 * The checks of one invoice's own fields; `path` is the invoice's JSON pointer ("/invoices/0").
 * INVOICE_NUMBER_INVALID, INVOICE_CODE_INVALID, INVOICE_TYPE_INVALID, INVOICE_NUMBER_YEAR_MISMATCH,
 * AMOUNT_INVALID (net, tax, total) and INVOICE_TOTAL_MISMATCH. An unparsable issue date is left to the
 * date checks (DATE_INVALID); the year check is then skipped.
 */
export function checkInvoiceFormat(invoice: VatInvoice, path: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const label = invoiceLabel(invoice);
  const numberKind = numberKindOf(invoice.number);
  const typeKind = typeKindOf(invoice.type);

  if (numberKind === null) {
    failures.push({
      code: "INVOICE_NUMBER_INVALID",
      path: `${path}/number`,
      message: `Invoice number ${quoted(invoice.number)} is neither 20 digits (digital invoice) nor 8 digits (legacy invoice).`,
    });
  }

  if (typeKind === null) {
    failures.push({
      code: "INVOICE_TYPE_INVALID",
      path: `${path}/type`,
      message: `${label} has type ${quoted(invoice.type)}, which is not a known VAT invoice type (digital: ${DIGITAL_INVOICE_TYPES.join(", ")}; legacy: ${LEGACY_INVOICE_TYPES.join(", ")}).`,
    });
  } else if (numberKind !== null && numberKind !== typeKind) {
    failures.push({
      code: "INVOICE_TYPE_INVALID",
      path: `${path}/type`,
      message: `${label} has type ${invoice.type}, a ${typeKind} invoice type, but a ${numberKind} invoice number (${numberKind === "digital" ? "20" : "8"} digits).`,
    });
  }

  // The number decides what the code must be; with a malformed number, the declared type does.
  const kind = numberKind ?? typeKind;
  if (kind === "digital" && hasCode(invoice)) {
    failures.push({
      code: "INVOICE_CODE_INVALID",
      path: `${path}/code`,
      message: `${label} is a digital invoice (数电票), which has no invoice code, but code ${quoted(invoice.code ?? "")} was given.`,
    });
  } else if (kind === "legacy" && !hasCode(invoice)) {
    failures.push({ code: "INVOICE_CODE_INVALID", path: `${path}/code`, message: `${label} is a legacy invoice and needs its 10- or 12-digit invoice code.` });
  } else if (kind !== "digital" && hasCode(invoice) && !LEGACY_CODE.test(invoice.code ?? "")) {
    failures.push({
      code: "INVOICE_CODE_INVALID",
      path: `${path}/code`,
      message: `${label} has invoice code ${quoted(invoice.code ?? "")}, which is not 10 or 12 digits.`,
    });
  }

  // A 数电票 number opens with the last two digits of its year of issue; 数电票 exist only since 2021, so 20YY.
  const issued = parseDay(invoice.issueDate);
  if (numberKind === "digital" && issued !== null && 2000 + Number(invoice.number.slice(0, 2)) !== issued.year) {
    failures.push({
      code: "INVOICE_NUMBER_YEAR_MISMATCH",
      path: `${path}/number`,
      message: `${label} begins with year ${invoice.number.slice(0, 2)} but is dated ${invoice.issueDate}.`,
    });
  }

  const net = parseAmountField(invoice.net, `${path}/net`, `${label} net amount (金额)`, failures);
  const tax = parseAmountField(invoice.tax, `${path}/tax`, `${label} tax (税额)`, failures);
  const total = parseAmountField(invoice.total, `${path}/total`, `${label} total (价税合计)`, failures);
  if (net !== null && tax !== null && total !== null && net + tax !== total) {
    failures.push({
      code: "INVOICE_TOTAL_MISMATCH",
      path: `${path}/total`,
      message: `${label} states a total of ${formatCny(total)}, but net ${formatCny(net)} plus tax ${formatCny(tax)} is ${formatCny(net + tax)}.`,
    });
  }
  return failures;
}
