//! Key files, and the file helpers they share with a node's other files.
//!
//! * `validator.json` ([`ValidatorKeyFile`], loaded as [`ValidatorKeys`]): a validator's BLS
//!   key material and operator key, with the public parts derived from them;
//! * `p2p.json` ([`P2pKeyFile`]): a node's ed25519 libp2p identity;
//! * a wallet file ([`WalletFile`], loaded with [`load_wallet`]): a user's secp256k1 key.
//!
//! Every file is checked on load and refused with its path and the reason; [`write()`] replaces
//! a file atomically.

use alloy_primitives::hex;
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::signing::UserKey;
use plasma_ledger::Address;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why a file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read.
    #[error("reading {}: {error}", path.display())]
    Read {
        /// Which file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file could not be written.
    #[error("writing {}: {error}", path.display())]
    Write {
        /// Which file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file does not parse or holds an invalid value.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// Which file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl FileError {
    /// `path` holds something invalid, for `reason`.
    pub fn invalid(path: &Path, reason: impl ToString) -> Self {
        Self::Invalid { path: path.to_path_buf(), reason: reason.to_string() }
    }
}

/// Reads `path` as text.
pub fn read(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|error| FileError::Read { path: path.into(), error })
}

/// Writes `contents` to `path` atomically (a synced temporary file beside it, renamed over
/// it), creating parent directories: a crash leaves the old file or the new one, never half.
pub fn write(path: &Path, contents: &str) -> Result<(), FileError> {
    let io = |error| FileError::Write { path: path.into(), error };
    let name = path.file_name().ok_or_else(|| FileError::invalid(path, "not a file name"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let tmp = path.with_file_name(format!(".{}.tmp", name.to_string_lossy()));
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(contents.as_bytes()).and_then(|()| file.sync_all()).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

fn parse_hex<const N: usize>(path: &Path, what: &str, s: &str) -> Result<[u8; N], FileError> {
    let bytes = hex::decode(s).map_err(|e| FileError::invalid(path, format!("{what}: {e}")))?;
    bytes.try_into().map_err(|b: Vec<u8>| {
        FileError::invalid(path, format!("{what}: {} bytes, expected {N}", b.len()))
    })
}

/// 32 bytes from the operating system's generator.
fn random_secret() -> [u8; 32] {
    use rand::RngCore;
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// `keys/validator.json`: the validator's secrets, with the public parts for convenience.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorKeyFile {
    /// 32 bytes of BLS key material (IETF KeyGen input), hex.
    pub bls_ikm: String,
    /// The operator's secp256k1 secret key, hex.
    pub operator_secret: String,
    /// Operator address (derived).
    pub operator: Address,
    /// BLS public key, EIP-2537 G2 encoding, hex (derived).
    pub bls_pubkey: String,
    /// Proof of possession of the BLS key for the operator, EIP-2537 G1, hex (derived).
    pub pop: String,
}

/// A validator's loaded keys.
#[derive(Debug, Clone)]
pub struct ValidatorKeys {
    /// BLS signing key.
    pub bls: BlsSecretKey,
    /// Operator account key.
    pub operator: UserKey,
    /// The operator key's secret (it also pays the parent's gas for checkpoints).
    pub operator_secret: [u8; 32],
}

impl ValidatorKeys {
    /// The key file for keys made from `ikm` and `operator_secret`.
    pub fn file(ikm: [u8; 32], operator_secret: [u8; 32]) -> Option<ValidatorKeyFile> {
        let bls = BlsSecretKey::from_ikm(&ikm)?;
        let operator = UserKey::from_bytes(operator_secret)?;
        Some(ValidatorKeyFile {
            bls_ikm: hex::encode(ikm),
            operator_secret: hex::encode(operator_secret),
            operator: operator.address(),
            bls_pubkey: hex::encode(bls.public_key().to_eip2537()),
            pop: hex::encode(bls.proof_of_possession(operator.address()).to_eip2537()),
        })
    }

    /// Generates a new key file with fresh randomness.
    pub fn new_file() -> ValidatorKeyFile {
        loop {
            if let Some(f) = Self::file(random_secret(), random_secret()) {
                return f;
            }
        }
    }

    /// Loads `keys/validator.json`, checking that the derived parts match the secrets.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        let f: ValidatorKeyFile =
            serde_json::from_str(&read(path)?).map_err(|e| FileError::invalid(path, e))?;
        let ikm = parse_hex::<32>(path, "bls_ikm", &f.bls_ikm)?;
        let op = parse_hex::<32>(path, "operator_secret", &f.operator_secret)?;
        let invalid = |reason| FileError::invalid(path, reason);
        let expected = Self::file(ikm, op)
            .ok_or_else(|| invalid("operator_secret is not a valid secp256k1 key"))?;
        if expected.operator != f.operator || expected.bls_pubkey != f.bls_pubkey.to_lowercase() {
            return Err(invalid("operator or bls_pubkey do not match the secrets"));
        }
        // `file` made both from these bytes just above.
        let bls = BlsSecretKey::from_ikm(&ikm).ok_or_else(|| invalid("bls_ikm"))?;
        let operator = UserKey::from_bytes(op).ok_or_else(|| invalid("operator_secret"))?;
        Ok(Self { bls, operator, operator_secret: op })
    }
}

/// `keys/p2p.json`: the node's ed25519 libp2p identity.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct P2pKeyFile {
    /// 32-byte ed25519 secret, hex.
    pub ed25519_secret: String,
    /// Peer id (derived).
    pub peer_id: String,
}

impl P2pKeyFile {
    /// A fresh identity.
    pub fn generate() -> Self {
        let secret = random_secret();
        let kp = libp2p_identity::Keypair::ed25519_from_bytes(secret).expect("32 bytes");
        Self { ed25519_secret: hex::encode(secret), peer_id: kp.public().to_peer_id().to_string() }
    }

    /// Loads the identity.
    pub fn load(path: &Path) -> Result<libp2p_identity::Keypair, FileError> {
        let f: Self =
            serde_json::from_str(&read(path)?).map_err(|e| FileError::invalid(path, e))?;
        let secret = parse_hex::<32>(path, "ed25519_secret", &f.ed25519_secret)?;
        libp2p_identity::Keypair::ed25519_from_bytes(secret)
            .map_err(|e| FileError::invalid(path, e))
    }
}

/// A user's wallet file: a secp256k1 secret and its address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletFile {
    /// The secret key, 32 bytes in hex.
    pub secret: String,
    /// Its address (derived).
    pub address: Address,
}

impl WalletFile {
    /// A fresh key, and its file.
    pub fn generate() -> (Self, UserKey) {
        loop {
            let secret = random_secret();
            if let Some(key) = UserKey::from_bytes(secret) {
                let file = Self { secret: hex::encode(secret), address: key.address() };
                return (file, key);
            }
        }
    }
}

/// Loads a wallet file, checking that its address is its secret's.
pub fn load_wallet(path: &Path) -> Result<UserKey, FileError> {
    let f: WalletFile =
        serde_json::from_str(&read(path)?).map_err(|e| FileError::invalid(path, e))?;
    let secret: [u8; 32] = hex::decode(&f.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| FileError::invalid(path, "secret is not 32 hex bytes"))?;
    let key = UserKey::from_bytes(secret)
        .ok_or_else(|| FileError::invalid(path, "not a valid secp256k1 key"))?;
    if key.address() != f.address {
        return Err(FileError::invalid(path, "address does not match the secret"));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_and_a_tampered_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/validator.json");
        let file = ValidatorKeys::new_file();
        write(&path, &serde_json::to_string_pretty(&file).unwrap()).unwrap();
        let keys = ValidatorKeys::load(&path).unwrap();
        assert_eq!(keys.operator.address(), file.operator);
        let tampered = ValidatorKeyFile { operator: Address::repeat_byte(1), ..file };
        write(&path, &serde_json::to_string(&tampered).unwrap()).unwrap();
        let e = ValidatorKeys::load(&path).unwrap_err().to_string();
        assert!(e.contains("do not match the secrets"), "{e}");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("keys")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");

        let p2p = dir.path().join("p2p.json");
        let id = P2pKeyFile::generate();
        write(&p2p, &serde_json::to_string(&id).unwrap()).unwrap();
        assert_eq!(P2pKeyFile::load(&p2p).unwrap().public().to_peer_id().to_string(), id.peer_id);

        let wallet = dir.path().join("w.json");
        let (w, key) = WalletFile::generate();
        write(&wallet, &serde_json::to_string(&w).unwrap()).unwrap();
        assert_eq!(load_wallet(&wallet).unwrap().address(), key.address());
        let missing = load_wallet(&dir.path().join("none.json")).unwrap_err().to_string();
        assert!(missing.starts_with("reading "), "{missing}");
    }
}
