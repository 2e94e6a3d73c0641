//! A plasma chain as the parent of other chains: its registry of children, the checkpoints
//! it accepts from them and the deposits it locks for them. These are the root contract's
//! `registerChain` + `bond`, `submitCheckpoint` and `deposit`, judged natively.
//!
//! Registration and checkpoints are **system transactions**: the payload sits in `data`, with
//! no inputs, outputs or signatures and no fee. Each is valid by its content alone (proofs of
//! possession for a registration, more than two thirds of the child's power in one aggregated
//! certificate for a checkpoint), so anyone may submit one and a validator never needs a
//! balance to relay. An invalid one makes its block invalid, so the system transactions of a
//! certified block are exactly what the parent accepted: a light client of the parent learns a
//! child's registry, checkpoints and deposits from certified blocks alone
//! ([`child_events`]).

use crate::bls::{BlsPublicKey, BlsSignature};
use crate::certificate::{CertificateError, ValidatorSet};
use crate::merkle::{self, leaf_hash};
use crate::signing::{Signers, SigningDomain};
use crate::types::{
    decode, Block, Checkpoint, ChildDeposit, ChildParams, ChildRegistration, DecodeError,
    DepositRecord, SignedTransaction, Transaction, TxKind, Validator,
};
use alloy_primitives::{keccak256, B256};
use alloy_sol_types::SolValue;

/// `Transaction.kind` of a child's registration (`data` = [`ChildRegistration`]).
pub const REGISTER_CHILD: u8 = 16;
/// `Transaction.kind` of a child's checkpoint (`data` = [`Checkpoint`]).
pub const CHILD_CHECKPOINT: u8 = 17;
/// Most validators a child may register with (a registration must fit one transaction).
pub const MAX_CHILD_VALIDATORS: usize = 16;

/// What a parent keeps of each registered child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildRecord {
    /// Epoch length and exit period.
    pub params: ChildParams,
    /// The validator set whose certificates the parent accepts, in bitmap order.
    pub validators: Vec<Validator>,
    /// Height of the latest accepted checkpoint (0: none).
    pub last_height: u64,
    /// Block hash of the latest accepted checkpoint (zero: none).
    pub last_hash: B256,
    /// Nonce the next deposit into this child gets.
    pub next_deposit_nonce: u64,
}

impl ChildRecord {
    /// `keccak256(abi.encode(Validator[]))` of the accepted set.
    pub fn set_hash(&self) -> B256 {
        Validator::set_hash(&self.validators)
    }
}

/// Why a system transaction is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChildError {
    /// `kind` is not a system kind this ledger knows.
    #[error("unknown system transaction kind {0}")]
    UnknownKind(u8),
    /// System transactions carry only their payload.
    #[error("a system transaction has no inputs, outputs or signatures")]
    NotBare,
    /// The payload does not decode.
    #[error(transparent)]
    Payload(#[from] DecodeError),
    /// Epoch length or exit period is zero.
    #[error("epoch length and exit period must be positive")]
    BadParams,
    /// The first set is empty or too large.
    #[error("a child registers with 1..={MAX_CHILD_VALIDATORS} validators, got {0}")]
    SetSize(usize),
    /// One proof of possession per validator.
    #[error("{proofs} proofs of possession for {validators} validators")]
    ProofCount {
        /// Validators.
        validators: usize,
        /// Proofs.
        proofs: usize,
    },
    /// Two validators share an operator or a key.
    #[error("validator {0} repeats an operator or a key")]
    Duplicate(usize),
    /// A validator's key or its proof of possession does not check out.
    #[error("validator {0}: invalid BLS key or proof of possession")]
    Possession(usize),
    /// The set is unusable for certificates (zero power, bad key encoding).
    #[error("validator set: {0}")]
    Set(CertificateError),
    /// The same registration was accepted before.
    #[error("chain {0} is already registered")]
    AlreadyRegistered(u64),
    /// A checkpoint for a chain that is not a child.
    #[error("chain {0} is not a registered child")]
    UnknownChild(u64),
    /// A checkpoint at or below the latest accepted one.
    #[error("checkpoint of chain {chain} at {height} is not newer than {last}")]
    NotNewer {
        /// The child.
        chain: u64,
        /// The checkpoint's height.
        height: u64,
        /// The latest accepted height.
        last: u64,
    },
    /// The header names another set than the one the parent accepts.
    #[error("header names validator set {got}, the parent accepts {expected}")]
    WrongSet {
        /// The registered set's hash.
        expected: B256,
        /// The header's.
        got: B256,
    },
    /// The certificate does not certify the header.
    #[error("certificate: {0}")]
    Certificate(CertificateError),
}

impl ChildError {
    /// Whether the verdict depends on the state (the child's registry entry), rather than on
    /// the transaction alone.
    pub fn depends_on_state(&self) -> bool {
        matches!(
            self,
            ChildError::AlreadyRegistered(_)
                | ChildError::UnknownChild(_)
                | ChildError::NotNewer { .. }
                | ChildError::WrongSet { .. }
        )
    }
}

/// What a valid system transaction (or a deposit into a child) changes in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEffect {
    /// A child joined with this record.
    Registered {
        /// Its id.
        chain: u64,
        /// Its entry.
        record: ChildRecord,
    },
    /// A checkpoint was accepted.
    Checkpointed {
        /// The child.
        chain: u64,
        /// The checkpoint's height.
        height: u64,
        /// Its block hash.
        hash: B256,
    },
    /// Value was locked for the child under this record (its nonce is the child's next).
    Deposited(DepositRecord),
}

impl ChildEffect {
    /// The record after this effect, given the one before (none before a registration).
    pub fn applied_to(&self, before: Option<ChildRecord>) -> Option<ChildRecord> {
        match self {
            ChildEffect::Registered { record, .. } => Some(record.clone()),
            ChildEffect::Checkpointed { height, hash, .. } => before.map(|mut r| {
                r.last_height = *height;
                r.last_hash = *hash;
                r
            }),
            ChildEffect::Deposited(d) => before.map(|mut r| {
                r.next_deposit_nonce = d.nonce + 1;
                r
            }),
        }
    }

    /// The child it concerns.
    pub fn chain(&self) -> u64 {
        match self {
            ChildEffect::Registered { chain, .. } | ChildEffect::Checkpointed { chain, .. } => {
                *chain
            }
            ChildEffect::Deposited(d) => d.chainId,
        }
    }
}

/// The id a registration gives its child on `parent`: the low 63 bits of
/// `keccak256(abi.encode(parent, keccak256(abi.encode(registration))))`, with the top bit set
/// so that it never meets the root's sequential ids. Known before the registration lands.
pub fn child_chain_id(parent: u64, registration: &ChildRegistration) -> u64 {
    let inner = keccak256(registration.abi_encode());
    let word = keccak256((parent, inner).abi_encode());
    let low = u64::from_be_bytes(word[24..].try_into().unwrap_or_default());
    low | (1 << 63)
}

/// The system transaction that registers `registration`.
pub fn register_child_tx(registration: &ChildRegistration) -> SignedTransaction {
    bare(REGISTER_CHILD, registration.abi_encode())
}

/// The system transaction that submits `checkpoint` to the parent.
pub fn child_checkpoint_tx(checkpoint: &Checkpoint) -> SignedTransaction {
    bare(CHILD_CHECKPOINT, checkpoint.abi_encode())
}

fn bare(kind: u8, data: Vec<u8>) -> SignedTransaction {
    SignedTransaction {
        transaction: Transaction { kind, inputs: vec![], outputs: vec![], data: data.into() },
        signatures: vec![],
    }
}

/// Whether `kind` is a system kind (16 and above).
pub fn is_system(kind: u8) -> bool {
    kind >= REGISTER_CHILD
}

/// Judges a system transaction on `parent` against the child's entry `lookup` returns.
pub fn validate_system(
    parent: u64,
    stx: &SignedTransaction,
    lookup: impl Fn(u64) -> Option<ChildRecord>,
) -> Result<ChildEffect, ChildError> {
    let tx = &stx.transaction;
    if !tx.inputs.is_empty() || !tx.outputs.is_empty() || !stx.signatures.is_empty() {
        return Err(ChildError::NotBare);
    }
    match tx.kind {
        REGISTER_CHILD => {
            let max = crate::types::MAX_TX_BYTES;
            let reg: ChildRegistration = decode("ChildRegistration", &tx.data, max)?;
            let chain = child_chain_id(parent, &reg);
            if lookup(chain).is_some() {
                return Err(ChildError::AlreadyRegistered(chain));
            }
            let record = check_registration(&reg)?;
            Ok(ChildEffect::Registered { chain, record })
        }
        CHILD_CHECKPOINT => {
            let max = crate::types::MAX_TX_BYTES;
            let checkpoint: Checkpoint = decode("Checkpoint", &tx.data, max)?;
            let header = &checkpoint.header;
            let chain = header.chainId;
            let record = lookup(chain).ok_or(ChildError::UnknownChild(chain))?;
            if header.height <= record.last_height {
                return Err(ChildError::NotNewer {
                    chain,
                    height: header.height,
                    last: record.last_height,
                });
            }
            let expected = record.set_hash();
            if header.validatorSetHash != expected {
                return Err(ChildError::WrongSet { expected, got: header.validatorSetHash });
            }
            let set = ValidatorSet::new(record.validators).map_err(ChildError::Set)?;
            set.verify_checkpoint(&checkpoint).map_err(ChildError::Certificate)?;
            Ok(ChildEffect::Checkpointed { chain, height: header.height, hash: header.hash() })
        }
        other => Err(ChildError::UnknownKind(other)),
    }
}

/// Checks a registration on its own and returns the entry it creates.
fn check_registration(reg: &ChildRegistration) -> Result<ChildRecord, ChildError> {
    if reg.params.epochLength == 0 || reg.params.exitPeriod == 0 {
        return Err(ChildError::BadParams);
    }
    let n = reg.validators.len();
    if n == 0 || n > MAX_CHILD_VALIDATORS {
        return Err(ChildError::SetSize(n));
    }
    if reg.proofsOfPossession.len() != n {
        return Err(ChildError::ProofCount { validators: n, proofs: reg.proofsOfPossession.len() });
    }
    for (i, v) in reg.validators.iter().enumerate() {
        let earlier = &reg.validators[..i];
        if earlier.iter().any(|e| e.operator == v.operator || e.blsPubkey == v.blsPubkey) {
            return Err(ChildError::Duplicate(i));
        }
        let key =
            BlsPublicKey::from_eip2537(&v.blsPubkey).map_err(|_| ChildError::Possession(i))?;
        let pop = BlsSignature::from_eip2537(&reg.proofsOfPossession[i])
            .map_err(|_| ChildError::Possession(i))?;
        if !key.verify_possession(v.operator, &pop) {
            return Err(ChildError::Possession(i));
        }
    }
    ValidatorSet::new(reg.validators.clone()).map_err(ChildError::Set)?;
    Ok(record_of(reg))
}

/// The leaf an accepted checkpoint contributes to its block's `childCheckpointsRoot`:
/// `keccak256(0x00 ‖ abi.encode(chainId, height, blockHash))`.
pub fn checkpoint_leaf(chain: u64, height: u64, hash: B256) -> B256 {
    leaf_hash(&(chain, height, hash).abi_encode())
}

/// A block's `childCheckpointsRoot`: the Merkle root over the [`checkpoint_leaf`] of each
/// checkpoint its body submits, in block order (in a valid block, each one was accepted);
/// zero when there is none, and `None` when one does not decode (the block is invalid).
pub fn checkpoints_root(transactions: &[SignedTransaction]) -> Option<B256> {
    let mut leaves = Vec::new();
    for stx in transactions.iter().filter(|t| t.transaction.kind == CHILD_CHECKPOINT) {
        let cp: Checkpoint =
            decode("Checkpoint", &stx.transaction.data, crate::types::MAX_TX_BYTES).ok()?;
        let h = &cp.header;
        leaves.push(checkpoint_leaf(h.chainId, h.height, h.hash()));
    }
    Some(if leaves.is_empty() { B256::ZERO } else { merkle::root(&leaves) })
}

/// What one certified block of a parent did for child `chain`, in block order: read by
/// whoever follows the parent as a light client. A deposit's nonce counts on from
/// `next_nonce` (the child's next deposit nonce before this block); its depositor is the
/// signer of the deposit's first input, recovered under the parent's `domain`.
pub fn child_events(
    domain: &SigningDomain,
    block: &Block,
    chain: u64,
    mut next_nonce: u64,
    signers: &impl Signers,
) -> Vec<ChildEvent> {
    let parent = block.header.chainId;
    let mut events = Vec::new();
    for (index, stx) in block.transactions.iter().enumerate() {
        let tx = &stx.transaction;
        match tx.kind {
            REGISTER_CHILD => {
                let Ok(reg) = ChildRegistration::abi_decode(&tx.data) else { continue };
                if child_chain_id(parent, &reg) == chain {
                    events.push(ChildEvent::Registered(reg));
                }
            }
            CHILD_CHECKPOINT => {
                let Ok(cp) = Checkpoint::abi_decode(&tx.data) else { continue };
                if cp.header.chainId == chain {
                    events.push(ChildEvent::Checkpoint(Box::new(cp)));
                }
            }
            k if k == TxKind::DepositToChild as u8 => {
                let Ok(lock) = ChildDeposit::abi_decode(&tx.data) else { continue };
                if lock.childChainId != chain {
                    continue;
                }
                let digest = domain.signing_hash(tx);
                let Some(depositor) =
                    stx.signatures.first().and_then(|s| signers.signer(&digest, s).ok())
                else {
                    continue;
                };
                events.push(ChildEvent::Deposit {
                    record: DepositRecord {
                        chainId: chain,
                        nonce: next_nonce,
                        depositor,
                        recipient: lock.recipient,
                        token: lock.token,
                        amount: lock.amount,
                    },
                    tx_index: index as u32,
                });
                next_nonce += 1;
            }
            _ => {}
        }
    }
    events
}

/// One thing a parent's block did for a child ([`child_events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEvent {
    /// The child was registered.
    Registered(ChildRegistration),
    /// A checkpoint was accepted.
    Checkpoint(Box<Checkpoint>),
    /// Value was locked for the child.
    Deposit {
        /// The deposit as the child mints it.
        record: DepositRecord,
        /// Where in the parent's block.
        tx_index: u32,
    },
}

/// The entry a registration creates, for one who read it from a certified block.
pub fn record_of(registration: &ChildRegistration) -> ChildRecord {
    ChildRecord {
        params: registration.params.clone(),
        validators: registration.validators.clone(),
        last_height: 0,
        last_hash: B256::ZERO,
        next_deposit_nonce: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{apply_block, BlockError};
    use crate::testkit::{self, committee, user, TestChain, Workload};
    use crate::tx::TxError;
    use crate::types::{Output, TxKind, UtxoPos};
    use crate::view::LedgerView;
    use alloy_primitives::{Address, U256};

    fn registration(n: usize, salt: u64) -> ChildRegistration {
        let (keys, set) = committee(n);
        ChildRegistration {
            salt,
            params: ChildParams { epochLength: 4, exitPeriod: 60 },
            validators: set.validators().to_vec(),
            proofsOfPossession: keys
                .iter()
                .zip(set.validators())
                .map(|(k, v)| k.proof_of_possession(v.operator).to_eip2537().to_vec().into())
                .collect(),
        }
    }

    fn refusal(chain: &mut TestChain, stx: SignedTransaction) -> ChildError {
        match chain.try_commit(vec![stx]) {
            Err(BlockError::InvalidTransaction { error: TxError::System(e), .. }) => *e,
            other => panic!("expected a system transaction refusal, got {other:?}"),
        }
    }

    /// A parent with one registered child of four validators; returns the child's id.
    fn parent_with_child() -> (TestChain, u64) {
        let mut parent = TestChain::new();
        let reg = registration(4, 0);
        let id = child_chain_id(parent.domain.chain_id, &reg);
        parent.commit(vec![register_child_tx(&reg)]);
        (parent, id)
    }

    /// Block `height` of a child chain `id` certified by `signers` of its committee.
    fn child_checkpoint(id: u64, blocks: u64, signers: &[usize]) -> Checkpoint {
        let (keys, set) = committee(4);
        let mut domain = testkit::domain();
        domain.chain_id = id;
        let mut child = TestChain::with_domain(domain, set.hash());
        for _ in 0..blocks {
            child.commit(vec![]);
        }
        let header = child.tip().clone();
        let keys: Vec<_> = signers.iter().map(|i| (*i, &keys[*i])).collect();
        let certificate = crate::certificate::certify(&set, &keys, &header, 0).expect("certify");
        Checkpoint { header, certificate }
    }

    #[test]
    fn a_registration_creates_the_child_it_names() {
        let mut parent = TestChain::new();
        let reg = registration(4, 7);
        let id = child_chain_id(parent.domain.chain_id, &reg);
        assert_ne!(id >> 63, 0, "plasma-assigned ids never meet the root's");
        let (_, delta) = parent.commit(vec![register_child_tx(&reg)]);
        let record = parent.state.child(id).expect("registered");
        assert_eq!(record.validators, reg.validators);
        assert_eq!((record.last_height, record.next_deposit_nonce), (0, 0));
        assert_eq!(delta.children.get(&id), Some(&record));
        // The same registration again names the same id and is refused; a new salt is not.
        assert_eq!(
            refusal(&mut parent, register_child_tx(&reg)),
            ChildError::AlreadyRegistered(id)
        );
        let other = registration(4, 8);
        parent.commit(vec![register_child_tx(&other)]);
        assert!(parent.state.is_child(child_chain_id(parent.domain.chain_id, &other)));
    }

    #[test]
    fn a_registration_without_possession_is_refused() {
        let mut parent = TestChain::new();
        // Validator 2's proof was made for another operator: a rogue-key attempt.
        let mut reg = registration(4, 0);
        let (keys, _) = committee(4);
        reg.proofsOfPossession[2] =
            keys[2].proof_of_possession(Address::repeat_byte(9)).to_eip2537().to_vec().into();
        assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::Possession(2));

        let mut reg = registration(4, 0);
        reg.validators[3].blsPubkey = reg.validators[1].blsPubkey.clone();
        assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::Duplicate(3));

        let mut reg = registration(4, 0);
        reg.proofsOfPossession.pop();
        assert!(matches!(
            refusal(&mut parent, register_child_tx(&reg)),
            ChildError::ProofCount { validators: 4, proofs: 3 }
        ));

        let mut reg = registration(4, 0);
        reg.params.epochLength = 0;
        assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::BadParams);

        let mut bare = register_child_tx(&registration(4, 0));
        bare.signatures.push(vec![0u8; 65].into());
        assert_eq!(refusal(&mut parent, bare), ChildError::NotBare);

        let mut garbage = register_child_tx(&registration(4, 0));
        garbage.transaction.data = vec![1, 2, 3].into();
        assert!(matches!(refusal(&mut parent, garbage), ChildError::Payload(_)));
        assert_eq!(parent.blocks.len(), 0, "nothing was committed");
    }

    #[test]
    fn a_checkpoint_is_accepted_only_newer_and_with_two_thirds_of_the_set() {
        let (mut parent, id) = parent_with_child();
        let cp = child_checkpoint(id, 4, &[0, 1, 2]);
        let (block, delta) = parent.commit(vec![child_checkpoint_tx(&cp)]);
        let record = parent.state.child(id).expect("child");
        assert_eq!((record.last_height, record.last_hash), (4, cp.header.hash()));
        assert_eq!(delta.children[&id], record);
        let leaf = checkpoint_leaf(id, 4, cp.header.hash());
        assert_eq!(block.header.childCheckpointsRoot, merkle::root(&[leaf]));

        // The same height again (other signers) is not newer.
        let again = child_checkpoint(id, 4, &[1, 2, 3]);
        assert_eq!(
            refusal(&mut parent, child_checkpoint_tx(&again)),
            ChildError::NotNewer { chain: id, height: 4, last: 4 }
        );
        // Two of four is not more than two thirds.
        let weak = child_checkpoint(id, 8, &[0, 3]);
        assert!(matches!(
            refusal(&mut parent, child_checkpoint_tx(&weak)),
            ChildError::Certificate(CertificateError::InsufficientPower { .. })
        ));
        // A certificate for another header.
        let mut swapped = child_checkpoint(id, 8, &[0, 1, 2]);
        swapped.header.timestamp += 1;
        assert!(matches!(
            refusal(&mut parent, child_checkpoint_tx(&swapped)),
            ChildError::Certificate(CertificateError::HeaderMismatch { .. })
        ));
        // A header naming another set (certified by that other set).
        let mut foreign = child_checkpoint(id, 8, &[0, 1, 2]);
        foreign.header.validatorSetHash = B256::repeat_byte(1);
        assert!(matches!(
            refusal(&mut parent, child_checkpoint_tx(&foreign)),
            ChildError::WrongSet { .. }
        ));
        // A chain that is not a child.
        let stranger = child_checkpoint(id ^ 1, 8, &[0, 1, 2]);
        assert_eq!(
            refusal(&mut parent, child_checkpoint_tx(&stranger)),
            ChildError::UnknownChild(id ^ 1)
        );
        // Two newer checkpoints in one block: both land, in order, under one root.
        let c8 = child_checkpoint(id, 8, &[0, 1, 2]);
        let c12 = child_checkpoint(id, 12, &[0, 1, 3]);
        let (block, _) = parent.commit(vec![child_checkpoint_tx(&c8), child_checkpoint_tx(&c12)]);
        assert_eq!(parent.state.child(id).expect("child").last_height, 12);
        let leaves =
            [checkpoint_leaf(id, 8, c8.header.hash()), checkpoint_leaf(id, 12, c12.header.hash())];
        assert_eq!(block.header.childCheckpointsRoot, merkle::root(&leaves));
    }

    #[test]
    fn a_header_must_commit_to_the_checkpoints_its_body_submits() {
        let (parent, id) = parent_with_child();
        let cp = child_checkpoint(id, 4, &[0, 1, 2]);
        let mut block = crate::block::seal_block(
            &parent.domain,
            &parent.state,
            vec![child_checkpoint_tx(&cp)],
            &Workload::params(2),
        );
        assert!(apply_block(&parent.domain, &parent.state, &block).is_ok());
        block.header.childCheckpointsRoot = B256::ZERO;
        assert!(matches!(
            apply_block(&parent.domain, &parent.state, &block),
            Err(BlockError::ChildCheckpointsRootMismatch { .. })
        ));
    }

    #[test]
    fn deposits_into_a_child_are_numbered_per_child_and_readable_from_the_block() {
        let (mut parent, id) = parent_with_child();
        let alice = user("alice");
        let funds = parent.record_deposit(alice.address(), Address::ZERO, 100);
        parent.commit(vec![testkit::deposit_tx(&funds)]);
        let lock = |to: Address, amount: u64| ChildDeposit {
            childChainId: id,
            recipient: to,
            token: Address::ZERO,
            amount: U256::from(amount),
        };
        let bob = Address::repeat_byte(0xb0);
        let first = testkit::sign(
            &parent.domain,
            testkit::tx(
                TxKind::DepositToChild,
                vec![UtxoPos::new(2, 0, 0)],
                vec![Output::new(alice.address(), Address::ZERO, U256::from(70))],
                lock(bob, 30).abi_encode(),
            ),
            &[&alice],
        );
        let second = testkit::sign(
            &parent.domain,
            testkit::tx(
                TxKind::DepositToChild,
                vec![UtxoPos::new(3, 0, 0)],
                vec![],
                lock(alice.address(), 70).abi_encode(),
            ),
            &[&alice],
        );
        let (block, delta) = parent.commit(vec![first, second]);
        let nonces: Vec<_> = delta.child_deposits.iter().map(|d| (d.nonce, d.amount)).collect();
        assert_eq!(nonces, [(0, U256::from(30)), (1, U256::from(70))]);
        assert!(delta.child_deposits.iter().all(|d| d.depositor == alice.address()));
        assert_eq!(delta.child_deposits[0].recipient, bob);
        assert_eq!(parent.state.child(id).expect("child").next_deposit_nonce, 2);
        assert_eq!(parent.state.escrow(id, &Address::ZERO), U256::from(100));

        // A light client of the parent reads the very same records from the block.
        let read = child_events(&parent.domain, &block, id, 0, &crate::signing::Recover);
        let records: Vec<_> = read
            .into_iter()
            .map(|e| match e {
                ChildEvent::Deposit { record, .. } => record,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(records, delta.child_deposits);
        // Another child sees nothing.
        assert!(
            child_events(&parent.domain, &block, id ^ 1, 0, &crate::signing::Recover).is_empty()
        );
    }
}
