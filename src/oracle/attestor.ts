/**
 * The oracle's decision: gather the facts of a package, run every check, and either refuse with every
 * failure or reserve the invoices and sign the attestation the ledger requires (R1–R3, R15).
 */
import type { TypedDataDomain, Wallet } from "ethers";
import { signIssueAttestation, signTransferAttestation, type IssueAttestation, type TransferAttestation } from "../sdk/eip712.js";
import { MemberStatus } from "../sdk/constants.js";
import { cnyToFen } from "../sdk/money.js";
import { isValidUscc } from "../sdk/uscc.js";
import type { ChainView } from "./chainView.js";
import type { SignedAttestation } from "./protocol.js";
import type { InvoiceUse, MemberFacts, TradeFacts, VerifierVerdict } from "./checks/facts.js";
import type { CheckFailure } from "./checks/failures.js";
import { invoiceKeyOf } from "./checks/invoice.js";
import { fenOrNull } from "./checks/amounts.js";
import { checkLedgerLimits, type LedgerFacts } from "./checks/ledgerChecks.js";
import { checkIssuePackage, checkTransferPackage, lookupsFor } from "./checks/tradeChecks.js";
import { documentKeyOf, packageHashOf } from "./keyedHash.js";
import type { IssuePackage, TradePackage, TransferPackage } from "./package/types.js";
import type { OracleStore } from "./store/oracleStore.js";
import type { DeliveryVerifier, InvoiceVerifier } from "./verifiers/verifier.js";

export type AttestationKind = "issue" | "transfer";
export type { SignedAttestation };

export type AttestOutcome =
  | { kind: "attested"; attestation: SignedAttestation; packageHash: string; replayed: boolean }
  | { kind: "refused"; failures: CheckFailure[]; packageHash: string }
  | { kind: "forbidden"; payerAccount: string; packageHash: string };

export interface AttestorOptions {
  store: OracleStore;
  chain: ChainView;
  signer: Wallet;
  domain: TypedDataDomain;
  documentKeySecret: Uint8Array;
  invoiceVerifier: InvoiceVerifier;
  deliveryVerifier: DeliveryVerifier;
  /** Longest time an attestation may stay valid, seconds. */
  attestationLifetime: number;
  utcOffsetSeconds: number;
}

export class Attestor {
  constructor(private readonly options: AttestorOptions) {}

  get signerAddress(): string {
    return this.options.signer.address;
  }

  /**
   * Decides on one package. `requester` is the address that signed the request; it must be the payer's
   * account (the one that will submit the attestation), so that nobody can tie up another member's invoices.
   */
  async attest(kind: AttestationKind, tradePackage: TradePackage, requester: string, requestId: string): Promise<AttestOutcome> {
    const { store, documentKeySecret } = this.options;
    const packageHash = packageHashOf(documentKeySecret, { kind, ...tradePackage });

    // Who asks, before anything is looked up: only an active member asking for its own trade has its
    // documents examined, so that nobody can probe the invoices of others or tie them up.
    const payer = isValidUscc(tradePackage.payerUscc) ? await this.options.chain.memberByUscc(tradePackage.payerUscc) : null;
    if (payer === null || payer.status !== MemberStatus.Active) {
      return { kind: "refused", failures: payerFailures(tradePackage.payerUscc, payer), packageHash };
    }
    if (payer.account.toLowerCase() !== requester.toLowerCase()) {
      return { kind: "forbidden", payerAccount: payer.account, packageHash };
    }

    const { facts, ledger } = await this.gatherFacts(kind, tradePackage, packageHash, payer);

    const failures = [
      ...(kind === "issue" ? checkIssuePackage(tradePackage as IssuePackage, facts) : checkTransferPackage(tradePackage as TransferPackage, facts)),
      ...checkLedgerLimits(fenOrNull(tradePackage.amount), ledger),
    ];
    if (failures.length > 0) return { kind: "refused", failures, packageHash };

    // The same package asked again (a retry, or one of k oracles asked twice) and still sound gets the same
    // attestation — if it was signed by this key for this ledger (a data directory can outlive both).
    const earlier = (await store.attestationForPackage(packageHash)) as SignedAttestation | null;
    if (earlier !== null && this.isOwn(earlier) && Number(earlier.message.deadline) > facts.now) {
      return { kind: "attested", attestation: earlier, packageHash, replayed: true };
    }

    const documentKeys = tradePackage.invoices.map((invoice) => documentKeyOf(documentKeySecret, invoiceKeyOf(invoice)!));
    const reservation = await store.reserve(documentKeys, requestId, packageHash, tradePackage.deadline, facts.now);
    if (!reservation.reserved) {
      // Lost a race with a concurrent request for the same invoice.
      return { kind: "refused", failures: reservedFailures(tradePackage, documentKeys, reservation.conflicts), packageHash };
    }

    const attestation = await this.sign(kind, tradePackage, payer, facts.members.get(tradePackage.payeeUscc)!, packageHash, documentKeys);
    return { kind: "attested", attestation, packageHash, replayed: false };
  }

  /** Everything the checks need, read in one parallel batch: the payer, already read, is not read again. */
  private async gatherFacts(
    kind: AttestationKind,
    tradePackage: TradePackage,
    packageHash: string,
    payer: MemberFacts,
  ): Promise<{ facts: TradeFacts; ledger: LedgerFacts }> {
    const { chain, store, documentKeySecret, invoiceVerifier, deliveryVerifier } = this.options;
    const lookups = lookupsFor(tradePackage);
    const others = lookups.usccs.filter((uscc) => uscc !== tradePackage.payerUscc);
    const documentKeyByInvoiceKey = new Map(lookups.invoiceKeys.map((key) => [key, documentKeyOf(documentKeySecret, key)]));

    const now = await chain.now();
    const [policy, paused, issuerStanding, memberList, usedOnChain, reservations, invoiceVerdictList, deliveryVerdicts, piece] = await Promise.all([
      chain.policy(),
      chain.paused(),
      kind === "issue" ? chain.issuerStanding(payer.account) : Promise.resolve(undefined),
      Promise.all(others.map((uscc) => chain.memberByUscc(uscc))),
      Promise.all([...documentKeyByInvoiceKey.values()].map((documentKey) => chain.isDocumentKeyUsed(documentKey))),
      store.activeReservations([...documentKeyByInvoiceKey.values()], now),
      Promise.all(
        tradePackage.invoices.map(async (invoice) => {
          const key = invoiceKeyOf(invoice);
          return key === null ? null : ([key, await invoiceVerifier.verify(invoice, key)] as const);
        }),
      ),
      Promise.all(tradePackage.delivery.map((evidence) => deliveryVerifier.verify(evidence))),
      kind === "transfer" ? pieceFacts(chain, (tradePackage as TransferPackage).pieceId) : Promise.resolve(undefined),
    ]);

    const invoiceUse = new Map<string, InvoiceUse>();
    [...documentKeyByInvoiceKey.entries()].forEach(([invoiceKey, documentKey], index) => {
      const reservation = reservations.get(documentKey);
      invoiceUse.set(
        invoiceKey,
        usedOnChain[index] ? "used-on-chain" : reservation && reservation.packageHash !== packageHash ? "reserved" : "unused",
      );
    });

    const members = new Map<string, MemberFacts | null>(others.map((uscc, index) => [uscc, memberList[index]]));
    members.set(tradePackage.payerUscc, payer);
    if (piece) {
      // The issuer is no party of a transfer package, but the payee must not be related to it (R15).
      const issuer = await chain.memberByAccount(piece.issuer);
      if (issuer.facts !== null && !members.has(issuer.uscc)) members.set(issuer.uscc, issuer.facts);
    }

    // The ledger's own limits: the piece of a transfer, the issuer's standing for an issue.
    const ledger: LedgerFacts = { paused, maxDepth: policy.maxDepth, maxLivePieces: policy.maxLivePieces };
    if (piece) ledger.piece = { depth: piece.depth, amount: piece.amount, livePieces: piece.livePieces, piecesCreated: piece.piecesCreated };
    if (issuerStanding) ledger.issuer = issuerStanding;

    const facts: TradeFacts = {
      now,
      utcOffsetSeconds: this.options.utcOffsetSeconds,
      policy,
      maxAttestationLifetime: this.options.attestationLifetime,
      members,
      invoiceUse,
      invoiceVerdicts: new Map(invoiceVerdictList.filter((entry): entry is readonly [string, VerifierVerdict] => entry !== null)),
      deliveryVerdicts,
      piece,
    };
    return { facts, ledger };
  }

  private isOwn(attestation: SignedAttestation): boolean {
    const { signer, domain } = this.options;
    return (
      attestation.signer.toLowerCase() === signer.address.toLowerCase() &&
      attestation.domain.chainId === String(domain.chainId) &&
      attestation.domain.verifyingContract.toLowerCase() === String(domain.verifyingContract).toLowerCase()
    );
  }

  private async sign(
    kind: AttestationKind,
    tradePackage: TradePackage,
    payer: MemberFacts,
    payee: MemberFacts,
    packageHash: string,
    documentKeys: string[],
  ): Promise<SignedAttestation> {
    const { signer, domain } = this.options;
    const amount = cnyToFen(tradePackage.amount);
    const deadline = BigInt(tradePackage.deadline);
    let message: IssueAttestation | TransferAttestation;
    let signature: string;
    if (kind === "issue") {
      message = {
        issuer: payer.account,
        holder: payee.account,
        amount,
        maturity: BigInt((tradePackage as IssuePackage).maturity),
        packageHash,
        documentKeys,
        deadline,
      };
      signature = await signIssueAttestation(signer, domain, message);
    } else {
      message = { pieceId: BigInt((tradePackage as TransferPackage).pieceId), from: payer.account, to: payee.account, amount, packageHash, documentKeys, deadline };
      signature = await signTransferAttestation(signer, domain, message);
    }
    return {
      primaryType: kind === "issue" ? "IssueAttestation" : "TransferAttestation",
      domain: {
        name: String(domain.name),
        version: String(domain.version),
        chainId: String(domain.chainId),
        verifyingContract: String(domain.verifyingContract),
      },
      message: Object.fromEntries(Object.entries(message).map(([field, value]) => [field, Array.isArray(value) ? value : String(value)])),
      signer: signer.address,
      signature,
    };
  }
}

async function pieceFacts(chain: ChainView, pieceId: string) {
  // The schema admits up to 78 digits; a piece id is a uint256, anything larger cannot exist.
  const id = BigInt(pieceId);
  return id >= 2n ** 256n ? null : chain.piece(id);
}

/** Why a payer cannot ask: its USCC is malformed, unknown, or not an active member. */
function payerFailures(uscc: string, payer: MemberFacts | null): CheckFailure[] {
  const why = !isValidUscc(uscc)
    ? { code: "USCC_INVALID" as const, text: `is not a valid USCC (GB 32100-2015)` }
    : payer === null
      ? { code: "PARTY_NOT_MEMBER" as const, text: "is not a member of the consortium" }
      : { code: "PARTY_NOT_ACTIVE" as const, text: "is not an active member of the consortium" };
  return [
    {
      code: why.code,
      path: "/payerUscc",
      message: `The payer ${JSON.stringify(uscc)} ${why.text}; the trade documents are examined only for an active member asking for itself.`,
    },
  ];
}

function reservedFailures(tradePackage: TradePackage, documentKeys: string[], conflicts: string[]): CheckFailure[] {
  return documentKeys.flatMap((documentKey, index) =>
    conflicts.includes(documentKey)
      ? [
          {
            code: "INVOICE_RESERVED" as const,
            path: `/invoices/${index}/number`,
            message: `Invoice ${tradePackage.invoices[index].number} is reserved by another pending attestation; it can back one voucher only (R2).`,
          },
        ]
      : [],
  );
}
