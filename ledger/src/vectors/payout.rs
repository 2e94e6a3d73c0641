//! Vectors of the overdrawn-payout kind: the fraud world's chain extended past its checkpoint
//! at 5 by an exit of an output of the child registered in block 4, a lock into that child and
//! an exit of it from the record, and payouts of both, under a checkpoint at 9 of all four
//! validators.

use crate::build::{sign, transaction};
use crate::exit::ExitKey;
use crate::fraud::Shows;
use crate::fraud::{self, FraudError, FraudVerdict};
use crate::kind::Kind;
use crate::registration::child_chain_id;
use crate::testkit::{self, FraudWorld};
use crate::types::{
    decode, Checkpoint, ChildDeposit, ChildDepositExit, ChildExitStart, ChildFraudProof,
    ChildRegistration, CommitCertificate, EquivocationEvidence, ExitPayoutClaim,
    FraudKind as SolFraudKind, FraudProof, IncludedTx, Output, PayoutEvidence, RegistrationProof,
    SignedTransaction, TxInclusion, TxRef, UtxoPos, VoidedAnchorEvidence, MAX_TX_BYTES,
};
use crate::types::{CancellationEvidence, LinkEvidence};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;

/// A case: its name, its evidence, and the ledger's verdict.
pub(super) type Case = (String, PayoutEvidence, Result<FraudVerdict, FraudError>);
/// A case of a payout standing on a voided anchor: its name, its evidence, the ledger's verdict.
pub(super) type VoidedCase = (String, VoidedAnchorEvidence, Result<FraudVerdict, FraudError>);
/// A case of a cancellation and the fraud proof it names: its name, its evidence, the ledger's
/// verdict.
pub(super) type CancelCase = (String, CancellationEvidence, Result<FraudVerdict, FraudError>);
/// The vectors of one checkpoint: overdrawn payouts, voided payouts, cancellations.
pub(super) type Cases = (Checkpoint, Vec<Case>, Vec<VoidedCase>, Vec<CancelCase>);

/// The checkpoint the cases are anchored to, and `(name, evidence, the ledger's verdict)` for
/// each: Alice's exit of 30 (block 6) paid in its own block, before it is due; once due
/// (block 7), paid one more than it claims, and paid what it is owed; the latter shown with
/// the early payout as its start, and with the registration of another child; cancelled with
/// its bond back (owed), and cancelled paying its claim too; and her exit from the record of
/// the deposit she locked in block 6, paid in its own block, cancelled in block 7, and once due
/// (block 8) paid what it is owed (also shown with another transaction as its lock), and paid
/// one more; and a payout of her exit from the record naming a place that holds no lock. Then,
/// in block 8, her exit of an output paid 20 while the escrow kept 10, its bond paid back
/// short, a cancellation saying it takes 1, and two owed: in full with the escrow keeping 5, and
/// 25 (what the escrow held). And the voided cases: her exit of the same output restarted under
/// the child's block 1 (6:6), a proof that the child's validators certified two blocks at 1
/// (6:7), and, once due, that exit paid in full (7:5) and cancelled (7:6). And the cancellation
/// cases: that exit cancelled naming no fraud proof (7:6), the proof at 6:7 (owed, 7:7), her
/// start (7:8), nothing (7:9), a later proof that the child's validators certified two blocks at
/// 2 (7:10) — above the exit's anchor (7:11) —, and the one at 6:7 after it (7:12); a proof
/// shown under the child's checkpoint at 3 (7:13), named by the cancellation of her exit
/// restarted under that checkpoint (6:8; owed, 7:14) and of the one under block 1 (7:15).
pub(super) fn cases(world: &FraudWorld) -> Cases {
    let mut chain = world.chain.clone();
    let registration = |index: u32| {
        let tx = &chain.blocks[3].transactions[index as usize].transaction;
        let reg: ChildRegistration =
            decode("ChildRegistration", &tx.data, MAX_TX_BYTES).expect("a registration");
        (child_chain_id(chain.domain.chain_id, &reg), reg.params)
    };
    let (child, params) = registration(world.well_formed_registration);
    let alice = testkit::user("alice");
    // The claimed output: 30 wei to Alice, output 0 of a transfer of the child in a block at
    // time 0 (its inclusion is not this kind's to judge).
    let claimed = transaction(
        Kind::Transfer,
        vec![],
        vec![Output::new(alice.address(), Address::ZERO, U256::from(30))],
        vec![],
    );
    let exit_id = ExitKey::output(&claimed, 0).exit_id();
    let start = ChildExitStart {
        childChainId: child,
        pos: UtxoPos::new(2, 0, 0),
        inclusion: TxInclusion {
            signedTx: SignedTransaction { transaction: claimed, signatures: vec![] },
            ..Default::default()
        },
        ..Default::default()
    };
    let start_tx = sign(
        &chain.domain,
        transaction(Kind::StartChildExit, vec![], vec![], start.abi_encode()),
        &[&alice],
    );
    // A payout of `exit` naming the start at `link`, paying Alice `amount` (none when zero)
    // and the bond, saying whether it `cancels`.
    let pay = |exit: B256, link: u32, amount: u64, cancels: bool| {
        let claim = ExitPayoutClaim {
            childChainId: child,
            exitId: exit,
            startHeight: 6,
            startIndex: link,
            cancels,
            token: Address::ZERO,
            paid: if cancels { U256::ZERO } else { U256::from(amount) },
            ..Default::default()
        };
        let claimed = Output::new(alice.address(), Address::ZERO, U256::from(amount));
        let bond = Output::new(alice.address(), Address::ZERO, params.exitBond);
        let outputs = if amount == 0 { vec![bond] } else { vec![claimed, bond] };
        let tx = transaction(Kind::ExitPayout, vec![], outputs, claim.abi_encode());
        SignedTransaction { transaction: tx, signatures: vec![] }
    };
    let payout = |extra: u64| pay(exit_id, 0, 30 + extra, false);
    // A payout of Alice's exit of an output (6:0) taking `paid` and leaving `escrowed`, paying
    // her `amounts` in ETH, saying whether it `cancels`.
    let pay_as = |(paid, escrowed): (u64, u64), amounts: &[U256], cancels: bool| {
        let claim = ExitPayoutClaim {
            childChainId: child,
            exitId: exit_id,
            startHeight: 6,
            cancels,
            paid: U256::from(paid),
            escrowed: U256::from(escrowed),
            ..Default::default()
        };
        let outputs =
            amounts.iter().map(|a| Output::new(alice.address(), Address::ZERO, *a)).collect();
        let tx = transaction(Kind::ExitPayout, vec![], outputs, claim.abi_encode());
        SignedTransaction { transaction: tx, signatures: vec![] }
    };
    let (n, bond) = (U256::from, params.exitBond);
    // Her exit of the same output restarted under the child's checkpoint at `height`.
    let start_under = |height: u64| {
        let anchor = crate::types::BlockHeader { chainId: child, height, ..Default::default() };
        let restart = ChildExitStart { anchor, ..start.clone() };
        let tx = transaction(Kind::StartChildExit, vec![], vec![], restart.abi_encode());
        sign(&chain.domain, tx, &[&alice])
    };
    // The proof that the child's validators certified two blocks at `height`.
    let equivocation_at = |height: u64| {
        let at = |round| CommitCertificate { height, round, ..Default::default() };
        let equivocation = EquivocationEvidence { a: at(0), b: at(1) };
        let fraud = ChildFraudProof {
            childChainId: child,
            proof: FraudProof {
                kind: SolFraudKind::Equivocation as u8,
                evidence: equivocation.abi_encode().into(),
                ..Default::default()
            },
            prover: alice.address(),
            ..Default::default()
        };
        let tx = transaction(Kind::ProveChildFraud, vec![], vec![], fraud.abi_encode());
        SignedTransaction { transaction: tx, signatures: vec![] }
    };
    // A proof against the child shown under its checkpoint at 3 (of another kind than an
    // equivocation: what it convicts may lie below 3).
    let shown_at_three = ChildFraudProof {
        childChainId: child,
        proof: FraudProof {
            kind: SolFraudKind::DoubleSpend as u8,
            anchor: crate::types::BlockHeader { chainId: child, height: 3, ..Default::default() },
            ..Default::default()
        },
        prover: alice.address(),
        ..Default::default()
    };
    let shown_at_three = SignedTransaction {
        transaction: transaction(
            Kind::ProveChildFraud,
            vec![],
            vec![],
            shown_at_three.abi_encode(),
        ),
        signatures: vec![],
    };
    // A cancellation of her exit started at 6:`start` naming the fraud proof at
    // `(height, index)`.
    let cancel_naming = |start: u32, (height, index): (u64, u32)| {
        let mut tx = pay(exit_id, start, 0, true);
        let claim = ExitPayoutClaim::abi_decode(&tx.transaction.data).expect("a claim");
        let claim = ExitPayoutClaim { escrowHeight: height, escrowIndex: index, ..claim };
        tx.transaction.data = claim.abi_encode().into();
        tx
    };
    // Alice's lock of 40 into the child (6:2), and her exit of that deposit from the parent's
    // record (6:3), numbered by where the lock stands.
    let deposit = ChildDeposit {
        childChainId: child,
        recipient: alice.address(),
        token: Address::ZERO,
        amount: U256::from(40),
        registeredHeight: 4,
        registeredIndex: world.well_formed_registration,
        ..Default::default()
    };
    let lock = transaction(Kind::DepositToChild, vec![], vec![], deposit.abi_encode());
    let nonce = TxRef { height: 6, index: 2 }.deposit_nonce();
    let record = ChildDepositExit { childChainId: child, nonce, ..Default::default() };
    let record_start = sign(
        &chain.domain,
        transaction(Kind::StartChildDepositExit, vec![], vec![], record.abi_encode()),
        &[&alice],
    );
    let record_exit = ExitKey::Deposit(nonce).exit_id();
    // A start of an exit from the record naming her start of an exit of an output (6:0) as the
    // deposit's lock.
    let no_lock = TxRef { height: 6, index: 0 }.deposit_nonce();
    let unfounded = ChildDepositExit { childChainId: child, nonce: no_lock, ..Default::default() };
    let unfounded_start = sign(
        &chain.domain,
        transaction(Kind::StartChildDepositExit, vec![], vec![], unfounded.abi_encode()),
        &[&alice],
    );
    chain.commit_unchecked(vec![
        start_tx,
        payout(0),
        sign(&chain.domain, lock, &[&alice]),
        record_start,
        pay(record_exit, 3, 40, false),
        unfounded_start,
        // Under the child's block 1, which the proof that its validators certified two
        // blocks at 1 voids; then under its checkpoint at 3.
        start_under(1),
        equivocation_at(1),
        start_under(3),
    ]);
    // Block 7 at the exit of an output's due time: its period past block 6 (the claimed block
    // is older); block 8 at the record exit's, two periods past the lock.
    chain.clock_offset += params.exitPeriod - 10;
    chain.commit_unchecked(vec![
        payout(1),
        payout(0),
        pay(exit_id, 0, 0, true),
        pay(exit_id, 0, 30, true),
        pay(record_exit, 3, 0, true),
        pay(exit_id, 6, 30, false),
        pay(exit_id, 6, 0, true),
        cancel_naming(6, (6, 7)),
        cancel_naming(6, (6, 0)),
        cancel_naming(6, (6, 40)),
        equivocation_at(2),
        cancel_naming(6, (7, 10)),
        cancel_naming(6, (6, 7)),
        shown_at_three,
        cancel_naming(8, (7, 13)),
        cancel_naming(6, (7, 13)),
    ]);
    chain.clock_offset += params.exitPeriod - 10;
    chain.commit_unchecked(vec![
        pay(record_exit, 3, 40, false),
        pay(record_exit, 3, 41, false),
        pay(ExitKey::Deposit(no_lock).exit_id(), 5, 40, false),
        pay_as((20, 10), &[n(20), bond], false),
        pay_as((30, 0), &[n(30), bond - n(1)], false),
        pay_as((1, 0), &[bond], true),
        pay_as((30, 5), &[n(30), bond], false),
        pay_as((25, 0), &[n(25), bond], false),
    ]);
    chain.commit_unchecked(vec![]);
    let (keys, set) = testkit::committee(4);
    let header = chain.tip().clone();
    let checkpoint = Checkpoint { certificate: testkit::certify_all(&set, &keys, &header), header };

    let included = |height: u64, index: u32| chain.included(height, index);
    let registered = |index: u32| RegistrationProof {
        height: 4,
        txIndex: index,
        inclusion: chain.inclusion(4, index),
    };
    let evidence = |(height, index): (u64, u32), start: IncludedTx, reg: u32| PayoutEvidence {
        payout: included(height, index),
        start,
        registration: registered(reg),
        lock: IncludedTx::default(),
    };
    let (reg, another) = (world.well_formed_registration, world.another_registration);
    let of_record = |payout: (u64, u32), lock: IncludedTx| PayoutEvidence {
        lock,
        ..evidence(payout, included(6, 3), reg)
    };
    let all = [
        ("early", evidence((6, 1), included(6, 0), reg)),
        ("exceeds", evidence((7, 0), included(6, 0), reg)),
        ("owed", evidence((7, 1), included(6, 0), reg)),
        ("owed_shown_another_start", evidence((7, 1), included(6, 1), reg)),
        ("owed_shown_another_child", evidence((7, 1), included(6, 0), another)),
        ("cancellation_owed", evidence((7, 2), included(6, 0), reg)),
        ("cancellation_naming_its_fraud_proof", evidence((7, 7), included(6, 6), reg)),
        ("cancellation_paying_the_claim", evidence((7, 3), included(6, 0), reg)),
        ("record_exit_cancelled", evidence((7, 4), included(6, 3), reg)),
        ("record_exit_early", of_record((6, 4), included(6, 2))),
        ("record_exit_owed", of_record((8, 0), included(6, 2))),
        ("record_exit_exceeds", of_record((8, 1), included(6, 2))),
        ("record_exit_owed_shown_another_lock", of_record((8, 0), included(6, 0))),
        (
            "record_exit_of_no_lock",
            PayoutEvidence { lock: included(6, 0), ..evidence((8, 2), included(6, 5), reg) },
        ),
        ("underpaid", evidence((8, 3), included(6, 0), reg)),
        ("bond_short", evidence((8, 4), included(6, 0), reg)),
        ("cancellation_taking", evidence((8, 5), included(6, 0), reg)),
        ("owed_leaving_escrow", evidence((8, 6), included(6, 0), reg)),
        ("owed_what_the_escrow_held", evidence((8, 7), included(6, 0), reg)),
    ];
    let judged = all
        .into_iter()
        .map(|(name, e)| {
            let anchor = &checkpoint.header;
            let verdict = fraud::verify_overdrawn_payout(chain.domain.chain_id, anchor, &e);
            (format!("overdrawn_payout_{name}"), e, verdict)
        })
        .collect();
    let voided = |payout: (u64, u32), start: IncludedTx| VoidedAnchorEvidence {
        fraud: included(6, 7),
        voided: included(payout.0, payout.1),
        start,
    };
    let voided = [
        ("paid", voided((7, 5), included(6, 6))),
        ("paid_shown_another_start", voided((7, 5), included(6, 0))),
        ("cancelled", voided((7, 6), included(6, 6))),
        ("paid_below_the_fraud", voided((7, 1), included(6, 0))),
    ]
    .into_iter()
    .map(|(name, e)| {
        let verdict = fraud::verify_voided_anchor(chain.domain.chain_id, &checkpoint.header, &e);
        (format!("voided_payout_{name}"), e, verdict)
    })
    .collect();
    let cancelled = |at: u32, shows: Shows, shown: IncludedTx, start: IncludedTx| {
        let link = LinkEvidence { linking: included(7, at), shows: shows as u8, shown };
        CancellationEvidence { link, start }
    };
    let none = IncludedTx::default;
    let cancelled = [
        ("naming_none", cancelled(6, Shows::Nothing, none(), none())),
        ("owed", cancelled(7, Shows::Linked, included(6, 7), included(6, 6))),
        ("owed_shown_another_start", cancelled(7, Shows::Linked, included(6, 7), included(6, 0))),
        ("naming_no_fraud_proof", cancelled(8, Shows::Linked, included(6, 0), none())),
        ("naming_nothing", cancelled(9, Shows::Nothing, included(6, 8), none())),
        (
            "under_a_proof_above_its_anchor",
            cancelled(11, Shows::Linked, included(7, 10), included(6, 6)),
        ),
        ("naming_an_earlier_proof", cancelled(12, Shows::Later, included(7, 10), none())),
        ("shown_a_later_cancellation", cancelled(12, Shows::Later, included(7, 11), none())),
        ("owed_at_the_height_shown", cancelled(14, Shows::Linked, included(7, 13), included(6, 8))),
        ("below_the_height_shown", cancelled(15, Shows::Linked, included(7, 13), included(6, 6))),
    ]
    .into_iter()
    .map(|(name, e)| {
        let anchor = &checkpoint.header;
        let verdict = fraud::verify_unfounded_cancellation(chain.domain.chain_id, anchor, &e);
        (format!("unfounded_cancellation_{name}"), e, verdict)
    })
    .collect();
    (checkpoint, judged, voided, cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraud::FraudKind;

    #[test]
    fn a_payout_before_due_or_of_more_than_owed_is_convicted_and_the_owed_one_never() {
        let (_, judged, ..) = cases(&FraudWorld::new(0));
        let verdict = |name: &str| {
            let full = format!("overdrawn_payout_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let at = |name: &str| verdict(name).map(|v| (v.kind, v.height));
        assert_eq!(at("early"), Ok((FraudKind::OverdrawnPayout, 6)));
        assert_eq!(at("exceeds"), Ok((FraudKind::OverdrawnPayout, 7)));
        assert_eq!(verdict("owed"), Err(FraudError::Owed));
        assert_eq!(verdict("owed_shown_another_start"), Err(FraudError::NotTheStart));
        assert!(matches!(verdict("owed_shown_another_child"), Err(FraudError::NotTheChild { .. })));
        // A cancellation is owed its bond alone; an exit from the record is never cancelled,
        // and is owed its lock's deposit and the bond once due.
        assert_eq!(verdict("cancellation_owed"), Err(FraudError::Owed));
        assert_eq!(verdict("cancellation_naming_its_fraud_proof"), Err(FraudError::Owed));
        assert_eq!(at("cancellation_paying_the_claim"), Ok((FraudKind::OverdrawnPayout, 7)));
        assert_eq!(at("record_exit_cancelled"), Ok((FraudKind::OverdrawnPayout, 7)));
        assert_eq!(at("record_exit_early"), Ok((FraudKind::OverdrawnPayout, 6)));
        assert_eq!(verdict("record_exit_owed"), Err(FraudError::Owed));
        assert_eq!(at("record_exit_exceeds"), Ok((FraudKind::OverdrawnPayout, 8)));
        assert!(matches!(
            verdict("record_exit_owed_shown_another_lock"),
            Err(FraudError::Inclusion(crate::exit::InclusionError::WrongIndex { .. }))
        ));
        // A start no lock founds is the unfounded-deposit-exit kind's to convict.
        assert_eq!(verdict("record_exit_of_no_lock"), Err(FraudError::NotTheLock));
        // Paid less than the escrow held of the claim, or the bond short, or a cancellation
        // taking from the escrow: convicted; paid what the escrow held of it: owed.
        assert_eq!(at("underpaid"), Ok((FraudKind::OverdrawnPayout, 8)));
        assert_eq!(at("bond_short"), Ok((FraudKind::OverdrawnPayout, 8)));
        assert_eq!(at("cancellation_taking"), Ok((FraudKind::OverdrawnPayout, 8)));
        assert_eq!(verdict("owed_leaving_escrow"), Err(FraudError::Owed));
        assert_eq!(verdict("owed_what_the_escrow_held"), Err(FraudError::Owed));
    }

    #[test]
    fn a_payout_in_full_of_an_exit_a_fraud_proof_voided_is_convicted_and_no_other() {
        let (_, _, judged, _) = cases(&FraudWorld::new(0));
        let verdict = |name: &str| {
            let full = format!("voided_payout_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let paid = verdict("paid").expect("convicted");
        assert_eq!((paid.kind, paid.height), (FraudKind::VoidedAnchor, 7));
        assert_eq!(verdict("paid_shown_another_start"), Err(FraudError::NotTheStart));
        let payout = Kind::ExitPayout as u8;
        assert_eq!(verdict("cancelled"), Err(FraudError::WrongKind(payout)));
        // Its start stands on no checkpoint (height 0), below the one the fraud is shown at.
        assert_eq!(verdict("paid_below_the_fraud"), Err(FraudError::BelowTheFraud));
    }

    #[test]
    fn a_cancellation_of_an_exit_the_proof_it_names_did_not_void_is_convicted_and_no_other() {
        let (.., judged) = cases(&FraudWorld::new(0));
        let verdict = |name: &str| {
            let full = format!("unfounded_cancellation_{name}");
            judged.iter().find(|(n, ..)| *n == full).map(|(.., v)| v.clone()).expect(name)
        };
        let at = |name: &str| verdict(name).map(|v| (v.kind, v.height));
        let convicted = Ok((FraudKind::UnfoundedCancellation, 7));
        // Naming where no proof was heard, a transaction no proof, nothing, a proof shown above
        // the exit's anchor, or a proof a later one followed: convicted.
        for name in [
            "naming_none",
            "naming_no_fraud_proof",
            "naming_nothing",
            "under_a_proof_above_its_anchor",
            "naming_an_earlier_proof",
            "below_the_height_shown",
        ] {
            assert_eq!(at(name), convicted, "{name}");
        }
        // Naming the latest proof, which voided the exit's anchor: owed.
        assert_eq!(verdict("owed"), Err(FraudError::Follows));
        // A proof shown under a checkpoint voids every exit anchored there: what it convicts
        // lies at or below it, with no checkpoint the parent accepted between.
        assert_eq!(verdict("owed_at_the_height_shown"), Err(FraudError::Follows));
        assert_eq!(verdict("owed_shown_another_start"), Err(FraudError::NotTheStart));
        assert_eq!(verdict("shown_a_later_cancellation"), Err(FraudError::NotLater));
    }
}
