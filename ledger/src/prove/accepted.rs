//! The proof of an exit started under a child checkpoint the chain never accepted
//! ([`crate::fraud::verify_unaccepted_anchor`]).

use super::{ProofContext, ProofError};
use crate::acceptance::acceptance_height;
use crate::fraud::accepted::anchored;
use crate::fraud::verify_unaccepted_anchor;
use crate::types::{FraudKind as SolFraudKind, FraudProof, IncludedTx, UnacceptedAnchorEvidence};

/// The proof that transaction `index` of block `height`, a `StartChildExit`, a
/// `ChallengeChildDepositExit` or an anchored `ProveChildFraud`, shows no acceptance of its anchor:
/// the start, and this chain's block at the height its acceptance names, proven in the anchor's
/// history (none when it names no earlier block).
pub(super) fn unaccepted_anchor_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let inclusion = cx.inclusion(height, index)?;
    let (_, _, acceptance) = anchored(&inclusion.signedTx.transaction)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?;
    let mut ev = UnacceptedAnchorEvidence {
        start: IncludedTx { height, txIndex: index, inclusion },
        ..Default::default()
    };
    if let Some(named) = acceptance_height(&acceptance, height) {
        ev.blockHash = cx.block(named)?.header.hash();
        ev.historyProof = cx.history_proof(named)?;
    }
    verify_unaccepted_anchor(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnacceptedAnchor, &ev))
}
