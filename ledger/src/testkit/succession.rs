//! Links between a child's checkpoints on a test chain, and the fraud world's checkpoints
//! of its accepting child that cannot follow what they link to.

use super::TestChain;
use crate::kind::Kind;
use crate::registration::MAX_CHECKPOINT_GAP;
use crate::types::{Checkpoint, SignedTransaction, TxRef};
use alloy_primitives::B256;
use alloy_sol_types::SolValue;
use std::collections::BTreeMap;

impl TestChain {
    /// The `ChildCheckpoint` that submits `checkpoint` to this chain, following the child's
    /// latest accepted checkpoint (or registration) as this chain's state records it (the
    /// default link for a child it does not know).
    pub fn checkpoint_tx(&self, checkpoint: &Checkpoint) -> SignedTransaction {
        let chain = checkpoint.header.chainId;
        let previous = self.state.registry.get(&chain).map(|r| r.last_ref).unwrap_or_default();
        crate::build::child_checkpoint_tx(checkpoint, previous)
    }

    /// `txs` for the next block, each `ChildCheckpoint` among them linked to the checkpoint or
    /// registration of its child that precedes it: in `txs`, or else as the state records it.
    pub fn linked(&self, mut txs: Vec<SignedTransaction>) -> Vec<SignedTransaction> {
        let height = self.tip().height + 1;
        let mut latest: BTreeMap<u64, crate::state::TxRef> =
            self.state.registry.iter().map(|(chain, r)| (*chain, r.last_ref)).collect();
        for (index, stx) in txs.iter_mut().enumerate() {
            let at = crate::state::TxRef { height, index: index as u32 };
            let tx = &mut stx.transaction;
            match tx.tx_kind() {
                Some(Kind::RegisterChild) => {
                    if let Ok(reg) = crate::types::ChildRegistration::abi_decode(&tx.data) {
                        let chain = crate::registration::child_chain_id(self.domain.chain_id, &reg);
                        latest.insert(chain, at);
                    }
                }
                Some(Kind::ChildCheckpoint) => {
                    if let Ok(mut linked) = crate::types::LinkedCheckpoint::abi_decode(&tx.data) {
                        let chain = linked.checkpoint.header.chainId;
                        let previous = latest.insert(chain, at).unwrap_or_default();
                        (linked.previousHeight, linked.previousIndex) =
                            (previous.height, previous.index);
                        tx.data = linked.abi_encode().into();
                    }
                }
                _ => {}
            }
        }
        txs
    }
}

/// The fraud world's checkpoints of its accepting child (registered at 3:2, its block 1
/// checkpointed at 3:3), in block 4, by name: the first follows 3:3 as it must; each other
/// cannot follow what it links to.
pub const SUCCESSION_CASES: [&str; 8] = [
    "follows",
    "skips_the_latest",
    "links_a_transfer",
    "links_past_the_block",
    "links_an_empty_slot",
    "names_a_set_of_its_own",
    "jumps_past_the_gap",
    "links_ahead",
];

/// The transactions of [`SUCCESSION_CASES`], for `child` whose registered set is `set`.
pub(super) fn succession_txs(child: u64, set: B256) -> Vec<SignedTransaction> {
    let at = |height: u64, index: u32| TxRef { height, index };
    let cases = [
        (2, set, at(3, 3)),
        (2, set, at(3, 2)),
        (2, set, at(3, 0)),
        (2, set, at(3, 9)),
        // Block 1 holds three deposits: its fourth slot is empty.
        (2, set, at(1, 3)),
        (2, B256::repeat_byte(0x5e), at(3, 3)),
        (2 + MAX_CHECKPOINT_GAP, set, at(3, 3)),
        (2, set, at(4, u32::MAX)),
    ];
    cases
        .into_iter()
        .map(|(height, named, link)| {
            let mut checkpoint = Checkpoint::default();
            let header = &mut checkpoint.header;
            (header.chainId, header.height, header.validatorSetHash) = (child, height, named);
            crate::build::child_checkpoint_tx(&checkpoint, link)
        })
        .collect()
}
