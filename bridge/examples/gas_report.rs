//! Gas of the root contracts, read from real transaction receipts on a local anvil.
//!
//! ```text
//! cargo run --release -p plasma-bridge --example gas_report
//! ```
//!
//! One line per measurement (`<call> <parameters> gasUsed=<whole transaction>`), then the
//! targets checked. Every figure is a receipt's `gasUsed`: intrinsic gas and calldata
//! included.

use alloy::primitives::{Address, U256};
use plasma_bridge::bindings::MockERC20;
use plasma_bridge::devchain::Devchain;
use plasma_bridge::{ChainParams, Root};
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::build::{deposit_transaction, transfer};
use plasma_ledger::certificate::{certify, ValidatorSet};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::testkit::TestChain;
use plasma_ledger::{DepositRecord, Output, UtxoPos};
use std::error::Error;

type Res<T> = Result<T, Box<dyn Error>>;

const SET_SIZES: [usize; 4] = [4, 16, 64, 100];
const USERS: usize = 24;
/// Mallory's transactions go to anvil's pool this many at a time, then are mined.
const CHUNK: usize = 500;

struct Report {
    worst_checkpoint_all_signing: u64,
    worst_start_exit: u64,
    worst_process_per_exit: u64,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Res<()> {
    let accounts = 1 + USERS + SET_SIZES.iter().sum::<usize>();
    let dev = Devchain::start(u16::try_from(accounts)?)?;
    let admin = dev.accounts[0];
    let users = &dev.accounts[1..=USERS];
    let mut operators = dev.accounts[1 + USERS..].iter().copied();
    let bond = U256::from(10u64).pow(U256::from(17));
    let (root, _) = Root::deploy(dev.provider.clone(), bond, bond / U256::from(10)).await?;
    println!("# root contracts on anvil {}, receipts' gasUsed", anvil_version());
    let mut report =
        Report { worst_checkpoint_all_signing: 0, worst_start_exit: 0, worst_process_per_exit: 0 };

    let mut first_chain = None;
    let mut last_ops = Vec::new();
    for n in SET_SIZES {
        let ops: Vec<Address> = operators.by_ref().take(n).collect();
        last_ops.clone_from(&ops);
        let (chain_id, set, keys) = chain_with_validators(&root, admin, &ops).await?;
        let domain = SigningDomain::new(chain_id, 31337, root.address());
        let mut chain = TestChain::with_domain(domain.clone(), set.hash());
        let absent_counts: Vec<usize> = [0, 1, n / 10, (n - 1) / 3]
            .into_iter()
            .filter(|k| *k < n)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for absent in absent_counts {
            chain.commit(vec![]);
            let header = chain.tip().clone();
            let signers: Vec<_> = keys.iter().enumerate().skip(absent).collect();
            let cert =
                certify(&set, &signers, chain.domain.votes(), &header, 0).ok_or("certificate")?;
            let r = root.submit_checkpoint(admin, &header, &cert).await?;
            println!("submitCheckpoint validators={n} nonSigners={absent} gasUsed={}", r.gas_used);
            if absent == 0 {
                report.worst_checkpoint_all_signing =
                    report.worst_checkpoint_all_signing.max(r.gas_used);
            }
        }
        if first_chain.is_none() {
            first_chain = Some((chain_id, set, keys, chain));
        }
    }
    let (chain_id, set, keys, mut chain) = first_chain.expect("at least one set size");

    // Deposits.
    let token = MockERC20::deploy(dev.provider.clone()).await?;
    let mut records: Vec<DepositRecord> = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let (record, r) =
            root.deposit(*user, chain_id, *user, Address::ZERO, U256::from(1_000_000 + i)).await?;
        if i < 2 {
            println!("deposit token=ETH nth={} gasUsed={}", i + 1, r.gas_used);
        }
        records.push(record);
    }
    for (i, &user) in users[..2].iter().enumerate() {
        token.mint(user, U256::from(1_000)).from(user).send().await?.get_receipt().await?;
        token
            .approve(root.address(), U256::from(1_000))
            .from(user)
            .send()
            .await?
            .get_receipt()
            .await?;
        let (_, r) =
            root.deposit(user, chain_id, user, *token.address(), U256::from(1_000)).await?;
        println!("deposit token=ERC20 nth={} gasUsed={}", i + 1, r.gas_used);
    }

    // Standard exits: the first two users' deposits are minted and each pays itself into two
    // outputs; the block is checkpointed.
    let user_keys: Vec<UserKey> =
        (1..=2).map(|i| dev.user_key(i).expect("anvil account")).collect();
    for record in &records[..2] {
        chain.add_parent_deposit(record.clone());
    }
    let start = chain.state.next_deposit_nonce;
    let mints: Vec<_> = records[start as usize..2].iter().map(deposit_transaction).collect();
    chain.commit(mints);
    let minted_height = chain.tip().height;
    let splits: Vec<_> = (0..2)
        .map(|i| {
            let half = U256::from(500_000);
            transfer(
                &chain.domain,
                &[(UtxoPos::new(minted_height, i as u32, 0), &user_keys[i])],
                vec![
                    Output::new(users[i], Address::ZERO, half),
                    Output::new(users[i], Address::ZERO, records[i].amount - half),
                ],
            )
        })
        .collect();
    chain.commit(splits);
    let anchor = chain.tip().clone();
    let all: Vec<_> = keys.iter().enumerate().collect();
    root.submit_checkpoint(
        admin,
        &anchor,
        &certify(&set, &all, chain.domain.votes(), &anchor, 0).ok_or("certificate")?,
    )
    .await?;
    let queue_len = |n: usize| if n == 0 { "empty" } else { "nonEmpty" };
    let mut started = 0;
    let mut challenged_key = U256::ZERO;
    for (i, user) in users[..2].iter().enumerate() {
        for out in 0..2u8 {
            let pos = UtxoPos::new(anchor.height, i as u32, out);
            let r = root
                .start_exit(*user, &anchor, &pos, &chain.inclusion(anchor.height, i as u32), bond)
                .await?;
            if (i, out) == (0, 1) {
                challenged_key = plasma_bridge::exit_started(&r)?.queueKey;
            }
            println!("startExit queue={} gasUsed={}", queue_len(started), r.gas_used);
            report.worst_start_exit = report.worst_start_exit.max(r.gas_used);
            started += 1;
        }
    }
    // Exits from the root's deposit records, for the remaining users.
    for (i, record) in records.iter().enumerate().skip(2) {
        let r = root.start_deposit_exit(users[i], record, bond).await?;
        if i == 2 {
            println!("startDepositExit queue=nonEmpty gasUsed={}", r.gas_used);
        }
        started += 1;
    }

    // A challenge: user 0 signs away an output it is exiting.
    let spend = transfer(
        &chain.domain,
        &[(UtxoPos::new(anchor.height, 0, 1), &user_keys[0])],
        vec![Output::new(users[1], Address::ZERO, U256::from(1))],
    );
    let r = root.challenge_exit(users[5], chain_id, challenged_key, &spend, 0).await?;
    println!("challengeExit gasUsed={}", r.gas_used);

    // Processing: one exit alone, then the rest in one call (each owner credited for the
    // first time: the costly case).
    dev.warp(3 * 3_600).await?;
    let r = root.process_exits(admin, chain_id, Address::ZERO, 1).await?;
    println!("processExits exits=1 gasUsed={}", r.gas_used);
    let rest = (started - 1) as u64;
    let r = root.process_exits(admin, chain_id, Address::ZERO, rest).await?;
    let per = r.gas_used / rest;
    println!("processExits exits={rest} (1 challenged) gasUsed={} perExit={per}", r.gas_used);
    report.worst_process_per_exit = per;
    let r = root.withdraw(users[3], Address::ZERO).await?;
    println!("withdraw token=ETH gasUsed={}", r.gas_used);

    // A deep queue: 100 exits of distinct owners, processed ten at a time.
    let bulk = last_ops.len();
    for (i, who) in last_ops.iter().enumerate() {
        let (record, _) =
            root.deposit(*who, chain_id, *who, Address::ZERO, U256::from(1 + i)).await?;
        root.start_deposit_exit(*who, &record, bond).await?;
    }
    dev.warp(3 * 3_600).await?;
    let mut batch_worst = 0;
    for batch in 0..bulk / 10 {
        let r = root.process_exits(admin, chain_id, Address::ZERO, 10).await?;
        let per = r.gas_used / 10;
        batch_worst = batch_worst.max(per);
        if batch == 0 || batch == bulk / 10 - 1 {
            println!(
                "processExits queue={} exits=10 gasUsed={} perExit={per}",
                bulk - batch * 10,
                r.gas_used
            );
        }
    }
    report.worst_process_per_exit = report.worst_process_per_exit.max(batch_worst);

    // An honest exit behind a flood: Mallory queues dust exits of old deposits and keeps the
    // tail above them with one of a fresh deposit; Alice's exit sorts between.
    let (mallory, alice) = (users[6], users[7]);
    for dust in [10, 10_000] {
        let gas = start_behind(&root, &dev, chain_id, dust, (mallory, alice), bond).await?;
        println!("startDepositExit queuedAhead={dust} gasUsed={gas}");
        report.worst_start_exit = report.worst_start_exit.max(gas);
        dev.warp(3 * 3_600).await?;
        for _ in 0..(dust + 2).div_ceil(500) {
            root.process_exits(admin, chain_id, Address::ZERO, 500).await?;
        }
    }

    println!("# targets");
    check(
        "submitCheckpoint, every set size, all signing",
        report.worst_checkpoint_all_signing,
        200_000,
    );
    check("startExit", report.worst_start_exit, 150_000);
    check("processExits per exit", report.worst_process_per_exit, 60_000);
    Ok(())
}

/// The gas of Alice's exit of an old deposit started behind `dust` exits of Mallory's old
/// deposits, with one of Mallory's fresh deposits at the tail above hers (the bridge reads the
/// root's hint, as a wallet would). Mallory's transactions are sent to anvil's pool with
/// automine off and mined in full blocks, then checked.
async fn start_behind(
    root: &Root,
    dev: &Devchain,
    chain_id: u64,
    dust: usize,
    (mallory, alice): (Address, Address),
    bond: U256,
) -> Res<u64> {
    let amount = U256::from(1_000);
    let first = root.contract().chain(chain_id).call().await?.depositCount;
    for chunk in (0..dust).collect::<Vec<_>>().chunks(CHUNK) {
        automine(dev, false).await?;
        let mut pending = Vec::with_capacity(chunk.len());
        for _ in chunk {
            let call = root.contract().deposit(chain_id, mallory, Address::ZERO, amount);
            pending.push(call.from(mallory).value(amount).send().await?);
        }
        mined(dev, pending).await?;
    }
    let (hers, _) = root
        .deposit(alice, chain_id, alice, Address::ZERO, U256::from(10u64).pow(U256::from(18)))
        .await?;
    dev.warp(3_600 + 1).await?;
    let nonces: Vec<u64> = (first..first + dust as u64).collect();
    for chunk in nonces.chunks(CHUNK) {
        automine(dev, false).await?;
        let mut pending = Vec::with_capacity(chunk.len());
        for &nonce in chunk {
            let record = DepositRecord {
                chainId: chain_id,
                nonce,
                depositor: mallory,
                recipient: mallory,
                token: Address::ZERO,
                amount,
            };
            let call =
                root.contract().startDepositExit(plasma_bridge::convert(&record), U256::ZERO);
            pending.push(call.from(mallory).value(bond).send().await?);
        }
        mined(dev, pending).await?;
    }
    let (fresh, _) = root.deposit(mallory, chain_id, mallory, Address::ZERO, amount).await?;
    root.start_deposit_exit(mallory, &fresh, bond).await?;
    dev.warp(1).await?;
    Ok(root.start_deposit_exit(alice, &hers, bond).await?.gas_used)
}

/// Mines every transaction of `pending` (sent with automine off) in full blocks, turns
/// automine back on, and checks none reverted.
async fn mined<N: alloy::network::Network>(
    dev: &Devchain,
    pending: Vec<alloy::providers::PendingTransactionBuilder<N>>,
) -> Res<()> {
    use alloy::providers::Provider;
    loop {
        let pool: serde_json::Value = dev.provider.raw_request("txpool_status".into(), ()).await?;
        if pool["pending"].as_str().is_none_or(|n| n == "0x0") {
            break;
        }
        let _: serde_json::Value = dev.provider.raw_request("evm_mine".into(), ()).await?;
    }
    automine(dev, true).await?;
    // Read, not watched: a watch sees only blocks mined after it starts.
    for tx in pending {
        let receipt = dev.provider.get_transaction_receipt(*tx.tx_hash()).await?;
        if !receipt.is_some_and(|r| r.status()) {
            return Err("one of Mallory's transactions was not mined or reverted".into());
        }
    }
    Ok(())
}

async fn automine(dev: &Devchain, on: bool) -> Res<()> {
    use alloy::providers::Provider;
    let _: serde_json::Value = dev.provider.raw_request("evm_setAutomine".into(), (on,)).await?;
    Ok(())
}

fn check(what: &str, measured: u64, target: u64) {
    let verdict = if measured <= target { "ok" } else { "OVER" };
    println!("{verdict}: {what}: worst {measured} <= {target}");
}

/// Registers a chain, bonds one BLS validator per operator, activates the set.
async fn chain_with_validators(
    root: &Root,
    admin: Address,
    operators: &[Address],
) -> Res<(u64, ValidatorSet, Vec<BlsSecretKey>)> {
    let params = ChainParams {
        epoch_length: 1_000,
        exit_period: 3_600,
        min_stake: 1_000_000_000,
        max_validators: 256,
    };
    let (chain_id, _) = root.register_chain(admin, params).await?;
    let keys: Vec<BlsSecretKey> = operators
        .iter()
        .map(|op| BlsSecretKey::from_seed(format!("gas-report-{op}").as_bytes()))
        .collect();
    let stake = U256::from(32u64) * U256::from(10u64).pow(U256::from(18));
    for (op, key) in operators.iter().zip(&keys) {
        root.bond(*op, chain_id, key, stake).await?;
    }
    let (config, r) = root.propose_genesis(admin, chain_id, operators.to_vec()).await?;
    println!("proposeGenesis validators={} gasUsed={}", operators.len(), r.gas_used);
    let set = ValidatorSet::new(root.validators(chain_id, config).await?)?;
    Ok((chain_id, set, keys))
}

fn anvil_version() -> String {
    std::process::Command::new(plasma_bridge::devchain::anvil_binary())
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "(version unknown)".into())
}
