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
use crate::exit::{verify_challenge, verify_exit_start, ChallengeError, ExitError};
use crate::merkle::{self, leaf_hash};
use crate::signing::{Signers, SigningDomain};
use crate::types::{
    decode, Block, Checkpoint, ChildBond, ChildDeposit, ChildExitChallenge, ChildExitStart,
    ChildFraudProof, ChildParams, ChildRegistration, ChildStake, DecodeError, DepositRecord,
    ExitRecord, FraudProof, Output, SignedTransaction, Transaction, TxKind, Validator,
};
use crate::view::LedgerView;
use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;

/// `Transaction.kind` of a child's registration (`data` = [`ChildRegistration`]).
pub const REGISTER_CHILD: u8 = 16;
/// `Transaction.kind` of a child's checkpoint (`data` = [`Checkpoint`]).
pub const CHILD_CHECKPOINT: u8 = 17;
/// `Transaction.kind` of a challenge of a child's exit (`data` = [`ChildExitChallenge`]).
pub const CHALLENGE_CHILD_EXIT: u8 = 18;
/// `Transaction.kind` of a fraud proof against a child (`data` = [`ChildFraudProof`]).
pub const PROVE_CHILD_FRAUD: u8 = 19;
/// Share of the slashed stake paid to the prover, in basis points (as on the root).
pub const PROVER_REWARD_BPS: u64 = 5_000;

/// An exit of a child's output on this chain, as the exit game keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildExit {
    /// The claim: output, owner, amount, when it may be paid.
    pub record: ExitRecord,
    /// ETH bonded by the exiter (returned with the payout, or paid to a challenger).
    pub bond: U256,
    /// Queued: neither paid nor challenged yet. An inactive exit stays, so the output never
    /// exits twice.
    pub active: bool,
}
/// Most validators a child may register with (a registration must fit one transaction).
pub const MAX_CHILD_VALIDATORS: usize = 16;

/// One numbered validator configuration of a child (ids count from 1, the registered set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildConfiguration {
    /// Its members, in bitmap order.
    pub validators: Vec<Validator>,
    /// The first height it certifies (0: never activated, pending or superseded).
    pub active_from: u64,
}

/// What a parent keeps of each registered child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildRecord {
    /// Epoch length and exit period.
    pub params: ChildParams,
    /// Every configuration numbered so far: id `i` is entry `i - 1`. The registered set is 1.
    pub configurations: Vec<ChildConfiguration>,
    /// The configuration whose certificates the parent accepts.
    pub active: u32,
    /// The configuration proposed by the latest bond and not yet acknowledged (0: none).
    pub pending: u32,
    /// Height of the latest accepted checkpoint (0: none).
    pub last_height: u64,
    /// Block hash of the latest accepted checkpoint (zero: none).
    pub last_hash: B256,
    /// Nonce the next deposit into this child gets.
    pub next_deposit_nonce: u64,
    /// First void height after a proven fraud (0: none). The child is frozen from then on:
    /// no checkpoints, no deposits; exits anchor below it.
    pub rollback_height: u64,
}

impl ChildRecord {
    /// Whether a fraud proof froze the child.
    pub fn frozen(&self) -> bool {
        self.rollback_height != 0
    }

    /// Configuration `id`, if numbered.
    pub fn configuration(&self, id: u32) -> Option<&ChildConfiguration> {
        self.configurations.get((id as usize).checked_sub(1)?)
    }

    /// The active set, whose certificates the parent accepts, in bitmap order.
    pub fn validators(&self) -> &[Validator] {
        self.configuration(self.active).map_or(&[], |c| &c.validators)
    }

    /// `keccak256(abi.encode(Validator[]))` of the active set.
    pub fn set_hash(&self) -> B256 {
        Validator::set_hash(self.validators())
    }

    /// The set a bond proposes, if one is pending.
    pub fn pending_set(&self) -> Option<&[Validator]> {
        self.configuration(self.pending).map(|c| c.validators.as_slice())
    }

    /// The set that certified `height`: the last activated configuration from at or below it.
    pub fn set_at(&self, height: u64) -> &[Validator] {
        self.configurations
            .iter()
            .filter(|c| c.active_from != 0 && c.active_from <= height)
            .max_by_key(|c| c.active_from)
            .map_or(self.validators(), |c| &c.validators)
    }

    /// The configuration whose set hash is `hash`, if any was numbered.
    pub fn configuration_with_hash(&self, hash: B256) -> Option<&[Validator]> {
        let found = self.configurations.iter().find(|c| Validator::set_hash(&c.validators) == hash);
        found.map(|c| c.validators.as_slice())
    }

    /// Numbers the next configuration: the pending set (or else the active one) joined by
    /// `validator`, which becomes the pending configuration (a pending one never acknowledged
    /// is superseded). The root's `bond` followed by `proposeConfiguration`.
    pub fn bond(&mut self, validator: Validator) -> Result<u32, ChildError> {
        let base = self.pending_set().unwrap_or(self.validators());
        if let Some(i) = base
            .iter()
            .position(|v| v.operator == validator.operator || v.blsPubkey == validator.blsPubkey)
        {
            return Err(ChildError::AlreadyBonded(base[i].operator));
        }
        if base.len() >= MAX_CHILD_VALIDATORS {
            return Err(ChildError::SetSize(base.len() + 1));
        }
        let mut validators = base.to_vec();
        validators.push(validator);
        self.configurations.push(ChildConfiguration { validators, active_from: 0 });
        self.pending = self.configurations.len() as u32;
        Ok(self.pending)
    }

    /// Records an accepted checkpoint of block `height` (hash `hash`) whose header names
    /// `next_set` as the next validator set. At an epoch end that names the pending set, the
    /// pending configuration becomes active from `height + 1`, as on the root.
    pub fn accept_checkpoint(&mut self, height: u64, hash: B256, next_set: B256) {
        self.last_height = height;
        self.last_hash = hash;
        let epoch = self.params.epochLength;
        let names_pending = self.pending_set().is_some_and(|s| Validator::set_hash(s) == next_set);
        if epoch != 0 && height.is_multiple_of(epoch) && names_pending {
            let pending = self.pending;
            if let Some(c) = self.configurations.get_mut(pending as usize - 1) {
                c.active_from = height + 1;
            }
            self.active = pending;
            self.pending = 0;
        }
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
    /// An exit's anchor is not a checkpoint this chain accepted.
    #[error("chain {chain} has no accepted checkpoint at {height} with this header")]
    UnknownAnchor {
        /// The child.
        chain: u64,
        /// The anchor's height.
        height: u64,
    },
    /// The output's exit is not proven.
    #[error("exit: {0}")]
    Exit(ExitError),
    /// The output exited (or tried to) before.
    #[error("exit {0} was started before")]
    AlreadyExited(B256),
    /// The challenged exit is not queued.
    #[error("exit {0} is not active")]
    ExitNotActive(B256),
    /// A challenge's output is not the exit's bond paid to its beneficiary.
    #[error("a challenge pays exactly the exit's bond to its beneficiary")]
    BondOutput,
    /// The challenge does not show a spend of the exiting output by its owner.
    #[error("challenge: {0}")]
    Challenge(ChallengeError),
    /// Time-bound rules judged outside a block.
    #[error("no block time to judge an exit at")]
    NoBlockTime,
    /// A fraud proof froze the child: exits only.
    #[error("chain {0} is frozen after a proven fraud")]
    Frozen(u64),
    /// The fraud proof does not convict.
    #[error("fraud proof: {0}")]
    Fraud(crate::fraud::FraudError),
    /// A reward output other than the slashed stake's prover share.
    #[error("a fraud proof pays exactly the prover's share of the slashed stake")]
    RewardOutput,
    /// Stake of zero.
    #[error("stake must be positive")]
    ZeroStake,
    /// A bond below one unit of power (1 gwei) or above `u64::MAX` units.
    #[error("a bond of {0} wei is not a whole power of 1..=u64::MAX gwei")]
    BondPower(U256),
    /// The operator or its key is in the set the bond would extend.
    #[error("operator {0} or its key is bonded already")]
    AlreadyBonded(Address),
    /// A bond's key or proof of possession does not check out.
    #[error("invalid BLS key or proof of possession")]
    BondPossession,
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
                | ChildError::UnknownAnchor { .. }
                | ChildError::AlreadyExited(_)
                | ChildError::ExitNotActive(_)
                | ChildError::BondOutput
                | ChildError::NoBlockTime
                | ChildError::Frozen(_)
                | ChildError::RewardOutput
                | ChildError::AlreadyBonded(_)
                | ChildError::SetSize(_)
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
        /// The set its header names as the next (an epoch end naming the pending set
        /// activates it).
        next_set: B256,
    },
    /// Value was locked for the child under this record (its nonce is the child's next).
    Deposited(DepositRecord),
    /// An exit of one of the child's outputs was queued.
    ExitStarted {
        /// The child.
        chain: u64,
        /// The exit.
        exit: ChildExit,
    },
    /// An exit was challenged: it leaves the queue and its bond goes to the challenger.
    ExitChallenged {
        /// The child.
        chain: u64,
        /// The exit.
        exit_id: B256,
    },
    /// A validator of the child bonded stake.
    Staked {
        /// The child.
        chain: u64,
        /// Its operator.
        operator: Address,
        /// ETH added.
        amount: U256,
    },
    /// A validator bonded stake and a key: the child's next configuration includes it.
    Bonded {
        /// The child.
        chain: u64,
        /// The member it adds.
        validator: Validator,
        /// ETH bonded.
        amount: U256,
    },
    /// Fraud was proven: the child rolls back to before `height` and freezes; the
    /// `slashed` operators lose their stake (the prover's reward is the transaction's output).
    FraudProven {
        /// The child.
        chain: u64,
        /// The first invalid height.
        height: u64,
        /// Operators whose stake is taken.
        slashed: Vec<Address>,
    },
}

impl ChildEffect {
    /// The record after this effect, given the one before (none before a registration).
    pub fn applied_to(&self, before: Option<ChildRecord>) -> Option<ChildRecord> {
        match self {
            ChildEffect::Registered { record, .. } => Some(record.clone()),
            ChildEffect::Checkpointed { height, hash, next_set, .. } => before.map(|mut r| {
                r.accept_checkpoint(*height, *hash, *next_set);
                r
            }),
            ChildEffect::Bonded { validator, .. } => before.map(|mut r| {
                // Judged by `validate_bond` against this very record: it cannot fail here.
                let _ = r.bond(validator.clone());
                r
            }),
            ChildEffect::Deposited(d) => before.map(|mut r| {
                r.next_deposit_nonce = d.nonce + 1;
                r
            }),
            ChildEffect::FraudProven { height, .. } => before.map(|mut r| {
                r.rollback_height = *height;
                r
            }),
            ChildEffect::ExitStarted { .. }
            | ChildEffect::ExitChallenged { .. }
            | ChildEffect::Staked { .. } => before,
        }
    }

    /// The child it concerns.
    pub fn chain(&self) -> u64 {
        match self {
            ChildEffect::Registered { chain, .. }
            | ChildEffect::Checkpointed { chain, .. }
            | ChildEffect::ExitStarted { chain, .. }
            | ChildEffect::ExitChallenged { chain, .. }
            | ChildEffect::Staked { chain, .. }
            | ChildEffect::Bonded { chain, .. }
            | ChildEffect::FraudProven { chain, .. } => *chain,
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

/// The system transaction that challenges a child's exit whose bond is `bond`, paying it to
/// the challenge's beneficiary.
pub fn challenge_child_exit_tx(challenge: &ChildExitChallenge, bond: U256) -> SignedTransaction {
    let mut stx = bare(CHALLENGE_CHILD_EXIT, challenge.abi_encode());
    if !bond.is_zero() {
        stx.transaction.outputs = vec![Output::new(challenge.beneficiary, Address::ZERO, bond)];
    }
    stx
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

/// Judges a system transaction against `view`, on the chain of `domain` (the parent).
pub fn validate_system(
    domain: &SigningDomain,
    view: &impl LedgerView,
    stx: &SignedTransaction,
) -> Result<ChildEffect, ChildError> {
    let tx = &stx.transaction;
    let outputs_allowed = tx.kind == CHALLENGE_CHILD_EXIT || tx.kind == PROVE_CHILD_FRAUD;
    if !tx.inputs.is_empty()
        || !stx.signatures.is_empty()
        || (!outputs_allowed && !tx.outputs.is_empty())
    {
        return Err(ChildError::NotBare);
    }
    let max = crate::types::MAX_TX_BYTES;
    match tx.kind {
        REGISTER_CHILD => {
            let reg: ChildRegistration = decode("ChildRegistration", &tx.data, max)?;
            let chain = child_chain_id(domain.chain_id, &reg);
            if view.child(chain).is_some() {
                return Err(ChildError::AlreadyRegistered(chain));
            }
            let record = check_registration(&reg)?;
            Ok(ChildEffect::Registered { chain, record })
        }
        CHILD_CHECKPOINT => {
            let checkpoint: Checkpoint = decode("Checkpoint", &tx.data, max)?;
            let header = &checkpoint.header;
            let chain = header.chainId;
            let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
            if record.frozen() {
                return Err(ChildError::Frozen(chain));
            }
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
            let set = ValidatorSet::new(record.validators().to_vec()).map_err(ChildError::Set)?;
            set.verify_checkpoint(&checkpoint).map_err(ChildError::Certificate)?;
            Ok(ChildEffect::Checkpointed {
                chain,
                height: header.height,
                hash: header.hash(),
                next_set: header.nextValidatorSetHash,
            })
        }
        CHALLENGE_CHILD_EXIT => {
            let c: ChildExitChallenge = decode("ChildExitChallenge", &tx.data, max)?;
            let chain = c.childChainId;
            view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
            let exit = view
                .child_exit(chain, &c.exitId)
                .filter(|e| e.active)
                .ok_or(ChildError::ExitNotActive(c.exitId))?;
            let expected: Vec<Output> = if exit.bond.is_zero() {
                vec![]
            } else {
                vec![Output::new(c.beneficiary, Address::ZERO, exit.bond)]
            };
            if tx.outputs != expected || c.beneficiary == Address::ZERO {
                return Err(ChildError::BondOutput);
            }
            let child_domain = child_domain(domain, chain);
            verify_challenge(&child_domain, &exit.record, &c.spend, usize::from(c.inputIndex))
                .map_err(ChildError::Challenge)?;
            Ok(ChildEffect::ExitChallenged { chain, exit_id: c.exitId })
        }
        PROVE_CHILD_FRAUD => {
            let c: ChildFraudProof = decode("ChildFraudProof", &tx.data, max)?;
            let (chain, height, slashed) = judge_child_fraud(domain, view, &c)?;
            let reward = prover_reward(slashed.iter().map(|op| view.child_stake(chain, op)));
            let expected = prove_child_fraud_tx(&c, reward).transaction.outputs;
            if tx.outputs != expected || c.prover == Address::ZERO {
                return Err(ChildError::RewardOutput);
            }
            Ok(ChildEffect::FraudProven { chain, height, slashed })
        }
        other => Err(ChildError::UnknownKind(other)),
    }
}

/// What a fraud proof against a child convicts, as the root's `proveFraud` judges it: the
/// first invalid height and the operators who lose their stake.
fn judge_child_fraud(
    domain: &SigningDomain,
    view: &impl LedgerView,
    c: &ChildFraudProof,
) -> Result<(u64, u64, Vec<Address>), ChildError> {
    use crate::types::{EquivocationEvidence, FraudKind};
    let chain = c.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    if record.frozen() {
        return Err(ChildError::Frozen(chain));
    }
    let proof = &c.proof;
    let set = certifying_set(&record, proof)?;
    let fraud = ChildError::Fraud;
    let height = if proof.kind == FraudKind::Equivocation as u8 {
        let max = crate::types::MAX_TX_BYTES;
        let e: EquivocationEvidence = decode("EquivocationEvidence", &proof.evidence, max)
            .map_err(|e| fraud(crate::fraud::FraudError::Evidence(e)))?;
        crate::fraud::verify_equivocation(&set, chain, &e.a, &e.b).map_err(fraud)?.height
    } else {
        let anchor = &proof.anchor;
        let accepted = view.child_checkpoint(chain, anchor.height);
        if anchor.chainId != chain || accepted != Some(anchor.hash()) {
            return Err(ChildError::UnknownAnchor { chain, height: anchor.height });
        }
        let checkpoint =
            Checkpoint { header: anchor.clone(), certificate: proof.anchorCertificate.clone() };
        set.verify_checkpoint(&checkpoint).map_err(ChildError::Certificate)?;
        let child_domain = child_domain(domain, chain);
        crate::fraud::judge(&child_domain, proof, |n| view.child_deposit(chain, n))
            .map_err(fraud)?
            .height
    };
    Ok((chain, height, convicted(&set, proof)?))
}

/// The configuration of `record` that certified what `proof` shows: the one active at its
/// anchor's height, or at the equivocation's height.
pub fn certifying_set(
    record: &ChildRecord,
    proof: &FraudProof,
) -> Result<ValidatorSet, ChildError> {
    use crate::types::{EquivocationEvidence, FraudKind};
    let height = if proof.kind == FraudKind::Equivocation as u8 {
        let max = crate::types::MAX_TX_BYTES;
        let e: EquivocationEvidence = decode("EquivocationEvidence", &proof.evidence, max)
            .map_err(|e| ChildError::Fraud(crate::fraud::FraudError::Evidence(e)))?;
        e.a.height
    } else {
        proof.anchor.height
    };
    ValidatorSet::new(record.set_at(height).to_vec()).map_err(ChildError::Set)
}

/// The operators a fraud proof convicts: those who certified its anchor, or for
/// equivocation those who signed both certificates. Judging the proof is
/// [`validate_system`]'s; this only reads the bitmaps.
pub fn convicted(set: &ValidatorSet, proof: &FraudProof) -> Result<Vec<Address>, ChildError> {
    use crate::types::{EquivocationEvidence, FraudKind};
    let indices = if proof.kind == FraudKind::Equivocation as u8 {
        let max = crate::types::MAX_TX_BYTES;
        let e: EquivocationEvidence = decode("EquivocationEvidence", &proof.evidence, max)
            .map_err(|e| ChildError::Fraud(crate::fraud::FraudError::Evidence(e)))?;
        let a = set.signers(&e.a.signerBitmap).map_err(ChildError::Certificate)?;
        let b = set.signers(&e.b.signerBitmap).map_err(ChildError::Certificate)?;
        a.into_iter().filter(|i| b.contains(i)).collect()
    } else {
        set.signers(&proof.anchorCertificate.signerBitmap).map_err(ChildError::Certificate)?
    };
    Ok(indices.iter().filter_map(|i| set.validators().get(*i)).map(|v| v.operator).collect())
}

/// The prover's share of the stakes a fraud proof takes.
pub fn prover_reward(slashed: impl IntoIterator<Item = U256>) -> U256 {
    let taken = slashed.into_iter().fold(U256::ZERO, |sum, s| sum.saturating_add(s));
    taken * U256::from(PROVER_REWARD_BPS) / U256::from(10_000u64)
}

/// The system transaction that proves `fraud`, paying `reward` (see [`prover_reward`]) to its
/// prover.
pub fn prove_child_fraud_tx(fraud: &ChildFraudProof, reward: U256) -> SignedTransaction {
    let mut stx = bare(PROVE_CHILD_FRAUD, fraud.abi_encode());
    if !reward.is_zero() {
        stx.transaction.outputs = vec![Output::new(fraud.prover, Address::ZERO, reward)];
    }
    stx
}

/// Judges the payload of a `StakeChild` by `operator` (the first input's owner); the caller
/// judges the inputs that pay it.
pub fn validate_stake(
    view: &impl LedgerView,
    payload: &[u8],
    operator: Address,
) -> Result<ChildEffect, ChildError> {
    let stake: ChildStake = decode("ChildStake", payload, 2 * 32)?;
    let chain = stake.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    if record.frozen() {
        return Err(ChildError::Frozen(chain));
    }
    if stake.amount.is_zero() {
        return Err(ChildError::ZeroStake);
    }
    Ok(ChildEffect::Staked { chain, operator, amount: stake.amount })
}

/// One unit of a bonded validator's power, in wei (as on the root).
pub const POWER_UNIT: u64 = 1_000_000_000;

/// The power a bond of `amount` wei buys: a whole number of [`POWER_UNIT`]s, 1..=`u64::MAX`.
pub fn bond_power(amount: U256) -> Result<u64, ChildError> {
    let unit = U256::from(POWER_UNIT);
    let whole = amount % unit == U256::ZERO;
    u64::try_from(amount / unit)
        .ok()
        .filter(|p| *p != 0 && whole)
        .ok_or(ChildError::BondPower(amount))
}

/// Judges the payload of a `BondChild` by `operator` (the first input's owner) and returns
/// the member it adds to the child's next configuration; the caller judges the inputs that
/// pay the stake.
pub fn validate_bond(
    view: &impl LedgerView,
    payload: &[u8],
    operator: Address,
) -> Result<ChildEffect, ChildError> {
    let bond: ChildBond = decode("ChildBond", payload, 1024)?;
    let chain = bond.childChainId;
    let mut record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    if record.frozen() {
        return Err(ChildError::Frozen(chain));
    }
    let power = bond_power(bond.amount)?;
    let key =
        BlsPublicKey::from_eip2537(&bond.blsPubkey).map_err(|_| ChildError::BondPossession)?;
    let pop = BlsSignature::from_eip2537(&bond.proofOfPossession)
        .map_err(|_| ChildError::BondPossession)?;
    if !key.verify_possession(operator, &pop) {
        return Err(ChildError::BondPossession);
    }
    let validator = Validator { operator, blsPubkey: bond.blsPubkey, power };
    record.bond(validator.clone())?;
    Ok(ChildEffect::Bonded { chain, validator, amount: bond.amount })
}

/// The payouts a proposer owes at block time `now` from the `active` exits of its children:
/// each child's queue per token in priority order, up to its first exit not yet matured.
pub fn matured_payouts(
    active: impl IntoIterator<Item = (u64, ChildExit)>,
    now: u64,
) -> Vec<SignedTransaction> {
    let mut queues: std::collections::BTreeMap<(u64, Address), Vec<ChildExit>> = Default::default();
    for (chain, exit) in active {
        queues.entry((chain, exit.record.token)).or_default().push(exit);
    }
    let mut payouts = Vec::new();
    for ((chain, _), mut queue) in queues {
        queue.sort_by_key(|e| crate::exit::priority(e.record.exitableAt, &e.record.utxoPos));
        let matured = queue.iter().take_while(|e| e.record.exitableAt <= now);
        payouts.extend(matured.map(|e| crate::tx::payout_transaction(chain, &e.record, e.bond)));
    }
    payouts
}

/// The signing domain of child `chain` of the chain of `parent`: the same root, its own id.
pub fn child_domain(parent: &SigningDomain, chain: u64) -> SigningDomain {
    SigningDomain::new(chain, parent.root_chain_id, parent.root_contract)
}

/// Judges the payload of a `StartChildExit` by `claimant` (the first input's owner) and
/// returns the child and the exit it queues; the caller judges the inputs that pay its bond.
pub fn validate_exit_start(
    view: &impl LedgerView,
    payload: &[u8],
    claimant: Address,
) -> Result<(u64, ChildExit), ChildError> {
    let start: ChildExitStart = decode("ChildExitStart", payload, crate::types::MAX_TX_BYTES)?;
    let chain = start.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let anchor = &start.anchor;
    let accepted = view.child_checkpoint(chain, anchor.height);
    let void = record.frozen() && anchor.height >= record.rollback_height;
    if anchor.chainId != chain || accepted != Some(anchor.hash()) || void {
        return Err(ChildError::UnknownAnchor { chain, height: anchor.height });
    }
    let claim = verify_exit_start(chain, anchor, &start.pos, &start.inclusion, claimant)
        .map_err(ChildError::Exit)?;
    let exit_id = claim.key.exit_id();
    if view.child_exit(chain, &exit_id).is_some() {
        return Err(ChildError::AlreadyExited(exit_id));
    }
    let now = view.time().ok_or(ChildError::NoBlockTime)?;
    let exit = ChildExit {
        record: claim.record(now, record.params.exitPeriod),
        bond: record.params.exitBond,
        active: true,
    };
    Ok((chain, exit))
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
            PROVE_CHILD_FRAUD => {
                let Ok(c) = ChildFraudProof::abi_decode(&tx.data) else { continue };
                if c.childChainId != chain {
                    continue;
                }
                // Accepted, so it convicts; the height is its verdict's (a deposit mismatch
                // convicts at the mint's height whatever the parent's record).
                let height = if c.proof.kind == crate::types::FraudKind::Equivocation as u8 {
                    crate::types::EquivocationEvidence::abi_decode(&c.proof.evidence)
                        .map(|e| e.a.height)
                        .ok()
                } else {
                    let child = child_domain(domain, chain);
                    crate::fraud::judge(&child, &c.proof, |_| None).map(|v| v.height).ok()
                };
                if let Some(height) = height {
                    events.push(ChildEvent::FraudProven { height });
                }
            }
            k if k == TxKind::StakeChild as u8 => {
                let Ok(stake) = ChildStake::abi_decode(&tx.data) else { continue };
                if stake.childChainId != chain {
                    continue;
                }
                if let Some(operator) = first_signer(domain, stx, signers) {
                    events.push(ChildEvent::Staked { operator, amount: stake.amount });
                }
            }
            k if k == TxKind::BondChild as u8 => {
                let Ok(bond) = ChildBond::abi_decode(&tx.data) else { continue };
                if bond.childChainId != chain {
                    continue;
                }
                let Some(operator) = first_signer(domain, stx, signers) else { continue };
                let Ok(power) = bond_power(bond.amount) else { continue };
                let validator = Validator { operator, blsPubkey: bond.blsPubkey, power };
                events.push(ChildEvent::Bonded { validator, amount: bond.amount });
            }
            k if k == TxKind::StartChildExit as u8 => {
                let Ok(start) = ChildExitStart::abi_decode(&tx.data) else { continue };
                if start.childChainId != chain {
                    continue;
                }
                let Some(claimant) = first_signer(domain, stx, signers) else { continue };
                let proven =
                    verify_exit_start(chain, &start.anchor, &start.pos, &start.inclusion, claimant);
                if let Ok(claim) = proven {
                    events.push(ChildEvent::ExitStarted {
                        claim,
                        started_at: block.header.timestamp,
                    });
                }
            }
            k if k == TxKind::DepositToChild as u8 => {
                let Ok(lock) = ChildDeposit::abi_decode(&tx.data) else { continue };
                if lock.childChainId != chain {
                    continue;
                }
                let Some(depositor) = first_signer(domain, stx, signers) else { continue };
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

/// Who signed the first input of `stx` under `domain`: its owner, in a certified block.
fn first_signer(
    domain: &SigningDomain,
    stx: &SignedTransaction,
    signers: &impl Signers,
) -> Option<Address> {
    let digest = domain.signing_hash(&stx.transaction);
    stx.signatures.first().and_then(|s| signers.signer(&digest, s).ok())
}

/// One thing a parent's block did for a child ([`child_events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEvent {
    /// The child was registered.
    Registered(ChildRegistration),
    /// A checkpoint was accepted.
    Checkpoint(Box<Checkpoint>),
    /// A validator of the child bonded stake.
    Staked {
        /// Its operator.
        operator: Address,
        /// ETH added.
        amount: U256,
    },
    /// A validator bonded stake and joined the child's next configuration
    /// ([`ChildRecord::bond`]).
    Bonded {
        /// The member it adds.
        validator: Validator,
        /// ETH bonded.
        amount: U256,
    },
    /// Fraud was proven: the child is frozen from `height` on (stakes it convicts are gone).
    FraudProven {
        /// The first invalid height.
        height: u64,
    },
    /// An exit of one of the child's outputs was queued at `started_at` (parent time).
    ExitStarted {
        /// The proven claim.
        claim: crate::exit::ExitClaim,
        /// The parent block's time.
        started_at: u64,
    },
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
        configurations: vec![ChildConfiguration {
            validators: registration.validators.clone(),
            active_from: 1,
        }],
        active: 1,
        pending: 0,
        last_height: 0,
        last_hash: B256::ZERO,
        next_deposit_nonce: 0,
        rollback_height: 0,
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
            params: ChildParams { epochLength: 4, exitPeriod: 60, exitBond: U256::from(10) },
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
        let domain = child_domain(&testkit::domain(), id);
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
        assert_eq!(record.validators(), reg.validators);
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

    /// The exit game on a plasma parent: a child whose block 1 mints 30 to Bob and block 2
    /// moves it to Carol, checkpointed at 2; on the parent, Alice locked 30 for the child and
    /// Bob and Carol hold 10 each to bond exits with.
    struct Game {
        parent: TestChain,
        child: TestChain,
        id: u64,
        bob: crate::signing::UserKey,
        carol: crate::signing::UserKey,
    }

    impl Game {
        fn new() -> Self {
            let (mut parent, id) = parent_with_child();
            let (keys, set) = committee(4);
            let domain = child_domain(&parent.domain, id);
            let mut child = TestChain::with_domain(domain, set.hash());
            let (alice, bob, carol) = (user("alice"), user("bob"), user("carol"));
            let minted = child.record_deposit(bob.address(), Address::ZERO, 30);
            child.commit(vec![testkit::deposit_tx(&minted)]);
            let pay = testkit::transfer(
                &child.domain,
                &[(UtxoPos::new(1, 0, 0), &bob)],
                vec![Output::new(carol.address(), Address::ZERO, U256::from(30))],
            );
            child.commit(vec![pay]);
            let signers: Vec<_> = keys.iter().enumerate().collect();
            let certificate =
                crate::certificate::certify(&set, &signers, child.tip(), 0).expect("certify");
            let cp = Checkpoint { header: child.tip().clone(), certificate };
            let funds: Vec<_> = [(&alice, 30u64), (&bob, 10), (&carol, 10)]
                .iter()
                .map(|(k, v)| parent.record_deposit(k.address(), Address::ZERO, *v))
                .collect();
            let mints = funds.iter().map(testkit::deposit_tx).collect();
            parent.commit(mints); // block 2: alice 2:0:0, bob 2:1:0, carol 2:2:0
            let lock = ChildDeposit {
                childChainId: id,
                recipient: bob.address(),
                token: Address::ZERO,
                amount: U256::from(30),
            };
            let lock = testkit::sign(
                &parent.domain,
                testkit::tx(
                    TxKind::DepositToChild,
                    vec![UtxoPos::new(2, 0, 0)],
                    vec![],
                    lock.abi_encode(),
                ),
                &[&alice],
            );
            parent.commit(vec![lock, child_checkpoint_tx(&cp)]);
            Self { parent, child, id, bob, carol }
        }

        /// `who` starts an exit of the child's output at `pos`, bonding `bond_coin`.
        fn start(
            &self,
            who: &crate::signing::UserKey,
            pos: UtxoPos,
            bond_coin: UtxoPos,
        ) -> SignedTransaction {
            let inclusion = self.child.inclusion(pos.blockHeight, pos.txIndex);
            let start = ChildExitStart {
                childChainId: self.id,
                anchor: self.child.tip().clone(),
                pos,
                inclusion,
            };
            testkit::sign(
                &self.parent.domain,
                testkit::tx(TxKind::StartChildExit, vec![bond_coin], vec![], start.abi_encode()),
                &[who],
            )
        }

        fn exit_id(pos: &UtxoPos) -> B256 {
            crate::exit::ExitKey::Output(pos.clone()).exit_id()
        }
    }

    fn tx_refusal(chain: &mut TestChain, stx: SignedTransaction) -> TxError {
        match chain.try_commit(vec![stx]) {
            Err(BlockError::InvalidTransaction { error, .. }) => error,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn an_exit_of_a_childs_output_is_bonded_queued_and_paid_after_its_period() {
        let mut g = Game::new();
        let value = g.parent.state.total_value();
        let carols = UtxoPos::new(2, 0, 0);
        g.parent.commit(vec![g.start(&g.carol, carols.clone(), UtxoPos::new(2, 2, 0))]);
        let id = Game::exit_id(&carols);
        let exit = g.parent.state.child_exit(g.id, &id).expect("queued");
        assert!(exit.active);
        assert_eq!((exit.bond, exit.record.owner), (U256::from(10), g.carol.address()));
        assert_eq!(g.parent.state.total_value(), value, "the bond is held, not lost");

        // Not payable before its time; then paid with the bond back, from the escrow.
        let payout = crate::tx::payout_transaction(g.id, &exit.record, exit.bond);
        assert_eq!(
            tx_refusal(&mut g.parent, payout.clone()),
            TxError::ExitNotPayable { chain: g.id, exit_id: id }
        );
        let now = g.parent.tip().timestamp;
        g.parent.clock_offset = exit.record.exitableAt - now;
        let (_, delta) = g.parent.commit(vec![payout.clone()]);
        assert!(!g.parent.state.child_exit(g.id, &id).expect("kept").active);
        assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::ZERO);
        let paid: Vec<_> = delta.created.iter().map(|(_, o)| (o.owner, o.amount)).collect();
        assert_eq!(
            paid,
            [(g.carol.address(), U256::from(30)), (g.carol.address(), U256::from(10))]
        );
        assert_eq!(g.parent.state.total_value(), value);
        assert_eq!(
            tx_refusal(&mut g.parent, payout),
            TxError::ExitNotPayable { chain: g.id, exit_id: id }
        );
        // A paid output never exits again.
        let twice = g.start(&g.carol, carols, UtxoPos::new(g.parent.blocks.len() as u64, 0, 1));
        assert!(matches!(
            tx_refusal(&mut g.parent, twice),
            TxError::System(e) if *e == ChildError::AlreadyExited(id)
        ));
    }

    #[test]
    fn an_exit_of_a_spent_output_is_challenged_and_its_bond_paid_to_the_challenger() {
        let mut g = Game::new();
        let value = g.parent.state.total_value();
        // Bob exits the deposit he already paid to Carol (exit keyed by the deposit nonce).
        let bobs = UtxoPos::new(1, 0, 0);
        g.parent.commit(vec![g.start(&g.bob, bobs.clone(), UtxoPos::new(2, 1, 0))]);
        let id = crate::exit::ExitKey::Deposit(0).exit_id();
        assert!(g.parent.state.child_exit(g.id, &id).expect("queued").active);

        let spend = g.child.blocks[1].transactions[0].clone();
        let dave = Address::repeat_byte(0xda);
        let challenge = |beneficiary: Address, bond: u64, spend: SignedTransaction| {
            let c = ChildExitChallenge {
                childChainId: g.id,
                exitId: id,
                spend,
                inputIndex: 0,
                beneficiary,
            };
            challenge_child_exit_tx(&c, U256::from(bond))
        };
        // A challenge that pays itself more than the bond, or shows no spend by Bob, fails.
        assert!(matches!(
            tx_refusal(&mut g.parent, challenge(dave, 11, spend.clone())),
            TxError::System(e) if *e == ChildError::BondOutput
        ));
        let mut forged = spend.clone();
        forged.signatures[0] =
            testkit::sign(&g.child.domain, forged.transaction.clone(), &[&g.carol]).signatures[0]
                .clone();
        assert!(matches!(
            tx_refusal(&mut g.parent, challenge(dave, 10, forged)),
            TxError::System(e) if matches!(*e, ChildError::Challenge(_))
        ));
        let (_, delta) = g.parent.commit(vec![challenge(dave, 10, spend.clone())]);
        assert!(!g.parent.state.child_exit(g.id, &id).expect("kept").active);
        assert_eq!(delta.created.len(), 1);
        assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(10)));
        assert_eq!(g.parent.state.total_value(), value);
        assert!(matches!(
            tx_refusal(&mut g.parent, challenge(dave, 10, spend)),
            TxError::System(e) if *e == ChildError::ExitNotActive(id)
        ));
        assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
    }

    #[test]
    fn an_exit_must_be_proven_under_a_checkpoint_the_parent_accepted() {
        let mut g = Game::new();
        let mut stx = g.start(&g.carol, UtxoPos::new(2, 0, 0), UtxoPos::new(2, 2, 0));
        let mut start = ChildExitStart::abi_decode(&stx.transaction.data).expect("payload");
        start.anchor.timestamp += 1;
        stx.transaction.data = start.abi_encode().into();
        let stx = testkit::sign(&g.parent.domain, stx.transaction, &[&g.carol]);
        assert!(matches!(
            tx_refusal(&mut g.parent, stx),
            TxError::System(e) if matches!(*e, ChildError::UnknownAnchor { height: 2, .. })
        ));
    }

    /// A parent whose child's four validators (operators with keys) staked 10 each; the
    /// child's block 1 mints 30 to Bob, its block 2 (certified by 0, 1, 2 and checkpointed)
    /// inflates it to 300. Returns the parent, the child, its id and the operators' keys.
    fn staked_child_with_inflation() -> (TestChain, TestChain, u64, Vec<crate::signing::UserKey>) {
        let (keys, _) = committee(4);
        let ops: Vec<_> = (0..4).map(|i| user(&format!("operator-{i}"))).collect();
        let validators: Vec<Validator> = keys
            .iter()
            .zip(&ops)
            .map(|(k, op)| Validator {
                operator: op.address(),
                blsPubkey: k.public_key().to_eip2537().to_vec().into(),
                power: 100,
            })
            .collect();
        let reg = ChildRegistration {
            salt: 0,
            params: ChildParams { epochLength: 4, exitPeriod: 60, exitBond: U256::from(10) },
            validators: validators.clone(),
            proofsOfPossession: keys
                .iter()
                .zip(&ops)
                .map(|(k, op)| k.proof_of_possession(op.address()).to_eip2537().to_vec().into())
                .collect(),
        };
        let mut parent = TestChain::new();
        let id = child_chain_id(parent.domain.chain_id, &reg);
        parent.commit(vec![register_child_tx(&reg)]);
        let funds: Vec<_> =
            ops.iter().map(|op| parent.record_deposit(op.address(), Address::ZERO, 25)).collect();
        parent.commit(funds.iter().map(testkit::deposit_tx).collect());
        let stakes = ops
            .iter()
            .enumerate()
            .map(|(i, op)| {
                let payload = ChildStake { childChainId: id, amount: U256::from(10) };
                let change = vec![Output::new(op.address(), Address::ZERO, U256::from(15))];
                let tx = testkit::tx(
                    TxKind::StakeChild,
                    vec![UtxoPos::new(2, i as u32, 0)],
                    change,
                    payload.abi_encode(),
                );
                testkit::sign(&parent.domain, tx, &[op])
            })
            .collect();
        parent.commit(stakes);

        let set = crate::certificate::ValidatorSet::new(validators).expect("set");
        let mut child = TestChain::with_domain(child_domain(&parent.domain, id), set.hash());
        let bob = user("bob");
        let minted = child.record_deposit(bob.address(), Address::ZERO, 30);
        child.commit(vec![testkit::deposit_tx(&minted)]);
        let inflate = testkit::transfer(
            &child.domain,
            &[(UtxoPos::new(1, 0, 0), &bob)],
            vec![Output::new(bob.address(), Address::ZERO, U256::from(300))],
        );
        child.commit_unchecked(vec![inflate]);
        let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
        let certificate =
            crate::certificate::certify(&set, &signers, child.tip(), 0).expect("certify");
        let cp = Checkpoint { header: child.tip().clone(), certificate };
        parent.commit(vec![child_checkpoint_tx(&cp)]);
        (parent, child, id, ops)
    }

    fn inflation_proof(child: &TestChain, parent: &TestChain, id: u64) -> FraudProof {
        let anchor = child.tip().clone();
        let evidence = crate::types::InflationEvidence {
            height: 2,
            txIndex: 0,
            spend: child.inclusion(2, 0),
            inputs: vec![child.inclusion(1, 0)],
        };
        let checkpoint = parent.state.child_checkpoint(id, 2);
        assert_eq!(checkpoint, Some(anchor.hash()), "the parent accepted the anchor");
        let (keys, _) = committee(4);
        let set_members = parent.state.child(id).expect("child").validators().to_vec();
        let set = crate::certificate::ValidatorSet::new(set_members).expect("set");
        let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
        let certificate = crate::certificate::certify(&set, &signers, &anchor, 0).expect("cert");
        crate::fraud::evidence::proof(
            crate::types::FraudKind::Inflation,
            &anchor,
            &certificate,
            &evidence,
        )
    }

    #[test]
    fn a_proven_fraud_freezes_the_child_takes_the_signers_stakes_and_pays_the_prover() {
        let (mut parent, child, id, ops) = staked_child_with_inflation();
        let value = parent.state.total_value()[&Address::ZERO];
        assert_eq!(parent.state.child_stake(id, &ops[0].address()), U256::from(10));
        let proof = inflation_proof(&child, &parent, id);
        let dave = Address::repeat_byte(0xda);
        let fraud = ChildFraudProof { childChainId: id, proof: proof.clone(), prover: dave };
        // Three stakes of 10 taken, half to the prover: exactly 15, no more.
        assert!(matches!(
            tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(16))),
            TxError::System(e) if *e == ChildError::RewardOutput
        ));
        let (_, delta) = parent.commit(vec![prove_child_fraud_tx(&fraud, U256::from(15))]);
        let record = parent.state.child(id).expect("child");
        assert_eq!(record.rollback_height, 2, "rolled back to the inflating block");
        for (i, op) in ops.iter().enumerate() {
            let left = parent.state.child_stake(id, &op.address());
            assert_eq!(left, U256::from(if i < 3 { 0 } else { 10 }), "stake {i}");
        }
        assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(15)));
        let burned = U256::from(15);
        assert_eq!(parent.state.total_value()[&Address::ZERO], value - burned);

        // Frozen: no second proof, no checkpoint, no deposit.
        assert!(matches!(
            tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::ZERO)),
            TxError::System(e) if *e == ChildError::Frozen(id)
        ));
        let (keys, _) = committee(4);
        let set = crate::certificate::ValidatorSet::new(record.validators().to_vec()).expect("set");
        let mut later = child.clone();
        later.commit_unchecked(vec![]);
        let signers: Vec<_> = keys.iter().enumerate().collect();
        let certificate = crate::certificate::certify(&set, &signers, later.tip(), 0).expect("c");
        let cp = Checkpoint { header: later.tip().clone(), certificate };
        assert!(matches!(
            tx_refusal(&mut parent, child_checkpoint_tx(&cp)),
            TxError::System(e) if *e == ChildError::Frozen(id)
        ));
        let lock = ChildDeposit {
            childChainId: id,
            recipient: dave,
            token: Address::ZERO,
            amount: U256::from(15),
        };
        let op3 = &ops[3];
        let stake_change = UtxoPos::new(3, 3, 0);
        let tx = testkit::tx(TxKind::DepositToChild, vec![stake_change], vec![], lock.abi_encode());
        let signed = testkit::sign(&parent.domain, tx, &[op3]);
        assert!(matches!(
            tx_refusal(&mut parent, signed),
            TxError::System(e) if *e == ChildError::Frozen(id)
        ));
    }

    #[test]
    fn a_fraud_proof_of_an_honest_block_convicts_nobody() {
        let (mut parent, child, id, _) = staked_child_with_inflation();
        let mut proof = inflation_proof(&child, &parent, id);
        // The deposit itself (block 1) conserves value: no inflation there.
        let honest = crate::types::InflationEvidence {
            height: 1,
            txIndex: 0,
            spend: child.inclusion(1, 0),
            inputs: vec![],
        };
        proof.evidence = honest.abi_encode().into();
        let fraud = ChildFraudProof { childChainId: id, proof, prover: Address::repeat_byte(1) };
        assert!(matches!(
            tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(15))),
            TxError::System(e) if matches!(*e, ChildError::Fraud(_))
        ));
        assert_eq!(parent.state.child(id).expect("child").rollback_height, 0);
    }

    /// The child of [`parent_with_child`] run for `blocks` blocks under its registered set,
    /// the last of them naming `next` as the next set, then `after` more under `next`.
    fn child_with_change(id: u64, blocks: u64, next: B256, after: u64) -> TestChain {
        let (_, set) = committee(4);
        let mut child = TestChain::with_domain(child_domain(&testkit::domain(), id), set.hash());
        for h in 1..=blocks + after {
            child.next_validator_set_hash = if h >= blocks { next } else { set.hash() };
            child.commit(vec![]);
            child.validator_set_hash = child.next_validator_set_hash;
        }
        child
    }

    fn checkpoint_of(
        child: &TestChain,
        height: u64,
        set: &ValidatorSet,
        keys: &[(usize, &crate::bls::BlsSecretKey)],
    ) -> SignedTransaction {
        let header = child.blocks[height as usize - 1].header.clone();
        let certificate = crate::certificate::certify(set, keys, &header, 0).expect("certify");
        child_checkpoint_tx(&Checkpoint { header, certificate })
    }

    #[test]
    fn a_bond_proposes_a_configuration_that_an_epoch_end_checkpoint_naming_it_activates() {
        use crate::bls::BlsSecretKey;
        let (mut parent, id) = parent_with_child();
        let (keys, old) = committee(4);
        let dave = user("dave");
        let dave_bls = BlsSecretKey::from_seed(b"validator-4");
        let stake = 100 * POWER_UNIT;
        let funds = parent.record_deposit(dave.address(), Address::ZERO, stake + 5);
        parent.commit(vec![testkit::deposit_tx(&funds)]);
        let bond_tx = |parent: &TestChain, amount: u64, pop_for: Address| {
            let bond = ChildBond {
                childChainId: id,
                amount: U256::from(amount),
                blsPubkey: dave_bls.public_key().to_eip2537().to_vec().into(),
                proofOfPossession: dave_bls
                    .proof_of_possession(pop_for)
                    .to_eip2537()
                    .to_vec()
                    .into(),
            };
            let change = Output::new(dave.address(), Address::ZERO, U256::from(stake + 5 - amount));
            let tx = testkit::tx(
                TxKind::BondChild,
                vec![UtxoPos::new(2, 0, 0)],
                vec![change],
                bond.abi_encode(),
            );
            testkit::sign(&parent.domain, tx, &[&dave])
        };

        // A proof of possession made for another operator, a stake that is not whole gwei,
        // a key that is a member's already: refused, nothing changes.
        let stranger = bond_tx(&parent, stake, Address::repeat_byte(9));
        assert_eq!(refusal(&mut parent, stranger), ChildError::BondPossession);
        let odd = bond_tx(&parent, stake - 1, dave.address());
        assert_eq!(refusal(&mut parent, odd), ChildError::BondPower(U256::from(stake - 1)));
        let mut record = parent.state.child(id).expect("child");
        let member = record.validators()[1].clone();
        let copy = Validator { operator: dave.address(), ..member.clone() };
        assert_eq!(record.clone().bond(copy), Err(ChildError::AlreadyBonded(member.operator)));
        assert_eq!((record.configurations.len(), record.pending), (1, 0));

        let (block, _) = parent.commit(vec![bond_tx(&parent, stake, dave.address())]);
        let after = parent.state.child(id).expect("child");
        assert_eq!((after.configurations.len(), after.active, after.pending), (2, 1, 2));
        let proposed = after.pending_set().expect("pending").to_vec();
        assert_eq!(&proposed[..4], old.validators(), "the members keep their bitmap order");
        assert_eq!((proposed[4].operator, proposed[4].power), (dave.address(), 100));
        assert_eq!(parent.state.child_stake(id, &dave.address()), U256::from(stake));
        // A follower of the parent reaches the very same record from the block.
        let events = child_events(&parent.domain, &block, id, 0, &crate::signing::Recover);
        let [ChildEvent::Bonded { validator, amount }] = &events[..] else {
            panic!("one bond event, got {events:?}")
        };
        assert_eq!(*amount, U256::from(stake));
        record.bond(validator.clone()).expect("the follower's bond");
        assert_eq!(record, after);

        // The child keeps its set through epoch end 4, adopts the new one at epoch end 8.
        let new = ValidatorSet::new(proposed).expect("set");
        let child = child_with_change(id, 8, new.hash(), 4);
        let three: Vec<_> = keys.iter().enumerate().take(3).collect();
        parent.commit(vec![checkpoint_of(&child, 4, &old, &three)]);
        let r = parent.state.child(id).expect("child");
        assert_eq!(
            (r.active, r.pending, r.last_height),
            (1, 2, 4),
            "epoch end 4 names the old set"
        );
        // A header naming the pending set off an epoch end does not activate it.
        let mut off_epoch = r.clone();
        off_epoch.accept_checkpoint(7, B256::repeat_byte(7), new.hash());
        assert_eq!((off_epoch.active, off_epoch.pending), (1, 2));
        parent.commit(vec![checkpoint_of(&child, 8, &old, &three)]);
        let r = parent.state.child(id).expect("child");
        assert_eq!((r.active, r.pending), (2, 0));
        assert_eq!(r.configuration(2).map(|c| c.active_from), Some(9));
        assert_eq!(r.set_at(8), old.validators());
        assert_eq!(r.set_at(9), new.validators());
        // From block 9 on the new set certifies: the old members alone are not enough.
        let old_only: Vec<_> = keys.iter().enumerate().take(4).skip(1).collect();
        assert!(matches!(
            refusal(&mut parent, checkpoint_of(&child, 12, &new, &old_only)),
            ChildError::Certificate(CertificateError::InsufficientPower { .. })
        ));
        let mut with_dave: Vec<_> = keys.iter().enumerate().take(3).collect();
        with_dave.push((4, &dave_bls));
        parent.commit(vec![checkpoint_of(&child, 12, &new, &with_dave)]);
        assert_eq!(parent.state.child(id).expect("child").last_height, 12);
    }

    #[test]
    fn matured_payouts_follow_each_queue_in_priority_order_and_stop_at_the_first_unripe() {
        let exit = |pos: u64, at: u64, token: u8| ChildExit {
            record: ExitRecord {
                exitId: B256::with_last_byte(pos as u8),
                utxoPos: UtxoPos::new(pos, 0, 0),
                token: Address::with_last_byte(token),
                exitableAt: at,
                ..Default::default()
            },
            bond: U256::ZERO,
            active: true,
        };
        // Chain 1's ETH queue in priority order is pos 2 (10), 5 (10), 7 (20), 9 (30); at 25
        // the first three are paid and 9 waits. Its token queue pays pos 3; chain 2 waits.
        let active = vec![
            (1, exit(5, 10, 0)),
            (1, exit(9, 30, 0)),
            (1, exit(2, 10, 0)),
            (1, exit(7, 20, 0)),
            (2, exit(1, 50, 0)),
            (1, exit(3, 5, 1)),
        ];
        let paid: Vec<(u64, u8)> = matured_payouts(active, 25)
            .iter()
            .map(|t| {
                let claim = crate::types::ExitPayoutClaim::abi_decode(&t.transaction.data)
                    .expect("a payout claim");
                (claim.childChainId, claim.exitId[31])
            })
            .collect();
        assert_eq!(paid, [(1, 2), (1, 5), (1, 7), (1, 3)]);
    }
}
