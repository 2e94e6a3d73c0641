//! The law's cases about a child's escrow: a lock or payout standing on another escrow than
//! the parent's history shows. Each would let a quorum pay the child's exits more than was
//! ever locked into the child, minting on the parent what no deposit backs.

use super::exits::{after_acceptance, alices};
use super::payouts::{after_start_all, paying};
use super::*;
use plasma_ledger::children::escrow_at;
use plasma_ledger::view::LedgerView;
use plasma_ledger::{ChildDeposit, ExitPayoutClaim};

/// `stx`, a lock or payout, with its claim edited by `edit` (its escrow link is no signed
/// data: a lock's signatures still hold).
fn relinked_as(
    mut stx: SignedTransaction,
    edit: impl FnOnce(&mut (TxRef, U256, U256)),
) -> SignedTransaction {
    let tx = &mut stx.transaction;
    tx.data = if tx.kind == Kind::DepositToChild as u8 {
        let mut l = ChildDeposit::abi_decode(&tx.data).expect("a lock");
        let mut link =
            (TxRef { height: l.escrowHeight, index: l.escrowIndex }, l.escrowed, l.amount);
        edit(&mut link);
        (l.escrowHeight, l.escrowIndex, l.escrowed) = (link.0.height, link.0.index, link.1);
        l.abi_encode().into()
    } else {
        let mut p = ExitPayoutClaim::abi_decode(&tx.data).expect("a payout");
        let mut link = (TxRef { height: p.escrowHeight, index: p.escrowIndex }, p.escrowed, p.paid);
        edit(&mut link);
        (p.escrowHeight, p.escrowIndex, p.escrowed, p.paid) =
            (link.0.height, link.0.index, link.1, link.2);
        p.abi_encode().into()
    };
    stx
}

/// Alice's lock of 10 of her 50 (3:3:0) into `child`, registered at 3:0, as she signs it: no
/// escrow link.
fn alices_lock(c: &TestChain, child: u64) -> SignedTransaction {
    let lock = ChildDeposit {
        childChainId: child,
        recipient: testkit::user("alice").address(),
        token: Address::ZERO,
        amount: U256::from(10),
        registeredHeight: 3,
        registeredIndex: 0,
        ..Default::default()
    };
    alices(c, Kind::DepositToChild, (3, 3), 40, lock.abi_encode())
}

#[test]
fn every_payout_taking_more_than_the_childs_escrow_holds_is_convicted_by_the_watchers_proof() {
    // The child's escrow holds Alice's lock of 40 (3:2); two exits of 20 are due. Block 5 pays
    // the first as owed, but for its escrow link.
    type Edit = fn(&mut (TxRef, U256, U256));
    let cases: [(&str, Edit); 6] = [
        ("a payout leaving the escrow holding what it took", |l| l.1 += l.2),
        ("a payout taking more than the escrow holds", |l| *l = (l.0, U256::ZERO, U256::from(41))),
        ("a payout naming the child's registration, not the lock since", |l| {
            l.0 = TxRef { height: 3, index: 0 }
        }),
        ("a payout naming a transfer as its escrow's last change", |l| {
            l.0 = TxRef { height: 2, index: 0 }
        }),
        ("a payout naming a place past its block's end", |l| l.0 = TxRef { height: 3, index: 9 }),
        ("a payout naming itself", |l| l.0 = TxRef { height: 5, index: 0 }),
    ];
    for (name, edit) in cases {
        let (chain, honest) = after_start_all((40, 0), |c, child, exits| {
            vec![relinked_as(paying(c, child, exits[0], 0), edit)]
        });
        assert_convicted(name, &chain, &honest, 5, |_| 5);
    }
    // Two payouts in one block drawing on the same 40, the second naming the lock, not the
    // first: the second is convicted, whatever escrow it says is left.
    let (chain, honest) = after_start_all((40, 0), |c, child, [first, second]| {
        let first = paying(c, child, first, 0);
        let again = relinked_as(paying(c, child, second, 0), |l| l.1 = U256::from(20));
        vec![first, again]
    });
    assert_convicted("a second payout naming the lock, not the first", &chain, &honest, 5, |_| 5);
    // With 30 locked, exits of 20 and 20 ahead drain it: the second is owed the 10 left. Paid
    // its 20 in full, it takes what the escrow no longer holds — 10 minted on the parent —,
    // whatever escrow it says is left.
    let (chain, honest) = after_start_all((30, 0), |c, child, [first, second]| {
        let first = paying(c, child, first, 0);
        let mut full = relinked_as(paying(c, child, second, 0), |l| {
            *l = (TxRef { height: 5, index: 0 }, U256::ZERO, U256::from(20))
        });
        full.transaction.outputs[0].amount = U256::from(20);
        vec![first, full]
    });
    let (paid, owed) = (&chain.blocks[4].transactions[1].transaction.outputs[0].amount, 10);
    assert_eq!(*paid, U256::from(20), "paid more than the {owed} the escrow holds");
    assert_convicted("a payout of more than its escrow holds", &chain, &honest, 5, |_| 5);
}

#[test]
fn two_payouts_of_one_queue_in_one_block_each_stand_on_the_escrow_the_one_before_leaves() {
    // As a proposer places them: the second names the first, and the escrow ends empty.
    let (_, mut chain) = after_start_all((40, 0), |_, _, _| Vec::new());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    // Exits of minted deposits are keyed by their nonces.
    let exit = |nonce| {
        let id = plasma_ledger::exit::ExitKey::Deposit(nonce).exit_id();
        chain.state.child_exit(child, &id).expect("queued")
    };
    let exits = [exit(0), exit(1)];
    let (first, second) =
        (paying(&chain, child, &exits[0], 0), paying(&chain, child, &exits[1], 0));
    let (block, _) = chain.commit(vec![first, second]);
    let link = |i: usize| {
        let p =
            ExitPayoutClaim::abi_decode(&block.transactions[i].transaction.data).expect("a claim");
        (TxRef { height: p.escrowHeight, index: p.escrowIndex }, p.escrowed, p.paid)
    };
    let lock = TxRef { height: 3, index: 2 };
    assert_eq!(link(0), (lock, U256::from(20), U256::from(20)));
    assert_eq!(link(1), (TxRef { height: 5, index: 0 }, U256::ZERO, U256::from(20)));
    assert_eq!(
        escrow_at(&chain.state, child, &Address::ZERO),
        (TxRef { height: 5, index: 1 }, U256::ZERO)
    );
}

#[test]
fn every_lock_claiming_an_escrow_its_link_does_not_found_is_convicted_by_the_watchers_proof() {
    // Block 4 holds Alice's lock of 10 of her 50 (3:3:0) into the child, as its proposer
    // relinks it, but for its escrow link.
    type Edit = fn(&mut (TxRef, U256, U256));
    let cases: [(&str, Edit); 4] = [
        ("a lock saying the escrow holds more after it than its amount adds", |l| l.1 += U256::ONE),
        ("a lock naming a transfer as its escrow's last change", |l| {
            l.0 = TxRef { height: 2, index: 0 }
        }),
        ("a lock naming a place past its block's end", |l| l.0 = TxRef { height: 3, index: 9 }),
        ("a lock naming nothing", |l| l.0 = TxRef::default()),
    ];
    for (name, edit) in cases {
        let (chain, honest) = after_acceptance(|c, child| {
            let signed = alices_lock(c, child);
            let placed = plasma_ledger::children::relinked(&c.state, &signed).expect("a lock");
            relinked_as(placed, edit)
        });
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}

#[test]
fn a_locks_signature_and_identity_survive_its_proposer_setting_its_escrow_link() {
    let (_, chain) = after_acceptance(|_, _| SignedTransaction::default());
    let child = plasma_ledger::children::child_chain_id(chain.domain.chain_id, &registration(0));
    let signed = alices_lock(&chain, child);
    let placed = plasma_ledger::children::relinked(&chain.state, &signed).expect("a lock");
    assert_ne!(placed.transaction.data, signed.transaction.data, "the link is set");
    assert_eq!(placed.transaction.hash(), signed.transaction.hash(), "one identity");
    let d = &chain.domain;
    assert_eq!(d.signing_hash(&placed.transaction), d.signing_hash(&signed.transaction));
    plasma_ledger::validate_transaction(d, &chain.state, &placed).expect("valid as placed");
    // Any other byte of the payload is signed.
    let mut other = placed.clone();
    let mut l = ChildDeposit::abi_decode(&other.transaction.data).expect("a lock");
    l.amount += U256::ONE;
    other.transaction.data = l.abi_encode().into();
    assert_ne!(d.signing_hash(&other.transaction), d.signing_hash(&signed.transaction));
}
