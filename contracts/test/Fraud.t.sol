// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {FraudVerifier} from "../src/FraudVerifier.sol";
import {ChildVerifier} from "../src/ChildVerifier.sol";
import {FormVerifier} from "../src/FormVerifier.sol";
import {LinkVerifier} from "../src/LinkVerifier.sol";
import {FraudFixture} from "./FraudFixture.sol";

/// One test per kind of fraud: the honest counterpart is refused and changes nothing; the real
/// fraud rolls the chain back to before the bad block, slashes the certificate's signers,
/// rewards the prover and freezes the chain. After the freeze, honest outputs from before the
/// bad block exit and are paid; outputs of the bad block cannot exit at all.
contract FraudTest is FraudFixture {
    function test_fraud_double_spend() public {
        _convict("double_spend", "double_spend_honest", FraudVerifier.DifferentOutputs.selector, 4);
    }

    function test_fraud_invalid_signature() public {
        _convict("invalid_signature", "invalid_signature_honest", FraudVerifier.SignatureValid.selector, 4);
    }

    function test_fraud_inflation() public {
        _convict("inflation", "inflation_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// A quorum that mints through a stake of a child's validator: its outputs and stake
    /// exceed what it spends.
    function test_fraud_inflation_through_a_stake() public {
        _convict("inflation_stake", "inflation_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// ... through a validator bond into a child.
    function test_fraud_inflation_through_a_bond() public {
        _convict("inflation_bond", "inflation_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// ... through an exit start at this chain as a parent (its outputs alone exceed its inputs).
    function test_fraud_inflation_through_an_exit_start() public {
        _convict("inflation_exit_start", "inflation_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// One child registered twice at a plasma parent: registered again, its record would start
    /// over (its first set, no checkpoint, not frozen), and that set could checkpoint a fork of
    /// it. The second registration convicts its block; two children's registrations do not.
    function test_fraud_a_child_registered_twice() public {
        _convict("double_registration", "double_registration_honest", FraudVerifier.DifferentChildren.selector, 4);
    }

    /// A plasma parent's quorum seats a bond in a child's full set that stakes no more than its
    /// least member (a sybil keeping its seat against a tie): the child's registration of 16,
    /// included earlier, convicts; a bond of more power, which takes the least member's seat,
    /// does not.
    function test_fraud_a_bond_into_a_full_set_not_outbidding_its_least() public {
        _convict(
            "child_record_bond_not_outbidding_a_full_set",
            "child_record_bond_outbidding_the_least_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// The dearest child-record proof (a registration of 16 validators, a bond's operator
    /// recovered) costs well under a tenth of a block.
    function test_a_child_record_proof_of_a_full_set_fits_a_block() public {
        _convictsWithin(
            "child_record_bond_not_outbidding_a_full_set", 2_000_000, "gas of a child-record proof of 16 members: "
        );
    }

    /// ... starts an exit of a child's output under a checkpoint it never accepted, showing
    /// where it accepted another (the escrow would pay a claim nobody certified): the start's
    /// acceptance, judged against the chain's certified history, convicts; an exit showing
    /// where its own checkpoint was accepted is allowed.
    function test_fraud_an_exit_under_a_checkpoint_the_parent_never_accepted() public {
        _convict("unaccepted_anchor_other_checkpoint", "unaccepted_anchor_honest", ChildVerifier.Accepted.selector, 4);
    }

    /// ... challenges a deposit's exit under a checkpoint it never accepted (the challenger
    /// would take the deposit's exit and its bond): convicted likewise.
    function test_fraud_a_deposit_exit_challenged_under_a_checkpoint_the_parent_never_accepted() public {
        _convict(
            "unaccepted_anchor_challenge_other_checkpoint",
            "unaccepted_anchor_challenge_honest",
            ChildVerifier.Accepted.selector,
            4
        );
    }

    /// ... hears a fraud proof against its child shown under the checkpoint an earlier proof
    /// was shown under (it lowers nothing, and takes the child's stakes again): the earlier
    /// proof, shown, convicts; the earlier proof shown as standing after the later one does not.
    function test_fraud_a_fraud_proof_under_a_checkpoint_an_earlier_one_voided() public {
        _convict(
            "voided_anchor_a_later_proof",
            "voided_anchor_honest_shown_after_a_later_proof",
            ChildVerifier.NotBefore.selector,
            4
        );
    }

    /// A voided-anchor proof costs what a block holds.
    function test_a_voided_anchor_proof_fits_a_block() public {
        _convictsWithin("voided_anchor_a_later_proof", 2_000_000, "gas of a voided-anchor proof: ");
    }

    /// The dearest unaccepted-anchor proof: the acceptance's block, proven in the anchor's
    /// history, is not the chain's block there.
    function test_an_unaccepted_anchor_proof_fits_a_block() public {
        _convictsWithin("unaccepted_anchor_other_block", 2_000_000, "gas of an unaccepted-anchor proof: ");
    }

    /// ... bonds one operator twice, which would double its power in the child's set: its
    /// earlier bond, shown, convicts; unshown, the second bond alone is allowed.
    function test_fraud_an_operator_bonded_twice() public {
        _convict(
            "child_record_operator_bonded_twice",
            "child_record_second_bond_unshown_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// ... accepts a child's checkpoint at a height it already checkpointed (a second history
    /// for that height, with its own exits): the earlier checkpoint convicts; a higher one is
    /// allowed.
    function test_fraud_a_child_checkpoint_not_newer_than_the_last() public {
        _convict(
            "child_record_checkpoint_not_newer",
            "child_record_newer_checkpoint_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// ... accepts a child's checkpoint timed far ahead of its own block (the child's exits
    /// would mature early): the block's header, in the proof, convicts it.
    function test_fraud_a_child_checkpoint_ahead_of_the_block_accepting_it() public {
        _convict(
            "child_record_checkpoint_ahead_of_its_block",
            "child_record_newer_checkpoint_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// ... accepts a child's checkpoint that half its validators signed (a fork of the child,
    /// whose exits would drain its escrow): the set its header names, shown, convicts it; the
    /// same set's full certificate of the next checkpoint does not.
    function test_fraud_a_child_checkpoint_its_certificate_does_not_certify() public {
        _convict("uncertified_checkpoint", "uncertified_checkpoint_honest", ChildVerifier.Certified.selector, 4);
    }

    /// ... includes a challenge of a child's exit that pays the challenger more than the exit's
    /// bond (ETH out of nothing): the child's registration, which sets the bond for good,
    /// convicts; a challenge paying the bond does not.
    function test_fraud_a_challenge_paying_more_than_the_exit_bond() public {
        _convict(
            "child_record_challenge_paying_more",
            "child_record_challenge_paying_the_bond_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// ... starts an exit of a child's output that its own anchor does not hold (paid from the
    /// child's escrow, it would take the child's users' value): the exit start, shown, convicts;
    /// one whose claim its anchor proves does not.
    function test_fraud_an_exit_start_its_anchor_does_not_prove() public {
        _convict(
            "child_record_exit_start_of_nothing",
            "child_record_exit_start_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// ... takes a deposit into a child a fraud proof froze (value into a chain that can only
    /// exit): the fraud proof, included earlier, convicts; without it the deposit is allowed.
    function test_fraud_a_deposit_into_a_frozen_child() public {
        _convict(
            "child_record_deposit_into_frozen",
            "child_record_deposit_unfrozen_honest",
            ChildVerifier.RecordAllows.selector,
            4
        );
    }

    /// An exit start at a plasma parent that keeps the ETH its child's exit bond should take:
    /// the child's registration, included under the anchor, shows the bond, and the proof
    /// convicts; the same start paying the bond is conserved.
    function test_fraud_an_exit_start_that_keeps_its_bond() public {
        _convict("inflation_unpaid_exit_bond", "inflation_paid_exit_bond_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// Value destroyed is refused like value created: a transfer putting out less than it
    /// spends convicts its block.
    function test_fraud_value_destroyed() public {
        _convict("inflation_burn", "inflation_honest", FraudVerifier.Conserved.selector, 4);
    }

    /// A quorum that mints 1,000 behind a stake payload nobody can decode: inflation cannot be
    /// judged, the transaction's form convicts the block. (Every other way to be malformed,
    /// and the well-formed counterparts, are the `malformed_*` cases of Vectors.t.sol.)
    function test_fraud_malformed_stake_payload_that_mints() public {
        _convict("malformed_stake_payload", "malformed_honest_bond", FraudVerifier.WellFormed.selector, 4);
    }

    /// A malformed-transaction proof of a well-formed transaction, sent with just too little gas
    /// for the check of its payload (an external call in a `try`): running out of gas there
    /// must not read as "malformed", or anyone could convict an honest block by choosing the
    /// gas of the proof.
    function test_out_of_gas_in_the_payload_check_never_convicts() public {
        FraudProof memory proof = _proof("malformed_honest_registration");
        MalformedTransactionEvidence memory e = abi.decode(proof.evidence, (MalformedTransactionEvidence));
        FraudVerifier verifier = new FraudVerifier(new FormVerifier(), new LinkVerifier());
        // Its whole check (a pairing per proof of possession), then every gas below it.
        uint256 before = gasleft();
        try verifier.malformedTransaction(CHAIN, proof.anchor, e) returns (uint64) {
            revert("a well-formed registration convicted");
        } catch (bytes memory reason) {
            assertEq(bytes4(reason), FraudVerifier.WellFormed.selector, "judged well formed");
        }
        uint256 whole = before - gasleft();
        assertGt(whole, 16 * 100_000, "sixteen pairings");
        for (uint256 g = 50_000; g < whole + 50_000; g += 5_000) {
            try verifier.malformedTransaction{gas: g}(CHAIN, proof.anchor, e) returns (uint64) {
                revert(string.concat("a well-formed transaction convicted with gas ", str(g)));
            } catch {}
        }
    }

    function test_fraud_nonexistent_input() public {
        _convict("nonexistent_input_no_such_output", "nonexistent_input_honest", FraudVerifier.InputExists.selector, 4);
    }

    function test_fraud_nonexistent_input_after_last_transaction() public {
        _convict(
            "nonexistent_input_after_last_tx",
            "nonexistent_input_not_last_tx",
            FraudVerifier.NotLastTransaction.selector,
            4
        );
    }

    function test_fraud_deposit_mismatch() public {
        _convict("deposit_mismatch", "deposit_mismatch_honest", FraudVerifier.DepositMatches.selector, 4);
    }

    function test_fraud_double_mint() public {
        _convict("double_mint", "double_mint_honest", FraudVerifier.DifferentDeposits.selector, 4);
    }

    function test_fraud_equivocation_slashes_who_signed_both() public {
        _convict("equivocation", "equivocation_honest", RootStorage.NotConflicting.selector, 2);
        assertEq(_stake(0), STAKE, "signed one certificate only");
        assertEq(_stake(1), 0, "signed both");
        assertEq(_stake(2), 0, "signed both");
        assertEq(_stake(3), STAKE, "signed one certificate only");
    }

    /// Validators 0 to 2 precommit block 3 in round 0 and validators 1 to 3 another block 3 in
    /// round 1: what honest validators do when a faulty third splits the rounds (a validator
    /// precommits whatever more than two thirds prevoted in a later round). The proof freezes
    /// the chain from 3, as any fork does, but takes no stake and pays nothing.
    function test_an_equivocation_across_rounds_freezes_the_chain_and_slashes_no_one() public {
        uint256 burnedBefore = root.burned();
        proveAs(PROVER, _proof("equivocation_across_rounds"));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        assertEq(c.rollbackHeight, 3, "rolled back to the forked height");
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), STAKE, "no stake taken");
        }
        assertEq(root.owed(PROVER, address(0)), 0, "nothing paid");
        assertEq(root.burned(), burnedBefore, "nothing burned");
    }

    /// A chain's quorum, convicted, signs two blocks at height 0 — where no chain has a block —
    /// to lower the rollback to nothing: the chain unfrozen, a later proof could raise the
    /// rollback past the blocks the first voided and let their exits be paid. Refused; the
    /// rollback and the freeze stand.
    function test_an_equivocation_at_height_zero_neither_lowers_nor_lifts_a_rollback() public {
        root.proveFraud(CHAIN, _proof("equivocation"));
        uint64 rollback = root.chain(CHAIN).rollbackHeight;
        assertEq(rollback, 3, "frozen from 3");
        vm.expectRevert(RootStorage.NotConflicting.selector);
        root.proveFraud(CHAIN, _proof("equivocation_at_height_zero"));
        assertEq(root.chain(CHAIN).rollbackHeight, rollback, "the rollback stands");
        assertTrue(root.chain(CHAIN).frozen, "frozen still");
    }

    /// Validators 1 to 3 certify a fork at 6 whose block 5 is not the checkpointed block 5 (it
    /// shares blocks 1 to 3 with the chain, then pays Alice's change to Mallory in its own block
    /// 4). The root accepts it, as it accepts any certified header; two checkpoints that
    /// disagree about block 5 convict the later: the fork is void from 6 on and its exits are
    /// cancelled while the chain's are paid. Its signers keep their stake: honest validators
    /// split across rounds below it may have signed it (`ledger::fraud::forks`).
    function test_fork_between_checkpoints_is_rolled_back_and_takes_no_stake() public {
        (BlockHeader memory fork, CommitCertificate memory forkCert) = forkCheckpoint();
        root.submitCheckpoint(fork, forkCert);
        assertEq(root.chain(CHAIN).lastHeight, 6, "the fork's checkpoint landed");
        // Mallory exits her output of the fork under its checkpoint; Carol exits her output of
        // block 3 under the chain's checkpoint at 5.
        ExitCase memory mallory = exitCase("fork.exit");
        startExit(mallory);
        ExitCase memory carol = exitCase("preFraudExit");
        (carol.anchor,) = checkpoint(1);
        carol.inclusion = _inclusionUnderTip();
        startExit(carol);

        proveAs(PROVER, _proof("conflicting_checkpoints"));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        assertEq(c.rollbackHeight, 6, "checkpoints up to 5 stand, the fork's is void");
        _assertNoStakeTaken();

        // The fork proves nothing any more; due, Mallory gets her bond back and Carol is paid.
        vm.deal(mallory.owner, BOND);
        vm.prank(mallory.owner);
        vm.expectPartialRevert(RootStorage.UnknownAnchor.selector);
        root.startExit{value: BOND}(mallory.anchor, mallory.pos, mallory.inclusion, 0);
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, mallory.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Cancelled), "the fork's exit cancelled");
        assertEq(root.owed(mallory.owner, address(0)), BOND, "bond returned, nothing paid");
        assertEq(root.owed(carol.owner, address(0)), carol.amount + BOND - BOUNTY, "the chain's exit paid");
    }

    /// A quorum cannot pile up proposals to price a fraud proof out of a block: a proposal
    /// displaces a pending one only after an epoch-end checkpoint declined it, and the
    /// configuration that certifies a height is found by bisection among those ever active, so a
    /// proof of what configuration 1 certified costs the same after a later one became active.
    function test_displaced_proposals_do_not_price_a_fraud_proof_out_of_a_block() public {
        FraudProof memory proof = _proof("inflation");
        uint256 snap = vm.snapshotState();
        uint256 gas = gasleft();
        root.proveFraud(CHAIN, proof);
        uint256 direct = gas - gasleft();
        vm.revertToState(snap);

        vm.prank(validatorAt(0));
        root.unbond(CHAIN);
        root.proposeConfiguration(CHAIN);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.PendingUndeclined.selector, 2));
        root.proposeConfiguration(CHAIN);
        (BlockHeader memory header, CommitCertificate memory cert) = rotation();
        root.submitCheckpoint(header, cert);
        assertEq(root.chain(CHAIN).activeConfig, 2, "the proposal acknowledged");
        gas = gasleft();
        root.proveFraud(CHAIN, proof);
        uint256 behind = gas - gasleft();
        assertLe(behind, direct + 20_000, "no walk over the displaced proposals");
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), 0, "configuration 1's signers slashed");
        }
    }

    /// A fraud proof freezes the chain, and nothing supersedes configuration 1 any more.
    /// Validators 0 and 3, which did not sign both blocks at 3 in one round, get their stake
    /// back an exit period after the freeze, not before; the slashed signers get nothing.
    function test_an_honest_validator_of_a_frozen_chain_withdraws_an_exit_period_after_the_freeze() public {
        (BlockHeader memory fork, CommitCertificate memory forkCert) = forkCheckpoint();
        root.submitCheckpoint(fork, forkCert);
        proveAs(PROVER, _proof("conflicting_checkpoints"));
        uint64 freeAt = uint64(block.timestamp) + PERIOD;
        // Within the period, an equivocation below the rollback still convicts.
        vm.warp(freeAt - 1);
        root.proveFraud(CHAIN, _proof("equivocation"));
        assertEq(root.chain(CHAIN).rollbackHeight, 3, "lowered to the equivocation");
        for (uint256 v = 0; v < 4; ++v) {
            vm.prank(validatorAt(v));
            root.unbond(CHAIN);
        }
        vm.prank(validatorAt(0));
        vm.expectRevert(abi.encodeWithSelector(RootStorage.StakeLocked.selector, freeAt));
        root.withdrawStake(CHAIN);
        vm.warp(freeAt);
        for (uint256 v = 0; v < 4; ++v) {
            address op = validatorAt(v);
            uint256 before = op.balance;
            vm.prank(op);
            root.withdrawStake(CHAIN);
            bool slashed = v == 1 || v == 2;
            assertEq(op.balance - before, slashed ? 0 : STAKE, "the honest stake back, the slashed nothing");
        }
    }

    /// Once a frozen chain's stakes are free, an exit period after the freeze, its
    /// configuration signs for free: two of its certificates at one height prove nothing.
    function test_a_frozen_chains_released_configuration_proves_nothing() public {
        (BlockHeader memory fork, CommitCertificate memory forkCert) = forkCheckpoint();
        root.submitCheckpoint(fork, forkCert);
        root.proveFraud(CHAIN, _proof("conflicting_checkpoints"));
        vm.warp(block.timestamp + PERIOD);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.Released.selector, uint32(1)));
        root.proveFraud(CHAIN, _proof("equivocation"));
        assertEq(root.chain(CHAIN).rollbackHeight, 6, "the rollback stands");
        _assertNoStakeTaken();
    }

    /// Configuration 2 becomes active in place of 1; an exit period later, validator 0 (in 1
    /// only) takes its stake back. Two certificates of configuration 1 at one height, which
    /// its released keys could sign for free, then prove nothing; within the period they
    /// convict.
    function test_an_equivocation_by_a_released_configuration_proves_nothing() public {
        vm.prank(validatorAt(0));
        root.unbond(CHAIN);
        root.proposeConfiguration(CHAIN);
        (BlockHeader memory header, CommitCertificate memory cert) = rotation();
        root.submitCheckpoint(header, cert);
        uint64 released = uint64(block.timestamp) + PERIOD;
        uint256 snap = vm.snapshotState();
        vm.warp(released - 1);
        root.proveFraud(CHAIN, _proof("equivocation"));
        assertTrue(root.chain(CHAIN).frozen, "convicted while configuration 1 is at stake");
        vm.revertToState(snap);

        vm.warp(released);
        uint256 before = validatorAt(0).balance;
        vm.prank(validatorAt(0));
        root.withdrawStake(CHAIN);
        assertEq(validatorAt(0).balance, before + STAKE, "validator 0's stake back");
        vm.expectRevert(abi.encodeWithSelector(RootStorage.Released.selector, uint32(1)));
        root.proveFraud(CHAIN, _proof("equivocation"));
        assertTrue(!root.chain(CHAIN).frozen, "live");
        for (uint256 v = 1; v < 4; ++v) {
            assertEq(_stake(v), STAKE, "configuration 2's stakes untouched");
        }
    }

    /// Validators 1 to 3 certify a fork at 6 whose block 3 pays Alice's change to Mallory at
    /// 3:0:0, where the chain's block 3 pays Carol. Mallory exits the fork's output first,
    /// under its checkpoint; Carol's exit of the chain's output at the same position, under the
    /// chain's checkpoint at 3, must still start: an exit claims a transaction's output, not a
    /// position. Once the conflicting checkpoints are proven, Mallory's exit is cancelled (her
    /// bond back, nothing paid) and Carol is paid: the chain's ETH goes down by her amount alone.
    function test_forked_position_exit_does_not_block_honest_exit() public {
        root.submitCheckpoint(
            abi.decode(vm.parseJsonBytes(world, ".forkAt3.header"), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(world, ".forkAt3.certificate"), (CommitCertificate))
        );
        ExitCase memory mallory = exitCase("forkAt3.exit");
        ExitCase memory carol = exitCase("preFraudExit");
        assertEq(abi.encode(mallory.pos), abi.encode(carol.pos), "one position, two forks");
        assertTrue(mallory.owner != carol.owner, "paying different owners");
        startExit(mallory);
        startExit(carol);
        uint256 lockedBefore = root.locked(CHAIN, address(0));

        proveAs(PROVER, abi.decode(vm.parseJsonBytes(world, ".forkAt3.proof"), (FraudProof)));
        assertEq(root.chain(CHAIN).rollbackHeight, 6, "checkpoints up to 5 stand, the fork's is void");
        vm.warp(block.timestamp + 2 * PERIOD);
        assertEq(root.processExits(CHAIN, address(0), 10), 2, "both exits leave the queue");

        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, mallory.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Cancelled), "the fork's exit cancelled");
        assertEq(root.owed(mallory.owner, address(0)), BOND, "Mallory: bond returned, nothing paid");
        (, status,) = root.exitOf(CHAIN, carol.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Processed), "the chain's exit paid");
        assertEq(root.owed(carol.owner, address(0)), carol.amount + BOND - BOUNTY, "Carol: her output and bond");
        assertEq(root.locked(CHAIN, address(0)), lockedBefore - carol.amount, "only Carol's output left the chain");
    }

    /// A later checkpoint whose history holds the earlier checkpoint's block (the fork agrees
    /// with the chain up to 3) convicts nobody.
    function test_later_checkpoint_whose_history_agrees_is_not_fraud() public {
        (BlockHeader memory fork, CommitCertificate memory forkCert) = forkCheckpoint();
        root.submitCheckpoint(fork, forkCert);
        vm.prank(PROVER);
        vm.expectRevert(FraudVerifier.HistoriesAgree.selector);
        root.proveFraud(CHAIN, _proof("conflicting_checkpoints_honest"));
        assertTrue(!root.chain(CHAIN).frozen, "honest evidence changes nothing");
        assertEq(_stake(1), STAKE, "nobody slashed");
    }

    /// Validators 1 to 3 certify a header at 6 whose history root holds the real blocks 1 and
    /// 3 to 5 and a forged block 2 (a Merkle root over leaves of their choosing). Compared at 5,
    /// the checkpointed block, it agrees with the chain; compared at 2, each block proven under
    /// its own checkpoint's history, it does not: the anchor is void from 6 on. Two histories
    /// that disagree are a fork to the root, whichever was fabricated: no stake is taken.
    function test_checkpoint_fabricating_history_below_an_earlier_one_is_fraud() public {
        _submitCheckpointOf("conflicting_checkpoints_below");
        assertEq(root.chain(CHAIN).lastHeight, 6, "the fabricated checkpoint landed");
        vm.prank(PROVER);
        vm.expectRevert(FraudVerifier.HistoriesAgree.selector);
        root.proveFraud(CHAIN, _proof("conflicting_checkpoints_below_seen_at_h"));

        proveAs(PROVER, _proof("conflicting_checkpoints_below"));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        assertEq(c.rollbackHeight, 6, "checkpoints up to 5 stand, the fabricated one is void");
        _assertNoStakeTaken();
    }

    /// Validators 1 to 3 certify a header at 8 whose history root holds a forged block 6 above
    /// the root's last checkpoint (5): no stored checkpoint disagrees with it, but the real block
    /// 7 it also holds links to the real 6, by its parent hash and in its own history. Either
    /// contradiction convicts: the chain rolls back to 6 and the anchor's signers lose their
    /// stake.
    function test_checkpoint_whose_history_contradicts_itself_is_fraud() public {
        _submitCheckpointOf("broken_history");
        assertEq(root.chain(CHAIN).lastHeight, 8, "the fabricated checkpoint landed");
        uint256 snap = vm.snapshotState();
        for (uint256 i = 0; i < 2; ++i) {
            proveAs(PROVER, _proof(i == 0 ? "broken_history" : "broken_history_under"));
            RootStorage.Chain memory c = root.chain(CHAIN);
            assertTrue(c.frozen, "frozen");
            assertEq(c.rollbackHeight, 6, "checkpoints up to 5 stand, the forged block is void");
            _assertOnlyValidators1To3Slashed();
            vm.revertToState(snap);
        }
    }

    /// Validators 0 to 2 certify the chain's block 6, and nobody checkpoints it; validators 1
    /// to 3 certify a fork at 8 whose block 6 is another (it pays Carol's output to Mallory). The
    /// fork agrees with every checkpoint the root holds and its history holds together, so the
    /// root accepts it and Mallory exits under it. The chain's certificate of its block 6
    /// against the fork's history convicts: the chain rolls back to 6 and Mallory's exit is
    /// cancelled: her bond back, nothing paid. Validators 1 and 2 signed both, as honest
    /// validators do that precommit one block 6 and then see the other decided in a later
    /// round: no stake is taken.
    function test_fork_above_the_last_checkpoint_against_a_certified_block_is_fraud() public {
        _submitCheckpointOf("history_equivocation");
        assertEq(root.chain(CHAIN).lastHeight, 8, "the fork's checkpoint landed");
        ExitCase memory mallory = exitCase("historyFork.exit");
        startExit(mallory);
        uint256 lockedBefore = root.locked(CHAIN, address(0));
        vm.prank(PROVER);
        vm.expectRevert(FraudVerifier.HistoriesAgree.selector);
        root.proveFraud(CHAIN, _proof("history_equivocation_honest"));

        proveAs(PROVER, _proof("history_equivocation"));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        assertEq(c.rollbackHeight, 6, "checkpoints up to 5 stand, the fork is void");
        _assertNoStakeTaken();

        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, mallory.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Cancelled), "the fork's exit cancelled");
        assertEq(root.owed(mallory.owner, address(0)), BOND, "bond returned, nothing paid");
        assertEq(root.locked(CHAIN, address(0)), lockedBefore, "nothing left the chain");
    }

    /// Validators 1 to 3 certify a fork at 6 whose block 2 inflates Alice's deposit tenfold,
    /// below the root's honest checkpoints at 3 and 5. Rolled back to 2, the inflation would
    /// void those checkpoints, and with them Carol's exit under 3. Proven under the fork's own
    /// checkpoint, it convicts the fork's signers and lifts the rollback to just above the
    /// highest checkpoint below the anchor: void from 6 on, and Carol is paid. Proven as a fork
    /// instead (conflicting checkpoints), it takes no stake: signing an invalid block does.
    function test_a_forks_fraud_convicts_its_signers_without_voiding_an_honest_checkpoint_below_it() public {
        _submitCheckpointOf("inflation_in_a_fork_below_a_checkpoint");
        ExitCase memory carol = exitCase("preFraudExit");
        startExit(carol);
        uint256 snap = vm.snapshotState();
        proveAs(PROVER, _proof("conflicting_checkpoints_inflating_fork"));
        assertEq(root.chain(CHAIN).rollbackHeight, 6, "the fork is void");
        _assertNoStakeTaken();
        vm.revertToState(snap);

        proveAs(PROVER, _proof("inflation_in_a_fork_below_a_checkpoint"));
        assertEq(root.chain(CHAIN).rollbackHeight, 6, "checkpoints up to 5 stand, the fork is void");
        _assertOnlyValidators1To3Slashed();
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(carol.owner, address(0)), carol.amount + BOND - BOUNTY, "Carol's exit under 3 paid");
    }

    /// A certified header that goes back in time before its parent: the chain rolls back to
    /// it and its signers lose their stake (a quorum cannot push outputs' exit times out of
    /// reach by a far-future block and then resume at the real time).
    function test_header_before_its_parent_in_time_is_fraud() public {
        _convictUnderItsCheckpoint("broken_history_time", 8, "the block before its parent is void");
    }

    /// A mint outside its header's deposit range, however well it matches the root's record:
    /// a watcher that finds mints by the headers' ranges would miss it, so it is fraud.
    function test_mint_outside_its_headers_deposit_range_is_fraud() public {
        _convictUnderItsCheckpoint("deposit_mismatch_out_of_range", 6, "the mint outside its range is void");
    }

    /// A header under a certified checkpoint that names another validator set than the
    /// root's configuration at its height: the chain rolls back to it and the checkpoint's
    /// signers lose their stake.
    function test_header_naming_another_validator_set_is_fraud() public {
        _convictUnderItsCheckpoint("broken_schedule_set", 6, "the header naming another set is void");
    }

    /// A set the prover picks, against which the header would break the schedule, is not the
    /// root's configuration: refused, nothing changes.
    function test_a_schedule_proof_against_a_set_of_the_provers_choosing_is_refused() public {
        _submitCheckpointOf("broken_schedule_not_the_roots_set");
        FraudProof memory proof = _proof("broken_schedule_not_the_roots_set");
        vm.prank(PROVER);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.NotTheSchedule.selector, 6));
        root.proveFraud(CHAIN, proof);
        assertTrue(!root.chain(CHAIN).frozen, "nothing proven");
    }

    /// A header under a certified checkpoint whose proposer is not a validator: the same.
    function test_header_naming_a_proposer_outside_the_set_is_fraud() public {
        _convictUnderItsCheckpoint("broken_schedule_proposer", 7, "the header naming an outsider is void");
    }

    /// Case `name`, anchored to a checkpoint certified by validators 1 to 3: the root takes
    /// the checkpoint, then the proof freezes the chain from `rollback` and slashes exactly them.
    function _convictUnderItsCheckpoint(string memory name, uint64 rollback, string memory why) internal {
        _submitCheckpointOf(name);
        proveAs(PROVER, _proof(name));
        RootStorage.Chain memory c = root.chain(CHAIN);
        assertTrue(c.frozen, "frozen");
        assertEq(c.rollbackHeight, rollback, why);
        _assertOnlyValidators1To3Slashed();
    }

    /// An honest checkpoint's history agrees with itself: block 3 links to block 2, after it in
    /// time, its deposits starting where block 2's ended.
    function test_checkpoint_whose_history_agrees_with_itself_is_not_fraud() public {
        vm.prank(PROVER);
        vm.expectRevert(FraudVerifier.HistoriesAgree.selector);
        root.proveFraud(CHAIN, _proof("broken_history_honest"));
        assertTrue(!root.chain(CHAIN).frozen, "honest evidence changes nothing");
        assertEq(_stake(1), STAKE, "nobody slashed");
    }

    /// A contradiction below stored checkpoints (the real block 3 over the forged block 2 of
    /// the checkpoint at 6) convicts the anchor's signers without voiding the honest
    /// checkpoints at 3 and 5: the rollback lifts to just above the highest of them.
    function test_broken_history_below_a_stored_checkpoint_is_lifted_above_it() public {
        _submitCheckpointOf("broken_history_below_checkpoint");
        ExitCase memory carol = exitCase("preFraudExit");
        startExit(carol);
        proveAs(PROVER, _proof("broken_history_below_checkpoint"));
        assertEq(root.chain(CHAIN).rollbackHeight, 6, "checkpoints up to 5 stand, the anchor is void");
        _assertOnlyValidators1To3Slashed();
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(carol.owner, address(0)), carol.amount + BOND - BOUNTY, "Carol's exit under 3 paid");
    }

    /// `ours` must be the stored earlier checkpoint's own block at j: the anchor's forged block
    /// in its place is refused.
    function test_conflicting_checkpoints_with_a_forged_block_of_ours_is_refused() public {
        _submitCheckpointOf("conflicting_checkpoints_below");
        FraudProof memory p = _proof("conflicting_checkpoints_below");
        ConflictingCheckpointsEvidence memory e = abi.decode(p.evidence, (ConflictingCheckpointsEvidence));
        e.ours = e.shown;
        p.evidence = abi.encode(e);
        vm.prank(PROVER);
        vm.expectRevert();
        root.proveFraud(CHAIN, p);
        assertTrue(!root.chain(CHAIN).frozen, "nothing proven");
    }

    function test_exit_proven_under_voided_checkpoint_is_cancelled_and_bond_returned() public {
        // Carol exits her honest output under the tip (which will be voided).
        ExitCase memory e = exitCase("preFraudExit");
        (BlockHeader memory tip,) = checkpoint(1);
        e.anchor = tip;
        e.inclusion = _inclusionUnderTip();
        startExit(e);
        proveAs(PROVER, _proof("double_spend"));
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, e.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Cancelled), "cancelled");
        assertEq(root.owed(e.owner, address(0)), BOND, "bond returned, nothing paid");
        // It restarts under the valid checkpoint 3 and is paid.
        startExit(exitCase("preFraudExit"));
        vm.warp(block.timestamp + 2 * PERIOD);
        root.processExits(CHAIN, address(0), 10);
        assertEq(root.owed(e.owner, address(0)), BOND + e.amount + BOND - BOUNTY, "paid after restarting");
    }

    function test_fraud_proof_with_unknown_anchor_is_refused() public {
        FraudProof memory p = _proof("double_spend");
        p.anchor.timestamp += 1;
        vm.expectPartialRevert(RootStorage.UnknownAnchor.selector);
        root.proveFraud(CHAIN, p);
    }

    /// The anchor's signers are who the root accepted it with: a certificate naming others
    /// (three of the four, here) is refused, whatever its signature.
    function test_fraud_proof_whose_anchor_certificate_names_other_signers_is_refused() public {
        FraudProof memory p = _proof("double_spend");
        p.anchorCertificate.signerBitmap = hex"07";
        vm.expectRevert(abi.encodeWithSelector(RootStorage.NotTheAcceptedSigners.selector, p.anchor.height));
        root.proveFraud(CHAIN, p);
    }

    /// A second proof under the anchor the first voided takes nothing (the stakes are gone)
    /// and cannot raise the rollback: refused.
    function test_a_second_proof_on_a_frozen_chain_neither_raises_the_rollback_nor_pays_twice() public {
        proveAs(PROVER, _proof("double_spend"));
        uint256 paid = root.owed(PROVER, address(0));
        vm.expectPartialRevert(RootStorage.ChainIsFrozen.selector);
        root.proveFraud(CHAIN, _proof("inflation"));
        assertEq(root.chain(CHAIN).rollbackHeight, 4, "the rollback stands");
        assertEq(root.owed(address(this), address(0)), 0, "nothing paid");
        assertEq(root.owed(PROVER, address(0)), paid, "nor again");
    }

    /// The whole committee signed the inflating block 4 (under the tip). Before the watcher
    /// proves it, the committee freezes its own chain from 3 with a fork across rounds, which
    /// slashes nobody: the watcher's proof, under the tip the freeze voided, still takes every
    /// stake that signed the inflation, and leaves the rollback at 3.
    function test_a_decoy_fork_across_rounds_does_not_spare_the_signers_of_an_invalid_block() public {
        root.proveFraud(CHAIN, _proof("equivocation_across_rounds"));
        assertEq(root.chain(CHAIN).rollbackHeight, 3, "frozen from 3 by the decoy");
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), STAKE, "the decoy takes nothing");
        }
        proveAs(PROVER, _proof("inflation"));
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), 0, "the inflation's signers slashed");
        }
        assertEq(root.owed(PROVER, address(0)), 2 * STAKE, "the prover paid half of four stakes");
        assertEq(root.chain(CHAIN).rollbackHeight, 3, "the rollback stands");
    }

    /// Carol's output of block 3, proven under the tip (height 5) instead of checkpoint 3.
    function _inclusionUnderTip() internal view returns (TxInclusion memory) {
        string memory j = vm.readFile("test/vectors/exits.json");
        return abi.decode(vm.parseJsonBytes(j, ".starts[0].inclusion"), (TxInclusion));
    }
}
