//! The proofs about a lock into a child: a start of an exit from the deposit record that no
//! lock founds ([`crate::fraud::verify_unfounded_deposit_exit`]), and a lock into a child its
//! named registration does not register ([`crate::fraud::verify_unregistered_child`]).

use super::{link, ProofContext, ProofError};
use crate::fraud::{verify_unfounded_deposit_exit, verify_unregistered_child};
use crate::types::{
    decode, ChildDeposit, ChildDepositExit, FraudKind as SolFraudKind, FraudProof, LinkEvidence,
    TxRef, CHILD_DEPOSIT_BYTES, CHILD_DEPOSIT_EXIT_BYTES,
};

/// The proof that transaction `index` of block `height`, a `StartChildDepositExit`, exits a
/// deposit no lock at its nonce's place founds: it shows the transaction there, or that
/// nothing is there.
pub(super) fn unfounded_deposit_exit_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let data = &linking.inclusion.signedTx.transaction.data;
    let start: ChildDepositExit = decode("ChildDepositExit", data, CHILD_DEPOSIT_EXIT_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?;
    let at = TxRef { height, index };
    // Nothing is named later than the lock: only the lock's place is shown.
    let (shows, shown) = link::shown(cx, TxRef::of_deposit(start.nonce), at, |_| false)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_unfounded_deposit_exit(cx.domain, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnfoundedDepositExit, &ev))
}

/// The proof that transaction `index` of block `height`, a `DepositToChild`, locks value into
/// a child its named registration does not register: it shows the transaction there, or that
/// nothing is there.
pub(super) fn unregistered_child_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let linking = cx.included(height, index)?;
    let data = &linking.inclusion.signedTx.transaction.data;
    let lock: ChildDeposit = decode("ChildDeposit", data, CHILD_DEPOSIT_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?;
    let at = TxRef { height, index };
    let named = TxRef { height: lock.registeredHeight, index: lock.registeredIndex };
    let (shows, shown) = link::shown(cx, named, at, |_| false)?;
    let ev = LinkEvidence { linking, shows: shows as u8, shown };
    verify_unregistered_child(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UnregisteredChild, &ev))
}
