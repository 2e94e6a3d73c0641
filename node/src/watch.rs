//! What the tasks watching the parent share: the parent, this chain's application, where to
//! raise alerts, the other nodes that serve this chain's blocks, and their timing. The daemon
//! builds one [`Watch`]; the exit watcher, the availability watcher and the prover each take
//! a clone.

use crate::alerts::Alerts;
use crate::app::PlasmaApp;
use crate::prover::BlockSources;
use plasma_bridge::ParentChain;
use std::sync::Arc;
use std::time::Duration;

/// One chain's view of its parent, for the tasks that watch it.
#[derive(Clone)]
pub struct Watch {
    /// The parent.
    pub parent: Arc<dyn ParentChain>,
    /// This chain's application: the store the tasks judge against.
    pub app: PlasmaApp,
    /// Where the tasks raise what they find.
    pub alerts: Alerts,
    /// Other nodes serving this chain's blocks (`[parent] block_sources`).
    pub sources: BlockSources,
    /// This chain's id.
    pub chain_id: u64,
    /// How often each task asks the parent (`[parent] poll_ms`).
    pub poll: Duration,
    /// How long the block behind a checkpoint may stay unobtainable, and this node behind
    /// the parent's checkpoint, before the watchers act (`[parent] withholding_timeout_ms`).
    pub withholding: Duration,
}
