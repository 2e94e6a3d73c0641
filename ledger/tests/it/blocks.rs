//! Block application: what a validator accepts and refuses, told as stories.

use plasma_ledger::block::{
    build_block, seal_block, BlockBuilder, BlockError, ProposalParams, PushError,
};
use plasma_ledger::build;
use plasma_ledger::build::{deposit_transaction, transfer};
use plasma_ledger::signing::Recover;
use plasma_ledger::testkit::{self, TestChain};
use plasma_ledger::tx::{FormError, TxError};
use plasma_ledger::view::{LedgerView, TxRef};
use plasma_ledger::{apply_block, Address, Output, UtxoPos, B256, U256};

fn eth(owner: Address, amount: u64) -> Output {
    Output::new(owner, Address::ZERO, U256::from(amount))
}

/// Alice has 100 ETH at (1,0,0).
fn funded() -> (TestChain, plasma_ledger::signing::UserKey) {
    let alice = testkit::user("alice");
    let mut chain = TestChain::new();
    let d = chain.record_deposit(alice.address(), Address::ZERO, 100);
    chain.commit(vec![deposit_transaction(&d)]);
    (chain, alice)
}

#[test]
fn block_may_spend_what_it_creates_but_not_twice() {
    let (mut chain, alice) = funded();
    let bob = testkit::user("bob");
    let d = chain.domain.clone();
    let pay = transfer(&d, &[(UtxoPos::new(1, 0, 0), &alice)], vec![eth(bob.address(), 100)]);
    let onward = transfer(&d, &[(UtxoPos::new(2, 0, 0), &bob)], vec![eth(alice.address(), 100)]);
    let again = transfer(&d, &[(UtxoPos::new(2, 0, 0), &bob)], vec![eth(bob.address(), 100)]);
    let err = chain.try_commit(vec![pay.clone(), onward.clone(), again]).unwrap_err();
    assert_eq!(
        err,
        BlockError::InvalidTransaction {
            index: 2,
            error: TxError::InputSpent {
                pos: UtxoPos::new(2, 0, 0),
                spent_by: TxRef { height: 2, index: 1 }
            }
        }
    );
    let delta = chain.try_commit(vec![pay, onward]).unwrap();
    assert_eq!(delta.created, vec![(UtxoPos::new(2, 1, 0), eth(alice.address(), 100))]);
    assert_eq!(chain.state.utxos.len(), 1);
    assert_eq!(chain.state.spent_by(&UtxoPos::new(2, 0, 0)), Some(TxRef { height: 2, index: 1 }));
}

#[test]
fn header_must_extend_the_head_and_commit_to_its_body() {
    let (chain, alice) = funded();
    let d = &chain.domain;
    let pay = transfer(d, &[(UtxoPos::new(1, 0, 0), &alice)], vec![eth(alice.address(), 100)]);
    let good = seal_block(d, &chain.state, vec![pay], &ProposalParams::default());
    assert!(apply_block(d, &chain.state, &good).is_ok());

    let mut b = good.clone();
    b.header.height = 3;
    assert_eq!(
        apply_block(d, &chain.state, &b),
        Err(BlockError::WrongHeight { expected: 2, got: 3 })
    );
    let mut b = good.clone();
    b.header.parentHash = B256::repeat_byte(1);
    assert!(matches!(apply_block(d, &chain.state, &b), Err(BlockError::WrongParent { .. })));
    let mut b = good.clone();
    b.header.historyRoot = B256::ZERO;
    assert!(matches!(
        apply_block(d, &chain.state, &b),
        Err(BlockError::HistoryRootMismatch { .. })
    ));
    let mut b = good.clone();
    b.transactions[0].signatures[0] = vec![0u8; 65].into(); // body changed, root not
    assert!(matches!(apply_block(d, &chain.state, &b), Err(BlockError::TxRootMismatch { .. })));
    let mut b = good.clone();
    b.header.chainId = 99;
    assert_eq!(
        apply_block(d, &chain.state, &b),
        Err(BlockError::WrongChain { expected: 7, got: 99 })
    );
    // The range starts where the one before it ended (deposit 0 was minted), and holds
    // what the body mints; it may end past it, passing over deposits never minted after.
    for (start, end) in [(0, 1), (2, 2), (1, 0)] {
        let mut b = good.clone();
        (b.header.depositNonceStart, b.header.depositNonceEnd) = (start, end);
        assert_eq!(
            apply_block(d, &chain.state, &b),
            Err(BlockError::DepositRangeBroken { start, end, expected: 1 })
        );
    }
    let mut b = good;
    b.header.depositNonceEnd = 2;
    assert_eq!(apply_block(d, &chain.state, &b).unwrap().next_deposit_nonce, 2);
}

#[test]
fn deposits_are_minted_once_in_nonce_order_exactly_as_recorded() {
    let mut chain = TestChain::new();
    let alice = testkit::user("alice");
    let first = chain.record_deposit(alice.address(), Address::ZERO, 5);
    let second = chain.record_deposit(alice.address(), testkit::TOKEN, 6);
    let out_of_order =
        chain.try_commit(vec![deposit_transaction(&second), deposit_transaction(&first)]);
    assert_eq!(
        out_of_order.unwrap_err(),
        BlockError::InvalidTransaction {
            index: 1,
            error: TxError::DepositOutOfOrder { expected: 2, got: 0 }
        }
    );
    let mut inflated = first.clone();
    inflated.amount = U256::from(500);
    assert_eq!(
        chain.try_commit(vec![deposit_transaction(&inflated)]).unwrap_err(),
        BlockError::InvalidTransaction { index: 0, error: TxError::DepositMismatch { nonce: 0 } }
    );
    let unknown = plasma_ledger::DepositRecord { nonce: 2, ..second.clone() };
    let delta =
        chain.try_commit(vec![deposit_transaction(&first), deposit_transaction(&second)]).unwrap();
    assert_eq!(delta.next_deposit_nonce, 2);
    assert_eq!(chain.state.total_value()[&testkit::TOKEN], U256::from(6));
    assert_eq!(
        chain.try_commit(vec![deposit_transaction(&unknown)]).unwrap_err(),
        BlockError::InvalidTransaction { index: 0, error: TxError::DepositUnknown { nonce: 2 } }
    );
}

#[test]
fn lock_into_child_moves_value_to_escrow_and_nothing_pays_it_out_unexited() {
    use alloy_sol_types::SolValue;
    use plasma_ledger::{ChildDeposit, ExitPayoutClaim, Kind};
    let (mut chain, alice) = funded();
    let d = chain.domain.clone();
    // Child 8 is in the fixture's state, registered by no transaction.
    let registered = plasma_ledger::testkit::CHILD_8_REGISTERED;
    let lock = ChildDeposit {
        childChainId: 8,
        recipient: alice.address(),
        token: Address::ZERO,
        amount: U256::from(30),
        registeredHeight: registered.height,
        registeredIndex: registered.index,
        ..Default::default()
    };
    let tx = build::transaction(
        Kind::DepositToChild,
        vec![UtxoPos::new(1, 0, 0)],
        vec![eth(alice.address(), 70)],
        lock.abi_encode(),
    );
    let unknown_child = ChildDeposit { childChainId: 9, ..lock.clone() };
    let bad = build::transaction(
        Kind::DepositToChild,
        vec![UtxoPos::new(1, 0, 0)],
        vec![eth(alice.address(), 70)],
        unknown_child.abi_encode(),
    );
    assert_eq!(
        chain.try_commit(vec![build::sign(&d, bad, &[&alice])]).unwrap_err(),
        BlockError::InvalidTransaction { index: 0, error: TxError::UnknownChild(9) }
    );
    chain.commit(vec![build::sign(&d, tx, &[&alice])]);
    assert_eq!(chain.state.escrow(8, &Address::ZERO), U256::from(30));
    assert_eq!(chain.state.total_value()[&Address::ZERO], U256::from(100));

    // Nothing exited: no payout is owed (the exit game is tested in `children`).
    let exit_id = B256::repeat_byte(0xe1);
    let start = TxRef { height: 1, index: 0 };
    let claim = ExitPayoutClaim {
        childChainId: 8,
        exitId: exit_id,
        startHeight: start.height,
        startIndex: start.index,
        cancels: false,
        ..Default::default()
    };
    let payout = plasma_ledger::SignedTransaction {
        transaction: build::transaction(
            Kind::ExitPayout,
            vec![],
            vec![eth(alice.address(), 30)],
            claim.abi_encode(),
        ),
        signatures: vec![],
    };
    assert_eq!(
        chain.try_commit(vec![payout]).unwrap_err(),
        BlockError::InvalidTransaction {
            index: 0,
            error: plasma_ledger::children::ChildError::ExitNotActive { exit_id, start }.into()
        }
    );
    assert_eq!(chain.state.escrow(8, &Address::ZERO), U256::from(30));
}

#[test]
fn transfer_errors_name_what_is_wrong() {
    let (chain, alice) = funded();
    let d = &chain.domain;
    let mallory = testkit::user("mallory");
    let view = &chain.state;
    let check = |stx| plasma_ledger::validate_transaction(d, view, &stx).unwrap_err();
    let p = UtxoPos::new(1, 0, 0);
    assert_eq!(
        check(transfer(d, &[(p.clone(), &mallory)], vec![eth(mallory.address(), 100)])),
        TxError::WrongSigner { input: 0, owner: alice.address(), signer: mallory.address() }
    );
    assert_eq!(
        check(transfer(d, &[(p.clone(), &alice)], vec![eth(alice.address(), 101)])),
        TxError::ValueMismatch {
            token: Address::ZERO,
            inputs: U256::from(100),
            outputs: U256::from(101)
        }
    );
    assert_eq!(
        check(transfer(
            d,
            &[(p.clone(), &alice), (p.clone(), &alice)],
            vec![eth(alice.address(), 200)]
        )),
        TxError::DuplicateInput { pos: p.clone() }
    );
    assert_eq!(
        check(transfer(d, &[(UtxoPos::new(1, 0, 1), &alice)], vec![eth(alice.address(), 1)])),
        TxError::InputMissing { pos: UtxoPos::new(1, 0, 1) }
    );
    assert_eq!(
        check(transfer(
            d,
            &[(p.clone(), &alice)],
            vec![eth(alice.address(), 100), eth(Address::ZERO, 0)]
        )),
        TxError::Form(FormError::ZeroAmount { output: 1 })
    );
    let five = vec![eth(alice.address(), 20); 5];
    assert!(matches!(
        check(transfer(d, &[(p.clone(), &alice)], five)),
        TxError::Form(FormError::OutputCount { got: 5, .. })
    ));
    let overflow =
        vec![Output::new(alice.address(), Address::ZERO, U256::MAX), eth(alice.address(), 1)];
    assert_eq!(
        check(transfer(d, &[(p.clone(), &alice)], overflow)),
        TxError::Form(FormError::Overflow { token: Address::ZERO })
    );
    let mut unsigned = transfer(d, &[(p, &alice)], vec![eth(alice.address(), 100)]);
    unsigned.signatures.clear();
    assert_eq!(
        check(unsigned),
        TxError::Form(FormError::SignatureCount { inputs: 1, signatures: 0 })
    );
}

#[test]
fn build_block_refuses_what_apply_refuses() {
    let (chain, alice) = funded();
    let d = &chain.domain;
    let pay = transfer(d, &[(UtxoPos::new(1, 0, 0), &alice)], vec![eth(alice.address(), 99)]);
    assert!(matches!(
        build_block(d, &chain.state, vec![pay], &ProposalParams::default()),
        Err(BlockError::InvalidTransaction { index: 0, error: TxError::ValueMismatch { .. } })
    ));
}

#[test]
fn builder_keeps_what_is_valid_after_what_it_kept_and_apply_agrees() {
    let (chain, alice) = funded();
    let bob = testkit::user("bob");
    let d = &chain.domain;
    let pay = transfer(d, &[(UtxoPos::new(1, 0, 0), &alice)], vec![eth(bob.address(), 100)]);
    let double = transfer(d, &[(UtxoPos::new(1, 0, 0), &alice)], vec![eth(alice.address(), 100)]);
    let onward = transfer(d, &[(UtxoPos::new(2, 0, 0), &bob)], vec![eth(alice.address(), 100)]);
    let unbalanced = transfer(d, &[(UtxoPos::new(2, 1, 0), &alice)], vec![eth(bob.address(), 1)]);
    let mut builder = BlockBuilder::new(&chain.state, 9);
    assert_eq!(builder.push(d, pay.clone(), &Recover), Ok(()));
    assert!(matches!(
        builder.push(d, double, &Recover),
        Err(PushError::Invalid(TxError::InputSpent { .. }))
    ));
    assert_eq!(builder.push(d, onward.clone(), &Recover), Ok(()));
    assert!(matches!(
        builder.push(d, unbalanced, &Recover),
        Err(PushError::Invalid(TxError::ValueMismatch { .. }))
    ));
    // Larger than a block's reader takes: never sealed, so no block of it is refused whole.
    let mut huge = transfer(d, &[(UtxoPos::new(2, 1, 0), &alice)], vec![eth(bob.address(), 1)]);
    huge.signatures.push(vec![0; plasma_ledger::MAX_TX_BYTES].into());
    assert!(matches!(
        builder.push(d, huge, &Recover),
        Err(PushError::Invalid(TxError::Form(plasma_ledger::tx::FormError::TooLarge(_))))
    ));
    assert_eq!(builder.len(), 2);
    let params = ProposalParams { timestamp: 9, ..Default::default() };
    let (block, delta) = builder.seal(d, &params);
    assert_eq!(block.transactions, vec![pay, onward]);
    assert_eq!(apply_block(d, &chain.state, &block), Ok(delta.clone()));
    assert_eq!(
        build_block(d, &chain.state, block.transactions.clone(), &params),
        Ok((block, delta))
    );
}
