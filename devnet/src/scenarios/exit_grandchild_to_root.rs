//! `exit_grandchild_to_root`: a user's ETH on the first grandchild exits to the root, bonded
//! exit by bonded exit, and the root owes it with the bond.

use super::{failed, grandchild, user, Outcome, ETH};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_client::hops::{self, Journal};
use plasma_ledger::{Address, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "exit_grandchild_to_root";

/// The user's newest ETH output on the first grandchild exits to the root: a bonded exit on
/// each plasma parent (a tenth of an ETH is deposited there for the bond), waited out until
/// paid, then the root's exit, processed after the root's clock is warped past its period;
/// the root then owes the user the amount and the bond.
pub async fn exit_grandchild_to_root(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let (b, mut chains) = grandchild(devnet)?;
    chains.reverse();
    let key = user(devnet)?;
    let coin = *devnet
        .coins(b, key.address())
        .await?
        .iter()
        .rfind(|c| c.token == Address::ZERO)
        .ok_or_else(|| DevnetError::Scenario {
            name: NAME.into(),
            reason: format!(
                "{} holds no ETH on {}: run deposit_root_to_grandchild first",
                key.address(),
                devnet.state.chains[b].path
            ),
        })?;
    // Bonds on each plasma parent come from a deposit there.
    let mut parent = devnet.state.chains[b].parent;
    while let Some(p) = parent {
        let top = devnet.state.chains[p].parent.is_none();
        if top {
            let bonds = devnet.coins(p, key.address()).await?.len();
            let id = devnet.state.chains[p].chain_id;
            let tenth = U256::from(ETH / 10);
            devnet
                .root
                .deposit(key.address(), id, key.address(), Address::ZERO, tenth)
                .await
                .map_err(|e| DevnetError::Root(format!("bond deposit: {e}")))?;
            devnet.wait_coins(p, key.address(), bonds + 1, Duration::from_secs(60)).await?;
        }
        parent = devnet.state.chains[p].parent;
    }
    let owed_before = devnet
        .root
        .owed(key.address(), Address::ZERO)
        .await
        .map_err(|e| DevnetError::Root(e.to_string()))?;
    let mut journal = Journal::open(None, NAME.into()).map_err(failed(NAME))?;
    let started = Instant::now();
    let say = |line: String| progress(&line);
    let (_, _) = hops::exit(&devnet.root, &key, coin.pos(), &chains, &mut journal, &say)
        .await
        .map_err(failed(NAME))?;
    let top = chains.len() - 1;
    let top_chain = devnet.state.chains.iter().position(|c| c.nodes[0].url() == chains[top]);
    let top_chain = top_chain.expect("the path ends at a chain of the devnet");
    let period = devnet.state.chains[top_chain].exit_period;
    progress(&format!("root: warping the clock {} s past the exit period", period + 60));
    devnet.warp(period + 60).await?;
    let chain_id = devnet.state.chains[top_chain].chain_id;
    let root_err = |e: plasma_bridge::RootError| DevnetError::Root(e.to_string());
    devnet
        .root
        .process_exits(devnet.operator(), chain_id, Address::ZERO, 16)
        .await
        .map_err(root_err)?;
    let bond = devnet.root.exit_bond().await.map_err(root_err)?;
    let owed = devnet.root.owed(key.address(), Address::ZERO).await.map_err(root_err)?;
    let gained = owed.saturating_sub(owed_before);
    if gained != coin.amount + bond {
        return Err(DevnetError::Scenario {
            name: NAME.into(),
            reason: format!("the root owes {gained} more, expected {} + bond {bond}", coin.amount),
        });
    }
    let elapsed = started.elapsed();
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "{} wei {} → root in {} s (exit periods included), owed on the root with the bond",
            coin.amount,
            devnet.state.chains[b].path,
            elapsed.as_secs()
        ),
    })
}
