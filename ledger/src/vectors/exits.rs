//! Exit vectors: exit starts judged against a chain's blocks, and exit ids.

use super::{domain_json, h, outcome};
use crate::build;
use crate::exit::{self, ExitKey};
use crate::kind::Kind;
use crate::testkit::{self, FraudWorld};
use crate::types::UtxoPos;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;
use serde_json::{json, Value};

pub(super) fn exits(world: &FraudWorld) -> Value {
    let chain = &world.chain;
    let anchor = chain.tip();
    let period = 604_800u64;
    let now = 2_000_000u64;
    let carol_pos = UtxoPos::new(3, 0, 0);
    let carol = chain.blocks[2].transactions[0].transaction.outputs[0].owner;
    let carol_tx = crate::signing::hash_struct(&chain.blocks[2].transactions[0].transaction);
    let mallory = chain.blocks[3].transactions[1].transaction.outputs[0].owner;
    let mut starts = Vec::new();
    for (name, pos, incl, claimant) in [
        ("valid_output", carol_pos.clone(), chain.inclusion(3, 0), carol),
        (
            "valid_deposit_output",
            UtxoPos::new(1, 0, 0),
            chain.inclusion(1, 0),
            chain.state.parent_deposits[&0].recipient,
        ),
        ("not_owner", carol_pos.clone(), chain.inclusion(3, 0), mallory),
        ("no_such_output", UtxoPos::new(3, 0, 3), chain.inclusion(3, 0), carol),
        ("wrong_tx_index", UtxoPos::new(3, 1, 0), chain.inclusion(3, 0), carol),
        ("block_after_anchor", UtxoPos::new(6, 0, 0), chain.inclusion(3, 0), carol),
    ] {
        let result = exit::verify_exit_start(chain.domain.chain_id, anchor, &pos, &incl, claimant);
        starts.push(json!({
            "name": name,
            "utxoPos": h(pos.abi_encode()),
            "inclusion": h(incl.abi_encode()),
            "claimant": claimant.to_string(),
            "expect": outcome(&result, |c| json!(h(c.record(now, period).abi_encode()))),
        }));
    }
    let exit_record = exit::verify_exit_start(
        chain.domain.chain_id,
        anchor,
        &UtxoPos::new(2, 0, 1),
        &chain.inclusion(2, 0),
        chain.blocks[1].transactions[0].transaction.outputs[1].owner,
    )
    .expect("alice's change exits")
    .record(now, period);
    // Alice's change (2,0,1) is spent by nobody honest; the forged spend in block 4 is signed
    // by mallory, which is no challenge. Alice's own signature on a spend is one.
    let alice = testkit::user(&format!("alice-{}", 0));
    let spend_by_owner = build::transfer(
        &chain.domain,
        &[(UtxoPos::new(2, 0, 1), &alice)],
        vec![crate::types::Output::new(alice.address(), Address::ZERO, U256::from(1))],
    );
    let forged = chain.blocks[3].transactions[world.forged as usize].clone();
    // The same spend as each kind that spends signed inputs (a bond for a child's validator
    // set is one, and so is a deposit-record exit's start on a plasma parent), and as a kind
    // no chain knows.
    let as_kind = |kind: u8| {
        let mut tx = spend_by_owner.transaction.clone();
        tx.kind = kind;
        build::sign(&chain.domain, tx, &[&alice])
    };
    let mut challenges = Vec::new();
    for (name, spend, input) in [
        ("spent_by_owner", spend_by_owner.clone(), 0usize),
        ("spent_by_owner_in_a_bond", as_kind(Kind::BondChild as u8), 0),
        ("spent_by_owner_in_a_deposit_exit", as_kind(Kind::StartChildDepositExit as u8), 0),
        ("spent_by_an_unknown_kind", as_kind(Kind::StartChildDepositExit as u8 + 1), 0),
        ("signed_by_other", forged, 0),
        ("input_index_wrong", spend_by_owner, 1),
    ] {
        let result = exit::verify_challenge(&chain.domain, &exit_record, &spend, input);
        challenges.push(json!({
            "name": name,
            "exit": h(exit_record.abi_encode()),
            "spend": h(spend.abi_encode()),
            "inputIndex": input,
            "expect": outcome(&result, |_| Value::Null),
        }));
    }
    let timing: Vec<Value> = [(0u64, 10u64, 5u64), (100, 101, 5), (1_000, 1_000, 7), (u64::MAX - 1, 0, 2)]
        .iter()
        .map(|(t, n, p)| json!({ "outputTime": t, "now": n, "period": p, "exitableAt": exit::exitable_at(*t, *n, *p) }))
        .collect();
    let priority: Vec<Value> = [(5u64, UtxoPos::new(3, 0, 0)), (5, UtxoPos::new(2, 7, 1)), (4, UtxoPos::new(9, 0, 0))]
        .iter()
        .map(|(at, pos)| json!({ "exitableAt": at, "utxoPos": h(pos.abi_encode()), "priority": h(exit::priority(*at, pos).to_be_bytes::<32>()) }))
        .collect();
    json!({
        "domain": domain_json(),
        "anchor": h(anchor.abi_encode()),
        "period": period, "now": now,
        "starts": starts, "challenges": challenges,
        "exitableAt": timing, "priority": priority,
        "exitIds": [
            { "key": "output", "utxoPos": h(carol_pos.abi_encode()), "txHash": carol_tx.to_string(), "outputIndex": 0, "exitId": ExitKey::Output { tx: carol_tx, index: 0 }.exit_id().to_string() },
            { "key": "deposit", "nonce": 0, "exitId": ExitKey::Deposit(0).exit_id().to_string() },
        ],
    })
}
