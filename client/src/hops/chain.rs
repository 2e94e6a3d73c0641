//! One plasma chain as a hop sees it: its node, id and signing domain.

use super::{HOP_TIMEOUT, POLL};
use crate::convert::{self, Coin};
use crate::error::{Error, Result};
use crate::util::connect;
use alloy_sol_types::SolValue;
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{build, Address, Kind, SignedTransaction, TxRef, UtxoPos, B256, U256};
use plasma_proto::v1::{
    DepositsRequest, GetChildRequest, GetTxRequest, GetUtxosRequest, StatusRequest, SubmitTxRequest,
};
use std::collections::BTreeSet;
use std::time::Instant;

/// A plasma chain's node, its chain id and signing domain.
pub(crate) struct Chain {
    pub(crate) rpc: String,
    pub(crate) node: plasma_proto::Client,
    pub(crate) id: u64,
    pub(crate) domain: SigningDomain,
}

impl Chain {
    /// The chain whose node is at `rpc`.
    pub(crate) async fn at(rpc: &str) -> Result<Self> {
        let mut node = connect(rpc).await?;
        let s = node.node.status(StatusRequest {}).await?.into_inner();
        let domain = convert::signing_domain(&s)?;
        Ok(Self { rpc: rpc.to_string(), node, id: s.chain_id, domain })
    }

    /// Unspent outputs of `owner`.
    pub(crate) async fn coins(&mut self, owner: Address) -> Result<Vec<Coin>> {
        let r = self.node.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await?;
        Ok(r.into_inner().utxos.iter().map(convert::coin).collect::<Result<_, _>>()?)
    }

    /// Waits for an output of `owner` holding `amount` of `token` that is not in `before`: the
    /// mint of parent deposit `deposit`, if given, which fails as soon as the chain passed that
    /// deposit over (it never will mint it).
    pub(crate) async fn arrival(
        &mut self,
        owner: Address,
        token: Address,
        amount: U256,
        before: &BTreeSet<String>,
        deposit: Option<u64>,
    ) -> Result<UtxoPos> {
        let deadline = Instant::now() + HOP_TIMEOUT;
        loop {
            for c in self.coins(owner).await? {
                if c.token == token && c.amount == amount && !before.contains(&c.pos.to_string()) {
                    return Ok(c.pos);
                }
            }
            // What the node reads of its parent may be out of reach a while: the mint decides.
            if let Some(nonce) = deposit {
                let request = DepositsRequest { from_nonce: nonce, max: 1 };
                if let Ok(r) = self.node.bridge.deposits(request).await {
                    if r.into_inner().deposits.iter().any(|d| d.nonce == nonce && d.passed_over) {
                        return Err(Error::DepositPassedOver { nonce, chain: self.id });
                    }
                }
            }
            if Instant::now() > deadline {
                let what = format!("an output of {amount} for {owner} on {}", self.rpc);
                return Err(Error::Timeout { what, after: HOP_TIMEOUT });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The smallest ETH output of `owner` holding `amount` or more: (position, amount).
    pub(crate) async fn eth_coin(
        &mut self,
        owner: Address,
        amount: U256,
    ) -> Result<Option<(UtxoPos, U256)>> {
        let coins = self.coins(owner).await?.into_iter();
        let eth = coins.filter(|c| c.token == Address::ZERO && c.amount >= amount);
        Ok(eth.min_by_key(|c| c.amount).map(|c| (c.pos, c.amount)))
    }

    /// The positions of `owner`'s outputs.
    pub(crate) async fn positions(&mut self, owner: Address) -> Result<BTreeSet<String>> {
        Ok(self.coins(owner).await?.into_iter().map(|c| c.pos.to_string()).collect())
    }

    /// Where the chain committed the transaction `hash`, once it has (waiting at most a hop's
    /// time). A plasma parent's lock of a deposit into its child is the deposit's nonce there
    /// ([`TxRef::deposit_nonce`]).
    pub(crate) async fn placed(&mut self, hash: B256) -> Result<TxRef> {
        let deadline = Instant::now() + HOP_TIMEOUT;
        loop {
            let found = self.node.chain.get_tx(GetTxRequest { tx_hash: hash.to_vec() }).await;
            match found {
                Ok(r) => {
                    let r = r.into_inner();
                    return Ok(TxRef { height: r.height, index: r.index });
                }
                // Not committed yet, or the node busy: ask again until the deadline.
                Err(s) if matches!(s.code(), tonic::Code::NotFound | tonic::Code::Unavailable) => {}
                Err(s) => return Err(s.into()),
            }
            if Instant::now() > deadline {
                let what = format!("transaction {hash} committed on {}", self.rpc);
                return Err(Error::Timeout { what, after: HOP_TIMEOUT });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Where this chain registered its child `child`: what a lock of value into it names.
    pub(crate) async fn registration_of(&mut self, child: u64) -> Result<TxRef> {
        let entry = self.node.children.get_child(GetChildRequest { chain_id: child }).await?;
        let entry = entry.into_inner();
        Ok(TxRef { height: entry.registered_height, index: entry.registered_index })
    }

    /// Submits `stx` unless it is committed already (a resumed step).
    pub(crate) async fn submit_once(&mut self, stx: &SignedTransaction) -> Result<()> {
        let hash = stx.transaction.hash();
        if self.node.chain.get_tx(GetTxRequest { tx_hash: hash.to_vec() }).await.is_ok() {
            tracing::debug!(%hash, rpc = %self.rpc, "committed already; not sent again");
            return Ok(());
        }
        match self.node.chain.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await {
            Ok(_) => Ok(()),
            Err(s) if s.code() == tonic::Code::AlreadyExists => Ok(()),
            Err(s) => {
                Err(Error::Refused { endpoint: self.rpc.clone(), message: s.message().into() })
            }
        }
    }
}

/// `key` spends `coin` (ETH: position and amount) on the chain of `domain` into a transaction
/// of `kind` carrying `payload` that locks `locked` wei (a bond or a stake), the change back
/// to `key`.
pub(crate) fn lock_eth(
    key: &UserKey,
    domain: &SigningDomain,
    (pos, held): (UtxoPos, U256),
    kind: Kind,
    locked: U256,
    payload: Vec<u8>,
) -> SignedTransaction {
    build::spend_locking(domain, key, pos, (Address::ZERO, held), kind, locked, payload)
}
