//! A local Ethereum for tests, examples and the devnet: the pinned anvil from npm, and a
//! provider whose wallet holds every prefunded account.

use alloy::network::EthereumWallet;
use alloy::node_bindings::{Anvil, AnvilInstance};
use alloy::primitives::Address;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use plasma_ledger::signing::UserKey;
use std::path::PathBuf;

/// Why a local chain could not be started or driven.
#[derive(Debug, thiserror::Error)]
pub enum DevchainError {
    /// The anvil binary is missing (run `bash scripts/setup.sh`).
    #[error("anvil not found at {0} (install the toolchain: bash scripts/setup.sh)")]
    NoAnvil(PathBuf),
    /// anvil did not start.
    #[error("anvil failed to start: {0}")]
    Spawn(String),
    /// An RPC call failed.
    #[error("rpc {method}: {reason}")]
    Rpc {
        /// The method.
        method: &'static str,
        /// What failed.
        reason: String,
    },
}

/// A provider over HTTP at `url` whose wallet signs for every key of `secrets` (a call picks
/// its sender with `from`). `None` if a secret is not a valid secp256k1 key or none is given.
///
/// Nonces are read from the node for every transaction: a cached nonce advances even when a
/// send is refused at estimation, which would strand every later transaction.
pub fn wallet_provider(
    url: alloy::transports::http::reqwest::Url,
    secrets: &[[u8; 32]],
) -> Option<DynProvider> {
    let signers: Vec<PrivateKeySigner> = secrets
        .iter()
        .map(|s| PrivateKeySigner::from_bytes(&(*s).into()).ok())
        .collect::<Option<_>>()?;
    let mut wallet = EthereumWallet::from(signers.first()?.clone());
    for s in &signers[1..] {
        wallet.register_signer(s.clone());
    }
    Some(
        ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id()
            .wallet(wallet)
            .connect_http(url)
            .erased(),
    )
}

/// The pinned anvil: `$PLASMA_ANVIL`, else the npm package of this checkout.
pub fn anvil_binary() -> PathBuf {
    std::env::var_os("PLASMA_ANVIL").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
    })
}

/// A running anvil and a provider signing for its prefunded accounts.
#[derive(Debug)]
pub struct Devchain {
    /// The process (killed on drop).
    pub anvil: AnvilInstance,
    /// Provider whose wallet holds every account of `accounts`.
    pub provider: DynProvider,
    /// The prefunded accounts (10 000 ETH each), in anvil's order.
    pub accounts: Vec<Address>,
}

impl Devchain {
    /// Starts anvil with `accounts` prefunded accounts (instant mining).
    pub fn start(accounts: u16) -> Result<Self, DevchainError> {
        Self::start_with(accounts, None)
    }

    /// Starts anvil with `accounts` prefunded accounts, mining a block every `block_time`
    /// seconds (instant mining when `None`).
    pub fn start_with(accounts: u16, block_time: Option<u64>) -> Result<Self, DevchainError> {
        let bin = anvil_binary();
        if !bin.exists() {
            return Err(DevchainError::NoAnvil(bin));
        }
        let mut args = vec!["--accounts".to_string(), accounts.to_string()];
        args.extend(["--gas-limit".to_string(), "60000000".to_string()]);
        if let Some(t) = block_time {
            args.extend(["--block-time".to_string(), t.to_string()]);
        }
        let anvil = Anvil::new()
            .path(bin)
            .args(args)
            .try_spawn()
            .map_err(|e| DevchainError::Spawn(e.to_string()))?;
        let secrets: Vec<[u8; 32]> = anvil.keys().iter().map(|k| k.to_bytes().into()).collect();
        let addresses: Vec<Address> = secrets
            .iter()
            .filter_map(|s| PrivateKeySigner::from_bytes(&(*s).into()).ok())
            .map(|s| s.address())
            .collect();
        let provider = wallet_provider(anvil.endpoint_url(), &secrets)
            .ok_or_else(|| DevchainError::Spawn("anvil returned unusable keys".into()))?;
        Ok(Self { anvil, provider, accounts: addresses })
    }

    /// Sends `wei` from the first account to `to`.
    pub async fn fund(
        &self,
        to: Address,
        wei: alloy::primitives::U256,
    ) -> Result<(), DevchainError> {
        let rpc = |e: &dyn std::fmt::Display| DevchainError::Rpc {
            method: "eth_sendTransaction",
            reason: e.to_string(),
        };
        let tx = alloy::rpc::types::TransactionRequest::default()
            .from(self.accounts[0])
            .to(to)
            .value(wei);
        let pending = self.provider.send_transaction(tx).await.map_err(|e| rpc(&e))?;
        pending.get_receipt().await.map_err(|e| rpc(&e))?;
        Ok(())
    }

    /// Account `i`'s key as a plasma user key (the same secp256k1 key signs on every level).
    pub fn user_key(&self, i: usize) -> Option<UserKey> {
        let bytes: [u8; 32] = self.anvil.keys().get(i)?.to_bytes().into();
        UserKey::from_bytes(bytes)
    }

    /// Sets the base fee of the next block (anvil): transactions priced for the current
    /// one stay unmined until their fees are raised.
    pub async fn set_next_base_fee(&self, wei: u128) -> Result<(), DevchainError> {
        self.provider
            .raw_request::<_, serde_json::Value>(
                "anvil_setNextBlockBaseFeePerGas".into(),
                (alloy::primitives::U256::from(wei),),
            )
            .await
            .map_err(|e| DevchainError::Rpc {
                method: "anvil_setNextBlockBaseFeePerGas",
                reason: e.to_string(),
            })?;
        Ok(())
    }

    /// Advances the chain's clock by `seconds` and mines a block (anvil's time warp).
    pub async fn warp(&self, seconds: u64) -> Result<(), DevchainError> {
        let rpc = |method: &'static str| {
            move |e: alloy::transports::TransportError| DevchainError::Rpc {
                method,
                reason: e.to_string(),
            }
        };
        self.provider
            .raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(rpc("evm_increaseTime"))?;
        self.provider
            .raw_request::<_, serde_json::Value>("evm_mine".into(), ())
            .await
            .map_err(rpc("evm_mine"))?;
        Ok(())
    }

    /// The latest block's number.
    pub async fn block_number(&self) -> Result<u64, DevchainError> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| DevchainError::Rpc { method: "eth_blockNumber", reason: e.to_string() })
    }

    /// The latest block's timestamp.
    pub async fn now(&self) -> Result<u64, DevchainError> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(|e| DevchainError::Rpc {
                method: "eth_getBlockByNumber",
                reason: e.to_string(),
            })?
            .ok_or(DevchainError::Rpc {
                method: "eth_getBlockByNumber",
                reason: "no block".into(),
            })?;
        Ok(block.header.timestamp)
    }
}
