//! Moving value across levels of the tree in one command: a deposit from the root down to any
//! descendant, and an exit from any chain up to the root, as compositions of single hops.
//!
//! * down ([`deposit`]): the root's `deposit` into the first plasma chain, then a
//!   `DepositToChild` on each chain into the next, each waiting until the next chain minted it;
//! * up ([`exit`]): a bonded `StartChildExit` on each plasma parent, waiting until the parent
//!   paid it after the exit period, then the root's `startExit` of what the last one paid;
//! * out of a deposit never minted ([`deposit_exit`]): a bonded `StartChildDepositExit` on
//!   the chain's plasma parent from its record, then up as above (the root's
//!   `startDepositExit` when the parent is the root).
//!
//! Every step is written to a [`Journal`] before and after it is taken, so an interrupted
//! transfer resumes where it stopped and never sends a step twice. Progress is reported per
//! hop through a callback. Chains are named by their gRPC endpoints, or by path through a
//! [`Tree`] file.

mod chain;
mod deposit;
mod deposit_exit;
mod exit;
mod journal;
mod tree;

pub(crate) use chain::{lock_eth, Chain};
pub use deposit::{approve, deposit, Deposit};
pub use deposit_exit::deposit_exit;
pub use exit::{acceptance, exit};
pub use journal::Journal;
pub use tree::{Tree, TreeChain};

use std::time::Duration;

/// How long one hop may wait for its effect (a mint, a checkpoint, a payout).
const HOP_TIMEOUT: Duration = Duration::from_secs(900);
/// How often a waiting hop asks a node again.
const POLL: Duration = Duration::from_millis(100);
