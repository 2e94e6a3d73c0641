//! Vectors of unfounded stakes: the fraud world's stakes, bond and fraud proofs of the child
//! registered at 3:2 that the child's stakes, as their link shows them, do not found, each
//! shown by what the link names or by the stake it should have named; and Alice's honest stake
//! and the honest fraud proof on it, each shown every way, each refused.

use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::settlement::{first_lock, LOCK_TXS, STAKE_TXS};
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for each transaction of [`STAKE_TXS`].
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let len = chain.blocks[bad as usize - 1].transactions.len();
    let first = (first_lock(len) + LOCK_TXS.len()) as u32;
    let at = |name: &str| first + STAKE_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let evidence = |linking: u32, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, linking),
        shows: shows as u8,
        shown,
    };
    let last_of_3 = included(3, chain.blocks[2].transactions.len() as u32 - 1);
    let (registration, stake) = (included(3, 2), included(bad, at("honest_stake")));
    let (honest, proof) = (at("honest_stake"), at("honest_fraud_proof"));
    let all: Vec<(&str, LinkEvidence)> = vec![
        ("honest", evidence(honest, Shows::Linked, registration.clone())),
        ("honest_shown_nothing", evidence(honest, Shows::Nothing, last_of_3)),
        ("honest_shown_later", evidence(honest, Shows::Later, included(bad, honest - 1))),
        ("honest_fraud_proof", evidence(proof, Shows::Linked, stake.clone())),
        ("honest_fraud_proof_shown_later", evidence(proof, Shows::Later, stake.clone())),
        (
            "naming_a_transfer",
            evidence(at("stake_naming_a_transfer"), Shows::Linked, included(3, 0)),
        ),
        (
            "naming_the_registration_past_a_stake",
            evidence(at("stake_naming_the_registration_past_a_stake"), Shows::Later, stake.clone()),
        ),
        ("overstating", evidence(at("stake_overstating"), Shows::Linked, stake.clone())),
        ("bond_overstating", evidence(at("bond_overstating"), Shows::Linked, stake.clone())),
        (
            "fraud_proof_overpaying",
            evidence(at("fraud_proof_overpaying"), Shows::Linked, stake.clone()),
        ),
        (
            "fraud_proof_without_prover",
            evidence(at("fraud_proof_without_prover"), Shows::Linked, stake),
        ),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_unfounded_stake(chain.domain.chain_id, chain.tip(), &e);
            (format!("unfounded_stake_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_stake_bond_or_fraud_proof_its_stakes_do_not_found_is_convicted_and_no_honest_one() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("unfounded_stake_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        for case in [
            "naming_a_transfer",
            "naming_the_registration_past_a_stake",
            "overstating",
            "bond_overstating",
            "fraud_proof_overpaying",
            "fraud_proof_without_prover",
        ] {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::UnfoundedStake, 4), "{case}");
        }
        assert_eq!(verdict("honest"), Err(FraudError::Follows));
        assert_eq!(verdict("honest_shown_nothing"), Err(FraudError::SomethingThere));
        assert_eq!(verdict("honest_shown_later"), Err(FraudError::NotLater));
        assert_eq!(verdict("honest_fraud_proof"), Err(FraudError::Follows));
        assert_eq!(verdict("honest_fraud_proof_shown_later"), Err(FraudError::NotLater));
    }
}
