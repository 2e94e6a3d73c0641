//! The chain's consensus context: what Malachite's Tendermint runs over.
//!
//! A consensus *value* is only the block hash. The block itself travels beside the engine, as
//! a stream of proposal parts the proposer signs, and the application judges it; votes,
//! proposals and certificates name blocks by hash, which is also what the ledger's commit
//! certificates and the parent's checkpoints sign.

use crate::scheme::{BlsScheme, Signature};
use alloy_primitives::{keccak256, Address, B256};
use borsh::{BorshDeserialize, BorshSerialize};
use core::fmt;
use malachitebft_core_types::{
    self as mc, LinearTimeouts, NilOrVal, Round, SignedExtension, VoteType, VotingPower,
};
use plasma_ledger::bls::{BlsPublicKey, BlsSignature};
use plasma_ledger::certificate::{CertificateError, ValidatorSet as LedgerSet};
use plasma_ledger::Validator as LedgerValidator;
use std::sync::Arc;

/// A block height. Height 0 is genesis state; consensus starts at 1.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    BorshSerialize,
    BorshDeserialize,
)]
pub struct Height(pub u64);

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl mc::Height for Height {
    const ZERO: Self = Self(0);
    const INITIAL: Self = Self(1);

    fn increment_by(&self, n: u64) -> Self {
        Self(self.0.saturating_add(n))
    }

    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.checked_sub(n).map(Self)
    }

    fn as_u64(&self) -> u64 {
        self.0
    }
}

/// A validator's identity in consensus: its operator address on the parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ValidatorAddress(pub Address);

impl fmt::Display for ValidatorAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl mc::Address for ValidatorAddress {}

impl BorshSerialize for ValidatorAddress {
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        writer.write_all(self.0.as_slice())
    }
}

impl BorshDeserialize for ValidatorAddress {
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Self> {
        Ok(Self(Address::from(<[u8; 20]>::deserialize_reader(reader)?)))
    }
}

/// The consensus value and its id: the hash of the proposed block's header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockHash(pub B256);

impl fmt::Display for BlockHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl mc::Value for BlockHash {
    type Id = BlockHash;

    fn id(&self) -> BlockHash {
        *self
    }
}

impl BorshSerialize for BlockHash {
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        writer.write_all(self.0.as_slice())
    }
}

impl BorshDeserialize for BlockHash {
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Self> {
        Ok(Self(B256::from(<[u8; 32]>::deserialize_reader(reader)?)))
    }
}

/// A proposal: the proposer names the block it streams as parts.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Proposal {
    /// Height proposed for.
    pub height: Height,
    /// Round proposed in.
    pub round: Round,
    /// The proposed block.
    pub value: BlockHash,
    /// Round of the polka that justifies re-proposing it, or nil.
    pub pol_round: Round,
    /// Proposer.
    pub proposer: ValidatorAddress,
}

impl mc::Proposal<PlasmaContext> for Proposal {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &BlockHash {
        &self.value
    }
    fn take_value(self) -> BlockHash {
        self.value
    }
    fn pol_round(&self) -> Round {
        self.pol_round
    }
    fn validator_address(&self) -> &ValidatorAddress {
        &self.proposer
    }
}

/// One piece of a streamed block: who proposes it, chunks of the ABCI block encoding, and the
/// proposer's signature over the block hash, which authenticates the whole stream.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum ProposalPart {
    /// Opens a stream.
    Init {
        /// Height proposed for.
        height: Height,
        /// Round proposed in.
        round: Round,
        /// Round of the justifying polka, or nil.
        pol_round: Round,
        /// Who proposes.
        proposer: ValidatorAddress,
    },
    /// A chunk of the encoded block.
    Data(Vec<u8>),
    /// Closes the stream: the proposer's BLS signature over the proposal sign-bytes of the
    /// block the chunks encode.
    Fin(Signature),
}

impl mc::ProposalPart<PlasmaContext> for ProposalPart {
    fn is_first(&self) -> bool {
        matches!(self, Self::Init { .. })
    }
    fn is_last(&self) -> bool {
        matches!(self, Self::Fin(_))
    }
}

/// A validator as consensus sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validator {
    /// Operator address.
    pub address: ValidatorAddress,
    /// BLS public key (proof of possession checked when the set was built).
    pub public_key: BlsPublicKey,
    /// Voting power (stake).
    pub power: VotingPower,
}

impl mc::Validator<PlasmaContext> for Validator {
    fn address(&self) -> &ValidatorAddress {
        &self.address
    }
    fn public_key(&self) -> &BlsPublicKey {
        &self.public_key
    }
    fn voting_power(&self) -> VotingPower {
        self.power
    }
}

/// Why a validator set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorSetError {
    /// The ledger refused the set (size, zero power, key encoding).
    #[error(transparent)]
    Ledger(#[from] CertificateError),
    /// A key came without a valid proof of possession for its operator.
    #[error("validator {index} ({operator}): proof of possession does not verify")]
    ProofOfPossession {
        /// Position in the set.
        index: usize,
        /// Operator the key is registered for.
        operator: Address,
    },
    /// Two members share an operator address.
    #[error("validator {0} appears twice")]
    DuplicateOperator(Address),
    /// The total power does not fit consensus's 64-bit arithmetic.
    #[error("total voting power overflows u64")]
    PowerOverflow,
}

/// A validator set: members in bitmap order, as headers commit to them.
#[derive(Clone, Debug)]
pub struct ValidatorSet {
    members: Arc<[Validator]>,
    total: VotingPower,
    ledger: Arc<LedgerSet>,
}

impl PartialEq for ValidatorSet {
    fn eq(&self, other: &Self) -> bool {
        self.ledger.hash() == other.ledger.hash()
    }
}

impl Eq for ValidatorSet {}

impl ValidatorSet {
    /// Builds a set from the ledger's validators and their proofs of possession; a key
    /// whose proof does not verify for its operator is refused (rogue-key defence: the
    /// set's signatures are aggregated).
    pub fn new(
        validators: Vec<LedgerValidator>,
        pops: &[BlsSignature],
    ) -> Result<Self, ValidatorSetError> {
        Self::build(validators, Some(pops))
    }

    /// Builds a set the parent chain configured: the parent verified every key's proof of
    /// possession when its validator bonded, so none is asked for here.
    pub fn from_parent(validators: Vec<LedgerValidator>) -> Result<Self, ValidatorSetError> {
        Self::build(validators, None)
    }

    fn build(
        validators: Vec<LedgerValidator>,
        pops: Option<&[BlsSignature]>,
    ) -> Result<Self, ValidatorSetError> {
        let ledger = LedgerSet::new(validators)?;
        let mut members = Vec::with_capacity(ledger.validators().len());
        let mut total: VotingPower = 0;
        for (index, v) in ledger.validators().iter().enumerate() {
            let public_key = BlsPublicKey::from_eip2537(&v.blsPubkey)
                .map_err(|error| CertificateError::ValidatorKey { index, error })?;
            if let Some(pops) = pops {
                let proven = pops
                    .get(index)
                    .is_some_and(|pop| public_key.verify_possession(v.operator, pop));
                if !proven {
                    return Err(ValidatorSetError::ProofOfPossession {
                        index,
                        operator: v.operator,
                    });
                }
            }
            if members.iter().any(|m: &Validator| m.address.0 == v.operator) {
                return Err(ValidatorSetError::DuplicateOperator(v.operator));
            }
            total = total.checked_add(v.power).ok_or(ValidatorSetError::PowerOverflow)?;
            members.push(Validator {
                address: ValidatorAddress(v.operator),
                public_key,
                power: v.power,
            });
        }
        Ok(Self { members: members.into(), total, ledger: Arc::new(ledger) })
    }

    /// The ledger's view of the same set (hash, certificate checks).
    pub fn ledger(&self) -> &LedgerSet {
        &self.ledger
    }

    /// Position of a member in bitmap order.
    pub fn index_of(&self, address: &ValidatorAddress) -> Option<usize> {
        self.members.iter().position(|m| m.address == *address)
    }

    /// Members in bitmap order.
    pub fn members(&self) -> &[Validator] {
        &self.members
    }
}

/// Which validator set certifies which heights: the genesis set from height 1, then each
/// set the chain adopted at an epoch end from the height after it. Clones share one
/// schedule (the application extends it at commit; the engine's driver reads it).
#[derive(Clone, Debug)]
pub struct ValidatorSchedule {
    sets: Arc<std::sync::RwLock<std::collections::BTreeMap<u64, ValidatorSet>>>,
}

impl ValidatorSchedule {
    /// `genesis` certifies every height until a change.
    pub fn new(genesis: ValidatorSet) -> Self {
        let sets = std::collections::BTreeMap::from([(1, genesis)]);
        Self { sets: Arc::new(std::sync::RwLock::new(sets)) }
    }

    /// The set that certifies `height` (heights below 1 read as 1).
    pub fn at(&self, height: u64) -> ValidatorSet {
        let sets = self.sets.read().unwrap_or_else(|p| p.into_inner());
        let (_, set) = sets.range(..=height.max(1)).next_back().expect("the genesis set is at 1");
        set.clone()
    }

    /// `set` certifies `from` and the heights after it (until a later change).
    pub fn adopt(&self, from: u64, set: ValidatorSet) {
        let mut sets = self.sets.write().unwrap_or_else(|p| p.into_inner());
        sets.insert(from.max(1), set);
    }

    /// Every change after genesis: (first height, set).
    pub fn changes(&self) -> Vec<(u64, ValidatorSet)> {
        let sets = self.sets.read().unwrap_or_else(|p| p.into_inner());
        sets.iter().skip(1).map(|(h, s)| (*h, s.clone())).collect()
    }
}

impl mc::ValidatorSet<PlasmaContext> for ValidatorSet {
    fn count(&self) -> usize {
        self.members.len()
    }
    fn total_voting_power(&self) -> VotingPower {
        self.total
    }
    fn get_by_address(&self, address: &ValidatorAddress) -> Option<&Validator> {
        self.members.iter().find(|m| m.address == *address)
    }
    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.members.get(index)
    }
}

/// Vote extensions are not used; the type exists because the engine names one.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct NoExtension;

impl mc::Extension for NoExtension {
    fn size_bytes(&self) -> usize {
        0
    }
}

/// A prevote or precommit. Its sign-bytes are the ledger's `Vote` (no voter address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    /// Height voted at.
    pub height: Height,
    /// Round voted in.
    pub round: Round,
    /// The block voted for, or nil.
    pub value: NilOrVal<BlockHash>,
    /// Prevote or precommit.
    pub vote_type: VoteType,
    /// Voter.
    pub validator: ValidatorAddress,
}

impl mc::Vote<PlasmaContext> for Vote {
    fn height(&self) -> Height {
        self.height
    }
    fn round(&self) -> Round {
        self.round
    }
    fn value(&self) -> &NilOrVal<BlockHash> {
        &self.value
    }
    fn take_value(self) -> NilOrVal<BlockHash> {
        self.value
    }
    fn vote_type(&self) -> VoteType {
        self.vote_type
    }
    fn validator_address(&self) -> &ValidatorAddress {
        &self.validator
    }
    fn extension(&self) -> Option<&SignedExtension<PlasmaContext>> {
        None
    }
    fn take_extension(&mut self) -> Option<SignedExtension<PlasmaContext>> {
        None
    }
    fn extend(self, _extension: SignedExtension<PlasmaContext>) -> Self {
        self // extensions are disabled; nothing to attach
    }
}

impl BorshSerialize for Vote {
    fn serialize<W: borsh::io::Write>(&self, writer: &mut W) -> borsh::io::Result<()> {
        self.height.serialize(writer)?;
        self.round.serialize(writer)?;
        self.value.serialize(writer)?;
        self.vote_type.serialize(writer)?;
        self.validator.serialize(writer)
    }
}

impl BorshDeserialize for Vote {
    fn deserialize_reader<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<Self> {
        Ok(Self {
            height: Height::deserialize_reader(reader)?,
            round: Round::deserialize_reader(reader)?,
            value: NilOrVal::deserialize_reader(reader)?,
            vote_type: VoteType::deserialize_reader(reader)?,
            validator: ValidatorAddress::deserialize_reader(reader)?,
        })
    }
}

/// The chain's context: its id, which every signature commits to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlasmaContext {
    /// Chain id, as the parent assigned it.
    pub chain_id: u64,
}

impl PlasmaContext {
    /// A context for chain `chain_id`.
    pub fn new(chain_id: u64) -> Self {
        Self { chain_id }
    }
}

/// The proposer of `(height, round)`: a member drawn with probability proportional to its
/// power, from a hash of the height and round. Deterministic, stateless (a restarted node
/// agrees at once) and different per round, so a crashed proposer is skipped quickly.
pub fn proposer_index(set: &ValidatorSet, height: Height, round: Round) -> usize {
    let mut seed = [0u8; 16];
    seed[..8].copy_from_slice(&height.0.to_be_bytes());
    seed[8..].copy_from_slice(&round.as_i64().to_be_bytes());
    let digest = keccak256(seed);
    let draw = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) % set.total.max(1);
    let mut acc = 0;
    for (i, m) in set.members.iter().enumerate() {
        acc += m.power;
        if draw < acc {
            return i;
        }
    }
    set.members.len() - 1 // unreachable: draw < total
}

impl mc::Context for PlasmaContext {
    type Address = ValidatorAddress;
    type Height = Height;
    type ProposalPart = ProposalPart;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = LinearTimeouts;
    type Value = BlockHash;
    type Vote = Vote;
    type Extension = NoExtension;
    type SigningScheme = BlsScheme;

    fn select_proposer<'a>(
        &self,
        validator_set: &'a ValidatorSet,
        height: Height,
        round: Round,
    ) -> &'a Validator {
        &validator_set.members[proposer_index(validator_set, height, round)]
    }

    fn new_proposal(
        &self,
        height: Height,
        round: Round,
        value: BlockHash,
        pol_round: Round,
        address: ValidatorAddress,
    ) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(
        &self,
        height: Height,
        round: Round,
        value_id: NilOrVal<BlockHash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, value: value_id, vote_type: VoteType::Prevote, validator: address }
    }

    fn new_precommit(
        &self,
        height: Height,
        round: Round,
        value_id: NilOrVal<BlockHash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, value: value_id, vote_type: VoteType::Precommit, validator: address }
    }
}
