//! The client side of a plasma tree: talking to nodes as a user or an operator.
//!
//! * [`hops`] — value across levels in one go: a deposit from the root down through each
//!   plasma chain, an exit up through each plasma parent to the root, journaled so that a
//!   rerun resumes;
//! * [`bond`] — a validator joining a chain through its parent;
//! * [`convert`] — the one checked conversion from a node's gRPC answers to the ledger's
//!   types: a remote node may lie, and a malformed field is an error, never a panic;
//! * [`keys`] — key files (validator, p2p identity, wallet) and the file helpers they use;
//! * [`util`] — reaching a node, output positions, the clock.
//!
//! The `plasma` binary (the CLI) is built on these. This crate holds no chain rule: what is
//! valid is the ledger's to say (`plasma-ledger`), and it never depends on the daemon
//! (`plasma-node`).

pub mod bond;
pub mod convert;
pub mod error;
pub mod hops;
pub mod keys;
pub mod util;

pub use convert::ConvertError;
pub use error::{Error, Result};
