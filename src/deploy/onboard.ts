/**
 * Onboards a consortium from its config: registers the members, sets their roles and related-party groups,
 * the core enterprises' credit lines and clearing banks. Idempotent: what the chain already has is left
 * alone, so a second run sends nothing. A member already registered under another USCC is an error, never
 * silently rewritten. Transactions go one at a time, each awaited, as automining nodes require.
 */
import { Contract, type Addressable, type Signer } from "ethers";
import { usccToBytes18, bytes18ToUscc } from "../sdk/uscc.js";
import { MemberStatus } from "../sdk/constants.js";
import { parseConsortiumConfig, type ConsortiumConfig, type ConsortiumPlan } from "./consortiumConfig.js";

/** The registry functions onboarding uses (the ledger inherits the registry). */
export const ONBOARDING_ABI = [
  "function CONSORTIUM_ADMIN_ROLE() view returns (bytes32)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function memberOf(address account) view returns (tuple(uint64 creditLine, uint24 groupId, uint8 roles, uint8 status, bool defaulted, bytes18 uscc))",
  "function clearingBankOf(address coreEnterprise) view returns (address)",
  "function registerMember(address account, bytes18 uscc, uint8 roles, uint24 groupId)",
  "function setMemberRoles(address account, uint8 roles)",
  "function setRelatedPartyGroup(address account, uint24 groupId)",
  "function setCreditLine(address coreEnterprise, uint64 creditLine)",
  "function setClearingBank(address coreEnterprise, address bank)",
] as const;

export type OnboardingAction =
  | "registerMember"
  | "setMemberRoles"
  | "setRelatedPartyGroup"
  | "setCreditLine"
  | "setClearingBank";

export interface OnboardingStep {
  action: OnboardingAction;
  /** The member's config key. */
  key: string;
  /** The transaction sent, or undefined when the chain already matched the config. */
  txHash?: string;
}

export interface OnboardResult {
  ledger: string;
  steps: OnboardingStep[];
  /** Steps that sent a transaction. */
  sent: number;
}

export interface OnboardOptions {
  /** Called with a line per step (e.g. `console.log`). */
  log?: (line: string) => void;
}

export class OnboardingError extends Error {
  readonly code: "ONBOARDING_NOT_ADMIN" | "ONBOARDING_CONFLICT";
  constructor(code: OnboardingError["code"], message: string) {
    super(message);
    this.name = "OnboardingError";
    this.code = code;
  }
}

/**
 * Brings the registry in line with `config`, signing with `admin` (a holder of CONSORTIUM_ADMIN_ROLE).
 * @param ledger The VoucherLedger (which is also the registry): its address or a contract object.
 */
export async function onboardConsortium(
  admin: Signer,
  ledger: string | Addressable,
  config: ConsortiumConfig | ConsortiumPlan,
  options: OnboardOptions = {},
): Promise<OnboardResult> {
  const plan = isPlan(config) ? config : parseConsortiumConfig(config);
  const log = options.log ?? (() => {});
  const ledgerAddress = typeof ledger === "string" ? ledger : await ledger.getAddress();
  const registry = new Contract(ledgerAddress, ONBOARDING_ABI, admin);
  const adminAddress = await admin.getAddress();

  if (plan.admin !== undefined && plan.admin.toLowerCase() !== adminAddress.toLowerCase()) {
    throw new OnboardingError("ONBOARDING_NOT_ADMIN", `onboarding: the config names admin ${plan.admin} but the signer is ${adminAddress}`);
  }
  const adminRole: string = await registry.CONSORTIUM_ADMIN_ROLE();
  if (!(await registry.hasRole(adminRole, adminAddress))) {
    throw new OnboardingError("ONBOARDING_NOT_ADMIN", `onboarding: ${adminAddress} lacks CONSORTIUM_ADMIN_ROLE on ${ledgerAddress}`);
  }

  const steps: OnboardingStep[] = [];
  const send = async (action: OnboardingAction, key: string, args: unknown[], description: string) => {
    const tx = await registry.getFunction(action)(...args);
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`onboarding: ${action} for ${key} failed (tx ${tx.hash})`);
    steps.push({ action, key, txHash: tx.hash });
    log(`  ${description}`);
  };
  const skip = (action: OnboardingAction, key: string) => steps.push({ action, key });

  for (const member of plan.members) {
    const onChain = await registry.memberOf(member.address);
    const status = Number(onChain.status);
    if (status === MemberStatus.None) {
      await send(
        "registerMember",
        member.key,
        [member.address, usccToBytes18(member.uscc), member.roles, member.groupId],
        `registered ${member.name} (${member.uscc}) as ${member.key}`,
      );
      continue;
    }
    const registeredUscc = bytes18ToUscc(onChain.uscc);
    if (registeredUscc !== member.uscc) {
      throw new OnboardingError(
        "ONBOARDING_CONFLICT",
        `onboarding: ${member.key} (${member.address}) is registered under USCC ${registeredUscc}, the config says ${member.uscc}`,
      );
    }
    skip("registerMember", member.key);
    if (Number(onChain.roles) !== member.roles) {
      await send("setMemberRoles", member.key, [member.address, member.roles], `set roles of ${member.key} to ${member.roles}`);
    } else skip("setMemberRoles", member.key);
    if (Number(onChain.groupId) !== member.groupId) {
      await send("setRelatedPartyGroup", member.key, [member.address, member.groupId], `set group of ${member.key} to ${member.groupId}`);
    } else skip("setRelatedPartyGroup", member.key);
  }

  for (const core of plan.coreEnterprises) {
    const onChain = await registry.memberOf(core.address);
    if (BigInt(onChain.creditLine) !== core.creditLine) {
      await send("setCreditLine", core.key, [core.address, core.creditLine], `set credit line of ${core.key} to ${core.creditLine} fen`);
    } else skip("setCreditLine", core.key);
    const clearingBank: string = await registry.clearingBankOf(core.address);
    if (clearingBank.toLowerCase() !== core.clearingBank.toLowerCase()) {
      await send("setClearingBank", core.key, [core.address, core.clearingBank], `set clearing bank of ${core.key} to ${core.clearingBankKey}`);
    } else skip("setClearingBank", core.key);
  }

  return { ledger: ledgerAddress, steps, sent: steps.filter((s) => s.txHash !== undefined).length };
}

function isPlan(config: ConsortiumConfig | ConsortiumPlan): config is ConsortiumPlan {
  return (config as ConsortiumPlan).byKey instanceof Map;
}
