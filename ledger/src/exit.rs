//! The exit game (Plasma MVP / MoreVP rules) as pure functions.
//!
//! * an output exits after `exitable_at = max(output_time + 2P, now + P)`;
//! * exits pay in priority order `(exitable_at, utxo position)`, packed into one `uint256`;
//! * one exit per output, named by its transaction and index (MoreVP), not by its position:
//!   two histories a quorum certified may hold other transactions at one position, and the
//!   exit of one must not block the other's; an output of a `Deposit` transaction has the same
//!   exit id as the parent's deposit record, so a deposit cannot exit twice, once from each;
//! * an exit is challenged by any validly signed spend of its output — inclusion not needed.

use crate::kind::Kind;
use crate::merkle::{self, leaf_hash, MerkleError};
use crate::signing::{hash_struct, recover_signer, SignatureError, SigningDomain};
use crate::types::{
    decode, BlockHeader, DecodeError, DepositRecord, ExitRecord, Output, SignedTransaction,
    Transaction, TxInclusion, UtxoPos,
};
use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;

/// When an output created at `output_time` may be paid if its exit starts at `now`.
pub fn exitable_at(output_time: u64, now: u64, period: u64) -> u64 {
    output_time.saturating_add(period.saturating_mul(2)).max(now.saturating_add(period))
}

/// The first token in which `outputs`, a payout of an exit claiming `amount` of `token` with
/// `bond` (in ETH), pay more than the exit can be owed: the claim's amount in its token and
/// the bond in ETH (both, when the token is ETH). `None` when they pay no more.
pub fn payout_excess(
    outputs: &[Output],
    token: &Address,
    amount: U256,
    bond: U256,
) -> Option<Address> {
    let owed = |t: &Address| {
        let claim = if t == token { amount } else { U256::ZERO };
        let bond = if t.is_zero() { bond } else { U256::ZERO };
        claim.saturating_add(bond)
    };
    let mut paid: Vec<(Address, U256)> = Vec::new();
    for o in outputs {
        match paid.iter_mut().find(|(t, _)| *t == o.token) {
            Some((_, sum)) => *sum = sum.saturating_add(o.amount),
            None => paid.push((o.token, o.amount)),
        }
    }
    paid.into_iter().find(|(t, sum)| *sum > owed(t)).map(|(t, _)| t)
}

/// Queue priority: lower pays first. `exitable_at · 2^128 + utxoPos.packed()`.
pub fn priority(exitable_at: u64, pos: &UtxoPos) -> U256 {
    (U256::from(exitable_at) << 128) | U256::from(pos.packed())
}

/// The order exits pay in: [`priority`], then the exit id. Exits of one priority (outputs at
/// one position in two histories, deposits recorded at one time) are paid in one order by
/// every node, whatever order its store lists them in.
pub fn queue_order(exit: &ExitRecord) -> (U256, B256) {
    (priority(exit.exitableAt, &exit.utxoPos), exit.exitId)
}

/// What an exit is keyed by: a transaction's output, or for deposits the parent's deposit
/// nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitKey {
    /// Output `index` of the transaction whose EIP-712 `hashStruct` is `tx` (signatures and
    /// signing domain left out: the transaction, whoever signed it and wherever).
    Output {
        /// The transaction's [`hash_struct`].
        tx: B256,
        /// Which of its outputs.
        index: u8,
    },
    /// A parent deposit (exited from the record or from its minted output).
    Deposit(u64),
}

impl ExitKey {
    /// The key of output `index` of `tx`.
    pub fn output(tx: &Transaction, index: u8) -> Self {
        ExitKey::Output { tx: hash_struct(tx), index }
    }

    /// The key of an exit claiming output `index` of `tx`: a minted deposit is keyed by its
    /// nonce (so a deposit exits once, from its record or as minted), any other output by its
    /// transaction. Refused when `tx` is a deposit whose record does not decode.
    pub fn claimed(tx: &Transaction, index: u8) -> Result<Self, DecodeError> {
        if tx.tx_kind() == Some(Kind::Deposit) {
            let record: DepositRecord =
                decode("DepositRecord", &tx.data, crate::types::DEPOSIT_RECORD_BYTES)?;
            return Ok(ExitKey::Deposit(record.nonce));
        }
        Ok(ExitKey::output(tx, index))
    }

    /// `keccak256(abi.encode(uint256(0), tx, uint256(index)))` or
    /// `keccak256(abi.encode(uint256(1), uint64(nonce)))`: the root's `ExitGame.outputExitId`
    /// and `depositExitId`.
    pub fn exit_id(&self) -> B256 {
        match self {
            ExitKey::Output { tx, index } => {
                keccak256((U256::ZERO, *tx, U256::from(*index)).abi_encode_params())
            }
            ExitKey::Deposit(nonce) => keccak256((U256::from(1), *nonce).abi_encode_params()),
        }
    }
}

/// Whether exit `exit_id` is of output `index` of `tx`. An output's exit id names its
/// transaction ([`ExitKey::output`]), so an exit proven through another history, of another
/// transaction at the same position, is not.
pub fn exits_output(tx: &Transaction, index: u8, exit_id: B256) -> bool {
    usize::from(index) < tx.outputs.len() && ExitKey::output(tx, index).exit_id() == exit_id
}

/// A proven claim to an output, ready to be queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitClaim {
    /// What the exit is keyed by.
    pub key: ExitKey,
    /// The output's position (zero for an exit from a deposit record).
    pub pos: UtxoPos,
    /// The output.
    pub output: Output,
    /// When the output came to be (its block's timestamp, or the deposit's record time).
    pub output_time: u64,
}

impl ExitClaim {
    /// The queue record for this claim started at `now` with challenge period `period`.
    pub fn record(&self, now: u64, period: u64) -> ExitRecord {
        ExitRecord {
            exitId: self.key.exit_id(),
            utxoPos: self.pos.clone(),
            owner: self.output.owner,
            token: self.output.token,
            amount: self.output.amount,
            exitableAt: exitable_at(self.output_time, now, period),
        }
    }
}

/// Why a transaction's inclusion under a checkpoint is not proven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InclusionError {
    /// The block is of another chain.
    #[error("block is of chain {got}, expected {expected}")]
    WrongChain {
        /// Chain expected.
        expected: u64,
        /// The header's chain.
        got: u64,
    },
    /// The block is not at the claimed height, or is after the anchor.
    #[error("block height {got} is not the claimed {expected} under anchor height {anchor}")]
    WrongHeight {
        /// Claimed height.
        expected: u64,
        /// The header's height.
        got: u64,
        /// Height of the checkpointed header the proof is anchored to.
        anchor: u64,
    },
    /// The anchor is this block but the header differs from it.
    #[error("header is not the checkpointed header")]
    NotAnchor,
    /// The block is not in the anchor's history.
    #[error("block not in history: {0}")]
    History(MerkleError),
    /// The transaction is not in the block at the claimed index.
    #[error("transaction not in block: {0}")]
    Tx(MerkleError),
    /// The proof is for another index than the claimed one.
    #[error("proof is for tx index {got}, claimed {expected}")]
    WrongIndex {
        /// Claimed tx index.
        expected: u32,
        /// The proof's index.
        got: u64,
    },
}

/// Checks that `inclusion` shows a transaction at `(height, tx_index)` of chain `chain_id`,
/// under the checkpointed header `anchor`.
pub fn verify_inclusion(
    chain_id: u64,
    anchor: &BlockHeader,
    inclusion: &TxInclusion,
    height: u64,
    tx_index: u32,
) -> Result<(), InclusionError> {
    let header = &inclusion.header;
    verify_block_in_history(chain_id, anchor, header, &inclusion.historyProof, height)?;
    if inclusion.txProof.index != u64::from(tx_index) {
        return Err(InclusionError::WrongIndex {
            expected: tx_index,
            got: inclusion.txProof.index,
        });
    }
    let leaf = leaf_hash(&inclusion.signedTx.leaf_bytes());
    merkle::verify(leaf, &inclusion.txProof, header.txRoot).map_err(InclusionError::Tx)
}

/// Checks that `header` is block `height` of chain `chain_id` at or before `anchor`.
pub fn verify_block_in_history(
    chain_id: u64,
    anchor: &BlockHeader,
    header: &BlockHeader,
    history_proof: &crate::types::MerkleProof,
    height: u64,
) -> Result<(), InclusionError> {
    if header.chainId != chain_id || anchor.chainId != chain_id {
        return Err(InclusionError::WrongChain { expected: chain_id, got: header.chainId });
    }
    if header.height != height || height == 0 || height > anchor.height {
        return Err(InclusionError::WrongHeight {
            expected: height,
            got: header.height,
            anchor: anchor.height,
        });
    }
    if height == anchor.height {
        if header != anchor {
            return Err(InclusionError::NotAnchor);
        }
        return Ok(());
    }
    merkle::verify_history(header.hash(), height, history_proof, anchor.historyRoot)
        .map_err(InclusionError::History)
}

/// The inclusion of transaction `tx_index` of `block` under the checkpointed header at
/// `anchor_height`, whose history tree holds `history` (the hashes of blocks
/// `1..anchor_height`, at least). `None` if the index or the heights do not fit.
pub fn prove_inclusion(
    block: &crate::types::Block,
    tx_index: u32,
    history: &[B256],
    anchor_height: u64,
) -> Option<TxInclusion> {
    let height = block.header.height;
    let signed = block.transactions.get(tx_index as usize)?;
    let leaves: Vec<B256> = block.transactions.iter().map(|t| leaf_hash(&t.leaf_bytes())).collect();
    let history_proof = match anchor_height.cmp(&height) {
        std::cmp::Ordering::Less => return None,
        std::cmp::Ordering::Equal => Default::default(),
        std::cmp::Ordering::Greater => {
            let before = history.get(..usize::try_from(anchor_height - 1).ok()?)?;
            merkle::prove_history(before, height)?
        }
    };
    Some(TxInclusion {
        signedTx: signed.clone(),
        header: block.header.clone(),
        txProof: merkle::prove(&leaves, tx_index as usize, None)?,
        historyProof: history_proof,
    })
}

/// Why an exit may not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExitError {
    /// Inclusion not proven.
    #[error("{0}")]
    Inclusion(#[from] InclusionError),
    /// The transaction has no output at the claimed index.
    #[error("transaction has {outputs} outputs, no output {index}")]
    NoSuchOutput {
        /// Outputs of the transaction.
        outputs: usize,
        /// Claimed output index.
        index: u8,
    },
    /// The claimant does not own the output.
    #[error("output is owned by {owner}, not {claimant}")]
    NotOwner {
        /// The output's owner.
        owner: Address,
        /// Who claims it.
        claimant: Address,
    },
    /// The transaction's kind is unknown.
    #[error("unknown transaction kind {0}")]
    UnknownKind(u8),
    /// A deposit transaction whose payload does not decode.
    #[error("deposit payload: {0}")]
    Payload(DecodeError),
}

/// Validity of starting an exit of the output at `pos`, proven under the checkpointed header
/// `anchor`, by `claimant`.
pub fn verify_exit_start(
    chain_id: u64,
    anchor: &BlockHeader,
    pos: &UtxoPos,
    inclusion: &TxInclusion,
    claimant: Address,
) -> Result<ExitClaim, ExitError> {
    verify_inclusion(chain_id, anchor, inclusion, pos.blockHeight, pos.txIndex)?;
    let tx = &inclusion.signedTx.transaction;
    // Every kind that creates outputs, a parent's challenge of a child's exit (the bond) and
    // fraud proof against a child (the reward) included.
    if matches!(tx.tx_kind(), Some(Kind::RegisterChild | Kind::ChildCheckpoint) | None) {
        return Err(ExitError::UnknownKind(tx.kind));
    }
    let output = tx
        .outputs
        .get(usize::from(pos.outputIndex))
        .ok_or(ExitError::NoSuchOutput { outputs: tx.outputs.len(), index: pos.outputIndex })?;
    if output.owner != claimant {
        return Err(ExitError::NotOwner { owner: output.owner, claimant });
    }
    let key = ExitKey::claimed(tx, pos.outputIndex).map_err(ExitError::Payload)?;
    Ok(ExitClaim {
        key,
        pos: pos.clone(),
        output: output.clone(),
        output_time: inclusion.header.timestamp,
    })
}

/// An exit straight from the parent's deposit record (the deposit may never have been
/// minted). `recorded_at` is when the parent recorded it.
pub fn deposit_exit(
    record: &DepositRecord,
    recorded_at: u64,
    claimant: Address,
) -> Result<ExitClaim, ExitError> {
    if record.recipient != claimant {
        return Err(ExitError::NotOwner { owner: record.recipient, claimant });
    }
    Ok(ExitClaim {
        key: ExitKey::Deposit(record.nonce),
        pos: UtxoPos::default(),
        output: Output::new(record.recipient, record.token, record.amount),
        output_time: recorded_at,
    })
}

/// Why a challenge is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    /// The challenging transaction cannot spend anything.
    #[error("transaction kind {0} has no inputs")]
    NotASpend(u8),
    /// The named input is not the exiting output.
    #[error("input {index} of the challenge is not the exiting output")]
    NotSpendingExit {
        /// Input index named by the challenger.
        index: usize,
    },
    /// The spend's signature for that input is malformed.
    #[error("challenge signature: {0}")]
    Signature(SignatureError),
    /// The spend is not signed by the exit's owner.
    #[error("challenge is signed by {signer}, the exit's owner is {owner}")]
    NotSignedByOwner {
        /// The exiting output's owner.
        owner: Address,
        /// The signer recovered.
        signer: Address,
    },
    /// The deposit's minted output could not be proven (deposit-record exits).
    #[error("deposit output: {0}")]
    DepositOutput(ExitError),
    /// The proven output is not the deposit being exited.
    #[error("proven output is not deposit of the exit")]
    NotTheDeposit,
}

/// Validity of challenging `exit` with `spend`, whose input `input_index` must be the exiting
/// output and be signed by its owner. The spend need not be in any block.
pub fn verify_challenge(
    domain: &SigningDomain,
    exit: &ExitRecord,
    spend: &SignedTransaction,
    input_index: usize,
) -> Result<(), ChallengeError> {
    let tx = &spend.transaction;
    // The kinds users sign are exactly those that spend signed inputs.
    if !tx.tx_kind().is_some_and(Kind::is_user_submittable) {
        return Err(ChallengeError::NotASpend(tx.kind));
    }
    if tx.inputs.get(input_index) != Some(&exit.utxoPos) {
        return Err(ChallengeError::NotSpendingExit { index: input_index });
    }
    let sig = spend
        .signatures
        .get(input_index)
        .ok_or(ChallengeError::Signature(SignatureError::Length(0)))?;
    let signer =
        recover_signer(&domain.signing_hash(tx), sig).map_err(ChallengeError::Signature)?;
    if signer != exit.owner {
        return Err(ChallengeError::NotSignedByOwner { owner: exit.owner, signer });
    }
    Ok(())
}

/// Challenge of an exit from a deposit record: the deposit was minted at `minted` (proven
/// under `anchor`) and that output was spent by `spend`.
pub fn verify_deposit_exit_challenge(
    domain: &SigningDomain,
    anchor: &BlockHeader,
    exit: &ExitRecord,
    minted_pos: &UtxoPos,
    minted: &TxInclusion,
    spend: &SignedTransaction,
    input_index: usize,
) -> Result<(), ChallengeError> {
    let claim = verify_exit_start(domain.chain_id, anchor, minted_pos, minted, exit.owner)
        .map_err(ChallengeError::DepositOutput)?;
    if claim.key.exit_id() != exit.exitId {
        return Err(ChallengeError::NotTheDeposit);
    }
    let at_output = ExitRecord { utxoPos: minted_pos.clone(), ..exit.clone() };
    verify_challenge(domain, &at_output, spend, input_index)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A forged history can put another transaction at a position the chain holds: its exit
    /// of that position names another output, whoever owns the output here.
    #[test]
    fn an_exit_of_another_transaction_at_the_same_position_is_not_of_our_output() {
        let alice = crate::testkit::user("alice").address();
        let pay = |amount: u64| {
            let out = vec![Output::new(alice, Address::ZERO, U256::from(amount))];
            crate::build::transaction(Kind::Transfer, vec![], out, vec![])
        };
        let (ours, theirs) = (pay(10), pay(1_000));
        let id = |tx: &Transaction, i| ExitKey::output(tx, i).exit_id();
        assert!(exits_output(&ours, 0, id(&ours, 0)), "our own output");
        assert!(!exits_output(&ours, 0, id(&theirs, 0)), "a forged transaction");
        assert!(!exits_output(&ours, 1, id(&ours, 1)), "past our outputs");
    }

    /// A payout is owed at most its claim in the claim's token and the bond in ETH: a token
    /// exit's bond is no allowance in the token, nor its claim in ETH.
    #[test]
    fn a_payout_is_owed_its_claim_in_its_token_and_its_bond_in_eth_and_no_more() {
        let (alice, token) = (Address::repeat_byte(0xa1), Address::repeat_byte(0x70));
        let out = |t: Address, amount: u64| Output::new(alice, t, U256::from(amount));
        let excess = |outputs: &[Output], claim: Address| {
            payout_excess(outputs, &claim, U256::from(30), U256::from(10))
        };
        let eth = Address::ZERO;
        assert_eq!(excess(&[out(eth, 30), out(eth, 10)], eth), None, "an ETH exit paid in full");
        assert_eq!(excess(&[out(eth, 40)], eth), None, "claim and bond in one output");
        assert_eq!(excess(&[out(eth, 30), out(eth, 11)], eth), Some(eth));
        assert_eq!(excess(&[out(token, 30), out(eth, 10)], token), None, "a token exit in full");
        assert_eq!(excess(&[out(eth, 10)], token), None, "cancelled: the bond back");
        assert_eq!(excess(&[out(token, 40)], token), Some(token), "the bond is not in the token");
        assert_eq!(
            excess(&[out(token, 30), out(eth, 30)], token),
            Some(eth),
            "nor the claim in ETH"
        );
        assert_eq!(excess(&[out(token, 1)], eth), Some(token), "a token the exit never claimed");
        let huge = Output::new(alice, eth, U256::MAX);
        assert_eq!(excess(&[huge.clone(), huge], eth), Some(eth), "sums saturate, past any claim");
    }
}
