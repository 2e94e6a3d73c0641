//! Up the tree: a bonded exit on each plasma parent, waited out until paid, then the root's
//! `startExit`.

use super::{lock_eth, Chain, Journal, HOP_TIMEOUT, POLL};
use crate::convert::{self, ConvertError};
use crate::error::{Error, Result};
use alloy_sol_types::SolValue;
use plasma_bridge::acceptance::fetch_acceptance;
use plasma_ledger::exit::ExitKey;
use plasma_ledger::signing::UserKey;
use plasma_ledger::{
    Acceptance, BlockHeader, ChildExitStart, Kind, Output, TxInclusion, TxRef, UtxoPos, B256,
};
use plasma_proto::v1::{
    GetBlockRequest, GetChildRequest, GetExitCancellationRequest, GetInclusionProofRequest,
};
use std::time::Instant;

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
) -> Result<(UtxoPos, u64)> {
    let n = chains.len();
    let Some(first) = chains.first() else { return Err(Error::NoRoute("exit from")) };
    let mut here = Chain::at(first).await?;
    let mut pos = pos;
    for (i, rpc) in chains.iter().enumerate().skip(1) {
        let hop = i;
        let step = |s: &str| format!("{hop}.{s}");
        let mut parent = Chain::at(rpc).await?;
        if let Some(c) = journal.position(&step("coin"))? {
            pos = c;
            progress(format!("hop {hop}/{n}: paid on chain {} at {pos}", parent.id));
            here = parent;
            continue;
        }
        let owner_output = exit_output(&mut here, &pos).await?;
        if journal.get(&step("tx")).is_none() {
            let anchor =
                covering_checkpoint(&mut parent, here.id, pos.blockHeight, progress).await?;
            let (inclusion, header) = evidence(&mut here, &pos, anchor).await?;
            let acceptance = acceptance(&mut parent.node, parent.id, &header).await?;
            let request = GetChildRequest { chain_id: here.id };
            let entry = parent.node.children.get_child(request).await?.into_inner();
            let bond = convert::u256("GetChildResponse.exit_bond", &entry.exit_bond)?;
            let before = parent.positions(key.address()).await?;
            let bond_coin = parent.eth_coin(key.address(), bond).await?.ok_or(Error::NoCoin {
                owner: key.address(),
                amount: bond,
                chain: parent.id,
                purpose: "the exit bond",
            })?;
            let claimed = &inclusion.signedTx.transaction;
            let exit_key =
                ExitKey::claimed(claimed, pos.outputIndex).map_err(|source| ConvertError::Abi {
                    field: "deposit record in the exited output's transaction",
                    source,
                })?;
            let cancelled =
                exit_cancellation(&mut parent.node, here.id, exit_key.exit_id()).await?;
            let payload = ChildExitStart {
                childChainId: here.id,
                anchor: header,
                pos: pos.clone(),
                inclusion,
                acceptance,
                cancelledHeight: cancelled.height,
                cancelledIndex: cancelled.index,
            };
            let kind = Kind::StartChildExit;
            let stx = lock_eth(key, &parent.domain, bond_coin, kind, bond, payload.abi_encode());
            journal.record_positions(&step("before"), &before)?;
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
        let before = journal.positions(&step("before"));
        pos = parent
            .arrival(key.address(), owner_output.token, owner_output.amount, &before, None)
            .await?;
        journal.record(&step("coin"), &pos)?;
        progress(format!("hop {hop}/{n}: paid on chain {} at {pos}", parent.id));
        here = parent;
    }
    // The last hop: the root.
    let anchored = format!("{n}.anchor");
    if let Some(a) = journal.get(&anchored) {
        let anchor = a.parse().map_err(|_| Error::Journal { step: anchored, value: a.clone() })?;
        progress(format!("hop {n}/{n}: exit of {pos} already started on the root"));
        return Ok((pos, anchor));
    }
    // One hop (the output is on the root's child) answers at once; after a payout on a
    // plasma parent, its chain's next checkpoint on the root is waited for.
    let anchor = root_exit(root, key, &mut here, &pos, n > 1, progress).await?;
    journal.record(&anchored, anchor)?;
    progress(format!(
        "hop {n}/{n}: chain {} → root: exit of {pos} started under checkpoint {anchor}",
        here.id
    ));
    Ok((pos, anchor))
}

/// The output at `pos` on `chain`.
async fn exit_output(chain: &mut Chain, pos: &UtxoPos) -> Result<Output> {
    let request = GetBlockRequest { height: pos.blockHeight };
    let block = chain.node.chain.get_block(request).await?.into_inner();
    let block = convert::block("GetBlockResponse.block", &block.block)?;
    let tx = block.transactions.get(pos.txIndex as usize);
    let output = tx.and_then(|tx| tx.transaction.outputs.get(usize::from(pos.outputIndex)));
    output.cloned().ok_or_else(|| Error::NoSuchOutput { pos: pos.clone() })
}

/// Where a rollback leaves an output of block `height`: the last checkpoint before the
/// rollback at `rollback` is the epoch end below it, which must be at or above `height`.
fn before_rollback(height: u64, rollback: u64, epoch: u64, by: String) -> Result<u64> {
    if height >= rollback {
        return Err(Error::RolledBack { height, rollback, by });
    }
    plasma_ledger::header::last_checkpoint_before(rollback, epoch)
        .filter(|last| *last >= height)
        .ok_or(Error::NoCheckpointBefore { height, rollback })
}

/// The latest checkpoint of `child` on `parent` at or above `height`, waited for.
async fn covering_checkpoint(
    parent: &mut Chain,
    child: u64,
    height: u64,
    progress: &dyn Fn(String),
) -> Result<u64> {
    let deadline = Instant::now() + HOP_TIMEOUT;
    let mut told = false;
    loop {
        let request = GetChildRequest { chain_id: child };
        let entry = parent.node.children.get_child(request).await?.into_inner();
        if entry.rollback_height != 0 {
            let by = format!("chain {}", parent.id);
            return before_rollback(height, entry.rollback_height, entry.epoch_length, by);
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
            let what =
                format!("chain {}'s checkpoint of block {height} of chain {child}", parent.id);
            return Err(Error::Timeout { what, after: HOP_TIMEOUT });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The inclusion of the transaction at `pos` under the checkpoint at `anchor`, and its header.
async fn evidence(
    chain: &mut Chain,
    pos: &UtxoPos,
    anchor: u64,
) -> Result<(TxInclusion, BlockHeader)> {
    // The parent may accept a checkpoint a moment before the node asked has committed the
    // block: another validator decided and submitted it first.
    chain.node.wait_height(anchor, HOP_TIMEOUT).await.map_err(|s| Error::Timeout {
        what: format!("{} to reach the checkpointed block {anchor} ({})", chain.rpc, s.message()),
        after: HOP_TIMEOUT,
    })?;
    let request = GetInclusionProofRequest {
        height: pos.blockHeight,
        tx_index: pos.txIndex,
        anchor_height: anchor,
    };
    let inclusion = chain.node.chain.get_inclusion_proof(request).await?.into_inner();
    let inclusion =
        convert::inclusion("GetInclusionProofResponse.inclusion", &inclusion.inclusion)?;
    let block = chain.node.chain.get_block(GetBlockRequest { height: anchor }).await?;
    let header = convert::block("GetBlockResponse.block", &block.into_inner().block)?.header;
    Ok((inclusion, header))
}

/// Where the parent `parent` (its node `node`) accepted the child checkpoint `anchor`, as an
/// exit under it shows it ([`fetch_acceptance`], checked against the block the node serves).
pub async fn acceptance(
    node: &mut plasma_proto::Client,
    parent: u64,
    anchor: &BlockHeader,
) -> Result<Acceptance> {
    let (child, height) = (anchor.chainId, anchor.height);
    fetch_acceptance(node, parent, anchor).await.map_err(|reason| Error::NotAccepted {
        parent,
        child,
        height,
        reason,
    })
}

/// Where chain `parent` last cancelled exit `exit_id` of its child `child` (0:0: no exit of it
/// was ever started), which a start of the exit names; the node refuses when the exit is
/// queued, paid or challenged.
pub(super) async fn exit_cancellation(
    node: &mut plasma_proto::Client,
    child: u64,
    exit_id: B256,
) -> Result<TxRef> {
    let request = GetExitCancellationRequest { chain_id: child, exit_id: exit_id.to_vec() };
    let latest = node.children.get_exit_cancellation(request).await?.into_inner();
    Ok(TxRef { height: latest.height, index: latest.index })
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
) -> Result<u64> {
    let chain_id = chain.id;
    let height = pos.blockHeight;
    let deadline = Instant::now() + HOP_TIMEOUT;
    let mut told = false;
    let anchor = loop {
        let reading = || format!("reading chain {chain_id} on the root");
        let c =
            root.contract().chain(chain_id).call().await.map_err(|e| Error::root(reading(), e))?;
        if c.rollbackHeight != 0 {
            let rollback = c.rollbackHeight;
            let epoch = c.epochLength.max(1);
            let mut h = before_rollback(height, rollback, epoch, "the root".into())?;
            // The epoch end below the rollback may never have been accepted: the one before.
            loop {
                let at = root.checkpoint(chain_id, h).await;
                if !at.map_err(|e| Error::root(reading(), e))?.is_zero() {
                    break;
                }
                if h < height.saturating_add(epoch) {
                    return Err(Error::NoCheckpointBefore { height, rollback });
                }
                h -= epoch;
            }
            progress(format!("chain {chain_id} is frozen (rolled back from block {rollback}): exiting under checkpoint {h}"));
            break h;
        }
        if c.lastHeight >= height {
            break c.lastHeight;
        }
        if !patient {
            return Err(Error::NotCheckpointed { height, latest: c.lastHeight });
        }
        if !told {
            progress(format!(
                "waiting for chain {chain_id}'s checkpoint of block {height} on the root…"
            ));
            told = true;
        }
        if Instant::now() > deadline {
            let what = format!("the root's checkpoint of block {height} of chain {chain_id}");
            return Err(Error::Timeout { what, after: HOP_TIMEOUT });
        }
        tokio::time::sleep(POLL).await;
    };
    let (inclusion, header) = evidence(chain, pos, anchor).await?;
    let bond = root.exit_bond().await.map_err(|e| Error::root("reading the exit bond", e))?;
    root.start_exit(key.address(), &header, pos, &inclusion, bond)
        .await
        .map_err(|e| Error::root("startExit", e))?;
    Ok(anchor)
}
