// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC3525Mintable} from "@solvprotocol/erc-3525/ERC3525Mintable.sol";

/// @notice Gas anchor only: the ERC-3525 reference implementation (Solv), whose value transfer to an
/// address (`transferFrom(fromTokenId, to, value)`) splits a token into a new one, like a voucher split.
contract Erc3525Anchor is ERC3525Mintable {
    constructor() ERC3525Mintable("Anchor3525", "A3525", 2) {}
}
