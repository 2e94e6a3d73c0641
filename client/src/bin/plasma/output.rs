//! How results are printed: human lines, or one JSON object a line with `--json`.

use plasma_client::hops::Tree;
use plasma_client::util::unix_now;
use plasma_ledger::Address;

/// How results are printed, and the admin token if one was given.
pub(crate) struct Printer {
    pub(crate) json: bool,
    pub(crate) admin_token: Option<String>,
    pub(crate) tree: Option<Tree>,
}

impl Printer {
    /// Prints `value` as one line of JSON when `--json`, else the `human` lines.
    pub(crate) fn show(&self, value: serde_json::Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", human());
        }
    }

    /// Chain `id` as people know it: its path in the tree file, or its number.
    pub(crate) fn chain(&self, id: u64) -> String {
        let known = self.tree.as_ref().and_then(|t| t.chains.iter().find(|c| c.chain_id == id));
        known.map_or_else(|| format!("chain {id}"), |c| format!("{} (chain {id})", c.path))
    }

    /// `request` with the admin token attached.
    pub(crate) fn admin<T>(&self, request: T) -> eyre::Result<tonic::Request<T>> {
        let token = self.admin_token.as_deref().ok_or_else(|| {
            eyre::eyre!("this is an admin call: pass --admin-token (or PLASMA_ADMIN_TOKEN), the node's rpc.admin_token")
        })?;
        let mut request = tonic::Request::new(request);
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| eyre::eyre!("--admin-token: not a valid header value"))?;
        request.metadata_mut().insert("authorization", value);
        Ok(request)
    }
}

/// An asset by name: `ETH`, or the root token's address.
pub(crate) fn asset(token: Address) -> String {
    if token == Address::ZERO {
        "ETH".into()
    } else {
        token.to_string()
    }
}

/// `exitable_at` against this machine's clock: "in 42 s" or "matured".
pub(crate) fn maturity(exitable_at: u64) -> String {
    match exitable_at.checked_sub(unix_now()) {
        Some(0) | None => "matured".into(),
        Some(left) => format!("in {left} s"),
    }
}
