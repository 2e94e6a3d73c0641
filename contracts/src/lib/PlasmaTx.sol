// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";

/// @title PlasmaTx
/// @notice Transaction identity and EIP-712 signatures, as `ledger::signing` defines them:
/// domain {name "Plasma", version "1", chainId = the root's chain id, verifyingContract = the
/// root contract, salt = the plasma chain id}; signatures are `r ‖ s ‖ v` with v ∈ {27, 28}
/// and low s.
library PlasmaTx {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)");
    bytes32 internal constant TX_TYPEHASH = keccak256(
        "Transaction(uint8 kind,UtxoPos[] inputs,Output[] outputs,bytes data)Output(address owner,address token,uint256 amount)UtxoPos(uint64 blockHeight,uint32 txIndex,uint8 outputIndex)"
    );
    bytes32 internal constant UTXO_POS_TYPEHASH =
        keccak256("UtxoPos(uint64 blockHeight,uint32 txIndex,uint8 outputIndex)");
    bytes32 internal constant OUTPUT_TYPEHASH = keccak256("Output(address owner,address token,uint256 amount)");

    uint256 private constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice The EIP-712 domain separator of plasma chain `chainId` under root `root`.
    function domainSeparator(uint64 chainId, address root) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("Plasma"), keccak256("1"), block.chainid, root, bytes32(uint256(chainId))
            )
        );
    }

    /// @notice EIP-712 `hashStruct(tx)`, over the payload as its signers sign it: a lock's
    /// (`DepositToChild`'s) escrow link zeroed, which its proposer sets.
    /// @dev Each input and output is hashed from one scratch area past the free memory
    /// pointer, read straight from calldata: no array is allocated (this runs in every
    /// `startExit`). A field out of its type's range reverts, as Solidity's own decoding would.
    function hashStruct(Transaction calldata t) internal pure returns (bytes32) {
        UtxoPos[] calldata ins = t.inputs;
        Output[] calldata outs = t.outputs;
        bytes calldata data = t.data;
        uint8 kind = t.kind;
        uint8 lockKind = uint8(TxKind.DepositToChild);
        bytes32 posType = UTXO_POS_TYPEHASH;
        bytes32 outType = OUTPUT_TYPEHASH;
        bytes32 txType = TX_TYPEHASH;
        bytes32 h;
        assembly ("memory-safe") {
            // [0, 0x80): one element's encoding; from 0x80: the element hashes, packed.
            let scratch := mload(0x40)
            let hashes := add(scratch, 0x80)
            mstore(scratch, posType)
            for { let i := 0 } lt(i, ins.length) { i := add(i, 1) } {
                let p := add(ins.offset, mul(i, 0x60))
                let height := calldataload(p)
                let txIndex := calldataload(add(p, 0x20))
                let outputIndex := calldataload(add(p, 0x40))
                if or(or(shr(64, height), shr(32, txIndex)), shr(8, outputIndex)) { revert(0, 0) }
                mstore(add(scratch, 0x20), height)
                mstore(add(scratch, 0x40), txIndex)
                mstore(add(scratch, 0x60), outputIndex)
                mstore(add(hashes, mul(i, 0x20)), keccak256(scratch, 0x80))
            }
            let insHash := keccak256(hashes, mul(ins.length, 0x20))
            mstore(scratch, outType)
            for { let i := 0 } lt(i, outs.length) { i := add(i, 1) } {
                let o := add(outs.offset, mul(i, 0x60))
                let owner := calldataload(o)
                let token := calldataload(add(o, 0x20))
                if or(shr(160, owner), shr(160, token)) { revert(0, 0) }
                mstore(add(scratch, 0x20), owner)
                mstore(add(scratch, 0x40), token)
                mstore(add(scratch, 0x60), calldataload(add(o, 0x40)))
                mstore(add(hashes, mul(i, 0x20)), keccak256(scratch, 0x80))
            }
            let outsHash := keccak256(hashes, mul(outs.length, 0x20))
            calldatacopy(scratch, data.offset, data.length)
            // A lock's escrow link (the last three of `ChildDeposit`'s nine words) is its
            // proposer's: signed as zero (`ledger::types::Transaction::signed_data`).
            if and(eq(kind, lockKind), eq(data.length, 0x120)) {
                mstore(add(scratch, 0xc0), 0)
                mstore(add(scratch, 0xe0), 0)
                mstore(add(scratch, 0x100), 0)
            }
            let dataHash := keccak256(scratch, data.length)
            mstore(scratch, txType)
            mstore(add(scratch, 0x20), kind)
            mstore(add(scratch, 0x40), insHash)
            mstore(add(scratch, 0x60), outsHash)
            mstore(add(scratch, 0x80), dataHash)
            h := keccak256(scratch, 0xa0)
        }
        return h;
    }

    /// @notice The digest an input owner signs.
    function signingHash(bytes32 separator, Transaction calldata t) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hex"1901", separator, hashStruct(t)));
    }

    /// @notice The signer of `sig` over `digest`, or zero if `sig` is malformed, has a high s,
    /// or recovers nothing.
    function recover(bytes32 digest, bytes calldata sig) internal pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := calldataload(sig.offset)
            s := calldataload(add(sig.offset, 32))
            v := byte(0, calldataload(add(sig.offset, 64)))
        }
        return _recover(digest, r, s, v);
    }

    /// @notice `recover`, of a signature held in memory.
    function recoverMemory(bytes32 digest, bytes memory sig) internal pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            r := mload(add(sig, 0x20))
            s := mload(add(sig, 0x40))
            v := byte(0, mload(add(sig, 0x60)))
        }
        return _recover(digest, r, s, v);
    }

    function _recover(bytes32 digest, bytes32 r, bytes32 s, uint8 v) private pure returns (address) {
        if (v != 27 && v != 28) return address(0);
        if (uint256(s) > HALF_N) return address(0);
        return ecrecover(digest, v, r, s);
    }

    /// @notice `keccak256(abi.encode(header))`.
    /// @dev The header is static, eleven words: hashed as calldata holds it, once its
    /// narrower fields are checked in range, as Solidity's own decoding would (every exit
    /// hashes two or three headers).
    function blockHash(BlockHeader calldata h) internal pure returns (bytes32 r) {
        assembly ("memory-safe") {
            // chainId, height, depositNonceStart, depositNonceEnd, timestamp: uint64;
            // proposer: address.
            let wide := or(or(calldataload(h), calldataload(add(h, 0x20))), calldataload(add(h, 0x80)))
            wide := or(or(wide, calldataload(add(h, 0xa0))), calldataload(add(h, 0x120)))
            if or(shr(64, wide), shr(160, calldataload(add(h, 0x140)))) { revert(0, 0) }
            let m := mload(0x40)
            calldatacopy(m, h, 0x160)
            r := keccak256(m, 0x160)
        }
    }

    /// @notice `height << 40 | txIndex << 8 | outputIndex`.
    function packed(UtxoPos memory p) internal pure returns (uint256) {
        return (uint256(p.blockHeight) << 40) | (uint256(p.txIndex) << 8) | uint256(p.outputIndex);
    }

    /// @notice Strictly decodes `abi.encode(DepositRecord)`: exactly six words, each in its
    /// type's range (as the ledger's decoder); `ok` is false otherwise.
    function tryDecodeDepositRecord(bytes memory data) internal pure returns (bool ok, DepositRecord memory r) {
        if (data.length != 6 * 32) return (false, r);
        uint256[6] memory w;
        for (uint256 i = 0; i < 6; ++i) {
            uint256 word;
            assembly ("memory-safe") {
                word := mload(add(add(data, 32), mul(i, 32)))
            }
            w[i] = word;
        }
        if (w[0] > type(uint64).max || w[1] > type(uint64).max) return (false, r);
        if (w[2] > type(uint160).max || w[3] > type(uint160).max || w[4] > type(uint160).max) return (false, r);
        r = DepositRecord({
            chainId: uint64(w[0]),
            nonce: uint64(w[1]),
            depositor: address(uint160(w[2])),
            recipient: address(uint160(w[3])),
            token: address(uint160(w[4])),
            amount: w[5]
        });
        ok = true;
    }
}
