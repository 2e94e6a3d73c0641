//! The proof of a payout of a child's exit of an output before it is due or of more than its
//! claim and bond (its bond alone, for a cancellation), or of a cancellation of an exit from the
//! deposit record ([`crate::fraud::verify_overdrawn_payout`]).

use super::{ProofContext, ProofError};
use crate::fraud::verify_overdrawn_payout;
use crate::types::EXIT_PAYOUT_CLAIM_BYTES;
use crate::types::{
    decode, ExitPayoutClaim, FraudKind as SolFraudKind, FraudProof, PayoutEvidence,
};

/// The proof that transaction `index` of block `height`, a payout, pays the exit the start it
/// names queues before it is due or more than it is owed, or cancels an exit from the deposit
/// record: its [`payout_evidence`].
pub(super) fn overdrawn_payout_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let ev = payout_evidence(cx, height, index)?;
    verify_overdrawn_payout(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::OverdrawnPayout, &ev))
}

/// What shows whether transaction `index` of block `height`, a payout, is owed: the payout,
/// the start it names and the child's registration.
pub(crate) fn payout_evidence(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<PayoutEvidence, ProofError> {
    let payout = cx.included(height, index)?;
    let tx = &payout.inclusion.signedTx.transaction;
    let claim: ExitPayoutClaim = decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
        .map_err(|_| ProofError::Unsupported(format!("kind {} is no payout", tx.kind)))?;
    Ok(PayoutEvidence {
        payout,
        start: cx.included(claim.startHeight, claim.startIndex)?,
        registration: cx.registration(claim.childChainId)?,
    })
}
