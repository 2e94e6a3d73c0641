//! The law's cases about a payout of a child's exit of an output that its start founds but
//! the parent does not owe yet, or not that much: each would let a quorum pay a spent output
//! before anyone could challenge it, or drain the child's escrow.

use super::*;
use plasma_ledger::acceptance::acceptance_of;
use plasma_ledger::children::{child_domain, ChildExit};
use plasma_ledger::exit::ExitKey;
use plasma_ledger::view::LedgerView;
use plasma_ledger::{Checkpoint, ChildExitStart, ExitPayoutClaim};

/// Blocks 1 and 2 as [`honest_start`]'s; block 3 registers a child of four validators (exit
/// period 60 s, bond 10), accepts its checkpoint of its block 1, which mints Alice's deposits
/// of 20 and 20 (3:1), and holds her lock of 40 into it (3:2); block 4 is her exits of those
/// two minted outputs, each bonding 10 of her change: the first is ahead of the second in
/// the queue (one time, a lower position). Then `payout`'s transaction, given the chain and
/// the two queued exits, is sealed unchecked as block 5, timed `from_due` seconds from when
/// they are due, and an empty block 6 is the checkpoint. Returns the chain and the state
/// before block 5.
fn after_start(
    from_due: i64,
    payout: impl FnOnce(&TestChain, u64, [&ChildExit; 2]) -> SignedTransaction,
) -> (TestChain, TestChain) {
    after_start_all((40, from_due), |c, child, exits| vec![payout(c, child, exits)])
}

/// [`after_start`], with Alice locking `locked` (of her 100) into the child and block 5
/// holding every transaction `payouts` gives.
pub(super) fn after_start_all(
    (locked, from_due): (u64, i64),
    payouts: impl FnOnce(&TestChain, u64, [&ChildExit; 2]) -> Vec<SignedTransaction>,
) -> (TestChain, TestChain) {
    let mut chain = honest_start();
    let alice = testkit::user("alice");
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let (keys, set) = testkit::committee(4);
    let mut child_chain = TestChain::with_domain(child_domain(&chain.domain, child), set.hash());
    let minted: Vec<_> = (0..2)
        .map(|_| {
            deposit_transaction(&child_chain.record_deposit(alice.address(), Address::ZERO, 20))
        })
        .collect();
    child_chain.commit(minted);
    let header = child_chain.tip().clone();
    let certificate = testkit::certify_all(&set, &keys, &header);
    let checkpoint = Checkpoint { header: header.clone(), certificate };
    let setup = chain.clone();
    let block_3 = child_then(&setup, 4, |c, child| {
        vec![first_checkpoint(c, &checkpoint), lock_of(c, child, locked)]
    });
    chain.commit(block_3);
    // Exit `index` of child block 1, bonded from Alice's change at `coin`, `keep` of it back.
    let start = |index: u32, coin: UtxoPos, keep: u64| {
        let start = ChildExitStart {
            childChainId: child,
            anchor: header.clone(),
            pos: UtxoPos::new(1, index, 0),
            inclusion: child_chain.inclusion(1, index),
            acceptance: acceptance_of(chain.inclusion_under(3, 1, 3)),
            ..Default::default()
        };
        let change = Output::new(alice.address(), Address::ZERO, U256::from(keep));
        let tx =
            build::transaction(Kind::StartChildExit, vec![coin], vec![change], start.abi_encode());
        build::sign(&chain.domain, tx, &[&alice])
    };
    let change = 100 - locked;
    let starts = vec![
        start(0, UtxoPos::new(3, 2, 0), change - 10),
        start(1, UtxoPos::new(4, 0, 0), change - 20),
    ];
    chain.commit(starts);
    let exit =
        |nonce| chain.state.child_exit(child, &ExitKey::Deposit(nonce).exit_id()).expect("queued");
    let (first, second) = (exit(0), exit(1));
    let next_time = chain.tip().timestamp + 10;
    let due = first.record.exitableAt.checked_add_signed(from_due).expect("a time");
    chain.clock_offset +=
        due.checked_sub(next_time).expect("the exits are due after block 5's time");
    let honest = chain.clone();
    let txs = payouts(&chain, child, [&first, &second]);
    chain.commit_unchecked(txs);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
}

/// The payout the parent owes once `exit` is due (its 20 and the bond of 10 to Alice), with
/// its first output's amount raised by `more`.
pub(super) fn paying(
    chain: &TestChain,
    child: u64,
    exit: &ChildExit,
    more: u64,
) -> SignedTransaction {
    let escrow = plasma_ledger::children::escrow_at(&chain.state, child, &Address::ZERO);
    let mut payout = build::payout_transaction(child, exit, escrow, (0, Default::default()));
    payout.transaction.outputs[0].amount += U256::from(more);
    payout
}

/// `payout` saying it cancels its exit: only its bond is owed, as the output may exit again.
fn cancelling(mut payout: SignedTransaction) -> SignedTransaction {
    let mut claim = ExitPayoutClaim::abi_decode(&payout.transaction.data).expect("a claim");
    claim.cancels = true;
    payout.transaction.data = claim.abi_encode().into();
    payout
}

#[test]
fn every_payout_its_start_shows_not_owed_is_convicted_by_the_watchers_proof() {
    // Paid its claim and bond yet called a cancellation, the exit could start again and be
    // paid twice.
    let (chain, honest) =
        after_start(0, |c, child, exits| cancelling(paying(c, child, exits[0], 0)));
    assert_convicted("a cancellation paying the claim with the bond", &chain, &honest, 5, |_| 5);
    type Case = (&'static str, i64, usize, u64);
    let cases: [Case; 4] = [
        ("a payout a minute before the exit is due", -60, 0, 0),
        ("a payout a second before the exit is due", -1, 0, 0),
        ("a payout of one more than the exit claims, once due", 0, 0, 1),
        // Not first in its queue: what it is owed is still its start's to show.
        ("a payout of more than the exit second in its queue claims", 0, 1, 1),
    ];
    for (name, from_due, which, more) in cases {
        let (chain, honest) =
            after_start(from_due, |c, child, exits| paying(c, child, exits[which], more));
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
}

#[test]
fn the_payout_owed_once_due_is_valid_and_pays_alice_her_claim_and_bond() {
    // The law's cases differ from this one only by what they break.
    let (chain, honest) = after_start(0, |c, child, exits| paying(c, child, exits[0], 0));
    let run = &chain.blocks[4..5];
    assert!(first_invalid(&chain.domain, &honest.state, run).is_none(), "the owed one is valid");
    let paid: Vec<_> =
        run[0].transactions[0].transaction.outputs.iter().map(|o| o.amount).collect();
    assert_eq!(paid, [U256::from(20), U256::from(10)]);
}
