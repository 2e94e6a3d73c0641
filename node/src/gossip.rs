//! Transaction gossip: a libp2p gossipsub topic per chain, so that a transaction submitted to
//! any node reaches every validator's mempool.
//!
//! Consensus has its own network (Malachite's); this one carries only user transactions,
//! in batches ([`TxBatch`]): a node collects what it accepted for up to [`FLUSH_AFTER`] (or
//! [`MAX_BATCH_BYTES`]) and publishes it as one message, so that the per-message costs (an
//! ed25519 signature, its check on every peer, the message id) are paid once per batch, not
//! once per transfer.
//!
//! A received transaction is admitted exactly like a submitted one (`CheckTx`, then the
//! mempool's limits). A batch that does not decode, or holds a transaction that no state
//! can make valid (undecodable, forged signature, unbalanced, …), is rejected: gossipsub
//! does not forward it (peer scoring is not configured, so the sender is not penalised).
//! A batch none of whose transactions is new or still valid is ignored (not forwarded);
//! its valid transactions are still kept.

use crate::app::PlasmaApp;
use crate::mempool::Mempool;
use bytes::Bytes;
use libp2p::futures::StreamExt;
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageAuthenticity, ValidationMode};
use libp2p::swarm::SwarmEvent;
use libp2p::{identity::Keypair, noise, tcp, yamux, Multiaddr, SwarmBuilder};
use plasma_ledger::{keccak256, SignedTransaction, MAX_TX_BYTES};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

/// Most bytes of transactions in one batch.
pub const MAX_BATCH_BYTES: usize = 256 << 10;

/// Longest a transaction waits for its batch to fill.
pub const FLUSH_AFTER: Duration = Duration::from_millis(5);

/// Why a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Shorter than its length prefixes say.
    #[error("batch truncated at byte {0}")]
    Truncated(usize),
    /// Bytes after the last transaction.
    #[error("{0} bytes after the last transaction")]
    Trailing(usize),
    /// A transaction larger than any valid one.
    #[error("transaction {index} is {len} bytes (at most {MAX_TX_BYTES})")]
    Oversized {
        /// Position in the batch.
        index: usize,
        /// Its claimed length.
        len: usize,
    },
    /// A transaction of zero bytes.
    #[error("transaction {0} is empty")]
    Empty(usize),
    /// More bytes than a batch may hold.
    #[error("batch of {0} bytes (at most {MAX_BATCH_BYTES} of transactions)")]
    TooLarge(usize),
}

/// Transactions gossiped as one message: each one a big-endian `u32` length and its bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TxBatch(pub Vec<Bytes>);

impl TxBatch {
    /// The wire form.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.iter().map(|t| t.len() + 4).sum());
        for tx in &self.0 {
            out.extend_from_slice(&(tx.len() as u32).to_be_bytes());
            out.extend_from_slice(tx);
        }
        out
    }

    /// Parses the wire form strictly: every length in bounds, nothing left over.
    pub fn decode(bytes: &Bytes) -> Result<Self, BatchError> {
        if bytes.len() > MAX_BATCH_BYTES + MAX_BATCH_BYTES / 64 {
            return Err(BatchError::TooLarge(bytes.len()));
        }
        let mut txs = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let Some(prefix) = bytes.get(at..at + 4) else {
                return Err(BatchError::Trailing(bytes.len() - at));
            };
            let len = u32::from_be_bytes(prefix.try_into().expect("4 bytes")) as usize;
            let index = txs.len();
            if len == 0 {
                return Err(BatchError::Empty(index));
            }
            if len > MAX_TX_BYTES {
                return Err(BatchError::Oversized { index, len });
            }
            at += 4;
            if bytes.len() - at < len {
                return Err(BatchError::Truncated(bytes.len()));
            }
            txs.push(bytes.slice(at..at + len));
            at += len;
        }
        Ok(Self(txs))
    }
}

type TxBehaviour =
    gossipsub::Behaviour<gossipsub::IdentityTransform, gossipsub::AllowAllSubscriptionFilter>;

/// Admits a received batch: how many of its transactions were new and valid, or why the
/// batch is at fault (it does not decode, or holds a transaction no state makes valid).
fn admit(app: &PlasmaApp, mempool: &Mempool, data: Bytes) -> Result<usize, String> {
    let batch = TxBatch::decode(&data).map_err(|e| e.to_string())?;
    let decoded = batch
        .0
        .iter()
        .enumerate()
        .map(|(i, raw)| SignedTransaction::decode(raw).map_err(|e| format!("tx {i}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    app.warm(&decoded); // recover every signer on all cores before the checks
    let mut admitted = 0;
    let mut fault = None;
    for (i, raw) in batch.0.into_iter().enumerate() {
        match app.check(&raw) {
            Ok(()) => admitted += usize::from(mempool.insert(raw).is_ok()),
            Err(refusal) if refusal.is_permanent() => {
                fault.get_or_insert(format!("tx {i}: {refusal}"));
            }
            Err(refusal) => debug!(%refusal, "gossiped transaction not admitted"),
        }
    }
    fault.map_or(Ok(admitted), Err)
}

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
        .max_transmit_size(MAX_BATCH_BYTES + MAX_BATCH_BYTES / 64 + 1024)
        .message_id_fn(|m| gossipsub::MessageId::from(keccak256(&m.data).to_vec()))
        .heartbeat_interval(Duration::from_millis(500))
        .build()
        .map_err(|e| eyre::eyre!("gossipsub config: {e}"))?;
    let mut swarm = SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)?
        .with_behaviour(|key| {
            TxBehaviour::new(MessageAuthenticity::Signed(key.clone()), gs_config)
                .expect("valid gossipsub configuration")
        })?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(3600)))
        .build();
    let topic = IdentTopic::new(format!("/plasma/{}/txs", config.chain_id));
    swarm.behaviour_mut().subscribe(&topic)?;
    swarm.listen_on(config.listen.clone())?;
    info!(listen = %config.listen, "transaction gossip listening");
    let mut redial = tokio::time::interval(Duration::from_secs(3));
    let mut batch = TxBatch::default();
    let mut batch_bytes = 0;
    let flush = tokio::time::sleep(FLUSH_AFTER);
    tokio::pin!(flush);
    // Verdicts on received batches, judged off the network task.
    let (verdict_tx, mut verdicts) = mpsc::unbounded_channel();
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
                if batch.0.is_empty() {
                    flush.as_mut().reset(tokio::time::Instant::now() + FLUSH_AFTER);
                }
                batch_bytes += tx.len();
                batch.0.push(tx);
                if batch_bytes >= MAX_BATCH_BYTES - MAX_TX_BYTES {
                    publish(&mut swarm, &topic, std::mem::take(&mut batch));
                    batch_bytes = 0;
                }
            }
            () = &mut flush, if !batch.0.is_empty() => {
                publish(&mut swarm, &topic, std::mem::take(&mut batch));
                batch_bytes = 0;
            }
            Some((message_id, source, verdict)) = verdicts.recv() => {
                swarm.behaviour_mut().report_message_validation_result(&message_id, &source, verdict);
            }
            event = swarm.select_next_some() => match event {
                SwarmEvent::Behaviour(gossipsub::Event::Message { propagation_source, message_id, message }) => {
                    let (app, mempool, verdict_tx) = (app.clone(), mempool.clone(), verdict_tx.clone());
                    let data = Bytes::from(message.data);
                    tokio::task::spawn_blocking(move || {
                        let verdict = match admit(&app, &mempool, data) {
                            Err(reason) => {
                                warn!(%propagation_source, %reason, "transaction batch rejected");
                                MessageAcceptance::Reject
                            }
                            Ok(0) => MessageAcceptance::Ignore,
                            Ok(_) => MessageAcceptance::Accept,
                        };
                        let _ = verdict_tx.send((message_id, propagation_source, verdict));
                    });
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => debug!(%error, "gossip dial failed"),
                SwarmEvent::ListenerError { error, .. } => warn!(%error, "gossip listener error"),
                _ => {}
            },
        }
    }
}

fn publish(swarm: &mut libp2p::Swarm<TxBehaviour>, topic: &IdentTopic, batch: TxBatch) {
    let n = batch.0.len();
    if let Err(e) = swarm.behaviour_mut().publish(topic.clone(), batch.encode()) {
        debug!(error = %e, txs = n, "transaction batch not gossiped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(txs: &[&[u8]]) -> TxBatch {
        TxBatch(txs.iter().map(|t| Bytes::copy_from_slice(t)).collect())
    }

    #[test]
    fn batches_round_trip() {
        for b in [batch(&[]), batch(&[b"a"]), batch(&[b"abc", &[7u8; MAX_TX_BYTES], b"z"])] {
            assert_eq!(TxBatch::decode(&Bytes::from(b.encode())).unwrap(), b);
        }
    }

    #[test]
    fn malformed_batches_are_refused() {
        let good = Bytes::from(batch(&[b"abc", b"de"]).encode());
        for cut in 1..good.len() {
            if cut == 4 + 3 {
                // The boundary after the first transaction: a valid, shorter batch.
                assert_eq!(TxBatch::decode(&good.slice(..cut)).unwrap(), batch(&[b"abc"]));
                continue;
            }
            let err = TxBatch::decode(&good.slice(..cut)).unwrap_err();
            assert!(
                matches!(err, BatchError::Truncated(_) | BatchError::Trailing(_)),
                "cut at {cut}: {err}"
            );
        }
        let mut trailing = good.to_vec();
        trailing.push(0);
        assert_eq!(TxBatch::decode(&trailing.into()), Err(BatchError::Trailing(1)));
        let empty = Bytes::from_static(&[0, 0, 0, 0]);
        assert_eq!(TxBatch::decode(&empty), Err(BatchError::Empty(0)));
        let mut huge = ((MAX_TX_BYTES + 1) as u32).to_be_bytes().to_vec();
        huge.extend(vec![1u8; MAX_TX_BYTES + 1]);
        assert_eq!(
            TxBatch::decode(&huge.into()),
            Err(BatchError::Oversized { index: 0, len: MAX_TX_BYTES + 1 })
        );
        // A length prefix claiming more than the message holds.
        let lying = Bytes::from_static(&[0, 0, 0x0f, 0xff, 1, 2, 3]);
        assert_eq!(TxBatch::decode(&lying), Err(BatchError::Truncated(7)));
        let too_large = Bytes::from(vec![0u8; 2 * MAX_BATCH_BYTES]);
        assert!(matches!(TxBatch::decode(&too_large), Err(BatchError::TooLarge(_))));
    }
}
