//! The law's cases about a transaction standing on a child's checkpoint that a fraud proof the
//! parent heard before voided: an exit under it would be paid from the child's escrow for an
//! output of a history the proof showed invalid.

use super::exits::{after_acceptance, mallorys_fraud_proof, ALICES_DEPOSIT};
use super::*;
use plasma_ledger::view::LedgerView;
use plasma_ledger::{ChildDepositExitChallenge, ChildExitStart, ChildFraudProof};

/// [`after_acceptance`]'s blocks 1 to 3 (the child's block 1 accepted at 3:1), then block 4
/// with the proof that the child's validators certified two blocks at height 1, which freezes
/// the child from there; then `fault`'s transaction sealed unchecked as block 5, and an empty
/// block 6 as the checkpoint. Returns the chain and the state before block 5.
fn after_fraud(fault: impl FnOnce(&TestChain, u64) -> SignedTransaction) -> (TestChain, TestChain) {
    let (_, mut chain) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let proof = equivocation_proof(&chain, child);
    let proof = plasma_ledger::children::relinked(&chain.state, &proof).expect("a fraud proof");
    chain.commit(vec![proof]);
    assert_eq!(chain.state.child(child).expect("registered").rollback_height, 1, "frozen from 1");
    let honest = chain.clone();
    let tx = fault(&chain, child);
    chain.commit_unchecked(vec![tx]);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
}

/// The child's block 1, voided, and where the parent accepted it (3:1).
fn voided_anchor(chain: &TestChain, child: u64) -> (BlockHeader, plasma_ledger::Acceptance) {
    let anchor = child_header(child, 1, 0).0;
    (anchor.clone(), chain.acceptance(&anchor))
}

#[test]
fn every_exit_or_challenge_under_a_checkpoint_a_fraud_proof_voided_is_convicted() {
    type Fault = fn(&TestChain, u64) -> SignedTransaction;
    let cases: [(&str, Fault); 2] = [
        ("an exit under a checkpoint a fraud proof voided", |chain, child| {
            let (anchor, acceptance) = voided_anchor(chain, child);
            let start = ChildExitStart {
                childChainId: child,
                anchor,
                pos: UtxoPos::new(1, 0, 0),
                acceptance,
                ..Default::default()
            };
            super::exits::alices(chain, Kind::StartChildExit, (3, 3), 40, start.abi_encode())
        }),
        ("a deposit exit challenged under a checkpoint a fraud proof voided", |chain, child| {
            let (anchor, acceptance) = voided_anchor(chain, child);
            let challenge = ChildDepositExitChallenge {
                childChainId: child,
                nonce: ALICES_DEPOSIT,
                anchor,
                beneficiary: testkit::user("mallory").address(),
                acceptance,
                startHeight: 3,
                startIndex: 3,
                ..Default::default()
            };
            build::challenge_child_deposit_exit_tx(&challenge, U256::from(10))
        }),
    ];
    for (name, fault) in cases {
        let (chain, honest) = after_fraud(fault);
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
}

#[test]
fn a_fraud_proof_shown_under_a_checkpoint_an_earlier_one_voided_is_convicted() {
    // Shown under the child's block 1, accepted: the equivocation at 1 voided it. The parent
    // refuses it as lowering nothing, and the watcher proves it voided.
    let (chain, honest) = after_fraud(|chain, child| {
        let (anchor, acceptance) = voided_anchor(chain, child);
        mallorys_fraud_proof(chain, child, anchor, acceptance)
    });
    let run = &chain.blocks[4..];
    let (bad, error) = first_invalid(&chain.domain, &honest.state, run).expect("refused");
    assert!(
        matches!(&error, BlockError::InvalidTransaction { error: plasma_ledger::tx::TxError::System(e), .. }
            if matches!(**e, ChildError::NotBelowShown { height: 1, shown: 1, .. })),
        "{error}"
    );
    let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
    let proof =
        chain.with_proof_context(|cx| build_proof(cx, bad, &error, records)).expect("a proof");
    let judged =
        fraud::judge(&chain.domain, &proof, records, |_| None, |_| None).expect("convicts");
    assert_eq!((judged.kind, judged.height), (FraudKind::VoidedAnchor, 5));
}

#[test]
fn an_equivocation_at_height_zero_neither_unfreezes_a_child_nor_lifts_its_rollback() {
    // Frozen from 1 by the equivocation at 1. Two certificates of the child's validators at
    // height 0, where no block stands, would set the rollback to 0: the child unfrozen, and a
    // later proof free to raise the rollback past the blocks the first voided — and an honest
    // exit under them convicted as standing on a voided checkpoint.
    let (_, mut chain) = after_fraud(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let (keys, set) = testkit::committee(4);
    let at_zero = |skew| {
        let mut header = child_header(child, 1, skew).0;
        header.height = 0;
        testkit::certify_all(&set, &keys, &header)
    };
    let (a, b) = (at_zero(0), at_zero(1));
    let proof = plasma_ledger::FraudProof {
        kind: plasma_ledger::types::FraudKind::Equivocation as u8,
        evidence: plasma_ledger::EquivocationEvidence { a, b }.abi_encode().into(),
        ..Default::default()
    };
    let prover = testkit::user("mallory").address();
    let c = ChildFraudProof { childChainId: child, proof, prover, ..Default::default() };
    let (c, reward) = plasma_ledger::children::on_stakes(&chain.state, c);
    let refused = chain.try_commit(vec![build::prove_child_fraud_tx(&c, reward)]);
    let not_conflicting = ChildError::Fraud(fraud::FraudError::NotConflicting);
    assert!(
        matches!(&refused, Err(BlockError::InvalidTransaction { error: plasma_ledger::tx::TxError::System(e), .. })
            if **e == not_conflicting),
        "{refused:?}"
    );
    let record = chain.state.child(child).expect("registered");
    assert_eq!((record.frozen(), record.rollback_height), (true, 1), "the rollback stands");
}
