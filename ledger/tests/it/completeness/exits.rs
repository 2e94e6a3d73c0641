//! The law's cases about an exit a plasma parent starts under a child's checkpoint. The
//! checkpoint is accepted in block 3 and the exit starts in block 4, so that the start's
//! acceptance can name an earlier block, as it must.

use super::*;
use plasma_ledger::acceptance::acceptance_of;
use plasma_ledger::{Acceptance, ChildExitStart};

/// Blocks 1 and 2 as [`honest_start`]'s; block 3 registers a child of four validators (exit
/// bond 10), accepts its checkpoint of block 1 (at 3:1) and holds Alice's lock of 40 into it
/// (3:2, her change of 60 at 3:2:0); then `fraud`'s transactions, given the child, are sealed
/// unchecked as block 4, and an empty block 5 is the checkpoint. Returns the chain and the
/// state before block 4.
fn after_acceptance(
    fraud: impl FnOnce(&TestChain, u64) -> Vec<SignedTransaction>,
) -> (TestChain, TestChain) {
    let mut chain = honest_start();
    let setup = chain.clone();
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let accepted =
        child_then(&setup, 4, |c, child| vec![child_checkpoint(child, 1, 0), lock(c, child)]);
    chain.commit(accepted);
    let honest = chain.clone();
    let txs = fraud(&chain, child);
    chain.commit_unchecked(txs);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
}

/// Alice's start of the exit `start` describes, bonding 10 of her change of 60 at 3:2:0 and
/// taking 50 back.
fn exit(chain: &TestChain, start: &ChildExitStart) -> SignedTransaction {
    let alice = testkit::user("alice");
    let change = Output::new(alice.address(), Address::ZERO, U256::from(50));
    let tx = build::transaction(
        Kind::StartChildExit,
        vec![UtxoPos::new(3, 2, 0)],
        vec![change],
        start.abi_encode(),
    );
    build::sign(&chain.domain, tx, &[&alice])
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

/// What block 4 starts in one case, given the chain after block 3 and the child.
type ExitFault = fn(&TestChain, u64) -> ChildExitStart;

fn exit_cases() -> Vec<(&'static str, ExitFault)> {
    vec![
        (
            // Under the child's accepted checkpoint of block 1 (empty), Alice claims an
            // output of it that is not there.
            "an exit start its own anchor does not prove",
            |chain, child| {
                let (acceptance, anchor) = accepted(chain, child);
                start(child, anchor, acceptance)
            },
        ),
        (
            // The parent shows where it accepted block 1 of the child for an exit under
            // block 2, which it never accepted: the escrow would pay a claim nobody certified.
            "an exit under a checkpoint the parent never accepted",
            |chain, child| {
                let (acceptance, _) = accepted(chain, child);
                start(child, child_header(child, 2, 0).0, acceptance)
            },
        ),
        ("an acceptance that is no checkpoint", |chain, child| {
            // The lock at 3:2, in the parent's own block 3.
            let lock = acceptance_of(chain.inclusion_under(3, 2, 3));
            start(child, child_header(child, 1, 0).0, lock)
        }),
        ("an acceptance in a block the parent never made", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.timestamp += 1;
            start(child, anchor, acceptance)
        }),
        ("an acceptance in a block not below the start's", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.height = 4;
            start(child, anchor, acceptance)
        }),
        ("an acceptance in another chain's block", |chain, child| {
            let (mut acceptance, anchor) = accepted(chain, child);
            acceptance.header.chainId += 1;
            start(child, anchor, acceptance)
        }),
    ]
}

#[test]
fn every_exit_start_the_parent_must_refuse_is_convicted_by_the_watchers_proof() {
    for (name, fault) in exit_cases() {
        let (chain, honest) = after_acceptance(|c, child| vec![exit(c, &fault(c, child))]);
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}
