//! A chain B under a plasma chain A (itself under the root): B's validators registered on A
//! with their genesis keys, and what tests submit to and read from A.

use super::Cluster;
use alloy_sol_types::SolValue;
use plasma_ledger::children::{child_chain_id, register_child_tx};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{
    testkit, Address, ChildDeposit, ChildParams, ChildRegistration, Output, SignedTransaction,
    TxKind, UtxoPos, Validator, U256,
};
use plasma_proto::v1::node_client::NodeClient;
use plasma_proto::v1::{GetChildRequest, GetChildResponse, SubmitTxRequest};
use std::time::{Duration, Instant};

/// Chain B of `n` validators, named by A from its registration, each node following A (all
/// of A's nodes as endpoints). Not registered yet: [`register`] does it.
pub struct UnderPlasma {
    pub cluster: Cluster,
    pub chain_id: u64,
    pub registration: ChildRegistration,
    pub domain: SigningDomain,
}

pub fn under_plasma(a: &Cluster, anvil: &str, n: usize, params: ChildParams) -> UnderPlasma {
    let a_id = a.genesis.chain_id;
    let mut registration = None;
    let root = a.genesis.root_contract.to_string();
    let cluster = Cluster::with_genesis_by(
        n,
        &[],
        |keys| {
            let reg = ChildRegistration {
                salt: 0,
                params,
                validators: keys
                    .iter()
                    .map(|k| Validator {
                        operator: k.operator.address(),
                        blsPubkey: k.bls.public_key().to_eip2537().to_vec().into(),
                        power: 100,
                    })
                    .collect(),
                proofsOfPossession: keys
                    .iter()
                    .map(|k| {
                        let pop = k.bls.proof_of_possession(k.operator.address());
                        pop.to_eip2537().to_vec().into()
                    })
                    .collect(),
            };
            let id = child_chain_id(a_id, &reg);
            registration = Some(reg);
            id
        },
        &["--root-contract", &root],
    );
    let registration = registration.unwrap();
    let g = cluster.genesis.clone();
    assert_eq!(
        Validator::set_hash(&registration.validators),
        g.clone().check().unwrap().validators.ledger().hash(),
        "B registers its genesis set"
    );
    let endpoints: Vec<_> =
        a.nodes.iter().map(|n| format!("\"http://127.0.0.1:{}\"", n.rpc)).collect();
    for node in &cluster.nodes {
        let config = node.home.join("config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&format!(
            "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 300\n\n\
             [parent.plasma]\nchain_id = {a_id}\nendpoints = [{}]\n",
            anvil,
            endpoints.join(", ")
        ));
        std::fs::write(&config, text).unwrap();
    }
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
    UnderPlasma { chain_id: g.chain_id, cluster, registration, domain }
}

/// The signing domain of `chain`'s transactions.
pub fn domain_of(chain: &Cluster) -> SigningDomain {
    let g = &chain.genesis;
    SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract)
}

/// B's entry on the node of A at `rpc`, if registered.
pub async fn child_on(rpc: u16, chain: u64) -> Option<GetChildResponse> {
    let mut node = NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await.ok()?;
    node.get_child(GetChildRequest { chain_id: chain }).await.ok().map(|r| r.into_inner())
}

/// Polls B's entry on A until `done` holds; panics after `secs` naming `what`.
pub async fn wait_child(
    rpc: u16,
    chain: u64,
    secs: u64,
    what: &str,
    done: impl Fn(&GetChildResponse) -> bool,
) -> GetChildResponse {
    let since = Instant::now();
    loop {
        if let Some(entry) = child_on(rpc, chain).await {
            if done(&entry) {
                return entry;
            }
        }
        assert!(since.elapsed() < Duration::from_secs(secs), "{what}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Submits `stx` to the node at `rpc` (waiting for its API to come up); its refusal, if any.
pub async fn try_submit(rpc: u16, stx: &SignedTransaction) -> Result<(), tonic::Status> {
    let since = Instant::now();
    let mut node = loop {
        match NodeClient::connect(format!("http://127.0.0.1:{rpc}")).await {
            Ok(node) => break node,
            Err(e) if since.elapsed() > Duration::from_secs(30) => panic!("node API: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await, // starting
        }
    };
    node.submit_tx(SubmitTxRequest { tx: stx.abi_encode() }).await.map(drop)
}

/// Submits `stx`, which must be accepted.
pub async fn submit(rpc: u16, stx: &SignedTransaction) {
    if let Err(e) = try_submit(rpc, stx).await {
        panic!("kind {} refused: {}", stx.transaction.kind, e.message());
    }
}

/// Registers B on A and waits until A's node at `rpc` knows it.
pub async fn register(rpc: u16, b: &UnderPlasma) {
    submit(rpc, &register_child_tx(&b.registration)).await;
    wait_child(rpc, b.chain_id, 60, "B never registered on A", |_| true).await;
}

/// `from` spends its coin `(height, index, amount)` on A (ETH) into `kind` with `payload`,
/// locking `locked` ETH (a deposit into a child, a bond or a stake) and keeping the change.
pub fn spend_into(
    domain: &SigningDomain,
    from: &UserKey,
    coin: (u64, u32, U256),
    kind: TxKind,
    locked: U256,
    payload: Vec<u8>,
) -> SignedTransaction {
    let change = coin.2 - locked;
    let outputs = if change.is_zero() {
        vec![]
    } else {
        vec![Output::new(from.address(), Address::ZERO, change)]
    };
    let tx = testkit::tx(kind, vec![UtxoPos::new(coin.0, coin.1, 0)], outputs, payload);
    testkit::sign(domain, tx, &[from])
}

/// Locks `amount` ETH of `from`'s coin for `recipient` on child `chain`.
pub fn lock_eth(
    domain: &SigningDomain,
    from: &UserKey,
    coin: (u64, u32, U256),
    chain: u64,
    recipient: Address,
    amount: U256,
) -> SignedTransaction {
    let lock = ChildDeposit { childChainId: chain, recipient, token: Address::ZERO, amount };
    spend_into(domain, from, coin, TxKind::DepositToChild, amount, lock.abi_encode())
}
