//! `plasma bond`: a validator joins a chain through the chain's parent.

use crate::output::Printer;
use crate::{flags, rpc};
use eyre::eyre;
use plasma_client::bond;
use plasma_client::hops::Tree;
use plasma_client::keys::ValidatorKeys;
use plasma_client::Error;
use plasma_ledger::U256;
use plasma_proto::v1::ParentStateRequest;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The validator's key file (`validator_key.json` in its node home, or `keys new`'s
    /// `validator.json`): its operator pays and signs, its BLS key joins the set.
    #[arg(long)]
    validator_key: PathBuf,
    /// Stake, in wei: a whole number of gwei (the validator's power is stake / 1 gwei).
    #[arg(long)]
    stake: U256,
    /// The chain to join, by path (`/A/B`, with `--tree`; default: `--rpc`'s chain).
    #[arg(long)]
    chain: Option<String>,
    /// gRPC endpoint of a node of the plasma parent (default: the tree file's).
    #[arg(long)]
    parent: Option<String>,
    /// JSON-RPC endpoint of the root, for a chain under the root (default: the tree
    /// file's).
    #[arg(long, env = "PLASMA_PARENT_RPC")]
    parent_rpc: Option<String>,
    /// Return once the parent numbered the configuration, without waiting for the chain
    /// to adopt it.
    #[arg(long)]
    no_wait: bool,
}

impl Args {
    /// `--chain /A/B` resolved through the tree into that chain and, unless `--parent`, its
    /// parent.
    pub(crate) fn routed(self, rpc: String, tree: Option<&Tree>) -> eyre::Result<(String, Self)> {
        let (rpc, parent) = match self.chain {
            Some(path) => {
                let (rpc, mut above) =
                    flags::split(flags::need_tree(tree, "--chain")?.route(&path)?)?;
                (rpc, self.parent.or(above.pop()))
            }
            None => (rpc, self.parent),
        };
        let parent_rpc = flags::root(self.parent_rpc, tree);
        Ok((rpc, Self { chain: None, parent, parent_rpc, ..self }))
    }
}

/// Bonds on the parent (the root, or the plasma parent at `--parent`), then waits until the
/// chain adopts the configuration (unless `--no-wait`).
pub(crate) async fn run(
    args: Args,
    node: &mut plasma_proto::Client,
    out: &Printer,
) -> eyre::Result<()> {
    let Args { validator_key, stake, parent, parent_rpc, no_wait, .. } = args;
    let keys = ValidatorKeys::load(&validator_key)?;
    bond::check_stake(stake)?;
    let state = node.bridge.parent_state(ParentStateRequest {}).await;
    let state = state.map_err(Error::from)?.into_inner();
    let chain_id = rpc::chain_id(node).await?;
    let (id, on) = if state.parent_kind == "plasma" {
        let parent = parent.ok_or_else(|| {
            eyre!("{} hangs under plasma chain {}: give a node of it (--parent, or --chain with --tree)", out.chain(chain_id), state.parent_chain_id)
        })?;
        let id = bond::on_plasma_parent(&parent, chain_id, &keys, stake).await?;
        (id, out.chain(state.parent_chain_id))
    } else {
        let (root, _) = rpc::root_of(node, &rpc::root_rpc(parent_rpc)?, &keys.operator).await?;
        (bond::on_root(&root, chain_id, &keys, stake).await?, "the root".into())
    };
    let operator = keys.operator.address();
    if !out.json {
        println!(
            "{operator} bonded {stake} wei for {} on {on}: configuration {id} numbered",
            out.chain(chain_id)
        );
    }
    let mut adopted = serde_json::Value::Null;
    if !no_wait {
        if !out.json {
            println!(
                "waiting for the chain's next epoch end (every {} blocks)…",
                state.epoch_length
            );
        }
        let at = bond::wait_adopted(node, id, Duration::from_secs(600)).await?;
        adopted = serde_json::json!(at);
        if !out.json {
            println!(
                "{} adopted configuration {id}; the parent's latest checkpoint is block {at}",
                out.chain(chain_id)
            );
        }
    }
    if out.json {
        out.show(
            serde_json::json!({
                "chain_id": chain_id, "operator": operator, "stake": stake.to_string(),
                "configuration": id, "adopted_by_checkpoint": adopted,
            }),
            String::new,
        );
    }
    Ok(())
}
