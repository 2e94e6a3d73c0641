//! `erc20_round_trip`: an ERC-20 deployed on the root goes to the first chain under the root
//! and back, and the chain's locked balance ends where it started.

use super::{arrival, check, root_err, user, Outcome};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::U256;
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "erc20_round_trip";

/// An ERC-20 deployed on the root goes to the first chain under the root and back: deposited,
/// minted, exited under a checkpoint, processed after the period (the root's clock warped),
/// withdrawn; the chain's locked balance ends where it started and the owner holds the
/// tokens again.
pub async fn erc20_round_trip(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let a = (0..devnet.state.chains.len())
        .find(|&i| devnet.state.chains[i].parent.is_none())
        .expect("a topology has a chain under the root");
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let key = user(devnet)?;
    let me = key.address();
    let amount = U256::from(1_000u64);
    let root = &devnet.root;
    let provider = root.contract().provider().clone();
    let failed_call =
        |what: &str, e: &dyn std::fmt::Display| DevnetError::Root(format!("{what}: {e}"));
    let token = plasma_bridge::bindings::MockERC20::deploy(provider)
        .await
        .map_err(|e| failed_call("deploying the token", &e))?;
    let erc20 = *token.address();
    let mint = token.mint(me, amount).from(me);
    mint.send()
        .await
        .map_err(|e| failed_call("mint", &e))?
        .get_receipt()
        .await
        .map_err(|e| failed_call("mint", &e))?;
    let approve = token.approve(root.address(), amount).from(me);
    approve
        .send()
        .await
        .map_err(|e| failed_call("approve", &e))?
        .get_receipt()
        .await
        .map_err(|e| failed_call("approve", &e))?;
    progress(&format!("root: token {erc20} deployed, {amount} minted to {me}"));
    let started = Instant::now();
    let locked_before = root.locked(a_id, erc20).await.map_err(root_err)?;
    let before = devnet.coins(a, me).await?;
    root.deposit(me, a_id, me, erc20, amount).await.map_err(root_err)?;
    let coin = arrival(devnet, a, me, &before, |c| c.token == erc20).await?;
    check(NAME, coin.amount == amount, || format!("minted {coin:?}"))?;
    progress(&format!("{path}: minted at {}", coin.pos()));
    let anchor = devnet.wait_checkpoint(a, coin.height, Duration::from_secs(60)).await?;
    let (inclusion, header) = devnet.exit_evidence(a, coin.height, coin.tx_index, anchor).await?;
    let bond = root.exit_bond().await.map_err(root_err)?;
    root.start_exit(me, &header, &coin.pos(), &inclusion, bond).await.map_err(root_err)?;
    let period = devnet.state.chains[a].exit_period;
    progress(&format!("root: exit started under checkpoint {anchor}; warping {} s", period + 60));
    devnet.warp(period + 60).await?;
    root.process_exits(devnet.operator(), a_id, erc20, 16).await.map_err(root_err)?;
    let owed = root.owed(me, erc20).await.map_err(root_err)?;
    check(NAME, owed == amount, || format!("the root owes {owed} tokens, not {amount}"))?;
    root.withdraw(me, erc20).await.map_err(root_err)?;
    let held = token.balanceOf(me).call().await.map_err(|e| failed_call("balanceOf", &e))?;
    check(NAME, held == amount, || format!("{me} holds {held} tokens, not {amount}"))?;
    let locked = root.locked(a_id, erc20).await.map_err(root_err)?;
    check(NAME, locked == locked_before, || format!("{path} locks {locked}, not {locked_before}"))?;
    let elapsed = started.elapsed();
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!("{amount} tokens root → {path} → root in {} ms", elapsed.as_millis()),
    })
}
