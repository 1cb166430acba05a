import { expect } from "chai";
import { network } from "hardhat";
import {
  MILLION_CNY,
  buildFactoring,
  buildIssue,
  buildPledge,
  buildTransfer,
  deployConsortium,
  issueVoucher,
} from "../fixtures/consortium.js";
import { DEFAULT_POLICY, PieceStatus } from "../../src/sdk/constants.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const DAY = 24 * 60 * 60;
const UINT64_MAX = 2n ** 64n - 1n;

type PolicyInput = {
  minPieceAmount: bigint;
  maxTerm: number;
  enhancedReviewTerm: number;
  gracePeriod: number;
  maxLivePieces: number;
  maxDepth: number;
  attestationQuorum: number;
};

const BASE: PolicyInput = { ...DEFAULT_POLICY };

function field(name: string): string {
  return ethers.encodeBytes32String(name);
}

function policyTuple(p: PolicyInput) {
  return [p.minPieceAmount, p.maxTerm, p.enhancedReviewTerm, p.gracePeriod, p.maxLivePieces, p.maxDepth, p.attestationQuorum];
}

async function expectPolicy(ledger: Awaited<ReturnType<typeof deployConsortium>>["contracts"]["ledger"], p: PolicyInput) {
  const stored = await ledger.policy();
  expect([
    stored.minPieceAmount,
    stored.maxTerm,
    stored.enhancedReviewTerm,
    stored.gracePeriod,
    stored.maxLivePieces,
    stored.maxDepth,
    stored.attestationQuorum,
  ]).to.deep.equal(policyTuple(p).map((v) => BigInt(v)));
}

/**
 * Out-of-range values, one field at a time, with the (min, max) the ledger checks against.
 * `maxTerm`'s bounds are 1 day and 365 days; `enhancedReviewTerm` is bounded by the policy's own maxTerm.
 */
const OUT_OF_RANGE: Array<{
  name: keyof PolicyInput;
  bound: "low" | "high";
  value: bigint;
  min: bigint;
  max: bigint;
  base?: Partial<PolicyInput>;
}> = [
  { name: "minPieceAmount", bound: "low", value: 0n, min: 1n, max: UINT64_MAX },
  { name: "maxTerm", bound: "low", value: BigInt(DAY - 1), min: BigInt(DAY), max: BigInt(365 * DAY) },
  { name: "maxTerm", bound: "high", value: BigInt(365 * DAY + 1), min: BigInt(DAY), max: BigInt(365 * DAY) },
  { name: "enhancedReviewTerm", bound: "low", value: 0n, min: 1n, max: BigInt(365 * DAY) },
  { name: "enhancedReviewTerm", bound: "high", value: BigInt(365 * DAY + 1), min: 1n, max: BigInt(365 * DAY) },
  {
    name: "enhancedReviewTerm",
    bound: "high",
    value: BigInt(90 * DAY + 1),
    min: 1n,
    max: BigInt(90 * DAY),
    base: { maxTerm: 90 * DAY },
  },
  { name: "gracePeriod", bound: "high", value: BigInt(90 * DAY + 1), min: 0n, max: BigInt(90 * DAY) },
  { name: "maxLivePieces", bound: "low", value: 0n, min: 1n, max: 1000n },
  { name: "maxLivePieces", bound: "high", value: 1001n, min: 1n, max: 1000n },
  { name: "maxDepth", bound: "low", value: 0n, min: 1n, max: 32n },
  { name: "maxDepth", bound: "high", value: 33n, min: 1n, max: 32n },
  { name: "attestationQuorum", bound: "low", value: 0n, min: 1n, max: 16n },
  { name: "attestationQuorum", bound: "high", value: 17n, min: 1n, max: 16n },
];

function withField(p: PolicyInput, name: keyof PolicyInput, value: bigint): PolicyInput {
  return { ...p, [name]: name === "minPieceAmount" ? value : Number(value) };
}

async function adminFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  return { c, root, voucherId: root >> 16n };
}

describe("VoucherLedger administration", function () {
  describe("constructor", function () {
    it("starts from the policy it was given", async function () {
      const { c } = await networkHelpers.loadFixture(adminFixture);
      await expectPolicy(c.contracts.ledger, BASE);
    });

    describe("when the initial policy is out of range", function () {
      it("reverts with PolicyValueOutOfRange", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const factory = await ethers.getContractFactory("VoucherLedger");
        await expect(factory.deploy(c.actors.admin.address, { ...BASE, maxDepth: 0 }))
          .to.be.revertedWithCustomError(factory, "PolicyValueOutOfRange")
          .withArgs(field("maxDepth"), 0, 1, 32);
      });

      it("reverts with PolicyValueOutOfRange for a term above one year", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const factory = await ethers.getContractFactory("VoucherLedger");
        await expect(factory.deploy(c.actors.admin.address, { ...BASE, maxTerm: 366 * DAY }))
          .to.be.revertedWithCustomError(factory, "PolicyValueOutOfRange")
          .withArgs(field("maxTerm"), 366 * DAY, DAY, 365 * DAY);
      });
    });

    describe("when the admin is the zero address", function () {
      it("reverts with RegistryZeroAddress", async function () {
        const factory = await ethers.getContractFactory("VoucherLedger");
        await expect(factory.deploy(ethers.ZeroAddress, BASE)).to.be.revertedWithCustomError(factory, "RegistryZeroAddress");
      });
    });
  });

  describe(".setPolicy()", function () {
    describe("when the admin sets a valid policy", function () {
      it("stores it and emits PolicyUpdated", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { admin } = c.actors;
        const next: PolicyInput = {
          minPieceAmount: 50_000n,
          maxTerm: 180 * DAY,
          enhancedReviewTerm: 120 * DAY,
          gracePeriod: 5 * DAY,
          maxLivePieces: 50,
          maxDepth: 3,
          attestationQuorum: 2,
        };
        await expect(ledger.connect(admin).setPolicy(next)).to.emit(ledger, "PolicyUpdated").withArgs(policyTuple(next), admin.address);
        await expectPolicy(ledger, next);
      });

      it("accepts every field at its lowest bound", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const lowest: PolicyInput = {
          minPieceAmount: 1n,
          maxTerm: DAY,
          enhancedReviewTerm: 1,
          gracePeriod: 0,
          maxLivePieces: 1,
          maxDepth: 1,
          attestationQuorum: 1,
        };
        await ledger.connect(c.actors.admin).setPolicy(lowest);
        await expectPolicy(ledger, lowest);
      });

      it("accepts every field at its highest bound", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const highest: PolicyInput = {
          minPieceAmount: UINT64_MAX,
          maxTerm: 365 * DAY,
          enhancedReviewTerm: 365 * DAY,
          gracePeriod: 90 * DAY,
          maxLivePieces: 1000,
          maxDepth: 32,
          attestationQuorum: 16,
        };
        await ledger.connect(c.actors.admin).setPolicy(highest);
        await expectPolicy(ledger, highest);
      });

      it("applies to the next operation (a tighter minimum piece)", async function () {
        const { c, root } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { admin, supplierA } = c.actors;
        await ledger.connect(admin).setPolicy({ ...BASE, minPieceAmount: 1_000_000n });
        await expect(ledger.connect(supplierA).split(root, 999_999n))
          .to.be.revertedWithCustomError(ledger, "PieceBelowMinimum")
          .withArgs(999_999n, 1_000_000n);
      });
    });

    for (const { name, bound, value, min, max, base } of OUT_OF_RANGE) {
      describe(`when ${name} is ${bound === "low" ? "below" : "above"} its ${bound} bound (${value})${base ? " of a shorter maxTerm" : ""}`, function () {
        it("reverts with PolicyValueOutOfRange", async function () {
          const { c } = await networkHelpers.loadFixture(adminFixture);
          const { ledger } = c.contracts;
          await expect(ledger.connect(c.actors.admin).setPolicy(withField({ ...BASE, ...base }, name, value)))
            .to.be.revertedWithCustomError(ledger, "PolicyValueOutOfRange")
            .withArgs(field(name), value, min, max);
          await expectPolicy(ledger, BASE);
        });
      });
    }

    for (const who of ["operator", "bankX", "coreA", "auditor", "outsider"] as const) {
      describe(`when ${who} calls it`, function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { c } = await networkHelpers.loadFixture(adminFixture);
          const { ledger } = c.contracts;
          const caller = c.actors[who];
          await expect(ledger.connect(caller).setPolicy({ ...BASE, maxDepth: 9 }))
            .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, await ledger.CONSORTIUM_ADMIN_ROLE());
        });
      });
    }
  });

  describe(".pause()", function () {
    describe("when the admin pauses", function () {
      it("emits Paused and sets paused()", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { admin } = c.actors;
        expect(await ledger.paused()).to.equal(false);
        await expect(ledger.connect(admin).pause()).to.emit(ledger, "Paused").withArgs(admin.address);
        expect(await ledger.paused()).to.equal(true);
      });
    });

    describe("when already paused", function () {
      it("reverts with EnforcedPause", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(c.actors.admin).pause()).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });
    });

    for (const who of ["operator", "bankX", "coreA", "auditor", "outsider"] as const) {
      describe(`when ${who} calls it`, function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { c } = await networkHelpers.loadFixture(adminFixture);
          const { ledger } = c.contracts;
          const caller = c.actors[who];
          await expect(ledger.connect(caller).pause())
            .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, await ledger.CONSORTIUM_ADMIN_ROLE());
        });
      });
    }

    describe("when paused", function () {
      it("blocks issue with EnforcedPause", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { request, attestations } = await buildIssue(ethers, c);
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(c.actors.coreA).issue(request, attestations)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });

      it("blocks splitTransfer with EnforcedPause", async function () {
        const { c, root } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { supplierA, supplierB } = c.actors;
        const { request, attestations } = await buildTransfer(ethers, c, {
          from: supplierA,
          to: supplierB,
          pieceId: root,
          amount: MILLION_CNY / 2n,
        });
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(supplierA).splitTransfer(request, attestations)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });

      it("blocks split with EnforcedPause", async function () {
        const { c, root } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(c.actors.supplierA).split(root, MILLION_CNY / 2n)).to.be.revertedWithCustomError(
          ledger,
          "EnforcedPause",
        );
      });

      it("blocks pledge with EnforcedPause", async function () {
        const { c, root } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildPledge(ethers, c, {
          holder: supplierA,
          pledgee: bankX,
          pieceId: root,
          securedAmount: MILLION_CNY / 2n,
        });
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(bankX).pledge(terms, consent)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });

      it("blocks factor with EnforcedPause", async function () {
        const { c, root } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        const { terms, consent } = await buildFactoring(ethers, c, {
          holder: supplierA,
          factor: bankX,
          pieceId: root,
          purchasePrice: MILLION_CNY / 2n,
        });
        await ledger.connect(c.actors.admin).pause();
        await expect(ledger.connect(bankX).factor(terms, consent)).to.be.revertedWithCustomError(ledger, "EnforcedPause");
      });

      for (const [verb, method, event, status] of [
        ["releases", "releasePledge", "PledgeReleased", PieceStatus.Active],
        ["enforces", "enforcePledge", "PledgeEnforced", PieceStatus.Enforced],
      ] as const) {
        it(`still ${verb} a pledge`, async function () {
          const { c, root } = await networkHelpers.loadFixture(adminFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY / 2n,
          });
          await ledger.connect(bankX).pledge(terms, consent);
          await ledger.connect(c.actors.admin).pause();
          await expect(ledger.connect(bankX)[method](root)).to.emit(ledger, event).withArgs(root, bankX.address, 1);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(status));
        });
      }

      it("still settles", async function () {
        const { c, root, voucherId } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { supplierA, bankX } = c.actors;
        await ledger.connect(c.actors.admin).pause();
        const reference = ethers.id("E2E-paused");
        await expect(ledger.connect(bankX).settle([{ pieceId: root, bankReference: reference }]))
          .to.emit(ledger, "PieceSettled")
          .withArgs(root, voucherId, supplierA.address, MILLION_CNY, PieceStatus.Active, reference, bankX.address);
      });

      it("still marks a voucher overdue", async function () {
        const { c, voucherId } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { coreA, supplierA } = c.actors;
        await ledger.connect(c.actors.admin).pause();
        const { maturity } = await ledger.voucherOf(voucherId);
        await networkHelpers.time.increaseTo(maturity + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
        await expect(ledger.connect(supplierA).markOverdue(voucherId))
          .to.emit(ledger, "VoucherOverdue")
          .withArgs(voucherId, coreA.address, 1, supplierA.address);
      });

      it("still lets the admin change the policy", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        await ledger.connect(c.actors.admin).pause();
        await ledger.connect(c.actors.admin).setPolicy({ ...BASE, maxDepth: 4 });
        expect((await ledger.policy()).maxDepth).to.equal(4n);
      });
    });
  });

  describe(".unpause()", function () {
    describe("when the admin unpauses", function () {
      it("emits Unpaused and lets issuance resume", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        const { admin, coreA } = c.actors;
        await ledger.connect(admin).pause();
        await expect(ledger.connect(admin).unpause()).to.emit(ledger, "Unpaused").withArgs(admin.address);
        expect(await ledger.paused()).to.equal(false);
        const { request, attestations } = await buildIssue(ethers, c);
        await expect(ledger.connect(coreA).issue(request, attestations)).to.emit(ledger, "VoucherIssued");
      });
    });

    describe("when not paused", function () {
      it("reverts with ExpectedPause", async function () {
        const { c } = await networkHelpers.loadFixture(adminFixture);
        const { ledger } = c.contracts;
        await expect(ledger.connect(c.actors.admin).unpause()).to.be.revertedWithCustomError(ledger, "ExpectedPause");
      });
    });

    for (const who of ["operator", "bankX", "coreA", "auditor", "outsider"] as const) {
      describe(`when ${who} calls it`, function () {
        it("reverts with AccessControlUnauthorizedAccount", async function () {
          const { c } = await networkHelpers.loadFixture(adminFixture);
          const { ledger } = c.contracts;
          const caller = c.actors[who];
          await ledger.connect(c.actors.admin).pause();
          await expect(ledger.connect(caller).unpause())
            .to.be.revertedWithCustomError(ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, await ledger.CONSORTIUM_ADMIN_ROLE());
          expect(await ledger.paused()).to.equal(true);
        });
      });
    }
  });
});
