// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {BLS} from "../src/lib/BLS.sol";
import {Votes} from "../src/lib/Votes.sol";
import {Vm} from "./base/Test.sol";

/// BLS keys and signatures made in the EVM (EIP-2537 multi-scalar multiplication), so that a
/// test can certify any header by any set: a key is `sk·g2`, a signature `sk·H(m)`.
library TestBls {
    address private constant G1MSM = address(0x0c);
    address private constant G2MSM = address(0x0e);

    /// The G2 generator, in the EIP-2537 encoding (x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1).
    function g2() internal pure returns (bytes memory) {
        return abi.encodePacked(
            uint256(0x024aa2b2f08f0a91260805272dc51051),
            uint256(0xc6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8),
            uint256(0x13e02b6052719f607dacd3a088274f65),
            uint256(0x596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e),
            uint256(0x0ce5d527727d6e118cc9cdc6da2e351a),
            uint256(0xadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801),
            uint256(0x0606c4a02ea734cc32acd2b02bc28b99),
            uint256(0xcb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be)
        );
    }

    function publicKey(uint256 sk) internal view returns (bytes memory) {
        return _call(G2MSM, abi.encodePacked(g2(), sk), BLS.G2_LEN);
    }

    function sign(uint256 sk, bytes memory message, bytes memory dst) internal view returns (bytes memory) {
        return _call(G1MSM, abi.encodePacked(BLS.hashToG1(message, dst), sk), BLS.G1_LEN);
    }

    function _call(address precompile, bytes memory input, uint256 outLen) private view returns (bytes memory out) {
        bool ok;
        (ok, out) = precompile.staticcall(input);
        require(ok && out.length == outLen, "EIP-2537 multiplication failed");
    }
}

/// Drives one chain's validator set with fuzzed arguments — bonds, unbonds, proposals,
/// checkpoints that acknowledge them or not, withdrawals, fraud proofs of two blocks signed at
/// one height, time — and keeps its own model of when each stake may leave: never while a
/// configuration that counts it, active now or ever, or pending, has not been superseded by an
/// acknowledged one for an exit period; on a frozen chain, an exit period after the freeze.
/// A call that breaks the rule is recorded in `violation` (`fail_on_revert` is off).
contract StakeHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant N = 6;
    uint256 internal constant GWEI = 1 gwei;

    PlasmaRoot internal immutable root;
    uint64 public immutable chainId;
    uint64 internal immutable period;
    /// Who registered the chain: it names the genesis set.
    address internal immutable registrant;

    address[N] public actors;
    uint256[N] internal secrets;
    bytes[N] internal keys;

    // The model.
    bool[N] public staked; // holds a stake at the root (bonded or not)
    bool[N] public bonded;
    bool[N] public slashed;
    /// Configurations by id: their members (actor indexes), whether ever active, when
    /// superseded by an acknowledged one (0: not yet), the first height each certifies.
    mapping(uint32 => uint256[]) internal members;
    mapping(uint32 => bool) public everActive;
    mapping(uint32 => uint64) public supersededAt;
    mapping(uint32 => uint64) public activeFrom;
    uint32[] internal activated;
    uint32 public pending;
    /// Whether an epoch-end checkpoint named another set than the pending one's.
    bool public declined;
    /// The configuration the pending one displaced since the last epoch end (0: none).
    uint32 public displaced;
    uint64 public frozenAt;

    uint256 public violations;
    string public violation;
    uint256 public withdrawals;
    uint256 public convictions;
    uint256 public activations;

    constructor(PlasmaRoot root_, uint64 chainId_, uint64 period_, address registrant_) {
        root = root_;
        chainId = chainId_;
        period = period_;
        registrant = registrant_;
        for (uint256 i = 0; i < N; ++i) {
            secrets[i] = uint256(keccak256(abi.encode("stake-lock validator", i))) >> 8;
            actors[i] = vm.addr(1000 + i);
            keys[i] = TestBls.publicKey(secrets[i]);
        }
    }

    function _fail(string memory why) internal {
        ++violations;
        violation = why;
    }

    /// When the model frees actor `i`'s stake (`type(uint64).max`: not foreseeable).
    function unlockAt(uint256 i) public view returns (uint64 until) {
        uint32 count = root.chain(chainId).configCount;
        for (uint32 id = 1; id <= count; ++id) {
            if (!everActive[id] && id != pending) continue;
            if (!_isMember(id, i)) continue;
            uint64 s = supersededAt[id];
            uint64 t = s == 0 ? type(uint64).max : s + period;
            if (t > until) until = t;
        }
        if (frozenAt != 0 && frozenAt + period < until) until = frozenAt + period;
    }

    function _isMember(uint32 id, uint256 i) internal view returns (bool) {
        uint256[] storage m = members[id];
        for (uint256 k = 0; k < m.length; ++k) {
            if (m[k] == i) return true;
        }
        return false;
    }

    // ---- actions ------------------------------------------------------------------------

    /// Actor `i` bonds `(1 + i) · 10` gwei. A full pending set takes it only if larger than its
    /// smallest stake, which leaves the pending set (`maxValidators` is below `N`).
    function bond(uint256 who) external {
        uint256 i = who % N;
        if (staked[i] || frozenAt != 0) return;
        uint256 amount = (1 + i) * 10 * GWEI;
        bytes memory pop = TestBls.sign(secrets[i], abi.encode(actors[i], keys[i]), BLS.POP_DST);
        // The smallest bonded stake: the one a bond into a full set may unbond, if smaller.
        uint256 smallest = N;
        for (uint256 j = N; j > 0; --j) {
            if (bonded[j - 1]) smallest = j - 1;
        }
        vm.deal(actors[i], amount);
        vm.prank(actors[i]);
        try root.bond{value: amount}(chainId, keys[i], pop) {
            (staked[i], bonded[i]) = (true, true);
        } catch {
            return;
        }
        for (uint256 j = 0; j < N; ++j) {
            (, bool still,) = root.stakeOf(chainId, actors[j]);
            if (bonded[j] && !still && j != smallest) _fail("a bond unbonded another than the smallest stake");
            bonded[j] = still;
        }
    }

    function unbond(uint256 who) external {
        uint256 i = who % N;
        if (!bonded[i]) return;
        vm.prank(actors[i]);
        root.unbond(chainId);
        bonded[i] = false;
    }

    /// The genesis set (every bonded actor, named by the registrant), or a proposal of the
    /// pending set: refused exactly when nobody is bonded or a pending one was not declined.
    function propose() external {
        if (frozenAt != 0) return;
        uint256 count;
        address[] memory named = new address[](N);
        for (uint256 i = 0; i < N; ++i) {
            if (bonded[i]) named[count++] = actors[i];
        }
        assembly ("memory-safe") {
            mstore(named, count)
        }
        bool genesis = activated.length == 0;
        bool allowed = count != 0 && (genesis || pending == 0 || declined);
        uint32 id;
        try this.proposeOnRoot(genesis, named) returns (uint32 proposed) {
            id = proposed;
        } catch {
            if (allowed) _fail("a proposal the rule allows was refused");
            return;
        }
        if (!allowed) _fail("a pending configuration was displaced before the active set declined it");
        for (uint256 i = 0; i < N; ++i) {
            if (bonded[i]) members[id].push(i);
        }
        if (!_sameMembers(id)) _fail("a proposal snapshots other members than the bonded ones");
        if (genesis) {
            _activate(id, 1);
        } else {
            if (pending != 0) displaced = pending;
            pending = id;
            declined = false;
        }
    }

    /// `proposeGenesis` (as the registrant) or `proposeConfiguration`, as an external call so
    /// that a refusal is caught.
    function proposeOnRoot(bool genesis, address[] calldata named) external returns (uint32) {
        require(msg.sender == address(this), "the handler's own call");
        if (genesis) {
            vm.prank(registrant);
            return root.proposeGenesis(chainId, named);
        }
        return root.proposeConfiguration(chainId);
    }

    /// A checkpoint one block past the last, certified by every member of the active
    /// configuration; at an epoch end (every block) it acknowledges the pending one if `ack`.
    function checkpoint(bool ack) external {
        RootStorage.Chain memory c = root.chain(chainId);
        _checkpointNaming(ack && c.pendingConfig != 0 ? c.pendingConfig : c.activeConfig);
    }

    /// A checkpoint naming the configuration the pending one displaced since the last epoch
    /// end, as one built before that proposal does: it becomes active.
    function checkpointNamingTheDisplaced() external {
        if (displaced != 0) _checkpointNaming(displaced);
    }

    function _checkpointNaming(uint32 next) internal {
        RootStorage.Chain memory c = root.chain(chainId);
        if (c.frozen || c.activeConfig == 0) return;
        (bytes32 nextHash,,,) = root.configuration(chainId, next);
        // The header names the pending set or the one it displaced since the last epoch end
        // (either's set may be the active one's): that one becomes active.
        uint32 named;
        if (c.pendingConfig != 0) {
            (bytes32 pendingHash,,,) = root.configuration(chainId, c.pendingConfig);
            if (pendingHash == nextHash) {
                named = c.pendingConfig;
            } else if (displaced != 0) {
                (bytes32 displacedHash,,,) = root.configuration(chainId, displaced);
                if (displacedHash == nextHash) named = displaced;
            }
        }
        (BlockHeader memory h, CommitCertificate memory cert) =
            _certified(c.activeConfig, c.lastHeight + 1, nextHash, bytes32(0));
        root.submitCheckpoint(h, cert);
        if (c.pendingConfig == 0) return;
        if (named != 0) {
            // A pending one passed over counts nobody the model holds locked: its members are
            // the named one's, or were in no active set (the root holds them longer).
            _activate(named, h.height + 1);
        } else {
            declined = true;
        }
        displaced = 0;
        if (root.chain(chainId).activeConfig != (named != 0 ? named : c.activeConfig)) {
            _fail("the epoch end activated another configuration than its header named");
        }
    }

    /// Two blocks signed at height `at` (up to the last checkpoint) by every member of the
    /// configuration that certified it, in one round. While that configuration is at stake,
    /// the proof must take every one of its stakes still held; at or above the rollback of a
    /// frozen chain, it is heard only if it takes one.
    function proveEquivocation(uint64 at) external {
        RootStorage.Chain memory c = root.chain(chainId);
        if (c.lastHeight == 0) return;
        uint64 height = 1 + at % c.lastHeight;
        uint32 cfg = _configAt(height);
        if (cfg == 0) return;
        (bytes32 setHash,,,) = root.configuration(chainId, cfg);
        (, CommitCertificate memory a) = _certified(cfg, height, setHash, bytes32(uint256(1)));
        (, CommitCertificate memory b) = _certified(cfg, height, setHash, bytes32(uint256(2)));
        FraudProof memory proof;
        proof.kind = uint8(FraudKind.Equivocation);
        proof.evidence = abi.encode(EquivocationEvidence(a, b));
        bool atStake = supersededAt[cfg] == 0 || block.timestamp < supersededAt[cfg] + period;
        if (frozenAt != 0 && block.timestamp >= frozenAt + period) atStake = false;
        // At or above the rollback, the proof shows a voided block: heard only if it takes a
        // stake still held.
        if (c.rollbackHeight != 0 && height >= c.rollbackHeight && !_holdsStake(cfg)) atStake = false;
        try root.proveFraud(chainId, proof) {
            if (!atStake) _fail("a released configuration's certificates convicted");
            if (c.rollbackHeight != 0 && root.chain(chainId).rollbackHeight > c.rollbackHeight) {
                _fail("the rollback rose");
            }
            if (frozenAt == 0) frozenAt = uint64(block.timestamp);
            ++convictions;
            uint256[] storage m = members[cfg];
            for (uint256 k = 0; k < m.length; ++k) {
                uint256 i = m[k];
                (uint256 amount,,) = root.stakeOf(chainId, actors[i]);
                if (staked[i] && amount != 0) _fail("a signer of both blocks kept its stake");
                if (staked[i]) slashed[i] = true;
            }
        } catch {
            if (atStake) _fail("an equivocation by a configuration at stake was refused");
        }
    }

    function withdraw(uint256 who) external {
        uint256 i = who % N;
        if (!staked[i] || bonded[i]) return;
        uint64 until = unlockAt(i);
        uint256 before = actors[i].balance;
        vm.prank(actors[i]);
        try root.withdrawStake(chainId) {
            if (block.timestamp < until) _fail("a stake left while a configuration counting it was at stake");
            if (slashed[i] && actors[i].balance != before) _fail("a slashed stake was paid out");
            (staked[i], slashed[i]) = (false, false);
            ++withdrawals;
        } catch {
            // Stricter than the model is allowed while the chain lives (a displaced proposal's
            // active configuration may count it); on a frozen chain, the period frees all.
            if (frozenAt != 0 && block.timestamp >= frozenAt + period) {
                _fail("a frozen chain's stake stayed locked past the exit period");
            }
        }
    }

    function warp(uint64 dt) external {
        vm.warp(block.timestamp + dt % (2 * uint256(period)));
    }

    // ---- helpers ------------------------------------------------------------------------

    /// Whether a member of configuration `id` still holds a stake at the root.
    function _holdsStake(uint32 id) internal view returns (bool) {
        uint256[] storage m = members[id];
        for (uint256 k = 0; k < m.length; ++k) {
            (uint256 amount,,) = root.stakeOf(chainId, actors[m[k]]);
            if (amount != 0) return true;
        }
        return false;
    }

    function _activate(uint32 id, uint64 from) internal {
        if (activated.length != 0) supersededAt[activated[activated.length - 1]] = uint64(block.timestamp);
        activated.push(id);
        everActive[id] = true;
        activeFrom[id] = from;
        pending = 0;
        ++activations;
    }

    /// The configuration the model holds active at `height`.
    function _configAt(uint64 height) internal view returns (uint32 id) {
        for (uint256 k = 0; k < activated.length; ++k) {
            if (activeFrom[activated[k]] <= height) id = activated[k];
        }
    }

    function _sameMembers(uint32 id) internal view returns (bool) {
        Validator[] memory set = root.validators(chainId, id);
        if (set.length != members[id].length) return false;
        for (uint256 k = 0; k < set.length; ++k) {
            bool found;
            for (uint256 m = 0; m < members[id].length; ++m) {
                found = found || set[k].operator == actors[members[id][m]];
            }
            if (!found) return false;
        }
        return true;
    }

    /// A header at `height` naming configuration `cfg`'s set and `nextHash` next, with `salt`
    /// as its transaction root, certified in round 0 by every member of `cfg`.
    function _certified(uint32 cfg, uint64 height, bytes32 nextHash, bytes32 salt)
        internal
        view
        returns (BlockHeader memory h, CommitCertificate memory cert)
    {
        Validator[] memory set = root.validators(chainId, cfg);
        h.chainId = chainId;
        h.height = height;
        h.timestamp = uint64(block.timestamp);
        h.validatorSetHash = keccak256(abi.encode(set));
        h.nextValidatorSetHash = nextHash;
        h.txRoot = salt;
        bytes32 blockHash = keccak256(abi.encode(h));
        bytes memory message = abi.encode(Vote(Votes.ofRootChild(address(root), chainId), height, 0, 2, blockHash));
        bytes memory sig;
        bytes memory bitmap = new bytes((set.length + 7) / 8);
        for (uint256 k = 0; k < set.length; ++k) {
            bytes memory s = TestBls.sign(secrets[_indexOf(set[k].operator)], message, BLS.VOTE_DST);
            sig = sig.length == 0 ? s : BLS.g1Add(sig, s);
            bitmap[k / 8] |= bytes1(uint8(1) << uint8(k % 8));
        }
        cert = CommitCertificate(height, 0, blockHash, bitmap, sig);
    }

    function _indexOf(address operator) internal view returns (uint256) {
        for (uint256 i = 0; i < N; ++i) {
            if (actors[i] == operator) return i;
        }
        revert("no such actor");
    }
}
