//! A plasma chain as the parent of other chains: its registry of children, the checkpoints
//! it accepts from them, the deposits it locks for them, the stakes their validators bond,
//! the exits of their outputs and the fraud proven against them. These are the root
//! contract's `registerChain` + `bond`, `submitCheckpoint`, `deposit`, exit game and
//! `proveFraud`, judged natively.
//!
//! The data sits at the bottom ([`record`], [`error`], [`effect`]); the rules above it take a
//! [`LedgerView`](crate::view::LedgerView) and a payload and return a [`ChildEffect`] or a
//! [`ChildError`], one file per concern:
//!
//! | module       | judges                                                           |
//! |--------------|------------------------------------------------------------------|
//! | [`registry`] | `RegisterChild`, `ChildCheckpoint`; the block's checkpoints root |
//! | [`stake`]    | `StakeChild`, `BondChild`                                        |
//! | [`escrow`]   | the escrow link of `DepositToChild` and `ExitPayout`             |
//! | [`exits`]    | `StartChildExit`, `StartChildDepositExit`, `ChallengeChildExit`, |
//! |              | `ChallengeChildDepositExit`; matured payouts                     |
//! | [`fraud`]    | `ProveChildFraud`: who is convicted, the prover's reward         |
//! | [`system`]   | the shape of a system transaction, and which judge it goes to    |
//! | [`events`]   | nothing: reads a certified block of the parent as a light client |
//!
//! Registration, checkpoints, challenges and fraud proofs are **system transactions**
//! ([`system`]); stakes, bonds, exits and deposits are user transactions whose inputs
//! `crate::tx` judges and whose payload it hands to the functions here.

pub mod effect;
pub mod error;
pub mod escrow;
pub mod events;
pub mod exits;
pub mod fraud;
pub mod record;
pub mod registry;
pub mod stake;
pub mod system;

pub use crate::registration::child_chain_id;
pub use crate::registration::MAX_CHECKPOINT_GAP;
pub use effect::ChildEffect;
pub use error::{ChildError, ExceedsEscrow};
pub use escrow::{escrow_at, relinked, EscrowChange};
pub use events::{child_events, ChildEvent, Stakes};
pub use exits::{
    admissible, latest_cancellation, matured_payouts, validate_deposit_exit_start,
    validate_exit_start,
};
pub use fraud::{
    certifying_set, convicted, fraud_proof_key, on_stakes, pays_what_it_takes, prover_digest,
    prover_reward, restaked, signed_by, PROVER_REWARD_BPS,
};
pub use record::{
    lowered_rollback, record_of, seat_taken, ChildConfiguration, ChildExit, ChildRecord,
    ExitStatus, RecordedDeposit, Settlement, MAX_CHILD_VALIDATORS,
};
pub use registry::{child_domain, live_child, MAX_CHECKPOINT_HEIGHT};
pub use stake::{bond_power, validate_bond, validate_stake, POWER_UNIT};
pub use system::validate_system;

#[cfg(test)]
mod tests;
