//! A challenge or payout of a child's exit that the exit its link names does not found.
//!
//! A plasma parent's challenge of a child's exit (`ChallengeChildExit`,
//! `ChallengeChildDepositExit`) and its payout (`ExitPayout`) name where the parent queued the
//! exit: its latest start (`startHeight`, `startIndex`). The parent refuses one whose exit is
//! not queued by that start ([`crate::children::ChildError::ExitNotActive`]), a challenge whose
//! spend does not spend the output the exit claims, signed by its owner (`ChildError::Challenge`),
//! and a payout to another than the exit's owner (`TxError::PayoutOwner`). A challenge takes an
//! honest exiter's exit and bond for good, a payout takes the child's escrow, and whether the
//! exit was queued is the parent's bookkeeping; so it is proven from the parent's history
//! alone, by what the link names ([`super::Shows`], [`super::link`]):
//! - the transaction at the link is no start of the settled exit of that child, or the
//!   settlement does not stand on it: the start's claimant (its first input's signer) owns the
//!   exit, the start's position is the output it claims, and the challenge is judged against
//!   exactly that, the payout's outputs against that owner, as the parent judged them against
//!   its record;
//! - nothing is at the link;
//! - a start, challenge or payout of the same exit stands between the link and the
//!   settlement: the exit was restarted or settled since.
//!
//! Whether a payout is due and pays what its claim, the escrow and its bond owe is
//! [`super::verify_overdrawn_payout`]'s to judge; whether it is first in its queue stays the
//! parent's bookkeeping (`TxError::ExitNotPayable`).

use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::exit::{verify_challenge, verify_deposit_exit_challenge, ExitKey};
use crate::kind::Kind;
use crate::signing::{child_domain, recover_signer, SigningDomain};
use crate::types::{
    decode, BlockHeader, ChildDepositExit, ChildDepositExitChallenge, ChildExitChallenge,
    ChildExitStart, ExitPayoutClaim, ExitRecord, LinkEvidence, Output, SignedTransaction,
    Transaction, TxRef, UtxoPos, MAX_TX_BYTES,
};
use crate::types::{CHILD_DEPOSIT_EXIT_BYTES, EXIT_PAYOUT_CLAIM_BYTES};
use alloy_primitives::{Address, B256};

/// A transaction settling a child's exit, decoded: a challenge or a payout.
pub(crate) enum Settling {
    /// A challenge of an exit of an output (`ChallengeChildExit`).
    Challenge(ChildExitChallenge),
    /// A challenge of an exit of a deposit, by its minted output (`ChallengeChildDepositExit`).
    DepositChallenge(Box<ChildDepositExitChallenge>),
    /// A payout, paying these outputs (`ExitPayout`).
    Payout(ExitPayoutClaim, Vec<Output>),
}

impl Settling {
    /// The settlement `tx` is, `None` for another kind. A payload that does not decode is no
    /// evidence (the contract's decoding reverts): its block is proven malformed instead.
    pub(crate) fn of(tx: &Transaction) -> Result<Option<Self>, FraudError> {
        let undecodable = |_| FraudError::WrongKind(tx.kind);
        Ok(match tx.tx_kind() {
            Some(Kind::ChallengeChildExit) => Some(Self::Challenge(
                decode("ChildExitChallenge", &tx.data, MAX_TX_BYTES).map_err(undecodable)?,
            )),
            Some(Kind::ChallengeChildDepositExit) => {
                let c: ChildDepositExitChallenge =
                    decode("ChildDepositExitChallenge", &tx.data, MAX_TX_BYTES)
                        .map_err(undecodable)?;
                Some(Self::DepositChallenge(Box::new(c)))
            }
            Some(Kind::ExitPayout) => Some(Self::Payout(
                decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
                    .map_err(undecodable)?,
                tx.outputs.clone(),
            )),
            _ => None,
        })
    }

    /// The child and the exit it settles.
    pub(crate) fn exit(&self) -> (u64, B256) {
        match self {
            Self::Challenge(c) => (c.childChainId, c.exitId),
            Self::DepositChallenge(c) => (c.childChainId, ExitKey::Deposit(c.nonce).exit_id()),
            Self::Payout(p, _) => (p.childChainId, p.exitId),
        }
    }

    /// Whether it is a payout that cancels exit `exit_id` of `child` (its anchor voided): the
    /// one settlement after which the exit may start again.
    pub(crate) fn cancels(&self, child: u64, exit_id: B256) -> bool {
        matches!(self, Self::Payout(p, _) if p.cancels && (p.childChainId, p.exitId) == (child, exit_id))
    }

    /// Where it says the parent queued the exit.
    pub(crate) fn start(&self) -> TxRef {
        match self {
            Self::Challenge(c) => TxRef { height: c.startHeight, index: c.startIndex },
            Self::DepositChallenge(c) => TxRef { height: c.startHeight, index: c.startIndex },
            Self::Payout(p, _) => TxRef { height: p.startHeight, index: p.startIndex },
        }
    }

    /// Whether it stands on the exit of the output at `pos` owned by `owner` (`exit_id`, of
    /// the child of `domain`): a challenge's spend spends that output (for a deposit, its
    /// minted output proven under the challenge's anchor), signed by `owner`; a payout pays
    /// `owner` alone. Whether the anchor was accepted and not voided is judged by other kinds.
    fn holds(&self, domain: &SigningDomain, exit_id: B256, pos: &UtxoPos, owner: Address) -> bool {
        let exit =
            ExitRecord { exitId: exit_id, utxoPos: pos.clone(), owner, ..Default::default() };
        match self {
            Self::Challenge(c) => {
                verify_challenge(domain, &exit, &c.spend, usize::from(c.inputIndex)).is_ok()
            }
            Self::Payout(_, outputs) => outputs.iter().all(|o| o.owner == owner),
            Self::DepositChallenge(c) => verify_deposit_exit_challenge(
                domain,
                &c.anchor,
                &exit,
                &c.mintedPos,
                &c.minted,
                &c.spend,
                usize::from(c.inputIndex),
            )
            .is_ok(),
        }
    }
}

/// What a start of a child's exit says, decoded.
pub(crate) struct Started {
    /// The child.
    pub(crate) child: u64,
    /// The exit it queues.
    pub(crate) exit_id: B256,
    /// The position it claims (zero for an exit from the parent's deposit record).
    pub(crate) pos: UtxoPos,
    /// Where it says the parent last cancelled the exit (0:0: it was never started).
    pub(crate) cancelled: TxRef,
}

/// The exit a start queues. `None` for another kind, or a start whose claimed transaction is a
/// deposit whose record does not decode (the exit key cannot be told).
pub(crate) fn started(tx: &Transaction) -> Result<Option<Started>, FraudError> {
    let undecodable = |_| FraudError::WrongKind(tx.kind);
    Ok(match tx.tx_kind() {
        Some(Kind::StartChildExit) => {
            let start: ChildExitStart =
                decode("ChildExitStart", &tx.data, MAX_TX_BYTES).map_err(undecodable)?;
            let claimed = &start.inclusion.signedTx.transaction;
            let Ok(key) = ExitKey::claimed(claimed, start.pos.outputIndex) else {
                return Ok(None);
            };
            Some(Started {
                child: start.childChainId,
                exit_id: key.exit_id(),
                pos: start.pos,
                cancelled: TxRef { height: start.cancelledHeight, index: start.cancelledIndex },
            })
        }
        Some(Kind::StartChildDepositExit) => {
            let start: ChildDepositExit =
                decode("ChildDepositExit", &tx.data, CHILD_DEPOSIT_EXIT_BYTES)
                    .map_err(undecodable)?;
            Some(Started {
                child: start.childChainId,
                exit_id: ExitKey::Deposit(start.nonce).exit_id(),
                pos: UtxoPos::default(),
                cancelled: TxRef { height: start.cancelledHeight, index: start.cancelledIndex },
            })
        }
        _ => None,
    })
}

/// The child and exit a start, challenge or payout of an exit settles or queues, `None` for
/// another kind.
pub(crate) fn touched(tx: &Transaction) -> Result<Option<(u64, B256)>, FraudError> {
    if let Some(start) = started(tx)? {
        return Ok(Some((start.child, start.exit_id)));
    }
    Ok(Settling::of(tx)?.map(|s| s.exit()))
}

/// Who signed the first input of `stx` under `domain`: a start's claimant, when it is valid.
pub(super) fn first_signer(domain: &SigningDomain, stx: &SignedTransaction) -> Option<Address> {
    let digest = domain.signing_hash(&stx.transaction);
    stx.signatures.first().and_then(|sig| recover_signer(&digest, sig).ok())
}

/// Unfounded settlement: an included challenge or payout of a child's exit that the exit its
/// link names does not found (the module's doc). `domain` is the parent's signing domain.
pub fn verify_unfounded_settlement(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let chain_id = domain.chain_id;
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let settling = Settling::of(tx)?.ok_or(FraudError::WrongKind(tx.kind))?;
    let (child, exit_id) = settling.exit();
    let link = settling.start();
    let at = TxRef { height: c.height, index: c.txIndex };
    let refuses = |start: &SignedTransaction| {
        let Some(s) = started(&start.transaction)? else { return Ok(true) };
        let Some(owner) = first_signer(domain, start) else { return Ok(true) };
        let child_domain = child_domain(domain, child);
        let founds = s.child == child && s.exit_id == exit_id;
        Ok(!founds || !settling.holds(&child_domain, exit_id, &s.pos, owner))
    };
    let names = |later: &Transaction| Ok(touched(later)? == Some((child, exit_id)));
    link::judge(chain_id, anchor, (link, at), e, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedSettlement, c.height))
}
