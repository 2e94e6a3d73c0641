//! Validators of a child bond on this chain: `StakeChild` adds stake, `BondChild` adds stake
//! and a key and numbers the child's next configuration. The root's `bond`, judged natively.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::registry::live_child;
use crate::bls::{BlsPublicKey, BlsSignature};
use crate::types::{decode, ChildBond, ChildStake, Validator};
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
    let stake: ChildStake = decode("ChildStake", payload, 2 * 32)?;
    let chain = stake.childChainId;
    live_child(view, chain)?;
    // A stake of zero is malformed (`crate::form::check_form`).
    Ok(ChildEffect::Staked { chain, operator, amount: stake.amount })
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
    let power = bond_power(bond.amount)?;
    let key =
        BlsPublicKey::from_eip2537(&bond.blsPubkey).map_err(|_| ChildError::BondPossession)?;
    let pop = BlsSignature::from_eip2537(&bond.proofOfPossession)
        .map_err(|_| ChildError::BondPossession)?;
    if !key.verify_possession(operator, &pop) {
        return Err(ChildError::BondPossession);
    }
    let validator = Validator { operator, blsPubkey: bond.blsPubkey, power };
    record.bond(validator.clone())?;
    Ok(ChildEffect::Bonded { chain, validator, amount: bond.amount })
}
