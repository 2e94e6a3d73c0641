//! Why a system transaction, or a child-facing payload of a user transaction, is invalid.

use crate::acceptance::AcceptanceError;
use crate::certificate::CertificateError;
use crate::exit::{ChallengeError, ExitError};
use crate::types::DecodeError;
use crate::types::TxRef;
use alloy_primitives::{Address, B256, U256};

pub use crate::registration::MAX_CHILD_VALIDATORS;

/// Why a system transaction is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChildError {
    /// `kind` is not a system kind this ledger knows.
    #[error("unknown system transaction kind {0}")]
    UnknownKind(u8),
    /// System transactions carry only their payload.
    #[error("a system transaction has no inputs, outputs or signatures")]
    NotBare,
    /// The payload does not decode.
    #[error(transparent)]
    Payload(#[from] DecodeError),
    /// A bond into a full set buys no more power than its least member: it would make the
    /// next configuration larger than a child's set may be.
    #[error(
        "a child's set holds at most {MAX_CHILD_VALIDATORS} validators, none of less power than \
         this bond; it would make {0}"
    )]
    SetSize(usize),
    /// A stored set is unusable for certificates (zero power, bad key encoding). A registration
    /// or bond that names one is refused first (`crate::registration`, `validate_bond`).
    #[error("validator set: {0}")]
    Set(CertificateError),
    /// The same registration was accepted before.
    #[error("chain {0} is already registered")]
    AlreadyRegistered(u64),
    /// A deposit, stake, bond, exit start or fraud proof naming a chain that is not a
    /// registered child (a checkpoint, or a challenge or payout, naming one is refused as
    /// `NotFollowing` or `ExitNotActive`, which what it links to proves).
    #[error("chain {0} is not a registered child")]
    UnknownChild(u64),
    /// A checkpoint at or below the latest accepted one.
    #[error("checkpoint of chain {chain} at {height} is not newer than {last}")]
    NotNewer {
        /// The child.
        chain: u64,
        /// The checkpoint's height.
        height: u64,
        /// The latest accepted height.
        last: u64,
    },
    /// A checkpoint that does not follow the child's latest accepted one (or its registration,
    /// before any): its link names another transaction of this chain. For a child never
    /// registered, `expected` is 0:0, which no block holds.
    #[error(
        "checkpoint of chain {chain} follows {got}, the child's latest accepted is at {expected} \
         (0:0: never registered)"
    )]
    NotFollowing {
        /// The child.
        chain: u64,
        /// Where this chain accepted the child's latest checkpoint, or registered it.
        expected: TxRef,
        /// The link the checkpoint names.
        got: TxRef,
    },
    /// A checkpoint more than `MAX_CHECKPOINT_GAP` blocks past the latest accepted one.
    #[error("checkpoint of chain {chain} at {height} is beyond {limit}, the farthest it may jump")]
    TooFarAhead {
        /// The child.
        chain: u64,
        /// The checkpoint's height.
        height: u64,
        /// The highest height the parent accepts next: the latest accepted one plus the gap.
        limit: u64,
    },
    /// A checkpoint timed ahead of the parent's block by more than a header's clock drift
    /// (`header::MAX_CLOCK_DRIFT_S`): its outputs would wait for their exits past any real
    /// time.
    #[error("checkpoint of chain {chain} is timed {time}, ahead of the parent's {now}")]
    AheadOfClock {
        /// The child.
        chain: u64,
        /// The checkpoint's time.
        time: u64,
        /// The parent block's time.
        now: u64,
    },
    /// The header names the set the latest accepted checkpoint named, or the next it named,
    /// but not the active one: the parent activated the other (or kept the old one) by its
    /// bonds and the child's epochs.
    #[error("checkpoint of chain {chain} names validator set {named}, which the parent did not keep active")]
    InactiveSet {
        /// The child.
        chain: u64,
        /// The set the header names.
        named: B256,
    },
    /// The header names a set other than the active one, and other than both the latest
    /// accepted checkpoint named (as its own and as the next).
    #[error("header names validator set {got}, the parent accepts {expected}")]
    WrongSet {
        /// The registered set's hash.
        expected: B256,
        /// The header's.
        got: B256,
    },
    /// The certificate does not certify the header.
    #[error("certificate: {0}")]
    Certificate(CertificateError),
    /// The exit's acceptance does not show its anchor accepted by this chain
    /// ([`crate::acceptance::verify_acceptance`]).
    #[error("chain {chain}'s checkpoint at {height}: {error}")]
    Unaccepted {
        /// The child.
        chain: u64,
        /// The anchor's height.
        height: u64,
        /// What the acceptance fails.
        error: AcceptanceError,
    },
    /// An exit's anchor is at or above the child's rollback: a proven fraud voided it.
    #[error("chain {chain}'s checkpoint at {height} is void: a fraud was proven at {rollback}")]
    VoidAnchor {
        /// The child.
        chain: u64,
        /// The anchor's height.
        height: u64,
        /// The child's rollback height.
        rollback: u64,
    },
    /// The output's exit is not proven under the anchor it names.
    #[error("exit: {0}")]
    Exit(ExitError),
    /// The deposit's exit is not its recipient's.
    #[error("deposit exit: {0}")]
    DepositExit(ExitError),
    /// An exit of a deposit into the child that this chain never recorded.
    #[error("chain {chain} has no deposit {nonce} recorded here")]
    UnknownDeposit {
        /// The child.
        chain: u64,
        /// The deposit's nonce.
        nonce: u64,
    },
    /// A lock into the child naming another place than where this chain registered it (or a
    /// place at height 0, where nothing stands, whatever this chain's record holds): a
    /// lock names it so that a lock into a child never registered is proven from this chain's
    /// history alone (`UnregisteredChild`).
    #[error("chain {chain} was registered at {registered}, not at {named}")]
    NotTheRegistration {
        /// The child.
        chain: u64,
        /// Where the lock says it was registered.
        named: TxRef,
        /// Where this chain registered it.
        registered: TxRef,
    },
    /// An exit of this id is queued, paid or challenged: only a cancelled exit's output may
    /// exit again.
    #[error("exit {0} was started before")]
    AlreadyExited(B256),
    /// The start does not name the exit's latest cancellation (0:0 when it was never started),
    /// where this chain keeps it: a start names it so that a repeated exit is proven from this
    /// chain's history alone (`RepeatedExit`).
    #[error("exit {exit_id} was last cancelled at {latest}, not at {named}")]
    NotLatestCancellation {
        /// The exit.
        exit_id: B256,
        /// Where the start says the exit was last cancelled.
        named: TxRef,
        /// Where this chain last cancelled it (0:0: never started).
        latest: TxRef,
    },
    /// The challenged or paid exit is not queued, or not by the start the challenge or payout
    /// names (its latest).
    #[error("exit {exit_id} is not queued by a start at {start}")]
    ExitNotActive {
        /// The exit.
        exit_id: B256,
        /// Where the challenge or payout says its start is.
        start: TxRef,
    },
    /// A challenge's output is not the exit's bond paid to its beneficiary.
    #[error("a challenge pays exactly the exit's bond to its beneficiary")]
    BondOutput,
    /// The challenge does not show a spend of the exiting output by its owner.
    #[error("challenge: {0}")]
    Challenge(ChallengeError),
    /// Time-bound rules judged outside a block.
    #[error("no block time to judge an exit at")]
    NoBlockTime,
    /// A fraud proof froze the child: exits only.
    #[error("chain {0} is frozen after a proven fraud")]
    Frozen(u64),
    /// A fraud proof against a frozen child showing a height at or above the one the proof
    /// heard before showed ([`super::ChildRecord::rollback_shown`]): what it stands on is void.
    #[error("chain {chain} is frozen by a proof shown at {shown}: a proof at {height} stands on a void checkpoint")]
    NotBelowShown {
        /// The child.
        chain: u64,
        /// The height the proof shows (its anchor's, the equivocation's, or its verdict's).
        height: u64,
        /// The height the proof heard before showed.
        shown: u64,
    },
    /// The fraud proof does not convict.
    #[error("fraud proof: {0}")]
    Fraud(crate::fraud::FraudError),
    /// A stake, bond or fraud proof naming another place than where this chain last changed
    /// the child's stakes ([`super::ChildRecord::stakes_ref`]), or, for a stake or bond,
    /// another total than what they hold and its amount: each names them so that what a fraud
    /// proof may take is proven from this chain's history alone (`UnfoundedStake`).
    #[error("chain {chain}'s stakes were last changed at {latest} to {staked}, named {named} to {named_staked}")]
    StakesLink {
        /// The child.
        chain: u64,
        /// The place named.
        named: TxRef,
        /// What the transaction says the stakes hold after it.
        named_staked: U256,
        /// Where this chain last changed them.
        latest: TxRef,
        /// What they hold before the transaction.
        staked: U256,
    },
    /// A lock or payout naming another place than where this chain last changed the child's
    /// escrow of its token (its registration, while nothing has), or another total after it
    /// than what the escrow holds and its amount make (a payout takes no more than it holds):
    /// each names them so that what payouts take from a child's escrow is bounded by what was
    /// locked into it, from this chain's history alone (`UnfoundedEscrow`).
    #[error("chain {chain}'s escrow of {token} was last changed at {latest} to {escrowed}, named {named} to {named_escrowed}")]
    EscrowLink {
        /// The child.
        chain: u64,
        /// The token.
        token: Address,
        /// The place named.
        named: TxRef,
        /// What the transaction says the escrow holds after it.
        named_escrowed: U256,
        /// Where this chain last changed it.
        latest: TxRef,
        /// What it holds before the transaction.
        escrowed: U256,
    },
    /// A fraud proof whose output is neither nothing nor half of what it says it takes from
    /// the stakes it names, to its prover, or that takes more than they hold, or names no
    /// prover (`UnfoundedStake` proves it from the stakes' links).
    #[error(
        "a fraud proof pays its prover half of what it takes from the child's stakes, or nothing"
    )]
    RewardOutput,
    /// A fraud proof that pays its prover nothing although it takes a stake and the prover is
    /// none of the operators it convicts, or pays a prover it convicts. Who it convicts is this
    /// chain's bookkeeping (the set that certified its anchor).
    #[error("a fraud proof pays prover {prover} half of what it takes unless it convicts it, and then nothing")]
    RewardRecipient {
        /// The prover it names.
        prover: Address,
    },
    /// A fraud proof that leaves the child's stakes holding other than what taking the stakes
    /// of the operators it convicts leaves. Which operators' stakes it takes is this chain's
    /// bookkeeping; it takes no more than the child's stakes hold.
    #[error("the stakes it takes leave {expected}, not {named}")]
    SlashedStakes {
        /// What the proof says the stakes hold after it.
        named: U256,
        /// What taking the convicted operators' stakes leaves.
        expected: U256,
    },
    /// A fraud proof whose anchor certificate names other signers than the certificate this
    /// chain accepted the anchor with (the root's `NotTheAcceptedSigners`): a proof convicts
    /// who certified the anchor, not a quorum of them a prover re-aggregates.
    #[error("chain {chain}'s checkpoint at {height} was accepted with other signers")]
    NotTheAcceptedSigners {
        /// The child.
        chain: u64,
        /// The anchor's height.
        height: u64,
    },
    /// A fraud proof whose `proverSignature` is not its prover's signature of
    /// [`super::prover_digest`]: a proposer cannot name another prover.
    #[error("the fraud proof is not signed by the prover it names, {0}")]
    ProverSignature(Address),
    /// A bond below one unit of power (1 gwei) or above `u64::MAX` units.
    #[error("a bond of {0} wei is not a whole power of 1..=u64::MAX gwei")]
    BondPower(U256),
    /// The operator or its key was bonded to the child already (a member's, now or before).
    #[error("operator {0} or its key is bonded already")]
    AlreadyBonded(Address),
    /// A bond's key or proof of possession does not check out.
    #[error("invalid BLS key or proof of possession")]
    BondPossession,
    /// A bond stakes less than the child's registration asks of each member.
    #[error("a bond into child {chain} stakes {amount} wei, its minimum is {minimum}")]
    BelowMinimum {
        /// The child.
        chain: u64,
        /// What the bond stakes.
        amount: U256,
        /// The child's `minStake`.
        minimum: U256,
    },
}

impl ChildError {
    /// Whether the verdict depends on the state (the child's registry entry), rather than on
    /// the transaction alone.
    pub fn depends_on_state(&self) -> bool {
        matches!(
            self,
            ChildError::AlreadyRegistered(_)
                | ChildError::UnknownChild(_)
                | ChildError::NotNewer { .. }
                | ChildError::NotFollowing { .. }
                | ChildError::TooFarAhead { .. }
                | ChildError::AheadOfClock { .. }
                | ChildError::WrongSet { .. }
                | ChildError::InactiveSet { .. }
                | ChildError::Unaccepted { .. }
                | ChildError::NotTheAcceptedSigners { .. }
                | ChildError::VoidAnchor { .. }
                | ChildError::UnknownDeposit { .. }
                | ChildError::NotTheRegistration { .. }
                | ChildError::AlreadyExited(_)
                | ChildError::NotLatestCancellation { .. }
                | ChildError::ExitNotActive { .. }
                | ChildError::BondOutput
                | ChildError::NoBlockTime
                | ChildError::Frozen(_)
                | ChildError::NotBelowShown { .. }
                | ChildError::StakesLink { .. }
                | ChildError::RewardOutput
                | ChildError::RewardRecipient { .. }
                | ChildError::SlashedStakes { .. }
                | ChildError::EscrowLink { .. }
                | ChildError::AlreadyBonded(_)
                | ChildError::SetSize(_)
                | ChildError::BelowMinimum { .. }
        )
    }
}

/// A start of an exit claiming more than its child's escrow holds of its token (nothing
/// locked in that token: any amount is more), which a node does not admit to its pool, as the
/// root refuses it at the start (`AmountTooLarge`). A policy, not a rule of validity: such an
/// output exists only where the child created value, which a fraud proof against the child
/// voids, and the same fraud with outputs no larger than the escrow would head the queue just
/// as well; a block holding one is valid (whoever proposed it), and its exit is paid what the
/// escrow holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("exit of {amount} exceeds the {escrow} chain {chain}'s escrow holds")]
pub struct ExceedsEscrow {
    /// The child.
    pub chain: u64,
    /// The exit's amount.
    pub amount: U256,
    /// The child's escrow in the exit's token.
    pub escrow: U256,
}
