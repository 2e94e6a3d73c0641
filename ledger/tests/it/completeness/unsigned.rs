//! A fraud proof its prover did not sign, refused first for what is not proven yet: the
//! parent judges the signature last, and the watcher still proves the block by it.

use super::*;

/// Mallory's proof for Alice that `child`'s validators certified two blocks at height 1,
/// showing one certificate twice: it proves nothing (`ChildError::Fraud`, not proven yet).
fn unsigned_proof_of_nothing(chain: &TestChain, child: u64) -> SignedTransaction {
    let a = child_header(child, 1, 0).1;
    let evidence = plasma_ledger::EquivocationEvidence { a: a.clone(), b: a };
    let proof = plasma_ledger::FraudProof {
        kind: plasma_ledger::types::FraudKind::Equivocation as u8,
        evidence: evidence.abi_encode().into(),
        ..Default::default()
    };
    let c = plasma_ledger::ChildFraudProof {
        childChainId: child,
        proof,
        stakesHeight: chain.tip().height + 1,
        ..Default::default()
    };
    let c = plasma_ledger::children::signed_by(&chain.domain, &testkit::user("mallory"), c);
    let c = plasma_ledger::ChildFraudProof { prover: testkit::user("alice").address(), ..c };
    build::prove_child_fraud_tx(&c, U256::ZERO)
}

#[test]
fn an_unsigned_fraud_proof_refused_first_for_what_is_not_proven_yet_is_still_convicted() {
    let fault =
        |c: &TestChain| child_then(c, 4, |c, child| vec![unsigned_proof_of_nothing(c, child)]);
    let (chain, honest) = with_header_fault(fault, |_| {});
    let run = &chain.blocks[2..];
    let (bad, error) =
        first_invalid(&chain.domain, &honest.state, run).expect("block 3 is invalid");
    assert!(matches!(verdict(&error), Open(_)), "refused first for {error}");
    let proof = chain
        .with_proof_context(|cx| build_proof(cx, bad, &error, |_| None))
        .expect("the watcher proves the signature");
    let judged = fraud::judge(&chain.domain, &proof, |_| None, |_| None, |_| None);
    assert_eq!(judged.map(|v| (v.kind, v.height)), Ok((FraudKind::ChildRecord, 3)));
}
