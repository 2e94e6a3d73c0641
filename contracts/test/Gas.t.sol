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
}
