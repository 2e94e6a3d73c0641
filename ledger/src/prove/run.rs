//! The run a watcher fetches: whether blocks served by anyone are the ones the parent's
//! checkpoint commits to.

use crate::header::{self, check_link};
use crate::types::{Block, BlockHeader};
use crate::view::ChainHead;
use alloy_primitives::B256;

/// Why fetched blocks do not lead from this node's head to the parent's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A block is not at the next height.
    #[error("block {index} is at height {got}, {expected} was due")]
    Height {
        /// Position in the run.
        index: usize,
        /// Due height.
        expected: u64,
        /// Its height.
        got: u64,
    },
    /// A block does not extend the one before it.
    #[error("block {height} does not extend {parent}")]
    Parent {
        /// Its height.
        height: u64,
        /// The hash it should name.
        parent: B256,
    },
    /// A block's body is not the one its header commits to.
    #[error("block {0}'s transactions are not its header's")]
    Body(u64),
    /// The run does not end at the checkpointed header.
    #[error("the run ends at {got}, the checkpoint is {anchor}")]
    Anchor {
        /// The checkpoint's hash.
        anchor: B256,
        /// The run's last hash.
        got: B256,
    },
}

/// Checks that `blocks` extend `head` one height at a time, bodies matching their headers,
/// and end exactly at the checkpointed `anchor`, each naming the one before it as its parent
/// or held, with `head`'s history, in the anchor's history. Then every block is the one the
/// anchor's certificate commits to, whoever served it; a parent link the run breaks is one
/// the anchor's signers certified ([`crate::fraud::verify_broken_history`] proves it).
pub fn check_links(
    head: &ChainHead,
    blocks: &[Block],
    anchor: &BlockHeader,
) -> Result<(), LinkError> {
    let (mut parent, mut history) = (head.hash, head.history.clone());
    let mut broken = None;
    for (index, block) in blocks.iter().enumerate() {
        let parent_height = head.height + index as u64;
        match check_link(block, parent_height, parent) {
            Ok(()) => {}
            Err(header::LinkError::Parent { height, parent }) => {
                // Its body is still the one its header commits to.
                if crate::merkle::tx_root(block) != block.header.txRoot {
                    return Err(LinkError::Body(height));
                }
                broken.get_or_insert(LinkError::Parent { height, parent });
            }
            Err(header::LinkError::Height { expected, got }) => {
                return Err(LinkError::Height { index, expected, got })
            }
            Err(header::LinkError::Body(height)) => return Err(LinkError::Body(height)),
        }
        if index > 0 {
            history.push(parent);
        }
        parent = block.header.hash();
    }
    if parent != anchor.hash() {
        return Err(LinkError::Anchor { anchor: anchor.hash(), got: parent });
    }
    match broken {
        Some(e) if history.root() != anchor.historyRoot => Err(e),
        _ => Ok(()),
    }
}
