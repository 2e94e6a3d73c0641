//! Out of a deposit a chain never minted (a stalled or frozen chain, or a mint in blocks a
//! fraud proof voided): an exit straight from its parent's record of it. On a plasma parent a
//! bonded `StartChildDepositExit`, waited out until paid, then on up to the root as an output
//! of the parent ([`super::exit`]); under the root, the root's `startDepositExit`.

use super::exit::exit_cancellation;
use super::{lock_eth, Chain, Journal};
use crate::convert;
use crate::error::{Error, Result};
use alloy_sol_types::SolValue;
use plasma_ledger::exit::ExitKey;
use plasma_ledger::signing::UserKey;
use plasma_ledger::{ChildDepositExit, DepositRecord, Kind};
use plasma_proto::v1::{DepositsRequest, GetChildRequest};

/// Exits deposit `nonce` into the first of `chains` (gRPC endpoints, that chain first, then
/// each parent up to the root's child) from its parent's record, as its recipient `key`: on
/// a plasma parent, a bonded exit waited out until paid, and that payout exited on up to the
/// root; under the root, the root's `startDepositExit`. Refused, before anything is sent, for
/// a deposit the chain minted and still stands by (exit the minted output instead: an exit
/// from the record is challenged once that output is spent).
pub async fn deposit_exit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    nonce: u64,
    chains: &[String],
    journal: &mut Journal,
    progress: &dyn Fn(String),
) -> Result<()> {
    let Some(first) = chains.first() else { return Err(Error::NoRoute("exit from")) };
    let mut here = Chain::at(first).await?;
    let (record, minted) = recorded(&mut here, nonce).await?;
    if record.recipient != key.address() {
        let (chain, recipient, key) = (here.id, record.recipient, key.address());
        return Err(Error::NotRecipient { nonce, chain, recipient, key });
    }
    let Some(parent_rpc) = chains.get(1) else {
        return root_deposit_exit(root, key, &record, minted, journal, progress).await;
    };
    let mut parent = Chain::at(parent_rpc).await?;
    let pos = match journal.position("record.coin")? {
        Some(pos) => pos,
        None => {
            if journal.get("record.tx").is_none() {
                let request = GetChildRequest { chain_id: here.id };
                let entry = parent.node.children.get_child(request).await?.into_inner();
                if minted && entry.rollback_height == 0 {
                    return Err(Error::DepositMinted { nonce, chain: here.id });
                }
                let bond = convert::u256("GetChildResponse.exit_bond", &entry.exit_bond)?;
                let before = parent.positions(key.address()).await?;
                let coin = parent.eth_coin(key.address(), bond).await?.ok_or(Error::NoCoin {
                    owner: key.address(),
                    amount: bond,
                    chain: parent.id,
                    purpose: "the exit bond",
                })?;
                let exit_id = ExitKey::Deposit(nonce).exit_id();
                let cancelled = exit_cancellation(&mut parent.node, here.id, exit_id).await?;
                let payload = ChildDepositExit {
                    childChainId: here.id,
                    nonce,
                    cancelledHeight: cancelled.height,
                    cancelledIndex: cancelled.index,
                }
                .abi_encode();
                let kind = Kind::StartChildDepositExit;
                let stx = lock_eth(key, &parent.domain, coin, kind, bond, payload);
                journal.record_positions("record.before", &before)?;
                parent.submit_once(&stx).await?;
                journal.record("record.tx", stx.transaction.hash())?;
                progress(format!(
                    "chain {} → chain {}: exit of deposit {nonce} ({} wei) started from chain {}'s record (bond {bond} wei)",
                    here.id, parent.id, record.amount, parent.id
                ));
            }
            progress(format!(
                "waiting for chain {}'s exit period to pass and the payout…",
                parent.id
            ));
            let before = journal.positions("record.before");
            let pos =
                parent.arrival(key.address(), record.token, record.amount, &before, None).await?;
            journal.record("record.coin", &pos)?;
            pos
        }
    };
    progress(format!("deposit {nonce} paid on chain {} at {pos}", parent.id));
    // On up to the root, as an output of the parent.
    super::exit(root, key, pos, &chains[1..], journal, progress).await?;
    Ok(())
}

/// The parent's record of deposit `nonce` into `chain`, as the chain's node read it from
/// its parent, and whether the chain minted it.
async fn recorded(chain: &mut Chain, nonce: u64) -> Result<(DepositRecord, bool)> {
    let request = DepositsRequest { from_nonce: nonce, max: 1 };
    let response = chain.node.bridge.deposits(request).await?.into_inner();
    let d = response
        .deposits
        .into_iter()
        .find(|d| d.nonce == nonce)
        .ok_or(Error::UnknownDeposit { nonce, chain: chain.id })?;
    let record = DepositRecord {
        chainId: chain.id,
        nonce,
        depositor: convert::address("Deposit.depositor", &d.depositor)?,
        recipient: convert::address("Deposit.recipient", &d.recipient)?,
        token: convert::address("Deposit.token", &d.token)?,
        amount: convert::u256("Deposit.amount", &d.amount)?,
    };
    Ok((record, d.minted))
}

/// The root's `startDepositExit` of `record` by its recipient `key`, once.
async fn root_deposit_exit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    record: &DepositRecord,
    minted: bool,
    journal: &mut Journal,
    progress: &dyn Fn(String),
) -> Result<()> {
    let (chain, nonce) = (record.chainId, record.nonce);
    if journal.get("record.root").is_none() {
        let reading = || format!("reading chain {chain} on the root");
        let c = root.contract().chain(chain).call().await.map_err(|e| Error::root(reading(), e))?;
        if minted && !c.frozen {
            return Err(Error::DepositMinted { nonce, chain });
        }
        let bond = root.exit_bond().await.map_err(|e| Error::root("reading the exit bond", e))?;
        root.start_deposit_exit(key.address(), record, bond)
            .await
            .map_err(|e| Error::root("startDepositExit", e))?;
        journal.record("record.root", nonce)?;
    }
    progress(format!(
        "chain {chain} → root: exit of deposit {nonce} ({} wei) started from the root's record",
        record.amount
    ));
    Ok(())
}
