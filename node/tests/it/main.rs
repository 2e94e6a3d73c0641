//! The node's integration tests, one binary: a store, an application, processes of `plasmad`
//! on loopback, and (with anvil) a parent chain. Shared helpers live in `common` once.

mod common;

mod abci_parity;
#[cfg(feature = "byzantine")]
mod byzantine;
mod cli;
mod cluster;
mod crash;
#[cfg(feature = "byzantine")]
mod fraud;
mod p2p_input;
mod parent;
mod relayer;
mod store;
