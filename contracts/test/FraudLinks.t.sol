// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {LinkVerifier} from "../src/LinkVerifier.sol";
import {ChildVerifier} from "../src/ChildVerifier.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {ParentLinks} from "../src/lib/ParentLinks.sol";
import {FraudFixture} from "./FraudFixture.sol";

/// One test per fraud kind about a plasma parent's transaction that stands on an earlier one it
/// names (its link): a child checkpoint, a challenge or payout of a child's exit, a start of one
/// again, a start of an exit from the deposit record, a lock into a child, a stake, bond or fraud
/// proof of a child, a lock or payout of a child's escrow. The honest counterpart is refused and changes nothing; the fraud freezes the chain
/// and slashes the anchor's signers.
contract FraudLinksTest is FraudFixture {
    /// ... accepts a checkpoint of its child naming a set of its quorum's own (its own
    /// certificate certifies it, and an exit under it would show a valid acceptance, paying
    /// the quorum from the child's escrow): the checkpoint it links to, shown, convicts; the
    /// checkpoint that follows it honestly does not.
    function test_fraud_a_child_checkpoint_naming_a_set_of_its_own() public {
        _convict(
            "checkpoint_succession_names_a_set_of_its_own",
            "checkpoint_succession_follows",
            LinkVerifier.Follows.selector,
            4
        );
    }

    /// ... accepts a checkpoint of its child linked past the latest accepted one (to judge it
    /// against an older set): the latest, between them, convicts; a registration before the
    /// link does not.
    function test_fraud_a_child_checkpoint_skipping_the_latest() public {
        _convict(
            "checkpoint_succession_skips_the_latest",
            "checkpoint_succession_follows_no_later",
            LinkVerifier.NotLater.selector,
            4
        );
    }

    /// ... accepts a checkpoint of its child linked past the last transaction of a block: that
    /// transaction, shown as the block's last, convicts; the link's own transaction, shown as
    /// its block's last, does not.
    function test_fraud_a_child_checkpoint_linked_to_nothing() public {
        _convict(
            "checkpoint_succession_links_an_empty_slot",
            "checkpoint_succession_follows_something_there",
            ParentLinks.SomethingThere.selector,
            4
        );
    }

    /// A checkpoint-succession proof costs what a block holds.
    function test_a_checkpoint_succession_proof_fits_a_block() public {
        _convictsWithin(
            "checkpoint_succession_names_a_set_of_its_own", 2_000_000, "gas of a checkpoint-succession proof: "
        );
    }

    /// ... challenges an honest exit (of a deposit into its child, from its record) with a
    /// spend of another output (the challenger takes the exit and its bond for good): the start
    /// the challenge names, shown, convicts; the challenge it founds does not.
    function test_fraud_an_exit_challenged_with_a_spend_of_another_output() public {
        _convict(
            "unfounded_settlement_spends_another_output",
            "unfounded_settlement_founded",
            LinkVerifier.Follows.selector,
            4
        );
    }

    /// ... challenges an exit it settled before by an earlier challenge: that settlement,
    /// between the start and the challenge, convicts; the start itself, shown as later, does
    /// not.
    function test_fraud_an_exit_challenged_after_it_was_settled() public {
        _convict(
            "unfounded_settlement_settled_since",
            "unfounded_settlement_founded_no_later",
            LinkVerifier.NotLater.selector,
            4
        );
    }

    /// ... challenges an exit of its child's output that it paid before: the payout, between
    /// the start and the challenge, convicts; a payout of the same exit id of another child
    /// does not.
    function test_fraud_an_exit_challenged_after_it_was_paid() public {
        _convict(
            "unfounded_settlement_paid_since",
            "unfounded_settlement_paid_since_shown_another_childs_payout",
            LinkVerifier.NotLater.selector,
            4
        );
    }

    /// ... pays its child's exit to another than the exit's owner (Bob takes part of Alice's
    /// exit from the child's escrow): the start the payout names, shown, convicts; the payout
    /// to Alice alone it founds does not.
    function test_fraud_an_exit_paid_to_another_than_its_owner() public {
        _convict(
            "unfounded_settlement_payout_to_another",
            "unfounded_settlement_payout_to_the_owner",
            LinkVerifier.Follows.selector,
            4
        );
    }

    /// ... pays an exit of its child that was never queued where the payout says (the
    /// transaction there starts no exit), draining the child's escrow: that transaction, shown,
    /// convicts; Alice's start, shown for her payout, does not.
    function test_fraud_a_payout_of_an_exit_never_started() public {
        _convict(
            "unfounded_settlement_payout_of_no_start",
            "unfounded_settlement_payout_to_the_owner",
            LinkVerifier.Follows.selector,
            4
        );
    }

    /// ... pays its child's exit of an output in the block that started it, before anyone could
    /// challenge it: its start and the child's registration convict; the payout once due does not.
    function test_fraud_an_exit_paid_before_it_is_due() public {
        _submitCheckpointOf("overdrawn_payout_early");
        _convict("overdrawn_payout_early", "overdrawn_payout_owed", LinkVerifier.Owed.selector, 4);
    }

    /// ... pays its child's exit of an output, once due, one more than its claim and bond, from
    /// the child's escrow: convicted; the payout of the claim and the bond is not.
    function test_fraud_an_exit_paid_more_than_it_claims() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict("overdrawn_payout_exceeds", "overdrawn_payout_owed", LinkVerifier.Owed.selector, 4);
    }

    /// ... pays its child's exit of an output its claim and bond yet says the payout cancels
    /// it, so that the output may exit again and be paid twice: convicted, as a cancellation is
    /// owed its bond alone; the cancellation that returns the bond alone is not.
    function test_fraud_an_exit_paid_in_full_by_a_cancellation() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_cancellation_paying_the_claim",
            "overdrawn_payout_cancellation_owed",
            LinkVerifier.Owed.selector,
            4
        );
    }

    /// ... cancels its child's exit from the deposit record, which stands whatever the child's
    /// rollback, so that the deposit may exit again: convicted by its start alone; the payout
    /// owed that exit, once due, is not convicted.
    function test_fraud_an_exit_from_the_record_cancelled() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_record_exit_cancelled", "overdrawn_payout_record_exit_owed", LinkVerifier.Owed.selector, 4
        );
    }

    /// ... pays its child's exit from the deposit record in the block that started it, before
    /// anyone could challenge it: the start and the lock at its nonce's place (the deposit's
    /// time) convict; shown another transaction as its lock, the owed payout is refused.
    function test_fraud_an_exit_from_the_record_paid_early() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_record_exit_early",
            "overdrawn_payout_record_exit_owed_shown_another_lock",
            ExitGame.WrongIndex.selector,
            4
        );
    }

    /// ... pays its child's exit from the deposit record one more than the deposit its lock
    /// made and the bond: convicted; a payout of an exit whose start names no lock is not this
    /// kind's to judge (the start is an unfounded deposit exit).
    function test_fraud_an_exit_from_the_record_overpaid() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_record_exit_exceeds",
            "overdrawn_payout_record_exit_of_no_lock",
            LinkVerifier.NotTheLock.selector,
            4
        );
    }

    /// ... pays its child's exit of an output, once due, 20 of its 30 while the escrow kept 10:
    /// Alice is left short what the escrow held of her claim, for the exits behind hers.
    /// Convicted; a payout in full that leaves 5 in the escrow is not.
    function test_fraud_an_exit_paid_less_than_the_escrow_holds_of_its_claim() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict("overdrawn_payout_underpaid", "overdrawn_payout_owed_leaving_escrow", LinkVerifier.Owed.selector, 4);
    }

    /// ... pays its child's exit its claim but its bond back one short: convicted; paying what a
    /// drained escrow held of the claim, and the bond, is not.
    function test_fraud_an_exit_bond_paid_back_short() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_bond_short", "overdrawn_payout_owed_what_the_escrow_held", LinkVerifier.Owed.selector, 4
        );
    }

    /// ... cancels its child's exit saying the cancellation takes from the escrow: convicted; the
    /// cancellation that returns the bond alone is not.
    function test_fraud_a_cancellation_taking_from_the_escrow() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convict(
            "overdrawn_payout_cancellation_taking", "overdrawn_payout_cancellation_owed", LinkVerifier.Owed.selector, 4
        );
    }

    /// ... pays in full its child's exit whose anchor a fraud proof it heard voided (the child's
    /// validators certified two blocks at the anchor's height): an output of a history the
    /// proof showed invalid, paid from the escrow of the child's honest users. The payout, its
    /// start and the fraud proof convict; a payout of an exit anchored below the fraud does not.
    function test_fraud_a_voided_exit_paid_in_full() public {
        _submitCheckpointOf("voided_payout_paid");
        _convict("voided_payout_paid", "voided_payout_paid_below_the_fraud", ChildVerifier.BelowTheFraud.selector, 4);
    }

    /// A voided-anchor proof of a payout, with the start it names, costs what a block holds.
    function test_a_voided_payout_proof_fits_a_block() public {
        _submitCheckpointOf("voided_payout_paid");
        _convictsWithin("voided_payout_paid", 2_000_000, "gas of a voided-payout proof: ");
    }

    /// ... cancels its child's exit whose anchor stands, naming a fraud proof shown above that
    /// anchor (the exit is owed its claim, and its owner is sent to the back of the queue): the
    /// proof at the link and the start the cancellation names convict; the cancellation naming
    /// the proof that voided the exit does not.
    function test_fraud_a_standing_exit_cancelled() public {
        _submitCheckpointOf("unfounded_cancellation_owed");
        _convict(
            "unfounded_cancellation_under_a_proof_above_its_anchor",
            "unfounded_cancellation_owed",
            ChildVerifier.Follows.selector,
            4
        );
    }

    /// ... cancels its child's exit naming no fraud proof (none was heard): convicted.
    function test_fraud_a_cancellation_naming_no_fraud_proof() public {
        _submitCheckpointOf("unfounded_cancellation_owed");
        _convict("unfounded_cancellation_naming_none", "unfounded_cancellation_owed", ChildVerifier.Follows.selector, 4);
    }

    /// ... cancels its child's exit naming a fraud proof a later one followed: the later proof
    /// convicts; a later cancellation, shown instead, does not.
    function test_fraud_a_cancellation_naming_a_fraud_proof_not_the_latest() public {
        _submitCheckpointOf("unfounded_cancellation_owed");
        _convict(
            "unfounded_cancellation_naming_an_earlier_proof",
            "unfounded_cancellation_shown_a_later_cancellation",
            ChildVerifier.NotLater.selector,
            4
        );
    }

    /// An unfounded-cancellation proof, with the start it names, costs what a block holds.
    function test_an_unfounded_cancellation_proof_fits_a_block() public {
        _submitCheckpointOf("unfounded_cancellation_owed");
        _convictsWithin(
            "unfounded_cancellation_under_a_proof_above_its_anchor",
            2_000_000,
            "gas of an unfounded-cancellation proof: "
        );
    }

    /// An overdrawn-payout proof costs what a block holds.
    function test_an_overdrawn_payout_proof_fits_a_block() public {
        _submitCheckpointOf("overdrawn_payout_exceeds");
        _convictsWithin("overdrawn_payout_exceeds", 2_000_000, "gas of an overdrawn-payout proof: ");
    }

    /// An unfounded-settlement proof costs what a block holds.
    function test_an_unfounded_settlement_proof_fits_a_block() public {
        _convictsWithin(
            "unfounded_settlement_spends_another_output", 2_000_000, "gas of an unfounded-settlement proof: "
        );
    }

    /// ... starts its child's exit again while it is queued, naming no cancellation, so that a
    /// quorum's friend is paid twice from the child's escrow: the exit's earlier start, shown,
    /// convicts; a restart naming the cancellation it stands on does not.
    function test_fraud_an_exit_started_again_naming_no_cancellation() public {
        _convict("repeated_exit_naming_none", "repeated_exit_restart", LinkVerifier.Follows.selector, 4);
    }

    /// ... starts its child's exit again naming the payout that paid it as its cancellation:
    /// the payout, shown, convicts; the exit's first start, shown against the honest restart,
    /// does not (it is not between).
    function test_fraud_an_exit_started_again_after_it_was_paid() public {
        _convict("repeated_exit_naming_a_payout", "repeated_exit_restart_no_later", LinkVerifier.NotLater.selector, 4);
    }

    /// ... starts an exit of its child's deposit from the record naming, as the deposit's
    /// nonce, a place where no lock stands (a transfer there), to pay value nobody locked from
    /// the child's escrow: the transfer, shown, convicts; the honest exit, shown its lock, does
    /// not.
    function test_fraud_a_deposit_exit_no_lock_founds() public {
        _convict("unfounded_deposit_exit_of_no_lock", "unfounded_deposit_exit_honest", LinkVerifier.Follows.selector, 4);
    }

    /// ... starts Bob's exit of Alice's deposit from the record, to pay him her deposit: her
    /// lock, shown, convicts; shown nothing at it, the honest exit is refused.
    function test_fraud_a_deposit_exit_of_anothers_deposit() public {
        _convict(
            "unfounded_deposit_exit_of_anothers_deposit",
            "unfounded_deposit_exit_honest_shown_nothing",
            ParentLinks.SomethingThere.selector,
            4
        );
    }

    /// ... starts an exit of a deposit numbered as the root numbers deposits (a place at
    /// height 0, where no lock stands): convicted by the nonce alone; a later showing proves
    /// nothing of a lock.
    function test_fraud_a_deposit_exit_numbered_as_the_root_does() public {
        _convict(
            "unfounded_deposit_exit_numbered_as_the_root_does",
            "unfounded_deposit_exit_honest_shown_later",
            LinkVerifier.NoSuchShowing.selector,
            4
        );
    }

    /// ... starts an exit of a deposit at an empty slot: the block's last transaction, below
    /// it, convicts.
    function test_fraud_a_deposit_exit_of_an_empty_slot() public {
        _convict(
            "unfounded_deposit_exit_of_an_empty_slot", "unfounded_deposit_exit_honest", LinkVerifier.Follows.selector, 4
        );
    }

    /// ... locks a wei into a child it never registered, naming another child's registration
    /// (to exit it from the record and pay that exit from an escrow no registration bounds):
    /// the registration shown registers another child and convicts; the honest lock, shown
    /// its child's registration, does not.
    function test_fraud_a_lock_into_a_child_never_registered() public {
        _convict("unregistered_child_into_another_child", "unregistered_child_honest", LinkVerifier.Follows.selector, 4);
    }

    /// ... locks into a registered child naming a transfer as its registration: the transfer
    /// convicts; the honest lock shown nothing at its registration is refused.
    function test_fraud_a_lock_naming_no_registration() public {
        _convict(
            "unregistered_child_naming_a_transfer",
            "unregistered_child_honest_shown_nothing",
            ParentLinks.SomethingThere.selector,
            4
        );
    }

    /// ... locks into a registered child naming no registration (0:0): convicted by the place
    /// alone; the honest lock shown a later transaction is refused.
    function test_fraud_a_lock_naming_the_empty_registration() public {
        _convict(
            "unregistered_child_naming_none",
            "unregistered_child_honest_shown_later",
            LinkVerifier.NoSuchShowing.selector,
            4
        );
    }

    /// ... pays a fraud proof against its child more than half of what it takes from the
    /// child's stakes (value no stake holds, which the quorum would exit from the root): the
    /// stake it stands on, shown, convicts; the honest proof, shown the same stake, does not.
    function test_fraud_a_fraud_proof_paying_more_than_the_stakes_it_takes() public {
        _convict(
            "unfounded_stake_fraud_proof_overpaying",
            "unfounded_stake_honest_fraud_proof",
            LinkVerifier.Follows.selector,
            4
        );
    }

    /// ... stakes into its child saying the stakes hold more than they and the stake make (so
    /// that a later fraud proof may take more): the stake it stands on convicts; the honest
    /// stake, shown its child's registration, does not.
    function test_fraud_a_stake_overstating_the_stakes() public {
        _convict("unfounded_stake_overstating", "unfounded_stake_honest", LinkVerifier.Follows.selector, 4);
    }

    /// ... stakes into its child standing on its registration past a stake (so that two
    /// fraud proofs take the same stakes): the stake between them convicts; the honest stake,
    /// shown a transaction before its link, does not.
    function test_fraud_a_stake_standing_past_a_stake() public {
        _convict(
            "unfounded_stake_naming_the_registration_past_a_stake",
            "unfounded_stake_honest_shown_later",
            LinkVerifier.NotLater.selector,
            4
        );
    }

    /// ... locks into its child saying the escrow holds more after it than the lock it stands
    /// on and its amount make (so that payouts may take more than was locked, minting value
    /// the quorum would exit from the root): that lock, shown, convicts; the honest lock,
    /// shown its child's registration, does not.
    function test_fraud_a_lock_overstating_the_escrow() public {
        _convict("unfounded_escrow_overstating", "unfounded_escrow_honest", LinkVerifier.Follows.selector, 4);
    }

    /// ... locks into its child standing on its registration past a lock (so that payouts
    /// draw twice on the same deposit): the lock between them convicts; the honest lock, shown
    /// a transaction before its link, does not.
    function test_fraud_a_lock_standing_past_a_lock() public {
        _convict(
            "unfounded_escrow_naming_the_registration_past_a_lock",
            "unfounded_escrow_honest_shown_later",
            LinkVerifier.NotLater.selector,
            4
        );
    }

    /// ... pays a child's exit standing on no escrow at all: its link names nothing.
    function test_fraud_a_payout_standing_on_no_escrow() public {
        _convict(
            "unfounded_escrow_payout_naming_nothing",
            "unfounded_escrow_honest_shown_nothing",
            ParentLinks.SomethingThere.selector,
            4
        );
    }

    /// An unfounded-escrow proof costs what a block holds.
    function test_an_unfounded_escrow_proof_fits_a_block() public {
        _convictsWithin("unfounded_escrow_overstating", 2_000_000, "gas of an unfounded-escrow proof: ");
    }

    /// An unfounded-stake proof costs what a block holds.
    function test_an_unfounded_stake_proof_fits_a_block() public {
        _convictsWithin("unfounded_stake_fraud_proof_overpaying", 2_000_000, "gas of an unfounded-stake proof: ");
    }

    /// An unregistered-child proof costs what a block holds.
    function test_an_unregistered_child_proof_fits_a_block() public {
        _convictsWithin("unregistered_child_into_another_child", 2_000_000, "gas of an unregistered-child proof: ");
    }

    /// An unfounded-deposit-exit proof costs what a block holds.
    function test_an_unfounded_deposit_exit_proof_fits_a_block() public {
        _convictsWithin(
            "unfounded_deposit_exit_of_anothers_deposit", 2_000_000, "gas of an unfounded-deposit-exit proof: "
        );
    }

    /// A repeated-exit proof costs what a block holds.
    function test_a_repeated_exit_proof_fits_a_block() public {
        _convictsWithin("repeated_exit_naming_a_payout", 2_000_000, "gas of a repeated-exit proof: ");
    }
}
