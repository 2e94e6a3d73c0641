//! Transaction gossip: a libp2p gossipsub topic per chain, so that a transaction submitted to
//! any node reaches every validator's mempool.
//!
//! Consensus has its own network (Malachite's); this one carries only user transactions. A
//! received transaction is admitted exactly like a submitted one (`CheckTx`, then the
//! mempool's limits); anything else — oversized, undecodable, invalid, already known — is
//! dropped and never forwarded (gossipsub forwards only messages the validator accepts).

use crate::app::PlasmaApp;
use crate::mempool::Mempool;
use bytes::Bytes;
use libp2p::futures::StreamExt;
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageAuthenticity, ValidationMode};
use libp2p::swarm::SwarmEvent;
use libp2p::{identity::Keypair, noise, tcp, yamux, Multiaddr, SwarmBuilder};
use plasma_ledger::MAX_TX_BYTES;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

/// Where gossip listens and whom it dials.
#[derive(Debug, Clone)]
pub struct GossipConfig {
    /// Chain id (names the topic).
    pub chain_id: u64,
    /// Listen address.
    pub listen: Multiaddr,
    /// Peers to dial (and redial).
    pub peers: Vec<Multiaddr>,
}

/// Runs gossip until `outbound` closes: publishes what arrives on `outbound`, admits what
/// peers publish.
pub async fn run(
    keypair: Keypair,
    config: GossipConfig,
    app: PlasmaApp,
    mempool: Arc<Mempool>,
    mut outbound: mpsc::Receiver<Bytes>,
) -> eyre::Result<()> {
    let gs_config = gossipsub::ConfigBuilder::default()
        .validation_mode(ValidationMode::Strict)
        .validate_messages()
        .max_transmit_size(MAX_TX_BYTES + 512)
        .heartbeat_interval(Duration::from_millis(500))
        .build()
        .map_err(|e| eyre::eyre!("gossipsub config: {e}"))?;
    let mut swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)?
        .with_behaviour(|key| {
            gossipsub::Behaviour::<
                gossipsub::IdentityTransform,
                gossipsub::AllowAllSubscriptionFilter,
            >::new(MessageAuthenticity::Signed(key.clone()), gs_config)
            .expect("valid gossipsub configuration")
        })?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(3600)))
        .build();
    let topic = IdentTopic::new(format!("/plasma/{}/txs", config.chain_id));
    swarm.behaviour_mut().subscribe(&topic)?;
    swarm.listen_on(config.listen.clone())?;
    info!(listen = %config.listen, "transaction gossip listening");
    let mut redial = tokio::time::interval(Duration::from_secs(3));
    loop {
        tokio::select! {
            _ = redial.tick() => {
                let connected = swarm.connected_peers().count();
                if connected < config.peers.len() {
                    for p in &config.peers {
                        let _ = swarm.dial(p.clone());
                    }
                }
            }
            tx = outbound.recv() => {
                let Some(tx) = tx else { return Ok(()) };
                if let Err(e) = swarm.behaviour_mut().publish(topic.clone(), tx.to_vec()) {
                    debug!(error = %e, "transaction not gossiped");
                }
            }
            event = swarm.select_next_some() => match event {
                SwarmEvent::Behaviour(gossipsub::Event::Message { propagation_source, message_id, message }) => {
                    let raw = Bytes::from(message.data);
                    let verdict = if raw.len() > MAX_TX_BYTES {
                        MessageAcceptance::Reject
                    } else {
                        match app.check(&raw) {
                            Err(reason) => {
                                debug!(%propagation_source, %reason, "gossiped transaction refused");
                                MessageAcceptance::Reject
                            }
                            Ok(()) => match mempool.insert(raw) {
                                Ok(_) => MessageAcceptance::Accept,
                                Err(_) => MessageAcceptance::Ignore,
                            },
                        }
                    };
                    swarm.behaviour_mut().report_message_validation_result(&message_id, &propagation_source, verdict);
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => debug!(%error, "gossip dial failed"),
                SwarmEvent::ListenerError { error, .. } => warn!(%error, "gossip listener error"),
                _ => {}
            },
        }
    }
}
