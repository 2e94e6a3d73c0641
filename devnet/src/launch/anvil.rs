//! The root: anvil with a state file, and a provider that signs as the devnet's operator.

use super::*;

/// Starts anvil on the base port (detached), with its state file in the data folder, and
/// reads back its prefunded keys.
pub(super) async fn start_anvil(
    options: &Options,
    block_time: u64,
) -> Result<RootState, DevnetError> {
    let dir = options.dir.join("root");
    let state_file = dir.join("anvil-state.json");
    let accounts_file = dir.join("anvil-accounts.json");
    let log = dir.join("anvil.log");
    let _ = std::fs::remove_file(&accounts_file);
    let mut args: Vec<String> = [
        "--port",
        &options.base_port.to_string(),
        "--accounts",
        "10",
        "--gas-limit",
        "60000000",
        "--config-out",
        &accounts_file.display().to_string(),
        "--state",
        &state_file.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if block_time > 0 {
        args.extend(["--block-time".to_string(), block_time.to_string()]);
    }
    let mut child =
        spawn_detached(&options.anvil, &args, &[], &log).map_err(io("starting anvil"))?;
    let pid = child.id();
    let root = RootState {
        pid: Some(pid),
        rpc: format!("http://127.0.0.1:{}", options.base_port),
        chain_id: 0,
        contract: Address::ZERO,
        deployed_at: 0,
        keys: Vec::new(),
        state_file,
        log: log.clone(),
    };
    let since = Instant::now();
    let keys = loop {
        if let Ok(text) = std::fs::read_to_string(&accounts_file) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                if let Some(keys) = v["private_keys"].as_array() {
                    break keys
                        .iter()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect::<Vec<_>>();
                }
            }
        }
        let exited = child.try_wait().ok().flatten().is_some();
        if exited || since.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<_> = tail.lines().rev().take(5).collect();
            return Err(DevnetError::Root(format!(
                "anvil did not start: {}",
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let provider = provider(&RootState { keys: keys.clone(), ..root.clone() })?;
    let chain_id = loop {
        use alloy::providers::Provider;
        match provider.get_chain_id().await {
            Ok(id) => break id,
            Err(e) if since.elapsed() > Duration::from_secs(30) => {
                process::stop(pid, &root.marker(), Duration::from_secs(5));
                return Err(DevnetError::Root(format!("anvil does not answer: {e}")));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    Ok(RootState { chain_id, keys, ..root })
}

/// A provider signing for every prefunded key of the root.
pub(super) fn provider(root: &RootState) -> Result<alloy::providers::DynProvider, DevnetError> {
    let secrets: Vec<[u8; 32]> = root
        .keys
        .iter()
        .filter_map(|k| alloy::primitives::hex::decode(k).ok()?.try_into().ok())
        .collect();
    let url = root.rpc.parse().map_err(|e| DevnetError::Root(format!("rpc url: {e}")))?;
    wallet_provider(url, &secrets)
        .ok_or_else(|| DevnetError::Root("anvil gave no usable keys".into()))
}
