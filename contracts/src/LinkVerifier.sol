// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {PlasmaTx} from "./lib/PlasmaTx.sol";
import {ParentLinks, position, SHOWS_LINKED, SHOWS_NOTHING, SHOWS_LATER} from "./lib/ParentLinks.sol";
import {Payouts} from "./lib/Payouts.sol";

/// @title LinkVerifier
/// @notice Stateless judge of the fraud kinds about a plasma parent's transaction that names
/// the parent's earlier transaction it stands on (its link), mirroring
/// `ledger::fraud::{link, succession, settlement, restart, lock, unregistered, stakes, payout}`: a
/// child checkpoint that cannot follow what its link names, a challenge or payout of a child's
/// exit that the exit its link names does not found, a start of a child's exit queued or settled
/// already, a start of an exit from the deposit record that no lock at its nonce's place
/// founds, a lock into a child its named registration does not register, a stake, bond or fraud
/// proof the child's stakes as its link shows them do not found, and a payout
/// of a child's exit that its start shows is not owed yet, or not that much (or a cancellation
/// of an exit from the deposit record).
/// All but the last take `LinkEvidence`, shown by the transaction at the link, nothing there, or
/// a later one the link should have named (not for the two kinds about a lock, whose link is a
/// place only what is there shows wrong); the last `PayoutEvidence`, the payout with the start
/// at its link, the child's registration and, for an exit from the record, the lock at its
/// nonce's place. `FraudVerifier` is handed it deployed, and hands it the evidence.
contract LinkVerifier {
    /// The transaction's kind is not one this evidence takes.
    error WrongKind(uint8 kind);
    /// Honest: the transaction may stand on the one its link names.
    error Follows();
    /// The transaction shown is not a later one the link should have named, between the link
    /// and the transaction standing on it.
    error NotLater();
    /// The evidence says it shows something no link proof shows.
    error NoSuchShowing(uint8 shows);
    /// The challenge check ran out of gas: no verdict (send the proof with more gas).
    error ChallengeCheckOutOfGas();
    /// The transaction shown is not a start of the exit, of the child, that the payout names,
    /// at its link.
    error NotTheStart();
    /// The transaction shown at the nonce's place of an exit from the deposit record is no
    /// lock into the child the payout names.
    error NotTheLock();
    /// The registration shown registers another child than the payout names.
    error NotTheChild(uint64 named, uint64 registered);
    /// Honest: the payout is due and pays what the exit's claim, the escrow and its bond owe.
    error Owed();
    /// The start names no cancellation (0:0): only a later start, challenge or payout of its
    /// exit shows it wrong.
    error NamesNone();

    /// Most blocks a child checkpoint may jump (`ledger::registration::MAX_CHECKPOINT_GAP`).
    uint64 internal constant MAX_CHECKPOINT_GAP = 1 << 12;

    /// @notice A child checkpoint, included, that cannot follow what its link names (`ev`, the
    /// ABI encoding of `LinkEvidence`; `ledger::fraud::verify_checkpoint_succession`): the link
    /// is not below it, names nothing, names no registration or checkpoint of the child, or one
    /// it cannot follow (not newer, past the gap, naming neither set it leaves room for), or a
    /// later one of the child stands between them.
    function checkpointSuccession(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.checkpointSuccessionOf(chainId, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `checkpointSuccession`, on the decoded evidence.
    function checkpointSuccessionOf(uint64 chainId, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        if (t.kind != ExitGame.CHILD_CHECKPOINT) revert WrongKind(t.kind);
        LinkedCheckpoint memory c = abi.decode(t.data, (LinkedCheckpoint));
        BlockHeader memory h = c.checkpoint.header;
        uint256 link = position(c.previousHeight, c.previousIndex);
        uint256 at = position(x.height, x.txIndex);
        if (ParentLinks.unreachable(link, at)) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata p = ExitGame.included(chainId, anchor, s.inclusion, c.previousHeight, c.previousIndex);
            (bool ofChild, uint64 last, bytes32 named, bytes32 next) = _predecessor(chainId, p, h.chainId);
            if (
                !ofChild || h.height <= last || h.height > last + MAX_CHECKPOINT_GAP
                    || (h.validatorSetHash != named && h.validatorSetHash != next)
            ) return x.height;
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        if (e.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            (bool ofChild,,,) = _predecessor(chainId, l, h.chainId);
            if (ofChild && ParentLinks.between(link, position(s.height, s.txIndex), at)) return x.height;
            revert NotLater();
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A challenge or payout of a child's exit, included, that the exit its link (the
    /// start it names) does not found (`ev`, the ABI encoding of `LinkEvidence`;
    /// `ledger::fraud::verify_unfounded_settlement`): the link is not below it, names nothing,
    /// names no start of the settled exit of that child, or one whose claimant (its first
    /// input's signer) the settlement does not stand on: a challenge whose spend does not spend
    /// the start's output, signed by the claimant (for a deposit's exit, the challenge must also
    /// prove the deposit's minted output), or a payout with an output to another; or a start,
    /// challenge or payout of the same exit stands between them. `root` is the root contract
    /// whose signing domains the chain and its child sign under.
    function unfoundedSettlement(uint64 chainId, address root, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unfoundedSettlementOf(chainId, root, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `unfoundedSettlement`, on the decoded evidence.
    function unfoundedSettlementOf(uint64 chainId, address root, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        view
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        (bool settles, uint64 child, bytes32 exitId, uint256 link) = _settled(t);
        if (!settles) revert WrongKind(t.kind);
        uint256 at = position(x.height, x.txIndex);
        if (ParentLinks.unreachable(link, at)) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata st = ExitGame.included(chainId, anchor, s.inclusion, uint64(link >> 32), uint32(link));
            (bool isStart, uint64 named, bytes32 id, UtxoPos memory pos,) = _started(st);
            if (!isStart || named != child || id != exitId) return x.height;
            address owner = _firstSigner(PlasmaTx.domainSeparator(chainId, root), s.inclusion.signedTx);
            if (owner == address(0) || !_holds(PlasmaTx.domainSeparator(child, root), t, exitId, pos, owner)) {
                return x.height;
            }
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        if (e.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            (bool touches, uint64 named, bytes32 id) = _touched(l);
            if (
                touches && named == child && id == exitId
                    && ParentLinks.between(link, position(s.height, s.txIndex), at)
            ) {
                return x.height;
            }
            revert NotLater();
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A start of a child's exit, included, of an exit queued or settled already (`ev`,
    /// the ABI encoding of `LinkEvidence`; `ledger::fraud::verify_repeated_exit`): the
    /// cancellation it names (its link) is not below it, names nothing, or names no payout
    /// cancelling the same exit of that child; or a start, challenge or payout of the same exit
    /// stands between them. A start naming none (0:0) is shown wrong only by such a later one,
    /// anywhere before it.
    function repeatedExit(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.repeatedExitOf(chainId, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `repeatedExit`, on the decoded evidence.
    function repeatedExitOf(uint64 chainId, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        view
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        (bool isStart, uint64 child, bytes32 exitId,, uint256 link) = _started(t);
        if (!isStart) revert WrongKind(t.kind);
        uint256 at = position(x.height, x.txIndex);
        IncludedTx calldata s = e.shown;
        if (link == 0 && e.shows != SHOWS_LATER) revert NamesNone();
        if (link != 0 && ParentLinks.unreachable(link, at)) return x.height;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata p = ExitGame.included(chainId, anchor, s.inclusion, uint64(link >> 32), uint32(link));
            if (!_cancels(p, child, exitId)) return x.height;
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        if (e.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            (bool touches, uint64 named, bytes32 id) = _touched(l);
            if (
                touches && named == child && id == exitId
                    && ParentLinks.between(link, position(s.height, s.txIndex), at)
            ) {
                return x.height;
            }
            revert NotLater();
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A start of an exit from the deposit record, included, that the lock at its
    /// nonce's place does not found (`ev`, the ABI encoding of `LinkEvidence`;
    /// `ledger::fraud::verify_unfounded_deposit_exit`): a plasma parent numbers a deposit by
    /// where its lock stands (`height << 32 | index`), and that place is not below the start,
    /// holds nothing, or holds no `DepositToChild` into the same child for the start's claimant
    /// (its first input's signer). `root` is the root contract whose signing domain the chain
    /// signs under.
    function unfoundedDepositExit(uint64 chainId, address root, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unfoundedDepositExitOf(chainId, root, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `unfoundedDepositExit`, on the decoded evidence.
    function unfoundedDepositExitOf(uint64 chainId, address root, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        view
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        if (t.kind != uint8(TxKind.StartChildDepositExit)) revert WrongKind(t.kind);
        ChildDepositExit memory d = abi.decode(t.data, (ChildDepositExit));
        uint256 link = d.nonce;
        if (ParentLinks.unreachable(link, position(x.height, x.txIndex))) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, uint64(link >> 32), uint32(link));
            if (l.kind != uint8(TxKind.DepositToChild)) return x.height;
            ChildDeposit memory lock = abi.decode(l.data, (ChildDeposit));
            address claimant = _firstSigner(PlasmaTx.domainSeparator(chainId, root), x.inclusion.signedTx);
            if (claimant == address(0) || lock.childChainId != d.childChainId || lock.recipient != claimant) {
                return x.height;
            }
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A lock into a child (`DepositToChild`), included, whose named registration is no
    /// registration of that child (`ev`, the ABI encoding of `LinkEvidence`;
    /// `ledger::fraud::verify_unregistered_child`): the place it names
    /// (`registeredHeight`/`registeredIndex`) is not below it, holds nothing, or holds no
    /// `RegisterChild` of its child.
    function unregisteredChild(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unregisteredChildOf(chainId, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `unregisteredChild`, on the decoded evidence.
    function unregisteredChildOf(uint64 chainId, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        if (t.kind != uint8(TxKind.DepositToChild)) revert WrongKind(t.kind);
        ChildDeposit memory d = abi.decode(t.data, (ChildDeposit));
        uint256 link = position(d.registeredHeight, d.registeredIndex);
        if (ParentLinks.unreachable(link, position(x.height, x.txIndex))) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata r =
                ExitGame.included(chainId, anchor, s.inclusion, d.registeredHeight, d.registeredIndex);
            if (r.kind != ExitGame.REGISTER_CHILD) return x.height;
            ChildRegistration memory reg = abi.decode(r.data, (ChildRegistration));
            if (ExitGame.childChainId(chainId, reg) != d.childChainId) return x.height;
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A stake, bond or fraud proof of a child, included, that the child's stakes, as
    /// its link shows them, do not found (`ev`, the ABI encoding of `LinkEvidence`;
    /// `ledger::fraud::verify_unfounded_stake`): the place it names
    /// (`stakesHeight`/`stakesIndex`) is not below it, holds nothing, or holds no registration
    /// (stakes at zero), stake, bond or fraud proof of its child; or what that leaves the stakes
    /// holding and its amount do not make what it says they hold after it; or, for a fraud
    /// proof, it says they hold more after it than before, pays its prover other than half of
    /// the difference or nothing, or names no prover; or a later stake, bond or fraud proof of its child
    /// stands between them.
    function unfoundedStake(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unfoundedStakeOf(chainId, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `unfoundedStake`, on the decoded evidence.
    function unfoundedStakeOf(uint64 chainId, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        ParentLinks.StakesLink memory k = ParentLinks.stakesLink(t);
        if (!k.isLink) revert WrongKind(t.kind);
        uint256 at = position(x.height, x.txIndex);
        if (ParentLinks.unreachable(k.link, at)) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata l =
                ExitGame.included(chainId, anchor, s.inclusion, uint64(k.link >> 32), uint32(k.link));
            (bool founds, uint256 before) = ParentLinks.stakesAfter(chainId, l, k.child);
            if (!founds || !ParentLinks.extends(t, k, before)) return x.height;
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, k.link, s);
            return x.height;
        }
        if (e.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            ParentLinks.StakesLink memory m = ParentLinks.stakesLink(l);
            if (m.isLink && m.child == k.child && ParentLinks.between(k.link, position(s.height, s.txIndex), at)) {
                return x.height;
            }
            revert NotLater();
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A lock into a child or a payout (not cancelling) of a child's exit, included,
    /// that the child's escrow of its token, as its link shows it, does not found (`ev`, the ABI
    /// encoding of `LinkEvidence`; `ledger::fraud::verify_unfounded_escrow`): the place it names
    /// (`escrowHeight`/`escrowIndex`) is not below it, holds nothing, or holds no registration
    /// (every escrow of the child empty), lock or payout of its child in its token; or what that
    /// leaves the escrow holding and its amount (a lock's, added; a payout's `paid`, taken, and
    /// no more than it holds) do not make what it says the escrow holds after it; or a later
    /// lock or payout of its child in its token stands between them.
    function unfoundedEscrow(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unfoundedEscrowOf(chainId, anchor, abi.decode(ev, (LinkEvidence)));
    }

    /// @notice `unfoundedEscrow`, on the decoded evidence.
    function unfoundedEscrowOf(uint64 chainId, BlockHeader calldata anchor, LinkEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        IncludedTx calldata x = e.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        ParentLinks.EscrowLink memory k = ParentLinks.escrowLink(t);
        if (!k.isLink) revert WrongKind(t.kind);
        uint256 at = position(x.height, x.txIndex);
        if (ParentLinks.unreachable(k.link, at)) return x.height;
        IncludedTx calldata s = e.shown;
        if (e.shows == SHOWS_LINKED) {
            Transaction calldata l =
                ExitGame.included(chainId, anchor, s.inclusion, uint64(k.link >> 32), uint32(k.link));
            (bool founds, uint256 before) = ParentLinks.escrowAfter(chainId, l, k.child, k.token);
            if (!founds) return x.height;
            if (k.adds) {
                if (before > type(uint256).max - k.amount || before + k.amount != k.escrowed) return x.height;
            } else if (k.amount > before || before - k.amount != k.escrowed) {
                return x.height;
            }
            revert Follows();
        }
        if (e.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, k.link, s);
            return x.height;
        }
        if (e.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            ParentLinks.EscrowLink memory m = ParentLinks.escrowLink(l);
            bool same = m.isLink && m.child == k.child && m.token == k.token;
            if (same && ParentLinks.between(k.link, position(s.height, s.txIndex), at)) return x.height;
            revert NotLater();
        }
        revert NoSuchShowing(e.shows);
    }

    /// @notice A payout of a child's exit, included, that the start it names and the child's
    /// registration show is not owed yet, or not that way (`ev`, the ABI encoding of
    /// `PayoutEvidence`; `ledger::fraud::verify_overdrawn_payout`): its block's time is before
    /// `exitableAt(claimed time, start's block time, exitPeriod)`, or its claim and outputs are
    /// not what settling the exit as it says owes (`Payouts.settlesAsOwed`: a payout, what the
    /// escrow held of the claim in its token, then the bond in ETH; a cancellation, the bond
    /// alone, taking nothing); or it says it cancels an exit from the deposit record
    /// (its start, a `StartChildDepositExit`, shows it). An exit of an output
    /// claims the output its start proves, since its block's time; an exit from the deposit
    /// record the deposit the lock at its nonce's place made (`lock`), since that lock's block's
    /// time. Neither the lock nor the registration is read for a cancelled record exit.
    function overdrawnPayout(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.overdrawnPayoutOf(chainId, anchor, abi.decode(ev, (PayoutEvidence)));
    }

    /// @notice `overdrawnPayout`, on the decoded evidence.
    function overdrawnPayoutOf(uint64 chainId, BlockHeader calldata anchor, PayoutEvidence calldata e)
        external
        view
        returns (uint64)
    {
        IncludedTx calldata p = e.payout;
        Transaction calldata t = ExitGame.included(chainId, anchor, p.inclusion, p.height, p.txIndex);
        // Ten words (`ledger::types::EXIT_PAYOUT_CLAIM_BYTES`), as the ledger decodes it.
        if (t.kind != uint8(TxKind.ExitPayout) || t.data.length != 10 * 32) revert WrongKind(t.kind);
        ExitPayoutClaim memory claim = abi.decode(t.data, (ExitPayoutClaim));
        IncludedTx calldata s = e.start;
        if (s.height != claim.startHeight || s.txIndex != claim.startIndex) revert NotTheStart();
        Transaction calldata st = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
        (bool isStart, uint64 child, bytes32 exitId,,) = _started(st);
        if (!isStart || child != claim.childChainId || exitId != claim.exitId) revert NotTheStart();
        // An exit from the record is never cancelled: the deposit would exit again.
        if (claim.cancels && st.kind == uint8(TxKind.StartChildDepositExit)) return p.height;
        (uint64 claimedAt, address token, uint256 amount) =
            Payouts.claimed(chainId, anchor, st, claim.childChainId, e.lock);
        (uint64 registered, ChildRegistration memory reg) = ExitGame.registered(chainId, anchor, e.registration);
        if (registered != claim.childChainId) revert NotTheChild(claim.childChainId, registered);
        uint64 due = ExitGame.exitableAt(claimedAt, s.inclusion.header.timestamp, reg.params.exitPeriod);
        if (p.inclusion.header.timestamp < due) return p.height;
        if (!Payouts.settlesAsOwed(t.outputs, claim, token, amount, reg.params.exitBond)) return p.height;
        revert Owed();
    }

    /// @notice Reverts unless `c`'s spend spends the output at `pos` of the exit's owner
    /// `owner`, signed by them in the child's domain (`childSeparator`). External for
    /// `_holds`'s `try`.
    function outputChallengeHolds(
        bytes32 childSeparator,
        UtxoPos calldata pos,
        address owner,
        ChildExitChallenge calldata c
    ) external pure {
        ExitGame.verifyChallenge(childSeparator, pos, owner, c.spend, c.inputIndex);
    }

    /// @notice Reverts unless `c` proves the minted output of the deposit exit `exitId` of
    /// `owner` under its anchor, and its spend spends it, signed by `owner` in the child's
    /// domain (`childSeparator`; `ledger::exit::verify_deposit_exit_challenge`). External for
    /// `_holds`'s `try`.
    function depositChallengeHolds(
        bytes32 childSeparator,
        bytes32 exitId,
        address owner,
        ChildDepositExitChallenge calldata c
    ) external pure {
        ExitGame.Claim memory claim = ExitGame.verifyExitStart(c.childChainId, c.anchor, c.mintedPos, c.minted, owner);
        if (claim.exitId != exitId) revert ExitGame.NotTheDeposit();
        ExitGame.verifyChallenge(childSeparator, c.mintedPos, owner, c.spend, c.inputIndex);
    }

    /// @notice The id of the exit `s` starts, and whether it can be told (the claimed
    /// transaction is no deposit whose record does not decode). External: the key hashes the
    /// claimed transaction from calldata.
    function startedExitId(ChildExitStart calldata s) external pure returns (bool, bytes32) {
        Transaction calldata claimed = s.inclusion.signedTx.transaction;
        if (claimed.kind == uint8(TxKind.Deposit)) {
            (bool ok, DepositRecord memory r) = PlasmaTx.tryDecodeDepositRecord(claimed.data);
            return (ok, ok ? ExitGame.depositExitId(r.nonce) : bytes32(0));
        }
        return (true, ExitGame.outputExitId(PlasmaTx.hashStruct(claimed), s.pos.outputIndex));
    }

    /// Whether the challenge or payout `t` stands on the exit `exitId` of the output at `pos`
    /// owned by `owner`: a payout pays `owner` alone. A challenge check that ran out of gas is
    /// no verdict (the prover chooses the gas).
    function _holds(bytes32 childSeparator, Transaction calldata t, bytes32 exitId, UtxoPos memory pos, address owner)
        private
        view
        returns (bool)
    {
        if (t.kind == uint8(TxKind.ExitPayout)) {
            for (uint256 i = 0; i < t.outputs.length; ++i) {
                if (t.outputs[i].owner != owner) return false;
            }
            return true;
        }
        uint256 before = gasleft();
        if (t.kind == ExitGame.CHALLENGE_CHILD_EXIT) {
            try this.outputChallengeHolds(childSeparator, pos, owner, abi.decode(t.data, (ChildExitChallenge))) {
                return true;
            } catch {}
        } else {
            ChildDepositExitChallenge memory c = abi.decode(t.data, (ChildDepositExitChallenge));
            try this.depositChallengeHolds(childSeparator, exitId, owner, c) {
                return true;
            } catch {}
        }
        if (gasleft() <= before / 64) revert ChallengeCheckOutOfGas();
        return false;
    }

    /// Whether `t` is a challenge or payout of a child's exit, the child, the exit, and the
    /// position of the start it names (`ledger::fraud::settlement::Settling`).
    function _settled(Transaction calldata t) private pure returns (bool, uint64, bytes32, uint256) {
        if (t.kind == ExitGame.CHALLENGE_CHILD_EXIT) {
            ChildExitChallenge memory c = abi.decode(t.data, (ChildExitChallenge));
            return (true, c.childChainId, c.exitId, position(c.startHeight, c.startIndex));
        }
        if (t.kind == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT) {
            ChildDepositExitChallenge memory c = abi.decode(t.data, (ChildDepositExitChallenge));
            return (true, c.childChainId, ExitGame.depositExitId(c.nonce), position(c.startHeight, c.startIndex));
        }
        if (t.kind == uint8(TxKind.ExitPayout)) {
            ExitPayoutClaim memory p = abi.decode(t.data, (ExitPayoutClaim));
            return (true, p.childChainId, p.exitId, position(p.startHeight, p.startIndex));
        }
        return (false, 0, 0, 0);
    }

    /// Whether `t` starts an exit of a child, the child, the exit, the position it claims (zero
    /// from the record) and the position of the cancellation it names (zero: none;
    /// `ledger::fraud::settlement::started`).
    function _started(Transaction calldata t)
        private
        view
        returns (bool, uint64, bytes32, UtxoPos memory pos, uint256 cancelled)
    {
        if (t.kind == uint8(TxKind.StartChildExit)) {
            ChildExitStart memory s = abi.decode(t.data, (ChildExitStart));
            (bool known, bytes32 id) = this.startedExitId(s);
            return (known, s.childChainId, id, s.pos, position(s.cancelledHeight, s.cancelledIndex));
        }
        if (t.kind == uint8(TxKind.StartChildDepositExit)) {
            ChildDepositExit memory d = abi.decode(t.data, (ChildDepositExit));
            uint256 named = position(d.cancelledHeight, d.cancelledIndex);
            return (true, d.childChainId, ExitGame.depositExitId(d.nonce), pos, named);
        }
        return (false, 0, 0, pos, 0);
    }

    /// Whether `t` is a payout cancelling exit `exitId` of `child`
    /// (`ledger::fraud::settlement::Settling::cancels`).
    function _cancels(Transaction calldata t, uint64 child, bytes32 exitId) private pure returns (bool) {
        if (t.kind != uint8(TxKind.ExitPayout)) return false;
        ExitPayoutClaim memory p = abi.decode(t.data, (ExitPayoutClaim));
        return p.cancels && p.childChainId == child && p.exitId == exitId;
    }

    /// Whether `t` starts, challenges or pays an exit of a child, the child and the exit
    /// (`ledger::fraud::settlement::touched`).
    function _touched(Transaction calldata t) private view returns (bool, uint64, bytes32) {
        (bool isStart, uint64 child, bytes32 id,,) = _started(t);
        if (isStart) return (true, child, id);
        (bool settles, uint64 named, bytes32 exitId,) = _settled(t);
        return (settles, named, exitId);
    }

    /// Whether `t` is a registration or a checkpoint of `child`, the height a checkpoint
    /// following it must pass, and the two sets it may name
    /// (`ledger::fraud::succession::predecessor`).
    function _predecessor(uint64 chainId, Transaction calldata t, uint64 child)
        private
        pure
        returns (bool, uint64, bytes32, bytes32)
    {
        if (t.kind == ExitGame.REGISTER_CHILD) {
            ChildRegistration memory reg = abi.decode(t.data, (ChildRegistration));
            bytes32 set = keccak256(abi.encode(reg.validators));
            return (ExitGame.childChainId(chainId, reg) == child, 0, set, set);
        }
        if (t.kind == ExitGame.CHILD_CHECKPOINT) {
            BlockHeader memory p = abi.decode(t.data, (LinkedCheckpoint)).checkpoint.header;
            return (p.chainId == child, p.height, p.validatorSetHash, p.nextValidatorSetHash);
        }
        return (false, 0, 0, 0);
    }

    /// Who signed `stx`'s first input under `separator` (zero when nobody can be recovered).
    function _firstSigner(bytes32 separator, SignedTransaction calldata stx) private pure returns (address) {
        if (stx.signatures.length == 0) return address(0);
        return PlasmaTx.recover(PlasmaTx.signingHash(separator, stx.transaction), stx.signatures[0]);
    }
}
