//! Deposit latency two levels down: root → A → B, as a user sees it.
//!
//! ```sh
//! cargo build --release -p plasma-node --bins
//! cargo run --release -p plasma-node --example tree_deposit_latency -- [DEPOSITS]
//! ```
//!
//! Starts anvil mining a block every second, deploys the root contracts, registers chain A
//! (one validator, bonded on the root) and, on A, chain B (one validator, registered by a
//! `RegisterChild` system transaction); both make blocks every 250 ms and follow their parent
//! with no extra confirmations. Then makes `DEPOSITS` (default 10) deposits of ETH one after
//! the other through `plasma_client::hops::deposit` — the root's `deposit` into A, then a
//! `DepositToChild` on A into B — and times each from the moment it is sent to the root until
//! B's API shows the minted output, with the first hop's share (root → minted on A). Ends
//! with `deposits=… p50_ms=… max_ms=… hop1_p50_ms=… hop2_p50_ms=…`.

mod support;

use eyre::{eyre, WrapErr};
use plasma_bridge::devchain::Devchain;
use plasma_client::hops::{self, Journal};
use plasma_ledger::build::register_child_tx;
use plasma_ledger::children::child_chain_id;
use plasma_ledger::{Address, ChildParams, U256};
use plasma_node::config::{Genesis, ValidatorKeys};
use plasma_node::daemon::{self, Home};
use plasma_node::metrics::percentile;
use plasma_proto::v1::{GetChildRequest, StatusRequest, SubmitTxRequest};
use std::cell::RefCell;
use std::path::Path;
use std::time::{Duration, Instant};

const EPOCH: u64 = 4;
const POWER: u64 = 100;
const GWEI: u64 = 1_000_000_000;

/// A fresh home for one validator, with fast blocks and `parent` appended to its config.
fn node_home(dir: &Path, name: &str, parent: &str) -> eyre::Result<(Home, u16)> {
    let home = Home(dir.join(name));
    let port = support::free_port_pair();
    let rpc = support::free_port();
    daemon::init(&home, name, &format!("/ip4/127.0.0.1/tcp/{port}"), &format!("127.0.0.1:{rpc}"))?;
    let mut cfg = std::fs::read_to_string(home.config())?
        .replace("block_time_ms = 1000", "block_time_ms = 250");
    cfg.push_str(parent);
    std::fs::write(home.config(), cfg)?;
    Ok((home, rpc))
}

fn main() -> eyre::Result<()> {
    let deposits: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(10);
    if deposits == 0 {
        return Err(eyre!("DEPOSITS must be positive"));
    }
    let plasmad = support::plasmad()?;
    let rt = tokio::runtime::Runtime::new()?;
    let dev = Devchain::start_with(3, Some(1)).wrap_err("anvil")?;
    let dir = std::env::temp_dir().join(format!("tree-deposit-latency-{}", std::process::id()));
    let to_root = format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 100\n",
        dev.anvil.endpoint()
    );
    let (a_home, a_rpc) = node_home(&dir, "a0", &to_root)?;

    // A under the root: registered, its validator bonded, the configuration proposed.
    let (root, a_id) = rt.block_on(support::root_with_chain(&dev, &a_home, EPOCH, 60, POWER))?;
    let genesis = |parents: &[u64], chain_id: u64, home: &Home| -> eyre::Result<()> {
        Genesis {
            chain_id,
            root_chain_id: 31337,
            root_contract: root.address(),
            parents: parents.to_vec(),
            validators: vec![daemon::genesis_validator(&home.0, POWER)?],
            deposits: vec![],
        }
        .save(&home.genesis())?;
        Ok(())
    };
    genesis(&[], a_id, &a_home)?;
    std::fs::create_dir_all(dir.join("a"))?;
    let a = support::start(&plasmad, &a_home, &dir.join("a"))?;

    // B under A: its validator's key and proof of possession registered by a system
    // transaction; A names B's chain id from the registration.
    let to_a = format!(
        "{to_root}\n[parent.plasma]\nchain_id = {a_id}\nendpoints = [\"http://127.0.0.1:{a_rpc}\"]\n"
    );
    let (b_home, b_rpc) = node_home(&dir, "b0", &to_a)?;
    let keys = ValidatorKeys::load(&b_home.validator_key())?;
    let params = ChildParams {
        epochLength: EPOCH,
        exitPeriod: 60,
        exitBond: U256::from(GWEI),
        minStake: U256::from(GWEI),
    };
    let member = (keys.operator.address(), &keys.bls, POWER);
    let registration = plasma_ledger::build::child_registration(0, params, &[member]);
    let b_id = child_chain_id(a_id, &registration);
    genesis(&[a_id], b_id, &b_home)?;
    let result = rt.block_on(async {
        use alloy_sol_types::SolValue;
        let mut a_node = support::connect(a_rpc).await?;
        while a_node.node.status(StatusRequest {}).await?.into_inner().height < 1 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let tx = register_child_tx(&registration).abi_encode();
        a_node.chain.submit_tx(SubmitTxRequest { tx }).await?;
        while a_node.children.get_child(GetChildRequest { chain_id: b_id }).await.is_err() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok::<_, eyre::Report>(())
    });
    std::fs::create_dir_all(dir.join("b"))?;
    let b = match result {
        Ok(()) => support::start(&plasmad, &b_home, &dir.join("b"))?,
        Err(e) => {
            support::stop(a);
            return Err(e);
        }
    };

    let result = rt.block_on(async {
        let mut b_node = support::connect(b_rpc).await?;
        while b_node.node.status(StatusRequest {}).await?.into_inner().height < 1 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let alice = dev.user_key(1).ok_or_else(|| eyre!("user key"))?;
        let chains = [format!("http://127.0.0.1:{a_rpc}"), format!("http://127.0.0.1:{b_rpc}")];
        let mut totals = Vec::new();
        let mut first_hops = Vec::new();
        for i in 0..deposits {
            let amount = U256::from(GWEI) * U256::from(1000 + i as u64);
            let what = hops::Deposit { token: Address::ZERO, amount, recipient: alice.address() };
            let mut journal = Journal::open(None, format!("deposit {i}"))?;
            let started = Instant::now();
            let on_a = RefCell::new(None);
            let progress = |line: String| {
                if line.starts_with("hop 1/2: minted") {
                    on_a.borrow_mut().get_or_insert_with(Instant::now);
                }
            };
            hops::deposit(&root, &alice, what, &chains, &mut journal, &progress).await?;
            let total = started.elapsed().as_secs_f64() * 1000.0;
            let hop1 = on_a
                .borrow()
                .map(|t| t.duration_since(started).as_secs_f64() * 1000.0)
                .unwrap_or(total);
            eprintln!("deposit {i}: minted on B {total:.0} ms after it was sent (on A after {hop1:.0} ms)");
            totals.push(total);
            first_hops.push(hop1);
        }
        Ok::<_, eyre::Report>((totals, first_hops))
    });
    support::stop(b);
    support::stop(a);
    let _ = std::fs::remove_dir_all(&dir);
    let (mut totals, first_hops) = result?;
    let mut second_hops: Vec<f64> = totals.iter().zip(&first_hops).map(|(t, h)| t - h).collect();
    let mut first_hops = first_hops;
    for v in [&mut totals, &mut first_hops, &mut second_hops] {
        v.sort_by(|a, b| a.total_cmp(b));
    }
    println!(
        "deposits={} p50_ms={:.0} max_ms={:.0} hop1_p50_ms={:.0} hop2_p50_ms={:.0}",
        totals.len(),
        percentile(&totals, 50),
        totals.last().copied().unwrap_or_default(),
        percentile(&first_hops, 50),
        percentile(&second_hops, 50),
    );
    Ok(())
}
