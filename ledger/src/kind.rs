//! The one vocabulary of transaction kinds.
//!
//! `Transaction.kind` is a byte. The kinds users sign and validators mint are declared in
//! `contracts/src/PlasmaTypes.sol` (`TxKind`, which the contracts read); the system kinds a
//! plasma parent judges for its children (16 and above) are declared here, and the contracts
//! that must recognise one (`ExitGame.sol`) repeat its number. Rust code names every kind
//! through [`Kind`] and never through the byte or the generated `TxKind`.

use crate::types::{Transaction, TxKind};

/// Every kind of transaction a chain executes, numbered as `Transaction.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// Spends signed inputs into outputs; value is conserved per asset.
    Transfer = TxKind::Transfer as u8,
    /// Mints one output from the parent's deposit record (minted by validators).
    Deposit = TxKind::Deposit as u8,
    /// Spends signed inputs and locks part of the value into a child's escrow.
    DepositToChild = TxKind::DepositToChild as u8,
    /// Pays a matured exit of a child from its escrow (minted by validators).
    ExitPayout = TxKind::ExitPayout as u8,
    /// Starts an exit of a child's output; the signed inputs pay the exit bond.
    StartChildExit = TxKind::StartChildExit as u8,
    /// Bonds ETH as stake of a child's validator.
    StakeChild = TxKind::StakeChild as u8,
    /// Bonds ETH and a BLS key: the child's next configuration includes the signer.
    BondChild = TxKind::BondChild as u8,
    /// Starts an exit of a deposit into a child from this chain's record of it (the child may
    /// never have minted it); the signed inputs pay the exit bond.
    StartChildDepositExit = TxKind::StartChildDepositExit as u8,
    /// System: registers a child (`data` = `ChildRegistration`).
    RegisterChild = 16,
    /// System: submits a child's checkpoint (`data` = `Checkpoint`).
    ChildCheckpoint = 17,
    /// System: challenges a child's exit, paying its bond (`data` = `ChildExitChallenge`).
    ChallengeChildExit = 18,
    /// System: proves fraud of a child, paying the prover (`data` = `ChildFraudProof`).
    ProveChildFraud = 19,
    /// System: challenges an exit of a deposit into a child with a spend of its minted
    /// output, paying its bond (`data` = `ChildDepositExitChallenge`).
    ChallengeChildDepositExit = 20,
}

impl Kind {
    /// Every kind, in numeric order.
    pub const ALL: [Kind; 13] = [
        Kind::Transfer,
        Kind::Deposit,
        Kind::DepositToChild,
        Kind::ExitPayout,
        Kind::StartChildExit,
        Kind::StakeChild,
        Kind::BondChild,
        Kind::StartChildDepositExit,
        Kind::RegisterChild,
        Kind::ChildCheckpoint,
        Kind::ChallengeChildExit,
        Kind::ProveChildFraud,
        Kind::ChallengeChildDepositExit,
    ];

    /// The kind numbered `byte`, if it is one this ledger knows.
    pub fn of(byte: u8) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| *k as u8 == byte)
    }

    /// Its `Transaction.kind` byte.
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// A system kind: no inputs and no signatures, valid by its payload alone, so anyone may
    /// submit one.
    pub const fn is_system(self) -> bool {
        self as u8 >= Kind::RegisterChild as u8
    }

    /// Whether users may submit it: exactly the kinds that spend signed inputs (the others
    /// are minted by the validators or are system transactions, valid by their payload).
    pub const fn is_user_submittable(self) -> bool {
        matches!(
            self,
            Kind::Transfer
                | Kind::DepositToChild
                | Kind::StartChildExit
                | Kind::StakeChild
                | Kind::BondChild
                | Kind::StartChildDepositExit
        )
    }
}

/// Whether a kind byte is a system kind (16 and above), known or not: the block executor
/// routes these to the registry's judge, which refuses unknown ones.
pub const fn is_system_byte(byte: u8) -> bool {
    byte >= Kind::RegisterChild as u8
}

impl From<Kind> for u8 {
    fn from(kind: Kind) -> u8 {
        kind as u8
    }
}

impl Transaction {
    /// The transaction's kind, if it is one this ledger knows.
    pub fn tx_kind(&self) -> Option<Kind> {
        Kind::of(self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_and_minted_kinds_are_numbered_as_the_contracts_number_them() {
        for byte in 0..=u8::MAX {
            let solidity = TxKind::try_from(byte).ok().filter(|k| *k != TxKind::Invalid);
            let ours = Kind::of(byte).filter(|k| !k.is_system());
            assert_eq!(solidity.map(|k| k as u8), ours.map(Kind::byte), "kind {byte}");
        }
    }

    #[test]
    fn system_kinds_are_exactly_the_known_kinds_from_16() {
        let system: Vec<u8> =
            Kind::ALL.iter().filter(|k| k.is_system()).map(|k| k.byte()).collect();
        assert_eq!(system, vec![16, 17, 18, 19, 20]);
        assert!(Kind::of(0).is_none() && Kind::of(9).is_none() && Kind::of(21).is_none());
        assert!(is_system_byte(21) && !is_system_byte(15));
    }
}
