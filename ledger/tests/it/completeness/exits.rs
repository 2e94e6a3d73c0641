//! The law's cases about an exit a plasma parent starts, a deposit exit it lets be challenged, or a
//! fraud proof it hears, under a child's checkpoint. The checkpoint is accepted in block 3 and the
//! transaction is in block 4, so that its acceptance can name an earlier block, as it must.

use super::*;
use plasma_ledger::acceptance::acceptance_of;
use plasma_ledger::{Acceptance, ChildExitStart};

/// The nonce of Alice's deposit in [`after_acceptance`]: where its lock stands, 3:2.
pub(super) const ALICES_DEPOSIT: u64 = 3 << 32 | 2;

/// Blocks 1 and 2 as [`honest_start`]'s; block 3 registers a child of four validators (exit
/// bond 10), accepts its checkpoint of block 1 (at 3:1), holds Alice's lock of 40 into it
/// (3:2) and her exit of that deposit from the record, bonding 10 of her change (3:3, her 50
/// back at 3:3:0); then `fraud`'s transaction, given the child, is sealed unchecked as block
/// 4, and an empty block 5 is the checkpoint. Returns the chain and the state before block 4.
pub(super) fn after_acceptance(
    fraud: impl FnOnce(&TestChain, u64) -> SignedTransaction,
) -> (TestChain, TestChain) {
    let mut chain = honest_start();
    let setup = chain.clone();
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let accepted = child_then(&setup, 4, |c, child| {
        let record_exit = plasma_ledger::ChildDepositExit {
            childChainId: child,
            nonce: ALICES_DEPOSIT,
            ..Default::default()
        };
        vec![
            child_checkpoint(c, child, 1, 0),
            lock(c, child),
            alices(c, Kind::StartChildDepositExit, (3, 2), 50, record_exit.abi_encode()),
        ]
    });
    chain.commit(accepted);
    let honest = chain.clone();
    let tx = fraud(&chain, child);
    chain.commit_unchecked(vec![tx]);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
}

/// Alice's transaction of `kind` and `payload` spending her ETH output at `coin`, `keep` of it
/// back.
pub(super) fn alices(
    c: &TestChain,
    kind: Kind,
    (height, index): (u64, u32),
    keep: u64,
    payload: Vec<u8>,
) -> SignedTransaction {
    let alice = testkit::user("alice");
    let change = Output::new(alice.address(), Address::ZERO, U256::from(keep));
    let tx = build::transaction(kind, vec![UtxoPos::new(height, index, 0)], vec![change], payload);
    build::sign(&c.domain, tx, &[&alice])
}

/// Alice's start of the exit `start` describes, bonding 10 of her 50 at 3:3:0.
fn exit(chain: &TestChain, start: &ChildExitStart) -> SignedTransaction {
    alices(chain, Kind::StartChildExit, (3, 3), 40, start.abi_encode())
}

/// An exit of output 1:0:0 of `child` under `anchor`, as `acceptance` shows it accepted.
fn start(child: u64, anchor: BlockHeader, acceptance: Acceptance) -> ChildExitStart {
    ChildExitStart {
        childChainId: child,
        anchor,
        pos: UtxoPos::new(1, 0, 0),
        acceptance,
        ..Default::default()
    }
}

/// Where the parent accepted the child's block 1, and that block's header.
fn accepted(chain: &TestChain, child: u64) -> (Acceptance, BlockHeader) {
    let anchor = child_header(child, 1, 0).0;
    (chain.acceptance(&anchor), anchor)
}

/// What block 4 holds in one case, given the chain after block 3 and the child.
type ExitFault = fn(&TestChain, u64) -> SignedTransaction;

fn exit_cases() -> Vec<(&'static str, ExitFault)> {
    vec![
        (
            // Under the child's accepted checkpoint, an exit of another child, never
            // registered: no checkpoint of it was ever accepted.
            "an exit of an output of a child never registered",
            |chain, child| {
                let (acceptance, anchor) = accepted(chain, child);
                exit(chain, &start(child ^ 1, anchor, acceptance))
            },
        ),
        (
            // Alice's deposit, exited from the record of a child never registered: the lock
            // at its place is into her child.
            "an exit from the deposit record of a child never registered",
            |chain, child| {
                let start = plasma_ledger::ChildDepositExit {
                    childChainId: child ^ 1,
                    nonce: ALICES_DEPOSIT,
                    ..Default::default()
                };
                alices(chain, Kind::StartChildDepositExit, (3, 3), 40, start.abi_encode())
            },
        ),
        (
            // Under the child's accepted checkpoint of block 1 (empty), Alice claims an
            // output of it that is not there.
            "an exit start its own anchor does not prove",
            |chain, child| {
                let (acceptance, anchor) = accepted(chain, child);
                exit(chain, &start(child, anchor, acceptance))
            },
        ),
        (
            // The parent shows where it accepted block 1 of the child for an exit under
            // block 2, which it never accepted: the escrow would pay a claim nobody certified.
            "an exit under a checkpoint the parent never accepted",
            |chain, child| {
                let (acceptance, _) = accepted(chain, child);
                exit(chain, &start(child, child_header(child, 2, 0).0, acceptance))
            },
        ),
        ("an acceptance that is no checkpoint", |chain, child| {
            // The lock at 3:2, in the parent's own block 3.
            let lock = acceptance_of(chain.inclusion_under(3, 2, 3));
            exit(chain, &start(child, child_header(child, 1, 0).0, lock))
        }),
        ("an acceptance in a block the parent never made", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.timestamp += 1;
            exit(chain, &start(child, anchor, acceptance))
        }),
        ("an acceptance in a block not below the start's", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.height = 4;
            exit(chain, &start(child, anchor, acceptance))
        }),
        ("an acceptance in another chain's block", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.chainId += 1;
            exit(chain, &start(child, anchor, acceptance))
        }),
        (
            // Alice's queued exit of her deposit, challenged under block 2 of the child, which
            // the parent never accepted: the challenge would take her deposit's exit and bond.
            "a deposit exit challenged under a checkpoint the parent never accepted",
            |chain, child| {
                let (acceptance, _) = accepted(chain, child);
                let challenge = plasma_ledger::ChildDepositExitChallenge {
                    childChainId: child,
                    nonce: ALICES_DEPOSIT,
                    anchor: child_header(child, 2, 0).0,
                    beneficiary: testkit::user("mallory").address(),
                    acceptance,
                    startHeight: 3,
                    startIndex: 3,
                    ..Default::default()
                };
                build::challenge_child_deposit_exit_tx(&challenge, U256::from(10))
            },
        ),
        (
            // A fraud proof against the child anchored at block 2 of it, which the parent
            // never accepted: it would freeze the child and take its validators' stakes.
            "a fraud proof heard under a checkpoint the parent never accepted",
            |chain, child| {
                let (acceptance, _) = accepted(chain, child);
                mallorys_fraud_proof(chain, child, child_header(child, 2, 0).0, acceptance)
            },
        ),
        (
            // A fraud proof under block 1, which the parent accepted from all four, showing
            // none of them: a quorum hearing it would slash whom it chose.
            "a fraud proof showing other signers than its anchor was accepted from",
            |chain, child| {
                let (acceptance, anchor) = accepted(chain, child);
                mallorys_fraud_proof(chain, child, anchor, acceptance)
            },
        ),
    ]
}

/// Mallory's fraud proof against `child` (of nothing: its evidence is empty) shown under
/// `anchor`, accepted where `acceptance` says, on the child's stakes, so that what is judged
/// is where its anchor stands.
pub(super) fn mallorys_fraud_proof(
    chain: &TestChain,
    child: u64,
    anchor: BlockHeader,
    acceptance: plasma_ledger::Acceptance,
) -> SignedTransaction {
    let proof = plasma_ledger::FraudProof { anchor, ..Default::default() };
    let prover = testkit::user("mallory").address();
    let c = plasma_ledger::ChildFraudProof {
        childChainId: child,
        proof,
        prover,
        acceptance,
        ..Default::default()
    };
    let (c, reward) = plasma_ledger::children::on_stakes(&chain.state, c);
    build::prove_child_fraud_tx(&c, reward)
}

#[test]
fn every_exit_and_challenge_the_parent_must_refuse_is_convicted_by_the_watchers_proof() {
    for (name, fault) in exit_cases() {
        let (chain, honest) = after_acceptance(fault);
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}
