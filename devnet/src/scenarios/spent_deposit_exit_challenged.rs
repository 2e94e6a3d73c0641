//! `spent_deposit_exit_challenged`: a user deposits into the first chain under the root,
//! spends the minted output there, and then exits the deposit from the root's own record; the
//! chain's watchers challenge that exit on the root by themselves.

use super::{arrival, check, root_err, top_chain, user, Outcome, ETH, USER};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::exit::ExitKey;
use plasma_ledger::{build, Address, Output, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "spent_deposit_exit_challenged";

/// `RootStorage.ExitStatus` values the scenario reads.
const STARTED: u8 = 1;
const CHALLENGED: u8 = 2;

/// Deposit, spend the minted output, exit the deposit from the root's record: the exit is
/// challenged by one of the chain's validators within a minute, the exiter's bond is gone and
/// the root's locked balance of the chain is what it was before the exit started.
pub async fn spent_deposit_exit_challenged(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let alice = user(devnet)?;
    let bob = devnet
        .user_key(USER + 1)
        .ok_or_else(|| DevnetError::Root(format!("anvil has no account {}", USER + 1)))?;
    let amount = U256::from(ETH / 7);
    let root = &devnet.root;
    let before = devnet.coins(a, alice.address()).await?;
    let (record, _) = root
        .deposit(alice.address(), a_id, alice.address(), Address::ZERO, amount)
        .await
        .map_err(root_err)?;
    let minted = arrival(devnet, a, alice.address(), &before, |c| c.amount == amount).await?;
    // Alice pays the minted output to Bob: on the chain, the deposit is spent ...
    let bobs = devnet.coins(a, bob.address()).await?;
    let pay = vec![Output::new(bob.address(), Address::ZERO, amount)];
    let domain = devnet.domain(a);
    devnet.submit(a, &build::transfer(&domain, &[(minted.pos(), &alice)], pay)).await?;
    arrival(devnet, a, bob.address(), &bobs, |c| c.amount == amount).await?;
    // ... and she still exits it from the root's record.
    let locked = root.locked(a_id, Address::ZERO).await.map_err(root_err)?;
    let owed = root.owed(alice.address(), Address::ZERO).await.map_err(root_err)?;
    let bond = root.exit_bond().await.map_err(root_err)?;
    let started = Instant::now();
    root.start_deposit_exit(alice.address(), &record, bond).await.map_err(root_err)?;
    progress(&format!(
        "root: exit of deposit {} into {path} (spent at {}) started from the root's record",
        record.nonce,
        minted.pos()
    ));
    let exit_id = ExitKey::Deposit(record.nonce).exit_id();
    let status = loop {
        let exit = root.contract().exitOf(a_id, exit_id).call().await;
        let status = exit.map_err(|e| DevnetError::Root(format!("exitOf: {e}")))?.status;
        if status != STARTED {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            return Err(DevnetError::Scenario {
                name: NAME.into(),
                reason: "no watcher challenged the deposit's exit within 90 s".into(),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    check(NAME, status == CHALLENGED, || format!("the exit ended in status {status}"))?;
    let elapsed = started.elapsed();
    let after = root.locked(a_id, Address::ZERO).await.map_err(root_err)?;
    check(NAME, after == locked, || {
        format!("the root's locked balance of {path} moved from {locked} to {after}")
    })?;
    let owed_after = root.owed(alice.address(), Address::ZERO).await.map_err(root_err)?;
    check(NAME, owed_after == owed, || {
        format!("the root owes the exiter {owed_after} wei, {owed} before the exit")
    })?;
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "the exit of spent deposit {} of {path} from the root's record was challenged in {} ms; locked stays {after} wei",
            record.nonce,
            elapsed.as_millis()
        ),
    })
}
