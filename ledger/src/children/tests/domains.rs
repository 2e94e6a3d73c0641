//! Votes bound to their chain's place in the tree: what a child's committee signs for the same
//! chain id under another root contract (a testnet, say), on another L1 or under another parent
//! counts for nothing at this parent, neither as a checkpoint nor as one side of an
//! equivocation.

use super::*;
use crate::certificate::{certify, VoteDomain};
use crate::children::{on_stakes, signed_by};
use crate::fraud::FraudError;
use crate::signing::SigningDomain;

/// Child `id`'s vote domain elsewhere: the same path under another root contract, the same
/// root on another L1, and the same child id under another parent.
fn elsewhere(parent: &SigningDomain, id: u64) -> [VoteDomain; 3] {
    let (l1, root, p) = (parent.root_chain_id, parent.root_contract, parent.chain_id);
    [
        VoteDomain::of_path(l1, Address::repeat_byte(0xd0), &[p, id]),
        VoteDomain::of_path(1, root, &[p, id]),
        VoteDomain::of_path(l1, root, &[p + 1, id]),
    ]
}

#[test]
fn a_child_checkpoint_certified_in_another_domain_is_refused_at_the_parent() {
    let (mut parent, id) = parent_with_child();
    let honest = child_checkpoint(id, 1, &[0, 1, 2, 3]);
    let (keys, set) = committee(4);
    let all: Vec<_> = keys.iter().enumerate().collect();
    for votes in elsewhere(&parent.domain, id) {
        let certificate = certify(&set, &all, &votes, &honest.header, 0).expect("certified");
        let replayed = Checkpoint { header: honest.header.clone(), certificate };
        assert_eq!(
            checkpoint_refusal(&mut parent, &replayed),
            ChildError::Certificate(CertificateError::BadSignature)
        );
    }
    assert_eq!(parent.state.child(id).expect("child").last_height, 0, "nothing accepted");
    // The same committee's certificate in the child's own domain is its checkpoint.
    let tx = parent.checkpoint_tx(&honest);
    parent.commit(vec![tx]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 1);
}

#[test]
fn votes_in_another_domain_do_not_prove_equivocation_at_the_parent() {
    let StakedChild { mut parent, mut child, id, set, keys, ops } = staked_child();
    child.commit(vec![]);
    let header = child.tip().clone();
    let mut twin = header.clone();
    twin.timestamp += 1;
    let all: Vec<_> = keys.iter().enumerate().collect();
    let here = *child.domain.votes();
    let a = certify(&set, &all, &here, &header, 0).expect("certified");
    let proving = |parent: &TestChain, b: CommitCertificate| {
        let evidence = EquivocationEvidence { a: a.clone(), b };
        let proof = crate::fraud::evidence::proof(FraudKind::Equivocation, &header, &a, &evidence);
        let acceptance = parent.acceptance(&proof.anchor);
        let fraud = ChildFraudProof { childChainId: id, acceptance, proof, ..Default::default() };
        let (fraud, reward) =
            on_stakes(&parent.state, signed_by(&parent.domain, &user("dave"), fraud));
        prove_child_fraud_tx(&fraud, reward)
    };
    let stakes = |parent: &TestChain| -> Vec<U256> {
        ops.iter().map(|o| parent.state.child_stake(id, &o.address())).collect()
    };
    for votes in elsewhere(&parent.domain, id) {
        let b = certify(&set, &all, &votes, &twin, 0).expect("certified");
        let tx = proving(&parent, b);
        assert!(matches!(
            proof_refusal(&mut parent, tx),
            TxError::System(e)
                if *e == ChildError::Fraud(FraudError::Certificate(CertificateError::BadSignature))
        ));
    }
    assert_eq!(stakes(&parent), vec![U256::from(10); 4], "every stake kept");
    assert!(!parent.state.child(id).expect("child").frozen(), "the child is not frozen");
    // Two blocks the committee did certify in the child's domain are equivocation.
    let b = certify(&set, &all, &here, &twin, 0).expect("certified");
    let tx = proving(&parent, b);
    parent.commit(vec![tx]);
    assert_eq!(stakes(&parent), vec![U256::ZERO; 4], "who signed both lost its stake");
}
