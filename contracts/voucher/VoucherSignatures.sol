// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {FactoringTerms, IssueRequest, PledgeTerms, TransferRequest} from "../types/VoucherTypes.sol";

/**
 * @title VoucherSignatures
 * @notice EIP-712 types the ledger accepts: oracle attestations of a trade (issue, transfer) and holder
 * consents to financing (pledge, factoring). The domain binds every signature to this contract and chain.
 */
abstract contract VoucherSignatures is EIP712 {
    // solhint-disable max-line-length
    bytes32 public constant ISSUE_ATTESTATION_TYPEHASH = keccak256(
        "IssueAttestation(address issuer,address holder,uint64 amount,uint40 maturity,bytes32 packageHash,bytes32[] documentKeys,uint256 deadline)"
    );
    bytes32 public constant TRANSFER_ATTESTATION_TYPEHASH = keccak256(
        "TransferAttestation(uint256 pieceId,address from,address to,uint64 amount,bytes32 packageHash,bytes32[] documentKeys,uint256 deadline)"
    );
    bytes32 public constant PLEDGE_CONSENT_TYPEHASH = keccak256(
        "PledgeConsent(uint256 pieceId,address holder,address pledgee,uint64 pieceAmount,uint64 securedAmount,uint16 annualRateBps,uint16 serviceFeeBps,bytes24 registrationNumber,uint16 serial,uint256 deadline)"
    );
    bytes32 public constant FACTORING_CONSENT_TYPEHASH = keccak256(
        "FactoringConsent(uint256 pieceId,address holder,address factor,uint64 amount,uint64 purchasePrice,bool withRecourse,uint256 nonce,uint256 deadline)"
    );

    // solhint-enable max-line-length

    constructor() EIP712("EVoucherLedger", "1") {}

    function _issueDigest(address issuer, IssueRequest calldata r) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ISSUE_ATTESTATION_TYPEHASH,
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

    function _transferDigest(address from, TransferRequest calldata r) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    TRANSFER_ATTESTATION_TYPEHASH,
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
        address holder,
        address pledgee,
        uint64 pieceAmount,
        uint16 serial,
        PledgeTerms calldata t
    ) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    PLEDGE_CONSENT_TYPEHASH,
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

    function _factoringDigest(address holder, address factor_, uint64 amount, uint256 nonce, FactoringTerms calldata t)
        internal
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    FACTORING_CONSENT_TYPEHASH,
                    t.pieceId,
                    holder,
                    factor_,
                    amount,
                    t.purchasePrice,
                    t.withRecourse,
                    nonce,
                    t.deadline
                )
            )
        );
    }
}
