//! Down the tree: the root's deposit into the first chain, then a lock on each chain into
//! the next.

use super::{Chain, Journal};
use crate::error::{Error, Result};
use alloy_sol_types::SolValue;
use plasma_ledger::signing::UserKey;
use plasma_ledger::{build, Address, ChildDeposit, Kind, UtxoPos, U256};

/// What a deposit moves, and to whom.
#[derive(Debug, Clone, Copy)]
pub struct Deposit {
    /// The asset (root token address; zero for ETH).
    pub token: Address,
    /// How much, in its smallest unit.
    pub amount: U256,
    /// Who receives it on the last chain.
    pub recipient: Address,
}

/// Deposits `amount` of `token` from `key`'s root account to `recipient` on the last of
/// `chains` (gRPC endpoints, the root's child first), hop by hop. Returns the output minted
/// on the last chain.
pub async fn deposit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    what: Deposit,
    chains: &[String],
    journal: &mut Journal,
    progress: &dyn Fn(String),
) -> Result<UtxoPos> {
    let Deposit { token, amount, recipient } = what;
    let n = chains.len();
    let Some(first) = chains.first() else { return Err(Error::NoRoute("deposit into")) };
    let mut here = Chain::at(first).await?;
    let to = |i: usize| if i + 1 == n { recipient } else { key.address() };
    // Hop 1: the root into the first chain.
    let mut coin = match journal.position("1.coin")? {
        Some(c) => c,
        None => {
            if journal.get("1.nonce").is_none() {
                let before = here.positions(to(0)).await?;
                journal.record_positions("1.before", &before)?;
                if token != Address::ZERO {
                    approve(root, key, token, amount).await?;
                }
                let (record, _) = root
                    .deposit(key.address(), here.id, to(0), token, amount)
                    .await
                    .map_err(|e| Error::root("root deposit", e))?;
                journal.record("1.nonce", record.nonce)?;
                progress(format!(
                    "hop 1/{n}: root → chain {}: deposit recorded (nonce {})",
                    here.id, record.nonce
                ));
            }
            progress(format!("hop 1/{n}: waiting for chain {} to mint it…", here.id));
            let before = journal.positions("1.before");
            let nonce = journal.get("1.nonce").and_then(|n| n.parse().ok());
            let pos = here.arrival(to(0), token, amount, &before, nonce).await?;
            journal.record("1.coin", &pos)?;
            pos
        }
    };
    progress(format!("hop 1/{n}: minted on chain {} at {coin}", here.id));
    // Hops 2..: each chain into its child.
    for (i, rpc) in chains.iter().enumerate().skip(1) {
        let hop = i + 1;
        let mut child = Chain::at(rpc).await?;
        let step = |s: &str| format!("{hop}.{s}");
        if let Some(c) = journal.position(&step("coin"))? {
            coin = c;
        } else {
            if journal.get(&step("before")).is_none() {
                let before = child.positions(to(i)).await?;
                journal.record_positions(&step("before"), &before)?;
            }
            let registered = here.registration_of(child.id).await?;
            let lock = ChildDeposit {
                childChainId: child.id,
                recipient: to(i),
                token,
                amount,
                registeredHeight: registered.height,
                registeredIndex: registered.index,
                ..Default::default()
            };
            let tx =
                build::transaction(Kind::DepositToChild, vec![coin], vec![], lock.abi_encode());
            let stx = build::sign(&here.domain, tx, &[key]);
            here.submit_once(&stx).await?;
            let hash = stx.transaction.hash();
            journal.record(&step("tx"), hash)?;
            // The parent numbers the deposit by where the lock stands: the nonce an exit from
            // its record names, should the child never mint it.
            let nonce = here.placed(hash).await?.deposit_nonce();
            journal.record(&step("nonce"), nonce)?;
            progress(format!(
                "hop {hop}/{n}: chain {} → chain {}: locked on chain {} as deposit {nonce}; waiting for the mint…",
                here.id, child.id, here.id
            ));
            let before = journal.positions(&step("before"));
            coin = child.arrival(to(i), token, amount, &before, Some(nonce)).await?;
            journal.record(&step("coin"), &coin)?;
        }
        progress(format!("hop {hop}/{n}: minted on chain {} at {coin}", child.id));
        here = child;
    }
    Ok(coin)
}

/// Lets the root contract take `amount` of the ERC-20 `token` from `key`'s account.
pub async fn approve(
    root: &plasma_bridge::Root,
    key: &UserKey,
    token: Address,
    amount: U256,
) -> Result<()> {
    let erc20 = plasma_bridge::bindings::MockERC20::new(token, root.provider().clone());
    let approving = || format!("approving {token}");
    let pending = erc20
        .approve(root.address(), amount)
        .from(key.address())
        .send()
        .await
        .map_err(|e| Error::root(approving(), e))?;
    pending.get_receipt().await.map_err(|e| Error::root(approving(), e))?;
    Ok(())
}
