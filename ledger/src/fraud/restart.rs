//! A start of a child's exit that is queued or settled already.
//!
//! A plasma parent's start of a child's exit (`StartChildExit`, `StartChildDepositExit`) names
//! where the parent last cancelled an exit of the same id (`cancelledHeight`,
//! `cancelledIndex`), or none (0:0) when no exit of it was ever started. The parent refuses a
//! start of an exit queued, paid or challenged ([`crate::children::ChildError::AlreadyExited`])
//! and one naming another than the exit's latest cancellation
//! (`ChildError::NotLatestCancellation`). A second start of an exit paid once would be paid
//! again from the child's escrow, and whether the exit was started before is the parent's
//! bookkeeping; so it is proven from the parent's history alone, by what the link names
//! ([`super::Shows`], [`super::link`]):
//! - the transaction at the link is no cancellation of the same exit of that child (an
//!   `ExitPayout` of it with `cancels`);
//! - nothing is at the link;
//! - a start, challenge or payout of the same exit stands between the link and the start
//!   (anywhere before the start, when it names none).
//!
//! Whether a cancellation was owed — the exit's anchor voided by a proven fraud — is proven by
//! the fraud proof it names ([`super::verify_unfounded_cancellation`]); a payout in full of an
//! exit whose anchor was voided is proven too ([`super::verify_voided_anchor`]).

use super::link;
use super::settlement::{started, touched, Settling};
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::types::{BlockHeader, LinkEvidence, SignedTransaction, Transaction, TxRef};

/// Repeated exit: an included start of a child's exit that the cancellation its link names
/// does not leave free to start again (the module's doc).
pub fn verify_repeated_exit(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let start = started(tx)?.ok_or(FraudError::WrongKind(tx.kind))?;
    let exit = (start.child, start.exit_id);
    let at = TxRef { height: c.height, index: c.txIndex };
    let names = |later: &Transaction| Ok(touched(later)? == Some(exit));
    if start.cancelled == TxRef::default() {
        link::judge_none(chain_id, anchor, at, e, names)?;
    } else {
        // Only a payout is decoded (the contract decodes nothing else there): any other
        // transaction at the link is no cancellation.
        let refuses = |linked: &SignedTransaction| {
            let linked = &linked.transaction;
            if linked.tx_kind() != Some(Kind::ExitPayout) {
                return Ok(true);
            }
            Ok(!Settling::of(linked)?.is_some_and(|s| s.cancels(exit.0, exit.1)))
        };
        link::judge(chain_id, anchor, (start.cancelled, at), e, refuses, names)?;
    }
    Ok(FraudVerdict::at(FraudKind::RepeatedExit, c.height))
}
