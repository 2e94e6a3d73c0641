//! Named cross-chain scenarios, run against a devnet: by the harness's tests on a small tree,
//! and by `plasma-devnet scenario <name>` against a running one, for a demonstration. Each
//! checks what it claims and reports its figures through `progress`.

use crate::harness::{lock_for_child, spend_into, stake_of, Coin};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use alloy_sol_types::SolValue;
use plasma_ledger::children::POWER_UNIT;
use plasma_ledger::signing::UserKey;
use plasma_ledger::{testkit, Address, ChildExitStart, Output, TxKind, U256};
use plasma_node::hops::{self, Deposit, Journal};
use std::time::{Duration, Instant};

/// The scenarios this version runs.
pub const NAMES: &[&str] = &[
    "deposit_root_to_grandchild",
    "exit_grandchild_to_root",
    "sibling_transfer_via_parent",
    "erc20_round_trip",
    "spent_exit_challenged",
    "validator_crash_restart_under_load",
    "validator_set_change",
    "validator_set_change_under_plasma",
    "block_withholding_mass_exit",
    "equivocation_slashed",
];

/// Scenarios whose validators misbehave on purpose: they need `plasmad` built with its
/// `byzantine` feature (`bash scripts/devnet.sh up --byzantine`), and each freezes the
/// plasma chain it runs on for good.
pub const FAULT_NAMES: &[&str] = &["fraud_inflation_rollback_slash_freeze", "fraud_double_spend"];

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
    devnet: &mut Devnet,
    name: &str,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    match name {
        "deposit_root_to_grandchild" => deposit_root_to_grandchild(devnet, progress).await,
        "exit_grandchild_to_root" => exit_grandchild_to_root(devnet, progress).await,
        "sibling_transfer_via_parent" => sibling_transfer_via_parent(devnet, progress).await,
        "erc20_round_trip" => erc20_round_trip(devnet, progress).await,
        "spent_exit_challenged" => spent_exit_challenged(devnet, progress).await,
        "validator_crash_restart_under_load" => {
            validator_crash_restart_under_load(devnet, progress).await
        }
        "validator_set_change" => validator_set_change(devnet, progress).await,
        "validator_set_change_under_plasma" => {
            validator_set_change_under_plasma(devnet, progress).await
        }
        "block_withholding_mass_exit" => block_withholding_mass_exit(devnet, progress).await,
        "fraud_inflation_rollback_slash_freeze" => {
            fraud_rollback_slash_freeze(devnet, progress, Forgery::Inflate).await
        }
        "fraud_double_spend" => {
            fraud_rollback_slash_freeze(devnet, progress, Forgery::DoubleSpend).await
        }
        "equivocation_slashed" => equivocation_slashed(devnet, progress).await,
        _ => Err(DevnetError::UnknownScenario {
            name: name.into(),
            known: NAMES.iter().chain(FAULT_NAMES).copied().collect::<Vec<_>>().join(", "),
        }),
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

fn root_err(e: plasma_bridge::RootError) -> DevnetError {
    DevnetError::Root(e.to_string())
}

fn check(name: &str, ok: bool, what: impl FnOnce() -> String) -> Result<(), DevnetError> {
    if ok {
        Ok(())
    } else {
        Err(DevnetError::Scenario { name: name.into(), reason: what() })
    }
}

/// Waits (a minute at most) for an output of `owner` on chain `i` that `fits` and is not
/// among `before`.
async fn arrival(
    devnet: &Devnet,
    i: usize,
    owner: Address,
    before: &[Coin],
    fits: impl Fn(&Coin) -> bool,
) -> Result<Coin, DevnetError> {
    let since = Instant::now();
    loop {
        let coins = devnet.coins(i, owner).await?;
        if let Some(c) = coins.iter().find(|c| !before.contains(c) && fits(c)) {
            return Ok(*c);
        }
        if since.elapsed() > Duration::from_secs(60) {
            return Err(DevnetError::Timeout(format!(
                "no new output of {owner} on {} (it holds {coins:?})",
                devnet.state.chains[i].path
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Two siblings under one plasma parent (B and C under A): 0.3 ETH deposited root → A → B
/// leaves B by a bonded exit on A, paid after B's exit period, and is locked on A for C,
/// where it is minted. Checks the amount at every step and reports the time B → C.
pub async fn sibling_transfer_via_parent(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "sibling_transfer_via_parent";
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
    let (inclusion, header) = devnet.exit_evidence(b, coin.height, coin.tx_index, anchor).await?;
    let b_id = chains[b].chain_id;
    let payload = ChildExitStart { childChainId: b_id, anchor: header, pos: coin.pos(), inclusion };
    let before = devnet.coins(a, me).await?;
    let exit = spend_into(
        &devnet.domain(a),
        &key,
        &bond_on_a,
        TxKind::StartChildExit,
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
    let c_id = chains[c].chain_id;
    devnet.submit(a, &lock_for_child(&devnet.domain(a), &key, &paid, c_id, me, amount)).await?;
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

/// An ERC-20 deployed on the root goes to the first chain under the root and back: deposited,
/// minted, exited under a checkpoint, processed after the period (the root's clock warped),
/// withdrawn; the chain's locked balance ends where it started and the owner holds the
/// tokens again.
pub async fn erc20_round_trip(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "erc20_round_trip";
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

/// The first chain under the root.
fn top_chain(devnet: &Devnet) -> usize {
    (0..devnet.state.chains.len())
        .find(|&i| devnet.state.chains[i].parent.is_none())
        .expect("a topology has a chain under the root")
}

/// The root's record of chain `chain_id`.
async fn on_root(
    devnet: &Devnet,
    chain_id: u64,
) -> Result<plasma_bridge::bindings::plasma_root::RootStorage::Chain, DevnetError> {
    devnet
        .root
        .contract()
        .chain(chain_id)
        .call()
        .await
        .map_err(|e| DevnetError::Root(e.to_string()))
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

/// On the first chain under the root, the user pays a second account, which pays it all
/// back and then tries to exit the output it spent; the chain's watchers challenge the exit
/// on the root by themselves, taking the bond.
pub async fn spent_exit_challenged(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "spent_exit_challenged";
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
    devnet.submit(a, &testkit::transfer(&domain, &[(coin.pos(), &alice)], to(&bob))).await?;
    let bobs = arrival(devnet, a, bob.address(), &bobs_before, |c| c.amount == amount).await?;
    let anchor = devnet.wait_checkpoint(a, bobs.height, Duration::from_secs(60)).await?;
    let (inclusion, header) = devnet.exit_evidence(a, bobs.height, bobs.tx_index, anchor).await?;
    // Bob pays it all back: his output is spent ...
    let alices = devnet.coins(a, alice.address()).await?;
    devnet.submit(a, &testkit::transfer(&domain, &[(bobs.pos(), &bob)], to(&alice))).await?;
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

/// While transfers flow on the first chain under the root, each of its validators but the
/// one serving the API is killed (SIGKILL) and restarted in turn: every transfer commits
/// exactly once and the chain goes on checkpointing past where it was.
pub async fn validator_crash_restart_under_load(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    const NAME: &str = "validator_crash_restart_under_load";
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
            let pay = testkit::transfer(
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

/// More than two thirds of the first chain's validators sign a second block at a height the
/// chain has not reached, and it is submitted to the root as a checkpoint; when the chain
/// gets there, its watchers prove the equivocation with their own certificate. The root
/// freezes the chain from that height and takes the stake of everyone who signed both.
/// Destructive: the chain stays frozen (exits only), so this scenario runs last.
pub async fn equivocation_slashed(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::{certify, ValidatorSet};
    const NAME: &str = "equivocation_slashed";
    let a = top_chain(devnet);
    let chain = &devnet.state.chains[a];
    let (a_id, path) = (chain.chain_id, chain.path.clone());
    let root = &devnet.root;
    let record = on_root(devnet, a_id).await?;
    check(NAME, !record.frozen, || format!("{path} is frozen already"))?;
    let members = root.validators(a_id, record.activeConfig).await.map_err(root_err)?;
    let set = ValidatorSet::new(members.clone())
        .map_err(|e| DevnetError::Root(format!("the configuration of {path}: {e}")))?;
    let keys = devnet.validator_keys(a)?;
    // The smallest quorum: more than two thirds of equal powers.
    let quorum = members.len() * 2 / 3 + 1;
    let signers: Vec<(usize, &plasma_ledger::bls::BlsSecretKey)> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            Some((i, &keys.iter().find(|k| k.operator.address() == m.operator)?.bls))
        })
        .take(quorum)
        .collect();
    check(NAME, signers.len() == quorum, || {
        format!("the devnet holds {} of the keys", signers.len())
    })?;
    let forged = plasma_ledger::BlockHeader {
        chainId: a_id,
        height: record.lastHeight + 3 * chain.epoch_length,
        validatorSetHash: set.hash(),
        nextValidatorSetHash: set.hash(),
        txRoot: plasma_ledger::B256::repeat_byte(0xf0),
        ..Default::default()
    };
    let cert = certify(&set, &signers, &forged, 0).ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: "no certificate".into(),
    })?;
    let started = Instant::now();
    root.submit_checkpoint(devnet.operator(), &forged, &cert).await.map_err(root_err)?;
    progress(&format!(
        "root: a second block {} of {path}, signed by {quorum} of its {} validators, accepted as a checkpoint",
        forged.height,
        members.len()
    ));
    let rollback = loop {
        let c = root
            .contract()
            .chain(a_id)
            .call()
            .await
            .map_err(|e| DevnetError::Root(e.to_string()))?;
        if c.frozen {
            break c.rollbackHeight;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Scenario {
                name: NAME.into(),
                reason: "the watchers never proved the equivocation".into(),
            });
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let elapsed = started.elapsed();
    check(NAME, rollback == forged.height, || {
        format!("rolled back from {rollback}, not {}", forged.height)
    })?;
    let proofs = root.fraud_proofs(a_id, devnet.state.root.deployed_at).await.map_err(root_err)?;
    let proof = proofs.last().ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: "no fraud proof on the root".into(),
    })?;
    let evidence =
        <plasma_ledger::EquivocationEvidence as SolValue>::abi_decode(&proof.evidence).map_err(
            |e| DevnetError::Scenario { name: NAME.into(), reason: format!("evidence: {e}") },
        )?;
    check(NAME, proof.kind == plasma_ledger::FraudKind::Equivocation as u8, || {
        format!("kind {}", proof.kind)
    })?;
    let signed =
        |c: &plasma_ledger::CommitCertificate| set.signers(&c.signerBitmap).unwrap_or_default();
    let (x, y) = (signed(&evidence.a), signed(&evidence.b));
    let both: Vec<usize> = x.into_iter().filter(|i| y.contains(i)).collect();
    for (i, m) in members.iter().enumerate() {
        let stake = root
            .contract()
            .stakeOf(a_id, m.operator)
            .call()
            .await
            .map_err(|e| DevnetError::Root(e.to_string()))?
            .amount;
        check(NAME, stake.is_zero() == both.contains(&i), || {
            format!(
                "validator {i} ({}): stake {stake}, signed both: {}",
                m.operator,
                both.contains(&i)
            )
        })?;
    }
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "{path} frozen from height {rollback} {} ms after the conflicting checkpoint; {} \
             validators who signed both slashed",
            elapsed.as_millis(),
            both.len()
        ),
    })
}

/// A new validator joins the first chain under the root: a node with fresh keys starts as a
/// full node, bonds on the root with its BLS key and proof of possession, and the root
/// proposes the next configuration. The chain adopts it at its next epoch end (announced by
/// `nextValidatorSetHash`, acknowledged by the root), and from then on the newcomer's
/// precommits are in the chain's certificates.
pub async fn validator_set_change(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::ValidatorSet;
    const NAME: &str = "validator_set_change";
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let before = on_root(devnet, a_id).await?;
    let k = devnet.add_node(a).await?;
    devnet.start_node(a, k)?;
    let keys = devnet.validator_keys(a)?;
    let newcomer = &keys[k];
    let op = newcomer.operator.address();
    progress(&format!("{path}: node {k} started with operator {op}; bonding it on the root"));
    devnet.fund(op, U256::from(ETH)).await?;
    let url = devnet.state.root.rpc.parse().map_err(|e| DevnetError::Root(format!("{e}")))?;
    let wallet = plasma_bridge::devchain::wallet_provider(url, &[newcomer.operator_secret])
        .ok_or_else(|| DevnetError::Root("the operator key".into()))?;
    let stake = U256::from(crate::launch::POWER) * U256::from(POWER_UNIT);
    let root = plasma_bridge::Root::at(devnet.root.address(), wallet);
    let next =
        plasma_node::bond::on_root(&root, a_id, newcomer, stake).await.map_err(failed(NAME))?;
    let started = Instant::now();
    check(NAME, next > before.activeConfig, || {
        format!("the bond proposed configuration {next}, not after {}", before.activeConfig)
    })?;
    let members = devnet.root.validators(a_id, next).await.map_err(root_err)?;
    let set = ValidatorSet::new(members.clone()).map_err(|e| DevnetError::Root(e.to_string()))?;
    let index =
        members.iter().position(|m| m.operator == op).ok_or_else(|| DevnetError::Scenario {
            name: NAME.into(),
            reason: "the newcomer is not in the proposed set".into(),
        })?;
    let from = loop {
        let c = on_root(devnet, a_id).await?;
        if c.activeConfig == next {
            break c.lastHeight + 1;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!("{path} never adopted configuration {next}")));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let adopted = started.elapsed();
    progress(&format!("root: configuration {next} active for {path} from block {from}"));
    let first_signed = newcomer_signs(devnet, a, &set, index, from, started).await?;
    Ok(Outcome {
        name: NAME,
        elapsed: adopted,
        summary: format!(
            "{path} adopted a {}-validator set {} ms after the proposal, from block {from}; the \
             newcomer's first precommit is in block {first_signed}'s certificate",
            members.len(),
            adopted.as_millis(),
        ),
    })
}

/// The first block from `from` on whose certificate carries member `index` of `set`, read
/// from validator 0 of chain `i`; every block from `from` on must be by `set`. Gives up 180 s
/// after `started`.
async fn newcomer_signs(
    devnet: &Devnet,
    i: usize,
    set: &plasma_ledger::certificate::ValidatorSet,
    index: usize,
    from: u64,
    started: Instant,
) -> Result<u64, DevnetError> {
    const NAME: &str = "a newcomer's first precommit";
    // Once it has caught up, a certificate carries its bit.
    let mut client = devnet.client(i, 0).await?;
    let mut height = from;
    loop {
        if started.elapsed() > Duration::from_secs(180) {
            return Err(DevnetError::Timeout(format!(
                "the newcomer signed none of blocks {from}..{height}"
            )));
        }
        let (header, cert) = block_at(&mut client, height).await?;
        check(NAME, header.validatorSetHash == set.hash(), || {
            format!("block {height} is not by the new configuration")
        })?;
        if set.signers(&cert.signerBitmap).unwrap_or_default().contains(&index) {
            return Ok(height);
        }
        height += 1;
    }
}

/// The header and certificate of block `height`, as `client`'s node serves them.
async fn block_at(
    client: &mut plasma_proto::Client,
    height: u64,
) -> Result<(plasma_ledger::BlockHeader, plasma_ledger::CommitCertificate), DevnetError> {
    // The node asked for a block must itself have it: the highest node may be ahead.
    client
        .wait_height(height, Duration::from_secs(60))
        .await
        .map_err(|e| DevnetError::Timeout(e.message().into()))?;
    let block = client
        .chain
        .get_block(plasma_proto::v1::GetBlockRequest { height })
        .await
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: e.message().into() })?
        .into_inner();
    let cert = <plasma_ledger::CommitCertificate as SolValue>::abi_decode(&block.certificate)
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: format!("certificate: {e}") })?;
    let header = plasma_ledger::Block::abi_decode(&block.block)
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: format!("block: {e}") })?
        .header;
    Ok((header, cert))
}

/// A validator joins the grandchild B by bonding on its plasma parent A: a `BondChild` on A
/// numbers B's next configuration, B adopts it at its next epoch end (A activates it from the
/// checkpoint naming it), and the newcomer's precommits then count on A.
pub async fn validator_set_change_under_plasma(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::ValidatorSet;
    const NAME: &str = "validator_set_change_under_plasma";
    let (b, _) = grandchild(devnet)?;
    let a = devnet.state.chains[b].parent.expect("a grandchild hangs under a plasma chain");
    let (a_id, b_id) = (devnet.state.chains[a].chain_id, devnet.state.chains[b].chain_id);
    let (a_path, b_path) =
        (devnet.state.chains[a].path.clone(), devnet.state.chains[b].path.clone());
    let before = devnet.child_entry(b).await?;
    let k = devnet.add_node(b).await?;
    devnet.start_node(b, k)?;
    let newcomer = devnet.validator_keys(b)?.swap_remove(k);
    let op = newcomer.operator.address();
    // An operator bonds once its node has caught up: from the next epoch end on, its votes
    // may be needed (B may have fewer validators than a quorum without it).
    let tip = devnet.height(b).await;
    progress(&format!("{b_path}: node {k} started with operator {op}; syncing to block {tip}"));
    let mut joining = devnet.client(b, k).await?;
    joining
        .wait_height(tip, Duration::from_secs(120))
        .await
        .map_err(|e| DevnetError::Timeout(format!("{b_path} node {k}: {}", e.message())))?;
    progress(&format!("{b_path}: node {k} caught up; funding its operator on {a_path}"));
    let coins = devnet.coins(a, op).await?;
    let funds = U256::from(ETH / 10);
    devnet
        .root
        .deposit(devnet.operator(), a_id, op, Address::ZERO, funds)
        .await
        .map_err(root_err)?;
    arrival(devnet, a, op, &coins, |c| c.amount == funds).await?;
    let stake = U256::from(crate::launch::POWER) * U256::from(POWER_UNIT);
    let a_node = devnet.state.chains[a].nodes[0].url();
    let proposed = plasma_node::bond::on_plasma_parent(&a_node, b_id, &newcomer, stake)
        .await
        .map_err(failed(NAME))?;
    let started = Instant::now();
    progress(&format!(
        "{a_path}: bonded {stake} wei for {b_path}, configuration {proposed} numbered; waiting \
         for its next epoch end"
    ));
    let next = before.configurations + 1;
    check(NAME, proposed == next, || format!("the bond numbered {proposed}, not {next}"))?;
    let entry = loop {
        let entry = devnet.child_entry(b).await?;
        if entry.active_configuration == next {
            break entry;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!(
                "{a_path} never activated configuration {next} of {b_path} (configurations {}, \
                 active {}, pending {})",
                entry.configurations, entry.active_configuration, entry.pending_configuration
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let adopted = started.elapsed();
    let members = <Vec<plasma_ledger::Validator> as SolValue>::abi_decode(&entry.validators)
        .map_err(|e| DevnetError::Rpc { what: "GetChild", reason: format!("validators: {e}") })?;
    check(NAME, members.len() == before_len(&before)? + 1, || {
        format!("configuration {next} has {} members", members.len())
    })?;
    let index =
        members.iter().position(|m| m.operator == op).ok_or_else(|| DevnetError::Scenario {
            name: NAME.into(),
            reason: "the newcomer is not in the activated configuration".into(),
        })?;
    let set = ValidatorSet::new(members).map_err(|e| DevnetError::Scenario {
        name: NAME.into(),
        reason: format!("configuration {next}: {e}"),
    })?;
    // The first block by the new set: just above the epoch end whose checkpoint activated it.
    let mut client = devnet.client(b, 0).await?;
    let mut from = entry.last_height + 1;
    while from > 1 && block_at(&mut client, from - 1).await?.0.validatorSetHash == set.hash() {
        from -= 1;
    }
    let epoch = before.epoch_length;
    check(NAME, (from - 1).is_multiple_of(epoch), || {
        format!("{b_path} adopted the new set from block {from}, not after an epoch end")
    })?;
    progress(&format!("{a_path}: configuration {next} of {b_path} active from block {from}"));
    let first_signed = newcomer_signs(devnet, b, &set, index, from, started).await?;
    // A accepts certificates of the new set: a checkpoint at or above the newcomer's first.
    let landed = loop {
        let entry = devnet.child_entry(b).await?;
        if entry.last_height >= first_signed {
            break entry.last_height;
        }
        if started.elapsed() > Duration::from_secs(240) {
            return Err(DevnetError::Timeout(format!(
                "{a_path} accepted no checkpoint of {b_path} at or above {first_signed}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let bonded = stake_of(&devnet.child_entry(b).await?.stakes, op);
    check(NAME, bonded == stake, || format!("the newcomer's stake on {a_path} is {bonded}"))?;
    Ok(Outcome {
        name: NAME,
        elapsed: adopted,
        summary: format!(
            "{b_path} adopted a {}-validator set {} ms after the bond on {a_path}, from block \
             {from}; the newcomer's first precommit is in block {first_signed}'s certificate; \
             {a_path} accepted checkpoint {landed} under the new set",
            set.validators().len(),
            adopted.as_millis(),
        ),
    })
}

/// How many members the active configuration of a child entry has.
fn before_len(entry: &plasma_proto::v1::GetChildResponse) -> Result<usize, DevnetError> {
    <Vec<plasma_ledger::Validator> as SolValue>::abi_decode(&entry.validators)
        .map(|v| v.len())
        .map_err(|e| DevnetError::Rpc { what: "GetChild", reason: format!("validators: {e}") })
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

/// The kinds of the alerts validator `k` of chain `i` raised (its `Bridge.Alerts`).
async fn alert_kinds(devnet: &Devnet, i: usize, k: usize) -> Result<Vec<String>, DevnetError> {
    let mut c = devnet.client(i, k).await?;
    let alerts = c
        .bridge
        .alerts(plasma_proto::v1::AlertsRequest {})
        .await
        .map_err(|e| DevnetError::Rpc { what: "Alerts", reason: e.message().into() })?;
    Ok(alerts.into_inner().alerts.into_iter().map(|a| a.kind).collect())
}

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
    const NAME: &str = "block_withholding_mass_exit";
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

/// The invalid block a byzantine majority finalizes in a fraud scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forgery {
    /// A transfer paying a thousand times its input.
    Inflate,
    /// One output spent twice in one block.
    DoubleSpend,
}

impl Forgery {
    fn scenario(self) -> &'static str {
        match self {
            Forgery::Inflate => "fraud_inflation_rollback_slash_freeze",
            Forgery::DoubleSpend => "fraud_double_spend",
        }
    }

    /// The `[byzantine]` key of the forging validator.
    fn fault(self) -> &'static str {
        match self {
            Forgery::Inflate => "inflate",
            Forgery::DoubleSpend => "double_spend",
        }
    }

    /// The block it forges, for people.
    fn block(self) -> &'static str {
        match self {
            Forgery::Inflate => "an inflating",
            Forgery::DoubleSpend => "a double-spending",
        }
    }

    /// The fraud kind the proof must name (`Bridge.FraudProofs`).
    fn kind(self) -> &'static str {
        match self {
            Forgery::Inflate => "inflation",
            Forgery::DoubleSpend => "double_spend",
        }
    }
}

/// Fraud under a plasma parent, proven without human help. On the first chain under a plasma
/// chain with 4 or more validators, all but the last are made byzantine (restarted to
/// certify blocks the ledger refuses; the first also forges spends of what is deposited to
/// its operator); they stake on the parent A first, and two users get value on the chain
/// through A. A deposit to the forger lets it finalize an invalid block (an inflating
/// transfer, or a double spend); the honest validator's watcher proves it to A, which rolls
/// the chain back to that block, takes the signers' stakes, pays the prover half and freezes
/// the chain. The forged output cannot exit; the honest users' pre-fraud outputs exit to A
/// (bonded, the older first) and are paid in that order.
async fn fraud_rollback_slash_freeze(
    devnet: &mut Devnet,
    progress: Progress<'_>,
    forgery: Forgery,
) -> Result<Outcome, DevnetError> {
    let name = forgery.scenario();
    let fail = |reason: String| DevnetError::Scenario { name: name.into(), reason };
    let chains = &devnet.state.chains;
    let b = (0..chains.len())
        .find(|&i| chains[i].parent.is_some() && chains[i].nodes.len() >= 4)
        .ok_or_else(|| {
        fail("the topology has no chain of 4+ validators under a plasma chain".into())
    })?;
    let a = chains[b].parent.expect("found under a parent");
    let (a_id, b_id) = (chains[a].chain_id, chains[b].chain_id);
    let path = chains[b].path.clone();
    let n = chains[b].nodes.len();
    let honest = n - 1;
    let log = std::fs::read_to_string(chains[b].nodes[0].log()).unwrap_or_default();
    if !log.contains("built with the `byzantine` fault-injection feature") {
        return Err(fail(format!(
            "{} has no fault injection: boot the devnet with `bash scripts/devnet.sh up \
             --byzantine` (plasmad built with --features byzantine)",
            devnet.options.plasmad.display()
        )));
    }
    if devnet.child_entry(b).await?.rollback_height != 0 {
        return Err(fail(format!("{path} is frozen already: `down --fresh`, then `up`")));
    }
    let a_domain = devnet.domain(a);
    let bond = devnet.registration(b)?.params.exitBond;
    let stake = U256::from(ETH / 2);
    let keys = devnet.validator_keys(b)?;
    let operators: Vec<Address> = keys.iter().map(|k| k.operator.address()).collect();
    let forger = operators[0];
    let alice = devnet.user_key(USER + 3).ok_or_else(|| fail("no anvil account 8".into()))?;
    let carol = devnet.user_key(USER + 4).ok_or_else(|| fail("no anvil account 9".into()))?;

    let b_before_alice = devnet.coins(b, alice.address()).await?;
    let b_before_carol = devnet.coins(b, carol.address()).await?;
    // The validators turn byzantine at their next start: all but the last certify invalid
    // blocks, the first forges; the last looks for the blocks it lacks after 3 s.
    for k in 0..n {
        devnet.stop_node(b, k)?;
    }
    for (k, node) in devnet.state.chains[b].nodes.iter().enumerate() {
        let config = node.home.join("config.toml");
        let io = |e: std::io::Error| DevnetError::Io {
            what: "editing a node's config",
            reason: e.to_string(),
        };
        let toml = std::fs::read_to_string(&config).map_err(io)?;
        if toml.contains("[byzantine]") {
            return Err(fail(format!(
                "{path}'s validators are byzantine already: `down --fresh`, then `up`"
            )));
        }
        let toml = match k {
            _ if k == honest => {
                toml.replace("withholding_timeout_ms = 30000", "withholding_timeout_ms = 3000")
            }
            0 => {
                toml + &format!(
                    "\n[byzantine]\ncertify_invalid = true\n{} = true\n",
                    forgery.fault()
                )
            }
            _ => toml + "\n[byzantine]\ncertify_invalid = true\n",
        };
        std::fs::write(&config, toml).map_err(io)?;
    }
    progress(&format!(
        "{path}: validators 0..{honest} byzantine (0 forges: {}), {honest} honest",
        forgery.fault()
    ));
    // Meanwhile they stake on A, and Alice and Carol get value on the chain through A.
    let funds = devnet.operator();
    let stakes_before = devnet.child_entry(b).await?.stakes;
    for k in &keys {
        let op = k.operator.address();
        let before = devnet.coins(a, op).await?;
        devnet
            .root
            .deposit(funds, a_id, op, Address::ZERO, U256::from(ETH))
            .await
            .map_err(root_err)?;
        let coin = arrival(devnet, a, op, &before, |c| c.amount == U256::from(ETH)).await?;
        let payload = plasma_ledger::ChildStake { childChainId: b_id, amount: stake }.abi_encode();
        devnet
            .submit(
                a,
                &spend_into(&a_domain, &k.operator, &coin, TxKind::StakeChild, stake, payload),
            )
            .await?;
    }
    let since = Instant::now();
    let stakes = loop {
        let stakes = devnet.child_entry(b).await?.stakes;
        if operators
            .iter()
            .all(|op| stake_of(&stakes, *op) == stake_of(&stakes_before, *op) + stake)
        {
            break stakes;
        }
        if since.elapsed() > Duration::from_secs(60) {
            return Err(DevnetError::Timeout(format!(
                "the stakes on {} never landed",
                devnet.state.chains[a].path
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut on_a = Vec::new();
    for (key, amounts) in [(&alice, &[ETH, 2 * ETH, ETH / 10][..]), (&carol, &[ETH / 10][..])] {
        for amount in amounts {
            let before = devnet.coins(a, key.address()).await?;
            let amount = U256::from(*amount);
            devnet
                .root
                .deposit(key.address(), a_id, key.address(), Address::ZERO, amount)
                .await
                .map_err(root_err)?;
            on_a.push(arrival(devnet, a, key.address(), &before, |c| c.amount == amount).await?);
        }
    }
    devnet
        .submit(
            a,
            &lock_for_child(&a_domain, &alice, &on_a[0], b_id, alice.address(), U256::from(ETH)),
        )
        .await?;
    devnet
        .submit(
            a,
            &lock_for_child(
                &a_domain,
                &alice,
                &on_a[1],
                b_id,
                carol.address(),
                U256::from(2 * ETH),
            ),
        )
        .await?;
    devnet.start_chain(b)?;
    let on_b_a =
        arrival(devnet, b, alice.address(), &b_before_alice, |c| c.amount == U256::from(ETH))
            .await?;
    let on_b_c =
        arrival(devnet, b, carol.address(), &b_before_carol, |c| c.amount == U256::from(2 * ETH))
            .await?;
    let pre = devnet
        .wait_checkpoint(b, on_b_a.height.max(on_b_c.height), Duration::from_secs(60))
        .await?;
    progress(&format!(
        "{path}: 1 ETH for Alice and 2 ETH for Carol, checkpointed on {} at {pre}",
        devnet.state.chains[a].path
    ));

    // A deposit to the forger: its next proposer turn finalizes the invalid block.
    let half = U256::from(ETH / 2);
    let before = devnet.coins(a, alice.address()).await?;
    devnet
        .root
        .deposit(alice.address(), a_id, alice.address(), Address::ZERO, half)
        .await
        .map_err(root_err)?;
    let fresh = arrival(devnet, a, alice.address(), &before, |c| c.amount == half).await?;
    let quarter = U256::from(ETH / 4);
    devnet.submit(a, &lock_for_child(&a_domain, &alice, &fresh, b_id, forger, quarter)).await?;
    let started = Instant::now();
    let frozen = loop {
        let entry = devnet.child_entry(b).await?;
        if entry.rollback_height != 0 {
            break entry;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!("{path} was never frozen on its parent")));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let proven = started.elapsed();
    let rollback = frozen.rollback_height;
    // The forged outputs, on the forger's own node (which committed the block).
    let forged = devnet.coins(b, forger).await?;
    let forged_height = match forgery {
        Forgery::Inflate => forged.iter().find(|o| o.amount == quarter * U256::from(1000)),
        Forgery::DoubleSpend => forged.iter().find(|o| o.amount == quarter - U256::from(1)),
    }
    .map(|o| (o.height, *o))
    .ok_or_else(|| fail(format!("no forged output on the forger's node: {forged:?}")))?;
    let (forged_height, forged_coin) = forged_height;
    check(name, rollback == forged_height, || {
        format!("rolled back to {rollback}, the forged block is {forged_height}")
    })?;
    check(name, rollback > pre, || {
        format!("the rollback {rollback} voids the pre-fraud checkpoint {pre}")
    })?;
    progress(&format!(
        "{}: {path} rolled back to {rollback} and frozen, {} ms after the deposit to the forger",
        devnet.state.chains[a].path,
        proven.as_millis()
    ));
    // The honest validator proved it, with the right kind of proof (its submission returns
    // once it saw a certified parent block take it, a moment after the parent froze B).
    let mut honest_node = devnet.client(b, honest).await?;
    let since = Instant::now();
    let proofs = loop {
        let proofs = honest_node.bridge.fraud_proofs(plasma_proto::v1::FraudProofsRequest {});
        let proofs = proofs
            .await
            .map_err(|e| DevnetError::Rpc { what: "FraudProofs", reason: e.message().into() })?
            .into_inner()
            .proofs;
        if !proofs.is_empty() || since.elapsed() > Duration::from_secs(30) {
            break proofs;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    check(
        name,
        proofs.iter().any(|p| p.accepted && p.kind == forgery.kind() && p.height == rollback),
        || {
            format!(
                "the honest validator's proofs: {:?}",
                proofs.iter().map(|p| (&p.kind, p.height, p.accepted)).collect::<Vec<_>>()
            )
        },
    )?;
    let kinds = alert_kinds(devnet, b, honest).await?;
    check(
        name,
        kinds.iter().any(|k| k == "invalid_block")
            && !kinds.iter().any(|k| k == "block_withholding"),
        || format!("the honest watcher's alerts: {kinds:?}"),
    )?;
    // The signers lose their stakes, the honest one keeps its; half the take pays the prover.
    let mut taken = Vec::new();
    for op in &operators {
        let (was, left) = (stake_of(&stakes, *op), stake_of(&frozen.stakes, *op));
        let expected = if *op == operators[honest] { was } else { U256::ZERO };
        check(name, left == expected, || {
            format!("{op} has {left} staked after the proof, expected {expected}")
        })?;
        if *op != operators[honest] {
            taken.push(was);
        }
    }
    let reward = plasma_ledger::children::prover_reward(taken);
    let prover = devnet.coins(a, operators[honest]).await?;
    check(name, prover.iter().any(|o| o.amount == reward), || {
        format!("no reward of {reward} for the prover: {prover:?}")
    })?;
    // The forged output cannot exit: no checkpoint covers it any more.
    let (inclusion, header) = devnet
        .exit_evidence(b, forged_coin.height, forged_coin.tx_index, frozen.last_height)
        .await?;
    let void =
        ChildExitStart { childChainId: b_id, anchor: header, pos: forged_coin.pos(), inclusion };
    let forger_coin = *devnet
        .coins(a, forger)
        .await?
        .first()
        .ok_or_else(|| fail("the forger holds nothing on A".into()))?;
    let void = spend_into(
        &a_domain,
        &keys[0].operator,
        &forger_coin,
        TxKind::StartChildExit,
        bond,
        void.abi_encode(),
    );
    let refused = devnet.submit(a, &void).await;
    check(
        name,
        refused.as_ref().is_err_and(|e| e.to_string().contains("no accepted checkpoint")),
        || format!("an exit of the forged output under a void anchor: {refused:?}"),
    )?;
    // Honest exits under the last valid checkpoint, from the honest node's data, the older
    // output first (so first in priority order whatever A's clock says).
    let older_first = on_b_a.pos() < on_b_c.pos();
    let order = if older_first {
        [(&alice, on_b_a, ETH), (&carol, on_b_c, 2 * ETH)]
    } else {
        [(&carol, on_b_c, 2 * ETH), (&alice, on_b_a, ETH)]
    };
    let mut befores = Vec::new();
    for (who, coin, _) in &order {
        let (inclusion, header) =
            devnet.exit_evidence_from(b, honest, coin.height, coin.tx_index, pre).await?;
        let bond_coin = *devnet
            .coins(a, who.address())
            .await?
            .iter()
            .find(|c| c.amount == U256::from(ETH / 10))
            .ok_or_else(|| fail(format!("{} has no bond coin on A", who.address())))?;
        let payload =
            ChildExitStart { childChainId: b_id, anchor: header, pos: coin.pos(), inclusion };
        befores.push(devnet.coins(a, who.address()).await?);
        devnet
            .submit(
                a,
                &spend_into(
                    &a_domain,
                    who,
                    &bond_coin,
                    TxKind::StartChildExit,
                    bond,
                    payload.abi_encode(),
                ),
            )
            .await?;
    }
    let mut paid_at = Vec::new();
    for ((who, _, amount), before) in order.iter().zip(&befores) {
        let paid =
            arrival(devnet, a, who.address(), before, |c| c.amount == U256::from(*amount)).await?;
        paid_at.push((paid.height, paid.tx_index));
    }
    check(name, paid_at[0] <= paid_at[1], || format!("paid out of priority order: {paid_at:?}"))?;
    Ok(Outcome {
        name,
        elapsed: proven,
        summary: format!(
            "{path}: {} block at {rollback} proven by the honest watcher {} ms after the forger's \
             deposit; rolled back, {} stakes slashed, {reward} wei to the prover, frozen; the \
             forged output refused; 2 honest exits paid on {} in priority order",
            forgery.block(),
            proven.as_millis(),
            honest,
            devnet.state.chains[a].path
        ),
    })
}
