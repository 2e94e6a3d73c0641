//! Joining a chain's validator set: a bond on the chain's parent numbers its next validator
//! configuration, which the chain adopts at its next epoch end (the checkpoint of that block
//! names it as the next set, and the parent activates it from the block after).
//!
//! * under the root: the contract's `bond` (stake as `msg.value`), then
//!   `proposeConfiguration`;
//! * under a plasma chain: a `BondChild` transaction there, its stake paid from the
//!   operator's ETH outputs on that chain; the bond itself numbers the configuration.
//!
//! Either way the operator key pays and signs, and the BLS key's proof of possession binds
//! the key to that operator.

use crate::convert;
use crate::error::{Error, Result};
use crate::hops::{lock_eth, Chain};
use crate::keys::ValidatorKeys;
use alloy_sol_types::SolValue;
use plasma_ledger::children::{bond_power, seat_taken};
use plasma_ledger::{Address, ChildBond, Kind, Validator, U256};
use plasma_proto::v1::{GetChildRequest, ParentStateRequest};
use std::time::{Duration, Instant};

/// How often a wait asks a node again.
const POLL: Duration = Duration::from_millis(200);
/// How long a plasma parent may take to commit a bond.
const COMMIT_TIMEOUT: Duration = Duration::from_secs(60);

/// The power `stake` buys, by the ledger's rule (whole gwei, at least one), before anything
/// is sent.
pub fn check_stake(stake: U256) -> Result<u64> {
    bond_power(stake).map_err(|_| Error::Stake { stake })
}

/// Bonds `keys` for chain `chain_id` on its plasma parent, whose node is at `parent_rpc`,
/// with `stake` wei paid from one of the operator's ETH outputs there; returns the
/// configuration the bond numbered (pending until the chain's next epoch end).
pub async fn on_plasma_parent(
    parent_rpc: &str,
    chain_id: u64,
    keys: &ValidatorKeys,
    stake: U256,
) -> Result<u32> {
    let power = check_stake(stake)?;
    let operator = keys.operator.address();
    let mut parent = Chain::at(parent_rpc).await?;
    let mut children = parent.node.children.clone();
    let before = children.get_child(GetChildRequest { chain_id }).await.map_err(|s| {
        Error::NotAChild { chain: chain_id, parent: parent.id, message: s.message().into() }
    })?;
    let before = before.into_inner();
    // An older node reports no minimum: the parent still judges the bond.
    let minimum = convert::u256("GetChildResponse.min_stake", &before.min_stake)?;
    if stake < minimum {
        return Err(Error::BelowMinimum { chain: chain_id, stake, minimum });
    }
    // The set it extends: the pending one, or else the active one.
    let pending = convert::optional_validator_set(
        "GetChildResponse.pending_validators",
        &before.pending_validators,
    )?;
    let extended = match pending {
        Some(set) => set,
        None => convert::validator_set("GetChildResponse.validators", &before.validators)?,
    };
    if seat_taken(&extended, power).is_err() {
        let least = extended.iter().map(|v| v.power).min().unwrap_or_default();
        return Err(Error::SetFull { chain: chain_id, members: extended.len(), least, power });
    }
    let coin = parent.eth_coin(operator, stake).await?.ok_or(Error::NoCoin {
        owner: operator,
        amount: stake,
        chain: parent.id,
        purpose: "the stake",
    })?;
    // It stands on the child's stakes as the parent holds them now: should a stake or bond of
    // the child be committed meanwhile, the parent refuses this one and nothing is spent (bond
    // again).
    let (at, staked) = convert::stakes(&before)?;
    let bond = ChildBond {
        childChainId: chain_id,
        amount: stake,
        blsPubkey: keys.bls.public_key().to_eip2537().to_vec().into(),
        proofOfPossession: keys.bls.proof_of_possession(operator).to_eip2537().to_vec().into(),
        stakesHeight: at.height,
        stakesIndex: at.index,
        staked: staked.checked_add(stake).ok_or(Error::Stake { stake })?,
    };
    let stx =
        lock_eth(&keys.operator, &parent.domain, coin, Kind::BondChild, stake, bond.abi_encode());
    parent.submit_once(&stx).await?;
    // Committed means: the parent numbered a configuration that holds the operator.
    let deadline = Instant::now() + COMMIT_TIMEOUT;
    loop {
        let now = children.get_child(GetChildRequest { chain_id }).await?.into_inner();
        if now.configurations > before.configurations {
            let pending = "GetChildResponse.pending_validators";
            let pending = convert::optional_validator_set(pending, &now.pending_validators)?;
            if pending.is_some_and(|set| holds(&set, operator)) {
                return Ok(now.pending_configuration);
            }
            let active = convert::validator_set("GetChildResponse.validators", &now.validators)?;
            if holds(&active, operator) {
                return Ok(now.active_configuration);
            }
            // Committed, but a bond of more power took the seat before this answer.
            let staked =
                |c: &plasma_proto::v1::GetChildResponse| convert::stake_of(&c.stakes, operator);
            if staked(&now)? > staked(&before)? {
                return Err(Error::Outbid { chain: chain_id });
            }
        }
        if Instant::now() > deadline {
            let what = format!("chain {} to commit the bond", parent.id);
            return Err(Error::Timeout { what, after: COMMIT_TIMEOUT });
        }
        tokio::time::sleep(POLL).await;
    }
}

fn holds(set: &[Validator], operator: Address) -> bool {
    set.iter().any(|v| v.operator == operator)
}

/// How long a proposal waits for a configuration pending already to be adopted or declined at
/// the chain's epoch end (the root refuses to displace it before: `PendingUndeclined`).
const PENDING_WAIT: Duration = Duration::from_secs(600);

/// Bonds `keys` for chain `chain_id` on the root with `stake` wei, then snapshots the pending
/// set as the next configuration; returns its number. `root` must send from the operator.
/// While another configuration is pending, the proposal waits for the chain's epoch end to
/// adopt or decline it (up to ten minutes); the bond itself stands.
pub async fn on_root(
    root: &plasma_bridge::Root,
    chain_id: u64,
    keys: &ValidatorKeys,
    stake: U256,
) -> Result<u32> {
    check_stake(stake)?;
    let operator = keys.operator.address();
    root.bond(operator, chain_id, &keys.bls, stake).await.map_err(|e| Error::root("bond", e))?;
    let deadline = Instant::now() + PENDING_WAIT;
    loop {
        match root.propose_configuration(operator, chain_id).await {
            Ok((id, _)) => return Ok(id),
            Err(plasma_bridge::RootError::Refused { reason, .. })
                if reason.starts_with("PendingUndeclined") && Instant::now() < deadline =>
            {
                tokio::time::sleep(POLL * 10).await;
            }
            Err(e) => return Err(Error::root("proposeConfiguration", e)),
        }
    }
}

/// Waits until the chain whose node `node` is has adopted configuration `id` (or a later
/// one): its parent accepts that configuration's certificates, or one numbered after it (a
/// node that does not report the active configuration: it numbered `id` and holds none
/// pending). Returns the parent's latest checkpoint of the chain then. A bond numbered after
/// `id` and still pending does not hold it back.
pub async fn wait_adopted(
    node: &mut plasma_proto::Client,
    id: u32,
    timeout: Duration,
) -> Result<u64> {
    let deadline = Instant::now() + timeout;
    loop {
        let s = node.bridge.parent_state(ParentStateRequest {}).await?.into_inner();
        let adopted = match s.active_configuration {
            0 => s.configurations >= id && s.pending_configuration == 0,
            active => active >= id,
        };
        if adopted {
            return Ok(s.last_checkpoint);
        }
        if s.frozen {
            return Err(Error::Frozen { configuration: id });
        }
        if Instant::now() > deadline {
            let what = format!(
                "configuration {id} to be adopted (the parent numbered {}, pending {})",
                s.configurations, s.pending_configuration
            );
            return Err(Error::Timeout { what, after: timeout });
        }
        tokio::time::sleep(POLL).await;
    }
}
