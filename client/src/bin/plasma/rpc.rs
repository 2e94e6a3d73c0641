//! What several commands ask a node, checked through `plasma_client::convert`.

use plasma_client::convert::{self, Coin};
use plasma_client::Error;
use plasma_ledger::signing::UserKey;
use plasma_ledger::Address;
use plasma_proto::v1::{GetUtxosRequest, StatusRequest, StatusResponse};
use plasma_proto::Client;

/// The node's status.
pub(crate) async fn status(node: &mut Client) -> eyre::Result<StatusResponse> {
    Ok(node.node.status(StatusRequest {}).await.map_err(Error::from)?.into_inner())
}

/// The id of the node's chain.
pub(crate) async fn chain_id(node: &mut Client) -> eyre::Result<u64> {
    Ok(status(node).await?.chain_id)
}

/// The unspent outputs of `owner`.
pub(crate) async fn coins(node: &mut Client, owner: Address) -> eyre::Result<Vec<Coin>> {
    let r = node.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await;
    let utxos = r.map_err(Error::from)?.into_inner().utxos;
    Ok(utxos.iter().map(convert::coin).collect::<Result<_, _>>()?)
}

/// The root's JSON-RPC endpoint, or what to give for it.
pub(crate) fn root_rpc(given: Option<String>) -> eyre::Result<String> {
    given.ok_or_else(|| eyre::eyre!("the root's endpoint is needed: --parent-rpc (or PLASMA_PARENT_RPC), or a tree file (--tree)"))
}

/// The chain's root contract at `parent_rpc`, sending from `key`, and the chain's id, as
/// the node reports them.
pub(crate) async fn root_of(
    node: &mut Client,
    parent_rpc: &str,
    key: &UserKey,
) -> eyre::Result<(plasma_bridge::Root, u64)> {
    let status = status(node).await?;
    let root = convert::root_contract(&status)?;
    let (provider, _) = plasma_bridge::parent::connect_with_key(parent_rpc, key.secret_bytes())
        .map_err(|e| eyre::eyre!("parent at {parent_rpc}: {e}"))?;
    Ok((plasma_bridge::Root::at(root, provider), status.chain_id))
}
