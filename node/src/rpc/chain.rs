//! `plasma.v1.Chain`: blocks, transactions, outputs and their proofs; submission.

use super::{address, amount, bad, internal, RpcState};
use crate::mempool::MempoolError;
use alloy_sol_types::SolValue;
use plasma_ledger::{SignedTransaction, B256};
use plasma_proto::v1 as pb;
use plasma_proto::v1::chain_server::Chain;
use std::pin::Pin;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Most blocks `StreamBlocks` sends ahead of the client.
const STREAM_BUFFER: usize = 64;
/// Most outputs `GetUtxos` returns.
const MAX_UTXOS: usize = 10_000;

type BlockStream = Pin<Box<dyn Stream<Item = Result<pb::GetBlockResponse, Status>> + Send>>;

impl RpcState {
    /// The block at `height` (0: the latest) with its certificate.
    pub(super) fn block(&self, height: u64) -> Result<pb::GetBlockResponse, Status> {
        self.app.with_store(|s| {
            let height = if height == 0 { s.head().height } else { height };
            let block = s
                .block(height)
                .map_err(internal)?
                .ok_or_else(|| Status::not_found(format!("no block at height {height}")))?;
            let cert = s.certificate(height).map_err(internal)?;
            Ok(pb::GetBlockResponse {
                height,
                block_hash: block.header.hash().to_vec(),
                block: block.abi_encode(),
                certificate: cert.map(|c| c.abi_encode()).unwrap_or_default(),
            })
        })
    }
    /// Proof that transaction `tx_index` of block `height` is in the chain, anchored under
    /// the header at `anchor` (its history root covers every earlier block).
    pub(super) fn inclusion(
        &self,
        height: u64,
        tx_index: u32,
        anchor: u64,
    ) -> Result<plasma_ledger::TxInclusion, Status> {
        let block = self
            .app
            .with_store(|s| s.block(height))
            .map_err(internal)?
            .ok_or_else(|| Status::not_found(format!("no block at height {height}")))?;
        if tx_index as usize >= block.transactions.len() {
            return Err(bad(
                "tx_index",
                format!("block {height} has {} transactions", block.transactions.len()),
            ));
        }
        if anchor < height {
            return Err(bad(
                "anchor_height",
                format!("anchor {anchor} is before the block at {height}"),
            ));
        }
        if self.app.with_store(|s| s.head().height) < anchor {
            return Err(Status::not_found(format!("no block at anchor height {anchor}")));
        }
        // Every block hash before the anchor: the anchor's history tree.
        let hashes = self
            .app
            .with_store(|s| s.block_hashes(anchor - 1))
            .map_err(internal)?
            .ok_or_else(|| Status::not_found(format!("blocks before {anchor} are missing")))?;
        plasma_ledger::exit::prove_inclusion(&block, tx_index, &hashes, anchor)
            .ok_or_else(|| internal("inclusion proof"))
    }
}

#[tonic::async_trait]
impl Chain for RpcState {
    async fn submit_tx(
        &self,
        req: Request<pb::SubmitTxRequest>,
    ) -> Result<Response<pb::SubmitTxResponse>, Status> {
        let raw = bytes::Bytes::from(req.into_inner().tx);
        let stx = SignedTransaction::decode(&raw).map_err(|e| bad("tx", e))?;
        self.app.check(&raw).map_err(|e| bad("tx", e))?;
        match self.mempool.insert(raw.clone()) {
            Ok(_) => {}
            Err(MempoolError::Full(n)) => {
                return Err(Status::resource_exhausted(format!("mempool full ({n} transactions)")))
            }
            Err(MempoolError::Duplicate(_)) => {
                return Err(Status::already_exists("transaction already pending"))
            }
            Err(e) => return Err(bad("tx", e)),
        }
        let _ = self.gossip.try_send(raw);
        Ok(Response::new(pb::SubmitTxResponse { tx_hash: stx.transaction.hash().to_vec() }))
    }

    async fn get_block(
        &self,
        req: Request<pb::GetBlockRequest>,
    ) -> Result<Response<pb::GetBlockResponse>, Status> {
        self.block(req.into_inner().height).map(Response::new)
    }

    async fn get_tx(
        &self,
        req: Request<pb::GetTxRequest>,
    ) -> Result<Response<pb::GetTxResponse>, Status> {
        let hash = req.into_inner().tx_hash;
        if hash.len() != 32 {
            return Err(bad("tx_hash", format!("{} bytes, a hash is 32", hash.len())));
        }
        let hash = B256::from_slice(&hash);
        self.app.with_store(|s| {
            let at = s
                .tx_location(&hash)
                .map_err(internal)?
                .ok_or_else(|| Status::not_found("no committed transaction with this hash"))?;
            let block = s
                .block(at.height)
                .map_err(internal)?
                .ok_or_else(|| internal("indexed block missing"))?;
            let tx = block
                .transactions
                .get(at.index as usize)
                .ok_or_else(|| internal("indexed tx missing"))?;
            Ok(Response::new(pb::GetTxResponse {
                height: at.height,
                index: at.index,
                tx: tx.abi_encode(),
            }))
        })
    }

    async fn get_utxos(
        &self,
        req: Request<pb::GetUtxosRequest>,
    ) -> Result<Response<pb::GetUtxosResponse>, Status> {
        let owner = address("owner", &req.into_inner().owner)?;
        let utxos = self.app.with_store(|s| s.utxos_of(&owner, MAX_UTXOS)).map_err(internal)?;
        Ok(Response::new(pb::GetUtxosResponse {
            utxos: utxos
                .into_iter()
                .map(|(p, o)| pb::Utxo {
                    height: p.blockHeight,
                    tx_index: p.txIndex,
                    output_index: p.outputIndex.into(),
                    token: o.token.to_vec(),
                    amount: amount(o.amount),
                })
                .collect(),
        }))
    }

    async fn get_inclusion_proof(
        &self,
        req: Request<pb::GetInclusionProofRequest>,
    ) -> Result<Response<pb::GetInclusionProofResponse>, Status> {
        let r = req.into_inner();
        let anchor = if r.anchor_height == 0 { r.height } else { r.anchor_height };
        let inclusion = self.inclusion(r.height, r.tx_index, anchor)?;
        Ok(Response::new(pb::GetInclusionProofResponse { inclusion: inclusion.abi_encode() }))
    }

    type StreamBlocksStream = BlockStream;

    async fn stream_blocks(
        &self,
        req: Request<pb::StreamBlocksRequest>,
    ) -> Result<Response<BlockStream>, Status> {
        let mut next = req.into_inner().from_height.max(1);
        let mut heights = self.app.subscribe();
        let (tx, rx) = mpsc::channel(STREAM_BUFFER);
        let state = self.clone();
        tokio::spawn(async move {
            loop {
                let head = *heights.borrow_and_update();
                while next <= head {
                    let item = state.block(next);
                    if tx.send(item).await.is_err() {
                        return; // client gone
                    }
                    next += 1;
                }
                if heights.changed().await.is_err() {
                    return;
                }
            }
        });
        Ok(Response::new(Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))))
    }
}
