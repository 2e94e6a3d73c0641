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
}

/// Fault injection: the forged transfers of the first deposit minted to `key`'s address,
/// signed by `key` (none while it holds no minted deposit).
pub(super) fn forged_transfers(
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
        });
    }
    Ok(vec![])
}
