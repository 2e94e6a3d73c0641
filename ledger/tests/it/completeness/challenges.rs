//! The law's cases about a challenge or a payout of a child's exit that the parent must refuse:
//! a challenge would take Alice's queued exit of her deposit (queued at 3:3, bond 10) and its
//! bond for good; a payout would take the child's escrow.

use super::exits::{after_acceptance, ALICES_DEPOSIT};
use super::*;
use plasma_ledger::exit::ExitKey;
use plasma_ledger::{ChildExitChallenge, ExitPayoutClaim, TxRef};

/// Where the parent queued Alice's exit.
const START: TxRef = TxRef { height: 3, index: 3 };

/// Mallory's challenge of exit `exit_id` of `child`, naming the start at `start`, with `spend`
/// as input 0; it pays her the exit's bond.
fn challenge(
    child: u64,
    exit_id: B256,
    start: TxRef,
    spend: SignedTransaction,
) -> SignedTransaction {
    let c = ChildExitChallenge {
        childChainId: child,
        exitId: exit_id,
        spend,
        inputIndex: 0,
        beneficiary: testkit::user("mallory").address(),
        startHeight: start.height,
        startIndex: start.index,
    };
    build::challenge_child_exit_tx(&c, U256::from(10))
}

/// A transfer in the child spending the exit's position (zero: an exit from the record),
/// signed by `who`.
fn spend_of_the_exit(child: u64, who: &str) -> SignedTransaction {
    let domain = plasma_ledger::children::child_domain(&testkit::domain(), child);
    let tx = build::transaction(Kind::Transfer, vec![UtxoPos::default()], vec![], vec![]);
    build::sign(&domain, tx, &[&testkit::user(who)])
}

/// What block 4 holds in one case, given the child.
type ChallengeFault = fn(u64) -> SignedTransaction;

fn challenge_cases() -> Vec<(&'static str, ChallengeFault)> {
    vec![
        ("a challenge naming a checkpoint as the exit's start", |child| {
            let id = ExitKey::Deposit(ALICES_DEPOSIT).exit_id();
            challenge(child, id, TxRef { height: 3, index: 1 }, spend_of_the_exit(child, "alice"))
        }),
        ("a challenge of an exit never started", |child| {
            challenge(child, B256::repeat_byte(1), START, spend_of_the_exit(child, "alice"))
        }),
        ("a challenge whose spend spends nothing", |child| {
            challenge(
                child,
                ExitKey::Deposit(ALICES_DEPOSIT).exit_id(),
                START,
                SignedTransaction::default(),
            )
        }),
        ("a challenge of an exit of a child never registered", |child| {
            let id = ExitKey::Deposit(ALICES_DEPOSIT).exit_id();
            challenge(child ^ 1, id, START, spend_of_the_exit(child ^ 1, "alice"))
        }),
        ("a deposit-exit challenge of a child never registered", |child| {
            let c = plasma_ledger::ChildDepositExitChallenge {
                childChainId: child ^ 1,
                beneficiary: testkit::user("mallory").address(),
                startHeight: START.height,
                startIndex: START.index,
                ..Default::default()
            };
            build::challenge_child_deposit_exit_tx(&c, U256::from(10))
        }),
        ("a challenge by a spend its owner never signed", |child| {
            let forged = spend_of_the_exit(child, "mallory");
            challenge(child, ExitKey::Deposit(ALICES_DEPOSIT).exit_id(), START, forged)
        }),
    ]
}

#[test]
fn every_challenge_the_parent_must_refuse_is_convicted_by_the_watchers_proof() {
    for (name, fault) in challenge_cases() {
        let (chain, honest) = after_acceptance(|_, child| fault(child));
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}

#[test]
fn the_challenge_alices_start_founds_is_valid_and_settles_her_exit() {
    // The law's cases differ from this one only by what they break.
    let (chain, honest) = after_acceptance(|_, child| {
        challenge(
            child,
            ExitKey::Deposit(ALICES_DEPOSIT).exit_id(),
            START,
            spend_of_the_exit(child, "alice"),
        )
    });
    let run = &chain.blocks[3..4];
    assert!(first_invalid(&chain.domain, &honest.state, run).is_none(), "the founded one is valid");
}

/// A payout of exit `exit_id` of `child`, naming the start at `start`, paying `to` the 40 Alice
/// locked and the exit's bond of 10.
fn payout(child: u64, exit_id: B256, start: TxRef, to: &str) -> SignedTransaction {
    payout_cancelling(child, exit_id, start, to, false)
}

/// [`payout`], saying whether it `cancels` the exit.
fn payout_cancelling(
    child: u64,
    exit_id: B256,
    start: TxRef,
    to: &str,
    cancels: bool,
) -> SignedTransaction {
    let claim = ExitPayoutClaim {
        childChainId: child,
        exitId: exit_id,
        startHeight: start.height,
        startIndex: start.index,
        cancels,
        token: Address::ZERO,
        paid: if cancels { U256::ZERO } else { U256::from(40) },
        ..Default::default()
    };
    let to = testkit::user(to).address();
    let outputs = vec![
        Output::new(to, Address::ZERO, U256::from(40)),
        Output::new(to, Address::ZERO, U256::from(10)),
    ];
    let tx = build::transaction(Kind::ExitPayout, vec![], outputs, claim.abi_encode());
    SignedTransaction { transaction: tx, signatures: vec![] }
}

fn payout_cases() -> Vec<(&'static str, ChallengeFault)> {
    vec![
        ("a payout of an exit never started", |child| {
            payout(child, B256::repeat_byte(1), START, "mallory")
        }),
        ("a payout naming a checkpoint as the exit's start", |child| {
            payout(
                child,
                ExitKey::Deposit(ALICES_DEPOSIT).exit_id(),
                TxRef { height: 3, index: 1 },
                "alice",
            )
        }),
        ("a payout of Alice's exit to Mallory", |child| {
            payout(child, ExitKey::Deposit(ALICES_DEPOSIT).exit_id(), START, "mallory")
        }),
        ("a payout of an exit of a child never registered", |child| {
            payout(child ^ 1, ExitKey::Deposit(ALICES_DEPOSIT).exit_id(), START, "alice")
        }),
        // An exit from the record stands whatever the child's rollback: cancelled, the deposit
        // could exit again and be paid twice.
        ("a payout cancelling Alice's exit from the record", |child| {
            payout_cancelling(
                child,
                ExitKey::Deposit(ALICES_DEPOSIT).exit_id(),
                START,
                "alice",
                true,
            )
        }),
    ]
}

#[test]
fn every_payout_the_parent_must_refuse_is_convicted_by_the_watchers_proof() {
    for (name, fault) in payout_cases() {
        let (chain, honest) = after_acceptance(|_, child| fault(child));
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}
