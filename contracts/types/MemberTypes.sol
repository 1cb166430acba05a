// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @notice Whether a registered member may act. `None` marks an address that was never registered.
enum MemberStatus {
    None,
    Active,
    Suspended
}

/**
 * @notice A consortium member, packed in one storage slot so the ledger reads it with one SLOAD.
 * @param creditLine Core enterprises only: the most outstanding face value (fen) they may have (R14).
 * @param groupId Related-party group (R15); 0 = in no group. Members sharing a non-zero id are related.
 * @param roles Bitmap of `MemberRoles` flags.
 * @param status Active or suspended.
 * @param defaulted Core enterprises only: a voucher went overdue; no new issuance until restored (R11).
 * @param uscc Unified social credit code, 18 ASCII characters (GB 32100-2015).
 */
struct Member {
    uint64 creditLine;
    uint24 groupId;
    uint8 roles;
    MemberStatus status;
    bool defaulted;
    bytes18 uscc;
}

/// @notice Member role flags. A member may hold several (a bank is also clearing bank and factor).
library MemberRoles {
    uint8 internal constant CORE_ENTERPRISE = 1 << 0;
    uint8 internal constant SUPPLIER = 1 << 1;
    uint8 internal constant BANK = 1 << 2;
    uint8 internal constant ORACLE = 1 << 3;
    uint8 internal constant AUDITOR = 1 << 4;
    uint8 internal constant OPERATOR = 1 << 5;
    uint8 internal constant ALL = (1 << 6) - 1;
}
