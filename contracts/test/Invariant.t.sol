// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {RootFixture} from "./RootFixture.sol";
import {Vm} from "./base/Test.sol";
import {MockERC20} from "./mocks/Tokens.sol";
import {RootHandler} from "./RootHandler.sol";
import {StakeHandler} from "./StakeHandler.sol";

/// The books of the root, whatever anyone does in the exit game: per token, what is locked
/// plus what was paid out equals what was deposited; the root holds exactly what it owes;
/// no exit is paid twice, a challenged exit is never paid, an exit under a voided checkpoint
/// is cancelled with its bond back.
contract InvariantTest is RootFixture {
    RootHandler internal handler;
    MockERC20 internal tkn;

    function setUp() public {
        setUpWorld();
        tkn = MockERC20(token);
        handler = new RootHandler(root, tkn);
        targetContract(address(handler));
    }

    function _owedTotal(address asset) internal view returns (uint256 total) {
        for (uint256 i = 0; i < handler.accountCount(); ++i) {
            total += root.owed(handler.accounts(i), asset);
        }
    }

    /// Exits whose bond the root still holds (neither challenged, paid nor cancelled).
    function _startedExits() internal view returns (uint256 n) {
        for (uint256 i = 0; i < handler.exitCount(); ++i) {
            (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, handler.exitIds(i));
            if (status == RootStorage.ExitStatus.Started) ++n;
        }
    }

    function invariant_no_rule_broken() public view {
        assertEq(handler.violations(), 0, string.concat("rule broken: ", handler.violation()));
    }

    /// The token only moves as deposits and exit payouts.
    function invariant_token_locked_plus_paid_equals_deposited() public view {
        uint256 locked = root.locked(CHAIN, address(tkn));
        uint256 paid = _owedTotal(address(tkn)) + handler.withdrawn(1);
        assertLe(paid, handler.deposited(1), "token paid out <= deposited");
        assertEq(locked + paid, handler.deposited(1), "token: locked + owed + withdrawn = deposited");
        assertEq(paid, handler.exitPayouts(1), "token: owed + withdrawn = exit payouts");
        assertEq(tkn.balanceOf(address(root)), locked + _owedTotal(address(tkn)), "token: balance = locked + owed");
    }

    /// ETH owed and withdrawn mixes exit payouts with bonds back, bounties and prover rewards;
    /// without those, it is what left `locked`.
    function invariant_eth_locked_plus_paid_equals_deposited() public view {
        uint256 credited = _owedTotal(address(0)) + handler.withdrawn(0);
        uint256 other = handler.bondsCredited() + handler.proverRewards();
        assertLe(other, credited, "ETH credited covers the bonds back and the prover rewards");
        uint256 paid = credited - other;
        assertLe(paid, handler.deposited(0), "ETH paid out <= deposited");
        assertEq(root.locked(CHAIN, address(0)) + paid, handler.deposited(0), "ETH: locked + paid = deposited");
        assertEq(paid, handler.exitPayouts(0), "ETH: credited - bonds - rewards = exit payouts");
    }

    /// The root holds exactly what it owes, and its balance is exactly the ETH that came in
    /// minus the ETH that went out.
    function invariant_eth_balance_is_exactly_what_the_root_owes() public view {
        uint256 bondsHeld = _startedExits() * BOND;
        assertEq(
            address(root).balance,
            root.locked(CHAIN, address(0)) + _owedTotal(address(0)) + handler.stakesHeld() + root.burned() + bondsHeld,
            "ETH: balance = locked + owed + stakes + burned + bonds of started exits"
        );
        assertEq(
            address(root).balance,
            handler.deposited(0) + handler.stakesIn() + handler.bondsIn() - handler.withdrawn(0)
                - handler.bondsToChallengers(),
            "ETH: balance = deposits + stakes + bonds in - withdrawn - bonds to challengers"
        );
        assertEq(
            handler.stakesHeld() + handler.proverRewards() + handler.burnedModel(),
            handler.stakesIn(),
            "stakes: held + rewarded + burned = bonded"
        );
        assertEq(root.burned(), handler.burnedModel(), "burned");
        assertEq(
            handler.bondsIn(),
            bondsHeld + handler.bondsToChallengers() + handler.bondsCredited(),
            "bonds: in = held + to challengers + credited back"
        );
    }

    function _assertBooks() internal view {
        invariant_no_rule_broken();
        invariant_token_locked_plus_paid_equals_deposited();
        invariant_eth_locked_plus_paid_equals_deposited();
        invariant_eth_balance_is_exactly_what_the_root_owes();
    }

    function _status(bytes32 exitId) internal view returns (RootStorage.ExitStatus status) {
        (, status,) = root.exitOf(CHAIN, exitId);
    }

    uint256 internal constant ALL = 8; // `process`: no limit
    uint8 internal constant FRONT_RUN = 0; // `challenge` modes
    uint8 internal constant AS_PICKED = 3;

    /// One story through every path the fuzzer takes: deposits and their exits, output exits
    /// (one started twice), challenges won and lost, a refused and a convicting fraud proof,
    /// cancellation of exits under the voided tip, a restart under checkpoint 3, processing
    /// and withdrawals by everyone; then who holds what.
    function test_deposit_exit_challenge_fraud_process_withdraw_keeps_the_books() public {
        address a0 = handler.actors(0);
        address a1 = handler.actors(1);
        address a2 = handler.actors(2);
        address a3 = handler.actors(3);
        handler.deposit(0, 1 ether - 1, false); // record 4: a0's 1 ether
        handler.deposit(1, 5 ether - 1, true); // record 5: a1's 5e18 of the token
        handler.exitDeposit(4);
        handler.exitDeposit(5);
        handler.exitDeposit(2); // Bob's deposit, minted and spent on the chain
        handler.exitDeposit(2); // again: refused
        handler.exitDeposit(3); // Dave's deposit (he also owns an output of the bad block)
        handler.exitForged(0, 0);
        handler.exitOutput(handler.caseIndex("start", "challengedExit"), true); // the second start is refused
        handler.exitOutput(handler.caseIndex("start", "spentExit"), false);
        handler.exitOutput(handler.caseIndex("start", "valid_output"), false); // Carol, under the tip
        handler.exitOutput(handler.caseIndex("start", "postFraudExit"), false);
        handler.exitForgedOutput(handler.caseIndex("forged", "not_owner")); // Dave claims Carol's output: refused
        assertEq(handler.depositExitsStarted(), 4, "four deposit exits");
        assertEq(handler.outputExitsStarted(), 4, "four output exits");
        assertEq(handler.restartsRefused(), 1, "the second start refused");

        handler.challenge(handler.caseIndex("challenge", "spent_by_owner"), 0, AS_PICKED); // by a0
        handler.challenge(handler.caseIndex("challenge", "spentExit"), 5, AS_PICKED); // by the handler
        handler.challenge(handler.caseIndex("challenge", "spentDeposit"), 1, FRONT_RUN); // front-run: refused
        handler.challenge(handler.caseIndex("challenge", "spentDeposit"), 1, AS_PICKED); // by a1
        handler.challenge(handler.caseIndex("challenge", "signed_by_other"), 0, AS_PICKED); // refused
        assertEq(handler.challengesWon(), 3, "three challenges won");

        handler.proveFraud(handler.caseIndex("fraud", "double_spend_honest"), 2); // refused
        handler.proveFraud(handler.caseIndex("fraud", "double_spend"), 2); // by a2
        assertEq(handler.fraudsProven(), 1, "one conviction");
        assertTrue(root.chain(CHAIN).frozen, "frozen");
        handler.deposit(4, 1, false); // refused: frozen
        assertEq(handler.depositsMade(), 2, "no deposit after the freeze");
        _assertBooks();

        handler.warp(3 * PERIOD - 1);
        handler.warp(3 * PERIOD - 1);
        handler.process(3, ALL, false); // by a3
        handler.process(3, ALL, true);
        ExitCase memory carol = exitCase("preFraudExit");
        assertEq(uint256(_status(carol.exitId)), uint256(RootStorage.ExitStatus.Cancelled), "under the tip: cancelled");
        assertEq(uint256(_status(exitCase("postFraudExit").exitId)), uint256(RootStorage.ExitStatus.Cancelled), "bad");
        assertEq(uint256(_status(exitCase("challengedExit").exitId)), uint256(RootStorage.ExitStatus.Challenged), "c");
        assertEq(uint256(_status(ExitGame.depositExitId(2))), uint256(RootStorage.ExitStatus.Challenged), "Bob's");
        assertEq(uint256(_status(ExitGame.depositExitId(3))), uint256(RootStorage.ExitStatus.Processed), "Dave's");
        // Carol restarts under checkpoint 3, below the rollback, and is paid.
        handler.exitOutput(handler.caseIndex("start", "preFraudExit"), false);
        handler.warp(3 * PERIOD - 1);
        handler.process(3, ALL, false);
        assertEq(uint256(_status(carol.exitId)), uint256(RootStorage.ExitStatus.Processed), "restarted and paid");
        assertEq(handler.exitsPaid(), 4, "a0's, a1's, Dave's deposit, Carol's");
        assertEq(handler.exitsCancelled(), 2, "the two exits under the tip");
        _assertBooks();

        for (uint256 i = 0; i < handler.accountCount(); ++i) {
            handler.withdraw(i, false, false);
            handler.withdraw(i, true, false);
        }
        _assertBooks();
        assertEq(_owedTotal(address(0)) + _owedTotal(address(tkn)), 0, "everything withdrawn");
        assertEq(a0.balance, 1 ether + BOND + (BOND - BOUNTY), "a0: its deposit, its bond back, a challenge bond");
        assertEq(tkn.balanceOf(a1), 5 ether, "a1: its tokens");
        assertEq(a1.balance, BOND + (BOND - BOUNTY), "a1: a challenge bond, its bond back");
        assertEq(a2.balance, 200 gwei, "a2: half of the four validators' 400 gwei");
        assertEq(root.burned(), 200 gwei, "the other half burned");
        assertEq(a3.balance, 4 * BOUNTY, "a3: four bounties");
        assertEq(carol.owner.balance, carol.amount + BOND + (BOND - BOUNTY), "Carol: paid, both bonds back");
        assertEq(exitCase("spentExit").owner.balance, BOND, "Bob: only the bond dealt for his refused restart");
        // Dave also keeps the bond he was dealt for the vectors' `not_owner` start (refused).
        assertEq(
            exitCase("postFraudExit").owner.balance, 10 + 2 * BOND + (BOND - BOUNTY), "Dave: his deposit, both bonds"
        );
        assertEq(address(root).balance, 140 - 10 - 90 + 200 gwei, "left: unexited ETH and the burned stake");
        assertEq(tkn.balanceOf(address(root)), 50, "left: the world's unexited token deposit");
    }

    /// The rollback's edge: equivocation at height 3 voids checkpoint 3 itself, so an exit
    /// proven under it is cancelled (bond back, nothing paid) though it was valid when it started.
    function test_exit_under_the_rollback_height_itself_is_cancelled() public {
        ExitCase memory carol = exitCase("preFraudExit");
        handler.exitOutput(handler.caseIndex("start", "preFraudExit"), false);
        uint256 equivocation = handler.caseIndex("fraud", "equivocation");
        handler.proveFraud(equivocation, 0);
        assertEq(root.chain(CHAIN).rollbackHeight, carol.anchor.height, "rolled back to the exit's anchor");
        handler.warp(3 * PERIOD - 1);
        handler.process(0, ALL, false);
        assertEq(uint256(_status(carol.exitId)), uint256(RootStorage.ExitStatus.Cancelled), "cancelled");
        assertEq(root.owed(carol.owner, address(0)), BOND, "bond back, nothing paid");
        assertEq(handler.exitsCancelled(), 1, "one cancellation");
        _assertBooks();
    }

    /// How often each path succeeded in this run (forge reports calls, not outcomes).
    function afterInvariant() public view {
        _log("deposits made", handler.depositsMade());
        _log("deposit exits started", handler.depositExitsStarted());
        _log("output exits started", handler.outputExitsStarted());
        _log("restarts refused", handler.restartsRefused());
        _log("challenges won", handler.challengesWon());
        _log("frauds proven", handler.fraudsProven());
        _log("exits paid", handler.exitsPaid());
        _log("exits cancelled", handler.exitsCancelled());
        _log("withdrawals", handler.withdrawals());
    }
}

/// The stake lock, whatever validators, proposers and provers do: across random bonds,
/// unbonds, proposals, checkpoints that acknowledge them or not, withdrawals, fraud proofs and
/// time, a stake never leaves while a configuration that counts it — active now or ever, or
/// pending — is still at stake (not superseded by an acknowledged one for an exit period, nor
/// frozen for one), and two blocks signed at one height by such a configuration always take
/// its members' stakes (`StakeHandler` keeps the model and records what breaks it).
contract StakeLockInvariantTest is RootFixture {
    StakeHandler internal handler;

    function setUp() public {
        deployRoot();
        vm.warp(NOW);
        uint64 id = root.registerChain(
            RootStorage.ChainParams({epochLength: 1, exitPeriod: PERIOD, minStake: 1 gwei, maxValidators: 5})
        );
        handler = new StakeHandler(root, id, PERIOD, address(this));
        targetContract(address(handler));
    }

    function invariant_a_stake_at_stake_never_leaves() public view {
        assertEq(handler.violations(), 0, string.concat("rule broken: ", handler.violation()));
    }

    /// Every stake the model holds locked is still at the root, where a proof can take it.
    function invariant_locked_stakes_stay_slashable() public view {
        for (uint256 i = 0; i < 6; ++i) {
            if (!handler.staked(i) || handler.slashed(i) || block.timestamp >= handler.unlockAt(i)) continue;
            (uint256 amount,,) = root.stakeOf(handler.chainId(), handler.actors(i));
            assertGt(amount, 0, "a locked stake is held");
        }
    }

    /// The model's rule, walked once: validator 0 of active configuration 1 proposes 2 with
    /// itself, unbonds, proposes 3 without itself (displacing 2); configuration 1 still counts
    /// it, so it cannot leave until 3 is acknowledged and an exit period has passed, and two
    /// blocks it signed under 1 take its stake meanwhile.
    function test_a_displaced_proposal_does_not_free_an_active_configurations_stake() public {
        handler.bond(0);
        handler.bond(1);
        handler.propose(); // 1: active at once
        handler.checkpoint(false);
        handler.bond(2);
        handler.propose(); // 2: with 0 (and 2)
        handler.unbond(0);
        handler.checkpoint(false); // 2 declined
        handler.propose(); // 3: without 0, displacing 2
        handler.warp(PERIOD + 1);
        handler.withdraw(0);
        assertEq(handler.withdrawals(), 0, "refused: configuration 1 still counts it");
        handler.checkpoint(true); // 3 acknowledged: 1 superseded now
        handler.warp(PERIOD - 1);
        handler.withdraw(0);
        assertEq(handler.withdrawals(), 0, "refused within the period");
        handler.proveEquivocation(0); // two blocks at 1, signed by configuration 1
        assertEq(handler.convictions(), 1, "convicted within the period");
        (uint256 amount,,) = root.stakeOf(handler.chainId(), handler.actors(0));
        assertEq(amount, 0, "validator 0's stake taken");
        assertEq(handler.violations(), 0, handler.violation());
    }

    /// One more bonded sybil and a new proposal cannot displace a pending configuration the
    /// active set has not declined: its epoch-end checkpoint acknowledges it, and it is active.
    function test_a_sybil_proposal_cannot_displace_a_pending_configuration() public {
        handler.bond(0);
        handler.bond(1);
        handler.propose(); // 1: the genesis set, named by the registrant
        handler.bond(2);
        handler.propose(); // 2: with 2
        uint64 id = handler.chainId();
        handler.bond(3); // the sybil
        vm.expectRevert(abi.encodeWithSelector(RootStorage.PendingUndeclined.selector, 2));
        root.proposeConfiguration(id);
        handler.checkpoint(true);
        assertEq(root.chain(id).activeConfig, 2, "the pending configuration became active");
        // With nothing pending, a proposal; declined at an epoch end, it may be replaced.
        handler.propose(); // 3: with the sybil
        handler.checkpoint(false);
        handler.bond(4);
        handler.propose(); // 4, displacing 3
        assertEq(root.chain(id).pendingConfig, 4, "a declined proposal was displaced");
        assertEq(handler.violations(), 0, handler.violation());
    }

    /// The decline race: the epoch-end header naming the pending configuration 2 was built
    /// before a sybil's proposal displaced 2 (allowed after the epoch end before declined 2);
    /// that checkpoint activates 2, rather than declining 3 and freeing the next displacement.
    function test_a_proposal_racing_an_epoch_end_does_not_freeze_rotation() public {
        handler.bond(0);
        handler.bond(1);
        handler.propose(); // 1: the genesis set
        handler.bond(2);
        handler.propose(); // 2: with 2
        handler.checkpoint(false); // built before 2: declines it
        handler.bond(3); // the sybil
        handler.propose(); // 3: with the sybil, displacing 2
        uint64 id = handler.chainId();
        assertEq(root.chain(id).pendingConfig, 3, "3 pending");
        handler.checkpointNamingTheDisplaced(); // the next epoch end, built naming 2
        assertEq(root.chain(id).activeConfig, 2, "2 active: rotation went on");
        assertEq(root.chain(id).pendingConfig, 0, "3 passed over");
        assertEq(handler.violations(), 0, handler.violation());
    }

    /// Five seats: actors 0 to 4 (10 to 50 gwei) fill them; actor 5's 60 gwei unbonds actor 0,
    /// the smallest, whose stake stays at stake while configuration 1 counts it.
    function test_a_larger_bond_outbids_the_smallest_stake_of_a_full_set() public {
        for (uint256 i = 0; i < 5; ++i) {
            handler.bond(i);
        }
        handler.propose(); // 1: the five
        handler.bond(5);
        assertTrue(handler.bonded(5), "the larger bond took a seat");
        assertTrue(!handler.bonded(0), "the smallest stake left the pending set");
        (uint256 amount,,) = root.stakeOf(handler.chainId(), handler.actors(0));
        assertEq(amount, 10 gwei, "its stake stays, counted by configuration 1");
        handler.withdraw(0);
        assertEq(handler.withdrawals(), 0, "locked while configuration 1 counts it");
        assertEq(handler.violations(), 0, handler.violation());
    }

    function afterInvariant() public view {
        _log("activations", handler.activations());
        _log("withdrawals", handler.withdrawals());
        _log("convictions", handler.convictions());
    }
}
