//! Fraud of a chain under a plasma parent, proven to that parent without human help (fault
//! injection: `plasmad` built with its `byzantine` feature, as the test command's fault
//! step builds it): three of B's four validators finalize a block that inflates; B's honest
//! watcher proves it to A; A rolls B back, takes the three stakes, pays the prover half and
//! freezes B; honest users' pre-fraud outputs exit to A in priority order, the inflated one
//! cannot.

#![cfg(feature = "byzantine")]

mod common;

use alloy_sol_types::SolValue;
use common::{boot, ETH};
use plasma_devnet::harness::{lock_for_child, spend_into, Coin};
use plasma_devnet::Devnet;
use plasma_ledger::{Address, ChildExitStart, ChildStake, TxKind, U256};
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);

const TREE: &str = r#"
[root]
block_time = 0

[defaults]
epoch_length = 4
block_time_ms = 300

[[chain]]
name = "A"
validators = 1
exit_period = 60

[[chain]]
name = "B"
parent = "A"
validators = 4
exit_period = 4
"#;

/// Validators 0, 1 and 2 of chain `i` certify invalid blocks (0 also inflates its deposits);
/// 3 stays honest and looks for the blocks it lacks after 3 s. Applied at their next start.
fn make_byzantine(devnet: &Devnet, i: usize) {
    let nodes = &devnet.state.chains[i].nodes;
    let edit = |k: usize, f: &dyn Fn(String) -> String| {
        let config = nodes[k].home.join("config.toml");
        let toml = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, f(toml)).unwrap();
    };
    edit(3, &|toml| {
        let fast = toml.replace("withholding_timeout_ms = 30000", "withholding_timeout_ms = 3000");
        assert_ne!(fast, toml, "the withholding timeout is in the config");
        fast
    });
    edit(0, &|toml| toml + "\n[byzantine]\ncertify_invalid = true\ninflate = true\n");
    for k in [1, 2] {
        edit(k, &|toml| toml + "\n[byzantine]\ncertify_invalid = true\n");
    }
}

fn log_of(devnet: &Devnet, i: usize, k: usize) -> String {
    std::fs::read_to_string(devnet.state.chains[i].nodes[k].log()).unwrap_or_default()
}

#[test]
fn an_inflating_block_of_a_chain_under_a_plasma_parent_is_proven_to_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_dir, mut devnet) = boot(&rt, TREE);
    assert!(
        log_of(&devnet, 0, 0).contains("built with the `byzantine` fault-injection feature"),
        "{} lacks fault injection: cargo build -p plasma-node --features byzantine --bins",
        devnet.options.plasmad.display()
    );
    let (a, b) = (devnet.chain("/A").unwrap(), devnet.chain("/A/B").unwrap());
    let (a_id, b_id) = (devnet.state.chains[a].chain_id, devnet.state.chains[b].chain_id);
    let a_domain = devnet.domain(a);
    let bond = devnet.registration(b).unwrap().params.exitBond;
    let stake = U256::from(ETH / 2);
    let keys = devnet.validator_keys(b).unwrap();
    let operators: Vec<Address> = keys.iter().map(|k| k.operator.address()).collect();
    let forger = operators[0];
    let alice = devnet.user_key(1).unwrap();
    let carol = devnet.user_key(2).unwrap();
    let root = devnet.root.clone();
    let funds = devnet.operator();

    // B's validators turn byzantine at their next start; meanwhile they stake on A, and
    // Alice and Carol get value on B through A.
    for k in 0..4 {
        devnet.stop_node(b, k).unwrap();
    }
    make_byzantine(&devnet, b);
    rt.block_on(async {
        for op in &operators {
            root.deposit(funds, a_id, *op, Address::ZERO, U256::from(ETH)).await.unwrap();
        }
        for k in &keys {
            let coin = devnet.wait_coins(a, k.operator.address(), 1, MINUTE).await.unwrap()[0];
            let payload = ChildStake { childChainId: b_id, amount: stake }.abi_encode();
            let tx = spend_into(&a_domain, &k.operator, &coin, TxKind::StakeChild, stake, payload);
            devnet.submit(a, &tx).await.unwrap();
        }
        let since = Instant::now();
        while devnet.child_entry(b).await.unwrap().stakes.len() < 4 {
            assert!(since.elapsed() < MINUTE, "the stakes never landed");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Each keeps a tenth on A to bond an exit with.
        for amount in [ETH, 2 * ETH, ETH / 10] {
            let a = alice.address();
            root.deposit(a, a_id, a, Address::ZERO, U256::from(amount)).await.unwrap();
        }
        let c = carol.address();
        root.deposit(c, a_id, c, Address::ZERO, U256::from(ETH / 10)).await.unwrap();
        let coins = devnet.wait_coins(a, alice.address(), 3, MINUTE).await.unwrap();
        let coin = |amount: u128| *coins.iter().find(|c| c.amount == U256::from(amount)).unwrap();
        let to_alice =
            lock_for_child(&a_domain, &alice, &coin(ETH), b_id, alice.address(), U256::from(ETH));
        let to_carol =
            lock_for_child(&a_domain, &alice, &coin(2 * ETH), b_id, c, U256::from(2 * ETH));
        devnet.submit(a, &to_alice).await.unwrap();
        devnet.submit(a, &to_carol).await.unwrap();
    });
    devnet.start_chain(b).unwrap();
    // Read from the honest validator.
    let honest = |devnet: &Devnet| {
        let mut view = Devnet::open(devnet.options.clone()).unwrap();
        view.state.chains[b].nodes.rotate_left(3);
        view
    };
    let from_honest = honest(&devnet);
    rt.block_on(async {
        let on_b_a = devnet.wait_coins(b, alice.address(), 1, MINUTE).await.unwrap()[0];
        let on_b_c = devnet.wait_coins(b, carol.address(), 1, MINUTE).await.unwrap()[0];
        let covered = on_b_a.height.max(on_b_c.height);
        let pre = devnet.wait_checkpoint(b, covered, MINUTE).await.unwrap();

        // Alice locks a little for the forger's operator: its proposer turn inflates it.
        let half = U256::from(ETH / 2);
        root.deposit(alice.address(), a_id, alice.address(), Address::ZERO, half).await.unwrap();
        let fresh = loop {
            let coins = devnet.coins(a, alice.address()).await.unwrap();
            if let Some(c) = coins.iter().find(|c| c.amount == half) {
                break *c;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let lock = lock_for_child(&a_domain, &alice, &fresh, b_id, forger, U256::from(ETH / 4));
        devnet.submit(a, &lock).await.unwrap();
        let since = Instant::now();
        let frozen = loop {
            let entry = devnet.child_entry(b).await.unwrap();
            if entry.rollback_height != 0 {
                break entry;
            }
            assert!(since.elapsed() < 2 * MINUTE, "B was never frozen on A");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let rollback = frozen.rollback_height;
        let inflated = devnet.coins(b, forger).await.unwrap();
        let minted = *inflated
            .iter()
            .find(|o| o.amount == U256::from(ETH / 4) * U256::from(1000))
            .expect("the inflated output on the forger's node");
        assert_eq!(rollback, minted.height, "rolled back to the inflating block");
        assert!(rollback > pre, "the pre-fraud checkpoint stays valid");

        // The three signers' stakes are gone, the honest one keeps its; half of the take
        // paid the prover, the honest validator's operator, on A.
        for l in &frozen.stakes {
            let op = Address::from_slice(&l.token);
            let left = U256::from_be_slice(&l.amount);
            let expected = if op == operators[3] { stake } else { U256::ZERO };
            assert_eq!(left, expected, "stake of {op} after the proof");
        }
        let reward = stake * U256::from(3) / U256::from(2);
        let prover = devnet.coins(a, operators[3]).await.unwrap();
        assert!(prover.iter().any(|o| o.amount == reward), "the prover's reward: {prover:?}");

        // Honest exits anchor under the last valid checkpoint; the inflated one cannot.
        let start = |who: &plasma_ledger::signing::UserKey, of: Coin, anchor: u64| {
            let (who, a_domain, view) = (who.clone(), a_domain.clone(), &from_honest);
            async move {
                let (inclusion, header) =
                    view.exit_evidence(b, of.height, of.tx_index, anchor).await.unwrap();
                let bond_coin = *view
                    .coins(a, who.address())
                    .await
                    .unwrap()
                    .iter()
                    .find(|c| c.amount == U256::from(ETH / 10))
                    .expect("a bond coin on A");
                let payload =
                    ChildExitStart { childChainId: b_id, anchor: header, pos: of.pos(), inclusion };
                spend_into(
                    &a_domain,
                    &who,
                    &bond_coin,
                    TxKind::StartChildExit,
                    bond,
                    payload.abi_encode(),
                )
            }
        };
        let (inclusion, header) = devnet
            .exit_evidence(b, minted.height, minted.tx_index, frozen.last_height)
            .await
            .unwrap();
        let void =
            ChildExitStart { childChainId: b_id, anchor: header, pos: minted.pos(), inclusion };
        let forger_coin = *devnet.coins(a, forger).await.unwrap().first().expect("stake change");
        let void = spend_into(
            &a_domain,
            &keys[0].operator,
            &forger_coin,
            TxKind::StartChildExit,
            bond,
            void.abi_encode(),
        );
        let refused = devnet.submit(a, &void).await.expect_err("a void anchor");
        assert!(refused.to_string().contains("no accepted checkpoint"), "{refused}");
        // The older output's exit starts first, so it is first in priority order whatever
        // the parent's clock says: (exitable_at, position) orders it before the other.
        let alice_older = on_b_a.pos() < on_b_c.pos();
        let (older, newer) = match alice_older {
            true => ((&alice, on_b_a), (&carol, on_b_c)),
            false => ((&carol, on_b_c), (&alice, on_b_a)),
        };
        devnet.submit(a, &start(older.0, older.1, pre).await).await.unwrap();
        devnet.submit(a, &start(newer.0, newer.1, pre).await).await.unwrap();

        // Both paid on A after B's exit period, the older output first, bonds back.
        let paid = |who: Address, amount: u128| {
            let devnet = &devnet;
            async move {
                let since = Instant::now();
                loop {
                    let coins = devnet.coins(a, who).await.unwrap();
                    if let Some(c) = coins.iter().find(|c| c.amount == U256::from(amount)) {
                        return (c.height, c.tx_index);
                    }
                    assert!(since.elapsed() < MINUTE, "{who} never paid");
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        };
        let at_a = paid(alice.address(), ETH).await;
        let at_c = paid(carol.address(), 2 * ETH).await;
        let older_first = if alice_older { at_a <= at_c } else { at_c <= at_a };
        assert!(older_first, "paid in priority order: alice {at_a:?}, carol {at_c:?}");
    });
    // B's honest watcher raised the alerts and proved it; the blocks were served, not
    // withheld.
    let since = Instant::now();
    while !log_of(&devnet, b, 3).contains("alert=\"chain_frozen\"") {
        assert!(
            since.elapsed() < Duration::from_secs(20),
            "the honest watcher never saw the freeze"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let logs = log_of(&devnet, b, 3);
    assert!(logs.contains("alert=\"invalid_block\""), "the honest watcher raised invalid_block");
    assert!(logs.contains("fraud proven to the parent"), "the honest watcher proved it");
    assert!(
        !logs.contains("alert=\"block_withholding\""),
        "no withholding: the blocks were served"
    );
}
