//! What a parent keeps of each registered child: its registry entry, its numbered validator
//! configurations and the exits of its outputs. Plain data and the bookkeeping on it; the
//! rules that change it live in the sibling modules.

use super::error::ChildError;
pub use super::error::MAX_CHILD_VALIDATORS;
use crate::types::{ChildParams, ChildRegistration, DepositRecord, ExitRecord, TxRef, Validator};
use alloy_primitives::{B256, U256};

/// An exit of a child's output on this chain, as the exit game keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildExit {
    /// The claim: output, owner, amount, when it may be paid.
    pub record: ExitRecord,
    /// ETH bonded by the exiter (returned with the payout or the cancellation, or paid to a
    /// challenger).
    pub bond: U256,
    /// Height of the accepted checkpoint the output was proven under. A proven fraud at or
    /// below it voids the proof, and the exit is cancelled when due. 0: not proven under a
    /// checkpoint (an exit from this chain's own deposit record), it stands whatever the
    /// child's rollback.
    pub anchor: u64,
    /// Where it stands in the game. A settled exit stays, so that a paid or challenged
    /// output never exits again.
    pub status: ExitStatus,
    /// Where this chain queued it, by its latest start: a challenge names it, so that the
    /// challenge is judged from this chain's history alone.
    pub started_at: TxRef,
    /// Where this chain cancelled it, when it is [`ExitStatus::Cancelled`] (0:0 otherwise): a
    /// start of it again names it, so that a start of an exit queued or settled already is
    /// proven from this chain's history alone.
    pub cancelled_at: TxRef,
}

/// A deposit this chain locked for a child, as it keeps it: the record the child mints, and
/// when it was recorded (the block time of the `DepositToChild`), from which an exit straight
/// from the record takes its priority, as the root's deposit commitment keeps `recordedAt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedDeposit {
    /// The record.
    pub record: DepositRecord,
    /// When this chain recorded it.
    pub recorded_at: u64,
}

/// Where a child's exit stands in the exit game (the root's `ExitStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Queued: neither paid, challenged nor cancelled yet.
    Queued,
    /// Paid from the child's escrow (in full, or what was left of it) with its bond back.
    Paid,
    /// Challenged: its bond went to the challenger.
    Challenged,
    /// Cancelled when due, its anchor voided by a proven fraud: its bond went back, nothing
    /// left the escrow, and the output may exit again under a checkpoint that stands.
    Cancelled,
}

/// How an exit due at the head of its queue leaves it: the root's `processExits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// Paid this much from the escrow (its amount, or all the escrow holds if less) and its
    /// bond back.
    Paid(U256),
    /// Cancelled (its anchor is void): its bond back, nothing from the escrow.
    Cancelled,
}

impl ChildExit {
    /// Whether it waits in its queue.
    pub fn queued(&self) -> bool {
        self.status == ExitStatus::Queued
    }

    /// Whether a proven fraud voided the checkpoint it was proven under, given the child's
    /// `rollback_height` (0: no fraud).
    pub fn voided(&self, rollback_height: u64) -> bool {
        rollback_height != 0 && self.anchor != 0 && self.anchor >= rollback_height
    }

    /// How it is settled once due at the head of its queue, when the child's escrow holds
    /// `escrow` of its token and its rollback height is `rollback_height`. Exits ahead may
    /// have drained the escrow since it started: it then pays what is left, and the queue
    /// moves on.
    pub fn settlement(&self, escrow: U256, rollback_height: u64) -> Settlement {
        if self.voided(rollback_height) {
            Settlement::Cancelled
        } else {
            Settlement::Paid(self.record.amount.min(escrow))
        }
    }
}

/// One numbered validator configuration of a child (ids count from 1, the registered set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildConfiguration {
    /// Its members, in bitmap order.
    pub validators: Vec<Validator>,
    /// The first height it certifies (0: never activated, pending or superseded).
    pub active_from: u64,
}

/// What a parent keeps of each registered child.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildRecord {
    /// Epoch length, exit period, exit bond and minimum stake, as registered (for good).
    pub params: ChildParams,
    /// Every configuration numbered so far: id `i` is entry `i - 1`. The registered set is 1.
    pub configurations: Vec<ChildConfiguration>,
    /// The configuration whose certificates the parent accepts.
    pub active: u32,
    /// The configuration proposed by the latest bond and not yet acknowledged (0: none).
    pub pending: u32,
    /// Where this chain registered the child (its `RegisterChild`), which a lock into it names.
    pub registered_at: TxRef,
    /// Height of the latest accepted checkpoint (0: none).
    pub last_height: u64,
    /// Where this chain accepted the latest checkpoint, or registered the child before any:
    /// the link the next checkpoint must name.
    pub last_ref: TxRef,
    /// Block hash of the latest accepted checkpoint (zero: none).
    pub last_hash: B256,
    /// The set the latest accepted checkpoint named (the registered set before any).
    pub last_named_set: B256,
    /// The set it named as the next (the registered set before any). The active set is
    /// always one of the two, so the set a checkpoint may name is shown by the one it follows.
    pub last_next_set: B256,
    /// One past the nonce of the latest deposit into this child (0: none). Deposits are
    /// numbered by where their locks stand ([`crate::types::TxRef::deposit_nonce`]).
    pub next_deposit_nonce: u64,
    /// Where this chain last changed the child's stakes: its registration, or the latest
    /// stake, bond or fraud proof of it. The next names it, so that what the stakes hold
    /// ([`ChildRecord::staked`]) is proven from this chain's history alone.
    pub stakes_ref: TxRef,
    /// What the stakes of every operator of the child hold together: what was staked and
    /// bonded, less what fraud proofs took. A fraud proof pays its prover half of what it
    /// takes, or nothing, so no reward exceeds what was staked.
    pub staked: U256,
    /// First void height after a proven fraud (0: none). The child is frozen from then on:
    /// no checkpoints, no deposits; exits anchor below it, and those anchored at or above it
    /// are cancelled. A proof of an earlier invalid block lowers it; none raises it.
    pub rollback_height: u64,
    /// Where this chain heard the latest fraud proof against the child (0:0: none): the one
    /// showing the lowest height ([`ChildRecord::rollback_shown`]). A cancellation of an exit
    /// names it, so that one of an exit whose anchor stands is proven from this chain's
    /// history alone.
    pub rollback_ref: TxRef,
    /// The height the proof heard at `rollback_ref` showed (its anchor's, or its
    /// equivocation's; 0: none). A later proof is heard only if it shows a lower one: what it
    /// stands on is otherwise void, which that proof and this one, both in this chain's
    /// history, prove (`VoidedAnchor`). No checkpoint this chain accepted lies between the
    /// rollback and this height: each anchored proof is shown under the lowest one at or above
    /// the block it convicts (an invalid block's rollback lifted above any between).
    pub rollback_shown: u64,
}

impl ChildRecord {
    /// Whether a fraud proof froze the child.
    pub fn frozen(&self) -> bool {
        self.rollback_height != 0
    }

    /// Configuration `id`, if numbered.
    pub fn configuration(&self, id: u32) -> Option<&ChildConfiguration> {
        self.configurations.get((id as usize).checked_sub(1)?)
    }

    /// The active set, whose certificates the parent accepts, in bitmap order.
    pub fn validators(&self) -> &[Validator] {
        self.configuration(self.active).map_or(&[], |c| &c.validators)
    }

    /// `keccak256(abi.encode(Validator[]))` of the active set.
    pub fn set_hash(&self) -> B256 {
        Validator::set_hash(self.validators())
    }

    /// The set a bond proposes, if one is pending.
    pub fn pending_set(&self) -> Option<&[Validator]> {
        self.configuration(self.pending).map(|c| c.validators.as_slice())
    }

    /// The set that certified `height`: the last activated configuration from at or below it.
    pub fn set_at(&self, height: u64) -> &[Validator] {
        self.configurations
            .iter()
            .filter(|c| c.active_from != 0 && c.active_from <= height)
            .max_by_key(|c| c.active_from)
            .map_or(self.validators(), |c| &c.validators)
    }

    /// The configuration whose set hash is `hash`, if any was numbered.
    pub fn configuration_with_hash(&self, hash: B256) -> Option<&[Validator]> {
        let found = self.configurations.iter().find(|c| Validator::set_hash(&c.validators) == hash);
        found.map(|c| c.validators.as_slice())
    }

    /// Numbers the next configuration: the pending set (or else the active one) joined by
    /// `validator`, which becomes the pending configuration (the one it re-numbers may still
    /// be activated by an epoch end that names it: [`ChildRecord::accept_checkpoint`]). The
    /// root's `bond` followed by `proposeConfiguration`. Into a full set, it takes the seat of
    /// the member of least power (the latest to join, of equals) if its power is greater, as
    /// the root's `bond` makes room: sybils at the minimum stake cannot hold a set for good.
    /// The member who loses its seat keeps its stake, slashable for what the configurations
    /// counting it certified (a plasma parent has no unbonding yet: README, "Validators not
    /// yet held to account"). An operator or key ever bonded to the child bonds no second
    /// time, so the record only grows and the root proves a second bond from the first
    /// (`crate::fraud::record`). The minimum stake is judged before
    /// ([`crate::children::validate_bond`]).
    pub fn bond(&mut self, validator: Validator) -> Result<u32, ChildError> {
        let ever = self.configurations.iter().flat_map(|c| &c.validators);
        if let Some(v) = ever
            .into_iter()
            .find(|v| v.operator == validator.operator || v.blsPubkey == validator.blsPubkey)
        {
            return Err(ChildError::AlreadyBonded(v.operator));
        }
        let mut validators = self.pending_set().unwrap_or(self.validators()).to_vec();
        if let Some(seat) = seat_taken(&validators, validator.power)? {
            validators.remove(seat);
        }
        validators.push(validator);
        self.configurations.push(ChildConfiguration { validators, active_from: 0 });
        self.pending = self.configurations.len() as u32;
        Ok(self.pending)
    }

    /// Records an accepted checkpoint of block `height` (hash `hash`) whose header names
    /// `next_set` as the next validator set. At an epoch end that names a configuration
    /// numbered since the active one — the pending one, or one a later bond re-numbered — that
    /// configuration becomes active from `height + 1` (the latest, if two have the set); a
    /// pending one numbered after it stays pending. So a bond landing between the header and
    /// its checkpoint (a sybil's, before each epoch end) cannot keep the set the child
    /// acknowledged out, as a proposal cannot displace one the root's chain acknowledged.
    pub fn accept_checkpoint(&mut self, height: u64, hash: B256, next_set: B256) {
        self.last_height = height;
        self.last_hash = hash;
        // It was accepted naming the active set.
        self.last_named_set = self.set_hash();
        self.last_next_set = next_set;
        let epoch = self.params.epochLength;
        if epoch == 0 || !height.is_multiple_of(epoch) || self.pending == 0 {
            return;
        }
        let since = (self.active as usize)..(self.pending as usize);
        let Some(numbered) = self.configurations.get(since.clone()) else { return };
        let named = numbered.iter().rposition(|c| Validator::set_hash(&c.validators) == next_set);
        if let Some(k) = named {
            let index = since.start + k;
            self.configurations[index].active_from = height + 1;
            self.active = index as u32 + 1;
            if self.active == self.pending {
                self.pending = 0;
            }
        }
    }
}

/// The seat a bond of `power` takes in `set`, the set it extends: none when there is room
/// (it joins beside them), or, in a full set ([`MAX_CHILD_VALIDATORS`]), that of the member of
/// least power (the latest to join, of equals) when the bond buys more; a bond into a full set
/// that buys no more is refused ([`ChildError::SetSize`]).
pub fn seat_taken(set: &[Validator], power: u64) -> Result<Option<usize>, ChildError> {
    if set.len() < MAX_CHILD_VALIDATORS {
        return Ok(None);
    }
    let least = set.iter().map(|v| v.power).min();
    match set.iter().rposition(|v| Some(v.power) == least) {
        Some(seat) if power > set[seat].power => Ok(Some(seat)),
        _ => Err(ChildError::SetSize(set.len() + 1)),
    }
}

/// A child's rollback height (0: not frozen) after a fraud proven at `height`: it only ever
/// falls, whatever later proofs convict.
pub fn lowered_rollback(rollback: u64, height: u64) -> u64 {
    if rollback == 0 {
        height
    } else {
        rollback.min(height)
    }
}

/// The entry a registration creates, for one who read it from a certified block (where it
/// stands, `registered_at`, `last_ref` and `stakes_ref`, is the reader's to set).
pub fn record_of(registration: &ChildRegistration) -> ChildRecord {
    let registered = Validator::set_hash(&registration.validators);
    ChildRecord {
        params: registration.params.clone(),
        configurations: vec![ChildConfiguration {
            validators: registration.validators.clone(),
            active_from: 1,
        }],
        active: 1,
        pending: 0,
        registered_at: TxRef::default(),
        last_height: 0,
        last_ref: TxRef::default(),
        last_hash: B256::ZERO,
        last_named_set: registered,
        last_next_set: registered,
        next_deposit_nonce: 0,
        stakes_ref: TxRef::default(),
        staked: U256::ZERO,
        rollback_height: 0,
        rollback_ref: TxRef::default(),
        rollback_shown: 0,
    }
}
