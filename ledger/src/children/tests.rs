use super::*;
use crate::block::{apply_block, BlockError};
use crate::build::{
    challenge_child_exit_tx, child_checkpoint_tx, prove_child_fraud_tx, register_child_tx,
};
use crate::certificate::CertificateError;
use crate::certificate::ValidatorSet;
use crate::kind::Kind;
use crate::testkit::{self, committee, user, TestChain, Workload};
use crate::tx::TxError;
use crate::types::*;
use crate::types::{Output, UtxoPos};
use crate::view::LedgerView;
use crate::{build, merkle};
use alloy_primitives::B256;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;

fn registration(n: usize, salt: u64) -> ChildRegistration {
    let (keys, set) = committee(n);
    ChildRegistration {
        salt,
        params: ChildParams { epochLength: 4, exitPeriod: 60, exitBond: U256::from(10) },
        validators: set.validators().to_vec(),
        proofsOfPossession: keys
            .iter()
            .zip(set.validators())
            .map(|(k, v)| k.proof_of_possession(v.operator).to_eip2537().to_vec().into())
            .collect(),
    }
}

fn refusal(chain: &mut TestChain, stx: SignedTransaction) -> ChildError {
    match chain.try_commit(vec![stx]) {
        Err(BlockError::InvalidTransaction { error: TxError::System(e), .. }) => *e,
        other => panic!("expected a system transaction refusal, got {other:?}"),
    }
}

/// A parent with one registered child of four validators; returns the child's id.
fn parent_with_child() -> (TestChain, u64) {
    let mut parent = TestChain::new();
    let reg = registration(4, 0);
    let id = child_chain_id(parent.domain.chain_id, &reg);
    parent.commit(vec![register_child_tx(&reg)]);
    (parent, id)
}

/// Block `height` of a child chain `id` certified by `signers` of its committee.
fn child_checkpoint(id: u64, blocks: u64, signers: &[usize]) -> Checkpoint {
    let (keys, set) = committee(4);
    let domain = child_domain(&testkit::domain(), id);
    let mut child = TestChain::with_domain(domain, set.hash());
    for _ in 0..blocks {
        child.commit(vec![]);
    }
    let header = child.tip().clone();
    let keys: Vec<_> = signers.iter().map(|i| (*i, &keys[*i])).collect();
    let certificate = crate::certificate::certify(&set, &keys, &header, 0).expect("certify");
    Checkpoint { header, certificate }
}

#[test]
fn a_registration_creates_the_child_it_names() {
    let mut parent = TestChain::new();
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

#[test]
fn a_registration_without_possession_is_refused() {
    let mut parent = TestChain::new();
    // Validator 2's proof was made for another operator: a rogue-key attempt.
    let mut reg = registration(4, 0);
    let (keys, _) = committee(4);
    reg.proofsOfPossession[2] =
        keys[2].proof_of_possession(Address::repeat_byte(9)).to_eip2537().to_vec().into();
    assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::Possession(2));

    let mut reg = registration(4, 0);
    reg.validators[3].blsPubkey = reg.validators[1].blsPubkey.clone();
    assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::Duplicate(3));

    let mut reg = registration(4, 0);
    reg.proofsOfPossession.pop();
    assert!(matches!(
        refusal(&mut parent, register_child_tx(&reg)),
        ChildError::ProofCount { validators: 4, proofs: 3 }
    ));

    let mut reg = registration(4, 0);
    reg.params.epochLength = 0;
    assert_eq!(refusal(&mut parent, register_child_tx(&reg)), ChildError::BadParams);

    let mut bare = register_child_tx(&registration(4, 0));
    bare.signatures.push(vec![0u8; 65].into());
    assert_eq!(refusal(&mut parent, bare), ChildError::NotBare);

    let mut garbage = register_child_tx(&registration(4, 0));
    garbage.transaction.data = vec![1, 2, 3].into();
    assert!(matches!(refusal(&mut parent, garbage), ChildError::Payload(_)));
    assert_eq!(parent.blocks.len(), 0, "nothing was committed");
}

#[test]
fn a_checkpoint_is_accepted_only_newer_and_with_two_thirds_of_the_set() {
    let (mut parent, id) = parent_with_child();
    let cp = child_checkpoint(id, 4, &[0, 1, 2]);
    let (block, delta) = parent.commit(vec![child_checkpoint_tx(&cp)]);
    let record = parent.state.child(id).expect("child");
    assert_eq!((record.last_height, record.last_hash), (4, cp.header.hash()));
    assert_eq!(delta.registry[&id], record);
    let leaf = checkpoint_leaf(id, 4, cp.header.hash());
    assert_eq!(block.header.childCheckpointsRoot, merkle::root(&[leaf]));

    // The same height again (other signers) is not newer.
    let again = child_checkpoint(id, 4, &[1, 2, 3]);
    assert_eq!(
        refusal(&mut parent, child_checkpoint_tx(&again)),
        ChildError::NotNewer { chain: id, height: 4, last: 4 }
    );
    // Two of four is not more than two thirds.
    let weak = child_checkpoint(id, 8, &[0, 3]);
    assert!(matches!(
        refusal(&mut parent, child_checkpoint_tx(&weak)),
        ChildError::Certificate(CertificateError::InsufficientPower { .. })
    ));
    // A certificate for another header.
    let mut swapped = child_checkpoint(id, 8, &[0, 1, 2]);
    swapped.header.timestamp += 1;
    assert!(matches!(
        refusal(&mut parent, child_checkpoint_tx(&swapped)),
        ChildError::Certificate(CertificateError::HeaderMismatch { .. })
    ));
    // A header naming another set (certified by that other set).
    let mut foreign = child_checkpoint(id, 8, &[0, 1, 2]);
    foreign.header.validatorSetHash = B256::repeat_byte(1);
    assert!(matches!(
        refusal(&mut parent, child_checkpoint_tx(&foreign)),
        ChildError::WrongSet { .. }
    ));
    // A chain that is not a child.
    let stranger = child_checkpoint(id ^ 1, 8, &[0, 1, 2]);
    assert_eq!(
        refusal(&mut parent, child_checkpoint_tx(&stranger)),
        ChildError::UnknownChild(id ^ 1)
    );
    // Two newer checkpoints in one block: both land, in order, under one root.
    let c8 = child_checkpoint(id, 8, &[0, 1, 2]);
    let c12 = child_checkpoint(id, 12, &[0, 1, 3]);
    let (block, _) = parent.commit(vec![child_checkpoint_tx(&c8), child_checkpoint_tx(&c12)]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 12);
    let leaves =
        [checkpoint_leaf(id, 8, c8.header.hash()), checkpoint_leaf(id, 12, c12.header.hash())];
    assert_eq!(block.header.childCheckpointsRoot, merkle::root(&leaves));
}

#[test]
fn a_header_must_commit_to_the_checkpoints_its_body_submits() {
    let (parent, id) = parent_with_child();
    let cp = child_checkpoint(id, 4, &[0, 1, 2]);
    let mut block = crate::block::seal_block(
        &parent.domain,
        &parent.state,
        vec![child_checkpoint_tx(&cp)],
        &Workload::params(2),
    );
    assert!(apply_block(&parent.domain, &parent.state, &block).is_ok());
    block.header.childCheckpointsRoot = B256::ZERO;
    assert!(matches!(
        apply_block(&parent.domain, &parent.state, &block),
        Err(BlockError::ChildCheckpointsRootMismatch { .. })
    ));
}

#[test]
fn deposits_into_a_child_are_numbered_per_child_and_readable_from_the_block() {
    let (mut parent, id) = parent_with_child();
    let alice = user("alice");
    let funds = parent.record_deposit(alice.address(), Address::ZERO, 100);
    parent.commit(vec![build::deposit_transaction(&funds)]);
    let lock = |to: Address, amount: u64| ChildDeposit {
        childChainId: id,
        recipient: to,
        token: Address::ZERO,
        amount: U256::from(amount),
    };
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
    let nonces: Vec<_> = delta.child_deposits.iter().map(|d| (d.nonce, d.amount)).collect();
    assert_eq!(nonces, [(0, U256::from(30)), (1, U256::from(70))]);
    assert!(delta.child_deposits.iter().all(|d| d.depositor == alice.address()));
    assert_eq!(delta.child_deposits[0].recipient, bob);
    assert_eq!(parent.state.child(id).expect("child").next_deposit_nonce, 2);
    assert_eq!(parent.state.escrow(id, &Address::ZERO), U256::from(100));

    // A light client of the parent reads the very same records from the block.
    let read = child_events(&parent.domain, &block, id, 0, &crate::signing::Recover);
    let records: Vec<_> = read
        .into_iter()
        .map(|e| match e {
            ChildEvent::Deposit { record, .. } => record,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(records, delta.child_deposits);
    // Another child sees nothing.
    assert!(child_events(&parent.domain, &block, id ^ 1, 0, &crate::signing::Recover).is_empty());
}

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

fn tx_refusal(chain: &mut TestChain, stx: SignedTransaction) -> TxError {
    match chain.try_commit(vec![stx]) {
        Err(BlockError::InvalidTransaction { error, .. }) => error,
        other => panic!("expected a refusal, got {other:?}"),
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

/// A parent whose child's four validators (operators with keys) staked 10 each; the
/// child's block 1 mints 30 to Bob, its block 2 (certified by 0, 1, 2 and checkpointed)
/// inflates it to 300. Returns the parent, the child, its id and the operators' keys.
fn staked_child_with_inflation() -> (TestChain, TestChain, u64, Vec<crate::signing::UserKey>) {
    let (keys, _) = committee(4);
    let ops: Vec<_> = (0..4).map(|i| user(&format!("operator-{i}"))).collect();
    let validators: Vec<Validator> = keys
        .iter()
        .zip(&ops)
        .map(|(k, op)| Validator {
            operator: op.address(),
            blsPubkey: k.public_key().to_eip2537().to_vec().into(),
            power: 100,
        })
        .collect();
    let reg = ChildRegistration {
        salt: 0,
        params: ChildParams { epochLength: 4, exitPeriod: 60, exitBond: U256::from(10) },
        validators: validators.clone(),
        proofsOfPossession: keys
            .iter()
            .zip(&ops)
            .map(|(k, op)| k.proof_of_possession(op.address()).to_eip2537().to_vec().into())
            .collect(),
    };
    let mut parent = TestChain::new();
    let id = child_chain_id(parent.domain.chain_id, &reg);
    parent.commit(vec![register_child_tx(&reg)]);
    let funds: Vec<_> =
        ops.iter().map(|op| parent.record_deposit(op.address(), Address::ZERO, 25)).collect();
    parent.commit(funds.iter().map(build::deposit_transaction).collect());
    let stakes = ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let payload = ChildStake { childChainId: id, amount: U256::from(10) };
            let change = vec![Output::new(op.address(), Address::ZERO, U256::from(15))];
            let tx = build::transaction(
                Kind::StakeChild,
                vec![UtxoPos::new(2, i as u32, 0)],
                change,
                payload.abi_encode(),
            );
            build::sign(&parent.domain, tx, &[op])
        })
        .collect();
    parent.commit(stakes);

    let set = crate::certificate::ValidatorSet::new(validators).expect("set");
    let mut child = TestChain::with_domain(child_domain(&parent.domain, id), set.hash());
    let bob = user("bob");
    let minted = child.record_deposit(bob.address(), Address::ZERO, 30);
    child.commit(vec![build::deposit_transaction(&minted)]);
    let inflate = build::transfer(
        &child.domain,
        &[(UtxoPos::new(1, 0, 0), &bob)],
        vec![Output::new(bob.address(), Address::ZERO, U256::from(300))],
    );
    child.commit_unchecked(vec![inflate]);
    let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
    let certificate = crate::certificate::certify(&set, &signers, child.tip(), 0).expect("certify");
    let cp = Checkpoint { header: child.tip().clone(), certificate };
    parent.commit(vec![child_checkpoint_tx(&cp)]);
    (parent, child, id, ops)
}

fn inflation_proof(child: &TestChain, parent: &TestChain, id: u64) -> FraudProof {
    let anchor = child.tip().clone();
    let evidence = crate::types::InflationEvidence {
        height: 2,
        txIndex: 0,
        spend: child.inclusion(2, 0),
        inputs: vec![child.inclusion(1, 0)],
    };
    let checkpoint = parent.state.child_checkpoint(id, 2);
    assert_eq!(checkpoint, Some(anchor.hash()), "the parent accepted the anchor");
    let (keys, _) = committee(4);
    let set_members = parent.state.child(id).expect("child").validators().to_vec();
    let set = crate::certificate::ValidatorSet::new(set_members).expect("set");
    let signers: Vec<_> = keys.iter().enumerate().take(3).collect();
    let certificate = crate::certificate::certify(&set, &signers, &anchor, 0).expect("cert");
    crate::fraud::evidence::proof(
        crate::types::FraudKind::Inflation,
        &anchor,
        &certificate,
        &evidence,
    )
}

#[test]
fn a_proven_fraud_freezes_the_child_takes_the_signers_stakes_and_pays_the_prover() {
    let (mut parent, child, id, ops) = staked_child_with_inflation();
    let value = parent.state.total_value()[&Address::ZERO];
    assert_eq!(parent.state.child_stake(id, &ops[0].address()), U256::from(10));
    let proof = inflation_proof(&child, &parent, id);
    let dave = Address::repeat_byte(0xda);
    let fraud = ChildFraudProof { childChainId: id, proof: proof.clone(), prover: dave };
    // Three stakes of 10 taken, half to the prover: exactly 15, no more.
    assert!(matches!(
        tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(16))),
        TxError::System(e) if *e == ChildError::RewardOutput
    ));
    let (_, delta) = parent.commit(vec![prove_child_fraud_tx(&fraud, U256::from(15))]);
    let record = parent.state.child(id).expect("child");
    assert_eq!(record.rollback_height, 2, "rolled back to the inflating block");
    for (i, op) in ops.iter().enumerate() {
        let left = parent.state.child_stake(id, &op.address());
        assert_eq!(left, U256::from(if i < 3 { 0 } else { 10 }), "stake {i}");
    }
    assert_eq!(delta.created[0].1, Output::new(dave, Address::ZERO, U256::from(15)));
    let burned = U256::from(15);
    assert_eq!(parent.state.total_value()[&Address::ZERO], value - burned);

    // Frozen: no second proof, no checkpoint, no deposit.
    assert!(matches!(
        tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::ZERO)),
        TxError::System(e) if *e == ChildError::Frozen(id)
    ));
    let (keys, _) = committee(4);
    let set = crate::certificate::ValidatorSet::new(record.validators().to_vec()).expect("set");
    let mut later = child.clone();
    later.commit_unchecked(vec![]);
    let signers: Vec<_> = keys.iter().enumerate().collect();
    let certificate = crate::certificate::certify(&set, &signers, later.tip(), 0).expect("c");
    let cp = Checkpoint { header: later.tip().clone(), certificate };
    assert!(matches!(
        tx_refusal(&mut parent, child_checkpoint_tx(&cp)),
        TxError::System(e) if *e == ChildError::Frozen(id)
    ));
    let lock = ChildDeposit {
        childChainId: id,
        recipient: dave,
        token: Address::ZERO,
        amount: U256::from(15),
    };
    let op3 = &ops[3];
    let stake_change = UtxoPos::new(3, 3, 0);
    let tx =
        build::transaction(Kind::DepositToChild, vec![stake_change], vec![], lock.abi_encode());
    let signed = build::sign(&parent.domain, tx, &[op3]);
    assert!(matches!(
        tx_refusal(&mut parent, signed),
        TxError::System(e) if *e == ChildError::Frozen(id)
    ));
}

#[test]
fn a_fraud_proof_of_an_honest_block_convicts_nobody() {
    let (mut parent, child, id, _) = staked_child_with_inflation();
    let mut proof = inflation_proof(&child, &parent, id);
    // The deposit itself (block 1) conserves value: no inflation there.
    let honest = crate::types::InflationEvidence {
        height: 1,
        txIndex: 0,
        spend: child.inclusion(1, 0),
        inputs: vec![],
    };
    proof.evidence = honest.abi_encode().into();
    let fraud = ChildFraudProof { childChainId: id, proof, prover: Address::repeat_byte(1) };
    assert!(matches!(
        tx_refusal(&mut parent, prove_child_fraud_tx(&fraud, U256::from(15))),
        TxError::System(e) if matches!(*e, ChildError::Fraud(_))
    ));
    assert_eq!(parent.state.child(id).expect("child").rollback_height, 0);
}

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
    child: &TestChain,
    height: u64,
    set: &ValidatorSet,
    keys: &[(usize, &crate::bls::BlsSecretKey)],
) -> SignedTransaction {
    let header = child.blocks[height as usize - 1].header.clone();
    let certificate = crate::certificate::certify(set, keys, &header, 0).expect("certify");
    child_checkpoint_tx(&Checkpoint { header, certificate })
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
        };
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
    assert_eq!(refusal(&mut parent, odd), ChildError::BondPower(U256::from(stake - 1)));
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
    let events = child_events(&parent.domain, &block, id, 0, &crate::signing::Recover);
    let [ChildEvent::Bonded { validator, amount }] = &events[..] else {
        panic!("one bond event, got {events:?}")
    };
    assert_eq!(*amount, U256::from(stake));
    record.bond(validator.clone()).expect("the follower's bond");
    assert_eq!(record, after);

    // The child keeps its set through epoch end 4, adopts the new one at epoch end 8.
    let new = ValidatorSet::new(proposed).expect("set");
    let child = child_with_change(id, 8, new.hash(), 4);
    let three: Vec<_> = keys.iter().enumerate().take(3).collect();
    parent.commit(vec![checkpoint_of(&child, 4, &old, &three)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.active, r.pending, r.last_height), (1, 2, 4), "epoch end 4 names the old set");
    // A header naming the pending set off an epoch end does not activate it.
    let mut off_epoch = r.clone();
    off_epoch.accept_checkpoint(7, B256::repeat_byte(7), new.hash());
    assert_eq!((off_epoch.active, off_epoch.pending), (1, 2));
    parent.commit(vec![checkpoint_of(&child, 8, &old, &three)]);
    let r = parent.state.child(id).expect("child");
    assert_eq!((r.active, r.pending), (2, 0));
    assert_eq!(r.configuration(2).map(|c| c.active_from), Some(9));
    assert_eq!(r.set_at(8), old.validators());
    assert_eq!(r.set_at(9), new.validators());
    // From block 9 on the new set certifies: the old members alone are not enough.
    let old_only: Vec<_> = keys.iter().enumerate().take(4).skip(1).collect();
    assert!(matches!(
        refusal(&mut parent, checkpoint_of(&child, 12, &new, &old_only)),
        ChildError::Certificate(CertificateError::InsufficientPower { .. })
    ));
    let mut with_dave: Vec<_> = keys.iter().enumerate().take(3).collect();
    with_dave.push((4, &dave_bls));
    parent.commit(vec![checkpoint_of(&child, 12, &new, &with_dave)]);
    assert_eq!(parent.state.child(id).expect("child").last_height, 12);
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
