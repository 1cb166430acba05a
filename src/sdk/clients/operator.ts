/**
 * The platform operator and the consortium admin: onboards members, sets the policy, publishes the fee
 * schedule (R12). The operator never holds or routes funds (R10): nothing here moves money.
 */
import type { ContractTransactionReceipt, Signer } from "ethers";
import { type FeeSchedule, FeeSchedule__factory } from "../../../types/ethers-contracts/index.js";
import type { FeeItemStruct } from "../../../types/ethers-contracts/fees/FeeSchedule.js";
import { onboardConsortium, type OnboardOptions, type OnboardResult } from "../../deploy/onboard.js";
import type { ConsortiumConfig, ConsortiumPlan } from "../../deploy/consortiumConfig.js";
import { callLedger, requireAddress, requireBytes32, requireFen } from "../errors.js";
import { LedgerClient } from "./ledgerClient.js";

export interface PolicySettings {
  minPieceAmount: bigint;
  maxTerm: number;
  enhancedReviewTerm: number;
  gracePeriod: number;
  maxLivePieces: number;
  maxDepth: number;
  attestationQuorum: number;
}

/** One line of a fee schedule, as the contract takes it (service id, fixed fee in fen, rate, who pays). */
export type FeeItem = FeeItemStruct;

export class OperatorClient extends LedgerClient {
  private readonly feeSchedule?: FeeSchedule;

  constructor(signer: Signer, ledgerAddress: string, feeScheduleAddress?: string) {
    super(signer, ledgerAddress);
    if (feeScheduleAddress !== undefined) this.feeSchedule = FeeSchedule__factory.connect(feeScheduleAddress, signer);
  }

  /** Registers (or brings up to date) every member of a parsed consortium config; idempotent. */
  onboard(config: ConsortiumConfig | ConsortiumPlan, options?: OnboardOptions): Promise<OnboardResult> {
    return callLedger(async () => onboardConsortium(this.signer, await this.ledger.getAddress(), config, options));
  }

  setPolicy(policy: PolicySettings): Promise<ContractTransactionReceipt> {
    return this.send(() => this.ledger.setPolicy(policy));
  }

  async suspendMember(account: string): Promise<ContractTransactionReceipt> {
    requireAddress("account", account);
    return this.send(() => this.ledger.setMemberStatus(account, 2));
  }

  async reinstateMember(account: string): Promise<ContractTransactionReceipt> {
    requireAddress("account", account);
    return this.send(() => this.ledger.setMemberStatus(account, 1));
  }

  async setCreditLine(coreEnterprise: string, creditLine: bigint): Promise<ContractTransactionReceipt> {
    requireAddress("coreEnterprise", coreEnterprise);
    requireFen("creditLine", creditLine);
    return this.send(() => this.ledger.setCreditLine(coreEnterprise, creditLine));
  }

  async setClearingBank(coreEnterprise: string, bank: string): Promise<ContractTransactionReceipt> {
    requireAddress("coreEnterprise", coreEnterprise);
    requireAddress("bank", bank);
    return this.send(() => this.ledger.setClearingBank(coreEnterprise, bank));
  }

  /** Publishes a fee schedule taking effect at `effectiveFrom` (unix seconds); `documentHash` is the published notice. */
  async publishFeeSchedule(effectiveFrom: bigint, items: FeeItem[], documentHash: string): Promise<ContractTransactionReceipt> {
    requireBytes32("documentHash", documentHash);
    const feeSchedule = this.feeSchedule;
    if (feeSchedule === undefined) throw new RangeError("publishFeeSchedule: this client was created without a fee schedule address");
    return this.send(() => feeSchedule.publish(effectiveFrom, items, documentHash));
  }
}
