//! A local cluster of `plasmad` processes on loopback, for the multi-process tests.

#![allow(dead_code, unreachable_pub, missing_docs)]

pub mod root;

use plasma_ledger::{Address, Block, CommitCertificate, U256};
use plasma_node::config::Genesis;
use plasma_node::store::{Store, StoreConfig};
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PLASMAD: &str = env!("CARGO_BIN_EXE_plasmad");

/// The `plasma` CLI, a binary of `plasma-client` (so no `CARGO_BIN_EXE_plasma` here): next to
/// `plasmad`, built by `cargo build`/`cargo test --workspace` or `cargo build -p plasma-client`.
pub fn plasma() -> PathBuf {
    let path = Path::new(PLASMAD).with_file_name("plasma");
    assert!(path.exists(), "{} not found: cargo build -p plasma-client", path.display());
    path
}

/// Ports handed to nodes come from below Linux's ephemeral range (32768 and up), which the
/// source ports of outgoing connections are drawn from: between the moment a port is picked
/// here and the moment its node binds it, no connection of any process can take it. Each test
/// process starts at its own offset and never hands out a port twice.
const PORTS: std::ops::Range<u16> = 20_000..32_000;
static NEXT_PORT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// `n` consecutive ports free right now.
fn free_ports(n: u16) -> u16 {
    let span = u32::from(PORTS.end - PORTS.start);
    let offset = (std::process::id() % 97) * 120;
    loop {
        let k = NEXT_PORT.fetch_add(u32::from(n), std::sync::atomic::Ordering::Relaxed);
        let port = PORTS.start + ((offset + k) % (span - u32::from(n))) as u16;
        if (port..port + n).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return port;
        }
    }
}

/// The grpcurl that `scripts/setup.sh` installs (`$GRPCURL`, else `$PLASMA_TOOLS/grpcurl`,
/// else `~/.cache/plasma/tools/grpcurl`).
#[allow(dead_code)]
pub fn grpcurl() -> PathBuf {
    let path = std::env::var_os("GRPCURL").map(PathBuf::from).unwrap_or_else(|| {
        let tools = std::env::var_os("PLASMA_TOOLS").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/plasma/tools")
        });
        tools.join("grpcurl")
    });
    assert!(path.exists(), "{} is missing: run scripts/setup.sh", path.display());
    path
}

pub fn free_port() -> u16 {
    free_ports(1)
}

/// A free port whose successor is free too (consensus and transaction gossip).
pub fn free_port_pair() -> u16 {
    free_ports(2)
}

fn run(args: &[&str]) {
    let out = Command::new(PLASMAD).args(args).output().expect("plasmad runs");
    assert!(out.status.success(), "plasmad {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

pub struct Node {
    pub home: PathBuf,
    pub port: u16,
    pub rpc: u16,
    pub child: Option<Child>,
    pub starts: u32,
}

impl Node {
    pub fn log(&self) -> PathBuf {
        self.home.join(format!("plasmad.{}.log", self.starts))
    }

    pub fn all_logs(&self) -> String {
        (1..=self.starts)
            .map(|i| {
                std::fs::read_to_string(self.home.join(format!("plasmad.{i}.log")))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Highest height this node logged as committed (0 if none), over all its runs.
    pub fn height(&self) -> u64 {
        self.all_logs()
            .lines()
            .filter(|l| l.contains(" committed"))
            .filter_map(|l| l.split("height=").nth(1)?.split_whitespace().next()?.parse().ok())
            .max()
            .unwrap_or(0)
    }

    pub fn store(&self) -> Store {
        Store::open(self.home.join("data").join("store"), &StoreConfig::default())
            .expect("store opens")
    }
}

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<Node>,
    pub genesis: Genesis,
}

impl Cluster {
    /// `n` validators with fresh keys and one genesis deposit per `(recipient, amount)`.
    pub fn new(n: usize, deposits: &[(Address, u64)]) -> Self {
        Self::with_genesis(n, deposits, 7, &[])
    }

    /// `n` validators of chain `chain_id`, with `extra` arguments to `plasmad genesis`.
    pub fn with_genesis(
        n: usize,
        deposits: &[(Address, u64)],
        chain_id: u64,
        extra: &[&str],
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut nodes = Vec::new();
        for i in 0..n {
            nodes.push(init_node(dir.path(), i));
        }
        let mut args = vec!["genesis".to_string(), "--chain-id".into(), chain_id.to_string()];
        args.extend(extra.iter().map(|a| a.to_string()));
        for node in &nodes {
            args.push("--validator".into());
            args.push(node.home.to_str().unwrap().into());
        }
        for (who, amount) in deposits {
            args.push("--deposit".into());
            args.push(format!("{who}={amount}"));
        }
        run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let genesis = serde_json::from_str(
            &std::fs::read_to_string(nodes[0].home.join("genesis.json")).unwrap(),
        )
        .unwrap();
        Self { dir, nodes, genesis }
    }

    /// Every node's validator keys, in node order (what a test signs with as its validators).
    pub fn validator_keys(&self) -> Vec<plasma_node::config::ValidatorKeys> {
        let load = |n: &Node| {
            plasma_node::config::ValidatorKeys::load(&n.home.join("keys/validator.json")).unwrap()
        };
        self.nodes.iter().map(load).collect()
    }

    /// A node with fresh keys that is not in the genesis set (the chain's genesis copied
    /// in): a full node until its parent bonds it. Returns its index.
    pub fn add_node(&mut self) -> usize {
        let node = init_node(self.dir.path(), self.nodes.len());
        std::fs::copy(self.nodes[0].home.join("genesis.json"), node.home.join("genesis.json"))
            .unwrap();
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    pub fn peers_of(&self, i: usize) -> String {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, n)| format!("/ip4/127.0.0.1/tcp/{}", n.port))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn start(&mut self, i: usize) {
        let peers = self.peers_of(i);
        self.start_with(i, &["--peers", &peers]);
    }

    /// Starts node `i` with `args` after `start --home <home>` (and no default peers).
    pub fn start_with(&mut self, i: usize, args: &[&str]) {
        let node = &mut self.nodes[i];
        assert!(node.child.is_none(), "node {i} already running");
        node.starts += 1;
        let log = File::create(node.log()).unwrap();
        let child = Command::new(PLASMAD)
            .args(["start", "--home", node.home.to_str().unwrap()])
            .args(args)
            .env("PLASMAD_LOG", "info,libp2p=warn,ractor=warn,informalsystems_malachitebft=warn")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("plasmad starts");
        node.child = Some(child);
    }

    pub fn start_all(&mut self) {
        for i in 0..self.nodes.len() {
            self.start(i);
        }
    }

    /// SIGTERM and wait.
    pub fn stop(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].child.take() {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while c.try_wait().unwrap().is_none() {
                if Instant::now() > deadline {
                    let _ = c.kill();
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// SIGKILL and wait.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn stop_all(&mut self) {
        for i in 0..self.nodes.len() {
            self.stop(i);
        }
    }

    /// Waits until every node in `which` has committed `height`.
    pub fn wait_height(&self, which: &[usize], height: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if which.iter().all(|i| self.nodes[*i].height() >= height) {
                return;
            }
            if Instant::now() > deadline {
                let heights: Vec<_> = which.iter().map(|i| self.nodes[*i].height()).collect();
                let tail = self.nodes[which[0]].all_logs();
                let tail: String = tail
                    .lines()
                    .rev()
                    .take(40)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                panic!("nodes {which:?} did not reach height {height} in {timeout:?}: at {heights:?}\nlast log lines of node {}:\n{tail}", which[0]);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Blocks and certificates `1..=height` of node `i` (the node must be stopped).
    pub fn chain(&self, i: usize, height: u64) -> Vec<(Block, CommitCertificate)> {
        let store = self.nodes[i].store();
        (1..=height)
            .map(|h| {
                let block =
                    store.block(h).unwrap().unwrap_or_else(|| panic!("node {i} lacks block {h}"));
                let cert = store
                    .certificate(h)
                    .unwrap()
                    .unwrap_or_else(|| panic!("node {i} lacks certificate {h}"));
                (block, cert)
            })
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            if let Some(mut c) = n.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        // A failed test keeps its nodes' logs for reading (any test, with PLASMA_KEEP_LOGS).
        if std::thread::panicking() || std::env::var_os("PLASMA_KEEP_LOGS").is_some() {
            let keep = std::env::temp_dir().join(format!("plasma-failed-{}", std::process::id()));
            let _ = std::fs::create_dir_all(&keep);
            let chain = self.genesis.chain_id;
            for (i, n) in self.nodes.iter().enumerate() {
                let _ =
                    std::fs::write(keep.join(format!("chain{chain}-node{i}.log")), n.all_logs());
            }
            eprintln!("node logs kept in {}", keep.display());
        }
    }
}

/// Node `i`'s home under `dir`: keys and config (`plasmad init`) on free ports, tuned.
fn init_node(dir: &Path, i: usize) -> Node {
    let home = dir.join(format!("v{i}"));
    let port = free_port_pair();
    let rpc = free_port();
    let listen = format!("/ip4/127.0.0.1/tcp/{port}");
    let rpc_addr = format!("127.0.0.1:{rpc}");
    let moniker = format!("v{i}");
    let home_arg = home.to_str().unwrap();
    run(&[
        "init",
        "--home",
        home_arg,
        "--moniker",
        &moniker,
        "--listen",
        &listen,
        "--rpc",
        &rpc_addr,
    ]);
    tune(&home);
    Node { home, port, rpc, child: None, starts: 0 }
}

/// Short timeouts so that tests run quickly.
fn tune(home: &Path) {
    let path = home.join("config.toml");
    let cfg = std::fs::read_to_string(&path).unwrap();
    let cfg = cfg
        .replace("propose_timeout_ms = 2000", "propose_timeout_ms = 1000")
        .replace("vote_timeout_ms = 1000", "vote_timeout_ms = 500")
        .replace("block_time_ms = 1000", "block_time_ms = 300");
    std::fs::write(path, cfg).unwrap();
}

pub fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// An application over a fresh store at `dir`, from `genesis`, with its deposits recorded as
/// the parent's (so the first blocks mint them).
pub fn app(dir: &Path, genesis: &Genesis) -> plasma_node::app::PlasmaApp {
    let loaded = genesis.clone().check().unwrap();
    let store = Store::open(dir, &StoreConfig::default()).unwrap();
    for r in genesis.deposit_records() {
        store.record_parent_deposit(&r).unwrap();
    }
    plasma_node::app::PlasmaApp::new(store, loaded.domain, loaded.validators).unwrap()
}
