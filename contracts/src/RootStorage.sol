// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {BLS} from "./lib/BLS.sol";
import {ExitQueue} from "./lib/ExitQueue.sol";
import {KeyStore} from "./lib/KeyStore.sol";
import {Merkle} from "./lib/Merkle.sol";
import {Votes} from "./lib/Votes.sol";

/// @title RootStorage
/// @notice The state of the root contract, its events and errors, and the checks both of its
/// parts use: `PlasmaRoot` and the `RootModule` it delegates its rare, heavy calls to (one storage
/// layout, declared once, so the two cannot disagree).
abstract contract RootStorage {
    // ---- types --------------------------------------------------------------------------

    /// Parameters of a chain, fixed at registration.
    struct ChainParams {
        /// Blocks per epoch (at most `MAX_CHECKPOINT_GAP`); validator configurations change only at
        /// epoch ends.
        uint64 epochLength;
        /// The exit (challenge) period P, in seconds.
        uint64 exitPeriod;
        /// Least stake a validator bonds, in wei.
        uint96 minStake;
        /// Most validators a configuration may have (at most `MAX_VALIDATORS`).
        uint32 maxValidators;
    }

    /// A chain's state. `core` is what every checkpoint reads and writes, in one slot.
    struct Chain {
        // slot: what submitCheckpoint touches
        uint64 epochLength;
        uint64 lastHeight;
        uint32 activeConfig;
        uint32 pendingConfig;
        uint32 maxValidators;
        bool frozen;
        bool pendingDeclined; // an epoch-end checkpoint named another set than the pending one
        // slot
        uint64 exitPeriod;
        uint64 depositCount;
        uint64 rollbackHeight; // checkpoints at or above are void (0: none)
        uint32 configCount;
        uint32 activations; // configurations ever active (`_activated`)
        // slot
        address registrant;
        uint96 minStake;
        // slot
        uint64 frozenAt; // when a fraud proof first froze it (0: live)
        // Displaced since the last epoch-end checkpoint, which may have been built naming it:
        // the next epoch end activates it if it names it (0: none).
        uint32 displacedConfig;
    }

    /// A numbered validator configuration; its keys live in `KeyStore` chunks.
    struct Config {
        address chunk0;
        uint16 size;
        uint64 activeFrom; // first height it certifies (0: not yet active)
        bytes32 setHash;
        uint64 supersededAt; // when a later configuration became active in its place (0: never)
        uint32 displacedUnder; // never active: the one active when a newer proposal displaced it
    }

    /// A validator's bond on one chain.
    struct Stake {
        uint128 amount;
        uint32 lastConfig; // last configuration that includes it
        bool bonded; // in the pending set
        bool exists;
        bytes packedKey; // 192-byte packed G2 key
    }

    /// Exit status. A challenged or processed exit is never restarted; a cancelled one (its
    /// anchor was rolled back) may start again from a valid anchor.
    enum ExitStatus {
        None,
        Started,
        Challenged,
        Processed,
        Cancelled
    }

    /// An exit, in one slot: its token is its queue's, its anchor height is in its queue key,
    /// and an amount too large for 88 bits is kept in `_largeAmounts` (`amount` is then
    /// `LARGE_AMOUNT`).
    struct Exit {
        address owner;
        ExitStatus status;
        uint88 amount;
    }

    // ---- constants -------------------------------------------------------------------

    /// Marks an exit whose amount lives in `_largeAmounts`.
    uint88 internal constant LARGE_AMOUNT = type(uint88).max;
    /// Queue keys: `priority << 64 | tag`, where `priority` is the ledger's
    /// `exitableAt << 128 | packed(pos)` and `tag` is `DEPOSIT_TAG | nonce` for exits keyed by
    /// a deposit, else the height of the checkpoint the exit was proven under (at most
    /// `MAX_CHECKPOINT_HEIGHT`).
    uint256 internal constant DEPOSIT_TAG = 1 << 63;
    /// How far past a chain's last checkpoint its next one may be, in blocks: `2^12`, the
    /// ledger's `registration::MAX_CHECKPOINT_GAP` (a ledger test reads this line). Unbounded,
    /// a quorum's far-future header would stop every later checkpoint (`NotNewer`) for good;
    /// bounded, it stalls them for at most this many blocks. Every anchored proof reads a slot
    /// per height between its verdict and its anchor (`CheckpointBelow`, `_aboveCheckpoints`), about 9.8M gas
    /// across the widest gap, so a proof under it still fits a block. Checkpoints are due
    /// every epoch; an honest chain comes near only when catching up after an outage, one gap
    /// at a time. No epoch may be longer, so that its ends stay within reach.
    uint64 internal constant MAX_CHECKPOINT_GAP = 1 << 12;
    /// The highest checkpoint height: the history tree's last leaf (the ledger's
    /// `children::MAX_CHECKPOINT_HEIGHT`). A block above it is in no history an anchor can
    /// prove, so its outputs cannot exit, unless it were an anchor itself; refused here, it
    /// never is. 68 years of 500 ms blocks; far below `DEPOSIT_TAG`, so an anchor height in a
    /// queue key never reads as a deposit's.
    uint64 internal constant MAX_CHECKPOINT_HEIGHT = uint64((1 << Merkle.HISTORY_DEPTH) - 1);
    /// How far ahead of the root's clock a checkpoint's time may be, in seconds
    /// (`ledger::types::MAX_CLOCK_DRIFT_S`). A header's time never goes back before its
    /// parent's (broken history otherwise), so every block under a checkpoint is timed at most
    /// this far ahead of the root when it lands: no quorum can push outputs' exit times out of
    /// reach.
    uint64 internal constant MAX_CLOCK_DRIFT = 15;
    /// The longest exit period a chain may have (a stake's lock and an exit's maturity add it
    /// to a time).
    uint64 internal constant MAX_EXIT_PERIOD = 365 days;

    /// Largest configuration (the ledger's limit).
    uint256 public constant MAX_VALIDATORS = 256;
    /// Vote type of precommits, which certificates aggregate.
    uint8 public constant PRECOMMIT = 2;
    /// Stake is counted in gwei as voting power.
    uint256 public constant POWER_UNIT = 1 gwei;
    /// The prover receives this share (basis points) of what a fraud proof slashes.
    uint256 public constant PROVER_REWARD_BPS = 5000;

    // ---- storage ------------------------------------------------------------------------

    /// Number of registered chains; ids are 1..chainCount.
    uint64 public chainCount;
    mapping(uint64 => Chain) internal _chains;
    mapping(uint64 => mapping(uint32 => Config)) internal _configs;
    mapping(uint64 => mapping(uint32 => mapping(uint256 => address))) internal _extraChunks;
    mapping(uint64 => address[]) internal _members;
    mapping(uint64 => mapping(address => uint256)) internal _memberIndex; // index + 1
    mapping(uint64 => mapping(address => Stake)) internal _stakes;
    /// Block hash of each checkpoint, by chain and height (never overwritten).
    mapping(uint64 => mapping(uint64 => bytes32)) public checkpoints;
    /// Who certified each checkpoint, by chain and height, when not every member of its
    /// configuration did: its certificate's signer bitmap, left-aligned (configurations have
    /// at most 256 members). 0: every member signed (no certificate is signed by nobody), so a
    /// checkpoint all sign costs no slot more. A fraud proof slashes these signers, never a
    /// subset a prover re-aggregates from the precommits every engine keeps.
    mapping(uint64 => mapping(uint64 => bytes32)) internal _signersAt;
    /// When each fraud-proof commitment was first made (a block number):
    /// `keccak256(abi.encode(prover, chainId, proof))`. A proof pays its prover only when the
    /// prover committed to it in an earlier block, so whoever copies a proof from the pool
    /// earns nothing.
    mapping(bytes32 => uint256) public fraudCommitments;
    /// Deposit record commitments: the top 192 bits of `keccak256(abi.encode(record))` and,
    /// in the low 64 bits, when it was recorded.
    mapping(uint64 => mapping(uint64 => bytes32)) public depositCommitments;
    /// Value a chain holds, per token (`address(0)` = ETH); payouts never exceed it.
    mapping(uint64 => mapping(address => uint256)) public locked;
    mapping(uint64 => mapping(bytes32 => Exit)) internal _exits;
    mapping(uint64 => mapping(address => ExitQueue.Queue)) internal _queues;
    /// Pull payments owed to each account, per token.
    mapping(address => mapping(address => uint256)) public owed;
    /// Slashed stake not paid out as rewards.
    uint256 public burned;
    /// Exit amounts of 2^88 - 1 and more.
    mapping(uint64 => mapping(bytes32 => uint256)) internal _largeAmounts;
    /// The id of each queued exit of an output, by chain and queue key, while it is queued: its
    /// key names the output's position and anchor, not its transaction (a deposit-keyed exit's
    /// id follows from its key). Distinct exits of a chain have distinct keys: one position
    /// under one anchor is one transaction's output.
    mapping(uint64 => mapping(uint256 => bytes32)) internal _outputExitIds;
    /// The configurations of each chain in the order they became active (so by `activeFrom`):
    /// the one that certifies a height is found by bisection, however many proposals were
    /// displaced between them.
    mapping(uint64 => mapping(uint256 => uint32)) internal _activated;

    // ---- events -------------------------------------------------------------------------

    event ChainRegistered(uint64 indexed chainId, address indexed registrant, ChainParams params);
    event Bonded(uint64 indexed chainId, address indexed operator, uint256 stake, bytes blsPubkey);
    event Unbonded(uint64 indexed chainId, address indexed operator);
    event StakeWithdrawn(uint64 indexed chainId, address indexed operator, uint256 amount);
    event ConfigurationProposed(
        uint64 indexed chainId, uint32 indexed config, bytes32 setHash, uint256 size, uint256 totalPower
    );
    event ConfigurationActivated(uint64 indexed chainId, uint32 indexed config, uint64 fromHeight);
    event CheckpointSubmitted(uint64 indexed chainId, uint64 indexed height, bytes32 blockHash, address submitter);
    event Deposited(
        uint64 indexed chainId,
        uint64 indexed nonce,
        address depositor,
        address recipient,
        address token,
        uint256 amount,
        uint64 recordedAt
    );
    /// An exit was queued under `queueKey` (`priority << 64 | tag`), by which `challengeExit`
    /// names an exit of an output.
    event ExitStarted(
        uint64 indexed chainId,
        bytes32 indexed exitId,
        address owner,
        address token,
        uint256 amount,
        uint64 exitableAt,
        uint256 queueKey
    );
    event ExitChallenged(uint64 indexed chainId, bytes32 indexed exitId, address challenger);
    event ExitProcessed(uint64 indexed chainId, bytes32 indexed exitId, address owner, address token, uint256 paid);
    event ExitCancelled(uint64 indexed chainId, bytes32 indexed exitId);
    event FraudProven(
        uint64 indexed chainId, FraudKind kind, uint64 height, address prover, uint256 slashed, uint256 reward
    );
    event ValidatorSlashed(uint64 indexed chainId, address indexed operator, uint256 amount);
    event ChainFrozen(uint64 indexed chainId, uint64 rollbackHeight);
    event Withdrawal(address indexed account, address indexed token, uint256 amount);

    // ---- errors -------------------------------------------------------------------------

    error BadParams();
    error UnknownChain(uint64 chainId);
    error ChainIsFrozen(uint64 chainId);
    error StakeTooLow(uint256 given, uint256 min);
    error AlreadyBonded();
    error NotBonded();
    error InvalidProofOfPossession();
    error TooManyValidators(uint256 size, uint256 max);
    error NoValidators();
    /// Only the chain's registrant names its genesis set (`proposeGenesis`).
    error NotRegistrant();
    /// The chain has no genesis configuration yet: its registrant names it first.
    error NoGenesis();
    /// The chain has its genesis configuration already.
    error GenesisNamed();
    /// A proposal would displace `config`, pending, before an epoch-end checkpoint of the
    /// active set declined it.
    error PendingUndeclined(uint32 config);
    error StakeLocked(uint64 until);
    /// The configuration's signers may have withdrawn their stakes: its certificates prove
    /// nothing no checkpoint anchors.
    error Released(uint32 config);
    error NoConfiguration();
    error NotNewer(uint64 height, uint64 last);
    error TooFarAhead(uint64 height, uint64 limit);
    /// A checkpoint timed ahead of the root's clock by more than `MAX_CLOCK_DRIFT`.
    error AheadOfClock(uint64 time, uint256 now);
    error HeightOutOfRange(uint64 height, uint64 max);
    error HeaderMismatch();
    error WrongValidatorSet(bytes32 expected, bytes32 got);
    error BitmapLength(uint256 got, uint256 expected);
    error BitmapStrayBits();
    error InsufficientPower(uint256 signed, uint256 total);
    error BadSignature();
    error BadAmount();
    error BadRecipient();
    error UnknownAnchor(uint64 height);
    error WrongBond(uint256 given, uint256 expected);
    error UnknownToken(address token);
    error AmountTooLarge(uint256 amount, uint256 locked);
    error ExitExists(bytes32 exitId, ExitStatus status);
    error UnknownDeposit(uint64 nonce);
    error NotActive(bytes32 exitId);
    error SenderDataMismatch();
    error NotConflicting();
    error NoSuchKind(uint8 kind);
    error CheckpointBelow(uint64 height);
    /// A fraud proof's anchor certificate names other signers than the one the root accepted
    /// the anchor with.
    error NotTheAcceptedSigners(uint64 height);
    /// A broken-schedule proof shows another set than the configuration active at the height.
    error NotTheSchedule(uint64 height);
    error NothingOwed();
    error TransferFailed();
    error Reentrancy();

    modifier nonReentrant() {
        bool busy;
        assembly ("memory-safe") {
            busy := tload(0)
        }
        if (busy) revert Reentrancy();
        assembly ("memory-safe") {
            tstore(0, 1)
        }
        _;
        assembly ("memory-safe") {
            tstore(0, 0)
        }
    }

    /// Verifies `cert` against configuration `cfgId`; returns the set hash and whether every
    /// member signed. Gas does not grow with the number of signers: the aggregate key is read
    /// once, non-signers are subtracted.
    function _verifyCertificate(uint64 chainId, uint32 cfgId, CommitCertificate memory cert)
        internal
        view
        returns (bytes32 setHash, bool everyone)
    {
        Config storage cfg = _configs[chainId][cfgId];
        address chunk0 = cfg.chunk0;
        uint256 n = cfg.size;
        bytes memory agg;
        uint128 total;
        (agg, setHash, total) = KeyStore.header(chunk0);
        bytes memory bitmap = cert.signerBitmap;
        uint256 bytesNeeded = (n + 7) / 8;
        if (bitmap.length != bytesNeeded) revert BitmapLength(bitmap.length, bytesNeeded);
        if (n % 8 != 0 && uint8(bitmap[bytesNeeded - 1]) >> (n % 8) != 0) revert BitmapStrayBits();

        uint256 absentPower;
        bytes memory absentKeys;
        for (uint256 b = 0; b < bytesNeeded; ++b) {
            uint8 byte_ = uint8(bitmap[b]);
            if (byte_ == 0xff) continue;
            for (uint256 bit = 0; bit < 8; ++bit) {
                uint256 i = b * 8 + bit;
                if (i >= n) break;
                if ((byte_ >> bit) & 1 == 1) continue;
                (, uint64 power, bytes memory key) = KeyStore.member(_chunk(chainId, cfgId, chunk0, i), i);
                absentPower += power;
                absentKeys = absentKeys.length == 0 ? key : BLS.g2Add(absentKeys, key);
            }
        }
        uint256 signed = uint256(total) - absentPower;
        if (3 * signed <= 2 * uint256(total)) revert InsufficientPower(signed, total);
        bytes memory apk = absentKeys.length == 0 ? agg : BLS.g2Add(agg, BLS.g2Neg(absentKeys));
        bytes memory message = abi.encode(
            Vote(Votes.ofRootChild(address(this), chainId), cert.height, cert.round, PRECOMMIT, cert.blockHash)
        );
        if (cert.aggregateSignature.length != BLS.G1_LEN) revert BadSignature();
        if (!BLS.pairing2(cert.aggregateSignature, BLS.hashToG1(message, BLS.VOTE_DST), apk)) revert BadSignature();
        everyone = absentKeys.length == 0;
    }

    /// The signer bitmap the root accepted checkpoint `height` of `chainId` with, certified by
    /// configuration `cfgId` (`_signersAt`).
    function _acceptedSigners(uint64 chainId, uint32 cfgId, uint64 height) internal view returns (bytes memory bitmap) {
        uint256 n = _configs[chainId][cfgId].size;
        bytes32 stored = _signersAt[chainId][height];
        bitmap = new bytes((n + 7) / 8);
        for (uint256 i = 0; i < bitmap.length; ++i) {
            if (stored != 0) bitmap[i] = stored[i];
            else bitmap[i] = i < n / 8 ? bytes1(0xff) : bytes1(uint8((1 << (n % 8)) - 1));
        }
    }

    function _chunk(uint64 chainId, uint32 cfgId, address chunk0, uint256 i) internal view returns (address) {
        uint256 k = i / KeyStore.PER_CHUNK;
        return k == 0 ? chunk0 : _extraChunks[chainId][cfgId][k];
    }

    function _depositCommitment(DepositRecord memory record, uint64 recordedAt) internal pure returns (bytes32) {
        return bytes32((uint256(keccak256(abi.encode(record))) >> 64 << 64) | recordedAt);
    }

    /// True if `record` is the parent's record of its nonce; returns when it was recorded.
    function _knownDeposit(DepositRecord memory record) internal view returns (bool, uint64) {
        bytes32 stored = depositCommitments[record.chainId][record.nonce];
        if (stored == 0) return (false, 0);
        uint64 recordedAt = uint64(uint256(stored));
        return (_depositCommitment(record, recordedAt) == stored, recordedAt);
    }

    // ---- shared helpers ------------------------------------------------------------------------

    function _chain(uint64 chainId) internal view returns (Chain storage c) {
        if (chainId == 0 || chainId > chainCount) revert UnknownChain(chainId);
        c = _chains[chainId];
    }

    /// Reverts unless `anchor` is a stored checkpoint that no fraud proof has voided.
    function _checkAnchor(Chain storage c, uint64 chainId, BlockHeader calldata anchor) internal view {
        _checkStored(chainId, anchor);
        uint64 rollback = c.rollbackHeight;
        if (rollback != 0 && anchor.height >= rollback) revert UnknownAnchor(anchor.height);
    }

    /// `anchor` is a checkpoint the root accepted, whether or not a fraud proof voided it since.
    function _checkStored(uint64 chainId, BlockHeader calldata anchor) internal view {
        uint64 h = anchor.height;
        bytes32 stored = checkpoints[chainId][h];
        if (stored == 0 || stored != keccak256(abi.encode(anchor))) revert UnknownAnchor(h);
    }

    /// The output position a queue key carries (`packed(pos)` in bits 64 to 191).
    function _positionOfKey(uint256 key) internal pure returns (UtxoPos memory) {
        uint256 packed = (key >> 64) & type(uint128).max;
        return UtxoPos(uint64(packed >> 40), uint32((packed >> 8) & type(uint32).max), uint8(packed & 0xff));
    }

    function _sendEth(address to, uint256 amount) internal {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }
}
