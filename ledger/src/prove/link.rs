//! What the proofs of a wrong link share ([`crate::fraud::link`]): find the latest
//! transaction the link should have named, and show what is, or is not, at the link.

use super::{ProofContext, ProofError};
use crate::fraud::Shows;
use crate::types::{IncludedTx, Transaction, TxInclusion, TxRef};

/// The showing of a proof that the transaction at `at`, standing on `link`, is refused: the
/// latest transaction before `at` that `names` (what the link should have named) when it is
/// after the link; else the transaction at the link; else that nothing is there.
pub(super) fn shown(
    cx: &ProofContext<'_>,
    link: TxRef,
    at: TxRef,
    names: impl Fn(&Transaction) -> bool,
) -> Result<(Shows, IncludedTx), ProofError> {
    if crate::fraud::link::unreachable(link, at) {
        return Ok((Shows::Nothing, IncludedTx::default()));
    }
    if let Some(later) = latest_before(cx, at, names).filter(|l| *l > link) {
        return Ok((Shows::Later, cx.included(later.height, later.index)?));
    }
    if (link.index as usize) < cx.block(link.height)?.transactions.len() {
        return Ok((Shows::Linked, cx.included(link.height, link.index)?));
    }
    Ok((Shows::Nothing, nothing_at(cx, link)?))
}

/// The showing of a proof that the transaction at `at`, naming no link (0:0), is refused: the
/// latest transaction before it that `names`, the only showing such a link has.
pub(super) fn shown_after_none(
    cx: &ProofContext<'_>,
    at: TxRef,
    names: impl Fn(&Transaction) -> bool,
) -> Result<(Shows, IncludedTx), ProofError> {
    let later = latest_before(cx, at, names)
        .ok_or_else(|| ProofError::Refuted("nothing before it that it should have named".into()))?;
    Ok((Shows::Later, cx.included(later.height, later.index)?))
}

/// Where the latest transaction before `at` that `names` is.
fn latest_before(
    cx: &ProofContext<'_>,
    at: TxRef,
    names: impl Fn(&Transaction) -> bool,
) -> Option<TxRef> {
    cx.blocks
        .iter()
        .take_while(|b| b.header.height <= at.height)
        .flat_map(|b| {
            let height = b.header.height;
            let placed = b.transactions.iter().enumerate();
            placed.map(move |(i, stx)| (TxRef { height, index: i as u32 }, stx))
        })
        .filter(|(place, stx)| *place < at && names(&stx.transaction))
        .map(|(place, _)| place)
        .last()
}

/// What shows nothing at `place`: its block's last transaction, below it, or for an empty
/// block, the block's header proven in the anchor's history.
fn nothing_at(cx: &ProofContext<'_>, place: TxRef) -> Result<IncludedTx, ProofError> {
    let block = cx.block(place.height)?;
    match block.transactions.len().checked_sub(1) {
        Some(last) => cx.included(place.height, last as u32),
        None => {
            let inclusion = TxInclusion {
                header: block.header.clone(),
                historyProof: cx.history_proof(place.height)?,
                ..Default::default()
            };
            Ok(IncludedTx { height: place.height, inclusion, ..Default::default() })
        }
    }
}
