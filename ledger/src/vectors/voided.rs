//! Vectors of voided anchors: the fraud world's fraud proofs against the child registered at
//! 3:2 after its honest one, shown under the same checkpoint, so standing on a checkpoint the
//! honest one voided; and the honest one, shown as standing after a later one, refused.

use crate::fraud::{self, FraudError, FraudVerdict};
use crate::testkit::settlement::{first_lock, LOCK_TXS, STAKE_TXS};
use crate::testkit::FraudWorld;
use crate::types::VoidedAnchorEvidence;

/// `(name, evidence, the ledger's verdict)` for the fraud proofs of [`STAKE_TXS`].
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, VoidedAnchorEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let len = chain.blocks[bad as usize - 1].transactions.len();
    let first = (first_lock(len) + LOCK_TXS.len()) as u32;
    let at = |name: &str| first + STAKE_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let pair = |fraud: &str, voided: &str| VoidedAnchorEvidence {
        fraud: chain.included(bad, at(fraud)),
        voided: chain.included(bad, at(voided)),
        start: Default::default(),
    };
    let all = [
        ("a_later_proof", pair("honest_fraud_proof", "fraud_proof_overpaying")),
        ("honest_shown_after_a_later_proof", pair("fraud_proof_overpaying", "honest_fraud_proof")),
        ("a_stake_shown_as_the_fraud", pair("honest_stake", "fraud_proof_overpaying")),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_voided_anchor(chain.domain.chain_id, chain.tip(), &e);
            (format!("voided_anchor_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;
    use crate::kind::Kind;

    #[test]
    fn a_fraud_proof_after_one_shown_under_the_same_checkpoint_is_convicted_and_no_honest_one() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("voided_anchor_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let v = verdict("a_later_proof").expect("convicted");
        assert_eq!((v.kind, v.height), (FraudKind::VoidedAnchor, 4));
        assert_eq!(verdict("honest_shown_after_a_later_proof"), Err(FraudError::NotBefore));
        let stake = Kind::StakeChild as u8;
        assert_eq!(verdict("a_stake_shown_as_the_fraud"), Err(FraudError::WrongKind(stake)));
    }
}
