// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import "./PlasmaTypes.sol";
import {ExitGame} from "./lib/ExitGame.sol";
import {Merkle} from "./lib/Merkle.sol";
import {BLS} from "./lib/BLS.sol";

/// @title FormVerifier
/// @notice The form of a transaction, mirroring `ledger::form` (and `ledger::registration`):
/// what makes it invalid whatever the chain's state. `FraudVerifier.malformedTransaction`
/// convicts a block holding a transaction this refuses. Stateless; deployed once beside the
/// `FraudVerifier` (which keeps both under the contract size limit).
contract FormVerifier {
    /// `kind` is no kind a payload is decoded for.
    error WrongKind(uint8 kind);
    /// The payload check ran out of gas: no verdict (send the proof with more gas).
    error PayloadCheckOutOfGas();

    /// The most a transaction's encoding, and so its payload, may take
    /// (`ledger::types::MAX_TX_BYTES`).
    uint256 internal constant MAX_TX_BYTES = 32 * 1024;
    /// The most a `BondChild` payload may take (`ledger::form::MAX_BOND_BYTES`).
    uint256 internal constant MAX_BOND_BYTES = 1024;
    /// One unit of a bonded validator's power (`ledger::types::POWER_UNIT`).
    uint256 internal constant POWER_UNIT = 1 gwei;
    /// Most validators a child registers with (`ledger::registration::MAX_CHILD_VALIDATORS`).
    uint256 internal constant MAX_CHILD_VALIDATORS = 16;
    /// Longest epoch a child registers with (`ledger::registration::MAX_CHECKPOINT_GAP`).
    uint64 internal constant MAX_CHECKPOINT_GAP = 1 << 12;

    /// @notice Decodes `data` as the payload of a transaction of `kind` (a user, minted or
    /// system kind) and reports whether it is that payload's canonical encoding, with what the transaction
    /// locks, stakes or bonds beside its outputs (`amount` of `token`, to `recipient` for a
    /// lock into a child). Reverts if `data` does not decode. External so that `wellFormed` can
    /// call it in a `try`.
    function decodePayload(uint8 kind, bytes calldata data)
        external
        pure
        returns (bool canonical, address token, uint256 amount, address recipient)
    {
        bytes memory again;
        if (kind == uint8(TxKind.Transfer)) {
            again = "";
        } else if (kind == uint8(TxKind.DepositToChild)) {
            ChildDeposit memory lock = abi.decode(data, (ChildDeposit));
            (token, amount, recipient) = (lock.token, lock.amount, lock.recipient);
            again = abi.encode(lock);
        } else if (kind == uint8(TxKind.Deposit)) {
            again = abi.encode(abi.decode(data, (DepositRecord)));
        } else if (kind == uint8(TxKind.ExitPayout)) {
            again = abi.encode(abi.decode(data, (ExitPayoutClaim)));
        } else if (kind == uint8(TxKind.StartChildExit)) {
            if (data.length > MAX_TX_BYTES) return (false, token, amount, recipient);
            again = abi.encode(abi.decode(data, (ChildExitStart)));
        } else if (kind == uint8(TxKind.StartChildDepositExit)) {
            again = abi.encode(abi.decode(data, (ChildDepositExit)));
        } else if (kind == uint8(TxKind.StakeChild)) {
            ChildStake memory stake = abi.decode(data, (ChildStake));
            amount = stake.amount;
            again = abi.encode(stake);
        } else if (kind == uint8(TxKind.BondChild)) {
            if (data.length > MAX_BOND_BYTES) return (false, token, amount, recipient);
            ChildBond memory bond = abi.decode(data, (ChildBond));
            amount = bond.amount;
            again = abi.encode(bond);
        } else if (kind >= ExitGame.REGISTER_CHILD && kind <= ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT) {
            if (data.length > MAX_TX_BYTES) return (false, token, amount, recipient);
            again = _systemPayload(kind, data);
        } else {
            revert WrongKind(kind);
        }
        canonical = keccak256(again) == keccak256(data);
    }

    /// The payload of system kind `kind`, decoded and encoded again.
    function _systemPayload(uint8 kind, bytes calldata data) private pure returns (bytes memory) {
        if (kind == ExitGame.REGISTER_CHILD) return abi.encode(abi.decode(data, (ChildRegistration)));
        if (kind == ExitGame.CHILD_CHECKPOINT) {
            LinkedCheckpoint memory cp = abi.decode(data, (LinkedCheckpoint));
            // Past the history tree's last leaf: refused as a payload that does not decode.
            if (cp.checkpoint.header.height >> Merkle.HISTORY_DEPTH != 0) return "";
            return abi.encode(cp);
        }
        if (kind == ExitGame.CHALLENGE_CHILD_EXIT) return abi.encode(abi.decode(data, (ChildExitChallenge)));
        if (kind == ExitGame.PROVE_CHILD_FRAUD) return abi.encode(abi.decode(data, (ChildFraudProof)));
        return abi.encode(abi.decode(data, (ChildDepositExitChallenge)));
    }

    /// @notice `ledger::form::check_form`: whether `stx` has a form some state could accept.
    /// Reverts (`PayloadCheckOutOfGas`, or out of gas) rather than answer on a starved check.
    function wellFormed(SignedTransaction calldata stx) external view returns (bool) {
        // Its leaf larger than a block's reader takes (`ledger::form::FormError::TooLarge`).
        if (abi.encode(stx).length > MAX_TX_BYTES) return false;
        Transaction calldata t = stx.transaction;
        (bool known, uint256 imin, uint256 imax, uint256 omin, uint256 omax) = _shape(t.kind);
        uint256 n = t.inputs.length;
        uint256 m = t.outputs.length;
        if (!known || n < imin || n > imax || m < omin || m > omax || stx.signatures.length != n) return false;
        // A system kind's payload must decode canonically; what it says, and its outputs, are
        // judged against the parent's state.
        if (t.kind >= ExitGame.REGISTER_CHILD) {
            uint256 before = gasleft();
            try this.decodePayload(t.kind, t.data) returns (bool canonical, address, uint256, address) {
                if (!canonical) return false;
            } catch {
                _notOutOfGas(before);
                return false;
            }
            // Checked outside the `try`: running out of gas here reverts the proof, never
            // convicts.
            if (t.kind == ExitGame.REGISTER_CHILD) return _registrationHolds(abi.decode(t.data, (ChildRegistration)));
            return true;
        }
        address[] memory tokens = new address[](m + 1);
        uint256[] memory sums = new uint256[](m + 1);
        uint256 distinct;
        bool ok;
        for (uint256 i = 0; i < m; ++i) {
            Output calldata out = t.outputs[i];
            if (out.amount == 0 || out.owner == address(0)) return false;
            (distinct, ok) = _add(tokens, sums, distinct, out.token, out.amount);
            if (!ok) return false;
        }
        uint256 gasBefore = gasleft();
        try this.decodePayload(t.kind, t.data) returns (
            bool canonical, address token, uint256 amount, address recipient
        ) {
            if (!canonical) return false;
            if (t.kind == uint8(TxKind.DepositToChild) && (amount == 0 || recipient == address(0))) return false;
            if (t.kind == uint8(TxKind.StakeChild) && amount == 0) return false;
            // A bond buys a whole number of power units, 1 to 2^64 - 1 (`types::power_of`).
            if (
                t.kind == uint8(TxKind.BondChild)
                    && (amount % POWER_UNIT != 0 || amount / POWER_UNIT == 0 || amount / POWER_UNIT > type(uint64).max)
            ) return false;
            (, ok) = _add(tokens, sums, distinct, token, amount);
            return ok;
        } catch {
            _notOutOfGas(gasBefore);
            return false;
        }
    }

    /// `ledger::registration::check_registration`: parameters in range, 1 to
    /// `MAX_CHILD_VALIDATORS` validators with one proof of possession each, no operator or key
    /// twice, no validator without power, and every key's proof of possession checking out.
    function _registrationHolds(ChildRegistration memory r) private view returns (bool) {
        ChildParams memory p = r.params;
        if (p.epochLength == 0 || p.epochLength > MAX_CHECKPOINT_GAP || p.exitPeriod == 0) return false;
        uint256 n = r.validators.length;
        if (n == 0 || n > MAX_CHILD_VALIDATORS || r.proofsOfPossession.length != n) return false;
        for (uint256 i = 0; i < n; ++i) {
            Validator memory v = r.validators[i];
            if (v.power == 0) return false;
            bytes32 key = keccak256(v.blsPubkey);
            for (uint256 j = 0; j < i; ++j) {
                if (r.validators[j].operator == v.operator || keccak256(r.validators[j].blsPubkey) == key) {
                    return false;
                }
            }
            if (!possessed(v.operator, v.blsPubkey, r.proofsOfPossession[i])) return false;
        }
        return true;
    }

    /// @notice Whether `pop` proves `key` possessed by `operator`: both valid points other than the
    /// point at infinity, and `pop` a signature by `key` of `abi.encode(operator, key)` (what
    /// `PlasmaRoot.bond` checks, and `ledger::bls::BlsPublicKey::verify_possession`).
    function possessed(address operator, bytes memory key, bytes memory pop) public view returns (bool) {
        if (key.length != BLS.G2_LEN || pop.length != BLS.G1_LEN) return false;
        if (BLS.isInfinity(key) || BLS.isInfinity(pop)) return false;
        bytes memory h = BLS.hashToG1(abi.encode(operator, key), BLS.POP_DST);
        (bool valid, bool holds) = BLS.tryPairing2(pop, h, key);
        return valid && holds;
    }

    /// A call that ran out of gas leaves at most 1/64 of what there was before it (EIP-150):
    /// that is no verdict on the payload, or a prover could convict an honest block by
    /// choosing the gas of its proof.
    function _notOutOfGas(uint256 before) private view {
        if (gasleft() <= before / 64) revert PayloadCheckOutOfGas();
    }

    /// The inputs and outputs kind `kind` takes, as inclusive ranges (`ledger::form::shape`).
    function _shape(uint8 kind)
        private
        pure
        returns (bool known, uint256 imin, uint256 imax, uint256 omin, uint256 omax)
    {
        if (kind == uint8(TxKind.Transfer)) return (true, 1, 4, 1, 4);
        if (
            kind == uint8(TxKind.DepositToChild) || kind == uint8(TxKind.StartChildExit)
                || kind == uint8(TxKind.StartChildDepositExit) || kind == uint8(TxKind.StakeChild)
                || kind == uint8(TxKind.BondChild)
        ) return (true, 1, 4, 0, 4);
        if (kind == uint8(TxKind.ExitPayout)) return (true, 0, 0, 0, 2);
        if (kind == uint8(TxKind.Deposit)) return (true, 0, 0, 1, 1);
        if (kind == ExitGame.REGISTER_CHILD || kind == ExitGame.CHILD_CHECKPOINT) return (true, 0, 0, 0, 0);
        if (
            kind == ExitGame.CHALLENGE_CHILD_EXIT || kind == ExitGame.PROVE_CHILD_FRAUD
                || kind == ExitGame.CHALLENGE_CHILD_DEPOSIT_EXIT
        ) return (true, 0, 0, 0, 1);
    }

    /// Adds `amount` of `token` to the running sums; `ok` is false if a sum passes 2^256.
    function _add(address[] memory tokens, uint256[] memory sums, uint256 distinct, address token, uint256 amount)
        private
        pure
        returns (uint256, bool ok)
    {
        uint256 j = _slot(tokens, distinct, token);
        if (j == distinct) tokens[distinct++] = token;
        unchecked {
            uint256 sum = sums[j] + amount;
            if (sum < amount) return (distinct, false);
            sums[j] = sum;
        }
        return (distinct, true);
    }

    function _slot(address[] memory tokens, uint256 len, address token) private pure returns (uint256 j) {
        for (j = 0; j < len; ++j) {
            if (tokens[j] == token) return j;
        }
    }
}
