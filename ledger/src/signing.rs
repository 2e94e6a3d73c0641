//! User signatures: EIP-712 typed data over [`Transaction`], recovered with libsecp256k1.
//!
//! The domain binds a signature to one plasma chain: `chainId` and `verifyingContract` are the
//! root chain's (so a standard wallet connected to the root signs without complaint) and `salt`
//! is the plasma chain's id. A signature is `r ‖ s ‖ v` with `v ∈ {27, 28}` and a low `s`, the
//! same acceptance rule as OpenZeppelin's `ECDSA.recover` on the parent.

use crate::certificate::VoteDomain;
use crate::types::{Output, Transaction, UtxoPos, SIGNATURE_LEN};
use alloy_primitives::{keccak256, Address, Keccak256, B256, U256};
use alloy_sol_types::{Eip712Domain, SolStruct};
use secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use secp256k1::{Message, PublicKey, SecretKey};
use std::borrow::Cow;
use std::sync::OnceLock;

/// `n / 2` for secp256k1: a valid signature's `s` is at most this (EIP-2).
const SECP256K1_HALF_N: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Why a signature does not identify a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not 65 bytes.
    #[error("signature is {0} bytes, expected 65")]
    Length(usize),
    /// `v` is not 27 or 28.
    #[error("signature recovery byte v = {0}, expected 27 or 28")]
    RecoveryByte(u8),
    /// `s` is in the upper half of the curve order (malleable form).
    #[error("signature s is not in the lower half of the curve order")]
    HighS,
    /// `r` or `s` is zero or not a valid scalar, or no key recovers.
    #[error("signature does not recover a public key")]
    Unrecoverable,
}

/// The EIP-712 domain of one plasma chain, with its separator computed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningDomain {
    /// The plasma chain's id in the tree.
    pub chain_id: u64,
    /// EIP-155 chain id of the root (Ethereum) chain.
    pub root_chain_id: u64,
    /// Address of the root contract.
    pub root_contract: Address,
    separator: B256,
    /// The plasma chains above this one, the root's child first (none under the root).
    parents: Vec<u64>,
    votes: VoteDomain,
}

/// The signing domain of child `chain` of the chain of `parent`: the same root, its own id,
/// its votes under the parent's.
pub fn child_domain(parent: &SigningDomain, chain: u64) -> SigningDomain {
    let mut parents = parent.parents.clone();
    parents.push(parent.chain_id);
    let votes = parent.votes.child(chain);
    SigningDomain::with(chain, parent.root_chain_id, parent.root_contract, parents, votes)
}

impl SigningDomain {
    /// The domain of plasma chain `chain_id` registered at the root contract `root_contract`.
    pub fn new(chain_id: u64, root_chain_id: u64, root_contract: Address) -> Self {
        Self::under(&[], chain_id, root_chain_id, root_contract)
    }

    /// The domain of plasma chain `chain_id` under the plasma chains `parents` (ids from the
    /// root's child down; none when the root is its parent) and the root contract.
    pub fn under(
        parents: &[u64],
        chain_id: u64,
        root_chain_id: u64,
        root_contract: Address,
    ) -> Self {
        let votes = VoteDomain::of_path(root_chain_id, root_contract, parents).child(chain_id);
        Self::with(chain_id, root_chain_id, root_contract, parents.to_vec(), votes)
    }

    fn with(
        chain_id: u64,
        root_chain_id: u64,
        root_contract: Address,
        parents: Vec<u64>,
        votes: VoteDomain,
    ) -> Self {
        let separator = Self::eip712(chain_id, root_chain_id, root_contract).separator();
        Self { chain_id, root_chain_id, root_contract, separator, parents, votes }
    }

    /// The plasma chains above this one, the root's child first (none under the root).
    pub fn parents(&self) -> &[u64] {
        &self.parents
    }

    /// The domain the chain's validators vote in ([`VoteDomain`]).
    pub fn votes(&self) -> &VoteDomain {
        &self.votes
    }

    /// The full EIP-712 domain, as a wallet would be shown it.
    pub fn eip712(chain_id: u64, root_chain_id: u64, root_contract: Address) -> Eip712Domain {
        Eip712Domain::new(
            Some(Cow::Borrowed("Plasma")),
            Some(Cow::Borrowed("1")),
            Some(U256::from(root_chain_id)),
            Some(root_contract),
            Some(B256::from(U256::from(chain_id))),
        )
    }

    /// The domain separator.
    pub fn separator(&self) -> B256 {
        self.separator
    }

    /// The digest every input owner signs: `keccak256(0x1901 ‖ separator ‖ hashStruct(tx))`.
    pub fn signing_hash(&self, tx: &Transaction) -> B256 {
        let mut buf = [0u8; 66];
        buf[0] = 0x19;
        buf[1] = 0x01;
        buf[2..34].copy_from_slice(self.separator.as_slice());
        buf[34..].copy_from_slice(hash_struct(tx).as_slice());
        keccak256(buf)
    }
}

/// EIP-712 type hashes, from the type strings alloy derives from `PlasmaTypes.sol`.
struct TypeHashes {
    transaction: B256,
    utxo_pos: B256,
    output: B256,
}

fn type_hashes() -> &'static TypeHashes {
    static HASHES: OnceLock<TypeHashes> = OnceLock::new();
    HASHES.get_or_init(|| TypeHashes {
        transaction: keccak256(Transaction::eip712_encode_type().as_bytes()),
        utxo_pos: keccak256(UtxoPos::eip712_encode_type().as_bytes()),
        output: keccak256(Output::eip712_encode_type().as_bytes()),
    })
}

/// EIP-712 `hashStruct(tx)` without allocating: equal to alloy's `eip712_hash_struct` of the
/// transaction with its [`Transaction::signed_data`] (a lock's escrow link zeroed), which
/// rebuilds the type strings on every call and cost a tenth of a validation here.
pub fn hash_struct(tx: &Transaction) -> B256 {
    let th = type_hashes();
    let mut word = [0u8; 128];
    let mut inputs = Keccak256::new();
    for pos in &tx.inputs {
        word.fill(0);
        word[..32].copy_from_slice(th.utxo_pos.as_slice());
        word[56..64].copy_from_slice(&pos.blockHeight.to_be_bytes());
        word[92..96].copy_from_slice(&pos.txIndex.to_be_bytes());
        word[127] = pos.outputIndex;
        inputs.update(keccak256(word));
    }
    let mut outputs = Keccak256::new();
    for out in &tx.outputs {
        word.fill(0);
        word[..32].copy_from_slice(th.output.as_slice());
        word[44..64].copy_from_slice(out.owner.as_slice());
        word[76..96].copy_from_slice(out.token.as_slice());
        word[96..128].copy_from_slice(&out.amount.to_be_bytes::<32>());
        outputs.update(keccak256(word));
    }
    let mut data = [0u8; 160];
    data[..32].copy_from_slice(th.transaction.as_slice());
    data[63] = tx.kind;
    data[64..96].copy_from_slice(inputs.finalize().as_slice());
    data[96..128].copy_from_slice(outputs.finalize().as_slice());
    data[128..].copy_from_slice(keccak256(tx.signed_data()).as_slice());
    keccak256(data)
}

/// Where the signer of a signature comes from. Validation asks this instead of recovering
/// directly, so that a node which already recovered a signature (at `CheckTx`, or in
/// parallel before judging a block) need not do it again. An implementation must answer
/// exactly what [`recover_signer`] would.
pub trait Signers {
    /// The address that produced `signature` over `digest`.
    fn signer(&self, digest: &B256, signature: &[u8]) -> Result<Address, SignatureError>;
}

/// Recovers every signature, remembering nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recover;

impl Signers for Recover {
    fn signer(&self, digest: &B256, signature: &[u8]) -> Result<Address, SignatureError> {
        recover_signer(digest, signature)
    }
}

/// Recovers the address that produced `signature` over `digest`.
pub fn recover_signer(digest: &B256, signature: &[u8]) -> Result<Address, SignatureError> {
    let sig: &[u8; SIGNATURE_LEN] =
        signature.try_into().map_err(|_| SignatureError::Length(signature.len()))?;
    let v = sig[64];
    let recid = match v {
        27 => RecoveryId::Zero,
        28 => RecoveryId::One,
        other => return Err(SignatureError::RecoveryByte(other)),
    };
    if sig[32..64] > SECP256K1_HALF_N[..] {
        return Err(SignatureError::HighS);
    }
    let rsig = RecoverableSignature::from_compact(&sig[..64], recid)
        .map_err(|_| SignatureError::Unrecoverable)?;
    let key = rsig
        .recover_ecdsa(Message::from_digest(digest.0))
        .map_err(|_| SignatureError::Unrecoverable)?;
    Ok(address_of(&key))
}

/// The Ethereum address of a secp256k1 public key.
pub fn address_of(key: &PublicKey) -> Address {
    let uncompressed = key.serialize_uncompressed();
    Address::from_slice(&keccak256(&uncompressed[1..])[12..])
}

/// A user key: signs transactions the way a wallet would.
#[derive(Clone)]
pub struct UserKey {
    secret: SecretKey,
    address: Address,
}

impl core::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UserKey").field("address", &self.address).finish_non_exhaustive()
    }
}

impl UserKey {
    /// A key from its 32 secret bytes; `None` if they are not a valid scalar.
    pub fn from_bytes(secret: [u8; 32]) -> Option<Self> {
        let secret = SecretKey::from_secret_bytes(secret).ok()?;
        let address = address_of(&PublicKey::from_secret_key(&secret));
        Some(Self { secret, address })
    }

    /// A deterministic key for tests, benchmarks and devnets: `keccak256(seed)`.
    pub fn from_seed(seed: &[u8]) -> Self {
        let mut material = keccak256(seed);
        loop {
            if let Some(key) = Self::from_bytes(material.0) {
                return key;
            }
            material = keccak256(material);
        }
    }

    /// The key's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The 32 secret bytes (to sign on the parent chain with the same key).
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.secret.to_secret_bytes()
    }

    /// Signs a digest: 65 bytes `r ‖ s ‖ v`, low `s`, `v ∈ {27, 28}`.
    pub fn sign_digest(&self, digest: &B256) -> [u8; SIGNATURE_LEN] {
        let sig = RecoverableSignature::sign_ecdsa_recoverable(
            Message::from_digest(digest.0),
            &self.secret,
        );
        let (recid, compact) = sig.serialize_compact();
        let mut out = [0u8; SIGNATURE_LEN];
        out[..64].copy_from_slice(&compact);
        out[64] = 27 + u8::from(recid);
        out
    }

    /// Signs a transaction in `domain`.
    pub fn sign_tx(&self, domain: &SigningDomain, tx: &Transaction) -> [u8; SIGNATURE_LEN] {
        self.sign_digest(&domain.signing_hash(tx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;
    use proptest::prelude::*;

    fn domain() -> SigningDomain {
        SigningDomain::new(7, 31337, Address::repeat_byte(0xaa))
    }

    fn transfer() -> Transaction {
        Transaction {
            kind: Kind::Transfer as u8,
            inputs: vec![UtxoPos::new(1, 0, 0)],
            outputs: vec![Output::new(Address::repeat_byte(2), Address::ZERO, U256::from(5))],
            data: Default::default(),
        }
    }

    #[test]
    fn signing_hash_matches_alloy_eip712() {
        let d = domain();
        let tx = transfer();
        let full = SigningDomain::eip712(7, 31337, Address::repeat_byte(0xaa));
        assert_eq!(d.signing_hash(&tx), tx.eip712_signing_hash(&full));
    }

    fn any_tx() -> impl Strategy<Value = Transaction> {
        let pos =
            (any::<u64>(), any::<u32>(), any::<u8>()).prop_map(|(h, t, o)| UtxoPos::new(h, t, o));
        let out =
            (any::<[u8; 20]>(), any::<[u8; 20]>(), any::<[u8; 32]>()).prop_map(|(o, t, a)| {
                Output::new(Address::from(o), Address::from(t), U256::from_be_bytes(a))
            });
        (
            any::<u8>(),
            prop::collection::vec(pos, 0..5),
            prop::collection::vec(out, 0..5),
            prop::collection::vec(any::<u8>(), 0..100),
        )
            .prop_map(|(kind, inputs, outputs, data)| Transaction {
                kind,
                inputs,
                outputs,
                data: data.into(),
            })
    }

    proptest! {
        #[test]
        fn hash_struct_equals_alloys(tx in any_tx()) {
            prop_assert_eq!(hash_struct(&tx), tx.eip712_hash_struct());
        }
    }

    #[test]
    fn sign_then_recover_returns_signer() {
        let key = UserKey::from_seed(b"alice");
        let digest = domain().signing_hash(&transfer());
        let sig = key.sign_digest(&digest);
        assert_eq!(recover_signer(&digest, &sig), Ok(key.address()));
    }

    #[test]
    fn other_chain_domain_recovers_someone_else() {
        let key = UserKey::from_seed(b"alice");
        let tx = transfer();
        let sig = key.sign_tx(&domain(), &tx);
        let other = SigningDomain::new(8, 31337, Address::repeat_byte(0xaa));
        assert_ne!(recover_signer(&other.signing_hash(&tx), &sig), Ok(key.address()));
    }

    #[test]
    fn malleated_high_s_is_rejected() {
        let key = UserKey::from_seed(b"alice");
        let digest = domain().signing_hash(&transfer());
        let mut sig = key.sign_digest(&digest);
        // s' = n - s, v flipped: the same point, the malleable twin.
        let n = U256::from_str_radix(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            16,
        )
        .unwrap();
        let s = U256::from_be_slice(&sig[32..64]);
        sig[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
        sig[64] = if sig[64] == 27 { 28 } else { 27 };
        assert_eq!(recover_signer(&digest, &sig), Err(SignatureError::HighS));
    }

    #[test]
    fn wrong_lengths_and_v_are_typed_errors() {
        let digest = B256::repeat_byte(1);
        assert_eq!(recover_signer(&digest, &[0u8; 64]), Err(SignatureError::Length(64)));
        let mut sig = [0u8; 65];
        sig[64] = 29;
        assert_eq!(recover_signer(&digest, &sig), Err(SignatureError::RecoveryByte(29)));
        sig[64] = 27;
        assert_eq!(recover_signer(&digest, &sig), Err(SignatureError::Unrecoverable));
    }
}
