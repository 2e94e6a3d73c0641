// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {RootFixture} from "./RootFixture.sol";

/// Registry, staking and validator configurations.
contract StakingTest is RootFixture {
    function setUp() public {
        deployRoot();
        registerChains();
        vm.warp(NOW); // after the vectors' checkpoint times: the root refuses one ahead of it
    }

    function _key(uint256 i) internal view returns (bytes memory key, bytes memory pop, address op) {
        string memory k = string.concat(".validators[", str(i), "].");
        return (
            vm.parseJsonBytes(world, string.concat(k, "blsPubkey")),
            vm.parseJsonBytes(world, string.concat(k, "pop")),
            vm.parseJsonAddress(world, string.concat(k, "operator"))
        );
    }

    function test_register_chain_assigns_ids_and_refuses_bad_params() public {
        uint64 id = root.registerChain(RootStorage.ChainParams(10, 60, 1 gwei, 4));
        assertEq(id, CHAIN + 1, "next id");
        vm.expectRevert(RootStorage.BadParams.selector);
        root.registerChain(RootStorage.ChainParams(0, 60, 1 gwei, 4));
        vm.expectRevert(RootStorage.BadParams.selector);
        root.registerChain(RootStorage.ChainParams(10, 0, 1 gwei, 4));
        vm.expectRevert(RootStorage.BadParams.selector);
        root.registerChain(RootStorage.ChainParams(10, 60, 1 gwei, 257));
        // An exit period a time plus it would overflow would lock stakes for ever.
        vm.expectRevert(RootStorage.BadParams.selector);
        root.registerChain(RootStorage.ChainParams(10, type(uint64).max, 1 gwei, 4));
        root.registerChain(RootStorage.ChainParams(10, 365 days, 1 gwei, 4));
    }

    function test_bond_checks_proof_of_possession() public {
        (bytes memory key, bytes memory pop, address op) = _key(0);
        (, bytes memory otherPop,) = _key(1);
        vm.deal(op, 1 ether);
        vm.startPrank(op);
        vm.expectRevert(RootStorage.InvalidProofOfPossession.selector);
        root.bond{value: 100 gwei}(CHAIN, key, otherPop);
        vm.expectRevert(RootStorage.InvalidProofOfPossession.selector);
        root.bond{value: 100 gwei}(CHAIN, new bytes(256), new bytes(128));
        vm.expectRevert(RootStorage.InvalidProofOfPossession.selector);
        root.bond{value: 100 gwei}(CHAIN, key, new bytes(64));
        vm.stopPrank();
        // The PoP binds the operator: someone else cannot bond that key with it.
        vm.deal(address(0xBAD), 1 ether);
        vm.prank(address(0xBAD));
        vm.expectRevert(RootStorage.InvalidProofOfPossession.selector);
        root.bond{value: 100 gwei}(CHAIN, key, pop);
        vm.prank(op);
        root.bond{value: 100 gwei}(CHAIN, key, pop);
        (uint256 amount, bool bonded,) = root.stakeOf(CHAIN, op);
        assertEq(amount, 100 gwei, "stake");
        assertTrue(bonded, "bonded");
        vm.prank(op);
        vm.expectRevert(RootStorage.AlreadyBonded.selector);
        root.bond{value: 100 gwei}(CHAIN, key, pop);
    }

    function test_bond_refuses_low_stake_and_unknown_chain() public {
        (bytes memory key, bytes memory pop, address op) = _key(0);
        uint64 strict = root.registerChain(RootStorage.ChainParams(10, 60, 1 ether, 4));
        vm.deal(op, 10 ether);
        vm.startPrank(op);
        vm.expectPartialRevert(RootStorage.StakeTooLow.selector);
        root.bond{value: 0.5 ether}(strict, key, pop);
        vm.expectPartialRevert(RootStorage.UnknownChain.selector);
        root.bond{value: 1 ether}(99, key, pop);
        vm.stopPrank();
    }

    function test_configurations_genesis_active_later_ones_pending_until_acknowledged() public {
        vm.expectRevert(RootStorage.NoGenesis.selector);
        root.proposeConfiguration(CHAIN);
        vm.expectRevert(RootStorage.NoValidators.selector);
        root.proposeGenesis(CHAIN, new address[](0));
        bondCommittee();
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertEq(c.activeConfig, 1, "genesis active at once");
        (bytes32 setHash, uint256 size, uint64 activeFrom,) = root.configuration(CHAIN, 1);
        assertEq(setHash, vm.parseJsonBytes32(world, ".validatorSetHash"), "the ledger's set hash");
        assertEq(size, 4, "size");
        assertEq(activeFrom, 1, "from height 1");
        Validator[] memory vs = root.validators(CHAIN, 1);
        assertEq(keccak256(abi.encode(vs)), setHash, "members hash to the set hash");

        // Validator 0 leaves; configuration 2 (three members) waits for the chain to name it.
        vm.prank(validatorAt(0));
        root.unbond(CHAIN);
        assertEq(root.proposeConfiguration(CHAIN), 2, "config 2");
        // Checkpoints that still name the current set keep it current (epoch length 1).
        submitCheckpoint(0);
        c = root.chain(CHAIN);
        assertEq(c.activeConfig, 1, "still config 1");
        assertEq(c.pendingConfig, 2, "config 2 pending");
        // Its stake stays locked while it can still be slashed.
        vm.prank(validatorAt(0));
        vm.expectPartialRevert(RootStorage.StakeLocked.selector);
        root.withdrawStake(CHAIN);
    }

    /// Validator 0 of active configuration 1 proposes configuration 2 (with itself, the same
    /// set), unbonds, and cannot displace 2 with a configuration without itself before a
    /// checkpoint declines 2: the next checkpoint acknowledges 2, which counts it. Once 3
    /// (without it) is acknowledged in turn, it is free an exit period on, and not before.
    function test_displacing_its_own_pending_configuration_does_not_free_a_counted_stake() public {
        bondCommittee();
        address v0 = validatorAt(0);
        (uint256 stake,,) = root.stakeOf(CHAIN, v0);
        vm.startPrank(v0);
        assertEq(root.proposeConfiguration(CHAIN), 2, "configuration 2, with validator 0");
        root.unbond(CHAIN);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.PendingUndeclined.selector, 2));
        root.proposeConfiguration(CHAIN);
        vm.stopPrank();
        submitCheckpoint(0); // names configuration 1's set, which is 2's: 2 acknowledged
        assertEq(root.chain(CHAIN).activeConfig, 2, "configuration 2, counting validator 0");
        vm.startPrank(v0);
        assertEq(root.proposeConfiguration(CHAIN), 3, "configuration 3, without it");
        vm.warp(block.timestamp + PERIOD + 1);
        vm.expectPartialRevert(RootStorage.StakeLocked.selector);
        root.withdrawStake(CHAIN);
        vm.stopPrank();
        assertEq(root.chain(CHAIN).activeConfig, 2, "configuration 2 still certifies");
        (uint256 held,,) = root.stakeOf(CHAIN, v0);
        assertEq(held, stake, "still at stake for what configuration 2 signs");

        (BlockHeader memory header, CommitCertificate memory cert) = rotation();
        root.submitCheckpoint(header, cert);
        assertEq(root.chain(CHAIN).activeConfig, 3, "configuration 3 acknowledged");
        uint64 freeAt = uint64(block.timestamp) + PERIOD;
        vm.prank(v0);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.StakeLocked.selector, freeAt));
        root.withdrawStake(CHAIN);
        vm.warp(freeAt);
        uint256 before = v0.balance;
        vm.prank(v0);
        root.withdrawStake(CHAIN);
        assertEq(v0.balance, before + stake, "returned once nothing counts it");
    }

    function test_unbonded_before_any_configuration_withdraws_at_once() public {
        (bytes memory key, bytes memory pop, address op) = _key(0);
        vm.deal(op, 1 ether);
        vm.startPrank(op);
        root.bond{value: 100 gwei}(CHAIN, key, pop);
        vm.expectRevert(RootStorage.NotBonded.selector);
        root.withdrawStake(CHAIN);
        root.unbond(CHAIN);
        uint256 before = op.balance;
        root.withdrawStake(CHAIN);
        vm.stopPrank();
        assertEq(op.balance, before + 100 gwei, "stake returned");
    }

    function test_checkpoint_rules() public {
        bondCommittee();
        makeDeposits();
        (BlockHeader memory h3, CommitCertificate memory c3) = checkpoint(0);
        (BlockHeader memory h5, CommitCertificate memory c5) = checkpoint(1);
        root.submitCheckpoint(h5, c5);
        // Heights strictly increase; nothing is overwritten.
        vm.expectPartialRevert(RootStorage.NotNewer.selector);
        root.submitCheckpoint(h3, c3);
        vm.expectPartialRevert(RootStorage.NotNewer.selector);
        root.submitCheckpoint(h5, c5);
        assertEq(root.checkpoints(CHAIN, 5), keccak256(abi.encode(h5)), "stored");
        assertEq(root.checkpoints(CHAIN, 3), bytes32(0), "skipped heights stay empty");
    }

    function test_checkpoint_refuses_malformed_certificates() public {
        bondCommittee();
        (BlockHeader memory h, CommitCertificate memory c) = checkpoint(0);
        CommitCertificate memory bad = c;
        bad.signerBitmap = hex"0f00";
        vm.expectPartialRevert(RootStorage.BitmapLength.selector);
        root.submitCheckpoint(h, bad);
        bad.signerBitmap = hex"1f";
        vm.expectRevert(RootStorage.BitmapStrayBits.selector);
        root.submitCheckpoint(h, bad);
        bad.signerBitmap = hex"0f";
        bad.aggregateSignature = new bytes(127);
        vm.expectRevert(RootStorage.BadSignature.selector);
        root.submitCheckpoint(h, bad);
        bad = c;
        bad.round = c.round + 1; // signed for another round
        vm.expectRevert(RootStorage.BadSignature.selector);
        root.submitCheckpoint(h, bad);
        BlockHeader memory other = h;
        other.validatorSetHash = bytes32(uint256(1));
        vm.expectRevert(RootStorage.HeaderMismatch.selector);
        root.submitCheckpoint(other, c);
    }
}
