//! `plasma send`: a transfer on this chain, with change back to the sender.

use crate::rpc;
use alloy_primitives::hex;
use alloy_sol_types::SolValue;
use eyre::bail;
use plasma_client::keys::load_wallet;
use plasma_client::{convert, Error};
use plasma_ledger::{build, Address, Output, U256};
use plasma_proto::v1::{GetTxRequest, SubmitTxRequest};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub(crate) struct Args {
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
}

/// Signs and submits the transfer, then waits until it is committed (unless `--no-wait`).
pub(crate) async fn run(args: Args, node: &mut plasma_proto::Client) -> eyre::Result<()> {
    let Args { key, to, amount, token, no_wait } = args;
    let key = load_wallet(&key)?;
    let domain = convert::signing_domain(&rpc::status(node).await?)?;
    let coins = rpc::coins(node, key.address()).await?;
    let mut inputs = Vec::new();
    let mut have = U256::ZERO;
    for c in coins.into_iter().filter(|c| c.token == token) {
        if have >= amount || inputs.len() == plasma_ledger::MAX_INPUTS {
            break;
        }
        have = have.saturating_add(c.amount);
        inputs.push(c.pos);
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
    let inputs: Vec<_> = inputs.into_iter().map(|pos| (pos, &key)).collect();
    let stx = build::transfer(&domain, &inputs, outputs);
    let hash = node
        .chain
        .submit_tx(SubmitTxRequest { tx: stx.abi_encode() })
        .await
        .map_err(Error::from)?
        .into_inner()
        .tx_hash;
    println!("submitted 0x{}", hex::encode(&hash));
    if no_wait {
        return Ok(());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match node.chain.get_tx(GetTxRequest { tx_hash: hash.clone() }).await {
            Ok(r) => {
                let r = r.into_inner();
                println!("committed in block {} (index {})", r.height, r.index);
                return Ok(());
            }
            Err(s) if s.code() == tonic::Code::NotFound && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(s) => bail!("waiting for the transaction: {}", s.message()),
        }
    }
}
