//! System transactions: the payload sits in `data`, with no inputs and no signatures, and no
//! outputs but the bond a challenge pays or the reward a fraud proof pays. Each is valid by
//! its content alone, so anyone may submit one and a validator never needs a balance to
//! relay. An invalid one makes its block invalid.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::exits::{validate_deposit_exit_challenge, validate_exit_challenge};
use super::fraud::validate_fraud_proof;
use super::registry::{validate_checkpoint, validate_registration};
use crate::kind::Kind;
use crate::signing::SigningDomain;
use crate::types::SignedTransaction;
use crate::view::LedgerView;

/// Judges a system transaction against `view`, on the chain of `domain` (the parent).
pub fn validate_system(
    domain: &SigningDomain,
    view: &impl LedgerView,
    stx: &SignedTransaction,
) -> Result<ChildEffect, ChildError> {
    let tx = &stx.transaction;
    let kind = Kind::of(tx.kind).filter(|k| k.is_system());
    let outputs_allowed = matches!(
        kind,
        Some(Kind::ChallengeChildExit | Kind::ChallengeChildDepositExit | Kind::ProveChildFraud)
    );
    if !tx.inputs.is_empty()
        || !stx.signatures.is_empty()
        || (!outputs_allowed && !tx.outputs.is_empty())
    {
        return Err(ChildError::NotBare);
    }
    match kind {
        Some(Kind::RegisterChild) => validate_registration(domain, view, &tx.data),
        Some(Kind::ChildCheckpoint) => validate_checkpoint(domain, view, &tx.data),
        Some(Kind::ChallengeChildExit) => {
            validate_exit_challenge(domain, view, &tx.data, &tx.outputs)
        }
        Some(Kind::ProveChildFraud) => validate_fraud_proof(domain, view, &tx.data, &tx.outputs),
        Some(Kind::ChallengeChildDepositExit) => {
            validate_deposit_exit_challenge(domain, view, &tx.data, &tx.outputs)
        }
        _ => Err(ChildError::UnknownKind(tx.kind)),
    }
}
