//! Child-record vectors: transactions of the world's two children that what their
//! registrations and earlier transactions show of their records refuses, or allows.

use crate::acceptance::acceptance_height;
use crate::fraud::accepted::anchored;
use crate::fraud::{self, FraudError, FraudVerdict};
use crate::testkit::accepted::ACCEPTANCE_CASES;
use crate::testkit::{ChildRecordTx as T, FraudWorld};
use crate::types::{
    ChildRecordEvidence, ChildRegistration, IncludedTx, RegistrationProof,
    UnacceptedAnchorEvidence, UncertifiedCheckpointEvidence, Validator, MAX_TX_BYTES,
};

/// `(name, evidence, the ledger's verdict)` for each case.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(&'static str, ChildRecordEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let at = |index: u32| IncludedTx {
        height: bad,
        txIndex: index,
        inclusion: chain.inclusion(bad, index),
    };
    let tx = |t: T| at(world.record + t as u32);
    let registration = |index: u32| {
        let IncludedTx { height, txIndex, inclusion } = at(index);
        RegistrationProof { height, txIndex, inclusion }
    };
    let (full, small) = (world.well_formed_registration, world.another_registration);
    let mixed = world.mixed_registration;
    let evidence = |reg: u32, earlier: &[T], refused: IncludedTx| ChildRecordEvidence {
        registration: registration(reg),
        earlier: earlier.iter().map(|t| tx(*t)).collect(),
        refused,
    };
    let all = [
        ("child_record_bond_not_outbidding_a_full_set", evidence(full, &[], tx(T::BondIntoFull))),
        (
            "child_record_bond_outbidding_the_least_honest",
            evidence(full, &[], tx(T::BondOutbidding)),
        ),
        // A shown bond counts by the power it bought, not by its amount.
        (
            "child_record_bond_tying_a_bonds_power",
            evidence(mixed, &[T::MixedOutbid], tx(T::MixedTie)),
        ),
        (
            "child_record_bond_outbidding_a_bonds_power_honest",
            evidence(mixed, &[T::MixedOutbid], tx(T::MixedStronger)),
        ),
        ("child_record_bond_of_a_members_key", evidence(small, &[], tx(T::BondOfMemberKey))),
        ("child_record_fresh_bond_honest", evidence(small, &[], tx(T::FreshBond))),
        ("child_record_bond_below_minimum", evidence(small, &[], tx(T::BondBelowMinimum))),
        (
            "child_record_operator_bonded_twice",
            evidence(small, &[T::FreshBond, T::Checkpoint5], tx(T::SecondBond)),
        ),
        ("child_record_second_bond_unshown_honest", evidence(small, &[], tx(T::SecondBond))),
        (
            "child_record_checkpoint_not_newer",
            evidence(small, &[T::Checkpoint5], tx(T::Checkpoint5Again)),
        ),
        (
            "child_record_newer_checkpoint_honest",
            evidence(small, &[T::Checkpoint5], tx(T::Checkpoint6)),
        ),
        (
            "child_record_checkpoint_ahead_of_its_block",
            evidence(small, &[T::Checkpoint5], tx(T::CheckpointAhead)),
        ),
        ("child_record_challenge_paying_more", evidence(small, &[], tx(T::ChallengePayingMore))),
        (
            "child_record_challenge_paying_the_bond_honest",
            evidence(small, &[], tx(T::ChallengePayingTheBond)),
        ),
        ("child_record_exit_start_of_nothing", evidence(small, &[], tx(T::ExitStartOfNothing))),
        ("child_record_exit_start_honest", evidence(small, &[], tx(T::ExitStart))),
        ("child_record_deposit_into_frozen", evidence(small, &[T::FraudProof], tx(T::Deposit))),
        (
            "child_record_fraud_proof_its_prover_did_not_sign",
            evidence(small, &[], tx(T::FraudProof)),
        ),
        ("child_record_fraud_proof_signed_honest", evidence(small, &[], tx(T::SignedFraudProof))),
        (
            "child_record_deposit_unfrozen_honest",
            evidence(small, &[T::Checkpoint6], tx(T::Deposit)),
        ),
        (
            "child_record_out_of_order",
            evidence(small, &[T::Checkpoint6, T::Checkpoint5], tx(T::Deposit)),
        ),
        ("child_record_another_childs_bond", evidence(small, &[], tx(T::BondIntoFull))),
        (
            "child_record_not_a_child_transaction",
            evidence(full, &[], at(world.another_registration)),
        ),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_child_record(&chain.domain, chain.tip(), &e);
            (name, e, verdict)
        })
        .collect()
}

/// `(name, evidence, the ledger's verdict)` for uncertified checkpoints of the world's child
/// of four: one its four sign (honest), one two sign, and the first shown with another set.
pub(super) fn uncertified_cases(
    world: &FraudWorld,
) -> Vec<(&'static str, UncertifiedCheckpointEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let at = |t: T| {
        let index = world.record + t as u32;
        chain.included(bad, index)
    };
    let registration = &chain.blocks[bad as usize - 1].transactions
        [world.another_registration as usize]
        .transaction;
    let set: Vec<Validator> = crate::types::decode::<ChildRegistration>(
        "ChildRegistration",
        &registration.data,
        MAX_TX_BYTES,
    )
    .map(|r| r.validators)
    .unwrap_or_default();
    let evidence = |t: T, named: &[Validator]| UncertifiedCheckpointEvidence {
        checkpoint: at(t),
        namedSet: named.to_vec(),
    };
    let all = [
        ("uncertified_checkpoint", evidence(T::Uncertified, &set)),
        ("uncertified_checkpoint_honest", evidence(T::Certified, &set)),
        ("uncertified_checkpoint_other_set", evidence(T::Uncertified, &set[..3])),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_uncertified_checkpoint(&chain.domain, chain.tip(), &e);
            (name, e, verdict)
        })
        .collect()
}

/// `(name, evidence, the ledger's verdict)` for each exit start of the world under a child
/// checkpoint, in the order of [`ACCEPTANCE_CASES`]: the first honest, the others showing an
/// acceptance the chain refuses. The block at the acceptance's height, when below the start's,
/// is the chain's real block there, proven in the tip's history.
pub(super) fn unaccepted_cases(
    world: &FraudWorld,
) -> Vec<(String, UnacceptedAnchorEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let tip = chain.tip();
    (world.unaccepted..)
        .zip(ACCEPTANCE_CASES)
        .map(|(index, case)| {
            let inclusion = chain.inclusion(bad, index);
            let anchored = anchored(&inclusion.signedTx.transaction).ok();
            let mut e = UnacceptedAnchorEvidence {
                start: IncludedTx { height: bad, txIndex: index, inclusion },
                ..Default::default()
            };
            let named = anchored.and_then(|(_, _, a)| acceptance_height(&a, bad));
            if let Some(height) = named {
                e.blockHash = chain.blocks[height as usize - 1].header.hash();
                e.historyProof = chain.history_under(height, tip.height);
            }
            let verdict = fraud::verify_unaccepted_anchor(chain.domain.chain_id, tip, &e);
            (format!("unaccepted_anchor_{case}"), e, verdict)
        })
        .collect()
}
