//! `spent_exit_challenged`: an exit of a spent output of the first chain under the root is
//! challenged on the root by the chain's own watchers.

use super::{arrival, check, root_err, top_chain, user, Outcome, ETH, USER};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::signing::UserKey;
use plasma_ledger::{build, Address, Output, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "spent_exit_challenged";

/// On the first chain under the root, the user pays a second account, which pays it all
/// back and then tries to exit the output it spent; the chain's watchers challenge the exit
/// on the root by themselves, taking the bond.
pub async fn spent_exit_challenged(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let (alice, bob) = (
        user(devnet)?,
        devnet
            .user_key(USER + 1)
            .ok_or_else(|| DevnetError::Root(format!("anvil has no account {}", USER + 1)))?,
    );
    let amount = U256::from(ETH / 5);
    let domain = devnet.domain(a);
    let root = &devnet.root;
    let before = devnet.coins(a, alice.address()).await?;
    root.deposit(alice.address(), a_id, alice.address(), Address::ZERO, amount)
        .await
        .map_err(root_err)?;
    let coin = arrival(devnet, a, alice.address(), &before, |c| c.amount == amount).await?;
    let to = |who: &UserKey| vec![Output::new(who.address(), Address::ZERO, amount)];
    let bobs_before = devnet.coins(a, bob.address()).await?;
    devnet.submit(a, &build::transfer(&domain, &[(coin.pos(), &alice)], to(&bob))).await?;
    let bobs = arrival(devnet, a, bob.address(), &bobs_before, |c| c.amount == amount).await?;
    let anchor = devnet.wait_checkpoint(a, bobs.height, Duration::from_secs(60)).await?;
    let (inclusion, header) = devnet.exit_evidence(a, bobs.height, bobs.tx_index, anchor).await?;
    // Bob pays it all back: his output is spent ...
    let alices = devnet.coins(a, alice.address()).await?;
    devnet.submit(a, &build::transfer(&domain, &[(bobs.pos(), &bob)], to(&alice))).await?;
    arrival(devnet, a, alice.address(), &alices, |c| c.amount == amount).await?;
    // ... and still tries to exit it.
    let challenged = challengers(devnet, a_id).await?.len();
    let bond = root.exit_bond().await.map_err(root_err)?;
    let started = Instant::now();
    root.start_exit(bob.address(), &header, &bobs.pos(), &inclusion, bond)
        .await
        .map_err(root_err)?;
    progress(&format!(
        "root: exit of the spent {} of {path} started by {}",
        bobs.pos(),
        bob.address()
    ));
    let challenger = loop {
        if let Some(by) = challengers(devnet, a_id).await?.get(challenged) {
            break *by;
        }
        if started.elapsed() > Duration::from_secs(60) {
            return Err(DevnetError::Scenario {
                name: NAME.into(),
                reason: "no watcher challenged the exit within a minute".into(),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let operators: Vec<Address> =
        devnet.validator_keys(a)?.iter().map(|k| k.operator.address()).collect();
    check(NAME, operators.contains(&challenger), || {
        format!("challenged by {challenger}, not one of {path}'s validators")
    })?;
    let elapsed = started.elapsed();
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "the exit of a spent output of {path} was challenged by validator {challenger} in {} ms",
            elapsed.as_millis()
        ),
    })
}

/// Who has challenged exits of `chain_id` on the root so far, in order.
async fn challengers(devnet: &Devnet, chain_id: u64) -> Result<Vec<Address>, DevnetError> {
    let logs = devnet
        .root
        .contract()
        .ExitChallenged_filter()
        .topic1(U256::from(chain_id))
        .from_block(devnet.state.root.deployed_at)
        .query()
        .await
        .map_err(|e| DevnetError::Root(format!("ExitChallenged events: {e}")))?;
    Ok(logs.into_iter().map(|(e, _)| e.challenger).collect())
}
