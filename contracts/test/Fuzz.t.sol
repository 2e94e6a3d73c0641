// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {PlasmaTx} from "../src/lib/PlasmaTx.sol";
import {ExitQueue} from "../src/lib/ExitQueue.sol";
import {RootFixture} from "./RootFixture.sol";

contract MerkleHarness {
    function computeRoot(bytes32 leaf, MerkleProof calldata proof) external pure returns (bytes32) {
        return Merkle.computeRoot(leaf, proof);
    }
}

/// `PlasmaTx.hashStruct` and `blockHash`, and the plain Solidity they must equal (for the
/// transaction, arrays of the element hashes as EIP-712 spells it), every field read through
/// Solidity's checked calldata access.
contract TxHashHarness {
    function blockHash(BlockHeader calldata h) external pure returns (bytes32) {
        return PlasmaTx.blockHash(h);
    }

    function plainBlockHash(BlockHeader calldata h) external pure returns (bytes32) {
        return keccak256(abi.encode(h));
    }

    function hashStruct(Transaction calldata t) external pure returns (bytes32) {
        return PlasmaTx.hashStruct(t);
    }

    function plain(Transaction calldata t) external pure returns (bytes32) {
        bytes32[] memory ins = new bytes32[](t.inputs.length);
        for (uint256 i = 0; i < ins.length; ++i) {
            UtxoPos calldata p = t.inputs[i];
            ins[i] = keccak256(abi.encode(PlasmaTx.UTXO_POS_TYPEHASH, p.blockHeight, p.txIndex, p.outputIndex));
        }
        bytes32[] memory outs = new bytes32[](t.outputs.length);
        for (uint256 i = 0; i < outs.length; ++i) {
            Output calldata o = t.outputs[i];
            outs[i] = keccak256(abi.encode(PlasmaTx.OUTPUT_TYPEHASH, o.owner, o.token, o.amount));
        }
        return keccak256(
            abi.encode(
                PlasmaTx.TX_TYPEHASH,
                t.kind,
                keccak256(abi.encodePacked(ins)),
                keccak256(abi.encodePacked(outs)),
                keccak256(t.data)
            )
        );
    }
}

contract QueueHarness {
    using ExitQueue for ExitQueue.Queue;

    ExitQueue.Queue internal q;

    function push(uint256 key, uint256 hint) external {
        q.push(key, hint);
    }

    function pop() external returns (uint256) {
        return q.pop();
    }

    function below(uint256 key) external view returns (uint256) {
        return q.below(key);
    }

    function isEmpty() external view returns (bool) {
        return q.isEmpty();
    }

    function length() external view returns (uint256) {
        return q.length();
    }
}

/// Fuzzing of the proof decoders (malformed or tampered evidence never convicts or exits)
/// and of the exit queue's priority order.
contract FuzzTest is RootFixture {
    MerkleHarness internal merkle;

    /// The first fraud case's proof and the conflicting-checkpoints proof (ABI), read once:
    /// each cheatcode call passes the whole fraud.json, too slow for every fuzz run.
    bytes internal firstProof;
    bytes internal conflictingProof;

    function setUp() public {
        setUpWorld();
        merkle = new MerkleHarness();
        string memory j = vm.readFile("test/vectors/fraud.json");
        firstProof = vm.parseJsonBytes(j, ".cases[0].proof");
        string[] memory names = abi.decode(vm.parseJson(j, ".cases[*].name"), (string[]));
        for (uint256 i = 0; i < names.length; ++i) {
            if (keccak256(bytes(names[i])) == keccak256("conflicting_checkpoints")) {
                conflictingProof = vm.parseJsonBytes(j, string.concat(".cases[", str(i), "].proof"));
            }
        }
    }

    /// The transaction hash signatures and output exit ids are made of is EIP-712's
    /// `hashStruct`, whatever the transaction.
    function testFuzz_hashStruct_is_eip712(Transaction memory t) public {
        TxHashHarness h = new TxHashHarness();
        assertEq(h.hashStruct(t), h.plain(t), "hashStruct");
    }

    /// A field out of its type's range (dirty high bits in the calldata) is refused, as by
    /// Solidity's own decoding, never hashed.
    function test_hashStruct_refuses_out_of_range_fields() public {
        TxHashHarness h = new TxHashHarness();
        Transaction memory t;
        t.kind = 1;
        t.inputs = new UtxoPos[](1);
        t.inputs[0] = UtxoPos(3, 1, 2);
        t.outputs = new Output[](1);
        t.outputs[0] = Output(address(0xA11CE), address(0), 7);
        bytes[2] memory calls = [abi.encodeCall(h.hashStruct, (t)), abi.encodeCall(h.plain, (t))];
        // Words of the encoding after the selector: head, kind, three offsets, inputs (length,
        // height, txIndex, outputIndex), outputs (length, owner, token, amount), data.
        uint256[5] memory fields = [uint256(7), 8, 9, 11, 12];
        uint256[5] memory dirt = [uint256(1) << 64, 1 << 32, 1 << 8, 1 << 160, 1 << 160];
        for (uint256 c = 0; c < 2; ++c) {
            (bool ok,) = address(h).call(calls[c]);
            assertTrue(ok, "clean calldata hashes");
            for (uint256 k = 0; k < fields.length; ++k) {
                bytes memory dirty = bytes.concat(calls[c]);
                uint256 at = 4 + 32 * (fields[k] - 1);
                uint256 bits = dirt[k];
                assembly ("memory-safe") {
                    let w := add(add(dirty, 0x20), at)
                    mstore(w, or(mload(w), bits))
                }
                (ok,) = address(h).call(dirty);
                assertTrue(!ok, "a dirty field is refused");
            }
        }
    }

    /// A block's hash is `keccak256(abi.encode(header))`, whatever the header; a field out of
    /// its type's range is refused, as by Solidity's own decoding.
    function testFuzz_blockHash_is_the_abi_encoding(BlockHeader memory header, uint8 field, uint8 bit) public {
        TxHashHarness h = new TxHashHarness();
        assertEq(h.blockHash(header), h.plainBlockHash(header), "blockHash");
        // The narrower fields (words 0, 1, 4, 5, 9: uint64; 10: address) with a bit set above
        // their width.
        uint8[6] memory words = [0, 1, 4, 5, 9, 10];
        uint256 word = words[field % 6];
        uint256 width = word == 10 ? 160 : 64;
        uint256 dirt = 1 << (width + bit % (256 - width));
        bytes[2] memory calls = [abi.encodeCall(h.blockHash, (header)), abi.encodeCall(h.plainBlockHash, (header))];
        for (uint256 c = 0; c < 2; ++c) {
            bytes memory dirty = calls[c];
            uint256 at = 4 + 32 * word;
            assembly ("memory-safe") {
                let w := add(add(dirty, 0x20), at)
                mstore(w, or(mload(w), dirt))
            }
            (bool ok,) = address(h).call(dirty);
            assertTrue(!ok, "a dirty field is refused");
        }
    }

    /// Arbitrary bytes as evidence of any kind, under a genuine anchor and certificate, never
    /// convict: the call reverts and the chain stays live.
    function testFuzz_garbage_evidence_never_convicts(uint8 kind, bytes calldata evidence) public {
        (BlockHeader memory tip, CommitCertificate memory cert) = checkpoint(1);
        FraudProof memory p = FraudProof(kind % 21, tip, cert, evidence); // every kind, and one unknown
        (bool ok,) = address(root).call(abi.encodeCall(root.proveFraud, (CHAIN, p)));
        assertTrue(!ok, "garbage convicted");
        assertTrue(!root.chain(CHAIN).frozen, "chain still live");
    }

    /// One flipped byte anywhere in a valid fraud proof's evidence never convicts more than
    /// the original: the call reverts, or convicts at the same height.
    function testFuzz_tampered_fraud_evidence(uint256 at, uint8 mask) public {
        FraudProof memory p = abi.decode(firstProof, (FraudProof));
        bytes memory ev = p.evidence;
        ev[at % ev.length] ^= bytes1(mask | 1);
        (bool ok,) = address(root).call(abi.encodeCall(root.proveFraud, (CHAIN, p)));
        if (ok) assertEq(root.chain(CHAIN).rollbackHeight, 4, "a tampered proof convicts only the real fraud");
    }

    /// The same for two conflicting checkpoints: a flipped byte never moves the rollback off
    /// the height after the earlier checkpoint.
    function testFuzz_tampered_conflicting_checkpoints_evidence(uint256 at, uint8 mask) public {
        (BlockHeader memory fork, CommitCertificate memory forkCert) = forkCheckpoint();
        root.submitCheckpoint(fork, forkCert);
        FraudProof memory p = abi.decode(conflictingProof, (FraudProof));
        bytes memory ev = p.evidence;
        ev[at % ev.length] ^= bytes1(mask | 1);
        (bool ok,) = address(root).call(abi.encodeCall(root.proveFraud, (CHAIN, p)));
        if (ok) assertEq(root.chain(CHAIN).rollbackHeight, 6, "a tampered proof convicts only the real fork");
    }

    /// One flipped byte anywhere in a valid exit's calldata (after the selector) never starts
    /// any exit but the genuine one. (A flip may leave the decoded values unchanged — e.g. a
    /// high byte of an offset that wraps around to zeros equal to the genuine empty proof of a
    /// one-transaction block — and then it is the genuine exit that starts.)
    function testFuzz_tampered_exit_starts_nothing_else(uint256 at, uint8 mask) public {
        ExitCase memory e = exitCase("challengedExit");
        bytes memory data = abi.encodeCall(root.startExit, (e.anchor, e.pos, e.inclusion, 0));
        uint256 i = 4 + at % (data.length - 4);
        data[i] ^= bytes1(mask | 1);
        vm.deal(e.owner, BOND);
        vm.prank(e.owner);
        (bool ok,) = address(root).call{value: BOND}(data);
        if (!ok) {
            assertEq(root.queueLength(CHAIN, address(0)), 0, "queue untouched");
            return;
        }
        assertEq(root.queueLength(CHAIN, address(0)), 1, "one exit");
        (address owner, RootStorage.ExitStatus status, uint256 amount) = root.exitOf(CHAIN, e.exitId);
        assertEq(uint256(status), uint256(RootStorage.ExitStatus.Started), "the genuine exit");
        assertEq(owner, e.owner, "its owner");
        assertEq(amount, e.amount, "its amount");
    }

    /// The queue pops the least key queued, pushes and pops interleaved, whatever hint each
    /// insert was given (a queued key below it or above, one popped or never queued), refuses
    /// a key already queued, and `below` names the greatest queued key under any probe.
    function testFuzz_queue_pops_in_order(uint64[12] memory raw, uint8[12] memory hints, uint8[12] memory ops) public {
        QueueHarness h = new QueueHarness();
        uint256[] memory keys = new uint256[](raw.length);
        bool[] memory queued = new bool[](raw.length);
        for (uint256 i = 0; i < raw.length; ++i) {
            keys[i] = (uint256(raw[i]) + 1) << 64; // nonzero, like every exit key
            uint256 hint = (uint256(raw[hints[i] % raw.length]) + 1) << 64;
            (bool ok,) = address(h).call(abi.encodeCall(h.push, (keys[i], hint)));
            bool duplicate;
            for (uint256 j = 0; j < i; ++j) {
                if (queued[j] && keys[j] == keys[i]) duplicate = true;
            }
            assertEq(ok, !duplicate, "distinct keys queue, duplicates are refused");
            queued[i] = ok;
            uint256 probe = (uint256(raw[ops[i] % raw.length]) + 1) << 64;
            assertEq(h.below(probe), _greatestBelow(keys, queued, probe), "below");
            if (ops[i] % 3 == 0 && !h.isEmpty()) {
                uint256 least = type(uint256).max;
                for (uint256 j = 0; j <= i; ++j) {
                    if (queued[j] && keys[j] < least) least = keys[j];
                }
                assertEq(h.pop(), least, "the least queued pops");
                for (uint256 j = 0; j <= i; ++j) {
                    if (keys[j] == least) queued[j] = false;
                }
            }
        }
        uint256 last;
        while (!h.isEmpty()) {
            uint256 key = h.pop();
            assertTrue(key > last, "increasing");
            last = key;
        }
    }

    /// The greatest of `keys` still `queued` below `probe` (0: none).
    function _greatestBelow(uint256[] memory keys, bool[] memory queued, uint256 probe)
        internal
        pure
        returns (uint256 best)
    {
        for (uint256 j = 0; j < keys.length; ++j) {
            if (queued[j] && keys[j] < probe && keys[j] > best) best = keys[j];
        }
    }

    /// A proof index must fit the proof's depth.
    function testFuzz_merkle_index_fits_depth(uint64 index, uint8 depth, bytes32 leaf) public {
        depth = depth % 65;
        MerkleProof memory p = MerkleProof(index, new bytes32[](depth));
        bool fits = depth >= 64 || (uint256(index) >> depth) == 0;
        (bool ok,) = address(merkle).call(abi.encodeCall(merkle.computeRoot, (leaf, p)));
        assertEq(ok, fits, "index checked against depth");
    }

    /// Exits leave the queue in priority order, whatever the order they were started in and
    /// however processing is split.
    function testFuzz_exit_priority_order(uint32[6] memory gaps, uint8 startOrder, uint8 batch) public {
        uint256 n = gaps.length;
        DepositRecord[] memory recs = new DepositRecord[](n);
        uint256 t = block.timestamp;
        for (uint256 i = 0; i < n; ++i) {
            t += uint256(gaps[i]) % (2 * PERIOD);
            vm.warp(t);
            address who = address(uint160(0x5000 + i));
            uint64 nonce = depositAs(who, who, address(0), 1 ether);
            recs[i] = DepositRecord(CHAIN, nonce, who, who, address(0), 1 ether);
        }
        for (uint256 k = 0; k < n; ++k) {
            uint256 i = (k + startOrder) % n;
            vm.warp(t + k * 7);
            vm.deal(recs[i].recipient, BOND);
            vm.prank(recs[i].recipient);
            root.startDepositExit{value: BOND}(recs[i], 0);
        }
        vm.warp(t + 10 * PERIOD);
        uint256 step = 1 + uint256(batch) % 3;
        uint256 last;
        while (root.queueLength(CHAIN, address(0)) > 0) {
            uint256 key = root.nextExitKey(CHAIN, address(0));
            assertTrue(key >= last, "keys leave in increasing order");
            last = key;
            // The smallest key is paid first: its owner is credited by the next call.
            address owner = recs[_indexOfNonce(recs, uint64(key & ((uint256(1) << 63) - 1)))].recipient;
            uint256 before = root.owed(owner, address(0));
            root.processExits(CHAIN, address(0), step);
            assertGt(root.owed(owner, address(0)), before, "the head of the queue was paid");
        }
    }

    function _indexOfNonce(DepositRecord[] memory recs, uint64 nonce) internal pure returns (uint256) {
        for (uint256 i = 0; i < recs.length; ++i) {
            if (recs[i].nonce == nonce) return i;
        }
        revert("unknown nonce");
    }
}
