// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";
import {Merkle} from "./Merkle.sol";
import {PlasmaTx} from "./PlasmaTx.sol";

/// @title ExitGame
/// @notice The exit rules of `ledger::exit` (Plasma MVP / MoreVP): inclusion under a
/// checkpointed header, exit ids, `exitableAt`, priorities and challenges.
library ExitGame {
    /// `Transaction.kind` of a plasma parent's registration of a child (a system kind).
    uint8 internal constant REGISTER_CHILD = 16;
    /// `Transaction.kind` of a plasma parent's acceptance of a child's checkpoint (a system kind).
    uint8 internal constant CHILD_CHECKPOINT = 17;
    /// `Transaction.kind` of a plasma parent's challenge of its child's exit (a system kind).
    uint8 internal constant CHALLENGE_CHILD_EXIT = 18;
    /// `Transaction.kind` of a plasma parent's fraud proof against its child (a system kind).
    uint8 internal constant PROVE_CHILD_FRAUD = 19;
    /// `Transaction.kind` of a plasma parent's challenge of an exit of a deposit into its child
    /// (a system kind).
    uint8 internal constant CHALLENGE_CHILD_DEPOSIT_EXIT = 20;

    /// The block is of another chain.
    error WrongChain(uint64 expected, uint64 got);
    /// The block is not at the claimed height, or is after the anchor.
    error WrongHeight(uint64 expected, uint64 got, uint64 anchor);
    /// The anchor is this block but the header differs from it.
    error NotAnchor();
    /// The proof is for another tx index than the claimed one.
    error WrongIndex(uint32 expected, uint64 got);
    /// The transaction has no output at the claimed index.
    error NoSuchOutput(uint256 outputs, uint8 index);
    /// The claimant does not own the output.
    error NotOwner(address owner, address claimant);
    /// The transaction's kind is unknown.
    error UnknownKind(uint8 kind);
    /// A deposit transaction whose payload does not decode.
    error Payload();
    /// The challenging transaction cannot spend anything.
    error NotASpend(uint8 kind);
    /// The named input of the challenge is not the exiting output.
    error NotSpendingExit(uint256 index);
    /// The challenge is not signed by the exit's owner.
    error NotSignedByOwner(address owner, address signer);
    /// The proven output is not the deposit being exited.
    error NotTheDeposit();
    /// The transaction shown is not of the kind the evidence needs.
    error WrongKind(uint8 kind);

    /// A proven claim to an output, ready to be queued.
    struct Claim {
        bytes32 exitId;
        bool isDeposit;
        uint64 depositNonce;
        UtxoPos pos;
        Output output;
        uint64 outputTime;
    }

    /// @notice `max(outputTime + 2·period, now + period)`.
    function exitableAt(uint64 outputTime, uint64 now_, uint64 period) internal pure returns (uint64) {
        uint256 a = uint256(outputTime) + 2 * uint256(period);
        uint256 b = uint256(now_) + uint256(period);
        uint256 m = a > b ? a : b;
        return m > type(uint64).max ? type(uint64).max : uint64(m);
    }

    /// @notice `exitableAt · 2^128 + packed(pos)`: lower pays first.
    function priority(uint64 exitableAt_, UtxoPos memory pos) internal pure returns (uint256) {
        return (uint256(exitableAt_) << 128) | PlasmaTx.packed(pos);
    }

    /// @notice Exit id of output `outputIndex` of the transaction whose EIP-712 `hashStruct` is
    /// `txHash` (MoreVP): the transaction's output, not the position's, so that two histories a
    /// quorum certified with other transactions at one position cannot block each other's exits.
    function outputExitId(bytes32 txHash, uint8 outputIndex) internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(0), txHash, uint256(outputIndex)));
    }

    /// @notice Exit id of a parent deposit (from its record or from its minted output).
    function depositExitId(uint64 nonce) internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(1), nonce));
    }

    /// @notice Reverts unless `header` is block `height` of chain `chainId` at or before the
    /// checkpointed `anchor` (`historyProof` shows it in the anchor's history).
    function verifyBlockInHistory(
        uint64 chainId,
        BlockHeader calldata anchor,
        BlockHeader calldata header,
        MerkleProof calldata historyProof,
        uint64 height
    ) internal pure {
        if (header.chainId != chainId || anchor.chainId != chainId) {
            revert WrongChain(chainId, header.chainId);
        }
        if (header.height != height || height == 0 || height > anchor.height) {
            revert WrongHeight(height, header.height, anchor.height);
        }
        if (height == anchor.height) {
            if (PlasmaTx.blockHash(header) != PlasmaTx.blockHash(anchor)) revert NotAnchor();
            return;
        }
        Merkle.verifyHistory(PlasmaTx.blockHash(header), height, historyProof, anchor.historyRoot);
    }

    /// @notice Reverts unless `inc` shows its transaction at `(height, txIndex)` under `anchor`.
    function verifyInclusion(
        uint64 chainId,
        BlockHeader calldata anchor,
        TxInclusion calldata inc,
        uint64 height,
        uint32 txIndex
    ) internal pure {
        verifyBlockInHistory(chainId, anchor, inc.header, inc.historyProof, height);
        if (inc.txProof.index != txIndex) revert WrongIndex(txIndex, inc.txProof.index);
        Merkle.verify(Merkle.leafHash(abi.encode(inc.signedTx)), inc.txProof, inc.header.txRoot);
    }

    /// @notice The transaction `inc` shows at `(height, txIndex)` under `anchor`; reverts
    /// unless it does.
    function included(
        uint64 chainId,
        BlockHeader calldata anchor,
        TxInclusion calldata inc,
        uint64 height,
        uint32 txIndex
    ) internal pure returns (Transaction calldata) {
        verifyInclusion(chainId, anchor, inc, height, txIndex);
        return inc.signedTx.transaction;
    }

    /// @notice The child the registration `r`, included under `anchor` in the chain of
    /// `chainId`, registers (`ledger::registration::child_chain_id`), and the registration.
    function registered(uint64 chainId, BlockHeader calldata anchor, RegistrationProof calldata r)
        internal
        pure
        returns (uint64 child, ChildRegistration memory registration)
    {
        verifyInclusion(chainId, anchor, r.inclusion, r.height, r.txIndex);
        Transaction calldata reg = r.inclusion.signedTx.transaction;
        if (reg.kind != REGISTER_CHILD) revert WrongKind(reg.kind);
        registration = abi.decode(reg.data, (ChildRegistration));
        child = childChainId(chainId, registration);
    }

    /// @notice The id of the child `registration` registers on the chain of `chainId`
    /// (`ledger::registration::child_chain_id`).
    function childChainId(uint64 chainId, ChildRegistration memory registration) internal pure returns (uint64) {
        bytes32 inner = keccak256(abi.encode(registration));
        return uint64(uint256(keccak256(abi.encode(chainId, inner)))) | uint64(1 << 63);
    }

    /// @notice The claim of `claimant` to the output at `pos`, proven under `anchor`.
    function verifyExitStart(
        uint64 chainId,
        BlockHeader calldata anchor,
        UtxoPos calldata pos,
        TxInclusion calldata inc,
        address claimant
    ) internal pure returns (Claim memory c) {
        verifyInclusion(chainId, anchor, inc, pos.blockHeight, pos.txIndex);
        Transaction calldata t = inc.signedTx.transaction;
        // Every kind that creates outputs: the user kinds, and a plasma parent's challenges of
        // a child's exits and fraud proof against a child (system kinds 18, 20 and 19, whose
        // one output is the bond or reward they pay).
        if (
            t.kind == uint8(TxKind.Invalid)
                || (t.kind > uint8(TxKind.StartChildDepositExit)
                    && t.kind != CHALLENGE_CHILD_EXIT
                    && t.kind != PROVE_CHILD_FRAUD
                    && t.kind != CHALLENGE_CHILD_DEPOSIT_EXIT)
        ) revert UnknownKind(t.kind);
        if (pos.outputIndex >= t.outputs.length) revert NoSuchOutput(t.outputs.length, pos.outputIndex);
        Output calldata out = t.outputs[pos.outputIndex];
        if (out.owner != claimant) revert NotOwner(out.owner, claimant);
        c.pos = pos;
        c.output = out;
        c.outputTime = inc.header.timestamp;
        if (t.kind == uint8(TxKind.Deposit)) {
            (bool ok, DepositRecord memory record) = PlasmaTx.tryDecodeDepositRecord(t.data);
            if (!ok) revert Payload();
            c.isDeposit = true;
            c.depositNonce = record.nonce;
            c.exitId = depositExitId(record.nonce);
        } else {
            c.exitId = outputExitId(PlasmaTx.hashStruct(t), pos.outputIndex);
        }
    }

    /// @notice Reverts unless input `inputIndex` of `spend` is `exitPos`, validly signed by
    /// `owner` in the chain's signing domain. The spend need not be in any block.
    function verifyChallenge(
        bytes32 separator,
        UtxoPos memory exitPos,
        address owner,
        SignedTransaction calldata spend,
        uint256 inputIndex
    ) internal pure {
        Transaction calldata t = spend.transaction;
        if (
            t.kind != uint8(TxKind.Transfer) && t.kind != uint8(TxKind.DepositToChild)
                && t.kind != uint8(TxKind.StartChildExit) && t.kind != uint8(TxKind.StakeChild)
                && t.kind != uint8(TxKind.BondChild) && t.kind != uint8(TxKind.StartChildDepositExit)
        ) revert NotASpend(t.kind);
        if (inputIndex >= t.inputs.length || !_same(t.inputs[inputIndex], exitPos)) {
            revert NotSpendingExit(inputIndex);
        }
        address signer;
        if (inputIndex < spend.signatures.length) {
            signer = PlasmaTx.recover(PlasmaTx.signingHash(separator, t), spend.signatures[inputIndex]);
        }
        if (signer != owner) revert NotSignedByOwner(owner, signer);
    }

    function _same(UtxoPos calldata a, UtxoPos memory b) private pure returns (bool) {
        return a.blockHeight == b.blockHeight && a.txIndex == b.txIndex && a.outputIndex == b.outputIndex;
    }
}
