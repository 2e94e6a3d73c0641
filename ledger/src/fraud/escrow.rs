//! A lock into a child, or a payout of a child's exit, that the child's escrow, as its link
//! shows it, does not found.
//!
//! A plasma parent keeps what each child's escrow holds of each token: a `DepositToChild`
//! adds its amount, an `ExitPayout` takes what it pays from it (`paid`: its owner's share of
//! the payout; the bond it returns is the exit's own), but a cancellation, which takes nothing
//! and is no link of the chain. Each names where the parent last
//! changed that escrow (the child's registration, which leaves every escrow of it empty, or
//! the latest lock or payout of the child in the token) and what the escrow holds after it,
//! and the parent refuses any other (`ChildError::EscrowLink`). So a quorum that pays exits of
//! a child more than was ever locked into it — minting on the parent what no deposit backs —
//! is proven from the parent's history alone, by what the link names ([`super::Shows`],
//! [`super::link`]):
//! - the transaction there is none of those of the same child and token; or it is, and what it
//!   leaves the escrow holding and the linking transaction's amount do not make what the
//!   linking transaction says (a payout takes no more than the escrow holds);
//! - nothing is there (or the place is not below the linking transaction, or at height 0);
//! - a lock or payout of the same child and token stands between the two.
//!
//! That a payout's outputs pay no more than `paid` and its bond, in the exit's token, is
//! [`super::verify_overdrawn_payout`]'s to judge; which exit is paid first, and whether `paid`
//! is all it is owed, stays the parent's bookkeeping.

use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::types::{
    decode, BlockHeader, ChildDeposit, ChildRegistration, ExitPayoutClaim, LinkEvidence,
    Transaction, TxRef, CHILD_DEPOSIT_BYTES, EXIT_PAYOUT_CLAIM_BYTES, MAX_TX_BYTES,
};
use alloy_primitives::{Address, U256};

/// A lock or payout, as the chain of a child's escrow of one token reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EscrowLink {
    /// The child.
    pub child: u64,
    /// The token.
    pub token: Address,
    /// Where it says the escrow last changed.
    pub named: TxRef,
    /// What it says the escrow holds after it.
    pub escrowed: U256,
    /// What a lock adds (`true`) or a payout takes.
    pub adds: bool,
    /// How much.
    pub amount: U256,
}

impl EscrowLink {
    /// Whether it may stand on an escrow holding `before`.
    fn follows(&self, before: U256) -> bool {
        let after = if self.adds {
            before.checked_add(self.amount)
        } else {
            before.checked_sub(self.amount)
        };
        after == Some(self.escrowed)
    }
}

/// Reads `tx` as a lock or a payout that does not cancel (`None`: another kind, or a
/// cancellation). A payload that does not decode is no evidence (the contract's decoding
/// reverts): its block is proven malformed.
pub(crate) fn escrow_link(tx: &Transaction) -> Result<Option<EscrowLink>, FraudError> {
    let wrong = |_| FraudError::WrongKind(tx.kind);
    let data = &tx.data;
    Ok(match tx.tx_kind() {
        Some(Kind::DepositToChild) => {
            let l: ChildDeposit =
                decode("ChildDeposit", data, CHILD_DEPOSIT_BYTES).map_err(wrong)?;
            Some(EscrowLink {
                child: l.childChainId,
                token: l.token,
                named: TxRef { height: l.escrowHeight, index: l.escrowIndex },
                escrowed: l.escrowed,
                adds: true,
                amount: l.amount,
            })
        }
        Some(Kind::ExitPayout) => {
            let p: ExitPayoutClaim =
                decode("ExitPayoutClaim", data, EXIT_PAYOUT_CLAIM_BYTES).map_err(wrong)?;
            // A cancellation takes nothing from the escrow: no link of its chain.
            if p.cancels {
                return Ok(None);
            }
            Some(EscrowLink {
                child: p.childChainId,
                token: p.token,
                named: TxRef { height: p.escrowHeight, index: p.escrowIndex },
                escrowed: p.escrowed,
                adds: false,
                amount: p.paid,
            })
        }
        _ => None,
    })
}

/// What the escrow of `child` in `token` holds after `tx` of the parent `chain_id`, when it is
/// a registration of `child` (nothing) or a lock or payout of it in `token`; `None` otherwise.
fn leaves(
    chain_id: u64,
    (child, token): (u64, Address),
    tx: &Transaction,
) -> Result<Option<U256>, FraudError> {
    if tx.tx_kind() == Some(Kind::RegisterChild) {
        let reg: ChildRegistration = decode("ChildRegistration", &tx.data, MAX_TX_BYTES)
            .map_err(|_| FraudError::WrongKind(tx.kind))?;
        return Ok((child_chain_id(chain_id, &reg) == child).then_some(U256::ZERO));
    }
    let link = escrow_link(tx)?;
    Ok(link.filter(|l| (l.child, l.token) == (child, token)).map(|l| l.escrowed))
}

/// Unfounded escrow: an included lock or payout of a child that the child's escrow of its
/// token, as its link shows it, does not found (the module's doc).
pub fn verify_unfounded_escrow(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let l = escrow_link(tx)?.ok_or(FraudError::WrongKind(tx.kind))?;
    let at = TxRef { height: c.height, index: c.txIndex };
    let of = (l.child, l.token);
    let refuses = |linked: &crate::types::SignedTransaction| {
        Ok(leaves(chain_id, of, &linked.transaction)?.is_none_or(|before| !l.follows(before)))
    };
    let names =
        |between: &Transaction| Ok(escrow_link(between)?.is_some_and(|m| (m.child, m.token) == of));
    link::judge(chain_id, anchor, (l.named, at), e, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedEscrow, c.height))
}
