//! `plasma-devnet`: boot, inspect and stop a whole plasma tree on this machine.

use clap::{Parser, Subcommand};
use eyre::WrapErr;
use plasma_devnet::{status, Devnet, Options, State, Topology};
use std::io::{BufRead, Seek};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "plasma-devnet", version, about = "A multi-level plasma devnet on this machine")]
struct Cli {
    /// The devnet's data folder (keys, configs, chain data, logs, devnet.json).
    #[arg(long, global = true, env = "PLASMA_DEVNET_DIR", default_value = ".devnet")]
    dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Boot the tree (or restart the one `down` left) and wait until every chain has
    /// checkpointed to its parent.
    Up {
        /// Topology file (default: root → A (4 validators) → B (4) and C (3)).
        #[arg(long)]
        topology: Option<PathBuf>,
        /// First port: anvil takes it, the validators the ones from base + 10 up.
        #[arg(long, default_value_t = 15_000)]
        base_port: u16,
        /// Throw away the data a previous devnet left here and start anew.
        #[arg(long)]
        fresh: bool,
    },
    /// Draw the tree: heights, last checkpoints, frozen chains, alerts.
    Status,
    /// Print the last lines of a chain's validator logs.
    Logs {
        /// The chain: `/A/B`, `A/B` or a unique name.
        chain: String,
        /// Lines per validator.
        #[arg(long, short = 'n', default_value_t = 20)]
        lines: usize,
        /// Keep printing new lines.
        #[arg(long, short = 'f')]
        follow: bool,
    },
    /// Run a cross-chain scenario against the running devnet and print what it measured.
    Scenario {
        /// Its name (`plasma-devnet scenario list` lists them).
        name: String,
    },
    /// Stop every process the devnet started (by recorded PID, nothing else).
    Down {
        /// Remove its data too.
        #[arg(long)]
        fresh: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> eyre::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Up { topology, base_port, fresh } => {
            let started = Instant::now();
            let progress = |line: &str| {
                eprintln!("[{:>5.1} s] {line}", started.elapsed().as_secs_f64());
            };
            let options = Options { base_port, ..Options::new(&cli.dir) };
            let existing = State::load(&cli.dir)?;
            let devnet = match existing {
                Some(_) if !fresh => {
                    if topology.is_some() {
                        eyre::bail!(
                            "{} holds a devnet already; --topology applies to a new one (add --fresh)",
                            cli.dir.display()
                        );
                    }
                    progress(&format!("restarting the devnet in {}", cli.dir.display()));
                    rt.block_on(Devnet::resume(options, &progress))?
                }
                _ => {
                    let text = match &topology {
                        Some(path) => std::fs::read_to_string(path)
                            .wrap_err_with(|| format!("reading {}", path.display()))?,
                        None => plasma_devnet::topology::DEFAULT.to_string(),
                    };
                    let parsed = Topology::parse(&text)?;
                    rt.block_on(Devnet::up(&parsed, &text, options, &progress))?
                }
            };
            let chains = rt.block_on(devnet.status());
            let state = &devnet.state;
            print!("{}", status::table(&state.root.rpc, &state.root.contract.to_string(), &chains));
            let validators: usize = chains.iter().map(|c| c.validators).sum();
            let tree = devnet.options.dir.join(plasma_devnet::state::TREE_FILE);
            println!(
                "the plasma CLI names these chains by path with: export PLASMA_TREE={}",
                tree.display()
            );
            println!(
                "devnet up in {:.1} s: {} chains, {validators} validators, every chain checkpointed",
                started.elapsed().as_secs_f64(),
                chains.len()
            );
            devnet.detach();
            Ok(())
        }
        Command::Status => {
            let devnet = Devnet::open(Options::new(&cli.dir))?;
            let chains = rt.block_on(devnet.status());
            print!("{}", status::tree(&devnet.state.root.rpc, &chains));
            Ok(())
        }
        Command::Logs { chain, lines, follow } => {
            let state = State::load(&cli.dir)?
                .ok_or(plasma_devnet::DevnetError::NoDevnet(cli.dir.clone()))?;
            let i = state.find(&chain).ok_or(plasma_devnet::DevnetError::UnknownChain(chain))?;
            let nodes = &state.chains[i].nodes;
            let mut offsets = Vec::new();
            for node in nodes {
                let text = std::fs::read_to_string(node.log()).unwrap_or_default();
                let all: Vec<_> = text.lines().collect();
                println!("==> {} ({}) <==", node.moniker, node.log().display());
                for l in &all[all.len().saturating_sub(lines)..] {
                    println!("{l}");
                }
                offsets.push(text.len() as u64);
            }
            if !follow {
                return Ok(());
            }
            loop {
                std::thread::sleep(Duration::from_millis(300));
                for (node, offset) in nodes.iter().zip(&mut offsets) {
                    let Ok(mut f) = std::fs::File::open(node.log()) else { continue };
                    if f.seek(std::io::SeekFrom::Start(*offset)).is_err() {
                        continue;
                    }
                    let mut reader = std::io::BufReader::new(f);
                    let mut line = String::new();
                    while reader.read_line(&mut line).unwrap_or(0) > 0 && line.ends_with('\n') {
                        *offset += line.len() as u64;
                        print!("{}: {line}", node.moniker);
                        line.clear();
                    }
                }
            }
        }
        Command::Scenario { name } => {
            if name == "list" {
                for n in plasma_devnet::scenarios::names() {
                    println!("{n}");
                }
                for n in plasma_devnet::scenarios::fault_names() {
                    println!("{n}  (byzantine validators: `bash scripts/devnet.sh up --byzantine`; freezes the chain)");
                }
                return Ok(());
            }
            let mut devnet = Devnet::open(Options::new(&cli.dir))?;
            if !devnet.state.running() {
                eyre::bail!(
                    "the devnet in {} is stopped (start it: plasma-devnet up)",
                    cli.dir.display()
                );
            }
            let started = Instant::now();
            let progress = |line: &str| {
                eprintln!("[{:>5.1} s] {line}", started.elapsed().as_secs_f64());
            };
            let outcome =
                rt.block_on(plasma_devnet::scenarios::run(&mut devnet, &name, &progress))?;
            println!("{}: ok: {}", outcome.name, outcome.summary);
            Ok(())
        }
        Command::Down { fresh } => {
            let stopped = plasma_devnet::down(&cli.dir, fresh)?;
            println!(
                "stopped {stopped} processes{}",
                if fresh { "; data removed" } else { "; data kept for the next up" }
            );
            Ok(())
        }
    }
}
