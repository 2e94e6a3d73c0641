//! A chain under a fresh root contract on anvil, and what tests read from both.

use super::Cluster;
use plasma_bridge::devchain::Devchain;
use plasma_bridge::{ChainParams, Root};
use plasma_ledger::{Address, U256};
use plasma_proto::v1::GetUtxosRequest;
use std::time::{Duration, Instant};

pub const ETH: u64 = 1_000_000_000_000_000_000;

/// Alice's outputs on the child: (height, index, amount), in position order.
pub async fn coins(rpc: u16, owner: Address) -> Vec<(u64, u32, U256)> {
    let since = Instant::now();
    let mut c = loop {
        match plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await {
            Ok(c) => break c,
            Err(e) if since.elapsed() > Duration::from_secs(30) => panic!("node API: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await, // restarting
        }
    };
    let utxos =
        c.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await.unwrap().into_inner();
    let mut out: Vec<_> = utxos
        .utxos
        .iter()
        .map(|u| (u.height, u.tx_index, U256::from_be_slice(&u.amount)))
        .collect();
    out.sort();
    out
}

pub async fn wait_coins(rpc: u16, owner: Address, n: usize) -> Vec<(u64, u32, U256)> {
    let since = Instant::now();
    loop {
        let c = coins(rpc, owner).await;
        if c.len() >= n {
            return c;
        }
        assert!(since.elapsed() < Duration::from_secs(60), "{n} deposits not minted: {c:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub const GWEI: u64 = 1_000_000_000;

/// What an exit of the output created by transaction `(height, index)` shows the root: its
/// inclusion proven under the checkpointed block at `anchor`, and that block's header.
pub async fn exit_evidence(
    rpc: u16,
    height: u64,
    index: u32,
    anchor: u64,
) -> (plasma_ledger::TxInclusion, plasma_ledger::BlockHeader) {
    use alloy_sol_types::SolValue;
    use plasma_proto::v1::{GetBlockRequest, GetInclusionProofRequest};
    let mut node = plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    // The root may hold a checkpoint another validator submitted a moment before this node
    // committed the block.
    node.wait_height(anchor, Duration::from_secs(30)).await.unwrap();
    let request = GetInclusionProofRequest { height, tx_index: index, anchor_height: anchor };
    let inclusion = node.chain.get_inclusion_proof(request).await.unwrap().into_inner().inclusion;
    let block =
        node.chain.get_block(GetBlockRequest { height: anchor }).await.unwrap().into_inner();
    (
        plasma_ledger::TxInclusion::abi_decode(&inclusion).unwrap(),
        plasma_ledger::Block::abi_decode(&block.block).unwrap().header,
    )
}

/// A chain of `n` validators registered on a fresh root (epoch `epoch`, exit period
/// `exit_period` s), each bonded with its genesis key in genesis order (stake = power), the
/// genesis configuration proposed, and every node following the root (no confirmations).
pub struct UnderRoot {
    pub rt: tokio::runtime::Runtime,
    pub dev: Devchain,
    pub root: Root,
    pub chain_id: u64,
    pub cluster: Cluster,
}

pub fn under_root(n: usize, epoch: u64, exit_period: u64) -> UnderRoot {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dev = Devchain::start(4).expect("anvil (installed by scripts/setup.sh)");
    let (root, chain_id) = rt.block_on(async {
        let (root, _) =
            Root::deploy(dev.provider.clone(), U256::from(ETH / 10), U256::ZERO).await.unwrap();
        let params = ChainParams {
            epoch_length: epoch,
            exit_period,
            min_stake: u128::from(100 * GWEI),
            max_validators: 16,
        };
        let (id, _) = root.register_chain(dev.accounts[0], params).await.unwrap();
        (root, id)
    });
    let root_address = root.address().to_string();
    let cluster = Cluster::with_genesis(n, &[], chain_id, &["--root-contract", &root_address]);
    let keys: Vec<_> = cluster
        .nodes
        .iter()
        .map(|n| plasma_node::config::ValidatorKeys::load(&n.home.join("keys/validator.json")))
        .collect::<Result<_, _>>()
        .unwrap();
    rt.block_on(async {
        let secrets: Vec<[u8; 32]> = keys.iter().map(|k| k.operator_secret).collect();
        let operators =
            plasma_bridge::devchain::wallet_provider(dev.anvil.endpoint_url(), &secrets).unwrap();
        let bonding = Root::at(root.address(), operators);
        for (k, v) in keys.iter().zip(&cluster.genesis.validators) {
            let op = k.operator.address();
            assert_eq!(op, v.operator);
            dev.fund(op, U256::from(10 * ETH)).await.unwrap();
            bonding.bond(op, chain_id, &k.bls, U256::from(v.power * GWEI)).await.unwrap();
        }
        let genesis = keys.iter().map(|k| k.operator.address()).collect();
        root.propose_genesis(dev.accounts[0], chain_id, genesis).await.unwrap();
        let on_root = root.validators(chain_id, 1).await.unwrap();
        let genesis_set = cluster.genesis.clone().check().unwrap().validators;
        assert_eq!(
            plasma_ledger::certificate::ValidatorSet::new(on_root).unwrap().hash(),
            genesis_set.ledger().hash(),
            "the root's configuration is the genesis set"
        );
    });
    for node in &cluster.nodes {
        let config = node.home.join("config.toml");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str(&format!(
            "\n[parent]\nrpc = \"{}\"\nconfirmations = 0\npoll_ms = 300\n",
            dev.anvil.endpoint()
        ));
        std::fs::write(&config, text).unwrap();
    }
    UnderRoot { rt, dev, root, chain_id, cluster }
}

/// Waits until the root's latest checkpoint of `chain_id` is at least `height`; returns it.
pub async fn checkpointed(root: &Root, chain_id: u64, height: u64) -> u64 {
    let since = Instant::now();
    loop {
        let c = root.contract().chain(chain_id).call().await.unwrap();
        if c.lastHeight >= height {
            return c.lastHeight;
        }
        assert!(
            since.elapsed() < Duration::from_secs(120),
            "checkpoints stalled at height {} (waiting for {height})",
            c.lastHeight
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Alice's outputs on the child with their token: (height, index, output index, token,
/// amount), in position order.
pub async fn outputs(rpc: u16, owner: Address) -> Vec<(u64, u32, u8, Address, U256)> {
    let mut c = plasma_proto::Client::connect(format!("http://127.0.0.1:{rpc}")).await.unwrap();
    let utxos =
        c.chain.get_utxos(GetUtxosRequest { owner: owner.to_vec() }).await.unwrap().into_inner();
    let mut out: Vec<_> = utxos
        .utxos
        .iter()
        .map(|u| {
            let token = Address::from_slice(&u.token);
            (u.height, u.tx_index, u.output_index as u8, token, U256::from_be_slice(&u.amount))
        })
        .collect();
    out.sort();
    out
}

/// Waits until the root froze `chain_id`; returns its rollback height and latest checkpoint.
pub async fn frozen(root: &Root, chain_id: u64) -> (u64, u64) {
    let since = Instant::now();
    loop {
        let chain = root.contract().chain(chain_id).call().await.unwrap();
        if chain.frozen {
            return (chain.rollbackHeight, chain.lastHeight);
        }
        assert!(since.elapsed() < Duration::from_secs(180), "no fraud proof landed");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Processes the ETH exits of `chain_id` after their period; returns the owners paid, in the
/// order the root paid them.
pub async fn process_eth_exits(root: &Root, from: Address, chain_id: u64) -> Vec<Address> {
    use plasma_bridge::bindings::PlasmaRoot::ExitProcessed;
    let receipt = root.process_exits(from, chain_id, Address::ZERO, 10).await.unwrap();
    let logs = receipt.inner.inner.logs();
    logs.iter()
        .filter_map(|l| l.log_decode::<ExitProcessed>().ok())
        .map(|l| l.inner.data.owner)
        .collect()
}
