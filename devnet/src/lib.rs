//! A whole plasma tree on one machine, and the harness that runs cross-chain scenarios on it.
//!
//! [`Devnet::up`] boots a [`Topology`]: anvil (the root), the root contracts, then for each
//! chain in order its validators' keys and genesis, its registration with its parent (the
//! root contract, or a plasma parent's `RegisterChild` system transaction) and one `plasmad`
//! process per validator, each with its own home, log and ports; it returns once every chain
//! has checkpointed to its parent. What runs where is written to `devnet.json` in the data
//! folder, so that `status`, `logs` and `down` find it again from another process.

pub mod harness;
pub mod launch;
pub mod process;
pub mod scenarios;
pub mod state;
pub mod status;
pub mod topology;

pub use launch::{Devnet, Options};
pub use state::State;
pub use topology::{Topology, TopologyError};

use std::path::PathBuf;

/// Why a devnet could not be booted, reached or stopped.
#[derive(Debug, thiserror::Error)]
pub enum DevnetError {
    /// The topology file is wrong.
    #[error(transparent)]
    Topology(#[from] TopologyError),
    /// `devnet.json` could not be read or written.
    #[error("devnet state {path}: {reason}")]
    State {
        /// The file.
        path: PathBuf,
        /// What failed.
        reason: String,
    },
    /// A file or process operation failed.
    #[error("{what}: {reason}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// What failed.
        reason: String,
    },
    /// A binary the devnet runs is missing.
    #[error("{tool} not found at {path} (build it: cargo build -p plasma-node --bins; tools: bash scripts/setup.sh)")]
    MissingTool {
        /// Which.
        tool: &'static str,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// A devnet already runs in this folder.
    #[error("a devnet is already running in {0} (stop it: plasma-devnet down)")]
    Running(PathBuf),
    /// There is no devnet in this folder.
    #[error("no devnet in {0} (start one: plasma-devnet up)")]
    NoDevnet(PathBuf),
    /// A port is taken.
    #[error("ports: {0}")]
    Ports(String),
    /// The root (anvil or the contracts) failed.
    #[error("root: {0}")]
    Root(String),
    /// A chain's set-up failed.
    #[error("{chain}: {reason}")]
    Node {
        /// The chain's path.
        chain: String,
        /// What failed.
        reason: String,
    },
    /// Something did not happen in time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// A node refused or failed a call.
    #[error("{what}: {reason}")]
    Rpc {
        /// The call.
        what: &'static str,
        /// The node's answer.
        reason: String,
    },
    /// A scenario found what it checks false, or could not run.
    #[error("scenario {name}: {reason}")]
    Scenario {
        /// The scenario.
        name: String,
        /// What went wrong.
        reason: String,
    },
    /// No scenario of this name.
    #[error("no scenario {name:?}; known: {known}")]
    UnknownScenario {
        /// The name asked for.
        name: String,
        /// The names this version knows.
        known: String,
    },
    /// No chain with this path.
    #[error("no chain {0:?} in this devnet (`plasma-devnet status` lists them)")]
    UnknownChain(String),
}

/// Stops the devnet in `dir` by the PIDs it recorded (nothing else), children before parents
/// and anvil last; with `fresh`, removes its data too. Returns how many processes ran.
pub fn down(dir: &std::path::Path, fresh: bool) -> Result<usize, DevnetError> {
    let Some(mut state) = State::load(dir)? else {
        return Err(DevnetError::NoDevnet(dir.to_path_buf()));
    };
    let stopped = launch::stop_state(&mut state);
    if fresh {
        std::fs::remove_dir_all(dir)
            .map_err(|e| DevnetError::Io { what: "removing the data", reason: e.to_string() })?;
    } else {
        state.save(dir)?;
    }
    Ok(stopped)
}
