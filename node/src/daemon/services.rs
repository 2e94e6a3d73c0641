//! `plasmad start`, phase 4: the node's services — the consensus peers the API shows,
//! transaction gossip, the gRPC API and the commit metrics.

use super::engine::Engine;
use super::{gossip_addr, multiaddr, Setup};
use crate::alerts::Alerts;
use crate::app::PlasmaApp;
use crate::config::NodeConfig;
use crate::mempool::{Mempool, MempoolLimits};
use crate::rpc::{LogControl, ParentLink, RpcState};
use eyre::WrapErr;
use std::sync::{Arc, OnceLock, RwLock};
use tokio::sync::{mpsc, Notify};
use tracing::info;

/// What the services share with what starts after them.
pub(super) struct Services {
    /// The mempool: the API and gossip fill it, the shim proposes from it.
    pub(super) mempool: Arc<Mempool>,
    /// The watchers' alerts, which the API shows.
    pub(super) alerts: Alerts,
    /// Triggered by the API's `Shutdown`.
    pub(super) shutdown: Arc<Notify>,
    /// The parent as the API shows it: set once connected.
    pub(super) parent: Arc<OnceLock<ParentLink>>,
}

/// Phase 4: starts the node's services — the consensus peers kept current for the API,
/// transaction gossip, the gRPC API on `rpc.listen` (`log` is its `SetLogLevel`) and the
/// commit metrics. Owns the mempool, the alerts and the API's shutdown switch.
pub(super) async fn start_services(
    setup: &Setup,
    app: &PlasmaApp,
    engine: &Engine,
    log: Option<LogControl>,
) -> eyre::Result<Services> {
    let cfg = &setup.cfg;
    let mempool = Arc::new(Mempool::new(MempoolLimits::default()));
    let peers = follow_peers(engine);
    let gossip = start_gossip(setup, app, &mempool)?;

    let shutdown = Arc::new(Notify::new());
    let alerts = Alerts::register();
    let rpc_addr: std::net::SocketAddr = cfg.rpc.listen.parse().wrap_err("rpc.listen")?;
    let parent = Arc::new(OnceLock::new());
    let rpc_state = RpcState {
        app: app.clone(),
        mempool: mempool.clone(),
        gossip,
        peers,
        validators: app.schedule(),
        address: setup.address,
        moniker: cfg.moniker.clone(),
        admin_token: cfg.rpc.admin_token.clone(),
        config_toml: shown_config(cfg),
        log,
        shutdown: shutdown.clone(),
        alerts: alerts.clone(),
        parent: parent.clone(),
    };
    // Bound here, so that a taken port stops the node with a message instead of leaving it
    // running without its API.
    let rpc_listener = tokio::net::TcpListener::bind(rpc_addr)
        .await
        .wrap_err_with(|| format!("rpc.listen {rpc_addr}: cannot listen"))?;
    tokio::spawn(async move {
        if let Err(e) = crate::rpc::serve(rpc_state, rpc_listener).await {
            tracing::error!(error = %e, "gRPC server stopped");
        }
    });
    info!(%rpc_addr, "gRPC API listening");
    tokio::spawn(crate::metrics::NodeMetrics::register().follow(app.clone(), mempool.clone()));
    Ok(Services { mempool, alerts, shutdown, parent })
}

/// The connected consensus peers, for the API: asked of the engine every 2 s until it stops.
fn follow_peers(engine: &Engine) -> Arc<RwLock<Vec<String>>> {
    let peers = Arc::new(RwLock::new(Vec::new()));
    let shown = peers.clone();
    let requests = engine.channels.net_requests.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            match plasma_consensus::engine::NetworkRequest::dump_state(&requests).await {
                Ok(Some(dump)) => {
                    let mut ids: Vec<String> = dump.peers.keys().map(|p| p.to_string()).collect();
                    ids.sort();
                    *shown.write().unwrap_or_else(|p| p.into_inner()) = ids;
                }
                Ok(None) => {}
                Err(_) => return,
            }
        }
    });
    peers
}

/// Starts transaction gossip with the node's libp2p identity on `p2p.tx_listen` (by default
/// the consensus address with its port plus one); returns where accepted transactions go to
/// be gossiped.
fn start_gossip(
    setup: &Setup,
    app: &PlasmaApp,
    mempool: &Arc<Mempool>,
) -> eyre::Result<mpsc::Sender<bytes::Bytes>> {
    let cfg = &setup.cfg;
    let (gossip_tx, gossip_rx) = mpsc::channel(1 << 16);
    let gossip_cfg = crate::gossip::GossipConfig {
        chain_id: setup.chain_id,
        listen: match &cfg.p2p.tx_listen {
            Some(a) => multiaddr(a, "p2p.tx_listen")?,
            None => gossip_addr(&cfg.p2p.listen)?,
        },
        peers: cfg.p2p.peers.iter().map(|p| gossip_addr(p)).collect::<Result<_, _>>()?,
    };
    tokio::spawn({
        let key = setup.keypair.clone();
        let (app, mempool) = (app.clone(), mempool.clone());
        async move {
            if let Err(e) = crate::gossip::run(key, gossip_cfg, app, mempool, gossip_rx).await {
                tracing::error!(error = %e, "transaction gossip stopped");
            }
        }
    });
    Ok(gossip_tx)
}

/// The configuration as `Config` shows it: TOML, the admin token blanked.
fn shown_config(cfg: &NodeConfig) -> String {
    let mut shown = cfg.clone();
    shown.rpc.admin_token = "(hidden)".into();
    toml::to_string(&shown).unwrap_or_else(|e| format!("# not representable as TOML: {e}"))
}
