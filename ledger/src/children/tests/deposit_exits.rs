//! Deposits into a child exited from this chain's own record (`StartChildDepositExit`), the
//! way out of value the child never minted, and the challenge of such an exit by a spend of
//! the minted output (`ChallengeChildDepositExit`): the root's `startDepositExit` and
//! `challengeDepositExit`, judged natively.

use super::*;
use crate::acceptance::AcceptanceError;
use crate::exit::{ExitClaim, ExitKey};
use crate::signing::UserKey;

/// The nonce of deposit 0: where block 3 locks it (`TxRef::deposit_nonce`).
const D0: u64 = 3 << 32;
/// The nonce of deposit 1: where block 3 locks it.
const D1: u64 = 3 << 32 | 1;

/// A child of [`parent_with_child`] and its parent. Parent blocks: 1 registers the child;
/// 2 pays Alice 30 (2:0:0), 20 (2:1:0) and 10 at each of 2:2:0 to 2:4:0 to bond exits with;
/// 3 locks her 30 (deposit 0, [`D0`]) and her 20 (deposit 1, [`D1`]) for the child, both to
/// herself; 4 accepts the child's checkpoint 2. Child blocks: 1 mints deposit 0 (1:0:0,
/// Alice's 30); 2 pays it to Bob. Deposit 1 is never minted.
struct Locked {
    parent: TestChain,
    child: TestChain,
    id: u64,
    alice: UserKey,
    bob: UserKey,
}

impl Locked {
    fn new() -> Self {
        let (mut parent, id) = parent_with_child();
        let (alice, bob) = (user("alice"), user("bob"));
        let funds: Vec<_> = [30u64, 20, 10, 10, 10]
            .iter()
            .map(|v| parent.record_deposit(alice.address(), Address::ZERO, *v))
            .collect();
        parent.commit(funds.iter().map(build::deposit_transaction).collect());
        let lock = |coin: u32, amount: u64| {
            let lock = lock_into(id, alice.address(), Address::ZERO, amount);
            let (coin, amount) = (UtxoPos::new(2, coin, 0), U256::from(amount));
            let (kind, payload) = (Kind::DepositToChild, lock.abi_encode());
            build::spend_locking(
                &parent.domain,
                &alice,
                coin,
                (Address::ZERO, amount),
                kind,
                amount,
                payload,
            )
        };
        parent.commit(vec![lock(0, 30), lock(1, 20)]);

        let (_, set) = committee(4);
        let mut child = TestChain::with_domain(child_domain(&parent.domain, id), set.hash());
        let minted = parent.state.child_deposit(id, D0).expect("deposit 0 recorded").record;
        child.add_parent_deposit(minted.clone());
        child.commit(vec![build::deposit_transaction(&minted)]);
        let pay = Output::new(bob.address(), Address::ZERO, U256::from(30));
        child.commit(vec![build::transfer(
            &child.domain,
            &[(UtxoPos::new(1, 0, 0), &alice)],
            vec![pay],
        )]);
        let mut w = Self { parent, child, id, alice, bob };
        w.parent.commit(vec![w.checkpoint(2)]);
        w
    }

    fn header(&self, height: u64) -> &BlockHeader {
        &self.child.blocks[height as usize - 1].header
    }

    /// The child's block `height`, certified by its whole committee, submitted.
    fn checkpoint(&self, height: u64) -> SignedTransaction {
        let (keys, set) = committee(4);
        let header = self.header(height).clone();
        let certificate = testkit::certify_all(&set, &keys, &header);
        self.parent.checkpoint_tx(&Checkpoint { header, certificate })
    }

    /// `who` starts an exit of deposit `nonce` from the parent's record, bonding all of its
    /// 10 at `bond_coin`, naming the exit's latest cancellation (none once it is queued).
    fn record_exit(&self, who: &UserKey, nonce: u64, bond_coin: UtxoPos) -> SignedTransaction {
        let id = ExitKey::Deposit(nonce).exit_id();
        let kept = self.parent.state.child_exit(self.id, &id);
        let cancelled = latest_cancellation(kept.as_ref()).unwrap_or_default();
        let exit = ChildDepositExit {
            childChainId: self.id,
            nonce,
            cancelledHeight: cancelled.height,
            cancelledIndex: cancelled.index,
        };
        let held = U256::from(10);
        build::child_deposit_exit_tx(&self.parent.domain, who, bond_coin, held, &exit, held)
    }

    /// `who` starts an exit of the child's minted output 1:0:0 (deposit 0) under checkpoint
    /// 2, bonding all of its 10 at `bond_coin`.
    fn minted_exit(&self, who: &UserKey, bond_coin: UtxoPos) -> SignedTransaction {
        let start = ChildExitStart {
            childChainId: self.id,
            anchor: self.header(2).clone(),
            pos: UtxoPos::new(1, 0, 0),
            inclusion: self.child.inclusion_under(1, 0, 2),
            acceptance: self.parent.acceptance(self.header(2)),
            ..Default::default()
        };
        let (kind, held) = (Kind::StartChildExit, (Address::ZERO, U256::from(10)));
        let (domain, payload) = (&self.parent.domain, start.abi_encode());
        build::spend_locking(domain, who, bond_coin, held, kind, U256::from(10), payload)
    }

    /// The challenge of the exit of deposit 0: its mint 1:0:0 shown under `anchor`, and
    /// `spend` spending it as input 0; the bond of 10 goes to Dave. It names the start the
    /// parent keeps with the exit.
    fn challenge(&self, anchor: BlockHeader, spend: SignedTransaction) -> SignedTransaction {
        let id = ExitKey::Deposit(D0).exit_id();
        let start = self.parent.state.child_exit(self.id, &id).map(|e| e.started_at);
        let start = start.unwrap_or_default();
        let challenge = ChildDepositExitChallenge {
            childChainId: self.id,
            nonce: D0,
            minted: self.child.inclusion_under(1, 0, anchor.height),
            acceptance: self.parent.acceptance(&anchor),
            anchor,
            mintedPos: UtxoPos::new(1, 0, 0),
            spend,
            inputIndex: 0,
            beneficiary: dave(),
            startHeight: start.height,
            startIndex: start.index,
        };
        build::challenge_child_deposit_exit_tx(&challenge, U256::from(10))
    }

    /// Alice's spend of the minted 30 (the child's block 2).
    fn spend(&self) -> SignedTransaction {
        self.child.blocks[1].transactions[0].clone()
    }

    /// Freezes the child from `height` on: its whole committee certified two blocks there.
    fn freeze(&mut self, height: u64) {
        while (self.child.blocks.len() as u64) < height {
            self.child.commit(vec![]);
        }
        let (keys, set) = committee(4);
        let header = self.header(height).clone();
        let mut twin = header.clone();
        twin.timestamp += 1;
        let a = testkit::certify_all(&set, &keys, &header);
        let evidence =
            EquivocationEvidence { a: a.clone(), b: testkit::certify_all(&set, &keys, &twin) };
        let proof = crate::fraud::evidence::proof(FraudKind::Equivocation, &header, &a, &evidence);
        let fraud = ChildFraudProof {
            childChainId: self.id,
            acceptance: self.parent.acceptance(&proof.anchor),
            proof,
            ..Default::default()
        };
        let fraud = crate::children::signed_by(&self.parent.domain, &user("dave"), fraud);
        let (fraud, reward) = on_stakes(&self.parent.state, fraud);
        self.parent.commit(vec![prove_child_fraud_tx(&fraud, reward)]);
        assert_eq!(self.parent.state.child(self.id).expect("child").rollback_height, height);
    }

    fn escrow(&self) -> U256 {
        self.parent.state.escrow(self.id, &Address::ZERO)
    }

    fn exit(&self, nonce: u64) -> Option<ChildExit> {
        self.parent.state.child_exit(self.id, &ExitKey::Deposit(nonce).exit_id())
    }

    /// When the parent recorded deposit `nonce`.
    fn recorded_at(&self, nonce: u64) -> u64 {
        self.parent.state.child_deposit(self.id, nonce).expect("recorded").recorded_at
    }
}

/// Who challenges.
fn dave() -> Address {
    Address::repeat_byte(0xda)
}

fn eth(v: u64) -> (Address, U256) {
    (Address::ZERO, U256::from(v))
}

fn refused_as(error: TxError) -> ChildError {
    match error {
        TxError::System(e) => *e,
        other => panic!("expected a child refusal, got {other:?}"),
    }
}

#[test]
fn deposit_spend_the_minted_output_then_exit_the_record_is_challenged_and_the_bond_goes_to_the_challenger(
) {
    let mut w = Locked::new();
    let value = w.parent.state.total_value();
    // Alice paid the minted 30 to Bob on the child, and exits the parent's record of it.
    w.parent.commit(vec![w.record_exit(&w.alice, D0, UtxoPos::new(2, 2, 0))]);
    let exit = w.exit(D0).expect("queued");
    assert_eq!((exit.status, exit.anchor), (ExitStatus::Queued, 0));
    assert_eq!(exit.record.utxoPos, UtxoPos::default());
    assert_eq!((exit.record.owner, exit.record.amount), (w.alice.address(), U256::from(30)));
    assert_eq!(exit.bond, U256::from(10));
    assert_eq!(w.escrow(), U256::from(50));

    // Dave shows the mint under checkpoint 2 and Alice's signed spend of it: the bond is his.
    let (_, delta) = w.parent.commit(vec![w.challenge(w.header(2).clone(), w.spend())]);
    assert_eq!(created_for(&delta, dave()), [eth(10)]);
    assert_eq!(w.exit(D0).expect("kept").status, ExitStatus::Challenged);
    assert!(w.parent.state.exit_queue(w.id, &Address::ZERO).is_empty());
    assert_eq!(w.escrow(), U256::from(50), "nothing left the escrow");

    // Past its maturity nothing is owed to Alice, and a payout of it is refused.
    advance_to(&mut w.parent, exit.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert!(created_for(&delta, w.alice.address()).is_empty());
    let (id, start) = (exit.record.exitId, exit.started_at);
    let not_active = ChildError::ExitNotActive { exit_id: id, start };
    let escrow = crate::children::escrow_at(&w.parent.state, w.id, &Address::ZERO);
    let payout = build::payout_transaction(w.id, &exit, escrow, (0, Default::default()));
    assert_eq!(refused_as(tx_refusal(&mut w.parent, payout)), not_active);
    // Challenged once, it is not challenged again, and it never exits again.
    let again = w.challenge(w.header(2).clone(), w.spend());
    assert_eq!(refused_as(tx_refusal(&mut w.parent, again)), not_active);
    let retry = w.record_exit(&w.alice, D0, UtxoPos::new(2, 3, 0));
    assert_eq!(refused_as(tx_refusal(&mut w.parent, retry)), ChildError::AlreadyExited(id));
    assert_eq!(w.escrow(), U256::from(50));
    assert_eq!(w.parent.state.total_value(), value);
}

#[test]
fn a_deposit_a_frozen_child_never_minted_exits_from_the_record_and_is_paid_with_its_bond() {
    let mut w = Locked::new();
    // The child certified two blocks at 2 and is frozen from there; it never minted deposit 1.
    w.freeze(2);
    let value = w.parent.state.total_value();
    assert_eq!(w.escrow(), U256::from(50));
    let bond_coin = UtxoPos::new(2, 2, 0);
    w.parent.commit(vec![w.record_exit(&w.alice, D1, bond_coin.clone())]);
    assert!(w.parent.state.unspent(&bond_coin).is_none(), "the bond is paid from her coin");
    let exit = w.exit(D1).expect("queued");
    assert_eq!((exit.status, exit.anchor), (ExitStatus::Queued, 0));
    assert_eq!((exit.record.owner, exit.record.amount), (w.alice.address(), U256::from(20)));
    // Its priority is the record's time, as on the root: recorded at parent block 3.
    let (recorded_at, period) = (w.recorded_at(D1), 60);
    assert_eq!(recorded_at, w.parent.blocks[2].header.timestamp);
    let started = w.parent.tip().timestamp;
    assert_eq!(exit.record.exitableAt, (recorded_at + 2 * period).max(started + period));

    advance_to(&mut w.parent, exit.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's payouts are valid");
    assert_eq!(created_for(&delta, w.alice.address()), [eth(20), eth(10)]);
    assert_eq!(w.escrow(), U256::from(30), "the escrow drops by the deposit");
    assert_eq!(w.exit(D1).expect("kept").status, ExitStatus::Paid);
    assert_eq!(w.parent.state.total_value(), value);
    // Paid, the deposit never exits again.
    let again = w.record_exit(&w.alice, D1, UtxoPos::new(2, 3, 0));
    let id = exit.record.exitId;
    assert_eq!(refused_as(tx_refusal(&mut w.parent, again)), ChildError::AlreadyExited(id));
}

#[test]
fn a_deposit_exits_once_from_its_record_or_from_its_minted_output_not_both() {
    // The minted output's exit first: the record's is refused, and the other way round.
    let mut w = Locked::new();
    let id = ExitKey::Deposit(D0).exit_id();
    w.parent.commit(vec![w.minted_exit(&w.alice, UtxoPos::new(2, 2, 0))]);
    let minted = w.exit(D0).expect("queued");
    assert_eq!((minted.record.utxoPos, minted.anchor), (UtxoPos::new(1, 0, 0), 2));
    let record = w.record_exit(&w.alice, D0, UtxoPos::new(2, 3, 0));
    assert_eq!(refused_as(tx_refusal(&mut w.parent, record)), ChildError::AlreadyExited(id));

    let mut w = Locked::new();
    w.parent.commit(vec![w.record_exit(&w.alice, D0, UtxoPos::new(2, 2, 0))]);
    let minted = w.minted_exit(&w.alice, UtxoPos::new(2, 3, 0));
    assert_eq!(refused_as(tx_refusal(&mut w.parent, minted)), ChildError::AlreadyExited(id));
    assert_eq!(w.parent.state.exit_queue(w.id, &Address::ZERO).len(), 1);
    assert_eq!(w.escrow(), U256::from(50));
}

#[test]
fn a_deposit_whose_minted_exit_was_cancelled_under_a_voided_checkpoint_exits_from_the_record() {
    let mut w = Locked::new();
    // Alice exits the mint under checkpoint 2; a fraud proven at 2 voids it, so the exit is
    // cancelled when due (bond back, escrow kept) and her spend in block 2 stands nowhere.
    w.parent.commit(vec![w.minted_exit(&w.alice, UtxoPos::new(2, 2, 0))]);
    let minted = w.exit(D0).expect("queued");
    w.freeze(2);
    let value = w.parent.state.total_value();
    advance_to(&mut w.parent, minted.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's block is valid");
    assert_eq!(created_for(&delta, w.alice.address()), [eth(10)]);
    assert_eq!(w.exit(D0).expect("kept").status, ExitStatus::Cancelled);
    assert_eq!(w.escrow(), U256::from(50));

    // Cancelled, it does not block the record's exit; no standing checkpoint shows the mint,
    // so nobody can challenge it, and it is paid.
    w.parent.commit(vec![w.record_exit(&w.alice, D0, UtxoPos::new(2, 3, 0))]);
    let exit = w.exit(D0).expect("queued again");
    assert_eq!(
        (exit.status, exit.anchor, exit.record.utxoPos),
        (ExitStatus::Queued, 0, UtxoPos::default())
    );
    let void = w.challenge(w.header(2).clone(), w.spend());
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, void)),
        ChildError::VoidAnchor { chain, height: 2, .. } if chain == w.id
    ));
    advance_to(&mut w.parent, exit.record.exitableAt);
    let delta = settle_matured(&mut w.parent).expect("the proposer's payouts are valid");
    assert_eq!(created_for(&delta, w.alice.address()), [eth(30), eth(10)]);
    assert_eq!(w.escrow(), U256::from(20));
    assert_eq!(w.exit(D0).expect("kept").status, ExitStatus::Paid);
    assert_eq!(w.parent.state.total_value(), value);
}

#[test]
fn a_challenge_of_a_record_exit_needs_the_mint_under_a_standing_checkpoint_and_the_owners_spend() {
    let mut w = Locked::new();
    w.parent.commit(vec![w.record_exit(&w.alice, D0, UtxoPos::new(2, 2, 0))]);
    let id = ExitKey::Deposit(D0).exit_id();
    // A header the parent never accepted as a checkpoint: the child's block 3 (no acceptance
    // to show), or block 2 altered (showing where the parent accepted the real one).
    w.child.commit(vec![]);
    let unknown = w.challenge(w.header(3).clone(), w.spend());
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, unknown)),
        ChildError::Unaccepted { chain, height: 3, .. } if chain == w.id
    ));
    let mut altered = w.challenge(w.header(2).clone(), w.spend());
    let mut payload = ChildDepositExitChallenge::abi_decode(&altered.transaction.data).unwrap();
    payload.anchor.timestamp += 1;
    altered.transaction.data = payload.abi_encode().into();
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, altered)),
        ChildError::Unaccepted { height: 2, error: AcceptanceError::OtherCheckpoint, .. }
    ));
    // A spend of the mint signed by Bob, not Alice.
    let mut forged = w.spend();
    forged.signatures[0] =
        build::sign(&w.child.domain, forged.transaction.clone(), &[&w.bob]).signatures[0].clone();
    let forged = w.challenge(w.header(2).clone(), forged);
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, forged)),
        ChildError::Challenge(crate::exit::ChallengeError::NotSignedByOwner { owner, signer })
            if owner == w.alice.address() && signer == w.bob.address()
    ));
    // A challenge that pays itself more than the bond.
    let mut greedy = w.challenge(w.header(2).clone(), w.spend());
    greedy.transaction.outputs[0].amount = U256::from(11);
    assert_eq!(refused_as(tx_refusal(&mut w.parent, greedy)), ChildError::BondOutput);
    // A fraud proven at 2 voids the checkpoint the mint was shown under.
    w.freeze(2);
    let void = w.challenge(w.header(2).clone(), w.spend());
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, void)),
        ChildError::VoidAnchor { chain, height: 2, .. } if chain == w.id
    ));
    assert_eq!(w.exit(D0).expect("kept").status, ExitStatus::Queued);
    assert_eq!(w.parent.state.child_exit(w.id, &id).map(|e| e.bond), Some(U256::from(10)));
    assert_eq!(w.escrow(), U256::from(50));
}

#[test]
fn a_record_exit_is_started_by_the_recipient_of_a_recorded_deposit_bonding_the_childs_bond() {
    let mut w = Locked::new();
    // Bob is not the recipient; deposit 2 was never recorded; a bond of 9 is not the child's.
    let bobs_coin = {
        let funds = w.parent.record_deposit(w.bob.address(), Address::ZERO, 10);
        w.parent.commit(vec![build::deposit_transaction(&funds)]);
        UtxoPos::new(w.parent.blocks.len() as u64, 0, 0)
    };
    let by_bob = w.record_exit(&w.bob, D1, bobs_coin);
    assert!(matches!(
        refused_as(tx_refusal(&mut w.parent, by_bob)),
        ChildError::DepositExit(crate::exit::ExitError::NotOwner { owner, claimant })
            if owner == w.alice.address() && claimant == w.bob.address()
    ));
    let unknown = w.record_exit(&w.alice, D1 + 1, UtxoPos::new(2, 2, 0));
    assert_eq!(
        refused_as(tx_refusal(&mut w.parent, unknown)),
        ChildError::UnknownDeposit { chain: w.id, nonce: D1 + 1 }
    );
    let exit = ChildDepositExit { childChainId: w.id, nonce: D1, ..Default::default() };
    let (coin, ten, nine) = (UtxoPos::new(2, 2, 0), U256::from(10), U256::from(9));
    let cheap = build::child_deposit_exit_tx(&w.parent.domain, &w.alice, coin, ten, &exit, nine);
    assert!(matches!(tx_refusal(&mut w.parent, cheap), TxError::ValueMismatch { .. }));
    assert!(w.exit(D1).is_none());
    assert_eq!(w.escrow(), U256::from(50));
}

#[test]
fn a_follower_of_the_parent_reads_a_record_exit_as_an_exit_keyed_by_the_deposit() {
    let mut w = Locked::new();
    let (block, _) = w.parent.commit(vec![w.record_exit(&w.alice, D1, UtxoPos::new(2, 2, 0))]);
    let deposits: Vec<_> = [D0, D1]
        .iter()
        .map(|n| w.parent.state.child_deposit(w.id, *n).expect("recorded"))
        .collect();
    let events = child_events(
        &w.parent.domain,
        &block,
        w.id,
        (&deposits, &|_| None),
        &crate::signing::Recover,
    );
    let [ChildEvent::ExitStarted { claim, started_at, at }] = &events[..] else {
        panic!("expected one exit, got {events:?}");
    };
    let expected = ExitClaim {
        key: ExitKey::Deposit(D1),
        pos: UtxoPos::default(),
        output: Output::new(w.alice.address(), Address::ZERO, U256::from(20)),
        output_time: w.recorded_at(D1),
    };
    assert_eq!((claim, *started_at), (&expected, block.header.timestamp));
    // It computes the very exit the parent queued, and where (what a challenge names).
    let queued = w.exit(D1).expect("queued");
    assert_eq!(claim.record(*started_at, 60), queued.record);
    assert_eq!(*at, queued.started_at);
    assert_eq!(*at, TxRef { height: block.header.height, index: 0 });
}

#[test]
fn a_deposit_record_exit_start_that_mints_value_is_proven_inflation() {
    // This chain's own quorum certifies a `StartChildDepositExit` whose outputs exceed what
    // it spends: its parent convicts it like any inflating spend (the bond it pays is not in
    // the transaction, so its outputs alone must not exceed its inputs).
    let alice = user("alice");
    let mut chain = TestChain::new();
    let record = chain.record_deposit(alice.address(), Address::ZERO, 100);
    chain.commit(vec![build::deposit_transaction(&record)]);
    let exit = ChildDepositExit { childChainId: 8, nonce: 0, ..Default::default() };
    let minted = vec![Output::new(alice.address(), Address::ZERO, U256::from(1_000))];
    let tx = build::transaction(
        Kind::StartChildDepositExit,
        vec![UtxoPos::new(1, 0, 0)],
        minted,
        exit.abi_encode(),
    );
    chain.commit_unchecked(vec![build::sign(&chain.domain, tx, &[&alice])]);
    let evidence = crate::types::InflationEvidence {
        height: 2,
        txIndex: 0,
        spend: chain.inclusion(2, 0),
        inputs: vec![chain.inclusion(1, 0)],
        registration: vec![],
    };
    let verdict = crate::fraud::verify_inflation(chain.domain.chain_id, chain.tip(), &evidence);
    assert!(
        matches!(verdict, Ok(v) if v.kind == crate::fraud::FraudKind::Inflation && v.height == 2)
    );
}
