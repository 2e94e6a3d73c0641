//! Binary keccak Merkle trees with domain-separated leaves and nodes.
//!
//! * a leaf hashes as `keccak256(0x00 ‖ data)`, an inner node as `keccak256(0x01 ‖ l ‖ r)`, so
//!   no inner node can be passed off as a leaf;
//! * an empty subtree is `bytes32(0)` at every level (the parent of two empty subtrees is
//!   empty, not hashed), so a tree padded to any depth has the same root as its smallest
//!   padding, and a fixed-depth append-only tree needs no table of zero hashes;
//! * a proof's index must be below `2^depth`: higher bits would otherwise be ignored and one
//!   proof would verify at several positions (omgnetwork/plasma-contracts#546).
//!
//! Tx trees have the smallest depth that holds their leaves; the history tree of block hashes
//! has the fixed depth [`HISTORY_DEPTH`] and leaf index = block height.

use crate::types::{Block, MerkleProof};
use alloy_primitives::{keccak256, B256};

/// Depth of the history tree: room for 2^32 blocks.
pub const HISTORY_DEPTH: usize = 32;
/// Deepest proof any verifier accepts.
pub const MAX_PROOF_DEPTH: usize = 64;

/// Why a Merkle proof was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// More siblings than any tree this system builds.
    #[error("proof has {0} siblings, more than the maximum {MAX_PROOF_DEPTH}")]
    TooDeep(usize),
    /// The index addresses a leaf outside a tree of the proof's depth.
    #[error("proof index {index} does not fit a tree of depth {depth}")]
    IndexOutOfRange {
        /// Claimed leaf index.
        index: u64,
        /// Number of siblings.
        depth: usize,
    },
    /// The proof has the wrong number of siblings for the tree it claims to be in.
    #[error("proof has {got} siblings, the tree has depth {expected}")]
    WrongDepth {
        /// Siblings given.
        got: usize,
        /// The tree's depth.
        expected: usize,
    },
    /// The proof computes a different root.
    #[error("proof computes root {computed}, expected {expected}")]
    RootMismatch {
        /// Root the proof leads to.
        computed: B256,
        /// Root it had to reach.
        expected: B256,
    },
}

/// `keccak256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> B256 {
    let mut buf = Vec::with_capacity(1 + data.len());
    buf.push(0x00);
    buf.extend_from_slice(data);
    keccak256(buf)
}

/// The parent of two subtrees: `keccak256(0x01 ‖ l ‖ r)`, or zero if both are empty.
pub fn parent(left: &B256, right: &B256) -> B256 {
    if left.is_zero() && right.is_zero() {
        return B256::ZERO;
    }
    let mut buf = [0u8; 65];
    buf[0] = 0x01;
    buf[1..33].copy_from_slice(left.as_slice());
    buf[33..].copy_from_slice(right.as_slice());
    keccak256(buf)
}

/// Depth of the smallest tree holding `n` leaves.
pub fn depth_for(n: usize) -> usize {
    n.max(1).next_power_of_two().trailing_zeros() as usize
}

/// Replaces the first half of `level[..n]` with its parents; returns the parents' count.
fn fold_level(level: &mut [B256], n: usize) -> usize {
    let parents = n.div_ceil(2);
    for i in 0..parents {
        let right = if 2 * i + 1 < n { level[2 * i + 1] } else { B256::ZERO };
        level[i] = parent(&level[2 * i], &right);
    }
    parents
}

/// Root of the smallest tree over already-hashed leaves (zero for no leaves).
pub fn root(leaves: &[B256]) -> B256 {
    if leaves.len() <= 1 {
        return leaves.first().copied().unwrap_or(B256::ZERO);
    }
    let mut level = leaves.to_vec();
    let mut n = level.len();
    while n > 1 {
        n = fold_level(&mut level, n);
    }
    level[0]
}

/// Proof for leaf `index` of the smallest tree over `leaves`, padded to `depth` levels
/// (`None` pads to the tree's own depth). `None` if `index` is not a leaf.
pub fn prove(leaves: &[B256], index: usize, depth: Option<usize>) -> Option<MerkleProof> {
    if index >= leaves.len() {
        return None;
    }
    let own = depth_for(leaves.len());
    let depth = depth.unwrap_or(own);
    if depth < own || depth > MAX_PROOF_DEPTH {
        return None;
    }
    let mut siblings = Vec::with_capacity(depth);
    let mut level = leaves.to_vec();
    let (mut n, mut i) = (level.len(), index);
    for _ in 0..depth {
        let sibling = i ^ 1;
        siblings.push(if sibling < n { level[sibling] } else { B256::ZERO });
        n = fold_level(&mut level, n);
        i >>= 1;
    }
    Some(MerkleProof { index: index as u64, siblings })
}

/// The root `proof` leads to from `leaf` (an already-hashed leaf), checking its shape.
pub fn compute_root(leaf: B256, proof: &MerkleProof) -> Result<B256, MerkleError> {
    let depth = proof.siblings.len();
    if depth > MAX_PROOF_DEPTH {
        return Err(MerkleError::TooDeep(depth));
    }
    if depth < 64 && proof.index >> depth != 0 {
        return Err(MerkleError::IndexOutOfRange { index: proof.index, depth });
    }
    let mut node = leaf;
    for (level, sibling) in proof.siblings.iter().enumerate() {
        node = if (proof.index >> level) & 1 == 0 {
            parent(&node, sibling)
        } else {
            parent(sibling, &node)
        };
    }
    Ok(node)
}

/// Checks that `leaf` (already hashed) sits at `proof.index` under `expected`.
pub fn verify(leaf: B256, proof: &MerkleProof, expected: B256) -> Result<(), MerkleError> {
    let computed = compute_root(leaf, proof)?;
    if computed == expected {
        Ok(())
    } else {
        Err(MerkleError::RootMismatch { computed, expected })
    }
}

/// Checks that a block hash is leaf `height` of a history root.
pub fn verify_history(
    block_hash: B256,
    height: u64,
    proof: &MerkleProof,
    history_root: B256,
) -> Result<(), MerkleError> {
    if proof.siblings.len() != HISTORY_DEPTH {
        return Err(MerkleError::WrongDepth { got: proof.siblings.len(), expected: HISTORY_DEPTH });
    }
    if proof.index != height {
        return Err(MerkleError::IndexOutOfRange { index: proof.index, depth: HISTORY_DEPTH });
    }
    verify(leaf_hash(block_hash.as_slice()), proof, history_root)
}

/// The append-only history tree of block hashes (fixed depth [`HISTORY_DEPTH`], leaf index =
/// height, index 0 empty). Keeps only the frontier: O(depth) memory and work per block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryTree {
    /// Leaves appended so far, counting the empty slot 0.
    len: u64,
    /// `frontier[i]`: the left subtree at level i still waiting for its right sibling.
    frontier: [B256; HISTORY_DEPTH],
}

impl Default for HistoryTree {
    fn default() -> Self {
        Self::new()
    }
}

impl HistoryTree {
    /// A tree before the first block: only the empty slot 0.
    pub fn new() -> Self {
        Self { len: 1, frontier: [B256::ZERO; HISTORY_DEPTH] }
    }

    /// Restores a tree from its stored parts.
    pub fn from_parts(len: u64, frontier: [B256; HISTORY_DEPTH]) -> Self {
        Self { len, frontier }
    }

    /// Number of leaves including the empty slot 0, i.e. the next height to append.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Never empty: slot 0 always exists.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The stored frontier.
    pub fn frontier(&self) -> &[B256; HISTORY_DEPTH] {
        &self.frontier
    }

    /// Appends the hash of block `self.len()`.
    pub fn push(&mut self, block_hash: B256) {
        let mut node = leaf_hash(block_hash.as_slice());
        let mut size = self.len;
        for level in 0..HISTORY_DEPTH {
            if size & 1 == 0 {
                self.frontier[level] = node;
                break;
            }
            node = parent(&self.frontier[level], &node);
            size >>= 1;
        }
        self.len += 1;
    }

    /// The root over every leaf appended so far.
    pub fn root(&self) -> B256 {
        let mut node = B256::ZERO;
        let mut size = self.len;
        for level in 0..HISTORY_DEPTH {
            node = if size & 1 == 1 {
                parent(&self.frontier[level], &node)
            } else {
                parent(&node, &B256::ZERO)
            };
            size >>= 1;
        }
        node
    }
}

/// History root over `block_hashes[h - 1]` for heights `1..=n`, and the proof for `height`.
pub fn prove_history(block_hashes: &[B256], height: u64) -> Option<MerkleProof> {
    let mut leaves = Vec::with_capacity(block_hashes.len() + 1);
    leaves.push(B256::ZERO);
    leaves.extend(block_hashes.iter().map(|h| leaf_hash(h.as_slice())));
    prove(&leaves, usize::try_from(height).ok()?, Some(HISTORY_DEPTH))
}

/// Root of a block body's tx tree.
pub fn tx_root(block: &Block) -> B256 {
    let leaves: Vec<B256> = block.transactions.iter().map(|t| leaf_hash(&t.leaf_bytes())).collect();
    root(&leaves)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<B256> {
        (0..n).map(|i| leaf_hash(&(i as u64).to_be_bytes())).collect()
    }

    #[test]
    fn every_leaf_proves_at_its_index_only() {
        for n in [1usize, 2, 3, 5, 8, 13] {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let p = prove(&l, i, None).unwrap();
                assert_eq!(verify(l[i], &p, r), Ok(()), "n={n} i={i}");
                let mut moved = p.clone();
                moved.index ^= 1;
                if n > 1 {
                    assert!(verify(l[i], &moved, r).is_err(), "n={n} i={i}");
                }
            }
        }
    }

    #[test]
    fn index_beyond_depth_is_refused() {
        let l = leaves(4);
        let mut p = prove(&l, 1, None).unwrap();
        p.index += 4; // same low bits: without the check this would verify
        assert_eq!(
            verify(l[1], &p, root(&l)),
            Err(MerkleError::IndexOutOfRange { index: 5, depth: 2 })
        );
    }

    #[test]
    fn padded_proof_reaches_padded_root() {
        let l = leaves(5);
        let p = prove(&l, 4, Some(10)).unwrap();
        let mut padded = root(&l);
        for _ in depth_for(5)..10 {
            padded = parent(&padded, &B256::ZERO);
        }
        assert_eq!(verify(l[4], &p, padded), Ok(()));
    }

    #[test]
    fn incremental_history_matches_full_tree() {
        let hashes: Vec<B256> = (1..=37u64).map(|h| keccak256(h.to_be_bytes())).collect();
        let mut tree = HistoryTree::new();
        for (i, h) in hashes.iter().enumerate() {
            tree.push(*h);
            let mut full = vec![B256::ZERO];
            full.extend(hashes[..=i].iter().map(|h| leaf_hash(h.as_slice())));
            let mut r = root(&full);
            for _ in depth_for(full.len())..HISTORY_DEPTH {
                r = parent(&r, &B256::ZERO);
            }
            assert_eq!(tree.root(), r, "after {} blocks", i + 1);
        }
        for height in 1..=37u64 {
            let p = prove_history(&hashes, height).unwrap();
            let bh = hashes[height as usize - 1];
            assert_eq!(verify_history(bh, height, &p, tree.root()), Ok(()));
            assert!(verify_history(bh, height + 1, &p, tree.root()).is_err());
        }
    }

    #[test]
    fn leaf_and_node_domains_differ() {
        let (a, b) = (B256::repeat_byte(1), B256::repeat_byte(2));
        let mut concat = [0u8; 64];
        concat[..32].copy_from_slice(a.as_slice());
        concat[32..].copy_from_slice(b.as_slice());
        assert_ne!(leaf_hash(&concat), parent(&a, &b));
    }
}
