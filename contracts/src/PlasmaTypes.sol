// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.24;

// The structures that a parent chain verifies, declared once.
//
// Rust reads this file through alloy's `sol!` (crate `plasma-ledger`, module `types`), so the
// node, a plasma parent's bridge and these contracts encode every verified structure with the
// same ABI layout. Change a field here and both sides change together.
//
// Conventions
// * Hashes are keccak-256. `txHash = keccak256(abi.encode(Transaction))` (signatures excluded).
// * The tx tree's leaves are `abi.encode(SignedTransaction)`; the history tree's leaves are block
//   hashes. Leaves hash as `keccak256(0x00 ‖ leaf)`, inner nodes as `keccak256(0x01 ‖ l ‖ r)`.
// * `blockHash = keccak256(abi.encode(BlockHeader))`. The first block of a chain has height 1.
// * Assets are identified by their root token address; `address(0)` is ETH.

/// What a transaction does. Stored as `uint8` in `Transaction.kind`. Values 16 and above are
/// system transactions of a plasma parent, valid by their content alone (no inputs, outputs
/// or signatures, no fee): 16 registers a child (`data` = `ChildRegistration`), 17 accepts a
/// child's checkpoint (`data` = `Checkpoint`), 18 challenges a child's exit and pays its bond
/// to the beneficiary (`data` = `ChildExitChallenge`, the one output is the bond), 19 proves a
/// child's fraud and pays the prover's reward (`data` = `ChildFraudProof`, the one output is
/// the reward), 20 challenges an exit of a deposit into a child (from the parent's record or
/// from its minted output) with a spend of the minted output and pays its bond to the
/// beneficiary (`data` = `ChildDepositExitChallenge`, the one output is the bond).
enum TxKind {
    Invalid,
    // Spends up to 4 signed inputs into up to 4 outputs; value is conserved per asset.
    Transfer,
    // Mints one output from the parent's deposit record carried in `data`.
    Deposit,
    // Spends signed inputs and locks part of the value into a child chain's escrow
    // (`data` = `ChildDeposit`, naming where the parent registered the child); the deposit's
    // nonce is where this transaction stands, `height << 32 | index`.
    DepositToChild,
    // Credits a finalized exit of a child chain from that child's escrow
    // (`data` = `ExitPayoutClaim`).
    ExitPayout,
    // Starts an exit of a child chain's output on this (plasma) parent: spends signed inputs
    // that pay the exit bond, the first input's owner being the claimant
    // (`data` = `ChildExitStart`).
    StartChildExit,
    // Bonds ETH as the first input's owner's stake as a validator of a child chain on this
    // (plasma) parent, slashed if it certifies fraud (`data` = `ChildStake`).
    StakeChild,
    // Bonds ETH as the first input's owner's stake and joins the child's next validator
    // configuration with a BLS key and its proof of possession (`data` = `ChildBond`).
    BondChild,
    // Starts an exit of a deposit into a child chain straight from this (plasma) parent's
    // record of it, which the child may never have minted: spends signed inputs that pay the
    // exit bond, the first input's owner being the claimant and the record's recipient
    // (`data` = `ChildDepositExit`). The root's `startDepositExit`.
    StartChildDepositExit
}

/// Position of an output: block height, index of the transaction in the block, output index.
struct UtxoPos {
    uint64 blockHeight;
    uint32 txIndex;
    uint8 outputIndex;
}

/// A coin: who may spend it, which asset, how much.
struct Output {
    address owner;
    address token;
    uint256 amount;
}

/// The signed body of every transaction. `data` carries the kind's own payload.
struct Transaction {
    uint8 kind;
    UtxoPos[] inputs;
    Output[] outputs;
    bytes data;
}

/// A transaction with one 65-byte (r ‖ s ‖ v) EIP-712 signature per input, in input order.
struct SignedTransaction {
    Transaction transaction;
    bytes[] signatures;
}

/// A deposit as the parent records it: its nonce (the root numbers a chain's deposits 0, 1, 2,
/// …; a plasma parent by where the lock stands, `height << 32 | index`), who paid, who
/// receives.
struct DepositRecord {
    uint64 chainId;
    uint64 nonce;
    address depositor;
    address recipient;
    address token;
    uint256 amount;
}

/// Payload of a `DepositToChild` transaction. It names where the parent registered the child
/// (`registeredHeight`/`registeredIndex`: its `RegisterChild`), which the parent checks, so
/// that a lock into a child never registered is proven from the parent's history alone
/// (`UnregisteredChild`). Its escrow link — where the parent last changed the child's escrow
/// of the token (`escrowHeight`/`escrowIndex`: the registration, a lock or a payout) and what
/// the escrow holds after the lock (`escrowed`) — is the proposer's, not the depositor's: its
/// three words are signed as zero (`PlasmaTx.hashStruct`), so that locks into one child need
/// not race each other, and a lock the escrow does not found is proven from the parent's
/// history alone (`UnfoundedEscrow`).
struct ChildDeposit {
    uint64 childChainId;
    address recipient;
    address token;
    uint256 amount;
    uint64 registeredHeight;
    uint32 registeredIndex;
    uint64 escrowHeight;
    uint32 escrowIndex;
    uint256 escrowed;
}

/// Payload of an `ExitPayout` transaction: which finalized exit of which child it pays, and
/// where the parent queued it (its latest start), so that a payout of an exit never queued
/// there, settled since, or paid to another than the start's claimant is proven from the
/// parent's history alone (`UnfoundedSettlement`). `cancels`: it cancels the exit (its anchor
/// was voided by a proven fraud) and only returns the bond, so the output may exit again, by a
/// start naming this payout (`RepeatedExit`). `paid` is what it takes from the child's escrow of
/// `token` (the exit's: `OverdrawnPayout` shows another, or outputs paying more), and it names
/// where the parent last changed that escrow and what the escrow holds after it, so that a
/// payout of more than the escrow holds is proven from the parent's history alone
/// (`UnfoundedEscrow`). A cancellation takes nothing (`token`, `paid` and `escrowed` zero) and
/// names instead, in `escrowHeight`/`escrowIndex`, where the parent heard the latest fraud
/// proof against the child (its `ProveChildFraud`), which voided the exit's anchor: so a
/// cancellation of an exit whose anchor stands is proven from the parent's history alone
/// (`UnfoundedCancellation`).
struct ExitPayoutClaim {
    uint64 childChainId;
    bytes32 exitId;
    uint64 startHeight;
    uint32 startIndex;
    bool cancels;
    address token;
    uint256 paid;
    uint64 escrowHeight;
    uint32 escrowIndex;
    uint256 escrowed;
}

/// A block header. `historyRoot` commits to the hashes of every earlier block (leaf index =
/// height), so one checkpointed header proves any block before it.
struct BlockHeader {
    uint64 chainId;
    uint64 height;
    bytes32 parentHash;
    bytes32 txRoot;
    uint64 depositNonceStart;
    uint64 depositNonceEnd;
    bytes32 historyRoot;
    bytes32 validatorSetHash;
    bytes32 nextValidatorSetHash;
    uint64 timestamp;
    address proposer;
}

/// One validator: its operator account, BLS public key (EIP-2537 G2 encoding, 256 bytes) and
/// voting power. `validatorSetHash = keccak256(abi.encode(Validator[]))`.
struct Validator {
    address operator;
    bytes blsPubkey;
    uint64 power;
}

/// The bytes every validator signs for a vote: `abi.encode(Vote)`. No voter address, so the
/// precommits for one block aggregate into a single signature. `domain` names the chain, its
/// ancestors up to the root, the root contract and its L1 (`lib/Votes.sol`): a vote counts on
/// that chain of that deployment alone.
struct Vote {
    bytes32 domain;
    uint64 height;
    uint32 round;
    uint8 voteType;
    bytes32 blockHash;
}

/// Proof that ≥2/3 of the voting power precommitted a block: bit i of `signerBitmap` (byte
/// i / 8, bit i % 8, least significant first) marks validator i; `aggregateSignature` is the
/// sum of their BLS signatures (EIP-2537 G1 encoding, 128 bytes).
struct CommitCertificate {
    uint64 height;
    uint32 round;
    bytes32 blockHash;
    bytes signerBitmap;
    bytes aggregateSignature;
}

/// A child's parameters on a plasma parent.
struct ChildParams {
    /// Blocks per epoch: checkpoints are due at its multiples.
    uint64 epochLength;
    /// The exit (challenge) period P, in seconds.
    uint64 exitPeriod;
    /// ETH an exit of the child's outputs bonds (paid to a successful challenger).
    uint256 exitBond;
    /// Least wei a `BondChild` stakes (the root's `ChainParams.minStake`): sybils filling the
    /// child's set pay at least this for each seat.
    uint256 minStake;
}

/// Where a parent accepted a child's checkpoint: the `ChildCheckpoint` transaction
/// `checkpoint` at index `txProof.index` of the parent's own block `header`, below the block
/// that judges it. An exit shows where its anchor was accepted, so that a parent that pays an
/// exit under a checkpoint it never accepted is proven so from its certified history alone
/// (`UnacceptedAnchorEvidence`).
struct Acceptance {
    BlockHeader header;
    MerkleProof txProof;
    SignedTransaction checkpoint;
}

/// Payload of a `StartChildExit` transaction: the output at `pos` of child `childChainId`,
/// included under `anchor`, a checkpoint the parent accepted where `acceptance` shows.
/// `cancelledHeight`/`cancelledIndex`: where the parent last cancelled an exit of the same id
/// (its `ExitPayout` with `cancels`), 0:0 when no exit of it was ever started; so a start of an
/// exit queued or settled already is proven from the parent's history alone (`RepeatedExit`).
struct ChildExitStart {
    uint64 childChainId;
    BlockHeader anchor;
    UtxoPos pos;
    TxInclusion inclusion;
    Acceptance acceptance;
    uint64 cancelledHeight;
    uint32 cancelledIndex;
}

/// Payload of a `StartChildDepositExit` transaction: deposit `nonce` into child
/// `childChainId`, as the parent recorded it. The nonce is where the lock stands, so a start no
/// lock founds is proven from the parent's history (`UnfoundedDepositExit`). The exit is keyed
/// by the deposit, as an exit of its minted output is, so a deposit exits once.
/// `cancelledHeight`/`cancelledIndex`: the exit's latest cancellation, as for
/// `ChildExitStart`.
struct ChildDepositExit {
    uint64 childChainId;
    uint64 nonce;
    uint64 cancelledHeight;
    uint32 cancelledIndex;
}

/// Payload of a `StakeChild` transaction: `amount` of ETH bonded for `childChainId`.
/// `stakesHeight`/`stakesIndex`: where the parent last changed the child's stakes (its
/// registration, or the latest stake, bond or fraud proof of the child), which `staked`, what
/// the stakes of every operator of the child hold after this one, extends by `amount`. So what
/// a fraud proof may take from the stakes is bounded by what was staked, and any stake, bond or
/// fraud proof that breaks the chain is proven from the parent's history (`UnfoundedStake`).
struct ChildStake {
    uint64 childChainId;
    uint256 amount;
    uint64 stakesHeight;
    uint32 stakesIndex;
    uint256 staked;
}

/// Payload of a `BondChild` transaction: `amount` of ETH bonded for `childChainId` by the
/// operator (the first input's owner), who joins the child's next validator configuration
/// with BLS key `blsPubkey` (EIP-2537 G2) and power `amount / 1 gwei`. `proofOfPossession` is
/// the key's signature over `abi.encode(operator, blsPubkey)` with the PoP domain tag.
/// `stakesHeight`/`stakesIndex`/`staked`: the child's stakes, as in `ChildStake`.
struct ChildBond {
    uint64 childChainId;
    uint256 amount;
    bytes blsPubkey;
    bytes proofOfPossession;
    uint64 stakesHeight;
    uint32 stakesIndex;
    uint256 staked;
}

/// Payload of a fraud proof against a child on a plasma parent: the proof as the root takes
/// it, who is rewarded, and where the parent accepted the proof's anchor (not read for an
/// equivocation, which has none). `stakesHeight`/`stakesIndex`: where the parent last changed
/// the child's stakes, as in `ChildStake`; `staked`: what they hold after the stakes this proof
/// takes, of which the prover is paid half (the transaction's one output, none for nothing;
/// nothing when the prover is one of the operators it convicts). `proverSignature`: the
/// prover's signature of `ledger::children::prover_digest` (the parent's domain, the child,
/// the proof and the prover), so that no proposer can name another prover.
struct ChildFraudProof {
    uint64 childChainId;
    FraudProof proof;
    address prover;
    Acceptance acceptance;
    uint64 stakesHeight;
    uint32 stakesIndex;
    uint256 staked;
    bytes proverSignature;
}

/// Payload of a challenge of a child's exit `exitId`: `spend` spends, as input `inputIndex`,
/// the output at the position that exit recorded, signed by its owner. The bond goes to
/// `beneficiary`. The exit is the one the parent queued at (`startHeight`, `startIndex`), its
/// latest start.
struct ChildExitChallenge {
    uint64 childChainId;
    bytes32 exitId;
    SignedTransaction spend;
    uint8 inputIndex;
    address beneficiary;
    uint64 startHeight;
    uint32 startIndex;
}

/// Payload of a challenge of an exit of deposit `nonce` into child `childChainId` (kind 20):
/// `minted` proves the deposit's minted output at `mintedPos` under `anchor`, a checkpoint of
/// the child the parent accepted where `acceptance` shows and no fraud voided, and `spend`
/// spends that output as input `inputIndex`, signed by its owner (it need not be in any
/// block). The bond goes to `beneficiary`. The exit is the one the parent queued at
/// (`startHeight`, `startIndex`), its latest start. The root's `challengeDepositExit`.
struct ChildDepositExitChallenge {
    uint64 childChainId;
    uint64 nonce;
    BlockHeader anchor;
    UtxoPos mintedPos;
    TxInclusion minted;
    SignedTransaction spend;
    uint8 inputIndex;
    address beneficiary;
    Acceptance acceptance;
    uint64 startHeight;
    uint32 startIndex;
}

/// Payload of a `RegisterChild` system transaction (kind 16) on a plasma parent: the child's
/// parameters and first validator set, each validator's BLS key proven possessed by its
/// operator (`proofsOfPossession[i]` for `validators[i]`, as `bond` checks on the root). The
/// child's id is `childChainId(parent, registration)`; `salt` lets one set register twice.
struct ChildRegistration {
    uint64 salt;
    ChildParams params;
    Validator[] validators;
    bytes[] proofsOfPossession;
}

/// A header with the certificate that commits it, as submitted to the parent.
struct Checkpoint {
    BlockHeader header;
    CommitCertificate certificate;
}

/// Payload of a `ChildCheckpoint` system transaction on a plasma parent: the child's
/// checkpoint, and where the parent accepted what it follows (`previousHeight`,
/// `previousIndex`): the child's latest accepted `ChildCheckpoint` transaction, or its
/// `RegisterChild` for the first. The parent refuses any other link, so a child's accepted
/// checkpoints form one chain from its registration, and the set each must name follows from
/// the one before, which a proof can show from the parent's history alone.
struct LinkedCheckpoint {
    Checkpoint checkpoint;
    uint64 previousHeight;
    uint32 previousIndex;
}

/// A binary Merkle proof. `index` must be below 2^siblings.length.
struct MerkleProof {
    uint64 index;
    bytes32[] siblings;
}

/// A transaction in a block, and that block in a checkpointed header's history. When the
/// block is the checkpoint itself, `historyProof` is empty.
struct TxInclusion {
    SignedTransaction signedTx;
    BlockHeader header;
    MerkleProof txProof;
    MerkleProof historyProof;
}

/// An exit in the parent's queue.
struct ExitRecord {
    bytes32 exitId;
    UtxoPos utxoPos;
    address owner;
    address token;
    uint256 amount;
    uint64 exitableAt;
}

/// A block as it travels and is stored: the header and its transactions in tx-tree order.
struct Block {
    BlockHeader header;
    SignedTransaction[] transactions;
}

// ---------------------------------------------------------------------------------------
// Fraud-proof evidence, as `proveFraud` takes it (`FraudProof.evidence` is the ABI encoding
// of the struct its `kind` names). Every proof is anchored to a checkpointed header and its
// certificate, whose signers are slashed, but for the forks (equivocation, conflicting
// checkpoints, history equivocation), which slash only who signed two blocks in one round
// (`ledger::fraud::forks`).
// ---------------------------------------------------------------------------------------

/// The kinds of fraud a parent convicts a chain of.
enum FraudKind {
    DoubleSpend,
    InvalidSignature,
    Inflation,
    NonexistentInput,
    DepositMismatch,
    DoubleMint,
    Equivocation,
    // Two checkpoints the parent accepted disagree about a block (`ConflictingCheckpointsEvidence`).
    ConflictingCheckpoints,
    // A checkpoint whose history contradicts itself (`BrokenHistoryEvidence`).
    BrokenHistory,
    // An included transaction the ledger refuses for its form alone
    // (`MalformedTransactionEvidence`).
    MalformedTransaction,
    // A checkpoint whose history holds another block than the chain's validators certified at
    // a height below it (`HistoryEquivocationEvidence`).
    HistoryEquivocation,
    // A header that breaks the validator schedule (`BrokenScheduleEvidence`).
    BrokenSchedule,
    // One child registered twice (`DoubleRegistrationEvidence`).
    DoubleRegistration,
    // A child transaction the child's record, as included transactions show it, refuses
    // (`ChildRecordEvidence`).
    ChildRecord,
    // A child checkpoint whose certificate does not certify it against the set its header
    // names (`UncertifiedCheckpointEvidence`).
    UncertifiedCheckpoint,
    // An exit started, a deposit exit challenged or a fraud proof heard under a child
    // checkpoint the parent's history shows it never accepted, or a fraud proof showing other
    // signers than it was accepted from (`UnacceptedAnchorEvidence`).
    UnacceptedAnchor,
    // A child checkpoint that cannot follow what its link names (`LinkEvidence`).
    CheckpointSuccession,
    // A challenge or payout of a child's exit that the exit its link names does not found: no
    // start of the exit there, a settlement or restart since, a challenge by a spend of
    // another output, or a payout to another than the start's claimant (`LinkEvidence`).
    UnfoundedSettlement,
    // A payout of a child's exit, founded by the start it names, that pays before the exit is
    // due or more than its claim (for an exit from the deposit record, its lock's deposit) and
    // bond (its bond alone, for a cancellation), or a cancellation of an exit from the deposit
    // record (`PayoutEvidence`).
    OverdrawnPayout,
    // A start of a child's exit queued or settled already: the cancellation its link names is
    // none, or no cancellation of the exit, or a start, challenge or payout of it came since
    // (`LinkEvidence`).
    RepeatedExit,
    // A start of an exit from the deposit record that the lock at its nonce's place (a plasma
    // parent numbers deposits by where their locks stand) does not found: no lock there, a
    // lock into another child, or for another recipient than the start's claimant
    // (`LinkEvidence`).
    UnfoundedDepositExit,
    // A lock into a child (`DepositToChild`) whose named registration is no registration of
    // that child: no `RegisterChild` of it there, or nothing (`LinkEvidence`).
    UnregisteredChild,
    // A stake, bond or fraud proof of a child whose stakes link does not found it: the link
    // names no registration, stake, bond or fraud proof of that child, or nothing, or a later
    // one came between; or what the stakes hold after it is not what the link's hold and its
    // amount make, or the proof pays other than half of what it takes or nothing
    // (`LinkEvidence`).
    UnfoundedStake,
    // A lock into a child or a payout of a child's exit whose escrow link does not found it:
    // the link names no registration, lock or payout of that child in that token, or nothing,
    // or a later one came between; or what the escrow holds after it is not what the link's
    // holds and its amount make (a payout takes no more than it holds) (`LinkEvidence`).
    UnfoundedEscrow,
    // An exit start, deposit-exit challenge or fraud proof of a child standing on a checkpoint
    // at or above the one an earlier fraud proof against the child was shown under: that proof
    // froze the child and voided it (`VoidedAnchorEvidence`).
    VoidedAnchor,
    // A cancellation of a child's exit whose anchor the fraud proof it names did not void: the
    // link names no fraud proof against that child, or nothing, or a later one came between,
    // or the one it names is shown above the exit's anchor (`CancellationEvidence`).
    UnfoundedCancellation
}

/// A fraud proof: the anchor checkpoint (header and certificate) the evidence is proven
/// under, and the kind-specific evidence. The certificate must name the signers the anchor
/// was accepted with (`NotTheAcceptedSigners`): they are who a proof that convicts the
/// anchor slashes, not a quorum of them a prover re-aggregates from kept precommits.
struct FraudProof {
    uint8 kind;
    BlockHeader anchor;
    CommitCertificate anchorCertificate;
    bytes evidence;
}

/// One input of an included transaction.
struct SpendProof {
    uint64 height;
    uint32 txIndex;
    TxInclusion inclusion;
    uint8 inputIndex;
}

/// An included `Deposit` transaction.
struct MintProof {
    uint64 height;
    uint32 txIndex;
    TxInclusion inclusion;
}

/// Two included spends of one output.
struct DoubleSpendEvidence {
    SpendProof a;
    SpendProof b;
}

/// A spend and the transaction that created the spent output.
struct InvalidSignatureEvidence {
    SpendProof spend;
    TxInclusion creating;
}

/// A transaction and, for each of its inputs, the transaction that created it. An exit
/// start (`StartChildExit`, `StartChildDepositExit`) bonds its child's exit bond, which it does
/// not carry: with `registration` (at most one), the registration of that child under the
/// anchor, the bond is known and the ETH must balance with it; without, its ETH may fall short
/// by any bond.
struct InflationEvidence {
    uint64 height;
    uint32 txIndex;
    TxInclusion spend;
    TxInclusion[] inputs;
    RegistrationProof[] registration;
}

/// An included `RegisterChild` transaction: `inclusion` at (`height`, `txIndex`).
struct RegistrationProof {
    uint64 height;
    uint32 txIndex;
    TxInclusion inclusion;
}

/// Two included registrations of one child (the same payload: a registration names its
/// child); the later block is invalid.
struct DoubleRegistrationEvidence {
    RegistrationProof a;
    RegistrationProof b;
}

/// An included transaction: `inclusion` at (`height`, `txIndex`).
struct IncludedTx {
    uint64 height;
    uint32 txIndex;
    TxInclusion inclusion;
}

/// A fraud proof against a child (`fraud`, a `ProveChildFraud`) and, after it, a transaction
/// standing on a checkpoint of the child at or above the height the proof shows (`voided`: a
/// `StartChildExit` or `ChallengeChildDepositExit` by its anchor, a `ProveChildFraud` by the
/// height it shows — its anchor's, or an equivocation's —, or an `ExitPayout` that does not
/// cancel by the anchor of the `StartChildExit` it names, `start`, read for it alone). The proof
/// voids every checkpoint from the block it convicts, and no checkpoint the parent accepted lies
/// between that block and the one the proof is shown under, so the later transaction stands on
/// a voided one: an exit under it is owed its bond alone.
struct VoidedAnchorEvidence {
    IncludedTx fraud;
    IncludedTx voided;
    IncludedTx start;
}

/// A transaction, included (`linking`), that names an earlier transaction of the parent it
/// stands on (its link), which the parent had to refuse for what the link names; `shows` says
/// how `shown` proves it. Six kinds take it:
/// * `CheckpointSuccession`: `linking` is a `ChildCheckpoint` (its link, `LinkedCheckpoint`:
///   the child's latest accepted checkpoint or its registration);
/// * `UnfoundedSettlement`: `linking` is a `ChallengeChildExit`, `ChallengeChildDepositExit` or
///   `ExitPayout` (its link, `startHeight`/`startIndex`: where the parent queued the exit it
///   settles);
/// * `RepeatedExit`: `linking` is a `StartChildExit` or `StartChildDepositExit` (its link,
///   `cancelledHeight`/`cancelledIndex`: where the parent last cancelled the exit; 0:0 names
///   none, and only `SHOWS_LATER` shows it wrong);
/// * `UnfoundedDepositExit`: `linking` is a `StartChildDepositExit` (its link, its `nonce`:
///   where the lock of the deposit it exits stands, `height << 32 | index`; only
///   `SHOWS_LINKED` and `SHOWS_NOTHING` show it wrong);
/// * `UnregisteredChild`: `linking` is a `DepositToChild` (its link,
///   `registeredHeight`/`registeredIndex`: where the parent registered the child; only
///   `SHOWS_LINKED` and `SHOWS_NOTHING` show it wrong);
/// * `UnfoundedStake`: `linking` is a `StakeChild`, `BondChild` or `ProveChildFraud` (its
///   link, `stakesHeight`/`stakesIndex`: where the parent last changed the child's stakes);
/// * `UnfoundedEscrow`: `linking` is a `DepositToChild` or an `ExitPayout` that does not cancel
///   (its link, `escrowHeight`/`escrowIndex`: where the parent last changed the child's escrow
///   of its token).
///
/// * `SHOWS_LINKED` (0): `shown` is the transaction at the link, which is not what the kind
///   needs there (no `RegisterChild` or `ChildCheckpoint` of the same child; no start of the
///   settled exit), or one the linking transaction cannot stand on: a checkpoint that is not
///   newer, more than `MAX_CHECKPOINT_GAP` past it, or names a set other than the two it leaves
///   room for (the set it named and the next it named; the registered set); a challenge whose
///   spend does not spend the output the start exits, signed by the start's claimant (its first
///   input's signer); a payout with an output to another than that claimant; for a start, no
///   `ExitPayout` of the same exit of the same child with `cancels`; for a deposit exit, no
///   `DepositToChild` into the same child for the start's claimant; for a lock, no
///   `RegisterChild` of its child; for a stake, bond or fraud proof, no `RegisterChild` (which
///   leaves the stakes at zero), `StakeChild`, `BondChild` or `ProveChildFraud` of its child, or
///   one whose `staked` and the linking transaction's `amount` do not make its `staked` (for a
///   fraud proof: its `staked` above the link's, an output other than half the difference to
///   its prover, or no prover); for a lock or payout, no `RegisterChild` (which leaves every
///   escrow of the child empty), or lock or payout (not cancelling) of its child in its token,
///   or one whose `escrowed` and the linking transaction's amount (added by a lock, `paid` taken
///   by a payout) do not make its `escrowed`;
/// * `SHOWS_NOTHING` (1): nothing is at the link: it is not below the linking transaction, at
///   height 0, or its block ends before it: `shown.inclusion` is the block's last transaction
///   (every sibling right of its path empty) at a lower index, or, for an empty block
///   (`txRoot` zero), the block's header and history proof;
/// * `SHOWS_LATER` (2): `shown` stands between the link and the linking transaction, so the
///   link is not the latest: a `RegisterChild` or `ChildCheckpoint` of the same child; a start,
///   challenge or payout of the same exit of the same child (for a start naming none: anywhere
///   before it); a stake, bond or fraud proof of the same child; a lock or payout (not
///   cancelling) of the same child in the same token.
struct LinkEvidence {
    IncludedTx linking;
    uint8 shows;
    IncludedTx shown;
}

/// A cancellation of a child's exit (`link.linking`, an `ExitPayout` that `cancels`), shown
/// wrong by what its link (`escrowHeight`/`escrowIndex`: where the parent heard the latest
/// fraud proof against the child) names, as `LinkEvidence` shows a link: the transaction
/// there (`SHOWS_LINKED`), when it is no `ProveChildFraud` against the same child, or one shown
/// above the anchor of the `StartChildExit` the cancellation names (`start`, at its
/// `startHeight`/`startIndex`, read for this showing alone); nothing there (`SHOWS_NOTHING`);
/// or a later `ProveChildFraud` against the same child (`SHOWS_LATER`: each one the parent
/// hears shows below the one before, so the link must name the latest). No checkpoint the
/// parent accepted lies between the child's rollback and the height the proof the link names
/// is shown under: shown above the exit's anchor, it leaves that anchor standing, and the exit
/// is owed its claim, not its bond alone.
struct CancellationEvidence {
    LinkEvidence link;
    IncludedTx start;
}

/// A payout of a child's exit (`payout`, an `ExitPayout`), the exit the start it names
/// (`start`, at the payout's `startHeight`/`startIndex`) queues, and the child's registration
/// (`registration`): for a `StartChildExit`, its claimed output (its token and amount) and the
/// claimed block's time; for a `StartChildDepositExit`, the lock at its nonce's place (`lock`, a
/// `DepositToChild` into the child: its token and amount, and its block's time, when the parent
/// recorded the deposit); with the start's own block time and the registration's exit period
/// and bond, these show when the exit is due and the most it is owed. The payout's block is
/// invalid when its time is before `exitable_at(claimed or recorded time, start time,
/// exitPeriod)`, or when it pays, in some token, more than the claim's amount (in its token;
/// nothing, when it says it `cancels` the exit) and the bond (in ETH) together; or when it
/// cancels an exit from the deposit record (neither `lock` nor the registration is then read).
/// `lock` is not read for an exit of an output. Whether the start is the exit's latest is
/// `UnfoundedSettlement`'s; whether the lock founds it, `UnfoundedDepositExit`'s.
struct PayoutEvidence {
    IncludedTx payout;
    IncludedTx start;
    RegistrationProof registration;
    IncludedTx lock;
}

/// A transaction of a child (`refused`: a bond, stake, deposit or checkpoint) that the
/// parent's record of the child refuses, as transactions included before it show that record:
/// the child's `registration`, then `earlier` in order (bonds, checkpoints and fraud proofs of
/// the child). A parent's record of a child only grows (members join, each operator and key
/// once; the last checkpoint rises; a fraud proof freezes it for good), so what they show
/// still holds at `refused`: a bond of an operator or key ever bonded, below the minimum
/// stake, without a proof of possession of its key, or into a full set when
/// `MAX_CHILD_VALIDATORS` members shown have its power or more; a checkpoint not above one
/// shown, or stamped more than `MAX_CLOCK_DRIFT` after the block that accepts it; anything
/// but a fraud proof after a fraud proof; an exit challenge that pays other than the child's
/// exit bond to a beneficiary; an exit start whose claim its own anchor, inclusion and
/// claimant do not prove; a fraud proof its prover did not sign. The later block is invalid.
struct ChildRecordEvidence {
    RegistrationProof registration;
    IncludedTx[] earlier;
    IncludedTx refused;
}

/// An included `ChildCheckpoint` (`checkpoint`) and the set its header names (`namedSet`,
/// whose hash is the header's `validatorSetHash`), against which its certificate does not
/// certify it. Whether the header names the child's active set (then the certificate fails
/// the parent's check) or another (the parent refuses the header), the block is invalid.
struct UncertifiedCheckpointEvidence {
    IncludedTx checkpoint;
    Validator[] namedSet;
}

/// An included `StartChildExit`, `ChallengeChildDepositExit` or anchored `ProveChildFraud`
/// (`start`) whose acceptance does not show its anchor accepted in an earlier block of the
/// parent, or shows it accepted from other signers than the proof's: `blockHash`, proven by
/// `historyProof` under the proof's
/// anchor, is the parent's block at the acceptance's height (unused when that height is not
/// below the start's block, which no acceptance may name).
struct UnacceptedAnchorEvidence {
    IncludedTx start;
    bytes32 blockHash;
    MerkleProof historyProof;
}

/// How a nonexistent input is shown (`NonexistentInputEvidence.how`).
enum MissingInputKind {
    NotYetCreated,
    NoSuchOutput,
    AfterLastTransaction,
    EmptyBlock
}

/// A spend of an output that never existed. `witness` is the creating transaction
/// (NoSuchOutput) or the block's last transaction (AfterLastTransaction); `emptyHeader` and
/// `emptyProof` show an empty block (EmptyBlock).
struct NonexistentInputEvidence {
    SpendProof spend;
    uint8 how;
    TxInclusion witness;
    BlockHeader emptyHeader;
    MerkleProof emptyProof;
}

/// A minted deposit and the parent's record of that nonce (ignored when the parent has none).
struct DepositMismatchEvidence {
    MintProof minted;
    DepositRecord parentRecord;
}

/// One deposit minted twice, or two mints of one block out of nonce order.
struct DoubleMintEvidence {
    MintProof a;
    MintProof b;
}

/// Two certificates for different blocks at one height. Of one round, whoever signed both
/// loses its stake; of two rounds, nobody (an honest validator may sign both).
struct EquivocationEvidence {
    CommitCertificate a;
    CommitCertificate b;
}

/// Two checkpoints the parent accepted that disagree about a block: `earlier` is the parent's
/// stored checkpoint at height h, and the proof's anchor, a stored checkpoint above h, shows
/// through its history root (`historyProof`) that its own block at a height j <= h is
/// `shown`, while `earlier` shows through its own history root (`oursProof`, empty when
/// j == h: then `ours` is `earlier` itself) that its block at j is `ours`, another block.
/// Checkpoints up to h stand; the later fork is void from h + 1 on. Nobody is slashed: honest
/// validators split across rounds may have signed either (`ledger::fraud::forks`). Both histories are needed below h: a history root is a
/// Merkle root over whatever leaves its signers chose, so an anchor may hold the real
/// checkpoint at h and fabricated blocks below it.
struct ConflictingCheckpointsEvidence {
    BlockHeader earlier;
    BlockHeader ours;
    MerkleProof oursProof;
    BlockHeader shown;
    MerkleProof historyProof;
}

/// A checkpoint whose history contradicts itself: `broken` (height b) and `witness` (height
/// k < b) are both proven under the anchor's history root (`brokenProof` empty when b is the
/// anchor's height: then `broken` is the anchor), and `broken` says otherwise about block k.
/// Either `other` is zero, k == b - 1 and `broken.parentHash` is not `witness`'s hash; or
/// `underBroken` proves under `broken.historyRoot` that its block at k is `other`, another
/// hash. An honest chain's headers agree with each other, so the anchor's signers certified
/// a fabricated history: the chain rolls back to k and they are slashed. Below a checkpoint
/// the parent holds under the anchor, the rollback is lifted to just above the highest such
/// checkpoint, which stands.
struct BrokenHistoryEvidence {
    BlockHeader broken;
    MerkleProof brokenProof;
    BlockHeader witness;
    MerkleProof witnessProof;
    bytes32 other;
    MerkleProof underBroken;
}

/// A checkpoint whose history holds another block than one the chain's validators certified:
/// `certified` is a commit certificate (of the configuration active at its height j, below
/// the anchor's) for one block at j, and the anchor's history holds `shown` at j
/// (`historyProof`), another block. Quorums signed two blocks for one height, one directly and
/// one through a history root: the chain rolls back to j. Nobody loses a stake: an honest
/// validator that precommitted one and then saw the other decided in a later round signs both
/// (`ledger::fraud::forks`). Only for j above every checkpoint the parent holds below the anchor:
/// below one, that checkpoint's own history convicts one of the two (conflicting
/// checkpoints, or this kind under it). A fabricated history root is proven so wherever it
/// is exploited: an exit of a block it fabricates reveals that block and its path.
struct HistoryEquivocationEvidence {
    CommitCertificate certified;
    BlockHeader shown;
    MerkleProof historyProof;
}

/// A header that breaks the validator schedule: `header` (height j, proven under the anchor's
/// history root; the anchor itself with an empty proof) names another validator set than
/// `set`, or names another next set than its own at a height that is not an epoch end, or
/// names a proposer that is not a member of `set`. `set` is the configuration the parent
/// holds active at j (the parent checks its hash). The chain rolls back to j and the anchor's
/// signers are slashed.
struct BrokenScheduleEvidence {
    BlockHeader header;
    MerkleProof historyProof;
    Validator[] set;
}

/// An included transaction that is refused for its form alone, whatever the chain's state: an
/// unknown kind, a wrong number of inputs, outputs or signatures for its kind, an output of
/// zero or to the zero address, amounts that overflow, or a payload that is not the canonical
/// encoding its kind takes (`ledger::tx::check_form`).
struct MalformedTransactionEvidence {
    uint64 height;
    uint32 txIndex;
    TxInclusion inclusion;
}
