//! Fraud proofs on the watcher's own initiative.
//!
//! A node that stops following its chain while the parent keeps accepting checkpoints has
//! either fallen behind or refused a block its validators certified anyway. After a grace
//! period the watcher fetches the blocks from the last one it holds up to the parent's latest
//! checkpoint from other nodes of the chain (their gRPC API), checks that they link to the
//! checkpointed header (so no source is trusted), and judges them on its own state. The first
//! invalid one is proven to the parent, which rolls the chain back, slashes the validators
//! who certified the anchor and freezes the chain. The alert `invalid_block` is raised in
//! every case; `chain_frozen` once the parent froze the chain.
//!
//! Today proofs are built for inflation (a transfer that creates more than it spends); any
//! other invalid block is reported by the alert and its log line, without a proof.

use crate::alerts::{AlertKind, Alerts};
use crate::app::PlasmaApp;
use plasma_bridge::ParentChain;
use plasma_ledger::block::tx_root;
use plasma_ledger::exit::prove_inclusion;
use plasma_ledger::fraud::{evidence, verify_inflation};
use plasma_ledger::view::ChainHead;
use plasma_ledger::{
    apply_block, Block, BlockError, BlockHeader, CommitCertificate, FraudProof, InflationEvidence,
    Stacked, TxError, B256,
};
use plasma_proto::v1::node_client::NodeClient;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{info, warn};

/// Other nodes of this chain whose gRPC API serves blocks.
#[derive(Debug, Clone, Default)]
pub struct BlockSources {
    endpoints: Vec<String>,
}

impl BlockSources {
    /// Sources at `endpoints` (`http://host:port`).
    pub fn new(endpoints: Vec<String>) -> Self {
        Self { endpoints }
    }

    /// Whether there is no source to ask.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// Block `height` from the first source that serves it (decoded strictly; whether it
    /// belongs to the chain is for [`check_links`] to say).
    pub async fn block(&self, height: u64) -> Option<Block> {
        for url in &self.endpoints {
            let Ok(mut client) = NodeClient::connect(url.clone()).await else { continue };
            let req = plasma_proto::v1::GetBlockRequest { height };
            let Ok(res) = client.get_block(req).await else { continue };
            match Block::decode(&res.into_inner().block) {
                Ok(block) if block.header.height == height => return Some(block),
                Ok(_) => warn!(%url, height, "block source answered another height"),
                Err(e) => warn!(%url, height, error = %e, "block source answered garbage"),
            }
        }
        None
    }
}

/// Why fetched blocks do not lead from this node's head to the parent's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A block is not at the next height.
    #[error("block {index} is at height {got}, {expected} was due")]
    Height {
        /// Position in the run.
        index: usize,
        /// Due height.
        expected: u64,
        /// Its height.
        got: u64,
    },
    /// A block does not extend the one before it.
    #[error("block {height} does not extend {parent}")]
    Parent {
        /// Its height.
        height: u64,
        /// The hash it should name.
        parent: B256,
    },
    /// A block's body is not the one its header commits to.
    #[error("block {0}'s transactions are not its header's")]
    Body(u64),
    /// The run does not end at the checkpointed header.
    #[error("the run ends at {got}, the checkpoint is {anchor}")]
    Anchor {
        /// The checkpoint's hash.
        anchor: B256,
        /// The run's last hash.
        got: B256,
    },
}

/// Checks that `blocks` extend `head` one height at a time, bodies matching their headers,
/// and end exactly at the checkpointed `anchor`. Then every block is the one the anchor's
/// certificate commits to, whoever served it.
pub fn check_links(
    head: &ChainHead,
    blocks: &[Block],
    anchor: &BlockHeader,
) -> Result<(), LinkError> {
    let mut parent = head.hash;
    for (index, block) in blocks.iter().enumerate() {
        let expected = head.height + 1 + index as u64;
        let h = &block.header;
        if h.height != expected {
            return Err(LinkError::Height { index, expected, got: h.height });
        }
        if h.parentHash != parent {
            return Err(LinkError::Parent { height: h.height, parent });
        }
        if tx_root(block) != h.txRoot {
            return Err(LinkError::Body(h.height));
        }
        parent = h.hash();
    }
    if parent != anchor.hash() {
        return Err(LinkError::Anchor { anchor: anchor.hash(), got: parent });
    }
    Ok(())
}

/// The first of `blocks` (a run extending `view`'s head) that the ledger refuses, with why.
pub fn first_invalid<'b, V: plasma_ledger::LedgerView>(
    domain: &plasma_ledger::signing::SigningDomain,
    view: &V,
    blocks: &'b [Block],
) -> Option<(&'b Block, BlockError)> {
    let mut stacked = Stacked::new(view);
    for block in blocks {
        match apply_block(domain, &stacked, block) {
            Ok(delta) => stacked.apply(&delta),
            Err(e) => return Some((block, e)),
        }
    }
    None
}

/// Why no proof could be built for an invalid block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The block is invalid in a way this node builds no proof for (yet).
    #[error("no fraud proof is built for: {0}")]
    Unsupported(String),
    /// A block the evidence needs is not at hand.
    #[error("block {0} is needed for the evidence and is not at hand")]
    Missing(u64),
    /// The ledger refuses the evidence (a bug here, or a block invalid in another way).
    #[error("the evidence does not verify: {0}")]
    Refuted(String),
}

/// The fraud proof for `bad`, refused with `error`, anchored to the checkpoint (`anchor`,
/// `certificate`). `blocks(h)` gives any block at or before the anchor; `history` holds the
/// hashes of blocks `1..anchor.height`. The proof is checked with the ledger's own verifier
/// (the one the parent runs) before it is returned.
pub fn build_proof<'a>(
    bad: &Block,
    error: &BlockError,
    blocks: impl Fn(u64) -> Option<&'a Block>,
    history: &[B256],
    anchor: &BlockHeader,
    certificate: &CommitCertificate,
) -> Result<FraudProof, ProofError> {
    let BlockError::InvalidTransaction { index, error: TxError::ValueMismatch { .. } } = error
    else {
        return Err(ProofError::Unsupported(error.to_string()));
    };
    let height = bad.header.height;
    let at = anchor.height;
    let spend = prove_inclusion(bad, *index, history, at).ok_or(ProofError::Missing(height))?;
    let inputs = spend
        .signedTx
        .transaction
        .inputs
        .iter()
        .map(|pos| {
            let creating = blocks(pos.blockHeight).ok_or(ProofError::Missing(pos.blockHeight))?;
            prove_inclusion(creating, pos.txIndex, history, at)
                .ok_or(ProofError::Missing(pos.blockHeight))
        })
        .collect::<Result<Vec<_>, _>>()?;
    verify_inflation(anchor.chainId, anchor, height, *index, &spend, &inputs)
        .map_err(|e| ProofError::Refuted(e.to_string()))?;
    let ev = InflationEvidence { height, txIndex: *index, spend, inputs };
    Ok(evidence::proof(plasma_ledger::FraudKind::Inflation, anchor, certificate, &ev))
}

/// What [`watch_blocks`] remembers between rounds.
#[derive(Debug, Default)]
pub struct BlockWatch {
    /// This node's head and since when it has not moved while behind the parent.
    stalled: Option<(u64, Instant)>,
    /// Heights already reported invalid.
    reported: BTreeSet<u64>,
    /// Whether the freeze was reported.
    frozen: bool,
}

/// Every `poll`, forever: once this node has stayed behind the parent's latest checkpoint
/// of `chain_id` for `grace`, fetches the blocks up to it from `sources`, judges them and
/// proves the first invalid one to `parent`.
pub async fn watch_blocks(
    parent: Arc<dyn ParentChain>,
    app: PlasmaApp,
    alerts: Alerts,
    sources: BlockSources,
    chain_id: u64,
    poll: Duration,
    grace: Duration,
) {
    let mut state = BlockWatch::default();
    let mut failing = false;
    loop {
        let round =
            blocks_once(parent.as_ref(), &app, &alerts, &sources, chain_id, &mut state, grace);
        match round.await {
            Ok(()) => failing = false,
            Err(e) => {
                if !failing {
                    warn!(error = %e, "cannot check the blocks behind the parent's checkpoint; retrying");
                }
                failing = true;
            }
        }
        tokio::time::sleep(poll).await;
    }
}

/// One round of [`watch_blocks`].
pub async fn blocks_once(
    parent: &dyn ParentChain,
    app: &PlasmaApp,
    alerts: &Alerts,
    sources: &BlockSources,
    chain_id: u64,
    state: &mut BlockWatch,
    grace: Duration,
) -> eyre::Result<()> {
    let chain = parent.chain_state(chain_id).await?;
    if chain.frozen {
        if !state.frozen {
            let detail = format!(
                "the parent froze chain {chain_id}: blocks from {} on are void; exit with proofs anchored below",
                chain.rollback_height
            );
            alerts.raise(AlertKind::ChainFrozen, chain.rollback_height, detail);
            state.frozen = true;
        }
        return Ok(());
    }
    let head = app.with_store(|s| s.head().clone());
    if chain.last_checkpoint <= head.height {
        state.stalled = None;
        return Ok(());
    }
    match state.stalled {
        Some((h, _)) if h == head.height => {}
        _ => state.stalled = Some((head.height, Instant::now())),
    }
    if state.stalled.is_some_and(|(_, since)| since.elapsed() < grace) || sources.is_empty() {
        return Ok(());
    }
    let at = chain.last_checkpoint;
    let (anchor, certificate) = parent
        .checkpoint(chain_id, at)
        .await?
        .ok_or_else(|| eyre::eyre!("the parent reports checkpoint {at} but holds none"))?;
    let mut fetched = Vec::new();
    for height in head.height + 1..=at {
        match sources.block(height).await {
            Some(block) => fetched.push(block),
            // The availability watch raises `block_withholding` if this lasts.
            None => eyre::bail!("no source serves block {height} (checkpoint {at})"),
        }
    }
    check_links(&head, &fetched, &anchor)?;
    let domain = app.domain();
    let verdict = app.with_store(|s| -> eyre::Result<_> {
        let view = s.view();
        let found = first_invalid(&domain, &view, &fetched).map(|(b, e)| (b.clone(), e));
        view.finish()?;
        Ok(found)
    })?;
    let Some((bad, error)) = verdict else {
        info!(
            from = head.height + 1,
            to = at,
            "the blocks behind the parent's checkpoint are valid; consensus will catch up"
        );
        return Ok(());
    };
    let height = bad.header.height;
    if !state.reported.insert(height) {
        return Ok(()); // reported (and proven, if we could) in an earlier round
    }
    alerts.raise(
        AlertKind::InvalidBlock,
        height,
        format!("block {height} ({}) under checkpoint {at} is invalid: {error}", bad.header.hash()),
    );
    let own = app.with_store(|s| -> eyre::Result<Vec<Block>> {
        (1..=head.height)
            .map(|h| s.block(h)?.ok_or_else(|| eyre::eyre!("own block {h} missing")))
            .collect()
    })?;
    let all: Vec<&Block> = own.iter().chain(&fetched).collect();
    let history: Vec<B256> = all.iter().map(|b| b.header.hash()).collect();
    let lookup = |h: u64| all.get(usize::try_from(h).ok()?.checked_sub(1)?).copied();
    let proof = match build_proof(&bad, &error, lookup, &history, &anchor, &certificate) {
        Ok(p) => p,
        Err(e) => {
            warn!(height, error = %e, "invalid block left without a fraud proof");
            return Ok(());
        }
    };
    match parent.prove_fraud(chain_id, &proof).await {
        Ok(true) => info!(
            height,
            anchor = at,
            "fraud proven to the parent; the chain is rolled back and frozen"
        ),
        Ok(false) => info!(height, "fraud already proven by another watcher"),
        Err(e) => {
            state.reported.remove(&height); // try again next round
            return Err(e.into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_ledger::testkit::{self, TestChain};
    use plasma_ledger::{Output, TxKind, U256};

    /// A chain whose block 3 holds an inflating transfer (signed by the owner) and whose
    /// block 4 is the checkpoint; returns it and the honest state after block 2.
    fn inflated() -> (TestChain, TestChain) {
        let alice = testkit::user("alice");
        let mut chain = TestChain::new();
        let token = plasma_ledger::Address::ZERO;
        let record = chain.record_deposit(alice.address(), token, 100);
        chain.commit(vec![testkit::deposit_tx(&record)]);
        let pos = plasma_ledger::UtxoPos::new(1, 0, 0);
        let pay = testkit::transfer(
            &chain.domain,
            &[(pos, &alice)],
            vec![Output::new(alice.address(), token, U256::from(100))],
        );
        chain.commit(vec![pay]);
        let honest = chain.clone();
        let tx = testkit::tx(
            TxKind::Transfer,
            vec![plasma_ledger::UtxoPos::new(2, 0, 0)],
            vec![Output::new(alice.address(), token, U256::from(100_000))],
            Vec::new(),
        );
        chain.commit_unchecked(vec![testkit::sign(&chain.domain, tx, &[&alice])]);
        chain.commit_unchecked(Vec::new());
        (chain, honest)
    }

    #[test]
    fn the_first_invalid_block_is_found_and_proven() {
        let (chain, honest) = inflated();
        let run = &chain.blocks[2..];
        let anchor = chain.tip().clone();
        check_links(&honest.state.head, run, &anchor).expect("the run links to the anchor");
        let (bad, error) =
            first_invalid(&chain.domain, &honest.state, run).expect("block 3 is invalid");
        assert_eq!(bad.header.height, 3);
        let history: Vec<B256> = chain.blocks.iter().map(|b| b.header.hash()).collect();
        let lookup = |h: u64| chain.blocks.get(h as usize - 1);
        let cert = CommitCertificate { height: 4, blockHash: anchor.hash(), ..Default::default() };
        let proof = build_proof(bad, &error, lookup, &history, &anchor, &cert).expect("a proof");
        assert_eq!(proof.kind, plasma_ledger::FraudKind::Inflation as u8);
        assert_eq!(proof.anchor, anchor);
        // The evidence decodes to what the ledger's verifier accepts for height 3.
        use alloy_sol_types::SolValue;
        let ev = InflationEvidence::abi_decode(&proof.evidence).expect("evidence decodes");
        let verdict =
            verify_inflation(anchor.chainId, &anchor, ev.height, ev.txIndex, &ev.spend, &ev.inputs)
                .expect("inflation");
        assert_eq!(verdict.height, 3);
    }

    #[test]
    fn a_run_that_does_not_reach_the_checkpoint_is_refused() {
        let (chain, honest) = inflated();
        let run = &chain.blocks[2..];
        // Another anchor: the run is not the certified history.
        let mut other = chain.tip().clone();
        other.timestamp += 1;
        assert!(matches!(
            check_links(&honest.state.head, run, &other),
            Err(LinkError::Anchor { .. })
        ));
        // A gap.
        let gapped = [chain.blocks[3].clone()];
        assert!(matches!(
            check_links(&honest.state.head, &gapped, chain.tip()),
            Err(LinkError::Height { .. })
        ));
        // A body swapped under its header.
        let mut swapped = run.to_vec();
        swapped[0].transactions.clear();
        assert_eq!(check_links(&honest.state.head, &swapped, chain.tip()), Err(LinkError::Body(3)));
    }

    #[test]
    fn valid_runs_and_other_faults_get_no_inflation_proof() {
        let (chain, honest) = inflated();
        // The honest blocks stacked on the chain before them (the deposit recorded) are valid.
        let mut genesis = TestChain::new();
        genesis.record_deposit(testkit::user("alice").address(), plasma_ledger::Address::ZERO, 100);
        assert!(first_invalid(&chain.domain, &genesis.state, &honest.blocks).is_none());
        assert!(first_invalid(&chain.domain, &genesis.state, &chain.blocks).is_some());
        // A fault that is not inflation is reported as unsupported, not misproven.
        let error = BlockError::TxRootMismatch { expected: B256::ZERO, got: B256::ZERO };
        let anchor = chain.tip().clone();
        let err =
            build_proof(&chain.blocks[2], &error, |_| None, &[], &anchor, &Default::default())
                .expect_err("not inflation");
        assert!(matches!(err, ProofError::Unsupported(_)));
    }
}
