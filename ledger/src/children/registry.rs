//! Registration and checkpoints: the root contract's `registerChain` and `submitCheckpoint`,
//! judged natively.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::record::{record_of, ChildRecord};
use crate::certificate::ValidatorSet;
use crate::merkle;
use crate::registration::{child_chain_id, MAX_CHECKPOINT_GAP};
use crate::signing::SigningDomain;
use crate::state::TxRef;
use crate::types::{decode, ChildRegistration, LinkedCheckpoint, MAX_CLOCK_DRIFT_S, MAX_TX_BYTES};
use crate::view::LedgerView;

/// The highest height a parent checkpoints: the history tree's last leaf. A block above it is
/// in no history a checkpoint can prove (and the ledger refuses it: `BlockError::HistoryFull`),
/// so its outputs cannot exit, unless it were a checkpoint itself. At 500 ms blocks it is 68
/// years away. The root contract enforces the same number (`RootStorage.MAX_CHECKPOINT_HEIGHT`).
pub const MAX_CHECKPOINT_HEIGHT: u64 = (1 << merkle::HISTORY_DEPTH) - 1;

pub use crate::signing::child_domain;

/// The registry entry of `chain`, if it is a registered child that no fraud proof froze: what
/// every deposit, stake, bond and fraud proof needs first.
pub fn live_child(view: &impl LedgerView, chain: u64) -> Result<ChildRecord, ChildError> {
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    if record.frozen() {
        return Err(ChildError::Frozen(chain));
    }
    Ok(record)
}

/// Judges a `RegisterChild` payload on the chain of `domain`.
pub(super) fn validate_registration(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
) -> Result<ChildEffect, ChildError> {
    let reg: ChildRegistration = decode("ChildRegistration", payload, MAX_TX_BYTES)?;
    let chain = child_chain_id(domain.chain_id, &reg);
    if view.child(chain).is_some() {
        return Err(ChildError::AlreadyRegistered(chain));
    }
    // A registration refused on its own is malformed (`crate::registration`).
    Ok(ChildEffect::Registered { chain, record: record_of(&reg) })
}

/// Judges a `ChildCheckpoint` payload: linked to the child's latest accepted checkpoint (or
/// its registration), newer than it by at most [`MAX_CHECKPOINT_GAP`], naming the active set,
/// certified by more than two thirds of its power in the child's vote domain (under `domain`'s).
/// Its history is not checked against earlier checkpoints (the parent holds none): one that
/// disagrees with them is proven as conflicting
/// checkpoints ([`crate::fraud::verify_conflicting_checkpoints`]), and one whose history
/// contradicts itself above them as broken history ([`crate::fraud::verify_broken_history`]).
pub(super) fn validate_checkpoint(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
) -> Result<ChildEffect, ChildError> {
    let linked: LinkedCheckpoint = decode("LinkedCheckpoint", payload, MAX_TX_BYTES)?;
    let checkpoint = &linked.checkpoint;
    let header = &checkpoint.header;
    let chain = header.chainId;
    let link = TxRef { height: linked.previousHeight, index: linked.previousIndex };
    // A child never registered has nothing a checkpoint could follow (0:0, which no block
    // holds): what the link names shows it.
    let Some(record) = view.child(chain) else {
        return Err(ChildError::NotFollowing { chain, expected: TxRef::default(), got: link });
    };
    if record.frozen() {
        return Err(ChildError::Frozen(chain));
    }
    if header.height <= record.last_height {
        return Err(ChildError::NotNewer {
            chain,
            height: header.height,
            last: record.last_height,
        });
    }
    let limit = record.last_height.saturating_add(MAX_CHECKPOINT_GAP);
    if header.height > limit {
        return Err(ChildError::TooFarAhead { chain, height: header.height, limit });
    }
    // A height past MAX_CHECKPOINT_HEIGHT is malformed (`crate::form::check_form`).
    let now = view.time().ok_or(ChildError::NoBlockTime)?;
    if header.timestamp > now.saturating_add(MAX_CLOCK_DRIFT_S) {
        return Err(ChildError::AheadOfClock { chain, time: header.timestamp, now });
    }
    if link != record.last_ref {
        return Err(ChildError::NotFollowing { chain, expected: record.last_ref, got: link });
    }
    let (expected, named) = (record.set_hash(), header.validatorSetHash);
    if named != expected {
        // The active set is one of the two the latest checkpoint named: which one is the
        // parent's bookkeeping; a set it named neither is shown by the checkpoint it follows.
        if named == record.last_named_set || named == record.last_next_set {
            return Err(ChildError::InactiveSet { chain, named });
        }
        return Err(ChildError::WrongSet { expected, got: named });
    }
    let set = ValidatorSet::new(record.validators().to_vec()).map_err(ChildError::Set)?;
    let votes = domain.votes().child(chain);
    set.verify_checkpoint(&votes, checkpoint).map_err(ChildError::Certificate)?;
    Ok(ChildEffect::Checkpointed {
        chain,
        height: header.height,
        hash: header.hash(),
        next_set: header.nextValidatorSetHash,
    })
}
