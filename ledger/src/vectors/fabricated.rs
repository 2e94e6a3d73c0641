//! The fabricated and broken histories the fraud vectors prove: checkpoints a quorum could
//! certify over a fork, a forged block or headers that break what they owe their parents.

use crate::certificate::{certify, VoteDomain};
use crate::testkit::{self, FraudWorld};
use crate::types::MerkleProof;
use alloy_primitives::{B256, U256};

/// A checkpoint that fabricates history, the chain as its signers present it, and the real
/// one.
pub(super) struct Fabricated {
    pub(super) chain: testkit::TestChain,
    pub(super) real: testkit::TestChain,
    pub(super) checkpoint: crate::types::Checkpoint,
}

/// The chain extended by an empty block 6, whose history root (certified by validators 1 to 3
/// of the fixture committee) holds a forged block 2 and the real blocks 1 and 3 to 5: it
/// agrees with the root's checkpoint at 5 there, and disagrees with its history at 2.
pub(super) fn fabricated_checkpoint(world: &FraudWorld) -> Fabricated {
    fabricate_at(world, 2, 6)
}

/// The chain extended by four blocks whose headers break what they owe, certified at 9 by
/// validators 1 to 3 of the fixture committee: block 6 mints deposit 3 (as the parent
/// recorded it) but its header's range is empty, [3, 3); block 7 is 1,000 s ahead; block 8
/// goes back before it; block 9 commits to a transaction past the most a block may hold.
pub(super) fn broken_headers(world: &FraudWorld) -> Fabricated {
    let (keys, set) = testkit::committee(4);
    let mut chain = world.chain.clone();
    let record = chain.state.parent_deposits[&3].clone();
    chain.commit_edited(vec![crate::build::deposit_transaction(&record)], |h| {
        h.depositNonceEnd = h.depositNonceStart;
    });
    chain.clock_offset = 1_000;
    chain.commit_unchecked(vec![]);
    chain.clock_offset = 0;
    chain.commit_unchecked(vec![]);
    let (_, root) = past_the_limit(world);
    chain.commit_edited(vec![], |h| h.txRoot = root);
    let header = chain.tip().clone();
    let signers: Vec<_> = keys.iter().enumerate().skip(1).collect();
    let certificate =
        certify(&set, &signers, testkit::domain().votes(), &header, 0).expect("certificate");
    let real = world.chain.clone();
    Fabricated { chain, real, checkpoint: crate::types::Checkpoint { header, certificate } }
}

/// Block 2's transfer as transaction 2^16 of a tree (past the most a block may hold), and
/// that tree's root, which block 9 of [`broken_headers`] commits to.
pub(super) fn past_the_limit(world: &FraudWorld) -> (crate::types::TxInclusion, B256) {
    let signed = world.chain.blocks[1].transactions[0].clone();
    let index = crate::types::MAX_BLOCK_TXS as u64;
    let proof = MerkleProof { index, siblings: vec![B256::ZERO; 17] };
    let leaf = crate::merkle::leaf_hash(&signed.leaf_bytes());
    let root = crate::merkle::compute_root(leaf, &proof).expect("a 17-level proof");
    let inclusion =
        crate::types::TxInclusion { signedTx: signed, txProof: proof, ..Default::default() };
    (inclusion, root)
}

/// The chain extended by empty blocks to `anchor`, whose history root (certified by
/// validators 1 to 3 of the fixture committee) holds a forged block at `height`.
pub(super) fn fabricate_at(world: &FraudWorld, height: u64, anchor: u64) -> Fabricated {
    let (keys, set) = testkit::committee(4);
    let mut real = world.chain.clone();
    while real.tip().height < anchor {
        real.commit(vec![]);
    }
    let chain = real.fabricate(height, anchor);
    let header = chain.tip().clone();
    let signers: Vec<_> = keys.iter().enumerate().skip(1).collect();
    let certificate =
        certify(&set, &signers, testkit::domain().votes(), &header, 0).expect("certificate");
    Fabricated { chain, real, checkpoint: crate::types::Checkpoint { header, certificate } }
}

/// The fork's block 6, certified by validators 1 to 3 of the fixture committee: a checkpoint
/// whose history disagrees with the chain's checkpoint at 5 (and agrees with the one at 3).
pub(super) fn fork_checkpoint(world: &FraudWorld) -> crate::types::Checkpoint {
    tip_certified_by_1_to_3(&world.fork)
}

/// The tip of `chain`, certified by validators 1 to 3 of the fixture committee.
pub(super) fn tip_certified_by_1_to_3(chain: &testkit::TestChain) -> crate::types::Checkpoint {
    let (keys, set) = testkit::committee(4);
    let header = chain.tip().clone();
    let signers: Vec<_> = keys.iter().enumerate().skip(1).collect();
    let certificate =
        certify(&set, &signers, testkit::domain().votes(), &header, 0).expect("certificate");
    crate::types::Checkpoint { header, certificate }
}

/// A fork above the root's last checkpoint (5), and the chain's own certificate of the block
/// it replaces. The chain's block 6 is empty, certified by validators 0 to 2 and never
/// checkpointed; the fork's block 6 moves Carol's output of block 3 to Mallory (a payment Carol
/// signed, which the chain never included) and its block 8, over an empty 7, is certified by
/// validators 1 to 3. The fork's history
/// holds together and agrees with every checkpoint the root holds: only the chain's
/// certificate of its block 6 contradicts it.
pub(super) struct CertifiedFork {
    pub(super) fork: testkit::TestChain,
    pub(super) checkpoint: crate::types::Checkpoint,
    /// The chain's block 6, certified by validators 0 to 2.
    pub(super) certified: crate::types::CommitCertificate,
    /// The fork's own block 6, certified likewise (it agrees with the fork).
    pub(super) agreeing: crate::types::CommitCertificate,
}

/// See [`CertifiedFork`].
pub(super) fn certified_fork(world: &FraudWorld) -> CertifiedFork {
    let (keys, set) = testkit::committee(4);
    let by_0_to_2: Vec<_> = keys.iter().enumerate().take(3).collect();
    let mut real = world.chain.clone();
    real.commit(vec![]);
    let certified =
        certify(&set, &by_0_to_2, testkit::domain().votes(), real.tip(), 0).expect("certificate");
    let mut fork = world.chain.clone();
    let carols = crate::types::UtxoPos::new(3, 0, 0);
    let paid = world.chain.blocks[2].transactions[0].transaction.outputs[0].clone();
    let to_mallory = crate::types::Output { owner: testkit::user("mallory-0").address(), ..paid };
    let (carol, domain) = (testkit::user("carol-0"), &fork.domain);
    let payment = crate::build::transfer(domain, &[(carols, &carol)], vec![to_mallory]);
    fork.commit_unchecked(vec![payment]);
    let agreeing =
        certify(&set, &by_0_to_2, testkit::domain().votes(), fork.tip(), 0).expect("certificate");
    fork.commit_unchecked(vec![]);
    fork.commit_unchecked(vec![]);
    let checkpoint = tip_certified_by_1_to_3(&fork);
    CertifiedFork { fork, checkpoint, certified, agreeing }
}

/// A fork of the chain after block 1 whose own block 2 inflates (Alice's ETH deposit paid to
/// her tenfold), over empty blocks up to 6 certified by validators 1 to 3: an invalid block
/// below the root's honest checkpoints at 3 and 5, in a history neither of them holds.
pub(super) fn inflating_fork(world: &FraudWorld) -> (testkit::TestChain, crate::types::Checkpoint) {
    let mut fork = world.chain.clone();
    fork.blocks.truncate(1);
    let first = fork.blocks[0].header.hash();
    let mut history = crate::merkle::HistoryTree::new();
    history.push(first);
    fork.state.head = crate::state::ChainHead { height: 1, hash: first, history };
    let deposit = &world.chain.blocks[0].transactions[0].transaction.outputs[0];
    let tenfold =
        crate::types::Output { amount: deposit.amount * U256::from(10), ..deposit.clone() };
    let alices = crate::types::UtxoPos::new(1, 0, 0);
    let alice = testkit::user("alice-0");
    let payment = crate::build::transfer(&fork.domain, &[(alices, &alice)], vec![tenfold]);
    fork.commit_unchecked(vec![payment]);
    while fork.tip().height < 6 {
        fork.commit_unchecked(vec![]);
    }
    let checkpoint = tip_certified_by_1_to_3(&fork);
    (fork, checkpoint)
}

/// The chain extended by blocks 6 to 9, certified at 9 by validators 1 to 3, and evidence that
/// a header among them breaks the validator schedule (`set` is the root's configuration):
/// block 6 names another set, block 7 a proposer outside the set, block 8 adopts another set
/// at an epoch end (the root's epochs are one block: allowed).
pub(super) fn broken_schedule(
    world: &FraudWorld,
    set: &[crate::types::Validator],
) -> (crate::types::Checkpoint, Vec<(&'static str, crate::types::BrokenScheduleEvidence)>) {
    let mut chain = world.chain.clone();
    chain.commit_edited(vec![], |h| h.validatorSetHash = B256::repeat_byte(7));
    chain.commit_edited(vec![], |h| h.proposer = alloy_primitives::Address::repeat_byte(0x66));
    chain.commit_edited(vec![], |h| h.nextValidatorSetHash = B256::repeat_byte(7));
    chain.commit_unchecked(vec![]);
    let checkpoint = tip_certified_by_1_to_3(&chain);
    let evidence =
        |height: u64, set: &[crate::types::Validator]| crate::types::BrokenScheduleEvidence {
            header: chain.blocks[height as usize - 1].header.clone(),
            historyProof: chain.history_under(height, 9),
            set: set.to_vec(),
        };
    let cases = vec![
        ("broken_schedule_set", evidence(6, set)),
        ("broken_schedule_proposer", evidence(7, set)),
        ("broken_schedule_adoption_at_an_epoch_end", evidence(8, set)),
        ("broken_schedule_not_the_roots_set", evidence(6, &set[1..])),
    ];
    (checkpoint, cases)
}

/// The chain's block 6 naming another parent than block 5 (the root's checkpoint), under an
/// empty block 7 certified by validators 1 to 3: a link broken right above a checkpoint.
pub(super) fn broken_above_checkpoint(world: &FraudWorld) -> Fabricated {
    let mut chain = world.chain.clone();
    chain.commit_edited(vec![], |h| h.parentHash = B256::repeat_byte(0xe1));
    chain.commit_unchecked(vec![]);
    let checkpoint = tip_certified_by_1_to_3(&chain);
    Fabricated { chain, real: world.chain.clone(), checkpoint }
}

/// A chain's first block as a quorum could certify it, judged against the empty slot before
/// it, on a root that holds no checkpoint of the chain yet: each chain has an empty block 2
/// over it, certified by validators 1 to 3. Block 1 names a parent; its deposits start at 5;
/// it is honest; or it is broken and the evidence stands another leaf in the empty slot, or
/// stands the empty slot under block 2.
pub(super) fn first_blocks(
) -> Vec<(&'static str, crate::types::Checkpoint, crate::types::BrokenHistoryEvidence)> {
    let elsewhere = B256::repeat_byte(0xe1);
    let parent: fn(&mut crate::types::BlockHeader) = |h| h.parentHash = B256::repeat_byte(0xe1);
    let deposits: fn(&mut crate::types::BlockHeader) =
        |h| (h.depositNonceStart, h.depositNonceEnd) = (5, 5);
    let honest: fn(&mut crate::types::BlockHeader) = |_| {};
    // (case, block 1's edit, the leaf stood in the empty slot, the broken block's height)
    [
        ("broken_history_first_block_parent", parent, B256::ZERO, 1),
        ("broken_history_first_block_deposits", deposits, B256::ZERO, 1),
        ("broken_history_first_block_honest", honest, B256::ZERO, 1),
        ("broken_history_first_block_other_leaf", parent, elsewhere, 1),
        ("broken_history_empty_slot_under_the_second_block", parent, B256::ZERO, 2),
    ]
    .into_iter()
    .map(|(name, edit, other, b)| {
        let mut chain = testkit::TestChain::new();
        chain.commit_edited(vec![], edit);
        chain.commit_unchecked(vec![]);
        let evidence = crate::types::BrokenHistoryEvidence {
            broken: chain.blocks[b as usize - 1].header.clone(),
            brokenProof: chain.history_under(b, 2),
            witness: crate::types::BlockHeader::default(),
            witnessProof: MerkleProof::default(),
            other,
            underBroken: MerkleProof::default(),
        };
        (name, tip_certified_by_1_to_3(&chain), evidence)
    })
    .collect()
}

/// The fields of broken-history evidence, as a vector lists them.
pub(super) fn broken_history_json(e: &crate::types::BrokenHistoryEvidence) -> serde_json::Value {
    use super::h;
    use alloy_sol_types::SolValue;
    serde_json::json!({
        "broken": h(e.broken.abi_encode()),
        "brokenProof": h(e.brokenProof.abi_encode()),
        "witness": h(e.witness.abi_encode()),
        "witnessProof": h(e.witnessProof.abi_encode()),
        "other": e.other.to_string(),
        "underBroken": h(e.underBroken.abi_encode()),
    })
}

/// The pairs of certificates the equivocation vectors prove, by name, over the chain's block
/// 3 and a twin of it: validators 0 to 2 and 1 to 3 in one round (1 and 2 convicted), in two
/// rounds (a fork honest validators may have signed both sides of: `fraud::forks`), one
/// certificate twice, two at height 0 (where no chain has a block: a proof of them would set a
/// convicted chain's rollback to nothing, and unfreeze it), and the twin certified by the same
/// committee for the same chain id on another deployment of the root (no vote of this chain).
pub(super) fn equivocations(
    chain: &testkit::TestChain,
) -> Vec<(&'static str, crate::types::CommitCertificate, crate::types::CommitCertificate)> {
    let (keys, set) = testkit::committee(4);
    let votes = chain.domain.votes();
    let honest = chain.blocks[2].header.clone();
    let mut twin = honest.clone();
    twin.timestamp += 1;
    let first: Vec<_> = keys.iter().enumerate().take(3).collect();
    let last: Vec<_> = keys.iter().enumerate().skip(1).collect();
    let cert = |signers: &[(usize, &crate::bls::BlsSecretKey)], votes, header, round| {
        certify(&set, signers, votes, header, round).expect("certificate")
    };
    let a = cert(&first, votes, &honest, 0);
    let zero = |header: &crate::types::BlockHeader| crate::types::BlockHeader {
        height: 0,
        ..header.clone()
    };
    let (l1, testnet) = (chain.domain.root_chain_id, alloy_primitives::Address::repeat_byte(0xd0));
    let elsewhere = VoteDomain::of_path(l1, testnet, &[chain.domain.chain_id]);
    vec![
        ("equivocation", a.clone(), cert(&last, votes, &twin, 0)),
        ("equivocation_across_rounds", a.clone(), cert(&last, votes, &twin, 1)),
        ("equivocation_honest", a.clone(), a.clone()),
        (
            "equivocation_at_height_zero",
            cert(&first, votes, &zero(&honest), 0),
            cert(&last, votes, &zero(&twin), 1),
        ),
        ("equivocation_across_deployments", a, cert(&last, &elsewhere, &twin, 0)),
    ]
}
