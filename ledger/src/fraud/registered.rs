//! What a child's registration, included under the anchor, proves.
//!
//! A registration's payload names its child (`registration::child_chain_id`), so its
//! inclusion shows, without any of the parent's state, the child's parameters — the exit bond
//! an exit start owes, which the exit start does not carry ([`exit_bond`]) — and that the
//! child was registered, which a second registration of it contradicts
//! ([`verify_double_registration`]).

use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::types::CHILD_DEPOSIT_EXIT_BYTES;
use crate::types::{
    decode, BlockHeader, ChildDepositExit, ChildExitStart, ChildRegistration, RegistrationProof,
    Transaction, MAX_TX_BYTES,
};
use alloy_primitives::U256;

/// The child `registration` (included under `anchor` in the chain of `chain_id`) registers,
/// and its payload.
pub(crate) fn registered(
    chain_id: u64,
    anchor: &BlockHeader,
    registration: &RegistrationProof,
) -> Result<(u64, ChildRegistration), FraudError> {
    let RegistrationProof { height, txIndex, inclusion } = registration;
    let tx = included(chain_id, anchor, inclusion, *height, *txIndex)?;
    if tx.tx_kind() != Some(Kind::RegisterChild) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let reg: ChildRegistration = decode("ChildRegistration", &tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    Ok((child_chain_id(chain_id, &reg), reg))
}

/// The exit bond `exit_start` (an exit start included in the chain of `chain_id`) owes: the
/// `exitBond` of the registration `registration` shows, included under `anchor`, which must
/// register the child the exit start names.
pub(super) fn exit_bond(
    chain_id: u64,
    anchor: &BlockHeader,
    exit_start: &Transaction,
    registration: &RegistrationProof,
) -> Result<U256, FraudError> {
    let (registered, reg) = registered(chain_id, anchor, registration)?;
    let named = exit_start_child(exit_start).ok_or(FraudError::WrongKind(exit_start.kind))?;
    if named != registered {
        return Err(FraudError::NotTheChild { named, registered });
    }
    Ok(reg.params.exitBond)
}

/// Double registration: two included transactions register one child; the later block is
/// invalid. Registered again, a child's record would start over — its first set, no
/// checkpoint, no deposits, not frozen — and that first set could checkpoint a fork of it.
pub fn verify_double_registration(
    chain_id: u64,
    anchor: &BlockHeader,
    a: &RegistrationProof,
    b: &RegistrationProof,
) -> Result<FraudVerdict, FraudError> {
    if (a.height, a.txIndex) == (b.height, b.txIndex) {
        return Err(FraudError::SameSpend);
    }
    if registered(chain_id, anchor, a)?.0 != registered(chain_id, anchor, b)?.0 {
        return Err(FraudError::DifferentChildren);
    }
    Ok(FraudVerdict::at(FraudKind::DoubleRegistration, a.height.max(b.height)))
}

/// The child an exit start names (`None`: not an exit start, or a payload that does not
/// decode).
pub(crate) fn exit_start_child(exit_start: &Transaction) -> Option<u64> {
    let data = &exit_start.data;
    match exit_start.tx_kind()? {
        Kind::StartChildExit => decode::<ChildExitStart>("ChildExitStart", data, MAX_TX_BYTES)
            .ok()
            .map(|s| s.childChainId),
        Kind::StartChildDepositExit => {
            decode::<ChildDepositExit>("ChildDepositExit", data, CHILD_DEPOSIT_EXIT_BYTES)
                .ok()
                .map(|s| s.childChainId)
        }
        _ => None,
    }
}
