//! Fraud proven against a child: rollback, freeze, slashing and the prover's reward.

use super::*;

/// A parent whose child's four validators (operators with keys) staked 10 each; the
/// child's block 1 mints 30 to Bob, its block 2 (certified by 0, 1, 2 and checkpointed)
/// inflates it to 300. Returns the parent, the child, its id and the operators' keys.
pub(super) fn staked_child_with_inflation(
) -> (TestChain, TestChain, u64, Vec<crate::signing::UserKey>) {
    let StakedChild { mut parent, mut child, id, set, keys, ops } = staked_child();
    let bob = user("bob");
    let minted = child.record_deposit(bob.address(), Address::ZERO, 30);
    child.commit(vec![build::deposit_transaction(&minted)]);
    let inflate = build::transfer(
        &child.domain,
        &[(UtxoPos::new(1, 0, 0), &bob)],
        vec![Output::new(bob.address(), Address::ZERO, U256::from(300))],
    );
    child.commit_unchecked(vec![inflate]);
    let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
    let certificate = crate::testkit::certified(&set, &signers, child.tip(), 0);
    let cp = Checkpoint { header: child.tip().clone(), certificate };
    parent.commit(vec![parent.checkpoint_tx(&cp)]);
    (parent, child, id, ops)
}

pub(super) fn inflation_proof(child: &TestChain, parent: &TestChain, id: u64) -> FraudProof {
    let anchor = child.tip().clone();
    let evidence = crate::types::InflationEvidence {
        height: 2,
        txIndex: 0,
        spend: child.inclusion(2, 0),
        inputs: vec![child.inclusion(1, 0)],
        registration: vec![],
    };
    let checkpoint = parent.state.child_checkpoint(id, 2);
    assert_eq!(checkpoint, Some(anchor.hash()), "the parent accepted the anchor");
    let (keys, _) = committee(4);
    let set_members = parent.state.child(id).expect("child").validators().to_vec();
    let set = crate::certificate::ValidatorSet::new(set_members).expect("set");
    let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
    let certificate = crate::testkit::certified(&set, &signers, &anchor, 0);
    crate::fraud::evidence::proof(
        crate::types::FraudKind::Inflation,
        &anchor,
        &certificate,
        &evidence,
    )
}

#[test]
fn a_proven_fraud_freezes_the_child_takes_the_signers_stakes_and_pays_the_prover() {
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let value = parent.state.total_value()[&Address::ZERO];
    assert_eq!(parent.state.child_stake(id, &ops[0].address()), U256::from(10));
    let proof = inflation_proof(&child, &parent, id);
    let dave = user("dave").address();
    let fraud = ChildFraudProof {
        childChainId: id,
        acceptance: parent.acceptance(&proof.anchor),
        proof: proof.clone(),
        ..Default::default()
    };
    let fraud = crate::children::signed_by(&parent.domain, &user("dave"), fraud);
    let (fraud, reward) = on_stakes(&parent.state, fraud);
    assert_eq!((fraud.staked, reward), (U256::from(10), U256::from(15)), "40 staked, 30 taken");
    // Three stakes of 10 taken, half to the prover: exactly 15, no more.
    assert!(matches!(
        tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(16))),
        TxError::System(e) if *e == ChildError::RewardOutput
    ));
    let (_, delta) = parent.commit(vec![prove_child_fraud_tx(&fraud, U256::from(15))]);
    let record = parent.state.child(id).expect("child");
    assert_eq!(record.rollback_height, 2, "rolled back to the inflating block");
    for (i, op) in ops.iter().enumerate() {
        let left = parent.state.child_stake(id, &op.address());
        assert_eq!(left, U256::from(if i < 3 { 0 } else { 10 }), "stake {i}");
    }
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(15)));
    let burned = U256::from(15);
    assert_eq!(parent.state.total_value()[&Address::ZERO], value - burned);

    // Frozen: no second proof, no checkpoint, no deposit.
    assert!(matches!(
        proof_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::ZERO)),
        TxError::System(e) if matches!(*e, ChildError::NotBelowShown { chain, .. } if chain == id)
    ));
    let (keys, _) = committee(4);
    let set = crate::certificate::ValidatorSet::new(record.validators().to_vec()).expect("set");
    let mut later = child.clone();
    later.commit_unchecked(vec![]);
    let signers: Vec<_> = keys.iter().enumerate().collect();
    let certificate = crate::testkit::certified(&set, &signers, later.tip(), 0);
    let cp = Checkpoint { header: later.tip().clone(), certificate };
    let tx = parent.checkpoint_tx(&cp);
    assert!(matches!(
        tx_refusal(&mut parent, tx),
        TxError::System(e) if *e == ChildError::Frozen(id)
    ));
    let lock = lock_into(id, dave, Address::ZERO, 15);
    let op3 = &ops[3];
    let stake_change = UtxoPos::new(3, 3, 0);
    let tx =
        build::transaction(Kind::DepositToChild, vec![stake_change], vec![], lock.abi_encode());
    let signed = build::sign(&parent.domain, tx, &[op3]);
    assert!(matches!(
        tx_refusal(&mut parent, signed),
        TxError::System(e) if *e == ChildError::Frozen(id)
    ));
}

#[test]
fn a_stake_committed_after_a_watcher_built_its_proof_does_not_hold_the_proof_off() {
    // Dave's proof stands on the stakes as they were; operator 3 (who did not sign) then
    // stakes one wei more. As built, the proof no longer stands on the stakes: a proposer sets
    // them (they are no signed data), and the proof takes the same 30 and pays the same 15.
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let proof = inflation_proof(&child, &parent, id);
    let dave = user("dave").address();
    let fraud = ChildFraudProof {
        childChainId: id,
        acceptance: parent.acceptance(&proof.anchor),
        proof,
        ..Default::default()
    };
    let fraud = crate::children::signed_by(&parent.domain, &user("dave"), fraud);
    let (fraud, reward) = on_stakes(&parent.state, fraud);
    let built = prove_child_fraud_tx(&fraud, reward);
    let op3 = &ops[3];
    let more = stake_on(id, 1, stakes_of(&parent.state, id));
    let change = vec![Output::new(op3.address(), Address::ZERO, U256::from(14))];
    let tx = build::transaction(
        Kind::StakeChild,
        vec![UtxoPos::new(3, 3, 0)],
        change,
        more.abi_encode(),
    );
    parent.commit(vec![build::sign(&parent.domain, tx, &[op3])]);
    assert!(matches!(
        tx_refusal(&mut parent, built.clone()),
        TxError::System(e) if matches!(*e, ChildError::StakesLink { .. })
    ));
    let restaked = crate::children::restaked(&parent.state, &built).expect("a fraud proof");
    let (_, delta) = parent.commit(vec![restaked]);
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(15)));
    let record = parent.state.child(id).expect("child");
    assert_eq!((record.rollback_height, record.staked), (2, U256::from(11)));
    assert_eq!(parent.state.child_stake(id, &op3.address()), U256::from(11));
}

#[test]
fn a_fraud_proof_re_linked_past_the_size_limit_or_malformed_is_left_as_it_came() {
    // Re-linked, Dave's proof pays him 15: one more output. Padded to just under the limit
    // with none, it would outgrow what a block's reader takes, and halt every proposal that
    // held it; one carrying an input is malformed. Both are left as they came (and refused).
    let (parent, child, id, _) = staked_child_with_inflation();
    let proof = inflation_proof(&child, &parent, id);
    let acceptance = parent.acceptance(&proof.anchor);
    let fraud = ChildFraudProof { childChainId: id, acceptance, proof, ..Default::default() };
    let fraud = crate::children::signed_by(&parent.domain, &user("dave"), fraud);
    let mut padded = fraud.clone();
    let room = MAX_TX_BYTES - prove_child_fraud_tx(&padded, U256::ZERO).abi_encode().len();
    let signature = padded.proof.anchorCertificate.aggregateSignature.len();
    padded.proof.anchorCertificate.aggregateSignature = vec![0; signature + room / 32 * 32].into();
    let padded = prove_child_fraud_tx(&padded, U256::ZERO);
    assert!(padded.abi_encode().len() <= MAX_TX_BYTES);
    assert!(crate::children::restaked(&parent.state, &padded).is_none(), "it would outgrow");
    let mut spending = prove_child_fraud_tx(&fraud, U256::ZERO);
    spending.transaction.inputs = vec![UtxoPos::new(3, 3, 0)];
    assert!(crate::children::restaked(&parent.state, &spending).is_none(), "malformed");
    let fits = crate::children::restaked(&parent.state, &prove_child_fraud_tx(&fraud, U256::ZERO));
    assert_eq!(fits.expect("re-linked").transaction.outputs.len(), 1, "it pays Dave");
}

#[test]
fn a_fraud_proof_of_an_honest_block_convicts_nobody() {
    let (mut parent, child, id, _) = staked_child_with_inflation();
    let mut proof = inflation_proof(&child, &parent, id);
    // The deposit itself (block 1) conserves value: no inflation there.
    let honest = crate::types::InflationEvidence {
        height: 1,
        txIndex: 0,
        spend: child.inclusion(1, 0),
        inputs: vec![],
        registration: vec![],
    };
    proof.evidence = honest.abi_encode().into();
    let fraud = ChildFraudProof {
        childChainId: id,
        acceptance: parent.acceptance(&proof.anchor),
        proof,
        ..Default::default()
    };
    let fraud = crate::children::signed_by(&parent.domain, &user("dave"), fraud);
    assert!(matches!(
        proof_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(15))),
        TxError::System(e) if matches!(*e, ChildError::Fraud(_))
    ));
    assert_eq!(parent.state.child(id).expect("child").rollback_height, 0);
}

/// A fork shown through a history convicts nobody: operators 1 and 2 signed both the block
/// at 2 and the anchor over a history holding another block at 2, which honest validators do
/// when the other block is decided in a later round. A proof of an invalid block convicts its
/// anchor's signers, read in the configuration that certified the anchor.
#[test]
fn a_history_equivocation_convicts_no_one_and_an_invalid_block_its_anchors_signers() {
    use crate::children::{convicted, record_of, ChildConfiguration};
    let reg = registration(4, 0);
    let mut record = record_of(&reg);
    let mut reversed = reg.validators.clone();
    reversed.reverse();
    record.configurations.push(ChildConfiguration { validators: reversed, active_from: 5 });
    record.active = 2;
    let ops: Vec<Address> = reg.validators.iter().map(|v| v.operator).collect();
    // Block 2 (configuration 1) signed by operators 0 to 2; the anchor at 8 (configuration 2,
    // members reversed) by its members 0 to 2, who are operators 3, 2 and 1.
    let bitmap = |bits: u8| alloy_primitives::Bytes::from(vec![bits]);
    let certified =
        CommitCertificate { height: 2, signerBitmap: bitmap(0b0111), ..Default::default() };
    let evidence = HistoryEquivocationEvidence { certified, ..Default::default() };
    let mut proof = crate::fraud::evidence::proof(
        FraudKind::HistoryEquivocation,
        &BlockHeader { height: 8, ..Default::default() },
        &CommitCertificate { height: 8, signerBitmap: bitmap(0b0111), ..Default::default() },
        &evidence,
    );
    assert_eq!(convicted(&record, &proof).expect("bitmaps"), Vec::<Address>::new());
    proof.kind = FraudKind::ConflictingCheckpoints as u8;
    assert_eq!(convicted(&record, &proof).expect("bitmap"), Vec::<Address>::new());
    proof.kind = FraudKind::Inflation as u8;
    let mut anchor = convicted(&record, &proof).expect("bitmap");
    anchor.sort();
    let mut expected = vec![ops[3], ops[2], ops[1]];
    expected.sort();
    assert_eq!(anchor, expected);
}
