/**
 * Onboards a consortium from its config: registers the members, sets their roles and related-party groups,
 * the core enterprises' credit lines and clearing banks. Idempotent: what the chain already has is left
 * alone, so a second run sends nothing. A member already registered under another USCC, or a USCC already
 * registered to another address, is an error, never silently rewritten; both are found by a read-only
 * pre-flight over the whole plan, so a conflicting config sends nothing at all. Transactions go one at a
 * time, each awaited, as automining nodes require.
 */
import { Contract, ZeroAddress, type Addressable, type Signer } from "ethers";
import { usccToBytes18, bytes18ToUscc } from "../sdk/uscc.js";
import { MemberStatus } from "../sdk/constants.js";
import {
  parseConsortiumConfig,
  type ConsortiumConfig,
  type ConsortiumPlan,
  type PlannedCoreEnterprise,
  type PlannedMember,
} from "./consortiumConfig.js";

/** The registry functions onboarding uses (the ledger inherits the registry). */
export const ONBOARDING_ABI = [
  "function CONSORTIUM_ADMIN_ROLE() view returns (bytes32)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function memberOf(address account) view returns (tuple(uint64 creditLine, uint24 groupId, uint8 roles, uint8 status, bool defaulted, bytes18 uscc))",
  "function accountOf(bytes18 uscc) view returns (address)",
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

export type OnboardingErrorCode =
  /** The signer is not the config's admin or lacks CONSORTIUM_ADMIN_ROLE. */
  | "ONBOARDING_NOT_ADMIN"
  /** A member's address is registered under another USCC. */
  | "ONBOARDING_CONFLICT"
  /** A member's USCC is registered to another address. */
  | "ONBOARDING_USCC_TAKEN";

export class OnboardingError extends Error {
  readonly code: OnboardingErrorCode;
  constructor(code: OnboardingErrorCode, message: string) {
    super(message);
    this.name = "OnboardingError";
    this.code = code;
  }
}

/** What the registry holds for one planned member, read before anything is sent. */
interface MemberOnChain {
  /** The USCC the member's address is registered under; undefined when the address is not a member. */
  uscc?: string;
  roles: number;
  groupId: number;
  /** The account the member's USCC is registered to; the zero address when none. */
  usccHolder: string;
}

interface PlannedMemberState {
  member: PlannedMember;
  onChain: MemberOnChain;
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
  const ledgerAddress = typeof ledger === "string" ? ledger : await ledger.getAddress();
  const registry = new Contract(ledgerAddress, ONBOARDING_ABI, admin);

  // Pre-flight, read-only: a plan refused here leaves the chain as it was instead of half onboarded.
  await checkSigner(registry, plan, await admin.getAddress(), ledgerAddress);
  const members = await readMembers(registry, plan);
  checkConflicts(members);

  const steps = new Steps(registry, options.log ?? (() => {}));
  for (const { member, onChain } of members) await syncMember(steps, member, onChain);
  for (const core of plan.coreEnterprises) await syncCoreEnterprise(steps, registry, core);
  return { ledger: ledgerAddress, steps: steps.list, sent: steps.sent };
}

/** Refuses a signer that is not the config's admin or cannot administer this registry. */
async function checkSigner(registry: Contract, plan: ConsortiumPlan, signer: string, ledgerAddress: string): Promise<void> {
  if (plan.admin !== undefined && plan.admin.toLowerCase() !== signer.toLowerCase()) {
    throw new OnboardingError("ONBOARDING_NOT_ADMIN", `onboarding: the config names admin ${plan.admin} but the signer is ${signer}`);
  }
  const adminRole: string = await registry.CONSORTIUM_ADMIN_ROLE();
  if (!(await registry.hasRole(adminRole, signer))) {
    throw new OnboardingError("ONBOARDING_NOT_ADMIN", `onboarding: ${signer} lacks CONSORTIUM_ADMIN_ROLE on ${ledgerAddress}`);
  }
}

/** Reads, for every planned member, its record by address and who holds its USCC. Sends nothing. */
async function readMembers(registry: Contract, plan: ConsortiumPlan): Promise<PlannedMemberState[]> {
  const members: PlannedMemberState[] = [];
  for (const member of plan.members) {
    const record = await registry.memberOf(member.address);
    const registered = Number(record.status) !== MemberStatus.None;
    const usccHolder: string = await registry.accountOf(usccToBytes18(member.uscc));
    members.push({
      member,
      onChain: {
        uscc: registered ? bytes18ToUscc(record.uscc) : undefined,
        roles: Number(record.roles),
        groupId: Number(record.groupId),
        usccHolder,
      },
    });
  }
  return members;
}

/** Throws on the first member the chain already has under another identity. */
function checkConflicts(members: PlannedMemberState[]): void {
  for (const { member, onChain } of members) {
    // The USCC is the member's legal identity: onboarding never rewrites it.
    if (onChain.uscc !== undefined && onChain.uscc !== member.uscc) {
      throw new OnboardingError(
        "ONBOARDING_CONFLICT",
        `onboarding: ${member.key} (${member.address}) is registered under USCC ${onChain.uscc}, the config says ${member.uscc}`,
      );
    }
    // registerMember would revert with RegistryUsccAlreadyRegistered.
    if (onChain.usccHolder !== ZeroAddress && onChain.usccHolder.toLowerCase() !== member.address.toLowerCase()) {
      throw new OnboardingError(
        "ONBOARDING_USCC_TAKEN",
        `onboarding: ${member.key}'s USCC ${member.uscc} is registered to ${onChain.usccHolder}, the config gives ${member.key} the address ${member.address}`,
      );
    }
  }
}

/** Registers the member, or brings its roles and group in line with the config. */
async function syncMember(steps: Steps, member: PlannedMember, onChain: MemberOnChain): Promise<void> {
  if (onChain.uscc === undefined) {
    await steps.send(
      "registerMember",
      member.key,
      [member.address, usccToBytes18(member.uscc), member.roles, member.groupId],
      `registered ${member.name} (${member.uscc}) as ${member.key}`,
    );
    return;
  }
  steps.skip("registerMember", member.key);
  if (onChain.roles !== member.roles) {
    await steps.send("setMemberRoles", member.key, [member.address, member.roles], `set roles of ${member.key} to ${member.roles}`);
  } else steps.skip("setMemberRoles", member.key);
  if (onChain.groupId !== member.groupId) {
    await steps.send("setRelatedPartyGroup", member.key, [member.address, member.groupId], `set group of ${member.key} to ${member.groupId}`);
  } else steps.skip("setRelatedPartyGroup", member.key);
}

/** Brings a core enterprise's credit line and clearing bank in line with the config. */
async function syncCoreEnterprise(steps: Steps, registry: Contract, core: PlannedCoreEnterprise): Promise<void> {
  // Read now, not in the pre-flight: the member may have been registered since.
  const onChain = await registry.memberOf(core.address);
  if (BigInt(onChain.creditLine) !== core.creditLine) {
    await steps.send("setCreditLine", core.key, [core.address, core.creditLine], `set credit line of ${core.key} to ${core.creditLine} fen`);
  } else steps.skip("setCreditLine", core.key);
  const clearingBank: string = await registry.clearingBankOf(core.address);
  if (clearingBank.toLowerCase() !== core.clearingBank.toLowerCase()) {
    await steps.send("setClearingBank", core.key, [core.address, core.clearingBank], `set clearing bank of ${core.key} to ${core.clearingBankKey}`);
  } else steps.skip("setClearingBank", core.key);
}

/** Sends transactions one at a time, each awaited, and records every step, sent or skipped. */
class Steps {
  readonly list: OnboardingStep[] = [];
  constructor(
    private readonly registry: Contract,
    private readonly log: (line: string) => void,
  ) {}

  async send(action: OnboardingAction, key: string, args: unknown[], description: string): Promise<void> {
    const tx = await this.registry.getFunction(action)(...args);
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`onboarding: ${action} for ${key} failed (tx ${tx.hash})`);
    this.list.push({ action, key, txHash: tx.hash });
    this.log(`  ${description}`);
  }

  /** Records a step the chain already matched. */
  skip(action: OnboardingAction, key: string): void {
    this.list.push({ action, key });
  }

  get sent(): number {
    return this.list.filter((step) => step.txHash !== undefined).length;
  }
}

function isPlan(config: ConsortiumConfig | ConsortiumPlan): config is ConsortiumPlan {
  return (config as ConsortiumPlan).byKey instanceof Map;
}
