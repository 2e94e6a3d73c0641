//! Commit certificates from engine decisions; validator sets from keys with proofs of
//! possession; the signing scheme's domain separation.

use malachitebft_core_types::{
    CommitCertificate, CommitSignature, Context, NilOrVal, Round, SigningScheme, Validator as _,
    VoteType,
};
use malachitebft_signing::{Signer, Verifier};
use plasma_consensus::certificate::{aggregate, CommitError};
use plasma_consensus::context::{proposer_index, ValidatorSetError, Vote};
use plasma_consensus::signing::{BlsScheme, BlsSigner, BlsVerifier};
use plasma_consensus::{BlockHash, Height, PlasmaContext, ValidatorAddress, ValidatorSet};
use plasma_ledger::bls::{BlsSecretKey, BlsSignature};
use plasma_ledger::certificate::{CertificateError, VoteDomain};
use plasma_ledger::{Address, Validator, B256};

const CHAIN: u64 = 7;

/// The vote domain of chain `chain` under the root at 0xc0…c0 on L1 31337.
fn domain(chain: u64) -> VoteDomain {
    VoteDomain::of_path(31337, Address::repeat_byte(0xc0), &[chain])
}

fn keys(n: usize) -> Vec<BlsSecretKey> {
    (0..n).map(|i| BlsSecretKey::from_seed(&[b'k', i as u8])).collect()
}

fn operator(i: usize) -> Address {
    Address::with_last_byte(i as u8 + 1)
}

fn set_with_powers(keys: &[BlsSecretKey], powers: &[u64]) -> ValidatorSet {
    let validators = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Validator {
            operator: operator(i),
            blsPubkey: k.public_key().to_eip2537().to_vec().into(),
            power: powers[i],
        })
        .collect();
    let pops: Vec<_> =
        keys.iter().enumerate().map(|(i, k)| k.proof_of_possession(operator(i))).collect();
    ValidatorSet::new(validators, &pops).unwrap()
}

fn precommit(
    domain: VoteDomain,
    key: &BlsSecretKey,
    i: usize,
    height: u64,
    block: B256,
) -> CommitSignature<PlasmaContext> {
    let signer = BlsSigner::new(domain, key.clone());
    let vote = PlasmaContext::new(CHAIN).new_precommit(
        Height(height),
        Round::new(0),
        NilOrVal::Val(BlockHash(block)),
        ValidatorAddress(operator(i)),
    );
    let signed = futures_block_on(signer.sign_vote(vote)).unwrap();
    CommitSignature::new(ValidatorAddress(operator(i)), signed.signature)
}

fn futures_block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
}

fn cert(
    sigs: Vec<CommitSignature<PlasmaContext>>,
    block: B256,
) -> CommitCertificate<PlasmaContext> {
    CommitCertificate {
        height: Height(9),
        round: Round::new(0),
        value_id: BlockHash(block),
        commit_signatures: sigs,
    }
}

#[test]
fn a_quorum_of_precommits_aggregates_into_a_certificate_the_set_accepts() {
    let k = keys(4);
    let set = set_with_powers(&k, &[10, 10, 10, 10]);
    let block = B256::repeat_byte(5);
    let sigs = (0..3).map(|i| precommit(domain(CHAIN), &k[i], i, 9, block)).collect();
    let c = aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap();
    assert_eq!(c.signerBitmap.as_ref(), &[0b0111]);
    assert_eq!(set.ledger().verify_certificate(&domain(CHAIN), &c), Ok(30));
}

#[test]
fn two_thirds_of_the_power_or_less_is_refused() {
    let k = keys(4);
    // 3 of 4 validators, but only 2/3 of the power exactly: not more than 2/3.
    let set = set_with_powers(&k, &[10, 10, 10, 30]);
    let block = B256::repeat_byte(5);
    let sigs = (0..3).map(|i| precommit(domain(CHAIN), &k[i], i, 9, block)).collect();
    let err = aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap_err();
    assert_eq!(
        err,
        CommitError::Certificate(CertificateError::InsufficientPower { signed: 30, total: 60 })
    );
}

#[test]
fn a_duplicate_signer_is_refused() {
    let k = keys(4);
    let set = set_with_powers(&k, &[10; 4]);
    let block = B256::repeat_byte(5);
    let mut sigs: Vec<_> = (0..2).map(|i| precommit(domain(CHAIN), &k[i], i, 9, block)).collect();
    sigs.push(sigs[1].clone());
    let err = aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap_err();
    assert_eq!(err, CommitError::DuplicateSigner(operator(1)));
}

#[test]
fn precommits_for_another_chain_do_not_verify() {
    let k = keys(4);
    let set = set_with_powers(&k, &[10; 4]);
    let block = B256::repeat_byte(5);
    let sigs = (0..4).map(|i| precommit(domain(CHAIN + 1), &k[i], i, 9, block)).collect();
    let err = aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap_err();
    assert_eq!(err, CommitError::Certificate(CertificateError::BadSignature));
}

/// The same keys validate chain 7 of another deployment of the root (chain ids start at 1 on
/// each): what they sign there makes no certificate here.
#[test]
fn precommits_for_another_deployment_do_not_verify() {
    let k = keys(4);
    let set = set_with_powers(&k, &[10; 4]);
    let block = B256::repeat_byte(5);
    let testnet = VoteDomain::of_path(31337, Address::repeat_byte(0xd0), &[CHAIN]);
    let sigs = (0..4).map(|i| precommit(testnet, &k[i], i, 9, block)).collect();
    let err = aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap_err();
    assert_eq!(err, CommitError::Certificate(CertificateError::BadSignature));
}

#[test]
fn a_signer_outside_the_set_is_refused() {
    let k = keys(5);
    let set = set_with_powers(&k[..4], &[10; 4]);
    let block = B256::repeat_byte(5);
    let sigs = vec![precommit(domain(CHAIN), &k[4], 4, 9, block)];
    assert_eq!(
        aggregate(&domain(CHAIN), &set, &cert(sigs, block)).unwrap_err(),
        CommitError::UnknownSigner(operator(4))
    );
}

#[test]
fn keys_without_a_valid_proof_of_possession_are_refused() {
    let k = keys(2);
    let validators: Vec<_> = k
        .iter()
        .enumerate()
        .map(|(i, key)| Validator {
            operator: operator(i),
            blsPubkey: key.public_key().to_eip2537().to_vec().into(),
            power: 1,
        })
        .collect();
    // Validator 1's proof was made for another operator: it does not bind this one.
    let pops = vec![k[0].proof_of_possession(operator(0)), k[1].proof_of_possession(operator(7))];
    let err = ValidatorSet::new(validators.clone(), &pops).unwrap_err();
    assert_eq!(err, ValidatorSetError::ProofOfPossession { index: 1, operator: operator(1) });
    // No proof at all.
    let err = ValidatorSet::new(validators, &pops[..1]).unwrap_err();
    assert_eq!(err, ValidatorSetError::ProofOfPossession { index: 1, operator: operator(1) });
}

#[test]
fn signatures_do_not_cross_message_kinds() {
    let k = keys(1);
    let signer = BlsSigner::new(domain(CHAIN), k[0].clone());
    let verifier = BlsVerifier::new(domain(CHAIN));
    let ctx = PlasmaContext::new(CHAIN);
    let block = BlockHash(B256::repeat_byte(1));
    let prevote = ctx.new_prevote(
        Height(1),
        Round::new(0),
        NilOrVal::Val(block),
        ValidatorAddress(operator(0)),
    );
    let mut precommit = prevote.clone();
    precommit.vote_type = VoteType::Precommit;
    let proposal = ctx.new_proposal(
        Height(1),
        Round::new(0),
        block,
        Round::Nil,
        ValidatorAddress(operator(0)),
    );
    futures_block_on(async {
        let pk = signer.public_key();
        let sv = signer.sign_vote(prevote.clone()).await.unwrap();
        assert!(verifier
            .verify_signed_vote(&prevote, &sv.signature, &pk)
            .await
            .unwrap()
            .is_valid());
        assert!(verifier
            .verify_signed_vote(&precommit, &sv.signature, &pk)
            .await
            .unwrap()
            .is_invalid());
        assert!(verifier
            .verify_signed_proposal(&proposal, &sv.signature, &pk)
            .await
            .unwrap()
            .is_invalid());
        let sp = signer.sign_proposal(proposal.clone()).await.unwrap();
        assert!(verifier
            .verify_signed_proposal(&proposal, &sp.signature, &pk)
            .await
            .unwrap()
            .is_valid());
        let other = Vote { height: Height(2), ..prevote.clone() };
        assert!(verifier
            .verify_signed_vote(&other, &sv.signature, &pk)
            .await
            .unwrap()
            .is_invalid());
    });
}

#[test]
fn signature_bytes_are_checked_on_decode() {
    let sig = BlsSecretKey::from_seed(b"x").sign(b"m", b"dst");
    let bytes = sig.to_eip2537();
    assert!(BlsScheme::decode_signature(&bytes).is_ok());
    assert!(BlsScheme::decode_signature(&bytes[..127]).is_err());
    let mut bad = bytes;
    bad[127] ^= 1; // off the curve
    assert!(BlsScheme::decode_signature(&bad).is_err());
    let _ = BlsSignature::from_eip2537(&bytes).unwrap();
}

#[test]
fn proposers_are_drawn_by_power() {
    let k = keys(3);
    let set = set_with_powers(&k, &[1, 1, 8]);
    let mut counts = [0u32; 3];
    for h in 1..=2000 {
        counts[proposer_index(&set, Height(h), Round::new(0))] += 1;
    }
    // Expected 200 / 200 / 1600; a power-blind rotation would give ~667 each.
    assert!(counts[2] > 1400 && counts[0] > 120 && counts[1] > 120, "{counts:?}");
    // Deterministic, and a new round usually moves to another proposer.
    let ctx = PlasmaContext::new(CHAIN);
    let a = ctx.select_proposer(&set, Height(5), Round::new(0)).address();
    assert_eq!(a, ctx.select_proposer(&set, Height(5), Round::new(0)).address());
}

#[test]
fn the_codec_is_strict() {
    use bytes::Bytes;
    use malachitebft_codec::Codec;
    use plasma_consensus::codec::BorshCodec;
    use plasma_consensus::context::ProposalPart;
    let part = ProposalPart::Data(vec![1, 2, 3]);
    let bytes = BorshCodec.encode(&part).unwrap();
    assert_eq!(Codec::<ProposalPart>::decode(&BorshCodec, bytes.clone()).unwrap(), part);
    let mut trailing = bytes.to_vec();
    trailing.push(0);
    assert!(Codec::<ProposalPart>::decode(&BorshCodec, Bytes::from(trailing)).is_err());
    // A length prefix promising 4 GiB in a 9-byte message: refused, not allocated.
    let lying = Bytes::from_static(&[1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    assert!(Codec::<ProposalPart>::decode(&BorshCodec, lying).is_err());
    assert!(Codec::<ProposalPart>::decode(&BorshCodec, Bytes::from_static(&[9])).is_err());
}
