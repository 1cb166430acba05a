/**
 * An attestation is used only if it is for exactly what the payer asked: this ledger and chain, the payer
 * and payee accounts, the amount, maturity or piece, the deadline, one distinct document key per invoice.
 * With a quorum of one, this check is all that stands between a faulty oracle and the payer's transaction.
 */
import { ZeroHash, isHexString } from "ethers";
import type { SignedAttestation } from "../../oracle/protocol.js";
import { LEDGER_DOMAIN_NAME, LEDGER_DOMAIN_VERSION } from "../eip712.js";
import { OracleError } from "../errors.js";

export interface ExpectedAttestation {
  primaryType: SignedAttestation["primaryType"];
  chainId: bigint;
  ledger: string;
  /** Message fields that must be equal: addresses (any case) or decimal integers, as strings. */
  fields: Record<string, string>;
  /** The number of invoices in the package: one document key each. */
  documentKeyCount: number;
}

export function checkAttestation(url: string, attestation: SignedAttestation, expected: ExpectedAttestation): void {
  const wrong = (detail: string) => OracleError.faulty(url, detail);
  if (attestation.primaryType !== expected.primaryType) throw wrong(`its attestation is a ${attestation.primaryType}, not a ${expected.primaryType}`);
  const { domain, message } = attestation;
  if (
    domain.name !== LEDGER_DOMAIN_NAME ||
    domain.version !== LEDGER_DOMAIN_VERSION ||
    String(domain.chainId) !== expected.chainId.toString() ||
    String(domain.verifyingContract).toLowerCase() !== expected.ledger.toLowerCase()
  ) {
    throw wrong(`its attestation is for ledger ${domain.verifyingContract} on chain ${domain.chainId}, not ${expected.ledger} on chain ${expected.chainId}`);
  }
  for (const [field, value] of Object.entries(expected.fields)) {
    if (String(message[field]).toLowerCase() !== value.toLowerCase()) {
      throw wrong(`its attestation has ${field} ${String(message[field])}, not ${value} as asked`);
    }
  }
  const keys = message.documentKeys;
  if (!Array.isArray(keys) || keys.length !== expected.documentKeyCount) {
    throw wrong(`its attestation has ${Array.isArray(keys) ? keys.length : "no"} document keys for ${expected.documentKeyCount} invoices`);
  }
  if (keys.some((key) => !isHexString(key, 32) || key === ZeroHash) || new Set(keys.map((key) => key.toLowerCase())).size !== keys.length) {
    throw wrong("its attestation's document keys are not distinct non-zero 32-byte values");
  }
  if (typeof message.packageHash !== "string" || !isHexString(message.packageHash, 32) || message.packageHash === ZeroHash) {
    throw wrong("its attestation has no package hash");
  }
}
