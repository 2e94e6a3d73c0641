//! Two accepted checkpoints that disagree about a block void the later one's fork: its exits
//! are cancelled and what the honest history holds stands. A fork takes the stake of who
//! signed two blocks in one round only: an honest validator may be on either side of one split
//! across rounds (`crate::fraud::convicted`).

use super::*;

/// Every validator precommits block 5 in round 0 and another block 5 in round 1: what an
/// honest validator does when a faulty third splits the rounds (it follows a later quorum of
/// prevotes). The proof freezes the child at 5; nobody loses a stake and Dave earns nothing.
#[test]
fn an_equivocation_across_rounds_freezes_the_child_and_takes_no_stake() {
    let mut w = Rollback::new();
    w.parent.commit(w.parent.linked(vec![w.checkpoint(4)]));
    let all: &[usize] = &[0, 1, 2, 3];
    let split = w.equivocation_in_rounds(5, (all, 0), (all, 1));
    // A reward of half the four stakes is refused: the proof takes none of them.
    assert!(matches!(
        tx_refusal(&mut w.parent, prove_child_fraud_tx(&split, U256::from(20))),
        TxError::System(e) if *e == ChildError::RewardOutput
    ));
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&split, U256::ZERO)])
        .expect("two blocks certified at one height freeze the child");
    assert_eq!(w.rollback_height(), 5);
    assert_eq!(w.stakes(), [U256::from(10); 4], "no honest stake taken");
    assert!(created_for(&delta, dave()).is_empty(), "nothing to reward");
    // In one round, who signed both (operators 1 and 2) loses its stake.
    let one_round = w.equivocation_in_rounds(3, (&[0, 1, 2], 1), (&[1, 2, 3], 1));
    w.parent.commit(vec![prove_child_fraud_tx(&one_round, U256::from(10))]);
    assert_eq!(w.rollback_height(), 3);
    assert_eq!(w.stakes(), [U256::from(10), U256::ZERO, U256::ZERO, U256::from(10)]);
}

/// Operators 1 to 3 certify a fork over a history that disagrees with checkpoint 2: void from
/// 3 on. Its signers may have followed it honestly (a split across rounds below it), so the
/// proof takes no stake.
#[test]
fn a_fork_checkpointed_after_another_is_rolled_back_and_takes_no_stake() {
    let mut w = Rollback::new();
    // The whole committee checkpoints blocks 1 and 2: Bob has paid Carol 30. She exits it
    // under checkpoint 2.
    w.parent.commit(w.parent.linked(vec![w.checkpoint(1), w.checkpoint(2)]));
    let carols = UtxoPos::new(2, 0, 0);
    w.parent.commit(vec![w.start(&w.carol, carols.clone(), 2, UtxoPos::new(2, 5, 0))]);
    // Operators 1 to 3 certify the fork at 4, whose block 3 pays Bob's 30 to Mallory instead.
    // A checkpoint proves only its certificate: the parent accepts it, and Mallory exits the
    // same 30 under it.
    w.parent.commit(w.parent.linked(vec![w.fork_checkpoint(4, &[1, 2, 3])]));
    let mallorys = UtxoPos::new(3, 0, 0);
    let start = w.mallorys_fork_exit(&w.fork, mallorys.clone());
    w.parent.commit(vec![start]);
    assert_eq!(w.parent.state.exit_queue(w.id, &Address::ZERO).len(), 2);

    // Where the fork agrees with a checkpoint (block 1), it shows nothing.
    let agreeing = w.conflict(1, 4, &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&agreeing, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::HistoriesAgree)
    ));
    // Its block 2 is not checkpoint 2's: checkpoints up to 2 stand, the fork is void from 3
    // on. Every stake stands; Dave claims no reward.
    let fork = w.conflict(2, 4, &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&fork, U256::ZERO)])
        .expect("two checkpoints that disagree about block 2 void the later one");
    assert_eq!(w.rollback_height(), 3);
    assert!(created_for(&delta, dave()).is_empty());
    assert_eq!(w.stakes(), [U256::from(10); 4]);
    // A light client of the parent reads the same rollback from the certified block.
    let block = w.parent.blocks.last().expect("the proof's block");
    let read =
        child_events(&w.parent.domain, block, w.id, (&[], &|_| None), &crate::signing::Recover);
    assert!(matches!(read[..], [ChildEvent::FraudProven { height: Some(3), .. }]));
    // Proven again, it shows nothing below what it showed: the child is frozen.
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&fork, U256::ZERO)),
        TxError::System(e) if matches!(*e, ChildError::NotBelowShown { shown: 4, .. })
    ));

    // Due, Mallory's exit under the fork is cancelled (her bond back) and Carol's is paid
    // the whole escrow.
    let due = w.parent.state.exit_queue(w.id, &Address::ZERO);
    advance_to(&mut w.parent, due.iter().map(|e| e.exitableAt).max().unwrap_or_default());
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.mallory.address()), [eth(10)]);
    assert_eq!(created_for(&delta, w.carol.address()), [eth(30), eth(10)]);
    assert_eq!(w.escrow(), U256::ZERO);
    let mallorys = w.fork.output_exit_id(&mallorys);
    let cancelled = w.parent.state.child_exit(w.id, &mallorys).expect("kept");
    assert_eq!(cancelled.status, ExitStatus::Cancelled);
}

#[test]
fn an_exit_of_a_forks_output_does_not_block_the_honest_exit_at_the_same_position() {
    let mut w = Rollback::new();
    // The whole committee checkpoints block 2: Bob has paid Carol 30 at 2:0:0. Operators 1 to
    // 3 certify the other fork at 4, whose block 2 pays the same 30 to Mallory at 2:0:0.
    w.parent.commit(w.parent.linked(vec![w.checkpoint(2)]));
    w.parent.commit(w.parent.linked(vec![w.checkpoint_on(&w.fork_at_2, 4, &[1, 2, 3])]));
    let pos = UtxoPos::new(2, 0, 0);
    // Mallory exits the fork's output first; Carol's exit of the child's output at the same
    // position, under checkpoint 2, still starts: an exit claims a transaction's output.
    let mallorys = w.mallorys_fork_exit(&w.fork_at_2, pos.clone());
    w.parent.commit(vec![mallorys]);
    w.parent.commit(vec![w.start(&w.carol, pos, 2, UtxoPos::new(2, 5, 0))]);
    let queue = w.parent.state.exit_queue(w.id, &Address::ZERO);
    let owners: Vec<_> = queue.iter().map(|e| (e.owner, e.amount)).collect();
    assert!(owners.contains(&(w.mallory.address(), U256::from(30))), "{owners:?}");
    assert!(owners.contains(&(w.carol.address(), U256::from(30))), "{owners:?}");

    // The fork's block 2 is not checkpoint 2's: the fork is void from 3 on.
    let fork = w.conflict_on(&w.fork_at_2, (2, 2), 4, &[1, 2, 3]);
    w.parent.commit(vec![prove_child_fraud_tx(&fork, U256::ZERO)]);
    assert_eq!(w.rollback_height(), 3);

    // Due, Mallory's exit is cancelled (her bond back, nothing from the escrow) and Carol's is
    // paid the whole escrow: only her 30 leaves it.
    let value = w.parent.state.total_value();
    advance_to(&mut w.parent, queue.iter().map(|e| e.exitableAt).max().unwrap_or_default());
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.mallory.address()), [eth(10)]);
    assert_eq!(created_for(&delta, w.carol.address()), [eth(30), eth(10)]);
    assert_eq!(w.escrow(), U256::ZERO);
    assert_eq!(w.parent.state.total_value(), value);
    let status = |owner: Address| {
        let exit = queue.iter().find(|e| e.owner == owner).expect("queued");
        w.parent.state.child_exit(w.id, &exit.exitId).expect("kept").status
    };
    assert_eq!(status(w.mallory.address()), ExitStatus::Cancelled);
    assert_eq!(status(w.carol.address()), ExitStatus::Paid);
}

#[test]
fn a_checkpoint_whose_history_fabricates_a_block_below_an_earlier_one_is_fraud() {
    let mut w = Rollback::new();
    // The whole committee checkpoints block 2: Bob has paid Carol 30.
    w.parent.commit(w.parent.linked(vec![w.checkpoint(2)]));
    // Operators 1 to 3 certify block 4 with a history root over a forged block 1 and the real
    // blocks 2 and 3: the anchor agrees with checkpoint 2 at 2, and not at 1. A checkpoint
    // proves only its certificate: the parent accepts it.
    let fake = w.child.fabricate(1, 4);
    let anchor = fake.blocks[3].header.clone();
    let certificate = w.certificate(&anchor, &[1, 2, 3]);
    w.parent.commit(vec![w.parent.checkpoint_tx(&Checkpoint { header: anchor, certificate })]);

    // Compared at 2 only, the two histories agree: nothing is shown.
    let at_h = w.conflict_on(&fake, (2, 2), 4, &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&at_h, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::HistoriesAgree)
    ));
    // Compared at 1, under each checkpoint's own history, they differ: checkpoints up to 2
    // stand and the anchor is void from 3 on. Two histories that disagree are a fork to the
    // parent, whichever was fabricated: no stake is taken.
    let below = w.conflict_on(&fake, (2, 1), 4, &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&below, U256::ZERO)])
        .expect("a fabricated block below checkpoint 2 voids the anchor");
    assert_eq!(w.rollback_height(), 3);
    assert!(created_for(&delta, dave()).is_empty());
    assert_eq!(w.stakes(), [U256::from(10); 4]);
    // The earlier checkpoint's own block at 1 is what `ours` must be: a forged one is refused.
    let mut forged = w.conflict_on(&fake, (2, 1), 4, &[1, 2, 3]);
    let mut e: ConflictingCheckpointsEvidence =
        crate::types::decode("ConflictingCheckpointsEvidence", &forged.proof.evidence, 1 << 16)
            .expect("evidence");
    e.ours = e.shown.clone();
    forged.proof.evidence = e.abi_encode().into();
    let judged = crate::fraud::judge(&w.child.domain, &forged.proof, |_| None, |_| None, |_| None);
    assert!(matches!(judged, Err(FraudError::Inclusion(_))));
}

#[test]
fn a_checkpoint_whose_history_contradicts_itself_above_every_checkpoint_is_fraud() {
    let mut w = Rollback::new();
    // The whole committee checkpoints block 2. Operators 1 to 3 certify block 6 with a
    // history root over a forged block 4 and the real blocks 1 to 3 and 5: above checkpoint 2,
    // which it agrees with, so no two checkpoints disagree. The parent accepts it.
    w.parent.commit(w.parent.linked(vec![w.checkpoint(2)]));
    let fake = w.child.fabricate(4, 6);
    let anchor = fake.blocks[5].header.clone();
    let certificate = w.certificate(&anchor, &[1, 2, 3]);
    w.parent.commit(vec![w.parent.checkpoint_tx(&Checkpoint { header: anchor, certificate })]);
    let conflicting = w.conflict_on(&fake, (2, 2), 6, &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&conflicting, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::HistoriesAgree)
    ));
    let broken = |chain: &TestChain, (b, k): (u64, u64), anchor: u64, signers: &[usize]| {
        let header = &chain.blocks[anchor as usize - 1].header;
        let evidence = BrokenHistoryEvidence {
            broken: chain.blocks[b as usize - 1].header.clone(),
            brokenProof: chain.history_under(b, anchor),
            witness: chain.blocks[k as usize - 1].header.clone(),
            witnessProof: chain.history_under(k, anchor),
            other: Default::default(),
            underBroken: Default::default(),
        };
        let proof = crate::fraud::evidence::proof(
            FraudKind::BrokenHistory,
            header,
            &w.certificate(header, signers),
            &evidence,
        );
        w.on_stakes(proof)
    };
    // The honest checkpoint's history agrees with itself: block 2 links to block 1.
    let honest = broken(&w.child, (2, 1), 2, &[0, 1, 2, 3]);
    let fraud = broken(&fake, (5, 4), 6, &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&honest, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::HistoriesAgree)
    ));
    // The real block 5 it holds links to the real block 4, not the forged one: the chain rolls
    // back to 4, the anchor's signers lose their stakes, Dave gets half of 30.
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&fraud, U256::from(15))])
        .expect("a history that contradicts itself convicts the anchor");
    assert_eq!(w.rollback_height(), 4);
    assert_eq!(created_for(&delta, dave()), [eth(15)]);
    assert_eq!(w.stakes(), [U256::from(10), U256::ZERO, U256::ZERO, U256::ZERO]);
    // A light client of the parent reads the same rollback from the certified block.
    let block = w.parent.blocks.last().expect("the proof's block");
    let read =
        child_events(&w.parent.domain, block, w.id, (&[], &|_| None), &crate::signing::Recover);
    assert!(matches!(read[..], [ChildEvent::FraudProven { height: Some(4), .. }]));
}

#[test]
fn a_fork_certified_above_the_last_checkpoint_is_fraud_and_its_exits_are_cancelled() {
    let mut w = Rollback::new();
    // The whole committee checkpoints block 1 and certifies the child's block 2 (Bob pays
    // Carol 30), then stops: block 2 is never checkpointed. Operators 1 to 3 certify the fork
    // at 4 instead, whose block 2 is empty and whose block 3 pays Bob's 30 to Mallory. It
    // agrees with the only checkpoint the parent holds, and its history holds together: the
    // parent accepts it, and Mallory exits the 30 under it.
    w.parent.commit(w.parent.linked(vec![w.checkpoint(1)]));
    w.parent.commit(w.parent.linked(vec![w.fork_checkpoint(4, &[1, 2, 3])]));
    let mallorys = UtxoPos::new(3, 0, 0);
    let start = w.mallorys_fork_exit(&w.fork, mallorys.clone());
    w.parent.commit(vec![start]);

    // A certificate of the fork's own block 2 shows nothing.
    let agreeing = w.certificate(&w.fork.blocks[1].header, &[0, 1, 2, 3]);
    let honest = w.history_equivocation(&agreeing, 4, &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&honest, U256::from(15))),
        TxError::System(e) if *e == ChildError::Fraud(FraudError::HistoriesAgree)
    ));
    // The child's certificate of its block 2 and the fork's block 2 in the anchor's history:
    // two blocks signed for one height. The child rolls back to 2. Operators 1 to 3 signed
    // both, as honest validators do who precommit one block 2 and then see the other decided
    // in a later round: no stake is taken.
    let certified = w.certificate(w.header(2), &[0, 1, 2, 3]);
    let fraud = w.history_equivocation(&certified, 4, &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&fraud, U256::ZERO)])
        .expect("a history holding another block than the certified one voids the fork");
    assert_eq!(w.rollback_height(), 2);
    assert!(created_for(&delta, dave()).is_empty());
    assert_eq!(w.stakes(), [U256::from(10); 4]);
    let block = w.parent.blocks.last().expect("the proof's block");
    let read =
        child_events(&w.parent.domain, block, w.id, (&[], &|_| None), &crate::signing::Recover);
    assert!(matches!(read[..], [ChildEvent::FraudProven { height: Some(2), .. }]));

    // Due, Mallory's exit under the fork is cancelled: her bond back, and the escrow keeps
    // the 30 Alice locked.
    let due = w.parent.state.exit_queue(w.id, &Address::ZERO);
    advance_to(&mut w.parent, due.iter().map(|e| e.exitableAt).max().unwrap_or_default());
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.mallory.address()), [eth(10)]);
    assert_eq!(w.escrow(), U256::from(30));
    let mallorys = w.fork.output_exit_id(&mallorys);
    let cancelled = w.parent.state.child_exit(w.id, &mallorys).expect("kept");
    assert_eq!(cancelled.status, ExitStatus::Cancelled);
}

#[test]
fn a_forks_fraud_convicts_its_signers_without_voiding_an_honest_checkpoint_below_it() {
    let mut w = Rollback::new();
    // The whole committee checkpoints blocks 1 and 2: Bob has paid Carol 30, and she exits it
    // under checkpoint 2. Operators 1 to 3 certify a fork at 4 whose own block 2 inflates
    // Mallory's 5 into 500; the parent accepts it (a checkpoint proves only its certificate).
    w.parent.commit(w.parent.linked(vec![w.checkpoint(1), w.checkpoint(2)]));
    let carols = UtxoPos::new(2, 0, 0);
    w.parent.commit(vec![w.start(&w.carol, carols, 2, UtxoPos::new(2, 5, 0))]);
    let mut fork = w.child.clone();
    fork.blocks.truncate(1);
    let first = fork.blocks[0].header.hash();
    let mut history = merkle::HistoryTree::new();
    history.push(first);
    fork.state.head = crate::state::ChainHead { height: 1, hash: first, history };
    let mallorys = Output::new(w.mallory.address(), Address::ZERO, U256::from(500));
    let inflating =
        build::transfer(&fork.domain, &[(UtxoPos::new(1, 1, 0), &w.mallory)], vec![mallorys]);
    fork.commit_unchecked(vec![inflating]);
    fork.commit_unchecked(vec![]);
    fork.commit_unchecked(vec![]);
    w.parent.commit(w.parent.linked(vec![w.checkpoint_on(&fork, 4, &[1, 2, 3])]));

    // Rolled back to 2, the inflation would void checkpoint 2 and Carol's exit under it.
    // Proven under the fork's own checkpoint, it lifts the rollback to just above checkpoint
    // 2: the fork is void from 3 on, its signers lose their stakes (Dave gets half of 30), and
    // Carol is paid her 30 when due. Proven as a fork (conflicting checkpoints), it would take
    // no stake.
    let header = &fork.blocks[3].header;
    let evidence = InflationEvidence {
        height: 2,
        txIndex: 0,
        spend: fork.inclusion_under(2, 0, 4),
        inputs: vec![fork.inclusion_under(1, 1, 4)],
        registration: vec![],
    };
    let proof = crate::fraud::evidence::proof(
        FraudKind::Inflation,
        header,
        &w.certificate(header, &[1, 2, 3]),
        &evidence,
    );
    let inflation = w.on_stakes(proof);
    let conflict = w.conflict_on(&fork, (2, 2), 4, &[1, 2, 3]);
    assert_eq!(crate::children::on_stakes(&w.parent.state, conflict).1, U256::ZERO);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&inflation, U256::from(15))])
        .expect("the fork's inflation convicts above checkpoint 2");
    assert_eq!(w.rollback_height(), 3);
    assert_eq!(created_for(&delta, dave()), [eth(15)]);
    assert_eq!(w.stakes(), [U256::from(10), U256::ZERO, U256::ZERO, U256::ZERO]);
    let due = w.parent.state.exit_queue(w.id, &Address::ZERO);
    advance_to(&mut w.parent, due.iter().map(|e| e.exitableAt).max().unwrap_or_default());
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.carol.address()), [eth(30), eth(10)]);
}

#[test]
fn a_block_naming_another_parent_than_a_checkpoint_is_convicted_and_followers_read_it_so() {
    let mut w = Rollback::new();
    // The whole committee checkpoints block 2. Operators 1 to 3 certify block 4 over a block 3
    // naming another parent than block 2; the parent accepts it (a checkpoint proves only its
    // certificate).
    w.parent.commit(w.parent.linked(vec![w.checkpoint(2)]));
    let mut broken = w.child.clone();
    broken.blocks.truncate(2);
    let mut history = crate::merkle::HistoryTree::new();
    broken.blocks.iter().for_each(|b| history.push(b.header.hash()));
    let hash = broken.blocks[1].header.hash();
    broken.state.head = crate::state::ChainHead { height: 2, hash, history };
    broken.commit_edited(vec![], |h| h.parentHash = alloy_primitives::B256::repeat_byte(9));
    broken.commit_unchecked(vec![]);
    w.parent.commit(vec![w.checkpoint_on(&broken, 4, &[1, 2, 3])]);
    let anchor = &broken.blocks[3].header;
    let evidence = BrokenHistoryEvidence {
        broken: broken.blocks[2].header.clone(),
        brokenProof: broken.history_under(3, 4),
        witness: broken.blocks[1].header.clone(),
        witnessProof: broken.history_under(2, 4),
        other: Default::default(),
        underBroken: Default::default(),
    };
    let certificate = w.certificate(anchor, &[1, 2, 3]);
    let proof =
        crate::fraud::evidence::proof(FraudKind::BrokenHistory, anchor, &certificate, &evidence);
    let proof = w.on_stakes(proof);
    // Block 3, not the checkpoint at 2 it contradicts: the chain rolls back to 3.
    w.parent
        .try_commit(vec![prove_child_fraud_tx(&proof, U256::from(15))])
        .expect("a block naming another parent than a checkpoint convicts it");
    assert_eq!(w.rollback_height(), 3);
    assert_eq!(w.stakes(), [U256::from(10), U256::ZERO, U256::ZERO, U256::ZERO]);
    // A light client of the parent reads the same rollback, from the checkpoints it followed.
    let block = w.parent.blocks.last().expect("the proof's block");
    let held = |h| w.parent.state.child_checkpoint(w.id, h);
    let read = child_events(&w.parent.domain, block, w.id, (&[], &held), &crate::signing::Recover);
    assert!(matches!(read[..], [ChildEvent::FraudProven { height: Some(3), .. }]), "{read:?}");
}
