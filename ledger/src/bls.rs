//! BLS12-381 keys and signatures for validators (`blst`, **min-sig**: signatures in G1, public
//! keys in G2), in the encodings the EIP-2537 precompiles take.
//!
//! Why min-sig: the parent verifies one certificate per checkpoint with one pairing check,
//! whatever the scheme. What differs is hashing the vote to the signature group, which it
//! must do every time: with EIP-2537 prices, hash-to-G1 costs two `MAP_FP_TO_G1` (2 × 5,500
//! gas) plus one `G1ADD` (375), hash-to-G2 two `MAP_FP2_TO_G2` (2 × 23,800) plus one `G2ADD`
//! (600): 11,375 against 48,200 gas, about 4x. The price is paid per *non-signer*: subtracting
//! a G2 key costs `G2ADD` (600) and 256 bytes of calldata instead of `G1ADD` (375) and 128
//! bytes, about 2,300 gas more each; min-sig stays cheaper up to ~15 absent validators, and a
//! healthy set has few. Keys are registered once; signatures are checked at every checkpoint.
//!
//! Encodings (EIP-2537): a G1 point is 128 bytes, `x ‖ y`, each a 64-byte big-endian field
//! element (16 zero bytes, then 48); a G2 point is 256 bytes, `x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`.
//! The point at infinity is all zeros and is never a valid key or signature here.

use alloy_primitives::Address;
use alloy_sol_types::SolValue;
use blst::min_sig::{AggregatePublicKey, AggregateSignature, PublicKey, SecretKey, Signature};
use blst::BLST_ERROR;

/// Domain separation tag for consensus votes (hash-to-G1, proof-of-possession scheme).
pub const VOTE_DST: &[u8] = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
/// Domain separation tag for proofs of possession.
pub const POP_DST: &[u8] = b"BLS_POP_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
/// EIP-2537 encoded G1 point length.
pub const G1_LEN: usize = 128;
/// EIP-2537 encoded G2 point length.
pub const G2_LEN: usize = 256;

/// Why BLS bytes were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlsError {
    /// Wrong length for the point's encoding.
    #[error("BLS point is {got} bytes, expected {expected}")]
    Length {
        /// Bytes given.
        got: usize,
        /// Bytes required.
        expected: usize,
    },
    /// Padding bytes that must be zero are not, or a coordinate is not a field element.
    #[error("BLS point encoding is not canonical")]
    Encoding,
    /// Not on the curve, not in the prime-order subgroup, or the point at infinity.
    #[error("BLS point is not a valid group element")]
    InvalidPoint,
}

/// Writes a 48-byte field element into a 64-byte EIP-2537 slot.
fn put_fp(out: &mut [u8], fp: &[u8]) {
    out[..16].fill(0);
    out[16..64].copy_from_slice(fp);
}

/// Reads a 64-byte EIP-2537 slot, refusing non-zero padding.
fn get_fp(slot: &[u8]) -> Result<&[u8], BlsError> {
    if slot[..16].iter().any(|b| *b != 0) {
        return Err(BlsError::Encoding);
    }
    Ok(&slot[16..64])
}

fn check_len(bytes: &[u8], expected: usize) -> Result<(), BlsError> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(BlsError::Length { got: bytes.len(), expected })
    }
}

/// A validator's public key (G2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlsPublicKey(PublicKey);

impl BlsPublicKey {
    /// EIP-2537 G2 encoding.
    pub fn to_eip2537(&self) -> [u8; G2_LEN] {
        // blst serializes G2 as x.c1 ‖ x.c0 ‖ y.c1 ‖ y.c0, 48 bytes each.
        let raw = self.0.serialize();
        let mut out = [0u8; G2_LEN];
        put_fp(&mut out[0..64], &raw[48..96]);
        put_fp(&mut out[64..128], &raw[0..48]);
        put_fp(&mut out[128..192], &raw[144..192]);
        put_fp(&mut out[192..256], &raw[96..144]);
        out
    }

    /// Parses and validates (on curve, in subgroup, not infinity) an EIP-2537 G2 encoding.
    pub fn from_eip2537(bytes: &[u8]) -> Result<Self, BlsError> {
        check_len(bytes, G2_LEN)?;
        let mut raw = [0u8; 192];
        raw[48..96].copy_from_slice(get_fp(&bytes[0..64])?);
        raw[0..48].copy_from_slice(get_fp(&bytes[64..128])?);
        raw[144..192].copy_from_slice(get_fp(&bytes[128..192])?);
        raw[96..144].copy_from_slice(get_fp(&bytes[192..256])?);
        if raw[0] & 0xe0 != 0 {
            return Err(BlsError::Encoding); // flag bits belong to blst's format, not ours
        }
        let pk = PublicKey::deserialize(&raw).map_err(|_| BlsError::InvalidPoint)?;
        pk.validate().map_err(|_| BlsError::InvalidPoint)?;
        Ok(Self(pk))
    }

    pub(crate) fn inner(&self) -> &PublicKey {
        &self.0
    }

    /// Sum of keys (for an aggregate signature's verification). `None` if `keys` is empty.
    pub fn aggregate<'a>(keys: impl IntoIterator<Item = &'a BlsPublicKey>) -> Option<Self> {
        let refs: Vec<&PublicKey> = keys.into_iter().map(|k| &k.0).collect();
        let agg = AggregatePublicKey::aggregate(&refs, false).ok()?;
        Some(Self(agg.to_public_key()))
    }

    /// Checks a proof of possession for this key registered by `operator`.
    pub fn verify_possession(&self, operator: Address, pop: &BlsSignature) -> bool {
        pop.verify(&pop_message(operator, self), POP_DST, self)
    }
}

/// A signature or aggregate signature (G1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlsSignature(Signature);

impl BlsSignature {
    /// EIP-2537 G1 encoding.
    pub fn to_eip2537(&self) -> [u8; G1_LEN] {
        let raw = self.0.serialize();
        let mut out = [0u8; G1_LEN];
        put_fp(&mut out[0..64], &raw[0..48]);
        put_fp(&mut out[64..128], &raw[48..96]);
        out
    }

    /// Parses and validates (on curve, in subgroup, not infinity) an EIP-2537 G1 encoding.
    pub fn from_eip2537(bytes: &[u8]) -> Result<Self, BlsError> {
        check_len(bytes, G1_LEN)?;
        let mut raw = [0u8; 96];
        raw[0..48].copy_from_slice(get_fp(&bytes[0..64])?);
        raw[48..96].copy_from_slice(get_fp(&bytes[64..128])?);
        if raw[0] & 0xe0 != 0 {
            return Err(BlsError::Encoding);
        }
        let sig = Signature::deserialize(&raw).map_err(|_| BlsError::InvalidPoint)?;
        sig.validate(true).map_err(|_| BlsError::InvalidPoint)?;
        Ok(Self(sig))
    }

    /// Sum of signatures. `None` if `sigs` is empty.
    pub fn aggregate<'a>(sigs: impl IntoIterator<Item = &'a BlsSignature>) -> Option<Self> {
        let refs: Vec<&Signature> = sigs.into_iter().map(|s| &s.0).collect();
        let agg = AggregateSignature::aggregate(&refs, false).ok()?;
        Some(Self(agg.to_signature()))
    }

    /// Verifies this signature over `msg` under `dst` by `key` (which may be an aggregate).
    pub fn verify(&self, msg: &[u8], dst: &[u8], key: &BlsPublicKey) -> bool {
        self.0.verify(true, msg, dst, &[], key.inner(), false) == BLST_ERROR::BLST_SUCCESS
    }
}

/// `hash_to_curve(msg)` in G1 (RFC 9380, `BLS12381G1_XMD:SHA-256_SSWU_RO_` under `dst`): the
/// point a parent contract must derive from the vote bytes before its pairing check. Computed
/// as the signature of the secret scalar 1, which is exactly the hashed point.
pub fn hash_to_g1(msg: &[u8], dst: &[u8]) -> BlsSignature {
    let mut one = [0u8; 32];
    one[31] = 1;
    let unit = SecretKey::from_bytes(&one).expect("1 is a valid scalar");
    BlsSignature(unit.sign(msg, dst, &[]))
}

/// The message of a proof of possession: `abi.encode(operator, blsPubkey)`, binding the key
/// to the account that registers it so a copied proof cannot be replayed by another account.
pub fn pop_message(operator: Address, key: &BlsPublicKey) -> Vec<u8> {
    (operator, key.to_eip2537().to_vec()).abi_encode_params()
}

/// A validator's secret key.
#[derive(Clone)]
pub struct BlsSecretKey(SecretKey);

impl core::fmt::Debug for BlsSecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("BlsSecretKey").field(&self.public_key()).finish()
    }
}

impl BlsSecretKey {
    /// Derives a key from at least 32 bytes of key material (IETF KeyGen). `None` if shorter.
    pub fn from_ikm(ikm: &[u8]) -> Option<Self> {
        SecretKey::key_gen(ikm, &[]).ok().map(Self)
    }

    /// A deterministic key for tests and devnets.
    pub fn from_seed(seed: &[u8]) -> Self {
        let ikm = alloy_primitives::keccak256(seed);
        Self(SecretKey::key_gen(ikm.as_slice(), &[]).expect("32 bytes of key material"))
    }

    /// The public key.
    pub fn public_key(&self) -> BlsPublicKey {
        BlsPublicKey(self.0.sk_to_pk())
    }

    /// Signs `msg` under `dst`.
    pub fn sign(&self, msg: &[u8], dst: &[u8]) -> BlsSignature {
        BlsSignature(self.0.sign(msg, dst, &[]))
    }

    /// Proof of possession for registering this key from `operator`.
    pub fn proof_of_possession(&self, operator: Address) -> BlsSignature {
        self.sign(&pop_message(operator, &self.public_key()), POP_DST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        let sk = BlsSecretKey::from_seed(b"v0");
        let pk = sk.public_key();
        assert_eq!(BlsPublicKey::from_eip2537(&pk.to_eip2537()), Ok(pk));
        let sig = sk.sign(b"m", VOTE_DST);
        assert_eq!(BlsSignature::from_eip2537(&sig.to_eip2537()), Ok(sig));
    }

    #[test]
    fn infinity_and_junk_are_refused() {
        assert_eq!(BlsSignature::from_eip2537(&[0u8; G1_LEN]), Err(BlsError::InvalidPoint));
        assert_eq!(BlsPublicKey::from_eip2537(&[0u8; G2_LEN]), Err(BlsError::InvalidPoint));
        assert_eq!(
            BlsSignature::from_eip2537(&[0u8; 96]),
            Err(BlsError::Length { got: 96, expected: 128 })
        );
        let mut padded = BlsSecretKey::from_seed(b"v0").sign(b"m", VOTE_DST).to_eip2537();
        padded[0] = 1;
        assert_eq!(BlsSignature::from_eip2537(&padded), Err(BlsError::Encoding));
        let mut off_curve = BlsSecretKey::from_seed(b"v0").sign(b"m", VOTE_DST).to_eip2537();
        off_curve[127] ^= 1;
        assert_eq!(BlsSignature::from_eip2537(&off_curve), Err(BlsError::InvalidPoint));
    }

    #[test]
    fn hash_to_g1_is_what_every_signature_scales() {
        // e(sig, g2) = e(H(m), pk) is what verify checks; with sk = 1 the signature is H(m),
        // so H(m) verifies under the generator's key and differs per message and per DST.
        let h = hash_to_g1(b"vote", VOTE_DST);
        let mut one = [0u8; 32];
        one[31] = 1;
        let g2 = BlsPublicKey(SecretKey::from_bytes(&one).unwrap().sk_to_pk());
        assert!(h.verify(b"vote", VOTE_DST, &g2));
        assert_ne!(h, hash_to_g1(b"vote2", VOTE_DST));
        assert_ne!(h, hash_to_g1(b"vote", POP_DST));
    }

    #[test]
    fn proof_of_possession_binds_operator() {
        let sk = BlsSecretKey::from_seed(b"v0");
        let op = Address::repeat_byte(1);
        let pop = sk.proof_of_possession(op);
        assert!(sk.public_key().verify_possession(op, &pop));
        assert!(!sk.public_key().verify_possession(Address::repeat_byte(2), &pop));
    }

    #[test]
    fn aggregate_verifies_under_aggregate_key() {
        let sks: Vec<_> = (0..4u8).map(|i| BlsSecretKey::from_seed(&[i])).collect();
        let sigs: Vec<_> = sks.iter().map(|s| s.sign(b"vote", VOTE_DST)).collect();
        let pks: Vec<_> = sks.iter().map(|s| s.public_key()).collect();
        let agg = BlsSignature::aggregate(&sigs).unwrap();
        assert!(agg.verify(b"vote", VOTE_DST, &BlsPublicKey::aggregate(&pks).unwrap()));
        assert!(!agg.verify(b"vote", VOTE_DST, &BlsPublicKey::aggregate(&pks[..3]).unwrap()));
    }
}

#[cfg(test)]
mod known_answers {
    use super::*;

    #[test]
    fn g2_generator_encodes_c0_before_c1() {
        // The key of secret 1 is the G2 generator; EIP-2537 orders each Fp2 as c0 ‖ c1.
        let mut one = [0u8; 32];
        one[31] = 1;
        let g2 = BlsPublicKey(SecretKey::from_bytes(&one).unwrap().sk_to_pk()).to_eip2537();
        let fp = |i: usize| alloy_primitives::hex::encode(&g2[64 * i + 16..64 * (i + 1)]);
        assert_eq!(fp(0), "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8");
        assert_eq!(fp(1), "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e");
        assert_eq!(fp(2), "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801");
        assert_eq!(fp(3), "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be");
    }

    #[test]
    fn hash_to_g1_matches_rfc9380_vector() {
        // RFC 9380 appendix J.9.1, msg = "".
        let dst = b"QUUX-V01-CS02-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";
        let p = hash_to_g1(b"", dst).to_eip2537();
        let x = alloy_primitives::hex::encode(&p[16..64]);
        assert_eq!(x, "052926add2207b76ca4fa57a8734416c8dc95e24501772c814278700eed6d1e4e8cf62d9c09db0fac349612b759e79a1");
        let y = alloy_primitives::hex::encode(&p[80..128]);
        assert_eq!(y, "08ba738453bfed09cb546dbb0783dbb3a5f1f566ed67bb6be0e8c67e2e81a4cc68ee29813bb7994998f3eae0c9c6a265");
        assert!(p[..16].iter().chain(&p[64..80]).all(|b| *b == 0), "EIP-2537 padding");
    }
}
