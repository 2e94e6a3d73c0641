//! The availability watch: the block behind every checkpoint the parent accepts must be
//! obtainable, and be this chain's block (a conflicting checkpoint is proven as
//! equivocation).

use crate::alerts::{AlertKind, Alerts};
use crate::app::PlasmaApp;
use crate::periodic::Quiet;
use crate::watch::{BlockSources, Watch};
use plasma_bridge::ParentChain;
use std::collections::BTreeMap;
use std::time::Instant;
use tracing::{info, warn};

/// Whether one of `sources` serves block `height` with hash `hash` and its own body.
async fn served(sources: &BlockSources, height: u64, hash: &plasma_ledger::B256) -> bool {
    if sources.is_empty() {
        return false;
    }
    sources.block(height).await.is_some_and(|b| {
        b.header.hash() == *hash && plasma_ledger::block::tx_root(&b) == b.header.txRoot
    })
}

/// Two certified blocks at one height: the parent's checkpoint and this chain's own block.
/// The proof (both certificates, checked here with the ledger's verifier first) freezes the
/// chain; of one round, it slashes whoever signed both (of two rounds, nobody: an honest
/// validator may have, `plasma_ledger::fraud::verify_equivocation`).
async fn prove_equivocation(
    parent: &dyn ParentChain,
    app: &PlasmaApp,
    alerts: &Alerts,
    chain_id: u64,
    height: u64,
) -> eyre::Result<()> {
    let Some((_, theirs)) = parent.checkpoint(chain_id, height).await? else {
        eyre::bail!("checkpoint {height} vanished from the parent");
    };
    let ours = app
        .with_store(|s| s.certificate(height))?
        .ok_or_else(|| eyre::eyre!("certificate {height} missing"))?;
    let set = app.schedule().at(height);
    let votes = app.domain();
    let verdict =
        plasma_ledger::fraud::verify_equivocation(set.ledger(), votes.votes(), &theirs, &ours)
            .map_err(|e| eyre::eyre!("the two certificates do not prove equivocation: {e}"))?;
    let culprits: Vec<String> = verdict
        .culprits
        .iter()
        .filter_map(|i| set.ledger().validators().get(*i).map(|v| v.operator.to_string()))
        .collect();
    let detail = if theirs.round == ours.round {
        format!("validators {} certified two blocks at height {height}", culprits.join(", "))
    } else {
        let rounds = (theirs.round, ours.round);
        format!("two blocks certified at height {height} in rounds {} and {}", rounds.0, rounds.1)
    };
    alerts.raise(AlertKind::Equivocation, height, detail);
    let evidence = plasma_ledger::EquivocationEvidence { a: theirs, b: ours };
    let proof = plasma_ledger::fraud::evidence::proof(
        plasma_ledger::FraudKind::Equivocation,
        &Default::default(),
        &Default::default(),
        &evidence,
    );
    let submitted = parent.prove_fraud(chain_id, &proof).await;
    if let Ok(accepted) = submitted {
        alerts.proof_submitted(height, proof.clone(), accepted);
    }
    match submitted {
        Ok(true) => {
            info!(height, "equivocation proven to the parent; the chain is rolled back and frozen")
        }
        Ok(false) => info!(height, "equivocation already proven"),
        Err(e) => warn!(height, error = %e, "equivocation proof refused"),
    }
    Ok(())
}

/// The state of the checkpoint-availability watch.
#[derive(Debug, Default)]
pub struct Availability {
    next_block: u64,
    /// Checkpoints whose block this node does not hold yet: height → (hash, first seen,
    /// whether the alert was raised).
    waiting: BTreeMap<u64, (plasma_ledger::B256, Instant, bool)>,
}

/// Watches that the block of every checkpoint the parent accepts is obtainable within the
/// withholding timeout — held by this node, or served by one of the block sources with the
/// checkpointed hash: otherwise alert `block_withholding` (the validators certify blocks
/// nobody else can see, so users must exit). A held block whose hash differs from the
/// checkpoint's raises `invalid_checkpoint` (and is proven as equivocation).
pub async fn watch_availability(watch: Watch) {
    let mut state = Availability::default();
    let mut quiet = Quiet::new("cannot check the parent's checkpoints");
    loop {
        quiet.outcome(availability_once(&watch, &mut state).await);
        tokio::time::sleep(watch.poll).await;
    }
}

/// One round of [`watch_availability`].
pub async fn availability_once(watch: &Watch, state: &mut Availability) -> eyre::Result<()> {
    let Watch { parent, app, alerts, sources, chain_id, withholding: timeout, .. } = watch;
    let (parent, chain_id, timeout) = (parent.as_ref(), *chain_id, *timeout);
    let (accepted, next) = parent.checkpoints_accepted(chain_id, state.next_block).await?;
    state.next_block = next;
    for (height, hash) in accepted {
        state.waiting.entry(height).or_insert((hash, Instant::now(), false));
    }
    let mut settled = Vec::new();
    for (height, (hash, since, alerted)) in state.waiting.iter_mut() {
        match app.with_store(|s| s.block(*height))? {
            Some(block) if block.header.hash() == *hash => {
                if *alerted {
                    info!(height, "the withheld block of a checkpoint is available now");
                }
                settled.push(*height);
            }
            Some(block) => {
                let detail = format!(
                    "the parent's checkpoint {height} is {hash}, this chain's block is {}",
                    block.header.hash()
                );
                alerts.raise(AlertKind::InvalidCheckpoint, *height, detail);
                prove_equivocation(parent, app, alerts, chain_id, *height).await?;
                settled.push(*height);
            }
            None if served(sources, *height, hash).await => {
                if *alerted {
                    info!(
                        height,
                        "the withheld block of a checkpoint is served by the network now"
                    );
                }
                settled.push(*height);
            }
            None if !*alerted && since.elapsed() >= timeout => {
                let detail = format!(
                    "checkpoint {height} ({hash}) has no block here after {} ms; users should exit",
                    since.elapsed().as_millis()
                );
                alerts.raise(AlertKind::BlockWithholding, *height, detail);
                *alerted = true;
            }
            None => {}
        }
    }
    for h in settled {
        state.waiting.remove(&h);
    }
    Ok(())
}
