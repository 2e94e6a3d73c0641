//! The signature scheme consensus is parameterised with: BLS12-381 min-sig keys and
//! signatures in their EIP-2537 encodings (the ledger's), as Malachite's `SigningScheme`.
//! What is signed, and under which domain tag, is `signing`'s.

use borsh::{BorshDeserialize, BorshSerialize};
use malachitebft_core_types::SigningScheme;
use plasma_ledger::bls::{BlsError, BlsPublicKey, BlsSecretKey, BlsSignature, G1_LEN};

/// An encoded BLS signature (EIP-2537 G1, 128 bytes), as it travels and is stored.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize)]
pub struct Signature(pub [u8; G1_LEN]);

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signature({})", alloy_primitives::hex::encode(&self.0[16..24]))
    }
}

impl From<BlsSignature> for Signature {
    fn from(sig: BlsSignature) -> Self {
        Self(sig.to_eip2537())
    }
}

impl Signature {
    /// Decodes and validates the point.
    pub fn decode(&self) -> Result<BlsSignature, BlsError> {
        BlsSignature::from_eip2537(&self.0)
    }
}

/// The signing scheme Malachite is parameterised with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlsScheme;

impl SigningScheme for BlsScheme {
    type DecodingError = BlsError;
    type Signature = Signature;
    type PublicKey = BlsPublicKey;
    type PrivateKey = BlsSecretKey;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, BlsError> {
        let array: [u8; G1_LEN] = bytes
            .try_into()
            .map_err(|_| BlsError::Length { got: bytes.len(), expected: G1_LEN })?;
        let sig = Signature(array);
        sig.decode()?;
        Ok(sig)
    }

    fn encode_signature(signature: &Signature) -> Vec<u8> {
        signature.0.to_vec()
    }

    fn decode_public_key(bytes: &[u8]) -> Result<BlsPublicKey, BlsError> {
        BlsPublicKey::from_eip2537(bytes)
    }

    fn encode_public_key(public_key: &BlsPublicKey) -> Vec<u8> {
        public_key.to_eip2537().to_vec()
    }
}
