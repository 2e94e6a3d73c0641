//! The plasma node: everything that touches the world on behalf of one chain.
//!
//! For now this crate owns the chain's persistent state ([`store`]): a RocksDB database whose
//! column families hold blocks, the UTXO set, the spent index, parent deposits, checkpoints,
//! children's escrow and exits. It implements the ledger's [`LedgerView`] so that the pure
//! rules of `plasma-ledger` judge blocks against what is on disk, and commits each valid block
//! as one atomic write batch.
//!
//! It must not decide what is valid: that is the ledger's job. It stores verdicts' effects.
//!
//! [`LedgerView`]: plasma_ledger::LedgerView

pub mod abci_server;
pub mod alerts;
pub mod app;
pub mod config;
pub mod daemon;
pub mod gossip;
pub mod mempool;
pub mod metrics;
pub mod periodic;
pub mod prover;
pub mod relayer;
pub mod rpc;
pub mod signers;
pub mod store;
pub mod watch;
pub mod watcher;

pub use store::{Store, StoreConfig, StoreError};
