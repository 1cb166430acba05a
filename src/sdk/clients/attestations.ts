/**
 * k-of-n: asks every configured oracle at once and keeps k attestations that agree, sorted by signer
 * address as the ledger requires. Fewer than k → one error that says what each oracle answered.
 */
import type { Signer } from "ethers";
import type { IssuePackage, TransferPackage } from "../../oracle/package/types.js";
import { OracleError } from "../errors.js";
import type { OracleClient, SignedAttestation } from "./oracleClient.js";

export interface CollectedAttestations {
  /** The attested message every chosen oracle signed (integers as decimal strings). */
  message: Record<string, string | string[]>;
  /** Exactly `quorum` signatures, ordered by ascending signer address. */
  signatures: string[];
  signers: string[];
}

export async function collectAttestations(
  oracles: readonly OracleClient[],
  kind: "issue" | "transfer",
  tradePackage: IssuePackage | TransferPackage,
  payer: Signer,
  quorum: number,
): Promise<CollectedAttestations> {
  const answers = await Promise.allSettled(
    oracles.map((oracle) =>
      kind === "issue"
        ? oracle.requestIssueAttestation(tradePackage as IssuePackage, payer)
        : oracle.requestTransferAttestation(tradePackage as TransferPackage, payer),
    ),
  );
  const attested: SignedAttestation[] = [];
  const failures: OracleError[] = [];
  answers.forEach((answer, index) => {
    if (answer.status === "fulfilled") attested.push(answer.value);
    else failures.push(answer.reason instanceof OracleError ? answer.reason : OracleError.unreachable(oracles[index].url, String(answer.reason)));
  });

  // Every signature must cover the same message: the ledger checks them all against one request.
  const reference = attested[0];
  for (const other of attested.slice(1)) {
    if (JSON.stringify(other.message) !== JSON.stringify(reference.message) || JSON.stringify(other.domain) !== JSON.stringify(reference.domain)) {
      throw OracleError.faulty(
        oracles[answers.findIndex((answer) => answer.status === "fulfilled" && answer.value === other)].url,
        "its attestation differs from another oracle's for the same package (different document-key secret or ledger?)",
      );
    }
  }
  const distinct = [...new Map(attested.map((attestation) => [attestation.signer.toLowerCase(), attestation])).values()];
  if (distinct.length < quorum) throw OracleError.quorumNotMet(quorum, distinct.length, failures);

  const chosen = distinct.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1)).slice(0, quorum);
  return { message: reference.message, signatures: chosen.map((a) => a.signature), signers: chosen.map((a) => a.signer) };
}
