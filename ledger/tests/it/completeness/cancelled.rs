//! The law's cases about a cancellation of a child's exit whose anchor stands: the quorum
//! returns Alice's bond alone and drops her exit from the queue, so that her output must start
//! again, behind every exit started meanwhile — and a quorum that does it at each turn keeps
//! her from her funds for ever. A cancellation names the fraud proof that voided its exit
//! (where the parent heard the latest one against the child), so one that names none, or
//! one that voids nothing below the exit's anchor, is proven from the parent's history alone.

use super::payouts::after_start_all;
use super::*;
use plasma_ledger::children::{escrow_at, relinked, ChildExit};
use plasma_ledger::view::LedgerView;
use plasma_ledger::ExitPayoutClaim;

/// The proof that `child`'s validators certified two blocks at `height`, relinked on `c`.
fn equivocation_at(c: &TestChain, child: u64, height: u64) -> SignedTransaction {
    let (a, b) = (child_header(child, height, 0).1, child_header(child, height, 1).1);
    let evidence = plasma_ledger::EquivocationEvidence { a, b };
    let proof = plasma_ledger::FraudProof {
        kind: plasma_ledger::types::FraudKind::Equivocation as u8,
        evidence: evidence.abi_encode().into(),
        ..Default::default()
    };
    let claim = plasma_ledger::ChildFraudProof { childChainId: child, proof, ..Default::default() };
    let claim = plasma_ledger::children::signed_by(&c.domain, &testkit::user("alice"), claim);
    relinked(&c.state, &build::prove_child_fraud_tx(&claim, U256::ZERO)).expect("a fraud proof")
}

/// The cancellation of `exit` of `child` on `c`, returning its bond alone and naming the fraud
/// proof at `voided_by`.
fn cancelling(c: &TestChain, child: u64, exit: &ChildExit, voided_by: TxRef) -> SignedTransaction {
    let escrow = escrow_at(&c.state, child, &Address::ZERO);
    // A rollback at the exit's anchor makes the builder cancel it.
    let tx = build::payout_transaction(child, exit, escrow, (exit.anchor, voided_by));
    let claim = ExitPayoutClaim::abi_decode(&tx.transaction.data).expect("a claim");
    assert!(claim.cancels, "a cancellation");
    tx
}

/// What the outputs of transaction `index` of block 5 pay.
fn returned(chain: &TestChain, index: usize) -> Vec<U256> {
    chain.blocks[4].transactions[index].transaction.outputs.iter().map(|o| o.amount).collect()
}

#[test]
fn a_cancellation_of_an_exit_no_fraud_proof_voided_is_convicted() {
    // Alice's exits stand on the child's block 1 and are due; the escrow holds her 40. The
    // quorum cancels her first exit, naming no fraud proof (none was heard).
    let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
        vec![cancelling(c, child, exits[0], TxRef::default())]
    });
    assert_eq!(returned(&chain, 0), [U256::from(10)], "her bond alone: her 20 stays behind");
    assert_convicted("a standing exit cancelled, no fraud proof heard", &chain, &honest, 5, |_| 5);
    // Or naming a transaction that is no fraud proof (her own start), or a place that holds
    // nothing.
    for (name, named) in [
        ("naming her start", TxRef { height: 4, index: 0 }),
        ("naming nothing", TxRef { height: 4, index: 7 }),
    ] {
        let (chain, honest) =
            after_start_all((40, 0), |c, child, exits| vec![cancelling(c, child, exits[0], named)]);
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
}

#[test]
fn a_cancellation_under_a_fraud_proof_shown_above_the_exits_anchor_is_convicted() {
    // The child's validators certified two blocks at height 2: the child is frozen from 2, and
    // Alice's exits, on its block 1, stand. The quorum cancels the first, naming that proof.
    let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
        let proof = equivocation_at(c, child, 2);
        vec![proof, cancelling(c, child, exits[0], TxRef { height: 5, index: 0 })]
    });
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let (_, error) = first_invalid(&chain.domain, &honest.state, &chain.blocks[4..]).expect("bad");
    let standing = matches!(
        &error,
        BlockError::InvalidTransaction { index: 1, error: TxError::StandingExitCancelled { .. } }
    );
    assert!(standing, "{error}");
    assert_eq!(returned(&chain, 1), [U256::from(10)], "her bond alone");
    assert_eq!(honest.state.escrow(child, &Address::ZERO), U256::from(40), "her 40 held");
    assert_convicted("a standing exit cancelled under a higher fraud", &chain, &honest, 5, |_| 5);
}

/// Block 5: a proof that the child's validators certified two blocks at 2 (5:0), then one at
/// 1 (5:1), which lowers the rollback to 1 and voids Alice's exits, then the cancellation of
/// her first exit naming the proof at `named`.
fn two_proofs_then_cancelling(named: TxRef) -> (TestChain, TestChain) {
    after_start_all((40, 0), |c, child, exits| {
        let higher = equivocation_at(c, child, 2);
        let mut after = c.clone();
        after.commit(vec![higher.clone()]);
        let lower = equivocation_at(&after, child, 1);
        vec![higher, lower, cancelling(c, child, exits[0], named)]
    })
}

#[test]
fn a_cancellation_naming_a_fraud_proof_other_than_the_latest_is_convicted() {
    // A cancellation must name the latest proof, where the rollback was set.
    let (chain, honest) = two_proofs_then_cancelling(TxRef { height: 5, index: 0 });
    let (_, error) = first_invalid(&chain.domain, &honest.state, &chain.blocks[4..]).expect("bad");
    let link = matches!(
        &error,
        BlockError::InvalidTransaction { index: 2, error: TxError::CancellationLink { .. } }
    );
    assert!(link, "{error}");
    assert_convicted("a cancellation naming an earlier proof", &chain, &honest, 5, |_| 5);
}

#[test]
fn the_cancellation_naming_the_proof_that_voided_the_exit_is_valid_and_returns_the_bond() {
    // As above, naming the latest proof (at 5:1): owed, it is valid.
    let (chain, honest) = two_proofs_then_cancelling(TxRef { height: 5, index: 1 });
    let run = &chain.blocks[4..5];
    let refused = first_invalid(&chain.domain, &honest.state, run).map(|(_, e)| e.to_string());
    assert_eq!(refused, None, "the owed cancellation is valid");
    assert_eq!(returned(&chain, 2), [U256::from(10)], "the bond alone");
}
