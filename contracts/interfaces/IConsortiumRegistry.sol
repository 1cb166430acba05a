// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Member, MemberStatus} from "../types/MemberTypes.sol";

/**
 * @title IConsortiumRegistry
 * @notice Members of the consortium, identified by USCC, with their roles, status, related-party group,
 * and for core enterprises the credit line (R14), clearing bank (R10) and default status (R11).
 * Administered by holders of `CONSORTIUM_ADMIN_ROLE`. The voucher ledger inherits the registry, so that
 * member checks on every operation are plain storage reads (no external call).
 */
interface IConsortiumRegistry {
    // ---------------------------------------------------------------- events

    /// @notice A member was registered and is active.
    event MemberRegistered(address indexed account, bytes18 indexed uscc, uint8 roles, uint24 groupId);
    /// @notice A member's roles were replaced.
    event MemberRolesChanged(address indexed account, uint8 previousRoles, uint8 roles);
    /// @notice A member was suspended or reactivated.
    event MemberStatusChanged(address indexed account, MemberStatus previousStatus, MemberStatus status);
    /// @notice A member's related-party group changed (0 = no group).
    event RelatedPartyGroupChanged(address indexed account, uint24 previousGroupId, uint24 groupId);
    /// @notice A core enterprise's credit line for outstanding face value changed (fen).
    event CreditLineChanged(address indexed coreEnterprise, uint64 previousCreditLine, uint64 creditLine);
    /// @notice A core enterprise's clearing bank changed.
    event ClearingBankChanged(address indexed coreEnterprise, address indexed previousBank, address indexed bank);
    /// @notice A core enterprise defaulted on a voucher; it can issue no more until restored (R11).
    event IssuerDefaulted(address indexed issuer, uint256 indexed voucherId);
    /// @notice The consortium admin restored a defaulted core enterprise.
    event IssuerRestored(address indexed issuer, address indexed admin);

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where an account is required.
    error RegistryZeroAddress();
    /// @notice The code is not a valid USCC (alphabet or check character).
    error RegistryInvalidUscc(bytes18 uscc);
    /// @notice The account is a member already.
    error RegistryMemberAlreadyRegistered(address account);
    /// @notice The USCC already belongs to another account.
    error RegistryUsccAlreadyRegistered(bytes18 uscc, address account);
    /// @notice The account is not a member.
    error RegistryNotAMember(address account);
    /// @notice The role bitmap is empty or has unknown bits.
    error RegistryInvalidRoles(uint8 roles);
    /// @notice Oracle and operator cannot be combined with core enterprise, supplier or bank.
    error RegistryConflictingRoles(uint8 roles);
    /// @notice The member lacks a role the operation needs.
    error RegistryMissingRole(address account, uint8 role);
    /// @notice The member already has that status.
    error RegistryStatusUnchanged(address account, MemberStatus status);
    /// @notice Only `Active` and `Suspended` can be set.
    error RegistryInvalidStatus(MemberStatus status);
    /// @notice The issuer is not in default, so there is nothing to restore.
    error RegistryIssuerNotDefaulted(address issuer);

    // ---------------------------------------------------------------- administration

    /**
     * @notice Registers an active member. Caller: `CONSORTIUM_ADMIN_ROLE`. Emits `MemberRegistered`.
     * @param account The member's signing address.
     * @param uscc Its unified social credit code (validated, unique across members).
     * @param roles Bitmap of `MemberRoles` flags (non-empty).
     * @param groupId Related-party group, 0 for none.
     */
    function registerMember(address account, bytes18 uscc, uint8 roles, uint24 groupId) external;

    /// @notice Replaces a member's roles. Caller: `CONSORTIUM_ADMIN_ROLE`. Emits `MemberRolesChanged`.
    function setMemberRoles(address account, uint8 roles) external;

    /// @notice Suspends (`Suspended`) or reactivates (`Active`) a member. Caller: `CONSORTIUM_ADMIN_ROLE`.
    /// Emits `MemberStatusChanged`.
    function setMemberStatus(address account, MemberStatus status) external;

    /// @notice Sets a member's related-party group. Caller: `CONSORTIUM_ADMIN_ROLE`.
    /// Emits `RelatedPartyGroupChanged`.
    function setRelatedPartyGroup(address account, uint24 groupId) external;

    /// @notice Sets a core enterprise's credit line in fen. Caller: `CONSORTIUM_ADMIN_ROLE`.
    /// Emits `CreditLineChanged`.
    function setCreditLine(address coreEnterprise, uint64 creditLine) external;

    /// @notice Names the bank that clears a core enterprise's vouchers. Caller: `CONSORTIUM_ADMIN_ROLE`.
    /// Emits `ClearingBankChanged`.
    function setClearingBank(address coreEnterprise, address bank) external;

    /// @notice Lifts an issuer's default so it may issue again. Caller: `CONSORTIUM_ADMIN_ROLE`.
    /// Emits `IssuerRestored`.
    function restoreIssuer(address issuer) external;

    // ---------------------------------------------------------------- views

    /// @notice The member record of `account` (status `None` when not registered).
    function memberOf(address account) external view returns (Member memory);

    /// @notice The account registered under a USCC, or the zero address.
    function accountOf(bytes18 uscc) external view returns (address);

    /// @notice The clearing bank of a core enterprise, or the zero address when none is set.
    function clearingBankOf(address coreEnterprise) external view returns (address);

    /// @notice True when `account` is an active member holding every flag in `roles`.
    function isActiveWith(address account, uint8 roles) external view returns (bool);

    /// @notice True when `account` holds the AccessControl role `role` (administration roles).
    function hasRole(bytes32 role, address account) external view returns (bool);
}
