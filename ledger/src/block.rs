//! Block application: `(view, block) -> StateDelta | BlockError`, deterministic.
//!
//! The header is checked against the chain head (height, parent, history root) and against
//! its own body (tx root, deposit range); every transaction is validated in order against the
//! state as the transactions before it left it, so a block may spend outputs it creates.

use crate::signing::{Recover, Signers, SigningDomain};
pub use crate::state::StateDelta;
use crate::state::{ChainHead, TxRef};
use crate::tx::{validate_transaction_with, TxError};
use crate::types::{Block, BlockHeader, SignedTransaction};
use crate::view::{LedgerView, Stacked};
use alloy_primitives::{Address, B256};
use std::collections::BTreeSet;

pub use crate::types::MAX_BLOCK_TXS;

/// Why a block is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The header names another chain.
    #[error("block is for chain {got}, this is chain {expected}")]
    WrongChain {
        /// This chain.
        expected: u64,
        /// The header's chain.
        got: u64,
    },
    /// The block does not extend the head.
    #[error("block height {got}, expected {expected}")]
    WrongHeight {
        /// Head height + 1.
        expected: u64,
        /// The header's height.
        got: u64,
    },
    /// The parent hash is not the head's hash.
    #[error("parent hash {got}, head is {expected}")]
    WrongParent {
        /// The head's hash.
        expected: B256,
        /// The header's parent hash.
        got: B256,
    },
    /// The history root does not commit to the chain's block hashes.
    #[error("history root {got}, expected {expected}")]
    HistoryRootMismatch {
        /// Root over the committed block hashes.
        expected: B256,
        /// The header's history root.
        got: B256,
    },
    /// The tx root does not commit to the body.
    #[error("tx root {got}, body hashes to {expected}")]
    TxRootMismatch {
        /// Root over the body.
        expected: B256,
        /// The header's tx root.
        got: B256,
    },
    /// The header's deposit range does not start where the one before it ended, or ends
    /// before it starts: judged before the body, whose mints the range bounds.
    #[error("header deposit range {start}..{end} does not start where the last ended, {expected}")]
    DepositRangeBroken {
        /// Header's first nonce.
        start: u64,
        /// Header's end nonce (exclusive).
        end: u64,
        /// Where the range before it ended.
        expected: u64,
    },
    /// The body mints a deposit outside the header's deposit range (judged on a body the
    /// ledger accepts, past its end; [`mint_outside_range`] finds one below it too). The range
    /// may end past the body's last mint: the deposits it passes over are never minted (their
    /// owners exit from the parent's record).
    #[error("the body mints deposit {nonce}, outside the header's deposit range {start}..{end}")]
    MintOutsideRange {
        /// Header's first nonce.
        start: u64,
        /// Header's end nonce (exclusive).
        end: u64,
        /// The nonce minted outside it.
        nonce: u64,
    },
    /// The history tree is full: heights stop at 2^32 - 1.
    #[error("height {0} is beyond the history tree's capacity")]
    HistoryFull(u64),
    /// More transactions than a block may hold.
    #[error("{0} transactions exceed the block limit {MAX_BLOCK_TXS}")]
    TooManyTransactions(usize),
    /// A transaction is invalid.
    #[error("transaction {index}: {error}")]
    InvalidTransaction {
        /// Index in the block.
        index: u32,
        /// Why.
        error: TxError,
    },
}

pub use crate::merkle::tx_root;

/// Judges `block` against `view`; on success returns what it changes.
pub fn apply_block(
    domain: &SigningDomain,
    view: &impl LedgerView,
    block: &Block,
) -> Result<StateDelta, BlockError> {
    apply_block_with(domain, view, block, &Recover)
}

/// [`apply_block`] with signers taken from `signers`.
pub fn apply_block_with(
    domain: &SigningDomain,
    view: &impl LedgerView,
    block: &Block,
    signers: &impl Signers,
) -> Result<StateDelta, BlockError> {
    let header = &block.header;
    let head = view.head();
    if header.chainId != domain.chain_id {
        return Err(BlockError::WrongChain { expected: domain.chain_id, got: header.chainId });
    }
    let height = head.height + 1;
    if header.height != height {
        return Err(BlockError::WrongHeight { expected: height, got: header.height });
    }
    if height >> crate::merkle::HISTORY_DEPTH != 0 {
        return Err(BlockError::HistoryFull(height));
    }
    if header.parentHash != head.hash {
        return Err(BlockError::WrongParent { expected: head.hash, got: header.parentHash });
    }
    let history_root = head.history.root();
    if header.historyRoot != history_root {
        return Err(BlockError::HistoryRootMismatch {
            expected: history_root,
            got: header.historyRoot,
        });
    }
    if block.transactions.len() > MAX_BLOCK_TXS {
        return Err(BlockError::TooManyTransactions(block.transactions.len()));
    }
    let root = tx_root(block);
    if header.txRoot != root {
        return Err(BlockError::TxRootMismatch { expected: root, got: header.txRoot });
    }
    let (start, end, expected) =
        (header.depositNonceStart, header.depositNonceEnd, view.next_deposit_nonce());
    if start != expected || end < start {
        return Err(BlockError::DepositRangeBroken { start, end, expected });
    }
    let mut exec = Executor::new(view, header.timestamp);
    for stx in &block.transactions {
        let index = exec.tx_hashes.len() as u32; // bounded by MAX_BLOCK_TXS
        exec.execute(domain, stx, signers)
            .map_err(|error| BlockError::InvalidTransaction { index, error })?;
    }
    if exec.overlay.next_deposit_nonce() > end {
        return Err(mint_outside_range(block).unwrap_or(BlockError::MintOutsideRange {
            start,
            end,
            nonce: exec.overlay.next_deposit_nonce() - 1,
        }));
    }
    Ok(exec.into_delta(header))
}

/// Transactions executed in order over a view: the one path by which both a judged block
/// and a built one reach their [`StateDelta`].
struct Executor<'a, V> {
    overlay: Stacked<'a, V>,
    height: u64,
    tx_hashes: Vec<B256>,
}

impl<'a, V: LedgerView> Executor<'a, V> {
    fn new(view: &'a V, time: u64) -> Self {
        let mut overlay = Stacked::new(view);
        overlay.time = Some(time);
        Self { overlay, height: view.head().height + 1, tx_hashes: Vec::new() }
    }

    /// Validates `stx` as the next transaction and records its effects.
    fn execute(
        &mut self,
        domain: &SigningDomain,
        stx: &SignedTransaction,
        signers: &impl Signers,
    ) -> Result<(), TxError> {
        let valid = validate_transaction_with(domain, &self.overlay, stx, signers)?;
        let index = self.tx_hashes.len() as u32;
        self.tx_hashes.push(valid.hash);
        self.overlay.record(TxRef { height: self.height, index }, valid);
        Ok(())
    }

    /// Records `stx`, refused, as given: it spends its inputs and creates its outputs (a mint
    /// moves the deposit nonce as far as its record says), and does nothing else.
    fn take_as_given(&mut self, stx: &SignedTransaction) {
        let tx = &stx.transaction;
        let index = self.tx_hashes.len() as u32;
        let kind = tx.tx_kind().unwrap_or(crate::kind::Kind::Transfer);
        let deposit_nonce = (kind == crate::kind::Kind::Deposit)
            .then(|| {
                crate::types::decode::<crate::types::DepositRecord>(
                    "DepositRecord",
                    &tx.data,
                    crate::types::DEPOSIT_RECORD_BYTES,
                )
                .ok()
            })
            .flatten()
            .map(|r| r.nonce.max(self.overlay.next_deposit_nonce().saturating_sub(1)));
        let forced = crate::tx::ValidatedTx {
            hash: tx.hash(),
            kind: tx.kind,
            spends: tx.inputs.clone(),
            creates: tx.outputs.clone(),
            deposit_nonce,
            escrow_credit: None,
            escrow_debit: None,
            child: None,
        };
        self.tx_hashes.push(forced.hash);
        self.overlay.record(TxRef { height: self.height, index }, forced);
    }

    /// The delta of the block `header` heads. The next block mints from where its deposit
    /// range ends, whatever the body minted: a deposit the range passes over is never minted.
    fn into_delta(self, header: &BlockHeader) -> StateDelta {
        let head = self.overlay.base.head();
        let mut history = head.history;
        let hash = header.hash();
        history.push(hash);
        let next_deposit_nonce = header.depositNonceEnd;
        let Stacked {
            mut created,
            spent,
            escrow,
            child_exits,
            child_checkpoints,
            child_stakes,
            registry,
            child_deposits,
            ..
        } = self.overlay;
        for pos in spent.keys() {
            created.remove(pos);
        }
        let mut created: Vec<_> = created.into_iter().collect();
        created.sort_by(|a, b| a.0.cmp(&b.0));
        let mut spent: Vec<_> = spent.into_iter().collect();
        spent.sort_by(|a, b| a.0.cmp(&b.0));
        StateDelta {
            head: ChainHead { height: self.height, hash, history },
            created,
            spent,
            tx_hashes: self.tx_hashes,
            next_deposit_nonce,
            escrow,
            child_exits,
            child_checkpoints,
            child_stakes,
            registry,
            child_deposits,
        }
    }
}

/// The effects of `block` taken as given: transactions that validate are applied as
/// [`apply_block`] would, the others simply spend their inputs and create their outputs.
///
/// Never what a node commits: a watcher judges the blocks after a refused one it cannot
/// prove on it ([`crate::prove::refused_blocks`]), and a byzantine validator that certifies
/// invalid blocks (fault injection) follows the chain it forged.
pub fn apply_block_unjudged(
    domain: &SigningDomain,
    view: &impl LedgerView,
    block: &Block,
) -> StateDelta {
    let mut exec = Executor::new(view, block.header.timestamp);
    for stx in &block.transactions {
        if exec.execute(domain, stx, &Recover).is_err() {
            exec.take_as_given(stx);
        }
    }
    exec.into_delta(&block.header)
}

/// Every transaction of `block` the ledger refuses from the `from`-th (an index) on, each
/// judged in order with the refused ones before it taken as given (they spend their inputs
/// and create their outputs; nothing else). A watcher that cannot prove the first refusal
/// of a block proves a later one: every verdict stands on the chain's history alone, so a
/// quorum cannot hide a fault that is proven behind one that is not.
pub fn refusals_from(
    domain: &SigningDomain,
    view: &impl LedgerView,
    block: &Block,
    from: u32,
) -> Vec<BlockError> {
    let mut exec = Executor::new(view, block.header.timestamp);
    let mut refused = Vec::new();
    for (index, stx) in block.transactions.iter().enumerate() {
        let index = index as u32;
        if let Err(error) = exec.execute(domain, stx, &Recover) {
            if index >= from {
                refused.push(BlockError::InvalidTransaction { index, error });
            }
            exec.take_as_given(stx);
        }
    }
    refused
}

/// The first mint of `block` outside its header's deposit range, if any: a fault of the
/// block whatever else it holds (a mint past the range's end could be minted again by the
/// next block), shown by that mint alone.
pub fn mint_outside_range(block: &Block) -> Option<BlockError> {
    let (start, end) = (block.header.depositNonceStart, block.header.depositNonceEnd);
    let nonce = minted_nonces(&block.transactions).find(|n| !(start..end).contains(n))?;
    Some(BlockError::MintOutsideRange { start, end, nonce })
}

/// Deposits a valid block passes over ([`passes_over`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassedOver {
    /// The range ends past the body's last mint (or past its start, minting none).
    #[error("its deposit range ends at {end}, past its last mint (one past it is {body_end})")]
    RangeEnd {
        /// Header's end nonce (exclusive).
        end: u64,
        /// One past the body's last mint, or the range's start.
        body_end: u64,
    },
    /// A mint skips a deposit the view knows recorded.
    #[error("it skips recorded deposit {0}")]
    Deposit(u64),
}

/// What a valid `block` passes over of the deposits `view` knows recorded: its range ending
/// past its last mint, or a recorded deposit below that mint it does not mint. Policy, no rule
/// of validity (passing over takes nothing from anyone: the deposit exits from the parent's
/// record): an honest proposer passes over none ([`seal_block`]), and a validator votes for
/// no proposal that does, so that passing over deposits takes a quorum, as leaving them out
/// does.
pub fn passes_over(view: &impl LedgerView, block: &Block) -> Result<(), PassedOver> {
    let header = &block.header;
    let minted: BTreeSet<u64> = minted_nonces(&block.transactions).collect();
    let body_end = minted.last().map_or(header.depositNonceStart, |n| n.saturating_add(1));
    if header.depositNonceEnd != body_end {
        return Err(PassedOver::RangeEnd { end: header.depositNonceEnd, body_end });
    }
    // Every recorded deposit below the last mint is minted: each step finds the next one.
    let mut from = header.depositNonceStart;
    while let Some(recorded) = view.next_parent_deposit(from).filter(|d| d.nonce < body_end) {
        if !minted.contains(&recorded.nonce) {
            return Err(PassedOver::Deposit(recorded.nonce));
        }
        from = recorded.nonce.saturating_add(1);
    }
    Ok(())
}

/// Why [`BlockBuilder::push`] left a candidate out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The block holds [`MAX_BLOCK_TXS`] transactions.
    #[error("the block holds {MAX_BLOCK_TXS} transactions")]
    Full,
    /// The candidate is invalid after the transactions kept before it.
    #[error(transparent)]
    Invalid(TxError),
}

/// Builds the next block one candidate at a time, keeping those valid after the ones kept
/// before them: what a proposer runs over its mempool. Each candidate is judged once; the
/// sealed block's delta is the one [`apply_block`] computes for it.
pub struct BlockBuilder<'a, V> {
    exec: Executor<'a, V>,
    transactions: Vec<SignedTransaction>,
}

impl<'a, V: LedgerView> BlockBuilder<'a, V> {
    /// A builder for the block that extends `view`'s head, stamped `timestamp` (the time its
    /// transactions are judged at).
    pub fn new(view: &'a V, timestamp: u64) -> Self {
        Self { exec: Executor::new(view, timestamp), transactions: Vec::new() }
    }

    /// The state after the transactions kept so far: what the next candidate is judged on.
    pub fn view(&self) -> &Stacked<'a, V> {
        &self.exec.overlay
    }

    /// Appends `stx` if it is valid after the transactions kept so far; otherwise leaves
    /// the block unchanged and says why.
    pub fn push(
        &mut self,
        domain: &SigningDomain,
        stx: SignedTransaction,
        signers: &impl Signers,
    ) -> Result<(), PushError> {
        if self.transactions.len() >= MAX_BLOCK_TXS {
            return Err(PushError::Full);
        }
        self.exec.execute(domain, &stx, signers).map_err(PushError::Invalid)?;
        self.transactions.push(stx);
        Ok(())
    }

    /// Transactions kept so far.
    pub fn len(&self) -> usize {
        self.transactions.len()
    }

    /// Whether no transaction was kept.
    pub fn is_empty(&self) -> bool {
        self.transactions.is_empty()
    }

    /// Seals the kept transactions under a header with `params`, stamped with the builder's
    /// timestamp (whatever `params.timestamp` says).
    pub fn seal(self, domain: &SigningDomain, params: &ProposalParams) -> (Block, StateDelta) {
        let timestamp = self.exec.overlay.time.unwrap_or(params.timestamp);
        let params = ProposalParams { timestamp, ..params.clone() };
        let block = seal_block(domain, self.exec.overlay.base, self.transactions, &params);
        let delta = self.exec.into_delta(&block.header);
        (block, delta)
    }
}

/// Header fields the proposer chooses; the rest follow from the head and the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalParams {
    /// Block time (seconds).
    pub timestamp: u64,
    /// Proposer's operator address.
    pub proposer: Address,
    /// Hash of the validator set that certifies this block.
    pub validator_set_hash: B256,
    /// Hash of the set that certifies the next block.
    pub next_validator_set_hash: B256,
}

/// Seals `transactions` into the block that extends `view`'s head, without judging them
/// (a proposer judges with [`build_block`]; tests seal invalid blocks on purpose).
pub fn seal_block(
    domain: &SigningDomain,
    view: &impl LedgerView,
    transactions: Vec<crate::types::SignedTransaction>,
    params: &ProposalParams,
) -> Block {
    let head = view.head();
    let start = view.next_deposit_nonce();
    // One past the last deposit minted, as the body's records say.
    let end = minted_nonces(&transactions).fold(start, |end, n| end.max(n.saturating_add(1)));
    let mut block = Block {
        header: BlockHeader {
            chainId: domain.chain_id,
            height: head.height + 1,
            parentHash: head.hash,
            txRoot: B256::ZERO,
            depositNonceStart: start,
            depositNonceEnd: end,
            historyRoot: head.history.root(),
            validatorSetHash: params.validator_set_hash,
            nextValidatorSetHash: params.next_validator_set_hash,
            timestamp: params.timestamp,
            proposer: params.proposer,
        },
        transactions,
    };
    block.header.txRoot = tx_root(&block);
    block
}

/// Seals `transactions` into the next block and judges it: what a proposer runs.
pub fn build_block(
    domain: &SigningDomain,
    view: &impl LedgerView,
    transactions: Vec<crate::types::SignedTransaction>,
    params: &ProposalParams,
) -> Result<(Block, StateDelta), BlockError> {
    build_block_with(domain, view, transactions, params, &Recover)
}

/// [`build_block`] with signers taken from `signers`.
pub fn build_block_with(
    domain: &SigningDomain,
    view: &impl LedgerView,
    transactions: Vec<crate::types::SignedTransaction>,
    params: &ProposalParams,
    signers: &impl Signers,
) -> Result<(Block, StateDelta), BlockError> {
    let block = seal_block(domain, view, transactions, params);
    let delta = apply_block_with(domain, view, &block, signers)?;
    Ok((block, delta))
}

/// The nonces the `Deposit` transactions of a body mint, in body order (those whose record
/// decodes).
fn minted_nonces(transactions: &[SignedTransaction]) -> impl Iterator<Item = u64> + '_ {
    transactions
        .iter()
        .filter(|t| t.transaction.tx_kind() == Some(crate::kind::Kind::Deposit))
        .filter_map(|t| {
            let data = &t.transaction.data;
            crate::types::decode::<crate::types::DepositRecord>(
                "DepositRecord",
                data,
                crate::types::DEPOSIT_RECORD_BYTES,
            )
            .ok()
        })
        .map(|r| r.nonce)
}
