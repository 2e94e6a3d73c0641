//! The chain's state as data: where a transaction sits, what the next block extends, and
//! what a valid transaction or block changes. Produced by the rules (`tx`, `block`), applied
//! by whoever holds the state (`view`'s implementations, the node's store) as one batch.

use crate::children::effect::ChildEffect;
use crate::children::record::{ChildExit, ChildRecord, RecordedDeposit};
use crate::merkle::HistoryTree;
pub use crate::types::TxRef;
use crate::types::{Output, UtxoPos};
use alloy_primitives::{Address, B256, U256};
use std::collections::BTreeMap;

/// The tip of a chain: what the next block must extend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Height of the last committed block (0 before the first).
    pub height: u64,
    /// Hash of the last committed block (zero before the first).
    pub hash: B256,
    /// History tree over every committed block hash.
    pub history: HistoryTree,
}

impl Default for ChainHead {
    fn default() -> Self {
        Self { height: 0, hash: B256::ZERO, history: HistoryTree::new() }
    }
}

/// What a valid transaction does to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedTx {
    /// `keccak256(abi.encode(tx))`.
    pub hash: B256,
    /// The kind (`Transaction.kind`; 16 and above are system kinds).
    pub kind: u8,
    /// Outputs consumed.
    pub spends: Vec<UtxoPos>,
    /// Outputs created, in output order.
    pub creates: Vec<Output>,
    /// The parent deposit nonce this transaction mints.
    pub deposit_nonce: Option<u64>,
    /// Escrow change: (child, token, amount added) for `DepositToChild`.
    pub escrow_credit: Option<(u64, Address, U256)>,
    /// Escrow change: (child, token, amount removed) and the exit paid, for an `ExitPayout`
    /// that pays (the amount is what the escrow held of the exit's, possibly zero). One that
    /// cancels the exit says so in `child` instead.
    pub escrow_debit: Option<(u64, Address, U256, B256)>,
    /// What it changes in the registry of children (system kinds, `DepositToChild`,
    /// `StartChildExit` and the others that lock stake, an `ExitPayout` that cancels).
    pub child: Option<ChildEffect>,
}

/// Everything a valid block changes, ready to be written atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDelta {
    /// The new head (this block).
    pub head: ChainHead,
    /// Outputs created and not spent within the block.
    pub created: Vec<(UtxoPos, Output)>,
    /// Outputs spent (including ones created earlier in the block), with their spender.
    pub spent: Vec<(UtxoPos, TxRef)>,
    /// Hashes of the block's transactions, in order.
    pub tx_hashes: Vec<B256>,
    /// Where this block's deposit range ends: the least nonce the next block may mint.
    pub next_deposit_nonce: u64,
    /// New escrow balances of children, per (child, token), and where each changed last (the
    /// link the next lock or payout of it names).
    pub escrow: BTreeMap<(u64, Address), (U256, TxRef)>,
    /// Children's exits this block queued, challenged, paid or cancelled.
    pub child_exits: BTreeMap<(u64, B256), ChildExit>,
    /// Children's checkpoints this block accepted: (child, height, block hash, the accepting
    /// transaction's place, from which an exit's [`crate::types::Acceptance`] is built).
    pub child_checkpoints: Vec<(u64, u64, B256, TxRef)>,
    /// Stakes of children's validators this block changed, by (child, operator).
    pub child_stakes: BTreeMap<(u64, Address), U256>,
    /// Children's registry entries this block created or changed.
    pub registry: BTreeMap<u64, ChildRecord>,
    /// Deposits this block locked for children, in order (each child's nonces ascending),
    /// recorded at its time.
    pub child_deposits: Vec<RecordedDeposit>,
}
