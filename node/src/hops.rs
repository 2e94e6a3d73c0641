//! Moving value across levels of the tree in one command: a deposit from the root down to any
//! descendant, and an exit from any chain up to the root, as compositions of single hops.
//!
//! * down: the root's `deposit` into the first plasma chain, then a `DepositToChild` on each
//!   chain into the next, each waiting until the next chain minted it;
//! * up: a bonded `StartChildExit` on each plasma parent, waiting until the parent paid it
//!   after the exit period, then the root's `startExit` of what the last one paid.
//!
//! Every step is written to a [`Journal`] before and after it is taken, so an interrupted
//! transfer resumes where it stopped and never sends a step twice. Progress is reported per
//! hop through a callback.

use alloy_sol_types::SolValue;
use eyre::{bail, eyre, WrapErr};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{
    Address, Block, ChildDeposit, ChildExitStart, Output, SignedTransaction, Transaction,
    TxInclusion, TxKind, UtxoPos, U256,
};
use plasma_proto::v1::{
    GetBlockRequest, GetChildRequest, GetInclusionProofRequest, GetTxRequest, GetUtxosRequest,
    StatusRequest, SubmitTxRequest,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

type Node = plasma_proto::Client;

/// How long one hop may wait for its effect (a mint, a checkpoint, a payout).
const HOP_TIMEOUT: Duration = Duration::from_secs(900);
/// How often a waiting hop asks a node again.
const POLL: Duration = Duration::from_millis(100);

/// Where each plasma chain of a tree is served, by path (`/A`, `/A/B`): what `plasma --tree`
/// reads, and `plasma-devnet` writes as `<dir>/tree.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    /// The root chain's JSON-RPC endpoint (Ethereum).
    pub root_rpc: String,
    /// Every plasma chain, parents first.
    pub chains: Vec<TreeChain>,
}

/// One chain of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeChain {
    /// `/A/B`: the root's child `A`, then its child `B`.
    pub path: String,
    /// The chain's id.
    pub chain_id: u64,
    /// gRPC endpoints of its nodes.
    pub endpoints: Vec<String>,
}

impl Tree {
    /// Reads a tree file.
    pub fn load(path: &std::path::Path) -> eyre::Result<Self> {
        let text = std::fs::read_to_string(path)
            .wrap_err_with(|| format!("reading the tree file {}", path.display()))?;
        serde_json::from_str(&text).wrap_err_with(|| format!("tree file {}", path.display()))
    }

    /// The chain at `path` (`/A/B`).
    pub fn chain(&self, path: &str) -> eyre::Result<&TreeChain> {
        let path = format!("/{}", path.trim_matches('/'));
        self.chains.iter().find(|c| c.path == path).ok_or_else(|| {
            let known: Vec<&str> = self.chains.iter().map(|c| c.path.as_str()).collect();
            eyre!("no chain {path} in the tree (it has {})", known.join(", "))
        })
    }

    /// A gRPC endpoint of every chain from the root's child down to `path`, in order.
    pub fn route(&self, path: &str) -> eyre::Result<Vec<String>> {
        let names: Vec<&str> = path.trim_matches('/').split('/').collect();
        if names.iter().any(|n| n.is_empty()) {
            bail!("{path:?} is not a chain path (`/A/B`)");
        }
        (1..=names.len())
            .map(|n| {
                let chain = self.chain(&names[..n].join("/"))?;
                chain
                    .endpoints
                    .first()
                    .cloned()
                    .ok_or_else(|| eyre!("{} has no endpoint", chain.path))
            })
            .collect()
    }
}

/// What a multi-hop transfer has done so far, kept in a file (or only in memory).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    /// The transfer this journal belongs to (a resume must ask for the same one).
    pub transfer: String,
    /// Steps taken: name → value (a nonce, a transaction hash, an output position, …).
    pub steps: BTreeMap<String, String>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

impl Journal {
    /// The journal at `path` for `transfer`: resumed if the file holds the same transfer,
    /// new if there is no file; an error if the file holds another one.
    pub fn open(path: Option<PathBuf>, transfer: String) -> eyre::Result<Self> {
        let Some(p) = path else { return Ok(Self { transfer, ..Default::default() }) };
        if !p.exists() {
            return Ok(Self { transfer, steps: BTreeMap::new(), path: Some(p) });
        }
        let text = std::fs::read_to_string(&p).wrap_err_with(|| format!("{}", p.display()))?;
        let mut j: Journal =
            serde_json::from_str(&text).wrap_err_with(|| format!("{}", p.display()))?;
        if j.transfer != transfer {
            bail!(
                "{} records another transfer ({}); use another --state file",
                p.display(),
                j.transfer
            );
        }
        j.path = Some(p);
        Ok(j)
    }

    fn get(&self, step: &str) -> Option<&String> {
        self.steps.get(step)
    }

    fn record(&mut self, step: &str, value: impl ToString) -> eyre::Result<()> {
        self.steps.insert(step.to_string(), value.to_string());
        if let Some(p) = &self.path {
            let tmp = p.with_extension("tmp");
            std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
            std::fs::rename(&tmp, p).wrap_err_with(|| format!("writing {}", p.display()))?;
        }
        Ok(())
    }
}

async fn connect(rpc: &str) -> eyre::Result<Node> {
    plasma_proto::Client::connect(rpc.to_string())
        .await
        .wrap_err_with(|| format!("cannot reach {rpc}"))
}

/// A plasma chain's node, its chain id and signing domain.
pub(crate) struct Chain {
    pub(crate) rpc: String,
    pub(crate) node: Node,
    pub(crate) id: u64,
    pub(crate) domain: SigningDomain,
}

impl Chain {
    pub(crate) async fn at(rpc: &str) -> eyre::Result<Self> {
        let mut node = connect(rpc).await?;
        let s = node.node.status(StatusRequest {}).await.map_err(status)?.into_inner();
        if s.root_contract.len() != 20 {
            bail!("{rpc} reported a malformed root contract address");
        }
        let domain =
            SigningDomain::new(s.chain_id, s.root_chain_id, Address::from_slice(&s.root_contract));
        Ok(Self { rpc: rpc.to_string(), node, id: s.chain_id, domain })
    }

    /// Unspent outputs of `owner`: (position, token, amount).
    pub(crate) async fn coins(
        &mut self,
        owner: Address,
    ) -> eyre::Result<Vec<(UtxoPos, Address, U256)>> {
        let r = self.node.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await;
        let mut out = Vec::new();
        for u in r.map_err(status)?.into_inner().utxos {
            let index = u8::try_from(u.output_index).map_err(|_| eyre!("bad output index"))?;
            let pos = UtxoPos::new(u.height, u.tx_index, index);
            out.push((pos, Address::from_slice(&u.token), U256::from_be_slice(&u.amount)));
        }
        Ok(out)
    }

    /// Waits for an output of `owner` holding `amount` of `token` that is not in `before`.
    async fn arrival(
        &mut self,
        owner: Address,
        token: Address,
        amount: U256,
        before: &BTreeSet<String>,
    ) -> eyre::Result<UtxoPos> {
        let deadline = Instant::now() + HOP_TIMEOUT;
        loop {
            for (pos, t, a) in self.coins(owner).await? {
                if t == token && a == amount && !before.contains(&pos.to_string()) {
                    return Ok(pos);
                }
            }
            if Instant::now() > deadline {
                bail!("nothing arrived on {} after {HOP_TIMEOUT:?}", self.rpc);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The smallest ETH output of `owner` holding `amount` or more: (position, amount).
    pub(crate) async fn eth_coin(
        &mut self,
        owner: Address,
        amount: U256,
    ) -> eyre::Result<Option<(UtxoPos, U256)>> {
        let coins = self.coins(owner).await?.into_iter();
        let eth = coins.filter(|(_, token, held)| *token == Address::ZERO && *held >= amount);
        Ok(eth.min_by_key(|(_, _, held)| *held).map(|(pos, _, held)| (pos, held)))
    }

    async fn positions(&mut self, owner: Address) -> eyre::Result<BTreeSet<String>> {
        Ok(self.coins(owner).await?.into_iter().map(|(p, _, _)| p.to_string()).collect())
    }

    /// Submits `stx` unless it is committed already (a resumed step).
    pub(crate) async fn submit_once(&mut self, stx: &SignedTransaction) -> eyre::Result<()> {
        let hash = stx.transaction.hash().to_vec();
        if self.node.chain.get_tx(GetTxRequest { tx_hash: hash }).await.is_ok() {
            return Ok(());
        }
        match self.node.chain.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await {
            Ok(_) => Ok(()),
            Err(s) if s.code() == tonic::Code::AlreadyExists => Ok(()),
            Err(s) => bail!("{} refused the transaction: {}", self.rpc, s.message()),
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
    kind: TxKind,
    locked: U256,
    payload: Vec<u8>,
) -> SignedTransaction {
    let change = held.saturating_sub(locked);
    let outputs = if change.is_zero() {
        vec![]
    } else {
        vec![Output::new(key.address(), Address::ZERO, change)]
    };
    let tx = Transaction { kind: kind as u8, inputs: vec![pos], outputs, data: payload.into() };
    let sig = key.sign_tx(domain, &tx);
    SignedTransaction { transaction: tx, signatures: vec![sig.to_vec().into()] }
}

pub(crate) fn status(s: tonic::Status) -> eyre::Report {
    eyre!("{}", s.message())
}

fn sets(text: Option<&String>) -> BTreeSet<String> {
    text.map(|t| t.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(",")
}

fn parse_pos(s: &str) -> eyre::Result<UtxoPos> {
    let p: Vec<&str> = s.split(':').collect();
    let [h, i, o] = p.as_slice() else { bail!("journal position {s:?}") };
    Ok(UtxoPos::new(h.parse()?, i.parse()?, o.parse()?))
}

/// What a deposit moves, and to whom.
#[derive(Debug, Clone, Copy)]
pub struct Deposit {
    /// The asset (root token address; zero for ETH).
    pub token: Address,
    /// How much, in its smallest unit.
    pub amount: U256,
    /// Who receives it on the last chain.
    pub recipient: Address,
}

/// Deposits `amount` of `token` from `key`'s root account to `recipient` on the last of
/// `chains` (gRPC endpoints, the root's child first), hop by hop. Returns the output minted
/// on the last chain.
pub async fn deposit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    what: Deposit,
    chains: &[String],
    journal: &mut Journal,
    progress: &dyn Fn(String),
) -> eyre::Result<UtxoPos> {
    let Deposit { token, amount, recipient } = what;
    let n = chains.len();
    let Some(first) = chains.first() else { bail!("no chain to deposit into") };
    let mut here = Chain::at(first).await?;
    let to = |i: usize| if i + 1 == n { recipient } else { key.address() };
    // Hop 1: the root into the first chain.
    let mut coin = match journal.get("1.coin") {
        Some(c) => parse_pos(c)?,
        None => {
            if journal.get("1.nonce").is_none() {
                let before = here.positions(to(0)).await?;
                journal.record("1.before", join(&before))?;
                if token != Address::ZERO {
                    let erc20 =
                        plasma_bridge::bindings::MockERC20::new(token, root.provider().clone());
                    let approve = erc20.approve(root.address(), amount).from(key.address());
                    let pending =
                        approve.send().await.map_err(|e| eyre!("approving {token}: {e}"))?;
                    pending.get_receipt().await.map_err(|e| eyre!("approving {token}: {e}"))?;
                }
                let (record, _) = root
                    .deposit(key.address(), here.id, to(0), token, amount)
                    .await
                    .map_err(|e| eyre!("root deposit: {e}"))?;
                journal.record("1.nonce", record.nonce)?;
                progress(format!(
                    "hop 1/{n}: root → chain {}: deposit recorded (nonce {})",
                    here.id, record.nonce
                ));
            }
            progress(format!("hop 1/{n}: waiting for chain {} to mint it…", here.id));
            let before = sets(journal.get("1.before"));
            let pos = here.arrival(to(0), token, amount, &before).await?;
            journal.record("1.coin", &pos)?;
            pos
        }
    };
    progress(format!("hop 1/{n}: minted on chain {} at {coin}", here.id));
    // Hops 2..: each chain into its child.
    for (i, rpc) in chains.iter().enumerate().skip(1) {
        let hop = i + 1;
        let mut child = Chain::at(rpc).await?;
        let step = |s: &str| format!("{hop}.{s}");
        if let Some(c) = journal.get(&step("coin")) {
            coin = parse_pos(c)?;
        } else {
            if journal.get(&step("before")).is_none() {
                let before = child.positions(to(i)).await?;
                journal.record(&step("before"), join(&before))?;
            }
            let lock = ChildDeposit { childChainId: child.id, recipient: to(i), token, amount };
            let tx = Transaction {
                kind: TxKind::DepositToChild as u8,
                inputs: vec![coin.clone()],
                outputs: vec![],
                data: lock.abi_encode().into(),
            };
            let sig = key.sign_tx(&here.domain, &tx);
            let stx = SignedTransaction { transaction: tx, signatures: vec![sig.to_vec().into()] };
            here.submit_once(&stx).await?;
            journal.record(&step("tx"), stx.transaction.hash())?;
            progress(format!(
                "hop {hop}/{n}: chain {} → chain {}: locked on chain {}; waiting for the mint…",
                here.id, child.id, here.id
            ));
            let before = sets(journal.get(&step("before")));
            coin = child.arrival(to(i), token, amount, &before).await?;
            journal.record(&step("coin"), &coin)?;
        }
        progress(format!("hop {hop}/{n}: minted on chain {} at {coin}", child.id));
        here = child;
    }
    Ok(coin)
}

/// Exits the output at `pos` of `key` on the first of `chains` (gRPC endpoints, that chain
/// first, then each parent up to the root's child) to the root: a bonded exit on each plasma
/// parent, waited out until paid, then the root's `startExit`. Returns the last chain's
/// output whose exit was started on the root, and the checkpoint it was proven under.
pub async fn exit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    pos: UtxoPos,
    chains: &[String],
    journal: &mut Journal,
    progress: &dyn Fn(String),
) -> eyre::Result<(UtxoPos, u64)> {
    let n = chains.len();
    let Some(first) = chains.first() else { bail!("no chain to exit from") };
    let mut here = Chain::at(first).await?;
    let mut pos = pos;
    for (i, rpc) in chains.iter().enumerate().skip(1) {
        let hop = i;
        let step = |s: &str| format!("{hop}.{s}");
        let mut parent = Chain::at(rpc).await?;
        if let Some(c) = journal.get(&step("coin")) {
            pos = parse_pos(c)?;
            progress(format!("hop {hop}/{n}: paid on chain {} at {pos}", parent.id));
            here = parent;
            continue;
        }
        let owner_output = exit_output(&mut here, &pos).await?;
        if journal.get(&step("tx")).is_none() {
            let anchor =
                covering_checkpoint(&mut parent, here.id, pos.blockHeight, progress).await?;
            let (inclusion, header) = evidence(&mut here, &pos, anchor).await?;
            let entry = parent
                .node
                .children
                .get_child(GetChildRequest { chain_id: here.id })
                .await
                .map_err(status)?
                .into_inner();
            let bond = U256::from_be_slice(&entry.exit_bond);
            let before = parent.positions(key.address()).await?;
            let bond_coin = parent.eth_coin(key.address(), bond).await?.ok_or_else(|| {
                eyre!(
                    "the exit bond is {bond} wei of ETH on chain {}: {} holds no such output there",
                    parent.id,
                    key.address()
                )
            })?;
            let payload = ChildExitStart {
                childChainId: here.id,
                anchor: header,
                pos: pos.clone(),
                inclusion,
            };
            let kind = TxKind::StartChildExit;
            let stx = lock_eth(key, &parent.domain, bond_coin, kind, bond, payload.abi_encode());
            journal.record(&step("before"), join(&before))?;
            parent.submit_once(&stx).await?;
            journal.record(&step("tx"), stx.transaction.hash())?;
            progress(format!(
                "hop {hop}/{n}: chain {} → chain {}: exit of {pos} started under checkpoint {anchor} (bond {bond} wei)",
                here.id, parent.id
            ));
        }
        progress(format!(
            "hop {hop}/{n}: waiting for chain {}'s exit period to pass and the payout…",
            parent.id
        ));
        let before = sets(journal.get(&step("before")));
        pos =
            parent.arrival(key.address(), owner_output.token, owner_output.amount, &before).await?;
        journal.record(&step("coin"), &pos)?;
        progress(format!("hop {hop}/{n}: paid on chain {} at {pos}", parent.id));
        here = parent;
    }
    // The last hop: the root.
    if let Some(a) = journal.get(&format!("{n}.anchor")) {
        let anchor = a.parse()?;
        progress(format!("hop {n}/{n}: exit of {pos} already started on the root"));
        return Ok((pos, anchor));
    }
    // One hop (the output is on the root's child) answers at once; after a payout on a
    // plasma parent, its chain's next checkpoint on the root is waited for.
    let anchor = root_exit(root, key, &mut here, &pos, n > 1, progress).await?;
    journal.record(&format!("{n}.anchor"), anchor)?;
    progress(format!(
        "hop {n}/{n}: chain {} → root: exit of {pos} started under checkpoint {anchor}",
        here.id
    ));
    Ok((pos, anchor))
}

/// The output at `pos` on `chain`.
async fn exit_output(chain: &mut Chain, pos: &UtxoPos) -> eyre::Result<Output> {
    let block = chain
        .node
        .chain
        .get_block(GetBlockRequest { height: pos.blockHeight })
        .await
        .map_err(status)?
        .into_inner();
    let block = Block::abi_decode(&block.block).map_err(|e| eyre!("malformed block: {e}"))?;
    let tx = block
        .transactions
        .get(pos.txIndex as usize)
        .ok_or_else(|| eyre!("block {} has no transaction {}", pos.blockHeight, pos.txIndex))?;
    tx.transaction
        .outputs
        .get(usize::from(pos.outputIndex))
        .cloned()
        .ok_or_else(|| eyre!("{pos} does not exist"))
}

/// The latest checkpoint of `child` on `parent` at or above `height`, waited for.
async fn covering_checkpoint(
    parent: &mut Chain,
    child: u64,
    height: u64,
    progress: &dyn Fn(String),
) -> eyre::Result<u64> {
    let deadline = Instant::now() + HOP_TIMEOUT;
    let mut told = false;
    loop {
        let entry = parent
            .node
            .children
            .get_child(GetChildRequest { chain_id: child })
            .await
            .map_err(status)?
            .into_inner();
        if entry.rollback_height != 0 {
            let rollback = entry.rollback_height;
            if height >= rollback {
                bail!("block {height} is at or after block {rollback}, which chain {} rolled back after a fraud proof: this output cannot exit", parent.id);
            }
            // The last checkpoint before the rollback: the epoch end below it, if accepted.
            let epoch = entry.epoch_length.max(1);
            let last = (rollback - 1) / epoch * epoch;
            if last < height {
                bail!("no checkpoint between block {height} and the rollback at {rollback}");
            }
            return Ok(last);
        }
        if entry.last_height >= height {
            return Ok(entry.last_height);
        }
        if !told {
            progress(format!(
                "waiting for chain {child}'s checkpoint of block {height} on chain {}…",
                parent.id
            ));
            told = true;
        }
        if Instant::now() > deadline {
            bail!("block {height} of chain {child} not checkpointed on chain {} after {HOP_TIMEOUT:?}", parent.id);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The inclusion of the transaction at `pos` under the checkpoint at `anchor`, and its header.
async fn evidence(
    chain: &mut Chain,
    pos: &UtxoPos,
    anchor: u64,
) -> eyre::Result<(TxInclusion, plasma_ledger::BlockHeader)> {
    // The parent may accept a checkpoint a moment before the node asked has committed the
    // block: another validator decided and submitted it first.
    chain.node.wait_height(anchor, HOP_TIMEOUT).await.map_err(|s| {
        eyre!("{} never reached the checkpointed block {anchor}: {}", chain.rpc, s.message())
    })?;
    let request = GetInclusionProofRequest {
        height: pos.blockHeight,
        tx_index: pos.txIndex,
        anchor_height: anchor,
    };
    let inclusion =
        chain.node.chain.get_inclusion_proof(request).await.map_err(status)?.into_inner();
    let inclusion = TxInclusion::abi_decode(&inclusion.inclusion)
        .map_err(|e| eyre!("the node returned a malformed proof: {e}"))?;
    let block =
        chain.node.chain.get_block(GetBlockRequest { height: anchor }).await.map_err(status)?;
    let header = Block::abi_decode(&block.into_inner().block)
        .map_err(|e| eyre!("the node returned a malformed block: {e}"))?
        .header;
    Ok((inclusion, header))
}

/// Starts the exit of `pos` on the root under the chain's latest usable checkpoint (the last
/// one before a rollback, if the root froze the chain); returns that checkpoint's height.
async fn root_exit(
    root: &plasma_bridge::Root,
    key: &UserKey,
    chain: &mut Chain,
    pos: &UtxoPos,
    patient: bool,
    progress: &dyn Fn(String),
) -> eyre::Result<u64> {
    let chain_id = chain.id;
    let deadline = Instant::now() + HOP_TIMEOUT;
    let mut told = false;
    let anchor = loop {
        let c = root
            .contract()
            .chain(chain_id)
            .call()
            .await
            .map_err(|e| eyre!("reading chain {chain_id} on the root: {e}"))?;
        if c.rollbackHeight != 0 {
            let rollback = c.rollbackHeight;
            if pos.blockHeight >= rollback {
                bail!("block {} is at or after block {rollback}, which the root rolled back after a fraud proof: this output cannot exit", pos.blockHeight);
            }
            let epoch = c.epochLength.max(1);
            let mut h = (rollback - 1) / epoch * epoch;
            loop {
                if h < pos.blockHeight {
                    bail!("no checkpoint between block {} and the rollback at {rollback}: this output cannot be proven on the root", pos.blockHeight);
                }
                if !root.checkpoint(chain_id, h).await.map_err(|e| eyre!("{e}"))?.is_zero() {
                    break;
                }
                h -= epoch;
            }
            progress(format!("chain {chain_id} is frozen (rolled back from block {rollback}): exiting under checkpoint {h}"));
            break h;
        }
        if c.lastHeight >= pos.blockHeight {
            break c.lastHeight;
        }
        if !patient {
            bail!(
                "block {} is not checkpointed yet (the root's latest checkpoint is {}); try again after the next epoch",
                pos.blockHeight,
                c.lastHeight
            );
        }
        if !told {
            progress(format!(
                "waiting for chain {chain_id}'s checkpoint of block {} on the root…",
                pos.blockHeight
            ));
            told = true;
        }
        if Instant::now() > deadline {
            bail!(
                "block {} is not checkpointed on the root after {HOP_TIMEOUT:?}",
                pos.blockHeight
            );
        }
        tokio::time::sleep(POLL).await;
    };
    let (inclusion, header) = evidence(chain, pos, anchor).await?;
    let bond = root.exit_bond().await.map_err(|e| eyre!("{e}"))?;
    root.start_exit(key.address(), &header, pos, &inclusion, bond)
        .await
        .map_err(|e| eyre!("{e}"))?;
    Ok(anchor)
}

#[cfg(test)]
mod tree_tests {
    use super::*;

    fn tree() -> Tree {
        let chain = |path: &str, id, port| TreeChain {
            path: path.into(),
            chain_id: id,
            endpoints: vec![format!("http://127.0.0.1:{port}")],
        };
        Tree {
            root_rpc: "http://127.0.0.1:8545".into(),
            chains: vec![chain("/A", 1, 9090), chain("/A/B", u64::MAX - 1, 9091)],
        }
    }

    #[test]
    fn a_route_names_each_chain_from_the_roots_child_down() {
        let t = tree();
        assert_eq!(t.route("/A/B").unwrap(), ["http://127.0.0.1:9090", "http://127.0.0.1:9091"]);
        assert_eq!(t.route("A").unwrap(), ["http://127.0.0.1:9090"]);
        let text = serde_json::to_string(&t).unwrap();
        assert_eq!(
            serde_json::from_str::<Tree>(&text).unwrap(),
            t,
            "ids above i64::MAX round-trip"
        );
    }

    #[test]
    fn unknown_or_malformed_paths_are_refused_with_the_known_ones() {
        let t = tree();
        let e = t.route("/A/C").unwrap_err().to_string();
        assert!(e.contains("no chain /A/C") && e.contains("/A, /A/B"), "{e}");
        assert!(t.route("//").unwrap_err().to_string().contains("not a chain path"));
        assert!(
            serde_json::from_str::<Tree>(r#"{"root_rpc": "x", "chains": [], "extra": 1}"#).is_err()
        );
    }
}
