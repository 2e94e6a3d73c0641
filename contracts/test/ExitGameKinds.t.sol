// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./base/Test.sol";
import "../src/PlasmaTypes.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {Merkle} from "../src/lib/Merkle.sol";
import {PlasmaTx} from "../src/lib/PlasmaTx.sol";

/// The exit game's library functions called with calldata, as the root calls them.
contract ExitGameHarness {
    function exitStart(BlockHeader calldata anchor, UtxoPos calldata pos, TxInclusion calldata inc, address claimant)
        external
        pure
        returns (ExitGame.Claim memory)
    {
        return ExitGame.verifyExitStart(anchor.chainId, anchor, pos, inc, claimant);
    }

    function challenge(
        bytes32 separator,
        UtxoPos calldata exitPos,
        address owner,
        SignedTransaction calldata spend,
        uint256 inputIndex
    ) external pure {
        ExitGame.verifyChallenge(separator, exitPos, owner, spend, inputIndex);
    }

    function signingHash(bytes32 separator, Transaction calldata t) external pure returns (bytes32) {
        return PlasmaTx.signingHash(separator, t);
    }

    function hashStruct(Transaction calldata t) external pure returns (bytes32) {
        return PlasmaTx.hashStruct(t);
    }
}

/// Which kinds of a plasma chain's transactions the root lets exit and takes as challenges:
/// every kind that creates outputs exits (a plasma parent's challenges of its child's exits
/// pay the bond as their one output, its fraud proofs the reward), and every kind that spends
/// signed inputs is a spend, a deposit-record exit start (kind 8) included.
contract ExitGameKindsTest is Test {
    uint64 internal constant CHAIN = 7;
    uint256 internal constant ALICE_KEY = 0xA11CE;
    ExitGameHarness internal game;

    function setUp() public {
        game = new ExitGameHarness();
    }

    /// `stx` alone in block 1 of `CHAIN`, which is its own anchor.
    function _included(SignedTransaction memory stx)
        internal
        pure
        returns (BlockHeader memory anchor, TxInclusion memory inc)
    {
        anchor.chainId = CHAIN;
        anchor.height = 1;
        anchor.txRoot = Merkle.leafHash(abi.encode(stx));
        inc.signedTx = stx;
        inc.header = anchor;
    }

    /// A transaction of `kind` with one output of 10 wei to `owner` (a deposit's carries its
    /// record, so that it decodes).
    function _paying(uint8 kind, address owner) internal pure returns (SignedTransaction memory stx) {
        stx.transaction.kind = kind;
        stx.transaction.outputs = new Output[](1);
        stx.transaction.outputs[0] = Output(owner, address(0), 10);
        if (kind == uint8(TxKind.Deposit)) {
            stx.transaction.data = abi.encode(DepositRecord(CHAIN, 3, owner, owner, address(0), 10));
        }
    }

    function test_the_bond_a_child_deposit_exit_challenge_pays_exits_like_any_output() public {
        address alice = vm.addr(ALICE_KEY);
        UtxoPos memory pos = UtxoPos(1, 0, 0);
        for (uint256 k = 0; k < 32; ++k) {
            uint8 kind = uint8(k);
            (BlockHeader memory anchor, TxInclusion memory inc) = _included(_paying(kind, alice));
            bool exits = (kind >= uint8(TxKind.Transfer) && kind <= uint8(TxKind.StartChildDepositExit))
                || kind == ExitGame.CHALLENGE_CHILD_EXIT || kind == ExitGame.PROVE_CHILD_FRAUD
                || kind == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT;
            if (!exits) {
                vm.expectRevert(abi.encodeWithSelector(ExitGame.UnknownKind.selector, kind));
                game.exitStart(anchor, pos, inc, alice);
                continue;
            }
            ExitGame.Claim memory c = game.exitStart(anchor, pos, inc, alice);
            assertEq(c.output.owner, alice, string.concat("owner of kind ", str(k)));
            assertEq(c.output.amount, 10, string.concat("amount of kind ", str(k)));
            bytes32 id = kind == uint8(TxKind.Deposit)
                ? ExitGame.depositExitId(3)
                : ExitGame.outputExitId(game.hashStruct(inc.signedTx.transaction), pos.outputIndex);
            assertEq(c.exitId, id, string.concat("exit id of kind ", str(k)));
        }
    }

    function test_an_exit_of_an_output_spent_by_its_owners_deposit_exit_start_is_challenged() public {
        address alice = vm.addr(ALICE_KEY);
        bytes32 separator = PlasmaTx.domainSeparator(CHAIN, address(0xC0));
        UtxoPos memory exitPos = UtxoPos(1, 0, 0);
        for (uint256 k = 0; k < 32; ++k) {
            uint8 kind = uint8(k);
            SignedTransaction memory spend;
            spend.transaction.kind = kind;
            spend.transaction.inputs = new UtxoPos[](1);
            spend.transaction.inputs[0] = exitPos;
            spend.transaction.data = abi.encode(ChildDepositExit(9, 0, 0, 0));
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(ALICE_KEY, game.signingHash(separator, spend.transaction));
            spend.signatures = new bytes[](1);
            spend.signatures[0] = abi.encodePacked(r, s, v);
            // The kinds users sign; minted and system kinds spend nothing.
            bool spends = kind == uint8(TxKind.Transfer) || kind == uint8(TxKind.DepositToChild)
                || (kind >= uint8(TxKind.StartChildExit) && kind <= uint8(TxKind.StartChildDepositExit));
            if (!spends) vm.expectRevert(abi.encodeWithSelector(ExitGame.NotASpend.selector, kind));
            game.challenge(separator, exitPos, alice, spend, 0);
        }
    }
}
