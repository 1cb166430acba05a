// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VoucherLedger} from "../../contracts/voucher/VoucherLedger.sol";
import {IVoucherLedger} from "../../contracts/interfaces/IVoucherLedger.sol";
import {IConsortiumRegistry} from "../../contracts/interfaces/IConsortiumRegistry.sol";
import {MemberRoles} from "../../contracts/types/MemberTypes.sol";
import {PieceId} from "../../contracts/types/PieceId.sol";
import {
    IssueRequest,
    Piece,
    PieceStatus,
    PledgeTerms,
    Settlement,
    TransferRequest
} from "../../contracts/types/VoucherTypes.sol";
import {VoucherTestBase} from "./VoucherTestBase.sol";

/**
 * @title VoucherLedgerFuzzTest
 * @notice Property tests over single operations, with inputs drawn by the fuzzer (runs per test profile).
 * Expected outcomes are derived from the rules (DOMAIN.md), not from the contract.
 */
contract VoucherLedgerFuzzTest is VoucherTestBase {
    /// @dev GB 32100-2015 alphabet and weights, written out again here (not taken from the contract).
    bytes internal constant ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    bytes internal constant FORBIDDEN = "IOSVZaz -";

    VoucherLedger internal ledger;
    bytes32 internal domainSeparator;
    address internal coreA;
    address internal supplier1;
    address internal supplier2;
    address internal bankX;
    address internal bankY;
    uint256 internal counter;

    function setUp() public {
        vm.warp(T0);
        ledger = _deployConsortium();
        domainSeparator = _domainSeparatorOf(ledger);
        coreA = vm.addr(PK_CORE_A);
        supplier1 = vm.addr(PK_SUPPLIER_1);
        supplier2 = vm.addr(PK_SUPPLIER_2);
        bankX = vm.addr(PK_BANK_X);
        bankY = vm.addr(PK_BANK_Y);
    }

    // ---------------------------------------------------------------- 1. split conserves value

    /**
     * @notice For any face and any part, a split (to oneself, or a transfer to a supplier) either succeeds
     * with parent + part == face and the issuer's exposure unchanged, or is refused exactly when a rule says
     * so (part or remainder under the minimum) and leaves everything as it was.
     */
    function testFuzz_splitConservesValue(uint64 faceSeed, uint64 partSeed, bool viaTransfer) public {
        uint64 face = uint64(_bound(faceSeed, MIN_PIECE, CREDIT_LINE));
        uint64 part = uint64(_bound(partSeed, 0, face));
        uint256 root = _issue(face, 90 days);

        bool whole = viaTransfer && part == face;
        bool valid = whole || (part >= MIN_PIECE && face - part >= MIN_PIECE && part < face);
        bool succeeded;
        uint256 received;
        if (viaTransfer) {
            (succeeded, received) = _transfer(root, supplier1, supplier2, part);
        } else {
            vm.prank(supplier1);
            try ledger.split(root, part) returns (uint256 id) {
                (succeeded, received) = (true, id);
            } catch (bytes memory reason) {
                _checkRefusal(reason, part);
            }
        }

        _check(succeeded == valid, "split outcome", succeeded ? 1 : 0, valid ? 1 : 0);
        _checkEq(ledger.outstandingOf(coreA), face, "exposure unchanged by a split");
        if (!succeeded || whole) {
            Piece memory piece = ledger.pieceOf(root);
            _checkEq(piece.amount, face, "piece amount unchanged");
            _checkEq(uint160(piece.holder), uint160(whole ? supplier2 : supplier1), "holder");
            _checkEq(ledger.voucherOf(1).piecesCreated, 1, "no piece created");
            return;
        }
        Piece memory parent = ledger.pieceOf(root);
        Piece memory child = ledger.pieceOf(received);
        _checkEq(uint256(parent.amount) + child.amount, face, "parent + part == face");
        _checkEq(child.amount, part, "part amount");
        _checkEq(child.depth, 1, "part depth");
        _checkEq(received, PieceId.encode(1, 1), "part id");
        _checkEq(ledger.parentOf(received), root, "part parent");
        _checkEq(ledger.voucherOf(1).livePieces, 2, "live pieces");
        _checkEq(uint160(child.holder), uint160(viaTransfer ? supplier2 : supplier1), "part holder");
    }

    /// @dev A refused split must name the rule it broke.
    function _checkRefusal(bytes memory reason, uint64 part) private pure {
        bytes4 selector = bytes4(reason);
        bool known = selector == IVoucherLedger.AmountZero.selector
            || selector == IVoucherLedger.PieceBelowMinimum.selector
            || selector == IVoucherLedger.RemainderBelowMinimum.selector
            || selector == IVoucherLedger.SplitAmountNotBelowPiece.selector;
        _check(known, "unexpected split refusal", uint32(selector), part);
    }

    // ---------------------------------------------------------------- 2. USCC check character

    /**
     * @notice For any 17 characters over the alphabet, `registerMember` accepts the code with exactly one of
     * the 31 possible check characters, the one GB 32100-2015 gives; and it refuses any code containing a
     * character outside the alphabet (I, O, S, V, Z, lower case, space...).
     */
    function testFuzz_usccAcceptsExactlyTheValidCheckCharacter(uint256 body, uint8 checkSeed, uint8 corruptSeed)
        public
    {
        uint8[17] memory weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
        bytes memory code = new bytes(18);
        uint256 sum;
        for (uint256 i; i < 17; ++i) {
            uint256 value = (body >> (i * 8)) % 31;
            code[i] = ALPHABET[value];
            sum += value * weights[i];
        }
        uint256 expectedCheck = (31 - (sum % 31)) % 31;
        uint256 check = checkSeed % 31;
        code[17] = ALPHABET[check];
        bytes18 uscc = bytes18(bytes(code));
        if (ledger.accountOf(uscc) != address(0)) return; // one of the members set up already

        address account = address(uint160(uint256(keccak256(abi.encode(body, checkSeed)))));
        bool accepted;
        try ledger.registerMember(account, uscc, MemberRoles.SUPPLIER, 0) {
            accepted = true;
        } catch (bytes memory reason) {
            _checkEq(uint32(bytes4(reason)), uint32(IConsortiumRegistry.RegistryInvalidUscc.selector), "refusal reason");
        }
        _check(accepted == (check == expectedCheck), "accepted iff check character valid", check, expectedCheck);
        if (accepted) _checkEq(uint160(ledger.accountOf(uscc)), uint160(account), "registered under its code");

        // A character outside the alphabet anywhere makes the code invalid, whatever the check says.
        code[17] = ALPHABET[expectedCheck];
        code[corruptSeed % 18] = FORBIDDEN[(corruptSeed / 18) % FORBIDDEN.length];
        address other = address(uint160(uint256(keccak256(abi.encode(account)))));
        try ledger.registerMember(other, bytes18(bytes(code)), MemberRoles.SUPPLIER, 0) {
            revert CheckFailed("code with a forbidden character accepted", corruptSeed % 18, 0);
        } catch (bytes memory reason) {
            _checkEq(uint32(bytes4(reason)), uint32(IConsortiumRegistry.RegistryInvalidUscc.selector), "refusal reason");
        }
    }

    // ---------------------------------------------------------------- 3. piece ids

    /**
     * @notice `pieceId = voucherId << 16 | index` decodes back to its voucher, index and root for any voucher
     * id that fits and any index up to 65535; and the ledger numbers the pieces of a voucher that way.
     */
    function testFuzz_pieceIdRoundTrip(uint256 voucherIdSeed, uint256 indexSeed, uint8 splits) public {
        uint256 voucherId = voucherIdSeed >> 16; // every voucher id below 2^240 fits
        uint256 index = indexSeed & 0xFFFF;
        uint256 pieceId = PieceId.encode(voucherId, index);
        _checkEq(PieceId.voucherOf(pieceId), voucherId, "voucherOf");
        _checkEq(PieceId.indexOf(pieceId), index, "indexOf");
        _checkEq(PieceId.rootOf(pieceId), PieceId.encode(voucherId, 0), "rootOf");
        _checkEq(pieceId, voucherId * 65_536 + index, "encoding is voucherId * 2^16 + index");

        // The ledger: a second voucher halved n times, each time the newest half, has pieces (2 << 16) | 1..n,
        // each the child of the previous one level deeper; at the depth limit one more split is refused.
        _issue(MIN_PIECE * 64, 30 days);
        uint256 current = _issue(MIN_PIECE * 64, 30 days);
        _checkEq(current, PieceId.encode(2, 0), "root id");
        uint256 n = _bound(splits, 1, MAX_DEPTH);
        for (uint256 i = 1; i <= n; ++i) {
            uint64 half = ledger.pieceOf(current).amount / 2;
            vm.prank(supplier1);
            uint256 next = ledger.split(current, half);
            _checkEq(next, PieceId.encode(2, i), "split id");
            _checkEq(ledger.parentOf(next), current, "parent");
            _checkEq(ledger.pieceOf(next).depth, i, "depth");
            uint256[] memory lineage = ledger.lineageOf(next);
            _checkEq(lineage.length, i + 1, "lineage length");
            _checkEq(lineage[i], PieceId.rootOf(next), "lineage ends at the root");
            current = next;
        }
        if (n == MAX_DEPTH) {
            vm.prank(supplier1);
            try ledger.split(current, MIN_PIECE) {
                revert CheckFailed("split beyond the depth limit", n + 1, MAX_DEPTH);
            } catch (bytes memory reason) {
                _checkEq(uint32(bytes4(reason)), uint32(IVoucherLedger.DepthLimitReached.selector), "refusal reason");
            }
        }
    }

    // ---------------------------------------------------------------- 4. settlement of any subset

    /**
     * @notice Split a voucher into up to 12 pieces, pledge some to a bank, then let the clearing bank settle
     * any subset in one batch: the exposure drops by exactly the settled amounts, live + settled == face,
     * a settled piece cannot be settled again, and settling the rest brings the exposure to zero.
     */
    function testFuzz_settleAnySubsetConserves(uint64 faceSeed, uint256 amountsSeed, uint256 settleMask, uint256 pledgeMask)
        public
    {
        uint64 face = uint64(_bound(faceSeed, MIN_PIECE * 2, CREDIT_LINE));
        uint256 root = _issue(face, 90 days);
        uint256 n = 1 + _bound(amountsSeed, 0, 11);
        uint256 created = 1;
        for (uint256 i = 1; i < n; ++i) {
            uint64 remaining = ledger.pieceOf(root).amount;
            if (remaining < 2 * MIN_PIECE) break;
            uint64 part = uint64(_bound(uint256(keccak256(abi.encode(amountsSeed, i))), MIN_PIECE, remaining - MIN_PIECE));
            vm.prank(supplier1);
            ledger.split(root, part);
            ++created;
        }
        for (uint256 i; i < created; ++i) {
            if ((pledgeMask >> i) & 1 == 1) _pledge(PieceId.encode(1, i), bankY);
        }

        uint256 count;
        for (uint256 i; i < created; ++i) {
            if ((settleMask >> i) & 1 == 1) ++count;
        }
        uint256 settledSum;
        if (count != 0) {
            Settlement[] memory batch = new Settlement[](count);
            uint256 k;
            for (uint256 i; i < created; ++i) {
                if ((settleMask >> i) & 1 == 0) continue;
                uint256 pieceId = PieceId.encode(1, i);
                batch[k++] = Settlement({pieceId: pieceId, bankReference: keccak256(abi.encode("e2e", pieceId))});
                settledSum += ledger.pieceOf(pieceId).amount;
            }
            vm.prank(bankX);
            ledger.settle(batch);

            // Settled is final: the same batch again is refused.
            vm.prank(bankX);
            try ledger.settle(batch) {
                revert CheckFailed("a settled piece was settled again", batch[0].pieceId, 0);
            } catch (bytes memory reason) {
                _checkEq(uint32(bytes4(reason)), uint32(IVoucherLedger.PieceAlreadySettled.selector), "refusal reason");
            }
        }

        _checkEq(ledger.outstandingOf(coreA), face - settledSum, "exposure == face - settled");
        _checkEq(ledger.voucherOf(1).livePieces, created - count, "live pieces");
        (uint256[] memory live,) = ledger.livePiecesOf(1, 0, created);
        uint256 liveSum;
        for (uint256 i; i < live.length; ++i) {
            liveSum += ledger.pieceOf(live[i]).amount;
        }
        _checkEq(liveSum + settledSum, face, "live + settled == face");

        // Settling the rest clears the issuer's exposure.
        if (live.length != 0) {
            Settlement[] memory rest = new Settlement[](live.length);
            for (uint256 i; i < live.length; ++i) {
                rest[i] = Settlement({pieceId: live[i], bankReference: keccak256(abi.encode("rest", live[i]))});
            }
            vm.prank(bankX);
            ledger.settle(rest);
        }
        _checkEq(ledger.outstandingOf(coreA), 0, "exposure after full settlement");
        _checkEq(ledger.voucherOf(1).livePieces, 0, "no live pieces");
    }

    // ---------------------------------------------------------------- 5. a document key backs one operation

    /**
     * @notice Once a key backs a voucher, any later issue or transfer that lists it (at any position, next
     * to fresh keys) is refused with `DocumentKeyAlreadyUsed(key)`, and the fresh keys of the refused request
     * stay unused (R2).
     */
    function testFuzz_documentKeyBacksOneOperation(bytes32 key, uint8 position, uint8 extraKeys, bool viaTransfer)
        public
    {
        if (key == bytes32(0)) key = bytes32(uint256(1));
        bytes32[] memory first = new bytes32[](1);
        first[0] = key;
        uint256 root = _issueWithKeys(MIN_PIECE * 10, 30 days, first);
        _check(ledger.isDocumentKeyUsed(key), "key consumed", 0, 1);

        bytes32[] memory keys = new bytes32[](1 + _bound(extraKeys, 0, 4));
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = keccak256(abi.encode("fresh", key, i));
        }
        keys[position % keys.length] = key;

        bytes memory reason;
        if (viaTransfer) {
            TransferRequest memory request = TransferRequest({
                pieceId: root,
                to: supplier2,
                amount: MIN_PIECE,
                packageHash: keccak256("package-2"),
                documentKeys: keys,
                deadline: block.timestamp
            });
            bytes[] memory attestations = _attestation(PK_ORACLE_1, _transferDigest(domainSeparator, supplier1, request));
            vm.prank(supplier1);
            try ledger.splitTransfer(request, attestations) {
                revert CheckFailed("transfer with a used key succeeded", position, 0);
            } catch (bytes memory r) {
                reason = r;
            }
        } else {
            IssueRequest memory request = _issueRequest(MIN_PIECE * 10, 30 days, keys);
            bytes[] memory attestations = _attestation(PK_ORACLE_2, _issueDigest(domainSeparator, coreA, request));
            vm.prank(coreA);
            try ledger.issue(request, attestations) {
                revert CheckFailed("issue with a used key succeeded", position, 0);
            } catch (bytes memory r) {
                reason = r;
            }
        }
        _checkEq(uint256(keccak256(reason)), uint256(keccak256(abi.encodeWithSelector(IVoucherLedger.DocumentKeyAlreadyUsed.selector, key))), "refusal names the key");
        for (uint256 i; i < keys.length; ++i) {
            if (keys[i] != key) _check(!ledger.isDocumentKeyUsed(keys[i]), "refused request burnt a key", i, 0);
        }
        _checkEq(ledger.voucherCount(), 1, "no second voucher");
        _checkEq(ledger.voucherOf(1).piecesCreated, 1, "no new piece");
    }

    // ---------------------------------------------------------------- helpers

    function _issueRequest(uint64 amount, uint256 term, bytes32[] memory keys) private returns (IssueRequest memory) {
        return IssueRequest({
            holder: supplier1,
            amount: amount,
            maturity: uint40(block.timestamp + term),
            packageHash: keccak256(abi.encode("package", ++counter)),
            documentKeys: keys,
            deadline: block.timestamp + 1 days
        });
    }

    /// @dev Core A issues to supplier 1, attested by oracle 1.
    function _issueWithKeys(uint64 amount, uint256 term, bytes32[] memory keys) private returns (uint256) {
        IssueRequest memory request = _issueRequest(amount, term, keys);
        bytes[] memory attestations = _attestation(PK_ORACLE_1, _issueDigest(domainSeparator, coreA, request));
        vm.prank(coreA);
        return ledger.issue(request, attestations);
    }

    function _issue(uint64 amount, uint256 term) private returns (uint256) {
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = keccak256(abi.encode("invoice", ++counter));
        return _issueWithKeys(amount, term, keys);
    }

    function _transfer(uint256 pieceId, address from, address to, uint64 amount)
        private
        returns (bool succeeded, uint256 received)
    {
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = keccak256(abi.encode("invoice", ++counter));
        TransferRequest memory request = TransferRequest({
            pieceId: pieceId,
            to: to,
            amount: amount,
            packageHash: keccak256(abi.encode("package", counter)),
            documentKeys: keys,
            deadline: block.timestamp + 1 days
        });
        bytes[] memory attestations = _attestation(PK_ORACLE_2, _transferDigest(domainSeparator, from, request));
        vm.prank(from);
        try ledger.splitTransfer(request, attestations) returns (uint256 id) {
            return (true, id);
        } catch (bytes memory reason) {
            _checkRefusal(reason, amount);
        }
    }

    /// @dev `bank` pledges the whole of a piece held by supplier 1, with supplier 1's consent.
    function _pledge(uint256 pieceId, address bank) private {
        PledgeTerms memory terms = PledgeTerms({
            pieceId: pieceId,
            securedAmount: ledger.pieceOf(pieceId).amount,
            annualRateBps: 400,
            serviceFeeBps: 10,
            registrationNumber: bytes24("D24310000000000001234567"),
            deadline: block.timestamp + 1 days
        });
        uint16 serial = ledger.pledgeOf(pieceId).serial + 1;
        bytes memory consent =
            _sign(PK_SUPPLIER_1, _pledgeDigest(domainSeparator, supplier1, bank, terms.securedAmount, serial, terms));
        vm.prank(bank);
        ledger.pledge(terms, consent);
        _checkEq(uint8(ledger.pieceOf(pieceId).status), uint8(PieceStatus.Pledged), "pledged");
    }
}
