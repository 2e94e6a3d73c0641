use super::*;
use plasma_ledger::block::{build_block, seal_block};
use plasma_ledger::children::{record_of, ExitStatus, RecordedDeposit};
use plasma_ledger::testkit::{self, Workload};
use plasma_ledger::view::MemoryLedger;
use plasma_ledger::{ExitRecord, LedgerView};

/// A store holding one block of deposits to the workload's users.
fn funded(dir: &Path) -> (Store, MemoryLedger, Workload) {
    let d = testkit::domain();
    let work = Workload::new(2);
    let mut store = Store::open(dir, &StoreConfig::default()).unwrap();
    let mut model = MemoryLedger::default();
    let records = work.deposits(&model, d.chain_id, 2);
    for r in &records {
        store.record_parent_deposit(r).unwrap();
        model.parent_deposits.insert(r.nonce, r.clone());
    }
    let txs = work.block_txs(&d, &model, &records, 0);
    let (block, delta) = build_block(&d, &model, txs, &Workload::params(1)).unwrap();
    store.commit(&block, &delta).unwrap();
    model.apply(&delta);
    (store, model, work)
}

#[test]
fn unreadable_input_voids_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (store, model, work) = funded(dir.path());
    let d = testkit::domain();
    let block = seal_block(&d, &model, work.transfers(&d, &model, 1), &Workload::params(2));
    store.db.put_cf(store.cf(UTXOS), keys::utxo(&UtxoPos::new(1, 0, 0)), b"garbage").unwrap();
    // Read as "absent", the spend would be judged `InputMissing`; the store says why not.
    let err = store.apply_block(&d, &block).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { family: UTXOS, .. }), "{err}");
}

#[test]
fn damaged_head_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (store, _, _) = funded(dir.path());
        store.db.put_cf(store.cf(META), keys::HEAD, [1u8; 7]).unwrap();
    }
    let err = Store::open(dir.path(), &StoreConfig::default()).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { family: META, .. }), "{err}");
}

#[test]
fn checkpoints_and_children_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let (store, model, _) = funded(dir.path());
    let header = store.block(1).unwrap().unwrap().header;
    let (keys, set) = testkit::committee(4);
    let cp = Checkpoint { certificate: testkit::certify_all(&set, &keys, &header), header };
    store.put_checkpoint(&cp).unwrap();
    assert_eq!(store.checkpoint(1).unwrap(), Some(cp));
    assert_eq!(store.checkpoint(2).unwrap(), None);
    let last_ref = TxRef { height: 5, index: 2 };
    let record = ChildRecord {
        registered_at: TxRef { height: 2, index: 1 },
        last_height: 3,
        last_ref,
        last_named_set: B256::repeat_byte(5),
        last_next_set: B256::repeat_byte(6),
        ..record_of(&Default::default())
    };
    store.register_child(9, &record).unwrap();
    let exit = |id: u8, anchor: u64, status: ExitStatus| ChildExit {
        record: ExitRecord {
            exitId: B256::repeat_byte(id),
            amount: U256::from(5),
            ..Default::default()
        },
        bond: U256::from(1),
        anchor,
        status,
        started_at: TxRef { height: anchor, index: 2 },
        cancelled_at: TxRef { height: anchor + 1, index: 0 },
    };
    // A queued exit and a cancelled one (settled: kept, out of the queue).
    let (queued, cancelled) = (exit(3, 3, ExitStatus::Queued), exit(4, 2, ExitStatus::Cancelled));
    for e in [&queued, &cancelled] {
        let k = keys::child_exit(9, &e.record.exitId);
        store.db.put_cf(store.cf(EXITS), k, keys::child_exit_value(e)).unwrap();
    }
    // A checkpoint of the child accepted by transaction 2 of block 5.
    let accepted = (B256::repeat_byte(7), TxRef { height: 5, index: 2 });
    let value = keys::child_checkpoint_value(&accepted.0, accepted.1);
    store.db.put_cf(store.cf(CHILDREN), keys::child_number(9, 3), value).unwrap();
    // One stored before the place was kept (its hash alone) reads with the place 0:0.
    store.db.put_cf(store.cf(CHILDREN), keys::child_number(9, 1), [8u8; 32]).unwrap();
    // A deposit locked for the child, with when it was recorded (a record exit's priority).
    let deposit = RecordedDeposit {
        record: DepositRecord { chainId: 9, nonce: 2, amount: U256::from(6), ..Default::default() },
        recorded_at: 1_234,
    };
    let k = keys::child_number(9, 2);
    store.db.put_cf(store.cf(CHILD_DEPOSITS), k, keys::child_deposit_value(&deposit)).unwrap();
    let view = store.view();
    assert!(view.is_child(9) && !view.is_child(10));
    assert_eq!(view.child(9), Some(record.clone()));
    assert_eq!(view.child_exit(9, &queued.record.exitId), Some(queued.clone()));
    assert_eq!(view.child_exit(9, &cancelled.record.exitId), Some(cancelled.clone()));
    assert_eq!(view.exit_queue(9, &Address::ZERO), vec![queued.record.clone()]);
    assert_eq!(view.child_checkpoint(9, 3), Some(B256::repeat_byte(7)));
    assert_eq!(view.child_checkpoint(9, 4), None);
    assert_eq!(store.child_checkpoint(9, 3).unwrap(), Some(accepted));
    let unplaced = (B256::repeat_byte(8), TxRef { height: 0, index: 0 });
    assert_eq!(store.child_checkpoint(9, 1).unwrap(), Some(unplaced));
    assert_eq!(view.escrow(9, &Address::ZERO), U256::ZERO);
    assert_eq!(view.child_deposit(9, 2), Some(deposit.clone()));
    assert_eq!(view.child_deposit(9, 3), None);
    view.finish().unwrap();
    let mut expected = model;
    expected.escrows.insert(9, Default::default());
    expected.registry.insert(9, record);
    expected.child_exits.insert((9, queued.record.exitId), queued);
    expected.child_exits.insert((9, cancelled.record.exitId), cancelled);
    expected.child_checkpoints.insert((9, 3), B256::repeat_byte(7));
    expected.child_checkpoints.insert((9, 1), B256::repeat_byte(8));
    expected.child_deposits.insert((9, 2), deposit);
    assert_eq!(store.snapshot().unwrap(), expected);
}

#[test]
fn a_child_exit_keeps_its_anchor_status_start_and_cancellation_in_store() {
    let statuses =
        [ExitStatus::Queued, ExitStatus::Paid, ExitStatus::Challenged, ExitStatus::Cancelled];
    for (i, status) in statuses.into_iter().enumerate() {
        let exit = ChildExit {
            record: ExitRecord { exitId: B256::repeat_byte(1), ..Default::default() },
            bond: U256::from(10),
            anchor: 40 + i as u64,
            status,
            started_at: TxRef { height: 41 + i as u64, index: 7 },
            cancelled_at: TxRef { height: 50 + i as u64, index: 3 },
        };
        let stored = keys::child_exit_value(&exit);
        assert_eq!(keys::child_exit_from(&stored), Ok(exit.clone()));
        // Stored before the cancellation's place was kept, it reads with none, unless it was
        // cancelled: then it is refused, never read as never cancelled.
        let before = keys::child_exit_from(&stored[..stored.len() - 2 * 32]);
        match status {
            ExitStatus::Cancelled => assert!(before.is_err(), "a cancellation without its place"),
            _ => assert_eq!(before, Ok(ChildExit { cancelled_at: TxRef::default(), ..exit })),
        }
    }
    let mut unknown = keys::child_exit_value(&ChildExit {
        record: ExitRecord::default(),
        bond: U256::ZERO,
        anchor: 0,
        status: ExitStatus::Queued,
        started_at: TxRef::default(),
        cancelled_at: TxRef::default(),
    });
    // The status is the fifth word from the end, before the start's and the cancellation's
    // heights and indexes.
    let status_byte = unknown.len() - 4 * 32 - 1;
    unknown[status_byte] = 4;
    assert!(keys::child_exit_from(&unknown).is_err(), "status 4 means nothing");
}

#[test]
fn a_plasma_parents_deposits_are_read_in_nonce_order_across_their_gaps() {
    // A plasma parent numbers deposits by where their locks stand: 3:0 and 9:2.
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
    let record = |nonce: u64| DepositRecord { chainId: 7, nonce, ..Default::default() };
    let (first, second) = (3u64 << 32, 9u64 << 32 | 2);
    store.record_parent_deposit(&record(second)).unwrap();
    store.record_parent_deposit(&record(first)).unwrap();
    let next = |from| store.next_parent_deposit(from).unwrap().map(|d| d.nonce);
    assert_eq!(next(0), Some(first));
    assert_eq!(next(first), Some(first));
    assert_eq!(next(first + 1), Some(second), "the gap is skipped");
    assert_eq!(next(second + 1), None);
    assert_eq!(store.recorded_deposits_end().unwrap(), second + 1);
    let view = store.view();
    assert_eq!(view.next_parent_deposit(first + 1).map(|d| d.nonce), Some(second));
}

#[test]
fn a_child_record_keeps_where_it_was_registered_and_its_stakes_and_an_older_layout_is_refused() {
    let record = ChildRecord {
        registered_at: TxRef { height: 7, index: 3 },
        last_ref: TxRef { height: 9, index: 1 },
        last_height: 4,
        next_deposit_nonce: 7 << 32 | 4,
        stakes_ref: TxRef { height: 8, index: 2 },
        staked: U256::from(30),
        rollback_height: 3,
        rollback_ref: TxRef { height: 10, index: 0 },
        rollback_shown: 5,
        ..record_of(&Default::default())
    };
    let bytes = keys::child_record(&record);
    assert_eq!(keys::child_record_from(&bytes).unwrap(), record);
    // Stored before the height the proof that froze it showed was kept (its rollback three
    // words), before where its rollback was set was (one word), before where its stakes last
    // changed was (five fields), or before where it was registered was (four): what a fraud
    // proof must show below, what a cancellation must name, or what its stakes hold, is lost:
    // refused, not guessed.
    let configurations: Vec<_> =
        record.configurations.iter().map(|c| (c.validators.clone(), c.active_from)).collect();
    let sets = (record.params.clone(), configurations, record.active, record.pending);
    let r = &record;
    let last = (r.last_height, r.last_hash, 9u64, 1u32, r.last_named_set, r.last_next_set);
    let (nonce, rollback) = (r.next_deposit_nonce, r.rollback_height);
    let stakes = (8u64, 2u32, r.staked);
    let unshown = (sets.clone(), last, nonce, (3u64, 10u64, 0u32), (7u64, 3u32), stakes);
    assert!(keys::child_record_from(&unshown.abi_encode_params()).is_err());
    let unset = (sets.clone(), last, nonce, rollback, (7u64, 3u32), stakes).abi_encode_params();
    assert!(keys::child_record_from(&unset).is_err());
    let registered = (sets.clone(), last, nonce, rollback, (7u64, 3u32)).abi_encode_params();
    assert!(keys::child_record_from(&registered).is_err());
    let older = (sets, last, nonce, rollback).abi_encode_params();
    assert!(keys::child_record_from(&older).is_err());
}

/// Sets only move forward at the parent: a header may adopt a configuration numbered after
/// the current set's, never one before it (the parent would never activate it).
#[test]
fn only_a_configuration_numbered_after_the_current_sets_may_be_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
    let member =
        |i: u8| Validator { operator: Address::repeat_byte(i), power: 1, ..Default::default() };
    let sets = [vec![member(1)], vec![member(1), member(2)], vec![member(1), member(2), member(3)]];
    for (id, set) in (1u32..).zip(&sets) {
        store.record_configuration(id, 4, set).unwrap();
    }
    let hash = |i: usize| Validator::set_hash(&sets[i]);
    let after = |current: usize, next: usize| {
        store.configuration_after(&hash(current), &hash(next)).unwrap()
    };
    assert_eq!(after(0, 1), Some(sets[1].clone()));
    assert_eq!(after(0, 2), Some(sets[2].clone()), "a re-numbered pending set may be skipped");
    assert_eq!(after(1, 2), Some(sets[2].clone()));
    assert_eq!(after(2, 1), None, "configuration 2 was numbered before the current 3");
    assert_eq!(after(1, 0), None, "the registered set never comes back");
    assert!(store.configuration_by_hash(&hash(1)).unwrap().is_some(), "though it is known");
}
