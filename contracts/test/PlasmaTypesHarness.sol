// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

import "../src/PlasmaTypes.sol";

/// Uses every declared structure in `abi.encode` / `abi.decode`, so compiling this contract
/// proves the shared declarations are valid, ABI-encodable Solidity.
contract PlasmaTypesHarness {
    function encodeAll(
        Block memory b,
        Checkpoint memory c,
        TxInclusion memory i,
        ExitRecord memory e,
        Vote memory v,
        Validator[] memory vs,
        DepositRecord memory d,
        ChildDeposit memory cd,
        ExitPayoutClaim memory p
    ) external pure returns (bytes memory) {
        return abi.encode(b, c, i, e, v, vs, d, cd, p);
    }

    function encodeEvidence(
        FraudProof memory f,
        DoubleSpendEvidence memory ds,
        InvalidSignatureEvidence memory isig,
        InflationEvidence memory inf,
        NonexistentInputEvidence memory ni,
        DepositMismatchEvidence memory dm,
        DoubleMintEvidence memory m,
        EquivocationEvidence memory eq
    ) external pure returns (bytes memory) {
        return abi.encode(f, ds, isig, inf, ni, dm, m, eq);
    }

    function decodeSignedTransaction(bytes calldata raw) external pure returns (SignedTransaction memory) {
        return abi.decode(raw, (SignedTransaction));
    }

    function blockHash(BlockHeader calldata h) external pure returns (bytes32) {
        return keccak256(abi.encode(h));
    }

    function kind(Transaction calldata t) external pure returns (TxKind) {
        return TxKind(t.kind);
    }
}
