//! The law's cases about headers: a history root over a forged block, a header that breaks
//! the schedule or goes back in time, and a first block broken against the empty slot
//! before it.

use super::*;

/// A history root over a forged block 2: the node's own certificate of its block 2 convicts
/// it, once an exit through the forged block reveals the block and its path.
#[test]
fn a_history_root_fabricating_a_block_is_convicted_once_a_path_is_revealed() {
    let (chain, honest) = with_header_fault(|_| vec![], |_| {});
    let fake = chain.fabricate(2, 3);
    let (bad, error) = first_invalid(&chain.domain, &honest.state, &fake.blocks[2..3])
        .expect("a history root over a forged block");
    let Convicted(kind) = verdict(&error) else {
        panic!("{error} is classified {:?}, not convicted", verdict(&error));
    };
    let (keys, set) = testkit::committee(4);
    let ours = testkit::certify_all(&set, &keys, &chain.blocks[1].header);
    let anchor = (&bad.header, &testkit::certify_all(&set, &keys, &bad.header));
    let (forged, path) = (&fake.blocks[1].header, fake.history_under(2, 3));
    let proof = history_equivocation(chain.domain.chain_id, anchor, forged, &path, &ours)
        .expect("the revealed leaf contradicts the certified block");
    let judged =
        fraud::judge(&chain.domain, &proof, |_| None, |_| None, |_| None).expect("convicted");
    assert_eq!((judged.kind, judged.height), (kind, 2));
    // The block it forged, certified, is no contradiction.
    let theirs = testkit::certify_all(&set, &keys, forged);
    let agreeing = history_equivocation(chain.domain.chain_id, anchor, forged, &path, &theirs);
    assert!(agreeing.is_err(), "a certificate of the block the history holds convicts nobody");
}

/// A header that breaks what a node judges beside `apply_block` — a time before its parent's,
/// another set, a set change off an epoch end, a proposer outside the set — is found by the
/// watcher's `first_broken_header`, and the proof `build_header_proof` makes of it convicts it
/// against the parent's configuration.
#[test]
fn a_header_breaking_the_schedule_or_going_back_in_time_is_convicted() {
    let (_, set) = testkit::committee(4);
    let faults: [(&str, HeaderFault); 4] = [
        ("a time before its parent's", |h| h.timestamp -= 100),
        ("another set", |h| h.validatorSetHash = B256::repeat_byte(7)),
        ("a set change off an epoch end", |h| h.nextValidatorSetHash = B256::repeat_byte(7)),
        ("a proposer outside the set", |h| h.proposer = Address::repeat_byte(0x66)),
    ];
    let by_hash = |_| None;
    let schedule = Schedule { first: set.validators().to_vec(), epoch: 4, by_hash: &by_hash };
    for (name, edit) in faults {
        let (chain, _) = with_header_fault(|_| vec![], edit);
        let (parent, run) = (&chain.blocks[1].header, &chain.blocks[2..]);
        let (bad, refusal, shown) = first_broken_header(Some(parent), run, &schedule)
            .unwrap_or_else(|| panic!("{name}: keeps the schedule"));
        assert_eq!(bad.header.height, 3, "{name}");
        let Convicted(kind) = header_verdict(&refusal) else {
            panic!("{name}: {refusal} is not classified convicted");
        };
        let blocks: Vec<&Block> = chain.blocks.iter().collect();
        let certificate = CommitCertificate::default();
        let cx = ProofContext {
            domain: &chain.domain,
            blocks: &blocks,
            anchor: chain.tip(),
            certificate: &certificate,
        };
        let proof = build_header_proof(&cx, bad, &refusal, &shown, 4)
            .unwrap_or_else(|e| panic!("{name}: no proof: {e}"));
        let parents = |_| Some((set.hash(), 4));
        let judged = fraud::judge(&chain.domain, &proof, |_| None, |_| None, parents)
            .unwrap_or_else(|e| panic!("{name}: the parent refuses the proof: {e}"));
        assert_eq!((judged.kind, judged.height), (kind, 3), "{name}");
    }
    // An honest run keeps it.
    let (chain, _) = with_header_fault(|_| vec![], |_| {});
    let (parent, run) = (&chain.blocks[1].header, &chain.blocks[2..]);
    assert!(first_broken_header(Some(parent), run, &schedule).is_none());
    assert_eq!(link_verdict(&LinkError::Body(3)), NotAFault("the header commits to its body"));
}

/// A chain's first block that names a parent, or whose deposits do not start at 0: the
/// watcher's run from the empty chain breaks its link at block 1, which the anchor's history
/// holds all the same; the ledger refuses block 1, and the proof stands it against the empty
/// slot at height 0. Every block is void (the chain rolls back to 1).
#[test]
fn a_first_block_naming_a_parent_or_starting_its_deposits_past_zero_is_convicted() {
    let faults: [(&str, HeaderFault); 3] = [
        ("a parent named", |h| h.parentHash = B256::repeat_byte(9)),
        ("deposits from 5", |h| (h.depositNonceStart, h.depositNonceEnd) = (5, 5)),
        ("deposits from 5 to 3", |h| (h.depositNonceStart, h.depositNonceEnd) = (5, 3)),
    ];
    let alice = testkit::user("alice");
    for (name, edit) in faults {
        let mut honest = TestChain::new();
        honest.record_deposit(alice.address(), Address::ZERO, 100);
        let mut chain = honest.clone();
        chain.commit_edited(Vec::new(), edit);
        chain.commit_unchecked(Vec::new());
        check_links(&honest.state.head, &chain.blocks, chain.tip())
            .unwrap_or_else(|e| panic!("{name}: the anchor's history holds the run: {e}"));
        let (bad, refusals) = first_refusals(&chain.domain, &honest.state, &chain.blocks)
            .unwrap_or_else(|| panic!("{name}: block 1 is valid"));
        assert_eq!(bad.header.height, 1, "{name}");
        assert_eq!(verdict(&refusals[0]), Convicted(FraudKind::BrokenHistory), "{name}");
        let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
        let proof = chain
            .with_proof_context(|cx| build_first_proof(cx, bad, &refusals, records))
            .unwrap_or_else(|e| panic!("{name}: no proof: {e}"));
        let judged = fraud::judge(&chain.domain, &proof, records, |_| None, |_| None)
            .unwrap_or_else(|e| panic!("{name}: the parent refuses the proof: {e}"));
        assert_eq!((judged.kind, judged.height), (FraudKind::BrokenHistory, 1), "{name}");
    }
}

/// A run is the anchor's only if its links hold or the anchor's history holds every block
/// of it, and each body is the one its header commits to, whether its link holds or not.
#[test]
fn a_run_whose_broken_link_the_anchors_history_does_not_hold_or_whose_body_differs_is_refused() {
    let (chain, honest) = with_header_fault(|_| Vec::new(), |_| {});
    // Block 3 served naming another parent, and block 4 over it: the anchor (block 4 as the
    // quorum signed it, over the served block 3) holds the real block 3 in its history.
    let mut run = chain.blocks[2..].to_vec();
    run[0].header.parentHash = B256::repeat_byte(9);
    run[1].header.parentHash = run[0].header.hash();
    let anchor = run[1].header.clone();
    assert!(matches!(
        check_links(&honest.state.head, &run, &anchor),
        Err(plasma_ledger::prove::LinkError::Parent { height: 3, .. })
    ));
    // A broken link the anchor's history holds, served with another body.
    let (chain, honest) =
        with_header_fault(|_| Vec::new(), |h| h.parentHash = B256::repeat_byte(9));
    let mut run = chain.blocks[2..].to_vec();
    check_links(&honest.state.head, &run, chain.tip()).expect("the anchor's history holds it");
    run[0].transactions = chain.blocks[1].transactions.clone();
    assert_eq!(
        check_links(&honest.state.head, &run, chain.tip()),
        Err(plasma_ledger::prove::LinkError::Body(3))
    );
}

/// Block 3 names another parent than block 2, which the parent holds as its checkpoint, and
/// inflates. The proof of its link convicts block 3 itself, not 2 (the checkpoint stands, and
/// would refuse a rollback to its height); the body's refusal is found beside the link's,
/// judged as if block 3 named its parent, and is proven on its own too.
#[test]
fn a_block_breaking_its_link_to_a_checkpointed_parent_is_convicted_at_its_own_height() {
    let inflating =
        |c: &TestChain| vec![transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100_000], "alice")];
    let (chain, honest) = with_header_fault(inflating, |h| h.parentHash = B256::repeat_byte(9));
    let run = &chain.blocks[2..];
    check_links(&honest.state.head, run, chain.tip()).expect("the anchor's history holds it");
    let (bad, refusals) = first_refusals(&chain.domain, &honest.state, run).expect("block 3");
    assert!(
        matches!(
            refusals[..],
            [
                BlockError::WrongParent { .. },
                BlockError::InvalidTransaction { error: TxError::ValueMismatch { .. }, .. },
                ..
            ]
        ),
        "{refusals:?}"
    );
    let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
    let prove = |refusals: &[BlockError]| {
        chain
            .with_proof_context(|cx| build_first_proof(cx, bad, refusals, records))
            .expect("a proof")
    };
    let link = prove(&refusals);
    let checkpoint = chain.blocks[1].header.hash();
    let held = |h: u64| (h == 2).then_some(checkpoint);
    let judged = fraud::judge(&chain.domain, &link, records, held, |_| None).expect("convicted");
    assert_eq!((judged.kind, judged.height), (FraudKind::BrokenHistory, 3));
    // With no checkpoint at 2, either block may be the fabricated one: back to 2.
    let judged =
        fraud::judge(&chain.domain, &link, records, |_| None, |_| None).expect("convicted");
    assert_eq!((judged.kind, judged.height), (FraudKind::BrokenHistory, 2));
    let body = prove(&refusals[1..]);
    let judged = fraud::judge(&chain.domain, &body, records, held, |_| None).expect("convicted");
    assert_eq!((judged.kind, judged.height), (FraudKind::Inflation, 3));
}
