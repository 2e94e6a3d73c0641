//! What the kinds that judge a link share.
//!
//! Some transactions of a plasma parent name the parent's earlier transaction they stand on,
//! their link: a `ChildCheckpoint` the child's latest accepted checkpoint or registration
//! ([`super::verify_checkpoint_succession`]), a challenge or payout of a child's exit the
//! exit's latest start ([`super::verify_unfounded_settlement`]). The parent refuses any other link, so a
//! transaction standing on a wrong one is proven from the parent's history alone, by what the
//! link names ([`Shows`], `LinkEvidence`): the transaction there, nothing there, or a later
//! one that should have been named instead. A start of a child's exit names the exit's latest
//! cancellation ([`super::verify_repeated_exit`]), or none (0:0) when it says none was ever
//! started: then only a later one shows it wrong ([`judge_none`]). A start of an exit from the
//! deposit record names, by its nonce, the lock of the deposit
//! ([`super::verify_unfounded_deposit_exit`]), and a lock names its child's registration
//! ([`super::verify_unregistered_child`]): only what is at those places shows them wrong. A
//! stake, bond or fraud proof of a child names where the parent last changed the child's
//! stakes ([`super::verify_unfounded_stake`]).

use super::{included, proves_last, FraudError};
use crate::exit::verify_block_in_history;
use crate::types::{BlockHeader, IncludedTx, LinkEvidence, SignedTransaction, Transaction, TxRef};

/// How `LinkEvidence::shown` proves the linking transaction refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Shows {
    /// The transaction at the link: not what the linking transaction may stand on.
    Linked = 0,
    /// Nothing at the link: it is not below the linking transaction, at height 0, or its
    /// block is empty or ends before it (its last transaction, shown, is at a lower index).
    Nothing = 1,
    /// A transaction between the link and the linking one that the link should have named.
    Later = 2,
}

/// Judges what `e` shows against the transaction at `at` standing on `link`: `Ok` when it
/// proves the link wrong, else why not. `refuses` judges the transaction at the link (`true`:
/// the linking transaction may not stand on it); `names`, whether a transaction between the
/// two is one the link should have named. Either may refuse to judge what it cannot decode.
pub(crate) fn judge(
    chain_id: u64,
    anchor: &BlockHeader,
    (link, at): (TxRef, TxRef),
    e: &LinkEvidence,
    refuses: impl FnOnce(&SignedTransaction) -> Result<bool, FraudError>,
    names: impl FnOnce(&Transaction) -> Result<bool, FraudError>,
) -> Result<(), FraudError> {
    // Nothing this chain holds before `at` is at a link at or after it, or at height 0,
    // whatever the evidence shows.
    if unreachable(link, at) {
        return Ok(());
    }
    let shown = &e.shown;
    match e.shows {
        s if s == Shows::Linked as u8 => {
            included(chain_id, anchor, &shown.inclusion, link.height, link.index)?;
            refuses(&shown.inclusion.signedTx)?.then_some(()).ok_or(FraudError::Follows)
        }
        s if s == Shows::Nothing as u8 => nothing_at(chain_id, anchor, link, shown),
        s if s == Shows::Later as u8 => later(chain_id, anchor, (link, at), shown, names),
        other => Err(FraudError::NoSuchShowing(other)),
    }
}

/// Judges what `e` shows against the transaction at `at` that names no link (0:0): it says
/// nothing before it is what `names` picks out, so only such a transaction, shown, proves it
/// wrong. `Ok` when it does.
pub(crate) fn judge_none(
    chain_id: u64,
    anchor: &BlockHeader,
    at: TxRef,
    e: &LinkEvidence,
    names: impl FnOnce(&Transaction) -> Result<bool, FraudError>,
) -> Result<(), FraudError> {
    if e.shows != Shows::Later as u8 {
        return Err(FraudError::NamesNone);
    }
    later(chain_id, anchor, (TxRef::default(), at), &e.shown, names)
}

/// Judges `shown` as a transaction strictly between `link` and `at` that `names` picks out,
/// which the link should have named. `Ok` when it is one.
fn later(
    chain_id: u64,
    anchor: &BlockHeader,
    (link, at): (TxRef, TxRef),
    shown: &IncludedTx,
    names: impl FnOnce(&Transaction) -> Result<bool, FraudError>,
) -> Result<(), FraudError> {
    let later = included(chain_id, anchor, &shown.inclusion, shown.height, shown.txIndex)?;
    let place = TxRef { height: shown.height, index: shown.txIndex };
    let named = names(later)? && link < place && place < at;
    named.then_some(()).ok_or(FraudError::NotLater)
}

/// Whether no transaction of the parent could be at `link` for a transaction at `at` to
/// stand on: it is not below `at`, or at height 0 (no block holds transactions there).
pub(crate) fn unreachable(link: TxRef, at: TxRef) -> bool {
    link >= at || link.height == 0
}

/// Judges `shown` as the proof that nothing is at `link`: an empty block's header proven in
/// `anchor`'s history, or the block's last transaction (a domain-separated leaf, every sibling
/// right of its path empty) at an index below the link's. `Ok` when it proves it.
fn nothing_at(
    chain_id: u64,
    anchor: &BlockHeader,
    link: TxRef,
    shown: &IncludedTx,
) -> Result<(), FraudError> {
    let last = &shown.inclusion;
    if last.header.txRoot.is_zero() {
        verify_block_in_history(chain_id, anchor, &last.header, &last.historyProof, link.height)?;
        return Ok(());
    }
    let index = last.txProof.index;
    let last_index = u32::try_from(index).map_err(|_| FraudError::NotLastTransaction)?;
    included(chain_id, anchor, last, link.height, last_index)?;
    if !proves_last(&last.txProof) {
        return Err(FraudError::NotLastTransaction);
    }
    if link.index > last_index {
        return Ok(());
    }
    Err(FraudError::SomethingThere)
}
