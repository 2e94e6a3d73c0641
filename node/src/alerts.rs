//! Typed alerts: what the watcher found, raised once each, three ways at once — a `warn`
//! log line with `alert = "<kind>"`, the counter `plasma_alerts_total{kind}` and the gRPC
//! stream `StreamAlerts`.

use malachitebft_metrics::prometheus::metrics::counter::Counter;
use malachitebft_metrics::prometheus::metrics::family::Family;
use malachitebft_metrics::SharedRegistry;
use tokio::sync::broadcast;
use tracing::warn;

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
        Self { stream, counts: Family::default() }
    }

    /// Raises an alert: logs it, counts it and sends it to every subscriber.
    pub fn raise(&self, kind: AlertKind, height: u64, detail: impl Into<String>) {
        let detail = detail.into();
        warn!(alert = kind.as_str(), height, %detail, "alert");
        self.counts.get_or_create(&vec![("kind".into(), kind.as_str().into())]).inc();
        let unix_time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let _ = self.stream.send(Alert { kind, height, detail, unix_time });
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
    }
}
