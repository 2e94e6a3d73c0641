//! Vectors of unfounded escrow: the fraud world's locks into the child registered at 3:2 that
//! the child's escrow, as their link shows it, does not found, each shown by what the link
//! names or by the lock it should have named, and a payout naming no link; and the honest
//! lock, shown every way, each refused.

use crate::fraud::escrow::escrow_link;
use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::settlement::{first_lock, LOCK_TXS, STAKE_TXS};
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for the locks of [`LOCK_TXS`] and a payout.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let block = &chain.blocks[bad as usize - 1];
    let first = first_lock(block.transactions.len()) as u32;
    let at = |name: &str| first + LOCK_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let evidence = |linking: u32, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, linking),
        shows: shows as u8,
        shown,
    };
    let last_of_3 = included(3, chain.blocks[2].transactions.len() as u32 - 1);
    let honest = at("honest_lock");
    let (registration, lock) = (included(3, 2), included(bad, honest));
    let payout = block.transactions.iter().position(|stx| {
        let link = escrow_link(&stx.transaction).ok().flatten();
        link.is_some_and(|l| !l.adds)
    });
    let payout = payout.expect("a payout in the fraud world") as u32;
    let cancellation = block.transactions.iter().position(|stx| {
        let tx = &stx.transaction;
        let claim = crate::types::decode::<crate::types::ExitPayoutClaim>(
            "ExitPayoutClaim",
            &tx.data,
            crate::types::EXIT_PAYOUT_CLAIM_BYTES,
        );
        tx.tx_kind() == Some(crate::kind::Kind::ExitPayout) && claim.is_ok_and(|c| c.cancels)
    });
    let cancellation = cancellation.expect("a cancellation in the fraud world") as u32;
    let all: Vec<(&str, LinkEvidence)> = vec![
        ("honest", evidence(honest, Shows::Linked, registration)),
        ("honest_shown_nothing", evidence(honest, Shows::Nothing, last_of_3)),
        ("honest_shown_later", evidence(honest, Shows::Later, included(bad, honest - 1))),
        ("overstating", evidence(at("lock_naming_a_transfer"), Shows::Linked, lock.clone())),
        (
            "naming_the_registration_past_a_lock",
            evidence(at("lock_naming_none"), Shows::Later, lock),
        ),
        (
            "naming_a_transfer",
            evidence(at("lock_into_another_child"), Shows::Linked, included(3, 0)),
        ),
        ("naming_nothing", evidence(at("inflating_lock"), Shows::Nothing, IncludedTx::default())),
        ("payout_naming_nothing", evidence(payout, Shows::Nothing, IncludedTx::default())),
        // A cancellation takes nothing from the escrow: no link of its chain.
        ("cancellation", evidence(cancellation, Shows::Nothing, IncludedTx::default())),
    ];
    debug_assert_eq!(first as usize + LOCK_TXS.len() + STAKE_TXS.len(), block.transactions.len());
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_unfounded_escrow(chain.domain.chain_id, chain.tip(), &e);
            (format!("unfounded_escrow_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_lock_or_payout_its_escrow_does_not_found_is_convicted_and_no_honest_one() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("unfounded_escrow_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        for case in [
            "overstating",
            "naming_the_registration_past_a_lock",
            "naming_a_transfer",
            "naming_nothing",
            "payout_naming_nothing",
        ] {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::UnfoundedEscrow, 4), "{case}");
        }
        assert_eq!(verdict("honest"), Err(FraudError::Follows));
        assert_eq!(verdict("honest_shown_nothing"), Err(FraudError::SomethingThere));
        assert_eq!(verdict("honest_shown_later"), Err(FraudError::NotLater));
        let kind = crate::kind::Kind::ExitPayout as u8;
        assert_eq!(verdict("cancellation"), Err(FraudError::WrongKind(kind)));
    }
}
