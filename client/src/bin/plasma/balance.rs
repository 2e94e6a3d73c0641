//! `plasma balance`: an address's balances on every level at once.

use crate::output::{asset, Printer};
use crate::{flags, rpc};
use eyre::{bail, eyre};
use plasma_client::convert::{self, Coin};
use plasma_client::hops::Tree;
use plasma_client::keys::load_wallet;
use plasma_ledger::{Address, U256};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Address (0x…), or `--key` to use a wallet file's address.
    address: Option<Address>,
    /// Wallet key file.
    #[arg(long)]
    key: Option<PathBuf>,
    /// gRPC endpoints of the plasma chains between the root and this chain, the root's
    /// child first (repeat the flag).
    #[arg(long)]
    via: Vec<String>,
    /// JSON-RPC endpoint of the root (Ethereum).
    #[arg(long, env = "PLASMA_PARENT_RPC")]
    parent_rpc: Option<String>,
}

impl Args {
    /// With a tree file and no `--via`: every chain of the tree, the last one asked first.
    pub(crate) fn routed(self, rpc: String, tree: Option<&Tree>) -> eyre::Result<(String, Self)> {
        let parent_rpc = flags::root(self.parent_rpc, tree);
        let (rpc, via) = match tree {
            Some(t) if self.via.is_empty() => {
                let route = t.endpoints()?;
                if route.is_empty() {
                    (rpc, vec![])
                } else {
                    flags::split(route)?
                }
            }
            _ => (rpc, self.via),
        };
        Ok((rpc, Self { via, parent_rpc, ..self }))
    }
}

/// Prints the balances, top down: the root, each chain from the root's child, this chain.
pub(crate) async fn run(
    args: Args,
    rpc: &str,
    node: &mut plasma_proto::Client,
    out: &Printer,
) -> eyre::Result<()> {
    let Args { address, key, via, parent_rpc } = args;
    let who = match (address, key) {
        (Some(a), None) => a,
        (None, Some(k)) => load_wallet(&k)?.address(),
        _ => bail!("give an address or --key, not both"),
    };
    let mut levels = Vec::new();
    if let Some(url) = &parent_rpc {
        let root = convert::root_contract(&rpc::status(node).await?)?;
        let root =
            plasma_bridge::Root::read_only(url, root).map_err(|e| eyre!("--parent-rpc: {e}"))?;
        let account = root.eth_balance(who).await.map_err(|e| eyre!("root at {url}: {e}"))?;
        let owed = root.owed(who, Address::ZERO).await.map_err(|e| eyre!("root at {url}: {e}"))?;
        levels.push(serde_json::json!({
            "level": "root", "endpoint": url,
            "balances": {"ETH": account.to_string()}, "owed": {"ETH": owed.to_string()},
        }));
    }
    let mut endpoints = via;
    endpoints.push(rpc.to_string());
    for url in &endpoints {
        let mut chain =
            if url == rpc { node.clone() } else { plasma_client::util::connect(url).await? };
        let id = rpc::chain_id(&mut chain).await?;
        let balances: serde_json::Map<_, _> = totals(&rpc::coins(&mut chain, who).await?)?
            .into_iter()
            .map(|(t, a)| (asset(t), serde_json::Value::String(a.to_string())))
            .collect();
        levels.push(serde_json::json!({"level": out.chain(id), "chain_id": id, "endpoint": url, "balances": balances}));
    }
    let json = serde_json::json!({"address": who, "levels": levels});
    out.show(json, || {
        let mut text = format!("{who}");
        for l in &levels {
            let mut parts: Vec<String> = l["balances"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| format!("{} {k}", v.as_str().unwrap_or_default()))
                .collect();
            if let Some(owed) = l["owed"]["ETH"].as_str().filter(|o| *o != "0") {
                parts.push(format!("(owed by the root contract: {owed} ETH)"));
            }
            let shown = if parts.is_empty() { "nothing".into() } else { parts.join(", ") };
            text += &format!("\n  {:<30} {shown}", l["level"].as_str().unwrap_or_default());
        }
        text
    });
    Ok(())
}

/// Per-asset totals of `coins` (a node listing more than 2^256 of one asset lies).
fn totals(coins: &[Coin]) -> eyre::Result<BTreeMap<Address, U256>> {
    let mut totals = BTreeMap::<Address, U256>::new();
    for c in coins {
        let total = totals.entry(c.token).or_default();
        *total = total
            .checked_add(c.amount)
            .ok_or_else(|| eyre!("the node lists more {} than there can be", asset(c.token)))?;
    }
    Ok(totals)
}
