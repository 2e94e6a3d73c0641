//! The kinds judged on headers and histories rather than on transactions: two checkpoints
//! that disagree, a history that contradicts itself, a history that contradicts a certified
//! block, a header that breaks the validator schedule; and the rule every anchored proof
//! obeys, that no checkpoint of the parent lies between the block it voids and its anchor.

use super::{FraudError, FraudKind, FraudVerdict, InclusionError};
use crate::exit::verify_block_in_history;
use crate::types::{
    BlockHeader, BrokenHistoryEvidence, BrokenScheduleEvidence, ConflictingCheckpointsEvidence,
    HistoryEquivocationEvidence, Validator,
};
use alloy_primitives::B256;

/// Conflicting checkpoints: `e.earlier` is the parent's checkpoint at height h, and the
/// anchor, a later checkpoint, proves through its history root that its own block at a height
/// j <= h is `e.shown`, while `e.earlier` proves through its own history root (`e.oursProof`)
/// that its block at j is `e.ours` (`e.earlier` itself when j == h), another block. The two
/// histories cannot both be the chain's: checkpoints up to h stand, and the later fork is void
/// from h + 1 on (its certificate's signers are the culprits, as for every anchored kind).
/// `accepted` is the parent's own lookup of the hash of its checkpoint at a height (`None` if
/// it accepted none there).
///
/// Blocks below h are compared too, each under its own checkpoint's history: a history root
/// is a Merkle root over whatever leaves its signers chose, so an anchor may hold the real
/// checkpoint at h and fabricated blocks below it.
pub fn verify_conflicting_checkpoints(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &ConflictingCheckpointsEvidence,
    accepted: impl FnOnce(u64) -> Option<B256>,
) -> Result<FraudVerdict, FraudError> {
    let h = e.earlier.height;
    if h >= anchor.height {
        return Err(FraudError::NotEarlier { earlier: h, anchor: anchor.height });
    }
    let j = e.ours.height;
    verify_block_in_history(chain_id, &e.earlier, &e.ours, &e.oursProof, j)?;
    verify_block_in_history(chain_id, anchor, &e.shown, &e.historyProof, j)?;
    if e.shown.hash() == e.ours.hash() {
        return Err(FraudError::HistoriesAgree);
    }
    let earlier = e.earlier.hash();
    if accepted(h) != Some(earlier) {
        return Err(FraudError::UnknownCheckpoint(h));
    }
    Ok(FraudVerdict::at(FraudKind::ConflictingCheckpoints, h + 1))
}

/// Broken history: the anchor's history holds `e.broken` at height b and `e.witness` at
/// k < b, and `e.broken` names another block at k: its parent hash (k == b - 1, `e.other`
/// zero) or the leaf `e.other` that `e.underBroken` proves at k under its own history root.
/// An honest chain's headers agree with each other, so the anchor's signers certified a
/// fabricated history; the chain rolls back to k. Or `e.broken` names its parent `e.witness`
/// but breaks what a header owes its parent ([`crate::header::check_time`] and the deposit
/// range [`crate::block::apply_block`] checks): a time before the parent's, deposits that do
/// not start where the parent's ended, or a range that ends before it starts; the chain rolls
/// back to b. The first block's witness is the empty slot at height 0, which holds no block
/// (only its height is read, and no `other` stands there): the first block names no parent
/// (hash zero) and its deposits start at 0; a first block breaking that rolls the chain back
/// to its own height, 1. A contradiction at k, where the parent holds `e.witness` as its own
/// checkpoint, convicts `e.broken` instead (rollback to b): [`super::judge`] asks, and lifts
/// the rollback to just above the highest checkpoint the parent holds from there up to the
/// anchor's (`above_checkpoints`).
pub fn verify_broken_history(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &BrokenHistoryEvidence,
) -> Result<FraudVerdict, FraudError> {
    let (b, k) = (e.broken.height, e.witness.height);
    if k >= b {
        return Err(FraudError::NotBelow { witness: k, broken: b });
    }
    verify_block_in_history(chain_id, anchor, &e.broken, &e.brokenProof, b)?;
    if k == 0 {
        return first_block(e).map(|()| FraudVerdict::at(FraudKind::BrokenHistory, b));
    }
    verify_block_in_history(chain_id, anchor, &e.witness, &e.witnessProof, k)?;
    let witness = e.witness.hash();
    let height = if e.other == B256::ZERO {
        if k + 1 != b {
            return Err(FraudError::NotParent { witness: k, broken: b });
        }
        let h = &e.broken;
        if h.parentHash != witness {
            k
        } else if h.timestamp < e.witness.timestamp
            || h.depositNonceStart != e.witness.depositNonceEnd
            || h.depositNonceEnd < h.depositNonceStart
        {
            b
        } else {
            return Err(FraudError::HistoriesAgree);
        }
    } else {
        if e.other == witness {
            return Err(FraudError::HistoriesAgree);
        }
        crate::merkle::verify_history(e.other, k, &e.underBroken, e.broken.historyRoot)
            .map_err(InclusionError::History)?;
        k
    };
    Ok(FraudVerdict::at(FraudKind::BrokenHistory, height))
}

/// The first block, broken against the empty slot before it: it names a parent, or its
/// deposits do not start at 0 (from 0, they cannot end before they start).
fn first_block(e: &BrokenHistoryEvidence) -> Result<(), FraudError> {
    let (b, h) = (e.broken.height, &e.broken);
    if b != 1 {
        return Err(FraudError::NotParent { witness: 0, broken: b });
    }
    if e.other != B256::ZERO {
        return Err(FraudError::EmptySlot);
    }
    if h.parentHash != B256::ZERO || h.depositNonceStart != 0 {
        return Ok(());
    }
    Err(FraudError::HistoriesAgree)
}

/// History equivocation: the anchor's history holds `e.shown` at a height j below the anchor,
/// and `e.certified` certifies another block at j. Two quorums signed two blocks for one
/// height, one directly and one through a history root; the chain rolls back to j, and nobody
/// is slashed (a fork: [`super::forks`]). Whether `e.certified` is a certificate of the
/// configuration that certified j is the parent's to check, as for the anchor's certificate. `accepted` is the parent's own lookup of its
/// checkpoint at a height: one from j up to the anchor's refuses the proof (that checkpoint's
/// own history convicts one of the two without voiding it: conflicting checkpoints, or this
/// kind under it).
pub fn verify_history_equivocation(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &HistoryEquivocationEvidence,
) -> Result<FraudVerdict, FraudError> {
    let j = e.certified.height;
    if j >= anchor.height {
        return Err(FraudError::NotEarlier { earlier: j, anchor: anchor.height });
    }
    verify_block_in_history(chain_id, anchor, &e.shown, &e.historyProof, j)?;
    if e.shown.hash() == e.certified.blockHash {
        return Err(FraudError::HistoriesAgree);
    }
    Ok(FraudVerdict::at(FraudKind::HistoryEquivocation, j))
}

/// Broken schedule: `e.header`, at height j in the anchor's history, breaks the validator
/// schedule ([`crate::header::check_validator_sets`], [`crate::header::check_proposer`])
/// against `e.set`, which must be `scheduled`: the parent's configuration at j (its hash),
/// whose epochs are `epoch` blocks long (judged in that order, as the root does). The chain
/// rolls back to j.
pub fn verify_broken_schedule(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &BrokenScheduleEvidence,
    (scheduled, epoch): (B256, u64),
) -> Result<FraudVerdict, FraudError> {
    let j = e.header.height;
    verify_block_in_history(chain_id, anchor, &e.header, &e.historyProof, j)?;
    let shown = Validator::set_hash(&e.set);
    let sets = crate::header::check_validator_sets(&e.header, shown, epoch);
    if sets.is_ok() && crate::header::check_proposer(&e.header, &e.set).is_ok() {
        return Err(FraudError::ScheduleKept);
    }
    if shown != scheduled {
        return Err(FraudError::NotTheSchedule(j));
    }
    Ok(FraudVerdict::at(FraudKind::BrokenSchedule, j))
}

/// Refuses a rollback to `height` when the parent holds a checkpoint from there up to the
/// anchor's height: a fork (conflicting checkpoints, a history equivocation) is shown under the
/// lowest checkpoint at or above the block it voids. That checkpoint's own history holds the
/// block (and the proof is made under it) or holds another (and the two checkpoints conflict:
/// proven from just above it). A fork proven under its own anchor would void the honest
/// checkpoint below it and every exit under it. An invalid block is lifted instead
/// ([`above_checkpoints`]).
pub(super) fn no_checkpoint_from(
    height: u64,
    anchor: &BlockHeader,
    mut accepted: impl FnMut(u64) -> Option<B256>,
) -> Result<(), FraudError> {
    match (height..anchor.height).find(|&h| accepted(h).is_some()) {
        Some(h) => Err(FraudError::CheckpointBelow(h)),
        None => Ok(()),
    }
}

/// The rollback a proof of an invalid block at `height`, shown under `anchor`, sets: `height`,
/// or just above the highest checkpoint the parent holds from there up to the anchor's height.
/// Every block of the anchor's history above that checkpoint stands on the invalid one, or the
/// anchor's history is no chain at all: either way the anchor is void and its signers signed
/// what no honest validator signs. The checkpoint itself stands (an honest one, with its exits,
/// is not voided by a fork's fault below it); if its own history holds the invalid block, the
/// proof made under it lowers the rollback further. So the rollback's height is always the
/// lowest checkpoint at or above it, as a proof under a lowest checkpoint sets it.
pub(super) fn above_checkpoints(
    height: u64,
    anchor: &BlockHeader,
    mut accepted: impl FnMut(u64) -> Option<B256>,
) -> u64 {
    (height..anchor.height).rev().find(|&h| accepted(h).is_some()).map_or(height, |h| h + 1)
}
