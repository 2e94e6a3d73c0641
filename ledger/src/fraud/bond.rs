//! The exit bond an exit start owes, shown by its child's registration.
//!
//! A `StartChildExit` or `StartChildDepositExit` bonds its child's exit bond, which the
//! transaction does not carry: it is a parameter of the child's registration, and a
//! registration's payload names its child (`registration::child_chain_id`), so the
//! registration's inclusion under the anchor proves the bond without any of the parent's
//! state.

use super::{included, FraudError};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::types::{
    decode, BlockHeader, ChildDepositExit, ChildExitStart, ChildRegistration, RegistrationProof,
    Transaction, MAX_TX_BYTES,
};
use alloy_primitives::U256;

/// The exit bond `exit_start` (an exit start included in the chain of `chain_id`) owes: the
/// `exitBond` of the registration `registration` shows, included under `anchor`, which must
/// register the child the exit start names.
pub(super) fn exit_bond(
    chain_id: u64,
    anchor: &BlockHeader,
    exit_start: &Transaction,
    registration: &RegistrationProof,
) -> Result<U256, FraudError> {
    let RegistrationProof { height, txIndex, inclusion } = registration;
    let tx = included(chain_id, anchor, inclusion, *height, *txIndex)?;
    if tx.tx_kind() != Some(Kind::RegisterChild) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let reg: ChildRegistration = decode("ChildRegistration", &tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    let named = exit_start_child(exit_start).ok_or(FraudError::WrongKind(exit_start.kind))?;
    let registered = child_chain_id(chain_id, &reg);
    if named != registered {
        return Err(FraudError::NotTheChild { named, registered });
    }
    Ok(reg.params.exitBond)
}

/// The child an exit start names (`None`: not an exit start, or a payload that does not
/// decode).
pub(crate) fn exit_start_child(exit_start: &Transaction) -> Option<u64> {
    let data = &exit_start.data;
    match exit_start.tx_kind()? {
        Kind::StartChildExit => decode::<ChildExitStart>("ChildExitStart", data, MAX_TX_BYTES)
            .ok()
            .map(|s| s.childChainId),
        Kind::StartChildDepositExit => decode::<ChildDepositExit>("ChildDepositExit", data, 2 * 32)
            .ok()
            .map(|s| s.childChainId),
        _ => None,
    }
}
