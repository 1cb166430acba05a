/**
 * A trade-background package: what a payer sends the oracle to have a trade attested.
 * Amounts are CNY decimal strings with at most two decimals ("1130000.00"); dates are calendar days
 * ("2026-10-05", China Standard Time); times that go on-chain are unix seconds.
 */

/** The commercial contract behind the trade. `documentHash` is the SHA-256 of the signed contract file. */
export interface CommercialContract {
  id: string;
  date: string;
  amount: string;
  documentHash: string;
}

/**
 * A VAT invoice. A fully digitalised e-invoice (数电票, types 81/82/85/86) has a 20-digit `number` and no
 * `code`; a legacy invoice has a 10- or 12-digit `code` and an 8-digit `number`.
 */
export interface VatInvoice {
  code?: string;
  number: string;
  type: string;
  issueDate: string;
  net: string;
  tax: string;
  total: string;
  sellerUscc: string;
  buyerUscc: string;
}

export const DELIVERY_KINDS = ["waybill", "goods-receipt", "warehouse-receipt", "acceptance-certificate", "service-acceptance"] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

/** Evidence that the goods or services were delivered. `documentHash` is the SHA-256 of the document. */
export interface DeliveryEvidence {
  kind: DeliveryKind;
  date: string;
  documentHash: string;
}

export const PAYMENT_TERM_TYPES = ["deferred", "on-delivery", "prepayment"] as const;
export type PaymentTermType = (typeof PAYMENT_TERM_TYPES)[number];

/** When the buyer pays under the contract: `days` after delivery (deferred), at delivery, or before it (prepayment). */
export interface PaymentTerms {
  type: PaymentTermType;
  days: number;
}

/** The documents common to issue and transfer packages. */
export interface TradeDocuments {
  contract: CommercialContract;
  invoices: VatInvoice[];
  delivery: DeliveryEvidence[];
  paymentTerms: PaymentTerms;
}

/**
 * A core enterprise (payer, the buyer) asks to issue a voucher to its supplier (payee, the seller).
 * `deadline` is when the attestation expires (unix seconds); every oracle of a k-of-n request must see the same one.
 */
export interface IssuePackage extends TradeDocuments {
  payerUscc: string;
  payeeUscc: string;
  amount: string;
  maturity: number;
  deadline: number;
}

/** A holder (payer, the buyer) asks to pay its own supplier (payee) with `amount` of piece `pieceId` (decimal string). */
export interface TransferPackage extends TradeDocuments {
  pieceId: string;
  payerUscc: string;
  payeeUscc: string;
  amount: string;
  deadline: number;
}

export type TradePackage = IssuePackage | TransferPackage;
