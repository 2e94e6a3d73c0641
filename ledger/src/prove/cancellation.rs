//! The proof that a cancellation of a child's exit names no fraud proof that voided the exit
//! ([`crate::fraud::verify_unfounded_cancellation`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::accepted::shown_height;
use crate::fraud::{verify_unfounded_cancellation, Shows};
use crate::kind::Kind;
use crate::types::{
    decode, CancellationEvidence, ExitPayoutClaim, FraudKind as SolFraudKind, FraudProof,
    IncludedTx, LinkEvidence, Transaction, TxRef, EXIT_PAYOUT_CLAIM_BYTES,
};

/// The proof that transaction `index` of block `height`, a cancellation of a child's exit, is
/// not founded by the fraud proof its link names: it shows the latest fraud proof against the
/// child after the link, else the transaction at the link (with the start the cancellation
/// names, when that is a fraud proof against the child, shown above the start's anchor), else
/// that nothing is there.
pub(super) fn unfounded_cancellation_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let tx = &linking.inclusion.signedTx.transaction;
    let claim = decode::<ExitPayoutClaim>("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
        .ok()
        .filter(|c| tx.tx_kind() == Some(Kind::ExitPayout) && c.cancels)
        .ok_or_else(|| ProofError::Unsupported("no cancellation".into()))?;
    let child = claim.childChainId;
    let against = |tx: &Transaction| {
        tx.tx_kind() == Some(Kind::ProveChildFraud)
            && shown_height(tx).is_ok_and(|(of, _)| of == child)
    };
    let named = TxRef { height: claim.escrowHeight, index: claim.escrowIndex };
    let (shows, shown) = link::shown(cx, named, TxRef { height, index }, against)?;
    let linked_proof = shows == Shows::Linked && against(&shown.inclusion.signedTx.transaction);
    let start = if linked_proof {
        cx.included(claim.startHeight, claim.startIndex)?
    } else {
        IncludedTx::default()
    };
    let ev =
        CancellationEvidence { link: LinkEvidence { linking, shows: shows as u8, shown }, start };
    verify_unfounded_cancellation(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnfoundedCancellation, &ev))
}
