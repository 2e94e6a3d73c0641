// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootFixture} from "./RootFixture.sol";
import {Vm} from "./base/Test.sol";
import {MockERC20} from "./mocks/Tokens.sol";

/// Drives deposits, deposit exits (including repeated ones), time, processing and withdrawals
/// with fuzzed arguments, and keeps the books a test can check against.
contract RootHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint64 internal constant CHAIN = 7;

    PlasmaRoot internal immutable root;
    MockERC20 internal immutable token;
    uint256 internal immutable bond;
    address[] public actors;
    DepositRecord[] internal records;
    /// Everything deposited, per asset (index 0: ETH, 1: the token).
    uint256[2] public deposited;
    /// Everything withdrawn as exit payouts of the token.
    uint256 public tokenWithdrawn;

    constructor(PlasmaRoot root_, MockERC20 token_, uint256 bond_) {
        root = root_;
        token = token_;
        bond = bond_;
        for (uint256 i = 0; i < 5; ++i) {
            actors.push(address(uint160(0xACC0 + i)));
        }
    }

    function deposit(uint256 actorSeed, uint256 amount, bool useToken) external {
        address a = actors[actorSeed % actors.length];
        amount = 1 + amount % 1e24;
        address asset = useToken ? address(token) : address(0);
        uint64 nonce;
        if (useToken) {
            token.mint(a, amount);
            vm.prank(a);
            token.approve(address(root), amount);
            vm.prank(a);
            nonce = root.deposit(CHAIN, a, asset, amount);
        } else {
            vm.deal(a, a.balance + amount);
            vm.prank(a);
            nonce = root.deposit{value: amount}(CHAIN, a, asset, amount);
        }
        records.push(DepositRecord(CHAIN, nonce, a, a, asset, amount));
        deposited[useToken ? 1 : 0] += amount;
    }

    /// Starts (or tries to restart) the exit of a recorded deposit.
    function exitDeposit(uint256 seed) external {
        if (records.length == 0) return;
        DepositRecord memory r = records[seed % records.length];
        vm.deal(r.recipient, r.recipient.balance + bond);
        vm.prank(r.recipient);
        try root.startDepositExit{value: bond}(r) {} catch {}
    }

    /// Tries to exit a deposit with an inflated amount (never recorded).
    function exitForged(uint256 seed, uint256 extra) external {
        if (records.length == 0) return;
        DepositRecord memory r = records[seed % records.length];
        r.amount += 1 + extra % 1e24;
        vm.deal(r.recipient, r.recipient.balance + bond);
        vm.prank(r.recipient);
        try root.startDepositExit{value: bond}(r) {
            revert("a forged record exited");
        } catch {}
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + seconds_ % (3 * 604_800));
    }

    function process(uint256 max, bool useToken) external {
        root.processExits(CHAIN, useToken ? address(token) : address(0), max % 8);
    }

    function withdrawToken(uint256 actorSeed) external {
        address a = actors[actorSeed % actors.length];
        uint256 owed = root.owed(a, address(token));
        if (owed == 0) return;
        vm.prank(a);
        root.withdraw(address(token));
        tokenWithdrawn += owed;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }
}

/// Payouts per chain and token never exceed deposits; the root stays solvent.
contract InvariantTest is RootFixture {
    RootHandler internal handler;
    MockERC20 internal tkn;

    function setUp() public {
        deployRoot();
        registerChains();
        tkn = new MockERC20();
        handler = new RootHandler(root, tkn, BOND);
        targetContract(address(handler));
    }

    function _owedTotal(address asset) internal view returns (uint256 total) {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            total += root.owed(handler.actors(i), asset);
        }
        total += root.owed(address(handler), asset);
    }

    function invariant_token_payouts_never_exceed_deposits() public view {
        uint256 paidOut = _owedTotal(address(tkn)) + handler.tokenWithdrawn();
        assertLe(paidOut, handler.deposited(1), "token paid out <= deposited");
        assertEq(root.locked(CHAIN, address(tkn)) + paidOut, handler.deposited(1), "locked + paid = deposited");
        assertEq(
            tkn.balanceOf(address(root)), root.locked(CHAIN, address(tkn)) + _owedTotal(address(tkn)), "token solvency"
        );
    }

    function invariant_eth_locked_never_exceeds_deposits_and_root_is_solvent() public view {
        assertLe(root.locked(CHAIN, address(0)), handler.deposited(0), "ETH locked <= deposited");
        assertGt(address(root).balance + 1, root.locked(CHAIN, address(0)) + _owedTotal(address(0)), "ETH solvency");
    }
}
