//! The `plasma` CLI against a running one-validator chain: keys, status, balance, send, and
//! readable errors (exit status 1, one line saying what is wrong) for what users get wrong.

use crate::common::{self, Cluster};
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

const BOB: &str = "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";

fn plasma(rpc: Option<u16>, args: &[&str]) -> Output {
    let mut cmd = Command::new(common::plasma());
    if let Some(port) = rpc {
        cmd.args(["--rpc", &format!("http://127.0.0.1:{port}")]);
    }
    cmd.args(args).env_remove("PLASMA_RPC").output().expect("plasma runs")
}

fn ok(out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "plasma failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The command failed, and said `why` on stderr.
fn fails(out: Output, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure ({why}), got success");
    assert!(stderr.contains(why), "stderr does not say {why:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "the CLI panicked:\n{stderr}");
}

#[test]
fn keys_are_written_once_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("w.json");
    let w = wallet.to_str().unwrap();
    let address = ok(plasma(None, &["keys", "user", "--out", w]));
    assert!(address.trim().starts_with("0x") && address.trim().len() == 42, "{address}");
    let before = std::fs::read(&wallet).unwrap();
    fails(plasma(None, &["keys", "user", "--out", w]), "refusing to overwrite");
    assert_eq!(std::fs::read(&wallet).unwrap(), before, "the wallet was touched");

    let v = dir.path().join("validator");
    std::fs::create_dir(&v).unwrap();
    let shown = ok(plasma(None, &["keys", "new", "--out", v.to_str().unwrap()]));
    for line in ["operator", "bls pubkey", "peer id"] {
        assert!(shown.contains(line), "{shown}");
    }
    assert!(v.join("validator.json").exists() && v.join("p2p.json").exists());
    fails(plasma(None, &["keys", "new", "--out", v.to_str().unwrap()]), "refusing to overwrite");
}

/// What `balance` shows on the chain's own row (`<address>` first, then one row a level).
fn balance(rpc: u16, who: &str) -> String {
    chain_row(&ok(plasma(Some(rpc), &["balance", who])))
}

fn chain_row(shown: &str) -> String {
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2, "the address, then chain 7's row: {shown}");
    let row = lines[1].trim().strip_prefix("chain 7").unwrap_or_else(|| panic!("{shown}"));
    row.trim().to_string()
}

#[test]
fn status_balance_and_send_over_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("alice.json");
    let w = wallet.to_str().unwrap();
    let alice = ok(plasma(None, &["keys", "user", "--out", w])).trim().to_string();
    let mut cluster = Cluster::new(1, &[(alice.parse().unwrap(), 1_000)]);
    cluster.start_all();
    cluster.wait_height(&[0], 2, Duration::from_secs(60));
    let rpc = cluster.nodes[0].rpc;

    let status = ok(plasma(Some(rpc), &["status"]));
    assert!(status.contains("chain      7"), "{status}");
    assert!(status.contains("role       validator"), "{status}");
    assert!(status.contains("validators 1"), "{status}");

    let mine = ok(plasma(Some(rpc), &["balance", "--key", w]));
    assert!(mine.starts_with(&alice), "{mine}");
    assert_eq!(chain_row(&mine), "1000 ETH");
    assert!(balance(rpc, BOB).ends_with("nothing"));

    let sent = ok(plasma(Some(rpc), &["send", "--key", w, "--to", BOB, "--amount", "400"]));
    assert!(sent.contains("submitted 0x") && sent.contains("committed in block"), "{sent}");
    assert_eq!(balance(rpc, &alice), "600 ETH", "change back to the sender");
    assert_eq!(balance(rpc, BOB), "400 ETH");

    // What users get wrong: one readable line, nothing changes.
    fails(
        plasma(Some(rpc), &["send", "--key", w, "--to", BOB, "--amount", "601"]),
        "insufficient funds: 600 available",
    );
    fails(plasma(Some(rpc), &["send", "--key", w, "--to", "0x1234", "--amount", "1"]), "--to");
    fails(plasma(Some(rpc), &["send", "--key", w, "--to", BOB, "--amount", "-1"]), "--amount");
    fails(plasma(Some(rpc), &["balance", &alice, "--key", w]), "give an address or --key");
    let missing = dir.path().join("missing.json");
    fails(plasma(Some(rpc), &["balance", "--key", missing.to_str().unwrap()]), "reading");
    let corrupt = dir.path().join("corrupt.json");
    write_wallet(&corrupt, "zz", &alice);
    fails(plasma(Some(rpc), &["balance", "--key", corrupt.to_str().unwrap()]), "not 32 hex bytes");
    let other = dir.path().join("other.json");
    write_wallet(&other, &"11".repeat(32), &alice);
    fails(
        plasma(
            Some(rpc),
            &["send", "--key", other.to_str().unwrap(), "--to", BOB, "--amount", "1"],
        ),
        "address does not match the secret",
    );
    let free = common::free_port();
    fails(plasma(Some(free), &["status"]), "cannot reach the node");
    assert_eq!(balance(rpc, &alice), "600 ETH");
    assert_eq!(balance(rpc, BOB), "400 ETH");
    cluster.stop_all();
}

fn write_wallet(path: &Path, secret: &str, address: &str) {
    let text = format!("{{\"secret\": \"{secret}\", \"address\": \"{address}\"}}");
    std::fs::write(path, text).unwrap();
}
