//! A payout of a child's exit of an output that pays before the exit is due, or more than it
//! can be owed; or a cancellation of an exit from the deposit record.
//!
//! An exit of a child's output is queued by its start (`StartChildExit`), which carries the
//! claimed output (its token and amount) and the block that created it (its time), and is
//! bonded with the child's `exitBond`. So the start and the child's registration, both
//! included in the parent's history, show when the exit is due — `exitable_at(claimed time,
//! start time, exitPeriod)` — and the most any payout of it pays: the claim's amount in its
//! token and the bond in ETH ([`crate::exit::payout_excess`]). A payout before that time lets
//! a spent output be paid before anyone could challenge it; a payout of more drains the
//! child's escrow; either is proven from the parent's history alone. Whether the start is the
//! exit's latest, and the payout to its owner, is [`super::verify_unfounded_settlement`]'s to
//! judge; whether the exit is first in its queue, and how much the escrow leaves it, stays the
//! parent's bookkeeping.
//!
//! A payout that says it cancels the exit (`cancels`: its anchor was voided) is owed the bond
//! alone, since the output may then exit again: paying the claim with it would pay the claim
//! twice. An exit from the parent's deposit record (`StartChildDepositExit`) is never
//! cancelled, so a payout of one that says it cancels is convicted by its start alone; its
//! other payouts take their amount and time from the record, not judged here.

use super::registered::registered;
use super::settlement::started;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::exit::{exitable_at, payout_excess};
use crate::kind::Kind;
use crate::types::EXIT_PAYOUT_CLAIM_BYTES;
use crate::types::{
    decode, BlockHeader, ChildExitStart, ExitPayoutClaim, PayoutEvidence, MAX_TX_BYTES,
};
use alloy_primitives::U256;

/// Overdrawn payout: an included payout of a child's exit of an output, founded by the start
/// it names, that pays before the exit is due or more than its claim and bond (the bond alone,
/// for a cancellation), or a cancellation of an exit from the deposit record (the module's
/// doc). Refused when the start shown is not at the payout's link or does not start that exit
/// of an output, or the registration shown is of another child.
pub fn verify_overdrawn_payout(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &PayoutEvidence,
) -> Result<FraudVerdict, FraudError> {
    let p = &e.payout;
    let payout = included(chain_id, anchor, &p.inclusion, p.height, p.txIndex)?;
    if payout.tx_kind() != Some(Kind::ExitPayout) {
        return Err(FraudError::WrongKind(payout.kind));
    }
    let claim: ExitPayoutClaim = decode("ExitPayoutClaim", &payout.data, EXIT_PAYOUT_CLAIM_BYTES)
        .map_err(|_| FraudError::WrongKind(payout.kind))?;
    let s = &e.start;
    if (s.height, s.txIndex) != (claim.startHeight, claim.startIndex) {
        return Err(FraudError::NotTheStart);
    }
    let start_tx = included(chain_id, anchor, &s.inclusion, s.height, s.txIndex)?;
    let starts_it = started(start_tx)?
        .is_some_and(|s| (s.child, s.exit_id) == (claim.childChainId, claim.exitId));
    if starts_it && claim.cancels && start_tx.tx_kind() == Some(Kind::StartChildDepositExit) {
        return Ok(FraudVerdict::at(FraudKind::OverdrawnPayout, p.height));
    }
    if !starts_it || start_tx.tx_kind() != Some(Kind::StartChildExit) {
        return Err(FraudError::NotTheStart);
    }
    let start: ChildExitStart = decode("ChildExitStart", &start_tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::NotTheStart)?;
    let claimed = &start.inclusion;
    let outputs = &claimed.signedTx.transaction.outputs;
    let output = outputs.get(usize::from(start.pos.outputIndex)).ok_or(FraudError::NotTheStart)?;
    let (registered_child, reg) = registered(chain_id, anchor, &e.registration)?;
    if registered_child != claim.childChainId {
        let named = claim.childChainId;
        return Err(FraudError::NotTheChild { named, registered: registered_child });
    }
    let (params, started_at) = (&reg.params, s.inclusion.header.timestamp);
    let due = exitable_at(claimed.header.timestamp, started_at, params.exitPeriod);
    let early = p.inclusion.header.timestamp < due;
    let claimed = if claim.cancels { U256::ZERO } else { output.amount };
    let excess = payout_excess(&payout.outputs, &output.token, claimed, params.exitBond);
    if !early && excess.is_none() {
        return Err(FraudError::Owed);
    }
    Ok(FraudVerdict::at(FraudKind::OverdrawnPayout, p.height))
}
