//! The ledger's integration tests, one binary: each module tests one part of the public API
//! the way another crate uses it.

mod abi;
mod blocks;
mod checkpoint_gap;
mod completeness;
mod decoders;
mod exits;
mod inflation;
mod kinds;
mod layering;
mod malformed;
mod properties;
mod vectors_fresh;
