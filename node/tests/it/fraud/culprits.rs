//! The culprits move first: validator 0 inflates a deposit, 0, 1 and 2 certify it and the
//! chain is checkpointed over it, and before the honest watcher proves it the culprits freeze
//! the chain with a fraud of their own above it. The watcher still lowers the rollback to the
//! inflating block, and proves it under every checkpoint over it while a signer holds stake.

use super::*;
use plasma_ledger::certificate::{certify, ValidatorSet, VoteDomain};
use plasma_ledger::{CommitCertificate, FraudKind, FraudProof};
use plasma_node::config::ValidatorKeys;

/// The byzantine majority, under an honest watcher that waits long before proving on its own
/// (so the culprits go first), started and producing blocks.
struct CulpritsFirst {
    under: UnderRoot,
    keys: Vec<ValidatorKeys>,
    set: ValidatorSet,
    votes: VoteDomain,
    operators: Vec<Address>,
}

fn culprits_first() -> CulpritsFirst {
    let mut under = byzantine_majority("inflate");
    let config = under.cluster.nodes[3].home.join("config.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let patient = toml.replace("withholding_timeout_ms = 3000", "withholding_timeout_ms = 600000");
    std::fs::write(&config, patient).unwrap();
    let cluster = &under.cluster;
    let keys = cluster.validator_keys();
    let loaded = cluster.genesis.clone().check().unwrap();
    let (set, votes) = (loaded.validators.ledger().clone(), *loaded.domain.votes());
    let operators = cluster.genesis.validators.iter().map(|v| v.operator).collect();
    under.cluster.start_all();
    under.cluster.wait_height(&[0], 1, Duration::from_secs(60));
    CulpritsFirst { under, keys, set, votes, operators }
}

impl CulpritsFirst {
    /// Deposits 1 ETH to the forger, whose node inflates it a thousandfold; returns the
    /// inflating block's height and the root's checkpoint over it.
    async fn inflate(&self) -> (u64, u64) {
        let UnderRoot { dev, root, chain_id, cluster, .. } = &self.under;
        let forger = self.operators[0];
        let alice = dev.user_key(1).unwrap().address();
        root.deposit(alice, *chain_id, forger, Address::ZERO, U256::from(ETH)).await.unwrap();
        let thousand = U256::from(ETH) * U256::from(1000);
        let since = Instant::now();
        let inflated = loop {
            let outputs = outputs(cluster.nodes[0].rpc, forger).await;
            if let Some(o) = outputs.iter().find(|o| o.4 == thousand) {
                break o.0;
            }
            assert!(since.elapsed() < Duration::from_secs(60), "no inflating block");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        (inflated, checkpointed(root, *chain_id, inflated).await)
    }

    /// `header`, certified in round 0 by the validators `signers`.
    fn certified(
        &self,
        signers: &[usize],
        header: &plasma_ledger::BlockHeader,
    ) -> CommitCertificate {
        let keys: Vec<_> = signers.iter().map(|i| (*i, &self.keys[*i].bls)).collect();
        certify(&self.set, &keys, &self.votes, header, 0).unwrap()
    }

    /// The culprits' own fraud, sent to the root: two blocks 0, 1 and 2 certified at `height`.
    async fn equivocate_at(&self, height: u64) {
        use alloy_sol_types::SolValue;
        let UnderRoot { dev, root, chain_id, .. } = &self.under;
        let header = |fill| plasma_ledger::BlockHeader {
            chainId: *chain_id,
            height,
            validatorSetHash: self.set.hash(),
            nextValidatorSetHash: self.set.hash(),
            txRoot: plasma_ledger::B256::repeat_byte(fill),
            ..Default::default()
        };
        let evidence = plasma_ledger::EquivocationEvidence {
            a: self.certified(&[0, 1, 2], &header(1)),
            b: self.certified(&[0, 1, 2], &header(2)),
        };
        let proof = FraudProof {
            kind: FraudKind::Equivocation as u8,
            evidence: evidence.abi_encode().into(),
            ..Default::default()
        };
        root.prove_fraud(dev.accounts[0], *chain_id, &proof).await.unwrap();
    }
}

/// The culprits prove two blocks of their own one height above the inflating block's
/// checkpoint, which freezes the chain from there and leaves that checkpoint standing (exits
/// under it would be paid). The honest watcher judges the blocks up to the checkpoint still
/// standing and proves the inflation too: the root lowers the rollback to the inflating block.
#[test]
fn a_later_fraud_proven_first_by_the_culprits_does_not_keep_an_earlier_one_standing() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut scene = culprits_first();
    scene.under.rt.block_on(async {
        let UnderRoot { dev, root, chain_id, .. } = &scene.under;
        let (inflated, standing) = scene.inflate().await;
        let later = standing + 1;
        scene.equivocate_at(later).await;

        // The honest watcher, seeing the chain frozen from `later`, lowers the rollback to the
        // inflating block (within a poll or two: it may be done before this reads it).
        let since = Instant::now();
        while root.contract().chain(*chain_id).call().await.unwrap().rollbackHeight != inflated {
            assert!(since.elapsed() < Duration::from_secs(60), "the rollback stayed at {later}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let proven = root.frauds_proven(*chain_id, 0).await.unwrap();
        let (equivocation, inflation) = (FraudKind::Equivocation as u8, FraudKind::Inflation as u8);
        assert_eq!(
            proven,
            [(equivocation, later, dev.accounts[0]), (inflation, inflated, scene.operators[3])],
            "the culprits' proof, then the honest watcher's proof of inflation"
        );
    });
    // The root's record names node 3's operator as the prover of the inflation: what its
    // watcher logged of its submission is no more (a receipt read after the proof landed may
    // time out, and the retry reads "already proven").
    scene.under.cluster.stop_all();
}

/// Validator 3's key, leaked, joins 1 and 2 in certifying a later block of the inflating
/// history, which the root accepts as a checkpoint; then the culprits freeze the chain above
/// both. The honest watcher lowers the rollback to the inflating block, and proves it again
/// under the later checkpoint: every key that certified a history holding the inflating block
/// loses its stake, the leaked one's included.
#[test]
fn every_checkpoint_over_an_invalid_block_costs_its_signers_their_stake() {
    let _one = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut scene = culprits_first();
    scene.under.rt.block_on(async {
        use plasma_proto::v1::GetBlockRequest;
        let UnderRoot { dev, root, chain_id, cluster, .. } = &scene.under;
        let chain_id = *chain_id;
        let (inflated, standing) = scene.inflate().await;

        // 1, 2 and the leaked key of 3 certify the forger's next block after the root's latest
        // checkpoint, and the root takes it (the relayers may checkpoint first: then again).
        let url = format!("http://127.0.0.1:{}", cluster.nodes[0].rpc);
        let mut node = plasma_proto::Client::connect(url).await.unwrap();
        let since = Instant::now();
        let leaked_at = loop {
            let last = root.contract().chain(chain_id).call().await.unwrap().lastHeight;
            let res = node.chain.get_block(GetBlockRequest { height: last + 1 }).await;
            if let Ok(res) = res {
                let block = plasma_ledger::Block::decode(&res.into_inner().block).unwrap();
                let cert = scene.certified(&[1, 2, 3], &block.header);
                if root.submit_checkpoint(dev.accounts[0], &block.header, &cert).await.is_ok() {
                    break block.header.height;
                }
            }
            assert!(since.elapsed() < Duration::from_secs(60), "no later checkpoint taken");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        assert!(leaked_at > standing);
        let later = root.contract().chain(chain_id).call().await.unwrap().lastHeight + 1;
        scene.equivocate_at(later).await;

        // The honest watcher proves the inflation under the checkpoint over it, then again
        // under the leaked one.
        let inflation = FraudKind::Inflation as u8;
        let since = Instant::now();
        let proven = loop {
            let proven = root.frauds_proven(chain_id, 0).await.unwrap();
            if proven.len() >= 3 {
                break proven;
            }
            assert!(since.elapsed() < Duration::from_secs(90), "proven so far: {proven:?}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let operators = &scene.operators;
        assert_eq!(proven[1], (inflation, inflated, operators[3]), "the rollback lowered");
        let (kind, height, prover) = proven[2];
        assert_eq!((kind, prover), (inflation, operators[3]), "proven again: {proven:?}");
        assert!(height > standing && height <= leaked_at, "under the leaked checkpoint: {height}");
        let c = root.contract().chain(chain_id).call().await.unwrap();
        assert_eq!(c.rollbackHeight, inflated, "the later proof leaves the rollback where it is");
        for (i, op) in operators.iter().enumerate() {
            let stake = root.contract().stakeOf(chain_id, *op).call().await.unwrap().amount;
            assert_eq!(stake, U256::ZERO, "validator {i} signed a history holding the inflation");
        }
        // The other checkpoints over it (0, 1 and 2's alone) take nothing more: no proof lands
        // under them. Node 3's operator signed the leaked checkpoint: it earns nothing.
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(root.frauds_proven(chain_id, 0).await.unwrap().len(), 3, "no more proofs");
        assert_eq!(root.owed(operators[3], Address::ZERO).await.unwrap(), U256::ZERO);
    });
    scene.under.cluster.stop_all();
}
