//! The rules of a plasma chain, as plain functions over plain data.
//!
//! This crate owns everything two parties must agree on: the encodings of verified structures
//! (generated from `contracts/src/PlasmaTypes.sol`), transaction validity, block application,
//! Merkle proofs, the exit game, commit certificates and fraud-proof verification. The same
//! code runs in a chain's block executor, in a plasma parent's bridge and in the generator of
//! the Solidity contracts' test vectors.
//!
//! It must not do IO, spawn tasks or read a clock: time arrives as an argument, state arrives
//! through [`LedgerView`], and results leave as values ([`StateDelta`], verdicts, errors).

pub mod acceptance;
pub mod block;
pub mod bls;
pub mod build;
pub mod certificate;
pub mod children;
pub mod exit;
pub mod form;
pub mod fraud;
pub mod header;
pub mod kind;
pub mod merkle;
pub mod prove;
pub mod registration;
pub mod signing;
pub mod state;
#[cfg(any(test, feature = "test-utils"))]
pub mod testkit;
pub mod tx;
pub mod types;
#[cfg(any(test, feature = "test-utils"))]
pub mod vectors;
pub mod view;

pub use block::{apply_block, BlockError};
pub use kind::Kind;
pub use state::{StateDelta, ValidatedTx};
pub use tx::{validate_transaction, TxError};
pub use types::*;
pub use view::{LedgerView, MemoryLedger, Stacked};

/// Re-exported so that users of the ledger name the same primitive types.
pub use alloy_primitives::{keccak256, Address, B256, U256};
