//! The one checked way from a node's answers to the ledger's types.
//!
//! A remote node is not trusted: every bytes field of a `plasma_proto::v1` message is checked
//! here before it becomes an [`Address`], a [`U256`], a [`B256`], a [`UtxoPos`] or an
//! ABI-decoded structure, and ABI bytes go through the ledger's strict decoders
//! ([`plasma_ledger::types::decode`], [`Block::decode`], [`BlockHeader::decode`],
//! [`SignedTransaction::decode`]), which refuse trailing bytes, non-canonical encodings and
//! oversized inputs. A malformed field is a [`ConvertError`] naming it, never a panic.
//!
//! Fields are named `Message.field` after the proto (`StatusResponse.root_contract`).

use plasma_ledger::signing::SigningDomain;
use plasma_ledger::types::{decode, DecodeError};
use plasma_ledger::{
    Address, Block, BlockHeader, SignedTransaction, TxInclusion, TxRef, UtxoPos, Validator, B256,
    MAX_TX_BYTES, U256,
};
use plasma_proto::v1;

/// Most validators a set from a node may hold (a child's set on its plasma parent).
pub const MAX_SET_VALIDATORS: usize = plasma_ledger::children::MAX_CHILD_VALIDATORS;

/// Why a field of a node's answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// A fixed-size field (an address, a hash) has the wrong length.
    #[error("the node sent a malformed {field}: {len} bytes, expected {expected}")]
    Length {
        /// The field.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
    /// An integer field does not fit its type (a U256 over 32 bytes, an output index over
    /// 255).
    #[error("the node sent a malformed {field}: {value} does not fit in {max}")]
    Overflow {
        /// The field.
        field: &'static str,
        /// What was sent (a byte count for byte strings).
        value: String,
        /// The type's bound.
        max: &'static str,
    },
    /// ABI bytes the ledger's strict decoder refused.
    #[error("the node sent a malformed {field}")]
    Abi {
        /// The field.
        field: &'static str,
        /// The decoder's reason.
        #[source]
        source: DecodeError,
    },
    /// A validator set with no member, or more than [`MAX_SET_VALIDATORS`].
    #[error(
        "the node sent a malformed {field}: {count} validators, expected 1..={MAX_SET_VALIDATORS}"
    )]
    SetSize {
        /// The field.
        field: &'static str,
        /// How many it held.
        count: usize,
    },
}

/// An address: exactly 20 bytes.
pub fn address(field: &'static str, bytes: &[u8]) -> Result<Address, ConvertError> {
    let array: [u8; 20] = bytes.try_into().map_err(|_| length(field, bytes, 20))?;
    Ok(Address::from(array))
}

/// A 32-byte hash.
pub fn b256(field: &'static str, bytes: &[u8]) -> Result<B256, ConvertError> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| length(field, bytes, 32))?;
    Ok(B256::from(array))
}

/// A big-endian unsigned integer of at most 32 bytes (empty is zero).
pub fn u256(field: &'static str, bytes: &[u8]) -> Result<U256, ConvertError> {
    let oversized = || ConvertError::Overflow {
        field,
        value: format!("{} bytes", bytes.len()),
        max: "32 bytes",
    };
    if bytes.len() > 32 {
        return Err(oversized());
    }
    U256::try_from_be_slice(bytes).ok_or_else(oversized)
}

/// An output position from its three proto fields (the output index is a `uint32` on the
/// wire, a `uint8` in the ledger).
pub fn utxo_pos(
    field: &'static str,
    height: u64,
    tx_index: u32,
    output_index: u32,
) -> Result<UtxoPos, ConvertError> {
    let index = u8::try_from(output_index).map_err(|_| ConvertError::Overflow {
        field,
        value: output_index.to_string(),
        max: "uint8",
    })?;
    Ok(UtxoPos::new(height, tx_index, index))
}

/// A block, strictly decoded.
pub fn block(field: &'static str, bytes: &[u8]) -> Result<Block, ConvertError> {
    Block::decode(bytes).map_err(|source| ConvertError::Abi { field, source })
}

/// A block header, strictly decoded.
pub fn header(field: &'static str, bytes: &[u8]) -> Result<BlockHeader, ConvertError> {
    BlockHeader::decode(bytes).map_err(|source| ConvertError::Abi { field, source })
}

/// A signed transaction, strictly decoded.
pub fn signed_tx(field: &'static str, bytes: &[u8]) -> Result<SignedTransaction, ConvertError> {
    SignedTransaction::decode(bytes).map_err(|source| ConvertError::Abi { field, source })
}

/// A transaction's inclusion proof, strictly decoded (no larger than a transaction may be:
/// the ledger takes it inside one).
pub fn inclusion(field: &'static str, bytes: &[u8]) -> Result<TxInclusion, ConvertError> {
    decode("TxInclusion", bytes, MAX_TX_BYTES).map_err(|source| ConvertError::Abi { field, source })
}

/// A validator set (`abi.encode(Validator[])`), strictly decoded, of 1 to
/// [`MAX_SET_VALIDATORS`] members.
pub fn validator_set(field: &'static str, bytes: &[u8]) -> Result<Vec<Validator>, ConvertError> {
    let set: Vec<Validator> = decode("Validator[]", bytes, MAX_TX_BYTES)
        .map_err(|source| ConvertError::Abi { field, source })?;
    if set.is_empty() || set.len() > MAX_SET_VALIDATORS {
        return Err(ConvertError::SetSize { field, count: set.len() });
    }
    Ok(set)
}

/// A set that may be absent (empty bytes: none pending), else as [`validator_set`].
pub fn optional_validator_set(
    field: &'static str,
    bytes: &[u8],
) -> Result<Option<Vec<Validator>>, ConvertError> {
    if bytes.is_empty() {
        return Ok(None);
    }
    validator_set(field, bytes).map(Some)
}

/// The chain's root contract, as its node reports it.
pub fn root_contract(status: &v1::StatusResponse) -> Result<Address, ConvertError> {
    address("StatusResponse.root_contract", &status.root_contract)
}

/// The signing domain of the node's chain (its id, the chains above it, the root's chain id
/// and contract).
pub fn signing_domain(status: &v1::StatusResponse) -> Result<SigningDomain, ConvertError> {
    let (chain, parents) = (status.chain_id, &status.parent_chain_ids);
    Ok(SigningDomain::under(parents, chain, status.root_chain_id, root_contract(status)?))
}

/// A member of the node's validator set: operator and power.
pub fn status_validator(v: &v1::Validator) -> Result<(Address, u64), ConvertError> {
    Ok((address("Validator.operator", &v.operator)?, v.power))
}

/// An unspent output as a node lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coin {
    /// Where it is.
    pub pos: UtxoPos,
    /// Its asset (zero for ETH).
    pub token: Address,
    /// How much.
    pub amount: U256,
}

/// An output of `GetUtxos`.
pub fn coin(u: &v1::Utxo) -> Result<Coin, ConvertError> {
    Ok(Coin {
        pos: utxo_pos("Utxo.output_index", u.height, u.tx_index, u.output_index)?,
        token: address("Utxo.token", &u.token)?,
        amount: u256("Utxo.amount", &u.amount)?,
    })
}

/// Where a plasma parent last changed a child's stakes and what they hold, from its entry:
/// what the child's next stake, bond or fraud proof names.
pub fn stakes(entry: &v1::GetChildResponse) -> Result<(TxRef, U256), ConvertError> {
    let at = TxRef { height: entry.stakes_height, index: entry.stakes_index };
    Ok((at, u256("GetChildResponse.staked", &entry.staked)?))
}

/// An amount of an asset held somewhere (an escrow, a stake): token and amount.
pub fn locked(l: &v1::Locked) -> Result<(Address, U256), ConvertError> {
    Ok((address("Locked.token", &l.token)?, u256("Locked.amount", &l.amount)?))
}

/// The stake of `operator` in a child entry's `stakes` (`token` is the operator; zero when it
/// has none).
pub fn stake_of(stakes: &[v1::Locked], operator: Address) -> Result<U256, ConvertError> {
    for entry in stakes {
        let (holder, amount) = locked(entry)?;
        if holder == operator {
            return Ok(amount);
        }
    }
    Ok(U256::ZERO)
}

/// The typed parts of an exit of the chain's outputs on its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitParts {
    /// Who exits.
    pub owner: Address,
    /// The asset.
    pub token: Address,
    /// How much.
    pub amount: U256,
}

/// The owner, token and amount of an exit the `Bridge` lists.
pub fn exit(e: &v1::Exit) -> Result<ExitParts, ConvertError> {
    Ok(ExitParts {
        owner: address("Exit.owner", &e.owner)?,
        token: address("Exit.token", &e.token)?,
        amount: u256("Exit.amount", &e.amount)?,
    })
}

fn length(field: &'static str, bytes: &[u8], expected: usize) -> ConvertError {
    ConvertError::Length { field, len: bytes.len(), expected }
}
