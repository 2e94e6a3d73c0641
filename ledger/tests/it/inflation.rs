//! Value created through any kind that spends inputs is provable inflation: a quorum that
//! mints through a stake, a validator bond or an exit start at a plasma parent is convicted
//! like one that mints through a transfer (the root and a plasma parent judge with the same
//! `fraud::verify_inflation`, and the root's `FraudVerifier` with the shared vectors).

use alloy_sol_types::SolValue;
use plasma_ledger::build::{deposit_transaction, sign, transaction};
use plasma_ledger::fraud::{self, FraudError, FraudKind};
use plasma_ledger::testkit::{user, FraudWorld, TestChain};
use plasma_ledger::{Address, ChildBond, ChildStake, Kind, Output, UtxoPos, U256};

fn judged(world: &FraudWorld, index: u32) -> Result<fraud::FraudVerdict, FraudError> {
    let c = &world.chain;
    let evidence = world.inflation_evidence((world.bad_height, index), false);
    fraud::verify_inflation(c.domain.chain_id, c.tip(), &evidence)
}

#[test]
fn value_minted_through_a_stake_a_bond_or_an_exit_start_is_proven_inflation() {
    let world = FraudWorld::new(11);
    for (what, index) in [
        ("stake", world.inflating_stake),
        ("bond", world.inflating_bond),
        ("exit start", world.inflating_exit_start),
    ] {
        let verdict = judged(&world, index);
        assert!(
            matches!(&verdict, Ok(v) if v.kind == FraudKind::Inflation && v.height == world.bad_height),
            "a {what} that mints 1,000 is convicted: {verdict:?}"
        );
    }
}

#[test]
fn a_stake_or_bond_paid_in_full_by_its_inputs_is_not_inflation() {
    let alice = user("alice");
    let mut chain = TestChain::new();
    let d = chain.domain.clone();
    let record = chain.record_deposit(alice.address(), Address::ZERO, 1_000);
    chain.commit(vec![deposit_transaction(&record)]);
    let coin = UtxoPos::new(1, 0, 0);
    let change = vec![Output::new(alice.address(), Address::ZERO, U256::from(400))];
    let stake = ChildStake { childChainId: 8, amount: U256::from(600), ..Default::default() };
    let bond = ChildBond {
        childChainId: 8,
        amount: U256::from(600),
        blsPubkey: vec![7; 256].into(),
        proofOfPossession: vec![9; 128].into(),
        ..Default::default()
    };
    let paid = |kind: Kind, data: Vec<u8>| {
        sign(&d, transaction(kind, vec![coin.clone()], change.clone(), data), &[&alice])
    };
    // An exit start's outputs fall short of its inputs by the bond it pays the parent.
    let start = plasma_ledger::ChildExitStart { childChainId: 8, ..Default::default() };
    chain.commit_unchecked(vec![
        paid(Kind::StakeChild, stake.abi_encode()),
        paid(Kind::BondChild, bond.abi_encode()),
        paid(Kind::StartChildExit, start.abi_encode()),
    ]);
    let creating = vec![chain.inclusion(1, 0)];
    for index in [0, 1, 2] {
        let evidence = plasma_ledger::InflationEvidence {
            height: 2,
            txIndex: index,
            spend: chain.inclusion(2, index),
            inputs: creating.clone(),
            registration: vec![],
        };
        let verdict = fraud::verify_inflation(d.chain_id, chain.tip(), &evidence);
        assert_eq!(verdict, Err(FraudError::Conserved), "tx {index} pays its stake in full");
    }
}

#[test]
fn a_transfer_that_destroys_value_is_convicted_like_one_that_creates_it() {
    let world = FraudWorld::new(12);
    let verdict = judged(&world, world.burning);
    assert!(
        matches!(&verdict, Ok(v) if v.kind == FraudKind::Inflation && v.height == world.bad_height),
        "outputs below inputs: {verdict:?}"
    );
}
