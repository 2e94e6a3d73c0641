//! `plasma exit`: an output's exit to the root, through each plasma parent on the way; or,
//! with `--deposit`, a deposit's exit from its parent's record (value the chain never minted).

use crate::{flags, rpc};
use eyre::bail;
use plasma_client::hops::{self, Journal, Tree};
use plasma_client::keys::load_wallet;
use std::path::PathBuf;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Wallet key file of the output's owner (pays the bond and gas on the parent).
    #[arg(long)]
    key: PathBuf,
    /// JSON-RPC endpoint of the root (default: the tree file's).
    #[arg(long, env = "PLASMA_PARENT_RPC")]
    parent_rpc: Option<String>,
    /// The output, `height:tx_index:output_index`.
    #[arg(long, required_unless_present = "deposit", conflicts_with = "deposit")]
    utxo: Option<String>,
    /// Instead of an output: deposit NONCE into the chain (as `plasma deposit` printed it; on a
    /// plasma parent, where its lock stands: `height << 32 | index`), exited from its parent's
    /// record of it, by its recipient (for value the chain never minted: it stalled, or a fraud proof
    /// froze it). On a plasma parent a bonded `StartChildDepositExit` there, waited out until
    /// paid, then on up to the root; under the root, the root's `startDepositExit`. Refused
    /// for a deposit the chain minted while it is not frozen: exit that output with --utxo.
    #[arg(long, value_name = "NONCE")]
    deposit: Option<u64>,
    /// The chain the output is on, by path (`/A/B`, with `--tree`; default: `--rpc`'s).
    #[arg(long)]
    from: Option<String>,
    /// Where to: `root` (the only destination; exits climb every level to it).
    #[arg(long, default_value = "root")]
    to: String,
    /// gRPC endpoints of the plasma chains between the root and this chain, the root's
    /// child first (repeat the flag); `--from /A/B` finds them in the tree file.
    #[arg(long)]
    via: Vec<String>,
    /// Journal of a multi-hop transfer: rerun with the same file to resume it.
    #[arg(long)]
    state: Option<PathBuf>,
}

impl Args {
    /// `--from /A/B` resolved through the tree into that chain and the chains above it.
    pub(crate) fn routed(self, rpc: String, tree: Option<&Tree>) -> eyre::Result<(String, Self)> {
        if self.to != "root" {
            bail!("--to {}: exits climb every level to the root (--to root); to move value to another chain, exit to the root and deposit from there", self.to);
        }
        let (rpc, via) = match self.from {
            Some(path) => {
                if !self.via.is_empty() {
                    bail!("--from {path} finds the chains in between in the tree: drop --via");
                }
                flags::split(flags::need_tree(tree, "--from")?.route(&path)?)?
            }
            None => (rpc, self.via),
        };
        let parent_rpc = flags::root(self.parent_rpc, tree);
        Ok((rpc, Self { parent_rpc, from: None, via, ..self }))
    }
}

/// Exits `--utxo` (or `--deposit`) hop by hop up to the root, journaled in `--state`.
pub(crate) async fn run(
    args: Args,
    rpc: &str,
    node: &mut plasma_proto::Client,
) -> eyre::Result<()> {
    let Args { key, parent_rpc, utxo, deposit, via, state, .. } = args;
    let key = load_wallet(&key)?;
    let what = match (&utxo, deposit) {
        (Some(utxo), _) => Exiting::Output(flags::utxo(utxo)?),
        (None, Some(nonce)) => Exiting::Deposit(nonce),
        (None, None) => bail!("give the output to exit (--utxo) or the deposit (--deposit)"),
    };
    let (root, _) = rpc::root_of(node, &rpc::root_rpc(parent_rpc)?, &key).await?;
    // This chain first, then its parents up to the root's child.
    let mut chains = vec![rpc.to_string()];
    chains.extend(via.into_iter().rev());
    let progress = |line: String| println!("{line}");
    match what {
        Exiting::Output(pos) => {
            let transfer = format!("exit {pos} via {}", chains.join(" "));
            let mut journal = Journal::open(state, transfer)?;
            hops::exit(&root, &key, pos, &chains, &mut journal, &progress).await?;
        }
        Exiting::Deposit(nonce) => {
            let transfer = format!("exit of deposit {nonce} via {}", chains.join(" "));
            let mut journal = Journal::open(state, transfer)?;
            hops::deposit_exit(&root, &key, nonce, &chains, &mut journal, &progress).await?;
        }
    }
    Ok(())
}

/// What `plasma exit` takes out.
enum Exiting {
    /// An output of the chain.
    Output(plasma_ledger::UtxoPos),
    /// A deposit into the chain, from its parent's record.
    Deposit(u64),
}
