//! Block application into RocksDB: `cargo bench -p plasma-node --bench apply`.
//!
//! Each iteration judges a block of 10,000 signed one-input transfers against the store
//! (signature recovery, UTXO reads) and commits it as one synced write batch. Signing the
//! block and advancing the reference model happen in untimed setup.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use plasma_ledger::block::build_block;
use plasma_ledger::testkit::{self, Workload};
use plasma_ledger::view::MemoryLedger;
use plasma_node::{Store, StoreConfig};
use std::cell::RefCell;
use std::time::Duration;

const BLOCK_TXS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let d = testkit::domain();
    let work = Workload::new(64);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path(), &StoreConfig::default()).expect("store opens");
    let mut model = MemoryLedger::default();
    // Fund BLOCK_TXS outputs with one block of deposits.
    let records = work.deposits(&model, d.chain_id, BLOCK_TXS as u64);
    for r in &records {
        store.record_parent_deposit(r).expect("record");
        model.parent_deposits.insert(r.nonce, r.clone());
    }
    let txs = work.block_txs(&d, &model, &records, 0);
    let (block, delta) =
        build_block(&d, &model, txs, &Workload::params(1)).expect("deposits are valid");
    store.commit(&block, &delta).expect("commit");
    model.apply(&delta);

    let state = RefCell::new((store, model));
    let mut group = c.benchmark_group("apply");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(BLOCK_TXS as u64));
    group.bench_function("block_10k_transfers_rocksdb", |b| {
        b.iter_batched(
            || {
                let (_, model) = &*state.borrow();
                let txs = work.transfers(&d, model, BLOCK_TXS);
                plasma_ledger::block::seal_block(
                    &d,
                    model,
                    txs,
                    &Workload::params(model.head.height + 1),
                )
            },
            |block| {
                let (store, model) = &mut *state.borrow_mut();
                let delta =
                    store.apply_block(&d, &block).expect("store reads").expect("valid block");
                store.commit(&block, &delta).expect("commit");
                model.apply(&delta);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
