// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {FraudFixture} from "./FraudFixture.sol";

/// Who a fraud proof slashes and who it pays: the signers the root accepted the anchor with,
/// whatever certificate the prover shows; the prover who committed to the proof in an earlier
/// block, never a copier of its calldata; never a culprit.
contract ProverTest is FraudFixture {
    address internal constant COPIER = address(0xC0B1E5);

    /// The anchor re-certified by validators 1 to 3 alone (fraud.json): a quorum of the
    /// precommits every validator's engine keeps, aggregated to spare validator 0.
    function _ofThree() internal view returns (CommitCertificate memory) {
        return abi.decode(vm.parseJsonBytes(fraud, ".anchorCertificateOfThree"), (CommitCertificate));
    }

    function _assertAllFourSlashed() internal view {
        for (uint256 v = 0; v < 4; ++v) {
            assertEq(_stake(v), 0, "signed the invalid block's checkpoint");
        }
    }

    /// The ledger's commitment (`fraud::evidence::commitment`, which the bridge sends) is the
    /// one the root pays on.
    function test_a_commitment_the_ledger_computes_pays_its_prover() public {
        address prover = vm.parseJsonAddress(fraud, ".commitment.prover");
        root.commitFraud(vm.parseJsonBytes32(fraud, ".commitment.value"));
        vm.roll(vm.getBlockNumber() + 1);
        vm.prank(prover);
        root.proveFraud(CHAIN, _proof(vm.parseJsonString(fraud, ".commitment.case")));
        _assertAllFourSlashed();
        assertEq(root.owed(prover, address(0)), 2 * STAKE, "the committed prover is paid half");
    }

    function test_a_certificate_re_aggregated_to_spare_a_signer_is_refused() public {
        FraudProof memory sparing = _proof("double_spend");
        sparing.anchorCertificate = _ofThree();
        commitFraud(PROVER, sparing);
        vm.roll(vm.getBlockNumber() + 1);
        vm.prank(PROVER);
        vm.expectRevert(abi.encodeWithSelector(RootStorage.NotTheAcceptedSigners.selector, sparing.anchor.height));
        root.proveFraud(CHAIN, sparing);
        assertEq(_stake(0), STAKE, "the refused proof took nothing");

        // The certificate the anchor was accepted with convicts every signer of it.
        proveAs(PROVER, _proof("double_spend"));
        _assertAllFourSlashed();
        assertEq(root.owed(PROVER, address(0)), 2 * STAKE, "the prover is paid half of all four");
    }

    function test_a_copied_proof_pays_the_copier_nothing() public {
        FraudProof memory p = _proof("double_spend");
        commitFraud(PROVER, p);
        vm.roll(vm.getBlockNumber() + 1);
        // The copier sends the author's calldata first; it committed to nothing.
        uint256 burnedBefore = root.burned();
        vm.prank(COPIER);
        root.proveFraud(CHAIN, p);
        _assertAllFourSlashed();
        assertEq(root.owed(COPIER, address(0)), 0, "the copier is paid nothing");
        assertEq(root.burned() - burnedBefore, 4 * STAKE, "what nobody earned is burned");
    }

    /// A copier that commits to the proof it saw in the pool and sends it in the same block.
    function test_a_proof_committed_in_its_own_block_pays_nothing() public {
        FraudProof memory p = _proof("double_spend");
        commitFraud(COPIER, p);
        vm.prank(COPIER);
        root.proveFraud(CHAIN, p);
        _assertAllFourSlashed();
        assertEq(root.owed(COPIER, address(0)), 0, "a commitment of this block pays nothing");
    }

    function test_a_culprit_proving_its_own_fraud_earns_nothing() public {
        address culprit = validatorAt(1);
        FraudProof memory p = _proof("double_spend");
        uint256 burnedBefore = root.burned();
        proveAs(culprit, p);
        _assertAllFourSlashed();
        assertEq(root.owed(culprit, address(0)), 0, "a culprit recovers nothing of its stake");
        assertEq(root.burned() - burnedBefore, 4 * STAKE, "all four stakes burned");
    }

    function test_the_author_who_committed_first_is_paid_half() public {
        FraudProof memory p = _proof("double_spend");
        commitFraud(PROVER, p);
        vm.roll(vm.getBlockNumber() + 1);
        commitFraud(COPIER, p); // seen the author's reveal in the pool: too late
        vm.prank(PROVER);
        root.proveFraud(CHAIN, p);
        _assertAllFourSlashed();
        assertEq(root.owed(PROVER, address(0)), 2 * STAKE, "the author is paid half");
        vm.roll(vm.getBlockNumber() + 1);
        vm.prank(COPIER);
        vm.expectPartialRevert(RootStorage.ChainIsFrozen.selector);
        root.proveFraud(CHAIN, p);
        assertEq(root.owed(COPIER, address(0)), 0, "nothing left for a later reveal");
    }
}
