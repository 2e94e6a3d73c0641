// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {FraudVerifier} from "../src/FraudVerifier.sol";
import {ChildVerifier} from "../src/ChildVerifier.sol";
import {LinkVerifier} from "../src/LinkVerifier.sol";
import {BLS} from "../src/lib/BLS.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {ParentLinks} from "../src/lib/ParentLinks.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {PlasmaTx} from "../src/lib/PlasmaTx.sol";
import {RootFixture} from "./RootFixture.sol";

/// Thin external wrappers, so a vector's expected revert can be caught.
contract LibHarness {
    function verifyMerkle(bytes32 leaf, MerkleProof calldata proof, bytes32 root) external pure {
        Merkle.verify(leaf, proof, root);
    }

    function hashToG1(bytes calldata message, bytes calldata dst) external view returns (bytes memory) {
        return BLS.hashToG1(message, dst);
    }

    function hashStruct(Transaction calldata t) external pure returns (bytes32) {
        return PlasmaTx.hashStruct(t);
    }

    function signingHash(bytes32 separator, Transaction calldata t) external pure returns (bytes32) {
        return PlasmaTx.signingHash(separator, t);
    }

    function recover(bytes32 digest, bytes calldata sig) external pure returns (address) {
        return PlasmaTx.recover(digest, sig);
    }
}

/// The shared vectors the Rust ledger computes (`test/vectors/*.json`): every case must get the
/// same verdict here, through the real contracts' entry points where there is one.
contract VectorsTest is RootFixture {
    LibHarness internal lib;
    /// The world before the root holds any checkpoint of the chain (a `bare` case's).
    uint256 internal bare;

    function setUp() public {
        deployRoot();
        registerChains();
        bondCommittee();
        makeDeposits();
        bare = vm.snapshotState();
        submitCheckpoint(0);
        submitCheckpoint(1);
        vm.warp(NOW);
        lib = new LibHarness();
    }

    // ---- expected errors, by the ledger's variant names ----------------------------------

    function selectorOf(string memory name) internal pure returns (bytes4) {
        bytes32 n = keccak256(bytes(name));
        if (n == keccak256("NotOwner")) return ExitGame.NotOwner.selector;
        if (n == keccak256("NoSuchOutput")) return ExitGame.NoSuchOutput.selector;
        if (n == keccak256("Inclusion.WrongIndex")) return ExitGame.WrongIndex.selector;
        if (n == keccak256("Inclusion.WrongHeight")) return ExitGame.WrongHeight.selector;
        if (n == keccak256("NotSignedByOwner")) return ExitGame.NotSignedByOwner.selector;
        if (n == keccak256("NotSpendingExit")) return ExitGame.NotSpendingExit.selector;
        if (n == keccak256("NotASpend")) return ExitGame.NotASpend.selector;
        if (n == keccak256("DifferentOutputs")) return FraudVerifier.DifferentOutputs.selector;
        if (n == keccak256("SignatureValid")) return FraudVerifier.SignatureValid.selector;
        if (n == keccak256("Conserved")) return FraudVerifier.Conserved.selector;
        if (n == keccak256("WellFormed")) return FraudVerifier.WellFormed.selector;
        if (n == keccak256("NotTheChild")) return FraudVerifier.NotTheChild.selector;
        if (n == keccak256("UnexpectedRegistration")) return FraudVerifier.UnexpectedRegistration.selector;
        if (n == keccak256("DifferentChildren")) return FraudVerifier.DifferentChildren.selector;
        if (n == keccak256("RecordAllows")) return ChildVerifier.RecordAllows.selector;
        if (n == keccak256("OutOfOrder")) return ChildVerifier.OutOfOrder.selector;
        if (n == keccak256("Certified")) return ChildVerifier.Certified.selector;
        if (n == keccak256("NotTheNamedSet")) return ChildVerifier.NotTheNamedSet.selector;
        if (n == keccak256("Accepted")) return ChildVerifier.Accepted.selector;
        if (n == keccak256("NotBefore")) return ChildVerifier.NotBefore.selector;
        if (n == keccak256("BelowTheFraud")) return ChildVerifier.BelowTheFraud.selector;
        if (n == keccak256("Follows")) return LinkVerifier.Follows.selector;
        if (n == keccak256("SomethingThere")) return ParentLinks.SomethingThere.selector;
        if (n == keccak256("NotLater")) return LinkVerifier.NotLater.selector;
        if (n == keccak256("NoSuchShowing")) return LinkVerifier.NoSuchShowing.selector;
        if (n == keccak256("NotTheStart")) return LinkVerifier.NotTheStart.selector;
        if (n == keccak256("NotTheLock")) return LinkVerifier.NotTheLock.selector;
        if (n == keccak256("Owed")) return LinkVerifier.Owed.selector;
        if (n == keccak256("NamesNone")) return LinkVerifier.NamesNone.selector;
        if (n == keccak256("WrongKind")) return FraudVerifier.WrongKind.selector;
        if (n == keccak256("NotLastTransaction")) return FraudVerifier.NotLastTransaction.selector;
        if (n == keccak256("InputExists")) return FraudVerifier.InputExists.selector;
        if (n == keccak256("DepositMatches")) return FraudVerifier.DepositMatches.selector;
        if (n == keccak256("DifferentDeposits")) return FraudVerifier.DifferentDeposits.selector;
        if (n == keccak256("HistoriesAgree")) return FraudVerifier.HistoriesAgree.selector;
        if (n == keccak256("EmptySlot")) return FraudVerifier.EmptySlot.selector;
        if (n == keccak256("NotParent")) return FraudVerifier.NotParent.selector;
        if (n == keccak256("NotEarlier")) return FraudVerifier.NotEarlier.selector;
        // The root names the earlier checkpoint as it names an anchor it does not hold.
        if (n == keccak256("UnknownCheckpoint")) return RootStorage.UnknownAnchor.selector;
        if (n == keccak256("CheckpointBelow")) return RootStorage.CheckpointBelow.selector;
        if (n == keccak256("NotTheSchedule")) return RootStorage.NotTheSchedule.selector;
        if (n == keccak256("ScheduleKept")) return FraudVerifier.ScheduleKept.selector;
        if (n == keccak256("NotConflicting")) return RootStorage.NotConflicting.selector;
        if (n == keccak256("InsufficientPower")) return RootStorage.InsufficientPower.selector;
        if (n == keccak256("BadSignature")) return RootStorage.BadSignature.selector;
        // A fraud proof's certificate that does not verify (signed in another vote domain).
        if (n == keccak256("Certificate.BadSignature")) return RootStorage.BadSignature.selector;
        if (n == keccak256("HeaderMismatch")) return RootStorage.HeaderMismatch.selector;
        revert(string.concat("no Solidity error for ledger error ", name));
    }

    function expectOutcome(string memory json, string memory k) internal {
        if (!vm.parseJsonBool(json, string.concat(k, ".expect.ok"))) {
            vm.expectPartialRevert(selectorOf(vm.parseJsonString(json, string.concat(k, ".expect.error"))));
        }
    }

    function isOk(string memory json, string memory k) internal pure returns (bool) {
        return vm.parseJsonBool(json, string.concat(k, ".expect.ok"));
    }

    function c(string memory list, uint256 i) internal pure returns (string memory) {
        return string.concat(".", list, "[", str(i), "]");
    }

    // ---- encodings and signatures ---------------------------------------------------------

    function test_encoding_hashes_and_eip712() public view {
        string memory j = vm.readFile("test/vectors/encoding.json");
        for (uint256 i = 0; vm.keyExistsJson(j, c("cases", i)); ++i) {
            bytes memory abiBytes = vm.parseJsonBytes(j, string.concat(c("cases", i), ".abi"));
            assertEq(keccak256(abiBytes), vm.parseJsonBytes32(j, string.concat(c("cases", i), ".keccak")), "keccak");
        }
        Transaction memory t = abi.decode(vm.parseJsonBytes(j, ".eip712.transaction"), (Transaction));
        assertEq(PlasmaTx.TX_TYPEHASH, vm.parseJsonBytes32(j, ".eip712.typeHash"), "type hash");
        assertEq(lib.hashStruct(t), vm.parseJsonBytes32(j, ".eip712.hashStruct"), "hashStruct");
        bytes32 sep = root.domainSeparator(CHAIN);
        assertEq(sep, vm.parseJsonBytes32(j, ".eip712.domain.separator"), "domain separator");
        assertEq(lib.signingHash(sep, t), vm.parseJsonBytes32(j, ".eip712.signingHash"), "signing hash");
    }

    function test_transactions_hashes_and_signers() public view {
        string memory j = vm.readFile("test/vectors/transactions.json");
        bytes32 sep = root.domainSeparator(CHAIN);
        uint256 n;
        for (uint256 i = 0; vm.keyExistsJson(j, c("cases", i)); ++i) {
            string memory k = c("cases", i);
            SignedTransaction memory stx =
                abi.decode(vm.parseJsonBytes(j, string.concat(k, ".signedTx")), (SignedTransaction));
            assertEq(_identity(stx.transaction), vm.parseJsonBytes32(j, string.concat(k, ".txHash")), "tx hash");
            bytes32 digest = lib.signingHash(sep, stx.transaction);
            assertEq(digest, vm.parseJsonBytes32(j, string.concat(k, ".signingHash")), "signing hash");
            for (uint256 s = 0; s < stx.signatures.length; ++s) {
                string memory sk = string.concat(k, ".signers[", str(s), "]");
                address expected = vm.parseJsonBool(j, string.concat(sk, ".ok"))
                    ? vm.parseJsonAddress(j, string.concat(sk, ".result"))
                    : address(0);
                assertEq(lib.recover(digest, stx.signatures[s]), expected, "signer");
                ++n;
            }
        }
        assertGt(n, 5, "signatures checked");
    }

    function test_merkle_proofs() public {
        string memory j = vm.readFile("test/vectors/merkle.json");
        bytes32 r = vm.parseJsonBytes32(j, ".root");
        for (uint256 i = 0; vm.keyExistsJson(j, c("cases", i)); ++i) {
            string memory k = c("cases", i);
            MerkleProof memory proof = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".proof")), (MerkleProof));
            bytes32 leaf = vm.parseJsonBytes32(j, string.concat(k, ".leaf"));
            if (!vm.parseJsonBool(j, string.concat(k, ".valid"))) vm.expectRevert();
            lib.verifyMerkle(leaf, proof, r);
        }
    }

    // ---- BLS ------------------------------------------------------------------------------

    function test_hash_to_g1_matches_blst() public view {
        string memory j = vm.readFile("test/vectors/certificates.json");
        for (uint256 i = 0; vm.keyExistsJson(j, c("votes", i)); ++i) {
            bytes memory msg_ = vm.parseJsonBytes(j, string.concat(c("votes", i), ".message"));
            assertEq(
                lib.hashToG1(msg_, BLS.VOTE_DST),
                vm.parseJsonBytes(j, string.concat(c("votes", i), ".hashToG1")),
                "H(m)"
            );
        }
    }

    function test_certificates() public {
        string memory j = vm.readFile("test/vectors/certificates.json");
        (bytes32 setHash,,,) = root.configuration(CHAIN, 1);
        assertEq(setHash, vm.parseJsonBytes32(j, ".validatorSetHash"), "configuration hash = ledger's set hash");
        for (uint256 i = 0; vm.keyExistsJson(j, c("cases", i)); ++i) {
            string memory k = c("cases", i);
            Checkpoint memory cp = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".checkpoint")), (Checkpoint));
            uint256 snap = vm.snapshotState();
            expectOutcome(j, k);
            root.submitCheckpoint(cp.header, cp.certificate);
            if (isOk(j, k)) {
                assertEq(root.checkpoints(CHAIN, cp.header.height), keccak256(abi.encode(cp.header)), "stored");
            }
            vm.revertToState(snap);
        }
    }

    // ---- exits ----------------------------------------------------------------------------

    function test_exit_timing_priority_and_ids() public view {
        string memory j = vm.readFile("test/vectors/exits.json");
        for (uint256 i = 0; vm.keyExistsJson(j, c("exitableAt", i)); ++i) {
            string memory k = c("exitableAt", i);
            uint64 got = ExitGame.exitableAt(
                uint64(vm.parseJsonUint(j, string.concat(k, ".outputTime"))),
                uint64(vm.parseJsonUint(j, string.concat(k, ".now"))),
                uint64(vm.parseJsonUint(j, string.concat(k, ".period")))
            );
            assertEq(got, vm.parseJsonUint(j, string.concat(k, ".exitableAt")), "exitableAt");
        }
        for (uint256 i = 0; vm.keyExistsJson(j, c("priority", i)); ++i) {
            string memory k = c("priority", i);
            UtxoPos memory pos = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".utxoPos")), (UtxoPos));
            uint256 p = ExitGame.priority(uint64(vm.parseJsonUint(j, string.concat(k, ".exitableAt"))), pos);
            assertEq(bytes32(p), vm.parseJsonBytes32(j, string.concat(k, ".priority")), "priority");
        }
        bytes32 carolsTx = vm.parseJsonBytes32(j, ".exitIds[0].txHash");
        uint8 index = uint8(vm.parseJsonUint(j, ".exitIds[0].outputIndex"));
        TxInclusion memory carols = abi.decode(vm.parseJsonBytes(j, ".starts[0].inclusion"), (TxInclusion));
        assertEq(lib.hashStruct(carols.signedTx.transaction), carolsTx, "an output exit names its tx's hashStruct");
        assertEq(ExitGame.outputExitId(carolsTx, index), vm.parseJsonBytes32(j, ".exitIds[0].exitId"), "output exit id");
        assertEq(ExitGame.depositExitId(0), vm.parseJsonBytes32(j, ".exitIds[1].exitId"), "deposit exit id");
    }

    function test_exit_starts() public {
        string memory j = vm.readFile("test/vectors/exits.json");
        assertEq(vm.parseJsonUint(j, ".now"), NOW, "vectors' clock");
        assertEq(vm.parseJsonUint(j, ".period"), PERIOD, "vectors' period");
        BlockHeader memory anchor = abi.decode(vm.parseJsonBytes(j, ".anchor"), (BlockHeader));
        for (uint256 i = 0; vm.keyExistsJson(j, c("starts", i)); ++i) {
            string memory k = c("starts", i);
            UtxoPos memory pos = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".utxoPos")), (UtxoPos));
            TxInclusion memory inc = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".inclusion")), (TxInclusion));
            address claimant = vm.parseJsonAddress(j, string.concat(k, ".claimant"));
            vm.deal(claimant, BOND);
            expectOutcome(j, k);
            vm.prank(claimant);
            root.startExit{value: BOND}(anchor, pos, inc, 0);
            if (isOk(j, k)) {
                ExitRecord memory want =
                    abi.decode(vm.parseJsonBytes(j, string.concat(k, ".expect.result")), (ExitRecord));
                (address owner, RootStorage.ExitStatus status, uint256 amount) = root.exitOf(CHAIN, want.exitId);
                assertEq(uint256(status), uint256(RootStorage.ExitStatus.Started), "started");
                assertEq(owner, want.owner, "owner");
                assertEq(amount, want.amount, "amount");
                uint256 key = root.nextExitKey(CHAIN, want.token);
                assertEq(key >> 192, want.exitableAt, "exitableAt");
            }
        }
    }

    function test_exit_challenges() public {
        string memory j = vm.readFile("test/vectors/exits.json");
        ExitCase memory e = exitCase("challengedExit");
        uint256 key = startExit(e);
        for (uint256 i = 0; vm.keyExistsJson(j, c("challenges", i)); ++i) {
            string memory k = c("challenges", i);
            ExitRecord memory exit_ = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".exit")), (ExitRecord));
            assertEq(exit_.exitId, e.exitId, "the vectors challenge the fixture's exit");
            SignedTransaction memory spend =
                abi.decode(vm.parseJsonBytes(j, string.concat(k, ".spend")), (SignedTransaction));
            uint8 input = uint8(vm.parseJsonUint(j, string.concat(k, ".inputIndex")));
            uint256 snap = vm.snapshotState();
            address challenger = address(0xC4A1);
            expectOutcome(j, k);
            vm.prank(challenger);
            root.challengeExit(CHAIN, key, spend, input, keccak256(abi.encodePacked(challenger)));
            if (isOk(j, k)) {
                assertEq(challenger.balance, BOND, "bond to challenger");
                (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, e.exitId);
                assertEq(uint256(status), uint256(RootStorage.ExitStatus.Challenged), "challenged");
            }
            vm.revertToState(snap);
        }
    }

    // ---- fraud proofs ----------------------------------------------------------------------

    function test_fraud_proofs() public {
        string memory j = vm.readFile("test/vectors/fraud.json");
        uint256 convicted;
        for (uint256 i = 0; vm.keyExistsJson(j, c("cases", i)); ++i) {
            string memory k = c("cases", i);
            FraudProof memory proof = abi.decode(vm.parseJsonBytes(j, string.concat(k, ".proof")), (FraudProof));
            uint256 snap = vm.snapshotState();
            // A chain's first block: the root holds none of its checkpoints yet.
            if (vm.keyExistsJson(j, string.concat(k, ".bare"))) {
                vm.revertToState(bare);
                vm.warp(NOW);
            }
            // A proof anchored to a fork's checkpoint: the root accepts the checkpoint first.
            if (vm.keyExistsJson(j, string.concat(k, ".checkpoint"))) {
                root.submitCheckpoint(
                    abi.decode(vm.parseJsonBytes(j, string.concat(k, ".checkpoint.header")), (BlockHeader)),
                    abi.decode(vm.parseJsonBytes(j, string.concat(k, ".checkpoint.certificate")), (CommitCertificate))
                );
            }
            expectOutcome(j, k);
            root.proveFraud(CHAIN, proof);
            if (isOk(j, k)) {
                uint64 height = uint64(vm.parseJsonUint(j, string.concat(k, ".expect.result.height")));
                RootStorage.Chain memory ch = root.chain(CHAIN);
                assertTrue(ch.frozen, string.concat(vm.parseJsonString(j, string.concat(k, ".name")), ": frozen"));
                assertEq(ch.rollbackHeight, height, "rolled back to the ledger's height");
                // Exactly the validators the ledger convicts lose their stake
                // (`ledger::fraud::convicted`): the anchor's signers, who signed both
                // certificates of one round, or nobody (a fork shown through histories).
                uint256[] memory culprits = vm.parseJsonUintArray(j, string.concat(k, ".expect.result.culprits"));
                for (uint256 v = 0; v < 4; ++v) {
                    (uint256 stake,,) = root.stakeOf(CHAIN, validatorAt(v));
                    bool culprit;
                    for (uint256 m = 0; m < culprits.length; ++m) {
                        culprit = culprit || culprits[m] == v;
                    }
                    assertEq(stake == 0, culprit, "slashed exactly the culprits");
                }
                ++convicted;
            }
            vm.revertToState(snap);
        }
        assertEq(convicted, 139, "every fraud vector convicts");
    }

    /// A transaction's identity (`ledger::types::Transaction::hash`): `keccak256(abi.encode(t))`
    /// with a lock's escrow link (its last three payload words, set by its proposer) zeroed.
    function _identity(Transaction memory t) private pure returns (bytes32) {
        if (t.kind == uint8(TxKind.DepositToChild) && t.data.length == 9 * 32) {
            ChildDeposit memory lock = abi.decode(t.data, (ChildDeposit));
            (lock.escrowHeight, lock.escrowIndex, lock.escrowed) = (0, 0, 0);
            t.data = abi.encode(lock);
        }
        return keccak256(abi.encode(t));
    }
}
