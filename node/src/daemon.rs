//! `plasmad start`: one chain's node — store, application, mempool, consensus engine and
//! its libp2p network — wired together and run until a signal.

use crate::app::PlasmaApp;
use crate::config::{ConfigError, Genesis, NodeConfig, P2pKeyFile, ValidatorKeys};
use crate::mempool::{Mempool, MempoolLimits};
use crate::store::{Store, StoreConfig};
use eyre::{eyre, WrapErr};
use plasma_consensus::codec::BorshCodec;
use plasma_consensus::engine::app::config as mcfg;
use plasma_consensus::engine::app::engine::network::Multiaddr;
use plasma_consensus::engine::app::types::codec::Codec;
use plasma_consensus::engine::{
    start_engine, ConsensusContext, NetworkContext, NetworkIdentity, RequestContext, Signer,
    SyncContext, WalContext,
};
use plasma_consensus::shim::{Shim, ShimConfig};
use plasma_consensus::signing::{BlsSigner, BlsVerifier};
use plasma_consensus::{PlasmaContext, ValidatorAddress};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tracing::{info, warn};

/// The files of a node home.
#[derive(Debug, Clone)]
pub struct Home(pub PathBuf);

impl Home {
    /// `config.toml`.
    pub fn config(&self) -> PathBuf {
        self.0.join("config.toml")
    }
    /// `genesis.json`.
    pub fn genesis(&self) -> PathBuf {
        self.0.join("genesis.json")
    }
    /// `keys/validator.json`.
    pub fn validator_key(&self) -> PathBuf {
        self.0.join("keys").join("validator.json")
    }
    /// `keys/p2p.json`.
    pub fn p2p_key(&self) -> PathBuf {
        self.0.join("keys").join("p2p.json")
    }
    /// `data/store`.
    pub fn store(&self) -> PathBuf {
        self.0.join("data").join("store")
    }
    /// `data/wal/consensus.wal`.
    pub fn wal(&self) -> PathBuf {
        self.0.join("data").join("wal").join("consensus.wal")
    }
}

/// Settings given on the command line or in the environment, over `config.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `p2p.listen`.
    pub listen: Option<String>,
    /// `p2p.peers`.
    pub peers: Option<Vec<String>>,
    /// `moniker`.
    pub moniker: Option<String>,
    /// `rpc.listen`.
    pub rpc: Option<String>,
    /// `rpc.metrics`.
    pub metrics: Option<String>,
    /// Any key, as `dotted.key=value` (after the environment's `PLASMAD_CFG__…`).
    pub set: Vec<String>,
}

/// The engine's view of the configuration.
#[derive(Debug, Clone)]
struct EngineConfig {
    moniker: String,
    consensus: mcfg::ConsensusConfig,
    value_sync: mcfg::ValueSyncConfig,
}

impl plasma_consensus::engine::app::config::NodeConfig for EngineConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }
    fn consensus(&self) -> &mcfg::ConsensusConfig {
        &self.consensus
    }
    fn consensus_mut(&mut self) -> &mut mcfg::ConsensusConfig {
        &mut self.consensus
    }
    fn value_sync(&self) -> &mcfg::ValueSyncConfig {
        &self.value_sync
    }
    fn value_sync_mut(&mut self) -> &mut mcfg::ValueSyncConfig {
        &mut self.value_sync
    }
}

fn multiaddr(s: &str, what: &str) -> eyre::Result<Multiaddr> {
    s.parse().map_err(|e| eyre!("{what} {s:?} is not a multiaddr: {e}"))
}

/// The transaction-gossip address that goes with a consensus address: same host, port + 1.
pub fn gossip_addr(consensus: &str) -> eyre::Result<Multiaddr> {
    use libp2p::multiaddr::Protocol;
    let addr = multiaddr(consensus, "p2p address")?;
    let mut found = false;
    let out = addr
        .iter()
        .map(|p| match p {
            Protocol::Tcp(port) if !found => {
                found = true;
                Protocol::Tcp(port.wrapping_add(1))
            }
            other => other,
        })
        .collect();
    if found {
        Ok(out)
    } else {
        Err(eyre!("p2p address {consensus:?} has no TCP port"))
    }
}

/// Loads a node home's configuration with overrides applied.
pub fn load_config(home: &Home, o: &Overrides) -> Result<NodeConfig, ConfigError> {
    let mut sets = crate::config::env_overrides(std::env::vars());
    sets.extend(o.set.iter().cloned());
    let mut cfg = NodeConfig::load_with(&home.config(), &sets)?;
    if let Some(l) = &o.listen {
        cfg.p2p.listen = l.clone();
    }
    if let Some(p) = &o.peers {
        cfg.p2p.peers = p.iter().filter(|a| !a.trim().is_empty()).cloned().collect();
    }
    if let Some(m) = &o.moniker {
        cfg.moniker = m.clone();
    }
    if let Some(r) = &o.rpc {
        cfg.rpc.listen = r.clone();
    }
    if let Some(m) = &o.metrics {
        cfg.rpc.metrics = Some(m.clone());
    }
    Ok(cfg)
}

/// The configuration as `Config` shows it: TOML, the admin token blanked.
fn shown_config(cfg: &NodeConfig) -> String {
    let mut shown = cfg.clone();
    shown.rpc.admin_token = "(hidden)".into();
    toml::to_string(&shown).unwrap_or_else(|e| format!("# not representable as TOML: {e}"))
}

/// Runs the node at `home` until SIGINT/SIGTERM; `log` switches the process's log filter
/// (the API's `SetLogLevel`).
pub async fn run(
    home: Home,
    overrides: Overrides,
    log: Option<crate::rpc::LogControl>,
) -> eyre::Result<()> {
    #[cfg(feature = "byzantine")]
    tracing::warn!(
        "this plasmad is built with the `byzantine` fault-injection feature: for tests only"
    );
    let cfg = load_config(&home, &overrides)?;
    let genesis = Genesis::load(&home.genesis())?;
    let keys = ValidatorKeys::load(&home.validator_key())?;
    let keypair = P2pKeyFile::load(&home.p2p_key())?;
    let chain_id = genesis.genesis.chain_id;
    let address = ValidatorAddress(keys.operator.address());
    let app = open_app(&home)?;
    let head = app.with_store(|s| s.head().height);
    // Any node may become a validator when the parent bonds it: every node runs consensus
    // with its key and votes at the heights whose set includes it.
    let is_validator = app.schedule().at(head + 1).index_of(&address).is_some();
    info!(moniker = %cfg.moniker, chain = chain_id, %address, validator = is_validator, peer = %keypair.public().to_peer_id(), "starting plasmad");
    info!(height = head, "store opened");
    let mempool = Arc::new(Mempool::new(MempoolLimits::default()));

    let mut p2p = mcfg::P2pConfig {
        listen_addr: multiaddr(&cfg.p2p.listen, "p2p.listen")?,
        persistent_peers: cfg
            .p2p
            .peers
            .iter()
            .map(|p| multiaddr(p, "peer"))
            .collect::<Result<_, _>>()?,
        ..Default::default()
    };
    p2p.discovery.enabled = false;
    let engine_cfg = EngineConfig {
        moniker: cfg.moniker.clone(),
        consensus: mcfg::ConsensusConfig { p2p, ..Default::default() },
        value_sync: mcfg::ValueSyncConfig::default(),
    };

    let signer = BlsSigner::new(chain_id, keys.bls.clone());
    let codec = BorshCodec;
    let public = signer.public_key().to_eip2537().to_vec();
    let proof = signer
        .sign_validator_proof(public, keypair.public().to_peer_id().to_bytes())
        .await
        .map_err(|e| eyre!("validator proof: {e}"))?;
    let proof_bytes = codec.encode(&proof)?;
    let gossip_key = keypair.clone(); // one identity for consensus and transaction gossip
    let identity = NetworkIdentity::new_validator(
        cfg.moniker.clone(),
        keypair,
        address.to_string(),
        proof_bytes,
    );
    let verifier = Box::new(BlsVerifier::new(chain_id));
    let consensus = ConsensusContext::new_validator(address, verifier, Box::new(signer.clone()));
    let wal = home.wal();
    std::fs::create_dir_all(wal.parent().expect("wal has a parent"))?;
    #[cfg(feature = "byzantine")]
    let byzantine = {
        let section = cfg.byzantine.clone().unwrap_or_default();
        if section.invalid_proposals {
            tracing::warn!("BYZANTINE NODE: this node proposes invalid blocks on purpose");
            app.propose_invalid_blocks();
        }
        let forgery = match (section.inflate, section.double_spend) {
            (false, false) => None,
            (true, false) => Some(crate::app::Forgery::Inflate),
            (false, true) => Some(crate::app::Forgery::DoubleSpend),
            (true, true) => {
                return Err(eyre!("[byzantine]: inflate and double_spend exclude each other"))
            }
        };
        if let Some(forgery) = forgery {
            tracing::warn!(
                ?forgery,
                "BYZANTINE NODE: this node forges spends of its operator's deposits"
            );
            let key = plasma_ledger::signing::UserKey::from_bytes(keys.operator_secret)
                .ok_or_else(|| eyre!("operator key unusable"))?;
            app.forge_with(key, forgery);
        }
        if section.certify_invalid {
            tracing::warn!("BYZANTINE NODE: this node certifies invalid blocks");
            app.certify_invalid_blocks();
        }
        let engine_faults = section.engine != Default::default();
        engine_faults.then_some(section.engine)
    };
    #[cfg(not(feature = "byzantine"))]
    let byzantine: Option<()> = None;
    let (mut channels, _engine) = match byzantine {
        None => {
            start_engine(
                PlasmaContext::new(chain_id),
                engine_cfg,
                WalContext::new(wal, codec),
                NetworkContext::new(identity, codec),
                consensus,
                SyncContext::new(codec),
                RequestContext::new(100),
            )
            .await?
        }
        #[cfg(feature = "byzantine")]
        Some(config) => {
            tracing::warn!(
                ?config,
                "BYZANTINE NODE: fault injection is on; this node misbehaves on purpose"
            );
            plasma_consensus::engine::EngineBuilder::new(PlasmaContext::new(chain_id), engine_cfg)
                .with_default_wal(WalContext::new(wal, codec))
                .with_byzantine_network(plasma_consensus::engine::ByzantineContext {
                    identity,
                    codec,
                    config,
                    signer: Box::new(signer.clone()),
                    address,
                    conflicting_value_fn: None,
                    conflicting_vote_value_fn: None,
                })
                .await?
                .with_default_sync(SyncContext::new(codec))
                .with_default_consensus(consensus)
                .with_default_request(RequestContext::new(100))
                .build()
                .await?
        }
        #[cfg(not(feature = "byzantine"))]
        Some(()) => unreachable!("no fault injection in this build"),
    };

    let shim_cfg = ShimConfig {
        chain_id,
        validators: app.schedule(),
        signer: Some((signer, address)),
        timeouts: cfg.consensus.timeouts(),
        block_time: std::time::Duration::from_millis(cfg.consensus.block_time_ms),
        max_block_bytes: cfg.consensus.max_block_bytes,
        part_bytes: cfg.consensus.part_bytes,
    };
    // Connected consensus peers, for the API.
    let peers = Arc::new(std::sync::RwLock::new(Vec::new()));
    {
        let peers = peers.clone();
        let requests = channels.net_requests.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                match plasma_consensus::engine::NetworkRequest::dump_state(&requests).await {
                    Ok(Some(dump)) => {
                        let mut ids: Vec<String> =
                            dump.peers.keys().map(|p| p.to_string()).collect();
                        ids.sort();
                        *peers.write().unwrap_or_else(|p| p.into_inner()) = ids;
                    }
                    Ok(None) => {}
                    Err(_) => return,
                }
            }
        });
    }

    let (gossip_tx, gossip_rx) = tokio::sync::mpsc::channel(1 << 16);
    let gossip_cfg = crate::gossip::GossipConfig {
        chain_id,
        listen: match &cfg.p2p.tx_listen {
            Some(a) => multiaddr(a, "p2p.tx_listen")?,
            None => gossip_addr(&cfg.p2p.listen)?,
        },
        peers: cfg.p2p.peers.iter().map(|p| gossip_addr(p)).collect::<Result<_, _>>()?,
    };
    tokio::spawn({
        let (app, mempool) = (app.clone(), mempool.clone());
        async move {
            if let Err(e) =
                crate::gossip::run(gossip_key, gossip_cfg, app, mempool, gossip_rx).await
            {
                tracing::error!(error = %e, "transaction gossip stopped");
            }
        }
    });

    let shutdown = Arc::new(tokio::sync::Notify::new());
    let alerts = crate::alerts::Alerts::register();
    let rpc_addr: std::net::SocketAddr = cfg.rpc.listen.parse().wrap_err("rpc.listen")?;
    let rpc_parent = Arc::new(std::sync::OnceLock::new());
    let rpc_state = crate::rpc::RpcState {
        app: app.clone(),
        mempool: mempool.clone(),
        gossip: gossip_tx,
        peers,
        validators: app.schedule(),
        address,
        moniker: cfg.moniker.clone(),
        admin_token: cfg.rpc.admin_token.clone(),
        config_toml: shown_config(&cfg),
        log,
        shutdown: shutdown.clone(),
        alerts: alerts.clone(),
        parent: rpc_parent.clone(),
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
    if let Some(p) = &cfg.parent {
        if !genesis.genesis.deposits.is_empty() {
            return Err(eyre!(
                "genesis.json has deposits, but this chain's deposits come from its parent \
                 (config [parent]): their nonces would collide"
            ));
        }
        let root = genesis.genesis.root_contract;
        let key = Some(keys.operator_secret);
        let ethereum =
            plasma_bridge::EthereumParent::connect(&p.rpc, root, p.finality(), p.start_block, key)
                .map_err(|e| eyre!("parent: {e}"))?;
        let parent: Arc<dyn plasma_bridge::ParentChain> = match &p.plasma {
            None => {
                info!(rpc = %p.rpc, %root, finality = ?p.finality(), "following the parent");
                Arc::new(ethereum)
            }
            Some(pp) => {
                let domain = plasma_ledger::signing::SigningDomain::new(
                    pp.chain_id,
                    genesis.genesis.root_chain_id,
                    root,
                );
                // Until the parent serves its first block, there is nothing to follow.
                let mut quiet = crate::periodic::Quiet::new("cannot reach the plasma parent");
                let parent = loop {
                    let connect = async {
                        let root_chain_id = genesis.genesis.root_chain_id;
                        let sets = parent_sets(&ethereum, root_chain_id, root, pp).await?;
                        let endpoints = pp.endpoints.clone();
                        plasma_bridge::PlasmaParent::connect(
                            domain.clone(),
                            chain_id,
                            address.0,
                            endpoints,
                            sets,
                        )
                        .await
                    };
                    if let Some(parent) = quiet.outcome(connect.await.map_err(|e| eyre!(e))) {
                        break parent;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(p.poll_ms)).await;
                };
                info!(parent = pp.chain_id, endpoints = ?pp.endpoints, "following the plasma parent as a light client");
                Arc::new(parent)
            }
        };
        let link = crate::rpc::ParentLink {
            parent: parent.clone(),
            kind: if p.plasma.is_some() { "plasma" } else { "ethereum" },
            chain_id: p.plasma.as_ref().map_or(genesis.genesis.root_chain_id, |pp| pp.chain_id),
        };
        let _ = rpc_parent.set(link);
        let poll = std::time::Duration::from_millis(p.poll_ms);
        tokio::spawn(crate::relayer::follow_deposits(parent.clone(), app.clone(), chain_id, poll));
        let withholding = std::time::Duration::from_millis(p.withholding_timeout_ms);
        let sources = crate::prover::BlockSources::new(p.block_sources.clone());
        let (pa, a, al, so) = (parent.clone(), app.clone(), alerts.clone(), sources.clone());
        tokio::spawn(crate::watcher::watch_availability(
            pa,
            a,
            al,
            so,
            chain_id,
            poll,
            withholding,
        ));
        let (pa, a, al) = (parent.clone(), app.clone(), alerts.clone());
        tokio::spawn(crate::watcher::watch_exits(pa, a, al, chain_id, poll));
        let (pa, a, al) = (parent.clone(), app.clone(), alerts.clone());
        tokio::spawn(crate::prover::watch_blocks(pa, a, al, sources, chain_id, poll, withholding));
        // The parent's validator configurations before consensus judges any block: a node
        // syncing history must know every set the chain adopted on the way.
        let first = crate::relayer::validator_set_once(parent.as_ref(), &app, chain_id);
        match tokio::time::timeout(std::time::Duration::from_secs(10), first).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                warn!(error = %e, "the parent's validator configurations are not known yet; retrying")
            }
            Err(_) => {
                warn!("the parent did not answer within 10 s; following it in the background")
            }
        }
        let (pa, a) = (parent.clone(), app.clone());
        tokio::spawn(crate::relayer::follow_validator_sets(pa, a, chain_id, poll));
        let operator = address.0;
        tokio::spawn(crate::relayer::follow_checkpoints(
            parent,
            app.clone(),
            chain_id,
            operator,
            poll,
        ));
    }
    if let Some(m) = &cfg.rpc.metrics {
        let addr: std::net::SocketAddr = m.parse().wrap_err("rpc.metrics")?;
        tokio::spawn(async move {
            if let Err(e) = crate::metrics::serve(addr).await {
                tracing::error!(error = %e, "metrics server stopped");
            }
        });
        info!(%addr, "Prometheus metrics on /metrics");
    }

    let mut shim = Shim::new(shim_cfg, app, mempool);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let halted = tokio::select! {
        r = shim.run(&mut channels) => r.map_err(|e| eyre!(e)),
        _ = tokio::signal::ctrl_c() => { info!("interrupted; stopping"); return Ok(()) }
        _ = term.recv() => { info!("terminated; stopping"); return Ok(()) }
        _ = shutdown.notified() => { info!("shutdown requested over the API; stopping"); return Ok(()) }
    };
    let Err(error) = halted else { return Ok(()) };
    if cfg.parent.is_none() {
        return Err(error);
    }
    // Under a parent, a halted chain still owes its users their exits: keep serving proofs
    // and watching (the watcher proves an invalid decided block) until told to stop.
    tracing::error!(%error, "consensus halted; the API and the watcher keep running so that users can exit");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => info!("interrupted; stopping"),
        _ = term.recv() => info!("terminated; stopping"),
        _ = shutdown.notified() => info!("shutdown requested over the API; stopping"),
    }
    Ok(())
}

/// Opens a home's store (recording the genesis deposits on first use) as the application.
pub fn open_app(home: &Home) -> eyre::Result<PlasmaApp> {
    let genesis = Genesis::load(&home.genesis())?;
    let store = Store::open(home.store(), &StoreConfig::default()).wrap_err("opening the store")?;
    if store.head().height == 0 {
        for record in genesis.genesis.deposit_records() {
            store.record_parent_deposit(&record)?;
        }
    }
    Ok(PlasmaApp::new(store, genesis.domain, genesis.validators)?)
}

/// Where the validator sets of the plasma parent `pp` come from: the root's configurations
/// when it hangs under the root; otherwise a light client of each ancestor, the root's child
/// first, each learning the sets of the chain below it from the registry it keeps.
async fn parent_sets(
    ethereum: &plasma_bridge::EthereumParent,
    root_chain_id: u64,
    root: plasma_ledger::Address,
    pp: &crate::config::PlasmaParentSection,
) -> Result<Box<dyn plasma_bridge::light::SetSource>, plasma_bridge::ParentError> {
    let top = pp.ancestors.first().map_or(pp.chain_id, |a| a.chain_id);
    let mut sets: Box<dyn plasma_bridge::light::SetSource> = Box::new((ethereum.clone(), top));
    for (k, ancestor) in pp.ancestors.iter().enumerate() {
        let below = pp.ancestors.get(k + 1).map_or(pp.chain_id, |a| a.chain_id);
        let domain =
            plasma_ledger::signing::SigningDomain::new(ancestor.chain_id, root_chain_id, root);
        // A follower only: it never submits, so it needs no beneficiary.
        let follower = plasma_bridge::PlasmaParent::connect(
            domain,
            below,
            plasma_ledger::Address::ZERO,
            ancestor.endpoints.clone(),
            sets,
        )
        .await?;
        sets = Box::new(Arc::new(follower));
    }
    Ok(sets)
}

/// Creates a node home: keys and a default `config.toml` (never overwriting).
pub fn init(home: &Home, moniker: &str, listen: &str, rpc: &str) -> eyre::Result<()> {
    for f in [home.config(), home.validator_key(), home.p2p_key()] {
        if f.exists() {
            return Err(eyre!("{} exists; refusing to overwrite", f.display()));
        }
    }
    multiaddr(listen, "listen address")?;
    let cfg = NodeConfig {
        moniker: moniker.into(),
        p2p: crate::config::P2pSection { listen: listen.into(), peers: vec![], tx_listen: None },
        consensus: Default::default(),
        rpc: crate::config::RpcSection {
            listen: rpc.into(),
            admin_token: random_token(),
            metrics: None,
        },
        parent: None,
        #[cfg(feature = "byzantine")]
        byzantine: None,
    };
    rpc.parse::<std::net::SocketAddr>().wrap_err("rpc listen address")?;
    cfg.save(&home.config())?;
    crate::config::write(
        &home.validator_key(),
        &serde_json::to_string_pretty(&ValidatorKeys::new_file())?,
    )?;
    crate::config::write(&home.p2p_key(), &serde_json::to_string_pretty(&P2pKeyFile::generate())?)?;
    Ok(())
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut b);
    alloy_primitives::hex::encode(b)
}

/// Reads the public half of a home's validator key, for a genesis.
pub fn genesis_validator(home: &Path, power: u64) -> eyre::Result<crate::config::GenesisValidator> {
    let path = Home(home.into()).validator_key();
    let f: crate::config::ValidatorKeyFile = serde_json::from_str(
        &std::fs::read_to_string(&path).wrap_err_with(|| path.display().to_string())?,
    )
    .wrap_err_with(|| path.display().to_string())?;
    Ok(crate::config::GenesisValidator {
        operator: f.operator,
        bls_pubkey: f.bls_pubkey,
        pop: f.pop,
        power,
    })
}
