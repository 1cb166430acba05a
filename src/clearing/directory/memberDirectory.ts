/**
 * The off-chain member directory: each payable member's account (address), USCC, registered name and bank
 * account. Bank accounts are personal data of the members and never go on-chain (R13); clearing looks the
 * payees of a plan up here. `parseMemberDirectory` validates everything and reports every problem at once.
 * File shape (config/member-directory.example.json):
 *   { "members": [ { "account": "0x…", "uscc": "…", "name": "…",
 *                    "bankAccount": { "name": "…", "accountNumber": "…", "cnaps": "…", "bankName": "…" } } ] }
 * Keys starting with `$` are notes; any other unknown field is refused, so a misspelt one is not ignored.
 */
import { readFileSync } from "node:fs";
import { ZeroAddress, getAddress, isAddress } from "ethers";
import { isValidUscc } from "../../sdk/uscc.js";
import type { BankAccount } from "../types.js";

export interface DirectoryMember {
  /** Checksummed address. */
  account: string;
  uscc: string;
  /** Registered name (as on the business licence). */
  name: string;
  bankAccount: BankAccount;
}

export class MemberDirectoryError extends Error {
  override readonly name = "MemberDirectoryError";
  readonly code = "MEMBER_DIRECTORY_INVALID" as const;
  constructor(readonly problems: string[]) {
    super(`member directory is invalid:\n  - ${problems.join("\n  - ")}`);
  }
}

/** A payee the directory has no bank account for: nothing can be paid to it. */
export class UnknownMemberError extends Error {
  override readonly name = "UnknownMemberError";
  readonly code = "MEMBER_WITHOUT_BANK_ACCOUNT" as const;
  constructor(readonly account: string) {
    super(`member ${account} has no bank account in the member directory`);
  }
}

export class MemberDirectory {
  readonly #byAccount: Map<string, DirectoryMember>;

  constructor(readonly members: readonly DirectoryMember[]) {
    this.#byAccount = new Map(members.map((member) => [member.account.toLowerCase(), member]));
  }

  /** The member's entry (addresses compare case-insensitively), or undefined. */
  memberOf(account: string): DirectoryMember | undefined {
    return typeof account === "string" ? this.#byAccount.get(account.toLowerCase()) : undefined;
  }

  /** The member's bank account; throws `UnknownMemberError` naming the member when there is none. */
  accountOf(account: string): BankAccount {
    const member = this.memberOf(account);
    if (member === undefined) throw new UnknownMemberError(String(account));
    return member.bankAccount;
  }

  /** The accounts of `accounts` the directory has no bank account for (to check a whole plan before paying). */
  missing(accounts: Iterable<string>): string[] {
    return [...new Set(accounts)].filter((account) => this.memberOf(account) === undefined);
  }
}

const DIRECTORY_FIELDS = ["members"];
const MEMBER_FIELDS = ["account", "uscc", "name", "bankAccount"];
const BANK_ACCOUNT_FIELDS = ["name", "accountNumber", "cnaps", "bankName"];

type JsonObject = Record<string, unknown>;

/** Validates a parsed directory file (every problem reported at once). */
export function parseMemberDirectory(raw: unknown): MemberDirectory {
  if (!isObject(raw)) throw new MemberDirectoryError(["directory: expected an object"]);
  const problems: string[] = [];
  checkKnownFields(raw, DIRECTORY_FIELDS, "", problems);
  if (!Array.isArray(raw.members)) throw new MemberDirectoryError([...problems, "members: expected an array"]);
  const parsed: Array<{ member: DirectoryMember; path: string }> = [];
  raw.members.forEach((entry, index) => {
    const path = `members[${index}]`;
    const member = parseMember(entry, path, problems);
    if (member !== undefined) parsed.push({ member, path });
  });
  checkDuplicates(parsed, problems);
  if (problems.length > 0) throw new MemberDirectoryError(problems);
  return new MemberDirectory(parsed.map(({ member }) => member));
}

/** Reads and validates a directory file; bad JSON is reported as a MemberDirectoryError too. */
export function readMemberDirectory(path: string): MemberDirectory {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new MemberDirectoryError([`${path}: ${(error as Error).message}`]);
  }
  return parseMemberDirectory(raw);
}

function parseMember(raw: unknown, path: string, problems: string[]): DirectoryMember | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: expected an object`);
    return undefined;
  }
  const before = problems.length;
  checkKnownFields(raw, MEMBER_FIELDS, path, problems);
  const account = parseAccount(raw.account, `${path}.account`, problems);
  if (typeof raw.uscc !== "string" || !isValidUscc(raw.uscc)) {
    problems.push(`${path}.uscc: ${JSON.stringify(raw.uscc)} is not a valid unified social credit code`);
  }
  const name = text(raw.name, `${path}.name`, problems);
  const bankAccount = parseBankAccount(raw.bankAccount, `${path}.bankAccount`, problems);
  // The receiving bank checks the account holder's name (户名) against the account: a mismatch is returned.
  if (name !== undefined && bankAccount !== undefined && bankAccount.name !== name) {
    problems.push(`${path}.bankAccount.name: ${JSON.stringify(bankAccount.name)} is not the member's registered name ${JSON.stringify(name)}`);
  }
  if (problems.length > before || account === undefined || name === undefined || bankAccount === undefined) return undefined;
  return { account, uscc: raw.uscc as string, name, bankAccount };
}

function parseBankAccount(raw: unknown, path: string, problems: string[]): BankAccount | undefined {
  if (!isObject(raw)) {
    problems.push(`${path}: expected an object with name, accountNumber, cnaps and bankName`);
    return undefined;
  }
  const before = problems.length;
  checkKnownFields(raw, BANK_ACCOUNT_FIELDS, path, problems);
  const name = text(raw.name, `${path}.name`, problems);
  const bankName = text(raw.bankName, `${path}.bankName`, problems);
  // Strings, not numbers: account numbers and CNAPS codes have leading zeros and exceed 2^53.
  const { accountNumber, cnaps } = raw;
  if (typeof accountNumber !== "string" || !/^[0-9]{6,32}$/.test(accountNumber)) {
    problems.push(`${path}.accountNumber: expected a string of 6 to 32 digits, got ${JSON.stringify(accountNumber)}`);
  }
  if (typeof cnaps !== "string" || !/^[0-9]{12}$/.test(cnaps)) {
    problems.push(`${path}.cnaps: expected a CNAPS code of exactly 12 digits, got ${JSON.stringify(cnaps)}`);
  }
  if (problems.length > before) return undefined;
  return { name: name!, accountNumber: accountNumber as string, cnaps: cnaps as string, bankName: bankName! };
}

function parseAccount(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value !== "string" || !isAddress(value) || getAddress(value) === ZeroAddress) {
    problems.push(`${path}: expected a member's address, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return getAddress(value);
}

/** One account (or USCC) with two bank accounts would make the payee ambiguous. */
function checkDuplicates(parsed: Array<{ member: DirectoryMember; path: string }>, problems: string[]): void {
  const seen = new Map<string, string>();
  for (const { member, path } of parsed) {
    for (const key of [`account ${member.account}`, `USCC ${member.uscc}`]) {
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${key} is listed twice (${first} and ${path})`);
      else seen.set(key, path);
    }
  }
}

function text(value: unknown, path: string, problems: string[]): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value;
  problems.push(`${path}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return undefined;
}

function checkKnownFields(object: JsonObject, known: string[], path: string, problems: string[]): void {
  for (const field of Object.keys(object)) {
    if (field.startsWith("$") || known.includes(field)) continue;
    problems.push(`${path === "" ? field : `${path}.${field}`}: unknown field (expected one of ${known.join(", ")})`);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
