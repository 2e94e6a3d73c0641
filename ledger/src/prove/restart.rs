//! The proof of a start of a child's exit queued or settled already
//! ([`crate::fraud::verify_repeated_exit`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::settlement::{started, touched};
use crate::fraud::verify_repeated_exit;
use crate::types::{FraudKind as SolFraudKind, FraudProof, LinkEvidence, TxRef};

/// The proof that transaction `index` of block `height`, a start of a child's exit, starts an
/// exit queued or settled already. It shows the exit's latest start, challenge or payout before
/// it when that is after the cancellation the start names (anywhere, when it names none); else
/// the transaction at that link; else that nothing is there.
pub(super) fn repeated_exit_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let tx = &linking.inclusion.signedTx.transaction;
    let start = started(tx)
        .ok()
        .flatten()
        .ok_or_else(|| ProofError::Unsupported(format!("kind {} starts no exit", tx.kind)))?;
    let exit = (start.child, start.exit_id);
    let of_exit = |t: &_| touched(t).is_ok_and(|e| e == Some(exit));
    let at = TxRef { height, index };
    let (shows, shown) = if start.cancelled == TxRef::default() {
        link::shown_after_none(cx, at, of_exit)?
    } else {
        link::shown(cx, start.cancelled, at, of_exit)?
    };
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_repeated_exit(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::RepeatedExit, &ev))
}
