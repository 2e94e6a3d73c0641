//! `plasma tree`: this chain in its tree, its parent's record of it and its children.

use crate::output::{asset, Printer};
use crate::rpc;
use plasma_client::{convert, Error};
use plasma_proto::v1::{ListChildrenRequest, Locked, ParentStateRequest};

/// What a child's escrow holds, one `amount asset` per non-empty asset.
fn escrow(locked: &[Locked]) -> eyre::Result<Vec<String>> {
    let mut shown = Vec::new();
    for l in locked {
        let (token, amount) = convert::locked(l)?;
        if !amount.is_zero() {
            shown.push(format!("{amount} {}", asset(token)));
        }
    }
    Ok(shown)
}

/// Prints the node's chain under its parent, with the children it hosts.
pub(crate) async fn run(node: &mut plasma_proto::Client, out: &Printer) -> eyre::Result<()> {
    let s = rpc::status(node).await?;
    let parent = match node.bridge.parent_state(ParentStateRequest {}).await {
        Ok(p) => Some(p.into_inner()),
        Err(e) if e.code() == tonic::Code::FailedPrecondition => None,
        Err(e) => return Err(Error::from(e).into()),
    };
    let children = node
        .children
        .list_children(ListChildrenRequest {})
        .await
        .map_err(Error::from)?
        .into_inner()
        .children;
    let escrows: Vec<Vec<String>> =
        children.iter().map(|c| escrow(&c.escrow)).collect::<eyre::Result<_>>()?;
    let json = serde_json::json!({
        "parent": parent.as_ref().map(|p| serde_json::json!({
            "kind": p.parent_kind, "chain_id": p.parent_chain_id,
            "last_checkpoint": p.last_checkpoint, "frozen": p.frozen,
            "rollback_height": p.rollback_height, "epoch_length": p.epoch_length,
        })),
        "chain": {"chain_id": s.chain_id, "height": s.height, "validators": s.validators.len()},
        "children": children.iter().zip(&escrows).map(|(c, escrow)| serde_json::json!({
            "chain_id": c.chain_id, "last_checkpoint": c.last_height,
            "frozen": c.frozen, "escrow": escrow,
        })).collect::<Vec<_>>(),
    });
    out.show(json, || {
        let mut text = match &parent {
            Some(p) if p.parent_kind == "ethereum" => {
                format!("root (Ethereum, chain {})\n└─ ", p.parent_chain_id)
            }
            Some(p) => format!("{}\n└─ ", out.chain(p.parent_chain_id)),
            None => String::new(),
        };
        text += &format!(
            "{} — height {}, {} validators",
            out.chain(s.chain_id),
            s.height,
            s.validators.len()
        );
        if let Some(p) = &parent {
            text += &format!(", checkpointed at {}", p.last_checkpoint);
            if p.frozen {
                text += &format!(", FROZEN (rolled back to {})", p.rollback_height);
            }
        }
        let indent = if parent.is_some() { "   " } else { "" };
        for (i, (c, locked)) in children.iter().zip(&escrows).enumerate() {
            let branch = if i + 1 == children.len() { "└─" } else { "├─" };
            text += &format!(
                "\n{indent}{branch} {} — checkpointed at {}{}, escrow {}",
                out.chain(c.chain_id),
                c.last_height,
                if c.frozen { ", FROZEN" } else { "" },
                if locked.is_empty() { "empty".into() } else { locked.join(", ") }
            );
        }
        text
    });
    Ok(())
}
