// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Gas anchor only: OpenZeppelin's ERC721 with a public mint, measured beside the ledger.
contract Erc721Anchor is ERC721 {
    constructor() ERC721("Anchor", "ANC") {}

    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
