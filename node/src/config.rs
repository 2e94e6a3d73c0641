//! Files a node is set up with: its TOML config, its keys and its chain's genesis.
//!
//! A node home holds `config.toml`, `genesis.json`, `keys/validator.json` (BLS key material,
//! operator key, proof of possession), `keys/p2p.json` (ed25519 identity) and `data/`
//! (store and consensus WAL). Every input is checked on load and refused with the file and
//! the reason.

use alloy_primitives::hex;
use plasma_consensus::ValidatorSet;
use plasma_ledger::bls::{BlsPublicKey, BlsSignature};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::{Address, DepositRecord, Validator, U256};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

/// Why a node's files could not be used (the client's file errors: the key files are the
/// client's too).
pub use plasma_client::keys::FileError as ConfigError;
pub use plasma_client::keys::{write, P2pKeyFile, ValidatorKeyFile, ValidatorKeys};

use plasma_client::keys::read;

/// Sets `dotted.key=value` in `table`, creating sections as needed.
fn apply_override(table: &mut toml::Table, o: &str) -> Result<(), String> {
    let (key, value) = o.split_once('=').ok_or("expected key=value")?;
    let path: Vec<&str> = key.trim().split('.').collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(format!("{key:?} is not a dotted key"));
    }
    let value = value.trim();
    let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()));
    let (last, sections) = path.split_last().expect("split yields one part");
    let mut at = table;
    for (i, section) in sections.iter().enumerate() {
        let entry =
            at.entry(section.to_string()).or_insert_with(|| toml::Value::Table(Default::default()));
        at = entry
            .as_table_mut()
            .ok_or_else(|| format!("{} is not a section", path[..=i].join(".")))?;
    }
    at.insert(last.to_string(), value);
    Ok(())
}

/// Overrides from the environment: `PLASMAD_CFG__<SECTION>__<KEY>=value` sets
/// `section.key` (lower-cased), e.g. `PLASMAD_CFG__CONSENSUS__BLOCK_TIME_MS=250`.
pub fn env_overrides(vars: impl IntoIterator<Item = (String, String)>) -> Vec<String> {
    let mut out: Vec<String> = vars
        .into_iter()
        .filter_map(|(k, v)| {
            let key = k.strip_prefix("PLASMAD_CFG__")?;
            Some(format!("{}={v}", key.split("__").collect::<Vec<_>>().join(".").to_lowercase()))
        })
        .collect();
    out.sort();
    out
}

/// `config.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Human-readable node name (logs, peers).
    pub moniker: String,
    /// Peer-to-peer settings.
    pub p2p: P2pSection,
    /// Consensus settings.
    #[serde(default)]
    pub consensus: ConsensusSection,
    /// gRPC API settings.
    pub rpc: RpcSection,
    /// The parent chain this chain's deposits come from; none for a standalone chain
    /// (genesis deposits only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ParentSection>,
    /// Fault injection (builds with the `byzantine` feature only).
    #[cfg(feature = "byzantine")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byzantine: Option<ByzantineSection>,
}

/// `[byzantine]`: faults this node commits on purpose, for tests (`byzantine` feature only).
#[cfg(feature = "byzantine")]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ByzantineSection {
    /// Propose blocks that mint value from a deposit the parent never recorded; honest
    /// validators must refuse them.
    #[serde(default)]
    pub invalid_proposals: bool,
    /// Propose valid blocks whose deposit range ends at the last nonce, passing over every
    /// deposit to come; honest validators must vote against them.
    #[serde(default)]
    pub pass_over_deposits: bool,
    /// As proposer, spend every deposit minted to this validator's operator address in a
    /// transfer that pays the operator a thousand times the amount (inflation).
    #[serde(default)]
    pub inflate: bool,
    /// As proposer, spend every deposit minted to this validator's operator address twice in
    /// one block, each transfer paying the operator the full amount (a double spend).
    #[serde(default)]
    pub double_spend: bool,
    /// As proposer, spend every deposit minted to this validator's operator address in a
    /// stake whose payload does not decode, paying the operator a thousand times the amount
    /// (value minted where no one can read what the stake locks: a malformed transaction).
    #[serde(default)]
    pub malformed_stake: bool,
    /// As proposer, include a checkpoint of this chain's first registered child (before its
    /// first) naming a set of one key this validator holds, certified by it: what a quorum
    /// would do to pay itself exits from the child's escrow (a checkpoint succession fraud).
    #[serde(default)]
    pub own_set_checkpoint: bool,
    /// Vote for and commit blocks the ledger refuses (with other byzantine validators
    /// holding two thirds of the power, they are finalized).
    #[serde(default)]
    pub certify_invalid: bool,
    /// The engine's own faults (Malachite's byzantine network proxy): `equivocate_votes`,
    /// `drop_proposals`, …
    #[serde(flatten)]
    pub engine: malachitebft_engine_byzantine::ByzantineConfig,
}

/// `[parent]`: the root contract on Ethereum (its address is the genesis
/// `root_contract`, the chain id the genesis `chain_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentSection {
    /// JSON-RPC endpoint of an Ethereum node, e.g. `http://127.0.0.1:8545`.
    pub rpc: String,
    /// Parent blocks a deposit waits under the latest; absent: wait for the `finalized` tag.
    #[serde(default)]
    pub confirmations: Option<u64>,
    /// The root contract's deployment block (deposits are searched from there on).
    #[serde(default)]
    pub start_block: u64,
    /// How often to ask the parent (ms).
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
    /// How long the block of a checkpoint may stay out of this node's reach before the
    /// watcher raises `block_withholding` (ms).
    #[serde(default = "default_withholding_ms")]
    pub withholding_timeout_ms: u64,
    /// gRPC endpoints (`http://host:port`) of other nodes of this chain. When this node
    /// stays behind the parent's latest checkpoint for `withholding_timeout_ms`, the watcher
    /// fetches the blocks up to it from them, judges them and proves fraud to the parent.
    #[serde(default)]
    pub block_sources: Vec<String>,
    /// Present when the parent is a plasma chain (itself a child of the root at `rpc`,
    /// which registered its validator sets): deposits and checkpoints then go through it.
    #[serde(default)]
    pub plasma: Option<PlasmaParentSection>,
}

/// `[parent.plasma]`: a plasma chain as the parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlasmaParentSection {
    /// The parent chain's id (a string when above TOML's integers: a plasma parent names its
    /// children with the top bit set).
    #[serde(with = "chain_id_toml")]
    pub chain_id: u64,
    /// gRPC endpoints (`http://host:port`) of the parent's nodes. Their answers are verified
    /// (commit certificates), never believed; one honest endpoint is enough.
    pub endpoints: Vec<String>,
    /// When the parent is itself under a plasma chain: the chains between the root and the
    /// parent, the root's child first (`[[parent.plasma.ancestors]]`). Each is followed as a
    /// light client to learn the validator sets of the one below it, down to the parent's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ancestors: Vec<AncestorSection>,
}

/// `[[parent.plasma.ancestors]]`: a plasma chain above the parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AncestorSection {
    /// Its chain id (a string when above TOML's integers).
    #[serde(with = "chain_id_toml")]
    pub chain_id: u64,
    /// gRPC endpoints of its nodes (verified, never believed).
    pub endpoints: Vec<String>,
}

/// A chain id in TOML, whose integers are signed 64-bit: an integer when it fits, else a
/// decimal string (ids a plasma parent assigns have the top bit set). Both read back.
mod chain_id_toml {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(id: &u64, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(*id) {
            Ok(small) => s.serialize_i64(small),
            Err(_) => s.serialize_str(&id.to_string()),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Id {
            Number(u64),
            Text(String),
        }
        match Id::deserialize(d)? {
            Id::Number(n) => Ok(n),
            Id::Text(t) => t.parse().map_err(|_| {
                serde::de::Error::custom(format!("chain id {t:?} is not a 64-bit unsigned integer"))
            }),
        }
    }
}

fn default_withholding_ms() -> u64 {
    30_000
}

fn default_poll_ms() -> u64 {
    1000
}

impl ParentSection {
    /// The finality rule this section names.
    pub fn finality(&self) -> plasma_bridge::Finality {
        match self.confirmations {
            Some(n) => plasma_bridge::Finality::Confirmations(n),
            None => plasma_bridge::Finality::Finalized,
        }
    }
}

/// `[rpc]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpcSection {
    /// gRPC listen address (loopback unless told otherwise).
    pub listen: String,
    /// Bearer token of admin calls. Empty disables them.
    pub admin_token: String,
    /// Prometheus metrics listen address (`GET /metrics`); none when absent.
    #[serde(default)]
    pub metrics: Option<String>,
}

/// `[p2p]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct P2pSection {
    /// Listen address (multiaddr), e.g. `/ip4/127.0.0.1/tcp/26656`.
    pub listen: String,
    /// Persistent peers (multiaddrs).
    #[serde(default)]
    pub peers: Vec<String>,
    /// Transaction gossip listen address; default: the consensus address, port + 1.
    #[serde(default)]
    pub tx_listen: Option<String>,
}

/// `[consensus]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusSection {
    /// Propose timeout of round 0 (ms); later rounds add `timeout_delta_ms` each.
    pub propose_timeout_ms: u64,
    /// Prevote and precommit timeouts of round 0 (ms).
    pub vote_timeout_ms: u64,
    /// Added per round to every timeout (ms).
    pub timeout_delta_ms: u64,
    /// Largest block, in bytes of its encoding.
    pub max_block_bytes: usize,
    /// Bytes per proposal part.
    pub part_bytes: usize,
    /// Least time per block (ms): the block interval under light load, and how long late
    /// precommits may still join a block's certificate.
    pub block_time_ms: u64,
}

impl Default for ConsensusSection {
    fn default() -> Self {
        Self {
            propose_timeout_ms: 2000,
            vote_timeout_ms: 1000,
            timeout_delta_ms: 500,
            max_block_bytes: 4 << 20,
            part_bytes: 64 << 10,
            block_time_ms: 1000,
        }
    }
}

impl ConsensusSection {
    /// The engine's timeouts.
    pub fn timeouts(&self) -> plasma_consensus::engine::app::types::core::LinearTimeouts {
        let ms = Duration::from_millis;
        let propose = ms(self.propose_timeout_ms);
        let vote = ms(self.vote_timeout_ms);
        plasma_consensus::engine::app::types::core::LinearTimeouts {
            propose,
            propose_delta: ms(self.timeout_delta_ms),
            prevote: vote,
            prevote_delta: ms(self.timeout_delta_ms),
            precommit: vote,
            precommit_delta: ms(self.timeout_delta_ms),
            rebroadcast: propose + vote + vote,
            max_timeout: Duration::from_secs(30),
        }
    }
}

impl NodeConfig {
    /// Loads and checks `config.toml`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        Self::load_with(path, &[])
    }

    /// Loads `config.toml` with `overrides` applied, each `dotted.key=value` (the value in
    /// TOML syntax — `250`, `true`, `["/ip4/…"]` — or else taken as a string). Any key of the
    /// file can be overridden; an unknown key or a value of the wrong type is an error that
    /// names it.
    pub fn load_with(path: &Path, overrides: &[String]) -> Result<Self, ConfigError> {
        let mut table: toml::Table =
            toml::from_str(&read(path)?).map_err(|e| ConfigError::invalid(path, e))?;
        for o in overrides {
            apply_override(&mut table, o)
                .map_err(|e| ConfigError::invalid(path, format!("override {o:?}: {e}")))?;
        }
        // Through text, so that an error shows the offending line and key.
        let text = toml::to_string(&table).map_err(|e| ConfigError::invalid(path, e))?;
        let cfg: Self = toml::from_str(&text).map_err(|e| ConfigError::invalid(path, e))?;
        cfg.check(path)
    }

    fn check(self, path: &Path) -> Result<Self, ConfigError> {
        let cfg = self;
        cfg.p2p
            .listen
            .parse::<plasma_consensus::engine::app::engine::network::Multiaddr>()
            .map_err(|e| ConfigError::invalid(path, format!("p2p.listen: {e}")))?;
        for p in &cfg.p2p.peers {
            p.parse::<plasma_consensus::engine::app::engine::network::Multiaddr>()
                .map_err(|e| ConfigError::invalid(path, format!("p2p.peers: {p:?}: {e}")))?;
        }
        cfg.rpc
            .listen
            .parse::<std::net::SocketAddr>()
            .map_err(|e| ConfigError::invalid(path, format!("rpc.listen: {e}")))?;
        if let Some(p) = &cfg.parent {
            if !(p.rpc.starts_with("http://") || p.rpc.starts_with("https://")) {
                return Err(ConfigError::invalid(
                    path,
                    format!("parent.rpc {:?} is not an http(s) URL", p.rpc),
                ));
            }
            if p.poll_ms == 0 {
                return Err(ConfigError::invalid(path, "parent.poll_ms must be positive"));
            }
        }
        let c = &cfg.consensus;
        if c.propose_timeout_ms == 0 || c.vote_timeout_ms == 0 {
            return Err(ConfigError::invalid(path, "consensus timeouts must be positive"));
        }
        if c.part_bytes == 0 || c.max_block_bytes < 1024 {
            return Err(ConfigError::invalid(
                path,
                "consensus.part_bytes must be positive and max_block_bytes at least 1024",
            ));
        }
        Ok(cfg)
    }

    /// Writes `config.toml`.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        write(path, &toml::to_string_pretty(self).map_err(|e| ConfigError::invalid(path, e))?)
    }
}

/// One genesis validator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    /// Operator address.
    pub operator: Address,
    /// BLS public key, EIP-2537 G2, hex.
    pub bls_pubkey: String,
    /// Proof of possession, EIP-2537 G1, hex.
    pub pop: String,
    /// Voting power (stake).
    pub power: u64,
}

/// A genesis allocation: a parent deposit minted in the chain's first blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisDeposit {
    /// Who receives it.
    pub recipient: Address,
    /// Asset (root token address; zero is ETH).
    #[serde(default)]
    pub token: Address,
    /// Amount (wei).
    pub amount: U256,
}

/// `genesis.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// This chain's id.
    pub chain_id: u64,
    /// EIP-155 chain id of the root.
    pub root_chain_id: u64,
    /// Root contract address.
    pub root_contract: Address,
    /// The plasma chains above this one, the root's child first; none when the root contract
    /// is its parent. The chain's votes name them, the root and its L1
    /// ([`plasma_ledger::certificate::VoteDomain`]): a vote counts on this chain alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parents: Vec<u64>,
    /// Validators, in bitmap order.
    pub validators: Vec<GenesisValidator>,
    /// Deposits recorded before the chain starts.
    #[serde(default)]
    pub deposits: Vec<GenesisDeposit>,
}

/// A genesis, checked.
#[derive(Debug, Clone)]
pub struct LoadedGenesis {
    /// As written.
    pub genesis: Genesis,
    /// Signing domain of the chain's transactions.
    pub domain: SigningDomain,
    /// Validator set (proofs of possession verified).
    pub validators: ValidatorSet,
}

impl Genesis {
    /// Loads and checks a genesis file.
    pub fn load(path: &Path) -> Result<LoadedGenesis, ConfigError> {
        let genesis: Genesis =
            serde_json::from_str(&read(path)?).map_err(|e| ConfigError::invalid(path, e))?;
        genesis.check().map_err(|e| ConfigError::invalid(path, e))
    }

    /// Checks the genesis: no chain twice among the chain and its parents, keys decode,
    /// proofs of possession verify, the set is valid.
    pub fn check(self) -> Result<LoadedGenesis, String> {
        let mut lineage = self.parents.clone();
        lineage.push(self.chain_id);
        lineage.sort_unstable();
        if lineage.windows(2).any(|w| w[0] == w[1]) {
            return Err(format!(
                "parents {:?} name a chain twice, or chain {} itself",
                self.parents, self.chain_id
            ));
        }
        let mut validators = Vec::with_capacity(self.validators.len());
        let mut pops = Vec::with_capacity(self.validators.len());
        for (i, v) in self.validators.iter().enumerate() {
            let key =
                hex::decode(&v.bls_pubkey).map_err(|e| format!("validator {i} bls_pubkey: {e}"))?;
            BlsPublicKey::from_eip2537(&key)
                .map_err(|e| format!("validator {i} bls_pubkey: {e}"))?;
            let pop = hex::decode(&v.pop).map_err(|e| format!("validator {i} pop: {e}"))?;
            pops.push(
                BlsSignature::from_eip2537(&pop).map_err(|e| format!("validator {i} pop: {e}"))?,
            );
            validators.push(Validator {
                operator: v.operator,
                blsPubkey: key.into(),
                power: v.power,
            });
        }
        let set = ValidatorSet::new(validators, &pops).map_err(|e| e.to_string())?;
        let domain = SigningDomain::under(
            &self.parents,
            self.chain_id,
            self.root_chain_id,
            self.root_contract,
        );
        Ok(LoadedGenesis { genesis: self, domain, validators: set })
    }

    /// The genesis deposits as parent deposit records (nonces 0, 1, …).
    pub fn deposit_records(&self) -> Vec<DepositRecord> {
        self.deposits
            .iter()
            .enumerate()
            .map(|(nonce, d)| DepositRecord {
                chainId: self.chain_id,
                nonce: nonce as u64,
                depositor: Address::ZERO,
                recipient: d.recipient,
                token: d.token,
                amount: d.amount,
            })
            .collect()
    }

    /// Writes `genesis.json`.
    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        write(path, &serde_json::to_string_pretty(self).map_err(|e| ConfigError::invalid(path, e))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn home() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let cfg = NodeConfig {
            moniker: "v0".into(),
            p2p: P2pSection {
                listen: "/ip4/127.0.0.1/tcp/26656".into(),
                peers: vec![],
                tx_listen: None,
            },
            consensus: Default::default(),
            rpc: RpcSection {
                listen: "127.0.0.1:9090".into(),
                admin_token: "t".into(),
                metrics: None,
            },
            parent: None,
            #[cfg(feature = "byzantine")]
            byzantine: None,
        };
        cfg.save(&path).unwrap();
        (dir, path)
    }

    #[test]
    fn any_key_can_be_overridden() {
        let (_dir, path) = home();
        let sets = [
            "consensus.block_time_ms=250",
            "consensus.vote_timeout_ms = 700",
            "p2p.peers=[\"/ip4/127.0.0.1/tcp/1\", \"/ip4/127.0.0.1/tcp/2\"]",
            "rpc.admin_token=s3cret",
            "moniker=renamed",
        ]
        .map(String::from);
        let cfg = NodeConfig::load_with(&path, &sets).unwrap();
        assert_eq!(cfg.consensus.block_time_ms, 250);
        assert_eq!(cfg.consensus.vote_timeout_ms, 700);
        assert_eq!(cfg.p2p.peers.len(), 2);
        assert_eq!(cfg.rpc.admin_token, "s3cret");
        assert_eq!(cfg.moniker, "renamed");
        let untouched = NodeConfig::load(&path).unwrap();
        assert_eq!(cfg.consensus.propose_timeout_ms, untouched.consensus.propose_timeout_ms);
    }

    #[test]
    fn bad_overrides_name_the_key() {
        let (_dir, path) = home();
        let err = |o: &str| NodeConfig::load_with(&path, &[o.to_string()]).unwrap_err().to_string();
        assert!(
            err("consensus.blok_time_ms=1").contains("blok_time_ms"),
            "{}",
            err("consensus.blok_time_ms=1")
        );
        assert!(err("consensus.block_time_ms=soon").contains("block_time_ms"));
        assert!(err("moniker.x=1").contains("moniker is not a section"));
        assert!(err("no-equals-sign").contains("expected key=value"));
        assert!(err("consensus..x=1").contains("not a dotted key"));
        assert!(err("consensus.vote_timeout_ms=0").contains("timeouts must be positive"));
        assert!(err("rpc.listen=nowhere").contains("rpc.listen"));
    }

    #[test]
    fn chain_ids_above_tomls_integers_round_trip_as_strings() {
        let (_dir, path) = home();
        let mut cfg = NodeConfig::load(&path).unwrap();
        let deep = PlasmaParentSection {
            chain_id: (1 << 63) | 12_345,
            endpoints: vec!["http://127.0.0.1:9090".into()],
            ancestors: vec![AncestorSection { chain_id: 7, endpoints: vec![] }],
        };
        cfg.parent = Some(ParentSection {
            rpc: "http://127.0.0.1:8545".into(),
            confirmations: Some(0),
            start_block: 0,
            poll_ms: 500,
            withholding_timeout_ms: 30_000,
            block_sources: vec![],
            plasma: Some(deep.clone()),
        });
        cfg.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("chain_id = \"9223372036854788153\""), "{text}");
        assert!(text.contains("chain_id = 7"), "small ids stay integers: {text}");
        let back = NodeConfig::load(&path).unwrap();
        assert_eq!(back.parent.unwrap().plasma.unwrap(), deep);
        let bad = "chain_id = \"seven\"";
        let err = NodeConfig::load_with(&path, &[format!("parent.plasma.{bad}")]).unwrap_err();
        assert!(err.to_string().contains("not a 64-bit unsigned integer"), "{err}");
    }

    #[test]
    fn a_genesis_naming_a_chain_twice_in_its_lineage_is_refused() {
        let refused = |parents: Vec<u64>| {
            let root_contract = Address::repeat_byte(0xc0);
            let g = Genesis { chain_id: 9, root_chain_id: 1, root_contract, parents, ..empty() };
            g.check().map(|_| ()).unwrap_err()
        };
        assert!(refused(vec![7, 9]).contains("or chain 9 itself"));
        assert!(refused(vec![7, 7]).contains("name a chain twice"));
        // A lineage without repeats goes on to the validators (here none: refused for that).
        assert!(!refused(vec![7, 8]).contains("parents"));
    }

    fn empty() -> Genesis {
        Genesis {
            chain_id: 0,
            root_chain_id: 0,
            root_contract: Address::ZERO,
            parents: Vec::new(),
            validators: Vec::new(),
            deposits: Vec::new(),
        }
    }

    #[test]
    fn environment_names_map_to_dotted_keys() {
        let vars = [
            ("PLASMAD_CFG__CONSENSUS__BLOCK_TIME_MS", "250"),
            ("PLASMAD_CFG__MONIKER", "n"),
            ("PLASMAD_HOME", "/x"),
            ("PATH", "/bin"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        assert_eq!(env_overrides(vars), ["consensus.block_time_ms=250", "moniker=n"]);
    }
}
