// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VoucherLedger} from "../../contracts/voucher/VoucherLedger.sol";
import {IVoucherLedger} from "../../contracts/interfaces/IVoucherLedger.sol";
import {Piece, PieceStatus, Pledge, Voucher} from "../../contracts/types/VoucherTypes.sol";
import {VoucherLedgerHandler} from "./VoucherLedgerHandler.sol";
import {VoucherTestBase} from "./VoucherTestBase.sol";

/**
 * @title VoucherLedgerInvariantTest
 * @notice Invariants of the voucher ledger under random sequences of the handler's actions
 * (runs and depth per test profile in hardhat.config.ts). A broken invariant reverts with
 * `CheckFailed(what, actual, expected)`.
 */
contract VoucherLedgerInvariantTest is VoucherTestBase {
    VoucherLedgerHandler internal handler;
    VoucherLedger internal ledger;

    function setUp() public {
        handler = new VoucherLedgerHandler();
        ledger = handler.ledger();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice 1. For every voucher: the unsettled pieces plus what was settled add up to the face amount,
    /// and the live-piece count the ledger keeps matches the pieces it lists.
    function invariant_livePlusSettledEqualsFace() public view {
        uint256[] memory vouchers = handler.voucherIds();
        _checkEq(ledger.voucherCount(), vouchers.length, "voucher count");
        for (uint256 v; v < vouchers.length; ++v) {
            uint256 voucherId = vouchers[v];
            (uint256[] memory live, uint256 nextIndex) = ledger.livePiecesOf(voucherId, 0, MAX_LIVE_PIECES + 1);
            _checkEq(nextIndex, 0, "live scan incomplete");
            uint256 liveSum;
            for (uint256 i; i < live.length; ++i) {
                Piece memory piece = ledger.pieceOf(live[i]);
                _check(piece.status != PieceStatus.Settled && piece.status != PieceStatus.None, "listed piece status", uint8(piece.status), 1);
                liveSum += piece.amount;
            }
            _checkEq(live.length, ledger.voucherOf(voucherId).livePieces, "live pieces counter");
            _checkEq(liveSum + handler.ghostSettledAmount(voucherId), handler.ghostFace(voucherId), "live + settled == face");
        }
    }

    /// @notice 2. A piece never has two pledges in force: pledging (or moving) a pledged, enforced or settled
    /// piece never succeeds, and a Pledged/Enforced piece names the bank of its one successful pledge.
    function invariant_noDoublePledge() public view {
        _checkEq(handler.encumberedPledgeSuccesses(), 0, "pledge of a non-active piece succeeded");
        _checkEq(handler.encumberedMoveSuccesses(), 0, "move of a non-active piece succeeded");
        uint256[] memory pieces = handler.pieceIds();
        for (uint256 i; i < pieces.length; ++i) {
            uint256 pieceId = pieces[i];
            PieceStatus status = ledger.pieceOf(pieceId).status;
            Pledge memory record = ledger.pledgeOf(pieceId);
            _checkEq(record.serial, handler.ghostPledgeCount(pieceId), "pledge serial == successful pledges");
            if (status == PieceStatus.Pledged || status == PieceStatus.Enforced) {
                _check(record.pledgee != address(0), "encumbered piece without pledgee", pieceId, 0);
                _checkEq(uint160(record.pledgee), uint160(handler.ghostPledgee(pieceId)), "pledgee");
            }
        }
    }

    /// @notice 3. No piece is deeper than the policy allows, and every lineage ends at the voucher's root.
    function invariant_depthWithinPolicy() public view {
        uint8 maxDepth = ledger.policy().maxDepth;
        uint256[] memory pieces = handler.pieceIds();
        uint256 created;
        for (uint256 v = 1; v <= ledger.voucherCount(); ++v) {
            created += ledger.voucherOf(v).piecesCreated;
        }
        _checkEq(pieces.length, created, "pieces created == pieces seen");
        for (uint256 i; i < pieces.length; ++i) {
            Piece memory piece = ledger.pieceOf(pieces[i]);
            _check(piece.depth <= maxDepth, "depth <= maxDepth", piece.depth, maxDepth);
            uint256[] memory lineage = ledger.lineageOf(pieces[i]);
            _checkEq(lineage[lineage.length - 1], (pieces[i] >> 16) << 16, "lineage ends at root");
        }
    }

    /// @notice 4. Settled is final: every piece seen settled is still Settled, with the amount and holder it
    /// had when it was paid, and no piece was settled twice.
    function invariant_settledIsFinal() public view {
        _checkEq(handler.resettlementSuccesses(), 0, "piece settled twice");
        uint256[] memory settled = handler.settledPieceIds();
        for (uint256 i; i < settled.length; ++i) {
            Piece memory piece = ledger.pieceOf(settled[i]);
            (uint64 amount, address holder) = handler.settledRecordOf(settled[i]);
            _checkEq(uint8(piece.status), uint8(PieceStatus.Settled), "settled status");
            _checkEq(piece.amount, amount, "settled amount");
            _checkEq(uint160(piece.holder), uint160(holder), "settled holder");
        }
    }

    /// @notice 5. A document key backs one operation: no operation succeeded with a consumed key, and the
    /// ledger marks exactly the keys of successful operations (a refused request burns none).
    function invariant_documentKeyUsedOnce() public view {
        _checkEq(handler.reusedKeySuccesses(), 0, "operation with a used document key succeeded");
        bytes32[] memory keys = handler.presentedKeys();
        for (uint256 i; i < keys.length; ++i) {
            bool used = ledger.isDocumentKeyUsed(keys[i]);
            if (used != handler.ghostKeyUsed(keys[i])) revert CheckFailed("key used", used ? 1 : 0, used ? 0 : 1);
        }
    }

    /// @notice 6. An issuer's exposure is the sum of its unsettled pieces (read piece by piece from the
    /// ledger, and from the ghost face and settled amounts).
    function invariant_exposureEqualsUnsettledPieces() public view {
        address[] memory issuers = handler.cores();
        for (uint256 k; k < issuers.length; ++k) {
            uint256 fromPieces;
            uint256 fromGhost;
            for (uint256 v = 1; v <= ledger.voucherCount(); ++v) {
                Voucher memory voucher = ledger.voucherOf(v);
                if (voucher.issuer != issuers[k]) continue;
                for (uint256 index; index < voucher.piecesCreated; ++index) {
                    Piece memory piece = ledger.pieceOf((v << 16) | index);
                    if (piece.status != PieceStatus.Settled) fromPieces += piece.amount;
                }
                fromGhost += handler.ghostFace(v) - handler.ghostSettledAmount(v);
            }
            _checkEq(ledger.outstandingOf(issuers[k]), fromPieces, "outstanding == unsettled pieces");
            _checkEq(ledger.outstandingOf(issuers[k]), fromGhost, "outstanding == face - settled");
            _check(fromPieces <= ledger.memberOf(issuers[k]).creditLine, "outstanding <= credit line", fromPieces, CREDIT_LINE);
        }
    }

    /// @notice 7. Refusals the rules demand: no issue while in default and an overdue voucher leaves its
    /// issuer in default (R11), no early overdue, no settlement by another bank than the issuer's clearing
    /// bank (R10), no financing by a related bank (R15) or without the enhanced review (R4), no transfer or
    /// split by anyone but the holder (R9).
    function invariant_refusedOperationsNeverSucceed() public view {
        _checkEq(handler.defaultedIssueSuccesses(), 0, "issue while in default");
        _checkEq(handler.unrecordedDefaults(), 0, "overdue without default");
        _checkEq(handler.prematureOverdueSuccesses(), 0, "overdue before maturity + grace");
        _checkEq(handler.foreignSettlementSuccesses(), 0, "settlement by another bank");
        _checkEq(handler.relatedFinancingSuccesses(), 0, "financing by a related bank");
        _checkEq(handler.unreviewedFinancingSuccesses(), 0, "financing without enhanced review");
        _checkEq(handler.nonHolderMoveSuccesses(), 0, "transfer or split by a non-holder");
    }

    // ---------------------------------------------------------------- the handler is not vacuous

    /**
     * @notice Replays 64 fixed pseudo-random runs of 24 handler calls (the invariant depth), checks every
     * invariant after each run, and requires that together they reached every operation and every refusal
     * the invariants depend on. If a change to the handler or the ledger made a path unreachable (say, every
     * pledge failing on a bad consent), the invariants above would pass vacuously; this test fails instead.
     */
    function test_handlerReachesEveryPath() public {
        bytes4[15] memory requiredRefusals = [
            IVoucherLedger.DocumentKeyAlreadyUsed.selector,
            IVoucherLedger.PieceNotInStatus.selector,
            IVoucherLedger.PieceAlreadySettled.selector,
            IVoucherLedger.DepthLimitReached.selector,
            IVoucherLedger.CreditLineExceeded.selector,
            IVoucherLedger.IssuerInDefault.selector,
            IVoucherLedger.NotClearingBank.selector,
            IVoucherLedger.RelatedPartyFinancing.selector,
            IVoucherLedger.EnhancedReviewMissing.selector,
            IVoucherLedger.GracePeriodNotOver.selector,
            IVoucherLedger.NotPledgee.selector,
            IVoucherLedger.AttestorNotOracle.selector,
            IVoucherLedger.AttestorsNotAscending.selector,
            IVoucherLedger.NotATradeParty.selector,
            IVoucherLedger.NotPieceHolder.selector
        ];
        uint256[12] memory successes;
        uint256[15] memory refused;
        uint256 seed = 0x5eed;
        for (uint256 run; run < 64; ++run) {
            handler = new VoucherLedgerHandler();
            ledger = handler.ledger();
            for (uint256 call; call < 24; ++call) {
                seed = uint256(keccak256(abi.encode(seed)));
                _drive(seed);
            }
            invariant_livePlusSettledEqualsFace();
            invariant_noDoublePledge();
            invariant_depthWithinPolicy();
            invariant_settledIsFinal();
            invariant_documentKeyUsedOnce();
            invariant_exposureEqualsUnsettledPieces();
            invariant_refusedOperationsNeverSucceed();

            successes[0] += handler.issueCount() - 2; // two issued by the constructor
            successes[1] += handler.wholeTransferCount();
            successes[2] += handler.partTransferCount(); // the constructor's transfers are not counted
            successes[3] += handler.splitCount();
            successes[4] += handler.pledgeCount();
            successes[5] += handler.releaseCount();
            successes[6] += handler.enforceCount();
            successes[7] += handler.factorCount();
            successes[8] += handler.settledPieceCount();
            successes[9] += handler.overdueCount();
            successes[10] += handler.restoreCount();
            successes[11] += handler.settleBatchCount();
            for (uint256 i; i < requiredRefusals.length; ++i) {
                refused[i] += handler.refusals(requiredRefusals[i]);
            }
        }
        for (uint256 i; i < successes.length; ++i) {
            _check(successes[i] > 0, "operation never succeeded (index)", i, 1);
        }
        for (uint256 i; i < refused.length; ++i) {
            _check(refused[i] > 0, "refusal never reached (index)", i, 1);
        }
    }

    /// @dev One handler call chosen and shaped by `seed`, as the invariant runner would make it.
    function _drive(uint256 seed) private {
        uint256 a = uint256(keccak256(abi.encode(seed, 1)));
        uint256 b = uint256(keccak256(abi.encode(seed, 2)));
        uint256 c = uint256(keccak256(abi.encode(seed, 3)));
        uint256 d = uint256(keccak256(abi.encode(seed, 4)));
        uint256 action = seed % 11;
        if (action == 0) handler.issue(a, b, c, d, seed >> 8);
        else if (action == 1) handler.transfer(a, b, c, d);
        else if (action == 2) handler.split(a, b, c);
        else if (action == 3) handler.pledge(a, b, c, d);
        else if (action == 4) handler.releasePledge(a, b);
        else if (action == 5) handler.enforcePledge(a, b);
        else if (action == 6) handler.factor(a, b, c, d);
        else if (action == 7) handler.settle(a, b, c);
        else if (action == 8) handler.markOverdue(a, b);
        else if (action == 9) handler.restoreIssuer(a);
        else handler.warp(a);
    }
}
