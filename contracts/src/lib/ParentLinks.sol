// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../PlasmaTypes.sol";
import {ExitGame} from "./ExitGame.sol";

/// `(height, txIndex)` as one number that orders positions of a parent's transactions.
function position(uint64 height, uint32 txIndex) pure returns (uint256) {
    return (uint256(height) << 32) | txIndex;
}

// What a link proof shows (`ledger::fraud::Shows`): the transaction at the link, nothing
// there, or a later transaction the link should have named.
uint8 constant SHOWS_LINKED = 0;
uint8 constant SHOWS_NOTHING = 1;
uint8 constant SHOWS_LATER = 2;

/// @title ParentLinks
/// @notice How the link judges of `LinkVerifier` read the two chains of a plasma parent's
/// transactions that move value held for a child: its operators' stakes (stakes, bonds, fraud
/// proofs) and its escrow of each token (locks, payouts), mirroring
/// `ledger::fraud::{stakes, escrow}`. Each link names where the chain last changed and what it
/// holds after the transaction; these functions read a transaction as a link and tell what it
/// leaves, and the judges decide whether one follows the other. What every link judge shares
/// (`ledger::fraud::link`), `LinkVerifier`'s and `ChildVerifier`'s alike: whether a link can
/// name anything, what shows nothing at it, and what stands between it and its transaction.
library ParentLinks {
    /// The transaction's payload is not one this chain reads (the ledger refuses it first).
    error WrongKind(uint8 kind);
    /// Honest: the block at the link holds a transaction there.
    error SomethingThere();
    /// The transaction shown is not its block's last: a sibling right of its path is not empty.
    error NotLastTransaction();

    /// Share of the stakes a fraud proof takes that it pays its prover, in basis points
    /// (`ledger::children::PROVER_REWARD_BPS`; the root's `PROVER_REWARD_BPS`).
    uint256 internal constant PROVER_REWARD_BPS = 5000;
    /// The most a `BondChild` payload may take (`ledger::form::MAX_BOND_BYTES`).
    uint256 internal constant MAX_BOND_BYTES = 1024;

    /// A stake, bond or fraud proof as the chain of a child's stakes reads it
    /// (`ledger::fraud::stakes::Link`).
    struct StakesLink {
        /// Whether the transaction is one.
        bool isLink;
        /// Its child.
        uint64 child;
        /// Where it says the stakes last changed, as a position.
        uint256 link;
        /// What it says they hold after it.
        uint256 staked;
        /// What a stake or bond adds.
        uint256 amount;
        /// Whether it is a fraud proof, which takes from them and pays `prover`.
        bool takes;
        address prover;
    }

    /// `t` read as a stake, bond or fraud proof (`isLink` false for another kind).
    function stakesLink(Transaction calldata t) internal pure returns (StakesLink memory k) {
        if (t.kind == uint8(TxKind.StakeChild)) {
            // Five words (`ledger::types::CHILD_STAKE_BYTES`), as the ledger decodes it.
            if (t.data.length != 5 * 32) revert WrongKind(t.kind);
            ChildStake memory s = abi.decode(t.data, (ChildStake));
            return StakesLink(
                true, s.childChainId, position(s.stakesHeight, s.stakesIndex), s.staked, s.amount, false, address(0)
            );
        }
        if (t.kind == uint8(TxKind.BondChild)) {
            // At most `ledger::form::MAX_BOND_BYTES`, as the ledger decodes it (the ledger also
            // refuses a non-canonical encoding: such a bond is proven malformed first).
            if (t.data.length > MAX_BOND_BYTES) revert WrongKind(t.kind);
            ChildBond memory b = abi.decode(t.data, (ChildBond));
            return StakesLink(
                true, b.childChainId, position(b.stakesHeight, b.stakesIndex), b.staked, b.amount, false, address(0)
            );
        }
        if (t.kind == ExitGame.PROVE_CHILD_FRAUD) {
            ChildFraudProof memory c = abi.decode(t.data, (ChildFraudProof));
            return
                StakesLink(true, c.childChainId, position(c.stakesHeight, c.stakesIndex), c.staked, 0, true, c.prover);
        }
    }

    /// Whether `t` is a registration of `child` (which leaves its stakes at zero) or a stake,
    /// bond or fraud proof of it, and what its stakes hold after it
    /// (`ledger::fraud::stakes::leaves`).
    function stakesAfter(uint64 chainId, Transaction calldata t, uint64 child) internal pure returns (bool, uint256) {
        if (t.kind == ExitGame.REGISTER_CHILD) {
            return (ExitGame.childChainId(chainId, abi.decode(t.data, (ChildRegistration))) == child, 0);
        }
        StakesLink memory k = stakesLink(t);
        return (k.isLink && k.child == child, k.staked);
    }

    /// Whether `t`, read as `k`, follows stakes holding `before`: a stake or bond adds its
    /// amount; a fraud proof takes no more than they hold and pays its prover, named, half of
    /// what it takes, as its only output, or nothing (a culprit proving its own fraud earns
    /// nothing; `ledger::children::pays_what_it_takes`).
    function extends(Transaction calldata t, StakesLink memory k, uint256 before) internal pure returns (bool) {
        if (!k.takes) return before <= type(uint256).max - k.amount && before + k.amount == k.staked;
        if (k.staked > before || k.prover == address(0)) return false;
        uint256 taken = before - k.staked;
        // `taken * BPS / 10_000` without overflow (`ledger::children::prover_reward`).
        uint256 reward = taken / 10_000 * PROVER_REWARD_BPS + taken % 10_000 * PROVER_REWARD_BPS / 10_000;
        Output[] calldata outputs = t.outputs;
        if (outputs.length == 0) return true;
        return reward != 0 && outputs.length == 1 && outputs[0].owner == k.prover && outputs[0].token == address(0)
            && outputs[0].amount == reward;
    }

    /// A lock or payout, as the chain of a child's escrow of one token reads it
    /// (`ledger::fraud::escrow::EscrowLink`).
    struct EscrowLink {
        bool isLink;
        uint64 child;
        address token;
        /// `height << 32 | index` of where it says the escrow last changed.
        uint256 link;
        /// What it says the escrow holds after it.
        uint256 escrowed;
        /// Whether it adds `amount` (a lock) or takes it (a payout).
        bool adds;
        uint256 amount;
    }

    /// `t` read as a lock or a payout that does not cancel (`isLink` false for another kind).
    function escrowLink(Transaction calldata t) internal pure returns (EscrowLink memory k) {
        if (t.kind == uint8(TxKind.DepositToChild)) {
            // Nine words (`ledger::types::CHILD_DEPOSIT_BYTES`), as the ledger decodes it.
            if (t.data.length != 9 * 32) revert WrongKind(t.kind);
            ChildDeposit memory l = abi.decode(t.data, (ChildDeposit));
            return EscrowLink(
                true, l.childChainId, l.token, position(l.escrowHeight, l.escrowIndex), l.escrowed, true, l.amount
            );
        }
        if (t.kind == uint8(TxKind.ExitPayout)) {
            // Ten words (`ledger::types::EXIT_PAYOUT_CLAIM_BYTES`), as the ledger decodes it.
            if (t.data.length != 10 * 32) revert WrongKind(t.kind);
            ExitPayoutClaim memory p = abi.decode(t.data, (ExitPayoutClaim));
            if (p.cancels) return k;
            return EscrowLink(
                true, p.childChainId, p.token, position(p.escrowHeight, p.escrowIndex), p.escrowed, false, p.paid
            );
        }
    }

    /// Whether `t` is a registration of `child` (which leaves its escrows empty) or a lock or
    /// payout of it in `token`, and what that escrow holds after it
    /// (`ledger::fraud::escrow::leaves`).
    function escrowAfter(uint64 chainId, Transaction calldata t, uint64 child, address token)
        internal
        pure
        returns (bool, uint256)
    {
        if (t.kind == ExitGame.REGISTER_CHILD) {
            return (ExitGame.childChainId(chainId, abi.decode(t.data, (ChildRegistration))) == child, 0);
        }
        EscrowLink memory k = escrowLink(t);
        return (k.isLink && k.child == child && k.token == token, k.escrowed);
    }

    /// Reverts unless `s` shows nothing at `link` (`ledger::fraud::link::nothing_at`): an empty
    /// block's header proven in the anchor's history, or the block's last transaction (every
    /// sibling right of its path empty) at an index below the link's.
    function nothingAt(uint64 chainId, BlockHeader calldata anchor, uint256 link, IncludedTx calldata s) internal pure {
        (uint64 height, uint32 index) = (uint64(link >> 32), uint32(link));
        TxInclusion calldata b = s.inclusion;
        if (b.header.txRoot == bytes32(0)) {
            ExitGame.verifyBlockInHistory(chainId, anchor, b.header, b.historyProof, height);
            return;
        }
        uint64 last = b.txProof.index;
        if (last > type(uint32).max) revert NotLastTransaction();
        ExitGame.verifyInclusion(chainId, anchor, b, height, uint32(last));
        bytes32[] calldata siblings = b.txProof.siblings;
        for (uint256 level = 0; level < siblings.length; ++level) {
            if ((last >> level) & 1 == 0 && siblings[level] != bytes32(0)) revert NotLastTransaction();
        }
        if (index <= last) revert SomethingThere();
    }

    /// Whether nothing of the parent can be at `link` for a transaction at `at` to stand on:
    /// it is not below `at`, or at height 0 (`ledger::fraud::link::unreachable`).
    function unreachable(uint256 link, uint256 at) internal pure returns (bool) {
        return link >= at || link >> 32 == 0;
    }

    /// Whether `mid` stands strictly between `link` and `at`.
    function between(uint256 link, uint256 mid, uint256 at) internal pure returns (bool) {
        return link < mid && mid < at;
    }
}
