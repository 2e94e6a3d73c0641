//! Writes the Solidity test vectors: `cargo run -p plasma-ledger --example gen-vectors`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts/test/vectors");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in plasma_ledger::vectors::rendered() {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
