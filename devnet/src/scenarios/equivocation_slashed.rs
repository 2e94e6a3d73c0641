//! `equivocation_slashed`: a quorum of the first chain's validators signs a second block, the
//! watchers prove the equivocation on the root, which freezes the chain and slashes who signed
//! both in one round, paying the prover (nothing, if it signed both) and nobody else.

use super::{check, on_root, root_err, top_chain, Outcome};
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use alloy_sol_types::SolValue;
use plasma_ledger::{Address, U256};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "equivocation_slashed";

/// More than two thirds of the first chain's validators sign a second block at a height the
/// chain has not reached, and it is submitted to the root as a checkpoint; when the chain
/// gets there, its watchers prove the equivocation with their own certificate. The root
/// freezes the chain from that height; when the chain certified its block in round 0, the
/// forged block's round (as it mostly does), it takes the stake of everyone who signed both
/// and pays half to the prover (nothing when the prover signed both itself), and to no one
/// else. Of different rounds it takes nothing (an
/// honest validator may sign both: `plasma_ledger::fraud::verify_equivocation`).
/// Destructive: the chain stays frozen (exits only), so this scenario runs last.
pub async fn equivocation_slashed(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    use plasma_ledger::certificate::{certify, ValidatorSet};
    let a = top_chain(devnet);
    let chain = &devnet.state.chains[a];
    let (a_id, path) = (chain.chain_id, chain.path.clone());
    let root = &devnet.root;
    let record = on_root(devnet, a_id).await?;
    check(NAME, !record.frozen, || format!("{path} is frozen already"))?;
    let members = root.validators(a_id, record.activeConfig).await.map_err(root_err)?;
    let set = ValidatorSet::new(members.clone())
        .map_err(|e| DevnetError::Root(format!("the configuration of {path}: {e}")))?;
    let keys = devnet.validator_keys(a)?;
    // The smallest quorum: more than two thirds of equal powers.
    let quorum = members.len() * 2 / 3 + 1;
    let signers: Vec<(usize, &plasma_ledger::bls::BlsSecretKey)> = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            Some((i, &keys.iter().find(|k| k.operator.address() == m.operator)?.bls))
        })
        .take(quorum)
        .collect();
    check(NAME, signers.len() == quorum, || {
        format!("the devnet holds {} of the keys", signers.len())
    })?;
    let forged = plasma_ledger::BlockHeader {
        chainId: a_id,
        height: record.lastHeight + 3 * chain.epoch_length,
        validatorSetHash: set.hash(),
        nextValidatorSetHash: set.hash(),
        txRoot: plasma_ledger::B256::repeat_byte(0xf0),
        ..Default::default()
    };
    let votes = *devnet.domain(a).votes();
    let cert = certify(&set, &signers, &votes, &forged, 0).ok_or_else(|| {
        DevnetError::Scenario { name: NAME.into(), reason: "no certificate".into() }
    })?;
    // What everyone who could be paid is owed before: the members and the devnet's operator.
    let mut accounts: Vec<_> = members.iter().map(|m| m.operator).collect();
    accounts.push(devnet.operator());
    let mut owed_before = Vec::with_capacity(accounts.len());
    for account in &accounts {
        owed_before.push(owed(devnet, *account).await?);
    }
    let mut staked = Vec::with_capacity(members.len());
    for m in &members {
        staked.push(stake_of(devnet, a_id, m.operator).await?);
    }
    let started = Instant::now();
    root.submit_checkpoint(devnet.operator(), &forged, &cert).await.map_err(root_err)?;
    progress(&format!(
        "root: a second block {} of {path}, signed by {quorum} of its {} validators, accepted as a checkpoint",
        forged.height,
        members.len()
    ));
    let rollback = loop {
        let c = root
            .contract()
            .chain(a_id)
            .call()
            .await
            .map_err(|e| DevnetError::Root(e.to_string()))?;
        if c.frozen {
            break c.rollbackHeight;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Scenario {
                name: NAME.into(),
                reason: "the watchers never proved the equivocation".into(),
            });
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let elapsed = started.elapsed();
    check(NAME, rollback == forged.height, || {
        format!("rolled back from {rollback}, not {}", forged.height)
    })?;
    // The freeze is read from the root's state, the proof from its logs: under load the
    // logs may trail the state read by a block, so they are asked again for a while.
    let asked = Instant::now();
    let proofs = loop {
        let proofs =
            root.fraud_proofs(a_id, devnet.state.root.deployed_at).await.map_err(root_err)?;
        if !proofs.is_empty() || asked.elapsed() > Duration::from_secs(30) {
            break proofs;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let proof = proofs.last().ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: "no fraud proof on the root".into(),
    })?;
    let evidence =
        <plasma_ledger::EquivocationEvidence as SolValue>::abi_decode(&proof.evidence).map_err(
            |e| DevnetError::Scenario { name: NAME.into(), reason: format!("evidence: {e}") },
        )?;
    check(NAME, proof.kind == plasma_ledger::FraudKind::Equivocation as u8, || {
        format!("kind {}", proof.kind)
    })?;
    let both = plasma_ledger::fraud::signed_both_in_one_round(&set, &evidence.a, &evidence.b)
        .map_err(|e| DevnetError::Scenario { name: NAME.into(), reason: e.to_string() })?;
    let mut taken = U256::ZERO;
    for (i, m) in members.iter().enumerate() {
        let stake = stake_of(devnet, a_id, m.operator).await?;
        check(NAME, stake.is_zero() == both.contains(&i), || {
            format!(
                "validator {i} ({}): stake {stake}, signed both in one round: {}",
                m.operator,
                both.contains(&i)
            )
        })?;
        if both.contains(&i) {
            taken += staked[i];
        }
    }
    // Half of what was taken pays the prover, unless it signed both itself (a culprit proving
    // its own fraud recovers nothing); nobody else is paid anything.
    let prover = root.frauds_proven(a_id, devnet.state.root.deployed_at).await.map_err(root_err)?;
    let prover = prover.last().map(|p| p.2).unwrap_or_default();
    let culprit = both.iter().any(|i| members[*i].operator == prover);
    let reward = if culprit { U256::ZERO } else { plasma_ledger::children::prover_reward([taken]) };
    for (account, before) in accounts.iter().zip(owed_before) {
        let paid = owed(devnet, *account).await?.saturating_sub(before);
        let expected = if *account == prover { reward } else { U256::ZERO };
        check(NAME, paid == expected, || {
            format!("{account} was paid {paid}, expected {expected} (the prover is {prover})")
        })?;
    }
    check(NAME, accounts.contains(&prover), || format!("the prover {prover} is no validator"))?;
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "{path} frozen from height {rollback} {} ms after the conflicting checkpoint; {} \
             validators who signed both in round {} slashed, {reward} wei to the prover alone{}",
            elapsed.as_millis(),
            both.len(),
            evidence.a.round,
            if culprit { " (a culprit: paid nothing)" } else { "" },
        ),
    })
}

/// What `operator` has staked on chain `chain`.
async fn stake_of(devnet: &Devnet, chain: u64, operator: Address) -> Result<U256, DevnetError> {
    let stake = devnet.root.contract().stakeOf(chain, operator).call().await;
    Ok(stake.map_err(|e| DevnetError::Root(e.to_string()))?.amount)
}

/// What the root owes `account` in ETH.
async fn owed(devnet: &Devnet, account: Address) -> Result<U256, DevnetError> {
    devnet.root.owed(account, Address::ZERO).await.map_err(root_err)
}
