//! Constructors of every transaction the ledger defines, for whoever submits or mints one: a
//! wallet, a proposer, a relayer, a prover. Each builds exactly what the matching judge
//! accepts; the judges (`tx`, `children`) call the same functions where they compare.

use crate::bls::BlsSecretKey;
use crate::children::record::{ChildExit, Settlement};
use crate::kind::Kind;
use crate::signing::{SigningDomain, UserKey};
use crate::state::TxRef;
use crate::types::{
    Checkpoint, ChildDepositExit, ChildDepositExitChallenge, ChildExitChallenge, ChildFraudProof,
    ChildParams, ChildRegistration, DepositRecord, ExitPayoutClaim, LinkedCheckpoint, Output,
    SignedTransaction, Transaction, UtxoPos, Validator,
};
use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolValue;

/// An unsigned transaction of `kind`.
pub fn transaction(
    kind: Kind,
    inputs: Vec<UtxoPos>,
    outputs: Vec<Output>,
    data: impl Into<Bytes>,
) -> Transaction {
    Transaction { kind: kind.byte(), inputs, outputs, data: data.into() }
}

/// Signs `tx` under `domain` with one key per input, in input order.
pub fn sign(domain: &SigningDomain, tx: Transaction, keys: &[&UserKey]) -> SignedTransaction {
    let signatures = keys.iter().map(|k| Bytes::from(k.sign_tx(domain, &tx).to_vec())).collect();
    SignedTransaction { transaction: tx, signatures }
}

/// A signed `Transfer` of `inputs`, each signed by the key beside it, into `outputs`.
pub fn transfer(
    domain: &SigningDomain,
    inputs: &[(UtxoPos, &UserKey)],
    outputs: Vec<Output>,
) -> SignedTransaction {
    let keys: Vec<&UserKey> = inputs.iter().map(|(_, k)| *k).collect();
    let positions = inputs.iter().map(|(p, _)| p.clone()).collect();
    sign(domain, transaction(Kind::Transfer, positions, outputs, Bytes::new()), &keys)
}

/// `owner` spends its output at `pos`, holding `held` of `token`, into a transaction of
/// `kind` carrying `payload` that locks `locked` of it (into a child's escrow, as an exit bond
/// or as a stake): the change goes back to `owner`. The judge counts the lock as one more
/// output, so value is conserved.
pub fn spend_locking(
    domain: &SigningDomain,
    owner: &UserKey,
    pos: UtxoPos,
    (token, held): (Address, U256),
    kind: Kind,
    locked: U256,
    payload: Vec<u8>,
) -> SignedTransaction {
    let change = held.saturating_sub(locked);
    let outputs =
        if change.is_zero() { vec![] } else { vec![Output::new(owner.address(), token, change)] };
    sign(domain, transaction(kind, vec![pos], outputs, payload), &[owner])
}

/// `owner` starts the exit of deposit `exit.nonce` into child `exit.childChainId` from this
/// chain's record of it (a `StartChildDepositExit`), bonding `bond` (the child's exit bond)
/// from its ETH output at `pos` holding `held`; the change goes back to `owner`.
pub fn child_deposit_exit_tx(
    domain: &SigningDomain,
    owner: &UserKey,
    pos: UtxoPos,
    held: U256,
    exit: &ChildDepositExit,
    bond: U256,
) -> SignedTransaction {
    let (kind, payload) = (Kind::StartChildDepositExit, exit.abi_encode());
    spend_locking(domain, owner, pos, (Address::ZERO, held), kind, bond, payload)
}

/// A transaction with no inputs and hence no signatures: minted or system.
fn unsigned(kind: Kind, outputs: Vec<Output>, data: Vec<u8>) -> SignedTransaction {
    SignedTransaction { transaction: transaction(kind, vec![], outputs, data), signatures: vec![] }
}

/// The `Deposit` transaction that mints a parent's deposit record: one output to the
/// recipient, the record as its data, no inputs and no signatures.
pub fn deposit_transaction(record: &DepositRecord) -> SignedTransaction {
    let output = Output::new(record.recipient, record.token, record.amount);
    unsigned(Kind::Deposit, vec![output], record.abi_encode())
}

/// The outputs of the `ExitPayout` that settles `exit`, due at the head of its queue, when
/// the child's escrow holds `escrow` of its token and its rollback height is
/// `rollback_height` ([`ChildExit::settlement`]): what it is paid to its owner (none when
/// nothing: a cancellation, or an escrow drained by the exits ahead), then its bond back
/// (none when zero). The one source of truth for the proposer and the judge.
pub fn payout_outputs(exit: &ChildExit, escrow: U256, rollback_height: u64) -> Vec<Output> {
    settled_outputs(exit, exit.settlement(escrow, rollback_height))
}

/// The outputs of the `ExitPayout` that settles `exit` so: what `settlement` pays its owner
/// (none when nothing), then its bond back (none when zero).
pub fn settled_outputs(exit: &ChildExit, settlement: Settlement) -> Vec<Output> {
    let owner = exit.record.owner;
    let amount = match settlement {
        Settlement::Paid(amount) => amount,
        Settlement::Cancelled => U256::ZERO,
    };
    let mut outputs = Vec::with_capacity(2);
    if !amount.is_zero() {
        outputs.push(Output::new(owner, exit.record.token, amount));
    }
    outputs.extend(paid(owner, exit.bond));
    outputs
}

/// The `ExitPayout` transaction that settles `exit` of child `chain` (see
/// [`payout_outputs`]): a payout, or a cancellation that only returns the bond and says so
/// (`cancels`: a payout of nothing from a drained escrow has the same outputs, but its output
/// never exits again). A payout names where this chain last changed the child's escrow of
/// its token (`link`: [`crate::children::escrow_at`]); a cancellation takes nothing from it,
/// and names where this chain heard the latest fraud proof against the child
/// (`rollback_ref`, [`crate::children::ChildRecord::rollback_ref`]).
pub fn payout_transaction(
    chain: u64,
    exit: &ChildExit,
    (link, escrow): (TxRef, U256),
    (rollback_height, rollback_ref): (u64, TxRef),
) -> SignedTransaction {
    let settlement = exit.settlement(escrow, rollback_height);
    let (paid, link) = match settlement {
        Settlement::Paid(amount) => (amount, link),
        Settlement::Cancelled => (U256::ZERO, rollback_ref),
    };
    let claim = payout_claim(chain, exit, settlement, (link, escrow.saturating_sub(paid)));
    let outputs = payout_outputs(exit, escrow, rollback_height);
    unsigned(Kind::ExitPayout, outputs, claim.abi_encode())
}

/// The claim of the payout settling `exit` of child `chain` so, naming `link`: a payout, where
/// the child's escrow last changed, its token, what it takes and what the escrow holds after it
/// (`escrowed`); a cancellation, where the fraud proof that voided the exit was heard, and
/// neither token nor amount.
pub fn payout_claim(
    chain: u64,
    exit: &ChildExit,
    settlement: Settlement,
    (link, escrowed): (TxRef, U256),
) -> ExitPayoutClaim {
    let bare = ExitPayoutClaim {
        childChainId: chain,
        exitId: exit.record.exitId,
        startHeight: exit.started_at.height,
        startIndex: exit.started_at.index,
        cancels: settlement == Settlement::Cancelled,
        ..Default::default()
    };
    match settlement {
        Settlement::Paid(paid) => ExitPayoutClaim {
            token: exit.record.token,
            paid,
            escrowHeight: link.height,
            escrowIndex: link.index,
            escrowed,
            ..bare
        },
        Settlement::Cancelled => {
            ExitPayoutClaim { escrowHeight: link.height, escrowIndex: link.index, ..bare }
        }
    }
}

/// The registration of a child with `params` whose validators are `members` (operator, BLS
/// key, power), in that order, each with its proof of possession; `salt` tells apart two
/// registrations of the same set (the child's id depends on it).
pub fn child_registration(
    salt: u64,
    params: ChildParams,
    members: &[(Address, &BlsSecretKey, u64)],
) -> ChildRegistration {
    let validators = members
        .iter()
        .map(|(operator, key, power)| Validator {
            operator: *operator,
            blsPubkey: key.public_key().to_eip2537().to_vec().into(),
            power: *power,
        })
        .collect();
    let proofs = members
        .iter()
        .map(|(operator, key, _)| key.proof_of_possession(*operator).to_eip2537().to_vec().into())
        .collect();
    ChildRegistration { salt, params, validators, proofsOfPossession: proofs }
}

/// The system transaction that registers `registration`.
pub fn register_child_tx(registration: &ChildRegistration) -> SignedTransaction {
    unsigned(Kind::RegisterChild, vec![], registration.abi_encode())
}

/// The system transaction that submits `checkpoint` to the parent, following the child's
/// checkpoint (or registration) the parent accepted at `previous`: the child record's
/// `last_ref`.
pub fn child_checkpoint_tx(checkpoint: &Checkpoint, previous: TxRef) -> SignedTransaction {
    let linked = LinkedCheckpoint {
        checkpoint: checkpoint.clone(),
        previousHeight: previous.height,
        previousIndex: previous.index,
    };
    unsigned(Kind::ChildCheckpoint, vec![], linked.abi_encode())
}

/// The system transaction that challenges a child's exit whose bond is `bond`, paying it to
/// the challenge's beneficiary.
pub fn challenge_child_exit_tx(challenge: &ChildExitChallenge, bond: U256) -> SignedTransaction {
    let outputs = paid(challenge.beneficiary, bond);
    unsigned(Kind::ChallengeChildExit, outputs, challenge.abi_encode())
}

/// The system transaction that challenges an exit of a deposit into a child (from the record
/// or from its minted output) whose bond is `bond`, paying it to the challenge's beneficiary.
pub fn challenge_child_deposit_exit_tx(
    challenge: &ChildDepositExitChallenge,
    bond: U256,
) -> SignedTransaction {
    let outputs = paid(challenge.beneficiary, bond);
    unsigned(Kind::ChallengeChildDepositExit, outputs, challenge.abi_encode())
}

/// The system transaction that proves `fraud`, paying `reward` (see
/// [`crate::children::prover_reward`]) to its prover.
pub fn prove_child_fraud_tx(fraud: &ChildFraudProof, reward: U256) -> SignedTransaction {
    unsigned(Kind::ProveChildFraud, paid(fraud.prover, reward), fraud.abi_encode())
}

/// One ETH output of `amount` to `to`, or none for nothing.
fn paid(to: Address, amount: U256) -> Vec<Output> {
    if amount.is_zero() {
        vec![]
    } else {
        vec![Output::new(to, Address::ZERO, amount)]
    }
}
