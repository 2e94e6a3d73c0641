//! The cross-chain harness: what scenarios do to a running devnet — read coins on any chain,
//! submit transactions, move value between levels, wait for checkpoints, warp the root's
//! clock — each with a bounded wait and a typed error instead of a hang.

use crate::{Devnet, DevnetError};
use alloy_sol_types::SolValue;
use plasma_client::convert;
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{
    build, Address, BlockHeader, ChildDeposit, ChildExitStart, Kind, SignedTransaction,
    TxInclusion, TxRef, UtxoPos, B256, U256,
};
use plasma_proto::v1::{
    GetBlockRequest, GetChildRequest, GetChildResponse, GetInclusionProofRequest, GetTxRequest,
    GetUtxosRequest, SubmitTxRequest,
};
use std::time::{Duration, Instant};

/// One unspent output: where it is, and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coin {
    /// Block height of the transaction that created it.
    pub height: u64,
    /// That transaction's index in its block.
    pub tx_index: u32,
    /// The output's index in the transaction.
    pub output: u8,
    /// ETH (zero) or an ERC-20.
    pub token: Address,
    /// Amount in the token's base unit.
    pub amount: U256,
}

impl Coin {
    /// Its position, as inputs and exits name it.
    pub fn pos(&self) -> UtxoPos {
        UtxoPos::new(self.height, self.tx_index, self.output)
    }
}

fn rpc_err(what: &'static str) -> impl Fn(tonic::Status) -> DevnetError {
    move |s| DevnetError::Rpc { what, reason: s.message().to_string() }
}

impl Devnet {
    /// A client of validator `k` of chain `i`, waiting (30 s at most) for its API to answer.
    pub async fn client(&self, i: usize, k: usize) -> Result<plasma_proto::Client, DevnetError> {
        let url = self.state.chains[i].nodes[k].url();
        plasma_proto::Client::connect_within(url.clone(), Duration::from_secs(30))
            .await
            .map_err(|e| DevnetError::Rpc { what: "connect", reason: format!("{url}: {e}") })
    }

    /// The chain at `path`.
    pub fn chain(&self, path: &str) -> Result<usize, DevnetError> {
        self.state.find(path).ok_or_else(|| DevnetError::UnknownChain(path.into()))
    }

    /// The signing domain of chain `i`: its transactions' and its votes'.
    pub fn domain(&self, i: usize) -> SigningDomain {
        let root = &self.state.root;
        let mut path = self.state.lineage(i);
        let chain = path.pop().unwrap_or(self.state.chains[i].chain_id);
        SigningDomain::under(&path, chain, root.chain_id, root.contract)
    }

    /// `owner`'s unspent outputs on chain `i` (as its validator 0 sees them), in position
    /// order.
    pub async fn coins(&self, i: usize, owner: Address) -> Result<Vec<Coin>, DevnetError> {
        let mut c = self.client(i, 0).await?;
        let utxos = c
            .chain
            .get_utxos(GetUtxosRequest { owner: owner.to_vec() })
            .await
            .map_err(rpc_err("GetUtxos"))?
            .into_inner();
        let mut out = Vec::with_capacity(utxos.utxos.len());
        for u in &utxos.utxos {
            let c = convert::coin(u).map_err(untrusted)?;
            out.push(Coin {
                height: c.pos.blockHeight,
                tx_index: c.pos.txIndex,
                output: c.pos.outputIndex,
                token: c.token,
                amount: c.amount,
            });
        }
        out.sort();
        Ok(out)
    }

    /// Waits (`timeout`) until `owner` holds at least `n` outputs on chain `i`.
    pub async fn wait_coins(
        &self,
        i: usize,
        owner: Address,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Coin>, DevnetError> {
        let since = Instant::now();
        loop {
            let coins = self.coins(i, owner).await?;
            if coins.len() >= n {
                return Ok(coins);
            }
            if since.elapsed() > timeout {
                return Err(DevnetError::Timeout(format!(
                    "{owner} holds {} outputs on {}, not {n}",
                    coins.len(),
                    self.state.chains[i].path
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Submits `stx` to chain `i` (validator 0); the node's refusal is an error.
    pub async fn submit(&self, i: usize, stx: &SignedTransaction) -> Result<(), DevnetError> {
        let mut c = self.client(i, 0).await?;
        c.chain
            .submit_tx(SubmitTxRequest { tx: stx.abi_encode() })
            .await
            .map(drop)
            .map_err(rpc_err("SubmitTx"))
    }

    /// Where chain `i` committed the transaction `hash`, once it has: a plasma parent's lock
    /// of a deposit into its child is the deposit's nonce there (`TxRef::deposit_nonce`).
    pub async fn placed(
        &self,
        i: usize,
        hash: B256,
        timeout: Duration,
    ) -> Result<TxRef, DevnetError> {
        let since = Instant::now();
        let mut c = self.client(i, 0).await?;
        loop {
            let found = c.chain.get_tx(GetTxRequest { tx_hash: hash.to_vec() }).await;
            match found {
                Ok(r) => {
                    let r = r.into_inner();
                    return Ok(TxRef { height: r.height, index: r.index });
                }
                // Not committed yet, or the node busy: ask again until the deadline.
                Err(s) if matches!(s.code(), tonic::Code::NotFound | tonic::Code::Unavailable) => {}
                Err(s) => return Err(rpc_err("GetTx")(s)),
            }
            if since.elapsed() > timeout {
                let path = &self.state.chains[i].path;
                return Err(DevnetError::Timeout(format!("{path} never committed {hash}")));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Chain `child`'s id and where its plasma parent registered it: what a lock into it
    /// names ([`lock_for_child`]).
    pub async fn registered(&self, child: usize) -> Result<(u64, TxRef), DevnetError> {
        let entry = self.child_entry(child).await?;
        let at = TxRef { height: entry.registered_height, index: entry.registered_index };
        Ok((self.state.chains[child].chain_id, at))
    }

    /// Where chain `child`'s plasma parent last changed its stakes and what they hold: what
    /// a stake or bond of it names.
    pub async fn stakes(&self, child: usize) -> Result<(TxRef, U256), DevnetError> {
        let entry = self.child_entry(child).await?;
        convert::stakes(&entry)
            .map_err(|e| DevnetError::Rpc { what: "GetChild", reason: e.to_string() })
    }

    /// Chain `child`'s entry on its plasma parent.
    pub async fn child_entry(&self, child: usize) -> Result<GetChildResponse, DevnetError> {
        let chain = &self.state.chains[child];
        let parent = chain.parent.ok_or_else(|| DevnetError::Rpc {
            what: "GetChild",
            reason: format!("{} hangs under the root, not a plasma chain", chain.path),
        })?;
        let mut c = self.client(parent, 0).await?;
        c.children
            .get_child(GetChildRequest { chain_id: chain.chain_id })
            .await
            .map(tonic::Response::into_inner)
            .map_err(rpc_err("GetChild"))
    }

    /// Waits (`timeout`) until chain `i`'s checkpoint on its parent reaches `height`;
    /// returns it.
    pub async fn wait_checkpoint(
        &self,
        i: usize,
        height: u64,
        timeout: Duration,
    ) -> Result<u64, DevnetError> {
        let since = Instant::now();
        loop {
            let now = self.checkpoint(i).await.map_or(0, |c| c.0);
            if now >= height {
                return Ok(now);
            }
            if since.elapsed() > timeout {
                return Err(DevnetError::Timeout(format!(
                    "{}'s checkpoints stalled at {now}, waiting for {height}",
                    self.state.chains[i].path
                )));
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// What an exit of the output created by transaction `(height, tx_index)` on chain `i`
    /// shows the parent: its inclusion proven under the checkpointed block at `anchor`, and
    /// that block's header.
    pub async fn exit_evidence(
        &self,
        i: usize,
        height: u64,
        tx_index: u32,
        anchor: u64,
    ) -> Result<(TxInclusion, BlockHeader), DevnetError> {
        self.exit_evidence_from(i, 0, height, tx_index, anchor).await
    }

    /// [`Devnet::exit_evidence`] as validator `k` of chain `i` serves it (a user keeps the
    /// data of the node it trusts).
    pub async fn exit_evidence_from(
        &self,
        i: usize,
        k: usize,
        height: u64,
        tx_index: u32,
        anchor: u64,
    ) -> Result<(TxInclusion, BlockHeader), DevnetError> {
        let mut c = self.client(i, k).await?;
        // The anchor is a checkpoint the parent accepted: another validator may have decided
        // and submitted it a moment before this one stored it.
        c.wait_height(anchor, Duration::from_secs(30)).await.map_err(|e| {
            DevnetError::Timeout(format!(
                "{} validator {k}: {}",
                self.state.chains[i].path,
                e.message()
            ))
        })?;
        let request = GetInclusionProofRequest { height, tx_index, anchor_height: anchor };
        let inclusion = c
            .chain
            .get_inclusion_proof(request)
            .await
            .map_err(rpc_err("GetInclusionProof"))?
            .into_inner()
            .inclusion;
        let block = c
            .chain
            .get_block(GetBlockRequest { height: anchor })
            .await
            .map_err(rpc_err("GetBlock"))?
            .into_inner();
        Ok((
            convert::inclusion("GetInclusionProofResponse.inclusion", &inclusion)
                .map_err(untrusted)?,
            convert::block("GetBlockResponse.block", &block.block).map_err(untrusted)?.header,
        ))
    }

    /// The payload of a first exit on chain `parent` of the output at `pos` of its child `i`
    /// (naming no earlier cancellation), proven under the child's checkpoint at `anchor` from
    /// validator `k`'s data, with where the parent accepted that checkpoint (as its first
    /// validator serves it).
    pub async fn child_exit_start(
        &self,
        parent: usize,
        (i, k): (usize, usize),
        pos: UtxoPos,
        anchor: u64,
    ) -> Result<ChildExitStart, DevnetError> {
        let (inclusion, header) =
            self.exit_evidence_from(i, k, pos.blockHeight, pos.txIndex, anchor).await?;
        let mut node = self.client(parent, 0).await?;
        let parent_id = self.state.chains[parent].chain_id;
        let acceptance = plasma_client::hops::acceptance(&mut node, parent_id, &header)
            .await
            .map_err(|e| DevnetError::Rpc { what: "GetChildCheckpoint", reason: e.to_string() })?;
        Ok(ChildExitStart {
            childChainId: header.chainId,
            anchor: header,
            pos,
            inclusion,
            acceptance,
            ..Default::default()
        })
    }

    /// Sends `wei` ETH on the root from anvil's first account to `to`.
    pub async fn fund(&self, to: Address, wei: U256) -> Result<(), DevnetError> {
        use alloy::providers::Provider;
        let provider = self.root.contract().provider();
        let tx = alloy::rpc::types::TransactionRequest::default()
            .from(self.operator())
            .to(to)
            .value(wei);
        let failed = |e: &dyn std::fmt::Display| DevnetError::Root(format!("fund: {e}"));
        let pending = provider.send_transaction(tx).await.map_err(|e| failed(&e))?;
        pending.get_receipt().await.map_err(|e| failed(&e))?;
        Ok(())
    }

    /// Advances the root's clock by `seconds` and mines a block (anvil's time warp).
    pub async fn warp(&self, seconds: u64) -> Result<(), DevnetError> {
        use alloy::providers::Provider;
        let provider = self.root.contract().provider();
        let failed = |e: &dyn std::fmt::Display| DevnetError::Root(format!("time warp: {e}"));
        provider
            .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(|e| failed(&e))?;
        provider
            .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
            .await
            .map_err(|e| failed(&e))?;
        Ok(())
    }
}

/// The stake of `operator` in a child entry's `stakes` (zero when it has none; an error when
/// the node answers a malformed entry).
pub fn stake_of(
    stakes: &[plasma_proto::v1::Locked],
    operator: Address,
) -> Result<U256, DevnetError> {
    convert::stake_of(stakes, operator).map_err(untrusted)
}

/// A node's answer that does not convert into the ledger's types.
fn untrusted(e: convert::ConvertError) -> DevnetError {
    DevnetError::Rpc { what: "decode", reason: e.to_string() }
}

/// `from` spends `coin` (ETH) on a chain of `domain` into a transaction of `kind` with
/// `payload`, locking `locked` (a deposit into a child, a bond or a stake) and keeping the
/// change.
pub fn spend_into(
    domain: &SigningDomain,
    from: &UserKey,
    coin: &Coin,
    kind: Kind,
    locked: U256,
    payload: Vec<u8>,
) -> SignedTransaction {
    let held = (coin.token, coin.amount);
    build::spend_locking(domain, from, coin.pos(), held, kind, locked, payload)
}

/// Locks `amount` of `coin`'s token for `recipient` on child chain `child` (a deposit into
/// its escrow on the parent of `domain`).
pub fn lock_for_child(
    domain: &SigningDomain,
    from: &UserKey,
    coin: &Coin,
    (child, registered): (u64, TxRef),
    recipient: Address,
    amount: U256,
) -> SignedTransaction {
    let lock = ChildDeposit {
        childChainId: child,
        recipient,
        token: coin.token,
        amount,
        registeredHeight: registered.height,
        registeredIndex: registered.index,
        ..Default::default()
    };
    spend_into(domain, from, coin, Kind::DepositToChild, amount, lock.abi_encode())
}
