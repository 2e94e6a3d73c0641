//! Fraud-proof verification, one function per kind of fraud.
//!
//! Each function takes only what a challenger can gather — transactions with their inclusion
//! proofs under a checkpointed header (`anchor`), the parent's own records, certificates — and
//! returns a [`FraudVerdict`] naming the first invalid block, or why the evidence shows no
//! fraud. A verdict makes the parent roll the chain back to before `height` and slash.

use crate::exit::{verify_block_in_history, verify_inclusion, InclusionError};
use crate::kind::Kind;
use crate::signing::{recover_signer, SigningDomain};
use crate::types::{
    decode, BlockHeader, BrokenHistoryEvidence, BrokenScheduleEvidence, ChildBond, ChildDeposit,
    ChildStake, ConflictingCheckpointsEvidence, DecodeError, DepositRecord,
    HistoryEquivocationEvidence, InflationEvidence, MerkleProof, Output, TxInclusion, UtxoPos,
    MAX_BLOCK_TXS, MAX_TX_BYTES,
};
use crate::types::{Transaction, CHILD_DEPOSIT_BYTES, CHILD_STAKE_BYTES};
use alloy_primitives::{Address, B256, U256};
use std::collections::BTreeMap;

/// What kind of fraud was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FraudKind {
    /// One output spent twice.
    DoubleSpend,
    /// An input spent without its owner's valid signature.
    InvalidSignature,
    /// A transaction creates more of an asset than it consumes (or destroys some of it: value
    /// is conserved exactly, but for the ETH an exit start bonds).
    Inflation,
    /// A transaction spends an output that does not exist.
    NonexistentInput,
    /// A minted deposit differs from (or is missing in) the parent's record, or one deposit
    /// was minted twice.
    DepositMismatch,
    /// Two blocks certified for one height.
    Equivocation,
    /// Two checkpoints the parent accepted disagree about a block: the later one's history
    /// holds another block than the earlier one's history at a height up to the earlier one's.
    ConflictingCheckpoints,
    /// A checkpoint whose history contradicts itself: a header in it names another block at a
    /// lower height (its parent, or a leaf of its own history) than the history holds there.
    BrokenHistory,
    /// An included transaction invalid for its form alone ([`crate::form::check_form`]).
    MalformedTransaction,
    /// A checkpoint whose history holds another block at a height below it than the chain's
    /// validators certified there.
    HistoryEquivocation,
    /// A header that breaks the validator schedule: another set than the one that certifies
    /// its height, a set change off an epoch end, or a proposer who is not a member.
    BrokenSchedule,
    /// One child registered by two transactions.
    DoubleRegistration,
    /// A child transaction that the child's record, as included transactions show it,
    /// refuses ([`verify_child_record`]).
    ChildRecord,
    /// A child checkpoint whose certificate does not certify it against the set its header
    /// names ([`verify_uncertified_checkpoint`]).
    UncertifiedCheckpoint,
    /// An exit started under a child checkpoint the parent's history shows it never accepted
    /// ([`verify_unaccepted_anchor`]).
    UnacceptedAnchor,
    /// A child checkpoint that cannot follow what its link names
    /// ([`verify_checkpoint_succession`]).
    CheckpointSuccession,
    /// A challenge or payout of a child's exit that the exit its link names does not found
    /// ([`verify_unfounded_settlement`]).
    UnfoundedSettlement,
    /// A payout of a child's exit before it is due or otherwise than its claim (for an exit
    /// from the deposit record, its lock's deposit), the escrow and its bond owe it (its bond
    /// alone, for a cancellation), or a cancellation of an exit from the deposit record
    /// ([`verify_overdrawn_payout`]).
    OverdrawnPayout,
    /// A start of a child's exit queued or settled already, shown by the cancellation its
    /// link names ([`verify_repeated_exit`]).
    RepeatedExit,
    /// A start of an exit from the deposit record that the lock at its nonce's place does not
    /// found ([`verify_unfounded_deposit_exit`]).
    UnfoundedDepositExit,
    /// A lock into a child whose named registration is no registration of that child
    /// ([`verify_unregistered_child`]).
    UnregisteredChild,
    /// A stake, bond or fraud proof of a child that the child's stakes, as its link shows
    /// them, do not found ([`verify_unfounded_stake`]).
    UnfoundedStake,
    /// A lock into a child or a payout of a child's exit that the child's escrow of its token,
    /// as its link shows it, does not found ([`verify_unfounded_escrow`]).
    UnfoundedEscrow,
    /// An exit start, deposit-exit challenge or fraud proof of a child standing on a checkpoint
    /// an earlier fraud proof against the child voided ([`verify_voided_anchor`]).
    VoidedAnchor,
    /// A cancellation of a child's exit whose anchor the fraud proof its link names did not
    /// void ([`verify_unfounded_cancellation`]).
    UnfoundedCancellation,
}

/// A proven fraud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FraudVerdict {
    /// What was proven.
    pub kind: FraudKind,
    /// Height of the first invalid block (the chain rolls back to before it).
    pub height: u64,
    /// For equivocation: indexes of validators who signed both certificates in one round
    /// ([`verify_equivocation`]); who else loses its stake is [`convicted`]'s.
    pub culprits: Vec<usize>,
}

impl FraudVerdict {
    fn at(kind: FraudKind, height: u64) -> Self {
        Self { kind, height, culprits: Vec::new() }
    }
}

/// One input of an included transaction: the transaction, where it is, which input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendEvidence {
    /// Block height of the spending transaction.
    pub height: u64,
    /// Its index in the block.
    pub tx_index: u32,
    /// The transaction and its proofs.
    pub inclusion: TxInclusion,
    /// Which input.
    pub input_index: usize,
}

/// The transaction `inclusion` proves at `(height, tx_index)` under `anchor`.
fn included<'a>(
    chain_id: u64,
    anchor: &BlockHeader,
    inclusion: &'a TxInclusion,
    height: u64,
    tx_index: u32,
) -> Result<&'a Transaction, FraudError> {
    verify_inclusion(chain_id, anchor, inclusion, height, tx_index)?;
    Ok(&inclusion.signedTx.transaction)
}

impl SpendEvidence {
    fn verify(&self, chain_id: u64, anchor: &BlockHeader) -> Result<UtxoPos, FraudError> {
        included(chain_id, anchor, &self.inclusion, self.height, self.tx_index)?
            .inputs
            .get(self.input_index)
            .cloned()
            .ok_or(FraudError::NoSuchInput(self.input_index))
    }
}

/// The output `pos` names, from the inclusion of the transaction that created it.
fn proven_output(
    chain_id: u64,
    anchor: &BlockHeader,
    pos: &UtxoPos,
    creating: &TxInclusion,
    input: usize,
) -> Result<Output, FraudError> {
    included(chain_id, anchor, creating, pos.blockHeight, pos.txIndex)?
        .outputs
        .get(usize::from(pos.outputIndex))
        .cloned()
        .ok_or(FraudError::InputMissing(input))
}

/// Double spend: two included transactions (or two inputs of one) consume the same output.
/// The later of the two blocks is invalid.
pub fn verify_double_spend(
    chain_id: u64,
    anchor: &BlockHeader,
    a: &SpendEvidence,
    b: &SpendEvidence,
) -> Result<FraudVerdict, FraudError> {
    if (a.height, a.tx_index, a.input_index) == (b.height, b.tx_index, b.input_index) {
        return Err(FraudError::SameSpend);
    }
    if a.verify(chain_id, anchor)? != b.verify(chain_id, anchor)? {
        return Err(FraudError::DifferentOutputs);
    }
    Ok(FraudVerdict::at(FraudKind::DoubleSpend, a.height.max(b.height)))
}

/// Invalid signature: an included transaction spends an output (proven by its creating
/// transaction) without a valid signature of the output's owner.
pub fn verify_invalid_signature(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    spend: &SpendEvidence,
    creating: &TxInclusion,
) -> Result<FraudVerdict, FraudError> {
    let pos = spend.verify(domain.chain_id, anchor)?;
    let owner = proven_output(domain.chain_id, anchor, &pos, creating, spend.input_index)?.owner;
    let stx = &spend.inclusion.signedTx;
    let valid = stx.signatures.get(spend.input_index).is_some_and(|sig| {
        recover_signer(&domain.signing_hash(&stx.transaction), sig) == Ok(owner)
    });
    if valid {
        return Err(FraudError::SignatureValid);
    }
    Ok(FraudVerdict::at(FraudKind::InvalidSignature, spend.height))
}

/// Malformed transaction: an included transaction is invalid whatever the chain's state
/// ([`crate::form::check_form`]: its kind, shape, outputs or payload), or sits at an index
/// past the most transactions a block may hold ([`MAX_BLOCK_TXS`]).
pub fn verify_malformed(
    chain_id: u64,
    anchor: &BlockHeader,
    height: u64,
    tx_index: u32,
    inclusion: &TxInclusion,
) -> Result<FraudVerdict, FraudError> {
    included(chain_id, anchor, inclusion, height, tx_index)?;
    if usize::try_from(tx_index).map_or(true, |i| i >= MAX_BLOCK_TXS) {
        return Ok(FraudVerdict::at(FraudKind::MalformedTransaction, height));
    }
    match crate::form::check_form(&inclusion.signedTx) {
        Ok(_) => Err(FraudError::WellFormed),
        Err(_) => Ok(FraudVerdict::at(FraudKind::MalformedTransaction, height)),
    }
}

/// Inflation: an included transaction's outputs (plus what it locks, stakes or bonds) differ
/// from its inputs in some asset — more is value created, less is value destroyed, and the
/// ledger refuses both. `e.inputs[i]` is the inclusion of the transaction that created input
/// `i`. An exit start bonds its child's exit bond, which it does not carry: shown by the
/// child's registration (`e.registration`), the ETH must balance with the bond; unshown, its
/// ETH may fall short by any bond.
pub fn verify_inflation(
    chain_id: u64,
    anchor: &BlockHeader,
    e: &InflationEvidence,
) -> Result<FraudVerdict, FraudError> {
    let (height, tx_index, inputs) = (e.height, e.txIndex, &e.inputs);
    let tx = included(chain_id, anchor, &e.spend, height, tx_index)?;
    let lock = value_locked(tx)?;
    if inputs.len() != tx.inputs.len() {
        return Err(FraudError::InputProofMismatch(inputs.len().min(tx.inputs.len())));
    }
    // An exit start bonds ETH the transaction does not carry: the registration of its child
    // shows how much; unshown, its ETH may fall short.
    let bonds = matches!(tx.tx_kind(), Some(Kind::StartChildExit | Kind::StartChildDepositExit));
    let bond = match e.registration.as_slice() {
        [] => None,
        [registration] if bonds => Some(registered::exit_bond(chain_id, anchor, tx, registration)?),
        _ => return Err(FraudError::UnexpectedRegistration),
    };
    let mut consumed: BTreeMap<Address, U256> = BTreeMap::new();
    for (i, (pos, creating)) in tx.inputs.iter().zip(inputs).enumerate() {
        let out = proven_output(chain_id, anchor, pos, creating, i)?;
        let sum = consumed.entry(out.token).or_default();
        *sum = sum.saturating_add(out.amount);
    }
    let mut produced: BTreeMap<Address, Option<U256>> = BTreeMap::new();
    let locked = lock.into_iter();
    for (token, amount) in tx.outputs.iter().map(|o| (o.token, o.amount)).chain(locked) {
        let sum = produced.entry(token).or_insert(Some(U256::ZERO));
        *sum = sum.and_then(|s| s.checked_add(amount)); // overflow is unbounded creation
    }
    if let Some(bond) = bond {
        let sum = produced.entry(Address::ZERO).or_insert(Some(U256::ZERO));
        *sum = sum.and_then(|s| s.checked_add(bond));
    }
    let must_balance = |token: &Address| !(bonds && bond.is_none() && *token == Address::ZERO);
    let inflates = produced.iter().any(|(token, out)| match out {
        None => true,
        Some(out) => *out > consumed.get(token).copied().unwrap_or_default(),
    });
    let destroys = consumed.iter().any(|(token, amount)| {
        let out = produced.get(token).copied().flatten().unwrap_or_default();
        out < *amount && must_balance(token)
    });
    if !inflates && !destroys {
        return Err(FraudError::Conserved);
    }
    Ok(FraudVerdict::at(FraudKind::Inflation, height))
}

/// What a transaction that spends inputs moves into this chain's books besides its outputs,
/// as one more output (asset, amount): the lock of a `DepositToChild`, the stake of a
/// `StakeChild` or `BondChild`. A `StartChildExit` or `StartChildDepositExit` bonds the
/// child's exit bond, a parameter of the parent's registry that the transaction does not
/// carry: its outputs alone must not exceed its inputs. The kinds that spend nothing (`Deposit`, `ExitPayout`, system kinds)
/// are not inflation's to judge, nor is a payload the ledger would not decode.
fn value_locked(tx: &Transaction) -> Result<Option<(Address, U256)>, FraudError> {
    let wrong = || FraudError::WrongKind(tx.kind);
    Ok(match tx.tx_kind() {
        Some(Kind::Transfer | Kind::StartChildExit | Kind::StartChildDepositExit) => None,
        Some(Kind::DepositToChild) => {
            let lock: ChildDeposit =
                decode("ChildDeposit", &tx.data, CHILD_DEPOSIT_BYTES).map_err(|_| wrong())?;
            Some((lock.token, lock.amount))
        }
        Some(Kind::StakeChild) => {
            let stake: ChildStake =
                decode("ChildStake", &tx.data, CHILD_STAKE_BYTES).map_err(|_| wrong())?;
            Some((Address::ZERO, stake.amount))
        }
        Some(Kind::BondChild) => {
            let bond: ChildBond =
                decode("ChildBond", &tx.data, MAX_TX_BYTES).map_err(|_| wrong())?;
            Some((Address::ZERO, bond.amount))
        }
        _ => return Err(wrong()),
    })
}

/// How a challenger shows that an input does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MissingInput {
    /// The input names a position at or after the spending transaction, or height 0.
    NotYetCreated,
    /// The transaction at the input's position has no such output.
    NoSuchOutput(TxInclusion),
    /// The input's block ends before its tx index: this is the block's last transaction
    /// (every right sibling on its path is empty).
    AfterLastTransaction(TxInclusion),
    /// The input's block has no transactions: its header and history proof.
    EmptyBlock(BlockHeader, MerkleProof),
}

/// Whether `proof`, of a transaction's leaf (which no inner node can pass for), shows it the
/// last of its block: every sibling to its right is empty.
fn proves_last(proof: &MerkleProof) -> bool {
    let index = proof.index;
    proof.siblings.iter().enumerate().all(|(level, s)| (index >> level) & 1 == 1 || s.is_zero())
}

/// Nonexistent input: an included transaction spends an output that was never created.
pub fn verify_nonexistent_input(
    chain_id: u64,
    anchor: &BlockHeader,
    spend: &SpendEvidence,
    evidence: &MissingInput,
) -> Result<FraudVerdict, FraudError> {
    let pos = spend.verify(chain_id, anchor)?;
    let missing = match evidence {
        MissingInput::NotYetCreated => {
            pos.blockHeight == 0 || (pos.blockHeight, pos.txIndex) >= (spend.height, spend.tx_index)
        }
        MissingInput::NoSuchOutput(creating) => {
            let creating = included(chain_id, anchor, creating, pos.blockHeight, pos.txIndex)?;
            creating.outputs.len() <= usize::from(pos.outputIndex)
        }
        MissingInput::AfterLastTransaction(last) => {
            let index = last.txProof.index;
            let last_index = u32::try_from(index).map_err(|_| FraudError::NotLastTransaction)?;
            included(chain_id, anchor, last, pos.blockHeight, last_index)?;
            if !proves_last(&last.txProof) {
                return Err(FraudError::NotLastTransaction);
            }
            u64::from(pos.txIndex) > index
        }
        MissingInput::EmptyBlock(header, proof) => {
            verify_block_in_history(chain_id, anchor, header, proof, pos.blockHeight)?;
            header.txRoot == B256::ZERO
        }
    };
    if !missing {
        return Err(FraudError::InputExists);
    }
    Ok(FraudVerdict::at(FraudKind::NonexistentInput, spend.height))
}

/// Deposit mismatch: an included `Deposit` transaction mints something other than the
/// parent's record of its nonce (`parent_record`: the parent's own lookup, `None` if it has
/// no such deposit).
pub fn verify_deposit_mismatch(
    chain_id: u64,
    anchor: &BlockHeader,
    height: u64,
    tx_index: u32,
    minted: &TxInclusion,
    parent_record: impl FnOnce(u64) -> Option<DepositRecord>,
) -> Result<FraudVerdict, FraudError> {
    let tx = included(chain_id, anchor, minted, height, tx_index)?;
    if tx.tx_kind() != Some(Kind::Deposit) {
        return Err(FraudError::WrongKind(tx.kind));
    }
    let fraud = FraudVerdict::at(FraudKind::DepositMismatch, height);
    let record: DepositRecord =
        match decode("DepositRecord", &tx.data, crate::types::DEPOSIT_RECORD_BYTES) {
            Ok(r) => r,
            Err(DecodeError::Abi { .. } | DecodeError::TooLarge { .. }) => return Ok(fraud),
        };
    // A mint outside its header's deposit range.
    let header = &minted.header;
    if !(header.depositNonceStart..header.depositNonceEnd).contains(&record.nonce) {
        return Ok(fraud);
    }
    let expected_output = Output::new(record.recipient, record.token, record.amount);
    let matches = record.chainId == chain_id
        && parent_record(record.nonce).as_ref() == Some(&record)
        && tx.outputs == [expected_output]
        && tx.inputs.is_empty();
    if matches {
        return Err(FraudError::DepositMatches);
    }
    Ok(fraud)
}

/// A `Deposit` transaction at a position, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintEvidence {
    /// Block height.
    pub height: u64,
    /// Index in the block.
    pub tx_index: u32,
    /// The transaction and its proofs.
    pub inclusion: TxInclusion,
}

impl MintEvidence {
    fn nonce(&self, chain_id: u64, anchor: &BlockHeader) -> Result<u64, FraudError> {
        let tx = included(chain_id, anchor, &self.inclusion, self.height, self.tx_index)?;
        if tx.tx_kind() != Some(Kind::Deposit) {
            return Err(FraudError::WrongKind(tx.kind));
        }
        // An undecodable record is a mismatch of its own, proven by `verify_deposit_mismatch`.
        decode::<DepositRecord>("DepositRecord", &tx.data, crate::types::DEPOSIT_RECORD_BYTES)
            .map(|r| r.nonce)
            .map_err(|_| FraudError::WrongKind(tx.kind))
    }
}

/// Double mint: one parent deposit minted by two included transactions (the later block
/// creates value the parent never locked twice), or, in one block, a mint not above one
/// before it (a block mints in nonce order, so that a deposit is minted once without a
/// record of each). The later block is invalid.
pub fn verify_double_mint(
    chain_id: u64,
    anchor: &BlockHeader,
    a: &MintEvidence,
    b: &MintEvidence,
) -> Result<FraudVerdict, FraudError> {
    if (a.height, a.tx_index) == (b.height, b.tx_index) {
        return Err(FraudError::SameSpend);
    }
    let (na, nb) = (a.nonce(chain_id, anchor)?, b.nonce(chain_id, anchor)?);
    let (first, later) =
        if (a.height, a.tx_index) < (b.height, b.tx_index) { (na, nb) } else { (nb, na) };
    let out_of_order = a.height == b.height && later < first;
    if na != nb && !out_of_order {
        return Err(FraudError::DifferentDeposits);
    }
    Ok(FraudVerdict::at(FraudKind::DepositMismatch, a.height.max(b.height)))
}

/// Judges the evidence of `proof` (any kind but equivocation, which needs the chain's set:
/// [`verify_equivocation`]) against its anchor, as the root's `proveFraud` does: the pure
/// half a plasma parent shares with the contract. Whether the anchor is a checkpoint the
/// parent accepted, and its certificate, are the parent's to check. `parent_record` is the
/// parent's own record of a deposit nonce, `accepted` the hash of its checkpoint at a height
/// (one from the verdict's height up to the anchor's refuses a fork's proof,
/// `no_checkpoint_from`, and lifts an invalid block's rollback above it,
/// `above_checkpoints`), `schedule` the hash of its configuration active at a height and the
/// chain's epoch length.
pub fn judge(
    domain: &SigningDomain,
    proof: &crate::types::FraudProof,
    parent_record: impl FnOnce(u64) -> Option<DepositRecord>,
    mut accepted: impl FnMut(u64) -> Option<B256>,
    schedule: impl FnOnce(u64) -> Option<(B256, u64)>,
) -> Result<FraudVerdict, FraudError> {
    use crate::types::{
        CancellationEvidence, ChildRecordEvidence, DepositMismatchEvidence, DoubleMintEvidence,
        DoubleRegistrationEvidence, DoubleSpendEvidence, FraudKind as Kind, InflationEvidence,
        InvalidSignatureEvidence, LinkEvidence, MalformedTransactionEvidence, MintProof,
        MissingInputKind, NonexistentInputEvidence, PayoutEvidence, SpendProof,
        UnacceptedAnchorEvidence, UncertifiedCheckpointEvidence, VoidedAnchorEvidence,
    };
    let spend = |p: &SpendProof| SpendEvidence {
        height: p.height,
        tx_index: p.txIndex,
        inclusion: p.inclusion.clone(),
        input_index: usize::from(p.inputIndex),
    };
    let mint = |m: &MintProof| MintEvidence {
        height: m.height,
        tx_index: m.txIndex,
        inclusion: m.inclusion.clone(),
    };
    let (chain_id, anchor, bytes) = (domain.chain_id, &proof.anchor, &proof.evidence[..]);
    let max = 8 * crate::types::MAX_TX_BYTES;
    let kind = Kind::try_from(proof.kind).map_err(|_| FraudError::NoSuchKind(proof.kind))?;
    let verdict = match kind {
        Kind::DoubleSpend => {
            let e: DoubleSpendEvidence =
                decode("DoubleSpendEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_double_spend(chain_id, anchor, &spend(&e.a), &spend(&e.b))
        }
        Kind::InvalidSignature => {
            let e: InvalidSignatureEvidence =
                decode("InvalidSignatureEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_invalid_signature(domain, anchor, &spend(&e.spend), &e.creating)
        }
        Kind::Inflation => {
            let e: InflationEvidence =
                decode("InflationEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_inflation(chain_id, anchor, &e)
        }
        Kind::NonexistentInput => {
            let e: NonexistentInputEvidence =
                decode("NonexistentInputEvidence", bytes, max).map_err(FraudError::Evidence)?;
            let how =
                MissingInputKind::try_from(e.how).map_err(|_| FraudError::NoSuchKind(e.how))?;
            let missing = match how {
                MissingInputKind::NotYetCreated => MissingInput::NotYetCreated,
                MissingInputKind::NoSuchOutput => MissingInput::NoSuchOutput(e.witness),
                MissingInputKind::AfterLastTransaction => {
                    MissingInput::AfterLastTransaction(e.witness)
                }
                MissingInputKind::EmptyBlock => {
                    MissingInput::EmptyBlock(e.emptyHeader, e.emptyProof)
                }
                MissingInputKind::__Invalid => return Err(FraudError::NoSuchKind(e.how)),
            };
            verify_nonexistent_input(chain_id, anchor, &spend(&e.spend), &missing)
        }
        Kind::DepositMismatch => {
            let e: DepositMismatchEvidence =
                decode("DepositMismatchEvidence", bytes, max).map_err(FraudError::Evidence)?;
            let m = &e.minted;
            verify_deposit_mismatch(
                chain_id,
                anchor,
                m.height,
                m.txIndex,
                &m.inclusion,
                parent_record,
            )
        }
        Kind::DoubleMint => {
            let e: DoubleMintEvidence =
                decode("DoubleMintEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_double_mint(chain_id, anchor, &mint(&e.a), &mint(&e.b))
        }
        Kind::ConflictingCheckpoints => {
            let e: ConflictingCheckpointsEvidence =
                decode("ConflictingCheckpointsEvidence", bytes, max)
                    .map_err(FraudError::Evidence)?;
            verify_conflicting_checkpoints(chain_id, anchor, &e, &mut accepted)
        }
        Kind::BrokenHistory => {
            let e: BrokenHistoryEvidence =
                decode("BrokenHistoryEvidence", bytes, max).map_err(FraudError::Evidence)?;
            let verdict = verify_broken_history(chain_id, anchor, &e)?;
            // A contradiction at the witness's height, where the parent holds the witness as
            // its own checkpoint, convicts the block that contradicts it: the checkpoint
            // stands (and would refuse a rollback to its height).
            let k = e.witness.height;
            match verdict.height == k && k > 0 && accepted(k) == Some(e.witness.hash()) {
                true => Ok(FraudVerdict::at(FraudKind::BrokenHistory, e.broken.height)),
                false => Ok(verdict),
            }
        }
        Kind::MalformedTransaction => {
            let e: MalformedTransactionEvidence =
                decode("MalformedTransactionEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_malformed(chain_id, anchor, e.height, e.txIndex, &e.inclusion)
        }
        Kind::HistoryEquivocation => {
            let e: HistoryEquivocationEvidence =
                decode("HistoryEquivocationEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_history_equivocation(chain_id, anchor, &e)
        }
        Kind::BrokenSchedule => {
            let e: BrokenScheduleEvidence =
                decode("BrokenScheduleEvidence", bytes, max).map_err(FraudError::Evidence)?;
            let j = e.header.height;
            let scheduled = schedule(j).ok_or(FraudError::NotTheSchedule(j))?;
            verify_broken_schedule(chain_id, anchor, &e, scheduled)
        }
        Kind::DoubleRegistration => {
            let e: DoubleRegistrationEvidence =
                decode("DoubleRegistrationEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_double_registration(chain_id, anchor, &e.a, &e.b)
        }
        Kind::ChildRecord => {
            let e: ChildRecordEvidence =
                decode("ChildRecordEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_child_record(domain, anchor, &e)
        }
        Kind::UncertifiedCheckpoint => {
            let e: UncertifiedCheckpointEvidence =
                decode("UncertifiedCheckpointEvidence", bytes, max)
                    .map_err(FraudError::Evidence)?;
            verify_uncertified_checkpoint(domain, anchor, &e)
        }
        Kind::UnacceptedAnchor => {
            let e: UnacceptedAnchorEvidence =
                decode("UnacceptedAnchorEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_unaccepted_anchor(chain_id, anchor, &e)
        }
        Kind::VoidedAnchor => {
            let e: VoidedAnchorEvidence =
                decode("VoidedAnchorEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_voided_anchor(chain_id, anchor, &e)
        }
        Kind::UnfoundedCancellation => {
            let e: CancellationEvidence =
                decode("CancellationEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_unfounded_cancellation(chain_id, anchor, &e)
        }
        Kind::CheckpointSuccession
        | Kind::UnfoundedSettlement
        | Kind::RepeatedExit
        | Kind::UnfoundedDepositExit
        | Kind::UnregisteredChild
        | Kind::UnfoundedStake
        | Kind::UnfoundedEscrow => {
            let e: LinkEvidence =
                decode("LinkEvidence", bytes, max).map_err(FraudError::Evidence)?;
            match kind {
                Kind::CheckpointSuccession => verify_checkpoint_succession(chain_id, anchor, &e),
                Kind::UnfoundedSettlement => verify_unfounded_settlement(domain, anchor, &e),
                Kind::RepeatedExit => verify_repeated_exit(chain_id, anchor, &e),
                Kind::UnfoundedDepositExit => verify_unfounded_deposit_exit(domain, anchor, &e),
                Kind::UnregisteredChild => verify_unregistered_child(chain_id, anchor, &e),
                Kind::UnfoundedStake => verify_unfounded_stake(chain_id, anchor, &e),
                _ => verify_unfounded_escrow(chain_id, anchor, &e),
            }
        }
        Kind::OverdrawnPayout => {
            let e: PayoutEvidence =
                decode("PayoutEvidence", bytes, max).map_err(FraudError::Evidence)?;
            verify_overdrawn_payout(chain_id, anchor, &e)
        }
        Kind::Equivocation | Kind::__Invalid => Err(FraudError::NoSuchKind(proof.kind)),
    }?;
    if !convicts_anchor(proof.kind) {
        no_checkpoint_from(verdict.height, anchor, accepted)?;
        return Ok(verdict);
    }
    let height = above_checkpoints(verdict.height, anchor, accepted);
    Ok(FraudVerdict { height, ..verdict })
}

/// The two certificates of an equivocation proof, strictly decoded; `None` when `proof` is of
/// another kind. Judging them is [`verify_equivocation`]'s.
pub fn equivocation_evidence(
    proof: &crate::types::FraudProof,
) -> Option<Result<crate::types::EquivocationEvidence, FraudError>> {
    let (kind, max) = (crate::types::FraudKind::Equivocation, crate::types::MAX_TX_BYTES);
    evidence_of(proof, kind, "EquivocationEvidence", max)
}

/// The evidence of a history-equivocation proof, strictly decoded; `None` when `proof` is of
/// another kind. Its certificate and culprits are the parent's to judge
/// ([`verify_history_equivocation`]).
pub fn history_equivocation_evidence(
    proof: &crate::types::FraudProof,
) -> Option<Result<HistoryEquivocationEvidence, FraudError>> {
    let (kind, max) =
        (crate::types::FraudKind::HistoryEquivocation, 8 * crate::types::MAX_TX_BYTES);
    evidence_of(proof, kind, "HistoryEquivocationEvidence", max)
}

/// The evidence of `proof`, decoded as `T` (`what`, at most `max` bytes) when it is of `kind`.
fn evidence_of<T>(
    proof: &crate::types::FraudProof,
    kind: crate::types::FraudKind,
    what: &'static str,
    max: usize,
) -> Option<Result<T, FraudError>>
where
    T: alloy_sol_types::SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>,
{
    (proof.kind == kind as u8)
        .then(|| decode(what, &proof.evidence, max).map_err(FraudError::Evidence))
}

pub(crate) mod accepted;
mod cancellation;
mod certified;
mod error;
pub(crate) mod escrow;
/// The ABI forms `proveFraud` takes (`FraudProof.evidence`), built from the evidence the
/// verifiers above take.
pub mod evidence;
pub mod forks;
mod history;
pub(crate) mod link;
mod lock;
mod payout;
pub(crate) mod record;
pub(crate) mod registered;
mod restart;
pub(crate) mod settlement;
pub(crate) mod stakes;
pub(crate) mod succession;
mod unregistered;

pub use accepted::{verify_unaccepted_anchor, verify_voided_anchor};
pub use cancellation::verify_unfounded_cancellation;
pub use certified::verify_uncertified_checkpoint;
pub use error::FraudError;
pub use escrow::verify_unfounded_escrow;
pub use forks::{convicted, convicts_anchor, signed_both_in_one_round, verify_equivocation};
use history::{above_checkpoints, no_checkpoint_from};
pub use history::{
    verify_broken_history, verify_broken_schedule, verify_conflicting_checkpoints,
    verify_history_equivocation,
};
pub use link::Shows;
pub use lock::verify_unfounded_deposit_exit;
pub use payout::verify_overdrawn_payout;
pub use record::verify_child_record;
pub use registered::verify_double_registration;
pub use restart::verify_repeated_exit;
pub use settlement::verify_unfounded_settlement;
pub use stakes::verify_unfounded_stake;
pub use succession::verify_checkpoint_succession;
pub use unregistered::verify_unregistered_child;
