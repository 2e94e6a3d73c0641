//! `validator_set_change_under_plasma`: a new validator of the grandchild B bonds on its plasma
//! parent A; B adopts the new set at its next epoch end and A accepts its certificates.

use super::{arrival, block_at, check, failed, grandchild, newcomer_signs, root_err, Outcome, ETH};
use crate::harness::stake_of;
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_ledger::children::POWER_UNIT;
use plasma_ledger::{Address, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "validator_set_change_under_plasma";

/// A validator joins the grandchild B by bonding on its plasma parent A: a `BondChild` on A
/// numbers B's next configuration, B adopts it at its next epoch end (A activates it from the
/// checkpoint naming it), and the newcomer's precommits then count on A.
pub async fn validator_set_change_under_plasma(
    devnet: &mut Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::ValidatorSet;
    let (b, _) = grandchild(devnet)?;
    let a = devnet.state.chains[b].parent.expect("a grandchild hangs under a plasma chain");
    let (a_id, b_id) = (devnet.state.chains[a].chain_id, devnet.state.chains[b].chain_id);
    let (a_path, b_path) =
        (devnet.state.chains[a].path.clone(), devnet.state.chains[b].path.clone());
    let before = devnet.child_entry(b).await?;
    let k = devnet.add_node(b).await?;
    devnet.start_node(b, k)?;
    let newcomer = devnet.validator_keys(b)?.swap_remove(k);
    let op = newcomer.operator.address();
    // An operator bonds once its node has caught up: from the next epoch end on, its votes
    // may be needed (B may have fewer validators than a quorum without it).
    let tip = devnet.height(b).await;
    progress(&format!("{b_path}: node {k} started with operator {op}; syncing to block {tip}"));
    let mut joining = devnet.client(b, k).await?;
    joining
        .wait_height(tip, Duration::from_secs(120))
        .await
        .map_err(|e| DevnetError::Timeout(format!("{b_path} node {k}: {}", e.message())))?;
    progress(&format!("{b_path}: node {k} caught up; funding its operator on {a_path}"));
    let coins = devnet.coins(a, op).await?;
    let funds = U256::from(ETH / 10);
    devnet
        .root
        .deposit(devnet.operator(), a_id, op, Address::ZERO, funds)
        .await
        .map_err(root_err)?;
    arrival(devnet, a, op, &coins, |c| c.amount == funds).await?;
    let stake = U256::from(crate::launch::POWER) * U256::from(POWER_UNIT);
    let a_node = devnet.state.chains[a].nodes[0].url();
    let proposed = plasma_client::bond::on_plasma_parent(&a_node, b_id, &newcomer, stake)
        .await
        .map_err(failed(NAME))?;
    let started = Instant::now();
    progress(&format!(
        "{a_path}: bonded {stake} wei for {b_path}, configuration {proposed} numbered; waiting \
         for its next epoch end"
    ));
    let next = before.configurations + 1;
    check(NAME, proposed == next, || format!("the bond numbered {proposed}, not {next}"))?;
    let entry = loop {
        let entry = devnet.child_entry(b).await?;
        if entry.active_configuration == next {
            break entry;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Timeout(format!(
                "{a_path} never activated configuration {next} of {b_path} (configurations {}, \
                 active {}, pending {})",
                entry.configurations, entry.active_configuration, entry.pending_configuration
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let adopted = started.elapsed();
    let members = validators(&entry)?;
    check(NAME, members.len() == before_len(&before)? + 1, || {
        format!("configuration {next} has {} members", members.len())
    })?;
    let index =
        members.iter().position(|m| m.operator == op).ok_or_else(|| DevnetError::Scenario {
            name: NAME.into(),
            reason: "the newcomer is not in the activated configuration".into(),
        })?;
    let set = ValidatorSet::new(members).map_err(|e| DevnetError::Scenario {
        name: NAME.into(),
        reason: format!("configuration {next}: {e}"),
    })?;
    // The first block by the new set: just above the epoch end whose checkpoint activated it.
    let mut client = devnet.client(b, 0).await?;
    let mut from = entry.last_height + 1;
    while from > 1 && block_at(&mut client, from - 1).await?.0.validatorSetHash == set.hash() {
        from -= 1;
    }
    let epoch = before.epoch_length;
    check(NAME, (from - 1).is_multiple_of(epoch), || {
        format!("{b_path} adopted the new set from block {from}, not after an epoch end")
    })?;
    progress(&format!("{a_path}: configuration {next} of {b_path} active from block {from}"));
    let first_signed = newcomer_signs(devnet, b, &set, index, from, started).await?;
    // A accepts certificates of the new set: a checkpoint at or above the newcomer's first.
    let landed = loop {
        let entry = devnet.child_entry(b).await?;
        if entry.last_height >= first_signed {
            break entry.last_height;
        }
        if started.elapsed() > Duration::from_secs(240) {
            return Err(DevnetError::Timeout(format!(
                "{a_path} accepted no checkpoint of {b_path} at or above {first_signed}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let bonded = stake_of(&devnet.child_entry(b).await?.stakes, op)?;
    check(NAME, bonded == stake, || format!("the newcomer's stake on {a_path} is {bonded}"))?;
    Ok(Outcome {
        name: NAME,
        elapsed: adopted,
        summary: format!(
            "{b_path} adopted a {}-validator set {} ms after the bond on {a_path}, from block \
             {from}; the newcomer's first precommit is in block {first_signed}'s certificate; \
             {a_path} accepted checkpoint {landed} under the new set",
            set.validators().len(),
            adopted.as_millis(),
        ),
    })
}

/// How many members the active configuration of a child entry has.
fn before_len(entry: &plasma_proto::v1::GetChildResponse) -> Result<usize, DevnetError> {
    validators(entry).map(|v| v.len())
}

/// The active configuration's members of a child entry, checked.
fn validators(
    entry: &plasma_proto::v1::GetChildResponse,
) -> Result<Vec<plasma_ledger::Validator>, DevnetError> {
    plasma_client::convert::validator_set("GetChildResponse.validators", &entry.validators)
        .map_err(|e| DevnetError::Rpc { what: "GetChild", reason: e.to_string() })
}
