//! Named cross-chain scenarios, run against a devnet: by the harness's tests on a small tree,
//! and by `plasma-devnet scenario <name>` against a running one, for a demonstration. Each
//! checks what it claims and reports its figures through `progress`.
//!
//! [`SCENARIOS`] lists them; each lives in a file of its own, next to the helpers only it
//! uses, and the helpers several share are here.

use crate::harness::Coin;
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use fraud::FraudScenario;
use plasma_ledger::signing::UserKey;
use plasma_ledger::Address;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

mod block_withholding_mass_exit;
mod deposit_root_to_grandchild;
mod equivocation_slashed;
mod erc20_round_trip;
mod exit_grandchild_to_root;
mod fraud;
mod sibling_transfer_via_parent;
mod spent_child_deposit_exit_challenged;
mod spent_deposit_exit_challenged;
mod spent_exit_challenged;
mod validator_crash_restart_under_load;
mod validator_set_change;
mod validator_set_change_under_plasma;

pub use block_withholding_mass_exit::block_withholding_mass_exit;
pub use deposit_root_to_grandchild::deposit_root_to_grandchild;
pub use equivocation_slashed::equivocation_slashed;
pub use erc20_round_trip::erc20_round_trip;
pub use exit_grandchild_to_root::exit_grandchild_to_root;
pub use sibling_transfer_via_parent::sibling_transfer_via_parent;
pub use spent_child_deposit_exit_challenged::spent_child_deposit_exit_challenged;
pub use spent_deposit_exit_challenged::spent_deposit_exit_challenged;
pub use spent_exit_challenged::spent_exit_challenged;
pub use validator_crash_restart_under_load::validator_crash_restart_under_load;
pub use validator_set_change::validator_set_change;
pub use validator_set_change_under_plasma::validator_set_change_under_plasma;

/// A scenario under way: it borrows the devnet and the progress callback.
type Running<'a> = Pin<Box<dyn Future<Output = Result<Outcome, DevnetError>> + 'a>>;

/// A named scenario of [`SCENARIOS`].
#[derive(Clone, Copy)]
pub struct Scenario {
    /// Its name, as `plasma-devnet scenario <name>` takes it.
    pub name: &'static str,
    /// Whether its validators misbehave on purpose: it needs `plasmad` built with its
    /// `byzantine` feature (`bash scripts/devnet.sh up --byzantine`), and it freezes the
    /// plasma chain it runs on for good.
    pub needs_faults: bool,
    run: for<'a> fn(&'a mut Devnet, Progress<'a>) -> Running<'a>,
}

impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .field("needs_faults", &self.needs_faults)
            .finish_non_exhaustive()
    }
}

/// Every scenario this version runs, in the order they are listed and run: those that need
/// no fault injection first.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: deposit_root_to_grandchild::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(deposit_root_to_grandchild(devnet, progress)),
    },
    Scenario {
        name: exit_grandchild_to_root::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(exit_grandchild_to_root(devnet, progress)),
    },
    Scenario {
        name: sibling_transfer_via_parent::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(sibling_transfer_via_parent(devnet, progress)),
    },
    Scenario {
        name: erc20_round_trip::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(erc20_round_trip(devnet, progress)),
    },
    Scenario {
        name: spent_exit_challenged::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(spent_exit_challenged(devnet, progress)),
    },
    Scenario {
        name: spent_deposit_exit_challenged::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(spent_deposit_exit_challenged(devnet, progress)),
    },
    Scenario {
        name: spent_child_deposit_exit_challenged::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(spent_child_deposit_exit_challenged(devnet, progress)),
    },
    Scenario {
        name: validator_crash_restart_under_load::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(validator_crash_restart_under_load(devnet, progress)),
    },
    Scenario {
        name: validator_set_change::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(validator_set_change(devnet, progress)),
    },
    Scenario {
        name: validator_set_change_under_plasma::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(validator_set_change_under_plasma(devnet, progress)),
    },
    Scenario {
        name: block_withholding_mass_exit::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(block_withholding_mass_exit(devnet, progress)),
    },
    Scenario {
        name: equivocation_slashed::NAME,
        needs_faults: false,
        run: |devnet, progress| Box::pin(equivocation_slashed(devnet, progress)),
    },
    Scenario {
        name: FraudScenario::Inflate.scenario(),
        needs_faults: true,
        run: |devnet, progress| {
            Box::pin(fraud::fraud_rollback_slash_freeze(devnet, progress, FraudScenario::Inflate))
        },
    },
    Scenario {
        name: FraudScenario::DoubleSpend.scenario(),
        needs_faults: true,
        run: |devnet, progress| {
            Box::pin(fraud::fraud_rollback_slash_freeze(
                devnet,
                progress,
                FraudScenario::DoubleSpend,
            ))
        },
    },
    Scenario {
        name: FraudScenario::MalformedStake.scenario(),
        needs_faults: true,
        run: |devnet, progress| {
            Box::pin(fraud::fraud_rollback_slash_freeze(
                devnet,
                progress,
                FraudScenario::MalformedStake,
            ))
        },
    },
];

/// The scenarios that need no fault injection, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    SCENARIOS.iter().filter(|s| !s.needs_faults).map(|s| s.name)
}

/// The scenarios whose validators misbehave on purpose ([`Scenario::needs_faults`]), in order.
pub fn fault_names() -> impl Iterator<Item = &'static str> {
    SCENARIOS.iter().filter(|s| s.needs_faults).map(|s| s.name)
}

/// Runs scenario `name`.
pub async fn run(
    devnet: &mut Devnet,
    name: &str,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    match SCENARIOS.iter().find(|s| s.name == name) {
        Some(scenario) => (scenario.run)(devnet, progress).await,
        None => Err(DevnetError::UnknownScenario {
            name: name.into(),
            known: names().chain(fault_names()).collect::<Vec<_>>().join(", "),
        }),
    }
}

/// What a scenario measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The scenario.
    pub name: &'static str,
    /// Wall time of the part it measures.
    pub elapsed: Duration,
    /// One line for people.
    pub summary: String,
}

/// One ether, in wei.
const ETH: u128 = 1_000_000_000_000_000_000;
/// Anvil's account the scenarios act as (0 deploys and funds; 1–3 are the tests' users).
const USER: usize = 5;

/// Scenario `name` failed with `e` (an `eyre::Report`, or a `plasma_client::Error`).
fn failed<E: Into<eyre::Report>>(name: &str) -> impl Fn(E) -> DevnetError + '_ {
    move |e| DevnetError::Scenario { name: name.to_string(), reason: format!("{:#}", e.into()) }
}

/// The first chain two levels down, and the gRPC endpoints from its top ancestor to it.
fn grandchild(devnet: &Devnet) -> Result<(usize, Vec<String>), DevnetError> {
    let chains = &devnet.state.chains;
    let i = (0..chains.len()).find(|&i| chains[i].parent.is_some()).ok_or_else(|| {
        DevnetError::Scenario {
            name: "grandchild".into(),
            reason: "the topology has no chain under a plasma chain".into(),
        }
    })?;
    let mut path = vec![i];
    while let Some(p) = chains[*path.last().expect("non-empty")].parent {
        path.push(p);
    }
    path.reverse();
    Ok((i, path.iter().map(|&c| chains[c].nodes[0].url()).collect()))
}

/// The key of anvil account [`USER`].
fn user(devnet: &Devnet) -> Result<UserKey, DevnetError> {
    devnet.user_key(USER).ok_or_else(|| DevnetError::Root(format!("anvil has no account {USER}")))
}

/// A call to the root contracts failed.
fn root_err(e: plasma_bridge::RootError) -> DevnetError {
    DevnetError::Root(e.to_string())
}

/// Scenario `name` fails with `what` unless `ok`.
fn check(name: &str, ok: bool, what: impl FnOnce() -> String) -> Result<(), DevnetError> {
    if ok {
        Ok(())
    } else {
        Err(DevnetError::Scenario { name: name.into(), reason: what() })
    }
}

/// Waits (a minute at most) for an output of `owner` on chain `i` that `fits` and is not
/// among `before`.
async fn arrival(
    devnet: &Devnet,
    i: usize,
    owner: Address,
    before: &[Coin],
    fits: impl Fn(&Coin) -> bool,
) -> Result<Coin, DevnetError> {
    let since = Instant::now();
    loop {
        let coins = devnet.coins(i, owner).await?;
        if let Some(c) = coins.iter().find(|c| !before.contains(c) && fits(c)) {
            return Ok(*c);
        }
        if since.elapsed() > Duration::from_secs(60) {
            return Err(DevnetError::Timeout(format!(
                "no new output of {owner} on {} (it holds {coins:?})",
                devnet.state.chains[i].path
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The first chain under the root.
fn top_chain(devnet: &Devnet) -> usize {
    (0..devnet.state.chains.len())
        .find(|&i| devnet.state.chains[i].parent.is_none())
        .expect("a topology has a chain under the root")
}

/// The root's record of chain `chain_id`.
async fn on_root(
    devnet: &Devnet,
    chain_id: u64,
) -> Result<plasma_bridge::bindings::plasma_root::RootStorage::Chain, DevnetError> {
    devnet
        .root
        .contract()
        .chain(chain_id)
        .call()
        .await
        .map_err(|e| DevnetError::Root(e.to_string()))
}

/// The first block from `from` on whose certificate carries member `index` of `set`, read
/// from validator 0 of chain `i`; every block from `from` on must be by `set`. Gives up 180 s
/// after `started`.
async fn newcomer_signs(
    devnet: &Devnet,
    i: usize,
    set: &plasma_ledger::certificate::ValidatorSet,
    index: usize,
    from: u64,
    started: Instant,
) -> Result<u64, DevnetError> {
    const NAME: &str = "a newcomer's first precommit";
    // Once it has caught up, a certificate carries its bit.
    let mut client = devnet.client(i, 0).await?;
    let mut height = from;
    loop {
        if started.elapsed() > Duration::from_secs(180) {
            return Err(DevnetError::Timeout(format!(
                "the newcomer signed none of blocks {from}..{height}"
            )));
        }
        let (header, cert) = block_at(&mut client, height).await?;
        check(NAME, header.validatorSetHash == set.hash(), || {
            format!("block {height} is not by the new configuration")
        })?;
        if set.signers(&cert.signerBitmap).unwrap_or_default().contains(&index) {
            return Ok(height);
        }
        height += 1;
    }
}

/// The header and certificate of block `height`, as `client`'s node serves them.
async fn block_at(
    client: &mut plasma_proto::Client,
    height: u64,
) -> Result<(plasma_ledger::BlockHeader, plasma_ledger::CommitCertificate), DevnetError> {
    // The node asked for a block must itself have it: the highest node may be ahead.
    client
        .wait_height(height, Duration::from_secs(60))
        .await
        .map_err(|e| DevnetError::Timeout(e.message().into()))?;
    let block = client
        .chain
        .get_block(plasma_proto::v1::GetBlockRequest { height })
        .await
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: e.message().into() })?
        .into_inner();
    let max = plasma_ledger::types::MAX_TX_BYTES;
    let cert = plasma_ledger::types::decode("CommitCertificate", &block.certificate, max)
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: format!("certificate: {e}") })?;
    let header = plasma_client::convert::block("GetBlockResponse.block", &block.block)
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: e.to_string() })?
        .header;
    Ok((header, cert))
}

/// Transaction `at` of chain `i`, as its validator 0 serves it.
async fn transaction_at(
    devnet: &Devnet,
    i: usize,
    at: plasma_ledger::TxRef,
) -> Result<plasma_ledger::SignedTransaction, DevnetError> {
    let mut client = devnet.client(i, 0).await?;
    client
        .wait_height(at.height, Duration::from_secs(60))
        .await
        .map_err(|e| DevnetError::Timeout(e.message().into()))?;
    let block = client
        .chain
        .get_block(plasma_proto::v1::GetBlockRequest { height: at.height })
        .await
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: e.message().into() })?
        .into_inner();
    let block = plasma_client::convert::block("GetBlockResponse.block", &block.block)
        .map_err(|e| DevnetError::Rpc { what: "GetBlock", reason: e.to_string() })?;
    block.transactions.get(at.index as usize).cloned().ok_or_else(|| DevnetError::Rpc {
        what: "GetBlock",
        reason: format!("block {} has no transaction {}", at.height, at.index),
    })
}

/// The kinds of the alerts validator `k` of chain `i` raised (its `Bridge.Alerts`).
async fn alert_kinds(devnet: &Devnet, i: usize, k: usize) -> Result<Vec<String>, DevnetError> {
    let mut c = devnet.client(i, k).await?;
    let alerts = c
        .bridge
        .alerts(plasma_proto::v1::AlertsRequest {})
        .await
        .map_err(|e| DevnetError::Rpc { what: "Alerts", reason: e.message().into() })?;
    Ok(alerts.into_inner().alerts.into_iter().map(|a| a.kind).collect())
}
