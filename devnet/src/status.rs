//! What a devnet looks like now: per chain its height, last checkpoint on its parent,
//! whether it is frozen, which validators run and which alerts its watchers raised.

use crate::Devnet;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One chain, as seen now.
#[derive(Debug, Clone)]
pub struct ChainStatus {
    /// `/A/B`.
    pub path: String,
    /// Its id.
    pub chain_id: u64,
    /// The parent's path, or `root`.
    pub parent: String,
    /// Validators in its set.
    pub validators: usize,
    /// Of those, how many processes run.
    pub running: usize,
    /// The highest block its validators report.
    pub height: u64,
    /// Its latest checkpoint on the parent (`None`: the parent does not answer).
    pub checkpoint: Option<u64>,
    /// Whether the parent froze it (a fraud was proven).
    pub frozen: bool,
    /// Alerts its validators' watchers raised, by kind (from their logs).
    pub alerts: BTreeMap<String, usize>,
    /// gRPC endpoints of its validators.
    pub grpc: Vec<String>,
    /// Prometheus endpoints of its validators.
    pub metrics: Vec<String>,
}

impl Devnet {
    /// Every chain's status, parents first.
    pub async fn status(&self) -> Vec<ChainStatus> {
        let mut out = Vec::with_capacity(self.state.chains.len());
        for (i, chain) in self.state.chains.iter().enumerate() {
            let (checkpoint, frozen) = match self.checkpoint(i).await {
                Some((h, f)) => (Some(h), f),
                None => (None, false),
            };
            let mut alerts = BTreeMap::new();
            for node in &chain.nodes {
                let log = std::fs::read_to_string(node.log()).unwrap_or_default();
                for kind in
                    log.lines().filter_map(|l| l.split("alert=\"").nth(1)?.split('"').next())
                {
                    *alerts.entry(kind.to_string()).or_insert(0) += 1;
                }
            }
            out.push(ChainStatus {
                path: chain.path.clone(),
                chain_id: chain.chain_id,
                parent: chain.parent.map_or("root".into(), |p| self.state.chains[p].path.clone()),
                validators: chain.nodes.len(),
                running: chain.nodes.iter().filter(|n| n.running()).count(),
                height: self.height(i).await,
                checkpoint,
                frozen,
                alerts,
                grpc: chain.nodes.iter().map(|n| format!("127.0.0.1:{}", n.rpc)).collect(),
                metrics: chain.nodes.iter().map(|n| format!("127.0.0.1:{}", n.metrics)).collect(),
            });
        }
        out
    }
}

/// The table `up` ends with: where everything is.
pub fn table(root_rpc: &str, root_contract: &str, chains: &[ChainStatus]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "root: {root_rpc}  PlasmaRoot {root_contract}");
    let _ = writeln!(
        s,
        "{:<10} {:>20} {:>10} {:<8} {:>10}  {:<22} METRICS",
        "CHAIN", "ID", "VALIDATORS", "PARENT", "CHECKPOINT", "GRPC"
    );
    for c in chains {
        for (k, (grpc, metrics)) in c.grpc.iter().zip(&c.metrics).enumerate() {
            if k == 0 {
                let _ = writeln!(
                    s,
                    "{:<10} {:>20} {:>10} {:<8} {:>10}  {:<22} {}",
                    c.path,
                    c.chain_id,
                    format!("{}/{}", c.running, c.validators),
                    c.parent,
                    c.checkpoint.map_or("-".into(), |h| h.to_string()),
                    grpc,
                    metrics
                );
            } else {
                let _ = writeln!(
                    s,
                    "{:<10} {:>20} {:>10} {:<8} {:>10}  {:<22} {}",
                    "", "", "", "", "", grpc, metrics
                );
            }
        }
    }
    s
}

/// The tree `status` draws.
pub fn tree(root_rpc: &str, chains: &[ChainStatus]) -> String {
    fn draw(s: &mut String, chains: &[ChainStatus], parent: &str, prefix: &str) {
        let children: Vec<_> = chains.iter().filter(|c| c.parent == parent).collect();
        for (n, c) in children.iter().enumerate() {
            let last = n + 1 == children.len();
            let name = c.path.rsplit('/').next().unwrap_or(&c.path);
            let mut line = format!(
                "{prefix}{} {name}  height {}  checkpoint {}  validators {}/{}",
                if last { "└─" } else { "├─" },
                c.height,
                c.checkpoint.map_or("?".into(), |h| h.to_string()),
                c.running,
                c.validators
            );
            if c.frozen {
                line.push_str("  FROZEN");
            }
            if !c.alerts.is_empty() {
                let alerts: Vec<_> = c.alerts.iter().map(|(k, n)| format!("{k}×{n}")).collect();
                let _ = write!(line, "  alerts: {}", alerts.join(", "));
            }
            let _ = writeln!(s, "{line}");
            let deeper = format!("{prefix}{}", if last { "   " } else { "│  " });
            draw(s, chains, &c.path, &deeper);
        }
    }
    let mut s = format!("root ({root_rpc})\n");
    draw(&mut s, chains, "root", "");
    s
}
