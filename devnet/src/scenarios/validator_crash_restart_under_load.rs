//! `validator_crash_restart_under_load`: validators of the first chain under the root are
//! killed and restarted in turn while transfers flow; each commits once and checkpoints go on.

use super::{arrival, check, root_err, top_chain, user, Outcome, ETH};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::{build, Address, Output, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "validator_crash_restart_under_load";

/// While transfers flow on the first chain under the root, each of its validators but the
/// one serving the API is killed (SIGKILL) and restarted in turn: every transfer commits
/// exactly once and the chain goes on checkpointing past where it was.
pub async fn validator_crash_restart_under_load(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let validators = devnet.state.chains[a].nodes.len();
    if validators < 4 {
        return Err(DevnetError::Scenario {
            name: NAME.into(),
            reason: format!("{path} has {validators} validators; one down needs at least 4"),
        });
    }
    let key = user(devnet)?;
    let me = key.address();
    // An amount no other scenario uses, so that the coins of this one are told apart.
    let amount = U256::from(ETH / 10 + 7_777);
    let before = devnet.coins(a, me).await?;
    devnet.root.deposit(me, a_id, me, Address::ZERO, amount).await.map_err(root_err)?;
    let mut coin = arrival(devnet, a, me, &before, |c| c.amount == amount).await?;
    let checkpoint_before = devnet.checkpoint(a).await.map_or(0, |c| c.0);
    let domain = devnet.domain(a);
    let started = Instant::now();
    let mut transfers = 0;
    for k in 1..validators {
        devnet.kill_node(a, k)?;
        progress(&format!("{path}: validator {k} killed"));
        for _ in 0..3 {
            // One wei away each time, the rest back to self: every step is a new coin.
            let next = coin.amount - U256::from(1u64);
            let pay = build::transfer(
                &domain,
                &[(coin.pos(), &key)],
                vec![
                    Output::new(me, Address::ZERO, next),
                    Output::new(devnet.operator(), Address::ZERO, U256::from(1u64)),
                ],
            );
            let held = devnet.coins(a, me).await?;
            devnet.submit(a, &pay).await?;
            coin = arrival(devnet, a, me, &held, |c| c.amount == next).await?;
            transfers += 1;
        }
        devnet.start_node(a, k)?;
        progress(&format!("{path}: validator {k} restarted; {transfers} transfers so far"));
    }
    let coins = devnet.coins(a, me).await?;
    let last = amount - U256::from(transfers);
    let ours: Vec<_> = coins.iter().filter(|c| c.amount >= last && c.amount <= amount).collect();
    check(NAME, ours.len() == 1 && ours[0].amount == last, || {
        format!("{me} should hold only the last of its {transfers} transfers: {ours:?}")
    })?;
    let height = devnet.height(a).await;
    let landed = devnet.wait_checkpoint(a, checkpoint_before + 1, Duration::from_secs(120)).await?;
    // Every validator is back: each reports the chain's height again.
    for k in 0..validators {
        let mut client = devnet.client(a, k).await?;
        client
            .wait_height(height, Duration::from_secs(60))
            .await
            .map_err(|e| DevnetError::Timeout(format!("{path} validator {k}: {}", e.message())))?;
    }
    let elapsed = started.elapsed();
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "{transfers} transfers on {path} while {} validators were killed and restarted in \
             turn; each committed once, checkpoints went on ({checkpoint_before} → {landed})",
            validators - 1
        ),
    })
}
