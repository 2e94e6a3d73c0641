// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {PlasmaTx} from "./lib/PlasmaTx.sol";
import {Merkle} from "./lib/Merkle.sol";
import {FormVerifier} from "./FormVerifier.sol";
import {ChildVerifier} from "./ChildVerifier.sol";
import {LinkVerifier} from "./LinkVerifier.sol";

/// What `FraudVerifier` reads of the root: its checkpoint of a chain at a height (zero: none).
interface RootCheckpoints {
    function checkpoints(uint64 chainId, uint64 height) external view returns (bytes32);
}

/// @title FraudVerifier
/// @notice Stateless judge of fraud evidence, one function per kind, mirroring
/// `ledger::fraud`. Each returns the height of the first invalid block or reverts with why the
/// evidence shows no fraud. `PlasmaRoot` checks the anchor and the parent's own records; this
/// contract holds no state and is deployed once beside it (it keeps the root under the
/// contract size limit).
contract FraudVerifier {
    /// The judge of a transaction's form (`malformedTransaction` asks it).
    FormVerifier public immutable form;
    /// The judge of the kinds about a plasma parent's record of its children, created with
    /// this contract (both would not fit one).
    ChildVerifier public immutable child;
    /// The judge of the kinds about a plasma parent's transaction standing on an earlier one it
    /// names (a child's checkpoints, challenges of a child's exits), deployed before this
    /// contract (creating it here too would pass the creation-code limit).
    LinkVerifier public immutable links;

    /// The `LinkVerifier` given holds no code.
    error NoLinkVerifier();

    /// @param form_ The deployed `FormVerifier`.
    /// @param links_ The deployed `LinkVerifier`.
    constructor(FormVerifier form_, LinkVerifier links_) {
        if (address(links_).code.length == 0) revert NoLinkVerifier();
        form = form_;
        child = new ChildVerifier(form_);
        links = links_;
    }

    /// Both spends are the same input of the same transaction.
    error SameSpend();
    /// The spends consume different outputs.
    error DifferentOutputs();
    /// The evidence names an input the transaction does not have.
    error NoSuchInput(uint256 index);
    /// The transaction's kind cannot commit this fraud.
    error WrongKind(uint8 kind);
    /// `childKind` was handed a kind that is not about a parent's record of its children.
    error NotAChildKind(uint8 kind);
    /// The input proofs do not match the transaction's inputs.
    error InputProofMismatch(uint256 index);
    /// The creating transaction has no such output: prove a nonexistent input instead.
    error InputMissing(uint256 index);
    /// Honest: the signature is valid.
    error SignatureValid();
    /// Honest: no asset gains value.
    error Conserved();
    /// Honest: the input exists.
    error InputExists();
    /// The proof does not show the block's last transaction.
    error NotLastTransaction();
    /// Honest: the two mints are of different deposits.
    error DifferentDeposits();
    /// Honest: the deposit matches the parent's record.
    error DepositMatches();
    /// The evidence's parent record is of another nonce than the minted deposit.
    error WrongParentRecord(uint64 minted, uint64 given);
    /// Unknown `MissingInputKind`.
    error UnknownMissingInputKind(uint8 how);
    /// The earlier checkpoint is not below the anchor.
    error NotEarlier(uint64 earlier, uint64 anchor);
    /// Honest: the later checkpoint's history holds the earlier checkpoint.
    error HistoriesAgree();
    /// Honest: the header names its set, changes it only at an epoch end, and its proposer is a
    /// member.
    error ScheduleKept();
    /// The witness is not below the broken header.
    error NotBelow(uint64 witness, uint64 broken);
    /// A parent link is only compared between neighbouring heights.
    error NotParent(uint64 witness, uint64 broken);
    /// The slot at height 0 holds no block under any history: no leaf stands there.
    error EmptySlot();
    /// Honest: the transaction is well formed.
    error WellFormed();
    /// The registration shown registers another child than the exit start names.
    error NotTheChild(uint64 named, uint64 registered);
    /// Only an exit start bonds, and at most one registration shows its bond.
    error UnexpectedRegistration();
    /// The two registrations register different children.
    error DifferentChildren();

    /// The most transactions a block may hold (`ledger::types::MAX_BLOCK_TXS`).
    uint256 internal constant MAX_BLOCK_TXS = 1 << 16;

    /// What a deposit-mismatch verdict relied on from the parent: the record of `nonce`
    /// (when `known`), which the parent must confirm against its own storage.
    struct ParentLookup {
        bool known;
        uint64 nonce;
    }

    /// @notice Two included transactions (or two inputs of one) consume the same output; the
    /// later block is invalid.
    function doubleSpend(uint64 chainId, BlockHeader calldata anchor, DoubleSpendEvidence calldata e)
        external
        pure
        returns (uint64 height)
    {
        SpendProof calldata a = e.a;
        SpendProof calldata b = e.b;
        if (a.height == b.height && a.txIndex == b.txIndex && a.inputIndex == b.inputIndex) revert SameSpend();
        uint256 pa = PlasmaTx.packed(_spent(chainId, anchor, a));
        uint256 pb = PlasmaTx.packed(_spent(chainId, anchor, b));
        if (pa != pb) revert DifferentOutputs();
        return a.height > b.height ? a.height : b.height;
    }

    /// @notice An included transaction spends an output without its owner's valid signature.
    function invalidSignature(
        uint64 chainId,
        bytes32 separator,
        BlockHeader calldata anchor,
        InvalidSignatureEvidence calldata e
    ) external pure returns (uint64) {
        UtxoPos memory pos = _spent(chainId, anchor, e.spend);
        address owner = _provenOutput(chainId, anchor, pos, e.creating, e.spend.inputIndex).owner;
        SignedTransaction calldata stx = e.spend.inclusion.signedTx;
        if (e.spend.inputIndex < stx.signatures.length) {
            address signer =
                PlasmaTx.recover(PlasmaTx.signingHash(separator, stx.transaction), stx.signatures[e.spend.inputIndex]);
            if (signer != address(0) && signer == owner) revert SignatureValid();
        }
        return e.spend.height;
    }

    /// @notice An included transaction's outputs (plus what it locks into a child's escrow,
    /// stakes or bonds) differ from its inputs in some asset: more is inflation, less is value
    /// destroyed, both refused by the ledger. A `StartChildExit` or `StartChildDepositExit`
    /// bonds its child's exit bond, which it does not carry: shown by the child's registration
    /// (`InflationEvidence.registration`), its ETH must balance with the bond; unshown, its
    /// outputs alone must not exceed its inputs. `ev` is the evidence's ABI encoding (what
    /// `RootModule` holds).
    function inflation(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev) external view returns (uint64) {
        return this.inflationOf(chainId, anchor, abi.decode(ev, (InflationEvidence)));
    }

    /// @notice `inflation`, on the decoded evidence.
    function inflationOf(uint64 chainId, BlockHeader calldata anchor, InflationEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        Transaction calldata t = ExitGame.included(chainId, anchor, e.spend, e.height, e.txIndex);
        (bool lock, address lockedToken, uint256 lockedAmount) = _valueLocked(t);
        if (e.inputs.length != t.inputs.length) {
            revert InputProofMismatch(e.inputs.length < t.inputs.length ? e.inputs.length : t.inputs.length);
        }
        bool bonds = t.kind == uint8(TxKind.StartChildExit) || t.kind == uint8(TxKind.StartChildDepositExit);
        bool shown = e.registration.length != 0;
        if (shown && (!bonds || e.registration.length > 1)) revert UnexpectedRegistration();
        uint256 bond = shown ? _exitBond(chainId, anchor, t, e.registration[0]) : 0;
        // Assets in play: at most 4 inputs + 4 outputs + 1 lock (+ a bond in ETH), so linear
        // scans are cheap.
        uint256 n = t.outputs.length + (lock ? 1 : 0);
        address[] memory tokens = new address[](n + 1);
        uint256[] memory produced = new uint256[](n + 1);
        uint256 distinct;
        for (uint256 i = 0; i < n; ++i) {
            (address token, uint256 amount) =
                i < t.outputs.length ? (t.outputs[i].token, t.outputs[i].amount) : (lockedToken, lockedAmount);
            uint256 j = _slot(tokens, distinct, token);
            if (j == distinct) tokens[distinct++] = token;
            unchecked {
                uint256 sum = produced[j] + amount;
                if (sum < amount) return e.height; // overflow is unbounded creation
                produced[j] = sum;
            }
        }
        if (shown) {
            uint256 j = _slot(tokens, distinct, address(0));
            if (j == distinct) tokens[distinct++] = address(0);
            unchecked {
                uint256 sum = produced[j] + bond;
                if (sum < bond) return e.height;
                produced[j] = sum;
            }
        }
        // Unshown, an exit start's ETH may fall short by the bond it pays.
        bool mayFallShort = bonds && !shown;
        uint256[] memory consumed = new uint256[](distinct);
        for (uint256 i = 0; i < t.inputs.length; ++i) {
            Output memory out = _provenOutput(chainId, anchor, t.inputs[i], e.inputs[i], i);
            uint256 j = _slot(tokens, distinct, out.token);
            if (j < distinct) {
                uint256 sum = consumed[j] + out.amount;
                consumed[j] = sum < out.amount ? type(uint256).max : sum; // saturating
            } else if (out.amount != 0 && !(mayFallShort && out.token == address(0))) {
                return e.height; // an asset spent and not put out at all
            }
        }
        for (uint256 j = 0; j < distinct; ++j) {
            if (produced[j] > consumed[j]) return e.height;
            if (produced[j] < consumed[j] && !(mayFallShort && tokens[j] == address(0))) return e.height;
        }
        revert Conserved();
    }

    /// @notice An included transaction is invalid for its form alone, whatever the chain's
    /// state (`ledger::form::check_form`): an unknown kind; inputs, outputs or signatures in
    /// numbers its kind does not take; an output of zero or to the zero address; an asset's
    /// outputs (with what it locks, stakes or bonds) summing past 2^256; a payload that is not
    /// the canonical encoding its kind takes, or a lock of zero or to the zero address. Or it
    /// sits at an index past the most transactions a block may hold.
    function malformedTransaction(uint64 chainId, BlockHeader calldata anchor, MalformedTransactionEvidence calldata e)
        external
        view
        returns (uint64)
    {
        SignedTransaction calldata stx = e.inclusion.signedTx;
        ExitGame.included(chainId, anchor, e.inclusion, e.height, e.txIndex);
        if (e.txIndex >= MAX_BLOCK_TXS) return e.height; // past the most a block may hold
        if (form.wellFormed(stx)) revert WellFormed();
        return e.height;
    }

    /// @notice An included transaction spends an output that was never created.
    function nonexistentInput(uint64 chainId, BlockHeader calldata anchor, NonexistentInputEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        UtxoPos memory pos = _spent(chainId, anchor, e.spend);
        bool missing;
        if (e.how == uint8(MissingInputKind.NotYetCreated)) {
            missing = pos.blockHeight == 0 || pos.blockHeight > e.spend.height
                || (pos.blockHeight == e.spend.height && pos.txIndex >= e.spend.txIndex);
        } else if (e.how == uint8(MissingInputKind.NoSuchOutput)) {
            Transaction calldata creating = ExitGame.included(chainId, anchor, e.witness, pos.blockHeight, pos.txIndex);
            missing = creating.outputs.length <= pos.outputIndex;
        } else if (e.how == uint8(MissingInputKind.AfterLastTransaction)) {
            uint64 index = e.witness.txProof.index;
            if (index > type(uint32).max) revert NotLastTransaction();
            ExitGame.included(chainId, anchor, e.witness, pos.blockHeight, uint32(index));
            bytes32[] calldata siblings = e.witness.txProof.siblings;
            for (uint256 level = 0; level < siblings.length; ++level) {
                if ((index >> level) & 1 == 0 && siblings[level] != bytes32(0)) revert NotLastTransaction();
            }
            missing = pos.txIndex > index;
        } else if (e.how == uint8(MissingInputKind.EmptyBlock)) {
            ExitGame.verifyBlockInHistory(chainId, anchor, e.emptyHeader, e.emptyProof, pos.blockHeight);
            missing = e.emptyHeader.txRoot == bytes32(0);
        } else {
            revert UnknownMissingInputKind(e.how);
        }
        if (!missing) revert InputExists();
        return e.spend.height;
    }

    /// @notice An included `Deposit` mints something other than the parent's record of its
    /// nonce, or a nonce the parent never recorded (`depositCount` is how many it has). The
    /// caller must confirm `lookup` against its own records.
    function depositMismatch(
        uint64 chainId,
        BlockHeader calldata anchor,
        uint64 depositCount,
        DepositMismatchEvidence calldata e
    ) external pure returns (uint64 height, ParentLookup memory lookup) {
        MintProof calldata m = e.minted;
        Transaction calldata t = ExitGame.included(chainId, anchor, m.inclusion, m.height, m.txIndex);
        if (t.kind != uint8(TxKind.Deposit)) revert WrongKind(t.kind);
        height = m.height;
        (bool ok, DepositRecord memory record) = PlasmaTx.tryDecodeDepositRecord(t.data);
        if (!ok) return (height, lookup); // an undecodable mint matches no record
        // A mint outside its header's deposit range.
        BlockHeader calldata header = m.inclusion.header;
        if (record.nonce < header.depositNonceStart || record.nonce >= header.depositNonceEnd) {
            return (height, lookup);
        }
        if (record.nonce >= depositCount) return (height, lookup); // the parent has no such deposit
        if (e.parentRecord.nonce != record.nonce) revert WrongParentRecord(record.nonce, e.parentRecord.nonce);
        lookup = ParentLookup({known: true, nonce: record.nonce});
        DepositRecord memory parent = e.parentRecord;
        bool matches = record.chainId == chainId && keccak256(abi.encode(record)) == keccak256(abi.encode(parent))
            && t.inputs.length == 0 && t.outputs.length == 1 && t.outputs[0].owner == record.recipient
            && t.outputs[0].token == record.token && t.outputs[0].amount == record.amount;
        if (matches) revert DepositMatches();
    }

    /// @notice One child registered by two included transactions (`ev`, the ABI encoding of
    /// `DoubleRegistrationEvidence`): the later block is invalid. Registered again, a child's
    /// record would start over (its first set, no checkpoint, not frozen).
    function doubleRegistration(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        return this.doubleRegistrationOf(chainId, anchor, abi.decode(ev, (DoubleRegistrationEvidence)));
    }

    /// @notice `doubleRegistration`, on the decoded evidence.
    function doubleRegistrationOf(uint64 chainId, BlockHeader calldata anchor, DoubleRegistrationEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        if (e.a.height == e.b.height && e.a.txIndex == e.b.txIndex) revert SameSpend();
        (uint64 a,) = ExitGame.registered(chainId, anchor, e.a);
        (uint64 b,) = ExitGame.registered(chainId, anchor, e.b);
        if (a != b) revert DifferentChildren();
        return e.a.height > e.b.height ? e.a.height : e.b.height;
    }

    /// @notice The kinds about a plasma parent's record of its children (`kind` from
    /// `ChildRecord` on), judged by `ChildVerifier`: a child's transaction the record refuses
    /// (`childRecord`), a child checkpoint its certificate does not certify
    /// (`uncertifiedCheckpoint`), an exit under a checkpoint never accepted
    /// (`unacceptedAnchor`); and by `LinkVerifier`: a child checkpoint that cannot follow what
    /// its link names (`checkpointSuccession`), a challenge or payout of a child's exit that the
    /// start it names does not found (`unfoundedSettlement`), a payout of a child's exit not
    /// owed yet, or not that much (`overdrawnPayout`), a start of an exit queued or settled
    /// already (`repeatedExit`), a start of an exit from the deposit record that no lock
    /// founds (`unfoundedDepositExit`), a lock into a child never registered
    /// (`unregisteredChild`), a stake, bond or fraud proof its child's stakes do not found
    /// (`unfoundedStake`), a lock or payout its child's escrow does not found
    /// (`unfoundedEscrow`), a transaction under a checkpoint a fraud proof voided
    /// (`voidedAnchor`), a cancellation of an exit the fraud proof it names did not void
    /// (`unfoundedCancellation`). `root` is the root contract, whose signing
    /// domains the chain and its children sign under.
    function childKind(FraudKind kind, uint64 chainId, address root, BlockHeader calldata anchor, bytes calldata ev)
        external
        view
        returns (uint64)
    {
        if (kind == FraudKind.ChildRecord) {
            return child.childRecord(chainId, PlasmaTx.domainSeparator(chainId, root), anchor, ev);
        }
        if (kind == FraudKind.UncertifiedCheckpoint) return child.uncertifiedCheckpoint(chainId, root, anchor, ev);
        if (kind == FraudKind.UnacceptedAnchor) return child.unacceptedAnchor(chainId, anchor, ev);
        if (kind == FraudKind.VoidedAnchor) return child.voidedAnchor(chainId, anchor, ev);
        if (kind == FraudKind.UnfoundedCancellation) return child.unfoundedCancellation(chainId, anchor, ev);
        if (kind == FraudKind.CheckpointSuccession) return links.checkpointSuccession(chainId, anchor, ev);
        if (kind == FraudKind.UnfoundedSettlement) return links.unfoundedSettlement(chainId, root, anchor, ev);
        if (kind == FraudKind.OverdrawnPayout) return links.overdrawnPayout(chainId, anchor, ev);
        if (kind == FraudKind.RepeatedExit) return links.repeatedExit(chainId, anchor, ev);
        if (kind == FraudKind.UnfoundedDepositExit) return links.unfoundedDepositExit(chainId, root, anchor, ev);
        if (kind == FraudKind.UnregisteredChild) return links.unregisteredChild(chainId, anchor, ev);
        if (kind == FraudKind.UnfoundedStake) return links.unfoundedStake(chainId, anchor, ev);
        if (kind == FraudKind.UnfoundedEscrow) return links.unfoundedEscrow(chainId, anchor, ev);
        revert NotAChildKind(uint8(kind));
    }

    /// @notice One parent deposit minted by two included transactions, or, in one block, a
    /// mint not above one before it (a block mints in nonce order); the later block is
    /// invalid.
    function doubleMint(uint64 chainId, BlockHeader calldata anchor, DoubleMintEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        if (e.a.height == e.b.height && e.a.txIndex == e.b.txIndex) revert SameSpend();
        uint64 na = _mintNonce(chainId, anchor, e.a);
        uint64 nb = _mintNonce(chainId, anchor, e.b);
        if (na != nb) {
            if (e.a.height != e.b.height) revert DifferentDeposits();
            // Within one block: the later transaction's nonce must not be the lower.
            bool aFirst = e.a.txIndex < e.b.txIndex;
            if (aFirst ? nb > na : na > nb) revert DifferentDeposits();
        }
        return e.a.height > e.b.height ? e.a.height : e.b.height;
    }

    /// @notice Two checkpoints disagree about a block at height j <= h = `e.earlier.height`:
    /// the later `anchor` proves through its history root that its own block at j is `e.shown`,
    /// and `e.earlier` proves through its own that its block at j is `e.ours` (`e.earlier`
    /// itself when j == h), another block. Checkpoints up to h stand; the later fork is void
    /// from h + 1 on. The caller must confirm that `e.earlier` is its stored checkpoint at h.
    /// Blocks below h are compared too: a history root is a Merkle root over arbitrary leaves,
    /// so a fabricated one can hold the real checkpoint at h and fake blocks below it.
    function conflictingCheckpoints(
        uint64 chainId,
        BlockHeader calldata anchor,
        ConflictingCheckpointsEvidence calldata e
    ) external pure returns (uint64) {
        uint64 h = e.earlier.height;
        if (h >= anchor.height) revert NotEarlier(h, anchor.height);
        uint64 j = e.ours.height;
        ExitGame.verifyBlockInHistory(chainId, e.earlier, e.ours, e.oursProof, j);
        ExitGame.verifyBlockInHistory(chainId, anchor, e.shown, e.historyProof, j);
        if (PlasmaTx.blockHash(e.shown) == PlasmaTx.blockHash(e.ours)) revert HistoriesAgree();
        return h + 1;
    }

    /// @notice The anchor's history holds `e.shown` at a height j below the anchor, and
    /// `e.certified` certifies another block at j: quorums signed two blocks for one height,
    /// one directly and one through a history root. Returns j, where the chain rolls back to.
    /// The caller must verify `e.certified` against the configuration that certified j, slash
    /// who signed both it and the anchor, and confirm that it holds no checkpoint at a height
    /// from j up to the anchor's.
    function historyEquivocation(uint64 chainId, BlockHeader calldata anchor, HistoryEquivocationEvidence calldata e)
        external
        pure
        returns (uint64 j)
    {
        j = e.certified.height;
        if (j >= anchor.height) revert NotEarlier(j, anchor.height);
        ExitGame.verifyBlockInHistory(chainId, anchor, e.shown, e.historyProof, j);
        if (PlasmaTx.blockHash(e.shown) == e.certified.blockHash) revert HistoriesAgree();
    }

    /// @notice The header of `ev` (`BrokenScheduleEvidence`, height j in the anchor's history)
    /// breaks the validator schedule against the set it shows: it names another set, changes
    /// its set off an epoch end of `epoch` blocks, or names a proposer outside it. Returns j and
    /// the shown set's hash; the caller must confirm that hash is its configuration's at j.
    function brokenSchedule(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev, uint64 epoch)
        external
        view
        returns (uint64 j, bytes32 shown)
    {
        return this.scheduleOf(chainId, anchor, abi.decode(ev, (BrokenScheduleEvidence)), epoch);
    }

    /// @notice `brokenSchedule`, on the decoded evidence.
    function scheduleOf(uint64 chainId, BlockHeader calldata anchor, BrokenScheduleEvidence calldata e, uint64 epoch)
        external
        pure
        returns (uint64 j, bytes32 shown)
    {
        BlockHeader calldata h = e.header;
        j = h.height;
        ExitGame.verifyBlockInHistory(chainId, anchor, h, e.historyProof, j);
        shown = keccak256(abi.encode(e.set));
        bool epochEnd = epoch > 0 && j % epoch == 0;
        if (h.validatorSetHash != shown || (h.nextValidatorSetHash != shown && !epochEnd)) return (j, shown);
        for (uint256 i = 0; i < e.set.length; ++i) {
            if (e.set[i].operator == h.proposer) revert ScheduleKept();
        }
    }

    /// @notice `brokenHistoryOf` on `ev` (the ABI encoding of `BrokenHistoryEvidence`), as the
    /// root judges it: a contradiction at the witness's height, where `root` holds the witness
    /// as its own checkpoint, convicts the broken block instead (the checkpoint stands, and
    /// would refuse a rollback to its height).
    function brokenHistory(uint64 chainId, BlockHeader calldata anchor, bytes calldata ev, address root)
        external
        view
        returns (uint64 height)
    {
        BrokenHistoryEvidence memory e = abi.decode(ev, (BrokenHistoryEvidence));
        height = this.brokenHistoryOf(chainId, anchor, e);
        uint64 k = e.witness.height;
        if (height == k && k != 0 && RootCheckpoints(root).checkpoints(chainId, k) == keccak256(abi.encode(e.witness)))
        {
            height = e.broken.height;
        }
    }

    /// @notice The anchor's history contradicts itself: it holds `e.broken` at height b and
    /// `e.witness` at k < b, and `e.broken` names another block at k: its parent hash (k ==
    /// b - 1, `e.other` zero) or the leaf `e.other` that `e.underBroken` proves at k under its
    /// own history root; returns k. Or `e.broken` names its parent `e.witness` but breaks
    /// what a header owes its parent: a time before the parent's, deposits that do not start
    /// where the parent's ended, or a deposit range that ends before it starts; returns b.
    /// The first block's witness is the empty slot at height 0 (only its height is read, and
    /// no `e.other` stands there): the first block names no parent and its deposits start at
    /// 0; breaking that returns 1. The chain rolls back to the height returned, lifted by the
    /// caller to just above the highest checkpoint it holds from there up to the anchor's.
    function brokenHistoryOf(uint64 chainId, BlockHeader calldata anchor, BrokenHistoryEvidence calldata e)
        external
        pure
        returns (uint64)
    {
        uint64 b = e.broken.height;
        uint64 k = e.witness.height;
        if (k >= b) revert NotBelow(k, b);
        ExitGame.verifyBlockInHistory(chainId, anchor, e.broken, e.brokenProof, b);
        if (k == 0) return _firstBlock(e);
        ExitGame.verifyBlockInHistory(chainId, anchor, e.witness, e.witnessProof, k);
        bytes32 witness = PlasmaTx.blockHash(e.witness);
        if (e.other == 0) {
            if (k + 1 != b) revert NotParent(k, b);
            if (e.broken.parentHash != witness) return k;
            BlockHeader calldata h = e.broken;
            if (
                h.timestamp < e.witness.timestamp || h.depositNonceStart != e.witness.depositNonceEnd
                    || h.depositNonceEnd < h.depositNonceStart
            ) return b;
            revert HistoriesAgree();
        } else {
            if (e.other == witness) revert HistoriesAgree();
            Merkle.verifyHistory(e.other, k, e.underBroken, e.broken.historyRoot);
        }
        return k;
    }

    // ---- helpers --------------------------------------------------------------------

    /// The first block, broken against the empty slot before it: it names a parent, or its
    /// deposits do not start at 0 (from 0, they cannot end before they start; `brokenHistory`).
    function _firstBlock(BrokenHistoryEvidence calldata e) private pure returns (uint64) {
        BlockHeader calldata h = e.broken;
        if (h.height != 1) revert NotParent(0, h.height);
        if (e.other != 0) revert EmptySlot();
        if (h.parentHash != 0 || h.depositNonceStart != 0) return 1;
        revert HistoriesAgree();
    }

    /// The exit bond the exit start `t` owes: the `exitBond` of the registration `r` shows,
    /// included under `anchor`, which must register the child `t` names
    /// (`ledger::fraud::bond::exit_bond`).
    function _exitBond(
        uint64 chainId,
        BlockHeader calldata anchor,
        Transaction calldata t,
        RegistrationProof calldata r
    ) private pure returns (uint256) {
        (uint64 registered, ChildRegistration memory registration) = ExitGame.registered(chainId, anchor, r);
        uint64 named = t.kind == uint8(TxKind.StartChildExit)
            ? abi.decode(t.data, (ChildExitStart)).childChainId
            : abi.decode(t.data, (ChildDepositExit)).childChainId;
        if (named != registered) revert NotTheChild(named, registered);
        return registration.params.exitBond;
    }

    function _spent(uint64 chainId, BlockHeader calldata anchor, SpendProof calldata s)
        private
        pure
        returns (UtxoPos memory)
    {
        Transaction calldata t = ExitGame.included(chainId, anchor, s.inclusion, s.height, s.txIndex);
        if (s.inputIndex >= t.inputs.length) revert NoSuchInput(s.inputIndex);
        return t.inputs[s.inputIndex];
    }

    function _provenOutput(
        uint64 chainId,
        BlockHeader calldata anchor,
        UtxoPos memory pos,
        TxInclusion calldata creating,
        uint256 input
    ) private pure returns (Output memory) {
        Transaction calldata t = ExitGame.included(chainId, anchor, creating, pos.blockHeight, pos.txIndex);
        if (pos.outputIndex >= t.outputs.length) revert InputMissing(input);
        return t.outputs[pos.outputIndex];
    }

    function _mintNonce(uint64 chainId, BlockHeader calldata anchor, MintProof calldata m)
        private
        pure
        returns (uint64)
    {
        Transaction calldata t = ExitGame.included(chainId, anchor, m.inclusion, m.height, m.txIndex);
        // An undecodable record is a mismatch of its own, proven by `depositMismatch`.
        (bool ok, DepositRecord memory record) = PlasmaTx.tryDecodeDepositRecord(t.data);
        if (t.kind != uint8(TxKind.Deposit) || !ok) revert WrongKind(t.kind);
        return record.nonce;
    }

    /// What `t` moves into its chain's books besides its outputs, as one more output: the lock
    /// of a `DepositToChild`, the stake of a `StakeChild` or `BondChild` (ETH). The kinds that
    /// spend nothing, and a payload the ledger would not decode, are not inflation's to judge.
    function _valueLocked(Transaction calldata t) private pure returns (bool, address, uint256) {
        uint8 kind = t.kind;
        if (
            kind == uint8(TxKind.Transfer) || kind == uint8(TxKind.StartChildExit)
                || kind == uint8(TxKind.StartChildDepositExit)
        ) return (false, address(0), 0);
        if (kind == uint8(TxKind.DepositToChild)) {
            // Nine words: `ChildDeposit` is static (`ledger::types::CHILD_DEPOSIT_BYTES`).
            if (t.data.length != 9 * 32) revert WrongKind(kind);
            ChildDeposit memory lock = abi.decode(t.data, (ChildDeposit));
            return (true, lock.token, lock.amount);
        }
        if (kind == uint8(TxKind.StakeChild)) {
            // Five words: `ChildStake` is static (`ledger::types::CHILD_STAKE_BYTES`).
            if (t.data.length != 5 * 32) revert WrongKind(kind);
            return (true, address(0), abi.decode(t.data, (ChildStake)).amount);
        }
        if (kind == uint8(TxKind.BondChild)) return (true, address(0), abi.decode(t.data, (ChildBond)).amount);
        revert WrongKind(kind);
    }

    function _slot(address[] memory tokens, uint256 len, address token) private pure returns (uint256 j) {
        for (j = 0; j < len; ++j) {
            if (tokens[j] == token) return j;
        }
    }
}
