//! Transaction validation throughput: `cargo bench -p plasma-ledger --bench validate`.
//!
//! * `validate/transfer_1in` — full validation of signed one-input transfers (EIP-712 hash,
//!   signature recovery, UTXO lookup, conservation) against an in-memory view;
//! * `validate/recover_signer` — signature recovery alone, the bound on the above;
//! * `validate/sign_transfer` — a wallet signing a one-input transfer (EIP-712 digest and
//!   secp256k1 signature): what a load generator pays per transfer.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use plasma_ledger::block::build_block;
use plasma_ledger::signing::recover_signer;
use plasma_ledger::testkit::{self, Workload};
use plasma_ledger::validate_transaction;
use plasma_ledger::view::MemoryLedger;
use std::hint::black_box;

const TXS: usize = 1_000;

fn bench(c: &mut Criterion) {
    let d = testkit::domain();
    let work = Workload::new(16);
    let mut state = MemoryLedger::default();
    let records = work.deposits(&state, d.chain_id, TXS as u64);
    for r in &records {
        state.parent_deposits.insert(r.nonce, r.clone());
    }
    let txs = work.block_txs(&d, &state, &records, 0);
    let (_, delta) =
        build_block(&d, &state, txs, &Workload::params(1)).expect("deposits are valid");
    state.apply(&delta);
    let transfers = work.transfers(&d, &state, TXS);
    assert_eq!(transfers.len(), TXS);

    let mut group = c.benchmark_group("validate");
    group.throughput(Throughput::Elements(TXS as u64));
    group.bench_function("transfer_1in", |b| {
        b.iter(|| {
            for tx in &transfers {
                black_box(validate_transaction(&d, &state, tx).expect("valid"));
            }
        })
    });
    let signed: Vec<_> = transfers
        .iter()
        .map(|t| (d.signing_hash(&t.transaction), t.signatures[0].clone()))
        .collect();
    group.bench_function("recover_signer", |b| {
        b.iter_batched(
            || &signed,
            |signed| {
                for (digest, sig) in signed {
                    black_box(recover_signer(digest, sig).expect("valid"));
                }
            },
            BatchSize::SmallInput,
        )
    });
    let key = testkit::user("bench-signer");
    group.bench_function("sign_transfer", |b| {
        b.iter(|| {
            for tx in &transfers {
                black_box(key.sign_tx(&d, &tx.transaction));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
