// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {FeeItem, IFeeSchedule} from "../interfaces/IFeeSchedule.sol";
import {MemberRoles} from "../types/MemberTypes.sol";

/**
 * @title FeeSchedule
 * @notice The operator's fee schedule on-chain. See `IFeeSchedule`.
 */
contract FeeSchedule is IFeeSchedule {
    /// @notice Fees one schedule may list.
    uint256 public constant MAX_FEE_ITEMS = 32;
    /// @notice Furthest ahead a schedule may be published: a mistyped far-future date would otherwise block
    /// every later schedule, since effective times must ascend.
    uint256 public constant MAX_NOTICE = 366 days;
    /// @notice Schedules published but not yet in effect; bounds the search in `versionAt`.
    uint256 public constant MAX_PENDING = 8;
    uint8 private constant PAYER_FINANCIER = 2;

    struct Schedule {
        uint40 effectiveFrom;
        bytes32 documentHash;
        FeeItem[] items;
    }

    IConsortiumRegistry public immutable registry;
    Schedule[] private _schedules;

    constructor(IConsortiumRegistry registry_) {
        if (address(registry_) == address(0)) revert FeeScheduleZeroAddress();
        registry = registry_;
    }

    /// @inheritdoc IFeeSchedule
    function publish(uint40 effectiveFrom, FeeItem[] calldata items, bytes32 documentHash)
        external
        returns (uint256 version)
    {
        if (!registry.isActiveWith(msg.sender, MemberRoles.OPERATOR)) revert FeeScheduleCallerNotOperator(msg.sender);
        uint256 count = items.length;
        if (count == 0 || count > MAX_FEE_ITEMS) revert FeeScheduleItemCountInvalid(count, MAX_FEE_ITEMS);
        if (documentHash == bytes32(0)) revert FeeScheduleDocumentHashMissing();
        if (effectiveFrom < block.timestamp) revert FeeScheduleEffectiveTimeInPast(effectiveFrom, block.timestamp);
        if (effectiveFrom > block.timestamp + MAX_NOTICE) {
            revert FeeScheduleEffectiveTimeTooFar(effectiveFrom, block.timestamp + MAX_NOTICE);
        }
        uint256 published = _schedules.length;
        if (published > 0) {
            uint40 previous = _schedules[published - 1].effectiveFrom;
            if (effectiveFrom <= previous) revert FeeScheduleEffectiveTimeNotAfterPrevious(effectiveFrom, previous);
        }
        uint256 pending = _pendingCount();
        if (pending >= MAX_PENDING) revert FeeScheduleTooManyPending(pending, MAX_PENDING);

        Schedule storage schedule = _schedules.push();
        schedule.effectiveFrom = effectiveFrom;
        schedule.documentHash = documentHash;
        for (uint256 i; i < count; ++i) {
            FeeItem calldata item = items[i];
            if (item.service == bytes32(0)) revert FeeScheduleServiceMissing(i);
            if (item.rateBps > 10_000) revert FeeScheduleRateInvalid(i, item.rateBps);
            if (item.payer > PAYER_FINANCIER) revert FeeSchedulePayerInvalid(i, item.payer);
            schedule.items.push(item);
        }
        version = published + 1;
        emit FeeSchedulePublished(version, effectiveFrom, documentHash, items, msg.sender);
    }

    /// @inheritdoc IFeeSchedule
    function scheduleCount() external view returns (uint256) {
        return _schedules.length;
    }

    /// @inheritdoc IFeeSchedule
    function scheduleOf(uint256 version)
        external
        view
        returns (uint40 effectiveFrom, bytes32 documentHash, FeeItem[] memory items)
    {
        if (version == 0 || version > _schedules.length) revert FeeScheduleNotFound(version);
        Schedule storage schedule = _schedules[version - 1];
        return (schedule.effectiveFrom, schedule.documentHash, schedule.items);
    }

    /// @inheritdoc IFeeSchedule
    function versionAt(uint256 at) external view returns (uint256) {
        // Effective times ascend with the version: binary search for the last one at or before `at`.
        uint256 low;
        uint256 high = _schedules.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_schedules[mid].effectiveFrom <= at) low = mid + 1;
            else high = mid;
        }
        if (low == 0) revert FeeScheduleNoneInEffect(at);
        return low;
    }

    function _pendingCount() private view returns (uint256 pending) {
        for (uint256 i = _schedules.length; i > 0 && _schedules[i - 1].effectiveFrom > block.timestamp; --i) {
            ++pending;
        }
    }
}
