import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ConsortiumConfigError, parseConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { MemberRole } from "../../src/sdk/constants.js";
import { testUscc } from "../helpers/uscc.js";

/** The committed example, read fresh for every use so a test can change its copy. */
const EXAMPLE_TEXT = readFileSync(new URL("../../config/consortium.example.json", import.meta.url), "utf8");
type Json = Record<string, any>;
function example(): Json {
  return JSON.parse(EXAMPLE_TEXT);
}

/** The example with `change` applied to a copy. */
function exampleWith(change: (config: Json) => void): Json {
  const config = example();
  change(config);
  return config;
}

/** The problems `parseConsortiumConfig` reports for `raw`; fails the test when it does not throw a ConsortiumConfigError. */
function problemsOf(raw: unknown): string[] {
  try {
    parseConsortiumConfig(raw);
  } catch (error) {
    if (error instanceof ConsortiumConfigError) return error.problems;
    throw error;
  }
  expect.fail("expected parseConsortiumConfig to throw a ConsortiumConfigError");
}

// Accounts of the example (Hardhat's default mnemonic, account #0 the admin, #1..#15 the members), checksummed.
const ADMIN = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const CORE_A = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const CORE_B = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const SUPPLIER_A = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const SUPPLIER_B = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";
const SUPPLIER_C = "0xBcd4042DE499D14e55001CcbB24a551F3b954096";
const SUPPLIER_D = "0x71bE63f3384f5fb98995898A86B02Fb2426c5788";
const SUPPLIER_E = "0xFABB0ac9d68B0B445fB7357272Ff202C5651694a";
const SUPPLIER_F = "0x1CBd3b2770909D4e10f157cABC84C7264073C9Ec";
const SUPPLIER_G = "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097";
const BANK_X = "0x976EA74026E726554dB657fA54763abd0C3a0aa9";
const BANK_Y = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const ORACLE_1 = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const ORACLE_2 = "0xcd3B766CCDd6AE721141F452C550Ca635964ce71";
const AUDITOR = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
/** A well-formed address no example member uses: development account #16, the first after the members. */
const FREE_ADDRESS = "0x2546BcD3c84621e976D8185a91A922aE77ECEc30";
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

const UINT64_MAX = (1n << 64n) - 1n;
const UINT24_MAX = 2 ** 24 - 1;
const ROLE_NAMES = "CoreEnterprise, Supplier, Bank, Oracle, Auditor, Operator";
const CONFIG_FIELDS = "name, admin, operator, auditors, oracles, banks, coreEnterprises, suppliers";
const MEMBER_FIELDS = "key, name, legalName, uscc, address, groupId, extraRoles";
const CORE_ENTERPRISE_FIELDS = `${MEMBER_FIELDS}, creditLineFen, clearingBank`;

/** A valid USCC with its check character replaced by another character of the alphabet. */
function withWrongCheckCharacter(code: string): string {
  return code.slice(0, 17) + (code[17] === "0" ? "1" : "0");
}

describe("parseConsortiumConfig()", function () {
  describe("with the committed example config (config/consortium.example.json)", function () {
    it("returns every member in section order with its section's role, checksummed address, USCC and group 0", function () {
      const plan = parseConsortiumConfig(example());
      expect(plan.members.map((m) => [m.key, m.section, m.roles, m.address, m.uscc, m.groupId])).to.deep.equal([
        ["operator", "operator", MemberRole.Operator, OPERATOR, "91310115MA1K4LRN1A", 0],
        ["auditor", "auditors", MemberRole.Auditor, AUDITOR, "91310000MA1FL7TX21", 0],
        ["oracle1", "oracles", MemberRole.Oracle, ORACLE_1, "91310115MA1H9CQW3Q", 0],
        ["oracle2", "oracles", MemberRole.Oracle, ORACLE_2, "91310115MA1H7TWKCP", 0],
        ["bankX", "banks", MemberRole.Bank, BANK_X, "913100001000123452", 0],
        ["bankY", "banks", MemberRole.Bank, BANK_Y, "91440300100023456D", 0],
        ["coreA", "coreEnterprises", MemberRole.CoreEnterprise, CORE_A, "91310115MA1K3YJ84X", 0],
        ["coreB", "coreEnterprises", MemberRole.CoreEnterprise, CORE_B, "91440300MA5DC1RE52", 0],
        ["supplierA", "suppliers", MemberRole.Supplier, SUPPLIER_A, "91320500MA1MXQ3T6M", 0],
        ["supplierB", "suppliers", MemberRole.Supplier, SUPPLIER_B, "91340100MA2NH0UK7U", 0],
        ["supplierC", "suppliers", MemberRole.Supplier, SUPPLIER_C, "91320200MA1W8KQ7XC", 0],
        ["supplierD", "suppliers", MemberRole.Supplier, SUPPLIER_D, "91330200MA2GL4NB6R", 0],
        ["supplierE", "suppliers", MemberRole.Supplier, SUPPLIER_E, "91320400MA1Q6T2XH4", 0],
        ["supplierF", "suppliers", MemberRole.Supplier, SUPPLIER_F, "91370200MA3C8PRE4G", 0],
        ["supplierG", "suppliers", MemberRole.Supplier, SUPPLIER_G, "91420100MA4K2D7LNN", 0],
      ]);
    });

    it("keeps names and legal names", function () {
      const plan = parseConsortiumConfig(example());
      const coreA = plan.byKey.get("coreA")!;
      expect(coreA.name).to.equal("Huadong Heavy Equipment Group");
      expect(coreA.legalName).to.equal("上海华东重型装备集团有限公司");
    });

    it("returns the core enterprises with their credit lines in fen (bigint) and clearing banks' addresses", function () {
      const plan = parseConsortiumConfig(example());
      expect(plan.coreEnterprises).to.deep.equal([
        { key: "coreA", address: CORE_A, creditLine: 10_000_000_000n, clearingBankKey: "bankX", clearingBank: BANK_X },
        { key: "coreB", address: CORE_B, creditLine: 5_000_000_000n, clearingBankKey: "bankY", clearingBank: BANK_Y },
      ]);
    });

    it("returns the admin and the consortium name, and indexes members by key", function () {
      const plan = parseConsortiumConfig(example());
      expect(plan.admin).to.equal(ADMIN);
      expect(plan.name).to.equal("Example supply chain consortium");
      expect([...plan.byKey.keys()]).to.deep.equal(plan.members.map((m) => m.key));
      expect(plan.byKey.get("bankY")).to.equal(plan.members[5]);
    });

    it("leaves FREE_ADDRESS, which these tests take as nobody's, to no member and not to the admin", function () {
      const plan = parseConsortiumConfig(example());
      expect(plan.members.map((m) => m.address)).to.not.include(FREE_ADDRESS);
      expect(plan.admin).to.not.equal(FREE_ADDRESS);
    });
  });

  describe("with valid variations of the example", function () {
    it("adds extra roles to the section's role and keeps the group id", function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          c.coreEnterprises[0].extraRoles = ["Supplier", "Bank"];
          c.coreEnterprises[0].groupId = 7;
          c.suppliers[0].groupId = UINT24_MAX;
        }),
      );
      const coreA = plan.byKey.get("coreA")!;
      expect(coreA.roles).to.equal(MemberRole.CoreEnterprise | MemberRole.Supplier | MemberRole.Bank);
      expect(coreA.groupId).to.equal(7);
      expect(plan.byKey.get("supplierA")!.groupId).to.equal(UINT24_MAX);
    });

    it("accepts a clearing bank that holds the Bank role as an extra role", function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          c.suppliers[0].extraRoles = ["Bank"];
          c.coreEnterprises[0].clearingBank = "supplierA";
        }),
      );
      expect(plan.coreEnterprises[0].clearingBank).to.equal(SUPPLIER_A);
      expect(plan.coreEnterprises[0].clearingBankKey).to.equal("supplierA");
    });

    it("checksums lower-case addresses (members and admin)", function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          c.admin = ADMIN.toLowerCase();
          c.banks[0].address = BANK_X.toLowerCase();
        }),
      );
      expect(plan.admin).to.equal(ADMIN);
      expect(plan.byKey.get("bankX")!.address).to.equal(BANK_X);
      expect(plan.coreEnterprises[0].clearingBank).to.equal(BANK_X);
    });

    it("accepts credit lines of 0 and of the uint64 maximum", function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          c.coreEnterprises[0].creditLineFen = "0";
          c.coreEnterprises[1].creditLineFen = UINT64_MAX.toString();
        }),
      );
      expect(plan.coreEnterprises.map((core) => core.creditLine)).to.deep.equal([0n, UINT64_MAX]);
    });

    it('accepts keys starting with "$" anywhere as notes and ignores them', function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          c.$schema = "./consortium.schema.json";
          c.operator.$comment = "the platform operator";
          c.banks[1].$note = { reviewed: true };
          c.coreEnterprises[0].$comment = "credit line approved 2025-01";
          c.suppliers[1].$ = 1;
        }),
      );
      expect(plan).to.deep.equal(parseConsortiumConfig(example()));
    });

    it("accepts a config without admin and name, and with empty sections", function () {
      const plan = parseConsortiumConfig(
        exampleWith((c) => {
          delete c.admin;
          delete c.name;
          c.oracles = [];
          c.auditors = [];
        }),
      );
      expect(plan.admin).to.equal(undefined);
      expect(plan.name).to.equal(undefined);
      expect(plan.members.map((m) => m.key)).to.deep.equal([
        "operator",
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
    });
  });

  describe("when the config is not an object", function () {
    for (const [label, raw] of [
      ["null", null],
      ["an array", []],
      ["a string", "config"],
      ["a number", 42],
      ["undefined", undefined],
    ] as const) {
      it(`reports "config: expected an object" for ${label}`, function () {
        expect(problemsOf(raw)).to.deep.equal(["config: expected an object"]);
      });
    }
  });

  describe("when a section is missing or of the wrong type", function () {
    const cases: Array<[string, (c: Json) => void, string[]]> = [
      ["the operator is missing", (c) => delete c.operator, ["operator: missing"]],
      ["the operator is null", (c) => (c.operator = null), ["operator: expected an object"]],
      ["the operator is an array", (c) => (c.operator = [c.operator]), ["operator: expected an object"]],
      ["auditors is missing", (c) => delete c.auditors, ["auditors: expected an array"]],
      ["oracles is missing", (c) => delete c.oracles, ["oracles: expected an array"]],
      ["banks is an object", (c) => (c.banks = c.banks[0]), [
        "banks: expected an array",
        // Without banks, neither core enterprise has its clearing bank.
        'coreEnterprises[0].clearingBank: "bankX" is not the key of a bank',
        'coreEnterprises[1].clearingBank: "bankY" is not the key of a bank',
      ]],
      ["coreEnterprises is a string", (c) => (c.coreEnterprises = "coreA"), ["coreEnterprises: expected an array"]],
      ["suppliers is null", (c) => (c.suppliers = null), ["suppliers: expected an array"]],
      ["a supplier entry is a string", (c) => (c.suppliers[1] = "supplierB"), ["suppliers[1]: expected an object"]],
      ["a bank entry is an array", (c) => (c.banks[0] = [c.banks[0]]), [
        "banks[0]: expected an object",
        // coreA's clearing bank is gone with it.
        'coreEnterprises[0].clearingBank: "bankX" is not the key of a bank',
      ]],
    ];
    for (const [label, change, expected] of cases) {
      it(`reports ${JSON.stringify(expected)} when ${label}`, function () {
        expect(problemsOf(exampleWith(change))).to.deep.equal(expected);
      });
    }
  });

  describe("when a member field is invalid", function () {
    const validUscc = testUscc(500);
    const cases: Array<[string, (c: Json) => void, string[]]> = [
      ["the key is missing", (c) => delete c.operator.key, ["operator.key: expected an identifier, got undefined"]],
      ["the key starts with a digit", (c) => (c.auditors[0].key = "1auditor"), ['auditors[0].key: expected an identifier, got "1auditor"']],
      ["the key has a space", (c) => (c.oracles[0].key = "oracle 1"), ['oracles[0].key: expected an identifier, got "oracle 1"']],
      ["the key is a number", (c) => (c.suppliers[0].key = 7), ["suppliers[0].key: expected an identifier, got 7"]],
      ["the name is missing", (c) => delete c.suppliers[1].name, ["suppliers[1].name: expected a non-empty string"]],
      ["the name is blank", (c) => (c.suppliers[1].name = "   "), ["suppliers[1].name: expected a non-empty string"]],
      ["the name is a number", (c) => (c.operator.name = 1), ["operator.name: expected a non-empty string"]],
      ["the legal name is a number", (c) => (c.auditors[0].legalName = 42), ["auditors[0].legalName: expected a string"]],
      [
        "the USCC has a wrong check character",
        (c) => (c.suppliers[0].uscc = withWrongCheckCharacter("91320500MA1MXQ3T6M")),
        [`suppliers[0].uscc: "${withWrongCheckCharacter("91320500MA1MXQ3T6M")}" is not a valid unified social credit code`],
      ],
      [
        "the USCC is lower case",
        (c) => (c.suppliers[0].uscc = "91320500ma1mxq3t6m"),
        ['suppliers[0].uscc: "91320500ma1mxq3t6m" is not a valid unified social credit code'],
      ],
      [
        "the USCC is 17 characters long",
        (c) => (c.oracles[0].uscc = "91310115MA1H9CQW3"),
        ['oracles[0].uscc: "91310115MA1H9CQW3" is not a valid unified social credit code'],
      ],
      [
        "the USCC has a character outside the alphabet (I)",
        (c) => (c.oracles[0].uscc = "91310115MA1H9CQWI" + validUscc[17]),
        [`oracles[0].uscc: "91310115MA1H9CQWI${validUscc[17]}" is not a valid unified social credit code`],
      ],
      ["the USCC is missing", (c) => delete c.banks[1].uscc, [
        "banks[1].uscc: undefined is not a valid unified social credit code",
        'coreEnterprises[1].clearingBank: "bankY" is not the key of a bank',
      ]],
      ["the USCC is a number", (c) => (c.banks[1].uscc = 91440300), [
        "banks[1].uscc: 91440300 is not a valid unified social credit code",
        // bankY is dropped, so coreB's clearing bank is unknown.
        'coreEnterprises[1].clearingBank: "bankY" is not the key of a bank',
      ]],
      ["the address is too short", (c) => (c.coreEnterprises[1].address = "0x1234"), ['coreEnterprises[1].address: expected an address, got "0x1234"']],
      [
        "the address has a wrong checksum",
        (c) => (c.suppliers[1].address = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4DC"),
        ['suppliers[1].address: expected an address, got "0x9965507D1a55bcC2695C58ba16FB37d819B0A4DC"'],
      ],
      ["the address is missing", (c) => delete c.operator.address, ["operator.address: expected an address, got undefined"]],
      ["the address is not hex", (c) => (c.operator.address = "0x" + "g".repeat(40)), [`operator.address: expected an address, got "0x${"g".repeat(40)}"`]],
      // registerMember would revert with RegistryZeroAddress half-way through onboarding.
      ["the address is the zero address", (c) => (c.suppliers[0].address = ZERO_ADDRESS), ["suppliers[0].address: must not be the zero address"]],
      ["the address is the zero address of a bank", (c) => (c.banks[0].address = ZERO_ADDRESS), [
        "banks[0].address: must not be the zero address",
        'coreEnterprises[0].clearingBank: "bankX" is not the key of a bank',
      ]],
      ["the group id is negative", (c) => (c.suppliers[0].groupId = -1), [`suppliers[0].groupId: expected an integer 0..${UINT24_MAX}, got -1`]],
      ["the group id has decimals", (c) => (c.suppliers[0].groupId = 1.5), [`suppliers[0].groupId: expected an integer 0..${UINT24_MAX}, got 1.5`]],
      [
        "the group id is beyond uint24",
        (c) => (c.suppliers[0].groupId = UINT24_MAX + 1),
        [`suppliers[0].groupId: expected an integer 0..${UINT24_MAX}, got ${UINT24_MAX + 1}`],
      ],
      ["the group id is a string", (c) => (c.suppliers[0].groupId = "3"), [`suppliers[0].groupId: expected an integer 0..${UINT24_MAX}, got "3"`]],
      // Only an absent group id means group 0.
      ["the group id is null", (c) => (c.suppliers[0].groupId = null), [`suppliers[0].groupId: expected an integer 0..${UINT24_MAX}, got null`]],
      ["extraRoles is a string", (c) => (c.coreEnterprises[0].extraRoles = "Supplier"), ["coreEnterprises[0].extraRoles: expected an array of role names"]],
      [
        "an extra role is unknown",
        (c) => (c.coreEnterprises[0].extraRoles = ["Supplier", "Admin"]),
        [`coreEnterprises[0].extraRoles: unknown role "Admin" (one of ${ROLE_NAMES})`],
      ],
      [
        "an extra role is spelt in lower case",
        (c) => (c.suppliers[0].extraRoles = ["bank"]),
        [`suppliers[0].extraRoles: unknown role "bank" (one of ${ROLE_NAMES})`],
      ],
      [
        "an extra role is a role number",
        (c) => (c.suppliers[0].extraRoles = [MemberRole.Bank, "Oracle", null]),
        [
          `suppliers[0].extraRoles: unknown role 4 (one of ${ROLE_NAMES})`,
          `suppliers[0].extraRoles: unknown role null (one of ${ROLE_NAMES})`,
          "suppliers[0].extraRoles: oracle and operator cannot be combined with core enterprise, supplier or bank",
        ],
      ],
      [
        "an oracle also holds the bank role",
        (c) => (c.oracles[0].extraRoles = ["Bank"]),
        ["oracles[0].extraRoles: oracle and operator cannot be combined with core enterprise, supplier or bank"],
      ],
      [
        "a supplier also holds the operator role",
        (c) => (c.suppliers[0].extraRoles = ["Operator"]),
        ["suppliers[0].extraRoles: oracle and operator cannot be combined with core enterprise, supplier or bank"],
      ],
      [
        "an extra role is a name every object inherits",
        (c) => (c.suppliers[0].extraRoles = ["toString", "constructor", "hasOwnProperty", "__proto__"]),
        ["toString", "constructor", "hasOwnProperty", "__proto__"].map(
          (role) => `suppliers[0].extraRoles: unknown role "${role}" (one of ${ROLE_NAMES})`,
        ),
      ],
    ];
    for (const [label, change, expected] of cases) {
      it(`reports ${JSON.stringify(expected)} when ${label}`, function () {
        expect(problemsOf(exampleWith(change))).to.deep.equal(expected);
      });
    }
  });

  describe("when a core enterprise's credit line or clearing bank is invalid", function () {
    const creditLineProblem = (got: string) => `coreEnterprises[0].creditLineFen: expected a decimal string of fen, got ${got}`;
    const cases: Array<[string, (c: Json) => void, string[]]> = [
      ["the credit line is missing", (c) => delete c.coreEnterprises[0].creditLineFen, [creditLineProblem("undefined")]],
      ["the credit line is a number", (c) => (c.coreEnterprises[0].creditLineFen = 10_000), [creditLineProblem("10000")]],
      ["the credit line is negative", (c) => (c.coreEnterprises[0].creditLineFen = "-100"), [creditLineProblem('"-100"')]],
      ["the credit line has decimals", (c) => (c.coreEnterprises[0].creditLineFen = "100.50"), [creditLineProblem('"100.50"')]],
      ["the credit line is in exponent notation", (c) => (c.coreEnterprises[0].creditLineFen = "1e10"), [creditLineProblem('"1e10"')]],
      ["the credit line is empty", (c) => (c.coreEnterprises[0].creditLineFen = ""), [creditLineProblem('""')]],
      ["the credit line has a thousands separator", (c) => (c.coreEnterprises[0].creditLineFen = "10,000"), [creditLineProblem('"10,000"')]],
      ["the credit line is padded with spaces", (c) => (c.coreEnterprises[0].creditLineFen = " 100"), [creditLineProblem('" 100"')]],
      [
        "the credit line is one above uint64",
        (c) => (c.coreEnterprises[0].creditLineFen = (UINT64_MAX + 1n).toString()),
        [`coreEnterprises[0].creditLineFen: ${UINT64_MAX + 1n} does not fit in uint64`],
      ],
      [
        "the clearing bank is missing",
        (c) => delete c.coreEnterprises[0].clearingBank,
        ["coreEnterprises[0].clearingBank: expected the key of a bank, got undefined"],
      ],
      ["the clearing bank is empty", (c) => (c.coreEnterprises[0].clearingBank = ""), ['coreEnterprises[0].clearingBank: expected the key of a bank, got ""']],
      // Reported once: a value that is not a key is not looked up as one.
      ["the clearing bank is a number", (c) => (c.coreEnterprises[0].clearingBank = 5), ["coreEnterprises[0].clearingBank: expected the key of a bank, got 5"]],
      ["the clearing bank is null", (c) => (c.coreEnterprises[0].clearingBank = null), ["coreEnterprises[0].clearingBank: expected the key of a bank, got null"]],
      [
        "the clearing bank is a bank's member entry",
        (c) => (c.coreEnterprises[1].clearingBank = { key: "bankY" }),
        ['coreEnterprises[1].clearingBank: expected the key of a bank, got {"key":"bankY"}'],
      ],
      ["the clearing bank is an unknown key", (c) => (c.coreEnterprises[0].clearingBank = "bankZ"), ['coreEnterprises[0].clearingBank: "bankZ" is not the key of a bank']],
      [
        "the clearing bank is a supplier",
        (c) => (c.coreEnterprises[1].clearingBank = "supplierA"),
        ['coreEnterprises[1].clearingBank: "supplierA" is not the key of a bank'],
      ],
      ["the clearing bank is the core enterprise itself", (c) => (c.coreEnterprises[1].clearingBank = "coreB"), [
        'coreEnterprises[1].clearingBank: "coreB" is not the key of a bank',
      ]],
      [
        "the clearing bank is referred to by name instead of key",
        (c) => (c.coreEnterprises[0].clearingBank = "Pudong Commercial Bank, Shanghai Branch"),
        ['coreEnterprises[0].clearingBank: "Pudong Commercial Bank, Shanghai Branch" is not the key of a bank'],
      ],
    ];
    for (const [label, change, expected] of cases) {
      it(`reports ${JSON.stringify(expected)} when ${label}`, function () {
        expect(problemsOf(exampleWith(change))).to.deep.equal(expected);
      });
    }
  });

  describe("when members collide or the admin is misused", function () {
    const cases: Array<[string, (c: Json) => void, string[]]> = [
      ["two members share a USCC", (c) => (c.coreEnterprises[1].uscc = c.coreEnterprises[0].uscc), ["coreB: USCC 91310115MA1K3YJ84X is also coreA's"]],
      [
        "two members in different sections share a USCC",
        (c) => (c.suppliers[1].uscc = c.operator.uscc),
        ["supplierB: USCC 91310115MA1K4LRN1A is also operator's"],
      ],
      ["two members share an address", (c) => (c.suppliers[1].address = c.suppliers[0].address), [`supplierB: address ${SUPPLIER_A} is also supplierA's`]],
      [
        "two members share an address written in different case",
        (c) => (c.suppliers[1].address = SUPPLIER_A.toLowerCase()),
        [`supplierB: address ${SUPPLIER_A} is also supplierA's`],
      ],
      [
        "a bank is also listed as a supplier under the same address",
        (c) => c.suppliers.push({ key: "bankXSupplier", name: "Bank X as supplier", uscc: testUscc(501), address: BANK_X }),
        [`bankXSupplier: address ${BANK_X} is also bankX's`],
      ],
      ["two members share a key", (c) => (c.banks[1].key = "bankX"), [
        'key "bankX" is used twice',
        // bankY's key is gone, so coreB's clearing bank is unknown.
        'coreEnterprises[1].clearingBank: "bankY" is not the key of a bank',
      ]],
      [
        "two members in different sections share a key",
        (c) => (c.suppliers[0].key = "coreA"),
        ['key "coreA" is used twice'],
      ],
      [
        "the admin is also a member",
        (c) => (c.admin = OPERATOR),
        [`operator: address ${OPERATOR} is the admin's; use a separate account for a member`],
      ],
      [
        "the admin (in lower case) is also a member",
        (c) => (c.admin = BANK_Y.toLowerCase()),
        [`bankY: address ${BANK_Y} is the admin's; use a separate account for a member`],
      ],
      ["the admin is not an address", (c) => (c.admin = "nobody"), ['admin: expected an address, got "nobody"']],
      ["the admin is a number", (c) => (c.admin = 0), ["admin: expected an address, got 0"]],
      ["the admin is null", (c) => (c.admin = null), ["admin: expected an address, got null"]],
      // Nobody can sign as the zero address, so onboarding could never run.
      ["the admin is the zero address", (c) => (c.admin = ZERO_ADDRESS), ["admin: must not be the zero address"]],
    ];
    for (const [label, change, expected] of cases) {
      it(`reports ${JSON.stringify(expected)} when ${label}`, function () {
        expect(problemsOf(exampleWith(change))).to.deep.equal(expected);
      });
    }
  });

  describe("when the consortium's name is invalid", function () {
    for (const [label, name] of [
      ["a number", 42],
      ["null", null],
      ["empty", ""],
      ["blank", "  "],
      ["an array of strings", ["Example"]],
    ] as const) {
      it(`reports "name: expected a non-empty string" when it is ${label}`, function () {
        expect(problemsOf(exampleWith((c) => (c.name = name)))).to.deep.equal(["name: expected a non-empty string"]);
      });
    }
  });

  describe("when a field is unknown", function () {
    const unknownField = (path: string, fields: string) => `${path}: unknown field (expected one of ${fields})`;
    const cases: Array<[string, (c: Json) => void, string[]]> = [
      [
        "a section's name is misspelt (bank for banks)",
        (c) => {
          c.bank = c.banks;
          delete c.banks;
        },
        [
          unknownField("bank", CONFIG_FIELDS),
          "banks: expected an array",
          'coreEnterprises[0].clearingBank: "bankX" is not the key of a bank',
          'coreEnterprises[1].clearingBank: "bankY" is not the key of a bank',
        ],
      ],
      [
        "an extra section is given beside the real one",
        (c) => (c.bank = [{ key: "bankZ", name: "Bank Z", uscc: testUscc(502), address: FREE_ADDRESS }]),
        [unknownField("bank", CONFIG_FIELDS)],
      ],
      ["a member has extraRole for extraRoles", (c) => (c.suppliers[0].extraRole = ["Bank"]), [unknownField("suppliers[0].extraRole", MEMBER_FIELDS)]],
      ["a supplier has a credit line", (c) => (c.suppliers[1].creditLineFen = "100"), [unknownField("suppliers[1].creditLineFen", MEMBER_FIELDS)]],
      ["the operator has a clearing bank", (c) => (c.operator.clearingBank = "bankX"), [unknownField("operator.clearingBank", MEMBER_FIELDS)]],
      [
        "a core enterprise's field is spelt in the wrong case (clearingbank)",
        (c) => {
          c.coreEnterprises[1].clearingbank = c.coreEnterprises[1].clearingBank;
          delete c.coreEnterprises[1].clearingBank;
        },
        [
          unknownField("coreEnterprises[1].clearingbank", CORE_ENTERPRISE_FIELDS),
          "coreEnterprises[1].clearingBank: expected the key of a bank, got undefined",
        ],
      ],
      // The bank is reported but kept, so coreA's clearing bank still resolves and is not reported as well.
      ["a bank has a misspelt field", (c) => (c.banks[0].legalname = "x"), [unknownField("banks[0].legalname", MEMBER_FIELDS)]],
      [
        "a member has an own __proto__ field (as JSON.parse makes one)",
        (c) => Object.defineProperty(c.auditors[0], "__proto__", { value: { roles: 63 }, enumerable: true }),
        [unknownField("auditors[0].__proto__", MEMBER_FIELDS)],
      ],
      [
        "several objects have unknown fields",
        (c) => {
          c.suppliers[1].groupID = 3;
          c.Admin = c.admin;
          c.suppliers[1].extraRole = [];
          c.oracles[0].comment = "not a note: no $";
        },
        [
          unknownField("Admin", CONFIG_FIELDS),
          unknownField("oracles[0].comment", MEMBER_FIELDS),
          unknownField("suppliers[1].groupID", MEMBER_FIELDS),
          unknownField("suppliers[1].extraRole", MEMBER_FIELDS),
        ],
      ],
    ];
    for (const [label, change, expected] of cases) {
      it(`reports ${JSON.stringify(expected)} when ${label}`, function () {
        expect(problemsOf(exampleWith(change))).to.deep.equal(expected);
      });
    }
  });

  describe("when several things are wrong", function () {
    it("reports every problem in one ConsortiumConfigError, in config order", function () {
      const config = exampleWith((c) => {
        c.admin = "0x1";
        c.operator.uscc = withWrongCheckCharacter(c.operator.uscc);
        c.operator.groupId = -3;
        delete c.auditors;
        c.banks[1].address = c.banks[0].address;
        c.coreEnterprises[0].creditLineFen = "-5";
        c.coreEnterprises[1].creditLineFen = "12.5";
        c.coreEnterprises[1].clearingBank = "supplierB";
        c.suppliers[0].extraRoles = ["Custodian"];
        c.suppliers[1].uscc = c.coreEnterprises[0].uscc;
        c.banks[0].extraRole = ["Oracle"];
        c.auditor = [];
      });
      let caught: unknown;
      try {
        parseConsortiumConfig(config);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ConsortiumConfigError);
      const error = caught as ConsortiumConfigError;
      const expected = [
        `auditor: unknown field (expected one of ${CONFIG_FIELDS})`,
        'admin: expected an address, got "0x1"',
        `operator.uscc: "${withWrongCheckCharacter("91310115MA1K4LRN1A")}" is not a valid unified social credit code`,
        `operator.groupId: expected an integer 0..${UINT24_MAX}, got -3`,
        "auditors: expected an array",
        `banks[0].extraRole: unknown field (expected one of ${MEMBER_FIELDS})`,
        'coreEnterprises[0].creditLineFen: expected a decimal string of fen, got "-5"',
        'coreEnterprises[1].creditLineFen: expected a decimal string of fen, got "12.5"',
        `suppliers[0].extraRoles: unknown role "Custodian" (one of ${ROLE_NAMES})`,
        `bankY: address ${BANK_X} is also bankX's`,
        "supplierB: USCC 91310115MA1K3YJ84X is also coreA's",
        'coreEnterprises[1].clearingBank: "supplierB" is not the key of a bank',
      ];
      expect(error.problems).to.deep.equal(expected);
      expect(error.code).to.equal("CONSORTIUM_CONFIG_INVALID");
      expect(error.name).to.equal("ConsortiumConfigError");
      expect(error.message).to.equal(`consortium config is invalid:\n  - ${expected.join("\n  - ")}`);
    });

    it("reports each bad field of one member", function () {
      const config = exampleWith((c) => {
        c.banks[0] = { key: "", name: "", legalName: [], uscc: "", address: "", groupId: "x", extraRoles: {} };
      });
      expect(problemsOf(config)).to.deep.equal([
        'banks[0].key: expected an identifier, got ""',
        "banks[0].name: expected a non-empty string",
        "banks[0].legalName: expected a string",
        'banks[0].uscc: "" is not a valid unified social credit code',
        'banks[0].address: expected an address, got ""',
        `banks[0].groupId: expected an integer 0..${UINT24_MAX}, got "x"`,
        "banks[0].extraRoles: expected an array of role names",
        'coreEnterprises[0].clearingBank: "bankX" is not the key of a bank',
      ]);
    });

    it("reports a missing operator together with problems in the sections", function () {
      const config = exampleWith((c) => {
        delete c.operator;
        c.oracles = {};
        c.coreEnterprises[0].creditLineFen = "18446744073709551616";
      });
      expect(problemsOf(config)).to.deep.equal([
        "oracles: expected an array",
        "coreEnterprises[0].creditLineFen: 18446744073709551616 does not fit in uint64",
        "operator: missing",
      ]);
    });
  });
});
