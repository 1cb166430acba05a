/**
 * The consortium a deployment starts with, as a declared config: who the members are (by USCC and
 * signing address), which roles they hold, the core enterprises' credit lines (fen) and clearing banks.
 * `parseConsortiumConfig` validates everything at once and names every bad field; it never touches a chain.
 */
import { getAddress, isAddress } from "ethers";
import { MemberRole } from "../sdk/constants.js";
import { isValidUscc } from "../sdk/uscc.js";

export type MemberRoleName = keyof typeof MemberRole;

/** One member as written in the config file. */
export interface MemberConfig {
  /** Short unique handle used for references inside the config (e.g. `clearingBank`) and in scripts. */
  key: string;
  /** Display name. */
  name: string;
  /** Registered legal name (e.g. the Chinese name on the business licence). */
  legalName?: string;
  /** Unified social credit code, 18 characters (GB 32100-2015). */
  uscc: string;
  /** The member's signing address. */
  address: string;
  /** Related-party group (R15); 0 or absent = none. Members sharing a non-zero id are related. */
  groupId?: number;
  /** Roles on top of the one its section gives (e.g. a core enterprise that is also a supplier). */
  extraRoles?: MemberRoleName[];
}

export interface CoreEnterpriseConfig extends MemberConfig {
  /** Most outstanding face value, in fen, as a decimal string (R14). */
  creditLineFen: string;
  /** `key` of the bank that clears this enterprise's vouchers (R10). */
  clearingBank: string;
}

/** The config file's shape (see config/consortium.example.json). */
export interface ConsortiumConfig {
  name?: string;
  /** The account holding CONSORTIUM_ADMIN_ROLE; when given, onboarding checks the signer is this account. */
  admin?: string;
  operator: MemberConfig;
  auditors: MemberConfig[];
  oracles: MemberConfig[];
  banks: MemberConfig[];
  coreEnterprises: CoreEnterpriseConfig[];
  suppliers: MemberConfig[];
}

/** A member ready to register: checksummed address, role bitmap. */
export interface PlannedMember {
  key: string;
  name: string;
  legalName?: string;
  section: Section;
  uscc: string;
  address: string;
  roles: number;
  groupId: number;
}

export interface PlannedCoreEnterprise {
  key: string;
  address: string;
  creditLine: bigint;
  clearingBankKey: string;
  clearingBank: string;
}

/** The validated config: what onboarding does, in order. */
export interface ConsortiumPlan {
  name?: string;
  admin?: string;
  members: PlannedMember[];
  coreEnterprises: PlannedCoreEnterprise[];
  /** Members by `key`. */
  byKey: Map<string, PlannedMember>;
}

type Section = "operator" | "auditors" | "oracles" | "banks" | "coreEnterprises" | "suppliers";

const SECTION_ROLE: Record<Section, number> = {
  operator: MemberRole.Operator,
  auditors: MemberRole.Auditor,
  oracles: MemberRole.Oracle,
  banks: MemberRole.Bank,
  coreEnterprises: MemberRole.CoreEnterprise,
  suppliers: MemberRole.Supplier,
};

const UINT64_MAX = (1n << 64n) - 1n;
const UINT24_MAX = (1 << 24) - 1;

export class ConsortiumConfigError extends Error {
  readonly code = "CONSORTIUM_CONFIG_INVALID" as const;
  constructor(readonly problems: string[]) {
    super(`consortium config is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConsortiumConfigError";
  }
}

/** Validates a parsed config file (all problems reported at once) and returns the onboarding plan. */
export function parseConsortiumConfig(raw: unknown): ConsortiumPlan {
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConsortiumConfigError(["config: expected an object"]);
  }
  const config = raw as Record<string, unknown>;

  let admin: string | undefined;
  if (config.admin !== undefined) {
    if (typeof config.admin === "string" && isAddress(config.admin)) admin = getAddress(config.admin);
    else problems.push(`admin: expected an address, got ${JSON.stringify(config.admin)}`);
  }

  const members: PlannedMember[] = [];
  const coreEntries: Array<{ member: PlannedMember; creditLine: bigint; clearingBankKey: string; path: string }> = [];
  const sections: Section[] = ["operator", "auditors", "oracles", "banks", "coreEnterprises", "suppliers"];
  for (const section of sections) {
    const value = config[section];
    const entries = section === "operator" ? (value === undefined ? [] : [value]) : value;
    if (!Array.isArray(entries)) {
      problems.push(`${section}: expected ${section === "operator" ? "an object" : "an array"}`);
      continue;
    }
    entries.forEach((entry, index) => {
      const path = section === "operator" ? section : `${section}[${index}]`;
      const member = parseMember(entry, section, path, problems);
      if (member === undefined) return;
      members.push(member);
      if (section === "coreEnterprises") {
        const e = entry as Record<string, unknown>;
        let creditLine = 0n;
        if (typeof e.creditLineFen !== "string" || !/^\d+$/.test(e.creditLineFen)) {
          problems.push(`${path}.creditLineFen: expected a decimal string of fen, got ${JSON.stringify(e.creditLineFen)}`);
        } else {
          creditLine = BigInt(e.creditLineFen);
          if (creditLine > UINT64_MAX) problems.push(`${path}.creditLineFen: ${e.creditLineFen} does not fit in uint64`);
        }
        if (typeof e.clearingBank !== "string" || e.clearingBank === "") {
          problems.push(`${path}.clearingBank: expected the key of a bank`);
        }
        coreEntries.push({ member, creditLine, clearingBankKey: String(e.clearingBank ?? ""), path });
      }
    });
  }
  if (config.operator === undefined) problems.push("operator: missing");

  const byKey = new Map<string, PlannedMember>();
  const seenAddress = new Map<string, string>();
  const seenUscc = new Map<string, string>();
  for (const member of members) {
    if (byKey.has(member.key)) problems.push(`key ${JSON.stringify(member.key)} is used twice`);
    byKey.set(member.key, member);
    const lower = member.address.toLowerCase();
    if (seenAddress.has(lower)) problems.push(`${member.key}: address ${member.address} is also ${seenAddress.get(lower)}'s`);
    seenAddress.set(lower, member.key);
    if (seenUscc.has(member.uscc)) problems.push(`${member.key}: USCC ${member.uscc} is also ${seenUscc.get(member.uscc)}'s`);
    seenUscc.set(member.uscc, member.key);
    if (admin !== undefined && lower === admin.toLowerCase()) {
      // Allowed by the contract, but the admin should not also be a trading party.
      problems.push(`${member.key}: address ${member.address} is the admin's; use a separate account for a member`);
    }
  }

  const coreEnterprises: PlannedCoreEnterprise[] = [];
  for (const { member, creditLine, clearingBankKey, path } of coreEntries) {
    const bank = byKey.get(clearingBankKey);
    if (clearingBankKey !== "" && (bank === undefined || (bank.roles & MemberRole.Bank) === 0)) {
      problems.push(`${path}.clearingBank: ${JSON.stringify(clearingBankKey)} is not the key of a bank`);
      continue;
    }
    if (bank === undefined) continue;
    coreEnterprises.push({ key: member.key, address: member.address, creditLine, clearingBankKey, clearingBank: bank.address });
  }

  if (problems.length > 0) throw new ConsortiumConfigError(problems);
  return { name: typeof config.name === "string" ? config.name : undefined, admin, members, coreEnterprises, byKey };
}

function parseMember(raw: unknown, section: Section, path: string, problems: string[]): PlannedMember | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    problems.push(`${path}: expected an object`);
    return undefined;
  }
  const e = raw as Record<string, unknown>;
  const before = problems.length;
  if (typeof e.key !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(e.key)) {
    problems.push(`${path}.key: expected an identifier, got ${JSON.stringify(e.key)}`);
  }
  if (typeof e.name !== "string" || e.name.trim() === "") problems.push(`${path}.name: expected a non-empty string`);
  if (e.legalName !== undefined && typeof e.legalName !== "string") problems.push(`${path}.legalName: expected a string`);
  if (typeof e.uscc !== "string" || !isValidUscc(e.uscc)) {
    problems.push(`${path}.uscc: ${JSON.stringify(e.uscc)} is not a valid unified social credit code`);
  }
  if (typeof e.address !== "string" || !isAddress(e.address)) {
    problems.push(`${path}.address: expected an address, got ${JSON.stringify(e.address)}`);
  }
  const groupId = e.groupId ?? 0;
  if (typeof groupId !== "number" || !Number.isInteger(groupId) || groupId < 0 || groupId > UINT24_MAX) {
    problems.push(`${path}.groupId: expected an integer 0..${UINT24_MAX}, got ${JSON.stringify(e.groupId)}`);
  }
  let roles = SECTION_ROLE[section];
  if (e.extraRoles !== undefined) {
    if (!Array.isArray(e.extraRoles)) problems.push(`${path}.extraRoles: expected an array of role names`);
    else
      for (const role of e.extraRoles) {
        if (typeof role === "string" && role in MemberRole) roles |= MemberRole[role as MemberRoleName];
        else problems.push(`${path}.extraRoles: unknown role ${JSON.stringify(role)} (one of ${Object.keys(MemberRole).join(", ")})`);
      }
  }
  if (problems.length > before) return undefined;
  return {
    key: e.key as string,
    name: e.name as string,
    legalName: e.legalName as string | undefined,
    section,
    uscc: e.uscc as string,
    address: getAddress(e.address as string),
    roles,
    groupId: groupId as number,
  };
}
