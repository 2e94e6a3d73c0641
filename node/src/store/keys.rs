//! Key and value layouts of the store's column families.
//!
//! Keys are big-endian so that RocksDB's byte order is the domain's order (heights, UTXO
//! positions, nonces). Verified structures are stored in their ABI encoding — the one
//! encoding they have — and the few internal records in fixed-size layouts defined here.

use alloy_sol_types::SolValue;
use plasma_ledger::children::{
    ChildConfiguration, ChildExit, ChildRecord, ExitStatus, RecordedDeposit,
};
use plasma_ledger::merkle::{HistoryTree, HISTORY_DEPTH};
use plasma_ledger::view::{ChainHead, TxRef};
use plasma_ledger::{
    Address, ChildParams, DepositRecord, ExitRecord, UtxoPos, Validator, B256, U256,
};

/// `height ‖ txIndex ‖ outputIndex`: 13 bytes.
pub(crate) fn utxo(pos: &UtxoPos) -> [u8; 13] {
    let mut k = [0u8; 13];
    k[..8].copy_from_slice(&pos.blockHeight.to_be_bytes());
    k[8..12].copy_from_slice(&pos.txIndex.to_be_bytes());
    k[12] = pos.outputIndex;
    k
}

pub(crate) fn utxo_from(k: &[u8]) -> Option<UtxoPos> {
    let k: &[u8; 13] = k.try_into().ok()?;
    Some(UtxoPos::new(
        u64::from_be_bytes(k[..8].try_into().ok()?),
        u32::from_be_bytes(k[8..12].try_into().ok()?),
        k[12],
    ))
}

/// `height ‖ index`: 12 bytes.
pub(crate) fn tx_ref(r: &TxRef) -> [u8; 12] {
    let mut v = [0u8; 12];
    v[..8].copy_from_slice(&r.height.to_be_bytes());
    v[8..].copy_from_slice(&r.index.to_be_bytes());
    v
}

/// A child's escrow of one token: its balance (32 bytes) and where it last changed (12).
pub(crate) fn escrow(balance: U256, at: &TxRef) -> [u8; 44] {
    let mut v = [0u8; 44];
    v[..32].copy_from_slice(&balance.to_be_bytes::<32>());
    v[32..].copy_from_slice(&tx_ref(at));
    v
}

/// The inverse of [`escrow`] (`None`: another layout, such as an older store's bare balance).
pub(crate) fn escrow_from(v: &[u8]) -> Option<(U256, TxRef)> {
    if v.len() != 44 {
        return None;
    }
    Some((U256::try_from_be_slice(&v[..32])?, tx_ref_from(&v[32..])?))
}

pub(crate) fn tx_ref_from(v: &[u8]) -> Option<TxRef> {
    let v: &[u8; 12] = v.try_into().ok()?;
    Some(TxRef {
        height: u64::from_be_bytes(v[..8].try_into().ok()?),
        index: u32::from_be_bytes(v[8..].try_into().ok()?),
    })
}

/// `child ‖ address`: 28 bytes (a child's escrow balance by token, its validators' stakes by
/// operator).
pub(crate) fn child_address(child: u64, token: &Address) -> [u8; 28] {
    let mut k = [0u8; 28];
    k[..8].copy_from_slice(&child.to_be_bytes());
    k[8..].copy_from_slice(token.as_slice());
    k
}

/// The child id that prefixes `children` and `exits` keys.
pub(crate) fn child_from(k: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(k.get(..8)?.try_into().ok()?))
}

/// `child ‖ exitId`: 40 bytes (payable exits of children).
pub(crate) fn child_exit(child: u64, exit_id: &B256) -> [u8; 40] {
    let mut k = [0u8; 40];
    k[..8].copy_from_slice(&child.to_be_bytes());
    k[8..].copy_from_slice(exit_id.as_slice());
    k
}

/// `owner ‖ utxo(pos)`: the owner index of unspent outputs.
pub(crate) fn owned(owner: &Address, pos: &UtxoPos) -> [u8; 33] {
    let mut k = [0u8; 33];
    k[..20].copy_from_slice(owner.as_slice());
    k[20..].copy_from_slice(&utxo(pos));
    k
}

/// Meta key of the chain head.
pub(crate) const HEAD: &[u8] = b"head";
/// Meta key of the next parent deposit nonce to mint.
pub(crate) const NEXT_DEPOSIT: &[u8] = b"next_deposit_nonce";
/// Meta key of the parent's pending validator configuration, as last recorded.
pub(crate) const PENDING_SET: &[u8] = b"pending_set";
/// Meta key of the chain's epoch length on its parent.
pub(crate) const PARENT_EPOCH: &[u8] = b"parent_epoch";
/// Meta key prefix of a parent configuration: `cfg/ ‖ id (4 bytes, big-endian)`.
pub(crate) const CONFIG_PREFIX: &[u8] = b"cfg/";

/// Meta key of parent configuration `id`.
pub(crate) fn configuration(id: u32) -> Vec<u8> {
    let mut k = CONFIG_PREFIX.to_vec();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Meta key prefix of an adopted validator set: `set/ ‖ first height (8 bytes, big-endian)`.
pub(crate) const SET_PREFIX: &[u8] = b"set/";

/// Meta key of the set adopted from height `from`.
pub(crate) fn adopted_set(from: u64) -> Vec<u8> {
    let mut k = SET_PREFIX.to_vec();
    k.extend_from_slice(&from.to_be_bytes());
    k
}

const HEAD_LEN: usize = 8 + 32 + 8 + 32 * HISTORY_DEPTH;

/// `height ‖ hash ‖ history length ‖ history frontier`.
pub(crate) fn head(h: &ChainHead) -> Vec<u8> {
    let mut v = Vec::with_capacity(HEAD_LEN);
    v.extend_from_slice(&h.height.to_be_bytes());
    v.extend_from_slice(h.hash.as_slice());
    v.extend_from_slice(&h.history.len().to_be_bytes());
    for node in h.history.frontier() {
        v.extend_from_slice(node.as_slice());
    }
    v
}

pub(crate) fn head_from(v: &[u8]) -> Option<ChainHead> {
    if v.len() != HEAD_LEN {
        return None;
    }
    let mut frontier = [B256::ZERO; HISTORY_DEPTH];
    for (i, node) in frontier.iter_mut().enumerate() {
        *node = B256::from_slice(&v[48 + 32 * i..80 + 32 * i]);
    }
    Some(ChainHead {
        height: u64::from_be_bytes(v[..8].try_into().ok()?),
        hash: B256::from_slice(&v[8..40]),
        history: HistoryTree::from_parts(u64::from_be_bytes(v[40..48].try_into().ok()?), frontier),
    })
}

/// A child's registry entry: `abi.encode((params, configurations, active, pending),
/// (lastHeight, lastHash, lastRefHeight, lastRefIndex, lastNamedSet, lastNextSet),
/// nextDepositNonce, (rollbackHeight, rollbackRefHeight, rollbackRefIndex, rollbackShown),
/// (registeredHeight, registeredIndex), (stakesHeight, stakesIndex, staked))`, each
/// configuration as `(validators, activeFrom)`.
pub(crate) fn child_record(r: &ChildRecord) -> Vec<u8> {
    let configurations: Vec<_> =
        r.configurations.iter().map(|c| (c.validators.clone(), c.active_from)).collect();
    let sets = (r.params.clone(), configurations, r.active, r.pending);
    let (link, named) =
        ((r.last_ref.height, r.last_ref.index), (r.last_named_set, r.last_next_set));
    let last = (r.last_height, r.last_hash, link.0, link.1, named.0, named.1);
    let registered = (r.registered_at.height, r.registered_at.index);
    let stakes = (r.stakes_ref.height, r.stakes_ref.index, r.staked);
    let rollback =
        (r.rollback_height, r.rollback_ref.height, r.rollback_ref.index, r.rollback_shown);
    (sets, last, r.next_deposit_nonce, rollback, registered, stakes).abi_encode_params()
}

/// [`child_record`], read back. An entry stored in an earlier layout (without where the child
/// was registered, where its stakes last changed, or where and how its rollback was set) is
/// refused,
/// not guessed: rebuild the store from the chain.
pub(crate) fn child_record_from(v: &[u8]) -> Result<ChildRecord, String> {
    type Sets = (ChildParams, Vec<(Vec<Validator>, u64)>, u32, u32);
    type Last = (u64, B256, u64, u32, B256, B256);
    type Layout = (Sets, Last, u64, (u64, u64, u32, u64), (u64, u32), (u64, u32, U256));
    // This layout, exactly (its bytes re-encode to themselves): an earlier one, shorter, does
    // not read as it.
    let read = Layout::abi_decode_params(v)
        .ok()
        .filter(|l| l.abi_encode_params() == v)
        .ok_or("not a child record of this layout (one stored before the height the proof that froze the child showed was kept is not read: rebuild the store from the chain)")?;
    let ((params, configurations, active, pending), last, nonce, rollback, registered, stakes) =
        read;
    let (last_height, last_hash, ref_height, ref_index, last_named_set, last_next_set) = last;
    let configurations = configurations
        .into_iter()
        .map(|(validators, active_from)| ChildConfiguration { validators, active_from })
        .collect();
    Ok(ChildRecord {
        params,
        configurations,
        active,
        pending,
        registered_at: TxRef { height: registered.0, index: registered.1 },
        last_height,
        last_hash,
        last_ref: TxRef { height: ref_height, index: ref_index },
        last_named_set,
        last_next_set,
        next_deposit_nonce: nonce,
        stakes_ref: TxRef { height: stakes.0, index: stakes.1 },
        staked: stakes.2,
        rollback_height: rollback.0,
        rollback_ref: TxRef { height: rollback.1, index: rollback.2 },
        rollback_shown: rollback.3,
    })
}

/// `child ‖ number`: 16 bytes (a child's accepted checkpoint by height, its value
/// [`child_checkpoint_value`]; a deposit locked for a child, by nonce).
pub(crate) fn child_number(child: u64, number: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&child.to_be_bytes());
    k[8..].copy_from_slice(&number.to_be_bytes());
    k
}

/// A child's accepted checkpoint: its block hash, then where this chain accepted it (height
/// and transaction index, big-endian): 44 bytes.
pub(crate) fn child_checkpoint_value(hash: &B256, at: TxRef) -> Vec<u8> {
    [hash.as_slice(), &tx_ref(&at)].concat()
}

/// [`child_checkpoint_value`] read back. A value of 32 bytes, stored before the place was
/// kept, reads with the place `0:0`, which no block holds: an acceptance asked of it fails as
/// unknown rather than the store as corrupt.
pub(crate) fn child_checkpoint_from(v: &[u8]) -> Result<(B256, TxRef), String> {
    let bad = || format!("{} bytes, not a hash and a place (44)", v.len());
    let (hash, at) = (v.get(..32).ok_or_else(bad)?, v.get(32..).ok_or_else(bad)?);
    let at = if at.is_empty() { Some(TxRef { height: 0, index: 0 }) } else { tx_ref_from(at) };
    Ok((B256::from_slice(hash), at.ok_or_else(bad)?))
}

/// A child's exit: `abi.encode(record, bond, anchor, status, startHeight, startIndex,
/// cancelledHeight, cancelledIndex)`, the status as a `uint32` (see [`exit_status_code`]).
pub(crate) fn child_exit_value(e: &ChildExit) -> Vec<u8> {
    let (code, at, cancelled) = (exit_status_code(e.status), e.started_at, e.cancelled_at);
    let place = (at.height, at.index, cancelled.height, cancelled.index);
    (e.record.clone(), e.bond, e.anchor, code, place.0, place.1, place.2, place.3)
        .abi_encode_params()
}

/// [`child_exit_value`] read back. A value stored before the cancellation's place was kept
/// (six fields) reads with the place 0:0, which only a cancelled exit keeps otherwise: a
/// cancelled one stored so is refused, never read as never cancelled (a restart naming none
/// would be proven a repeat).
pub(crate) fn child_exit_from(v: &[u8]) -> Result<ChildExit, String> {
    type Kept = (ExitRecord, U256, u64, u32, u64, u32, u64, u32);
    type Before = (ExitRecord, U256, u64, u32, u64, u32);
    // The longer form first: the shorter one is a prefix of it.
    let (record, bond, anchor, status, height, index, c_height, c_index) =
        match Kept::abi_decode_params(v) {
            Ok(kept) => kept,
            Err(_) => {
                let (r, b, a, s, h, i) = Before::abi_decode_params(v).map_err(|e| e.to_string())?;
                if exit_status_from(s) == Some(ExitStatus::Cancelled) {
                    return Err("a cancelled exit stored without where it was cancelled".into());
                }
                (r, b, a, s, h, i, 0, 0)
            }
        };
    let status = exit_status_from(status).ok_or_else(|| format!("exit status {status}"))?;
    let started_at = TxRef { height, index };
    let cancelled_at = TxRef { height: c_height, index: c_index };
    Ok(ChildExit { record, bond, anchor, status, started_at, cancelled_at })
}

/// A deposit locked for a child: `abi.encode(record, recordedAt)`.
pub(crate) fn child_deposit_value(d: &RecordedDeposit) -> Vec<u8> {
    (d.record.clone(), d.recorded_at).abi_encode_params()
}

pub(crate) fn child_deposit_from(v: &[u8]) -> Result<RecordedDeposit, String> {
    let (record, recorded_at) =
        <(DepositRecord, u64)>::abi_decode_params(v).map_err(|e| e.to_string())?;
    Ok(RecordedDeposit { record, recorded_at })
}

/// An exit's status as stored: 0 queued, 1 paid, 2 challenged, 3 cancelled.
fn exit_status_code(status: ExitStatus) -> u32 {
    match status {
        ExitStatus::Queued => 0,
        ExitStatus::Paid => 1,
        ExitStatus::Challenged => 2,
        ExitStatus::Cancelled => 3,
    }
}

fn exit_status_from(code: u32) -> Option<ExitStatus> {
    Some(match code {
        0 => ExitStatus::Queued,
        1 => ExitStatus::Paid,
        2 => ExitStatus::Challenged,
        3 => ExitStatus::Cancelled,
        _ => return None,
    })
}
