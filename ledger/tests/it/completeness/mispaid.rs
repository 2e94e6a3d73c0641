//! The law's cases about a payout of a child's exit, due and first in its queue, that pays the
//! exit otherwise than it is owed: less than its claim while the escrow holds more (the rest
//! left to the exits behind it, or burnt), a bond short, or in full an exit whose anchor a fraud
//! proof the parent heard voided (an output of a history the proof showed invalid, paid from
//! the escrow of the child's honest users).

use super::payouts::{after_start_all, paying};
use super::*;
use plasma_ledger::view::LedgerView;
use plasma_ledger::ExitPayoutClaim;

/// `payout` with its claim taking `paid` from the escrow and leaving `escrowed` (a link the
/// escrow's chain founds, when the two add up to what it held), and its outputs paying
/// `amounts` to the same owner in ETH.
fn paid_as(
    mut payout: SignedTransaction,
    (paid, escrowed): (u64, u64),
    amounts: &[u64],
) -> SignedTransaction {
    let tx = &mut payout.transaction;
    let mut claim = ExitPayoutClaim::abi_decode(&tx.data).expect("a payout");
    (claim.paid, claim.escrowed) = (U256::from(paid), U256::from(escrowed));
    tx.data = claim.abi_encode().into();
    let owner = tx.outputs[0].owner;
    tx.outputs =
        amounts.iter().map(|a| Output::new(owner, Address::ZERO, U256::from(*a))).collect();
    payout
}

/// The refusal of block 5, which must be `expected`.
fn assert_refused(
    name: &str,
    chain: &TestChain,
    honest: &TestChain,
    expected: fn(&TxError) -> bool,
) {
    let (_, error) = first_invalid(&chain.domain, &honest.state, &chain.blocks[4..]).expect(name);
    let refused = matches!(&error, BlockError::InvalidTransaction { error, .. } if expected(error));
    assert!(refused, "{name}: {error}");
}

fn mismatch(e: &TxError) -> bool {
    matches!(e, TxError::PayoutMismatch { .. })
}

#[test]
fn every_payout_paying_a_due_exit_otherwise_than_it_is_owed_is_convicted() {
    // The escrow holds Alice's 40; her first exit claims 20 with a bond of 10 and is due, first
    // in its queue: it is owed 20 (taken from the escrow, which keeps 20) and 10 back.
    type Case = (&'static str, (u64, u64), &'static [u64]);
    let cases: [Case; 6] = [
        ("an exit paid 15 of its 20, the escrow keeping the rest", (15, 25), &[15, 10]),
        ("an exit's 20 taken from the escrow, 15 of it paid", (20, 20), &[15, 10]),
        ("25 taken from the escrow for an exit of 20", (25, 15), &[20, 10]),
        ("an exit's bond paid back short", (20, 20), &[20, 5]),
        ("an exit's bond kept", (20, 20), &[20]),
        ("an exit's claim and bond paid in one output", (20, 20), &[30]),
    ];
    for (name, claim, amounts) in cases {
        let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
            vec![paid_as(paying(c, child, exits[0], 0), claim, amounts)]
        });
        assert_refused(name, &chain, &honest, mismatch);
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
}

#[test]
fn a_payout_in_full_of_an_exit_a_fraud_proof_voided_is_convicted() {
    // Alice's exits stand on the child's block 1. Block 5 holds the proof that the child's
    // validators certified two blocks at height 1 — the child frozen from 1, both exits voided,
    // owed their bonds alone — then a payout of the first in full: 20 of the escrow of the
    // child's honest users paid for an output of the history the proof voided.
    let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
        let proof = plasma_ledger::children::relinked(&c.state, &equivocation_proof(c, child))
            .expect("a fraud proof");
        vec![proof, paying(c, child, exits[0], 0)]
    });
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let before = honest.state.escrow(child, &Address::ZERO);
    assert_eq!(before, U256::from(40), "Alice's lock");
    let paid_in_full = |e: &TxError| matches!(e, TxError::VoidedExitPaid { .. });
    assert_refused("a voided exit paid in full", &chain, &honest, paid_in_full);
    assert_convicted("a voided exit paid in full", &chain, &honest, 5, |_| 5);
    // A cancellation returns the bond alone; returning less is convicted too.
    let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
        let proof = plasma_ledger::children::relinked(&c.state, &equivocation_proof(c, child))
            .expect("a fraud proof");
        let rollback = (1, TxRef { height: 5, index: 0 });
        let escrow = plasma_ledger::children::escrow_at(&c.state, child, &Address::ZERO);
        let mut cancel = build::payout_transaction(child, exits[0], escrow, rollback);
        cancel.transaction.outputs[0].amount = U256::from(5);
        vec![proof, cancel]
    });
    assert_refused("a voided exit's bond returned short", &chain, &honest, mismatch);
    assert_convicted("a voided exit's bond returned short", &chain, &honest, 5, |_| 5);
}

#[test]
fn the_payout_the_parent_owes_after_a_fraud_proof_is_valid_and_returns_the_bond_alone() {
    // The cases above differ from this one only by what they break.
    let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
        let proof = plasma_ledger::children::relinked(&c.state, &equivocation_proof(c, child))
            .expect("a fraud proof");
        let escrow = plasma_ledger::children::escrow_at(&c.state, child, &Address::ZERO);
        let voided_by = TxRef { height: 5, index: 0 };
        vec![proof, build::payout_transaction(child, exits[0], escrow, (1, voided_by))]
    });
    let run = &chain.blocks[4..5];
    assert!(first_invalid(&chain.domain, &honest.state, run).is_none(), "the owed one is valid");
    let paid: Vec<_> =
        run[0].transactions[1].transaction.outputs.iter().map(|o| o.amount).collect();
    assert_eq!(paid, [U256::from(10)], "the bond alone");
}
