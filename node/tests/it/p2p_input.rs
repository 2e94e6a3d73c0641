//! Bad input on the peer-to-peer surface: a rogue libp2p peer joins a validator's
//! transaction gossip and publishes malformed, oversized and forged batches. The node
//! rejects them (nothing reaches its mempool), keeps committing, and still admits a valid
//! transfer gossiped by the same peer afterwards — so the refusals are the checks at work,
//! not a deaf node.

use crate::common;

use common::Cluster;
use libp2p::futures::StreamExt;
use libp2p::gossipsub::{self, IdentTopic, MessageAuthenticity, ValidationMode};
use libp2p::swarm::SwarmEvent;
use libp2p::{identity::Keypair, noise, tcp, yamux, Multiaddr, SwarmBuilder};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{build, Address, Output, UtxoPos, U256};
use plasma_node::gossip::{TxBatch, MAX_BATCH_BYTES};
use plasma_proto::v1::{GetUtxosRequest, StatusRequest};
use std::time::{Duration, Instant};

type Behaviour =
    gossipsub::Behaviour<gossipsub::IdentityTransform, gossipsub::AllowAllSubscriptionFilter>;

fn rogue_swarm() -> libp2p::Swarm<Behaviour> {
    let config = gossipsub::ConfigBuilder::default()
        .validation_mode(ValidationMode::Strict)
        .max_transmit_size(4 * MAX_BATCH_BYTES) // lets it send more than the node accepts
        .heartbeat_interval(Duration::from_millis(200))
        .build()
        .unwrap();
    SwarmBuilder::with_existing_identity(Keypair::generate_ed25519())
        .with_tokio()
        .with_tcp(tcp::Config::default(), noise::Config::new, yamux::Config::default)
        .unwrap()
        .with_behaviour(|key| {
            Behaviour::new(MessageAuthenticity::Signed(key.clone()), config).unwrap()
        })
        .unwrap()
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build()
}

/// Drives the swarm for `d`.
async fn pump(swarm: &mut libp2p::Swarm<Behaviour>, d: Duration) {
    let until = tokio::time::Instant::now() + d;
    while let Ok(event) = tokio::time::timeout_at(until, swarm.select_next_some()).await {
        if let SwarmEvent::ConnectionClosed { cause, .. } = event {
            eprintln!("rogue peer: connection closed ({cause:?})");
        }
    }
}

/// Dials the node (again, if the connection went) until it is subscribed to `topic`.
async fn join(swarm: &mut libp2p::Swarm<Behaviour>, node: &Multiaddr, topic: &IdentTopic) {
    let since = Instant::now();
    loop {
        if swarm.connected_peers().count() == 0 {
            let _ = swarm.dial(node.clone());
        }
        pump(swarm, Duration::from_millis(200)).await;
        if swarm.behaviour().all_peers().any(|(_, topics)| topics.contains(&&topic.hash())) {
            return;
        }
        assert!(since.elapsed() < Duration::from_secs(20), "node never joined the topic");
    }
}

async fn status(port: u16) -> plasma_proto::v1::StatusResponse {
    let mut c = plasma_proto::Client::connect(format!("http://127.0.0.1:{port}")).await.unwrap();
    c.node.status(StatusRequest {}).await.unwrap().into_inner()
}

#[test]
fn malformed_gossip_is_rejected_and_the_node_keeps_going() {
    let alice = UserKey::from_seed(b"alice");
    let mut cluster = Cluster::new(1, &[(alice.address(), 1_000)]);
    cluster.start_all();
    cluster.wait_height(&[0], 2, Duration::from_secs(60));
    let rpc = cluster.nodes[0].rpc;
    let gossip: Multiaddr =
        format!("/ip4/127.0.0.1/tcp/{}", cluster.nodes[0].port + 1).parse().unwrap();
    let g = cluster.genesis.clone();
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut swarm = rogue_swarm();
        let topic = IdentTopic::new(format!("/plasma/{}/txs", g.chain_id));
        swarm.behaviour_mut().subscribe(&topic).unwrap();
        join(&mut swarm, &gossip, &topic).await;
        let before = status(rpc).await;

        // Alice's genesis coin, and a transfer of it signed by someone else.
        let mut c = plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
        let utxos = c
            .chain
            .get_utxos(GetUtxosRequest { owner: alice.address().to_vec() })
            .await
            .unwrap()
            .into_inner()
            .utxos;
        let coin = &utxos[0];
        let pos = UtxoPos::new(coin.height, coin.tx_index, coin.output_index as u8);
        let amount = U256::from_be_slice(&coin.amount);
        let pay = |key: &UserKey| {
            build::transfer(
                &domain,
                &[(pos.clone(), key)],
                vec![Output::new(Address::repeat_byte(0xb0), Address::ZERO, amount)],
            )
        };
        let forged = pay(&UserKey::from_seed(b"mallory"));
        let valid = pay(&alice);
        use alloy_sol_types::SolValue;
        let batch = |txs: Vec<Vec<u8>>| TxBatch(txs.into_iter().map(Into::into).collect()).encode();

        let bad: Vec<(&str, Vec<u8>)> = vec![
            ("a length prefix longer than the message", vec![0, 0, 0x0f, 0xff, 1, 2, 3]),
            ("a transaction that does not decode", batch(vec![b"not a transaction".to_vec()])),
            ("an empty transaction", vec![0, 0, 0, 0]),
            ("a transfer with a forged signature", batch(vec![forged.abi_encode()])),
        ];
        for (what, data) in bad {
            if let Err(e) = swarm.behaviour_mut().publish(topic.clone(), data) {
                panic!("could not publish {what}: {e}");
            }
            pump(&mut swarm, Duration::from_millis(300)).await;
        }
        // Over the size limit: the node drops the substream it came on (so from a second
        // peer, keeping the first one's connection for the honest transfer below).
        let mut oversize = rogue_swarm();
        oversize.behaviour_mut().subscribe(&topic).unwrap();
        join(&mut oversize, &gossip, &topic).await;
        oversize.behaviour_mut().publish(topic.clone(), vec![7u8; 2 * MAX_BATCH_BYTES]).unwrap();
        pump(&mut oversize, Duration::from_secs(1)).await;
        pump(&mut swarm, Duration::from_secs(2)).await;
        let after = status(rpc).await;
        assert_eq!(after.mempool_size, 0, "a rejected transaction reached the mempool");
        assert!(after.height > before.height, "the node stopped committing");

        // The same peer, now honest: its valid transfer is admitted and committed.
        join(&mut swarm, &gossip, &topic).await;
        swarm.behaviour_mut().publish(topic.clone(), batch(vec![valid.abi_encode()])).unwrap();
        let sent = Instant::now();
        loop {
            pump(&mut swarm, Duration::from_millis(300)).await;
            let left = c
                .chain
                .get_utxos(GetUtxosRequest { owner: alice.address().to_vec() })
                .await
                .unwrap()
                .into_inner()
                .utxos;
            if left.is_empty() {
                break;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(30),
                "the valid gossiped transfer was not committed"
            );
        }
    });
    cluster.stop_all();
    let logs = cluster.nodes[0].all_logs();
    let forged = format!("owned by {} but signed by", alice.address());
    for reason in ["batch truncated", "tx 0: ", "transaction 0 is empty", forged.as_str()] {
        assert!(logs.contains(reason), "no log of the refusal {reason:?}");
    }
}
