//! Test vectors for the Solidity contracts, computed by the same rules the node runs.
//!
//! [`all`] returns `(file name, JSON)` pairs; `cargo run -p plasma-ledger --example
//! gen-vectors` writes them under `contracts/test/vectors/`, and a test checks the committed
//! files are what this module produces. Bytes are `0x`-hex ABI encodings, ready for
//! `vm.parseJsonBytes` and `abi.decode`; every case names what the contract must answer.

use crate::certificate::certify;
use crate::exit::ExitKey;
use crate::fraud::{self, evidence as ev, MissingInput};
use crate::merkle::{self, leaf_hash};
use crate::signing::recover_signer;
use crate::testkit::{self, FraudWorld};
use crate::tx::validate_transaction;
use crate::types::{
    BrokenHistoryEvidence, ConflictingCheckpointsEvidence, DepositMismatchEvidence,
    DoubleRegistrationEvidence, EquivocationEvidence, ExitRecord, FraudKind as SolFraudKind,
    FraudProof, HistoryEquivocationEvidence, InflationEvidence, InvalidSignatureEvidence,
    MalformedTransactionEvidence, MerkleProof, MintProof, RegistrationProof, UtxoPos,
};
use alloy_primitives::{hex, Address, B256, U256};
use alloy_sol_types::{SolStruct, SolValue};
use fabricated::{
    broken_above_checkpoint, broken_headers, broken_history_json, broken_schedule, certified_fork,
    fabricate_at, fabricated_checkpoint, first_blocks, fork_checkpoint, inflating_fork,
    past_the_limit, tip_certified_by_1_to_3,
};
use serde_json::{json, Value};

mod certificates;
mod escrow;
mod exits;
mod fabricated;
mod lock;
mod payout;
mod record;
mod restart;
mod root;
mod settlement;
mod stakes;
mod succession;
mod voided;

fn h(bytes: impl AsRef<[u8]>) -> String {
    hex::encode_prefixed(bytes)
}

/// The variant path of an error (`InputSpent`, `Inclusion.WrongIndex`, …): what a contract
/// reverts with.
pub fn error_name(error: &impl core::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    let mut path = Vec::new();
    let mut rest = debug.as_str();
    loop {
        let end = rest.find(|c: char| !c.is_alphanumeric() && c != '_').unwrap_or(rest.len());
        path.push(&rest[..end]);
        // Descend only into a tuple variant whose payload is itself a variant.
        match rest[end..].strip_prefix('(') {
            Some(inner) if inner.starts_with(|c: char| c.is_ascii_uppercase()) => rest = inner,
            _ => break,
        }
    }
    path.join(".")
}

fn outcome<T, E: core::fmt::Debug>(result: &Result<T, E>, ok: impl FnOnce(&T) -> Value) -> Value {
    match result {
        Ok(v) => json!({ "ok": true, "result": ok(v) }),
        Err(e) => json!({ "ok": false, "error": error_name(e) }),
    }
}

fn domain_json() -> Value {
    let d = testkit::domain();
    json!({
        "name": "Plasma", "version": "1",
        "chainId": d.root_chain_id, "verifyingContract": d.root_contract.to_string(),
        "salt": B256::from(U256::from(d.chain_id)).to_string(),
        "plasmaChainId": d.chain_id, "separator": d.separator().to_string(),
    })
}

fn encoding(world: &FraudWorld) -> Value {
    let chain = &world.chain;
    let b3 = &chain.blocks[2];
    let stx = &b3.transactions[0];
    let incl = chain.inclusion(3, 0);
    let (keys, set) = testkit::committee(4);
    let cert = testkit::certify_all(&set, &keys, &b3.header);
    let exit = ExitRecord {
        exitId: ExitKey::output(&stx.transaction, 0).exit_id(),
        utxoPos: UtxoPos::new(3, 0, 0),
        owner: stx.transaction.outputs[0].owner,
        token: Address::ZERO,
        amount: U256::from(90),
        exitableAt: 1_000_000,
    };
    let case = |ty: &str, abi: Vec<u8>| json!({ "type": ty, "abi": h(&abi), "keccak": h(alloy_primitives::keccak256(&abi)) });
    json!({
        "cases": [
            case("UtxoPos", UtxoPos::new(3, 1, 2).abi_encode()),
            case("Output", stx.transaction.outputs[0].abi_encode()),
            case("Transaction", stx.transaction.abi_encode()),
            case("SignedTransaction", stx.abi_encode()),
            case("DepositRecord", chain.state.parent_deposits[&0].abi_encode()),
            case("BlockHeader", b3.header.abi_encode()),
            case("Block", b3.abi_encode()),
            case("Validator[]", set.validators().to_vec().abi_encode()),
            case("CommitCertificate", cert.abi_encode()),
            case("Checkpoint", crate::types::Checkpoint { header: b3.header.clone(), certificate: cert }.abi_encode()),
            case("MerkleProof", incl.txProof.abi_encode()),
            case("TxInclusion", incl.abi_encode()),
            case("ExitRecord", exit.abi_encode()),
        ],
        "eip712": {
            "domain": domain_json(),
            "transaction": h(stx.transaction.abi_encode()),
            "typeHash": stx.transaction.eip712_type_hash().to_string(),
            "hashStruct": crate::signing::hash_struct(&stx.transaction).to_string(),
            "signingHash": chain.domain.signing_hash(&stx.transaction).to_string(),
        },
    })
}

fn transactions(world: &FraudWorld) -> Value {
    let chain = &world.chain;
    let d = &chain.domain;
    // Each transaction of blocks 2..=4 is judged against the state before its block.
    let mut before = testkit::TestChain::new();
    before.state.parent_deposits = chain.state.parent_deposits.clone();
    let mut cases = Vec::new();
    for (n, block) in chain.blocks.iter().take(4).enumerate() {
        for (index, stx) in block.transactions.iter().enumerate().filter(|_| n > 0) {
            let digest = d.signing_hash(&stx.transaction);
            let signers: Vec<Value> = stx
                .signatures
                .iter()
                .map(|s| outcome(&recover_signer(&digest, s), |a| json!(a.to_string())))
                .collect();
            let verdict = validate_transaction(d, &before.state, stx);
            cases.push(json!({
                "name": format!("block{}_tx{}", n + 1, index),
                "signedTx": h(stx.abi_encode()),
                "txHash": stx.transaction.hash().to_string(),
                "signingHash": digest.to_string(),
                "signers": signers,
                "verdict": outcome(&verdict, |v| json!(v.hash.to_string())),
            }));
        }
        if n < 3 {
            before.commit(block.transactions.clone());
        }
    }
    json!({ "domain": domain_json(), "cases": cases })
}

fn merkle_vectors() -> Value {
    let leaves: Vec<B256> = (0..5u8).map(|i| leaf_hash(&[i])).collect();
    let root = merkle::root(&leaves);
    let mut cases = Vec::new();
    for i in 0..leaves.len() {
        let proof = merkle::prove(&leaves, i, None).expect("in range");
        cases.push(json!({ "name": format!("leaf{i}"), "leaf": leaves[i].to_string(), "proof": h(proof.abi_encode()), "valid": true }));
    }
    let good = merkle::prove(&leaves, 1, None).expect("in range");
    let high_index = MerkleProof { index: good.index + 8, ..good.clone() };
    let mut tampered = good.clone();
    tampered.siblings[0].0[31] ^= 1;
    let wrong_leaf = leaves[2];
    for (name, leaf, proof, error) in [
        ("index_beyond_depth", leaves[1], high_index, "IndexOutOfRange"),
        ("tampered_sibling", leaves[1], tampered, "RootMismatch"),
        ("wrong_leaf", wrong_leaf, good, "RootMismatch"),
    ] {
        let got = merkle::verify(leaf, &proof, root);
        assert_eq!(got.as_ref().err().map(error_name).as_deref(), Some(error), "{name}");
        cases.push(json!({ "name": name, "leaf": leaf.to_string(), "proof": h(proof.abi_encode()), "valid": false, "error": error }));
    }
    json!({
        "leafData": (0..5u8).map(|i| h([i])).collect::<Vec<_>>(),
        "root": root.to_string(),
        "cases": cases,
    })
}

fn fraud_vectors(world: &FraudWorld) -> Value {
    let chain = &world.chain;
    let (anchor, id, d) = (chain.tip(), chain.domain.chain_id, &chain.domain);
    let bad = world.bad_height;
    let mut cases = Vec::new();
    let (keys, set) = testkit::committee(4);
    let anchor_cert = testkit::certify_all(&set, &keys, anchor);
    let three: Vec<_> = keys.iter().enumerate().skip(1).collect();
    let of_three = certify(&set, &three, d.votes(), anchor, 0).expect("a quorum");
    let mut push = |name: &str,
                    kind: &str,
                    evidence: Value,
                    proof: FraudProof,
                    result: Result<fraud::FraudVerdict, fraud::FraudError>| {
        // Who loses its stake: the validators `fraud::convicted` names, by the anchor's bitmap.
        let signers = set.signers(&proof.anchorCertificate.signerBitmap).unwrap_or_default();
        let culprits = |v: &fraud::FraudVerdict| fraud::convicted(proof.kind, v, &signers);
        cases.push(json!({
            "name": name, "kind": kind, "evidence": evidence, "proof": h(proof.abi_encode()),
            "expect": outcome(&result, |v| json!({ "height": v.height, "culprits": culprits(v) })),
        }));
    };
    let prove = |kind: SolFraudKind, evidence: &dyn Fn() -> Vec<u8>| FraudProof {
        kind: kind as u8,
        anchor: anchor.clone(),
        anchorCertificate: anchor_cert.clone(),
        evidence: evidence().into(),
    };
    let spend_json = |s: &fraud::SpendEvidence| json!({ "height": s.height, "txIndex": s.tx_index, "inclusion": h(s.inclusion.abi_encode()), "inputIndex": s.input_index });

    let (a, b) = (world.spend(world.honest_other, 1), world.spend((bad, world.double_spend), 0));
    let double_spend = prove(SolFraudKind::DoubleSpend, &|| ev::double_spend(&a, &b).abi_encode());
    let prover = Address::left_padding_from(&[0x0f, 0x4a, 0x0d]);
    let commitment = json!({
        "prover": prover.to_string(), "case": "double_spend",
        "value": ev::commitment(prover, id, &double_spend).to_string(),
    });
    push(
        "double_spend",
        "DoubleSpend",
        json!([spend_json(&a), spend_json(&b)]),
        double_spend,
        fraud::verify_double_spend(id, anchor, &a, &b),
    );
    let c = world.spend(world.honest_other, 0);
    push(
        "double_spend_honest",
        "DoubleSpend",
        json!([spend_json(&a), spend_json(&c)]),
        prove(SolFraudKind::DoubleSpend, &|| ev::double_spend(&a, &c).abi_encode()),
        fraud::verify_double_spend(id, anchor, &a, &c),
    );

    let forged = world.spend((bad, world.forged), 0);
    let creating = &world.input_inclusions((bad, world.forged))[0];
    push(
        "invalid_signature",
        "InvalidSignature",
        json!({ "spend": spend_json(&forged), "creating": h(creating.abi_encode()) }),
        prove(SolFraudKind::InvalidSignature, &|| {
            InvalidSignatureEvidence { spend: (&forged).into(), creating: creating.clone() }
                .abi_encode()
        }),
        fraud::verify_invalid_signature(d, anchor, &forged, creating),
    );
    let honest = world.spend(world.honest_transfer, 0);
    let creating = &world.input_inclusions(world.honest_transfer)[0];
    push(
        "invalid_signature_honest",
        "InvalidSignature",
        json!({ "spend": spend_json(&honest), "creating": h(creating.abi_encode()) }),
        prove(SolFraudKind::InvalidSignature, &|| {
            InvalidSignatureEvidence { spend: (&honest).into(), creating: creating.clone() }
                .abi_encode()
        }),
        fraud::verify_invalid_signature(d, anchor, &honest, creating),
    );

    // The registration that sets the bond of the exit starts below.
    let reg_at = (bad, world.well_formed_registration);
    let registration = vec![RegistrationProof {
        height: reg_at.0,
        txIndex: reg_at.1,
        inclusion: chain.inclusion(reg_at.0, reg_at.1),
    }];
    let locks = &testkit::settlement::LOCK_TXS;
    let first_lock =
        testkit::settlement::first_lock(chain.blocks[bad as usize - 1].transactions.len());
    let inflating = locks.iter().position(|n| *n == "inflating_lock").expect("a lock");
    let inflating_lock = (bad, (first_lock + inflating) as u32);
    for (name, at, shown) in [
        ("inflation", (bad, world.inflating), false),
        ("inflation_lock", inflating_lock, false),
        ("inflation_stake", (bad, world.inflating_stake), false),
        ("inflation_bond", (bad, world.inflating_bond), false),
        ("inflation_exit_start", (bad, world.inflating_exit_start), false),
        ("inflation_burn", (bad, world.burning), false),
        ("inflation_honest", world.honest_other, false),
        ("inflation_unpaid_exit_bond", (bad, world.unbonded_exit_start), true),
        ("inflation_unpaid_exit_bond_unshown", (bad, world.unbonded_exit_start), false),
        ("inflation_paid_exit_bond_honest", (bad, world.bonded_exit_start), true),
        ("inflation_registration_of_a_transfer", (bad, world.burning), true),
        (
            "inflation_exit_start_under_another_childs_registration",
            (bad, world.inflating_exit_start),
            true,
        ),
    ] {
        let evidence = InflationEvidence {
            height: at.0,
            txIndex: at.1,
            spend: chain.inclusion(at.0, at.1),
            inputs: world.input_inclusions(at),
            registration: if shown { registration.clone() } else { Vec::new() },
        };
        push(
            name,
            "Inflation",
            json!({ "evidence": h(evidence.abi_encode()) }),
            prove(SolFraudKind::Inflation, &|| evidence.abi_encode()),
            fraud::verify_inflation(id, anchor, &evidence),
        );
    }

    // (case, spending tx, how absence is shown, the transaction shown as proof)
    let missing_cases = [
        ("nonexistent_input_no_such_output", (bad, world.no_such_output), "NoSuchOutput", (2, 0)),
        (
            "nonexistent_input_after_last_tx",
            (bad, world.after_last),
            "AfterLastTransaction",
            (1, 2),
        ),
        ("nonexistent_input_not_last_tx", (bad, world.after_last), "AfterLastTransaction", (1, 1)),
        ("nonexistent_input_honest", world.honest_transfer, "NoSuchOutput", (1, 0)),
    ];
    for (name, at, proof, (height, index)) in missing_cases {
        let spend = world.spend(at, 0);
        let shown = chain.inclusion(height, index);
        let (key, evidence) = match proof {
            "NoSuchOutput" => ("creating", MissingInput::NoSuchOutput(shown.clone())),
            _ => ("last", MissingInput::AfterLastTransaction(shown.clone())),
        };
        let mut evidence_json = json!({ "spend": spend_json(&spend), "proof": proof });
        evidence_json[key] = json!(h(shown.abi_encode()));
        push(
            name,
            "NonexistentInput",
            evidence_json,
            prove(SolFraudKind::NonexistentInput, &|| {
                ev::nonexistent_input(&spend, &evidence).abi_encode()
            }),
            fraud::verify_nonexistent_input(id, anchor, &spend, &evidence),
        );
    }

    let malformed =
        world.malformed.iter().map(|(name, index)| (format!("malformed_{name}"), (bad, *index)));
    let honest = [
        ("malformed_honest_transfer", world.honest_other),
        ("malformed_honest_bond", (bad, world.inflating_bond)),
        ("malformed_honest_exit_start", (bad, world.inflating_exit_start)),
        ("malformed_honest_checkpoint", (bad, world.well_formed_checkpoint)),
        ("malformed_honest_registration", (bad, world.well_formed_registration)),
    ];
    for (name, at) in malformed.chain(honest.map(|(n, at)| (n.to_owned(), at))) {
        let incl = chain.inclusion(at.0, at.1);
        push(
            &name,
            "MalformedTransaction",
            json!({ "height": at.0, "txIndex": at.1, "inclusion": h(incl.abi_encode()) }),
            prove(SolFraudKind::MalformedTransaction, &|| {
                MalformedTransactionEvidence {
                    height: at.0,
                    txIndex: at.1,
                    inclusion: incl.clone(),
                }
                .abi_encode()
            }),
            fraud::verify_malformed(id, anchor, at.0, at.1, &incl),
        );
    }

    let records = &chain.state.parent_deposits;
    for (name, at) in
        [("deposit_mismatch", (bad, world.bad_deposit)), ("deposit_mismatch_honest", (1, 0))]
    {
        let incl = chain.inclusion(at.0, at.1);
        let nonce = crate::types::DepositRecord::abi_decode(&incl.signedTx.transaction.data)
            .map(|r| r.nonce)
            .unwrap_or_default();
        push(
            name,
            "DepositMismatch",
            json!({ "height": at.0, "txIndex": at.1, "minted": h(incl.abi_encode()), "parentRecord": h(records[&nonce].abi_encode()) }),
            prove(SolFraudKind::DepositMismatch, &|| {
                DepositMismatchEvidence {
                    minted: MintProof { height: at.0, txIndex: at.1, inclusion: incl.clone() },
                    parentRecord: records[&nonce].clone(),
                }
                .abi_encode()
            }),
            fraud::verify_deposit_mismatch(id, anchor, at.0, at.1, &incl, |n| {
                records.get(&n).cloned()
            }),
        );
    }

    let mint = |height: u64, tx_index: u32| fraud::MintEvidence {
        height,
        tx_index,
        inclusion: chain.inclusion(height, tx_index),
    };
    let mint_json = |m: &fraud::MintEvidence| json!({ "height": m.height, "txIndex": m.tx_index, "inclusion": h(m.inclusion.abi_encode()) });
    for (name, a, b) in [
        ("double_mint", mint(1, 0), mint(bad, world.double_mint)),
        ("double_mint_honest", mint(1, 0), mint(1, 1)),
        // Block `bad` mints the forged deposit (a nonce past 0), then deposit 0: out of order,
        // given later-first.
        ("double_mint_out_of_order", mint(bad, world.double_mint), mint(bad, world.bad_deposit)),
        (
            "double_mint_out_of_order_earlier_first",
            mint(bad, world.bad_deposit),
            mint(bad, world.double_mint),
        ),
        ("double_mint_in_order_later_first", mint(1, 1), mint(1, 0)),
    ] {
        push(
            name,
            "DepositMismatch",
            json!([mint_json(&a), mint_json(&b)]),
            prove(SolFraudKind::DoubleMint, &|| ev::double_mint(&a, &b).abi_encode()),
            fraud::verify_double_mint(id, anchor, &a, &b),
        );
    }

    let registered = |index: u32| RegistrationProof {
        height: bad,
        txIndex: index,
        inclusion: chain.inclusion(bad, index),
    };
    let first = registered(world.well_formed_registration);
    for (name, again) in [
        ("double_registration", registered(world.registered_again)),
        ("double_registration_honest", registered(world.another_registration)),
    ] {
        let evidence = DoubleRegistrationEvidence { a: first.clone(), b: again };
        push(
            name,
            "DoubleRegistration",
            json!({ "evidence": h(evidence.abi_encode()) }),
            prove(SolFraudKind::DoubleRegistration, &|| evidence.abi_encode()),
            fraud::verify_double_registration(id, anchor, &evidence.a, &evidence.b),
        );
    }

    // The child kinds' evidence is the proof's (`proof.evidence`): not repeated, since every
    // cheatcode a test calls on this file copies all of it.
    for (name, evidence, result) in record::cases(world) {
        push(
            name,
            "ChildRecord",
            Value::Null,
            prove(SolFraudKind::ChildRecord, &|| evidence.abi_encode()),
            result,
        );
    }
    for (name, evidence, result) in record::uncertified_cases(world) {
        let proof = prove(SolFraudKind::UncertifiedCheckpoint, &|| evidence.abi_encode());
        push(name, "UncertifiedCheckpoint", Value::Null, proof, result);
    }
    for (name, evidence, result) in record::unaccepted_cases(world) {
        let proof = prove(SolFraudKind::UnacceptedAnchor, &|| evidence.abi_encode());
        push(&name, "UnacceptedAnchor", Value::Null, proof, result);
    }
    for (name, evidence, result) in succession::cases(world) {
        let proof = prove(SolFraudKind::CheckpointSuccession, &|| evidence.abi_encode());
        push(&name, "CheckpointSuccession", Value::Null, proof, result);
    }
    for (name, evidence, result) in settlement::cases(world) {
        let proof = prove(SolFraudKind::UnfoundedSettlement, &|| evidence.abi_encode());
        push(&name, "UnfoundedSettlement", Value::Null, proof, result);
    }
    for (name, evidence, result) in restart::cases(world) {
        let proof = prove(SolFraudKind::RepeatedExit, &|| evidence.abi_encode());
        push(&name, "RepeatedExit", Value::Null, proof, result);
    }
    for (name, evidence, result) in lock::cases(world) {
        let proof = prove(SolFraudKind::UnfoundedDepositExit, &|| evidence.abi_encode());
        push(&name, "UnfoundedDepositExit", Value::Null, proof, result);
    }
    for (name, evidence, result) in lock::unregistered_cases(world) {
        let proof = prove(SolFraudKind::UnregisteredChild, &|| evidence.abi_encode());
        push(&name, "UnregisteredChild", Value::Null, proof, result);
    }
    for (name, evidence, result) in stakes::cases(world) {
        let proof = prove(SolFraudKind::UnfoundedStake, &|| evidence.abi_encode());
        push(&name, "UnfoundedStake", Value::Null, proof, result);
    }
    for (name, evidence, result) in escrow::cases(world) {
        let proof = prove(SolFraudKind::UnfoundedEscrow, &|| evidence.abi_encode());
        push(&name, "UnfoundedEscrow", Value::Null, proof, result);
    }
    for (name, evidence, result) in voided::cases(world) {
        let proof = prove(SolFraudKind::VoidedAnchor, &|| evidence.abi_encode());
        push(&name, "VoidedAnchor", Value::Null, proof, result);
    }
    // Anchored to a checkpoint at 9 of the chain extended past 5, which the case submits.
    let (payout_checkpoint, payout_cases, voided_payouts, cancellations) = payout::cases(world);
    let mut payout_names = Vec::new();
    let (header, certificate) = (&payout_checkpoint.header, &payout_checkpoint.certificate);
    for (name, evidence, result) in payout_cases {
        let proof = ev::proof(SolFraudKind::OverdrawnPayout, header, certificate, &evidence);
        push(&name, "OverdrawnPayout", Value::Null, proof, result);
        payout_names.push(name);
    }
    for (name, evidence, result) in voided_payouts {
        let proof = ev::proof(SolFraudKind::VoidedAnchor, header, certificate, &evidence);
        push(&name, "VoidedAnchor", Value::Null, proof, result);
        payout_names.push(name);
    }
    for (name, evidence, result) in cancellations {
        let proof = ev::proof(SolFraudKind::UnfoundedCancellation, header, certificate, &evidence);
        push(&name, "UnfoundedCancellation", Value::Null, proof, result);
        payout_names.push(name);
    }

    for (name, a, b) in fabricated::equivocations(chain) {
        let (a, b) = (&a, &b);
        let evidence = EquivocationEvidence { a: a.clone(), b: b.clone() }.abi_encode();
        let shown = json!({ "a": h(a.abi_encode()), "b": h(b.abi_encode()) });
        let proof = prove(SolFraudKind::Equivocation, &|| evidence.clone());
        push(name, "Equivocation", shown, proof, fraud::verify_equivocation(&set, d.votes(), a, b));
    }

    // Two checkpoints that disagree about a block: the fork's checkpoint at 6 (submitted by
    // the case, certified by validators 1 to 3) against the root's checkpoints at 3 and 5;
    // and a checkpoint at 6 (likewise) whose history root fabricates block 2 while it holds
    // the real block 5, against the root's checkpoint at 5.
    let fork = &world.fork;
    let later = fork_checkpoint(world);
    let fabricated = fabricated_checkpoint(world);
    let fake = &fabricated.chain;
    let (inflating, inflating_checkpoint) = inflating_fork(world);
    // The root's schedule: the fixture committee from height 1, epochs of one block (as
    // `RootFixture` registers the chain).
    let schedule = |_| Some((set.hash(), 1));
    let stored = |height: u64| match height {
        6 => Some(later.header.hash()),
        3 | 5 => Some(chain.blocks[height as usize - 1].header.hash()),
        _ => None,
    };
    let header = |c: &testkit::TestChain, height: u64| c.blocks[height as usize - 1].header.clone();
    let mut submitted: Vec<(&str, &crate::types::Checkpoint)> =
        payout_names.iter().map(|name| (name.as_str(), &payout_checkpoint)).collect();
    // (case, anchor's chain and height, the earlier checkpoint's height, the compared height)
    for (name, (anchor_chain, at), earlier, j) in [
        ("conflicting_checkpoints", (fork, 6), 5, 5),
        ("conflicting_checkpoints_honest", (fork, 6), 3, 3),
        ("conflicting_checkpoints_not_checkpointed", (fork, 6), 4, 4),
        ("conflicting_checkpoints_not_earlier", (chain, 5), 5, 5),
        ("conflicting_checkpoints_below", (fake, 6), 5, 2),
        ("conflicting_checkpoints_below_seen_at_h", (fake, 6), 5, 5),
        // A fork whose block 2 inflates, against the highest checkpoint below it.
        ("conflicting_checkpoints_inflating_fork", (&inflating, 6), 5, 2),
    ] {
        let anchor = header(anchor_chain, at);
        let checkpoint = match at {
            6 if std::ptr::eq(anchor_chain, fake) => Some(&fabricated.checkpoint),
            6 if std::ptr::eq(anchor_chain, &inflating) => Some(&inflating_checkpoint),
            6 => Some(&later),
            _ => None,
        };
        let certificate = checkpoint.map_or_else(|| anchor_cert.clone(), |c| c.certificate.clone());
        let evidence = ConflictingCheckpointsEvidence {
            earlier: header(chain, earlier),
            ours: header(chain, j),
            oursProof: chain.history_under(j, earlier),
            shown: header(anchor_chain, j),
            historyProof: anchor_chain.history_under(j, at),
        };
        let proof =
            ev::proof(SolFraudKind::ConflictingCheckpoints, &anchor, &certificate, &evidence);
        let result = fraud::judge(&chain.domain, &proof, |_| None, stored, schedule);
        let evidence_json = json!({
            "earlier": h(evidence.earlier.abi_encode()),
            "ours": h(evidence.ours.abi_encode()),
            "oursProof": h(evidence.oursProof.abi_encode()),
            "shown": h(evidence.shown.abi_encode()),
            "historyProof": h(evidence.historyProof.abi_encode()),
        });
        push(name, "ConflictingCheckpoints", evidence_json, proof, result);
        if let Some(c) = checkpoint {
            submitted.push((name, c));
        }
    }
    // The fork's inflation, proven under its own checkpoint: it would roll the chain back to
    // 2, voiding the root's honest checkpoints at 3 and 5 (and every exit under them), so
    // it is refused; the conflicting checkpoints above convict the fork instead.
    let incl = inflating.inclusion_under(2, 0, 6);
    let inputs = vec![inflating.inclusion_under(1, 0, 6)];
    let evidence =
        InflationEvidence { height: 2, txIndex: 0, spend: incl, inputs, registration: vec![] };
    let (anchor, certificate) = (&inflating_checkpoint.header, &inflating_checkpoint.certificate);
    let proof = ev::proof(SolFraudKind::Inflation, anchor, certificate, &evidence);
    let held = |height: u64| (height == 3 || height == 5).then(|| stored(height)).flatten();
    let records = |n: u64| chain.state.parent_deposits.get(&n).cloned();
    let result = fraud::judge(&chain.domain, &proof, records, held, schedule);
    let evidence_json = json!({ "evidence": h(evidence.abi_encode()) });
    push("inflation_in_a_fork_below_a_checkpoint", "Inflation", evidence_json, proof, result);
    submitted.push(("inflation_in_a_fork_below_a_checkpoint", &inflating_checkpoint));
    // A checkpoint whose history contradicts itself above every checkpoint the root holds: the
    // chain extended to 8, whose block 8 (certified by validators 1 to 3) holds a forged block
    // 6 under the real block 7, which links to the real 6 (by its parent hash, and in its own
    // history). Below the root's checkpoint at 3, the same contradiction (the real 3 over the
    // forged 2 of the checkpoint at 6) is refused: conflicting checkpoints prove it.
    let broken = fabricate_at(world, 6, 8);
    let headers = broken_headers(world);
    let real = &broken.real;
    let broken_chain = &broken.chain;
    let above = broken_above_checkpoint(world);
    let real_six = header(real, 6).hash();
    // (case, anchor's chain, checkpoint, broken height, witness height, the other leaf)
    for (name, (anchor_chain, checkpoint), b, k, other) in [
        ("broken_history", (broken_chain, Some(&broken.checkpoint)), 7, 6, None),
        ("broken_history_under", (broken_chain, Some(&broken.checkpoint)), 7, 6, Some(real_six)),
        ("broken_history_honest", (chain, None), 3, 2, None),
        // The byzantine block 4 mints two deposits the state never took: block 5's deposits
        // do not start where block 4's ended.
        ("broken_history_deposit_range", (chain, None), 5, 4, None),
        ("broken_history_time", (&headers.chain, Some(&headers.checkpoint)), 8, 7, None),
        ("broken_history_below_checkpoint", (fake, Some(&fabricated.checkpoint)), 3, 2, None),
        // Block 6 names another parent than the root's checkpoint at 5: it is the broken one.
        ("broken_history_above_a_checkpoint", (&above.chain, Some(&above.checkpoint)), 6, 5, None),
    ] {
        let at = anchor_chain.tip().height.min(checkpoint.map_or(5, |c| c.header.height));
        let anchor = header(anchor_chain, at);
        let certificate = checkpoint.map_or_else(|| anchor_cert.clone(), |c| c.certificate.clone());
        let evidence = BrokenHistoryEvidence {
            broken: header(anchor_chain, b),
            brokenProof: anchor_chain.history_under(b, at),
            witness: header(anchor_chain, k),
            witnessProof: anchor_chain.history_under(k, at),
            other: other.unwrap_or_default(),
            underBroken: other.map(|_| real.history_under(k, b)).unwrap_or_default(),
        };
        // What the root holds when the case runs: its own checkpoints, not the fork's at 6.
        let held = |height: u64| (height == 3 || height == 5).then(|| stored(height)).flatten();
        let proof = ev::proof(SolFraudKind::BrokenHistory, &anchor, &certificate, &evidence);
        let result = fraud::judge(&chain.domain, &proof, |_| None, held, schedule);
        push(name, "BrokenHistory", broken_history_json(&evidence), proof, result);
        if let Some(c) = checkpoint {
            submitted.push((name, c));
        }
    }
    // A first block against the empty slot before it, on a root holding no checkpoint of the
    // chain yet (`bare`): the case's checkpoint at 2 is the lowest at or above it.
    let first_blocks = first_blocks();
    let mut bare = Vec::new();
    for (name, checkpoint, evidence) in &first_blocks {
        let (anchor, certificate) = (&checkpoint.header, &checkpoint.certificate);
        let proof = ev::proof(SolFraudKind::BrokenHistory, anchor, certificate, evidence);
        let result = fraud::judge(&chain.domain, &proof, |_| None, |_| None, schedule);
        push(name, "BrokenHistory", broken_history_json(evidence), proof, result);
        submitted.push((name, checkpoint));
        bare.push(*name);
    }
    // A fork above every checkpoint the root holds, against the chain's certificate of the
    // block it replaces (validators 0 to 2 signed it, 1 to 3 the fork: a fork convicts nobody);
    // the fork's own block is no contradiction; below the root's checkpoint at 3, the
    // fabricated checkpoint at 6 is proven by conflicting checkpoints instead.
    let forked = certified_fork(world);
    let real_two = testkit::certify_all(&set, &keys, &header(chain, 2));
    for (name, (anchor_chain, checkpoint), certified) in [
        ("history_equivocation", (&forked.fork, &forked.checkpoint), &forked.certified),
        ("history_equivocation_honest", (&forked.fork, &forked.checkpoint), &forked.agreeing),
        ("history_equivocation_below_checkpoint", (fake, &fabricated.checkpoint), &real_two),
    ] {
        let (anchor, j) = (checkpoint.header.clone(), certified.height);
        let evidence = HistoryEquivocationEvidence {
            certified: certified.clone(),
            shown: header(anchor_chain, j),
            historyProof: anchor_chain.history_under(j, anchor.height),
        };
        let held = |height: u64| (height == 3 || height == 5).then(|| stored(height)).flatten();
        let proof = ev::proof(
            SolFraudKind::HistoryEquivocation,
            &anchor,
            &checkpoint.certificate,
            &evidence,
        );
        let result = fraud::judge(&chain.domain, &proof, |_| None, held, schedule);
        let evidence_json = json!({
            "certified": h(evidence.certified.abi_encode()),
            "shown": h(evidence.shown.abi_encode()),
            "historyProof": h(evidence.historyProof.abi_encode()),
        });
        push(name, "HistoryEquivocation", evidence_json, proof, result);
        submitted.push((name, checkpoint));
    }
    // Headers that break the validator schedule, under a checkpoint at 9 (validators 1 to 3).
    let (schedule_checkpoint, schedule_cases) = broken_schedule(world, set.validators());
    for (name, evidence) in schedule_cases {
        let cp = &schedule_checkpoint;
        let proof = ev::proof(SolFraudKind::BrokenSchedule, &cp.header, &cp.certificate, &evidence);
        let held = |height: u64| (height == 3 || height == 5).then(|| stored(height)).flatten();
        let result = fraud::judge(&chain.domain, &proof, |_| None, held, schedule);
        let evidence_json = json!({ "header": h(evidence.header.abi_encode()), "historyProof": h(evidence.historyProof.abi_encode()), "set": h(evidence.set.abi_encode()) });
        push(name, "BrokenSchedule", evidence_json, proof, result);
        submitted.push((name, &schedule_checkpoint));
    }
    // Deposit 3 minted in block 6 as the parent recorded it, outside the range its header
    // declares (a watcher looking for the mint by the headers' ranges would not find it).
    let records = &chain.state.parent_deposits;
    let anchor = headers.chain.tip().clone();
    let minted = headers.chain.inclusion_under(6, 0, 9);
    let evidence = DepositMismatchEvidence {
        minted: MintProof { height: 6, txIndex: 0, inclusion: minted.clone() },
        parentRecord: records[&3].clone(),
    };
    let result =
        fraud::verify_deposit_mismatch(id, &anchor, 6, 0, &minted, |n| records.get(&n).cloned());
    let certificate = &headers.checkpoint.certificate;
    push(
        "deposit_mismatch_out_of_range",
        "DepositMismatch",
        json!({ "height": 6, "txIndex": 0, "minted": h(minted.abi_encode()), "parentRecord": h(records[&3].abi_encode()) }),
        ev::proof(SolFraudKind::DepositMismatch, &anchor, certificate, &evidence),
        result,
    );
    submitted.push(("deposit_mismatch_out_of_range", &headers.checkpoint));
    // Block 9's transaction 2^16: past the most a block may hold.
    let (mut inclusion, _) = past_the_limit(world);
    inclusion.header = anchor.clone();
    let index = crate::types::MAX_BLOCK_TXS as u32;
    let evidence = MalformedTransactionEvidence { height: 9, txIndex: index, inclusion };
    let result = fraud::verify_malformed(id, &anchor, 9, index, &evidence.inclusion);
    push(
        "malformed_past_the_block_limit",
        "MalformedTransaction",
        json!({ "height": 9, "txIndex": index, "inclusion": h(evidence.inclusion.abi_encode()) }),
        ev::proof(SolFraudKind::MalformedTransaction, &anchor, certificate, &evidence),
        result,
    );
    submitted.push(("malformed_past_the_block_limit", &headers.checkpoint));
    // The checkpoint a case is anchored to, which the contract accepts before the proof.
    for case in &mut cases {
        let name = case["name"].as_str().unwrap_or_default().to_owned();
        if let Some((_, c)) = submitted.iter().find(|(n, _)| *n == name) {
            case["checkpoint"] = json!({ "header": h(c.header.abi_encode()), "certificate": h(c.certificate.abi_encode()) });
        }
        if bare.contains(&name.as_str()) {
            case["bare"] = json!(true);
        }
    }

    json!({
        "domain": domain_json(),
        "anchor": h(anchor.abi_encode()),
        "validatorSet": h(set.validators().to_vec().abi_encode()),
        // The anchor re-certified by validators 1 to 3 alone: a quorum of the precommits the
        // engine keeps, not the certificate the anchor was accepted with (which all four signed).
        "anchorCertificateOfThree": h(of_three.abi_encode()),
        // What a prover commits to before sending a case (`commitFraud`).
        "commitment": commitment,
        "cases": cases,
    })
}

/// Every vector file: `(file name, contents)`.
pub fn all() -> Vec<(&'static str, Value)> {
    let world = FraudWorld::new(0);
    vec![
        ("encoding.json", encoding(&world)),
        ("transactions.json", transactions(&world)),
        ("merkle.json", merkle_vectors()),
        ("exits.json", exits::exits(&world)),
        ("fraud.json", fraud_vectors(&world)),
        ("certificates.json", certificates::certificates()),
        ("root.json", root::root_scenario(&world)),
    ]
}

/// The files as written to disk: pretty JSON with a trailing newline.
pub fn rendered() -> Vec<(&'static str, String)> {
    all()
        .into_iter()
        .map(|(name, value)| {
            let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialize");
            text.push('\n');
            (name, text)
        })
        .collect()
}
