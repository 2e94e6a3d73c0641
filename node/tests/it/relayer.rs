//! The deposit relayer against a parent that misbehaves: what it records is exactly the
//! final deposits after the last recorded one, in nonce order (a plasma parent's nonces have
//! gaps: they are where the locks stand), and a parent answering out of order or for another
//! chain records nothing.

use crate::common;
use plasma_bridge::parent::{ParentDeposits, ParentError};
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::{Address, DepositRecord, U256};
use plasma_node::app::PlasmaApp;
use plasma_node::config::{Genesis, GenesisValidator};
use plasma_node::relayer::relay_once;
use std::sync::Mutex;

/// A parent that answers `final_deposits` from a script.
struct Scripted(Mutex<Vec<Vec<DepositRecord>>>);

#[async_trait::async_trait]
impl ParentDeposits for Scripted {
    async fn final_deposits(
        &self,
        _chain_id: u64,
        _from: u64,
        _max: usize,
    ) -> Result<Vec<DepositRecord>, ParentError> {
        let mut s = self.0.lock().unwrap();
        if s.is_empty() {
            return Err(ParentError::Transport("script exhausted".into()));
        }
        Ok(s.remove(0))
    }
}

fn record(chain: u64, nonce: u64) -> DepositRecord {
    DepositRecord {
        chainId: chain,
        nonce,
        depositor: Address::repeat_byte(1),
        recipient: Address::repeat_byte(2),
        token: Address::ZERO,
        amount: U256::from(nonce + 1),
    }
}

fn app(dir: &std::path::Path) -> PlasmaApp {
    let key = BlsSecretKey::from_seed(b"relayer");
    let op = Address::with_last_byte(1);
    let g = Genesis {
        chain_id: 7,
        root_chain_id: 31337,
        root_contract: Address::repeat_byte(0xc0),
        parents: Vec::new(),
        validators: vec![GenesisValidator {
            operator: op,
            bls_pubkey: alloy_primitives::hex::encode(key.public_key().to_eip2537()),
            pop: alloy_primitives::hex::encode(key.proof_of_possession(op).to_eip2537()),
            power: 10,
        }],
        deposits: vec![],
    };
    common::app(dir, &g)
}

#[tokio::test]
async fn only_deposits_of_this_chain_after_the_last_recorded_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path());
    let parent = Scripted(Mutex::new(vec![
        vec![record(7, 0), record(7, 1)],
        vec![record(7, 1)], // recorded already
        vec![record(8, 2)], // another chain's
        vec![],             // nothing final yet
        vec![record(7, 3 << 32), record(7, 9 << 32 | 2)],
    ]));
    assert_eq!(relay_once(&parent, &app, 7).await.unwrap(), 2);
    let e = relay_once(&parent, &app, 7).await.unwrap_err().to_string();
    assert!(e.contains("deposit 1 of chain 7 where one of 7 from 2 was due"), "{e}");
    let e = relay_once(&parent, &app, 7).await.unwrap_err().to_string();
    assert!(e.contains("of chain 8"), "{e}");
    assert_eq!(relay_once(&parent, &app, 7).await.unwrap(), 0);
    assert_eq!(app.with_store(|s| s.recorded_deposits_end()).unwrap(), 2, "nothing recorded");
    assert_eq!(relay_once(&parent, &app, 7).await.unwrap(), 2);
    let end = app.with_store(|s| s.recorded_deposits_end()).unwrap();
    assert_eq!(end, (9 << 32 | 2) + 1, "a plasma parent's nonces have gaps");
    assert!(relay_once(&parent, &app, 7).await.is_err(), "an unreachable parent is an error");
}
