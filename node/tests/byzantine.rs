//! A validator made to double-sign (fault injection, `byzantine` feature): the honest
//! validators record the equivocation in a block, and agree on everything else.

#![cfg(feature = "byzantine")]

mod common;

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
