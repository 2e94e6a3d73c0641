//! Booting a small devnet for one test: its own data folder and its own ports.

#![allow(unreachable_pub)]

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

/// One chain of a test topology: name, parent (none: under the root), validators, and its
/// exit period when not the topology's default.
pub struct Chain(pub &'static str, pub Option<&'static str>, pub usize, pub Option<u64>);

/// A topology file for a test: an instant-mining root, blocks every 300 ms, epochs of
/// `epoch_length` blocks, `exit_period` as the default when given, then `chains` in order.
pub fn topology(epoch_length: u64, exit_period: Option<u64>, chains: &[Chain]) -> String {
    let mut toml = format!(
        "[root]\nblock_time = 0\n\n[defaults]\nepoch_length = {epoch_length}\nblock_time_ms = 300\n"
    );
    if let Some(period) = exit_period {
        toml += &format!("exit_period = {period}\n");
    }
    for Chain(name, parent, validators, exit_period) in chains {
        toml += &format!("\n[[chain]]\nname = \"{name}\"\n");
        if let Some(parent) = parent {
            toml += &format!("parent = \"{parent}\"\n");
        }
        toml += &format!("validators = {validators}\n");
        if let Some(period) = exit_period {
            toml += &format!("exit_period = {period}\n");
        }
    }
    toml
}
