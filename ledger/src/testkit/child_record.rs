//! The transactions of the fraud world's two children that the child-record vectors judge.

use super::committee;
use crate::build::sign;
use crate::kind::Kind;
use crate::registration::MAX_CHILD_VALIDATORS;
use crate::signing::{SigningDomain, UserKey};
use crate::types::{SignedTransaction, UtxoPos};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;

/// The fraud world's children whose records the vectors judge.
pub(super) struct Children {
    /// 16 validators of power 2.
    pub full: u64,
    /// Four validators of power 1.
    pub small: u64,
    /// 15 validators of power 4 and one of power 2 ([`super::malformed::mixed_registration`]).
    pub mixed: u64,
}

/// The transactions of the world's children that the child-record vectors judge, in the
/// order of [`ChildRecordTx`]: Alice's, and two of Bob's bonds.
pub(super) fn child_record_txs(
    d: &SigningDomain,
    (alice, bob): (&UserKey, &UserKey),
    input: &UtxoPos,
    Children { full, small, mixed }: Children,
    small_set: &[crate::types::Validator],
) -> Vec<SignedTransaction> {
    let (keys, _) = committee(MAX_CHILD_VALIDATORS + 5);
    let fresh = &keys[MAX_CHILD_VALIDATORS];
    // The children's registrations ask 2 units of each bond (`malformed::registration`).
    let signed_bond = |by: &UserKey, units: u64, child: u64, key: &crate::bls::BlsSecretKey| {
        let payload = crate::types::ChildBond {
            childChainId: child,
            amount: U256::from(units * crate::types::POWER_UNIT),
            blsPubkey: key.public_key().to_eip2537().to_vec().into(),
            proofOfPossession: key.proof_of_possession(by.address()).to_eip2537().to_vec().into(),
            ..Default::default()
        };
        let tx = crate::build::transaction(
            Kind::BondChild,
            vec![input.clone()],
            vec![],
            payload.abi_encode(),
        );
        sign(d, tx, &[by])
    };
    let bond_of = |units: u64, child: u64, key: &crate::bls::BlsSecretKey| {
        signed_bond(alice, units, child, key)
    };
    let bond = |child: u64, key: &crate::bls::BlsSecretKey| bond_of(2, child, key);
    let checkpoint = |height: u64, timestamp: u64| {
        let mut checkpoint = crate::types::Checkpoint::default();
        let header = &mut checkpoint.header;
        (header.chainId, header.height, header.timestamp) = (small, height, timestamp);
        crate::build::child_checkpoint_tx(&checkpoint, Default::default())
    };
    let fraud = crate::types::ChildFraudProof {
        childChainId: small,
        prover: alice.address(),
        ..Default::default()
    };
    let signed = crate::children::signed_by(d, alice, fraud.clone());
    let lock = crate::types::ChildDeposit {
        childChainId: small,
        recipient: alice.address(),
        token: Address::ZERO,
        amount: U256::from(1),
        ..Default::default()
    };
    let deposit = crate::build::transaction(
        Kind::DepositToChild,
        vec![input.clone()],
        vec![],
        lock.abi_encode(),
    );
    vec![
        bond(full, fresh),
        bond(small, &keys[0]),
        bond(small, fresh),
        checkpoint(5, 0),
        checkpoint(5, 0),
        checkpoint(6, 0),
        crate::build::prove_child_fraud_tx(&fraud, U256::ZERO),
        sign(d, deposit, &[alice]),
        bond(small, &keys[MAX_CHILD_VALIDATORS + 1]),
        checkpoint(7, 1 << 40),
        certified_checkpoint(small, small_set, 8, 4),
        certified_checkpoint(small, small_set, 9, 2),
        challenge(small, alice, 1),
        challenge(small, alice, 2),
        exit_start(d, alice, input, small, 0),
        exit_start(d, alice, input, small, 1),
        bond_of(1, small, &keys[MAX_CHILD_VALIDATORS + 2]),
        bond_of(3, full, fresh),
        crate::build::prove_child_fraud_tx(&signed, U256::ZERO),
        bond_of(3, mixed, &keys[MAX_CHILD_VALIDATORS + 3]),
        signed_bond(bob, 3, mixed, &keys[MAX_CHILD_VALIDATORS + 4]),
        signed_bond(bob, 4, mixed, &keys[MAX_CHILD_VALIDATORS + 4]),
    ]
}

/// The transactions [`FraudWorld::record`] starts, by offset.
#[derive(Debug, Clone, Copy)]
pub enum ChildRecordTx {
    /// Alice's bond of a fresh key into the child of 16 validators, of their power (2 units).
    BondIntoFull,
    /// Her bond of a member's key into the child of four.
    BondOfMemberKey,
    /// Her bond of a fresh key into the child of four.
    FreshBond,
    /// A checkpoint of the child of four at height 5.
    Checkpoint5,
    /// The same again.
    Checkpoint5Again,
    /// A checkpoint of it at height 6.
    Checkpoint6,
    /// A fraud proof against it, naming Alice its prover, unsigned.
    FraudProof,
    /// Alice's deposit into it.
    Deposit,
    /// Her bond of another fresh key into it.
    SecondBond,
    /// A checkpoint of it at height 7, timed 2^40 s (far ahead of the block).
    CheckpointAhead,
    /// A checkpoint of it at height 8 naming its set, signed by all four.
    Certified,
    /// One at height 9 naming its set, signed by two of four: half the power.
    Uncertified,
    /// A challenge of an exit of the child of four paying its exit bond (1 wei) to Alice.
    ChallengePayingTheBond,
    /// One paying her 2 wei.
    ChallengePayingMore,
    /// Alice's exit of her output of the child of four, proven under its block 1.
    ExitStart,
    /// Her exit of an output index that block's deposit does not have.
    ExitStartOfNothing,
    /// Her bond of one unit, below the child's minimum of two, of a fresh key into the child
    /// of four.
    BondBelowMinimum,
    /// Her bond of a fresh key into the child of 16 validators, of more power (3 units)
    /// than its least: it takes that member's seat.
    BondOutbidding,
    /// A fraud proof against the child of four, signed by Alice, its prover.
    SignedFraudProof,
    /// Alice's bond of 3 units into the child of mixed powers: it takes the seat of power 2.
    MixedOutbid,
    /// Bob's bond of 3 units into it: a set of 15 at power 4 and Alice at 3 has no seat.
    MixedTie,
    /// Bob's bond of 4 units into it: it takes Alice's seat.
    MixedStronger,
}

/// A checkpoint of `child` at `height` whose header names `set`, signed by its first
/// `signers` members.
fn certified_checkpoint(
    child: u64,
    set: &[crate::types::Validator],
    height: u64,
    signers: usize,
) -> SignedTransaction {
    let (keys, _) = committee(set.len());
    let set = crate::certificate::ValidatorSet::new(set.to_vec()).expect("a registered set");
    let mut checkpoint = crate::types::Checkpoint::default();
    let header = &mut checkpoint.header;
    (header.chainId, header.height, header.validatorSetHash) = (child, height, set.hash());
    let signing: Vec<_> = keys.iter().enumerate().take(signers).collect();
    let votes = super::votes(child);
    let certificate = crate::certificate::certify(&set, &signing, &votes, &checkpoint.header, 0);
    checkpoint.certificate = certificate.expect("a certificate of its signers");
    crate::build::child_checkpoint_tx(&checkpoint, Default::default())
}

/// A challenge of an exit of `child`'s output paying `paid` wei to `beneficiary`.
fn challenge(child: u64, beneficiary: &UserKey, paid: u64) -> SignedTransaction {
    let challenge = crate::types::ChildExitChallenge {
        childChainId: child,
        beneficiary: beneficiary.address(),
        ..Default::default()
    };
    crate::build::challenge_child_exit_tx(&challenge, U256::from(paid))
}

/// Alice's exit start of output `index` of a deposit of 5 wei to her, minted in block 1 of
/// `child` and proven under it.
fn exit_start(
    d: &SigningDomain,
    alice: &UserKey,
    input: &UtxoPos,
    child: u64,
    index: u8,
) -> SignedTransaction {
    let mut chain = super::TestChain::with_domain(
        crate::children::child_domain(d, child),
        super::committee_set_hash(),
    );
    let minted = chain.record_deposit(alice.address(), Address::ZERO, 5);
    chain.commit(vec![crate::build::deposit_transaction(&minted)]);
    let start = crate::types::ChildExitStart {
        childChainId: child,
        anchor: chain.tip().clone(),
        pos: UtxoPos::new(1, 0, index),
        inclusion: chain.inclusion(1, 0),
        acceptance: Default::default(),
        ..Default::default()
    };
    let tx = crate::build::transaction(
        Kind::StartChildExit,
        vec![input.clone()],
        vec![],
        start.abi_encode(),
    );
    sign(d, tx, &[alice])
}
