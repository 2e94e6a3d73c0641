//! Validity of one transaction against a read-only view of the chain.
//!
//! [`validate_transaction`] decides; it never mutates. What a valid transaction does to the
//! state is returned as [`ValidatedTx`] and applied by the caller (block application, or a
//! mempool that only wants the verdict).

use crate::build::{payout_claim, settled_outputs};
use crate::children::escrow::check_escrow_link;
use crate::children::{self, ChildEffect, ChildError, EscrowChange, Settlement};
use crate::exit::payout_excess;
pub use crate::form::{check_form, FormError};
use crate::form::{output_sums, AssetSums};
use crate::kind::Kind;
use crate::signing::{Recover, SignatureError, Signers, SigningDomain};
use crate::state::TxRef;
pub use crate::state::ValidatedTx;
use crate::types::{
    decode, ChildDeposit, DecodeError, DepositRecord, ExitPayoutClaim, Output, SignedTransaction,
    UtxoPos,
};
use crate::types::{CHILD_DEPOSIT_BYTES, EXIT_PAYOUT_CLAIM_BYTES};
use crate::view::LedgerView;
use alloy_primitives::{Address, B256, U256};

/// Why a transaction is invalid. Each variant carries what is needed to act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Invalid for its form alone, whatever the state ([`check_form`]).
    #[error(transparent)]
    Form(#[from] FormError),
    /// The same output is spent twice by one transaction.
    #[error("input {pos} appears twice")]
    DuplicateInput {
        /// The repeated position.
        pos: UtxoPos,
    },
    /// The input was never created.
    #[error("input {pos} does not exist")]
    InputMissing {
        /// The position.
        pos: UtxoPos,
    },
    /// The input was already spent.
    #[error("input {pos} was already spent by transaction {spent_by}")]
    InputSpent {
        /// The position.
        pos: UtxoPos,
        /// The transaction that spent it.
        spent_by: TxRef,
    },
    /// An input's signature is malformed.
    #[error("signature of input {input}: {error}")]
    BadSignature {
        /// Input index.
        input: usize,
        /// What is wrong with it.
        error: SignatureError,
    },
    /// An input is signed by someone other than its owner.
    #[error("input {input} is owned by {owner} but signed by {signer}")]
    WrongSigner {
        /// Input index.
        input: usize,
        /// Owner of the spent output.
        owner: Address,
        /// Address the signature recovers.
        signer: Address,
    },
    /// Value of an asset is not conserved.
    #[error("asset {token}: inputs {inputs} != outputs {outputs}")]
    ValueMismatch {
        /// The asset.
        token: Address,
        /// Sum of inputs.
        inputs: U256,
        /// Sum of outputs (plus value locked into a child).
        outputs: U256,
    },
    /// A sum of amounts exceeds 2^256.
    #[error("asset {token}: amounts overflow")]
    Overflow {
        /// The asset.
        token: Address,
    },
    /// `data` is not the payload the kind requires.
    #[error("payload: {0}")]
    Payload(DecodeError),
    /// A deposit of another chain.
    #[error("deposit is for chain {got}, this is chain {expected}")]
    DepositWrongChain {
        /// This chain.
        expected: u64,
        /// The record's chain.
        got: u64,
    },
    /// A recorded deposit minted below the least nonce one may mint (`expected`): below the
    /// block's deposit range (minted before, or passed over by a range before), or not above
    /// a mint before it in the block. Mints may pass over recorded deposits, never go back.
    #[error("deposit nonce {got} out of order, expected at least {expected}")]
    DepositOutOfOrder {
        /// The least nonce one may mint: one past the block's last mint, or where its
        /// deposit range starts.
        expected: u64,
        /// Nonce given.
        got: u64,
    },
    /// The parent has no final record of this deposit.
    #[error("deposit {nonce} is not known final on the parent")]
    DepositUnknown {
        /// The nonce.
        nonce: u64,
    },
    /// The deposit differs from the parent's record, or its output from the deposit, or the
    /// parent recorded no deposit of its nonce, below others it recorded.
    #[error("deposit {nonce} does not match the parent's record")]
    DepositMismatch {
        /// The nonce.
        nonce: u64,
    },
    /// Value sent to a chain that is not a registered child.
    #[error("chain {0} is not a registered child")]
    UnknownChild(u64),
    /// A payout of a queued exit not first in its queue (one not due yet is `PayoutEarly`).
    #[error("exit {exit_id} of child {chain} is not first in its queue")]
    ExitNotPayable {
        /// The child.
        chain: u64,
        /// The exit.
        exit_id: B256,
    },
    /// The payout pays an output to another than the exit's owner, whose start claimed it
    /// (its first input's signer).
    #[error("payout of exit {exit_id} pays {to}, not the exit's owner")]
    PayoutOwner {
        /// The exit.
        exit_id: B256,
        /// The owner of the output paid to another.
        to: Address,
    },
    /// A payout of a child's exit before it is due.
    #[error("exit {exit_id} is due at {due}, paid at {now}")]
    PayoutEarly {
        /// The exit.
        exit_id: B256,
        /// When it is due.
        due: u64,
        /// The block's time.
        now: u64,
    },
    /// A payout of a child's exit paying, in `token`, more than its claim (in the claim's
    /// token; nothing, for a cancellation) and its bond (in ETH) together
    /// ([`crate::exit::payout_excess`]).
    #[error("payout of exit {exit_id} pays more {token} than the exit claims with its bond")]
    PayoutExceeds {
        /// The exit.
        exit_id: B256,
        /// The token paid beyond it.
        token: Address,
    },
    /// A payout that says it cancels an exit from the deposit record, which stands whatever the
    /// child's rollback: it would leave the deposit free to exit again.
    #[error("exit {exit_id} is from the deposit record: it is never cancelled")]
    RecordExitCancelled {
        /// The exit.
        exit_id: B256,
    },
    /// A payout (not a cancellation) naming another token than the exit's.
    #[error("payout of exit {exit_id} names {named}, the exit claims {token}")]
    PayoutToken {
        /// The exit.
        exit_id: B256,
        /// The token named.
        named: Address,
        /// The exit's.
        token: Address,
    },
    /// The payout's claim or outputs differ from what settling the exit as it says pays
    /// ([`crate::build::settled_outputs`]): cancelled, its bond alone; paid, what the escrow
    /// holds of its claim, and its bond.
    #[error("payout output does not match exit {exit_id}")]
    PayoutMismatch {
        /// The exit.
        exit_id: B256,
    },
    /// A payout (not a cancellation) of an exit whose anchor a proven fraud voided: its output
    /// may be of a history the proof showed invalid, and it is owed its bond alone.
    #[error("exit {exit_id} stands on a voided checkpoint: it is cancelled, not paid")]
    VoidedExitPaid {
        /// The exit.
        exit_id: B256,
    },
    /// A cancellation of an exit whose anchor no proven fraud voided.
    #[error("exit {exit_id} stands: it is paid, not cancelled")]
    StandingExitCancelled {
        /// The exit.
        exit_id: B256,
    },
    /// A cancellation that does not name where this chain heard the latest fraud proof against
    /// its child (0:0: none was heard).
    #[error("cancellation of exit {exit_id} names {named}, not the latest fraud proof against its child ({latest})")]
    CancellationLink {
        /// The exit.
        exit_id: B256,
        /// What it names.
        named: TxRef,
        /// Where this chain heard the latest fraud proof against the child.
        latest: TxRef,
    },
    /// A system transaction (a child's registration or checkpoint) is invalid.
    #[error(transparent)]
    System(Box<ChildError>),
}

impl From<ChildError> for TxError {
    fn from(e: ChildError) -> Self {
        TxError::System(Box::new(e))
    }
}

impl TxError {
    /// Whether the verdict depends on the state it was reached against: an input not yet
    /// created or already spent, a child not yet registered. Every other error holds
    /// against any state (the transaction itself is wrong).
    pub fn depends_on_state(&self) -> bool {
        matches!(
            self,
            TxError::InputMissing { .. } | TxError::InputSpent { .. } | TxError::UnknownChild(_)
        ) || matches!(self, TxError::System(e) if e.depends_on_state())
    }
}

/// Checks every signed input against the view and returns the per-asset input sums and the
/// first input's owner.
fn check_inputs(
    domain: &SigningDomain,
    view: &impl LedgerView,
    stx: &SignedTransaction,
    signers: &impl Signers,
) -> Result<(AssetSums, Address), TxError> {
    // One signature per input: `check_form` has seen to it.
    let tx = &stx.transaction;
    for (i, pos) in tx.inputs.iter().enumerate() {
        if tx.inputs[..i].contains(pos) {
            return Err(TxError::DuplicateInput { pos: pos.clone() });
        }
    }
    let digest = domain.signing_hash(tx);
    let mut sums = AssetSums::default();
    let mut first_owner = Address::ZERO;
    for (i, (pos, sig)) in tx.inputs.iter().zip(&stx.signatures).enumerate() {
        let Some(spent) = view.unspent(pos) else {
            return Err(match view.spent_by(pos) {
                Some(spent_by) => TxError::InputSpent { pos: pos.clone(), spent_by },
                None => TxError::InputMissing { pos: pos.clone() },
            });
        };
        let signer = signers
            .signer(&digest, sig)
            .map_err(|error| TxError::BadSignature { input: i, error })?;
        if signer != spent.owner {
            return Err(TxError::WrongSigner { input: i, owner: spent.owner, signer });
        }
        sums.add(spent.token, spent.amount).ok_or(TxError::Overflow { token: spent.token })?;
        if i == 0 {
            first_owner = spent.owner;
        }
    }
    Ok((sums, first_owner))
}

fn check_conserved(inputs: &AssetSums, outputs: &AssetSums) -> Result<(), TxError> {
    for token in inputs.tokens().chain(outputs.tokens()) {
        let (i, o) = (inputs.get(token), outputs.get(token));
        if i != o {
            return Err(TxError::ValueMismatch { token: *token, inputs: i, outputs: o });
        }
    }
    Ok(())
}

/// Validates `stx` against `view`. Minted kinds (`Deposit`, `ExitPayout`) are valid only as
/// the next thing the chain owes (next deposit nonce, a payable exit); whether a user may
/// submit them is the mempool's business ([`Kind::is_user_submittable`]).
pub fn validate_transaction(
    domain: &SigningDomain,
    view: &impl LedgerView,
    stx: &SignedTransaction,
) -> Result<ValidatedTx, TxError> {
    validate_transaction_with(domain, view, stx, &Recover)
}

/// [`validate_transaction`] with signers taken from `signers`.
pub fn validate_transaction_with(
    domain: &SigningDomain,
    view: &impl LedgerView,
    stx: &SignedTransaction,
    signers: &impl Signers,
) -> Result<ValidatedTx, TxError> {
    let tx = &stx.transaction;
    let mut out = ValidatedTx {
        hash: tx.hash(),
        kind: tx.kind,
        spends: tx.inputs.clone(),
        creates: tx.outputs.clone(),
        deposit_nonce: None,
        escrow_credit: None,
        escrow_debit: None,
        child: None,
    };
    let kind = check_form(stx)?;
    if kind.is_system() {
        out.child = Some(children::validate_system(domain, view, stx)?);
        return Ok(out);
    }
    let mut output_sums = output_sums(&tx.outputs)?;
    let overflow = |token| TxError::Overflow { token };
    match kind {
        Kind::Transfer => {
            let (input_sums, _) = check_inputs(domain, view, stx, signers)?;
            check_conserved(&input_sums, &output_sums)?;
        }
        Kind::DepositToChild => {
            let lock: ChildDeposit =
                decode("ChildDeposit", &tx.data, CHILD_DEPOSIT_BYTES).map_err(TxError::Payload)?;
            let (chain, named) = (
                lock.childChainId,
                TxRef { height: lock.registeredHeight, index: lock.registeredIndex },
            );
            let child = match children::live_child(view, chain) {
                Err(ChildError::UnknownChild(chain)) => return Err(TxError::UnknownChild(chain)),
                judged => judged?,
            };
            // Where it was registered, so that a lock into a child never registered is proven
            // by what is there (`UnregisteredChild`).
            if named.height == 0 || named != child.registered_at {
                let registered = child.registered_at;
                return Err(ChildError::NotTheRegistration { chain, named, registered }.into());
            }
            output_sums.add(lock.token, lock.amount).ok_or(overflow(lock.token))?;
            // The depositor is the first input's owner, who signed it.
            let (input_sums, depositor) = check_inputs(domain, view, stx, signers)?;
            check_conserved(&input_sums, &output_sums)?;
            // Where the child's escrow of the token last changed, and what it holds after the
            // lock: what payouts take from it is then bounded by what was locked into it, from
            // this chain's history alone (`UnfoundedEscrow`).
            let link = TxRef { height: lock.escrowHeight, index: lock.escrowIndex };
            let change = EscrowChange::Adds(lock.amount);
            check_escrow_link(view, (chain, lock.token), (link, lock.escrowed), change)?;
            out.escrow_credit = Some((lock.childChainId, lock.token, lock.amount));
            out.child = Some(ChildEffect::Deposited(DepositRecord {
                chainId: lock.childChainId,
                // The lock's place, set as it is applied (`TxRef::deposit_nonce`).
                nonce: 0,
                depositor,
                recipient: lock.recipient,
                token: lock.token,
                amount: lock.amount,
            }));
        }
        Kind::Deposit => {
            let record: DepositRecord =
                decode("DepositRecord", &tx.data, crate::types::DEPOSIT_RECORD_BYTES)
                    .map_err(TxError::Payload)?;
            if record.chainId != domain.chain_id {
                return Err(TxError::DepositWrongChain {
                    expected: domain.chain_id,
                    got: record.chainId,
                });
            }
            // A deposit the parent recorded, at or above the least nonce this chain may mint.
            let nonce = record.nonce;
            let least = view.next_deposit_nonce();
            let known = view.next_parent_deposit(nonce).filter(|d| d.nonce == nonce);
            let Some(known) = known else {
                // Deposits are recorded in nonce order: below the next one this chain may
                // mint, every deposit there is was recorded, and this one is none. Above, it
                // may not be final yet.
                return Err(if nonce < least {
                    TxError::DepositMismatch { nonce }
                } else {
                    TxError::DepositUnknown { nonce }
                });
            };
            // Above it, a mint may pass over recorded deposits: they are never minted after
            // (their owners exit from the parent's record), so passing them over takes
            // nothing from anyone, and a rule no proof could enforce would protect nobody.
            if nonce < least {
                return Err(TxError::DepositOutOfOrder { expected: least, got: nonce });
            }
            let minted = Output::new(record.recipient, record.token, record.amount);
            if known != record || tx.outputs[0] != minted {
                return Err(TxError::DepositMismatch { nonce });
            }
            out.deposit_nonce = Some(nonce);
        }
        Kind::ExitPayout => {
            let claim: ExitPayoutClaim =
                decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
                    .map_err(TxError::Payload)?;
            let (chain, exit_id) = (claim.childChainId, claim.exitId);
            // Queued by the start it names, and paid to that start's claimant: both shown by
            // the parent's history alone (`UnfoundedSettlement`).
            let start = TxRef { height: claim.startHeight, index: claim.startIndex };
            let held =
                view.child_exit(chain, &exit_id).filter(|e| e.queued() && e.started_at == start);
            let held = held.ok_or(ChildError::ExitNotActive { exit_id, start })?;
            let exit = &held.record;
            if let Some(other) = tx.outputs.iter().find(|o| o.owner != exit.owner) {
                return Err(TxError::PayoutOwner { exit_id, to: other.owner });
            }
            // Settled in priority order, once matured at this block's time. An exit is due,
            // and owed at most, what its start (with, for an exit from the deposit record, the
            // lock its nonce places) and the child's registration show (`OverdrawnPayout`),
            // judged before the queue and the escrow, which are this chain's bookkeeping.
            let now = view.time().ok_or(ChildError::NoBlockTime)?;
            if held.anchor == 0 && claim.cancels {
                return Err(TxError::RecordExitCancelled { exit_id });
            }
            if exit.exitableAt > now {
                return Err(TxError::PayoutEarly { exit_id, due: exit.exitableAt, now });
            }
            // A cancellation returns the bond alone: its output may exit again. A payout
            // takes `paid` of the exit's token from the escrow, and pays no more of it.
            if !claim.cancels && claim.token != exit.token {
                return Err(TxError::PayoutToken {
                    exit_id,
                    named: claim.token,
                    token: exit.token,
                });
            }
            let claimed = if claim.cancels { U256::ZERO } else { exit.amount.min(claim.paid) };
            if let Some(token) = payout_excess(&tx.outputs, &exit.token, claimed, held.bond) {
                return Err(TxError::PayoutExceeds { exit_id, token });
            }
            let link = TxRef { height: claim.escrowHeight, index: claim.escrowIndex };
            let record = view.child(chain);
            if claim.cancels {
                // It names the fraud proof that voided the exit (`UnfoundedCancellation`).
                let latest = record.as_ref().map_or(TxRef::default(), |r| r.rollback_ref);
                if link != latest {
                    return Err(TxError::CancellationLink { exit_id, named: link, latest });
                }
            } else {
                let change = EscrowChange::Takes(claim.paid);
                check_escrow_link(view, (chain, exit.token), (link, claim.escrowed), change)?;
            }
            // Paid what the escrow holds of it, or cancelled under a voided anchor: either way
            // the queue moves on. A payout in full of a voided exit stands on a checkpoint a
            // fraud proof voided (`VoidedAnchor`); one whose claim or outputs differ from what
            // settling the exit as it says owes is shown by its start (`OverdrawnPayout`): both
            // are judged before the queue, whose order stays this chain's bookkeeping.
            let escrow = view.escrow(chain, &exit.token);
            let rollback = record.map_or(0, |r| r.rollback_height);
            let settlement = held.settlement(escrow, rollback);
            if settlement == Settlement::Cancelled && !claim.cancels {
                return Err(TxError::VoidedExitPaid { exit_id });
            }
            // The proof it names leaves the exit's anchor standing (`UnfoundedCancellation`).
            if claim.cancels && settlement != Settlement::Cancelled {
                return Err(TxError::StandingExitCancelled { exit_id });
            }
            let said = if claim.cancels { Settlement::Cancelled } else { settlement };
            // As `payout_transaction` builds it, but for the link (judged above): a
            // cancellation names no token and takes nothing.
            let expected = payout_claim(chain, &held, said, (TxRef::default(), U256::ZERO));
            let unlinked = ExitPayoutClaim {
                escrowHeight: 0,
                escrowIndex: 0,
                escrowed: U256::ZERO,
                ..claim.clone()
            };
            if tx.outputs != settled_outputs(&held, said)
                || unlinked != expected
                || (claim.cancels && !claim.escrowed.is_zero())
            {
                return Err(TxError::PayoutMismatch { exit_id });
            }
            let first = view.exit_queue(chain, &exit.token).into_iter().next();
            if first.is_none_or(|f| f.exitId != exit_id) {
                return Err(TxError::ExitNotPayable { chain, exit_id });
            }
            match settlement {
                Settlement::Paid(amount) => {
                    out.escrow_debit = Some((chain, exit.token, amount, exit_id));
                }
                Settlement::Cancelled => {
                    out.child = Some(ChildEffect::ExitCancelled { chain, exit_id });
                }
            }
        }
        Kind::StartChildExit | Kind::StartChildDepositExit => {
            let (input_sums, claimant) = check_inputs(domain, view, stx, signers)?;
            let (chain, exit) = if kind == Kind::StartChildExit {
                children::validate_exit_start(domain.chain_id, view, &tx.data, claimant)?
            } else {
                children::validate_deposit_exit_start(view, &tx.data, claimant)?
            };
            // The bond is judged like one more output, in ETH.
            output_sums.add(Address::ZERO, exit.bond).ok_or(overflow(Address::ZERO))?;
            check_conserved(&input_sums, &output_sums)?;
            out.child = Some(ChildEffect::ExitStarted { chain, exit });
        }
        Kind::StakeChild | Kind::BondChild => {
            let (input_sums, operator) = check_inputs(domain, view, stx, signers)?;
            let effect = if kind == Kind::StakeChild {
                children::validate_stake(view, &tx.data, operator)?
            } else {
                children::validate_bond(view, &tx.data, operator)?
            };
            if let ChildEffect::Staked { amount, .. } | ChildEffect::Bonded { amount, .. } = &effect
            {
                // The stake is judged like one more output, in ETH.
                output_sums.add(Address::ZERO, *amount).ok_or(overflow(Address::ZERO))?;
            }
            check_conserved(&input_sums, &output_sums)?;
            out.child = Some(effect);
        }
        // Judged above, whole.
        Kind::RegisterChild
        | Kind::ChildCheckpoint
        | Kind::ChallengeChildExit
        | Kind::ProveChildFraud
        | Kind::ChallengeChildDepositExit => return Err(FormError::UnknownKind(tx.kind).into()),
    }
    Ok(out)
}
