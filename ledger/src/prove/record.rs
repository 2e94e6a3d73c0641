//! The proofs of a child transaction its record refuses
//! ([`crate::fraud::verify_child_record`]: the child's registration and the earlier
//! transactions of the child that show why), and of a child checkpoint its certificate does
//! not certify ([`crate::fraud::verify_uncertified_checkpoint`]).

use super::{ProofContext, ProofError};
use crate::fraud::record::{child_tx, first_signer, ChildTx};
use crate::fraud::{verify_child_record, verify_uncertified_checkpoint};
use crate::types::{
    decode, power_of, Checkpoint, ChildRecordEvidence, ChildRegistration,
    FraudKind as SolFraudKind, FraudProof, IncludedTx, UncertifiedCheckpointEvidence, Validator,
    MAX_TX_BYTES,
};

/// The proof that transaction `index` of block `height`, a transaction of a child, is one the
/// child's record refuses. It shows, before it: every bond of the child (members and their
/// number), the first fraud proof against it (frozen), and, for a checkpoint, the first
/// checkpoint at or above its height.
pub(super) fn child_record_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let block = cx.block(height)?;
    let refused = &block.transactions.get(index as usize).ok_or(ProofError::Missing(height))?;
    let (child, read) = child_tx(&refused.transaction)
        .ok_or_else(|| ProofError::Unsupported("not a transaction of a child".into()))?;
    let checkpoint = match read {
        ChildTx::Checkpoint { height, .. } => Some(height),
        _ => None,
    };
    let registration = cx.registration(child)?;
    let first = (registration.height, registration.txIndex);
    let (mut frozen, mut newer) = (false, false);
    let mut earlier = Vec::new();
    for b in cx.blocks.iter().take_while(|b| b.header.height <= height) {
        let at = b.header.height;
        for (i, stx) in b.transactions.iter().enumerate() {
            let position = (at, i as u32);
            if position <= first || position >= (height, index) {
                continue;
            }
            let shows = match child_tx(&stx.transaction) {
                Some((c, ChildTx::Bond(_))) => c == child,
                Some((c, ChildTx::FraudProof)) if c == child && !frozen => {
                    frozen = true;
                    true
                }
                Some((c, ChildTx::Checkpoint { height: h, .. })) if c == child && !newer => {
                    newer = checkpoint.is_some_and(|mine| h >= mine);
                    newer
                }
                _ => false,
            };
            if shows {
                let inclusion = cx.inclusion(at, i as u32)?;
                earlier.push(IncludedTx { height: at, txIndex: i as u32, inclusion });
            }
        }
    }
    let refused = IncludedTx { height, txIndex: index, inclusion: cx.inclusion(height, index)? };
    let ev = ChildRecordEvidence { registration, earlier, refused };
    verify_child_record(cx.domain, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::ChildRecord, &ev))
}

/// The proof that the checkpoint at transaction `index` of block `height` is not certified by
/// the set its header names. That set is one the child has numbered: its registered set, each
/// grown by the child's bonds in order (a parent's configurations only add members), read
/// from the blocks before it.
pub(super) fn uncertified_checkpoint_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let block = cx.block(height)?;
    let tx = &block.transactions.get(index as usize).ok_or(ProofError::Missing(height))?;
    let header = decode::<Checkpoint>("Checkpoint", &tx.transaction.data, MAX_TX_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?
        .header;
    let child = header.chainId;
    let registration = cx.registration(child)?;
    let reg = &registration.inclusion.signedTx.transaction;
    let mut set = decode::<ChildRegistration>("ChildRegistration", &reg.data, MAX_TX_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?
        .validators;
    let first = (registration.height, registration.txIndex);
    let mut named = (Validator::set_hash(&set) == header.validatorSetHash).then(|| set.clone());
    for b in cx.blocks.iter().take_while(|b| b.header.height <= height) {
        for (i, stx) in b.transactions.iter().enumerate() {
            let position = (b.header.height, i as u32);
            if named.is_some() || position <= first || position >= (height, index) {
                continue;
            }
            let Some((c, ChildTx::Bond(bond))) = child_tx(&stx.transaction) else { continue };
            let (Ok(operator), Some(power)) = (first_signer(cx.domain, stx), power_of(bond.amount))
            else {
                continue;
            };
            if c == child {
                set.push(Validator { operator, blsPubkey: bond.blsPubkey, power });
                named = (Validator::set_hash(&set) == header.validatorSetHash).then(|| set.clone());
            }
        }
    }
    let named_set = named.ok_or_else(|| {
        ProofError::Unsupported(format!(
            "the set checkpoint {} names is none of child {child}'s",
            header.height
        ))
    })?;
    let checkpoint = IncludedTx { height, txIndex: index, inclusion: cx.inclusion(height, index)? };
    let ev = UncertifiedCheckpointEvidence { checkpoint, namedSet: named_set };
    verify_uncertified_checkpoint(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::UncertifiedCheckpoint, &ev))
}
