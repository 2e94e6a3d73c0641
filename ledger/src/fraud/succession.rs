//! A child checkpoint that cannot follow what its link names.
//!
//! Each `ChildCheckpoint` names where the parent accepted what it follows
//! (`LinkedCheckpoint`): the child's latest accepted checkpoint, or its registration before
//! any. The parent refuses any other link, and a checkpoint not newer than what it follows,
//! more than [`MAX_CHECKPOINT_GAP`] past it, or naming a set other than the two it leaves room
//! for: the set it named and the next it named (the registered set, after the registration);
//! the active set is always one of them ([`crate::children::ChildRecord`]). So a quorum that
//! has the parent accept a checkpoint naming a set of its own, to exit the child's escrow
//! under it, is proven from the parent's history alone, by what the link names
//! ([`super::Shows`], [`super::link`]).

use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::registration::{child_chain_id, MAX_CHECKPOINT_GAP};
use crate::types::{
    decode, BlockHeader, ChildRegistration, LinkEvidence, LinkedCheckpoint, SignedTransaction,
    Transaction, TxRef, Validator, MAX_TX_BYTES,
};
use alloy_primitives::B256;

/// What a checkpoint may follow: the height it must be newer than and the sets it may name.
pub(crate) struct Predecessor {
    height: u64,
    sets: [B256; 2],
}

/// The child of `tx`, when it is a registration or a checkpoint of one, and what a checkpoint
/// following it may name (`None` for another kind). A payload that does not decode is no
/// evidence (the contract's decoding reverts): its block is proven malformed instead.
pub(crate) fn predecessor(
    chain_id: u64,
    tx: &Transaction,
) -> Result<Option<(u64, Predecessor)>, FraudError> {
    let undecodable = |_| FraudError::WrongKind(tx.kind);
    Ok(match tx.tx_kind() {
        Some(Kind::RegisterChild) => {
            let reg: ChildRegistration =
                decode("ChildRegistration", &tx.data, MAX_TX_BYTES).map_err(undecodable)?;
            let set = Validator::set_hash(&reg.validators);
            Some((child_chain_id(chain_id, &reg), Predecessor { height: 0, sets: [set; 2] }))
        }
        Some(Kind::ChildCheckpoint) => {
            let linked: LinkedCheckpoint =
                decode("LinkedCheckpoint", &tx.data, MAX_TX_BYTES).map_err(undecodable)?;
            let h = linked.checkpoint.header;
            let sets = [h.validatorSetHash, h.nextValidatorSetHash];
            Some((h.chainId, Predecessor { height: h.height, sets }))
        }
        _ => None,
    })
}

/// Checkpoint succession: an included `ChildCheckpoint` that cannot follow what its link names
/// (the module's doc).
pub fn verify_checkpoint_succession(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    if tx.tx_kind() != Some(Kind::ChildCheckpoint) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let linked: LinkedCheckpoint = decode("LinkedCheckpoint", &tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    let header = &linked.checkpoint.header;
    let child = header.chainId;
    let link = TxRef { height: linked.previousHeight, index: linked.previousIndex };
    let at = TxRef { height: c.height, index: c.txIndex };
    let refuses = |linked: &SignedTransaction| {
        let linked = &linked.transaction;
        let Some((of, before)) = predecessor(chain_id, linked)? else { return Ok(true) };
        let newer = header.height > before.height;
        // Past 2^64 is no verdict, as the contract's checked sum reverts (such a height is
        // malformed long before: heights stop at 2^32 - 1).
        let limit = before.height.checked_add(MAX_CHECKPOINT_GAP);
        let close = header.height <= limit.ok_or(FraudError::WrongKind(linked.kind))?;
        let room = before.sets.contains(&header.validatorSetHash);
        Ok(of != child || !newer || !close || !room)
    };
    let names =
        |later: &Transaction| Ok(predecessor(chain_id, later)?.map(|(of, _)| of) == Some(child));
    link::judge(chain_id, anchor, (link, at), e, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::CheckpointSuccession, c.height))
}
