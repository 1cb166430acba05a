import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { network } from "hardhat";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import VoucherLedgerModule from "../../deploy/modules/VoucherLedger.js";
import { onboardConsortium } from "../../src/deploy/onboard.js";
import type { ConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { DEFAULT_POLICY, MemberRole } from "../../src/sdk/constants.js";
import type { FeeSchedule, VoucherLedger } from "../../types/ethers-contracts/index.js";

const { ethers, networkHelpers, ignition } = await network.getOrCreate();

const CONSORTIUM_ADMIN_ROLE = ethers.id("CONSORTIUM_ADMIN_ROLE");
const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const DAY = 24 * 60 * 60;
const PARAMETERS_FILE = fileURLToPath(new URL("../../deploy/parameters/example.json", import.meta.url));
const EXAMPLE_CONFIG = fileURLToPath(new URL("../../config/consortium.example.json", import.meta.url));

/** A policy tighter than DEFAULT_POLICY in every field. */
const TIGHT_POLICY = {
  minPieceAmount: 1_000_000n,
  maxTerm: 180 * DAY,
  enhancedReviewTerm: 90 * DAY,
  gracePeriod: 1 * DAY,
  maxLivePieces: 20,
  maxDepth: 3,
  attestationQuorum: 2,
};

type PolicyInput = { [field in keyof typeof TIGHT_POLICY]: bigint | number };

/** A policy in the field order of the Policy struct, as bigints (how `policy()` returns it). */
function policyTuple(policy: PolicyInput): bigint[] {
  return [
    policy.minPieceAmount,
    policy.maxTerm,
    policy.enhancedReviewTerm,
    policy.gracePeriod,
    policy.maxLivePieces,
    policy.maxDepth,
    policy.attestationQuorum,
  ].map((value) => BigInt(value));
}

/** Module parameters, in memory or as the path of a JSON parameters file. */
async function deployModule(parameters?: DeploymentParameters | string) {
  const { ledger, feeSchedule } = await ignition.deploy(VoucherLedgerModule, parameters === undefined ? {} : { parameters });
  return { ledger: ledger as unknown as VoucherLedger, feeSchedule: feeSchedule as unknown as FeeSchedule };
}

/** Awaits `promise` and returns the message it rejects with; fails the test if it resolves. */
async function rejectionMessageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  expect.fail("expected the deployment to fail");
}

describe("VoucherLedgerModule (Ignition, deploy/modules/VoucherLedger.ts)", function () {
  describe("with default parameters", function () {
    async function defaultDeployment() {
      const signers = await ethers.getSigners();
      return { signers, contracts: await deployModule() };
    }

    it("deploys VoucherLedger starting from DEFAULT_POLICY", async function () {
      const { contracts } = await networkHelpers.loadFixture(defaultDeployment);
      expect([...(await contracts.ledger.policy())]).to.deep.equal(policyTuple(DEFAULT_POLICY));
    });

    it("makes account 0 the admin: it holds DEFAULT_ADMIN_ROLE and CONSORTIUM_ADMIN_ROLE, account 1 neither", async function () {
      const { contracts, signers } = await networkHelpers.loadFixture(defaultDeployment);
      const [account0, account1] = signers;
      expect(await contracts.ledger.hasRole(CONSORTIUM_ADMIN_ROLE, account0.address)).to.equal(true);
      expect(await contracts.ledger.hasRole(DEFAULT_ADMIN_ROLE, account0.address)).to.equal(true);
      expect(await contracts.ledger.hasRole(CONSORTIUM_ADMIN_ROLE, account1.address)).to.equal(false);
      expect(await contracts.ledger.hasRole(DEFAULT_ADMIN_ROLE, account1.address)).to.equal(false);
      expect(await contracts.ledger.CONSORTIUM_ADMIN_ROLE()).to.equal(CONSORTIUM_ADMIN_ROLE);
    });

    it("deploys FeeSchedule whose registry() is the ledger, with no schedule yet", async function () {
      const { contracts } = await networkHelpers.loadFixture(defaultDeployment);
      const ledgerAddress = await contracts.ledger.getAddress();
      expect(await contracts.feeSchedule.registry()).to.equal(ledgerAddress);
      expect(await contracts.feeSchedule.getAddress()).to.not.equal(ledgerAddress);
      expect(await contracts.feeSchedule.scheduleCount()).to.equal(0n);
    });

    it("deploys a ledger with no members and no vouchers, not paused", async function () {
      const { contracts, signers } = await networkHelpers.loadFixture(defaultDeployment);
      expect(await contracts.ledger.voucherCount()).to.equal(0n);
      expect(await contracts.ledger.paused()).to.equal(false);
      expect((await contracts.ledger.memberOf(signers[1].address)).status).to.equal(0n);
    });

    it("deploys a ledger onto which account 0 onboards the example config, whose operator the fee schedule then accepts", async function () {
      const { contracts, signers } = await networkHelpers.loadFixture(defaultDeployment);
      const config = JSON.parse(readFileSync(EXAMPLE_CONFIG, "utf8")) as ConsortiumConfig;
      const result = await onboardConsortium(signers[0], contracts.ledger, config);
      expect(result.sent).to.equal(19); // 15 members registered, then a credit line and a clearing bank for each of 2 core enterprises
      const operator = signers[1]; // the example's operator is account 1
      expect(await contracts.ledger.isActiveWith(operator.address, MemberRole.Operator)).to.equal(true);
      const effectiveFrom = BigInt(await networkHelpers.time.latest()) + 86_400n;
      const item = { service: ethers.encodeBytes32String("ISSUE"), fixedFee: 5_000n, rateBps: 5, payer: 0 };
      await expect(contracts.feeSchedule.connect(operator).publish(effectiveFrom, [item], ethers.id("fees.pdf"))).to.emit(
        contracts.feeSchedule,
        "FeeSchedulePublished",
      );
      expect(await contracts.feeSchedule.scheduleCount()).to.equal(1n);
    });
  });

  describe("with custom parameters (another admin, a tighter policy)", function () {
    async function customDeployment() {
      const signers = await ethers.getSigners();
      const admin = signers[12];
      const contracts = await deployModule({ VoucherLedgerModule: { admin: admin.address, policy: TIGHT_POLICY } });
      return { signers, admin, contracts };
    }

    it("makes the given account the admin and not account 0", async function () {
      const { contracts, signers, admin } = await networkHelpers.loadFixture(customDeployment);
      expect(await contracts.ledger.hasRole(CONSORTIUM_ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await contracts.ledger.hasRole(DEFAULT_ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await contracts.ledger.hasRole(CONSORTIUM_ADMIN_ROLE, signers[0].address)).to.equal(false);
      expect(await contracts.ledger.hasRole(DEFAULT_ADMIN_ROLE, signers[0].address)).to.equal(false);
    });

    it("starts from the given policy", async function () {
      const { contracts } = await networkHelpers.loadFixture(customDeployment);
      expect([...(await contracts.ledger.policy())]).to.deep.equal(policyTuple(TIGHT_POLICY));
    });

    it("still links the fee schedule to the ledger", async function () {
      const { contracts } = await networkHelpers.loadFixture(customDeployment);
      expect(await contracts.feeSchedule.registry()).to.equal(await contracts.ledger.getAddress());
    });

    it("lets the given admin, and not account 0, administer the ledger", async function () {
      const { contracts, signers, admin } = await networkHelpers.loadFixture(customDeployment);
      await expect(contracts.ledger.connect(signers[0]).pause())
        .to.be.revertedWithCustomError(contracts.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(signers[0].address, CONSORTIUM_ADMIN_ROLE);
      await contracts.ledger.connect(admin).pause();
      expect(await contracts.ledger.paused()).to.equal(true);
    });

    it("uses the default for a parameter left out (only admin given: DEFAULT_POLICY)", async function () {
      const signers = await ethers.getSigners();
      const { ledger } = await deployModule({ VoucherLedgerModule: { admin: signers[13].address } });
      expect(await ledger.hasRole(CONSORTIUM_ADMIN_ROLE, signers[13].address)).to.equal(true);
      expect([...(await ledger.policy())]).to.deep.equal(policyTuple(DEFAULT_POLICY));
    });
  });

  describe("with the committed parameters file (deploy/parameters/example.json)", function () {
    it("deploys with account 0 as admin and DEFAULT_POLICY (\"10000n\" read as a bigint)", async function () {
      const [account0] = await ethers.getSigners();
      const { ledger } = await deployModule(PARAMETERS_FILE);
      expect(await ledger.hasRole(CONSORTIUM_ADMIN_ROLE, account0.address)).to.equal(true);
      expect([...(await ledger.policy())]).to.deep.equal(policyTuple(DEFAULT_POLICY));
    });
  });

  describe("with parameters the ledger refuses", function () {
    it("fails the deployment with PolicyValueOutOfRange when maxDepth is 0", async function () {
      const message = await rejectionMessageOf(deployModule({ VoucherLedgerModule: { policy: { ...TIGHT_POLICY, maxDepth: 0 } } }));
      expect(message).to.match(/VoucherLedgerModule#VoucherLedger/);
      expect(message).to.match(/PolicyValueOutOfRange/);
    });

    it("fails the deployment with RegistryZeroAddress when the admin is the zero address", async function () {
      const message = await rejectionMessageOf(deployModule({ VoucherLedgerModule: { admin: ethers.ZeroAddress } }));
      expect(message).to.match(/VoucherLedgerModule#VoucherLedger/);
      expect(message).to.match(/RegistryZeroAddress/);
    });
  });
});
