//! `plasma exits`: exits of this chain's outputs on its parent, with this node's verdicts.

use crate::output::{asset, maturity, Printer};
use alloy_primitives::hex;
use plasma_client::{convert, Error};
use plasma_proto::v1::ExitsRequest;

/// Prints the exits and when each matures.
pub(crate) async fn run(node: &mut plasma_proto::Client, out: &Printer) -> eyre::Result<()> {
    let request = ExitsRequest { from_parent_block: 0 };
    let r = node.bridge.exits(request).await.map_err(Error::from)?.into_inner();
    let parts: Vec<_> = r.exits.iter().map(convert::exit).collect::<Result<_, _>>()?;
    let utxo =
        |e: &plasma_proto::v1::Exit| format!("{}:{}:{}", e.height, e.tx_index, e.output_index);
    let exits: Vec<_> = r
        .exits
        .iter()
        .zip(&parts)
        .map(|(e, p)| {
            serde_json::json!({
                "exit_id": format!("0x{}", hex::encode(&e.exit_id)),
                "utxo": e.known.then(|| utxo(e)),
                "owner": p.owner, "token": p.token,
                "amount": p.amount.to_string(),
                "exitable_at": e.exitable_at, "verdict": e.verdict,
                "spent_in": (e.verdict == "spent").then(|| format!("{}:{}", e.spent_height, e.spent_index)),
            })
        })
        .collect();
    out.show(serde_json::json!({"exits": exits}), || {
        if r.exits.is_empty() {
            return "no exits of this chain's outputs on its parent".into();
        }
        let mut text = format!(
            "{:<12} {:<22} {:<28} {:<12} {}",
            "utxo", "owner", "amount", "matures", "verdict"
        );
        for (e, p) in r.exits.iter().zip(&parts) {
            let utxo = if e.known { utxo(e) } else { "?".into() };
            let amount = format!("{} {}", p.amount, asset(p.token));
            let verdict = match e.verdict.as_str() {
                "spent" => format!("spent in {}:{} (challengeable)", e.spent_height, e.spent_index),
                "forged" => "forged (another history: prove fraud)".to_string(),
                v => v.to_string(),
            };
            let owner = p.owner.to_string();
            text += &format!(
                "\n{utxo:<12} {:<22} {amount:<28} {:<12} {verdict}",
                &owner[..20],
                maturity(e.exitable_at)
            );
        }
        text
    });
    Ok(())
}
