//! The law's cases about headers: a history root over a forged block, and a header that
//! breaks the schedule or goes back in time.

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
