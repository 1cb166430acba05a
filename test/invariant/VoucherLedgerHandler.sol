// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VoucherLedger} from "../../contracts/voucher/VoucherLedger.sol";
import {
    FactoringTerms,
    IssueRequest,
    Piece,
    PieceStatus,
    PledgeTerms,
    Settlement,
    TransferRequest,
    Voucher
} from "../../contracts/types/VoucherTypes.sol";
import {VoucherTestBase} from "./VoucherTestBase.sol";

/**
 * @title VoucherLedgerHandler
 * @notice The only target of the invariant runner. Deploys a ledger administered by itself, then exposes
 * bounded actions (issue, transfer, split, pledge, release, enforce, factor, settle, mark overdue, restore,
 * warp) whose inputs are shaped mostly valid, with a steady share of invalid ones (reused document keys,
 * pledges of pledged pieces, wrong banks, bad attestations). Every ledger call is wrapped in try/catch,
 * so a refused operation is just a no-op, and the ghost state records only what succeeded.
 *
 * Ghost counters named `*Successes` count operations the ledger must have refused; the invariants
 * require each to stay zero. The rest feeds the conservation, finality and exposure invariants.
 *
 * A run has at most `depth` (24) calls, so every list here stays small: no caps are needed.
 */
contract VoucherLedgerHandler is VoucherTestBase {
    struct SettledRecord {
        uint64 amount;
        address holder;
    }

    VoucherLedger public immutable ledger;
    bytes32 public immutable domainSeparator;

    /// @dev The handler's clock: warped to at the start of every action, so time survives between calls.
    uint256 public currentTime;
    uint256 private _counter;

    address[] private _cores;
    address[] private _banks;
    /// @dev Every member that may hold a piece: cores and suppliers (the trade parties), then banks.
    address[] private _parties;
    /// @dev Issues and transfers go to the first `TRADE_PARTIES` of `_parties`, to a bank only rarely
    /// (banks get pieces by factoring; the ledger refuses them as trade receivers).
    uint256 private constant TRADE_PARTIES = 6;
    mapping(address account => uint256 privateKey) private _keyOf;

    // ---------------------------------------------------------------- ghost state

    uint256[] private _voucherIds;
    mapping(uint256 voucherId => uint256) public ghostFace;
    mapping(uint256 voucherId => uint256) public ghostSettledAmount;

    uint256[] private _pieceIds;
    uint256[] private _settledPieceIds;
    mapping(uint256 pieceId => bool) public ghostSettled;
    mapping(uint256 pieceId => SettledRecord) private _settledRecord;

    /// @dev Every document key put in a request, whether the request succeeded or not.
    bytes32[] private _presentedKeys;
    mapping(bytes32 documentKey => bool) private _presented;
    /// @dev Keys consumed by a successful issue or transfer.
    mapping(bytes32 documentKey => bool) public ghostKeyUsed;

    mapping(uint256 pieceId => address) public ghostPledgee;
    mapping(uint256 pieceId => uint16) public ghostPledgeCount;
    uint256 private _lastPledged;

    // Operations the ledger must refuse. Each must stay zero.
    /// @dev Issues or transfers that succeeded with a key already consumed (or repeated in the request) (R2).
    uint256 public reusedKeySuccesses;
    /// @dev Pledges of a piece that was not Active (pledged, enforced or settled) that succeeded (R9).
    uint256 public encumberedPledgeSuccesses;
    /// @dev Transfers, splits or factorings of a piece that was not Active that succeeded (R9).
    uint256 public encumberedMoveSuccesses;
    /// @dev Transfers or splits by someone other than the holder that succeeded (R9: not yours to move).
    uint256 public nonHolderMoveSuccesses;
    /// @dev Settlements of a piece already settled that succeeded.
    uint256 public resettlementSuccesses;
    /// @dev Settlements by a bank that is not the issuer's clearing bank that succeeded (R10).
    uint256 public foreignSettlementSuccesses;
    /// @dev Issues by an issuer in default that succeeded (R11).
    uint256 public defaultedIssueSuccesses;
    /// @dev markOverdue before maturity + grace that succeeded (R11).
    uint256 public prematureOverdueSuccesses;
    /// @dev Vouchers marked overdue whose issuer was not left in default (R11).
    uint256 public unrecordedDefaults;
    /// @dev Financings by a bank related to the holder that succeeded (R15).
    uint256 public relatedFinancingSuccesses;
    /// @dev Financings of a long-term voucher without the bank's enhanced review that succeeded (R4).
    uint256 public unreviewedFinancingSuccesses;

    // Coverage counters (successful operations and notable refusals), to show the campaign is not vacuous.
    uint256 public issueCount;
    uint256 public wholeTransferCount;
    uint256 public partTransferCount;
    uint256 public splitCount;
    uint256 public pledgeCount;
    uint256 public releaseCount;
    uint256 public enforceCount;
    uint256 public factorCount;
    uint256 public settleBatchCount;
    uint256 public settledPieceCount;
    uint256 public overdueCount;
    uint256 public restoreCount;
    /// @dev Refused ledger calls by error selector (e.g. `DepthLimitReached`), to show each rule is hit.
    mapping(bytes4 selector => uint256) public refusals;

    modifier useTime() {
        vm.warp(currentTime);
        _;
    }

    constructor() {
        currentTime = T0;
        vm.warp(T0);
        ledger = _deployConsortium();
        domainSeparator = _domainSeparatorOf(ledger);

        _cores.push(_actor(PK_CORE_A));
        _cores.push(_actor(PK_CORE_B));
        _banks.push(_actor(PK_BANK_X));
        _banks.push(_actor(PK_BANK_Y));
        _parties.push(_cores[0]);
        _parties.push(_cores[1]);
        _parties.push(_actor(PK_SUPPLIER_1));
        _parties.push(_actor(PK_SUPPLIER_2));
        _parties.push(_actor(PK_SUPPLIER_3));
        _parties.push(_actor(PK_SUPPLIER_4));
        _parties.push(_banks[0]);
        _parties.push(_banks[1]);
        _actor(PK_ORACLE_1);
        _actor(PK_ORACLE_2);
        _actor(PK_OUTSIDER);

        // The state every run starts from, so that runs of 24 calls still reach financing, settlement, the
        // depth limit and the credit line: A -> supplier 1, 10,000 CNY, 90 days; B -> supplier 4, 300,000 CNY
        // (60% of B's line), 200 days (needs an enhanced review, R4); and a chain on A's voucher:
        // supplier 1 -> 2 -> 3 (depth 1, 2), then supplier 3 splits twice (depth 3, 4: one level below the limit).
        uint256 rootA = _issueOrFail(0, 2, 1_000_000, 90 days);
        _issueOrFail(1, 5, 30_000_000, 200 days);
        uint256 level1 = _transferOrFail(rootA, 3, 300_000);
        uint256 level2 = _transferOrFail(level1, 4, 100_000);
        vm.prank(_parties[4]);
        uint256 level3 = ledger.split(level2, 50_000);
        _pieceIds.push(level3);
        vm.prank(_parties[4]);
        _pieceIds.push(ledger.split(level3, 20_000));
    }

    // ---------------------------------------------------------------- actions

    /**
     * @notice Issues a voucher. `mode` picks the rare invalid shapes: amount below the minimum, term over a
     * year, a document key presented before (consumed or not), a key repeated within the request, and
     * attestations that must fail (outsider, unsorted, a supplier as signer).
     */
    function issue(uint256 issuerSeed, uint256 holderSeed, uint256 amountSeed, uint256 termSeed, uint256 mode)
        external
        useTime
    {
        address issuer = _cores[issuerSeed % 2];
        address holder = _receiver(holderSeed);
        if (holder == issuer) holder = _parties[2 + holderSeed % 4];
        // Mostly up to 1/8 of the credit line; one time in four up to all of it, so the line is reached.
        uint64 amount = mode % 16 == 0
            ? uint64(_bound(amountSeed, 1, MIN_PIECE - 1))
            : uint64(_bound(amountSeed, MIN_PIECE, (mode >> 28) % 4 == 0 ? CREDIT_LINE : CREDIT_LINE / 8));
        uint256 term = (mode >> 4) % 16 == 0 ? _bound(termSeed, 0, 400 days) : _bound(termSeed, 1 hours, MAX_TERM);

        IssueRequest memory request = IssueRequest({
            holder: holder,
            amount: amount,
            maturity: uint40(currentTime + term),
            packageHash: keccak256(abi.encode("package", ++_counter)),
            documentKeys: _documentKeys(mode >> 8),
            deadline: currentTime + 1 days
        });
        bytes[] memory attestations = _attestations(_issueDigest(domainSeparator, issuer, request), mode >> 16);
        bool reuses = _reusesKey(request.documentKeys);
        bool defaulted = ledger.memberOf(issuer).defaulted;
        _present(request.documentKeys);

        vm.prank(issuer);
        try ledger.issue(request, attestations) returns (uint256 pieceId) {
            if (reuses) ++reusedKeySuccesses;
            if (defaulted) ++defaultedIssueSuccesses;
            _recordIssue(pieceId, amount, request.documentKeys);
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice Transfers a whole piece or a part of it to a trade counterparty, mostly by its holder.
    function transfer(uint256 pieceSeed, uint256 toSeed, uint256 amountSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        uint256 pieceId = _pickPiece(pieceSeed);
        Piece memory piece = ledger.pieceOf(pieceId);
        address from = mode % 16 == 0 ? _parties[(mode >> 4) % _parties.length] : piece.holder;
        address to = _receiver(toSeed);
        if (to == from && (mode >> 8) % 16 != 0) to = _parties[((toSeed >> 4) + 1) % TRADE_PARTIES];
        bool whole = (mode >> 12) % 3 == 0;
        uint64 amount = whole ? piece.amount : _partAmount(amountSeed, piece.amount);

        TransferRequest memory request = TransferRequest({
            pieceId: pieceId,
            to: to,
            amount: amount,
            packageHash: keccak256(abi.encode("package", ++_counter)),
            documentKeys: _documentKeys(mode >> 16),
            deadline: currentTime + 1 days
        });
        bytes[] memory attestations = _attestations(_transferDigest(domainSeparator, from, request), mode >> 24);
        bool reuses = _reusesKey(request.documentKeys);
        _present(request.documentKeys);

        vm.prank(from);
        try ledger.splitTransfer(request, attestations) returns (uint256 received) {
            if (reuses) ++reusedKeySuccesses;
            if (piece.status != PieceStatus.Active) ++encumberedMoveSuccesses;
            if (from != piece.holder) ++nonHolderMoveSuccesses;
            _consume(request.documentKeys);
            if (received == pieceId) {
                ++wholeTransferCount;
            } else {
                ++partTransferCount;
                _pieceIds.push(received);
            }
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice Splits a piece into two pieces of the same holder.
    function split(uint256 pieceSeed, uint256 amountSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        uint256 pieceId = _pickPiece(pieceSeed);
        Piece memory piece = ledger.pieceOf(pieceId);
        address caller = mode % 16 == 0 ? _parties[(mode >> 4) % _parties.length] : piece.holder;
        uint64 amount = _partAmount(amountSeed, piece.amount);

        vm.prank(caller);
        try ledger.split(pieceId, amount) returns (uint256 newPieceId) {
            if (piece.status != PieceStatus.Active) ++encumberedMoveSuccesses;
            if (caller != piece.holder) ++nonHolderMoveSuccesses;
            ++splitCount;
            _pieceIds.push(newPieceId);
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /**
     * @notice A bank pledges a piece with its holder's signed consent (the next serial). One time in four it
     * targets the piece pledged last, so pledging an already pledged or enforced piece is tried often.
     */
    function pledge(uint256 pieceSeed, uint256 bankSeed, uint256 securedSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        uint256 pieceId = (mode % 4 == 0 && _lastPledged != 0) ? _lastPledged : _pickPiece(pieceSeed);
        Piece memory piece = ledger.pieceOf(pieceId);
        address bank = _banks[bankSeed % 2];
        if ((mode >> 2) % 4 != 0) _review(pieceId, bank);

        PledgeTerms memory terms = PledgeTerms({
            pieceId: pieceId,
            securedAmount: uint64(_bound(securedSeed, 1, piece.amount)),
            annualRateBps: uint16(_bound(mode >> 8, 100, 1_500)),
            serviceFeeBps: uint16(_bound(mode >> 24, 0, 100)),
            registrationNumber: bytes24(keccak256(abi.encode("registration", ++_counter))),
            deadline: currentTime + 1 days
        });
        uint16 serial = ledger.pledgeOf(pieceId).serial + 1;
        bytes memory consent =
            _sign(_keyOf[piece.holder], _pledgeDigest(domainSeparator, piece.holder, bank, piece.amount, serial, terms));
        (bool related, bool unreviewed) = _financingFlags(pieceId, piece.holder, bank);

        vm.prank(bank);
        try ledger.pledge(terms, consent) {
            if (piece.status != PieceStatus.Active) ++encumberedPledgeSuccesses;
            if (related) ++relatedFinancingSuccesses;
            if (unreviewed) ++unreviewedFinancingSuccesses;
            ++pledgeCount;
            ghostPledgee[pieceId] = bank;
            ++ghostPledgeCount[pieceId];
            _lastPledged = pieceId;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice The pledgee (one time in eight the other bank) releases a pledge.
    function releasePledge(uint256 pieceSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        (uint256 pieceId, address caller) = _pledgeTarget(pieceSeed, mode);
        vm.prank(caller);
        try ledger.releasePledge(pieceId) {
            ++releaseCount;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice The pledgee (one time in eight the other bank) enforces a pledge.
    function enforcePledge(uint256 pieceSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        (uint256 pieceId, address caller) = _pledgeTarget(pieceSeed, mode);
        vm.prank(caller);
        try ledger.enforcePledge(pieceId) {
            ++enforceCount;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice A bank factors a piece with its holder's signed consent (nonce from `nonces(holder)`).
    function factor(uint256 pieceSeed, uint256 bankSeed, uint256 priceSeed, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        uint256 pieceId = _pickPiece(pieceSeed);
        Piece memory piece = ledger.pieceOf(pieceId);
        address bank = _banks[bankSeed % 2];
        if ((mode >> 2) % 4 != 0) _review(pieceId, bank);

        FactoringTerms memory terms = FactoringTerms({
            pieceId: pieceId,
            purchasePrice: uint64(_bound(priceSeed, 1, piece.amount)),
            withRecourse: mode % 2 == 0,
            deadline: currentTime + 1 days
        });
        uint256 nonce = ledger.nonces(piece.holder);
        bytes memory consent = _sign(
            _keyOf[piece.holder], _factoringDigest(domainSeparator, piece.holder, bank, piece.amount, nonce, terms)
        );
        (bool related, bool unreviewed) = _financingFlags(pieceId, piece.holder, bank);

        vm.prank(bank);
        try ledger.factor(terms, consent) {
            if (piece.status != PieceStatus.Active) ++encumberedMoveSuccesses;
            if (related) ++relatedFinancingSuccesses;
            if (unreviewed) ++unreviewedFinancingSuccesses;
            ++factorCount;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /**
     * @notice The clearing bank of one issuer settles a batch of that issuer's unsettled pieces chosen by
     * `mask`. Rarely: the other bank calls, a random (possibly settled or foreign) piece is appended, or a
     * reference is zero.
     */
    function settle(uint256 issuerSeed, uint256 mask, uint256 mode) external useTime {
        if (_pieceIds.length == 0) return;
        address issuer = _cores[issuerSeed % 2];
        address bank = ledger.clearingBankOf(issuer);
        if (mode % 16 == 0) bank = bank == _banks[0] ? _banks[1] : _banks[0];

        uint256 n = _pieceIds.length;
        uint256[] memory batch = new uint256[](n + 1);
        uint256 size;
        for (uint256 i; i < n && size < 8; ++i) {
            uint256 id = _pieceIds[i];
            if (ghostSettled[id] || _issuerOfPiece(id) != issuer) continue;
            if ((mask >> i) & 1 == 1 || (size == 0 && (mask >> 128) % 4 == 0)) batch[size++] = id;
        }
        if ((mode >> 4) % 16 == 0) batch[size++] = _pieceIds[(mode >> 8) % n];
        if (size == 0) return;

        Settlement[] memory settlements = new Settlement[](size);
        SettledRecord[] memory before = new SettledRecord[](size);
        bool foreign;
        bool repeated;
        for (uint256 i; i < size; ++i) {
            uint256 id = batch[i];
            bytes32 bankRef =
                (mode >> 16) % 64 == 0 && i == size - 1 ? bytes32(0) : keccak256(abi.encode("e2e", ++_counter));
            settlements[i] = Settlement({pieceId: id, bankReference: bankRef});
            Piece memory piece = ledger.pieceOf(id);
            before[i] = SettledRecord({amount: piece.amount, holder: piece.holder});
            if (ledger.clearingBankOf(_issuerOfPiece(id)) != bank) foreign = true;
            if (ghostSettled[id]) repeated = true;
            for (uint256 j; j < i; ++j) {
                if (batch[j] == id) repeated = true;
            }
        }

        vm.prank(bank);
        try ledger.settle(settlements) {
            if (foreign) ++foreignSettlementSuccesses;
            if (repeated) ++resettlementSuccesses;
            ++settleBatchCount;
            for (uint256 i; i < size; ++i) {
                uint256 id = batch[i];
                if (ghostSettled[id]) continue; // counted above; keep the first record
                ghostSettled[id] = true;
                _settledRecord[id] = before[i];
                _settledPieceIds.push(id);
                ghostSettledAmount[id >> 16] += before[i].amount;
                ++settledPieceCount;
            }
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice Any party marks a voucher overdue.
    function markOverdue(uint256 voucherSeed, uint256 callerSeed) external useTime {
        uint256 voucherId = _voucherIds[voucherSeed % _voucherIds.length];
        Voucher memory voucher = ledger.voucherOf(voucherId);
        bool premature = currentTime <= uint256(voucher.maturity) + GRACE_PERIOD;
        vm.prank(_parties[callerSeed % _parties.length]);
        try ledger.markOverdue(voucherId) {
            if (premature) ++prematureOverdueSuccesses;
            if (!ledger.memberOf(voucher.issuer).defaulted) ++unrecordedDefaults;
            ++overdueCount;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice The consortium admin (this handler) lifts an issuer's default.
    function restoreIssuer(uint256 issuerSeed) external useTime {
        try ledger.restoreIssuer(_cores[issuerSeed % 2]) {
            ++restoreCount;
        } catch (bytes memory reason) {
            _noteRefusal(reason);
        }
    }

    /// @notice Time passes: one hour to four months.
    function warp(uint256 secondsSeed) external {
        currentTime += _bound(secondsSeed, 1 hours, 120 days);
        vm.warp(currentTime);
    }

    // ---------------------------------------------------------------- ghost views (for the invariants)

    function voucherIds() external view returns (uint256[] memory) {
        return _voucherIds;
    }

    function pieceIds() external view returns (uint256[] memory) {
        return _pieceIds;
    }

    function settledPieceIds() external view returns (uint256[] memory) {
        return _settledPieceIds;
    }

    function settledRecordOf(uint256 pieceId) external view returns (uint64 amount, address holder) {
        SettledRecord memory record = _settledRecord[pieceId];
        return (record.amount, record.holder);
    }

    function presentedKeys() external view returns (bytes32[] memory) {
        return _presentedKeys;
    }

    function cores() external view returns (address[] memory) {
        return _cores;
    }

    // ---------------------------------------------------------------- internal

    function _actor(uint256 privateKey) private returns (address account) {
        account = vm.addr(privateKey);
        _keyOf[account] = privateKey;
    }

    /// @dev A valid issue from the constructor (core `coreIndex` to party `holderIndex`).
    function _issueOrFail(uint256 coreIndex, uint256 holderIndex, uint64 amount, uint256 term)
        private
        returns (uint256 pieceId)
    {
        address issuer = _cores[coreIndex];
        IssueRequest memory request = IssueRequest({
            holder: _parties[holderIndex],
            amount: amount,
            maturity: uint40(currentTime + term),
            packageHash: keccak256(abi.encode("package", ++_counter)),
            documentKeys: _documentKeys(3 << 2), // one fresh key
            deadline: currentTime + 1 days
        });
        bytes[] memory attestations = _attestation(PK_ORACLE_1, _issueDigest(domainSeparator, issuer, request));
        _present(request.documentKeys);
        vm.prank(issuer);
        pieceId = ledger.issue(request, attestations);
        _recordIssue(pieceId, amount, request.documentKeys);
    }

    /// @dev A valid part transfer from the constructor: the holder of `pieceId` to party `toIndex`.
    function _transferOrFail(uint256 pieceId, uint256 toIndex, uint64 amount) private returns (uint256 received) {
        address from = ledger.pieceOf(pieceId).holder;
        TransferRequest memory request = TransferRequest({
            pieceId: pieceId,
            to: _parties[toIndex],
            amount: amount,
            packageHash: keccak256(abi.encode("package", ++_counter)),
            documentKeys: _documentKeys(3 << 2), // one fresh key
            deadline: currentTime + 1 days
        });
        bytes[] memory attestations = _attestation(PK_ORACLE_2, _transferDigest(domainSeparator, from, request));
        _present(request.documentKeys);
        vm.prank(from);
        received = ledger.splitTransfer(request, attestations);
        _consume(request.documentKeys);
        _pieceIds.push(received);
    }

    function _recordIssue(uint256 pieceId, uint64 amount, bytes32[] memory keys) private {
        uint256 voucherId = pieceId >> 16;
        _voucherIds.push(voucherId);
        ghostFace[voucherId] = amount;
        _pieceIds.push(pieceId);
        _consume(keys);
        ++issueCount;
    }

    /// @dev A trade party; one time in sixteen any party, banks included.
    function _receiver(uint256 seed) private view returns (address) {
        return _parties[(seed >> 4) % (seed % 16 == 0 ? _parties.length : TRADE_PARTIES)];
    }

    /// @dev One time in three the newest piece (so chains of transfers grow deep), else any piece.
    function _pickPiece(uint256 seed) private view returns (uint256) {
        uint256 n = _pieceIds.length;
        if (seed % 3 == 0) return _pieceIds[n - 1];
        return _pieceIds[(seed / 3) % n];
    }

    /// @dev A part that leaves both sides at least the minimum when the piece allows it.
    function _partAmount(uint256 seed, uint64 pieceAmount) private pure returns (uint64) {
        if (pieceAmount >= 2 * MIN_PIECE && seed % 8 != 0) {
            return uint64(_bound(seed >> 3, MIN_PIECE, pieceAmount - MIN_PIECE));
        }
        return uint64(_bound(seed >> 3, 1, pieceAmount == 0 ? 1 : pieceAmount));
    }

    /// @dev The piece pledged last (or any piece) and its pledgee (one time in eight the other bank).
    function _pledgeTarget(uint256 seed, uint256 mode) private view returns (uint256 pieceId, address caller) {
        pieceId = (seed % 2 == 0 && _lastPledged != 0) ? _lastPledged : _pickPiece(seed >> 1);
        caller = ledger.pledgeOf(pieceId).pledgee;
        if (caller == address(0)) caller = _banks[mode % 2];
        else if (mode % 8 == 0) caller = caller == _banks[0] ? _banks[1] : _banks[0];
    }

    /// @dev Records `bank`'s enhanced review of the piece's voucher when it needs one and has none.
    function _review(uint256 pieceId, address bank) private {
        uint256 voucherId = pieceId >> 16;
        if (!ledger.voucherOf(voucherId).enhancedReviewRequired) return;
        if (ledger.enhancedReviewOf(voucherId, bank) != bytes32(0)) return;
        vm.prank(bank);
        try ledger.recordEnhancedReview(voucherId, keccak256(abi.encode("review", voucherId, bank))) {} catch {}
    }

    /// @dev Whether financing this piece by `bank` would break R15 (related) or R4 (no enhanced review).
    function _financingFlags(uint256 pieceId, address holder, address bank)
        private
        view
        returns (bool related, bool unreviewed)
    {
        uint24 group = ledger.memberOf(bank).groupId;
        related = group != 0 && group == ledger.memberOf(holder).groupId;
        uint256 voucherId = pieceId >> 16;
        unreviewed = ledger.voucherOf(voucherId).enhancedReviewRequired
            && ledger.enhancedReviewOf(voucherId, bank) == bytes32(0);
    }

    function _issuerOfPiece(uint256 pieceId) private view returns (address) {
        return ledger.voucherOf(pieceId >> 16).issuer;
    }

    /**
     * @dev 1-3 document keys. Mostly fresh; one time in eight the first is a key presented before (consumed
     * or left over from a refused request); one time in sixteen the last repeats the first.
     */
    function _documentKeys(uint256 mode) private returns (bytes32[] memory keys) {
        keys = new bytes32[](1 + mode % 3);
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = keccak256(abi.encode("invoice", ++_counter));
        }
        uint256 kind = (mode >> 2) % 16;
        if (kind < 2 && _presentedKeys.length != 0) keys[0] = _presentedKeys[(mode >> 6) % _presentedKeys.length];
        else if (kind == 2 && keys.length > 1) keys[keys.length - 1] = keys[0];
    }

    /// @dev True when a key was consumed already or appears twice in `keys`: the request must fail.
    function _reusesKey(bytes32[] memory keys) private view returns (bool) {
        for (uint256 i; i < keys.length; ++i) {
            if (ghostKeyUsed[keys[i]]) return true;
            for (uint256 j; j < i; ++j) {
                if (keys[j] == keys[i]) return true;
            }
        }
        return false;
    }

    function _present(bytes32[] memory keys) private {
        for (uint256 i; i < keys.length; ++i) {
            if (_presented[keys[i]]) continue;
            _presented[keys[i]] = true;
            _presentedKeys.push(keys[i]);
        }
    }

    function _consume(bytes32[] memory keys) private {
        for (uint256 i; i < keys.length; ++i) {
            ghostKeyUsed[keys[i]] = true;
        }
    }

    /**
     * @dev Attestations for `digest`. Mostly one oracle or both in ascending order; one time in sixteen
     * each: the outsider, a supplier, both oracles in descending order (all must be refused).
     */
    function _attestations(bytes32 digest, uint256 mode) private pure returns (bytes[] memory attestations) {
        uint256 kind = mode % 16;
        if (kind == 0) return _attestation(PK_OUTSIDER, digest);
        if (kind == 1) return _attestation(PK_SUPPLIER_1, digest);
        if (kind == 2 || kind == 3) {
            (uint256 low, uint256 high) = vm.addr(PK_ORACLE_1) < vm.addr(PK_ORACLE_2)
                ? (PK_ORACLE_1, PK_ORACLE_2)
                : (PK_ORACLE_2, PK_ORACLE_1);
            if (kind == 2) (low, high) = (high, low);
            attestations = new bytes[](2);
            attestations[0] = _sign(low, digest);
            attestations[1] = _sign(high, digest);
            return attestations;
        }
        return _attestation(kind % 2 == 0 ? PK_ORACLE_1 : PK_ORACLE_2, digest);
    }

    function _noteRefusal(bytes memory reason) private {
        ++refusals[bytes4(reason)];
    }
}
