// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {RootFixture} from "./RootFixture.sol";

/// What the fraud tests share: the fixture's chain under the root, the vectors, and how a
/// vector is proven (the honest counterpart refused and changing nothing; the fraud rolling the
/// chain back to before the bad block, slashing the certificate's signers, rewarding the prover
/// and freezing the chain, after which honest outputs from before the bad block exit and are
/// paid and outputs of the bad block cannot exit at all).
abstract contract FraudFixture is RootFixture {
    address internal constant PROVER = address(0xF4A0D);
    uint256 internal constant STAKE = 100 gwei; // each of the four fixture validators
    string internal fraud;

    function setUp() public virtual {
        setUpWorld();
        fraud = vm.readFile("test/vectors/fraud.json");
    }

    /// `who` commits to proving `p` (anyone may send the commitment: it names its author).
    function commitFraud(address who, FraudProof memory p) internal {
        root.commitFraud(keccak256(abi.encode(who, CHAIN, p)));
    }

    /// `who` commits to `p` and proves it in the next block.
    function proveAs(address who, FraudProof memory p) internal {
        commitFraud(who, p);
        vm.roll(vm.getBlockNumber() + 1);
        vm.prank(who);
        root.proveFraud(CHAIN, p);
    }

    function _proof(string memory name) internal view returns (FraudProof memory) {
        return abi.decode(vm.parseJsonBytes(fraud, string.concat(_case(name), ".proof")), (FraudProof));
    }

    /// Submits the checkpoint fraud case `name` is anchored to (`.checkpoint` in fraud.json).
    function _submitCheckpointOf(string memory name) internal {
        string memory k = _case(name);
        root.submitCheckpoint(
            abi.decode(vm.parseJsonBytes(fraud, string.concat(k, ".checkpoint.header")), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(fraud, string.concat(k, ".checkpoint.certificate")), (CommitCertificate))
        );
    }

    /// Validators 1 to 3 (who certified the fork or the fabricated history) lost their stake,
    /// validator 0 kept its own, and the prover is owed half of what was taken.
    /// A fork's proof: every stake stands, the prover is paid nothing.
    function _assertNoStakeTaken() internal view {
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), STAKE, "no stake taken");
        }
        assertEq(root.owed(PROVER, address(0)), 0, "nothing paid");
    }

    function _assertOnlyValidators1To3Slashed() internal view {
        assertEq(_stake(0), STAKE, "did not sign the conflicting history");
        for (uint256 v = 1; v < 4; ++v) {
            assertEq(_stake(v), 0, "signed the conflicting history");
        }
        assertEq(root.owed(PROVER, address(0)), 3 * STAKE / 2, "prover rewarded half the slashed stake");
    }

    /// Where fraud case `name` is in fraud.json. The names are read in one call: each cheatcode
    /// call passes the whole file, so a scan case by case costs gas in the billions.
    function _case(string memory name) internal view returns (string memory) {
        string[] memory names = abi.decode(vm.parseJson(fraud, ".cases[*].name"), (string[]));
        for (uint256 i = 0; i < names.length; ++i) {
            if (keccak256(bytes(names[i])) == keccak256(bytes(name))) return string.concat(".cases[", str(i), "]");
        }
        revert(string.concat("no fraud case ", name));
    }

    function _stake(uint256 v) internal view returns (uint256 amount) {
        (amount,,) = root.stakeOf(CHAIN, validatorAt(v));
    }

    /// The honest case is refused with `honestError` and leaves the chain live; the fraud
    /// convicts with the slashing and freezing it must.
    function _convict(string memory name, string memory honest, bytes4 honestError, uint256 slashedValidators)
        internal
    {
        vm.prank(PROVER);
        vm.expectPartialRevert(honestError);
        root.proveFraud(CHAIN, _proof(honest));
        assertTrue(!root.chain(CHAIN).frozen, "honest evidence changes nothing");
        assertEq(_stake(0), STAKE, "nobody slashed");

        uint256 burnedBefore = root.burned();
        proveAs(PROVER, _proof(name));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        uint256 slashed = slashedValidators * STAKE;
        assertEq(root.owed(PROVER, address(0)), slashed / 2, "prover rewarded half the slashed stake");
        assertEq(root.burned() - burnedBefore, slashed - slashed / 2, "the rest burned");
        _assertFrozenAndPreFraudExitsFirst(c.rollbackHeight);
    }

    function _assertFrozenAndPreFraudExitsFirst(uint64 rollback) internal {
        (BlockHeader memory tip, CommitCertificate memory cert) = checkpoint(1);
        // No more checkpoints, deposits or bonds.
        vm.expectPartialRevert(RootStorage.ChainIsFrozen.selector);
        root.submitCheckpoint(tip, cert);
        vm.deal(address(this), 1 ether);
        vm.expectPartialRevert(RootStorage.ChainIsFrozen.selector);
        root.deposit{value: 1 ether}(CHAIN, address(this), address(0), 1 ether);
        // The tip checkpoint is void: an output of the bad block cannot exit.
        if (tip.height >= rollback) {
            ExitCase memory bad = exitCase("postFraudExit");
            vm.deal(bad.owner, BOND);
            vm.prank(bad.owner);
            vm.expectPartialRevert(RootStorage.UnknownAnchor.selector);
            root.startExit{value: BOND}(bad.anchor, bad.pos, bad.inclusion, 0);
        }
        // An honest output from before the bad block exits under checkpoint 3 and is paid
        // (unless the fraud is at height 3 itself, which voids that checkpoint too).
        ExitCase memory good = exitCase("preFraudExit");
        if (good.anchor.height >= rollback) {
            vm.deal(good.owner, BOND);
            vm.prank(good.owner);
            vm.expectPartialRevert(RootStorage.UnknownAnchor.selector);
            root.startExit{value: BOND}(good.anchor, good.pos, good.inclusion, 0);
            return;
        }
        startExit(good);
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(good.owner, address(0)), good.amount + BOND - BOUNTY, "pre-fraud output paid");
    }

    /// Vector `name` convicts, in at most `budget` gas (`what` names it in the failure).
    function _convictsWithin(string memory name, uint256 budget, string memory what) internal {
        FraudProof memory proof = _proof(name);
        vm.prank(PROVER);
        uint256 before = gasleft();
        root.proveFraud(CHAIN, proof);
        uint256 used = before - gasleft();
        assertTrue(root.chain(CHAIN).frozen, "convicted");
        assertLe(used, budget, string.concat(what, vm.toString(used)));
    }
}
