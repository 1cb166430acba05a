/**
 * The SDK role clients, method by method: each call's effect on the ledger (or its return value) exactly,
 * and the typed error each refusal or bad argument comes back as. Issue and transfer go through running
 * oracles; everything else runs on fresh fixtures.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, ZeroAddress, ZeroHash, isHexString, verifyTypedData } from "ethers";
import {
  AuditorClient,
  BankClient,
  CoreEnterpriseClient,
  OperatorClient,
  OracleClient,
  SupplierClient,
  type FeeItem,
  type SettlementConfirmation,
} from "../../src/sdk/clients/index.js";
import { DEFAULT_POLICY, MemberRole, MemberStatus, PieceStatus, pieceIdOf, registrationNumberToBytes24 } from "../../src/sdk/constants.js";
import { FACTORING_CONSENT_TYPES, PLEDGE_CONSENT_TYPES } from "../../src/sdk/eip712.js";
import { InvalidArgumentError, LedgerRefusal, OracleError, isEVoucherError, type LedgerErrorName } from "../../src/sdk/errors.js";
import { OnboardingError } from "../../src/deploy/onboard.js";
import type { ConsortiumConfig } from "../../src/deploy/consortiumConfig.js";
import { CREDIT_LINE, DAY, MILLION_CNY, deployConsortium, issueVoucher, latestTimestamp, type Consortium } from "../fixtures/consortium.js";
import { knownTrade, startTestOracles, type TestOracles } from "../fixtures/oracle.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers, networkHelpers } = await network.getOrCreate();
const { loadFixture } = networkHelpers;

const REGISTRATION = "0D2026112200001234";
const REVIEW_HASH = ethers.id("enhanced-review:2025-017");
/** A USCC with a wrong check character (the valid one ends in 1). */
const BAD_USCC = "91310000MA1FL7TX2X";
/** Milliseconds passed where seconds are expected. */
const MILLISECONDS = BigInt(Date.now());

// ---------------------------------------------------------------------------------------------- helpers

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected the promise to be rejected");
}

/** Asserts a LedgerRefusal with this exact code, Solidity error name and decoded arguments. */
async function expectRefusal(
  promise: Promise<unknown>,
  code: string,
  errorName: LedgerErrorName,
  args: Record<string, unknown> | null,
): Promise<LedgerRefusal> {
  const error = await rejection(promise);
  expect(error, String(error)).to.be.instanceOf(LedgerRefusal);
  const refusal = error as LedgerRefusal;
  expect({ code: refusal.code, errorName: refusal.errorName, kind: refusal.kind }).to.deep.equal({ code, errorName, kind: "refused" });
  if (args !== null) expect(refusal.args).to.deep.equal(args);
  return refusal;
}

/** Asserts an InvalidArgumentError naming `argument`, carrying the refused value. */
async function expectInvalidArgument(promise: Promise<unknown>, argument: string, value: unknown): Promise<InvalidArgumentError> {
  const error = await rejection(promise);
  expect(error, String(error)).to.be.instanceOf(InvalidArgumentError);
  const invalid = error as InvalidArgumentError;
  expect({ code: invalid.code, kind: invalid.kind, argument: invalid.argument, value: invalid.value }).to.deep.equal({
    code: "INVALID_ARGUMENT",
    kind: "invalid-argument",
    argument,
    value,
  });
  return invalid;
}

async function nonceOf(signer: { address: string }): Promise<number> {
  return ethers.provider.getTransactionCount(signer.address);
}

/** Piece status as the ledger stores it. */
async function statusOf(c: Consortium, pieceId: bigint): Promise<bigint> {
  return (await c.contracts.ledger.pieceOf(pieceId)).status;
}

/** The timestamp of the block a transaction was mined in. */
async function blockTimeOf(receipt: { blockNumber: number }): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock(receipt.blockNumber))!.timestamp);
}

/** Ledger events of one name in a receipt. */
function eventsNamed(c: Consortium, receipt: { logs: ReadonlyArray<{ topics: ReadonlyArray<string>; data: string }> }, name: string) {
  return receipt.logs
    .map((log) => c.contracts.ledger.interface.parseLog({ topics: [...log.topics], data: log.data }))
    .filter((event) => event !== null && event.name === name);
}

/**
 * A real oracle that, once it has attested, lets the test change the ledger before the payer sends: the
 * way to reach a ledger refusal of an attested trade, whatever the oracles check beforehand.
 */
class OracleThen extends OracleClient {
  private readonly afterAttesting: () => Promise<unknown>;

  constructor(url: string, afterAttesting: () => Promise<unknown>) {
    super(url);
    this.afterAttesting = afterAttesting;
  }

  override async requestIssueAttestation(...args: Parameters<OracleClient["requestIssueAttestation"]>) {
    const attestation = await super.requestIssueAttestation(...args);
    await this.afterAttesting();
    return attestation;
  }

  override async requestTransferAttestation(...args: Parameters<OracleClient["requestTransferAttestation"]>) {
    const attestation = await super.requestTransferAttestation(...args);
    await this.afterAttesting();
    return attestation;
  }
}

function clientsFor(c: Consortium, ledgerAddress: string) {
  return {
    supplier: (signer: HardhatEthersSigner) => new SupplierClient(signer, ledgerAddress, []),
    bank: (signer: HardhatEthersSigner) => new BankClient(signer, ledgerAddress),
    operator: (signer: HardhatEthersSigner, feeSchedule?: string) => new OperatorClient(signer, ledgerAddress, feeSchedule),
    core: (signer: HardhatEthersSigner) => new CoreEnterpriseClient(signer, ledgerAddress, []),
    auditor: () => new AuditorClient(ethers.provider, ledgerAddress),
    uscc: (signer: { address: string }) => c.usccs.get(signer.address)!,
  };
}

/** A consortium with one 1,000,000.00 CNY voucher of coreA (90 days, clearing bank bankX) held by supplierA. */
async function baseFixture() {
  const c = await deployConsortium(ethers);
  const ledgerAddress = await c.contracts.ledger.getAddress();
  const root = await issueVoucher(ethers, c);
  return { c, ledgerAddress, root, voucherId: root >> 16n, ...clientsFor(c, ledgerAddress) };
}

/** The base fixture with the root pledged to bankX by supplierA (secured 600,000.00 CNY). */
async function pledgedFixture() {
  const f = await baseFixture();
  const now = await latestTimestamp(ethers);
  const consent = await f.supplier(f.c.actors.supplierA).consentToPledge({
    pieceId: f.root,
    pledgee: f.c.actors.bankX.address,
    securedAmount: 60_000_000n,
    annualRateBps: 385,
    serviceFeeBps: 10,
    registrationNumber: REGISTRATION,
    deadline: now + DAY,
  });
  const receipt = await f.bank(f.c.actors.bankX).acceptPledge(consent);
  return { ...f, pledgedAt: await blockTimeOf(receipt) };
}

// ---------------------------------------------------------------------------------------------- tests

describe("SDK role clients", function () {
  // --------------------------------------------------------------------------- with running oracles
  describe("with running oracles (issue and transfer)", function () {
    let oc: Consortium;
    let oracles: TestOracles;
    let ledgerAddress: string;
    let uscc: (signer: { address: string }) => string;

    before(async function () {
      oc = await deployConsortium(ethers);
      oracles = await startTestOracles(ethers, oc, 3);
      ledgerAddress = await oc.contracts.ledger.getAddress();
      uscc = (signer) => oc.usccs.get(signer.address)!;
    });

    after(async function () {
      await oracles?.close();
    });

    const core = (signer: HardhatEthersSigner) => new CoreEnterpriseClient(signer, ledgerAddress, oracles.clients);
    const supplier = (signer: HardhatEthersSigner) => new SupplierClient(signer, ledgerAddress, oracles.clients);

    describe("CoreEnterpriseClient.issue()", function () {
      it("issues against k attestations and returns the voucher exactly as the ledger records it", async function () {
        const { coreA, supplierA } = oc.actors;
        const amount = 12_345_600n;
        const documents = await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), amount);
        const maturity = (await latestTimestamp(ethers)) + 90n * DAY;
        const voucherId = (await oc.contracts.ledger.voucherCount()) + 1n;
        const outstandingBefore = await oc.contracts.ledger.outstandingOf(coreA.address);

        const issued = await core(coreA).issue({ payeeUscc: uscc(supplierA), amount, maturity, documents });

        // Quorum 1 of three agreeing oracles: the one with the lowest address signs.
        const lowest = oracles.wallets.map((w) => w.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
        expect({ ...issued, packageHash: undefined, documentKeys: undefined, transactionHash: undefined }).to.deep.equal({
          voucherId,
          pieceId: pieceIdOf(voucherId, 0),
          holder: supplierA.address,
          amount,
          maturity,
          enhancedReviewRequired: false,
          packageHash: undefined,
          documentKeys: undefined,
          attestors: [lowest],
          transactionHash: undefined,
        });
        expect(isHexString(issued.packageHash, 32) && issued.packageHash !== ZeroHash).to.equal(true);
        expect(issued.documentKeys).to.have.length(1);
        expect(await oc.contracts.ledger.isDocumentKeyUsed(issued.documentKeys[0])).to.equal(true);
        const receipt = (await ethers.provider.getTransactionReceipt(issued.transactionHash))!;
        expect([receipt.status, receipt.from]).to.deep.equal([1, coreA.address]);

        const piece = await oc.contracts.ledger.pieceOf(issued.pieceId);
        expect([piece.holder, piece.amount, piece.depth, piece.status]).to.deep.equal([supplierA.address, amount, 0n, BigInt(PieceStatus.Active)]);
        const voucher = await oc.contracts.ledger.voucherOf(voucherId);
        expect([voucher.issuer, voucher.maturity, voucher.livePieces, voucher.enhancedReviewRequired]).to.deep.equal([coreA.address, maturity, 1n, false]);
        expect(await oc.contracts.ledger.outstandingOf(coreA.address)).to.equal(outstandingBefore + amount);
      });

      it("flags a term above the enhanced-review threshold (R4)", async function () {
        const { coreA, supplierB } = oc.actors;
        const documents = await knownTrade(ethers, oracles, uscc(supplierB), uscc(coreA), 2_000_000n);
        const maturity = (await latestTimestamp(ethers)) + 200n * DAY;
        const issued = await core(coreA).issue({ payeeUscc: uscc(supplierB), amount: 2_000_000n, maturity, documents });
        expect([issued.enhancedReviewRequired, issued.holder, issued.maturity]).to.deep.equal([true, supplierB.address, maturity]);
        expect((await oc.contracts.ledger.voucherOf(issued.voucherId)).enhancedReviewRequired).to.equal(true);
      });

      it("comes back as CREDIT_LINE_EXCEEDED when the ledger refuses an issue the oracles attested (R14)", async function () {
        const { admin, coreB, supplierA } = oc.actors;
        const amount = 3_000_000n;
        const documents = await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreB), amount);
        const maturity = (await latestTimestamp(ethers)) + 90n * DAY;
        const count = await oc.contracts.ledger.voucherCount();
        const outstanding = await oc.contracts.ledger.outstandingOf(coreB.address);
        // The credit line is cut to what is outstanding after the oracle attested, before the issue is sent.
        const cutting = new OracleThen(oracles.clients[0].url, async () =>
          (await oc.contracts.ledger.connect(admin).setCreditLine(coreB.address, outstanding)).wait(),
        );
        try {
          await expectRefusal(
            new CoreEnterpriseClient(coreB, ledgerAddress, [cutting]).issue({ payeeUscc: uscc(supplierA), amount, maturity, documents }),
            "CREDIT_LINE_EXCEEDED",
            "CreditLineExceeded",
            { issuer: coreB.address, outstandingAfter: outstanding + amount, creditLine: outstanding },
          );
        } finally {
          await oc.contracts.ledger.connect(admin).setCreditLine(coreB.address, CREDIT_LINE);
        }
        expect(await oc.contracts.ledger.voucherCount()).to.equal(count);
      });

      it("refuses bad arguments before asking any oracle or sending anything", async function () {
        const { coreA, supplierA } = oc.actors;
        const documents = await knownTrade(ethers, oracles, uscc(supplierA), uscc(coreA), MILLION_CNY);
        const maturity = (await latestTimestamp(ethers)) + 90n * DAY;
        const order = { payeeUscc: uscc(supplierA), amount: MILLION_CNY, maturity, documents };
        const nonce = await nonceOf(coreA);
        await expectInvalidArgument(core(coreA).issue({ ...order, payeeUscc: BAD_USCC }), "payeeUscc", BAD_USCC);
        await expectInvalidArgument(core(coreA).issue({ ...order, amount: -1n }), "amount", -1n);
        await expectInvalidArgument(core(coreA).issue({ ...order, maturity: MILLISECONDS }), "maturity", MILLISECONDS);
        await expectInvalidArgument(core(coreA).issue({ ...order, deadline: -5n }), "deadline", -5n);
        expect(await nonceOf(coreA)).to.equal(nonce);
      });
    });

    describe("SupplierClient.transfer()", function () {
      it("pays part of a piece (new piece, remainder) and then a whole piece (same id, remainder 0)", async function () {
        const { supplierA, supplierB, supplierC } = oc.actors;
        const root = await issueVoucher(ethers, oc, { holder: supplierA, amount: 40_000_000n });

        const part = await supplier(supplierA).transfer({
          pieceId: root,
          payeeUscc: uscc(supplierB),
          amount: 15_000_000n,
          documents: await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 15_000_000n),
        });
        expect({ pieceId: part.pieceId, remainder: part.remainder }).to.deep.equal({ pieceId: root + 1n, remainder: 25_000_000n });
        const split = await oc.contracts.ledger.pieceOf(part.pieceId);
        expect([split.holder, split.amount, split.depth, split.status]).to.deep.equal([supplierB.address, 15_000_000n, 1n, BigInt(PieceStatus.Active)]);
        expect((await oc.contracts.ledger.pieceOf(root)).amount).to.equal(25_000_000n);
        expect((await ethers.provider.getTransactionReceipt(part.transactionHash))!.from).to.equal(supplierA.address);

        const whole = await supplier(supplierB).transfer({
          pieceId: part.pieceId,
          payeeUscc: uscc(supplierC),
          amount: 15_000_000n,
          documents: await knownTrade(ethers, oracles, uscc(supplierC), uscc(supplierB), 15_000_000n),
        });
        expect({ pieceId: whole.pieceId, remainder: whole.remainder }).to.deep.equal({ pieceId: part.pieceId, remainder: 0n });
        const moved = await oc.contracts.ledger.pieceOf(part.pieceId);
        expect([moved.holder, moved.amount, moved.depth]).to.deep.equal([supplierC.address, 15_000_000n, 2n]);
        expect((await oc.contracts.ledger.voucherOf(root >> 16n)).livePieces).to.equal(2n);
      });

      it("comes back as LIVE_PIECE_LIMIT_REACHED when the ledger refuses a transfer the oracles attested", async function () {
        const { admin, supplierA, supplierB } = oc.actors;
        const root = await issueVoucher(ethers, oc, { holder: supplierA, amount: 40_000_000n });
        // The live-piece limit drops to 1 after the oracle attested the part transfer, before it is sent.
        const limiting = new OracleThen(oracles.clients[0].url, async () =>
          (await oc.contracts.ledger.connect(admin).setPolicy({ ...DEFAULT_POLICY, maxLivePieces: 1 })).wait(),
        );
        try {
          await expectRefusal(
            new SupplierClient(supplierA, ledgerAddress, [limiting]).transfer({
              pieceId: root,
              payeeUscc: uscc(supplierB),
              amount: 10_000_000n,
              documents: await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 10_000_000n),
            }),
            "LIVE_PIECE_LIMIT_REACHED",
            "LivePieceLimitReached",
            { voucherId: root >> 16n, maxLivePieces: 1 },
          );
        } finally {
          await oc.contracts.ledger.connect(admin).setPolicy(DEFAULT_POLICY);
        }
        expect((await oc.contracts.ledger.pieceOf(root)).amount).to.equal(40_000_000n);
      });

      it("comes back as an OracleError with the oracles' failure codes when they refuse", async function () {
        const { supplierA, supplierB } = oc.actors;
        const root = await issueVoucher(ethers, oc, { holder: supplierA, amount: 40_000_000n });
        const error = await rejection(
          supplier(supplierA).transfer({
            pieceId: root,
            payeeUscc: uscc(supplierB),
            amount: 50_000_000n,
            documents: await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 50_000_000n),
          }),
        );
        expect(error).to.be.instanceOf(OracleError);
        const oracleError = error as OracleError;
        expect(oracleError.code).to.equal("ORACLE_QUORUM_NOT_MET");
        expect(oracleError.oracleErrors.map((e) => [e.code, e.url])).to.deep.equal(oracles.clients.map((client) => ["ORACLE_REFUSED", client.url]));
        expect([...new Set(oracleError.failures.map((f) => f.code))]).to.deep.equal(["AMOUNT_EXCEEDS_PIECE"]);
        expect((await oc.contracts.ledger.pieceOf(root)).amount).to.equal(40_000_000n);
      });

      it("refuses bad arguments before asking any oracle or sending anything", async function () {
        const { supplierA, supplierB } = oc.actors;
        const root = await issueVoucher(ethers, oc, { holder: supplierA, amount: 40_000_000n });
        const documents = await knownTrade(ethers, oracles, uscc(supplierB), uscc(supplierA), 10_000_000n);
        const order = { pieceId: root, payeeUscc: uscc(supplierB), amount: 10_000_000n, documents };
        const nonce = await nonceOf(supplierA);
        await expectInvalidArgument(supplier(supplierA).transfer({ ...order, pieceId: -1n }), "pieceId", -1n);
        await expectInvalidArgument(supplier(supplierA).transfer({ ...order, pieceId: 7n }), "pieceId", 7n);
        await expectInvalidArgument(supplier(supplierA).transfer({ ...order, payeeUscc: BAD_USCC }), "payeeUscc", BAD_USCC);
        await expectInvalidArgument(supplier(supplierA).transfer({ ...order, amount: -1n }), "amount", -1n);
        await expectInvalidArgument(supplier(supplierA).transfer({ ...order, deadline: MILLISECONDS }), "deadline", MILLISECONDS);
        expect(await nonceOf(supplierA)).to.equal(nonce);
      });
    });
  });

  // --------------------------------------------------------------------------- LedgerClient (base)
  describe("LedgerClient (shared by every role client)", function () {
    it("address(), uscc(), domain() and chainTime() describe the member and the chain", async function () {
      const { c, ledgerAddress, supplier, bank } = await loadFixture(baseFixture);
      const { supplierA, bankX } = c.actors;
      const client = supplier(supplierA);
      expect(client.ledger.target).to.equal(ledgerAddress);
      expect(await client.address()).to.equal(supplierA.address);
      expect(await client.uscc()).to.equal(c.usccs.get(supplierA.address));
      expect(await bank(bankX).uscc()).to.equal(c.usccs.get(bankX.address));
      const { chainId } = await ethers.provider.getNetwork();
      expect(await client.domain()).to.deep.equal({ name: "EVoucherLedger", version: "1", chainId, verifyingContract: ledgerAddress });
      expect(await client.domain()).to.deep.equal(c.domain);

      const before = await latestTimestamp(ethers);
      expect(await client.chainTime()).to.equal(before);
      await networkHelpers.time.increase(3_600);
      expect(await client.chainTime()).to.equal(before + 3_600n);
    });
  });

  // --------------------------------------------------------------------------- CoreEnterpriseClient
  describe("CoreEnterpriseClient.obligations()", function () {
    /** coreA issues three vouchers (maturities 90, 30 and 60 days), coreB one. */
    async function obligationsFixture() {
      const c = await deployConsortium(ethers);
      const ledgerAddress = await c.contracts.ledger.getAddress();
      const { coreA, coreB, supplierA, supplierB, supplierC } = c.actors;
      const now = await latestTimestamp(ethers);
      const in90 = now + 90n * DAY;
      const in30 = now + 30n * DAY;
      const in60 = now + 60n * DAY;
      const v1 = (await issueVoucher(ethers, c, { issuer: coreA, holder: supplierA, amount: 30_000_000n, maturity: in90 })) >> 16n;
      const afterV1 = await ethers.provider.getBlockNumber();
      const v2 = (await issueVoucher(ethers, c, { issuer: coreA, holder: supplierB, amount: 20_000_000n, maturity: in30 })) >> 16n;
      const v3 = (await issueVoucher(ethers, c, { issuer: coreA, holder: supplierC, amount: 10_000_000n, maturity: in60 })) >> 16n;
      const v4 = (await issueVoucher(ethers, c, { issuer: coreB, holder: supplierA, amount: 7_000_000n, maturity: in30 })) >> 16n;
      // v1 is split in two (both pieces still owed).
      await c.contracts.ledger.connect(supplierA).split(pieceIdOf(v1, 0), 5_000_000n);
      return { c, ledgerAddress, v1, v2, v3, v4, in90, in30, in60, afterV1, ...clientsFor(c, ledgerAddress) };
    }

    it("lists the issuer's unsettled vouchers by maturity with exact outstanding amounts", async function () {
      const { c, v1, v2, v3, v4, in90, in30, in60, afterV1, core } = await loadFixture(obligationsFixture);
      expect(await core(c.actors.coreA).obligations()).to.deep.equal([
        { voucherId: v2, maturity: in30, outstanding: 20_000_000n, livePieces: 1, overdue: false },
        { voucherId: v3, maturity: in60, outstanding: 10_000_000n, livePieces: 1, overdue: false },
        { voucherId: v1, maturity: in90, outstanding: 30_000_000n, livePieces: 2, overdue: false },
      ]);
      expect(await core(c.actors.coreB).obligations()).to.deep.equal([
        { voucherId: v4, maturity: in30, outstanding: 7_000_000n, livePieces: 1, overdue: false },
      ]);
      // Events from a later block leave out what was issued before it.
      expect((await core(c.actors.coreA).obligations({ fromBlock: afterV1 + 1 })).map((o) => o.voucherId)).to.deep.equal([v2, v3]);
      // A member that issued nothing owes nothing.
      expect(await core(c.actors.supplierA).obligations()).to.deep.equal([]);
    });

    it("counts only unsettled pieces, drops fully settled vouchers, and shows a voucher marked overdue", async function () {
      const { c, v1, v2, v3, in90, in30, bank, core } = await loadFixture(obligationsFixture);
      const { coreA, bankX, supplierA } = c.actors;
      await bank(bankX).confirmSettlement([
        { pieceId: pieceIdOf(v1, 1), bankReference: ethers.id("E2E-v1.1") },
        { pieceId: pieceIdOf(v3, 0), bankReference: ethers.id("E2E-v3.0") },
      ]);
      expect(await core(coreA).obligations()).to.deep.equal([
        { voucherId: v2, maturity: in30, outstanding: 20_000_000n, livePieces: 1, overdue: false },
        { voucherId: v1, maturity: in90, outstanding: 25_000_000n, livePieces: 1, overdue: false },
      ]);

      // v2 passes maturity plus the 3-day grace period unpaid and is marked overdue (R11).
      await networkHelpers.time.increaseTo(in30 + BigInt(DEFAULT_POLICY.gracePeriod) + 1n);
      await c.contracts.ledger.connect(supplierA).markOverdue(v2);
      expect(await core(coreA).obligations()).to.deep.equal([
        { voucherId: v2, maturity: in30, outstanding: 20_000_000n, livePieces: 1, overdue: true },
        { voucherId: v1, maturity: in90, outstanding: 25_000_000n, livePieces: 1, overdue: false },
      ]);
    });
  });

  // --------------------------------------------------------------------------- SupplierClient
  describe("SupplierClient.split()", function () {
    it("splits a piece in two, both kept by the holder", async function () {
      const { c, root, supplier, auditor } = await loadFixture(baseFixture);
      const { supplierA } = c.actors;
      const result = await supplier(supplierA).split(root, 30_000_000n);
      expect({ pieceId: result.pieceId, remainder: result.remainder }).to.deep.equal({ pieceId: root + 1n, remainder: 70_000_000n });
      expect((await ethers.provider.getTransactionReceipt(result.transactionHash))!.from).to.equal(supplierA.address);
      expect(await auditor().piece(result.pieceId)).to.deep.equal({
        pieceId: root + 1n,
        voucherId: root >> 16n,
        holder: supplierA.address,
        amount: 30_000_000n,
        depth: 1,
        parentId: root,
        status: "Active",
      });
      expect((await c.contracts.ledger.pieceOf(root)).amount).to.equal(70_000_000n);
    });

    it("refuses a piece or a remainder below the minimum, a split by another member, and bad arguments", async function () {
      const { c, root, supplier } = await loadFixture(baseFixture);
      const { supplierA, supplierB } = c.actors;
      const minimum = DEFAULT_POLICY.minPieceAmount;
      await expectRefusal(supplier(supplierA).split(root, minimum - 1n), "PIECE_BELOW_MINIMUM", "PieceBelowMinimum", { amount: minimum - 1n, minimum });
      await expectRefusal(supplier(supplierA).split(root, MILLION_CNY - 5_000n), "REMAINDER_BELOW_MINIMUM", "RemainderBelowMinimum", {
        pieceId: root,
        remainder: 5_000n,
        minimum,
      });
      await expectRefusal(supplier(supplierA).split(root, MILLION_CNY), "SPLIT_AMOUNT_NOT_BELOW_PIECE", "SplitAmountNotBelowPiece", {
        pieceId: root,
        amount: MILLION_CNY,
        pieceAmount: MILLION_CNY,
      });
      await expectRefusal(supplier(supplierB).split(root, 20_000_000n), "NOT_PIECE_HOLDER", "NotPieceHolder", {
        pieceId: root,
        caller: supplierB.address,
        holder: supplierA.address,
      });
      await expectInvalidArgument(supplier(supplierA).split(0n, 20_000_000n), "pieceId", 0n);
      await expectInvalidArgument(supplier(supplierA).split(root, -1n), "amount", -1n);
      expect((await c.contracts.ledger.voucherOf(root >> 16n)).piecesCreated).to.equal(1n);
    });
  });

  describe("SupplierClient.consentToPledge()", function () {
    it("signs the consent over the piece's current amount and the next pledge serial", async function () {
      const { c, root, supplier, bank } = await loadFixture(baseFixture);
      const { supplierA, bankX } = c.actors;
      const deadline = (await latestTimestamp(ethers)) + DAY;
      const request = {
        pieceId: root,
        pledgee: bankX.address,
        securedAmount: 60_000_000n,
        annualRateBps: 385,
        serviceFeeBps: 10,
        registrationNumber: REGISTRATION,
        deadline,
      };
      const signed = await supplier(supplierA).consentToPledge(request);
      const registration = registrationNumberToBytes24(REGISTRATION);
      expect(signed.terms).to.deep.equal({
        pieceId: root,
        securedAmount: 60_000_000n,
        annualRateBps: 385,
        serviceFeeBps: 10,
        registrationNumber: registration,
        deadline,
      });
      expect(signed.holder).to.equal(supplierA.address);
      const message = { ...signed.terms, holder: supplierA.address, pledgee: bankX.address, pieceAmount: MILLION_CNY, serial: 1 };
      expect(verifyTypedData(c.domain, PLEDGE_CONSENT_TYPES, message, signed.consent)).to.equal(supplierA.address);

      // After a pledge and its release, the next consent carries serial 2.
      await bank(bankX).acceptPledge(signed);
      await bank(bankX).releasePledge(root);
      const second = await supplier(supplierA).consentToPledge(request);
      expect(verifyTypedData(c.domain, PLEDGE_CONSENT_TYPES, { ...message, serial: 2 }, second.consent)).to.equal(supplierA.address);
    });

    it("refuses bad arguments with InvalidArgumentError naming each", async function () {
      const { c, root, supplier } = await loadFixture(baseFixture);
      const client = supplier(c.actors.supplierA);
      const request = {
        pieceId: root,
        pledgee: c.actors.bankX.address,
        securedAmount: 60_000_000n,
        annualRateBps: 385,
        serviceFeeBps: 10,
        registrationNumber: REGISTRATION,
        deadline: (await latestTimestamp(ethers)) + DAY,
      };
      await expectInvalidArgument(client.consentToPledge({ ...request, pieceId: -1n }), "pieceId", -1n);
      await expectInvalidArgument(client.consentToPledge({ ...request, pledgee: "0x1234" }), "pledgee", "0x1234");
      await expectInvalidArgument(client.consentToPledge({ ...request, pledgee: ZeroAddress }), "pledgee", ZeroAddress);
      await expectInvalidArgument(client.consentToPledge({ ...request, securedAmount: -1n }), "securedAmount", -1n);
      await expectInvalidArgument(client.consentToPledge({ ...request, annualRateBps: 10_001 }), "annualRateBps", 10_001);
      await expectInvalidArgument(client.consentToPledge({ ...request, serviceFeeBps: -1 }), "serviceFeeBps", -1);
      await expectInvalidArgument(client.consentToPledge({ ...request, deadline: MILLISECONDS }), "deadline", MILLISECONDS);
      await expectInvalidArgument(client.consentToPledge({ ...request, registrationNumber: "" }), "registrationNumber", "");
      const tooLong = "0D20261122000012345678901";
      await expectInvalidArgument(client.consentToPledge({ ...request, registrationNumber: tooLong }), "registrationNumber", tooLong);
    });
  });

  describe("SupplierClient.consentToFactoring()", function () {
    it("signs the consent over the piece's amount and the holder's nonce", async function () {
      const { c, root, supplier } = await loadFixture(baseFixture);
      const { supplierA, bankY } = c.actors;
      const deadline = (await latestTimestamp(ethers)) + DAY;
      const signed = await supplier(supplierA).consentToFactoring({
        pieceId: root,
        factor: bankY.address,
        purchasePrice: 97_500_000n,
        withRecourse: true,
        deadline,
      });
      expect(signed.terms).to.deep.equal({ pieceId: root, purchasePrice: 97_500_000n, withRecourse: true, deadline });
      expect(signed.holder).to.equal(supplierA.address);
      const message = { ...signed.terms, holder: supplierA.address, factor: bankY.address, amount: MILLION_CNY, nonce: 0n };
      expect(verifyTypedData(c.domain, FACTORING_CONSENT_TYPES, message, signed.consent)).to.equal(supplierA.address);
    });

    it("refuses bad arguments with InvalidArgumentError naming each", async function () {
      const { c, root, supplier } = await loadFixture(baseFixture);
      const client = supplier(c.actors.supplierA);
      const request = { pieceId: root, factor: c.actors.bankY.address, purchasePrice: 97_500_000n, withRecourse: false, deadline: (await latestTimestamp(ethers)) + DAY };
      await expectInvalidArgument(client.consentToFactoring({ ...request, pieceId: 65_535n }), "pieceId", 65_535n);
      await expectInvalidArgument(client.consentToFactoring({ ...request, factor: "bank-y" }), "factor", "bank-y");
      await expectInvalidArgument(client.consentToFactoring({ ...request, purchasePrice: -1n }), "purchasePrice", -1n);
      await expectInvalidArgument(client.consentToFactoring({ ...request, deadline: -1n }), "deadline", -1n);
    });
  });

  // --------------------------------------------------------------------------- BankClient
  describe("BankClient.verifyForFinancing()", function () {
    it("reports a clean piece as financeable, a pledged one with PIECE_PLEDGED, and a missing one as not found", async function () {
      const { c, root, voucherId, bank, supplier } = await loadFixture(baseFixture);
      const { supplierA, bankX, bankY } = c.actors;
      const report = await bank(bankX).verifyForFinancing(root);
      expect(report.found).to.equal(true);
      if (!report.found) return;
      expect({
        pieceId: report.pieceId,
        voucherId: report.voucherId,
        bank: report.bank,
        holder: report.holder,
        amount: report.amount,
        depth: report.depth,
        status: report.status,
        pledge: report.pledge,
        factoring: report.factoring,
        lineage: report.lineage.map((step) => step.kind),
        lineageComplete: report.lineageComplete,
        verdict: report.verdict,
      }).to.deep.equal({
        pieceId: root,
        voucherId,
        bank: bankX.address,
        holder: supplierA.address,
        amount: MILLION_CNY,
        depth: 0,
        status: "Active",
        pledge: null,
        factoring: null,
        lineage: ["issue"],
        lineageComplete: true,
        verdict: { financeable: true, reasons: [] },
      });

      const consent = await supplier(supplierA).consentToPledge({
        pieceId: root,
        pledgee: bankX.address,
        securedAmount: 50_000_000n,
        annualRateBps: 400,
        serviceFeeBps: 0,
        registrationNumber: REGISTRATION,
        deadline: (await latestTimestamp(ethers)) + DAY,
      });
      await bank(bankX).acceptPledge(consent);
      const pledged = await bank(bankY).verifyForFinancing(root);
      expect(pledged.verdict.financeable).to.equal(false);
      expect(pledged.verdict.reasons.map((r) => r.code)).to.deep.equal(["PIECE_PLEDGED"]);

      const missing = await bank(bankX).verifyForFinancing(pieceIdOf(99n, 0));
      expect({ found: missing.found, voucherId: missing.voucherId, codes: missing.verdict.reasons.map((r) => r.code), financeable: missing.verdict.financeable }).to.deep.equal({
        found: false,
        voucherId: 99n,
        codes: ["PIECE_NOT_FOUND"],
        financeable: false,
      });
    });

    it("refuses a malformed piece id", async function () {
      const { c, bank } = await loadFixture(baseFixture);
      await expectInvalidArgument(bank(c.actors.bankX).verifyForFinancing(-1n), "pieceId", -1n);
    });
  });

  describe("BankClient.acceptPledge()", function () {
    it("takes the consented pledge: the piece is Pledged and the pledge recorded with its terms", async function () {
      const { c, root, pledgedAt } = await loadFixture(pledgedFixture);
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Pledged));
      const pledge = await c.contracts.ledger.pledgeOf(root);
      expect([...pledge]).to.deep.equal([c.actors.bankX.address, 60_000_000n, 385n, 1n, registrationNumberToBytes24(REGISTRATION), pledgedAt, 10n]);
    });

    it("refuses a second pledge (R9), a consent for another bank, and a consent past its deadline", async function () {
      const { c, root, supplier, bank } = await loadFixture(baseFixture);
      const { supplierA, bankX, bankY } = c.actors;
      const now = await latestTimestamp(ethers);
      const terms = { pieceId: root, securedAmount: 40_000_000n, annualRateBps: 450, serviceFeeBps: 20, registrationNumber: REGISTRATION, deadline: now + DAY };
      const forY = await supplier(supplierA).consentToPledge({ ...terms, pledgee: bankY.address });
      await expectRefusal(bank(bankX).acceptPledge(forY), "CONSENT_SIGNATURE_INVALID", "ConsentSignatureInvalid", { holder: supplierA.address });

      const expiring = await supplier(supplierA).consentToPledge({ ...terms, pledgee: bankX.address, deadline: now + 100n });
      await networkHelpers.time.increase(200);
      const expired = await expectRefusal(bank(bankX).acceptPledge(expiring), "CONSENT_EXPIRED", "ConsentExpired", null);
      expect(Object.keys(expired.args)).to.deep.equal(["deadline", "currentTime"]);
      expect(expired.args.deadline).to.equal(now + 100n);
      expect(expired.args.currentTime as bigint).to.be.greaterThanOrEqual(await latestTimestamp(ethers));

      const forX = await supplier(supplierA).consentToPledge({ ...terms, pledgee: bankX.address, deadline: now + DAY });
      await bank(bankX).acceptPledge(forX);
      const again = await supplier(supplierA).consentToPledge({ ...terms, pledgee: bankY.address, deadline: now + DAY });
      await expectRefusal(bank(bankY).acceptPledge(again), "PIECE_NOT_IN_STATUS", "PieceNotInStatus", {
        pieceId: root,
        status: "Pledged",
        required: "Active",
      });
      expect((await c.contracts.ledger.pledgeOf(root)).pledgee).to.equal(bankX.address);
    });
  });

  describe("BankClient.releasePledge()", function () {
    it("frees the piece; the pledge record (serial 1) stays", async function () {
      const { c, root, bank } = await loadFixture(pledgedFixture);
      const receipt = await bank(c.actors.bankX).releasePledge(root);
      expect(eventsNamed(c, receipt, "PledgeReleased").map((e) => [...e!.args])).to.deep.equal([[root, c.actors.bankX.address, 1n]]);
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Active));
      const pledge = await c.contracts.ledger.pledgeOf(root);
      expect([pledge.pledgee, pledge.serial]).to.deep.equal([c.actors.bankX.address, 1n]);
    });

    it("refuses a bank that is not the pledgee (NOT_PLEDGEE), a piece not pledged, and a malformed id", async function () {
      const { c, root, bank } = await loadFixture(pledgedFixture);
      const { bankX, bankY } = c.actors;
      await expectRefusal(bank(bankY).releasePledge(root), "NOT_PLEDGEE", "NotPledgee", { pieceId: root, caller: bankY.address, pledgee: bankX.address });
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Pledged));
      await bank(bankX).releasePledge(root);
      await expectRefusal(bank(bankX).releasePledge(root), "PIECE_NOT_IN_STATUS", "PieceNotInStatus", { pieceId: root, status: "Active", required: "Pledged" });
      // The argument check rejects the promise (it does not throw synchronously).
      const pending = bank(bankX).releasePledge(0n);
      expect(pending).to.be.instanceOf(Promise);
      await expectInvalidArgument(pending, "pieceId", 0n);
    });
  });

  describe("BankClient.enforcePledge()", function () {
    it("enforces the pledge: the piece is Enforced and settles with settledFrom Enforced", async function () {
      const { c, root, voucherId, bank } = await loadFixture(pledgedFixture);
      const { bankX, supplierA } = c.actors;
      const receipt = await bank(bankX).enforcePledge(root);
      expect(eventsNamed(c, receipt, "PledgeEnforced").map((e) => [...e!.args])).to.deep.equal([[root, bankX.address, 1n]]);
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Enforced));
      const [settled] = await bank(bankX).confirmSettlement([{ pieceId: root, bankReference: ethers.id("E2E-enforced") }]);
      expect(eventsNamed(c, settled, "PieceSettled").map((e) => [...e!.args])).to.deep.equal([
        [root, voucherId, supplierA.address, MILLION_CNY, BigInt(PieceStatus.Enforced), ethers.id("E2E-enforced"), bankX.address],
      ]);
    });

    it("refuses a bank that is not the pledgee, an already enforced piece, and a malformed id", async function () {
      const { c, root, bank } = await loadFixture(pledgedFixture);
      const { bankX, bankY } = c.actors;
      await expectRefusal(bank(bankY).enforcePledge(root), "NOT_PLEDGEE", "NotPledgee", { pieceId: root, caller: bankY.address, pledgee: bankX.address });
      await bank(bankX).enforcePledge(root);
      await expectRefusal(bank(bankX).enforcePledge(root), "PIECE_NOT_IN_STATUS", "PieceNotInStatus", { pieceId: root, status: "Enforced", required: "Pledged" });
      await expectRefusal(bank(bankX).releasePledge(root), "PIECE_NOT_IN_STATUS", "PieceNotInStatus", { pieceId: root, status: "Enforced", required: "Pledged" });
      await expectInvalidArgument(bank(bankX).enforcePledge(-1n), "pieceId", -1n);
    });
  });

  describe("BankClient.factor()", function () {
    it("buys the piece: the bank becomes its holder, the factoring is recorded, the holder's nonce is used", async function () {
      const { c, root, supplier, bank } = await loadFixture(baseFixture);
      const { supplierA, bankY } = c.actors;
      const signed = await supplier(supplierA).consentToFactoring({
        pieceId: root,
        factor: bankY.address,
        purchasePrice: 97_500_000n,
        withRecourse: true,
        deadline: (await latestTimestamp(ethers)) + DAY,
      });
      const receipt = await bank(bankY).factor(signed);
      const piece = await c.contracts.ledger.pieceOf(root);
      expect([piece.holder, piece.amount, piece.status]).to.deep.equal([bankY.address, MILLION_CNY, BigInt(PieceStatus.Active)]);
      expect([...(await c.contracts.ledger.factoringOf(root))]).to.deep.equal([bankY.address, 97_500_000n, true, await blockTimeOf(receipt)]);
      expect(await c.contracts.ledger.nonces(supplierA.address)).to.equal(1n);
    });

    it("refuses a consent for another factor, a price above the piece, and a replay by the new holder", async function () {
      const { c, root, supplier, bank } = await loadFixture(baseFixture);
      const { supplierA, bankX, bankY } = c.actors;
      const deadline = (await latestTimestamp(ethers)) + DAY;
      const forY = await supplier(supplierA).consentToFactoring({ pieceId: root, factor: bankY.address, purchasePrice: 97_500_000n, withRecourse: false, deadline });
      await expectRefusal(bank(bankX).factor(forY), "CONSENT_SIGNATURE_INVALID", "ConsentSignatureInvalid", { holder: supplierA.address });

      const tooDear = await supplier(supplierA).consentToFactoring({ pieceId: root, factor: bankY.address, purchasePrice: MILLION_CNY + 1n, withRecourse: false, deadline });
      await expectRefusal(bank(bankY).factor(tooDear), "FACTORING_PRICE_INVALID", "FactoringPriceInvalid", {
        pieceId: root,
        purchasePrice: MILLION_CNY + 1n,
        pieceAmount: MILLION_CNY,
      });

      await bank(bankY).factor(forY);
      await expectRefusal(bank(bankY).factor(forY), "FACTORING_BY_HOLDER", "FactoringByHolder", { pieceId: root, holder: bankY.address });
    });
  });

  describe("BankClient.recordEnhancedReview()", function () {
    it("records the review, which lets the bank finance a long-term voucher (R4)", async function () {
      const { c, supplier, bank } = await loadFixture(baseFixture);
      const { supplierB, bankX } = c.actors;
      const longRoot = await issueVoucher(ethers, c, { holder: supplierB, maturity: (await latestTimestamp(ethers)) + 200n * DAY });
      const longVoucher = longRoot >> 16n;
      expect((await c.contracts.ledger.voucherOf(longVoucher)).enhancedReviewRequired).to.equal(true);
      const consent = await supplier(supplierB).consentToPledge({
        pieceId: longRoot,
        pledgee: bankX.address,
        securedAmount: 50_000_000n,
        annualRateBps: 420,
        serviceFeeBps: 15,
        registrationNumber: REGISTRATION,
        deadline: (await latestTimestamp(ethers)) + DAY,
      });
      await expectRefusal(bank(bankX).acceptPledge(consent), "ENHANCED_REVIEW_MISSING", "EnhancedReviewMissing", { voucherId: longVoucher, bank: bankX.address });

      const receipt = await bank(bankX).recordEnhancedReview(longVoucher, REVIEW_HASH);
      expect(eventsNamed(c, receipt, "EnhancedReviewRecorded").map((e) => [...e!.args])).to.deep.equal([[longVoucher, bankX.address, REVIEW_HASH]]);
      expect(await c.contracts.ledger.enhancedReviewOf(longVoucher, bankX.address)).to.equal(REVIEW_HASH);
      await bank(bankX).acceptPledge(consent);
      expect(await statusOf(c, longRoot)).to.equal(BigInt(PieceStatus.Pledged));
    });

    it("refuses a zero hash (argument reviewHash), an unknown voucher and a caller that is no bank", async function () {
      const { c, voucherId, bank } = await loadFixture(baseFixture);
      const { bankX, supplierA } = c.actors;
      const nonce = await nonceOf(bankX);
      await expectInvalidArgument(bank(bankX).recordEnhancedReview(voucherId, ZeroHash), "reviewHash", ZeroHash);
      await expectInvalidArgument(bank(bankX).recordEnhancedReview(voucherId, "0x1234"), "reviewHash", "0x1234");
      expect(await nonceOf(bankX)).to.equal(nonce);
      await expectRefusal(bank(bankX).recordEnhancedReview(999n, REVIEW_HASH), "VOUCHER_NOT_FOUND", "VoucherNotFound", { voucherId: 999n });
      await expectRefusal(bank(supplierA).recordEnhancedReview(voucherId, REVIEW_HASH), "MEMBER_LACKS_ROLE", "MemberLacksRole", {
        account: supplierA.address,
        role: "Bank",
      });
      expect(await c.contracts.ledger.enhancedReviewOf(voucherId, bankX.address)).to.equal(ZeroHash);
    });
  });

  describe("BankClient.confirmSettlement()", function () {
    const PIECES = 250;
    const reference = (i: number) => ethers.id(`E2E-2025-${i}`);

    /** One voucher of coreA split into 250 pieces of supplierA (policy raised to 300 live pieces). */
    async function manyPiecesFixture() {
      const c = await deployConsortium(ethers);
      const ledgerAddress = await c.contracts.ledger.getAddress();
      await c.contracts.ledger.connect(c.actors.admin).setPolicy({ ...DEFAULT_POLICY, maxLivePieces: 300 });
      const root = await issueVoucher(ethers, c);
      const ledger = c.contracts.ledger.connect(c.actors.supplierA);
      for (let i = 1; i < PIECES; i++) await ledger.split(root, DEFAULT_POLICY.minPieceAmount);
      const pieceIds = Array.from({ length: PIECES }, (_, i) => root + BigInt(i));
      return { c, ledgerAddress, root, voucherId: root >> 16n, pieceIds, ...clientsFor(c, ledgerAddress) };
    }

    it("settles 250 pieces in 2 batches (200 + 50) as the clearing bank", async function () {
      this.timeout(120_000);
      const { c, voucherId, pieceIds, bank, auditor, core } = await loadFixture(manyPiecesFixture);
      const { bankX, coreA, supplierA } = c.actors;
      expect(await c.contracts.ledger.MAX_SETTLEMENT_BATCH()).to.equal(200n);
      expect((await auditor().livePieces(voucherId)).map((p) => p.pieceId)).to.deep.equal(pieceIds);

      const confirmations: SettlementConfirmation[] = pieceIds.map((pieceId, i) => ({ pieceId, bankReference: reference(i) }));
      const receipts = await bank(bankX).confirmSettlement(confirmations);
      expect(receipts.map((r) => [r.status, r.from])).to.deep.equal([
        [1, bankX.address],
        [1, bankX.address],
      ]);
      const settled = receipts.map((r) => eventsNamed(c, r, "PieceSettled").map((e) => e!.args.pieceId as bigint));
      expect(settled.map((ids) => ids.length)).to.deep.equal([200, 50]);
      expect(settled.flat()).to.deep.equal(pieceIds);
      const last = eventsNamed(c, receipts[1], "PieceSettled").at(-1)!;
      expect([...last.args]).to.deep.equal([
        pieceIds[PIECES - 1],
        voucherId,
        supplierA.address,
        DEFAULT_POLICY.minPieceAmount,
        BigInt(PieceStatus.Active),
        reference(PIECES - 1),
        bankX.address,
      ]);

      expect(await auditor().livePieces(voucherId)).to.deep.equal([]);
      expect((await c.contracts.ledger.voucherOf(voucherId)).livePieces).to.equal(0n);
      expect(await c.contracts.ledger.outstandingOf(coreA.address)).to.equal(0n);
      const statuses = await Promise.all(pieceIds.map((id) => statusOf(c, id)));
      expect(statuses.every((s) => s === BigInt(PieceStatus.Settled))).to.equal(true);
      expect(await core(coreA).obligations()).to.deep.equal([]);
    });

    it("keeps the batches before a refused one confirmed; the refusal names the piece", async function () {
      this.timeout(120_000);
      const { c, voucherId, pieceIds, bank, auditor } = await loadFixture(manyPiecesFixture);
      // 201 confirmations: the 201st repeats the first, so batch 2 is refused after batch 1 went through.
      const confirmations = [...pieceIds.slice(0, 200), pieceIds[0]].map((pieceId, i) => ({ pieceId, bankReference: reference(i) }));
      await expectRefusal(bank(c.actors.bankX).confirmSettlement(confirmations), "PIECE_ALREADY_SETTLED", "PieceAlreadySettled", { pieceId: pieceIds[0] });
      expect((await c.contracts.ledger.voucherOf(voucherId)).livePieces).to.equal(50n);
      expect((await auditor().livePieces(voucherId)).map((p) => p.pieceId)).to.deep.equal(pieceIds.slice(200));
    });

    it("refuses a bank that is not the issuer's clearing bank (NOT_CLEARING_BANK) and bad confirmations", async function () {
      const { c, root, bank } = await loadFixture(baseFixture);
      const { coreA, bankX, bankY } = c.actors;
      await expectRefusal(bank(bankY).confirmSettlement([{ pieceId: root, bankReference: reference(0) }]), "NOT_CLEARING_BANK", "NotClearingBank", {
        issuer: coreA.address,
        caller: bankY.address,
        clearingBank: bankX.address,
      });
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Active));

      const nonce = await nonceOf(bankX);
      await expectInvalidArgument(
        bank(bankX).confirmSettlement([
          { pieceId: root, bankReference: reference(0) },
          { pieceId: root + 1n, bankReference: ZeroHash },
        ]),
        "confirmations[1].bankReference",
        ZeroHash,
      );
      await expectInvalidArgument(bank(bankX).confirmSettlement([{ pieceId: 0n, bankReference: reference(0) }]), "confirmations[0].pieceId", 0n);
      expect(await bank(bankX).confirmSettlement([])).to.deep.equal([]);
      expect(await nonceOf(bankX)).to.equal(nonce);
      await expectRefusal(bank(bankX).confirmSettlement([{ pieceId: root + 5n, bankReference: reference(0) }]), "PIECE_NOT_FOUND", "PieceNotFound", {
        pieceId: root + 5n,
      });
    });
  });

  // --------------------------------------------------------------------------- OperatorClient
  describe("OperatorClient", function () {
    const POLICY = { ...DEFAULT_POLICY, minPieceAmount: 50_000n, maxDepth: 7, attestationQuorum: 2, gracePeriod: 5 * 86_400 };

    it("setPolicy(): the admin replaces the policy; a non-admin is refused; an out-of-range value is refused", async function () {
      const { c, operator, auditor } = await loadFixture(baseFixture);
      const { admin } = c.actors;
      const receipt = await operator(admin).setPolicy(POLICY);
      expect(eventsNamed(c, receipt, "PolicyUpdated")).to.have.length(1);
      expect([...(await auditor().policy())]).to.deep.equal([50_000n, BigInt(POLICY.maxTerm), BigInt(POLICY.enhancedReviewTerm), 432_000n, 100n, 7n, 2n]);

      await expectRefusal(operator(c.actors.operator).setPolicy(DEFAULT_POLICY), "ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT", "AccessControlUnauthorizedAccount", {
        account: c.actors.operator.address,
        neededRole: "CONSORTIUM_ADMIN_ROLE",
      });
      await expectRefusal(operator(admin).setPolicy({ ...DEFAULT_POLICY, maxDepth: 33 }), "POLICY_VALUE_OUT_OF_RANGE", "PolicyValueOutOfRange", {
        field: "maxDepth",
        value: 33n,
        min: 1n,
        max: 32n,
      });
      expect((await auditor().policy()).maxDepth).to.equal(7n);
    });

    it("suspendMember() / reinstateMember(): the admin changes the status; repeats, non-admins and bad addresses are refused", async function () {
      const { c, root, operator, supplier, auditor } = await loadFixture(baseFixture);
      const { admin, supplierA, supplierB } = c.actors;
      await operator(admin).suspendMember(supplierA.address);
      expect((await auditor().member(supplierA.address))?.status).to.equal("Suspended");
      expect((await c.contracts.ledger.memberOf(supplierA.address)).status).to.equal(BigInt(MemberStatus.Suspended));
      // A suspended holder cannot split.
      await expectRefusal(supplier(supplierA).split(root, 20_000_000n), "MEMBER_NOT_ACTIVE", "MemberNotActive", { account: supplierA.address, status: "Suspended" });
      await expectRefusal(operator(admin).suspendMember(supplierA.address), "REGISTRY_STATUS_UNCHANGED", "RegistryStatusUnchanged", {
        account: supplierA.address,
        status: "Suspended",
      });

      await operator(admin).reinstateMember(supplierA.address);
      expect((await c.contracts.ledger.memberOf(supplierA.address)).status).to.equal(BigInt(MemberStatus.Active));
      await expectRefusal(operator(admin).reinstateMember(supplierA.address), "REGISTRY_STATUS_UNCHANGED", "RegistryStatusUnchanged", {
        account: supplierA.address,
        status: "Active",
      });

      const unauthorized = { account: c.actors.operator.address, neededRole: "CONSORTIUM_ADMIN_ROLE" };
      await expectRefusal(operator(c.actors.operator).suspendMember(supplierB.address), "ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT", "AccessControlUnauthorizedAccount", unauthorized);
      await expectRefusal(operator(c.actors.operator).reinstateMember(supplierB.address), "ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT", "AccessControlUnauthorizedAccount", unauthorized);
      await expectRefusal(operator(admin).suspendMember(c.actors.outsider.address), "REGISTRY_NOT_A_MEMBER", "RegistryNotAMember", { account: c.actors.outsider.address });
      await expectInvalidArgument(operator(admin).suspendMember("0xnot-an-address"), "account", "0xnot-an-address");
      await expectInvalidArgument(operator(admin).reinstateMember(ZeroAddress), "account", ZeroAddress);
      expect((await c.contracts.ledger.memberOf(supplierB.address)).status).to.equal(BigInt(MemberStatus.Active));
    });

    it("setCreditLine(): the admin sets a core enterprise's line; other roles, non-admins and bad arguments are refused", async function () {
      const { c, operator, auditor } = await loadFixture(baseFixture);
      const { admin, coreA, supplierA } = c.actors;
      await operator(admin).setCreditLine(coreA.address, 4n * MILLION_CNY);
      expect(await auditor().exposure(coreA.address)).to.deep.equal({ issuer: coreA.address, creditLine: 4n * MILLION_CNY, outstanding: MILLION_CNY, utilisationBps: 2_500n });

      await expectRefusal(operator(admin).setCreditLine(supplierA.address, MILLION_CNY), "REGISTRY_MISSING_ROLE", "RegistryMissingRole", {
        account: supplierA.address,
        role: "CoreEnterprise",
      });
      await expectRefusal(operator(c.actors.operator).setCreditLine(coreA.address, 0n), "ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT", "AccessControlUnauthorizedAccount", {
        account: c.actors.operator.address,
        neededRole: "CONSORTIUM_ADMIN_ROLE",
      });
      await expectInvalidArgument(operator(admin).setCreditLine(coreA.address, -1n), "creditLine", -1n);
      await expectInvalidArgument(operator(admin).setCreditLine("0x12", MILLION_CNY), "coreEnterprise", "0x12");
      expect((await c.contracts.ledger.memberOf(coreA.address)).creditLine).to.equal(4n * MILLION_CNY);
    });

    it("setClearingBank(): the admin names the bank that clears; other roles, non-admins and bad arguments are refused", async function () {
      const { c, root, operator, bank } = await loadFixture(baseFixture);
      const { admin, coreA, bankX, bankY, supplierA } = c.actors;
      await operator(admin).setClearingBank(coreA.address, bankY.address);
      expect(await c.contracts.ledger.clearingBankOf(coreA.address)).to.equal(bankY.address);
      await expectRefusal(bank(bankX).confirmSettlement([{ pieceId: root, bankReference: ethers.id("ref") }]), "NOT_CLEARING_BANK", "NotClearingBank", {
        issuer: coreA.address,
        caller: bankX.address,
        clearingBank: bankY.address,
      });
      await bank(bankY).confirmSettlement([{ pieceId: root, bankReference: ethers.id("ref") }]);
      expect(await statusOf(c, root)).to.equal(BigInt(PieceStatus.Settled));

      await expectRefusal(operator(admin).setClearingBank(coreA.address, supplierA.address), "REGISTRY_MISSING_ROLE", "RegistryMissingRole", {
        account: supplierA.address,
        role: "Bank",
      });
      await expectRefusal(operator(c.actors.operator).setClearingBank(coreA.address, bankX.address), "ACCESS_CONTROL_UNAUTHORIZED_ACCOUNT", "AccessControlUnauthorizedAccount", {
        account: c.actors.operator.address,
        neededRole: "CONSORTIUM_ADMIN_ROLE",
      });
      await expectInvalidArgument(operator(admin).setClearingBank(coreA.address, ZeroAddress), "bank", ZeroAddress);
      await expectInvalidArgument(operator(admin).setClearingBank("coreA", bankX.address), "coreEnterprise", "coreA");
      expect(await c.contracts.ledger.clearingBankOf(coreA.address)).to.equal(bankY.address);
    });

    describe("publishFeeSchedule()", function () {
      const ITEMS: FeeItem[] = [
        { service: ethers.encodeBytes32String("ISSUE"), fixedFee: 5_000n, rateBps: 5, payer: 0 },
        { service: ethers.encodeBytes32String("FINANCING_SERVICE"), fixedFee: 0n, rateBps: 10, payer: 2 },
      ];
      const DOCUMENT_HASH = ethers.id("fee-schedule-2025.pdf");

      it("publishes as the operator member through a client created with the fee schedule address", async function () {
        const { c, operator } = await loadFixture(baseFixture);
        const feeScheduleAddress = await c.contracts.feeSchedule.getAddress();
        const effectiveFrom = (await latestTimestamp(ethers)) + DAY;
        const receipt = await operator(c.actors.operator, feeScheduleAddress).publishFeeSchedule(effectiveFrom, ITEMS, DOCUMENT_HASH);
        expect([receipt.status, receipt.to]).to.deep.equal([1, feeScheduleAddress]);
        expect(await c.contracts.feeSchedule.scheduleCount()).to.equal(1n);
        const [from, hash, items] = await c.contracts.feeSchedule.scheduleOf(1n);
        expect([from, hash]).to.deep.equal([effectiveFrom, DOCUMENT_HASH]);
        expect(items.map((item) => [item.service, item.fixedFee, item.rateBps, item.payer])).to.deep.equal([
          [ITEMS[0].service, 5_000n, 5n, 0n],
          [ITEMS[1].service, 0n, 10n, 2n],
        ]);
      });

      it("is refused for a non-operator, a past effective time and a zero hash, and throws without a fee schedule address", async function () {
        const { c, operator } = await loadFixture(baseFixture);
        const { admin } = c.actors;
        const feeScheduleAddress = await c.contracts.feeSchedule.getAddress();
        const now = await latestTimestamp(ethers);
        await expectRefusal(
          operator(admin, feeScheduleAddress).publishFeeSchedule(now + DAY, ITEMS, DOCUMENT_HASH),
          "FEE_SCHEDULE_CALLER_NOT_OPERATOR",
          "FeeScheduleCallerNotOperator",
          { caller: admin.address },
        );
        const past = await expectRefusal(
          operator(c.actors.operator, feeScheduleAddress).publishFeeSchedule(now - DAY, ITEMS, DOCUMENT_HASH),
          "FEE_SCHEDULE_EFFECTIVE_TIME_IN_PAST",
          "FeeScheduleEffectiveTimeInPast",
          null,
        );
        expect(past.args.effectiveFrom).to.equal(Number(now - DAY));
        expect(past.args.currentTime as bigint).to.be.greaterThanOrEqual(now);
        await expectInvalidArgument(operator(c.actors.operator, feeScheduleAddress).publishFeeSchedule(now + DAY, ITEMS, ZeroHash), "documentHash", ZeroHash);

        const error = await rejection(operator(c.actors.operator).publishFeeSchedule(now + DAY, ITEMS, DOCUMENT_HASH));
        expect(error).to.be.instanceOf(RangeError);
        expect((error as Error).message).to.equal("publishFeeSchedule: this client was created without a fee schedule address");
        expect(await c.contracts.feeSchedule.scheduleCount()).to.equal(0n);
      });
    });

    describe("onboard()", function () {
      /** A small consortium of fresh accounts: an operator, a bank, a core enterprise clearing through it, a supplier. */
      function smallConfig(admin: string) {
        const [operatorZ, bankZ, coreZ, supplierZ] = Array.from({ length: 4 }, () => Wallet.createRandom().address);
        const config: ConsortiumConfig = {
          name: "Small test consortium",
          admin,
          operator: { key: "operatorZ", name: "Operator Z", uscc: testUscc(701), address: operatorZ },
          auditors: [],
          oracles: [],
          banks: [{ key: "bankZ", name: "Bank Z", uscc: testUscc(702), address: bankZ }],
          coreEnterprises: [{ key: "coreZ", name: "Core Z", uscc: testUscc(703), address: coreZ, creditLineFen: "500000000", clearingBank: "bankZ" }],
          suppliers: [{ key: "supplierZ", name: "Supplier Z", uscc: testUscc(704), address: supplierZ, groupId: 7 }],
        };
        return { config, addresses: { operatorZ, bankZ, coreZ, supplierZ } };
      }

      it("registers the members and core terms; a second run sends 0 transactions", async function () {
        const { c, operator, auditor } = await loadFixture(baseFixture);
        const { admin } = c.actors;
        const { config, addresses } = smallConfig(admin.address);
        const ledgerAddress = await c.contracts.ledger.getAddress();

        const nonce = await nonceOf(admin);
        const first = await operator(admin).onboard(config);
        expect(first.ledger).to.equal(ledgerAddress);
        expect(first.sent).to.equal(6);
        expect(first.steps.map((s) => [s.action, s.key, s.txHash !== undefined])).to.deep.equal([
          ["registerMember", "operatorZ", true],
          ["registerMember", "bankZ", true],
          ["registerMember", "coreZ", true],
          ["registerMember", "supplierZ", true],
          ["setCreditLine", "coreZ", true],
          ["setClearingBank", "coreZ", true],
        ]);
        expect(await nonceOf(admin)).to.equal(nonce + 6);

        expect(await auditor().memberByUscc(testUscc(703))).to.deep.equal({
          account: addresses.coreZ,
          uscc: testUscc(703),
          roles: MemberRole.CoreEnterprise,
          status: "Active",
          groupId: 0,
          creditLine: 500_000_000n,
          defaulted: false,
        });
        expect((await auditor().member(addresses.supplierZ))?.groupId).to.equal(7);
        expect((await auditor().member(addresses.operatorZ))?.roles).to.equal(MemberRole.Operator);
        expect(await c.contracts.ledger.clearingBankOf(addresses.coreZ)).to.equal(addresses.bankZ);

        const second = await operator(admin).onboard(config);
        expect(second.sent).to.equal(0);
        expect(second.steps).to.have.length(4 * 3 + 2);
        expect(second.steps.every((s) => s.txHash === undefined)).to.equal(true);
        expect(await nonceOf(admin)).to.equal(nonce + 6);
      });

      it("is refused for a signer without the admin role, before anything is sent", async function () {
        const { c, operator, auditor } = await loadFixture(baseFixture);
        const { config } = smallConfig(c.actors.admin.address);
        const { admin: _named, ...unnamed } = config;
        const nonce = await nonceOf(c.actors.operator);
        for (const attempt of [config, unnamed as ConsortiumConfig]) {
          const error = await rejection(operator(c.actors.operator).onboard(attempt));
          expect(isEVoucherError(error, "ONBOARDING_NOT_ADMIN"), String(error)).to.equal(true);
          expect((error as Error).cause).to.be.instanceOf(OnboardingError);
        }
        expect(await nonceOf(c.actors.operator)).to.equal(nonce);
        expect(await auditor().memberByUscc(testUscc(701))).to.equal(null);
      });
    });
  });

  // --------------------------------------------------------------------------- AuditorClient
  describe("AuditorClient", function () {
    it("piece(): the exact view, parentId null for a root, null for an unknown id; bad ids refused", async function () {
      const { c, root, voucherId, supplier, auditor } = await loadFixture(baseFixture);
      const { supplierA } = c.actors;
      const { pieceId: child } = await supplier(supplierA).split(root, 25_000_000n);
      expect(await auditor().piece(root)).to.deep.equal({
        pieceId: root,
        voucherId,
        holder: supplierA.address,
        amount: 75_000_000n,
        depth: 0,
        parentId: null,
        status: "Active",
      });
      expect((await auditor().piece(child))?.parentId).to.equal(root);
      expect(await auditor().piece(root + 9n)).to.equal(null);
      expect(await auditor().piece(pieceIdOf(42n, 0))).to.equal(null);
      await expectInvalidArgument(auditor().piece(-1n), "pieceId", -1n);
      await expectInvalidArgument(auditor().piece(65_535n), "pieceId", 65_535n);
    });

    it("voucher() and livePieces(): the voucher record and its unsettled pieces", async function () {
      const { c, root, voucherId, supplier, bank, auditor } = await loadFixture(baseFixture);
      const { coreA, supplierA, bankX } = c.actors;
      const { pieceId: child } = await supplier(supplierA).split(root, 25_000_000n);
      const voucher = await auditor().voucher(voucherId);
      const maturity = (await c.contracts.ledger.voucherOf(voucherId)).maturity;
      expect([voucher.issuer, voucher.maturity, voucher.piecesCreated, voucher.livePieces, voucher.enhancedReviewRequired, voucher.overdue]).to.deep.equal([
        coreA.address,
        maturity,
        2n,
        2n,
        false,
        false,
      ]);
      expect((await auditor().livePieces(voucherId)).map((p) => [p.pieceId, p.amount, p.status])).to.deep.equal([
        [root, 75_000_000n, "Active"],
        [child, 25_000_000n, "Active"],
      ]);
      await bank(bankX).confirmSettlement([{ pieceId: root, bankReference: ethers.id("E2E-root") }]);
      expect(await auditor().livePieces(voucherId)).to.deep.equal([
        { pieceId: child, voucherId, holder: supplierA.address, amount: 25_000_000n, depth: 1, parentId: root, status: "Active" },
      ]);
      expect((await auditor().voucher(voucherId)).livePieces).to.equal(1n);
      await expectRefusal(auditor().livePieces(99n), "VOUCHER_NOT_FOUND", "VoucherNotFound", { voucherId: 99n });
      await expectInvalidArgument(auditor().voucher(-1n), "voucherId", -1n);
    });

    it("lineage(): the steps from the issue to the piece, complete", async function () {
      const { c, root, supplier, bank, auditor } = await loadFixture(baseFixture);
      const { supplierA, bankY } = c.actors;
      const { pieceId: child } = await supplier(supplierA).split(root, 25_000_000n);
      const consent = await supplier(supplierA).consentToFactoring({
        pieceId: child,
        factor: bankY.address,
        purchasePrice: 24_000_000n,
        withRecourse: false,
        deadline: (await latestTimestamp(ethers)) + DAY,
      });
      await bank(bankY).factor(consent);
      const lineage = await auditor().lineage(child);
      expect({ pieceId: lineage.pieceId, path: lineage.path, holder: lineage.holder, complete: lineage.complete, problems: lineage.problems }).to.deep.equal({
        pieceId: child,
        path: [root, child],
        holder: bankY.address,
        complete: true,
        problems: [],
      });
      expect(lineage.steps.map((s) => [s.kind, s.pieceId, s.parentPieceId, s.from, s.to, s.amount, s.depth])).to.deep.equal([
        ["issue", root, null, c.actors.coreA.address, supplierA.address, MILLION_CNY, 0],
        ["self-split", child, root, supplierA.address, supplierA.address, 25_000_000n, 1],
        ["factoring", child, null, supplierA.address, bankY.address, 25_000_000n, 1],
      ]);
      await expectInvalidArgument(auditor().lineage(0n), "pieceId", 0n);
      await expectInvalidArgument(auditor().lineage(root + 7n), "pieceId", root + 7n);
      await expectInvalidArgument(auditor().lineage(root, { fromBlock: -1 }), "options.fromBlock", -1);
      // Events read from after the issue: the lineage is reported incomplete, not silently shortened.
      const late = await auditor().lineage(child, { fromBlock: (await ethers.provider.getBlockNumber()) - 1 });
      expect([late.complete, late.problems.map((p) => p.code).includes("LINEAGE_INCOMPLETE")]).to.deep.equal([false, true]);
    });

    it("member() and memberByUscc(): the exact record, null for a non-member; bad arguments refused", async function () {
      const { c, auditor } = await loadFixture(baseFixture);
      const { bankX, outsider } = c.actors;
      const expected = {
        account: bankX.address,
        uscc: c.usccs.get(bankX.address)!,
        roles: MemberRole.Bank,
        status: "Active",
        groupId: 0,
        creditLine: 0n,
        defaulted: false,
      };
      expect(await auditor().member(bankX.address)).to.deep.equal(expected);
      expect(await auditor().memberByUscc(c.usccs.get(bankX.address)!)).to.deep.equal(expected);
      expect((await auditor().member(c.actors.coreA.address))?.creditLine).to.equal(CREDIT_LINE);
      expect(await auditor().member(outsider.address)).to.equal(null);
      expect(await auditor().memberByUscc(testUscc(999_999))).to.equal(null);
      await expectInvalidArgument(auditor().member("0x123"), "account", "0x123");
      await expectInvalidArgument(auditor().memberByUscc(BAD_USCC), "uscc", BAD_USCC);
    });

    it("exposure(): outstanding against the credit line in basis points, rounded down; null without a line", async function () {
      const { c, auditor } = await loadFixture(baseFixture);
      const { coreA, supplierB } = c.actors;
      await issueVoucher(ethers, c, { holder: supplierB, amount: 23_456_789n });
      // (100,000,000 + 23,456,789) × 10,000 / 10,000,000,000 = 123.456789 → 123
      expect(await auditor().exposure(coreA.address)).to.deep.equal({
        issuer: coreA.address,
        creditLine: CREDIT_LINE,
        outstanding: 123_456_789n,
        utilisationBps: 123n,
      });
      expect(await auditor().exposure(supplierB.address)).to.deep.equal({ issuer: supplierB.address, creditLine: 0n, outstanding: 0n, utilisationBps: null });
      await expectInvalidArgument(auditor().exposure(ZeroAddress), "issuer", ZeroAddress);
    });

    it("policy() and isDocumentKeyUsed(): the policy in force and whether a document key backs a trade", async function () {
      const { c, auditor } = await loadFixture(baseFixture);
      const policy = await auditor().policy();
      expect([policy.minPieceAmount, policy.maxTerm, policy.enhancedReviewTerm, policy.gracePeriod, policy.maxLivePieces, policy.maxDepth, policy.attestationQuorum]).to.deep.equal([
        DEFAULT_POLICY.minPieceAmount,
        BigInt(DEFAULT_POLICY.maxTerm),
        BigInt(DEFAULT_POLICY.enhancedReviewTerm),
        BigInt(DEFAULT_POLICY.gracePeriod),
        BigInt(DEFAULT_POLICY.maxLivePieces),
        BigInt(DEFAULT_POLICY.maxDepth),
        BigInt(DEFAULT_POLICY.attestationQuorum),
      ]);
      const usedKey = ethers.id("test-key:auditor-used");
      const freshKey = ethers.id("test-key:auditor-fresh");
      await issueVoucher(ethers, c, { documentKeys: [usedKey] });
      expect(await auditor().isDocumentKeyUsed(usedKey)).to.equal(true);
      expect(await auditor().isDocumentKeyUsed(freshKey)).to.equal(false);
      await expectInvalidArgument(auditor().isDocumentKeyUsed("0x12"), "documentKey", "0x12");
    });
  });
});
