//! A cancellation of a child's exit whose anchor stands.
//!
//! A plasma parent cancels an exit of a child's output, returning its bond alone, when a fraud
//! proof it heard against the child voided the exit's anchor: the output may then start again,
//! due later, behind every exit started meanwhile. So a quorum that cancels an exit whose
//! anchor stands delays its owner at will, and one that does so at each turn keeps her from
//! her funds. A cancellation names where the parent heard the latest fraud proof against the
//! child (its link, `escrowHeight`/`escrowIndex`), which the parent refuses otherwise
//! (`TxError::CancellationLink`, and `TxError::StandingExitCancelled` for an exit that proof
//! leaves standing): each proof the parent hears against a frozen child shows a lower height
//! than the one before it (it never raises the rollback), and an anchored one is shown under
//! the lowest checkpoint the parent accepted at or above the block it convicts
//! (`no_checkpoint_from`, or its rollback lifted to just above the highest one below the
//! anchor, `above_checkpoints`), so an anchor at or above the rollback is at or above the height the
//! latest proof is shown under. A cancellation is then proven wrong from the
//! parent's history alone, by what its link names ([`super::Shows`], [`super::link`]):
//! - the transaction there is no `ProveChildFraud` against the same child, or one shown above
//!   the anchor of the `StartChildExit` the cancellation names;
//! - nothing is there (or the place is not below the cancellation, or at height 0: no fraud
//!   proof against the child was heard);
//! - a `ProveChildFraud` against the same child stands between the two.
//!
//! An exit from the deposit record stands on no checkpoint and is never cancelled
//! ([`super::verify_overdrawn_payout`] proves a cancellation of one by its start).

use super::accepted::{anchored, named_start, shown_height};
use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::types::{
    decode, BlockHeader, CancellationEvidence, ExitPayoutClaim, SignedTransaction, Transaction,
    TxRef, EXIT_PAYOUT_CLAIM_BYTES,
};

/// Unfounded cancellation: an included cancellation of a child's exit whose anchor the fraud
/// proof its link names did not void (the module's doc). Refused when what is shown does not
/// prove it, or the start shown, read when the link names a fraud proof against the child, is
/// not the `StartChildExit` of that child the cancellation names.
pub fn verify_unfounded_cancellation(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &CancellationEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.link.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let claim = decode::<ExitPayoutClaim>("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
        .ok()
        .filter(|claim| tx.tx_kind() == Some(Kind::ExitPayout) && claim.cancels)
        .ok_or(FraudError::WrongKind(tx.kind))?;
    let child = claim.childChainId;
    let at = TxRef { height: c.height, index: c.txIndex };
    let named = TxRef { height: claim.escrowHeight, index: claim.escrowIndex };
    let refuses = |linked: &SignedTransaction| {
        let Some(frozen_from) = shown_against(&linked.transaction, child)? else {
            return Ok(true);
        };
        let start = named_start(chain_id, anchor, &claim, &e.start)?;
        let (_, standing, _) = anchored(start)?;
        Ok(frozen_from > standing.height)
    };
    let names = |between: &Transaction| Ok(shown_against(between, child)?.is_some());
    link::judge(chain_id, anchor, (named, at), &e.link, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedCancellation, c.height))
}

/// The height `tx` is shown under when it is a fraud proof against `child` (its anchor's, or
/// its equivocation's); `None` for any other transaction.
fn shown_against(tx: &Transaction, child: u64) -> Result<Option<u64>, FraudError> {
    if tx.tx_kind() != Some(Kind::ProveChildFraud) {
        return Ok(None);
    }
    let (of, height) = shown_height(tx)?;
    Ok((of == child).then_some(height))
}
