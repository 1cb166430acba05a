// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {MemberStatus} from "../types/MemberTypes.sol";
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

/**
 * @title IVoucherLedger
 * @notice Receivable e-vouchers: attested issuance that no trade document can back twice (R1, R2),
 * split transfer with lineage and limits (R5, R7), a single pledge per piece (R8, R9), factoring,
 * settlement by the issuer's clearing bank (R10), and issuer default (R11).
 *
 * Every state change emits an event; an auditor rebuilds every voucher tree from `VoucherIssued`,
 * `PieceSplit`, `PieceTransferred`, `PieceFactored`, the pledge events and `PieceSettled` alone.
 */
interface IVoucherLedger {
    // ---------------------------------------------------------------- events

    /// @notice A voucher was issued; its root piece is `pieceId` held by `holder`.
    event VoucherIssued(
        uint256 indexed voucherId,
        address indexed issuer,
        address indexed holder,
        uint256 pieceId,
        uint64 amount,
        uint40 maturity,
        bool enhancedReviewRequired,
        bytes32 packageHash,
        bytes32[] documentKeys
    );
    /// @notice `amount` of `parentId` became piece `pieceId` held by `to`; `parentAmount` is left.
    /// A split to oneself has `from == to`, no package and no document keys.
    event PieceSplit(
        uint256 indexed parentId,
        uint256 indexed pieceId,
        address indexed to,
        address from,
        uint64 amount,
        uint64 parentAmount,
        uint8 depth,
        bytes32 packageHash,
        bytes32[] documentKeys
    );
    /// @notice A whole piece moved to a trade counterparty; it is now `depth` levels from the issue.
    event PieceTransferred(
        uint256 indexed pieceId,
        address indexed from,
        address indexed to,
        uint8 depth,
        bytes32 packageHash,
        bytes32[] documentKeys
    );
    /// @notice A piece was sold to a bank or factor, which is now its holder.
    event PieceFactored(
        uint256 indexed pieceId,
        address indexed from,
        address indexed factor,
        uint64 amount,
        uint64 purchasePrice,
        bool withRecourse
    );
    /// @notice A piece was pledged to `pledgee` (pledge number `serial` of this piece).
    event PiecePledged(
        uint256 indexed pieceId,
        address indexed pledgee,
        address indexed holder,
        uint64 securedAmount,
        uint16 annualRateBps,
        uint16 serviceFeeBps,
        bytes24 registrationNumber,
        uint16 serial
    );
    /// @notice The pledgee released the pledge (loan repaid); the piece is active again.
    event PledgeReleased(uint256 indexed pieceId, address indexed pledgee, uint16 serial);
    /// @notice The pledgee enforced the pledge (loan in default); it is paid the whole piece at clearing.
    event PledgeEnforced(uint256 indexed pieceId, address indexed pledgee, uint16 serial);
    /// @notice The clearing bank paid a piece; `settledFrom` says who was paid (holder, or pledgee too).
    event PieceSettled(
        uint256 indexed pieceId,
        uint256 indexed voucherId,
        address indexed holder,
        uint64 amount,
        PieceStatus settledFrom,
        bytes32 bankReference,
        address clearingBank
    );
    /// @notice An unsettled voucher passed maturity plus grace; its issuer is now in default.
    event VoucherOverdue(uint256 indexed voucherId, address indexed issuer, uint16 livePieces, address markedBy);
    /// @notice A bank recorded its enhanced review of a long-term voucher (R4).
    event EnhancedReviewRecorded(uint256 indexed voucherId, address indexed bank, bytes32 reviewHash);
    /// @notice The consortium admin replaced the policy.
    event PolicyUpdated(Policy policy, address indexed admin);

    // ---------------------------------------------------------------- errors

    error MemberNotActive(address account, MemberStatus status);
    error MemberLacksRole(address account, uint8 role);
    error IssuerInDefault(address issuer);
    error IssueToSelf(address issuer);
    /// @notice Only suppliers and core enterprises may receive a voucher or a piece in trade.
    error NotATradeParty(address account, uint8 roles);
    error PageSizeZero();
    /// @notice Issuer and holder, or the two parties of a transfer, share a related-party group (R15).
    error RelatedPartyTrade(address from, address to, uint24 groupId);
    /// @notice A piece may not go back to the enterprise that owes it.
    error TransferToIssuer(uint256 pieceId, address issuer);
    /// @notice The issuer has no clearing bank, so its vouchers could never be settled.
    error ClearingBankNotSet(address issuer);
    error AmountZero();
    error PieceBelowMinimum(uint64 amount, uint64 minimum);
    error MaturityNotInFuture(uint40 maturity, uint256 currentTime);
    error TermTooLong(uint256 term, uint32 maxTerm);
    error CreditLineExceeded(address issuer, uint256 outstandingAfter, uint64 creditLine);
    error DocumentKeysMissing();
    error TooManyDocumentKeys(uint256 count, uint256 max);
    error DocumentKeyZero(uint256 index);
    error DocumentKeyAlreadyUsed(bytes32 documentKey);
    error AttestationExpired(uint256 deadline, uint256 currentTime);
    error AttestationQuorumNotMet(uint256 provided, uint8 required);
    error TooManyAttestations(uint256 provided, uint256 max);
    error AttestationSignatureInvalid(uint256 index);
    error AttestorDuplicated(address signer);
    error AttestorsNotAscending(address previous, address signer);
    error AttestorNotOracle(address signer);
    error PieceNotFound(uint256 pieceId);
    error PieceNotInStatus(uint256 pieceId, PieceStatus status, PieceStatus required);
    error PieceAlreadySettled(uint256 pieceId);
    error NotPieceHolder(uint256 pieceId, address caller, address holder);
    error VoucherNotFound(uint256 voucherId);
    error VoucherMatured(uint256 voucherId, uint40 maturity);
    error TransferToSelf(uint256 pieceId);
    error TransferAmountExceedsPiece(uint256 pieceId, uint64 amount, uint64 pieceAmount);
    error SplitAmountNotBelowPiece(uint256 pieceId, uint64 amount, uint64 pieceAmount);
    error RemainderBelowMinimum(uint256 pieceId, uint64 remainder, uint64 minimum);
    error DepthLimitReached(uint256 pieceId, uint8 depth, uint8 maxDepth);
    error LivePieceLimitReached(uint256 voucherId, uint16 maxLivePieces);
    error PieceIndexExhausted(uint256 voucherId);
    error PledgeAmountInvalid(uint256 pieceId, uint64 securedAmount, uint64 pieceAmount);
    error PledgeRegistrationMissing(uint256 pieceId);
    error PledgeToHolder(uint256 pieceId, address holder);
    error ConsentExpired(uint256 deadline, uint256 currentTime);
    error ConsentSignatureInvalid(address holder);
    error RelatedPartyFinancing(address holder, address financier, uint24 groupId);
    error EnhancedReviewMissing(uint256 voucherId, address bank);
    error EnhancedReviewHashZero();
    error NotPledgee(uint256 pieceId, address caller, address pledgee);
    error FactoringByHolder(uint256 pieceId, address holder);
    error FactoringPriceInvalid(uint256 pieceId, uint64 purchasePrice, uint64 pieceAmount);
    error SettlementBatchSizeInvalid(uint256 size, uint256 max);
    error SettlementReferenceMissing(uint256 pieceId);
    error NotClearingBank(address issuer, address caller, address clearingBank);
    error VoucherAlreadyOverdue(uint256 voucherId);
    error VoucherFullySettled(uint256 voucherId);
    error GracePeriodNotOver(uint256 voucherId, uint256 overdueFrom, uint256 currentTime);
    error PolicyValueOutOfRange(bytes32 field, uint256 value, uint256 min, uint256 max);

    // ---------------------------------------------------------------- issuance and transfer

    /**
     * @notice Issues a voucher to `request.holder`. Caller: an active, non-defaulted core enterprise,
     * within its credit line. Needs `k` attestations (`IssueAttestation`, EIP-712) from distinct active
     * oracles, sorted by signer address. Consumes the document keys, which also makes the attestation
     * single-use. Emits `VoucherIssued`.
     * @return pieceId The root piece (`voucherId << 16`).
     */
    function issue(IssueRequest calldata request, bytes[] calldata attestations) external returns (uint256 pieceId);

    /**
     * @notice Transfers `request.amount` of a piece to a trade counterparty. The whole amount moves the
     * piece (`PieceTransferred`); less splits off a new piece (`PieceSplit`). Caller: the holder, an active
     * member. Needs `k` `TransferAttestation`s; consumes their document keys. Each transfer is one level of
     * depth. Refuses pledged, enforced, settled and matured pieces.
     * @return pieceId The piece the receiver now holds.
     */
    function splitTransfer(TransferRequest calldata request, bytes[] calldata attestations)
        external
        returns (uint256 pieceId);

    /**
     * @notice Carves `amount` out of a piece into a new piece of the same holder, e.g. to pledge a part.
     * No trade attestation; counts toward the depth and piece limits. Caller: the holder. Emits `PieceSplit`.
     * @return pieceId The new piece.
     */
    function split(uint256 pieceId, uint64 amount) external returns (uint256);

    // ---------------------------------------------------------------- financing

    /**
     * @notice Pledges an active piece to the calling bank with the holder's signed `PledgeConsent`
     * (serial = pledges of this piece so far + 1). Caller: an active bank, not a related party of the
     * holder, with an enhanced review recorded when the voucher needs one. Emits `PiecePledged`.
     */
    function pledge(PledgeTerms calldata terms, bytes calldata holderConsent) external;

    /// @notice Releases a pledge (loan repaid). Caller: the pledgee. Emits `PledgeReleased`.
    function releasePledge(uint256 pieceId) external;

    /// @notice Enforces a pledge (loan in default): the pledgee is paid the whole piece. Caller: the
    /// pledgee. Emits `PledgeEnforced`.
    function enforcePledge(uint256 pieceId) external;

    /**
     * @notice Buys an active piece, which moves to the calling bank, with the holder's signed
     * `FactoringConsent` (nonce from `nonces(holder)`). Caller: an active bank, not a related party of the
     * holder, with an enhanced review recorded when needed. Emits `PieceFactored`.
     */
    function factor(FactoringTerms calldata terms, bytes calldata holderConsent) external;

    /// @notice Records the caller's enhanced review of a voucher whose term exceeds the threshold (R4).
    /// Caller: an active bank. Emits `EnhancedReviewRecorded`.
    function recordEnhancedReview(uint256 voucherId, bytes32 reviewHash) external;

    // ---------------------------------------------------------------- clearing and default

    /**
     * @notice Records pieces as paid, each with the bank's payment reference. Caller: the clearing bank
     * of every piece's issuer, an active bank. Settled is final. Batches hold 1..`MAX_SETTLEMENT_BATCH`.
     * Emits `PieceSettled` per piece.
     */
    function settle(Settlement[] calldata settlements) external;

    /// @notice Marks a voucher overdue once maturity plus the grace period has passed with pieces unpaid,
    /// and puts its issuer in default. Caller: any active member. Emits `VoucherOverdue` and the registry's
    /// `IssuerDefaulted`.
    function markOverdue(uint256 voucherId) external;

    // ---------------------------------------------------------------- administration

    /// @notice Replaces the policy. Caller: `CONSORTIUM_ADMIN_ROLE`. Emits `PolicyUpdated`.
    function setPolicy(Policy calldata newPolicy) external;

    /// @notice Stops issuance, transfer and financing. Caller: `CONSORTIUM_ADMIN_ROLE`. Emits `Paused`.
    function pause() external;

    /// @notice Resumes them. Caller: `CONSORTIUM_ADMIN_ROLE`. Emits `Unpaused`.
    function unpause() external;

    // ---------------------------------------------------------------- views

    /// @notice A piece: holder, amount, parent index, depth, status (status `None` when it does not exist). Anyone.
    function pieceOf(uint256 pieceId) external view returns (Piece memory);
    /// @notice A voucher: issuer, maturity, piece counts, enhanced-review flag (R4), overdue flag (R11). Anyone.
    function voucherOf(uint256 voucherId) external view returns (Voucher memory);
    /// @notice The last pledge of a piece; it is in force only while the piece is `Pledged` or `Enforced`. Anyone.
    function pledgeOf(uint256 pieceId) external view returns (Pledge memory);
    /// @notice The last factoring of a piece (factor zero when never factored). A record, not the payee: the
    /// factor may have passed the piece on since; the holder in `pieceOf` is who is paid. Anyone.
    function factoringOf(uint256 pieceId) external view returns (Factoring memory);

    /// @notice The piece it was split from, or 0 for a root piece.
    function parentOf(uint256 pieceId) external view returns (uint256);

    /// @notice The piece ids from `pieceId` back to its voucher's root piece, `pieceId` first.
    function lineageOf(uint256 pieceId) external view returns (uint256[] memory);

    /// @notice Unsettled pieces of a voucher, scanning piece indices from `fromIndex`, at most `maxCount` (> 0).
    /// @return pieceIds The live pieces found.
    /// @return nextIndex Where to continue, or 0 when the scan reached the end.
    function livePiecesOf(uint256 voucherId, uint256 fromIndex, uint256 maxCount)
        external
        view
        returns (uint256[] memory pieceIds, uint256 nextIndex);

    /// @notice An issuer's unsettled face value in fen (R14).
    function outstandingOf(address issuer) external view returns (uint256);

    /// @notice True when a trade document key already backs a voucher or a transfer (R2). Anyone.
    function isDocumentKeyUsed(bytes32 documentKey) external view returns (bool);
    /// @notice The hash of `bank`'s enhanced review of a voucher, zero when none was recorded. Anyone.
    function enhancedReviewOf(uint256 voucherId, address bank) external view returns (bytes32);
    /// @notice The policy in force. Anyone.
    function policy() external view returns (Policy memory);
    /// @notice Vouchers issued so far; voucher ids run from 1 to this. Anyone.
    function voucherCount() external view returns (uint256);
}
