//! Fuzzing every decoder of outside input with proptest: arbitrary bytes and mutations of
//! valid encodings must yield a value or a typed error, never a panic, and whatever decodes
//! must also survive the checks that consume it.
//!
//! Cases per target: `FUZZ_CASES` (default 256; CI raises it for a bounded longer run).

use alloy_sol_types::SolValue;
use plasma_ledger::bls::{BlsPublicKey, BlsSignature};
use plasma_ledger::exit::{verify_challenge, verify_exit_start};
use plasma_ledger::fraud::{verify_double_spend, SpendEvidence};
use plasma_ledger::signing::recover_signer;
use plasma_ledger::testkit::{self, FraudWorld};
use plasma_ledger::types::decode;
use plasma_ledger::{
    apply_block, validate_transaction, Block, BlockHeader, Checkpoint, CommitCertificate,
    DepositRecord, ExitRecord, MerkleProof, SignedTransaction, TxInclusion, UtxoPos, B256,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn world() -> &'static FraudWorld {
    static WORLD: OnceLock<FraudWorld> = OnceLock::new();
    WORLD.get_or_init(|| FraudWorld::new(0))
}

/// Valid encodings of every decodable structure, to mutate.
fn seeds() -> &'static Vec<Vec<u8>> {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let w = world();
        let c = &w.chain;
        let (keys, set) = testkit::committee(4);
        let cert = testkit::certify_all(&set, &keys, c.tip());
        vec![
            c.blocks[2].transactions[0].abi_encode(),
            c.tip().abi_encode(),
            c.blocks[2].abi_encode(),
            c.inclusion(3, 0).abi_encode(),
            Checkpoint { header: c.tip().clone(), certificate: cert.clone() }.abi_encode(),
            cert.abi_encode(),
        ]
    })
}

/// A mutation: flip, overwrite with an extreme byte, insert, truncate.
#[derive(Debug, Clone)]
enum Mutation {
    Xor(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(i, b)| Mutation::Xor(i, b)),
        (any::<usize>(), prop_oneof![Just(0u8), Just(0xff), Just(0x20), Just(0x80)])
            .prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Xor(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x ^= b
                }
            }
            Mutation::Set(i, b) => {
                if let Some(x) = bytes.get_mut(i % len) {
                    *x = *b
                }
            }
            Mutation::Insert(i, v) => {
                let at = i % (bytes.len() + 1);
                bytes.splice(at..at, v.iter().copied());
            }
            Mutation::Truncate(i) => bytes.truncate(i % len),
        }
    }
    bytes
}

/// Runs every decoder on `bytes`, and every consumer on whatever decodes.
fn exercise(bytes: &[u8]) {
    let w = world();
    let c = &w.chain;
    let (anchor, d) = (c.tip(), &c.domain);
    if let Ok(stx) = SignedTransaction::decode(bytes) {
        let _ = validate_transaction(d, &c.state, &stx);
        let exit = ExitRecord { utxoPos: UtxoPos::new(3, 0, 0), ..Default::default() };
        let _ = verify_challenge(d, &exit, &stx, 0);
        let _ = verify_challenge(d, &exit, &stx, usize::MAX);
    }
    if let Ok(h) = BlockHeader::decode(bytes) {
        let _ = h.hash();
    }
    if let Ok(b) = decode::<Block>("Block", bytes, 1 << 20) {
        let _ = apply_block(d, &c.state, &b);
    }
    if let Ok(incl) = decode::<TxInclusion>("TxInclusion", bytes, 1 << 16) {
        let pos = UtxoPos::new(incl.header.height, incl.txProof.index as u32, 0);
        let _ = verify_exit_start(7, anchor, &pos, &incl, Default::default());
        let spend = SpendEvidence {
            height: incl.header.height,
            tx_index: incl.txProof.index as u32,
            inclusion: incl,
            input_index: 0,
        };
        let _ = verify_double_spend(7, anchor, &spend, &w.spend(w.honest_other, 1));
    }
    let (_, set) = testkit::committee(4);
    if let Ok(cp) = decode::<Checkpoint>("Checkpoint", bytes, 1 << 16) {
        let _ = set.verify_checkpoint(&cp);
    }
    if let Ok(cert) = decode::<CommitCertificate>("CommitCertificate", bytes, 1 << 16) {
        let _ = set.verify_certificate(7, &cert);
    }
    if let Ok(p) = decode::<MerkleProof>("MerkleProof", bytes, 1 << 16) {
        let _ = plasma_ledger::merkle::verify(B256::ZERO, &p, B256::ZERO);
        let _ = plasma_ledger::merkle::verify_history(B256::ZERO, 1, &p, B256::ZERO);
    }
    let _ = decode::<DepositRecord>("DepositRecord", bytes, 1 << 16);
    let _ = BlsSignature::from_eip2537(bytes);
    let _ = BlsPublicKey::from_eip2537(bytes);
    let _ = recover_signer(&B256::repeat_byte(7), bytes);
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        exercise(&bytes);
    }

    #[test]
    fn mutated_encodings_never_panic(seed in any::<usize>(), mutations in prop::collection::vec(mutation(), 1..4)) {
        let seeds = seeds();
        exercise(&mutate(seeds[seed % seeds.len()].clone(), &mutations));
    }

    #[test]
    fn fixed_size_decoders_take_exact_lengths(len in 0..600usize, fill in any::<u8>()) {
        let bytes = vec![fill; len];
        if len != 128 { prop_assert!(BlsSignature::from_eip2537(&bytes).is_err()); }
        if len != 256 { prop_assert!(BlsPublicKey::from_eip2537(&bytes).is_err()); }
        if len != 65 { prop_assert!(recover_signer(&B256::ZERO, &bytes).is_err()); }
    }
}
