//! The fraud world's settlements of exits of child 8: Alice's start of an exit of a deposit
//! from the record and challenges of it that its start founds or not; then her start of an
//! exit of an output, with payouts and challenges of it.

use crate::build::{challenge_child_exit_tx, sign, transaction};
use crate::exit::ExitKey;
use crate::kind::Kind;
use crate::signing::{child_domain, SigningDomain, UserKey};
use crate::types::{
    ChildDeposit, ChildDepositExit, ChildDepositExitChallenge, ChildExitChallenge, ChildExitStart,
    ExitPayoutClaim, Output, SignedTransaction, TxInclusion, TxRef, UtxoPos,
};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolValue;

/// The child whose exits are challenged, and the deposit exited: Alice's lock into it at 3:1.
const CHILD: u64 = 8;
const NONCE: u64 = TxRef { height: 3, index: 1 }.deposit_nonce();

/// The challenges that follow the deposit exit's start in block 4, by name: the first is
/// founded by the start it names (the exit's, just before it); each other is not.
pub const CHALLENGE_CASES: [&str; 8] = [
    "founded",
    "settled_since",
    "spends_another_output",
    "signed_by_another",
    "names_no_start",
    "of_another_exit",
    "links_an_empty_slot",
    "shows_no_mint",
];

/// What follows, in block 4, Alice's start of an exit of an output of child 8 (after the
/// challenges above), by name: a challenge it founds, its payout to her, a payout of the same
/// exit of another child (9), a challenge naming the start after the payout, one naming a
/// start ahead of itself, a payout of the exit paying Bob part of it, and one naming a
/// transaction that starts no exit.
pub const OUTPUT_EXIT_TXS: [&str; 7] = [
    "founded_output",
    "payout",
    "another_childs_payout",
    "paid_since",
    "links_ahead",
    "payout_to_another",
    "payout_of_no_start",
];

/// What follows, in block 4, the transactions of [`OUTPUT_EXIT_TXS`], by name: a payout that
/// cancels the exit of an output; her start of it again naming that cancellation, which it
/// stands on; then starts of it naming none, naming the payout that paid it, and naming block
/// 1's empty fourth slot; and a start of the exit of Alice's deposit from the record naming
/// none.
pub const RESTART_TXS: [&str; 6] = [
    "cancellation",
    "restart",
    "restart_naming_none",
    "restart_naming_a_payout",
    "restart_naming_an_empty_slot",
    "deposit_restart_naming_none",
];

/// What follows, in block 4, the transactions of [`RESTART_TXS`], by name: starts of exits of
/// child 8's deposits from the record whose nonce's place holds no lock founding them: Alice's
/// naming block 3's first transaction (a transfer), block 1's empty fourth slot, and deposit 7
/// as the root numbers deposits (a place at height 0); and Bob's naming Alice's lock.
pub const DEPOSIT_EXIT_TXS: [&str; 4] =
    ["of_no_lock", "of_an_empty_slot", "numbered_as_the_root_does", "of_anothers_deposit"];

/// Alice's start (at `start`, in block 4, spending `coin`) of the exit of her deposit into
/// child 8 from the record, the challenges of [`CHALLENGE_CASES`], her start of an exit of an
/// output, and the transactions of [`OUTPUT_EXIT_TXS`], [`RESTART_TXS`] and
/// [`DEPOSIT_EXIT_TXS`].
pub(super) fn settlement_txs(
    d: &SigningDomain,
    alice: &UserKey,
    bob: &UserKey,
    coin: &UtxoPos,
    start: u32,
) -> Vec<SignedTransaction> {
    let child = child_domain(d, CHILD);
    // A spend of `input` in the child by `by`.
    let spend = |input: UtxoPos, by: &UserKey| {
        sign(&child, transaction(Kind::Transfer, vec![input], vec![], vec![]), &[by])
    };
    let challenge = |exit_id: B256, spend: SignedTransaction, link: TxRef| {
        let c = ChildExitChallenge {
            childChainId: CHILD,
            exitId: exit_id,
            spend,
            inputIndex: 0,
            beneficiary: Address::repeat_byte(0xbe),
            startHeight: link.height,
            startIndex: link.index,
        };
        challenge_child_exit_tx(&c, U256::ZERO)
    };
    let starting = |kind: Kind, payload: Vec<u8>| {
        sign(d, transaction(kind, vec![coin.clone()], vec![], payload), &[alice])
    };

    // The exit of Alice's deposit from the record: at position zero.
    let record_exit =
        ChildDepositExit { childChainId: CHILD, nonce: NONCE, ..Default::default() }.abi_encode();
    let deposit = ExitKey::Deposit(NONCE).exit_id();
    let at = TxRef { height: 4, index: start };
    let founding = || spend(UtxoPos::default(), alice);
    let without_mint = ChildDepositExitChallenge {
        childChainId: CHILD,
        nonce: NONCE,
        spend: founding(),
        beneficiary: Address::repeat_byte(0xbe),
        startHeight: at.height,
        startIndex: at.index,
        ..Default::default()
    };
    let mut txs = vec![
        starting(Kind::StartChildDepositExit, record_exit),
        challenge(deposit, founding(), at),
        challenge(deposit, founding(), at),
        challenge(deposit, spend(UtxoPos::new(1, 0, 0), alice), at),
        challenge(deposit, spend(UtxoPos::default(), bob), at),
        challenge(deposit, founding(), TxRef { height: 3, index: 0 }),
        challenge(ExitKey::Deposit(NONCE + 1).exit_id(), founding(), at),
        // Block 1 holds three deposits: its fourth slot is empty.
        challenge(deposit, founding(), TxRef { height: 1, index: 3 }),
        crate::build::challenge_child_deposit_exit_tx(&without_mint, U256::ZERO),
    ];

    // The exit of output 1 of a transfer of child 8 at 2:0 (its inclusion is not judged here).
    let claimed = transaction(Kind::Transfer, vec![], vec![Default::default(); 2], vec![]);
    let output = UtxoPos::new(2, 0, 1);
    let output_exit = ExitKey::output(&claimed, 1).exit_id();
    let output_start = ChildExitStart {
        childChainId: CHILD,
        pos: output.clone(),
        inclusion: TxInclusion {
            signedTx: SignedTransaction { transaction: claimed, signatures: vec![] },
            ..Default::default()
        },
        ..Default::default()
    };
    let at = TxRef { height: 4, index: start + txs.len() as u32 };
    let paying = |child: u64, link: TxRef, to: &[&UserKey], cancels: bool| {
        let claim = ExitPayoutClaim {
            childChainId: child,
            exitId: output_exit,
            startHeight: link.height,
            startIndex: link.index,
            cancels,
            ..Default::default()
        };
        let outputs = to.iter().map(|u| Output::new(u.address(), Address::ZERO, U256::ONE));
        let tx = transaction(Kind::ExitPayout, vec![], outputs.collect(), claim.abi_encode());
        SignedTransaction { transaction: tx, signatures: vec![] }
    };
    let payout = |child: u64, link: TxRef, to: &[&UserKey]| paying(child, link, to, false);
    let ahead = TxRef { height: 4, index: u32::MAX };
    txs.extend([
        starting(Kind::StartChildExit, output_start.abi_encode()),
        challenge(output_exit, spend(output.clone(), alice), at),
        payout(CHILD, at, &[alice, alice]),
        payout(CHILD + 1, at, &[alice]),
        challenge(output_exit, spend(output.clone(), alice), at),
        challenge(output_exit, spend(output, alice), ahead),
        payout(CHILD, at, &[alice, bob]),
        payout(CHILD, TxRef { height: 3, index: 0 }, &[alice]),
    ]);

    let cancellation = TxRef { height: 4, index: start + txs.len() as u32 };
    let paid = TxRef { height: 4, index: at.index + 2 };
    let restart = |named: TxRef| {
        let again = ChildExitStart {
            cancelledHeight: named.height,
            cancelledIndex: named.index,
            ..output_start.clone()
        };
        starting(Kind::StartChildExit, again.abi_encode())
    };
    let deposit_again =
        ChildDepositExit { childChainId: CHILD, nonce: NONCE, ..Default::default() };
    txs.extend([
        paying(CHILD, at, &[alice], true),
        restart(cancellation),
        restart(TxRef::default()),
        restart(paid),
        restart(TxRef { height: 1, index: 3 }),
        starting(Kind::StartChildDepositExit, deposit_again.abi_encode()),
    ]);

    let exiting =
        |nonce: u64| ChildDepositExit { childChainId: CHILD, nonce, ..Default::default() };
    let at = |height, index| TxRef { height, index }.deposit_nonce();
    let bobs = transaction(
        Kind::StartChildDepositExit,
        vec![coin.clone()],
        vec![],
        exiting(NONCE).abi_encode(),
    );
    txs.extend([
        starting(Kind::StartChildDepositExit, exiting(at(3, 0)).abi_encode()),
        starting(Kind::StartChildDepositExit, exiting(at(1, 3)).abi_encode()),
        starting(Kind::StartChildDepositExit, exiting(7).abi_encode()),
        sign(d, bobs, &[bob]),
    ]);
    txs
}

/// What follows, in block 4, the transactions of [`DEPOSIT_EXIT_TXS`], by name: Alice's locks
/// into the child registered at 3:2, naming that registration; naming block 3's first
/// transaction (a transfer) as its registration, and naming none (0:0); a lock into another
/// child, never registered, naming that registration; and a lock of far more than it spends
/// (the registration it names is its child's).
pub const LOCK_TXS: [&str; 5] = [
    "honest_lock",
    "lock_naming_a_transfer",
    "lock_naming_none",
    "lock_into_another_child",
    "inflating_lock",
];

/// The escrow link each of [`LOCK_TXS`] names (where, and what the escrow holds after it),
/// given where the registration and the honest lock stand: the honest lock stands on the
/// registration; the second overstates what it leaves; the third names the registration past
/// the honest lock; the fourth names a transfer (3:0); the last names nothing.
fn escrow_links(registered: TxRef, honest: TxRef) -> [(TxRef, u64); 5] {
    let transfer = TxRef { height: 3, index: 0 };
    [(registered, 1), (honest, 3), (registered, 1), (transfer, 1), (TxRef::default(), 0)]
}

/// The transactions of [`LOCK_TXS`], spending `coin`, for `child`, registered at `registered`,
/// the first standing at index `first` of block 4, with the escrow links of [`escrow_links`].
pub(super) fn lock_txs(
    d: &SigningDomain,
    alice: &UserKey,
    coin: &UtxoPos,
    (child, registered, first): (u64, TxRef, u32),
) -> Vec<SignedTransaction> {
    let lock_of = |into: u64, named: TxRef, amount: U256| ChildDeposit {
        childChainId: into,
        recipient: alice.address(),
        token: Address::ZERO,
        amount,
        registeredHeight: named.height,
        registeredIndex: named.index,
        ..Default::default()
    };
    let lock = |into: u64, named: TxRef| lock_of(into, named, U256::ONE);
    let locks = [
        lock(child, registered),
        lock(child, TxRef { height: 3, index: 0 }),
        lock(child, TxRef::default()),
        lock(child ^ 1, registered),
        lock_of(child, registered, U256::from(10u64).pow(U256::from(24))),
    ];
    let honest = TxRef { height: 4, index: first };
    let links = escrow_links(registered, honest);
    let linked = locks.into_iter().zip(links).map(|(lock, (link, escrowed))| ChildDeposit {
        escrowHeight: link.height,
        escrowIndex: link.index,
        escrowed: U256::from(escrowed),
        ..lock
    });
    let signed = |lock: ChildDeposit| {
        let tx = transaction(Kind::DepositToChild, vec![coin.clone()], vec![], lock.abi_encode());
        sign(d, tx, &[alice])
    };
    linked.map(signed).collect()
}

/// What follows [`LOCK_TXS`], ending block 4, by name: Alice's stake of 10 into the child
/// registered at 3:2, standing on that registration; a fraud proof against the child (its
/// proof is not read here) standing on her stake and taking nothing; stakes standing on block
/// 3's first transaction (a transfer), on the registration past her stake, and on her stake
/// saying the stakes hold one more than they do; a bond saying so; and fraud proofs standing
/// on her stake paying their prover more than half of what they take, or paying no prover.
pub const STAKE_TXS: [&str; 8] = [
    "honest_stake",
    "honest_fraud_proof",
    "stake_naming_a_transfer",
    "stake_naming_the_registration_past_a_stake",
    "stake_overstating",
    "bond_overstating",
    "fraud_proof_overpaying",
    "fraud_proof_without_prover",
];

/// Where the first of [`LOCK_TXS`] stands in the fraud world's block 4 of `len`
/// transactions: the locks, then the stakes of [`STAKE_TXS`], end it.
pub fn first_lock(len: usize) -> usize {
    len - LOCK_TXS.len() - STAKE_TXS.len()
}

/// The transactions of [`STAKE_TXS`], spending `coin`, for `child`, registered at
/// `registered`; the first stands at index `first` of block 4.
pub(super) fn stake_txs(
    d: &SigningDomain,
    alice: &UserKey,
    coin: &UtxoPos,
    (child, registered): (u64, TxRef),
    first: u32,
) -> Vec<SignedTransaction> {
    use crate::testkit::stakes::{bond_on, stake_on};
    use crate::types::{ChildBond, ChildFraudProof};
    let signed = |kind: Kind, data: Vec<u8>| {
        sign(d, transaction(kind, vec![coin.clone()], vec![], data), &[alice])
    };
    let stake = |link: TxRef, staked: u64| {
        let stake = stake_on(child, 10, (link, U256::from(staked)));
        signed(Kind::StakeChild, stake.abi_encode())
    };
    let honest = TxRef { height: 4, index: first };
    let bond = ChildBond {
        childChainId: child,
        amount: U256::from(crate::types::POWER_UNIT),
        blsPubkey: vec![7; 256].into(),
        proofOfPossession: vec![9; 128].into(),
        ..Default::default()
    };
    let mut overstated = bond_on(bond, (honest, U256::from(10)));
    overstated.staked += U256::ONE;
    let proof = |prover: Address, staked: u64, reward: u64| {
        let c = ChildFraudProof {
            childChainId: child,
            prover,
            stakesHeight: honest.height,
            stakesIndex: honest.index,
            staked: U256::from(staked),
            ..Default::default()
        };
        crate::build::prove_child_fraud_tx(&c, U256::from(reward))
    };
    vec![
        stake(registered, 0),
        proof(alice.address(), 10, 0),
        stake(TxRef { height: 3, index: 0 }, 0),
        stake(registered, 0),
        stake(honest, 11),
        signed(Kind::BondChild, overstated.abi_encode()),
        proof(alice.address(), 0, 6),
        proof(Address::ZERO, 10, 0),
    ]
}
