use super::*;
use crate::config::{Genesis, GenesisValidator};
use crate::store::StoreConfig;
use alloy_primitives::hex;
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::build::register_child_tx;
use plasma_ledger::testkit::committee;
use plasma_ledger::{ChildParams, ChildRegistration, DepositRecord, U256};

/// An application over a fresh store with one validator.
fn app(dir: &std::path::Path) -> PlasmaApp {
    let key = BlsSecretKey::from_seed(b"check");
    let op = Address::with_last_byte(1);
    let g = Genesis {
        chain_id: 7,
        root_chain_id: 31337,
        root_contract: Address::repeat_byte(0xc0),
        parents: Vec::new(),
        validators: vec![GenesisValidator {
            operator: op,
            bls_pubkey: hex::encode(key.public_key().to_eip2537()),
            pop: hex::encode(key.proof_of_possession(op).to_eip2537()),
            power: 10,
        }],
        deposits: vec![],
    };
    let loaded = g.check().expect("genesis");
    let store = Store::open(dir, &StoreConfig::default()).expect("store");
    PlasmaApp::new(store, loaded.domain, loaded.validators).expect("app")
}

fn registration() -> ChildRegistration {
    let (keys, set) = committee(4);
    let members: Vec<_> =
        set.validators().iter().zip(&keys).map(|(v, k)| (v.operator, k, v.power)).collect();
    let params = ChildParams {
        epochLength: 4,
        exitPeriod: 60,
        exitBond: U256::from(10),
        minStake: U256::from(1_000_000_000u64),
    };
    plasma_ledger::build::child_registration(1, params, &members)
}

#[test]
fn anyone_may_submit_a_system_transaction_and_the_ledger_judges_it() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path());
    let valid = register_child_tx(&registration());
    assert_eq!(app.check(&valid.abi_encode()), Ok(()));

    let mut unknown = valid.clone();
    unknown.transaction.kind = 21;
    let refused = app.check(&unknown.abi_encode()).unwrap_err();
    assert!(
        matches!(&refused, Refusal::NotSubmittable(reason) if reason.contains("unknown transaction kind 21")),
        "{refused:?}"
    );
}

#[test]
fn a_minted_kind_is_refused_before_the_ledger_judges_it() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path());
    let record = DepositRecord { chainId: 7, amount: U256::from(1), ..Default::default() };
    let mint = plasma_ledger::build::deposit_transaction(&record);
    let refused = app.check(&mint.abi_encode()).unwrap_err();
    assert!(matches!(refused, Refusal::NotSubmittable(_)), "{refused:?}");
}

#[test]
fn a_fraud_proof_spending_others_coins_is_refused_as_it_came() {
    // Re-linking a fraud proof to the stakes it will stand on keeps nothing but its payload:
    // one carrying inputs (anyone's coins, unsigned) is judged as it came, and refused, so it
    // never holds those coins in the pool.
    let dir = tempfile::tempdir().expect("dir");
    let app = app(dir.path());
    let fraud = plasma_ledger::ChildFraudProof {
        childChainId: 9,
        prover: Address::repeat_byte(7),
        ..Default::default()
    };
    let mut stx = plasma_ledger::build::prove_child_fraud_tx(&fraud, U256::ZERO);
    stx.transaction.inputs = vec![plasma_ledger::UtxoPos::new(1, 0, 0)];
    let refused = app.check(&stx.abi_encode()).unwrap_err();
    assert!(
        matches!(&refused, Refusal::Invalid { permanent: true, reason } if reason.contains("input")),
        "{refused:?}"
    );
}
