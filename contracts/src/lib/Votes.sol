// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title Votes
/// @notice The vote domain every validator signs into its votes (`Vote.domain`), so that a
/// signature counts on one chain of one deployment of the root and nowhere else: chain ids
/// start at 1 on every deployment, and one BLS key may validate on several. A chain's domain
/// is derived from its parent's, the root's from the L1 chain id and the root contract
/// (`ledger::certificate::VoteDomain`).
library Votes {
    /// The domain of the root contract `root` on L1 chain `l1ChainId`:
    /// `keccak256(abi.encode(l1ChainId, root))`.
    function root(uint256 l1ChainId, address root_) internal pure returns (bytes32) {
        return keccak256(abi.encode(l1ChainId, root_));
    }

    /// The domain of chain `chainId` under the chain (or root) whose domain is `parent`:
    /// `keccak256(abi.encode(parent, chainId))`.
    function child(bytes32 parent, uint64 chainId) internal pure returns (bytes32) {
        return keccak256(abi.encode(parent, chainId));
    }

    /// The domain of chain `chainId` registered at the root contract `root_` on this L1.
    function ofRootChild(address root_, uint64 chainId) internal view returns (bytes32) {
        return child(root(block.chainid, root_), chainId);
    }
}
