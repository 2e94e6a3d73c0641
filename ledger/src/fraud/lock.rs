//! A start of an exit from a plasma parent's deposit record that no lock founds.
//!
//! A plasma parent numbers a deposit into a child by where its lock (`DepositToChild`) stands
//! ([`TxRef::deposit_nonce`]), so the nonce a `StartChildDepositExit` names is the place of the
//! lock it exits. The parent refuses a start of a deposit it never recorded
//! ([`crate::children::ChildError::UnknownDeposit`]) or by another than its recipient
//! (`ChildError::DepositExit`): such a start would pay value nobody locked, or another's
//! deposit, from the child's escrow. Whether a deposit was recorded is the parent's
//! bookkeeping, but its place is in the nonce; so it is proven from the parent's history
//! alone, by what is at that place ([`super::Shows`], [`super::link`]):
//! - the transaction there is no lock into the same child, or locks for another recipient
//!   than the start's claimant (its first input's signer);
//! - nothing is there (or the place is not below the start, or at height 0).
//!
//! When such an exit is due, and what it is owed, the same lock shows
//! ([`super::verify_overdrawn_payout`]); its place in its queue stays the parent's bookkeeping
//! (`TxError::ExitNotPayable`).

use super::link::{self, Shows};
use super::settlement::first_signer;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::signing::SigningDomain;
use crate::types::{
    decode, BlockHeader, ChildDeposit, ChildDepositExit, LinkEvidence, SignedTransaction, TxRef,
    CHILD_DEPOSIT_BYTES, CHILD_DEPOSIT_EXIT_BYTES,
};

/// Unfounded deposit exit: an included start of an exit from the parent's deposit record that
/// the lock at its nonce's place does not found (the module's doc). `domain` is the parent's
/// signing domain.
pub fn verify_unfounded_deposit_exit(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let chain_id = domain.chain_id;
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    if tx.tx_kind() != Some(Kind::StartChildDepositExit) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let start: ChildDepositExit = decode("ChildDepositExit", &tx.data, CHILD_DEPOSIT_EXIT_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    let at = TxRef { height: c.height, index: c.txIndex };
    let lock = TxRef::of_deposit(start.nonce);
    // Only what is at the lock's place shows it wrong: nothing between it and the start
    // matters (a place the start cannot stand on convicts whatever is shown).
    if e.shows == Shows::Later as u8 && !link::unreachable(lock, at) {
        return Err(FraudError::NoSuchShowing(e.shows));
    }
    let claimant = first_signer(domain, &c.inclusion.signedTx);
    let refuses = |linked: &SignedTransaction| {
        let linked = &linked.transaction;
        if linked.tx_kind() != Some(Kind::DepositToChild) {
            return Ok(true);
        }
        // A lock that does not decode is no evidence (the contract's decoding reverts): its
        // block is proven malformed instead.
        let lock: ChildDeposit = decode("ChildDeposit", &linked.data, CHILD_DEPOSIT_BYTES)
            .map_err(|_| FraudError::WrongKind(linked.kind))?;
        Ok(lock.childChainId != start.childChainId || Some(lock.recipient) != claimant)
    };
    link::judge(chain_id, anchor, (lock, at), e, refuses, |_| Ok(false))?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedDepositExit, c.height))
}
