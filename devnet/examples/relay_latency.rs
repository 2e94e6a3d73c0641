//! Checkpoint relay latency per level of a tree: from the moment a chain's API shows an
//! epoch-end block committed to the moment its parent's latest checkpoint is that block —
//! the root contract for A, chain A's registry for B.
//!
//! ```sh
//! cargo build --release -p plasma-node -p plasma-devnet --bins --examples
//! target/release/examples/relay_latency 20      # epochs to measure per level
//! ```

use plasma_devnet::{Devnet, Options, Topology};
use plasma_node::metrics::percentile;
use plasma_proto::v1::StatusRequest;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const TOPOLOGY: &str = r#"
[root]
block_time = 1

[defaults]
epoch_length = 4
block_time_ms = 250

[[chain]]
name = "A"
validators = 1

[[chain]]
name = "B"
parent = "A"
validators = 1
"#;

fn main() -> eyre::Result<()> {
    let epochs: u64 = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(20);
    let rt = tokio::runtime::Runtime::new()?;
    let dir = tempfile::tempdir()?;
    let options = Options { base_port: 17_000, ..Options::new(dir.path().join("net")) };
    let topology = Topology::parse(TOPOLOGY)?;
    let progress = |line: &str| eprintln!("{line}");
    let devnet = rt.block_on(Devnet::up(&topology, TOPOLOGY, options, &progress))?;
    let chains: Vec<usize> = (0..devnet.state.chains.len()).collect();
    let epoch = 4;
    let results = rt.block_on(async {
        // Per chain: when each epoch end was first seen committed, and when its parent first
        // showed it as the latest checkpoint.
        let mut committed: Vec<BTreeMap<u64, Instant>> = vec![BTreeMap::new(); chains.len()];
        let mut landed: Vec<BTreeMap<u64, Instant>> = vec![BTreeMap::new(); chains.len()];
        let first = devnet.height(chains[chains.len() - 1]).await / epoch + 1;
        let last = first + epochs;
        let mut clients = Vec::new();
        for &i in &chains {
            clients.push(devnet.client(i, 0).await?);
        }
        while landed.iter().any(|l| l.range(last * epoch..).next().is_none()) {
            let now = Instant::now();
            for &i in &chains {
                let height = clients[i].node.status(StatusRequest {}).await?.into_inner().height;
                let end = height / epoch * epoch;
                if end >= first * epoch {
                    committed[i].entry(end).or_insert(now);
                }
                if let Some((cp, _)) = devnet.checkpoint(i).await {
                    if cp >= first * epoch {
                        landed[i].entry(cp).or_insert(now);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut out = Vec::new();
        for &i in &chains {
            let mut lat: Vec<u128> = landed[i]
                .iter()
                .filter_map(|(h, t)| Some(t.duration_since(*committed[i].get(h)?).as_millis()))
                .collect();
            lat.sort();
            out.push((devnet.state.chains[i].path.clone(), lat));
        }
        Ok::<_, eyre::Report>(out)
    })?;
    for (path, lat) in results {
        if lat.is_empty() {
            println!("{path}: no checkpoint measured");
            continue;
        }
        println!(
            "{path}: checkpoints={} p50_ms={} max_ms={}",
            lat.len(),
            percentile(&lat, 50),
            lat[lat.len() - 1]
        );
    }
    Ok(())
}
