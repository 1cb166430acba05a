// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @notice The state of a piece. Transitions (anything else reverts with `PieceNotInStatus`):
 *   Active  -> Pledged  (pledge)          Pledged -> Active   (releasePledge)
 *   Pledged -> Enforced (enforcePledge)   Active | Pledged | Enforced -> Settled (settle)
 * `None` marks an id that does not exist. Settled is final. Overdue is a property of the voucher
 * (see `Voucher.overdue`), not of a piece: a piece keeps its pledge state when its issuer defaults.
 */
enum PieceStatus {
    None,
    Active,
    Pledged,
    Enforced,
    Settled
}

/**
 * @notice One piece of a voucher, in one storage slot. The voucher (root) is derived from the id.
 * @param holder Creditor of record.
 * @param amount Face value of this piece in fen.
 * @param parentIndex Index of the piece it was split from, within the same voucher (0 for the root).
 * @param depth Transfer levels from the issue: +1 on every split and on every trade transfer.
 * @param status See `PieceStatus`.
 */
struct Piece {
    address holder;
    uint64 amount;
    uint16 parentIndex;
    uint8 depth;
    PieceStatus status;
}

/**
 * @notice An issued voucher (the root of a piece tree), in one storage slot.
 * @param issuer Core enterprise that owes every piece.
 * @param maturity Unix time at which every piece falls due.
 * @param piecesCreated Pieces ever created (the next piece index).
 * @param livePieces Pieces not yet settled.
 * @param enhancedReviewRequired The term exceeded the enhanced-review threshold at issue (R4).
 * @param overdue Marked overdue after maturity plus grace with pieces still unsettled (R11).
 */
struct Voucher {
    address issuer;
    uint40 maturity;
    uint16 piecesCreated;
    uint16 livePieces;
    bool enhancedReviewRequired;
    bool overdue;
}

/**
 * @notice The consortium policy. Defaults follow DOMAIN.md (R4, R5, R11).
 * @param minPieceAmount Smallest piece, and smallest remainder after a split, in fen.
 * @param maxTerm Longest term from issue to maturity, in seconds (hard limit: one year).
 * @param enhancedReviewTerm Terms above this need a bank's enhanced review before financing.
 * @param gracePeriod Seconds after maturity before an unsettled voucher may be marked overdue.
 * @param maxLivePieces Most unsettled pieces one voucher may have at once.
 * @param maxDepth Most transfer levels from the issue.
 * @param attestationQuorum k: distinct registered oracles that must attest a trade.
 */
struct Policy {
    uint64 minPieceAmount;
    uint32 maxTerm;
    uint32 enhancedReviewTerm;
    uint32 gracePeriod;
    uint16 maxLivePieces;
    uint8 maxDepth;
    uint8 attestationQuorum;
}

/**
 * @notice A pledge of a piece to a bank (R8, R9), in two storage slots. The record of the last
 * pledge stays after release; `serial` counts the pledges of the piece and makes consents single-use.
 * @param pledgee Bank that holds the pledge.
 * @param securedAmount Loan principal in fen secured by the piece.
 * @param annualRateBps Interest rate of the loan, basis points a year (interest, not a fee: R12).
 * @param serial Ordinal of this pledge among the pledges of the piece (1 for the first).
 * @param registrationNumber Registration number in the PBoC unified movable-property registry (ASCII).
 * @param pledgedAt Unix time the pledge took effect (interest accrues from it).
 * @param serviceFeeBps The bank's service fee, basis points of the secured amount, kept apart from interest (R12).
 */
struct Pledge {
    address pledgee;
    uint64 securedAmount;
    uint16 annualRateBps;
    uint16 serial;
    bytes24 registrationNumber;
    uint40 pledgedAt;
    uint16 serviceFeeBps;
}

/**
 * @notice The last factoring of a piece: who bought it, for what, and whether with recourse.
 * @param factor Bank or factor that became the holder.
 * @param purchasePrice Price paid in fen; the discount is the piece amount minus this.
 * @param withRecourse The factor may claim the price back from the seller if the issuer does not pay.
 * @param factoredAt Unix time of the factoring.
 */
struct Factoring {
    address factor;
    uint64 purchasePrice;
    bool withRecourse;
    uint40 factoredAt;
}

/// @notice What an issuer asks to issue. `documentKeys` are keyed hashes of the invoice numbers (R2).
struct IssueRequest {
    address holder;
    uint64 amount;
    uint40 maturity;
    bytes32 packageHash;
    bytes32[] documentKeys;
    uint256 deadline;
}

/// @notice What a holder asks to transfer (wholly or in part) to a trade counterparty.
struct TransferRequest {
    uint256 pieceId;
    address to;
    uint64 amount;
    bytes32 packageHash;
    bytes32[] documentKeys;
    uint256 deadline;
}

/// @notice Pledge terms a bank submits with the holder's signed consent.
struct PledgeTerms {
    uint256 pieceId;
    uint64 securedAmount;
    uint16 annualRateBps;
    uint16 serviceFeeBps;
    bytes24 registrationNumber;
    uint256 deadline;
}

/// @notice Factoring terms a factor submits with the holder's signed consent.
struct FactoringTerms {
    uint256 pieceId;
    uint64 purchasePrice;
    bool withRecourse;
    uint256 deadline;
}

/// @notice One settled piece in a clearing bank's batch, with the bank's payment reference (R10).
struct Settlement {
    uint256 pieceId;
    bytes32 bankReference;
}
