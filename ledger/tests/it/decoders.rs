//! One fuzz target per decoder of outside input, run with proptest: arbitrary bytes and
//! mutations of a valid encoding must yield a value or a typed error, never a panic, and
//! whatever decodes must also survive the checks that consume it.
//!
//! Cases per target: `FUZZ_CASES` (default 256; CI raises it for a bounded longer run).

use alloy_sol_types::SolValue;
use plasma_ledger::bls::{BlsPublicKey, BlsSecretKey, BlsSignature, VOTE_DST};
use plasma_ledger::exit::{verify_challenge, verify_exit_start};
use plasma_ledger::fraud::{verify_double_spend, verify_equivocation, SpendEvidence};
use plasma_ledger::signing::recover_signer;
use plasma_ledger::testkit::{self, FraudWorld};
use plasma_ledger::types::{decode, DecodeError};
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

fn committee() -> &'static plasma_ledger::certificate::ValidatorSet {
    static SET: OnceLock<plasma_ledger::certificate::ValidatorSet> = OnceLock::new();
    SET.get_or_init(|| testkit::committee(4).1)
}

fn certificate() -> &'static CommitCertificate {
    static CERT: OnceLock<CommitCertificate> = OnceLock::new();
    CERT.get_or_init(|| {
        let (keys, set) = testkit::committee(4);
        testkit::certify_all(&set, &keys, world().chain.tip())
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

/// Inputs for one decoder: arbitrary bytes, or a few mutations of a valid encoding.
fn input(valid: fn() -> Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..1024),
        3 => prop::collection::vec(mutation(), 1..4).prop_map(move |m| mutate(valid(), &m)),
    ]
}

fn typed<T>(r: Result<T, DecodeError>) -> Option<T> {
    r.ok()
}

macro_rules! fuzz_target {
    ($(#[$doc:meta])* $name:ident, $valid:expr, |$bytes:ident| $body:block) => {
        proptest! {
            #![proptest_config(config())]
            $(#[$doc])*
            #[test]
            fn $name(data in input($valid)) {
                let $bytes: &[u8] = &data;
                $body
            }
        }
    };
}

fuzz_target!(
    /// Signed transactions, then validation and use as an exit challenge.
    signed_transaction,
    || world().chain.blocks[2].transactions[1].abi_encode(),
    |bytes| {
        if let Some(stx) = typed(SignedTransaction::decode(bytes)) {
            let c = &world().chain;
            let _ = validate_transaction(&c.domain, &c.state, &stx);
            let exit = ExitRecord { utxoPos: UtxoPos::new(3, 0, 0), ..Default::default() };
            let _ = verify_challenge(&c.domain, &exit, &stx, 0);
            let _ = verify_challenge(&c.domain, &exit, &stx, usize::MAX);
        }
    }
);

fuzz_target!(
    /// Block headers.
    block_header,
    || world().chain.tip().abi_encode(),
    |bytes| {
        if let Some(h) = typed(BlockHeader::decode(bytes)) {
            let _ = h.hash();
        }
    }
);

fuzz_target!(
    /// Whole blocks, then block application.
    block,
    || world().chain.blocks[2].abi_encode(),
    |bytes| {
        if let Some(b) = typed(decode::<Block>("Block", bytes, 1 << 20)) {
            let c = &world().chain;
            let _ = apply_block(&c.domain, &c.state, &b);
        }
    }
);

fuzz_target!(
    /// Inclusion proofs, then exit starts and double-spend evidence.
    tx_inclusion,
    || world().chain.inclusion(3, 0).abi_encode(),
    |bytes| {
        if let Some(incl) = typed(decode::<TxInclusion>("TxInclusion", bytes, 1 << 16)) {
            let w = world();
            let anchor = w.chain.tip();
            let index = incl.txProof.index as u32;
            let pos = UtxoPos::new(incl.header.height, index, 0);
            let _ = verify_exit_start(7, anchor, &pos, &incl, Default::default());
            let spend = SpendEvidence {
                height: incl.header.height,
                tx_index: index,
                inclusion: incl,
                input_index: 0,
            };
            let _ = verify_double_spend(7, anchor, &spend, &w.spend(w.honest_other, 1));
        }
    }
);

fuzz_target!(
    /// Checkpoints, then certificate verification.
    checkpoint,
    || Checkpoint { header: world().chain.tip().clone(), certificate: certificate().clone() }
        .abi_encode(),
    |bytes| {
        if let Some(cp) = typed(decode::<Checkpoint>("Checkpoint", bytes, 1 << 16)) {
            let _ = committee().verify_checkpoint(&testkit::votes(7), &cp);
        }
    }
);

fuzz_target!(
    /// Commit certificates, then verification and equivocation evidence.
    commit_certificate,
    || certificate().abi_encode(),
    |bytes| {
        if let Some(cert) = typed(decode::<CommitCertificate>("CommitCertificate", bytes, 1 << 16)) {
            let _ = committee().verify_certificate(&testkit::votes(7), &cert);
            let _ = verify_equivocation(committee(), &testkit::votes(7), &cert, certificate());
        }
    }
);

fuzz_target!(
    /// Merkle proofs, then verification as tx and history proofs.
    merkle_proof,
    || world().chain.inclusion(2, 0).historyProof.abi_encode(),
    |bytes| {
        if let Some(p) = typed(decode::<MerkleProof>("MerkleProof", bytes, 1 << 16)) {
            let _ = plasma_ledger::merkle::verify(B256::ZERO, &p, B256::ZERO);
            let _ = plasma_ledger::merkle::verify_history(B256::ZERO, 1, &p, B256::ZERO);
        }
    }
);

fuzz_target!(
    /// Parent deposit records.
    deposit_record,
    || world().chain.state.parent_deposits[&0].abi_encode(),
    |bytes| {
        let _ = decode::<DepositRecord>("DepositRecord", bytes, 1 << 16);
    }
);

fuzz_target!(
    /// BLS signatures (EIP-2537 G1), then verification.
    bls_signature,
    || BlsSecretKey::from_seed(b"k").sign(b"m", VOTE_DST).to_eip2537().to_vec(),
    |bytes| {
        if let Ok(sig) = BlsSignature::from_eip2537(bytes) {
            let _ = sig.verify(b"m", VOTE_DST, &BlsSecretKey::from_seed(b"k").public_key());
        }
    }
);

fuzz_target!(
    /// BLS public keys (EIP-2537 G2).
    bls_public_key,
    || BlsSecretKey::from_seed(b"k").public_key().to_eip2537().to_vec(),
    |bytes| {
        let _ = BlsPublicKey::from_eip2537(bytes);
    }
);

fuzz_target!(
    /// User signatures (65 bytes r ‖ s ‖ v).
    user_signature,
    || testkit::user("u").sign_digest(&B256::repeat_byte(7)).to_vec(),
    |bytes| {
        let _ = recover_signer(&B256::repeat_byte(7), bytes);
    }
);
