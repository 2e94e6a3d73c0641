//! The gRPC API: `plasma.v1.Node` (the node itself), `Chain` (blocks, transactions,
//! outputs, submission), `Bridge` (the parent's record of this chain, deposits,
//! checkpoints, exits, fraud proofs, alerts) and `Children` (the children this chain hosts),
//! with server reflection and the health service.
//!
//! Reads come from the store; `SubmitTx` runs the application's `CheckTx`, then admits the
//! transaction to the mempool and hands it to transaction gossip. Admin calls need
//! `authorization: Bearer <token>`. Every malformed field is an `INVALID_ARGUMENT` naming it.

// `tonic::Status` is every handler's error type; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod bridge;
mod chain;
mod children;
mod node;

use crate::alerts::Alerts;
use crate::app::PlasmaApp;
use crate::mempool::Mempool;
use plasma_bridge::ParentChain;
use plasma_consensus::{ValidatorAddress, ValidatorSchedule};
use plasma_ledger::Address;
use plasma_proto::v1 as pb;
use plasma_proto::v1::bridge_server::BridgeServer;
use plasma_proto::v1::chain_server::ChainServer;
use plasma_proto::v1::children_server::ChildrenServer;
use plasma_proto::v1::node_server::NodeServer;
use std::sync::{Arc, OnceLock, RwLock};
use tokio::sync::mpsc;
use tonic::{Request, Status};

/// Largest request any service decodes.
const MAX_REQUEST_BYTES: usize = 1 << 20;

/// Replaces the process's log filter; returns the one replaced, or why the new one is bad.
pub type LogControl = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// The parent this chain's bridge talks to, once the node has connected to it.
#[derive(Clone)]
pub struct ParentLink {
    /// The parent.
    pub parent: Arc<dyn ParentChain>,
    /// `ethereum` or `plasma`.
    pub kind: &'static str,
    /// The parent's chain id.
    pub chain_id: u64,
}

/// What the API serves from.
#[derive(Clone)]
pub struct RpcState {
    /// The application (store, checks).
    pub app: PlasmaApp,
    /// The mempool.
    pub mempool: Arc<Mempool>,
    /// Accepted transactions to gossip.
    pub gossip: mpsc::Sender<bytes::Bytes>,
    /// Connected consensus peers (libp2p ids), kept current by the node.
    pub peers: Arc<RwLock<Vec<String>>>,
    /// The validator sets by height.
    pub validators: ValidatorSchedule,
    /// This node's operator address (it signs at heights whose set includes it).
    pub address: ValidatorAddress,
    /// Node name.
    pub moniker: String,
    /// Bearer token of admin calls.
    pub admin_token: String,
    /// The effective configuration, admin token blanked (`Config`).
    pub config_toml: String,
    /// The log filter's switch (`SetLogLevel`); `None` where the process owns no filter.
    pub log: Option<LogControl>,
    /// Triggered by `Shutdown`.
    pub shutdown: Arc<tokio::sync::Notify>,
    /// The watcher's alerts and the fraud proofs it submitted.
    pub alerts: Alerts,
    /// The parent, set once connected (never, for a chain without one).
    pub parent: Arc<OnceLock<ParentLink>>,
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

fn amount(value: plasma_ledger::U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn locked((token, value): (Address, plasma_ledger::U256)) -> pb::Locked {
    pb::Locked { token: token.to_vec(), amount: amount(value) }
}

impl RpcState {
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

    /// The parent, or why there is none to ask.
    fn parent(&self) -> Result<&ParentLink, Status> {
        self.parent.get().ok_or_else(|| {
            Status::failed_precondition(
                "this chain has no parent (or the node has not reached it yet)",
            )
        })
    }
}

/// Serves the API on `listener` (with reflection and health) until the listener fails.
pub async fn serve(
    state: RpcState,
    listener: tokio::net::TcpListener,
) -> Result<(), tonic::transport::Error> {
    // Both reflection versions: grpcurl and older tools still ask v1alpha.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(plasma_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1().expect("descriptor sets are valid");
    let reflection_v1alpha = reflection().build_v1alpha().expect("descriptor sets are valid");
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<NodeServer<RpcState>>().await;
    health.set_serving::<ChainServer<RpcState>>().await;
    health.set_serving::<BridgeServer<RpcState>>().await;
    health.set_serving::<ChildrenServer<RpcState>>().await;
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(NodeServer::new(state.clone()).max_decoding_message_size(MAX_REQUEST_BYTES))
        .add_service(ChainServer::new(state.clone()).max_decoding_message_size(MAX_REQUEST_BYTES))
        .add_service(BridgeServer::new(state.clone()).max_decoding_message_size(MAX_REQUEST_BYTES))
        .add_service(ChildrenServer::new(state).max_decoding_message_size(MAX_REQUEST_BYTES))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
        .await
}
