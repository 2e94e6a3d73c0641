//! BLS12-381 signing for consensus messages (`blst`, the ledger's min-sig keys).
//!
//! Each message kind signs its own sign-bytes under its own domain tag, so no signature can
//! be replayed as another kind, and every sign-bytes carry the chain's [`VoteDomain`] (the
//! chain, its parents, the root contract and its L1), so none counts on another chain or
//! deployment:
//!
//! * votes sign the ledger's `abi.encode(Vote)` under [`VOTE_DST`] — no voter address, so a
//!   block's precommits aggregate into the commit certificate the parent verifies;
//! * proposals (and the `Fin` part closing a proposal stream) sign [`proposal_sign_bytes`];
//! * the network's validator proof binds a validator key to a libp2p peer id;
//! * vote extensions are disabled, but still get their own tag.

use crate::context::{BlockHash, PlasmaContext, Proposal, Vote};
pub use crate::scheme::{BlsScheme, Signature};
use alloy_primitives::Address;
use alloy_sol_types::SolValue;
use async_trait::async_trait;
use malachitebft_core_types::{
    NilOrVal, Round, SignedMessage, ValidatorProof, VoteExtensionScope, VoteType,
};
use malachitebft_signing::{Error, Signer, VerificationResult, Verifier};
use plasma_ledger::bls::{BlsPublicKey, BlsSecretKey, VOTE_DST};
use plasma_ledger::certificate::{vote_sign_bytes, VoteDomain, VoteType as LedgerVoteType};
use plasma_ledger::B256;

/// Domain tag of proposal signatures.
pub const PROPOSAL_DST: &[u8] = b"PLASMA_PROPOSAL_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
/// Domain tag of validator proofs (validator key ↔ p2p identity).
pub const PEER_DST: &[u8] = b"PLASMA_PEER_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
/// Domain tag of vote extensions.
pub const EXTENSION_DST: &[u8] = b"PLASMA_EXTENSION_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";

fn round_u32(round: Round) -> u32 {
    round.as_u32().unwrap_or(u32::MAX)
}

/// What a vote signs: the ledger's vote sign-bytes; a nil vote names the zero hash.
pub fn vote_bytes(domain: &VoteDomain, vote: &Vote) -> Vec<u8> {
    let hash = match vote.value {
        NilOrVal::Val(BlockHash(h)) => h,
        NilOrVal::Nil => B256::ZERO,
    };
    let kind = match vote.vote_type {
        VoteType::Prevote => LedgerVoteType::Prevote,
        VoteType::Precommit => LedgerVoteType::Precommit,
    };
    vote_sign_bytes(domain, vote.height.0, round_u32(vote.round), kind, hash)
}

/// What a proposal (and its stream's `Fin` part) signs:
/// `abi.encode(domain, height, round, polRound, blockHash, proposer)`.
pub fn proposal_sign_bytes(
    domain: &VoteDomain,
    height: u64,
    round: Round,
    pol_round: Round,
    block: BlockHash,
    proposer: Address,
) -> Vec<u8> {
    (domain.word(), height, round_u32(round), pol_round.as_i64(), block.0, proposer).abi_encode()
}

/// What the `Fin` part closing a proposal stream signs: the proposal's sign-bytes extended
/// with the hash of the whole streamed payload (the block and the commit it carries).
pub fn stream_sign_bytes(proposal: &[u8], payload_hash: B256) -> Vec<u8> {
    let mut out = proposal.to_vec();
    out.extend_from_slice(payload_hash.as_slice());
    out
}

fn proposal_bytes(domain: &VoteDomain, p: &Proposal) -> Vec<u8> {
    proposal_sign_bytes(domain, p.height.0, p.round, p.pol_round, p.value, p.proposer.0)
}

fn extension_bytes(domain: &VoteDomain, scope: &VoteExtensionScope<PlasmaContext>) -> Vec<u8> {
    (
        domain.word(),
        scope.height.0,
        round_u32(scope.round),
        scope.value_id.0,
        scope.validator_address.0,
    )
        .abi_encode()
}

fn check(sig: &Signature, msg: &[u8], dst: &[u8], key: &BlsPublicKey) -> VerificationResult {
    VerificationResult::from_bool(sig.decode().is_ok_and(|s| s.verify(msg, dst, key)))
}

/// Checks consensus signatures of the chain of vote domain `domain`.
#[derive(Clone, Copy, Debug)]
pub struct BlsVerifier {
    domain: VoteDomain,
}

impl BlsVerifier {
    /// A verifier for the chain of vote domain `domain`.
    pub fn new(domain: VoteDomain) -> Self {
        Self { domain }
    }
}

#[async_trait]
impl Verifier<PlasmaContext> for BlsVerifier {
    async fn verify_signed_vote(
        &self,
        vote: &Vote,
        signature: &Signature,
        public_key: &BlsPublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(check(signature, &vote_bytes(&self.domain, vote), VOTE_DST, public_key))
    }

    async fn verify_signed_proposal(
        &self,
        proposal: &Proposal,
        signature: &Signature,
        public_key: &BlsPublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(check(signature, &proposal_bytes(&self.domain, proposal), PROPOSAL_DST, public_key))
    }

    async fn verify_signed_vote_extension(
        &self,
        scope: &VoteExtensionScope<PlasmaContext>,
        _extension: &crate::context::NoExtension,
        signature: &Signature,
        public_key: &BlsPublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(check(signature, &extension_bytes(&self.domain, scope), EXTENSION_DST, public_key))
    }

    async fn verify_validator_proof(
        &self,
        proof: &ValidatorProof<PlasmaContext>,
    ) -> Result<VerificationResult, Error> {
        let Ok(key) = BlsPublicKey::from_eip2537(&proof.public_key) else {
            return Ok(VerificationResult::Invalid);
        };
        Ok(check(&proof.signature, &proof.preimage(), PEER_DST, &key))
    }
}

/// Signs this validator's consensus messages.
#[derive(Clone, Debug)]
pub struct BlsSigner {
    domain: VoteDomain,
    key: BlsSecretKey,
}

impl BlsSigner {
    /// A signer for the chain of vote domain `domain` with the validator key `key`.
    pub fn new(domain: VoteDomain, key: BlsSecretKey) -> Self {
        Self { domain, key }
    }

    /// The vote domain it signs in.
    pub fn domain(&self) -> &VoteDomain {
        &self.domain
    }

    /// The validator's public key.
    pub fn public_key(&self) -> BlsPublicKey {
        self.key.public_key()
    }

    /// Signs raw bytes under a domain tag (proposal streams use it).
    pub fn sign_bytes(&self, msg: &[u8], dst: &[u8]) -> Signature {
        self.key.sign(msg, dst).into()
    }
}

#[async_trait]
impl Signer<PlasmaContext> for BlsSigner {
    async fn sign_vote(&self, vote: Vote) -> Result<SignedMessage<PlasmaContext, Vote>, Error> {
        let signature = self.sign_bytes(&vote_bytes(&self.domain, &vote), VOTE_DST);
        Ok(SignedMessage::new(vote, signature))
    }

    async fn sign_proposal(
        &self,
        proposal: Proposal,
    ) -> Result<SignedMessage<PlasmaContext, Proposal>, Error> {
        let signature = self.sign_bytes(&proposal_bytes(&self.domain, &proposal), PROPOSAL_DST);
        Ok(SignedMessage::new(proposal, signature))
    }

    async fn sign_vote_extension(
        &self,
        scope: VoteExtensionScope<PlasmaContext>,
        extension: crate::context::NoExtension,
    ) -> Result<SignedMessage<PlasmaContext, crate::context::NoExtension>, Error> {
        let signature = self.sign_bytes(&extension_bytes(&self.domain, &scope), EXTENSION_DST);
        Ok(SignedMessage::new(extension, signature))
    }

    async fn sign_validator_proof(
        &self,
        public_key: Vec<u8>,
        peer_id: Vec<u8>,
    ) -> Result<ValidatorProof<PlasmaContext>, Error> {
        let preimage = ValidatorProof::<PlasmaContext>::signing_bytes(&public_key, &peer_id);
        let signature = self.sign_bytes(&preimage, PEER_DST);
        Ok(ValidatorProof::new(public_key, peer_id, signature))
    }
}
