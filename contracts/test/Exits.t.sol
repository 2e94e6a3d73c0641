// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {RootFixture} from "./RootFixture.sol";
import {FeeOnTransferToken, RevertingReceiver} from "./mocks/Tokens.sol";

/// Deposits and the exit game, including the attack scenarios of the Plasma MVP / MoreVP
/// suites that apply to standard exits.
contract ExitsTest is RootFixture {
    address internal constant CHALLENGER = address(0xC4A1);

    function setUp() public {
        setUpWorld();
    }

    function _senderData(address who) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(who));
    }

    function _status(bytes32 exitId) internal view returns (RootStorage.ExitStatus status) {
        (, status,) = root.exitOf(CHAIN, exitId);
    }

    function _spentExitSpend() internal view returns (SignedTransaction memory) {
        return abi.decode(vm.parseJsonBytes(world, ".spentExitSpend"), (SignedTransaction));
    }

    /// A deposit-record exit by `who` of a fresh ETH deposit; returns its record.
    function _depositAndExit(address who, uint256 amount) internal returns (DepositRecord memory r) {
        uint64 nonce = depositAs(who, who, address(0), amount);
        r = DepositRecord(CHAIN, nonce, who, who, address(0), amount);
        vm.deal(who, who.balance + BOND);
        vm.prank(who);
        root.startDepositExit{value: BOND}(r, 0);
    }

    // ---- deposits -------------------------------------------------------------------------

    function test_deposit_records_nonce_and_locks_value() public {
        uint256 lockedBefore = root.locked(CHAIN, address(0));
        uint64 nonce = depositAs(address(0xA11CE), address(0xB0B), address(0), 5 ether);
        assertEq(nonce, 4, "next nonce after the four fixture deposits");
        assertEq(root.locked(CHAIN, address(0)), lockedBefore + 5 ether, "locked");
        bytes32 commitment = root.depositCommitments(CHAIN, nonce);
        DepositRecord memory r = DepositRecord(CHAIN, nonce, address(0xA11CE), address(0xB0B), address(0), 5 ether);
        assertEq(uint256(commitment) >> 64, uint256(keccak256(abi.encode(r))) >> 64, "record commitment");
        assertEq(uint64(uint256(commitment)), block.timestamp, "recorded at");
    }

    function test_deposit_refuses_bad_input() public {
        vm.deal(address(this), 10 ether);
        vm.expectRevert(RootStorage.BadAmount.selector);
        root.deposit{value: 1 ether}(CHAIN, address(0xB0B), address(0), 2 ether);
        vm.expectRevert(RootStorage.BadAmount.selector);
        root.deposit{value: 0}(CHAIN, address(0xB0B), address(0), 0);
        vm.expectRevert(RootStorage.BadRecipient.selector);
        root.deposit{value: 1 ether}(CHAIN, address(0), address(0), 1 ether);
        vm.expectPartialRevert(RootStorage.UnknownChain.selector);
        root.deposit{value: 1 ether}(99, address(0xB0B), address(0), 1 ether);
        vm.expectRevert(RootStorage.BadAmount.selector);
        root.deposit{value: 1 ether}(CHAIN, address(0xB0B), token, 1 ether);
    }

    function test_fee_on_transfer_token_credited_by_balance_delta() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fot.mint(address(this), 1000);
        fot.approve(address(root), 1000);
        uint64 nonce = root.deposit(CHAIN, address(0xB0B), address(fot), 1000);
        assertEq(root.locked(CHAIN, address(fot)), 990, "credited what arrived");
        DepositRecord memory r = DepositRecord(CHAIN, nonce, address(this), address(0xB0B), address(fot), 990);
        assertEq(
            uint256(root.depositCommitments(CHAIN, nonce)) >> 64,
            uint256(keccak256(abi.encode(r))) >> 64,
            "record of 990"
        );
    }

    // ---- standard exits -------------------------------------------------------------------

    function test_start_exit_queues_with_mvp_priority() public {
        ExitCase memory e = exitCase("preFraudExit");
        startExit(e);
        (address owner, RootStorage.ExitStatus status, uint256 amount) = root.exitOf(CHAIN, e.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Started), "started");
        assertEq(owner, e.owner, "owner");
        assertEq(amount, e.amount, "amount");
        uint64 expected = ExitGame.exitableAt(e.inclusion.header.timestamp, uint64(block.timestamp), PERIOD);
        uint256 key = root.nextExitKey(CHAIN, address(0));
        assertEq(key >> 64, ExitGame.priority(expected, e.pos), "queue key: the ledger's priority");
        assertEq(uint64(key), e.anchor.height, "queue key tag: the anchor height");
    }

    function test_exit_by_non_owner_fails() public {
        ExitCase memory e = exitCase("preFraudExit");
        vm.deal(address(0xBAD), BOND);
        vm.prank(address(0xBAD));
        vm.expectPartialRevert(ExitGame.NotOwner.selector);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
    }

    function test_double_exit_fails() public {
        ExitCase memory e = exitCase("preFraudExit");
        startExit(e);
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        vm.expectPartialRevert(RootStorage.ExitExists.selector);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
    }

    function test_wrong_bond_fails() public {
        ExitCase memory e = exitCase("preFraudExit");
        vm.deal(e.owner, 1 ether);
        vm.startPrank(e.owner);
        vm.expectPartialRevert(RootStorage.WrongBond.selector);
        root.startExit{value: BOND - 1}(e.anchor, e.pos, e.inclusion, 0);
        vm.expectPartialRevert(RootStorage.WrongBond.selector);
        root.startExit{value: BOND + 1}(e.anchor, e.pos, e.inclusion, 0);
        vm.stopPrank();
    }

    function test_exit_under_unknown_anchor_fails() public {
        ExitCase memory e = exitCase("preFraudExit");
        e.anchor.timestamp += 1; // not the checkpointed header
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        vm.expectPartialRevert(RootStorage.UnknownAnchor.selector);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
    }

    function test_minted_deposit_exits_under_its_deposit_id_once() public {
        ExitCase memory e = exitCase("spentDeposit"); // bob's deposit nonce 2, minted at (1,2,0)
        startExit(e);
        bytes32 depositId = ExitGame.depositExitId(2);
        assertEq(uint256(_status(depositId)), uint256(RootStorage.ExitStatus.Started), "keyed by nonce");
        // The same deposit cannot exit again from the root's record.
        DepositRecord memory r = DepositRecord(CHAIN, 2, e.owner, e.owner, address(0), 30);
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        vm.expectPartialRevert(RootStorage.ExitExists.selector);
        root.startDepositExit{value: BOND}(r, 0);
    }

    // ---- challenges -----------------------------------------------------------------------

    function test_exit_of_spent_output_challenged_bond_to_challenger_not_restartable() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        vm.prank(CHALLENGER);
        root.challengeExit(CHAIN, key, _spentExitSpend(), 0, _senderData(CHALLENGER));
        assertEq(CHALLENGER.balance, BOND, "bond to the challenger");
        assertEq(uint256(_status(e.exitId)), uint256(RootStorage.ExitStatus.Challenged), "challenged");
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        vm.expectPartialRevert(RootStorage.ExitExists.selector);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
        // A challenged exit is skipped when its turn comes.
        vm.warp(block.timestamp + 3 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(e.owner, address(0)), 0, "nothing paid");
    }

    function test_challenge_with_tx_in_flight_succeeds() public {
        string memory j = vm.readFile("test/vectors/exits.json");
        ExitCase memory e = exitCase("challengedExit");
        uint256 key = startExit(e);
        // spent_by_owner: signed by the owner, in no block.
        SignedTransaction memory spend = abi.decode(vm.parseJsonBytes(j, ".challenges[0].spend"), (SignedTransaction));
        vm.prank(CHALLENGER);
        root.challengeExit(CHAIN, key, spend, 0, _senderData(CHALLENGER));
        assertEq(CHALLENGER.balance, BOND, "bond to the challenger");
    }

    function test_challenge_of_deposit_exit_with_minted_and_spent_output() public {
        ExitCase memory e = exitCase("spentDeposit");
        // Bob exits his deposit from the root's record, though it was minted and spent.
        DepositRecord memory r = DepositRecord(CHAIN, 2, e.owner, e.owner, address(0), 30);
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        root.startDepositExit{value: BOND}(r, 0);
        vm.prank(CHALLENGER);
        root.challengeDepositExit(2, e.anchor, e.pos, e.inclusion, _spentExitSpend(), 1, _senderData(CHALLENGER));
        assertEq(CHALLENGER.balance, BOND, "bond to the challenger");
        assertEq(uint256(_status(ExitGame.depositExitId(2))), uint256(RootStorage.ExitStatus.Challenged), "challenged");
    }

    function test_challenge_with_wrong_input_index_fails() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        vm.prank(CHALLENGER);
        vm.expectPartialRevert(ExitGame.NotSpendingExit.selector);
        root.challengeExit(CHAIN, key, _spentExitSpend(), 1, _senderData(CHALLENGER));
    }

    function test_challenge_with_unrelated_tx_fails() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        // The transaction that created the output does not spend it.
        SignedTransaction memory unrelated = e.inclusion.signedTx;
        vm.prank(CHALLENGER);
        vm.expectPartialRevert(ExitGame.NotSpendingExit.selector);
        root.challengeExit(CHAIN, key, unrelated, 0, _senderData(CHALLENGER));
    }

    function test_challenge_with_bad_signature_fails() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        SignedTransaction memory spend = _spentExitSpend();
        bytes memory sig = spend.signatures[0];
        sig[5] ^= 0x01;
        vm.prank(CHALLENGER);
        vm.expectPartialRevert(ExitGame.NotSignedByOwner.selector);
        root.challengeExit(CHAIN, key, spend, 0, _senderData(CHALLENGER));
    }

    function test_challenge_of_never_started_exit_fails() public {
        ExitCase memory e = exitCase("spentExit");
        // The key its exit would be queued under, were it started now.
        uint64 exitableAt = ExitGame.exitableAt(e.inclusion.header.timestamp, uint64(block.timestamp), PERIOD);
        uint256 key = ExitGame.priority(exitableAt, e.pos) << 64 | e.anchor.height;
        vm.prank(CHALLENGER);
        vm.expectPartialRevert(RootStorage.NotActive.selector);
        root.challengeExit(CHAIN, key, _spentExitSpend(), 0, _senderData(CHALLENGER));
    }

    /// An exit keyed by a deposit is challenged with the proof of its mint
    /// (`challengeDepositExit`); its queue key names no exit of an output.
    function test_challenge_exit_does_not_reach_a_deposit_keyed_exit() public {
        ExitCase memory e = exitCase("spentDeposit");
        uint256 key = startExit(e);
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.NotActive.selector, bytes32(0)));
        root.challengeExit(CHAIN, key, _spentExitSpend(), 1, _senderData(CHALLENGER));
        assertEq(uint256(_status(ExitGame.depositExitId(2))), uint256(RootStorage.ExitStatus.Started), "stands");
    }

    /// Once popped (paid, cancelled or skipped), an exit's key names nothing any more.
    function test_a_processed_exit_can_no_longer_be_challenged() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        vm.warp(block.timestamp + 2 * PERIOD);
        assertEq(root.processExits(CHAIN, address(0), 10), 1, "paid");
        vm.prank(CHALLENGER);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.NotActive.selector, bytes32(0)));
        root.challengeExit(CHAIN, key, _spentExitSpend(), 0, _senderData(CHALLENGER));
        assertEq(uint256(_status(e.exitId)), uint256(RootStorage.ExitStatus.Processed), "stays paid");
    }

    function test_front_run_challenge_pays_nobody_but_its_author() public {
        ExitCase memory e = exitCase("spentExit");
        uint256 key = startExit(e);
        // A front-runner replays the challenger's calldata from its own address.
        vm.prank(address(0xF40));
        vm.expectRevert(RootStorage.SenderDataMismatch.selector);
        root.challengeExit(CHAIN, key, _spentExitSpend(), 0, _senderData(CHALLENGER));
    }

    // ---- processing -----------------------------------------------------------------------

    function test_two_identical_deposits_both_exitable() public {
        address d = address(0xD00D);
        DepositRecord memory a = _depositAndExit(d, 1 ether);
        DepositRecord memory b = _depositAndExit(d, 1 ether);
        assertTrue(a.nonce != b.nonce, "distinct nonces");
        vm.warp(block.timestamp + 2 * PERIOD + 1);
        assertEq(root.processExits(CHAIN, address(0), 10), 2, "both processed");
        assertEq(root.owed(d, address(0)), 2 ether + 2 * (BOND - BOUNTY), "both paid");
        assertEq(root.owed(address(this), address(0)), 2 * BOUNTY, "bounty to the processor");
    }

    function test_reverting_receiver_does_not_block_the_queue() public {
        RevertingReceiver bad = new RevertingReceiver();
        vm.deal(address(bad), 10 ether);
        uint64 nonce = depositAs(address(bad), address(bad), address(0), 1 ether);
        DepositRecord memory r = DepositRecord(CHAIN, nonce, address(bad), address(bad), address(0), 1 ether);
        bad.call(address(root), BOND, abi.encodeCall(root.startDepositExit, (r, 0)));
        vm.warp(block.timestamp + 1);
        _depositAndExit(address(0xB0B0), 2 ether);
        vm.warp(block.timestamp + 2 * PERIOD + 2);
        assertEq(root.processExits(CHAIN, address(0), 10), 2, "both processed");
        vm.expectRevert(RootStorage.TransferFailed.selector);
        bad.call(address(root), 0, abi.encodeCall(root.withdraw, (address(0))));
        uint256 before = address(0xB0B0).balance;
        vm.prank(address(0xB0B0));
        root.withdraw(address(0));
        assertEq(address(0xB0B0).balance, before + 2 ether + BOND - BOUNTY, "the other exit is paid");
    }

    function test_exits_processed_in_priority_order_across_partial_calls() public {
        // Deposits recorded at increasing times, exits started in reverse order: they mature,
        // and pay, in the order of their recording.
        address[4] memory who = [address(0x1001), address(0x1002), address(0x1003), address(0x1004)];
        DepositRecord[4] memory recs;
        for (uint256 i = 0; i < 4; ++i) {
            vm.warp(NOW + i * 100);
            recs[i] = DepositRecord(
                CHAIN, depositAs(who[i], who[i], address(0), 1 ether + i), who[i], who[i], address(0), 1 ether + i
            );
        }
        for (uint256 i = 4; i > 0; --i) {
            vm.deal(who[i - 1], BOND);
            vm.prank(who[i - 1]);
            root.startDepositExit{value: BOND}(recs[i - 1], 0);
        }
        vm.warp(NOW + 2 * PERIOD + 1000);
        for (uint256 i = 0; i < 4; ++i) {
            assertEq(root.processExits(CHAIN, address(0), 1), 1, "one per call");
            for (uint256 k = 0; k < 4; ++k) {
                assertEq(root.owed(who[k], address(0)) > 0, k <= i, "paid exactly the first i+1");
            }
        }
    }

    /// Mallory queues 10,000 dust exits of old deposits, all maturing a period from now, and
    /// keeps the tail above them with one exit of a fresh deposit (it matures two periods after
    /// its recording). Alice's exit of her old deposit, a second later, sorts between: walking
    /// from the head it passes all 10,000 (past a block's gas limit from ~15,000, slots cold).
    /// From the hint the root gives, it costs what one behind 10 does — and still starts when
    /// Mallory, having seen the hint read, queues 40 more into the gap in Alice's own block.
    /// Due, she is paid.
    function test_exits_queued_ahead_do_not_price_an_honest_exit_out_of_a_block() public {
        uint256 snap = vm.snapshotState();
        (uint256 behindTen,) = _aliceStartsBehind(10);
        vm.revertToState(snap);
        (uint256 hinted, uint256 fromHead) = _aliceStartsBehind(10_000);
        _log("startDepositExit gas (no intrinsic), hinted, 10 queued ahead", behindTen);
        _log("startDepositExit gas (no intrinsic), hinted, 10,000 queued ahead", hinted);
        _log("startDepositExit gas (no intrinsic), from the head, 10,000 queued ahead", fromHead);
        // 150,000 with the 21,000 every transaction pays (the gas report's figures).
        assertLe(hinted, 129_000, "a hinted start costs what one at the tail does");
        assertGt(fromHead, 10 * hinted, "from the head it walks them all");

        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10_043);
        assertEq(root.owed(address(0xA11CE), address(0)), 1 ether + BOND - BOUNTY, "Alice paid");
        assertEq(root.queueLength(CHAIN, address(0)), 0, "every exit processed");
    }

    /// `dust` exits of Mallory's old deposits, her fresh one at the tail, and Alice's start
    /// between them from the hint the root gives, with 40 more of Mallory's queued into the
    /// gap after the hint was read (in Alice's block, below her); the hinted start's gas, and
    /// (in another world, reverted) the gas of the same start from the head. No intrinsic.
    function _aliceStartsBehind(uint256 dust) internal returns (uint256 hinted, uint256 fromHead) {
        address mallory = address(0xBAD);
        address alice = address(0xA11CE);
        DepositRecord[] memory recs = new DepositRecord[](dust + 40);
        for (uint256 i = 0; i < recs.length; ++i) {
            uint64 nonce = depositAs(mallory, mallory, address(0), 1 gwei);
            recs[i] = DepositRecord(CHAIN, nonce, mallory, mallory, address(0), 1 gwei);
        }
        uint64 herNonce = depositAs(alice, alice, address(0), 1 ether);
        DepositRecord memory hers = DepositRecord(CHAIN, herNonce, alice, alice, address(0), 1 ether);
        vm.warp(block.timestamp + PERIOD + 1);
        vm.deal(mallory, (recs.length + 1) * BOND);
        vm.startPrank(mallory);
        for (uint256 i = 0; i < dust; ++i) {
            root.startDepositExit{value: BOND}(recs[i], 0);
        }
        vm.stopPrank();
        uint64 freshNonce = depositAs(mallory, mallory, address(0), 1 gwei);
        vm.prank(mallory);
        root.startDepositExit{value: BOND}(DepositRecord(CHAIN, freshNonce, mallory, mallory, address(0), 1 gwei), 0);

        vm.warp(block.timestamp + 1);
        uint256 hint = root.exitHint(CHAIN, address(0), uint64(block.timestamp + PERIOD));
        // Mallory's 40 reserved deposits, older than Alice's: at her second they sort below her.
        vm.startPrank(mallory);
        for (uint256 i = dust; i < recs.length; ++i) {
            root.startDepositExit{value: BOND}(recs[i], hint);
        }
        vm.stopPrank();
        vm.deal(alice, 2 * BOND);
        uint256 snap = vm.snapshotState();
        vm.prank(alice);
        uint256 gas = gasleft();
        root.startDepositExit{value: BOND}(hers, 0);
        fromHead = gas - gasleft();
        vm.revertToState(snap);
        vm.prank(alice);
        gas = gasleft();
        root.startDepositExit{value: BOND}(hers, hint);
        hinted = gas - gasleft();
        assertEq(root.queueLength(CHAIN, address(0)), recs.length + 2, "queued among them");
    }

    function test_immature_exits_wait() public {
        _depositAndExit(address(0xD00D), 1 ether);
        vm.warp(block.timestamp + 2 * PERIOD - 1);
        assertEq(root.processExits(CHAIN, address(0), 10), 0, "not yet");
        vm.warp(block.timestamp + 1);
        assertEq(root.processExits(CHAIN, address(0), 10), 1, "now");
    }

    function test_withdraw_without_credit_fails() public {
        vm.expectRevert(RootStorage.NothingOwed.selector);
        root.withdraw(address(0));
    }
}

/// The same chain and checkpoints, but no deposit ever locked anything in it.
contract NoDepositsTest is RootFixture {
    function setUp() public {
        deployRoot();
        registerChains();
        bondCommittee();
        submitCheckpoint(0);
        submitCheckpoint(1);
        vm.warp(NOW);
    }

    function test_unknown_token_fails() public {
        ExitCase memory e = exitCase("preFraudExit");
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        vm.expectPartialRevert(RootStorage.UnknownToken.selector);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
    }
}
