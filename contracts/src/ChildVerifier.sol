// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {PlasmaTx} from "./lib/PlasmaTx.sol";
import {BLS} from "./lib/BLS.sol";
import {Votes} from "./lib/Votes.sol";
import {FormVerifier} from "./FormVerifier.sol";
import {Merkle} from "./lib/Merkle.sol";
import {ParentLinks, SHOWS_LINKED, SHOWS_NOTHING, SHOWS_LATER} from "./lib/ParentLinks.sol";

/// @title ChildVerifier
/// @notice Stateless judge of the fraud kinds about a plasma parent's record of its children,
/// mirroring `ledger::fraud::{record, certified, accepted}`: a child's transaction
/// the record refuses, as the child's registration and earlier included transactions show it
/// (the record only grows), a child checkpoint its certificate does not certify against the set
/// its header names, a transaction standing on a child checkpoint the parent's history shows it
/// never accepted or a fraud proof it heard voided, and a cancellation of an exit whose anchor
/// the fraud proof it names did not void. `FraudVerifier` creates it and hands it the evidence.
contract ChildVerifier {
    /// The judge of a bond's proof of possession.
    FormVerifier public immutable form;

    /// @param form_ The deployed `FormVerifier`.
    constructor(FormVerifier form_) {
        form = form_;
    }

    /// The transaction's kind is not one this evidence takes.
    error WrongKind(uint8 kind);
    /// The transaction names another child than the registration shown registers.
    error NotTheChild(uint64 named, uint64 registered);
    /// A transaction shown of a child's record is not after the one shown before it.
    error OutOfOrder(uint64 height, uint32 txIndex);
    /// No operator is recovered from the bond's first signature: prove an invalid signature.
    error NoOperator();
    /// Honest: the child's record, as shown, allows the transaction.
    error RecordAllows();
    /// The set shown is not the one the checkpoint's header names.
    error NotTheNamedSet();
    /// Honest: the certificate certifies the checkpoint against the set its header names.
    error Certified();
    /// The exit start's claim check ran out of gas: no verdict (send the proof with more gas).
    error ClaimCheckOutOfGas();
    /// The acceptance does not show the anchor accepted (`acceptance`'s only revert).
    error NotAccepted();
    /// Honest: the exit start shows its anchor accepted in an earlier block of the parent.
    error Accepted();
    /// The fraud proof shown is not before the transaction it would void.
    error NotBefore();
    /// Honest: the transaction stands below the height the earlier fraud proof is shown under.
    error BelowTheFraud();
    /// The transaction shown is no `StartChildExit` of the child at the place the payout names.
    error NotTheStart();
    /// Honest: the cancellation names the latest fraud proof against the child, which voided
    /// its exit's anchor.
    error Follows();
    /// The transaction shown is no fraud proof against the child between the link and the
    /// cancellation.
    error NotLater();
    /// The evidence says it shows something no link proof shows.
    error NoSuchShowing(uint8 shows);

    /// Most members a child's set may hold (`ledger::registration::MAX_CHILD_VALIDATORS`).
    uint256 internal constant MAX_CHILD_VALIDATORS = 16;
    /// One unit of a bonded validator's power (`ledger::types::POWER_UNIT`).
    uint256 internal constant POWER_UNIT = 1 gwei;
    /// How far a checkpoint's time may run ahead of the block that accepts it, in seconds
    /// (`ledger::types::MAX_CLOCK_DRIFT_S`).
    uint256 internal constant MAX_CLOCK_DRIFT = 15;
    /// Most members a set may hold (`ledger::certificate::MAX_VALIDATORS`).
    uint256 internal constant MAX_VALIDATORS = 256;
    /// The vote type a commit certificate aggregates (`RootStorage.PRECOMMIT`).
    uint8 internal constant PRECOMMIT = 2;

    /// @notice A child's transaction that the parent's record of the child refuses, as the
    /// child's registration and earlier included transactions of it show the record (`ev`, the
    /// ABI encoding of `ChildRecordEvidence`; `ledger::fraud::verify_child_record`): the
    /// record only grows, so what they show still holds. `separator` is the chain's signing
    /// domain, from which a bond's operator (its first input's signer) and a fraud proof's
    /// prover are recovered.
    function childRecord(uint64 chainId, bytes32 separator, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.childRecordOf(chainId, separator, anchor, abi.decode(ev, (ChildRecordEvidence)));
    }

    /// What transactions of a child show of the parent's record of it.
    struct Shown {
        address[] operators;
        bytes32[] keys;
        uint256[] powers;
        uint256 members;
        uint64 highestCheckpoint;
        bool frozen;
        uint256 minStake;
    }

    /// @notice `childRecord`, on the decoded evidence.
    function childRecordOf(
        uint64 chainId,
        bytes32 separator,
        BlockHeader calldata anchor,
        ChildRecordEvidence calldata e
    ) external view returns (uint64) {
        (uint64 child, ChildRegistration memory reg) = ExitGame.registered(chainId, anchor, e.registration);
        uint256 n = reg.validators.length;
        uint256 cap = n + e.earlier.length;
        Shown memory shown =
            Shown(new address[](cap), new bytes32[](cap), new uint256[](cap), n, 0, false, reg.params.minStake);
        for (uint256 i = 0; i < n; ++i) {
            Validator memory v = reg.validators[i];
            (shown.operators[i], shown.keys[i], shown.powers[i]) = (v.operator, keccak256(v.blsPubkey), v.power);
        }
        uint256 after_ = _position(e.registration.height, e.registration.txIndex);
        for (uint256 i = 0; i < e.earlier.length; ++i) {
            IncludedTx calldata x = e.earlier[i];
            after_ = _after(after_, x);
            Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
            uint8 kind = _childKind(t, child);
            if (kind == uint8(TxKind.BondChild)) {
                ChildBond memory b = abi.decode(t.data, (ChildBond));
                shown.operators[shown.members] = _firstSigner(separator, x.inclusion.signedTx);
                (shown.keys[shown.members], shown.powers[shown.members++]) =
                (keccak256(b.blsPubkey), b.amount / POWER_UNIT);
            } else if (kind == ExitGame.CHILD_CHECKPOINT) {
                uint64 h = abi.decode(t.data, (LinkedCheckpoint)).checkpoint.header.height;
                if (h > shown.highestCheckpoint) shown.highestCheckpoint = h;
            } else if (kind == ExitGame.PROVE_CHILD_FRAUD) {
                shown.frozen = true;
            } else {
                revert WrongKind(kind);
            }
        }
        _after(after_, e.refused);
        Transaction calldata r =
            ExitGame.included(chainId, anchor, e.refused.inclusion, e.refused.height, e.refused.txIndex);
        uint8 k = _childKind(r, child);
        bool refused;
        if (k == uint8(TxKind.BondChild)) {
            refused = shown.frozen || _refusesBond(shown, _firstSigner(separator, e.refused.inclusion.signedTx), r);
        } else if (k == ExitGame.CHILD_CHECKPOINT) {
            BlockHeader memory h = abi.decode(r.data, (LinkedCheckpoint)).checkpoint.header;
            refused = shown.frozen || h.height <= shown.highestCheckpoint
                || h.timestamp > e.refused.inclusion.header.timestamp + MAX_CLOCK_DRIFT;
        } else if (k == uint8(TxKind.DepositToChild) || k == uint8(TxKind.StakeChild)) {
            refused = shown.frozen;
        } else if (k == ExitGame.CHALLENGE_CHILD_EXIT || k == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT) {
            // A challenge pays exactly the exit's bond, the child's for good, to a beneficiary.
            refused = !_paysBond(r, k, reg.params.exitBond);
        } else if (k == uint8(TxKind.StartChildExit)) {
            // Its claim is proven under the anchor it names, by who signed its first input.
            refused = !_claimHolds(r, _firstSigner(separator, e.refused.inclusion.signedTx));
        } else if (k == ExitGame.PROVE_CHILD_FRAUD) {
            // Its prover signed it, whatever it proves: no proposer may rewrite who is paid.
            refused = !_proverSigned(separator, r);
        } else {
            revert WrongKind(k);
        }
        if (!refused) revert RecordAllows();
        return e.refused.height;
    }

    /// @notice A child checkpoint, included, that its certificate does not certify against the
    /// set its header names (`ev`, the ABI encoding of `UncertifiedCheckpointEvidence`;
    /// `ledger::fraud::verify_uncertified_checkpoint`): whether that set is the child's active
    /// one or not, the parent had to refuse it. The child's votes are in its vote domain, under
    /// the parent's at the root contract `root`.
    function uncertifiedCheckpoint(uint64 chainId, address root, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        bytes32 parent = Votes.ofRootChild(root, chainId);
        return this.uncertifiedCheckpointOf(chainId, parent, anchor, abi.decode(ev, (UncertifiedCheckpointEvidence)));
    }

    /// @notice `uncertifiedCheckpoint`, on the decoded evidence; `parent` is the vote domain
    /// of chain `chainId`.
    function uncertifiedCheckpointOf(
        uint64 chainId,
        bytes32 parent,
        BlockHeader calldata anchor,
        UncertifiedCheckpointEvidence calldata e
    ) external view returns (uint64) {
        IncludedTx calldata x = e.checkpoint;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        if (t.kind != ExitGame.CHILD_CHECKPOINT) revert WrongKind(t.kind);
        Checkpoint memory cp = abi.decode(t.data, (LinkedCheckpoint)).checkpoint;
        if (keccak256(abi.encode(e.namedSet)) != cp.header.validatorSetHash) revert NotTheNamedSet();
        if (_certifies(e.namedSet, cp, Votes.child(parent, cp.header.chainId))) revert Certified();
        return x.height;
    }

    /// Whether `cp`'s certificate certifies its header against `set` in vote domain `domain`
    /// (`ledger::certificate::ValidatorSet::verify_checkpoint`; a set that is no set certifies
    /// nothing).
    function _certifies(Validator[] calldata set, Checkpoint memory cp, bytes32 domain) private view returns (bool) {
        CommitCertificate memory c = cp.certificate;
        uint256 n = set.length;
        bytes memory bitmap = c.signerBitmap;
        if (c.height != cp.header.height || c.blockHash != keccak256(abi.encode(cp.header))) return false;
        if (n == 0 || n > MAX_VALIDATORS || bitmap.length != (n + 7) / 8) return false;
        if (n % 8 != 0 && uint8(bitmap[n / 8]) >> (n % 8) != 0) return false;
        uint256 total;
        uint256 signed;
        bytes memory apk;
        for (uint256 i = 0; i < n; ++i) {
            Validator calldata v = set[i];
            if (v.power == 0 || v.blsPubkey.length != BLS.G2_LEN) return false;
            total += v.power;
            if ((uint8(bitmap[i / 8]) >> (i % 8)) & 1 == 1) {
                signed += v.power;
                apk = apk.length == 0 ? v.blsPubkey : BLS.g2Add(apk, v.blsPubkey);
            }
        }
        if (3 * signed <= 2 * total || c.aggregateSignature.length != BLS.G1_LEN) return false;
        bytes memory message = abi.encode(Vote(domain, c.height, c.round, PRECOMMIT, c.blockHash));
        (bool valid, bool holds) = BLS.tryPairing2(c.aggregateSignature, BLS.hashToG1(message, BLS.VOTE_DST), apk);
        return valid && holds;
    }

    /// Whether a bond by `operator` (`t`) names an operator or key ever bonded, stakes less than
    /// the child's minimum, joins a full set whose least power is no less than its own (when
    /// `MAX_CHILD_VALIDATORS` members shown have as much: a member loses its seat only to more
    /// power, so the set holds the most powerful of every member ever), or proves no
    /// possession of its key (`ledger::fraud::record`).
    function _refusesBond(Shown memory shown, address operator, Transaction calldata t) private view returns (bool) {
        ChildBond memory bond = abi.decode(t.data, (ChildBond));
        if (bond.amount < shown.minStake) return true;
        bytes32 key = keccak256(bond.blsPubkey);
        uint256 power = bond.amount / POWER_UNIT;
        uint256 outbid;
        for (uint256 i = 0; i < shown.members; ++i) {
            if (shown.operators[i] == operator || shown.keys[i] == key) return true;
            if (shown.powers[i] >= power) ++outbid;
        }
        return outbid >= MAX_CHILD_VALIDATORS || !form.possessed(operator, bond.blsPubkey, bond.proofOfPossession);
    }

    /// @notice An exit start of a child's output, or a challenge of an exit of a deposit into
    /// the child, or a fraud proof against it, whose acceptance does not show its anchor
    /// accepted in an earlier block of the parent (`ev`, the ABI encoding of
    /// `UnacceptedAnchorEvidence`; `ledger::fraud::verify_unaccepted_anchor`): the parent's
    /// block at the acceptance's height is proven in the anchor's history, and the acceptance
    /// judged against it; or such a fraud proof, accepted, whose anchor signers are not those
    /// of the certificate its acceptance carries.
    function unacceptedAnchor(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unacceptedAnchorOf(chainId, anchor, abi.decode(ev, (UnacceptedAnchorEvidence)));
    }

    /// @notice `unacceptedAnchor`, on the decoded evidence.
    function unacceptedAnchorOf(uint64 chainId, BlockHeader calldata anchor, UnacceptedAnchorEvidence calldata e)
        external
        view
        returns (uint64)
    {
        IncludedTx calldata s = e.start;
        Transaction calldata t = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
        (uint64 childId, BlockHeader memory childAnchor, Acceptance memory a) = _anchored(t);
        uint64 named = a.header.height;
        bool known = named != 0 && named < s.height;
        if (known) Merkle.verifyHistory(e.blockHash, named, e.historyProof, anchor.historyRoot);
        uint256 before = gasleft();
        try this.acceptance(chainId, childId, childAnchor, a, known ? e.blockHash : bytes32(0), known) {
            // Accepted; a fraud proof still shows its anchor signed by whom it was accepted from.
            if (!_otherSigners(t, a)) revert Accepted();
        } catch {
            if (gasleft() <= before / 64) revert ClaimCheckOutOfGas();
        }
        return s.height;
    }

    /// @notice An exit start of a child's output, a challenge of an exit of a deposit into the
    /// child, a fraud proof against it, or a payout in full of an exit by the start it names
    /// (`voided`, with that start), standing at or above the height an
    /// earlier fraud proof against the child (`fraud`) is shown under (`ev`, the ABI encoding
    /// of `VoidedAnchorEvidence`; `ledger::fraud::verify_voided_anchor`). That proof froze the
    /// child with its rollback at or below the block it convicts, itself at or below that
    /// height, with no checkpoint the parent accepted between: the later transaction stands on
    /// a voided checkpoint.
    function voidedAnchor(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.voidedAnchorOf(chainId, anchor, abi.decode(ev, (VoidedAnchorEvidence)));
    }

    /// @notice `voidedAnchor`, on the decoded evidence.
    function voidedAnchorOf(uint64 chainId, BlockHeader calldata anchor, VoidedAnchorEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        (IncludedTx calldata f, IncludedTx calldata v) = (e.fraud, e.voided);
        Transaction calldata fraud = ExitGame.included(chainId, anchor, f.inclusion, f.height, f.txIndex);
        Transaction calldata voided = ExitGame.included(chainId, anchor, v.inclusion, v.height, v.txIndex);
        if (fraud.kind != ExitGame.PROVE_CHILD_FRAUD) revert WrongKind(fraud.kind);
        if (_position(f.height, f.txIndex) >= _position(v.height, v.txIndex)) revert NotBefore();
        if (voided.kind == uint8(TxKind.ExitPayout)) voided = _paidStart(chainId, anchor, voided, e.start);
        (uint64 child, uint64 frozenFrom) = _shownHeight(fraud);
        (uint64 named, uint64 standingAt) = _shownHeight(voided);
        if (named != child) revert NotTheChild(named, child);
        if (standingAt < frozenFrom) revert BelowTheFraud();
        return v.height;
    }

    /// @notice A cancellation of a child's exit, included, whose anchor the fraud proof its link
    /// names did not void (`ev`, the ABI encoding of `CancellationEvidence`;
    /// `ledger::fraud::verify_unfounded_cancellation`): the link (`escrowHeight`/`escrowIndex`:
    /// where the parent heard the latest fraud proof against the child) is not below it,
    /// names nothing, or names no fraud proof against the child, or one shown above the anchor
    /// of the `StartChildExit` the cancellation names; or a later fraud proof against the child
    /// stands between them (each shows below the one before, so the link names the latest).
    function unfoundedCancellation(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.unfoundedCancellationOf(chainId, anchor, abi.decode(ev, (CancellationEvidence)));
    }

    /// @notice `unfoundedCancellation`, on the decoded evidence.
    function unfoundedCancellationOf(uint64 chainId, BlockHeader calldata anchor, CancellationEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        IncludedTx calldata x = e.link.linking;
        Transaction calldata t = ExitGame.included(chainId, anchor, x.inclusion, x.height, x.txIndex);
        ExitPayoutClaim memory claim = _claim(t);
        if (!claim.cancels) revert WrongKind(t.kind);
        uint256 link = _position(claim.escrowHeight, claim.escrowIndex);
        uint256 at = _position(x.height, x.txIndex);
        if (ParentLinks.unreachable(link, at)) return x.height;
        IncludedTx calldata s = e.link.shown;
        if (e.link.shows == SHOWS_LINKED) {
            Transaction calldata l =
                ExitGame.included(chainId, anchor, s.inclusion, claim.escrowHeight, claim.escrowIndex);
            (bool against, uint64 frozenFrom) = _shownAgainst(l, claim.childChainId);
            if (!against) return x.height;
            (, BlockHeader memory standing,) = _anchored(_namedStart(chainId, anchor, claim, e.start));
            if (frozenFrom > standing.height) return x.height;
            revert Follows();
        }
        if (e.link.shows == SHOWS_NOTHING) {
            ParentLinks.nothingAt(chainId, anchor, link, s);
            return x.height;
        }
        if (e.link.shows == SHOWS_LATER) {
            Transaction calldata l = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
            (bool against,) = _shownAgainst(l, claim.childChainId);
            if (against && ParentLinks.between(link, _position(s.height, s.txIndex), at)) return x.height;
            revert NotLater();
        }
        revert NoSuchShowing(e.link.shows);
    }

    /// Whether `t` is a fraud proof against `child`, and the height it is shown under
    /// (`ledger::fraud::cancellation::shown_against`).
    function _shownAgainst(Transaction calldata t, uint64 child) private pure returns (bool, uint64) {
        if (t.kind != ExitGame.PROVE_CHILD_FRAUD) return (false, 0);
        (uint64 named, uint64 height) = _shownHeight(t);
        return (named == child, height);
    }

    /// `t`'s payout claim, ten words (`ledger::types::EXIT_PAYOUT_CLAIM_BYTES`) as the ledger
    /// decodes it.
    function _claim(Transaction calldata t) private pure returns (ExitPayoutClaim memory) {
        if (t.kind != uint8(TxKind.ExitPayout) || t.data.length != 10 * 32) revert WrongKind(t.kind);
        return abi.decode(t.data, (ExitPayoutClaim));
    }

    /// The `StartChildExit` the payout `t` (not a cancellation) names, `s`, on whose anchor its
    /// exit stands (`ledger::fraud::accepted::paid_start`).
    function _paidStart(uint64 chainId, BlockHeader calldata anchor, Transaction calldata t, IncludedTx calldata s)
        private
        pure
        returns (Transaction calldata)
    {
        ExitPayoutClaim memory claim = _claim(t);
        if (claim.cancels) revert WrongKind(t.kind);
        return _namedStart(chainId, anchor, claim, s);
    }

    /// The `StartChildExit` of the child `claim` names, shown at the place it names (`s`)
    /// (`ledger::fraud::accepted::named_start`).
    function _namedStart(
        uint64 chainId,
        BlockHeader calldata anchor,
        ExitPayoutClaim memory claim,
        IncludedTx calldata s
    ) private pure returns (Transaction calldata started) {
        if (s.height != claim.startHeight || s.txIndex != claim.startIndex) {
            revert NotTheStart();
        }
        started = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
        if (started.kind != uint8(TxKind.StartChildExit)) revert NotTheStart();
        if (abi.decode(started.data, (ChildExitStart)).childChainId != claim.childChainId) revert NotTheStart();
    }

    /// The child `t` names and the height of its checkpoint `t` stands on: an exit start's or
    /// deposit-exit challenge's anchor, a fraud proof's anchor or equivocation
    /// (`ledger::fraud::accepted::shown_height`).
    function _shownHeight(Transaction calldata t) private pure returns (uint64, uint64) {
        if (t.kind == ExitGame.PROVE_CHILD_FRAUD) {
            ChildFraudProof memory c = abi.decode(t.data, (ChildFraudProof));
            if (c.proof.kind == uint8(FraudKind.Equivocation)) {
                return (c.childChainId, abi.decode(c.proof.evidence, (EquivocationEvidence)).a.height);
            }
        }
        (uint64 child, BlockHeader memory childAnchor,) = _anchored(t);
        return (child, childAnchor.height);
    }

    /// The child `t` names, the child checkpoint it stands on and where it shows the parent
    /// accepted it: an exit start's anchor, a deposit-exit challenge's, or an anchored fraud
    /// proof's (`ledger::fraud::accepted::anchored`).
    function _anchored(Transaction calldata t) private pure returns (uint64, BlockHeader memory, Acceptance memory) {
        if (t.kind == uint8(TxKind.StartChildExit)) {
            ChildExitStart memory start = abi.decode(t.data, (ChildExitStart));
            return (start.childChainId, start.anchor, start.acceptance);
        }
        if (t.kind == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT) {
            ChildDepositExitChallenge memory c = abi.decode(t.data, (ChildDepositExitChallenge));
            return (c.childChainId, c.anchor, c.acceptance);
        }
        if (t.kind == ExitGame.PROVE_CHILD_FRAUD) {
            ChildFraudProof memory f = abi.decode(t.data, (ChildFraudProof));
            if (f.proof.kind != uint8(FraudKind.Equivocation)) return (f.childChainId, f.proof.anchor, f.acceptance);
        }
        revert WrongKind(t.kind);
    }

    /// @notice Reverts unless `a` shows `anchor`, a block of `child`, accepted by chain
    /// `chainId` in its block `blockHash` (`known`: the chain has a block at that height below
    /// the judging one) (`ledger::acceptance::verify_acceptance`). External for
    /// `unacceptedAnchorOf`'s `try`.
    function acceptance(
        uint64 chainId,
        uint64 child,
        BlockHeader calldata anchor,
        Acceptance calldata a,
        bytes32 blockHash,
        bool known
    ) external pure {
        if (
            anchor.chainId != child || a.header.chainId != chainId || !known
                || PlasmaTx.blockHash(a.header) != blockHash
        ) {
            revert NotAccepted();
        }
        Merkle.verify(Merkle.leafHash(abi.encode(a.checkpoint)), a.txProof, a.header.txRoot);
        Transaction calldata t = a.checkpoint.transaction;
        if (t.kind != ExitGame.CHILD_CHECKPOINT) revert NotAccepted();
        Checkpoint memory c = abi.decode(t.data, (LinkedCheckpoint)).checkpoint;
        if (keccak256(abi.encode(c.header)) != PlasmaTx.blockHash(anchor)) revert NotAccepted();
    }

    /// @notice Reverts unless `start`'s claim is proven under its own anchor by `claimant`
    /// (`ExitGame.verifyExitStart`). External for `childRecordOf`'s `try`.
    function exitClaim(ChildExitStart calldata start, address claimant) external pure {
        ExitGame.verifyExitStart(start.childChainId, start.anchor, start.pos, start.inclusion, claimant);
    }

    /// Whether the exit start `t`'s claim is proven under its own anchor by `claimant`. A check
    /// that ran out of gas is no verdict (the prover chooses the gas).
    function _claimHolds(Transaction calldata t, address claimant) private view returns (bool) {
        ChildExitStart memory start = abi.decode(t.data, (ChildExitStart));
        uint256 before = gasleft();
        try this.exitClaim(start, claimant) {
            return true;
        } catch {
            if (gasleft() <= before / 64) revert ClaimCheckOutOfGas();
            return false;
        }
    }

    /// Whether the challenge `t` (of kind `kind`) pays exactly `bond` in ETH to its
    /// beneficiary, and names one (`children::exits::challenged`).
    function _paysBond(Transaction calldata t, uint8 kind, uint256 bond) private pure returns (bool) {
        address beneficiary = kind == ExitGame.CHALLENGE_CHILD_EXIT
            ? abi.decode(t.data, (ChildExitChallenge)).beneficiary
            : abi.decode(t.data, (ChildDepositExitChallenge)).beneficiary;
        if (beneficiary == address(0)) return false;
        if (bond == 0) return t.outputs.length == 0;
        return t.outputs.length == 1 && t.outputs[0].owner == beneficiary && t.outputs[0].token == address(0)
            && t.outputs[0].amount == bond;
    }

    /// The kind of `t`, a transaction of child `child` (`ledger::fraud::record::child_tx`).
    function _childKind(Transaction calldata t, uint64 child) private pure returns (uint8 kind) {
        kind = t.kind;
        uint64 named;
        if (kind == uint8(TxKind.BondChild)) {
            named = abi.decode(t.data, (ChildBond)).childChainId;
        } else if (kind == ExitGame.CHILD_CHECKPOINT) {
            named = abi.decode(t.data, (LinkedCheckpoint)).checkpoint.header.chainId;
        } else if (kind == ExitGame.PROVE_CHILD_FRAUD) {
            named = abi.decode(t.data, (ChildFraudProof)).childChainId;
        } else if (kind == uint8(TxKind.DepositToChild)) {
            named = abi.decode(t.data, (ChildDeposit)).childChainId;
        } else if (kind == uint8(TxKind.StakeChild)) {
            named = abi.decode(t.data, (ChildStake)).childChainId;
        } else if (kind == ExitGame.CHALLENGE_CHILD_EXIT) {
            named = abi.decode(t.data, (ChildExitChallenge)).childChainId;
        } else if (kind == uint8(TxKind.StartChildExit)) {
            named = abi.decode(t.data, (ChildExitStart)).childChainId;
        } else if (kind == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT) {
            named = abi.decode(t.data, (ChildDepositExitChallenge)).childChainId;
        } else {
            revert WrongKind(kind);
        }
        if (named != child) revert NotTheChild(named, child);
    }

    /// Who signed `stx`'s first input: a bond's operator, an exit start's claimant.
    function _firstSigner(bytes32 separator, SignedTransaction calldata stx) private pure returns (address op) {
        if (stx.signatures.length != 0) {
            op = PlasmaTx.recover(PlasmaTx.signingHash(separator, stx.transaction), stx.signatures[0]);
        }
        if (op == address(0)) revert NoOperator();
    }

    /// Whether `t` is a fraud proof whose anchor certificate's signers are not those of the
    /// certificate its acceptance `a` carries, which the parent slashes
    /// (`ledger::fraud::accepted`).
    function _otherSigners(Transaction calldata t, Acceptance memory a) private pure returns (bool) {
        if (t.kind != ExitGame.PROVE_CHILD_FRAUD) return false;
        bytes memory shown = abi.decode(t.data, (ChildFraudProof)).proof.anchorCertificate.signerBitmap;
        LinkedCheckpoint memory accepted = abi.decode(a.checkpoint.transaction.data, (LinkedCheckpoint));
        return keccak256(shown) != keccak256(accepted.checkpoint.certificate.signerBitmap);
    }

    /// Whether the prover a fraud proof `t` names signed it: `keccak256(0x1901 ‖ separator ‖
    /// keccak256(abi.encode(childChainId, proof, prover)))` (`ledger::children::prover_digest`).
    function _proverSigned(bytes32 separator, Transaction calldata t) private pure returns (bool) {
        ChildFraudProof memory c = abi.decode(t.data, (ChildFraudProof));
        bytes32 named = keccak256(abi.encode(c.childChainId, c.proof, c.prover));
        address signer =
            PlasmaTx.recoverMemory(keccak256(abi.encodePacked(hex"1901", separator, named)), c.proverSignature);
        return signer != address(0) && signer == c.prover;
    }

    /// `(height, txIndex)` as one number that orders positions.
    function _position(uint64 height, uint32 txIndex) private pure returns (uint256) {
        return (uint256(height) << 32) | txIndex;
    }

    /// The position of `x`, which must come after `prev`.
    function _after(uint256 prev, IncludedTx calldata x) private pure returns (uint256 p) {
        p = _position(x.height, x.txIndex);
        if (p <= prev) revert OutOfOrder(x.height, x.txIndex);
    }
}
