//! The fraud world's malformed transactions: one of each way to be malformed, and the child
//! registrations (well formed, salted, or broken) they and the other fixtures stand on.

use super::committee;
use crate::build::sign;
use crate::kind::Kind;
use crate::registration::{MAX_CHECKPOINT_GAP, MAX_CHILD_VALIDATORS};
use crate::signing::{SigningDomain, UserKey};
use crate::types::{Output, SignedTransaction, UtxoPos};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;

/// One transaction of each way to be malformed ([`crate::form::check_form`]), each spending
/// `coin` (worth `value`, owned by `owner`) and signed by `owner` unless that is the fault.
pub(super) fn malformed_transactions(
    d: &SigningDomain,
    owner: &UserKey,
    coin: &UtxoPos,
    value: u64,
    bond: &crate::types::ChildBond,
) -> Vec<(&'static str, SignedTransaction)> {
    let to = |a: u64| Output::new(owner.address(), Address::ZERO, U256::from(a));
    let signed = |kind: u8, outputs: Vec<Output>, data: Vec<u8>| {
        let mut tx = crate::build::transaction(Kind::Transfer, vec![coin.clone()], outputs, data);
        tx.kind = kind;
        sign(d, tx, &[owner])
    };
    let transfer = Kind::Transfer as u8;
    let mut unsigned = signed(transfer, vec![to(value)], vec![]);
    unsigned.signatures.clear();
    let mut bond_bytes = bond.abi_encode();
    bond_bytes.extend([0; 32]); // canonical, then one more word
    let lock = crate::types::ChildDeposit {
        childChainId: 8,
        recipient: Address::ZERO,
        token: Address::ZERO,
        amount: U256::from(1),
        ..Default::default()
    };
    vec![
        ("stake_payload", signed(Kind::StakeChild as u8, vec![to(value + 1_000)], vec![1, 2, 3])),
        ("unknown_kind", signed(9, vec![to(value)], vec![])),
        ("zero_output", signed(transfer, vec![to(value), to(0)], vec![])),
        ("ownerless_output", {
            signed(
                transfer,
                vec![Output::new(Address::ZERO, Address::ZERO, U256::from(value))],
                vec![],
            )
        }),
        ("transfer_payload", signed(transfer, vec![to(value)], vec![0; 32])),
        ("too_many_outputs", signed(transfer, vec![to(1); 5], vec![])),
        ("unsigned", unsigned),
        ("too_large", {
            let mut huge = signed(transfer, vec![to(value)], vec![]);
            huge.signatures[0] = vec![0; crate::types::MAX_TX_BYTES].into();
            huge
        }),
        (
            "overflow",
            signed(
                transfer,
                vec![to(1), Output::new(owner.address(), Address::ZERO, U256::MAX)],
                vec![],
            ),
        ),
        ("bond_trailing_bytes", signed(Kind::BondChild as u8, vec![to(1)], bond_bytes)),
        (
            "lock_to_nobody",
            signed(Kind::DepositToChild as u8, vec![to(value - 1)], lock.abi_encode()),
        ),
        ("zero_stake", {
            let stake = crate::types::ChildStake { childChainId: 8, ..Default::default() };
            signed(Kind::StakeChild as u8, vec![to(value)], stake.abi_encode())
        }),
        ("bond_power", {
            let short =
                crate::types::ChildBond { amount: bond.amount - U256::from(1), ..bond.clone() };
            signed(Kind::BondChild as u8, vec![to(1)], short.abi_encode())
        }),
        ("checkpoint_height", {
            let mut checkpoint = crate::types::Checkpoint::default();
            checkpoint.header.height = 1 << 32;
            crate::build::child_checkpoint_tx(&checkpoint, Default::default())
        }),
        ("checkpoint_payload", {
            let garbage =
                crate::build::transaction(Kind::ChildCheckpoint, vec![], vec![], vec![1, 2, 3]);
            SignedTransaction { transaction: garbage, signatures: vec![] }
        }),
        ("registration_rogue_key", bad_registration(|r| r.proofsOfPossession.swap(0, 1))),
        (
            "registration_infinity_key",
            bad_registration(|r| r.validators[1].blsPubkey = vec![0; 256].into()),
        ),
        (
            "registration_duplicate_key",
            bad_registration(|r| r.validators[2].blsPubkey = r.validators[0].blsPubkey.clone()),
        ),
        (
            "registration_duplicate_operator",
            bad_registration(|r| r.validators[3].operator = r.validators[1].operator),
        ),
        ("registration_zero_power", bad_registration(|r| r.validators[2].power = 0)),
        ("registration_proof_count", bad_registration(|r| drop(r.proofsOfPossession.pop()))),
        ("registration_params", bad_registration(|r| r.params.exitPeriod = 0)),
        ("registration_epoch_past_the_gap", {
            bad_registration(|r| r.params.epochLength = MAX_CHECKPOINT_GAP + 1)
        }),
        ("registration_too_large", {
            crate::build::register_child_tx(&registration(MAX_CHILD_VALIDATORS + 1))
        }),
    ]
}

/// A registration of `n` validators, operators `0x…01` on, each with its proof of possession.
pub(super) fn registration(n: usize) -> crate::types::ChildRegistration {
    salted_registration(n, 0)
}

/// [`registration`] with `salt`, which makes another child of the same set.
pub(super) fn salted_registration(n: usize, salt: u64) -> crate::types::ChildRegistration {
    powered_registration(n, salt, 1)
}

/// [`salted_registration`] of members of `power` each.
pub(super) fn powered_registration(
    n: usize,
    salt: u64,
    power: u64,
) -> crate::types::ChildRegistration {
    let (keys, _) = committee(n);
    let members: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (Address::with_last_byte(i as u8 + 1), k, power))
        .collect();
    let params = crate::types::ChildParams {
        epochLength: 4,
        exitPeriod: 60,
        exitBond: U256::from(1),
        minStake: U256::from(2 * crate::types::POWER_UNIT),
    };
    crate::build::child_registration(salt, params, &members)
}

/// A registration of 16 validators, 15 of power 4 and the last of power 2 (the minimum
/// stake's power, as [`registration`]'s): a bond of 3 units takes the last one's seat.
pub(super) fn mixed_registration() -> crate::types::ChildRegistration {
    let (keys, _) = committee(MAX_CHILD_VALIDATORS);
    let members: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (Address::with_last_byte(i as u8 + 1), k, if i < 15 { 4 } else { 2 }))
        .collect();
    crate::build::child_registration(0, powered_registration(1, 0, 1).params, &members)
}

/// A registration of four validators with `fault`, which makes it malformed.
fn bad_registration(fault: impl FnOnce(&mut crate::types::ChildRegistration)) -> SignedTransaction {
    let mut reg = registration(4);
    fault(&mut reg);
    crate::build::register_child_tx(&reg)
}
