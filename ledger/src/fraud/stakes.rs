//! A stake, bond or fraud proof that the child's stakes, as its link shows them, do not found.
//!
//! A plasma parent keeps what the stakes of a child's operators hold together
//! ([`crate::children::ChildRecord::staked`]): a `StakeChild` or `BondChild` adds its amount,
//! a `ProveChildFraud` takes the convicted operators' stakes and pays its prover half of what
//! it takes (nothing, to a culprit proving its own fraud). Each names where the parent last changed them (the child's registration, which
//! leaves them at zero, or the latest stake, bond or fraud proof of the child) and what they
//! hold after it, and the parent refuses any other (`ChildError::StakesLink`,
//! `ChildError::RewardOutput`). So a quorum that pays a fraud proof's prover more than was
//! staked, or stakes into a child never registered to be paid back from nothing, is proven
//! from the parent's history alone, by what the link names ([`super::Shows`],
//! [`super::link`]):
//! - the transaction there is none of those of the same child; or it is, and what it leaves
//!   the stakes holding and the linking transaction's amount do not make what the linking
//!   transaction says; or, for a fraud proof, the proof says they hold more after it than the
//!   link does, pays its prover other than half of the difference or nothing, or names no
//!   prover (whether nothing was owed, the prover being a culprit, is the parent's judging);
//! - nothing is there (or the place is not below the linking transaction, or at height 0);
//! - a stake, bond or fraud proof of the same child stands between the two.
//!
//! Which operators' stakes a fraud proof takes stays the parent's bookkeeping
//! (`ChildError::SlashedStakes`): the proof takes no more than the stakes hold, so it mints
//! nothing.

use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::children::pays_what_it_takes;
use crate::form::MAX_BOND_BYTES;
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::types::{
    decode, BlockHeader, ChildBond, ChildFraudProof, ChildRegistration, ChildStake, LinkEvidence,
    Output, SignedTransaction, Transaction, TxRef, CHILD_STAKE_BYTES, MAX_TX_BYTES,
};
use alloy_primitives::U256;

/// What a stake, bond or fraud proof does to its child's stakes.
enum Change {
    /// A stake or bond adds this amount.
    Adds(U256),
    /// A fraud proof takes from them and pays its prover (these outputs).
    Takes(Box<ChildFraudProof>, Vec<Output>),
}

/// A stake, bond or fraud proof, as the chain of a child's stakes reads it.
struct Link {
    /// The child.
    child: u64,
    /// Where it says the stakes last changed.
    named: TxRef,
    /// What it says they hold after it.
    staked: U256,
    /// What it does to them.
    change: Change,
}

/// Reads `tx` as a stake, bond or fraud proof (`None`: another kind). A payload that does not
/// decode is no evidence (the contract's decoding reverts): its block is proven malformed.
fn link_of(tx: &Transaction) -> Result<Option<Link>, FraudError> {
    let wrong = |_| FraudError::WrongKind(tx.kind);
    let data = &tx.data;
    let (child, (height, index), staked, change) = match tx.tx_kind() {
        Some(Kind::StakeChild) => {
            let s: ChildStake = decode("ChildStake", data, CHILD_STAKE_BYTES).map_err(wrong)?;
            (s.childChainId, (s.stakesHeight, s.stakesIndex), s.staked, Change::Adds(s.amount))
        }
        Some(Kind::BondChild) => {
            let b: ChildBond = decode("ChildBond", data, MAX_BOND_BYTES).map_err(wrong)?;
            (b.childChainId, (b.stakesHeight, b.stakesIndex), b.staked, Change::Adds(b.amount))
        }
        Some(Kind::ProveChildFraud) => {
            let c: ChildFraudProof =
                decode("ChildFraudProof", data, MAX_TX_BYTES).map_err(wrong)?;
            let link = (c.childChainId, (c.stakesHeight, c.stakesIndex), c.staked);
            (link.0, link.1, link.2, Change::Takes(Box::new(c), tx.outputs.clone()))
        }
        _ => return Ok(None),
    };
    Ok(Some(Link { child, named: TxRef { height, index }, staked, change }))
}

/// The child a stake, bond or fraud proof `tx` is of, and where it says the child's stakes last
/// changed (`None`: another kind, or a payload that does not decode).
pub(crate) fn stakes_link(tx: &Transaction) -> Option<(u64, TxRef)> {
    link_of(tx).ok().flatten().map(|l| (l.child, l.named))
}

/// What the stakes of `child` hold after `tx` of the parent `chain_id`, when it is a
/// registration of `child` (zero) or a stake, bond or fraud proof of it; `None` otherwise.
fn leaves(chain_id: u64, child: u64, tx: &Transaction) -> Result<Option<U256>, FraudError> {
    if tx.tx_kind() == Some(Kind::RegisterChild) {
        let reg: ChildRegistration = decode("ChildRegistration", &tx.data, MAX_TX_BYTES)
            .map_err(|_| FraudError::WrongKind(tx.kind))?;
        return Ok((child_chain_id(chain_id, &reg) == child).then_some(U256::ZERO));
    }
    Ok(link_of(tx)?.filter(|l| l.child == child).map(|l| l.staked))
}

/// Unfounded stake: an included stake, bond or fraud proof of a child that the child's
/// stakes, as its link shows them, do not found (the module's doc).
pub fn verify_unfounded_stake(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let Link { child, named, staked, change } =
        link_of(tx)?.ok_or(FraudError::WrongKind(tx.kind))?;
    let at = TxRef { height: c.height, index: c.txIndex };
    let refuses = |linked: &SignedTransaction| {
        let Some(before) = leaves(chain_id, child, &linked.transaction)? else {
            return Ok(true);
        };
        Ok(match &change {
            Change::Adds(amount) => before.checked_add(*amount) != Some(staked),
            Change::Takes(proof, outputs) => !pays_what_it_takes(proof, before, outputs),
        })
    };
    let names = |between: &Transaction| Ok(link_of(between)?.is_some_and(|l| l.child == child));
    link::judge(chain_id, anchor, (named, at), e, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedStake, c.height))
}
