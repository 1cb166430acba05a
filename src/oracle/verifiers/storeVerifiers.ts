/**
 * The offline verifiers: an invoice or delivery document is verified when the oracle's own records hold
 * it with the same particulars. The records are loaded from the tax bureau's and carriers' feeds (or a
 * seed file in development); see `OracleStore.putKnownInvoice` / `putKnownDelivery`.
 */
import { fenOrNull } from "../checks/amounts.js";
import type { VerifierVerdict } from "../checks/facts.js";
import type { DeliveryEvidence, VatInvoice } from "../package/types.js";
import type { OracleStore } from "../store/oracleStore.js";
import type { DeliveryVerifier, InvoiceVerifier } from "./verifier.js";

/** Fields an invoice must match on record. */
const INVOICE_FIELDS = ["type", "issueDate", "net", "tax", "total", "sellerUscc", "buyerUscc"] as const;
const AMOUNT_FIELDS: ReadonlySet<string> = new Set(["net", "tax", "total"]);

/** Same text, or (amounts) the same number of fen however written: "1130000" is "1130000.00". */
function sameField(field: (typeof INVOICE_FIELDS)[number], known: string, given: string): boolean {
  if (known === given) return true;
  if (!AMOUNT_FIELDS.has(field)) return false;
  const knownFen = fenOrNull(known);
  return knownFen !== null && knownFen === fenOrNull(given);
}

export class StoreInvoiceVerifier implements InvoiceVerifier {
  readonly name = "invoice records";
  constructor(private readonly store: OracleStore) {}

  async verify(invoice: VatInvoice, invoiceKey: string): Promise<VerifierVerdict> {
    const known = await this.store.knownInvoice(invoiceKey);
    if (known === null) return { status: "not-found" };
    if (known.voided) return { status: "voided" };
    const fields = INVOICE_FIELDS.filter((field) => !sameField(field, known.invoice[field], invoice[field]));
    return fields.length === 0 ? { status: "verified" } : { status: "mismatch", fields };
  }
}

export class StoreDeliveryVerifier implements DeliveryVerifier {
  readonly name = "delivery records";
  constructor(private readonly store: OracleStore) {}

  async verify(evidence: DeliveryEvidence): Promise<VerifierVerdict> {
    const known = await this.store.knownDelivery(evidence.documentHash);
    if (known === null) return { status: "not-found" };
    const fields = (["kind", "date"] as const).filter((field) => known[field] !== evidence[field]);
    return fields.length === 0 ? { status: "verified" } : { status: "mismatch", fields };
  }
}
