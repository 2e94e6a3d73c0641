//! The proof that a stake, bond or fraud proof of a child stands on a wrong link of the child's
//! stakes ([`crate::fraud::verify_unfounded_stake`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::stakes::stakes_link;
use crate::fraud::verify_unfounded_stake;
use crate::types::{FraudKind as SolFraudKind, FraudProof, LinkEvidence, TxRef};

/// The proof that transaction `index` of block `height`, a stake, bond or fraud proof of a
/// child, is not founded by the child's stakes as its link shows them: it shows the latest
/// stake, bond or fraud proof of the child after the link, else the transaction at the link,
/// else that nothing is there.
pub(super) fn unfounded_stake_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let (child, named) = stakes_link(&linking.inclusion.signedTx.transaction)
        .ok_or_else(|| ProofError::Unsupported("no stake, bond or fraud proof".into()))?;
    let at = TxRef { height, index };
    let of_child = |tx: &_| stakes_link(tx).is_some_and(|(c, _)| c == child);
    let (shows, shown) = link::shown(cx, named, at, of_child)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_unfounded_stake(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnfoundedStake, &ev))
}
