//! Every fault a watcher may prove: a quorum that puts a fault no proof covers yet ahead of one
//! that is proven, in the same block or a later one, does not hide the latter.

use super::{
    build_proof, escrow, lock, restart, settlement, stakes, succession, ProofContext, ProofError,
};
use crate::block::{
    apply_block, apply_block_unjudged, mint_outside_range, refusals_from, BlockError,
};
use crate::kind::Kind;
use crate::signing::SigningDomain;
use crate::types::{Block, DepositRecord, FraudProof};
use crate::view::{LedgerView, Stacked};

/// The first of `blocks` (a run extending `view`'s head) that the ledger refuses, with every
/// refusal of it a proof may stand on: the first (as [`super::first_invalid`] finds it), then
/// each later transaction refused with the refused ones before it taken as given
/// ([`refusals_from`]; every transaction, after a deposit range judged before the body: block
/// 1 has no block before it to show its range broken), and a mint outside the header's range
/// ([`mint_outside_range`]: behind a refusal no proof covers, the next block could mint it
/// again).
pub fn first_refusals<'b, V: LedgerView>(
    domain: &SigningDomain,
    view: &V,
    blocks: &'b [Block],
) -> Option<(&'b Block, Vec<BlockError>)> {
    refused_blocks(domain, view, blocks).next()
}

/// Every block of `blocks` (a run extending `view`'s head) that the ledger refuses, in order,
/// each with its refusals as [`first_refusals`] gives them, judged with the refused blocks
/// before it taken as given ([`apply_block_unjudged`]): a watcher that cannot prove a block
/// proves a later one, so a fault no proof covers yet does not hide every fault after it.
pub fn refused_blocks<'a, 'b, V: LedgerView>(
    domain: &'a SigningDomain,
    view: &'a V,
    blocks: &'b [Block],
) -> impl Iterator<Item = (&'b Block, Vec<BlockError>)> + 'a
where
    'b: 'a,
{
    let mut stacked = Stacked::new(view);
    blocks.iter().filter_map(move |block| match apply_block(domain, &stacked, block) {
        Ok(delta) => {
            stacked.apply(&delta);
            None
        }
        Err(first) => {
            let later = beside(domain, &stacked, block, &first);
            let mut refusals = [vec![first], later].concat();
            if let Some(outside) = mint_outside_range(block) {
                if !refusals.contains(&outside) {
                    refusals.push(outside);
                }
            }
            let delta = apply_block_unjudged(domain, &stacked, block);
            stacked.apply(&delta);
            Some((block, refusals))
        }
    })
}

/// What else `block` breaks beside `first`, the refusal `apply_block` stopped at: the body's
/// refusals after a transaction's or beside a broken deposit range, and, beside a parent it
/// does not name, whatever it breaks judged as if it named it (its link's proof and its
/// body's convict it alike; which one a parent takes is the prover's to try).
fn beside<V: LedgerView>(
    domain: &SigningDomain,
    view: &V,
    block: &Block,
    first: &BlockError,
) -> Vec<BlockError> {
    match first {
        BlockError::InvalidTransaction { index, .. } => {
            refusals_from(domain, view, block, index + 1)
        }
        BlockError::DepositRangeBroken { .. } => refusals_from(domain, view, block, 0),
        BlockError::WrongParent { expected, .. } => {
            let mut linked = block.clone();
            linked.header.parentHash = *expected;
            match apply_block(domain, view, &linked) {
                Ok(_) => Vec::new(),
                Err(e) => {
                    let later = beside(domain, view, &linked, &e);
                    [vec![e], later].concat()
                }
            }
        }
        _ => Vec::new(),
    }
}

/// The fraud proof of `bad` for the first of `refusals` (from [`first_refusals`]) that one
/// proves ([`build_proof`]), else for the first transaction of `bad` whose link its proof
/// shows wrong (`linked_proof`); when none does, why not for the first refusal (a block
/// not at hand, before any other reason).
pub fn build_first_proof(
    cx: &ProofContext<'_>,
    bad: &Block,
    refusals: &[BlockError],
    parent_record: impl Fn(u64) -> Option<DepositRecord>,
) -> Result<FraudProof, ProofError> {
    let mut missing = None;
    let mut first = None;
    for error in refusals {
        match build_proof(cx, bad, error, &parent_record) {
            Ok(proof) => return Ok(proof),
            Err(e @ ProofError::Missing(_)) => {
                missing.get_or_insert(e);
            }
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    // Transactions before the first refused one stand on what the ledger and the history
    // agree on: none of them is proven wrong.
    let from = refusals.iter().find_map(|e| match e {
        BlockError::InvalidTransaction { index, .. } => Some(*index),
        _ => None,
    });
    if let Some(proof) = from.and_then(|from| linked_proof(cx, bad, from)) {
        return Ok(proof);
    }
    Err(missing.or(first).unwrap_or_else(|| ProofError::Unsupported("no refusal to prove".into())))
}

/// The proof of the first transaction of `bad` from index `from` on that stands on a link its
/// proof shows wrong, whatever the ledger refused it for. Judging the block, the ledger takes a refused
/// transaction as given (its inputs and outputs alone), so a link that stands on a refused
/// one (a stake on a refused fraud proof, a start of an exit a refused start queued) may be
/// refused for something else, or not at all; the parent judges links from the history, which
/// holds every included transaction. Each proof is checked before it is returned.
fn linked_proof(cx: &ProofContext<'_>, bad: &Block, from: u32) -> Option<FraudProof> {
    let height = bad.header.height;
    let rest = bad.transactions.iter().enumerate().skip(from as usize);
    rest.take(crate::types::MAX_BLOCK_TXS).find_map(|(index, stx)| {
        let index = index as u32;
        let proof = match stx.transaction.tx_kind()? {
            Kind::StakeChild | Kind::BondChild | Kind::ProveChildFraud => {
                stakes::unfounded_stake_proof(cx, height, index)
            }
            Kind::StartChildExit => restart::repeated_exit_proof(cx, height, index),
            Kind::StartChildDepositExit => lock::unfounded_deposit_exit_proof(cx, height, index)
                .or_else(|_| restart::repeated_exit_proof(cx, height, index)),
            Kind::ChallengeChildExit | Kind::ChallengeChildDepositExit => {
                settlement::unfounded_settlement_proof(cx, height, index)
            }
            Kind::ExitPayout => settlement::unfounded_settlement_proof(cx, height, index)
                .or_else(|_| escrow::unfounded_escrow_proof(cx, height, index)),
            Kind::ChildCheckpoint => succession::checkpoint_succession_proof(cx, height, index),
            Kind::DepositToChild => lock::unregistered_child_proof(cx, height, index)
                .or_else(|_| escrow::unfounded_escrow_proof(cx, height, index)),
            _ => return None,
        };
        proof.ok()
    })
}
