//! `plasma.v1.Bridge`: this chain's bridge to its parent as this node sees it — the
//! parent's record, deposits, checkpoints, exits and the evidence to start or challenge
//! one — and what the watcher found.

use super::{amount, bad, internal, RpcState};
use crate::watcher::{judge, judge_output, Verdict};
use alloy_sol_types::SolValue;
use plasma_bridge::ParentError;
use plasma_ledger::header::last_checkpoint_before;
use plasma_ledger::{FraudKind, LedgerView, UtxoPos};
use plasma_proto::v1 as pb;
use plasma_proto::v1::bridge_server::Bridge;
use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

type AlertStream = Pin<Box<dyn Stream<Item = Result<pb::Alert, Status>> + Send>>;

/// Deposits `Deposits` returns when the request names no maximum.
const DEFAULT_DEPOSITS: u32 = 100;

fn parent_err(e: ParentError) -> Status {
    match e {
        ParentError::Transport(_) | ParentError::NoFinalizedBlock => {
            Status::unavailable(e.to_string())
        }
        ParentError::Refused { .. } | ParentError::NoSender => {
            Status::failed_precondition(e.to_string())
        }
        ParentError::Malformed { .. } => Status::internal(e.to_string()),
    }
}

/// The name of a fraud kind as the API spells it (an exhaustive match: a new kind does not
/// compile until it is named).
fn fraud_kind_name(kind: u8) -> &'static str {
    match FraudKind::try_from(kind) {
        Ok(FraudKind::DoubleSpend) => "double_spend",
        Ok(FraudKind::InvalidSignature) => "invalid_signature",
        Ok(FraudKind::Inflation) => "inflation",
        Ok(FraudKind::NonexistentInput) => "nonexistent_input",
        Ok(FraudKind::DepositMismatch) => "deposit_mismatch",
        Ok(FraudKind::DoubleMint) => "double_mint",
        Ok(FraudKind::Equivocation) => "equivocation",
        Ok(FraudKind::ConflictingCheckpoints) => "conflicting_checkpoints",
        Ok(FraudKind::BrokenHistory) => "broken_history",
        Ok(FraudKind::MalformedTransaction) => "malformed_transaction",
        Ok(FraudKind::HistoryEquivocation) => "history_equivocation",
        Ok(FraudKind::BrokenSchedule) => "broken_schedule",
        Ok(FraudKind::DoubleRegistration) => "double_registration",
        Ok(FraudKind::ChildRecord) => "child_record",
        Ok(FraudKind::UncertifiedCheckpoint) => "uncertified_checkpoint",
        Ok(FraudKind::UnacceptedAnchor) => "unaccepted_anchor",
        Ok(FraudKind::CheckpointSuccession) => "checkpoint_succession",
        Ok(FraudKind::UnfoundedSettlement) => "unfounded_settlement",
        Ok(FraudKind::OverdrawnPayout) => "overdrawn_payout",
        Ok(FraudKind::RepeatedExit) => "repeated_exit",
        Ok(FraudKind::UnfoundedDepositExit) => "unfounded_deposit_exit",
        Ok(FraudKind::UnregisteredChild) => "unregistered_child",
        Ok(FraudKind::UnfoundedStake) => "unfounded_stake",
        Ok(FraudKind::UnfoundedEscrow) => "unfounded_escrow",
        Ok(FraudKind::VoidedAnchor) => "voided_anchor",
        Ok(FraudKind::UnfoundedCancellation) => "unfounded_cancellation",
        Ok(FraudKind::__Invalid) | Err(_) => "unknown",
    }
}

fn alert(a: crate::alerts::Alert) -> pb::Alert {
    pb::Alert {
        kind: a.kind.as_str().into(),
        height: a.height,
        detail: a.detail,
        unix_time: a.unix_time,
    }
}

impl RpcState {
    fn chain_id(&self) -> u64 {
        self.app.domain().chain_id
    }

    /// The parent's checkpoint an exit of this chain's outputs anchors under: the latest,
    /// or after a rollback the latest one below it.
    async fn exit_anchor(&self) -> Result<(u64, plasma_ledger::BlockHeader), Status> {
        let link = self.parent()?;
        let chain = self.chain_id();
        let state = link.parent.chain_state(chain).await.map_err(parent_err)?;
        let mut at = state.last_checkpoint;
        if state.rollback_height != 0 && at >= state.rollback_height {
            at = last_checkpoint_before(state.rollback_height, state.epoch_length).unwrap_or(0);
        }
        while at > 0 {
            if let Some((header, _)) =
                link.parent.checkpoint(chain, at).await.map_err(parent_err)?
            {
                return Ok((at, header));
            }
            at = at.saturating_sub(state.epoch_length.max(1));
        }
        Err(Status::failed_precondition(
            "the parent holds no checkpoint of this chain to exit under",
        ))
    }
}

#[tonic::async_trait]
impl Bridge for RpcState {
    async fn parent_state(
        &self,
        _: Request<pb::ParentStateRequest>,
    ) -> Result<Response<pb::ParentStateResponse>, Status> {
        let link = self.parent()?;
        let s = link.parent.chain_state(self.chain_id()).await.map_err(parent_err)?;
        Ok(Response::new(pb::ParentStateResponse {
            parent_kind: link.kind.into(),
            parent_chain_id: link.chain_id,
            epoch_length: s.epoch_length,
            last_checkpoint: s.last_checkpoint,
            frozen: s.frozen,
            rollback_height: s.rollback_height,
            configurations: s.configurations,
            pending_configuration: s.pending_configuration,
            active_configuration: s.active_configuration,
        }))
    }

    async fn deposits(
        &self,
        req: Request<pb::DepositsRequest>,
    ) -> Result<Response<pb::DepositsResponse>, Status> {
        let r = req.into_inner();
        let max = match r.max {
            0 => DEFAULT_DEPOSITS,
            n => n.min(plasma_bridge::parent::MAX_DEPOSITS_PER_QUERY as u32),
        };
        let link = self.parent()?;
        let next_nonce = self
            .app
            .with_store(|s| {
                let view = s.view();
                let next = view.next_deposit_nonce();
                view.finish().map(|()| next)
            })
            .map_err(internal)?;
        let records = link
            .parent
            .final_deposits(self.chain_id(), r.from_nonce, max as usize)
            .await
            .map_err(parent_err)?;
        // Below the next nonce, a deposit is minted or was passed over: its block says which.
        let minted = |nonce: u64| -> Result<bool, Status> {
            if nonce >= next_nonce {
                return Ok(false);
            }
            let at = self.app.with_store(|s| crate::watcher::minted_at(s, nonce));
            Ok(at.map_err(internal)?.is_some())
        };
        let deposits = records
            .into_iter()
            .map(|d| {
                let minted = minted(d.nonce)?;
                Ok(pb::Deposit {
                    nonce: d.nonce,
                    depositor: d.depositor.to_vec(),
                    recipient: d.recipient.to_vec(),
                    token: d.token.to_vec(),
                    amount: amount(d.amount),
                    minted,
                    passed_over: d.nonce < next_nonce && !minted,
                })
            })
            .collect::<Result<_, Status>>()?;
        Ok(Response::new(pb::DepositsResponse { deposits, next_nonce }))
    }

    async fn checkpoint(
        &self,
        req: Request<pb::CheckpointRequest>,
    ) -> Result<Response<pb::CheckpointResponse>, Status> {
        let link = self.parent()?;
        let chain = self.chain_id();
        let height = match req.into_inner().height {
            0 => link.parent.chain_state(chain).await.map_err(parent_err)?.last_checkpoint,
            h => h,
        };
        let (header, certificate) =
            link.parent.checkpoint(chain, height).await.map_err(parent_err)?.ok_or_else(|| {
                Status::not_found(format!("the parent accepted no checkpoint at {height}"))
            })?;
        Ok(Response::new(pb::CheckpointResponse {
            height,
            header: header.abi_encode(),
            certificate: certificate.abi_encode(),
        }))
    }

    async fn exits(
        &self,
        req: Request<pb::ExitsRequest>,
    ) -> Result<Response<pb::ExitsResponse>, Status> {
        let link = self.parent()?;
        let from = req.into_inner().from_parent_block;
        let (claims, next) =
            link.parent.exits_started(self.chain_id(), from).await.map_err(parent_err)?;
        let mut exits = Vec::with_capacity(claims.len());
        for c in claims {
            let verdict = judge(&self.app, &c).map_err(internal)?;
            // A deposit's exit is shown at the output that minted it, when known.
            let pos = match &verdict {
                Verdict::Spent { pos, .. } => Some(pos.clone()),
                _ => c.target.pos().cloned(),
            };
            let (name, spent_height, spent_index) = match verdict {
                Verdict::Honest => ("honest", 0, 0),
                Verdict::Unknown => ("unknown", 0, 0),
                Verdict::Forged { .. } => ("forged", 0, 0),
                Verdict::Spent { height, index, .. } => ("spent", height, index),
            };
            let known = pos.is_some();
            let pos = pos.unwrap_or_default();
            let deposit_nonce = match c.target {
                plasma_bridge::ExitTarget::Deposit { nonce, .. } => Some(nonce),
                plasma_bridge::ExitTarget::Output(_) => None,
            };
            exits.push(pb::Exit {
                exit_id: c.exit_id.to_vec(),
                known,
                height: pos.blockHeight,
                tx_index: pos.txIndex,
                output_index: pos.outputIndex.into(),
                owner: c.owner.to_vec(),
                token: c.token.to_vec(),
                amount: amount(c.amount),
                exitable_at: c.exitable_at,
                verdict: name.into(),
                spent_height,
                spent_index,
                deposit: deposit_nonce.is_some(),
                deposit_nonce: deposit_nonce.unwrap_or_default(),
            });
        }
        Ok(Response::new(pb::ExitsResponse { exits, next_parent_block: next }))
    }

    async fn exit_evidence(
        &self,
        req: Request<pb::ExitEvidenceRequest>,
    ) -> Result<Response<pb::ExitEvidenceResponse>, Status> {
        let r = req.into_inner();
        let (at, anchor) = self.exit_anchor().await?;
        if r.height > at {
            return Err(Status::failed_precondition(format!(
                "block {} is not checkpointed yet: the parent's checkpoint to exit under is {at}",
                r.height
            )));
        }
        let inclusion = self.inclusion(r.height, r.tx_index, at)?;
        Ok(Response::new(pb::ExitEvidenceResponse {
            inclusion: inclusion.abi_encode(),
            anchor: anchor.abi_encode(),
        }))
    }

    async fn challenge(
        &self,
        req: Request<pb::ChallengeRequest>,
    ) -> Result<Response<pb::ChallengeResponse>, Status> {
        self.authorize(&req)?;
        let r = req.into_inner();
        let output = u8::try_from(r.output_index)
            .map_err(|_| bad("output_index", format!("{} is over 255", r.output_index)))?;
        let pos = UtxoPos::new(r.height, r.tx_index, output);
        let link = self.parent()?;
        let (height, index, input) = match judge_output(&self.app, &pos).map_err(internal)? {
            Verdict::Spent { height, index, input, .. } => (height, index, input),
            Verdict::Honest => {
                return Err(Status::failed_precondition(format!(
                    "{pos} is unspent on this chain: an exit of it is honest"
                )))
            }
            Verdict::Unknown => {
                return Err(Status::not_found(format!("this node holds no output {pos}")))
            }
            Verdict::Forged { pos } => {
                return Err(Status::failed_precondition(format!(
                    "an exit of {pos} claims another output than this chain holds: no spend challenges it"
                )))
            }
        };
        let tx_at = |h: u64, i: u32| -> Result<plasma_ledger::SignedTransaction, Status> {
            self.app
                .with_store(|s| s.block(h))
                .map_err(internal)?
                .and_then(|b| b.transactions.get(i as usize).cloned())
                .ok_or_else(|| internal(format!("transaction {h}:{i} is missing")))
        };
        let spend = tx_at(height, index)?;
        // The exit of this chain's output there: exits are named by their transaction's
        // output, and another history may hold another one at the same position.
        let created = tx_at(pos.blockHeight, pos.txIndex)?.transaction;
        if created.kind == plasma_ledger::Kind::Deposit.byte() {
            return Err(Status::failed_precondition(format!(
                "{pos} is a deposit's mint: an exit of it is challenged with the mint's proof, which the exit watch submits"
            )));
        }
        let exit_id = plasma_ledger::exit::ExitKey::output(&created, output).exit_id();
        let challenged = link
            .parent
            .challenge_exit(self.chain_id(), exit_id, &spend, input)
            .await
            .map_err(parent_err)?;
        Ok(Response::new(pb::ChallengeResponse {
            challenged,
            spent_height: height,
            spent_index: index,
        }))
    }

    async fn fraud_proofs(
        &self,
        _: Request<pb::FraudProofsRequest>,
    ) -> Result<Response<pb::FraudProofsResponse>, Status> {
        let proofs = self
            .alerts
            .proofs()
            .into_iter()
            .map(|p| pb::FraudProof {
                height: p.height,
                kind: fraud_kind_name(p.proof.kind).into(),
                proof: p.proof.abi_encode(),
                accepted: p.accepted,
                unix_time: p.unix_time,
            })
            .collect();
        Ok(Response::new(pb::FraudProofsResponse { proofs }))
    }

    async fn alerts(
        &self,
        _: Request<pb::AlertsRequest>,
    ) -> Result<Response<pb::AlertsResponse>, Status> {
        let alerts = self.alerts.recent().into_iter().map(alert).collect();
        Ok(Response::new(pb::AlertsResponse { alerts }))
    }

    type StreamAlertsStream = AlertStream;

    async fn stream_alerts(
        &self,
        _req: Request<pb::StreamAlertsRequest>,
    ) -> Result<Response<AlertStream>, Status> {
        use tokio_stream::StreamExt as _;
        let alerts = tokio_stream::wrappers::BroadcastStream::new(self.alerts.subscribe());
        let stream = alerts.map(|a| match a {
            Ok(a) => Ok(alert(a)),
            Err(e) => Err(Status::data_loss(format!("alerts missed: {e}"))),
        });
        Ok(Response::new(Box::pin(stream)))
    }
}
