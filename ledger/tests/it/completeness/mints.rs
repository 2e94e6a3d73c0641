//! The law's cases about the order in which a chain mints its parent's deposits. A block may
//! pass over recorded deposits (its range ends past its last mint, or a mint skips them):
//! they are never minted after, and their owners exit from the parent's record. What a block
//! may not do is go back: mint below its range, or not above a mint before it, which the
//! watcher proves from the mint alone or from the two.

use super::*;
use plasma_ledger::view::LedgerView;

/// A child of a plasma parent whose parent recorded Alice's lock of 30 at 3:0, Bob's of 20 at
/// 9:2 and Carol's of 10 at 12:0 (nonces are where the locks stand).
fn three_locks() -> (TestChain, [DepositRecord; 3]) {
    let mut chain = TestChain::new();
    let chain_id = chain.domain.chain_id;
    let record = |who: &str, nonce: u64, amount: u64| {
        let owner = testkit::user(who).address();
        DepositRecord {
            chainId: chain_id,
            nonce,
            depositor: owner,
            recipient: owner,
            token: Address::ZERO,
            amount: U256::from(amount),
        }
    };
    let records = [
        record("alice", 3 << 32, 30),
        record("bob", 9 << 32 | 2, 20),
        record("carol", 12 << 32, 10),
    ];
    for r in &records {
        chain.add_parent_deposit(r.clone());
    }
    (chain, records)
}

#[test]
fn a_deposit_a_block_passes_over_is_never_minted_after_and_a_mint_of_it_is_convicted() {
    let (mut chain, [alice, bob, carol]) = three_locks();
    // Block 1 mints Bob's deposit, passing over Alice's; block 2 mints nothing, its range
    // passing over Carol's.
    let first = chain.commit(vec![deposit_transaction(&bob)]).0;
    assert_eq!((first.header.depositNonceStart, first.header.depositNonceEnd), (0, bob.nonce + 1));
    chain.commit_passing_over(Vec::new(), carol.nonce + 1);
    assert_eq!(chain.state.next_deposit_nonce(), carol.nonce + 1);
    // The child holds Bob's 20 alone: of the 60 its parent escrows, 40 stay for Alice's and
    // Carol's exits from the record, which no mint can challenge.
    assert_eq!(chain.state.total_value()[&Address::ZERO], U256::from(20));
    let (honest, end) = (chain.clone(), carol.nonce + 1);
    for (name, passed_over) in [("Alice's, passed over by a mint", alice), ("Carol's", carol)] {
        let mut chain = honest.clone();
        let mint = deposit_transaction(&passed_over);
        let refused = chain.clone().try_commit(vec![mint.clone()]).unwrap_err();
        assert_eq!(
            refused,
            BlockError::InvalidTransaction {
                index: 0,
                error: TxError::DepositOutOfOrder { expected: end, got: passed_over.nonce }
            },
            "{name}"
        );
        chain.commit_unchecked(vec![mint]);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &honest, 3, |_| 3);
    }
}

#[test]
fn a_block_minting_deposits_out_of_nonce_order_is_convicted_by_its_two_mints() {
    let (chain, [alice, bob, carol]) = three_locks();
    let honest = chain.clone();
    let out_of_order = [
        ("Bob's, then Alice's", vec![bob.clone(), alice.clone()]),
        ("Alice's, Carol's, then Bob's", vec![alice.clone(), carol.clone(), bob.clone()]),
        ("Bob's twice", vec![bob.clone(), bob]),
    ];
    for (name, mints) in out_of_order {
        let mut chain = honest.clone();
        let txs: Vec<_> = mints.iter().map(deposit_transaction).collect();
        let refused = chain.clone().try_commit(txs.clone()).unwrap_err();
        assert!(
            matches!(
                refused,
                BlockError::InvalidTransaction { error: TxError::DepositOutOfOrder { .. }, .. }
            ),
            "{name}: {refused}"
        );
        chain.commit_unchecked(txs);
        chain.commit_unchecked(Vec::new());
        assert_convicted(name, &chain, &honest, 1, |_| 1);
    }
    // In order, passing over Bob's: valid.
    let mut chain = honest;
    chain.commit(vec![deposit_transaction(&alice), deposit_transaction(&carol)]);
    assert_eq!(chain.state.total_value()[&Address::ZERO], U256::from(40));
}

#[test]
fn a_validator_votes_for_no_proposal_passing_over_a_deposit_it_knows_recorded() {
    use plasma_ledger::block::{passes_over, seal_block, PassedOver, ProposalParams};
    let (chain, [alice, bob, carol]) = three_locks();
    let d = &chain.domain;
    let proposal = |mints: &[&DepositRecord], end: Option<u64>| {
        let txs = mints.iter().map(|r| deposit_transaction(r)).collect();
        let mut block = seal_block(d, &chain.state, txs, &ProposalParams::default());
        if let Some(end) = end {
            block.header.depositNonceEnd = end;
        }
        // Valid all the same: passing over is a validator's vote, no rule.
        plasma_ledger::apply_block(d, &chain.state, &block).expect("a valid block");
        passes_over(&chain.state, &block)
    };
    assert_eq!(proposal(&[&alice, &bob, &carol], None), Ok(()));
    assert_eq!(proposal(&[&alice], None), Ok(()), "leaving the later ones out is no skip");
    assert_eq!(proposal(&[], None), Ok(()));
    assert_eq!(proposal(&[&bob], None), Err(PassedOver::Deposit(alice.nonce)));
    assert_eq!(proposal(&[&alice, &carol], None), Err(PassedOver::Deposit(bob.nonce)));
    assert_eq!(
        proposal(&[&alice], Some(bob.nonce + 1)),
        Err(PassedOver::RangeEnd { end: bob.nonce + 1, body_end: alice.nonce + 1 })
    );
    // A range to the end of nonces would pass over every deposit to come.
    assert_eq!(
        proposal(&[], Some(u64::MAX)),
        Err(PassedOver::RangeEnd { end: u64::MAX, body_end: 0 })
    );
}

/// The proof the watcher builds of the first block of `chain` (a run from `honest`), from
/// every refusal of it, as the parent judges it.
fn first_proven(chain: &TestChain, honest: &TestChain) -> (FraudKind, u64) {
    let (bad, refusals) =
        first_refusals(&chain.domain, &honest.state, &chain.blocks).expect("a refused block");
    let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
    let proof = chain
        .with_proof_context(|cx| build_first_proof(cx, bad, &refusals, records))
        .unwrap_or_else(|e| panic!("{refusals:?}: no proof: {e}"));
    let judged = fraud::judge(&chain.domain, &proof, records, |_| None, |_| None)
        .unwrap_or_else(|e| panic!("the parent refuses the proof: {e}"));
    (judged.kind, judged.height)
}

#[test]
fn a_first_block_whose_range_starts_past_zero_is_proven_by_its_header_with_its_body_judged_too() {
    // Deposits 0..=5 recorded. Block 1 claims the range 5..6 (a chain's first starts at 0,
    // which the empty slot before it shows): it mints deposit 5 and inflates it, or mints
    // deposit 0, below its own range. Its header is proven; its body's refusal stands beside
    // the range's, proven too.
    let alice = testkit::user("alice");
    let mut honest = TestChain::new();
    let records: Vec<_> =
        (0..6).map(|_| honest.record_deposit(alice.address(), Address::ZERO, 30)).collect();
    let inflating = build::transfer(
        &honest.domain,
        &[(UtxoPos::new(1, 0, 0), &alice)],
        vec![Output::new(alice.address(), Address::ZERO, U256::from(3_000))],
    );
    let below = vec![deposit_transaction(&records[0])];
    for (body, body_kind) in [
        (vec![deposit_transaction(&records[5]), inflating], FraudKind::Inflation),
        (below, FraudKind::DepositMismatch),
    ] {
        let mut chain = honest.clone();
        chain.commit_edited(body, |h| (h.depositNonceStart, h.depositNonceEnd) = (5, 6));
        chain.commit_unchecked(Vec::new());
        assert_eq!(first_proven(&chain, &honest), (FraudKind::BrokenHistory, 1));
        let (bad, refusals) =
            first_refusals(&chain.domain, &honest.state, &chain.blocks).expect("block 1");
        assert!(matches!(refusals[0], BlockError::DepositRangeBroken { start: 5, .. }));
        let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
        let body = chain
            .with_proof_context(|cx| build_first_proof(cx, bad, &refusals[1..], records))
            .expect("the body's refusal is proven on its own");
        let judged = fraud::judge(&chain.domain, &body, records, |_| None, |_| None)
            .expect("the parent convicts the body");
        assert_eq!((judged.kind, judged.height), (body_kind, 1));
    }
}
