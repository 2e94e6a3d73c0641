// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {ExitGame} from "../src/lib/ExitGame.sol";
import {PlasmaTx} from "../src/lib/PlasmaTx.sol";
import {Vm} from "./base/Test.sol";
import {MockERC20} from "./mocks/Tokens.sol";

/// An output's exit id as the root derives it from calldata (`PlasmaTx.hashStruct`).
contract OutputIds {
    function idOf(Transaction calldata t, uint8 outputIndex) external pure returns (bytes32) {
        return ExitGame.outputExitId(PlasmaTx.hashStruct(t), outputIndex);
    }
}

/// Drives the whole exit game of the shared vectors' world with fuzzed arguments: deposits,
/// deposit-record exits (honest, repeated and forged), output exits from the vectors' exit
/// cases (proven under checkpoints 3 and 5, and under the checkpoints of two forks at 6, one of
/// which holds another transaction at Carol's position), the vectors' challenges, the vectors'
/// fraud cases, time, processing and withdrawals, by any account. It keeps the books the invariants
/// check, and a model of every exit's status; a call that breaks a rule is recorded in
/// `violation` (a reverting handler call would only be counted, not failed, as
/// `fail_on_revert` is off).
contract RootHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint64 internal constant CHAIN = 7;
    uint256 internal constant ETH = 0;
    uint256 internal constant TOKEN = 1;

    PlasmaRoot internal immutable root;
    MockERC20 internal immutable token;
    OutputIds internal immutable outputIds;
    uint256 internal immutable bond;
    uint256 internal immutable bounty;

    /// Who deposits.
    address[] public actors;
    /// Everyone the root may come to owe: actors, the vectors' output owners and the handler
    /// (which also processes, challenges, proves and withdraws).
    address[] public accounts;
    /// The fixture committee, whose stake fraud proofs slash.
    address[] public validators;
    DepositRecord[] internal records;

    /// The vectors' output exits: `abi.encode(anchor, pos, inclusion)`, and who may start each.
    bytes[] internal outputStarts;
    address[] internal outputOwners;
    /// The vectors' refused exit starts (`exits.json` cases with `ok: false`) and claimants.
    bytes[] internal forgedStarts;
    address[] internal forgedClaimants;

    /// A challenge from the vectors: the exit it targets, and whether it is a valid one.
    struct Challenge {
        bytes32 exitId;
        bool byDeposit; // `challengeDepositExit` (else `challengeExit`)
        bool valid;
        bytes args; // the call's arguments but `senderData` (and, for `challengeExit`, the key)
    }

    Challenge[] internal challenges;

    /// The vectors' fraud cases: proof, whether it convicts, and the height it rolls back to.
    bytes[] internal fraudProofs;
    /// How often a fork's checkpoint landed.
    uint256 public forksCheckpointed;
    bool[] internal fraudConvicts;
    uint64[] internal fraudHeights;

    /// What the handler knows of an exit: the status it last saw and what the exit claims.
    struct Tracked {
        bool known;
        RootStorage.ExitStatus seen;
        address owner;
        address asset;
        uint256 amount;
        uint64 anchorHeight; // 0: keyed by a deposit (never cancelled)
        uint256 queueKey; // of its latest start
    }

    bytes32[] public exitIds;
    mapping(bytes32 => Tracked) public tracked;

    // ---- books ----------------------------------------------------------------------------

    /// Everything deposited, per asset (ETH, the token), the world's deposits included.
    uint256[2] public deposited;
    /// Everything withdrawn from the root by `withdraw`, per asset.
    uint256[2] public withdrawn;
    /// Exit payouts credited, per asset (what processing took out of `locked`).
    uint256[2] public exitPayouts;
    /// ETH the root took in as validator stakes (the world's committee) and exit bonds.
    uint256 public stakesIn;
    uint256 public bondsIn;
    /// Bonds sent straight to successful challengers.
    uint256 public bondsToChallengers;
    /// Bonds credited back as `owed` (processed: owner and processor; cancelled: owner).
    uint256 public bondsCredited;
    /// Slashed stake: credited to provers, and burned.
    uint256 public proverRewards;
    /// Fraud-proof commitments made, each in a block before any proof that reveals it.
    mapping(bytes32 => bool) internal committed;
    uint256 public burnedModel;

    /// The first broken rule seen, and how many.
    string public violation;
    uint256 public violations;

    /// Outcomes (forge counts calls, not which branch of a `try` they took).
    uint256 public depositsMade;
    uint256 public depositExitsStarted;
    uint256 public outputExitsStarted;
    uint256 public restartsRefused;
    uint256 public challengesWon;
    uint256 public fraudsProven;
    uint256 public exitsPaid;
    uint256 public exitsCancelled;
    uint256 public withdrawals;

    constructor(PlasmaRoot root_, MockERC20 token_) {
        root = root_;
        token = token_;
        outputIds = new OutputIds();
        bond = root_.exitBond();
        bounty = root_.processBounty();
        for (uint256 i = 0; i < 5; ++i) {
            actors.push(address(uint160(0xACC0 + i)));
            accounts.push(actors[i]);
        }
        accounts.push(address(this));
        _readWorld(vm.readFile("test/vectors/root.json"));
        _readExits(vm.readFile("test/vectors/root.json"), vm.readFile("test/vectors/exits.json"));
        _readFraud(vm.readFile("test/vectors/fraud.json"), vm.readFile("test/vectors/root.json"));
        deposited[ETH] = root.locked(CHAIN, address(0));
        deposited[TOKEN] = root.locked(CHAIN, address(token));
        stakesIn = _stakes();
        if (address(root).balance != deposited[ETH] + stakesIn) {
            _broke("the world's ETH is not its deposits and stakes");
        }
    }

    receive() external payable {}

    // ---- actions ----------------------------------------------------------------------------

    function deposit(uint256 actorSeed, uint256 amount, bool useToken) external checked {
        address a = actors[actorSeed % actors.length];
        amount = 1 + amount % 1e24;
        address asset = useToken ? address(token) : address(0);
        bool frozen = root.chain(CHAIN).frozen;
        uint256 value;
        if (useToken) {
            token.mint(a, amount);
            vm.prank(a);
            token.approve(address(root), amount);
        } else {
            vm.deal(a, a.balance + amount);
            value = amount;
        }
        vm.prank(a);
        try root.deposit{value: value}(CHAIN, a, asset, amount) returns (uint64 nonce) {
            if (frozen) _broke("a frozen chain took a deposit");
            DepositRecord memory r = DepositRecord(CHAIN, nonce, a, a, asset, amount);
            records.push(r);
            _track(ExitGame.depositExitId(nonce), a, asset, amount, 0);
            deposited[useToken ? TOKEN : ETH] += amount;
            ++depositsMade;
        } catch {
            if (!frozen) _broke("a live chain refused a deposit");
        }
    }

    /// Starts (or tries to restart) the exit of a recorded deposit from the root's record.
    function exitDeposit(uint256 seed) external checked {
        DepositRecord memory r = records[seed % records.length];
        bytes32 id = ExitGame.depositExitId(r.nonce);
        bool startable = _startable(id) && root.locked(CHAIN, r.token) >= r.amount;
        vm.deal(r.recipient, r.recipient.balance + bond);
        vm.prank(r.recipient);
        try root.startDepositExit{value: bond}(r, 0) {
            _started(id, r.recipient, r.token, r.amount, 0, startable);
            ++depositExitsStarted;
        } catch {
            _refused(startable);
        }
    }

    /// Tries to exit a deposit with an inflated amount (never recorded).
    function exitForged(uint256 seed, uint256 extra) external checked {
        DepositRecord memory r = records[seed % records.length];
        r.amount += 1 + extra % 1e24;
        vm.deal(r.recipient, r.recipient.balance + bond);
        vm.prank(r.recipient);
        try root.startDepositExit{value: bond}(r, 0) {
            _broke("a forged record exited");
        } catch {}
    }

    /// Starts one of the vectors' output exits as its owner, and (if `twice`) at once again.
    function exitOutput(uint256 seed, bool twice) external checked {
        uint256 i = seed % outputStarts.length;
        (BlockHeader memory anchor, UtxoPos memory pos, TxInclusion memory inc) =
            abi.decode(outputStarts[i], (BlockHeader, UtxoPos, TxInclusion));
        address owner = outputOwners[i];
        Output memory out = inc.signedTx.transaction.outputs[pos.outputIndex];
        (bytes32 id, bool byDeposit) = _outputExitId(pos, inc);
        for (uint256 k = 0; k < (twice ? 2 : 1); ++k) {
            bool startable = _startable(id) && _anchorLive(anchor.height)
                && root.checkpoints(CHAIN, anchor.height) == keccak256(abi.encode(anchor))
                && root.locked(CHAIN, out.token) >= out.amount;
            vm.deal(owner, owner.balance + bond);
            vm.recordLogs();
            vm.prank(owner);
            try root.startExit{value: bond}(anchor, pos, inc, 0) {
                _started(id, owner, out.token, out.amount, byDeposit ? 0 : anchor.height, startable);
                tracked[id].queueKey = _startedKey();
                ++outputExitsStarted;
            } catch {
                _refused(startable);
                if (k == 1) ++restartsRefused;
            }
        }
    }

    /// Tries one of the vectors' invalid exit starts (wrong owner, no such output, wrong
    /// index, block after the anchor).
    function exitForgedOutput(uint256 seed) external checked {
        uint256 i = seed % forgedStarts.length;
        (BlockHeader memory anchor, UtxoPos memory pos, TxInclusion memory inc) =
            abi.decode(forgedStarts[i], (BlockHeader, UtxoPos, TxInclusion));
        address claimant = forgedClaimants[i];
        vm.deal(claimant, claimant.balance + bond);
        vm.prank(claimant);
        try root.startExit{value: bond}(anchor, pos, inc, 0) {
            _broke("an invalid output exit started");
        } catch {}
    }

    /// Challenges an exit with one of the vectors' challenges, as `challengerSeed`'s account.
    /// `mode % 4`: 0, a front-runner replays it with another account's `senderData`; 1 and 2, a
    /// valid challenge of a running exit, if any (a blind pick rarely is one); 3, as `seed` picks.
    function challenge(uint256 seed, uint256 challengerSeed, uint8 mode) external checked {
        Challenge memory c = challenges[_aim(seed, mode % 4 == 1 || mode % 4 == 2)];
        address challenger = _who(challengerSeed);
        bool frontRun = mode % 4 == 0;
        bytes32 senderData =
            keccak256(abi.encodePacked(frontRun ? _who(challengerSeed % accounts.length + 1) : challenger));
        bool wins = c.valid && !frontRun && tracked[c.exitId].seen == RootStorage.ExitStatus.Started
            && (!c.byDeposit || _anchorLive(_challengeAnchorHeight(c)));
        uint256 before = challenger.balance;
        bool ok = _callChallenge(c, challenger, senderData);
        (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, c.exitId);
        if (ok) {
            if (!wins) _broke("a challenge that must fail succeeded");
            if (status != RootStorage.ExitStatus.Challenged) _broke("a challenged exit is not Challenged");
            if (challenger.balance != before + bond) _broke("the challenger was not paid the bond");
            tracked[c.exitId].seen = status;
            bondsToChallengers += bond;
            ++challengesWon;
        } else if (wins) {
            _broke("a valid challenge was refused");
        }
    }

    /// Proves fraud with one of the vectors' cases (convicting or honest), as any account. Three
    /// in four picks of a convicting case become the next honest one: a conviction freezes the
    /// chain for good, and the live chain's paths want their share of each run.
    function proveFraud(uint256 seed, uint256 proverSeed) external checked {
        uint256 n = fraudProofs.length;
        uint256 i = seed % n;
        for (uint256 k = 0; k < n && fraudConvicts[i] && (seed / n) % 4 != 0; ++k) {
            i = (i + 1) % n;
        }
        FraudProof memory proof = abi.decode(fraudProofs[i], (FraudProof));
        address prover = _who(proverSeed);
        RootStorage.Chain memory c = root.chain(CHAIN);
        uint256 stakes = _stakes();
        uint256 burned = root.burned();
        uint256 owed = root.owed(prover, address(0));
        // Most provers commit first; one in five sends a proof it committed to nothing for, as
        // a copier from the pool would, and must be paid nothing.
        bytes32 commitment = keccak256(abi.encode(prover, CHAIN, proof));
        if (proverSeed % 5 != 4) {
            root.commitFraud(commitment);
            committed[commitment] = true;
            vm.roll(vm.getBlockNumber() + 1);
        }
        if (prover != address(this)) vm.prank(prover);
        try root.proveFraud(CHAIN, proof) {
            if (!fraudConvicts[i]) _broke("honest evidence convicted");
            RootStorage.Chain memory a = root.chain(CHAIN);
            // A proof showing a block below the rollback lowers it to its verdict; one showing
            // a voided block only takes stakes.
            uint64 shown = proof.kind == uint8(FraudKind.Equivocation) ? fraudHeights[i] : proof.anchor.height;
            bool lowers = c.rollbackHeight == 0 || shown < c.rollbackHeight;
            uint64 expected = lowers ? fraudHeights[i] : c.rollbackHeight;
            if (!a.frozen || a.rollbackHeight != expected) _broke("not frozen at the bad height");
            if (c.rollbackHeight != 0 && a.rollbackHeight > c.rollbackHeight) _broke("the rollback moved up");
            uint256 slashed = _grown(stakes, _stakes());
            if (!lowers && slashed == 0) _broke("a proof of a voided block that takes nothing was heard");
            uint256 reward = committed[commitment] ? slashed * root.PROVER_REWARD_BPS() / 10_000 : 0;
            if (root.owed(prover, address(0)) != owed + reward) _broke("the prover is not owed its reward");
            if (root.burned() != burned + slashed - reward) _broke("the rest of the slash is not burned");
            proverRewards += reward;
            burnedModel += slashed - reward;
            ++fraudsProven;
        } catch {
            // A deposit-mismatch verdict depends on how many deposits the root has recorded
            // since the vectors were made; every other conviction stands while the chain is live.
            bool dependsOnDeposits =
                proof.kind == uint8(FraudKind.DepositMismatch) || proof.kind == uint8(FraudKind.DoubleMint);
            // A proof anchored to the fork's checkpoint stands only once the root holds it.
            bool anchored = proof.kind == uint8(FraudKind.Equivocation)
                || root.checkpoints(CHAIN, proof.anchor.height) == keccak256(abi.encode(proof.anchor));
            if (fraudConvicts[i] && !c.frozen && !dependsOnDeposits && anchored) {
                _broke("a valid fraud proof was refused");
            }
        }
    }

    /// Submits one of the vectors' forks: a checkpoint at 6 whose history disagrees with
    /// checkpoint 5, certified by three of the four validators (it lands while the chain is
    /// live, if the other has not); `atThree`: the one that holds another transaction at Carol's
    /// position.
    function checkpointFork(bool atThree) external checked {
        string memory world = vm.readFile("test/vectors/root.json");
        string memory k = atThree ? ".forkAt3" : ".fork";
        BlockHeader memory header = abi.decode(vm.parseJsonBytes(world, string.concat(k, ".header")), (BlockHeader));
        CommitCertificate memory cert =
            abi.decode(vm.parseJsonBytes(world, string.concat(k, ".certificate")), (CommitCertificate));
        try root.submitCheckpoint(header, cert) {
            ++forksCheckpointed;
        } catch {}
    }

    function warp(uint256 seconds_) external checked {
        vm.warp(block.timestamp + seconds_ % (3 * 604_800));
    }

    /// Processes up to `max` exits (`max % 9 == 8`: all of them) of an asset, as any account.
    function process(uint256 callerSeed, uint256 max, bool useToken) external {
        address caller = _who(callerSeed);
        address asset = useToken ? address(token) : address(0);
        max = max % 9 == 8 ? type(uint256).max : max % 9;
        uint256 lockedBefore = root.locked(CHAIN, asset);
        uint256[] memory owedEth = _owedOfAll(address(0));
        uint256[] memory owedAsset = _owedOfAll(asset);
        if (caller != address(this)) vm.prank(caller);
        try root.processExits(CHAIN, asset, max) {}
        catch {
            _broke("processExits reverted");
            return;
        }
        _settle(caller, asset, lockedBefore, owedEth, owedAsset);
    }

    /// Withdraws what the root owes an account (any, the handler included) in ETH or the token;
    /// `toSomeoneOwed` picks among the accounts owed something, if any.
    function withdraw(uint256 accountSeed, bool useToken, bool toSomeoneOwed) external checked {
        address asset = useToken ? address(token) : address(0);
        address a = _who(accountSeed);
        if (toSomeoneOwed) a = _owedAccount(accountSeed, asset, a);
        uint256 owed = root.owed(a, asset);
        uint256 before = useToken ? token.balanceOf(a) : a.balance;
        if (a != address(this)) vm.prank(a);
        try root.withdraw(asset) {
            if (owed == 0) _broke("a withdrawal of nothing succeeded");
            if ((useToken ? token.balanceOf(a) : a.balance) != before + owed) _broke("withdrawn != owed");
            if (root.owed(a, asset) != 0) _broke("still owed after withdrawing");
            withdrawn[useToken ? TOKEN : ETH] += owed;
            ++withdrawals;
        } catch {
            if (owed != 0) _broke("a withdrawal of what is owed was refused");
        }
    }

    // ---- the exit model ---------------------------------------------------------------------

    /// After a processing call: every exit that changed did so by the rules (only from
    /// Started, only of this asset; Cancelled exactly when proven under a voided checkpoint,
    /// else Processed), and what each account was credited is exactly its bonds back, the
    /// processor's bounties, and at most the amounts of its exits just paid, which in all
    /// equal what left `locked`.
    function _settle(
        address caller,
        address asset,
        uint256 lockedBefore,
        uint256[] memory owedEth,
        uint256[] memory owedAsset
    ) internal {
        uint64 rollback = root.chain(CHAIN).rollbackHeight;
        uint256 n = accounts.length;
        uint256[] memory bondBack = new uint256[](n);
        uint256[] memory claimed = new uint256[](n);
        uint256 paid;
        uint256 claimedTotal;
        for (uint256 i = 0; i < exitIds.length; ++i) {
            Tracked storage t = tracked[exitIds[i]];
            (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, exitIds[i]);
            if (status == t.seen) continue;
            if (t.seen != RootStorage.ExitStatus.Started || t.asset != asset) {
                _broke("processing changed an exit it must not touch");
            }
            bool voided = t.anchorHeight != 0 && rollback != 0 && t.anchorHeight >= rollback;
            uint256 k = _indexOf(t.owner);
            if (status == RootStorage.ExitStatus.Processed) {
                if (voided) _broke("an exit under a voided checkpoint was paid");
                bondBack[k] += bond - bounty;
                claimed[k] += t.amount;
                claimedTotal += t.amount;
                ++paid;
                ++exitsPaid;
            } else if (status == RootStorage.ExitStatus.Cancelled) {
                if (!voided) _broke("an exit under a valid checkpoint was cancelled");
                bondBack[k] += bond;
                ++exitsCancelled;
            } else {
                _broke("processing set an exit to neither Processed nor Cancelled");
            }
            bondsCredited += bond;
            t.seen = status;
        }
        bondBack[_indexOf(caller)] += paid * bounty;

        uint256 lockedAfter = root.locked(CHAIN, asset);
        uint256 credited;
        for (uint256 k = 0; k < n; ++k) {
            uint256 dEth = _grown(root.owed(accounts[k], address(0)), owedEth[k]);
            uint256 payout;
            if (asset == address(0)) {
                if (dEth < bondBack[k]) _broke("a bond was not credited back");
                else payout = dEth - bondBack[k];
            } else {
                if (dEth != bondBack[k]) _broke("ETH credited on a token exit is not the bond");
                payout = _grown(root.owed(accounts[k], asset), owedAsset[k]);
            }
            if (payout > claimed[k]) _broke("an account was paid more than its exits claim");
            credited += payout;
        }
        uint256 taken = _grown(lockedBefore, lockedAfter);
        if (credited != taken) _broke("payouts credited != what left locked");
        if (taken != (claimedTotal < lockedBefore ? claimedTotal : lockedBefore)) {
            _broke("paid != min(claims, locked)");
        }
        exitPayouts[asset == address(0) ? ETH : TOKEN] += taken;
    }

    /// `a - b`, or a broken rule if it would be negative (a revert here would hide it: the
    /// fuzzer does not fail on reverts).
    function _grown(uint256 a, uint256 b) internal returns (uint256) {
        if (a >= b) return a - b;
        _broke("a balance went the wrong way");
        return 0;
    }

    /// Every action but processing: no exit changed status behind the model's back.
    modifier checked() {
        _;
        for (uint256 i = 0; i < exitIds.length; ++i) {
            (, RootStorage.ExitStatus status,) = root.exitOf(CHAIN, exitIds[i]);
            if (status != tracked[exitIds[i]].seen) _broke("an exit changed status unexpectedly");
        }
    }

    function _startable(bytes32 id) internal view returns (bool) {
        RootStorage.ExitStatus s = tracked[id].seen;
        return s == RootStorage.ExitStatus.None || s == RootStorage.ExitStatus.Cancelled;
    }

    function _started(bytes32 id, address owner, address asset, uint256 amount, uint64 anchorHeight, bool startable)
        internal
    {
        if (!startable) _broke("an exit started that must not (restart, or voided anchor)");
        (address o, RootStorage.ExitStatus status, uint256 a) = root.exitOf(CHAIN, id);
        if (status != RootStorage.ExitStatus.Started || o != owner || a != amount) _broke("started exit mismatch");
        _track(id, owner, asset, amount, anchorHeight);
        tracked[id].seen = RootStorage.ExitStatus.Started;
        bondsIn += bond;
    }

    function _refused(bool startable) internal {
        if (startable) _broke("a valid exit start was refused");
    }

    function _track(bytes32 id, address owner, address asset, uint256 amount, uint64 anchorHeight) internal {
        Tracked storage t = tracked[id];
        if (!t.known) exitIds.push(id);
        t.known = true;
        t.owner = owner;
        t.asset = asset;
        t.amount = amount;
        t.anchorHeight = anchorHeight;
    }

    function _anchorLive(uint64 height) internal view returns (bool) {
        uint64 rollback = root.chain(CHAIN).rollbackHeight;
        return rollback == 0 || height < rollback;
    }

    function _outputExitId(UtxoPos memory pos, TxInclusion memory inc) internal view returns (bytes32, bool) {
        Transaction memory t = inc.signedTx.transaction;
        if (t.kind == uint8(TxKind.Deposit)) {
            return (ExitGame.depositExitId(abi.decode(t.data, (DepositRecord)).nonce), true);
        }
        return (outputIds.idOf(t, pos.outputIndex), false);
    }

    /// The queue key of the `ExitStarted` among the logs recorded since `vm.recordLogs()`.
    function _startedKey() internal returns (uint256 queueKey) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] == RootStorage.ExitStarted.selector) {
                (,,,, queueKey) = abi.decode(logs[i].data, (address, address, uint256, uint64, uint256));
            }
        }
    }

    function _challengeAnchorHeight(Challenge memory c) internal pure returns (uint64) {
        (, BlockHeader memory anchor) = abi.decode(c.args, (uint64, BlockHeader));
        return anchor.height;
    }

    function _callChallenge(Challenge memory c, address challenger, bytes32 senderData) internal returns (bool) {
        if (c.byDeposit) {
            (
                uint64 nonce,
                BlockHeader memory anchor,
                UtxoPos memory pos,
                TxInclusion memory minted,
                SignedTransaction memory spend,
                uint8 inputIndex
            ) = abi.decode(c.args, (uint64, BlockHeader, UtxoPos, TxInclusion, SignedTransaction, uint8));
            if (challenger != address(this)) vm.prank(challenger);
            try root.challengeDepositExit(nonce, anchor, pos, minted, spend, inputIndex, senderData) {
                return true;
            } catch {
                return false;
            }
        }
        (SignedTransaction memory s, uint8 index) = abi.decode(c.args, (SignedTransaction, uint8));
        if (challenger != address(this)) vm.prank(challenger);
        try root.challengeExit(CHAIN, tracked[c.exitId].queueKey, s, index, senderData) {
            return true;
        } catch {
            return false;
        }
    }

    /// A challenge `seed` picks; if `aimed`, a valid one of a running exit (if any).
    function _aim(uint256 seed, bool aimed) internal view returns (uint256) {
        if (aimed) {
            uint256[] memory running = new uint256[](challenges.length);
            uint256 n;
            for (uint256 i = 0; i < challenges.length; ++i) {
                Challenge storage c = challenges[i];
                if (c.valid && tracked[c.exitId].seen == RootStorage.ExitStatus.Started) running[n++] = i;
            }
            if (n != 0) return running[seed % n];
        }
        return seed % challenges.length;
    }

    /// An account owed something in `asset` that `seed` picks, else `otherwise`.
    function _owedAccount(uint256 seed, address asset, address otherwise) internal view returns (address) {
        address[] memory owed = new address[](accounts.length);
        uint256 n;
        for (uint256 k = 0; k < accounts.length; ++k) {
            if (root.owed(accounts[k], asset) != 0) owed[n++] = accounts[k];
        }
        return n == 0 ? otherwise : owed[seed % n];
    }

    function _who(uint256 seed) internal view returns (address) {
        return accounts[seed % accounts.length];
    }

    function _indexOf(address a) internal view returns (uint256) {
        for (uint256 k = 0; k < accounts.length; ++k) {
            if (accounts[k] == a) return k;
        }
        revert("not an account");
    }

    function _owedOfAll(address asset) internal view returns (uint256[] memory owed) {
        owed = new uint256[](accounts.length);
        for (uint256 k = 0; k < accounts.length; ++k) {
            owed[k] = root.owed(accounts[k], asset);
        }
    }

    function _stakes() internal view returns (uint256 total) {
        for (uint256 i = 0; i < validators.length; ++i) {
            (uint256 amount,,) = root.stakeOf(CHAIN, validators[i]);
            total += amount;
        }
    }

    function _broke(string memory rule) internal {
        if (violations == 0) violation = rule;
        ++violations;
    }

    // ---- the vectors ------------------------------------------------------------------------

    function _readWorld(string memory world) internal {
        for (uint256 i = 0; vm.keyExistsJson(world, _at(".validators", i, "operator")); ++i) {
            validators.push(vm.parseJsonAddress(world, _at(".validators", i, "operator")));
        }
        for (uint256 i = 0; vm.keyExistsJson(world, _at(".deposits", i, "nonce")); ++i) {
            DepositRecord memory r = DepositRecord(
                CHAIN,
                uint64(vm.parseJsonUint(world, _at(".deposits", i, "nonce"))),
                vm.parseJsonAddress(world, _at(".deposits", i, "depositor")),
                vm.parseJsonAddress(world, _at(".deposits", i, "recipient")),
                vm.parseJsonAddress(world, _at(".deposits", i, "token")),
                vm.parseJsonUint(world, _at(".deposits", i, "amount"))
            );
            records.push(r);
            _track(ExitGame.depositExitId(r.nonce), r.recipient, r.token, r.amount, 0);
            _account(r.recipient);
        }
    }

    function _readExits(string memory world, string memory exits) internal {
        string[6] memory names =
            ["preFraudExit", "postFraudExit", "challengedExit", "spentExit", "spentDeposit", "forkAt3.exit"];
        for (uint256 i = 0; i < names.length; ++i) {
            string memory k = string.concat(".", names[i]);
            outputStarts.push(
                abi.encode(
                    abi.decode(vm.parseJsonBytes(world, string.concat(k, ".anchor")), (BlockHeader)),
                    abi.decode(vm.parseJsonBytes(world, string.concat(k, ".utxoPos")), (UtxoPos)),
                    abi.decode(vm.parseJsonBytes(world, string.concat(k, ".inclusion")), (TxInclusion))
                )
            );
            outputOwners.push(vm.parseJsonAddress(world, string.concat(k, ".owner")));
            _name("start", names[i], outputStarts.length - 1);
        }
        // exits.json's starts are proven under its `anchor` (the tip, height 5): the valid ones
        // (Carol's output of block 3, a minted deposit) exit; the others must be refused.
        BlockHeader memory tip = abi.decode(vm.parseJsonBytes(exits, ".anchor"), (BlockHeader));
        for (uint256 i = 0; vm.keyExistsJson(exits, _at(".starts", i, "name")); ++i) {
            bytes memory start = abi.encode(
                tip,
                abi.decode(vm.parseJsonBytes(exits, _at(".starts", i, "utxoPos")), (UtxoPos)),
                abi.decode(vm.parseJsonBytes(exits, _at(".starts", i, "inclusion")), (TxInclusion))
            );
            address claimant = vm.parseJsonAddress(exits, _at(".starts", i, "claimant"));
            string memory name = vm.parseJsonString(exits, _at(".starts", i, "name"));
            if (vm.parseJsonBool(exits, _at(".starts", i, "expect.ok"))) {
                outputStarts.push(start);
                outputOwners.push(claimant);
                _name("start", name, outputStarts.length - 1);
            } else {
                forgedStarts.push(start);
                forgedClaimants.push(claimant);
                _name("forged", name, forgedStarts.length - 1);
            }
        }
        for (uint256 i = 0; i < outputStarts.length; ++i) {
            (, UtxoPos memory pos, TxInclusion memory inc) =
                abi.decode(outputStarts[i], (BlockHeader, UtxoPos, TxInclusion));
            (bytes32 id,) = _outputExitId(pos, inc);
            if (!tracked[id].known) _track(id, outputOwners[i], address(0), 0, 0);
            _account(outputOwners[i]);
        }
        // exits.json's challenges, all of the challenged exit.
        for (uint256 i = 0; vm.keyExistsJson(exits, _at(".challenges", i, "name")); ++i) {
            ExitRecord memory target = abi.decode(vm.parseJsonBytes(exits, _at(".challenges", i, "exit")), (ExitRecord));
            challenges.push(
                Challenge(
                    target.exitId,
                    false,
                    vm.parseJsonBool(exits, _at(".challenges", i, "expect.ok")),
                    abi.encode(
                        abi.decode(vm.parseJsonBytes(exits, _at(".challenges", i, "spend")), (SignedTransaction)),
                        uint8(vm.parseJsonUint(exits, _at(".challenges", i, "inputIndex")))
                    )
                )
            );
            _name("challenge", vm.parseJsonString(exits, _at(".challenges", i, "name")), challenges.length - 1);
        }
        // root.json's spend of Bob's output (input 0) and of his minted deposit (input 1).
        SignedTransaction memory spend = abi.decode(vm.parseJsonBytes(world, ".spentExitSpend"), (SignedTransaction));
        bytes32 spentId = vm.parseJsonBytes32(world, ".spentExit.exitId");
        challenges.push(Challenge(spentId, false, true, abi.encode(spend, uint8(0))));
        _name("challenge", "spentExit", challenges.length - 1);
        challenges.push(Challenge(spentId, false, false, abi.encode(spend, uint8(1))));
        _name("challenge", "spentExit_other_input", challenges.length - 1);
        bytes32 honestId = vm.parseJsonBytes32(world, ".preFraudExit.exitId");
        challenges.push(Challenge(honestId, false, false, abi.encode(spend, uint8(0))));
        _name("challenge", "preFraudExit_unrelated_spend", challenges.length - 1);
        TxInclusion memory minted = abi.decode(vm.parseJsonBytes(world, ".spentDeposit.inclusion"), (TxInclusion));
        uint64 nonce = abi.decode(minted.signedTx.transaction.data, (DepositRecord)).nonce;
        challenges.push(
            Challenge(
                ExitGame.depositExitId(nonce),
                true,
                true,
                abi.encode(
                    nonce,
                    abi.decode(vm.parseJsonBytes(world, ".spentDeposit.anchor"), (BlockHeader)),
                    abi.decode(vm.parseJsonBytes(world, ".spentDeposit.utxoPos"), (UtxoPos)),
                    minted,
                    spend,
                    uint8(1)
                )
            )
        );
        _name("challenge", "spentDeposit", challenges.length - 1);
    }

    function _readFraud(string memory fraud, string memory world) internal {
        for (uint256 i = 0; vm.keyExistsJson(fraud, _at(".cases", i, "name")); ++i) {
            fraudProofs.push(vm.parseJsonBytes(fraud, _at(".cases", i, "proof")));
            bool convicts = vm.parseJsonBool(fraud, _at(".cases", i, "expect.ok"));
            fraudConvicts.push(convicts);
            fraudHeights.push(convicts ? uint64(vm.parseJsonUint(fraud, _at(".cases", i, "expect.result.height"))) : 0);
            _name("fraud", vm.parseJsonString(fraud, _at(".cases", i, "name")), i);
        }
        // root.json's proof against the fork that holds another transaction at Carol's position.
        fraudProofs.push(vm.parseJsonBytes(world, ".forkAt3.proof"));
        fraudConvicts.push(true);
        fraudHeights.push(uint64(vm.parseJsonUint(world, ".forkAt3.rollbackHeight")));
        _name("fraud", "forkAt3", fraudProofs.length - 1);
    }

    /// Case indices by kind and name, plus one (for the story test).
    mapping(bytes32 => uint256) internal _cases;

    function _name(string memory kind, string memory name, uint256 index) internal {
        _cases[keccak256(abi.encode(kind, name))] = index + 1;
    }

    /// The index of a named case of `kind` ("start", "forged", "challenge", "fraud"): a seed
    /// that picks it.
    function caseIndex(string calldata kind, string calldata name) external view returns (uint256) {
        uint256 i = _cases[keccak256(abi.encode(kind, name))];
        require(i != 0, string.concat("no ", kind, " case ", name));
        return i - 1;
    }

    function _account(address a) internal {
        for (uint256 k = 0; k < accounts.length; ++k) {
            if (accounts[k] == a) return;
        }
        accounts.push(a);
    }

    function _at(string memory list, uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(list, "[", vm.toString(i), "].", field);
    }

    // ---- views for the invariants -----------------------------------------------------------

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    function exitCount() external view returns (uint256) {
        return exitIds.length;
    }

    function stakesHeld() external view returns (uint256) {
        return _stakes();
    }
}
