//! Why something the client asked of a node, of the root or of a file did not happen.

use crate::convert::ConvertError;
use crate::keys::FileError;
use plasma_ledger::{Address, UtxoPos, U256};
use std::path::PathBuf;
use std::time::Duration;

/// An error of the client library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A node's gRPC endpoint could not be reached.
    #[error("cannot reach the node at {endpoint}")]
    Connect {
        /// The endpoint.
        endpoint: String,
        /// Why.
        #[source]
        source: tonic::transport::Error,
    },
    /// A node answered a call with an error status; its message says why.
    #[error("{message}")]
    Node {
        /// The status code.
        code: tonic::Code,
        /// The node's message.
        message: String,
    },
    /// A node refused a transaction.
    #[error("{endpoint} refused the transaction: {message}")]
    Refused {
        /// The node.
        endpoint: String,
        /// Its reason.
        message: String,
    },
    /// A node's answer held a malformed field.
    #[error(transparent)]
    Convert(#[from] ConvertError),
    /// A call to the root chain (Ethereum) failed.
    #[error("{action}")]
    Root {
        /// What was asked (`root deposit`, `reading chain 7 on the root`, …).
        action: String,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file (tree, journal, keys) could not be read, parsed or written.
    #[error(transparent)]
    File(#[from] FileError),
    /// An output position that does not parse.
    #[error(transparent)]
    Utxo(#[from] BadUtxo),
    /// No chain at that path in the tree.
    #[error("no chain {path} in the tree (it has {known})")]
    UnknownChain {
        /// The path asked for.
        path: String,
        /// The paths the tree has, comma-separated.
        known: String,
    },
    /// Not a chain path.
    #[error("{path:?} is not a chain path (`/A/B`)")]
    NotAPath {
        /// What was given.
        path: String,
    },
    /// A chain of the tree lists no endpoint.
    #[error("{path} has no endpoint")]
    NoEndpoint {
        /// The chain.
        path: String,
    },
    /// A multi-hop transfer was given no chain.
    #[error("no chain to {0}")]
    NoRoute(&'static str),
    /// A journal file belongs to another transfer.
    #[error("{} records another transfer ({recorded}); use another --state file", file.display())]
    OtherTransfer {
        /// The journal file.
        file: PathBuf,
        /// The transfer it records.
        recorded: String,
    },
    /// A journal step holds a value it never records.
    #[error("the journal's step {step} holds {value:?}, which it never records")]
    Journal {
        /// The step.
        step: String,
        /// Its value.
        value: String,
    },
    /// Waited too long for something to happen.
    #[error("{what}: nothing after {after:?}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        after: Duration,
    },
    /// An owner holds no ETH output large enough to pay a bond or a stake.
    #[error("{owner} holds no ETH output of {amount} wei or more on chain {chain} (for {purpose}): deposit to it there first")]
    NoCoin {
        /// The owner.
        owner: Address,
        /// How much is needed.
        amount: U256,
        /// Where.
        chain: u64,
        /// What it would pay (`the exit bond`, `the stake`).
        purpose: &'static str,
    },
    /// The output to exit does not exist.
    #[error("{pos} does not exist")]
    NoSuchOutput {
        /// The position.
        pos: UtxoPos,
    },
    /// The parent recorded no such deposit into the chain.
    #[error("chain {chain}'s parent recorded no deposit {nonce} into it")]
    UnknownDeposit {
        /// The deposit's nonce.
        nonce: u64,
        /// The chain it would be into.
        chain: u64,
    },
    /// Only a deposit's recipient exits it from the parent's record.
    #[error("deposit {nonce} into chain {chain} is {recipient}'s, not {key}'s: only its recipient exits it")]
    NotRecipient {
        /// The deposit's nonce.
        nonce: u64,
        /// The chain it went into.
        chain: u64,
        /// Its recipient.
        recipient: Address,
        /// The key given.
        key: Address,
    },
    /// A block of the chain passed the deposit over: the chain will never mint it.
    #[error("chain {chain} passed deposit {nonce} over and will never mint it: exit it from its parent's record (plasma exit --deposit {nonce})")]
    DepositPassedOver {
        /// The deposit's nonce.
        nonce: u64,
        /// The chain.
        chain: u64,
    },
    /// The chain minted the deposit and its parent holds it standing (not frozen): an exit
    /// from the record would be challenged once the minted output is spent.
    #[error("chain {chain} minted deposit {nonce} and is not frozen: exit the output that minted it (--utxo) instead")]
    DepositMinted {
        /// The deposit's nonce.
        nonce: u64,
        /// The chain.
        chain: u64,
    },
    /// The output's block was rolled back after a fraud proof: it cannot exit.
    #[error("block {height} is at or after block {rollback}, which {by} rolled back after a fraud proof: this output cannot exit")]
    RolledBack {
        /// The output's block.
        height: u64,
        /// The first block rolled back.
        rollback: u64,
        /// Who rolled it back (`the root`, `chain 7`).
        by: String,
    },
    /// No accepted checkpoint between the output's block and a rollback.
    #[error("no checkpoint between block {height} and the rollback at {rollback}: this output cannot be proven")]
    NoCheckpointBefore {
        /// The output's block.
        height: u64,
        /// The first block rolled back.
        rollback: u64,
    },
    /// The output's block is not checkpointed on the root yet.
    #[error("block {height} is not checkpointed yet (the root's latest checkpoint is {latest}); try again after the next epoch")]
    NotCheckpointed {
        /// The output's block.
        height: u64,
        /// The root's latest checkpoint of the chain.
        latest: u64,
    },
    /// A stake the ledger's bond rule refuses.
    #[error("a stake is a whole number of gwei (power = stake / 1 gwei), not {stake} wei")]
    Stake {
        /// The stake given.
        stake: U256,
    },
    /// A stake below what the child's registration asks of a bond.
    #[error("a bond into chain {chain} stakes at least {minimum} wei, not {stake}")]
    BelowMinimum {
        /// The chain bonded for.
        chain: u64,
        /// The stake given.
        stake: U256,
        /// The child's minimum.
        minimum: U256,
    },
    /// A bond into a full set that buys no more power than its least member (a bond of more
    /// takes that member's seat).
    #[error(
        "chain {chain}'s set is full ({members} members, the least of power {least}): a bond \
         must buy more than {least} units of power to take a seat, not {power}"
    )]
    SetFull {
        /// The chain bonded for.
        chain: u64,
        /// Members of the set the bond would extend.
        members: usize,
        /// The least power among them.
        least: u64,
        /// The power the stake buys.
        power: u64,
    },
    /// The parent took the bond, but a bond of more power took its seat before the chain
    /// adopted it: the stake stays bonded (and slashable) on the parent.
    #[error(
        "the bond into chain {chain} was committed, but a larger bond took its seat before the \
         chain adopted it; the stake stays bonded on the parent"
    )]
    Outbid {
        /// The chain bonded for.
        chain: u64,
    },
    /// The chain to bond for is not a child of the given parent.
    #[error("chain {chain} is not a child of chain {parent} ({message})")]
    NotAChild {
        /// The chain.
        chain: u64,
        /// The parent asked.
        parent: u64,
        /// The parent's answer.
        message: String,
    },
    /// A parent's node answered with an acceptance of a child's checkpoint that does not show
    /// it (an exit under it would be refused).
    #[error("chain {parent}'s node shows no acceptance of chain {child}'s checkpoint at {height}: {reason}")]
    NotAccepted {
        /// The parent.
        parent: u64,
        /// The child.
        child: u64,
        /// The checkpoint's height.
        height: u64,
        /// Why.
        reason: plasma_bridge::acceptance::AcceptanceFetchError,
    },
    /// The parent froze the chain while a configuration waited to be adopted.
    #[error("the parent froze the chain before it adopted configuration {configuration}")]
    Frozen {
        /// The configuration.
        configuration: u32,
    },
}

impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Self {
        Self::Node { code: status.code(), message: status.message().to_string() }
    }
}

impl Error {
    /// A failed call to the root, with what was asked.
    pub fn root(
        action: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self::Root { action: action.into(), source: Box::new(source) }
    }
}

/// The client library's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Text that is not an output position (`height:tx_index:output_index`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?}: {reason}")]
pub struct BadUtxo {
    /// What was given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}
