import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import {
  MemberDirectoryError,
  UnknownMemberError,
  parseMemberDirectory,
  readMemberDirectory,
} from "../../src/clearing/directory/memberDirectory.js";
import { parseConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { MemberRole } from "../../src/sdk/constants.js";

const EXAMPLE_PATH = fileURLToPath(new URL("../../config/member-directory.example.json", import.meta.url));
const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, "utf8");
const CONSORTIUM = parseConsortiumConfig(JSON.parse(readFileSync(new URL("../../config/consortium.example.json", import.meta.url), "utf8")));
type Json = Record<string, any>;

const CORE_A = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

function exampleWith(change: (directory: Json) => void): Json {
  const directory = JSON.parse(EXAMPLE_TEXT);
  change(directory);
  return directory;
}

function problemsOf(raw: unknown): string[] {
  try {
    parseMemberDirectory(raw);
  } catch (error) {
    if (error instanceof MemberDirectoryError) return error.problems;
    throw error;
  }
  expect.fail("expected parseMemberDirectory to throw a MemberDirectoryError");
}

describe("member directory", function () {
  describe("the example (config/member-directory.example.json)", function () {
    const directory = readMemberDirectory(EXAMPLE_PATH);
    const payable = CONSORTIUM.members.filter((m) => (m.roles & (MemberRole.CoreEnterprise | MemberRole.Supplier | MemberRole.Bank)) !== 0);

    it("covers every core enterprise, supplier and bank of the example consortium, by address, USCC and name", function () {
      expect(payable.map((m) => m.key).sort()).to.deep.equal([
        "bankX",
        "bankY",
        "coreA",
        "coreB",
        "supplierA",
        "supplierB",
        "supplierC",
        "supplierD",
        "supplierE",
        "supplierF",
        "supplierG",
      ]);
      for (const member of payable) {
        const entry = directory.memberOf(member.address);
        expect(entry, member.key).to.not.equal(undefined);
        expect(entry!.uscc, member.key).to.equal(member.uscc);
        expect(entry!.name, member.key).to.equal(member.legalName);
        expect(entry!.bankAccount.name, member.key).to.equal(member.legalName);
        expect(entry!.bankAccount.cnaps, member.key).to.match(/^[0-9]{12}$/);
        expect(entry!.bankAccount.accountNumber, member.key).to.match(/^[0-9]{6,32}$/);
      }
      expect(directory.missing(payable.map((m) => m.address))).to.deep.equal([]);
    });

    it("lists nobody else: no operator, oracle or auditor, no stranger", function () {
      expect(directory.members.map((m) => m.account).sort()).to.deep.equal(payable.map((m) => m.address).sort());
    });

    it("gives coreA's account, whatever the case of the address", function () {
      const expected = { name: "上海华东重型装备集团有限公司", accountNumber: "31001582700050012345", cnaps: "313290000174", bankName: "浦东商业银行股份有限公司上海张江支行" };
      expect(directory.accountOf(CORE_A)).to.deep.equal(expected);
      expect(directory.accountOf(CORE_A.toLowerCase())).to.deep.equal(expected);
      expect(directory.accountOf("0x" + CORE_A.slice(2).toUpperCase())).to.deep.equal(expected);
    });

    it("refuses a member without an account, naming it", function () {
      expect(() => directory.accountOf(OPERATOR)).to.throw(UnknownMemberError, `member ${OPERATOR} has no bank account in the member directory`);
      try {
        directory.accountOf(OPERATOR);
      } catch (error) {
        expect((error as UnknownMemberError).account).to.equal(OPERATOR);
        expect((error as UnknownMemberError).code).to.equal("MEMBER_WITHOUT_BANK_ACCOUNT");
      }
      expect(directory.missing([CORE_A, OPERATOR, OPERATOR.toLowerCase()])).to.deep.equal([OPERATOR, OPERATOR.toLowerCase()]);
    });
  });

  describe("parseMemberDirectory()", function () {
    it("reports every problem at once", function () {
      const raw = exampleWith((d) => {
        d.extra = true;
        d.members[0].account = "0x1234";
        d.members[0].uscc = "91350100M000100Y4Z";
        d.members[1].bankAccount.cnaps = "31358400032"; // 11 digits
        d.members[1].bankAccount.accountNumber = "75592"; // 5 digits
        d.members[2].bankAccount.cnaps = 313305000042; // a number, not a string
        d.members[2].bankAccount.accountNumber = "1".repeat(33);
        d.members[3].bankAccount.bankName = " ";
        d.members[3].bankAccount.swift = "XXXXCNSH";
        d.members[9].bankAccount.name = "浦东商业银行"; // bankX
        d.members[10] = "bankY";
      });
      expect(problemsOf(raw)).to.deep.equal([
        "extra: unknown field (expected one of members)",
        'members[0].account: expected a member\'s address, got "0x1234"',
        'members[0].uscc: "91350100M000100Y4Z" is not a valid unified social credit code',
        'members[1].bankAccount.accountNumber: expected a string of 6 to 32 digits, got "75592"',
        'members[1].bankAccount.cnaps: expected a CNAPS code of exactly 12 digits, got "31358400032"',
        `members[2].bankAccount.accountNumber: expected a string of 6 to 32 digits, got "${"1".repeat(33)}"`,
        "members[2].bankAccount.cnaps: expected a CNAPS code of exactly 12 digits, got 313305000042",
        "members[3].bankAccount.swift: unknown field (expected one of name, accountNumber, cnaps, bankName)",
        'members[3].bankAccount.bankName: expected a non-empty string, got " "',
        'members[9].bankAccount.name: "浦东商业银行" is not the member\'s registered name "浦东商业银行股份有限公司上海分行"',
        "members[10]: expected an object",
      ]);
    });

    it("refuses an account or a USCC listed twice, and missing fields", function () {
      const raw = exampleWith((d) => {
        d.members.push({ ...d.members[0], account: d.members[0].account.toLowerCase() });
        d.members.push({ account: OPERATOR, uscc: d.members[1].uscc, name: d.members[1].name, bankAccount: d.members[1].bankAccount });
        d.members.push({ account: "0x0000000000000000000000000000000000000000" });
      });
      expect(problemsOf(raw)).to.deep.equal([
        'members[13].account: expected a member\'s address, got "0x0000000000000000000000000000000000000000"',
        "members[13].uscc: undefined is not a valid unified social credit code",
        "members[13].name: expected a non-empty string, got undefined",
        "members[13].bankAccount: expected an object with name, accountNumber, cnaps and bankName",
        `account ${CORE_A} is listed twice (members[0] and members[11])`,
        "USCC 91310115MA1K3YJ84X is listed twice (members[0] and members[11])",
        "USCC 91440300MA5DC1RE52 is listed twice (members[1] and members[12])",
      ]);
    });

    it("refuses what is not a directory", function () {
      expect(problemsOf([])).to.deep.equal(["directory: expected an object"]);
      expect(problemsOf({ members: {} })).to.deep.equal(["members: expected an array"]);
      expect(problemsOf({ member: [] })).to.deep.equal(["member: unknown field (expected one of members)", "members: expected an array"]);
    });

    it("accepts an empty directory, and notes starting with $", function () {
      const directory = parseMemberDirectory({ $comment: "none yet", members: [] });
      expect(directory.members).to.deep.equal([]);
      expect(() => directory.accountOf(CORE_A)).to.throw(UnknownMemberError, CORE_A);
    });

    it("reports a file that is not JSON as a directory problem", function () {
      const path = join(mkdtempSync(join(tmpdir(), "member-directory-")), "broken.json");
      writeFileSync(path, "{ members: [");
      expect(() => readMemberDirectory(path)).to.throw(MemberDirectoryError, path);
    });
  });
});
