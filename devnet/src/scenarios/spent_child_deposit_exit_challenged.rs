//! `spent_child_deposit_exit_challenged`: a user on a plasma chain locks value into its child,
//! spends the output the child minted for it there, and then exits the deposit from the
//! plasma parent's own record (`StartChildDepositExit`); the child's watchers challenge that
//! exit on the plasma parent by themselves (`ChallengeChildDepositExit`): the root's
//! `spent_deposit_exit_challenged`, one level down.

use super::{arrival, check, grandchild, root_err, user, Outcome, ETH, USER};
use crate::harness::lock_for_child;
use crate::launch::Progress;
use crate::{Devnet, DevnetError};
use plasma_client::convert;
use plasma_ledger::exit::ExitKey;
use plasma_ledger::types::{decode, EXIT_PAYOUT_CLAIM_BYTES, MAX_TX_BYTES};
use plasma_ledger::{
    build, Address, ChildDepositExit, ChildDepositExitChallenge, DepositRecord, ExitPayoutClaim,
    Kind, Output, SignedTransaction, B256, U256,
};
use plasma_proto::v1::{
    ChildExitsRequest, GetBlockRequest, GetExitCancellationRequest, StatusRequest,
};
use std::time::{Duration, Instant};

/// The scenario's name.
pub(super) const NAME: &str = "spent_child_deposit_exit_challenged";

/// On the first plasma chain A with a child B: deposit from A into B, spend the minted output
/// on B, exit the deposit from A's record. One of B's validators challenges the exit on A
/// within its exit period: the bond goes to it, nothing is paid to the exiter, and A's
/// escrow of B is what it was before the exit started.
pub async fn spent_child_deposit_exit_challenged(
    devnet: &Devnet,
    progress: Progress<'_>,
) -> Result<Outcome, DevnetError> {
    let (b, _) = grandchild(devnet)?;
    let a = devnet.state.chains[b].parent.expect("a grandchild has a plasma parent");
    let (a_id, b_id) = (devnet.state.chains[a].chain_id, devnet.state.chains[b].chain_id);
    let (a_path, b_path) =
        (devnet.state.chains[a].path.clone(), devnet.state.chains[b].path.clone());
    let alice = user(devnet)?;
    let bob = devnet
        .user_key(USER + 1)
        .ok_or_else(|| DevnetError::Root(format!("anvil has no account {}", USER + 1)))?;
    let bond = bond_of(devnet, b).await?;
    let amount = U256::from(ETH / 9);

    // Alice's ETH on A: the amount she locks for B, and twice the bond of B's exits.
    let on_a = devnet.coins(a, alice.address()).await?;
    let funds = amount + bond * U256::from(2);
    devnet
        .root
        .deposit(alice.address(), a_id, alice.address(), Address::ZERO, funds)
        .await
        .map_err(root_err)?;
    let coin = arrival(devnet, a, alice.address(), &on_a, |c| c.amount == funds).await?;
    // She locks `amount` for herself on B; the change pays the bond later.
    let (domain_a, on_a, on_b) = (
        devnet.domain(a),
        devnet.coins(a, alice.address()).await?,
        devnet.coins(b, alice.address()).await?,
    );
    let into_b = devnet.registered(b).await?;
    let lock = lock_for_child(&domain_a, &alice, &coin, into_b, alice.address(), amount);
    devnet.submit(a, &lock).await?;
    let change = arrival(devnet, a, alice.address(), &on_a, |c| c.amount == funds - amount).await?;
    let minted = arrival(devnet, b, alice.address(), &on_b, |c| c.amount == amount).await?;
    let nonce = minted_nonce(devnet, b, minted.height, minted.tx_index).await?;
    progress(&format!(
        "{a_path}: deposit {nonce} of {amount} wei into {b_path}, minted there at {}",
        minted.pos()
    ));

    // Alice pays the minted output to Bob: on B, the deposit is spent ...
    let bobs = devnet.coins(b, bob.address()).await?;
    let pay = vec![Output::new(bob.address(), Address::ZERO, amount)];
    let domain_b = devnet.domain(b);
    devnet.submit(b, &build::transfer(&domain_b, &[(minted.pos(), &alice)], pay)).await?;
    arrival(devnet, b, bob.address(), &bobs, |c| c.amount == amount).await?;

    // ... and she still exits it from A's record of it.
    let escrow = escrow_of(devnet, b).await?;
    let from_height = height(devnet, a).await?;
    let exit = ChildDepositExit { childChainId: b_id, nonce, ..Default::default() };
    let start =
        build::child_deposit_exit_tx(&domain_a, &alice, change.pos(), change.amount, &exit, bond);
    let started = Instant::now();
    devnet.submit(a, &start).await?;
    let exit_id = ExitKey::Deposit(nonce).exit_id();
    progress(&format!(
        "{a_path}: exit of deposit {nonce} into {b_path} (spent there) started from {a_path}'s record, bond {bond} wei"
    ));

    // Challenged by one of B's validators, on A, before the exit could be paid.
    let mut seen = Settled { next: from_height.max(1), ..Settled::default() };
    let (beneficiary, bonded) = loop {
        seen.read(devnet, a, (b_id, nonce), exit_id, start.transaction.hash()).await?;
        check(NAME, !seen.paid, || format!("{a_path} paid the exit of spent deposit {nonce}"))?;
        if let Some(challenge) = seen.challenger {
            break challenge;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(DevnetError::Scenario {
                name: NAME.into(),
                reason: format!(
                    "the exit of deposit {nonce} was not challenged on {a_path} within 120 s (its start {} committed)",
                    if seen.started { "was" } else { "was never" }
                ),
            });
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let elapsed = started.elapsed();
    check(NAME, seen.started, || {
        format!("the challenge came before the exit's start on {a_path}")
    })?;
    let operators: Vec<Address> =
        devnet.validator_keys(b)?.iter().map(|k| k.operator.address()).collect();
    check(NAME, operators.contains(&beneficiary), || {
        format!("the bond went to {beneficiary}, not one of {b_path}'s validators")
    })?;
    check(NAME, bonded == bond, || format!("the challenge paid {bonded} wei, the bond is {bond}"))?;
    let open = open_exits(devnet, a, b_id).await?;
    check(NAME, !open.contains(&exit_id), || {
        format!("the exit of deposit {nonce} is still queued on {a_path}")
    })?;
    // Challenged, it never starts again: A names no cancellation a restart could stand on.
    let mut c = devnet.client(a, 0).await?;
    let request = GetExitCancellationRequest { chain_id: b_id, exit_id: exit_id.to_vec() };
    let again = c.children.get_exit_cancellation(request).await;
    check(
        NAME,
        again.as_ref().is_err_and(|s| s.code() == tonic::Code::FailedPrecondition),
        || {
            format!(
                "{a_path} would let the challenged exit of deposit {nonce} start again: {again:?}"
            )
        },
    )?;
    let after = escrow_of(devnet, b).await?;
    check(NAME, after == escrow, || {
        format!("{a_path}'s escrow of {b_path} moved from {escrow} to {after} wei")
    })?;
    let alices = devnet.coins(a, alice.address()).await?;
    check(NAME, !alices.iter().any(|c| c.pos() == change.pos()), || {
        format!("the bond coin {} was not spent", change.pos())
    })?;
    Ok(Outcome {
        name: NAME,
        elapsed,
        summary: format!(
            "the exit of spent deposit {nonce} of {b_path} from {a_path}'s record was challenged by {beneficiary} in {} ms (bond {bond} wei); {a_path}'s escrow of {b_path} stays {after} wei",
            elapsed.as_millis()
        ),
    })
}

/// The bond of chain `b`'s exits on its plasma parent.
async fn bond_of(devnet: &Devnet, b: usize) -> Result<U256, DevnetError> {
    let entry = devnet.child_entry(b).await?;
    convert::u256("GetChildResponse.exit_bond", &entry.exit_bond).map_err(untrusted)
}

/// Chain `b`'s ETH escrow on its plasma parent.
async fn escrow_of(devnet: &Devnet, b: usize) -> Result<U256, DevnetError> {
    let entry = devnet.child_entry(b).await?;
    for locked in &entry.escrow {
        let (token, amount) = convert::locked(locked).map_err(untrusted)?;
        if token == Address::ZERO {
            return Ok(amount);
        }
    }
    Ok(U256::ZERO)
}

/// The deposit nonce chain `b` minted at `(height, tx_index)`.
async fn minted_nonce(
    devnet: &Devnet,
    b: usize,
    height: u64,
    tx_index: u32,
) -> Result<u64, DevnetError> {
    let stx = tx_at(devnet, b, height, tx_index).await?;
    let tx = &stx.transaction;
    let record = (tx.kind == Kind::Deposit.byte())
        .then(|| {
            decode::<DepositRecord>("DepositRecord", &tx.data, plasma_ledger::DEPOSIT_RECORD_BYTES)
                .ok()
        })
        .flatten();
    record.map(|r| r.nonce).ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: format!(
            "{height}:{tx_index} of {} is not a deposit's mint",
            devnet.state.chains[b].path
        ),
    })
}

/// Transaction `tx_index` of block `height` of chain `i`.
async fn tx_at(
    devnet: &Devnet,
    i: usize,
    height: u64,
    tx_index: u32,
) -> Result<SignedTransaction, DevnetError> {
    let block = block_of(devnet, i, height).await?;
    block.transactions.get(tx_index as usize).cloned().ok_or_else(|| DevnetError::Scenario {
        name: NAME.into(),
        reason: format!(
            "block {height} of {} has no transaction {tx_index}",
            devnet.state.chains[i].path
        ),
    })
}

async fn block_of(
    devnet: &Devnet,
    i: usize,
    height: u64,
) -> Result<plasma_ledger::Block, DevnetError> {
    let mut c = devnet.client(i, 0).await?;
    let block = c
        .chain
        .get_block(GetBlockRequest { height })
        .await
        .map_err(|s| DevnetError::Rpc { what: "GetBlock", reason: s.message().into() })?
        .into_inner();
    convert::block("GetBlockResponse.block", &block.block).map_err(untrusted)
}

/// Chain `i`'s height, as its validator 0 has it.
async fn height(devnet: &Devnet, i: usize) -> Result<u64, DevnetError> {
    let mut c = devnet.client(i, 0).await?;
    let status = c.node.status(StatusRequest {}).await;
    Ok(status
        .map_err(|s| DevnetError::Rpc { what: "Status", reason: s.message().into() })?
        .into_inner()
        .height)
}

/// The exits of child `child` queued on chain `a`.
async fn open_exits(devnet: &Devnet, a: usize, child: u64) -> Result<Vec<B256>, DevnetError> {
    let mut c = devnet.client(a, 0).await?;
    let exits = c
        .children
        .child_exits(ChildExitsRequest { chain_id: child })
        .await
        .map_err(|s| DevnetError::Rpc { what: "ChildExits", reason: s.message().into() })?
        .into_inner()
        .exits;
    exits
        .iter()
        .map(|e| convert::b256("ChildExit.exit_id", &e.exit_id).map_err(untrusted))
        .collect()
}

/// What chain `a`'s blocks show of an exit of a child's deposit, read on from block `next`.
#[derive(Default)]
struct Settled {
    /// The next block to read.
    next: u64,
    /// Its start committed.
    started: bool,
    /// Challenged by a `ChallengeChildDepositExit`: who got the bond, and how much.
    challenger: Option<(Address, U256)>,
    /// Settled by an `ExitPayout`.
    paid: bool,
}

impl Settled {
    /// Reads chain `a`'s new blocks for the exit `exit_id` of deposit `(child, nonce)`
    /// started by the transaction `start`: its start, its challenge, its payout.
    async fn read(
        &mut self,
        devnet: &Devnet,
        a: usize,
        (child, nonce): (u64, u64),
        exit_id: B256,
        start: B256,
    ) -> Result<(), DevnetError> {
        let tip = height(devnet, a).await?;
        while self.next <= tip {
            for stx in block_of(devnet, a, self.next).await?.transactions {
                let tx = &stx.transaction;
                self.started |= tx.hash() == start;
                if tx.kind == Kind::ChallengeChildDepositExit.byte() {
                    let c: ChildDepositExitChallenge =
                        decode("ChildDepositExitChallenge", &tx.data, MAX_TX_BYTES)
                            .map_err(untrusted_payload)?;
                    if (c.childChainId, c.nonce) == (child, nonce) {
                        let bond = tx.outputs.first().map_or(U256::ZERO, |o| o.amount);
                        self.challenger = Some((c.beneficiary, bond));
                    }
                } else if tx.kind == Kind::ExitPayout.byte() {
                    let p: ExitPayoutClaim =
                        decode("ExitPayoutClaim", &tx.data, EXIT_PAYOUT_CLAIM_BYTES)
                            .map_err(untrusted_payload)?;
                    self.paid |= (p.childChainId, p.exitId) == (child, exit_id);
                }
            }
            self.next += 1;
        }
        Ok(())
    }
}

/// A node's answer that does not convert into the ledger's types.
fn untrusted(e: convert::ConvertError) -> DevnetError {
    DevnetError::Rpc { what: "decode", reason: e.to_string() }
}

fn untrusted_payload(e: plasma_ledger::types::DecodeError) -> DevnetError {
    DevnetError::Rpc { what: "decode", reason: e.to_string() }
}
