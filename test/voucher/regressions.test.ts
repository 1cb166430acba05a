import { expect } from "chai";
import { network } from "hardhat";
import type { ContractTransactionResponse } from "ethers";
import {
  MILLION_CNY,
  buildIssue,
  buildPledge,
  buildTransfer,
  deployConsortium,
  freshDocumentKey,
  issueVoucher,
  transferPiece,
} from "../fixtures/consortium.js";
import { MemberRole, PieceStatus } from "../../src/sdk/constants.js";
import { usccToBytes18 } from "../../src/sdk/uscc.js";
import { testUscc } from "../helpers/uscc.js";

const { ethers, networkHelpers } = await network.getOrCreate();

const SPLIT_OFF = 25_000_000n; // 250,000.00 CNY
const REMAINDER = MILLION_CNY - SPLIT_OFF;
/** Explicit gas: with automine off, estimating against the pending block would see the other transaction. */
const GAS_LIMIT = 1_000_000n;

/** A consortium with one 1,000,000.00 CNY voucher of coreA held by supplierA. */
async function incidentFixture() {
  const c = await deployConsortium(ethers);
  const root = await issueVoucher(ethers, c);
  return { c, root, voucherId: root >> 16n };
}

/** As `incidentFixture`, with five more banks registered: seven banks in all, as in a multi-bank fraud. */
async function manyBanksFixture() {
  const base = await incidentFixture();
  const { c } = base;
  const signers = await ethers.getSigners();
  const extraBanks = signers.slice(14, 19);
  for (const [i, bank] of extraBanks.entries()) {
    await c.contracts.ledger.connect(c.actors.admin).registerMember(bank.address, usccToBytes18(testUscc(100 + i)), MemberRole.Bank, 0);
  }
  return { ...base, banks: [c.actors.bankX, c.actors.bankY, ...extraBanks] };
}

/**
 * Sends the transactions with automine off so they land in one block, in the order given (the first
 * pays the highest priority fee), then mines that block and returns the receipts.
 */
async function inOneBlock(
  sends: Array<(fees: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; gasLimit: bigint }) => Promise<ContractTransactionResponse>>,
) {
  await ethers.provider.send("evm_setAutomine", [false]);
  const hashes: string[] = [];
  try {
    for (const [i, send] of sends.entries()) {
      const tip = BigInt(sends.length - i) * 1_000_000_000n;
      const tx = await send({ maxFeePerGas: 200_000_000_000n, maxPriorityFeePerGas: tip, gasLimit: GAS_LIMIT });
      hashes.push(tx.hash);
    }
    await ethers.provider.send("evm_mine", []);
  } finally {
    await ethers.provider.send("evm_setAutomine", [true]);
  }
  const receipts = await Promise.all(hashes.map((hash) => ethers.provider.getTransactionReceipt(hash)));
  const blocks = new Set(receipts.map((r) => r!.blockNumber));
  expect(blocks.size, "all transactions in one block").to.equal(1);
  expect(
    receipts.map((r) => r!.index),
    "transactions in the order sent",
  ).to.deep.equal(receipts.map((_, i) => i));
  return receipts.map((r) => r!);
}

async function pledgedAmountOf(c: Awaited<ReturnType<typeof incidentFixture>>["c"], pieceId: bigint): Promise<bigint> {
  const piece = await c.contracts.ledger.pieceOf(pieceId);
  if (piece.status !== BigInt(PieceStatus.Pledged)) return 0n;
  return (await c.contracts.ledger.pledgeOf(pieceId)).securedAmount;
}

describe("VoucherLedger incident regressions", function () {
  describe("(a) Qingdao: the same piece pledged to several banks", function () {
    describe(".pledge()", function () {
      describe("when a second bank submits a pledge of a piece already pledged", function () {
        it("reverts with PieceNotInStatus and the first pledge stands", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX, bankY } = c.actors;
          // The holder signs consents for two banks at once, hoping to borrow twice on one piece.
          const toX = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: 80_000_000n });
          const toY = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankY,
            pieceId: root,
            securedAmount: 80_000_000n,
            serial: 1,
          });
          await ledger.connect(bankX).pledge(toX.terms, toX.consent);
          await expect(ledger.connect(bankY).pledge(toY.terms, toY.consent))
            .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
            .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
          const record = await ledger.pledgeOf(root);
          expect(record.pledgee).to.equal(bankX.address);
          expect(record.serial).to.equal(1n);
        });
      });

      describe("when seven banks submit consents for the same piece in one block", function () {
        it("lets exactly one pledge through", async function () {
          const { c, root, banks } = await networkHelpers.loadFixture(manyBanksFixture);
          const { ledger } = c.contracts;
          const { supplierA } = c.actors;
          const pledges = [];
          for (const [i, bank] of banks.entries()) {
            const { terms, consent } = await buildPledge(ethers, c, {
              holder: supplierA,
              pledgee: bank,
              pieceId: root,
              securedAmount: 90_000_000n,
              serial: 1,
              registrationNumber: `0486884300001234${String(i).padStart(4, "0")}`,
            });
            pledges.push({ bank, terms, consent });
          }
          const receipts = await inOneBlock(
            pledges.map(
              ({ bank, terms, consent }) =>
                (fees) =>
                  ledger.connect(bank).pledge(terms, consent, fees),
            ),
          );
          expect(receipts.map((r) => r.status)).to.deep.equal([1, 0, 0, 0, 0, 0, 0]);
          expect((await ledger.pledgeOf(root)).pledgee).to.equal(banks[0].address);
          for (const { bank, terms, consent } of pledges.slice(1)) {
            await expect(ledger.connect(bank).pledge.staticCall(terms, consent))
              .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
              .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
          }
        });
      });

      describe("when the holder splits the piece and pledges the parts to two banks", function () {
        it("never pledges more than the face value, and each part only once", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX, bankY } = c.actors;
          const part = await ledger.connect(supplierA).split.staticCall(root, SPLIT_OFF);
          await ledger.connect(supplierA).split(root, SPLIT_OFF);
          const rootToX = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: REMAINDER });
          const partToY = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankY, pieceId: part, securedAmount: SPLIT_OFF });
          await ledger.connect(bankX).pledge(rootToX.terms, rootToX.consent);
          await ledger.connect(bankY).pledge(partToY.terms, partToY.consent);
          const rootToY = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankY, pieceId: root, securedAmount: 1_000_000n });
          await expect(ledger.connect(bankY).pledge(rootToY.terms, rootToY.consent))
            .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
            .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
          expect((await pledgedAmountOf(c, root)) + (await pledgedAmountOf(c, part))).to.equal(MILLION_CNY);
        });
      });
    });

    describe(".splitTransfer()", function () {
      describe("when the holder tries to pass a pledged piece on", function () {
        it("reverts with PieceNotInStatus", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: 80_000_000n,
          });
          await ledger.connect(bankX).pledge(terms, consent);
          const transfer = await buildTransfer(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: MILLION_CNY });
          await expect(ledger.connect(supplierA).splitTransfer(transfer.request, transfer.attestations))
            .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
            .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
        });
      });
    });
  });

  describe("(b) a pledge racing a split of the same piece", function () {
    describe(".pledge()", function () {
      describe("when the holder splits after signing a consent over the whole piece", function () {
        it("reverts with PledgeAmountInvalid: no fen is pledged beyond what remains", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          await ledger.connect(supplierA).split(root, SPLIT_OFF);
          await expect(ledger.connect(bankX).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "PledgeAmountInvalid")
            .withArgs(root, MILLION_CNY, REMAINDER);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
          expect((await ledger.pledgeOf(root)).pledgee).to.equal(ethers.ZeroAddress);
        });
      });

      describe("when the holder splits after signing a consent for less than what remains", function () {
        it("reverts with ConsentSignatureInvalid: the consent named the piece's amount before the split", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: 50_000_000n,
          });
          await ledger.connect(supplierA).split(root, SPLIT_OFF);
          await expect(ledger.connect(bankX).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierA.address);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
          // A fresh consent over the remaining amount pledges it.
          const renewed = await buildPledge(ethers, c, { holder: supplierA, pledgee: bankX, pieceId: root, securedAmount: 50_000_000n });
          await ledger.connect(bankX).pledge(renewed.terms, renewed.consent);
          expect(await pledgedAmountOf(c, root)).to.equal(50_000_000n);
        });
      });
    });

    describe(".split()", function () {
      describe("when the piece was pledged first", function () {
        it("reverts with PieceNotInStatus", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          await ledger.connect(bankX).pledge(terms, consent);
          await expect(ledger.connect(supplierA).split(root, SPLIT_OFF))
            .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
            .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
          expect((await ledger.pieceOf(root)).amount).to.equal(MILLION_CNY);
        });
      });
    });

    describe(".pledge() and .split() in one block", function () {
      describe("when the split comes first", function () {
        it("applies the split and refuses the pledge (PledgeAmountInvalid)", async function () {
          const { c, root, voucherId } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          const [splitReceipt, pledgeReceipt] = await inOneBlock([
            (fees) => ledger.connect(supplierA).split(root, SPLIT_OFF, fees),
            (fees) => ledger.connect(bankX).pledge(terms, consent, fees),
          ]);
          expect([splitReceipt.status, pledgeReceipt.status]).to.deep.equal([1, 0]);

          const piece = await ledger.pieceOf(root);
          expect(piece.status).to.equal(BigInt(PieceStatus.Active));
          expect(piece.amount).to.equal(REMAINDER);
          expect((await ledger.voucherOf(voucherId)).piecesCreated).to.equal(2n);
          expect(await pledgedAmountOf(c, root)).to.equal(0n);
          // The failed pledge saw exactly this state: replaying it shows why it was refused.
          await expect(ledger.connect(bankX).pledge.staticCall(terms, consent))
            .to.be.revertedWithCustomError(ledger, "PledgeAmountInvalid")
            .withArgs(root, MILLION_CNY, REMAINDER);
        });

        it("applies the split and refuses the pledge, whose consent named the amount before the split", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: 70_000_000n,
          });
          const receipts = await inOneBlock([
            (fees) => ledger.connect(supplierA).split(root, SPLIT_OFF, fees),
            (fees) => ledger.connect(bankX).pledge(terms, consent, fees),
          ]);
          expect(receipts.map((r) => r.status)).to.deep.equal([1, 0]);
          const piece = await ledger.pieceOf(root);
          expect(piece.amount).to.equal(REMAINDER);
          expect(piece.status).to.equal(BigInt(PieceStatus.Active));
          expect(await pledgedAmountOf(c, root)).to.equal(0n);
          await expect(ledger.connect(bankX).pledge.staticCall(terms, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierA.address);
        });
      });

      describe("when the pledge comes first", function () {
        it("applies the pledge and refuses the split (PieceNotInStatus)", async function () {
          const { c, root, voucherId } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          const [pledgeReceipt, splitReceipt] = await inOneBlock([
            (fees) => ledger.connect(bankX).pledge(terms, consent, fees),
            (fees) => ledger.connect(supplierA).split(root, SPLIT_OFF, fees),
          ]);
          expect([pledgeReceipt.status, splitReceipt.status]).to.deep.equal([1, 0]);

          const piece = await ledger.pieceOf(root);
          expect(piece.status).to.equal(BigInt(PieceStatus.Pledged));
          expect(piece.amount).to.equal(MILLION_CNY);
          expect((await ledger.voucherOf(voucherId)).piecesCreated).to.equal(1n);
          expect(await pledgedAmountOf(c, root)).to.equal(MILLION_CNY);
          await expect(ledger.connect(supplierA).split.staticCall(root, SPLIT_OFF))
            .to.be.revertedWithCustomError(ledger, "PieceNotInStatus")
            .withArgs(root, PieceStatus.Pledged, PieceStatus.Active);
        });

        it("refuses a split transfer of the pledged piece in the same block", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          const transfer = await buildTransfer(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: SPLIT_OFF });
          const receipts = await inOneBlock([
            (fees) => ledger.connect(bankX).pledge(terms, consent, fees),
            (fees) => ledger.connect(supplierA).splitTransfer(transfer.request, transfer.attestations, fees),
          ]);
          expect(receipts.map((r) => r.status)).to.deep.equal([1, 0]);
          expect((await ledger.pieceOf(root)).amount).to.equal(MILLION_CNY);
          expect(await ledger.isDocumentKeyUsed(transfer.request.documentKeys[0])).to.equal(false);
        });
      });
    });
  });

  describe("(c) a pledge of a piece already transferred away", function () {
    describe(".pledge()", function () {
      describe("when the bank submits the old holder's consent after a whole transfer", function () {
        it("reverts with ConsentSignatureInvalid naming the current holder", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: 80_000_000n,
          });
          await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: MILLION_CNY });
          expect((await ledger.pieceOf(root)).holder).to.equal(supplierB.address);
          await expect(ledger.connect(bankX).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierB.address);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
        });
      });

      describe("when the old holder transferred part and the consent secures the whole", function () {
        it("reverts with PledgeAmountInvalid", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, bankX } = c.actors;
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankX,
            pieceId: root,
            securedAmount: MILLION_CNY,
          });
          await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: SPLIT_OFF });
          await expect(ledger.connect(bankX).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "PledgeAmountInvalid")
            .withArgs(root, MILLION_CNY, REMAINDER);
        });
      });

      describe("when the old holder signs a consent for the piece it no longer holds", function () {
        it("reverts with ConsentSignatureInvalid even with a fresh consent", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, bankY } = c.actors;
          await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: MILLION_CNY });
          const { terms, consent } = await buildPledge(ethers, c, {
            holder: supplierA,
            pledgee: bankY,
            pieceId: root,
            securedAmount: 80_000_000n,
          });
          await expect(ledger.connect(bankY).pledge(terms, consent))
            .to.be.revertedWithCustomError(ledger, "ConsentSignatureInvalid")
            .withArgs(supplierB.address);
        });
      });
    });
  });

  describe("(d) settlement without a bank reference", function () {
    describe(".settle()", function () {
      describe("when the only piece has no reference", function () {
        it("reverts with SettlementReferenceMissing and nothing is settled", async function () {
          const { c, root, voucherId } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { coreA, bankX } = c.actors;
          await expect(ledger.connect(bankX).settle([{ pieceId: root, bankReference: ethers.ZeroHash }]))
            .to.be.revertedWithCustomError(ledger, "SettlementReferenceMissing")
            .withArgs(root);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
          expect((await ledger.voucherOf(voucherId)).livePieces).to.equal(1n);
          expect(await ledger.outstandingOf(coreA.address)).to.equal(MILLION_CNY);
        });
      });

      describe("when one piece of a batch lacks its reference", function () {
        it("reverts with SettlementReferenceMissing for that piece and settles none of the batch", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, bankX } = c.actors;
          const part = await ledger.connect(supplierA).split.staticCall(root, SPLIT_OFF);
          await ledger.connect(supplierA).split(root, SPLIT_OFF);
          await expect(
            ledger.connect(bankX).settle([
              { pieceId: root, bankReference: ethers.id("E2E-0001") },
              { pieceId: part, bankReference: ethers.ZeroHash },
            ]),
          )
            .to.be.revertedWithCustomError(ledger, "SettlementReferenceMissing")
            .withArgs(part);
          expect((await ledger.pieceOf(root)).status).to.equal(BigInt(PieceStatus.Active));
          expect((await ledger.pieceOf(part)).status).to.equal(BigInt(PieceStatus.Active));
        });
      });
    });
  });

  describe("(e) issuing on an invoice another core enterprise already used", function () {
    describe(".issue()", function () {
      describe("when coreB issues on coreA's invoice", function () {
        it("reverts with DocumentKeyAlreadyUsed", async function () {
          const { c } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { coreB, supplierC } = c.actors;
          const invoice = freshDocumentKey();
          await issueVoucher(ethers, c, { documentKeys: [invoice] });
          expect(await ledger.isDocumentKeyUsed(invoice)).to.equal(true);
          const count = await ledger.voucherCount();
          const { request, attestations } = await buildIssue(ethers, c, { issuer: coreB, holder: supplierC, documentKeys: [invoice] });
          await expect(ledger.connect(coreB).issue(request, attestations))
            .to.be.revertedWithCustomError(ledger, "DocumentKeyAlreadyUsed")
            .withArgs(invoice);
          expect(await ledger.voucherCount()).to.equal(count);
          expect(await ledger.outstandingOf(coreB.address)).to.equal(0n);
        });

        it("reverts with DocumentKeyAlreadyUsed when the reused invoice hides among fresh ones", async function () {
          const { c } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { coreB, supplierC } = c.actors;
          const invoice = freshDocumentKey();
          await issueVoucher(ethers, c, { documentKeys: [invoice] });
          const fresh = [freshDocumentKey(), freshDocumentKey()];
          const { request, attestations } = await buildIssue(ethers, c, {
            issuer: coreB,
            holder: supplierC,
            documentKeys: [fresh[0], invoice, fresh[1]],
          });
          await expect(ledger.connect(coreB).issue(request, attestations))
            .to.be.revertedWithCustomError(ledger, "DocumentKeyAlreadyUsed")
            .withArgs(invoice);
          // The refused issue consumed nothing: the fresh invoices stay available.
          expect(await ledger.isDocumentKeyUsed(fresh[0])).to.equal(false);
          expect(await ledger.isDocumentKeyUsed(fresh[1])).to.equal(false);
        });
      });

      describe("when an invoice that backed a transfer is used to issue", function () {
        it("reverts with DocumentKeyAlreadyUsed", async function () {
          const { c, root } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { supplierA, supplierB, coreB } = c.actors;
          const invoice = freshDocumentKey();
          await transferPiece(ethers, c, { from: supplierA, to: supplierB, pieceId: root, amount: SPLIT_OFF, documentKeys: [invoice] });
          const { request, attestations } = await buildIssue(ethers, c, { issuer: coreB, holder: supplierB, documentKeys: [invoice] });
          await expect(ledger.connect(coreB).issue(request, attestations))
            .to.be.revertedWithCustomError(ledger, "DocumentKeyAlreadyUsed")
            .withArgs(invoice);
        });
      });

      describe("when the same invoice appears twice in one request", function () {
        it("reverts with DocumentKeyAlreadyUsed", async function () {
          const { c } = await networkHelpers.loadFixture(incidentFixture);
          const { ledger } = c.contracts;
          const { coreA } = c.actors;
          const invoice = freshDocumentKey();
          const { request, attestations } = await buildIssue(ethers, c, { documentKeys: [invoice, invoice] });
          await expect(ledger.connect(coreA).issue(request, attestations))
            .to.be.revertedWithCustomError(ledger, "DocumentKeyAlreadyUsed")
            .withArgs(invoice);
          expect(await ledger.isDocumentKeyUsed(invoice)).to.equal(false);
        });
      });
    });
  });
});
