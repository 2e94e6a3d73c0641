//! A child checkpoint its own certificate does not certify.
//!
//! A plasma parent accepts a child's checkpoint only when its header names the child's active
//! set (`ChildError::WrongSet`) and a certificate of more than two thirds of that set's power
//! signs it (`ChildError::Certificate`). The set a header names is committed by its hash, so
//! shown its preimage, whether the certificate holds needs nothing of the parent's state: if
//! the header names the active set, a certificate that fails is the parent's refusal; if it
//! names another, the parent refuses the header. Either way the block that accepted it is
//! invalid.

use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::certificate::{ValidatorSet, VoteDomain};
use crate::kind::Kind;
use crate::signing::SigningDomain;
use crate::types::{
    decode, BlockHeader, Checkpoint, LinkedCheckpoint, UncertifiedCheckpointEvidence, Validator,
    MAX_TX_BYTES,
};

/// Uncertified checkpoint: an included `ChildCheckpoint` whose certificate does not certify
/// its header against `e.namedSet`, the set the header names (the module's doc), in the child's
/// vote domain under `domain`'s (the proven chain's).
pub fn verify_uncertified_checkpoint(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    e: &UncertifiedCheckpointEvidence,
) -> Result<FraudVerdict, FraudError> {
    let shown = &e.checkpoint;
    let tx = included(domain.chain_id, anchor, &shown.inclusion, shown.height, shown.txIndex)?;
    if tx.tx_kind() != Some(Kind::ChildCheckpoint) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let checkpoint = decode::<LinkedCheckpoint>("LinkedCheckpoint", &tx.data, MAX_TX_BYTES)
        .map_err(|_| FraudError::WrongKind(tx.kind))?
        .checkpoint;
    let named = checkpoint.header.validatorSetHash;
    if Validator::set_hash(&e.namedSet) != named {
        return Err(FraudError::NotTheNamedSet);
    }
    if certifies(&e.namedSet, &domain.votes().child(checkpoint.header.chainId), &checkpoint) {
        return Err(FraudError::Certified);
    }
    Ok(FraudVerdict::at(FraudKind::UncertifiedCheckpoint, shown.height))
}

/// Whether `checkpoint`'s certificate certifies its header against `set` in vote domain
/// `votes`, as a parent whose active set it is checks it (a set that is no set certifies
/// nothing).
fn certifies(set: &[Validator], votes: &VoteDomain, checkpoint: &Checkpoint) -> bool {
    ValidatorSet::new(set.to_vec())
        .is_ok_and(|set| set.verify_checkpoint(votes, checkpoint).is_ok())
}
