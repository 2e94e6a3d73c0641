// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";
import {ExitGame} from "./ExitGame.sol";

/// @title Payouts
/// @notice What a plasma parent owes the exit of a child it pays (`ExitPayout`), as
/// `LinkVerifier.overdrawnPayout` reads it from the exit's start: the claim and since when
/// (`ledger::fraud::payout`), and whether outputs pay more than it (`ledger::exit`).
library Payouts {
    /// The transaction shown is not a start of the exit the payout names.
    error NotTheStart();
    /// The transaction shown at the nonce's place of an exit from the deposit record is no
    /// lock into the child the payout names.
    error NotTheLock();

    /// What the exit of `child` the start `st` queues claims, and since when: the output a
    /// `StartChildExit` proves and its block's time, or the deposit of the lock at a
    /// `StartChildDepositExit`'s nonce's place (`lock`) and that lock's block's time.
    function claimed(
        uint64 chainId,
        BlockHeader calldata anchor,
        Transaction calldata st,
        uint64 child,
        IncludedTx calldata lock
    ) internal pure returns (uint64, address, uint256) {
        if (st.kind == uint8(TxKind.StartChildDepositExit)) {
            uint64 nonce = abi.decode(st.data, (ChildDepositExit)).nonce;
            Transaction calldata l = ExitGame.included(chainId, anchor, lock.inclusion, nonce >> 32, uint32(nonce));
            if (l.kind != uint8(TxKind.DepositToChild)) revert NotTheLock();
            ChildDeposit memory d = abi.decode(l.data, (ChildDeposit));
            if (d.childChainId != child) revert NotTheLock();
            return (lock.inclusion.header.timestamp, d.token, d.amount);
        }
        ChildExitStart memory start = abi.decode(st.data, (ChildExitStart));
        Output[] memory outputs = start.inclusion.signedTx.transaction.outputs;
        if (start.pos.outputIndex >= outputs.length) revert NotTheStart();
        Output memory output = outputs[start.pos.outputIndex];
        return (start.inclusion.header.timestamp, output.token, output.amount);
    }

    /// Whether `outputs`, a payout of an exit claiming `amount` of `token` with `bond` (in ETH),
    /// pay, in some token, more than the claim's amount in its token and the bond in ETH
    /// (`ledger::exit::payout_excess`; sums saturate, as there).
    function exceeds(Output[] calldata outputs, address token, uint256 amount, uint256 bond)
        internal
        pure
        returns (bool)
    {
        for (uint256 i = 0; i < outputs.length; ++i) {
            address t = outputs[i].token;
            uint256 paid;
            for (uint256 j = 0; j < outputs.length; ++j) {
                if (outputs[j].token == t) paid = saturating(paid, outputs[j].amount);
            }
            uint256 owed = saturating(t == token ? amount : 0, t == address(0) ? bond : 0);
            if (paid > owed) return true;
        }
        return false;
    }

    /// `a + b`, or the largest `uint256` past it.
    function saturating(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > type(uint256).max - b ? type(uint256).max : a + b;
    }
}
