//! A child checkpoint linked to nothing, proven by what ends the block its link names: the
//! block's last transaction, below the link, or an empty block.

use super::*;

/// Alice's honest blocks 1 and 2, the registration of a child of four (3:0) and an empty
/// block 4; then a checkpoint of the child's block 1 linked to `link` sealed unchecked as
/// block 5, and an empty block 6 as the checkpoint. Returns the chain and the state before 5.
fn linked_to(link: TxRef) -> (TestChain, TestChain) {
    checkpoint_of(|child| child, link)
}

/// [`linked_to`], for the child `of` names given the registered one's id.
fn checkpoint_of(of: impl FnOnce(u64) -> u64, link: TxRef) -> (TestChain, TestChain) {
    let mut chain = honest_start();
    let reg = registration_of(4, 0);
    let child = of(plasma_ledger::children::child_chain_id(chain.domain.chain_id, &reg));
    chain.commit(vec![build::register_child_tx(&reg)]);
    chain.commit(vec![]);
    let honest = chain.clone();
    let (header, certificate) = child_header(child, 1, 0);
    let checkpoint = plasma_ledger::Checkpoint { header, certificate };
    chain.commit_unchecked(vec![build::child_checkpoint_tx(&checkpoint, link)]);
    chain.commit_unchecked(vec![]);
    (chain, honest)
}

#[test]
fn a_checkpoint_linked_past_its_blocks_last_transaction_is_convicted() {
    // Block 3 holds the registration alone: index 1 is past its last transaction.
    let (chain, honest) = linked_to(TxRef { height: 3, index: 1 });
    assert_convicted("linked past the last transaction", &chain, &honest, 5, |_| 5);
}

#[test]
fn a_checkpoint_linked_into_an_empty_block_is_convicted() {
    let (chain, honest) = linked_to(TxRef { height: 4, index: 0 });
    assert_convicted("linked into an empty block", &chain, &honest, 5, |_| 5);
}

#[test]
fn a_checkpoint_of_a_child_never_registered_is_convicted() {
    // Linked to the registration of another child: nothing it could follow.
    let (chain, honest) = checkpoint_of(|child| child ^ 1, TxRef { height: 3, index: 0 });
    assert_convicted("a checkpoint of a child never registered", &chain, &honest, 5, |_| 5);
}
