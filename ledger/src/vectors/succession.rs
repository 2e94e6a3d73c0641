//! Vectors of the checkpoint-succession kind: the fraud world's checkpoints of its accepting
//! child, each shown by what convicts it, and the honest one shown every way, each refused.

use crate::fraud::{self, FraudError, FraudVerdict, Shows};
use crate::testkit::succession::SUCCESSION_CASES;
use crate::testkit::FraudWorld;
use crate::types::{IncludedTx, LinkEvidence};

/// `(name, evidence, the ledger's verdict)` for each case of [`SUCCESSION_CASES`], then the
/// honest checkpoint shown as not following: by its link, by a registration that is not
/// between, by its link's slot (which holds the child's checkpoint), and by no showing at all.
pub(super) fn cases(
    world: &FraudWorld,
) -> Vec<(String, LinkEvidence, Result<FraudVerdict, FraudError>)> {
    let (chain, bad) = (&world.chain, world.bad_height);
    let included = |height: u64, index: u32| chain.included(height, index);
    let linked = |index: u32| included(3, index);
    let evidence = |case: u32, shows: Shows, shown: IncludedTx| LinkEvidence {
        linking: included(bad, world.succession + case),
        shows: shows as u8,
        shown,
    };
    // The last transaction of block `height`.
    let last = |height: u64| {
        let count = chain.blocks[height as usize - 1].transactions.len() as u32;
        included(height, count - 1)
    };
    let mut all: Vec<(String, LinkEvidence)> = vec![
        ("follows".into(), evidence(0, Shows::Linked, linked(3))),
        ("skips_the_latest".into(), evidence(1, Shows::Later, linked(3))),
        ("links_a_transfer".into(), evidence(2, Shows::Linked, linked(0))),
        ("links_past_the_block".into(), evidence(3, Shows::Nothing, last(3))),
        ("links_an_empty_slot".into(), evidence(4, Shows::Nothing, last(1))),
        ("names_a_set_of_its_own".into(), evidence(5, Shows::Linked, linked(3))),
        ("jumps_past_the_gap".into(), evidence(6, Shows::Linked, linked(3))),
        ("links_ahead".into(), evidence(7, Shows::Linked, IncludedTx::default())),
    ];
    debug_assert!(all.iter().zip(SUCCESSION_CASES).all(|((name, _), case)| name == case));
    all.extend([
        ("follows_no_later".into(), evidence(0, Shows::Later, linked(2))),
        // Block 3's last transaction is the link's own.
        ("follows_something_there".into(), evidence(0, Shows::Nothing, linked(3))),
        // Its first is not its last.
        ("follows_not_the_last".into(), evidence(0, Shows::Nothing, linked(0))),
        ("follows_no_such_showing".into(), {
            LinkEvidence { shows: 3, ..evidence(0, Shows::Linked, linked(3)) }
        }),
    ]);
    all.into_iter()
        .map(|(name, e)| {
            let verdict =
                fraud::verify_checkpoint_succession(chain.domain.chain_id, chain.tip(), &e);
            (format!("checkpoint_succession_{name}"), e, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn every_checkpoint_that_cannot_follow_its_link_is_convicted_and_the_honest_one_never() {
        let world = FraudWorld::new(0);
        let judged = cases(&world);
        let verdict = |name: &str| {
            let full = format!("checkpoint_succession_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        for case in &SUCCESSION_CASES[1..] {
            let v = verdict(case).unwrap_or_else(|e| panic!("{case}: refused: {e}"));
            assert_eq!((v.kind, v.height), (FraudKind::CheckpointSuccession, 4), "{case}");
        }
        assert_eq!(verdict("follows"), Err(FraudError::Follows));
        assert_eq!(verdict("follows_no_later"), Err(FraudError::NotLater));
        assert_eq!(verdict("follows_something_there"), Err(FraudError::SomethingThere));
        assert_eq!(verdict("follows_not_the_last"), Err(FraudError::NotLastTransaction));
        assert_eq!(verdict("follows_no_such_showing"), Err(FraudError::NoSuchShowing(3)));
    }
}
