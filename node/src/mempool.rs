//! Pending transactions: admitted by `CheckTx`, offered to proposers in arrival order,
//! dropped when a committed block includes them or spends what they spend.

use bytes::Bytes;
use plasma_consensus::shim::TxPool;
use plasma_ledger::{keccak256, SignedTransaction, B256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Limits of the pool.
#[derive(Debug, Clone, Copy)]
pub struct MempoolLimits {
    /// Most transactions held.
    pub max_txs: usize,
    /// Most bytes held.
    pub max_bytes: usize,
}

impl Default for MempoolLimits {
    fn default() -> Self {
        Self { max_txs: 100_000, max_bytes: 256 << 20 }
    }
}

/// Why a transaction was not admitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MempoolError {
    /// The pool is at its count or byte limit.
    #[error("mempool full ({0} transactions)")]
    Full(usize),
    /// The same transaction is already pending.
    #[error("transaction {0} is already pending")]
    Duplicate(B256),
    /// A pending transaction already spends one of its inputs.
    #[error("input {input} is already spent by pending transaction {by}")]
    ConflictingSpend {
        /// The input.
        input: String,
        /// The pending spender.
        by: B256,
    },
    /// The transaction does not decode.
    #[error("{0}")]
    Malformed(String),
}

#[derive(Default)]
struct Inner {
    seq: u64,
    order: BTreeMap<u64, B256>,
    txs: HashMap<B256, Entry>,
    spends: HashMap<u128, B256>,
    bytes: usize,
}

struct Entry {
    seq: u64,
    raw: Bytes,
    inputs: Vec<u128>,
}

impl Inner {
    fn remove(&mut self, hash: &B256) {
        if let Some(e) = self.txs.remove(hash) {
            self.order.remove(&e.seq);
            self.bytes -= e.raw.len();
            for i in e.inputs {
                self.spends.remove(&i);
            }
        }
    }
}

/// The pool.
#[derive(Default)]
pub struct Mempool {
    limits: MempoolLimits,
    inner: Mutex<Inner>,
}

impl Mempool {
    /// An empty pool.
    pub fn new(limits: MempoolLimits) -> Self {
        Self { limits, inner: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Admits a transaction the application's `CheckTx` accepted. Returns its hash.
    pub fn insert(&self, raw: Bytes) -> Result<B256, MempoolError> {
        let stx =
            SignedTransaction::decode(&raw).map_err(|e| MempoolError::Malformed(e.to_string()))?;
        let hash = keccak256(&raw);
        let inputs: Vec<u128> = stx.transaction.inputs.iter().map(|p| p.packed()).collect();
        let mut inner = self.lock();
        if inner.txs.contains_key(&hash) {
            return Err(MempoolError::Duplicate(hash));
        }
        if inner.txs.len() >= self.limits.max_txs || inner.bytes + raw.len() > self.limits.max_bytes
        {
            return Err(MempoolError::Full(inner.txs.len()));
        }
        for (i, pos) in inputs.iter().zip(&stx.transaction.inputs) {
            if let Some(by) = inner.spends.get(i) {
                return Err(MempoolError::ConflictingSpend { input: pos.to_string(), by: *by });
            }
        }
        inner.seq += 1;
        let seq = inner.seq;
        for i in &inputs {
            inner.spends.insert(*i, hash);
        }
        inner.order.insert(seq, hash);
        inner.bytes += raw.len();
        inner.txs.insert(hash, Entry { seq, raw, inputs });
        Ok(hash)
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.lock().txs.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl TxPool for Mempool {
    fn reap(&self, max_bytes: usize) -> Vec<Bytes> {
        let inner = self.lock();
        let mut out = Vec::new();
        let mut bytes = 0;
        for hash in inner.order.values() {
            let e = &inner.txs[hash];
            if bytes + e.raw.len() > max_bytes {
                break;
            }
            bytes += e.raw.len();
            out.push(e.raw.clone());
        }
        out
    }

    fn committed(&self, _height: u64, txs: &[Bytes]) {
        let mut inner = self.lock();
        for raw in txs {
            inner.remove(&keccak256(raw));
            let Ok(stx) = SignedTransaction::decode(raw) else { continue };
            for pos in &stx.transaction.inputs {
                if let Some(by) = inner.spends.get(&pos.packed()).copied() {
                    inner.remove(&by); // its input is gone: it can never be valid again
                }
            }
        }
    }
}
