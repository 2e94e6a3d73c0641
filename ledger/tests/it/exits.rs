//! The exit game, told as the attacks it defeats.

use plasma_ledger::exit::{
    deposit_exit, exitable_at, priority, verify_challenge, verify_deposit_exit_challenge,
    verify_exit_start, ChallengeError, ExitError, ExitKey, InclusionError,
};
use plasma_ledger::testkit::{self, FraudWorld};
use plasma_ledger::{Address, UtxoPos, U256};

const WEEK: u64 = 604_800;

#[test]
fn fresh_outputs_wait_two_periods_old_ones_one() {
    // Created at t=0, exit started at t=1: waits until 2P.
    assert_eq!(exitable_at(0, 1, WEEK), 2 * WEEK);
    // Created long ago: one period from the start of the exit.
    assert_eq!(exitable_at(0, 10 * WEEK, WEEK), 11 * WEEK);
    // Never overflows.
    assert_eq!(exitable_at(u64::MAX, 0, WEEK), u64::MAX);
}

#[test]
fn older_outputs_pay_first_and_position_breaks_ties() {
    let early = priority(100, &UtxoPos::new(9, 9, 3));
    let late = priority(101, &UtxoPos::new(1, 0, 0));
    assert!(early < late, "exitable time dominates position");
    assert!(priority(100, &UtxoPos::new(2, 0, 0)) < priority(100, &UtxoPos::new(2, 0, 1)));
    assert!(priority(100, &UtxoPos::new(2, 5, 3)) < priority(100, &UtxoPos::new(3, 0, 0)));
}

#[test]
fn test_deposit_cannot_exit_twice_from_record_and_output() {
    let w = FraudWorld::new(1);
    let c = &w.chain;
    let record = &c.state.parent_deposits[&0];
    let from_record = deposit_exit(record, 1_000, record.recipient).unwrap();
    let from_output =
        verify_exit_start(7, c.tip(), &UtxoPos::new(1, 0, 0), &c.inclusion(1, 0), record.recipient)
            .unwrap();
    assert_eq!(from_output.key, ExitKey::Deposit(0));
    assert_eq!(from_record.key.exit_id(), from_output.key.exit_id());
    assert_eq!(from_record.output, from_output.output);
}

#[test]
fn test_challenge_exit_of_spent_output_with_owners_signature() {
    let w = FraudWorld::new(2);
    let c = &w.chain;
    // Bob spent his 60 at (2,0,0) in block 3 and then tries to exit it.
    let bob_output = c.blocks[1].transactions[0].transaction.outputs[0].clone();
    let claim =
        verify_exit_start(7, c.tip(), &UtxoPos::new(2, 0, 0), &c.inclusion(2, 0), bob_output.owner)
            .expect("the output did exist");
    let exit = claim.record(5_000, WEEK);
    let spend = &c.blocks[2].transactions[0];
    assert_eq!(verify_challenge(&c.domain, &exit, spend, 0), Ok(()));
    // The same spend names another output at input 1: not a challenge of this exit.
    assert_eq!(
        verify_challenge(&c.domain, &exit, spend, 1),
        Err(ChallengeError::NotSpendingExit { index: 1 })
    );
}

#[test]
fn test_forged_spend_does_not_challenge_an_honest_exit() {
    let w = FraudWorld::new(3);
    let c = &w.chain;
    let alice_change = c.blocks[1].transactions[0].transaction.outputs[1].clone();
    let exit = verify_exit_start(
        7,
        c.tip(),
        &UtxoPos::new(2, 0, 1),
        &c.inclusion(2, 0),
        alice_change.owner,
    )
    .unwrap()
    .record(5_000, WEEK);
    let forged = &c.blocks[3].transactions[w.forged as usize];
    assert!(matches!(
        verify_challenge(&c.domain, &exit, forged, 0),
        Err(ChallengeError::NotSignedByOwner { owner, .. }) if owner == alice_change.owner
    ));
}

#[test]
fn test_exit_of_someone_elses_output_is_refused() {
    let w = FraudWorld::new(4);
    let c = &w.chain;
    let thief = testkit::user("thief").address();
    let got = verify_exit_start(7, c.tip(), &UtxoPos::new(3, 0, 0), &c.inclusion(3, 0), thief);
    assert!(matches!(got, Err(ExitError::NotOwner { claimant, .. }) if claimant == thief));
    let other_chain =
        verify_exit_start(8, c.tip(), &UtxoPos::new(3, 0, 0), &c.inclusion(3, 0), thief);
    assert!(matches!(other_chain, Err(ExitError::Inclusion(InclusionError::WrongChain { .. }))));
}

#[test]
fn test_record_exit_of_minted_and_spent_deposit_is_challenged() {
    let w = FraudWorld::new(5);
    let c = &w.chain;
    // Bob's deposit (nonce 2) was minted at (1,2,0) and spent in block 3; he exits the record.
    let record = &c.state.parent_deposits[&2];
    let exit = deposit_exit(record, 900, record.recipient).unwrap().record(5_000, WEEK);
    let spend = &c.blocks[2].transactions[0];
    let pos = UtxoPos::new(1, 2, 0);
    assert_eq!(
        verify_deposit_exit_challenge(
            &c.domain,
            c.tip(),
            &exit,
            &pos,
            &c.inclusion(1, 2),
            spend,
            1
        ),
        Ok(())
    );
    // Proving a different deposit's output does not challenge this exit.
    let alice_deposit = UtxoPos::new(1, 0, 0);
    let other = verify_deposit_exit_challenge(
        &c.domain,
        c.tip(),
        &exit,
        &alice_deposit,
        &c.inclusion(1, 0),
        spend,
        1,
    );
    assert!(other.is_err());
}

#[test]
fn exit_record_carries_the_claimed_output() {
    let w = FraudWorld::new(6);
    let c = &w.chain;
    let carol = c.blocks[2].transactions[0].transaction.outputs[0].owner;
    let exit = verify_exit_start(7, c.tip(), &UtxoPos::new(3, 0, 0), &c.inclusion(3, 0), carol)
        .unwrap()
        .record(10 * WEEK, WEEK);
    assert_eq!(
        (exit.owner, exit.token, exit.amount, exit.exitableAt),
        (carol, Address::ZERO, U256::from(90), 11 * WEEK)
    );
    let carols = &c.blocks[2].transactions[0].transaction;
    assert_eq!(exit.exitId, ExitKey::output(carols, 0).exit_id());
    assert_eq!(exit.exitId, c.output_exit_id(&UtxoPos::new(3, 0, 0)));
}
