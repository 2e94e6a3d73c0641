//! The exit game at a plasma parent: an exit of a child's output is proven under a checkpoint
//! this chain accepted, or an exit of a deposit into the child is taken from this chain's own
//! record of it; either is bonded, challenged by a spend of the output (the minted output,
//! for a deposit), and paid in priority order once matured. The root's `ExitGame`, judged
//! natively.

use super::effect::ChildEffect;
use super::error::{ChildError, ExceedsEscrow};
use super::record::{ChildExit, ChildRecord, ExitStatus, Settlement};
use super::registry::child_domain;
use crate::acceptance::{acceptance_height, verify_acceptance};
use crate::build::payout_transaction;
use crate::exit::{
    deposit_exit, queue_order, verify_challenge, verify_deposit_exit_challenge, verify_exit_start,
    ExitClaim, ExitKey,
};
use crate::signing::SigningDomain;
use crate::types::{
    decode, Acceptance, BlockHeader, Checkpoint, ChildDepositExit, ChildDepositExitChallenge,
    ChildExitChallenge, ChildExitStart, Output, SignedTransaction, TxRef, CHILD_DEPOSIT_EXIT_BYTES,
    MAX_TX_BYTES,
};
use crate::view::LedgerView;
use alloy_primitives::{Address, B256};
use std::collections::BTreeMap;

/// Judges the payload of a `StartChildExit` by `claimant` (the first input's owner) on chain
/// `chain_id` and returns the child and the exit it queues; the caller judges the inputs that
/// pay its bond. The anchor stands on the acceptance the start shows, one of this chain's
/// earlier blocks holding its checkpoint, so that a parent paying an exit under a checkpoint
/// it never accepted is proven so from its history. As on the root, an output whose exit was
/// cancelled may exit again.
pub fn validate_exit_start(
    chain_id: u64,
    view: &impl LedgerView,
    payload: &[u8],
    claimant: Address,
) -> Result<(u64, ChildExit), ChildError> {
    let start: ChildExitStart = decode("ChildExitStart", payload, MAX_TX_BYTES)?;
    let chain = start.childChainId;
    let anchor = &start.anchor;
    // Judged first: a child never registered has no checkpoint accepted, which the acceptance
    // shows (`UnacceptedAnchor`).
    accepted(chain_id, view, chain, anchor, &start.acceptance)?;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    not_void(chain, &record, anchor.height)?;
    let claim = verify_exit_start(chain, anchor, &start.pos, &start.inclusion, claimant)
        .map_err(ChildError::Exit)?;
    let cancelled = TxRef { height: start.cancelledHeight, index: start.cancelledIndex };
    Ok((chain, queued(view, chain, &record, &claim, anchor.height, cancelled)?))
}

/// Judges the payload of a `StartChildDepositExit` by `claimant` (the first input's owner),
/// the root's `startDepositExit`: an exit of a deposit into the child straight from this
/// chain's record of it, for value the child never minted (or minted in blocks a fraud
/// voided). Returns the child and the exit it queues; the caller judges the inputs that pay
/// its bond.
///
/// The exit is keyed by the deposit, like an exit of its minted output, so a deposit exits
/// once whichever way; it is at position zero and anchored nowhere (it stands whatever the
/// child's rollback), and may start on a frozen child: that is its point. It is paid from
/// `exitable_at(recorded_at, now, P)`, the record's own time, as on the root: a deposit
/// keeps its priority over what the child created after it.
pub fn validate_deposit_exit_start(
    view: &impl LedgerView,
    payload: &[u8],
    claimant: Address,
) -> Result<(u64, ChildExit), ChildError> {
    let start: ChildDepositExit = decode("ChildDepositExit", payload, CHILD_DEPOSIT_EXIT_BYTES)?;
    let (chain, nonce) = (start.childChainId, start.nonce);
    // Judged first: a child never registered has no deposit recorded, which what is at the
    // nonce's place shows (`UnfoundedDepositExit`).
    let deposit =
        view.child_deposit(chain, nonce).ok_or(ChildError::UnknownDeposit { chain, nonce })?;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let claim = deposit_exit(&deposit.record, deposit.recorded_at, claimant)
        .map_err(ChildError::DepositExit)?;
    let cancelled = TxRef { height: start.cancelledHeight, index: start.cancelledIndex };
    Ok((chain, queued(view, chain, &record, &claim, 0, cancelled)?))
}

/// Refuses, as a node's admission policy, a transaction whose `effect` (as the ledger judged
/// it against `view`) starts an exit of more than its child's escrow holds ([`ExceedsEscrow`]):
/// it could never be paid in full. Blocks are not judged by it.
pub fn admissible(
    view: &impl LedgerView,
    effect: Option<&ChildEffect>,
) -> Result<(), ExceedsEscrow> {
    let Some(ChildEffect::ExitStarted { chain, exit }) = effect else { return Ok(()) };
    let (chain, amount) = (*chain, exit.record.amount);
    let escrow = view.escrow(chain, &exit.record.token);
    if escrow.is_zero() || amount > escrow {
        return Err(ExceedsEscrow { chain, amount, escrow });
    }
    Ok(())
}

/// Where this chain last cancelled an exit, as it keeps it (`exit`: `None` when no exit of its
/// id was ever started), which a start of the exit names: 0:0 when none was ever started;
/// `None` when it is queued, paid or challenged (it may not start again).
pub fn latest_cancellation(exit: Option<&ChildExit>) -> Option<TxRef> {
    match exit {
        None => Some(TxRef::default()),
        Some(e) if e.status == ExitStatus::Cancelled => Some(e.cancelled_at),
        Some(_) => None,
    }
}

/// Refuses `anchor`, a checkpoint of child `chain`, unless `acceptance` shows this chain
/// (`chain_id`) accepted it in one of its earlier blocks, as `view` holds them; returns the
/// checkpoint as accepted.
pub(super) fn accepted(
    chain_id: u64,
    view: &impl LedgerView,
    chain: u64,
    anchor: &BlockHeader,
    acceptance: &Acceptance,
) -> Result<Checkpoint, ChildError> {
    let judging = view.head().height + 1;
    let block_hash = acceptance_height(acceptance, judging).and_then(|h| view.block_hash(h));
    verify_acceptance(chain_id, chain, anchor, acceptance, block_hash)
        .map_err(|error| ChildError::Unaccepted { chain, height: anchor.height, error })
}

/// Refuses an anchor at `height` at or above the child's rollback: a proven fraud voided it.
fn not_void(chain: u64, record: &ChildRecord, height: u64) -> Result<(), ChildError> {
    let rollback = record.rollback_height;
    if record.frozen() && height >= rollback {
        return Err(ChildError::VoidAnchor { chain, height, rollback });
    }
    Ok(())
}

/// The exit `claim` queues on child `chain` (registry entry `record`), proven under the
/// checkpoint at height `anchor` (0: from this chain's deposit record), started now by a start
/// naming the exit's latest cancellation at `cancelled`. Refused as on the root's `_enqueue`
/// when an exit of the same id is queued or settled (a cancelled one does not count: its output
/// may exit again), and when `cancelled` is not where this chain last cancelled the exit (0:0
/// for one never started). One claiming more than the escrow holds is queued: see
/// [`admissible`].
fn queued(
    view: &impl LedgerView,
    chain: u64,
    record: &ChildRecord,
    claim: &ExitClaim,
    anchor: u64,
    cancelled: TxRef,
) -> Result<ChildExit, ChildError> {
    let exit_id = claim.key.exit_id();
    let before = view.child_exit(chain, &exit_id);
    let latest = latest_cancellation(before.as_ref()).ok_or(ChildError::AlreadyExited(exit_id))?;
    if cancelled != latest {
        return Err(ChildError::NotLatestCancellation { exit_id, named: cancelled, latest });
    }
    let now = view.time().ok_or(ChildError::NoBlockTime)?;
    Ok(ChildExit {
        record: claim.record(now, record.params.exitPeriod),
        bond: record.params.exitBond,
        anchor,
        status: ExitStatus::Queued,
        // Where this transaction stands, set as it is applied.
        started_at: TxRef::default(),
        cancelled_at: TxRef::default(),
    })
}

/// Judges a `ChallengeChildExit` (payload and `outputs`) on the chain of `domain`: the exit the
/// payload names is queued, by the start it names (its latest), the challenge shows the output
/// at the position that exit recorded spent by its owner, and the only output pays the exit's
/// bond to the challenge's beneficiary. The exit is named by its id and start, not by a
/// position: exits of outputs of two histories may share one.
pub(super) fn validate_exit_challenge(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
    outputs: &[Output],
) -> Result<ChildEffect, ChildError> {
    let c: ChildExitChallenge = decode("ChildExitChallenge", payload, MAX_TX_BYTES)?;
    // A child never registered has no exit queued: what the start it names shows it.
    let chain = c.childChainId;
    let start = TxRef { height: c.startHeight, index: c.startIndex };
    let exit = challenged(view, chain, c.exitId, start, outputs, c.beneficiary)?;
    let child_domain = child_domain(domain, chain);
    verify_challenge(&child_domain, &exit.record, &c.spend, usize::from(c.inputIndex))
        .map_err(ChildError::Challenge)?;
    Ok(ChildEffect::ExitChallenged { chain, exit_id: c.exitId })
}

/// Judges a `ChallengeChildDepositExit` (payload and `outputs`) on the chain of `domain`, the
/// root's `challengeDepositExit`: an exit of the deposit (from the record or from its minted
/// output) is queued, the deposit's minted output is proven under a checkpoint of the child that
/// this chain accepted (as the challenge's acceptance shows) and no fraud voided, a spend of it is
/// signed by its owner, and the only output pays the exit's bond to the challenge's beneficiary.
pub(super) fn validate_deposit_exit_challenge(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
    outputs: &[Output],
) -> Result<ChildEffect, ChildError> {
    let c: ChildDepositExitChallenge = decode("ChildDepositExitChallenge", payload, MAX_TX_BYTES)?;
    // A child never registered has no exit queued: what the start it names shows it.
    let chain = c.childChainId;
    let exit_id = ExitKey::Deposit(c.nonce).exit_id();
    let start = TxRef { height: c.startHeight, index: c.startIndex };
    let exit = challenged(view, chain, exit_id, start, outputs, c.beneficiary)?;
    // Queued, so registered: the registry never drops a child.
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    accepted(domain.chain_id, view, chain, &c.anchor, &c.acceptance)?;
    not_void(chain, &record, c.anchor.height)?;
    let child_domain = child_domain(domain, chain);
    let input = usize::from(c.inputIndex);
    let (pos, minted) = (&c.mintedPos, &c.minted);
    verify_deposit_exit_challenge(
        &child_domain,
        &c.anchor,
        &exit.record,
        pos,
        minted,
        &c.spend,
        input,
    )
    .map_err(ChildError::Challenge)?;
    Ok(ChildEffect::ExitChallenged { chain, exit_id })
}

/// The exit `exit_id` of `chain` a challenge pays the bond of, if its latest start, at
/// `start`, queued it and it is queued still, and `outputs` are exactly that bond paid to
/// `beneficiary` (none for a zero bond).
fn challenged(
    view: &impl LedgerView,
    chain: u64,
    exit_id: B256,
    start: TxRef,
    outputs: &[Output],
    beneficiary: Address,
) -> Result<ChildExit, ChildError> {
    let exit = view
        .child_exit(chain, &exit_id)
        .filter(|e| e.queued() && e.started_at == start)
        .ok_or(ChildError::ExitNotActive { exit_id, start })?;
    let expected: Vec<Output> = if exit.bond.is_zero() {
        vec![]
    } else {
        vec![Output::new(beneficiary, Address::ZERO, exit.bond)]
    };
    if outputs != expected || beneficiary == Address::ZERO {
        return Err(ChildError::BondOutput);
    }
    Ok(exit)
}

/// The payouts a proposer owes at block time `now` from the `queued` exits of its children
/// (others are skipped), judged against `view` as the block will be: each child's queue per
/// token in priority order, up to its first exit not yet matured, each settled as
/// [`ChildExit::settlement`] says (paid what the exits ahead left in the escrow, or
/// cancelled under a voided anchor) by [`payout_transaction`], the one constructor
/// `ExitPayout` is judged against. Each names the escrow link the first of its queue stands
/// on: a proposer re-links each as it places it ([`super::relinked`]), after the ones before.
pub fn matured_payouts(
    view: &impl LedgerView,
    queued: impl IntoIterator<Item = (u64, ChildExit)>,
    now: u64,
) -> Vec<SignedTransaction> {
    let mut queues: BTreeMap<(u64, Address), Vec<ChildExit>> = BTreeMap::new();
    for (chain, exit) in queued.into_iter().filter(|(_, e)| e.queued()) {
        queues.entry((chain, exit.record.token)).or_default().push(exit);
    }
    let mut payouts = Vec::new();
    for ((chain, token), mut queue) in queues {
        queue.sort_by_key(|e| queue_order(&e.record));
        let record = view.child(chain);
        let rollback =
            record.map_or((0, TxRef::default()), |r| (r.rollback_height, r.rollback_ref));
        let (link, mut escrow) = super::escrow_at(view, chain, &token);
        for exit in queue.iter().take_while(|e| e.record.exitableAt <= now) {
            payouts.push(payout_transaction(chain, exit, (link, escrow), rollback));
            if let Settlement::Paid(amount) = exit.settlement(escrow, rollback.0) {
                escrow = escrow.saturating_sub(amount);
            }
        }
    }
    payouts
}
