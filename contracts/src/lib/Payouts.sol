// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";
import {ExitGame} from "./ExitGame.sol";

/// @title Payouts
/// @notice What a plasma parent owes the exit of a child it pays (`ExitPayout`), as
/// `LinkVerifier.overdrawnPayout` reads it from the exit's start: the claim and since when, and
/// whether a payout settles it as owed (`ledger::fraud::payout`).
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

    /// Whether a payout with `outputs` and `claim`, of an exit claiming `amount` of `token` and
    /// bonded `bond` (in ETH), settles it as owed for what the claim says it does
    /// (`ledger::fraud::payout::settles_as_owed`; owners aside). A cancellation names no token,
    /// takes nothing, and returns the bond alone. A payout names the exit's
    /// token, takes what the escrow held of the claim (`min(amount, escrowed + paid)`, the escrow
    /// holding `escrowed` after it), and pays exactly that, then the bond.
    function settlesAsOwed(
        Output[] calldata outputs,
        ExitPayoutClaim memory claim,
        address token,
        uint256 amount,
        uint256 bond
    ) internal pure returns (bool) {
        uint256 owed;
        if (claim.cancels) {
            // Its link names the fraud proof that voided the exit (`ChildVerifier.unfoundedCancellation`).
            if (claim.token != address(0) || claim.paid != 0 || claim.escrowed != 0) return false;
        } else {
            uint256 held = saturating(claim.escrowed, claim.paid);
            if (claim.token != token || claim.paid != (amount < held ? amount : held)) return false;
            owed = claim.paid;
        }
        uint256 i = 0;
        if (owed != 0) {
            if (outputs.length <= i || outputs[i].token != token || outputs[i].amount != owed) return false;
            ++i;
        }
        if (bond != 0) {
            if (outputs.length <= i || outputs[i].token != address(0) || outputs[i].amount != bond) return false;
            ++i;
        }
        return outputs.length == i;
    }

    /// `a + b`, or the largest `uint256` past it.
    function saturating(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > type(uint256).max - b ? type(uint256).max : a + b;
    }
}
