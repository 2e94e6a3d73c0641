//! `deposit_root_to_grandchild`: 1 ETH from the root to a user on the first grandchild, hop
//! by hop, timed from the root transaction to the grandchild's mint.

use super::{failed, grandchild, user, Outcome, ETH};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_client::hops::{self, Deposit, Journal};
use plasma_ledger::{Address, U256};
use std::time::Instant;

/// The scenario's name.
pub(super) const NAME: &str = "deposit_root_to_grandchild";

/// 1 ETH from the root to the user on the first grandchild, hop by hop, as `plasma deposit
/// --via` moves it; reports the time from the root transaction to the grandchild's mint.
pub async fn deposit_root_to_grandchild(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let (b, chains) = grandchild(devnet)?;
    let key = user(devnet)?;
    let amount = U256::from(ETH);
    let before = devnet.coins(b, key.address()).await?;
    let what = Deposit { token: Address::ZERO, amount, recipient: key.address() };
    let mut journal = Journal::open(None, NAME.into()).map_err(failed(NAME))?;
    let started = Instant::now();
    let say = |line: String| progress(&line);
    let pos = hops::deposit(&devnet.root, &key, what, &chains, &mut journal, &say)
        .await
        .map_err(failed(NAME))?;
    let elapsed = started.elapsed();
    let after = devnet.coins(b, key.address()).await?;
    let minted: Vec<_> = after.iter().filter(|c| !before.contains(c)).collect();
    if minted.len() != 1 || minted[0].amount != amount || minted[0].pos() != pos {
        return Err(DevnetError::Scenario {
            name: NAME.into(),
            reason: format!("expected one new output of {amount} at {pos}, found {minted:?}"),
        });
    }
    let path = &devnet.state.chains[b].path;
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "1 ETH root → {path} ({} hops) in {} ms",
            chains.len(),
            elapsed.as_millis()
        ),
    })
}
