//! The plasma application: the ledger's rules on the RocksDB store, behind ABCI 2.0.
//!
//! Block layout and conventions are those of [`plasma_consensus::abci`]. Every verdict is the
//! ledger's; this module turns ABCI requests into ledger calls and store writes:
//!
//! * `CheckTx` — decode strictly, refuse system kinds, validate against the committed state;
//! * `PrepareProposal` — the parent's pending deposits in nonce order, then the candidates
//!   that still validate, sealed into the next block (a transaction that fails in the block
//!   context is dropped and the block resealed);
//! * `ProcessProposal` — the header must be the one the body and state imply;
//! * `FinalizeBlock` — judge (or reuse the judgement of) the decided block, aggregate its
//!   commit; `Commit` writes block, state changes, commit, certificate and evidence in one
//!   atomic batch.

use crate::signers::SignerCache;
use crate::store::{Decision, PendingSet, Store, StoreError};
use alloy_sol_types::SolValue;
use bytes::Bytes;
use plasma_consensus::abci::{self, BoxError, DecidedBlock, QUERY_COMMIT};
use plasma_consensus::certificate;
use plasma_consensus::{ValidatorSchedule, ValidatorSet};
use plasma_ledger::block::{BlockBuilder, BlockError, ProposalParams, PushError, StateDelta};
use plasma_ledger::children;
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::tx::{
    deposit_transaction, is_user_submittable, validate_transaction_with, TxError,
};
use plasma_ledger::{
    Address, Block, BlockHeader, CommitCertificate, LedgerView, SignedTransaction, B256,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use std::task::{Context, Poll};
use tendermint::abci::Code;
use tendermint::v0_38::abci::{request, response, Request, Response};
use tracing::{debug, info, warn};

/// Most deposits one block mints.
const MAX_DEPOSITS_PER_BLOCK: u64 = 1024;

/// An ABI-encoded header: twelve static words.
const HEADER_BYTES: usize = 12 * 32;

/// Why a request could not be served (the node, not the input, is at fault).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Consensus decided a block this node judges invalid, or cannot reconstruct: the node
    /// must stop rather than diverge.
    #[error("decided block at height {height} cannot be committed: {reason}")]
    Decided {
        /// Height decided.
        height: u64,
        /// Why.
        reason: String,
    },
    /// `Commit` without a preceding `FinalizeBlock`.
    #[error("commit without a finalized block")]
    NothingToCommit,
    /// A validator set the store recorded as adopted cannot be rebuilt.
    #[error("the validator set adopted from height {from} is unusable: {reason}")]
    AdoptedSet {
        /// First height it certifies.
        from: u64,
        /// Why.
        reason: String,
    },
}

/// A block judged valid, waiting for its decision, with the parent's commit it carries.
#[derive(Clone)]
struct Judged {
    block: Block,
    delta: StateDelta,
    /// The set the block adopts from the next height, when it changes.
    adopts: Option<ValidatorSet>,
    /// The parent's commit as carried (empty at height 1) and its aggregate.
    parent_commit: Option<(Vec<u8>, CommitCertificate)>,
}

struct Staged {
    judged: Judged,
    commit: Vec<u8>,
    certificate: CommitCertificate,
    evidence: Vec<(Address, u64)>,
}

/// What the consensus calls (Prepare, Process, Finalize, Commit) work on, one at a time.
struct Rounds {
    judged: HashMap<B256, Judged>,
    staged: Option<Staged>,
    /// Fault injection: propose blocks that mint an unrecorded deposit.
    #[cfg(feature = "byzantine")]
    invalid_proposals: bool,
    /// Fault injection: forge spends of the deposits minted to this key's address.
    #[cfg(feature = "byzantine")]
    forge_with: Option<(plasma_ledger::signing::UserKey, Forgery)>,
    /// Fault injection: accept and commit blocks the ledger refuses.
    #[cfg(feature = "byzantine")]
    certify_invalid: bool,
}

/// One consensus call's view of the application.
struct State<'a> {
    store: &'a RwLock<Store>,
    domain: &'a SigningDomain,
    signers: &'a SignerCache,
    schedule: &'a ValidatorSchedule,
    rounds: &'a mut Rounds,
}

/// The application service. Clones share one state.
///
/// The store sits behind a read-write lock of its own: `CheckTx` and the API read it while a
/// block is being built or judged, and only `Commit` writes.
#[derive(Clone)]
pub struct PlasmaApp {
    store: Arc<RwLock<Store>>,
    domain: Arc<SigningDomain>,
    signers: Arc<SignerCache>,
    schedule: ValidatorSchedule,
    rounds: Arc<Mutex<Rounds>>,
    committed: Arc<tokio::sync::watch::Sender<u64>>,
}

fn tx_bytes(stx: &SignedTransaction) -> Bytes {
    Bytes::from(stx.abi_encode())
}

/// The ABCI layout of a block: header, the parent's commit, then transactions.
pub fn block_txs(block: &Block, parent_commit: &[u8]) -> Vec<Bytes> {
    let mut txs = Vec::with_capacity(block.transactions.len() + 2);
    txs.push(Bytes::from(block.header.abi_encode()));
    txs.push(Bytes::copy_from_slice(parent_commit));
    txs.extend(block.transactions.iter().map(tx_bytes));
    txs
}

/// Decodes a block in the ABCI layout, strictly. Returns it and the carried parent commit.
pub fn decode_block(txs: &[Bytes]) -> Result<(Block, Bytes), String> {
    let [header, parent_commit, body @ ..] = txs else {
        return Err("a block needs a header and the parent's commit".into());
    };
    let header = BlockHeader::decode(header).map_err(|e| e.to_string())?;
    let transactions = body
        .iter()
        .enumerate()
        .map(|(i, t)| SignedTransaction::decode(t).map_err(|e| format!("tx {i}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((Block { header, transactions }, parent_commit.clone()))
}

fn reject(code: u32, log: impl ToString) -> response::CheckTx {
    response::CheckTx { code: Code::from(code), log: log.to_string(), ..Default::default() }
}

impl PlasmaApp {
    /// The application over `store` for the chain of `domain`, certified by `genesis` and
    /// then by the sets the chain adopted since (as the store recorded them).
    pub fn new(
        store: Store,
        domain: SigningDomain,
        genesis: ValidatorSet,
    ) -> Result<Self, AppError> {
        let height = store.head().height;
        let schedule = ValidatorSchedule::new(genesis);
        for (from, set) in store.adopted_sets()? {
            let set = ValidatorSet::from_parent(set)
                .map_err(|e| AppError::AdoptedSet { from, reason: e.to_string() })?;
            schedule.adopt(from, set);
        }
        let rounds = Rounds {
            judged: HashMap::new(),
            staged: None,
            #[cfg(feature = "byzantine")]
            invalid_proposals: false,
            #[cfg(feature = "byzantine")]
            forge_with: None,
            #[cfg(feature = "byzantine")]
            certify_invalid: false,
        };
        let (committed, _) = tokio::sync::watch::channel(height);
        Ok(Self {
            store: Arc::new(RwLock::new(store)),
            domain: Arc::new(domain),
            signers: Arc::default(),
            schedule,
            rounds: Arc::new(Mutex::new(rounds)),
            committed: Arc::new(committed),
        })
    }

    /// The validator sets by height, shared with consensus.
    pub fn schedule(&self) -> ValidatorSchedule {
        self.schedule.clone()
    }

    /// The committed height, updated at every commit.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.committed.subscribe()
    }

    /// `CheckTx` for a transaction from a user or a peer: why it is refused, if it is.
    pub fn check(&self, tx: &[u8]) -> Result<(), Refusal> {
        verdict(&self.read(), &self.domain, &self.signers, tx)
            .unwrap_or_else(|e| Err(Refusal::Node(e.to_string())))
    }

    /// Fault injection (tests only): from now on this node proposes blocks that mint a
    /// deposit its parent never recorded, which honest validators must refuse.
    #[cfg(feature = "byzantine")]
    pub fn propose_invalid_blocks(&self) {
        self.rounds().invalid_proposals = true;
    }

    /// Fault injection (tests only): as proposer, spend every deposit minted to `key`'s
    /// address in transfers the ledger refuses (see [`Forgery`]).
    #[cfg(feature = "byzantine")]
    pub fn forge_with(&self, key: plasma_ledger::signing::UserKey, forgery: Forgery) {
        self.rounds().forge_with = Some((key, forgery));
    }

    /// Fault injection (tests only): vote for and commit blocks the ledger refuses.
    #[cfg(feature = "byzantine")]
    pub fn certify_invalid_blocks(&self) {
        self.rounds().certify_invalid = true;
    }

    /// Recovers, on all cores, the signers of `txs` that later checks will ask for.
    pub fn warm(&self, txs: &[SignedTransaction]) {
        self.signers.warm(&self.domain, txs);
    }

    /// The chain's signing domain.
    pub fn domain(&self) -> SigningDomain {
        (*self.domain).clone()
    }

    // A panic while holding a lock leaves no half-written state (writes are batches).
    fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|p| p.into_inner())
    }

    fn rounds(&self) -> MutexGuard<'_, Rounds> {
        self.rounds.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` with the store (for the API's reads).
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> T) -> T {
        f(&self.read())
    }

    fn handle(&self, req: Request) -> Result<Response, AppError> {
        if let Request::CheckTx(req) = &req {
            let res = check_tx(&self.read(), &self.domain, &self.signers, &req.tx)?;
            return Ok(Response::CheckTx(res));
        }
        let mut rounds = self.rounds();
        let mut st = State {
            store: &self.store,
            domain: &self.domain,
            signers: &self.signers,
            schedule: &self.schedule,
            rounds: &mut rounds,
        };
        Ok(match req {
            Request::Info(_) => {
                let store = self.read();
                let head = store.head();
                Response::Info(response::Info {
                    data: "plasma".into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    app_version: 1,
                    last_block_height: tendermint::block::Height::try_from(head.height)
                        .unwrap_or_default(),
                    last_block_app_hash: head.hash.to_vec().try_into().unwrap_or_default(),
                })
            }
            Request::Echo(e) => Response::Echo(response::Echo { message: e.message }),
            Request::Flush => Response::Flush,
            Request::InitChain(_) => Response::InitChain(Default::default()),
            Request::CheckTx(_) => unreachable!("answered above"),
            Request::PrepareProposal(req) => Response::PrepareProposal(st.prepare(req)?),
            Request::ProcessProposal(req) => Response::ProcessProposal(st.process(req)?),
            Request::FinalizeBlock(req) => Response::FinalizeBlock(st.finalize(req)?),
            Request::Commit => {
                let staged = st.rounds.staged.take().ok_or(AppError::NothingToCommit)?;
                let Staged { judged, commit, certificate, evidence } = staged;
                let parent = judged.parent_commit.as_ref().map(|(c, cert)| (c.as_slice(), cert));
                let decision = Decision {
                    commit: &commit,
                    certificate: &certificate,
                    evidence: &evidence,
                    parent,
                    adopts: judged.adopts.as_ref().map(|s| s.ledger().validators()),
                };
                let mut store = self.store.write().unwrap_or_else(|p| p.into_inner());
                store.commit_decided(&judged.block, &judged.delta, Some(decision))?;
                drop(store);
                let height = judged.block.header.height;
                if let Some(set) = judged.adopts {
                    info!(from = height + 1, set = %set.ledger().hash(), validators = set.members().len(), "validator set adopted from the parent");
                    self.schedule.adopt(height + 1, set);
                }
                st.rounds.judged.clear();
                self.committed.send_replace(judged.block.header.height);
                Response::Commit(response::Commit {
                    data: Bytes::new(),
                    retain_height: Default::default(),
                })
            }
            Request::Query(q) => Response::Query(st.query(&q)?),
            Request::ExtendVote(_) => {
                Response::ExtendVote(response::ExtendVote { vote_extension: Bytes::new() })
            }
            Request::VerifyVoteExtension(_) => {
                Response::VerifyVoteExtension(response::VerifyVoteExtension::Accept)
            }
            Request::ListSnapshots => Response::ListSnapshots(Default::default()),
            Request::OfferSnapshot(_) => Response::OfferSnapshot(Default::default()),
            Request::LoadSnapshotChunk(_) => Response::LoadSnapshotChunk(Default::default()),
            Request::ApplySnapshotChunk(_) => Response::ApplySnapshotChunk(Default::default()),
        })
    }
}

/// Why `CheckTx` refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a transaction (ABCI code 1).
    #[error("{0}")]
    Malformed(String),
    /// A kind only validators create (code 2).
    #[error("{0}")]
    NotSubmittable(String),
    /// Invalid against the committed state (code 3). `permanent` is false when a later
    /// state could differ (an input not yet created, or just spent by a racing block),
    /// true when no state can make it valid (a bad signature, unbalanced value, …).
    #[error("{reason}")]
    Invalid {
        /// The ledger's verdict.
        reason: String,
        /// Whether it can never become valid.
        permanent: bool,
    },
    /// The node could not judge (its store failed).
    #[error("node error: {0}")]
    Node(String),
}

impl Refusal {
    /// Whether the transaction can never become valid: a peer relaying it is at fault.
    pub fn is_permanent(&self) -> bool {
        match self {
            Refusal::Malformed(_) | Refusal::NotSubmittable(_) => true,
            Refusal::Invalid { permanent, .. } => *permanent,
            Refusal::Node(_) => false,
        }
    }

    fn code(&self) -> u32 {
        match self {
            Refusal::Malformed(_) => 1,
            Refusal::NotSubmittable(_) => 2,
            Refusal::Invalid { .. } => 3,
            Refusal::Node(_) => 4,
        }
    }
}

fn verdict(
    store: &Store,
    domain: &SigningDomain,
    signers: &SignerCache,
    bytes: &[u8],
) -> Result<Result<(), Refusal>, AppError> {
    let stx = match SignedTransaction::decode(bytes) {
        Ok(t) => t,
        Err(e) => return Ok(Err(Refusal::Malformed(e.to_string()))),
    };
    match stx.transaction.tx_kind() {
        Some(kind) if is_user_submittable(kind) => {}
        None if children::is_system(stx.transaction.kind) => {}
        Some(kind) => {
            let why = format!("{kind:?} transactions are created by the validators");
            return Ok(Err(Refusal::NotSubmittable(why)));
        }
        None => {
            let why = format!("unknown transaction kind {}", stx.transaction.kind);
            return Ok(Err(Refusal::NotSubmittable(why)));
        }
    }
    let view = store.view_at(unix_now());
    let verdict = validate_transaction_with(domain, &view, &stx, signers);
    view.finish()?;
    Ok(verdict
        .map(drop)
        .map_err(|e| Refusal::Invalid { permanent: !e.depends_on_state(), reason: e.to_string() }))
}

fn check_tx(
    store: &Store,
    domain: &SigningDomain,
    signers: &SignerCache,
    bytes: &[u8],
) -> Result<response::CheckTx, AppError> {
    Ok(match verdict(store, domain, signers, bytes)? {
        Ok(()) => response::CheckTx::default(),
        Err(refusal) => reject(refusal.code(), refusal),
    })
}

/// How a byzantine proposer spends the deposits minted to its operator (fault injection).
#[cfg(feature = "byzantine")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgery {
    /// One transfer paying a thousand times the amount.
    Inflate,
    /// Two transfers of the same output in one block, each paying the full amount.
    DoubleSpend,
}

/// Fault injection: the forged transfers of the first deposit minted to `key`'s address,
/// signed by `key` (none while it holds no minted deposit).
#[cfg(feature = "byzantine")]
fn forged_transfers(
    store: &Store,
    domain: &SigningDomain,
    key: &plasma_ledger::signing::UserKey,
    forgery: Forgery,
) -> Result<Vec<SignedTransaction>, StoreError> {
    use plasma_ledger::{Output, Transaction, TxKind, U256};
    for (pos, out) in store.utxos_of(&key.address(), 64)? {
        let minted = store.block(pos.blockHeight)?.is_some_and(|b| {
            b.transactions
                .get(pos.txIndex as usize)
                .is_some_and(|t| t.transaction.kind == TxKind::Deposit as u8)
        });
        if !minted || out.amount < U256::from(2) {
            continue;
        }
        let pay = |outputs: Vec<Output>| {
            let transaction = Transaction {
                kind: TxKind::Transfer as u8,
                inputs: vec![pos.clone()],
                outputs,
                data: Default::default(),
            };
            let signature = key.sign_digest(&domain.signing_hash(&transaction));
            SignedTransaction { transaction, signatures: vec![signature.to_vec().into()] }
        };
        let whole = |amount| Output::new(out.owner, out.token, amount);
        return Ok(match forgery {
            Forgery::Inflate => vec![pay(vec![whole(out.amount * U256::from(1000))])],
            // Two bodies, so two transaction hashes, each conserving value on its own.
            Forgery::DoubleSpend => vec![
                pay(vec![whole(out.amount)]),
                pay(vec![whole(out.amount - U256::from(1)), whole(U256::from(1))]),
            ],
        });
    }
    Ok(vec![])
}

/// This machine's clock, in Unix seconds.
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// How far ahead of a validator's clock a proposed block's time may be (seconds).
const MAX_CLOCK_DRIFT_S: u64 = 15;

/// Why this node does not accept a block.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BlockRefusal {
    /// It breaks a rule.
    Invalid(String),
    /// It needs what the node has not yet read from its parent (a validator configuration
    /// it adopts, a deposit it mints): the same block may be accepted a moment later.
    NotYet(String),
}

impl std::fmt::Display for BlockRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlockRefusal::Invalid(reason) => f.write_str(reason),
            BlockRefusal::NotYet(reason) => write!(f, "not yet: {reason}"),
        }
    }
}

/// Whether the block at `height` adopts `pending` (instead of keeping `current`): only at
/// the parent's epoch ends, and only a set that differs.
fn adopts_at(pending: &PendingSet, height: u64, current: &ValidatorSet) -> bool {
    pending.epoch_length > 0
        && height.is_multiple_of(pending.epoch_length)
        && pending.hash() != current.ledger().hash()
}

fn read(store: &RwLock<Store>) -> RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(|p| p.into_inner())
}

impl State<'_> {
    /// The proposer's block: the parent's pending deposits in nonce order, then every
    /// candidate valid after those kept before it, within `max_tx_bytes` of encoded block
    /// (the [`abci`] layout: a borsh list of the header, the parent's commit and every
    /// transaction, each with its 4-byte length).
    fn prepare(
        &mut self,
        req: request::PrepareProposal,
    ) -> Result<response::PrepareProposal, AppError> {
        let store = read(self.store);
        let height = store.head().height;
        let parent_commit = if height == 0 { None } else { store.commit_at(height)? };
        let parent_commit = match parent_commit {
            None => None,
            Some(bytes) => {
                let cert = store.certificate(height)?.ok_or_else(|| AppError::Decided {
                    height,
                    reason: "stored commit without its certificate".into(),
                })?;
                Some((bytes, cert))
            }
        };
        let carried_len = parent_commit.as_ref().map_or(0, |(c, _)| c.len());
        let mut budget = usize::try_from(req.max_tx_bytes)
            .unwrap_or(0)
            .saturating_sub(4 + (4 + HEADER_BYTES) + (4 + carried_len));

        let view = store.view();
        let timestamp = req.time.unix_timestamp().max(0) as u64;
        let mut builder = BlockBuilder::new(&view, timestamp);
        let first = view.next_deposit_nonce();
        for nonce in first..first + MAX_DEPOSITS_PER_BLOCK {
            let Some(record) = view.parent_deposit(nonce) else { break };
            let stx = deposit_transaction(&record);
            let size = 4 + stx.abi_encoded_size();
            if size > budget {
                break;
            }
            if let Err(e) = builder.push(self.domain, stx, self.signers) {
                warn!(nonce, error = %e, "a recorded parent deposit does not mint");
                break;
            }
            budget -= size;
        }
        // Children's exits that matured by this block's time, each queue in priority order.
        let matured = children::matured_payouts(store.active_exits()?, timestamp);
        for stx in matured {
            let size = 4 + stx.abi_encoded_size();
            if size > budget {
                break;
            }
            match builder.push(self.domain, stx, self.signers) {
                Ok(()) => budget -= size,
                Err(PushError::Full) => break,
                Err(PushError::Invalid(error)) => debug!(%error, "a matured exit is not payable"),
            }
        }
        for raw in &req.txs {
            if 4 + raw.len() > budget {
                break;
            }
            let Ok(stx) = SignedTransaction::decode(raw) else { continue };
            let kind = stx.transaction.kind;
            if !(stx.transaction.tx_kind().is_some_and(is_user_submittable)
                || children::is_system(kind))
            {
                continue;
            }
            match builder.push(self.domain, stx, self.signers) {
                Ok(()) => budget -= 4 + raw.len(),
                Err(PushError::Full) => break,
                Err(PushError::Invalid(error)) => debug!(%error, "candidate left out"),
            }
        }
        let set = self.schedule.at(height + 1);
        let (next_validator_set_hash, adopts) = match store.pending_set()? {
            Some(p) if adopts_at(&p, height + 1, &set) => {
                match ValidatorSet::from_parent(p.validators) {
                    Ok(next) => (next.ledger().hash(), Some(next)),
                    Err(error) => {
                        warn!(%error, "the parent's pending validator set is unusable; keeping the current one");
                        (set.ledger().hash(), None)
                    }
                }
            }
            _ => (set.ledger().hash(), None),
        };
        let params = ProposalParams {
            timestamp,
            proposer: Address::from_slice(req.proposer_address.as_bytes()),
            validator_set_hash: set.ledger().hash(),
            next_validator_set_hash,
        };
        let (block, delta) = builder.seal(self.domain, &params);
        #[cfg(feature = "byzantine")]
        if self.rounds.invalid_proposals {
            let carried = parent_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default();
            let mut txs = block.transactions;
            let forged = plasma_ledger::DepositRecord {
                chainId: self.domain.chain_id,
                nonce: delta.next_deposit_nonce,
                depositor: params.proposer,
                recipient: params.proposer,
                token: Address::ZERO,
                amount: plasma_ledger::U256::from(10u64).pow(plasma_ledger::U256::from(24u64)),
            };
            let deposit = plasma_ledger::TxKind::Deposit as u8;
            let at = txs.iter().take_while(|t| t.transaction.kind == deposit).count();
            txs.insert(at, deposit_transaction(&forged));
            let forged = plasma_ledger::block::seal_block(self.domain, &view, txs, &params);
            view.finish()?;
            warn!(height = forged.header.height, "proposing an invalid block (fault injection)");
            return Ok(response::PrepareProposal { txs: block_txs(&forged, carried) });
        }
        #[cfg(feature = "byzantine")]
        let (block, delta) = match &self.rounds.forge_with {
            None => (block, delta),
            Some((key, forgery)) => match forged_transfers(&store, self.domain, key, *forgery)? {
                forged if forged.is_empty() => (block, delta),
                forged => {
                    let mut txs = block.transactions;
                    txs.extend(forged);
                    let forged = plasma_ledger::block::seal_block(self.domain, &view, txs, &params);
                    let delta =
                        plasma_ledger::block::apply_block_unjudged(self.domain, &view, &forged);
                    let height = forged.header.height;
                    match forgery {
                        Forgery::Inflate => {
                            warn!(height, "proposing an inflating block (fault injection)")
                        }
                        Forgery::DoubleSpend => {
                            warn!(height, "proposing a double-spending block (fault injection)")
                        }
                    }
                    (forged, delta)
                }
            },
        };
        view.finish()?;
        let judged = Judged { block, delta, adopts, parent_commit };
        let carried = judged.parent_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default();
        let out = block_txs(&judged.block, carried);
        self.rounds.judged.insert(judged.block.header.hash(), judged);
        Ok(response::PrepareProposal { txs: out })
    }

    /// The carried parent commit, checked: it certifies the head this block extends.
    fn parent_commit(
        &self,
        carried: &[u8],
    ) -> Result<Option<(Vec<u8>, CommitCertificate)>, String> {
        let store = read(self.store);
        let head = store.head();
        if head.height == 0 {
            return if carried.is_empty() {
                Ok(None)
            } else {
                Err("a first block carries no commit".into())
            };
        }
        let engine = abci::decode_commit(carried).map_err(|e| format!("parent commit: {e}"))?;
        let set = self.schedule.at(head.height);
        let cert = certificate::aggregate(self.domain.chain_id, &set, &engine)
            .map_err(|e| format!("parent commit: {e}"))?;
        if cert.height != head.height || cert.blockHash != head.hash {
            return Err(format!(
                "parent commit certifies block {} at {}, not the head",
                cert.blockHash, cert.height
            ));
        }
        Ok(Some((carried.to_vec(), cert)))
    }

    fn judge(&mut self, txs: &[Bytes]) -> Result<Result<B256, BlockRefusal>, AppError> {
        let (block, carried) = match decode_block(txs) {
            Ok(b) => b,
            Err(e) => return Ok(Err(BlockRefusal::Invalid(e))),
        };
        let hash = block.header.hash();
        if let Some(j) = self.rounds.judged.get(&hash) {
            let same = j.parent_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default()
                == carried.as_ref();
            if same {
                return Ok(Ok(hash));
            }
        }
        let height = block.header.height;
        let set = self.schedule.at(height);
        if block.header.validatorSetHash != set.ledger().hash() {
            return Ok(Err(BlockRefusal::Invalid("header names another validator set".into())));
        }
        let next = block.header.nextValidatorSetHash;
        let adopts = if next == set.ledger().hash() {
            None
        } else {
            // Any configuration the parent numbered for this chain, at one of its epoch ends
            // (honest proposers adopt the pending one; a node syncing later judges the
            // adoptions of history the same way).
            let store = read(self.store);
            let epoch = store.parent_epoch_length()?.unwrap_or(0);
            match store.configuration_by_hash(&next)? {
                Some(members) if epoch > 0 && height.is_multiple_of(epoch) => {
                    match ValidatorSet::from_parent(members) {
                        Ok(s) => Some(s),
                        Err(e) => {
                            return Ok(Err(BlockRefusal::Invalid(format!(
                                "the adopted validator set: {e}"
                            ))))
                        }
                    }
                }
                Some(_) => {
                    return Ok(Err(BlockRefusal::Invalid(format!(
                        "header adopts validator set {next} off an epoch end"
                    ))))
                }
                // The parent may have numbered it a moment ago: this node has not read it yet.
                None => {
                    return Ok(Err(BlockRefusal::NotYet(format!(
                        "header adopts validator set {next}, no configuration of the parent's \
                         this node knows yet"
                    ))))
                }
            }
        };
        let parent_commit = match self.parent_commit(&carried) {
            Ok(p) => p,
            Err(e) => return Ok(Err(BlockRefusal::Invalid(e))),
        };
        self.signers.warm(self.domain, &block.transactions);
        let verdict = read(self.store).apply_block_with(self.domain, &block, self.signers)?;
        #[cfg(feature = "byzantine")]
        let verdict = match verdict {
            Err(e) if self.rounds.certify_invalid => {
                warn!(height = block.header.height, error = %e, "certifying an invalid block (fault injection)");
                let store = read(self.store);
                let view = store.view();
                let delta = plasma_ledger::block::apply_block_unjudged(self.domain, &view, &block);
                view.finish()?;
                Ok(delta)
            }
            v => v,
        };
        match verdict {
            Ok(delta) => {
                self.rounds.judged.insert(hash, Judged { block, delta, adopts, parent_commit });
                Ok(Ok(hash))
            }
            // A deposit the parent has not shown this node as final yet.
            Err(
                e @ BlockError::InvalidTransaction { error: TxError::DepositUnknown { .. }, .. },
            ) => Ok(Err(BlockRefusal::NotYet(e.to_string()))),
            Err(e) => Ok(Err(BlockRefusal::Invalid(e.to_string()))),
        }
    }

    fn process(
        &mut self,
        req: request::ProcessProposal,
    ) -> Result<response::ProcessProposal, AppError> {
        let claimed = B256::from_slice(req.hash.as_bytes());
        let verdict = self.judge(&req.txs)?.and_then(|hash| {
            let header = &self.rounds.judged[&hash].block.header;
            // The header names the validator who built the block. A later round re-proposes
            // a block that gathered a polka under its own proposer, so the round's proposer
            // (whose signature over the stream the shim checked) may be another member.
            let set = self.schedule.at(header.height);
            let member = set.ledger().validators().iter().any(|v| v.operator == header.proposer);
            // Exits mature by block time: a block may not run ahead of this validator's clock
            // (nor go back before its parent), or a proposer could pay exits early.
            let now = unix_now();
            let previous = self.parent_timestamp(header.height);
            let refused = if hash != claimed {
                format!("block hash {hash} is not the proposed {claimed}")
            } else if !member {
                format!("header names proposer {}, not a validator", header.proposer)
            } else if header.timestamp > now + MAX_CLOCK_DRIFT_S {
                format!("block time {} is ahead of this clock ({now})", header.timestamp)
            } else if previous.is_some_and(|t| header.timestamp < t) {
                format!("block time {} is before its parent's", header.timestamp)
            } else {
                return Ok(());
            };
            Err(BlockRefusal::Invalid(refused))
        });
        Ok(match verdict {
            Ok(()) => response::ProcessProposal::Accept,
            Err(BlockRefusal::Invalid(reason)) => {
                warn!(height = %req.height, %reason, "rejecting proposal");
                response::ProcessProposal::Reject
            }
            // Neither accepted nor rejected: the engine asks again later.
            Err(BlockRefusal::NotYet(reason)) => {
                info!(height = %req.height, %reason, "cannot judge the proposal yet");
                response::ProcessProposal::Unknown
            }
        })
    }

    /// Timestamp of the block before `height`, if this node has it.
    fn parent_timestamp(&self, height: u64) -> Option<u64> {
        let store = read(self.store);
        store.block(height.checked_sub(1)?).ok().flatten().map(|b| b.header.timestamp)
    }

    fn finalize(
        &mut self,
        req: request::FinalizeBlock,
    ) -> Result<response::FinalizeBlock, AppError> {
        let height = req.height.value();
        let fail = |reason: String| AppError::Decided { height, reason };
        let (commit, block) = req.txs.split_first().ok_or_else(|| fail("no commit".into()))?;
        let cert = abci::decode_commit(commit).map_err(|e| fail(format!("commit: {e}")))?;
        let certificate =
            certificate::aggregate(self.domain.chain_id, &self.schedule.at(height), &cert)
                .map_err(|e| fail(format!("certificate: {e}")))?;
        let hash = self.judge(block)?.map_err(|r| fail(r.to_string()))?;
        if certificate.blockHash != hash {
            return Err(fail(format!(
                "certificate is for {}, block is {hash}",
                certificate.blockHash
            )));
        }
        let judged = self.rounds.judged[&hash].clone();
        let evidence = req
            .misbehavior
            .iter()
            .map(|m| (Address::from_slice(m.validator.address.as_slice()), m.height.value()))
            .collect();
        self.rounds.staged =
            Some(Staged { judged, commit: commit.to_vec(), certificate, evidence });
        Ok(response::FinalizeBlock {
            events: Vec::new(),
            tx_results: Vec::new(),
            validator_updates: Vec::new(),
            consensus_param_updates: None,
            app_hash: hash.to_vec().try_into().unwrap_or_default(),
        })
    }

    fn query(&self, q: &request::Query) -> Result<response::Query, AppError> {
        let not_found = |log: &str| response::Query {
            code: Code::from(1),
            log: log.into(),
            ..Default::default()
        };
        let store = read(self.store);
        match q.path.as_str() {
            QUERY_COMMIT => {
                let Ok(h) = <[u8; 8]>::try_from(q.data.as_ref()) else {
                    return Ok(not_found("data must be a height (8 bytes, big-endian)"));
                };
                let h = u64::from_be_bytes(h);
                let (Some(block), Some(commit)) = (store.block(h)?, store.commit_at(h)?) else {
                    return Ok(not_found("no such height"));
                };
                let carried =
                    if h > 1 { store.commit_at(h - 1)?.unwrap_or_default() } else { Vec::new() };
                let decided = DecidedBlock {
                    commit,
                    txs: block_txs(&block, &carried).into_iter().map(|b| b.to_vec()).collect(),
                };
                Ok(response::Query { value: decided.encode(), ..Default::default() })
            }
            other => Ok(not_found(&format!("unknown query path {other:?}"))),
        }
    }
}

impl tower::Service<Request> for PlasmaApp {
    type Response = Response;
    type Error = BoxError;
    type Future = std::future::Ready<Result<Response, BoxError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        std::future::ready(self.handle(req).map_err(|e| Box::new(e) as BoxError))
    }
}
