//! Completeness of the fraud proofs, as a law over every way the ledger refuses a block.
//!
//! [`verdict`] classifies each refusal with an exhaustive `match` over `BlockError`,
//! `TxError`, `FormError` and `ChildError`: a new variant does not compile until it is
//! classified. A refusal is
//! * `Convicted(kind)`: a fraud proof of `kind` convicts the block — checked below by building
//!   a block with the fault, having the watcher's prover (`prove::build_proof`) build the proof
//!   from the ledger's refusal, and judging it with `fraud::judge`, which a plasma parent runs
//!   as is (the root's `FraudVerifier` judges the same cases through the shared vectors);
//! * `NoExit(why)`: no output of the block can exit (the exit game refuses its inclusion);
//! * `NotAFault(why)`: not a fault a certified block can carry (another block's body, or a
//!   refusal another check always makes first);
//! * `Open(why)`: not yet provable — each is listed under "Not proven yet" in the README.

use alloy_sol_types::SolValue;
use plasma_ledger::block::BlockError;
use plasma_ledger::build::{self, deposit_transaction};
use plasma_ledger::children::ChildError;
use plasma_ledger::fraud::{self, FraudKind};
use plasma_ledger::header::{HeaderError, LinkError};
use plasma_ledger::prove::{
    build_first_proof, build_header_proof, build_proof, check_links, first_broken_header,
    first_invalid, first_refusals, history_equivocation, refused_blocks, ProofContext, Schedule,
};
use plasma_ledger::testkit::{self, TestChain};
use plasma_ledger::tx::{FormError, TxError};
use plasma_ledger::{
    Address, Block, BlockHeader, CommitCertificate, DepositRecord, Kind, Output, SignedTransaction,
    TxRef, UtxoPos, B256, U256,
};

/// What the law says of one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Convicted(FraudKind),
    NoExit(&'static str),
    NotAFault(&'static str),
    Open(&'static str),
}
use Verdict::*;

mod cancelled;
mod challenges;
mod deposits;
mod escrow;
mod exits;
mod headers;
mod mints;
mod mispaid;
mod payouts;
mod restarts;
mod stakes;
mod succession;
mod table;
mod unsigned;
mod voided;

const BOOKKEEPING: &str = "a plasma parent's bookkeeping of its children";
/// Payouts take from a child's escrow no more than it holds (`UnfoundedEscrow`), and pay each
/// exit what the escrow holds of its claim (`OverdrawnPayout`): which exit comes first stays the
/// parent's bookkeeping, and moves value among the child's exits only.
const WHICH_EXIT: &str = "which exit the child's escrow pays first";

fn verdict(e: &BlockError) -> Verdict {
    match e {
        BlockError::WrongChain { .. } => NoExit("an inclusion proof needs the chain's own id"),
        BlockError::WrongHeight { .. } => NoExit("an inclusion proof needs the header's height"),
        BlockError::WrongParent { .. } => Convicted(FraudKind::BrokenHistory),
        // A leaf the root fabricates is proven against this chain's certificate of its own
        // block there; no exit uses the leaf without revealing it and its path.
        BlockError::HistoryRootMismatch { .. } => Convicted(FraudKind::HistoryEquivocation),
        BlockError::TxRootMismatch { .. } => NotAFault("the header commits to its body"),
        // The parent was applied, so its deposits end where this range must start.
        BlockError::DepositRangeBroken { .. } => Convicted(FraudKind::BrokenHistory),
        // A range may pass over deposits it does not mint (they are never minted, and exit
        // from the parent's record), never miss one the body mints.
        BlockError::MintOutsideRange { .. } => Convicted(FraudKind::DepositMismatch),
        // No history holds it, and no parent checkpoints it (`MAX_CHECKPOINT_HEIGHT`).
        BlockError::HistoryFull(_) => NoExit("above the history tree's last leaf"),
        BlockError::TooManyTransactions(_) => Convicted(FraudKind::MalformedTransaction),
        BlockError::InvalidTransaction { error, .. } => tx_verdict(error),
    }
}

/// The header against the schedule and the clock (`header::check_*`), which a node judges
/// beside `apply_block`.
fn header_verdict(e: &HeaderError) -> Verdict {
    match e {
        HeaderError::WrongSet { .. }
        | HeaderError::AdoptionOffEpoch { .. }
        | HeaderError::ProposerNotMember(_) => Convicted(FraudKind::BrokenSchedule),
        // The judge's clock, not the block's content: a parent judges the one time it sees
        // against its own clock (a checkpoint timed ahead of it is refused), and the times
        // beneath only grow up to it (a header before its parent is broken history).
        HeaderError::AheadOfClock { .. } => {
            NotAFault("judged against a node's clock; a parent bounds it at the checkpoint")
        }
        HeaderError::BeforeParent { .. } => Convicted(FraudKind::BrokenHistory),
    }
}

/// A served block against the one before it (`header::check_link`).
fn link_verdict(e: &LinkError) -> Verdict {
    match e {
        LinkError::Height { .. } => NoExit("an inclusion proof needs the header's height"),
        LinkError::Parent { .. } => Convicted(FraudKind::BrokenHistory),
        LinkError::Body(_) => NotAFault("the header commits to its body"),
    }
}

fn tx_verdict(e: &TxError) -> Verdict {
    match e {
        TxError::Form(f) => form_verdict(f),
        TxError::DuplicateInput { .. } | TxError::InputSpent { .. } => {
            Convicted(FraudKind::DoubleSpend)
        }
        TxError::InputMissing { .. } => Convicted(FraudKind::NonexistentInput),
        TxError::BadSignature { .. } | TxError::WrongSigner { .. } => {
            Convicted(FraudKind::InvalidSignature)
        }
        // An exit start's bond is its child's, which the child's registration shows.
        TxError::ValueMismatch { .. } => Convicted(FraudKind::Inflation),
        TxError::Overflow { .. } => NotAFault("inputs past 2^256 follow an earlier inflation"),
        TxError::Payload(_) => NotAFault("check_form refuses a payload first"),
        TxError::DepositWrongChain { .. }
        | TxError::DepositUnknown { .. }
        | TxError::DepositMismatch { .. } => Convicted(FraudKind::DepositMismatch),
        // Below the block's range: outside its header's. Not above a mint before it in the
        // block: `DoubleMint` at the root, a deposit mismatch in the ledger's verdict.
        TxError::DepositOutOfOrder { .. } => Convicted(FraudKind::DepositMismatch),
        TxError::PayoutOwner { .. } => Convicted(FraudKind::UnfoundedSettlement),
        TxError::PayoutEarly { .. }
        | TxError::PayoutExceeds { .. }
        | TxError::PayoutToken { .. }
        | TxError::PayoutMismatch { .. }
        | TxError::RecordExitCancelled { .. } => Convicted(FraudKind::OverdrawnPayout),
        TxError::VoidedExitPaid { .. } => Convicted(FraudKind::VoidedAnchor),
        TxError::UnknownChild(_) => Convicted(FraudKind::UnregisteredChild),
        TxError::ExitNotPayable { .. } => Open(WHICH_EXIT),
        TxError::StandingExitCancelled { .. } | TxError::CancellationLink { .. } => {
            Convicted(FraudKind::UnfoundedCancellation)
        }
        TxError::System(e) => child_verdict(e),
    }
}

fn form_verdict(e: &FormError) -> Verdict {
    match e {
        FormError::TooLarge(_)
        | FormError::UnknownKind(_)
        | FormError::InputCount { .. }
        | FormError::OutputCount { .. }
        | FormError::SignatureCount { .. }
        | FormError::ZeroAmount { .. }
        | FormError::ZeroOwner { .. }
        | FormError::Overflow { .. }
        | FormError::Payload(_)
        | FormError::UnexpectedPayload(_)
        | FormError::BondPower(_)
        | FormError::HeightOutOfRange(_)
        | FormError::Registration(_) => Convicted(FraudKind::MalformedTransaction),
    }
}

fn child_verdict(e: &ChildError) -> Verdict {
    match e {
        ChildError::UnknownKind(_) | ChildError::NotBare => {
            NotAFault("check_form refuses the kind and shape first")
        }
        ChildError::Payload(_) => NotAFault("check_form refuses a payload first"),
        ChildError::BondPower(_) => NotAFault("check_form refuses a bond that buys no power"),
        ChildError::Set(_) => {
            NotAFault("a set is checked whole when it registers, and each member when it bonds")
        }
        ChildError::AlreadyRegistered(_) => Convicted(FraudKind::DoubleRegistration),
        ChildError::SetSize(_)
        | ChildError::AlreadyBonded(_)
        | ChildError::BondPossession
        | ChildError::BelowMinimum { .. }
        | ChildError::NotNewer { .. }
        | ChildError::AheadOfClock { .. }
        | ChildError::BondOutput
        | ChildError::Exit(_)
        | ChildError::Frozen(_)
        | ChildError::ProverSignature(_) => Convicted(FraudKind::ChildRecord),
        ChildError::NoBlockTime => NotAFault("a block is judged at its own time"),
        ChildError::Certificate(_) => Convicted(FraudKind::UncertifiedCheckpoint),
        // A fraud proof's anchor signers are shown against the certificate its acceptance
        // carries.
        ChildError::Unaccepted { .. } | ChildError::NotTheAcceptedSigners { .. } => {
            Convicted(FraudKind::UnacceptedAnchor)
        }
        ChildError::NotFollowing { .. }
        | ChildError::TooFarAhead { .. }
        | ChildError::WrongSet { .. } => Convicted(FraudKind::CheckpointSuccession),
        ChildError::ExitNotActive { .. } | ChildError::Challenge(_) => {
            Convicted(FraudKind::UnfoundedSettlement)
        }
        ChildError::AlreadyExited(_) | ChildError::NotLatestCancellation { .. } => {
            Convicted(FraudKind::RepeatedExit)
        }
        ChildError::UnknownDeposit { .. } | ChildError::DepositExit(_) => {
            Convicted(FraudKind::UnfoundedDepositExit)
        }
        ChildError::NotTheRegistration { .. } => Convicted(FraudKind::UnregisteredChild),
        // Raised for stakes, bonds and fraud proofs only (an exit is refused first for what
        // its acceptance or deposit shows, a checkpoint for its link, a lock as a `TxError`):
        // their stakes link names no registration of the child.
        ChildError::UnknownChild(_) | ChildError::StakesLink { .. } | ChildError::RewardOutput => {
            Convicted(FraudKind::UnfoundedStake)
        }
        ChildError::EscrowLink { .. } => Convicted(FraudKind::UnfoundedEscrow),
        ChildError::SlashedStakes { .. } => {
            Open("which operators' stakes a fraud proof takes (no more than the child's hold)")
        }
        ChildError::RewardRecipient { .. } => {
            Open("whether a fraud proof's prover is one of the operators it convicts")
        }
        ChildError::VoidAnchor { .. } => Convicted(FraudKind::VoidedAnchor),
        // It shows at or above what the proof heard before showed.
        ChildError::NotBelowShown { .. } => Convicted(FraudKind::VoidedAnchor),
        ChildError::InactiveSet { .. } | ChildError::Fraud(_) => Open(BOOKKEEPING),
    }
}

/// Alice's deposit (block 1) and her payment to herself (block 2), deposit 1 recorded by the
/// parent, then `fraud` sealed unchecked as block 3 with its header edited by `edit`, and an
/// empty block 4 as the checkpoint. Returns the chain and the state before block 3.
fn with_header_fault(
    fraud: impl FnOnce(&TestChain) -> Vec<SignedTransaction>,
    edit: impl FnOnce(&mut BlockHeader),
) -> (TestChain, TestChain) {
    let mut chain = honest_start();
    let honest = chain.clone();
    let txs = fraud(&chain);
    chain.commit_edited(txs, edit);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
}

/// Alice's deposit of 100 (block 1) and her payment of it to herself (block 2, 2:0:0), and
/// deposit 1 recorded by the parent, not minted yet.
fn honest_start() -> TestChain {
    let alice = testkit::user("alice");
    let mut chain = TestChain::new();
    let record = chain.record_deposit(alice.address(), Address::ZERO, 100);
    chain.commit(vec![deposit_transaction(&record)]);
    chain.commit(vec![transfer(&chain, vec![UtxoPos::new(1, 0, 0)], vec![100], "alice")]);
    chain.record_deposit(alice.address(), Address::ZERO, 50);
    chain
}

fn transfer(
    chain: &TestChain,
    inputs: Vec<UtxoPos>,
    amounts: Vec<u64>,
    signer: &str,
) -> SignedTransaction {
    let alice = testkit::user("alice").address();
    let outputs = amounts.into_iter().map(|a| Output::new(alice, Address::ZERO, U256::from(a)));
    let tx = build::transaction(Kind::Transfer, inputs, outputs.collect(), Vec::new());
    let key = testkit::user(signer);
    let n = tx.inputs.len();
    build::sign(&chain.domain, tx, &vec![&key; n])
}

/// What block 3 holds in one case.
type Fault = Box<dyn Fn(&TestChain) -> Vec<SignedTransaction>>;

/// Block 3 of each case holds one fault.
fn cases() -> Vec<(&'static str, Fault)> {
    let edit = |f: fn(&mut SignedTransaction)| {
        move |c: &TestChain| {
            let mut t = transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100], "alice");
            f(&mut t);
            let alice = testkit::user("alice");
            if !t.signatures.is_empty() {
                let n = t.transaction.inputs.len();
                t = build::sign(&c.domain, t.transaction, &vec![&alice; n]);
            }
            vec![t]
        }
    };
    vec![
        (
            "double spend",
            Box::new(|c| vec![transfer(c, vec![UtxoPos::new(1, 0, 0)], vec![100], "alice")]),
        ),
        (
            "duplicate input",
            Box::new(|c| {
                vec![transfer(
                    c,
                    vec![UtxoPos::new(2, 0, 0), UtxoPos::new(2, 0, 0)],
                    vec![200],
                    "alice",
                )]
            }),
        ),
        (
            "missing input",
            Box::new(|c| vec![transfer(c, vec![UtxoPos::new(2, 0, 3)], vec![1], "alice")]),
        ),
        (
            "wrong signer",
            Box::new(|c| vec![transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100], "mallory")]),
        ),
        (
            "inflation",
            Box::new(|c| vec![transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100_000], "alice")]),
        ),
        (
            "value destroyed",
            Box::new(|c| vec![transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![1], "alice")]),
        ),
        (
            "forged deposit",
            Box::new(|_| {
                let alice = testkit::user("alice").address();
                let forged = DepositRecord {
                    chainId: testkit::domain().chain_id,
                    nonce: 1,
                    depositor: alice,
                    recipient: alice,
                    token: Address::ZERO,
                    amount: U256::from(1_000),
                };
                vec![deposit_transaction(&forged)]
            }),
        ),
        ("deposit minted twice", Box::new(|c| vec![c.blocks[0].transactions[0].clone()])),
        (
            "deposit minted twice in one block",
            Box::new(|c| vec![deposit_transaction(&c.state.parent_deposits[&1]); 2]),
        ),
        ("unknown kind", Box::new(edit(|t| t.transaction.kind = 9))),
        (
            "too many outputs",
            Box::new(edit(|t| t.transaction.outputs = vec![t.transaction.outputs[0].clone(); 5])),
        ),
        ("zero output", Box::new(edit(|t| t.transaction.outputs[0].amount = U256::ZERO))),
        ("ownerless output", Box::new(edit(|t| t.transaction.outputs[0].owner = Address::ZERO))),
        ("transfer payload", Box::new(edit(|t| t.transaction.data = vec![0; 32].into()))),
        ("unsigned", Box::new(edit(|t| t.signatures.clear()))),
        (
            "larger than a block's reader takes",
            Box::new(|c| {
                let mut t = transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100], "alice");
                t.signatures[0] = vec![0; plasma_ledger::MAX_TX_BYTES].into();
                vec![t]
            }),
        ),
        (
            "undecodable stake",
            Box::new(edit(|t| {
                t.transaction.kind = Kind::StakeChild as u8;
                t.transaction.outputs[0].amount = U256::from(1_100);
                t.transaction.data = vec![1, 2, 3].into();
            })),
        ),
        (
            "zero stake",
            Box::new(edit(|t| {
                t.transaction.kind = Kind::StakeChild as u8;
                let stake = plasma_ledger::ChildStake { childChainId: 8, ..Default::default() };
                t.transaction.data = stake.abi_encode().into();
            })),
        ),
        (
            "checkpoint past the history tree",
            Box::new(|_| {
                let mut checkpoint = plasma_ledger::Checkpoint::default();
                checkpoint.header.height = 1 << 32;
                vec![build::child_checkpoint_tx(&checkpoint, Default::default())]
            }),
        ),
        (
            "an exit start that keeps its bond",
            // Alice locks 40 of her 100 into a child registered in the same block, and starts
            // the exit of that deposit from the record, keeping all 60 of her change: the
            // child's exit bond (10) is unpaid.
            Box::new(|c| {
                child_then(c, 4, |c, child| vec![lock(c, child), deposit_exit(c, child, 60)])
            }),
        ),
        (
            "a challenge paying more than the exit's bond",
            Box::new(|c| {
                // Alice locks 40 into a child (exit bond 10) and exits the deposit from the
                // record (at 3:2), paying the bond; its challenge pays the beneficiary 11.
                let alice = testkit::user("alice");
                child_then(c, 4, |c, child| {
                    let challenge = plasma_ledger::ChildDepositExitChallenge {
                        childChainId: child,
                        beneficiary: alice.address(),
                        startHeight: 3,
                        startIndex: 2,
                        ..Default::default()
                    };
                    let mut challenge =
                        build::challenge_child_deposit_exit_tx(&challenge, U256::from(10));
                    challenge.transaction.outputs[0].amount = U256::from(11);
                    vec![lock(c, child), deposit_exit(c, child, 50), challenge]
                })
            }),
        ),
        (
            "a child registered twice",
            Box::new(|_| vec![build::register_child_tx(&registration(0)); 2]),
        ),
        (
            "a key bonded twice",
            // Alice bonds with validator 0's key (she holds it here, and proves it): the
            // child has that key already.
            Box::new(|c| child_then(c, 4, |c, _| vec![bond(c, 0, None)])),
        ),
        (
            "a bond without a proof of possession",
            Box::new(|c| child_then(c, 4, |c, _| vec![bond(c, 4, Some(0))])),
        ),
        (
            "a bond below the child's minimum stake",
            Box::new(|c| child_then(c, 4, |c, _| vec![bond_of(c, 1, 4, None)])),
        ),
        (
            "a bond into a full set, not outbidding its least member",
            Box::new(|c| child_then(c, 16, |c, _| vec![bond(c, 16, None)])),
        ),
        (
            "a checkpoint not newer than the last",
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let checkpoint = child_checkpoint(c, child, 1, 0);
                    vec![checkpoint.clone(), checkpoint]
                })
            }),
        ),
        (
            "a checkpoint two thirds do not sign",
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let (header, _) = child_header(child, 1, 0);
                    // Validators 0 and 1 of four: half the power.
                    let (keys, set) = testkit::committee(4);
                    let two: Vec<_> = keys.iter().enumerate().take(2).collect();
                    let certificate = testkit::certified(&set, &two, &header, 0);
                    let checkpoint = plasma_ledger::Checkpoint { header, certificate };
                    vec![first_checkpoint(c, &checkpoint)]
                })
            }),
        ),
        (
            "a checkpoint timed ahead of the block accepting it",
            Box::new(|c| child_then(c, 4, |c, child| vec![child_checkpoint(c, child, 1, 1_000)])),
        ),
        (
            "a checkpoint linked past the latest accepted, to the registration",
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let first = child_checkpoint(c, child, 1, 0);
                    let (header, certificate) = child_header(child, 2, 0);
                    vec![
                        first,
                        first_checkpoint(c, &plasma_ledger::Checkpoint { header, certificate }),
                    ]
                })
            }),
        ),
        (
            "a checkpoint linked to a transfer",
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let paying = transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100], "alice");
                    let (header, certificate) = child_header(child, 1, 0);
                    let checkpoint = plasma_ledger::Checkpoint { header, certificate };
                    let to_the_transfer = TxRef { height: c.tip().height + 1, index: 1 };
                    vec![paying, build::child_checkpoint_tx(&checkpoint, to_the_transfer)]
                })
            }),
        ),
        (
            "a checkpoint naming a set of its signers' own",
            // Three of the four sign as a set of three: the quorum of a set the parent never
            // activated, whose exits would drain the child's escrow.
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let (keys, set) = testkit::committee(3);
                    let (mut header, _) = child_header(child, 1, 0);
                    header.validatorSetHash = set.hash();
                    let certificate = testkit::certify_all(&set, &keys, &header);
                    vec![first_checkpoint(c, &plasma_ledger::Checkpoint { header, certificate })]
                })
            }),
        ),
        (
            "a checkpoint further ahead than the gap",
            Box::new(|c| {
                child_then(c, 4, |c, child| {
                    let (keys, set) = testkit::committee(4);
                    let (mut header, _) = child_header(child, 1, 0);
                    header.height = plasma_ledger::registration::MAX_CHECKPOINT_GAP + 1;
                    let certificate = testkit::certify_all(&set, &keys, &header);
                    vec![first_checkpoint(c, &plasma_ledger::Checkpoint { header, certificate })]
                })
            }),
        ),
        (
            "a fraud proof its prover did not sign",
            Box::new(|c| {
                child_then(c, 4, |c, child| vec![equivocation_proof_signed(c, child, "mallory")])
            }),
        ),
        (
            "a deposit into a frozen child",
            Box::new(|c| {
                child_then(c, 4, |c, child| vec![equivocation_proof(c, child), lock(c, child)])
            }),
        ),
        (
            "rogue-key registration",
            Box::new(|_| {
                // Validator 1's proof of possession is validator 0's: a key its operator
                // need not hold, which could cancel the others' out of an aggregate.
                let mut reg = registration(0);
                reg.proofsOfPossession[1] = reg.proofsOfPossession[0].clone();
                vec![build::register_child_tx(&reg)]
            }),
        ),
        (
            "undecodable system payload",
            Box::new(|_| {
                let tx = build::transaction(Kind::ChildCheckpoint, vec![], vec![], vec![1, 2, 3]);
                vec![SignedTransaction { transaction: tx, signatures: vec![] }]
            }),
        ),
        (
            "overflow",
            Box::new(edit(|t| {
                let mut big = t.transaction.outputs[0].clone();
                big.amount = U256::MAX;
                t.transaction.outputs.push(big);
            })),
        ),
    ]
}

/// A child of four validators, epochs of 4 blocks, an exit bond of 10.
fn registration(salt: u64) -> plasma_ledger::ChildRegistration {
    registration_of(4, salt)
}

/// A child of `n` validators, epochs of 4 blocks, an exit bond of 10.
fn registration_of(n: usize, salt: u64) -> plasma_ledger::ChildRegistration {
    let (keys, set) = testkit::committee(n);
    let members: Vec<_> =
        set.validators().iter().zip(&keys).map(|(v, k)| (v.operator, k, v.power)).collect();
    let params = plasma_ledger::ChildParams {
        epochLength: 4,
        exitPeriod: 60,
        exitBond: U256::from(10),
        minStake: U256::from(2 * plasma_ledger::POWER_UNIT),
    };
    build::child_registration(salt, params, &members)
}

/// A child of `n` validators registered in block 3, then what `then` adds for it (given the
/// child's id).
fn child_then(
    c: &TestChain,
    n: usize,
    then: impl FnOnce(&TestChain, u64) -> Vec<SignedTransaction>,
) -> Vec<SignedTransaction> {
    let reg = registration_of(n, 0);
    let child = plasma_ledger::children::child_chain_id(c.domain.chain_id, &reg);
    let mut txs = vec![build::register_child_tx(&reg)];
    txs.extend(then(c, child));
    txs
}

/// Alice's bond of 2 gwei (the child's minimum) into the child of [`child_then`] with
/// validator `key`'s BLS key, proven possessed by her (or, with `Some(other)`, a proof by
/// validator `other`'s key).
fn bond(c: &TestChain, key: usize, pop_by: Option<usize>) -> SignedTransaction {
    bond_of(c, 2, key, pop_by)
}

/// [`bond`], of `units` gwei.
fn bond_of(c: &TestChain, units: u64, key: usize, pop_by: Option<usize>) -> SignedTransaction {
    let alice = testkit::user("alice");
    let (keys, _) = testkit::committee(key.max(pop_by.unwrap_or(0)) + 1);
    let reg = registration_of(if key >= 16 { 16 } else { 4 }, 0);
    let child = plasma_ledger::children::child_chain_id(c.domain.chain_id, &reg);
    let payload = plasma_ledger::ChildBond {
        childChainId: child,
        amount: U256::from(units * plasma_ledger::POWER_UNIT),
        blsPubkey: keys[key].public_key().to_eip2537().to_vec().into(),
        proofOfPossession: keys[pop_by.unwrap_or(key)]
            .proof_of_possession(alice.address())
            .to_eip2537()
            .to_vec()
            .into(),
        ..Default::default()
    };
    // It stands on the registration, at index 0 of the next block ([`child_then`]).
    let registered = (TxRef { height: c.tip().height + 1, index: 0 }, U256::ZERO);
    let payload = plasma_ledger::testkit::stakes::bond_on(payload, registered);
    let tx = build::transaction(
        Kind::BondChild,
        vec![UtxoPos::new(2, 0, 0)],
        vec![],
        payload.abi_encode(),
    );
    build::sign(&c.domain, tx, &[&alice])
}

/// Block `height` of `child` (its first four validators' chain), certified by all of them,
/// its time moved by `skew` (two blocks at one height, or a block timed ahead).
fn child_header(child: u64, height: u64, skew: u64) -> (BlockHeader, CommitCertificate) {
    let (keys, set) = testkit::committee(4);
    let domain = plasma_ledger::children::child_domain(&testkit::domain(), child);
    let mut chain = TestChain::with_domain(domain, set.hash());
    for _ in 0..height {
        chain.commit(vec![]);
    }
    let mut header = chain.tip().clone();
    header.timestamp += skew;
    let certificate = testkit::certify_all(&set, &keys, &header);
    (header, certificate)
}

/// The checkpoint of block `height` of `child`, the first after its registration by
/// [`child_then`] on `c`.
fn child_checkpoint(c: &TestChain, child: u64, height: u64, skew: u64) -> SignedTransaction {
    let (header, certificate) = child_header(child, height, skew);
    first_checkpoint(c, &plasma_ledger::Checkpoint { header, certificate })
}

/// `checkpoint` linked as the first of the child [`child_then`] registers on `c` (at index 0
/// of the next block).
fn first_checkpoint(c: &TestChain, checkpoint: &plasma_ledger::Checkpoint) -> SignedTransaction {
    let registered = TxRef { height: c.tip().height + 1, index: 0 };
    build::child_checkpoint_tx(checkpoint, registered)
}

/// A proof that `child`'s validators certified two blocks at height 1: it freezes the child.
/// It stands on the child's registration, at index 0 of the block after `c`'s tip
/// ([`child_then`]), and nobody has a stake to take. Alice proves it.
fn equivocation_proof(chain: &TestChain, child: u64) -> SignedTransaction {
    equivocation_proof_signed(chain, child, "alice")
}

/// [`equivocation_proof`] naming Alice its prover, signed by `signer` (a proposer rewriting
/// who is paid, when not Alice).
fn equivocation_proof_signed(chain: &TestChain, child: u64, signer: &str) -> SignedTransaction {
    let c = plasma_ledger::ChildFraudProof {
        childChainId: child,
        proof: equivocation(child),
        stakesHeight: chain.tip().height + 1,
        ..Default::default()
    };
    let c = plasma_ledger::children::signed_by(&chain.domain, &testkit::user(signer), c);
    let c = plasma_ledger::ChildFraudProof { prover: testkit::user("alice").address(), ..c };
    build::prove_child_fraud_tx(&c, U256::ZERO)
}

/// The proof that `child`'s validators certified two blocks at height 1.
fn equivocation(child: u64) -> plasma_ledger::FraudProof {
    let (a, b) = (child_header(child, 1, 0).1, child_header(child, 1, 1).1);
    let evidence = plasma_ledger::EquivocationEvidence { a, b };
    plasma_ledger::FraudProof {
        kind: plasma_ledger::types::FraudKind::Equivocation as u8,
        evidence: evidence.abi_encode().into(),
        ..Default::default()
    }
}

/// Alice's lock of 40 of her 100 into `child`, registered at 3:0 ([`child_then`]), 60 back.
fn lock(c: &TestChain, child: u64) -> SignedTransaction {
    lock_of(c, child, 40)
}

/// [`lock`], of `amount`: the rest back.
fn lock_of(c: &TestChain, child: u64, amount: u64) -> SignedTransaction {
    let alice = testkit::user("alice");
    let lock = plasma_ledger::ChildDeposit {
        childChainId: child,
        recipient: alice.address(),
        token: Address::ZERO,
        amount: U256::from(amount),
        registeredHeight: 3,
        registeredIndex: 0,
        ..Default::default()
    };
    let change = vec![Output::new(alice.address(), Address::ZERO, U256::from(100 - amount))];
    let tx = build::transaction(
        Kind::DepositToChild,
        vec![UtxoPos::new(2, 0, 0)],
        change,
        lock.abi_encode(),
    );
    build::sign(&c.domain, tx, &[&alice])
}

/// Alice's exit of her deposit into `child` from the record, paid from her change of the
/// lock of [`lock`] (the block's second transaction, 3:1: the deposit's nonce), `keep` of it
/// back.
fn deposit_exit(c: &TestChain, child: u64, keep: u64) -> SignedTransaction {
    let alice = testkit::user("alice");
    let nonce = TxRef { height: 3, index: 1 }.deposit_nonce();
    let start =
        plasma_ledger::ChildDepositExit { childChainId: child, nonce, ..Default::default() };
    let tx = build::transaction(
        Kind::StartChildDepositExit,
        vec![UtxoPos::new(3, 1, 0)],
        vec![Output::new(alice.address(), Address::ZERO, U256::from(keep))],
        start.abi_encode(),
    );
    build::sign(&c.domain, tx, &[&alice])
}

/// One more transaction than a block may hold (the same one: the count is judged first).
fn too_many() -> Fault {
    Box::new(|c| {
        let t = transfer(c, vec![UtxoPos::new(2, 0, 0)], vec![100], "alice");
        vec![t; plasma_ledger::MAX_BLOCK_TXS + 1]
    })
}

/// A header edit of block 3.
type HeaderFault = fn(&mut BlockHeader);

/// Block 3 of each case carries one fault in its header (and, for the mint, its body).
fn header_cases() -> Vec<(&'static str, Fault, HeaderFault)> {
    let none: Fault = Box::new(|_| vec![]);
    vec![
        ("wrong parent", none, |h| h.parentHash = B256::repeat_byte(1)),
        ("deposits not starting where the parent's ended", Box::new(|_| vec![]), |h| {
            h.depositNonceStart += 1;
            h.depositNonceEnd += 1;
        }),
        (
            "deposits starting below where the parent's ended, minting one again",
            Box::new(|c| vec![c.blocks[0].transactions[0].clone()]),
            |h| h.depositNonceStart -= 1,
        ),
        ("a deposit range ending before it starts", Box::new(|_| vec![]), |h| {
            h.depositNonceEnd = h.depositNonceStart - 1;
        }),
        ("more transactions than a block may hold", too_many(), |_| {}),
        (
            "a mint outside its header's range",
            Box::new(|c| vec![deposit_transaction(&c.state.parent_deposits[&1])]),
            |h| h.depositNonceEnd = h.depositNonceStart,
        ),
    ]
}

#[test]
fn every_provable_refusal_is_convicted_by_the_proof_the_watcher_builds() {
    let tx_faults = cases().into_iter().map(|(name, fault)| (name, fault, (|_| {}) as HeaderFault));
    let mut convicted = 0;
    for (name, fraud, edit) in tx_faults.chain(header_cases()) {
        let (chain, honest) = with_header_fault(|c| fraud(c), edit);
        // A header naming another parent voids the block it contradicts: its parent, as a
        // fabricated history would hold it.
        let voided =
            |e: &BlockError| if matches!(e, BlockError::WrongParent { .. }) { 2 } else { 3 };
        assert_convicted(name, &chain, &honest, 3, voided);
        convicted += 1;
    }
    assert_eq!(convicted, cases().len() + header_cases().len());
}

/// Checks that the first invalid block of `chain` after the state of `honest` is block
/// `height`, that its refusal is classified convicted, and that the proof the watcher builds
/// from it, under `chain`'s tip, convicts it at the height `voided` says.
fn assert_convicted(
    name: &str,
    chain: &TestChain,
    honest: &TestChain,
    height: u64,
    voided: impl Fn(&BlockError) -> u64,
) {
    let run = &chain.blocks[height as usize - 1..];
    let (bad, error) =
        first_invalid(&chain.domain, &honest.state, run).unwrap_or_else(|| panic!("{name}: valid"));
    assert_eq!(bad.header.height, height, "{name}");
    let Convicted(kind) = verdict(&error) else {
        panic!("{name}: {error} is classified {:?}, not convicted", verdict(&error));
    };
    let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
    let proof = chain
        .with_proof_context(|cx| build_proof(cx, bad, &error, records))
        .unwrap_or_else(|e| panic!("{name}: {error} has no proof: {e}"));
    let judged = fraud::judge(&chain.domain, &proof, records, |_| None, |_| None)
        .unwrap_or_else(|e| panic!("{name}: the parent refuses the proof: {e}"));
    assert_eq!((judged.kind, judged.height), (kind, voided(&error)), "{name}: {error}");
}
