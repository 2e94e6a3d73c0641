//! Vectors of the kinds about a lock into a child. Unfounded deposit exit: the fraud world's
//! starts of exits of child 8's deposits from the record whose nonce's place holds no lock
//! founding them, each shown by what is there, and Alice's honest start (her lock at 3:1)
//! shown every way, each refused. Unregistered child: locks whose named registration does not
//! register their child, and the honest lock shown every way.

use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::settlement::{
    CHALLENGE_CASES, DEPOSIT_EXIT_TXS, LOCK_TXS, OUTPUT_EXIT_TXS, RESTART_TXS,
};
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for each start of [`DEPOSIT_EXIT_TXS`], shown by
/// what is at its nonce's place, and for Alice's honest start shown by her lock, by block 3's
/// last transaction (something is there) and by a later showing this kind has not.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let honest = world.settlements;
    let first =
        honest + (1 + CHALLENGE_CASES.len() + 1 + OUTPUT_EXIT_TXS.len() + RESTART_TXS.len()) as u32;
    let at =
        |name: &str| first + DEPOSIT_EXIT_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let evidence = |linking: u32, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, linking),
        shows: shows as u8,
        shown,
    };
    let last_of = |height: u64| {
        let count = chain.blocks[height as usize - 1].transactions.len() as u32;
        included(height, count - 1)
    };
    let lock = included(3, 1);
    let all: Vec<(&str, LinkEvidence)> = vec![
        ("honest", evidence(honest, Shows::Linked, lock.clone())),
        ("honest_shown_nothing", evidence(honest, Shows::Nothing, last_of(3))),
        ("honest_shown_later", evidence(honest, Shows::Later, included(bad, honest + 1))),
        ("of_no_lock", evidence(at("of_no_lock"), Shows::Linked, included(3, 0))),
        ("of_an_empty_slot", evidence(at("of_an_empty_slot"), Shows::Nothing, last_of(1))),
        (
            "numbered_as_the_root_does",
            evidence(at("numbered_as_the_root_does"), Shows::Nothing, IncludedTx::default()),
        ),
        ("of_anothers_deposit", evidence(at("of_anothers_deposit"), Shows::Linked, lock)),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_unfounded_deposit_exit(&chain.domain, chain.tip(), &e);
            (format!("unfounded_deposit_exit_{name}"), e, verdict)
        })
        .collect()
}

/// `(name, evidence, the ledger's verdict)` for each lock of [`LOCK_TXS`], shown by what is at
/// its named registration, and the honest lock shown every way.
pub(super) fn unregistered_cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let first =
        crate::testkit::settlement::first_lock(chain.blocks[bad as usize - 1].transactions.len())
            as u32;
    let at = |name: &str| first + LOCK_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let evidence = |(height, index): (u64, u32), shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(height, index),
        shows: shows as u8,
        shown,
    };
    let last_of_3 = included(3, chain.blocks[2].transactions.len() as u32 - 1);
    let honest = (bad, at("honest_lock"));
    let registration = included(3, 2);
    let all: Vec<(&str, LinkEvidence)> = vec![
        ("honest", evidence(honest, Shows::Linked, registration.clone())),
        ("honest_shown_nothing", evidence(honest, Shows::Nothing, last_of_3)),
        ("honest_shown_later", evidence(honest, Shows::Later, included(3, 3))),
        (
            "naming_a_transfer",
            evidence((bad, at("lock_naming_a_transfer")), Shows::Linked, included(3, 0)),
        ),
        (
            "into_another_child",
            evidence((bad, at("lock_into_another_child")), Shows::Linked, registration),
        ),
        (
            "naming_none",
            evidence((bad, at("lock_naming_none")), Shows::Nothing, IncludedTx::default()),
        ),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_unregistered_child(chain.domain.chain_id, chain.tip(), &e);
            (format!("unregistered_child_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_deposit_exit_no_lock_founds_is_convicted_and_the_honest_one_never() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("unfounded_deposit_exit_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        for case in DEPOSIT_EXIT_TXS {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::UnfoundedDepositExit, 4), "{case}");
        }
        assert_eq!(verdict("honest"), Err(FraudError::Follows));
        assert_eq!(verdict("honest_shown_nothing"), Err(FraudError::SomethingThere));
        assert_eq!(verdict("honest_shown_later"), Err(FraudError::NoSuchShowing(2)));
    }

    #[test]
    fn every_lock_its_named_registration_does_not_register_is_convicted_and_the_honest_never() {
        let world = FraudWorld::new(0);
        let judged = unregistered_cases(&world);
        let verdict = |name: &str| {
            let full = format!("unregistered_child_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        for case in ["naming_a_transfer", "into_another_child", "naming_none"] {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::UnregisteredChild, 4), "{case}");
        }
        assert_eq!(verdict("honest"), Err(FraudError::Follows));
        assert_eq!(verdict("honest_shown_nothing"), Err(FraudError::SomethingThere));
        assert_eq!(verdict("honest_shown_later"), Err(FraudError::NoSuchShowing(2)));
    }
}
