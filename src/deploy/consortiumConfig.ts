/**
 * The consortium a deployment starts with, as a declared config: who the members are (by USCC and
 * signing address), which roles they hold, the core enterprises' credit lines (fen) and clearing banks.
 * `parseConsortiumConfig` validates everything at once and names every bad field; it never touches a chain.
 * Unknown fields are refused, so a misspelt one is not silently ignored; keys starting with `$` (such as
 * "$comment") are notes and allowed anywhere.
 */
import { ZeroAddress, getAddress, isAddress } from "ethers";
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

/** The sections in the order their members are registered. */
const SECTIONS: Section[] = ["operator", "auditors", "oracles", "banks", "coreEnterprises", "suppliers"];

const SECTION_ROLE: Record<Section, number> = {
  operator: MemberRole.Operator,
  auditors: MemberRole.Auditor,
  oracles: MemberRole.Oracle,
  banks: MemberRole.Bank,
  coreEnterprises: MemberRole.CoreEnterprise,
  suppliers: MemberRole.Supplier,
};

// The fields each object may have. Records rather than lists, so the compiler checks they name exactly the
// interfaces' fields.
const CONFIG_FIELDS: Record<keyof ConsortiumConfig, true> = {
  name: true,
  admin: true,
  operator: true,
  auditors: true,
  oracles: true,
  banks: true,
  coreEnterprises: true,
  suppliers: true,
};
const MEMBER_FIELDS: Record<keyof MemberConfig, true> = {
  key: true,
  name: true,
  legalName: true,
  uscc: true,
  address: true,
  groupId: true,
  extraRoles: true,
};
const CORE_ENTERPRISE_FIELDS: Record<keyof CoreEnterpriseConfig, true> = { ...MEMBER_FIELDS, creditLineFen: true, clearingBank: true };

const UINT64_MAX = (1n << 64n) - 1n;
const UINT24_MAX = (1 << 24) - 1;

export class ConsortiumConfigError extends Error {
  readonly code = "CONSORTIUM_CONFIG_INVALID" as const;
  constructor(readonly problems: string[]) {
    super(`consortium config is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConsortiumConfigError";
  }
}

type JsonObject = Record<string, unknown>;

/** A core enterprise's credit line and clearing bank as written, before the bank's key is resolved. */
interface CoreTerms {
  member: PlannedMember;
  path: string;
  creditLine: bigint;
  /** Undefined when the field is missing or not a key (already reported). */
  clearingBankKey?: string;
}

/** Validates a parsed config file (all problems reported at once) and returns the onboarding plan. */
export function parseConsortiumConfig(raw: unknown): ConsortiumPlan {
  if (!isObject(raw)) throw new ConsortiumConfigError(["config: expected an object"]);
  const problems: string[] = [];
  checkKnownFields(raw, CONFIG_FIELDS, "", problems);
  const name = parseName(raw.name, problems);
  const admin = raw.admin === undefined ? undefined : parseAddress(raw.admin, "admin", problems);
  const { members, coreTerms } = parseSections(raw, problems);
  const byKey = indexMembers(members, admin, problems);
  const coreEnterprises = resolveClearingBanks(coreTerms, byKey, problems);
  if (problems.length > 0) throw new ConsortiumConfigError(problems);
  return { name, admin, members, coreEnterprises, byKey };
}

/** The members of every section in registration order, and the core enterprises' terms. */
function parseSections(config: JsonObject, problems: string[]): { members: PlannedMember[]; coreTerms: CoreTerms[] } {
  const members: PlannedMember[] = [];
  const coreTerms: CoreTerms[] = [];
  for (const section of SECTIONS) {
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
      if (section === "coreEnterprises") coreTerms.push(parseCoreTerms(entry as JsonObject, member, path, problems));
    });
  }
  if (config.operator === undefined) problems.push("operator: missing");
  return { members, coreTerms };
}

/** The member, or undefined after reporting its bad fields. */
function parseMember(raw: unknown, section: Section, path: string, problems: string[]): PlannedMember | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: expected an object`);
    return undefined;
  }
  checkKnownFields(raw, section === "coreEnterprises" ? CORE_ENTERPRISE_FIELDS : MEMBER_FIELDS, path, problems);
  // An unknown field is reported but keeps the member, so other entries can still refer to it by key.
  const before = problems.length;
  if (typeof raw.key !== "string" || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(raw.key)) {
    problems.push(`${path}.key: expected an identifier, got ${JSON.stringify(raw.key)}`);
  }
  if (typeof raw.name !== "string" || raw.name.trim() === "") problems.push(`${path}.name: expected a non-empty string`);
  if (raw.legalName !== undefined && typeof raw.legalName !== "string") problems.push(`${path}.legalName: expected a string`);
  if (typeof raw.uscc !== "string" || !isValidUscc(raw.uscc)) {
    problems.push(`${path}.uscc: ${JSON.stringify(raw.uscc)} is not a valid unified social credit code`);
  }
  const address = parseAddress(raw.address, `${path}.address`, problems);
  const groupId = parseGroupId(raw.groupId, `${path}.groupId`, problems);
  const extraRoles = parseExtraRoles(raw.extraRoles, `${path}.extraRoles`, problems);
  checkRoleCombination(SECTION_ROLE[section] | extraRoles, `${path}.extraRoles`, problems);
  if (problems.length > before || address === undefined) return undefined;
  return {
    key: raw.key as string,
    name: raw.name as string,
    legalName: raw.legalName as string | undefined,
    section,
    uscc: raw.uscc as string,
    address,
    roles: SECTION_ROLE[section] | extraRoles,
    groupId,
  };
}

/** The consortium's display name; optional, but when given it must be a real name. */
function parseName(value: unknown, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && value.trim() !== "") return value;
  problems.push("name: expected a non-empty string");
  return undefined;
}

/** The checksummed address, or undefined after reporting why `value` is not a usable one. */
function parseAddress(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value !== "string" || !isAddress(value)) {
    problems.push(`${path}: expected an address, got ${JSON.stringify(value)}`);
    return undefined;
  }
  // isAddress accepts the zero address, but nobody can sign for it and the registry refuses it
  // (RegistryZeroAddress), which onboarding would only meet half-way through.
  if (getAddress(value) === ZeroAddress) {
    problems.push(`${path}: must not be the zero address`);
    return undefined;
  }
  return getAddress(value);
}

/** The related-party group; absent means none (0). */
function parseGroupId(value: unknown, path: string, problems: string[]): number {
  // Only an absent field means 0: null is more likely a value left out by mistake than a group.
  if (value === undefined) return 0;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= UINT24_MAX) return value;
  problems.push(`${path}: expected an integer 0..${UINT24_MAX}, got ${JSON.stringify(value)}`);
  return 0;
}

/** The role bitmap of the extra role names. */
function parseExtraRoles(value: unknown, path: string, problems: string[]): number {
  if (value === undefined) return 0;
  if (!Array.isArray(value)) {
    problems.push(`${path}: expected an array of role names`);
    return 0;
  }
  let roles = 0;
  for (const role of value) {
    // Object.hasOwn, not `in`: `in` also finds what MemberRole inherits ("toString", "constructor", ...).
    if (typeof role === "string" && Object.hasOwn(MemberRole, role)) roles |= MemberRole[role as MemberRoleName];
    else problems.push(`${path}: unknown role ${JSON.stringify(role)} (one of ${Object.keys(MemberRole).join(", ")})`);
  }
  return roles;
}

/**
 * The registry refuses oracle or operator together with a trade or bank role (RegistryConflictingRoles):
 * an oracle could attest its own trades, an operator must never hold funds. Caught here, before onboarding.
 */
function checkRoleCombination(roles: number, path: string, problems: string[]): void {
  const apart = MemberRole.Oracle | MemberRole.Operator;
  const business = MemberRole.CoreEnterprise | MemberRole.Supplier | MemberRole.Bank;
  if ((roles & apart) !== 0 && (roles & business) !== 0) {
    problems.push(`${path}: oracle and operator cannot be combined with core enterprise, supplier or bank`);
  }
}

/** A core enterprise's credit line and its clearing bank's key. */
function parseCoreTerms(raw: JsonObject, member: PlannedMember, path: string, problems: string[]): CoreTerms {
  return {
    member,
    path,
    creditLine: parseCreditLine(raw.creditLineFen, `${path}.creditLineFen`, problems),
    clearingBankKey: parseClearingBankKey(raw.clearingBank, `${path}.clearingBank`, problems),
  };
}

function parseCreditLine(value: unknown, path: string, problems: string[]): bigint {
  // A decimal string, because JSON numbers lose precision above 2^53 and a credit line may be up to 2^64 - 1.
  if (typeof value !== "string" || !/^\d+$/.test(value)) {
    problems.push(`${path}: expected a decimal string of fen, got ${JSON.stringify(value)}`);
    return 0n;
  }
  const creditLine = BigInt(value);
  if (creditLine > UINT64_MAX) problems.push(`${path}: ${value} does not fit in uint64`);
  return creditLine;
}

function parseClearingBankKey(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value === "string" && value !== "") return value;
  problems.push(`${path}: expected the key of a bank, got ${JSON.stringify(value)}`);
  return undefined;
}

/** Members by key, after reporting keys, addresses and USCCs used twice and members that are the admin. */
function indexMembers(members: PlannedMember[], admin: string | undefined, problems: string[]): Map<string, PlannedMember> {
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
  return byKey;
}

/** The core enterprises with their clearing banks' addresses, after reporting keys that are not banks. */
function resolveClearingBanks(coreTerms: CoreTerms[], byKey: Map<string, PlannedMember>, problems: string[]): PlannedCoreEnterprise[] {
  const coreEnterprises: PlannedCoreEnterprise[] = [];
  for (const { member, path, creditLine, clearingBankKey } of coreTerms) {
    if (clearingBankKey === undefined) continue;
    const bank = byKey.get(clearingBankKey);
    if (bank === undefined || (bank.roles & MemberRole.Bank) === 0) {
      problems.push(`${path}.clearingBank: ${JSON.stringify(clearingBankKey)} is not the key of a bank`);
      continue;
    }
    coreEnterprises.push({ key: member.key, address: member.address, creditLine, clearingBankKey, clearingBank: bank.address });
  }
  return coreEnterprises;
}

/** Reports each field of `object` that `known` does not have; keys starting with `$` are notes. */
function checkKnownFields(object: JsonObject, known: object, path: string, problems: string[]): void {
  for (const field of Object.keys(object)) {
    if (field.startsWith("$") || Object.hasOwn(known, field)) continue;
    const fieldPath = path === "" ? field : `${path}.${field}`;
    problems.push(`${fieldPath}: unknown field (expected one of ${Object.keys(known).join(", ")})`);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
