//! Where a plasma parent accepted a child's checkpoint, as the parent's node serves it: what
//! an exit or a deposit-exit challenge under that checkpoint shows the parent
//! ([`plasma_ledger::acceptance`]).

use plasma_ledger::acceptance::{acceptance_of, verify_acceptance, AcceptanceError};
use plasma_ledger::{decode, Acceptance, BlockHeader, TxInclusion, MAX_TX_BYTES};
use plasma_proto::v1::{GetChildCheckpointRequest, GetInclusionProofRequest};

/// Why a parent's node gave no acceptance of a checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum AcceptanceFetchError {
    /// The node answered an error (no such checkpoint, not a child, unreachable): its message.
    #[error("{0}")]
    Node(String),
    /// The node's inclusion proof does not decode.
    #[error("the node's inclusion proof does not decode: {0}")]
    Decode(String),
    /// The node's answer does not show the checkpoint accepted: a transaction or block other
    /// than the accepting one. An exit showing it would be refused.
    #[error("the node's acceptance does not show the checkpoint: {0}")]
    NotAccepted(#[from] AcceptanceError),
}

/// Where chain `parent`, whose node is `node`, accepted the child checkpoint `anchor`: the
/// parent's `ChildCheckpoint` transaction proven in its block. The transaction is checked to
/// be in the header the node serves and to checkpoint `anchor`, so that a node answering
/// another transaction fails here, not in a refused one; whether the header is the parent's
/// block is the parent's own check when the transaction comes to it.
pub async fn fetch_acceptance(
    node: &mut plasma_proto::Client,
    parent: u64,
    anchor: &BlockHeader,
) -> Result<Acceptance, AcceptanceFetchError> {
    let request = GetChildCheckpointRequest { chain_id: anchor.chainId, height: anchor.height };
    let node_error = |s: tonic::Status| AcceptanceFetchError::Node(s.message().to_string());
    let at = node.children.get_child_checkpoint(request).await.map_err(node_error)?.into_inner();
    let (height, tx_index) = (at.accepted_height, at.accepted_index);
    // Anchored at its own block: no history proof (the acceptance carries none).
    let request = GetInclusionProofRequest { height, tx_index, anchor_height: height };
    let bytes =
        node.chain.get_inclusion_proof(request).await.map_err(node_error)?.into_inner().inclusion;
    let inclusion: TxInclusion = decode("TxInclusion", &bytes, MAX_TX_BYTES)
        .map_err(|e| AcceptanceFetchError::Decode(e.to_string()))?;
    let acceptance = acceptance_of(inclusion);
    let served = Some(acceptance.header.hash());
    verify_acceptance(parent, anchor.chainId, anchor, &acceptance, served)?;
    Ok(acceptance)
}
