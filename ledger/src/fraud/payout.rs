//! A payout of a child's exit that pays before the exit is due, or otherwise than it is owed;
//! or a cancellation of an exit from the deposit record.
//!
//! An exit of a child's output is queued by its start (`StartChildExit`), which carries the
//! claimed output (its token and amount) and the block that created it (its time); an exit
//! from the deposit record by its start (`StartChildDepositExit`), whose nonce places the lock
//! of the deposit (`DepositToChild`: its token and amount, and its block's time, when the
//! parent recorded it). Either is bonded with the child's `exitBond`. So the start (with the
//! lock) and the child's registration, all included in the parent's history, show when the
//! exit is due — `exitable_at(claimed or recorded time, start time, exitPeriod)` — and what a
//! payout of it owes. A payout (not a cancellation) names the exit's token, takes from the
//! child's escrow what it holds of the claim — `paid`, leaving `escrowed`, which
//! [`super::verify_unfounded_escrow`] proves against the escrow's chain, so that it held
//! `escrowed + paid` — and pays exactly that, then the bond in ETH
//! ([`crate::build::settled_outputs`]). A payout before that time lets a spent output be paid
//! before anyone could challenge it; a payout of more drains the child's escrow, one of less
//! leaves the exit's owner short (what it does not pay stays for the exits behind, or is
//! burnt); each is proven from the parent's history alone. Whether the start is the exit's
//! latest, and the payout to its owner, is [`super::verify_unfounded_settlement`]'s to judge,
//! whether the lock founds the start [`super::verify_unfounded_deposit_exit`]'s, whether a
//! fraud proof voided the exit's anchor [`super::verify_voided_anchor`]'s; whether the exit is
//! first in its queue stays the parent's bookkeeping; whether the anchor of an exit a payout
//! cancels stands is [`super::verify_unfounded_cancellation`]'s to judge.
//!
//! A payout that says it cancels the exit (`cancels`: its anchor was voided) is owed the bond
//! alone, since the output may then exit again: paying the claim with it would pay the claim
//! twice. An exit from the parent's deposit record is never cancelled, so a payout of one that
//! says it cancels is convicted by its start alone.

use super::registered::registered;
use super::settlement::started;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::exit::exitable_at;
use crate::kind::Kind;
use crate::types::{
    decode, BlockHeader, ChildDeposit, ChildDepositExit, ChildExitStart, ExitPayoutClaim, Output,
    PayoutEvidence, TxRef, CHILD_DEPOSIT_BYTES, CHILD_DEPOSIT_EXIT_BYTES, EXIT_PAYOUT_CLAIM_BYTES,
    MAX_TX_BYTES,
};
use alloy_primitives::{Address, U256};

/// Overdrawn payout: an included payout of a child's exit, founded by the start it names, that
/// pays before the exit is due or otherwise than it is owed for what it says it does (its bond
/// alone, for a cancellation), or a cancellation of an exit from the deposit record (the
/// module's doc).
/// Refused when the start shown is not at the payout's link or does not start that exit, the
/// lock shown is not at the nonce's place or no lock into the child, or the registration shown
/// is of another child.
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
    if !starts_it {
        return Err(FraudError::NotTheStart);
    }
    // What the exit claims, and since when: the claimed output and its block's time, or the
    // deposit and when the parent recorded it.
    let (claimed_at, token, amount) = match start_tx.tx_kind() {
        Some(Kind::StartChildDepositExit) if claim.cancels => {
            return Ok(FraudVerdict::at(FraudKind::OverdrawnPayout, p.height));
        }
        Some(Kind::StartChildDepositExit) => {
            let start: ChildDepositExit =
                decode("ChildDepositExit", &start_tx.data, CHILD_DEPOSIT_EXIT_BYTES)
                    .map_err(|_| FraudError::NotTheStart)?;
            let place = TxRef::of_deposit(start.nonce);
            let l = &e.lock.inclusion;
            let lock_tx = included(chain_id, anchor, l, place.height, place.index)?;
            let lock = (lock_tx.tx_kind() == Some(Kind::DepositToChild))
                .then(|| decode::<ChildDeposit>("ChildDeposit", &lock_tx.data, CHILD_DEPOSIT_BYTES))
                .and_then(Result::ok)
                .filter(|lock| lock.childChainId == claim.childChainId)
                .ok_or(FraudError::NotTheLock)?;
            (l.header.timestamp, lock.token, lock.amount)
        }
        _ => {
            let start: ChildExitStart = decode("ChildExitStart", &start_tx.data, MAX_TX_BYTES)
                .map_err(|_| FraudError::NotTheStart)?;
            let claimed = &start.inclusion;
            let outputs = &claimed.signedTx.transaction.outputs;
            let index = usize::from(start.pos.outputIndex);
            let output = outputs.get(index).ok_or(FraudError::NotTheStart)?;
            (claimed.header.timestamp, output.token, output.amount)
        }
    };
    let (registered_child, reg) = registered(chain_id, anchor, &e.registration)?;
    if registered_child != claim.childChainId {
        let named = claim.childChainId;
        return Err(FraudError::NotTheChild { named, registered: registered_child });
    }
    let (params, started_at) = (&reg.params, s.inclusion.header.timestamp);
    let due = exitable_at(claimed_at, started_at, params.exitPeriod);
    if p.inclusion.header.timestamp < due
        || !settles_as_owed(&payout.outputs, &claim, (token, amount), params.exitBond)
    {
        return Ok(FraudVerdict::at(FraudKind::OverdrawnPayout, p.height));
    }
    Err(FraudError::Owed)
}

/// Whether a payout with `outputs` and `claim`, of an exit claiming `amount` of `token` and
/// bonded `bond` (in ETH), settles it as owed for what the claim says it does
/// ([`crate::build::settled_outputs`], owners aside: [`super::verify_unfounded_settlement`]
/// judges them). A cancellation names no token and takes nothing from the escrow (its link,
/// the fraud proof that voided the exit, is [`super::verify_unfounded_cancellation`]'s to
/// judge), and returns the bond alone. A payout names the exit's token and takes from the
/// escrow what it holds of the claim — `paid`, with the escrow holding `escrowed` after it, so
/// `min(amount, escrowed + paid)`, as the escrow's chain founds them (`UnfoundedEscrow`) — and
/// pays exactly that, then the bond.
fn settles_as_owed(
    outputs: &[Output],
    claim: &ExitPayoutClaim,
    (token, amount): (Address, U256),
    bond: U256,
) -> bool {
    let owed = if claim.cancels {
        let bare = ExitPayoutClaim {
            childChainId: claim.childChainId,
            exitId: claim.exitId,
            startHeight: claim.startHeight,
            startIndex: claim.startIndex,
            cancels: true,
            escrowHeight: claim.escrowHeight,
            escrowIndex: claim.escrowIndex,
            ..Default::default()
        };
        if *claim != bare {
            return false;
        }
        U256::ZERO
    } else {
        let held = claim.escrowed.saturating_add(claim.paid);
        if claim.token != token || claim.paid != amount.min(held) {
            return false;
        }
        claim.paid
    };
    let expected = [(token, owed), (Address::ZERO, bond)];
    let mut expected = expected.iter().filter(|(_, a)| !a.is_zero());
    outputs.iter().all(|o| expected.next() == Some(&(o.token, o.amount)))
        && expected.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::payout_transaction;
    use crate::children::{ChildExit, ExitStatus};
    use crate::types::ExitRecord;
    use proptest::prelude::*;

    /// An exit of `amount` of `token` bonded `bond`, queued by a start at 6:0.
    fn exit(token: Address, amount: u64, bond: u64) -> ChildExit {
        ChildExit {
            record: ExitRecord {
                owner: Address::repeat_byte(0xa1),
                token,
                amount: U256::from(amount),
                ..Default::default()
            },
            bond: U256::from(bond),
            anchor: 5,
            status: ExitStatus::Queued,
            started_at: TxRef { height: 6, index: 0 },
            cancelled_at: TxRef::default(),
        }
    }

    /// The claim and outputs of the payout the proposer builds for `exit` when the escrow holds
    /// `escrow` and the rollback is `rollback`.
    fn built(exit: &ChildExit, escrow: u64, rollback: u64) -> (ExitPayoutClaim, Vec<Output>) {
        let link = (TxRef { height: 5, index: 1 }, U256::from(escrow));
        let voided_by = TxRef { height: rollback, index: 2 };
        let tx = payout_transaction(7, exit, link, (rollback, voided_by)).transaction;
        let claim = decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES).expect("a claim");
        (claim, tx.outputs)
    }

    fn token(other: bool) -> Address {
        if other {
            Address::repeat_byte(0x70)
        } else {
            Address::ZERO
        }
    }

    proptest! {
        /// Whatever the exit, the escrow and the rollback, the payout the proposer builds settles
        /// the exit as owed: the judge never convicts an honest payout.
        #[test]
        fn every_payout_the_proposer_builds_settles_as_owed(
            other in any::<bool>(),
            (amount, bond, escrow) in (0u64..1_000, 0u64..100, 0u64..2_000),
            voided in any::<bool>(),
        ) {
            let exit = exit(token(other), amount, bond);
            let (claim, outputs) = built(&exit, escrow, if voided { 5 } else { 0 });
            let (token, amount, bond) = (token(other), U256::from(amount), U256::from(bond));
            prop_assert!(settles_as_owed(&outputs, &claim, (token, amount), bond));
        }

        /// Paying one wei more or less, in any output, or saying it takes one more or less from
        /// the escrow, is convicted.
        #[test]
        fn a_payout_off_by_one_anywhere_is_convicted(
            other in any::<bool>(),
            (amount, bond, escrow) in (1u64..1_000, 1u64..100, 1u64..2_000),
            (which, up) in (0usize..3, any::<bool>()),
        ) {
            let exit = exit(token(other), amount, bond);
            let (mut claim, mut outputs) = built(&exit, escrow, 0);
            let nudge = |v: &mut U256| *v = if up { *v + U256::from(1) } else { *v - U256::from(1) };
            match which {
                0 => nudge(&mut claim.paid),
                i if i <= outputs.len() => nudge(&mut outputs[i - 1].amount),
                _ => nudge(&mut claim.paid),
            }
            let (token, amount, bond) = (token(other), U256::from(amount), U256::from(bond));
            prop_assert!(!settles_as_owed(&outputs, &claim, (token, amount), bond));
        }
    }
}
