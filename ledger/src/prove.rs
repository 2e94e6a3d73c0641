//! Fraud proofs built from a run of certified blocks: the pure half of a watcher.
//!
//! A watcher that holds a chain's blocks up to a checkpoint (its own, or fetched from anyone)
//! checks that they lead to the checkpointed header ([`check_links`]), finds the first one the
//! rules refuse ([`first_invalid`], and [`first_broken_header`] for the header rules a node runs
//! beside them) and turns the refusal into the evidence the parent's verifier takes
//! ([`build_proof`], [`build_header_proof`]), checked with this crate's own verifier first.
//! Built for every fault inside a transaction: inflation, a spend without the owner's
//! signature, a double spend (across blocks or within one transaction), a spend of an output
//! that never existed, a mint the parent never recorded or minted twice; and for headers that
//! break their parent link, their time or the validator schedule.

use crate::block::{apply_block, BlockError};
use crate::children::ChildError;
use crate::exit::prove_inclusion;
use crate::fraud::{
    evidence, verify_broken_history, verify_broken_schedule, verify_deposit_mismatch,
    verify_double_mint, verify_double_registration, verify_double_spend,
    verify_history_equivocation, verify_inflation, verify_invalid_signature, verify_malformed,
    verify_nonexistent_input, MintEvidence, MissingInput, SpendEvidence,
};
use crate::header::{self, HeaderError, NextSet};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::signing::SigningDomain;
use crate::tx::TxError;
use crate::types::{
    decode, Block, BlockHeader, BrokenHistoryEvidence, BrokenScheduleEvidence, ChildRegistration,
    CommitCertificate, DepositMismatchEvidence, DepositRecord, DoubleRegistrationEvidence,
    FraudKind as SolFraudKind, FraudProof, HistoryEquivocationEvidence, IncludedTx,
    InflationEvidence, InvalidSignatureEvidence, MalformedTransactionEvidence, MerkleProof,
    MintProof, RegistrationProof, TxInclusion, UtxoPos, Validator, MAX_BLOCK_TXS, MAX_TX_BYTES,
};
use crate::view::{LedgerView, Stacked};
use alloy_primitives::B256;
use alloy_sol_types::SolValue;

mod accepted;
mod cancellation;
mod link;
mod lock;
mod payout;
#[cfg(test)]
pub(crate) use payout::payout_evidence;
mod escrow;
mod record;
mod refusals;
mod restart;
mod run;
mod settlement;
mod stakes;
mod succession;

pub use refusals::{build_first_proof, first_refusals, refused_blocks};
pub use run::{check_links, LinkError};

/// The first of `blocks` (a run extending `view`'s head) that the ledger refuses, with why.
pub fn first_invalid<'b, V: LedgerView>(
    domain: &crate::signing::SigningDomain,
    view: &V,
    blocks: &'b [Block],
) -> Option<(&'b Block, BlockError)> {
    let mut stacked = Stacked::new(view);
    for block in blocks {
        match apply_block(domain, &stacked, block) {
            Ok(delta) => stacked.apply(&delta),
            Err(e) => return Some((block, e)),
        }
    }
    None
}

/// What the parent holds of a chain's validator schedule, for judging a run of its headers.
pub struct Schedule<'a> {
    /// The set that certifies the run's first block.
    pub first: Vec<Validator>,
    /// Blocks per epoch (0: the set never changes).
    pub epoch: u64,
    /// The configuration the parent numbered with a set hash, for a header that adopts it.
    pub by_hash: &'a dyn Fn(B256) -> Option<Vec<Validator>>,
}

/// The first of `blocks` (a run after the header `parent`) whose header breaks what a node
/// judges beside `apply_block` ([`crate::header`]): a time before its parent's, or the
/// validator schedule, followed through the sets the run adopts at its epoch ends. Returns
/// the block, why, and the set that certifies it. A header adopting a set the parent never
/// numbered ends the search: no later header can be judged.
pub fn first_broken_header<'b>(
    parent: Option<&BlockHeader>,
    blocks: &'b [Block],
    schedule: &Schedule<'_>,
) -> Option<(&'b Block, HeaderError, Vec<Validator>)> {
    let mut previous = parent.map(|p| p.timestamp);
    let mut set = schedule.first.clone();
    for block in blocks {
        let h = &block.header;
        let judged = header::check_time(h, previous, u64::MAX)
            .and_then(|()| {
                header::check_validator_sets(h, Validator::set_hash(&set), schedule.epoch)
            })
            .and_then(|next| header::check_proposer(h, &set).map(|()| next));
        match judged {
            Err(e) => return Some((block, e, set)),
            Ok(NextSet::Same) => {}
            Ok(NextSet::Adopts(next)) => set = (schedule.by_hash)(next)?,
        }
        previous = Some(h.timestamp);
    }
    None
}

/// The fraud proof for `bad`, whose header [`first_broken_header`] refused with `error`
/// against `set`, in a chain whose epochs are `epoch` blocks long: broken history for a time
/// before its parent's, broken schedule otherwise. A time ahead of a clock is no fault of
/// the block's content: no proof.
pub fn build_header_proof(
    cx: &ProofContext<'_>,
    bad: &Block,
    error: &HeaderError,
    set: &[Validator],
    epoch: u64,
) -> Result<FraudProof, ProofError> {
    match error {
        HeaderError::BeforeParent { .. } => parent_link(cx, bad),
        HeaderError::WrongSet { .. }
        | HeaderError::AdoptionOffEpoch { .. }
        | HeaderError::ProposerNotMember(_) => broken_schedule(cx, bad.header.height, set, epoch),
        HeaderError::AheadOfClock { .. } => Err(ProofError::Unsupported(error.to_string())),
    }
}

/// Why no proof could be built for an invalid block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The block is invalid in a way this node builds no proof for (yet).
    #[error("no fraud proof is built for: {0}")]
    Unsupported(String),
    /// A block the evidence needs is not at hand.
    #[error("block {0} is needed for the evidence and is not at hand")]
    Missing(u64),
    /// The ledger refuses the evidence (a bug here, or a block invalid in another way).
    #[error("the evidence does not verify: {0}")]
    Refuted(String),
}

/// What a proof is built from: the chain's blocks up to the anchor and the checkpoint.
pub struct ProofContext<'a> {
    /// The chain's signing domain.
    pub domain: &'a SigningDomain,
    /// Blocks `1..=anchor.height`, `blocks[h - 1]` at height `h`.
    pub blocks: &'a [&'a Block],
    /// The checkpointed header the evidence is proven under.
    pub anchor: &'a BlockHeader,
    /// Its certificate, as the parent accepted it.
    pub certificate: &'a CommitCertificate,
}

impl ProofContext<'_> {
    fn block(&self, height: u64) -> Result<&Block, ProofError> {
        usize::try_from(height)
            .ok()
            .and_then(|h| h.checked_sub(1))
            .and_then(|i| self.blocks.get(i))
            .copied()
            .ok_or(ProofError::Missing(height))
    }

    /// Transaction `index` of block `height`, proven under the anchor.
    fn inclusion(&self, height: u64, index: u32) -> Result<TxInclusion, ProofError> {
        let anchor = self.anchor.height;
        let before = usize::try_from(anchor.saturating_sub(1)).unwrap_or(usize::MAX);
        let history: Vec<B256> = self.blocks.iter().take(before).map(|b| b.header.hash()).collect();
        prove_inclusion(self.block(height)?, index, &history, anchor)
            .ok_or(ProofError::Missing(height))
    }

    /// Transaction `index` of block `height`, placed and proven under the anchor.
    fn included(&self, height: u64, index: u32) -> Result<IncludedTx, ProofError> {
        Ok(IncludedTx { height, txIndex: index, inclusion: self.inclusion(height, index)? })
    }

    /// The registration of child `chain` of this chain, proven under the anchor.
    fn registration(&self, chain: u64) -> Result<RegistrationProof, ProofError> {
        let registers = |stx: &crate::SignedTransaction| {
            let tx = &stx.transaction;
            tx.tx_kind() == Some(Kind::RegisterChild)
                && decode::<ChildRegistration>("ChildRegistration", &tx.data, MAX_TX_BYTES)
                    .is_ok_and(|r| child_chain_id(self.domain.chain_id, &r) == chain)
        };
        let (height, index) = self
            .blocks
            .iter()
            .find_map(|b| {
                let index = b.transactions.iter().position(registers)?;
                Some((b.header.height, index as u32))
            })
            .ok_or(ProofError::Unsupported(format!("no registration of child {chain}")))?;
        let inclusion = self.inclusion(height, index)?;
        Ok(RegistrationProof { height, txIndex: index, inclusion })
    }

    /// Block `height`'s header proven in the anchor's history.
    fn history_proof(&self, height: u64) -> Result<MerkleProof, ProofError> {
        if height == self.anchor.height {
            return Ok(MerkleProof::default());
        }
        let before = usize::try_from(self.anchor.height.saturating_sub(1)).unwrap_or(usize::MAX);
        let history: Vec<B256> = self.blocks.iter().take(before).map(|b| b.header.hash()).collect();
        crate::merkle::prove_history(&history, height).ok_or(ProofError::Missing(height))
    }

    /// Input `input` of transaction `(height, index)`, proven.
    fn spend(&self, height: u64, index: u32, input: usize) -> Result<SpendEvidence, ProofError> {
        let inclusion = self.inclusion(height, index)?;
        Ok(SpendEvidence { height, tx_index: index, inclusion, input_index: input })
    }

    fn proof(&self, kind: SolFraudKind, ev: &impl alloy_sol_types::SolValue) -> FraudProof {
        evidence::proof(kind, self.anchor, self.certificate, ev)
    }
}

/// Broken history between `bad` and its parent, which the context holds (the empty slot at
/// height 0 for the first block).
fn parent_link(cx: &ProofContext<'_>, bad: &Block) -> Result<FraudProof, ProofError> {
    let b = bad.header.height;
    let k = b.checked_sub(1).ok_or(ProofError::Missing(0))?;
    let (witness, witness_proof) = match k {
        0 => (BlockHeader::default(), MerkleProof::default()),
        k => (cx.block(k)?.header.clone(), cx.history_proof(k)?),
    };
    let ev = BrokenHistoryEvidence {
        broken: bad.header.clone(),
        brokenProof: cx.history_proof(b)?,
        witness,
        witnessProof: witness_proof,
        other: B256::ZERO,
        underBroken: MerkleProof::default(),
    };
    verify_broken_history(cx.domain.chain_id, cx.anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::BrokenHistory, &ev))
}

/// A history equivocation: the parent's checkpoint `anchor` (certified by `certificate`) holds
/// `shown` at a height below it, proven by `path` (what an exit proven through that block
/// reveals), where this chain's validators certified another block (`ours`: this node's
/// certificate of its own block there). Checked with the ledger's own verifier before it is
/// returned; whether a checkpoint between the height and the anchor refuses it is the
/// parent's to judge.
pub fn history_equivocation(
    chain_id: u64,
    (anchor, certificate): (&BlockHeader, &CommitCertificate),
    shown: &BlockHeader,
    path: &MerkleProof,
    ours: &CommitCertificate,
) -> Result<FraudProof, ProofError> {
    let ev = HistoryEquivocationEvidence {
        certified: ours.clone(),
        shown: shown.clone(),
        historyProof: path.clone(),
    };
    verify_history_equivocation(chain_id, anchor, &ev)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(evidence::proof(SolFraudKind::HistoryEquivocation, anchor, certificate, &ev))
}

/// A broken schedule: the context's block at `height` breaks the validator schedule
/// ([`crate::header::check_validator_sets`], [`crate::header::check_proposer`]) against `set`,
/// the parent's configuration at that height, whose epochs are `epoch` blocks long. Checked
/// with the ledger's own verifier (but for whether `set` is the parent's, which is the
/// parent's to judge) before it is returned.
pub fn broken_schedule(
    cx: &ProofContext<'_>,
    height: u64,
    set: &[Validator],
    epoch: u64,
) -> Result<FraudProof, ProofError> {
    let ev = BrokenScheduleEvidence {
        header: cx.block(height)?.header.clone(),
        historyProof: cx.history_proof(height)?,
        set: set.to_vec(),
    };
    let scheduled = (Validator::set_hash(set), epoch);
    verify_broken_schedule(cx.domain.chain_id, cx.anchor, &ev, scheduled)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    Ok(cx.proof(SolFraudKind::BrokenSchedule, &ev))
}

/// The fraud proof for `bad`, refused with `error` (from [`first_invalid`]). `parent_record`
/// is the parent's record of a deposit nonce as this node knows it. The proof is checked with
/// the ledger's own verifier (the one the parent runs) before it is returned.
pub fn build_proof(
    cx: &ProofContext<'_>,
    bad: &Block,
    error: &BlockError,
    parent_record: impl Fn(u64) -> Option<DepositRecord>,
) -> Result<FraudProof, ProofError> {
    let (height, chain_id, anchor) = (bad.header.height, cx.domain.chain_id, cx.anchor);
    let refuted = |e: crate::fraud::FraudError| ProofError::Refuted(e.to_string());
    let (index, error) = match error {
        BlockError::InvalidTransaction { index, error } => (*index, error),
        // The header breaks what it owes its parent (which the node applied: its deposits
        // ended where this block's body starts).
        BlockError::WrongParent { .. } => return parent_link(cx, bad),
        BlockError::DepositRangeBroken { .. } => return parent_link(cx, bad),
        // The body mints past the header's range: the first such mint is outside it.
        BlockError::MintOutsideRange { .. } => {
            let range = bad.header.depositNonceStart..bad.header.depositNonceEnd;
            let outside = bad.transactions.iter().position(|t| {
                t.transaction.tx_kind() == Some(Kind::Deposit)
                    && DepositRecord::abi_decode(&t.transaction.data)
                        .is_ok_and(|r| !range.contains(&r.nonce))
            });
            let index = outside.ok_or_else(|| ProofError::Unsupported(error.to_string()))?;
            let index = u32::try_from(index).map_err(|_| ProofError::Missing(height))?;
            let minted = cx.inclusion(height, index)?;
            let record =
                DepositRecord::abi_decode(&bad.transactions[index as usize].transaction.data)
                    .ok()
                    .and_then(|r| parent_record(r.nonce));
            verify_deposit_mismatch(chain_id, anchor, height, index, &minted, &parent_record)
                .map_err(refuted)?;
            let ev = DepositMismatchEvidence {
                minted: MintProof { height, txIndex: index, inclusion: minted },
                parentRecord: record.unwrap_or_default(),
            };
            return Ok(cx.proof(SolFraudKind::DepositMismatch, &ev));
        }
        // The first transaction past the limit is malformed by its index.
        BlockError::TooManyTransactions(_) => {
            let index = u32::try_from(MAX_BLOCK_TXS).map_err(|_| ProofError::Missing(height))?;
            let inclusion = cx.inclusion(height, index)?;
            verify_malformed(chain_id, anchor, height, index, &inclusion).map_err(refuted)?;
            let ev = MalformedTransactionEvidence { height, txIndex: index, inclusion };
            return Ok(cx.proof(SolFraudKind::MalformedTransaction, &ev));
        }
        other => return Err(ProofError::Unsupported(other.to_string())),
    };
    let tx = &bad.transactions.get(index as usize).ok_or(ProofError::Missing(height))?.transaction;
    let input_of = |tx: &crate::Transaction, pos: &UtxoPos| {
        tx.inputs.iter().position(|p| p == pos).ok_or(ProofError::Missing(height))
    };
    match error {
        TxError::ValueMismatch { .. } => {
            let spend = cx.inclusion(height, index)?;
            let inputs = tx
                .inputs
                .iter()
                .map(|pos| cx.inclusion(pos.blockHeight, pos.txIndex))
                .collect::<Result<Vec<_>, _>>()?;
            // An exit start's bond is its child's, shown by the child's registration.
            let child = crate::fraud::registered::exit_start_child(tx);
            let registration = child.map(|c| cx.registration(c)).transpose()?.into_iter().collect();
            let ev = InflationEvidence { height, txIndex: index, spend, inputs, registration };
            verify_inflation(chain_id, anchor, &ev).map_err(refuted)?;
            Ok(cx.proof(SolFraudKind::Inflation, &ev))
        }
        TxError::BadSignature { input, .. } | TxError::WrongSigner { input, .. } => {
            let spend = cx.spend(height, index, *input)?;
            let pos = tx.inputs.get(*input).ok_or(ProofError::Missing(height))?;
            let creating = cx.inclusion(pos.blockHeight, pos.txIndex)?;
            verify_invalid_signature(cx.domain, anchor, &spend, &creating).map_err(refuted)?;
            let ev = InvalidSignatureEvidence { spend: (&spend).into(), creating };
            Ok(cx.proof(SolFraudKind::InvalidSignature, &ev))
        }
        TxError::InputSpent { pos, spent_by } => {
            let earlier = &cx.block(spent_by.height)?.transactions;
            let earlier = &earlier
                .get(spent_by.index as usize)
                .ok_or(ProofError::Missing(spent_by.height))?
                .transaction;
            let a = cx.spend(spent_by.height, spent_by.index, input_of(earlier, pos)?)?;
            let b = cx.spend(height, index, input_of(tx, pos)?)?;
            verify_double_spend(chain_id, anchor, &a, &b).map_err(refuted)?;
            Ok(cx.proof(SolFraudKind::DoubleSpend, &evidence::double_spend(&a, &b)))
        }
        TxError::DuplicateInput { pos } => {
            let first = input_of(tx, pos)?;
            let second = tx
                .inputs
                .iter()
                .enumerate()
                .skip(first + 1)
                .find_map(|(i, p)| (p == pos).then_some(i))
                .ok_or(ProofError::Missing(height))?;
            let (a, b) = (cx.spend(height, index, first)?, cx.spend(height, index, second)?);
            verify_double_spend(chain_id, anchor, &a, &b).map_err(refuted)?;
            Ok(cx.proof(SolFraudKind::DoubleSpend, &evidence::double_spend(&a, &b)))
        }
        TxError::InputMissing { pos } => {
            let spend = cx.spend(height, index, input_of(tx, pos)?)?;
            let missing = if pos.blockHeight == 0
                || (pos.blockHeight, pos.txIndex) >= (height, index)
            {
                MissingInput::NotYetCreated
            } else {
                let block = cx.block(pos.blockHeight)?;
                let count = block.transactions.len() as u32;
                if pos.txIndex < count {
                    MissingInput::NoSuchOutput(cx.inclusion(pos.blockHeight, pos.txIndex)?)
                } else if count > 0 {
                    MissingInput::AfterLastTransaction(cx.inclusion(pos.blockHeight, count - 1)?)
                } else {
                    let header = block.header.clone();
                    let proof = cx.history_proof(pos.blockHeight)?;
                    MissingInput::EmptyBlock(header, proof)
                }
            };
            verify_nonexistent_input(chain_id, anchor, &spend, &missing).map_err(refuted)?;
            let ev = evidence::nonexistent_input(&spend, &missing);
            Ok(cx.proof(SolFraudKind::NonexistentInput, &ev))
        }
        // Below the block's deposit range (minted before, or passed over by a range before):
        // outside its header's range. Within it: not above a mint before it in the block.
        TxError::DepositOutOfOrder { got, .. } if *got < bad.header.depositNonceStart => {
            let minted = cx.inclusion(height, index)?;
            verify_deposit_mismatch(chain_id, anchor, height, index, &minted, &parent_record)
                .map_err(refuted)?;
            let ev = DepositMismatchEvidence {
                minted: MintProof { height, txIndex: index, inclusion: minted },
                parentRecord: parent_record(*got).unwrap_or_default(),
            };
            Ok(cx.proof(SolFraudKind::DepositMismatch, &ev))
        }
        TxError::DepositOutOfOrder { got, .. } => {
            let before = bad.transactions[..index as usize].iter().rposition(|t| {
                t.transaction.tx_kind() == Some(Kind::Deposit)
                    && DepositRecord::abi_decode(&t.transaction.data).is_ok_and(|r| r.nonce >= *got)
            });
            let first = before.ok_or_else(|| ProofError::Unsupported(error.to_string()))?;
            let mint = |i: u32| -> Result<MintEvidence, ProofError> {
                Ok(MintEvidence { height, tx_index: i, inclusion: cx.inclusion(height, i)? })
            };
            let (a, b) = (mint(first as u32)?, mint(index)?);
            verify_double_mint(chain_id, anchor, &a, &b).map_err(refuted)?;
            Ok(cx.proof(SolFraudKind::DoubleMint, &evidence::double_mint(&a, &b)))
        }
        TxError::System(system) => match &**system {
            // The child's first registration, and this one.
            ChildError::AlreadyRegistered(child) => {
                let first = cx.registration(*child)?;
                let inclusion = cx.inclusion(height, index)?;
                let again = RegistrationProof { height, txIndex: index, inclusion };
                verify_double_registration(chain_id, anchor, &first, &again).map_err(refuted)?;
                let ev = DoubleRegistrationEvidence { a: first, b: again };
                Ok(cx.proof(SolFraudKind::DoubleRegistration, &ev))
            }
            // What the child's registration and earlier transactions show of its record
            // refuses this one.
            ChildError::AlreadyBonded(_)
            | ChildError::SetSize(_)
            | ChildError::BondPossession
            | ChildError::BelowMinimum { .. }
            | ChildError::NotNewer { .. }
            | ChildError::AheadOfClock { .. }
            | ChildError::BondOutput
            | ChildError::Exit(_)
            | ChildError::Frozen(_)
            | ChildError::ProverSignature(_) => record::child_record_proof(cx, height, index),
            ChildError::Certificate(_) => record::uncertified_checkpoint_proof(cx, height, index),
            ChildError::Unaccepted { .. } | ChildError::NotTheAcceptedSigners { .. } => {
                accepted::unaccepted_anchor_proof(cx, height, index)
            }
            ChildError::VoidAnchor { .. } => accepted::voided_anchor_proof(cx, height, index),
            // It stands on a checkpoint (or an equivocation) the fraud proof heard before voided.
            ChildError::NotBelowShown { .. } => accepted::voided_anchor_proof(cx, height, index),
            ChildError::NotFollowing { .. }
            | ChildError::TooFarAhead { .. }
            | ChildError::WrongSet { .. } => {
                succession::checkpoint_succession_proof(cx, height, index)
            }
            ChildError::ExitNotActive { .. } | ChildError::Challenge(_) => {
                settlement::unfounded_settlement_proof(cx, height, index)
            }
            ChildError::AlreadyExited(_) | ChildError::NotLatestCancellation { .. } => {
                restart::repeated_exit_proof(cx, height, index)
            }
            ChildError::UnknownDeposit { .. } | ChildError::DepositExit(_) => {
                lock::unfounded_deposit_exit_proof(cx, height, index)
            }
            ChildError::NotTheRegistration { .. } => {
                lock::unregistered_child_proof(cx, height, index)
            }
            ChildError::StakesLink { .. } | ChildError::RewardOutput => {
                stakes::unfounded_stake_proof(cx, height, index)
            }
            ChildError::EscrowLink { .. } => escrow::unfounded_escrow_proof(cx, height, index),
            // A stake, bond or fraud proof of a child never registered names no registration.
            ChildError::UnknownChild(_)
                if matches!(
                    tx.tx_kind(),
                    Some(Kind::StakeChild | Kind::BondChild | Kind::ProveChildFraud)
                ) =>
            {
                stakes::unfounded_stake_proof(cx, height, index)
            }
            // Refused first for a reason not proven yet, a start may still stand on no lock or
            // repeat an exit.
            other => lock::unfounded_deposit_exit_proof(cx, height, index).or_else(|first| {
                restart::repeated_exit_proof(cx, height, index).map_err(|then| {
                    match (first, then) {
                        // Blocks not at hand: a retry may find the proof.
                        (ProofError::Missing(h), _) | (_, ProofError::Missing(h)) => {
                            ProofError::Missing(h)
                        }
                        _ => ProofError::Unsupported(other.to_string()),
                    }
                })
            }),
        }
        // A fraud proof is refused for its prover's signature last: refused first for what
        // is not proven yet (or proven otherwise, which failed), an unsigned one still is.
        .or_else(|first| match tx.tx_kind() {
            Some(Kind::ProveChildFraud) if !matches!(first, ProofError::Missing(_)) => {
                record::child_record_proof(cx, height, index).map_err(|_| first)
            }
            _ => Err(first),
        }),
        TxError::UnknownChild(_) => lock::unregistered_child_proof(cx, height, index),
        TxError::PayoutOwner { .. } => settlement::unfounded_settlement_proof(cx, height, index),
        TxError::PayoutEarly { .. }
        | TxError::PayoutExceeds { .. }
        | TxError::PayoutToken { .. }
        | TxError::RecordExitCancelled { .. }
        | TxError::PayoutMismatch { .. } => payout::overdrawn_payout_proof(cx, height, index),
        TxError::VoidedExitPaid { .. } => accepted::voided_anchor_proof(cx, height, index),
        TxError::CancellationLink { .. } | TxError::StandingExitCancelled { .. } => {
            cancellation::unfounded_cancellation_proof(cx, height, index)
        }
        TxError::Form(_) => {
            let inclusion = cx.inclusion(height, index)?;
            verify_malformed(chain_id, anchor, height, index, &inclusion).map_err(refuted)?;
            let ev = MalformedTransactionEvidence { height, txIndex: index, inclusion };
            Ok(cx.proof(SolFraudKind::MalformedTransaction, &ev))
        }
        TxError::DepositUnknown { .. }
        | TxError::DepositMismatch { .. }
        | TxError::DepositWrongChain { .. }
            if tx.tx_kind() == Some(Kind::Deposit) =>
        {
            let minted = cx.inclusion(height, index)?;
            let nonce = DepositRecord::abi_decode(&tx.data).map(|r| r.nonce).ok();
            let record = nonce.and_then(&parent_record);
            verify_deposit_mismatch(chain_id, anchor, height, index, &minted, &parent_record)
                .map_err(refuted)?;
            let ev = DepositMismatchEvidence {
                minted: MintProof { height, txIndex: index, inclusion: minted },
                parentRecord: record.unwrap_or_default(),
            };
            Ok(cx.proof(SolFraudKind::DepositMismatch, &ev))
        }
        other => Err(ProofError::Unsupported(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build;
    use crate::testkit::{self, TestChain};
    use crate::{Output, U256};

    /// Alice's deposit (block 1), her payment to herself (block 2), then `fraud` sealed
    /// unchecked (block 3) and an empty checkpoint (block 4). Returns the chain and the
    /// honest state after block 2.
    fn with_fraud(
        fraud: impl FnOnce(&TestChain) -> Vec<crate::SignedTransaction>,
    ) -> (TestChain, TestChain) {
        let alice = testkit::user("alice");
        let mut chain = TestChain::new();
        let token = crate::Address::ZERO;
        let record = chain.record_deposit(alice.address(), token, 100);
        chain.commit(vec![build::deposit_transaction(&record)]);
        let pay = build::transfer(
            &chain.domain,
            &[(UtxoPos::new(1, 0, 0), &alice)],
            vec![Output::new(alice.address(), token, U256::from(100))],
        );
        chain.commit(vec![pay]);
        let honest = chain.clone();
        let txs = fraud(&chain);
        chain.commit_unchecked(txs);
        chain.commit_unchecked(Vec::new());
        (chain, honest)
    }

    fn transfer_of(
        chain: &TestChain,
        inputs: Vec<UtxoPos>,
        amount: u64,
        signer: &str,
    ) -> crate::SignedTransaction {
        let alice = testkit::user("alice");
        let out = Output::new(alice.address(), crate::Address::ZERO, U256::from(amount));
        let tx = build::transaction(Kind::Transfer, inputs, vec![out], Vec::new());
        let n = tx.inputs.len();
        let key = testkit::user(signer);
        build::sign(&chain.domain, tx, &vec![&key; n])
    }

    /// Finds the invalid block 3, builds the proof, and checks it is of `kind`.
    fn proven(chain: &TestChain, honest: &TestChain, kind: SolFraudKind) -> FraudProof {
        let run = &chain.blocks[2..];
        let anchor = chain.tip().clone();
        check_links(&honest.state.head, run, &anchor).expect("the run links to the anchor");
        let (bad, error) =
            first_invalid(&chain.domain, &honest.state, run).expect("block 3 is invalid");
        assert_eq!(bad.header.height, 3);
        let blocks: Vec<&Block> = chain.blocks.iter().collect();
        let certificate =
            CommitCertificate { height: 4, blockHash: anchor.hash(), ..Default::default() };
        let cx = ProofContext {
            domain: &chain.domain,
            blocks: &blocks,
            anchor: &anchor,
            certificate: &certificate,
        };
        let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
        let proof = build_proof(&cx, bad, &error, records).expect("a proof");
        assert_eq!(proof.kind, kind as u8, "{error}");
        assert_eq!(proof.anchor, anchor);
        proof
    }

    #[test]
    fn inflation_is_proven() {
        let (chain, honest) =
            with_fraud(|c| vec![transfer_of(c, vec![UtxoPos::new(2, 0, 0)], 100_000, "alice")]);
        let proof = proven(&chain, &honest, SolFraudKind::Inflation);
        let ev = InflationEvidence::abi_decode(&proof.evidence).expect("evidence decodes");
        let anchor = &proof.anchor;
        let verdict = verify_inflation(anchor.chainId, anchor, &ev).expect("inflation");
        assert_eq!(verdict.height, 3);
    }

    #[test]
    fn a_spend_signed_by_another_key_is_proven() {
        let (chain, honest) =
            with_fraud(|c| vec![transfer_of(c, vec![UtxoPos::new(2, 0, 0)], 100, "mallory")]);
        proven(&chain, &honest, SolFraudKind::InvalidSignature);
    }

    #[test]
    fn double_spends_are_proven_across_blocks_and_within_a_transaction() {
        // Block 2 already spent 1:0:0.
        let (chain, honest) =
            with_fraud(|c| vec![transfer_of(c, vec![UtxoPos::new(1, 0, 0)], 100, "alice")]);
        proven(&chain, &honest, SolFraudKind::DoubleSpend);
        let twice = vec![UtxoPos::new(2, 0, 0), UtxoPos::new(2, 0, 0)];
        let (chain, honest) = with_fraud(|c| vec![transfer_of(c, twice, 200, "alice")]);
        proven(&chain, &honest, SolFraudKind::DoubleSpend);
    }

    #[test]
    fn spends_of_outputs_that_never_existed_are_proven() {
        for pos in [UtxoPos::new(2, 0, 5), UtxoPos::new(2, 7, 0), UtxoPos::new(3, 9, 0)] {
            let (chain, honest) =
                with_fraud(|c| vec![transfer_of(c, vec![pos.clone()], 100, "alice")]);
            proven(&chain, &honest, SolFraudKind::NonexistentInput);
        }
    }

    #[test]
    fn forged_and_repeated_mints_are_proven() {
        let alice = testkit::user("alice").address();
        let forged = crate::DepositRecord {
            chainId: testkit::domain().chain_id,
            nonce: 1,
            depositor: alice,
            recipient: alice,
            token: crate::Address::ZERO,
            amount: U256::from(10u64.pow(18)),
        };
        let (chain, honest) = with_fraud(|_| vec![build::deposit_transaction(&forged)]);
        proven(&chain, &honest, SolFraudKind::DepositMismatch);
        // Minted again in a later block: below that block's range (mints within one block
        // are proven by the two, `tests/it/completeness/mints.rs`).
        let (chain, honest) = with_fraud(|c| {
            let first = c.blocks[0].transactions[0].clone();
            vec![first]
        });
        proven(&chain, &honest, SolFraudKind::DepositMismatch);
    }

    #[test]
    fn a_malformed_transaction_is_proven_by_its_form() {
        let (chain, honest) = with_fraud(|c| {
            let mut stake = transfer_of(c, vec![UtxoPos::new(2, 0, 0)], 1_100, "alice");
            stake.transaction.kind = Kind::StakeChild as u8;
            stake.transaction.data = vec![1, 2, 3].into();
            let key = testkit::user("alice");
            vec![build::sign(&c.domain, stake.transaction, &[&key])]
        });
        let proof = proven(&chain, &honest, SolFraudKind::MalformedTransaction);
        let ev = MalformedTransactionEvidence::abi_decode(&proof.evidence).expect("decodes");
        let anchor = &proof.anchor;
        let verdict =
            verify_malformed(anchor.chainId, anchor, ev.height, ev.txIndex, &ev.inclusion);
        assert_eq!(verdict.map(|v| v.height), Ok(3));
    }

    #[test]
    fn a_run_that_does_not_reach_the_checkpoint_is_refused() {
        let (chain, honest) =
            with_fraud(|c| vec![transfer_of(c, vec![UtxoPos::new(2, 0, 0)], 100_000, "alice")]);
        let run = &chain.blocks[2..];
        // Another anchor: the run is not the certified history.
        let mut other = chain.tip().clone();
        other.timestamp += 1;
        assert!(matches!(
            check_links(&honest.state.head, run, &other),
            Err(LinkError::Anchor { .. })
        ));
        // A gap.
        let gapped = [chain.blocks[3].clone()];
        assert!(matches!(
            check_links(&honest.state.head, &gapped, chain.tip()),
            Err(LinkError::Height { .. })
        ));
        // A body swapped under its header.
        let mut swapped = run.to_vec();
        swapped[0].transactions.clear();
        assert_eq!(check_links(&honest.state.head, &swapped, chain.tip()), Err(LinkError::Body(3)));
    }

    #[test]
    fn valid_runs_need_no_proof_and_unprovable_faults_get_none() {
        let (chain, honest) =
            with_fraud(|c| vec![transfer_of(c, vec![UtxoPos::new(2, 0, 0)], 100, "alice")]);
        // Honest blocks stacked on the chain before them (the deposit recorded) are valid.
        let mut genesis = TestChain::new();
        genesis.record_deposit(testkit::user("alice").address(), crate::Address::ZERO, 100);
        assert!(first_invalid(&chain.domain, &genesis.state, &honest.blocks).is_none());
        // Block 3 here is valid too (it pays 100 for 100).
        assert!(first_invalid(&chain.domain, &genesis.state, &chain.blocks).is_none());
        // A fault outside the transactions is reported as unsupported, not misproven.
        let error = BlockError::TxRootMismatch { expected: B256::ZERO, got: B256::ZERO };
        let blocks: Vec<&Block> = chain.blocks.iter().collect();
        let certificate = CommitCertificate::default();
        let cx = ProofContext {
            domain: &chain.domain,
            blocks: &blocks,
            anchor: chain.tip(),
            certificate: &certificate,
        };
        let err = build_proof(&cx, &chain.blocks[2], &error, |_| None).expect_err("unsupported");
        assert!(matches!(err, ProofError::Unsupported(_)));
    }
}
