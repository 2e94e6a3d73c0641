//! Where a plasma parent accepted a child's checkpoint, as an exit under it shows.
//!
//! A parent pays an exit of a child's output from the child's escrow when the output is
//! proven under a checkpoint of the child it accepted. Whether it accepted one is its own
//! bookkeeping, which its parent cannot read. So an exit carries an [`Acceptance`]: the
//! parent's own `ChildCheckpoint` transaction of its anchor, proven in one of the parent's
//! earlier blocks. The parent checks it against its own chain; its parent checks it against
//! the parent's certified history. The rule below serves both, given the parent's block hash
//! at the acceptance's height as each knows it.

use crate::kind::Kind;
use crate::merkle::{self, leaf_hash};
use crate::types::{
    decode, Acceptance, BlockHeader, Checkpoint, LinkedCheckpoint, TxInclusion, MAX_TX_BYTES,
};
use alloy_primitives::B256;

/// Why an acceptance does not show an exit's anchor accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AcceptanceError {
    /// The acceptance's block is another chain's.
    #[error("the acceptance's block is of chain {got}, not this chain ({expected})")]
    OtherChain {
        /// This chain.
        expected: u64,
        /// The block's.
        got: u64,
    },
    /// The acceptance's block is not this chain's block at its height, or not below the
    /// block that judges it.
    #[error("the acceptance's block at height {height} is not one of this chain's earlier blocks")]
    NotThisChainsBlock {
        /// The block's height.
        height: u64,
    },
    /// The acceptance's transaction is not in its block.
    #[error("the accepting transaction is not at index {index} of its block")]
    NotIncluded {
        /// The index it claims.
        index: u64,
    },
    /// The accepting transaction is not a child checkpoint (or its payload does not decode as
    /// one).
    #[error("the accepting transaction (kind {0}) is not a child checkpoint")]
    NotACheckpoint(u8),
    /// The accepting transaction checkpoints another header than the exit's anchor.
    #[error("the accepting transaction checkpoints another header than the anchor")]
    OtherCheckpoint,
    /// The anchor is a block of another chain than the child the transaction names.
    #[error("the anchor is a block of chain {got}, not of the child {expected}")]
    OtherChild {
        /// The child the transaction names.
        expected: u64,
        /// The anchor's chain.
        got: u64,
    },
}

/// Checks that `acceptance` shows `anchor`, a block of `child`, accepted by chain `chain_id`
/// in a block whose hash is `block_hash` (the chain's block at the acceptance's height, `None`
/// when that height is not below the judging block or is 0). The acceptance's block must be
/// that block, hold the accepting transaction, and that transaction must be the
/// `ChildCheckpoint` of `anchor`. Returns the checkpoint as accepted: the certificate the
/// chain accepted it with names who certified it.
pub fn verify_acceptance(
    chain_id: u64,
    child: u64,
    anchor: &BlockHeader,
    acceptance: &Acceptance,
    block_hash: Option<B256>,
) -> Result<Checkpoint, AcceptanceError> {
    if anchor.chainId != child {
        return Err(AcceptanceError::OtherChild { expected: child, got: anchor.chainId });
    }
    let header = &acceptance.header;
    if header.chainId != chain_id {
        return Err(AcceptanceError::OtherChain { expected: chain_id, got: header.chainId });
    }
    if block_hash != Some(header.hash()) {
        return Err(AcceptanceError::NotThisChainsBlock { height: header.height });
    }
    let proof = &acceptance.txProof;
    let leaf = leaf_hash(&acceptance.checkpoint.leaf_bytes());
    merkle::verify(leaf, proof, header.txRoot)
        .map_err(|_| AcceptanceError::NotIncluded { index: proof.index })?;
    let tx = &acceptance.checkpoint.transaction;
    if tx.tx_kind() != Some(Kind::ChildCheckpoint) {
        return Err(AcceptanceError::NotACheckpoint(tx.kind));
    }
    let checkpoint = decode::<LinkedCheckpoint>("LinkedCheckpoint", &tx.data, MAX_TX_BYTES)
        .map_err(|_| AcceptanceError::NotACheckpoint(tx.kind))?
        .checkpoint;
    if checkpoint.header.hash() != anchor.hash() {
        return Err(AcceptanceError::OtherCheckpoint);
    }
    Ok(checkpoint)
}

/// The acceptance a transaction's inclusion in this chain's block shows (its history proof
/// is not part of it: the chain knows its own blocks).
pub fn acceptance_of(inclusion: TxInclusion) -> Acceptance {
    Acceptance {
        header: inclusion.header,
        txProof: inclusion.txProof,
        checkpoint: inclusion.signedTx,
    }
}

/// The height of the block an acceptance names, if it may be one below `judging` (the height
/// of the block that judges it): the height whose block hash [`verify_acceptance`] takes.
pub fn acceptance_height(acceptance: &Acceptance, judging: u64) -> Option<u64> {
    let height = acceptance.header.height;
    (height != 0 && height < judging).then_some(height)
}
