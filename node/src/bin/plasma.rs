//! `plasma`: the command-line wallet and console of a plasma node, over its gRPC API.

use alloy_primitives::hex;
use alloy_sol_types::SolValue;
use clap::{Parser, Subcommand};
use eyre::{bail, eyre, WrapErr};
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{Address, Output, SignedTransaction, Transaction, TxKind, UtxoPos, U256};
use plasma_node::config::{write, P2pKeyFile, ValidatorKeys};
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
    /// Print results as JSON (one object per line for `alerts --follow`), for scripts.
    #[arg(long, global = true)]
    json: bool,
    /// Admin token of the node (`rpc.admin_token` in its config), for admin calls.
    #[arg(long, global = true, env = "PLASMA_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// A tree file (`plasma-devnet` writes `<dir>/tree.json`): chains are then named by path
    /// (`deposit --to /A/B`, `exit --from /A/B`), and the root's endpoint comes from it.
    #[arg(long, global = true, env = "PLASMA_TREE")]
    tree: Option<PathBuf>,
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
    /// Balances of an address, per asset, on every level at once: this chain, each chain
    /// given with `--via` (with `--tree`: every chain of the tree), and the root (with
    /// `--parent-rpc` or `--tree`: the account's ETH and what the root contract owes it).
    Balance {
        /// Address (0x…), or `--key` to use a wallet file's address.
        address: Option<Address>,
        /// Wallet key file.
        #[arg(long)]
        key: Option<PathBuf>,
        /// gRPC endpoints of the plasma chains between the root and this chain, the root's
        /// child first (repeat the flag).
        #[arg(long)]
        via: Vec<String>,
        /// JSON-RPC endpoint of the root (Ethereum).
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: Option<String>,
    },
    /// Exits of this chain's outputs started on its parent: what is pending, when each
    /// matures, and whether this node judges it honest or challengeable.
    Exits,
    /// Challenges the exit of an output this chain has seen spent (admin: the node pays the
    /// parent's fee from its operator key and receives the exiter's bond).
    Challenge {
        /// The exiting output, `height:tx_index:output_index`.
        #[arg(long)]
        utxo: String,
    },
    /// This chain in its tree: its parent's record of it, and the children it hosts.
    Tree,
    /// The node watcher's recent alerts; with `--follow`, new ones as they are raised.
    Alerts {
        /// Keep printing alerts as they come.
        #[arg(long, short)]
        follow: bool,
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
        /// Wallet key file: pays on the parent, and receives unless `--recipient`.
        #[arg(long)]
        key: PathBuf,
        /// JSON-RPC endpoint of the root (default: the tree file's).
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: Option<String>,
        /// Amount, in the asset's smallest unit.
        #[arg(long)]
        amount: U256,
        /// Asset (root token address); ETH when omitted. An ERC-20 is approved first.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        token: Address,
        /// Where to: a chain path (`/A/B`, with `--tree`), hop by hop from the root; or,
        /// for compatibility, an address on this chain (as `--recipient`).
        #[arg(long)]
        to: Option<String>,
        /// Recipient on the destination chain (default: the key's address).
        #[arg(long)]
        recipient: Option<Address>,
        /// Return once the parent recorded it, without waiting for this chain to mint it
        /// (one hop only).
        #[arg(long)]
        no_wait: bool,
        /// gRPC endpoints of the plasma chains between the root and this chain, the root's
        /// child first (repeat the flag); `--to /A/B` finds them in the tree file.
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
        /// JSON-RPC endpoint of the root (default: the tree file's).
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: Option<String>,
        /// The output, `height:tx_index:output_index`.
        #[arg(long)]
        utxo: String,
        /// The chain the output is on, by path (`/A/B`, with `--tree`; default: `--rpc`'s).
        #[arg(long)]
        from: Option<String>,
        /// Where to: `root` (the only destination; exits climb every level to it).
        #[arg(long, default_value = "root")]
        to: String,
        /// gRPC endpoints of the plasma chains between the root and this chain, the root's
        /// child first (repeat the flag); `--from /A/B` finds them in the tree file.
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
        /// JSON-RPC endpoint of the root (default: the tree file's).
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: Option<String>,
        /// Asset (root token address); ETH when omitted.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        token: Address,
    },
    /// Bonds a validator for a chain on the chain's parent, which numbers the chain's next
    /// validator configuration; the chain adopts it at its next epoch end. Under the root:
    /// `bond` and `proposeConfiguration`; under a plasma chain: a `BondChild` there, paid
    /// from the operator's ETH outputs on it. Start the validator's node first and let it
    /// catch up: once the chain adopts the set, its votes may be needed.
    Bond {
        /// The validator's key file (`validator_key.json` in its node home, or `keys new`'s
        /// `validator.json`): its operator pays and signs, its BLS key joins the set.
        #[arg(long)]
        validator_key: PathBuf,
        /// Stake, in wei: a whole number of gwei (the validator's power is stake / 1 gwei).
        #[arg(long)]
        stake: U256,
        /// The chain to join, by path (`/A/B`, with `--tree`; default: `--rpc`'s chain).
        #[arg(long)]
        chain: Option<String>,
        /// gRPC endpoint of a node of the plasma parent (default: the tree file's).
        #[arg(long)]
        parent: Option<String>,
        /// JSON-RPC endpoint of the root, for a chain under the root (default: the tree
        /// file's).
        #[arg(long, env = "PLASMA_PARENT_RPC")]
        parent_rpc: Option<String>,
        /// Return once the parent numbered the configuration, without waiting for the chain
        /// to adopt it.
        #[arg(long)]
        no_wait: bool,
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

async fn connect(rpc: &str) -> eyre::Result<plasma_proto::Client> {
    plasma_proto::Client::connect(rpc.to_string())
        .await
        .wrap_err_with(|| format!("cannot reach the node at {rpc}"))
}

fn status_error(s: tonic::Status) -> eyre::Report {
    eyre!("{}", s.message())
}

/// The id of the node's chain.
async fn chain_id(node: &mut plasma_proto::Client) -> eyre::Result<u64> {
    Ok(node.node.status(StatusRequest {}).await.map_err(status_error)?.into_inner().chain_id)
}

/// The unspent outputs of `owner`.
async fn utxos(
    node: &mut plasma_proto::Client,
    owner: Address,
) -> eyre::Result<Vec<plasma_proto::v1::Utxo>> {
    let r = node.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await;
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
        command => {
            let tree = cli.tree.as_deref().map(plasma_node::hops::Tree::load).transpose()?;
            let (rpc, command) = routed(cli.rpc, tree.as_ref(), command)?;
            let out = Printer { json: cli.json, admin_token: cli.admin_token, tree };
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(online(&rpc, &out, command))
        }
    }
}

/// `command` with the chains it names by path (`/A/B`) resolved through `tree` into the
/// endpoint to talk to and the `--via` route, and the root's endpoint filled in from it.
fn routed(
    rpc: String,
    tree: Option<&plasma_node::hops::Tree>,
    command: Command,
) -> eyre::Result<(String, Command)> {
    let need_tree = |what: &str| {
        tree.ok_or_else(|| {
            eyre!("{what} names a chain by path: give the tree file (--tree or PLASMA_TREE)")
        })
    };
    let root = |given: Option<String>| given.or_else(|| tree.map(|t| t.root_rpc.clone()));
    // A route: the destination's endpoint, and the chains before it.
    let split = |mut route: Vec<String>| {
        let last = route.pop().expect("a route names one chain at least");
        (last, route)
    };
    Ok(match command {
        Command::Deposit { key, parent_rpc, amount, token, to, recipient, no_wait, via, state } => {
            let (rpc, via, recipient) = match to {
                Some(path) if path.starts_with('/') => {
                    if !via.is_empty() {
                        bail!("--to {path} finds the chains in between in the tree: drop --via");
                    }
                    let (rpc, via) = split(need_tree("--to")?.route(&path)?);
                    (rpc, via, recipient)
                }
                Some(address) => {
                    let parsed = address.parse().map_err(|_| {
                        eyre!("--to {address:?}: neither a chain path (/A/B) nor an address")
                    })?;
                    if recipient.is_some() {
                        bail!("--to {address} is a recipient already: drop --recipient");
                    }
                    (rpc, via, Some(parsed))
                }
                None => (rpc, via, recipient),
            };
            let parent_rpc = root(parent_rpc);
            (
                rpc,
                Command::Deposit {
                    key,
                    parent_rpc,
                    amount,
                    token,
                    to: None,
                    recipient,
                    no_wait,
                    via,
                    state,
                },
            )
        }
        Command::Exit { key, parent_rpc, utxo, from, to, via, state } => {
            if to != "root" {
                bail!("--to {to}: exits climb every level to the root (--to root); to move value to another chain, exit to the root and deposit from there");
            }
            let (rpc, via) = match from {
                Some(path) => {
                    if !via.is_empty() {
                        bail!("--from {path} finds the chains in between in the tree: drop --via");
                    }
                    split(need_tree("--from")?.route(&path)?)
                }
                None => (rpc, via),
            };
            (
                rpc,
                Command::Exit {
                    key,
                    parent_rpc: root(parent_rpc),
                    utxo,
                    from: None,
                    to,
                    via,
                    state,
                },
            )
        }
        Command::Withdraw { key, parent_rpc, token } => {
            (rpc, Command::Withdraw { key, parent_rpc: root(parent_rpc), token })
        }
        Command::Bond { validator_key, stake, chain, parent, parent_rpc, no_wait } => {
            let (rpc, parent) = match chain {
                Some(path) => {
                    let mut route = need_tree("--chain")?.route(&path)?;
                    let rpc = route.pop().expect("a route names one chain at least");
                    (rpc, parent.or(route.pop()))
                }
                None => (rpc, parent),
            };
            let parent_rpc = root(parent_rpc);
            (rpc, Command::Bond { validator_key, stake, chain: None, parent, parent_rpc, no_wait })
        }
        Command::Balance { address, key, via, parent_rpc } => match tree {
            Some(t) if via.is_empty() => {
                let mut route: Vec<String> = t
                    .chains
                    .iter()
                    .map(|c| {
                        c.endpoints
                            .first()
                            .cloned()
                            .ok_or_else(|| eyre!("{} has no endpoint", c.path))
                    })
                    .collect::<eyre::Result<_>>()?;
                let (rpc, via) = match route.is_empty() {
                    true => (rpc, vec![]),
                    false => {
                        let last = route.pop().expect("not empty");
                        (last, route)
                    }
                };
                (rpc, Command::Balance { address, key, via, parent_rpc: root(parent_rpc) })
            }
            _ => (rpc, Command::Balance { address, key, via, parent_rpc: root(parent_rpc) }),
        },
        other => (rpc, other),
    })
}

/// The root's JSON-RPC endpoint, or what to give for it.
fn root_rpc(given: Option<String>) -> eyre::Result<String> {
    given.ok_or_else(|| eyre!("the root's endpoint is needed: --parent-rpc (or PLASMA_PARENT_RPC), or a tree file (--tree)"))
}

/// The chain's root contract and chain id, as the node reports them.
async fn root_of(
    node: &mut plasma_proto::Client,
    parent_rpc: &str,
    key: &UserKey,
) -> eyre::Result<(plasma_bridge::Root, u64, plasma_proto::v1::StatusResponse)> {
    let status = node.node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
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

/// How results are printed, and the admin token if one was given.
struct Printer {
    json: bool,
    admin_token: Option<String>,
    tree: Option<plasma_node::hops::Tree>,
}

impl Printer {
    /// Prints `value` as one line of JSON when `--json`, else the `human` lines.
    fn show(&self, value: serde_json::Value, human: impl FnOnce() -> String) {
        if self.json {
            println!("{value}");
        } else {
            println!("{}", human());
        }
    }

    /// Chain `id` as people know it: its path in the tree file, or its number.
    fn chain(&self, id: u64) -> String {
        let known = self.tree.as_ref().and_then(|t| t.chains.iter().find(|c| c.chain_id == id));
        known.map_or_else(|| format!("chain {id}"), |c| format!("{} (chain {id})", c.path))
    }

    /// `request` with the admin token attached.
    fn admin<T>(&self, request: T) -> eyre::Result<tonic::Request<T>> {
        let token = self.admin_token.as_deref().ok_or_else(|| {
            eyre!("this is an admin call: pass --admin-token (or PLASMA_ADMIN_TOKEN), the node's rpc.admin_token")
        })?;
        let mut request = tonic::Request::new(request);
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| eyre!("--admin-token: not a valid header value"))?;
        request.metadata_mut().insert("authorization", value);
        Ok(request)
    }
}

fn asset(token: Address) -> String {
    if token == Address::ZERO {
        "ETH".into()
    } else {
        token.to_string()
    }
}

/// Per-asset totals of `utxos`.
fn totals(utxos: &[plasma_proto::v1::Utxo]) -> std::collections::BTreeMap<Address, U256> {
    let mut totals = std::collections::BTreeMap::<Address, U256>::new();
    for u in utxos {
        *totals.entry(Address::from_slice(&u.token)).or_default() += U256::from_be_slice(&u.amount);
    }
    totals
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `exitable_at` against this machine's clock: "in 42 s" or "matured".
fn maturity(exitable_at: u64) -> String {
    match exitable_at.checked_sub(unix_now()) {
        Some(0) | None => "matured".into(),
        Some(left) => format!("in {left} s"),
    }
}

fn alert_json(a: &plasma_proto::v1::Alert) -> serde_json::Value {
    serde_json::json!({"kind": a.kind, "height": a.height, "detail": a.detail, "unix_time": a.unix_time})
}

fn alert_line(a: &plasma_proto::v1::Alert) -> String {
    format!("{} {:<18} height {:<6} {}", a.unix_time, a.kind, a.height, a.detail)
}

async fn online(rpc: &str, out: &Printer, command: Command) -> eyre::Result<()> {
    let mut node = connect(rpc).await?;
    match command {
        Command::Deposit { key, parent_rpc, amount, token, recipient, via, state, .. }
            if !via.is_empty() =>
        {
            let key = load_wallet(&key)?;
            let (root, _, _) = root_of(&mut node, &root_rpc(parent_rpc)?, &key).await?;
            let recipient = recipient.unwrap_or(key.address());
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
        Command::Deposit { key, parent_rpc, amount, token, recipient, no_wait, .. } => {
            let key = load_wallet(&key)?;
            let (root, chain_id, _) = root_of(&mut node, &root_rpc(parent_rpc)?, &key).await?;
            let recipient = recipient.unwrap_or(key.address());
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
        Command::Exit { key, parent_rpc, utxo, via, state, .. } => {
            let key = load_wallet(&key)?;
            let pos = parse_utxo(&utxo)?;
            let (root, _, _) = root_of(&mut node, &root_rpc(parent_rpc)?, &key).await?;
            // This chain first, then its parents up to the root's child.
            let mut chains = vec![rpc.to_string()];
            chains.extend(via.into_iter().rev());
            let transfer = format!("exit {pos} via {}", chains.join(" "));
            let mut journal = plasma_node::hops::Journal::open(state, transfer)?;
            let progress = |line: String| println!("{line}");
            plasma_node::hops::exit(&root, &key, pos, &chains, &mut journal, &progress).await?;
        }
        Command::Bond { validator_key, stake, parent, parent_rpc, no_wait, .. } => {
            let keys = plasma_node::config::ValidatorKeys::load(&validator_key)?;
            plasma_node::bond::check_stake(stake)?;
            let state = node.bridge.parent_state(plasma_proto::v1::ParentStateRequest {}).await;
            let state = state.map_err(status_error)?.into_inner();
            let chain_id = chain_id(&mut node).await?;
            let (id, on) = if state.parent_kind == "plasma" {
                let parent = parent.ok_or_else(|| {
                    eyre!("{} hangs under plasma chain {}: give a node of it (--parent, or --chain with --tree)", out.chain(chain_id), state.parent_chain_id)
                })?;
                let id =
                    plasma_node::bond::on_plasma_parent(&parent, chain_id, &keys, stake).await?;
                (id, out.chain(state.parent_chain_id))
            } else {
                let (root, _, _) =
                    root_of(&mut node, &root_rpc(parent_rpc)?, &keys.operator).await?;
                (
                    plasma_node::bond::on_root(&root, chain_id, &keys, stake).await?,
                    "the root".into(),
                )
            };
            let operator = keys.operator.address();
            if !out.json {
                println!(
                    "{operator} bonded {stake} wei for {} on {on}: configuration {id} numbered",
                    out.chain(chain_id)
                );
            }
            let mut adopted = serde_json::Value::Null;
            if !no_wait {
                if !out.json {
                    println!(
                        "waiting for the chain's next epoch end (every {} blocks)…",
                        state.epoch_length
                    );
                }
                let at = plasma_node::bond::wait_adopted(&mut node, id, Duration::from_secs(600))
                    .await?;
                adopted = serde_json::json!(at);
                if !out.json {
                    println!("{} adopted configuration {id}; the parent's latest checkpoint is block {at}", out.chain(chain_id));
                }
            }
            if out.json {
                out.show(
                    serde_json::json!({
                        "chain_id": chain_id, "operator": operator, "stake": stake.to_string(),
                        "configuration": id, "adopted_by_checkpoint": adopted,
                    }),
                    String::new,
                );
            }
        }
        Command::Withdraw { key, parent_rpc, token } => {
            let key = load_wallet(&key)?;
            let (root, chain_id, _) = root_of(&mut node, &root_rpc(parent_rpc)?, &key).await?;
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
            let s = node.node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
            let validators: Vec<_> = s
                .validators
                .iter()
                .map(|v| serde_json::json!({"operator": Address::from_slice(&v.operator), "power": v.power}))
                .collect();
            let json = serde_json::json!({
                "chain_id": s.chain_id, "moniker": s.moniker, "height": s.height,
                "last_block_hash": format!("0x{}", hex::encode(&s.last_block_hash)),
                "last_block_time": s.last_block_time, "role": s.role, "peers": s.peers,
                "mempool_size": s.mempool_size, "validators": validators,
                "validator_set_hash": format!("0x{}", hex::encode(&s.validator_set_hash)),
            });
            out.show(json, || {
                let mut text = format!(
                    "chain      {} ({})\nheight     {}\nlast block 0x{} at {}\nrole       {}\n\
                     peers      {}\nmempool    {}\nvalidators {} (set 0x{})",
                    s.chain_id,
                    s.moniker,
                    s.height,
                    hex::encode(&s.last_block_hash),
                    s.last_block_time,
                    s.role,
                    s.peers,
                    s.mempool_size,
                    s.validators.len(),
                    hex::encode(&s.validator_set_hash)
                );
                for v in &s.validators {
                    text += &format!("\n  {} power {}", Address::from_slice(&v.operator), v.power);
                }
                text
            });
        }
        Command::Balance { address, key, via, parent_rpc } => {
            let who = match (address, key) {
                (Some(a), None) => a,
                (None, Some(k)) => load_wallet(&k)?.address(),
                _ => bail!("give an address or --key, not both"),
            };
            // Top down: the root, each chain from the root's child, then this chain.
            let mut levels = Vec::new();
            if let Some(url) = &parent_rpc {
                let status = node.node.status(StatusRequest {}).await.map_err(status_error)?;
                let root = Address::from_slice(&status.into_inner().root_contract);
                let root = plasma_bridge::Root::read_only(url, root)
                    .map_err(|e| eyre!("--parent-rpc: {e}"))?;
                let account =
                    root.eth_balance(who).await.map_err(|e| eyre!("root at {url}: {e}"))?;
                let owed =
                    root.owed(who, Address::ZERO).await.map_err(|e| eyre!("root at {url}: {e}"))?;
                levels.push(serde_json::json!({
                    "level": "root", "endpoint": url,
                    "balances": {"ETH": account.to_string()}, "owed": {"ETH": owed.to_string()},
                }));
            }
            let mut endpoints = via;
            endpoints.push(rpc.to_string());
            for url in &endpoints {
                let mut chain = if url == rpc { node.clone() } else { connect(url).await? };
                let id = chain_id(&mut chain).await?;
                let balances: serde_json::Map<_, _> = totals(&utxos(&mut chain, who).await?)
                    .into_iter()
                    .map(|(t, a)| (asset(t), serde_json::Value::String(a.to_string())))
                    .collect();
                levels.push(serde_json::json!({"level": out.chain(id), "chain_id": id, "endpoint": url, "balances": balances}));
            }
            let json = serde_json::json!({"address": who, "levels": levels});
            out.show(json, || {
                let mut text = format!("{who}");
                for l in &levels {
                    let mut parts: Vec<String> = l["balances"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| format!("{} {k}", v.as_str().unwrap_or_default()))
                        .collect();
                    if let Some(owed) = l["owed"]["ETH"].as_str().filter(|o| *o != "0") {
                        parts.push(format!("(owed by the root contract: {owed} ETH)"));
                    }
                    let shown = if parts.is_empty() { "nothing".into() } else { parts.join(", ") };
                    text += &format!("\n  {:<30} {shown}", l["level"].as_str().unwrap_or_default());
                }
                text
            });
        }
        Command::Exits => {
            let r = node
                .bridge
                .exits(plasma_proto::v1::ExitsRequest { from_parent_block: 0 })
                .await
                .map_err(status_error)?
                .into_inner();
            let exits: Vec<_> = r
                .exits
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "exit_id": format!("0x{}", hex::encode(&e.exit_id)),
                        "utxo": e.known.then(|| format!("{}:{}:{}", e.height, e.tx_index, e.output_index)),
                        "owner": Address::from_slice(&e.owner), "token": Address::from_slice(&e.token),
                        "amount": U256::from_be_slice(&e.amount).to_string(),
                        "exitable_at": e.exitable_at, "verdict": e.verdict,
                        "spent_in": (e.verdict == "spent").then(|| format!("{}:{}", e.spent_height, e.spent_index)),
                    })
                })
                .collect();
            out.show(serde_json::json!({"exits": exits}), || {
                if r.exits.is_empty() {
                    return "no exits of this chain's outputs on its parent".into();
                }
                let mut text = format!(
                    "{:<12} {:<22} {:<28} {:<12} {}",
                    "utxo", "owner", "amount", "matures", "verdict"
                );
                for e in &r.exits {
                    let utxo = if e.known {
                        format!("{}:{}:{}", e.height, e.tx_index, e.output_index)
                    } else {
                        "?".into()
                    };
                    let amount = format!(
                        "{} {}",
                        U256::from_be_slice(&e.amount),
                        asset(Address::from_slice(&e.token))
                    );
                    let verdict = match e.verdict.as_str() {
                        "spent" => {
                            format!("spent in {}:{} (challengeable)", e.spent_height, e.spent_index)
                        }
                        v => v.to_string(),
                    };
                    let owner = Address::from_slice(&e.owner).to_string();
                    text += &format!(
                        "\n{utxo:<12} {:<22} {amount:<28} {:<12} {verdict}",
                        &owner[..20],
                        maturity(e.exitable_at)
                    );
                }
                text
            });
        }
        Command::Challenge { utxo } => {
            let pos = parse_utxo(&utxo)?;
            let request = out.admin(plasma_proto::v1::ChallengeRequest {
                height: pos.blockHeight,
                tx_index: pos.txIndex,
                output_index: pos.outputIndex.into(),
            })?;
            let r = node.bridge.challenge(request).await.map_err(status_error)?.into_inner();
            let json = serde_json::json!({
                "utxo": utxo, "challenged": r.challenged,
                "spent_in": format!("{}:{}", r.spent_height, r.spent_index),
            });
            out.show(json, || {
                if r.challenged {
                    format!("exit of {pos} challenged with its spend in {}:{}; the bond goes to the node's operator", r.spent_height, r.spent_index)
                } else {
                    format!("the exit of {pos} is no longer active (challenged already, or paid)")
                }
            });
        }
        Command::Tree => {
            let s = node.node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
            let parent = node.bridge.parent_state(plasma_proto::v1::ParentStateRequest {}).await;
            let parent = match parent {
                Ok(p) => Some(p.into_inner()),
                Err(e) if e.code() == tonic::Code::FailedPrecondition => None,
                Err(e) => return Err(status_error(e)),
            };
            let children = node
                .children
                .list_children(plasma_proto::v1::ListChildrenRequest {})
                .await
                .map_err(status_error)?
                .into_inner()
                .children;
            let escrow = |l: &[plasma_proto::v1::Locked]| -> Vec<String> {
                l.iter()
                    .filter(|e| !U256::from_be_slice(&e.amount).is_zero())
                    .map(|e| {
                        format!(
                            "{} {}",
                            U256::from_be_slice(&e.amount),
                            asset(Address::from_slice(&e.token))
                        )
                    })
                    .collect()
            };
            let json = serde_json::json!({
                "parent": parent.as_ref().map(|p| serde_json::json!({
                    "kind": p.parent_kind, "chain_id": p.parent_chain_id,
                    "last_checkpoint": p.last_checkpoint, "frozen": p.frozen,
                    "rollback_height": p.rollback_height, "epoch_length": p.epoch_length,
                })),
                "chain": {"chain_id": s.chain_id, "height": s.height, "validators": s.validators.len()},
                "children": children.iter().map(|c| serde_json::json!({
                    "chain_id": c.chain_id, "last_checkpoint": c.last_height,
                    "frozen": c.frozen, "escrow": escrow(&c.escrow),
                })).collect::<Vec<_>>(),
            });
            out.show(json, || {
                let mut text = match &parent {
                    Some(p) if p.parent_kind == "ethereum" => {
                        format!("root (Ethereum, chain {})\n└─ ", p.parent_chain_id)
                    }
                    Some(p) => format!("{}\n└─ ", out.chain(p.parent_chain_id)),
                    None => String::new(),
                };
                text += &format!(
                    "{} — height {}, {} validators",
                    out.chain(s.chain_id),
                    s.height,
                    s.validators.len()
                );
                if let Some(p) = &parent {
                    text += &format!(", checkpointed at {}", p.last_checkpoint);
                    if p.frozen {
                        text += &format!(", FROZEN (rolled back to {})", p.rollback_height);
                    }
                }
                let indent = if parent.is_some() { "   " } else { "" };
                for (i, c) in children.iter().enumerate() {
                    let branch = if i + 1 == children.len() { "└─" } else { "├─" };
                    let locked = escrow(&c.escrow);
                    text += &format!(
                        "\n{indent}{branch} {} — checkpointed at {}{}, escrow {}",
                        out.chain(c.chain_id),
                        c.last_height,
                        if c.frozen { ", FROZEN" } else { "" },
                        if locked.is_empty() { "empty".into() } else { locked.join(", ") }
                    );
                }
                text
            });
        }
        Command::Alerts { follow } => {
            // Subscribe first, so that nothing raised between the two calls is missed.
            let stream = if follow {
                let request = plasma_proto::v1::StreamAlertsRequest {};
                Some(node.bridge.stream_alerts(request).await.map_err(status_error)?.into_inner())
            } else {
                None
            };
            let recent = node
                .bridge
                .alerts(plasma_proto::v1::AlertsRequest {})
                .await
                .map_err(status_error)?
                .into_inner()
                .alerts;
            if out.json && !follow {
                println!(
                    "{}",
                    serde_json::json!({"alerts": recent.iter().map(alert_json).collect::<Vec<_>>()})
                );
            } else {
                if recent.is_empty() && !out.json {
                    println!("no alerts");
                }
                for a in &recent {
                    out.show(alert_json(a), || alert_line(a));
                }
            }
            if let Some(mut stream) = stream {
                // One raised between the subscription and the history is in both: shown once.
                let shown: std::collections::HashSet<_> = recent
                    .iter()
                    .map(|a| (a.kind.clone(), a.height, a.detail.clone(), a.unix_time))
                    .collect();
                while let Some(a) = stream.message().await.map_err(status_error)? {
                    if !shown.contains(&(a.kind.clone(), a.height, a.detail.clone(), a.unix_time)) {
                        out.show(alert_json(&a), || alert_line(&a));
                    }
                }
            }
        }
        Command::Send { key, to, amount, token, no_wait } => {
            let key = load_wallet(&key)?;
            let status =
                node.node.status(StatusRequest {}).await.map_err(status_error)?.into_inner();
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
                .chain
                .submit_tx(SubmitTxRequest { tx: stx.abi_encode() })
                .await
                .map_err(status_error)?
                .into_inner()
                .tx_hash;
            println!("submitted 0x{}", hex::encode(&hash));
            if !no_wait {
                let deadline = Instant::now() + Duration::from_secs(60);
                loop {
                    match node.chain.get_tx(GetTxRequest { tx_hash: hash.clone() }).await {
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
