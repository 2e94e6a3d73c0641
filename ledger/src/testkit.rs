//! Deterministic fixtures: keys, a chain in memory, signed transactions and proofs.
//!
//! Used by this crate's tests, the benchmarks, the node's tests and the generator of the
//! Solidity test vectors, so that all of them exercise the same worlds.

use crate::block::{build_block, seal_block, ProposalParams, StateDelta};
use crate::certificate::{certify, ValidatorSet};
use crate::bls::BlsSecretKey;
use crate::merkle::{self, leaf_hash};
use crate::signing::{SigningDomain, UserKey};
use crate::types::{
    Block, BlockHeader, CommitCertificate, DepositRecord, Output, SignedTransaction, Transaction,
    TxInclusion, TxKind, UtxoPos, Validator,
};
use crate::view::MemoryLedger;
use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;

/// The plasma chain id of the fixtures.
pub const CHAIN_ID: u64 = 7;
/// The root chain id of the fixtures (anvil's).
pub const ROOT_CHAIN_ID: u64 = 31337;
/// The root contract address of the fixtures.
pub const ROOT_CONTRACT: Address = Address::repeat_byte(0xc0);
/// An ERC-20 asset of the fixtures.
pub const TOKEN: Address = Address::repeat_byte(0x70);

/// The fixtures' signing domain.
pub fn domain() -> SigningDomain {
    SigningDomain::new(CHAIN_ID, ROOT_CHAIN_ID, ROOT_CONTRACT)
}

/// A named user key (`keccak256(name)`).
pub fn user(name: &str) -> UserKey {
    UserKey::from_seed(name.as_bytes())
}

/// A transaction of `kind` from its parts.
pub fn tx(kind: TxKind, inputs: Vec<UtxoPos>, outputs: Vec<Output>, data: Vec<u8>) -> Transaction {
    Transaction { kind: kind as u8, inputs, outputs, data: data.into() }
}

/// Signs `tx` with one key per input.
pub fn sign(domain: &SigningDomain, tx: Transaction, keys: &[&UserKey]) -> SignedTransaction {
    let signatures = keys.iter().map(|k| Bytes::from(k.sign_tx(domain, &tx).to_vec())).collect();
    SignedTransaction { transaction: tx, signatures }
}

/// A signed transfer.
pub fn transfer(
    domain: &SigningDomain,
    inputs: &[(UtxoPos, &UserKey)],
    outputs: Vec<Output>,
) -> SignedTransaction {
    let keys: Vec<&UserKey> = inputs.iter().map(|(_, k)| *k).collect();
    let t = tx(TxKind::Transfer, inputs.iter().map(|(p, _)| p.clone()).collect(), outputs, vec![]);
    sign(domain, t, &keys)
}

/// The deposit transaction minting `record`.
pub fn deposit_tx(record: &DepositRecord) -> SignedTransaction {
    let out = Output::new(record.recipient, record.token, record.amount);
    SignedTransaction {
        transaction: tx(TxKind::Deposit, vec![], vec![out], record.abi_encode()),
        signatures: vec![],
    }
}

/// A committee of `n` validators with equal power, and their keys.
pub fn committee(n: usize) -> (Vec<BlsSecretKey>, ValidatorSet) {
    let keys: Vec<_> =
        (0..n).map(|i| BlsSecretKey::from_seed(format!("validator-{i}").as_bytes())).collect();
    let validators = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Validator {
            operator: Address::with_last_byte(i as u8 + 1),
            blsPubkey: k.public_key().to_eip2537().to_vec().into(),
            power: 100,
        })
        .collect();
    (keys, ValidatorSet::new(validators).expect("fixture committee is valid"))
}

/// Certificate of `header` signed by every key given.
pub fn certify_all(set: &ValidatorSet, keys: &[BlsSecretKey], header: &BlockHeader) -> CommitCertificate {
    let signers: Vec<_> = keys.iter().enumerate().collect();
    certify(set, &signers, header, 0).expect("fixture certificate")
}

/// A chain in memory that keeps its blocks, so it can prove anything it contains.
#[derive(Debug, Clone)]
pub struct TestChain {
    /// Signing domain.
    pub domain: SigningDomain,
    /// Current state.
    pub state: MemoryLedger,
    /// Every committed block, `blocks[h - 1]` at height h.
    pub blocks: Vec<Block>,
    next_nonce_recorded: u64,
}

impl Default for TestChain {
    fn default() -> Self {
        Self::new()
    }
}

impl TestChain {
    /// An empty chain with the fixtures' domain and child chain 8 registered.
    pub fn new() -> Self {
        let mut state = MemoryLedger::default();
        state.children.insert(8, Default::default());
        Self { domain: domain(), state, blocks: Vec::new(), next_nonce_recorded: 0 }
    }

    fn params(&self) -> ProposalParams {
        ProposalParams { timestamp: 1_000 + self.blocks.len() as u64 * 10, ..Default::default() }
    }

    /// Records a parent deposit (as the bridge would once final) and returns it.
    pub fn record_deposit(&mut self, recipient: Address, token: Address, amount: u64) -> DepositRecord {
        let record = DepositRecord {
            chainId: self.domain.chain_id,
            nonce: self.next_nonce_recorded,
            depositor: recipient,
            recipient,
            token,
            amount: U256::from(amount),
        };
        self.state.parent_deposits.insert(record.nonce, record.clone());
        self.next_nonce_recorded += 1;
        record
    }

    /// Builds, validates and commits a block; panics if invalid (fixtures are valid).
    pub fn commit(&mut self, txs: Vec<SignedTransaction>) -> (Block, StateDelta) {
        let (block, delta) =
            build_block(&self.domain, &self.state, txs, &self.params()).expect("valid block");
        self.state.apply(&delta);
        self.blocks.push(block.clone());
        (block, delta)
    }

    /// Tries to build the next block; on success commits it.
    pub fn try_commit(&mut self, txs: Vec<SignedTransaction>) -> Result<StateDelta, crate::BlockError> {
        let (block, delta) = build_block(&self.domain, &self.state, txs, &self.params())?;
        self.state.apply(&delta);
        self.blocks.push(block);
        Ok(delta)
    }

    /// Commits a block without judging it, as a byzantine proposer would; the state moves
    /// only its head (the honest rules would have refused the block).
    pub fn commit_unchecked(&mut self, txs: Vec<SignedTransaction>) -> Block {
        let block = seal_block(&self.domain, &self.state, txs, &self.params());
        let hash = block.header.hash();
        self.state.head.height = block.header.height;
        self.state.head.hash = hash;
        self.state.head.history.push(hash);
        self.blocks.push(block.clone());
        block
    }

    /// The latest header: the anchor proofs are checked against.
    pub fn tip(&self) -> &BlockHeader {
        &self.blocks.last().expect("chain has blocks").header
    }

    /// Inclusion of transaction `(height, index)` under the tip.
    pub fn inclusion(&self, height: u64, index: u32) -> TxInclusion {
        let block = &self.blocks[height as usize - 1];
        let leaves: Vec<B256> =
            block.transactions.iter().map(|t| leaf_hash(&t.leaf_bytes())).collect();
        let hashes: Vec<B256> = self.blocks.iter().map(|b| b.header.hash()).collect();
        let history_proof = if height == self.tip().height {
            Default::default()
        } else {
            merkle::prove_history(&hashes, height).expect("height in chain")
        };
        TxInclusion {
            signedTx: block.transactions[index as usize].clone(),
            header: block.header.clone(),
            txProof: merkle::prove(&leaves, index as usize, None).expect("index in block"),
            historyProof: history_proof,
        }
    }
}
