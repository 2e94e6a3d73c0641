//! Fault injection (tests and demonstrations only): the transactions a byzantine proposer
//! forges.

use super::*;

/// How a byzantine proposer spends the deposits minted to its operator (fault injection).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgery {
    /// One transfer paying a thousand times the amount.
    Inflate,
    /// Two transfers of the same output in one block, each paying the full amount.
    DoubleSpend,
    /// One stake whose payload does not decode, paying a thousand times the amount.
    MalformedStake,
    /// A checkpoint of this chain's registered child of lowest id, before it checkpoints, naming a
    /// set of one key the forger holds and certified by it (a checkpoint succession fraud:
    /// the way a quorum would pay itself exits from the child's escrow).
    OwnSetCheckpoint,
}

/// Fault injection: the checkpoint [`Forgery::OwnSetCheckpoint`] forges, for the child of
/// lowest id this chain registered that has no checkpoint yet, linked as the parent requires (none when
/// there is no such child). Its set is one member: `key`'s operator with a BLS key derived from
/// it.
fn forged_checkpoint(
    store: &Store,
    domain: &SigningDomain,
    key: &plasma_ledger::signing::UserKey,
) -> Result<Vec<SignedTransaction>, StoreError> {
    use plasma_ledger::{BlockHeader, Checkpoint, Validator};
    for chain in store.children()? {
        let Some(record) = store.child(chain)? else { continue };
        if record.last_height != 0 || record.frozen() {
            continue;
        }
        let bls = plasma_ledger::bls::BlsSecretKey::from_seed(key.address().as_slice());
        let ours = Validator {
            operator: key.address(),
            blsPubkey: bls.public_key().to_eip2537().to_vec().into(),
            power: 1,
        };
        let Ok(set) = plasma_ledger::certificate::ValidatorSet::new(vec![ours]) else {
            return Ok(vec![]);
        };
        let header = BlockHeader {
            chainId: chain,
            height: 1,
            validatorSetHash: set.hash(),
            nextValidatorSetHash: set.hash(),
            ..Default::default()
        };
        let votes = domain.votes().child(chain);
        let Some(certificate) =
            plasma_ledger::certificate::certify(&set, &[(0, &bls)], &votes, &header, 0)
        else {
            return Ok(vec![]);
        };
        let checkpoint = Checkpoint { header, certificate };
        return Ok(vec![plasma_ledger::build::child_checkpoint_tx(&checkpoint, record.last_ref)]);
    }
    Ok(vec![])
}

/// Fault injection: what a proposer armed with `forgery` adds to its block (none while it has
/// nothing to forge from).
pub(super) fn forged(
    store: &Store,
    domain: &SigningDomain,
    key: &plasma_ledger::signing::UserKey,
    forgery: Forgery,
) -> Result<Vec<SignedTransaction>, StoreError> {
    match forgery {
        Forgery::OwnSetCheckpoint => forged_checkpoint(store, domain, key),
        spend => forged_transfers(store, domain, key, spend),
    }
}

/// Fault injection: the forged transfers of the first deposit minted to `key`'s address,
/// signed by `key` (none while it holds no minted deposit).
fn forged_transfers(
    store: &Store,
    domain: &SigningDomain,
    key: &plasma_ledger::signing::UserKey,
    forgery: Forgery,
) -> Result<Vec<SignedTransaction>, StoreError> {
    use plasma_ledger::{Kind, Output, Transaction, U256};
    for (pos, out) in store.utxos_of(&key.address(), 64)? {
        let minted = store.block(pos.blockHeight)?.is_some_and(|b| {
            b.transactions
                .get(pos.txIndex as usize)
                .is_some_and(|t| t.transaction.kind == Kind::Deposit as u8)
        });
        if !minted || out.amount < U256::from(2) {
            continue;
        }
        let spend = |kind: Kind, outputs: Vec<Output>, data: Vec<u8>| {
            let transaction = Transaction {
                kind: kind as u8,
                inputs: vec![pos.clone()],
                outputs,
                data: data.into(),
            };
            let signature = key.sign_digest(&domain.signing_hash(&transaction));
            SignedTransaction { transaction, signatures: vec![signature.to_vec().into()] }
        };
        let pay = |outputs: Vec<Output>| spend(Kind::Transfer, outputs, Vec::new());
        let whole = |amount| Output::new(out.owner, out.token, amount);
        return Ok(match forgery {
            Forgery::Inflate => vec![pay(vec![whole(out.amount * U256::from(1000))])],
            // Three bytes no verifier can read as a `ChildStake`.
            Forgery::MalformedStake => {
                let minted = vec![whole(out.amount * U256::from(1000))];
                vec![spend(Kind::StakeChild, minted, vec![1, 2, 3])]
            }
            // Two bodies, so two transaction hashes, each conserving value on its own.
            Forgery::DoubleSpend => vec![
                pay(vec![whole(out.amount)]),
                pay(vec![whole(out.amount - U256::from(1)), whole(U256::from(1))]),
            ],
            // Spends nothing ([`forged_checkpoint`]).
            Forgery::OwnSetCheckpoint => vec![],
        });
    }
    Ok(vec![])
}
