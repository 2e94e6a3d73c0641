//! An exit a plasma parent started, a deposit exit it let be challenged, or a fraud proof it heard
//! against a child, under a child checkpoint it never accepted.
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
    FraudKind as SolFraudKind, Transaction, UnacceptedAnchorEvidence, MAX_TX_BYTES,
};

/// Unaccepted anchor: an included `StartChildExit`, `ChallengeChildDepositExit` or anchored
/// `ProveChildFraud` whose acceptance fails [`verify_acceptance`] against the parent's block at its
/// height, `e.blockHash`, proven under `anchor` by `e.historyProof` (not read when the acceptance
/// names no earlier block).
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
    if verify_acceptance(chain_id, child, &child_anchor, &acceptance, block_hash).is_ok() {
        return Err(FraudError::Accepted);
    }
    Ok(FraudVerdict::at(FraudKind::UnacceptedAnchor, shown.height))
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
