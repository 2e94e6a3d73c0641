//! `plasma deposit`: from the root into this chain, or hop by hop down the tree.

use crate::{flags, rpc};
use alloy_primitives::hex;
use eyre::{bail, eyre};
use plasma_client::hops::{self, Journal, Tree};
use plasma_client::keys::load_wallet;
use plasma_ledger::{Address, U256};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Wallet key file: pays on the parent, and receives unless `--recipient`.
    #[arg(long)]
    key: PathBuf,
    /// JSON-RPC endpoint of the root (default: the tree file's).
    #[arg(long, env = "PLASMA_PARENT_RPC")]
    parent_rpc: Option<String>,
    /// Amount, in the asset's smallest unit.
    #[arg(long)]
    amount: U256,
    /// Asset (root token address); ETH when omitted. An ERC-20 is approved first.
    #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
    token: Address,
    /// Where to: a chain path (`/A/B`, with `--tree`), hop by hop from the root; or,
    /// for compatibility, an address on this chain (as `--recipient`).
    #[arg(long)]
    to: Option<String>,
    /// Recipient on the destination chain (default: the key's address).
    #[arg(long)]
    recipient: Option<Address>,
    /// Return once the parent recorded it, without waiting for this chain to mint it
    /// (one hop only).
    #[arg(long)]
    no_wait: bool,
    /// gRPC endpoints of the plasma chains between the root and this chain, the root's
    /// child first (repeat the flag); `--to /A/B` finds them in the tree file.
    #[arg(long)]
    via: Vec<String>,
    /// Journal of a multi-hop transfer: rerun with the same file to resume it.
    #[arg(long)]
    state: Option<PathBuf>,
}

impl Args {
    /// `--to /A/B` resolved through the tree into the destination and the chains before it;
    /// `--to <address>` as the recipient.
    pub(crate) fn routed(self, rpc: String, tree: Option<&Tree>) -> eyre::Result<(String, Self)> {
        let (rpc, via, recipient) = match self.to {
            Some(path) if path.starts_with('/') => {
                if !self.via.is_empty() {
                    bail!("--to {path} finds the chains in between in the tree: drop --via");
                }
                let (rpc, via) = flags::split(flags::need_tree(tree, "--to")?.route(&path)?)?;
                (rpc, via, self.recipient)
            }
            Some(address) => {
                let parsed = address.parse().map_err(|_| {
                    eyre!("--to {address:?}: neither a chain path (/A/B) nor an address")
                })?;
                if self.recipient.is_some() {
                    bail!("--to {address} is a recipient already: drop --recipient");
                }
                (rpc, self.via, Some(parsed))
            }
            None => (rpc, self.via, self.recipient),
        };
        let parent_rpc = flags::root(self.parent_rpc, tree);
        Ok((rpc, Self { parent_rpc, to: None, recipient, via, ..self }))
    }
}

/// One hop (the root into this chain) or, with `--via`, every hop down to it.
pub(crate) async fn run(
    args: Args,
    rpc: &str,
    node: &mut plasma_proto::Client,
) -> eyre::Result<()> {
    if !args.via.is_empty() {
        return through(args, rpc, node).await;
    }
    let Args { key, parent_rpc, amount, token, recipient, no_wait, .. } = args;
    let key = load_wallet(&key)?;
    let (root, chain_id) = rpc::root_of(node, &rpc::root_rpc(parent_rpc)?, &key).await?;
    let recipient = recipient.unwrap_or(key.address());
    if token != Address::ZERO {
        hops::approve(&root, &key, token, amount).await?;
    }
    let before = rpc::coins(node, recipient).await?.len();
    let (record, receipt) = root
        .deposit(key.address(), chain_id, recipient, token, amount)
        .await
        .map_err(|e| eyre!("{e}"))?;
    println!(
        "deposit {} recorded on the parent (nonce {}, transaction 0x{})",
        record.amount,
        record.nonce,
        hex::encode(receipt.tx_hash)
    );
    if no_wait {
        return Ok(());
    }
    println!("waiting for the parent's finality and this chain to mint it…");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let now = rpc::coins(node, recipient).await?.len();
        if now > before {
            println!("minted for {recipient}");
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("not minted after 10 minutes: is the chain following its parent?");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every hop from the root through `--via` down to this chain, journaled in `--state`.
async fn through(args: Args, rpc: &str, node: &mut plasma_proto::Client) -> eyre::Result<()> {
    let Args { key, parent_rpc, amount, token, recipient, via, state, .. } = args;
    let key = load_wallet(&key)?;
    let (root, _) = rpc::root_of(node, &rpc::root_rpc(parent_rpc)?, &key).await?;
    let recipient = recipient.unwrap_or(key.address());
    let mut chains = via;
    chains.push(rpc.to_string());
    let transfer = format!("deposit {amount} {token} to {recipient} via {}", chains.join(" "));
    let mut journal = Journal::open(state, transfer)?;
    let progress = |line: String| println!("{line}");
    let what = hops::Deposit { token, amount, recipient };
    let at = hops::deposit(&root, &key, what, &chains, &mut journal, &progress).await?;
    println!("minted for {recipient} at {at}");
    Ok(())
}
