//! The proof of an exit started under a child checkpoint the chain never accepted
//! ([`crate::fraud::verify_unaccepted_anchor`]), or under one a fraud proof it heard voided
//! ([`crate::fraud::verify_voided_anchor`]), and of an exit paid in full under one.

use super::{ProofContext, ProofError};
use crate::acceptance::acceptance_height;
use crate::fraud::accepted::{anchored, shown_height};
use crate::fraud::{verify_unaccepted_anchor, verify_voided_anchor};
use crate::kind::Kind;
use crate::types::{
    decode, ExitPayoutClaim, FraudKind as SolFraudKind, FraudProof, IncludedTx, TxRef,
    UnacceptedAnchorEvidence, VoidedAnchorEvidence, EXIT_PAYOUT_CLAIM_BYTES,
};

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

/// The proof that transaction `index` of block `height`, a `StartChildExit`, a
/// `ChallengeChildDepositExit`, a `ProveChildFraud` or a payout in full of an exit (by the start
/// it names), stands on a checkpoint a fraud proof against its child voided: it (with that
/// start), and the smallest fraud proof against the child before it that is shown at or below
/// the height it stands on.
pub(super) fn voided_anchor_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let voided = cx.included(height, index)?;
    let unsupported = |e: crate::fraud::FraudError| ProofError::Unsupported(e.to_string());
    // A payout in full stands on the anchor of the start it names.
    let tx = &voided.inclusion.signedTx.transaction;
    let start =
        match decode::<ExitPayoutClaim>("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES) {
            Ok(claim) if tx.tx_kind() == Some(Kind::ExitPayout) => {
                cx.included(claim.startHeight, claim.startIndex)?
            }
            _ => IncludedTx::default(),
        };
    let standing = if tx.tx_kind() == Some(Kind::ExitPayout) { &start } else { &voided };
    let (child, standing_at) =
        shown_height(&standing.inclusion.signedTx.transaction).map_err(unsupported)?;
    let at = TxRef { height, index };
    let voids = |tx: &crate::types::Transaction| {
        tx.tx_kind() == Some(Kind::ProveChildFraud)
            && shown_height(tx).is_ok_and(|(c, shown)| c == child && shown <= standing_at)
    };
    let fraud = cx
        .blocks
        .iter()
        .take_while(|b| b.header.height <= height)
        .flat_map(|b| {
            let placed = b.transactions.iter().enumerate();
            placed.map(move |(i, stx)| (TxRef { height: b.header.height, index: i as u32 }, stx))
        })
        .filter(|(place, stx)| *place < at && voids(&stx.transaction))
        // The smallest that voids it (an equivocation, when there is one): a plasma parent
        // takes the proof inside a transaction of at most `MAX_TX_BYTES`.
        .min_by_key(|(_, stx)| stx.transaction.data.len())
        .map(|(place, _)| place)
        .ok_or_else(|| ProofError::Refuted("no fraud proof before it voids its anchor".into()))?;
    let fraud = cx.included(fraud.height, fraud.index)?;
    let ev = VoidedAnchorEvidence { fraud, voided, start };
    verify_voided_anchor(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::VoidedAnchor, &ev))
}
