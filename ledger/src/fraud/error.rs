//! Why a fraud proof's evidence is refused.

use crate::certificate::CertificateError;
use crate::exit::InclusionError;
use crate::types::DecodeError;

/// Why evidence was refused: it is malformed, or it shows honest behaviour.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FraudError {
    /// A transaction's inclusion is not proven.
    #[error("inclusion: {0}")]
    Inclusion(#[from] InclusionError),
    /// The evidence names an input the transaction does not have.
    #[error("transaction has no input {0}")]
    NoSuchInput(usize),
    /// Two references to the same input of the same transaction.
    #[error("both spends are the same input of the same transaction")]
    SameSpend,
    /// The two spends consume different outputs.
    #[error("the spends consume different outputs")]
    DifferentOutputs,
    /// The transaction's kind cannot commit this fraud.
    #[error("transaction kind {0} cannot commit this fraud")]
    WrongKind(u8),
    /// The input proofs do not match the transaction's inputs.
    #[error("input proof {0} is not for the transaction's input")]
    InputProofMismatch(usize),
    /// The creating transaction has no such output.
    #[error("input {0} does not exist: prove a nonexistent input instead")]
    InputMissing(usize),
    /// Honest: the signature is valid.
    #[error("the signature is valid")]
    SignatureValid,
    /// Honest: no asset gains value.
    #[error("no asset gains value")]
    Conserved,
    /// The registration shown registers another child than the exit start names.
    #[error("the exit start names child {named}, the registration shown registers {registered}")]
    NotTheChild {
        /// The child the exit start names.
        named: u64,
        /// The child the registration registers.
        registered: u64,
    },
    /// Only an exit start bonds, and at most one registration shows its bond.
    #[error("a registration shows the bond of one exit start, and of nothing else")]
    UnexpectedRegistration,
    /// Honest: the two registrations register different children.
    #[error("the registrations are of different children")]
    DifferentChildren,
    /// A transaction shown of a child's record is not after the one shown before it.
    #[error("the transaction at ({height}, {index}) is not after the one shown before it")]
    OutOfOrder {
        /// Its block's height.
        height: u64,
        /// Its index in the block.
        index: u32,
    },
    /// The bond's first input carries no signature its operator can be recovered from: prove
    /// an invalid signature instead.
    #[error("no operator can be recovered from the bond's first signature")]
    NoOperator,
    /// Honest: the child's record, as shown, allows the transaction.
    #[error("the child's record shown allows the transaction")]
    RecordAllows,
    /// The set shown is not the one the checkpoint's header names.
    #[error("the set shown is not the one the header names")]
    NotTheNamedSet,
    /// Honest: the certificate certifies the checkpoint against the set its header names.
    #[error("the certificate certifies the checkpoint")]
    Certified,
    /// Honest: the exit start shows its anchor accepted in an earlier block of the parent.
    #[error("the exit start shows its anchor accepted")]
    Accepted,
    /// The fraud proof shown does not stand before the transaction it would void.
    #[error("the fraud proof shown is not before the transaction it voids")]
    NotBefore,
    /// Honest: the transaction stands below the height the earlier fraud proof shows.
    #[error("the transaction stands below the checkpoint the fraud proof is shown under")]
    BelowTheFraud,
    /// Honest: the transaction may stand on what its link names.
    #[error("the transaction may stand on the one its link names")]
    Follows,
    /// The transaction shown is not a start of the exit, of the child, that the payout names.
    #[error("the transaction shown does not start the exit the payout pays")]
    NotTheStart,
    /// The transaction shown at the nonce's place of an exit from the deposit record is no
    /// lock into the child the payout names.
    #[error("the transaction shown at the deposit's place is no lock into the child")]
    NotTheLock,
    /// Honest: the payout is due and pays no more than the exit's claim and bond.
    #[error("the payout is due and pays no more than the exit's claim and bond")]
    Owed,
    /// Honest: the block at the link holds a transaction there.
    #[error("the proof does not show the link's place empty")]
    SomethingThere,
    /// The transaction shown is not one the link should have named, between the link and the
    /// transaction standing on it.
    #[error("the transaction shown is not a later one the link should have named")]
    NotLater,
    /// The evidence says it shows something no link proof shows.
    #[error("no link showing {0}")]
    NoSuchShowing(u8),
    /// The transaction names no link (0:0: nothing before it it stands on): only a later
    /// transaction the link should have named shows it wrong.
    #[error("the transaction names no link: only a later one shows it wrong")]
    NamesNone,
    /// Honest: the transaction is well formed.
    #[error("the transaction is well formed")]
    WellFormed,
    /// Honest: the input exists.
    #[error("the input exists")]
    InputExists,
    /// The proof of the block's last transaction is not of its last transaction.
    #[error("proof does not show the block's last transaction")]
    NotLastTransaction,
    /// Honest: the two mints are of different deposits, in nonce order within a block.
    #[error("the mints are of different deposits, in order")]
    DifferentDeposits,
    /// Honest: the deposit matches the parent's record.
    #[error("the deposit matches the parent's record")]
    DepositMatches,
    /// Honest: the later checkpoint's history holds the earlier checkpoint's block there.
    #[error("the later checkpoint's history holds the earlier checkpoint's block")]
    HistoriesAgree,
    /// The earlier checkpoint is not below the anchor.
    #[error("checkpoint {earlier} is not below the anchor at {anchor}")]
    NotEarlier {
        /// The earlier checkpoint's height.
        earlier: u64,
        /// The anchor's height.
        anchor: u64,
    },
    /// The witness is not below the broken header.
    #[error("the witness at {witness} is not below the broken header at {broken}")]
    NotBelow {
        /// The witness's height.
        witness: u64,
        /// The broken header's height.
        broken: u64,
    },
    /// A parent link is only compared between neighbouring heights.
    #[error("the witness at {witness} is not the parent of the broken header at {broken}")]
    NotParent {
        /// The witness's height.
        witness: u64,
        /// The broken header's height.
        broken: u64,
    },
    /// The slot at height 0 holds no block under any history: no leaf stands there.
    #[error("height 0 holds no block")]
    EmptySlot,
    /// A fork shown below a checkpoint the parent holds (at or above the contradicted height
    /// and below the anchor): proven against that checkpoint, it is voided from above it.
    #[error("the parent holds a checkpoint at {0}, between the contradiction and the anchor")]
    CheckpointBelow(u64),
    /// The parent accepted no such checkpoint at this height.
    #[error("the parent holds no such checkpoint at height {0}")]
    UnknownCheckpoint(u64),
    /// The set the evidence shows is not the one the parent holds active at the header's height.
    #[error("the set shown is not the parent's configuration at height {0}")]
    NotTheSchedule(u64),
    /// Honest: the header names the scheduled set, changes it only at an epoch end, and its
    /// proposer is a member.
    #[error("the header keeps the validator schedule")]
    ScheduleKept,
    /// The certificates do not conflict.
    #[error("certificates are for different heights or the same block")]
    NotConflicting,
    /// A certificate does not verify.
    #[error("certificate: {0}")]
    Certificate(#[from] CertificateError),
    /// The proof names no kind of fraud.
    #[error("no fraud kind {0}")]
    NoSuchKind(u8),
    /// The evidence does not decode as its kind's structure.
    #[error("evidence: {0}")]
    Evidence(DecodeError),
}
