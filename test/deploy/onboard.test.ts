import { readFileSync } from "node:fs";
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { OnboardingError, onboardConsortium, type OnboardResult } from "../../src/deploy/onboard.js";
import { parseConsortiumConfig, type ConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { DEFAULT_POLICY, MemberRole, MemberStatus } from "../../src/sdk/constants.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import { testUscc } from "../helpers/uscc.js";
import type { VoucherLedger } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const CONSORTIUM_ADMIN_ROLE = ethers.id("CONSORTIUM_ADMIN_ROLE");

/** The committed example, read fresh for every use so a test can change its copy. */
const EXAMPLE_TEXT = readFileSync(new URL("../../config/consortium.example.json", import.meta.url), "utf8");
type Json = Record<string, any>;
function example(): Json {
  return JSON.parse(EXAMPLE_TEXT);
}
function exampleWith(change: (config: Json) => void): ConsortiumConfig {
  const config = example();
  change(config);
  return config as ConsortiumConfig;
}

/** What the example registers, by key (the expected values are written out, not taken from the parser). */
const EXPECTED_MEMBERS: Array<[key: string, address: string, uscc: string, roles: number]> = [
  ["operator", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "91310115MA1K4LRN1A", MemberRole.Operator],
  ["auditor", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "91310000MA1FL7TX21", MemberRole.Auditor],
  ["oracle1", "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "91310115MA1H9CQW3Q", MemberRole.Oracle],
  ["oracle2", "0xcd3B766CCDd6AE721141F452C550Ca635964ce71", "91310115MA1H7TWKCP", MemberRole.Oracle],
  ["bankX", "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "913100001000123452", MemberRole.Bank],
  ["bankY", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", "91440300100023456D", MemberRole.Bank],
  ["coreA", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "91310115MA1K3YJ84X", MemberRole.CoreEnterprise],
  ["coreB", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", "91440300MA5DC1RE52", MemberRole.CoreEnterprise],
  ["supplierA", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "91320500MA1MXQ3T6M", MemberRole.Supplier],
  ["supplierB", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", "91340100MA2NH0UK7U", MemberRole.Supplier],
  ["supplierC", "0xBcd4042DE499D14e55001CcbB24a551F3b954096", "91320200MA1W8KQ7XC", MemberRole.Supplier],
  ["supplierD", "0x71bE63f3384f5fb98995898A86B02Fb2426c5788", "91330200MA2GL4NB6R", MemberRole.Supplier],
  ["supplierE", "0xFABB0ac9d68B0B445fB7357272Ff202C5651694a", "91320400MA1Q6T2XH4", MemberRole.Supplier],
  ["supplierF", "0x1CBd3b2770909D4e10f157cABC84C7264073C9Ec", "91370200MA3C8PRE4G", MemberRole.Supplier],
  ["supplierG", "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097", "91420100MA4K2D7LNN", MemberRole.Supplier],
];
const ADDRESS = Object.fromEntries(EXPECTED_MEMBERS.map(([key, address]) => [key, address]));
const CREDIT_LINE_A = 10_000_000_000n;
const CREDIT_LINE_B = 5_000_000_000n;
/** Transactions of a run over the example on a fresh ledger: 15 registrations, then a credit line and a clearing bank for each of the 2 core enterprises. */
const FRESH_RUN_SENT = 19;
/** The first development account after the example's admin (#0) and members (#1..#15): the tests' other admin; the next (#17) is their outsider. */
const FIRST_FREE_ACCOUNT = 16;

/** Every step of a run over the example when the chain already matches it, in order. */
const ALL_SKIPPED_STEPS = [
  ...EXPECTED_MEMBERS.flatMap(([key]) => [
    { action: "registerMember", key },
    { action: "setMemberRoles", key },
    { action: "setRelatedPartyGroup", key },
  ]),
  { action: "setCreditLine", key: "coreA" },
  { action: "setClearingBank", key: "coreA" },
  { action: "setCreditLine", key: "coreB" },
  { action: "setClearingBank", key: "coreB" },
];

/** The steps that sent a transaction, as [action, key]. */
function sentSteps(result: OnboardResult): Array<[string, string]> {
  return result.steps.filter((step) => step.txHash !== undefined).map((step) => [step.action, step.key]);
}

async function nonceOf(signer: HardhatEthersSigner): Promise<number> {
  return ethers.provider.getTransactionCount(signer.address);
}

/** Awaits `promise` and returns the OnboardingError it rejects with; fails the test otherwise. */
async function onboardingErrorOf(promise: Promise<unknown>): Promise<OnboardingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OnboardingError) return error;
    throw error;
  }
  expect.fail("expected an OnboardingError");
}

describe("onboardConsortium()", function () {
  /**
   * A fresh ledger whose admin is account 0 (the example's admin); accounts 1..15 are the example's members,
   * so the other admin and the outsider are accounts 16 and 17 (of the embedded network's 20).
   */
  async function ledgerFixture() {
    const signers = await ethers.getSigners();
    const [admin] = signers;
    const [otherAdmin, outsider] = signers.slice(FIRST_FREE_ACCOUNT, FIRST_FREE_ACCOUNT + 2);
    const ledger = (await ethers.deployContract("VoucherLedger", [admin.address, DEFAULT_POLICY])) as unknown as VoucherLedger;
    return { actors: { admin, otherAdmin, outsider }, contracts: { ledger }, ledgerAddress: await ledger.getAddress() };
  }

  /** The ledger after one run of onboarding over the example config. */
  async function onboardedFixture() {
    const f = await ledgerFixture();
    const nonceBefore = await nonceOf(f.actors.admin);
    const lines: string[] = [];
    const result = await onboardConsortium(f.actors.admin, f.contracts.ledger, example() as ConsortiumConfig, { log: (line) => lines.push(line) });
    return { ...f, result, lines, nonceBefore };
  }

  describe("the accounts these tests use", function () {
    it("give the other admin and the outsider accounts that are neither the example's admin nor any of its members", async function () {
      const { actors } = await networkHelpers.loadFixture(ledgerFixture);
      const taken = [example().admin, ...EXPECTED_MEMBERS.map(([, address]) => address)];
      expect(actors.otherAdmin, "otherAdmin").to.not.equal(undefined);
      expect(actors.outsider, "outsider").to.not.equal(undefined);
      expect(taken).to.not.include(actors.otherAdmin.address);
      expect(taken).to.not.include(actors.outsider.address);
      expect(actors.otherAdmin.address).to.not.equal(actors.outsider.address);
    });
  });

  describe("on a fresh ledger with the example config", function () {
    it("registers every member as Active with its roles, USCC and group 0", async function () {
      const { contracts } = await networkHelpers.loadFixture(onboardedFixture);
      for (const [key, address, uscc, roles] of EXPECTED_MEMBERS) {
        const member = await contracts.ledger.memberOf(address);
        expect([key, member.status, member.roles, member.groupId, member.uscc, member.defaulted]).to.deep.equal([
          key,
          BigInt(MemberStatus.Active),
          BigInt(roles),
          0n,
          usccToBytes18(uscc),
          false,
        ]);
        expect(await contracts.ledger.accountOf(usccToBytes18(uscc))).to.equal(address);
      }
    });

    it("sets the core enterprises' credit lines and clearing banks", async function () {
      const { contracts } = await networkHelpers.loadFixture(onboardedFixture);
      expect((await contracts.ledger.memberOf(ADDRESS.coreA)).creditLine).to.equal(CREDIT_LINE_A);
      expect((await contracts.ledger.memberOf(ADDRESS.coreB)).creditLine).to.equal(CREDIT_LINE_B);
      expect(await contracts.ledger.clearingBankOf(ADDRESS.coreA)).to.equal(ADDRESS.bankX);
      expect(await contracts.ledger.clearingBankOf(ADDRESS.coreB)).to.equal(ADDRESS.bankY);
    });

    it("gives no credit line to the members that are not core enterprises", async function () {
      const { contracts } = await networkHelpers.loadFixture(onboardedFixture);
      for (const key of ["operator", "bankX", "supplierA"]) {
        expect((await contracts.ledger.memberOf(ADDRESS[key])).creditLine, key).to.equal(0n);
      }
    });

    it("sends one transaction per member and two per core enterprise, and reports each", async function () {
      const { actors, result, nonceBefore, ledgerAddress } = await networkHelpers.loadFixture(onboardedFixture);
      expect(result.ledger).to.equal(ledgerAddress);
      expect(result.sent).to.equal(FRESH_RUN_SENT);
      expect((await nonceOf(actors.admin)) - nonceBefore).to.equal(FRESH_RUN_SENT);
      expect(sentSteps(result)).to.deep.equal([
        ...EXPECTED_MEMBERS.map(([key]): [string, string] => ["registerMember", key]),
        ["setCreditLine", "coreA"],
        ["setClearingBank", "coreA"],
        ["setCreditLine", "coreB"],
        ["setClearingBank", "coreB"],
      ]);
      expect(result.steps).to.have.length(FRESH_RUN_SENT);
    });

    it("reports the hash of a mined transaction from the admin for every step it sent", async function () {
      const { actors, result, ledgerAddress } = await networkHelpers.loadFixture(onboardedFixture);
      for (const step of result.steps) {
        const receipt = await ethers.provider.getTransactionReceipt(step.txHash!);
        expect(receipt?.status, `${step.action} ${step.key}`).to.equal(1);
        expect(receipt?.from).to.equal(actors.admin.address);
        expect(receipt?.to).to.equal(ledgerAddress);
      }
    });

    it("logs one line per transaction sent", async function () {
      const { lines } = await networkHelpers.loadFixture(onboardedFixture);
      expect(lines).to.have.length(FRESH_RUN_SENT);
      expect(lines[0]).to.equal("  registered Pujiang Chain SCF Information Services (91310115MA1K4LRN1A) as operator");
      expect(lines[15]).to.equal("  set credit line of coreA to 10000000000 fen");
      expect(lines[18]).to.equal("  set clearing bank of coreB to bankY");
    });

    it("accepts a parsed plan as well as the raw config, and the ledger's address as well as the contract", async function () {
      const { actors, contracts, ledgerAddress } = await networkHelpers.loadFixture(ledgerFixture);
      const result = await onboardConsortium(actors.admin, ledgerAddress, parseConsortiumConfig(example()));
      expect(result.sent).to.equal(FRESH_RUN_SENT);
      expect(await contracts.ledger.clearingBankOf(ADDRESS.coreB)).to.equal(ADDRESS.bankY);
      expect((await contracts.ledger.memberOf(ADDRESS.supplierB)).roles).to.equal(BigInt(MemberRole.Supplier));
    });
  });

  describe("with extra roles and related-party groups in the config", function () {
    it("registers the combined roles and the group ids", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const config = exampleWith((c) => {
        c.coreEnterprises[0].extraRoles = ["Supplier"];
        c.coreEnterprises[0].groupId = 7;
        c.suppliers[0].groupId = 7;
        c.banks[1].extraRoles = ["Auditor"];
      });
      await onboardConsortium(actors.admin, contracts.ledger, config);
      const coreA = await contracts.ledger.memberOf(ADDRESS.coreA);
      expect(coreA.roles).to.equal(BigInt(MemberRole.CoreEnterprise | MemberRole.Supplier));
      expect(coreA.groupId).to.equal(7n);
      expect((await contracts.ledger.memberOf(ADDRESS.supplierA)).groupId).to.equal(7n);
      expect((await contracts.ledger.memberOf(ADDRESS.bankY)).roles).to.equal(BigInt(MemberRole.Bank | MemberRole.Auditor));
      expect((await contracts.ledger.memberOf(ADDRESS.supplierB)).groupId).to.equal(0n);
    });
  });

  describe("when run a second time with the same config", function () {
    it("sends no transaction (the admin's nonce is unchanged) and reports every step as skipped", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(onboardedFixture);
      const nonceBefore = await nonceOf(actors.admin);
      const lines: string[] = [];
      const second = await onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig, { log: (line) => lines.push(line) });
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
      expect(second.sent).to.equal(0);
      expect(second.steps).to.deep.equal(ALL_SKIPPED_STEPS);
      expect(lines).to.deep.equal([]);
    });

    it("leaves every member, credit line and clearing bank as it was", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(onboardedFixture);
      const read = async () =>
        Promise.all(
          EXPECTED_MEMBERS.map(async ([, address]) => [
            ...(await contracts.ledger.memberOf(address)),
            await contracts.ledger.clearingBankOf(address),
          ]),
        );
      const before = await read();
      await onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig);
      expect(await read()).to.deep.equal(before);
    });
  });

  describe("when the chain has drifted from the config", function () {
    it("sends only the changes back to the config: roles, group, credit line, clearing bank", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(onboardedFixture);
      const ledger = contracts.ledger.connect(actors.admin);
      await ledger.setMemberRoles(ADDRESS.supplierA, MemberRole.Supplier | MemberRole.Bank);
      await ledger.setRelatedPartyGroup(ADDRESS.bankY, 3);
      await ledger.setClearingBank(ADDRESS.coreA, ADDRESS.bankY);
      await ledger.setCreditLine(ADDRESS.coreB, 1n);
      const nonceBefore = await nonceOf(actors.admin);

      const result = await onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig);

      expect(sentSteps(result)).to.deep.equal([
        ["setRelatedPartyGroup", "bankY"],
        ["setMemberRoles", "supplierA"],
        ["setClearingBank", "coreA"],
        ["setCreditLine", "coreB"],
      ]);
      expect(result.sent).to.equal(4);
      expect((await nonceOf(actors.admin)) - nonceBefore).to.equal(4);
      expect((await contracts.ledger.memberOf(ADDRESS.supplierA)).roles).to.equal(BigInt(MemberRole.Supplier));
      expect((await contracts.ledger.memberOf(ADDRESS.bankY)).groupId).to.equal(0n);
      expect(await contracts.ledger.clearingBankOf(ADDRESS.coreA)).to.equal(ADDRESS.bankX);
      expect((await contracts.ledger.memberOf(ADDRESS.coreB)).creditLine).to.equal(CREDIT_LINE_B);
    });

    it("registers only a member added to the config and applies changed roles, group and credit line", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(onboardedFixture);
      const newcomer = actors.outsider.address;
      const config = exampleWith((c) => {
        c.suppliers.push({ key: "supplierH", name: "Xiamen Bearings", uscc: testUscc(700), address: newcomer, groupId: 2 });
        c.coreEnterprises[1].extraRoles = ["Supplier"];
        c.coreEnterprises[1].creditLineFen = "7000000000";
        c.oracles[0].groupId = 9;
      });
      const result = await onboardConsortium(actors.admin, contracts.ledger, config);
      expect(sentSteps(result)).to.deep.equal([
        ["setRelatedPartyGroup", "oracle1"],
        ["setMemberRoles", "coreB"],
        ["registerMember", "supplierH"],
        ["setCreditLine", "coreB"],
      ]);
      const added = await contracts.ledger.memberOf(newcomer);
      expect([added.status, added.roles, added.groupId, added.uscc]).to.deep.equal([
        BigInt(MemberStatus.Active),
        BigInt(MemberRole.Supplier),
        2n,
        usccToBytes18(testUscc(700)),
      ]);
      expect((await contracts.ledger.memberOf(ADDRESS.coreB)).roles).to.equal(BigInt(MemberRole.CoreEnterprise | MemberRole.Supplier));
      expect((await contracts.ledger.memberOf(ADDRESS.coreB)).creditLine).to.equal(7_000_000_000n);
      expect((await contracts.ledger.memberOf(ADDRESS.oracle1)).groupId).to.equal(9n);
    });
  });

  describe("when a member's address is registered under another USCC", function () {
    it("throws ONBOARDING_CONFLICT naming the member, its address and both codes, and sends nothing", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const otherUscc = testUscc(800);
      await contracts.ledger.connect(actors.admin).registerMember(ADDRESS.operator, usccToBytes18(otherUscc), MemberRole.Operator, 0);
      const nonceBefore = await nonceOf(actors.admin);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_CONFLICT");
      expect(error.name).to.equal("OnboardingError");
      expect(error.message).to.equal(
        `onboarding: operator (${ADDRESS.operator}) is registered under USCC ${otherUscc}, the config says 91310115MA1K4LRN1A`,
      );
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
      expect((await contracts.ledger.memberOf(ADDRESS.operator)).uscc).to.equal(usccToBytes18(otherUscc));
      expect((await contracts.ledger.memberOf(ADDRESS.auditor)).status).to.equal(BigInt(MemberStatus.None));
    });

    it("finds the conflict on the last member before sending anything (the admin's nonce is unchanged)", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const otherUscc = testUscc(801);
      await contracts.ledger.connect(actors.admin).registerMember(ADDRESS.supplierG, usccToBytes18(otherUscc), MemberRole.Supplier, 0);
      const nonceBefore = await nonceOf(actors.admin);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_CONFLICT");
      expect(error.message).to.equal(
        `onboarding: supplierG (${ADDRESS.supplierG}) is registered under USCC ${otherUscc}, the config says 91420100MA4K2D7LNN`,
      );
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
      for (const [key, address] of EXPECTED_MEMBERS.slice(0, -1)) {
        expect((await contracts.ledger.memberOf(address)).status, key).to.equal(BigInt(MemberStatus.None));
      }
    });
  });

  describe("when a member's USCC is already registered to another address", function () {
    it("throws ONBOARDING_USCC_TAKEN naming the member, its USCC and both addresses, and sends nothing", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const operatorUscc = "91310115MA1K4LRN1A";
      await contracts.ledger.connect(actors.admin).registerMember(actors.outsider.address, usccToBytes18(operatorUscc), MemberRole.Operator, 0);
      const nonceBefore = await nonceOf(actors.admin);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_USCC_TAKEN");
      expect(error.name).to.equal("OnboardingError");
      expect(error.message).to.equal(
        `onboarding: operator's USCC ${operatorUscc} is registered to ${actors.outsider.address}, the config gives operator the address ${ADDRESS.operator}`,
      );
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
      expect((await contracts.ledger.memberOf(ADDRESS.operator)).status).to.equal(BigInt(MemberStatus.None));
      expect(await contracts.ledger.accountOf(usccToBytes18(operatorUscc))).to.equal(actors.outsider.address);
    });

    it("finds the USCC taken on the last member before sending anything (the admin's nonce is unchanged)", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const supplierGUscc = "91420100MA4K2D7LNN";
      await contracts.ledger.connect(actors.admin).registerMember(actors.outsider.address, usccToBytes18(supplierGUscc), MemberRole.Supplier, 0);
      const nonceBefore = await nonceOf(actors.admin);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_USCC_TAKEN");
      expect(error.message).to.equal(
        `onboarding: supplierG's USCC ${supplierGUscc} is registered to ${actors.outsider.address}, the config gives supplierG the address ${ADDRESS.supplierG}`,
      );
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
      for (const [key, address] of EXPECTED_MEMBERS) {
        expect((await contracts.ledger.memberOf(address)).status, key).to.equal(BigInt(MemberStatus.None));
      }
    });

    it("reports the first conflict in plan order when there are several of both kinds", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const ledger = contracts.ledger.connect(actors.admin);
      await ledger.registerMember(ADDRESS.supplierA, usccToBytes18(testUscc(802)), MemberRole.Supplier, 0);
      await ledger.registerMember(actors.outsider.address, usccToBytes18("91310115MA1H9CQW3Q"), MemberRole.Oracle, 0);
      const nonceBefore = await nonceOf(actors.admin);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_USCC_TAKEN");
      expect(error.message).to.match(/^onboarding: oracle1's USCC 91310115MA1H9CQW3Q is registered to /);
      expect(await nonceOf(actors.admin)).to.equal(nonceBefore);
    });

    it("completes an onboarding that stopped part-way (members already registered with their own USCC pass)", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const ledger = contracts.ledger.connect(actors.admin);
      for (const [, address, uscc, roles] of EXPECTED_MEMBERS.slice(0, 3)) await ledger.registerMember(address, usccToBytes18(uscc), roles, 0);

      const result = await onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig);

      expect(result.sent).to.equal(FRESH_RUN_SENT - 3); // all but the three registrations already made
      expect(sentSteps(result).filter(([action]) => action === "registerMember").map(([, key]) => key)).to.deep.equal(
        EXPECTED_MEMBERS.slice(3).map(([key]) => key),
      );
    });
  });

  describe("when the signer may not onboard", function () {
    it("refuses a signer other than the config's admin with ONBOARDING_NOT_ADMIN before sending anything", async function () {
      const { actors, contracts } = await networkHelpers.loadFixture(ledgerFixture);
      const nonceBefore = await nonceOf(actors.outsider);

      const error = await onboardingErrorOf(onboardConsortium(actors.outsider, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_NOT_ADMIN");
      expect(error.message).to.equal(
        `onboarding: the config names admin ${actors.admin.address} but the signer is ${actors.outsider.address}`,
      );
      expect(await nonceOf(actors.outsider)).to.equal(nonceBefore);
      expect((await contracts.ledger.memberOf(ADDRESS.operator)).status).to.equal(BigInt(MemberStatus.None));
    });

    it("refuses a signer without CONSORTIUM_ADMIN_ROLE when the config names no admin", async function () {
      const { actors, contracts, ledgerAddress } = await networkHelpers.loadFixture(ledgerFixture);
      expect(await contracts.ledger.hasRole(CONSORTIUM_ADMIN_ROLE, actors.outsider.address)).to.equal(false);
      const nonceBefore = await nonceOf(actors.outsider);

      const error = await onboardingErrorOf(onboardConsortium(actors.outsider, contracts.ledger, exampleWith((c) => delete c.admin)));

      expect(error.code).to.equal("ONBOARDING_NOT_ADMIN");
      expect(error.message).to.equal(`onboarding: ${actors.outsider.address} lacks CONSORTIUM_ADMIN_ROLE on ${ledgerAddress}`);
      expect(await nonceOf(actors.outsider)).to.equal(nonceBefore);
      expect((await contracts.ledger.memberOf(ADDRESS.operator)).status).to.equal(BigInt(MemberStatus.None));
    });

    it("refuses the config's admin when it lacks CONSORTIUM_ADMIN_ROLE on this ledger", async function () {
      const { actors } = await networkHelpers.loadFixture(ledgerFixture);
      const foreign = (await ethers.deployContract("VoucherLedger", [actors.otherAdmin.address, DEFAULT_POLICY])) as unknown as VoucherLedger;
      const foreignAddress = await foreign.getAddress();

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, foreign, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_NOT_ADMIN");
      expect(error.message).to.equal(`onboarding: ${actors.admin.address} lacks CONSORTIUM_ADMIN_ROLE on ${foreignAddress}`);
      expect((await foreign.memberOf(ADDRESS.operator)).status).to.equal(BigInt(MemberStatus.None));
    });

    it("refuses an admin whose CONSORTIUM_ADMIN_ROLE was revoked", async function () {
      const { actors, contracts, ledgerAddress } = await networkHelpers.loadFixture(ledgerFixture);
      await contracts.ledger.connect(actors.admin).grantRole(CONSORTIUM_ADMIN_ROLE, actors.otherAdmin.address);
      await contracts.ledger.connect(actors.admin).revokeRole(CONSORTIUM_ADMIN_ROLE, actors.admin.address);

      const error = await onboardingErrorOf(onboardConsortium(actors.admin, contracts.ledger, example() as ConsortiumConfig));

      expect(error.code).to.equal("ONBOARDING_NOT_ADMIN");
      expect(error.message).to.equal(`onboarding: ${actors.admin.address} lacks CONSORTIUM_ADMIN_ROLE on ${ledgerAddress}`);
    });

    it("onboards with another account when the config names it and it holds the role", async function () {
      const { actors } = await networkHelpers.loadFixture(ledgerFixture);
      const ledger = (await ethers.deployContract("VoucherLedger", [actors.otherAdmin.address, DEFAULT_POLICY])) as unknown as VoucherLedger;

      const result = await onboardConsortium(actors.otherAdmin, ledger, exampleWith((c) => (c.admin = actors.otherAdmin.address)));

      expect(result.sent).to.equal(FRESH_RUN_SENT);
      expect((await ledger.memberOf(ADDRESS.coreA)).creditLine).to.equal(CREDIT_LINE_A);
    });
  });
});
