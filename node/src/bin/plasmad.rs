//! `plasmad`: the plasma chain node daemon.

use clap::{Parser, Subcommand};
use eyre::{eyre, WrapErr};
use plasma_node::config::{Genesis, GenesisDeposit};
use plasma_node::daemon::{self, Home, Overrides};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "plasmad", version, about = "Plasma chain node daemon")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a node home: validator and p2p keys, default config.toml.
    Init {
        /// Node home directory.
        #[arg(long, env = "PLASMAD_HOME")]
        home: PathBuf,
        /// Node name.
        #[arg(long, default_value = "node")]
        moniker: String,
        /// p2p listen address (transaction gossip uses the next port).
        #[arg(long, default_value = "/ip4/127.0.0.1/tcp/26656")]
        listen: String,
        /// gRPC listen address.
        #[arg(long, default_value = "127.0.0.1:9090")]
        rpc: String,
    },
    /// Write a genesis for the validators of the given homes, into every one of them.
    Genesis {
        /// Chain id.
        #[arg(long)]
        chain_id: u64,
        /// EIP-155 chain id of the root.
        #[arg(long, default_value_t = 31337)]
        root_chain_id: u64,
        /// Root contract address.
        #[arg(long, default_value = "0x0000000000000000000000000000000000000000")]
        root_contract: String,
        /// The plasma chains above this one, the root's child first (none under the root):
        /// its votes name them.
        #[arg(long = "parent-chain", value_delimiter = ',')]
        parents: Vec<u64>,
        /// Validator homes (each gets the genesis; power 100 each).
        #[arg(long = "validator", required = true)]
        validators: Vec<PathBuf>,
        /// Genesis deposits, `address=amount_wei` (ETH).
        #[arg(long = "deposit")]
        deposits: Vec<String>,
    },
    /// Run the node.
    Start {
        /// Node home directory.
        #[arg(long, env = "PLASMAD_HOME")]
        home: PathBuf,
        /// Override p2p.listen.
        #[arg(long, env = "PLASMAD_P2P_LISTEN")]
        listen: Option<String>,
        /// Override p2p.peers (comma-separated multiaddrs).
        #[arg(long, env = "PLASMAD_P2P_PEERS", value_delimiter = ',')]
        peers: Option<Vec<String>>,
        /// Override moniker.
        #[arg(long, env = "PLASMAD_MONIKER")]
        moniker: Option<String>,
        /// Override rpc.listen.
        #[arg(long, env = "PLASMAD_RPC_LISTEN")]
        rpc: Option<String>,
        /// Override rpc.metrics (Prometheus listen address).
        #[arg(long, env = "PLASMAD_METRICS_LISTEN")]
        metrics: Option<String>,
        /// Override any key of config.toml, `section.key=value` (repeatable; the value in
        /// TOML syntax). The environment does the same with
        /// `PLASMAD_CFG__SECTION__KEY=value`; flags win over the environment, which wins
        /// over the file.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Serve the application on an ABCI 0.38 socket instead of running the built-in engine.
    Abci {
        /// Node home directory.
        #[arg(long, env = "PLASMAD_HOME")]
        home: PathBuf,
        /// ABCI listen address.
        #[arg(long, default_value = "127.0.0.1:26658")]
        listen: std::net::SocketAddr,
    },
}

/// Logs to stdout under `PLASMAD_LOG` (default `info,libp2p=warn,ractor=warn`); returns
/// the switch the API's `SetLogLevel` replaces the filter with.
fn init_logging() -> plasma_node::rpc::LogControl {
    use tracing_subscriber::prelude::*;
    use tracing_subscriber::{reload, EnvFilter};
    let initial =
        std::env::var("PLASMAD_LOG").unwrap_or_else(|_| "info,libp2p=warn,ractor=warn".into());
    let filter = EnvFilter::try_new(&initial).unwrap_or_else(|_| EnvFilter::new("info"));
    let (filter, handle) = reload::Layer::new(filter);
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    tracing_subscriber::registry().with(filter).with(fmt).init();
    let current = std::sync::Mutex::new(initial);
    std::sync::Arc::new(move |wanted: &str| {
        let next = EnvFilter::try_new(wanted).map_err(|e| e.to_string())?;
        handle.reload(next).map_err(|e| e.to_string())?;
        let mut current = current.lock().unwrap_or_else(|p| p.into_inner());
        Ok(std::mem::replace(&mut *current, wanted.to_string()))
    })
}

fn main() -> eyre::Result<()> {
    let log = init_logging();
    match Cli::parse().command {
        Command::Init { home, moniker, listen, rpc } => {
            daemon::init(&Home(home.clone()), &moniker, &listen, &rpc)?;
            println!("initialised {}", home.display());
            Ok(())
        }
        Command::Genesis {
            chain_id,
            root_chain_id,
            root_contract,
            parents,
            validators: homes,
            deposits,
        } => {
            let validators = homes
                .iter()
                .map(|h| daemon::genesis_validator(h, 100))
                .collect::<eyre::Result<Vec<_>>>()?;
            let deposits = deposits
                .iter()
                .map(|d| {
                    let (who, amount) = d
                        .split_once('=')
                        .ok_or_else(|| eyre!("deposit {d:?}: expected address=amount"))?;
                    Ok(GenesisDeposit {
                        recipient: who.parse().wrap_err_with(|| format!("deposit {d:?}"))?,
                        token: Default::default(),
                        amount: amount.parse().wrap_err_with(|| format!("deposit {d:?}"))?,
                    })
                })
                .collect::<eyre::Result<Vec<_>>>()?;
            let genesis = Genesis {
                chain_id,
                root_chain_id,
                root_contract: root_contract.parse().wrap_err("root contract")?,
                parents,
                validators,
                deposits,
            };
            genesis.clone().check().map_err(|e| eyre!("genesis: {e}"))?;
            for h in homes {
                genesis.save(&Home(h).genesis())?;
            }
            println!("genesis for chain {chain_id} written");
            Ok(())
        }
        Command::Start { home, listen, peers, moniker, rpc, metrics, set } => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            let overrides = Overrides { listen, peers, moniker, rpc, metrics, set };
            rt.block_on(daemon::run(Home(home), overrides, Some(log)))
        }
        Command::Abci { home, listen } => {
            let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            rt.block_on(async move {
                let app = daemon::open_app(&Home(home))?;
                println!("serving ABCI on {listen}");
                plasma_node::abci_server::serve(app, listen).await.map_err(|e| eyre!(e))
            })
        }
    }
}
