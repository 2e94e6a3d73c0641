// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {RootFixture} from "./RootFixture.sol";
import {RootModule} from "../src/RootModule.sol";
import {LinkVerifier} from "../src/LinkVerifier.sol";
import {FraudVerifier} from "../src/FraudVerifier.sol";
import {FormVerifier} from "../src/FormVerifier.sol";

/// How far a quorum can move a chain's checkpoints: a certified header far ahead of the chain
/// must neither block the honest checkpoints after it nor reach the heights the exit queue
/// reserves for deposits.
contract CheckpointsTest is RootFixture {
    uint64 internal constant DEPOSIT_TAG = 1 << 63;
    /// Where `_chains` sits in the root's storage (`forge inspect PlasmaRoot storageLayout`).
    uint256 internal constant CHAINS_SLOT = 1;

    /// The ledger's `MAX_CHECKPOINT_GAP`, as the vectors carry it.
    uint64 internal gap;

    /// Chain 7 with checkpoint 3 in; the tip (5) not yet.
    function setUp() public {
        deployRoot();
        registerChains();
        bondCommittee();
        makeDeposits();
        submitCheckpoint(0);
        vm.warp(NOW);
        gap = uint64(vm.parseJsonUint(world, ".maxCheckpointGap"));
    }

    /// The tip's header at another height, certified by the whole committee (`root.json`).
    function _jump(string memory name) internal view returns (BlockHeader memory, CommitCertificate memory) {
        string memory k = string.concat(".jumps.", name);
        return (
            abi.decode(vm.parseJsonBytes(world, string.concat(k, ".header")), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(world, string.concat(k, ".certificate")), (CommitCertificate))
        );
    }

    /// Puts the chain's last checkpoint at `height`, as if it had come that far.
    function _setLastHeight(uint64 height) internal {
        bytes32 slot = keccak256(abi.encode(uint256(CHAIN), CHAINS_SLOT));
        uint256 word = uint256(vm.load(address(root), slot));
        word = (word & ~(uint256(type(uint64).max) << 64)) | (uint256(height) << 64);
        vm.store(address(root), slot, bytes32(word));
        assertEq(root.chain(CHAIN).lastHeight, height, "the chain's core slot moved");
    }

    /// A quorum that stamps a checkpoint ahead of the root's clock would push its outputs'
    /// exits out of reach (an exit waits two periods from its output's time): refused beyond
    /// the drift a header may have, accepted within it.
    function test_checkpoint_timed_ahead_of_the_root_clock_is_refused() public {
        (BlockHeader memory tip, CommitCertificate memory cert) = checkpoint(1);
        vm.warp(tip.timestamp - 16);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.AheadOfClock.selector, tip.timestamp, tip.timestamp - 16));
        root.submitCheckpoint(tip, cert);
        assertEq(root.chain(CHAIN).lastHeight, 3, "nothing landed");
        vm.warp(tip.timestamp - 15);
        root.submitCheckpoint(tip, cert);
        assertEq(root.chain(CHAIN).lastHeight, 5, "within the drift it lands");
    }

    function test_far_future_checkpoint_cannot_block_the_chain() public {
        // A quorum certifies a header one block past the gap: refused, nothing stored.
        (BlockHeader memory far, CommitCertificate memory farCert) = _jump("pastTheGap");
        assertEq(far.height, 3 + gap + 1, "one past the gap");
        vm.expectRevert(abi.encodeWithSelector(RootStorage.TooFarAhead.selector, far.height, 3 + gap));
        root.submitCheckpoint(far, farCert);
        assertEq(root.checkpoints(CHAIN, far.height), bytes32(0), "not stored");
        // The honest next checkpoint still lands.
        submitCheckpoint(1);
        assertEq(root.chain(CHAIN).lastHeight, 5, "the honest tip is the last checkpoint");
        // The bound is inclusive: a jump of exactly the gap lands.
        (BlockHeader memory widest, CommitCertificate memory widestCert) = _jump("widest");
        assertEq(widest.height, 5 + gap, "exactly the gap");
        root.submitCheckpoint(widest, widestCert);
        assertEq(root.chain(CHAIN).lastHeight, widest.height, "the widest jump lands");
    }

    /// A block past the history tree's last leaf (2^32 - 1) cannot be proven in any history,
    /// nor be a checkpoint: its outputs cannot exit. (A checkpoint there could prove its own
    /// outputs, and the ledger refuses every block that high.) Anchor heights stay far below
    /// the root's deposit tag too.
    function test_checkpoint_heights_stop_where_the_history_tree_ends() public {
        uint64 highestHeight = (uint64(1) << 32) - 1;
        // A chain that has come within two blocks of the end (2^12 checkpoints at the widest).
        _setLastHeight(highestHeight - 1);
        // A quorum's checkpoint one past the end is refused, though within the gap.
        (BlockHeader memory past, CommitCertificate memory pastCert) = _jump("pastTheHighest");
        assertEq(past.height, highestHeight + 1, "one past the end");
        vm.expectRevert(abi.encodeWithSelector(RootStorage.HeightOutOfRange.selector, past.height, highestHeight));
        root.submitCheckpoint(past, pastCert);
        assertEq(root.checkpoints(CHAIN, past.height), bytes32(0), "not stored");
        // The highest anchor lands; Alice proves her change of block 2 under it.
        (BlockHeader memory highest, CommitCertificate memory highestCert) = _jump("highestAnchor");
        assertEq(highest.height, highestHeight, "the last leaf");
        root.submitCheckpoint(highest, highestCert);
        ExitCase memory e = exitCase("challengedExit");
        e.anchor = highest;
        startExit(e);
        uint256 key = root.nextExitKey(CHAIN, address(0));
        assertEq(key & DEPOSIT_TAG, 0, "her key does not read as a deposit's");
        assertEq(uint64(key), highestHeight, "its tag is her anchor's height");
        // Her exit, not a deposit's, is the one paid.
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(e.owner, address(0)), e.amount + BOND - BOUNTY, "Alice paid");
        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, e.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Processed), "processed");
    }

    function test_epoch_longer_than_the_checkpoint_gap_is_refused() public {
        // Its epoch ends would lie beyond any checkpoint's reach: no set change could land.
        vm.expectRevert(RootStorage.BadParams.selector);
        root.registerChain(RootStorage.ChainParams(gap + 1, 60, 1 gwei, 4));
        root.registerChain(RootStorage.ChainParams(gap, 60, 1 gwei, 4));
    }

    /// Every anchored proof reads one slot per height from the block it voids up to its anchor
    /// (`CheckpointBelow`), and a quorum chooses how far apart its checkpoints are, up to the
    /// gap: a proof under the widest gap must still fit a block, or the fraud it proves is
    /// beyond proof.
    function test_a_proof_under_the_widest_gap_fits_a_block() public {
        GapProbe probe = new GapProbe(new FraudVerifier(new FormVerifier(), new LinkVerifier()));
        uint256 before = gasleft();
        probe.noCheckpointFrom(CHAIN, 1, 1 + gap);
        uint256 used = before - gasleft();
        // Well inside a 30M-gas block, beside the proof itself.
        assertLe(used, 12_000_000, string.concat("gas to read the widest gap: ", vm.toString(used)));
    }
}

/// The module's check that no checkpoint lies between a proof's verdict and its anchor,
/// exposed (over empty storage: every slot read, none found).
contract GapProbe is RootModule {
    constructor(FraudVerifier verifier_) RootModule(verifier_, 1, 0) {}

    function noCheckpointFrom(uint64 chainId, uint64 height, uint64 anchorHeight) external view {
        _noCheckpointFrom(chainId, height, anchorHeight);
    }
}
