//! Flags several commands share: chains named by path through the tree, the root's
//! endpoint, output positions.

use plasma_client::hops::Tree;

/// The tree, or an error saying that `what` names a chain by path and needs it.
pub(crate) fn need_tree<'t>(tree: Option<&'t Tree>, what: &str) -> eyre::Result<&'t Tree> {
    tree.ok_or_else(|| {
        eyre::eyre!("{what} names a chain by path: give the tree file (--tree or PLASMA_TREE)")
    })
}

/// The root's endpoint: the one given, else the tree file's.
pub(crate) fn root(given: Option<String>, tree: Option<&Tree>) -> Option<String> {
    given.or_else(|| tree.map(|t| t.root_rpc.clone()))
}

/// A route's destination (its last chain's endpoint) and the chains before it.
pub(crate) fn split(mut route: Vec<String>) -> eyre::Result<(String, Vec<String>)> {
    let last = route.pop().ok_or_else(|| eyre::eyre!("a route names one chain at least"))?;
    Ok((last, route))
}

/// `--utxo`, parsed; the error names the flag.
pub(crate) fn utxo(text: &str) -> eyre::Result<plasma_ledger::UtxoPos> {
    plasma_client::util::parse_utxo(text).map_err(|e| eyre::eyre!("--utxo {e}"))
}
