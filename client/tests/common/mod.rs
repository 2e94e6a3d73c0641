//! One-validator chains of `plasmad` processes on loopback, for the CLI's tests.
//!
//! `plasmad` is the daemon's binary (package `plasma-node`), which this package does not
//! build: it is found in `$PLASMAD_BIN`, else next to this test's target directory
//! (`cargo build -p plasma-node --bins`; `cargo test --workspace` builds it).

#![allow(dead_code, unreachable_pub, missing_docs)]

use plasma_ledger::Address;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The daemon: `$PLASMAD_BIN`, else `plasmad` in the target directory of this test.
pub fn plasmad() -> PathBuf {
    let path = std::env::var_os("PLASMAD_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().unwrap();
        let mut dir = exe.parent().unwrap().to_path_buf();
        if dir.ends_with("deps") {
            dir.pop();
        }
        dir.join("plasmad")
    });
    assert!(path.exists(), "{} not found: cargo build -p plasma-node --bins", path.display());
    path
}

/// `n` consecutive free ports, from below Linux's ephemeral range (so that no outgoing
/// connection takes one before its node binds it), each test process at its own offset.
fn free_ports(n: u16) -> u16 {
    static NEXT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);
    let offset = (std::process::id() % 97) as u16 * 120;
    loop {
        let k = NEXT.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        let port = 20_000 + (offset + k) % (12_000 - n);
        if (port..port + n).all(|p| TcpListener::bind(("127.0.0.1", p)).is_ok()) {
            return port;
        }
    }
}

/// A free port.
pub fn free_port() -> u16 {
    free_ports(1)
}

fn run(args: &[&str]) {
    let out = Command::new(plasmad()).args(args).output().expect("plasmad runs");
    assert!(out.status.success(), "plasmad {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

pub struct Node {
    pub home: PathBuf,
    /// Consensus port; transaction gossip listens on the next one.
    pub port: u16,
    pub rpc: u16,
    pub child: Option<Child>,
}

impl Node {
    fn log(&self) -> PathBuf {
        self.home.join("plasmad.log")
    }

    /// Highest height this node logged as committed (0 if none).
    pub fn height(&self) -> u64 {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(" committed"))
            .filter_map(|l| l.split("height=").nth(1)?.split_whitespace().next()?.parse().ok())
            .max()
            .unwrap_or(0)
    }
}

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub nodes: Vec<Node>,
}

impl Cluster {
    /// `n` validators of chain 7 with fresh keys and one genesis deposit per
    /// `(recipient, amount)`.
    pub fn new(n: usize, deposits: &[(Address, u64)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let nodes: Vec<Node> = (0..n).map(|i| init_node(dir.path(), i)).collect();
        let mut args = vec!["genesis".to_string(), "--chain-id".into(), "7".into()];
        for node in &nodes {
            args.push("--validator".into());
            args.push(node.home.to_str().unwrap().into());
        }
        for (who, amount) in deposits {
            args.push("--deposit".into());
            args.push(format!("{who}={amount}"));
        }
        run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        Self { dir, nodes }
    }

    pub fn start_all(&mut self) {
        let ports: Vec<u16> = self.nodes.iter().map(|n| n.port).collect();
        for (i, node) in self.nodes.iter_mut().enumerate() {
            let peers: Vec<String> = ports
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| format!("/ip4/127.0.0.1/tcp/{p}"))
                .collect();
            let log = File::create(node.log()).unwrap();
            let child = Command::new(plasmad())
                .args(["start", "--home", node.home.to_str().unwrap(), "--peers", &peers.join(",")])
                .env(
                    "PLASMAD_LOG",
                    "info,libp2p=warn,ractor=warn,informalsystems_malachitebft=warn",
                )
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .stdin(Stdio::null())
                .spawn()
                .expect("plasmad starts");
            node.child = Some(child);
        }
    }

    /// SIGTERM every node and wait.
    pub fn stop_all(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut c) = node.child.take() {
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
    }

    /// Waits until every node in `which` has committed `height`.
    pub fn wait_height(&self, which: &[usize], height: u64, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !which.iter().all(|i| self.nodes[*i].height() >= height) {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(self.nodes[which[0]].log()).unwrap_or_default();
                panic!("nodes {which:?} did not reach height {height} in {timeout:?}:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
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
    }
}

/// Node `i`'s home under `dir` (`plasmad init` on free ports), with short timeouts.
fn init_node(dir: &Path, i: usize) -> Node {
    let home = dir.join(format!("v{i}"));
    let (port, rpc) = (free_ports(2), free_port());
    let listen = format!("/ip4/127.0.0.1/tcp/{port}");
    let moniker = format!("v{i}");
    let rpc_addr = format!("127.0.0.1:{rpc}");
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
    let path = home.join("config.toml");
    let cfg = std::fs::read_to_string(&path).unwrap();
    let cfg = cfg
        .replace("propose_timeout_ms = 2000", "propose_timeout_ms = 1000")
        .replace("vote_timeout_ms = 1000", "vote_timeout_ms = 500")
        .replace("block_time_ms = 1000", "block_time_ms = 300");
    std::fs::write(path, cfg).unwrap();
    Node { home, port, rpc, child: None }
}
