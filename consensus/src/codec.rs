//! The wire and WAL encoding of consensus-internal messages.
//!
//! Votes, proposals, proposal parts, liveness certificates, sync messages and WAL entries use
//! Malachite's own borsh serialisation: they are the engine's messages, never verified by a
//! parent. The blocks inside proposal parts and sync responses are the ledger's ABI bytes.
//! Decoding is strict — trailing bytes are an error — and bounded: every message arrives
//! through a size-capped gossip or request channel, and borsh never preallocates more than
//! the input can hold.

use crate::context::PlasmaContext;
use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use malachitebft_codec::{Codec, HasEncodedLen};
use malachitebft_core_consensus::{LivenessMsg, ProposedValue, SignedConsensusMsg};
use malachitebft_core_types::{
    ExtendedCommitCertificate, ExtendedCommitSignature, PolkaCertificate, Round, ValidatorProof,
};
use malachitebft_engine::util::streaming::StreamMessage;
use malachitebft_sync::{RawDecidedValue, Request, Response, Status, ValueResponse};

use crate::context::{BlockHash, Height, ProposalPart, ValidatorAddress};
use crate::scheme::Signature;

/// Why bytes did not decode (or, never in practice, a value did not encode).
#[derive(Debug, thiserror::Error)]
#[error("consensus message codec: {0}")]
pub struct CodecError(#[from] borsh::io::Error);

/// The codec for network, sync and WAL.
#[derive(Clone, Copy, Debug, Default)]
pub struct BorshCodec;

fn decode<T: BorshDeserialize>(bytes: &[u8]) -> Result<T, CodecError> {
    Ok(borsh::from_slice(bytes)?)
}

fn encode<T: BorshSerialize>(value: &T) -> Result<Bytes, CodecError> {
    Ok(Bytes::from(borsh::to_vec(value)?))
}

macro_rules! borsh_codec {
    ($($ty:ty),* $(,)?) => {$(
        impl Codec<$ty> for BorshCodec {
            type Error = CodecError;
            fn decode(&self, bytes: Bytes) -> Result<$ty, CodecError> {
                decode(&bytes)
            }
            fn encode(&self, msg: &$ty) -> Result<Bytes, CodecError> {
                encode(msg)
            }
        }
    )*};
}

borsh_codec!(
    ProposalPart,
    SignedConsensusMsg<PlasmaContext>,
    LivenessMsg<PlasmaContext>,
    StreamMessage<ProposalPart>,
    ProposedValue<PlasmaContext>,
    PolkaCertificate<PlasmaContext>,
    Status<PlasmaContext>,
    Request<PlasmaContext>,
);

/// A sync response (`Response` has no borsh form upstream: its certificates lack one).
/// Vote extensions are disabled, so none travel.
#[derive(BorshSerialize, BorshDeserialize)]
struct ResponseWire {
    start_height: Height,
    values: Vec<DecidedWire>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct DecidedWire {
    value_bytes: Vec<u8>,
    height: Height,
    round: Round,
    value_id: BlockHash,
    signatures: Vec<(ValidatorAddress, Signature)>,
}

fn response_wire(msg: &Response<PlasmaContext>) -> ResponseWire {
    let Response::ValueResponse(r) = msg;
    ResponseWire {
        start_height: r.start_height,
        values: r
            .values
            .iter()
            .map(|v| DecidedWire {
                value_bytes: v.value_bytes.to_vec(),
                height: v.certificate.height,
                round: v.certificate.round,
                value_id: v.certificate.value_id,
                signatures: v
                    .certificate
                    .commit_signatures
                    .iter()
                    .map(|s| (s.address, s.signature))
                    .collect(),
            })
            .collect(),
    }
}

impl Codec<Response<PlasmaContext>> for BorshCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<Response<PlasmaContext>, CodecError> {
        let w: ResponseWire = decode(&bytes)?;
        let values = w
            .values
            .into_iter()
            .map(|v| RawDecidedValue {
                value_bytes: Bytes::from(v.value_bytes),
                certificate: ExtendedCommitCertificate {
                    height: v.height,
                    round: v.round,
                    value_id: v.value_id,
                    commit_signatures: v
                        .signatures
                        .into_iter()
                        .map(|(a, s)| ExtendedCommitSignature::new(a, s, None))
                        .collect(),
                },
            })
            .collect();
        Ok(Response::ValueResponse(ValueResponse { start_height: w.start_height, values }))
    }

    fn encode(&self, msg: &Response<PlasmaContext>) -> Result<Bytes, CodecError> {
        encode(&response_wire(msg))
    }
}

impl HasEncodedLen<Response<PlasmaContext>> for BorshCodec {
    fn encoded_len(&self, msg: &Response<PlasmaContext>) -> Result<usize, CodecError> {
        Ok(borsh::object_length(&response_wire(msg))?)
    }
}

/// `ValidatorProof` has no borsh form upstream: `(public_key, peer_id, signature)`.
#[derive(BorshSerialize, BorshDeserialize)]
struct ProofWire {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: Signature,
}

impl Codec<ValidatorProof<PlasmaContext>> for BorshCodec {
    type Error = CodecError;

    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<PlasmaContext>, CodecError> {
        let w: ProofWire = decode(&bytes)?;
        Ok(ValidatorProof::new(w.public_key, w.peer_id, w.signature))
    }

    fn encode(&self, msg: &ValidatorProof<PlasmaContext>) -> Result<Bytes, CodecError> {
        encode(&ProofWire {
            public_key: msg.public_key.clone(),
            peer_id: msg.peer_id.clone(),
            signature: msg.signature,
        })
    }
}
