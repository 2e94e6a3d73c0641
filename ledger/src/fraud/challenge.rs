//! A challenge of a child's exit that the exit its link names does not found.
//!
//! A plasma parent's challenge of a child's exit (`ChallengeChildExit`,
//! `ChallengeChildDepositExit`) names where the parent queued the exit: its latest start
//! (`startHeight`, `startIndex`). The parent refuses a challenge whose exit is not queued by
//! that start ([`crate::children::ChildError::ExitNotActive`]) or whose spend does not spend
//! the output the exit claims, signed by its owner (`ChildError::Challenge`). Either takes an
//! honest exiter's exit and bond for good, and whether the exit was queued is the parent's
//! bookkeeping; so it is proven from the parent's history alone, by what the link names
//! ([`super::Shows`], [`super::link`]):
//! - the transaction at the link is no start of the challenged exit of that child, or the
//!   challenge does not stand on it: the start's claimant (its first input's signer) owns the
//!   exit, the start's position is the output it claims, and the challenge is judged against
//!   exactly that, as the parent judged it against its record;
//! - nothing is at the link;
//! - a start, challenge or payout of the same exit stands between the link and the
//!   challenge: the exit was restarted or settled since.

use super::link;
use super::{included, FraudError, FraudKind, FraudVerdict};
use crate::exit::{verify_challenge, verify_deposit_exit_challenge, ExitKey};
use crate::kind::Kind;
use crate::signing::{child_domain, recover_signer, SigningDomain};
use crate::types::{
    decode, BlockHeader, ChildDepositExit, ChildDepositExitChallenge, ChildExitChallenge,
    ChildExitStart, DepositRecord, ExitPayoutClaim, ExitRecord, LinkEvidence, SignedTransaction,
    Transaction, TxRef, UtxoPos, MAX_TX_BYTES,
};
use alloy_primitives::{Address, B256};

/// A challenge of a child's exit, decoded.
pub(crate) enum Challenge {
    /// Of an exit of an output (`ChallengeChildExit`).
    Output(ChildExitChallenge),
    /// Of an exit of a deposit, by its minted output (`ChallengeChildDepositExit`).
    Deposit(Box<ChildDepositExitChallenge>),
}

impl Challenge {
    /// The challenge `tx` is, `None` for another kind. A payload that does not decode is no
    /// evidence (the contract's decoding reverts): its block is proven malformed instead.
    pub(crate) fn of(tx: &Transaction) -> Result<Option<Self>, FraudError> {
        let undecodable = |_| FraudError::WrongKind(tx.kind);
        Ok(match tx.tx_kind() {
            Some(Kind::ChallengeChildExit) => Some(Self::Output(
                decode("ChildExitChallenge", &tx.data, MAX_TX_BYTES).map_err(undecodable)?,
            )),
            Some(Kind::ChallengeChildDepositExit) => {
                let c: ChildDepositExitChallenge =
                    decode("ChildDepositExitChallenge", &tx.data, MAX_TX_BYTES)
                        .map_err(undecodable)?;
                Some(Self::Deposit(Box::new(c)))
            }
            _ => None,
        })
    }

    /// The child and the exit it challenges.
    pub(crate) fn exit(&self) -> (u64, B256) {
        match self {
            Self::Output(c) => (c.childChainId, c.exitId),
            Self::Deposit(c) => (c.childChainId, ExitKey::Deposit(c.nonce).exit_id()),
        }
    }

    /// Where it says the parent queued the exit.
    pub(crate) fn start(&self) -> TxRef {
        match self {
            Self::Output(c) => TxRef { height: c.startHeight, index: c.startIndex },
            Self::Deposit(c) => TxRef { height: c.startHeight, index: c.startIndex },
        }
    }

    /// Whether it stands on the exit of the output at `pos` owned by `owner` (`exit_id`, of
    /// the child of `domain`): its spend spends that output (for a deposit, its minted output
    /// proven under the challenge's anchor), signed by `owner`. Whether the anchor was accepted
    /// and not voided is judged by other kinds.
    fn holds(&self, domain: &SigningDomain, exit_id: B256, pos: &UtxoPos, owner: Address) -> bool {
        let exit =
            ExitRecord { exitId: exit_id, utxoPos: pos.clone(), owner, ..Default::default() };
        match self {
            Self::Output(c) => {
                verify_challenge(domain, &exit, &c.spend, usize::from(c.inputIndex)).is_ok()
            }
            Self::Deposit(c) => verify_deposit_exit_challenge(
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

/// The exit a start queues: its child, its id and the position it claims (zero for an exit
/// from the parent's deposit record). `None` for another kind, or a start whose claimed
/// transaction is a deposit whose record does not decode (the exit key cannot be told).
pub(crate) fn started(tx: &Transaction) -> Result<Option<(u64, B256, UtxoPos)>, FraudError> {
    let undecodable = |_| FraudError::WrongKind(tx.kind);
    Ok(match tx.tx_kind() {
        Some(Kind::StartChildExit) => {
            let start: ChildExitStart =
                decode("ChildExitStart", &tx.data, MAX_TX_BYTES).map_err(undecodable)?;
            let claimed = &start.inclusion.signedTx.transaction;
            let key = if claimed.tx_kind() == Some(Kind::Deposit) {
                let Ok(record) = decode::<DepositRecord>("DepositRecord", &claimed.data, 6 * 32)
                else {
                    return Ok(None);
                };
                ExitKey::Deposit(record.nonce)
            } else {
                ExitKey::output(claimed, start.pos.outputIndex)
            };
            Some((start.childChainId, key.exit_id(), start.pos))
        }
        Some(Kind::StartChildDepositExit) => {
            let start: ChildDepositExit =
                decode("ChildDepositExit", &tx.data, 2 * 32).map_err(undecodable)?;
            let id = ExitKey::Deposit(start.nonce).exit_id();
            Some((start.childChainId, id, UtxoPos::default()))
        }
        _ => None,
    })
}

/// The child and exit a start, challenge or payout of an exit settles or queues, `None` for
/// another kind.
pub(crate) fn touched(tx: &Transaction) -> Result<Option<(u64, B256)>, FraudError> {
    if let Some((child, exit_id, _)) = started(tx)? {
        return Ok(Some((child, exit_id)));
    }
    if let Some(challenge) = Challenge::of(tx)? {
        return Ok(Some(challenge.exit()));
    }
    if tx.tx_kind() == Some(Kind::ExitPayout) {
        let claim: ExitPayoutClaim = decode("ExitPayoutClaim", &tx.data, 2 * 32)
            .map_err(|_| FraudError::WrongKind(tx.kind))?;
        return Ok(Some((claim.childChainId, claim.exitId)));
    }
    Ok(None)
}

/// Who signed the first input of `stx` under `domain`: a start's claimant, when it is valid.
fn first_signer(domain: &SigningDomain, stx: &SignedTransaction) -> Option<Address> {
    let digest = domain.signing_hash(&stx.transaction);
    stx.signatures.first().and_then(|sig| recover_signer(&digest, sig).ok())
}

/// Unfounded challenge: an included challenge of a child's exit that the exit its link names
/// does not found (the module's doc). `domain` is the parent's signing domain.
pub fn verify_unfounded_challenge(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    e: &LinkEvidence,
) -> Result<FraudVerdict, FraudError> {
    let chain_id = domain.chain_id;
    let c = &e.linking;
    let tx = included(chain_id, anchor, &c.inclusion, c.height, c.txIndex)?;
    let challenge = Challenge::of(tx)?.ok_or(FraudError::WrongKind(tx.kind))?;
    let (child, exit_id) = challenge.exit();
    let link = challenge.start();
    let at = TxRef { height: c.height, index: c.txIndex };
    let refuses = |start: &SignedTransaction| {
        let Some((of, id, pos)) = started(&start.transaction)? else { return Ok(true) };
        let Some(owner) = first_signer(domain, start) else { return Ok(true) };
        let child_domain = child_domain(domain, child);
        Ok(of != child || id != exit_id || !challenge.holds(&child_domain, id, &pos, owner))
    };
    let names = |later: &Transaction| Ok(touched(later)? == Some((child, exit_id)));
    link::judge(chain_id, anchor, (link, at), e, refuses, names)?;
    Ok(FraudVerdict::at(FraudKind::UnfoundedChallenge, c.height))
}
