//! An exit a plasma parent started, a deposit exit it let be challenged, or a fraud proof it heard
//! against a child, under a child checkpoint it never accepted, or under one a fraud proof it
//! heard before voided (or an exit it paid in full under one).
//!
//! A `StartChildExit`, a `ChallengeChildDepositExit` and an anchored `ProveChildFraud` show where
//! the parent accepted their anchor: the parent's own `ChildCheckpoint` transaction of it, in an
//! earlier block ([`crate::acceptance`]). The parent checks the block against its own chain; shown
//! the parent's block at that height under the certified anchor, anyone checks the same rule, so a
//! transaction the parent had to refuse for it is proven with nothing of the parent's state.

use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::acceptance::{acceptance_height, verify_acceptance};
use crate::exit::InclusionError;
use crate::kind::Kind;
use crate::merkle;
use crate::types::{
    decode, Acceptance, BlockHeader, ChildDepositExitChallenge, ChildExitStart, ChildFraudProof,
    ExitPayoutClaim, FraudKind as SolFraudKind, IncludedTx, Transaction, TxRef,
    UnacceptedAnchorEvidence, VoidedAnchorEvidence, EXIT_PAYOUT_CLAIM_BYTES, MAX_TX_BYTES,
};

/// Unaccepted anchor: an included `StartChildExit`, `ChallengeChildDepositExit` or anchored
/// `ProveChildFraud` whose acceptance fails [`verify_acceptance`] against the parent's block at its
/// height, `e.blockHash`, proven under `anchor` by `e.historyProof` (not read when the acceptance
/// names no earlier block); or such a fraud proof, accepted, whose anchor certificate's signers
/// are not those of the certificate its acceptance carries (the parent slashes those).
pub fn verify_unaccepted_anchor(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &UnacceptedAnchorEvidence,
) -> Result<FraudVerdict, FraudError> {
    let shown = &e.start;
    let tx = included(chain_id, anchor, &shown.inclusion, shown.height, shown.txIndex)?;
    let (child, child_anchor, acceptance) = anchored(tx)?;
    let block_hash = match acceptance_height(&acceptance, shown.height) {
        Some(height) => {
            merkle::verify_history(e.blockHash, height, &e.historyProof, anchor.historyRoot)
                .map_err(InclusionError::History)?;
            Some(e.blockHash)
        }
        None => None,
    };
    if let Ok(accepted) = verify_acceptance(chain_id, child, &child_anchor, &acceptance, block_hash)
    {
        // Accepted; a fraud proof still shows its anchor signed by whom the parent accepted it
        // from, or it would slash others (`ChildError::NotTheAcceptedSigners`).
        if !fraud_proof_of_other_signers(tx, &accepted.certificate.signerBitmap) {
            return Err(FraudError::Accepted);
        }
    }
    Ok(FraudVerdict::at(FraudKind::UnacceptedAnchor, shown.height))
}

/// Whether `tx` is a fraud proof whose anchor certificate's signers are not `accepted`, those
/// of the certificate the parent accepted its anchor with.
fn fraud_proof_of_other_signers(tx: &Transaction, accepted: &[u8]) -> bool {
    tx.tx_kind() == Some(Kind::ProveChildFraud)
        && decode::<ChildFraudProof>("ChildFraudProof", &tx.data, MAX_TX_BYTES)
            .is_ok_and(|c| c.proof.anchorCertificate.signerBitmap[..] != *accepted)
}

/// Voided anchor: an included `StartChildExit`, `ChallengeChildDepositExit`, `ProveChildFraud`
/// or payout in full of an exit a `StartChildExit` queued (`e.voided`, with the start it names,
/// `e.start`) standing at or above the height an earlier `ProveChildFraud` against the same
/// child (`e.fraud`) is shown under (its anchor's height, or its equivocation's). That proof,
/// heard, froze the child with its rollback at or below the block it convicts, itself at or
/// below the height it shows; it was shown under the lowest checkpoint the parent accepted at
/// or above that block (`no_checkpoint_from`; an invalid block's rollback is lifted to just
/// above the highest one below the anchor, `above_checkpoints`), so every checkpoint the parent accepted from the
/// rollback up is at or above that height: the later transaction stands on a voided one
/// (`ChildError::VoidAnchor`, or `NotBelowShown` for a fraud proof). A fraud proof the parent
/// refused stands in a block proven first by what refuses it.
pub fn verify_voided_anchor(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &VoidedAnchorEvidence,
) -> Result<FraudVerdict, FraudError> {
    let (f, v) = (&e.fraud, &e.voided);
    let fraud = included(chain_id, anchor, &f.inclusion, f.height, f.txIndex)?;
    let voided = included(chain_id, anchor, &v.inclusion, v.height, v.txIndex)?;
    if fraud.tx_kind() != Some(Kind::ProveChildFraud) {
        return Err(FraudError::WrongKind(fraud.kind));
    }
    let at = |height, index| TxRef { height, index };
    if at(f.height, f.txIndex) >= at(v.height, v.txIndex) {
        return Err(FraudError::NotBefore);
    }
    let (child, frozen_from) = shown_height(fraud)?;
    let (named, standing_at) = shown_height(paid_start(chain_id, anchor, voided, &e.start)?)?;
    if named != child {
        return Err(FraudError::NotTheChild { named, registered: child });
    }
    if standing_at < frozen_from {
        return Err(FraudError::BelowTheFraud);
    }
    Ok(FraudVerdict::at(FraudKind::VoidedAnchor, v.height))
}

/// What `tx` stands on: itself, or for a payout (not a cancellation) of a child's exit, the
/// `StartChildExit` it names (`start`), whose anchor the exit stands on (an exit from the deposit
/// record stands on none). A payout names the start that queued its exit
/// ([`super::verify_unfounded_settlement`] proves it): paying the exit in full, it stands on
/// that start's anchor.
fn paid_start<'a>(
    chain_id: u64,
    anchor: &BlockHeader,
    tx: &'a Transaction,
    start: &'a IncludedTx,
) -> Result<&'a Transaction, FraudError> {
    if tx.tx_kind() != Some(Kind::ExitPayout) {
        return Ok(tx);
    }
    let claim: ExitPayoutClaim = decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
        .ok()
        .filter(|c: &ExitPayoutClaim| !c.cancels)
        .ok_or(FraudError::WrongKind(tx.kind))?;
    named_start(chain_id, anchor, &claim, start)
}

/// The `StartChildExit` of the child a payout's `claim` names, shown at the place it names
/// (`start`).
pub(crate) fn named_start<'a>(
    chain_id: u64,
    anchor: &BlockHeader,
    claim: &ExitPayoutClaim,
    start: &'a IncludedTx,
) -> Result<&'a Transaction, FraudError> {
    if (start.height, start.txIndex) != (claim.startHeight, claim.startIndex) {
        return Err(FraudError::NotTheStart);
    }
    let started = included(chain_id, anchor, &start.inclusion, start.height, start.txIndex)?;
    let starts = started.tx_kind() == Some(Kind::StartChildExit)
        && anchored(started).is_ok_and(|(child, _, _)| child == claim.childChainId);
    starts.then_some(started).ok_or(FraudError::NotTheStart)
}

/// The child `tx` names and the height of the child's checkpoint it stands on: an exit start's
/// or deposit-exit challenge's anchor, a fraud proof's anchor or equivocation.
pub(crate) fn shown_height(tx: &Transaction) -> Result<(u64, u64), FraudError> {
    if tx.tx_kind() == Some(Kind::ProveChildFraud) {
        let wrong = || FraudError::WrongKind(tx.kind);
        let c: ChildFraudProof =
            decode("ChildFraudProof", &tx.data, MAX_TX_BYTES).map_err(|_| wrong())?;
        if let Some(e) = super::equivocation_evidence(&c.proof) {
            return Ok((c.childChainId, e.map_err(|_| wrong())?.a.height));
        }
    }
    let (child, anchor, _) = anchored(tx)?;
    Ok((child, anchor.height))
}

/// The child `tx` names, the child checkpoint it stands on and where it shows the parent
/// accepted it: an exit start's anchor, a deposit-exit challenge's, or the anchor of a fraud
/// proof against the child (an equivocation has none).
pub(crate) fn anchored(tx: &Transaction) -> Result<(u64, BlockHeader, Acceptance), FraudError> {
    let wrong = || FraudError::WrongKind(tx.kind);
    match tx.tx_kind() {
        Some(Kind::StartChildExit) => {
            let s: ChildExitStart =
                decode("ChildExitStart", &tx.data, MAX_TX_BYTES).map_err(|_| wrong())?;
            Ok((s.childChainId, s.anchor, s.acceptance))
        }
        Some(Kind::ChallengeChildDepositExit) => {
            let c: ChildDepositExitChallenge =
                decode("ChildDepositExitChallenge", &tx.data, MAX_TX_BYTES).map_err(|_| wrong())?;
            Ok((c.childChainId, c.anchor, c.acceptance))
        }
        Some(Kind::ProveChildFraud) => {
            let c: ChildFraudProof =
                decode("ChildFraudProof", &tx.data, MAX_TX_BYTES).map_err(|_| wrong())?;
            if c.proof.kind == SolFraudKind::Equivocation as u8 {
                return Err(wrong());
            }
            Ok((c.childChainId, c.proof.anchor, c.acceptance))
        }
        _ => Err(wrong()),
    }
}
