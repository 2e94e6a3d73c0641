//! `plasma keys`: validator and wallet key files, offline.

use clap::Subcommand;
use eyre::bail;
use plasma_client::keys::{write, P2pKeyFile, ValidatorKeys, WalletFile};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum Keys {
    /// A validator's keys: BLS key with its proof of possession, and an ed25519 p2p identity.
    New {
        /// Directory to write `validator.json` and `p2p.json` into.
        #[arg(long)]
        out: PathBuf,
    },
    /// A user wallet key (secp256k1).
    User {
        /// File to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// Writes the keys asked for; never overwrites a key file.
pub(crate) fn run(what: Keys) -> eyre::Result<()> {
    match what {
        Keys::New { out } => {
            if out.join("validator.json").exists() || out.join("p2p.json").exists() {
                bail!("{} already holds keys; refusing to overwrite", out.display());
            }
            let v = ValidatorKeys::new_file();
            write(&out.join("validator.json"), &serde_json::to_string_pretty(&v)?)?;
            let p = P2pKeyFile::generate();
            write(&out.join("p2p.json"), &serde_json::to_string_pretty(&p)?)?;
            println!(
                "operator   {}\nbls pubkey {}…\npeer id    {}",
                v.operator,
                &v.bls_pubkey[..32],
                p.peer_id
            );
        }
        Keys::User { out } => {
            if out.exists() {
                bail!("{} exists; refusing to overwrite", out.display());
            }
            let (file, key) = WalletFile::generate();
            write(&out, &serde_json::to_string_pretty(&file)?)?;
            println!("{}", key.address());
        }
    }
    Ok(())
}
