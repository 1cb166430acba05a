import { expect } from "chai";
import { checkLedgerLimits, type LedgerFacts } from "../../../src/oracle/checks/ledgerChecks.js";

const open: LedgerFacts = { paused: false, maxDepth: 5, maxLivePieces: 100 };
const codes = (amount: bigint | null, facts: LedgerFacts) => checkLedgerLimits(amount, facts).map((failure) => [failure.code, failure.path]);

describe("oracle ledger-limit checks", function () {
  it("passes an issue within the credit line and a transfer within the limits", function () {
    expect(checkLedgerLimits(100n, { ...open, issuer: { account: "0x1", clearingBankSet: true, creditLine: 1_000n, outstanding: 900n } })).to.deep.equal([]);
    expect(checkLedgerLimits(10n, { ...open, piece: { depth: 4, amount: 100n, livePieces: 99, piecesCreated: 120 } })).to.deep.equal([]);
  });

  it("LEDGER_PAUSED for any request while the ledger is paused", function () {
    expect(codes(1n, { ...open, paused: true })).to.deep.equal([["LEDGER_PAUSED", ""]]);
  });

  it("CLEARING_BANK_NOT_SET and CREDIT_LINE_EXCEEDED (one fen over the line) for an issue", function () {
    const issuer = { account: "0x1", clearingBankSet: false, creditLine: 1_000n, outstanding: 900n };
    expect(codes(101n, { ...open, issuer })).to.deep.equal([
      ["CLEARING_BANK_NOT_SET", "/payerUscc"],
      ["CREDIT_LINE_EXCEEDED", "/amount"],
    ]);
    expect(codes(100n, { ...open, issuer: { ...issuer, clearingBankSet: true } })).to.deep.equal([]);
  });

  it("DEPTH_LIMIT_REACHED for a whole or part transfer of a piece at the depth limit", function () {
    const piece = { depth: 5, amount: 100n, livePieces: 1, piecesCreated: 1 };
    expect(codes(100n, { ...open, piece })).to.deep.equal([["DEPTH_LIMIT_REACHED", "/pieceId"]]);
    expect(codes(10n, { ...open, piece })).to.deep.equal([["DEPTH_LIMIT_REACHED", "/pieceId"]]);
  });

  it("LIVE_PIECE_LIMIT_REACHED only for a part transfer, at the live-piece limit or the last piece index", function () {
    const full = { depth: 1, amount: 100n, livePieces: 100, piecesCreated: 100 };
    expect(codes(10n, { ...open, piece: full })).to.deep.equal([["LIVE_PIECE_LIMIT_REACHED", "/amount"]]);
    expect(codes(100n, { ...open, piece: full })).to.deep.equal([]);
    expect(codes(10n, { ...open, piece: { ...full, livePieces: 3, piecesCreated: 65_535 } })).to.deep.equal([["LIVE_PIECE_LIMIT_REACHED", "/amount"]]);
  });
});
