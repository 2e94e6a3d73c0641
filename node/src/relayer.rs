//! Relaying between the chain and its parent.
//!
//! * Deposits down: the parent's final deposits, recorded in nonce order so that proposers
//!   mint them (`PrepareProposal`) and validators accept them (`ProcessProposal` refuses a
//!   deposit the node has not recorded, or one out of order). Recording is idempotent (a
//!   record is keyed by its nonce and holds what the parent recorded), and following
//!   resumes from the highest recorded nonce, so a restart neither loses nor repeats one.
//! * Checkpoints up: every validator submits the latest epoch-end block with its
//!   certificate once the parent's latest checkpoint is older. After downtime it submits
//!   the latest, not every missed one; a checkpoint another validator landed first is
//!   refused as not newer, which is harmless.

use crate::app::PlasmaApp;
use crate::periodic::Quiet;
use crate::store::PendingSet;
use plasma_bridge::parent::{ParentChain, ParentDeposits, MAX_DEPOSITS_PER_QUERY};
use plasma_ledger::children::MAX_CHECKPOINT_GAP;
use plasma_ledger::{Address, Checkpoint};
use std::sync::Arc;
use std::time::Duration;
use tracing::info;

/// Follows `parent`'s final deposits for `chain_id` every `poll`, forever.
pub async fn follow_deposits(
    parent: Arc<dyn ParentChain>,
    app: PlasmaApp,
    chain_id: u64,
    poll: Duration,
) {
    let mut quiet = Quiet::new("cannot read the parent's deposits");
    loop {
        let round = relay_once(parent.as_ref(), &app, chain_id).await;
        if quiet.outcome(round) == Some(MAX_DEPOSITS_PER_QUERY) {
            continue; // a full page: more may be waiting
        }
        tokio::time::sleep(poll).await;
    }
}

/// One round: records the final deposits after the last recorded one. Returns how many.
pub async fn relay_once(
    parent: &dyn ParentDeposits,
    app: &PlasmaApp,
    chain_id: u64,
) -> eyre::Result<usize> {
    let mut from = app.with_store(|s| s.recorded_deposits_end())?;
    let records = parent.final_deposits(chain_id, from, MAX_DEPOSITS_PER_QUERY).await?;
    for r in &records {
        // The parent implementation promises this (the root numbers deposits 0, 1, 2, …, a
        // plasma parent by where their locks stand, with gaps); a violation must not reach the
        // store. That none is skipped is the implementation's to keep: the root's answers stop
        // at the first deposit not final, a plasma parent's follow its certified blocks.
        if r.chainId != chain_id || r.nonce < from {
            eyre::bail!(
                "parent returned deposit {} of chain {} where one of {chain_id} from {from} was due",
                r.nonce,
                r.chainId,
            );
        }
        from = r.nonce.saturating_add(1);
        app.with_store(|s| s.record_parent_deposit(r))?;
        info!(nonce = r.nonce, recipient = %r.recipient, token = %r.token, amount = %r.amount, "parent deposit final; recorded");
    }
    Ok(records.len())
}

/// Follows the parent's pending validator configuration of `chain_id` every `poll`,
/// forever: the set the next epoch-end block may adopt.
pub async fn follow_validator_sets(
    parent: Arc<dyn ParentChain>,
    app: PlasmaApp,
    chain_id: u64,
    poll: Duration,
) {
    let mut quiet = Quiet::new("cannot read the parent's validator configurations");
    loop {
        quiet.outcome(validator_set_once(parent.as_ref(), &app, chain_id).await);
        tokio::time::sleep(poll).await;
    }
}

/// One round of [`follow_validator_sets`]: records the parent's configurations not recorded
/// yet (any of them may be adopted at an epoch end of the chain's history, which a node
/// syncing later must judge) and what the parent has pending now, when that changed.
pub async fn validator_set_once(
    parent: &dyn ParentChain,
    app: &PlasmaApp,
    chain_id: u64,
) -> eyre::Result<()> {
    let state = parent.chain_state(chain_id).await?;
    for id in app.with_store(|s| s.configurations_end())?..=state.configurations {
        let set = parent
            .configuration(chain_id, id)
            .await?
            .ok_or_else(|| eyre::eyre!("the parent numbered configuration {id} but has none"))?;
        app.with_store(|s| s.record_configuration(id, state.epoch_length, &set))?;
    }
    let pending = match state.pending_configuration {
        0 => None,
        id => {
            let validators = app
                .with_store(|s| s.configurations())?
                .into_iter()
                .find_map(|(i, set)| (i == id).then_some(set))
                .ok_or_else(|| eyre::eyre!("pending configuration {id} not recorded"))?;
            Some(PendingSet { epoch_length: state.epoch_length, validators })
        }
    };
    if app.with_store(|s| s.pending_set())? != pending {
        app.with_store(|s| s.record_pending_set(pending.as_ref()))?;
        match &pending {
            Some(p) => {
                info!(set = %p.hash(), validators = p.validators.len(), "the parent has a pending validator set; the next epoch end adopts it")
            }
            None => info!("the parent has no pending validator set"),
        }
    }
    Ok(())
}

/// Submits checkpoints of `chain_id` to `parent` every `poll`, forever, while `operator`
/// is a member of the chain's current validator set.
pub async fn follow_checkpoints(
    parent: Arc<dyn ParentChain>,
    app: PlasmaApp,
    chain_id: u64,
    operator: Address,
    poll: Duration,
) {
    let mut quiet = Quiet::new("checkpoint not submitted");
    loop {
        let head = app.with_store(|s| s.head().height);
        let set = app.schedule().at(head);
        if set.ledger().validators().iter().any(|v| v.operator == operator) {
            quiet.outcome(checkpoint_once(parent.as_ref(), &app, chain_id).await);
        }
        tokio::time::sleep(poll).await;
    }
}

/// The highest epoch end the parent would take as the next checkpoint: at or below `head`,
/// and at most [`MAX_CHECKPOINT_GAP`] past the parent's `last` checkpoint (after a long
/// outage the chain catches up in several checkpoints). An epoch is never longer than the gap,
/// so one lies within reach.
pub fn latest_epoch_end(head: u64, last: u64, epoch: u64) -> u64 {
    let reach = head.min(last.saturating_add(MAX_CHECKPOINT_GAP));
    reach - reach % epoch.max(1)
}

/// One round: submits the latest epoch-end checkpoint if the parent lacks it — or, if an
/// epoch end since the parent's latest adopts a new validator set, the first such one (the
/// parent must see the change before certificates of the new set). Returns the height
/// submitted, if this node landed one.
pub async fn checkpoint_once(
    parent: &dyn ParentChain,
    app: &PlasmaApp,
    chain_id: u64,
) -> eyre::Result<Option<u64>> {
    let state = parent.chain_state(chain_id).await?;
    if state.frozen {
        eyre::bail!("the parent froze chain {chain_id}: no more checkpoints");
    }
    let head = app.with_store(|s| s.head().height);
    let epoch = state.epoch_length.max(1);
    let latest = latest_epoch_end(head, state.last_checkpoint, epoch);
    if latest == 0 || latest <= state.last_checkpoint {
        return Ok(None);
    }
    let first = (state.last_checkpoint / epoch + 1) * epoch;
    let mut due = latest;
    for h in (first..latest).step_by(epoch as usize) {
        let header =
            app.with_store(|s| s.block(h))?.ok_or_else(|| eyre::eyre!("block {h} missing"))?.header;
        if header.nextValidatorSetHash != header.validatorSetHash {
            due = h;
            break;
        }
    }
    let (block, certificate) = app.with_store(|s| -> eyre::Result<_> {
        let block = s.block(due)?.ok_or_else(|| eyre::eyre!("block {due} missing"))?;
        let cert = s.certificate(due)?.ok_or_else(|| eyre::eyre!("certificate {due} missing"))?;
        Ok((block, cert))
    })?;
    let checkpoint = Checkpoint { header: block.header, certificate };
    if parent.submit_checkpoint(&checkpoint.header, &checkpoint.certificate).await? {
        info!(height = due, block = %checkpoint.header.hash(), "checkpoint submitted to the parent");
        Ok(Some(due))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_long_outage_the_relayer_submits_an_epoch_end_the_parent_takes() {
        // Today: the latest epoch end at or below the head.
        assert_eq!(latest_epoch_end(23, 8, 4), 20);
        assert_eq!(latest_epoch_end(3, 0, 4), 0);
        // After an outage longer than the gap: the furthest epoch end within reach, so
        // the chain catches up in steps instead of being refused for good.
        let head = 5 * MAX_CHECKPOINT_GAP + 7;
        let next = latest_epoch_end(head, 12, 10);
        assert!(next > 12 && next - 12 <= MAX_CHECKPOINT_GAP && next.is_multiple_of(10));
        assert!(next + 10 > 12 + MAX_CHECKPOINT_GAP, "the furthest one: {next}");
    }
}
