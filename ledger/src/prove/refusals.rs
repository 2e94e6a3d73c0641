//! Every fault of the first invalid block a watcher may prove: a quorum that puts a fault no
//! proof covers yet ahead of one that is proven in the same block does not hide the latter.

use super::{build_proof, ProofContext, ProofError};
use crate::block::{apply_block, refusals_after, BlockError};
use crate::signing::SigningDomain;
use crate::types::{Block, DepositRecord, FraudProof};
use crate::view::{LedgerView, Stacked};

/// The first of `blocks` (a run extending `view`'s head) that the ledger refuses, with every
/// refusal of it a proof may stand on: the first (as [`super::first_invalid`] finds it), then
/// each later transaction refused with the refused ones before it taken as given
/// ([`refusals_after`]).
pub fn first_refusals<'b, V: LedgerView>(
    domain: &SigningDomain,
    view: &V,
    blocks: &'b [Block],
) -> Option<(&'b Block, Vec<BlockError>)> {
    let mut stacked = Stacked::new(view);
    for block in blocks {
        match apply_block(domain, &stacked, block) {
            Ok(delta) => stacked.apply(&delta),
            Err(first) => {
                let later = match &first {
                    BlockError::InvalidTransaction { index, .. } => {
                        refusals_after(domain, &stacked, block, *index)
                    }
                    _ => Vec::new(),
                };
                return Some((block, [vec![first], later].concat()));
            }
        }
    }
    None
}

/// The fraud proof of `bad` for the first of `refusals` (from [`first_refusals`]) that one
/// proves ([`build_proof`]); when none does, why not for the first (a block not at hand first,
/// so that the caller asks again).
pub fn build_first_proof(
    cx: &ProofContext<'_>,
    bad: &Block,
    refusals: &[BlockError],
    parent_record: impl Fn(u64) -> Option<DepositRecord>,
) -> Result<FraudProof, ProofError> {
    let mut first = None;
    for error in refusals {
        match build_proof(cx, bad, error, &parent_record) {
            Ok(proof) => return Ok(proof),
            Err(e @ ProofError::Missing(_)) => return Err(e),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.unwrap_or_else(|| ProofError::Unsupported("no refusal to prove".into())))
}
