// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title PieceId
 * @notice A piece id carries its voucher: `pieceId = voucherId << 16 | index`. Index 0 is the issued
 * (root) piece; each split takes the next index of the same voucher. Deriving the root from the id
 * keeps a piece in one storage slot and lets the live pieces of a voucher be listed without an index.
 */
library PieceId {
    /// @dev Index bits of an id. The ledger counts pieces in a uint16, so it uses indices 0 .. 65534.
    uint256 internal constant INDEX_BITS = 16;
    uint256 internal constant INDEX_MASK = (1 << INDEX_BITS) - 1;

    function encode(uint256 voucherId, uint256 index) internal pure returns (uint256) {
        return (voucherId << INDEX_BITS) | index;
    }

    function voucherOf(uint256 pieceId) internal pure returns (uint256) {
        return pieceId >> INDEX_BITS;
    }

    function indexOf(uint256 pieceId) internal pure returns (uint256) {
        return pieceId & INDEX_MASK;
    }

    function rootOf(uint256 pieceId) internal pure returns (uint256) {
        return (pieceId >> INDEX_BITS) << INDEX_BITS;
    }
}
