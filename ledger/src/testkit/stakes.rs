//! Stakes, bonds and fraud proofs of a child standing on its stakes as a parent keeps them
//! ([`crate::children::ChildRecord::stakes_ref`]), as an honest client builds them.

use crate::children::{convicted, prover_reward};
use crate::types::{ChildBond, ChildFraudProof, ChildStake, TxRef};
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

/// `fraud` standing on the stakes of its child as `view` keeps them, taking the stakes of the
/// operators it convicts (none when it convicts nobody), and the reward it pays its prover.
pub fn fraud_on_stakes(view: &impl LedgerView, fraud: ChildFraudProof) -> (ChildFraudProof, U256) {
    let id = fraud.childChainId;
    let record = view.child(id).unwrap_or_default();
    let slashed = convicted(&record, &fraud.proof).unwrap_or_default();
    let taken = slashed.iter().fold(U256::ZERO, |sum, op| sum + view.child_stake(id, op));
    let taken = taken.min(record.staked);
    let fraud = ChildFraudProof {
        stakesHeight: record.stakes_ref.height,
        stakesIndex: record.stakes_ref.index,
        staked: record.staked - taken,
        ..fraud
    };
    (fraud, prover_reward([taken]))
}
