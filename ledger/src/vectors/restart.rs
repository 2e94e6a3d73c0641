//! Vectors of the repeated-exit kind: the fraud world's starts of exits of child 8 that are
//! queued or settled already, each shown by what convicts it, and the honest restart after a
//! cancellation shown every way, each refused.

use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::settlement::{CHALLENGE_CASES, OUTPUT_EXIT_TXS, RESTART_TXS};
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for each start of [`RESTART_TXS`]: the restart
/// shown by the cancellation it names, by the exit's first start (not between) and by a
/// showing a start naming none has not; each other start by what convicts it, and the deposit's
/// restart also by another exit's start.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let deposit_start = world.settlements;
    let output_start = deposit_start + 1 + CHALLENGE_CASES.len() as u32;
    let first = output_start + 1 + OUTPUT_EXIT_TXS.len() as u32;
    let at = |name: &str| first + RESTART_TXS.iter().position(|n| *n == name).expect(name) as u32;
    let evidence = |name: &str, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, at(name)),
        shows: shows as u8,
        shown,
    };
    let last_of_1 = {
        let count = chain.blocks[0].transactions.len() as u32;
        included(1, count - 1)
    };
    let (cancellation, restart) = (included(bad, at("cancellation")), included(bad, at("restart")));
    let paid = included(bad, output_start + 2);
    let all: Vec<(&str, LinkEvidence)> = vec![
        ("restart", evidence("restart", Shows::Linked, cancellation)),
        ("restart_no_later", evidence("restart", Shows::Later, included(bad, output_start))),
        ("naming_none", evidence("restart_naming_none", Shows::Later, restart.clone())),
        ("naming_none_shown_linked", evidence("restart_naming_none", Shows::Linked, restart)),
        ("naming_a_payout", evidence("restart_naming_a_payout", Shows::Linked, paid)),
        (
            "naming_an_empty_slot",
            evidence("restart_naming_an_empty_slot", Shows::Nothing, last_of_1),
        ),
        ("deposit_naming_none", {
            evidence("deposit_restart_naming_none", Shows::Later, included(bad, deposit_start))
        }),
        ("deposit_naming_none_shown_another_exit", {
            evidence("deposit_restart_naming_none", Shows::Later, included(bad, output_start))
        }),
    ];
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_repeated_exit(chain.domain.chain_id, chain.tip(), &e);
            (format!("repeated_exit_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_start_of_an_exit_started_already_is_convicted_and_the_restart_never() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("repeated_exit_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let convicted =
            ["naming_none", "naming_a_payout", "naming_an_empty_slot", "deposit_naming_none"];
        for case in convicted {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::RepeatedExit, 4), "{case}");
        }
        assert_eq!(verdict("restart"), Err(FraudError::Follows));
        assert_eq!(verdict("restart_no_later"), Err(FraudError::NotLater));
        assert_eq!(verdict("naming_none_shown_linked"), Err(FraudError::NamesNone));
        let another_exit = verdict("deposit_naming_none_shown_another_exit");
        assert_eq!(another_exit, Err(FraudError::NotLater));
    }
}
