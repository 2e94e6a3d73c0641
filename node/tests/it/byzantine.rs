//! Byzantine validators (fault injection, `byzantine` feature):
//! * one made to double-sign: the honest validators record the equivocation in a block, and
//!   agree on everything else;
//! * one that proposes invalid blocks (minting a deposit the parent never recorded): the
//!   honest validators refuse every one of them, and the chain goes on without them.
//! * one that proposes valid blocks passing over every deposit to come: the honest
//!   validators vote against every one of them (it would take a quorum).

use crate::common;

use common::Cluster;
use std::time::Duration;

#[test]
fn a_double_signing_validator_is_recorded_as_evidence() {
    let mut cluster = Cluster::new(4, &[]);
    let config = cluster.nodes[3].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[byzantine]\nequivocate_votes = { mode = \"always\" }\n");
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2], 6, Duration::from_secs(90));
    cluster.stop_all();
    let byzantine = cluster.genesis.validators[3].operator;
    let store = cluster.nodes[0].store();
    let top = store.head().height;
    let recorded: Vec<(u64, u64)> = (1..=top)
        .flat_map(|h| store.evidence(h).unwrap().into_iter().map(move |(who, at)| (h, who, at)))
        .filter(|(_, who, _)| *who == byzantine)
        .map(|(h, _, at)| (h, at))
        .collect();
    assert!(!recorded.is_empty(), "no evidence against {byzantine} in blocks 1..={top}");
    for (block, votes_at) in &recorded {
        assert!(votes_at < block, "evidence of height {votes_at} recorded in block {block}");
    }
    drop(store);
    // Honest validators agree on the chain they built meanwhile.
    let common = top.min(cluster.nodes[1].store().head().height);
    let hashes = |i: usize| -> Vec<_> {
        cluster.chain(i, common).iter().map(|(b, _)| b.header.hash()).collect()
    };
    assert_eq!(hashes(0), hashes(1));
}

#[test]
fn invalid_proposals_are_refused_and_the_chain_goes_on() {
    let mut cluster = Cluster::new(4, &[]);
    let config = cluster.nodes[3].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[byzantine]\ninvalid_proposals = true\n");
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    // Proposers rotate by power: in 12 heights the byzantine one has its turns.
    cluster.wait_height(&[0, 1, 2], 12, Duration::from_secs(120));
    cluster.stop_all();

    let forger = cluster.genesis.validators[3].operator;
    let forged = cluster.nodes[3].all_logs().matches("proposing an invalid block").count();
    assert!(forged > 0, "the byzantine validator never had a turn to propose");
    // The forged block mints a deposit the parent never recorded, which no node can tell from
    // one the parent has not shown it yet: each honest node holds the block back unjudged
    // (never accepting it), saying why, and the chain goes on without it.
    for i in 0..3 {
        let logs = cluster.nodes[i].all_logs();
        assert!(
            logs.contains("cannot judge the proposal yet")
                && logs.contains("is not known final on the parent"),
            "honest node {i} did not hold back the forged block with a reason"
        );
    }
    let top = (0..3).map(|i| cluster.nodes[i].store().head().height).min().unwrap();
    let chains: Vec<_> = (0..3).map(|i| cluster.chain(i, top)).collect();
    // Same blocks; the same certificates below the top (the top one is each node's own quorum
    // until the next block carries the chain's).
    let below_top = |c: &[(plasma_ledger::Block, plasma_ledger::CommitCertificate)]| {
        let blocks: Vec<_> = c.iter().map(|(b, _)| b.clone()).collect();
        let certs: Vec<_> = c[..c.len() - 1].iter().map(|(_, cert)| cert.clone()).collect();
        (blocks, certs)
    };
    for c in &chains[1..] {
        assert!(below_top(c) == below_top(&chains[0]), "honest validators disagree");
    }
    for (block, _) in &chains[0] {
        assert_ne!(block.header.proposer, forger, "a forged block was committed");
        let minted: Vec<_> = block
            .transactions
            .iter()
            .filter(|t| t.transaction.outputs.iter().any(|o| o.owner == forger))
            .collect();
        assert!(minted.is_empty(), "value minted to the forger at {}", block.header.height);
    }
}

#[test]
fn a_proposal_passing_over_every_deposit_to_come_is_voted_down() {
    let mut cluster = Cluster::new(4, &[]);
    let config = cluster.nodes[3].home.join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[byzantine]\npass_over_deposits = true\n");
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2], 12, Duration::from_secs(120));
    cluster.stop_all();

    let proposed = cluster.nodes[3].all_logs().matches("proposing a block passing over").count();
    assert!(proposed > 0, "the byzantine validator never had a turn to propose");
    // The block is valid, and a quorum could commit it; three honest validators of four
    // did not: every deposit to come can still be minted.
    let top = (0..3).map(|i| cluster.nodes[i].store().head().height).min().unwrap();
    for (block, _) in cluster.chain(0, top) {
        let range = (block.header.depositNonceStart, block.header.depositNonceEnd);
        assert_eq!(range, (0, 0), "block {} passes over deposits", block.header.height);
    }
    for i in 0..3 {
        assert!(
            cluster.nodes[i].all_logs().contains("the proposal passes over deposits"),
            "honest node {i} did not vote against the proposal with a reason"
        );
    }
}
