//! The read-only state a block is judged against, and an in-memory implementation.
//!
//! [`LedgerView`] is the seam between the rules and storage: the node's RocksDB store
//! implements it, and so does [`MemoryLedger`], which tests, benchmarks and the vector
//! generator use.

use crate::children::effect::ChildEffect;
use crate::children::record::{ChildExit, ChildRecord, ExitStatus, RecordedDeposit};
pub use crate::state::{ChainHead, TxRef};
use crate::state::{StateDelta, ValidatedTx};
use crate::types::{DepositRecord, ExitRecord, Output, UtxoPos, Validator};
use alloy_primitives::{Address, B256, U256};
use std::collections::{BTreeMap, HashMap};

/// Read access to a chain's state, as block validation needs it.
pub trait LedgerView {
    /// The last committed block.
    fn head(&self) -> ChainHead;
    /// Hash of this chain's committed block at `height` (`None` above the head, and at 0).
    fn block_hash(&self, height: u64) -> Option<B256>;
    /// The output at `pos` if it exists and is unspent.
    fn unspent(&self, pos: &UtxoPos) -> Option<Output>;
    /// The transaction that spent the output at `pos`, if any (to explain rejections).
    fn spent_by(&self, pos: &UtxoPos) -> Option<TxRef>;
    /// The least nonce the next parent deposit this chain mints may have: where the latest
    /// block's deposit range ended (0 before any), or one past the last mint of the block
    /// being executed.
    fn next_deposit_nonce(&self) -> u64;
    /// The parent's finalized deposit with the least nonce at or above `from`, if any: the
    /// root numbers its deposits 0, 1, 2, …, a plasma parent by where their locks stand
    /// ([`TxRef::deposit_nonce`]).
    fn next_parent_deposit(&self, from: u64) -> Option<DepositRecord>;
    /// The registry entry of child `chain`, if it is a registered child of this chain.
    fn child(&self, chain: u64) -> Option<ChildRecord>;
    /// Whether `chain` is a registered child of this chain.
    fn is_child(&self, chain: u64) -> bool {
        self.child(chain).is_some()
    }
    /// Value of `token` locked in the escrow of child `chain`.
    fn escrow(&self, chain: u64, token: &Address) -> U256;
    /// Where this chain last changed the escrow of `token` of child `chain` (a lock or a
    /// payout); `None` when nothing did since the child registered.
    fn escrow_link(&self, chain: u64, token: &Address) -> Option<TxRef>;
    /// Exit `exit_id` of child `chain`, queued or settled (a paid or challenged output never
    /// exits again).
    fn child_exit(&self, chain: u64, exit_id: &B256) -> Option<ChildExit>;
    /// The queued exits of child `chain` in `token`, in priority order (first pays first).
    fn exit_queue(&self, chain: u64, token: &Address) -> Vec<ExitRecord>;
    /// Block hash of child `chain`'s checkpoint this chain accepted at `height`.
    fn child_checkpoint(&self, chain: u64, height: u64) -> Option<B256>;
    /// ETH `operator` has staked as a validator of child `chain`.
    fn child_stake(&self, chain: u64, operator: &Address) -> U256;
    /// This chain's record of deposit `nonce` into child `chain`, and when it was recorded.
    fn child_deposit(&self, chain: u64, nonce: u64) -> Option<RecordedDeposit>;
    /// The time transactions are judged at: the block's timestamp while a block is executed,
    /// `None` outside one (time-bound transactions are then refused).
    fn time(&self) -> Option<u64> {
        None
    }
}

/// Sorts exits in the order they pay: queue priority `(exitableAt, utxoPos)`, then exit id
/// ([`crate::exit::queue_order`]).
pub fn by_priority(exits: &mut [ExitRecord]) {
    exits.sort_by_key(crate::exit::queue_order);
}

/// A whole chain state in memory: the reference implementation of [`LedgerView`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryLedger {
    /// Last committed block.
    pub head: ChainHead,
    /// Hashes of the committed blocks, by height.
    pub block_hashes: BTreeMap<u64, B256>,
    /// Unspent outputs.
    pub utxos: BTreeMap<UtxoPos, Output>,
    /// Spent outputs and who spent them.
    pub spent: HashMap<UtxoPos, TxRef>,
    /// Where the latest block's deposit range ended: the least nonce the next block may mint.
    pub next_deposit_nonce: u64,
    /// Parent deposit records known final.
    pub parent_deposits: BTreeMap<u64, DepositRecord>,
    /// Registered children's entries.
    pub registry: BTreeMap<u64, ChildRecord>,
    /// Children's escrow per token.
    pub escrows: BTreeMap<u64, BTreeMap<Address, U256>>,
    /// Where each child's escrow of a token last changed, by (child, token).
    pub escrow_links: BTreeMap<(u64, Address), TxRef>,
    /// Children's exits by (child, exit id), queued or settled.
    pub child_exits: BTreeMap<(u64, B256), ChildExit>,
    /// Children's checkpoints accepted, by (child, height).
    pub child_checkpoints: BTreeMap<(u64, u64), B256>,
    /// Stakes of children's validators, by (child, operator).
    pub child_stakes: BTreeMap<(u64, Address), U256>,
    /// Deposits locked for children, by (child, nonce).
    pub child_deposits: BTreeMap<(u64, u64), RecordedDeposit>,
}

impl MemoryLedger {
    /// Applies a delta produced by [`crate::apply_block`] against this state.
    pub fn apply(&mut self, delta: &StateDelta) {
        self.head = delta.head.clone();
        self.block_hashes.insert(delta.head.height, delta.head.hash);
        for (pos, by) in &delta.spent {
            self.utxos.remove(pos);
            self.spent.insert(pos.clone(), *by);
        }
        for (pos, out) in &delta.created {
            self.utxos.insert(pos.clone(), out.clone());
        }
        self.next_deposit_nonce = delta.next_deposit_nonce;
        for ((chain, token), (balance, at)) in &delta.escrow {
            self.escrows.entry(*chain).or_default().insert(*token, *balance);
            self.escrow_links.insert((*chain, *token), *at);
        }
        for (key, exit) in &delta.child_exits {
            self.child_exits.insert(*key, exit.clone());
        }
        for (chain, height, hash, _) in &delta.child_checkpoints {
            self.child_checkpoints.insert((*chain, *height), *hash);
        }
        for (key, stake) in &delta.child_stakes {
            self.child_stakes.insert(*key, *stake);
        }
        for d in &delta.child_deposits {
            self.child_deposits.insert((d.record.chainId, d.record.nonce), d.clone());
        }
        for (chain, record) in &delta.registry {
            self.registry.insert(*chain, record.clone());
            self.escrows.entry(*chain).or_default();
        }
    }

    /// Total unspent value per token plus value held in children's escrow and exit bonds.
    pub fn total_value(&self) -> BTreeMap<Address, U256> {
        let mut totals: BTreeMap<Address, U256> = BTreeMap::new();
        for out in self.utxos.values() {
            *totals.entry(out.token).or_default() += out.amount;
        }
        for escrow in self.escrows.values() {
            for (token, amount) in escrow {
                *totals.entry(*token).or_default() += *amount;
            }
        }
        for exit in self.child_exits.values().filter(|e| e.queued()) {
            *totals.entry(Address::ZERO).or_default() += exit.bond;
        }
        for stake in self.child_stakes.values() {
            *totals.entry(Address::ZERO).or_default() += *stake;
        }
        totals
    }
}

impl LedgerView for MemoryLedger {
    fn head(&self) -> ChainHead {
        self.head.clone()
    }
    fn block_hash(&self, height: u64) -> Option<B256> {
        self.block_hashes.get(&height).copied()
    }
    fn unspent(&self, pos: &UtxoPos) -> Option<Output> {
        self.utxos.get(pos).cloned()
    }
    fn spent_by(&self, pos: &UtxoPos) -> Option<TxRef> {
        self.spent.get(pos).copied()
    }
    fn next_deposit_nonce(&self) -> u64 {
        self.next_deposit_nonce
    }
    fn next_parent_deposit(&self, from: u64) -> Option<DepositRecord> {
        self.parent_deposits.range(from..).next().map(|(_, d)| d.clone())
    }
    fn child(&self, chain: u64) -> Option<ChildRecord> {
        self.registry.get(&chain).cloned()
    }
    fn escrow(&self, chain: u64, token: &Address) -> U256 {
        self.escrows.get(&chain).and_then(|e| e.get(token)).copied().unwrap_or_default()
    }
    fn escrow_link(&self, chain: u64, token: &Address) -> Option<TxRef> {
        self.escrow_links.get(&(chain, *token)).copied()
    }
    fn child_exit(&self, chain: u64, exit_id: &B256) -> Option<ChildExit> {
        self.child_exits.get(&(chain, *exit_id)).cloned()
    }
    fn exit_queue(&self, chain: u64, token: &Address) -> Vec<ExitRecord> {
        let mut q: Vec<_> = self
            .child_exits
            .range((chain, B256::ZERO)..=(chain, B256::repeat_byte(0xff)))
            .filter(|(_, e)| e.queued() && e.record.token == *token)
            .map(|(_, e)| e.record.clone())
            .collect();
        by_priority(&mut q);
        q
    }
    fn child_checkpoint(&self, chain: u64, height: u64) -> Option<B256> {
        self.child_checkpoints.get(&(chain, height)).copied()
    }
    fn child_stake(&self, chain: u64, operator: &Address) -> U256 {
        self.child_stakes.get(&(chain, *operator)).copied().unwrap_or_default()
    }
    fn child_deposit(&self, chain: u64, nonce: u64) -> Option<RecordedDeposit> {
        self.child_deposits.get(&(chain, nonce)).cloned()
    }
}

/// Blocks applied in memory on top of another view, which is left untouched: what a watcher
/// judges a run of blocks against before (or instead of) committing them, and what a block's
/// own transactions are judged against as they are executed.
#[derive(Debug)]
pub struct Stacked<'a, V> {
    pub(crate) base: &'a V,
    head: Option<ChainHead>,
    /// Hashes of the blocks applied on top of `base`, by height.
    block_hashes: BTreeMap<u64, B256>,
    pub(crate) created: HashMap<UtxoPos, Output>,
    pub(crate) spent: HashMap<UtxoPos, TxRef>,
    next_deposit_nonce: Option<u64>,
    /// Children's escrow as changed on top of `base`, with where each changed.
    pub(crate) escrow: BTreeMap<(u64, Address), (U256, TxRef)>,
    /// Children's exits as changed on top of `base`.
    pub(crate) child_exits: BTreeMap<(u64, B256), ChildExit>,
    /// Children's checkpoints accepted on top of `base`, in order: (child, height, hash,
    /// where).
    pub(crate) child_checkpoints: Vec<(u64, u64, B256, TxRef)>,
    /// The block time transactions are judged at.
    pub(crate) time: Option<u64>,
    /// Stakes of children's validators as changed on top of `base`.
    pub(crate) child_stakes: BTreeMap<(u64, Address), U256>,
    /// Children's entries as changed on top of `base`.
    pub(crate) registry: BTreeMap<u64, ChildRecord>,
    /// Deposits locked for children, in order.
    pub(crate) child_deposits: Vec<RecordedDeposit>,
}

impl<'a, V: LedgerView> Stacked<'a, V> {
    /// Nothing applied yet: reads are `base`'s.
    pub fn new(base: &'a V) -> Self {
        Self {
            base,
            head: None,
            block_hashes: BTreeMap::new(),
            created: HashMap::new(),
            spent: HashMap::new(),
            next_deposit_nonce: None,
            escrow: BTreeMap::new(),
            child_exits: BTreeMap::new(),
            child_checkpoints: Vec::new(),
            time: None,
            child_stakes: BTreeMap::new(),
            registry: BTreeMap::new(),
            child_deposits: Vec::new(),
        }
    }

    /// Applies a delta produced by [`crate::apply_block`] against this view.
    pub fn apply(&mut self, delta: &StateDelta) {
        self.head = Some(delta.head.clone());
        self.block_hashes.insert(delta.head.height, delta.head.hash);
        for (pos, by) in &delta.spent {
            self.created.remove(pos);
            self.spent.insert(pos.clone(), *by);
        }
        for (pos, out) in &delta.created {
            self.created.insert(pos.clone(), out.clone());
        }
        self.next_deposit_nonce = Some(delta.next_deposit_nonce);
        self.escrow.extend(delta.escrow.iter().map(|(k, v)| (*k, *v)));
        self.child_exits.extend(delta.child_exits.iter().map(|(k, v)| (*k, v.clone())));
        self.child_checkpoints.extend(delta.child_checkpoints.iter().copied());
        self.child_stakes.extend(delta.child_stakes.iter().map(|(k, v)| (*k, *v)));
        self.registry.extend(delta.registry.iter().map(|(k, v)| (*k, v.clone())));
        self.child_deposits.extend(delta.child_deposits.iter().cloned());
    }

    /// Records what one valid transaction at `at` does (outputs it creates stay listed as
    /// created even when a later transaction spends them; reads see them spent).
    pub(crate) fn record(&mut self, at: TxRef, tx: ValidatedTx) {
        for pos in tx.spends {
            self.spent.insert(pos, at);
        }
        for (i, out) in tx.creates.into_iter().enumerate() {
            self.created.insert(UtxoPos::new(at.height, at.index, i as u8), out);
        }
        if let Some(nonce) = tx.deposit_nonce {
            self.next_deposit_nonce = Some(nonce.saturating_add(1));
        }
        if let Some((chain, token, amount)) = tx.escrow_credit {
            let balance = self.escrow(chain, &token).saturating_add(amount);
            self.escrow.insert((chain, token), (balance, at));
        }
        if let Some((chain, token, amount, exit_id)) = tx.escrow_debit {
            let balance = self.escrow(chain, &token).saturating_sub(amount);
            self.escrow.insert((chain, token), (balance, at));
            self.settle_exit(chain, exit_id, ExitStatus::Paid, at);
        }
        if let Some(effect) = tx.child {
            let chain = effect.chain();
            if let Some(record) = effect.applied_to(self.child(chain), at) {
                self.registry.insert(chain, record);
            }
            match effect {
                ChildEffect::Deposited(record) => {
                    let record = DepositRecord { nonce: at.deposit_nonce(), ..record };
                    // Recorded at the block's time (none outside a block: nothing commits).
                    let recorded_at = self.time().unwrap_or_default();
                    self.child_deposits.push(RecordedDeposit { record, recorded_at });
                }
                ChildEffect::Checkpointed { chain, height, hash, .. } => {
                    self.child_checkpoints.push((chain, height, hash, at));
                }
                ChildEffect::ExitStarted { chain, exit } => {
                    let exit = ChildExit { started_at: at, ..exit };
                    self.child_exits.insert((chain, exit.record.exitId), exit);
                }
                ChildEffect::ExitChallenged { chain, exit_id } => {
                    self.settle_exit(chain, exit_id, ExitStatus::Challenged, at);
                }
                ChildEffect::ExitCancelled { chain, exit_id } => {
                    self.settle_exit(chain, exit_id, ExitStatus::Cancelled, at);
                }
                ChildEffect::Staked { chain, operator, amount, .. }
                | ChildEffect::Bonded {
                    chain,
                    validator: Validator { operator, .. },
                    amount,
                    ..
                } => {
                    let stake = self.child_stake(chain, &operator).saturating_add(amount);
                    self.child_stakes.insert((chain, operator), stake);
                }
                ChildEffect::FraudProven { chain, slashed, .. } => {
                    for operator in slashed {
                        self.child_stakes.insert((chain, operator), U256::ZERO);
                    }
                }
                ChildEffect::Registered { .. } => {}
            }
        }
    }

    /// Takes exit `exit_id` of child `chain` out of its queue with `status`, by the
    /// transaction at `at` (kept for a cancellation, which a restart names).
    fn settle_exit(&mut self, chain: u64, exit_id: B256, status: ExitStatus, at: TxRef) {
        if let Some(mut exit) = self.child_exit(chain, &exit_id) {
            exit.status = status;
            if status == ExitStatus::Cancelled {
                exit.cancelled_at = at;
            }
            self.child_exits.insert((chain, exit_id), exit);
        }
    }
}

impl<V: LedgerView> LedgerView for Stacked<'_, V> {
    fn head(&self) -> ChainHead {
        self.head.clone().unwrap_or_else(|| self.base.head())
    }
    fn block_hash(&self, height: u64) -> Option<B256> {
        self.block_hashes.get(&height).copied().or_else(|| self.base.block_hash(height))
    }
    fn unspent(&self, pos: &UtxoPos) -> Option<Output> {
        if self.spent.contains_key(pos) {
            return None;
        }
        self.created.get(pos).cloned().or_else(|| self.base.unspent(pos))
    }
    fn spent_by(&self, pos: &UtxoPos) -> Option<TxRef> {
        self.spent.get(pos).copied().or_else(|| self.base.spent_by(pos))
    }
    fn next_deposit_nonce(&self) -> u64 {
        self.next_deposit_nonce.unwrap_or_else(|| self.base.next_deposit_nonce())
    }
    fn next_parent_deposit(&self, from: u64) -> Option<DepositRecord> {
        self.base.next_parent_deposit(from)
    }
    fn child(&self, chain: u64) -> Option<ChildRecord> {
        self.registry.get(&chain).cloned().or_else(|| self.base.child(chain))
    }
    fn escrow(&self, chain: u64, token: &Address) -> U256 {
        self.escrow.get(&(chain, *token)).map_or_else(|| self.base.escrow(chain, token), |e| e.0)
    }
    fn escrow_link(&self, chain: u64, token: &Address) -> Option<TxRef> {
        self.escrow
            .get(&(chain, *token))
            .map(|e| e.1)
            .or_else(|| self.base.escrow_link(chain, token))
    }
    fn child_exit(&self, chain: u64, exit_id: &B256) -> Option<ChildExit> {
        self.child_exits
            .get(&(chain, *exit_id))
            .cloned()
            .or_else(|| self.base.child_exit(chain, exit_id))
    }
    fn exit_queue(&self, chain: u64, token: &Address) -> Vec<ExitRecord> {
        let changed = |id: &B256| self.child_exits.contains_key(&(chain, *id));
        let mut q: Vec<_> = self
            .base
            .exit_queue(chain, token)
            .into_iter()
            .filter(|e| !changed(&e.exitId))
            .collect();
        q.extend(
            self.child_exits
                .range((chain, B256::ZERO)..=(chain, B256::repeat_byte(0xff)))
                .filter(|(_, e)| e.queued() && e.record.token == *token)
                .map(|(_, e)| e.record.clone()),
        );
        by_priority(&mut q);
        q
    }
    fn child_checkpoint(&self, chain: u64, height: u64) -> Option<B256> {
        self.child_checkpoints
            .iter()
            .rev()
            .find(|(c, h, ..)| (*c, *h) == (chain, height))
            .map(|(_, _, hash, _)| *hash)
            .or_else(|| self.base.child_checkpoint(chain, height))
    }
    fn time(&self) -> Option<u64> {
        self.time.or_else(|| self.base.time())
    }
    fn child_stake(&self, chain: u64, operator: &Address) -> U256 {
        let key = (chain, *operator);
        self.child_stakes
            .get(&key)
            .copied()
            .unwrap_or_else(|| self.base.child_stake(chain, operator))
    }
    fn child_deposit(&self, chain: u64, nonce: u64) -> Option<RecordedDeposit> {
        let here = self
            .child_deposits
            .iter()
            .find(|d| (d.record.chainId, d.record.nonce) == (chain, nonce));
        here.cloned().or_else(|| self.base.child_deposit(chain, nonce))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::apply_block;

    #[test]
    fn stacked_blocks_judge_like_committed_ones() {
        use crate::block::build_block;
        use crate::testkit::{domain, Workload};
        let domain = domain();
        let load = Workload::new(4);
        let mut base = MemoryLedger::default();
        let deposits = load.deposits(&base, domain.chain_id, 8);
        for r in &deposits {
            base.parent_deposits.insert(r.nonce, r.clone());
        }
        // Four blocks: the mints, then transfers each spending what the one before made.
        let mut committed = base.clone();
        let mut blocks = Vec::new();
        for height in 1..=4u64 {
            let mints = if height == 1 { deposits.as_slice() } else { &[] };
            let txs = load.block_txs(&domain, &committed, mints, 8);
            let (block, delta) =
                build_block(&domain, &committed, txs, &Workload::params(height)).expect("valid");
            committed.apply(&delta);
            blocks.push(block);
        }
        // Stacked on the untouched base, every block judges to the same delta.
        let mut replay = base.clone();
        let mut stacked = Stacked::new(&base);
        for block in &blocks {
            let a = apply_block(&domain, &replay, block).expect("valid on the committed state");
            let b = apply_block(&domain, &stacked, block).expect("valid on the stack");
            assert_eq!(a, b);
            replay.apply(&a);
            stacked.apply(&b);
        }
        assert_eq!(stacked.head(), committed.head());
        assert_eq!(base.head().height, 0, "the base is untouched");
        for (pos, out) in &committed.utxos {
            assert_eq!(stacked.unspent(pos).as_ref(), Some(out));
        }
        for pos in base.utxos.keys().chain(replay.spent.keys()) {
            assert_eq!(stacked.unspent(pos).is_some(), committed.utxos.contains_key(pos));
        }
        // A replay of the last block is refused on the stack as on the committed state.
        assert!(apply_block(&domain, &stacked, &blocks[3]).is_err());
    }
}
