//! What a valid system transaction (or a child-facing user transaction) changes in the
//! registry: returned by the judges, applied by whoever holds the state.

use super::record::{ChildExit, ChildRecord};
use crate::types::TxRef;
use crate::types::{DepositRecord, Validator};
use alloy_primitives::{Address, B256, U256};

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
        /// The set its header names as the next (at an epoch end, it activates the
        /// configuration numbered since the active one that holds it:
        /// [`super::ChildRecord::accept_checkpoint`]).
        next_set: B256,
    },
    /// Value was locked for the child under this record. Its nonce is the lock's place
    /// ([`TxRef::deposit_nonce`]), set as the transaction is applied.
    Deposited(DepositRecord),
    /// An exit of one of the child's outputs, or of a deposit into it from this chain's
    /// record, was queued.
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
    /// An exit due under a voided checkpoint was cancelled: its bond went back to its
    /// owner, nothing left the escrow, and its output may exit again.
    ExitCancelled {
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
        /// What the child's stakes hold after it ([`ChildRecord::staked`]).
        staked: U256,
    },
    /// A validator bonded stake and a key: the child's next configuration includes it.
    Bonded {
        /// The child.
        chain: u64,
        /// The member it adds.
        validator: Validator,
        /// ETH bonded.
        amount: U256,
        /// What the child's stakes hold after it.
        staked: U256,
    },
    /// Fraud was proven: the child rolls back to before `height` (on a frozen child, never
    /// to a higher one) and freezes; the `slashed` operators lose their stake (the prover's
    /// reward is the transaction's output).
    FraudProven {
        /// The child.
        chain: u64,
        /// The first invalid height.
        height: u64,
        /// The height the proof shows (its anchor's, or its equivocation's): on a frozen
        /// child, below the one the proof heard before showed.
        shown: u64,
        /// Operators whose stake is taken.
        slashed: Vec<Address>,
        /// What the child's stakes hold after it.
        staked: U256,
    },
}

impl ChildEffect {
    /// The record after this effect of the transaction at `at`, given the one before (none
    /// before a registration).
    pub fn applied_to(&self, before: Option<ChildRecord>, at: TxRef) -> Option<ChildRecord> {
        match self {
            ChildEffect::Registered { record, .. } => Some(ChildRecord {
                registered_at: at,
                last_ref: at,
                stakes_ref: at,
                staked: U256::ZERO,
                ..record.clone()
            }),
            ChildEffect::Checkpointed { height, hash, next_set, .. } => before.map(|mut r| {
                r.accept_checkpoint(*height, *hash, *next_set);
                r.last_ref = at;
                r
            }),
            ChildEffect::Bonded { validator, staked, .. } => before.map(|mut r| {
                // Judged by `validate_bond` against this very record: it cannot fail here.
                let _ = r.bond(validator.clone());
                (r.stakes_ref, r.staked) = (at, *staked);
                r
            }),
            ChildEffect::Staked { staked, .. } => before.map(|mut r| {
                (r.stakes_ref, r.staked) = (at, *staked);
                r
            }),
            ChildEffect::Deposited(_) => before.map(|mut r| {
                r.next_deposit_nonce = at.deposit_nonce() + 1;
                r
            }),
            ChildEffect::FraudProven { height, shown, staked, .. } => before.map(|mut r| {
                // Judged to show below what the proof before showed (`judge_child_fraud`); the
                // rollback never rises.
                r.rollback_height = super::record::lowered_rollback(r.rollback_height, *height);
                (r.rollback_ref, r.rollback_shown) = (at, *shown);
                (r.stakes_ref, r.staked) = (at, *staked);
                r
            }),
            ChildEffect::ExitStarted { .. }
            | ChildEffect::ExitChallenged { .. }
            | ChildEffect::ExitCancelled { .. } => before,
        }
    }

    /// The child it concerns.
    pub fn chain(&self) -> u64 {
        match self {
            ChildEffect::Registered { chain, .. }
            | ChildEffect::Checkpointed { chain, .. }
            | ChildEffect::ExitStarted { chain, .. }
            | ChildEffect::ExitChallenged { chain, .. }
            | ChildEffect::ExitCancelled { chain, .. }
            | ChildEffect::Staked { chain, .. }
            | ChildEffect::Bonded { chain, .. }
            | ChildEffect::FraudProven { chain, .. } => *chain,
            ChildEffect::Deposited(d) => d.chainId,
        }
    }
}
