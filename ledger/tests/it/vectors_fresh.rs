//! The committed Solidity test vectors are exactly what the ledger computes today.

#[test]
fn committed_vectors_match_the_ledger() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/test/vectors");
    for (name, text) in plasma_ledger::vectors::rendered() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == text,
            "contracts/test/vectors/{name} is stale: run `cargo run -p plasma-ledger --example gen-vectors`"
        );
    }
}
