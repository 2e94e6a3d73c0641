// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {RootStorage} from "./RootStorage.sol";
import {BLS} from "./lib/BLS.sol";
import {KeyStore} from "./lib/KeyStore.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {PlasmaTx} from "./lib/PlasmaTx.sol";
import {FraudVerifier} from "./FraudVerifier.sol";

/// @title RootModule
/// @notice The rare, heavy entry points of `PlasmaRoot` — configuration snapshots,
/// challenges and fraud proofs — which the root reaches by `delegatecall` (so they run on the root's storage and
/// emit the root's events). It is a separate contract only to keep the root under the
/// contract size limit; calling it directly changes nothing of the root's.
contract RootModule is RootStorage {
    /// The stateless judge of fraud evidence.
    FraudVerifier public immutable verifier;
    /// Bond posted with every exit, paid to a successful challenger.
    uint256 public immutable exitBond;
    /// Part of the exit bond paid to whoever processes the exit.
    uint256 public immutable processBounty;

    /// @param verifier_ The deployed `FraudVerifier`.
    /// @param exitBond_ Bond per exit, in wei.
    /// @param processBounty_ Part of the bond paid to the processor of an exit.
    constructor(FraudVerifier verifier_, uint256 exitBond_, uint256 processBounty_) {
        if (address(verifier_).code.length == 0 || processBounty_ > exitBond_) revert BadParams();
        verifier = verifier_;
        exitBond = exitBond_;
        processBounty = processBounty_;
    }

    // ---- challenges ---------------------------------------------------------------------

    /// @notice Challenges the queued exit of an output under `queueKey` (its `ExitStarted`
    /// event's) with `spend`, a transaction whose input `inputIndex` spends the output at the
    /// position the key names, signed by the exit's owner (it need not be in any block).
    /// `senderData` must be `keccak256(abi.encodePacked(msg.sender))`, so a copied challenge
    /// pays nobody but its author. The bond goes to the challenger. A deposit-keyed exit is
    /// challenged by `challengeDepositExit`.
    function challengeExit(
        uint64 chainId,
        uint256 queueKey,
        SignedTransaction calldata spend,
        uint8 inputIndex,
        bytes32 senderData
    ) external {
        // The key names one queued exit, and the position its spend must spend: several exits
        // may claim outputs at one position (of other histories), each under its own key.
        bytes32 exitId = _outputExitIds[chainId][queueKey];
        Exit storage e = _activeExit(chainId, exitId, senderData);
        ExitGame.verifyChallenge(
            PlasmaTx.domainSeparator(chainId, address(this)), _positionOfKey(queueKey), e.owner, spend, inputIndex
        );
        _challenged(chainId, exitId, e);
    }

    /// @notice Challenges an exit of deposit `nonce` (from the record or from its minted
    /// output): `minted` proves the deposit's output at `mintedPos` under the checkpointed
    /// `anchor`, and `spend` spends it, signed by its owner.
    function challengeDepositExit(
        uint64 nonce,
        BlockHeader calldata anchor,
        UtxoPos calldata mintedPos,
        TxInclusion calldata minted,
        SignedTransaction calldata spend,
        uint8 inputIndex,
        bytes32 senderData
    ) external {
        uint64 chainId = anchor.chainId;
        bytes32 exitId = ExitGame.depositExitId(nonce);
        Exit storage e = _activeExit(chainId, exitId, senderData);
        _checkAnchor(_chain(chainId), chainId, anchor);
        ExitGame.Claim memory claim = ExitGame.verifyExitStart(chainId, anchor, mintedPos, minted, e.owner);
        if (claim.exitId != exitId) revert ExitGame.NotTheDeposit();
        ExitGame.verifyChallenge(
            PlasmaTx.domainSeparator(chainId, address(this)), mintedPos, e.owner, spend, inputIndex
        );
        _challenged(chainId, exitId, e);
    }

    function _activeExit(uint64 chainId, bytes32 exitId, bytes32 senderData) internal view returns (Exit storage e) {
        if (senderData != keccak256(abi.encodePacked(msg.sender))) revert SenderDataMismatch();
        e = _exits[chainId][exitId];
        if (e.status != ExitStatus.Started) revert NotActive(exitId);
    }

    function _challenged(uint64 chainId, bytes32 exitId, Exit storage e) internal {
        e.status = ExitStatus.Challenged;
        emit ExitChallenged(chainId, exitId, msg.sender);
        _sendEth(msg.sender, exitBond);
    }

    // ---- configurations ----------------------------------------------------------------

    /// @notice Names the genesis configuration of `chainId`: its registrant's choice of
    /// bonded `operators`, in bitmap order, active at once. Until then no configuration is
    /// proposed, so whoever bonds first after `registerChain` does not own the chain.
    function proposeGenesis(uint64 chainId, address[] calldata operators) external returns (uint32 id) {
        Chain storage c = _chain(chainId);
        if (msg.sender != c.registrant) revert NotRegistrant();
        if (c.activeConfig != 0) revert GenesisNamed();
        if (c.frozen) revert ChainIsFrozen(chainId);
        id = _snapshot(chainId, c, operators);
        Config storage cfg = _configs[chainId][id];
        cfg.activeFrom = 1;
        _activated[chainId][c.activations++] = id;
        c.activeConfig = id;
        emit ConfigurationActivated(chainId, id, 1);
    }

    /// @notice Snapshots the pending set (every bonded operator) as the next numbered
    /// configuration, which becomes active when a checkpoint at an epoch end carries its set
    /// hash as `nextValidatorSetHash`: the active set acknowledges it. It replaces a pending
    /// one only after an epoch-end checkpoint declined that one (named another set), and the
    /// next epoch end still activates the one it replaced if it names that one (its header may
    /// have been built before this proposal): no later proposal, one more sybil bonded each
    /// epoch, keeps the active set from ever acknowledging any.
    function proposeConfiguration(uint64 chainId) external returns (uint32 id) {
        Chain storage c = _chain(chainId);
        if (c.frozen) revert ChainIsFrozen(chainId);
        if (c.activeConfig == 0) revert NoGenesis();
        uint32 pending = c.pendingConfig;
        if (pending != 0 && !c.pendingDeclined) revert PendingUndeclined(pending);
        id = _snapshot(chainId, c, _members[chainId]);
        // Displaced, it can never become active; whoever it counted stays counted by the
        // active one (`PlasmaRoot.withdrawStake`).
        if (pending != 0) {
            _configs[chainId][pending].displacedUnder = c.activeConfig;
            c.displacedConfig = pending;
        }
        c.pendingConfig = id;
        c.pendingDeclined = false;
    }

    /// Numbers the configuration of the bonded `operators` (each once), writes its keys and
    /// marks it their last.
    function _snapshot(uint64 chainId, Chain storage c, address[] memory operators) internal returns (uint32 id) {
        uint256 n = operators.length;
        if (n == 0) revert NoValidators();
        address[] memory m = operators;
        KeyStore.Member[] memory set = new KeyStore.Member[](n);
        Validator[] memory vs = new Validator[](n);
        bytes memory agg;
        uint128 total;
        id = ++c.configCount;
        for (uint256 i = 0; i < n; ++i) {
            Stake storage s = _stakes[chainId][m[i]];
            // Bonded, and named once (a second naming finds it marked already).
            if (!s.bonded || s.lastConfig == id) revert NotBonded();
            uint64 power = uint64(s.amount / POWER_UNIT);
            bytes memory key = KeyStore.unpackKey(s.packedKey, 0);
            set[i] = KeyStore.Member(m[i], power, key);
            vs[i] = Validator(m[i], key, power);
            total += power;
            agg = i == 0 ? key : BLS.g2Add(agg, key);
            s.lastConfig = id;
        }
        bytes32 setHash = keccak256(abi.encode(vs));
        bytes[] memory chunks = KeyStore.encode(set, agg, setHash, total);
        Config storage cfg = _configs[chainId][id];
        cfg.chunk0 = KeyStore.write(chunks[0]);
        for (uint256 k = 1; k < chunks.length; ++k) {
            _extraChunks[chainId][id][k] = KeyStore.write(chunks[k]);
        }
        cfg.size = uint16(n);
        cfg.setHash = setHash;
        emit ConfigurationProposed(chainId, id, setHash, n, total);
    }

    // ---- fraud proofs -------------------------------------------------------------------

    /// @notice Proves that chain `chainId` finalized an invalid block, or two checkpoints that
    /// disagree about a block (the later one's fork is the invalid one). On success every
    /// checkpoint from the invalid block on is void, the validators who certified the anchor
    /// lose their stake (of a fork, only who signed both certificates of one round: see
    /// `ledger::fraud::forks`), the caller is owed `PROVER_REWARD_BPS` of it if it committed to
    /// the proof in an earlier block and is none of them (else it is burned), and the chain is
    /// frozen: exits only. On a frozen chain, a proof showing a block below the rollback lowers
    /// it; one showing a block at or above it (an equivocation there, or an anchor it voided)
    /// is still heard while it takes a stake, and leaves the rollback where it is: a quorum
    /// that freezes its chain first by a fork that slashes nobody keeps no stake it signed
    /// fraud with.
    function proveFraud(uint64 chainId, FraudProof calldata proof) external {
        Chain storage c = _chain(chainId);
        if (proof.kind > uint8(FraudKind.UnfoundedCancellation)) revert NoSuchKind(proof.kind);
        FraudKind kind = FraudKind(proof.kind);
        uint64 height;
        bytes memory culprits;
        uint32 cfgId;
        uint64 rollback = c.rollbackHeight;
        // The height of the certified block the proof shows: at or above the rollback, void.
        uint64 shown;
        if (kind == FraudKind.Equivocation) {
            EquivocationEvidence memory e = abi.decode(proof.evidence, (EquivocationEvidence));
            // No chain has a block at height 0: a verdict there would unfreeze it.
            if (e.a.height == 0 || e.a.height != e.b.height || e.a.blockHash == e.b.blockHash) revert NotConflicting();
            height = e.a.height;
            shown = height;
            cfgId = _configAt(chainId, c, height);
            _verifyCertificate(chainId, cfgId, e.a);
            _verifyAtStake(chainId, c, e.b);
            culprits = _signedBothInOneRound(e.a, e.b);
        } else {
            _checkStored(chainId, proof.anchor);
            shown = proof.anchor.height;
            CommitCertificate calldata cert = proof.anchorCertificate;
            if (cert.height != proof.anchor.height || cert.blockHash != keccak256(abi.encode(proof.anchor))) {
                revert HeaderMismatch();
            }
            cfgId = _configAt(chainId, c, cert.height);
            // The root verified the anchor's certificate when it accepted it: its signers are
            // who certified it, not a quorum of them a prover re-aggregates.
            culprits = _acceptedSigners(chainId, cfgId, cert.height);
            if (keccak256(cert.signerBitmap) != keccak256(culprits)) revert NotTheAcceptedSigners(cert.height);
            height = _judge(c, chainId, kind, proof.anchor, proof.evidence);
            if (kind == FraudKind.HistoryEquivocation) {
                _verifyAtStake(chainId, c, abi.decode(proof.evidence, (HistoryEquivocationEvidence)).certified);
            }
            // A fork shown through histories takes no stake: its signers may have followed it
            // honestly (`ledger::fraud::forks`).
            if (_isFork(kind)) culprits = new bytes(culprits.length);
        }
        (uint256 slashed, uint256 reward) = _slash(chainId, cfgId, culprits, _committed(chainId, proof));
        if (rollback == 0 || shown < rollback) {
            c.rollbackHeight = height;
            if (!c.frozen) c.frozenAt = uint64(block.timestamp);
            c.frozen = true;
            c.pendingConfig = 0;
            emit ChainFrozen(chainId, height);
        } else if (slashed == 0) {
            revert ChainIsFrozen(chainId);
        }
        emit FraudProven(chainId, kind, height, msg.sender, slashed, reward);
    }

    function _judge(Chain storage c, uint64 chainId, FraudKind kind, BlockHeader calldata anchor, bytes calldata ev)
        internal
        view
        returns (uint64 height)
    {
        if (kind == FraudKind.DoubleSpend) {
            height = verifier.doubleSpend(chainId, anchor, abi.decode(ev, (DoubleSpendEvidence)));
        } else if (kind == FraudKind.InvalidSignature) {
            height = verifier.invalidSignature(
                chainId,
                PlasmaTx.domainSeparator(chainId, address(this)),
                anchor,
                abi.decode(ev, (InvalidSignatureEvidence))
            );
        } else if (kind == FraudKind.Inflation) {
            height = verifier.inflation(chainId, anchor, ev);
        } else if (kind == FraudKind.NonexistentInput) {
            height = verifier.nonexistentInput(chainId, anchor, abi.decode(ev, (NonexistentInputEvidence)));
        } else if (kind == FraudKind.DepositMismatch) {
            DepositMismatchEvidence memory e = abi.decode(ev, (DepositMismatchEvidence));
            FraudVerifier.ParentLookup memory lookup;
            (height, lookup) = verifier.depositMismatch(chainId, anchor, c.depositCount, e);
            // The verdict relied on `e.parentRecord` being the root's record of that nonce.
            if (lookup.known) {
                (bool known,) = _knownDeposit(e.parentRecord);
                if (!known || e.parentRecord.chainId != chainId) revert UnknownDeposit(lookup.nonce);
            }
        } else if (kind == FraudKind.ConflictingCheckpoints) {
            ConflictingCheckpointsEvidence memory e = abi.decode(ev, (ConflictingCheckpointsEvidence));
            height = verifier.conflictingCheckpoints(chainId, anchor, e);
            // The verdict relied on `e.earlier` being the root's checkpoint at its height.
            uint64 h = e.earlier.height;
            if (checkpoints[chainId][h] != keccak256(abi.encode(e.earlier))) revert UnknownAnchor(h);
        } else if (kind == FraudKind.BrokenHistory) {
            height = verifier.brokenHistory(chainId, anchor, ev, address(this));
        } else if (kind == FraudKind.HistoryEquivocation) {
            height = verifier.historyEquivocation(chainId, anchor, abi.decode(ev, (HistoryEquivocationEvidence)));
        } else if (kind == FraudKind.BrokenSchedule) {
            bytes32 shown;
            (height, shown) = verifier.brokenSchedule(chainId, anchor, ev, c.epochLength);
            if (_configs[chainId][_configAt(chainId, c, height)].setHash != shown) revert NotTheSchedule(height);
        } else if (kind == FraudKind.DoubleRegistration) {
            height = verifier.doubleRegistration(chainId, anchor, ev);
        } else if (kind >= FraudKind.ChildRecord) {
            height = verifier.childKind(kind, chainId, address(this), anchor, ev);
        } else if (kind == FraudKind.MalformedTransaction) {
            height = verifier.malformedTransaction(chainId, anchor, abi.decode(ev, (MalformedTransactionEvidence)));
        } else {
            height = verifier.doubleMint(chainId, anchor, abi.decode(ev, (DoubleMintEvidence)));
        }
        if (_isFork(kind)) {
            _noCheckpointFrom(chainId, height, anchor.height);
        } else {
            height = _aboveCheckpoints(chainId, height, anchor.height);
        }
    }

    /// Whether a proof of `kind` shows a fork through histories: it takes no stake, and is
    /// shown under the lowest checkpoint at or above the block it voids (`ledger::fraud::forks`).
    function _isFork(FraudKind kind) internal pure returns (bool) {
        return kind == FraudKind.ConflictingCheckpoints || kind == FraudKind.HistoryEquivocation;
    }

    /// A fork is shown under the lowest checkpoint at or above the block it voids: that
    /// checkpoint's own history holds the block (the proof is made under it) or another (the
    /// two checkpoints conflict, proven from just above it). Proven under the fork's own anchor,
    /// it would void an honest checkpoint below it and every exit under it.
    function _noCheckpointFrom(uint64 chainId, uint64 height, uint64 anchorHeight) internal view {
        for (uint64 h = height; h < anchorHeight; ++h) {
            if (checkpoints[chainId][h] != 0) revert CheckpointBelow(h);
        }
    }

    /// The rollback of an invalid block at `height` shown under an anchor at `anchorHeight`:
    /// just above the highest checkpoint from `height` up to the anchor, if any
    /// (`ledger::fraud::history::above_checkpoints`). The anchor stands on the invalid block
    /// and is void; the checkpoint stands, unless a proof under it lowers the rollback.
    function _aboveCheckpoints(uint64 chainId, uint64 height, uint64 anchorHeight) internal view returns (uint64) {
        for (uint64 h = anchorHeight; h > height; --h) {
            if (checkpoints[chainId][h - 1] != 0) return h;
        }
        return height;
    }

    /// Verifies `certified`, a certificate no proof anchors, against the configuration that
    /// certified its height, while its stakes are locked: once its signers may have withdrawn,
    /// they sign for free (an exit period after a later configuration became active in its
    /// place, or after the chain froze, as `PlasmaRoot.unlockedAt` frees their stakes).
    function _verifyAtStake(uint64 chainId, Chain storage c, CommitCertificate memory certified) internal view {
        uint32 other = _configAt(chainId, c, certified.height);
        uint64 superseded = _configs[chainId][other].supersededAt;
        uint64 period = c.exitPeriod;
        if (
            (superseded != 0 && block.timestamp >= superseded + period)
                || (c.frozen && block.timestamp >= c.frozenAt + period)
        ) revert Released(other);
        _verifyCertificate(chainId, other, certified);
    }

    /// Who signed both `a` and `b`, two verified certificates of one configuration at one
    /// height, when they are of one round: an honest validator precommits one block a round,
    /// but may precommit another block in a later round (`ledger::fraud::forks`), so
    /// certificates of different rounds convict nobody.
    function _signedBothInOneRound(CommitCertificate memory a, CommitCertificate memory b)
        internal
        pure
        returns (bytes memory both)
    {
        both = new bytes(a.signerBitmap.length);
        if (a.round != b.round) return both;
        for (uint256 i = 0; i < both.length; ++i) {
            both[i] = a.signerBitmap[i] & b.signerBitmap[i];
        }
    }

    /// Whether the caller committed to proving `proof` in an earlier block (`commitFraud`):
    /// a proof copied from the pool, or committed and sent in one block, pays nobody.
    function _committed(uint64 chainId, FraudProof calldata proof) internal view returns (bool) {
        uint256 at = fraudCommitments[keccak256(abi.encode(msg.sender, chainId, proof))];
        return at != 0 && at < block.number;
    }

    /// Takes the stakes of the members of `cfgId` in `bitmap`. The caller is owed
    /// `PROVER_REWARD_BPS` of them when `committed` and not one of them (a culprit who proves
    /// its own fraud from its own address recovers nothing); the rest is burned.
    function _slash(uint64 chainId, uint32 cfgId, bytes memory bitmap, bool committed)
        internal
        returns (uint256 slashed, uint256 reward)
    {
        Config storage cfg = _configs[chainId][cfgId];
        address chunk0 = cfg.chunk0;
        uint256 n = cfg.size;
        for (uint256 i = 0; i < n; ++i) {
            if ((uint8(bitmap[i / 8]) >> (i % 8)) & 1 == 0) continue;
            address operator = KeyStore.operatorOf(_chunk(chainId, cfgId, chunk0, i), i);
            if (operator == msg.sender) committed = false;
            Stake storage s = _stakes[chainId][operator];
            uint256 amount = s.amount;
            if (amount == 0) continue;
            s.amount = 0;
            slashed += amount;
            emit ValidatorSlashed(chainId, operator, amount);
        }
        if (committed) reward = slashed * PROVER_REWARD_BPS / 10_000;
        burned += slashed - reward;
        if (reward != 0) owed[msg.sender][address(0)] += reward;
    }

    /// The configuration that certifies `height`: the last to become active at or below it,
    /// by bisection over the chain's activations (displaced proposals are never walked).
    function _configAt(uint64 chainId, Chain storage c, uint64 height) internal view returns (uint32 id) {
        uint256 lo;
        uint256 hi = c.activations;
        while (hi - lo > 1) {
            uint256 mid = (lo + hi) / 2;
            if (_configs[chainId][_activated[chainId][mid]].activeFrom <= height) lo = mid;
            else hi = mid;
        }
        id = _activated[chainId][lo];
        if (id == 0 || _configs[chainId][id].activeFrom > height) revert NoConfiguration();
    }
}
