//! Pending transactions: admitted by `CheckTx`, offered to proposers in arrival order,
//! dropped when a committed block includes them or spends what they spend.

use bytes::Bytes;
use plasma_consensus::shim::TxPool;
use plasma_ledger::children::fraud_proof_key;
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
    /// For a fraud proof against a child, what it proves whatever stakes it stands on
    /// (`children::fraud_proof_key`): the proposer re-links it, so the committed bytes differ
    /// from these.
    proves: Option<B256>,
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
        // A fraud proof standing on other stakes is the same proof (the proposer re-links it).
        let proves = fraud_proof_key(&stx);
        if let Some(same) = proves.and_then(|k| {
            inner.txs.iter().find(|(_, e)| e.proves == Some(k)).map(|(hash, _)| *hash)
        }) {
            return Err(MempoolError::Duplicate(same));
        }
        inner.seq += 1;
        let seq = inner.seq;
        for i in &inputs {
            inner.spends.insert(*i, hash);
        }
        inner.order.insert(seq, hash);
        inner.bytes += raw.len();
        inner.txs.insert(hash, Entry { seq, raw, inputs, proves });
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
        let mut proven = std::collections::HashSet::new();
        for raw in txs {
            inner.remove(&keccak256(raw));
            let Ok(stx) = SignedTransaction::decode(raw) else { continue };
            for pos in &stx.transaction.inputs {
                if let Some(by) = inner.spends.get(&pos.packed()).copied() {
                    inner.remove(&by); // its input is gone: it can never be valid again
                }
            }
            proven.extend(fraud_proof_key(&stx));
        }
        if !proven.is_empty() {
            // The same proof, committed as the proposer re-linked it.
            let same: Vec<B256> = inner
                .txs
                .iter()
                .filter(|(_, e)| e.proves.is_some_and(|k| proven.contains(&k)))
                .map(|(hash, _)| *hash)
                .collect();
            for hash in same {
                inner.remove(&hash);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolValue;
    use plasma_ledger::{build, testkit, Address, Output, UtxoPos, U256};

    fn spend(pos: UtxoPos, seed: &str, amount: u64) -> Bytes {
        let key = testkit::user(seed);
        let out = Output::new(Address::repeat_byte(9), Address::ZERO, U256::from(amount));
        Bytes::from(build::transfer(&testkit::domain(), &[(pos, &key)], vec![out]).abi_encode())
    }

    #[test]
    fn admits_in_order_and_refuses_duplicates_and_double_spends() {
        let pool = Mempool::new(MempoolLimits::default());
        let a = spend(UtxoPos::new(1, 0, 0), "a", 5);
        let b = spend(UtxoPos::new(1, 1, 0), "b", 5);
        let a_again = spend(UtxoPos::new(1, 0, 0), "a", 6); // same input, other tx
        pool.insert(a.clone()).unwrap();
        pool.insert(b.clone()).unwrap();
        assert!(matches!(pool.insert(a.clone()), Err(MempoolError::Duplicate(_))));
        assert!(matches!(pool.insert(a_again), Err(MempoolError::ConflictingSpend { .. })));
        assert!(matches!(
            pool.insert(Bytes::from_static(b"junk")),
            Err(MempoolError::Malformed(_))
        ));
        assert_eq!(pool.reap(usize::MAX), vec![a.clone(), b.clone()]);
        assert_eq!(pool.reap(a.len()), vec![a]);
    }

    #[test]
    fn a_committed_block_evicts_what_it_includes_and_what_it_invalidates() {
        let pool = Mempool::new(MempoolLimits::default());
        let a = spend(UtxoPos::new(1, 0, 0), "a", 5);
        let b = spend(UtxoPos::new(1, 1, 0), "b", 5);
        let c = spend(UtxoPos::new(1, 2, 0), "c", 5);
        for t in [&a, &b, &c] {
            pool.insert(t.clone()).unwrap();
        }
        // The block holds `a` and another spend of `b`'s input.
        let b_elsewhere = spend(UtxoPos::new(1, 1, 0), "b", 7);
        pool.committed(2, &[a, b_elsewhere]);
        assert_eq!(pool.reap(usize::MAX), vec![c.clone()]);
        // The freed input can be spent again.
        pool.insert(spend(UtxoPos::new(1, 1, 0), "b", 8)).unwrap();
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn a_fraud_proof_committed_as_the_proposer_re_linked_it_leaves_the_pool() {
        let pool = Mempool::new(MempoolLimits::default());
        let proof = |stakes_height: u64, reward: u64| {
            let c = plasma_ledger::ChildFraudProof {
                childChainId: 9,
                prover: Address::repeat_byte(7),
                stakesHeight: stakes_height,
                ..Default::default()
            };
            Bytes::from(build::prove_child_fraud_tx(&c, U256::from(reward)).abi_encode())
        };
        let submitted = proof(3, 0);
        let other = spend(UtxoPos::new(1, 0, 0), "a", 5);
        pool.insert(submitted).unwrap();
        // The same proof on other stakes is the same proof.
        assert!(matches!(pool.insert(proof(2, 0)), Err(MempoolError::Duplicate(_))));
        pool.insert(other.clone()).unwrap();
        // The block holds it standing on later stakes, paying a reward.
        pool.committed(5, &[proof(4, 10)]);
        assert_eq!(pool.reap(usize::MAX), vec![other]);
    }

    #[test]
    fn limits_hold() {
        let pool = Mempool::new(MempoolLimits { max_txs: 1, max_bytes: 1 << 20 });
        pool.insert(spend(UtxoPos::new(1, 0, 0), "a", 5)).unwrap();
        assert!(matches!(
            pool.insert(spend(UtxoPos::new(1, 1, 0), "b", 5)),
            Err(MempoolError::Full(1))
        ));
    }
}
