//! Deposits from the root contract on a real anvil reach the child chain: the validator
//! follows the root under its finality rule, records each final deposit once, in nonce
//! order, and mints it; a restart neither loses nor repeats one.

use crate::common;

use common::root::*;
use common::Cluster;
use plasma_bridge::devchain::Devchain;
use plasma_bridge::{ChainParams, Root};
use plasma_ledger::{Address, U256};
use std::time::{Duration, Instant};

#[test]
fn root_deposits_are_minted_once_in_order_after_finality() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dev = Devchain::start(3).expect("anvil (installed by scripts/setup.sh)");
    let (root, chain_id) = rt.block_on(async {
        let (root, _) =
            Root::deploy(dev.provider.clone(), U256::from(ETH / 10), U256::ZERO).await.unwrap();
        let params =
            ChainParams { epoch_length: 16, exit_period: 60, min_stake: 1, max_validators: 16 };
        let (id, _) = root.register_chain(dev.accounts[0], params).await.unwrap();
        (root, id)
    });
    let alice = Address::repeat_byte(0xa1);
    let root_address = root.address().to_string();
    let mut cluster = Cluster::with_genesis(1, &[], chain_id, &["--root-contract", &root_address]);
    let config = cluster.nodes[0].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = 2\npoll_ms = 200\n",
        dev.anvil.endpoint()
    ));
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    cluster.wait_height(&[0], 2, Duration::from_secs(60));
    let rpc = cluster.nodes[0].rpc;

    rt.block_on(async {
        let deposit = |amount: u64| {
            let root = root.clone();
            let from = dev.accounts[1];
            async move {
                root.deposit(from, chain_id, alice, Address::ZERO, U256::from(amount))
                    .await
                    .unwrap()
                    .0
            }
        };
        let first = deposit(ETH).await;
        let second = deposit(2 * ETH).await;
        assert_eq!((first.nonce, second.nonce), (0, 1));

        // Not final yet (2 confirmations): nothing minted.
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(coins(rpc, alice).await.is_empty(), "minted before the parent's finality");
        for _ in 0..2 {
            dev.warp(1).await.unwrap(); // one more block each
        }
        let minted = wait_coins(rpc, alice, 2).await;
        let amounts: Vec<_> = minted.iter().map(|c| c.2).collect();
        assert_eq!(amounts, [U256::from(ETH), U256::from(2 * ETH)], "nonce order");
    });

    // A restart resumes: no deposit repeated, a new one minted.
    cluster.stop(0);
    cluster.start(0);
    rt.block_on(async {
        let third = root
            .deposit(dev.accounts[2], chain_id, alice, Address::ZERO, U256::from(3 * ETH))
            .await
            .unwrap()
            .0;
        assert_eq!(third.nonce, 2);
        for _ in 0..2 {
            dev.warp(1).await.unwrap();
        }
        let minted = wait_coins(rpc, alice, 3).await;
        let amounts: Vec<_> = minted.iter().map(|c| c.2).collect();
        assert_eq!(amounts, [U256::from(ETH), U256::from(2 * ETH), U256::from(3 * ETH)]);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(coins(rpc, alice).await.len(), 3, "a deposit was minted twice");
        let locked = root.locked(chain_id, Address::ZERO).await.unwrap();
        assert_eq!(locked, U256::from(6 * ETH), "the root's locked balance matches");
    });
    cluster.stop_all();
    let logs = cluster.nodes[0].all_logs();
    assert_eq!(logs.matches("parent deposit final; recorded").count(), 3, "{logs}");
}

/// Four validators bonded on the root (keys with proofs of possession, stake = power): the
/// chain's checkpoints land on the root with their BLS certificates, epoch after epoch, and
/// each is the block every validator holds at that height.
#[test]
fn checkpoints_land_on_the_root_epoch_after_epoch() {
    const EPOCH: u64 = 4;
    let UnderRoot { rt, dev: _dev, root, chain_id, mut cluster } = under_root(4, EPOCH, 60);
    cluster.start_all();
    let last = rt.block_on(checkpointed(&root, chain_id, 3 * EPOCH));
    assert_eq!(last % EPOCH, 0, "checkpoints are at epoch ends");
    // A quorum certified and checkpointed `last`; node 0 may still be committing it.
    cluster.wait_height(&[0], last, Duration::from_secs(30));
    cluster.stop_all();
    let chain = cluster.chain(0, last);
    rt.block_on(async {
        for h in (EPOCH..=last).step_by(EPOCH as usize) {
            let on_root = root.checkpoint(chain_id, h).await.unwrap();
            // Heights the relayers skipped (a later epoch landed first) stay empty.
            if on_root != plasma_ledger::B256::ZERO {
                assert_eq!(on_root, chain[h as usize - 1].0.header.hash(), "checkpoint {h}");
            }
        }
        let top = root.checkpoint(chain_id, last).await.unwrap();
        assert_eq!(top, chain[last as usize - 1].0.header.hash());
    });
    let submitted: usize =
        cluster.nodes.iter().map(|n| n.all_logs().matches("checkpoint submitted").count()).sum();
    assert!(submitted >= 1, "no validator logged a submission");
}

/// The round trip on one level, ETH and an ERC-20: both deposited on the root reach Alice
/// on the chain; she pays Bob part of each in one transfer; once a checkpoint covers it, Bob
/// exits both outputs on the root with the node's inclusion proofs, waits out the exit
/// period (anvil time warp) and withdraws them; the root's locked balances for the chain
/// drop by exactly what left.
#[test]
fn value_goes_down_by_deposit_and_back_up_by_exit() {
    use plasma_bridge::bindings::MockERC20;
    use plasma_ledger::signing::SigningDomain;
    use plasma_ledger::{build, Output, UtxoPos};
    use plasma_proto::v1::SubmitTxRequest;
    const EXIT_PERIOD: u64 = 60;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(1, 2, EXIT_PERIOD);
    cluster.start_all();
    let rpc = cluster.nodes[0].rpc;
    let alice = dev.user_key(1).unwrap();
    let bob = dev.user_key(2).unwrap();
    let g = cluster.genesis.clone();
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
    rt.block_on(async {
        use alloy_sol_types::SolValue;
        let token = MockERC20::deploy(dev.provider.clone()).await.unwrap();
        let erc20 = *token.address();
        let a = alice.address();
        token.mint(a, U256::from(1_000)).from(a).send().await.unwrap().get_receipt().await.unwrap();
        let approve = token.approve(root.address(), U256::from(1_000)).from(a);
        approve.send().await.unwrap().get_receipt().await.unwrap();
        let locked = |t: Address| {
            let root = root.clone();
            async move { root.locked(chain_id, t).await.unwrap() }
        };
        let (eth_before, erc20_before) = (locked(Address::ZERO).await, locked(erc20).await);
        root.deposit(a, chain_id, a, Address::ZERO, U256::from(5 * ETH)).await.unwrap();
        root.deposit(a, chain_id, a, erc20, U256::from(1_000)).await.unwrap();
        wait_coins(rpc, a, 2).await;
        let coins = outputs(rpc, a).await;
        let pos = |c: &(u64, u32, u8, Address, U256)| UtxoPos::new(c.0, c.1, c.2);
        let (eth_coin, erc20_coin) = match coins[0].3 == Address::ZERO {
            true => (&coins[0], &coins[1]),
            false => (&coins[1], &coins[0]),
        };
        assert_eq!((eth_coin.4, erc20_coin.4), (U256::from(5 * ETH), U256::from(1_000)));
        let pay = build::transfer(
            &domain,
            &[(pos(eth_coin), &alice), (pos(erc20_coin), &alice)],
            vec![
                Output::new(bob.address(), Address::ZERO, U256::from(2 * ETH)),
                Output::new(a, Address::ZERO, U256::from(3 * ETH)),
                Output::new(bob.address(), erc20, U256::from(300)),
                Output::new(a, erc20, U256::from(700)),
            ],
        );
        let mut node =
            plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
        node.chain.submit_tx(SubmitTxRequest { tx: pay.abi_encode() }).await.unwrap();
        wait_coins(rpc, bob.address(), 2).await;
        let bobs = outputs(rpc, bob.address()).await;
        let anchor = checkpointed(&root, chain_id, bobs[0].0).await;
        let bond = root.exit_bond().await.unwrap();
        for coin in &bobs {
            let (inclusion, anchor_header) = exit_evidence(rpc, coin.0, coin.1, anchor).await;
            root.start_exit(bob.address(), &anchor_header, &pos(coin), &inclusion, bond)
                .await
                .unwrap();
        }

        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        root.process_exits(dev.accounts[0], chain_id, Address::ZERO, 10).await.unwrap();
        root.process_exits(dev.accounts[0], chain_id, erc20, 10).await.unwrap();
        let owed = root.owed(bob.address(), Address::ZERO).await.unwrap();
        assert_eq!(owed, U256::from(2 * ETH) + bond + bond, "Bob's ETH and both bonds");
        assert_eq!(root.owed(bob.address(), erc20).await.unwrap(), U256::from(300));
        root.withdraw(bob.address(), Address::ZERO).await.unwrap();
        root.withdraw(bob.address(), erc20).await.unwrap();
        let bob_tokens = token.balanceOf(bob.address()).call().await.unwrap();
        assert_eq!(bob_tokens, U256::from(300), "the tokens arrived in Bob's root account");
        assert_eq!(locked(Address::ZERO).await, eth_before + U256::from(3 * ETH));
        assert_eq!(locked(erc20).await, erc20_before + U256::from(700));
    });
    cluster.stop_all();
}

/// Bob exits an output he has already spent on the chain: the validators' watcher sees the
/// exit on the root, finds the spend in its own blocks and challenges it without help; the
/// exit is void, Bob's bond goes to the challenger and the chain's locked balance stays.
#[test]
fn an_exit_of_a_spent_output_is_challenged_by_the_watcher() {
    use plasma_ledger::signing::SigningDomain;
    use plasma_ledger::{build, Output, UtxoPos};
    use plasma_proto::v1::SubmitTxRequest;
    const EXIT_PERIOD: u64 = 60;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(1, 2, EXIT_PERIOD);
    cluster.start_all();
    let rpc = cluster.nodes[0].rpc;
    let alice = dev.user_key(1).unwrap();
    let bob = dev.user_key(2).unwrap();
    let g = cluster.genesis.clone();
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
    rt.block_on(async {
        use alloy_sol_types::SolValue;
        root.deposit(
            alice.address(),
            chain_id,
            alice.address(),
            Address::ZERO,
            U256::from(4 * ETH),
        )
        .await
        .unwrap();
        let coin = wait_coins(rpc, alice.address(), 1).await[0];
        let eth = |who: &plasma_ledger::signing::UserKey| {
            vec![Output::new(who.address(), Address::ZERO, U256::from(4 * ETH))]
        };
        let mut node =
            plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
        let pay = build::transfer(&domain, &[(UtxoPos::new(coin.0, coin.1, 0), &alice)], eth(&bob));
        node.chain.submit_tx(SubmitTxRequest { tx: pay.abi_encode() }).await.unwrap();
        let bobs = wait_coins(rpc, bob.address(), 1).await[0];
        let bobs_pos = UtxoPos::new(bobs.0, bobs.1, 0);
        let anchor = checkpointed(&root, chain_id, bobs.0).await;
        // Bob pays it all back to Alice: his output is spent.
        let back = build::transfer(&domain, &[(bobs_pos.clone(), &bob)], eth(&alice));
        node.chain.submit_tx(SubmitTxRequest { tx: back.abi_encode() }).await.unwrap();
        let since = Instant::now();
        while !coins(rpc, bob.address()).await.is_empty() {
            assert!(since.elapsed() < Duration::from_secs(30), "Bob's spend not committed");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // ... and still tries to exit it on the root.
        let (inclusion, anchor_header) = exit_evidence(rpc, bobs.0, bobs.1, anchor).await;
        let bond = root.exit_bond().await.unwrap();
        let mut alerts = node
            .bridge
            .stream_alerts(plasma_proto::v1::StreamAlertsRequest {})
            .await
            .unwrap()
            .into_inner();
        root.start_exit(bob.address(), &anchor_header, &bobs_pos, &inclusion, bond).await.unwrap();
        let alert = tokio::time::timeout(Duration::from_secs(30), alerts.message())
            .await
            .expect("an alert on the stream")
            .unwrap()
            .unwrap();
        assert_eq!((alert.kind.as_str(), alert.height), ("invalid_exit", bobs.0), "{alert:?}");
        assert!(alert.detail.contains("was spent in"), "{}", alert.detail);

        let since = Instant::now();
        while !cluster.nodes[0].all_logs().contains("exit challenged; the bond is ours") {
            assert!(
                since.elapsed() < Duration::from_secs(30),
                "no challenge:\n{}",
                cluster.nodes[0].all_logs()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        root.process_exits(dev.accounts[0], chain_id, Address::ZERO, 10).await.unwrap();
        assert_eq!(root.owed(bob.address(), Address::ZERO).await.unwrap(), U256::ZERO);
        assert_eq!(root.locked(chain_id, Address::ZERO).await.unwrap(), U256::from(4 * ETH));
    });
    cluster.stop_all();
    let logs = cluster.nodes[0].all_logs();
    assert!(logs.contains("alert=\"invalid_exit\""), "no invalid_exit alert");
}

/// Alice and Carol hold outputs covered by a checkpoint. Then validator 3 is cut off
/// (nobody can reach it, it reaches nobody) while the other three go on and checkpoint to
/// the root: its watcher sees checkpoints of blocks it cannot get and raises
/// `block_withholding`; the connected validators, which hold those blocks, do not. With only
/// the data validator 3 has, both users exit under the last checkpoint it holds, and the root
/// pays them in priority order (the older output first).
#[test]
fn checkpoints_of_blocks_out_of_reach_raise_block_withholding() {
    const EXIT_PERIOD: u64 = 60;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(4, 2, EXIT_PERIOD);
    cluster.start_all();
    let witness = cluster.nodes[3].rpc;
    let alice = dev.user_key(1).unwrap().address();
    let carol = dev.user_key(2).unwrap().address();
    let (a, c, pre) = rt.block_on(async {
        root.deposit(alice, chain_id, alice, Address::ZERO, U256::from(2 * ETH)).await.unwrap();
        root.deposit(carol, chain_id, carol, Address::ZERO, U256::from(ETH)).await.unwrap();
        let a = wait_coins(witness, alice, 1).await[0];
        let c = wait_coins(witness, carol, 1).await[0];
        (a, c, checkpointed(&root, chain_id, a.0.max(c.0)).await)
    });
    cluster.wait_height(&[3], pre, Duration::from_secs(30));
    cluster.stop(3);
    let elsewhere = format!("/ip4/127.0.0.1/tcp/{}", common::free_port_pair());
    cluster.start_with(
        3,
        &["--peers", "", "--listen", &elsewhere, "--set", "parent.withholding_timeout_ms=1500"],
    );
    // A user follows the cut-off node's alerts with the CLI, one JSON object a line, once
    // the restarted node serves its API.
    let since = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", witness)).is_err() {
        assert!(since.elapsed() < Duration::from_secs(30), "validator 3's API never came up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let followed = tempfile::NamedTempFile::new().unwrap();
    let appending = |p: &std::path::Path| std::fs::OpenOptions::new().append(true).open(p).unwrap();
    let mut follow = std::process::Command::new(common::plasma())
        .args(["--rpc", &format!("http://127.0.0.1:{witness}"), "--json", "alerts", "--follow"])
        .stdout(appending(followed.path()))
        .stderr(appending(followed.path()))
        .spawn()
        .unwrap();
    let since = Instant::now();
    while !cluster.nodes[3].all_logs().contains("alert=\"block_withholding\"") {
        assert!(
            since.elapsed() < Duration::from_secs(60),
            "no block_withholding alert on the cut-off validator:\n{}",
            cluster.nodes[3].all_logs()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let alert = loop {
        let lines = std::fs::read_to_string(followed.path()).unwrap();
        if let Some(line) = lines.lines().find(|l| l.contains("block_withholding")) {
            break serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        assert!(since.elapsed() < Duration::from_secs(60), "`alerts --follow` printed: {lines}");
        std::thread::sleep(Duration::from_millis(100));
    };
    follow.kill().unwrap();
    follow.wait().unwrap();
    assert_eq!(alert["kind"], "block_withholding", "{alert}");
    assert!(alert["height"].as_u64().unwrap() > pre, "a block after the cut: {alert}");
    rt.block_on(async {
        let bond = root.exit_bond().await.unwrap();
        // Carol first: the queue orders by priority, not by arrival.
        for (owner, coin) in [(carol, c), (alice, a)] {
            let (inclusion, anchor) = exit_evidence(witness, coin.0, coin.1, pre).await;
            let pos = plasma_ledger::UtxoPos::new(coin.0, coin.1, 0);
            root.start_exit(owner, &anchor, &pos, &inclusion, bond).await.unwrap();
        }
        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        let paid = process_eth_exits(&root, dev.accounts[0], chain_id).await;
        let first = if (a.0, a.1) < (c.0, c.1) { alice } else { carol };
        assert_eq!(paid.len(), 2, "both exits paid: {paid:?}");
        assert_eq!(paid[0], first, "the older output is paid first");
        assert_eq!(root.owed(alice, Address::ZERO).await.unwrap(), U256::from(2 * ETH) + bond);
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), U256::from(ETH) + bond);
    });
    cluster.stop_all();
    for i in 0..3 {
        let logs = cluster.nodes[i].all_logs();
        assert!(!logs.contains("block_withholding"), "validator {i} holds the blocks:\n{logs}");
    }
}

/// The `plasma` CLI's own path between the root and the chain: `deposit` waits until the
/// chain minted it, `exit` proves the output under the root's latest checkpoint and starts
/// the exit with its bond; after the exit period the owner is owed it back. Mistakes get one
/// readable line.
#[test]
fn the_cli_deposits_from_the_root_and_exits_back() {
    const EXIT_PERIOD: u64 = 60;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(1, 2, EXIT_PERIOD);
    cluster.start_all();
    cluster.wait_height(&[0], 2, Duration::from_secs(60));
    let rpc = format!("http://127.0.0.1:{}", cluster.nodes[0].rpc);
    let parent = dev.anvil.endpoint();
    let alice = dev.user_key(1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("alice.json");
    std::fs::write(
        &wallet,
        format!(
            "{{\"secret\": \"{}\", \"address\": \"{}\"}}",
            plasma_ledger::B256::from(alice.secret_bytes()).to_string().trim_start_matches("0x"),
            alice.address()
        ),
    )
    .unwrap();
    let w = wallet.to_str().unwrap();
    let plasma = |args: &[&str]| {
        std::process::Command::new(common::plasma())
            .args(["--rpc", &rpc])
            .args(args)
            .output()
            .unwrap()
    };
    let out = plasma(&[
        "deposit",
        "--key",
        w,
        "--parent-rpc",
        &parent,
        "--amount",
        &(3 * ETH).to_string(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("nonce 0") && stdout.contains("minted for"), "{stdout}");
    let coin = rt.block_on(coins(cluster.nodes[0].rpc, alice.address()))[0];
    let utxo = format!("{}:{}:0", coin.0, coin.1);

    let early = plasma(&["exit", "--key", w, "--parent-rpc", &parent, "--utxo", "999999:0:0"]);
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert!(!early.status.success() && stderr.contains("is not checkpointed yet"), "{stderr}");
    let bad = plasma(&["exit", "--key", w, "--parent-rpc", &parent, "--utxo", "1:x"]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && stderr.contains("expected height:tx_index:output_index"));

    rt.block_on(checkpointed(&root, chain_id, coin.0));
    let out = plasma(&["exit", "--key", w, "--parent-rpc", &parent, "--utxo", &utxo]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("exit of") && stdout.contains("started under checkpoint"), "{stdout}");
    rt.block_on(async {
        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        root.process_exits(dev.accounts[0], chain_id, Address::ZERO, 10).await.unwrap();
        let bond = root.exit_bond().await.unwrap();
        let owed = root.owed(alice.address(), Address::ZERO).await.unwrap();
        assert_eq!(owed, U256::from(3 * ETH) + bond);
    });
    cluster.stop_all();
}

/// A fifth validator bonds on the root after genesis and the root proposes the new
/// configuration: the chain adopts it at the next epoch end (that block's
/// `nextValidatorSetHash` names it, the root activates it when that checkpoint lands), and
/// the blocks after it are certified by the five: with an original validator stopped, the
/// chain goes on only because the newcomer votes, and the root accepts those checkpoints. A
/// node started afterwards syncs the whole history across the change.
#[test]
fn a_validator_bonded_on_the_root_joins_at_the_next_epoch() {
    const EPOCH: u64 = 4;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(4, EPOCH, 60);
    let newcomer = cluster.add_node();
    let config = cluster.nodes[newcomer].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 300\n",
        dev.anvil.endpoint()
    ));
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    let genesis_hash = cluster.genesis.clone().check().unwrap().validators.ledger().hash();

    let (new_hash, from) = rt.block_on(async {
        // The chain runs on its genesis set for a while.
        checkpointed(&root, chain_id, EPOCH).await;
        let keys = plasma_node::config::ValidatorKeys::load(
            &cluster.nodes[newcomer].home.join("keys/validator.json"),
        )
        .unwrap();
        let op = keys.operator.address();
        let wallet = plasma_bridge::devchain::wallet_provider(
            dev.anvil.endpoint_url(),
            &[keys.operator_secret],
        )
        .unwrap();
        dev.fund(op, U256::from(10 * ETH)).await.unwrap();
        let power = cluster.genesis.validators[0].power;
        Root::at(root.address(), wallet)
            .bond(op, chain_id, &keys.bls, U256::from(power * GWEI))
            .await
            .unwrap();
        root.propose_configuration(dev.accounts[0], chain_id).await.unwrap();
        let new_hash = plasma_ledger::certificate::ValidatorSet::new(
            root.validators(chain_id, 2).await.unwrap(),
        )
        .unwrap()
        .hash();
        let since = Instant::now();
        let from = loop {
            let c = root.contract().chain(chain_id).call().await.unwrap();
            if c.activeConfig == 2 {
                break c.lastHeight + 1;
            }
            assert!(since.elapsed() < Duration::from_secs(90), "configuration 2 never activated");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        // Checkpoints certified by the new set land too.
        checkpointed(&root, chain_id, from - 1 + 2 * EPOCH).await;
        (new_hash, from)
    });
    assert_eq!(from % EPOCH, 1, "adopted right after an epoch end");
    assert_ne!(new_hash, genesis_hash);
    // One original validator stops: the other three hold 3/5 of the power, under the 2/3 a
    // commit needs, so the chain goes on only with the newcomer's votes.
    cluster.kill(3);
    // Read once it is dead: a precommit it sent for height h counts only if live validators had
    // entered h, i.e. committed h - 1, by then. So none carries its signature past `down_at + 1`.
    let down_at = [0, 1, 2, newcomer].iter().map(|&i| cluster.nodes[i].height()).max().unwrap();
    let top = (down_at / EPOCH + 2) * EPOCH;
    rt.block_on(checkpointed(&root, chain_id, top));
    // A node that joins afterwards syncs the whole history, set change included.
    let latecomer = cluster.add_node();
    let config = cluster.nodes[latecomer].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 300\n",
        dev.anvil.endpoint()
    ));
    std::fs::write(&config, text).unwrap();
    cluster.start(latecomer);
    cluster.wait_height(&[0, newcomer, latecomer], top, Duration::from_secs(60));
    // A light client follows the chain across the change from the nodes' APIs, checking
    // every certificate itself (the stopped validator's API is unreachable and skipped) and
    // taking the new set from the root by its hash.
    let (light_head, light_set) = rt.block_on(async {
        use plasma_bridge::light::{BlockSource, GrpcSource, LightClient};
        use plasma_bridge::{EthereumParent, Finality};
        let sources: Vec<Box<dyn BlockSource>> = [3, 0, newcomer]
            .iter()
            .map(|i| {
                let url = format!("http://127.0.0.1:{}", cluster.nodes[*i].rpc);
                Box::new(GrpcSource::new(url)) as Box<dyn BlockSource>
            })
            .collect();
        let endpoint = dev.anvil.endpoint();
        let parent =
            EthereumParent::connect(&endpoint, root.address(), Finality::Confirmations(0), 0, None)
                .unwrap();
        let loaded = cluster.genesis.clone().check().unwrap();
        let genesis = loaded.validators.ledger().clone();
        let sets = Box::new((parent, chain_id));
        let mut client = LightClient::new(&loaded.domain, genesis, sources, sets);
        while client.head().0 < top {
            client.next().await.unwrap().expect("a block the nodes hold");
        }
        (client.head(), client.validators().hash())
    });
    cluster.stop_all();

    let chain = cluster.chain(0, top);
    let header = |h: u64| &chain[h as usize - 1].0.header;
    for h in 1..from {
        assert_eq!(header(h).validatorSetHash, genesis_hash, "block {h} by the genesis set");
    }
    assert_eq!(header(from - 1).nextValidatorSetHash, new_hash, "the epoch end adopts the set");
    for h in from..=top {
        assert_eq!(header(h).validatorSetHash, new_hash, "block {h} by the new set");
        assert_eq!(header(h).nextValidatorSetHash, new_hash);
    }
    // Every block decided with validator 3 down carries the newcomer's (bit 4) signature; only
    // the one in flight as it died may carry its own.
    for h in down_at + 2..=top {
        let bitmap = &chain[h as usize - 1].1.signerBitmap;
        assert!(
            bitmap.first().is_some_and(|b| b & (1 << 4) != 0),
            "block {h} without the newcomer"
        );
        assert!(
            bitmap.first().is_some_and(|b| b & (1 << 3) == 0),
            "block {h} signed by the stopped one"
        );
    }
    assert_eq!(light_head, (top, header(top).hash()), "the light client's head");
    assert_eq!(light_set, new_hash, "the light client adopted the new set");
    // The newcomer and the latecomer hold the same chain.
    for node in [newcomer, latecomer] {
        let its = cluster.chain(node, top);
        assert_eq!(its.last().unwrap().0.header.hash(), chain.last().unwrap().0.header.hash());
    }
}

/// Validators are killed (`kill -9`) and restarted one after another while deposits arrive
/// on the root and checkpoints go up: every deposit is minted exactly once, in nonce order,
/// the root's checkpoints only ever move forward, and each is the chain's block.
#[test]
fn killing_and_restarting_validators_mid_flow_loses_and_repeats_nothing() {
    const EPOCH: u64 = 4;
    const ROUNDS: usize = 4;
    const PER_ROUND: u64 = 3;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(4, EPOCH, 60);
    cluster.start_all();
    let alice = dev.user_key(1).unwrap().address();
    let mut nonce = 0;
    for round in 0..ROUNDS {
        let victim = round % 4;
        rt.block_on(async {
            for _ in 0..PER_ROUND {
                let amount = U256::from(1_000 + nonce);
                let record = root.deposit(alice, chain_id, alice, Address::ZERO, amount).await;
                assert_eq!(record.unwrap().0.nonce, nonce);
                nonce += 1;
                if nonce == 2 {
                    cluster.kill(victim); // mid-flow: between two deposits
                }
            }
        });
        cluster.kill(victim);
        std::thread::sleep(Duration::from_millis(1500));
        cluster.start(victim);
        std::thread::sleep(Duration::from_millis(1500));
    }
    let total = ROUNDS as u64 * PER_ROUND;
    let minted = rt.block_on(async {
        let minted = wait_coins(cluster.nodes[0].rpc, alice, total as usize).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        minted
    });
    let amounts: Vec<U256> = minted.iter().map(|c| c.2).collect();
    let expected: Vec<U256> = (0..total).map(|n| U256::from(1_000 + n)).collect();
    assert_eq!(amounts, expected, "each deposit minted once, in nonce order");
    // Two epochs at least, so that checkpoints went up at least twice, however few blocks the
    // deposits took.
    let at_least = cluster.nodes[0].height().max(2 * EPOCH);
    let last = rt.block_on(checkpointed(&root, chain_id, at_least));
    cluster.wait_height(&[0, 1, 2, 3], last, Duration::from_secs(60));
    cluster.stop_all();

    // No deposit minted twice anywhere in the chain (mints of spent outputs included).
    let top = cluster.nodes[0].store().head().height;
    let chain = cluster.chain(0, top);
    let mut nonces = Vec::new();
    for (block, _) in &chain {
        for stx in &block.transactions {
            if stx.transaction.kind == plasma_ledger::Kind::Deposit as u8 {
                use alloy_sol_types::SolValue;
                nonces.push(
                    plasma_ledger::DepositRecord::abi_decode(&stx.transaction.data).unwrap().nonce,
                );
            }
        }
    }
    assert_eq!(nonces, (0..total).collect::<Vec<_>>(), "mints in the chain");
    // The root's checkpoints, in the order it accepted them, move forward only, and each is
    // the chain's block.
    let accepted = rt.block_on(async {
        use plasma_bridge::{EthereumParent, Finality, ParentReader};
        let reader = EthereumParent::connect(
            &dev.anvil.endpoint(),
            root.address(),
            Finality::Confirmations(0),
            0,
            None,
        )
        .unwrap();
        reader.checkpoints_accepted(chain_id, 0).await.unwrap().0
    });
    assert!(accepted.len() >= 2, "checkpoints landed: {accepted:?}");
    for pair in accepted.windows(2) {
        assert!(pair[0].0 < pair[1].0, "checkpoint {} after {}", pair[1].0, pair[0].0);
    }
    for (height, hash) in &accepted {
        assert_eq!(*hash, chain[*height as usize - 1].0.header.hash(), "checkpoint {height}");
    }
    let restarts: u32 = cluster.nodes.iter().map(|n| n.starts).sum();
    assert_eq!(restarts, 4 + ROUNDS as u32);
}

/// Validators 0, 1 and 2 (their keys taken by the test) certify a second block for a future
/// epoch end and land it on the root as a checkpoint. When the chain reaches that height,
/// its watchers hold two certified blocks at one height and prove the equivocation without
/// help: the chain is frozen from that height and, when the chain certified its block in the
/// forged certificate's round (0, as it mostly does), whoever signed both loses its stake,
/// validator 3 keeps its own and the prover is paid. Of different rounds nobody is slashed:
/// an honest validator may sign both.
#[test]
fn a_conflicting_checkpoint_is_proven_as_equivocation() {
    use alloy_sol_types::SolValue;
    use plasma_ledger::certificate::certify;
    const EPOCH: u64 = 4;
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = under_root(4, EPOCH, 60);
    let keys = cluster.validator_keys();
    let loaded = cluster.genesis.clone().check().unwrap();
    let (set, votes) = (loaded.validators.ledger().clone(), *loaded.domain.votes());
    cluster.start_all();
    let (forged_at, forged_hash, rollback) = rt.block_on(async {
        let last = checkpointed(&root, chain_id, EPOCH).await;
        let forged = plasma_ledger::BlockHeader {
            chainId: chain_id,
            height: last + 3 * EPOCH,
            validatorSetHash: set.hash(),
            nextValidatorSetHash: set.hash(),
            txRoot: plasma_ledger::B256::repeat_byte(0xf0),
            ..Default::default()
        };
        let signers: Vec<_> = (0..3).map(|i| (i, &keys[i].bls)).collect();
        let cert = certify(&set, &signers, &votes, &forged, 0).unwrap();
        root.submit_checkpoint(dev.accounts[0], &forged, &cert).await.unwrap();
        (forged.height, forged.hash(), frozen(&root, chain_id).await.0)
    });
    assert_eq!(rollback, forged_at, "rolled back from the equivocated height");
    cluster.wait_height(&[0], forged_at, Duration::from_secs(30));
    cluster.stop_all();
    let proven = rt.block_on(root.frauds_proven(chain_id, 0)).unwrap();
    assert_eq!(proven.len(), 1);
    assert_eq!(proven[0].0, plasma_ledger::FraudKind::Equivocation as u8);
    let prover = proven[0].2;
    // Who signed both is read from the proof the root judged: its honest certificate is the
    // prover's, and nodes keep the first quorum each saw, so it may name other signers than any
    // one node's store.
    let proofs = rt.block_on(root.fraud_proofs(chain_id, 0)).unwrap();
    assert_eq!(proofs.len(), 1);
    let evidence =
        plasma_ledger::EquivocationEvidence::abi_decode(&proofs[0].evidence).expect("evidence");
    let (forged, honest) = if evidence.a.blockHash == forged_hash {
        (evidence.a, evidence.b)
    } else {
        (evidence.b, evidence.a)
    };
    assert_eq!(forged.blockHash, forged_hash, "the proof names the forged checkpoint");
    let (block, _) = cluster.chain(0, forged_at).pop().unwrap();
    assert_eq!(honest.blockHash, block.header.hash(), "and the chain's own block");
    set.verify_certificate(&votes, &honest).expect("an honest quorum");
    let signed_both: Vec<usize> = set
        .signers(&honest.signerBitmap)
        .unwrap()
        .into_iter()
        .filter(|i| set.signers(&forged.signerBitmap).unwrap().contains(i))
        .collect();
    assert!(signed_both.len() >= 2, "quorums intersect in over a third: {signed_both:?}");
    let one_round = honest.round == forged.round;
    rt.block_on(async {
        // A prover that signed both itself (a culprit) is paid nothing.
        let culprit_prover = signed_both.iter().any(|i| set.validators()[*i].operator == prover);
        let paid = root.owed(prover, Address::ZERO).await.unwrap();
        assert_eq!(
            paid > U256::ZERO,
            one_round && !culprit_prover,
            "prover paid iff one round and it is no culprit: {paid}"
        );
        for (i, v) in set.validators().iter().enumerate() {
            let stake = root.contract().stakeOf(chain_id, v.operator).call().await.unwrap().amount;
            let culprit = one_round && signed_both.contains(&i);
            assert_eq!(
                stake.is_zero(),
                culprit,
                "validator {i}: slashed iff it signed both in one round"
            );
        }
    });
    let equivocation_alerts: usize =
        cluster.nodes.iter().map(|n| n.all_logs().matches("alert=\"equivocation\"").count()).sum();
    assert!(equivocation_alerts >= 1, "watchers raised equivocation");
}
