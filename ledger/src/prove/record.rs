//! The proofs of a child transaction its record refuses
//! ([`crate::fraud::verify_child_record`]: the child's registration and the earlier
//! transactions of the child that show why), and of a child checkpoint its certificate does
//! not certify ([`crate::fraud::verify_uncertified_checkpoint`]).

use super::{ProofContext, ProofError};
use crate::children::seat_taken;
use crate::fraud::record::{child_tx, first_signer, ChildTx};
use crate::fraud::registered::registered;
use crate::fraud::{verify_child_record, verify_uncertified_checkpoint, FraudError};
use crate::registration::MAX_CHILD_VALIDATORS;
use crate::types::{
    decode, power_of, Block, ChildBond, ChildRecordEvidence, FraudKind as SolFraudKind, FraudProof,
    LinkedCheckpoint, SignedTransaction, UncertifiedCheckpointEvidence, Validator, MAX_TX_BYTES,
    POWER_UNIT,
};
use alloy_primitives::{Address, U256};

/// A position in the chain: `(height, transaction index)`.
type Position = (u64, u32);

/// The transactions of `child` strictly between positions `from` and `to`, in chain order,
/// as its record reads them.
fn child_txs_between<'a>(
    blocks: &'a [&'a Block],
    child: u64,
    from: Position,
    to: Position,
) -> impl Iterator<Item = (Position, &'a SignedTransaction, ChildTx)> + 'a {
    blocks
        .iter()
        .take_while(move |b| b.header.height <= to.0)
        .flat_map(|b| {
            let at = b.header.height;
            b.transactions.iter().enumerate().map(move |(i, stx)| ((at, i as u32), stx))
        })
        .filter(move |(p, _)| *p > from && *p < to)
        .filter_map(move |(p, stx)| match child_tx(&stx.transaction)? {
            (c, read) if c == child => Some((p, stx, read)),
            _ => None,
        })
}

fn refuted(e: FraudError) -> ProofError {
    ProofError::Refuted(e.to_string())
}

/// The proof that transaction `index` of block `height`, a transaction of a child, is one the
/// child's record refuses. It shows, before it, no more than the refusal needs, so that however
/// many bonds the child has seen the proof stays within a transaction's and a block's bounds:
/// the first fraud proof against the child (frozen); for a checkpoint, the first checkpoint at
/// or above its height; for a bond, the first bond of its operator or key, and the bonds of the
/// most power at or above its own, as many as the registration lacks of a full set at that
/// power ([`bonds_shown`]).
pub(super) fn child_record_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let block = cx.block(height)?;
    let refused = &block.transactions.get(index as usize).ok_or(ProofError::Missing(height))?;
    let (child, read) = child_tx(&refused.transaction)
        .ok_or_else(|| ProofError::Unsupported("not a transaction of a child".into()))?;
    let checkpoint = match read {
        ChildTx::Checkpoint { height, .. } => Some(height),
        _ => None,
    };
    let registration = cx.registration(child)?;
    let first = (registration.height, registration.txIndex);
    let (mut frozen, mut newer) = (false, false);
    let mut shown = Vec::new();
    let mut bonds = Vec::new();
    for (at, stx, read) in child_txs_between(cx.blocks, child, first, (height, index)) {
        let shows = match read {
            ChildTx::Bond(bond) => {
                bonds.push((at, first_signer(cx.domain, stx).ok(), bond));
                false
            }
            ChildTx::FraudProof(_) => !std::mem::replace(&mut frozen, true),
            ChildTx::Checkpoint { height: h, .. } if !newer => {
                newer = checkpoint.is_some_and(|mine| h >= mine);
                newer
            }
            _ => false,
        };
        if shows {
            shown.push(at);
        }
    }
    if let ChildTx::Bond(bond) = &read {
        let (_, reg) = registered(cx.domain.chain_id, cx.anchor, &registration).map_err(refuted)?;
        let operator = first_signer(cx.domain, refused).ok();
        shown.extend(bonds_shown(&reg.validators, &bonds, operator, bond));
    }
    shown.sort_unstable();
    shown.dedup();
    let earlier = shown.into_iter().map(|(h, i)| cx.included(h, i)).collect::<Result<_, _>>()?;
    let refused = cx.included(height, index)?;
    let ev = ChildRecordEvidence { registration, earlier, refused };
    verify_child_record(cx.domain, cx.anchor, &ev).map_err(refuted)?;
    Ok(cx.proof(SolFraudKind::ChildRecord, &ev))
}

/// Which of the child's earlier `bonds` (where, operator, payload) a proof that the bond
/// `refused` by `operator` is refused shows: the first of the same operator or key (a second
/// bond), and the bonds of the most power at or above the refused one's, as many as
/// `registered` lacks of [`MAX_CHILD_VALIDATORS`] members at that power (a full set it does not
/// outbid). At most one more than a full set, whatever the number of bonds.
fn bonds_shown(
    registered: &[Validator],
    bonds: &[(Position, Option<Address>, ChildBond)],
    operator: Option<Address>,
    refused: &ChildBond,
) -> Vec<Position> {
    let twin = bonds.iter().find(|(_, op, b)| {
        (operator.is_some() && *op == operator) || b.blsPubkey == refused.blsPubkey
    });
    let power = refused.amount / U256::from(POWER_UNIT);
    let at_least = |amount: U256| amount / U256::from(POWER_UNIT) >= power;
    let have = registered.iter().filter(|v| U256::from(v.power) >= power).count();
    let mut strong: Vec<_> = bonds.iter().filter(|(_, _, b)| at_least(b.amount)).collect();
    strong.sort_by_key(|b| std::cmp::Reverse(b.2.amount));
    let needed = MAX_CHILD_VALIDATORS.saturating_sub(have);
    twin.into_iter().chain(strong.into_iter().take(needed)).map(|(at, _, _)| *at).collect()
}

/// The proof that the checkpoint at transaction `index` of block `height` is not certified by
/// the set its header names. That set is one the child has numbered: its registered set, then
/// each bond's in turn (a bond extends the latest numbered set, taking a seat in a full one:
/// [`seat_taken`]), read from the blocks before it.
pub(super) fn uncertified_checkpoint_proof(
    cx: &ProofContext<'_>,
    height: u64,
    index: u32,
) -> Result<FraudProof, ProofError> {
    let block = cx.block(height)?;
    let tx = &block.transactions.get(index as usize).ok_or(ProofError::Missing(height))?;
    let Some((child, ChildTx::Checkpoint { height: checkpointed, .. })) = child_tx(&tx.transaction)
    else {
        return Err(ProofError::Unsupported("not a child's checkpoint".into()));
    };
    let named = decode::<LinkedCheckpoint>("LinkedCheckpoint", &tx.transaction.data, MAX_TX_BYTES)
        .map_err(|e| ProofError::Unsupported(e.to_string()))?
        .checkpoint
        .header
        .validatorSetHash;
    let registration = cx.registration(child)?;
    let (_, reg) = registered(cx.domain.chain_id, cx.anchor, &registration).map_err(refuted)?;
    let first = (registration.height, registration.txIndex);
    let members =
        child_txs_between(cx.blocks, child, first, (height, index)).filter_map(|(_, stx, read)| {
            match read {
                ChildTx::Bond(bond) => Some(Validator {
                    operator: first_signer(cx.domain, stx).ok()?,
                    power: power_of(bond.amount)?,
                    blsPubkey: bond.blsPubkey,
                }),
                _ => None,
            }
        });
    // The registered set, then each bond's set in turn: the first the header names.
    let mut set = reg.validators;
    let named_set = std::iter::once(None)
        .chain(members.map(Some))
        .find_map(|member| {
            if let Some(member) = member {
                join(&mut set, member);
            }
            (Validator::set_hash(&set) == named).then(|| set.clone())
        })
        .ok_or_else(|| {
            let why = format!("the set checkpoint {checkpointed} names is none of child {child}'s");
            ProofError::Unsupported(why)
        })?;
    let ev = UncertifiedCheckpointEvidence {
        checkpoint: cx.included(height, index)?,
        namedSet: named_set,
    };
    verify_uncertified_checkpoint(cx.domain, cx.anchor, &ev).map_err(refuted)?;
    Ok(cx.proof(SolFraudKind::UncertifiedCheckpoint, &ev))
}

/// `set` after a bond of `member`, as the parent numbers it ([`seat_taken`]; a bond the rule
/// refuses changes nothing: the block that took it is proven first).
fn join(set: &mut Vec<Validator>, member: Validator) {
    match seat_taken(set, member.power) {
        Ok(Some(seat)) => {
            set.remove(seat);
            set.push(member);
        }
        Ok(None) => set.push(member),
        Err(_) => {}
    }
}
