//! Validators of a child bond on this chain: `StakeChild` adds stake, `BondChild` adds stake
//! and a key and numbers the child's next configuration. The root's `bond`, judged natively.
//! Each names where this chain last changed the child's stakes and what they hold after it
//! ([`ChildRecord::stakes_ref`], [`ChildRecord::staked`]), so that what a fraud proof takes
//! from them is bounded by what was staked, from this chain's history alone.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::record::ChildRecord;
use super::registry::live_child;
use crate::bls::{BlsPublicKey, BlsSignature};
use crate::types::{decode, ChildBond, ChildStake, TxRef, Validator, CHILD_STAKE_BYTES};
use crate::view::LedgerView;
use alloy_primitives::{Address, U256};

pub use crate::types::POWER_UNIT;

/// The power a bond of `amount` wei buys ([`crate::types::power_of`]; a bond that buys none is
/// malformed, `crate::form::check_form`).
pub fn bond_power(amount: U256) -> Result<u64, ChildError> {
    crate::types::power_of(amount).ok_or(ChildError::BondPower(amount))
}

/// Judges the payload of a `StakeChild` by `operator` (the first input's owner); the caller
/// judges the inputs that pay it.
pub fn validate_stake(
    view: &impl LedgerView,
    payload: &[u8],
    operator: Address,
) -> Result<ChildEffect, ChildError> {
    let stake: ChildStake = decode("ChildStake", payload, CHILD_STAKE_BYTES)?;
    let chain = stake.childChainId;
    let record = live_child(view, chain)?;
    let named = TxRef { height: stake.stakesHeight, index: stake.stakesIndex };
    let staked = extended(chain, &record, (named, stake.staked), stake.amount)?;
    // A stake of zero is malformed (`crate::form::check_form`).
    Ok(ChildEffect::Staked { chain, operator, amount: stake.amount, staked })
}

/// What a stake or bond of `amount` into `chain` leaves its stakes holding: what `record`
/// says they hold and `amount`, which the transaction must say, naming where they last
/// changed (`named`: that place and the total it says).
fn extended(
    chain: u64,
    record: &ChildRecord,
    (named, named_staked): (TxRef, U256),
    amount: U256,
) -> Result<U256, ChildError> {
    let after = record.staked.checked_add(amount);
    if named != record.stakes_ref || after != Some(named_staked) {
        let (latest, staked) = (record.stakes_ref, record.staked);
        return Err(ChildError::StakesLink { chain, named, named_staked, latest, staked });
    }
    Ok(named_staked)
}

/// Judges the payload of a `BondChild` by `operator` (the first input's owner) and returns
/// the member it adds to the child's next configuration; the caller judges the inputs that
/// pay the stake.
pub fn validate_bond(
    view: &impl LedgerView,
    payload: &[u8],
    operator: Address,
) -> Result<ChildEffect, ChildError> {
    let bond: ChildBond = decode("ChildBond", payload, crate::form::MAX_BOND_BYTES)?;
    let chain = bond.childChainId;
    let mut record = live_child(view, chain)?;
    let minimum = record.params.minStake;
    if bond.amount < minimum {
        return Err(ChildError::BelowMinimum { chain, amount: bond.amount, minimum });
    }
    let power = bond_power(bond.amount)?;
    let key =
        BlsPublicKey::from_eip2537(&bond.blsPubkey).map_err(|_| ChildError::BondPossession)?;
    let pop = BlsSignature::from_eip2537(&bond.proofOfPossession)
        .map_err(|_| ChildError::BondPossession)?;
    if !key.verify_possession(operator, &pop) {
        return Err(ChildError::BondPossession);
    }
    let validator = Validator { operator, blsPubkey: bond.blsPubkey, power };
    let named = TxRef { height: bond.stakesHeight, index: bond.stakesIndex };
    let staked = extended(chain, &record, (named, bond.staked), bond.amount)?;
    record.bond(validator.clone())?;
    Ok(ChildEffect::Bonded { chain, validator, amount: bond.amount, staked })
}
