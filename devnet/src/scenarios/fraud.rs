//! The fault scenarios `fraud_inflation_rollback_slash_freeze`, `fraud_double_spend` and
//! `fraud_malformed_stake`: a
//! byzantine majority of a chain under a plasma parent finalizes an invalid block; the honest
//! watcher proves it, and the parent rolls the chain back, slashes the signers and freezes it.

use super::{alert_kinds, arrival, check, root_err, transaction_at, Outcome, ETH, USER};
use crate::harness::{lock_for_child, spend_into, stake_of};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use alloy_sol_types::SolValue;
use plasma_ledger::children::prover_digest;
use plasma_ledger::signing::recover_signer;
use plasma_ledger::types::decode;
use plasma_ledger::{Address, ChildFraudProof, Kind, TxRef, U256};
use std::time::{Duration, Instant};

/// A fraud scenario, named by the invalid block a byzantine majority finalizes in it (the
/// node's own `plasma_node::app::Forgery` is how its proposer forges that block).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FraudScenario {
    /// A transfer paying a thousand times its input.
    Inflate,
    /// One output spent twice in one block.
    DoubleSpend,
    /// A stake whose payload does not decode, paying a thousand times its input.
    MalformedStake,
}

impl FraudScenario {
    /// The scenario's name.
    pub(super) const fn scenario(self) -> &'static str {
        match self {
            FraudScenario::Inflate => "fraud_inflation_rollback_slash_freeze",
            FraudScenario::DoubleSpend => "fraud_double_spend",
            FraudScenario::MalformedStake => "fraud_malformed_stake",
        }
    }

    /// The `[byzantine]` key of the forging validator.
    fn fault(self) -> &'static str {
        match self {
            FraudScenario::Inflate => "inflate",
            FraudScenario::DoubleSpend => "double_spend",
            FraudScenario::MalformedStake => "malformed_stake",
        }
    }

    /// The block it forges, for people.
    fn block(self) -> &'static str {
        match self {
            FraudScenario::Inflate => "an inflating",
            FraudScenario::DoubleSpend => "a double-spending",
            FraudScenario::MalformedStake => "a malformed-stake",
        }
    }

    /// The fraud kind the proof must name (`Bridge.FraudProofs`).
    fn kind(self) -> &'static str {
        match self {
            FraudScenario::Inflate => "inflation",
            FraudScenario::DoubleSpend => "double_spend",
            FraudScenario::MalformedStake => "malformed_transaction",
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
pub(super) async fn fraud_rollback_slash_freeze(
    devnet: &mut Devnet,
    progress: Progress<'_>,
    forgery: FraudScenario,
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
        // Each stands on the one before: committed before the next is built.
        let (at, staked) = devnet.stakes(b).await?;
        let payload = plasma_ledger::ChildStake {
            childChainId: b_id,
            amount: stake,
            stakesHeight: at.height,
            stakesIndex: at.index,
            staked: staked + stake,
        };
        let stx = spend_into(
            &a_domain,
            &k.operator,
            &coin,
            Kind::StakeChild,
            stake,
            payload.abi_encode(),
        );
        devnet.submit(a, &stx).await?;
        devnet.placed(a, stx.transaction.hash(), Duration::from_secs(60)).await?;
    }
    let since = Instant::now();
    let stakes = loop {
        let stakes = devnet.child_entry(b).await?.stakes;
        let mut all_staked = true;
        for op in &operators {
            all_staked &= stake_of(&stakes, *op)? == stake_of(&stakes_before, *op)? + stake;
        }
        if all_staked {
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
    let into_b = devnet.registered(b).await?;
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
            &lock_for_child(&a_domain, &alice, &on_a[0], into_b, alice.address(), U256::from(ETH)),
        )
        .await?;
    devnet
        .submit(
            a,
            &lock_for_child(
                &a_domain,
                &alice,
                &on_a[1],
                into_b,
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
    devnet.submit(a, &lock_for_child(&a_domain, &alice, &fresh, into_b, forger, quarter)).await?;
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
        FraudScenario::Inflate | FraudScenario::MalformedStake => {
            forged.iter().find(|o| o.amount == quarter * U256::from(1000))
        }
        FraudScenario::DoubleSpend => forged.iter().find(|o| o.amount == quarter - U256::from(1)),
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
        let (was, left) = (stake_of(&stakes, *op)?, stake_of(&frozen.stakes, *op)?);
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
    // Only the prover is paid: the proof that froze B names the honest validator, signed by
    // it, and its one output is that reward to it.
    let at = TxRef { height: frozen.rollback_ref_height, index: frozen.rollback_ref_index };
    let proving = transaction_at(devnet, a, at).await?;
    let max = plasma_ledger::types::MAX_TX_BYTES;
    let payload: ChildFraudProof = decode("ChildFraudProof", &proving.transaction.data, max)
        .map_err(|e| fail(format!("the proof at {at:?}: {e}")))?;
    let signer = recover_signer(&prover_digest(&a_domain, &payload), &payload.proverSignature);
    let paid = vec![plasma_ledger::Output::new(operators[honest], Address::ZERO, reward)];
    check(
        name,
        payload.prover == operators[honest]
            && signer == Ok(payload.prover)
            && proving.transaction.outputs == paid,
        || {
            format!(
                "the proof at {at:?} names {} (signed by {signer:?}) and pays {:?}, not {paid:?}",
                payload.prover, proving.transaction.outputs
            )
        },
    )?;
    // The forged output cannot exit: no checkpoint covers it any more.
    let void = devnet.child_exit_start(a, (b, 0), forged_coin.pos(), frozen.last_height).await?;
    let forger_coin = *devnet
        .coins(a, forger)
        .await?
        .first()
        .ok_or_else(|| fail("the forger holds nothing on A".into()))?;
    let void = spend_into(
        &a_domain,
        &keys[0].operator,
        &forger_coin,
        Kind::StartChildExit,
        bond,
        void.abi_encode(),
    );
    let refused = devnet.submit(a, &void).await;
    check(
        name,
        refused.as_ref().is_err_and(|e| e.to_string().contains("is void: a fraud was proven")),
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
        let bond_coin = *devnet
            .coins(a, who.address())
            .await?
            .iter()
            .find(|c| c.amount == U256::from(ETH / 10))
            .ok_or_else(|| fail(format!("{} has no bond coin on A", who.address())))?;
        let payload = devnet.child_exit_start(a, (b, honest), coin.pos(), pre).await?;
        befores.push(devnet.coins(a, who.address()).await?);
        devnet
            .submit(
                a,
                &spend_into(
                    &a_domain,
                    who,
                    &bond_coin,
                    Kind::StartChildExit,
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
