//! Deterministic fixtures: keys, a chain in memory, signed transactions and proofs.
//!
//! Used by this crate's tests, the benchmarks, the node's tests and the generator of the
//! Solidity test vectors, so that all of them exercise the same worlds.

use crate::block::{build_block, seal_block, ProposalParams, StateDelta};
use crate::bls::BlsSecretKey;
use crate::build::{deposit_transaction, sign, transfer};
use crate::certificate::{certify, ValidatorSet, VoteDomain};
use crate::kind::Kind;
use crate::registration::MAX_CHILD_VALIDATORS;
use crate::signing::{SigningDomain, UserKey};
use crate::types::{
    Block, BlockHeader, CommitCertificate, DepositRecord, MerkleProof, Output, SignedTransaction,
    TxInclusion, UtxoPos, Validator,
};
use crate::view::MemoryLedger;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;

pub mod accepted;
mod child_record;
mod malformed;
pub mod settlement;
pub mod stakes;
pub mod succession;
mod workload;
use child_record::child_record_txs;
pub use child_record::ChildRecordTx;
use malformed::{malformed_transactions, powered_registration, registration, salted_registration};
pub use workload::Workload;

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

/// The vote domain of `chain` in the fixtures' world: [`CHAIN_ID`] hangs under the root, every
/// other chain is a child registered on it.
pub fn votes(chain: u64) -> VoteDomain {
    let top = *domain().votes();
    if chain == CHAIN_ID {
        top
    } else {
        top.child(chain)
    }
}

/// A named user key (`keccak256(name)`).
pub fn user(name: &str) -> UserKey {
    UserKey::from_seed(name.as_bytes())
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

/// Hash of the set of [`committee`]`(4)`, which certifies [`TestChain`]'s blocks.
pub fn committee_set_hash() -> B256 {
    static HASH: std::sync::OnceLock<B256> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| committee(4).1.hash())
}

/// Certificate of `header` in round `round` by `signers` (index in `set`, key), in its
/// chain's [`votes`] domain.
pub fn certified(
    set: &ValidatorSet,
    signers: &[(usize, &BlsSecretKey)],
    header: &BlockHeader,
    round: u32,
) -> CommitCertificate {
    certify(set, signers, &votes(header.chainId), header, round).expect("fixture certificate")
}

/// Certificate of `header` signed by every key given, in its chain's [`votes`] domain.
pub fn certify_all(
    set: &ValidatorSet,
    keys: &[BlsSecretKey],
    header: &BlockHeader,
) -> CommitCertificate {
    let signers: Vec<_> = keys.iter().enumerate().collect();
    certified(set, &signers, header, 0)
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
    /// Validator set hash the next block's header carries.
    pub validator_set_hash: B256,
    /// Next-validator-set hash the next block's header carries.
    pub next_validator_set_hash: B256,
    /// Seconds added to every later block's timestamp (blocks are 10 s apart from 1000).
    pub clock_offset: u64,
    /// The proposer the next block's header names: the fixture committee's first member
    /// (zero for [`Self::with_domain`], whose set the chain does not know).
    pub proposer: Address,
    next_nonce_recorded: u64,
}

/// Where [`TestChain::new`]'s state says child 8 was registered: what a lock into it names.
pub const CHILD_8_REGISTERED: crate::types::TxRef = crate::types::TxRef { height: 1, index: 0 };

impl Default for TestChain {
    fn default() -> Self {
        Self::new()
    }
}

impl TestChain {
    /// An empty chain with the fixtures' domain and child chain 8 registered: in the state
    /// from the start, at [`CHILD_8_REGISTERED`], though no transaction registers it (a lock
    /// into it is valid, and proven an unregistered child's by what is there).
    pub fn new() -> Self {
        let mut state = MemoryLedger::default();
        state.escrows.insert(8, Default::default());
        let child_8 = crate::children::ChildRecord {
            registered_at: CHILD_8_REGISTERED,
            stakes_ref: CHILD_8_REGISTERED,
            ..Default::default()
        };
        state.registry.insert(8, child_8);
        Self {
            domain: domain(),
            state,
            blocks: Vec::new(),
            validator_set_hash: committee_set_hash(),
            next_validator_set_hash: committee_set_hash(),
            clock_offset: 0,
            proposer: Address::with_last_byte(1),
            next_nonce_recorded: 0,
        }
    }

    /// An empty chain in `domain` whose headers commit to the set `validator_set_hash`.
    pub fn with_domain(domain: SigningDomain, validator_set_hash: B256) -> Self {
        Self {
            domain,
            state: MemoryLedger::default(),
            blocks: Vec::new(),
            validator_set_hash,
            next_validator_set_hash: validator_set_hash,
            clock_offset: 0,
            proposer: Address::ZERO,
            next_nonce_recorded: 0,
        }
    }

    /// Adds a deposit the parent recorded (with its own nonce) to what the chain may mint.
    pub fn add_parent_deposit(&mut self, record: DepositRecord) {
        self.next_nonce_recorded = self.next_nonce_recorded.max(record.nonce + 1);
        self.state.parent_deposits.insert(record.nonce, record);
    }

    fn params(&self) -> ProposalParams {
        ProposalParams {
            timestamp: 1_000 + self.blocks.len() as u64 * 10 + self.clock_offset,
            proposer: self.proposer,
            validator_set_hash: self.validator_set_hash,
            next_validator_set_hash: self.next_validator_set_hash,
        }
    }

    /// Records a parent deposit (as the bridge would once final) and returns it.
    pub fn record_deposit(
        &mut self,
        recipient: Address,
        token: Address,
        amount: u64,
    ) -> DepositRecord {
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

    /// `txs` as a proposer places them in the next block: each lock and payout standing on
    /// the escrow the block holds before it ([`crate::children::escrow::escrow_relinked`]).
    pub fn escrow_relinked(&self, txs: Vec<SignedTransaction>) -> Vec<SignedTransaction> {
        let mut builder = crate::block::BlockBuilder::new(&self.state, self.params().timestamp);
        let mut placed = Vec::with_capacity(txs.len());
        for stx in txs {
            let stx = crate::children::escrow::escrow_relinked(builder.view(), &stx).unwrap_or(stx);
            // One refused stays as it is: the block is refused there anyway.
            let _ = builder.push(&self.domain, stx.clone(), &crate::signing::Recover);
            placed.push(stx);
        }
        placed
    }

    /// Builds, validates and commits a block, its locks and payouts re-linked as a proposer
    /// would ([`Self::escrow_relinked`]); panics if invalid (fixtures are valid).
    pub fn commit(&mut self, txs: Vec<SignedTransaction>) -> (Block, StateDelta) {
        let txs = self.escrow_relinked(txs);
        let (block, delta) =
            build_block(&self.domain, &self.state, txs, &self.params()).expect("valid block");
        self.state.apply(&delta);
        self.blocks.push(block.clone());
        (block, delta)
    }

    /// Tries to build the next block; on success commits it.
    pub fn try_commit(
        &mut self,
        txs: Vec<SignedTransaction>,
    ) -> Result<StateDelta, crate::BlockError> {
        let txs = self.escrow_relinked(txs);
        let (block, delta) = build_block(&self.domain, &self.state, txs, &self.params())?;
        self.state.apply(&delta);
        self.blocks.push(block);
        Ok(delta)
    }

    /// Builds, validates and commits a block whose deposit range ends at `end`, past its
    /// last mint: the recorded deposits it passes over are never minted after. Panics if
    /// invalid.
    pub fn commit_passing_over(&mut self, txs: Vec<SignedTransaction>, end: u64) -> Block {
        let mut block = seal_block(&self.domain, &self.state, txs, &self.params());
        block.header.depositNonceEnd = end;
        let delta = crate::apply_block(&self.domain, &self.state, &block).expect("valid block");
        self.state.apply(&delta);
        self.blocks.push(block.clone());
        block
    }

    /// Commits a block without judging it, as a byzantine proposer would; the state moves
    /// only its head (the honest rules would have refused the block).
    pub fn commit_unchecked(&mut self, txs: Vec<SignedTransaction>) -> Block {
        self.commit_edited(txs, |_| {})
    }

    /// [`Self::commit_unchecked`] with the sealed header edited by `edit` first (its tx root
    /// and history stay what the body and the chain give).
    pub fn commit_edited(
        &mut self,
        txs: Vec<SignedTransaction>,
        edit: impl FnOnce(&mut BlockHeader),
    ) -> Block {
        let mut block = seal_block(&self.domain, &self.state, txs, &self.params());
        edit(&mut block.header);
        let hash = block.header.hash();
        self.state.head.height = block.header.height;
        self.state.head.hash = hash;
        self.state.head.history.push(hash);
        self.state.block_hashes.insert(block.header.height, hash);
        self.blocks.push(block.clone());
        block
    }

    /// The latest header: the anchor proofs are checked against.
    pub fn tip(&self) -> &BlockHeader {
        &self.blocks.last().expect("chain has blocks").header
    }

    /// Proof that block `height` is in the history of the header at `anchor` (empty when
    /// they are one block).
    pub fn history_under(&self, height: u64, anchor: u64) -> MerkleProof {
        if height == anchor {
            return MerkleProof::default();
        }
        let hashes: Vec<B256> =
            self.blocks[..anchor as usize - 1].iter().map(|b| b.header.hash()).collect();
        crate::merkle::prove_history(&hashes, height).expect("a block before the anchor")
    }

    /// This chain as a quorum that fabricates history would present it: block `height` is
    /// replaced by a forged header (its timestamp moved), and the header at `anchor` commits,
    /// through its history root, to the forged block instead of the real one. Every other
    /// block, and every other leaf of the anchor's history, stays the real one.
    pub fn fabricate(&self, height: u64, anchor: u64) -> TestChain {
        assert!(0 < height && height < anchor, "a block below the anchor");
        let mut fake = self.clone();
        fake.blocks[height as usize - 1].header.timestamp += 1;
        let mut tree = crate::merkle::HistoryTree::new();
        for block in &fake.blocks[..anchor as usize - 1] {
            tree.push(block.header.hash());
        }
        fake.blocks[anchor as usize - 1].header.historyRoot = tree.root();
        fake
    }

    /// The exit id of the output at `pos`, keyed by its transaction (the output of a
    /// `Deposit` exits under its deposit's id instead).
    pub fn output_exit_id(&self, pos: &UtxoPos) -> B256 {
        let block = &self.blocks[pos.blockHeight as usize - 1];
        let tx = &block.transactions[pos.txIndex as usize].transaction;
        crate::exit::ExitKey::output(tx, pos.outputIndex).exit_id()
    }

    /// Inclusion of transaction `(height, index)` under the tip.
    pub fn inclusion(&self, height: u64, index: u32) -> TxInclusion {
        self.inclusion_under(height, index, self.tip().height)
    }

    /// Transaction `(height, index)`, placed and proven under the tip.
    pub fn included(&self, height: u64, index: u32) -> crate::types::IncludedTx {
        let inclusion = self.inclusion(height, index);
        crate::types::IncludedTx { height, txIndex: index, inclusion }
    }

    /// `f` on a proof context of this chain's blocks, anchored to its tip under a certificate
    /// of the tip's hash alone (what a proof carries of it is not judged by `fraud::judge`).
    pub fn with_proof_context<R>(&self, f: impl FnOnce(&crate::prove::ProofContext<'_>) -> R) -> R {
        let anchor = self.tip().clone();
        let blocks: Vec<&crate::types::Block> = self.blocks.iter().collect();
        let certificate = crate::types::CommitCertificate {
            height: anchor.height,
            blockHash: anchor.hash(),
            ..Default::default()
        };
        let cx = crate::prove::ProofContext {
            domain: &self.domain,
            blocks: &blocks,
            anchor: &anchor,
            certificate: &certificate,
        };
        f(&cx)
    }

    /// Where this chain accepted the child checkpoint of `anchor` (its `ChildCheckpoint`), or
    /// an empty acceptance, which shows nothing accepted, when it accepted none.
    pub fn acceptance(&self, anchor: &BlockHeader) -> crate::types::Acceptance {
        let accepts = |tx: &SignedTransaction| {
            tx.transaction.tx_kind() == Some(Kind::ChildCheckpoint)
                && crate::types::LinkedCheckpoint::abi_decode(&tx.transaction.data)
                    .is_ok_and(|c| c.checkpoint.header.hash() == anchor.hash())
        };
        let found = self.blocks.iter().find_map(|b| {
            let i = b.transactions.iter().position(accepts)?;
            Some((b.header.height, i as u32))
        });
        found.map_or_else(Default::default, |(height, index)| {
            crate::acceptance::acceptance_of(self.inclusion_under(height, index, height))
        })
    }

    /// Inclusion of transaction `(height, index)` under the header at `anchor` (whose
    /// history root covers every block before it).
    pub fn inclusion_under(&self, height: u64, index: u32, anchor: u64) -> TxInclusion {
        let hashes: Vec<B256> = self.blocks.iter().map(|b| b.header.hash()).collect();
        crate::exit::prove_inclusion(&self.blocks[height as usize - 1], index, &hashes, anchor)
            .expect("a transaction of a block at or before the anchor")
    }
}

/// A chain with an honest history and one byzantine block holding one fraud of every kind,
/// with the evidence for each and an honest counterpart that must be refused.
///
/// Heights: 1 deposits; 2 a transfer; 3 a transfer, a lock into child 8, and a registration
/// of another child with its first checkpoint (3:2, 3:3); 4 (byzantine) the frauds; 5 empty
/// (so block 4 is proven through the history tree).
///
/// `fork` is another history the same committee could certify, every block of it valid: blocks
/// 1 to 3 as above, then its own 4, in which Alice's change of block 2 pays Mallory (4:0:0),
/// and empty blocks 5 and 6. It agrees with the chain up to 3 and disagrees from 4 on.
///
/// `fork_at_3` is a third history, every block of it valid: blocks 1 and 2 as above, then its
/// own 3, in which Alice's change of block 2 pays Mallory at 3:0:0 — the position where the
/// chain pays Carol — and empty blocks 4 to 6.
#[derive(Debug, Clone)]
pub struct FraudWorld {
    /// The chain, blocks 1..=5.
    pub chain: TestChain,
    /// A fork of the chain after block 3, blocks 1..=6.
    pub fork: TestChain,
    /// A fork of the chain after block 2, blocks 1..=6.
    pub fork_at_3: TestChain,
    /// The byzantine block's height.
    pub bad_height: u64,
    /// Index in block 4 of: a second spend of an output block 3 spent.
    pub double_spend: u32,
    /// … a spend signed by someone other than the owner.
    pub forged: u32,
    /// … a transfer creating more than it consumes.
    pub inflating: u32,
    /// … a stake into child 8 whose change and stake exceed what it spends.
    pub inflating_stake: u32,
    /// … a validator bond into child 8 whose change and bond exceed what it spends.
    pub inflating_bond: u32,
    /// … an exit start at this chain as a parent whose outputs alone exceed what it spends.
    pub inflating_exit_start: u32,
    /// … a spend of output index 5 of a two-output transaction.
    pub no_such_output: u32,
    /// … a spend of a transaction index past the end of block 1.
    pub after_last: u32,
    /// … a deposit the parent never recorded in that amount.
    pub bad_deposit: u32,
    /// … a second mint of deposit 0 (first minted in block 1).
    pub double_mint: u32,
    /// … a transfer that puts out less than it spends (value destroyed).
    pub burning: u32,
    /// … transactions invalid for their form alone, by name: each spends Alice's change of
    /// block 2 (the stake mints 1,000 behind a payload nobody can read).
    pub malformed: Vec<(&'static str, u32)>,
    /// … a checkpoint system transaction, well formed (but for a checkpoint nobody certified).
    pub well_formed_checkpoint: u32,
    /// … a registration of 16 validators, well formed, dear to check; its child's exit bond is
    /// 1 wei.
    pub well_formed_registration: u32,
    /// … an exit start of a deposit into that child that keeps all its ETH: the bond unpaid.
    pub unbonded_exit_start: u32,
    /// … the same exit start paying the bond out of its ETH.
    pub bonded_exit_start: u32,
    /// … the registration of `well_formed_registration` again.
    pub registered_again: u32,
    /// … a registration of another child, of four validators.
    pub another_registration: u32,
    /// … a registration of a third child, of 15 validators of power 4 and one of power 2.
    pub mixed_registration: u32,
    /// … from here, transactions of the two children that their records refuse or allow,
    /// in the order of [`ChildRecordTx`].
    pub record: u32,
    /// Index of the first exit start of [`accepted::ACCEPTANCE_CASES`] (the honest one),
    /// the others following in order; their anchor is accepted at 3:3.
    pub unaccepted: u32,
    /// Index of the first checkpoint of [`succession::SUCCESSION_CASES`] (the honest one).
    pub succession: u32,
    /// Index of the exit start the challenges of [`settlement::CHALLENGE_CASES`] follow, then
    /// the settlements of an exit of an output ([`settlement::OUTPUT_EXIT_TXS`]).
    pub settlements: u32,
    /// The honest transfer of block 2 and block 3 (positions).
    pub honest_transfer: (u64, u32),
    /// A second honest transfer, spending a different output.
    pub honest_other: (u64, u32),
}

impl FraudWorld {
    /// Builds the world; `seed` varies keys and amounts.
    pub fn new(seed: u64) -> Self {
        let alice = user(&format!("alice-{seed}"));
        let bob = user(&format!("bob-{seed}"));
        let carol = user(&format!("carol-{seed}"));
        let mallory = user(&format!("mallory-{seed}"));
        let base = 100 + seed % 1_000;
        let mut chain = TestChain::new();
        let d = chain.domain.clone();
        let deposits = [
            chain.record_deposit(alice.address(), Address::ZERO, base),
            chain.record_deposit(alice.address(), TOKEN, base / 2),
            chain.record_deposit(bob.address(), Address::ZERO, 30),
        ];
        chain.commit(deposits.iter().map(deposit_transaction).collect());
        // 2: alice pays bob 60 of her ETH.
        let eth = |o: &UserKey, a: u64| Output::new(o.address(), Address::ZERO, U256::from(a));
        let t2 = transfer(
            &d,
            &[(UtxoPos::new(1, 0, 0), &alice)],
            vec![eth(&bob, 60), eth(&alice, base - 60)],
        );
        chain.commit(vec![t2]);
        let alices_change = UtxoPos::new(2, 0, 1);
        let pay_mallory =
            || transfer(&d, &[(alices_change.clone(), &alice)], vec![eth(&mallory, base - 60)]);
        let mut fork_at_3 = chain.clone();
        fork_at_3.commit(vec![pay_mallory()]);
        for _ in 4..=6 {
            fork_at_3.commit(vec![]);
        }
        // 3: bob pays carol everything; alice locks 20 tokens into child 8 for herself.
        let t3 = transfer(
            &d,
            &[(UtxoPos::new(2, 0, 0), &bob), (UtxoPos::new(1, 2, 0), &bob)],
            vec![eth(&carol, 90)],
        );
        // Child 8 is in the state, registered by no transaction (`CHILD_8_REGISTERED`).
        let lock = crate::types::ChildDeposit {
            childChainId: 8,
            recipient: alice.address(),
            token: TOKEN,
            amount: U256::from(20),
            registeredHeight: CHILD_8_REGISTERED.height,
            registeredIndex: CHILD_8_REGISTERED.index,
            ..Default::default()
        };
        let change = Output::new(alice.address(), TOKEN, U256::from(base / 2 - 20));
        let t3b = sign(
            &d,
            crate::build::transaction(
                Kind::DepositToChild,
                vec![UtxoPos::new(1, 1, 0)],
                vec![change],
                lock.abi_encode(),
            ),
            &[&alice],
        );
        let registered_at = crate::state::TxRef { height: 3, index: 2 };
        let (accepting, accepted_anchor) = accepted::accepted_checkpoint(&d, registered_at);
        chain.commit([vec![t3, t3b], accepting.to_vec()].concat());

        let mut fork = chain.clone();
        fork.commit(vec![pay_mallory()]);
        fork.commit(vec![]);
        fork.commit(vec![]);

        // 4: the byzantine block.
        let double_spend = transfer(&d, &[(UtxoPos::new(1, 2, 0), &bob)], vec![eth(&mallory, 30)]);
        let forged =
            transfer(&d, &[(UtxoPos::new(2, 0, 1), &mallory)], vec![eth(&mallory, base - 60)]);
        let inflating = transfer(&d, &[(UtxoPos::new(3, 0, 0), &carol)], vec![eth(&carol, 90_000)]);
        let no_such_output =
            transfer(&d, &[(UtxoPos::new(2, 0, 5), &mallory)], vec![eth(&mallory, 1)]);
        let after_last = transfer(&d, &[(UtxoPos::new(1, 3, 0), &mallory)], vec![eth(&mallory, 1)]);
        let mut fake = chain.record_deposit(mallory.address(), Address::ZERO, 10);
        fake.amount = U256::from(10_000); // the parent recorded 10
        let bad_deposit = deposit_transaction(&fake);
        let double_mint = deposit_transaction(&deposits[0]);
        // Value created through the kinds that pay a parent's bookkeeping: alice's change of
        // block 2 (base - 60) comes back whole, and a stake of 1,000 wei or a bond of 1,000 gwei on top.
        let payload_tx = |kind: Kind, outputs: Vec<Output>, data: Vec<u8>| {
            sign(
                &d,
                crate::build::transaction(kind, vec![alices_change.clone()], outputs, data),
                &[&alice],
            )
        };
        let stake = crate::types::ChildStake {
            childChainId: 8,
            amount: U256::from(1_000),
            ..Default::default()
        };
        let inflating_stake =
            payload_tx(Kind::StakeChild, vec![eth(&alice, base - 60)], stake.abi_encode());
        let bond = crate::types::ChildBond {
            childChainId: 8,
            amount: U256::from(1_000 * crate::types::POWER_UNIT),
            blsPubkey: vec![7; 256].into(),
            proofOfPossession: vec![9; 128].into(),
            ..Default::default()
        };
        let inflating_bond =
            payload_tx(Kind::BondChild, vec![eth(&alice, base - 60)], bond.abi_encode());
        let start = crate::types::ChildExitStart { childChainId: 8, ..Default::default() };
        let inflating_exit_start =
            payload_tx(Kind::StartChildExit, vec![eth(&alice, base)], start.abi_encode());
        let malformed = malformed_transactions(&d, &alice, &alices_change, base - 60, &bond);
        let mut frauds = vec![
            bad_deposit,
            double_spend,
            forged,
            inflating,
            no_such_output,
            after_last,
            double_mint,
            inflating_stake,
            inflating_bond,
            inflating_exit_start,
        ];
        let burning = frauds.len() as u32;
        frauds.push(transfer(&d, &[(alices_change.clone(), &alice)], vec![eth(&alice, 1)]));
        let first = frauds.len() as u32;
        let names = malformed.iter().map(|(n, _)| *n).collect::<Vec<_>>();
        frauds.extend(malformed.into_iter().map(|(_, tx)| tx));
        // A checkpoint of child 8 the chain never accepted: refused by the state, well formed.
        let well_formed_checkpoint = frauds.len() as u32;
        let checkpoint = crate::types::Checkpoint::default();
        frauds.push(crate::build::child_checkpoint_tx(&checkpoint, Default::default()));
        // A registration of the most validators a child may have, each of the power its minimum
        // stake buys: well formed, and dear to check (a proof of possession each).
        let well_formed_registration = frauds.len() as u32;
        let registered = powered_registration(MAX_CHILD_VALIDATORS, 0, 2);
        frauds.push(crate::build::register_child_tx(&registered));
        let child = crate::registration::child_chain_id(d.chain_id, &registered);
        let start =
            crate::types::ChildDepositExit { childChainId: child, nonce: 0, ..Default::default() }
                .abi_encode();
        let unbonded_exit_start = frauds.len() as u32;
        let keeps = vec![eth(&alice, base - 60)];
        frauds.push(payload_tx(Kind::StartChildDepositExit, keeps, start.clone()));
        let bonded_exit_start = frauds.len() as u32;
        let pays = vec![eth(&alice, base - 61)];
        frauds.push(payload_tx(Kind::StartChildDepositExit, pays, start));
        // That child registered again, and another child registered.
        let registered_again = frauds.len() as u32;
        frauds.push(crate::build::register_child_tx(&registered));
        let another_registration = frauds.len() as u32;
        let another = registration(4);
        frauds.push(crate::build::register_child_tx(&another));
        let small = crate::registration::child_chain_id(d.chain_id, &another);
        let mixed_registration = frauds.len() as u32;
        let mixed = malformed::mixed_registration();
        frauds.push(crate::build::register_child_tx(&mixed));
        let mixed = crate::registration::child_chain_id(d.chain_id, &mixed);
        let children = child_record::Children { full: child, small, mixed };
        let record_txs =
            child_record_txs(&d, (&alice, &bob), &alices_change, children, &another.validators);
        let record = frauds.len() as u32;
        frauds.extend(record_txs);
        let unaccepted = frauds.len() as u32;
        frauds.extend(accepted::exit_starts(&chain, &alice, &alices_change, &accepted_anchor));
        let succession = frauds.len() as u32;
        let (child_of_3, registered_set) =
            (accepted_anchor.chainId, accepted_anchor.validatorSetHash);
        frauds.extend(succession::succession_txs(child_of_3, registered_set));
        let settlements = frauds.len() as u32;
        frauds.extend(settlement::settlement_txs(&d, &alice, &bob, &alices_change, settlements));
        let first_lock = frauds.len() as u32;
        let locking = (child_of_3, registered_at, first_lock);
        frauds.extend(settlement::lock_txs(&d, &alice, &alices_change, locking));
        let stakes = (child_of_3, registered_at);
        let first_stake = frauds.len() as u32;
        frauds.extend(settlement::stake_txs(&d, &alice, &alices_change, stakes, first_stake));
        chain.commit_unchecked(frauds);
        chain.commit_unchecked(vec![]);
        Self {
            chain,
            fork,
            fork_at_3,
            bad_height: 4,
            bad_deposit: 0,
            double_spend: 1,
            forged: 2,
            inflating: 3,
            no_such_output: 4,
            after_last: 5,
            double_mint: 6,
            inflating_stake: 7,
            inflating_bond: 8,
            inflating_exit_start: 9,
            burning,
            malformed: names.into_iter().zip(first..).collect(),
            well_formed_checkpoint,
            well_formed_registration,
            unbonded_exit_start,
            bonded_exit_start,
            registered_again,
            another_registration,
            mixed_registration,
            record,
            unaccepted,
            succession,
            settlements,
            honest_transfer: (2, 0),
            honest_other: (3, 0),
        }
    }

    /// Evidence for input `input` of transaction `(height, index)` under the tip.
    pub fn spend(&self, (height, index): (u64, u32), input: usize) -> crate::fraud::SpendEvidence {
        crate::fraud::SpendEvidence {
            height,
            tx_index: index,
            inclusion: self.chain.inclusion(height, index),
            input_index: input,
        }
    }

    /// Inclusions of the transactions that created each input of `(height, index)`.
    pub fn input_inclusions(&self, (height, index): (u64, u32)) -> Vec<TxInclusion> {
        let tx = &self.chain.blocks[height as usize - 1].transactions[index as usize];
        tx.transaction
            .inputs
            .iter()
            .map(|p| self.chain.inclusion(p.blockHeight, p.txIndex))
            .collect()
    }

    /// Inflation evidence for transaction `(height, index)` under the tip, with the
    /// registration that sets the exit bond of the world's child when `bond_shown`.
    pub fn inflation_evidence(
        &self,
        (height, index): (u64, u32),
        bond_shown: bool,
    ) -> crate::types::InflationEvidence {
        let reg = (self.bad_height, self.well_formed_registration);
        let registration = crate::types::RegistrationProof {
            height: reg.0,
            txIndex: reg.1,
            inclusion: self.chain.inclusion(reg.0, reg.1),
        };
        crate::types::InflationEvidence {
            height,
            txIndex: index,
            spend: self.chain.inclusion(height, index),
            inputs: self.input_inclusions((height, index)),
            registration: if bond_shown { vec![registration] } else { Vec::new() },
        }
    }
}
