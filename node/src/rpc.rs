//! The gRPC API (`plasma.v1.Node`), with server reflection and the health service.
//!
//! Reads come from the store; `SubmitTx` runs the application's `CheckTx`, then admits the
//! transaction to the mempool and hands it to transaction gossip. Admin calls need
//! `authorization: Bearer <token>`. Every malformed field is an `INVALID_ARGUMENT` naming it.

// `tonic::Status` is every handler's error type; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use crate::app::PlasmaApp;
use crate::mempool::{Mempool, MempoolError};
use crate::store::StoreError;
use alloy_sol_types::SolValue;
use plasma_consensus::{ValidatorAddress, ValidatorSchedule};

use plasma_ledger::{Address, SignedTransaction, B256};
use plasma_proto::v1 as pb;
use plasma_proto::v1::node_server::{Node, NodeServer};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Most blocks `StreamBlocks` sends ahead of the client.
const STREAM_BUFFER: usize = 64;
/// Most outputs `GetUtxos` returns.
const MAX_UTXOS: usize = 10_000;

/// What the API serves from.
#[derive(Clone)]
pub struct RpcState {
    /// The application (store, checks).
    pub app: PlasmaApp,
    /// The mempool.
    pub mempool: Arc<Mempool>,
    /// Accepted transactions to gossip.
    pub gossip: mpsc::Sender<bytes::Bytes>,
    /// Connected peers, kept current by the node.
    pub peers: Arc<AtomicU32>,
    /// The validator sets by height.
    pub validators: ValidatorSchedule,
    /// This node's operator address (it signs at heights whose set includes it).
    pub address: ValidatorAddress,
    /// Node name.
    pub moniker: String,
    /// Bearer token of admin calls.
    pub admin_token: String,
    /// Triggered by `Shutdown`.
    pub shutdown: Arc<tokio::sync::Notify>,
    /// The watcher's alerts.
    pub alerts: crate::alerts::Alerts,
}

fn bad(field: &str, why: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("{field}: {why}"))
}

fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

fn address(field: &str, bytes: &[u8]) -> Result<Address, Status> {
    if bytes.len() != 20 {
        return Err(bad(field, format!("{} bytes, an address is 20", bytes.len())));
    }
    Ok(Address::from_slice(bytes))
}

impl RpcState {
    fn block(&self, height: u64) -> Result<pb::GetBlockResponse, Status> {
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

    fn authorize<T>(&self, req: &Request<T>) -> Result<(), Status> {
        let expected = format!("Bearer {}", self.admin_token);
        match req.metadata().get("authorization").and_then(|v| v.to_str().ok()) {
            Some(given) if !self.admin_token.is_empty() && given == expected => Ok(()),
            Some(_) => Err(Status::permission_denied("wrong admin token")),
            None => {
                Err(Status::unauthenticated("admin call: send `authorization: Bearer <token>`"))
            }
        }
    }
}

type BlockStream = Pin<Box<dyn Stream<Item = Result<pb::GetBlockResponse, Status>> + Send>>;
type AlertStream = Pin<Box<dyn Stream<Item = Result<pb::Alert, Status>> + Send>>;

#[tonic::async_trait]
impl Node for RpcState {
    async fn status(
        &self,
        _: Request<pb::StatusRequest>,
    ) -> Result<Response<pb::StatusResponse>, Status> {
        let (height, hash, time) = self.app.with_store(|s| {
            let head = s.head().clone();
            let time = s.block(head.height).ok().flatten().map_or(0, |b| b.header.timestamp);
            (head.height, head.hash, time)
        });
        let domain = self.app.domain();
        let set = self.validators.at(height + 1);
        Ok(Response::new(pb::StatusResponse {
            chain_id: domain.chain_id,
            root_chain_id: domain.root_chain_id,
            root_contract: domain.root_contract.to_vec(),
            height,
            last_block_hash: hash.to_vec(),
            last_block_time: time,
            peers: self.peers.load(Ordering::Relaxed),
            validators: set
                .ledger()
                .validators()
                .iter()
                .map(|v| pb::Validator {
                    operator: v.operator.to_vec(),
                    bls_pubkey: v.blsPubkey.to_vec(),
                    power: v.power,
                })
                .collect(),
            validator_set_hash: set.ledger().hash().to_vec(),
            role: if set.index_of(&self.address).is_some() { "validator" } else { "full" }.into(),
            moniker: self.moniker.clone(),
            mempool_size: self.mempool.len() as u32,
        }))
    }

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

    async fn get_child(
        &self,
        req: Request<pb::GetChildRequest>,
    ) -> Result<Response<pb::GetChildResponse>, Status> {
        let chain = req.into_inner().chain_id;
        let read = |s: &crate::store::Store| {
            Ok::<_, StoreError>((s.child(chain)?, s.child_escrow(chain)?, s.child_stakes(chain)?))
        };
        let (record, escrow, stakes) = self.app.with_store(read).map_err(internal)?;
        let locked = |(token, amount): (Address, plasma_ledger::U256)| pb::Locked {
            token: token.to_vec(),
            amount: amount.to_be_bytes::<32>().to_vec(),
        };
        let record = record.ok_or_else(|| {
            Status::not_found(format!("chain {chain} is not a child of this chain"))
        })?;
        Ok(Response::new(pb::GetChildResponse {
            epoch_length: record.params.epochLength,
            exit_period: record.params.exitPeriod,
            validators: record.validators.abi_encode(),
            last_height: record.last_height,
            last_hash: record.last_hash.to_vec(),
            next_deposit_nonce: record.next_deposit_nonce,
            escrow: escrow.into_iter().map(locked).collect(),
            rollback_height: record.rollback_height,
            stakes: stakes.into_iter().map(locked).collect(),
            exit_bond: record.params.exitBond.to_be_bytes::<32>().to_vec(),
        }))
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
                    amount: o.amount.to_be_bytes::<32>().to_vec(),
                })
                .collect(),
        }))
    }

    async fn get_inclusion_proof(
        &self,
        req: Request<pb::GetInclusionProofRequest>,
    ) -> Result<Response<pb::GetInclusionProofResponse>, Status> {
        let r = req.into_inner();
        let block = self
            .app
            .with_store(|s| s.block(r.height))
            .map_err(internal)?
            .ok_or_else(|| Status::not_found(format!("no block at height {}", r.height)))?;
        if r.tx_index as usize >= block.transactions.len() {
            return Err(bad(
                "tx_index",
                format!("block {} has {} transactions", r.height, block.transactions.len()),
            ));
        }
        let anchor = if r.anchor_height == 0 { r.height } else { r.anchor_height };
        if anchor < r.height {
            return Err(bad(
                "anchor_height",
                format!("anchor {anchor} is before the block at {}", r.height),
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
        let inclusion = plasma_ledger::exit::prove_inclusion(&block, r.tx_index, &hashes, anchor)
            .ok_or_else(|| internal("inclusion proof"))?;
        Ok(Response::new(pb::GetInclusionProofResponse { inclusion: inclusion.abi_encode() }))
    }

    type StreamBlocksStream = BlockStream;
    type StreamAlertsStream = AlertStream;

    async fn stream_alerts(
        &self,
        _req: Request<pb::StreamAlertsRequest>,
    ) -> Result<Response<AlertStream>, Status> {
        use tokio_stream::StreamExt as _;
        let alerts = tokio_stream::wrappers::BroadcastStream::new(self.alerts.subscribe());
        let stream = alerts.map(|a| match a {
            Ok(a) => Ok(pb::Alert {
                kind: a.kind.as_str().into(),
                height: a.height,
                detail: a.detail,
                unix_time: a.unix_time,
            }),
            Err(e) => Err(Status::data_loss(format!("alerts missed: {e}"))),
        });
        Ok(Response::new(Box::pin(stream)))
    }

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

    async fn shutdown(
        &self,
        req: Request<pb::ShutdownRequest>,
    ) -> Result<Response<pb::ShutdownResponse>, Status> {
        self.authorize(&req)?;
        // Stop once this answer had time to leave: stopping at once can cut the connection
        // before the caller learns that its request was accepted.
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            shutdown.notify_one();
        });
        Ok(Response::new(pb::ShutdownResponse {}))
    }
}

/// Serves the API on `addr` (with reflection and health) until the listener fails.
pub async fn serve(
    state: RpcState,
    listener: tokio::net::TcpListener,
) -> Result<(), tonic::transport::Error> {
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(plasma_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("descriptor sets are valid");
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<NodeServer<RpcState>>().await;
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(NodeServer::new(state).max_decoding_message_size(1 << 20))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
        .await
}
