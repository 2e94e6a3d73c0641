//! `sibling_transfer_via_parent`: value moves between two siblings B and C under one plasma
//! parent A, by a bonded exit from B to A and a lock on A for C.

use super::{arrival, check, failed, user, Outcome, ETH};
use crate::harness::{lock_for_child, spend_into};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use alloy_sol_types::SolValue;
use plasma_client::hops::{self, Deposit, Journal};
use plasma_ledger::{Address, Kind, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "sibling_transfer_via_parent";

/// Two siblings under one plasma parent (B and C under A): 0.3 ETH deposited root → A → B
/// leaves B by a bonded exit on A, paid after B's exit period, and is locked on A for C,
/// where it is minted. Checks the amount at every step and reports the time B → C.
pub async fn sibling_transfer_via_parent(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let chains = &devnet.state.chains;
    let pair = (0..chains.len()).find_map(|b| {
        let parent = chains[b].parent?;
        let c = (b + 1..chains.len()).find(|&c| chains[c].parent == Some(parent))?;
        Some((b, c, parent))
    });
    let (b, c, a) = pair.ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: "the topology has no two chains under one plasma chain".into(),
    })?;
    let key = user(devnet)?;
    let me = key.address();
    let amount = U256::from(3 * ETH / 10);
    let bond = devnet.registration(b)?.params.exitBond;
    // Value on B, and a coin on A for the bond.
    let mut journal = Journal::open(None, NAME.into()).map_err(failed(NAME))?;
    let mut route = vec![];
    let mut at = Some(b);
    while let Some(i) = at {
        route.push(chains[i].nodes[0].url());
        at = chains[i].parent;
    }
    route.reverse();
    let what = Deposit { token: Address::ZERO, amount, recipient: me };
    let say = |line: String| progress(&line);
    let on_b = hops::deposit(&devnet.root, &key, what, &route, &mut journal, &say)
        .await
        .map_err(failed(NAME))?;
    let bond_on_a = {
        let before = devnet.coins(a, me).await?;
        let a_route = &route[..route.len() - 1];
        let mut journal = Journal::open(None, format!("{NAME}/bond")).map_err(failed(NAME))?;
        let what = Deposit { token: Address::ZERO, amount: U256::from(ETH / 10), recipient: me };
        hops::deposit(&devnet.root, &key, what, a_route, &mut journal, &say)
            .await
            .map_err(failed(NAME))?;
        arrival(devnet, a, me, &before, |c| c.amount == U256::from(ETH / 10)).await?
    };
    let coin = *devnet.coins(b, me).await?.iter().find(|c| c.pos() == on_b).ok_or_else(|| {
        DevnetError::Scenario { name: NAME.into(), reason: format!("{on_b} not on B") }
    })?;
    let started = Instant::now();
    // B → A: a bonded exit on A under a checkpoint of B covering the coin.
    let anchor = devnet.wait_checkpoint(b, coin.height, Duration::from_secs(60)).await?;
    let payload = devnet.child_exit_start(a, (b, 0), coin.pos(), anchor).await?;
    let before = devnet.coins(a, me).await?;
    let exit = spend_into(
        &devnet.domain(a),
        &key,
        &bond_on_a,
        Kind::StartChildExit,
        bond,
        payload.abi_encode(),
    );
    devnet.submit(a, &exit).await?;
    progress(&format!(
        "{}: exit of {} started on {} under checkpoint {anchor}; waiting {} s for the payout",
        chains[b].path,
        coin.pos(),
        chains[a].path,
        chains[b].exit_period
    ));
    let paid = arrival(devnet, a, me, &before, |c| c.amount == amount).await?;
    progress(&format!("{}: paid {amount} wei at {}", chains[a].path, paid.pos()));
    // A → C.
    let before_c = devnet.coins(c, me).await?;
    let into_c = devnet.registered(c).await?;
    devnet.submit(a, &lock_for_child(&devnet.domain(a), &key, &paid, into_c, me, amount)).await?;
    let minted = arrival(devnet, c, me, &before_c, |x| x.amount == amount).await?;
    let elapsed = started.elapsed();
    check(NAME, minted.token == Address::ZERO, || format!("minted {minted:?}"))?;
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "{amount} wei {} → {} → {} in {} ms (B's exit period included)",
            chains[b].path,
            chains[a].path,
            chains[c].path,
            elapsed.as_millis()
        ),
    })
}
