//! `plasma withdraw`: pays out matured exits on the root, then withdraws what it owes you.

use crate::output::asset;
use crate::{flags, rpc};
use eyre::eyre;
use plasma_client::hops::Tree;
use plasma_client::keys::load_wallet;
use plasma_ledger::Address;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Wallet key file of the exit's owner (pays the gas on the root).
    #[arg(long)]
    key: PathBuf,
    /// JSON-RPC endpoint of the root (default: the tree file's).
    #[arg(long, env = "PLASMA_PARENT_RPC")]
    parent_rpc: Option<String>,
    /// Asset (root token address); ETH when omitted.
    #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
    token: Address,
}

impl Args {
    /// The root's endpoint from the tree file unless given.
    pub(crate) fn routed(self, tree: Option<&Tree>) -> Self {
        Self { parent_rpc: flags::root(self.parent_rpc, tree), ..self }
    }
}

/// `processExits` for this chain on the root, then `withdraw` of what is owed.
pub(crate) async fn run(args: Args, node: &mut plasma_proto::Client) -> eyre::Result<()> {
    let Args { key, parent_rpc, token } = args;
    let key = load_wallet(&key)?;
    let (root, chain_id) = rpc::root_of(node, &rpc::root_rpc(parent_rpc)?, &key).await?;
    let me = key.address();
    let name = asset(token);
    let paid = root.process_exits(me, chain_id, token, 16).await;
    paid.map_err(|e| eyre!("paying out chain {chain_id}'s exits: {e}"))?;
    let owed = root.owed(me, token).await.map_err(|e| eyre!("reading what is owed: {e}"))?;
    if owed.is_zero() {
        println!(
            "the root owes {me} no {name}: nothing has matured yet (an exit pays once its \
             period is over), or it was withdrawn already"
        );
        return Ok(());
    }
    root.withdraw(me, token).await.map_err(|e| eyre!("withdrawing: {e}"))?;
    println!("withdrew {owed} {name} to {me} on the root");
    Ok(())
}
