//! The store as the ledger's [`LedgerView`]: reads straight from RocksDB for one judging pass.

use super::keys;
use super::{Store, StoreError, CHILDREN, CHILD_DEPOSITS, SPENT, STAKES, UTXOS};
use plasma_ledger::children::{ChildExit, ChildRecord, RecordedDeposit};
use plasma_ledger::view::{ChainHead, LedgerView, TxRef};
use plasma_ledger::{Address, DepositRecord, ExitRecord, Output, UtxoPos, B256, U256};
use std::sync::Mutex;

/// A read view of the store for one judging pass. The ledger's view answers without
/// errors, so a failed read answers "absent" and is kept here; [`StoreView::finish`] turns
/// it back into an error, and a verdict reached through a failed read must be discarded.
pub struct StoreView<'a> {
    store: &'a Store,
    error: Mutex<Option<StoreError>>,
    time: Option<u64>,
}

impl core::fmt::Debug for StoreView<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoreView").field("store", self.store).finish_non_exhaustive()
    }
}

impl<'a> StoreView<'a> {
    /// A view of `store`, judging time-bound rules at `time` (none outside a block).
    pub(super) fn new(store: &'a Store, time: Option<u64>) -> Self {
        StoreView { store, error: Mutex::new(None), time }
    }

    /// The first read failure of this pass, if any.
    pub fn finish(self) -> Result<(), StoreError> {
        match self.error.into_inner() {
            Ok(None) => Ok(()),
            Ok(Some(e)) => Err(e),
            Err(poisoned) => poisoned.into_inner().map_or(Ok(()), Err),
        }
    }

    /// Child `chain`'s escrow of `token` and where it last changed, when anything did.
    fn escrow_entry(&self, chain: u64, token: &Address) -> Option<(U256, TxRef)> {
        let entry = |v: &[u8]| keys::escrow_from(v).ok_or_else(|| "escrow".to_string());
        self.keep(self.store.read_with(CHILDREN, &keys::child_address(chain, token), entry))
    }

    fn keep<T>(&self, r: Result<Option<T>, StoreError>) -> Option<T> {
        r.unwrap_or_else(|e| {
            if let Ok(mut slot) = self.error.lock() {
                slot.get_or_insert(e);
            }
            None
        })
    }
}

impl LedgerView for StoreView<'_> {
    fn head(&self) -> ChainHead {
        self.store.head.clone()
    }
    fn block_hash(&self, height: u64) -> Option<B256> {
        self.keep(self.store.block_hash(height))
    }
    fn unspent(&self, pos: &UtxoPos) -> Option<Output> {
        self.keep(self.store.read(UTXOS, &keys::utxo(pos)))
    }
    fn spent_by(&self, pos: &UtxoPos) -> Option<TxRef> {
        self.keep(self.store.read_tx_ref(SPENT, &keys::utxo(pos)))
    }
    fn next_deposit_nonce(&self) -> u64 {
        self.store.next_deposit_nonce
    }
    fn next_parent_deposit(&self, from: u64) -> Option<DepositRecord> {
        self.keep(self.store.next_parent_deposit(from))
    }
    fn child(&self, chain: u64) -> Option<ChildRecord> {
        self.keep(self.store.child(chain))
    }
    fn escrow(&self, chain: u64, token: &Address) -> U256 {
        self.escrow_entry(chain, token).map(|(balance, _)| balance).unwrap_or_default()
    }
    fn escrow_link(&self, chain: u64, token: &Address) -> Option<TxRef> {
        self.escrow_entry(chain, token).map(|(_, at)| at)
    }
    fn child_exit(&self, chain: u64, exit_id: &B256) -> Option<ChildExit> {
        self.keep(self.store.child_exit(chain, exit_id))
    }
    fn exit_queue(&self, chain: u64, token: &Address) -> Vec<ExitRecord> {
        let exits = self.keep(self.store.active_child_exits(chain).map(Some)).unwrap_or_default();
        let mut q: Vec<_> =
            exits.into_iter().map(|e| e.record).filter(|r| r.token == *token).collect();
        plasma_ledger::view::by_priority(&mut q);
        q
    }
    fn time(&self) -> Option<u64> {
        self.time
    }
    fn child_stake(&self, chain: u64, operator: &Address) -> U256 {
        let stake = |v: &[u8]| U256::try_from_be_slice(v).ok_or_else(|| "stake".to_string());
        self.keep(self.store.read_with(STAKES, &keys::child_address(chain, operator), stake))
            .unwrap_or_default()
    }
    fn child_deposit(&self, chain: u64, nonce: u64) -> Option<RecordedDeposit> {
        let key = keys::child_number(chain, nonce);
        self.keep(self.store.read_with(CHILD_DEPOSITS, &key, keys::child_deposit_from))
    }
    fn child_checkpoint(&self, chain: u64, height: u64) -> Option<B256> {
        self.keep(self.store.child_checkpoint(chain, height)).map(|(hash, _)| hash)
    }
}
