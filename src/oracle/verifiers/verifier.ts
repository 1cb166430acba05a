/**
 * External sources the oracle consults: tax-invoice verification (全国增值税发票查验平台) and logistics.
 * Behind one interface each, so that the offline default (the oracle's own records) and a production
 * adapter are a configuration apart. A verifier that cannot answer throws `VerifierUnavailableError`;
 * the service then answers 503 and signs nothing — an outage is never read as "verified".
 */
import type { VerifierVerdict } from "../checks/facts.js";
import type { DeliveryEvidence, VatInvoice } from "../package/types.js";

export interface InvoiceVerifier {
  readonly name: string;
  verify(invoice: VatInvoice, invoiceKey: string): Promise<VerifierVerdict>;
}

export interface DeliveryVerifier {
  readonly name: string;
  verify(evidence: DeliveryEvidence): Promise<VerifierVerdict>;
}

export class VerifierUnavailableError extends Error {
  readonly code = "VERIFIER_UNAVAILABLE";
  constructor(
    readonly verifier: string,
    reason: string,
  ) {
    super(`The ${verifier} verifier could not be reached: ${reason}`);
  }
}
