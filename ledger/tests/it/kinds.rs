//! The contracts repeat the numbers of the system kinds they must recognise: they are the
//! ledger's (`plasma_ledger::Kind`), or this test fails.

use plasma_ledger::Kind;

#[test]
fn the_exit_games_system_kind_numbers_are_the_ledgers() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/src/lib/ExitGame.sol");
    let source = std::fs::read_to_string(&path).expect("ExitGame.sol");
    for (name, kind) in [
        ("CHALLENGE_CHILD_EXIT", Kind::ChallengeChildExit),
        ("PROVE_CHILD_FRAUD", Kind::ProveChildFraud),
    ] {
        let declared = format!("uint8 internal constant {name} = {};", kind.byte());
        assert!(source.contains(&declared), "ExitGame.sol must declare `{declared}`");
    }
}
