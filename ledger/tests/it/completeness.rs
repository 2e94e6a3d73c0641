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

use plasma_ledger::block::BlockError;
use plasma_ledger::build::{self, deposit_transaction};
use plasma_ledger::children::ChildError;
use plasma_ledger::fraud::{self, FraudKind};
use plasma_ledger::prove::{build_proof, first_invalid, ProofContext};
use plasma_ledger::testkit::{self, TestChain};
use plasma_ledger::tx::{FormError, TxError};
use plasma_ledger::{
    Address, Block, CommitCertificate, DepositRecord, Kind, Output, SignedTransaction, UtxoPos,
    U256,
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

const HEADER: &str = "a header field no fraud kind judges yet";
const BOOKKEEPING: &str = "a plasma parent's bookkeeping of its children";

fn verdict(e: &BlockError) -> Verdict {
    match e {
        BlockError::WrongChain { .. } => NoExit("an inclusion proof needs the chain's own id"),
        BlockError::WrongHeight { .. } => NoExit("an inclusion proof needs the header's height"),
        BlockError::WrongParent { .. } | BlockError::HistoryRootMismatch { .. } => {
            Convicted(FraudKind::BrokenHistory)
        }
        BlockError::TxRootMismatch { .. } => NotAFault("the header commits to its body"),
        BlockError::DepositRangeMismatch { .. } => Open(HEADER),
        BlockError::HistoryFull(_) => Open(HEADER),
        BlockError::TooManyTransactions(_) => Open(HEADER),
        BlockError::ChildCheckpointsRootMismatch { .. } => Open(HEADER),
        BlockError::InvalidTransaction { error, .. } => tx_verdict(error),
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
        TxError::ValueMismatch { inputs, outputs, .. } if outputs > inputs => {
            Convicted(FraudKind::Inflation)
        }
        TxError::ValueMismatch { .. } => Open("less value out than in (burnt by its signers)"),
        TxError::Overflow { .. } => NotAFault("inputs past 2^256 follow an earlier inflation"),
        TxError::Payload(_) => NotAFault("check_form refuses a payload first"),
        TxError::DepositWrongChain { .. }
        | TxError::DepositUnknown { .. }
        | TxError::DepositMismatch { .. } => Convicted(FraudKind::DepositMismatch),
        TxError::DepositOutOfOrder { expected, got } if got < expected => {
            // A nonce minted again: `DoubleMint` at the root, a deposit mismatch in the
            // ledger's verdict.
            Convicted(FraudKind::DepositMismatch)
        }
        TxError::DepositOutOfOrder { .. } => Open("a skipped deposit nonce"),
        TxError::UnknownChild(_)
        | TxError::ExitNotPayable { .. }
        | TxError::PayoutMismatch { .. } => Open(BOOKKEEPING),
        TxError::System(e) => child_verdict(e),
    }
}

fn form_verdict(e: &FormError) -> Verdict {
    match e {
        FormError::UnknownKind(_)
        | FormError::InputCount { .. }
        | FormError::OutputCount { .. }
        | FormError::SignatureCount { .. }
        | FormError::ZeroAmount { .. }
        | FormError::ZeroOwner { .. }
        | FormError::Overflow { .. }
        | FormError::Payload(_)
        | FormError::UnexpectedPayload(_) => Convicted(FraudKind::MalformedTransaction),
    }
}

fn child_verdict(e: &ChildError) -> Verdict {
    match e {
        ChildError::UnknownKind(_) | ChildError::NotBare => {
            NotAFault("check_form refuses the kind and shape first")
        }
        ChildError::Payload(_)
        | ChildError::BadParams
        | ChildError::SetSize(_)
        | ChildError::ProofCount { .. }
        | ChildError::Duplicate(_)
        | ChildError::Possession(_)
        | ChildError::Set(_)
        | ChildError::AlreadyRegistered(_)
        | ChildError::UnknownChild(_)
        | ChildError::NotNewer { .. }
        | ChildError::TooFarAhead { .. }
        | ChildError::WrongSet { .. }
        | ChildError::Certificate(_)
        | ChildError::UnknownAnchor { .. }
        | ChildError::Exit(_)
        | ChildError::AmountTooLarge { .. }
        | ChildError::UnknownDeposit { .. }
        | ChildError::AlreadyExited(_)
        | ChildError::ExitNotActive(_)
        | ChildError::BondOutput
        | ChildError::Challenge(_)
        | ChildError::NoBlockTime
        | ChildError::Frozen(_)
        | ChildError::Fraud(_)
        | ChildError::RewardOutput
        | ChildError::ZeroStake
        | ChildError::BondPower(_)
        | ChildError::AlreadyBonded(_)
        | ChildError::BondPossession => Open(BOOKKEEPING),
    }
}

/// Alice's deposit (block 1) and her payment to herself (block 2), then `fraud` sealed
/// unchecked as block 3 and an empty block 4 as the checkpoint. Returns the chain and the
/// state before block 3.
fn with_fraud(fraud: impl FnOnce(&TestChain) -> Vec<SignedTransaction>) -> (TestChain, TestChain) {
    let alice = testkit::user("alice");
    let mut chain = TestChain::new();
    let record = chain.record_deposit(alice.address(), Address::ZERO, 100);
    chain.commit(vec![deposit_transaction(&record)]);
    chain.commit(vec![transfer(&chain, vec![UtxoPos::new(1, 0, 0)], vec![100], "alice")]);
    let honest = chain.clone();
    let txs = fraud(&chain);
    chain.commit_unchecked(txs);
    chain.commit_unchecked(Vec::new());
    (chain, honest)
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
            "undecodable stake",
            Box::new(edit(|t| {
                t.transaction.kind = Kind::StakeChild as u8;
                t.transaction.outputs[0].amount = U256::from(1_100);
                t.transaction.data = vec![1, 2, 3].into();
            })),
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

#[test]
fn every_provable_refusal_is_convicted_by_the_proof_the_watcher_builds() {
    let mut convicted = 0;
    for (name, fraud) in cases() {
        let (chain, honest) = with_fraud(|c| fraud(c));
        let run = &chain.blocks[2..];
        let (bad, error) = first_invalid(&chain.domain, &honest.state, run)
            .unwrap_or_else(|| panic!("{name}: valid"));
        assert_eq!(bad.header.height, 3, "{name}");
        let Convicted(kind) = verdict(&error) else {
            panic!("{name}: {error} is classified {:?}, not convicted", verdict(&error));
        };
        let anchor = chain.tip().clone();
        let blocks: Vec<&Block> = chain.blocks.iter().collect();
        let certificate =
            CommitCertificate { height: 4, blockHash: anchor.hash(), ..Default::default() };
        let cx = ProofContext {
            domain: &chain.domain,
            blocks: &blocks,
            anchor: &anchor,
            certificate: &certificate,
        };
        let records = |n: u64| honest.state.parent_deposits.get(&n).cloned();
        let proof = build_proof(&cx, bad, &error, records)
            .unwrap_or_else(|e| panic!("{name}: {error} has no proof: {e}"));
        let judged = fraud::judge(&chain.domain, &proof, records, |_| None)
            .unwrap_or_else(|e| panic!("{name}: the parent refuses the proof: {e}"));
        assert_eq!((judged.kind, judged.height), (kind, 3), "{name}: {error}");
        convicted += 1;
    }
    assert_eq!(convicted, cases().len());
}

#[test]
fn the_law_pins_what_is_proven_and_what_is_open() {
    // The exhaustive match above is the law's table; this pins the verdict of the classes
    // the README lists as proven, so a reclassification is a visible change.
    let form = FormError::UnknownKind(9);
    assert_eq!(form_verdict(&form), Convicted(FraudKind::MalformedTransaction));
    let burn = TxError::ValueMismatch {
        token: Address::ZERO,
        inputs: U256::from(2),
        outputs: U256::from(1),
    };
    assert!(matches!(tx_verdict(&burn), Open(_)));
    assert!(matches!(child_verdict(&ChildError::ZeroStake), Open(BOOKKEEPING)));
}
