//! `plasma-bench`: a load generator. Starts a chain of `plasmad` validators on loopback,
//! drives 1-input transfers through their gRPC APIs and prints throughput, commit latency
//! and memory, ending with one line:
//!
//! ```text
//! tps=… p50_ms=… p99_ms=… rss_mb=…
//! ```
//!
//! Every sender owns one output and spends it to itself; when the block with its transfer
//! arrives on the block stream of the first validator, its new output is known and it sends
//! again, to that validator (transaction gossip carries it to the others). Commit latency
//! is submission → the block holding the transfer arriving on the stream.

use alloy_sol_types::SolValue;
use clap::Parser;
use eyre::{bail, eyre, WrapErr};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{Address, Block, Output, UtxoPos, B256, U256};
use plasma_node::config::{Genesis, GenesisDeposit};
use plasma_node::daemon::{self, Home};
use plasma_node::metrics::percentile;
use plasma_proto::v1::{StatusRequest, StreamBlocksRequest, SubmitTxRequest};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};

#[derive(Parser)]
#[command(name = "plasma-bench", about = "Load generator: a local chain under transfer load")]
struct Args {
    /// Validator processes to start.
    #[arg(long, default_value_t = 1)]
    validators: usize,
    /// Measured seconds of load (after warm-up).
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Sending accounts (each has one transfer in flight at a time).
    #[arg(long, default_value_t = 4000)]
    senders: usize,
    /// Submissions in flight at once.
    #[arg(long, default_value_t = 256)]
    in_flight: usize,
    /// Open loop: submit at most this many transfers per second (default: as fast as the
    /// senders' coins come back, which measures capacity; latency then includes queueing).
    #[arg(long)]
    rate: Option<u64>,
    /// Least time per block (ms).
    #[arg(long, default_value_t = 500)]
    block_time_ms: u64,
    /// Working directory (default: a fresh temporary one, removed at the end).
    #[arg(long)]
    dir: Option<PathBuf>,
}

struct Nodes {
    children: Vec<Child>,
}

impl Drop for Nodes {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
        }
        for c in &mut self.children {
            let _ = c.wait();
        }
    }
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn setup(
    dir: &Path,
    args: &Args,
    users: &[UserKey],
) -> eyre::Result<(Vec<Home>, Vec<u16>, Vec<String>)> {
    let mut homes = Vec::new();
    let mut rpcs = Vec::new();
    let mut addrs = Vec::new();
    for i in 0..args.validators {
        let home = Home(dir.join(format!("v{i}")));
        let port = loop {
            let p = free_port();
            if std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
                break p;
            }
        };
        let rpc = free_port();
        let addr = format!("/ip4/127.0.0.1/tcp/{port}");
        daemon::init(&home, &format!("v{i}"), &addr, &format!("127.0.0.1:{rpc}"))?;
        let cfg = std::fs::read_to_string(home.config())?
            .replace("block_time_ms = 1000", &format!("block_time_ms = {}", args.block_time_ms))
            .replace("propose_timeout_ms = 2000", "propose_timeout_ms = 3000");
        std::fs::write(home.config(), cfg)?;
        homes.push(home);
        rpcs.push(rpc);
        addrs.push(addr);
    }
    let genesis = Genesis {
        chain_id: 7,
        root_chain_id: 31337,
        root_contract: Address::repeat_byte(0xc0),
        parents: Vec::new(),
        validators: homes
            .iter()
            .map(|h| daemon::genesis_validator(&h.0, 100))
            .collect::<eyre::Result<_>>()?,
        deposits: users
            .iter()
            .map(|u| GenesisDeposit {
                recipient: u.address(),
                token: Address::ZERO,
                amount: U256::from(1_000_000u64),
            })
            .collect(),
    };
    for h in &homes {
        genesis.save(&h.genesis())?;
    }
    Ok((homes, rpcs, addrs))
}

fn main() -> eyre::Result<()> {
    let args = Args::parse();
    if args.validators == 0 || args.senders == 0 || args.seconds == 0 {
        bail!("--validators, --senders and --seconds must be positive");
    }
    let plasmad = std::env::current_exe()?.with_file_name("plasmad");
    if !plasmad.exists() {
        bail!(
            "{} not found: build it first (cargo build --release -p plasma-node --bins)",
            plasmad.display()
        );
    }
    let tmp;
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => {
            tmp = tempdir()?;
            tmp.clone()
        }
    };
    let users: Vec<UserKey> =
        (0..args.senders).map(|i| UserKey::from_seed(format!("bench-{i}").as_bytes())).collect();
    let (homes, rpcs, addrs) = setup(&dir, &args, &users)?;
    let mut nodes = Nodes { children: Vec::new() };
    for (i, home) in homes.iter().enumerate() {
        let peers: Vec<_> =
            addrs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, a)| a.clone()).collect();
        let log = std::fs::File::create(home.0.join("plasmad.log"))?;
        let child = Command::new(&plasmad)
            .args(["start", "--home", home.0.to_str().unwrap(), "--peers", &peers.join(",")])
            .env("PLASMAD_LOG", std::env::var("PLASMAD_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(log.try_clone()?)
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .wrap_err("starting plasmad")?;
        nodes.children.push(child);
    }
    eprintln!("started {} validator(s) in {}", args.validators, dir.display());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let result = rt.block_on(run(&args, &rpcs, &users, &nodes));
    drop(nodes);
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result
}

fn tempdir() -> eyre::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!("plasma-bench-{}", std::process::id()));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

async fn connect(port: u16) -> eyre::Result<plasma_proto::Client> {
    let url = format!("http://127.0.0.1:{port}");
    let within = Duration::from_secs(30);
    plasma_proto::Client::connect_within(url.clone(), within)
        .await
        .map_err(|e| eyre!("no gRPC server at {url}: {e}"))
}

async fn run(args: &Args, rpcs: &[u16], users: &[UserKey], nodes: &Nodes) -> eyre::Result<()> {
    let domain = SigningDomain::new(7, 31337, Address::repeat_byte(0xc0));
    let mut stream = connect(rpcs[0])
        .await?
        .chain
        .stream_blocks(StreamBlocksRequest { from_height: 1 })
        .await?
        .into_inner();
    let clients: Vec<_> = futures_join(rpcs).await?;
    // Where each sender's coin is: the genesis deposits, minted in nonce order.
    let mut coin: Vec<Option<UtxoPos>> = vec![None; users.len()];
    let mut by_owner: HashMap<Address, usize> =
        users.iter().enumerate().map(|(i, u)| (u.address(), i)).collect();
    let mut minted = 0;
    let warmup = Instant::now();
    while minted < users.len() {
        let msg = stream.message().await?.ok_or_else(|| eyre!("block stream ended"))?;
        let block = Block::abi_decode(&msg.block)?;
        for (i, tx) in block.transactions.iter().enumerate() {
            if let Some(out) = tx.transaction.outputs.first() {
                if let Some(u) = by_owner.remove(&out.owner) {
                    coin[u] = Some(UtxoPos::new(msg.height, i as u32, 0));
                    minted += 1;
                }
            }
        }
        if warmup.elapsed() > Duration::from_secs(120) {
            bail!("genesis deposits not minted after two minutes ({minted} of {})", users.len());
        }
    }
    // Every validator connected and caught up before the load: a late starter catching up by
    // sync under load would show its missed proposer turns as latency.
    let settle = Instant::now();
    loop {
        let mut ready = true;
        let mut h0 = None;
        for c in &clients {
            let s = c.clone().node.status(StatusRequest {}).await?.into_inner();
            let h0 = *h0.get_or_insert(s.height);
            ready &= s.peers as usize + 1 >= clients.len() && s.height + 1 >= h0;
        }
        if ready {
            break;
        }
        if settle.elapsed() > Duration::from_secs(60) {
            bail!("validators not all connected and caught up after a minute");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let idle_rss: Vec<f64> = nodes.children.iter().map(|c| rss_mb(c.id())).collect();
    eprintln!(
        "{} senders funded; idle RSS per validator: {:?} MB",
        users.len(),
        idle_rss.iter().map(|r| r.round()).collect::<Vec<_>>()
    );

    let owner_of: HashMap<Address, usize> =
        users.iter().enumerate().map(|(i, u)| (u.address(), i)).collect();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<usize>();
    for u in 0..users.len() {
        ready_tx.send(u).unwrap();
    }
    let pending: Arc<std::sync::Mutex<HashMap<B256, Instant>>> = Arc::default();
    let permits = Arc::new(Semaphore::new(args.in_flight));
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(3);
    let end = measure_from + Duration::from_secs(args.seconds);
    let mut latencies = Vec::new();
    let mut committed_in_window = 0u64;
    let mut peak_rss = vec![0f64; nodes.children.len()];
    let mut rejected = 0u64;
    let (rej_tx, mut rej_rx) = mpsc::unbounded_channel::<(usize, UtxoPos)>();
    // Token bucket for --rate: refilled every 10 ms, holding at most 50 ms of sends.
    let mut tokens = 0f64;
    let mut refill = tokio::time::interval(Duration::from_millis(10));
    loop {
        let may_send = args.rate.is_none() || tokens >= 1.0;
        tokio::select! {
            _ = refill.tick(), if args.rate.is_some() => {
                let rate = args.rate.unwrap_or_default() as f64;
                tokens = (tokens + rate / 100.0).min(rate / 20.0 + 1.0);
            }
            Some(u) = ready_rx.recv(), if may_send && Instant::now() < end => {
                tokens -= 1.0;
                let Some(pos) = coin[u].take() else { continue };
                let user = &users[u];
                let stx = plasma_ledger::build::transfer(&domain, &[(pos.clone(), user)], vec![Output::new(user.address(), Address::ZERO, U256::from(1_000_000u64))]);
                let hash = stx.transaction.hash();
                pending.lock().unwrap().insert(hash, Instant::now());
                // The node whose stream told us the coin exists has committed it; others
                // may not have yet. Gossip carries the transfer to every validator.
                let mut client = clients[0].clone();
                let permit = permits.clone().acquire_owned().await?;
                let rej = rej_tx.clone();
                let pending = pending.clone();
                tokio::spawn(async move {
                    if client.chain.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await.is_err() {
                        pending.lock().unwrap().remove(&hash);
                        let _ = rej.send((u, pos));
                    }
                    drop(permit);
                });
            }
            Some((u, pos)) = rej_rx.recv() => {
                // Refused (mempool full, or the node is behind): the coin is unspent; retry.
                rejected += 1;
                coin[u] = Some(pos);
                let _ = ready_tx.send(u);
            }
            msg = stream.message() => {
                let Some(msg) = msg? else { bail!("block stream ended") };
                let now = Instant::now();
                let block = Block::abi_decode(&msg.block)?;
                for (i, tx) in block.transactions.iter().enumerate() {
                    let hash = tx.transaction.hash();
                    if let Some(sent) = pending.lock().unwrap().remove(&hash) {
                        if sent >= measure_from && now <= end {
                            latencies.push(now.duration_since(sent).as_secs_f64() * 1000.0);
                        }
                        if now >= measure_from && now <= end {
                            committed_in_window += 1;
                        }
                    }
                    if let Some(out) = tx.transaction.outputs.first() {
                        if let Some(u) = owner_of.get(&out.owner) {
                            coin[*u] = Some(UtxoPos::new(msg.height, i as u32, 0));
                            let _ = ready_tx.send(*u);
                        }
                    }
                }
                for (i, c) in nodes.children.iter().enumerate() {
                    peak_rss[i] = peak_rss[i].max(rss_mb(c.id()));
                }
                if now > end {
                    break;
                }
            }
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let tps = committed_in_window as f64 / args.seconds as f64;
    let rss = peak_rss.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "validators={} senders={} rate={} in_flight={} block_time_ms={} rejected={} idle_rss_mb={:.0}",
        args.validators,
        args.senders,
        args.rate.map_or("max".into(), |r| r.to_string()),
        args.in_flight,
        args.block_time_ms,
        rejected,
        idle_rss.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "tps={:.0} p50_ms={:.0} p99_ms={:.0} rss_mb={:.0}",
        tps,
        percentile(&latencies, 50),
        percentile(&latencies, 99),
        rss
    );
    Ok(())
}

async fn futures_join(rpcs: &[u16]) -> eyre::Result<Vec<plasma_proto::Client>> {
    let mut out = Vec::new();
    for p in rpcs {
        out.push(connect(*p).await?); // every node is up before the load starts
    }
    Ok(out)
}
