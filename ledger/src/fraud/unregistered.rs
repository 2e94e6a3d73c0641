//! A lock into a child that a plasma parent never registered.
//!
//! A lock of value into a child (`DepositToChild`) names where the parent registered the
//! child (`registeredHeight`, `registeredIndex`). The parent refuses a lock into a child it
//! never registered (`crate::tx::TxError::UnknownChild`) and one naming another place
//! ([`crate::children::ChildError::NotTheRegistration`]): into a child of its own invention,
//! a quorum could lock a wei, exit it from the deposit record, and pay that exit from an escrow
//! no registration bounds (its exit period and bond are the registration's). Whether a child
//! is registered is the parent's bookkeeping, but the lock names the place; so it is proven
//! from the parent's history alone, by what is there ([`super::Shows`], [`super::link`]):
//! - the transaction there is no `RegisterChild` of the lock's child;
//! - nothing is there (or the place is not below the lock, or at height 0).
//!
//! A second registration of the child is itself refused, and proven (`DoubleRegistration`).

use super::link::{self, Shows};
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::types::{
    decode, BlockHeader, ChildDeposit, ChildRegistration, LinkEvidence, SignedTransaction, TxRef,
    CHILD_DEPOSIT_BYTES, MAX_TX_BYTES,
};

/// Unregistered child: an included lock into a child whose named registration is no
/// registration of that child (the module's doc).
pub fn verify_unregistered_child(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    if tx.tx_kind() != Some(Kind::DepositToChild) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let lock: ChildDeposit = decode("ChildDeposit", &tx.data, CHILD_DEPOSIT_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    let at = TxRef { height: c.height, index: c.txIndex };
    let registered = TxRef { height: lock.registeredHeight, index: lock.registeredIndex };
    // Only what is at the named place shows it wrong (a place the lock cannot stand on
    // convicts whatever is shown).
    if e.shows == Shows::Later as u8 && !link::unreachable(registered, at) {
        return Err(FraudError::NoSuchShowing(e.shows));
    }
    let refuses = |linked: &SignedTransaction| {
        let linked = &linked.transaction;
        if linked.tx_kind() != Some(Kind::RegisterChild) {
            return Ok(true);
        }
        // A registration that does not decode is no evidence (the contract's decoding
        // reverts): its block is proven malformed instead.
        let reg: ChildRegistration = decode("ChildRegistration", &linked.data, MAX_TX_BYTES)
            .map_err(|_| FraudError::WrongKind(linked.kind))?;
        Ok(child_chain_id(chain_id, &reg) != lock.childChainId)
    };
    link::judge(chain_id, anchor, (registered, at), e, refuses, |_| Ok(false))?;
    Ok(FraudVerdict::at(FraudKind::UnregisteredChild, c.height))
}
