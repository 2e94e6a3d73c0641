//! Who joins a child's set at a plasma parent, and when: a bond stakes at least the child's
//! minimum, and a child's rotation cannot be frozen by bonding: a bond numbers a new pending
//! configuration, but an epoch end still activates the one the child's header names, if it
//! was numbered since the active one.

use super::*;
use crate::bls::BlsSecretKey;

/// A parent with child `id` (four validators) and, funded on it, `names` ready to bond 100
/// units each (their coins are block 2's outputs, in order).
fn funded(names: &[&str]) -> (TestChain, u64, Vec<(UserKey, BlsSecretKey)>) {
    let (mut parent, id) = parent_with_child();
    let joiners: Vec<_> = names
        .iter()
        .map(|n| (user(n), BlsSecretKey::from_seed(format!("bls-{n}").as_bytes())))
        .collect();
    let funds: Vec<_> = joiners
        .iter()
        .map(|(k, _)| parent.record_deposit(k.address(), Address::ZERO, 100 * POWER_UNIT))
        .collect();
    parent.commit(funds.iter().map(build::deposit_transaction).collect());
    (parent, id, joiners)
}

/// Joiner `i`'s bond of everything it holds (100 units) into child `id`.
fn bond_tx(
    parent: &TestChain,
    id: u64,
    joiners: &[(UserKey, BlsSecretKey)],
    i: usize,
) -> SignedTransaction {
    bond_of(parent, id, joiners, i, 100)
}

/// Joiner `i`'s bond of `units` into child `id`, the rest of its coin back as change.
fn bond_of(
    parent: &TestChain,
    id: u64,
    joiners: &[(UserKey, BlsSecretKey)],
    i: usize,
    units: u64,
) -> SignedTransaction {
    let (who, bls) = &joiners[i];
    let bond = ChildBond {
        childChainId: id,
        amount: U256::from(units * POWER_UNIT),
        blsPubkey: bls.public_key().to_eip2537().to_vec().into(),
        proofOfPossession: bls.proof_of_possession(who.address()).to_eip2537().to_vec().into(),
        ..Default::default()
    };
    let bond = bond_on(bond, stakes_of(&parent.state, id));
    let left = U256::from((100 - units) * POWER_UNIT);
    let change: Vec<_> = (!left.is_zero())
        .then(|| Output::new(who.address(), Address::ZERO, left))
        .into_iter()
        .collect();
    let coin = vec![UtxoPos::new(2, i as u32, 0)];
    let tx = build::transaction(Kind::BondChild, coin, change, bond.abi_encode());
    build::sign(&parent.domain, tx, &[who])
}

/// Child `id`'s blocks to `to`: the registered set certifies them all, and each epoch end
/// (every 4) names the set `next_at` gives for it (the registered set when `None`).
fn child_naming(id: u64, to: u64, next_at: impl Fn(u64) -> Option<B256>) -> TestChain {
    let (_, set) = committee(4);
    let mut child = TestChain::with_domain(child_domain(&testkit::domain(), id), set.hash());
    for h in 1..=to {
        child.next_validator_set_hash = next_at(h).unwrap_or(set.hash());
        child.commit(vec![]);
    }
    child
}

/// Block `height` of `child`, certified by the registered set, as the parent's transaction.
fn checkpoint(parent: &TestChain, child: &TestChain, height: u64) -> SignedTransaction {
    let (keys, set) = committee(4);
    let header = child.blocks[height as usize - 1].header.clone();
    let all: Vec<_> = keys.iter().enumerate().collect();
    let certificate = crate::testkit::certified(&set, &all, &header, 0);
    parent.checkpoint_tx(&Checkpoint { header, certificate })
}

/// Dave bonds; the child acknowledges the set with him at epoch end 4. Before that
/// checkpoint lands, Mallory bonds a sybil, which numbers a set with both as pending: the
/// checkpoint names a set that is no longer the pending one. Were only the pending set
/// activated, Mallory could bond once before each epoch end (at the minimum stake) and keep
/// the child from ever rotating.
#[test]
fn a_sybil_bond_before_an_epoch_end_does_not_keep_the_acknowledged_set_out() {
    let (mut parent, id, joiners) = funded(&["dave", "mallory"]);
    parent.commit(vec![bond_tx(&parent, id, &joiners, 0)]);
    let with_dave = parent.state.child(id).expect("child").pending_set().expect("pending").to_vec();
    let child = child_naming(id, 8, |h| (h == 4).then(|| Validator::set_hash(&with_dave)));
    parent.commit(vec![bond_tx(&parent, id, &joiners, 1)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.active, r.pending), (1, 3), "Mallory's bond numbered configuration 3");

    parent.commit(vec![checkpoint(&parent, &child, 4)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!(r.active, 2, "the set the epoch end named is active");
    assert_eq!(r.validators(), with_dave.as_slice());
    assert_eq!(r.configuration(2).map(|c| c.active_from), Some(5));
    assert_eq!(r.pending, 3, "the set with Mallory is still pending, for a later epoch end");
    assert_eq!(r.set_at(4).len(), 4, "the registered set certified up to 4");
}

/// An epoch end that names a configuration numbered before the active one (superseded by
/// it) activates nothing: sets only move forward.
#[test]
fn an_epoch_end_naming_a_set_older_than_the_active_one_activates_nothing() {
    let (mut parent, id, joiners) = funded(&["dave", "erin"]);
    parent.commit(vec![bond_tx(&parent, id, &joiners, 0)]);
    let with_dave = parent.state.child(id).expect("child").pending_set().expect("pending").to_vec();
    parent.commit(vec![bond_tx(&parent, id, &joiners, 1)]);
    let with_both = parent.state.child(id).expect("child").pending_set().expect("pending").to_vec();
    let mut record = parent.state.child(id).expect("child");
    record.accept_checkpoint(4, B256::repeat_byte(4), Validator::set_hash(&with_both));
    assert_eq!((record.active, record.pending), (3, 0));
    record.accept_checkpoint(8, B256::repeat_byte(8), Validator::set_hash(&with_dave));
    assert_eq!((record.active, record.pending), (3, 0), "configuration 2 stays superseded");
    assert_eq!(record.configuration(2).map(|c| c.active_from), Some(0));
}

/// The registration asks 100 units of each member (`registration`): a sybil may not take a
/// seat for less, and a refused bond moves nothing.
#[test]
fn a_bond_below_the_childs_minimum_stake_is_refused_and_moves_nothing() {
    let (mut parent, id, joiners) = funded(&["mallory", "dave"]);
    let minimum = parent.state.child(id).expect("child").params.minStake;
    assert_eq!(minimum, U256::from(100 * POWER_UNIT));
    let cheap = bond_of(&parent, id, &joiners, 0, 99);
    assert_eq!(
        refusal(&mut parent, cheap),
        ChildError::BelowMinimum { chain: id, amount: U256::from(99 * POWER_UNIT), minimum }
    );
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.configurations.len(), r.pending, r.staked), (1, 0, U256::ZERO), "nothing bonded");
    let mallory = joiners[0].0.address();
    assert_eq!(parent.state.child_stake(id, &mallory), U256::ZERO);
    assert!(parent.state.unspent(&UtxoPos::new(2, 0, 0)).is_some(), "her coin is still hers");
    // The minimum itself is a seat.
    parent.commit(vec![bond_of(&parent, id, &joiners, 1, 100)]);
    let dave = joiners[1].0.address();
    assert_eq!(parent.state.child_stake(id, &dave), minimum);
    assert_eq!(parent.state.child(id).expect("child").pending, 2);
}
