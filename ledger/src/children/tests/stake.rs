//! Bonds: a validator joins a child's next configuration, activated at an epoch end.

use super::*;

/// The child of [`parent_with_child`] run for `blocks` blocks under its registered set,
/// the last of them naming `next` as the next set, then `after` more under `next`.
fn child_with_change(id: u64, blocks: u64, next: B256, after: u64) -> TestChain {
    let (_, set) = committee(4);
    let mut child = TestChain::with_domain(child_domain(&testkit::domain(), id), set.hash());
    for h in 1..=blocks + after {
        child.next_validator_set_hash = if h >= blocks { next } else { set.hash() };
        child.commit(vec![]);
        child.validator_set_hash = child.next_validator_set_hash;
    }
    child
}

fn checkpoint_of(
    parent: &TestChain,
    child: &TestChain,
    height: u64,
    set: &ValidatorSet,
    keys: &[(usize, &crate::bls::BlsSecretKey)],
) -> SignedTransaction {
    let header = child.blocks[height as usize - 1].header.clone();
    let certificate = crate::testkit::certified(set, keys, &header, 0);
    parent.checkpoint_tx(&Checkpoint { header, certificate })
}

#[test]
fn a_bond_proposes_a_configuration_that_an_epoch_end_checkpoint_naming_it_activates() {
    use crate::bls::BlsSecretKey;
    let (mut parent, id) = parent_with_child();
    let (keys, old) = committee(4);
    let dave = user("dave");
    let dave_bls = BlsSecretKey::from_seed(b"validator-4");
    let stake = 100 * POWER_UNIT;
    let funds = parent.record_deposit(dave.address(), Address::ZERO, stake + 5);
    parent.commit(vec![build::deposit_transaction(&funds)]);
    let bond_tx = |parent: &TestChain, amount: u64, pop_for: Address| {
        let bond = ChildBond {
            childChainId: id,
            amount: U256::from(amount),
            blsPubkey: dave_bls.public_key().to_eip2537().to_vec().into(),
            proofOfPossession: dave_bls.proof_of_possession(pop_for).to_eip2537().to_vec().into(),
            ..Default::default()
        };
        let bond = bond_on(bond, stakes_of(&parent.state, id));
        let change = Output::new(dave.address(), Address::ZERO, U256::from(stake + 5 - amount));
        let tx = build::transaction(
            Kind::BondChild,
            vec![UtxoPos::new(2, 0, 0)],
            vec![change],
            bond.abi_encode(),
        );
        build::sign(&parent.domain, tx, &[&dave])
    };

    // A proof of possession made for another operator, a stake that is not whole gwei,
    // a key that is a member's already: refused, nothing changes.
    let stranger = bond_tx(&parent, stake, Address::repeat_byte(9));
    assert_eq!(refusal(&mut parent, stranger), ChildError::BondPossession);
    let odd = bond_tx(&parent, stake - 1, dave.address());
    assert!(matches!(
        parent.try_commit(vec![odd]),
        Err(BlockError::InvalidTransaction {
            error: TxError::Form(crate::form::FormError::BondPower(a)),
            ..
        }) if a == U256::from(stake - 1)
    ));
    let mut record = parent.state.child(id).expect("child");
    let member = record.validators()[1].clone();
    let copy = Validator { operator: dave.address(), ..member.clone() };
    assert_eq!(record.clone().bond(copy), Err(ChildError::AlreadyBonded(member.operator)));
    assert_eq!((record.configurations.len(), record.pending), (1, 0));

    let (block, _) = parent.commit(vec![bond_tx(&parent, stake, dave.address())]);
    let after = parent.state.child(id).expect("child");
    assert_eq!((after.configurations.len(), after.active, after.pending), (2, 1, 2));
    let proposed = after.pending_set().expect("pending").to_vec();
    assert_eq!(&proposed[..4], old.validators(), "the members keep their bitmap order");
    assert_eq!((proposed[4].operator, proposed[4].power), (dave.address(), 100));
    assert_eq!(parent.state.child_stake(id, &dave.address()), U256::from(stake));
    // A follower of the parent reaches the very same record from the block.
    let events =
        child_events(&parent.domain, &block, id, (&[], &|_| None), &crate::signing::Recover);
    let [ChildEvent::Bonded { validator, amount, stakes }] = &events[..] else {
        panic!("one bond event, got {events:?}")
    };
    assert_eq!(*amount, U256::from(stake));
    assert_eq!((stakes.at, stakes.staked), (after.stakes_ref, U256::from(stake)));
    record.bond(validator.clone()).expect("the follower's bond");
    (record.stakes_ref, record.staked) = (stakes.at, stakes.staked);
    assert_eq!(record, after);

    // The child keeps its set through epoch end 4, adopts the new one at epoch end 8.
    let new = ValidatorSet::new(proposed).expect("set");
    let child = child_with_change(id, 8, new.hash(), 4);
    let three: Vec<_> = keys.iter().enumerate().take(3).collect();
    parent.commit(vec![checkpoint_of(&parent, &child, 4, &old, &three)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.active, r.pending, r.last_height), (1, 2, 4), "epoch end 4 names the old set");
    // A header naming the pending set off an epoch end does not activate it.
    let mut off_epoch = r.clone();
    off_epoch.accept_checkpoint(7, B256::repeat_byte(7), new.hash());
    assert_eq!((off_epoch.active, off_epoch.pending), (1, 2));
    parent.commit(vec![checkpoint_of(&parent, &child, 8, &old, &three)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.active, r.pending), (2, 0));
    assert_eq!(r.configuration(2).map(|c| c.active_from), Some(9));
    assert_eq!(r.set_at(8), old.validators());
    assert_eq!(r.set_at(9), new.validators());
    // From block 9 on the new set certifies: the old members alone are not enough.
    let old_only: Vec<_> = keys.iter().enumerate().take(4).skip(1).collect();
    assert!(matches!(
        {
            let tx = checkpoint_of(&parent, &child, 12, &new, &old_only);
            refusal(&mut parent, tx)
        },
        ChildError::Certificate(CertificateError::InsufficientPower { .. })
    ));
    let mut with_dave: Vec<_> = keys.iter().enumerate().take(3).collect();
    with_dave.push((4, &dave_bls));
    parent.commit(vec![checkpoint_of(&parent, &child, 12, &new, &with_dave)]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 12);
}
