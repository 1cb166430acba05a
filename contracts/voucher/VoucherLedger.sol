// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ConsortiumRegistry} from "../registry/ConsortiumRegistry.sol";
import {IVoucherLedger} from "../interfaces/IVoucherLedger.sol";
import {Member, MemberRoles, MemberStatus} from "../types/MemberTypes.sol";
import {PieceId} from "../types/PieceId.sol";
import {
    Factoring,
    FactoringTerms,
    IssueRequest,
    Piece,
    PieceStatus,
    Pledge,
    PledgeTerms,
    Policy,
    Settlement,
    TransferRequest,
    Voucher
} from "../types/VoucherTypes.sol";
import {VoucherSignatures} from "./VoucherSignatures.sol";

/**
 * @title VoucherLedger
 * @notice The voucher ledger, with the consortium registry it checks every party against.
 * See `IVoucherLedger` for the rules of each operation and `IConsortiumRegistry` for members.
 */
contract VoucherLedger is IVoucherLedger, ConsortiumRegistry, VoucherSignatures, Nonces, Pausable {
    using PieceId for uint256;

    /// @notice Trade documents one attestation may cover.
    uint256 public constant MAX_DOCUMENT_KEYS = 16;
    /// @notice Oracle signatures one call may carry (and the highest quorum).
    uint256 public constant MAX_ATTESTATIONS = 16;
    /// @notice Pieces one settlement batch may carry.
    uint256 public constant MAX_SETTLEMENT_BATCH = 200;
    /// @notice Hard ceiling of any policy term: one year (R4).
    uint256 public constant HARD_MAX_TERM = 365 days;
    /// @notice Highest depth limit a policy may set; bounds `lineageOf`.
    uint256 public constant HARD_MAX_DEPTH = 32;
    /// @notice Highest live-piece limit a policy may set.
    uint256 public constant HARD_MAX_LIVE_PIECES = 1000;

    Policy private _policy;
    uint256 private _voucherCount;
    mapping(uint256 voucherId => Voucher) internal _vouchers;
    mapping(uint256 pieceId => Piece) private _pieces;
    mapping(uint256 pieceId => Pledge) private _pledges;
    mapping(uint256 pieceId => Factoring) private _factorings;
    mapping(bytes32 documentKey => bool) private _documentKeyUsed;
    mapping(address issuer => uint256) private _outstanding;
    mapping(uint256 voucherId => mapping(address bank => bytes32 reviewHash)) private _enhancedReviews;

    /// @param admin Consortium admin: receives `DEFAULT_ADMIN_ROLE` and `CONSORTIUM_ADMIN_ROLE`.
    /// @param initialPolicy Limits to start from (see `Policy`).
    constructor(address admin, Policy memory initialPolicy) ConsortiumRegistry(admin) {
        _setPolicy(initialPolicy);
    }

    // ---------------------------------------------------------------- issuance and transfer

    /// @inheritdoc IVoucherLedger
    function issue(IssueRequest calldata request, bytes[] calldata attestations)
        external
        whenNotPaused
        returns (uint256 pieceId)
    {
        Policy memory p = _policy;
        address issuer = msg.sender;
        Member memory issuerMember = _activeMember(issuer, MemberRoles.CORE_ENTERPRISE);
        if (issuerMember.defaulted) revert IssuerInDefault(issuer);
        if (request.holder == issuer) revert IssueToSelf(issuer);
        _refuseRelatedParties(issuer, issuerMember, request.holder, _activeTradeParty(request.holder));
        // A voucher nobody can clear could never be settled (R10).
        if (_clearingBanks[issuer] == address(0)) revert ClearingBankNotSet(issuer);

        if (request.amount == 0) revert AmountZero();
        if (request.amount < p.minPieceAmount) revert PieceBelowMinimum(request.amount, p.minPieceAmount);
        if (request.maturity <= block.timestamp) revert MaturityNotInFuture(request.maturity, block.timestamp);
        uint256 term = request.maturity - block.timestamp;
        if (term > p.maxTerm) revert TermTooLong(term, p.maxTerm);
        uint256 outstandingAfter = _outstanding[issuer] + request.amount;
        if (outstandingAfter > issuerMember.creditLine) {
            revert CreditLineExceeded(issuer, outstandingAfter, issuerMember.creditLine);
        }

        _checkDeadline(request.deadline);
        _consumeDocumentKeys(request.documentKeys);
        _verifyAttestations(_issueDigest(issuer, request), attestations, p.attestationQuorum);

        uint256 voucherId = ++_voucherCount;
        bool enhanced = term > p.enhancedReviewTerm;
        _vouchers[voucherId] = Voucher({
            issuer: issuer,
            maturity: request.maturity,
            piecesCreated: 1,
            livePieces: 1,
            enhancedReviewRequired: enhanced,
            overdue: false
        });
        pieceId = PieceId.encode(voucherId, 0);
        _pieces[pieceId] = Piece({
            holder: request.holder,
            amount: request.amount,
            parentIndex: 0,
            depth: 0,
            status: PieceStatus.Active
        });
        _outstanding[issuer] = outstandingAfter;

        emit VoucherIssued(
            voucherId,
            issuer,
            request.holder,
            pieceId,
            request.amount,
            request.maturity,
            enhanced,
            request.packageHash,
            request.documentKeys
        );
    }

    /// @inheritdoc IVoucherLedger
    function splitTransfer(TransferRequest calldata request, bytes[] calldata attestations)
        external
        whenNotPaused
        returns (uint256 pieceId)
    {
        Policy memory p = _policy;
        (Piece storage piece, Voucher storage voucher) = _transferablePiece(request.pieceId);
        address from = msg.sender;
        if (request.to == from) revert TransferToSelf(request.pieceId);
        // A claim on the issuer held by the issuer itself could be passed on or financed after a default.
        address issuer = voucher.issuer;
        if (request.to == issuer) revert TransferToIssuer(request.pieceId, issuer);
        Member memory receiver = _activeTradeParty(request.to);
        _refuseRelatedParties(from, _activeMember(from, 0), request.to, receiver);
        _refuseRelatedParties(issuer, _members[issuer], request.to, receiver);
        if (request.amount == 0) revert AmountZero();
        if (request.amount > piece.amount) {
            revert TransferAmountExceedsPiece(request.pieceId, request.amount, piece.amount);
        }

        _checkDeadline(request.deadline);
        _consumeDocumentKeys(request.documentKeys);
        _verifyAttestations(_transferDigest(from, request), attestations, p.attestationQuorum);

        if (request.amount == piece.amount) return _transferWhole(request, piece, p.maxDepth);
        return _transferPart(request, piece, voucher, p);
    }

    /// @inheritdoc IVoucherLedger
    function split(uint256 pieceId, uint64 amount) external whenNotPaused returns (uint256 newPieceId) {
        Policy memory p = _policy;
        (Piece storage piece, Voucher storage voucher) = _transferablePiece(pieceId);
        _activeMember(msg.sender, 0);
        if (amount == 0) revert AmountZero();
        if (amount >= piece.amount) revert SplitAmountNotBelowPiece(pieceId, amount, piece.amount);
        newPieceId = _split(pieceId, piece, voucher, p, msg.sender, amount);
        emit PieceSplit(
            pieceId,
            newPieceId,
            msg.sender,
            msg.sender,
            amount,
            piece.amount,
            _pieces[newPieceId].depth,
            bytes32(0),
            new bytes32[](0)
        );
    }

    // ---------------------------------------------------------------- financing

    /// @inheritdoc IVoucherLedger
    function pledge(PledgeTerms calldata terms, bytes calldata holderConsent) external whenNotPaused {
        (Piece storage piece,) = _financeablePiece(terms.pieceId);
        address holder = piece.holder;
        if (holder == msg.sender) revert PledgeToHolder(terms.pieceId, holder);
        if (terms.securedAmount == 0 || terms.securedAmount > piece.amount) {
            revert PledgeAmountInvalid(terms.pieceId, terms.securedAmount, piece.amount);
        }
        if (terms.registrationNumber == bytes24(0)) revert PledgeRegistrationMissing(terms.pieceId);
        _checkConsentDeadline(terms.deadline);

        Pledge storage record = _pledges[terms.pieceId];
        uint16 serial = record.serial + 1;
        // The consent names the piece's amount: a piece split after signing needs a new consent.
        _checkConsent(holder, _pledgeDigest(holder, msg.sender, piece.amount, serial, terms), holderConsent);

        _pledges[terms.pieceId] = Pledge({
            pledgee: msg.sender,
            securedAmount: terms.securedAmount,
            annualRateBps: terms.annualRateBps,
            serial: serial,
            registrationNumber: terms.registrationNumber,
            pledgedAt: uint40(block.timestamp),
            serviceFeeBps: terms.serviceFeeBps
        });
        piece.status = PieceStatus.Pledged;
        emit PiecePledged(
            terms.pieceId,
            msg.sender,
            holder,
            terms.securedAmount,
            terms.annualRateBps,
            terms.serviceFeeBps,
            terms.registrationNumber,
            serial
        );
    }

    /// @inheritdoc IVoucherLedger
    function releasePledge(uint256 pieceId) external {
        Pledge storage record = _pledgeHeldByCaller(pieceId);
        _pieces[pieceId].status = PieceStatus.Active;
        emit PledgeReleased(pieceId, msg.sender, record.serial);
    }

    /// @inheritdoc IVoucherLedger
    function enforcePledge(uint256 pieceId) external {
        Pledge storage record = _pledgeHeldByCaller(pieceId);
        _pieces[pieceId].status = PieceStatus.Enforced;
        emit PledgeEnforced(pieceId, msg.sender, record.serial);
    }

    /// @inheritdoc IVoucherLedger
    function factor(FactoringTerms calldata terms, bytes calldata holderConsent) external whenNotPaused {
        (Piece storage piece,) = _financeablePiece(terms.pieceId);
        address holder = piece.holder;
        uint64 amount = piece.amount;
        if (holder == msg.sender) revert FactoringByHolder(terms.pieceId, holder);
        if (terms.purchasePrice == 0 || terms.purchasePrice > amount) {
            revert FactoringPriceInvalid(terms.pieceId, terms.purchasePrice, amount);
        }
        _checkConsentDeadline(terms.deadline);
        _checkConsent(holder, _factoringDigest(holder, msg.sender, amount, _useNonce(holder), terms), holderConsent);

        _factorings[terms.pieceId] = Factoring({
            factor: msg.sender,
            purchasePrice: terms.purchasePrice,
            withRecourse: terms.withRecourse,
            factoredAt: uint40(block.timestamp)
        });
        // Factoring finances the holder; it is not a trade level, so depth stays.
        piece.holder = msg.sender;
        emit PieceFactored(terms.pieceId, holder, msg.sender, amount, terms.purchasePrice, terms.withRecourse);
    }

    /// @inheritdoc IVoucherLedger
    function recordEnhancedReview(uint256 voucherId, bytes32 reviewHash) external {
        _activeMember(msg.sender, MemberRoles.BANK);
        if (_vouchers[voucherId].issuer == address(0)) revert VoucherNotFound(voucherId);
        if (reviewHash == bytes32(0)) revert EnhancedReviewHashZero();
        _enhancedReviews[voucherId][msg.sender] = reviewHash;
        emit EnhancedReviewRecorded(voucherId, msg.sender, reviewHash);
    }

    // ---------------------------------------------------------------- clearing and default

    /// @inheritdoc IVoucherLedger
    /// @dev Not paused by `pause()`: it records payments banks have already made.
    function settle(Settlement[] calldata settlements) external {
        uint256 count = settlements.length;
        if (count == 0 || count > MAX_SETTLEMENT_BATCH) revert SettlementBatchSizeInvalid(count, MAX_SETTLEMENT_BATCH);
        _activeMember(msg.sender, MemberRoles.BANK);

        address authorizedIssuer; // issuer whose clearing bank the caller was last shown to be
        for (uint256 i; i < count; ++i) {
            uint256 pieceId = settlements[i].pieceId;
            bytes32 bankReference = settlements[i].bankReference;
            if (bankReference == bytes32(0)) revert SettlementReferenceMissing(pieceId);
            Piece storage piece = _pieces[pieceId];
            PieceStatus status = piece.status;
            if (status == PieceStatus.None) revert PieceNotFound(pieceId);
            if (status == PieceStatus.Settled) revert PieceAlreadySettled(pieceId);

            uint256 voucherId = pieceId.voucherOf();
            Voucher storage voucher = _vouchers[voucherId];
            address issuer = voucher.issuer;
            if (issuer != authorizedIssuer) {
                address clearingBank = _clearingBanks[issuer];
                if (clearingBank != msg.sender) revert NotClearingBank(issuer, msg.sender, clearingBank);
                authorizedIssuer = issuer;
            }

            uint64 amount = piece.amount;
            piece.status = PieceStatus.Settled;
            // A live piece is counted in livePieces and in the issuer's outstanding: no underflow.
            unchecked {
                voucher.livePieces -= 1;
                _outstanding[issuer] -= amount;
            }
            emit PieceSettled(pieceId, voucherId, piece.holder, amount, status, bankReference, msg.sender);
        }
    }

    /// @inheritdoc IVoucherLedger
    function markOverdue(uint256 voucherId) external {
        _activeMember(msg.sender, 0);
        Voucher storage voucher = _vouchers[voucherId];
        address issuer = voucher.issuer;
        if (issuer == address(0)) revert VoucherNotFound(voucherId);
        if (voucher.overdue) revert VoucherAlreadyOverdue(voucherId);
        if (voucher.livePieces == 0) revert VoucherFullySettled(voucherId);
        uint256 overdueFrom = uint256(voucher.maturity) + _policy.gracePeriod;
        if (block.timestamp <= overdueFrom) revert GracePeriodNotOver(voucherId, overdueFrom, block.timestamp);

        voucher.overdue = true;
        emit VoucherOverdue(voucherId, issuer, voucher.livePieces, msg.sender);
        _recordDefault(issuer, voucherId);
    }

    // ---------------------------------------------------------------- administration

    /// @inheritdoc IVoucherLedger
    function setPolicy(Policy calldata newPolicy) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        _setPolicy(newPolicy);
    }

    /// @inheritdoc IVoucherLedger
    function pause() external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc IVoucherLedger
    function unpause() external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        _unpause();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IVoucherLedger
    function pieceOf(uint256 pieceId) external view returns (Piece memory) {
        return _pieces[pieceId];
    }

    /// @inheritdoc IVoucherLedger
    function voucherOf(uint256 voucherId) external view returns (Voucher memory) {
        return _vouchers[voucherId];
    }

    /// @inheritdoc IVoucherLedger
    function pledgeOf(uint256 pieceId) external view returns (Pledge memory) {
        return _pledges[pieceId];
    }

    /// @inheritdoc IVoucherLedger
    function factoringOf(uint256 pieceId) external view returns (Factoring memory) {
        return _factorings[pieceId];
    }

    /// @inheritdoc IVoucherLedger
    function parentOf(uint256 pieceId) public view returns (uint256) {
        if (_pieces[pieceId].status == PieceStatus.None) revert PieceNotFound(pieceId);
        if (pieceId.indexOf() == 0) return 0;
        return PieceId.encode(pieceId.voucherOf(), _pieces[pieceId].parentIndex);
    }

    /// @inheritdoc IVoucherLedger
    function lineageOf(uint256 pieceId) external view returns (uint256[] memory lineage) {
        if (_pieces[pieceId].status == PieceStatus.None) revert PieceNotFound(pieceId);
        // A piece is at least one level deeper than its parent was when it split off, and depths only grow,
        // so a piece has at most `depth` ancestors: the chain has at most depth + 1 <= HARD_MAX_DEPTH + 1 links.
        uint256[] memory path = new uint256[](uint256(_pieces[pieceId].depth) + 1);
        uint256 length;
        uint256 current = pieceId;
        while (true) {
            path[length++] = current;
            if (current.indexOf() == 0) break;
            current = PieceId.encode(current.voucherOf(), _pieces[current].parentIndex);
        }
        lineage = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            lineage[i] = path[i];
        }
    }

    /// @inheritdoc IVoucherLedger
    function livePiecesOf(uint256 voucherId, uint256 fromIndex, uint256 maxCount)
        external
        view
        returns (uint256[] memory pieceIds, uint256 nextIndex)
    {
        uint256 created = _vouchers[voucherId].piecesCreated;
        if (created == 0) revert VoucherNotFound(voucherId);
        if (maxCount == 0) revert PageSizeZero();
        uint256[] memory found = new uint256[](maxCount);
        uint256 count;
        uint256 index = fromIndex;
        for (; index < created && count < maxCount; ++index) {
            uint256 pieceId = PieceId.encode(voucherId, index);
            if (_pieces[pieceId].status != PieceStatus.Settled) found[count++] = pieceId;
        }
        nextIndex = index < created ? index : 0;
        pieceIds = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            pieceIds[i] = found[i];
        }
    }

    /// @inheritdoc IVoucherLedger
    function outstandingOf(address issuer) external view returns (uint256) {
        return _outstanding[issuer];
    }

    /// @inheritdoc IVoucherLedger
    function isDocumentKeyUsed(bytes32 documentKey) external view returns (bool) {
        return _documentKeyUsed[documentKey];
    }

    /// @inheritdoc IVoucherLedger
    function enhancedReviewOf(uint256 voucherId, address bank) external view returns (bytes32) {
        return _enhancedReviews[voucherId][bank];
    }

    /// @inheritdoc IVoucherLedger
    function policy() external view returns (Policy memory) {
        return _policy;
    }

    /// @inheritdoc IVoucherLedger
    function voucherCount() external view returns (uint256) {
        return _voucherCount;
    }

    // ---------------------------------------------------------------- internal: pieces

    function _transferWhole(TransferRequest calldata request, Piece storage piece, uint8 maxDepth)
        private
        returns (uint256)
    {
        uint8 depth = _nextDepth(request.pieceId, piece.depth, maxDepth);
        piece.holder = request.to;
        piece.depth = depth;
        emit PieceTransferred(
            request.pieceId, msg.sender, request.to, depth, request.packageHash, request.documentKeys
        );
        return request.pieceId;
    }

    function _transferPart(
        TransferRequest calldata request,
        Piece storage piece,
        Voucher storage voucher,
        Policy memory p
    ) private returns (uint256 pieceId) {
        pieceId = _split(request.pieceId, piece, voucher, p, request.to, request.amount);
        emit PieceSplit(
            request.pieceId,
            pieceId,
            request.to,
            msg.sender,
            request.amount,
            piece.amount,
            _pieces[pieceId].depth,
            request.packageHash,
            request.documentKeys
        );
    }

    /**
     * @dev The one path that creates a piece after issue: checks depth, piece count and minimum amounts,
     * then moves `amount` from the parent into a new piece held by `to`.
     */
    function _split(
        uint256 parentId,
        Piece storage parent,
        Voucher storage voucher,
        Policy memory p,
        address to,
        uint64 amount
    ) private returns (uint256 pieceId) {
        uint8 depth = _nextDepth(parentId, parent.depth, p.maxDepth);
        uint256 voucherId = parentId.voucherOf();
        if (voucher.livePieces >= p.maxLivePieces) revert LivePieceLimitReached(voucherId, p.maxLivePieces);
        uint256 index = voucher.piecesCreated;
        // piecesCreated is a uint16 count: the last index it can count past is 65534.
        if (index >= type(uint16).max) revert PieceIndexExhausted(voucherId);
        if (amount < p.minPieceAmount) revert PieceBelowMinimum(amount, p.minPieceAmount);
        // amount < parent.amount was checked by every caller.
        uint64 remainder = parent.amount - amount;
        if (remainder < p.minPieceAmount) revert RemainderBelowMinimum(parentId, remainder, p.minPieceAmount);

        parent.amount = remainder;
        // index < 65535 and livePieces < maxLivePieces <= 1000: both still fit in uint16 after +1.
        voucher.piecesCreated = uint16(index + 1);
        voucher.livePieces += 1;
        pieceId = PieceId.encode(voucherId, index);
        _pieces[pieceId] = Piece({
            holder: to,
            amount: amount,
            parentIndex: uint16(parentId.indexOf()),
            depth: depth,
            status: PieceStatus.Active
        });
    }

    function _nextDepth(uint256 pieceId, uint8 depth, uint8 maxDepth) private pure returns (uint8) {
        if (depth >= maxDepth) revert DepthLimitReached(pieceId, depth, maxDepth);
        return depth + 1;
    }

    /// @dev An active piece of an unmatured voucher, held by the caller.
    function _transferablePiece(uint256 pieceId) private view returns (Piece storage piece, Voucher storage voucher) {
        piece = _pieceInStatus(pieceId, PieceStatus.Active);
        if (piece.holder != msg.sender) revert NotPieceHolder(pieceId, msg.sender, piece.holder);
        voucher = _unmaturedVoucher(pieceId);
    }

    /// @dev An active piece of an unmatured voucher that the calling bank may finance.
    function _financeablePiece(uint256 pieceId) private view returns (Piece storage piece, Voucher storage voucher) {
        piece = _pieceInStatus(pieceId, PieceStatus.Active);
        voucher = _unmaturedVoucher(pieceId);
        Member memory bank = _activeMember(msg.sender, MemberRoles.BANK);
        Member memory holder = _activeMember(piece.holder, 0);
        if (bank.groupId != 0 && bank.groupId == holder.groupId) {
            revert RelatedPartyFinancing(piece.holder, msg.sender, bank.groupId);
        }
        uint256 voucherId = pieceId.voucherOf();
        if (voucher.enhancedReviewRequired && _enhancedReviews[voucherId][msg.sender] == bytes32(0)) {
            revert EnhancedReviewMissing(voucherId, msg.sender);
        }
    }

    function _pieceInStatus(uint256 pieceId, PieceStatus required) private view returns (Piece storage piece) {
        piece = _pieces[pieceId];
        PieceStatus status = piece.status;
        if (status == PieceStatus.None) revert PieceNotFound(pieceId);
        if (status != required) revert PieceNotInStatus(pieceId, status, required);
    }

    function _unmaturedVoucher(uint256 pieceId) private view returns (Voucher storage voucher) {
        uint256 voucherId = pieceId.voucherOf();
        voucher = _vouchers[voucherId];
        if (block.timestamp >= voucher.maturity) revert VoucherMatured(voucherId, voucher.maturity);
    }

    function _pledgeHeldByCaller(uint256 pieceId) private view returns (Pledge storage record) {
        _pieceInStatus(pieceId, PieceStatus.Pledged);
        record = _pledges[pieceId];
        if (record.pledgee != msg.sender) revert NotPledgee(pieceId, msg.sender, record.pledgee);
    }

    // ---------------------------------------------------------------- internal: members and signatures

    /// @dev The member record of an active member holding every flag in `roles`.
    function _activeMember(address account, uint8 roles) private view returns (Member memory member) {
        member = _members[account];
        if (member.status != MemberStatus.Active) revert MemberNotActive(account, member.status);
        if (member.roles & roles != roles) revert MemberLacksRole(account, roles);
    }

    /// @dev Vouchers are paid to enterprises in the trade: a supplier or a core enterprise. The operator must
    /// never become a creditor (clause 十四); banks receive pieces only by financing them.
    function _activeTradeParty(address account) private view returns (Member memory member) {
        member = _activeMember(account, 0);
        if (member.roles & (MemberRoles.SUPPLIER | MemberRoles.CORE_ENTERPRISE) == 0) {
            revert NotATradeParty(account, member.roles);
        }
    }

    /// @dev A voucher or piece passing between related parties is the self-financing pattern R15 refuses.
    function _refuseRelatedParties(address from, Member memory fromMember, address to, Member memory toMember)
        private
        pure
    {
        if (fromMember.groupId != 0 && fromMember.groupId == toMember.groupId) {
            revert RelatedPartyTrade(from, to, fromMember.groupId);
        }
    }

    function _checkDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert AttestationExpired(deadline, block.timestamp);
    }

    function _checkConsentDeadline(uint256 deadline) private view {
        if (block.timestamp > deadline) revert ConsentExpired(deadline, block.timestamp);
    }

    /// @dev Marks each key used; a key seen before, here or in any earlier voucher or transfer, reverts (R2).
    function _consumeDocumentKeys(bytes32[] calldata keys) private {
        uint256 count = keys.length;
        if (count == 0) revert DocumentKeysMissing();
        if (count > MAX_DOCUMENT_KEYS) revert TooManyDocumentKeys(count, MAX_DOCUMENT_KEYS);
        for (uint256 i; i < count; ++i) {
            bytes32 key = keys[i];
            if (key == bytes32(0)) revert DocumentKeyZero(i);
            if (_documentKeyUsed[key]) revert DocumentKeyAlreadyUsed(key);
            _documentKeyUsed[key] = true;
        }
    }

    /// @dev At least `quorum` signatures of distinct active oracles, sorted by signer address.
    function _verifyAttestations(bytes32 digest, bytes[] calldata signatures, uint8 quorum) private view {
        uint256 count = signatures.length;
        if (count > MAX_ATTESTATIONS) revert TooManyAttestations(count, MAX_ATTESTATIONS);
        if (count < quorum) revert AttestationQuorumNotMet(count, quorum);
        address previous;
        for (uint256 i; i < count; ++i) {
            (address signer, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signatures[i]);
            if (error != ECDSA.RecoverError.NoError) revert AttestationSignatureInvalid(i);
            if (signer <= previous) {
                if (signer == previous) revert AttestorDuplicated(signer);
                revert AttestorsNotAscending(previous, signer);
            }
            if (!isActiveWith(signer, MemberRoles.ORACLE)) revert AttestorNotOracle(signer);
            previous = signer;
        }
    }

    function _checkConsent(address holder, bytes32 digest, bytes calldata signature) private view {
        if (!SignatureChecker.isValidSignatureNow(holder, digest, signature)) revert ConsentSignatureInvalid(holder);
    }

    function _setPolicy(Policy memory p) private {
        _checkRange("minPieceAmount", p.minPieceAmount, 1, type(uint64).max);
        _checkRange("maxTerm", p.maxTerm, 1 days, HARD_MAX_TERM);
        _checkRange("enhancedReviewTerm", p.enhancedReviewTerm, 1, p.maxTerm);
        _checkRange("gracePeriod", p.gracePeriod, 0, 90 days);
        _checkRange("maxLivePieces", p.maxLivePieces, 1, HARD_MAX_LIVE_PIECES);
        _checkRange("maxDepth", p.maxDepth, 1, HARD_MAX_DEPTH);
        _checkRange("attestationQuorum", p.attestationQuorum, 1, MAX_ATTESTATIONS);
        _policy = p;
        emit PolicyUpdated(p, msg.sender);
    }

    function _checkRange(bytes32 field, uint256 value, uint256 min, uint256 max) private pure {
        if (value < min || value > max) revert PolicyValueOutOfRange(field, value, min, max);
    }
}
