//! The law's cases about a start of an exit from a plasma parent's deposit record that no lock
//! founds: it would pay value nobody locked, or another's deposit, from the child's escrow. A
//! plasma parent numbers a deposit by where its lock stands, so the nonce a start names is the
//! place the proof shows.

use super::exits::{after_acceptance, alices, ALICES_DEPOSIT};
use super::*;
use plasma_ledger::view::LedgerView;
use plasma_ledger::{ChildDeposit, ChildDepositExit};

/// Alice's start of the exit of deposit `nonce` into `child` from the record, bonding 10 of
/// her change at `coin`, `keep` back.
fn record_exit(
    c: &TestChain,
    child: u64,
    nonce: u64,
    coin: (u64, u32),
    keep: u64,
) -> SignedTransaction {
    let start = ChildDepositExit { childChainId: child, nonce, ..Default::default() };
    alices(c, Kind::StartChildDepositExit, coin, keep, start.abi_encode())
}

#[test]
fn every_deposit_exit_no_lock_founds_is_convicted_by_the_watchers_proof() {
    // Block 3 registers the child (3:0), accepts its checkpoint (3:1), locks Alice's 40 (3:2)
    // and queues her exit of it (3:3); block 4 holds her start naming another place.
    let at = |height, index| TxRef { height, index }.deposit_nonce();
    let cases = [
        ("a deposit exit naming the child's registration as its lock", at(3, 0)),
        ("a deposit exit naming a checkpoint as its lock", at(3, 1)),
        ("a deposit exit naming an exit start as its lock", at(3, 3)),
        ("a deposit exit naming a place past its block's end", at(3, 9)),
        ("a deposit exit naming the first deposit as the root numbers it", 0),
        ("a deposit exit naming itself as its lock", at(4, 0)),
        ("a deposit exit naming a place after it", at(9, 0)),
    ];
    for (name, nonce) in cases {
        let (chain, honest) = after_acceptance(|c, child| record_exit(c, child, nonce, (3, 3), 40));
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}

#[test]
fn a_deposit_exit_of_anothers_lock_or_a_lock_into_another_child_is_convicted() {
    // Block 4 locks 20 of Alice's 50 (3:3:0) into the child for Bob (4:0, her 30 back at
    // 4:0:0), registers a second child (4:1), and locks 10 of her 30 into it for herself (4:2,
    // her 20 back at 4:2:0); block 5 holds her start of an exit of the first child's deposit
    // naming Bob's lock, or her lock into the second child, bonding 10 of her 20 at 4:2:0.
    let (_, mut chain) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let second = registration(1);
    let other = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &second);
    // A lock of `amount` for `to` into the child registered at `registered`.
    let lock = |to: Address, amount: u64, (into, registered): (u64, TxRef)| {
        let lock = ChildDeposit {
            childChainId: into,
            recipient: to,
            token: Address::ZERO,
            amount: U256::from(amount),
            registeredHeight: registered.height,
            registeredIndex: registered.index,
            ..Default::default()
        };
        lock.abi_encode()
    };
    let child = (child, TxRef { height: 3, index: 0 });
    let other = (other, TxRef { height: 4, index: 1 });
    let bob = testkit::user("bob").address();
    let alice = testkit::user("alice").address();
    let for_bob = alices(&chain, Kind::DepositToChild, (3, 3), 30, lock(bob, 20, child));
    let for_her = alices(&chain, Kind::DepositToChild, (4, 0), 20, lock(alice, 10, other));
    chain.commit(vec![for_bob, build::register_child_tx(&second), for_her]);
    let honest = chain.clone();
    let cases = [
        ("a deposit exit of another's deposit", TxRef { height: 4, index: 0 }),
        ("a deposit exit naming a lock into another child", TxRef { height: 4, index: 2 }),
    ];
    for (name, lock) in cases {
        let mut chain = honest.clone();
        let exit = record_exit(&chain, child.0, lock.deposit_nonce(), (4, 2), 10);
        chain.commit_unchecked(vec![exit]);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
}

#[test]
fn a_payout_of_a_record_exit_early_or_above_its_deposit_is_convicted() {
    // Alice's exit of her deposit of 40 is queued at 3:3 (bond 10); block 4, timed from when it
    // is due, pays it: one second early, or once due one more than her deposit and bond. The
    // start and the lock at its nonce's place show both, whatever the parent's record.
    let (_, before) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(before.domain.chain_id, &registration(0));
    let id = plasma_ledger::exit::ExitKey::Deposit(ALICES_DEPOSIT).exit_id();
    let exit = before.state.child_exit(child, &id).expect("queued");
    let payout = |chain: &TestChain, more: u64| {
        let escrow = plasma_ledger::children::escrow_at(&chain.state, child, &Address::ZERO);
        let mut payout = build::payout_transaction(child, &exit, escrow, (0, Default::default()));
        payout.transaction.outputs[0].amount += U256::from(more);
        payout
    };
    let timed = |from_due: i64| {
        let mut chain = before.clone();
        let due = exit.record.exitableAt.checked_add_signed(from_due).expect("a time");
        chain.clock_offset += due - (chain.tip().timestamp + 10);
        chain
    };
    let cases = [
        ("a payout of Alice's exit from the record before it is due", -1, 0),
        ("a payout of Alice's exit from the record above her deposit and bond", 0, 1),
    ];
    for (name, from_due, more) in cases {
        let mut chain = timed(from_due);
        let honest = chain.clone();
        chain.commit_unchecked(vec![payout(&chain, more)]);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
    // Once due, her 40 and her bond are owed: the parent takes that payout.
    let mut chain = timed(0);
    let owed = payout(&chain, 0);
    assert_eq!(owed.transaction.outputs.iter().map(|o| o.amount).sum::<U256>(), U256::from(50));
    chain.commit(vec![owed]);
}

#[test]
fn a_mint_in_a_gap_of_a_plasma_parents_nonces_or_again_is_convicted() {
    // A child of a plasma parent: its parent recorded deposits locked at 3:0 and 9:2, and
    // block 1 mints the first. Block 2 mints a deposit the parent never recorded, at a nonce
    // below the next one the child may mint (in a gap), or the first one again.
    let alice = testkit::user("alice").address();
    let mut chain = TestChain::new();
    let chain_id = chain.domain.chain_id;
    let record = |nonce: u64| plasma_ledger::DepositRecord {
        chainId: chain_id,
        nonce,
        depositor: alice,
        recipient: alice,
        token: Address::ZERO,
        amount: U256::from(30),
    };
    let (first, second) = (record(3 << 32), record(9 << 32 | 2));
    chain.add_parent_deposit(first.clone());
    chain.add_parent_deposit(second);
    chain.commit(vec![deposit_transaction(&first)]);
    let honest = chain.clone();
    for (name, minted) in
        [("a mint in a gap", record(5)), ("the first deposit minted again", first)]
    {
        let mut chain = honest.clone();
        chain.commit_unchecked(vec![deposit_transaction(&minted)]);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &honest, 2, |_| 2);
    }
}

#[test]
fn every_lock_into_a_child_never_registered_there_is_convicted_by_the_watchers_proof() {
    // Block 3 registers the child (3:0); block 4 holds Alice's lock of 10 of her 50 (3:3:0)
    // into it, or into a child never registered, naming another place as its registration.
    let lock = |into: u64, registered: TxRef| {
        let lock = ChildDeposit {
            childChainId: into,
            recipient: testkit::user("alice").address(),
            token: Address::ZERO,
            amount: U256::from(10),
            registeredHeight: registered.height,
            registeredIndex: registered.index,
            ..Default::default()
        };
        move |c: &TestChain| alices(c, Kind::DepositToChild, (3, 3), 40, lock.abi_encode())
    };
    let at = |height, index| TxRef { height, index };
    let cases: [(&str, bool, TxRef); 5] = [
        ("a lock into a child never registered, naming another's registration", false, at(3, 0)),
        ("a lock naming a checkpoint as its child's registration", true, at(3, 1)),
        ("a lock naming a place past its block's end as its child's registration", true, at(3, 9)),
        ("a lock naming no registration", true, TxRef::default()),
        ("a lock naming itself as its child's registration", true, at(4, 0)),
    ];
    for (name, registered_child, named) in cases {
        let (chain, honest) = after_acceptance(|c, child| {
            lock(if registered_child { child } else { child ^ 1 }, named)(c)
        });
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
    // Naming where it was registered, the lock is valid.
    let (_, mut chain) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let honest = lock(child, at(3, 0))(&chain);
    let before = chain.state.escrow(child, &Address::ZERO);
    chain.commit(vec![honest]);
    assert_eq!(chain.state.escrow(child, &Address::ZERO), before + U256::from(10));
}
