//! `plasma alerts`: the node watcher's alerts, and with `--follow` new ones as raised.

use crate::output::Printer;
use plasma_client::Error;
use plasma_proto::v1::{Alert, AlertsRequest, StreamAlertsRequest};
use std::collections::HashSet;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Keep printing alerts as they come.
    #[arg(long, short)]
    follow: bool,
}

fn alert_json(a: &Alert) -> serde_json::Value {
    serde_json::json!({"kind": a.kind, "height": a.height, "detail": a.detail, "unix_time": a.unix_time})
}

fn alert_line(a: &Alert) -> String {
    format!("{} {:<18} height {:<6} {}", a.unix_time, a.kind, a.height, a.detail)
}

/// Prints the recent alerts, then (with `--follow`) each new one.
pub(crate) async fn run(
    args: Args,
    node: &mut plasma_proto::Client,
    out: &Printer,
) -> eyre::Result<()> {
    let Args { follow } = args;
    // Subscribe first, so that nothing raised between the two calls is missed.
    let stream = if follow {
        let request = StreamAlertsRequest {};
        Some(node.bridge.stream_alerts(request).await.map_err(Error::from)?.into_inner())
    } else {
        None
    };
    let recent =
        node.bridge.alerts(AlertsRequest {}).await.map_err(Error::from)?.into_inner().alerts;
    if out.json && !follow {
        println!(
            "{}",
            serde_json::json!({"alerts": recent.iter().map(alert_json).collect::<Vec<_>>()})
        );
    } else {
        if recent.is_empty() && !out.json {
            println!("no alerts");
        }
        for a in &recent {
            out.show(alert_json(a), || alert_line(a));
        }
    }
    if let Some(mut stream) = stream {
        // One raised between the subscription and the history is in both: shown once.
        let key = |a: &Alert| (a.kind.clone(), a.height, a.detail.clone(), a.unix_time);
        let shown: HashSet<_> = recent.iter().map(key).collect();
        while let Some(a) = stream.message().await.map_err(Error::from)? {
            if !shown.contains(&key(&a)) {
                out.show(alert_json(&a), || alert_line(&a));
            }
        }
    }
    Ok(())
}
