// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IConsortiumRegistry} from "../interfaces/IConsortiumRegistry.sol";
import {Uscc} from "../libraries/Uscc.sol";
import {Member, MemberRoles, MemberStatus} from "../types/MemberTypes.sol";

/**
 * @title ConsortiumRegistry
 * @notice Who is in the consortium and what each member may do. See `IConsortiumRegistry`.
 * Abstract: deployed as part of `VoucherLedger`, which reads members from this storage directly.
 */
abstract contract ConsortiumRegistry is IConsortiumRegistry, AccessControl {
    /// @notice Administers members, policy and emergencies.
    bytes32 public constant CONSORTIUM_ADMIN_ROLE = keccak256("CONSORTIUM_ADMIN_ROLE");

    mapping(address account => Member) internal _members;
    mapping(bytes18 uscc => address account) private _accountByUscc;
    mapping(address coreEnterprise => address bank) internal _clearingBanks;

    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (grants the other roles) and `CONSORTIUM_ADMIN_ROLE`.
    constructor(address admin) {
        if (admin == address(0)) revert RegistryZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CONSORTIUM_ADMIN_ROLE, admin);
    }

    // ---------------------------------------------------------------- administration

    /// @inheritdoc IConsortiumRegistry
    function registerMember(address account, bytes18 uscc, uint8 roles, uint24 groupId)
        external
        onlyRole(CONSORTIUM_ADMIN_ROLE)
    {
        if (account == address(0)) revert RegistryZeroAddress();
        if (_members[account].status != MemberStatus.None) revert RegistryMemberAlreadyRegistered(account);
        if (!Uscc.isValid(uscc)) revert RegistryInvalidUscc(uscc);
        address holderOfCode = _accountByUscc[uscc];
        if (holderOfCode != address(0)) revert RegistryUsccAlreadyRegistered(uscc, holderOfCode);
        _checkRoles(roles);

        _members[account] = Member({
            creditLine: 0,
            groupId: groupId,
            roles: roles,
            status: MemberStatus.Active,
            defaulted: false,
            uscc: uscc
        });
        _accountByUscc[uscc] = account;
        emit MemberRegistered(account, uscc, roles, groupId);
    }

    /// @inheritdoc IConsortiumRegistry
    function setMemberRoles(address account, uint8 roles) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        Member storage member = _existingMember(account);
        _checkRoles(roles);
        uint8 previous = member.roles;
        member.roles = roles;
        emit MemberRolesChanged(account, previous, roles);
    }

    /// @inheritdoc IConsortiumRegistry
    function setMemberStatus(address account, MemberStatus status) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        if (status != MemberStatus.Active && status != MemberStatus.Suspended) revert RegistryInvalidStatus(status);
        Member storage member = _existingMember(account);
        MemberStatus previous = member.status;
        if (previous == status) revert RegistryStatusUnchanged(account, status);
        member.status = status;
        emit MemberStatusChanged(account, previous, status);
    }

    /// @inheritdoc IConsortiumRegistry
    function setRelatedPartyGroup(address account, uint24 groupId) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        Member storage member = _existingMember(account);
        uint24 previous = member.groupId;
        member.groupId = groupId;
        emit RelatedPartyGroupChanged(account, previous, groupId);
    }

    /// @inheritdoc IConsortiumRegistry
    function setCreditLine(address coreEnterprise, uint64 creditLine) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        Member storage member = _memberWithRole(coreEnterprise, MemberRoles.CORE_ENTERPRISE);
        uint64 previous = member.creditLine;
        member.creditLine = creditLine;
        emit CreditLineChanged(coreEnterprise, previous, creditLine);
    }

    /// @inheritdoc IConsortiumRegistry
    function setClearingBank(address coreEnterprise, address bank) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        _memberWithRole(coreEnterprise, MemberRoles.CORE_ENTERPRISE);
        _memberWithRole(bank, MemberRoles.BANK);
        address previous = _clearingBanks[coreEnterprise];
        _clearingBanks[coreEnterprise] = bank;
        emit ClearingBankChanged(coreEnterprise, previous, bank);
    }

    /// @inheritdoc IConsortiumRegistry
    function restoreIssuer(address issuer) external onlyRole(CONSORTIUM_ADMIN_ROLE) {
        Member storage member = _existingMember(issuer);
        if (!member.defaulted) revert RegistryIssuerNotDefaulted(issuer);
        member.defaulted = false;
        emit IssuerRestored(issuer, msg.sender);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IConsortiumRegistry
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @inheritdoc IConsortiumRegistry
    function accountOf(bytes18 uscc) external view returns (address) {
        return _accountByUscc[uscc];
    }

    /// @inheritdoc IConsortiumRegistry
    function clearingBankOf(address coreEnterprise) external view returns (address) {
        return _clearingBanks[coreEnterprise];
    }

    /// @inheritdoc IConsortiumRegistry
    function isActiveWith(address account, uint8 roles) public view returns (bool) {
        Member storage member = _members[account];
        return member.status == MemberStatus.Active && member.roles & roles == roles;
    }

    /// @inheritdoc IConsortiumRegistry
    function hasRole(bytes32 role, address account)
        public
        view
        override(AccessControl, IConsortiumRegistry)
        returns (bool)
    {
        return super.hasRole(role, account);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Puts an issuer in default on `voucherId` (R11). Another overdue voucher of an issuer already in
    /// default is still recorded as an event.
    function _recordDefault(address issuer, uint256 voucherId) internal {
        _members[issuer].defaulted = true;
        emit IssuerDefaulted(issuer, voucherId);
    }

    function _existingMember(address account) private view returns (Member storage member) {
        member = _members[account];
        if (member.status == MemberStatus.None) revert RegistryNotAMember(account);
    }

    function _memberWithRole(address account, uint8 role) private view returns (Member storage member) {
        member = _existingMember(account);
        if (member.roles & role == 0) revert RegistryMissingRole(account, role);
    }

    function _checkRoles(uint8 roles) private pure {
        if (roles == 0 || roles & ~MemberRoles.ALL != 0) revert RegistryInvalidRoles(roles);
        // An oracle that trades could attest its own trades (R1); an operator that trades or lends would hold
        // or route funds (clause 十四). Both stand apart from the trade and bank roles.
        uint8 business = MemberRoles.CORE_ENTERPRISE | MemberRoles.SUPPLIER | MemberRoles.BANK;
        if (roles & (MemberRoles.ORACLE | MemberRoles.OPERATOR) != 0 && roles & business != 0) {
            revert RegistryConflictingRoles(roles);
        }
    }
}
