// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";

/// @title Merkle
/// @notice The ledger's domain-separated binary Merkle trees (`ledger::merkle`): leaves are
/// `keccak(0x00 ‖ data)`, nodes `keccak(0x01 ‖ l ‖ r)`, and the parent of two empty subtrees
/// is zero. A proof's index must fit its depth.
library Merkle {
    /// Depth of the history tree of block hashes (leaf index = height).
    uint256 internal constant HISTORY_DEPTH = 32;
    /// Deepest proof any tree of the system needs.
    uint256 internal constant MAX_PROOF_DEPTH = 64;

    /// More siblings than any tree has.
    error MerkleTooDeep(uint256 depth);
    /// The index addresses a leaf outside a tree of the proof's depth.
    error MerkleIndexOutOfRange(uint64 index, uint256 depth);
    /// A history proof without exactly `HISTORY_DEPTH` siblings.
    error MerkleWrongDepth(uint256 got, uint256 expected);
    /// The proof leads to another root.
    error MerkleRootMismatch(bytes32 computed, bytes32 expected);

    /// @notice `keccak256(0x00 ‖ data)`.
    function leafHash(bytes memory data) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(0), data));
    }

    /// @notice `keccak256(0x01 ‖ l ‖ r)`, or zero when both are zero.
    function parent(bytes32 l, bytes32 r) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            if or(l, r) {
                let m := mload(0x40)
                mstore8(m, 1)
                mstore(add(m, 1), l)
                mstore(add(m, 33), r)
                h := keccak256(m, 65)
            }
        }
    }

    /// @notice The root `proof` leads to from an already hashed `leaf`.
    function computeRoot(bytes32 leaf, MerkleProof calldata proof) internal pure returns (bytes32 node) {
        uint256 depth = proof.siblings.length;
        if (depth > MAX_PROOF_DEPTH) revert MerkleTooDeep(depth);
        if (depth < 64 && (uint256(proof.index) >> depth) != 0) revert MerkleIndexOutOfRange(proof.index, depth);
        node = leaf;
        uint256 index = proof.index;
        for (uint256 level = 0; level < depth; ++level) {
            bytes32 sibling = proof.siblings[level];
            node = (index >> level) & 1 == 0 ? parent(node, sibling) : parent(sibling, node);
        }
    }

    /// @notice Reverts unless `leaf` sits at `proof.index` under `root`.
    function verify(bytes32 leaf, MerkleProof calldata proof, bytes32 root) internal pure {
        bytes32 computed = computeRoot(leaf, proof);
        if (computed != root) revert MerkleRootMismatch(computed, root);
    }

    /// @notice Reverts unless `blockHash` is leaf `height` of the history tree `root`.
    function verifyHistory(bytes32 blockHash, uint64 height, MerkleProof calldata proof, bytes32 root) internal pure {
        if (proof.siblings.length != HISTORY_DEPTH) revert MerkleWrongDepth(proof.siblings.length, HISTORY_DEPTH);
        if (proof.index != height) revert MerkleIndexOutOfRange(proof.index, HISTORY_DEPTH);
        verify(leafHash(abi.encodePacked(blockHash)), proof, root);
    }
}
