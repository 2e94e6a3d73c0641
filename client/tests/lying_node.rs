//! A lying node's answers reach the client as typed errors, never as panics: first the
//! conversion layer alone, then a gRPC server in this process whose answers are malformed,
//! asked by the library (`bond`) and by the `plasma` binary.

// `tonic::Status` is every handler's error type.
#![allow(clippy::result_large_err)]

use alloy_sol_types::SolValue;
use plasma_client::convert::{self, ConvertError, MAX_SET_VALIDATORS};
use plasma_client::keys::ValidatorKeys;
use plasma_client::{bond, Error};
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::signing::UserKey;
use plasma_ledger::{Block, BlockHeader, Validator, U256};
use plasma_proto::v1::{self as pb, Exit, Locked, Utxo};
use std::process::Command;
use tonic::{Request, Response, Status};

// ---- the conversion layer -------------------------------------------------------------------

#[test]
fn an_address_of_the_wrong_length_from_a_node_is_an_error_not_a_panic() {
    for len in [0, 19, 21, 32] {
        let err = convert::address("Utxo.token", &vec![1; len]).unwrap_err();
        assert_eq!(err, ConvertError::Length { field: "Utxo.token", len, expected: 20 });
    }
    assert!(convert::address("Utxo.token", &[1; 20]).is_ok());
    let err = convert::b256("GetBlockResponse.block_hash", &[0; 31]).unwrap_err();
    assert!(matches!(err, ConvertError::Length { field: "GetBlockResponse.block_hash", .. }));
}

#[test]
fn an_amount_over_32_bytes_from_a_node_is_an_error_not_a_panic() {
    for bytes in [vec![1; 33], vec![0; 33], vec![0xff; 64]] {
        let err = convert::u256("Utxo.amount", &bytes).unwrap_err();
        assert!(matches!(err, ConvertError::Overflow { field: "Utxo.amount", .. }), "{err}");
    }
    assert_eq!(convert::u256("Utxo.amount", &[]), Ok(U256::ZERO));
    assert_eq!(convert::u256("Utxo.amount", &[0xff; 32]), Ok(U256::MAX));
    assert_eq!(convert::u256("Utxo.amount", &[1, 0]), Ok(U256::from(256)));
}

#[test]
fn an_output_index_over_255_from_a_node_is_an_error_not_a_panic() {
    let err = convert::utxo_pos("Utxo.output_index", 1, 0, 256).unwrap_err();
    assert!(matches!(err, ConvertError::Overflow { field: "Utxo.output_index", .. }));
    let lie =
        Utxo { height: 1, tx_index: 0, output_index: 0, token: vec![0; 20], amount: vec![0; 40] };
    assert!(matches!(
        convert::coin(&lie),
        Err(ConvertError::Overflow { field: "Utxo.amount", .. })
    ));
}

#[test]
fn truncated_or_non_canonical_abi_from_a_node_is_an_error_not_a_panic() {
    let block =
        Block { header: BlockHeader { height: 3, ..Default::default() }, transactions: vec![] };
    let bytes = block.abi_encode();
    assert_eq!(convert::block("GetBlockResponse.block", &bytes).unwrap(), block);
    let truncated = &bytes[..bytes.len() - 1];
    let err = convert::block("GetBlockResponse.block", truncated).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "GetBlockResponse.block", .. }), "{err}");
    // Trailing bytes: a lenient decoder would take it, the ledger's strict one refuses.
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(&[0; 32]);
    let err = convert::block("GetBlockResponse.block", &trailing).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "GetBlockResponse.block", .. }), "{err}");
    // Dirty padding of a uint64 (the header's height, word 1): not the canonical encoding.
    let mut header = block.header.abi_encode();
    header[32] = 1;
    let err = convert::header("CheckpointResponse.header", &header).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "CheckpointResponse.header", .. }), "{err}");
    let err = convert::inclusion("GetInclusionProofResponse.inclusion", &[7; 31]).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "GetInclusionProofResponse.inclusion", .. }));
    let err = convert::signed_tx("GetTxResponse.tx", &[]).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "GetTxResponse.tx", .. }));
}

fn validator(i: u8) -> Validator {
    let bls = BlsSecretKey::from_ikm(&[i; 32]).unwrap();
    Validator {
        operator: plasma_ledger::Address::repeat_byte(i),
        blsPubkey: bls.public_key().to_eip2537().to_vec().into(),
        power: 1,
    }
}

#[test]
fn a_malformed_validator_set_from_a_node_is_an_error_not_an_empty_set() {
    let field = "GetChildResponse.validators";
    let set: Vec<Validator> = (1..=3).map(validator).collect();
    assert_eq!(convert::validator_set(field, &set.abi_encode()).unwrap(), set);
    let err = convert::validator_set(field, &[1, 2, 3]).unwrap_err();
    assert!(matches!(err, ConvertError::Abi { field: "GetChildResponse.validators", .. }));
    let err = convert::validator_set(field, &Vec::<Validator>::new().abi_encode()).unwrap_err();
    assert_eq!(err, ConvertError::SetSize { field, count: 0 });
    let many: Vec<Validator> = (1..=MAX_SET_VALIDATORS as u8 + 1).map(validator).collect();
    let err = convert::validator_set(field, &many.abi_encode()).unwrap_err();
    assert_eq!(err, ConvertError::SetSize { field, count: MAX_SET_VALIDATORS + 1 });
    // No pending set is empty bytes; anything else must be a set.
    let pending = "GetChildResponse.pending_validators";
    assert_eq!(convert::optional_validator_set(pending, &[]), Ok(None));
    assert!(convert::optional_validator_set(pending, &[0; 32]).is_err());
}

// ---- a lying node over gRPC -----------------------------------------------------------------

/// A node whose answers are well formed except where `lie` says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lie {
    RootContract,
    UtxoAmount,
    ValidatorOperator,
    ExitOwner,
    EscrowAmount,
}

#[derive(Clone, Copy)]
struct Liar(Lie);

impl Liar {
    fn bytes(&self, lie: Lie, honest: usize, lying: usize) -> Vec<u8> {
        vec![0; if self.0 == lie { lying } else { honest }]
    }
}

fn unimplemented<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented("not in this test"))
}

#[tonic::async_trait]
impl pb::node_server::Node for Liar {
    async fn status(
        &self,
        _: Request<pb::StatusRequest>,
    ) -> Result<Response<pb::StatusResponse>, Status> {
        let validator = pb::Validator {
            operator: self.bytes(Lie::ValidatorOperator, 20, 3),
            bls_pubkey: vec![],
            power: 1,
        };
        Ok(Response::new(pb::StatusResponse {
            chain_id: 7,
            root_chain_id: 31337,
            root_contract: self.bytes(Lie::RootContract, 20, 19),
            validators: vec![validator],
            ..Default::default()
        }))
    }
    async fn peers(
        &self,
        _: Request<pb::PeersRequest>,
    ) -> Result<Response<pb::PeersResponse>, Status> {
        unimplemented()
    }
    async fn validator_set(
        &self,
        _: Request<pb::ValidatorSetRequest>,
    ) -> Result<Response<pb::ValidatorSetResponse>, Status> {
        unimplemented()
    }
    async fn config(
        &self,
        _: Request<pb::ConfigRequest>,
    ) -> Result<Response<pb::ConfigResponse>, Status> {
        unimplemented()
    }
    async fn set_log_level(
        &self,
        _: Request<pb::SetLogLevelRequest>,
    ) -> Result<Response<pb::SetLogLevelResponse>, Status> {
        unimplemented()
    }
    async fn shutdown(
        &self,
        _: Request<pb::ShutdownRequest>,
    ) -> Result<Response<pb::ShutdownResponse>, Status> {
        unimplemented()
    }
}

#[tonic::async_trait]
impl pb::chain_server::Chain for Liar {
    async fn submit_tx(
        &self,
        _: Request<pb::SubmitTxRequest>,
    ) -> Result<Response<pb::SubmitTxResponse>, Status> {
        unimplemented()
    }
    async fn get_block(
        &self,
        _: Request<pb::GetBlockRequest>,
    ) -> Result<Response<pb::GetBlockResponse>, Status> {
        unimplemented()
    }
    async fn get_tx(
        &self,
        _: Request<pb::GetTxRequest>,
    ) -> Result<Response<pb::GetTxResponse>, Status> {
        unimplemented()
    }
    async fn get_utxos(
        &self,
        _: Request<pb::GetUtxosRequest>,
    ) -> Result<Response<pb::GetUtxosResponse>, Status> {
        let utxo = Utxo {
            height: 1,
            tx_index: 0,
            output_index: 0,
            token: vec![0; 20],
            amount: self.bytes(Lie::UtxoAmount, 32, 33),
        };
        Ok(Response::new(pb::GetUtxosResponse { utxos: vec![utxo] }))
    }
    async fn get_inclusion_proof(
        &self,
        _: Request<pb::GetInclusionProofRequest>,
    ) -> Result<Response<pb::GetInclusionProofResponse>, Status> {
        unimplemented()
    }
    type StreamBlocksStream = tokio_stream::Empty<Result<pb::GetBlockResponse, Status>>;
    async fn stream_blocks(
        &self,
        _: Request<pb::StreamBlocksRequest>,
    ) -> Result<Response<Self::StreamBlocksStream>, Status> {
        unimplemented()
    }
}

#[tonic::async_trait]
impl pb::children_server::Children for Liar {
    async fn list_children(
        &self,
        _: Request<pb::ListChildrenRequest>,
    ) -> Result<Response<pb::ListChildrenResponse>, Status> {
        let escrow = Locked { token: vec![0; 20], amount: self.bytes(Lie::EscrowAmount, 32, 40) };
        let child = pb::ChildSummary { chain_id: 9, escrow: vec![escrow], ..Default::default() };
        Ok(Response::new(pb::ListChildrenResponse { children: vec![child] }))
    }
    async fn get_child(
        &self,
        _: Request<pb::GetChildRequest>,
    ) -> Result<Response<pb::GetChildResponse>, Status> {
        // Its registration asks two gwei of a bond, and its set is full of members at that.
        let min_stake = U256::from(2_000_000_000u64).to_be_bytes::<32>().to_vec();
        let full: Vec<_> = (1..=MAX_SET_VALIDATORS as u8)
            .map(|i| Validator { operator: [i; 20].into(), blsPubkey: vec![].into(), power: 2 })
            .collect();
        let validators = full.abi_encode();
        Ok(Response::new(pb::GetChildResponse { min_stake, validators, ..Default::default() }))
    }
    async fn get_child_checkpoint(
        &self,
        _: Request<pb::GetChildCheckpointRequest>,
    ) -> Result<Response<pb::GetChildCheckpointResponse>, Status> {
        unimplemented()
    }
    async fn child_exits(
        &self,
        _: Request<pb::ChildExitsRequest>,
    ) -> Result<Response<pb::ChildExitsResponse>, Status> {
        unimplemented()
    }
    async fn get_exit_cancellation(
        &self,
        _: Request<pb::GetExitCancellationRequest>,
    ) -> Result<Response<pb::GetExitCancellationResponse>, Status> {
        unimplemented()
    }
}

#[tonic::async_trait]
impl pb::bridge_server::Bridge for Liar {
    async fn parent_state(
        &self,
        _: Request<pb::ParentStateRequest>,
    ) -> Result<Response<pb::ParentStateResponse>, Status> {
        Err(Status::failed_precondition("no parent"))
    }
    async fn deposits(
        &self,
        _: Request<pb::DepositsRequest>,
    ) -> Result<Response<pb::DepositsResponse>, Status> {
        unimplemented()
    }
    async fn checkpoint(
        &self,
        _: Request<pb::CheckpointRequest>,
    ) -> Result<Response<pb::CheckpointResponse>, Status> {
        unimplemented()
    }
    async fn exits(
        &self,
        _: Request<pb::ExitsRequest>,
    ) -> Result<Response<pb::ExitsResponse>, Status> {
        let exit = Exit {
            known: true,
            owner: self.bytes(Lie::ExitOwner, 20, 21),
            token: vec![0; 20],
            amount: vec![0; 32],
            verdict: "honest".into(),
            ..Default::default()
        };
        Ok(Response::new(pb::ExitsResponse { exits: vec![exit], next_parent_block: 0 }))
    }
    async fn exit_evidence(
        &self,
        _: Request<pb::ExitEvidenceRequest>,
    ) -> Result<Response<pb::ExitEvidenceResponse>, Status> {
        unimplemented()
    }
    async fn challenge(
        &self,
        _: Request<pb::ChallengeRequest>,
    ) -> Result<Response<pb::ChallengeResponse>, Status> {
        unimplemented()
    }
    async fn fraud_proofs(
        &self,
        _: Request<pb::FraudProofsRequest>,
    ) -> Result<Response<pb::FraudProofsResponse>, Status> {
        unimplemented()
    }
    async fn alerts(
        &self,
        _: Request<pb::AlertsRequest>,
    ) -> Result<Response<pb::AlertsResponse>, Status> {
        unimplemented()
    }
    type StreamAlertsStream = tokio_stream::Empty<Result<pb::Alert, Status>>;
    async fn stream_alerts(
        &self,
        _: Request<pb::StreamAlertsRequest>,
    ) -> Result<Response<Self::StreamAlertsStream>, Status> {
        unimplemented()
    }
}

/// Serves `lie` on a loopback port of `rt`; returns the endpoint.
fn serve(rt: &tokio::runtime::Runtime, lie: Lie) -> String {
    let liar = Liar(lie);
    let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tonic::transport::Server::builder()
        .add_service(pb::node_server::NodeServer::new(liar))
        .add_service(pb::chain_server::ChainServer::new(liar))
        .add_service(pb::children_server::ChildrenServer::new(liar))
        .add_service(pb::bridge_server::BridgeServer::new(liar))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener));
    rt.spawn(server);
    url
}

fn operator_keys() -> ValidatorKeys {
    let operator_secret = [9; 32];
    ValidatorKeys {
        bls: BlsSecretKey::from_ikm(&[7; 32]).unwrap(),
        operator: UserKey::from_bytes(operator_secret).unwrap(),
        operator_secret,
    }
}

/// Bonds more than the least member of the child's full set on the lying parent at `url`: the
/// first malformed answer stops it.
fn bond_on(rt: &tokio::runtime::Runtime, url: &str) -> Error {
    let stake = U256::from(3_000_000_000u64);
    let bonded = rt.block_on(bond::on_plasma_parent(url, 9, &operator_keys(), stake));
    bonded.expect_err("a lying parent cannot be bonded on")
}

#[test]
fn a_stake_below_the_childs_minimum_is_refused_before_a_coin_is_sought() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The node lies about no answer the bond reads; the stake is what is short.
    let url = serve(&rt, Lie::EscrowAmount);
    let stake = U256::from(1_000_000_000u64);
    let err = rt.block_on(bond::on_plasma_parent(&url, 9, &operator_keys(), stake)).unwrap_err();
    let minimum = U256::from(2_000_000_000u64);
    assert!(
        matches!(err, Error::BelowMinimum { chain: 9, stake: s, minimum: m } if s == stake && m == minimum),
        "{err}"
    );
}

/// The child's set is full of members at the minimum: a bond of the minimum would take no
/// seat, and is refused before a coin is sought.
#[test]
fn a_bond_into_a_full_set_not_outbidding_its_least_member_is_refused_before_a_coin_is_sought() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&rt, Lie::EscrowAmount);
    let stake = U256::from(2_000_000_000u64);
    let err = rt.block_on(bond::on_plasma_parent(&url, 9, &operator_keys(), stake)).unwrap_err();
    let full = Error::SetFull { chain: 9, members: MAX_SET_VALIDATORS, least: 2, power: 2 };
    assert!(matches!(err, Error::SetFull { .. }) && err.to_string() == full.to_string(), "{err}");
}

#[test]
fn a_root_contract_of_the_wrong_length_from_a_node_is_an_error_when_bonding() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&rt, Lie::RootContract);
    let err = bond_on(&rt, &url);
    assert!(
        matches!(
            err,
            Error::Convert(ConvertError::Length {
                field: "StatusResponse.root_contract",
                len: 19,
                expected: 20
            })
        ),
        "{err}"
    );
}

#[test]
fn an_oversized_amount_from_a_node_is_an_error_when_looking_for_a_stake() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&rt, Lie::UtxoAmount);
    let err = bond_on(&rt, &url);
    assert!(
        matches!(err, Error::Convert(ConvertError::Overflow { field: "Utxo.amount", .. })),
        "{err}"
    );
    // Told the truth, the same parent gets as far as finding no output to pay with.
    let url = serve(&rt, Lie::ExitOwner);
    assert!(matches!(bond_on(&rt, &url), Error::NoCoin { purpose: "the stake", .. }));
}

/// Runs `plasma --rpc url <args>`: it must fail, saying `why`, without panicking.
fn cli_refuses(url: &str, args: &[&str], why: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_plasma"))
        .args(["--rpc", url])
        .args(args)
        .env_remove("PLASMA_TREE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "plasma {args:?} took the lie");
    assert!(stderr.contains(why), "stderr does not say {why:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "the CLI panicked:\n{stderr}");
}

#[test]
fn the_cli_refuses_a_lying_nodes_answers_with_the_field_named() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = serve(&rt, Lie::ValidatorOperator);
    cli_refuses(&url, &["status"], "malformed Validator.operator: 3 bytes, expected 20");
    let url = serve(&rt, Lie::ExitOwner);
    cli_refuses(&url, &["exits"], "malformed Exit.owner: 21 bytes, expected 20");
    let url = serve(&rt, Lie::EscrowAmount);
    cli_refuses(&url, &["tree"], "malformed Locked.amount");
    let url = serve(&rt, Lie::UtxoAmount);
    let someone = "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
    cli_refuses(&url, &["balance", someone], "malformed Utxo.amount");
}
