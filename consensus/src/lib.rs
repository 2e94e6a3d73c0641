//! Consensus for a plasma chain: Malachite's Tendermint, BLS votes that aggregate into the
//! ledger's commit certificates, and the ABCI 2.0 boundary to the application.
//!
//! * [`context`] — the chain's `Context`: heights, block-hash values, proposals streamed as
//!   signed parts, power-weighted proposer selection, validator sets built only from keys
//!   with a proof of possession.
//! * [`signing`] — the BLS12-381 signing scheme (`blst`), one domain tag per message kind.
//! * [`certificate`] — a decision's precommits aggregated into the certificate that blocks
//!   store and checkpoints carry.
//! * [`codec`] — the encoding of engine messages on the wire and in the WAL.
//! * [`abci`] — the application as a `tower::Service` over tendermint v0.38 ABCI types.
//! * [`shim`] — maps the engine's app-channel messages onto that service.
//!
//! This crate holds no state of its own on disk: blocks and commits are the application's;
//! the engine's WAL is the engine's.

pub mod abci;
pub mod certificate;
pub mod codec;
pub mod context;
pub mod scheme;
pub mod shim;
pub mod signing;

pub use context::{
    BlockHash, Height, PlasmaContext, ValidatorAddress, ValidatorSchedule, ValidatorSet,
};
pub use malachitebft_app_channel as engine;
