//! Booting a tree: anvil, the root contracts, then each chain in topology order — keys,
//! genesis, registration with its parent, one `plasmad` per validator — and the wait until
//! every chain has checkpointed to its parent.

use crate::process::{self, spawn_detached};
use crate::state::{ChainState, NodeState, RootState, State};
use crate::topology::{ChainSpec, Topology};
use crate::DevnetError;
use plasma_bridge::devchain::wallet_provider;
use plasma_bridge::{ChainParams, Root};
use plasma_ledger::build::register_child_tx;
use plasma_ledger::children::child_chain_id;
use plasma_ledger::{Address, ChildParams, ChildRegistration, U256};
use plasma_node::config::{
    AncestorSection, Genesis, NodeConfig, ParentSection, PlasmaParentSection, ValidatorKeys,
};
use plasma_node::daemon::{self, Home};
use plasma_proto::v1::{GetChildRequest, StatusRequest, SubmitTxRequest};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod anvil;
mod register;

use anvil::{provider, start_anvil};
pub use register::registration;

const GWEI: u64 = 1_000_000_000;
const ETH: u128 = 1_000_000_000_000_000_000;
/// Power of every validator; its stake on the root is this many gwei.
pub const POWER: u64 = 100;
/// Bond of an exit at the root (wei).
pub const ROOT_EXIT_BOND: u128 = ETH / 10;
/// Bond of an exit at a plasma parent (wei).
pub const CHILD_EXIT_BOND: u128 = ETH / 100;
/// How long `up` waits for every chain's first checkpoint.
const CHECKPOINT_TIMEOUT: Duration = Duration::from_secs(180);
/// The log filter of every validator.
const LOG_FILTER: &str = "info,libp2p=warn,ractor=warn,arc_malachitebft=warn";

/// Where a devnet lives and what it runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Its data folder: keys, configs, chain data, logs, `devnet.json`.
    pub dir: PathBuf,
    /// First of its ports: anvil takes it, validator `k` (in topology order) takes
    /// `base + 10 + 4k` (p2p), the next (transaction gossip), then gRPC and metrics.
    pub base_port: u16,
    /// The `plasmad` binary.
    pub plasmad: PathBuf,
    /// The `anvil` binary.
    pub anvil: PathBuf,
    /// Extra `--set key=value` overrides for every validator (tests shorten timeouts).
    pub node_overrides: Vec<String>,
}

impl Options {
    /// Defaults for `dir`: ports from 15000, `plasmad` next to this program, the pinned anvil.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            base_port: 15_000,
            plasmad: default_plasmad(),
            anvil: plasma_bridge::devchain::anvil_binary(),
            node_overrides: Vec::new(),
        }
    }
}

/// `plasmad` next to the running program (`target/debug/plasma-devnet` → `target/debug/
/// plasmad`; a test in `target/debug/deps/` → `target/debug/plasmad`), or `$PLASMAD_BIN`.
pub fn default_plasmad() -> PathBuf {
    if let Some(p) = std::env::var_os("PLASMAD_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.ends_with("deps") || dir.ends_with("examples") {
        dir.pop();
    }
    dir.join("plasmad")
}

/// A running devnet. Dropping it stops every process it runs unless [`Devnet::detach`]ed
/// (the `up` command detaches; tests do not).
#[derive(Debug)]
pub struct Devnet {
    /// Its options.
    pub options: Options,
    /// What runs where.
    pub state: State,
    /// The root contract, through a provider signing for anvil's prefunded accounts.
    pub root: Root,
    attached: bool,
}

/// A step of `up`, for progress output.
pub type Progress<'a> = &'a dyn Fn(&str);

impl Devnet {
    /// Boots `topology` afresh in `options.dir` (which must not hold a running devnet; its
    /// old contents are removed).
    pub async fn up(
        topology: &Topology,
        topology_text: &str,
        options: Options,
        progress: Progress<'_>,
    ) -> Result<Self, DevnetError> {
        if let Some(old) = State::load(&options.dir)? {
            if old.running() {
                return Err(DevnetError::Running(options.dir.clone()));
            }
        }
        for (what, bin) in [("plasmad", &options.plasmad), ("anvil", &options.anvil)] {
            if !bin.is_file() {
                return Err(DevnetError::MissingTool { tool: what, path: bin.clone() });
            }
        }
        let nodes: usize = topology.chains.iter().map(|c| c.validators).sum();
        check_ports(options.base_port, nodes, Duration::ZERO).await?;
        if options.dir.exists() {
            std::fs::remove_dir_all(&options.dir).map_err(io("removing the old devnet"))?;
        }
        std::fs::create_dir_all(options.dir.join("root")).map_err(io("creating the data dir"))?;

        let root_state = start_anvil(&options, topology.root.block_time).await?;
        let mining = match topology.root.block_time {
            0 => "a block per transaction".to_string(),
            t => format!("a block every {t} s"),
        };
        progress(&format!("root: anvil on {} ({mining})", root_state.rpc));
        let deployed = async {
            let provider = provider(&root_state)?;
            let deployed_at = {
                use alloy::providers::Provider;
                provider.get_block_number().await.map_err(root_err("eth_blockNumber"))?
            };
            let (root, _) = Root::deploy(provider, U256::from(ROOT_EXIT_BOND), U256::ZERO)
                .await
                .map_err(|e| DevnetError::Root(format!("deploying the contracts: {e}")))?;
            Ok::<_, DevnetError>((root, deployed_at))
        };
        let (root, deployed_at) = match deployed.await {
            Ok(d) => d,
            Err(e) => {
                if let Some(pid) = root_state.pid {
                    process::stop(pid, &root_state.marker(), Duration::from_secs(5));
                }
                return Err(e);
            }
        };
        progress(&format!("root: contracts deployed, PlasmaRoot at {}", root.address()));
        let state = State {
            topology: topology_text.to_string(),
            base_port: options.base_port,
            root: RootState { contract: root.address(), deployed_at, ..root_state },
            chains: Vec::new(),
        };
        let mut devnet = Self { options, state, root, attached: true };
        devnet.state.save(&devnet.options.dir)?;
        let mut next_node = 0;
        for (i, spec) in topology.chains.iter().enumerate() {
            let chain = devnet.create_chain(topology, i, spec, next_node, progress).await?;
            next_node += chain.nodes.len();
            devnet.state.chains.push(chain);
            devnet.state.save(&devnet.options.dir)?;
            devnet.start_chain(i)?;
            devnet.state.save(&devnet.options.dir)?;
            if topology.chains.iter().any(|c| c.parent == Some(i)) {
                // Its children register through it: it must be producing blocks.
                devnet.wait_height(i, 1, Duration::from_secs(60)).await?;
            }
        }
        devnet.wait_checkpointed(progress).await?;
        Ok(devnet)
    }

    /// Starts again a devnet that `down` left in `dir`: anvil from its saved state, every
    /// validator from its home; waits until every chain checkpoints anew.
    pub async fn resume(options: Options, progress: Progress<'_>) -> Result<Self, DevnetError> {
        let state = State::load(&options.dir)?.ok_or(DevnetError::NoDevnet(options.dir.clone()))?;
        if state.running() {
            return Err(DevnetError::Running(options.dir.clone()));
        }
        let nodes: usize = state.chains.iter().map(|c| c.nodes.len()).sum();
        check_ports(state.base_port, nodes, Duration::from_secs(15)).await?;
        let topology = Topology::parse(&state.topology)?;
        let options = Options { base_port: state.base_port, ..options };
        let restarted = start_anvil(&options, topology.root.block_time).await?;
        let provider = match provider(&restarted) {
            Ok(p) => p,
            Err(e) => {
                if let Some(pid) = restarted.pid {
                    process::stop(pid, &restarted.marker(), Duration::from_secs(5));
                }
                return Err(e);
            }
        };
        let root = Root::at(state.root.contract, provider);
        let root_state = RootState { pid: restarted.pid, ..state.root.clone() };
        let mut devnet =
            Self { options, state: State { root: root_state, ..state }, root, attached: true };
        devnet.state.save(&devnet.options.dir)?;
        progress(&format!("root: anvil on {} (state restored)", devnet.state.root.rpc));
        // Where each chain's checkpoints stand now, read from its parent (a plasma parent
        // is started, and answering, before its children).
        let mut before = Vec::with_capacity(devnet.state.chains.len());
        for i in 0..devnet.state.chains.len() {
            let since = Instant::now();
            let last = loop {
                match devnet.checkpoint(i).await {
                    Some((height, _)) => break height,
                    None if since.elapsed() > Duration::from_secs(60) => {
                        return Err(DevnetError::Timeout(format!(
                            "the parent of {} does not answer",
                            devnet.state.chains[i].path
                        )))
                    }
                    None => tokio::time::sleep(Duration::from_millis(200)).await,
                }
            };
            before.push(last);
            devnet.start_chain(i)?;
        }
        devnet.wait_checkpoints_after(&before, progress).await?;
        Ok(devnet)
    }

    /// The devnet in `options.dir` as it is, starting and stopping nothing (dropping the
    /// handle leaves it running).
    pub fn open(options: Options) -> Result<Self, DevnetError> {
        let state = State::load(&options.dir)?.ok_or(DevnetError::NoDevnet(options.dir.clone()))?;
        let root = Root::at(state.root.contract, provider(&state.root)?);
        Ok(Self { options, state, root, attached: false })
    }

    /// Leaves the processes running when this handle is dropped.
    pub fn detach(mut self) {
        self.attached = false;
    }

    /// The validator keys of chain `i`, in genesis order.
    pub fn validator_keys(&self, i: usize) -> Result<Vec<ValidatorKeys>, DevnetError> {
        let chain = &self.state.chains[i];
        chain
            .nodes
            .iter()
            .map(|n| ValidatorKeys::load(&Home(n.home.clone()).validator_key()))
            .collect::<Result<_, _>>()
            .map_err(|e| DevnetError::Node { chain: chain.path.clone(), reason: e.to_string() })
    }

    /// The registration chain `i` was registered on its plasma parent with.
    pub fn registration(&self, i: usize) -> Result<ChildRegistration, DevnetError> {
        let chain = &self.state.chains[i];
        Ok(registration(&self.validator_keys(i)?, chain.epoch_length, chain.exit_period))
    }

    /// Anvil's first account: deploys, registers, funds.
    pub fn operator(&self) -> Address {
        self.account(0).expect("anvil has accounts")
    }

    /// Anvil's prefunded account `i`.
    pub fn account(&self, i: usize) -> Option<Address> {
        self.user_key(i).map(|k| k.address())
    }

    /// Anvil's prefunded key `i` as a plasma user key (the same key signs on every level).
    pub fn user_key(&self, i: usize) -> Option<plasma_ledger::signing::UserKey> {
        let hex = self.state.root.keys.get(i)?;
        let bytes: [u8; 32] = alloy::primitives::hex::decode(hex).ok()?.try_into().ok()?;
        plasma_ledger::signing::UserKey::from_bytes(bytes)
    }

    /// Adds a node with fresh keys to chain `i` (a full node until its parent adopts it into
    /// the set): its home beside the others', the chain's genesis and parent configuration,
    /// the next free ports. Not started. Returns its index in the chain.
    pub async fn add_node(&mut self, i: usize) -> Result<usize, DevnetError> {
        let total: usize = self.state.chains.iter().map(|c| c.nodes.len()).sum();
        let base = node_port(self.state.base_port, total);
        let chain = &self.state.chains[i];
        let k = chain.nodes.len();
        let name = chain.path.rsplit('/').next().unwrap_or(&chain.path).to_string();
        let first = &chain.nodes[0];
        let home_dir = first.home.with_file_name(format!("v{k}"));
        let node = NodeState {
            moniker: format!("{name}-v{k}"),
            home: home_dir,
            p2p: base,
            rpc: base + 2,
            metrics: base + 3,
            pid: None,
        };
        let node_err = |e: &dyn std::fmt::Display| DevnetError::Node {
            chain: chain.path.clone(),
            reason: e.to_string(),
        };
        for p in [base, base + 1, base + 2, base + 3] {
            if std::net::TcpListener::bind(("127.0.0.1", p)).is_err() {
                return Err(DevnetError::Ports(format!("port {p} for a new node is in use")));
            }
        }
        let home = Home(node.home.clone());
        daemon::init(
            &home,
            &node.moniker,
            &format!("/ip4/127.0.0.1/tcp/{}", node.p2p),
            &format!("127.0.0.1:{}", node.rpc),
        )
        .map_err(|e| node_err(&format!("{e:#}")))?;
        let from = Home(first.home.clone());
        std::fs::copy(from.genesis(), home.genesis()).map_err(|e| node_err(&e))?;
        let template = NodeConfig::load(&from.config()).map_err(|e| node_err(&e))?;
        let mut config = NodeConfig::load(&home.config()).map_err(|e| node_err(&e))?;
        config.consensus = template.consensus;
        config.rpc.metrics = Some(format!("127.0.0.1:{}", node.metrics));
        config.p2p.peers =
            chain.nodes.iter().map(|n| format!("/ip4/127.0.0.1/tcp/{}", n.p2p)).collect();
        config.parent = template.parent.map(|p| ParentSection {
            block_sources: chain.nodes.iter().map(NodeState::url).collect(),
            ..p
        });
        config.save(&home.config()).map_err(|e| node_err(&e))?;
        self.state.chains[i].nodes.push(node);
        self.state.save(&self.options.dir)?;
        Ok(k)
    }

    /// Starts every validator of chain `i` that is not running.
    pub fn start_chain(&mut self, i: usize) -> Result<(), DevnetError> {
        for k in 0..self.state.chains[i].nodes.len() {
            self.start_node(i, k)?;
        }
        Ok(())
    }

    /// Starts validator `k` of chain `i` (a no-op if it runs).
    pub fn start_node(&mut self, i: usize, k: usize) -> Result<(), DevnetError> {
        self.start_node_with(i, k, &[])
    }

    /// Starts validator `k` of chain `i` with `extra` arguments to `plasmad start` after the
    /// devnet's own (`--listen …`, `--set key=value`); a no-op if it runs.
    pub fn start_node_with(
        &mut self,
        i: usize,
        k: usize,
        extra: &[String],
    ) -> Result<(), DevnetError> {
        let node = &self.state.chains[i].nodes[k];
        if node.running() {
            return Ok(());
        }
        let mut args = vec!["start".to_string(), "--home".into(), node.marker()];
        for o in &self.options.node_overrides {
            args.extend(["--set".to_string(), o.clone()]);
        }
        args.extend(extra.iter().cloned());
        let pid = spawn_detached(
            &self.options.plasmad,
            &args,
            &[("PLASMAD_LOG", LOG_FILTER)],
            &node.log(),
        )
        .map_err(io("starting plasmad"))?
        .id();
        self.state.chains[i].nodes[k].pid = Some(pid);
        self.state.save(&self.options.dir)
    }

    /// Stops validator `k` of chain `i` (SIGTERM, SIGKILL after 10 s).
    pub fn stop_node(&mut self, i: usize, k: usize) -> Result<(), DevnetError> {
        let node = &mut self.state.chains[i].nodes[k];
        if let Some(pid) = node.pid.take() {
            process::stop(pid, &node.marker(), Duration::from_secs(10));
        }
        self.state.save(&self.options.dir)
    }

    /// Kills validator `k` of chain `i` (SIGKILL: a crash).
    pub fn kill_node(&mut self, i: usize, k: usize) -> Result<(), DevnetError> {
        let node = &mut self.state.chains[i].nodes[k];
        if let Some(pid) = node.pid.take() {
            process::kill(pid, &node.marker());
        }
        self.state.save(&self.options.dir)
    }

    /// Stops every process (validators, children first, then anvil, which saves its state).
    pub fn stop_all(&mut self) -> Result<usize, DevnetError> {
        let stopped = stop_state(&mut self.state);
        self.state.save(&self.options.dir)?;
        Ok(stopped)
    }

    /// The highest block any validator of chain `i` reports.
    pub async fn height(&self, i: usize) -> u64 {
        let mut best = 0;
        for node in &self.state.chains[i].nodes {
            if let Ok(mut c) = plasma_proto::Client::connect(node.url()).await {
                if let Ok(s) = c.node.status(StatusRequest {}).await {
                    best = best.max(s.into_inner().height);
                }
            }
        }
        best
    }

    /// Waits until chain `i` reaches `height`.
    pub async fn wait_height(
        &self,
        i: usize,
        height: u64,
        timeout: Duration,
    ) -> Result<(), DevnetError> {
        let since = Instant::now();
        while self.height(i).await < height {
            if since.elapsed() > timeout {
                return Err(DevnetError::Timeout(format!(
                    "{} did not reach height {height} in {} s (logs: {})",
                    self.state.chains[i].path,
                    timeout.as_secs(),
                    self.state.chains[i].nodes[0].log().display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }

    /// Chain `i`'s latest checkpoint on its parent and whether the parent froze it; `None`
    /// when the parent cannot be reached (or has not registered it).
    pub async fn checkpoint(&self, i: usize) -> Option<(u64, bool)> {
        let chain = &self.state.chains[i];
        match chain.parent {
            None => {
                let c = self.root.contract().chain(chain.chain_id).call().await.ok()?;
                Some((c.lastHeight, c.frozen))
            }
            Some(p) => {
                for node in &self.state.chains[p].nodes {
                    let Ok(mut c) = plasma_proto::Client::connect(node.url()).await else {
                        continue;
                    };
                    if let Ok(r) =
                        c.children.get_child(GetChildRequest { chain_id: chain.chain_id }).await
                    {
                        let r = r.into_inner();
                        return Some((r.last_height, r.rollback_height != 0));
                    }
                }
                None
            }
        }
    }

    async fn wait_checkpointed(&self, progress: Progress<'_>) -> Result<(), DevnetError> {
        self.wait_checkpoints_after(&vec![0; self.state.chains.len()], progress).await
    }

    /// Waits until every chain's checkpoint on its parent is past `before`.
    async fn wait_checkpoints_after(
        &self,
        before: &[u64],
        progress: Progress<'_>,
    ) -> Result<(), DevnetError> {
        let since = Instant::now();
        let mut done = vec![false; self.state.chains.len()];
        while done.iter().any(|d| !d) {
            for (i, chain) in self.state.chains.iter().enumerate() {
                if done[i] {
                    continue;
                }
                if let Some((height, _)) = self.checkpoint(i).await {
                    if height > before[i] {
                        done[i] = true;
                        let parent = chain
                            .parent
                            .map_or("the root".to_string(), |p| self.state.chains[p].path.clone());
                        progress(&format!(
                            "{}: checkpointed block {height} on {parent}",
                            chain.path
                        ));
                    }
                }
            }
            if since.elapsed() > CHECKPOINT_TIMEOUT {
                let missing: Vec<_> = self
                    .state
                    .chains
                    .iter()
                    .zip(&done)
                    .filter(|(_, d)| !**d)
                    .map(|(c, _)| c.path.clone())
                    .collect();
                return Err(DevnetError::Timeout(format!(
                    "no checkpoint from {} within {} s (see `plasma-devnet logs <chain>`)",
                    missing.join(", "),
                    CHECKPOINT_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Ok(())
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if self.attached {
            let _ = self.stop_all();
        }
    }
}

/// Stops what `state` records as running: chains deepest first, then anvil. Returns how
/// many processes were running.
pub(crate) fn stop_state(state: &mut State) -> usize {
    let mut stopped = 0;
    for chain in state.chains.iter_mut().rev() {
        for node in &mut chain.nodes {
            if let Some(pid) = node.pid.take() {
                stopped += usize::from(process::stop(pid, &node.marker(), Duration::from_secs(10)));
            }
        }
    }
    if let Some(pid) = state.root.pid.take() {
        stopped += usize::from(process::stop(pid, &state.root.marker(), Duration::from_secs(10)));
    }
    stopped
}

/// The first of validator `k`'s four ports (p2p, transaction gossip, gRPC, metrics), `k`
/// counting every validator of the devnet in topology order.
fn node_port(base: u16, k: usize) -> u16 {
    base + 10 + 4 * k as u16
}

/// Refuses to start if any port the devnet would bind is taken, after waiting up to `grace`
/// for it to be released (a process that just stopped may hold its sockets a moment: its
/// main thread shows as exited before the last of its threads closes them).
async fn check_ports(base: u16, nodes: usize, grace: Duration) -> Result<(), DevnetError> {
    let last = u32::from(base) + 10 + 4 * nodes as u32;
    if last > u32::from(u16::MAX) {
        return Err(DevnetError::Ports(format!(
            "base port {base} leaves no room for {nodes} validators"
        )));
    }
    let mut ports = vec![base];
    for k in 0..nodes {
        let p = node_port(base, k);
        ports.extend([p, p + 1, p + 2, p + 3]);
    }
    let since = Instant::now();
    for p in ports {
        while std::net::TcpListener::bind(("127.0.0.1", p)).is_err() {
            if since.elapsed() >= grace {
                return Err(DevnetError::Ports(format!(
                    "port {p} is in use (another devnet? choose another --base-port)"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    Ok(())
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> DevnetError {
    move |e| DevnetError::Io { what, reason: e.to_string() }
}

fn root_err<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> DevnetError {
    move |e| DevnetError::Root(format!("{what}: {e}"))
}
