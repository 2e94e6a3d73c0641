//! Stakes and bonds of a child standing on its stakes as a parent keeps them
//! ([`crate::children::ChildRecord::stakes_ref`]), as an honest client builds them (a fraud
//! proof: [`crate::children::on_stakes`]).

use crate::types::{ChildBond, ChildStake, TxRef};
use crate::view::LedgerView;
use alloy_primitives::U256;

/// Where `view` last changed the stakes of child `id` and what they hold (the registration
/// and zero for a child it does not know).
pub fn stakes_of(view: &impl LedgerView, id: u64) -> (TxRef, U256) {
    view.child(id).map_or((TxRef::default(), U256::ZERO), |r| (r.stakes_ref, r.staked))
}

/// A stake of `amount` into child `id` standing on `stakes` (where they last changed, what
/// they hold).
pub fn stake_on(id: u64, amount: u64, (at, staked): (TxRef, U256)) -> ChildStake {
    let amount = U256::from(amount);
    ChildStake {
        childChainId: id,
        amount,
        stakesHeight: at.height,
        stakesIndex: at.index,
        staked: staked + amount,
    }
}

/// `bond` standing on `stakes`.
pub fn bond_on(bond: ChildBond, (at, staked): (TxRef, U256)) -> ChildBond {
    let staked = staked + bond.amount;
    ChildBond { stakesHeight: at.height, stakesIndex: at.index, staked, ..bond }
}
