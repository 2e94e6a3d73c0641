//! A header that breaks the validator schedule, proven to the parent: one that names another
//! set than the child's configuration at its height, changes its set off an epoch end, or
//! names a proposer outside the set.

use super::*;
use crate::fraud::FraudError;

/// The child's blocks 1 to 4, block 2's header edited by `edit` (sealed unchecked), block 4
/// certified by operators 0 to 2 and checkpointed; and the proof, anchored there, that block 2
/// breaks the schedule, showing `shown` as the child's set.
fn checkpointed_with(
    edit: impl FnOnce(&mut BlockHeader),
    shown: impl FnOnce(&StakedChild) -> Vec<Validator>,
) -> (StakedChild, ChildFraudProof) {
    let mut w = staked_child();
    w.child.commit(vec![]);
    w.child.commit_edited(vec![], edit);
    w.child.commit_unchecked(vec![]);
    w.child.commit_unchecked(vec![]);
    let signers: Vec<_> = w.keys.iter().enumerate().take(3).collect();
    let anchor = w.child.tip().clone();
    let certificate = crate::testkit::certified(&w.set, &signers, &anchor, 0);
    let checkpoint = Checkpoint { header: anchor.clone(), certificate: certificate.clone() };
    w.parent.commit(vec![w.parent.checkpoint_tx(&checkpoint)]);
    let evidence = BrokenScheduleEvidence {
        header: w.child.blocks[1].header.clone(),
        historyProof: w.child.history_under(2, 4),
        set: shown(&w),
    };
    let proof =
        crate::fraud::evidence::proof(FraudKind::BrokenSchedule, &anchor, &certificate, &evidence);
    let fraud = ChildFraudProof {
        childChainId: w.id,
        acceptance: w.parent.acceptance(&proof.anchor),
        proof,
        ..Default::default()
    };
    let fraud = crate::children::signed_by(&w.parent.domain, &user("dave"), fraud);
    let fraud = on_stakes(&w.parent.state, fraud).0;
    (w, fraud)
}

fn the_set(w: &StakedChild) -> Vec<Validator> {
    w.set.validators().to_vec()
}

/// The proof convicts: the child rolls back to block 2 and the anchor's signers (operators 0
/// to 2) lose their stakes; the prover gets half of 30.
fn assert_convicted(mut w: StakedChild, fraud: &ChildFraudProof) {
    let (_, delta) = w.parent.commit(vec![prove_child_fraud_tx(fraud, U256::from(15))]);
    assert_eq!(w.parent.state.child(w.id).expect("child").rollback_height, 2);
    assert_eq!(created_for(&delta, fraud.prover), [(Address::ZERO, U256::from(15))]);
    let stakes: Vec<_> =
        w.ops.iter().map(|op| w.parent.state.child_stake(w.id, &op.address())).collect();
    assert_eq!(stakes, [U256::ZERO, U256::ZERO, U256::ZERO, U256::from(10)]);
}

#[test]
fn a_header_naming_another_set_than_the_childs_is_convicted() {
    let (w, fraud) = checkpointed_with(|h| h.validatorSetHash = B256::repeat_byte(7), the_set);
    assert_convicted(w, &fraud);
}

#[test]
fn a_header_changing_its_set_off_an_epoch_end_is_convicted() {
    let (w, fraud) = checkpointed_with(|h| h.nextValidatorSetHash = B256::repeat_byte(7), the_set);
    assert_convicted(w, &fraud);
}

#[test]
fn a_header_naming_a_proposer_outside_the_set_is_convicted() {
    let (w, fraud) = checkpointed_with(|h| h.proposer = Address::repeat_byte(0x66), the_set);
    assert_convicted(w, &fraud);
}

#[test]
fn a_header_that_keeps_the_schedule_convicts_nobody() {
    let (mut w, fraud) = checkpointed_with(|_| {}, the_set);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&fraud, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::ScheduleKept)
    ));
    // Nor does a set of the prover's choosing, against which the header would break it.
    let others = |w: &StakedChild| the_set(w)[1..].to_vec();
    let (mut w, fraud) = checkpointed_with(|_| {}, others);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&fraud, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::NotTheSchedule(2))
    ));
    assert!(!w.parent.state.child(w.id).expect("child").frozen());
}
