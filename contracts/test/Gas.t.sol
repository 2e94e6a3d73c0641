// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootFixture} from "./RootFixture.sol";

/// Traces of the hot paths, for reading with `-vvvv` (the gas figures of record come from
/// real receipts: `cargo run --release -p plasma-bridge --example gas_report`).
contract GasTraceTest is RootFixture {
    function setUp() public {
        deployRoot();
        registerChains();
        bondCommittee();
        makeDeposits();
        submitCheckpoint(0);
    }

    function test_trace_submitCheckpoint() public {
        submitCheckpoint(1);
    }

    function test_trace_startExit() public {
        submitCheckpoint(1);
        vm.warp(NOW);
        startExit(exitCase("challengedExit"));
    }

    /// The choice of min-sig, measured on this EVM: mapping a field element to G1 costs
    /// exactly 5,500 gas, to G2 exactly 23,800 (hash-to-curve needs two of either), so hashing
    /// votes to G1 saves ~37,000 gas per checkpoint.
    function test_hash_to_curve_costs_min_sig_vs_min_pk() public view {
        bytes memory fp = new bytes(64);
        fp[63] = 0x05;
        bytes memory fp2 = bytes.concat(fp, fp);
        assertEq(_exactCost(address(0x10), fp), 5_500, "MAP_FP_TO_G1");
        assertEq(_exactCost(address(0x11), fp2), 23_800, "MAP_FP2_TO_G2");
    }

    /// The least gas with which a precompile call succeeds.
    function _exactCost(address precompile, bytes memory input) internal view returns (uint256 lo) {
        uint256 hi = 100_000;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            (bool ok,) = precompile.staticcall{gas: mid}(input);
            if (ok) hi = mid;
            else lo = mid + 1;
        }
    }
}
