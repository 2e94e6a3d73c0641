//! Deposit latency, root → chain: how long after the root finalizes a deposit its output is
//! spendable on the chain.
//!
//! ```sh
//! cargo build --release -p plasma-node --bins
//! cargo run --release -p plasma-node --example deposit_latency -- [DEPOSITS] [CONFIRMATIONS]
//! ```
//!
//! Starts anvil mining a block every second, deploys the root contracts, registers a chain
//! and runs one `plasmad` validator following the root with `CONFIRMATIONS` (default 2) as
//! its finality rule. Then makes `DEPOSITS` (default 20) deposits one after another and, for
//! each, measures from the moment the root's head reaches the deposit's block plus
//! `CONFIRMATIONS` (the deposit is final) to the minted output being visible in the chain's
//! gRPC API. Ends with one line: `deposits=… p50_ms=… max_ms=… confirmations=…`.

mod support;

use eyre::{eyre, WrapErr};
use plasma_bridge::devchain::Devchain;
use plasma_bridge::{ChainParams, Root};
use plasma_ledger::{Address, B256, U256};
use plasma_node::config::Genesis;
use plasma_node::daemon::{self, Home};
use plasma_proto::v1::GetUtxosRequest;
use std::time::{Duration, Instant};

fn main() -> eyre::Result<()> {
    let mut args = std::env::args().skip(1);
    let deposits: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(20);
    let confirmations: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2);
    if deposits == 0 {
        return Err(eyre!("DEPOSITS must be positive"));
    }
    let plasmad = support::plasmad()?;
    let rt = tokio::runtime::Runtime::new()?;
    let dev = Devchain::start_with(2, Some(1)).wrap_err("anvil")?;
    let (root, chain_id) = rt.block_on(async {
        let (root, _) = Root::deploy(dev.provider.clone(), U256::from(1u64), U256::ZERO).await?;
        let params =
            ChainParams { epoch_length: 16, exit_period: 60, min_stake: 1, max_validators: 4 };
        let (id, _) = root.register_chain(dev.accounts[0], params).await?;
        Ok::<_, eyre::Report>((root, id))
    })?;

    let dir = std::env::temp_dir().join(format!("deposit-latency-{}", std::process::id()));
    let home = Home(dir.join("v0"));
    let port = support::free_port_pair();
    let rpc = support::free_port();
    daemon::init(&home, "v0", &format!("/ip4/127.0.0.1/tcp/{port}"), &format!("127.0.0.1:{rpc}"))?;
    let mut cfg = std::fs::read_to_string(home.config())?
        .replace("block_time_ms = 1000", "block_time_ms = 250");
    cfg.push_str(&format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = {confirmations}\npoll_ms = 100\n",
        dev.anvil.endpoint()
    ));
    std::fs::write(home.config(), cfg)?;
    let genesis = Genesis {
        chain_id,
        root_chain_id: 31337,
        root_contract: root.address(),
        parents: Vec::new(),
        validators: vec![daemon::genesis_validator(&home.0, 100)?],
        deposits: vec![],
    };
    genesis.save(&home.genesis())?;
    let child = support::start(&plasmad, &home, &dir)?;

    let result = rt.block_on(async {
        let mut node = support::connect(rpc).await?;
        let mut latencies = Vec::new();
        for i in 0..deposits {
            let who = Address::from_word(B256::from(U256::from(0xa11ce + i)));
            let (_, receipt) = root
                .deposit(dev.accounts[1], chain_id, who, Address::ZERO, U256::from(1u64))
                .await?;
            let block = receipt.inner.block_number.ok_or_else(|| eyre!("receipt without block"))?;
            // The deposit is final once the root's head is `confirmations` past its block.
            while dev.block_number().await? < block + confirmations {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let final_at = Instant::now();
            loop {
                let utxos = node.chain.get_utxos(GetUtxosRequest { owner: who.to_vec() }).await?;
                if !utxos.into_inner().utxos.is_empty() {
                    break;
                }
                if final_at.elapsed() > Duration::from_secs(60) {
                    return Err(eyre!("deposit {i} not minted a minute after finality"));
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let ms = final_at.elapsed().as_secs_f64() * 1000.0;
            eprintln!("deposit {i}: spendable {ms:.0} ms after root finality");
            latencies.push(ms);
        }
        Ok::<_, eyre::Report>(latencies)
    });
    support::stop(child);
    let _ = std::fs::remove_dir_all(&dir);
    let mut latencies = result?;
    latencies.sort_by(|a, b| a.total_cmp(b));
    let p50 = latencies[latencies.len() / 2];
    let max = latencies.last().copied().unwrap_or_default();
    println!(
        "deposits={} p50_ms={p50:.0} max_ms={max:.0} confirmations={confirmations}",
        latencies.len()
    );
    Ok(())
}
