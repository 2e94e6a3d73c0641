//! `plasmad start`, phase 5, under a `[parent]` only: the parent connected to (the root
//! contract on Ethereum, or a plasma parent followed as a light client) and the tasks that
//! follow it.

use super::services::Services;
use super::Setup;
use crate::app::PlasmaApp;
use crate::config::{ParentSection, PlasmaParentSection};
use crate::rpc::ParentLink;
use crate::watch::{BlockSources, Watch};
use crate::{prover, relayer, watcher};
use eyre::eyre;
use plasma_bridge::{EthereumParent, ParentChain, ParentError, PlasmaParent};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::Address;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tracing::{info, warn};

/// Phase 5, under a `[parent]` only: connects to the parent (a plasma parent once it serves
/// its first block), shows it in the API and starts the [`ParentTasks`]. Owns the parent.
pub(super) async fn start_parent_tasks(
    setup: &Setup,
    app: &PlasmaApp,
    services: &Services,
) -> eyre::Result<()> {
    let Some(p) = &setup.cfg.parent else { return Ok(()) };
    let parent = connect(setup, p).await?;
    let root_chain_id = setup.genesis.genesis.root_chain_id;
    let link = ParentLink {
        parent: parent.clone(),
        kind: if p.plasma.is_some() { "plasma" } else { "ethereum" },
        chain_id: p.plasma.as_ref().map_or(root_chain_id, |pp| pp.chain_id),
    };
    let _ = services.parent.set(link);
    let watch = Watch {
        parent,
        app: app.clone(),
        alerts: services.alerts.clone(),
        sources: BlockSources::new(p.block_sources.clone()),
        chain_id: setup.chain_id,
        poll: Duration::from_millis(p.poll_ms),
        withholding: Duration::from_millis(p.withholding_timeout_ms),
    };
    let tasks = ParentTasks { watch, operator: setup.address.0 };
    tasks.start().await;
    Ok(())
}

/// The parent of `[parent]` `p`: the root contract on Ethereum, or a plasma parent followed
/// as a light client, retried every poll until it serves its first block.
async fn connect(setup: &Setup, p: &ParentSection) -> eyre::Result<Arc<dyn ParentChain>> {
    let genesis = &setup.genesis.genesis;
    let root = genesis.root_contract;
    let key = Some(setup.keys.operator_secret);
    let ethereum = EthereumParent::connect(&p.rpc, root, p.finality(), p.start_block, key)
        .map_err(|e| eyre!("parent: {e}"))?;
    let Some(pp) = &p.plasma else {
        info!(rpc = %p.rpc, %root, finality = ?p.finality(), "following the parent");
        return Ok(Arc::new(ethereum));
    };
    let above: Vec<u64> = pp.ancestors.iter().map(|a| a.chain_id).collect();
    let domain = SigningDomain::under(&above, pp.chain_id, genesis.root_chain_id, root);
    // Until the parent serves its first block, there is nothing to follow.
    let mut quiet = crate::periodic::Quiet::new("cannot reach the plasma parent");
    let parent = loop {
        let connect = async {
            let sets = parent_sets(&ethereum, genesis.root_chain_id, root, pp).await?;
            let endpoints = pp.endpoints.clone();
            let prover = UserKey::from_bytes(setup.keys.operator_secret);
            PlasmaParent::connect(domain.clone(), setup.chain_id, prover, endpoints, sets).await
        };
        if let Some(parent) = quiet.outcome(connect.await.map_err(|e| eyre!(e))) {
            break parent;
        }
        tokio::time::sleep(Duration::from_millis(p.poll_ms)).await;
    };
    info!(parent = pp.chain_id, endpoints = ?pp.endpoints, "following the plasma parent as a light client");
    Ok(Arc::new(parent))
}

/// Where the validator sets of the plasma parent `pp` come from: the root's configurations
/// when it hangs under the root; otherwise a light client of each ancestor, the root's child
/// first, each learning the sets of the chain below it from the registry it keeps.
async fn parent_sets(
    ethereum: &EthereumParent,
    root_chain_id: u64,
    root: Address,
    pp: &PlasmaParentSection,
) -> Result<Box<dyn plasma_bridge::light::SetSource>, ParentError> {
    let top = pp.ancestors.first().map_or(pp.chain_id, |a| a.chain_id);
    let mut sets: Box<dyn plasma_bridge::light::SetSource> = Box::new((ethereum.clone(), top));
    let ids: Vec<u64> = pp.ancestors.iter().map(|a| a.chain_id).collect();
    for (k, ancestor) in pp.ancestors.iter().enumerate() {
        let below = pp.ancestors.get(k + 1).map_or(pp.chain_id, |a| a.chain_id);
        let domain = SigningDomain::under(&ids[..k], ancestor.chain_id, root_chain_id, root);
        // A follower only: it never submits, so it needs no beneficiary.
        let follower =
            PlasmaParent::connect(domain, below, None, ancestor.endpoints.clone(), sets).await?;
        sets = Box::new(Arc::new(follower));
    }
    Ok(sets)
}

/// What the tasks following the parent need, built once; each task takes its own clones.
struct ParentTasks {
    /// What the watchers and the prover share (the parent, the app, alerts, block sources,
    /// the chain's id and the timing); the relayers take the parts they use.
    watch: Watch,
    /// This node's operator, who submits the checkpoints.
    operator: Address,
}

impl ParentTasks {
    /// Starts the tasks in this order: deposits, block availability, exits, the blocks behind
    /// checkpoints; then, after one attempt (of at most 10 s) at the parent's validator
    /// configurations, validator sets and checkpoints.
    async fn start(self) {
        tokio::spawn(self.deposits());
        tokio::spawn(self.availability());
        tokio::spawn(self.exits());
        tokio::spawn(self.blocks());
        self.first_validator_sets().await;
        tokio::spawn(self.validator_sets());
        tokio::spawn(self.checkpoints());
    }

    /// The parent's final deposits, recorded in nonce order.
    fn deposits(&self) -> impl Future<Output = ()> + Send + 'static {
        let w = &self.watch;
        relayer::follow_deposits(w.parent.clone(), w.app.clone(), w.chain_id, w.poll)
    }

    /// The block behind every checkpoint, checked to be obtainable.
    fn availability(&self) -> impl Future<Output = ()> + Send + 'static {
        watcher::watch_availability(self.watch.clone())
    }

    /// Every exit started on the parent, judged against this chain's blocks.
    fn exits(&self) -> impl Future<Output = ()> + Send + 'static {
        watcher::watch_exits(self.watch.clone())
    }

    /// The blocks up to the parent's checkpoint, fetched and judged when this node stays
    /// behind it; the first invalid one proven.
    fn blocks(&self) -> impl Future<Output = ()> + Send + 'static {
        prover::watch_blocks(self.watch.clone())
    }

    /// The parent's validator configurations before consensus judges any block: a node
    /// syncing history must know every set the chain adopted on the way. Waits at most 10 s.
    async fn first_validator_sets(&self) {
        let w = &self.watch;
        let first = relayer::validator_set_once(w.parent.as_ref(), &w.app, w.chain_id);
        match tokio::time::timeout(Duration::from_secs(10), first).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                warn!(error = %e, "the parent's validator configurations are not known yet; retrying")
            }
            Err(_) => {
                warn!("the parent did not answer within 10 s; following it in the background")
            }
        }
    }

    /// The parent's pending validator sets, recorded for the next epoch end to adopt.
    fn validator_sets(&self) -> impl Future<Output = ()> + Send + 'static {
        let w = &self.watch;
        relayer::follow_validator_sets(w.parent.clone(), w.app.clone(), w.chain_id, w.poll)
    }

    /// The latest epoch-end checkpoint, submitted with its certificate.
    fn checkpoints(self) -> impl Future<Output = ()> + Send + 'static {
        let Watch { parent, app, chain_id, poll, .. } = self.watch;
        relayer::follow_checkpoints(parent, app, chain_id, self.operator, poll)
    }
}
