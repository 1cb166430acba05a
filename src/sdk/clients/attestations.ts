/**
 * k-of-n: asks every configured oracle at once, keeps the attestations that are for exactly what was asked
 * (`checkAttestation`), and uses k that sign the same message — sorted by signer address, as the ledger
 * requires. Oracles that disagree with the largest agreeing group are reported, not trusted; fewer than k
 * agreeing → one error that says what each oracle answered.
 */
import type { Signer } from "ethers";
import type { IssuePackage, TransferPackage } from "../../oracle/package/types.js";
import { OracleError } from "../errors.js";
import { checkAttestation, type ExpectedAttestation } from "./attestationCheck.js";
import { signRequest, type OracleClient, type SignedAttestation } from "./oracleClient.js";

export interface CollectedAttestations {
  packageHash: string;
  documentKeys: string[];
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
  expected: ExpectedAttestation,
): Promise<CollectedAttestations> {
  // One signature for all oracles (one prompt on a hardware key); a refusal to sign is the caller's, not an oracle's.
  const requestSignature = await signRequest(tradePackage, payer);
  const answers = await Promise.allSettled(
    oracles.map(async (oracle) => {
      const attestation =
        kind === "issue"
          ? await oracle.requestIssueAttestation(tradePackage as IssuePackage, requestSignature)
          : await oracle.requestTransferAttestation(tradePackage as TransferPackage, requestSignature);
      checkAttestation(oracle.url, attestation, expected);
      return attestation;
    }),
  );

  const failures: OracleError[] = [];
  const groups = new Map<string, Array<{ url: string; attestation: SignedAttestation }>>();
  answers.forEach((answer, index) => {
    const url = oracles[index].url;
    if (answer.status === "rejected") {
      failures.push(answer.reason instanceof OracleError ? answer.reason : OracleError.faulty(url, String(answer.reason)));
      return;
    }
    // Attestations agree when they sign the same message (same package hash and document keys).
    const key = JSON.stringify(answer.value.message);
    groups.set(key, [...(groups.get(key) ?? []), { url, attestation: answer.value }]);
  });

  const distinctSigners = (group: Array<{ attestation: SignedAttestation }>) =>
    [...new Map(group.map(({ attestation }) => [attestation.signer.toLowerCase(), attestation])).values()];
  const ranked = [...groups.values()].sort((a, b) => distinctSigners(b).length - distinctSigners(a).length);
  const best = ranked[0] ?? [];
  for (const minority of ranked.slice(1)) {
    for (const { url } of minority) failures.push(OracleError.faulty(url, "its attestation differs from the other oracles' for the same package (another document-key secret?)"));
  }
  const agreeing = distinctSigners(best);
  if (agreeing.length < quorum) throw OracleError.quorumNotMet(quorum, agreeing.length, failures);

  const chosen = agreeing.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1)).slice(0, quorum);
  const message = chosen[0].message;
  return {
    packageHash: String(message.packageHash),
    documentKeys: [...(message.documentKeys as string[])],
    signatures: chosen.map((a) => a.signature),
    signers: chosen.map((a) => a.signer),
  };
}
