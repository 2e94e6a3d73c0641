//! Merkle tree throughput: `cargo bench -p plasma-ledger --bench merkle`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plasma_ledger::merkle::{self, leaf_hash, HistoryTree};
use plasma_ledger::B256;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let leaves: Vec<B256> = (0..100_000u64).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let mut group = c.benchmark_group("merkle");
    group.throughput(Throughput::Elements(leaves.len() as u64));
    group.bench_function("root_100k_leaves", |b| b.iter(|| black_box(merkle::root(&leaves))));
    group.bench_function("prove_100k_leaves", |b| {
        b.iter(|| black_box(merkle::prove(&leaves, 77_777, None)))
    });
    group.throughput(Throughput::Elements(1));
    let mut tree = HistoryTree::new();
    group.bench_function("history_push_and_root", |b| {
        b.iter(|| {
            tree.push(B256::repeat_byte(7));
            black_box(tree.root())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
