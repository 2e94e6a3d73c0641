//! The watcher: checks every exit started on the parent against this chain's own state and
//! acts on the invalid ones without human help ([`exits`]); checks that the block behind every
//! checkpoint the parent accepts is obtainable, and that it is this chain's block
//! ([`availability`]: a conflicting checkpoint is proven as equivocation). Invalid blocks are
//! the [`crate::prover`]'s.
//!
//! An exit of an output (or of a deposit) this chain has seen spent is challenged with the
//! spending transaction (the exiter's bond goes to the challenger). Findings are raised as
//! typed [`Alerts`](crate::alerts::Alerts) (log, metric and the `StreamAlerts` API). Every node
//! following a parent watches; validators also challenge (paying the parent's gas from their
//! operator account), and a challenge another one landed first is harmless.

pub mod availability;
pub mod exits;

pub use availability::{availability_once, watch_availability, Availability};
pub use exits::{exits_once, judge, judge_output, minted_at, watch_exits, ExitWatch, Verdict};
