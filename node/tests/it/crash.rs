//! Crash safety: a writer killed with SIGKILL at random moments, over and over, always leaves
//! a store equal to a state the ledger reaches after a whole number of blocks — never half a
//! block — and never loses a block it reported committed.
//!
//! The writer is this test binary re-run as a child process (`crash_writer`, ignored in
//! normal runs). It derives every block from the state alone ([`Workload`]), so the parent
//! can replay the same chain in memory and compare.

use plasma_ledger::block::build_block;
use plasma_ledger::testkit::{self, Workload};
use plasma_ledger::view::MemoryLedger;
use plasma_node::{Store, StoreConfig};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

const DIR_VAR: &str = "PLASMA_CRASH_DIR";
const USERS: usize = 7;
const DEPOSITS: u64 = 4;
const TRANSFERS: usize = 400;

/// The next block from `state`: records its deposits into `record`, returns it judged.
fn next(
    state: &MemoryLedger,
    work: &Workload,
    mut record: impl FnMut(&plasma_ledger::DepositRecord),
) -> (plasma_ledger::Block, plasma_ledger::StateDelta, MemoryLedger) {
    let d = testkit::domain();
    let mut view = state.clone();
    let records = work.deposits(state, d.chain_id, DEPOSITS);
    for r in &records {
        record(r);
        view.parent_deposits.insert(r.nonce, r.clone());
    }
    let txs = work.block_txs(&d, &view, &records, TRANSFERS);
    let (block, delta) = build_block(&d, &view, txs, &Workload::params(state.head.height + 1))
        .expect("workload is valid");
    (block, delta, view)
}

/// Deposits the parent recorded ahead of the chain are the bridge's, not the block's.
fn committed_part(mut m: MemoryLedger) -> MemoryLedger {
    let next = m.next_deposit_nonce;
    m.parent_deposits.retain(|n, _| *n < next);
    m
}

#[test]
#[ignore = "child process of kill_9_mid_commit_never_leaves_half_a_block"]
fn crash_writer() {
    let Ok(dir) = std::env::var(DIR_VAR) else { return };
    let work = Workload::new(USERS);
    let mut store = Store::open(&dir, &StoreConfig::default()).unwrap();
    let mut state = store.snapshot().unwrap();
    loop {
        let (block, delta, view) = next(&state, &work, |r| store.record_parent_deposit(r).unwrap());
        let judged = store.apply_block(&testkit::domain(), &block).unwrap().unwrap();
        assert_eq!(judged, delta);
        store.commit(&block, &judged).unwrap();
        state = view;
        state.apply(&delta);
        println!("committed {}", delta.head.height);
    }
}

fn jitter(max_ms: u64) -> Duration {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().subsec_nanos();
    Duration::from_micros(u64::from(nanos) % (max_ms * 1000))
}

#[test]
fn kill_9_mid_commit_never_leaves_half_a_block() {
    let dir = tempfile::tempdir().unwrap();
    let work = Workload::new(USERS);
    let mut states = vec![MemoryLedger::default()];
    let rounds: usize =
        std::env::var("CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let mut landed_mid_write = 0;
    for round in 0..rounds {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "crash::crash_writer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DIR_VAR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Let it commit at least one block, then kill it at a random moment of the next ones.
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut acknowledged = 0u64;
        for line in lines.by_ref() {
            if let Some(h) = line.unwrap().strip_prefix("committed ") {
                acknowledged = h.parse().unwrap();
                break;
            }
        }
        std::thread::sleep(jitter(120));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for line in lines.map_while(Result::ok) {
            if let Some(h) = line.strip_prefix("committed ") {
                acknowledged = h.parse().unwrap();
            }
        }

        let store = Store::open(dir.path(), &StoreConfig::default()).unwrap();
        let found = committed_part(store.snapshot().unwrap());
        let height = found.head.height;
        assert!(
            height >= acknowledged,
            "round {round}: block {acknowledged} was reported committed, store is at {height}"
        );
        while states.len() <= height as usize {
            let last = states.last().unwrap();
            let (_, delta, mut view) = next(last, &work, |_| ());
            view.apply(&delta);
            states.push(view);
        }
        assert_eq!(
            found,
            committed_part(states[height as usize].clone()),
            "round {round}: store is not the state after block {height}"
        );
        if height > acknowledged {
            landed_mid_write += 1; // killed after the batch was written, before it was reported
        }
    }
    eprintln!(
        "{rounds} kills, {} blocks, {landed_mid_write} between write and report",
        states.len() - 1
    );
}
