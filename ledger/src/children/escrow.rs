//! A child's escrow of each token as a chain of links. A lock (`DepositToChild`) adds its
//! amount, a payout of the child's exit (`ExitPayout`, but a cancellation, which takes
//! nothing) takes what it pays the exit's owner; each names where this chain last changed that
//! escrow (the child's registration, while nothing has) and what it holds after it, so that a
//! payout of more than was ever locked into the child is proven from this chain's history
//! alone (`UnfoundedEscrow`). The link is the proposer's, not the signer's: a lock is signed
//! with it zeroed ([`crate::types::Transaction::signed_data`]), and [`relinked`] sets it.

use super::error::ChildError;
use super::fraud::restaked;
use crate::kind::Kind;
use crate::types::{
    decode, ChildDeposit, ExitPayoutClaim, SignedTransaction, TxRef, CHILD_DEPOSIT_BYTES,
    EXIT_PAYOUT_CLAIM_BYTES,
};
use crate::view::LedgerView;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;

/// What a lock or payout does to the escrow it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscrowChange {
    /// A lock adds this amount.
    Adds(U256),
    /// A payout takes this amount.
    Takes(U256),
}

impl EscrowChange {
    /// What an escrow holding `before` holds after it (`None`: past 2^256, or below zero).
    pub fn after(self, before: U256) -> Option<U256> {
        match self {
            EscrowChange::Adds(amount) => before.checked_add(amount),
            EscrowChange::Takes(amount) => before.checked_sub(amount),
        }
    }
}

/// Where this chain last changed the escrow of `token` of child `chain` (its registration,
/// while nothing has; 0:0 for a child never registered) and what it holds.
pub fn escrow_at(view: &impl LedgerView, chain: u64, token: &Address) -> (TxRef, U256) {
    let link = view.escrow_link(chain, token);
    let link = link.or_else(|| view.child(chain).map(|r| r.registered_at)).unwrap_or_default();
    (link, view.escrow(chain, token))
}

/// Refuses a lock or payout of the escrow of `token` of child `chain` that names another
/// place than where it last changed (`named`), or another total after it than `change` makes
/// of what it holds (`named_escrowed`).
pub(crate) fn check_escrow_link(
    view: &impl LedgerView,
    (chain, token): (u64, Address),
    (named, named_escrowed): (TxRef, U256),
    change: EscrowChange,
) -> Result<(), ChildError> {
    let (latest, escrowed) = escrow_at(view, chain, &token);
    if named != latest || change.after(escrowed) != Some(named_escrowed) {
        return Err(ChildError::EscrowLink {
            chain,
            token,
            named,
            named_escrowed,
            latest,
            escrowed,
        });
    }
    Ok(())
}

/// `stx` standing on the state `view` holds, when it carries links its proposer sets: a lock
/// or a payout on the escrow it changes, a cancellation on the latest fraud proof against the
/// child, a fraud proof against a child on the child's stakes ([`restaked`]). `None` for any
/// other transaction, or one whose payload does not decode (judging it stays the ledger's, as
/// it came). Re-linking changes neither a lock's signatures nor its identity
/// ([`crate::types::Transaction::hash`]).
pub fn relinked(view: &impl LedgerView, stx: &SignedTransaction) -> Option<SignedTransaction> {
    match stx.transaction.tx_kind()? {
        Kind::ProveChildFraud => restaked(view, stx),
        _ => escrow_relinked(view, stx),
    }
}

/// [`relinked`], for locks, payouts and cancellations only.
pub fn escrow_relinked(
    view: &impl LedgerView,
    stx: &SignedTransaction,
) -> Option<SignedTransaction> {
    let tx = &stx.transaction;
    let data = match tx.tx_kind()? {
        Kind::DepositToChild => {
            let lock: ChildDeposit = decode("ChildDeposit", &tx.data, CHILD_DEPOSIT_BYTES).ok()?;
            let (link, escrowed) = escrow_at(view, lock.childChainId, &lock.token);
            let escrowed = EscrowChange::Adds(lock.amount).after(escrowed)?;
            ChildDeposit { escrowHeight: link.height, escrowIndex: link.index, escrowed, ..lock }
                .abi_encode()
        }
        Kind::ExitPayout => {
            let claim: ExitPayoutClaim =
                decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES).ok()?;
            if claim.cancels {
                let at = view.child(claim.childChainId)?.rollback_ref;
                let claim =
                    ExitPayoutClaim { escrowHeight: at.height, escrowIndex: at.index, ..claim };
                let mut relinked = stx.clone();
                relinked.transaction.data = claim.abi_encode().into();
                return Some(relinked);
            }
            let (link, escrowed) = escrow_at(view, claim.childChainId, &claim.token);
            let escrowed = EscrowChange::Takes(claim.paid).after(escrowed)?;
            ExitPayoutClaim {
                escrowHeight: link.height,
                escrowIndex: link.index,
                escrowed,
                ..claim
            }
            .abi_encode()
        }
        _ => return None,
    };
    let mut relinked = stx.clone();
    relinked.transaction.data = data.into();
    Some(relinked)
}
