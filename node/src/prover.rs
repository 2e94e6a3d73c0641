//! Fraud proofs on the watcher's own initiative.
//!
//! A node that stops following its chain while the parent keeps accepting checkpoints has
//! either fallen behind or refused a block its validators certified anyway. After a grace
//! period the watcher fetches the blocks from the last one it holds up to the parent's latest
//! checkpoint from other nodes of the chain (their gRPC API), checks that they link to the
//! checkpointed header (so no source is trusted), and judges them on its own state. The lowest
//! invalid one a proof covers is proven to the parent (the blocks after one no proof covers
//! yet are judged with it taken as given), anchored at the lowest checkpoint the parent holds
//! at or above it; the parent rolls the chain back, slashes the validators who certified the
//! anchor and freezes the chain. The alert `invalid_block` is raised in
//! every case; `chain_frozen` once the parent froze the chain.
//!
//! A frozen chain is still watched: whoever proves a later fraud first (a culprit, for one)
//! leaves the checkpoints below its rollback standing, and exits under them paid. The watcher
//! then judges the blocks up to the highest checkpoint the parent holds below the rollback and
//! proves the first invalid one there too, which lowers the rollback. And each checkpoint the
//! parent accepted at or above the rollback certified a history holding the invalid block:
//! the watcher proves it again under each, once, so that their signers lose their stakes too
//! (the root hears such a proof while it takes a stake).
//!
//! The rules (links, judgement, evidence) are the ledger's [`plasma_ledger::prove`]; this
//! module fetches, keeps state between rounds and talks to the parent. Blocks are judged by
//! `apply_block` and by the header rules a node runs beside it (times, the validator
//! schedule). An invalid block the ledger builds no proof for (a wrong history root, say) is
//! reported by the alert and its log line, and the blocks after it are judged on.

use crate::alerts::AlertKind;
use crate::periodic::Quiet;
use crate::watch::Watch;
use plasma_ledger::block::BlockError;
use plasma_ledger::header::HeaderError;
use plasma_ledger::prove::{
    build_first_proof, build_header_proof, check_links, first_broken_header, refused_blocks,
    ProofContext, Schedule,
};
use plasma_ledger::{Block, Validator, B256};
use std::collections::BTreeSet;
use std::time::Instant;
use tracing::{info, warn};

/// Why a fetched block is invalid: its body (`apply_block`), or its header against the
/// validator schedule or its parent's time (with the set that certifies it).
enum Fault {
    /// What the ledger refuses in the block: its first refusal, then each later transaction
    /// it refuses (a proof of any convicts the block).
    Body(Vec<BlockError>),
    Header(HeaderError, Vec<Validator>),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Body(refusals) => match refusals.first() {
                Some(first) if refusals.len() > 1 => {
                    write!(f, "{first} (and {} more)", refusals.len() - 1)
                }
                Some(first) => first.fmt(f),
                None => f.write_str("refused"),
            },
            Fault::Header(e, _) => e.fmt(f),
        }
    }
}

/// What [`watch_blocks`] remembers between rounds.
#[derive(Debug, Default)]
pub struct BlockWatch {
    /// This node's head and since when it has not moved while behind the parent.
    stalled: Option<(u64, Instant)>,
    /// Heights already reported invalid (the alert is raised once).
    reported: BTreeSet<u64>,
    /// Invalid blocks (height, and the parent's checkpoint they were judged under) whose proof
    /// was submitted, or could not be built: not tried again until a new checkpoint.
    attempted: BTreeSet<(u64, u64)>,
    /// Whether the freeze was reported.
    frozen: bool,
    /// The rollback and this node's head under which the blocks of a frozen chain were last
    /// searched and judged: nothing is left to do there until either moves.
    searched: Option<(u64, u64)>,
    /// Checkpoints at or above a frozen chain's rollback a proof was tried under (once each).
    later: BTreeSet<u64>,
}

/// At most this many heights below a frozen chain's rollback are asked of the parent for a
/// checkpoint that stands, each time the rollback or this node's head moves.
const STANDING_SEARCH: u64 = 256;

/// Every `poll`, forever: once this node has stayed behind the parent's latest checkpoint
/// for the withholding timeout, fetches the blocks up to it from the block sources, judges
/// them and proves the lowest invalid one a proof covers to the parent.
pub async fn watch_blocks(watch: Watch) {
    let mut state = BlockWatch::default();
    let mut quiet = Quiet::new("cannot check the blocks behind the parent's checkpoint");
    loop {
        let outcome = blocks_once(&watch, &mut state).await;
        if outcome.is_err() {
            // A frozen chain's blocks are searched again, not left until the rollback moves.
            state.searched = None;
        }
        quiet.outcome(outcome);
        tokio::time::sleep(watch.poll).await;
    }
}

/// One round of [`watch_blocks`].
pub async fn blocks_once(watch: &Watch, state: &mut BlockWatch) -> eyre::Result<()> {
    let Watch { parent, app, alerts, sources, chain_id, withholding: grace, .. } = watch;
    let (parent, chain_id, grace) = (parent.as_ref(), *chain_id, *grace);
    let chain = parent.chain_state(chain_id).await?;
    let head = app.with_store(|s| s.head().clone());
    let at = if chain.frozen {
        if !state.frozen {
            let detail = format!(
                "the parent froze chain {chain_id}: blocks from {} on are void; exit with proofs anchored below",
                chain.rollback_height
            );
            alerts.raise(AlertKind::ChainFrozen, chain.rollback_height, detail);
            state.frozen = true;
        }
        let under = (chain.rollback_height, head.height);
        if state.searched == Some(under) {
            return Ok(());
        }
        // The highest checkpoint the parent holds above this node's head and below the
        // rollback: those stand.
        let mut standing = None;
        for h in standing_candidates(head.height, chain.rollback_height) {
            if parent.checkpoint(chain_id, h).await?.is_some() {
                standing = Some(h);
                break;
            }
        }
        let Some(at) = standing else {
            // Nothing stands below the rollback to lower it from: the signers of the
            // checkpoints at or above it answer for the invalid block too. Searched again next
            // round while some are left, or their blocks could not be had.
            let later = prove_under_later_checkpoints(watch, state, chain.rollback_height).await;
            state.searched = matches!(later, Ok(false)).then_some(under);
            if let Err(error) = later {
                warn!(%error, "proving under a later checkpoint; tried again next round");
            }
            return Ok(());
        };
        state.searched = Some(under);
        at
    } else {
        chain.last_checkpoint
    };
    if at <= head.height {
        state.stalled = None;
        return Ok(());
    }
    match state.stalled {
        Some((h, _)) if h == head.height => {}
        _ => state.stalled = Some((head.height, Instant::now())),
    }
    let waiting = state.stalled.is_some_and(|(_, since)| since.elapsed() < grace);
    // A frozen chain was shown at fault already: no grace to catch up.
    if (waiting && !chain.frozen) || sources.is_empty() {
        return Ok(());
    }
    let (anchor, certificate) = parent
        .checkpoint(chain_id, at)
        .await?
        .ok_or_else(|| eyre::eyre!("the parent reports checkpoint {at} but holds none"))?;
    // The availability watch raises `block_withholding` if a block stays unserved.
    let fetched = fetch(sources, head.height, at).await?;
    check_links(&head, &fetched, &anchor)?;
    let domain = app.domain();
    let (mut faults, epoch) = faults_in(app, &head, &fetched)?;
    let Some((bad, fault)) = faults.first() else {
        info!(
            from = head.height + 1,
            to = at,
            "the blocks behind the parent's checkpoint are valid; consensus will catch up"
        );
        return Ok(());
    };
    let first = bad.header.height;
    if state.reported.insert(first) {
        alerts.raise(
            AlertKind::InvalidBlock,
            first,
            format!(
                "block {first} ({}) under checkpoint {at} is invalid: {fault}",
                bad.header.hash()
            ),
        );
    }
    faults.retain(|(b, _)| !state.attempted.contains(&(b.header.height, at)));
    if faults.is_empty() {
        return Ok(()); // proven, or left without a proof, under this checkpoint already
    }
    // The parent refuses a proof anchored above a checkpoint it holds at or above the bad
    // block (any height: a quorum may checkpoint off the epoch ends to dodge the watcher).
    let accepted = accepted_heights(parent, chain_id).await?;
    let own = own_blocks(app, head.height)?;
    let all: Vec<&Block> = own.iter().chain(&fetched).collect();
    let recorded = |nonce: u64| app.with_store(|s| s.parent_deposit_record(nonce).ok().flatten());
    // The first fault a proof covers, from the lowest: a later invalid block rolls the chain
    // back too, to above the one left unproven.
    let mut proven = None;
    for (bad, fault) in &faults {
        let height = bad.header.height;
        let anchored = match anchor_for(height, at, &accepted) {
            h if h == at => None,
            h => parent.checkpoint(chain_id, h).await?,
        };
        let (anchor, certificate) =
            anchored.unwrap_or_else(|| (anchor.clone(), certificate.clone()));
        let cx = ProofContext {
            domain: &domain,
            blocks: &all,
            anchor: &anchor,
            certificate: &certificate,
        };
        let built = build_proof(&cx, bad, fault, &recorded, epoch);
        match built {
            Ok(proof) => {
                proven = Some((height, anchor.height, proof));
                break;
            }
            Err(e) => {
                warn!(height, error = %e, "invalid block left without a fraud proof");
                state.attempted.insert((height, at));
            }
        }
    }
    let Some((proven_height, anchor_height, proof)) = proven else {
        return Ok(());
    };
    if proven_height != first {
        warn!(
            first,
            proven = proven_height,
            "proving a later invalid block: the first has no fraud proof"
        );
    }
    let height = proven_height;
    let submitted = parent.prove_fraud(chain_id, &proof).await;
    if let Ok(accepted) = submitted {
        alerts.proof_submitted(height, proof.clone(), accepted);
    }
    match submitted {
        Ok(true) => info!(
            height,
            anchor = anchor_height,
            "fraud proven to the parent; the chain is rolled back and frozen"
        ),
        Ok(false) => info!(height, "fraud already proven by another watcher"),
        // Tried again next round.
        Err(e) => return Err(e.into()),
    }
    state.attempted.insert((height, at));
    Ok(())
}

/// At most this many checkpoints above a frozen chain's rollback are tried each round.
const LATER_ANCHORS: usize = 4;

/// On a frozen chain, the checkpoints the parent `accepted` at or above the `rollback` (each
/// certifies a history holding the block the freeze voided) that no proof was `tried` under
/// yet, lowest first, at most [`LATER_ANCHORS`].
fn later_anchors(accepted: &BTreeSet<u64>, rollback: u64, tried: &BTreeSet<u64>) -> Vec<u64> {
    let untried = accepted.range(rollback.max(1)..).filter(|h| !tried.contains(h));
    untried.take(LATER_ANCHORS).copied().collect()
}

/// Proves the frozen chain's first invalid block again under each later checkpoint
/// ([`later_anchors`]), when the parent hears such proofs: the root takes the stakes of that
/// checkpoint's signers while they are at stake, and refuses (before anything is committed to
/// it) a proof that takes none. A checkpoint is tried once: its proof was judged by the parent,
/// or none can be made from what the block sources serve (blocks that do not link to it, a
/// checkpoint at or below this node's head); a transport failure leaves it for the next round.
/// Returns whether untried ones are left.
async fn prove_under_later_checkpoints(
    watch: &Watch,
    state: &mut BlockWatch,
    rollback: u64,
) -> eyre::Result<bool> {
    let Watch { parent, app, alerts, sources, chain_id, .. } = watch;
    let (parent, chain_id) = (parent.as_ref(), *chain_id);
    if sources.is_empty() || rollback == 0 || !parent.hears_later_anchors() {
        return Ok(false);
    }
    let accepted = accepted_heights(parent, chain_id).await?;
    let head = app.with_store(|s| s.head().clone());
    for at in later_anchors(&accepted, rollback, &state.later) {
        let checkpoint = match at > head.height {
            true => parent.checkpoint(chain_id, at).await?,
            // This node's own chain holds that height: no fetched history leads to it.
            false => None,
        };
        let Some((anchor, certificate)) = checkpoint else {
            state.later.insert(at);
            continue;
        };
        let fetched = fetch(sources, head.height, at).await?;
        if let Err(error) = check_links(&head, &fetched, &anchor) {
            warn!(checkpoint = at, %error, "the sources' blocks do not lead to a later checkpoint");
            state.later.insert(at);
            continue;
        }
        let (faults, epoch) = faults_in(app, &head, &fetched)?;
        let own = own_blocks(app, head.height)?;
        let all: Vec<&Block> = own.iter().chain(&fetched).collect();
        let recorded =
            |nonce: u64| app.with_store(|s| s.parent_deposit_record(nonce).ok().flatten());
        let domain = app.domain();
        let cx = ProofContext {
            domain: &domain,
            blocks: &all,
            anchor: &anchor,
            certificate: &certificate,
        };
        let built = faults.iter().find_map(|(bad, fault)| {
            let proof = build_proof(&cx, bad, fault, &recorded, epoch).ok()?;
            Some((bad.header.height, proof))
        });
        let Some((height, proof)) = built else {
            info!(checkpoint = at, "no fraud proof under a later checkpoint");
            state.later.insert(at);
            continue;
        };
        match parent.prove_fraud(chain_id, &proof).await {
            Ok(taken) => {
                alerts.proof_submitted(height, proof, taken);
                match taken {
                    true => info!(
                        height,
                        checkpoint = at,
                        "fraud proven again under a later checkpoint: its signers' stakes taken"
                    ),
                    false => info!(
                        height,
                        checkpoint = at,
                        "a later checkpoint's signers hold no stake left to take"
                    ),
                }
            }
            Err(error @ plasma_bridge::ParentError::Refused { .. }) => {
                info!(height, checkpoint = at, %error, "the parent refuses the proof under a later checkpoint")
            }
            Err(error) => return Err(error.into()),
        }
        state.later.insert(at);
    }
    Ok(!later_anchors(&accepted, rollback, &state.later).is_empty())
}

/// The blocks above `head` up to `to`, from the block sources (each block verified only by
/// how it links, which the caller checks).
async fn fetch(
    sources: &crate::watch::BlockSources,
    head: u64,
    to: u64,
) -> eyre::Result<Vec<Block>> {
    let mut fetched = Vec::new();
    for height in head + 1..=to {
        let block = sources.block(height).await;
        fetched.push(
            block
                .ok_or_else(|| eyre::eyre!("no source serves block {height} (checkpoint {to})"))?,
        );
    }
    Ok(fetched)
}

/// The heights of every checkpoint of `chain_id` the parent accepted.
async fn accepted_heights(
    parent: &dyn plasma_bridge::ParentChain,
    chain_id: u64,
) -> eyre::Result<BTreeSet<u64>> {
    Ok(parent.checkpoints_accepted(chain_id, 0).await?.0.into_iter().map(|(h, _)| h).collect())
}

/// This node's own blocks, 1 to `head`.
fn own_blocks(app: &crate::app::PlasmaApp, head: u64) -> eyre::Result<Vec<Block>> {
    app.with_store(|s| {
        (1..=head)
            .map(|h| s.block(h)?.ok_or_else(|| eyre::eyre!("own block {h} missing")))
            .collect()
    })
}

/// Every invalid block among `fetched` (the blocks above this node's `head`), lowest first:
/// what the ledger refuses in each (judged with the refused ones before it taken as given: a
/// block no proof covers yet does not hide a later one that is proven), and the first header
/// that breaks the validator schedule or its parent's time (what a node judges beside
/// `apply_block`). Returns them with the chain's epoch length.
fn faults_in(
    app: &crate::app::PlasmaApp,
    head: &plasma_ledger::state::ChainHead,
    fetched: &[Block],
) -> eyre::Result<(Vec<(Block, Fault)>, u64)> {
    let domain = app.domain();
    let body = app.with_store(|s| -> eyre::Result<Vec<_>> {
        let view = s.view();
        let found = refused_blocks(&domain, &view, fetched).map(|(b, e)| (b.clone(), e)).collect();
        view.finish()?;
        Ok(found)
    })?;
    let (parent_header, epoch) = app.with_store(|s| -> eyre::Result<_> {
        let parent_header = s.block(head.height)?.map(|b| b.header);
        Ok((parent_header, s.parent_epoch_length()?.unwrap_or(0)))
    })?;
    let header = {
        let by_hash = |h: B256| app.with_store(|s| s.configuration_by_hash(&h).ok().flatten());
        let first = app.schedule().at(head.height + 1).ledger().validators().to_vec();
        let schedule = Schedule { first, epoch, by_hash: &by_hash };
        first_broken_header(parent_header.as_ref(), fetched, &schedule)
            .map(|(b, e, set)| (b.clone(), Fault::Header(e, set)))
    };
    let mut faults: Vec<(Block, Fault)> =
        body.into_iter().map(|(b, e)| (b, Fault::Body(e))).chain(header).collect();
    faults.sort_by_key(|(b, _)| b.header.height);
    Ok((faults, epoch))
}

/// The proof of `fault` in block `bad`, under the anchor `cx` holds.
fn build_proof(
    cx: &ProofContext<'_>,
    bad: &Block,
    fault: &Fault,
    recorded: &dyn Fn(u64) -> Option<plasma_ledger::DepositRecord>,
    epoch: u64,
) -> Result<plasma_ledger::FraudProof, plasma_ledger::prove::ProofError> {
    match fault {
        Fault::Body(refusals) => build_first_proof(cx, bad, refusals, recorded),
        Fault::Header(error, set) => build_header_proof(cx, bad, error, set, epoch),
    }
}

/// Where a checkpoint of a frozen chain that stands may be, highest first: the heights above
/// this node's `head` and below the `rollback`, at most [`STANDING_SEARCH`] of them.
fn standing_candidates(head: u64, rollback: u64) -> impl Iterator<Item = u64> {
    let lowest = head.saturating_add(1).max(rollback.saturating_sub(STANDING_SEARCH));
    (lowest..rollback).rev()
}

/// Where a proof of the block at `bad` is anchored: the lowest checkpoint the parent
/// `accepted` at or above it, up to `at` (the one the blocks were judged under).
fn anchor_for(bad: u64, at: u64, accepted: &BTreeSet<u64>) -> u64 {
    accepted.range(bad..at).next().copied().unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::{anchor_for, later_anchors, standing_candidates, LATER_ANCHORS, STANDING_SEARCH};

    #[test]
    fn a_frozen_chain_is_judged_up_to_its_highest_checkpoint_below_the_rollback() {
        // Checkpoints at 4, 6 and 8; a culprit proved block 8's fraud first: rollback 8.
        let held = [4u64, 6, 8];
        let standing =
            |head, rollback| standing_candidates(head, rollback).find(|h| held.contains(h));
        assert_eq!(standing(3, 8), Some(6), "6 stands, and covers 4 to 6");
        assert_eq!(standing(6, 8), None, "nothing stands above this node");
        assert_eq!(standing(3, 4), None, "rolled back to 4: nothing between");
        let far = STANDING_SEARCH + 20;
        assert_eq!(standing_candidates(3, far).count() as u64, STANDING_SEARCH, "bounded");
        assert_eq!(standing_candidates(3, far).next(), Some(far - 1), "highest first");
    }

    #[test]
    fn a_proof_is_anchored_at_the_lowest_checkpoint_at_or_above_the_bad_block() {
        // Epoch ends at 4, 8, 12, 16; a quorum also checkpointed 7, off the epoch ends.
        let accepted = [4, 7, 8, 12, 16].into_iter().collect();
        assert_eq!(anchor_for(5, 16, &accepted), 7, "a checkpoint off the epoch ends counts");
        assert_eq!(anchor_for(8, 16, &accepted), 8, "a checkpoint of the bad block itself");
        assert_eq!(anchor_for(13, 16, &accepted), 16, "only the latest");
        assert_eq!(anchor_for(5, 6, &accepted), 6, "none below the latest");
    }

    #[test]
    fn a_frozen_chains_later_checkpoints_are_each_tried_once_lowest_first() {
        // Checkpoints at 4, 8, 12 and 16; block 6 was invalid and the proof under 8 froze the
        // chain with its rollback at 6 (4 stands).
        let accepted = [4u64, 8, 12, 16].into_iter().collect();
        let mut tried = std::collections::BTreeSet::new();
        assert_eq!(later_anchors(&accepted, 6, &tried), [8, 12, 16], "8's signers may be others");
        tried.extend([8, 12]);
        assert_eq!(later_anchors(&accepted, 6, &tried), [16], "each once");
        assert_eq!(later_anchors(&accepted, 17, &tried), Vec::<u64>::new());
        let many = (1..=40).map(|k| 4 * k).collect();
        assert_eq!(later_anchors(&many, 6, &tried).len(), LATER_ANCHORS, "bounded per round");
    }
}
