// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title BLS
/// @notice BLS12-381 min-sig verification (signatures in G1, keys in G2) on the EIP-2537
/// precompiles, matching `ledger::bls`: hash-to-G1 per RFC 9380 (expand_message_xmd with
/// SHA-256, two MAP_FP_TO_G1, one G1ADD) and a single two-pair pairing check.
/// @dev Points use the EIP-2537 encodings: G1 is 128 bytes (x ‖ y), G2 256 bytes
/// (x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1); each field element is 64 bytes, 16 zero bytes then 48.
library BLS {
    /// Domain separation tag of consensus votes.
    bytes internal constant VOTE_DST = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
    /// Domain separation tag of proofs of possession.
    bytes internal constant POP_DST = "BLS_POP_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";

    uint256 internal constant G1_LEN = 128;
    uint256 internal constant G2_LEN = 256;

    address private constant SHA256 = address(0x02);
    address private constant MODEXP = address(0x05);
    address private constant G1ADD = address(0x0b);
    address private constant G2ADD = address(0x0d);
    address private constant PAIRING = address(0x0f);
    address private constant MAP_FP_TO_G1 = address(0x10);

    // The base field modulus p, as two words of its 64-byte encoding.
    uint256 private constant P_HI = 0x1a0111ea397fe69a4b1ba7b6434bacd7;
    uint256 private constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    // The negated G2 generator, -g2.
    uint256 private constant NG2_XC0_HI = 0x024aa2b2f08f0a91260805272dc51051;
    uint256 private constant NG2_XC0_LO = 0xc6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8;
    uint256 private constant NG2_XC1_HI = 0x13e02b6052719f607dacd3a088274f65;
    uint256 private constant NG2_XC1_LO = 0x596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e;
    uint256 private constant NG2_YC0_HI = 0x0d1b3cc2c7027888be51d9ef691d77bc;
    uint256 private constant NG2_YC0_LO = 0xb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa;
    uint256 private constant NG2_YC1_HI = 0x13fa4d4a0ad8b1ce186ed5061789213d;
    uint256 private constant NG2_YC1_LO = 0x993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed;

    /// A precompile refused its input (bad encoding, point not on the curve or not in the
    /// subgroup).
    error BlsPrecompileFailed(address precompile);
    /// A point has the wrong encoded length.
    error BlsLength(uint256 got, uint256 expected);
    /// Too little gas left for `tryPairing2` to tell a refused point from a starved call.
    error BlsOutOfGas();

    /// Gas `tryPairing2` needs left before its call: twice the two-pair pairing's cost
    /// (EIP-2537: 32,600 per pair + 37,700), so the precompile is never starved when it refuses.
    uint256 internal constant PAIRING2_GAS_FLOOR = 2 * (2 * 32_600 + 37_700);

    /// @notice `e(signature, -g2) · e(H(message), key) == 1`: the signature verifies.
    /// @dev Reverts with `BlsPrecompileFailed` if a point is malformed or outside its subgroup
    /// (the pairing precompile checks both).
    function verify(bytes memory signature, bytes memory message, bytes memory dst, bytes memory key)
        internal
        view
        returns (bool)
    {
        if (signature.length != G1_LEN) revert BlsLength(signature.length, G1_LEN);
        if (key.length != G2_LEN) revert BlsLength(key.length, G2_LEN);
        bytes memory h = hashToG1(message, dst);
        return pairing2(signature, h, key);
    }

    /// @notice `e(sig, -g2) · e(h, key) == 1` for already encoded points.
    function pairing2(bytes memory sig, bytes memory h, bytes memory key) internal view returns (bool ok) {
        bytes memory out = _call(PAIRING, _pairing2Input(sig, h, key), 32);
        assembly ("memory-safe") {
            ok := eq(mload(add(out, 32)), 1)
        }
    }

    /// @notice `pairing2` that reports a point the precompile refuses (malformed, off the curve
    /// or outside its subgroup) as `valid = false` instead of reverting. Reverts `BlsOutOfGas`
    /// unless `PAIRING2_GAS_FLOOR` is left, so a refusal is the points', never the caller's gas.
    function tryPairing2(bytes memory sig, bytes memory h, bytes memory key)
        internal
        view
        returns (bool valid, bool holds)
    {
        bytes memory input = _pairing2Input(sig, h, key);
        if (gasleft() < PAIRING2_GAS_FLOOR) revert BlsOutOfGas();
        (address pairing, uint256 out) = (PAIRING, 0);
        assembly ("memory-safe") {
            mstore(0, 0)
            valid := staticcall(gas(), pairing, add(input, 32), 768, 0, 32)
            if iszero(eq(returndatasize(), 32)) { valid := 0 }
            out := mload(0)
        }
        holds = valid && out == 1;
    }

    /// The pairing precompile's input for `e(sig, -g2) · e(h, key)`.
    function _pairing2Input(bytes memory sig, bytes memory h, bytes memory key)
        private
        pure
        returns (bytes memory input)
    {
        input = new bytes(768);
        assembly ("memory-safe") {
            let p := add(input, 32)
            mcopy(p, add(sig, 32), 128)
            mstore(add(p, 128), NG2_XC0_HI)
            mstore(add(p, 160), NG2_XC0_LO)
            mstore(add(p, 192), NG2_XC1_HI)
            mstore(add(p, 224), NG2_XC1_LO)
            mstore(add(p, 256), NG2_YC0_HI)
            mstore(add(p, 288), NG2_YC0_LO)
            mstore(add(p, 320), NG2_YC1_HI)
            mstore(add(p, 352), NG2_YC1_LO)
            mcopy(add(p, 384), add(h, 32), 128)
            mcopy(add(p, 512), add(key, 32), 256)
        }
    }

    /// @notice RFC 9380 `hash_to_curve` onto G1 (suite BLS12381G1_XMD:SHA-256_SSWU_RO_).
    function hashToG1(bytes memory message, bytes memory dst) internal view returns (bytes memory point) {
        bytes memory uniform = expandMessageXmd(message, dst);
        bytes memory u0 = _modP(uniform, 0);
        bytes memory u1 = _modP(uniform, 64);
        bytes memory q0 = _call(MAP_FP_TO_G1, u0, 128);
        bytes memory q1 = _call(MAP_FP_TO_G1, u1, 128);
        point = g1Add(q0, q1);
    }

    /// @notice `expand_message_xmd` with SHA-256, 128 output bytes (two 64-byte field draws).
    function expandMessageXmd(bytes memory message, bytes memory dst) internal view returns (bytes memory out) {
        require(dst.length <= 255);
        bytes memory dstPrime = abi.encodePacked(dst, uint8(dst.length));
        bytes32 b0 = _sha(abi.encodePacked(bytes32(0), bytes32(0), message, uint16(128), uint8(0), dstPrime));
        bytes32 b1 = _sha(abi.encodePacked(b0, uint8(1), dstPrime));
        bytes32 b2 = _sha(abi.encodePacked(b0 ^ b1, uint8(2), dstPrime));
        bytes32 b3 = _sha(abi.encodePacked(b0 ^ b2, uint8(3), dstPrime));
        bytes32 b4 = _sha(abi.encodePacked(b0 ^ b3, uint8(4), dstPrime));
        out = abi.encodePacked(b1, b2, b3, b4);
    }

    /// @notice G1 addition.
    function g1Add(bytes memory a, bytes memory b) internal view returns (bytes memory) {
        return _call(G1ADD, abi.encodePacked(a, b), 128);
    }

    /// @notice G2 addition (no subgroup check; keys are checked when registered).
    function g2Add(bytes memory a, bytes memory b) internal view returns (bytes memory) {
        return _call(G2ADD, abi.encodePacked(a, b), 256);
    }

    /// @notice `-a` for a G2 point: negates both coordinates of y (the point at infinity,
    /// all zeros, is its own negation).
    function g2Neg(bytes memory a) internal pure returns (bytes memory r) {
        if (a.length != G2_LEN) revert BlsLength(a.length, G2_LEN);
        r = new bytes(G2_LEN);
        assembly ("memory-safe") {
            let src := add(a, 32)
            let dst := add(r, 32)
            mcopy(dst, src, 128)
            for { let off := 128 } lt(off, 256) { off := add(off, 64) } {
                let hi := mload(add(src, off))
                let lo := mload(add(src, add(off, 32)))
                if or(hi, lo) {
                    let borrow := gt(lo, P_LO)
                    lo := sub(P_LO, lo)
                    hi := sub(sub(P_HI, hi), borrow)
                }
                mstore(add(dst, off), hi)
                mstore(add(dst, add(off, 32)), lo)
            }
        }
    }

    /// @notice True if every byte of `point` is zero (the point at infinity).
    function isInfinity(bytes memory point) internal pure returns (bool inf) {
        inf = true;
        for (uint256 i = 0; i < point.length; i += 32) {
            bytes32 w;
            assembly ("memory-safe") {
                w := mload(add(add(point, 32), i))
            }
            if (w != 0) return false;
        }
    }

    /// `uniform[offset..offset+64] mod p`, as a 64-byte field element.
    function _modP(bytes memory uniform, uint256 offset) private view returns (bytes memory) {
        bytes memory input = new bytes(32 * 3 + 64 + 1 + 64);
        assembly ("memory-safe") {
            let p := add(input, 32)
            mstore(p, 64)
            mstore(add(p, 32), 1)
            mstore(add(p, 64), 64)
            mcopy(add(p, 96), add(add(uniform, 32), offset), 64)
            mstore8(add(p, 160), 1)
            mstore(add(p, 161), P_HI)
            mstore(add(p, 193), P_LO)
        }
        return _call(MODEXP, input, 64);
    }

    function _sha(bytes memory data) private view returns (bytes32) {
        return bytes32(_call(SHA256, data, 32));
    }

    function _call(address precompile, bytes memory input, uint256 outLen) private view returns (bytes memory out) {
        out = new bytes(outLen);
        bool ok;
        assembly ("memory-safe") {
            ok := staticcall(gas(), precompile, add(input, 32), mload(input), add(out, 32), outLen)
            if iszero(eq(returndatasize(), outLen)) { ok := 0 }
        }
        if (!ok) revert BlsPrecompileFailed(precompile);
    }
}
