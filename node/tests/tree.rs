//! Two levels under a real anvil: the root contract, chain A under it and chain B under A.
//! B is registered on A by a system transaction, follows A as a light client, checkpoints
//! its epochs to A with BLS certificates, and mints what is locked for it on A, which itself
//! came from the root.

mod common;

use alloy_sol_types::SolValue;
use common::root::*;
use common::Cluster;
use plasma_bridge::bindings::MockERC20;
use plasma_ledger::children::{child_chain_id, register_child_tx};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::{
    testkit, Address, ChildDeposit, ChildParams, ChildRegistration, Output, TxKind, UtxoPos,
    Validator, U256,
};
use plasma_proto::v1::node_client::NodeClient;
use plasma_proto::v1::{GetBlockRequest, GetChildRequest, GetChildResponse, SubmitTxRequest};
use std::time::{Duration, Instant};

async fn child_on(rpc: u16, chain: u64) -> Option<GetChildResponse> {
    let mut node = NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await.ok()?;
    node.get_child(GetChildRequest { chain_id: chain }).await.ok().map(|r| r.into_inner())
}

async fn submit(rpc: u16, stx: &plasma_ledger::SignedTransaction) {
    let since = Instant::now();
    let mut node = loop {
        match NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await {
            Ok(node) => break node,
            Err(e) if since.elapsed() > Duration::from_secs(30) => panic!("node API: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await, // starting
        }
    };
    if let Err(e) = node.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await {
        panic!("kind {} refused: {}", stx.transaction.kind, e.message());
    }
}

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
    let ga = a.genesis.clone();
    let a_domain = SigningDomain::new(a_id, ga.root_chain_id, ga.root_contract);

    // B's validators register on A with their keys and proofs of possession; A names B.
    let mut registration = None;
    let root_address = root.address().to_string();
    let mut b = Cluster::with_genesis_by(
        4,
        &[],
        |keys| {
            let reg = ChildRegistration {
                salt: 0,
                params: ChildParams {
                    epochLength: EPOCH,
                    exitPeriod: B_EXIT_PERIOD,
                    exitBond: U256::from(B_EXIT_BOND),
                },
                validators: keys
                    .iter()
                    .map(|k| Validator {
                        operator: k.operator.address(),
                        blsPubkey: k.bls.public_key().to_eip2537().to_vec().into(),
                        power: 100,
                    })
                    .collect(),
                proofsOfPossession: keys
                    .iter()
                    .map(|k| {
                        k.bls.proof_of_possession(k.operator.address()).to_eip2537().to_vec().into()
                    })
                    .collect(),
            };
            let id = child_chain_id(a_id, &reg);
            registration = Some(reg);
            id
        },
        &["--root-contract", &root_address],
    );
    let registration = registration.unwrap();
    let b_id = b.genesis.chain_id;
    let gb = b.genesis.clone();
    assert_eq!(
        Validator::set_hash(&registration.validators),
        gb.clone().check().unwrap().validators.ledger().hash(),
        "B registers its genesis set"
    );
    let b_domain = SigningDomain::new(b_id, gb.root_chain_id, gb.root_contract);
    let endpoints: Vec<_> =
        a.nodes.iter().map(|n| format!("\"http://127.0.0.1:{}\"", n.rpc)).collect();
    for node in &b.nodes {
        let config = node.home.join("config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&format!(
            "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 300\n\n[parent.plasma]\nchain_id = {a_id}\nendpoints = [{}]\n",
            dev.anvil.endpoint(),
            endpoints.join(", ")
        ));
        std::fs::write(&config, text).unwrap();
    }

    let alice = dev.user_key(1).unwrap();
    let bob = dev.user_key(2).unwrap();
    let carol_key = dev.user_key(3).unwrap();
    let carol = carol_key.address();
    rt.block_on(async {
        submit(a_rpc, &register_child_tx(&registration)).await;
        let since = Instant::now();
        while child_on(a_rpc, b_id).await.is_none() {
            assert!(since.elapsed() < Duration::from_secs(60), "B never registered on A");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
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

        // Carol's ETH and Bob's tokens go on from A to their root accounts.
        let up = |who: Address, token: Address, amount: U256| {
            let root = root.clone();
            async move {
                let coin = *outputs(a_rpc, who)
                    .await
                    .iter()
                    .find(|c| c.3 == token && c.4 == amount)
                    .unwrap();
                let anchor = checkpointed(&root, a_id, coin.0).await;
                let (inclusion, header) = exit_evidence(a_rpc, coin.0, coin.1, anchor).await;
                let bond = root.exit_bond().await.unwrap();
                root.start_exit(
                    who,
                    &header,
                    &UtxoPos::new(coin.0, coin.1, coin.2),
                    &inclusion,
                    bond,
                )
                .await
                .unwrap();
            }
        };
        let erc20 = erc20_token(&bobs);
        up(carol, Address::ZERO, U256::from(ETH)).await;
        up(bob.address(), erc20, U256::from(400)).await;
        dev.warp(3 * 60).await.unwrap();
        root.process_exits(dev.accounts[0], a_id, Address::ZERO, 10).await.unwrap();
        root.process_exits(dev.accounts[0], a_id, erc20, 10).await.unwrap();
        let root_bond = root.exit_bond().await.unwrap();
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), U256::from(ETH) + root_bond);
        assert_eq!(root.owed(bob.address(), erc20).await.unwrap(), U256::from(400));
        root.withdraw(bob.address(), erc20).await.unwrap();
        let token = MockERC20::new(erc20, dev.provider.clone());
        assert_eq!(
            token.balanceOf(bob.address()).call().await.unwrap(),
            U256::from(400),
            "B's tokens reached Bob's root account"
        );
        let _ = challenger;
    });
    b.stop_all();
    a.stop_all();
}
