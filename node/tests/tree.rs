//! Two levels under a real anvil: the root contract, chain A under it and chain B under A.
//! B is registered on A by a system transaction, follows A as a light client, checkpoints
//! its epochs to A with BLS certificates, and mints what is locked for it on A, which itself
//! came from the root.

mod common;

use alloy_sol_types::SolValue;
use common::root::*;
use common::Cluster;
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
    let mut node = NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    node.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await.unwrap();
}

async fn block_hash(rpc: u16, height: u64) -> Vec<u8> {
    let mut node = NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    node.get_block(GetBlockRequest { height }).await.unwrap().into_inner().block_hash
}

#[test]
fn a_grandchild_checkpoints_to_its_plasma_parent_and_mints_what_was_locked_for_it() {
    const EPOCH: u64 = 4;
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
                params: ChildParams { epochLength: EPOCH, exitPeriod: 60 },
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
    let carol = Address::repeat_byte(0xca);
    rt.block_on(async {
        use plasma_bridge::bindings::MockERC20;
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
    });
    b.stop_all();
    a.stop_all();
}
