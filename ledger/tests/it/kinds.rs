//! The contracts repeat the numbers of the system kinds they must recognise, and list the
//! kinds that spend signed inputs: they are the ledger's (`plasma_ledger::Kind`), or these
//! tests fail.

use plasma_ledger::Kind;

#[test]
fn the_exit_games_system_kind_numbers_are_the_ledgers() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/src/lib/ExitGame.sol");
    let source = std::fs::read_to_string(&path).expect("ExitGame.sol");
    for (name, kind) in [
        ("CHALLENGE_CHILD_EXIT", Kind::ChallengeChildExit),
        ("PROVE_CHILD_FRAUD", Kind::ProveChildFraud),
        ("CHALLENGE_CHILD_DEPOSIT_EXIT", Kind::ChallengeChildDepositExit),
    ] {
        let declared = format!("uint8 internal constant {name} = {};", kind.byte());
        assert!(source.contains(&declared), "ExitGame.sol must declare `{declared}`");
    }
}

#[test]
fn the_exit_games_spends_are_the_kinds_users_sign() {
    // A challenge is any validly signed spend: `ExitGame.verifyChallenge` must take every kind
    // that spends signed inputs, as `ledger::exit::verify_challenge` does.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts/src/lib/ExitGame.sol");
    let source = std::fs::read_to_string(&path).expect("ExitGame.sol");
    let listed = |kind: Kind| source.contains(&format!("t.kind != uint8(TxKind.{kind:?})"));
    for kind in Kind::ALL {
        assert_eq!(listed(kind), kind.is_user_submittable(), "{kind:?} in ExitGame's spends");
    }
}
