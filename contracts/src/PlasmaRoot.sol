// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {BLS} from "./lib/BLS.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {ExitQueue} from "./lib/ExitQueue.sol";
import {KeyStore} from "./lib/KeyStore.sol";
import {PlasmaTx} from "./lib/PlasmaTx.sol";
import {RootStorage} from "./RootStorage.sol";
import {RootModule} from "./RootModule.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title PlasmaRoot
/// @notice The root of the plasma tree on Ethereum. It serves any number of child chains:
/// a registry with BLS-bonded validators in numbered configurations, checkpoints verified by
/// one pairing against the aggregate key of the configuration, ETH and ERC-20 deposits, the
/// MVP/MoreVP exit game with a priority queue per chain and token, and fraud proofs that roll
/// a chain back, slash the validators who certified the fraud and freeze it to exits only.
/// @dev Anyone may relay anything: checkpoints, exits processing, challenges and fraud proofs
/// carry their own proof, and nothing a caller submits can overwrite what is stored.
contract PlasmaRoot is RootStorage {
    using ExitQueue for ExitQueue.Queue;
    using SafeERC20 for IERC20;

    // ---- immutables ------------------------------------------------------------------

    /// Where `proposeGenesis`, `proposeConfiguration`, the challenges and `proveFraud` run (by
    /// delegatecall).
    address public immutable module;
    /// Bond posted with every exit, paid to a successful challenger.
    uint256 public immutable exitBond;
    /// Part of the exit bond paid to whoever processes the exit.
    uint256 public immutable processBounty;

    // ---- setup --------------------------------------------------------------------------

    /// @param module_ The deployed `RootModule`; its exit bond and bounty are the root's.
    constructor(RootModule module_) {
        if (address(module_).code.length == 0) revert BadParams();
        module = address(module_);
        exitBond = module_.exitBond();
        processBounty = module_.processBounty();
    }

    // ---- registry and staking -----------------------------------------------------------

    /// @notice Registers a new child chain; returns its id.
    function registerChain(ChainParams calldata params) external returns (uint64 chainId) {
        if (
            params.epochLength == 0 || params.epochLength > MAX_CHECKPOINT_GAP || params.exitPeriod == 0
                || params.exitPeriod > MAX_EXIT_PERIOD || params.maxValidators == 0
                || params.maxValidators > MAX_VALIDATORS
        ) revert BadParams();
        chainId = ++chainCount;
        Chain storage c = _chains[chainId];
        c.epochLength = params.epochLength;
        c.exitPeriod = params.exitPeriod;
        c.minStake = params.minStake;
        c.maxValidators = params.maxValidators;
        c.registrant = msg.sender;
        emit ChainRegistered(chainId, msg.sender, params);
    }

    /// @notice Bonds `msg.value` as the caller's stake on `chainId` with BLS key `blsPubkey`
    /// (EIP-2537 G2) and its proof of possession `pop`: a signature by that key over
    /// `abi.encode(msg.sender, blsPubkey)` with the PoP domain tag. The caller joins the
    /// pending set, which the next configuration snapshots.
    function bond(uint64 chainId, bytes calldata blsPubkey, bytes calldata pop) external payable {
        Chain storage c = _chain(chainId);
        if (c.frozen) revert ChainIsFrozen(chainId);
        if (msg.value < c.minStake || msg.value / POWER_UNIT == 0 || msg.value / POWER_UNIT > type(uint64).max) {
            revert StakeTooLow(msg.value, c.minStake);
        }
        Stake storage s = _stakes[chainId][msg.sender];
        if (s.exists) revert AlreadyBonded();
        if (blsPubkey.length != BLS.G2_LEN || pop.length != BLS.G1_LEN) revert InvalidProofOfPossession();
        if (BLS.isInfinity(blsPubkey) || BLS.isInfinity(pop)) revert InvalidProofOfPossession();
        if (!BLS.verify(pop, abi.encode(msg.sender, blsPubkey), BLS.POP_DST, blsPubkey)) {
            revert InvalidProofOfPossession();
        }
        _makeRoom(chainId, c, msg.value);
        s.amount = uint128(msg.value);
        s.bonded = true;
        s.exists = true;
        s.packedKey = KeyStore.packKey(blsPubkey);
        _members[chainId].push(msg.sender);
        _memberIndex[chainId][msg.sender] = _members[chainId].length;
        emit Bonded(chainId, msg.sender, msg.value, blsPubkey);
    }

    /// @notice Leaves the pending set. The stake stays slashable until `unlockedAt`.
    function unbond(uint64 chainId) external {
        if (!_stakes[chainId][msg.sender].bonded) revert NotBonded();
        _leave(chainId, msg.sender);
    }

    /// A full pending set (`maxValidators` members) makes room for a bond of `amount` by
    /// unbonding its smallest stake, if smaller: sybils at the minimum stake cannot keep larger
    /// bonds out. Not before genesis: the registrant's named operators stay bonded until it
    /// names them.
    function _makeRoom(uint64 chainId, Chain storage c, uint256 amount) internal {
        address[] storage m = _members[chainId];
        uint256 n = m.length;
        uint256 max = c.maxValidators;
        if (n < max) return;
        if (c.activeConfig == 0) revert TooManyValidators(n + 1, max);
        address smallest;
        uint256 least = type(uint256).max;
        for (uint256 i = 0; i < n; ++i) {
            uint256 a = _stakes[chainId][m[i]].amount;
            if (a < least) (smallest, least) = (m[i], a);
        }
        if (amount <= least) revert TooManyValidators(n + 1, max);
        _leave(chainId, smallest);
    }

    function _leave(uint64 chainId, address operator) internal {
        _stakes[chainId][operator].bonded = false;
        address[] storage m = _members[chainId];
        uint256 i = _memberIndex[chainId][operator] - 1;
        address last = m[m.length - 1];
        m[i] = last;
        _memberIndex[chainId][last] = i + 1;
        m.pop();
        delete _memberIndex[chainId][operator];
        emit Unbonded(chainId, operator);
    }

    /// @notice Returns an unbonded validator's stake once it can no longer be slashed
    /// (`unlockedAt`).
    function withdrawStake(uint64 chainId) external nonReentrant {
        Stake storage s = _stakes[chainId][msg.sender];
        if (!s.exists || s.bonded) revert NotBonded();
        uint64 until = unlockedAt(chainId, msg.sender);
        if (block.timestamp < until) revert StakeLocked(until);
        uint256 amount = s.amount;
        delete _stakes[chainId][msg.sender];
        emit StakeWithdrawn(chainId, msg.sender, amount);
        _sendEth(msg.sender, amount);
    }

    /// @notice When `operator`'s stake on `chainId` can no longer be slashed (`type(uint64).max`:
    /// not foreseeable yet). Configurations that include it are numbered up to its
    /// `lastConfig` (the members a proposal snapshots stay until they unbond), and any of them
    /// that was ever active counts its power for the heights it certified: the stake stays
    /// locked until a later configuration became active in place of the last of them that was,
    /// or may still become, active, and the exit period has passed since. A pending one may
    /// still be acknowledged; a displaced one never will, and the one active while it was
    /// pending counted what it would have. On a frozen chain (no configuration changes any
    /// more), every stake is free an exit period after the freeze: what the fraud proven took
    /// is gone, and a proof of an earlier block is due within that period.
    function unlockedAt(uint64 chainId, address operator) public view returns (uint64) {
        uint32 last = _stakes[chainId][operator].lastConfig;
        if (last == 0) return 0;
        Chain storage c = _chains[chainId];
        Config storage cfg = _configs[chainId][last];
        uint32 counted = last;
        if (cfg.activeFrom == 0) {
            counted = last == c.pendingConfig ? 0 : cfg.displacedUnder;
        }
        uint64 superseded = counted == 0 ? 0 : _configs[chainId][counted].supersededAt;
        uint64 until = superseded == 0 ? type(uint64).max : superseded + c.exitPeriod;
        if (c.frozen && c.frozenAt + c.exitPeriod < until) until = c.frozenAt + c.exitPeriod;
        return until;
    }

    /// @notice Names the genesis configuration: the registrant's choice of bonded
    /// `operators`, active at once. Runs in `RootModule`.
    function proposeGenesis(uint64 chainId, address[] calldata operators) external returns (uint32) {
        (chainId, operators);
        return abi.decode(_delegate(), (uint32));
    }

    /// @notice Snapshots the pending set as the next numbered configuration, which becomes
    /// active when a checkpoint at an epoch end carries its set hash as `nextValidatorSetHash`.
    /// It replaces a pending one only once an epoch-end checkpoint declined that one. Runs in
    /// `RootModule`.
    function proposeConfiguration(uint64 chainId) external returns (uint32) {
        (chainId);
        return abi.decode(_delegate(), (uint32));
    }

    // ---- checkpoints --------------------------------------------------------------------

    /// @notice Records a checkpoint of `header`, certified by `certificate`: more than 2/3
    /// of the active configuration's power signed its precommit (one aggregated BLS signature,
    /// checked with one pairing against the aggregate key minus the non-signers' keys). Its
    /// height is above the chain's last by at most `MAX_CHECKPOINT_GAP`, and at most
    /// `MAX_CHECKPOINT_HEIGHT`, and its time at most `MAX_CLOCK_DRIFT` ahead of the root's
    /// clock. Its history is not checked against earlier checkpoints (the
    /// root holds none): one that disagrees with them is proven `ConflictingCheckpoints`.
    function submitCheckpoint(BlockHeader calldata header, CommitCertificate calldata certificate) external {
        uint64 chainId = header.chainId;
        Chain storage c = _chain(chainId);
        if (c.frozen) revert ChainIsFrozen(chainId);
        uint64 height = header.height;
        uint64 last = c.lastHeight;
        if (height <= last) revert NotNewer(height, last);
        unchecked {
            // last < height <= 2^64 - 1 and last <= MAX_CHECKPOINT_HEIGHT: neither wraps.
            if (height - last > MAX_CHECKPOINT_GAP) revert TooFarAhead(height, last + MAX_CHECKPOINT_GAP);
        }
        if (height > MAX_CHECKPOINT_HEIGHT) revert HeightOutOfRange(height, MAX_CHECKPOINT_HEIGHT);
        if (header.timestamp > block.timestamp + MAX_CLOCK_DRIFT) {
            revert AheadOfClock(header.timestamp, block.timestamp);
        }
        uint32 cfgId = c.activeConfig;
        if (cfgId == 0) revert NoConfiguration();
        bytes32 blockHash = keccak256(abi.encode(header));
        if (certificate.height != height || certificate.blockHash != blockHash) revert HeaderMismatch();
        (bytes32 setHash, bool everyone) = _verifyCertificate(chainId, cfgId, certificate);
        if (header.validatorSetHash != setHash) revert WrongValidatorSet(setHash, header.validatorSetHash);

        checkpoints[chainId][height] = blockHash;
        if (!everyone) _signersAt[chainId][height] = bytes32(certificate.signerBitmap);
        c.lastHeight = height;
        emit CheckpointSubmitted(chainId, height, blockHash, msg.sender);

        uint32 pending = c.pendingConfig;
        if (pending != 0 && height % c.epochLength == 0) {
            // The header names the pending set, or the one it displaced since the last epoch
            // end (the header may have been built before): that one becomes active.
            uint32 named = pending;
            if (header.nextValidatorSetHash != _configs[chainId][pending].setHash) {
                uint32 displaced = c.displacedConfig;
                named = displaced != 0 && header.nextValidatorSetHash == _configs[chainId][displaced].setHash
                    ? displaced
                    : 0;
            }
            c.displacedConfig = 0;
            if (named != 0) {
                _configs[chainId][cfgId].supersededAt = uint64(block.timestamp);
                _configs[chainId][named].activeFrom = height + 1;
                // A pending one passed over never becomes active; whom it counted, the named
                // one counts or none ever did (`unlockedAt`).
                if (named != pending) _configs[chainId][pending].displacedUnder = named;
                _activated[chainId][c.activations++] = named;
                c.activeConfig = named;
                c.pendingConfig = 0;
                emit ConfigurationActivated(chainId, named, height + 1);
            } else {
                // The active set declined it: a new proposal may take its place.
                c.pendingDeclined = true;
            }
        }
    }

    // ---- deposits -----------------------------------------------------------------------

    /// @notice Deposits `amount` of `token` (`address(0)` for ETH, sent as `msg.value`) into
    /// chain `chainId` for `recipient`. Fee-on-transfer tokens are credited what arrived.
    function deposit(uint64 chainId, address recipient, address token, uint256 amount)
        external
        payable
        nonReentrant
        returns (uint64 nonce)
    {
        Chain storage c = _chain(chainId);
        if (c.frozen) revert ChainIsFrozen(chainId);
        if (recipient == address(0)) revert BadRecipient();
        uint256 credited;
        if (token == address(0)) {
            if (amount == 0 || msg.value != amount) revert BadAmount();
            credited = amount;
        } else {
            if (amount == 0 || msg.value != 0) revert BadAmount();
            uint256 before = IERC20(token).balanceOf(address(this));
            IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
            credited = IERC20(token).balanceOf(address(this)) - before;
            if (credited == 0) revert BadAmount();
        }
        nonce = c.depositCount++;
        DepositRecord memory record = DepositRecord(chainId, nonce, msg.sender, recipient, token, credited);
        uint64 recordedAt = uint64(block.timestamp);
        depositCommitments[chainId][nonce] = _depositCommitment(record, recordedAt);
        locked[chainId][token] += credited;
        emit Deposited(chainId, nonce, msg.sender, recipient, token, credited, recordedAt);
    }

    // ---- exits --------------------------------------------------------------------------

    /// @notice Starts the exit of the caller's output at `pos`, proven by `inclusion` under
    /// the checkpointed `anchor`, with `exitBond` attached. Outputs of `Deposit`
    /// transactions exit under their deposit's id and must match the root's record. `hint`
    /// is where its queue insert walks from (`exitHint`; 0: the head).
    function startExit(BlockHeader calldata anchor, UtxoPos calldata pos, TxInclusion calldata inclusion, uint256 hint)
        external
        payable
    {
        uint64 chainId = anchor.chainId;
        // No registration is read: a chain the root never registered has no checkpoint, so
        // `_checkAnchor` refuses its anchor (one storage read less on every exit).
        Chain storage c = _chains[chainId];
        _checkAnchor(c, chainId, anchor);
        ExitGame.Claim memory claim = ExitGame.verifyExitStart(chainId, anchor, pos, inclusion, msg.sender);
        if (claim.isDeposit) {
            // A minted deposit exits only as the root recorded it.
            DepositRecord memory record = abi.decode(inclusion.signedTx.transaction.data, (DepositRecord));
            (bool known,) = _knownDeposit(record);
            Output memory out = claim.output;
            if (
                !known || record.chainId != chainId || out.owner != record.recipient || out.token != record.token
                    || out.amount != record.amount
            ) revert UnknownDeposit(claim.depositNonce);
        }
        _enqueue(c, chainId, claim, anchor.height, hint);
    }

    /// @notice Starts the exit of a deposit straight from the root's record (it may never
    /// have been minted on the chain), by its recipient, with `exitBond` attached; `hint` as
    /// for `startExit`.
    function startDepositExit(DepositRecord calldata record, uint256 hint) external payable {
        uint64 chainId = record.chainId;
        Chain storage c = _chain(chainId);
        (bool known, uint64 recordedAt) = _knownDeposit(record);
        if (!known) revert UnknownDeposit(record.nonce);
        if (record.recipient != msg.sender) revert ExitGame.NotOwner(record.recipient, msg.sender);
        ExitGame.Claim memory claim;
        claim.exitId = ExitGame.depositExitId(record.nonce);
        claim.isDeposit = true;
        claim.depositNonce = record.nonce;
        claim.output = Output(record.recipient, record.token, record.amount);
        claim.outputTime = recordedAt;
        _enqueue(c, chainId, claim, 0, hint);
    }

    function _enqueue(Chain storage c, uint64 chainId, ExitGame.Claim memory claim, uint64 anchorHeight, uint256 hint)
        internal
    {
        if (msg.value != exitBond) revert WrongBond(msg.value, exitBond);
        address token = claim.output.token;
        uint256 amount = claim.output.amount;
        uint256 available = locked[chainId][token];
        if (available == 0) revert UnknownToken(token);
        if (amount > available) revert AmountTooLarge(amount, available);
        Exit storage e = _exits[chainId][claim.exitId];
        if (e.status != ExitStatus.None && e.status != ExitStatus.Cancelled) revert ExitExists(claim.exitId, e.status);
        uint64 exitableAt = ExitGame.exitableAt(claim.outputTime, uint64(block.timestamp), c.exitPeriod);
        uint256 key = (ExitGame.priority(exitableAt, claim.pos) << 64)
            | (claim.isDeposit ? DEPOSIT_TAG | claim.depositNonce : anchorHeight);
        bool large = amount >= LARGE_AMOUNT;
        _exits[chainId][claim.exitId] =
            Exit({owner: msg.sender, status: ExitStatus.Started, amount: large ? LARGE_AMOUNT : uint88(amount)});
        if (large) _largeAmounts[chainId][claim.exitId] = amount;
        if (!claim.isDeposit) _outputExitIds[chainId][key] = claim.exitId;
        _queues[chainId][token].push(key, hint);
        emit ExitStarted(chainId, claim.exitId, msg.sender, token, amount, exitableAt, key);
    }

    /// @notice Challenges the queued exit of an output under `queueKey` (its `ExitStarted`
    /// event's) with `spend`, a transaction whose input `inputIndex` spends the output at the
    /// position the key names, signed by the exit's owner (it need not be in any block).
    /// `senderData` must be `keccak256(abi.encodePacked(msg.sender))`, so a copied challenge
    /// pays nobody but its author. The bond goes to the challenger. Runs in `RootModule`.
    function challengeExit(
        uint64 chainId,
        uint256 queueKey,
        SignedTransaction calldata spend,
        uint8 inputIndex,
        bytes32 senderData
    ) external nonReentrant {
        (chainId, queueKey, spend, inputIndex, senderData);
        _delegate();
    }

    /// @notice Challenges an exit of deposit `nonce` (from the record or from its minted
    /// output): `minted` proves the deposit's output at `mintedPos` under the checkpointed
    /// `anchor`, and `spend` spends it, signed by its owner. Runs in `RootModule`.
    function challengeDepositExit(
        uint64 nonce,
        BlockHeader calldata anchor,
        UtxoPos calldata mintedPos,
        TxInclusion calldata minted,
        SignedTransaction calldata spend,
        uint8 inputIndex,
        bytes32 senderData
    ) external nonReentrant {
        (nonce, anchor, mintedPos, minted, spend, inputIndex, senderData);
        _delegate();
    }

    /// @notice Pays up to `max` mature exits of `token` on `chainId`, in priority order.
    /// Payouts are credited (pull payments: `withdraw`), so no receiver can block the queue;
    /// the caller earns `processBounty` per exit paid.
    function processExits(uint64 chainId, address token, uint256 max) external returns (uint256 processed) {
        Chain storage c = _chain(chainId);
        ExitQueue.Queue storage q = _queues[chainId][token];
        uint64 rollback = c.rollbackHeight;
        uint256 bounties;
        uint256 lockedLeft = locked[chainId][token];
        while (processed < max && !q.isEmpty()) {
            uint256 key = q.top();
            if (key >> 192 > block.timestamp) break;
            q.pop();
            ++processed;
            bytes32 exitId = _popExitId(chainId, key);
            Exit storage e = _exits[chainId][exitId];
            Exit memory x = e;
            if (x.status != ExitStatus.Started) continue; // challenged while queued
            address owner = x.owner;
            // An exit proven under a checkpoint that a fraud proof voided is cancelled (its
            // owner may exit again under a valid one); deposit-keyed exits match the root's
            // own record and stand.
            if (rollback != 0 && key & DEPOSIT_TAG == 0 && uint64(key) >= rollback) {
                e.status = ExitStatus.Cancelled;
                owed[owner][address(0)] += exitBond;
                emit ExitCancelled(chainId, exitId);
                continue;
            }
            uint256 amount = x.amount == LARGE_AMOUNT ? _largeAmounts[chainId][exitId] : x.amount;
            uint256 pay = amount < lockedLeft ? amount : lockedLeft;
            lockedLeft -= pay;
            e.status = ExitStatus.Processed;
            if (token == address(0)) {
                owed[owner][address(0)] += pay + exitBond - processBounty;
            } else {
                owed[owner][token] += pay;
                owed[owner][address(0)] += exitBond - processBounty;
            }
            bounties += processBounty;
            emit ExitProcessed(chainId, exitId, owner, token, pay);
        }
        locked[chainId][token] = lockedLeft;
        if (bounties != 0) owed[msg.sender][address(0)] += bounties;
    }

    /// The exit id a queue key just popped stands for; an output exit's entry is cleared.
    function _popExitId(uint64 chainId, uint256 key) internal returns (bytes32 exitId) {
        if (key & DEPOSIT_TAG != 0) return ExitGame.depositExitId(uint64(key & (DEPOSIT_TAG - 1)));
        exitId = _outputExitIds[chainId][key];
        delete _outputExitIds[chainId][key];
    }

    /// @notice Sends the caller what it is owed in `token`.
    function withdraw(address token) external nonReentrant {
        uint256 amount = owed[msg.sender][token];
        if (amount == 0) revert NothingOwed();
        owed[msg.sender][token] = 0;
        emit Withdrawal(msg.sender, token, amount);
        if (token == address(0)) _sendEth(msg.sender, amount);
        else IERC20(token).safeTransfer(msg.sender, amount);
    }

    // ---- fraud proofs -------------------------------------------------------------------

    /// @notice Commits the caller-to-be of a fraud proof to it, ahead of sending it:
    /// `commitment` is `keccak256(abi.encode(prover, chainId, proof))`. Only the first
    /// commitment of a value counts; anyone may send one (it pays nobody but the `prover` it
    /// names). A proof pays its caller only when the caller committed to it in an earlier block.
    function commitFraud(bytes32 commitment) external {
        if (fraudCommitments[commitment] == 0) fraudCommitments[commitment] = block.number;
    }

    /// @notice Proves that chain `chainId` finalized an invalid block, or two checkpoints that
    /// disagree about a block (the later one's fork is the invalid one). On success every
    /// checkpoint from the invalid block on is void, the validators who certified the anchor
    /// (as the root accepted it; for equivocation, who signed both certificates of one round)
    /// lose their stake, the caller is owed `PROVER_REWARD_BPS` of it if it committed to the
    /// proof in an earlier block (`commitFraud`) and is not among them, and the chain is
    /// frozen: exits only. Runs in `RootModule`.
    function proveFraud(uint64 chainId, FraudProof calldata proof) external nonReentrant {
        (chainId, proof);
        _delegate();
    }

    /// Runs this call's calldata in `module`, on this contract's storage; bubbles reverts.
    function _delegate() internal returns (bytes memory ret) {
        bool ok;
        (ok, ret) = module.delegatecall(msg.data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    // ---- views --------------------------------------------------------------------------

    /// @notice A chain's state.
    function chain(uint64 chainId) external view returns (Chain memory) {
        return _chain(chainId);
    }

    /// @notice A configuration's summary.
    function configuration(uint64 chainId, uint32 id)
        external
        view
        returns (bytes32 setHash, uint256 size, uint64 activeFrom, uint64 supersededAt)
    {
        Config storage cfg = _configs[chainId][id];
        return (cfg.setHash, cfg.size, cfg.activeFrom, cfg.supersededAt);
    }

    /// @notice The members of a configuration, in bitmap order.
    function validators(uint64 chainId, uint32 id) external view returns (Validator[] memory vs) {
        Config storage cfg = _configs[chainId][id];
        vs = new Validator[](cfg.size);
        for (uint256 i = 0; i < vs.length; ++i) {
            (address op, uint64 power, bytes memory key) = KeyStore.member(_chunk(chainId, id, cfg.chunk0, i), i);
            vs[i] = Validator(op, key, power);
        }
    }

    /// @notice The pending set (who the next configuration would include).
    function members(uint64 chainId) external view returns (address[] memory) {
        return _members[chainId];
    }

    /// @notice A validator's bond.
    function stakeOf(uint64 chainId, address operator)
        external
        view
        returns (uint256 amount, bool bonded, uint32 lastConfig)
    {
        Stake storage s = _stakes[chainId][operator];
        return (s.amount, s.bonded, s.lastConfig);
    }

    /// @notice An exit's owner, status and amount.
    function exitOf(uint64 chainId, bytes32 exitId)
        external
        view
        returns (address owner, ExitStatus status, uint256 amount)
    {
        Exit memory e = _exits[chainId][exitId];
        amount = e.amount == LARGE_AMOUNT ? _largeAmounts[chainId][exitId] : e.amount;
        return (e.owner, e.status, amount);
    }

    /// @notice Queued exits (including challenged ones not yet popped) of a chain and token.
    function queueLength(uint64 chainId, address token) external view returns (uint256) {
        return _queues[chainId][token].length();
    }

    /// @notice A hint for an exit of `token` from `chainId` that matures at `exitableAt` or
    /// later (`max(outputTime + 2·period, now + period)`, with the output's block time, or a
    /// deposit's record time): the last queued key that matures before it (0: none). An
    /// insert walks from it past only what was queued between since (constant above the
    /// tail; between, this view walks the list).
    function exitHint(uint64 chainId, address token, uint64 exitableAt) external view returns (uint256) {
        return _queues[chainId][token].below(uint256(exitableAt) << 192);
    }

    /// @notice The smallest queue key of a chain and token (0 if empty).
    function nextExitKey(uint64 chainId, address token) external view returns (uint256) {
        ExitQueue.Queue storage q = _queues[chainId][token];
        return q.isEmpty() ? 0 : q.top();
    }

    /// @notice The EIP-712 domain separator users of chain `chainId` sign under.
    function domainSeparator(uint64 chainId) external view returns (bytes32) {
        return PlasmaTx.domainSeparator(chainId, address(this));
    }
}
