//! Consensus vote sign-bytes and commit certificates.
//!
//! A validator signs `abi.encode(Vote)` — the chain's [`VoteDomain`], height, round, vote type,
//! block hash and nothing about itself — so the ≥2/3 precommits for a block sum into one BLS
//! signature. A [`CommitCertificate`] is that sum plus a bitmap of who signed; it is checked
//! against the validator set with one pairing, whatever the set size.

use crate::bls::{BlsError, BlsPublicKey, BlsSecretKey, BlsSignature, VOTE_DST};
use crate::types::{BlockHeader, Checkpoint, CommitCertificate, Validator, Vote};
use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;

/// What names a chain in its votes: the chain, every plasma chain above it, the root contract
/// and the L1 it lives on. Chain ids start at 1 on every deployment of the root and one BLS key
/// may validate on several chains; a vote signed in one domain counts in no other, so it can
/// neither certify another deployment's checkpoint nor be paired with one as an equivocation.
/// The root contract derives the same words (`contracts/src/lib/Votes.sol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VoteDomain(B256);

impl VoteDomain {
    /// The domain of the root contract `root` on L1 chain `l1_chain_id`, from which its
    /// chains' derive: `keccak256(abi.encode(l1ChainId, root))`.
    pub fn root(l1_chain_id: u64, root: Address) -> Self {
        Self(keccak256((U256::from(l1_chain_id), root).abi_encode()))
    }

    /// The domain of chain `chain` under this one (a chain registered here, or at the root
    /// when this is the root's): `keccak256(abi.encode(parent, chainId))`.
    pub fn child(&self, chain: u64) -> Self {
        Self(keccak256((self.0, chain).abi_encode()))
    }

    /// The domain of the chain at the end of `path` (chain ids from the root's child down)
    /// under the root contract `root` on L1 chain `l1_chain_id`.
    pub fn of_path(l1_chain_id: u64, root: Address, path: &[u64]) -> Self {
        path.iter().fold(Self::root(l1_chain_id, root), |d, chain| d.child(*chain))
    }

    /// The word votes carry.
    pub fn word(&self) -> B256 {
        self.0
    }
}

/// Largest validator set a chain may have.
pub const MAX_VALIDATORS: usize = 256;

/// The two Tendermint vote kinds (`Vote.voteType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum VoteType {
    /// First-round vote.
    Prevote = 1,
    /// Commit vote; certificates aggregate these.
    Precommit = 2,
}

/// The bytes a validator of the chain of `domain` signs for a vote.
pub fn vote_sign_bytes(
    domain: &VoteDomain,
    height: u64,
    round: u32,
    vote_type: VoteType,
    block_hash: B256,
) -> Vec<u8> {
    Vote { domain: domain.0, height, round, voteType: vote_type as u8, blockHash: block_hash }
        .abi_encode()
}

/// Why a validator set or certificate was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// A set with no validators or more than [`MAX_VALIDATORS`].
    #[error("validator set has {0} members, allowed 1..={MAX_VALIDATORS}")]
    SetSize(usize),
    /// A validator without voting power.
    #[error("validator {0} has zero power")]
    ZeroPower(usize),
    /// A validator's key does not decode.
    #[error("validator {index} key: {error}")]
    ValidatorKey {
        /// Position in the set.
        index: usize,
        /// Why.
        error: BlsError,
    },
    /// The bitmap is not `ceil(n / 8)` bytes.
    #[error("signer bitmap is {got} bytes, the set needs {expected}")]
    BitmapLength {
        /// Bytes given.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// The bitmap marks a validator beyond the end of the set.
    #[error("signer bitmap marks validators beyond the set")]
    BitmapStrayBits,
    /// The signers hold 2/3 of the power or less.
    #[error("signers hold {signed} of {total} power, more than 2/3 needed")]
    InsufficientPower {
        /// Power of the marked signers.
        signed: u128,
        /// Power of the whole set.
        total: u128,
    },
    /// The aggregate signature does not decode.
    #[error("aggregate signature: {0}")]
    SignatureEncoding(BlsError),
    /// The aggregate signature does not verify under the signers' aggregate key.
    #[error("aggregate signature does not verify")]
    BadSignature,
    /// The certificate is for another block than the header it accompanies.
    #[error("certificate is for height {cert_height} block {cert_hash}, header is height {header_height} block {header_hash}")]
    HeaderMismatch {
        /// Certificate's height.
        cert_height: u64,
        /// Certificate's block.
        cert_hash: B256,
        /// Header's height.
        header_height: u64,
        /// Header's hash.
        header_hash: B256,
    },
}

/// A validator set with its keys decoded and its totals computed once.
#[derive(Debug, Clone)]
pub struct ValidatorSet {
    validators: Vec<Validator>,
    keys: Vec<BlsPublicKey>,
    total_power: u128,
    hash: B256,
}

impl ValidatorSet {
    /// Checks and indexes a set (order matters: bit i of a bitmap is validator i).
    pub fn new(validators: Vec<Validator>) -> Result<Self, CertificateError> {
        if validators.is_empty() || validators.len() > MAX_VALIDATORS {
            return Err(CertificateError::SetSize(validators.len()));
        }
        let mut keys = Vec::with_capacity(validators.len());
        let mut total_power = 0u128;
        for (index, v) in validators.iter().enumerate() {
            if v.power == 0 {
                return Err(CertificateError::ZeroPower(index));
            }
            total_power += u128::from(v.power);
            keys.push(
                BlsPublicKey::from_eip2537(&v.blsPubkey)
                    .map_err(|error| CertificateError::ValidatorKey { index, error })?,
            );
        }
        let hash = Validator::set_hash(&validators);
        Ok(Self { validators, keys, total_power, hash })
    }

    /// `keccak256(abi.encode(Validator[]))`, as headers commit to it.
    pub fn hash(&self) -> B256 {
        self.hash
    }

    /// The members, in bitmap order.
    pub fn validators(&self) -> &[Validator] {
        &self.validators
    }

    /// Sum of all voting power.
    pub fn total_power(&self) -> u128 {
        self.total_power
    }

    /// Number of bitmap bytes a certificate over this set carries.
    pub fn bitmap_len(&self) -> usize {
        self.validators.len().div_ceil(8)
    }

    /// Indexes of the validators a bitmap marks, after checking its shape.
    pub fn signers(&self, bitmap: &[u8]) -> Result<Vec<usize>, CertificateError> {
        let expected = self.bitmap_len();
        if bitmap.len() != expected {
            return Err(CertificateError::BitmapLength { got: bitmap.len(), expected });
        }
        let n = self.validators.len();
        let signers: Vec<usize> =
            (0..expected * 8).filter(|i| bitmap[i / 8] >> (i % 8) & 1 == 1).collect();
        if signers.last().is_some_and(|i| *i >= n) {
            return Err(CertificateError::BitmapStrayBits);
        }
        Ok(signers)
    }

    /// Checks that `cert` carries precommits of more than 2/3 of the power for its block on
    /// the chain of `domain`. Returns the signers' power.
    pub fn verify_certificate(
        &self,
        domain: &VoteDomain,
        cert: &CommitCertificate,
    ) -> Result<u128, CertificateError> {
        let signers = self.signers(&cert.signerBitmap)?;
        let signed: u128 = signers.iter().map(|i| u128::from(self.validators[*i].power)).sum();
        if signed * 3 <= self.total_power * 2 {
            return Err(CertificateError::InsufficientPower { signed, total: self.total_power });
        }
        let signature = BlsSignature::from_eip2537(&cert.aggregateSignature)
            .map_err(CertificateError::SignatureEncoding)?;
        let key = BlsPublicKey::aggregate(signers.iter().map(|i| &self.keys[*i]))
            .ok_or(CertificateError::BadSignature)?;
        let msg =
            vote_sign_bytes(domain, cert.height, cert.round, VoteType::Precommit, cert.blockHash);
        if signature.verify(&msg, VOTE_DST, &key) {
            Ok(signed)
        } else {
            Err(CertificateError::BadSignature)
        }
    }

    /// Checks a checkpoint of the chain of `domain`: the certificate is for this very header
    /// and verifies.
    pub fn verify_checkpoint(
        &self,
        domain: &VoteDomain,
        checkpoint: &Checkpoint,
    ) -> Result<u128, CertificateError> {
        let header = &checkpoint.header;
        let cert = &checkpoint.certificate;
        let header_hash = header.hash();
        if cert.height != header.height || cert.blockHash != header_hash {
            return Err(CertificateError::HeaderMismatch {
                cert_height: cert.height,
                cert_hash: cert.blockHash,
                header_height: header.height,
                header_hash,
            });
        }
        self.verify_certificate(domain, cert)
    }
}

/// Builds a certificate from individual precommit signatures `(validator index, signature)`.
/// The caller has checked each signature; this only sums them and sets the bitmap.
pub fn aggregate_certificate(
    set: &ValidatorSet,
    height: u64,
    round: u32,
    block_hash: B256,
    precommits: &[(usize, BlsSignature)],
) -> Option<CommitCertificate> {
    let mut bitmap = vec![0u8; set.bitmap_len()];
    for (i, _) in precommits {
        *bitmap.get_mut(i / 8)? |= 1 << (i % 8);
    }
    let signature = BlsSignature::aggregate(precommits.iter().map(|(_, s)| s))?;
    Some(CommitCertificate {
        height,
        round,
        blockHash: block_hash,
        signerBitmap: bitmap.into(),
        aggregateSignature: signature.to_eip2537().to_vec().into(),
    })
}

/// Signs a header of the chain of `domain` with the given validators (by index) and
/// aggregates: what a committee produces, for tests, devnets and vectors.
pub fn certify(
    set: &ValidatorSet,
    keys: &[(usize, &BlsSecretKey)],
    domain: &VoteDomain,
    header: &BlockHeader,
    round: u32,
) -> Option<CommitCertificate> {
    let hash = header.hash();
    let msg = vote_sign_bytes(domain, header.height, round, VoteType::Precommit, hash);
    let precommits: Vec<_> = keys.iter().map(|(i, k)| (*i, k.sign(&msg, VOTE_DST))).collect();
    aggregate_certificate(set, header.height, round, hash, &precommits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Address;

    fn committee(n: usize) -> (Vec<BlsSecretKey>, ValidatorSet) {
        let keys: Vec<_> = (0..n).map(|i| BlsSecretKey::from_seed(&[i as u8])).collect();
        let set = ValidatorSet::new(
            keys.iter()
                .enumerate()
                .map(|(i, k)| Validator {
                    operator: Address::with_last_byte(i as u8),
                    blsPubkey: k.public_key().to_eip2537().to_vec().into(),
                    power: 10,
                })
                .collect(),
        )
        .unwrap();
        (keys, set)
    }

    fn header() -> BlockHeader {
        BlockHeader { chainId: 3, height: 9, ..Default::default() }
    }

    /// Chain `chain` under the root at 0xc0…c0 on L1 31337.
    fn domain(chain: u64) -> VoteDomain {
        VoteDomain::of_path(31337, Address::repeat_byte(0xc0), &[chain])
    }

    #[test]
    fn two_thirds_is_not_enough_more_is() {
        let (keys, set) = committee(6);
        let four: Vec<_> = keys.iter().enumerate().take(4).collect();
        let cert = certify(&set, &four, &domain(3), &header(), 0).unwrap();
        assert_eq!(
            set.verify_certificate(&domain(3), &cert),
            Err(CertificateError::InsufficientPower { signed: 40, total: 60 })
        );
        let five: Vec<_> = keys.iter().enumerate().take(5).collect();
        let cert = certify(&set, &five, &domain(3), &header(), 0).unwrap();
        assert_eq!(set.verify_certificate(&domain(3), &cert), Ok(50));
    }

    #[test]
    fn certificate_is_bound_to_chain_round_and_signers() {
        let (keys, set) = committee(4);
        let all: Vec<_> = keys.iter().enumerate().collect();
        let cert = certify(&set, &all, &domain(3), &header(), 2).unwrap();
        assert_eq!(set.verify_certificate(&domain(3), &cert), Ok(40));
        assert_eq!(set.verify_certificate(&domain(4), &cert), Err(CertificateError::BadSignature));
        let mut other_round = cert.clone();
        other_round.round = 1;
        assert_eq!(
            set.verify_certificate(&domain(3), &other_round),
            Err(CertificateError::BadSignature)
        );
        // Claiming a signer who did not sign: power suffices, signature does not.
        let three: Vec<_> = keys.iter().enumerate().take(3).collect();
        let mut cert3 = certify(&set, &three, &domain(3), &header(), 2).unwrap();
        cert3.signerBitmap = vec![0b1011].into();
        assert_eq!(set.verify_certificate(&domain(3), &cert3), Err(CertificateError::BadSignature));
    }

    #[test]
    fn bitmap_shape_is_checked() {
        let (keys, set) = committee(4);
        let all: Vec<_> = keys.iter().enumerate().collect();
        let mut cert = certify(&set, &all, &domain(3), &header(), 0).unwrap();
        cert.signerBitmap = vec![0b0001_1111].into();
        assert_eq!(
            set.verify_certificate(&domain(3), &cert),
            Err(CertificateError::BitmapStrayBits)
        );
        cert.signerBitmap = vec![0x0f, 0].into();
        assert_eq!(
            set.verify_certificate(&domain(3), &cert),
            Err(CertificateError::BitmapLength { got: 2, expected: 1 })
        );
    }

    #[test]
    fn checkpoint_must_certify_its_own_header() {
        let (keys, set) = committee(4);
        let all: Vec<_> = keys.iter().enumerate().collect();
        let cert = certify(&set, &all, &domain(3), &header(), 0).unwrap();
        let mut other = header();
        other.timestamp = 1;
        let cp = Checkpoint { header: other, certificate: cert.clone() };
        assert!(matches!(
            set.verify_checkpoint(&domain(3), &cp),
            Err(CertificateError::HeaderMismatch { .. })
        ));
        let cp = Checkpoint { header: header(), certificate: cert };
        assert_eq!(set.verify_checkpoint(&domain(3), &cp), Ok(40));
    }

    /// One committee, one chain id, two deployments (or two L1s, or two parents): what it
    /// signs in one counts in no other.
    #[test]
    fn a_certificate_counts_in_its_own_domain_alone() {
        let (keys, set) = committee(4);
        let all: Vec<_> = keys.iter().enumerate().collect();
        let testnet = VoteDomain::of_path(31337, Address::repeat_byte(0xd0), &[3]);
        let cert = certify(&set, &all, &testnet, &header(), 0).unwrap();
        assert_eq!(set.verify_certificate(&testnet, &cert), Ok(40));
        for other in [
            domain(3),
            VoteDomain::of_path(1, Address::repeat_byte(0xd0), &[3]),
            VoteDomain::of_path(31337, Address::repeat_byte(0xd0), &[7, 3]),
        ] {
            assert_eq!(set.verify_certificate(&other, &cert), Err(CertificateError::BadSignature));
        }
    }

    /// The words the root contract derives (`Votes.root`, `Votes.child`).
    #[test]
    fn the_domain_is_the_roots_abi_words() {
        let root = VoteDomain::root(31337, Address::repeat_byte(0xc0));
        let mut word = [0u8; 64];
        word[24..32].copy_from_slice(&31337u64.to_be_bytes());
        word[44..64].copy_from_slice(&[0xc0; 20]);
        assert_eq!(root.word(), alloy_primitives::keccak256(word));
        let mut child = [0u8; 64];
        child[..32].copy_from_slice(root.word().as_slice());
        child[56..].copy_from_slice(&3u64.to_be_bytes());
        assert_eq!(domain(3).word(), alloy_primitives::keccak256(child));
    }
}
