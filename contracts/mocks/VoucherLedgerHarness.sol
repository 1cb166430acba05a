// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VoucherLedger} from "../voucher/VoucherLedger.sol";
import {Policy} from "../types/VoucherTypes.sol";

/// @notice Tests only: the ledger with a way to jump a voucher's piece counter, so the 65,535-piece bound
/// can be tested without 65,535 splits.
contract VoucherLedgerHarness is VoucherLedger {
    constructor(address admin, Policy memory initialPolicy) VoucherLedger(admin, initialPolicy) {}

    function setPiecesCreated(uint256 voucherId, uint16 piecesCreated) external {
        _vouchers[voucherId].piecesCreated = piecesCreated;
    }
}
