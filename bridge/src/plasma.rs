//! A plasma chain as the parent: [`PlasmaParent`] follows it as a light client and submits
//! to it through any of its nodes' gRPC APIs.
//!
//! Everything the child learns about itself on the parent (its registration, the
//! checkpoints the parent accepted, the deposits locked for it) is read from the parent's
//! certified blocks ([`plasma_ledger::children::child_events`]), each checked by
//! [`LightClient`]: no node's answer is believed on its word. A plasma parent's blocks are
//! final once certified, so a deposit is final as soon as its block verifies.
//!
//! Submissions (checkpoints, exit challenges, fraud proofs) are system transactions handed to
//! the first node that takes them; whether one landed is again read from a certified block.

use crate::acceptance::fetch_acceptance;
use crate::light::{BlockSource, GrpcSource, LightClient, SetSource, SOURCE_TIMEOUT};
use crate::parent::{
    ChainState, DepositChallenge, ExitClaim, ExitTarget, ParentDeposits, ParentError, ParentReader,
    ParentSubmitter, MAX_DEPOSITS_PER_QUERY,
};
use plasma_ledger::build::{
    challenge_child_deposit_exit_tx, challenge_child_exit_tx, child_checkpoint_tx,
    prove_child_fraud_tx,
};
use plasma_ledger::certificate::ValidatorSet;
use plasma_ledger::children::{
    child_events, convicted, lowered_rollback, prover_reward, record_of, signed_by, ChildError,
    ChildEvent, ChildRecord, RecordedDeposit,
};
use plasma_ledger::exit::ExitKey;
use plasma_ledger::signing::{Recover, SigningDomain, UserKey};
use plasma_ledger::types::FraudKind;
use plasma_ledger::{
    Acceptance, Address, BlockHeader, Checkpoint, ChildDepositExitChallenge, ChildExitChallenge,
    ChildFraudProof, CommitCertificate, DepositRecord, FraudProof, SignedTransaction, TxRef,
    UtxoPos, Validator, B256, U256,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long a submitted checkpoint is waited for in the parent's blocks.
const LANDING_TIMEOUT: Duration = Duration::from_secs(20);

/// What the child has read about itself from the parent's verified blocks.
#[derive(Default)]
struct Seen {
    /// Its registry entry as the parent keeps it (parameters, validator configurations),
    /// rebuilt from the parent's blocks by the ledger's own rules.
    record: Option<ChildRecord>,
    /// Accepted checkpoints by height: the checkpoint and the parent height that accepted it.
    checkpoints: BTreeMap<u64, (Checkpoint, u64)>,
    /// Deposits locked for it, by nonce, with when the parent recorded each.
    deposits: Vec<RecordedDeposit>,
    /// Exits of its outputs started on the parent, in order: the exit and where the parent
    /// queued it (a challenge names its latest start).
    exits: Vec<(ExitClaim, TxRef)>,
    /// Its validators' stakes on the parent.
    stakes: BTreeMap<Address, U256>,
    /// First void height after a fraud proven on the parent (0: none).
    rollback_height: u64,
    /// How many fraud proofs against it the parent heard.
    proofs: usize,
}

impl Seen {
    /// Takes in `event`, read from the parent's verified block of `header`.
    fn read(&mut self, event: ChildEvent, header: &BlockHeader) {
        let at = header.height;
        match event {
            ChildEvent::Registered(reg, placed) => {
                let registered = ChildRecord {
                    registered_at: placed,
                    last_ref: placed,
                    stakes_ref: placed,
                    ..record_of(&reg)
                };
                self.record = Some(registered);
            }
            ChildEvent::Checkpoint(cp, placed) => {
                let h = &cp.header;
                if let Some(record) = self.record.as_mut() {
                    record.accept_checkpoint(h.height, h.hash(), h.nextValidatorSetHash);
                    record.last_ref = placed;
                }
                self.checkpoints.insert(h.height, (*cp, at));
            }
            ChildEvent::Bonded { validator, amount, stakes } => {
                let operator = validator.operator;
                if let Some(record) = self.record.as_mut() {
                    // The parent accepted it, so it extends the set it extended.
                    if let Err(e) = record.bond(validator) {
                        tracing::warn!(error = %e, "a certified bond does not apply to the followed record");
                    }
                    (record.stakes_ref, record.staked) = (stakes.at, stakes.staked);
                }
                let stake = self.stakes.entry(operator).or_default();
                *stake = stake.saturating_add(amount);
            }
            ChildEvent::Deposit { record, .. } => {
                let recorded_at = header.timestamp;
                self.deposits.push(RecordedDeposit { record, recorded_at });
            }
            ChildEvent::Staked { operator, amount, stakes } => {
                let stake = self.stakes.entry(operator).or_default();
                *stake = stake.saturating_add(amount);
                if let Some(record) = self.record.as_mut() {
                    (record.stakes_ref, record.staked) = (stakes.at, stakes.staked);
                }
            }
            ChildEvent::FraudProven { height, stakes } => {
                self.proofs += 1;
                match height {
                    // Never raised: a proof on a frozen child may convict above it.
                    Some(height) => {
                        self.rollback_height = lowered_rollback(self.rollback_height, height)
                    }
                    None => tracing::warn!(
                        "a certified fraud proof against the child whose verdict this follower cannot read"
                    ),
                }
                if let Some(record) = self.record.as_mut() {
                    (record.stakes_ref, record.staked) = (stakes.at, stakes.staked);
                }
            }
            ChildEvent::ExitStarted { claim, started_at, at: place } => {
                let period = self.record.as_ref().map_or(0, |r| r.params.exitPeriod);
                let record = claim.record(started_at, period);
                let target = match claim.key {
                    ExitKey::Output { .. } => ExitTarget::Output(claim.pos),
                    ExitKey::Deposit(nonce) => ExitTarget::Deposit {
                        nonce,
                        minted: (claim.pos != UtxoPos::default()).then_some(claim.pos),
                    },
                };
                let exit = ExitClaim {
                    exit_id: record.exitId,
                    target,
                    owner: record.owner,
                    token: record.token,
                    amount: record.amount,
                    exitable_at: record.exitableAt,
                };
                self.exits.push((exit, place));
            }
        }
    }
}

struct Follower {
    light: LightClient,
    seen: Seen,
}

/// A plasma chain as the parent of chain `child`.
pub struct PlasmaParent {
    child: u64,
    domain: SigningDomain,
    beneficiary: Address,
    /// Signs this follower's fraud proofs (its address is `beneficiary`); `None` for a
    /// follower that never submits.
    prover: Option<UserKey>,
    endpoints: Vec<String>,
    follower: Mutex<Follower>,
}

impl PlasmaParent {
    /// Follows parent `domain.chain_id` for its child `child`, from the parent's genesis.
    /// Bonds of exits this follower challenges, and the rewards of the fraud proofs it proves
    /// (signed with it), go to `beneficiary`'s address; `None`: a follower that never submits.
    ///
    /// The parent's first validator set is the one its own parent registered (`sets`) under
    /// the hash its first block names: a source can only name a set `sets` vouches for, and
    /// must then show that set's certificate.
    pub async fn connect(
        domain: SigningDomain,
        child: u64,
        beneficiary: Option<UserKey>,
        endpoints: Vec<String>,
        sets: Box<dyn SetSource>,
    ) -> Result<Self, ParentError> {
        if endpoints.is_empty() {
            return Err(ParentError::Transport("no endpoint of the plasma parent".into()));
        }
        let sources: Vec<Box<dyn BlockSource>> = endpoints
            .iter()
            .map(|url| Box::new(GrpcSource::new(url.clone())) as Box<dyn BlockSource>)
            .collect();
        let mut named = None;
        for source in &sources {
            if let Ok(Some((block, _))) = source.block(1).await {
                named = Some(block.header.validatorSetHash);
                break;
            }
        }
        let hash = named.ok_or_else(|| {
            ParentError::Transport("no endpoint of the plasma parent serves its block 1".into())
        })?;
        let members =
            sets.set_with_hash(hash).await.map_err(ParentError::Transport)?.ok_or_else(|| {
                ParentError::Refused {
                    call: "following the plasma parent",
                    reason: format!("its first block names validator set {hash}, never registered"),
                }
            })?;
        let genesis = ValidatorSet::new(members)
            .map_err(|e| ParentError::Transport(format!("the parent's first set: {e}")))?;
        let light = LightClient::new(&domain, genesis, sources, sets);
        Ok(Self {
            child,
            domain,
            beneficiary: beneficiary.as_ref().map_or(Address::ZERO, UserKey::address),
            prover: beneficiary,
            endpoints,
            follower: Mutex::new(Follower { light, seen: Seen::default() }),
        })
    }

    /// The parent's chain id.
    pub fn chain_id(&self) -> u64 {
        self.domain.chain_id
    }

    /// The last verified parent block (height, hash).
    pub async fn head(&self) -> (u64, B256) {
        self.follower.lock().await.light.head()
    }

    /// Reads every parent block the sources have, verifying each.
    async fn sync(&self) -> Result<(), ParentError> {
        let mut f = self.follower.lock().await;
        loop {
            let block = match f.light.next().await {
                Ok(Some(block)) => block,
                Ok(None) => return Ok(()),
                Err(e) => return Err(ParentError::Transport(e.to_string())),
            };
            let held = |h| f.seen.checkpoints.get(&h).map(|(c, _)| c.header.hash());
            let earlier = (f.seen.deposits.as_slice(), &held as &dyn Fn(u64) -> Option<B256>);
            let events = child_events(&self.domain, &block, self.child, earlier, &Recover);
            for event in events {
                f.seen.read(event, &block.header);
            }
        }
    }

    fn check_chain(&self, chain_id: u64) -> Result<(), ParentError> {
        if chain_id == self.child {
            Ok(())
        } else {
            Err(ParentError::Refused {
                call: "a query",
                reason: format!("this follower reads chain {}, not {chain_id}", self.child),
            })
        }
    }

    /// Where the parent accepted the child checkpoint `anchor`, as the first endpoint that
    /// shows it serves it.
    async fn acceptance(&self, anchor: &BlockHeader) -> Result<Acceptance, ParentError> {
        let mut last = String::from("no endpoint answered");
        for url in &self.endpoints {
            let mut node = match node_at(url).await {
                Ok(node) => node,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            match fetch_acceptance(&mut node, self.domain.chain_id, anchor).await {
                Ok(acceptance) => return Ok(acceptance),
                Err(e) => last = format!("{url}: {e}"),
            }
        }
        Err(ParentError::Transport(last))
    }

    /// Hands `stx` to the first endpoint that takes it. `Ok(false)` when every endpoint that
    /// answered refused it as already pending or no longer valid.
    async fn submit(&self, stx: &SignedTransaction) -> Result<bool, ParentError> {
        use alloy::sol_types::SolValue;
        use plasma_proto::v1::SubmitTxRequest;
        let mut last = String::from("no endpoint answered");
        for url in &self.endpoints {
            let mut node = match node_at(url).await {
                Ok(node) => node,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            match node.chain.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await {
                Ok(_) => return Ok(true),
                Err(s) if s.code() == tonic::Code::AlreadyExists => return Ok(false),
                Err(s) if s.code() == tonic::Code::InvalidArgument => {
                    tracing::debug!(%url, reason = s.message(), "the plasma parent refused a submission");
                    return Ok(false);
                }
                Err(s) => last = format!("{url}: {}", s.message()),
            }
        }
        Err(ParentError::Transport(last))
    }
}

/// The parent's node at `url`, given [`SOURCE_TIMEOUT`] to connect and to answer each call.
async fn node_at(url: &str) -> Result<plasma_proto::Client, String> {
    plasma_proto::Client::connect_bounded(url.to_string(), SOURCE_TIMEOUT)
        .await
        .map_err(|e| format!("{url}: {e}"))
}

#[async_trait::async_trait]
impl ParentReader for PlasmaParent {
    async fn chain_state(&self, chain_id: u64) -> Result<ChainState, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        let record = f.seen.record.as_ref().ok_or_else(|| ParentError::Refused {
            call: "chain_state",
            reason: format!(
                "chain {chain_id} is not registered on plasma chain {}",
                self.chain_id()
            ),
        })?;
        Ok(ChainState {
            epoch_length: record.params.epochLength,
            last_checkpoint: f.seen.checkpoints.keys().next_back().copied().unwrap_or(0),
            frozen: f.seen.rollback_height != 0,
            rollback_height: f.seen.rollback_height,
            configurations: record.configurations.len() as u32,
            pending_configuration: record.pending,
            active_configuration: record.active,
        })
    }

    async fn checkpoints_accepted(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<(u64, B256)>, u64), ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        let found = f
            .seen
            .checkpoints
            .iter()
            .filter(|(_, (_, at))| *at >= from_block)
            .map(|(height, (cp, _))| (*height, cp.header.hash()))
            .collect();
        Ok((found, f.light.head().0 + 1))
    }

    async fn exits_started(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<ExitClaim>, u64), ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        let found =
            f.seen.exits.iter().filter(|(_, at)| at.height >= from_block).map(|(e, _)| e.clone());
        Ok((found.collect(), f.light.head().0 + 1))
    }

    async fn checkpoint(
        &self,
        chain_id: u64,
        height: u64,
    ) -> Result<Option<(BlockHeader, CommitCertificate)>, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        Ok(f.seen
            .checkpoints
            .get(&height)
            .map(|(cp, _)| (cp.header.clone(), cp.certificate.clone())))
    }

    async fn configuration(
        &self,
        chain_id: u64,
        id: u32,
    ) -> Result<Option<Vec<Validator>>, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        Ok(f.seen.record.as_ref().and_then(|r| r.configuration(id)).map(|c| c.validators.clone()))
    }
}

#[async_trait::async_trait]
impl ParentDeposits for PlasmaParent {
    async fn final_deposits(
        &self,
        chain_id: u64,
        from: u64,
        max: usize,
    ) -> Result<Vec<DepositRecord>, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let f = self.follower.lock().await;
        let max = max.min(MAX_DEPOSITS_PER_QUERY);
        // In nonce order: the order of their locks.
        let first = f.seen.deposits.partition_point(|d| d.record.nonce < from);
        Ok(f.seen.deposits[first..].iter().take(max).map(|d| d.record.clone()).collect())
    }
}

#[async_trait::async_trait]
impl ParentSubmitter for PlasmaParent {
    async fn submit_checkpoint(
        &self,
        header: &BlockHeader,
        certificate: &CommitCertificate,
    ) -> Result<bool, ParentError> {
        self.check_chain(header.chainId)?;
        let cp = Checkpoint { header: header.clone(), certificate: certificate.clone() };
        let (height, hash) = (header.height, header.hash());
        self.sync().await?;
        if self.last_checkpoint().await >= height {
            return Ok(false);
        }
        // It follows the child's latest checkpoint the parent accepted, or its registration.
        let previous = self.follower.lock().await.seen.record.as_ref().map(|r| r.last_ref);
        let previous = previous.ok_or_else(|| ParentError::Refused {
            call: "submitting a checkpoint",
            reason: format!("chain {} is not registered on the parent", self.child),
        })?;
        if !self.submit(&child_checkpoint_tx(&cp, previous)).await? {
            return Ok(false);
        }
        // Landed means: a certified parent block accepted this header.
        self.until_seen(&format!("checkpoint {height}"), |seen| {
            match seen.checkpoints.get(&height) {
                Some((accepted, _)) => Some(accepted.header.hash() == hash),
                None if seen.checkpoints.keys().next_back().is_some_and(|h| *h > height) => {
                    Some(false)
                }
                None => None,
            }
        })
        .await
    }

    async fn challenge_exit(
        &self,
        chain_id: u64,
        exit_id: B256,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<bool, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let start = self.latest_start(exit_id).await.ok_or_else(|| ParentError::Refused {
            call: "challenge_exit",
            reason: format!("no exit {exit_id} on the parent"),
        })?;
        // The parent keeps the exit's position with it: the spend is judged against that.
        self.challenge(chain_id, exit_id, start, spend, input_index).await
    }

    async fn challenge_deposit_exit(
        &self,
        chain_id: u64,
        c: &DepositChallenge,
    ) -> Result<bool, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        let exit_id = ExitKey::Deposit(c.nonce).exit_id();
        let (minted, start) = {
            let f = self.follower.lock().await;
            let seen = f.seen.exits.iter().rev().find(|(e, _)| e.exit_id == exit_id);
            match seen.map(|(e, at)| (&e.target, *at)) {
                Some((ExitTarget::Deposit { minted, .. }, at)) => (minted.clone(), at),
                _ => {
                    return Err(ParentError::Refused {
                        call: "challenge_deposit_exit",
                        reason: format!("no exit of deposit {} on the parent", c.nonce),
                    })
                }
            }
        };
        if minted.is_some() {
            // An exit of the minted output: the parent keeps its position with the exit, so
            // the spend alone challenges it.
            return self.challenge(chain_id, exit_id, start, &c.spend, c.input_index).await;
        }
        // An exit from the parent's record: the mint must be shown under a checkpoint the
        // parent accepted, where it accepted it, and its spend.
        let acceptance = self.acceptance(&c.anchor).await?;
        let challenge = ChildDepositExitChallenge {
            childChainId: chain_id,
            nonce: c.nonce,
            anchor: c.anchor.clone(),
            mintedPos: c.minted_pos.clone(),
            minted: c.minted.clone(),
            spend: c.spend.clone(),
            inputIndex: c.input_index,
            beneficiary: self.beneficiary,
            acceptance,
            startHeight: start.height,
            startIndex: start.index,
        };
        let bond = self.exit_bond().await;
        self.submit(&challenge_child_deposit_exit_tx(&challenge, bond)).await
    }

    async fn prove_fraud(&self, chain_id: u64, proof: &FraudProof) -> Result<bool, ParentError> {
        self.check_chain(chain_id)?;
        self.sync().await?;
        // On a frozen child too: a proof showing below the one heard before lowers the rollback
        // (the parent refuses any other, `Ok(false)`).
        let (taken, stakes, heard, culprit) = {
            let f = self.follower.lock().await;
            let record = f.seen.record.as_ref().ok_or_else(|| ParentError::Refused {
                call: "prove_fraud",
                reason: format!("chain {chain_id} is not registered on the parent"),
            })?;
            let refused =
                |e: ChildError| ParentError::Refused { call: "prove_fraud", reason: e.to_string() };
            let convicted = convicted(record, proof).map_err(refused)?;
            let stake = |op| f.seen.stakes.get(op).copied().unwrap_or_default();
            let taken = convicted.iter().fold(U256::ZERO, |sum, op| sum.saturating_add(stake(op)));
            let culprit = convicted.contains(&self.beneficiary);
            (taken.min(record.staked), (record.stakes_ref, record.staked), f.seen.proofs, culprit)
        };
        // Where the parent accepted the proof's anchor (an equivocation has none).
        let acceptance = if proof.kind == FraudKind::Equivocation as u8 {
            Acceptance::default()
        } else {
            self.acceptance(&proof.anchor).await?
        };
        let prover = self.prover.as_ref().ok_or_else(|| ParentError::Refused {
            call: "prove_fraud",
            reason: "this follower has no key to sign a fraud proof with".into(),
        })?;
        let fraud = ChildFraudProof {
            childChainId: chain_id,
            proof: proof.clone(),
            acceptance,
            stakesHeight: stakes.0.height,
            stakesIndex: stakes.0.index,
            staked: stakes.1 - taken,
            ..Default::default()
        };
        let fraud = signed_by(&self.domain, prover, fraud);
        // A culprit proving its own fraud is paid nothing.
        let reward = if culprit { U256::ZERO } else { prover_reward([taken]) };
        if !self.submit(&prove_child_fraud_tx(&fraud, reward)).await? {
            return Ok(false);
        }
        // Proven means: a certified parent block carries it.
        self.until_seen("the fraud proof", |seen| (seen.proofs > heard).then_some(true)).await
    }
}

impl PlasmaParent {
    /// Where the parent queued exit `exit_id` by its latest start, as this follower saw it.
    async fn latest_start(&self, exit_id: B256) -> Option<TxRef> {
        let f = self.follower.lock().await;
        f.seen.exits.iter().rev().find(|(e, _)| e.exit_id == exit_id).map(|(_, at)| *at)
    }

    /// Submits a challenge of exit `exit_id`, queued by the start at `start`, with `spend`,
    /// whose input `input_index` is the exiting output; the bond goes to this follower's
    /// beneficiary.
    async fn challenge(
        &self,
        chain_id: u64,
        exit_id: B256,
        start: TxRef,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<bool, ParentError> {
        let bond = self.exit_bond().await;
        let challenge = ChildExitChallenge {
            childChainId: chain_id,
            exitId: exit_id,
            spend: spend.clone(),
            inputIndex: input_index,
            beneficiary: self.beneficiary,
            startHeight: start.height,
            startIndex: start.index,
        };
        self.submit(&challenge_child_exit_tx(&challenge, bond)).await
    }

    /// Follows the parent until `verdict` on what it has seen answers, for at most
    /// [`LANDING_TIMEOUT`]; `what` names the submission in the timeout's error.
    async fn until_seen(
        &self,
        what: &str,
        verdict: impl Fn(&Seen) -> Option<bool>,
    ) -> Result<bool, ParentError> {
        let deadline = tokio::time::Instant::now() + LANDING_TIMEOUT;
        while tokio::time::Instant::now() < deadline {
            self.sync().await?;
            if let Some(answer) = verdict(&self.follower.lock().await.seen) {
                return Ok(answer);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(ParentError::Transport(format!(
            "{what} not in a parent block after {LANDING_TIMEOUT:?}"
        )))
    }

    /// The bond an exit of the child bonds (what a challenge pays its beneficiary).
    async fn exit_bond(&self) -> U256 {
        let f = self.follower.lock().await;
        f.seen.record.as_ref().map(|r| r.params.exitBond).unwrap_or_default()
    }

    async fn last_checkpoint(&self) -> u64 {
        let f = self.follower.lock().await;
        f.seen.checkpoints.keys().next_back().copied().unwrap_or(0)
    }
}

/// A plasma parent as the source of its child's validator sets: every configuration it
/// numbered (the registered set, then one per bond).
#[async_trait::async_trait]
impl SetSource for std::sync::Arc<PlasmaParent> {
    async fn set_with_hash(&self, hash: B256) -> Result<Option<Vec<Validator>>, String> {
        self.sync().await.map_err(|e| e.to_string())?;
        let f = self.follower.lock().await;
        Ok(f.seen.record.as_ref().and_then(|r| r.configuration_with_hash(hash)).map(<[_]>::to_vec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_ledger::children::Stakes;

    #[test]
    fn a_follower_never_raises_the_rollback_a_later_proof_convicts_above() {
        let mut seen = Seen::default();
        let proven = |height, index| ChildEvent::FraudProven {
            height: Some(height),
            stakes: Stakes { at: TxRef { height: 9, index }, staked: U256::ZERO },
        };
        // Frozen from 4 by a proof shown under checkpoint 6; an equivocation at 5, heard
        // after, convicts above the rollback; a proof of block 2 lowers it.
        let rollbacks: Vec<u64> = [(4, 0), (5, 1), (2, 2)]
            .into_iter()
            .map(|(height, index)| {
                seen.read(proven(height, index), &BlockHeader::default());
                seen.rollback_height
            })
            .collect();
        assert_eq!(rollbacks, [4, 4, 2]);
    }
}
