//! The tree file: where each plasma chain of a tree is served, by path.

use crate::error::{Error, Result};
use crate::keys::{read, FileError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where each plasma chain of a tree is served, by path (`/A`, `/A/B`): what `plasma --tree`
/// reads, and `plasma-devnet` writes as `<dir>/tree.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    /// The root chain's JSON-RPC endpoint (Ethereum).
    pub root_rpc: String,
    /// Every plasma chain, parents first.
    pub chains: Vec<TreeChain>,
}

/// One chain of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeChain {
    /// `/A/B`: the root's child `A`, then its child `B`.
    pub path: String,
    /// The chain's id.
    pub chain_id: u64,
    /// gRPC endpoints of its nodes.
    pub endpoints: Vec<String>,
}

impl Tree {
    /// Reads a tree file.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        serde_json::from_str(&read(path)?).map_err(|e| FileError::invalid(path, e))
    }

    /// The chain at `path` (`/A/B`).
    pub fn chain(&self, path: &str) -> Result<&TreeChain> {
        let path = format!("/{}", path.trim_matches('/'));
        self.chains.iter().find(|c| c.path == path).ok_or_else(|| {
            let known: Vec<&str> = self.chains.iter().map(|c| c.path.as_str()).collect();
            Error::UnknownChain { path, known: known.join(", ") }
        })
    }

    /// A gRPC endpoint of every chain from the root's child down to `path`, in order.
    pub fn route(&self, path: &str) -> Result<Vec<String>> {
        let names: Vec<&str> = path.trim_matches('/').split('/').collect();
        if names.iter().any(|n| n.is_empty()) {
            return Err(Error::NotAPath { path: path.to_string() });
        }
        (1..=names.len()).map(|n| self.chain(&names[..n].join("/"))?.endpoint()).collect()
    }

    /// A gRPC endpoint of every chain of the tree, parents first.
    pub fn endpoints(&self) -> Result<Vec<String>> {
        self.chains.iter().map(TreeChain::endpoint).collect()
    }
}

impl TreeChain {
    /// The chain's first endpoint.
    pub fn endpoint(&self) -> Result<String> {
        self.endpoints.first().cloned().ok_or_else(|| Error::NoEndpoint { path: self.path.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> Tree {
        let chain = |path: &str, id, port| TreeChain {
            path: path.into(),
            chain_id: id,
            endpoints: vec![format!("http://127.0.0.1:{port}")],
        };
        Tree {
            root_rpc: "http://127.0.0.1:8545".into(),
            chains: vec![chain("/A", 1, 9090), chain("/A/B", u64::MAX - 1, 9091)],
        }
    }

    #[test]
    fn a_route_names_each_chain_from_the_roots_child_down() {
        let t = tree();
        assert_eq!(t.route("/A/B").unwrap(), ["http://127.0.0.1:9090", "http://127.0.0.1:9091"]);
        assert_eq!(t.route("A").unwrap(), ["http://127.0.0.1:9090"]);
        let text = serde_json::to_string(&t).unwrap();
        assert_eq!(
            serde_json::from_str::<Tree>(&text).unwrap(),
            t,
            "ids above i64::MAX round-trip"
        );
    }

    #[test]
    fn unknown_or_malformed_paths_are_refused_with_the_known_ones() {
        let t = tree();
        let e = t.route("/A/C").unwrap_err().to_string();
        assert!(e.contains("no chain /A/C") && e.contains("/A, /A/B"), "{e}");
        assert!(t.route("//").unwrap_err().to_string().contains("not a chain path"));
        assert!(
            serde_json::from_str::<Tree>(r#"{"root_rpc": "x", "chains": [], "extra": 1}"#).is_err()
        );
    }
}
