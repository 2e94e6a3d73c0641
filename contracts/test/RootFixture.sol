// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "../src/PlasmaTypes.sol";
import {PlasmaRoot} from "../src/PlasmaRoot.sol";
import {RootStorage} from "../src/RootStorage.sol";
import {RootModule} from "../src/RootModule.sol";
import {LinkVerifier} from "../src/LinkVerifier.sol";
import {FraudVerifier} from "../src/FraudVerifier.sol";
import {FormVerifier} from "../src/FormVerifier.sol";
import {Test, Vm} from "./base/Test.sol";
import {MockERC20} from "./mocks/Tokens.sol";

/// The world of the shared vectors (`test/vectors/root.json`), on a real `PlasmaRoot`: chain 7
/// with the ledger's fixture committee bonded, the deposits behind its mints, and certified
/// checkpoints of heights 3 and 5 (block 4 is the byzantine one).
abstract contract RootFixture is Test {
    uint64 internal constant CHAIN = 7;
    uint64 internal constant PERIOD = 604_800;
    uint256 internal constant BOND = 0.1 ether;
    uint256 internal constant BOUNTY = 0.01 ether;
    uint256 internal constant NOW = 2_000_000;

    PlasmaRoot internal root;
    string internal world;
    address internal token;

    /// Deploys the root at the vectors' address (their EIP-712 domain names it).
    function deployRoot() internal {
        world = vm.readFile("test/vectors/root.json");
        FraudVerifier verifier = new FraudVerifier(new FormVerifier(), new LinkVerifier());
        RootModule module = new RootModule(verifier, BOND, BOUNTY);
        PlasmaRoot impl = new PlasmaRoot(module);
        address at = vm.parseJsonAddress(world, ".rootContract");
        vm.etch(at, address(impl).code);
        root = PlasmaRoot(at);
        vm.label(at, "PlasmaRoot");
        token = vm.parseJsonAddress(world, ".token");
        vm.etch(token, address(new MockERC20()).code);
        vm.label(token, "TOKEN");
    }

    /// Registers chains up to `CHAIN` (the vectors' chain id).
    function registerChains() internal {
        for (uint64 i = 1; i <= CHAIN; ++i) {
            root.registerChain(
                RootStorage.ChainParams({epochLength: 1, exitPeriod: PERIOD, minStake: 1 gwei, maxValidators: 100})
            );
        }
    }

    /// Bonds the fixture committee and activates it as configuration 1.
    function bondCommittee() internal {
        uint256 n;
        while (vm.keyExistsJson(world, _v(n, "operator"))) ++n;
        address[] memory committee = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            address op = vm.parseJsonAddress(world, _v(i, "operator"));
            committee[i] = op;
            uint256 stake = vm.parseJsonUint(world, _v(i, "power")) * 1 gwei;
            vm.deal(op, stake);
            vm.prank(op);
            root.bond{value: stake}(
                CHAIN, vm.parseJsonBytes(world, _v(i, "blsPubkey")), vm.parseJsonBytes(world, _v(i, "pop"))
            );
        }
        root.proposeGenesis(CHAIN, committee);
    }

    /// Makes the deposits the chain minted, in nonce order.
    function makeDeposits() internal {
        for (uint256 i = 0; vm.keyExistsJson(world, _d(i, "nonce")); ++i) {
            address depositor = vm.parseJsonAddress(world, _d(i, "depositor"));
            address recipient = vm.parseJsonAddress(world, _d(i, "recipient"));
            address asset = vm.parseJsonAddress(world, _d(i, "token"));
            uint256 amount = vm.parseJsonUint(world, _d(i, "amount"));
            depositAs(depositor, recipient, asset, amount);
        }
    }

    /// Deposits `amount` of `asset` from `depositor` (funding it first).
    function depositAs(address depositor, address recipient, address asset, uint256 amount)
        internal
        returns (uint64 nonce)
    {
        if (asset == address(0)) {
            vm.deal(depositor, depositor.balance + amount);
            vm.prank(depositor);
            return root.deposit{value: amount}(CHAIN, recipient, asset, amount);
        }
        MockERC20(asset).mint(depositor, amount);
        vm.prank(depositor);
        MockERC20(asset).approve(address(root), amount);
        vm.prank(depositor);
        return root.deposit(CHAIN, recipient, asset, amount);
    }

    /// Submits checkpoint `index` of the vectors (0: height 3, 1: height 5).
    /// Submits checkpoint `index`, the clock first brought up to its time (the root refuses a
    /// checkpoint timed ahead of it).
    function submitCheckpoint(uint256 index) internal {
        (BlockHeader memory header, CommitCertificate memory cert) = checkpoint(index);
        if (block.timestamp < header.timestamp) vm.warp(header.timestamp);
        root.submitCheckpoint(header, cert);
    }

    function checkpoint(uint256 index) internal view returns (BlockHeader memory, CommitCertificate memory) {
        string memory k = string.concat(".checkpoints[", str(index), "]");
        return (
            abi.decode(vm.parseJsonBytes(world, string.concat(k, ".header")), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(world, string.concat(k, ".certificate")), (CommitCertificate))
        );
    }

    /// A checkpoint at 6 certified by the committee whose next set is validators 3, 1 and 2
    /// (`root.json`'s `rotation`): the members validator 0's unbonding leaves, as the root
    /// orders them.
    function rotation() internal view returns (BlockHeader memory, CommitCertificate memory) {
        return (
            abi.decode(vm.parseJsonBytes(world, ".rotation.header"), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(world, ".rotation.certificate"), (CommitCertificate))
        );
    }

    /// Forge's `console.log(string, uint256)` (there is no forge-std here; the console has no
    /// code, so a typed call would revert on the code-size check).
    function _log(string memory label, uint256 value) internal view {
        (bool ok,) = address(0x000000000000000000636F6e736F6c652e6c6f67)
            .staticcall(abi.encodeWithSignature("log(string,uint256)", label, value));
        (ok);
    }

    /// The fork's checkpoint at 6 (`root.json`'s `fork`), certified by validators 1 to 3: its
    /// block 5 is not the one checkpointed at 5.
    function forkCheckpoint() internal view returns (BlockHeader memory, CommitCertificate memory) {
        return (
            abi.decode(vm.parseJsonBytes(world, ".fork.header"), (BlockHeader)),
            abi.decode(vm.parseJsonBytes(world, ".fork.certificate"), (CommitCertificate))
        );
    }

    /// The whole world: deployed, registered, bonded, deposited, both checkpoints in, and
    /// the clock at the vectors' `now`.
    function setUpWorld() internal {
        deployRoot();
        registerChains();
        bondCommittee();
        makeDeposits();
        submitCheckpoint(0);
        submitCheckpoint(1);
        vm.warp(NOW);
    }

    /// An exit described in root.json (`preFraudExit`, `postFraudExit`, `challengedExit`,
    /// `fork.exit`).
    struct ExitCase {
        BlockHeader anchor;
        UtxoPos pos;
        TxInclusion inclusion;
        address owner;
        uint256 amount;
        bytes32 exitId;
    }

    function exitCase(string memory name) internal view returns (ExitCase memory e) {
        string memory k = string.concat(".", name);
        e.anchor = abi.decode(vm.parseJsonBytes(world, string.concat(k, ".anchor")), (BlockHeader));
        e.pos = abi.decode(vm.parseJsonBytes(world, string.concat(k, ".utxoPos")), (UtxoPos));
        e.inclusion = abi.decode(vm.parseJsonBytes(world, string.concat(k, ".inclusion")), (TxInclusion));
        e.owner = vm.parseJsonAddress(world, string.concat(k, ".owner"));
        e.amount = vm.parseJsonUint(world, string.concat(k, ".amount"));
        e.exitId = vm.parseJsonBytes32(world, string.concat(k, ".exitId"));
    }

    /// Starts `e` as its owner with the right bond; returns its queue key.
    function startExit(ExitCase memory e) internal returns (uint256 queueKey) {
        vm.deal(e.owner, e.owner.balance + BOND);
        vm.recordLogs();
        vm.prank(e.owner);
        root.startExit{value: BOND}(e.anchor, e.pos, e.inclusion, 0);
        return startedKey();
    }

    /// The queue key of the last `ExitStarted` among the logs recorded since `vm.recordLogs()`.
    function startedKey() internal returns (uint256 queueKey) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = logs.length; i > 0; --i) {
            if (logs[i - 1].topics[0] == RootStorage.ExitStarted.selector) {
                (,,,, queueKey) = abi.decode(logs[i - 1].data, (address, address, uint256, uint64, uint256));
                return queueKey;
            }
        }
        revert("no ExitStarted");
    }

    function validatorAt(uint256 i) internal view returns (address) {
        return vm.parseJsonAddress(world, _v(i, "operator"));
    }

    function _v(uint256 i, string memory field) private pure returns (string memory) {
        return string.concat(".validators[", str(i), "].", field);
    }

    function _d(uint256 i, string memory field) private pure returns (string memory) {
        return string.concat(".deposits[", str(i), "].", field);
    }
}
