//! Named cross-chain scenarios, run against a devnet: by the harness's tests on a small tree,
//! and by `plasma-devnet scenario <name>` against a running one, for a demonstration. Each
//! checks what it claims and reports its figures through `progress`.

use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::signing::UserKey;
use plasma_ledger::{Address, U256};
use plasma_node::hops::{self, Deposit, Journal};
use std::time::{Duration, Instant};

/// The scenarios this version runs.
pub const NAMES: &[&str] = &["deposit_root_to_grandchild", "exit_grandchild_to_root"];

/// What a scenario measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The scenario.
    pub name: &'static str,
    /// Wall time of the part it measures.
    pub elapsed: Duration,
    /// One line for people.
    pub summary: String,
}

const ETH: u128 = 1_000_000_000_000_000_000;
/// Anvil's account the scenarios act as (0 deploys and funds; 1–3 are the tests' users).
const USER: usize = 5;

fn failed(name: &str) -> impl Fn(eyre::Report) -> DevnetError + '_ {
    move |e| DevnetError::Scenario { name: name.to_string(), reason: format!("{e:#}") }
}

/// Runs scenario `name`.
pub async fn run(
    devnet: &Devnet,
    name: &str,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    match name {
        "deposit_root_to_grandchild" => deposit_root_to_grandchild(devnet, progress).await,
        "exit_grandchild_to_root" => exit_grandchild_to_root(devnet, progress).await,
        _ => Err(DevnetError::UnknownScenario { name: name.into(), known: NAMES.join(", ") }),
    }
}

/// The first chain two levels down, and the gRPC endpoints from its top ancestor to it.
fn grandchild(devnet: &Devnet) -> Result<(usize, Vec<String>), DevnetError> {
    let chains = &devnet.state.chains;
    let i = (0..chains.len()).find(|&i| chains[i].parent.is_some()).ok_or_else(|| {
        DevnetError::Scenario {
            name: "grandchild".into(),
            reason: "the topology has no chain under a plasma chain".into(),
        }
    })?;
    let mut path = vec![i];
    while let Some(p) = chains[*path.last().expect("non-empty")].parent {
        path.push(p);
    }
    path.reverse();
    Ok((i, path.iter().map(|&c| chains[c].nodes[0].url()).collect()))
}

fn user(devnet: &Devnet) -> Result<UserKey, DevnetError> {
    devnet.user_key(USER).ok_or_else(|| DevnetError::Root(format!("anvil has no account {USER}")))
}

/// 1 ETH from the root to the user on the first grandchild, hop by hop, as `plasma deposit
/// --via` moves it; reports the time from the root transaction to the grandchild's mint.
pub async fn deposit_root_to_grandchild(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "deposit_root_to_grandchild";
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

/// The user's newest ETH output on the first grandchild exits to the root: a bonded exit on
/// each plasma parent (a tenth of an ETH is deposited there for the bond), waited out until
/// paid, then the root's exit, processed after the root's clock is warped past its period;
/// the root then owes the user the amount and the bond.
pub async fn exit_grandchild_to_root(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "exit_grandchild_to_root";
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
