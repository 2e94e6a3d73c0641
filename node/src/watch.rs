//! What the tasks watching the parent share: the parent, this chain's application, where to
//! raise alerts, the other nodes that serve this chain's blocks, and their timing. The daemon
//! builds one [`Watch`]; the exit watcher, the availability watcher and the prover each take
//! a clone.

use crate::alerts::Alerts;
use crate::app::PlasmaApp;
use plasma_bridge::ParentChain;
use plasma_ledger::Block;
use plasma_proto::v1::chain_client::ChainClient;
use std::sync::Arc;
use std::time::Duration;
use tracing::warn;

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

/// Other nodes of this chain whose gRPC API serves blocks.
#[derive(Debug, Clone, Default)]
pub struct BlockSources {
    endpoints: Vec<String>,
}

impl BlockSources {
    /// Sources at `endpoints` (`http://host:port`).
    pub fn new(endpoints: Vec<String>) -> Self {
        Self { endpoints }
    }

    /// Whether there is no source to ask.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// Block `height` from the first source that serves it (decoded strictly; whether it
    /// belongs to the chain is for [`plasma_ledger::prove::check_links`] to say).
    pub async fn block(&self, height: u64) -> Option<Block> {
        for url in &self.endpoints {
            let Ok(mut client) = ChainClient::connect(url.clone()).await else { continue };
            let req = plasma_proto::v1::GetBlockRequest { height };
            let Ok(res) = client.get_block(req).await else { continue };
            match Block::decode(&res.into_inner().block) {
                Ok(block) if block.header.height == height => return Some(block),
                Ok(_) => warn!(%url, height, "block source answered another height"),
                Err(e) => warn!(%url, height, error = %e, "block source answered garbage"),
            }
        }
        None
    }
}
