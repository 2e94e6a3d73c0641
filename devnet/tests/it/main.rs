//! The devnet's integration tests, one binary: each boots a small tree of `plasmad`
//! processes under an anvil root (`common::boot`, topologies from `common::topology`).

mod common;

mod deep;
#[cfg(feature = "byzantine")]
mod fraud;
mod launcher;
mod scenarios;
mod tree;
