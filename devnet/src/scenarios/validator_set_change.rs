//! `validator_set_change`: a new validator bonds on the root for the first chain under it,
//! which adopts the new set at its next epoch end; the newcomer then signs.

use super::{check, failed, newcomer_signs, on_root, root_err, top_chain, Outcome, ETH};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::children::POWER_UNIT;
use plasma_ledger::U256;
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "validator_set_change";

/// A new validator joins the first chain under the root: a node with fresh keys starts as a
/// full node, bonds on the root with its BLS key and proof of possession, and the root
/// proposes the next configuration. The chain adopts it at its next epoch end (announced by
/// `nextValidatorSetHash`, acknowledged by the root), and from then on the newcomer's
/// precommits are in the chain's certificates.
pub async fn validator_set_change(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::ValidatorSet;
    let a = top_chain(devnet);
    let (a_id, path) = (devnet.state.chains[a].chain_id, devnet.state.chains[a].path.clone());
    let before = on_root(devnet, a_id).await?;
    let k = devnet.add_node(a).await?;
    devnet.start_node(a, k)?;
    let keys = devnet.validator_keys(a)?;
    let newcomer = &keys[k];
    let op = newcomer.operator.address();
    progress(&format!("{path}: node {k} started with operator {op}; bonding it on the root"));
    devnet.fund(op, U256::from(ETH)).await?;
    let url = devnet.state.root.rpc.parse().map_err(|e| DevnetError::Root(format!("{e}")))?;
    let wallet = plasma_bridge::devchain::wallet_provider(url, &[newcomer.operator_secret])
        .ok_or_else(|| DevnetError::Root("the operator key".into()))?;
    let stake = U256::from(crate::launch::POWER) * U256::from(POWER_UNIT);
    let root = plasma_bridge::Root::at(devnet.root.address(), wallet);
    let next =
        plasma_client::bond::on_root(&root, a_id, newcomer, stake).await.map_err(failed(NAME))?;
    let started = Instant::now();
    check(NAME, next > before.activeConfig, || {
        format!("the bond proposed configuration {next}, not after {}", before.activeConfig)
    })?;
    let members = devnet.root.validators(a_id, next).await.map_err(root_err)?;
    let set = ValidatorSet::new(members.clone()).map_err(|e| DevnetError::Root(e.to_string()))?;
    let index =
        members.iter().position(|m| m.operator == op).ok_or_else(|| DevnetError::Scenario {
            name: NAME.into(),
            reason: "the newcomer is not in the proposed set".into(),
        })?;
    let from = loop {
        let c = on_root(devnet, a_id).await?;
        if c.activeConfig == next {
            break c.lastHeight + 1;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!("{path} never adopted configuration {next}")));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let adopted = started.elapsed();
    progress(&format!("root: configuration {next} active for {path} from block {from}"));
    let first_signed = newcomer_signs(devnet, a, &set, index, from, started).await?;
    Ok(Outcome {
        name: NAME,
        elapsed: adopted,
        summary: format!(
            "{path} adopted a {}-validator set {} ms after the proposal, from block {from}; the \
             newcomer's first precommit is in block {first_signed}'s certificate",
            members.len(),
            adopted.as_millis(),
        ),
    })
}
