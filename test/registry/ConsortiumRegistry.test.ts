import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { DEFAULT_POLICY, MemberRole, MemberStatus, voucherIdOfPiece } from "../../src/sdk/constants.js";
import { bytes18ToUscc, usccToBytes18 } from "../../src/sdk/uscc.js";
import { testUscc } from "../helpers/uscc.js";
import { CREDIT_LINE, MILLION_CNY, deployConsortium, issueVoucher } from "../fixtures/consortium.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const CONSORTIUM_ADMIN_ROLE = ethers.id("CONSORTIUM_ADMIN_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const ALL_ROLES = 0x3f;

/** A USCC no fixture member holds (the fixture uses testUscc(1..12)). */
const NEW_USCC = usccToBytes18(testUscc(100));
const OTHER_USCC = usccToBytes18(testUscc(101));
/** Distinct from every fixture code: a real-world vector. */
const REAL_USCC = usccToBytes18("91350200776049653A");
/** Same as NEW_USCC but with a wrong check character. */
const BAD_CHECK_USCC = (() => {
  const code = testUscc(100);
  const wrong = code[17] === "0" ? "1" : "0";
  return "0x" + Buffer.from(code.slice(0, 17) + wrong, "ascii").toString("hex");
})();

describe("ConsortiumRegistry (inside VoucherLedger)", function () {
  async function registryFixture() {
    const c = await deployConsortium(ethers);
    const signers = await ethers.getSigners();
    // Signers 0..13 are the fixture's actors; the rest are free accounts that no one registered.
    const [newcomer, newcomer2, newAdmin] = signers.slice(14);
    return { ...c, spare: { newcomer, newcomer2, newAdmin } };
  }

  async function load() {
    return networkHelpers.loadFixture(registryFixture);
  }

  /** The non-admin callers every administrative function must refuse. */
  function nonAdmins(c: Awaited<ReturnType<typeof registryFixture>>): Array<[string, HardhatEthersSigner]> {
    return [
      ["an operator", c.actors.operator],
      ["a bank", c.actors.bankX],
      ["a core enterprise", c.actors.coreA],
      ["a supplier", c.actors.supplierA],
      ["an oracle", c.actors.oracle1],
      ["an auditor", c.actors.auditor],
      ["an outsider", c.actors.outsider],
    ];
  }

  /** Asserts that each non-admin caller is refused with AccessControlUnauthorizedAccount. */
  function itRefusesNonAdmins(call: (c: Awaited<ReturnType<typeof registryFixture>>, caller: HardhatEthersSigner) => Promise<unknown>) {
    describe("when the caller lacks CONSORTIUM_ADMIN_ROLE", function () {
      for (const [label, pick] of [
        ["an operator", "operator"],
        ["a bank", "bankX"],
        ["a core enterprise", "coreA"],
        ["a supplier", "supplierA"],
        ["an oracle", "oracle1"],
        ["an auditor", "auditor"],
        ["an outsider", "outsider"],
      ] as const) {
        it(`reverts with AccessControlUnauthorizedAccount for ${label}`, async function () {
          const c = await load();
          const caller = c.actors[pick];
          await expect(call(c, caller))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, CONSORTIUM_ADMIN_ROLE);
        });
      }
    });
  }

  describe("constructor", function () {
    describe("when admin is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const factory = await ethers.getContractFactory("VoucherLedger");
        await expect(factory.deploy(ethers.ZeroAddress, DEFAULT_POLICY)).to.be.revertedWithCustomError(
          factory,
          "RegistryZeroAddress",
        );
      });
    });

    describe("when admin is an account", function () {
      it("grants DEFAULT_ADMIN_ROLE and CONSORTIUM_ADMIN_ROLE to the admin and to no one else", async function () {
        const c = await load();
        const { registry } = c.contracts;
        expect(await registry.CONSORTIUM_ADMIN_ROLE()).to.equal(CONSORTIUM_ADMIN_ROLE);
        expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, c.actors.admin.address)).to.equal(true);
        expect(await registry.hasRole(CONSORTIUM_ADMIN_ROLE, c.actors.admin.address)).to.equal(true);
        for (const [, signer] of nonAdmins(c)) {
          expect(await registry.hasRole(DEFAULT_ADMIN_ROLE, signer.address)).to.equal(false);
          expect(await registry.hasRole(CONSORTIUM_ADMIN_ROLE, signer.address)).to.equal(false);
        }
        expect(await registry.getRoleAdmin(CONSORTIUM_ADMIN_ROLE)).to.equal(DEFAULT_ADMIN_ROLE);
      });

      it("emits RoleGranted for both roles at deployment", async function () {
        const [admin] = await ethers.getSigners();
        const ledger = await ethers.deployContract("VoucherLedger", [admin.address, DEFAULT_POLICY]);
        const tx = ledger.deploymentTransaction()!;
        await expect(tx).to.emit(ledger, "RoleGranted").withArgs(DEFAULT_ADMIN_ROLE, admin.address, admin.address);
        await expect(tx).to.emit(ledger, "RoleGranted").withArgs(CONSORTIUM_ADMIN_ROLE, admin.address, admin.address);
      });
    });
  });

  describe(".registerMember()", function () {
    describe("when called by the consortium admin with valid arguments", function () {
      it("stores an active member with no credit line and not in default", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 7);
        const member = await c.contracts.registry.memberOf(newcomer.address);
        expect(member.status).to.equal(BigInt(MemberStatus.Active));
        expect(member.roles).to.equal(BigInt(MemberRole.Supplier));
        expect(member.groupId).to.equal(7n);
        expect(member.creditLine).to.equal(0n);
        expect(member.defaulted).to.equal(false);
        expect(member.uscc).to.equal(NEW_USCC);
        expect(bytes18ToUscc(member.uscc)).to.equal(testUscc(100));
      });

      it("indexes the account by its USCC", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        expect(await c.contracts.registry.accountOf(NEW_USCC)).to.equal(ethers.ZeroAddress);
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 0);
        expect(await c.contracts.registry.accountOf(NEW_USCC)).to.equal(newcomer.address);
      });

      it("emits MemberRegistered with account, USCC, roles and group", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        const roles = MemberRole.Bank | MemberRole.Supplier;
        await expect(c.contracts.registry.registerMember(newcomer.address, NEW_USCC, roles, 42))
          .to.emit(c.contracts.registry, "MemberRegistered")
          .withArgs(newcomer.address, NEW_USCC, roles, 42);
      });

      it("accepts every business role at once (core enterprise, supplier, bank, auditor)", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        const roles = MemberRole.CoreEnterprise | MemberRole.Supplier | MemberRole.Bank | MemberRole.Auditor;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, roles, 0);
        expect((await c.contracts.registry.memberOf(newcomer.address)).roles).to.equal(BigInt(roles));
        expect(await c.contracts.registry.isActiveWith(newcomer.address, roles)).to.equal(true);
      });

      it("accepts oracle and operator together with auditor", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        const roles = MemberRole.Oracle | MemberRole.Operator | MemberRole.Auditor;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, roles, 0);
        expect((await c.contracts.registry.memberOf(newcomer.address)).roles).to.equal(BigInt(roles));
      });

      describe("when oracle or operator is combined with a trade or bank role", function () {
        for (const [label, roles] of [
          ["supplier and oracle", MemberRole.Supplier | MemberRole.Oracle],
          ["core enterprise and oracle", MemberRole.CoreEnterprise | MemberRole.Oracle],
          ["bank and oracle", MemberRole.Bank | MemberRole.Oracle],
          ["supplier and operator", MemberRole.Supplier | MemberRole.Operator],
          ["bank and operator", MemberRole.Bank | MemberRole.Operator],
          ["every role (0x3f)", ALL_ROLES],
        ] as const) {
          it(`reverts with RegistryConflictingRoles for ${label}`, async function () {
            const c = await load();
            await expect(c.contracts.registry.registerMember(c.spare.newcomer.address, NEW_USCC, roles, 0))
              .to.be.revertedWithCustomError(c.contracts.registry, "RegistryConflictingRoles")
              .withArgs(roles);
          });
        }
      });

      it("accepts the largest group id (2^24 - 1)", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 0xffffff);
        expect((await c.contracts.registry.memberOf(newcomer.address)).groupId).to.equal(0xffffffn);
      });

      it("registers the fixture's members under their USCCs", async function () {
        const c = await load();
        for (const [address, uscc] of c.usccs) {
          expect(await c.contracts.registry.accountOf(usccToBytes18(uscc))).to.equal(address);
          expect(bytes18ToUscc((await c.contracts.registry.memberOf(address)).uscc)).to.equal(uscc);
        }
      });
    });

    describe("when a holder of CONSORTIUM_ADMIN_ROLE other than the deployer calls", function () {
      it("registers the member", async function () {
        const c = await load();
        const { newcomer, newAdmin } = c.spare;
        await c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address);
        await expect(c.contracts.registry.connect(newAdmin).registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 0))
          .to.emit(c.contracts.registry, "MemberRegistered")
          .withArgs(newcomer.address, NEW_USCC, MemberRole.Supplier, 0);
      });
    });

    itRefusesNonAdmins((c, caller) =>
      c.contracts.registry.connect(caller).registerMember(c.spare.newcomer.address, NEW_USCC, MemberRole.Supplier, 0),
    );

    describe("when the account is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const c = await load();
        await expect(
          c.contracts.registry.registerMember(ethers.ZeroAddress, NEW_USCC, MemberRole.Supplier, 0),
        ).to.be.revertedWithCustomError(c.contracts.registry, "RegistryZeroAddress");
      });
    });

    describe("when the USCC fails the check", function () {
      it("reverts with RegistryInvalidUscc", async function () {
        const c = await load();
        await expect(c.contracts.registry.registerMember(c.spare.newcomer.address, BAD_CHECK_USCC, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
          .withArgs(BAD_CHECK_USCC);
      });

      it("reverts with RegistryInvalidUscc for the all-zero bytes18", async function () {
        const c = await load();
        const zero = "0x" + "00".repeat(18);
        await expect(c.contracts.registry.registerMember(c.spare.newcomer.address, zero, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidUscc")
          .withArgs(zero);
      });
    });

    describe("when the account is already a member", function () {
      it("reverts with RegistryMemberAlreadyRegistered", async function () {
        const c = await load();
        await expect(c.contracts.registry.registerMember(c.actors.supplierA.address, NEW_USCC, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMemberAlreadyRegistered")
          .withArgs(c.actors.supplierA.address);
      });

      it("reverts with RegistryMemberAlreadyRegistered while the member is suspended", async function () {
        const c = await load();
        await c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.Suspended);
        await expect(c.contracts.registry.registerMember(c.actors.supplierA.address, NEW_USCC, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMemberAlreadyRegistered")
          .withArgs(c.actors.supplierA.address);
      });

      it("reverts with RegistryMemberAlreadyRegistered before checking the USCC", async function () {
        const c = await load();
        await expect(c.contracts.registry.registerMember(c.actors.supplierA.address, BAD_CHECK_USCC, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMemberAlreadyRegistered")
          .withArgs(c.actors.supplierA.address);
      });
    });

    describe("when the USCC belongs to another member", function () {
      it("reverts with RegistryUsccAlreadyRegistered naming the holder of the code", async function () {
        const c = await load();
        const taken = usccToBytes18(c.usccs.get(c.actors.bankX.address)!);
        await expect(c.contracts.registry.registerMember(c.spare.newcomer.address, taken, MemberRole.Bank, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryUsccAlreadyRegistered")
          .withArgs(taken, c.actors.bankX.address);
      });

      it("reverts with RegistryUsccAlreadyRegistered for a code registered in this test", async function () {
        const c = await load();
        const { newcomer, newcomer2 } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, REAL_USCC, MemberRole.Supplier, 0);
        await expect(c.contracts.registry.registerMember(newcomer2.address, REAL_USCC, MemberRole.Supplier, 0))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryUsccAlreadyRegistered")
          .withArgs(REAL_USCC, newcomer.address);
      });
    });

    describe("when the roles are invalid", function () {
      for (const roles of [0, 0x40, 0x80, 0x41, 0xff]) {
        it(`reverts with RegistryInvalidRoles for 0x${roles.toString(16).padStart(2, "0")}`, async function () {
          const c = await load();
          await expect(c.contracts.registry.registerMember(c.spare.newcomer.address, NEW_USCC, roles, 0))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidRoles")
            .withArgs(roles);
        });
      }
    });
  });

  describe(".setMemberRoles()", function () {
    describe("when called by the consortium admin for a member", function () {
      it("replaces the roles", async function () {
        const c = await load();
        const { supplierA } = c.actors;
        const roles = MemberRole.Supplier | MemberRole.CoreEnterprise;
        await c.contracts.registry.setMemberRoles(supplierA.address, roles);
        expect((await c.contracts.registry.memberOf(supplierA.address)).roles).to.equal(BigInt(roles));
        expect(await c.contracts.registry.isActiveWith(supplierA.address, MemberRole.CoreEnterprise)).to.equal(true);
      });

      it("removes a role that is not in the new bitmap", async function () {
        const c = await load();
        const { bankX } = c.actors;
        await c.contracts.registry.setMemberRoles(bankX.address, MemberRole.Auditor);
        expect(await c.contracts.registry.isActiveWith(bankX.address, MemberRole.Bank)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(bankX.address, MemberRole.Auditor)).to.equal(true);
      });

      it("emits MemberRolesChanged with the previous and new roles", async function () {
        const c = await load();
        const { bankX } = c.actors;
        const roles = MemberRole.Bank | MemberRole.Auditor;
        await expect(c.contracts.registry.setMemberRoles(bankX.address, roles))
          .to.emit(c.contracts.registry, "MemberRolesChanged")
          .withArgs(bankX.address, MemberRole.Bank, roles);
      });

      it("leaves status, group, credit line and USCC unchanged", async function () {
        const c = await load();
        const { coreA } = c.actors;
        const before = await c.contracts.registry.memberOf(coreA.address);
        await c.contracts.registry.setMemberRoles(coreA.address, MemberRole.CoreEnterprise | MemberRole.Supplier | MemberRole.Bank);
        const after = await c.contracts.registry.memberOf(coreA.address);
        expect(after.status).to.equal(before.status);
        expect(after.groupId).to.equal(before.groupId);
        expect(after.creditLine).to.equal(CREDIT_LINE);
        expect(after.uscc).to.equal(before.uscc);
        expect(after.defaulted).to.equal(false);
      });
    });

    describe("when the new roles combine an oracle with a trade role", function () {
      it("reverts with RegistryConflictingRoles and keeps the old roles", async function () {
        const c = await load();
        const { oracle1 } = c.actors;
        const roles = MemberRole.Oracle | MemberRole.Supplier;
        await expect(c.contracts.registry.setMemberRoles(oracle1.address, roles))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryConflictingRoles")
          .withArgs(roles);
        expect((await c.contracts.registry.memberOf(oracle1.address)).roles).to.equal(BigInt(MemberRole.Oracle));
      });
    });

    itRefusesNonAdmins((c, caller) => c.contracts.registry.connect(caller).setMemberRoles(c.actors.supplierA.address, MemberRole.Bank));

    describe("when the account is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberRoles(c.actors.outsider.address, MemberRole.Supplier))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });

      it("reverts with RegistryNotAMember for the zero address", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberRoles(ethers.ZeroAddress, MemberRole.Supplier))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the roles are invalid", function () {
      for (const roles of [0, 0x40, 0x80, 0xc2]) {
        it(`reverts with RegistryInvalidRoles for 0x${roles.toString(16).padStart(2, "0")}`, async function () {
          const c = await load();
          await expect(c.contracts.registry.setMemberRoles(c.actors.supplierA.address, roles))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidRoles")
            .withArgs(roles);
        });
      }
    });
  });

  describe(".setMemberStatus()", function () {
    describe("when an active member is suspended", function () {
      it("stores Suspended and the member is no longer active with any role", async function () {
        const c = await load();
        const { bankX } = c.actors;
        await c.contracts.registry.setMemberStatus(bankX.address, MemberStatus.Suspended);
        expect((await c.contracts.registry.memberOf(bankX.address)).status).to.equal(BigInt(MemberStatus.Suspended));
        expect(await c.contracts.registry.isActiveWith(bankX.address, MemberRole.Bank)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(bankX.address, 0)).to.equal(false);
      });

      it("emits MemberStatusChanged(Active -> Suspended)", async function () {
        const c = await load();
        const { bankX } = c.actors;
        await expect(c.contracts.registry.setMemberStatus(bankX.address, MemberStatus.Suspended))
          .to.emit(c.contracts.registry, "MemberStatusChanged")
          .withArgs(bankX.address, MemberStatus.Active, MemberStatus.Suspended);
      });
    });

    describe("when a suspended member is reactivated", function () {
      it("stores Active and emits MemberStatusChanged(Suspended -> Active)", async function () {
        const c = await load();
        const { bankX } = c.actors;
        await c.contracts.registry.setMemberStatus(bankX.address, MemberStatus.Suspended);
        await expect(c.contracts.registry.setMemberStatus(bankX.address, MemberStatus.Active))
          .to.emit(c.contracts.registry, "MemberStatusChanged")
          .withArgs(bankX.address, MemberStatus.Suspended, MemberStatus.Active);
        expect((await c.contracts.registry.memberOf(bankX.address)).status).to.equal(BigInt(MemberStatus.Active));
        expect(await c.contracts.registry.isActiveWith(bankX.address, MemberRole.Bank)).to.equal(true);
      });
    });

    itRefusesNonAdmins((c, caller) =>
      c.contracts.registry.connect(caller).setMemberStatus(c.actors.supplierA.address, MemberStatus.Suspended),
    );

    describe("when the status is None", function () {
      it("reverts with RegistryInvalidStatus", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.None))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryInvalidStatus")
          .withArgs(MemberStatus.None);
      });
    });

    describe("when the status is outside the enum", function () {
      it("reverts without reason (ABI decoding)", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberStatus(c.actors.supplierA.address, 3)).to.be.revertedWithoutReason(ethers);
      });
    });

    describe("when the member already has that status", function () {
      it("reverts with RegistryStatusUnchanged for Active", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.Active))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryStatusUnchanged")
          .withArgs(c.actors.supplierA.address, MemberStatus.Active);
      });

      it("reverts with RegistryStatusUnchanged for Suspended", async function () {
        const c = await load();
        await c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.Suspended);
        await expect(c.contracts.registry.setMemberStatus(c.actors.supplierA.address, MemberStatus.Suspended))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryStatusUnchanged")
          .withArgs(c.actors.supplierA.address, MemberStatus.Suspended);
      });
    });

    describe("when the account is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setMemberStatus(c.actors.outsider.address, MemberStatus.Suspended))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });
    });
  });

  describe(".setRelatedPartyGroup()", function () {
    describe("when called by the consortium admin for a member", function () {
      it("stores the group and emits RelatedPartyGroupChanged", async function () {
        const c = await load();
        const { supplierA } = c.actors;
        await expect(c.contracts.registry.setRelatedPartyGroup(supplierA.address, 9))
          .to.emit(c.contracts.registry, "RelatedPartyGroupChanged")
          .withArgs(supplierA.address, 0, 9);
        expect((await c.contracts.registry.memberOf(supplierA.address)).groupId).to.equal(9n);
      });

      it("reports the previous group when changed again, and clears it with 0", async function () {
        const c = await load();
        const { supplierA } = c.actors;
        await c.contracts.registry.setRelatedPartyGroup(supplierA.address, 0xffffff);
        await expect(c.contracts.registry.setRelatedPartyGroup(supplierA.address, 0))
          .to.emit(c.contracts.registry, "RelatedPartyGroupChanged")
          .withArgs(supplierA.address, 0xffffff, 0);
        expect((await c.contracts.registry.memberOf(supplierA.address)).groupId).to.equal(0n);
      });

      it("works for a suspended member", async function () {
        const c = await load();
        const { supplierA } = c.actors;
        await c.contracts.registry.setMemberStatus(supplierA.address, MemberStatus.Suspended);
        await c.contracts.registry.setRelatedPartyGroup(supplierA.address, 5);
        expect((await c.contracts.registry.memberOf(supplierA.address)).groupId).to.equal(5n);
      });
    });

    itRefusesNonAdmins((c, caller) => c.contracts.registry.connect(caller).setRelatedPartyGroup(c.actors.supplierA.address, 1));

    describe("when the account is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setRelatedPartyGroup(c.actors.outsider.address, 1))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });
    });
  });

  describe(".setCreditLine()", function () {
    describe("when called by the consortium admin for a core enterprise", function () {
      it("stores the credit line and emits CreditLineChanged with the previous one", async function () {
        const c = await load();
        const { coreA } = c.actors;
        const line = 3n * MILLION_CNY;
        await expect(c.contracts.registry.setCreditLine(coreA.address, line))
          .to.emit(c.contracts.registry, "CreditLineChanged")
          .withArgs(coreA.address, CREDIT_LINE, line);
        expect((await c.contracts.registry.memberOf(coreA.address)).creditLine).to.equal(line);
      });

      it("accepts 0 and the uint64 maximum", async function () {
        const c = await load();
        const { coreB } = c.actors;
        const max = 2n ** 64n - 1n;
        await c.contracts.registry.setCreditLine(coreB.address, 0n);
        expect((await c.contracts.registry.memberOf(coreB.address)).creditLine).to.equal(0n);
        await expect(c.contracts.registry.setCreditLine(coreB.address, max))
          .to.emit(c.contracts.registry, "CreditLineChanged")
          .withArgs(coreB.address, 0n, max);
        expect((await c.contracts.registry.memberOf(coreB.address)).creditLine).to.equal(max);
      });

      it("accepts a member that holds the core-enterprise role among others", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.CoreEnterprise | MemberRole.Supplier, 0);
        await expect(c.contracts.registry.setCreditLine(newcomer.address, MILLION_CNY))
          .to.emit(c.contracts.registry, "CreditLineChanged")
          .withArgs(newcomer.address, 0n, MILLION_CNY);
      });
    });

    itRefusesNonAdmins((c, caller) => c.contracts.registry.connect(caller).setCreditLine(c.actors.coreA.address, MILLION_CNY));

    describe("when the account is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setCreditLine(c.actors.outsider.address, MILLION_CNY))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });
    });

    describe("when the member is not a core enterprise", function () {
      for (const pick of ["supplierA", "bankX", "operator", "auditor"] as const) {
        it(`reverts with RegistryMissingRole for ${pick}`, async function () {
          const c = await load();
          const account = c.actors[pick];
          await expect(c.contracts.registry.setCreditLine(account.address, MILLION_CNY))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMissingRole")
            .withArgs(account.address, MemberRole.CoreEnterprise);
        });
      }
    });
  });

  describe(".setClearingBank()", function () {
    describe("when called by the consortium admin for a core enterprise and a bank", function () {
      it("replaces the clearing bank and emits ClearingBankChanged with the previous bank", async function () {
        const c = await load();
        const { coreA, bankX, bankY } = c.actors;
        expect(await c.contracts.registry.clearingBankOf(coreA.address)).to.equal(bankX.address);
        await expect(c.contracts.registry.setClearingBank(coreA.address, bankY.address))
          .to.emit(c.contracts.registry, "ClearingBankChanged")
          .withArgs(coreA.address, bankX.address, bankY.address);
        expect(await c.contracts.registry.clearingBankOf(coreA.address)).to.equal(bankY.address);
      });

      it("reports the zero address as the previous bank of a new core enterprise", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.CoreEnterprise, 0);
        expect(await c.contracts.registry.clearingBankOf(newcomer.address)).to.equal(ethers.ZeroAddress);
        await expect(c.contracts.registry.setClearingBank(newcomer.address, c.actors.bankY.address))
          .to.emit(c.contracts.registry, "ClearingBankChanged")
          .withArgs(newcomer.address, ethers.ZeroAddress, c.actors.bankY.address);
      });
    });

    itRefusesNonAdmins((c, caller) =>
      c.contracts.registry.connect(caller).setClearingBank(c.actors.coreA.address, c.actors.bankY.address),
    );

    describe("when the core enterprise is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setClearingBank(c.actors.outsider.address, c.actors.bankX.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });
    });

    describe("when the core enterprise lacks the core-enterprise role", function () {
      it("reverts with RegistryMissingRole", async function () {
        const c = await load();
        await expect(c.contracts.registry.setClearingBank(c.actors.supplierA.address, c.actors.bankX.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMissingRole")
          .withArgs(c.actors.supplierA.address, MemberRole.CoreEnterprise);
      });
    });

    describe("when the bank is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.setClearingBank(c.actors.coreA.address, c.actors.outsider.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });

      it("reverts with RegistryNotAMember for the zero address", async function () {
        const c = await load();
        await expect(c.contracts.registry.setClearingBank(c.actors.coreA.address, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(ethers.ZeroAddress);
      });
    });

    describe("when the bank lacks the bank role", function () {
      for (const pick of ["supplierA", "coreB", "operator"] as const) {
        it(`reverts with RegistryMissingRole for ${pick}`, async function () {
          const c = await load();
          const account = c.actors[pick];
          await expect(c.contracts.registry.setClearingBank(c.actors.coreA.address, account.address))
            .to.be.revertedWithCustomError(c.contracts.registry, "RegistryMissingRole")
            .withArgs(account.address, MemberRole.Bank);
        });
      }
    });
  });

  describe(".restoreIssuer()", function () {
    /** Issues a voucher of coreA, lets it run past maturity + grace, and marks it overdue. */
    async function defaultedFixture() {
      const c = await registryFixture();
      const pieceId = await issueVoucher(ethers, c);
      const voucherId = voucherIdOfPiece(pieceId);
      const { maturity } = await c.contracts.ledger.voucherOf(voucherId);
      await networkHelpers.time.increaseTo(maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
      await c.contracts.ledger.connect(c.actors.supplierA).markOverdue(voucherId);
      return { ...c, voucherId };
    }

    describe("when the issuer is in default", function () {
      it("was put in default by markOverdue and cannot issue", async function () {
        const c = await networkHelpers.loadFixture(defaultedFixture);
        expect((await c.contracts.registry.memberOf(c.actors.coreA.address)).defaulted).to.equal(true);
        await expect(issueVoucher(ethers, c))
          .to.be.revertedWithCustomError(c.contracts.ledger, "IssuerInDefault")
          .withArgs(c.actors.coreA.address);
      });

      it("clears the default and emits IssuerRestored with the admin", async function () {
        const c = await networkHelpers.loadFixture(defaultedFixture);
        const { coreA, admin } = c.actors;
        await expect(c.contracts.registry.restoreIssuer(coreA.address))
          .to.emit(c.contracts.registry, "IssuerRestored")
          .withArgs(coreA.address, admin.address);
        const member = await c.contracts.registry.memberOf(coreA.address);
        expect(member.defaulted).to.equal(false);
        expect(member.status).to.equal(BigInt(MemberStatus.Active));
      });

      it("lets the issuer issue again", async function () {
        const c = await networkHelpers.loadFixture(defaultedFixture);
        await c.contracts.registry.restoreIssuer(c.actors.coreA.address);
        const pieceId = await issueVoucher(ethers, c);
        expect(voucherIdOfPiece(pieceId)).to.equal(c.voucherId + 1n);
        expect((await c.contracts.ledger.voucherOf(c.voucherId + 1n)).issuer).to.equal(c.actors.coreA.address);
      });

      it("emits IssuerRestored naming a second admin who restores", async function () {
        const c = await networkHelpers.loadFixture(defaultedFixture);
        const { newAdmin } = c.spare;
        await c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address);
        await expect(c.contracts.registry.connect(newAdmin).restoreIssuer(c.actors.coreA.address))
          .to.emit(c.contracts.registry, "IssuerRestored")
          .withArgs(c.actors.coreA.address, newAdmin.address);
      });

      for (const pick of ["operator", "bankX", "coreA", "coreB", "auditor", "outsider"] as const) {
        it(`reverts with AccessControlUnauthorizedAccount when ${pick} calls`, async function () {
          const c = await networkHelpers.loadFixture(defaultedFixture);
          const caller = c.actors[pick];
          await expect(c.contracts.registry.connect(caller).restoreIssuer(c.actors.coreA.address))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, CONSORTIUM_ADMIN_ROLE);
        });
      }

      it("reverts with RegistryIssuerNotDefaulted when restored twice", async function () {
        const c = await networkHelpers.loadFixture(defaultedFixture);
        await c.contracts.registry.restoreIssuer(c.actors.coreA.address);
        await expect(c.contracts.registry.restoreIssuer(c.actors.coreA.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryIssuerNotDefaulted")
          .withArgs(c.actors.coreA.address);
      });
    });

    itRefusesNonAdmins((c, caller) => c.contracts.registry.connect(caller).restoreIssuer(c.actors.coreA.address));

    describe("when the issuer is not in default", function () {
      it("reverts with RegistryIssuerNotDefaulted", async function () {
        const c = await load();
        await expect(c.contracts.registry.restoreIssuer(c.actors.coreA.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryIssuerNotDefaulted")
          .withArgs(c.actors.coreA.address);
      });
    });

    describe("when the account is not a member", function () {
      it("reverts with RegistryNotAMember", async function () {
        const c = await load();
        await expect(c.contracts.registry.restoreIssuer(c.actors.outsider.address))
          .to.be.revertedWithCustomError(c.contracts.registry, "RegistryNotAMember")
          .withArgs(c.actors.outsider.address);
      });
    });
  });

  describe(".memberOf()", function () {
    describe("when the account is not registered", function () {
      it("returns an empty record with status None", async function () {
        const c = await load();
        const member = await c.contracts.registry.memberOf(c.actors.outsider.address);
        expect(member.status).to.equal(BigInt(MemberStatus.None));
        expect(member.roles).to.equal(0n);
        expect(member.groupId).to.equal(0n);
        expect(member.creditLine).to.equal(0n);
        expect(member.defaulted).to.equal(false);
        expect(member.uscc).to.equal("0x" + "00".repeat(18));
      });
    });

    describe("when the account is a core enterprise", function () {
      it("returns its roles, credit line and USCC", async function () {
        const c = await load();
        const member = await c.contracts.registry.memberOf(c.actors.coreA.address);
        expect(member.status).to.equal(BigInt(MemberStatus.Active));
        expect(member.roles).to.equal(BigInt(MemberRole.CoreEnterprise));
        expect(member.creditLine).to.equal(CREDIT_LINE);
        expect(member.uscc).to.equal(usccToBytes18(c.usccs.get(c.actors.coreA.address)!));
      });
    });
  });

  describe(".accountOf()", function () {
    describe("when the USCC is registered", function () {
      it("returns the account", async function () {
        const c = await load();
        expect(await c.contracts.registry.accountOf(usccToBytes18(testUscc(1)))).to.equal(c.actors.operator.address);
        expect(await c.contracts.registry.accountOf(usccToBytes18(testUscc(12)))).to.equal(c.actors.auditor.address);
      });
    });

    describe("when the USCC is unknown", function () {
      it("returns the zero address (also for an invalid code)", async function () {
        const c = await load();
        expect(await c.contracts.registry.accountOf(REAL_USCC)).to.equal(ethers.ZeroAddress);
        expect(await c.contracts.registry.accountOf(BAD_CHECK_USCC)).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe(".clearingBankOf()", function () {
    it("returns the fixture's clearing banks", async function () {
      const c = await load();
      expect(await c.contracts.registry.clearingBankOf(c.actors.coreA.address)).to.equal(c.actors.bankX.address);
      expect(await c.contracts.registry.clearingBankOf(c.actors.coreB.address)).to.equal(c.actors.bankY.address);
    });

    describe("when none is set", function () {
      it("returns the zero address", async function () {
        const c = await load();
        expect(await c.contracts.registry.clearingBankOf(c.actors.supplierA.address)).to.equal(ethers.ZeroAddress);
        expect(await c.contracts.registry.clearingBankOf(c.actors.outsider.address)).to.equal(ethers.ZeroAddress);
      });
    });
  });

  describe(".isActiveWith()", function () {
    describe("when the member is active", function () {
      it("is true for each role it holds and for the empty role set", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        const roles = MemberRole.CoreEnterprise | MemberRole.Supplier;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, roles, 0);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, 0)).to.equal(true);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, MemberRole.CoreEnterprise)).to.equal(true);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, MemberRole.Supplier)).to.equal(true);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, roles)).to.equal(true);
      });

      it("is false unless it holds every requested flag", async function () {
        const c = await load();
        const { newcomer } = c.spare;
        await c.contracts.registry.registerMember(newcomer.address, NEW_USCC, MemberRole.CoreEnterprise | MemberRole.Supplier, 0);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, MemberRole.Bank)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, MemberRole.CoreEnterprise | MemberRole.Bank)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(newcomer.address, 0x40)).to.equal(false);
      });
    });

    describe("when the member is suspended", function () {
      it("is false", async function () {
        const c = await load();
        await c.contracts.registry.setMemberStatus(c.actors.oracle1.address, MemberStatus.Suspended);
        expect(await c.contracts.registry.isActiveWith(c.actors.oracle1.address, MemberRole.Oracle)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(c.actors.oracle2.address, MemberRole.Oracle)).to.equal(true);
      });
    });

    describe("when the account is not a member", function () {
      it("is false even for the empty role set", async function () {
        const c = await load();
        expect(await c.contracts.registry.isActiveWith(c.actors.outsider.address, 0)).to.equal(false);
        expect(await c.contracts.registry.isActiveWith(c.actors.admin.address, 0)).to.equal(false);
      });
    });
  });

  describe("CONSORTIUM_ADMIN_ROLE administration", function () {
    describe(".grantRole()", function () {
      describe("when DEFAULT_ADMIN_ROLE grants CONSORTIUM_ADMIN_ROLE", function () {
        it("emits RoleGranted and the grantee can administer members", async function () {
          const c = await load();
          const { newAdmin, newcomer } = c.spare;
          await expect(c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address))
            .to.emit(c.contracts.registry, "RoleGranted")
            .withArgs(CONSORTIUM_ADMIN_ROLE, newAdmin.address, c.actors.admin.address);
          expect(await c.contracts.registry.hasRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address)).to.equal(true);
          await c.contracts.registry.connect(newAdmin).registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 0);
          expect(await c.contracts.registry.isActiveWith(newcomer.address, MemberRole.Supplier)).to.equal(true);
        });

        it("does not give the grantee DEFAULT_ADMIN_ROLE", async function () {
          const c = await load();
          const { newAdmin, newcomer2 } = c.spare;
          await c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address);
          expect(await c.contracts.registry.hasRole(DEFAULT_ADMIN_ROLE, newAdmin.address)).to.equal(false);
          await expect(c.contracts.registry.connect(newAdmin).grantRole(CONSORTIUM_ADMIN_ROLE, newcomer2.address))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(newAdmin.address, DEFAULT_ADMIN_ROLE);
        });
      });

      describe("when the caller lacks DEFAULT_ADMIN_ROLE", function () {
        for (const pick of ["operator", "bankX", "coreA", "auditor", "outsider"] as const) {
          it(`reverts with AccessControlUnauthorizedAccount for ${pick}`, async function () {
            const c = await load();
            const caller = c.actors[pick];
            await expect(c.contracts.registry.connect(caller).grantRole(CONSORTIUM_ADMIN_ROLE, caller.address))
              .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
          });
        }
      });
    });

    describe(".revokeRole()", function () {
      describe("when DEFAULT_ADMIN_ROLE revokes CONSORTIUM_ADMIN_ROLE", function () {
        it("emits RoleRevoked and the former admin is refused", async function () {
          const c = await load();
          const { newAdmin, newcomer } = c.spare;
          await c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address);
          await expect(c.contracts.registry.revokeRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address))
            .to.emit(c.contracts.registry, "RoleRevoked")
            .withArgs(CONSORTIUM_ADMIN_ROLE, newAdmin.address, c.actors.admin.address);
          expect(await c.contracts.registry.hasRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address)).to.equal(false);
          await expect(c.contracts.registry.connect(newAdmin).registerMember(newcomer.address, NEW_USCC, MemberRole.Supplier, 0))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(newAdmin.address, CONSORTIUM_ADMIN_ROLE);
        });

        it("can revoke the deployer's own CONSORTIUM_ADMIN_ROLE, after which it is refused", async function () {
          const c = await load();
          const { admin } = c.actors;
          await c.contracts.registry.revokeRole(CONSORTIUM_ADMIN_ROLE, admin.address);
          expect(await c.contracts.registry.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
          await expect(c.contracts.registry.setMemberRoles(c.actors.supplierA.address, MemberRole.Bank))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(admin.address, CONSORTIUM_ADMIN_ROLE);
        });
      });

      describe("when a holder of CONSORTIUM_ADMIN_ROLE only revokes another", function () {
        it("reverts with AccessControlUnauthorizedAccount for DEFAULT_ADMIN_ROLE", async function () {
          const c = await load();
          const { newAdmin } = c.spare;
          await c.contracts.registry.grantRole(CONSORTIUM_ADMIN_ROLE, newAdmin.address);
          await expect(c.contracts.registry.connect(newAdmin).revokeRole(CONSORTIUM_ADMIN_ROLE, c.actors.admin.address))
            .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
            .withArgs(newAdmin.address, DEFAULT_ADMIN_ROLE);
        });
      });

      describe("when the caller lacks DEFAULT_ADMIN_ROLE", function () {
        for (const pick of ["operator", "bankX", "coreA", "auditor", "outsider"] as const) {
          it(`reverts with AccessControlUnauthorizedAccount for ${pick}`, async function () {
            const c = await load();
            const caller = c.actors[pick];
            await expect(c.contracts.registry.connect(caller).revokeRole(CONSORTIUM_ADMIN_ROLE, c.actors.admin.address))
              .to.be.revertedWithCustomError(c.contracts.registry, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, DEFAULT_ADMIN_ROLE);
          });
        }
      });
    });
  });
});
