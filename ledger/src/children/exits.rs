//! The exit game at a plasma parent: an exit of a child's output is proven under a checkpoint
//! this chain accepted, bonded, challenged by a spend of the output, and paid in priority
//! order once matured. The root's `ExitGame`, judged natively.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::record::{ChildExit, ExitStatus, Settlement};
use super::registry::child_domain;
use crate::build::payout_transaction;
use crate::exit::{priority, verify_challenge, verify_exit_start};
use crate::signing::SigningDomain;
use crate::types::{
    decode, ChildExitChallenge, ChildExitStart, Output, SignedTransaction, MAX_TX_BYTES,
};
use crate::view::LedgerView;
use alloy_primitives::Address;
use std::collections::BTreeMap;

/// Judges the payload of a `StartChildExit` by `claimant` (the first input's owner) and
/// returns the child and the exit it queues; the caller judges the inputs that pay its bond.
/// As on the root, an exit of more than the child's escrow holds of its token is refused
/// (it could never be paid in full), and an output whose exit was cancelled may exit again.
pub fn validate_exit_start(
    view: &impl LedgerView,
    payload: &[u8],
    claimant: Address,
) -> Result<(u64, ChildExit), ChildError> {
    let start: ChildExitStart = decode("ChildExitStart", payload, MAX_TX_BYTES)?;
    let chain = start.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let anchor = &start.anchor;
    let accepted = view.child_checkpoint(chain, anchor.height);
    let void = record.frozen() && anchor.height >= record.rollback_height;
    if anchor.chainId != chain || accepted != Some(anchor.hash()) || void {
        return Err(ChildError::UnknownAnchor { chain, height: anchor.height });
    }
    let claim = verify_exit_start(chain, anchor, &start.pos, &start.inclusion, claimant)
        .map_err(ChildError::Exit)?;
    let exit_id = claim.key.exit_id();
    let before = view.child_exit(chain, &exit_id);
    if before.is_some_and(|e| e.status != ExitStatus::Cancelled) {
        return Err(ChildError::AlreadyExited(exit_id));
    }
    let (amount, escrow) = (claim.output.amount, view.escrow(chain, &claim.output.token));
    if escrow.is_zero() || amount > escrow {
        return Err(ChildError::AmountTooLarge { amount, escrow });
    }
    let now = view.time().ok_or(ChildError::NoBlockTime)?;
    let exit = ChildExit {
        record: claim.record(now, record.params.exitPeriod),
        bond: record.params.exitBond,
        anchor: anchor.height,
        status: ExitStatus::Queued,
    };
    Ok((chain, exit))
}

/// Judges a `ChallengeChildExit` (payload and `outputs`) on the chain of `domain`: the exit is
/// queued, the challenge shows its output spent by its owner, and the only output pays the
/// exit's bond to the challenge's beneficiary.
pub(super) fn validate_exit_challenge(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
    outputs: &[Output],
) -> Result<ChildEffect, ChildError> {
    let c: ChildExitChallenge = decode("ChildExitChallenge", payload, MAX_TX_BYTES)?;
    let chain = c.childChainId;
    view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let exit = view
        .child_exit(chain, &c.exitId)
        .filter(ChildExit::queued)
        .ok_or(ChildError::ExitNotActive(c.exitId))?;
    let expected: Vec<Output> = if exit.bond.is_zero() {
        vec![]
    } else {
        vec![Output::new(c.beneficiary, Address::ZERO, exit.bond)]
    };
    if outputs != expected || c.beneficiary == Address::ZERO {
        return Err(ChildError::BondOutput);
    }
    let child_domain = child_domain(domain, chain);
    verify_challenge(&child_domain, &exit.record, &c.spend, usize::from(c.inputIndex))
        .map_err(ChildError::Challenge)?;
    Ok(ChildEffect::ExitChallenged { chain, exit_id: c.exitId })
}

/// The payouts a proposer owes at block time `now` from the `queued` exits of its children
/// (others are skipped), judged against `view` as the block will be: each child's queue per
/// token in priority order, up to its first exit not yet matured, each settled as
/// [`ChildExit::settlement`] says (paid what the exits ahead left in the escrow, or
/// cancelled under a voided anchor) by [`payout_transaction`], the one constructor
/// `ExitPayout` is judged against.
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
        queue.sort_by_key(|e| priority(e.record.exitableAt, &e.record.utxoPos));
        let rollback = view.child(chain).map_or(0, |r| r.rollback_height);
        let mut escrow = view.escrow(chain, &token);
        for exit in queue.iter().take_while(|e| e.record.exitableAt <= now) {
            payouts.push(payout_transaction(chain, exit, escrow, rollback));
            if let Settlement::Paid(amount) = exit.settlement(escrow, rollback) {
                escrow = escrow.saturating_sub(amount);
            }
        }
    }
    payouts
}
