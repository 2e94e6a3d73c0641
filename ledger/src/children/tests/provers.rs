//! Who a fraud proof against a child slashes and who it pays, at a plasma parent as at the
//! root: the signers of the certificate the parent accepted the anchor with, whatever
//! certificate the prover shows; the prover who signed the proof, never one a proposer names
//! in its place; never a culprit.

use super::fraud::{inflation_proof, staked_child_with_inflation};
use super::*;
use crate::children::signed_by;

/// Dave's proof of the inflation, showing `proof`, on the stakes as they stand.
fn daves(parent: &TestChain, id: u64, proof: FraudProof) -> (ChildFraudProof, U256) {
    let acceptance = parent.acceptance(&proof.anchor);
    let fraud = ChildFraudProof { childChainId: id, acceptance, proof, ..Default::default() };
    on_stakes(&parent.state, signed_by(&parent.domain, &user("dave"), fraud))
}

fn stakes(parent: &TestChain, id: u64, ops: &[crate::signing::UserKey]) -> Vec<U256> {
    ops.iter().map(|o| parent.state.child_stake(id, &o.address())).collect()
}

#[test]
fn a_certificate_re_aggregated_to_spare_a_signer_is_refused_at_the_parent() {
    // The parent accepted the anchor certified by operators 0, 1 and 2. Operators 1, 2 and 3
    // precommitted it too: a quorum of them, re-aggregated, would spare 0 and take 3's stake.
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let mut sparing = inflation_proof(&child, &parent, id);
    let (keys, _) = committee(4);
    let set = crate::certificate::ValidatorSet::new(
        parent.state.child(id).expect("child").validators().to_vec(),
    )
    .expect("set");
    let others: Vec<_> = keys.iter().enumerate().skip(1).collect();
    sparing.anchorCertificate = crate::testkit::certified(&set, &others, &sparing.anchor, 0);
    let (fraud, reward) = daves(&parent, id, sparing);
    assert!(matches!(
        proof_refusal(&mut parent, prove_child_fraud_tx(&fraud, reward)),
        TxError::System(e) if *e == ChildError::NotTheAcceptedSigners { chain: id, height: 2 }
    ));
    assert_eq!(stakes(&parent, id, &ops), vec![U256::from(10); 4], "nothing taken");

    // The accepted certificate convicts who certified the anchor.
    let (fraud, reward) = daves(&parent, id, inflation_proof(&child, &parent, id));
    parent.commit(vec![prove_child_fraud_tx(&fraud, reward)]);
    let left = [0, 0, 0, 10].map(U256::from).to_vec();
    assert_eq!(stakes(&parent, id, &ops), left, "the accepted signers lost their stakes");
}

#[test]
fn a_proposer_naming_itself_the_prover_of_a_fraud_proof_is_refused() {
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let (daves, reward) = daves(&parent, id, inflation_proof(&child, &parent, id));
    let mallory = user("mallory").address();
    let rewritten = ChildFraudProof { prover: mallory, ..daves.clone() };
    assert!(matches!(
        proof_refusal(&mut parent, prove_child_fraud_tx(&rewritten, reward)),
        TxError::System(e) if *e == ChildError::ProverSignature(mallory)
    ));
    assert_eq!(stakes(&parent, id, &ops), vec![U256::from(10); 4], "nothing taken");

    let (_, delta) = parent.commit(vec![prove_child_fraud_tx(&daves, reward)]);
    let dave = user("dave").address();
    assert_eq!(delta.created.len(), 1, "one output: the reward");
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(15)));
}

#[test]
fn a_culprit_proving_its_own_fraud_at_the_parent_earns_nothing() {
    // Operator 0 signed the inflating checkpoint and proves it itself.
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let proof = inflation_proof(&child, &parent, id);
    let acceptance = parent.acceptance(&proof.anchor);
    let fraud = ChildFraudProof { childChainId: id, acceptance, proof, ..Default::default() };
    let (fraud, reward) = on_stakes(&parent.state, signed_by(&parent.domain, &ops[0], fraud));
    assert_eq!((fraud.staked, reward), (U256::from(10), U256::ZERO), "30 taken, nothing paid");
    assert!(matches!(
        tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(15))),
        TxError::System(e) if *e == ChildError::RewardRecipient { prover: fraud.prover }
    ));
    let value = parent.state.total_value()[&Address::ZERO];
    let (_, delta) = parent.commit(vec![prove_child_fraud_tx(&fraud, U256::ZERO)]);
    assert!(delta.created.is_empty(), "the culprit is paid nothing");
    let left = [0, 0, 0, 10].map(U256::from).to_vec();
    assert_eq!(stakes(&parent, id, &ops), left, "its stake and its co-signers' taken");
    assert_eq!(parent.state.total_value()[&Address::ZERO], value - U256::from(30), "all burned");
}
