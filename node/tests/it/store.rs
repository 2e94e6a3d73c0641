//! The RocksDB store judges like the in-memory model and restores exactly what it committed.

use plasma_ledger::block::build_block;
use plasma_ledger::build;
use plasma_ledger::testkit::{self, Workload};
use plasma_ledger::view::MemoryLedger;
use plasma_ledger::{apply_block, Address, BlockError, UtxoPos};
use plasma_node::{Store, StoreConfig, StoreError};

/// An empty store in a fresh directory, with its reference model and a workload.
fn fresh(users: usize) -> (tempfile::TempDir, Store, MemoryLedger, Workload) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
    (dir, store, MemoryLedger::default(), Workload::new(users))
}

/// Commits `blocks` blocks of deterministic load to both `store` and `model`.
fn grow(
    store: &mut Store,
    model: &mut MemoryLedger,
    work: &Workload,
    blocks: usize,
    transfers: usize,
) {
    let d = testkit::domain();
    for _ in 0..blocks {
        let records = work.deposits(model, d.chain_id, 3);
        for r in &records {
            store.record_parent_deposit(r).unwrap();
            model.parent_deposits.insert(r.nonce, r.clone());
        }
        let txs = work.block_txs(&d, model, &records, transfers);
        let params = Workload::params(model.head.height + 1);
        let (block, delta) = build_block(&d, model, txs, &params).expect("workload is valid");
        let stored = store.apply_block(&d, &block).unwrap().expect("store agrees with the model");
        assert_eq!(stored, delta, "store and model judge alike");
        store.commit(&block, &stored).unwrap();
        model.apply(&delta);
    }
}

#[test]
fn reopen_restores_the_exact_state() {
    let dir = tempfile::tempdir().unwrap();
    let work = Workload::new(5);
    let mut model = MemoryLedger::default();
    {
        let mut store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
        store.register_child(8, &Default::default()).unwrap();
        model.escrows.insert(8, Default::default());
        model.registry.insert(8, Default::default());
        grow(&mut store, &mut model, &work, 12, 25);
        assert_eq!(store.snapshot().unwrap(), model);
    }
    let mut store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
    assert_eq!(store.head(), &model.head);
    assert_eq!(store.snapshot().unwrap(), model);
    // And it goes on from there exactly as the model does.
    grow(&mut store, &mut model, &work, 3, 25);
    assert_eq!(store.snapshot().unwrap(), model);
    let block = store.block(7).unwrap().expect("block 7 stored");
    assert_eq!(block.header.height, 7);
    let first = block.transactions[0].transaction.hash();
    assert_eq!(store.tx_location(&first).unwrap().map(|r| (r.height, r.index)), Some((7, 0)));
}

#[test]
fn invalid_block_is_refused_and_changes_nothing() {
    let (_dir, mut store, mut model, work) = fresh(3);
    grow(&mut store, &mut model, &work, 2, 5);
    let d = testkit::domain();
    let victim = model.utxos.keys().next().unwrap().clone();
    let thief = testkit::user("thief");
    let steal = build::transfer(
        &d,
        &[(victim.clone(), &thief)],
        vec![plasma_ledger::Output::new(
            thief.address(),
            Address::ZERO,
            model.utxos[&victim].amount,
        )],
    );
    let block = plasma_ledger::block::seal_block(&d, &model, vec![steal], &Workload::params(3));
    let verdict = store.apply_block(&d, &block).unwrap();
    assert!(matches!(verdict, Err(BlockError::InvalidTransaction { index: 0, .. })), "{verdict:?}");
    assert_eq!(verdict, apply_block(&d, &model, &block).map(|_| unreachable!()));
    assert_eq!(store.snapshot().unwrap(), model);
}

#[test]
fn commit_refuses_a_delta_that_does_not_extend_the_head() {
    let (_dir, mut store, mut model, work) = fresh(3);
    grow(&mut store, &mut model, &work, 1, 0);
    let d = testkit::domain();
    let (block, delta) = build_block(&d, &model, vec![], &Workload::params(2)).unwrap();
    store.commit(&block, &delta).unwrap();
    let err = store.commit(&block, &delta).unwrap_err();
    assert!(matches!(err, StoreError::NotNext { head: 2, got: 2, .. }), "{err}");
    assert!(store.snapshot().unwrap().utxos.contains_key(&UtxoPos::new(1, 0, 0)));
}

/// The hash index gives the hashes a history proof needs, equal to the blocks' own, and
/// the history root over them is the one the next header committed to.
#[test]
fn block_hashes_are_the_blocks_and_make_their_history_root() {
    let (_dir, mut store, mut model, work) = fresh(4);
    grow(&mut store, &mut model, &work, 9, 5);
    let hashes = store.block_hashes(9).unwrap().expect("all nine");
    let own: Vec<_> = (1..=9).map(|h| store.block(h).unwrap().unwrap().header.hash()).collect();
    assert_eq!(hashes, own);
    let mut tree = plasma_ledger::merkle::HistoryTree::new();
    for h in &hashes[..8] {
        tree.push(*h);
    }
    assert_eq!(tree.root(), store.block(9).unwrap().unwrap().header.historyRoot);
    assert_eq!(store.block_hashes(3).unwrap().unwrap(), own[..3]);
    assert_eq!(store.block_hashes(10).unwrap(), None, "no block 10 yet");
}
