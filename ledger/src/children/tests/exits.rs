//! The exit game at a plasma parent: bonded starts, challenges, payouts in priority order.

use super::*;

/// The exit game on a plasma parent: a child whose block 1 mints 30 to Bob and block 2
/// moves it to Carol, checkpointed at 2; on the parent, Alice locked 30 for the child and
/// Bob and Carol hold 10 each to bond exits with.
struct Game {
    parent: TestChain,
    child: TestChain,
    id: u64,
    bob: crate::signing::UserKey,
    carol: crate::signing::UserKey,
}

impl Game {
    fn new() -> Self {
        let (mut parent, id) = parent_with_child();
        let (keys, set) = committee(4);
        let domain = child_domain(&parent.domain, id);
        let mut child = TestChain::with_domain(domain, set.hash());
        let (alice, bob, carol) = (user("alice"), user("bob"), user("carol"));
        let minted = child.record_deposit(bob.address(), Address::ZERO, 30);
        child.commit(vec![build::deposit_transaction(&minted)]);
        let pay = build::transfer(
            &child.domain,
            &[(UtxoPos::new(1, 0, 0), &bob)],
            vec![Output::new(carol.address(), Address::ZERO, U256::from(30))],
        );
        child.commit(vec![pay]);
        let signers: Vec<_> = keys.iter().enumerate().collect();
        let certificate =
            crate::certificate::certify(&set, &signers, child.tip(), 0).expect("certify");
        let cp = Checkpoint { header: child.tip().clone(), certificate };
        let funds: Vec<_> = [(&alice, 30u64), (&bob, 10), (&carol, 10)]
            .iter()
            .map(|(k, v)| parent.record_deposit(k.address(), Address::ZERO, *v))
            .collect();
        let mints = funds.iter().map(build::deposit_transaction).collect();
        parent.commit(mints); // block 2: alice 2:0:0, bob 2:1:0, carol 2:2:0
        let lock = ChildDeposit {
            childChainId: id,
            recipient: bob.address(),
            token: Address::ZERO,
            amount: U256::from(30),
        };
        let lock = build::sign(
            &parent.domain,
            build::transaction(
                Kind::DepositToChild,
                vec![UtxoPos::new(2, 0, 0)],
                vec![],
                lock.abi_encode(),
            ),
            &[&alice],
        );
        parent.commit(vec![lock, child_checkpoint_tx(&cp)]);
        Self { parent, child, id, bob, carol }
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
        };
        build::sign(
            &self.parent.domain,
            build::transaction(Kind::StartChildExit, vec![bond_coin], vec![], start.abi_encode()),
            &[who],
        )
    }

    fn exit_id(pos: &UtxoPos) -> B256 {
        crate::exit::ExitKey::Output(pos.clone()).exit_id()
    }
}

#[test]
fn an_exit_of_a_childs_output_is_bonded_queued_and_paid_after_its_period() {
    let mut g = Game::new();
    let value = g.parent.state.total_value();
    let carols = UtxoPos::new(2, 0, 0);
    g.parent.commit(vec![g.start(&g.carol, carols.clone(), UtxoPos::new(2, 2, 0))]);
    let id = Game::exit_id(&carols);
    let exit = g.parent.state.child_exit(g.id, &id).expect("queued");
    assert!(exit.active);
    assert_eq!((exit.bond, exit.record.owner), (U256::from(10), g.carol.address()));
    assert_eq!(g.parent.state.total_value(), value, "the bond is held, not lost");

    // Not payable before its time; then paid with the bond back, from the escrow.
    let payout = crate::build::payout_transaction(g.id, &exit.record, exit.bond);
    assert_eq!(
        tx_refusal(&mut g.parent, payout.clone()),
        TxError::ExitNotPayable { chain: g.id, exit_id: id }
    );
    let now = g.parent.tip().timestamp;
    g.parent.clock_offset = exit.record.exitableAt - now;
    let (_, delta) = g.parent.commit(vec![payout.clone()]);
    assert!(!g.parent.state.child_exit(g.id, &id).expect("kept").active);
    assert_eq!(g.parent.state.escrow(g.id, &Address::ZERO), U256::ZERO);
    let paid: Vec<_> = delta.created.iter().map(|(_, o)| (o.owner, o.amount)).collect();
    assert_eq!(paid, [(g.carol.address(), U256::from(30)), (g.carol.address(), U256::from(10))]);
    assert_eq!(g.parent.state.total_value(), value);
    assert_eq!(
        tx_refusal(&mut g.parent, payout),
        TxError::ExitNotPayable { chain: g.id, exit_id: id }
    );
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
    assert!(g.parent.state.child_exit(g.id, &id).expect("queued").active);

    let spend = g.child.blocks[1].transactions[0].clone();
    let dave = Address::repeat_byte(0xda);
    let challenge = |beneficiary: Address, bond: u64, spend: SignedTransaction| {
        let c = ChildExitChallenge {
            childChainId: g.id,
            exitId: id,
            spend,
            inputIndex: 0,
            beneficiary,
        };
        challenge_child_exit_tx(&c, U256::from(bond))
    };
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
    assert!(!g.parent.state.child_exit(g.id, &id).expect("kept").active);
    assert_eq!(delta.created.len(), 1);
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(10)));
    assert_eq!(g.parent.state.total_value(), value);
    assert!(matches!(
        tx_refusal(&mut g.parent, challenge(dave, 10, spend)),
        TxError::System(e) if *e == ChildError::ExitNotActive(id)
    ));
    assert!(g.parent.state.exit_queue(g.id, &Address::ZERO).is_empty());
}

#[test]
fn an_exit_must_be_proven_under_a_checkpoint_the_parent_accepted() {
    let mut g = Game::new();
    let mut stx = g.start(&g.carol, UtxoPos::new(2, 0, 0), UtxoPos::new(2, 2, 0));
    let mut start = ChildExitStart::abi_decode(&stx.transaction.data).expect("payload");
    start.anchor.timestamp += 1;
    stx.transaction.data = start.abi_encode().into();
    let stx = build::sign(&g.parent.domain, stx.transaction, &[&g.carol]);
    assert!(matches!(
        tx_refusal(&mut g.parent, stx),
        TxError::System(e) if matches!(*e, ChildError::UnknownAnchor { height: 2, .. })
    ));
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
        active: true,
    };
    // Chain 1's ETH queue in priority order is pos 2 (10), 5 (10), 7 (20), 9 (30); at 25
    // the first three are paid and 9 waits. Its token queue pays pos 3; chain 2 waits.
    let active = vec![
        (1, exit(5, 10, 0)),
        (1, exit(9, 30, 0)),
        (1, exit(2, 10, 0)),
        (1, exit(7, 20, 0)),
        (2, exit(1, 50, 0)),
        (1, exit(3, 5, 1)),
    ];
    let paid: Vec<(u64, u8)> = matured_payouts(active, 25)
        .iter()
        .map(|t| {
            let claim = crate::types::ExitPayoutClaim::abi_decode(&t.transaction.data)
                .expect("a payout claim");
            (claim.childChainId, claim.exitId[31])
        })
        .collect();
    assert_eq!(paid, [(1, 2), (1, 5), (1, 7), (1, 3)]);
}
