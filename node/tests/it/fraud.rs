//! Fraud proven to the root without human help (fault injection, `byzantine` feature, real
//! anvil): three of four validators, three quarters of the power, finalize a block that
//! inflates; the honest validator's watcher proves it; the root rolls the chain back, slashes
//! the signers, rewards the prover and freezes the chain; honest users' pre-fraud funds exit.

use crate::common;

use common::root::*;
use plasma_ledger::{Address, UtxoPos, U256};
use std::time::{Duration, Instant};

const EPOCH: u64 = 4;
const EXIT_PERIOD: u64 = 60;

/// One scenario at a time: each runs four validators and an anvil, and its timing (a grace
/// period, block sources) should not depend on the other's load.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

mod culprits;

/// Four validators under a fresh root: 0, 1 and 2 certify invalid blocks (0 also commits
/// `forger_fault`), 3 is honest and fetches blocks from the others' APIs.
fn byzantine_majority(forger_fault: &str) -> UnderRoot {
    let under = under_root(4, EPOCH, EXIT_PERIOD);
    make_byzantine(&under.cluster, forger_fault);
    under
}

/// Makes validators 0, 1 and 2 of `cluster` certify invalid blocks (0 also commits
/// `forger_fault`); 3 stays honest and fetches blocks from the others' APIs.
fn make_byzantine(cluster: &common::Cluster, forger_fault: &str) {
    let sources: Vec<String> =
        (0..3).map(|i| format!("\"http://127.0.0.1:{}\"", cluster.nodes[i].rpc)).collect();
    let edit = |i: usize, f: &dyn Fn(String) -> String| {
        let config = cluster.nodes[i].home.join("config.toml");
        let toml = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, f(toml)).unwrap();
    };
    // The honest validator fetches blocks from the others: keys of `[parent]`, which is the
    // config's last table or the one before `[parent.plasma]`.
    let sourcing =
        format!("block_sources = [{}]\nwithholding_timeout_ms = 3000\n", sources.join(", "));
    edit(3, &|toml| match toml.find("\n[parent.plasma]") {
        Some(at) => format!("{}\n{sourcing}{}", &toml[..at], &toml[at..]),
        None => toml + &sourcing,
    });
    let fault = format!("\n[byzantine]\ncertify_invalid = true\n{forger_fault} = true\n");
    edit(0, &|toml| toml + &fault);
    edit(1, &|toml| toml + "\n[byzantine]\ncertify_invalid = true\n");
    edit(2, &|toml| toml + "\n[byzantine]\ncertify_invalid = true\n");
}

/// The first block of the node at `rpc` that holds a transaction of `kind` (in these tests,
/// the forged one).
async fn first_block_holding(rpc: u16, kind: plasma_ledger::Kind) -> u64 {
    use plasma_proto::v1::GetBlockRequest;
    let mut node = plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    for height in 1.. {
        let res = node.chain.get_block(GetBlockRequest { height }).await.expect("a forged block");
        let block = plasma_ledger::Block::decode(&res.into_inner().block).unwrap();
        if block.transactions.iter().any(|t| t.transaction.kind == kind as u8) {
            return height;
        }
    }
    unreachable!()
}

/// The kind of the one fraud the root recorded against `chain_id`, proven by `prover`.
async fn proven_kind(root: &plasma_bridge::Root, chain_id: u64, prover: Address) -> u8 {
    let proven = root.frauds_proven(chain_id, 0).await.unwrap();
    assert_eq!(proven.len(), 1, "one fraud proven: {proven:?}");
    assert_eq!(proven[0].2, prover, "proven by the honest validator's watcher");
    proven[0].0
}

/// Waits until honest node 3 reports the freeze, then checks that it raised `invalid_block`
/// and proved the fraud itself.
fn honest_watcher_proved_it(cluster: &common::Cluster) {
    let since = Instant::now();
    while !cluster.nodes[3].all_logs().contains("alert=\"chain_frozen\"") {
        assert!(
            since.elapsed() < Duration::from_secs(20),
            "the honest watcher never saw the freeze"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let logs = cluster.nodes[3].all_logs();
    assert!(logs.contains("alert=\"invalid_block\""), "the honest watcher raised invalid_block");
    assert!(logs.contains("fraud proven to the parent"), "the honest watcher proved it");
    // The blocks were invalid, not withheld: its sources served every one of them.
    assert!(
        !logs.contains("alert=\"block_withholding\""),
        "no withholding: the blocks were served"
    );
}

/// Every byzantine signer lost its stake, the honest validator kept its own, and the prover
/// (the honest validator's operator) was paid part of the slash.
async fn slashed_and_rewarded(
    root: &plasma_bridge::Root,
    chain_id: u64,
    operators: &[Address],
    stake: U256,
) {
    for (i, op) in operators.iter().enumerate() {
        let left = root.contract().stakeOf(chain_id, *op).call().await.unwrap().amount;
        if i < 3 {
            assert_eq!(left, U256::ZERO, "byzantine validator {i} slashed");
        } else {
            assert_eq!(left, stake, "the honest validator keeps its stake");
        }
    }
    let reward = root.owed(operators[3], Address::ZERO).await.unwrap();
    assert!(
        reward > U256::ZERO && reward < stake * U256::from(3),
        "prover rewarded from the slash: {reward}"
    );
}

/// Validator 0 inflates a deposit to its operator; 0, 1, 2 certify it. The honest watcher
/// proves inflation; the root rolls back to that block, slashes the three, pays the prover
/// and freezes the chain; Alice and Carol exit their pre-fraud outputs in priority order
/// under the last valid checkpoint, and the inflated output cannot exit.
#[test]
fn an_inflating_block_certified_by_three_of_four_is_proven_and_the_chain_frozen() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let UnderRoot { rt, dev, root, chain_id, mut cluster } = byzantine_majority("inflate");
    let operators: Vec<Address> = cluster.genesis.validators.iter().map(|v| v.operator).collect();
    let forger = operators[0];
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
        let stake = root.contract().stakeOf(chain_id, forger).call().await.unwrap().amount;

        // A deposit to the forger's operator address: its proposer turn inflates it.
        root.deposit(alice, chain_id, forger, Address::ZERO, U256::from(ETH)).await.unwrap();
        let (rollback, last) = frozen(&root, chain_id).await;
        assert_eq!(proven_kind(&root, chain_id, operators[3]).await, 2, "proven as inflation");

        // The rollback is to the inflating block, which the byzantine nodes committed.
        let inflated = outputs(cluster.nodes[0].rpc, forger).await;
        let minted =
            inflated.iter().find(|o| o.4 == U256::from(ETH) * U256::from(1000)).expect("inflated");
        assert_eq!(rollback, minted.0, "rolled back to the inflating block");
        assert!(rollback > pre, "the pre-fraud checkpoint stays valid");

        slashed_and_rewarded(&root, chain_id, &operators, stake).await;

        // Honest users exit their pre-fraud outputs under the last valid checkpoint; the
        // inflated output cannot exit (its only anchors are void).
        let bond = root.exit_bond().await.unwrap();
        // Alice exits through the root contract directly, Carol with the CLI, which finds the
        // last checkpoint before the rollback on its own.
        let (inclusion, anchor) = exit_evidence(honest, a.0, a.1, pre).await;
        let pos = UtxoPos::new(a.0, a.1, 0);
        root.start_exit(alice, &anchor, &pos, &inclusion, bond).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let wallet = dir.path().join("carol.json");
        let carol_key = dev.user_key(2).unwrap();
        let secret = plasma_ledger::B256::from(carol_key.secret_bytes());
        let json = format!(
            "{{\"secret\": \"{}\", \"address\": \"{carol}\"}}",
            secret.to_string().trim_start_matches("0x")
        );
        std::fs::write(&wallet, json).unwrap();
        let exit = std::process::Command::new(common::plasma())
            .args(["--rpc", &format!("http://127.0.0.1:{honest}"), "exit", "--key"])
            .arg(&wallet)
            .args(["--parent-rpc", &dev.anvil.endpoint(), "--utxo", &format!("{}:{}:0", c.0, c.1)])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&exit.stderr).to_string()
            + &String::from_utf8_lossy(&exit.stdout);
        assert!(exit.status.success(), "plasma exit: {said}");
        let under: u64 = said
            .split("started under checkpoint ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no anchor in: {said}"));
        assert!(under >= pre && under < rollback, "anchored under a valid checkpoint: {said}");
        let void = last;
        let (inclusion, anchor) =
            exit_evidence(cluster.nodes[0].rpc, minted.0, minted.1, void).await;
        let pos = UtxoPos::new(minted.0, minted.1, minted.2);
        let refused = root.start_exit(forger, &anchor, &pos, &inclusion, bond).await;
        assert!(
            format!("{:?}", refused.expect_err("a void anchor")).contains("UnknownAnchor"),
            "the inflated output is refused for its void anchor"
        );

        dev.warp(3 * EXIT_PERIOD).await.unwrap();
        let paid = process_eth_exits(&root, dev.accounts[0], chain_id).await;
        // Priority order: the older output first.
        let first = if (a.0, a.1) < (c.0, c.1) { alice } else { carol };
        assert_eq!(paid.len(), 2, "both honest exits paid: {paid:?}");
        assert_eq!(paid[0], first, "paid in priority order");
        assert_eq!(root.owed(alice, Address::ZERO).await.unwrap(), U256::from(ETH) + bond);
        assert_eq!(root.owed(carol, Address::ZERO).await.unwrap(), U256::from(2 * ETH) + bond);
    });
    honest_watcher_proved_it(&cluster);
    cluster.stop_all();
    assert!(cluster.nodes[0].all_logs().contains("proposing an inflating block"));
}

/// Validator 0 proposes blocks minting a deposit the root never recorded; 0, 1, 2 certify
/// the first. The honest watcher proves the deposit mismatch; the root rolls back to it,
/// slashes the three, pays the prover and freezes the chain.
#[test]
fn a_forged_deposit_certified_by_three_of_four_is_proven_and_the_chain_frozen() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let UnderRoot { rt, dev: _dev, root, chain_id, mut cluster } =
        byzantine_majority("invalid_proposals");
    let operators: Vec<Address> = cluster.genesis.validators.iter().map(|v| v.operator).collect();
    let stake = U256::from(cluster.genesis.validators[0].power * GWEI);
    cluster.start_all();
    rt.block_on(async {
        let (rollback, _) = frozen(&root, chain_id).await;
        assert_eq!(
            proven_kind(&root, chain_id, operators[3]).await,
            4,
            "proven as a deposit mismatch"
        );
        // The rollback is to the first forged block, which the byzantine nodes committed.
        let forged = first_block_holding(cluster.nodes[0].rpc, plasma_ledger::Kind::Deposit).await;
        assert_eq!(rollback, forged, "rolled back to the first forged block");
        slashed_and_rewarded(&root, chain_id, &operators, stake).await;
    });
    honest_watcher_proved_it(&cluster);
    cluster.stop_all();
}

/// The chain hosts a child; validator 0 proposes a checkpoint of it naming a set of one key
/// it holds, certified by that key, and 0, 1, 2 certify the block: the chain's certified
/// history now accepts a checkpoint of the quorum's own, under which an exit of the child's
/// escrow would show a valid acceptance. The honest watcher proves it by what the checkpoint
/// links to (the child's registration, whose set it does not name); the root rolls back to
/// that block, slashes the three, pays the prover and freezes the chain.
#[test]
fn a_child_checkpoint_naming_the_quorums_own_set_is_proven_and_the_chain_frozen() {
    use alloy_sol_types::SolValue;
    use plasma_proto::v1::SubmitTxRequest;
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let UnderRoot { rt, dev: _dev, root, chain_id, mut cluster } =
        byzantine_majority("own_set_checkpoint");
    let operators: Vec<Address> = cluster.genesis.validators.iter().map(|v| v.operator).collect();
    let stake = U256::from(cluster.genesis.validators[0].power * GWEI);
    cluster.start_all();
    cluster.wait_height(&[3], 1, Duration::from_secs(60));
    rt.block_on(async {
        // Anyone registers a child of four validators on the chain.
        let keys: Vec<_> =
            (0..4u8).map(|i| plasma_ledger::bls::BlsSecretKey::from_seed(&[0xc0, i])).collect();
        let members: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (Address::repeat_byte(i as u8 + 1), k, 1))
            .collect();
        let params = plasma_ledger::ChildParams {
            epochLength: 4,
            exitPeriod: 60,
            exitBond: U256::from(ETH / 100),
            minStake: U256::from(plasma_ledger::children::POWER_UNIT),
        };
        let registration = plasma_ledger::build::child_registration(1, params, &members);
        let tx = plasma_ledger::build::register_child_tx(&registration).abi_encode();
        let url = format!("http://127.0.0.1:{}", cluster.nodes[3].rpc);
        let mut node = plasma_proto::Client::connect(url).await.unwrap();
        node.chain.submit_tx(SubmitTxRequest { tx }).await.expect("a registration is taken");

        let (rollback, _) = frozen(&root, chain_id).await;
        assert_eq!(
            proven_kind(&root, chain_id, operators[3]).await,
            plasma_ledger::types::FraudKind::CheckpointSuccession as u8,
            "proven as a checkpoint that cannot follow what it links to"
        );
        let checkpoint = plasma_ledger::Kind::ChildCheckpoint;
        let forged = first_block_holding(cluster.nodes[0].rpc, checkpoint).await;
        assert_eq!(rollback, forged, "rolled back to the block accepting the checkpoint");
        slashed_and_rewarded(&root, chain_id, &operators, stake).await;
    });
    honest_watcher_proved_it(&cluster);
    cluster.stop_all();
    assert!(cluster.nodes[0]
        .all_logs()
        .contains("proposing a child checkpoint naming its own set"));
}
