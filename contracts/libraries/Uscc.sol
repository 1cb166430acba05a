// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title Uscc
 * @notice Check of a unified social credit code (GB 32100-2015): 18 characters over
 * `0123456789ABCDEFGHJKLMNPQRTUWXY` (values 0-30), the last being a check character over the first 17.
 */
library Uscc {
    /// @dev Weights 3^i mod 31 for positions 1..17, one byte each.
    bytes17 private constant WEIGHTS = hex"0103091b131a1011141d190d08180a1e1c";

    /// @notice True when `code` is 18 valid characters with a correct check character.
    function isValid(bytes18 code) internal pure returns (bool) {
        uint256 sum;
        for (uint256 i; i < 17; ++i) {
            int256 value = _valueOf(code[i]);
            if (value < 0) return false;
            sum += uint256(value) * uint8(WEIGHTS[i]);
        }
        int256 check = _valueOf(code[17]);
        return check >= 0 && uint256(check) == (31 - (sum % 31)) % 31;
    }

    /// @dev Value of one character, or -1 when it is not in the alphabet (I, O, S, V, Z excluded).
    function _valueOf(bytes1 char) private pure returns (int256) {
        uint8 c = uint8(char);
        if (c >= 0x30 && c <= 0x39) return int256(uint256(c - 0x30));
        if (c < 0x41 || c > 0x59) return -1;
        if (c == 0x49 || c == 0x4f || c == 0x53 || c == 0x56) return -1; // I O S V
        // Letters A..Y minus the skipped ones before them.
        uint256 v = 10 + (c - 0x41);
        if (c > 0x49) v -= 1; // after I
        if (c > 0x4f) v -= 1; // after O
        if (c > 0x53) v -= 1; // after S
        if (c > 0x56) v -= 1; // after V
        return int256(v);
    }
}
