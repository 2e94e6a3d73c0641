//! The root contract bounds how far a checkpoint may jump with the ledger's number
//! (`plasma_ledger::children::MAX_CHECKPOINT_GAP`), so that the root and a plasma parent accept
//! the same checkpoints, or this test fails.

use plasma_ledger::children::MAX_CHECKPOINT_GAP;

/// The value of Solidity's `uint64 internal constant {name} = …;` in `source`, written as a
/// decimal or as `a << b`.
fn declared(source: &str, name: &str) -> Option<u64> {
    let start = format!("uint64 internal constant {name} = ");
    let rest = &source[source.find(&start)? + start.len()..];
    let value = rest[..rest.find(';')?].replace('_', "");
    match value.split_once("<<") {
        Some((a, b)) => Some(a.trim().parse::<u64>().ok()? << b.trim().parse::<u32>().ok()?),
        None => value.trim().parse().ok(),
    }
}

#[test]
fn the_roots_checkpoint_gap_is_the_ledgers() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/src/RootStorage.sol");
    let source = std::fs::read_to_string(&path).expect("RootStorage.sol");
    assert_eq!(
        declared(&source, "MAX_CHECKPOINT_GAP"),
        Some(MAX_CHECKPOINT_GAP),
        "RootStorage.sol must declare MAX_CHECKPOINT_GAP as the ledger's {MAX_CHECKPOINT_GAP}"
    );
}
