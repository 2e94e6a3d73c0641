//! `plasmad start`: one chain's node — store, application, mempool, consensus engine and
//! its libp2p network — wired together and run until a signal.
//!
//! [`run`] goes through five phases, each a function owning what it starts: the home's files
//! loaded and checked (nothing opened yet: a genesis that contradicts its `[parent]` stops the
//! node here), the store opened, the consensus engine started (`engine`), the node's services
//! started (`services`: transaction gossip, the gRPC API, commit metrics) and, under a
//! `[parent]`, the tasks following the parent (`parent`); then consensus runs until a signal.

mod engine;
mod parent;
mod services;

use crate::app::PlasmaApp;
use crate::config::{ConfigError, Genesis, LoadedGenesis, NodeConfig, P2pKeyFile, ValidatorKeys};
use crate::rpc::LogControl;
use crate::store::{Store, StoreConfig};
use engine::{start_engine, Engine};
use eyre::{eyre, WrapErr};
use parent::start_parent_tasks;
use plasma_consensus::engine::app::engine::network::Multiaddr;
use plasma_consensus::shim::Shim;
use plasma_consensus::ValidatorAddress;
use services::{start_services, Services};
use std::path::{Path, PathBuf};
use tracing::info;

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

/// What a node home says, loaded and checked: what every phase after [`validate_config`]
/// starts from.
struct Setup {
    /// `config.toml` with the overrides applied.
    cfg: NodeConfig,
    /// `genesis.json`, checked.
    genesis: LoadedGenesis,
    /// The validator's BLS and operator keys.
    keys: ValidatorKeys,
    /// The node's libp2p identity: one identity for consensus and transaction gossip.
    keypair: libp2p_identity::Keypair,
    /// This chain's id (the genesis `chain_id`).
    chain_id: u64,
    /// This node's operator address (it signs at heights whose set includes it).
    address: ValidatorAddress,
}

/// Runs the node at `home` until SIGINT/SIGTERM; `log` switches the process's log filter
/// (the API's `SetLogLevel`).
pub async fn run(home: Home, overrides: Overrides, log: Option<LogControl>) -> eyre::Result<()> {
    let setup = validate_config(&home, &overrides)?;
    let app = open_store(&home, &setup)?;
    let engine = start_engine(&home, &setup, &app).await?;
    let services = start_services(&setup, &app, &engine, log).await?;
    start_parent_tasks(&setup, &app, &services).await?;
    run_until_stopped(setup, app, engine, services).await
}

/// Phase 1, before anything is opened or started: loads `config.toml` (with `overrides`),
/// `genesis.json` and the keys, and checks the genesis against the `[parent]` the
/// configuration names. Owns the refusals that need nothing but the home's files.
fn validate_config(home: &Home, overrides: &Overrides) -> eyre::Result<Setup> {
    #[cfg(feature = "byzantine")]
    tracing::warn!(
        "this plasmad is built with the `byzantine` fault-injection feature: for tests only"
    );
    let cfg = load_config(home, overrides)?;
    let genesis = Genesis::load(&home.genesis())?;
    let keys = ValidatorKeys::load(&home.validator_key())?;
    let keypair = P2pKeyFile::load(&home.p2p_key())?;
    check_genesis_against_parent(&cfg, &genesis)?;
    let chain_id = genesis.genesis.chain_id;
    let address = ValidatorAddress(keys.operator.address());
    Ok(Setup { cfg, genesis, keys, keypair, chain_id, address })
}

/// Under a `[parent]`, the chain's deposits come from the parent alone: a genesis with
/// deposits of its own is refused (their nonces would collide with the parent's). The chains
/// the genesis names above this one (its votes name them) must be the ones `[parent]` follows.
fn check_genesis_against_parent(cfg: &NodeConfig, genesis: &LoadedGenesis) -> eyre::Result<()> {
    let Some(parent) = &cfg.parent else { return Ok(()) };
    if !genesis.genesis.deposits.is_empty() {
        return Err(eyre!(
            "genesis.json has deposits, but this chain's deposits come from its parent \
             (config [parent]): their nonces would collide"
        ));
    }
    let followed: Vec<u64> = parent.plasma.as_ref().map_or_else(Vec::new, |pp| {
        pp.ancestors.iter().map(|a| a.chain_id).chain([pp.chain_id]).collect()
    });
    if genesis.genesis.parents != followed {
        return Err(eyre!(
            "genesis.json names the chains {:?} above this one, but config [parent] follows \
             {followed:?}: the chain's votes would name other parents than the ones it has",
            genesis.genesis.parents
        ));
    }
    Ok(())
}

/// Phase 2: opens the store as the application ([`open_app`]: the genesis deposits are
/// recorded on first use) and says what this node is — its chain, its address, whether the
/// next height's validator set includes it. Owns the application.
fn open_store(home: &Home, setup: &Setup) -> eyre::Result<PlasmaApp> {
    let app = open_app(home)?;
    let head = app.with_store(|s| s.head().height);
    let address = setup.address;
    // Any node may become a validator when the parent bonds it: every node runs consensus
    // with its key and votes at the heights whose set includes it.
    let is_validator = app.schedule().at(head + 1).index_of(&address).is_some();
    let peer = setup.keypair.public().to_peer_id();
    info!(moniker = %setup.cfg.moniker, chain = setup.chain_id, %address, validator = is_validator, %peer, "starting plasmad");
    info!(height = head, "store opened");
    Ok(app)
}

/// After the phases: serves Prometheus metrics (`rpc.metrics`), then runs consensus — the
/// shim driving the engine — until SIGINT/SIGTERM or the API's `Shutdown`. Under a parent,
/// a chain whose consensus halted keeps its API and watchers running until told to stop.
async fn run_until_stopped(
    setup: Setup,
    app: PlasmaApp,
    mut engine: Engine,
    services: Services,
) -> eyre::Result<()> {
    if let Some(m) = &setup.cfg.rpc.metrics {
        let addr: std::net::SocketAddr = m.parse().wrap_err("rpc.metrics")?;
        tokio::spawn(async move {
            if let Err(e) = crate::metrics::serve(addr).await {
                tracing::error!(error = %e, "metrics server stopped");
            }
        });
        info!(%addr, "Prometheus metrics on /metrics");
    }

    let mut shim = Shim::new(engine.shim, app, services.mempool);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let halted = tokio::select! {
        r = shim.run(&mut engine.channels) => r.map_err(|e| eyre!(e)),
        _ = tokio::signal::ctrl_c() => { info!("interrupted; stopping"); return Ok(()) }
        _ = term.recv() => { info!("terminated; stopping"); return Ok(()) }
        _ = services.shutdown.notified() => { info!("shutdown requested over the API; stopping"); return Ok(()) }
    };
    let Err(error) = halted else { return Ok(()) };
    if setup.cfg.parent.is_none() {
        return Err(error);
    }
    // Under a parent, a halted chain still owes its users their exits: keep serving proofs
    // and watching (the watcher proves an invalid decided block) until told to stop.
    tracing::error!(%error, "consensus halted; the API and the watcher keep running so that users can exit");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => info!("interrupted; stopping"),
        _ = term.recv() => info!("terminated; stopping"),
        _ = services.shutdown.notified() => info!("shutdown requested over the API; stopping"),
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
