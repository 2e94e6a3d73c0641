//! `block_withholding_mass_exit`: a validator cut off from its chain's blocks raises
//! `block_withholding`, and users exit under the last checkpoint it has, paid in priority order.

use super::{alert_kinds, arrival, check, root_err, top_chain, Outcome, ETH, USER};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::signing::UserKey;
use plasma_ledger::{Address, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "block_withholding_mass_exit";

/// Block withholding on the root's child A: its last validator is cut off (restarted on
/// another port with no peers and no block sources, as a user's node the others keep blocks
/// from), while the others go on and checkpoint to the root. The cut-off node's watcher sees
/// checkpoints of blocks it cannot get and raises `block_withholding`; the connected
/// validators, which hold those blocks, do not. Two users then exit everything they held
/// under the last checkpoint the cut-off node has, the newer output first; after the exit
/// period the root pays both in its priority order (`exitableAt`, then position: the older
/// output first unless the root's clock, warped by earlier scenarios, puts `now + P` past
/// both outputs' `outputTime + 2P`), bonds back. The node is reconnected at the end.
pub async fn block_withholding_mass_exit(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let validators = devnet.state.chains[a].nodes.len();
    check(NAME, validators >= 4, || {
        format!("{path} has {validators} validators: the others must keep a quorum without one")
    })?;
    let k = validators - 1;
    let users: Vec<UserKey> = (USER + 1..=USER + 2)
        .map(|i| devnet.user_key(i).ok_or_else(|| DevnetError::Root(format!("no account {i}"))))
        .collect::<Result<_, _>>()?;
    // Value on A for both, the first twice the second, covered by a checkpoint.
    let mut held = Vec::new();
    for (n, key) in users.iter().enumerate() {
        let amount = U256::from(ETH / 10) * U256::from(2 - n as u64);
        let before = devnet.coins(a, key.address()).await?;
        devnet
            .root
            .deposit(key.address(), a_id, key.address(), Address::ZERO, amount)
            .await
            .map_err(root_err)?;
        held.push(arrival(devnet, a, key.address(), &before, |c| c.amount == amount).await?);
    }
    let covered = held.iter().map(|c| c.height).max().unwrap_or_default();
    let pre = devnet.wait_checkpoint(a, covered, Duration::from_secs(60)).await?;
    let mut c = devnet.client(a, k).await?;
    c.wait_height(pre, Duration::from_secs(60))
        .await
        .map_err(|e| DevnetError::Timeout(format!("{path} validator {k}: {}", e.message())))?;
    // Cut off: nobody reaches it, it reaches nobody, and it fetches no blocks.
    devnet.stop_node(a, k)?;
    let elsewhere = format!("/ip4/127.0.0.1/tcp/{}", free_port_pair()?);
    let isolation: Vec<String> = [
        "--peers",
        "",
        "--listen",
        &elsewhere,
        "--set",
        "parent.block_sources=[]",
        "--set",
        "parent.withholding_timeout_ms=1500",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    devnet.start_node_with(a, k, &isolation)?;
    progress(&format!("{path}: validator {k} cut off at checkpoint {pre}; the others go on"));
    let started = Instant::now();
    let raised = loop {
        let kinds = alert_kinds(devnet, a, k).await.unwrap_or_default();
        if kinds.iter().any(|kind| kind == "block_withholding") {
            break started.elapsed();
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!(
                "validator {k} of {path} raised no block_withholding (alerts: {kinds:?})"
            )));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    progress(&format!(
        "{path}: validator {k} raised block_withholding {} ms after it was cut off",
        raised.as_millis()
    ));
    for j in 0..k {
        let kinds = alert_kinds(devnet, a, j).await?;
        check(NAME, !kinds.iter().any(|kind| kind == "block_withholding"), || {
            format!("validator {j} holds the blocks, yet raised block_withholding: {kinds:?}")
        })?;
    }
    // Everyone exits with the data the cut-off node has, the newer output first.
    let bond = devnet.root.exit_bond().await.map_err(root_err)?;
    let mut owed = Vec::new();
    let mut queue = Vec::new();
    for (key, coin) in users.iter().zip(&held).rev() {
        owed.push(devnet.root.owed(key.address(), Address::ZERO).await.map_err(root_err)?);
        let (inclusion, anchor) =
            devnet.exit_evidence_from(a, k, coin.height, coin.tx_index, pre).await?;
        let receipt = devnet
            .root
            .start_exit(key.address(), &anchor, &coin.pos(), &inclusion, bond)
            .await
            .map_err(root_err)?;
        use plasma_bridge::bindings::PlasmaRoot::ExitStarted;
        let key_of = receipt
            .inner
            .inner
            .logs()
            .iter()
            .find_map(|l| l.log_decode::<ExitStarted>().ok().map(|e| e.inner.data.queueKey));
        let queue_key = key_of.ok_or_else(|| DevnetError::Root("no ExitStarted event".into()))?;
        queue.push((queue_key, key.address()));
    }
    owed.reverse();
    queue.sort();
    let period = devnet.state.chains[a].exit_period;
    progress(&format!(
        "root: 2 exits started under checkpoint {pre}; warping {} s",
        2 * period + 60
    ));
    devnet.warp(2 * period + 60).await?;
    let receipt = devnet
        .root
        .process_exits(devnet.operator(), a_id, Address::ZERO, 16)
        .await
        .map_err(root_err)?;
    use plasma_bridge::bindings::PlasmaRoot::ExitProcessed;
    let paid: Vec<Address> = receipt
        .inner
        .inner
        .logs()
        .iter()
        .filter_map(|l| l.log_decode::<ExitProcessed>().ok())
        .map(|l| l.inner.data.owner)
        .filter(|o| users.iter().any(|u| u.address() == *o))
        .collect();
    let expected: Vec<Address> = queue.iter().map(|(_, who)| *who).collect();
    check(NAME, paid == expected, || {
        format!("paid {paid:?}, the root's priority order is {expected:?}")
    })?;
    for ((key, coin), before) in users.iter().zip(&held).zip(&owed) {
        let now = devnet.root.owed(key.address(), Address::ZERO).await.map_err(root_err)?;
        check(NAME, now - *before == coin.amount + bond, || {
            format!(
                "{} is owed {} more, expected {} + bond {bond}",
                key.address(),
                now - *before,
                coin.amount
            )
        })?;
    }
    // Reconnected, it catches up.
    devnet.stop_node(a, k)?;
    devnet.start_node(a, k)?;
    Ok(Outcome {
        name: NAME,
        elapsed: raised,
        summary: format!(
            "{path} validator {k}, cut off, raised block_withholding after {} ms (the connected \
             ones none); 2 users exited under checkpoint {pre} and were paid in priority order",
            raised.as_millis()
        ),
    })
}

/// Two loopback TCP ports in a row that nothing listens on (a node's p2p port and, next to
/// it, its transaction gossip).
fn free_port_pair() -> Result<u16, DevnetError> {
    let io =
        |e: std::io::Error| DevnetError::Io { what: "finding a free port", reason: e.to_string() };
    for _ in 0..64 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(io)?
            .port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return Ok(port);
        }
    }
    Err(DevnetError::Timeout("no two free ports in a row on loopback".into()))
}
