// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title KeyStore
/// @notice A validator configuration kept as contract code (write once, read with
/// `EXTCODECOPY` at 3 gas a word instead of 2,100 a cold storage slot), so checking a
/// certificate reads the aggregate key and each non-signer's key for almost nothing.
/// @dev A configuration spans one or more chunks of up to `PER_CHUNK` validators. Each chunk's
/// code is `0x00 ‖ header ‖ records`: the header (only meaningful in chunk 0) is the
/// aggregate key (192 bytes), the set hash (32) and the total power (16); a record is the
/// operator (20), the power (8) and the key (192). Keys are EIP-2537 G2 points with the 16
/// zero bytes of padding of each of their four field elements dropped (192 of 256 bytes).
library KeyStore {
    uint256 internal constant PER_CHUNK = 100;
    uint256 internal constant HEADER = 240;
    uint256 internal constant RECORD = 220;
    uint256 internal constant PACKED_KEY = 192;

    /// Writing a chunk failed (out of gas or size limit).
    error KeyStoreWriteFailed();

    /// One validator of a configuration.
    struct Member {
        address operator;
        uint64 power;
        bytes key; // 256-byte EIP-2537 G2 point
    }

    /// @notice Deploys `data` as the code of a new contract (prefixed with STOP so it can never
    /// run) and returns its address.
    function write(bytes memory data) internal returns (address pointer) {
        bytes memory runtime = abi.encodePacked(hex"00", data);
        bytes memory init = abi.encodePacked(hex"61", uint16(runtime.length), hex"80600a3d393df3", runtime);
        assembly ("memory-safe") {
            pointer := create(0, add(init, 32), mload(init))
        }
        if (pointer == address(0)) revert KeyStoreWriteFailed();
    }

    /// @notice `len` bytes of the data stored at `pointer`, from `offset`.
    function read(address pointer, uint256 offset, uint256 len) internal view returns (bytes memory out) {
        out = new bytes(len);
        assembly ("memory-safe") {
            extcodecopy(pointer, add(out, 32), add(offset, 1), len)
        }
    }

    /// @notice The header of chunk 0: aggregate key (256-byte form), set hash, total power.
    function header(address chunk0) internal view returns (bytes memory aggKey, bytes32 setHash, uint128 totalPower) {
        bytes memory h = read(chunk0, 0, HEADER);
        aggKey = unpackKey(h, 0);
        assembly ("memory-safe") {
            setHash := mload(add(h, add(32, 192)))
            totalPower := shr(128, mload(add(h, add(32, 224))))
        }
    }

    /// @notice Validator `i % PER_CHUNK` of `chunk`: operator, power and key.
    function member(address chunk, uint256 i) internal view returns (address operator, uint64 power, bytes memory key) {
        bytes memory r = read(chunk, HEADER + (i % PER_CHUNK) * RECORD, RECORD);
        assembly ("memory-safe") {
            operator := shr(96, mload(add(r, 32)))
            power := shr(192, mload(add(r, 52)))
        }
        key = unpackKey(r, 28);
    }

    /// @notice Operator and power of validator `i % PER_CHUNK` of `chunk` (no key).
    function operatorOf(address chunk, uint256 i) internal view returns (address operator) {
        bytes memory r = read(chunk, HEADER + (i % PER_CHUNK) * RECORD, 20);
        assembly ("memory-safe") {
            operator := shr(96, mload(add(r, 32)))
        }
    }

    /// @notice Builds the chunks of a configuration: returns each chunk's data.
    function encode(Member[] memory members, bytes memory aggKey, bytes32 setHash, uint128 totalPower)
        internal
        pure
        returns (bytes[] memory chunks)
    {
        uint256 n = (members.length + PER_CHUNK - 1) / PER_CHUNK;
        chunks = new bytes[](n);
        for (uint256 c = 0; c < n; ++c) {
            uint256 from = c * PER_CHUNK;
            uint256 to = from + PER_CHUNK < members.length ? from + PER_CHUNK : members.length;
            bytes memory data = new bytes(HEADER + (to - from) * RECORD);
            if (c == 0) {
                _put(data, 0, packKey(aggKey));
                _put(data, 192, abi.encodePacked(setHash));
                _put(data, 224, abi.encodePacked(totalPower));
            }
            for (uint256 i = from; i < to; ++i) {
                uint256 at = HEADER + (i - from) * RECORD;
                _put(data, at, abi.encodePacked(members[i].operator, members[i].power, packKey(members[i].key)));
            }
            chunks[c] = data;
        }
    }

    /// @notice Drops the 16 zero bytes before each of the four field elements of a G2 point.
    function packKey(bytes memory key) internal pure returns (bytes memory packed) {
        packed = new bytes(PACKED_KEY);
        assembly ("memory-safe") {
            let from := add(key, 32)
            let to := add(packed, 32)
            for { let f := 0 } lt(f, 4) { f := add(f, 1) } {
                mcopy(add(to, mul(f, 48)), add(from, add(mul(f, 64), 16)), 48)
            }
        }
    }

    /// @notice The 256-byte G2 point whose packed form starts at `src[offset]`.
    function unpackKey(bytes memory src, uint256 offset) internal pure returns (bytes memory key) {
        key = new bytes(256);
        assembly ("memory-safe") {
            let from := add(add(src, 32), offset)
            let to := add(key, 32)
            for { let f := 0 } lt(f, 4) { f := add(f, 1) } {
                mcopy(add(to, add(mul(f, 64), 16)), add(from, mul(f, 48)), 48)
            }
        }
    }

    function _put(bytes memory data, uint256 at, bytes memory value) private pure {
        assembly ("memory-safe") {
            mcopy(add(add(data, 32), at), add(value, 32), mload(value))
        }
    }
}
