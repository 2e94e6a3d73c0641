//! Checkpoint relay latency chain → root, and the gas a devnet actually pays for its
//! checkpoints and for one exit.
//!
//! ```sh
//! cargo build --release -p plasma-node --bins
//! cargo run --release -p plasma-node --example checkpoint_relay -- [CHECKPOINTS]
//! ```
//!
//! Starts anvil mining a block every second, deploys the root contracts, registers a chain
//! (epoch 4), bonds one `plasmad` validator on the root and starts it following the root
//! (blocks every 250 ms). For `CHECKPOINTS` (default 10) checkpoints, measures from the
//! moment the node's API shows the epoch-end block committed to the moment the root's
//! latest checkpoint reaches it (the relayer submits; anvil mines the next second). Then
//! deposits, exits the output under a checkpoint and processes the exit after the exit period
//! (time warp). Every gas figure is a receipt's `gasUsed`. Ends with two lines:
//! `checkpoints=… relay_p50_ms=… relay_max_ms=… gas_p50=… gas_max=…` and
//! `exit startExit_gas=… processExits_gas=… withdraw_gas=…`.

mod support;

use alloy_sol_types::SolValue;
use eyre::{eyre, WrapErr};
use plasma_bridge::devchain::Devchain;
use plasma_bridge::Root;
use plasma_ledger::{Address, UtxoPos, U256};
use plasma_node::config::Genesis;
use plasma_node::daemon::{self, Home};
use plasma_node::metrics::percentile;
use plasma_proto::v1::{GetBlockRequest, GetInclusionProofRequest, GetUtxosRequest, StatusRequest};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const EPOCH: u64 = 4;
const EXIT_PERIOD: u64 = 60;
const POWER: u64 = 100;
const GWEI: u64 = 1_000_000_000;

fn main() -> eyre::Result<()> {
    let checkpoints: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(10);
    if checkpoints == 0 {
        return Err(eyre!("CHECKPOINTS must be positive"));
    }
    let plasmad = support::plasmad()?;
    let rt = tokio::runtime::Runtime::new()?;
    let dev = Devchain::start_with(3, Some(1)).wrap_err("anvil")?;
    let dir = std::env::temp_dir().join(format!("checkpoint-relay-{}", std::process::id()));
    let home = Home(dir.join("v0"));
    let port = support::free_port_pair();
    let rpc = support::free_port();
    daemon::init(&home, "v0", &format!("/ip4/127.0.0.1/tcp/{port}"), &format!("127.0.0.1:{rpc}"))?;

    let (root, chain_id) =
        rt.block_on(support::root_with_chain(&dev, &home, EPOCH, EXIT_PERIOD, POWER))?;

    let mut cfg = std::fs::read_to_string(home.config())?
        .replace("block_time_ms = 1000", "block_time_ms = 250");
    cfg.push_str(&format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 100\n",
        dev.anvil.endpoint()
    ));
    std::fs::write(home.config(), cfg)?;
    let genesis = Genesis {
        chain_id,
        root_chain_id: 31337,
        root_contract: root.address(),
        parents: Vec::new(),
        validators: vec![daemon::genesis_validator(&home.0, POWER)?],
        deposits: vec![],
    };
    genesis.save(&home.genesis())?;
    let child = support::start(&plasmad, &home, &dir)?;

    let result = rt.block_on(async {
        let started = Instant::now();
        let mut node = support::connect(rpc).await?;
        let last_checkpoint = |root: Root| async move {
            root.contract().chain(chain_id).call().await.map(|c| c.lastHeight)
        };
        // Relay latency: committed on the chain → accepted on the root.
        let mut seen: HashMap<u64, Instant> = HashMap::new();
        let mut latencies = Vec::new();
        let mut last = 0;
        while latencies.len() < checkpoints {
            let height = node.node.status(StatusRequest {}).await?.into_inner().height;
            for h in 1..=height {
                seen.entry(h).or_insert_with(Instant::now);
            }
            let on_root = last_checkpoint(root.clone()).await?;
            if on_root > last {
                let at = seen
                    .get(&on_root)
                    .ok_or_else(|| eyre!("checkpoint {on_root} before its block"))?;
                let ms = at.elapsed().as_secs_f64() * 1000.0;
                // The first one includes the node's start; keep steady-state figures only.
                if last > 0 {
                    eprintln!("checkpoint {on_root}: on the root {ms:.0} ms after its commit");
                    latencies.push(ms);
                }
                last = on_root;
            }
            if started.elapsed() > Duration::from_secs(300) {
                return Err(eyre!("only {} checkpoints in five minutes", latencies.len()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let gas: Vec<f64> = root
            .checkpoints_submitted(chain_id, 0)
            .await?
            .iter()
            .map(|(_, _, gas)| *gas as f64)
            .collect();

        // One exit, as a user pays it.
        let alice = dev.user_key(1).ok_or_else(|| eyre!("user key"))?.address();
        root.deposit(alice, chain_id, alice, Address::ZERO, U256::from(GWEI)).await?;
        let utxo = loop {
            let utxos = node.chain.get_utxos(GetUtxosRequest { owner: alice.to_vec() }).await?;
            if let Some(u) = utxos.into_inner().utxos.first().cloned() {
                break u;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let anchor = loop {
            let on_root = last_checkpoint(root.clone()).await?;
            if on_root >= utxo.height {
                break on_root;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let request = GetInclusionProofRequest {
            height: utxo.height,
            tx_index: utxo.tx_index,
            anchor_height: anchor,
        };
        let inclusion = node.chain.get_inclusion_proof(request).await?.into_inner().inclusion;
        let inclusion = plasma_ledger::TxInclusion::abi_decode(&inclusion)?;
        let block =
            node.chain.get_block(GetBlockRequest { height: anchor }).await?.into_inner().block;
        let header = plasma_ledger::Block::decode(&block)?.header;
        let pos = UtxoPos::new(utxo.height, utxo.tx_index, utxo.output_index as u8);
        let bond = root.exit_bond().await?;
        let start = root.start_exit(alice, &header, &pos, &inclusion, bond).await?;
        dev.warp(3 * EXIT_PERIOD).await?;
        let process = root.process_exits(dev.accounts[0], chain_id, Address::ZERO, 10).await?;
        let withdraw = root.withdraw(alice, Address::ZERO).await?;
        Ok::<_, eyre::Report>((
            latencies,
            gas,
            [start.gas_used, process.gas_used, withdraw.gas_used],
        ))
    });
    support::stop(child);
    let _ = std::fs::remove_dir_all(&dir);
    let (mut latencies, mut gas, [start, process, withdraw]) = result?;
    latencies.sort_by(|a, b| a.total_cmp(b));
    gas.sort_by(|a, b| a.total_cmp(b));
    println!(
        "checkpoints={} relay_p50_ms={:.0} relay_max_ms={:.0} gas_p50={:.0} gas_max={:.0}",
        latencies.len(),
        percentile(&latencies, 50),
        latencies.last().copied().unwrap_or_default(),
        percentile(&gas, 50),
        gas.last().copied().unwrap_or_default(),
    );
    println!("exit startExit_gas={start} processExits_gas={process} withdraw_gas={withdraw}");
    Ok(())
}
