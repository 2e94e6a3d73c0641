//! The chain's state in RocksDB.
//!
//! Column families, one per kind of record (key layouts in `store/keys.rs`):
//!
//! | family        | key                      | value                           |
//! |---------------|--------------------------|---------------------------------|
//! | `blocks`      | height                   | `abi.encode(Block)`             |
//! | `txs`         | tx hash                  | height ‖ index                  |
//! | `utxos`       | height ‖ txIndex ‖ output | `abi.encode(Output)`           |
//! | `spent`       | height ‖ txIndex ‖ output | spender's height ‖ index       |
//! | `deposits`    | nonce                    | `abi.encode(DepositRecord)`     |
//! | `checkpoints` | height                   | `abi.encode(Checkpoint)`        |
//! | `exits`       | child ‖ exitId           | `abi.encode(ExitRecord)`        |
//! | `children`    | child, child ‖ token     | registry entry, escrow balance  |
//! | `meta`        | name                     | head, nonce after last minted   |
//! | `commits`     | height                   | the engine's commit (precommits) |
//! | `certificates`| height                   | `abi.encode(CommitCertificate)` |
//! | `evidence`    | height ‖ n               | equivocator ‖ height of the votes |
//! | `owners`      | owner ‖ height ‖ txIndex ‖ output | (empty): the unspent outputs of an owner |
//! | `stakes`      | child ‖ operator         | a child validator's stake (ETH) |
//! | `child_deposits` | child ‖ nonce         | `abi.encode(DepositRecord, recordedAt)` locked for a child |
//!
//! A block is committed as one write batch (synced to disk by default), so after a crash at
//! any moment the store holds the state after some whole number of blocks: never half a block.

mod keys;
mod snapshot;
mod view;

pub use view::StoreView;

use alloy_sol_types::SolValue;
use plasma_ledger::block::{apply_block_with, BlockError, StateDelta};
use plasma_ledger::children::{ChildExit, ChildRecord};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::signing::{Recover, Signers};
use plasma_ledger::view::{ChainHead, TxRef};
use plasma_ledger::{
    Address, Block, Checkpoint, CommitCertificate, DepositRecord, Output, UtxoPos, Validator, B256,
    U256,
};
use rocksdb::{ColumnFamily, ColumnFamilyDescriptor, Options, WriteBatch, WriteOptions, DB};
use std::path::Path;

const BLOCKS: &str = "blocks";
const TXS: &str = "txs";
const UTXOS: &str = "utxos";
const SPENT: &str = "spent";
const DEPOSITS: &str = "deposits";
const CHECKPOINTS: &str = "checkpoints";
const EXITS: &str = "exits";
const CHILDREN: &str = "children";
const META: &str = "meta";
const COMMITS: &str = "commits";
const CERTIFICATES: &str = "certificates";
const EVIDENCE: &str = "evidence";
const OWNERS: &str = "owners";
const HASHES: &str = "hashes";
const STAKES: &str = "stakes";
const CHILD_DEPOSITS: &str = "child_deposits";
const FAMILIES: [&str; 16] = [
    BLOCKS,
    TXS,
    UTXOS,
    SPENT,
    DEPOSITS,
    CHECKPOINTS,
    EXITS,
    CHILDREN,
    META,
    COMMITS,
    CERTIFICATES,
    EVIDENCE,
    OWNERS,
    HASHES,
    STAKES,
    CHILD_DEPOSITS,
];

/// What consensus decided about a block, stored with it in the same batch.
#[derive(Debug, Clone, Copy)]
pub struct Decision<'a> {
    /// The engine's commit (one precommit signature per signer), opaque here.
    pub commit: &'a [u8],
    /// Its BLS aggregate: what checkpoints carry.
    pub certificate: &'a CommitCertificate,
    /// Equivocations recorded in this block: `(validator, height of the double votes)`.
    pub evidence: &'a [(Address, u64)],
    /// The previous block's commit as this block carries it, and its aggregate: the chain's
    /// canonical certificate of the previous block, replacing the one stored with it.
    pub last_commit: Option<(&'a [u8], &'a CommitCertificate)>,
    /// The validator set this block adopts from the next height (its header's
    /// `nextValidatorSetHash`), when it changes.
    pub adopts: Option<&'a [Validator]>,
}

/// A validator set stored under a fixed-width key (a configuration id, a first height).
type KeyedSet<const N: usize> = ([u8; N], Vec<Validator>);

/// The parent's pending validator configuration of this chain, as the relayer recorded it:
/// the set an epoch-end block may adopt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSet {
    /// The chain's epoch length on the parent: a set changes only at multiples of it.
    pub epoch_length: u64,
    /// The set, in the parent's order.
    pub validators: Vec<Validator>,
}

impl PendingSet {
    /// The set's hash, as headers name it.
    pub fn hash(&self) -> B256 {
        Validator::set_hash(&self.validators)
    }
}

/// Why the store failed. Every variant is an environmental or integrity problem, never a
/// verdict on a block: those are [`BlockError`]s.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// RocksDB failed.
    #[error("rocksdb: {0}")]
    Db(#[from] rocksdb::Error),
    /// A stored value does not decode: the database is damaged or from another version.
    #[error("corrupt record in `{family}` at key 0x{key}: {reason}")]
    Corrupt {
        /// Column family.
        family: &'static str,
        /// Hex of the key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A delta that does not extend the current head.
    #[error("delta for height {got} (hash {got_hash}) does not extend head {head}")]
    NotNext {
        /// Current head height.
        head: u64,
        /// Height of the delta.
        got: u64,
        /// Hash of the delta's block.
        got_hash: B256,
    },
}

fn corrupt(family: &'static str, key: &[u8], reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        family,
        key: alloy_primitives::hex::encode(key),
        reason: reason.to_string(),
    }
}

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// fsync every block commit (survives power loss, not only process crashes).
    pub sync_writes: bool,
    /// Block cache for point lookups, in MiB.
    pub cache_mb: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self { sync_writes: true, cache_mb: 64 }
    }
}

/// A chain's persistent state.
pub struct Store {
    db: DB,
    head: ChainHead,
    next_deposit_nonce: u64,
    write_opts: WriteOptions,
}

impl core::fmt::Debug for Store {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.db.path())
            .field("height", &self.head.height)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store at `path` and loads its head.
    pub fn open(path: impl AsRef<Path>, config: &StoreConfig) -> Result<Self, StoreError> {
        let mut db_opts = Options::default();
        db_opts.create_if_missing(true);
        db_opts.create_missing_column_families(true);
        let families = FAMILIES.iter().map(|name| {
            let mut opts = Options::default();
            if matches!(*name, UTXOS | SPENT | TXS) {
                opts.optimize_for_point_lookup(config.cache_mb);
            }
            ColumnFamilyDescriptor::new(*name, opts)
        });
        let db = DB::open_cf_descriptors(&db_opts, path, families)?;
        let mut write_opts = WriteOptions::default();
        write_opts.set_sync(config.sync_writes);
        let mut store = Self { db, head: ChainHead::default(), next_deposit_nonce: 0, write_opts };
        if let Some(v) = store.db.get_cf(store.cf(META), keys::HEAD)? {
            store.head =
                keys::head_from(&v).ok_or_else(|| corrupt(META, keys::HEAD, "head layout"))?;
        }
        if let Some(v) = store.db.get_cf(store.cf(META), keys::NEXT_DEPOSIT)? {
            let bytes: [u8; 8] = v
                .as_slice()
                .try_into()
                .map_err(|_| corrupt(META, keys::NEXT_DEPOSIT, "not 8 bytes"))?;
            store.next_deposit_nonce = u64::from_be_bytes(bytes);
        }
        Ok(store)
    }

    fn cf(&self, name: &'static str) -> &ColumnFamily {
        // Every family is created by `open`; a missing one is a programming error.
        self.db.cf_handle(name).expect("column family created at open")
    }

    /// Reads and parses one record; a value that does not parse is corruption.
    fn read_with<T>(
        &self,
        family: &'static str,
        key: &[u8],
        parse: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<Option<T>, StoreError> {
        match self.db.get_pinned_cf(self.cf(family), key)? {
            None => Ok(None),
            Some(v) => parse(&v).map(Some).map_err(|reason| corrupt(family, key, reason)),
        }
    }

    /// Reads one ABI-encoded record.
    fn read<T: SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>>(
        &self,
        family: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        self.read_with(family, key, |v| T::abi_decode(v).map_err(|e| e.to_string()))
    }

    fn read_tx_ref(&self, family: &'static str, key: &[u8]) -> Result<Option<TxRef>, StoreError> {
        self.read_with(family, key, |v| keys::tx_ref_from(v).ok_or_else(|| "layout".into()))
    }

    /// The last committed block.
    pub fn head(&self) -> &ChainHead {
        &self.head
    }

    /// A read view for judging the next block. Read failures are kept, not turned into
    /// answers: check [`StoreView::finish`] before trusting a verdict reached through it.
    pub fn view(&self) -> StoreView<'_> {
        StoreView::new(self, None)
    }

    /// A view that judges time-bound transactions (exits) at `time`: what a mempool uses
    /// (the block that includes one judges it again at its own time).
    pub fn view_at(&self, time: u64) -> StoreView<'_> {
        StoreView::new(self, Some(time))
    }

    /// Judges `block` against the stored state. The outer error is the store failing; the
    /// inner one is the block being invalid.
    pub fn apply_block(
        &self,
        domain: &SigningDomain,
        block: &Block,
    ) -> Result<Result<StateDelta, BlockError>, StoreError> {
        self.apply_block_with(domain, block, &Recover)
    }

    /// [`Store::apply_block`] with signers taken from `signers`.
    pub fn apply_block_with(
        &self,
        domain: &SigningDomain,
        block: &Block,
        signers: &impl Signers,
    ) -> Result<Result<StateDelta, BlockError>, StoreError> {
        let view = self.view();
        let verdict = apply_block_with(domain, &view, block, signers);
        view.finish()?;
        Ok(verdict)
    }

    /// Writes a judged block and its effects in one atomic batch.
    pub fn commit(&mut self, block: &Block, delta: &StateDelta) -> Result<(), StoreError> {
        self.commit_decided(block, delta, None)
    }

    /// Writes a judged block, its effects and what consensus decided about it (commit,
    /// certificate, evidence) in one atomic batch.
    pub fn commit_decided(
        &mut self,
        block: &Block,
        delta: &StateDelta,
        decision: Option<Decision<'_>>,
    ) -> Result<(), StoreError> {
        let hash = block.header.hash();
        if delta.head.height != self.head.height + 1
            || delta.head.hash != hash
            || block.header.height != delta.head.height
        {
            return Err(StoreError::NotNext {
                head: self.head.height,
                got: delta.head.height,
                got_hash: delta.head.hash,
            });
        }
        let mut batch = WriteBatch::default();
        let height = delta.head.height;
        batch.put_cf(self.cf(BLOCKS), height.to_be_bytes(), block.abi_encode());
        batch.put_cf(self.cf(HASHES), height.to_be_bytes(), hash);
        for (index, tx_hash) in delta.tx_hashes.iter().enumerate() {
            let at = TxRef { height, index: index as u32 };
            batch.put_cf(self.cf(TXS), tx_hash, keys::tx_ref(&at));
        }
        for (pos, by) in &delta.spent {
            let k = keys::utxo(pos);
            if let Some(out) = self.read::<Output>(UTXOS, &k)? {
                batch.delete_cf(self.cf(OWNERS), keys::owned(&out.owner, pos));
            }
            batch.delete_cf(self.cf(UTXOS), k);
            batch.put_cf(self.cf(SPENT), k, keys::tx_ref(by));
        }
        for (pos, out) in &delta.created {
            batch.put_cf(self.cf(UTXOS), keys::utxo(pos), out.abi_encode());
            batch.put_cf(self.cf(OWNERS), keys::owned(&out.owner, pos), []);
        }
        for ((child, token), (balance, at)) in &delta.escrow {
            let value = keys::escrow(*balance, at);
            batch.put_cf(self.cf(CHILDREN), keys::child_address(*child, token), value);
        }
        for (child, record) in &delta.registry {
            batch.put_cf(self.cf(CHILDREN), child.to_be_bytes(), keys::child_record(record));
        }
        for ((child, exit_id), exit) in &delta.child_exits {
            let v = keys::child_exit_value(exit);
            batch.put_cf(self.cf(EXITS), keys::child_exit(*child, exit_id), v);
        }
        for (child, height, hash, at) in &delta.child_checkpoints {
            let value = keys::child_checkpoint_value(hash, *at);
            batch.put_cf(self.cf(CHILDREN), keys::child_number(*child, *height), value);
        }
        for ((child, operator), stake) in &delta.child_stakes {
            let k = keys::child_address(*child, operator);
            batch.put_cf(self.cf(STAKES), k, stake.to_be_bytes::<32>());
        }
        for d in &delta.child_deposits {
            let k = keys::child_number(d.record.chainId, d.record.nonce);
            batch.put_cf(self.cf(CHILD_DEPOSITS), k, keys::child_deposit_value(d));
        }
        if let Some(d) = decision {
            if let Some((commit, cert)) = d.last_commit {
                let parent = (height - 1).to_be_bytes();
                batch.put_cf(self.cf(COMMITS), parent, commit);
                batch.put_cf(self.cf(CERTIFICATES), parent, cert.abi_encode());
            }
            batch.put_cf(self.cf(COMMITS), height.to_be_bytes(), d.commit);
            batch.put_cf(self.cf(CERTIFICATES), height.to_be_bytes(), d.certificate.abi_encode());
            if let Some(set) = d.adopts {
                batch.put_cf(self.cf(META), keys::adopted_set(height + 1), set.abi_encode());
            }
            for (n, (who, at)) in d.evidence.iter().enumerate() {
                let mut k = height.to_be_bytes().to_vec();
                k.extend_from_slice(&(n as u32).to_be_bytes());
                let mut v = who.to_vec();
                v.extend_from_slice(&at.to_be_bytes());
                batch.put_cf(self.cf(EVIDENCE), k, v);
            }
        }
        batch.put_cf(self.cf(META), keys::HEAD, keys::head(&delta.head));
        batch.put_cf(self.cf(META), keys::NEXT_DEPOSIT, delta.next_deposit_nonce.to_be_bytes());
        self.db.write_opt(batch, &self.write_opts)?;
        self.head = delta.head.clone();
        self.next_deposit_nonce = delta.next_deposit_nonce;
        Ok(())
    }

    /// Records the parent's pending validator configuration (`None`: it has none).
    pub fn record_pending_set(&self, pending: Option<&PendingSet>) -> Result<(), StoreError> {
        let meta = self.cf(META);
        match pending {
            Some(p) => self.db.put_cf_opt(
                meta,
                keys::PENDING_SET,
                (p.epoch_length, p.validators.clone()).abi_encode_params(),
                &self.write_opts,
            )?,
            None => self.db.delete_cf_opt(meta, keys::PENDING_SET, &self.write_opts)?,
        }
        Ok(())
    }

    /// The parent's pending validator configuration as last recorded.
    pub fn pending_set(&self) -> Result<Option<PendingSet>, StoreError> {
        self.read_with(META, keys::PENDING_SET, |v| {
            <(u64, Vec<Validator>)>::abi_decode_params(v)
                .map(|(epoch_length, validators)| PendingSet { epoch_length, validators })
                .map_err(|e| e.to_string())
        })
    }

    /// Records the parent's configuration `id` of this chain and the chain's epoch length
    /// there (both immutable on the parent: recording twice is harmless).
    pub fn record_configuration(
        &self,
        id: u32,
        epoch_length: u64,
        validators: &[Validator],
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::default();
        batch.put_cf(self.cf(META), keys::configuration(id), validators.abi_encode());
        batch.put_cf(self.cf(META), keys::PARENT_EPOCH, epoch_length.to_be_bytes());
        self.db.write_opt(batch, &self.write_opts)?;
        Ok(())
    }

    /// The id after the highest parent configuration recorded (1 if none).
    pub fn configurations_end(&self) -> Result<u32, StoreError> {
        Ok(self.configurations()?.last().map_or(1, |(id, _)| id + 1))
    }

    /// The parent's configurations of this chain recorded so far, by id.
    pub fn configurations(&self) -> Result<Vec<(u32, Vec<Validator>)>, StoreError> {
        let sets = self.sets_under(keys::CONFIG_PREFIX)?;
        Ok(sets.into_iter().map(|(id, set)| (u32::from_be_bytes(id), set)).collect())
    }

    /// The validator sets stored in META under `prefix ‖ N-byte big-endian key`, in order.
    fn sets_under<const N: usize>(&self, prefix: &[u8]) -> Result<Vec<KeyedSet<N>>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.prefix_iterator_cf(self.cf(META), prefix) {
            let (k, v) = item?;
            if !k.starts_with(prefix) {
                break;
            }
            let key: [u8; N] =
                k[prefix.len()..].try_into().map_err(|_| corrupt(META, &k, "key layout"))?;
            let set = Vec::<Validator>::abi_decode(&v).map_err(|e| corrupt(META, &k, e))?;
            out.push((key, set));
        }
        Ok(out)
    }

    /// A recorded parent configuration whose set hash is `hash`.
    pub fn configuration_by_hash(&self, hash: &B256) -> Result<Option<Vec<Validator>>, StoreError> {
        let configs = self.configurations()?;
        Ok(configs.into_iter().map(|(_, set)| set).find(|set| Validator::set_hash(set) == *hash))
    }

    /// The parent's configuration whose set hash is `next`, if it was numbered after the
    /// latest one holding the set `current` (after none, when no recorded configuration holds
    /// it): the only ones the parent may still activate, as sets only move forward there. An
    /// epoch end adopting an older one would leave the parent expecting another set for good.
    pub fn configuration_after(
        &self,
        current: &B256,
        next: &B256,
    ) -> Result<Option<Vec<Validator>>, StoreError> {
        let configs = self.configurations()?;
        let holds = |set: &[Validator], hash: &B256| Validator::set_hash(set) == *hash;
        let from =
            configs.iter().rev().find(|(_, set)| holds(set, current)).map_or(0, |(id, _)| *id);
        Ok(configs.into_iter().find(|(id, set)| *id > from && holds(set, next)).map(|(_, s)| s))
    }

    /// The chain's epoch length on its parent, once a configuration was recorded.
    pub fn parent_epoch_length(&self) -> Result<Option<u64>, StoreError> {
        self.read_with(META, keys::PARENT_EPOCH, |v| {
            <[u8; 8]>::try_from(v).map(u64::from_be_bytes).map_err(|_| "not 8 bytes".to_string())
        })
    }

    /// Every set adopted after genesis: (first height it certifies, set), in height order.
    pub fn adopted_sets(&self) -> Result<Vec<(u64, Vec<Validator>)>, StoreError> {
        let sets = self.sets_under(keys::SET_PREFIX)?;
        Ok(sets.into_iter().map(|(from, set)| (u64::from_be_bytes(from), set)).collect())
    }

    /// Records a parent deposit the bridge saw finalized.
    pub fn record_parent_deposit(&self, record: &DepositRecord) -> Result<(), StoreError> {
        self.db.put_cf_opt(
            self.cf(DEPOSITS),
            record.nonce.to_be_bytes(),
            record.abi_encode(),
            &self.write_opts,
        )?;
        Ok(())
    }

    /// The parent's record of deposit `nonce`, if recorded.
    pub fn parent_deposit_record(&self, nonce: u64) -> Result<Option<DepositRecord>, StoreError> {
        self.read(DEPOSITS, &nonce.to_be_bytes())
    }

    /// The parent's recorded deposit with the least nonce at or above `from`, if any.
    pub fn next_parent_deposit(&self, from: u64) -> Result<Option<DepositRecord>, StoreError> {
        let key = from.to_be_bytes();
        let mode = rocksdb::IteratorMode::From(&key, rocksdb::Direction::Forward);
        match self.db.iterator_cf(self.cf(DEPOSITS), mode).next() {
            None => Ok(None),
            Some(item) => {
                let (k, v) = item?;
                let record = DepositRecord::abi_decode(&v).map_err(|e| corrupt(DEPOSITS, &k, e))?;
                Ok(Some(record))
            }
        }
    }

    /// The nonce after the highest parent deposit recorded (0 if none): where following the
    /// parent resumes.
    pub fn recorded_deposits_end(&self) -> Result<u64, StoreError> {
        match self.db.iterator_cf(self.cf(DEPOSITS), rocksdb::IteratorMode::End).next() {
            None => Ok(0),
            Some(item) => {
                let (k, _) = item?;
                let nonce: [u8; 8] =
                    k.as_ref().try_into().map_err(|_| corrupt(DEPOSITS, &k, "key layout"))?;
                Ok(u64::from_be_bytes(nonce) + 1)
            }
        }
    }

    /// Writes a child's registry entry outside a block (tests and fixtures; a running chain
    /// registers children by system transactions).
    pub fn register_child(&self, child: u64, record: &ChildRecord) -> Result<(), StoreError> {
        let v = keys::child_record(record);
        self.db.put_cf_opt(self.cf(CHILDREN), child.to_be_bytes(), v, &self.write_opts)?;
        Ok(())
    }

    /// The registry entry of child `chain`, if registered.
    pub fn child(&self, chain: u64) -> Result<Option<ChildRecord>, StoreError> {
        self.read_with(CHILDREN, &chain.to_be_bytes(), keys::child_record_from)
    }

    /// Child `chain`'s checkpoint this chain accepted at `height`: its block hash and the
    /// accepting transaction's place.
    pub fn child_checkpoint(
        &self,
        chain: u64,
        height: u64,
    ) -> Result<Option<(B256, TxRef)>, StoreError> {
        self.read_with(CHILDREN, &keys::child_number(chain, height), keys::child_checkpoint_from)
    }

    /// Every registered child's chain id, in order.
    pub fn children(&self) -> Result<Vec<u64>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(CHILDREN), rocksdb::IteratorMode::Start) {
            let (k, _) = item?;
            // The registry entry's key is the bare chain id; escrow entries extend it.
            if let Ok(id) = <[u8; 8]>::try_from(&k[..]) {
                out.push(u64::from_be_bytes(id));
            }
        }
        Ok(out)
    }

    /// Calls `f` with every record of `family` whose key starts with child `chain`.
    fn each_of_child(
        &self,
        family: &'static str,
        chain: u64,
        mut f: impl FnMut(&[u8], &[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mode = rocksdb::IteratorMode::From(&chain.to_be_bytes(), rocksdb::Direction::Forward);
        for item in self.db.iterator_cf(self.cf(family), mode) {
            let (k, v) = item?;
            if keys::child_from(&k) != Some(chain) {
                break;
            }
            f(&k, &v)?;
        }
        Ok(())
    }

    /// Value locked in child `chain`'s escrow, per token.
    pub fn child_escrow(&self, chain: u64) -> Result<Vec<(Address, U256)>, StoreError> {
        let mut out = Vec::new();
        self.each_of_child(CHILDREN, chain, |k, v| {
            if k.len() == 28 {
                let (amount, _) =
                    keys::escrow_from(v).ok_or_else(|| corrupt(CHILDREN, k, "escrow"))?;
                out.push((Address::from_slice(&k[8..]), amount));
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Stakes bonded for child `chain`'s validators, by operator.
    pub fn child_stakes(&self, chain: u64) -> Result<Vec<(Address, U256)>, StoreError> {
        let mut out = Vec::new();
        self.each_of_child(STAKES, chain, |k, v| {
            let stake = U256::try_from_be_slice(v).ok_or_else(|| corrupt(STAKES, k, "stake"))?;
            out.push((Address::from_slice(&k[8..]), stake));
            Ok(())
        })?;
        Ok(out)
    }

    /// Exit `exit_id` of child `chain`, queued or settled.
    pub fn child_exit(&self, chain: u64, exit_id: &B256) -> Result<Option<ChildExit>, StoreError> {
        self.read_with(EXITS, &keys::child_exit(chain, exit_id), keys::child_exit_from)
    }

    /// The active (queued) exits of child `chain` (every token), unordered.
    pub fn active_child_exits(&self, chain: u64) -> Result<Vec<ChildExit>, StoreError> {
        let mut out = Vec::new();
        self.each_of_child(EXITS, chain, |k, v| {
            let exit = keys::child_exit_from(v).map_err(|e| corrupt(EXITS, k, e))?;
            if exit.queued() {
                out.push(exit);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Every active (queued) exit of every child, by child: what the proposer settles.
    pub fn active_exits(&self) -> Result<Vec<(u64, ChildExit)>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.iterator_cf(self.cf(EXITS), rocksdb::IteratorMode::Start) {
            let (k, v) = item?;
            let child = keys::child_from(&k).ok_or_else(|| corrupt(EXITS, &k, "key layout"))?;
            let exit = keys::child_exit_from(&v).map_err(|e| corrupt(EXITS, &k, e))?;
            if exit.queued() {
                out.push((child, exit));
            }
        }
        Ok(out)
    }

    /// Stores a checkpoint of this chain (header and certificate).
    pub fn put_checkpoint(&self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let k = checkpoint.header.height.to_be_bytes();
        self.db.put_cf_opt(self.cf(CHECKPOINTS), k, checkpoint.abi_encode(), &self.write_opts)?;
        Ok(())
    }

    /// The checkpoint at `height`, if this chain made one there.
    pub fn checkpoint(&self, height: u64) -> Result<Option<Checkpoint>, StoreError> {
        self.read(CHECKPOINTS, &height.to_be_bytes())
    }

    /// The committed block at `height`.
    pub fn block(&self, height: u64) -> Result<Option<Block>, StoreError> {
        self.read(BLOCKS, &height.to_be_bytes())
    }

    /// The hash of the committed block at `height`, from the hash index (or the block, if
    /// committed before the index existed).
    pub fn block_hash(&self, height: u64) -> Result<Option<B256>, StoreError> {
        let indexed = self.read_with(HASHES, &height.to_be_bytes(), |v| {
            B256::try_from(v).map_err(|_| "not 32 bytes".to_string())
        })?;
        match indexed {
            Some(hash) => Ok(Some(hash)),
            None => Ok(self.block(height)?.map(|b| b.header.hash())),
        }
    }

    /// The hashes of blocks `1..=height` (what a history proof needs), from the hash index;
    /// blocks committed before the index existed are read whole. `None` if one is missing.
    pub fn block_hashes(&self, height: u64) -> Result<Option<Vec<B256>>, StoreError> {
        let mut out = Vec::with_capacity(usize::try_from(height).unwrap_or(0));
        let iter = self.db.iterator_cf(
            self.cf(HASHES),
            rocksdb::IteratorMode::From(&1u64.to_be_bytes(), rocksdb::Direction::Forward),
        );
        for item in iter {
            let (k, v) = item?;
            let at: [u8; 8] =
                k.as_ref().try_into().map_err(|_| corrupt(HASHES, &k, "key layout"))?;
            let at = u64::from_be_bytes(at);
            if at > height {
                break;
            }
            // Heights before the index existed: from the blocks themselves.
            while (out.len() as u64) + 1 < at {
                let h = out.len() as u64 + 1;
                let Some(block) = self.block(h)? else { return Ok(None) };
                out.push(block.header.hash());
            }
            if v.len() != 32 {
                return Err(corrupt(HASHES, &k, "not 32 bytes"));
            }
            out.push(B256::from_slice(&v));
        }
        while (out.len() as u64) < height {
            let h = out.len() as u64 + 1;
            let Some(block) = self.block(h)? else { return Ok(None) };
            out.push(block.header.hash());
        }
        Ok(Some(out))
    }

    /// The engine's commit for the block at `height`.
    pub fn commit_at(&self, height: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.read_with(COMMITS, &height.to_be_bytes(), |v| Ok(v.to_vec()))
    }

    /// The commit certificate of the block at `height`.
    pub fn certificate(&self, height: u64) -> Result<Option<CommitCertificate>, StoreError> {
        self.read(CERTIFICATES, &height.to_be_bytes())
    }

    /// Equivocations recorded in the block at `height`: `(validator, height of the votes)`.
    pub fn evidence(&self, height: u64) -> Result<Vec<(Address, u64)>, StoreError> {
        let prefix = height.to_be_bytes();
        let mut out = Vec::new();
        for item in self.db.prefix_iterator_cf(self.cf(EVIDENCE), prefix) {
            let (k, v) = item?;
            if !k.starts_with(&prefix) {
                break;
            }
            if v.len() != 28 {
                return Err(corrupt(EVIDENCE, &k, "value layout"));
            }
            let at = u64::from_be_bytes(v[20..].try_into().expect("8 bytes"));
            out.push((Address::from_slice(&v[..20]), at));
        }
        Ok(out)
    }

    /// The unspent outputs of `owner`, in position order (at most `limit`).
    pub fn utxos_of(
        &self,
        owner: &Address,
        limit: usize,
    ) -> Result<Vec<(UtxoPos, Output)>, StoreError> {
        let mut out = Vec::new();
        for item in self.db.prefix_iterator_cf(self.cf(OWNERS), owner.as_slice()) {
            let (k, _) = item?;
            if !k.starts_with(owner.as_slice()) || out.len() >= limit {
                break;
            }
            let pos = keys::utxo_from(&k[20..]).ok_or_else(|| corrupt(OWNERS, &k, "key layout"))?;
            let output = self
                .read::<Output>(UTXOS, &k[20..])?
                .ok_or_else(|| corrupt(OWNERS, &k, "indexes a missing output"))?;
            out.push((pos, output));
        }
        Ok(out)
    }

    /// Where a transaction was committed.
    pub fn tx_location(&self, tx_hash: &B256) -> Result<Option<TxRef>, StoreError> {
        self.read_tx_ref(TXS, tx_hash.as_slice())
    }
}

#[cfg(test)]
mod tests;
