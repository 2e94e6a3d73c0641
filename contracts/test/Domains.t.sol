// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {BLS} from "../src/lib/BLS.sol";
import {Votes} from "../src/lib/Votes.sol";
import {RootFixture} from "./RootFixture.sol";
import {TestBls} from "./StakeHandler.sol";

/// One operator committee with the same BLS keys on two deployments of the root (a testnet
/// and a mainnet, say), where chain ids start at 1 on each: what the committee signs for one
/// deployment is neither a checkpoint nor an equivocation on the other.
contract DomainsTest is RootFixture {
    uint256 internal constant N = 4;
    /// Where the other deployment lives.
    address internal constant TESTNET = address(0x7e57);

    PlasmaRoot internal testnet;
    uint64 internal chain;
    uint256[N] internal secrets;
    address[N] internal operators;

    function setUp() public {
        deployRoot();
        vm.etch(TESTNET, address(root).code);
        testnet = PlasmaRoot(TESTNET);
        vm.warp(NOW);
        for (uint256 i = 0; i < N; ++i) {
            secrets[i] = uint256(keccak256(abi.encode("one committee, two roots", i))) >> 8;
            operators[i] = vm.addr(7000 + i);
        }
        chain = _launch(root);
        assertEq(_launch(testnet), chain, "chain ids start at 1 on every deployment");
    }

    /// Registers a chain on `r` and makes the committee its genesis set.
    function _launch(PlasmaRoot r) internal returns (uint64 id) {
        id = r.registerChain(
            RootStorage.ChainParams({epochLength: 1, exitPeriod: PERIOD, minStake: 1 gwei, maxValidators: 8})
        );
        address[] memory named = new address[](N);
        for (uint256 i = 0; i < N; ++i) {
            bytes memory key = TestBls.publicKey(secrets[i]);
            bytes memory pop = TestBls.sign(secrets[i], abi.encode(operators[i], key), BLS.POP_DST);
            vm.deal(operators[i], 10 gwei);
            vm.prank(operators[i]);
            r.bond{value: 10 gwei}(id, key, pop);
            named[i] = operators[i];
        }
        r.proposeGenesis(id, named);
    }

    /// A header of `chain` at `height` (told apart by `salt`), certified by the whole committee
    /// in round 0 as the validators of the root at `at` on L1 chain `l1` sign it.
    function _signed(address at, uint256 l1, uint64 height, bytes32 salt)
        internal
        view
        returns (BlockHeader memory h, CommitCertificate memory cert)
    {
        Validator[] memory set = root.validators(chain, 1);
        h.chainId = chain;
        h.height = height;
        h.timestamp = uint64(block.timestamp);
        h.validatorSetHash = keccak256(abi.encode(set));
        h.nextValidatorSetHash = h.validatorSetHash;
        h.txRoot = salt;
        bytes32 blockHash = keccak256(abi.encode(h));
        bytes32 domain = Votes.child(Votes.root(l1, at), chain);
        bytes memory message = abi.encode(Vote(domain, height, 0, 2, blockHash));
        bytes memory sig;
        for (uint256 i = 0; i < N; ++i) {
            bytes memory s = TestBls.sign(secrets[i], message, BLS.VOTE_DST);
            sig = sig.length == 0 ? s : BLS.g1Add(sig, s);
        }
        cert = CommitCertificate(height, 0, blockHash, hex"0f", sig);
    }

    function _assertEveryStakeKept() internal view {
        for (uint256 i = 0; i < N; ++i) {
            (uint256 amount,,) = root.stakeOf(chain, operators[i]);
            assertEq(amount, 10 gwei, "the committee keeps its stake");
        }
        assertTrue(!root.chain(chain).frozen, "the chain is not frozen");
    }

    function test_a_checkpoint_certified_for_another_root_is_refused() public {
        (BlockHeader memory h, CommitCertificate memory cert) = _signed(TESTNET, block.chainid, 2, "testnet");
        testnet.submitCheckpoint(h, cert);
        assertEq(testnet.checkpoints(chain, 2), keccak256(abi.encode(h)), "the testnet accepts its own");

        vm.expectRevert(RootStorage.BadSignature.selector);
        root.submitCheckpoint(h, cert);
        assertEq(root.checkpoints(chain, 2), bytes32(0), "mainnet holds no checkpoint at 2");
    }

    function test_a_checkpoint_certified_on_another_l1_is_refused() public {
        // The same root address on another L1 (a fork of it, or a deterministic deployment).
        (BlockHeader memory h, CommitCertificate memory cert) = _signed(address(root), 1, 2, "another l1");
        vm.expectRevert(RootStorage.BadSignature.selector);
        root.submitCheckpoint(h, cert);
        assertEq(root.checkpoints(chain, 2), bytes32(0), "no checkpoint at 2");
    }

    /// The committee signs block 2 of the testnet's chain 1 and, honestly, another block 2 of
    /// mainnet's chain 1: no equivocation, and nobody may slash it for one.
    function test_votes_on_two_deployments_do_not_prove_equivocation() public {
        (, CommitCertificate memory onTestnet) = _signed(TESTNET, block.chainid, 2, "testnet");
        (BlockHeader memory h, CommitCertificate memory onMainnet) = _signed(address(root), block.chainid, 2, "main");
        root.submitCheckpoint(h, onMainnet);

        FraudProof memory proof;
        proof.kind = uint8(FraudKind.Equivocation);
        proof.evidence = abi.encode(EquivocationEvidence(onTestnet, onMainnet));
        vm.expectRevert(RootStorage.BadSignature.selector);
        root.proveFraud(chain, proof);
        proof.evidence = abi.encode(EquivocationEvidence(onMainnet, onTestnet));
        vm.expectRevert(RootStorage.BadSignature.selector);
        root.proveFraud(chain, proof);
        _assertEveryStakeKept();
    }
}
