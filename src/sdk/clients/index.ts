export { AuditorClient, type ExposureView, type MemberView, type PieceView } from "./auditor.js";
export { BankClient, type SettlementConfirmation } from "./bank.js";
export { CoreEnterpriseClient, type IssueOrder, type IssuedVoucher, type Obligation } from "./coreEnterprise.js";
export { DEFAULT_ATTESTATION_WINDOW, TradingClient, type AttestedTrade, type TradeOrder } from "./tradingClient.js";
export { OperatorClient, type FeeItem, type PolicySettings } from "./operator.js";
export { OracleClient, signRequest, type SignedAttestation } from "./oracleClient.js";
export { collectAttestations, type CollectedAttestations } from "./attestations.js";
export {
  SupplierClient,
  type FactoringRequest,
  type PledgeRequest,
  type SignedFactoringConsent,
  type SignedPledgeConsent,
  type TransferOrder,
  type TransferResult,
} from "./supplier.js";
