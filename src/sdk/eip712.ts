/**
 * EIP-712 types the voucher ledger accepts (see contracts/voucher/VoucherSignatures.sol).
 * Field order and types must match the Solidity type strings exactly.
 */
import type { TypedDataDomain, TypedDataField } from "ethers";

export const LEDGER_DOMAIN_NAME = "EVoucherLedger";
export const LEDGER_DOMAIN_VERSION = "1";

export function ledgerDomain(chainId: bigint, verifyingContract: string): TypedDataDomain {
  return { name: LEDGER_DOMAIN_NAME, version: LEDGER_DOMAIN_VERSION, chainId, verifyingContract };
}

export const ISSUE_ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  IssueAttestation: [
    { name: "issuer", type: "address" },
    { name: "holder", type: "address" },
    { name: "amount", type: "uint64" },
    { name: "maturity", type: "uint40" },
    { name: "packageHash", type: "bytes32" },
    { name: "documentKeys", type: "bytes32[]" },
    { name: "deadline", type: "uint256" },
  ],
};

export const TRANSFER_ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  TransferAttestation: [
    { name: "pieceId", type: "uint256" },
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "amount", type: "uint64" },
    { name: "packageHash", type: "bytes32" },
    { name: "documentKeys", type: "bytes32[]" },
    { name: "deadline", type: "uint256" },
  ],
};

export const PLEDGE_CONSENT_TYPES: Record<string, TypedDataField[]> = {
  PledgeConsent: [
    { name: "pieceId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "pledgee", type: "address" },
    { name: "pieceAmount", type: "uint64" },
    { name: "securedAmount", type: "uint64" },
    { name: "annualRateBps", type: "uint16" },
    { name: "serviceFeeBps", type: "uint16" },
    { name: "registrationNumber", type: "bytes24" },
    { name: "serial", type: "uint16" },
    { name: "deadline", type: "uint256" },
  ],
};

export const FACTORING_CONSENT_TYPES: Record<string, TypedDataField[]> = {
  FactoringConsent: [
    { name: "pieceId", type: "uint256" },
    { name: "holder", type: "address" },
    { name: "factor", type: "address" },
    { name: "amount", type: "uint64" },
    { name: "purchasePrice", type: "uint64" },
    { name: "withRecourse", type: "bool" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface IssueAttestation {
  issuer: string;
  holder: string;
  amount: bigint;
  maturity: bigint;
  packageHash: string;
  documentKeys: string[];
  deadline: bigint;
}

export interface TransferAttestation {
  pieceId: bigint;
  from: string;
  to: string;
  amount: bigint;
  packageHash: string;
  documentKeys: string[];
  deadline: bigint;
}

export interface PledgeConsent {
  pieceId: bigint;
  holder: string;
  pledgee: string;
  pieceAmount: bigint;
  securedAmount: bigint;
  annualRateBps: number;
  serviceFeeBps: number;
  registrationNumber: string;
  serial: number;
  deadline: bigint;
}

export interface FactoringConsent {
  pieceId: bigint;
  holder: string;
  factor: string;
  amount: bigint;
  purchasePrice: bigint;
  withRecourse: boolean;
  nonce: bigint;
  deadline: bigint;
}

/** What can sign typed data: an ethers `Signer` or `Wallet`. */
export interface TypedDataSigner {
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

/** An oracle's attestation of the trade behind an issue. */
export function signIssueAttestation(signer: TypedDataSigner, domain: TypedDataDomain, value: IssueAttestation): Promise<string> {
  return signer.signTypedData(domain, ISSUE_ATTESTATION_TYPES, { ...value });
}

/** An oracle's attestation of the trade behind a transfer. */
export function signTransferAttestation(signer: TypedDataSigner, domain: TypedDataDomain, value: TransferAttestation): Promise<string> {
  return signer.signTypedData(domain, TRANSFER_ATTESTATION_TYPES, { ...value });
}

/** A holder's consent to pledge a piece to a bank. */
export function signPledgeConsent(signer: TypedDataSigner, domain: TypedDataDomain, value: PledgeConsent): Promise<string> {
  return signer.signTypedData(domain, PLEDGE_CONSENT_TYPES, { ...value });
}

/** A holder's consent to sell a piece to a factor. */
export function signFactoringConsent(signer: TypedDataSigner, domain: TypedDataDomain, value: FactoringConsent): Promise<string> {
  return signer.signTypedData(domain, FACTORING_CONSENT_TYPES, { ...value });
}
