//! Two levels under a real anvil: the root contract, chain A under it and chain B under A.
//! B is registered on A by a system transaction, follows A as a light client, checkpoints
//! its epochs to A with BLS certificates, and mints what is locked for it on A, which itself
//! came from the root.

mod common;

use alloy_sol_types::SolValue;
use common::root::*;
use common::tree::*;
use plasma_bridge::bindings::MockERC20;
use plasma_ledger::children::register_child_tx;
use plasma_ledger::{testkit, Address, ChildDeposit, ChildParams, Output, TxKind, UtxoPos, U256};
use plasma_proto::v1::node_client::NodeClient;
use plasma_proto::v1::{GetBlockRequest, SubmitTxRequest};
use std::time::{Duration, Instant};

/// The one token other than ETH among `coins`.
fn erc20_token(coins: &[(Address, U256)]) -> Address {
    coins.iter().map(|c| c.0).find(|t| *t != Address::ZERO).expect("a token coin")
}

async fn block_hash(rpc: u16, height: u64) -> Vec<u8> {
    let mut node = NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    node.get_block(GetBlockRequest { height }).await.unwrap().into_inner().block_hash
}

#[test]
fn a_grandchild_checkpoints_to_its_plasma_parent_and_mints_what_was_locked_for_it() {
    const EPOCH: u64 = 4;
    const B_EXIT_PERIOD: u64 = 4;
    const B_EXIT_BOND: u64 = ETH / 100;
    let UnderRoot { rt, dev, root, chain_id: a_id, cluster: mut a } = under_root(4, EPOCH, 60);
    a.start_all();
    let a_rpc = a.nodes[0].rpc;
    let a_domain = domain_of(&a);

    // B's validators register on A with their keys and proofs of possession; A names B.
    let params = ChildParams {
        epochLength: EPOCH,
        exitPeriod: B_EXIT_PERIOD,
        exitBond: U256::from(B_EXIT_BOND),
    };
    let UnderPlasma { cluster: mut b, chain_id: b_id, registration, domain: b_domain } =
        under_plasma(&a, &dev.anvil.endpoint(), 4, params);

    let alice = dev.user_key(1).unwrap();
    let bob = dev.user_key(2).unwrap();
    let carol_key = dev.user_key(3).unwrap();
    let carol = carol_key.address();
    let mut locked_before = (U256::ZERO, U256::ZERO);
    rt.block_on(async {
        submit(a_rpc, &register_child_tx(&registration)).await;
        wait_child(a_rpc, b_id, 60, "B never registered on A", |_| true).await;
        let entry = child_on(a_rpc, b_id).await.unwrap();
        assert_eq!(entry.epoch_length, EPOCH);
        assert_eq!(entry.validators, registration.validators.abi_encode());
        // The same registration again is refused: A names each child once.
        let mut node = NodeClient::connect(format!("http://127.0.0.1:{a_rpc}")).await.unwrap();
        let again = SubmitTxRequest { tx: register_child_tx(&registration).abi_encode() };
        let refused = node.submit_tx(again).await.unwrap_err();
        assert!(refused.message().contains("already registered"), "{refused:?}");

        // ETH and an ERC-20 go from the root to Alice on A.
        let token = MockERC20::deploy(dev.provider.clone()).await.unwrap();
        let erc20 = *token.address();
        locked_before = (
            root.locked(a_id, Address::ZERO).await.unwrap(),
            root.locked(a_id, erc20).await.unwrap(),
        );
        let a_addr = alice.address();
        token
            .mint(a_addr, U256::from(1_000))
            .from(a_addr)
            .send()
            .await
            .unwrap()
            .get_receipt()
            .await
            .unwrap();
        let approve = token.approve(root.address(), U256::from(1_000)).from(a_addr);
        approve.send().await.unwrap().get_receipt().await.unwrap();
        root.deposit(a_addr, a_id, a_addr, Address::ZERO, U256::from(5 * ETH)).await.unwrap();
        root.deposit(a_addr, a_id, a_addr, erc20, U256::from(1_000)).await.unwrap();
        wait_coins(a_rpc, a_addr, 2).await;
        let coins = outputs(a_rpc, a_addr).await;
        let pos = |c: &(u64, u32, u8, Address, U256)| UtxoPos::new(c.0, c.1, c.2);
        let eth_coin = *coins.iter().find(|c| c.3 == Address::ZERO).unwrap();
        let erc20_coin = *coins.iter().find(|c| c.3 == erc20).unwrap();

        // Alice locks 2 ETH and 400 tokens for Bob on B (two deposits into B's escrow).
        let lock = |token: Address, amount: u64| ChildDeposit {
            childChainId: b_id,
            recipient: bob.address(),
            token,
            amount: U256::from(amount),
        };
        let eth_down = testkit::sign(
            &a_domain,
            testkit::tx(
                TxKind::DepositToChild,
                vec![pos(&eth_coin)],
                vec![Output::new(a_addr, Address::ZERO, U256::from(3 * ETH))],
                lock(Address::ZERO, 2 * ETH).abi_encode(),
            ),
            &[&alice],
        );
        let erc20_down = testkit::sign(
            &a_domain,
            testkit::tx(
                TxKind::DepositToChild,
                vec![pos(&erc20_coin)],
                vec![Output::new(a_addr, erc20, U256::from(600))],
                lock(erc20, 400).abi_encode(),
            ),
            &[&alice],
        );
        submit(a_rpc, &eth_down).await;
        submit(a_rpc, &erc20_down).await;
        let since = Instant::now();
        while child_on(a_rpc, b_id).await.unwrap().next_deposit_nonce < 2 {
            assert!(since.elapsed() < Duration::from_secs(60), "the locks never landed on A");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });

    // B starts only now: it must find its registration and deposits in A's history.
    b.start_all();
    let b_rpc = b.nodes[0].rpc;
    rt.block_on(async {
        let bobs = wait_coins(b_rpc, bob.address(), 2).await;
        let mut amounts: Vec<_> = bobs.iter().map(|c| c.2).collect();
        amounts.sort();
        assert_eq!(amounts, [U256::from(400), U256::from(2 * ETH)]);
        let bob_coins = outputs(b_rpc, bob.address()).await;
        let eth = *bob_coins.iter().find(|c| c.3 == Address::ZERO).unwrap();

        // A transfer on B.
        let pay = testkit::transfer(
            &b_domain,
            &[(UtxoPos::new(eth.0, eth.1, eth.2), &bob)],
            vec![
                Output::new(carol, Address::ZERO, U256::from(ETH)),
                Output::new(bob.address(), Address::ZERO, U256::from(ETH)),
            ],
        );
        submit(b_rpc, &pay).await;
        wait_coins(b_rpc, carol, 1).await;
        let paid_at = *outputs(b_rpc, carol).await.first().unwrap();
        let tokens = *bob_coins.iter().find(|c| c.3 != Address::ZERO).unwrap();

        // B's epochs land on A, each the very block B certified; A's own land on the root.
        let since = Instant::now();
        let landed = loop {
            let entry = child_on(a_rpc, b_id).await.unwrap();
            if entry.last_height >= 3 * EPOCH {
                break entry;
            }
            assert!(
                since.elapsed() < Duration::from_secs(120),
                "B's checkpoints stopped at {} on A",
                entry.last_height
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        assert_eq!(landed.last_height % EPOCH, 0, "checkpoints are epoch ends");
        assert_eq!(landed.last_hash, block_hash(b_rpc, landed.last_height).await);
        let a_height = checkpointed(&root, a_id, 3 * EPOCH).await;
        assert!(a_height >= 3 * EPOCH);

        // ---- up: B → A → root ----------------------------------------------------------
        // Bob and Carol hold a little ETH on A to bond their exits with.
        for _ in 0..3 {
            let tenth = U256::from(ETH / 10);
            root.deposit(bob.address(), a_id, bob.address(), Address::ZERO, tenth).await.unwrap();
        }
        let tenth = U256::from(ETH / 10);
        root.deposit(carol, a_id, carol, Address::ZERO, tenth).await.unwrap();
        let mut bob_bonds = wait_coins(a_rpc, bob.address(), 3).await;
        let mut carol_bonds = wait_coins(a_rpc, carol, 1).await;
        // Each exit is proven under a checkpoint of B that A accepted.
        let anchor = loop {
            let entry = child_on(a_rpc, b_id).await.unwrap();
            if entry.last_height >= paid_at.0 {
                break entry.last_height;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let start =
            |who: plasma_ledger::signing::UserKey, coin: (u64, u32, U256), of: (u64, u32, u8)| {
                let a_domain = a_domain.clone();
                async move {
                    let (inclusion, anchor_header) = exit_evidence(b_rpc, of.0, of.1, anchor).await;
                    let payload = plasma_ledger::ChildExitStart {
                        childChainId: b_id,
                        anchor: anchor_header,
                        pos: UtxoPos::new(of.0, of.1, of.2),
                        inclusion,
                    };
                    let change = coin.2 - U256::from(B_EXIT_BOND);
                    testkit::sign(
                        &a_domain,
                        testkit::tx(
                            TxKind::StartChildExit,
                            vec![UtxoPos::new(coin.0, coin.1, 0)],
                            vec![Output::new(who.address(), Address::ZERO, change)],
                            payload.abi_encode(),
                        ),
                        &[&who],
                    )
                }
            };
        // Bob tries to exit the 2 ETH he already paid on B; B's watchers challenge it on A.
        let spent = start(bob.clone(), bob_bonds.remove(0), (eth.0, eth.1, eth.2)).await;
        submit(a_rpc, &spent).await;
        // The honest exits: Carol's 1 ETH, Bob's 1 ETH change and his 400 tokens.
        let honest = [
            start(carol_key.clone(), carol_bonds.remove(0), (paid_at.0, paid_at.1, paid_at.2))
                .await,
            start(bob.clone(), bob_bonds.remove(0), (paid_at.0, paid_at.1, 1)).await,
            start(bob.clone(), bob_bonds.remove(0), (tokens.0, tokens.1, tokens.2)).await,
        ];
        for stx in &honest {
            submit(a_rpc, stx).await;
        }
        // The challenge pays the spent exit's bond to one of B's validators, on A.
        let operators: Vec<Address> = registration.validators.iter().map(|v| v.operator).collect();
        let since = Instant::now();
        let challenger = 'found: loop {
            for op in &operators {
                if outputs(a_rpc, *op).await.iter().any(|c| c.4 == U256::from(B_EXIT_BOND)) {
                    break 'found *op;
                }
            }
            assert!(
                since.elapsed() < Duration::from_secs(60),
                "the spent exit was never challenged"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        // After B's exit period A pays the honest exits, each with its bond back, from B's
        // escrow, which ends empty.
        let since = Instant::now();
        loop {
            let escrow = child_on(a_rpc, b_id).await.unwrap().escrow;
            if escrow.iter().all(|l| U256::from_be_slice(&l.amount).is_zero()) {
                break;
            }
            assert!(
                since.elapsed() < Duration::from_secs(60),
                "B's exits were not paid: {escrow:?}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let bond = U256::from(B_EXIT_BOND);
        let carols: Vec<_> = outputs(a_rpc, carol).await.iter().map(|c| (c.3, c.4)).collect();
        assert!(carols.contains(&(Address::ZERO, U256::from(ETH))), "{carols:?}");
        assert!(carols.contains(&(Address::ZERO, bond)), "Carol's bond came back");
        let bobs: Vec<_> = outputs(a_rpc, bob.address()).await.iter().map(|c| (c.3, c.4)).collect();
        assert!(bobs.contains(&(Address::ZERO, U256::from(ETH))), "{bobs:?}");
        assert!(bobs.contains(&(erc20_token(&bobs), U256::from(400))), "{bobs:?}");
        assert_eq!(
            bobs.iter().filter(|c| *c == &(Address::ZERO, bond)).count(),
            2,
            "two bonds back, the challenged one lost"
        );

        // Everything on A goes on to the root: the payouts, the change, the bonds returned and
        // the challenger's reward. A's locked balances on the root end where they started.
        let erc20 = erc20_token(&bobs);
        let challenger_key = b
            .nodes
            .iter()
            .map(|n| plasma_node::config::ValidatorKeys::load(&n.home.join("keys/validator.json")))
            .map(Result::unwrap)
            .find(|k| k.operator.address() == challenger)
            .unwrap();
        dev.fund(challenger, U256::from(ETH)).await.unwrap();
        let challenger_wallet = plasma_bridge::devchain::wallet_provider(
            dev.anvil.endpoint_url(),
            &[challenger_key.operator_secret],
        )
        .unwrap();
        let as_challenger = plasma_bridge::Root::at(root.address(), challenger_wallet);
        let holders = [
            (alice.address(), &root),
            (bob.address(), &root),
            (carol, &root),
            (challenger, &as_challenger),
        ];
        let mut everything = Vec::new();
        for (who, via) in holders {
            for coin in outputs(a_rpc, who).await {
                everything.push((who, via, coin));
            }
        }
        let newest = everything.iter().map(|(_, _, c)| c.0).max().unwrap();
        let anchor = checkpointed(&root, a_id, newest).await;
        let root_bond = root.exit_bond().await.unwrap();
        for (who, via, coin) in &everything {
            let (inclusion, header) = exit_evidence(a_rpc, coin.0, coin.1, anchor).await;
            let pos = UtxoPos::new(coin.0, coin.1, coin.2);
            via.start_exit(*who, &header, &pos, &inclusion, root_bond).await.unwrap();
        }
        dev.warp(3 * 60).await.unwrap();
        root.process_exits(dev.accounts[0], a_id, Address::ZERO, 64).await.unwrap();
        root.process_exits(dev.accounts[0], a_id, erc20, 64).await.unwrap();
        assert_eq!(root.locked(a_id, Address::ZERO).await.unwrap(), locked_before.0);
        assert_eq!(root.locked(a_id, erc20).await.unwrap(), locked_before.1);
        let carol_eth: U256 = everything
            .iter()
            .filter(|(who, _, c)| *who == carol && c.3 == Address::ZERO)
            .map(|(_, _, c)| c.4 + root_bond)
            .sum();
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), carol_eth);
        assert_eq!(root.owed(bob.address(), erc20).await.unwrap(), U256::from(400));
        root.withdraw(bob.address(), erc20).await.unwrap();
        let token = MockERC20::new(erc20, dev.provider.clone());
        assert_eq!(
            token.balanceOf(bob.address()).call().await.unwrap(),
            U256::from(400),
            "B's tokens reached Bob's root account"
        );
    });
    b.stop_all();
    a.stop_all();
}

/// The `plasma` CLI moves value root → A → B in one command and back B → A → root in
/// another, per hop, each resumable from its journal: the deposit is killed once its first
/// hop is on the root, and the rerun finishes it without depositing or locking twice.
#[test]
fn the_cli_deposits_to_a_grandchild_and_exits_back_resuming_after_a_kill() {
    const EPOCH: u64 = 4;
    let bond = U256::from(ETH / 100);
    let UnderRoot { rt, dev, root, chain_id: a_id, cluster: mut a } = under_root(1, EPOCH, 60);
    a.start_all();
    let a_rpc = a.nodes[0].rpc;
    let params = ChildParams { epochLength: EPOCH, exitPeriod: 4, exitBond: bond };
    let mut b = under_plasma(&a, &dev.anvil.endpoint(), 1, params);
    rt.block_on(async {
        submit(a_rpc, &register_child_tx(&b.registration)).await;
        wait_child(a_rpc, b.chain_id, 60, "B never registered on A", |_| true).await;
    });
    b.cluster.start_all();
    b.cluster.wait_height(&[0], 2, Duration::from_secs(60));
    let b_rpc = b.cluster.nodes[0].rpc;
    let bob = dev.user_key(2).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("bob.json");
    let secret = plasma_ledger::B256::from(bob.secret_bytes()).to_string();
    let json = format!(
        "{{\"secret\": \"{}\", \"address\": \"{}\"}}",
        secret.trim_start_matches("0x"),
        bob.address()
    );
    std::fs::write(&wallet, json).unwrap();
    let via = format!("http://127.0.0.1:{a_rpc}");
    let anvil = dev.anvil.endpoint();
    let plasma = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_plasma"));
        c.args(["--rpc", &format!("http://127.0.0.1:{b_rpc}")]).args(args);
        c
    };
    let journal = dir.path().join("deposit.json");
    let amount = ETH.to_string();
    let w = wallet.to_str().unwrap();
    let j = journal.to_str().unwrap();
    let deposit = [
        "deposit",
        "--key",
        w,
        "--parent-rpc",
        &anvil,
        "--amount",
        &amount,
        "--via",
        &via,
        "--state",
        j,
    ];

    // Killed once the root recorded the first hop.
    let log = dir.path().join("first.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut first = plasma(&deposit).stdout(out.try_clone().unwrap()).stderr(out).spawn().unwrap();
    let since = Instant::now();
    while !std::fs::read_to_string(&journal).unwrap_or_default().contains("\"1.nonce\"") {
        let said = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(since.elapsed() < Duration::from_secs(60), "the first hop never started: {said}");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let out = plasma(&deposit).output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("hop 2/2") && said.contains("minted for"), "{said}");
    rt.block_on(async {
        let deposits = root.contract().chain(a_id).call().await.unwrap().depositCount;
        assert_eq!(deposits, 1, "one root deposit into A");
        let entry = child_on(a_rpc, b.chain_id).await.unwrap();
        assert_eq!(entry.next_deposit_nonce, 1, "one lock into B");
        let on_b = coins(b_rpc, bob.address()).await;
        assert_eq!(on_b.len(), 1);
        assert_eq!(on_b[0].2, U256::from(ETH));
    });
    // Run again, it has nothing left to do.
    let again = plasma(&deposit).output().unwrap();
    assert!(again.status.success());
    rt.block_on(async {
        assert_eq!(child_on(a_rpc, b.chain_id).await.unwrap().next_deposit_nonce, 1);
    });

    // Back up: Bob keeps a little ETH on A for the exit bond.
    let coin = rt.block_on(coins(b_rpc, bob.address()))[0];
    rt.block_on(async {
        let tenth = U256::from(ETH / 10);
        root.deposit(bob.address(), a_id, bob.address(), Address::ZERO, tenth).await.unwrap();
        wait_coins(a_rpc, bob.address(), 1).await;
    });
    let utxo = format!("{}:{}:0", coin.0, coin.1);
    let exit_journal = dir.path().join("exit.json");
    let ej = exit_journal.to_str().unwrap();
    let exit =
        ["exit", "--key", w, "--parent-rpc", &anvil, "--utxo", &utxo, "--via", &via, "--state", ej];
    let out = plasma(&exit).output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("hop 1/2") && said.contains("paid on chain"), "{said}");
    assert!(said.contains("hop 2/2") && said.contains("started under checkpoint"), "{said}");
    rt.block_on(async {
        dev.warp(3 * 60).await.unwrap();
        root.process_exits(dev.accounts[0], a_id, Address::ZERO, 10).await.unwrap();
        let root_bond = root.exit_bond().await.unwrap();
        let owed = root.owed(bob.address(), Address::ZERO).await.unwrap();
        assert_eq!(owed, U256::from(ETH) + root_bond, "B's ether is Bob's on the root");
    });
    b.cluster.stop_all();
    a.stop_all();
}
