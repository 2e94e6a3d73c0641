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

use crate::config::ValidatorKeys;
use crate::hops::{lock_eth, status, Chain};
use alloy_sol_types::SolValue;
use eyre::{bail, eyre};
use plasma_ledger::children::bond_power;
use plasma_ledger::{ChildBond, TxKind, Validator, U256};
use plasma_proto::v1::{GetChildRequest, ParentStateRequest};
use std::time::{Duration, Instant};

/// How often a wait asks a node again.
const POLL: Duration = Duration::from_millis(200);

/// The power `stake` buys, by the ledger's rule (whole gwei, at least one), before anything
/// is sent.
pub fn check_stake(stake: U256) -> eyre::Result<u64> {
    bond_power(stake).map_err(|_| {
        eyre!("a stake is a whole number of gwei (power = stake / 1 gwei), not {stake} wei")
    })
}

/// Bonds `keys` for chain `chain_id` on its plasma parent, whose node is at `parent_rpc`,
/// with `stake` wei paid from one of the operator's ETH outputs there; returns the
/// configuration the bond numbered (pending until the chain's next epoch end).
pub async fn on_plasma_parent(
    parent_rpc: &str,
    chain_id: u64,
    keys: &ValidatorKeys,
    stake: U256,
) -> eyre::Result<u32> {
    check_stake(stake)?;
    let operator = keys.operator.address();
    let mut parent = Chain::at(parent_rpc).await?;
    let mut children = parent.node.children.clone();
    let before = children.get_child(GetChildRequest { chain_id }).await.map_err(|s| {
        eyre!("chain {chain_id} is not a child of chain {} ({})", parent.id, s.message())
    })?;
    let before = before.into_inner();
    let coin = parent.eth_coin(operator, stake).await?.ok_or_else(|| {
        eyre!(
            "operator {operator} holds no ETH output of {stake} wei or more on chain {}: \
                 deposit to it there first",
            parent.id
        )
    })?;
    let bond = ChildBond {
        childChainId: chain_id,
        amount: stake,
        blsPubkey: keys.bls.public_key().to_eip2537().to_vec().into(),
        proofOfPossession: keys.bls.proof_of_possession(operator).to_eip2537().to_vec().into(),
    };
    let stx =
        lock_eth(&keys.operator, &parent.domain, coin, TxKind::BondChild, stake, bond.abi_encode());
    parent.submit_once(&stx).await?;
    // Committed means: the parent numbered a configuration that holds the operator.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = children.get_child(GetChildRequest { chain_id }).await.map_err(status)?;
        let now = now.into_inner();
        if now.configurations > before.configurations {
            let members = |abi: &[u8]| Vec::<Validator>::abi_decode(abi).unwrap_or_default();
            let holds = |abi: &[u8]| members(abi).iter().any(|v| v.operator == operator);
            if holds(&now.pending_validators) {
                return Ok(now.pending_configuration);
            }
            if holds(&now.validators) {
                return Ok(now.active_configuration);
            }
        }
        if Instant::now() > deadline {
            bail!("chain {} did not commit the bond within 60 s", parent.id);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Bonds `keys` for chain `chain_id` on the root with `stake` wei, then snapshots the pending
/// set as the next configuration; returns its number. `root` must send from the operator.
pub async fn on_root(
    root: &plasma_bridge::Root,
    chain_id: u64,
    keys: &ValidatorKeys,
    stake: U256,
) -> eyre::Result<u32> {
    check_stake(stake)?;
    let operator = keys.operator.address();
    root.bond(operator, chain_id, &keys.bls, stake).await.map_err(|e| eyre!("bond: {e}"))?;
    let (id, _) = root
        .propose_configuration(operator, chain_id)
        .await
        .map_err(|e| eyre!("proposeConfiguration: {e}"))?;
    Ok(id)
}

/// Waits until the chain whose node `node` is has adopted configuration `id` (or a later
/// one): its parent has numbered it and holds none pending. Returns the parent's latest
/// checkpoint of the chain then.
pub async fn wait_adopted(
    node: &mut plasma_proto::Client,
    id: u32,
    timeout: Duration,
) -> eyre::Result<u64> {
    let deadline = Instant::now() + timeout;
    loop {
        let s = node.bridge.parent_state(ParentStateRequest {}).await.map_err(status)?;
        let s = s.into_inner();
        if s.configurations >= id && s.pending_configuration == 0 {
            return Ok(s.last_checkpoint);
        }
        if s.frozen {
            bail!("the parent froze the chain before it adopted configuration {id}");
        }
        if Instant::now() > deadline {
            bail!(
                "configuration {id} still pending after {timeout:?} (the parent numbered {}, \
                 pending {})",
                s.configurations,
                s.pending_configuration
            );
        }
        tokio::time::sleep(POLL).await;
    }
}
