//! What a certified block of a parent did for one child, read by whoever follows the parent
//! as a light client: the system transactions of a certified block are exactly what the
//! parent accepted, so a follower learns a child's registry, checkpoints, stakes, exits and
//! deposits from certified blocks alone.

use super::record::RecordedDeposit;
use super::registry::child_domain;
use super::stake::bond_power;
use crate::exit::{deposit_exit, verify_exit_start, ExitClaim};
use crate::fraud::{equivocation_evidence, judge};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::signing::{Signers, SigningDomain};
use crate::types::TxRef;
use crate::types::{
    decode, Block, BrokenScheduleEvidence, Checkpoint, ChildBond, ChildDeposit, ChildDepositExit,
    ChildExitStart, ChildFraudProof, ChildRegistration, ChildStake, ConflictingCheckpointsEvidence,
    DepositRecord, FraudKind as SolFraudKind, LinkedCheckpoint, SignedTransaction, Validator,
    MAX_TX_BYTES,
};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolType, SolValue};

/// What one certified block of a parent did for child `chain`, in block order: read by
/// whoever follows the parent as a light client. `earlier` are the child's deposits the
/// parent recorded before this block, by nonce: a deposit's nonce is its lock's place
/// ([`TxRef::deposit_nonce`]), and an exit from a deposit's record claims what the record
/// (there or in this block) says, from when it was recorded. `checkpoints` are the child's
/// checkpoints the parent accepted before this block, by height (a fraud proof's verdict may
/// depend on them: a broken link above one convicts the block above it). A deposit's depositor is the
/// signer of its first input, recovered under the parent's `domain`.
pub fn child_events(
    domain: &SigningDomain,
    block: &Block,
    chain: u64,
    (earlier, checkpoints): (&[RecordedDeposit], &dyn Fn(u64) -> Option<B256>),
    signers: &impl Signers,
) -> Vec<ChildEvent> {
    let parent = block.header.chainId;
    let mut recorded_here: Vec<RecordedDeposit> = Vec::new();
    let mut checkpointed_here: Vec<(u64, B256)> = Vec::new();
    let mut events = Vec::new();
    for (index, stx) in block.transactions.iter().enumerate() {
        let tx = &stx.transaction;
        match tx.tx_kind() {
            Some(Kind::RegisterChild) => {
                let Some(reg) = payload::<ChildRegistration>("ChildRegistration", tx) else {
                    continue;
                };
                if child_chain_id(parent, &reg) == chain {
                    let at = TxRef { height: block.header.height, index: index as u32 };
                    events.push(ChildEvent::Registered(reg, at));
                }
            }
            Some(Kind::ChildCheckpoint) => {
                let Some(linked) = payload::<LinkedCheckpoint>("LinkedCheckpoint", tx) else {
                    continue;
                };
                let cp = linked.checkpoint;
                if cp.header.chainId == chain {
                    let at = TxRef { height: block.header.height, index: index as u32 };
                    checkpointed_here.push((cp.header.height, cp.header.hash()));
                    events.push(ChildEvent::Checkpoint(Box::new(cp), at));
                }
            }
            Some(Kind::ProveChildFraud) => {
                let Some(c) = payload::<ChildFraudProof>("ChildFraudProof", tx) else { continue };
                if c.childChainId != chain {
                    continue;
                }
                // Accepted, so it convicts; the height is its verdict's, and what the verdict
                // looked up is the parent's: a deposit mismatch convicts at the mint's height
                // whatever the parent's record, and the earlier of two conflicting checkpoints
                // is the one the evidence names, and an invalid block's rollback is lifted above
                // the checkpoints the parent held below the anchor then.
                let height = match equivocation_evidence(&c.proof) {
                    Some(e) => e.map(|e| e.a.height).ok(),
                    None => {
                        let child = child_domain(domain, chain);
                        let conflicting =
                            c.proof.kind == SolFraudKind::ConflictingCheckpoints as u8;
                        let earlier = conflicting
                            .then(|| {
                                let what = "ConflictingCheckpointsEvidence";
                                let bytes = &c.proof.evidence;
                                decode::<ConflictingCheckpointsEvidence>(what, bytes, MAX_TX_BYTES)
                                    .ok()
                            })
                            .flatten()
                            .map(|e| (e.earlier.height, e.earlier.hash()));
                        // The parent's checkpoints as it held them when it judged the proof:
                        // those of earlier blocks, and of this one before it.
                        let held = |h| {
                            let here = checkpointed_here.iter().find(|(at, _)| *at == h);
                            let named = earlier.filter(|(at, _)| *at == h);
                            named.or(here.copied()).map(|(_, hash)| hash).or_else(|| checkpoints(h))
                        };
                        // A broken schedule was judged against the set it shows (the parent
                        // checked it); with no epoch end, every fault stays one.
                        let shown = |_| {
                            let what = "BrokenScheduleEvidence";
                            decode::<BrokenScheduleEvidence>(
                                what,
                                &c.proof.evidence,
                                8 * MAX_TX_BYTES,
                            )
                            .ok()
                            .map(|e| (Validator::set_hash(&e.set), 0))
                        };
                        judge(&child, &c.proof, |_| None, held, shown).map(|v| v.height).ok()
                    }
                };
                // Its stakes changed whatever a follower reads of its verdict.
                let stakes = stakes(block, index, c.staked);
                events.push(ChildEvent::FraudProven { height, stakes });
            }
            Some(Kind::StakeChild) => {
                let Some(stake) = payload::<ChildStake>("ChildStake", tx) else { continue };
                if stake.childChainId != chain {
                    continue;
                }
                if let Some(operator) = first_signer(domain, stx, signers) {
                    let stakes = stakes(block, index, stake.staked);
                    events.push(ChildEvent::Staked { operator, amount: stake.amount, stakes });
                }
            }
            Some(Kind::BondChild) => {
                let Some(bond) = payload::<ChildBond>("ChildBond", tx) else { continue };
                if bond.childChainId != chain {
                    continue;
                }
                let Some(operator) = first_signer(domain, stx, signers) else { continue };
                let Ok(power) = bond_power(bond.amount) else { continue };
                let validator = Validator { operator, blsPubkey: bond.blsPubkey, power };
                let stakes = stakes(block, index, bond.staked);
                events.push(ChildEvent::Bonded { validator, amount: bond.amount, stakes });
            }
            Some(Kind::StartChildExit) => {
                let Some(start) = payload::<ChildExitStart>("ChildExitStart", tx) else { continue };
                if start.childChainId != chain {
                    continue;
                }
                let Some(claimant) = first_signer(domain, stx, signers) else { continue };
                let proven =
                    verify_exit_start(chain, &start.anchor, &start.pos, &start.inclusion, claimant);
                if let Ok(claim) = proven {
                    events.push(ChildEvent::ExitStarted {
                        claim,
                        started_at: block.header.timestamp,
                        at: TxRef { height: block.header.height, index: index as u32 },
                    });
                }
            }
            Some(Kind::StartChildDepositExit) => {
                let Some(start) = payload::<ChildDepositExit>("ChildDepositExit", tx) else {
                    continue;
                };
                if start.childChainId != chain {
                    continue;
                }
                let Some(claimant) = first_signer(domain, stx, signers) else { continue };
                let nonce = start.nonce;
                let recorded = earlier
                    .binary_search_by_key(&nonce, |d| d.record.nonce)
                    .ok()
                    .map(|i| &earlier[i])
                    .or_else(|| recorded_here.iter().find(|d| d.record.nonce == nonce));
                // Accepted, so the parent holds the record: the follower has it too, unless
                // it was handed deposits out of order.
                let Some(d) = recorded else { continue };
                if let Ok(claim) = deposit_exit(&d.record, d.recorded_at, claimant) {
                    events.push(ChildEvent::ExitStarted {
                        claim,
                        started_at: block.header.timestamp,
                        at: TxRef { height: block.header.height, index: index as u32 },
                    });
                }
            }
            Some(Kind::DepositToChild) => {
                let Some(lock) = payload::<ChildDeposit>("ChildDeposit", tx) else { continue };
                if lock.childChainId != chain {
                    continue;
                }
                let Some(depositor) = first_signer(domain, stx, signers) else { continue };
                let record = DepositRecord {
                    chainId: chain,
                    nonce: TxRef { height: block.header.height, index: index as u32 }
                        .deposit_nonce(),
                    depositor,
                    recipient: lock.recipient,
                    token: lock.token,
                    amount: lock.amount,
                };
                let recorded_at = block.header.timestamp;
                recorded_here.push(RecordedDeposit { record: record.clone(), recorded_at });
                events.push(ChildEvent::Deposit { record, tx_index: index as u32 });
            }
            _ => {}
        }
    }
    events
}
/// The child's stakes after the transaction at `index` of `block`, which says they hold
/// `staked`.
fn stakes(block: &Block, index: usize, staked: U256) -> Stakes {
    Stakes { at: TxRef { height: block.header.height, index: index as u32 }, staked }
}

/// Where a parent changed a child's stakes and what they hold after it
/// ([`super::ChildRecord::stakes_ref`], [`super::ChildRecord::staked`]): the next stake, bond or
/// fraud proof of the child names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stakes {
    /// The transaction that changed them.
    pub at: TxRef,
    /// What they hold after it.
    pub staked: U256,
}

/// Who signed the first input of `stx` under `domain`: its owner, in a certified block.
fn first_signer(
    domain: &SigningDomain,
    stx: &SignedTransaction,
    signers: &impl Signers,
) -> Option<Address> {
    let digest = domain.signing_hash(&stx.transaction);
    stx.signatures.first().and_then(|s| signers.signer(&digest, s).ok())
}
/// One thing a parent's block did for a child ([`child_events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildEvent {
    /// The child was registered, by the transaction at this place.
    Registered(ChildRegistration, TxRef),
    /// A checkpoint was accepted, by the transaction at this place.
    Checkpoint(Box<Checkpoint>, TxRef),
    /// A validator of the child bonded stake.
    Staked {
        /// Its operator.
        operator: Address,
        /// ETH added.
        amount: U256,
        /// The child's stakes after it.
        stakes: Stakes,
    },
    /// A validator bonded stake and joined the child's next configuration
    /// ([`ChildRecord::bond`](super::record::ChildRecord::bond)).
    Bonded {
        /// The member it adds.
        validator: Validator,
        /// ETH bonded.
        amount: U256,
        /// The child's stakes after it.
        stakes: Stakes,
    },
    /// Fraud was proven: the child is frozen from `height` on, and the stakes it convicts are
    /// gone (the child's stakes hold `stakes.staked`).
    FraudProven {
        /// The first invalid height, as the proof shows it (`None`: a verdict a follower cannot
        /// re-derive without the parent's records).
        height: Option<u64>,
        /// The child's stakes after it.
        stakes: Stakes,
    },
    /// An exit of one of the child's outputs, or of a deposit from the parent's record (a
    /// claim keyed by the deposit at position zero), was queued at `started_at` (parent time)
    /// by the transaction at `at` (which a challenge of it names).
    ExitStarted {
        /// The proven claim.
        claim: ExitClaim,
        /// The parent block's time.
        started_at: u64,
        /// Where the start is.
        at: TxRef,
    },
    /// Value was locked for the child, at the block's time.
    Deposit {
        /// The deposit as the child mints it.
        record: DepositRecord,
        /// Where in the parent's block.
        tx_index: u32,
    },
}

/// The payload of an accepted transaction, strictly decoded as its judge decoded it.
fn payload<T>(what: &'static str, tx: &crate::types::Transaction) -> Option<T>
where
    T: SolValue + From<<T::SolType as SolType>::RustType>,
{
    decode(what, &tx.data, MAX_TX_BYTES).ok()
}
