//! The fraud world's child whose checkpoint block 3 accepts, and the exit starts under it that
//! the unaccepted-anchor vectors judge.

use super::{committee, salted_registration, TestChain};
use crate::acceptance::acceptance_of;
use crate::build::sign;
use crate::kind::Kind;
use crate::signing::{SigningDomain, UserKey};
use crate::types::{BlockHeader, ChildExitStart, SignedTransaction, UtxoPos};
use alloy_primitives::U256;
use alloy_sol_types::SolValue;

/// The transactions [`exit_starts`] makes, in order: exit starts (the first honest, each
/// other showing an acceptance its chain refuses), then deposit-exit challenges and fraud
/// proofs against the child (likewise).
pub const ACCEPTANCE_CASES: [&str; 15] = [
    "honest",
    "other_checkpoint",
    "not_a_checkpoint",
    "other_block",
    "not_earlier",
    "other_chain",
    "not_included",
    "other_child",
    "block_zero",
    "challenge_honest",
    "challenge_other_checkpoint",
    "fraud_proof_honest",
    "fraud_proof_other_checkpoint",
    "fraud_proof_equivocation",
    "fraud_proof_other_signers",
];

/// A child of four validators (salted apart from the world's others), its registration and
/// its checkpoint of block 1 certified by all four: what block 3 accepts. Returns the two
/// transactions and the checkpointed header. The registration lands at `at`, the checkpoint
/// right after it.
pub(super) fn accepted_checkpoint(
    d: &SigningDomain,
    at: crate::state::TxRef,
) -> ([SignedTransaction; 2], BlockHeader) {
    let (keys, set) = committee(4);
    let registration = salted_registration(4, 1);
    let child = crate::registration::child_chain_id(d.chain_id, &registration);
    let mut checkpoint = crate::types::Checkpoint::default();
    let header = &mut checkpoint.header;
    (header.chainId, header.height) = (child, 1);
    header.validatorSetHash = crate::types::Validator::set_hash(&registration.validators);
    let signers: Vec<_> = keys.iter().enumerate().collect();
    checkpoint.certificate =
        crate::certificate::certify(&set, &signers, &d.votes().child(child), &checkpoint.header, 0)
            .expect("certified");
    let txs = [
        crate::build::register_child_tx(&registration),
        crate::build::child_checkpoint_tx(&checkpoint, at),
    ];
    (txs, checkpoint.header)
}

/// Alice's exit starts under `anchor`, which `chain` accepted in block 3 where it also holds
/// a transfer at 3:0, each bonding `input`, then challenges of an exit of a deposit numbered 0
/// (which no plasma parent numbers: the acceptance is judged first) into the child and fraud
/// proofs against it, under it, in the order of [`ACCEPTANCE_CASES`].
pub(super) fn exit_starts(
    chain: &TestChain,
    alice: &UserKey,
    input: &UtxoPos,
    anchor: &BlockHeader,
) -> Vec<SignedTransaction> {
    let accepted = chain.acceptance(anchor);
    let start = ChildExitStart {
        childChainId: anchor.chainId,
        anchor: anchor.clone(),
        acceptance: accepted.clone(),
        ..Default::default()
    };
    let mut cases = vec![start.clone(); 9];
    cases[1].anchor.timestamp += 1;
    cases[2].acceptance = acceptance_of(chain.inclusion_under(3, 0, 3));
    cases[3].acceptance.header.timestamp += 1;
    cases[4].acceptance.header.height = 4;
    cases[5].acceptance.header.chainId += 1;
    cases[6].acceptance.txProof.index ^= 1;
    cases[7].childChainId ^= 1;
    cases[8].acceptance.header.height = 0;
    let sign_start = |start: &ChildExitStart| {
        let data = start.abi_encode();
        let tx = crate::build::transaction(Kind::StartChildExit, vec![input.clone()], vec![], data);
        sign(&chain.domain, tx, &[alice])
    };
    let challenge = |anchor: BlockHeader| {
        let c = crate::types::ChildDepositExitChallenge {
            childChainId: anchor.chainId,
            anchor,
            acceptance: accepted.clone(),
            beneficiary: alice.address(),
            ..Default::default()
        };
        crate::build::challenge_child_deposit_exit_tx(&c, U256::from(1))
    };
    // The signers the parent accepted the anchor from, as the certificate it accepted shows.
    let signers = crate::types::decode::<crate::types::LinkedCheckpoint>(
        "LinkedCheckpoint",
        &accepted.checkpoint.transaction.data,
        crate::types::MAX_TX_BYTES,
    )
    .map(|linked| linked.checkpoint.certificate.signerBitmap)
    .unwrap_or_default();
    let fraud_proof = |anchor: BlockHeader, kind: crate::types::FraudKind, bitmap: &[u8]| {
        let child = anchor.chainId;
        let mut proof = crate::types::FraudProof { kind: kind as u8, anchor, ..Default::default() };
        proof.anchorCertificate.signerBitmap = bitmap.to_vec().into();
        let c = crate::types::ChildFraudProof {
            childChainId: child,
            proof,
            acceptance: accepted.clone(),
            ..Default::default()
        };
        let c = crate::children::signed_by(&chain.domain, alice, c);
        // On the child's stakes as they stand, so that what is judged is its acceptance.
        let (c, reward) = crate::children::on_stakes(&chain.state, c);
        crate::build::prove_child_fraud_tx(&c, reward)
    };
    let mut other = anchor.clone();
    other.timestamp += 1;
    let challenges = [challenge(anchor.clone()), challenge(other.clone())];
    use crate::types::FraudKind::{DoubleSpend, Equivocation};
    // The first three of four signers: a subset sparing the fourth.
    let fewer: Vec<u8> = signers.iter().map(|b| b & 0b0111).collect();
    let proofs = [
        fraud_proof(anchor.clone(), DoubleSpend, &signers),
        fraud_proof(other, DoubleSpend, &signers),
        // An equivocation has no anchor: nothing to show accepted.
        fraud_proof(anchor.clone(), Equivocation, &signers),
        fraud_proof(anchor.clone(), DoubleSpend, &fewer),
    ];
    cases.iter().map(sign_start).chain(challenges).chain(proofs).collect()
}
