//! `devnet.json`: what a devnet started and where, so that `status`, `logs` and `down` (and a
//! later `up`) find it again.

use plasma_ledger::Address;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file's name in the devnet's data folder.
pub const FILE: &str = "devnet.json";
/// The routes file `plasma --tree` reads, beside it.
pub const TREE_FILE: &str = "tree.json";

/// Everything a devnet consists of.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    /// The topology it was booted from (TOML, as given).
    pub topology: String,
    /// The first port; every other is derived from it.
    pub base_port: u16,
    /// The root: anvil and the contracts.
    pub root: RootState,
    /// The chains, parents first (the topology's order).
    pub chains: Vec<ChainState>,
}

/// The root.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RootState {
    /// anvil's PID while it runs.
    pub pid: Option<u32>,
    /// JSON-RPC endpoint.
    pub rpc: String,
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// The `PlasmaRoot` contract.
    pub contract: Address,
    /// Root block of the deployment.
    pub deployed_at: u64,
    /// anvil's prefunded keys (hex), account 0 first: the devnet's operator and its users.
    pub keys: Vec<String>,
    /// anvil's state file (loaded at start, written at exit).
    pub state_file: PathBuf,
    /// anvil's log.
    pub log: PathBuf,
}

/// One chain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChainState {
    /// `/A/B`.
    pub path: String,
    /// The chain's id (assigned by the root contract, or named by a plasma parent).
    pub chain_id: u64,
    /// Index of the parent chain in [`State::chains`]; `None` under the root.
    pub parent: Option<usize>,
    /// Blocks between checkpoints.
    pub epoch_length: u64,
    /// Seconds an exit waits.
    pub exit_period: u64,
    /// Its validators.
    pub nodes: Vec<NodeState>,
}

/// One validator process.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeState {
    /// Its moniker, `B-v2`.
    pub moniker: String,
    /// Its home (keys, config, data).
    pub home: PathBuf,
    /// Consensus p2p port (transaction gossip on the next one).
    pub p2p: u16,
    /// gRPC port.
    pub rpc: u16,
    /// Prometheus port.
    pub metrics: u16,
    /// PID while it runs.
    pub pid: Option<u32>,
}

impl NodeState {
    /// Its log file (appended to by every start).
    pub fn log(&self) -> PathBuf {
        self.home.join("plasmad.log")
    }

    /// The argument that identifies its process among all (its home).
    pub fn marker(&self) -> String {
        self.home.display().to_string()
    }

    /// Whether the process recorded for it still runs.
    pub fn running(&self) -> bool {
        self.pid.is_some_and(|p| crate::process::is_ours(p, &self.marker()))
    }

    /// `http://127.0.0.1:<rpc>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rpc)
    }
}

impl State {
    /// Reads `dir/devnet.json`; `None` if there is none.
    pub fn load(dir: &Path) -> Result<Option<Self>, crate::DevnetError> {
        let path = dir.join(FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| crate::DevnetError::State { path, reason: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(crate::DevnetError::State { path, reason: e.to_string() }),
        }
    }

    /// Writes `dir/devnet.json` and the tree file (each atomically: a crash leaves the old or
    /// the new file).
    pub fn save(&self, dir: &Path) -> Result<(), crate::DevnetError> {
        let write = |path: PathBuf, text: String| {
            plasma_client::keys::write(&path, &text)
                .map_err(|e| crate::DevnetError::State { path, reason: e.to_string() })
        };
        write(dir.join(FILE), serde_json::to_string_pretty(self).expect("state serialises"))?;
        // The routes the `plasma` CLI takes with `--tree`.
        let tree = serde_json::to_string_pretty(&self.tree()).expect("tree serialises");
        write(dir.join(TREE_FILE), tree)
    }

    /// The tree as `plasma --tree` reads it: the root's endpoint and each chain's nodes.
    pub fn tree(&self) -> plasma_client::hops::Tree {
        plasma_client::hops::Tree {
            root_rpc: self.root.rpc.clone(),
            chains: self
                .chains
                .iter()
                .map(|c| plasma_client::hops::TreeChain {
                    path: c.path.clone(),
                    chain_id: c.chain_id,
                    endpoints: c.nodes.iter().map(NodeState::url).collect(),
                })
                .collect(),
        }
    }

    /// The ids of chain `i` and the chains above it, the root's child first: what a child of
    /// chain `i` names as its parents (`Genesis::parents`).
    pub fn lineage(&self, i: usize) -> Vec<u64> {
        let mut ids = Vec::new();
        let mut at = Some(i);
        while let Some(k) = at {
            ids.push(self.chains[k].chain_id);
            at = self.chains[k].parent;
        }
        ids.reverse();
        ids
    }

    /// The chain at `path` (`/A/B`, `A/B` or a unique bare name).
    pub fn find(&self, path: &str) -> Option<usize> {
        let trimmed = path.trim_end_matches('/');
        let wanted =
            if trimmed.starts_with('/') { trimmed.to_string() } else { format!("/{trimmed}") };
        self.chains.iter().position(|c| c.path == wanted).or_else(|| {
            let mut by_name = self
                .chains
                .iter()
                .enumerate()
                .filter(|(_, c)| c.path.rsplit('/').next() == Some(trimmed));
            match (by_name.next(), by_name.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
    }

    /// Whether any process the devnet started still runs.
    pub fn running(&self) -> bool {
        self.root.pid.is_some_and(|p| crate::process::is_ours(p, &self.root.marker()))
            || self.chains.iter().flat_map(|c| &c.nodes).any(NodeState::running)
    }
}

impl RootState {
    /// The argument that identifies this devnet's anvil among all processes.
    pub fn marker(&self) -> String {
        self.state_file.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_are_found_by_path_or_by_a_unique_name() {
        let chain = |path: &str| ChainState {
            path: path.into(),
            chain_id: 1,
            parent: None,
            epoch_length: 4,
            exit_period: 60,
            nodes: vec![],
        };
        let root = RootState {
            pid: None,
            rpc: String::new(),
            chain_id: 31337,
            contract: Address::ZERO,
            deployed_at: 0,
            keys: vec![],
            state_file: PathBuf::new(),
            log: PathBuf::new(),
        };
        let state = State {
            topology: String::new(),
            base_port: 0,
            root,
            chains: vec![chain("/A"), chain("/A/B"), chain("/A/C"), chain("/D"), chain("/D/B")],
        };
        assert_eq!(state.find("/A/C"), Some(2));
        assert_eq!(state.find("A/C/"), Some(2));
        assert_eq!(state.find("C"), Some(2), "a unique name");
        assert_eq!(state.find("B"), None, "two chains are named B");
        assert_eq!(state.find("/D/B"), Some(4));
        assert_eq!(state.find("/C"), None, "a path must match whole");
        assert_eq!(state.find("/A/B/C"), None);
    }
}
