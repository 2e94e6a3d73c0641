//! The proof of a challenge or payout of a child's exit that the exit its link names does not found
//! ([`crate::fraud::verify_unfounded_settlement`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::settlement::{touched, Settling};
use crate::fraud::verify_unfounded_settlement;
use crate::types::{FraudKind as SolFraudKind, FraudProof, LinkEvidence, TxRef};

/// The proof that transaction `index` of block `height`, a challenge or payout of a child's
/// exit, is not founded by the start it names. It shows the exit's latest start, challenge or
/// payout before it when that is after the link; else the transaction at the link; else that
/// nothing is there.
pub(super) fn unfounded_settlement_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let tx = &linking.inclusion.signedTx.transaction;
    let settling = Settling::of(tx)
        .ok()
        .flatten()
        .ok_or_else(|| ProofError::Unsupported(format!("kind {} settles no exit", tx.kind)))?;
    let exit = settling.exit();
    let of_exit = |t: &_| touched(t).is_ok_and(|e| e == Some(exit));
    let (shows, shown) = link::shown(cx, settling.start(), TxRef { height, index }, of_exit)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_unfounded_settlement(cx.domain, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnfoundedSettlement, &ev))
}
