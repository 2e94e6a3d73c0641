//! What a child's transactions, included under the anchor, show of a plasma parent's record
//! of that child, and the transactions that record refuses.
//!
//! The record only grows. Members join (registration, then one per bond) and an operator or key
//! once bonded never bonds again, the last accepted checkpoint only rises, a proven fraud
//! freezes the child for good, and the registration's parameters never change. So a
//! registration and some later transactions of the child, all included, show a lower bound of
//! the record that still holds at any later transaction, and prove, with no state of the
//! parent, that it refuses:
//!
//! * a bond of an operator or key ever bonded (`ChildError::AlreadyBonded`), without a proof of
//!   possession of its key (`BondPossession`), below the registration's minimum stake
//!   (`BelowMinimum`), or into a full set whose least power is no less than its own
//!   (`SetSize`). A member loses its seat only to a bond of more power into a full set, so the
//!   set is always the [`MAX_CHILD_VALIDATORS`] of most power of every member that ever
//!   joined: when that many members shown have at least the bond's power, so does every
//!   member of the set;
//! * a checkpoint not above one shown (`NotNewer`), or stamped more than `MAX_CLOCK_DRIFT_S`
//!   after the block that accepts it, whose header the proof holds (`AheadOfClock`);
//! * a checkpoint, deposit, stake or bond after a fraud proof (`Frozen`);
//! * an exit challenge paying other than the registration's exit bond to a beneficiary
//!   (`BondOutput`);
//! * an exit start whose claim its own anchor, inclusion and claimant do not prove (`Exit`);
//! * a fraud proof its prover did not sign (`ProverSignature`): who is paid for it is bound by
//!   the prover's signature, whatever the proof shows.

use super::registered::registered;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::bls::{BlsPublicKey, BlsSignature};
use crate::children::prover_digest;
use crate::exit::verify_exit_start;
use crate::form::MAX_BOND_BYTES;
use crate::kind::Kind;
use crate::registration::MAX_CHILD_VALIDATORS;
use crate::signing::{recover_signer, SigningDomain};
use crate::types::{
    decode, BlockHeader, ChildBond, ChildDeposit, ChildDepositExitChallenge, ChildExitChallenge,
    ChildExitStart, ChildFraudProof, ChildRecordEvidence, ChildStake, IncludedTx, LinkedCheckpoint,
    Output, SignedTransaction, Transaction, CHILD_DEPOSIT_BYTES, CHILD_STAKE_BYTES,
    MAX_CLOCK_DRIFT_S, MAX_TX_BYTES, POWER_UNIT,
};
use alloy_primitives::{Address, Bytes, U256};

/// A transaction of a child, as its record reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChildTx {
    /// A validator bond (`BondChild`).
    Bond(ChildBond),
    /// A checkpoint of the child's block at this height, stamped this time
    /// (`ChildCheckpoint`).
    Checkpoint {
        /// The checkpointed block's height.
        height: u64,
        /// Its time.
        time: u64,
    },
    /// A fraud proof against the child (`ProveChildFraud`).
    FraudProof(Box<ChildFraudProof>),
    /// A deposit into the child (`DepositToChild`).
    Deposit,
    /// A stake for the child (`StakeChild`).
    Stake,
    /// A challenge of an exit of the child's output or deposit, paying the exit's bond to
    /// this beneficiary (`ChallengeChildExit`, `ChallengeChildDepositExit`).
    Challenge(Address),
    /// The start of an exit of the child's output (`StartChildExit`).
    ExitStart(Box<ChildExitStart>),
}

/// The child `tx` is a transaction of, and what it is to the child's record (`None`: no such
/// kind, or a payload the ledger does not decode, which is malformed).
pub(crate) fn child_tx(tx: &Transaction) -> Option<(u64, ChildTx)> {
    let data = &tx.data;
    Some(match tx.tx_kind()? {
        Kind::BondChild => {
            let bond: ChildBond = decode("ChildBond", data, MAX_BOND_BYTES).ok()?;
            (bond.childChainId, ChildTx::Bond(bond))
        }
        Kind::ChildCheckpoint => {
            let linked = decode::<LinkedCheckpoint>("LinkedCheckpoint", data, MAX_TX_BYTES).ok()?;
            let header = linked.checkpoint.header;
            let (height, time) = (header.height, header.timestamp);
            (header.chainId, ChildTx::Checkpoint { height, time })
        }
        Kind::ProveChildFraud => {
            let proof: ChildFraudProof = decode("ChildFraudProof", data, MAX_TX_BYTES).ok()?;
            (proof.childChainId, ChildTx::FraudProof(Box::new(proof)))
        }
        Kind::DepositToChild => (
            decode::<ChildDeposit>("ChildDeposit", data, CHILD_DEPOSIT_BYTES).ok()?.childChainId,
            ChildTx::Deposit,
        ),
        Kind::ChallengeChildExit => {
            let c: ChildExitChallenge = decode("ChildExitChallenge", data, MAX_TX_BYTES).ok()?;
            (c.childChainId, ChildTx::Challenge(c.beneficiary))
        }
        Kind::ChallengeChildDepositExit => {
            let c: ChildDepositExitChallenge =
                decode("ChildDepositExitChallenge", data, MAX_TX_BYTES).ok()?;
            (c.childChainId, ChildTx::Challenge(c.beneficiary))
        }
        Kind::StartChildExit => {
            let start: ChildExitStart = decode("ChildExitStart", data, MAX_TX_BYTES).ok()?;
            (start.childChainId, ChildTx::ExitStart(Box::new(start)))
        }
        Kind::StakeChild => (
            decode::<ChildStake>("ChildStake", data, CHILD_STAKE_BYTES).ok()?.childChainId,
            ChildTx::Stake,
        ),
        _ => return None,
    })
}

/// A lower bound of a parent's record of a child, from included transactions.
struct Shown {
    /// The least a bond stakes (the registration's, for good).
    min_stake: U256,
    /// Operators, BLS keys and powers of the members, whether they hold a seat still or not.
    members: Vec<(Address, Bytes, U256)>,
    /// The highest checkpoint shown (0: none).
    highest_checkpoint: u64,
    /// Whether a fraud proof against the child is shown.
    frozen: bool,
}

impl Shown {
    /// Whether the record refuses the bond `bond` by `operator`.
    fn refuses_bond(&self, operator: Address, bond: &ChildBond) -> bool {
        let key = &bond.blsPubkey;
        let power = power_of(bond);
        let outbid = self.members.iter().filter(|(_, _, p)| *p >= power).count();
        self.frozen
            || bond.amount < self.min_stake
            || self.members.iter().any(|(op, k, _)| *op == operator || k == key)
            || outbid >= MAX_CHILD_VALIDATORS
            || !possessed(operator, bond)
    }
}

/// The power `bond` buys, as the record proof reads it (whole units: a bond that buys none, or
/// not a whole number, is malformed, and its block proven so).
fn power_of(bond: &ChildBond) -> U256 {
    bond.amount / U256::from(POWER_UNIT)
}

/// Whether `bond` proves its key possessed by `operator` (`children::validate_bond`).
fn possessed(operator: Address, bond: &ChildBond) -> bool {
    let key = BlsPublicKey::from_eip2537(&bond.blsPubkey);
    let pop = BlsSignature::from_eip2537(&bond.proofOfPossession);
    matches!((key, pop), (Ok(key), Ok(pop)) if key.verify_possession(operator, &pop))
}

/// Who signed a transaction's first input, its owner (or the block holds an invalid
/// signature, proven as such): a bond's operator, an exit start's claimant.
pub(crate) fn first_signer(
    domain: &SigningDomain,
    stx: &SignedTransaction,
) -> Result<Address, FraudError> {
    let signature = stx.signatures.first().ok_or(FraudError::NoOperator)?;
    recover_signer(&domain.signing_hash(&stx.transaction), signature)
        .map_err(|_| FraudError::NoOperator)
}

/// The transaction `shown` proves included under `anchor`, if it comes after `after` (then
/// `after` moves to it), and what it is to the record of child `child`.
fn next<'a>(
    chain_id: u64,
    anchor: &BlockHeader,
    shown: &'a IncludedTx,
    after: &mut (u64, u32),
    child: u64,
) -> Result<(&'a SignedTransaction, ChildTx), FraudError> {
    let IncludedTx { height, txIndex, inclusion } = shown;
    if (*height, *txIndex) <= *after {
        return Err(FraudError::OutOfOrder { height: *height, index: *txIndex });
    }
    *after = (*height, *txIndex);
    let tx = included(chain_id, anchor, inclusion, *height, *txIndex)?;
    let (named, read) = child_tx(tx).ok_or(FraudError::WrongKind(tx.kind))?;
    if named != child {
        return Err(FraudError::NotTheChild { named, registered: child });
    }
    Ok((&inclusion.signedTx, read))
}

/// Child record: a transaction of a child that the parent's record of it refuses, as the
/// child's registration and earlier included transactions of the child show that record
/// (the module's doc). The block holding the refused transaction is invalid.
pub fn verify_child_record(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    e: &ChildRecordEvidence,
) -> Result<FraudVerdict, FraudError> {
    let chain_id = domain.chain_id;
    let (child, registration) = registered(chain_id, anchor, &e.registration)?;
    let mut shown = Shown {
        min_stake: registration.params.minStake,
        members: registration
            .validators
            .iter()
            .map(|v| (v.operator, v.blsPubkey.clone(), U256::from(v.power)))
            .collect(),
        highest_checkpoint: 0,
        frozen: false,
    };
    let mut after = (e.registration.height, e.registration.txIndex);
    for earlier in &e.earlier {
        let (stx, read) = next(chain_id, anchor, earlier, &mut after, child)?;
        match read {
            ChildTx::Bond(bond) => {
                let power = power_of(&bond);
                shown.members.push((first_signer(domain, stx)?, bond.blsPubkey, power))
            }
            ChildTx::Checkpoint { height, .. } => {
                shown.highest_checkpoint = shown.highest_checkpoint.max(height)
            }
            ChildTx::FraudProof(_) => shown.frozen = true,
            ChildTx::Deposit | ChildTx::Stake | ChildTx::Challenge(_) | ChildTx::ExitStart(_) => {
                return Err(FraudError::WrongKind(stx.transaction.kind))
            }
        }
    }
    let (stx, read) = next(chain_id, anchor, &e.refused, &mut after, child)?;
    let refused = match &read {
        ChildTx::Bond(bond) => shown.refuses_bond(first_signer(domain, stx)?, bond),
        ChildTx::Checkpoint { height, time } => {
            let now = e.refused.inclusion.header.timestamp;
            shown.frozen
                || *height <= shown.highest_checkpoint
                || *time > now.saturating_add(MAX_CLOCK_DRIFT_S)
        }
        ChildTx::Deposit | ChildTx::Stake => shown.frozen,
        // Its claim is proven under the anchor it names, by its claimant (who signed its
        // first input), whatever else the parent holds.
        ChildTx::ExitStart(s) => {
            let claimant = first_signer(domain, stx)?;
            verify_exit_start(s.childChainId, &s.anchor, &s.pos, &s.inclusion, claimant).is_err()
        }
        // A challenge pays exactly the exit's bond, the child's (its parameters never
        // change), to a beneficiary.
        ChildTx::Challenge(beneficiary) => {
            let bond = registration.params.exitBond;
            let paid = (!bond.is_zero()).then(|| Output::new(*beneficiary, Address::ZERO, bond));
            beneficiary.is_zero() || stx.transaction.outputs != paid.into_iter().collect::<Vec<_>>()
        }
        // Its prover signed it, whatever it proves: the reward is the prover's, which no
        // proposer may rewrite.
        ChildTx::FraudProof(fraud) => {
            recover_signer(&prover_digest(domain, fraud), &fraud.proverSignature)
                != Ok(fraud.prover)
        }
    };
    if !refused {
        return Err(FraudError::RecordAllows);
    }
    Ok(FraudVerdict::at(FraudKind::ChildRecord, e.refused.height))
}
