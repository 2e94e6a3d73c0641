//! `plasma challenge`: the node challenges an exit of an output it has seen spent (admin).

use crate::flags;
use crate::output::Printer;
use plasma_client::Error;
use plasma_proto::v1::ChallengeRequest;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The exiting output, `height:tx_index:output_index`.
    #[arg(long)]
    utxo: String,
}

/// Asks the node to challenge the exit of `--utxo`.
pub(crate) async fn run(
    args: Args,
    node: &mut plasma_proto::Client,
    out: &Printer,
) -> eyre::Result<()> {
    let Args { utxo } = args;
    let pos = flags::utxo(&utxo)?;
    let request = out.admin(ChallengeRequest {
        height: pos.blockHeight,
        tx_index: pos.txIndex,
        output_index: pos.outputIndex.into(),
    })?;
    let r = node.bridge.challenge(request).await.map_err(Error::from)?.into_inner();
    let json = serde_json::json!({
        "utxo": utxo, "challenged": r.challenged,
        "spent_in": format!("{}:{}", r.spent_height, r.spent_index),
    });
    out.show(json, || {
        if r.challenged {
            format!("exit of {pos} challenged with its spend in {}:{}; the bond goes to the node's operator", r.spent_height, r.spent_index)
        } else {
            format!("the exit of {pos} is no longer active (challenged already, or paid)")
        }
    });
    Ok(())
}
