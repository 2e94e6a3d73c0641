//! The application answers one request trace identically in-process and over an ABCI socket
//! (tower-abci), and ends in the same state.

use crate::common;
use bytes::Bytes;
use malachitebft_core_types::{CommitCertificate, CommitSignature, Context, NilOrVal, Round};
use malachitebft_signing::Signer;
use plasma_consensus::abci::{self, DecidedBlock, QUERY_COMMIT};
use plasma_consensus::signing::BlsSigner;
use plasma_consensus::{BlockHash, Height, PlasmaContext, ValidatorAddress};
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::{build, testkit, Address, Output, UtxoPos, B256, U256};
use plasma_node::app::PlasmaApp;
use plasma_node::config::{Genesis, GenesisDeposit, GenesisValidator};
use plasma_node::store::{Store, StoreConfig};
use prost::Message;
use tendermint::v0_38::abci::{request, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

const T0: i64 = 1_700_000_000;

fn genesis(keys: &[BlsSecretKey], alice: Address) -> Genesis {
    Genesis {
        chain_id: 7,
        root_chain_id: 31337,
        root_contract: Address::repeat_byte(0xc0),
        parents: Vec::new(),
        validators: keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let op = Address::with_last_byte(i as u8 + 1);
                GenesisValidator {
                    operator: op,
                    bls_pubkey: alloy_primitives::hex::encode(k.public_key().to_eip2537()),
                    pop: alloy_primitives::hex::encode(k.proof_of_possession(op).to_eip2537()),
                    power: 10,
                }
            })
            .collect(),
        deposits: vec![
            GenesisDeposit { recipient: alice, token: Address::ZERO, amount: U256::from(1000) },
            GenesisDeposit { recipient: alice, token: Address::ZERO, amount: U256::from(7) },
        ],
    }
}

async fn commit_for(keys: &[BlsSecretKey], height: u64, block: B256) -> Bytes {
    let ctx = PlasmaContext::new(7);
    let mut sigs = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let who = ValidatorAddress(Address::with_last_byte(i as u8 + 1));
        let vote =
            ctx.new_precommit(Height(height), Round::new(0), NilOrVal::Val(BlockHash(block)), who);
        let signed = BlsSigner::new(testkit::votes(7), k.clone()).sign_vote(vote).await.unwrap();
        sigs.push(CommitSignature::new(who, signed.signature));
    }
    abci::encode_commit(&CommitCertificate {
        height: Height(height),
        round: Round::new(0),
        value_id: BlockHash(block),
        commit_signatures: sigs,
    })
}

/// A minimal ABCI client: one request, a flush, both responses.
struct Client(TcpStream);

impl Client {
    async fn call(&mut self, req: Request) -> Response {
        for r in [req, Request::Flush] {
            let pb: tendermint_proto::v0_38::abci::Request = r.into();
            let mut buf = Vec::new();
            pb.encode_length_delimited(&mut buf).unwrap();
            self.0.write_all(&buf).await.unwrap();
        }
        let first = self.read().await;
        assert!(matches!(self.read().await, Response::Flush));
        first
    }

    async fn read(&mut self) -> Response {
        let mut len = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.0.read_u8().await.unwrap();
            len |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0; len as usize];
        self.0.read_exact(&mut body).await.unwrap();
        let pb = tendermint_proto::v0_38::abci::Response::decode(body.as_slice()).unwrap();
        Response::try_from(pb).unwrap()
    }
}

/// Sends `req` to both applications; their answers must be equal.
async fn step(local: &PlasmaApp, client: &mut Client, req: Request) -> Response {
    let here = local.clone().oneshot(req.clone()).await.unwrap();
    let there = client.call(req).await;
    assert_eq!(here, there, "in-process and socket answers differ");
    here
}

fn prepare(height: u64, txs: Vec<Bytes>) -> Request {
    Request::PrepareProposal(request::PrepareProposal {
        max_tx_bytes: 1 << 20,
        txs,
        local_last_commit: None,
        misbehavior: vec![],
        height: tendermint::block::Height::try_from(height).unwrap(),
        time: tendermint::Time::from_unix_timestamp(T0 + height as i64, 0).unwrap(),
        next_validators_hash: Default::default(),
        proposer_address: tendermint::account::Id::new(Address::with_last_byte(1).into_array()),
    })
}

fn process(height: u64, txs: &[Bytes]) -> Request {
    Request::ProcessProposal(request::ProcessProposal {
        txs: txs.to_vec(),
        proposed_last_commit: None,
        misbehavior: vec![],
        hash: tendermint::Hash::Sha256(abci::block_hash(txs).unwrap().0),
        height: tendermint::block::Height::try_from(height).unwrap(),
        time: tendermint::Time::from_unix_timestamp(T0 + height as i64, 0).unwrap(),
        next_validators_hash: Default::default(),
        proposer_address: tendermint::account::Id::new(Address::with_last_byte(1).into_array()),
    })
}

fn finalize(height: u64, commit: Bytes, txs: &[Bytes]) -> Request {
    let mut all = vec![commit];
    all.extend(txs.iter().cloned());
    Request::FinalizeBlock(request::FinalizeBlock {
        txs: all,
        decided_last_commit: tendermint::abci::types::CommitInfo {
            round: Default::default(),
            votes: vec![],
        },
        misbehavior: vec![],
        hash: tendermint::Hash::Sha256(abci::block_hash(txs).unwrap().0),
        height: tendermint::block::Height::try_from(height).unwrap(),
        time: tendermint::Time::from_unix_timestamp(T0 + height as i64, 0).unwrap(),
        next_validators_hash: Default::default(),
        proposer_address: tendermint::account::Id::new(Address::with_last_byte(1).into_array()),
    })
}

fn query(path: &str, data: &[u8]) -> Request {
    Request::Query(request::Query {
        data: Bytes::copy_from_slice(data),
        path: path.into(),
        height: Default::default(),
        prove: false,
    })
}

fn check_tx(tx: Bytes) -> Request {
    Request::CheckTx(request::CheckTx { tx, kind: request::CheckTxKind::New })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_in_process_and_over_the_socket() {
    let keys: Vec<_> = (0..4).map(|i| BlsSecretKey::from_seed(&[b'p', i])).collect();
    let alice = plasma_ledger::signing::UserKey::from_seed(b"alice");
    let g = genesis(&keys, alice.address());
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let local = common::app(da.path(), &g);
    let served = common::app(db.path(), &g);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    tokio::spawn(plasma_node::abci_server::serve(served.clone(), addr));
    let stream = loop {
        match TcpStream::connect(addr).await {
            Ok(s) => break s,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    };
    let mut client = Client(stream);

    // Height 1: the genesis deposits.
    let info = Request::Info(request::Info {
        version: "t".into(),
        block_version: 0,
        p2p_version: 0,
        abci_version: "2.0.0".into(),
    });
    assert!(
        matches!(step(&local, &mut client, info).await, Response::Info(i) if i.last_block_height.value() == 0)
    );
    let garbage =
        step(&local, &mut client, check_tx(Bytes::from_static(b"not a transaction"))).await;
    assert!(matches!(garbage, Response::CheckTx(c) if !c.code.is_ok()), "garbage refused");
    let Response::PrepareProposal(p) = step(&local, &mut client, prepare(1, vec![])).await else {
        panic!()
    };
    let block1 = p.txs;
    assert_eq!(block1.len(), 4, "header, no parent commit, two deposits");
    let accepted = step(&local, &mut client, process(1, &block1)).await;
    assert_eq!(
        accepted,
        Response::ProcessProposal(tendermint::abci::response::ProcessProposal::Accept)
    );
    let commit1 = commit_for(&keys, 1, abci::block_hash(&block1).unwrap()).await;
    step(&local, &mut client, finalize(1, commit1, &block1)).await;
    step(&local, &mut client, Request::Commit).await;
    let Response::Query(q) =
        step(&local, &mut client, query(QUERY_COMMIT, &1u64.to_be_bytes())).await
    else {
        panic!()
    };
    assert_eq!(
        DecidedBlock::decode(&q.value).unwrap().txs,
        block1.iter().map(|t| t.to_vec()).collect::<Vec<_>>()
    );
    let Response::Query(q) = step(&local, &mut client, query("/nope", &[])).await else { panic!() };
    assert!(!q.code.is_ok());

    // Height 2: a transfer from Alice's first deposit output; junk beside it is dropped.
    let d = plasma_ledger::signing::SigningDomain::new(7, 31337, Address::repeat_byte(0xc0));
    let bob = Address::repeat_byte(0xb0);
    let transfer = build::transfer(
        &d,
        &[(UtxoPos::new(1, 0, 0), &alice)],
        vec![
            Output::new(bob, Address::ZERO, U256::from(600)),
            Output::new(alice.address(), Address::ZERO, U256::from(400)),
        ],
    );
    let transfer = Bytes::from(alloy_sol_types::SolValue::abi_encode(&transfer));
    let checked = step(&local, &mut client, check_tx(transfer.clone())).await;
    assert!(matches!(checked, Response::CheckTx(c) if c.code.is_ok()));
    let junk = Bytes::from_static(b"junk");
    let Response::PrepareProposal(p) =
        step(&local, &mut client, prepare(2, vec![transfer.clone(), junk])).await
    else {
        panic!()
    };
    let block2 = p.txs;
    assert_eq!(block2.len(), 3, "header, parent commit, the transfer");
    step(&local, &mut client, process(2, &block2)).await;
    let commit2 = commit_for(&keys, 2, abci::block_hash(&block2).unwrap()).await;
    step(&local, &mut client, finalize(2, commit2, &block2)).await;
    step(&local, &mut client, Request::Commit).await;
    let spent = step(&local, &mut client, check_tx(transfer)).await;
    assert!(matches!(spent, Response::CheckTx(c) if !c.code.is_ok()), "spent input refused");

    let (a, b) =
        (local.with_store(|s| s.snapshot().unwrap()), served.with_store(|s| s.snapshot().unwrap()));
    assert_eq!(a, b);
    assert_eq!(a.head.height, 2);
    assert_eq!(a.utxos[&UtxoPos::new(2, 0, 0)].owner, bob);
}

/// A proposal never outgrows `max_tx_bytes` once streamed (the borsh list of the header, the
/// parent's commit and the transactions): peers drop larger streams, so an oversized block
/// would stall the round.
#[tokio::test]
async fn prepared_blocks_fit_the_byte_limit() {
    let keys: Vec<_> = (0..4).map(|i| BlsSecretKey::from_seed(&[b'p', i])).collect();
    let alice = testkit::user("alice");
    let g = genesis(&keys, alice.address());
    let dir = tempfile::tempdir().unwrap();
    let app = common::app(dir.path(), &g);
    let mut kept = Vec::new();
    for limit in (0..2000).step_by(25) {
        let Request::PrepareProposal(mut req) = prepare(1, vec![]) else { unreachable!() };
        req.max_tx_bytes = limit;
        let Response::PrepareProposal(res) =
            app.clone().oneshot(Request::PrepareProposal(req)).await.unwrap()
        else {
            panic!("not a PrepareProposal answer")
        };
        let streamed = abci::streamed_len(&res.txs);
        assert!(streamed as i64 <= limit || res.txs.len() == 2, "{streamed} > {limit}");
        kept.push(res.txs.len() - 2);
    }
    assert_eq!(kept.first(), Some(&0), "no room: no deposit");
    assert_eq!(kept.last(), Some(&2), "room: both deposits, in order");
    assert!(kept.windows(2).all(|w| w[0] <= w[1]), "more room never keeps less: {kept:?}");
}

/// A block built by validator 1 and re-proposed in a later round by validator 2 (Tendermint
/// re-proposes a value that gathered a polka) is accepted by a fresh validator; a block
/// naming a proposer outside the set is refused.
#[tokio::test]
async fn a_block_re_proposed_by_another_round_proposer_is_accepted() {
    let keys: Vec<_> = (0..4).map(|i| BlsSecretKey::from_seed(&[b'r', i])).collect();
    let alice = testkit::user("alice");
    let g = genesis(&keys, alice.address());
    let (built_dir, judge_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let builder = common::app(built_dir.path(), &g);
    let judge = common::app(judge_dir.path(), &g);
    let answer = |app: &PlasmaApp, req: Request| {
        let app = app.clone();
        async move { app.oneshot(req).await.unwrap() }
    };
    let prepared = |proposer: u8| {
        let Request::PrepareProposal(mut req) = prepare(1, vec![]) else { unreachable!() };
        req.proposer_address =
            tendermint::account::Id::new(Address::with_last_byte(proposer).into_array());
        Request::PrepareProposal(req)
    };
    let Response::PrepareProposal(built) = answer(&builder, prepared(1)).await else { panic!() };
    let Request::ProcessProposal(mut later) = process(1, &built.txs) else { unreachable!() };
    later.proposer_address = tendermint::account::Id::new(Address::with_last_byte(2).into_array());
    let verdict = answer(&judge, Request::ProcessProposal(later)).await;
    assert_eq!(verdict, Response::ProcessProposal(response_accept()), "re-proposal refused");

    let Response::PrepareProposal(outsider) = answer(&builder, prepared(9)).await else { panic!() };
    let verdict = answer(&judge, process(1, &outsider.txs)).await;
    assert_ne!(
        verdict,
        Response::ProcessProposal(response_accept()),
        "a non-member's block accepted"
    );
}

/// Exits mature by block time, so a block may not run ahead of a validator's clock: one
/// stamped an hour ahead is refused, one stamped now is accepted.
#[tokio::test]
async fn a_block_stamped_ahead_of_the_validators_clock_is_refused() {
    let keys: Vec<_> = (0..4).map(|i| BlsSecretKey::from_seed(&[b'c', i])).collect();
    let g = genesis(&keys, testkit::user("alice").address());
    let (built_dir, judge_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (builder, judge) = (common::app(built_dir.path(), &g), common::app(judge_dir.path(), &g));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        as i64;
    let stamped = |at: i64| {
        let Request::PrepareProposal(mut req) = prepare(1, vec![]) else { unreachable!() };
        req.time = tendermint::Time::from_unix_timestamp(at, 0).unwrap();
        Request::PrepareProposal(req)
    };
    for (at, accepted) in [(now + 3600, false), (now, true)] {
        let Response::PrepareProposal(built) = builder.clone().oneshot(stamped(at)).await.unwrap()
        else {
            panic!()
        };
        let Request::ProcessProposal(mut req) = process(1, &built.txs) else { unreachable!() };
        req.time = tendermint::Time::from_unix_timestamp(at, 0).unwrap();
        let verdict = judge.clone().oneshot(Request::ProcessProposal(req)).await.unwrap();
        let accept = Response::ProcessProposal(response_accept());
        assert_eq!(verdict == accept, accepted, "block stamped {}s from now", at - now);
    }
}

fn response_accept() -> tendermint::v0_38::abci::response::ProcessProposal {
    tendermint::v0_38::abci::response::ProcessProposal::Accept
}

/// A block that needs what this node has not read from its parent yet (here: a deposit it
/// mints) is neither accepted nor rejected but left unjudged (`Unknown`), so the engine asks
/// again; once the node has read the deposit, the same block is accepted.
#[tokio::test]
async fn a_block_minting_a_deposit_this_node_has_not_read_yet_is_judged_again_later() {
    let keys: Vec<_> = (0..4).map(|i| BlsSecretKey::from_seed(&[b'd', i])).collect();
    let g = genesis(&keys, testkit::user("alice").address());
    let (built_dir, judge_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let builder = common::app(built_dir.path(), &g);
    let records = g.deposit_records();
    let judge = {
        let loaded = g.clone().check().unwrap();
        let store = Store::open(judge_dir.path(), &StoreConfig::default()).unwrap();
        store.record_parent_deposit(&records[0]).unwrap();
        PlasmaApp::new(store, loaded.domain, loaded.validators).unwrap()
    };
    let Response::PrepareProposal(built) =
        builder.clone().oneshot(prepare(1, vec![])).await.unwrap()
    else {
        panic!()
    };
    let verdict = judge.clone().oneshot(process(1, &built.txs)).await.unwrap();
    let unknown = tendermint::v0_38::abci::response::ProcessProposal::Unknown;
    assert_eq!(verdict, Response::ProcessProposal(unknown), "deposit 1 is not known here yet");
    judge.with_store(|s| s.record_parent_deposit(&records[1])).unwrap();
    let verdict = judge.clone().oneshot(process(1, &built.txs)).await.unwrap();
    assert_eq!(verdict, Response::ProcessProposal(response_accept()));
}
