//! `certificates.json`: commit certificates the root must accept or refuse, the fixture
//! committee's keys, proofs of possession and aggregate keys, and the points votes hash to.

use super::{h, outcome};
use crate::bls::{hash_to_g1, BlsPublicKey, VOTE_DST};
use crate::certificate::{certify, vote_sign_bytes, VoteDomain, VoteType};
use crate::testkit;
use alloy_primitives::Address;
use alloy_sol_types::SolValue;
use serde_json::{json, Value};

/// The certificate vectors.
pub(super) fn certificates() -> Value {
    let (keys, set) = testkit::committee(4);
    let header = crate::types::BlockHeader {
        chainId: testkit::CHAIN_ID,
        height: 12,
        validatorSetHash: set.hash(),
        ..Default::default()
    };
    let all: Vec<_> = keys.iter().enumerate().collect();
    let mut cases = Vec::new();
    let mut push = |name: &str,
                    cert: crate::types::CommitCertificate,
                    header: &crate::types::BlockHeader| {
        let cp = crate::types::Checkpoint { header: header.clone(), certificate: cert };
        let result = set.verify_checkpoint(testkit::domain().votes(), &cp);
        cases.push(json!({ "name": name, "checkpoint": h(cp.abi_encode()), "expect": outcome(&result, |p| json!(p.to_string())) }));
    };
    push(
        "all_signed",
        certify(&set, &all, testkit::domain().votes(), &header, 0).expect("cert"),
        &header,
    );
    push(
        "three_of_four",
        certify(&set, &all[1..], testkit::domain().votes(), &header, 2).expect("cert"),
        &header,
    );
    push(
        "two_of_four",
        certify(&set, &all[2..], testkit::domain().votes(), &header, 0).expect("cert"),
        &header,
    );
    let mut lying_bitmap =
        certify(&set, &all[1..], testkit::domain().votes(), &header, 0).expect("cert");
    lying_bitmap.signerBitmap = vec![0b1011].into();
    push("bitmap_claims_non_signer", lying_bitmap, &header);
    let mut other = header.clone();
    other.timestamp = 99;
    push(
        "certificate_of_other_header",
        certify(&set, &all, testkit::domain().votes(), &header, 0).expect("cert"),
        &other,
    );
    // The same committee and chain id on another deployment of the root, and on another L1:
    // its votes there certify nothing here.
    let (l1, root) = (testkit::ROOT_CHAIN_ID, Address::repeat_byte(0xd0));
    for (name, elsewhere) in [
        ("certified_for_another_root", VoteDomain::of_path(l1, root, &[testkit::CHAIN_ID])),
        (
            "certified_on_another_l1",
            VoteDomain::of_path(1, testkit::ROOT_CONTRACT, &[testkit::CHAIN_ID]),
        ),
    ] {
        push(name, certify(&set, &all, &elsewhere, &header, 0).expect("cert"), &header);
    }
    let pops: Vec<Value> = keys
        .iter()
        .zip(set.validators())
        .map(|(k, v)| json!({ "operator": v.operator.to_string(), "blsPubkey": h(&v.blsPubkey), "pop": h(k.proof_of_possession(v.operator).to_eip2537()) }))
        .collect();
    let votes: Vec<Value> = [(12u64, 0u32), (12, 2), (13, 0)]
        .iter()
        .map(|(height, round)| {
            let msg = vote_sign_bytes(
                testkit::domain().votes(),
                *height,
                *round,
                VoteType::Precommit,
                header.hash(),
            );
            json!({ "message": h(&msg), "hashToG1": h(hash_to_g1(&msg, VOTE_DST).to_eip2537()) })
        })
        .collect();
    let keys_of = |range: std::ops::Range<usize>| {
        let pks: Vec<_> = keys[range].iter().map(|k| k.public_key()).collect();
        h(BlsPublicKey::aggregate(&pks).expect("non-empty").to_eip2537())
    };
    json!({
        "validatorSet": h(set.validators().to_vec().abi_encode()),
        "validatorSetHash": set.hash().to_string(),
        "aggregatePubkey": keys_of(0..keys.len()),
        "aggregatePubkeyWithoutFirst": keys_of(1..keys.len()),
        "votes": votes,
        "totalPower": set.total_power().to_string(),
        "voteDst": String::from_utf8_lossy(crate::bls::VOTE_DST),
        "popDst": String::from_utf8_lossy(crate::bls::POP_DST),
        "cases": cases,
        "proofsOfPossession": pops,
    })
}
