//! The contracts bound what the ledger bounds with the ledger's numbers: how far a checkpoint
//! may jump (`plasma_ledger::registration::MAX_CHECKPOINT_GAP`, which `RootStorage` enforces
//! on checkpoints and `FormVerifier` on a plasma parent's registrations) and how many
//! validators a child registers with (`MAX_CHILD_VALIDATORS`), so that the root and a plasma
//! parent accept the same, or this test fails.

use plasma_ledger::registration::{MAX_CHECKPOINT_GAP, MAX_CHILD_VALIDATORS};

/// The value of Solidity's `uint… internal constant {name} = …;` in `source`, written as a
/// decimal or as `a << b`.
fn declared(source: &str, name: &str) -> Option<u64> {
    let start = format!(" internal constant {name} = ");
    let rest = &source[source.find(&start)? + start.len()..];
    let value = rest[..rest.find(';')?].replace('_', "");
    match value.split_once("<<") {
        Some((a, b)) => Some(a.trim().parse::<u64>().ok()? << b.trim().parse::<u32>().ok()?),
        None => value.trim().parse().ok(),
    }
}

fn contract(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/src")
        .join(format!("{name}.sol"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}.sol: {e}"))
}

#[test]
fn the_contracts_bounds_are_the_ledgers() {
    for file in ["RootStorage", "FormVerifier"] {
        assert_eq!(
            declared(&contract(file), "MAX_CHECKPOINT_GAP"),
            Some(MAX_CHECKPOINT_GAP),
            "{file}.sol must declare MAX_CHECKPOINT_GAP as the ledger's {MAX_CHECKPOINT_GAP}"
        );
    }
    assert_eq!(
        declared(&contract("FormVerifier"), "MAX_CHILD_VALIDATORS"),
        Some(MAX_CHILD_VALIDATORS as u64),
        "FormVerifier.sol must declare MAX_CHILD_VALIDATORS as the ledger's"
    );
}
