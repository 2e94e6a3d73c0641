//! The exit game at a plasma parent: bonded starts, challenges, payouts in priority order.

use super::*;
use crate::acceptance::AcceptanceError;
use crate::fraud::{FraudError, Shows};

/// The exit game on a plasma parent: a child whose block 1 mints 30 to Bob and 1000 to
/// Mallory and block 2 moves Bob's 30 to Carol, checkpointed at 2; on the parent, Alice
/// locked 30 for the child, Bob, Carol and Mallory hold 10 each to bond exits with and Dave
/// holds 10 (at 2:4:0) he may lock for the child.
struct Game {
    parent: TestChain,
    child: TestChain,
    id: u64,
    bob: crate::signing::UserKey,
    carol: crate::signing::UserKey,
    mallory: crate::signing::UserKey,
    dave: crate::signing::UserKey,
}

impl Game {
    fn new() -> Self {
        let (mut parent, id) = parent_with_child();
        let (keys, set) = committee(4);
        let domain = child_domain(&parent.domain, id);
        let mut child = TestChain::with_domain(domain, set.hash());
        let (alice, bob, carol) = (user("alice"), user("bob"), user("carol"));
        let (mallory, dave) = (user("mallory"), user("dave"));
        let minted = [
            child.record_deposit(bob.address(), Address::ZERO, 30),
            child.record_deposit(mallory.address(), Address::ZERO, 1000),
        ];
        child.commit(minted.iter().map(build::deposit_transaction).collect());
        let pay = build::transfer(
            &child.domain,
            &[(UtxoPos::new(1, 0, 0), &bob)],
            vec![Output::new(carol.address(), Address::ZERO, U256::from(30))],
        );
        child.commit(vec![pay]);
        let signers: Vec<_> = keys.iter().enumerate().collect();
        let certificate = crate::testkit::certified(&set, &signers, child.tip(), 0);
        let cp = Checkpoint { header: child.tip().clone(), certificate };
        let funds: Vec<_> =
            [(&alice, 30u64), (&bob, 10), (&carol, 10), (&mallory, 10), (&dave, 10)]
                .iter()
                .map(|(k, v)| parent.record_deposit(k.address(), Address::ZERO, *v))
                .collect();
        let mints = funds.iter().map(build::deposit_transaction).collect();
        // Block 2: alice 2:0:0, bob 2:1:0, carol 2:2:0, mallory 2:3:0, dave 2:4:0.
        parent.commit(mints);
        let lock = Self::lock(&parent.domain, id, &alice, UtxoPos::new(2, 0, 0), 30);
        parent.commit(vec![lock, parent.checkpoint_tx(&cp)]);
        Self { parent, child, id, bob, carol, mallory, dave }
    }

    /// `who` locks the whole `amount` of its ETH output at `coin` for child `id`.
    fn lock(
        domain: &crate::signing::SigningDomain,
        id: u64,
        who: &crate::signing::UserKey,
        coin: UtxoPos,
        amount: u64,
    ) -> SignedTransaction {
        let lock = lock_into(id, who.address(), Address::ZERO, amount);
        let tx = build::transaction(Kind::DepositToChild, vec![coin], vec![], lock.abi_encode());
        build::sign(domain, tx, &[who])
    }

    /// `who` starts an exit of the child's output at `pos`, bonding `bond_coin`.
    fn start(
        &self,
        who: &crate::signing::UserKey,
        pos: UtxoPos,
        bond_coin: UtxoPos,
    ) -> SignedTransaction {
        let inclusion = self.child.inclusion(pos.blockHeight, pos.txIndex);
        let start = ChildExitStart {
            childChainId: self.id,
            anchor: self.child.tip().clone(),
            pos,
            inclusion,
            acceptance: self.parent.acceptance(self.child.tip()),
            ..Default::default()
        };
        build::sign(
            &self.parent.domain,
            build::transaction(Kind::StartChildExit, vec![bond_coin], vec![], start.abi_encode()),
            &[who],
        )
    }

    fn exit_id(&self, pos: &UtxoPos) -> B256 {
        self.child.output_exit_id(pos)
    }
}

#[test]
fn an_exit_of_a_childs_output_is_bonded_queued_and_paid_after_its_period() {
    let mut g = Game::new();
    let value = g.parent.state.total_value();
    let carols = UtxoPos::new(2, 0, 0);
    g.parent.commit(vec![g.start(&g.carol, carols.clone(), UtxoPos::new(2, 2, 0))]);
    let id = g.exit_id(&carols);
    let exit = g.parent.state.child_exit(g.id, &id).expect("queued");
    assert_eq!((exit.status, exit.anchor), (ExitStatus::Queued, 2));
    assert_eq!((exit.bond, exit.record.owner), (U256::from(10), g.carol.address()));
    assert_eq!(g.parent.state.total_value(), value, "the bond is held, not lost");

    // Not payable before its time; then paid with the bond back, from the escrow.
    let escrow = crate::children::escrow_at(&g.parent.state, g.id, &Address::ZERO);
    let payout = crate::build::payout_transaction(g.id, &exit, escrow, (0, Default::default()));
    let (due, next) = (exit.record.exitableAt, g.parent.tip().timestamp + 10);
    let early = TxError::PayoutEarly { exit_id: id, due, now: next };
    assert_eq!(tx_refusal(&mut g.parent, payout.clone()), early);
    let now = g.parent.tip().timestamp;
    g.parent.clock_offset += exit.record.exitableAt - now;
    // Due, it is paid to Carol alone, and only as the start that queued it.
    let mallory = g.mallory.address();
    let mut to_mallory = payout.clone();
    to_mallory.transaction.outputs[0].owner = mallory;
    let stolen = TxError::PayoutOwner { exit_id: id, to: mallory };
    assert_eq!(tx_refusal(&mut g.parent, to_mallory), stolen);
    let elsewhere = TxRef { height: exit.started_at.height, index: exit.started_at.index + 1 };
    let mut claim: crate::types::ExitPayoutClaim =
        crate::types::decode("ExitPayoutClaim", &payout.transaction.data, EXIT_PAYOUT_CLAIM_BYTES)
            .expect("claim");
    (claim.startHeight, claim.startIndex) = (elsewhere.height, elsewhere.index);
    let mut unfounded = payout.clone();
    unfounded.transaction.data = claim.abi_encode().into();
    let not_queued_there = ChildError::ExitNotActive { exit_id: id, start: elsewhere };
    assert_eq!(tx_refusal(&mut g.parent, unfounded), not_queued_there.into());
    // Nor more than Carol's claim of 30 and her bond of 10.
    let mut more = payout.clone();
    more.transaction.outputs[0].amount += U256::ONE;
    let exceeds = TxError::PayoutExceeds { exit_id: id, token: Address::ZERO };
    assert_eq!(tx_refusal(&mut g.parent, more), exceeds);
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), escrow.1, "nothing left the escrow");
    let (_, delta) = g.parent.commit(vec![payout.clone()]);
    assert_eq!(g.parent.state.child_exit(g.id, &id).expect("kept").status, ExitStatus::Paid);
    // The start it names founds it: no showing convicts the honest payout.
    let (paid_at, start) = (g.parent.tip().height, exit.started_at);
    let included = |height: u64, index: u32| g.parent.included(height, index);
    let judge = |shows: Shows| {
        let shown = included(start.height, start.index);
        let e = LinkEvidence { linking: included(paid_at, 0), shows: shows as u8, shown };
        crate::fraud::verify_unfounded_settlement(&g.parent.domain, g.parent.tip(), &e)
    };
    assert_eq!(judge(Shows::Linked), Err(FraudError::Follows));
    assert_eq!(judge(Shows::Later), Err(FraudError::NotLater));
    assert_eq!(judge(Shows::Nothing), Err(FraudError::SomethingThere));
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::ZERO);
    let paid: Vec<_> = delta.created.iter().map(|(_, o)| (o.owner, o.amount)).collect();
    assert_eq!(paid, [(g.carol.address(), U256::from(30)), (g.carol.address(), U256::from(10))]);
    assert_eq!(g.parent.state.total_value(), value);
    // Paid, it is no longer queued by its start: a second payout is refused as unfounded.
    let not_active = ChildError::ExitNotActive { exit_id: id, start: exit.started_at };
    assert_eq!(tx_refusal(&mut g.parent, payout), not_active.into());
    // A paid output never exits again.
    let twice = g.start(&g.carol, carols, UtxoPos::new(g.parent.blocks.len() as u64, 0, 1));
    assert!(matches!(
        tx_refusal(&mut g.parent, twice),
        TxError::System(e) if *e == ChildError::AlreadyExited(id)
    ));
}

#[test]
fn an_exit_of_a_spent_output_is_challenged_and_its_bond_paid_to_the_challenger() {
    let mut g = Game::new();
    let value = g.parent.state.total_value();
    // Bob exits the deposit he already paid to Carol (exit keyed by the deposit nonce).
    let bobs = UtxoPos::new(1, 0, 0);
    g.parent.commit(vec![g.start(&g.bob, bobs.clone(), UtxoPos::new(2, 1, 0))]);
    let id = crate::exit::ExitKey::Deposit(0).exit_id();
    let exit = g.parent.state.child_exit(g.id, &id).expect("queued");
    let start = TxRef { height: g.parent.blocks.len() as u64, index: 0 };
    assert!(exit.queued());
    assert_eq!(exit.started_at, start, "kept where the parent queued it");

    let spend = g.child.blocks[1].transactions[0].clone();
    let dave = Address::repeat_byte(0xda);
    let challenge_at = |start: TxRef, beneficiary: Address, bond: u64, spend| {
        let c = ChildExitChallenge {
            childChainId: g.id,
            exitId: id,
            spend,
            inputIndex: 0,
            beneficiary,
            startHeight: start.height,
            startIndex: start.index,
        };
        challenge_child_exit_tx(&c, U256::from(bond))
    };
    let challenge = |beneficiary, bond, spend| challenge_at(start, beneficiary, bond, spend);
    // A challenge naming another place than the exit's start is refused, whatever it shows.
    let elsewhere = TxRef { index: 1, ..start };
    assert_eq!(
        tx_refusal(&mut g.parent, challenge_at(elsewhere, dave, 10, spend.clone())),
        TxError::System(Box::new(ChildError::ExitNotActive { exit_id: id, start: elsewhere }))
    );
    // A challenge that pays itself more than the bond, or shows no spend by Bob, fails.
    assert!(matches!(
        tx_refusal(&mut g.parent, challenge(dave, 11, spend.clone())),
        TxError::System(e) if *e == ChildError::BondOutput
    ));
    let mut forged = spend.clone();
    forged.signatures[0] =
        build::sign(&g.child.domain, forged.transaction.clone(), &[&g.carol]).signatures[0].clone();
    assert!(matches!(
        tx_refusal(&mut g.parent, challenge(dave, 10, forged)),
        TxError::System(e) if matches!(*e, ChildError::Challenge(_))
    ));
    let (_, delta) = g.parent.commit(vec![challenge(dave, 10, spend.clone())]);
    let challenged = g.parent.state.child_exit(g.id, &id).expect("kept");
    assert_eq!(challenged.status, ExitStatus::Challenged);
    assert_eq!(delta.created.len(), 1);
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(10)));
    assert_eq!(g.parent.state.total_value(), value);
    assert!(matches!(
        tx_refusal(&mut g.parent, challenge(dave, 10, spend)),
        TxError::System(e) if *e == ChildError::ExitNotActive { exit_id: id, start }
    ));
    assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
}

/// Mallory's exit under a header of the child the parent never accepted (the tip with its
/// time moved), showing as its acceptance the parent's real checkpoint of the tip, or that
/// checkpoint in a block the parent never made, or a block of the parent not yet made: each
/// is refused, and the escrow keeps Alice's 30.
#[test]
fn an_exit_under_a_checkpoint_the_parent_never_accepted_is_refused_whatever_it_shows() {
    let mut g = Game::new();
    let honest = g.start(&g.mallory, UtxoPos::new(2, 0, 0), UtxoPos::new(2, 3, 0));
    let honest = ChildExitStart::abi_decode(&honest.transaction.data).expect("payload");
    let forge = |g: &Game, edit: fn(&mut ChildExitStart)| {
        let mut start = honest.clone();
        edit(&mut start);
        let tx = build::transaction(
            Kind::StartChildExit,
            vec![UtxoPos::new(2, 3, 0)],
            vec![],
            start.abi_encode(),
        );
        build::sign(&g.parent.domain, tx, &[&g.mallory])
    };
    let refused = |g: &mut Game, stx| match tx_refusal(&mut g.parent, stx) {
        TxError::System(e) => match *e {
            ChildError::Unaccepted { height: 2, error, .. } => error,
            other => panic!("refused for {other}"),
        },
        other => panic!("refused for {other}"),
    };
    let other_header = forge(&g, |s| s.anchor.timestamp += 1);
    assert_eq!(refused(&mut g, other_header), AcceptanceError::OtherCheckpoint);
    let other_block = forge(&g, |s| s.acceptance.header.timestamp += 1);
    assert_eq!(refused(&mut g, other_block), AcceptanceError::NotThisChainsBlock { height: 3 });
    let not_yet = forge(&g, |s| s.acceptance.header.height = 4);
    assert_eq!(refused(&mut g, not_yet), AcceptanceError::NotThisChainsBlock { height: 4 });
    let not_included = forge(&g, |s| s.acceptance.txProof.index ^= 1);
    assert_eq!(refused(&mut g, not_included), AcceptanceError::NotIncluded { index: 0 });
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::from(30));
    assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
}

#[test]
fn matured_payouts_follow_each_queue_in_priority_order_and_stop_at_the_first_unripe() {
    let exit = |pos: u64, at: u64, token: u8| ChildExit {
        record: ExitRecord {
            exitId: B256::with_last_byte(pos as u8),
            utxoPos: UtxoPos::new(pos, 0, 0),
            token: Address::with_last_byte(token),
            exitableAt: at,
            ..Default::default()
        },
        bond: U256::ZERO,
        anchor: 1,
        status: ExitStatus::Queued,
        started_at: TxRef::default(),
        cancelled_at: TxRef::default(),
    };
    // Chain 1's ETH queue in priority order is pos 2 (10), 5 (10), 7 (20), 9 (30); at 25
    // the first three are paid and 9 waits. Its token queue pays pos 3; chain 2 waits. Pos
    // 4, paid before, is not owed again.
    let settled = ChildExit { status: ExitStatus::Paid, ..exit(4, 1, 0) };
    let queued = vec![
        (1, settled),
        (1, exit(5, 10, 0)),
        (1, exit(9, 30, 0)),
        (1, exit(2, 10, 0)),
        (1, exit(7, 20, 0)),
        (2, exit(1, 50, 0)),
        (1, exit(3, 5, 1)),
    ];
    let view = crate::view::MemoryLedger::default();
    let paid: Vec<(u64, u8)> = matured_payouts(&view, queued, 25)
        .iter()
        .map(|t| {
            let claim = crate::types::ExitPayoutClaim::abi_decode(&t.transaction.data)
                .expect("a payout claim");
            (claim.childChainId, claim.exitId[31])
        })
        .collect();
    assert_eq!(paid, [(1, 2), (1, 5), (1, 7), (1, 3)]);
}

#[test]
fn an_exit_above_the_escrow_is_queued_and_paid_what_the_escrow_holds_and_the_queue_moves_on() {
    let mut g = Game::new();
    let value = g.parent.state.total_value();
    // Mallory's child output of 1000 (the child minted a deposit this chain never recorded)
    // is older than Carol's, so its exit heads the queue; the parent holds 30 for the child.
    // An output above the escrow exists only where the child created value, which a fraud
    // proof against the child voids; short of that, a start of 30 from the same fraud would
    // head the queue just as well. So a block holding it is valid (no rule a proof could not
    // show), it is paid what the escrow holds, and the queue moves on.
    let (mallorys, carols) = (UtxoPos::new(1, 1, 0), UtxoPos::new(2, 0, 0));
    g.parent.commit(vec![
        g.start(&g.mallory, mallorys.clone(), UtxoPos::new(2, 3, 0)),
        g.start(&g.carol, carols.clone(), UtxoPos::new(2, 2, 0)),
    ]);
    let queue = g.parent.state.exit_queue(g.id, &Address::ZERO);
    let heads: Vec<_> = queue.iter().map(|e| (e.owner, e.amount)).collect();
    let (mallory, carol) = (g.mallory.address(), g.carol.address());
    assert_eq!(heads, [(mallory, U256::from(1000)), (carol, U256::from(30))]);
    advance_to(&mut g.parent, queue[1].exitableAt);
    let delta = settle_matured(&mut g.parent).expect("the proposer's payouts are valid");
    let eth = |v: u64| (Address::ZERO, U256::from(v));
    assert_eq!(created_for(&delta, mallory), [eth(30), eth(10)]);
    assert_eq!(created_for(&delta, carol), [eth(10)], "her bond back, the escrow drained");
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::ZERO);
    assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
    assert_eq!(g.parent.state.total_value(), value);
}

#[test]
fn a_node_does_not_admit_an_exit_above_the_escrow_to_its_pool() {
    let g = Game::new();
    let mut view = crate::view::Stacked::new(&g.parent.state);
    view.time = Some(10_000);
    let judged = |stx: &SignedTransaction| {
        crate::tx::validate_transaction(&g.parent.domain, &view, stx).expect("a block may hold it")
    };
    let huge = judged(&g.start(&g.mallory, UtxoPos::new(1, 1, 0), UtxoPos::new(2, 3, 0)));
    let (amount, escrow) = (U256::from(1000), U256::from(30));
    let refusal = ExceedsEscrow { chain: g.id, amount, escrow };
    assert_eq!(admissible(&view, huge.child.as_ref()), Err(refusal));
    let carols = judged(&g.start(&g.carol, UtxoPos::new(2, 0, 0), UtxoPos::new(2, 2, 0)));
    assert_eq!(admissible(&view, carols.child.as_ref()), Ok(()), "30 of the 30 held");
    // Of a token nothing was locked in: any amount is more than the escrow holds.
    let mut other = carols.child.clone();
    if let Some(ChildEffect::ExitStarted { exit, .. }) = other.as_mut() {
        exit.record.token = testkit::TOKEN;
    }
    let (amount, escrow) = (U256::from(30), U256::ZERO);
    let refusal = ExceedsEscrow { chain: g.id, amount, escrow };
    assert_eq!(admissible(&view, other.as_ref()), Err(refusal));
}

#[test]
fn an_exit_whose_escrow_was_drained_ahead_of_it_is_paid_what_is_left_and_the_queue_moves_on() {
    let mut g = Game::new();
    // Dave locks 10 more: the child's escrow holds 40. Bob exits the deposit he paid to
    // Carol and nobody challenges: his 30 heads the queue, Carol's 30 follows. Each fits
    // the escrow when it starts; together they do not.
    let lock = Game::lock(&g.parent.domain, g.id, &g.dave, UtxoPos::new(2, 4, 0), 10);
    g.parent.commit(vec![lock]);
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::from(40));
    let value = g.parent.state.total_value();
    let (bobs, carols) = (UtxoPos::new(1, 0, 0), UtxoPos::new(2, 0, 0));
    g.parent.commit(vec![
        g.start(&g.bob, bobs, UtxoPos::new(2, 1, 0)),
        g.start(&g.carol, carols.clone(), UtxoPos::new(2, 2, 0)),
    ]);
    let queue = g.parent.state.exit_queue(g.id, &Address::ZERO);
    let heads: Vec<_> = queue.iter().map(|e| (e.owner, e.amount)).collect();
    let (bob, carol) = (g.bob.address(), g.carol.address());
    assert_eq!(heads, [(bob, U256::from(30)), (carol, U256::from(30))]);
    // Both matured: Bob takes 30, Carol the 10 left (the root's min(amount, locked)), both
    // their bonds back, and nothing stays queued.
    advance_to(&mut g.parent, queue[1].exitableAt);
    let delta = settle_matured(&mut g.parent).expect("the proposer's payouts are valid");
    let eth = |v: u64| (Address::ZERO, U256::from(v));
    assert_eq!(created_for(&delta, bob), [eth(30), eth(10)]);
    assert_eq!(created_for(&delta, carol), [eth(10), eth(10)]);
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::ZERO);
    assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
    assert_eq!(g.parent.state.total_value(), value);
}

#[test]
fn a_settlement_pays_what_the_escrow_holds_or_only_the_bond_and_never_a_zero_output() {
    let owner = Address::repeat_byte(0xca);
    let exit = |bond: u64, anchor: u64| ChildExit {
        record: ExitRecord { owner, amount: U256::from(30), ..Default::default() },
        bond: U256::from(bond),
        anchor,
        status: ExitStatus::Queued,
        started_at: TxRef::default(),
        cancelled_at: TxRef::default(),
    };
    let outputs = |exit: &ChildExit, escrow: u64, rollback: u64| -> Vec<u64> {
        let outputs = build::payout_outputs(exit, U256::from(escrow), rollback);
        assert!(outputs.iter().all(|o| o.owner == owner && !o.amount.is_zero()));
        outputs.iter().map(|o| o.amount.to::<u64>()).collect()
    };
    let (bonded, unbonded) = (exit(10, 6), exit(0, 6));
    assert_eq!(outputs(&bonded, 50, 0), [30, 10], "in full");
    assert_eq!(outputs(&bonded, 12, 0), [12, 10], "what the exits ahead left");
    assert_eq!(outputs(&bonded, 0, 0), [10], "a drained escrow: the bond only");
    assert_eq!(outputs(&bonded, 50, 7), [30, 10], "anchored below the rollback: stands");
    assert_eq!(outputs(&bonded, 50, 6), [10], "anchored at the rollback: cancelled");
    assert_eq!(outputs(&exit(10, 0), 50, 1), [30, 10], "no anchor: stands");
    assert!(outputs(&unbonded, 0, 0).is_empty() && outputs(&unbonded, 50, 4).is_empty());
    assert_eq!(bonded.settlement(U256::from(50), 4), Settlement::Cancelled);
    assert_eq!(bonded.settlement(U256::from(12), 0), Settlement::Paid(U256::from(12)));
}
