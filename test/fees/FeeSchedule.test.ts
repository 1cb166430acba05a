import { expect } from "chai";
import { network } from "hardhat";
import { anyUint } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import { MemberRole, MemberStatus } from "../../src/sdk/constants.js";
import { DAY, deployConsortium } from "../fixtures/consortium.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const MAX_FEE_ITEMS = 32n;
const MAX_PENDING = 8n;
const PAYER_ISSUER = 0;
const PAYER_HOLDER = 1;
const PAYER_FINANCIER = 2;

interface FeeItem {
  service: string;
  fixedFee: bigint;
  rateBps: number;
  payer: number;
}

function feeItem(service: string, fixedFee: bigint, rateBps: number, payer: number): FeeItem {
  return { service: ethers.encodeBytes32String(service), fixedFee, rateBps, payer };
}

/** A fee item as the tuple the event and the view return (for deep comparison). */
function asTuple(item: FeeItem): [string, bigint, bigint, bigint] {
  return [item.service, item.fixedFee, BigInt(item.rateBps), BigInt(item.payer)];
}

/** Fee items as read back from the contract, as tuples. */
function readItems(items: ReadonlyArray<{ service: string; fixedFee: bigint; rateBps: bigint; payer: bigint }>) {
  return items.map((item) => [item.service, item.fixedFee, item.rateBps, item.payer]);
}

const ITEMS: FeeItem[] = [
  feeItem("ISSUE", 5_000n, 5, PAYER_ISSUER),
  feeItem("TRANSFER", 1_000n, 0, PAYER_HOLDER),
  feeItem("FINANCING_SERVICE", 0n, 10, PAYER_FINANCIER),
];
const DOCUMENT_HASH = ethers.id("fee-schedule-2025.pdf");

function manyItems(count: number): FeeItem[] {
  return Array.from({ length: count }, (_, i) => feeItem(`SERVICE_${i}`, BigInt(i) * 100n, i % 10_001, i % 3));
}

describe("FeeSchedule", function () {
  async function feeFixture() {
    const c = await deployConsortium(ethers);
    return { ...c, feeSchedule: c.contracts.feeSchedule.connect(c.actors.operator) };
  }

  async function now(): Promise<bigint> {
    return BigInt(await networkHelpers.time.latest());
  }

  describe("constructor", function () {
    describe("when the registry is the zero address", function () {
      it("reverts with FeeScheduleZeroAddress", async function () {
        const factory = await ethers.getContractFactory("FeeSchedule");
        await expect(factory.deploy(ethers.ZeroAddress)).to.be.revertedWithCustomError(factory, "FeeScheduleZeroAddress");
      });
    });

    describe("when the registry is the ledger", function () {
      it("stores it and starts with no schedule", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        expect(await c.feeSchedule.registry()).to.equal(await c.contracts.ledger.getAddress());
        expect(await c.feeSchedule.scheduleCount()).to.equal(0n);
        expect(await c.feeSchedule.MAX_FEE_ITEMS()).to.equal(MAX_FEE_ITEMS);
        expect(await c.feeSchedule.MAX_PENDING()).to.equal(MAX_PENDING);
      });
    });
  });

  describe(".publish()", function () {
    describe("when the active operator publishes a valid schedule", function () {
      it("emits FeeSchedulePublished with version, time, hash, items and operator", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const effectiveFrom = (await now()) + DAY;
        await expect(c.feeSchedule.publish(effectiveFrom, ITEMS, DOCUMENT_HASH))
          .to.emit(c.feeSchedule, "FeeSchedulePublished")
          .withArgs(1n, effectiveFrom, DOCUMENT_HASH, ITEMS.map(asTuple), c.actors.operator.address);
      });

      it("stores the schedule, readable through scheduleOf", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const effectiveFrom = (await now()) + DAY;
        await c.feeSchedule.publish(effectiveFrom, ITEMS, DOCUMENT_HASH);
        expect(await c.feeSchedule.scheduleCount()).to.equal(1n);
        const [storedFrom, storedHash, storedItems] = await c.feeSchedule.scheduleOf(1n);
        expect(storedFrom).to.equal(effectiveFrom);
        expect(storedHash).to.equal(DOCUMENT_HASH);
        expect(readItems(storedItems)).to.deep.equal(ITEMS.map(asTuple));
      });

      it("returns consecutive versions from 1", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const t = await now();
        expect(await c.feeSchedule.publish.staticCall(t + DAY, ITEMS, DOCUMENT_HASH)).to.equal(1n);
        await c.feeSchedule.publish(t + DAY, ITEMS, DOCUMENT_HASH);
        expect(await c.feeSchedule.publish.staticCall(t + 2n * DAY, ITEMS, DOCUMENT_HASH)).to.equal(2n);
        const secondHash = ethers.id("fee-schedule-v2");
        await expect(c.feeSchedule.publish(t + 2n * DAY, ITEMS.slice(0, 1), secondHash))
          .to.emit(c.feeSchedule, "FeeSchedulePublished")
          .withArgs(2n, t + 2n * DAY, secondHash, [asTuple(ITEMS[0])], c.actors.operator.address);
        expect(await c.feeSchedule.scheduleCount()).to.equal(2n);
      });

      it("accepts an effective time equal to the block time", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const t = (await now()) + 100n;
        await networkHelpers.time.setNextBlockTimestamp(t);
        await c.feeSchedule.publish(t, ITEMS, DOCUMENT_HASH);
        expect((await c.feeSchedule.scheduleOf(1n))[0]).to.equal(t);
        expect(await c.feeSchedule.versionAt(t)).to.equal(1n);
      });

      it("accepts exactly MAX_FEE_ITEMS (32) items", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const items = manyItems(32);
        await c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH);
        expect(readItems((await c.feeSchedule.scheduleOf(1n))[2])).to.deep.equal(items.map(asTuple));
      });

      it("accepts a rate of 10000 bps, payer 2 and the largest fixed fee", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const items = [feeItem("EDGE", 2n ** 64n - 1n, 10_000, PAYER_FINANCIER)];
        await c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH);
        expect(readItems((await c.feeSchedule.scheduleOf(1n))[2])).to.deep.equal(items.map(asTuple));
      });

      it("accepts a member holding the operator role among others (operator and auditor)", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const { auditor } = c.actors;
        await c.contracts.registry.setMemberRoles(auditor.address, MemberRole.Auditor | MemberRole.Operator);
        await expect(c.contracts.feeSchedule.connect(auditor).publish((await now()) + DAY, ITEMS, DOCUMENT_HASH))
          .to.emit(c.feeSchedule, "FeeSchedulePublished")
          .withArgs(1n, anyUint, DOCUMENT_HASH, ITEMS.map(asTuple), auditor.address);
      });
    });

    describe("when the caller is not an operator", function () {
      for (const pick of ["admin", "coreA", "supplierA", "bankX", "oracle1", "auditor", "outsider"] as const) {
        it(`reverts with FeeScheduleCallerNotOperator for ${pick}`, async function () {
          const c = await networkHelpers.loadFixture(feeFixture);
          const caller = c.actors[pick];
          await expect(c.contracts.feeSchedule.connect(caller).publish((await now()) + DAY, ITEMS, DOCUMENT_HASH))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleCallerNotOperator")
            .withArgs(caller.address);
        });
      }

      it("reverts with FeeScheduleCallerNotOperator once the operator role is removed", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await c.contracts.registry.setMemberRoles(c.actors.operator.address, MemberRole.Auditor);
        await expect(c.feeSchedule.publish((await now()) + DAY, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleCallerNotOperator")
          .withArgs(c.actors.operator.address);
      });
    });

    describe("when the operator is suspended", function () {
      it("reverts with FeeScheduleCallerNotOperator", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await c.contracts.registry.setMemberStatus(c.actors.operator.address, MemberStatus.Suspended);
        await expect(c.feeSchedule.publish((await now()) + DAY, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleCallerNotOperator")
          .withArgs(c.actors.operator.address);
      });

      it("publishes again once reactivated", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await c.contracts.registry.setMemberStatus(c.actors.operator.address, MemberStatus.Suspended);
        await c.contracts.registry.setMemberStatus(c.actors.operator.address, MemberStatus.Active);
        await c.feeSchedule.publish((await now()) + DAY, ITEMS, DOCUMENT_HASH);
        expect(await c.feeSchedule.scheduleCount()).to.equal(1n);
      });
    });

    describe("when the item count is out of range", function () {
      it("reverts with FeeScheduleItemCountInvalid for 0 items", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await expect(c.feeSchedule.publish((await now()) + DAY, [], DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleItemCountInvalid")
          .withArgs(0n, MAX_FEE_ITEMS);
      });

      it("reverts with FeeScheduleItemCountInvalid for 33 items", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await expect(c.feeSchedule.publish((await now()) + DAY, manyItems(33), DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleItemCountInvalid")
          .withArgs(33n, MAX_FEE_ITEMS);
      });
    });

    describe("when the effective time is in the past", function () {
      it("reverts with FeeScheduleEffectiveTimeInPast with the block time", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const t = (await now()) + 100n;
        await networkHelpers.time.setNextBlockTimestamp(t);
        await expect(c.feeSchedule.publish(t - 1n, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeInPast")
          .withArgs(t - 1n, t);
      });

      it("reverts with FeeScheduleEffectiveTimeInPast for time 0", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await expect(c.feeSchedule.publish(0n, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeInPast")
          .withArgs(0n, anyUint);
      });
    });

    describe("when the effective time is not after the previous schedule's", function () {
      it("reverts with FeeScheduleEffectiveTimeNotAfterPrevious for an equal time", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const effectiveFrom = (await now()) + 10n * DAY;
        await c.feeSchedule.publish(effectiveFrom, ITEMS, DOCUMENT_HASH);
        await expect(c.feeSchedule.publish(effectiveFrom, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeNotAfterPrevious")
          .withArgs(effectiveFrom, effectiveFrom);
      });

      it("reverts with FeeScheduleEffectiveTimeNotAfterPrevious for an earlier time", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const previous = (await now()) + 10n * DAY;
        await c.feeSchedule.publish(previous, ITEMS, DOCUMENT_HASH);
        await expect(c.feeSchedule.publish(previous - DAY, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeNotAfterPrevious")
          .withArgs(previous - DAY, previous);
      });

      it("accepts one second after the previous schedule", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const previous = (await now()) + 10n * DAY;
        await c.feeSchedule.publish(previous, ITEMS, DOCUMENT_HASH);
        await c.feeSchedule.publish(previous + 1n, ITEMS, DOCUMENT_HASH);
        expect((await c.feeSchedule.scheduleOf(2n))[0]).to.equal(previous + 1n);
      });

      it("reverts with FeeScheduleEffectiveTimeInPast (checked first) for a time between an effective previous schedule and now", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const previous = (await now()) + DAY;
        await c.feeSchedule.publish(previous, ITEMS, DOCUMENT_HASH);
        await networkHelpers.time.increaseTo(previous + 10n);
        const t = (await now()) + 1n;
        await networkHelpers.time.setNextBlockTimestamp(t);
        await expect(c.feeSchedule.publish(previous + 5n, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeInPast")
          .withArgs(previous + 5n, t);
      });
    });

    describe("when an item's rate exceeds 10000 bps", function () {
      it("reverts with FeeScheduleRateInvalid naming the item", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const items = [...ITEMS, feeItem("BAD_RATE", 0n, 10_001, PAYER_HOLDER)];
        await expect(c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleRateInvalid")
          .withArgs(3n, 10_001);
      });

      it("reverts with FeeScheduleRateInvalid for the largest uint16 on the first item", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const items = [feeItem("BAD_RATE", 0n, 65_535, PAYER_HOLDER), ...ITEMS];
        await expect(c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleRateInvalid")
          .withArgs(0n, 65_535);
      });
    });

    describe("when an item's payer is not 0, 1 or 2", function () {
      for (const payer of [3, 255]) {
        it(`reverts with FeeSchedulePayerInvalid for payer ${payer}`, async function () {
          const c = await networkHelpers.loadFixture(feeFixture);
          const items = [ITEMS[0], feeItem("BAD_PAYER", 0n, 0, payer), ITEMS[1]];
          await expect(c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeSchedulePayerInvalid")
            .withArgs(1n, payer);
        });
      }
    });

    describe("when an item's service code is empty", function () {
      it("reverts with FeeScheduleServiceMissing naming the item", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const items = [ITEMS[0], ITEMS[1], { ...ITEMS[2], service: ethers.ZeroHash }];
        await expect(c.feeSchedule.publish((await now()) + DAY, items, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleServiceMissing")
          .withArgs(2n);
      });
    });

    describe("when the effective time is more than MAX_NOTICE (366 days) ahead", function () {
      it("reverts with FeeScheduleEffectiveTimeTooFar, and accepts exactly MAX_NOTICE", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const t = BigInt(await networkHelpers.time.latest()) + 1n; // the next block's time
        const maxNotice = 366n * DAY;
        await networkHelpers.time.setNextBlockTimestamp(t);
        await expect(c.feeSchedule.publish(t + maxNotice + 1n, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleEffectiveTimeTooFar")
          .withArgs(t + maxNotice + 1n, t + maxNotice);
        await networkHelpers.time.setNextBlockTimestamp(t + 1n);
        await expect(c.feeSchedule.publish(t + 1n + maxNotice, ITEMS, DOCUMENT_HASH)).to.emit(c.feeSchedule, "FeeSchedulePublished");
      });
    });

    describe("when the document hash is zero", function () {
      it("reverts with FeeScheduleDocumentHashMissing", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        await expect(
          c.feeSchedule.publish((await now()) + DAY, ITEMS, ethers.ZeroHash),
        ).to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleDocumentHashMissing");
      });
    });

    describe("when MAX_PENDING (8) schedules are not yet in effect", function () {
      async function eightPendingFixture() {
        const c = await feeFixture();
        const t = BigInt(await networkHelpers.time.latest());
        const times: bigint[] = [];
        for (let i = 1n; i <= MAX_PENDING; i++) {
          times.push(t + i * DAY);
          await c.feeSchedule.publish(t + i * DAY, ITEMS, DOCUMENT_HASH);
        }
        return { ...c, times };
      }

      it("reverts with FeeScheduleTooManyPending for a ninth", async function () {
        const c = await networkHelpers.loadFixture(eightPendingFixture);
        await expect(c.feeSchedule.publish(c.times[7] + DAY, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleTooManyPending")
          .withArgs(MAX_PENDING, MAX_PENDING);
        expect(await c.feeSchedule.scheduleCount()).to.equal(8n);
      });

      it("reverts with FeeScheduleTooManyPending one second before the first takes effect", async function () {
        const c = await networkHelpers.loadFixture(eightPendingFixture);
        await networkHelpers.time.setNextBlockTimestamp(c.times[0] - 1n);
        await expect(c.feeSchedule.publish(c.times[7] + DAY, ITEMS, DOCUMENT_HASH))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleTooManyPending")
          .withArgs(MAX_PENDING, MAX_PENDING);
      });

      it("accepts a ninth once the first is in effect (at its effective time)", async function () {
        const c = await networkHelpers.loadFixture(eightPendingFixture);
        await networkHelpers.time.setNextBlockTimestamp(c.times[0]);
        await expect(c.feeSchedule.publish(c.times[7] + DAY, ITEMS, DOCUMENT_HASH))
          .to.emit(c.feeSchedule, "FeeSchedulePublished")
          .withArgs(9n, c.times[7] + DAY, DOCUMENT_HASH, ITEMS.map(asTuple), c.actors.operator.address);
        expect(await c.feeSchedule.scheduleCount()).to.equal(9n);
      });
    });
  });

  describe(".scheduleCount()", function () {
    it("counts published schedules", async function () {
      const c = await networkHelpers.loadFixture(feeFixture);
      const t = await now();
      expect(await c.feeSchedule.scheduleCount()).to.equal(0n);
      for (let i = 1n; i <= 3n; i++) {
        await c.feeSchedule.publish(t + i * DAY, ITEMS, DOCUMENT_HASH);
        expect(await c.feeSchedule.scheduleCount()).to.equal(i);
      }
    });

    it("does not count a refused publication", async function () {
      const c = await networkHelpers.loadFixture(feeFixture);
      await expect(c.feeSchedule.publish((await now()) + DAY, [feeItem("X", 0n, 10_001, 0)], DOCUMENT_HASH)).to.be.revertedWithCustomError(
        c.feeSchedule,
        "FeeScheduleRateInvalid",
      );
      expect(await c.feeSchedule.scheduleCount()).to.equal(0n);
    });
  });

  describe(".scheduleOf()", function () {
    describe("when nothing is published", function () {
      for (const version of [0n, 1n]) {
        it(`reverts with FeeScheduleNotFound for version ${version}`, async function () {
          const c = await networkHelpers.loadFixture(feeFixture);
          await expect(c.feeSchedule.scheduleOf(version))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNotFound")
            .withArgs(version);
        });
      }
    });

    describe("when two schedules are published", function () {
      async function twoSchedulesFixture() {
        const c = await feeFixture();
        const t = BigInt(await networkHelpers.time.latest());
        const second = [feeItem("ISSUE", 6_000n, 4, PAYER_ISSUER)];
        await c.feeSchedule.publish(t + DAY, ITEMS, DOCUMENT_HASH);
        await c.feeSchedule.publish(t + 30n * DAY, second, ethers.id("fee-schedule-v2"));
        return { ...c, t, second };
      }

      it("returns each version's own time, hash and items", async function () {
        const c = await networkHelpers.loadFixture(twoSchedulesFixture);
        const [from1, hash1, items1] = await c.feeSchedule.scheduleOf(1n);
        expect(from1).to.equal(c.t + DAY);
        expect(hash1).to.equal(DOCUMENT_HASH);
        expect(readItems(items1)).to.deep.equal(ITEMS.map(asTuple));
        const [from2, hash2, items2] = await c.feeSchedule.scheduleOf(2n);
        expect(from2).to.equal(c.t + 30n * DAY);
        expect(hash2).to.equal(ethers.id("fee-schedule-v2"));
        expect(readItems(items2)).to.deep.equal(c.second.map(asTuple));
      });

      it("keeps a superseded schedule readable once the next is in effect", async function () {
        const c = await networkHelpers.loadFixture(twoSchedulesFixture);
        await networkHelpers.time.increaseTo(c.t + 31n * DAY);
        const [from1, , items1] = await c.feeSchedule.scheduleOf(1n);
        expect(from1).to.equal(c.t + DAY);
        expect(readItems(items1)).to.deep.equal(ITEMS.map(asTuple));
      });

      for (const version of [0n, 3n]) {
        it(`reverts with FeeScheduleNotFound for version ${version}`, async function () {
          const c = await networkHelpers.loadFixture(twoSchedulesFixture);
          await expect(c.feeSchedule.scheduleOf(version))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNotFound")
            .withArgs(version);
        });
      }

      it("reverts with FeeScheduleNotFound for the largest uint256", async function () {
        const c = await networkHelpers.loadFixture(twoSchedulesFixture);
        await expect(c.feeSchedule.scheduleOf(ethers.MaxUint256))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNotFound")
          .withArgs(ethers.MaxUint256);
      });
    });
  });

  describe(".versionAt()", function () {
    describe("when nothing is published", function () {
      for (const at of [0n, 1_700_000_000n, ethers.MaxUint256]) {
        it(`reverts with FeeScheduleNoneInEffect at ${at}`, async function () {
          const c = await networkHelpers.loadFixture(feeFixture);
          await expect(c.feeSchedule.versionAt(at))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNoneInEffect")
            .withArgs(at);
        });
      }
    });

    describe("when one schedule is published", function () {
      it("reverts before its time and returns 1 from its time on", async function () {
        const c = await networkHelpers.loadFixture(feeFixture);
        const from = (await now()) + DAY;
        await c.feeSchedule.publish(from, ITEMS, DOCUMENT_HASH);
        await expect(c.feeSchedule.versionAt(from - 1n))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNoneInEffect")
          .withArgs(from - 1n);
        expect(await c.feeSchedule.versionAt(from)).to.equal(1n);
        expect(await c.feeSchedule.versionAt(ethers.MaxUint256)).to.equal(1n);
      });
    });

    describe("when five schedules are published", function () {
      async function fiveSchedulesFixture() {
        const c = await feeFixture();
        const t = BigInt(await networkHelpers.time.latest());
        // Uneven gaps, so a search that assumed equal spacing would fail.
        const times = [t + 100n, t + 101n, t + 7n * DAY, t + 30n * DAY, t + 200n * DAY];
        for (const time of times) await c.feeSchedule.publish(time, ITEMS, DOCUMENT_HASH);
        return { ...c, times };
      }

      it("reverts with FeeScheduleNoneInEffect before the first", async function () {
        const c = await networkHelpers.loadFixture(fiveSchedulesFixture);
        for (const at of [0n, c.times[0] - 1n]) {
          await expect(c.feeSchedule.versionAt(at))
            .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNoneInEffect")
            .withArgs(at);
        }
      });

      it("returns the version at each exact boundary and one second before the next", async function () {
        const c = await networkHelpers.loadFixture(fiveSchedulesFixture);
        for (const [index, time] of c.times.entries()) {
          const version = BigInt(index + 1);
          expect(await c.feeSchedule.versionAt(time), `at ${time}`).to.equal(version);
          if (index > 0) expect(await c.feeSchedule.versionAt(time - 1n), `before ${time}`).to.equal(version - 1n);
        }
      });

      it("returns the earlier version between two schedules", async function () {
        const c = await networkHelpers.loadFixture(fiveSchedulesFixture);
        expect(await c.feeSchedule.versionAt(c.times[2] + DAY)).to.equal(3n);
        expect(await c.feeSchedule.versionAt((c.times[3] + c.times[4]) / 2n)).to.equal(4n);
      });

      it("returns the last version for any later time", async function () {
        const c = await networkHelpers.loadFixture(fiveSchedulesFixture);
        expect(await c.feeSchedule.versionAt(c.times[4] + 365n * DAY)).to.equal(5n);
        expect(await c.feeSchedule.versionAt(ethers.MaxUint256)).to.equal(5n);
      });

      it("does not depend on the current block time", async function () {
        const c = await networkHelpers.loadFixture(fiveSchedulesFixture);
        await networkHelpers.time.increaseTo(c.times[4] + DAY);
        expect(await c.feeSchedule.versionAt(c.times[1])).to.equal(2n);
        await expect(c.feeSchedule.versionAt(c.times[0] - 1n))
          .to.be.revertedWithCustomError(c.feeSchedule, "FeeScheduleNoneInEffect")
          .withArgs(c.times[0] - 1n);
      });
    });
  });
});
