// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @notice One platform service fee (R12): a fixed amount in fen plus a rate on the voucher amount.
 * These are the operator's service fees only; financing interest is never part of a fee schedule.
 * @param service Short code of the service, e.g. "ISSUE", "TRANSFER", "FINANCING_SERVICE" (ASCII).
 * @param fixedFee Fee per operation in fen.
 * @param rateBps Fee in basis points of the amount concerned.
 * @param payer Who pays: 0 issuer, 1 holder, 2 financier.
 */
struct FeeItem {
    bytes32 service;
    uint64 fixedFee;
    uint16 rateBps;
    uint8 payer;
}

/**
 * @title IFeeSchedule
 * @notice The operator's published fee schedule, versioned by effective time (R12). Schedules take effect
 * in the order published; past ones stay readable for audit.
 */
interface IFeeSchedule {
    /// @notice A schedule was published; `items` apply from `effectiveFrom`.
    event FeeSchedulePublished(
        uint256 indexed version, uint40 effectiveFrom, bytes32 documentHash, FeeItem[] items, address indexed operator
    );

    error FeeScheduleZeroAddress();
    error FeeScheduleCallerNotOperator(address caller);
    error FeeScheduleItemCountInvalid(uint256 count, uint256 max);
    error FeeScheduleDocumentHashMissing();
    error FeeScheduleEffectiveTimeInPast(uint40 effectiveFrom, uint256 currentTime);
    error FeeScheduleEffectiveTimeTooFar(uint40 effectiveFrom, uint256 latest);
    error FeeScheduleEffectiveTimeNotAfterPrevious(uint40 effectiveFrom, uint40 previous);
    error FeeScheduleRateInvalid(uint256 index, uint16 rateBps);
    error FeeSchedulePayerInvalid(uint256 index, uint8 payer);
    error FeeScheduleServiceMissing(uint256 index);
    error FeeScheduleTooManyPending(uint256 pending, uint256 max);
    error FeeScheduleNotFound(uint256 version);
    error FeeScheduleNoneInEffect(uint256 at);

    /**
     * @notice Publishes a schedule. Caller: an active member with the operator role.
     * @param effectiveFrom When it takes effect: from now to `MAX_NOTICE` ahead, after every schedule before it.
     * @param items 1..`MAX_FEE_ITEMS` fees, each with a service code and a rate of at most 10,000 bps.
     * @param documentHash Hash of the full fee document published off-chain (required).
     * @return version Number of this schedule, from 1.
     */
    function publish(uint40 effectiveFrom, FeeItem[] calldata items, bytes32 documentHash)
        external
        returns (uint256 version);

    /// @notice Number of schedules published.
    function scheduleCount() external view returns (uint256);

    /// @notice A published schedule by version.
    function scheduleOf(uint256 version)
        external
        view
        returns (uint40 effectiveFrom, bytes32 documentHash, FeeItem[] memory items);

    /// @notice The version in effect at time `at` (reverts when none was yet).
    function versionAt(uint256 at) external view returns (uint256);
}
