//! `plasmad start`, phase 3: the consensus engine — its libp2p network, its write-ahead log
//! and, in a `byzantine` build, the faults `[byzantine]` asks for.

use super::{multiaddr, Home, Setup};
use crate::app::PlasmaApp;
use eyre::eyre;
use plasma_consensus::codec::BorshCodec;
use plasma_consensus::engine::app::config as mcfg;
use plasma_consensus::engine::app::types::codec::Codec;
use plasma_consensus::engine::{
    Channels, ConsensusContext, EngineHandle, NetworkContext, NetworkIdentity, RequestContext,
    Signer, SyncContext, WalContext,
};
use plasma_consensus::shim::ShimConfig;
use plasma_consensus::signing::{BlsSigner, BlsVerifier};
use plasma_consensus::PlasmaContext;

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

/// A started consensus engine, and what the shim needs to drive it.
pub(super) struct Engine {
    /// The engine's channels to the application; the shim drives consensus through them.
    pub(super) channels: Channels<PlasmaContext>,
    /// The engine itself, kept for as long as the node runs.
    _handle: EngineHandle,
    /// The shim's configuration: the chain, its validator schedule, this node's signer,
    /// the timeouts and block limits of `[consensus]`.
    pub(super) shim: ShimConfig,
}

/// Phase 3: starts the consensus engine — its network on `p2p.listen` with the node's libp2p
/// identity and a proof binding it to the BLS key, its write-ahead log under `home` — and
/// arms the faults of `[byzantine]` in a build with the feature. Owns the engine.
pub(super) async fn start_engine(
    home: &Home,
    setup: &Setup,
    app: &PlasmaApp,
) -> eyre::Result<Engine> {
    let (cfg, chain_id, address) = (&setup.cfg, setup.chain_id, setup.address);
    let votes = *setup.genesis.domain.votes();
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

    let signer = BlsSigner::new(votes, setup.keys.bls.clone());
    let codec = BorshCodec;
    let public = signer.public_key().to_eip2537().to_vec();
    let proof = signer
        .sign_validator_proof(public, setup.keypair.public().to_peer_id().to_bytes())
        .await
        .map_err(|e| eyre!("validator proof: {e}"))?;
    let proof_bytes = codec.encode(&proof)?;
    let identity = NetworkIdentity::new_validator(
        cfg.moniker.clone(),
        setup.keypair.clone(),
        address.to_string(),
        proof_bytes,
    );
    let verifier = Box::new(BlsVerifier::new(votes));
    let consensus = ConsensusContext::new_validator(address, verifier, Box::new(signer.clone()));
    let wal = home.wal();
    std::fs::create_dir_all(wal.parent().expect("wal has a parent"))?;
    let (channels, handle) = match byzantine_faults(setup, app)? {
        None => {
            plasma_consensus::engine::start_engine(
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

    let shim = ShimConfig {
        chain_id,
        votes,
        validators: app.schedule(),
        signer: Some((signer, address)),
        timeouts: cfg.consensus.timeouts(),
        block_time: std::time::Duration::from_millis(cfg.consensus.block_time_ms),
        max_block_bytes: cfg.consensus.max_block_bytes,
        part_bytes: cfg.consensus.part_bytes,
    };
    Ok(Engine { channels, _handle: handle, shim })
}

/// Arms the application's faults of `[byzantine]` (invalid proposals, forged spends of the
/// operator's deposits, certified invalid blocks) and returns the engine's own, if any.
#[cfg(feature = "byzantine")]
fn byzantine_faults(
    setup: &Setup,
    app: &PlasmaApp,
) -> eyre::Result<Option<malachitebft_engine_byzantine::ByzantineConfig>> {
    let section = setup.cfg.byzantine.clone().unwrap_or_default();
    if section.invalid_proposals {
        tracing::warn!("BYZANTINE NODE: this node proposes invalid blocks on purpose");
        app.propose_invalid_blocks();
    }
    if section.pass_over_deposits {
        tracing::warn!("BYZANTINE NODE: this node proposes blocks passing over every deposit");
        app.propose_passing_over_deposits();
    }
    use crate::app::Forgery;
    let armed = [
        (section.inflate, Forgery::Inflate),
        (section.double_spend, Forgery::DoubleSpend),
        (section.malformed_stake, Forgery::MalformedStake),
        (section.own_set_checkpoint, Forgery::OwnSetCheckpoint),
    ];
    let mut chosen = armed.iter().filter(|(on, _)| *on).map(|(_, f)| *f);
    let forgery = chosen.next();
    if chosen.next().is_some() {
        return Err(eyre!(
            "[byzantine]: inflate, double_spend, malformed_stake and own_set_checkpoint exclude \
             each other"
        ));
    }
    if let Some(forgery) = forgery {
        tracing::warn!(
            ?forgery,
            "BYZANTINE NODE: this node forges spends of its operator's deposits"
        );
        let key = plasma_ledger::signing::UserKey::from_bytes(setup.keys.operator_secret)
            .ok_or_else(|| eyre!("operator key unusable"))?;
        app.forge_with(key, forgery);
    }
    if section.certify_invalid {
        tracing::warn!("BYZANTINE NODE: this node certifies invalid blocks");
        app.certify_invalid_blocks();
    }
    let engine_faults = section.engine != Default::default();
    Ok(engine_faults.then_some(section.engine))
}

/// No faults: this build has no fault injection.
#[cfg(not(feature = "byzantine"))]
fn byzantine_faults(_setup: &Setup, _app: &PlasmaApp) -> eyre::Result<Option<()>> {
    Ok(None)
}
