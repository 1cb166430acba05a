// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {VoucherLedger} from "../../contracts/voucher/VoucherLedger.sol";
import {MemberRoles} from "../../contracts/types/MemberTypes.sol";
import {FactoringTerms, IssueRequest, PledgeTerms, Policy, TransferRequest} from "../../contracts/types/VoucherTypes.sol";

/// @dev The few cheatcodes these tests use (no forge-std here: see TOOLCHAIN.md, "Tests").
interface Vm {
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function prank(address sender) external;
    function warp(uint256 newTimestamp) external;
}

/**
 * @title VoucherTestBase
 * @notice Shared by the invariant handler and the fuzz tests: cheatcodes, a consortium whose every member
 * has a known private key (so tests can sign attestations and consents), and EIP-712 signing helpers.
 * The typehashes are written out here rather than read from the ledger, so a typo in the contract's
 * types would show as a failing signature.
 */
abstract contract VoucherTestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error CheckFailed(string what, uint256 actual, uint256 expected);

    // ---------------------------------------------------------------- EIP-712 types (VoucherSignatures.sol)

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant ISSUE_TYPEHASH = keccak256(
        "IssueAttestation(address issuer,address holder,uint64 amount,uint40 maturity,bytes32 packageHash,bytes32[] documentKeys,uint256 deadline)"
    );
    bytes32 internal constant TRANSFER_TYPEHASH = keccak256(
        "TransferAttestation(uint256 pieceId,address from,address to,uint64 amount,bytes32 packageHash,bytes32[] documentKeys,uint256 deadline)"
    );
    bytes32 internal constant PLEDGE_TYPEHASH = keccak256(
        "PledgeConsent(uint256 pieceId,address holder,address pledgee,uint64 pieceAmount,uint64 securedAmount,uint16 annualRateBps,uint16 serviceFeeBps,bytes24 registrationNumber,uint16 serial,uint256 deadline)"
    );
    bytes32 internal constant FACTORING_TYPEHASH = keccak256(
        "FactoringConsent(uint256 pieceId,address holder,address factor,uint64 amount,uint64 purchasePrice,bool withRecourse,uint256 nonce,uint256 deadline)"
    );

    // ---------------------------------------------------------------- policy (src/sdk/constants.ts DEFAULT_POLICY)

    uint64 internal constant MIN_PIECE = 10_000;
    uint32 internal constant MAX_TERM = 365 days;
    uint32 internal constant ENHANCED_REVIEW_TERM = 183 days;
    uint32 internal constant GRACE_PERIOD = 3 days;
    uint16 internal constant MAX_LIVE_PIECES = 100;
    uint8 internal constant MAX_DEPTH = 5;

    /// @dev 500,000.00 CNY per core enterprise: a handful of large vouchers reach it.
    uint64 internal constant CREDIT_LINE = 50_000_000;
    /// @dev Start of time in the tests (2023-11-14), far from zero so maturities look real.
    uint256 internal constant T0 = 1_700_000_000;
    /// @dev Related-party group shared by supplier 4 and bank Y (R15).
    uint24 internal constant RELATED_GROUP = 7;

    // ---------------------------------------------------------------- actors (private keys)

    uint256 internal constant PK_CORE_A = 0xC0A1;
    uint256 internal constant PK_CORE_B = 0xC0B1;
    uint256 internal constant PK_SUPPLIER_1 = 0x5001;
    uint256 internal constant PK_SUPPLIER_2 = 0x5002;
    uint256 internal constant PK_SUPPLIER_3 = 0x5003;
    uint256 internal constant PK_SUPPLIER_4 = 0x5004;
    uint256 internal constant PK_BANK_X = 0xB001;
    uint256 internal constant PK_BANK_Y = 0xB002;
    uint256 internal constant PK_ORACLE_1 = 0x0A01;
    uint256 internal constant PK_ORACLE_2 = 0x0A02;
    /// @dev Never registered: its signatures must not count as attestations.
    uint256 internal constant PK_OUTSIDER = 0xDEAD;

    function _defaultPolicy() internal pure returns (Policy memory) {
        return Policy({
            minPieceAmount: MIN_PIECE,
            maxTerm: MAX_TERM,
            enhancedReviewTerm: ENHANCED_REVIEW_TERM,
            gracePeriod: GRACE_PERIOD,
            maxLivePieces: MAX_LIVE_PIECES,
            maxDepth: MAX_DEPTH,
            attestationQuorum: 1
        });
    }

    /// @dev Valid USCCs "91310000" + 9 digits + check character (computed with src/sdk/uscc.ts).
    function _uscc(uint256 n) internal pure returns (bytes18) {
        if (n == 1) return bytes18("91310000000000001Y");
        if (n == 2) return bytes18("913100000000000022");
        if (n == 3) return bytes18("913100000000000035");
        if (n == 4) return bytes18("913100000000000048");
        if (n == 5) return bytes18("91310000000000005B");
        if (n == 6) return bytes18("91310000000000006E");
        if (n == 7) return bytes18("91310000000000007H");
        if (n == 8) return bytes18("91310000000000008L");
        if (n == 9) return bytes18("91310000000000009P");
        if (n == 10) return bytes18("91310000000000010W");
        if (n == 11) return bytes18("913100000000000110");
        revert CheckFailed("no such test uscc", n, 11);
    }

    /**
     * @dev The consortium, administered by `address(this)`: core enterprises A (clears through bank X) and
     * B (through bank Y), suppliers 1-4, banks X and Y, oracles 1-2. Supplier 4 and bank Y are related.
     */
    function _deployConsortium() internal returns (VoucherLedger ledger) {
        ledger = new VoucherLedger(address(this), _defaultPolicy());
        ledger.registerMember(vm.addr(PK_CORE_A), _uscc(1), MemberRoles.CORE_ENTERPRISE, 0);
        ledger.registerMember(vm.addr(PK_CORE_B), _uscc(2), MemberRoles.CORE_ENTERPRISE, 0);
        ledger.registerMember(vm.addr(PK_SUPPLIER_1), _uscc(3), MemberRoles.SUPPLIER, 0);
        ledger.registerMember(vm.addr(PK_SUPPLIER_2), _uscc(4), MemberRoles.SUPPLIER, 0);
        ledger.registerMember(vm.addr(PK_SUPPLIER_3), _uscc(5), MemberRoles.SUPPLIER, 0);
        ledger.registerMember(vm.addr(PK_SUPPLIER_4), _uscc(6), MemberRoles.SUPPLIER, RELATED_GROUP);
        ledger.registerMember(vm.addr(PK_BANK_X), _uscc(7), MemberRoles.BANK, 0);
        ledger.registerMember(vm.addr(PK_BANK_Y), _uscc(8), MemberRoles.BANK, RELATED_GROUP);
        ledger.registerMember(vm.addr(PK_ORACLE_1), _uscc(9), MemberRoles.ORACLE, 0);
        ledger.registerMember(vm.addr(PK_ORACLE_2), _uscc(10), MemberRoles.ORACLE, 0);
        ledger.setCreditLine(vm.addr(PK_CORE_A), CREDIT_LINE);
        ledger.setCreditLine(vm.addr(PK_CORE_B), CREDIT_LINE);
        ledger.setClearingBank(vm.addr(PK_CORE_A), vm.addr(PK_BANK_X));
        ledger.setClearingBank(vm.addr(PK_CORE_B), vm.addr(PK_BANK_Y));
    }

    // ---------------------------------------------------------------- EIP-712

    /// @dev The domain separator rebuilt from the ledger's ERC-5267 `eip712Domain()`.
    function _domainSeparatorOf(VoucherLedger ledger) internal view returns (bytes32) {
        (, string memory name, string memory version, uint256 chainId, address verifyingContract,,) =
            ledger.eip712Domain();
        return keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256(bytes(version)), chainId, verifyingContract)
        );
    }

    function _digest(bytes32 domainSeparator, bytes32 structHash) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _issueDigest(bytes32 domainSeparator, address issuer, IssueRequest memory r)
        internal
        pure
        returns (bytes32)
    {
        return _digest(
            domainSeparator,
            keccak256(
                abi.encode(
                    ISSUE_TYPEHASH,
                    issuer,
                    r.holder,
                    r.amount,
                    r.maturity,
                    r.packageHash,
                    keccak256(abi.encodePacked(r.documentKeys)),
                    r.deadline
                )
            )
        );
    }

    function _transferDigest(bytes32 domainSeparator, address from, TransferRequest memory r)
        internal
        pure
        returns (bytes32)
    {
        return _digest(
            domainSeparator,
            keccak256(
                abi.encode(
                    TRANSFER_TYPEHASH,
                    r.pieceId,
                    from,
                    r.to,
                    r.amount,
                    r.packageHash,
                    keccak256(abi.encodePacked(r.documentKeys)),
                    r.deadline
                )
            )
        );
    }

    function _pledgeDigest(
        bytes32 domainSeparator,
        address holder,
        address pledgee,
        uint64 pieceAmount,
        uint16 serial,
        PledgeTerms memory t
    ) internal pure returns (bytes32) {
        return _digest(
            domainSeparator,
            keccak256(
                abi.encode(
                    PLEDGE_TYPEHASH,
                    t.pieceId,
                    holder,
                    pledgee,
                    pieceAmount,
                    t.securedAmount,
                    t.annualRateBps,
                    t.serviceFeeBps,
                    t.registrationNumber,
                    serial,
                    t.deadline
                )
            )
        );
    }

    function _factoringDigest(
        bytes32 domainSeparator,
        address holder,
        address factor,
        uint64 amount,
        uint256 nonce,
        FactoringTerms memory t
    ) internal pure returns (bytes32) {
        return _digest(
            domainSeparator,
            keccak256(
                abi.encode(
                    FACTORING_TYPEHASH, t.pieceId, holder, factor, amount, t.purchasePrice, t.withRecourse, nonce, t.deadline
                )
            )
        );
    }

    function _sign(uint256 privateKey, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev One oracle's attestation.
    function _attestation(uint256 privateKey, bytes32 digest) internal pure returns (bytes[] memory attestations) {
        attestations = new bytes[](1);
        attestations[0] = _sign(privateKey, digest);
    }

    // ---------------------------------------------------------------- helpers

    /// @dev `x` mapped into [min, max] (inclusive); requires min <= max.
    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (max <= min) return min;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    function _check(bool ok, string memory what, uint256 actual, uint256 expected) internal pure {
        if (!ok) revert CheckFailed(what, actual, expected);
    }

    function _checkEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert CheckFailed(what, actual, expected);
    }
}
