// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {BLS} from "../src/lib/BLS.sol";
import {RootFixture} from "./RootFixture.sol";
import {TestBls} from "./StakeHandler.sol";

/// Who owns a chain's validator set: the registrant names the genesis set, a stranger who
/// bonds first owns nothing, and sybils at the minimum stake cannot keep larger bonds out.
contract CaptureTest is RootFixture {
    uint64 internal chain;

    function setUp() public {
        deployRoot();
        vm.warp(NOW);
        chain = root.registerChain(
            RootStorage.ChainParams({epochLength: 4, exitPeriod: PERIOD, minStake: 1 gwei, maxValidators: 3})
        );
    }

    /// Operator `i`, with its own BLS key, bonds `amount`.
    function _bond(uint256 i, uint256 amount) internal returns (address op) {
        op = vm.addr(5000 + i);
        uint256 sk = uint256(keccak256(abi.encode("capture", i))) >> 8;
        bytes memory key = TestBls.publicKey(sk);
        bytes memory pop = TestBls.sign(sk, abi.encode(op, key), BLS.POP_DST);
        vm.deal(op, amount);
        vm.prank(op);
        root.bond{value: amount}(chain, key, pop);
    }

    function _members(uint32 config) internal view returns (address[] memory ops) {
        Validator[] memory vs = root.validators(chain, config);
        ops = new address[](vs.length);
        for (uint256 i = 0; i < vs.length; ++i) {
            ops[i] = vs[i].operator;
        }
    }

    function test_a_stranger_who_bonds_first_does_not_own_the_chain() public {
        address mallory = _bond(9, 1 gwei);
        vm.prank(mallory);
        vm.expectRevert(RootStorage.NoGenesis.selector);
        root.proposeConfiguration(chain);
        address[] memory genesis = new address[](1);
        genesis[0] = mallory;
        vm.prank(mallory);
        vm.expectRevert(RootStorage.NotRegistrant.selector);
        root.proposeGenesis(chain, genesis);
        assertEq(root.chain(chain).activeConfig, 0, "no configuration yet");

        // The registrant names its validators; Mallory stays outside, bonded for later.
        address[] memory named = new address[](2);
        (named[0], named[1]) = (_bond(0, 10 gwei), _bond(1, 10 gwei));
        root.proposeGenesis(chain, named);
        assertEq(root.chain(chain).activeConfig, 1, "the named set is active");
        assertEq(keccak256(abi.encode(_members(1))), keccak256(abi.encode(named)), "exactly the named operators");
        vm.expectRevert(RootStorage.GenesisNamed.selector);
        root.proposeGenesis(chain, named);
    }

    function test_sybils_at_the_minimum_stake_cannot_keep_a_larger_bond_out() public {
        address[] memory genesis = new address[](1);
        genesis[0] = _bond(0, 10 gwei);
        root.proposeGenesis(chain, genesis);
        // Two sybils at the minimum fill the pending set (three at most).
        address[] memory sybils = new address[](2);
        for (uint256 i = 0; i < 2; ++i) {
            sybils[i] = _bond(10 + i, 1 gwei);
        }
        // A bond no larger than the smallest is still refused: the set is full.
        vm.expectPartialRevert(RootStorage.TooManyValidators.selector);
        this.bondAs(20, 1 gwei);
        address honest = _bond(21, 5 gwei);
        (, bool bonded,) = root.stakeOf(chain, honest);
        assertTrue(bonded, "the larger bond is in the pending set");
        uint256 left;
        for (uint256 i = 0; i < 2; ++i) {
            (, bool still,) = root.stakeOf(chain, sybils[i]);
            if (!still) ++left;
        }
        assertEq(left, 1, "one sybil at the minimum left the pending set");
    }

    /// Before genesis a full set outbids nobody: a rich stranger cannot unbond the operators
    /// the registrant is about to name (their stakes free at once, so it could repeat it).
    function test_a_stranger_cannot_outbid_the_operators_before_genesis() public {
        address[] memory named = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            named[i] = _bond(30 + i, 1 gwei);
        }
        vm.expectPartialRevert(RootStorage.TooManyValidators.selector);
        this.bondAs(39, 1 ether);
        root.proposeGenesis(chain, named);
        assertEq(keccak256(abi.encode(_members(1))), keccak256(abi.encode(named)), "the named set is active");
    }

    /// `_bond`, as an external call (so a revert can be expected of it).
    function bondAs(uint256 i, uint256 amount) external {
        _bond(i, amount);
    }
}
