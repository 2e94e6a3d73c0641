//! `plasma`: the command-line wallet and console of a plasma node, over its gRPC API.
//!
//! One module per command (or group of commands): each holds its flags, how it resolves the
//! chains it names through a tree file, and what it does. [`output`] prints, [`rpc`] holds
//! what several commands ask a node, [`flags`] the flags several share.

mod alerts;
mod balance;
mod bond;
mod challenge;
mod deposit;
mod exit;
mod exits;
mod flags;
mod keys;
mod output;
mod rpc;
mod send;
mod status;
mod tree;
mod withdraw;

use clap::{Parser, Subcommand};
use output::Printer;
use plasma_client::hops::Tree;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "plasma", version, about = "Plasma chain wallet and console")]
struct Cli {
    /// gRPC endpoint of the node.
    #[arg(long, global = true, env = "PLASMA_RPC", default_value = "http://127.0.0.1:9090")]
    rpc: String,
    /// Print results as JSON (one object per line for `alerts --follow`), for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// Admin token of the node (`rpc.admin_token` in its config), for admin calls.
    #[arg(long, global = true, env = "PLASMA_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// A tree file (`plasma-devnet` writes `<dir>/tree.json`): chains are then named by path
    /// (`deposit --to /A/B`, `exit --from /A/B`), and the root's endpoint comes from it.
    #[arg(long, global = true, env = "PLASMA_TREE")]
    tree: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Key generation.
    Keys {
        #[command(subcommand)]
        what: keys::Keys,
    },
    /// The node's status: chain, height, peers, validators.
    Status,
    /// Balances of an address, per asset, on every level at once: this chain, each chain
    /// given with `--via` (with `--tree`: every chain of the tree), and the root (with
    /// `--parent-rpc` or `--tree`: the account's ETH and what the root contract owes it).
    Balance(balance::Args),
    /// Exits of this chain's outputs started on its parent: what is pending, when each
    /// matures, and whether this node judges it honest or challengeable.
    Exits,
    /// Challenges the exit of an output this chain has seen spent (admin: the node pays the
    /// parent's fee from its operator key and receives the exiter's bond).
    Challenge(challenge::Args),
    /// This chain in its tree: its parent's record of it, and the children it hosts.
    Tree,
    /// The node watcher's recent alerts; with `--follow`, new ones as they are raised.
    Alerts(alerts::Args),
    /// Sends an amount to an address, with change back to the sender.
    Send(send::Args),
    /// Deposits from the root contract on Ethereum into this chain. With `--via`, through
    /// each plasma chain in between, one hop at a time, resumable with `--state`.
    Deposit(deposit::Args),
    /// Starts the exit of one of your outputs on the root, proven under the latest
    /// checkpoint, with the exit bond attached. With `--via`, exits through each plasma chain
    /// in between first (bonded, waiting out each exit period), resumable with `--state`.
    /// With `--deposit NONCE` instead of `--utxo`, exits a deposit into the chain from its
    /// parent's record (value the chain never minted).
    Exit(exit::Args),
    /// Pays out this chain's matured exits on the root (`processExits`, in priority order),
    /// then withdraws what the root owes you. The node must be the root's child.
    Withdraw(withdraw::Args),
    /// Bonds a validator for a chain on the chain's parent, which numbers the chain's next
    /// validator configuration; the chain adopts it at its next epoch end. Under the root:
    /// `bond` and `proposeConfiguration`; under a plasma chain: a `BondChild` there, paid
    /// from the operator's ETH outputs on it. Start the validator's node first and let it
    /// catch up: once the chain adopts the set, its votes may be needed.
    Bond(bond::Args),
}

fn main() -> eyre::Result<()> {
    let cli = Cli::parse();
    if let Command::Keys { what } = cli.command {
        return keys::run(what);
    }
    let tree = cli.tree.as_deref().map(Tree::load).transpose()?;
    let (rpc, command) = cli.command.routed(cli.rpc, tree.as_ref())?;
    let out = Printer { json: cli.json, admin_token: cli.admin_token, tree };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(command.run(&rpc, &out))
}

impl Command {
    /// The command with the chains it names by path (`/A/B`) resolved through `tree` into
    /// the endpoint to talk to and the `--via` route, and the root's endpoint filled in.
    fn routed(self, rpc: String, tree: Option<&Tree>) -> eyre::Result<(String, Self)> {
        Ok(match self {
            Self::Deposit(a) => {
                let (rpc, a) = a.routed(rpc, tree)?;
                (rpc, Self::Deposit(a))
            }
            Self::Exit(a) => {
                let (rpc, a) = a.routed(rpc, tree)?;
                (rpc, Self::Exit(a))
            }
            Self::Withdraw(a) => (rpc, Self::Withdraw(a.routed(tree))),
            Self::Bond(a) => {
                let (rpc, a) = a.routed(rpc, tree)?;
                (rpc, Self::Bond(a))
            }
            Self::Balance(a) => {
                let (rpc, a) = a.routed(rpc, tree)?;
                (rpc, Self::Balance(a))
            }
            other => (rpc, other),
        })
    }

    /// Runs the command against the node at `rpc`.
    async fn run(self, rpc: &str, out: &Printer) -> eyre::Result<()> {
        let mut node = plasma_client::util::connect(rpc).await?;
        match self {
            Self::Keys { .. } => eyre::bail!("keys commands run offline"),
            Self::Status => status::run(&mut node, out).await,
            Self::Balance(a) => balance::run(a, rpc, &mut node, out).await,
            Self::Exits => exits::run(&mut node, out).await,
            Self::Challenge(a) => challenge::run(a, &mut node, out).await,
            Self::Tree => tree::run(&mut node, out).await,
            Self::Alerts(a) => alerts::run(a, &mut node, out).await,
            Self::Send(a) => send::run(a, &mut node).await,
            Self::Deposit(a) => deposit::run(a, rpc, &mut node).await,
            Self::Exit(a) => exit::run(a, rpc, &mut node).await,
            Self::Withdraw(a) => withdraw::run(a, &mut node).await,
            Self::Bond(a) => bond::run(a, &mut node, out).await,
        }
    }
}
