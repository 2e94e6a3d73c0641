//! The ABI forms `proveFraud` takes (`FraudProof.evidence`), built from the evidence the
//! verifiers take.

use super::{MintEvidence, MissingInput, SpendEvidence};
use crate::types::{
    self, BlockHeader, CommitCertificate, DoubleMintEvidence, DoubleSpendEvidence, FraudProof,
    MerkleProof, MintProof, MissingInputKind, NonexistentInputEvidence, SpendProof, TxInclusion,
};
use alloy_sol_types::SolValue;

impl From<&SpendEvidence> for SpendProof {
    fn from(s: &SpendEvidence) -> Self {
        SpendProof {
            height: s.height,
            txIndex: s.tx_index,
            inclusion: s.inclusion.clone(),
            inputIndex: u8::try_from(s.input_index).unwrap_or(u8::MAX),
        }
    }
}

impl From<&MintEvidence> for MintProof {
    fn from(m: &MintEvidence) -> Self {
        MintProof { height: m.height, txIndex: m.tx_index, inclusion: m.inclusion.clone() }
    }
}

/// Two spends of one output.
pub fn double_spend(a: &SpendEvidence, b: &SpendEvidence) -> DoubleSpendEvidence {
    DoubleSpendEvidence { a: a.into(), b: b.into() }
}

/// Two mints of one deposit.
pub fn double_mint(a: &MintEvidence, b: &MintEvidence) -> DoubleMintEvidence {
    DoubleMintEvidence { a: a.into(), b: b.into() }
}

/// A spend of a nonexistent input and how its absence is shown.
pub fn nonexistent_input(
    spend: &SpendEvidence,
    missing: &MissingInput,
) -> NonexistentInputEvidence {
    let (how, witness, header, proof) = match missing {
        MissingInput::NotYetCreated => {
            (MissingInputKind::NotYetCreated, TxInclusion::default(), None, None)
        }
        MissingInput::NoSuchOutput(t) => (MissingInputKind::NoSuchOutput, t.clone(), None, None),
        MissingInput::AfterLastTransaction(t) => {
            (MissingInputKind::AfterLastTransaction, t.clone(), None, None)
        }
        MissingInput::EmptyBlock(h, p) => {
            (MissingInputKind::EmptyBlock, TxInclusion::default(), Some(h.clone()), Some(p.clone()))
        }
    };
    NonexistentInputEvidence {
        spend: spend.into(),
        how: how as u8,
        witness,
        emptyHeader: header.unwrap_or_default(),
        emptyProof: proof.unwrap_or_else(MerkleProof::default),
    }
}

/// A fraud proof of `kind` anchored to the checkpoint (`anchor`, `certificate`).
pub fn proof(
    kind: types::FraudKind,
    anchor: &BlockHeader,
    certificate: &CommitCertificate,
    evidence: &impl SolValue,
) -> FraudProof {
    FraudProof {
        kind: kind as u8,
        anchor: anchor.clone(),
        anchorCertificate: certificate.clone(),
        evidence: evidence.abi_encode().into(),
    }
}

/// What a prover commits to (the root's `commitFraud`) in a block before it sends `proof`
/// against chain `chain_id`: `keccak256(abi.encode(prover, chainId, proof))`. The root pays a
/// proof's sender only when it committed so, so a proof copied from the pool pays nobody.
pub fn commitment(
    prover: alloy_primitives::Address,
    chain_id: u64,
    proof: &FraudProof,
) -> alloy_primitives::B256 {
    alloy_primitives::keccak256((prover, chain_id, proof.clone()).abi_encode_params())
}
