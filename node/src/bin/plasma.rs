//! `plasma`: the command-line wallet and console of a plasma node, over its gRPC API.

use alloy_primitives::hex;
use alloy_sol_types::SolValue;
use clap::{Parser, Subcommand};
use eyre::{bail, eyre, WrapErr};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{Address, Output, SignedTransaction, Transaction, TxKind, UtxoPos, U256};
use plasma_node::config::{write, P2pKeyFile, ValidatorKeys};
use plasma_proto::v1::node_client::NodeClient;
use plasma_proto::v1::{GetTxRequest, GetUtxosRequest, StatusRequest, SubmitTxRequest};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "plasma", version, about = "Plasma chain wallet and console")]
struct Cli {
    /// gRPC endpoint of the node.
    #[arg(long, global = true, env = "PLASMA_RPC", default_value = "http://127.0.0.1:9090")]
    rpc: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Key generation.
    Keys {
        #[command(subcommand)]
        what: Keys,
    },
    /// The node's status: chain, height, peers, validators.
    Status,
    /// Balances of an address, per asset.
    Balance {
        /// Address (0x…), or `--key` to use a wallet file's address.
        address: Option<Address>,
        /// Wallet key file.
        #[arg(long)]
        key: Option<PathBuf>,
    },
    /// Sends an amount to an address, with change back to the sender.
    Send {
        /// Wallet key file of the sender.
        #[arg(long)]
        key: PathBuf,
        /// Recipient.
        #[arg(long)]
        to: Address,
        /// Amount, in the asset's smallest unit.
        #[arg(long)]
        amount: U256,
        /// Asset (root token address); ETH when omitted.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        token: Address,
        /// Return without waiting for the transaction to be committed.
        #[arg(long)]
        no_wait: bool,
    },
    /// Deposits from the root contract on Ethereum into this chain. With `--via`, through
    /// each plasma chain in between, one hop at a time, resumable with `--state`.
    Deposit {
        /// Wallet key file: pays on the parent, and receives on this chain unless `--to`.
        #[arg(long)]
        key: PathBuf,
        /// JSON-RPC endpoint of the parent.
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: String,
        /// Amount, in the asset's smallest unit.
        #[arg(long)]
        amount: U256,
        /// Asset (root token address); ETH when omitted. An ERC-20 is approved first.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        token: Address,
        /// Recipient on this chain (default: the key's address).
        #[arg(long)]
        to: Option<Address>,
        /// Return once the parent recorded it, without waiting for this chain to mint it
        /// (one hop only).
        #[arg(long)]
        no_wait: bool,
        /// gRPC endpoints of the plasma chains between the root and this chain, the root's
        /// child first (repeat the flag).
        #[arg(long)]
        via: Vec<String>,
        /// Journal of a multi-hop transfer: rerun with the same file to resume it.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Starts the exit of one of your outputs on the root, proven under the latest
    /// checkpoint, with the exit bond attached. With `--via`, exits through each plasma chain
    /// in between first (bonded, waiting out each exit period), resumable with `--state`.
    Exit {
        /// Wallet key file of the output's owner (pays the bond and gas on the parent).
        #[arg(long)]
        key: PathBuf,
        /// JSON-RPC endpoint of the parent.
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: String,
        /// The output, `height:tx_index:output_index`.
        #[arg(long)]
        utxo: String,
        /// gRPC endpoints of the plasma chains between the root and this chain, the root's
        /// child first (repeat the flag).
        #[arg(long)]
        via: Vec<String>,
        /// Journal of a multi-hop transfer: rerun with the same file to resume it.
        #[arg(long)]
        state: Option<PathBuf>,
    },
    /// Pays out this chain's matured exits on the root (`processExits`, in priority order),
    /// then withdraws what the root owes you. The node must be the root's child.
    Withdraw {
        /// Wallet key file of the exit's owner (pays the gas on the root).
        #[arg(long)]
        key: PathBuf,
        /// JSON-RPC endpoint of the root.
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: String,
        /// Asset (root token address); ETH when omitted.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        token: Address,
    },
}

#[derive(Subcommand)]
enum Keys {
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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WalletFile {
    secret: String,
    address: Address,
}

fn load_wallet(path: &PathBuf) -> eyre::Result<UserKey> {
    let text =
        std::fs::read_to_string(path).wrap_err_with(|| format!("reading {}", path.display()))?;
    let f: WalletFile =
        serde_json::from_str(&text).wrap_err_with(|| format!("{}", path.display()))?;
    let secret: [u8; 32] = hex::decode(&f.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| eyre!("{}: secret is not 32 hex bytes", path.display()))?;
    let key = UserKey::from_bytes(secret)
        .ok_or_else(|| eyre!("{}: not a valid secp256k1 key", path.display()))?;
    if key.address() != f.address {
        bail!("{}: address does not match the secret", path.display());
    }
    Ok(key)
}

async fn connect(rpc: &str) -> eyre::Result<NodeClient<tonic::transport::Channel>> {
    NodeClient::connect(rpc.to_string())
        .await
        .wrap_err_with(|| format!("cannot reach the node at {rpc}"))
}

fn status_error(s: tonic::Status) -> eyre::Report {
    eyre!("{}", s.message())
}

/// The unspent outputs of `owner`.
async fn utxos(
    node: &mut NodeClient<tonic::transport::Channel>,
    owner: Address,
) -> eyre::Result<Vec<plasma_proto::v1::Utxo>> {
    let r = node.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await;
    Ok(r.map_err(status_error)?.into_inner().utxos)
}

fn main() -> eyre::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Keys { what: Keys::New { out } } => {
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
            Ok(())
        }
        Command::Keys { what: Keys::User { out } } => {
            if out.exists() {
                bail!("{} exists; refusing to overwrite", out.display());
            }
            let (secret, key) = loop {
                use rand::RngCore;
                let mut s = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut s);
                if let Some(k) = UserKey::from_bytes(s) {
                    break (s, k);
                }
            };
            write(
                &out,
                &serde_json::to_string_pretty(&WalletFile {
                    secret: hex::encode(secret),
                    address: key.address(),
                })?,
            )?;
            println!("{}", key.address());
            Ok(())
        }
        command => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(online(&cli.rpc, command)),
    }
}

/// The chain's root contract and chain id, as the node reports them.
async fn root_of(
    node: &mut NodeClient<tonic::transport::Channel>,
    parent_rpc: &str,
    key: &UserKey,
) -> eyre::Result<(plasma_bridge::Root, u64, plasma_proto::v1::StatusResponse)> {
    let status = node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
    if status.root_contract.len() != 20 {
        bail!("the node reported a malformed root contract address");
    }
    let root = Address::from_slice(&status.root_contract);
    let (provider, _) = plasma_bridge::parent::connect_with_key(parent_rpc, key.secret_bytes())
        .map_err(|e| eyre!("parent at {parent_rpc}: {e}"))?;
    Ok((plasma_bridge::Root::at(root, provider), status.chain_id, status))
}

fn parse_utxo(s: &str) -> eyre::Result<UtxoPos> {
    let parts: Vec<&str> = s.split(':').collect();
    let [h, i, o] = parts.as_slice() else {
        bail!("--utxo {s:?}: expected height:tx_index:output_index");
    };
    let bad = |what: &str| eyre!("--utxo {s:?}: {what} is not a number in range");
    Ok(UtxoPos::new(
        h.parse().map_err(|_| bad("height"))?,
        i.parse().map_err(|_| bad("tx_index"))?,
        o.parse().map_err(|_| bad("output_index"))?,
    ))
}

async fn online(rpc: &str, command: Command) -> eyre::Result<()> {
    let mut node = connect(rpc).await?;
    match command {
        Command::Deposit { key, parent_rpc, amount, token, to, via, state, .. }
            if !via.is_empty() =>
        {
            let key = load_wallet(&key)?;
            let (root, _, _) = root_of(&mut node, &parent_rpc, &key).await?;
            let recipient = to.unwrap_or(key.address());
            let mut chains = via;
            chains.push(rpc.to_string());
            let transfer =
                format!("deposit {amount} {token} to {recipient} via {}", chains.join(" "));
            let mut journal = plasma_node::hops::Journal::open(state, transfer)?;
            let progress = |line: String| println!("{line}");
            let what = plasma_node::hops::Deposit { token, amount, recipient };
            let at =
                plasma_node::hops::deposit(&root, &key, what, &chains, &mut journal, &progress)
                    .await?;
            println!("minted for {recipient} at {at}");
        }
        Command::Deposit { key, parent_rpc, amount, token, to, no_wait, .. } => {
            let key = load_wallet(&key)?;
            let (root, chain_id, _) = root_of(&mut node, &parent_rpc, &key).await?;
            let recipient = to.unwrap_or(key.address());
            if token != Address::ZERO {
                let erc20 = plasma_bridge::bindings::MockERC20::new(token, root.provider().clone());
                erc20
                    .approve(root.address(), amount)
                    .from(key.address())
                    .send()
                    .await
                    .map_err(|e| eyre!("approving {token}: {e}"))?
                    .get_receipt()
                    .await
                    .map_err(|e| eyre!("approving {token}: {e}"))?;
            }
            let before = utxos(&mut node, recipient).await?.len();
            let (record, receipt) = root
                .deposit(key.address(), chain_id, recipient, token, amount)
                .await
                .map_err(|e| eyre!("{e}"))?;
            println!(
                "deposit {} recorded on the parent (nonce {}, transaction 0x{})",
                record.amount,
                record.nonce,
                hex::encode(receipt.tx_hash)
            );
            if !no_wait {
                println!("waiting for the parent's finality and this chain to mint it…");
                let deadline = Instant::now() + Duration::from_secs(600);
                loop {
                    let now = utxos(&mut node, recipient).await?.len();
                    if now > before {
                        println!("minted for {recipient}");
                        break;
                    }
                    if Instant::now() > deadline {
                        bail!("not minted after 10 minutes: is the chain following its parent?");
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
        Command::Exit { key, parent_rpc, utxo, via, state } => {
            let key = load_wallet(&key)?;
            let pos = parse_utxo(&utxo)?;
            let (root, _, _) = root_of(&mut node, &parent_rpc, &key).await?;
            // This chain first, then its parents up to the root's child.
            let mut chains = vec![rpc.to_string()];
            chains.extend(via.into_iter().rev());
            let transfer = format!("exit {pos} via {}", chains.join(" "));
            let mut journal = plasma_node::hops::Journal::open(state, transfer)?;
            let progress = |line: String| println!("{line}");
            plasma_node::hops::exit(&root, &key, pos, &chains, &mut journal, &progress).await?;
        }
        Command::Withdraw { key, parent_rpc, token } => {
            let key = load_wallet(&key)?;
            let (root, chain_id, _) = root_of(&mut node, &parent_rpc, &key).await?;
            let me = key.address();
            let name = if token == Address::ZERO { "ETH".to_string() } else { token.to_string() };
            let paid = root.process_exits(me, chain_id, token, 16).await;
            paid.map_err(|e| eyre!("paying out chain {chain_id}'s exits: {e}"))?;
            let owed =
                root.owed(me, token).await.map_err(|e| eyre!("reading what is owed: {e}"))?;
            if owed.is_zero() {
                println!(
                    "the root owes {me} no {name}: nothing has matured yet (an exit pays once its \
                     period is over), or it was withdrawn already"
                );
                return Ok(());
            }
            root.withdraw(me, token).await.map_err(|e| eyre!("withdrawing: {e}"))?;
            println!("withdrew {owed} {name} to {me} on the root");
        }
        Command::Status => {
            let s = node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
            println!("chain      {} ({})", s.chain_id, s.moniker);
            println!("height     {}", s.height);
            println!("last block 0x{} at {}", hex::encode(&s.last_block_hash), s.last_block_time);
            println!("role       {}", s.role);
            println!("peers      {}", s.peers);
            println!("mempool    {}", s.mempool_size);
            println!(
                "validators {} (set 0x{})",
                s.validators.len(),
                hex::encode(&s.validator_set_hash)
            );
            for v in s.validators {
                println!("  {} power {}", Address::from_slice(&v.operator), v.power);
            }
        }
        Command::Balance { address, key } => {
            let who = match (address, key) {
                (Some(a), None) => a,
                (None, Some(k)) => load_wallet(&k)?.address(),
                _ => bail!("give an address or --key, not both"),
            };
            let utxos = utxos(&mut node, who).await?;
            let mut totals = std::collections::BTreeMap::<Address, U256>::new();
            for u in &utxos {
                *totals.entry(Address::from_slice(&u.token)).or_default() +=
                    U256::from_be_slice(&u.amount);
            }
            if totals.is_empty() {
                println!("{who}: nothing");
            }
            for (token, amount) in totals {
                let name =
                    if token == Address::ZERO { "ETH".to_string() } else { token.to_string() };
                println!("{amount} {name}");
            }
        }
        Command::Send { key, to, amount, token, no_wait } => {
            let key = load_wallet(&key)?;
            let status = node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
            if status.root_contract.len() != 20 {
                bail!("the node reported a malformed root contract address");
            }
            let domain = SigningDomain::new(
                status.chain_id,
                status.root_chain_id,
                Address::from_slice(&status.root_contract),
            );
            let utxos = utxos(&mut node, key.address()).await?;
            let mut inputs = Vec::new();
            let mut have = U256::ZERO;
            for u in utxos.iter().filter(|u| Address::from_slice(&u.token) == token) {
                if have >= amount || inputs.len() == plasma_ledger::MAX_INPUTS {
                    break;
                }
                have += U256::from_be_slice(&u.amount);
                let index = u8::try_from(u.output_index)
                    .map_err(|_| eyre!("node returned output index {}", u.output_index))?;
                inputs.push(UtxoPos::new(u.height, u.tx_index, index));
            }
            if have < amount {
                bail!(
                    "insufficient funds: {have} available in up to {} outputs, {amount} needed",
                    plasma_ledger::MAX_INPUTS
                );
            }
            let mut outputs = vec![Output::new(to, token, amount)];
            if have > amount {
                outputs.push(Output::new(key.address(), token, have - amount));
            }
            let tx = Transaction {
                kind: TxKind::Transfer as u8,
                inputs,
                outputs,
                data: Default::default(),
            };
            let sig = key.sign_tx(&domain, &tx);
            let n = tx.inputs.len();
            let stx =
                SignedTransaction { transaction: tx, signatures: vec![sig.to_vec().into(); n] };
            let hash = node
                .submit_tx(SubmitTxRequest { tx: stx.abi_encode() })
                .await
                .map_err(status_error)?
                .into_inner()
                .tx_hash;
            println!("submitted 0x{}", hex::encode(&hash));
            if !no_wait {
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    match node.get_tx(GetTxRequest { tx_hash: hash.clone() }).await {
                        Ok(r) => {
                            let r = r.into_inner();
                            println!("committed in block {} (index {})", r.height, r.index);
                            break;
                        }
                        Err(s)
                            if s.code() == tonic::Code::NotFound && Instant::now() < deadline =>
                        {
                            tokio::time::sleep(Duration::from_millis(250)).await;
                        }
                        Err(s) => bail!("waiting for the transaction: {}", s.message()),
                    }
                }
            }
        }
        Command::Keys { .. } => bail!("keys commands run offline"),
    }
    Ok(())
}
