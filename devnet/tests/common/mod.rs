//! Booting a small devnet for one test: its own data folder and its own ports.

#![allow(dead_code, unreachable_pub, missing_docs)]

use plasma_devnet::{Devnet, DevnetError, Options, Topology};
use std::sync::atomic::{AtomicU32, Ordering};

pub const ETH: u128 = 1_000_000_000_000_000_000;

/// Ports come from below Linux's ephemeral range (32768 and up), from which outgoing
/// connections draw theirs; each test process starts at its own offset.
static NEXT_BASE: AtomicU32 = AtomicU32::new(0);

/// Boots `topology` in a fresh folder (kept in the returned guard) with test timeouts.
pub fn boot(rt: &tokio::runtime::Runtime, topology: &str) -> (tempfile::TempDir, Devnet) {
    let parsed = Topology::parse(topology).expect("test topology");
    let dir = tempfile::tempdir().unwrap();
    let offset = (std::process::id() % 40) * 300;
    for _ in 0..40 {
        let k = NEXT_BASE.fetch_add(300, Ordering::Relaxed);
        let base = 20_000 + ((offset + k) % 12_000) as u16;
        let options = Options {
            base_port: base,
            node_overrides: vec![
                "consensus.propose_timeout_ms=1000".into(),
                "consensus.vote_timeout_ms=500".into(),
            ],
            ..Options::new(dir.path().join("devnet"))
        };
        let progress = |line: &str| eprintln!("devnet: {line}");
        match rt.block_on(Devnet::up(&parsed, topology, options, &progress)) {
            Ok(devnet) => return (dir, devnet),
            Err(DevnetError::Ports(why)) => eprintln!("devnet: {why}; next ports"),
            Err(e) => panic!("devnet up: {e}"),
        }
    }
    panic!("no free ports for a devnet");
}
