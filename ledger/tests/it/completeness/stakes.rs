//! The law's cases about a child's stakes at a plasma parent: a stake, bond or fraud proof
//! names where the parent last changed them and what they hold after it, so that a quorum
//! that pays a fraud proof's prover more than was staked (value the parent's users would
//! exit from the root), or stakes into a child it never registered, is proven from the
//! parent's history.

use super::exits::{after_acceptance, alices};
use super::*;
use plasma_ledger::signing::UserKey;
use plasma_ledger::testkit::stakes::{bond_on, stake_on, stakes_of};
use plasma_ledger::view::LedgerView;
use plasma_ledger::{ChildBond, ChildFraudProof};

/// One gwei: the least a bond may be.
const GWEI: u64 = plasma_ledger::POWER_UNIT;

/// [`after_acceptance`]'s chain (the child registered at 3:0, no stake yet), then block 4:
/// deposit 1 (Alice's 50) and deposit 2 (Alice's 3 gwei) minted, and Alice's stake of 20 of
/// her 50 at 3:3:0 into the child (4:2, her 30 back at 4:2:0). Returns the chain and the child.
fn staked() -> (TestChain, u64) {
    let (_, mut chain) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let alice = testkit::user("alice").address();
    let first = chain.state.parent_deposits[&1].clone();
    let second = chain.record_deposit(alice, Address::ZERO, 3 * GWEI);
    let stake = stake_on(child, 20, stakes_of(&chain.state, child));
    let txs = vec![
        build::deposit_transaction(&first),
        build::deposit_transaction(&second),
        alices(&chain, Kind::StakeChild, (3, 3), 30, stake.abi_encode()),
    ];
    chain.commit(txs);
    (chain, child)
}

/// A proof that `child`'s validators certified two blocks at height 1, standing on `stakes`
/// (where they last changed, what they hold after it), paying `reward` to `prover`.
fn proof(
    child: u64,
    (at, staked): (TxRef, u64),
    prover: Option<&UserKey>,
    reward: u64,
) -> SignedTransaction {
    let c = ChildFraudProof {
        childChainId: child,
        proof: equivocation(child),
        stakesHeight: at.height,
        stakesIndex: at.index,
        staked: U256::from(staked),
        ..Default::default()
    };
    // Signed in the domain of the chains these cases build (`testkit::domain`); `None` names
    // no prover.
    let c = match prover {
        Some(key) => plasma_ledger::children::signed_by(&testkit::domain(), key, c),
        None => c,
    };
    build::prove_child_fraud_tx(&c, U256::from(reward))
}

/// The fraud proof `stx` with its payload edited by `edit` (its stakes and output kept).
fn edited(stx: &SignedTransaction, edit: impl FnOnce(&mut ChildFraudProof)) -> SignedTransaction {
    let data = &stx.transaction.data;
    let mut c: ChildFraudProof =
        plasma_ledger::types::decode("ChildFraudProof", data, 1 << 20).expect("a fraud proof");
    edit(&mut c);
    let mut stx = stx.clone();
    stx.transaction.data = c.abi_encode().into();
    stx
}

/// Alice's bond of two gwei (the child's minimum) of her 3 at 4:1:0 into `child` (validator
/// key 4, possessed by her), standing on `stakes` and saying they hold `more` beyond what that
/// makes.
fn bond(c: &TestChain, child: u64, stakes: (TxRef, U256), more: u64) -> SignedTransaction {
    let alice = testkit::user("alice");
    let (keys, _) = testkit::committee(5);
    let bond = ChildBond {
        childChainId: child,
        amount: U256::from(2 * GWEI),
        blsPubkey: keys[4].public_key().to_eip2537().to_vec().into(),
        proofOfPossession: keys[4]
            .proof_of_possession(alice.address())
            .to_eip2537()
            .to_vec()
            .into(),
        ..Default::default()
    };
    let mut bond = bond_on(bond, stakes);
    bond.staked += U256::from(more);
    alices(c, Kind::BondChild, (4, 1), GWEI, bond.abi_encode())
}

#[test]
fn every_stake_or_bond_its_stakes_link_does_not_found_is_convicted_by_the_watchers_proof() {
    // The child's stakes last changed at 4:2 (Alice's 20); block 5 holds Alice's stake of 10
    // of her 30 at 4:2:0, or her bond, standing elsewhere or saying they hold other than 30.
    let (before, child) = staked();
    let at = |height, index| TxRef { height, index };
    let stake = |c: &TestChain, into: u64, link: TxRef, staked: u64| {
        let stake = stake_on(into, 10, (link, U256::from(staked - 10)));
        alices(c, Kind::StakeChild, (4, 2), 20, stake.abi_encode())
    };
    let cases: Vec<(&str, Fault)> = vec![
        (
            "a stake naming the registration, past a stake of the child",
            Box::new(move |c| vec![stake(c, child, at(3, 0), 10)]),
        ),
        (
            "a stake naming a checkpoint as where the stakes last changed",
            Box::new(move |c| vec![stake(c, child, at(3, 1), 30)]),
        ),
        (
            "a stake saying the stakes hold more than they and its amount make",
            Box::new(move |c| vec![stake(c, child, at(4, 2), 31)]),
        ),
        (
            "a stake saying the stakes hold less than they and its amount make",
            Box::new(move |c| vec![stake(c, child, at(4, 2), 29)]),
        ),
        ("a stake naming no place", Box::new(move |c| vec![stake(c, child, at(0, 0), 10)])),
        (
            "a stake naming a place past its block's end",
            Box::new(move |c| vec![stake(c, child, at(4, 7), 30)]),
        ),
        (
            "a stake into a child never registered, on another child's stakes",
            Box::new(move |c| vec![stake(c, child + 1, at(4, 2), 30)]),
        ),
        (
            "a stake into a child never registered, on another child's registration",
            Box::new(move |c| vec![stake(c, child + 1, at(3, 0), 10)]),
        ),
        (
            "a bond saying the stakes hold more than they and its amount make",
            Box::new(move |c| vec![bond(c, child, (at(4, 2), U256::from(20)), 1)]),
        ),
        (
            "a bond naming the registration, past a stake of the child",
            Box::new(move |c| vec![bond(c, child, (at(3, 0), U256::ZERO), 0)]),
        ),
    ];
    for (name, fault) in cases {
        let mut chain = before.clone();
        chain.commit_unchecked(fault(&chain));
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &before, 5, |_| 5);
    }
    // Standing on the stake at 4:2, both are taken: the stakes hold 20 + 10 + 2 gwei.
    let mut chain = before.clone();
    let then = TxRef { height: 5, index: 0 };
    let bond = bond(&chain, child, (then, U256::from(30)), 0);
    chain.commit(vec![stake(&chain, child, at(4, 2), 30), bond]);
    let record = chain.state.child(child).expect("registered");
    let held = (record.stakes_ref, record.staked);
    assert_eq!(held, (TxRef { height: 5, index: 1 }, U256::from(30 + 2 * GWEI)));
}

#[test]
fn every_fraud_proof_paying_more_than_the_stakes_it_takes_is_convicted() {
    // The child's stakes hold Alice's 20 (4:2). Mallory proves the child's validators
    // equivocated, in block 5: a quorum of the parent would have the proof pay her more than
    // half of what it takes, take more than the stakes hold, or pay from a child never
    // registered, whose stakes nobody staked; she would exit it from the root.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let on = |height, index, staked| (TxRef { height, index }, staked);
    let cases = [
        ("a fraud proof paying more than half of what it takes", child, on(4, 2, 0), 11),
        ("a fraud proof taking more than the stakes hold", child, on(4, 2, 0), 20),
        ("a fraud proof leaving the stakes more than they hold", child, on(4, 2, 30), 0),
        ("a fraud proof naming the registration, past a stake", child, on(3, 0, 0), 0),
        ("a fraud proof against a child never registered", child + 1, on(4, 2, 0), 10),
        ("a fraud proof naming a deposit's lock as the stakes", child, on(3, 2, 0), 10),
    ];
    for (name, against, stakes, reward) in cases {
        let mut chain = before.clone();
        chain.commit_unchecked(vec![proof(against, stakes, Some(&mallory), reward)]);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &before, 5, |_| 5);
    }
    let mut chain = before.clone();
    chain.commit_unchecked(vec![proof(child, on(4, 2, 20), None, 0)]);
    chain.commit_unchecked(Vec::new());
    assert_convicted("a fraud proof paying no prover", &chain, &before, 5, |_| 5);
    // A proof that convicts nobody (its evidence is garbage), paying Mallory 1,000: what it
    // pays is judged before what it proves.
    let garbage = edited(&proof(child, on(4, 2, 0), Some(&mallory), 1_000), |c| {
        c.proof.evidence = vec![1, 2, 3].into();
    });
    let mut chain = before.clone();
    chain.commit_unchecked(vec![garbage]);
    chain.commit_unchecked(Vec::new());
    assert_convicted("a fraud proof of nothing paying 1,000", &chain, &before, 5, |_| 5);

    // The child's validators staked nothing: the honest proof takes nothing, pays nothing,
    // and leaves Alice's 20 standing.
    let mut chain = before.clone();
    chain.commit(vec![proof(child, on(4, 2, 20), Some(&mallory), 0)]);
    let record = chain.state.child(child).expect("registered");
    assert_eq!((record.rollback_height, record.staked), (1, U256::from(20)));
    assert_eq!(record.stakes_ref, TxRef { height: 5, index: 0 });
}

#[test]
fn a_fraud_proof_taking_another_operators_stake_is_bookkeeping_not_minting() {
    // Taking Alice's 20 and paying Mallory 10 stays within what the stakes hold: which
    // operators a proof convicts is the parent's bookkeeping, and mints nothing.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let mut chain = before.clone();
    chain.commit_unchecked(vec![proof(
        child,
        (TxRef { height: 4, index: 2 }, 0),
        Some(&mallory),
        10,
    )]);
    let run = &chain.blocks[4..];
    let (_, error) = first_invalid(&chain.domain, &before.state, run).expect("refused");
    assert!(matches!(verdict(&error), Open(_)), "{error}");
}

#[test]
fn an_overpaying_fraud_proof_behind_an_unproven_fault_is_still_convicted() {
    // Block 5: a fraud proof taking Alice's 20 and paying Mallory 10 (within the stakes: which
    // operators it takes is bookkeeping, not proven), then one standing on it paying Mallory
    // 1,000 from stakes that hold nothing. The watcher cannot prove the first refusal; it
    // proves the second, and the block is convicted all the same.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let mut chain = before.clone();
    let hidden = proof(child, (TxRef { height: 4, index: 2 }, 0), Some(&mallory), 10);
    let minting = proof(child, (TxRef { height: 5, index: 0 }, 0), Some(&mallory), 1_000);
    chain.commit_unchecked(vec![hidden, minting]);
    chain.commit_unchecked(Vec::new());
    let run = &chain.blocks[4..];
    let (bad, refusals) =
        first_refusals(&chain.domain, &before.state, run).expect("block 5 is refused");
    assert_eq!(bad.header.height, 5);
    assert!(matches!(verdict(&refusals[0]), Open(_)), "{}", refusals[0]);
    let records = |n: u64| before.state.parent_deposits.get(&n).cloned();
    let only_first = chain.with_proof_context(|cx| build_proof(cx, bad, &refusals[0], records));
    assert!(only_first.is_err(), "the first refusal has no proof");
    let proof = chain
        .with_proof_context(|cx| build_first_proof(cx, bad, &refusals, records))
        .expect("the second refusal's proof");
    let judged = fraud::judge(&chain.domain, &proof, records, |_| None, |_| None)
        .expect("the parent convicts the block");
    assert_eq!((judged.kind, judged.height), (FraudKind::UnfoundedStake, 5));
}

#[test]
fn a_second_fraud_proof_taking_the_same_stakes_behind_an_unproven_one_is_convicted() {
    // Block 5: a fraud proof taking Alice's 20 and paying Mallory 10 (bookkeeping, not
    // proven), then another standing on the same stake, taking the same 20 and paying 10 more,
    // with evidence that proves nothing. Judging the block, the ledger takes the first as
    // given, so the second stands on the stakes it sees and is refused only for its evidence
    // (not proven either). The parent's history holds the first between the second and its
    // link: the watcher proves that.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let on_alices = (TxRef { height: 4, index: 2 }, 0);
    let hidden = proof(child, on_alices, Some(&mallory), 10);
    // Signed again by Mallory once edited: it is refused for what it proves, not who.
    let again = edited(&proof(child, on_alices, Some(&mallory), 10), |c| {
        c.proof.evidence = vec![1, 2, 3].into();
        *c = plasma_ledger::children::signed_by(&testkit::domain(), &mallory, c.clone());
    });
    let mut chain = before.clone();
    chain.commit_unchecked(vec![hidden, again]);
    chain.commit_unchecked(Vec::new());
    let run = &chain.blocks[4..];
    let (bad, refusals) =
        first_refusals(&chain.domain, &before.state, run).expect("block 5 is refused");
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(refusals.iter().all(|e| matches!(verdict(e), Open(_))), "{refusals:?}");
    let records = |n: u64| before.state.parent_deposits.get(&n).cloned();
    let proof = chain
        .with_proof_context(|cx| build_first_proof(cx, bad, &refusals, records))
        .expect("the second's link, shown wrong by the first");
    let judged = fraud::judge(&chain.domain, &proof, records, |_| None, |_| None)
        .expect("the parent convicts the block");
    assert_eq!((judged.kind, judged.height), (FraudKind::UnfoundedStake, 5));
}

#[test]
fn a_valid_transaction_too_large_for_a_block_reader_is_convicted() {
    // An equivocation proof never reads its anchor's certificate: a quorum pads it until the
    // payload is within 32 KiB and the whole transaction is not. No node reads a block holding
    // it (the chain halts), so it is malformed, and proven.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let honest = proof(child, (TxRef { height: 4, index: 2 }, 20), Some(&mallory), 0);
    let room = plasma_ledger::MAX_TX_BYTES - honest.transaction.data.len();
    let padded = edited(&honest, |c| {
        c.proof.anchorCertificate.aggregateSignature = vec![0; room / 32 * 32].into();
    });
    assert!(padded.transaction.data.len() <= plasma_ledger::MAX_TX_BYTES);
    assert!(padded.abi_encode().len() > plasma_ledger::MAX_TX_BYTES);
    let mut chain = before.clone();
    chain.commit_unchecked(vec![padded]);
    chain.commit_unchecked(Vec::new());
    assert_convicted("a fraud proof too large for a block's reader", &chain, &before, 5, |_| 5);
    // The same proof within the limit is valid: the child freezes.
    let mut chain = before.clone();
    chain.commit(vec![honest]);
    assert_eq!(chain.state.child(child).expect("registered").rollback_height, 1);
}

#[test]
fn a_block_no_proof_covers_does_not_hide_a_proven_fault_after_it() {
    // Block 5: a fraud proof taking Alice's 20 and paying Mallory 10 (which operators it takes
    // is bookkeeping, not proven). Block 6 spends an output block 5 never created. The
    // watcher judges block 6 with block 5 taken as given, and proves it.
    let (before, child) = staked();
    let mallory = testkit::user("mallory");
    let mut chain = before.clone();
    chain.commit_unchecked(vec![proof(
        child,
        (TxRef { height: 4, index: 2 }, 0),
        Some(&mallory),
        10,
    )]);
    let spend = build::transfer(
        &chain.domain,
        &[(UtxoPos::new(5, 0, 3), &mallory)],
        vec![Output::new(mallory.address(), Address::ZERO, U256::from(10))],
    );
    chain.commit_unchecked(vec![spend]);
    chain.commit_unchecked(Vec::new());
    let run = &chain.blocks[4..];
    let refused: Vec<_> = refused_blocks(&chain.domain, &before.state, run).collect();
    let heights: Vec<_> = refused.iter().map(|(b, _)| b.header.height).collect();
    assert_eq!(heights, [5, 6]);
    let records = |n: u64| before.state.parent_deposits.get(&n).cloned();
    let proof = |i: usize| {
        let (bad, refusals) = &refused[i];
        chain.with_proof_context(|cx| build_first_proof(cx, bad, refusals, records))
    };
    assert!(proof(0).is_err(), "block 5 has no proof yet");
    let judged = fraud::judge(&chain.domain, &proof(1).unwrap(), records, |_| None, |_| None)
        .expect("the parent convicts block 6");
    assert_eq!((judged.kind, judged.height), (FraudKind::NonexistentInput, 6));
}
