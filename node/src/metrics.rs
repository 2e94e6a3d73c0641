//! Prometheus metrics on `GET /metrics`: the consensus engine's own (height, round, peers,
//! time per block and step, …) and the node's (`plasma_*`: committed transactions, block
//! height, mempool size, commit latency).

use crate::app::PlasmaApp;
use crate::mempool::Mempool;
use malachitebft_metrics::prometheus::metrics::counter::Counter;
use malachitebft_metrics::prometheus::metrics::gauge::Gauge;
use malachitebft_metrics::prometheus::metrics::histogram::Histogram;
use malachitebft_metrics::SharedRegistry;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing::debug;

/// The node's metrics.
#[derive(Clone)]
pub struct NodeMetrics {
    committed_txs: Counter,
    height: Gauge,
    mempool: Gauge,
    block_interval: Histogram,
}

impl NodeMetrics {
    /// Creates the metrics and registers them in the process-wide registry.
    pub fn register() -> Self {
        let m = Self {
            committed_txs: Counter::default(),
            height: Gauge::default(),
            mempool: Gauge::default(),
            block_interval: Histogram::new([0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0]),
        };
        SharedRegistry::global().with_prefix("plasma", |r| {
            r.register("committed_txs", "Transactions committed", m.committed_txs.clone());
            r.register("height", "Last committed height", m.height.clone());
            r.register("mempool_size", "Pending transactions", m.mempool.clone());
            r.register("commit_interval_seconds", "Time between commits", m.block_interval.clone());
        });
        m
    }

    /// Follows commits: counts transactions, tracks height, mempool and commit interval.
    pub async fn follow(self, app: PlasmaApp, mempool: Arc<Mempool>) {
        let mut heights = app.subscribe();
        let mut seen = *heights.borrow();
        let mut last = Instant::now();
        self.height.set(seen as i64);
        while heights.changed().await.is_ok() {
            let now = *heights.borrow_and_update();
            for h in seen + 1..=now {
                let txs = app
                    .with_store(|s| s.block(h).ok().flatten().map_or(0, |b| b.transactions.len()));
                self.committed_txs.inc_by(txs as u64);
            }
            seen = now;
            self.height.set(now as i64);
            self.mempool.set(mempool.len() as i64);
            self.block_interval.observe(last.elapsed().as_secs_f64());
            last = Instant::now();
        }
    }
}

/// Serves `GET /metrics` (Prometheus text format) on `addr`.
pub async fn serve(addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    loop {
        let (mut socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let n = match socket.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => return debug!(error = %e, "metrics request"),
            };
            let ok = buf[..n].starts_with(b"GET /metrics ");
            let (status, body) = if ok {
                let mut text = String::new();
                malachitebft_metrics::export(&mut text);
                ("200 OK", text)
            } else {
                ("404 Not Found", "only GET /metrics is served\n".to_string())
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
        });
    }
}

/// The `p`-th percentile (0..=100, nearest rank) of `sorted`, ascending; the default value of
/// `T` for no samples. What the load generators and latency examples report.
pub fn percentile<T: Copy + Default>(sorted: &[T], p: usize) -> T {
    let rank = (sorted.len() * p.min(100) / 100).min(sorted.len().saturating_sub(1));
    sorted.get(rank).copied().unwrap_or_default()
}
