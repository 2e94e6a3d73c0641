//! Typed alerts: what the watcher found, raised once each, four ways at once — a `warn`
//! log line with `alert = "<kind>"`, the counter `plasma_alerts_total{kind}`, the gRPC
//! stream `StreamAlerts` and the recent history `Alerts`. The fraud proofs the node
//! submitted are kept beside them (`FraudProofs`).

use malachitebft_metrics::prometheus::metrics::counter::Counter;
use malachitebft_metrics::prometheus::metrics::family::Family;
use malachitebft_metrics::SharedRegistry;
use plasma_client::util::unix_now;
use plasma_ledger::FraudProof;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;
use tracing::warn;

/// Most alerts the history keeps.
pub const RECENT_ALERTS: usize = 256;

/// What kind of trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A block this node judged invalid was decided or checkpointed.
    InvalidBlock,
    /// The block behind a checkpoint stayed out of reach: its validators withhold it.
    BlockWithholding,
    /// An exit on the parent of an output this chain has seen spent.
    InvalidExit,
    /// An invalid exit that could not be challenged (no key, or the challenge failed).
    UnchallengedExit,
    /// Validators signed two different blocks for one height (two certificates: the
    /// parent's checkpoint and this chain's own block).
    Equivocation,
    /// The parent froze this chain (after a fraud proof): exits only.
    ChainFrozen,
    /// The parent holds a checkpoint of a block this chain did not decide.
    InvalidCheckpoint,
}

impl AlertKind {
    /// The name used in logs, metrics and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::InvalidBlock => "invalid_block",
            AlertKind::BlockWithholding => "block_withholding",
            AlertKind::InvalidExit => "invalid_exit",
            AlertKind::UnchallengedExit => "unchallenged_exit",
            AlertKind::Equivocation => "equivocation",
            AlertKind::ChainFrozen => "chain_frozen",
            AlertKind::InvalidCheckpoint => "invalid_checkpoint",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Its kind.
    pub kind: AlertKind,
    /// The chain height it concerns (0 when none).
    pub height: u64,
    /// What was found, for people.
    pub detail: String,
    /// When it was raised (Unix seconds).
    pub unix_time: u64,
}

/// Where alerts go. Clones share the stream and the counters.
#[derive(Clone)]
pub struct Alerts {
    stream: broadcast::Sender<Alert>,
    counts: Family<Vec<(String, String)>, Counter>,
    recent: Arc<Mutex<VecDeque<Alert>>>,
    proofs: Arc<Mutex<Vec<SubmittedProof>>>,
}

/// A fraud proof this node submitted to its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmittedProof {
    /// First invalid height it proves (for equivocation: the height signed twice).
    pub height: u64,
    /// The proof.
    pub proof: FraudProof,
    /// The parent accepted it (`false`: another prover froze the chain first).
    pub accepted: bool,
    /// When it was submitted (Unix seconds).
    pub unix_time: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Alerts {
    /// Alerts counted in the process-wide registry (`plasma_alerts_total`).
    pub fn register() -> Self {
        let alerts = Self::unregistered();
        SharedRegistry::global().with_prefix("plasma", |r| {
            r.register("alerts", "Alerts raised by the watcher, by kind", alerts.counts.clone());
        });
        alerts
    }

    /// Alerts outside any registry (tests, tools).
    pub fn unregistered() -> Self {
        let (stream, _) = broadcast::channel(1024);
        Self {
            stream,
            counts: Family::default(),
            recent: Default::default(),
            proofs: Default::default(),
        }
    }

    /// Raises an alert: logs it, counts it and sends it to every subscriber.
    pub fn raise(&self, kind: AlertKind, height: u64, detail: impl Into<String>) {
        let detail = detail.into();
        warn!(alert = kind.as_str(), height, %detail, "alert");
        self.counts.get_or_create(&vec![("kind".into(), kind.as_str().into())]).inc();
        let alert = Alert { kind, height, detail, unix_time: unix_now() };
        {
            let mut recent = lock(&self.recent);
            if recent.len() == RECENT_ALERTS {
                recent.pop_front();
            }
            recent.push_back(alert.clone());
        }
        let _ = self.stream.send(alert);
    }

    /// The most recent alerts (at most [`RECENT_ALERTS`]), oldest first.
    pub fn recent(&self) -> Vec<Alert> {
        lock(&self.recent).iter().cloned().collect()
    }

    /// Records a fraud proof submitted to the parent.
    pub fn proof_submitted(&self, height: u64, proof: FraudProof, accepted: bool) {
        lock(&self.proofs).push(SubmittedProof { height, proof, accepted, unix_time: unix_now() });
    }

    /// The fraud proofs this node submitted, in order.
    pub fn proofs(&self) -> Vec<SubmittedProof> {
        lock(&self.proofs).clone()
    }

    /// Alerts raised from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Alert> {
        self.stream.subscribe()
    }

    /// How many alerts of `kind` were raised.
    pub fn count(&self, kind: AlertKind) -> u64 {
        self.counts.get_or_create(&vec![("kind".into(), kind.as_str().into())]).get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_counted_and_streamed() {
        let alerts = Alerts::unregistered();
        let mut rx = alerts.subscribe();
        alerts.raise(AlertKind::InvalidExit, 7, "exit 0x01 of a spent output");
        let got = rx.try_recv().unwrap();
        assert_eq!((got.kind, got.height), (AlertKind::InvalidExit, 7));
        assert_eq!(alerts.count(AlertKind::InvalidExit), 1);
        assert_eq!(alerts.count(AlertKind::BlockWithholding), 0);
        assert_eq!(alerts.recent(), vec![got]);
    }

    #[test]
    fn the_history_keeps_the_most_recent_alerts() {
        let alerts = Alerts::unregistered();
        for h in 0..RECENT_ALERTS as u64 + 10 {
            alerts.raise(AlertKind::BlockWithholding, h, "out of reach");
        }
        let recent = alerts.recent();
        assert_eq!(recent.len(), RECENT_ALERTS);
        assert_eq!(
            (recent[0].height, recent[RECENT_ALERTS - 1].height),
            (10, RECENT_ALERTS as u64 + 9)
        );
    }
}
