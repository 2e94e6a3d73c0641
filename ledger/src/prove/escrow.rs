//! The proof that a lock or payout of a child stands on a wrong link of the child's escrow
//! ([`crate::fraud::verify_unfounded_escrow`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::escrow::escrow_link;
use crate::fraud::verify_unfounded_escrow;
use crate::types::{FraudKind as SolFraudKind, FraudProof, LinkEvidence, TxRef};

/// The proof that transaction `index` of block `height`, a lock or payout of a child, is not
/// founded by the child's escrow of its token as its link shows it: it shows the latest lock
/// or payout of the child in the token after the link, else the transaction at the link, else
/// that nothing is there.
pub(super) fn unfounded_escrow_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let not_one = || ProofError::Unsupported("no lock or payout".into());
    let l =
        escrow_link(&linking.inclusion.signedTx.transaction).ok().flatten().ok_or_else(not_one)?;
    let at = TxRef { height, index };
    let of = (l.child, l.token);
    let of_escrow =
        |tx: &_| escrow_link(tx).ok().flatten().is_some_and(|m| (m.child, m.token) == of);
    let (shows, shown) = link::shown(cx, l.named, at, of_escrow)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_unfounded_escrow(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnfoundedEscrow, &ev))
}
