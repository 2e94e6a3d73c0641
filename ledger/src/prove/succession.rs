//! The proof of a child checkpoint that cannot follow what its link names
//! ([`crate::fraud::verify_checkpoint_succession`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::succession::predecessor;
use crate::fraud::verify_checkpoint_succession;
use crate::types::{
    decode, FraudKind as SolFraudKind, FraudProof, LinkEvidence, LinkedCheckpoint, TxRef,
    MAX_TX_BYTES,
};

/// The proof that transaction `index` of block `height`, a `ChildCheckpoint`, cannot follow
/// what its link names. It shows the child's latest registration or checkpoint before it when
/// that is after the link; else the transaction at the link; else that nothing is there.
pub(super) fn checkpoint_succession_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let tx = &linking.inclusion.signedTx.transaction;
    let linked: LinkedCheckpoint = decode("LinkedCheckpoint", &tx.data, MAX_TX_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?;
    let child = linked.checkpoint.header.chainId;
    let link = TxRef { height: linked.previousHeight, index: linked.previousIndex };
    let chain_id = cx.domain.chain_id;
    let of_child =
        |t: &_| predecessor(chain_id, t).is_ok_and(|p| p.is_some_and(|(of, _)| of == child));
    let (shows, shown) = link::shown(cx, link, TxRef { height, index }, of_child)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_checkpoint_succession(chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::CheckpointSuccession, &ev))
}
