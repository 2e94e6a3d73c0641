//! A child's set cannot be filled for good at a plasma parent: a bond into a full set takes
//! the seat of its smallest member (the latest to join, of equals) when it stakes more, as
//! the root's `bond` makes room; one that stakes no more is refused and moves nothing. A
//! member who loses its seat keeps its stake where it was: still slashable for what the
//! configurations counting it certify.

use super::*;
use crate::bls::BlsSecretKey;
use crate::registration::MAX_CHILD_VALIDATORS;

/// Someone on the parent with a coin of `units` (block 2's output `index`) and a BLS key.
struct Joiner {
    key: UserKey,
    bls: BlsSecretKey,
    units: u64,
    index: u32,
}

/// A parent with child `id` (four members of power 100, the minimum) and, funded on it,
/// each of `funds` (name, units).
fn funded(funds: &[(String, u64)]) -> (TestChain, u64, Vec<Joiner>) {
    let (mut parent, id) = parent_with_child();
    let joiners: Vec<_> = funds
        .iter()
        .enumerate()
        .map(|(i, (name, units))| Joiner {
            key: user(name),
            bls: BlsSecretKey::from_seed(format!("bls-{name}").as_bytes()),
            units: *units,
            index: i as u32,
        })
        .collect();
    let deposits: Vec<_> = joiners
        .iter()
        .map(|j| parent.record_deposit(j.key.address(), Address::ZERO, j.units * POWER_UNIT))
        .collect();
    parent.commit(deposits.iter().map(build::deposit_transaction).collect());
    (parent, id, joiners)
}

/// `j`'s bond of its whole coin into child `id`.
fn bond(parent: &TestChain, id: u64, j: &Joiner) -> SignedTransaction {
    let bond = ChildBond {
        childChainId: id,
        amount: U256::from(j.units * POWER_UNIT),
        blsPubkey: j.bls.public_key().to_eip2537().to_vec().into(),
        proofOfPossession: j.bls.proof_of_possession(j.key.address()).to_eip2537().to_vec().into(),
        ..Default::default()
    };
    let bond = bond_on(bond, stakes_of(&parent.state, id));
    let coin = vec![UtxoPos::new(2, j.index, 0)];
    let tx = build::transaction(Kind::BondChild, coin, vec![], bond.abi_encode());
    build::sign(&parent.domain, tx, &[&j.key])
}

fn operators(set: &[Validator]) -> Vec<Address> {
    set.iter().map(|v| v.operator).collect()
}

/// Mallory fills the child's twelve free seats with sybils at the minimum stake, hoping to
/// hold its set for good. Dave bonds twice the minimum: he takes the seat of the latest sybil,
/// whose stake stays bonded; Erin, bonding only the minimum, is refused and keeps her coin.
#[test]
fn sybils_filling_a_childs_set_at_the_minimum_are_outbid_by_a_larger_bond() {
    let free = MAX_CHILD_VALIDATORS - 4;
    let mut funds: Vec<_> = (0..free).map(|i| (format!("sybil-{i}"), 100)).collect();
    funds.push(("dave".into(), 200));
    funds.push(("erin".into(), 100));
    funds.push(("frank".into(), 300));
    let (mut parent, id, joiners) = funded(&funds);
    let (sybils, honest) = joiners.split_at(free);
    for s in sybils {
        parent.commit(vec![bond(&parent, id, s)]);
    }
    let full = parent.state.child(id).expect("child").pending_set().expect("pending").to_vec();
    assert_eq!(full.len(), MAX_CHILD_VALIDATORS, "Mallory's sybils fill the set");
    let last_sybil = sybils[free - 1].key.address();
    let minimum = U256::from(100 * POWER_UNIT);

    let (dave, erin) = (&honest[0], &honest[1]);
    parent.commit(vec![bond(&parent, id, dave)]);
    let r = parent.state.child(id).expect("child");
    let pending = operators(r.pending_set().expect("pending"));
    assert_eq!(pending.len(), MAX_CHILD_VALIDATORS);
    assert!(pending.contains(&dave.key.address()), "Dave holds a seat");
    assert!(!pending.contains(&last_sybil), "the latest sybil lost its seat");
    assert_eq!(&pending[..MAX_CHILD_VALIDATORS - 1], &operators(&full)[..MAX_CHILD_VALIDATORS - 1]);
    assert_eq!(parent.state.child_stake(id, &dave.key.address()), U256::from(200 * POWER_UNIT));
    assert_eq!(parent.state.child_stake(id, &last_sybil), minimum, "its stake stays bonded");
    assert_eq!(r.staked, U256::from((100 * free as u64 + 200) * POWER_UNIT));

    let staked = r.staked;
    let tie = bond(&parent, id, erin);
    assert_eq!(refusal(&mut parent, tie), ChildError::SetSize(MAX_CHILD_VALIDATORS + 1));
    let r = parent.state.child(id).expect("child");
    assert_eq!(operators(r.pending_set().expect("pending")), pending, "no seat for a tie");
    assert_eq!((r.staked, parent.state.child_stake(id, &erin.key.address())), (staked, U256::ZERO));
    assert!(parent.state.unspent(&UtxoPos::new(2, erin.index, 0)).is_some(), "her coin is hers");

    // Frank outbids the least again: the latest sybil left at 100, not Dave at 200.
    parent.commit(vec![bond(&parent, id, &honest[2])]);
    let pending = operators(parent.state.child(id).expect("child").pending_set().expect("set"));
    assert!(pending.contains(&honest[2].key.address()) && pending.contains(&dave.key.address()));
    assert!(!pending.contains(&sybils[free - 2].key.address()), "the next latest sybil is out");
    assert!(pending.contains(&sybils[free - 3].key.address()));
}

/// Once Dave outbid the latest sybil and the child adopted the set he joined (epoch end 4),
/// a checkpoint of block 5 certified by only the four registered members (a quarter of its
/// power) is proven uncertified: the watcher finds the set it names by numbering the child's
/// sets as the parent does, the seat Dave took and all.
#[test]
fn a_checkpoint_uncertified_by_a_set_an_outbid_made_is_proven() {
    let free = MAX_CHILD_VALIDATORS - 4;
    let mut funds: Vec<_> = (0..free).map(|i| (format!("sybil-{i}"), 100)).collect();
    funds.push(("dave".into(), 200));
    let (mut parent, id, joiners) = funded(&funds);
    for j in &joiners {
        parent.commit(vec![bond(&parent, id, j)]);
    }
    let with_dave = parent.state.child(id).expect("child").pending_set().expect("pending").to_vec();
    assert_eq!(with_dave.last().map(|v| v.operator), Some(joiners[free].key.address()));
    let (keys, registered) = committee(4);
    let mut child = TestChain::with_domain(child_domain(&testkit::domain(), id), registered.hash());
    for h in 1..=5 {
        child.next_validator_set_hash =
            if h >= 4 { Validator::set_hash(&with_dave) } else { registered.hash() };
        child.commit(vec![]);
        child.validator_set_hash = child.next_validator_set_hash;
    }
    let four: Vec<_> = keys.iter().enumerate().collect();
    let checkpoint = |height: u64, set: &ValidatorSet| {
        let header = child.blocks[height as usize - 1].header.clone();
        Checkpoint { certificate: crate::testkit::certified(set, &four, &header, 0), header }
    };
    parent.commit(vec![parent.checkpoint_tx(&checkpoint(4, &registered))]);
    assert_eq!(parent.state.child(id).expect("child").validators(), with_dave.as_slice());

    let set = ValidatorSet::new(with_dave).expect("a set");
    let uncertified = parent.checkpoint_tx(&checkpoint(5, &set));
    let (proof, at) = forged_and_proven(&mut parent, uncertified);
    assert_eq!(judged(&parent, &proof), Ok((crate::fraud::FraudKind::UncertifiedCheckpoint, at)));
}

/// `tx`, which the parent refuses, sealed anyway by a byzantine quorum: the watcher's proof of
/// the forged block and its height.
fn forged_and_proven(parent: &mut TestChain, tx: SignedTransaction) -> (FraudProof, u64) {
    let Err(refused) = parent.try_commit(vec![tx.clone()]) else {
        panic!("the parent refuses it");
    };
    parent.commit_unchecked(vec![tx]);
    let bad = parent.blocks.last().expect("the forged block").clone();
    let proof = parent
        .with_proof_context(|cx| crate::prove::build_proof(cx, &bad, &refused, |_| None))
        .expect("a proof");
    (proof, bad.header.height)
}

/// What `proof` convicts, judged as the parent's parent judges it.
fn judged(
    parent: &TestChain,
    proof: &FraudProof,
) -> Result<(crate::fraud::FraudKind, u64), crate::fraud::FraudError> {
    let verdict = crate::fraud::judge(&parent.domain, proof, |_| None, |_| None, |_| None);
    verdict.map(|v| (v.kind, v.height))
}

/// Mallory's sybils fill the set, ten bidders outbid them one unit at a time, and a quorum
/// seats Erin's tie anyway: the watcher's proof shows the twelve strongest bonds (what the
/// registration lacks of a full set at her power), not all twenty-two, so that bonding
/// again and again cannot make a refusal too dear to prove.
#[test]
fn a_refused_bond_is_proven_by_a_full_sets_worth_of_bonds_whatever_came_before() {
    let free = MAX_CHILD_VALIDATORS - 4;
    let mut funds: Vec<_> = (0..free).map(|i| (format!("sybil-{i}"), 100)).collect();
    funds.extend((1..=10).map(|i| (format!("bidder-{i}"), 100 + i)));
    funds.push(("erin".into(), 100));
    let (mut parent, id, joiners) = funded(&funds);
    let (bidders, erin) = joiners.split_at(joiners.len() - 1);
    for j in bidders {
        parent.commit(vec![bond(&parent, id, j)]);
    }
    let tie = bond(&parent, id, &erin[0]);
    let (proof, at) = forged_and_proven(&mut parent, tie);
    let ev: ChildRecordEvidence =
        decode("ChildRecordEvidence", &proof.evidence, 1 << 20).expect("its evidence");
    assert_eq!(ev.earlier.len(), free, "the bonds that fill the set at her power, no more");
    assert_eq!(judged(&parent, &proof), Ok((crate::fraud::FraudKind::ChildRecord, at)));
}

/// A member who lost its seat bonds no second stake, under its operator or its key: an
/// operator or key once bonded to the child stays its own (a parent's record of a child only
/// grows, so the root proves a second bond from the first), as the root's `bond` refuses a
/// stake not withdrawn.
#[test]
fn a_member_who_lost_its_seat_cannot_bond_again() {
    let free = MAX_CHILD_VALIDATORS - 4;
    let mut funds: Vec<_> = (0..free).map(|i| (format!("sybil-{i}"), 100)).collect();
    funds.push(("dave".into(), 200));
    funds.push((format!("sybil-{}", free - 1), 300));
    funds.push(("zed".into(), 300));
    let (mut parent, id, mut joiners) = funded(&funds);
    for s in &joiners[..=free] {
        parent.commit(vec![bond(&parent, id, s)]);
    }
    let loser = joiners[free - 1].key.address();
    let pending = operators(parent.state.child(id).expect("child").pending_set().expect("set"));
    assert!(!pending.contains(&loser), "Dave took its seat");
    // Its operator with a fresh key; a fresh operator with its key.
    joiners[free + 1].bls = BlsSecretKey::from_seed(b"a fresh key");
    joiners[free + 2].bls = BlsSecretKey::from_seed(format!("bls-sybil-{}", free - 1).as_bytes());
    let staked = parent.state.child(id).expect("child").staked;
    for again in [&joiners[free + 1], &joiners[free + 2]] {
        let second = bond(&parent, id, again);
        assert_eq!(refusal(&mut parent, second), ChildError::AlreadyBonded(loser));
    }
    assert_eq!(parent.state.child(id).expect("child").staked, staked);
    assert_eq!(parent.state.child_stake(id, &loser), U256::from(100 * POWER_UNIT));
    assert_eq!(parent.state.child_stake(id, &joiners[free + 2].key.address()), U256::ZERO);
}
