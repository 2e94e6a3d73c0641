//! Creating a chain: its validators' keys and genesis, and its registration with its parent —
//! `registerChain` and bonds on the root, or a `RegisterChild` system transaction on a plasma
//! parent.

use super::*;

impl Devnet {
    pub(super) async fn create_chain(
        &mut self,
        topology: &Topology,
        i: usize,
        spec: &ChainSpec,
        first_node: usize,
        progress: Progress<'_>,
    ) -> Result<ChainState, DevnetError> {
        let path = topology.path(i);
        let dir = self.options.dir.join("chains").join(path.trim_start_matches('/'));
        let mut nodes = Vec::with_capacity(spec.validators);
        for k in 0..spec.validators {
            let base = node_port(self.options.base_port, first_node + k);
            let node = NodeState {
                moniker: format!("{}-v{k}", spec.name),
                home: dir.join(format!("v{k}")),
                p2p: base,
                rpc: base + 2,
                metrics: base + 3,
                pid: None,
            };
            daemon::init(
                &Home(node.home.clone()),
                &node.moniker,
                &format!("/ip4/127.0.0.1/tcp/{}", node.p2p),
                &format!("127.0.0.1:{}", node.rpc),
            )
            .map_err(|e| DevnetError::Node { chain: path.clone(), reason: format!("{e:#}") })?;
            nodes.push(node);
        }
        let keys: Vec<ValidatorKeys> = nodes
            .iter()
            .map(|n| ValidatorKeys::load(&Home(n.home.clone()).validator_key()))
            .collect::<Result<_, _>>()
            .map_err(|e| DevnetError::Node { chain: path.clone(), reason: e.to_string() })?;
        let chain_id = match spec.parent {
            None => self.register_on_root(&path, spec, &keys).await?,
            Some(p) => self.register_on_plasma(&path, p, spec, &keys).await?,
        };
        let root = &self.state.root;
        let genesis = Genesis {
            chain_id,
            root_chain_id: root.chain_id,
            root_contract: root.contract,
            parents: spec.parent.map_or_else(Vec::new, |p| self.state.lineage(p)),
            validators: nodes
                .iter()
                .map(|n| daemon::genesis_validator(&n.home, POWER))
                .collect::<eyre::Result<_>>()
                .map_err(|e| DevnetError::Node { chain: path.clone(), reason: format!("{e:#}") })?,
            deposits: Vec::new(),
        };
        let node_err = |e: &dyn std::fmt::Display| DevnetError::Node {
            chain: path.clone(),
            reason: e.to_string(),
        };
        genesis.clone().check().map_err(|e| node_err(&e))?;
        let plasma = spec.parent.map(|p| {
            let chains = &self.state.chains;
            let mut ancestors = Vec::new();
            let mut above = chains[p].parent;
            while let Some(a) = above {
                ancestors.push(AncestorSection {
                    chain_id: chains[a].chain_id,
                    endpoints: chains[a].nodes.iter().map(NodeState::url).collect(),
                });
                above = chains[a].parent;
            }
            ancestors.reverse();
            PlasmaParentSection {
                chain_id: chains[p].chain_id,
                endpoints: chains[p].nodes.iter().map(NodeState::url).collect(),
                ancestors,
            }
        });
        for (k, node) in nodes.iter().enumerate() {
            let home = Home(node.home.clone());
            genesis.save(&home.genesis()).map_err(|e| node_err(&e))?;
            let mut config = NodeConfig::load(&home.config()).map_err(|e| node_err(&e))?;
            config.consensus.block_time_ms = spec.block_time_ms;
            config.rpc.metrics = Some(format!("127.0.0.1:{}", node.metrics));
            config.p2p.peers = nodes
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, n)| format!("/ip4/127.0.0.1/tcp/{}", n.p2p))
                .collect();
            config.parent = Some(ParentSection {
                rpc: root.rpc.clone(),
                confirmations: Some(0),
                start_block: root.deployed_at,
                poll_ms: 200,
                withholding_timeout_ms: 30_000,
                block_sources: nodes
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .map(|(_, n)| n.url())
                    .collect(),
                plasma: plasma.clone(),
            });
            config.save(&home.config()).map_err(|e| node_err(&e))?;
        }
        progress(&format!(
            "{path}: chain {chain_id}, {} validators, registered on {}",
            nodes.len(),
            spec.parent.map_or("the root".to_string(), |p| self.state.chains[p].path.clone())
        ));
        Ok(ChainState {
            path,
            chain_id,
            parent: spec.parent,
            epoch_length: spec.epoch_length,
            exit_period: spec.exit_period,
            nodes,
        })
    }

    /// Registers a chain on the root, bonds every validator (stake = power gwei, funded from
    /// anvil's first account) and names them its genesis configuration (as its registrant).
    pub(super) async fn register_on_root(
        &self,
        path: &str,
        spec: &ChainSpec,
        keys: &[ValidatorKeys],
    ) -> Result<u64, DevnetError> {
        let from = self.operator();
        let params = ChainParams {
            epoch_length: spec.epoch_length,
            exit_period: spec.exit_period,
            min_stake: u128::from(POWER * GWEI),
            max_validators: crate::topology::MAX_VALIDATORS as u32,
        };
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            DevnetError::Root(format!("{path}: {what}: {e}"))
        };
        let (id, _) = self
            .root
            .register_chain(from, params)
            .await
            .map_err(|e| failed("registerChain", &e))?;
        let secrets: Vec<[u8; 32]> = keys.iter().map(|k| k.operator_secret).collect();
        let url = self.state.root.rpc.parse().map_err(|e| failed("rpc url", &e))?;
        let operators = wallet_provider(url, &secrets)
            .ok_or_else(|| failed("operator keys", &"not secp256k1 keys"))?;
        let bonding = Root::at(self.root.address(), operators);
        for k in keys {
            let op = k.operator.address();
            self.fund(op, U256::from(ETH)).await?;
            bonding
                .bond(op, id, &k.bls, U256::from(POWER * GWEI))
                .await
                .map_err(|e| failed("bond", &e))?;
        }
        let genesis = keys.iter().map(|k| k.operator.address()).collect();
        self.root.propose_genesis(from, id, genesis).await.map_err(|e| failed("genesis", &e))?;
        Ok(id)
    }

    /// Registers a chain on its plasma parent by a `RegisterChild` system transaction (its
    /// validators' keys and proofs of possession); the parent names it.
    pub(super) async fn register_on_plasma(
        &self,
        path: &str,
        parent: usize,
        spec: &ChainSpec,
        keys: &[ValidatorKeys],
    ) -> Result<u64, DevnetError> {
        let registration = registration(keys, spec.epoch_length, spec.exit_period);
        let parent = &self.state.chains[parent];
        let id = child_chain_id(parent.chain_id, &registration);
        let tx = alloy_sol_types::SolValue::abi_encode(&register_child_tx(&registration));
        let failed = |e: String| DevnetError::Node { chain: path.into(), reason: e };
        let since = Instant::now();
        let mut last = String::new();
        'registered: loop {
            for node in &parent.nodes {
                let Ok(mut client) = plasma_proto::Client::connect(node.url()).await else {
                    continue;
                };
                let _ = client.chain.submit_tx(SubmitTxRequest { tx: tx.clone() }).await;
                match client.children.get_child(GetChildRequest { chain_id: id }).await {
                    Ok(_) => break 'registered,
                    Err(e) => last = e.message().to_string(),
                }
            }
            if since.elapsed() > Duration::from_secs(60) {
                return Err(failed(format!("{} never registered it: {last}", parent.path)));
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        Ok(id)
    }
}

/// What registers a chain of validators `keys` (equal power) on a plasma parent: their keys
/// with proofs of possession, and the chain's parameters.
pub fn registration(
    keys: &[ValidatorKeys],
    epoch_length: u64,
    exit_period: u64,
) -> ChildRegistration {
    let params = ChildParams {
        epochLength: epoch_length,
        exitPeriod: exit_period,
        exitBond: U256::from(CHILD_EXIT_BOND),
        // As at the root: a seat costs at least what a genesis member's power does.
        minStake: U256::from(POWER) * U256::from(plasma_ledger::children::POWER_UNIT),
    };
    let members: Vec<_> = keys.iter().map(|k| (k.operator.address(), &k.bls, POWER)).collect();
    plasma_ledger::build::child_registration(0, params, &members)
}
