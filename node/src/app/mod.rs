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
use plasma_client::util::unix_now;
use plasma_consensus::abci::{self, BoxError, DecidedBlock, QUERY_COMMIT};
use plasma_consensus::certificate;
use plasma_consensus::{ValidatorSchedule, ValidatorSet};
use plasma_ledger::block::{BlockBuilder, BlockError, ProposalParams, PushError, StateDelta};
use plasma_ledger::build::deposit_transaction;
use plasma_ledger::children;
use plasma_ledger::header::{self, NextSet};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::tx::{validate_transaction_with, TxError};
use plasma_ledger::{
    Address, Block, BlockHeader, CommitCertificate, LedgerView, SignedTransaction, B256,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};
use std::task::{Context, Poll};
use tendermint::abci::Code;
use tendermint::v0_38::abci::{request, response, Request, Response};
use tracing::{debug, info, warn};

#[cfg(feature = "byzantine")]
mod fault;
mod proposal;
#[cfg(feature = "byzantine")]
pub use fault::Forgery;

/// Most deposits one block mints.
const MAX_DEPOSITS_PER_BLOCK: u64 = 1024;

/// An ABI-encoded header: eleven static words.
const HEADER_BYTES: usize = 11 * 32;

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

/// A block judged valid, waiting for its decision, with the previous block's commit it carries.
#[derive(Clone)]
struct Judged {
    block: Block,
    delta: StateDelta,
    /// The set the block adopts from the next height, when it changes.
    adopts: Option<ValidatorSet>,
    /// The previous block's commit as carried (empty at height 1) and its aggregate.
    last_commit: Option<(Vec<u8>, CommitCertificate)>,
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
    /// Fault injection: propose blocks whose deposit range passes over every deposit to come.
    #[cfg(feature = "byzantine")]
    pass_over_deposits: bool,
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

/// The ABCI layout of a block: header, the previous block's commit, then transactions.
pub fn block_txs(block: &Block, last_commit: &[u8]) -> Vec<Bytes> {
    let mut txs = Vec::with_capacity(block.transactions.len() + 2);
    txs.push(Bytes::from(block.header.abi_encode()));
    txs.push(Bytes::copy_from_slice(last_commit));
    txs.extend(block.transactions.iter().map(tx_bytes));
    txs
}

/// Decodes a block in the ABCI layout, strictly. Returns it and the carried last commit.
pub fn decode_block(txs: &[Bytes]) -> Result<(Block, Bytes), String> {
    let [header, last_commit, body @ ..] = txs else {
        return Err("a block needs a header and the previous block's commit".into());
    };
    let header = BlockHeader::decode(header).map_err(|e| e.to_string())?;
    let transactions = body
        .iter()
        .enumerate()
        .map(|(i, t)| SignedTransaction::decode(t).map_err(|e| format!("tx {i}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((Block { header, transactions }, last_commit.clone()))
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
            pass_over_deposits: false,
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

    /// Fault injection (tests only): from now on this node proposes valid blocks whose deposit
    /// range ends at the last nonce, passing over every deposit to come, which honest
    /// validators must vote against.
    #[cfg(feature = "byzantine")]
    pub fn propose_passing_over_deposits(&self) {
        self.rounds().pass_over_deposits = true;
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
                let last_commit = judged.last_commit.as_ref().map(|(c, cert)| (c.as_slice(), cert));
                let decision = Decision {
                    commit: &commit,
                    certificate: &certificate,
                    evidence: &evidence,
                    last_commit,
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
        // Users' kinds, and system transactions: anyone may submit one, valid by its content.
        Some(kind) if kind.is_user_submittable() || kind.is_system() => {}
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
    // A lock, payout or fraud proof is judged on the links it will stand on: the proposer
    // sets them (a lock's are not signed).
    let stx = plasma_ledger::children::relinked(&view, &stx).unwrap_or(stx);
    let verdict = validate_transaction_with(domain, &view, &stx, signers)
        .map_err(|e| Refusal::Invalid { permanent: !e.depends_on_state(), reason: e.to_string() })
        .and_then(|judged| {
            // A policy beside the rules: an exit the child's escrow could never pay in full.
            plasma_ledger::children::admissible(&view, judged.child.as_ref())
                .map_err(|e| Refusal::Invalid { permanent: false, reason: e.to_string() })
        });
    view.finish()?;
    Ok(verdict)
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

#[cfg(test)]
mod tests;
