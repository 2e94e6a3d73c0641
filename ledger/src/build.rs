//! Constructors of every transaction the ledger defines, for whoever submits or mints one: a
//! wallet, a proposer, a relayer, a prover. Each builds exactly what the matching judge
//! accepts; the judges (`tx`, `children`) call the same functions where they compare.

use crate::bls::BlsSecretKey;
use crate::kind::Kind;
use crate::signing::{SigningDomain, UserKey};
use crate::types::{
    Checkpoint, ChildExitChallenge, ChildFraudProof, ChildParams, ChildRegistration, DepositRecord,
    ExitPayoutClaim, ExitRecord, Output, SignedTransaction, Transaction, UtxoPos, Validator,
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

/// The outputs of the `ExitPayout` of `exit`: its amount to its owner, then the bond back.
pub fn payout_outputs(exit: &ExitRecord, bond: U256) -> Vec<Output> {
    let mut outputs = vec![Output::new(exit.owner, exit.token, exit.amount)];
    if !bond.is_zero() {
        outputs.push(Output::new(exit.owner, Address::ZERO, bond));
    }
    outputs
}

/// The `ExitPayout` transaction that pays `exit` of child `chain` with its `bond` back.
pub fn payout_transaction(chain: u64, exit: &ExitRecord, bond: U256) -> SignedTransaction {
    let claim = ExitPayoutClaim { childChainId: chain, exitId: exit.exitId };
    unsigned(Kind::ExitPayout, payout_outputs(exit, bond), claim.abi_encode())
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

/// The system transaction that submits `checkpoint` to the parent.
pub fn child_checkpoint_tx(checkpoint: &Checkpoint) -> SignedTransaction {
    unsigned(Kind::ChildCheckpoint, vec![], checkpoint.abi_encode())
}

/// The system transaction that challenges a child's exit whose bond is `bond`, paying it to
/// the challenge's beneficiary.
pub fn challenge_child_exit_tx(challenge: &ChildExitChallenge, bond: U256) -> SignedTransaction {
    let outputs = paid(challenge.beneficiary, bond);
    unsigned(Kind::ChallengeChildExit, outputs, challenge.abi_encode())
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
