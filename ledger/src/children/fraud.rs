//! Fraud proven against a child: the root's `proveFraud`, judged natively. A proof convicts
//! the signers of the certificate this chain accepted its anchor with (of a fork, only who
//! signed two blocks in one round: [`crate::fraud::convicted`]), freezes the child from the
//! first invalid height and pays the prover, who signs it ([`prover_digest`]), a share of the
//! stakes it takes (a culprit nothing). It names where this chain last changed
//! the child's stakes and what it leaves them holding, so that its reward is bounded by what
//! was staked, from this chain's history alone (`UnfoundedStake`). On a frozen child, a proof
//! is heard when it shows a lower height than the proof heard before: it lowers the rollback
//! to the block it convicts (so that whoever proves a later fraud first cannot keep the blocks
//! before it standing), and never raises it.

use super::effect::ChildEffect;
use super::error::ChildError;
use super::exits::accepted;
use super::record::ChildRecord;
use super::registry::child_domain;
use crate::build::prove_child_fraud_tx;
use crate::certificate::ValidatorSet;
use crate::fraud::{
    convicts_anchor, equivocation_evidence, history_equivocation_evidence, judge,
    signed_both_in_one_round, verify_equivocation,
};
use crate::kind::Kind;
use crate::signing::{recover_signer, SigningDomain, UserKey};
use crate::types::{
    decode, ChildFraudProof, FraudProof, Output, SignedTransaction, TxRef, Validator, MAX_TX_BYTES,
};
use crate::view::LedgerView;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;

/// Share of the slashed stake paid to the prover, in basis points (as on the root).
pub const PROVER_REWARD_BPS: u64 = 5_000;

/// Judges a `ProveChildFraud` (payload and `outputs`) on the chain of `domain`: it stands on
/// the child's stakes and pays half of what it takes from them (judged first: what is proven
/// from this chain's history alone is never hidden behind what is not), the proof convicts,
/// and what it takes is the stakes of the operators it convicts.
pub(super) fn validate_fraud_proof(
    domain: &SigningDomain,
    view: &impl LedgerView,
    payload: &[u8],
    outputs: &[Output],
) -> Result<ChildEffect, ChildError> {
    let c: ChildFraudProof = decode("ChildFraudProof", payload, MAX_TX_BYTES)?;
    let chain = c.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let named = TxRef { height: c.stakesHeight, index: c.stakesIndex };
    if named != record.stakes_ref {
        let (latest, staked, named_staked) = (record.stakes_ref, record.staked, c.staked);
        return Err(ChildError::StakesLink { chain, named, named_staked, latest, staked });
    }
    if !pays_what_it_takes(&c, record.staked, outputs) {
        return Err(ChildError::RewardOutput);
    }
    let Judged { chain, height, shown, slashed } = judge_child_fraud(domain, view, &c)?;
    let expected = record.staked.saturating_sub(taken(view, chain, &slashed));
    if c.staked != expected {
        return Err(ChildError::SlashedStakes { named: c.staked, expected });
    }
    // Half to the prover, and nothing to a culprit who proves its own fraud: it recovers
    // nothing of its stake.
    let reward = prover_reward([record.staked - c.staked]);
    if outputs.is_empty() != (slashed.contains(&c.prover) || reward.is_zero()) {
        return Err(ChildError::RewardRecipient { prover: c.prover });
    }
    // Last: a proof refused for what it shows is refused for that, whoever signed it.
    if recover_signer(&prover_digest(domain, &c), &c.proverSignature) != Ok(c.prover) {
        return Err(ChildError::ProverSignature(c.prover));
    }
    Ok(ChildEffect::FraudProven { chain, height, shown, slashed, staked: c.staked })
}

/// What the prover of `fraud` signs (`proverSignature`), on the chain of `domain`:
/// `keccak256(0x1901 ‖ separator ‖ keccak256(abi.encode(childChainId, proof, prover)))`. The
/// stakes fields are left out: a proposer sets them to the stakes its block stands on.
pub fn prover_digest(domain: &SigningDomain, fraud: &ChildFraudProof) -> B256 {
    let named = (fraud.childChainId, fraud.proof.clone(), fraud.prover).abi_encode_params();
    let mut buf = [0u8; 66];
    buf[..2].copy_from_slice(&[0x19, 0x01]);
    buf[2..34].copy_from_slice(domain.separator().as_slice());
    buf[34..].copy_from_slice(alloy_primitives::keccak256(named).as_slice());
    alloy_primitives::keccak256(buf)
}

/// `fraud`, proven by the holder of `key`: it names the key's address as its prover and
/// carries its signature of [`prover_digest`].
pub fn signed_by(domain: &SigningDomain, key: &UserKey, fraud: ChildFraudProof) -> ChildFraudProof {
    let fraud = ChildFraudProof { prover: key.address(), ..fraud };
    let signature = key.sign_digest(&prover_digest(domain, &fraud));
    ChildFraudProof { proverSignature: signature.to_vec().into(), ..fraud }
}

/// What taking the stakes of the `slashed` operators of `chain` takes.
fn taken(view: &impl LedgerView, chain: u64, slashed: &[Address]) -> U256 {
    slashed.iter().fold(U256::ZERO, |sum, op| sum.saturating_add(view.child_stake(chain, op)))
}

/// `fraud` standing on the stakes of its child as `view` holds them: where they last changed,
/// what they hold after the stakes of the operators it convicts (none, when it convicts
/// nobody or its child is unknown), and the reward that pays its prover. A fraud proof's
/// stakes and output are data no signature binds: a proposer sets them to the stakes its
/// block stands on, so that a stake committed after a watcher built its proof cannot hold the
/// proof off.
pub fn on_stakes(view: &impl LedgerView, fraud: ChildFraudProof) -> (ChildFraudProof, U256) {
    let chain = fraud.childChainId;
    let record = view.child(chain).unwrap_or_default();
    let slashed = convicted(&record, &fraud.proof).unwrap_or_default();
    let taken = taken(view, chain, &slashed).min(record.staked);
    let reward = if slashed.contains(&fraud.prover) { U256::ZERO } else { prover_reward([taken]) };
    let fraud = ChildFraudProof {
        stakesHeight: record.stakes_ref.height,
        stakesIndex: record.stakes_ref.index,
        staked: record.staked - taken,
        ..fraud
    };
    (fraud, reward)
}

/// `stx` standing on the stakes `view` holds, when it is a well-formed fraud proof against a
/// child ([`on_stakes`]) that stays within [`MAX_TX_BYTES`] so; `None` for any other
/// transaction (judging it stays the ledger's, as it came).
pub fn restaked(view: &impl LedgerView, stx: &SignedTransaction) -> Option<SignedTransaction> {
    let tx = &stx.transaction;
    if tx.tx_kind() != Some(Kind::ProveChildFraud) || crate::form::check_form(stx).is_err() {
        return None;
    }
    let fraud: ChildFraudProof = decode("ChildFraudProof", &tx.data, MAX_TX_BYTES).ok()?;
    let (fraud, reward) = on_stakes(view, fraud);
    let restaked = prove_child_fraud_tx(&fraud, reward);
    (restaked.abi_encoded_size() <= MAX_TX_BYTES).then_some(restaked)
}

/// What a fraud proof `stx` proves, whatever stakes it stands on: the hash of its payload
/// with its stakes fields zeroed (`None` for any other transaction). [`restaked`] keeps it, so
/// a pool can drop the proof it holds once a re-linked one is committed.
pub fn fraud_proof_key(stx: &SignedTransaction) -> Option<alloy_primitives::B256> {
    let tx = &stx.transaction;
    if tx.tx_kind() != Some(Kind::ProveChildFraud) {
        return None;
    }
    let fraud: ChildFraudProof = decode("ChildFraudProof", &tx.data, MAX_TX_BYTES).ok()?;
    let bare = ChildFraudProof { stakesHeight: 0, stakesIndex: 0, staked: U256::ZERO, ..fraud };
    Some(alloy_primitives::keccak256(bare.abi_encode()))
}

/// Whether the fraud proof `c`, against a child whose stakes hold `staked`, takes no more
/// than they hold, names a prover and pays it (`outputs`) half of what it takes, or nothing:
/// what a fraud proof pays is then bounded by what was staked, whatever it says it convicts.
/// (Nothing is what a culprit proving its own fraud is paid; which operators a proof convicts
/// is this chain's judging, not its stakes' links.)
pub fn pays_what_it_takes(c: &ChildFraudProof, staked: U256, outputs: &[Output]) -> bool {
    let Some(taken) = staked.checked_sub(c.staked) else { return false };
    let expected = prove_child_fraud_tx(c, prover_reward([taken])).transaction.outputs;
    c.prover != Address::ZERO && (outputs.is_empty() || outputs == expected)
}

/// What a fraud proof against a child convicts.
struct Judged {
    /// The child.
    chain: u64,
    /// The first invalid height.
    height: u64,
    /// The height the proof shows (its anchor's, or its equivocation's).
    shown: u64,
    /// The operators who lose their stake.
    slashed: Vec<Address>,
}

/// What a fraud proof against a child convicts, as the root's `proveFraud` judges it. On a
/// frozen child the proof must show (its anchor's height, or the equivocation's) below what
/// the proof heard before showed ([`ChildRecord::rollback_shown`]): at or above it, what it
/// stands on is void already. (The root also hears a proof of a voided block while it takes
/// a stake; a plasma parent does not yet: README, "Validators not yet held to account".)
fn judge_child_fraud(
    domain: &SigningDomain,
    view: &impl LedgerView,
    c: &ChildFraudProof,
) -> Result<Judged, ChildError> {
    let chain = c.childChainId;
    let record = view.child(chain).ok_or(ChildError::UnknownChild(chain))?;
    let proof = &c.proof;
    let before = record.rollback_shown;
    let below = |height: u64| !record.frozen() || height < before;
    let not_below = |height| ChildError::NotBelowShown { chain, height, shown: before };
    let shown = shown_height(proof)?;
    if !below(shown) {
        return Err(not_below(shown));
    }
    let set = certifying_set(&record, proof)?;
    let child_domain = child_domain(domain, chain);
    let votes = child_domain.votes();
    let height = match equivocation_evidence(proof) {
        Some(e) => {
            let e = e.map_err(ChildError::Fraud)?;
            verify_equivocation(&set, votes, &e.a, &e.b).map_err(ChildError::Fraud)?.height
        }
        None => {
            let anchor = &proof.anchor;
            let as_accepted = accepted(domain.chain_id, view, chain, anchor, &c.acceptance)?;
            if proof.anchorCertificate.signerBitmap != as_accepted.certificate.signerBitmap {
                return Err(ChildError::NotTheAcceptedSigners { chain, height: anchor.height });
            }
            // Its signers are who certified it as accepted (the root checks no more).
            set.verify_checkpoint(votes, &as_accepted).map_err(|e| ChildError::Fraud(e.into()))?;
            let deposit = |n| view.child_deposit(chain, n).map(|d| d.record);
            let accepted_at = |h| view.child_checkpoint(chain, h);
            let epoch = record.params.epochLength;
            let schedule = |h| Some((Validator::set_hash(record.set_at(h)), epoch));
            let height = judge(&child_domain, proof, deposit, accepted_at, schedule)
                .map_err(ChildError::Fraud)?
                .height;
            // A history equivocation's other certificate is of the set that certified its height.
            if let Some(e) = history_equivocation_evidence(proof) {
                let certified = e.map_err(ChildError::Fraud)?.certified;
                certified_set(&record, height)?
                    .verify_certificate(votes, &certified)
                    .map_err(|e| ChildError::Fraud(e.into()))?;
            }
            height
        }
    };
    // An invalid block sits at or below the anchor it is shown under: this only guards it.
    if !below(height) {
        return Err(not_below(height));
    }
    Ok(Judged { chain, height, shown, slashed: convicted(&record, proof)? })
}

/// The height of the certified block `proof` shows: its anchor's, or the equivocation's.
fn shown_height(proof: &FraudProof) -> Result<u64, ChildError> {
    Ok(match equivocation_evidence(proof) {
        Some(e) => e.map_err(ChildError::Fraud)?.a.height,
        None => proof.anchor.height,
    })
}

/// The configuration of `record` that certified what `proof` shows: the one active at its
/// anchor's height, or at the equivocation's height.
pub fn certifying_set(
    record: &ChildRecord,
    proof: &FraudProof,
) -> Result<ValidatorSet, ChildError> {
    certified_set(record, shown_height(proof)?)
}

/// The configuration of `record` that certified `height`.
fn certified_set(record: &ChildRecord, height: u64) -> Result<ValidatorSet, ChildError> {
    ValidatorSet::new(record.set_at(height).to_vec()).map_err(ChildError::Set)
}

/// The operators a fraud proof against the child of `record` takes the stake of: those who
/// certified its anchor; for equivocation, those who signed both certificates in one round; for
/// the other forks, nobody ([`crate::fraud::convicted`] on why). Judging the proof is
/// [`super::validate_system`]'s; this only reads the bitmaps.
pub fn convicted(record: &ChildRecord, proof: &FraudProof) -> Result<Vec<Address>, ChildError> {
    let set = certifying_set(record, proof)?;
    let indices = match equivocation_evidence(proof) {
        Some(e) => {
            let e = e.map_err(ChildError::Fraud)?;
            signed_both_in_one_round(&set, &e.a, &e.b).map_err(ChildError::Fraud)?
        }
        None if convicts_anchor(proof.kind) => {
            set.signers(&proof.anchorCertificate.signerBitmap).map_err(ChildError::Certificate)?
        }
        None => Vec::new(),
    };
    Ok(indices.iter().filter_map(|i| set.validators().get(*i)).map(|v| v.operator).collect())
}

/// The prover's share of the stakes a fraud proof takes.
pub fn prover_reward(slashed: impl IntoIterator<Item = U256>) -> U256 {
    let taken = slashed.into_iter().fold(U256::ZERO, |sum, s| sum.saturating_add(s));
    // `taken * BPS / 10_000`, without overflow.
    let (bps, whole) = (U256::from(PROVER_REWARD_BPS), U256::from(10_000u64));
    taken / whole * bps + taken % whole * bps / whole
}
