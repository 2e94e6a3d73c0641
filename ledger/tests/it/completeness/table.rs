//! The law's table, pinned: the verdict of each class the README lists as proven.

use super::*;

#[test]
fn the_law_pins_what_is_proven_and_what_is_open() {
    // The exhaustive match above is the law's table; this pins the verdict of the classes
    // the README lists as proven, so a reclassification is a visible change.
    let form = FormError::UnknownKind(9);
    assert_eq!(form_verdict(&form), Convicted(FraudKind::MalformedTransaction));
    let burn = TxError::ValueMismatch {
        token: Address::ZERO,
        inputs: U256::from(2),
        outputs: U256::from(1),
    };
    assert_eq!(
        tx_verdict(&burn),
        Convicted(FraudKind::Inflation),
        "value destroyed, or a bond unpaid"
    );
    let rebonded = ChildError::AlreadyBonded(Address::ZERO);
    assert_eq!(child_verdict(&rebonded), Convicted(FraudKind::ChildRecord));
    let wrong_set = ChildError::WrongSet { expected: B256::ZERO, got: B256::ZERO };
    assert_eq!(child_verdict(&wrong_set), Convicted(FraudKind::CheckpointSuccession));
    let void = ChildError::VoidAnchor { chain: 9, height: 2, rollback: 1 };
    assert_eq!(child_verdict(&void), Convicted(FraudKind::VoidedAnchor));
    let inactive = ChildError::InactiveSet { chain: 9, named: B256::ZERO };
    assert!(matches!(child_verdict(&inactive), Open(BOOKKEEPING)));
    // Deposits into a plasma child: founded by their lock, locked into a registered child.
    let unknown = ChildError::UnknownDeposit { chain: 9, nonce: 3 << 32 };
    assert_eq!(child_verdict(&unknown), Convicted(FraudKind::UnfoundedDepositExit));
    assert_eq!(tx_verdict(&TxError::UnknownChild(9)), Convicted(FraudKind::UnregisteredChild));
    // A fraud proof's reward, and stakes into a child: founded by the child's stakes.
    let reward = ChildError::RewardOutput;
    assert_eq!(child_verdict(&reward), Convicted(FraudKind::UnfoundedStake));
    assert_eq!(child_verdict(&ChildError::UnknownChild(9)), Convicted(FraudKind::UnfoundedStake));
    // A cancellation names the fraud proof that voided its exit.
    let standing = TxError::StandingExitCancelled { exit_id: B256::ZERO };
    assert_eq!(tx_verdict(&standing), Convicted(FraudKind::UnfoundedCancellation));
    let taken = ChildError::SlashedStakes { named: U256::ZERO, expected: U256::from(1) };
    assert!(matches!(child_verdict(&taken), Open(_)), "which stakes: bookkeeping");
}
