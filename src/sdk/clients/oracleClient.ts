/**
 * Talks to one trade-background oracle: sends a package signed by the payer, returns the EIP-712
 * attestation it signed — checked here against what was asked, so that a faulty or hostile oracle cannot
 * slip a different amount, holder or deadline into the transaction the payer is about to send.
 */
import { type Signer, verifyTypedData } from "ethers";
import type { SignedAttestation } from "../../oracle/attestor.js";
import { canonicalJson } from "../../oracle/keyedHash.js";
import type { IssuePackage, TransferPackage } from "../../oracle/package/types.js";
import { REQUESTER_SIGNATURE_HEADER } from "../../oracle/http/server.js";
import { ISSUE_ATTESTATION_TYPES, TRANSFER_ATTESTATION_TYPES } from "../eip712.js";
import { OracleError } from "../errors.js";
import { cnyToFen } from "../money.js";

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

  requestIssueAttestation(tradePackage: IssuePackage, payer: Signer): Promise<SignedAttestation> {
    return this.request("issue", tradePackage, payer);
  }

  requestTransferAttestation(tradePackage: TransferPackage, payer: Signer): Promise<SignedAttestation> {
    return this.request("transfer", tradePackage, payer);
  }

  private async request(kind: "issue" | "transfer", tradePackage: IssuePackage | TransferPackage, payer: Signer): Promise<SignedAttestation> {
    const body = canonicalJson(tradePackage);
    const signature = await payer.signMessage(body);
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
      | { attestation?: SignedAttestation; error?: { code?: string; message?: string; failures?: Array<{ code: string; path: string; message: string }> } }
      | null;
    if (response.status >= 500 || answer === null) {
      throw OracleError.unreachable(this.url, `HTTP ${response.status}${answer?.error?.code ? ` ${answer.error.code}` : ""}: ${answer?.error?.message ?? "no readable answer"}`);
    }
    if (!response.ok || answer.attestation === undefined) {
      throw OracleError.refused(this.url, response.status, answer.error?.code ?? "UNKNOWN", answer.error?.message ?? "refused", answer.error?.failures ?? []);
    }
    return checkAttestation(this.url, kind, tradePackage, answer.attestation);
  }
}

/** The attestation must be for exactly this package and signed by the key it names. */
function checkAttestation(url: string, kind: "issue" | "transfer", tradePackage: IssuePackage | TransferPackage, attestation: SignedAttestation): SignedAttestation {
  const message = attestation.message;
  const expected: Record<string, string> = { deadline: String(tradePackage.deadline), amount: cnyToFen(tradePackage.amount).toString() };
  if (kind === "issue") expected.maturity = String((tradePackage as IssuePackage).maturity);
  else expected.pieceId = String(BigInt((tradePackage as TransferPackage).pieceId));
  for (const [field, value] of Object.entries(expected)) {
    if (message[field] !== value) throw OracleError.faulty(url, `its attestation has ${field} ${String(message[field])}, not ${value} as asked`);
  }
  const types = kind === "issue" ? ISSUE_ATTESTATION_TYPES : TRANSFER_ATTESTATION_TYPES;
  let recovered: string;
  try {
    recovered = verifyTypedData(attestation.domain, types, message, attestation.signature);
  } catch {
    throw OracleError.faulty(url, "its attestation signature cannot be read");
  }
  if (recovered.toLowerCase() !== attestation.signer.toLowerCase()) {
    throw OracleError.faulty(url, `its attestation is signed by ${recovered}, not by ${attestation.signer} as it claims`);
  }
  return attestation;
}
