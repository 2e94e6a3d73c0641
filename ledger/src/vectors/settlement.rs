//! Vectors of the unfounded-settlement kind: the fraud world's challenges and payouts of exits
//! of child 8, each shown by what convicts it, and the founded ones shown every way, each
//! refused.

use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::settlement::{CHALLENGE_CASES, OUTPUT_EXIT_TXS};
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for each case of [`CHALLENGE_CASES`], then the
/// founded challenge shown as unfounded: by a challenge that is not between, by its link's
/// slot (which holds the start, not its block's last), and by no showing at all; then the
/// exit of an output: founded, paid since (shown by its payout, and by another child's payout
/// of the same exit id), and linked ahead; its payout to Alice, which the start it names
/// founds (the challenge before it settled the exit, which a later showing would prove
/// instead), its payout to Bob, and a payout naming a transaction that starts no exit.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad, start) = (&world.chain, world.bad_height, world.settlements);
    let included = |height: u64, index: u32| chain.included(height, index);
    let evidence = |case: u32, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, start + 1 + case),
        shows: shows as u8,
        shown,
    };
    let linked = || included(bad, start);
    let last_of_1 = {
        let count = chain.blocks[0].transactions.len() as u32;
        included(1, count - 1)
    };
    let mut all: Vec<(String, LinkEvidence)> = vec![
        ("founded".into(), evidence(0, Shows::Linked, linked())),
        ("settled_since".into(), evidence(1, Shows::Later, included(bad, start + 1))),
        ("spends_another_output".into(), evidence(2, Shows::Linked, linked())),
        ("signed_by_another".into(), evidence(3, Shows::Linked, linked())),
        ("names_no_start".into(), evidence(4, Shows::Linked, included(3, 0))),
        ("of_another_exit".into(), evidence(5, Shows::Linked, linked())),
        ("links_an_empty_slot".into(), evidence(6, Shows::Nothing, last_of_1)),
        ("shows_no_mint".into(), evidence(7, Shows::Linked, linked())),
    ];
    debug_assert!(all.iter().zip(CHALLENGE_CASES).all(|((name, _), case)| name == case));
    all.extend([
        // The start itself is not between the link and the challenge.
        ("founded_no_later".into(), evidence(0, Shows::Later, linked())),
        // The start is not its block's last transaction.
        ("founded_not_the_last".into(), evidence(0, Shows::Nothing, linked())),
        (
            "founded_no_such_showing".into(),
            LinkEvidence { shows: 3, ..evidence(0, Shows::Linked, linked()) },
        ),
    ]);
    let output_start = start + 1 + CHALLENGE_CASES.len() as u32;
    let of_output = |name: &str| {
        let at = OUTPUT_EXIT_TXS.iter().position(|n| *n == name).expect(name);
        output_start + 1 + at as u32
    };
    let output_evidence = |name: &str, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, of_output(name)),
        shows: shows as u8,
        shown,
    };
    all.extend([
        ("founded_output".into(), {
            output_evidence("founded_output", Shows::Linked, included(bad, output_start))
        }),
        ("paid_since".into(), {
            output_evidence("paid_since", Shows::Later, included(bad, of_output("payout")))
        }),
        ("paid_since_shown_another_childs_payout".into(), {
            let shown = included(bad, of_output("another_childs_payout"));
            output_evidence("paid_since", Shows::Later, shown)
        }),
        ("links_ahead".into(), output_evidence("links_ahead", Shows::Nothing, Default::default())),
        ("payout_to_the_owner".into(), {
            output_evidence("payout", Shows::Linked, included(bad, output_start))
        }),
        ("payout_to_another".into(), {
            output_evidence("payout_to_another", Shows::Linked, included(bad, output_start))
        }),
        ("payout_of_no_start".into(), {
            output_evidence("payout_of_no_start", Shows::Linked, included(3, 0))
        }),
    ]);
    all.into_iter()
        .map(|(name, e)| {
            let verdict = fraud::verify_unfounded_settlement(&chain.domain, chain.tip(), &e);
            (format!("unfounded_settlement_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_settlement_its_start_does_not_found_is_convicted_and_the_founded_one_never() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("unfounded_settlement_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let output_cases = ["paid_since", "links_ahead", "payout_to_another", "payout_of_no_start"];
        for case in CHALLENGE_CASES[1..].iter().chain(&output_cases) {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::UnfoundedSettlement, 4), "{case}");
        }
        assert_eq!(verdict("founded"), Err(FraudError::Follows));
        assert_eq!(verdict("founded_no_later"), Err(FraudError::NotLater));
        assert_eq!(verdict("founded_not_the_last"), Err(FraudError::NotLastTransaction));
        assert_eq!(verdict("founded_no_such_showing"), Err(FraudError::NoSuchShowing(3)));
        assert_eq!(verdict("founded_output"), Err(FraudError::Follows));
        assert_eq!(verdict("payout_to_the_owner"), Err(FraudError::Follows));
        let another_child = verdict("paid_since_shown_another_childs_payout");
        assert_eq!(another_child, Err(FraudError::NotLater));
    }
}
