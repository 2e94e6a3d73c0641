//! A child's registration on its own: what makes a `RegisterChild` payload invalid whatever
//! the parent's state.
//!
//! [`check_registration`] is part of the form of a transaction ([`crate::form::check_form`]),
//! so a quorum that includes a registration it refuses is convicted by a
//! `MalformedTransaction` proof from the transaction alone (`FraudVerifier` mirrors it). What
//! depends on the state — whether the child is registered already — is the registry's
//! (`children::validate_system`).

use crate::bls::{BlsPublicKey, BlsSignature};
use crate::types::ChildRegistration;
use alloy_primitives::keccak256;
use alloy_sol_types::SolValue;

/// Most validators a child may register with (a registration must fit one transaction).
pub const MAX_CHILD_VALIDATORS: usize = 16;

/// How far past its last accepted checkpoint a child's next one may be, in blocks: `2^12`.
///
/// Without a bound, a quorum that certifies a far-future header stops every later checkpoint
/// (each is refused as not newer) for good; with it, such a header stalls them for at most
/// this many blocks of the chain (34 minutes at the devnet's 500 ms blocks). And every proof
/// of fraud reads, at the root, one slot per height from the block it voids up to its anchor
/// (no checkpoint may lie between): a quorum that spaces its checkpoints this far apart makes
/// that read cost about 9.8 million gas, which still fits a block (`Checkpoints.t.sol`
/// `test_a_proof_under_the_widest_gap_fits_a_block`; at `2^20` it cost 2.5 billion, and
/// such a fraud was beyond proof). Checkpoints are due every epoch (4 blocks on the devnet),
/// so an honest chain never comes near it but after an outage of its parent, when the
/// node's relayer catches up by the furthest epoch end in reach, one gap at a time. An epoch
/// may not be longer, so that every epoch end stays within reach. The root contract enforces
/// the same number (`RootStorage.MAX_CHECKPOINT_GAP`).
pub const MAX_CHECKPOINT_GAP: u64 = 1 << 12;

/// Why a registration is refused on its own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// Epoch length or exit period is zero, or an epoch is longer than [`MAX_CHECKPOINT_GAP`]
    /// (its ends would be out of any checkpoint's reach).
    #[error("epoch length must be positive and at most the checkpoint gap, exit period positive")]
    BadParams,
    /// The first set is empty or too large.
    #[error("a child registers with 1..={MAX_CHILD_VALIDATORS} validators, got {0}")]
    SetSize(usize),
    /// One proof of possession per validator.
    #[error("{proofs} proofs of possession for {validators} validators")]
    ProofCount {
        /// Validators.
        validators: usize,
        /// Proofs.
        proofs: usize,
    },
    /// Two validators share an operator or a key.
    #[error("validator {0} repeats an operator or a key")]
    Duplicate(usize),
    /// A validator's key or its proof of possession does not check out: not a valid group
    /// element (the point at infinity included), or not a signature of the operator by the key.
    #[error("validator {0}: invalid BLS key or proof of possession")]
    Possession(usize),
    /// A validator without voting power.
    #[error("validator {0} has no power")]
    ZeroPower(usize),
}

/// Checks a registration on its own: parameters in range, 1 to [`MAX_CHILD_VALIDATORS`]
/// validators with one proof of possession each, no operator or key twice, every key a valid
/// G2 point whose proof (a signature over `abi.encode(operator, key)`) checks out, and no
/// validator without power. The set it names is then one a child can be certified by.
pub fn check_registration(reg: &ChildRegistration) -> Result<(), RegistrationError> {
    let params = &reg.params;
    if params.epochLength == 0 || params.epochLength > MAX_CHECKPOINT_GAP || params.exitPeriod == 0
    {
        return Err(RegistrationError::BadParams);
    }
    let n = reg.validators.len();
    if n == 0 || n > MAX_CHILD_VALIDATORS {
        return Err(RegistrationError::SetSize(n));
    }
    if reg.proofsOfPossession.len() != n {
        return Err(RegistrationError::ProofCount {
            validators: n,
            proofs: reg.proofsOfPossession.len(),
        });
    }
    for (i, v) in reg.validators.iter().enumerate() {
        let earlier = &reg.validators[..i];
        if earlier.iter().any(|e| e.operator == v.operator || e.blsPubkey == v.blsPubkey) {
            return Err(RegistrationError::Duplicate(i));
        }
        if v.power == 0 {
            return Err(RegistrationError::ZeroPower(i));
        }
        let possessed = BlsPublicKey::from_eip2537(&v.blsPubkey)
            .ok()
            .zip(BlsSignature::from_eip2537(&reg.proofsOfPossession[i]).ok());
        if !possessed.is_some_and(|(key, pop)| key.verify_possession(v.operator, &pop)) {
            return Err(RegistrationError::Possession(i));
        }
    }
    Ok(())
}

/// The id a registration gives its child on `parent`: the low 63 bits of
/// `keccak256(abi.encode(parent, keccak256(abi.encode(registration))))`, with the top bit set
/// so that it never meets the root's sequential ids. Known before the registration lands.
pub fn child_chain_id(parent: u64, registration: &ChildRegistration) -> u64 {
    let inner = keccak256(registration.abi_encode());
    let word = keccak256((parent, inner).abi_encode());
    let low = u64::from_be_bytes(word[24..].try_into().unwrap_or_default());
    low | (1 << 63)
}
