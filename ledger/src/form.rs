//! The form of a transaction: what makes it invalid whatever the chain's state.
//!
//! [`check_form`] is the first thing [`crate::tx::validate_transaction`] asks, and the whole of
//! what a `MalformedTransaction` fraud proof convicts by ([`crate::fraud::verify_malformed`];
//! `FraudVerifier.malformedTransaction` mirrors it): a quorum that includes a transaction
//! refused here is provably at fault from the transaction alone. It reads only the
//! transaction, so it imports nothing of the rules that read state.

use crate::kind::Kind;
use crate::registration::{check_registration, RegistrationError};
use crate::types::{
    decode, ChildBond, ChildDeposit, ChildDepositExit, ChildDepositExitChallenge,
    ChildExitChallenge, ChildExitStart, ChildFraudProof, ChildRegistration, ChildStake,
    DecodeError, DepositRecord, ExitPayoutClaim, LinkedCheckpoint, Output, SignedTransaction,
    MAX_INPUTS, MAX_OUTPUTS, MAX_TX_BYTES,
};
use crate::types::{
    CHILD_DEPOSIT_BYTES, CHILD_DEPOSIT_EXIT_BYTES, CHILD_STAKE_BYTES, EXIT_PAYOUT_CLAIM_BYTES,
};
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolType, SolValue};

/// The most a `BondChild` payload may take.
pub const MAX_BOND_BYTES: usize = 1024;

/// Why a transaction is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// Its encoding (`abi.encode(SignedTransaction)`, its leaf) is larger than
    /// [`MAX_TX_BYTES`]: no node reads a block holding it.
    #[error("a transaction of {0} bytes, above {max}", max = MAX_TX_BYTES)]
    TooLarge(usize),
    /// `kind` is not a kind this ledger knows.
    #[error("unknown transaction kind {0}")]
    UnknownKind(u8),
    /// Too few or too many inputs for the kind.
    #[error("{kind:?} takes {min}..={max} inputs, got {got}")]
    InputCount {
        /// Transaction kind.
        kind: Kind,
        /// Inputs given.
        got: usize,
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// Too few or too many outputs for the kind.
    #[error("{kind:?} takes {min}..={max} outputs, got {got}")]
    OutputCount {
        /// Transaction kind.
        kind: Kind,
        /// Outputs given.
        got: usize,
        /// Fewest allowed.
        min: usize,
        /// Most allowed.
        max: usize,
    },
    /// There must be exactly one signature per input.
    #[error("{signatures} signatures for {inputs} inputs")]
    SignatureCount {
        /// Inputs.
        inputs: usize,
        /// Signatures.
        signatures: usize,
    },
    /// An output (or a lock into a child) of zero value.
    #[error("output {output} has zero amount")]
    ZeroAmount {
        /// Output index (a lock is numbered after the outputs).
        output: usize,
    },
    /// An output to the zero address, which nobody can spend.
    #[error("output {output} is owned by the zero address")]
    ZeroOwner {
        /// Output index (a lock is numbered after the outputs).
        output: usize,
    },
    /// The outputs of an asset (with what the transaction locks, stakes or bonds) sum past
    /// 2^256.
    #[error("asset {token}: outputs overflow")]
    Overflow {
        /// The asset.
        token: Address,
    },
    /// `data` is not the canonical encoding of the payload the kind takes.
    #[error("payload: {0}")]
    Payload(DecodeError),
    /// A bond that buys no power: not a whole number of gwei from 1 to `u64::MAX`.
    #[error("a bond of {0} wei is not a whole power of 1..=u64::MAX gwei")]
    BondPower(U256),
    /// A checkpoint of a height past the history tree's last leaf (2^32 - 1).
    #[error("checkpoint height {0} is past the history tree")]
    HeightOutOfRange(u64),
    /// A child's registration refused on its own (`crate::registration`).
    #[error("registration: {0}")]
    Registration(RegistrationError),
    /// `data` must be empty for this kind.
    #[error("{0:?} transactions carry no payload")]
    UnexpectedPayload(Kind),
}

/// Running per-asset sums; a transaction touches at most a handful of assets.
#[derive(Debug, Default)]
pub(crate) struct AssetSums(Vec<(Address, U256)>);

impl AssetSums {
    /// Adds `amount` of `token`; `None` if the sum passes 2^256.
    pub(crate) fn add(&mut self, token: Address, amount: U256) -> Option<()> {
        match self.0.iter_mut().find(|(t, _)| *t == token) {
            Some((_, sum)) => *sum = sum.checked_add(amount)?,
            None => self.0.push((token, amount)),
        }
        Some(())
    }

    /// The sum of `token`.
    pub(crate) fn get(&self, token: &Address) -> U256 {
        self.0.iter().find(|(t, _)| t == token).map(|(_, v)| *v).unwrap_or_default()
    }

    /// Every asset summed.
    pub(crate) fn tokens(&self) -> impl Iterator<Item = &Address> {
        self.0.iter().map(|(t, _)| t)
    }
}

/// How many inputs and outputs a kind takes, as inclusive ranges.
pub fn shape(kind: Kind) -> ((usize, usize), (usize, usize)) {
    match kind {
        Kind::Transfer => ((1, MAX_INPUTS), (1, MAX_OUTPUTS)),
        Kind::DepositToChild
        | Kind::StartChildExit
        | Kind::StartChildDepositExit
        | Kind::StakeChild
        | Kind::BondChild => ((1, MAX_INPUTS), (0, MAX_OUTPUTS)),
        // Minted kinds: no inputs, no signatures. A payout pays the exit (nothing when the
        // escrow is drained, or the exit cancelled) and returns its bond (none when zero).
        Kind::ExitPayout => ((0, 0), (0, 2)),
        Kind::Deposit => ((0, 0), (1, 1)),
        // System kinds are judged whole by `children::validate_system`: no inputs, and no
        // outputs but the one a challenge or a fraud proof pays.
        Kind::RegisterChild | Kind::ChildCheckpoint => ((0, 0), (0, 0)),
        Kind::ChallengeChildExit | Kind::ProveChildFraud | Kind::ChallengeChildDepositExit => {
            ((0, 0), (0, 1))
        }
    }
}

/// Checks the form of `stx` and returns its kind: a known kind; inputs, outputs and
/// signatures in the numbers the kind takes (one signature per input, none for minted and
/// system kinds); every output of a non-zero amount to a non-zero owner, and no asset's
/// outputs (with what the transaction locks, stakes or bonds) summing past 2^256; the payload
/// the kind takes in its canonical encoding, and a lock into a child of a non-zero amount to
/// a non-zero recipient, a stake of a non-zero amount. A system kind's payload must be its
/// kind's canonical encoding, a child's checkpoint within the history tree, a child's
/// registration one [`check_registration`] accepts; the rest of what it says, and its outputs,
/// are judged whole by `children::validate_system`, against the state.
pub fn check_form(stx: &SignedTransaction) -> Result<Kind, FormError> {
    let size = stx.abi_encoded_size();
    if size > MAX_TX_BYTES {
        return Err(FormError::TooLarge(size));
    }
    let tx = &stx.transaction;
    let kind = tx.tx_kind().ok_or(FormError::UnknownKind(tx.kind))?;
    let ((imin, imax), (omin, omax)) = shape(kind);
    let (inputs, outputs, signatures) = (tx.inputs.len(), tx.outputs.len(), stx.signatures.len());
    if !(imin..=imax).contains(&inputs) {
        return Err(FormError::InputCount { kind, got: inputs, min: imin, max: imax });
    }
    if !(omin..=omax).contains(&outputs) {
        return Err(FormError::OutputCount { kind, got: outputs, min: omin, max: omax });
    }
    if signatures != inputs {
        return Err(FormError::SignatureCount { inputs, signatures });
    }
    if kind.is_system() {
        system_payload(kind, &tx.data)?;
        return Ok(kind);
    }
    let mut sums = output_sums(&tx.outputs)?;
    let mut add = |token, amount| sums.add(token, amount).ok_or(FormError::Overflow { token });
    let data = &tx.data[..];
    match kind {
        Kind::Transfer if !data.is_empty() => return Err(FormError::UnexpectedPayload(kind)),
        Kind::DepositToChild => {
            let lock: ChildDeposit = canonical("ChildDeposit", data, CHILD_DEPOSIT_BYTES)?;
            // The lock is judged like one more output, numbered after the real ones.
            if lock.amount.is_zero() {
                return Err(FormError::ZeroAmount { output: outputs });
            }
            if lock.recipient == Address::ZERO {
                return Err(FormError::ZeroOwner { output: outputs });
            }
            add(lock.token, lock.amount)?;
        }
        Kind::Deposit => {
            canonical::<DepositRecord>("DepositRecord", data, crate::types::DEPOSIT_RECORD_BYTES)?;
        }
        Kind::ExitPayout => {
            canonical::<ExitPayoutClaim>("ExitPayoutClaim", data, EXIT_PAYOUT_CLAIM_BYTES)?;
        }
        Kind::StartChildExit => {
            canonical::<ChildExitStart>("ChildExitStart", data, MAX_TX_BYTES)?;
        }
        Kind::StartChildDepositExit => {
            canonical::<ChildDepositExit>("ChildDepositExit", data, CHILD_DEPOSIT_EXIT_BYTES)?;
        }
        Kind::StakeChild => {
            let stake: ChildStake = canonical("ChildStake", data, CHILD_STAKE_BYTES)?;
            // The stake is judged like one more output, numbered after the real ones.
            if stake.amount.is_zero() {
                return Err(FormError::ZeroAmount { output: outputs });
            }
            add(Address::ZERO, stake.amount)?
        }
        Kind::BondChild => {
            let bond: ChildBond = canonical("ChildBond", data, MAX_BOND_BYTES)?;
            if crate::types::power_of(bond.amount).is_none() {
                return Err(FormError::BondPower(bond.amount));
            }
            add(Address::ZERO, bond.amount)?
        }
        _ => {}
    }
    Ok(kind)
}

/// The payload of system kind `kind`, in its canonical encoding: what it says is judged
/// against the state by `children::validate_system`.
fn system_payload(kind: Kind, data: &[u8]) -> Result<(), FormError> {
    let max = MAX_TX_BYTES;
    match kind {
        Kind::RegisterChild => {
            let reg = canonical::<ChildRegistration>("ChildRegistration", data, max)?;
            check_registration(&reg).map_err(FormError::Registration)?;
        }
        Kind::ChildCheckpoint => {
            let linked = canonical::<LinkedCheckpoint>("LinkedCheckpoint", data, max)?;
            let height = linked.checkpoint.header.height;
            // Above the history tree's last leaf, no block is in a provable history.
            if height >> crate::merkle::HISTORY_DEPTH != 0 {
                return Err(FormError::HeightOutOfRange(height));
            }
        }
        Kind::ChallengeChildExit => {
            drop(canonical::<ChildExitChallenge>("ChildExitChallenge", data, max)?)
        }
        Kind::ProveChildFraud => drop(canonical::<ChildFraudProof>("ChildFraudProof", data, max)?),
        Kind::ChallengeChildDepositExit => {
            drop(canonical::<ChildDepositExitChallenge>("ChildDepositExitChallenge", data, max)?)
        }
        _ => {}
    }
    Ok(())
}

/// The outputs summed per asset, each of a non-zero amount to a non-zero owner.
pub(crate) fn output_sums(outputs: &[Output]) -> Result<AssetSums, FormError> {
    let mut sums = AssetSums::default();
    for (i, out) in outputs.iter().enumerate() {
        if out.amount.is_zero() {
            return Err(FormError::ZeroAmount { output: i });
        }
        if out.owner == Address::ZERO {
            return Err(FormError::ZeroOwner { output: i });
        }
        sums.add(out.token, out.amount).ok_or(FormError::Overflow { token: out.token })?;
    }
    Ok(sums)
}

/// `data` decoded as `T`, refused unless it is exactly `T`'s canonical encoding (the root
/// re-encodes what it decodes and compares, so both draw the same line).
fn canonical<T>(what: &'static str, data: &[u8], max: usize) -> Result<T, FormError>
where
    T: SolValue + From<<T::SolType as SolType>::RustType>,
{
    let value: T = decode(what, data, max).map_err(FormError::Payload)?;
    if value.abi_encode() != data {
        let reason = "not the canonical encoding".to_owned();
        return Err(FormError::Payload(DecodeError::Abi { what, reason }));
    }
    Ok(value)
}
