//! The proof of a payout of a child's exit before it is due or otherwise than its claim, the
//! escrow and its bond owe it (its bond alone, for a cancellation), or of a cancellation of an
//! exit from the deposit record ([`crate::fraud::verify_overdrawn_payout`]).

use super::{ProofContext, ProofError};
use crate::fraud::verify_overdrawn_payout;
use crate::kind::Kind;
use crate::types::{
    decode, ChildDepositExit, ExitPayoutClaim, FraudKind as SolFraudKind, FraudProof, IncludedTx,
    PayoutEvidence, TxRef, CHILD_DEPOSIT_EXIT_BYTES, EXIT_PAYOUT_CLAIM_BYTES,
};

/// The proof that transaction `index` of block `height`, a payout, pays the exit the start it
/// names queues before it is due or otherwise than it is owed, or cancels an exit from the
/// deposit record: its [`payout_evidence`].
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
/// the start it names, the child's registration, and for an exit from the deposit record, the
/// lock at its nonce's place.
pub(crate) fn payout_evidence(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<PayoutEvidence, ProofError> {
    let payout = cx.included(height, index)?;
    let tx = &payout.inclusion.signedTx.transaction;
    let claim: ExitPayoutClaim = decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
        .map_err(|_| ProofError::Unsupported(format!("kind {} is no payout", tx.kind)))?;
    let start = cx.included(claim.startHeight, claim.startIndex)?;
    let started = &start.inclusion.signedTx.transaction;
    // Read for an exit from the record, unless the payout cancels it (convicted as such).
    let record_exit = (started.tx_kind() == Some(Kind::StartChildDepositExit) && !claim.cancels)
        .then(|| {
            decode::<ChildDepositExit>("ChildDepositExit", &started.data, CHILD_DEPOSIT_EXIT_BYTES)
        })
        .and_then(Result::ok);
    let lock = match record_exit {
        Some(exit) => {
            let place = TxRef::of_deposit(exit.nonce);
            cx.included(place.height, place.index)?
        }
        None => IncludedTx::default(),
    };
    Ok(PayoutEvidence { payout, start, registration: cx.registration(claim.childChainId)?, lock })
}
