//! The topology file: which chains hang under which parent, with how many validators.
//!
//! ```toml
//! [root]
//! block_time = 1          # seconds between root blocks; 0 mines a block per transaction
//!
//! [defaults]              # for every chain that does not say otherwise
//! epoch_length = 4        # blocks between checkpoints
//! exit_period = 60        # seconds an exit waits for challenges
//! block_time_ms = 500     # target time between a chain's blocks
//!
//! [[chain]]
//! name = "A"              # parent defaults to the root
//! validators = 4
//!
//! [[chain]]
//! name = "B"
//! parent = "A"
//! validators = 4
//! ```
//!
//! A chain is named by its path from the root, `/A/B`. A parent is declared before its
//! children, so the file is a tree by construction.

use serde::Deserialize;
use std::path::Path;

/// The default tree: root → A (4 validators) → B (4) and C (3).
pub const DEFAULT: &str = include_str!("../topologies/default.toml");

/// The deepest a chain may hang below the root: each level's nodes follow every plasma chain
/// above them as light clients.
pub const MAX_DEPTH: usize = 4;

/// The most validators a chain may have (the root contract's and the native parent's bound).
pub const MAX_VALIDATORS: usize = 16;

/// Why a topology was refused.
#[derive(Debug, thiserror::Error)]
pub enum TopologyError {
    /// The file could not be read.
    #[error("reading {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What failed.
        reason: String,
    },
    /// Not TOML of the expected shape (unknown keys included).
    #[error("topology: {0}")]
    Syntax(String),
    /// No chain at all.
    #[error("topology: no [[chain]]: a devnet needs at least one chain under the root")]
    Empty,
    /// A name that is not a path segment.
    #[error("topology: chain name {0:?} must be 1-32 characters of A-Z, a-z, 0-9, '-' or '_'")]
    BadName(String),
    /// Two chains with one name.
    #[error("topology: chain {0:?} is declared twice")]
    Duplicate(String),
    /// A parent that is not declared above its child.
    #[error("topology: chain {chain:?} names parent {parent:?}, which is not declared before it")]
    UnknownParent {
        /// The child.
        chain: String,
        /// The parent it names.
        parent: String,
    },
    /// A value out of range.
    #[error("topology: chain {chain:?}: {field} = {value} is out of range ({range})")]
    OutOfRange {
        /// The chain (or `root`).
        chain: String,
        /// The key.
        field: &'static str,
        /// The value given.
        value: u64,
        /// What is allowed.
        range: &'static str,
    },
    /// A chain deeper than [`MAX_DEPTH`].
    #[error("topology: chain {0:?} would be more than {MAX_DEPTH} levels below the root")]
    TooDeep(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    root: RootSpec,
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    chain: Vec<ChainEntry>,
}

/// The root (anvil).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootSpec {
    /// Seconds between root blocks; 0 mines a block per transaction.
    #[serde(default = "one")]
    pub block_time: u64,
}

impl Default for RootSpec {
    fn default() -> Self {
        Self { block_time: 1 }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    #[serde(default = "four")]
    epoch_length: u64,
    #[serde(default = "sixty")]
    exit_period: u64,
    #[serde(default = "half_second")]
    block_time_ms: u64,
}

impl Default for Defaults {
    fn default() -> Self {
        Self { epoch_length: 4, exit_period: 60, block_time_ms: 500 }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChainEntry {
    name: String,
    parent: Option<String>,
    validators: u64,
    epoch_length: Option<u64>,
    exit_period: Option<u64>,
    block_time_ms: Option<u64>,
}

fn one() -> u64 {
    1
}
fn four() -> u64 {
    4
}
fn sixty() -> u64 {
    60
}
fn half_second() -> u64 {
    500
}

/// One chain of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSpec {
    /// Its name, unique in the tree.
    pub name: String,
    /// Index of its parent in [`Topology::chains`]; `None` for the root.
    pub parent: Option<usize>,
    /// How many validators (equal power).
    pub validators: usize,
    /// Blocks between checkpoints.
    pub epoch_length: u64,
    /// Seconds an exit waits for challenges.
    pub exit_period: u64,
    /// Target time between blocks.
    pub block_time_ms: u64,
}

/// A checked topology: every parent precedes its children.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The root.
    pub root: RootSpec,
    /// The chains, parents first.
    pub chains: Vec<ChainSpec>,
}

impl Topology {
    /// The default tree ([`DEFAULT`]).
    pub fn default_tree() -> Self {
        Self::parse(DEFAULT).expect("the built-in topology is valid")
    }

    /// Reads and checks a topology file.
    pub fn load(path: &Path) -> Result<Self, TopologyError> {
        let text = std::fs::read_to_string(path).map_err(|e| TopologyError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::parse(&text)
    }

    /// Parses and checks a topology.
    pub fn parse(text: &str) -> Result<Self, TopologyError> {
        let file: File = toml::from_str(text).map_err(|e| TopologyError::Syntax(e.to_string()))?;
        if file.chain.is_empty() {
            return Err(TopologyError::Empty);
        }
        range("root", "block_time", file.root.block_time, 0, 60, "0-60")?;
        let mut chains: Vec<ChainSpec> = Vec::with_capacity(file.chain.len());
        for entry in file.chain {
            let name = entry.name;
            let valid_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if name.is_empty() || name.len() > 32 || !name.chars().all(valid_char) {
                return Err(TopologyError::BadName(name));
            }
            if name == "root" || chains.iter().any(|c| c.name == name) {
                return Err(TopologyError::Duplicate(name));
            }
            let parent = match entry.parent.as_deref() {
                None | Some("root") | Some("/") => None,
                Some(p) => {
                    let p = p.trim_start_matches('/');
                    let at = p.rsplit('/').next().unwrap_or(p);
                    let index = chains.iter().position(|c| c.name == at).ok_or_else(|| {
                        TopologyError::UnknownParent { chain: name.clone(), parent: p.into() }
                    })?;
                    if depth(&chains, index) + 1 > MAX_DEPTH {
                        return Err(TopologyError::TooDeep(name));
                    }
                    Some(index)
                }
            };
            let d = file.defaults;
            let validators = entry.validators;
            range(&name, "validators", validators, 1, MAX_VALIDATORS as u64, "1-16")?;
            let epoch_length = entry.epoch_length.unwrap_or(d.epoch_length);
            range(&name, "epoch_length", epoch_length, 1, 10_000, "1-10000")?;
            let exit_period = entry.exit_period.unwrap_or(d.exit_period);
            range(&name, "exit_period", exit_period, 1, 30 * 86_400, "1 s to 30 days")?;
            let block_time_ms = entry.block_time_ms.unwrap_or(d.block_time_ms);
            range(&name, "block_time_ms", block_time_ms, 50, 60_000, "50-60000")?;
            chains.push(ChainSpec {
                name,
                parent,
                validators: validators as usize,
                epoch_length,
                exit_period,
                block_time_ms,
            });
        }
        Ok(Self { root: file.root, chains })
    }

    /// Chain `i`'s path from the root, `/A/B`.
    pub fn path(&self, i: usize) -> String {
        match self.chains[i].parent {
            None => format!("/{}", self.chains[i].name),
            Some(p) => format!("{}/{}", self.path(p), self.chains[i].name),
        }
    }
}

/// How many levels below the root chain `i` hangs (1 for the root's children).
fn depth(chains: &[ChainSpec], i: usize) -> usize {
    1 + chains[i].parent.map_or(0, |p| depth(chains, p))
}

fn range(
    chain: &str,
    field: &'static str,
    value: u64,
    min: u64,
    max: u64,
    text: &'static str,
) -> Result<(), TopologyError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(TopologyError::OutOfRange { chain: chain.into(), field, value, range: text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tree_is_root_a_then_b_and_c() {
        let t = Topology::default_tree();
        let paths: Vec<_> = (0..t.chains.len()).map(|i| t.path(i)).collect();
        assert_eq!(paths, ["/A", "/A/B", "/A/C"]);
        let sizes: Vec<_> = t.chains.iter().map(|c| c.validators).collect();
        assert_eq!(sizes, [4, 4, 3]);
    }

    #[test]
    fn defaults_apply_unless_a_chain_overrides_them() {
        let t = Topology::parse(
            "[defaults]\nepoch_length = 8\n[[chain]]\nname = \"x\"\nvalidators = 1\n\
             [[chain]]\nname = \"y\"\nparent = \"/x\"\nvalidators = 2\nepoch_length = 2\n",
        )
        .unwrap();
        assert_eq!(t.chains[0].epoch_length, 8);
        assert_eq!(t.chains[1].epoch_length, 2);
        assert_eq!(t.chains[1].parent, Some(0));
        assert_eq!(t.chains[1].exit_period, 60);
        assert_eq!(t.root.block_time, 1);
    }

    #[test]
    fn bad_files_are_refused_with_what_is_wrong() {
        let err = |text: &str| Topology::parse(text).unwrap_err().to_string();
        assert!(err("").contains("no [[chain]]"));
        assert!(err("[[chain]]\nname = \"a\"\nvalidators = 1\ncolour = 1\n").contains("colour"));
        assert!(err("[[chain]]\nname = \"a b\"\nvalidators = 1\n").contains("\"a b\""));
        assert!(err("[[chain]]\nname = \"a\"\nvalidators = 0\n").contains("validators = 0"));
        assert!(err("[[chain]]\nname = \"a\"\nvalidators = 17\n").contains("1-16"));
        assert!(err("[[chain]]\nname = \"a\"\nvalidators = 1\nparent = \"z\"\n")
            .contains("parent \"z\""));
        let twice =
            "[[chain]]\nname = \"a\"\nvalidators = 1\n[[chain]]\nname = \"a\"\nvalidators = 1\n";
        assert!(err(twice).contains("declared twice"));
        let mut deep = "[[chain]]\nname = \"c0\"\nvalidators = 1\n".to_string();
        for i in 1..MAX_DEPTH {
            deep +=
                &format!("[[chain]]\nname = \"c{i}\"\nparent = \"c{}\"\nvalidators = 1\n", i - 1);
        }
        let t = Topology::parse(&deep).unwrap();
        assert_eq!(t.path(MAX_DEPTH - 1), "/c0/c1/c2/c3");
        deep +=
            &format!("[[chain]]\nname = \"x\"\nparent = \"c{}\"\nvalidators = 1\n", MAX_DEPTH - 1);
        assert!(err(&deep).contains("more than 4 levels"), "{}", err(&deep));
        assert!(err("[root]\nblock_time = 100\n[[chain]]\nname = \"a\"\nvalidators = 1\n")
            .contains("block_time = 100"));
        assert!(Topology::load(Path::new("/nonexistent/t.toml"))
            .unwrap_err()
            .to_string()
            .contains("/nonexistent/t.toml"));
    }
}
