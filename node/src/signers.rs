//! Remembered signature recoveries.
//!
//! Recovering a secp256k1 signer is the largest cost of validating a transfer. A validator
//! meets each transaction at least three times: at `CheckTx` (submission or gossip), when it
//! proposes or judges the block that holds it, and when the proposer reseals a block. The
//! cache keeps the first recovery's answer for the later ones, and [`SignerCache::warm`]
//! recovers a whole block's unseen signatures on every core before the (sequential) ledger
//! judges it.
//!
//! Only successful recoveries are kept, keyed by the full digest and signature, so an answer
//! from the cache is exactly what recovery would give.

use plasma_ledger::signing::{recover_signer, SignatureError, Signers, SigningDomain};
use plasma_ledger::{Address, SignedTransaction, B256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Signatures the ledger accepts are 65 bytes: `r ‖ s ‖ v`.
type Key = (B256, [u8; 65]);

/// Below this many unseen signatures a block is recovered on the calling thread.
const PARALLEL_FROM: usize = 64;

#[derive(Default)]
struct Generations {
    current: HashMap<Key, Address>,
    previous: HashMap<Key, Address>,
}

/// A bounded memory of recovered signers, shared by `CheckTx` and block judging.
///
/// Two generations: when the current one is full it becomes the previous one and the old
/// previous one is dropped, so memory stays under twice the capacity and recent entries
/// survive.
pub struct SignerCache {
    capacity: usize,
    inner: Mutex<Generations>,
}

impl Default for SignerCache {
    fn default() -> Self {
        Self::new(200_000)
    }
}

impl SignerCache {
    /// A cache holding at least the last `capacity` recoveries.
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), inner: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn key(digest: &B256, signature: &[u8]) -> Option<Key> {
        Some((*digest, signature.try_into().ok()?))
    }

    fn get(&self, key: &Key) -> Option<Address> {
        let g = self.lock();
        g.current.get(key).or_else(|| g.previous.get(key)).copied()
    }

    fn insert(&self, key: Key, signer: Address) {
        let mut g = self.lock();
        if g.current.len() >= self.capacity {
            g.previous = std::mem::take(&mut g.current);
        }
        g.current.insert(key, signer);
    }

    /// How many recoveries are remembered.
    pub fn len(&self) -> usize {
        let g = self.lock();
        g.current.len() + g.previous.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Recovers, on all cores, the signers of `txs` not yet remembered. Signatures that do
    /// not recover are left for validation to report.
    pub fn warm(&self, domain: &SigningDomain, txs: &[SignedTransaction]) {
        let unseen: Vec<Key> = txs
            .iter()
            .filter(|stx| !stx.signatures.is_empty())
            .flat_map(|stx| {
                let digest = domain.signing_hash(&stx.transaction);
                stx.signatures.iter().filter_map(move |sig| Self::key(&digest, sig))
            })
            .filter(|k| self.get(k).is_none())
            .collect();
        let recover = |keys: &[Key]| {
            for k in keys {
                if let Ok(signer) = recover_signer(&k.0, &k.1) {
                    self.insert(*k, signer);
                }
            }
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if unseen.len() < PARALLEL_FROM || threads == 1 {
            return recover(&unseen);
        }
        let chunk = unseen.len().div_ceil(threads);
        std::thread::scope(|s| {
            for part in unseen.chunks(chunk) {
                s.spawn(move || recover(part));
            }
        });
    }
}

impl Signers for SignerCache {
    fn signer(&self, digest: &B256, signature: &[u8]) -> Result<Address, SignatureError> {
        let Some(key) = Self::key(digest, signature) else {
            return recover_signer(digest, signature); // reports the length error
        };
        if let Some(signer) = self.get(&key) {
            return Ok(signer);
        }
        let signer = recover_signer(digest, signature)?;
        self.insert(key, signer);
        Ok(signer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_ledger::signing::{Recover, UserKey};
    use plasma_ledger::{build, Output, UtxoPos, U256};

    fn domain() -> SigningDomain {
        SigningDomain::new(7, 31337, Address::repeat_byte(0xc0))
    }

    fn transfers(n: u64) -> Vec<SignedTransaction> {
        (0..n)
            .map(|i| {
                let key = UserKey::from_seed(&i.to_be_bytes());
                let out = Output::new(key.address(), Address::ZERO, U256::from(1u64));
                build::transfer(&domain(), &[(UtxoPos::new(i + 1, 0, 0), &key)], vec![out])
            })
            .collect()
    }

    #[test]
    fn answers_what_recovery_answers() {
        let cache = SignerCache::new(1000);
        let txs = transfers(100);
        cache.warm(&domain(), &txs[..80]);
        assert_eq!(cache.len(), 80);
        for stx in &txs {
            let digest = domain().signing_hash(&stx.transaction);
            let sig = &stx.signatures[0];
            assert_eq!(cache.signer(&digest, sig), Recover.signer(&digest, sig));
        }
        assert_eq!(cache.len(), 100, "misses are remembered too");
    }

    #[test]
    fn failures_are_reported_and_not_remembered() {
        let cache = SignerCache::new(1000);
        let stx = &transfers(1)[0];
        let digest = domain().signing_hash(&stx.transaction);
        let mut bad = stx.signatures[0].to_vec();
        bad[64] = 29; // no such recovery id
        assert_eq!(cache.signer(&digest, &bad), Recover.signer(&digest, &bad));
        assert!(cache.signer(&digest, &bad).is_err());
        assert!(cache.signer(&digest, &bad[..64]).is_err());
        assert!(cache.is_empty());
        // A signature over another digest recovers another address, not the cached one.
        cache.signer(&digest, &stx.signatures[0]).unwrap();
        let other = B256::repeat_byte(1);
        assert_eq!(
            cache.signer(&other, &stx.signatures[0]),
            Recover.signer(&other, &stx.signatures[0])
        );
    }

    #[test]
    fn memory_is_bounded() {
        let cache = SignerCache::new(10);
        cache.warm(&domain(), &transfers(35));
        assert!(cache.len() <= 20, "two generations of at most 10: {}", cache.len());
    }
}
