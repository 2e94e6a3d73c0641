//! `root.json`: the world of the other vector files as the root contract must hold it.

use super::{certified_fork, fork_checkpoint, h, tip_certified_by_1_to_3};
use crate::children::MAX_CHECKPOINT_GAP;
use crate::exit;
use crate::fraud::{self, evidence as ev};
use crate::testkit::{self, FraudWorld};
use crate::types::{ConflictingCheckpointsEvidence, FraudKind as SolFraudKind, UtxoPos};
use alloy_sol_types::SolValue;
use serde_json::{json, Value};

/// The world of `fraud.json` and `exits.json` as the root contract must hold it: the chain's
/// validators (with proofs of possession), the deposits behind its mints, certified
/// checkpoints of heights 3 (before the fraud) and 5 (the tip), exits to start, the tip's
/// header certified at heights an honest chain never checkpoints (`jumps`), a checkpoint
/// that activates the set validator 0's unbonding leaves (`rotation`), and a checkpoint of
/// the world's fork (`fork`).
pub(super) fn root_scenario(world: &FraudWorld) -> Value {
    let chain = &world.chain;
    let (keys, set) = testkit::committee(4);
    let validators: Vec<Value> = keys
        .iter()
        .zip(set.validators())
        .map(|(k, v)| json!({ "operator": v.operator.to_string(), "blsPubkey": h(&v.blsPubkey), "pop": h(k.proof_of_possession(v.operator).to_eip2537()), "power": v.power }))
        .collect();
    let deposits: Vec<Value> = chain
        .state
        .parent_deposits
        .values()
        .map(|r| json!({ "nonce": r.nonce, "depositor": r.depositor.to_string(), "recipient": r.recipient.to_string(), "token": r.token.to_string(), "amount": r.amount.to_string() }))
        .collect();
    let checkpoint = |height: u64| {
        let header = &chain.blocks[height as usize - 1].header;
        json!({ "height": height, "header": h(header.abi_encode()), "certificate": h(testkit::certify_all(&set, &keys, header).abi_encode()) })
    };
    let exit_on = |chain: &testkit::TestChain, pos: UtxoPos, anchor: u64| {
        let incl = chain.inclusion_under(pos.blockHeight, pos.txIndex, anchor);
        let out = &incl.signedTx.transaction.outputs[usize::from(pos.outputIndex)];
        // The id the root keys it by: its deposit's for a deposit's mint.
        let anchor_header = &chain.blocks[anchor as usize - 1].header;
        let id =
            exit::verify_exit_start(chain.domain.chain_id, anchor_header, &pos, &incl, out.owner);
        let exit_id = id.expect("the vectors' exits start").key.exit_id();
        json!({
            "anchorHeight": anchor, "anchor": h(chain.blocks[anchor as usize - 1].header.abi_encode()),
            "utxoPos": h(pos.abi_encode()), "inclusion": h(incl.abi_encode()),
            "owner": out.owner.to_string(), "token": out.token.to_string(), "amount": out.amount.to_string(),
            "exitId": exit_id.to_string(),
        })
    };
    let exit = |pos: UtxoPos, anchor: u64| exit_on(chain, pos, anchor);
    let fork = fork_checkpoint(world);
    let tip = chain.tip().height;
    // The tip's header at another height, certified by the whole committee: what a quorum
    // could sign to move the root's checkpoints far ahead (its history still proves blocks).
    let certified = |header: &crate::types::BlockHeader| json!({ "height": header.height, "header": h(header.abi_encode()), "certificate": h(testkit::certify_all(&set, &keys, header).abi_encode()) });
    let jump =
        |height: u64| certified(&crate::types::BlockHeader { height, ..chain.tip().clone() });
    // The tip's header one height on, naming as next the set validator 0's unbonding leaves
    // (the root's members after its swap-remove: 3, 1, 2), certified by the committee: it
    // activates the configuration of that set (epochs of one block).
    let v = set.validators();
    let rest = [v[3].clone(), v[1].clone(), v[2].clone()];
    let rotation = certified(&crate::types::BlockHeader {
        height: tip + 1,
        nextValidatorSetHash: crate::types::Validator::set_hash(&rest),
        ..chain.tip().clone()
    });
    let tag = 1u64 << 63;
    let highest = (1u64 << crate::merkle::HISTORY_DEPTH) - 1;
    json!({
        "chainId": chain.domain.chain_id,
        "rootChainId": chain.domain.root_chain_id,
        "rootContract": chain.domain.root_contract.to_string(),
        "token": testkit::TOKEN.to_string(),
        "validatorSetHash": set.hash().to_string(),
        "validators": validators,
        "deposits": deposits,
        "checkpoints": [checkpoint(3), checkpoint(tip)],
        "maxCheckpointGap": MAX_CHECKPOINT_GAP,
        "rotation": rotation,
        "jumps": {
            // One block past the gap from checkpoint 3, and the widest jump from the tip.
            "pastTheGap": jump(3 + MAX_CHECKPOINT_GAP + 1),
            "widest": jump(tip + MAX_CHECKPOINT_GAP),
            // The highest height the history tree holds (the highest anchor), one past it, and
            // the root's deposit tag.
            "highestAnchor": jump(highest),
            "pastTheHighest": jump(highest + 1),
            "depositTag": jump(tag),
        },
        "badHeight": world.bad_height,
        // Carol's output of block 3: honest, exits before and after the fraud (anchor 3).
        "preFraudExit": exit(UtxoPos::new(3, 0, 0), 3),
        // Mallory's output of the byzantine block: only the voided anchor proves it.
        "postFraudExit": exit(UtxoPos::new(world.bad_height, world.double_spend, 0), tip),
        // Alice's change of block 2, which `exits.json` challenges.
        "challengedExit": exit(UtxoPos::new(2, 0, 1), tip),
        // Bob's payment of block 2, spent (input 0) by the included transfer of block 3.
        "spentExit": exit(UtxoPos::new(2, 0, 0), tip),
        "spentExitSpend": h(chain.blocks[2].transactions[0].abi_encode()),
        // Bob's deposit (nonce 2), minted at (1, 2, 0) and spent by that transfer (input 1).
        "spentDeposit": exit(UtxoPos::new(1, 2, 0), tip),
        // The fork's checkpoint at 6, certified by validators 1 to 3, whose block 5 is not the
        // chain's; and Mallory's output of its block 4, which only the fork proves.
        "fork": {
            "height": fork.header.height,
            "header": h(fork.header.abi_encode()),
            "certificate": h(fork.certificate.abi_encode()),
            "exit": exit_on(&world.fork, UtxoPos::new(4, 0, 0), fork.header.height),
        },
        // The other fork's checkpoint at 6 (validators 1 to 3), whose block 3 pays Mallory at
        // 3:0:0 where the chain's pays Carol (`preFraudExit`); Mallory's exit of it; and the
        // proof that convicts it against the chain's checkpoint at 5, compared at 3.
        "forkAt3": forked_position(world, &exit_on),
        // Mallory's output of block 6 of the fork that `fraud.json`'s `history_equivocation`
        // convicts (Carol's payment to her), exited under the fork's checkpoint at 8.
        "historyFork": { "exit": exit_on(&certified_fork(world).fork, UtxoPos::new(6, 0, 0), 8) },
    })
}

/// The `forkAt3` case of `root.json`.
fn forked_position(
    world: &FraudWorld,
    exit_on: &dyn Fn(&testkit::TestChain, UtxoPos, u64) -> Value,
) -> Value {
    let (chain, fork) = (&world.chain, &world.fork_at_3);
    let later = tip_certified_by_1_to_3(fork);
    let header = |c: &testkit::TestChain, height: u64| c.blocks[height as usize - 1].header.clone();
    let evidence = ConflictingCheckpointsEvidence {
        earlier: header(chain, 5),
        ours: header(chain, 3),
        oursProof: chain.history_under(3, 5),
        shown: header(fork, 3),
        historyProof: fork.history_under(3, 6),
    };
    let stored = |h: u64| Some(header(chain, h).hash());
    let verdict = fraud::verify_conflicting_checkpoints(
        chain.domain.chain_id,
        &later.header,
        &evidence,
        stored,
    )
    .expect("the fork at 3 convicts");
    let proof = ev::proof(
        SolFraudKind::ConflictingCheckpoints,
        &later.header,
        &later.certificate,
        &evidence,
    );
    json!({
        "header": h(later.header.abi_encode()),
        "certificate": h(later.certificate.abi_encode()),
        "exit": exit_on(fork, UtxoPos::new(3, 0, 0), 6),
        "proof": h(proof.abi_encode()),
        "rollbackHeight": verdict.height,
    })
}
