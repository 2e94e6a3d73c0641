//! The whole store read into the ledger's in-memory model.

use super::{corrupt, keys, Store, StoreError, CHILDREN, CHILD_DEPOSITS, DEPOSITS, EXITS, HASHES};
use super::{SPENT, STAKES, UTXOS};
use alloy_sol_types::SolValue;
use plasma_ledger::view::MemoryLedger;
use plasma_ledger::{Address, DepositRecord, Output, U256};

impl Store {
    /// The whole state, read into the ledger's in-memory model (for tests, audits and
    /// comparisons: a store and a model that saw the same blocks are equal).
    pub fn snapshot(&self) -> Result<MemoryLedger, StoreError> {
        let mut m = MemoryLedger {
            head: self.head.clone(),
            next_deposit_nonce: self.next_deposit_nonce,
            ..Default::default()
        };
        let height = self.head.height;
        let hashes = self.block_hashes(height)?.ok_or_else(|| {
            corrupt(HASHES, &height.to_be_bytes(), "a block below the head is missing")
        })?;
        m.block_hashes = (1..).zip(hashes).collect();
        for item in self.db.iterator_cf(self.cf(UTXOS), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let pos = keys::utxo_from(&k).ok_or_else(|| corrupt(UTXOS, &k, "key layout"))?;
            m.utxos.insert(pos, Output::abi_decode(&v).map_err(|e| corrupt(UTXOS, &k, e))?);
        }
        for item in self.db.iterator_cf(self.cf(SPENT), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let pos = keys::utxo_from(&k).ok_or_else(|| corrupt(SPENT, &k, "key layout"))?;
            m.spent.insert(
                pos,
                keys::tx_ref_from(&v).ok_or_else(|| corrupt(SPENT, &k, "value layout"))?,
            );
        }
        for item in self.db.iterator_cf(self.cf(DEPOSITS), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let r = DepositRecord::abi_decode(&v).map_err(|e| corrupt(DEPOSITS, &k, e))?;
            m.parent_deposits.insert(r.nonce, r);
        }
        for item in self.db.iterator_cf(self.cf(CHILDREN), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let child = keys::child_from(&k).ok_or_else(|| corrupt(CHILDREN, &k, "key layout"))?;
            let escrow = m.escrows.entry(child).or_default();
            if k.len() == 8 {
                let record = keys::child_record_from(&v).map_err(|e| corrupt(CHILDREN, &k, e))?;
                m.registry.insert(child, record);
            } else if k.len() == 16 {
                let (hash, _) =
                    keys::child_checkpoint_from(&v).map_err(|e| corrupt(CHILDREN, &k, e))?;
                m.child_checkpoints.insert(
                    (child, u64::from_be_bytes(k[8..].try_into().unwrap_or_default())),
                    hash,
                );
            } else if k.len() == 28 {
                let token = Address::from_slice(&k[8..]);
                let (balance, at) =
                    keys::escrow_from(&v).ok_or_else(|| corrupt(CHILDREN, &k, "escrow"))?;
                escrow.insert(token, balance);
                m.escrow_links.insert((child, token), at);
            }
        }
        for item in self.db.iterator_cf(self.cf(EXITS), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let child = keys::child_from(&k).ok_or_else(|| corrupt(EXITS, &k, "key layout"))?;
            let exit = keys::child_exit_from(&v).map_err(|e| corrupt(EXITS, &k, e))?;
            m.child_exits.insert((child, exit.record.exitId), exit);
        }
        for item in self.db.iterator_cf(self.cf(STAKES), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let child = keys::child_from(&k).ok_or_else(|| corrupt(STAKES, &k, "key layout"))?;
            let stake = U256::try_from_be_slice(&v).ok_or_else(|| corrupt(STAKES, &k, "stake"))?;
            m.child_stakes.insert((child, Address::from_slice(&k[8..])), stake);
        }
        for item in self.db.iterator_cf(self.cf(CHILD_DEPOSITS), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let d = keys::child_deposit_from(&v).map_err(|e| corrupt(CHILD_DEPOSITS, &k, e))?;
            m.child_deposits.insert((d.record.chainId, d.record.nonce), d);
        }
        Ok(m)
    }
}
