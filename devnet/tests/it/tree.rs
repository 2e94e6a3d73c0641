//! Two levels under a real anvil, booted by the devnet launcher: the root contract, chain A
//! (4 validators) under it and chain B (4) under A. B is registered on A by a system
//! transaction, follows A as a light client, checkpoints its epochs to A with BLS
//! certificates, and mints what is locked for it on A, which itself came from the root; its
//! funds exit B → A → root.

use crate::common::{boot, topology, Chain, ETH};

use alloy_sol_types::SolValue;
use plasma_bridge::bindings::MockERC20;
use plasma_devnet::harness::{lock_for_child, spend_into, Coin};
use plasma_devnet::Devnet;
use plasma_ledger::build::register_child_tx;
use plasma_ledger::{build, Address, Kind, Output, U256};
use plasma_proto::v1::{GetBlockRequest, SubmitTxRequest};
use std::time::{Duration, Instant};

const EPOCH: u64 = 4;
/// B's exit period: B's watchers must see a spent exit on A and have their challenge in one of
/// A's blocks within it, which a loaded machine can stretch past a few seconds.
const B_EXIT_PERIOD: u64 = 12;
const MINUTE: Duration = Duration::from_secs(60);

fn tree() -> String {
    topology(
        4,
        None,
        &[Chain("A", None, 4, Some(60)), Chain("B", Some("A"), 4, Some(B_EXIT_PERIOD))],
    )
}

/// The hash of block `height` as validator 0 stores it, once it has it (a checkpoint of the
/// block may land on the parent a moment before validator 0 commits it).
async fn block_hash(devnet: &Devnet, chain: usize, height: u64) -> Vec<u8> {
    let mut node = devnet.client(chain, 0).await.unwrap();
    let since = Instant::now();
    loop {
        match node.chain.get_block(GetBlockRequest { height }).await {
            Ok(block) => return block.into_inner().block_hash,
            Err(e) if e.code() == tonic::Code::NotFound && since.elapsed() < MINUTE => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            Err(e) => panic!("block {height}: {e:?}"),
        }
    }
}

fn eth(coins: &[Coin]) -> Coin {
    *coins.iter().find(|c| c.token == Address::ZERO).expect("an ETH coin")
}

#[test]
fn a_grandchild_checkpoints_to_its_plasma_parent_and_its_funds_go_down_and_back_up() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_dir, mut devnet) = boot(&rt, &tree());
    let (a, b) = (devnet.chain("/A").unwrap(), devnet.chain("/A/B").unwrap());
    let a_id = devnet.state.chains[a].chain_id;
    let (a_domain, b_domain) = (devnet.domain(a), devnet.domain(b));
    let registration = devnet.registration(b).unwrap();
    let b_bond = registration.params.exitBond;
    let alice = devnet.user_key(1).unwrap();
    let bob = devnet.user_key(2).unwrap();
    let carol_key = devnet.user_key(3).unwrap();
    let carol = carol_key.address();
    let root = devnet.root.clone();

    // B is stopped while value is locked for it: started again, it must find its deposits
    // in A's history.
    for k in 0..4 {
        devnet.stop_node(b, k).unwrap();
    }
    let (locked_before, erc20) = rt.block_on(async {
        let entry = devnet.child_entry(b).await.unwrap();
        assert_eq!(entry.epoch_length, EPOCH);
        assert_eq!(entry.exit_period, B_EXIT_PERIOD);
        assert_eq!(entry.validators, registration.validators.abi_encode());
        // The same registration again is refused: A names each child once.
        let mut node = devnet.client(a, 0).await.unwrap();
        let again = SubmitTxRequest { tx: register_child_tx(&registration).abi_encode() };
        let refused = node.chain.submit_tx(again).await.unwrap_err();
        assert!(refused.message().contains("already registered"), "{refused:?}");

        // ETH and an ERC-20 go from the root to Alice on A.
        let token = MockERC20::deploy(root.contract().provider().clone()).await.unwrap();
        let erc20 = *token.address();
        let locked_before = (
            root.locked(a_id, Address::ZERO).await.unwrap(),
            root.locked(a_id, erc20).await.unwrap(),
        );
        let a_addr = alice.address();
        let mint = token.mint(a_addr, U256::from(1_000)).from(a_addr);
        mint.send().await.unwrap().get_receipt().await.unwrap();
        let approve = token.approve(root.address(), U256::from(1_000)).from(a_addr);
        approve.send().await.unwrap().get_receipt().await.unwrap();
        root.deposit(a_addr, a_id, a_addr, Address::ZERO, U256::from(5 * ETH)).await.unwrap();
        root.deposit(a_addr, a_id, a_addr, erc20, U256::from(1_000)).await.unwrap();
        let coins = devnet.wait_coins(a, a_addr, 2, MINUTE).await.unwrap();
        let tokens = *coins.iter().find(|c| c.token == erc20).unwrap();

        // Alice locks 2 ETH and 400 tokens for Bob on B (two deposits into B's escrow).
        let into_b = devnet.registered(b).await.unwrap();
        let eth_down = lock_for_child(
            &a_domain,
            &alice,
            &eth(&coins),
            into_b,
            bob.address(),
            U256::from(2 * ETH),
        );
        let erc20_down =
            lock_for_child(&a_domain, &alice, &tokens, into_b, bob.address(), U256::from(400));
        devnet.submit(a, &eth_down).await.unwrap();
        devnet.submit(a, &erc20_down).await.unwrap();
        // A numbers each deposit by where its lock stands.
        let mut nonces = Vec::new();
        for lock in [&eth_down, &erc20_down] {
            let placed = devnet.placed(a, lock.transaction.hash(), MINUTE).await;
            nonces.push(placed.expect("the locks never landed on A").deposit_nonce());
        }
        let next = devnet.child_entry(b).await.unwrap().next_deposit_nonce;
        assert_eq!(next, nonces.iter().max().unwrap() + 1, "A's record follows its last lock");
        (locked_before, erc20)
    });
    devnet.start_chain(b).unwrap();

    rt.block_on(async {
        let bobs = devnet.wait_coins(b, bob.address(), 2, MINUTE).await.unwrap();
        let mut amounts: Vec<_> = bobs.iter().map(|c| (c.token, c.amount)).collect();
        amounts.sort();
        assert_eq!(amounts, [(Address::ZERO, U256::from(2 * ETH)), (erc20, U256::from(400))]);
        let bob_eth = eth(&bobs);
        let tokens = *bobs.iter().find(|c| c.token == erc20).unwrap();

        // A transfer on B.
        let pay = build::transfer(
            &b_domain,
            &[(bob_eth.pos(), &bob)],
            vec![
                Output::new(carol, Address::ZERO, U256::from(ETH)),
                Output::new(bob.address(), Address::ZERO, U256::from(ETH)),
            ],
        );
        devnet.submit(b, &pay).await.unwrap();
        let paid = devnet.wait_coins(b, carol, 1, MINUTE).await.unwrap()[0];

        // B's epochs land on A, each the very block B certified; A's own land on the root.
        let landed = devnet.wait_checkpoint(b, 3 * EPOCH, 2 * MINUTE).await.unwrap();
        assert_eq!(landed % EPOCH, 0, "checkpoints are epoch ends");
        let entry = devnet.child_entry(b).await.unwrap();
        assert_eq!(entry.last_hash, block_hash(&devnet, b, entry.last_height).await);
        devnet.wait_checkpoint(a, 3 * EPOCH, 2 * MINUTE).await.unwrap();

        // ---- up: B → A → root ----------------------------------------------------------
        // Bob and Carol hold a little ETH on A to bond their exits with.
        let tenth = U256::from(ETH / 10);
        for _ in 0..3 {
            root.deposit(bob.address(), a_id, bob.address(), Address::ZERO, tenth).await.unwrap();
        }
        root.deposit(carol, a_id, carol, Address::ZERO, tenth).await.unwrap();
        let mut bob_bonds = devnet.wait_coins(a, bob.address(), 3, MINUTE).await.unwrap();
        let mut carol_bonds = devnet.wait_coins(a, carol, 1, MINUTE).await.unwrap();
        // Each exit is proven under a checkpoint of B that A accepted.
        let anchor = devnet.wait_checkpoint(b, paid.height, MINUTE).await.unwrap();
        let start = |who: plasma_ledger::signing::UserKey, bond: Coin, of: Coin| {
            let (devnet, a_domain) = (&devnet, a_domain.clone());
            async move {
                let payload = devnet.child_exit_start(a, (b, 0), of.pos(), anchor).await.unwrap();
                spend_into(
                    &a_domain,
                    &who,
                    &bond,
                    Kind::StartChildExit,
                    b_bond,
                    payload.abi_encode(),
                )
            }
        };
        // Bob tries to exit the 2 ETH he already paid on B; B's watchers challenge it on A.
        let spent = start(bob.clone(), bob_bonds.remove(0), bob_eth).await;
        devnet.submit(a, &spent).await.unwrap();
        // The honest exits: Carol's 1 ETH, Bob's 1 ETH change and his 400 tokens.
        let change = Coin { output: 1, ..paid };
        let honest = [
            start(carol_key.clone(), carol_bonds.remove(0), paid).await,
            start(bob.clone(), bob_bonds.remove(0), change).await,
            start(bob.clone(), bob_bonds.remove(0), tokens).await,
        ];
        for stx in &honest {
            devnet.submit(a, stx).await.unwrap();
        }
        // The challenge pays the spent exit's bond to one of B's validators, on A.
        let operators: Vec<Address> = registration.validators.iter().map(|v| v.operator).collect();
        let since = Instant::now();
        let challenger = 'found: loop {
            for op in &operators {
                let coins = devnet.coins(a, *op).await.unwrap();
                if coins.iter().any(|c| c.amount == b_bond) {
                    break 'found *op;
                }
            }
            assert!(since.elapsed() < MINUTE, "the spent exit was never challenged");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        // After B's exit period A pays the honest exits, each with its bond back, from B's
        // escrow, which ends empty.
        let since = Instant::now();
        loop {
            let escrow = devnet.child_entry(b).await.unwrap().escrow;
            if escrow.iter().all(|l| U256::from_be_slice(&l.amount).is_zero()) {
                break;
            }
            assert!(since.elapsed() < MINUTE, "B's exits were not paid: {escrow:?}");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        let held = |coins: Vec<Coin>| coins.iter().map(|c| (c.token, c.amount)).collect::<Vec<_>>();
        let carols = held(devnet.coins(a, carol).await.unwrap());
        assert!(carols.contains(&(Address::ZERO, U256::from(ETH))), "{carols:?}");
        assert!(carols.contains(&(Address::ZERO, b_bond)), "Carol's bond came back");
        let bobs = held(devnet.coins(a, bob.address()).await.unwrap());
        assert!(bobs.contains(&(Address::ZERO, U256::from(ETH))), "{bobs:?}");
        assert!(bobs.contains(&(erc20, U256::from(400))), "{bobs:?}");
        assert_eq!(
            bobs.iter().filter(|c| **c == (Address::ZERO, b_bond)).count(),
            2,
            "two bonds back, the challenged one lost"
        );

        // Everything on A goes on to the root: the payouts, the change, the bonds returned and
        // the challenger's reward. A's locked balances on the root end where they started.
        let challenger_key = devnet
            .validator_keys(b)
            .unwrap()
            .into_iter()
            .find(|k| k.operator.address() == challenger)
            .unwrap();
        devnet.fund(challenger, U256::from(ETH)).await.unwrap();
        let challenger_wallet = plasma_bridge::devchain::wallet_provider(
            devnet.state.root.rpc.parse().unwrap(),
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
            for coin in devnet.coins(a, who).await.unwrap() {
                everything.push((who, via, coin));
            }
        }
        let newest = everything.iter().map(|(_, _, c)| c.height).max().unwrap();
        let anchor = devnet.wait_checkpoint(a, newest, 2 * MINUTE).await.unwrap();
        let root_bond = root.exit_bond().await.unwrap();
        for (who, via, coin) in &everything {
            let (inclusion, header) =
                devnet.exit_evidence(a, coin.height, coin.tx_index, anchor).await.unwrap();
            via.start_exit(*who, &header, &coin.pos(), &inclusion, root_bond).await.unwrap();
        }
        devnet.warp(3 * 60).await.unwrap();
        let operator = devnet.operator();
        root.process_exits(operator, a_id, Address::ZERO, 64).await.unwrap();
        root.process_exits(operator, a_id, erc20, 64).await.unwrap();
        assert_eq!(root.locked(a_id, Address::ZERO).await.unwrap(), locked_before.0);
        assert_eq!(root.locked(a_id, erc20).await.unwrap(), locked_before.1);
        let carol_eth: U256 = everything
            .iter()
            .filter(|(who, _, c)| *who == carol && c.token == Address::ZERO)
            .map(|(_, _, c)| c.amount + root_bond)
            .sum();
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), carol_eth);
        assert_eq!(root.owed(bob.address(), erc20).await.unwrap(), U256::from(400));
        root.withdraw(bob.address(), erc20).await.unwrap();
        let token = MockERC20::new(erc20, root.contract().provider().clone());
        assert_eq!(
            token.balanceOf(bob.address()).call().await.unwrap(),
            U256::from(400),
            "B's tokens reached Bob's root account"
        );
    });
}

fn small() -> String {
    topology(4, None, &[Chain("A", None, 1, Some(60)), Chain("B", Some("A"), 1, Some(4))])
}

/// The `plasma` CLI moves value root → A → B in one command and back B → A → root in
/// another, per hop, each resumable from its journal: the deposit is killed once its first
/// hop is on the root, and the rerun finishes it without depositing or locking twice.
#[test]
fn the_cli_deposits_to_a_grandchild_and_exits_back_resuming_after_a_kill() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (dir, devnet) = boot(&rt, &small());
    let (a, b) = (devnet.chain("/A").unwrap(), devnet.chain("/A/B").unwrap());
    let a_id = devnet.state.chains[a].chain_id;
    let root = &devnet.root;
    let bob = devnet.user_key(2).unwrap();
    let wallet = dir.path().join("bob.json");
    let secret = plasma_ledger::B256::from(bob.secret_bytes()).to_string();
    let json = format!(
        "{{\"secret\": \"{}\", \"address\": \"{}\"}}",
        secret.trim_start_matches("0x"),
        bob.address()
    );
    std::fs::write(&wallet, json).unwrap();
    let via = devnet.state.chains[a].nodes[0].url();
    let b_url = devnet.state.chains[b].nodes[0].url();
    let anvil = devnet.state.root.rpc.clone();
    let cli = devnet.options.plasmad.with_file_name("plasma");
    let plasma = |args: &[&str]| {
        let mut c = std::process::Command::new(&cli);
        c.args(["--rpc", &b_url]).args(args);
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
        assert!(since.elapsed() < MINUTE, "the first hop never started: {said}");
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
        assert_eq!(locks_into(&devnet, b).await, 1, "one lock into B");
        let on_b = devnet.coins(b, bob.address()).await.unwrap();
        assert_eq!(on_b.len(), 1);
        assert_eq!(on_b[0].amount, U256::from(ETH));
    });
    // Run again, it has nothing left to do.
    let again = plasma(&deposit).output().unwrap();
    assert!(again.status.success());
    rt.block_on(async {
        assert_eq!(locks_into(&devnet, b).await, 1);
    });

    // Every level at once, and the tree as each node sees it (`--json`, for scripts).
    let json = |rpc: &str, args: &[&str]| -> serde_json::Value {
        let out = std::process::Command::new(&cli)
            .args(["--rpc", rpc, "--json"])
            .args(args)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(&said).unwrap_or_else(|e| panic!("{args:?}: {e}: {said}"))
    };
    let a_url = devnet.state.chains[a].nodes[0].url();
    let b_id = devnet.state.chains[b].chain_id;
    let balance = json(&b_url, &["balance", "--key", w, "--via", &via, "--parent-rpc", &anvil]);
    let levels = balance["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 3, "root, A and B: {balance}");
    assert_eq!(levels[0]["level"], "root");
    assert_eq!(levels[1]["level"], format!("chain {a_id}"));
    assert_eq!(levels[1]["balances"], serde_json::json!({}), "nothing stayed on A: {balance}");
    assert_eq!(levels[2]["level"], format!("chain {b_id}"));
    assert_eq!(levels[2]["balances"]["ETH"], ETH.to_string(), "{balance}");
    // With the devnet's tree file, every chain by its path, without naming any endpoint.
    let tree_file = devnet.options.dir.join(plasma_devnet::state::TREE_FILE);
    let by_tree = json(&b_url, &["--tree", tree_file.to_str().unwrap(), "balance", "--key", w]);
    let named: Vec<&str> = by_tree["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["level"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["root", &format!("/A (chain {a_id})"), &format!("/A/B (chain {b_id})")]);
    assert_eq!(by_tree["levels"][2]["balances"]["ETH"], ETH.to_string(), "{by_tree}");
    let tree = json(&a_url, &["tree"]);
    assert_eq!(tree["parent"]["kind"], "ethereum", "{tree}");
    assert_eq!(tree["children"][0]["chain_id"], b_id, "{tree}");
    assert_eq!(tree["children"][0]["escrow"][0], format!("{ETH} ETH"), "{tree}");
    let tree = json(&b_url, &["tree"]);
    assert_eq!(
        (&tree["parent"]["kind"], &tree["parent"]["chain_id"]),
        (&"plasma".into(), &a_id.into())
    );
    assert_eq!(json(&b_url, &["alerts"]), serde_json::json!({"alerts": []}));
    // The bridge as B's node sees it: A's deposit minted, A's checkpoint of B, and what an
    // exit of Bob's output would be proven with.
    rt.block_on(async {
        use plasma_proto::v1::{CheckpointRequest, DepositsRequest, ExitEvidenceRequest};
        let mut node = plasma_proto::Client::connect(b_url.clone()).await.unwrap();
        let deposits = node.bridge.deposits(DepositsRequest { from_nonce: 0, max: 0 }).await;
        let deposits = deposits.unwrap().into_inner();
        assert_eq!(deposits.deposits.len(), 1);
        // A numbers it by where its lock stands; B minted it.
        assert_eq!(deposits.next_nonce, deposits.deposits[0].nonce + 1);
        assert!(deposits.deposits[0].minted);
        assert_eq!(deposits.deposits[0].recipient, bob.address().to_vec());
        let coin = devnet.coins(b, bob.address()).await.unwrap()[0];
        devnet.wait_checkpoint(b, coin.height, MINUTE).await.unwrap();
        let evidence = node
            .bridge
            .exit_evidence(ExitEvidenceRequest { height: coin.height, tx_index: coin.tx_index })
            .await
            .unwrap()
            .into_inner();
        let anchor = plasma_ledger::BlockHeader::abi_decode(&evidence.anchor).unwrap();
        let latest = node.bridge.checkpoint(CheckpointRequest { height: 0 }).await.unwrap();
        let latest = plasma_ledger::BlockHeader::abi_decode(&latest.into_inner().header).unwrap();
        assert_eq!(anchor.chainId, b_id);
        assert!(anchor.height >= coin.height && anchor.height <= latest.height);
        let inclusion = plasma_ledger::TxInclusion::abi_decode(&evidence.inclusion).unwrap();
        plasma_ledger::exit::verify_inclusion(
            b_id,
            &anchor,
            &inclusion,
            coin.height,
            coin.tx_index,
        )
        .expect("the evidence proves Bob's output under the parent's checkpoint");
        let beyond = ExitEvidenceRequest { height: latest.height + 1_000, tx_index: 0 };
        let e = node.bridge.exit_evidence(beyond).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::FailedPrecondition, "{e:?}");
    });

    // Back up: Bob keeps a little ETH on A for the exit bond.
    let coin = rt.block_on(devnet.coins(b, bob.address())).unwrap()[0];
    rt.block_on(async {
        let tenth = U256::from(ETH / 10);
        root.deposit(bob.address(), a_id, bob.address(), Address::ZERO, tenth).await.unwrap();
        devnet.wait_coins(a, bob.address(), 1, MINUTE).await.unwrap();
    });
    let utxo = format!("{}:{}:0", coin.height, coin.tx_index);
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
    // A's node lists the exit on the root, judged honest (the output is unspent on A).
    let since = Instant::now();
    let exits = loop {
        let exits = json(&a_url, &["exits"]);
        if !exits["exits"].as_array().unwrap().is_empty() || since.elapsed() > MINUTE {
            break exits;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let listed = exits["exits"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{exits}");
    let owner = listed[0]["owner"].as_str().unwrap().to_lowercase();
    assert_eq!(owner, bob.address().to_string().to_lowercase(), "{exits}");
    assert_eq!(
        (&listed[0]["verdict"], &listed[0]["amount"]),
        (&"honest".into(), &ETH.to_string().into())
    );
    // `withdraw` on A pays the matured exits and withdraws: nothing before the period ...
    let withdraw = || {
        let out = std::process::Command::new(&cli)
            .args(["--rpc", &a_url, "withdraw", "--key", w, "--parent-rpc", &anvil])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{said}");
        said
    };
    let early = withdraw();
    assert!(early.contains("nothing has matured yet"), "{early}");
    // ... and B's ether, with the root's bond back, after it.
    let (root_bond, balance_before) = rt.block_on(async {
        use alloy::providers::Provider;
        devnet.warp(3 * 60).await.unwrap();
        let balance = root.contract().provider().get_balance(bob.address()).await.unwrap();
        (root.exit_bond().await.unwrap(), balance)
    });
    let said = withdraw();
    let expected = U256::from(ETH) + root_bond;
    assert!(said.contains(&format!("withdrew {expected} ETH")), "{said}");
    rt.block_on(async {
        use alloy::providers::Provider;
        let balance = root.contract().provider().get_balance(bob.address()).await.unwrap();
        let gas = U256::from(ETH / 100);
        assert!(balance + gas > balance_before + expected, "Bob's root account received it");
        assert!(balance <= balance_before + expected, "and no more (gas paid)");
        assert_eq!(root.owed(bob.address(), Address::ZERO).await.unwrap(), U256::ZERO);
    });
}

/// How many deposits into chain `child` its parent recorded, as `child`'s node reads them.
async fn locks_into(devnet: &Devnet, child: usize) -> usize {
    let request = plasma_proto::v1::DepositsRequest { from_nonce: 0, max: 0 };
    let mut node = devnet.client(child, 0).await.unwrap();
    node.bridge.deposits(request).await.unwrap().into_inner().deposits.len()
}
