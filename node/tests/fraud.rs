//! Fraud proven to the root without human help (fault injection, `byzantine` feature, real
//! anvil): three of four validators, three quarters of the power, finalize a block that
//! inflates; the honest validator's watcher proves it; the root rolls the chain back, slashes
//! the signers, rewards the prover and freezes the chain; honest users' pre-fraud funds exit.

#![cfg(feature = "byzantine")]

mod common;

use common::root::*;
use plasma_bridge::bindings::PlasmaRoot;
use plasma_ledger::{Address, UtxoPos, U256};
use std::time::{Duration, Instant};

#[test]
fn an_inflating_block_certified_by_three_of_four_is_proven_and_the_chain_frozen() {
    const EPOCH: u64 = 4;
    const EXIT_PERIOD: u64 = 60;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(4, EPOCH, EXIT_PERIOD);
    let sources: Vec<String> =
        (0..3).map(|i| format!("\"http://127.0.0.1:{}\"", cluster.nodes[i].rpc)).collect();
    let append = |i: usize, text: String| {
        let config = cluster.nodes[i].home.join("config.toml");
        let mut toml = std::fs::read_to_string(&config).unwrap();
        toml.push_str(&text);
        std::fs::write(&config, toml).unwrap();
    };
    // The honest validator (its config ends in `[parent]`) fetches blocks from the others.
    append(3, format!("block_sources = [{}]\nwithholding_timeout_ms = 3000\n", sources.join(", ")));
    append(0, "\n[byzantine]\ncertify_invalid = true\ninflate = true\n".into());
    append(1, "\n[byzantine]\ncertify_invalid = true\n".into());
    append(2, "\n[byzantine]\ncertify_invalid = true\n".into());
    let operators: Vec<Address> = cluster.genesis.validators.iter().map(|v| v.operator).collect();
    let (forger, prover) = (operators[0], operators[3]);
    let honest = cluster.nodes[3].rpc;
    cluster.start_all();

    rt.block_on(async {
        // Pre-fraud funds of two honest users, covered by a checkpoint.
        let alice = dev.user_key(1).unwrap().address();
        let carol = dev.user_key(2).unwrap().address();
        root.deposit(alice, chain_id, alice, Address::ZERO, U256::from(ETH)).await.unwrap();
        root.deposit(carol, chain_id, carol, Address::ZERO, U256::from(2 * ETH)).await.unwrap();
        let a = wait_coins(honest, alice, 1).await[0];
        let c = wait_coins(honest, carol, 1).await[0];
        let pre = checkpointed(&root, chain_id, a.0.max(c.0)).await;
        let stake_before = root.contract().stakeOf(chain_id, forger).call().await.unwrap().amount;

        // A deposit to the forger's operator address: its proposer turn inflates it.
        root.deposit(alice, chain_id, forger, Address::ZERO, U256::from(ETH)).await.unwrap();
        let since = Instant::now();
        let chain = loop {
            let chain = root.contract().chain(chain_id).call().await.unwrap();
            if chain.frozen {
                break chain;
            }
            assert!(since.elapsed() < Duration::from_secs(180), "no fraud proof landed");
            tokio::time::sleep(Duration::from_millis(500)).await;
        };

        // The rollback is to the inflating block, which the byzantine nodes committed.
        let inflated = outputs(cluster.nodes[0].rpc, forger).await;
        let minted =
            inflated.iter().find(|o| o.4 == U256::from(ETH) * U256::from(1000)).expect("inflated");
        assert_eq!(chain.rollbackHeight, minted.0, "rolled back to the inflating block");
        assert!(chain.rollbackHeight > pre, "the pre-fraud checkpoint stays valid");

        // Every byzantine signer lost its stake; the honest one kept it; the prover is paid.
        let mut slashed = U256::ZERO;
        for (i, op) in operators.iter().enumerate() {
            let stake = root.contract().stakeOf(chain_id, *op).call().await.unwrap().amount;
            if i < 3 {
                assert_eq!(stake, U256::ZERO, "byzantine validator {i} slashed");
            } else {
                assert!(stake > U256::ZERO, "the honest validator keeps its stake");
            }
        }
        slashed += stake_before * U256::from(3);
        let reward = root.owed(prover, Address::ZERO).await.unwrap();
        assert!(
            reward > U256::ZERO && reward < slashed,
            "prover rewarded from the slash: {reward}"
        );

        // Honest users exit their pre-fraud outputs under the last valid checkpoint; the
        // inflated output cannot exit (its only anchors are void).
        let bond = root.exit_bond().await.unwrap();
        for (owner, coin) in [(alice, a), (carol, c)] {
            let (inclusion, anchor) = exit_evidence(honest, coin.0, coin.1, pre).await;
            let pos = UtxoPos::new(coin.0, coin.1, 0);
            root.start_exit(owner, &anchor, &pos, &inclusion, bond).await.unwrap();
        }
        let void = chain.lastHeight;
        let (inclusion, anchor) =
            exit_evidence(cluster.nodes[0].rpc, minted.0, minted.1, void).await;
        let pos = UtxoPos::new(minted.0, minted.1, minted.2);
        let refused = root.start_exit(forger, &anchor, &pos, &inclusion, bond).await;
        assert!(
            format!("{:?}", refused.expect_err("a void anchor")).contains("UnknownAnchor"),
            "the inflated output is refused for its void anchor"
        );

        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        let receipt =
            root.process_exits(dev.accounts[0], chain_id, Address::ZERO, 10).await.unwrap();
        let paid: Vec<Address> = receipt
            .inner
            .inner
            .logs()
            .iter()
            .filter_map(|l| l.log_decode::<PlasmaRoot::ExitProcessed>().ok())
            .map(|l| l.inner.data.owner)
            .collect();
        // Priority order: the older output first.
        let first = if (a.0, a.1) < (c.0, c.1) { alice } else { carol };
        assert_eq!(paid.len(), 2, "both honest exits paid: {paid:?}");
        assert_eq!(paid[0], first, "paid in priority order");
        assert_eq!(root.owed(alice, Address::ZERO).await.unwrap(), U256::from(ETH) + bond);
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), U256::from(2 * ETH) + bond);
    });
    // The watcher reports the freeze on its next look at the root.
    let since = Instant::now();
    while !cluster.nodes[3].all_logs().contains("alert=\"chain_frozen\"") {
        assert!(
            since.elapsed() < Duration::from_secs(20),
            "the honest watcher never saw the freeze"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    cluster.stop_all();

    let logs = cluster.nodes[3].all_logs();
    assert!(logs.contains("alert=\"invalid_block\""), "the honest watcher raised invalid_block");
    assert!(logs.contains("fraud proven to the parent"), "the honest watcher proved it");
    assert!(cluster.nodes[0].all_logs().contains("proposing an inflating block"));
}
