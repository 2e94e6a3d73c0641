//! From the engine's decision to the ledger's commit certificate.
//!
//! Malachite hands over a decided block's precommits one signature per validator. The chain
//! stores, and the parent verifies, their aggregate: a signer bitmap and one BLS signature.
//! [`aggregate`] builds it and checks it exactly as the parent will, so a certificate that
//! leaves this function is one the parent accepts.

use crate::context::{PlasmaContext, ValidatorSet};
use malachitebft_core_types::CommitCertificate as EngineCertificate;
use plasma_ledger::bls::BlsError;
use plasma_ledger::certificate::{aggregate_certificate, CertificateError, VoteDomain};
use plasma_ledger::{Address, CommitCertificate};

/// Why a decision's precommits do not make a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// A precommit from outside the validator set.
    #[error("precommit from {0}, not a member of the set")]
    UnknownSigner(Address),
    /// Two precommits from one validator.
    #[error("two precommits from {0}")]
    DuplicateSigner(Address),
    /// A signature that is not a valid G1 point.
    #[error("precommit signature of {signer}: {error}")]
    Signature {
        /// Whose.
        signer: Address,
        /// Why.
        error: BlsError,
    },
    /// No precommits at all.
    #[error("no precommits")]
    Empty,
    /// The round is not a real round.
    #[error("certificate round is nil")]
    NilRound,
    /// The aggregate does not verify or the signers hold too little power.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
}

/// Aggregates the precommits of `cert` over `set` into the ledger's certificate for the chain
/// of vote domain `domain`, and verifies the result (power over 2/3, signature) as the parent
/// would.
pub fn aggregate(
    domain: &VoteDomain,
    set: &ValidatorSet,
    cert: &EngineCertificate<PlasmaContext>,
) -> Result<CommitCertificate, CommitError> {
    let round = cert.round.as_u32().ok_or(CommitError::NilRound)?;
    let mut precommits = Vec::with_capacity(cert.commit_signatures.len());
    let mut seen = vec![false; set.members().len()];
    for cs in &cert.commit_signatures {
        let signer = cs.address.0;
        let index = set.index_of(&cs.address).ok_or(CommitError::UnknownSigner(signer))?;
        if std::mem::replace(&mut seen[index], true) {
            return Err(CommitError::DuplicateSigner(signer));
        }
        let sig =
            cs.signature.decode().map_err(|error| CommitError::Signature { signer, error })?;
        precommits.push((index, sig));
    }
    let out =
        aggregate_certificate(set.ledger(), cert.height.0, round, cert.value_id.0, &precommits)
            .ok_or(CommitError::Empty)?;
    set.ledger().verify_certificate(domain, &out)?;
    Ok(out)
}
