//! What the examples share: finding the release `plasmad`, free ports, starting one node and
//! reaching its API, and a chain registered on a fresh root with one validator bonded.

use eyre::{eyre, WrapErr};
use plasma_node::daemon::Home;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The `plasmad` built next to this example (`target/release/examples/x` → `target/release`).
pub(crate) fn plasmad() -> eyre::Result<PathBuf> {
    let path = std::env::current_exe()?
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("plasmad"))
        .ok_or_else(|| eyre!("no target directory"))?;
    if !path.exists() {
        return Err(eyre!(
            "{} not found: build it first (cargo build --release -p plasma-node --bins)",
            path.display()
        ));
    }
    Ok(path)
}

/// A free port (0 if none could be bound).
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").map_or(0, |l| l.local_addr().map_or(0, |a| a.port()))
}

/// A free port whose successor is free too (consensus and transaction gossip).
pub(crate) fn free_port_pair() -> u16 {
    loop {
        let p = free_port();
        if p != 0 && std::net::TcpListener::bind(("127.0.0.1", p + 1)).is_ok() {
            return p;
        }
    }
}

/// Starts `plasmad` on `home`, logging (warnings only) to `dir/plasmad.log`.
pub(crate) fn start(plasmad: &Path, home: &Home, dir: &Path) -> eyre::Result<Child> {
    let log = std::fs::File::create(dir.join("plasmad.log"))?;
    Command::new(plasmad)
        .arg("start")
        .arg("--home")
        .arg(&home.0)
        .env("PLASMAD_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .wrap_err("starting plasmad")
}

/// Stops the node (SIGTERM) and waits for it.
pub(crate) fn stop(mut child: Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
}

/// The node's API at `127.0.0.1:rpc`, once it answers (a minute at most).
pub(crate) async fn connect(rpc: u16) -> eyre::Result<plasma_proto::Client> {
    let url = format!("http://127.0.0.1:{rpc}");
    Ok(plasma_proto::Client::connect_within(url, Duration::from_secs(60)).await?)
}

/// Deploys the root contracts on `dev`, registers a chain (epoch `epoch`, exit period
/// `exit_period` s), bonds the validator of `home` on it (stake = `power` gwei) and proposes
/// the configuration: the root as one validator's chain needs it. Returns the root and the
/// chain's id.
#[allow(dead_code)] // `deposit_latency` registers a chain without a bonded validator
pub(crate) async fn root_with_chain(
    dev: &plasma_bridge::devchain::Devchain,
    home: &Home,
    epoch: u64,
    exit_period: u64,
    power: u64,
) -> eyre::Result<(plasma_bridge::Root, u64)> {
    use plasma_bridge::{ChainParams, Root};
    use plasma_ledger::U256;
    const GWEI: u64 = 1_000_000_000;
    let (root, _) = Root::deploy(dev.provider.clone(), U256::from(GWEI), U256::ZERO).await?;
    let params = ChainParams { epoch_length: epoch, exit_period, min_stake: 1, max_validators: 4 };
    let (id, _) = root.register_chain(dev.accounts[0], params).await?;
    let keys = plasma_node::config::ValidatorKeys::load(&home.validator_key())?;
    let op = keys.operator.address();
    let wallet =
        plasma_bridge::devchain::wallet_provider(dev.anvil.endpoint_url(), &[keys.operator_secret])
            .ok_or_else(|| eyre!("operator key"))?;
    dev.fund(op, U256::from(10u64) * U256::from(GWEI) * U256::from(GWEI)).await?;
    Root::at(root.address(), wallet).bond(op, id, &keys.bls, U256::from(power * GWEI)).await?;
    root.propose_genesis(dev.accounts[0], id, vec![op]).await?;
    Ok((root, id))
}
