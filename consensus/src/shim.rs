//! The thin shim between Malachite's app channel and an ABCI application.
//!
//! The engine asks (`AppMsg`); the shim answers by calling the application with the ABCI
//! request that means the same thing, and carries blocks between validators as signed
//! proposal-part streams:
//!
//! | engine asks | shim does |
//! |---|---|
//! | `ConsensusReady` | `Info` → resume at `last_block_height + 1` |
//! | `GetValue` | mempool → `PrepareProposal` → stream the block, answer its hash |
//! | `ReceivedProposalPart` | reassemble, check the proposer's signature → `ProcessProposal` |
//! | `Decided` | acknowledge; the block is committed at `Finalized` |
//! | `Finalized` | aggregate the precommits → `FinalizeBlock` + `Commit`; start the next height; keep the equivocation evidence for the next block |
//! | `GetDecidedValues` | `Query /commit` per height |
//! | `ProcessSyncedValue` | decode → `ProcessProposal` |

use crate::abci::{self, Application, DecidedBlock, QUERY_COMMIT};
use crate::certificate;
use crate::context::{
    BlockHash, Height, PlasmaContext, ProposalPart, ValidatorAddress, ValidatorSchedule,
};
use crate::signing::{proposal_sign_bytes, stream_sign_bytes, BlsSigner, PROPOSAL_DST};
use bytes::Bytes;
use malachitebft_app_channel::app::engine::host::{HeightParams, Next, SyncedValueOutcome};
use malachitebft_app_channel::app::types::core::{
    CommitCertificate, Context, ExtendedCommitCertificate, LinearTimeouts, Round, Validity,
    VoteExtensions,
};
use malachitebft_app_channel::app::types::streaming::{StreamId, StreamMessage};
use malachitebft_app_channel::app::types::sync::RawDecidedValue;
use malachitebft_app_channel::app::types::{
    LocallyProposedValue, MisbehaviorEvidence, PeerId, ProposedValue,
};
use malachitebft_app_channel::{AppMsg, Channels, NetworkMsg};
use malachitebft_engine::util::streaming::StreamContent;
use plasma_ledger::certificate::VoteDomain;
use plasma_ledger::B256;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tendermint::abci::types::{CommitInfo, Misbehavior, MisbehaviorKind, Validator as TmValidator};
use tendermint::v0_38::abci::{request, response, Request, Response};
use tracing::{debug, error, info, warn};

/// Where the proposer's block candidates come from, and where committed ones leave.
pub trait TxPool: Send + Sync + 'static {
    /// Up to `max_bytes` of pending transactions, in the order they should be tried.
    fn reap(&self, max_bytes: usize) -> Vec<Bytes>;
    /// The transactions of a committed block: drop them and whatever they invalidated.
    fn committed(&self, height: u64, txs: &[Bytes]);
}

impl<T: TxPool + ?Sized> TxPool for std::sync::Arc<T> {
    fn reap(&self, max_bytes: usize) -> Vec<Bytes> {
        (**self).reap(max_bytes)
    }
    fn committed(&self, height: u64, txs: &[Bytes]) {
        (**self).committed(height, txs)
    }
}

/// Shim settings.
#[derive(Clone, Debug)]
pub struct ShimConfig {
    /// Chain id.
    pub chain_id: u64,
    /// The chain's vote domain, which every consensus signature names.
    pub votes: VoteDomain,
    /// The validator sets by height (the application adopts the parent's changes at epoch
    /// ends).
    pub validators: ValidatorSchedule,
    /// This validator's signer and address; `None` on a full node.
    pub signer: Option<(BlsSigner, ValidatorAddress)>,
    /// Round timeouts.
    pub timeouts: LinearTimeouts,
    /// Least time from the start of a height to its commit: the block interval when the
    /// chain is fast, and the window in which late precommits join the certificate.
    pub block_time: Duration,
    /// Largest block (ABCI layout, bytes) a proposer builds and a follower reassembles.
    pub max_block_bytes: usize,
    /// Size of one proposal data part.
    pub part_bytes: usize,
}

/// A fatal shim error: the application failed or the engine went away.
#[derive(Debug, thiserror::Error)]
pub enum ShimError {
    /// The application returned an error.
    #[error("application: {0}")]
    App(abci::BoxError),
    /// The application answered with the wrong response kind.
    #[error("application answered {0} with another response kind")]
    UnexpectedResponse(&'static str),
    /// The engine's channels closed.
    #[error("consensus engine stopped")]
    EngineStopped,
}

/// A block this node has seen, by height and hash.
#[derive(Clone, Debug)]
struct Candidate {
    round: Round,
    valid_round: Round,
    proposer: ValidatorAddress,
    txs: Vec<Bytes>,
    validity: Validity,
    /// Whether `validity` is final. The application may be unable to judge a block yet
    /// (what it needs from its parent has not reached it): then a re-proposal is judged anew.
    settled: bool,
}

/// The application's answer to `ProcessProposal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Accepted.
    Valid,
    /// Rejected.
    Invalid,
    /// Neither (`Unknown`): the application cannot judge it yet; asked again later.
    NotYet,
}

impl Verdict {
    fn validity(self) -> Validity {
        if self == Verdict::Valid {
            Validity::Valid
        } else {
            Validity::Invalid
        }
    }
}

/// Parts of one incoming stream.
#[derive(Default)]
struct Stream {
    parts: BTreeMap<u64, ProposalPart>,
    fin_at: Option<u64>,
    bytes: usize,
    started: Option<std::time::Instant>,
}

impl Stream {
    /// The height the stream proposes for: its `Init`'s, or until that arrives the one its
    /// id names (this node's proposers put the height first in the id).
    fn height(&self, id: &StreamId) -> Option<u64> {
        match self.parts.values().next() {
            Some(ProposalPart::Init { height, .. }) => Some(height.0),
            _ => id.to_bytes().get(..8).map(|b| u64::from_be_bytes(b.try_into().expect("8 bytes"))),
        }
    }
}

/// How long a stream may stay incomplete before it is dropped at the next commit.
const STREAM_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Most streams reassembled at once (one per proposer and round in flight).
const MAX_STREAMS: usize = 64;

/// The shim's state.
pub struct Shim<A, P> {
    config: ShimConfig,
    app: A,
    pool: P,
    candidates: HashMap<(Height, BlockHash), Candidate>,
    /// Authenticated proposals for heights this node has not reached: judged when it does.
    pending: HashMap<(Height, BlockHash), Candidate>,
    streams: HashMap<(PeerId, StreamId), Stream>,
    evidence: Vec<Misbehavior>,
    height: Height,
    stream_nonce: u64,
}

fn unix_now() -> tendermint::Time {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    tendermint::Time::from_unix_timestamp(d.as_secs() as i64, 0)
        .unwrap_or_else(|_| tendermint::Time::unix_epoch())
}

fn tm_height(h: Height) -> tendermint::block::Height {
    tendermint::block::Height::try_from(h.0).unwrap_or_default()
}

fn tm_account(a: &ValidatorAddress) -> tendermint::account::Id {
    tendermint::account::Id::new(a.0.into_array())
}

fn tm_hash(h: B256) -> tendermint::Hash {
    tendermint::Hash::Sha256(h.0)
}

impl<A: Application, P: TxPool> Shim<A, P> {
    /// A shim over `app`, taking candidates from `pool`.
    pub fn new(config: ShimConfig, app: A, pool: P) -> Self {
        Self {
            config,
            app,
            pool,
            candidates: HashMap::new(),
            pending: HashMap::new(),
            streams: HashMap::new(),
            evidence: Vec::new(),
            height: Height(0),
            stream_nonce: 0,
        }
    }

    async fn call(&mut self, req: Request) -> Result<Response, ShimError> {
        abci::call(&mut self.app, req).await.map_err(ShimError::App)
    }

    /// Hash of the set that certifies `height`.
    fn set_hash(&self, height: Height) -> B256 {
        self.config.validators.at(height.0).ledger().hash()
    }

    fn params(&self) -> HeightParams<PlasmaContext> {
        HeightParams::new(
            self.config.validators.at(self.height.0),
            self.config.timeouts,
            Some(self.config.block_time),
        )
    }

    /// Answers the engine until it stops. Returns only on a fatal error.
    pub async fn run(&mut self, channels: &mut Channels<PlasmaContext>) -> Result<(), ShimError> {
        while let Some(msg) = channels.consensus.recv().await {
            self.handle(msg, channels).await?;
        }
        Err(ShimError::EngineStopped)
    }

    async fn handle(
        &mut self,
        msg: AppMsg<PlasmaContext>,
        channels: &mut Channels<PlasmaContext>,
    ) -> Result<(), ShimError> {
        match msg {
            AppMsg::ConsensusReady { reply } => {
                let info = match self
                    .call(Request::Info(request::Info {
                        version: env!("CARGO_PKG_VERSION").into(),
                        block_version: 0,
                        p2p_version: 0,
                        abci_version: "2.0.0".into(),
                    }))
                    .await?
                {
                    Response::Info(i) => i,
                    _ => return Err(ShimError::UnexpectedResponse("Info")),
                };
                self.height = Height(info.last_block_height.value() + 1);
                info!(height = %self.height, "consensus ready; starting height");
                let _ = reply.send((self.height, self.params()));
            }
            AppMsg::StartedRound { height, round, proposer, role, reply_value } => {
                debug!(%height, %round, %proposer, ?role, "round started");
                self.height = height;
                self.judge_pending(height).await?;
                let values: Vec<_> = self
                    .candidates
                    .iter()
                    .filter(|((h, _), c)| *h == height && c.round == round)
                    .map(|((h, id), c)| ProposedValue {
                        height: *h,
                        round: c.round,
                        valid_round: c.valid_round,
                        proposer: c.proposer,
                        value: *id,
                        validity: c.validity,
                    })
                    .collect();
                let _ = reply_value.send(values);
            }
            AppMsg::GetValue { height, round, timeout: _, reply } => {
                let Some((_, me)) = self.config.signer.clone() else {
                    warn!("asked to propose without a validator key");
                    return Ok(());
                };
                let candidates = self.pool.reap(self.config.max_block_bytes);
                let res = self
                    .call(Request::PrepareProposal(request::PrepareProposal {
                        max_tx_bytes: self.config.max_block_bytes as i64,
                        txs: candidates,
                        local_last_commit: None,
                        misbehavior: self.evidence.clone(),
                        height: tm_height(height),
                        time: unix_now(),
                        next_validators_hash: tm_hash(self.set_hash(height)),
                        proposer_address: tm_account(&me),
                    }))
                    .await?;
                let Response::PrepareProposal(response::PrepareProposal { txs }) = res else {
                    return Err(ShimError::UnexpectedResponse("PrepareProposal"));
                };
                let Some(hash) = abci::block_hash(&txs) else {
                    return Err(ShimError::UnexpectedResponse("PrepareProposal without header"));
                };
                let id = BlockHash(hash);
                info!(%height, %round, block = %id, txs = txs.len().saturating_sub(2), "proposing");
                self.candidates.insert(
                    (height, id),
                    Candidate {
                        round,
                        valid_round: Round::Nil,
                        proposer: me,
                        txs: txs.clone(),
                        validity: Validity::Valid,
                        settled: true,
                    },
                );
                let _ = reply.send(LocallyProposedValue::new(height, round, id));
                self.stream(channels, height, round, Round::Nil, id).await?;
            }
            AppMsg::RestreamProposal { height, round, valid_round, address: _, value_id } => {
                if self.candidates.contains_key(&(height, value_id)) {
                    self.stream(channels, height, round, valid_round, value_id).await?;
                }
            }
            AppMsg::ReceivedProposalPart { from, published_by, part, reply } => {
                let value = self.receive_part(published_by.unwrap_or(from), part).await?;
                let _ = reply.send(value);
            }
            AppMsg::Decided { certificate, extensions: _, reply } => {
                // Committed at `Finalized`, whose certificate also holds the precommits that
                // arrive until the height's target time: with every validator live, all
                // nodes then store the same, complete certificate.
                debug!(height = %certificate.height, signers = certificate.commit_signatures.len(), "decided");
                let _ = reply.send(());
            }
            AppMsg::Finalized { certificate, extensions: _, evidence, reply } => {
                self.decide(certificate.clone()).await?;
                // Recorded by the block that follows.
                self.record_evidence(&evidence, certificate.height);
                let next = if self.height > certificate.height {
                    Next::Start(self.height, self.params())
                } else {
                    Next::Restart(certificate.height, self.params())
                };
                let _ = reply.send(next);
            }
            AppMsg::GetHistoryMinHeight { reply } => {
                let _ = reply.send(Height(1));
            }
            AppMsg::GetDecidedValues { range, reply } => {
                let mut values = Vec::new();
                for h in range.start().0..=range.end().0 {
                    match self.decided(Height(h)).await? {
                        Some(v) => values.push(v),
                        None => break,
                    }
                }
                let _ = reply.send(values);
            }
            AppMsg::ProcessSyncedValue { height, round, proposer, value_bytes, reply } => {
                let outcome = match DecidedBlock::decode(&value_bytes) {
                    Err(error) => {
                        warn!(%height, %error, "undecodable synced value");
                        SyncedValueOutcome::PeerFault
                    }
                    Ok(decided) => {
                        let txs: Vec<Bytes> = decided.txs.into_iter().map(Bytes::from).collect();
                        match abci::block_hash(&txs) {
                            None => SyncedValueOutcome::PeerFault,
                            Some(hash) => {
                                let id = BlockHash(hash);
                                let verdict = self.process(height, id, &txs, &proposer).await?;
                                if verdict == Verdict::NotYet {
                                    // Sync asks again later, without blaming the peer.
                                    let _ = reply.send(SyncedValueOutcome::LocalTransientError);
                                    return Ok(());
                                }
                                let validity = verdict.validity();
                                self.candidates.insert(
                                    (height, id),
                                    Candidate {
                                        round,
                                        valid_round: Round::Nil,
                                        proposer,
                                        txs,
                                        validity,
                                        settled: true,
                                    },
                                );
                                SyncedValueOutcome::Verdict(ProposedValue {
                                    height,
                                    round,
                                    valid_round: Round::Nil,
                                    proposer,
                                    value: id,
                                    validity,
                                })
                            }
                        }
                    }
                };
                let _ = reply.send(outcome);
            }
            AppMsg::ExtendVote { reply, .. } => {
                let _ = reply.send(None);
            }
            AppMsg::VerifyVoteExtensions { extensions, reply, .. } => {
                let _ = reply.send(extensions.into_iter().map(|(a, _)| (a, Ok(()))).collect());
            }
        }
        Ok(())
    }

    /// Publishes a candidate as a signed proposal-part stream.
    async fn stream(
        &mut self,
        channels: &mut Channels<PlasmaContext>,
        height: Height,
        round: Round,
        pol_round: Round,
        id: BlockHash,
    ) -> Result<(), ShimError> {
        let Some((signer, me)) = self.config.signer.clone() else { return Ok(()) };
        let Some(candidate) = self.candidates.get(&(height, id)) else { return Ok(()) };
        let encoded = abci::stream_encode(&candidate.txs);
        if encoded.len() > self.config.max_block_bytes {
            // Peers will drop the stream: the application broke the PrepareProposal bound.
            error!(%height, bytes = encoded.len(), limit = self.config.max_block_bytes, "proposal over the block size limit");
        }
        let proposal =
            proposal_sign_bytes(&self.config.votes, height.0, round, pol_round, id, me.0);
        let sig = signer.sign_bytes(
            &stream_sign_bytes(&proposal, plasma_ledger::keccak256(&encoded)),
            PROPOSAL_DST,
        );
        self.stream_nonce += 1;
        let mut sid = Vec::with_capacity(24);
        sid.extend_from_slice(&height.0.to_be_bytes());
        sid.extend_from_slice(&round.as_i64().to_be_bytes());
        sid.extend_from_slice(&self.stream_nonce.to_be_bytes());
        let stream_id = StreamId::new(Bytes::from(sid));
        let mut parts = vec![ProposalPart::Init { height, round, pol_round, proposer: me }];
        parts.extend(
            encoded.chunks(self.config.part_bytes.max(1)).map(|c| ProposalPart::Data(c.to_vec())),
        );
        parts.push(ProposalPart::Fin(sig));
        let mut seq = 0;
        for part in parts {
            let msg = StreamMessage::new(stream_id.clone(), seq, StreamContent::Data(part));
            channels
                .network
                .send(NetworkMsg::PublishProposalPart(msg))
                .await
                .map_err(|_| ShimError::EngineStopped)?;
            seq += 1;
        }
        let fin = StreamMessage::new(stream_id, seq, StreamContent::Fin);
        channels
            .network
            .send(NetworkMsg::PublishProposalPart(fin))
            .await
            .map_err(|_| ShimError::EngineStopped)
    }

    /// Adds a part to its stream; a complete stream whose signature holds is judged.
    async fn receive_part(
        &mut self,
        peer: PeerId,
        msg: StreamMessage<ProposalPart>,
    ) -> Result<Option<ProposedValue<PlasmaContext>>, ShimError> {
        let key = (peer, msg.stream_id.clone());
        if !self.streams.contains_key(&key) && self.streams.len() >= MAX_STREAMS {
            warn!(%peer, "too many proposal streams in flight; dropping part");
            return Ok(None);
        }
        let limit = self.config.max_block_bytes + 4096;
        let stream = self.streams.entry(key.clone()).or_default();
        stream.started.get_or_insert_with(std::time::Instant::now);
        match msg.content {
            StreamContent::Fin => stream.fin_at = Some(msg.sequence),
            StreamContent::Data(part) => {
                stream.bytes += match &part {
                    ProposalPart::Data(d) => d.len(),
                    _ => 160,
                };
                if stream.bytes > limit {
                    warn!(%peer, bytes = stream.bytes, "proposal stream over the block size limit; dropped");
                    self.streams.remove(&key);
                    return Ok(None);
                }
                stream.parts.insert(msg.sequence, part);
            }
        }
        let complete = stream.fin_at.is_some_and(|n| {
            stream.parts.len() as u64 == n
                && stream.parts.keys().next_back() == n.checked_sub(1).as_ref()
        });
        if !complete {
            return Ok(None);
        }
        let stream = self.streams.remove(&key).expect("present");
        self.assemble(peer, stream).await
    }

    async fn assemble(
        &mut self,
        peer: PeerId,
        stream: Stream,
    ) -> Result<Option<ProposedValue<PlasmaContext>>, ShimError> {
        let mut parts = stream.parts.into_values();
        let Some(ProposalPart::Init { height, round, pol_round, proposer }) = parts.next() else {
            warn!(%peer, "proposal stream does not open with Init");
            return Ok(None);
        };
        let mut data = Vec::with_capacity(stream.bytes);
        let mut fin = None;
        for p in parts {
            match p {
                ProposalPart::Data(d) if fin.is_none() => data.extend_from_slice(&d),
                ProposalPart::Fin(sig) if fin.is_none() => fin = Some(sig),
                _ => {
                    warn!(%peer, "malformed proposal stream");
                    return Ok(None);
                }
            }
        }
        let Some(sig) = fin else { return Ok(None) };
        if height < self.height {
            return Ok(None); // stale
        }
        let set = &self.config.validators.at(height.0);
        let expected = PlasmaContext::new(self.config.chain_id).select_proposer(set, height, round);
        if expected.address != proposer {
            warn!(%peer, %height, %round, %proposer, "proposal stream from a validator that is not the round's proposer");
            return Ok(None);
        }
        let Ok(txs) = borsh::from_slice::<Vec<Vec<u8>>>(&data) else {
            warn!(%peer, %height, "undecodable proposal body");
            return Ok(None);
        };
        let txs: Vec<Bytes> = txs.into_iter().map(Bytes::from).collect();
        if txs.len() < 2 {
            warn!(%peer, %height, "proposal body without header and previous commit");
            return Ok(None);
        }
        let id = BlockHash(abci::block_hash(&txs).expect("non-empty"));
        let proposal =
            proposal_sign_bytes(&self.config.votes, height.0, round, pol_round, id, proposer.0);
        let msg = stream_sign_bytes(&proposal, plasma_ledger::keccak256(&data));
        let key = expected.public_key;
        if !sig.decode().is_ok_and(|s| s.verify(&msg, PROPOSAL_DST, &key)) {
            warn!(%peer, %height, %round, "proposal stream signature does not verify");
            return Ok(None);
        }
        if height > self.height {
            // Judged against the state it extends, once this node gets there.
            if self.pending.len() < MAX_STREAMS {
                let c = Candidate {
                    round,
                    valid_round: pol_round,
                    proposer,
                    txs,
                    validity: Validity::Invalid,
                    settled: false,
                };
                self.pending.insert((height, id), c);
            }
            return Ok(None);
        }
        let (validity, settled) = match self.candidates.get(&(height, id)) {
            Some(c) if c.settled => (c.validity, true), // already judged (e.g. a re-proposal)
            _ => {
                let verdict = self.process(height, id, &txs, &proposer).await?;
                (verdict.validity(), verdict != Verdict::NotYet)
            }
        };
        self.candidates.insert(
            (height, id),
            Candidate { round, valid_round: pol_round, proposer, txs, validity, settled },
        );
        Ok(Some(ProposedValue {
            height,
            round,
            valid_round: pol_round,
            proposer,
            value: id,
            validity,
        }))
    }

    /// Judges the proposals received early for `height`, now that it is the current one.
    async fn judge_pending(&mut self, height: Height) -> Result<(), ShimError> {
        let ready: Vec<_> = self.pending.keys().filter(|(h, _)| *h <= height).copied().collect();
        for key in ready {
            let mut c = self.pending.remove(&key).expect("listed");
            if key.0 < height || self.candidates.contains_key(&key) {
                continue;
            }
            let verdict = self.process(key.0, key.1, &c.txs, &c.proposer).await?;
            (c.validity, c.settled) = (verdict.validity(), verdict != Verdict::NotYet);
            self.candidates.insert(key, c);
        }
        Ok(())
    }

    /// `ProcessProposal` on a block in the ABCI layout.
    async fn process(
        &mut self,
        height: Height,
        id: BlockHash,
        txs: &[Bytes],
        proposer: &ValidatorAddress,
    ) -> Result<Verdict, ShimError> {
        let res = self
            .call(Request::ProcessProposal(request::ProcessProposal {
                txs: txs.to_vec(),
                proposed_last_commit: None,
                misbehavior: Vec::new(),
                hash: tm_hash(id.0),
                height: tm_height(height),
                time: unix_now(),
                next_validators_hash: tm_hash(self.set_hash(height)),
                proposer_address: tm_account(proposer),
            }))
            .await?;
        match res {
            Response::ProcessProposal(response::ProcessProposal::Accept) => Ok(Verdict::Valid),
            Response::ProcessProposal(response::ProcessProposal::Unknown) => {
                debug!(%height, block = %id, "application cannot judge the proposal yet");
                Ok(Verdict::NotYet)
            }
            Response::ProcessProposal(response::ProcessProposal::Reject) => {
                warn!(%height, block = %id, "application rejected the proposal");
                Ok(Verdict::Invalid)
            }
            _ => Err(ShimError::UnexpectedResponse("ProcessProposal")),
        }
    }

    /// Commits a decision: aggregate, `FinalizeBlock`, `Commit`.
    async fn decide(&mut self, cert: CommitCertificate<PlasmaContext>) -> Result<(), ShimError> {
        let height = cert.height;
        if height < self.height {
            debug!(%height, "decision for a height already committed");
            return Ok(());
        }
        let Some(candidate) = self.candidates.get(&(height, cert.value_id)).cloned() else {
            warn!(%height, block = %cert.value_id, "decided a block this node does not hold; sync will fetch it");
            return Ok(());
        };
        if let Err(error) =
            certificate::aggregate(&self.config.votes, &self.config.validators.at(height.0), &cert)
        {
            warn!(%height, %error, "decision's precommits do not make a certificate");
            return Ok(());
        }
        let mut txs = Vec::with_capacity(candidate.txs.len() + 1);
        txs.push(abci::encode_commit(&cert));
        txs.extend(candidate.txs.iter().cloned());
        let misbehavior = std::mem::take(&mut self.evidence);
        let res = self
            .call(Request::FinalizeBlock(request::FinalizeBlock {
                txs,
                decided_last_commit: CommitInfo { round: Default::default(), votes: Vec::new() },
                misbehavior,
                hash: tm_hash(cert.value_id.0),
                height: tm_height(height),
                time: unix_now(),
                next_validators_hash: tm_hash(self.set_hash(height)),
                proposer_address: tm_account(&candidate.proposer),
            }))
            .await?;
        if !matches!(res, Response::FinalizeBlock(_)) {
            return Err(ShimError::UnexpectedResponse("FinalizeBlock"));
        }
        if !matches!(self.call(Request::Commit).await?, Response::Commit(_)) {
            return Err(ShimError::UnexpectedResponse("Commit"));
        }
        info!(%height, block = %cert.value_id, round = %cert.round, txs = candidate.txs.len().saturating_sub(2), signers = cert.commit_signatures.len(), "committed");
        self.pool.committed(height.0, candidate.txs.get(2..).unwrap_or_default());
        self.candidates.retain(|(h, _), _| *h > height);
        // Streams for the next height may already be arriving from a faster proposer: keep
        // them, or the proposal would never complete here and the round would time out.
        self.streams.retain(|(_, id), s| {
            s.started.is_some_and(|t| t.elapsed() < STREAM_TTL)
                && s.height(id).is_some_and(|h| h > height.0)
        });
        self.height = Height(height.0 + 1);
        Ok(())
    }

    fn record_evidence(&mut self, evidence: &MisbehaviorEvidence<PlasmaContext>, height: Height) {
        let set = self.config.validators.at(height.0);
        let total = set.members().iter().map(|m| m.power).sum::<u64>();
        for (address, votes) in evidence.votes.iter() {
            let Some(v) = set.members().iter().find(|m| m.address == *address) else {
                continue;
            };
            warn!(validator = %address, %height, double_votes = votes.len(), "equivocation observed");
            self.evidence.push(Misbehavior {
                kind: MisbehaviorKind::DuplicateVote,
                validator: TmValidator {
                    address: address.0.into_array(),
                    power: v.power.try_into().unwrap_or_default(),
                },
                height: tm_height(height),
                time: unix_now(),
                total_voting_power: total.try_into().unwrap_or_default(),
            });
        }
    }

    async fn decided(
        &mut self,
        height: Height,
    ) -> Result<Option<RawDecidedValue<PlasmaContext>>, ShimError> {
        let res = self
            .call(Request::Query(request::Query {
                data: Bytes::copy_from_slice(&height.0.to_be_bytes()),
                path: QUERY_COMMIT.into(),
                height: Default::default(),
                prove: false,
            }))
            .await?;
        let Response::Query(q) = res else { return Err(ShimError::UnexpectedResponse("Query")) };
        if !q.code.is_ok() || q.value.is_empty() {
            return Ok(None);
        }
        let Ok(decided) = DecidedBlock::decode(&q.value) else { return Ok(None) };
        let Ok(cert) = abci::decode_commit(&decided.commit) else { return Ok(None) };
        Ok(Some(RawDecidedValue {
            certificate: ExtendedCommitCertificate::from_commit_certificate_and_extensions(
                cert,
                VoteExtensions::default(),
            ),
            value_bytes: q.value,
        }))
    }
}
