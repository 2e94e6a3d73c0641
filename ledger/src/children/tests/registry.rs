//! Registration, checkpoints and deposits into a child.

use super::*;
use crate::children::MAX_CHECKPOINT_HEIGHT;
use crate::form::FormError;
use crate::header::MAX_CLOCK_DRIFT_S;
use crate::registration::{RegistrationError, MAX_CHILD_VALIDATORS};
use crate::types::TxRef;

#[test]
fn a_registration_creates_the_child_it_names() {
    let mut parent = parent_chain();
    let reg = registration(4, 7);
    let id = child_chain_id(parent.domain.chain_id, &reg);
    assert_ne!(id >> 63, 0, "plasma-assigned ids never meet the root's");
    let (_, delta) = parent.commit(vec![register_child_tx(&reg)]);
    let record = parent.state.child(id).expect("registered");
    assert_eq!(record.validators(), reg.validators);
    assert_eq!((record.last_height, record.next_deposit_nonce), (0, 0));
    assert_eq!(delta.registry.get(&id), Some(&record));
    // The same registration again names the same id and is refused; a new salt is not.
    assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::AlreadyRegistered(id));
    let other = registration(4, 8);
    parent.commit(vec![register_child_tx(&other)]);
    assert!(parent.state.is_child(child_chain_id(parent.domain.chain_id, &other)));
}

/// What the form rule says of a registration (`crate::registration`): refused whatever the
/// state, so provable from the transaction alone.
fn malformed(chain: &mut TestChain, reg: &ChildRegistration) -> RegistrationError {
    match tx_refusal(chain, register_child_tx(reg)) {
        TxError::Form(FormError::Registration(e)) => e,
        other => panic!("expected a malformed registration, got {other:?}"),
    }
}

#[test]
fn a_registration_without_possession_is_malformed() {
    let mut parent = parent_chain();
    // Validator 2's proof was made for another operator: a rogue-key attempt.
    let mut reg = registration(4, 0);
    let (keys, _) = committee(4);
    reg.proofsOfPossession[2] =
        keys[2].proof_of_possession(Address::repeat_byte(9)).to_eip2537().to_vec().into();
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::Possession(2));
    // The point at infinity is no key, and proves nothing.
    let mut reg = registration(4, 0);
    reg.validators[1].blsPubkey = vec![0u8; 256].into();
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::Possession(1));
    let mut reg = registration(4, 0);
    reg.proofsOfPossession[0] = vec![0u8; 128].into();
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::Possession(0));

    let mut reg = registration(4, 0);
    reg.validators[3].blsPubkey = reg.validators[1].blsPubkey.clone();
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::Duplicate(3));
    let mut reg = registration(4, 0);
    reg.validators[2].operator = reg.validators[0].operator;
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::Duplicate(2));

    let mut reg = registration(4, 0);
    reg.proofsOfPossession.pop();
    assert_eq!(
        malformed(&mut parent, &reg),
        RegistrationError::ProofCount { validators: 4, proofs: 3 }
    );
    let mut reg = registration(4, 0);
    reg.validators[1].power = 0;
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::ZeroPower(1));
    let mut reg = registration(4, 0);
    reg.validators.clear();
    reg.proofsOfPossession.clear();
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::SetSize(0));
    let reg = registration(MAX_CHILD_VALIDATORS + 1, 0);
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::SetSize(MAX_CHILD_VALIDATORS + 1));

    let mut reg = registration(4, 0);
    reg.params.epochLength = 0;
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::BadParams);
    let mut reg = registration(4, 0);
    reg.params.exitPeriod = 0;
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::BadParams);
    // The most validators a child may register with.
    parent.commit(vec![register_child_tx(&registration(MAX_CHILD_VALIDATORS, 0))]);

    // A signed system transaction is malformed before it is judged as one.
    let mut bare = register_child_tx(&registration(4, 0));
    bare.signatures.push(vec![0u8; 65].into());
    assert!(matches!(
        parent.try_commit(vec![bare]),
        Err(BlockError::InvalidTransaction {
            error: TxError::Form(crate::form::FormError::SignatureCount {
                inputs: 0,
                signatures: 1
            }),
            ..
        })
    ));

    // An undecodable payload is malformed, provable from the transaction alone.
    let mut garbage = register_child_tx(&registration(4, 0));
    garbage.transaction.data = vec![1, 2, 3].into();
    assert!(matches!(
        parent.try_commit(vec![garbage]),
        Err(BlockError::InvalidTransaction {
            error: TxError::Form(crate::form::FormError::Payload(_)),
            ..
        })
    ));
    assert_eq!(parent.blocks.len(), 1, "only the valid registration was committed");
}

#[test]
fn a_checkpoint_is_accepted_only_newer_and_with_two_thirds_of_the_set() {
    let (mut parent, id) = parent_with_child();
    let cp = child_checkpoint(id, 4, &[0, 1, 2]);
    let (_, delta) = parent.commit(vec![parent.checkpoint_tx(&cp)]);
    let record = parent.state.child(id).expect("child");
    assert_eq!((record.last_height, record.last_hash), (4, cp.header.hash()));
    assert_eq!(delta.registry[&id], record);

    // The same height again (other signers) is not newer.
    let again = child_checkpoint(id, 4, &[1, 2, 3]);
    assert_eq!(
        checkpoint_refusal(&mut parent, &again),
        ChildError::NotNewer { chain: id, height: 4, last: 4 }
    );
    // Two of four is not more than two thirds.
    let weak = child_checkpoint(id, 8, &[0, 3]);
    assert!(matches!(
        checkpoint_refusal(&mut parent, &weak),
        ChildError::Certificate(CertificateError::InsufficientPower { .. })
    ));
    // A certificate for another header.
    let mut swapped = child_checkpoint(id, 8, &[0, 1, 2]);
    swapped.header.timestamp += 1;
    assert!(matches!(
        checkpoint_refusal(&mut parent, &swapped),
        ChildError::Certificate(CertificateError::HeaderMismatch { .. })
    ));
    // A header naming another set (certified by that other set).
    let mut foreign = child_checkpoint(id, 8, &[0, 1, 2]);
    foreign.header.validatorSetHash = B256::repeat_byte(1);
    assert!(matches!(checkpoint_refusal(&mut parent, &foreign), ChildError::WrongSet { .. }));
    // A chain that is not a child: nothing it could follow.
    let stranger = child_checkpoint(id ^ 1, 8, &[0, 1, 2]);
    let nothing = TxRef::default();
    assert_eq!(
        checkpoint_refusal(&mut parent, &stranger),
        ChildError::NotFollowing { chain: id ^ 1, expected: nothing, got: nothing }
    );
    // Two newer checkpoints in one block: both land, in order.
    let c8 = child_checkpoint(id, 8, &[0, 1, 2]);
    let c12 = child_checkpoint(id, 12, &[0, 1, 3]);
    // The second follows the first, at index 0 of the same block.
    let first = TxRef { height: parent.tip().height + 1, index: 0 };
    parent.commit(vec![parent.checkpoint_tx(&c8), child_checkpoint_tx(&c12, first)]);
    let record = parent.state.child(id).expect("child");
    assert_eq!((record.last_height, record.last_hash), (12, c12.header.hash()));
}

#[test]
fn a_checkpoint_that_skips_the_latest_accepted_one_is_refused_and_changes_nothing() {
    let (mut parent, id) = parent_with_child();
    let registered = parent.state.child(id).expect("child").last_ref;
    assert_eq!(registered, TxRef { height: 1, index: 0 }, "the registration is the first link");
    let c4 = child_checkpoint(id, 4, &[0, 1, 2]);
    parent.commit(vec![parent.checkpoint_tx(&c4)]);
    let accepted = parent.state.child(id).expect("child");
    assert_eq!(accepted.last_ref, TxRef { height: 2, index: 0 }, "the checkpoint is the next");

    // A valid certificate of a newer block, linked past the accepted checkpoint to the
    // registration, to nothing, and to a transaction ahead of it: each refused.
    let c8 = child_checkpoint(id, 8, &[0, 1, 2]);
    for stale in [registered, TxRef::default(), TxRef { height: 3, index: 0 }] {
        let error = refusal(&mut parent, child_checkpoint_tx(&c8, stale));
        let expected = TxRef { height: 2, index: 0 };
        assert_eq!(error, ChildError::NotFollowing { chain: id, expected, got: stale });
    }
    assert_eq!(parent.state.child(id), Some(accepted), "the record is untouched");
    assert_eq!(parent.blocks.len(), 2, "no block accepted a skipping checkpoint");
}

#[test]
fn a_checkpoint_naming_a_next_set_the_parent_did_not_activate_is_refused_as_inactive() {
    let (mut parent, id) = parent_with_child();
    let registered = parent.state.child(id).expect("child").set_hash();
    // An epoch end naming, as the next set, one no bond proposed: the parent keeps the old.
    let unbonded = B256::repeat_byte(0x4e);
    let (keys, set) = committee(4);
    let mut header = child_checkpoint(id, 4, &[0, 1, 2]).header;
    header.nextValidatorSetHash = unbonded;
    let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
    let certificate = crate::testkit::certified(&set, &signers, &header, 0);
    parent.commit(vec![parent.checkpoint_tx(&Checkpoint { header, certificate })]);
    let record = parent.state.child(id).expect("child");
    assert_eq!(record.set_hash(), registered, "still the registered set");
    assert_eq!((record.last_named_set, record.last_next_set), (registered, unbonded));
    // The next checkpoint naming it is refused as inactive (the parent's bookkeeping of bonds
    // and epochs), not as a set its predecessor leaves no room for.
    let mut next = child_checkpoint(id, 8, &[0, 1, 2]);
    next.header.validatorSetHash = unbonded;
    assert_eq!(
        checkpoint_refusal(&mut parent, &next),
        ChildError::InactiveSet { chain: id, named: unbonded }
    );
    assert_eq!(parent.state.child(id).expect("child").last_height, 4, "nothing accepted");
}

/// The child's header at `height` (its chain holds one block), certified by `signers`: what a
/// quorum may sign for a height the chain has not reached.
fn checkpoint_at(id: u64, height: u64, signers: &[usize]) -> Checkpoint {
    let (keys, set) = committee(4);
    let mut header = child_checkpoint(id, 1, signers).header;
    header.height = height;
    let keys: Vec<_> = signers.iter().map(|i| (*i, &keys[*i])).collect();
    let certificate = crate::testkit::certified(&set, &keys, &header, 0);
    Checkpoint { header, certificate }
}

#[test]
fn a_far_future_checkpoint_cannot_block_the_child() {
    let (mut parent, id) = parent_with_child();
    parent.commit(vec![parent.checkpoint_tx(&child_checkpoint(id, 4, &[0, 1, 2]))]);
    // A quorum certifies a header one block past the gap: refused.
    let far = checkpoint_at(id, 4 + MAX_CHECKPOINT_GAP + 1, &[0, 1, 2]);
    assert_eq!(
        checkpoint_refusal(&mut parent, &far),
        ChildError::TooFarAhead {
            chain: id,
            height: far.header.height,
            limit: 4 + MAX_CHECKPOINT_GAP
        }
    );
    // The honest next checkpoint still lands.
    let honest = child_checkpoint(id, 8, &[1, 2, 3]);
    parent.commit(vec![parent.checkpoint_tx(&honest)]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 8);
    // The bound is inclusive: a jump of exactly the gap lands.
    let widest = checkpoint_at(id, 8 + MAX_CHECKPOINT_GAP, &[0, 1, 3]);
    parent.commit(vec![parent.checkpoint_tx(&widest)]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 8 + MAX_CHECKPOINT_GAP);
}

/// A quorum that stamps a checkpoint far in the future would push every output of it out of
/// exit reach (an exit waits two periods from its output's time): the parent refuses a
/// checkpoint timed ahead of its own block by more than the clock drift a header may have.
#[test]
fn a_checkpoint_timed_ahead_of_the_parent_is_refused() {
    let (mut parent, id) = parent_with_child();
    let now = 1_000 + parent.blocks.len() as u64 * 10 + parent.clock_offset;
    let (keys, set) = committee(4);
    let timed = |time: u64| {
        let mut header = child_checkpoint(id, 4, &[0, 1, 2]).header;
        header.timestamp = time;
        let signers: Vec<_> = [0, 1, 2].iter().map(|i| (*i, &keys[*i])).collect();
        let certificate = crate::testkit::certified(&set, &signers, &header, 0);
        Checkpoint { header, certificate }
    };
    let ahead = timed(now + MAX_CLOCK_DRIFT_S + 1);
    assert_eq!(
        checkpoint_refusal(&mut parent, &ahead),
        ChildError::AheadOfClock { chain: id, time: now + MAX_CLOCK_DRIFT_S + 1, now }
    );
    assert_eq!(parent.state.child(id).expect("child").last_height, 0, "nothing landed");
    // Within the drift it lands.
    parent.commit(vec![parent.checkpoint_tx(&timed(now + MAX_CLOCK_DRIFT_S))]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 4);
}

/// A block past the history tree's last leaf (2^32 - 1) is in no history a checkpoint can
/// prove: as a checkpoint it could prove its own outputs, so the parent refuses it.
#[test]
fn a_checkpoint_past_the_history_tree_is_refused() {
    let (mut parent, id) = parent_with_child();
    let highest = (1u64 << crate::merkle::HISTORY_DEPTH) - 1;
    assert_eq!(highest, MAX_CHECKPOINT_HEIGHT);
    // As if the child had come within two blocks of the end.
    parent.state.registry.get_mut(&id).expect("child").last_height = highest - 1;
    let past = checkpoint_at(id, highest + 1, &[0, 1, 2]);
    // Malformed: no state could accept it, so it is provable from the transaction alone.
    assert!(matches!(
        parent.try_commit(vec![parent.checkpoint_tx(&past)]),
        Err(BlockError::InvalidTransaction {
            error: TxError::Form(crate::form::FormError::HeightOutOfRange(h)),
            ..
        }) if h == highest + 1
    ));
    parent.commit(vec![parent.checkpoint_tx(&checkpoint_at(id, highest, &[0, 1, 2]))]);
    assert_eq!(parent.state.child(id).expect("child").last_height, highest);
}

#[test]
fn an_epoch_longer_than_the_checkpoint_gap_is_refused() {
    // Its epoch ends would lie beyond any checkpoint's reach: no set change could land.
    let mut parent = parent_chain();
    let mut reg = registration(4, 0);
    reg.params.epochLength = MAX_CHECKPOINT_GAP + 1;
    assert_eq!(malformed(&mut parent, &reg), RegistrationError::BadParams);
    reg.params.epochLength = MAX_CHECKPOINT_GAP;
    parent.commit(vec![register_child_tx(&reg)]);
}

#[test]
fn deposits_into_a_child_are_numbered_by_where_their_locks_stand_and_readable_from_the_block() {
    let (mut parent, id) = parent_with_child();
    let alice = user("alice");
    let funds = parent.record_deposit(alice.address(), Address::ZERO, 100);
    parent.commit(vec![build::deposit_transaction(&funds)]);
    let lock = |to: Address, amount: u64| lock_into(id, to, Address::ZERO, amount);
    let bob = Address::repeat_byte(0xb0);
    let first = build::sign(
        &parent.domain,
        build::transaction(
            Kind::DepositToChild,
            vec![UtxoPos::new(2, 0, 0)],
            vec![Output::new(alice.address(), Address::ZERO, U256::from(70))],
            lock(bob, 30).abi_encode(),
        ),
        &[&alice],
    );
    let second = build::sign(
        &parent.domain,
        build::transaction(
            Kind::DepositToChild,
            vec![UtxoPos::new(3, 0, 0)],
            vec![],
            lock(alice.address(), 70).abi_encode(),
        ),
        &[&alice],
    );
    let (block, delta) = parent.commit(vec![first, second]);
    let locked: Vec<_> = delta.child_deposits.iter().map(|d| d.record.clone()).collect();
    let nonces: Vec<_> = locked.iter().map(|d| (d.nonce, d.amount)).collect();
    // Numbered by where their locks stand: block 3, transactions 0 and 1.
    let at = |index| TxRef { height: 3, index }.deposit_nonce();
    assert_eq!(nonces, [(at(0), U256::from(30)), (at(1), U256::from(70))]);
    assert_eq!(at(1), 3 << 32 | 1);
    assert!(locked.iter().all(|d| d.depositor == alice.address()));
    assert_eq!(locked[0].recipient, bob);
    // Recorded at the block's time: an exit from the record takes its priority from it.
    assert!(delta.child_deposits.iter().all(|d| d.recorded_at == block.header.timestamp));
    assert_eq!(parent.state.child(id).expect("child").next_deposit_nonce, at(1) + 1);
    assert_eq!(parent.state.escrow(id, &Address::ZERO), U256::from(100));

    // A light client of the parent reads the very same records from the block.
    let read = child_events(&parent.domain, &block, id, (&[], &|_| None), &crate::signing::Recover);
    let records: Vec<_> = read
        .into_iter()
        .map(|e| match e {
            ChildEvent::Deposit { record, .. } => record,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(records, locked);
    // Another child sees nothing.
    assert!(child_events(
        &parent.domain,
        &block,
        id ^ 1,
        (&[], &|_| None),
        &crate::signing::Recover
    )
    .is_empty());
}
