/**
 * Talks to one trade-background oracle: sends a package signed by the payer and returns the attestation
 * it signed, after checking that the signature is the named signer's. Whether the attestation is for
 * exactly what was asked is checked by `checkAttestation` (attestationCheck.ts) before anything is sent
 * to the ledger.
 */
import { type Signer, verifyTypedData } from "ethers";
import { canonicalJson } from "../../oracle/keyedHash.js";
import type { IssuePackage, TransferPackage } from "../../oracle/package/types.js";
import { REQUESTER_SIGNATURE_HEADER, type SignedAttestation } from "../../oracle/protocol.js";
import { ISSUE_ATTESTATION_TYPES, TRANSFER_ATTESTATION_TYPES } from "../eip712.js";
import { OracleError } from "../errors.js";

export type { SignedAttestation };

export interface OracleClientOptions {
  /** Per request, milliseconds (default 15 s). */
  timeoutMs?: number;
}

export class OracleClient {
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(url: string, options: OracleClientOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** `requestSignature`: the payer's `signRequest(tradePackage, payer)`, one for all oracles asked. */
  requestIssueAttestation(tradePackage: IssuePackage, requestSignature: string): Promise<SignedAttestation> {
    return this.request("issue", tradePackage, requestSignature);
  }

  requestTransferAttestation(tradePackage: TransferPackage, requestSignature: string): Promise<SignedAttestation> {
    return this.request("transfer", tradePackage, requestSignature);
  }

  private async request(kind: "issue" | "transfer", tradePackage: IssuePackage | TransferPackage, signature: string): Promise<SignedAttestation> {
    const body = canonicalJson(tradePackage);
    let response: Response;
    try {
      response = await fetch(`${this.url}/v1/attestations/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/json", [REQUESTER_SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw OracleError.unreachable(this.url, error instanceof Error ? error.message : String(error));
    }
    const answer = (await response.json().catch(() => null)) as
      | { attestation?: unknown; error?: { code?: string; message?: string; failures?: Array<{ code: string; path: string; message: string }> } }
      | null;
    if (response.status >= 500 || answer === null) {
      throw OracleError.unreachable(this.url, `HTTP ${response.status}${answer?.error?.code ? ` ${answer.error.code}` : ""}: ${answer?.error?.message ?? "no readable answer"}`);
    }
    if (!response.ok) {
      throw OracleError.refused(this.url, response.status, answer.error?.code ?? "UNKNOWN", answer.error?.message ?? "refused", answer.error?.failures ?? []);
    }
    return recoverSigner(this.url, kind, answer.attestation);
  }
}

/** The payer's EIP-191 signature of the canonical package: made once, sent to every oracle asked. */
export function signRequest(tradePackage: IssuePackage | TransferPackage, payer: Signer): Promise<string> {
  return payer.signMessage(canonicalJson(tradePackage));
}

/** A 200 answer must hold a well-formed attestation signed by the key it names; anything else is faulty. */
function recoverSigner(url: string, kind: "issue" | "transfer", value: unknown): SignedAttestation {
  const attestation = value as Partial<SignedAttestation> | undefined;
  if (
    typeof attestation !== "object" ||
    attestation === null ||
    typeof attestation.signer !== "string" ||
    typeof attestation.signature !== "string" ||
    typeof attestation.message !== "object" ||
    typeof attestation.domain !== "object"
  ) {
    throw OracleError.faulty(url, "its answer holds no readable attestation");
  }
  const types = kind === "issue" ? ISSUE_ATTESTATION_TYPES : TRANSFER_ATTESTATION_TYPES;
  let recovered: string;
  try {
    recovered = verifyTypedData(attestation.domain!, types, attestation.message!, attestation.signature);
  } catch {
    throw OracleError.faulty(url, "its attestation signature cannot be read");
  }
  if (recovered.toLowerCase() !== attestation.signer.toLowerCase()) {
    throw OracleError.faulty(url, `its attestation is signed by ${recovered}, not by ${attestation.signer} as it claims`);
  }
  return attestation as SignedAttestation;
}
