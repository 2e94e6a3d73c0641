//! The proof of a child checkpoint that cannot follow what its link names
//! ([`crate::fraud::verify_checkpoint_succession`]).

use super::{ProofContext, ProofError};
use crate::fraud::succession::predecessor;
use crate::fraud::{verify_checkpoint_succession, Shows};
use crate::types::{
    decode, CheckpointSuccessionEvidence, FraudKind as SolFraudKind, FraudProof, IncludedTx,
    LinkedCheckpoint, TxInclusion, TxRef, MAX_TX_BYTES,
};

/// The proof that transaction `index` of block `height`, a `ChildCheckpoint`, cannot follow
/// what its link names. It shows the child's latest registration or checkpoint before it when
/// that is after the link; else the transaction at the link; else that nothing is there.
pub(super) fn checkpoint_succession_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let checkpoint = cx.included(height, index)?;
    let tx = &checkpoint.inclusion.signedTx.transaction;
    let linked: LinkedCheckpoint = decode("LinkedCheckpoint", &tx.data, MAX_TX_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?;
    let child = linked.checkpoint.header.chainId;
    let link = TxRef { height: linked.previousHeight, index: linked.previousIndex };
    let at = TxRef { height, index };
    let mut ev = CheckpointSuccessionEvidence {
        checkpoint,
        shows: Shows::Nothing as u8,
        ..Default::default()
    };
    if link < at && link.height != 0 {
        let latest = latest_before(cx, child, at);
        if let Some(later) = latest.filter(|l| *l > link) {
            ev.shows = Shows::Later as u8;
            ev.shown = cx.included(later.height, later.index)?;
        } else if holds(cx, link)? {
            ev.shows = Shows::Linked as u8;
            ev.shown = cx.included(link.height, link.index)?;
        } else {
            ev.shown = nothing_at(cx, link)?;
        }
    }
    verify_checkpoint_succession(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::CheckpointSuccession, &ev))
}

/// Where the latest registration or checkpoint of `child` before `at` is.
fn latest_before(cx: &ProofContext<'_>, child: u64, at: TxRef) -> Option<TxRef> {
    let chain_id = cx.domain.chain_id;
    cx.blocks
        .iter()
        .take_while(|b| b.header.height <= at.height)
        .flat_map(|b| {
            let height = b.header.height;
            let placed = b.transactions.iter().enumerate();
            placed.map(move |(i, stx)| (TxRef { height, index: i as u32 }, stx))
        })
        .filter(|(place, stx)| {
            *place < at
                && predecessor(chain_id, &stx.transaction)
                    .is_ok_and(|p| p.is_some_and(|(of, _)| of == child))
        })
        .map(|(place, _)| place)
        .last()
}

/// Whether the chain holds a transaction at `place`.
fn holds(cx: &ProofContext<'_>, place: TxRef) -> Result<bool, ProofError> {
    Ok((place.index as usize) < cx.block(place.height)?.transactions.len())
}

/// What shows nothing at `place`: its block's last transaction, below it, or for an empty
/// block, the block's header proven in the anchor's history.
fn nothing_at(cx: &ProofContext<'_>, place: TxRef) -> Result<IncludedTx, ProofError> {
    let block = cx.block(place.height)?;
    match block.transactions.len().checked_sub(1) {
        Some(last) => cx.included(place.height, last as u32),
        None => {
            let inclusion = TxInclusion {
                header: block.header.clone(),
                historyProof: cx.history_proof(place.height)?,
                ..Default::default()
            };
            Ok(IncludedTx { height: place.height, inclusion, ..Default::default() })
        }
    }
}
