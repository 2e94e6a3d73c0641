//! A transaction the ledger refuses for its form alone — an unknown kind, a payload that does
//! not decode, outputs of zero or to nobody, too many inputs — is provable fraud: a quorum
//! that hides value creation behind a malformed payload (where inflation cannot be judged,
//! because what the transaction locks cannot be read) is convicted, at the root and at a
//! plasma parent alike (both judge with `fraud::judge`; the root's `FraudVerifier` through
//! the shared vectors).

use alloy_sol_types::SolValue;
use plasma_ledger::build::{deposit_transaction, sign, transaction};
use plasma_ledger::exit::verify_exit_start;
use plasma_ledger::fraud::{self, FraudError, FraudKind};
use plasma_ledger::testkit::{user, TestChain};
use plasma_ledger::{
    Address, FraudKind as SolFraudKind, FraudProof, Kind, MalformedTransactionEvidence, Output,
    TxInclusion, UtxoPos, U256,
};

/// Proves the transaction at `(height, index)` malformed under the chain's tip.
fn judged(chain: &TestChain, height: u64, index: u32) -> Result<fraud::FraudVerdict, FraudError> {
    let evidence = MalformedTransactionEvidence {
        height,
        txIndex: index,
        inclusion: chain.inclusion(height, index),
    };
    let proof = FraudProof {
        kind: SolFraudKind::MalformedTransaction as u8,
        anchor: chain.tip().clone(),
        evidence: evidence.abi_encode().into(),
        ..Default::default()
    };
    fraud::judge(&chain.domain, &proof, |_| None, |_| None, |_| None)
}

#[test]
fn a_quorum_minting_behind_an_undecodable_stake_payload_is_convicted() {
    let alice = user("alice");
    let mut chain = TestChain::new();
    let d = chain.domain.clone();
    let record = chain.record_deposit(alice.address(), Address::ZERO, 100);
    chain.commit(vec![deposit_transaction(&record)]);
    // Block 2 (byzantine): Alice's 100 become 1,100 through a "stake" whose payload is three
    // bytes, so no verifier can read what it locks.
    let minted = Output::new(alice.address(), Address::ZERO, U256::from(1_100));
    let stake = sign(
        &d,
        transaction(Kind::StakeChild, vec![UtxoPos::new(1, 0, 0)], vec![minted], vec![1, 2, 3]),
        &[&alice],
    );
    chain.commit_unchecked(vec![stake]);
    chain.commit(vec![]);

    // The exit game takes the 1,100 as Alice's ...
    let pos = UtxoPos::new(2, 0, 0);
    let inclusion: TxInclusion = chain.inclusion(2, 0);
    let claim = verify_exit_start(d.chain_id, chain.tip(), &pos, &inclusion, alice.address());
    assert_eq!(claim.map(|c| c.output.amount), Ok(U256::from(1_100)));
    // ... and inflation cannot be shown, so only the form convicts the block.
    let verdict = judged(&chain, 2, 0);
    assert!(
        matches!(&verdict, Ok(v) if v.kind == FraudKind::MalformedTransaction && v.height == 2),
        "the undecodable stake convicts block 2: {verdict:?}"
    );
}
