/**
 * JSON Schemas of the oracle's request bodies: the shape only (types, lengths, required fields, no extra
 * fields). Meaning — check digits, dates, sums, formats — is checked by `checks/`, which reports every
 * failure with its own code. The OpenAPI description is generated from these schemas.
 */
import { DELIVERY_KINDS, PAYMENT_TERM_TYPES } from "./types.js";

/** Most invoices one package may carry: the ledger takes at most 16 document keys. */
export const MAX_INVOICES = 16;
export const MAX_DELIVERY_EVIDENCE = 16;

const text = (maxLength: number, description: string) => ({ type: "string", minLength: 1, maxLength, description }) as const;

const cny = (description: string) =>
  ({ type: "string", minLength: 1, maxLength: 24, description: `${description}, CNY with at most two decimals, e.g. "1130000.00"` }) as const;

const day = (description: string) => ({ type: "string", minLength: 1, maxLength: 10, description: `${description}, YYYY-MM-DD` }) as const;

const sha256 = (description: string) =>
  ({ type: "string", pattern: "^0x[0-9a-fA-F]{64}$", description: `${description}: SHA-256 of the file, 0x-prefixed hex` }) as const;

const unixSeconds = (description: string) =>
  ({ type: "integer", minimum: 0, maximum: 1_099_511_627_775, description: `${description}, unix seconds` }) as const;

const uscc = (description: string) => ({ type: "string", minLength: 1, maxLength: 18, description: `${description} (USCC, 18 characters)` }) as const;

export const contractSchema = {
  type: "object",
  additionalProperties: false,
  required: ["id", "date", "amount", "documentHash"],
  properties: {
    id: text(64, "Contract number"),
    date: day("Date the contract was signed"),
    amount: cny("Contract amount including tax"),
    documentHash: sha256("Signed contract"),
  },
} as const;

export const invoiceSchema = {
  type: "object",
  additionalProperties: false,
  required: ["number", "type", "issueDate", "net", "tax", "total", "sellerUscc", "buyerUscc"],
  properties: {
    code: { type: "string", maxLength: 12, description: "Invoice code (legacy invoices only: 10 or 12 digits)" },
    number: { type: "string", minLength: 1, maxLength: 20, description: "Invoice number (20 digits for a digital invoice, 8 for a legacy one)" },
    type: { type: "string", minLength: 1, maxLength: 2, description: "Invoice type: 81, 82, 85, 86 (digital); 01, 04, 08, 10, 11, 14 (legacy)" },
    issueDate: day("Date the invoice was issued"),
    net: cny("Amount before tax (金额)"),
    tax: cny("Tax (税额)"),
    total: cny("Total including tax (价税合计)"),
    sellerUscc: uscc("Seller"),
    buyerUscc: uscc("Buyer"),
  },
} as const;

export const deliverySchema = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "date", "documentHash"],
  properties: {
    kind: { type: "string", enum: [...DELIVERY_KINDS], description: "Kind of delivery evidence" },
    date: day("Date of delivery"),
    documentHash: sha256("Delivery document"),
  },
} as const;

export const paymentTermsSchema = {
  type: "object",
  additionalProperties: false,
  required: ["type", "days"],
  properties: {
    type: { type: "string", enum: [...PAYMENT_TERM_TYPES], description: "When the buyer pays under the contract" },
    days: { type: "integer", minimum: 0, maximum: 3660, description: "Days after delivery (0 unless deferred)" },
  },
} as const;

const documents = {
  contract: contractSchema,
  invoices: { type: "array", minItems: 1, maxItems: MAX_INVOICES, items: invoiceSchema },
  delivery: { type: "array", minItems: 0, maxItems: MAX_DELIVERY_EVIDENCE, items: deliverySchema },
  paymentTerms: paymentTermsSchema,
} as const;

export const issuePackageSchema = {
  $id: "IssuePackage",
  type: "object",
  additionalProperties: false,
  required: ["payerUscc", "payeeUscc", "amount", "maturity", "deadline", "contract", "invoices", "delivery", "paymentTerms"],
  properties: {
    payerUscc: uscc("Core enterprise that issues and will pay"),
    payeeUscc: uscc("Supplier that receives the voucher"),
    amount: cny("Face amount of the voucher"),
    maturity: unixSeconds("When the voucher falls due"),
    deadline: unixSeconds("When the attestation expires"),
    ...documents,
  },
} as const;

export const transferPackageSchema = {
  $id: "TransferPackage",
  type: "object",
  additionalProperties: false,
  required: ["pieceId", "payerUscc", "payeeUscc", "amount", "deadline", "contract", "invoices", "delivery", "paymentTerms"],
  properties: {
    pieceId: { type: "string", pattern: "^[0-9]{1,78}$", description: "Piece to pay with, decimal" },
    payerUscc: uscc("Holder of the piece, who pays its supplier with it"),
    payeeUscc: uscc("Supplier that receives the piece"),
    amount: cny("Amount of the piece to transfer"),
    deadline: unixSeconds("When the attestation expires"),
    ...documents,
  },
} as const;
