//! An exit a plasma parent started under a child checkpoint it never accepted.
//!
//! A `StartChildExit` shows where the parent accepted its anchor: the parent's own
//! `ChildCheckpoint` transaction of it, in an earlier block ([`crate::acceptance`]). The parent
//! checks the block against its own chain; shown the parent's block at that height under the
//! certified anchor, anyone checks the same rule, so a start the parent had to refuse for it is
//! proven with nothing of the parent's state.

use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::acceptance::{acceptance_height, verify_acceptance};
use crate::exit::InclusionError;
use crate::kind::Kind;
use crate::merkle;
use crate::types::{decode, BlockHeader, ChildExitStart, UnacceptedAnchorEvidence, MAX_TX_BYTES};

/// Unaccepted anchor: an included `StartChildExit` whose acceptance fails
/// [`verify_acceptance`] against the parent's block at its height, `e.blockHash`, proven
/// under `anchor` by `e.historyProof` (not read when the acceptance names no earlier block).
pub fn verify_unaccepted_anchor(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &UnacceptedAnchorEvidence,
) -> Result<FraudVerdict, FraudError> {
    let shown = &e.start;
    let tx = included(chain_id, anchor, &shown.inclusion, shown.height, shown.txIndex)?;
    if tx.tx_kind() != Some(Kind::StartChildExit) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let start: ChildExitStart = decode("ChildExitStart", &tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?;
    let block_hash = match acceptance_height(&start.acceptance, shown.height) {
        Some(height) => {
            merkle::verify_history(e.blockHash, height, &e.historyProof, anchor.historyRoot)
                .map_err(InclusionError::History)?;
            Some(e.blockHash)
        }
        None => None,
    };
    if verify_acceptance(chain_id, &start.anchor, &start.acceptance, block_hash).is_ok() {
        return Err(FraudError::Accepted);
    }
    Ok(FraudVerdict::at(FraudKind::UnacceptedAnchor, shown.height))
}
