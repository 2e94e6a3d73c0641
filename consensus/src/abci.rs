//! The ABCI 2.0 boundary between the consensus engine and the plasma application.
//!
//! The application is a `tower::Service` over the tendermint v0.38 ABCI request and response
//! types — the same service tower-abci serves on a socket. Where ABCI leaves the block's shape
//! to the application, this chain fixes it as follows, so that the header (whose hash the
//! validators sign and the parent verifies) is the application's, not the engine's:
//!
//! * `PrepareProposal`: the request's `txs` are mempool candidates; the response's `txs` are
//!   the block: **`txs[0]` is the ABI-encoded `BlockHeader`**, **`txs[1]` the previous
//!   block's commit** ([`encode_commit`]; empty at height 1), the rest its transactions in
//!   tx-tree order. The block hash is `keccak256(txs[0])`. `max_tx_bytes` bounds the block
//!   as streamed to peers ([`streamed_len`]); peers drop larger streams.
//! * `ProcessProposal`: `txs` is such a block; `hash` is its block hash. The previous commit
//!   must certify the parent.
//! * `FinalizeBlock`: `txs[0]` is the block's own **commit** — the engine's commit
//!   certificate, one precommit signature per signer — followed by the block as above.
//!   Validators may hold different (all valid) quorums for a block; the one the *next* block
//!   carries is the chain's: the application stores the block with its own commit and
//!   replaces the parent's with the carried one, each with its BLS aggregate (the ledger's
//!   `CommitCertificate`), in the same atomic write. `misbehavior` lists equivocations the
//!   engine saw since the previous decision.
//! * `Info`: `last_block_height` / `last_block_app_hash` (the block hash) tell the engine
//!   where to resume after a restart.
//! * `Query` with path [`QUERY_COMMIT`] and the height as 8 big-endian bytes returns that
//!   height's commit and block as one [`DecidedBlock`] (sync serves peers from it).

use crate::context::PlasmaContext;
use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use malachitebft_core_types::CommitCertificate as EngineCertificate;
use plasma_ledger::{keccak256, B256};
use std::future::Future;
use tendermint::v0_38::abci::{Request, Response};

/// Error type of an application service.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Query path returning a decided height's commit and block.
pub const QUERY_COMMIT: &str = "/commit";

/// Bytes of a block in the ABCI layout as its proposer streams it: the borsh list of its
/// entries (a 4-byte count, then each entry with a 4-byte length).
pub fn streamed_len(txs: &[Bytes]) -> usize {
    4 + txs.iter().map(|t| 4 + t.len()).sum::<usize>()
}

/// The stream payload of a block in the ABCI layout.
pub fn stream_encode(txs: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::with_capacity(streamed_len(txs));
    out.extend_from_slice(&(txs.len() as u32).to_le_bytes());
    for t in txs {
        out.extend_from_slice(&(t.len() as u32).to_le_bytes());
        out.extend_from_slice(t);
    }
    out
}

/// A plasma application: an ABCI 2.0 service.
pub trait Application:
    tower::Service<
        Request,
        Response = Response,
        Error = BoxError,
        Future: Future<Output = Result<Response, BoxError>> + Send + 'static,
    > + Clone
    + Send
    + 'static
{
}

impl<S> Application for S where
    S: tower::Service<
            Request,
            Response = Response,
            Error = BoxError,
            Future: Future<Output = Result<Response, BoxError>> + Send + 'static,
        > + Clone
        + Send
        + 'static
{
}

/// Hash of a block in the ABCI layout: `keccak256(txs[0])`, or `None` without a header.
pub fn block_hash(txs: &[Bytes]) -> Option<B256> {
    txs.first().map(keccak256)
}

/// The engine certificate as `FinalizeBlock.txs[0]` carries it.
pub fn encode_commit(cert: &EngineCertificate<PlasmaContext>) -> Bytes {
    Bytes::from(borsh::to_vec(cert).expect("in-memory borsh encoding does not fail"))
}

/// Decodes `FinalizeBlock.txs[0]`.
pub fn decode_commit(bytes: &[u8]) -> Result<EngineCertificate<PlasmaContext>, borsh::io::Error> {
    borsh::from_slice(bytes)
}

/// A decided height as sync ships it and [`QUERY_COMMIT`] returns it: the engine's commit
/// and the block in the ABCI layout.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct DecidedBlock {
    /// `encode_commit` of the commit certificate.
    pub commit: Vec<u8>,
    /// Header, then transactions.
    pub txs: Vec<Vec<u8>>,
}

impl DecidedBlock {
    /// Encodes for the wire.
    pub fn encode(&self) -> Bytes {
        Bytes::from(borsh::to_vec(self).expect("in-memory borsh encoding does not fail"))
    }

    /// Decodes bytes from a peer (strict: no trailing bytes).
    pub fn decode(bytes: &[u8]) -> Result<Self, borsh::io::Error> {
        borsh::from_slice(bytes)
    }
}

/// Sends one request to an application and waits for its answer.
pub async fn call<A: Application>(app: &mut A, request: Request) -> Result<Response, BoxError> {
    use tower::ServiceExt;
    app.ready().await?.call(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_payload_is_the_borsh_list() {
        for txs in
            [vec![], vec![Bytes::from_static(b"h")], vec![Bytes::new(), Bytes::from(vec![9; 300])]]
        {
            let borsh = borsh::to_vec(&txs.iter().map(|t| t.to_vec()).collect::<Vec<_>>()).unwrap();
            assert_eq!(stream_encode(&txs), borsh);
            assert_eq!(streamed_len(&txs), borsh.len());
        }
    }
}
