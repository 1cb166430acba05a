/**
 * What the oracle and its clients agree on, and nothing else: the request-signature header and the shape
 * of a signed attestation. The SDK imports this module, not the server, so that a client does not load
 * fastify, the database or the verifiers.
 */

/** Header carrying the payer's EIP-191 signature of the canonical JSON body. */
export const REQUESTER_SIGNATURE_HEADER = "x-evoucher-signature";

/** A signed attestation as the oracle answers it: JSON-safe (integers as decimal strings). */
export interface SignedAttestation {
  primaryType: "IssueAttestation" | "TransferAttestation";
  domain: { name: string; version: string; chainId: string; verifyingContract: string };
  message: Record<string, string | string[]>;
  signer: string;
  signature: string;
}
