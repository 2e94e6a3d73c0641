//! The exit watch: every exit the parent reports against this chain — of an output, of a
//! minted deposit, or of a deposit straight from the parent's record, started directly or
//! through any contract — is judged against this chain's own blocks, and challenged with the
//! right call as soon as this chain shows its output spent.
//!
//! An exit stays under watch until it is challenged or its exit period is over: its output
//! (or its deposit, minted later) may be spent after the exit started, and the proof that a
//! deposit was minted needs a checkpoint at or above the mint, which may come later too.

use crate::alerts::AlertKind;
use crate::app::PlasmaApp;
use crate::periodic::Quiet;
use crate::watch::Watch;
use crate::Store;
use plasma_bridge::parent::ChainState;
use plasma_bridge::{DepositChallenge, ExitClaim, ExitTarget, ParentChain};
use plasma_client::util::unix_now;
use plasma_ledger::exit::exits_output;
use plasma_ledger::header::last_checkpoint_before;
use plasma_ledger::types::{decode, DepositRecord};
use plasma_ledger::{Kind, LedgerView, SignedTransaction, UtxoPos, B256};
use std::collections::{BTreeMap, BTreeSet};
use tracing::{info, warn};

/// What the watcher found about one exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The output is unspent here: an honest exit (so far).
    Honest,
    /// The exit's output `pos` (for a deposit, the output that minted it) was spent by
    /// transaction `(height, index)` as input `input`.
    Spent {
        /// The exiting output.
        pos: UtxoPos,
        /// Block of the spend.
        height: u64,
        /// Its index there.
        index: u32,
        /// Which input spends the exiting output.
        input: u8,
    },
    /// The output is unknown here (a deposit not minted yet, or a position this node does
    /// not hold).
    Unknown,
    /// The exit claims another output than the one this chain holds at `pos` (or one where
    /// this chain's block has none): the history it was proven through is not this chain's,
    /// and the chain's own certificate of its block at that height contradicts it.
    Forged {
        /// The position the exit claims.
        pos: UtxoPos,
    },
}

/// Judges `claim` against the node's committed state.
pub fn judge(app: &PlasmaApp, claim: &ExitClaim) -> eyre::Result<Verdict> {
    let pos = match &claim.target {
        ExitTarget::Output(pos) => {
            let ours = app.with_store(|s| -> eyre::Result<_> {
                let block = s.block(pos.blockHeight)?;
                Ok(block.map(|b| b.transactions.get(pos.txIndex as usize).cloned()))
            })?;
            match ours {
                // Our block at that height, and the exit is not of our output there.
                Some(ours)
                    if !ours.as_ref().is_some_and(|o| {
                        exits_output(&o.transaction, pos.outputIndex, claim.exit_id)
                    }) =>
                {
                    return Ok(Verdict::Forged { pos: pos.clone() })
                }
                _ => pos.clone(),
            }
        }
        ExitTarget::Deposit { minted: Some(pos), .. } => pos.clone(),
        ExitTarget::Deposit { nonce, minted: None } => {
            match app.with_store(|s| minted_at(s, *nonce))? {
                Some(pos) => pos,
                None => return Ok(Verdict::Unknown),
            }
        }
    };
    judge_output(app, &pos)
}

/// Judges an exit of the output at `pos` against the node's committed state.
pub fn judge_output(app: &PlasmaApp, pos: &UtxoPos) -> eyre::Result<Verdict> {
    app.with_store(|s| -> eyre::Result<Verdict> {
        let view = s.view();
        let spent = view.spent_by(pos);
        let unspent = view.unspent(pos).is_some();
        view.finish()?;
        let Some(at) = spent else {
            return Ok(if unspent { Verdict::Honest } else { Verdict::Unknown });
        };
        let spend = spend_at(s, at.height, at.index)?;
        let input =
            spend.transaction.inputs.iter().position(|i| i == pos).ok_or_else(|| {
                eyre::eyre!("spend {}:{} does not spend {pos}", at.height, at.index)
            })?;
        Ok(Verdict::Spent {
            pos: pos.clone(),
            height: at.height,
            index: at.index,
            input: input as u8,
        })
    })
}

/// Where this chain minted parent deposit `nonce`: the block whose header's deposit range
/// holds it (ranges grow with height, so a binary search finds it), at its `Deposit`
/// transaction of that nonce. `None` while it is not minted.
pub fn minted_at(store: &Store, nonce: u64) -> eyre::Result<Option<UtxoPos>> {
    let block = |h: u64| -> eyre::Result<plasma_ledger::Block> {
        store.block(h)?.ok_or_else(|| eyre::eyre!("block {h} is missing"))
    };
    let (mut low, mut high) = (1, store.head().height);
    while low <= high {
        let mid = low + (high - low) / 2;
        let header = block(mid)?.header;
        if nonce < header.depositNonceStart {
            high = mid - 1;
        } else if nonce >= header.depositNonceEnd {
            low = mid + 1;
        } else {
            let found = block(mid)?.transactions.iter().position(|stx| {
                let tx = &stx.transaction;
                tx.kind == Kind::Deposit.byte()
                    && decode::<DepositRecord>(
                        "DepositRecord",
                        &tx.data,
                        plasma_ledger::DEPOSIT_RECORD_BYTES,
                    )
                    .is_ok_and(|r| r.nonce == nonce)
            });
            return Ok(found.map(|i| UtxoPos::new(mid, i as u32, 0)));
        }
    }
    Ok(None)
}

fn spend_at(store: &Store, height: u64, index: u32) -> eyre::Result<SignedTransaction> {
    store
        .block(height)?
        .and_then(|b| b.transactions.get(index as usize).cloned())
        .ok_or_else(|| eyre::eyre!("spend {height}:{index} is missing"))
}

/// What the exit watch remembers between rounds.
#[derive(Debug, Default)]
pub struct ExitWatch {
    /// The parent block to read new exits from.
    next_block: u64,
    /// Exits under watch: neither challenged nor past their exit period.
    open: BTreeMap<B256, ExitClaim>,
    /// Exits already reported invalid, and those whose challenge failed (alerted once).
    reported: BTreeSet<B256>,
    failed: BTreeSet<B256>,
}

impl ExitWatch {
    /// The exits under watch.
    pub fn open(&self) -> impl Iterator<Item = &ExitClaim> {
        self.open.values()
    }
}

/// Watches the exits of the chain on its parent every `poll`, forever.
pub async fn watch_exits(watch: Watch) {
    let mut state = ExitWatch::default();
    let mut quiet = Quiet::new("cannot check the parent's exits");
    loop {
        quiet.outcome(exits_once(&watch, &mut state).await);
        tokio::time::sleep(watch.poll).await;
    }
}

/// One round: reads the exits started since the last round, judges every exit under watch
/// and challenges the invalid ones.
pub async fn exits_once(watch: &Watch, state: &mut ExitWatch) -> eyre::Result<()> {
    let Watch { parent, app, alerts, chain_id, .. } = watch;
    let (parent, chain_id) = (parent.as_ref(), *chain_id);
    let (claims, next) = parent.exits_started(chain_id, state.next_block).await?;
    state.next_block = next;
    for claim in claims {
        info!(exit = %claim.exit_id, target = ?claim.target, owner = %claim.owner, amount = %claim.amount, "exit started on the parent");
        state.open.insert(claim.exit_id, claim);
    }
    let now = unix_now();
    let mut settled = Vec::new();
    for (id, claim) in &state.open {
        let verdict = judge(app, claim)?;
        let Verdict::Spent { pos, height, index, input } = verdict else {
            if let Verdict::Forged { pos } = &verdict {
                if state.reported.insert(*id) {
                    let detail = format!(
                        "exit {id} by {} claims {pos}, where this chain holds another output: it was proven through another history; prove the anchor's fraud with this chain's certificate at {}",
                        claim.owner, pos.blockHeight
                    );
                    alerts.raise(AlertKind::InvalidExit, pos.blockHeight, detail);
                }
            }
            if claim.exitable_at < now {
                settled.push(*id); // its exit period is over: payable, nothing left to watch
            }
            continue;
        };
        if state.reported.insert(*id) {
            let detail = format!(
                "exit {id} of {:?} by {}: the output {pos} was spent in {height}:{index}; challenging",
                claim.target, claim.owner
            );
            alerts.raise(AlertKind::InvalidExit, pos.blockHeight, detail);
        }
        let spend = app.with_store(|s| spend_at(s, height, index))?;
        match challenge(parent, app, chain_id, claim, &pos, spend, input).await {
            Ok(Some(true)) => {
                info!(exit = %id, "exit challenged; the bond is ours");
                settled.push(*id);
            }
            Ok(Some(false)) => {
                info!(exit = %id, "exit no longer active (challenged by another watcher)");
                settled.push(*id);
            }
            Ok(None) => {
                info!(exit = %id, minted = %pos, "the parent holds no checkpoint of the mint yet; challenging once it does")
            }
            Err(e) if state.failed.insert(*id) => {
                let detail = format!("exit {id} of {pos}: challenge failed: {e:#}");
                alerts.raise(AlertKind::UnchallengedExit, pos.blockHeight, detail);
            }
            Err(e) => warn!(exit = %id, error = %e, "challenge failed again"),
        }
    }
    for id in settled {
        state.open.remove(&id);
    }
    Ok(())
}

/// The heights of the checkpoints of a chain (as its parent holds it: `chain`) that may
/// anchor the proof of its block `height`, best first: its latest, unless a proven fraud
/// voided it; then, on a frozen chain, the epoch ends below the rollback, latest first (one
/// may never have been accepted). None covers a block at or above the rollback.
fn anchor_candidates(chain: &ChainState, height: u64) -> impl Iterator<Item = u64> {
    let (last, rollback) = (chain.last_checkpoint, chain.rollback_height);
    let epoch = chain.epoch_length.max(1);
    let stands = rollback == 0 || last < rollback;
    let first = if stands { Some(last) } else { last_checkpoint_before(rollback, epoch) };
    std::iter::successors(first, move |h| if stands { None } else { h.checked_sub(epoch) })
        .take_while(move |h| *h >= height && *h > 0)
}

/// Challenges `claim`, whose output `pos` was spent by `spend` as input `input`, with the
/// call its target needs: a spend for an output; for a deposit, the mint proven under a
/// checkpoint of the parent's and its spend. `None` when the parent has no usable
/// checkpoint at or above the mint yet.
async fn challenge(
    parent: &dyn ParentChain,
    app: &PlasmaApp,
    chain_id: u64,
    claim: &ExitClaim,
    pos: &UtxoPos,
    spend: SignedTransaction,
    input: u8,
) -> eyre::Result<Option<bool>> {
    let nonce = match &claim.target {
        ExitTarget::Output(_) => {
            return Ok(Some(parent.challenge_exit(chain_id, claim.exit_id, &spend, input).await?))
        }
        ExitTarget::Deposit { nonce, .. } => *nonce,
    };
    let chain = parent.chain_state(chain_id).await?;
    let mut standing = None;
    for at in anchor_candidates(&chain, pos.blockHeight) {
        if let Some((header, _)) = parent.checkpoint(chain_id, at).await? {
            standing = Some(header);
            break;
        }
    }
    let Some(anchor) = standing else { return Ok(None) };
    let at = anchor.height;
    if app.with_store(|s| s.head().height) < at {
        return Ok(None);
    }
    let minted = app.with_store(|s| -> eyre::Result<_> {
        let block = s.block(pos.blockHeight)?.ok_or_else(|| eyre::eyre!("block missing"))?;
        let hashes = s.block_hashes(at - 1)?.ok_or_else(|| eyre::eyre!("blocks missing"))?;
        if s.block(at)?.is_none_or(|b| b.header != anchor) {
            eyre::bail!("the parent's checkpoint {at} is not this chain's block");
        }
        plasma_ledger::exit::prove_inclusion(&block, pos.txIndex, &hashes, at)
            .ok_or_else(|| eyre::eyre!("no inclusion proof of {pos} under {at}"))
    })?;
    let challenge = DepositChallenge {
        nonce,
        anchor,
        minted_pos: pos.clone(),
        minted,
        spend,
        input_index: input,
    };
    Ok(Some(parent.challenge_deposit_exit(chain_id, &challenge).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(last: u64, rollback: u64) -> ChainState {
        ChainState {
            epoch_length: 4,
            last_checkpoint: last,
            frozen: rollback != 0,
            rollback_height: rollback,
            configurations: 1,
            pending_configuration: 0,
            active_configuration: 1,
        }
    }

    #[test]
    fn a_spent_mint_is_proven_under_a_checkpoint_that_stands_even_after_a_fraud_voided_the_latest()
    {
        let candidates = |last, rollback, mint| -> Vec<u64> {
            anchor_candidates(&chain(last, rollback), mint).collect()
        };
        // Live chain: the latest, once it covers the mint.
        assert_eq!(candidates(12, 0, 5), [12]);
        assert!(candidates(4, 0, 5).is_empty(), "not checkpointed yet");
        // Frozen below its latest: the latest stands.
        assert_eq!(candidates(8, 10, 5), [8]);
        // Frozen at 10 with checkpoint 16 void: the epoch ends 8, then 4, down to the mint.
        assert_eq!(candidates(16, 10, 3), [8, 4]);
        assert_eq!(candidates(16, 10, 5), [8]);
        // A mint at or above the rollback is in void blocks: nothing proves it.
        assert!(candidates(16, 10, 10).is_empty());
        assert!(candidates(16, 3, 1).is_empty(), "no epoch end below the rollback");
    }

    #[test]
    fn a_deposit_a_block_passed_over_reads_unminted_and_one_it_minted_reads_where() {
        use crate::store::StoreConfig;
        use plasma_ledger::block::{build_block, seal_block};
        use plasma_ledger::build::deposit_transaction;
        use plasma_ledger::testkit::{self, Workload};
        use plasma_ledger::{apply_block, view::MemoryLedger, Address, U256};
        let dir = tempfile::tempdir().unwrap();
        let d = testkit::domain();
        let mut store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
        let mut model = MemoryLedger::default();
        let owner = testkit::user("alice").address();
        let records: Vec<_> = (0..3)
            .map(|nonce| DepositRecord {
                chainId: d.chain_id,
                nonce,
                depositor: owner,
                recipient: owner,
                token: Address::ZERO,
                amount: U256::from(10 + nonce),
            })
            .collect();
        for r in &records {
            store.record_parent_deposit(r).unwrap();
            model.parent_deposits.insert(r.nonce, r.clone());
        }
        // Block 1 mints deposit 1, passing over 0; block 2 mints none, passing over 2.
        let mint = vec![deposit_transaction(&records[1])];
        let (block, delta) = build_block(&d, &model, mint, &Workload::params(1)).unwrap();
        store.commit(&block, &delta).unwrap();
        model.apply(&delta);
        let mut empty = seal_block(&d, &model, Vec::new(), &Workload::params(2));
        empty.header.depositNonceEnd = 3;
        let delta = apply_block(&d, &model, &empty).unwrap();
        store.commit(&empty, &delta).unwrap();
        // The watcher finds no mint to challenge an exit of 0 or 2 from the record with.
        assert_eq!(minted_at(&store, 0).unwrap(), None);
        assert_eq!(minted_at(&store, 1).unwrap(), Some(UtxoPos::new(1, 0, 0)));
        assert_eq!(minted_at(&store, 2).unwrap(), None);
        assert_eq!(store.view().next_deposit_nonce(), 3);
    }
}
