//! Fraud proven against a child voids its checkpoints from the first invalid height on, as
//! on the root: exits proven under them are cancelled when due (bond back, escrow kept), and
//! a proof of an earlier invalid block lowers the rollback. Two accepted checkpoints that
//! disagree about a block void the later one's fork ([`forks`]).

use super::*;
use crate::fraud::{self, FraudError, Shows};

mod forks;

/// A staked child whose history goes bad twice. Child blocks: 1 mints 30 to Bob, 5 and 7 to
/// Mallory; 2 moves Bob's 30 to Carol; 3 is empty; 4 inflates Mallory's 5 into 25 (4:0:0);
/// 5 to 7 are empty; 8 inflates her 7 into 70. `fork` is another history of the same chain,
/// every block of it valid: block 1 as above, 2 empty, 3 moves Bob's 30 to Mallory (3:0:0)
/// instead, 4 empty. On the parent the child's four operators staked 10 each, Alice locked
/// 30 for the child, Carol holds 10 at 2:5:0 and at 2:6:0 and Mallory 10 at 2:7:0 to bond
/// exits with. No checkpoint is accepted yet. `fork_at_2` is a third history, every block
/// of it valid: block 1 as above, then its own 2, which moves Bob's 30 to Mallory at 2:0:0 —
/// the position where the child pays Carol — and empty blocks 3 and 4.
struct Rollback {
    parent: TestChain,
    child: TestChain,
    fork: TestChain,
    fork_at_2: TestChain,
    id: u64,
    keys: Vec<BlsSecretKey>,
    set: ValidatorSet,
    carol: UserKey,
    mallory: UserKey,
    ops: Vec<UserKey>,
}

impl Rollback {
    fn new() -> Self {
        let (mut parent, id, set, keys, ops) = registered_child();

        let (alice, bob, carol, mallory) =
            (user("alice"), user("bob"), user("carol"), user("mallory"));
        let mut holders: Vec<(&UserKey, u64)> = ops.iter().map(|o| (o, 10)).collect();
        holders.extend([(&alice, 30), (&carol, 10), (&carol, 10), (&mallory, 10)]);
        let funds: Vec<_> = holders
            .iter()
            .map(|(k, v)| parent.record_deposit(k.address(), Address::ZERO, *v))
            .collect();
        parent.commit(funds.iter().map(build::deposit_transaction).collect());
        // `who` locks all of its coin `i` of block 2 (holding `amount`).
        let lock = |who: &UserKey, i: u32, amount: u64, kind: Kind, payload: Vec<u8>| {
            let (coin, amount) = (UtxoPos::new(2, i, 0), U256::from(amount));
            let held = (Address::ZERO, amount);
            build::spend_locking(&parent.domain, who, coin, held, kind, amount, payload)
        };
        // Each stake stands on the one before it in the block.
        let registered = stakes_of(&parent.state, id);
        let block = parent.blocks.len() as u64 + 1;
        let mut locks: Vec<_> = (0..4u32)
            .map(|i| {
                let before = match i {
                    0 => registered,
                    _ => (TxRef { height: block, index: i - 1 }, U256::from(10 * i)),
                };
                let stake = stake_on(id, 10, before);
                lock(&ops[i as usize], i, 10, Kind::StakeChild, stake.abi_encode())
            })
            .collect();
        let escrow = lock_into(id, alice.address(), Address::ZERO, 30);
        locks.push(lock(&alice, 4, 30, Kind::DepositToChild, escrow.abi_encode()));
        parent.commit(locks);

        let mut child = TestChain::with_domain(child_domain(&parent.domain, id), set.hash());
        let minted = [
            child.record_deposit(bob.address(), Address::ZERO, 30),
            child.record_deposit(mallory.address(), Address::ZERO, 5),
            child.record_deposit(mallory.address(), Address::ZERO, 7),
        ];
        child.commit(minted.iter().map(build::deposit_transaction).collect());
        let eth =
            |to: &UserKey, v: u64| vec![Output::new(to.address(), Address::ZERO, U256::from(v))];
        let bobs = [(UtxoPos::new(1, 0, 0), &bob)];
        let mut fork = child.clone();
        let mut fork_at_2 = child.clone();
        fork.commit(vec![]);
        fork.commit(vec![build::transfer(&fork.domain, &bobs, eth(&mallory, 30))]);
        fork.commit(vec![]);
        fork_at_2.commit(vec![build::transfer(&fork.domain, &bobs, eth(&mallory, 30))]);
        fork_at_2.commit(vec![]);
        fork_at_2.commit(vec![]);
        child.commit(vec![build::transfer(&child.domain, &bobs, eth(&carol, 30))]);
        child.commit(vec![]);
        let inflate = |child: &TestChain, coin: UtxoPos, into: u64| {
            build::transfer(&child.domain, &[(coin, &mallory)], eth(&mallory, into))
        };
        let early = inflate(&child, UtxoPos::new(1, 1, 0), 25);
        child.commit_unchecked(vec![early]);
        for _ in 5..=7 {
            child.commit(vec![]);
        }
        let late = inflate(&child, UtxoPos::new(1, 2, 0), 70);
        child.commit_unchecked(vec![late]);
        Self { parent, child, fork, fork_at_2, id, keys, set, carol, mallory, ops }
    }

    fn header(&self, height: u64) -> &BlockHeader {
        &self.child.blocks[height as usize - 1].header
    }

    /// The child's block `height`, certified by its whole committee, submitted.
    fn checkpoint(&self, height: u64) -> SignedTransaction {
        let header = self.header(height).clone();
        let certificate = testkit::certify_all(&self.set, &self.keys, &header);
        self.parent.checkpoint_tx(&Checkpoint { header, certificate })
    }

    /// The fork's block `height`, certified by `signers`, submitted.
    fn fork_checkpoint(&self, height: u64, signers: &[usize]) -> SignedTransaction {
        self.checkpoint_on(&self.fork, height, signers)
    }

    /// Block `height` of `chain` (the child or a fork), certified by `signers`, submitted.
    fn checkpoint_on(
        &self,
        chain: &TestChain,
        height: u64,
        signers: &[usize],
    ) -> SignedTransaction {
        let header = chain.blocks[height as usize - 1].header.clone();
        let certificate = self.certificate(&header, signers);
        self.parent.checkpoint_tx(&Checkpoint { header, certificate })
    }

    /// `who` starts an exit of the child's output at `pos`, proven under the checkpoint at
    /// `anchor`, bonding its coin at `bond_coin`.
    fn start(
        &self,
        who: &UserKey,
        pos: UtxoPos,
        anchor: u64,
        bond_coin: UtxoPos,
    ) -> SignedTransaction {
        self.start_on(&self.child, who, pos, anchor, bond_coin, TxRef::default())
    }

    /// Mallory's first exit of the output at `pos` of `fork`, proven under its checkpoint at 4,
    /// bonding her coin at 2:7:0.
    fn mallorys_fork_exit(&self, fork: &TestChain, pos: UtxoPos) -> SignedTransaction {
        self.start_on(fork, &self.mallory, pos, 4, UtxoPos::new(2, 7, 0), TxRef::default())
    }

    /// [`Self::start`], proven in the history of `chain` (the child or its fork), naming
    /// `cancelled` as the exit's latest cancellation (0:0: none).
    fn start_on(
        &self,
        chain: &TestChain,
        who: &UserKey,
        pos: UtxoPos,
        anchor: u64,
        bond_coin: UtxoPos,
        cancelled: TxRef,
    ) -> SignedTransaction {
        let anchor = chain.blocks[anchor as usize - 1].header.clone();
        let start = ChildExitStart {
            childChainId: self.id,
            acceptance: self.parent.acceptance(&anchor),
            inclusion: chain.inclusion_under(pos.blockHeight, pos.txIndex, anchor.height),
            anchor,
            pos,
            cancelledHeight: cancelled.height,
            cancelledIndex: cancelled.index,
        };
        let tx =
            build::transaction(Kind::StartChildExit, vec![bond_coin], vec![], start.abi_encode());
        build::sign(&self.parent.domain, tx, &[who])
    }

    /// The proof that transaction 0 of block `height` inflates the output `input` creates,
    /// shown under the checkpoint at `anchor` certified by `signers`; Dave proves it.
    fn inflation(
        &self,
        height: u64,
        input: (u64, u32),
        anchor: u64,
        signers: &[usize],
    ) -> ChildFraudProof {
        let evidence = InflationEvidence {
            height,
            txIndex: 0,
            spend: self.child.inclusion_under(height, 0, anchor),
            inputs: vec![self.child.inclusion_under(input.0, input.1, anchor)],
            registration: vec![],
        };
        let header = self.header(anchor);
        let proof = crate::fraud::evidence::proof(
            FraudKind::Inflation,
            header,
            &self.certificate(header, signers),
            &evidence,
        );
        self.on_stakes(proof)
    }

    /// The proof that `signers_a` and `signers_b` certified two different blocks at `height`,
    /// in one round.
    fn equivocation(
        &self,
        height: u64,
        signers_a: &[usize],
        signers_b: &[usize],
    ) -> ChildFraudProof {
        self.equivocation_in_rounds(height, (signers_a, 0), (signers_b, 0))
    }

    /// The proof that `signers_a` in round `a.1` and `signers_b` in round `b.1` certified two
    /// different blocks at `height`.
    fn equivocation_in_rounds(
        &self,
        height: u64,
        (signers_a, round_a): (&[usize], u32),
        (signers_b, round_b): (&[usize], u32),
    ) -> ChildFraudProof {
        let header = self.header(height);
        let mut twin = header.clone();
        twin.timestamp += 1;
        let a = self.certificate_in(header, signers_a, round_a);
        let b = self.certificate_in(&twin, signers_b, round_b);
        let evidence = EquivocationEvidence { a: a.clone(), b };
        let proof = crate::fraud::evidence::proof(FraudKind::Equivocation, header, &a, &evidence);
        self.on_stakes(proof)
    }

    /// The proof that the fork's checkpoint at `anchor`, certified by `signers`, holds a block
    /// at `earlier` other than the child's checkpoint there; Dave proves it.
    fn conflict(&self, earlier: u64, anchor: u64, signers: &[usize]) -> ChildFraudProof {
        self.conflict_on(&self.fork, (earlier, earlier), anchor, signers)
    }

    /// The proof that `chain`'s checkpoint at `anchor`, certified by `signers`, holds a block
    /// at `j` other than the one the child's checkpoint at `earlier` holds there; Dave proves it.
    fn conflict_on(
        &self,
        chain: &TestChain,
        (earlier, j): (u64, u64),
        anchor: u64,
        signers: &[usize],
    ) -> ChildFraudProof {
        let header = &chain.blocks[anchor as usize - 1].header;
        let evidence = ConflictingCheckpointsEvidence {
            earlier: self.header(earlier).clone(),
            ours: self.header(j).clone(),
            oursProof: self.child.history_under(j, earlier),
            shown: chain.blocks[j as usize - 1].header.clone(),
            historyProof: chain.history_under(j, anchor),
        };
        let proof = crate::fraud::evidence::proof(
            FraudKind::ConflictingCheckpoints,
            header,
            &self.certificate(header, signers),
            &evidence,
        );
        self.on_stakes(proof)
    }

    /// The proof that the fork's checkpoint at `anchor`, certified by `signers`, holds at the
    /// height of `certified` (a certificate of one block there) another block; Dave proves it.
    fn history_equivocation(
        &self,
        certified: &CommitCertificate,
        anchor: u64,
        signers: &[usize],
    ) -> ChildFraudProof {
        let (fork, j) = (&self.fork, certified.height);
        let header = &fork.blocks[anchor as usize - 1].header;
        let evidence = HistoryEquivocationEvidence {
            certified: certified.clone(),
            shown: fork.blocks[j as usize - 1].header.clone(),
            historyProof: fork.history_under(j, anchor),
        };
        let proof = crate::fraud::evidence::proof(
            FraudKind::HistoryEquivocation,
            header,
            &self.certificate(header, signers),
            &evidence,
        );
        self.on_stakes(proof)
    }

    fn certificate(&self, header: &BlockHeader, signers: &[usize]) -> CommitCertificate {
        self.certificate_in(header, signers, 0)
    }

    fn certificate_in(
        &self,
        header: &BlockHeader,
        signers: &[usize],
        round: u32,
    ) -> CommitCertificate {
        let keys: Vec<_> = signers.iter().map(|i| (*i, &self.keys[*i])).collect();
        crate::testkit::certified(&self.set, &keys, header, round)
    }

    fn rollback_height(&self) -> u64 {
        self.parent.state.child(self.id).expect("child").rollback_height
    }

    /// Dave's proof of `proof`, standing on the child's stakes as the parent keeps them.
    fn on_stakes(&self, proof: FraudProof) -> ChildFraudProof {
        let acceptance = self.parent.acceptance(&proof.anchor);
        let fraud =
            ChildFraudProof { childChainId: self.id, acceptance, proof, ..Default::default() };
        let fraud = crate::children::signed_by(&self.parent.domain, &user("dave"), fraud);
        crate::children::on_stakes(&self.parent.state, fraud).0
    }

    fn stakes(&self) -> Vec<U256> {
        self.ops.iter().map(|o| self.parent.state.child_stake(self.id, &o.address())).collect()
    }

    fn escrow(&self) -> U256 {
        self.parent.state.escrow(self.id, &Address::ZERO)
    }
}

/// Who proves the frauds.
fn dave() -> Address {
    user("dave").address()
}

fn eth(v: u64) -> (Address, U256) {
    (Address::ZERO, U256::from(v))
}

#[test]
fn an_exit_under_a_voided_checkpoint_is_cancelled_not_paid_and_may_start_again_below() {
    let mut w = Rollback::new();
    w.parent
        .commit(w.parent.linked(vec![w.checkpoint(2), w.checkpoint_on(&w.child, 6, &[0, 1, 2])]));
    // Carol proves her honest output under the latest checkpoint, 6.
    let carols = UtxoPos::new(2, 0, 0);
    w.parent.commit(vec![w.start(&w.carol, carols.clone(), 6, UtxoPos::new(2, 5, 0))]);
    let exit_id = w.child.output_exit_id(&carols);
    let first = w.parent.state.child_exit(w.id, &exit_id).expect("queued");
    // Block 4's inflation, shown under checkpoint 6, voids every checkpoint from 4 on.
    let fraud = w.inflation(4, (1, 1), 6, &[0, 1, 2]);
    w.parent.commit(vec![prove_child_fraud_tx(&fraud, U256::from(15))]);
    assert_eq!(w.rollback_height(), 4);

    // Due, the exit under 6 is cancelled: Carol gets her bond back and nothing from the
    // escrow, which still holds all 30.
    let value = w.parent.state.total_value();
    advance_to(&mut w.parent, first.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    let cancelled_at = w.parent.tip().height;
    assert_eq!(created_for(&delta, w.carol.address()), [eth(10)]);
    assert_eq!(w.escrow(), U256::from(30));
    let cancelled = w.parent.state.child_exit(w.id, &exit_id).expect("kept");
    assert_eq!(cancelled.status, ExitStatus::Cancelled);
    assert!(w.parent.state.exit_queue(w.id, &Address::ZERO).is_empty());
    assert_eq!(w.parent.state.total_value(), value);

    // Not again under the voided checkpoint; under checkpoint 2 her output exits in full.
    let void = w.start(&w.carol, carols.clone(), 6, UtxoPos::new(2, 6, 0));
    let refused = tx_refusal(&mut w.parent, void.clone());
    let void_at_6 = |e: &ChildError| matches!(e, ChildError::VoidAnchor { height: 6, .. });
    assert!(matches!(&refused, TxError::System(e) if void_at_6(e)));
    // Again it names where the parent cancelled it: a start naming none is refused, and
    // the cancellation, shown, convicts it.
    assert_eq!(cancelled.cancelled_at, TxRef { height: cancelled_at, index: 0 });
    let coin = UtxoPos::new(2, 6, 0);
    let latest = cancelled.cancelled_at;
    let honest = w.start_on(&w.child, &w.carol, carols.clone(), 2, coin.clone(), latest);
    let naming_none = w.start_on(&w.child, &w.carol, carols.clone(), 2, coin, TxRef::default());
    let not_latest = ChildError::NotLatestCancellation { exit_id, named: TxRef::default(), latest };
    assert_eq!(tx_refusal(&mut w.parent, naming_none.clone()), not_latest.clone().into());
    // The watcher proves it a repeat, and the start under 6 standing on a checkpoint the fraud
    // proof voided (it names no cancellation either).
    let mut forged = w.parent.clone();
    forged.commit_unchecked(vec![void, naming_none]);
    let at = forged.tip().height;
    let bad = forged.blocks.last().expect("the forged block");
    use crate::fraud::FraudKind::{RepeatedExit, VoidedAnchor};
    use crate::prove::build_proof;
    for (index, error, kind) in [(0, refused, VoidedAnchor), (1, not_latest.into(), RepeatedExit)] {
        let error = BlockError::InvalidTransaction { index, error };
        let proof = forged.with_proof_context(|cx| build_proof(cx, bad, &error, |_| None));
        let judged = fraud::judge(&forged.domain, &proof.unwrap(), |_| None, |_| None, |_| None);
        assert_eq!(judged.map(|v| (v.kind, v.height)), Ok((kind, at)));
    }
    let shown = |c: &TestChain, place: TxRef| c.included(place.height, place.index);
    let judge = |c: &TestChain, shows: Shows, place: TxRef| {
        let linking = shown(c, TxRef { height: at, index: 0 });
        let e = LinkEvidence { linking, shows: shows as u8, shown: shown(c, place) };
        crate::fraud::verify_repeated_exit(c.domain.chain_id, c.tip(), &e).map(|v| v.height)
    };
    assert_eq!(judge(&forged, Shows::Later, latest), Ok(at), "the cancellation convicts it");
    assert_eq!(judge(&forged, Shows::Linked, latest), Err(FraudError::NamesNone));
    w.parent.commit(vec![honest]);
    // The honest restart stands on the cancellation it names: no showing convicts it.
    assert_eq!(judge(&w.parent, Shows::Linked, latest), Err(FraudError::Follows));
    assert_eq!(judge(&w.parent, Shows::Later, first.started_at), Err(FraudError::NotLater));
    assert_eq!(judge(&w.parent, Shows::Nothing, latest), Err(FraudError::SomethingThere));
    let again = w.parent.state.child_exit(w.id, &exit_id).expect("queued again");
    assert_eq!((again.status, again.anchor), (ExitStatus::Queued, 2));
    advance_to(&mut w.parent, again.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    let paid_at = w.parent.tip().height;
    assert_eq!(created_for(&delta, w.carol.address()), [eth(30), eth(10)]);
    assert_eq!(w.escrow(), U256::ZERO);
    let paid = w.parent.state.child_exit(w.id, &exit_id).expect("kept");
    assert_eq!(paid.status, ExitStatus::Paid);
    // Neither payout is overdrawn: the cancellation, due by the first start, returns the bond;
    // the payout of the restart, due by its own start, the claim and the bond.
    for at in [cancelled_at, paid_at] {
        let e = w.parent.with_proof_context(|cx| crate::prove::payout_evidence(cx, at, 0));
        let e = e.expect("the payout, its start and the registration");
        let judged =
            crate::fraud::verify_overdrawn_payout(w.parent.domain.chain_id, w.parent.tip(), &e);
        assert_eq!(judged, Err(crate::fraud::FraudError::Owed), "the payout at {at}");
    }
    // Paid, the output never exits again.
    let twice = w.start(&w.carol, carols, 2, UtxoPos::new(w.parent.blocks.len() as u64, 0, 1));
    assert!(matches!(
        tx_refusal(&mut w.parent, twice),
        TxError::System(e) if *e == ChildError::AlreadyExited(exit_id)
    ));
    assert_eq!(w.parent.state.total_value(), value);
}

#[test]
fn a_later_fraud_proven_first_cannot_fix_the_rollback_too_high() {
    let mut w = Rollback::new();
    let (six, eight) =
        (w.checkpoint_on(&w.child, 6, &[1, 2, 3]), w.checkpoint_on(&w.child, 8, &[0, 1, 2]));
    w.parent.commit(w.parent.linked(vec![six, eight]));
    // Mallory exits the 25 block 4 inflated, under checkpoint 6.
    let inflated = UtxoPos::new(4, 0, 0);
    w.parent.commit(vec![w.start(&w.mallory, inflated, 6, UtxoPos::new(2, 7, 0))]);
    let exit = w.parent.state.exit_queue(w.id, &Address::ZERO)[0].clone();
    assert_eq!((exit.owner, exit.amount), (w.mallory.address(), U256::from(25)));

    // A friend of hers proves block 8's fraud first: the rollback would stand at 8, above
    // her anchor. Operators 0 to 2 lose their stakes, the prover half of them.
    let late = w.inflation(8, (1, 2), 8, &[0, 1, 2]);
    w.parent.commit(vec![prove_child_fraud_tx(&late, U256::from(15))]);
    assert_eq!(w.rollback_height(), 8);
    // Block 4's fraud, shown under checkpoint 6 (below the rollback), lowers it to 4. Of
    // its signers only operator 3 still has a stake: the prover gets half of its 10.
    let early = w.inflation(4, (1, 1), 6, &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&early, U256::from(5))])
        .expect("a proof of an earlier block lowers the rollback");
    assert_eq!(w.rollback_height(), 4);
    assert_eq!(created_for(&delta, dave()), [eth(5)]);
    assert_eq!(w.stakes(), [U256::ZERO; 4]);
    // A proof showing no lower height than checkpoint 6 is refused: what it shows is void.
    for again in [late, early] {
        assert!(matches!(
            proof_refusal(&mut w.parent, prove_child_fraud_tx(&again, U256::ZERO)),
            TxError::System(e) if matches!(*e, ChildError::NotBelowShown { shown: 6, .. })
        ));
    }

    // Due, Mallory's exit under checkpoint 6 is cancelled: her bond back, the escrow kept.
    let value = w.parent.state.total_value();
    advance_to(&mut w.parent, exit.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.mallory.address()), [eth(10)]);
    assert_eq!(w.escrow(), U256::from(30));
    assert_eq!(w.parent.state.total_value(), value);
}

#[test]
fn an_equivocation_below_the_rollback_lowers_it_and_one_at_or_above_is_refused() {
    let mut w = Rollback::new();
    w.parent.commit(w.parent.linked(vec![w.checkpoint_on(&w.child, 8, &[0, 1, 2])]));
    let late = w.inflation(8, (1, 2), 8, &[0, 1, 2]);
    w.parent.commit(vec![prove_child_fraud_tx(&late, U256::from(15))]);
    assert_eq!(w.rollback_height(), 8);
    // Two blocks at 8, the height the proof showed: void already, refused.
    let at = w.equivocation(8, &[1, 2, 3], &[1, 2, 3]);
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&at, U256::from(5))),
        TxError::System(e)
            if *e == ChildError::NotBelowShown { chain: w.id, height: 8, shown: 8 }
    ));
    // Two blocks at 5: the rollback falls to 5; operator 3, who signed both, loses 10.
    let below = w.equivocation(5, &[1, 2, 3], &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&below, U256::from(5))])
        .expect("an equivocation below the rollback lowers it");
    assert_eq!(w.rollback_height(), 5);
    assert_eq!(created_for(&delta, dave()), [eth(5)]);
    assert_eq!(w.stakes(), [U256::ZERO; 4]);
}

#[test]
fn an_equivocation_below_the_checkpoint_that_froze_the_child_is_heard_and_never_lifts_it() {
    let mut w = Rollback::new();
    w.parent.commit(w.parent.linked(vec![w.checkpoint_on(&w.child, 6, &[0, 1, 2])]));
    // Mallory exits the 25 block 4 inflated, under checkpoint 6.
    w.parent.commit(vec![w.start(&w.mallory, UtxoPos::new(4, 0, 0), 6, UtxoPos::new(2, 7, 0))]);
    let exit = w.parent.state.exit_queue(w.id, &Address::ZERO)[0].clone();
    // Block 4's inflation, shown under checkpoint 6: the rollback at 4, operators 0 to 2
    // slashed. Nothing the parent accepted lies between 4 and 6.
    let early = w.inflation(4, (1, 1), 6, &[0, 1, 2]);
    w.parent.commit(vec![prove_child_fraud_tx(&early, U256::from(15))]);
    assert_eq!(w.rollback_height(), 4);
    // Operator 3 signed two blocks at 5, between the two: a fault the parent hears (what it
    // refuses is then proven, as standing at or above a height a proof it heard showed). It
    // takes operator 3's stake and leaves the rollback where it is.
    let gap = w.equivocation(5, &[1, 2, 3], &[1, 2, 3]);
    let delta = w
        .parent
        .try_commit(vec![prove_child_fraud_tx(&gap, U256::from(5))])
        .expect("an equivocation below the checkpoint the proof showed is heard");
    assert_eq!(w.rollback_height(), 4, "it never rises");
    assert_eq!(created_for(&delta, dave()), [eth(5)]);
    assert_eq!(w.stakes(), [U256::ZERO; 4]);
    // What shows 5 or above now stands on what it voided.
    assert!(matches!(
        proof_refusal(&mut w.parent, prove_child_fraud_tx(&gap, U256::ZERO)),
        TxError::System(e) if *e == ChildError::NotBelowShown { chain: w.id, height: 5, shown: 5 }
    ));
    // Due, her exit is cancelled naming the latest proof, which shows 5, below her anchor:
    // her bond back, the escrow kept.
    advance_to(&mut w.parent, exit.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's cancellation is valid");
    assert_eq!(created_for(&delta, w.mallory.address()), [eth(10)]);
    assert_eq!(w.escrow(), U256::from(30));
}
