//! Following a plasma chain as a light client: what a child (or any observer) needs to know
//! about a plasma parent without running it.
//!
//! [`LightClient`] asks its [`BlockSource`]s for the next block and believes an answer only if
//! it checks out on its own: the block extends the last verified one, its body is the one its
//! header commits to, its header names the validator set the client knows for that height, and
//! its commit certificate carries more than two thirds of that set's power in one aggregated
//! BLS signature. No source is trusted: one that answers something else is skipped (and
//! named in the log), and the next is asked. When a block adopts a new validator set
//! (`nextValidatorSetHash`), the set is taken from a [`SetSource`] — the chain's own parent,
//! which registered it — by its hash, and verifies the blocks after it.

use plasma_ledger::certificate::{ValidatorSet, VoteDomain};
use plasma_ledger::header::{check_link, check_named_set, LinkError};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::{Block, CommitCertificate, Validator, B256};
use std::time::Duration;

/// Where blocks come from: a node of the chain, or anything that claims to be one.
#[async_trait::async_trait]
pub trait BlockSource: Send + Sync {
    /// Block `height` with its commit certificate, if the source has it.
    async fn block(&self, height: u64) -> Result<Option<(Block, CommitCertificate)>, String>;
    /// A name for logs.
    fn name(&self) -> String;
}

/// Where the validator sets a chain adopts come from (its parent registered them).
#[async_trait::async_trait]
pub trait SetSource: Send + Sync {
    /// The set whose hash is `hash`, if the parent registered one.
    async fn set_with_hash(&self, hash: B256) -> Result<Option<Vec<Validator>>, String>;
}

/// How long a node of a plasma parent has to connect and to answer one call (a block, an
/// acceptance, a submission): a node that accepts and never answers fails over to the next
/// endpoint instead of holding the follower or the watcher.
pub const SOURCE_TIMEOUT: Duration = Duration::from_secs(10);

/// A node's gRPC API as a block source.
#[derive(Debug, Clone)]
pub struct GrpcSource {
    url: String,
    timeout: Duration,
}

impl GrpcSource {
    /// The node whose API listens at `url` (`http://host:port`), given [`SOURCE_TIMEOUT`].
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_timeout(url, SOURCE_TIMEOUT)
    }

    /// The node at `url`, given `timeout` to connect and to answer each block.
    pub fn with_timeout(url: impl Into<String>, timeout: Duration) -> Self {
        Self { url: url.into(), timeout }
    }
}

#[async_trait::async_trait]
impl BlockSource for GrpcSource {
    async fn block(&self, height: u64) -> Result<Option<(Block, CommitCertificate)>, String> {
        use plasma_proto::v1::GetBlockRequest;
        let mut node = plasma_proto::Client::connect_bounded(self.url.clone(), self.timeout)
            .await
            .map_err(|e| format!("{}: {e}", self.url))?;
        let res = match node.chain.get_block(GetBlockRequest { height }).await {
            Ok(r) => r.into_inner(),
            Err(s) if s.code() == tonic::Code::NotFound => return Ok(None),
            Err(s) => return Err(s.message().to_string()),
        };
        let block = Block::decode(&res.block).map_err(|e| format!("block: {e}"))?;
        let cert = plasma_ledger::types::decode(
            "CommitCertificate",
            &res.certificate,
            plasma_ledger::types::MAX_TX_BYTES,
        )
        .map_err(|e| format!("certificate: {e}"))?;
        Ok(Some((block, cert)))
    }

    fn name(&self) -> String {
        self.url.clone()
    }
}

/// Why the client could not move on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightError {
    /// Every source that answered gave a block that does not verify.
    #[error("no source gave a valid block {height}: {reasons:?}")]
    NoValidBlock {
        /// The height asked for.
        height: u64,
        /// Each refused answer: source and why.
        reasons: Vec<String>,
    },
    /// A verified block adopts a set its parent does not know.
    #[error("block {height} adopts validator set {hash}, which the parent never registered")]
    UnknownSet {
        /// The adopting block.
        height: u64,
        /// The set's hash.
        hash: B256,
    },
    /// The parent could not be asked for a set.
    #[error("asking the parent for validator set {hash}: {reason}")]
    SetSource {
        /// The set's hash.
        hash: B256,
        /// Why.
        reason: String,
    },
}

/// Why one answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Another chain, or another height.
    #[error("block is chain {chain} height {height}, {expected} of chain {chain_id} was asked")]
    Position {
        /// Its chain.
        chain: u64,
        /// Its height.
        height: u64,
        /// The height asked.
        expected: u64,
        /// The chain asked.
        chain_id: u64,
    },
    /// It does not extend the last verified block.
    #[error("block does not extend the verified head")]
    Parent,
    /// Its body is not the one its header commits to.
    #[error("transactions are not the header's")]
    Body,
    /// Its header names another validator set than the one known for its height.
    #[error("header names validator set {0}, not the known one")]
    Set(B256),
    /// The certificate is for another block.
    #[error("certificate is for another block")]
    CertificateMismatch,
    /// The certificate does not verify against the set.
    #[error("certificate: {0}")]
    Certificate(String),
}

/// A verified view of a plasma chain's blocks.
pub struct LightClient {
    chain_id: u64,
    votes: VoteDomain,
    set: ValidatorSet,
    head: (u64, B256),
    sources: Vec<Box<dyn BlockSource>>,
    sets: Box<dyn SetSource>,
}

impl LightClient {
    /// A client of the chain of `domain` from its genesis, certified by `genesis`.
    pub fn new(
        domain: &SigningDomain,
        genesis: ValidatorSet,
        sources: Vec<Box<dyn BlockSource>>,
        sets: Box<dyn SetSource>,
    ) -> Self {
        let (chain_id, votes) = (domain.chain_id, *domain.votes());
        Self { chain_id, votes, set: genesis, head: (0, B256::ZERO), sources, sets }
    }

    /// The last verified block: (height, hash).
    pub fn head(&self) -> (u64, B256) {
        self.head
    }

    /// The validator set that certifies the next block.
    pub fn validators(&self) -> &ValidatorSet {
        &self.set
    }

    /// Checks an answer for the next block against what the client knows.
    pub fn verify(&self, block: &Block, cert: &CommitCertificate) -> Result<(), Refused> {
        let h = &block.header;
        let expected = self.head.0 + 1;
        let position = Refused::Position {
            chain: h.chainId,
            height: h.height,
            expected,
            chain_id: self.chain_id,
        };
        if h.chainId != self.chain_id {
            return Err(position);
        }
        check_link(block, self.head.0, self.head.1).map_err(|e| match e {
            LinkError::Height { .. } => position,
            LinkError::Parent { .. } => Refused::Parent,
            LinkError::Body(_) => Refused::Body,
        })?;
        check_named_set(h, self.set.hash()).map_err(|_| Refused::Set(h.validatorSetHash))?;
        if cert.height != h.height || cert.blockHash != h.hash() {
            return Err(Refused::CertificateMismatch);
        }
        self.set
            .verify_certificate(&self.votes, cert)
            .map_err(|e| Refused::Certificate(e.to_string()))?;
        Ok(())
    }

    /// The next block, verified, or `None` if no source has it yet. Sources are asked in
    /// order; a wrong answer is logged and the next source asked.
    pub async fn next(&mut self) -> Result<Option<Block>, LightError> {
        let height = self.head.0 + 1;
        let mut reasons = Vec::new();
        for source in &self.sources {
            let answer = match source.block(height).await {
                Ok(Some(answer)) => answer,
                Ok(None) => continue,
                Err(e) => {
                    tracing::debug!(source = %source.name(), height, error = %e, "block source unreachable");
                    continue;
                }
            };
            match self.verify(&answer.0, &answer.1) {
                Ok(()) => {
                    let block = answer.0;
                    self.adopt(&block).await?;
                    self.head = (height, block.header.hash());
                    return Ok(Some(block));
                }
                Err(why) => {
                    tracing::warn!(source = %source.name(), height, %why, "block source answered a block that does not verify");
                    reasons.push(format!("{}: {why}", source.name()));
                }
            }
        }
        if reasons.is_empty() {
            Ok(None)
        } else {
            Err(LightError::NoValidBlock { height, reasons })
        }
    }

    /// Takes on the set a verified block adopts for the blocks after it.
    async fn adopt(&mut self, block: &Block) -> Result<(), LightError> {
        let (next, height) = (block.header.nextValidatorSetHash, block.header.height);
        if next == self.set.hash() {
            return Ok(());
        }
        let members = self
            .sets
            .set_with_hash(next)
            .await
            .map_err(|reason| LightError::SetSource { hash: next, reason })?
            .ok_or(LightError::UnknownSet { height, hash: next })?;
        let set = ValidatorSet::new(members)
            .map_err(|e| LightError::SetSource { hash: next, reason: e.to_string() })?;
        if set.hash() != next {
            return Err(LightError::SetSource {
                hash: next,
                reason: "the parent answered another set".into(),
            });
        }
        self.set = set;
        Ok(())
    }
}

/// The root contract as the source of a chain's validator sets: every configuration it
/// numbered for the chain, looked up by hash.
#[async_trait::async_trait]
impl SetSource for (crate::EthereumParent, u64) {
    async fn set_with_hash(&self, hash: B256) -> Result<Option<Vec<Validator>>, String> {
        use crate::ParentReader;
        let (parent, chain_id) = self;
        let state = parent.chain_state(*chain_id).await.map_err(|e| e.to_string())?;
        for id in (1..=state.configurations).rev() {
            if let Some(set) =
                parent.configuration(*chain_id, id).await.map_err(|e| e.to_string())?
            {
                if Validator::set_hash(&set) == hash {
                    return Ok(Some(set));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_ledger::bls::BlsSecretKey;
    use plasma_ledger::certificate::certify;
    use plasma_ledger::testkit::TestChain;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// A committee of `n` with keys from `seed`.
    fn committee(n: usize, seed: u8) -> (Vec<BlsSecretKey>, ValidatorSet) {
        let keys: Vec<_> = (0..n).map(|i| BlsSecretKey::from_seed(&[seed, i as u8])).collect();
        let members = keys
            .iter()
            .enumerate()
            .map(|(i, k)| Validator {
                operator: plasma_ledger::Address::with_last_byte(seed.wrapping_add(i as u8)),
                blsPubkey: k.public_key().to_eip2537().to_vec().into(),
                power: 10,
            })
            .collect();
        (keys, ValidatorSet::new(members).unwrap())
    }

    /// Blocks with certificates, answered from a map; `None` past its end.
    struct Fixed(String, HashMap<u64, (Block, CommitCertificate)>);

    #[async_trait::async_trait]
    impl BlockSource for Fixed {
        async fn block(&self, height: u64) -> Result<Option<(Block, CommitCertificate)>, String> {
            Ok(self.1.get(&height).cloned())
        }
        fn name(&self) -> String {
            self.0.clone()
        }
    }

    struct Sets(Mutex<Vec<Vec<Validator>>>);

    #[async_trait::async_trait]
    impl SetSource for Sets {
        async fn set_with_hash(&self, hash: B256) -> Result<Option<Vec<Validator>>, String> {
            let sets = self.0.lock().unwrap();
            Ok(sets.iter().find(|s| Validator::set_hash(s) == hash).cloned())
        }
    }

    /// Six empty blocks certified by `a`; block 3 adopts `b`, which certifies 4..=6.
    #[allow(clippy::type_complexity)]
    fn chain_with_change(
    ) -> (TestChain, HashMap<u64, (Block, CommitCertificate)>, ValidatorSet, ValidatorSet) {
        let (a_keys, a) = committee(4, 1);
        let (b_keys, b) = committee(5, 2);
        let mut chain = TestChain::with_domain(plasma_ledger::testkit::domain(), a.hash());
        let mut certified = HashMap::new();
        for h in 1..=6u64 {
            let (set, keys) = if h <= 3 { (&a, &a_keys) } else { (&b, &b_keys) };
            chain.validator_set_hash = set.hash();
            chain.next_validator_set_hash = if h == 3 { b.hash() } else { set.hash() };
            let (block, _) = chain.commit(Vec::new());
            let signers: Vec<_> = keys.iter().enumerate().collect();
            let cert = certify(set, &signers, chain.domain.votes(), &block.header, 0).unwrap();
            certified.insert(h, (block, cert));
        }
        (chain, certified, a, b)
    }

    #[tokio::test]
    async fn follows_across_a_set_change_and_skips_a_liar() {
        let (chain, honest, a, b) = chain_with_change();
        // The liar answers block 5 with a block of its own, certified by keys that are not
        // the set's (a forged certificate naming all five members).
        let mut lies = honest.clone();
        let (forger_keys, _) = committee(5, 9);
        let mut forged = honest[&5].0.clone();
        forged.header.timestamp += 1;
        let signers: Vec<_> = forger_keys.iter().enumerate().collect();
        let cert = certify(&b, &signers, chain.domain.votes(), &forged.header, 0).unwrap();
        lies.insert(5, (forged, cert));
        let sources: Vec<Box<dyn BlockSource>> = vec![
            Box::new(Fixed("liar".into(), lies)),
            Box::new(Fixed("honest".into(), honest.clone())),
        ];
        let sets = Sets(Mutex::new(vec![b.validators().to_vec()]));
        let mut client = LightClient::new(&chain.domain, a, sources, Box::new(sets));
        for h in 1..=6 {
            let block = client.next().await.unwrap().expect("a block");
            assert_eq!(block.header.hash(), honest[&h].0.header.hash(), "block {h}");
        }
        assert_eq!(client.validators().hash(), b.hash(), "the adopted set verifies after 3");
        assert_eq!(client.next().await.unwrap(), None, "nothing past the tip yet");
    }

    #[tokio::test]
    async fn refuses_what_does_not_verify() {
        let (chain, honest, a, b) = chain_with_change();
        let client = |sets: Vec<Vec<Validator>>,
                      answers: HashMap<u64, (Block, CommitCertificate)>| {
            let sources: Vec<Box<dyn BlockSource>> = vec![Box::new(Fixed("one".into(), answers))];
            LightClient::new(&chain.domain, a.clone(), sources, Box::new(Sets(Mutex::new(sets))))
        };
        // A certificate with too little power (two of four).
        let (a_keys, _) = committee(4, 1);
        let mut weak = honest.clone();
        let two: Vec<_> = a_keys.iter().enumerate().take(2).collect();
        weak.get_mut(&1).unwrap().1 =
            certify(&a, &two, chain.domain.votes(), &honest[&1].0.header, 0).unwrap();
        let err = client(vec![], weak).next().await.unwrap_err();
        assert!(matches!(err, LightError::NoValidBlock { height: 1, .. }), "{err}");
        // A body swapped under its header.
        let mut swapped = honest.clone();
        swapped
            .get_mut(&1)
            .unwrap()
            .0
            .transactions
            .push(plasma_ledger::build::deposit_transaction(&Default::default()));
        let err = client(vec![], swapped).next().await.unwrap_err();
        assert!(format!("{err}").contains("transactions are not the header's"), "{err}");
        // A set change the parent never registered stops the client at the adopting block.
        let mut c = client(vec![], honest.clone());
        c.next().await.unwrap();
        c.next().await.unwrap();
        let err = c.next().await.unwrap_err();
        assert_eq!(err, LightError::UnknownSet { height: 3, hash: b.hash() });
    }

    #[tokio::test]
    async fn a_node_that_accepts_and_never_answers_fails_over_instead_of_holding_the_follower() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // Accepts every connection and keeps it open, silent.
        let silent = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let source = GrpcSource::with_timeout(url, Duration::from_millis(300));
        let asked = tokio::time::timeout(Duration::from_secs(5), source.block(1)).await;
        silent.abort();
        let answer = asked.expect("the source gave up on its own");
        assert!(answer.is_err(), "a silent node is no answer: {answer:?}");
    }
}
