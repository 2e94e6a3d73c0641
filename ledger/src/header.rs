//! Header rules that sit beside block application: who may be named as the validator set and
//! the proposer, when the set may change, and how block time may move. [`crate::apply_block`]
//! checks a header against the chain head and its own body; the functions here check it
//! against the validator schedule and the clock. The node's proposal judge, the light client
//! of a parent and the fraud prover call the same functions, so the three never disagree.
//!
//! Each rule is a free function over plain data, so a caller brings what it knows (the
//! scheduled set, the parent's epoch length, its clock) and gets a typed verdict.

use crate::merkle::tx_root;
use crate::types::{Block, BlockHeader, Validator};
use alloy_primitives::{Address, B256};

pub use crate::types::MAX_CLOCK_DRIFT_S;

/// Why a header breaks a rule of the schedule or the clock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// The header names another set than the one scheduled for its height.
    #[error("header names validator set {got}, the schedule has {expected} at height {height}")]
    WrongSet {
        /// The header's height.
        height: u64,
        /// The scheduled set's hash.
        expected: B256,
        /// The hash the header names.
        got: B256,
    },
    /// The header adopts a new set at a height that is not an epoch end.
    #[error(
        "header adopts validator set {next} off an epoch end (height {height}, epoch {epoch})"
    )]
    AdoptionOffEpoch {
        /// The header's height.
        height: u64,
        /// The epoch length (0: the chain has none, so it never changes its set).
        epoch: u64,
        /// The set it names as the next.
        next: B256,
    },
    /// The proposer is not a member of the set that certifies the block.
    #[error("header names proposer {0}, not a validator")]
    ProposerNotMember(Address),
    /// The block's time is ahead of the judging validator's clock by more than the drift.
    #[error("block time {time} is ahead of this clock ({now})")]
    AheadOfClock {
        /// The header's time.
        time: u64,
        /// The judge's clock.
        now: u64,
    },
    /// The block's time is before its parent block's.
    #[error("block time {time} is before its parent's ({parent})")]
    BeforeParent {
        /// The header's time.
        time: u64,
        /// The parent block's time.
        parent: u64,
    },
}

/// How a block fails to extend the block before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not the next height.
    #[error("block height {got}, expected {expected}")]
    Height {
        /// The height after the parent's.
        expected: u64,
        /// The header's.
        got: u64,
    },
    /// It names another parent.
    #[error("block {height} does not extend {parent}")]
    Parent {
        /// Its height.
        height: u64,
        /// The hash it should name.
        parent: B256,
    },
    /// Its body is not the one its header commits to.
    #[error("block {0}'s transactions are not its header's")]
    Body(u64),
}

/// `block` is the next block after the one at `parent_height` with hash `parent`, and its
/// body is the one its header commits to: what a follower checks of every block it is
/// served, before the certificate.
pub fn check_link(block: &Block, parent_height: u64, parent: B256) -> Result<(), LinkError> {
    let h = &block.header;
    let expected = parent_height + 1;
    if h.height != expected {
        return Err(LinkError::Height { expected, got: h.height });
    }
    if h.parentHash != parent {
        return Err(LinkError::Parent { height: h.height, parent });
    }
    if tx_root(block) != h.txRoot {
        return Err(LinkError::Body(h.height));
    }
    Ok(())
}

/// What a header says of the set that certifies the blocks after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextSet {
    /// The same set goes on.
    Same,
    /// The set with this hash takes over after this block (an epoch end).
    Adopts(B256),
}

/// The header names the set scheduled for its height, and changes it only at an epoch end of
/// `epoch` blocks. Whether the adopted set is one the parent numbered is the caller's to
/// look up (it may not have read it yet).
pub fn check_validator_sets(
    header: &BlockHeader,
    scheduled: B256,
    epoch: u64,
) -> Result<NextSet, HeaderError> {
    check_named_set(header, scheduled)?;
    let height = header.height;
    let next = header.nextValidatorSetHash;
    if next == scheduled {
        return Ok(NextSet::Same);
    }
    if is_epoch_end(height, epoch) {
        Ok(NextSet::Adopts(next))
    } else {
        Err(HeaderError::AdoptionOffEpoch { height, epoch, next })
    }
}

/// The header names `scheduled`, the set known to certify its height. A light client, which
/// learns each adopted set from the parent, needs only this of [`check_validator_sets`].
pub fn check_named_set(header: &BlockHeader, scheduled: B256) -> Result<(), HeaderError> {
    if header.validatorSetHash == scheduled {
        Ok(())
    } else {
        let (height, got) = (header.height, header.validatorSetHash);
        Err(HeaderError::WrongSet { height, expected: scheduled, got })
    }
}

/// Whether `height` ends an epoch of `epoch` blocks (never, for an epoch of 0).
pub fn is_epoch_end(height: u64, epoch: u64) -> bool {
    epoch > 0 && height.is_multiple_of(epoch)
}

/// The header's proposer is a member of `set`, the set that certifies it.
pub fn check_proposer(header: &BlockHeader, set: &[Validator]) -> Result<(), HeaderError> {
    if set.iter().any(|v| v.operator == header.proposer) {
        Ok(())
    } else {
        Err(HeaderError::ProposerNotMember(header.proposer))
    }
}

/// The header's time is at most [`MAX_CLOCK_DRIFT_S`] ahead of `now` and not before its
/// parent's (`parent`, when the judge holds the parent block).
pub fn check_time(header: &BlockHeader, parent: Option<u64>, now: u64) -> Result<(), HeaderError> {
    let time = header.timestamp;
    if time > now.saturating_add(MAX_CLOCK_DRIFT_S) {
        return Err(HeaderError::AheadOfClock { time, now });
    }
    match parent {
        Some(parent) if time < parent => Err(HeaderError::BeforeParent { time, parent }),
        _ => Ok(()),
    }
}

/// The height of the last checkpoint a frozen chain can still be exited under: the highest
/// epoch end below `rollback` (the first void height), or `None` when there is none. Exits
/// of outputs at or above it cannot be proven.
pub fn last_checkpoint_before(rollback: u64, epoch: u64) -> Option<u64> {
    let last = rollback.checked_sub(1)? / epoch.max(1) * epoch.max(1);
    (last > 0).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(height: u64, set: u8, next: u8) -> BlockHeader {
        BlockHeader {
            height,
            validatorSetHash: B256::repeat_byte(set),
            nextValidatorSetHash: B256::repeat_byte(next),
            ..Default::default()
        }
    }

    #[test]
    fn a_set_changes_only_at_an_epoch_end_and_only_from_the_scheduled_one() {
        let scheduled = B256::repeat_byte(1);
        assert_eq!(check_validator_sets(&header(7, 1, 1), scheduled, 4), Ok(NextSet::Same));
        assert_eq!(
            check_validator_sets(&header(8, 1, 2), scheduled, 4),
            Ok(NextSet::Adopts(B256::repeat_byte(2)))
        );
        assert!(matches!(
            check_validator_sets(&header(7, 1, 2), scheduled, 4),
            Err(HeaderError::AdoptionOffEpoch { height: 7, .. })
        ));
        assert!(matches!(
            check_validator_sets(&header(8, 1, 2), scheduled, 0),
            Err(HeaderError::AdoptionOffEpoch { epoch: 0, .. })
        ));
        assert!(matches!(
            check_validator_sets(&header(8, 3, 3), scheduled, 4),
            Err(HeaderError::WrongSet { .. })
        ));
    }

    #[test]
    fn a_block_may_not_run_ahead_of_the_clock_nor_back_before_its_parent() {
        let mut h = header(2, 1, 1);
        h.timestamp = 100;
        assert_eq!(check_time(&h, Some(100), 85), Ok(()));
        assert_eq!(
            check_time(&h, Some(100), 84),
            Err(HeaderError::AheadOfClock { time: 100, now: 84 })
        );
        assert_eq!(
            check_time(&h, Some(101), 200),
            Err(HeaderError::BeforeParent { time: 100, parent: 101 })
        );
        assert_eq!(check_time(&h, None, u64::MAX), Ok(()));
    }

    #[test]
    fn a_proposer_outside_the_set_is_refused() {
        let member = Validator { operator: Address::repeat_byte(9), ..Default::default() };
        let mut h = header(1, 1, 1);
        h.proposer = member.operator;
        assert_eq!(check_proposer(&h, std::slice::from_ref(&member)), Ok(()));
        h.proposer = Address::repeat_byte(8);
        assert_eq!(check_proposer(&h, &[member]), Err(HeaderError::ProposerNotMember(h.proposer)));
    }

    #[test]
    fn the_last_checkpoint_before_a_rollback_is_the_epoch_end_below_it() {
        assert_eq!(last_checkpoint_before(9, 4), Some(8));
        assert_eq!(last_checkpoint_before(8, 4), Some(4));
        assert_eq!(last_checkpoint_before(4, 4), None);
        assert_eq!(last_checkpoint_before(0, 4), None);
        assert_eq!(last_checkpoint_before(5, 1), Some(4));
    }
}
