//! `plasma status`: the node's chain, height, role, peers and validators.

use crate::output::Printer;
use crate::rpc;
use alloy_primitives::hex;
use plasma_client::convert;

/// Prints the node's status.
pub(crate) async fn run(node: &mut plasma_proto::Client, out: &Printer) -> eyre::Result<()> {
    let s = rpc::status(node).await?;
    let validators: Vec<_> =
        s.validators.iter().map(convert::status_validator).collect::<Result<_, _>>()?;
    let members: Vec<_> = validators
        .iter()
        .map(|(operator, power)| serde_json::json!({"operator": operator, "power": power}))
        .collect();
    let json = serde_json::json!({
        "chain_id": s.chain_id, "moniker": s.moniker, "height": s.height,
        "last_block_hash": format!("0x{}", hex::encode(&s.last_block_hash)),
        "last_block_time": s.last_block_time, "role": s.role, "peers": s.peers,
        "mempool_size": s.mempool_size, "validators": members,
        "validator_set_hash": format!("0x{}", hex::encode(&s.validator_set_hash)),
    });
    out.show(json, || {
        let mut text = format!(
            "chain      {} ({})\nheight     {}\nlast block 0x{} at {}\nrole       {}\n\
             peers      {}\nmempool    {}\nvalidators {} (set 0x{})",
            s.chain_id,
            s.moniker,
            s.height,
            hex::encode(&s.last_block_hash),
            s.last_block_time,
            s.role,
            s.peers,
            s.mempool_size,
            s.validators.len(),
            hex::encode(&s.validator_set_hash)
        );
        for (operator, power) in &validators {
            text += &format!("\n  {operator} power {power}");
        }
        text
    });
    Ok(())
}
