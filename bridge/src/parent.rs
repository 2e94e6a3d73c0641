//! The parent chain as a child sees it, whatever the parent is: today, where the child's
//! deposits come from and when they are final.
//!
//! [`ParentChain`] is the interface; [`EthereumParent`] reads the root contract through an
//! alloy provider and applies a finality rule (the `finalized` block tag, or a number of
//! confirmations). It reports what the parent recorded and never judges it: minting is the
//! ledger's business, in nonce order, against these records.

use crate::bindings::PlasmaRoot;
use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::Filter;
use alloy::sol_types::SolEvent;
use plasma_ledger::{
    BlockHeader, CommitCertificate, DepositRecord, FraudProof, SignedTransaction, TxInclusion,
    UtxoPos, Validator,
};

/// Most deposits one query asks for.
pub const MAX_DEPOSITS_PER_QUERY: usize = 256;

/// When a parent block counts as final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finality {
    /// The parent's `finalized` block (Ethereum's Casper finality).
    Finalized,
    /// The latest block minus this many (0: the latest itself, for a local devchain).
    Confirmations(u64),
}

/// Why the parent could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParentError {
    /// The parent's node could not be reached or answered an error.
    #[error("parent node: {0}")]
    Transport(String),
    /// The parent's node has no block with the `finalized` tag yet.
    #[error("the parent has no finalized block yet")]
    NoFinalizedBlock,
    /// The parent refused a submission.
    #[error("the parent refused {call}: {reason}")]
    Refused {
        /// What was submitted.
        call: &'static str,
        /// The parent's reason.
        reason: String,
    },
    /// A submission needs a sender, and none was configured.
    #[error("no key to send transactions to the parent with")]
    NoSender,
    /// A deposit event that does not decode (a wrong contract address, most likely).
    #[error("deposit event in parent block {block:?} does not decode: {reason}")]
    Malformed {
        /// Parent block of the log.
        block: Option<u64>,
        /// Why.
        reason: String,
    },
}

/// A provider over HTTP at `url` that signs with the secp256k1 secret `key`, and the
/// address it sends from.
pub fn connect_with_key(url: &str, key: [u8; 32]) -> Result<(DynProvider, Address), ParentError> {
    let parsed = url.parse().map_err(|e| ParentError::Transport(format!("{url:?}: {e}")))?;
    let signer = alloy::signers::local::PrivateKeySigner::from_bytes(&key.into())
        .map_err(|e| ParentError::Transport(format!("key: {e}")))?;
    let provider = crate::devchain::wallet_provider(parsed, &[key])
        .ok_or_else(|| ParentError::Transport("key unusable".into()))?;
    Ok((provider, signer.address()))
}

/// What the parent holds about a child chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainState {
    /// Blocks per epoch: checkpoints are due at heights that are multiples of it.
    pub epoch_length: u64,
    /// Height of the latest checkpoint the parent accepted (0: none).
    pub last_checkpoint: u64,
    /// Whether the parent froze the chain (after a fraud proof): exits only.
    pub frozen: bool,
    /// First void height after a proven fraud (0: none): exits anchor below it.
    pub rollback_height: u64,
    /// Validator configurations the parent numbered for the chain so far (ids `1..=n`).
    pub configurations: u32,
    /// The configuration proposed and not yet acknowledged by a checkpoint (0: none).
    pub pending_configuration: u32,
    /// The configuration whose certificates the parent accepts now (0: none yet).
    pub active_configuration: u32,
}

/// What an exit started on the parent claims: an output, or a deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitTarget {
    /// The output at this position (of any transaction but a deposit's mint).
    Output(UtxoPos),
    /// Deposit `nonce` of the parent's records: exited from the record itself (`minted` is
    /// `None`), or from the output that minted it on the child.
    Deposit {
        /// The deposit's nonce.
        nonce: u64,
        /// Where the exit says the child minted it, when it exits from the minted output.
        minted: Option<UtxoPos>,
    },
}

impl ExitTarget {
    /// The target a root queue key names. The root keys its queue by
    /// `exitableAt << 192 | packed(pos) << 64 | tag` (`RootStorage`): the tag is
    /// [`ROOT_DEPOSIT_TAG`]` | nonce` for an exit keyed by a deposit, and the anchor height
    /// otherwise; an exit from a deposit record has a zero position. Read from the event, so
    /// an exit started through any contract is judged like one started directly.
    pub fn from_root_queue_key(key: U256) -> Self {
        let limbs = key.as_limbs();
        let tag = limbs[0];
        let packed = u128::from(limbs[1]) | (u128::from(limbs[2]) << 64);
        let pos = UtxoPos::new(
            (packed >> 40) as u64,
            ((packed >> 8) & u128::from(u32::MAX)) as u32,
            (packed & 0xff) as u8,
        );
        if tag & ROOT_DEPOSIT_TAG == 0 {
            return ExitTarget::Output(pos);
        }
        let minted = (pos != UtxoPos::default()).then_some(pos);
        ExitTarget::Deposit { nonce: tag & !ROOT_DEPOSIT_TAG, minted }
    }

    /// The output an exit of a minted deposit or of an output names (`None` for an exit
    /// from a deposit record).
    pub fn pos(&self) -> Option<&UtxoPos> {
        match self {
            ExitTarget::Output(pos) | ExitTarget::Deposit { minted: Some(pos), .. } => Some(pos),
            ExitTarget::Deposit { minted: None, .. } => None,
        }
    }
}

/// The bit of a root queue key's tag that marks an exit keyed by a deposit
/// (`RootStorage.DEPOSIT_TAG`); the root keeps checkpoint heights below it.
pub const ROOT_DEPOSIT_TAG: u64 = 1 << 63;

/// An exit started on the parent against one of this chain's outputs or deposits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitClaim {
    /// The parent's id of the exit.
    pub exit_id: B256,
    /// What it claims.
    pub target: ExitTarget,
    /// Who exits.
    pub owner: Address,
    /// The asset.
    pub token: Address,
    /// The amount.
    pub amount: U256,
    /// Parent time from which it may be paid.
    pub exitable_at: u64,
}

/// A challenge of an exit keyed by a deposit: the deposit was minted at `minted_pos`, shown
/// by `minted` under the parent's checkpoint `anchor`, and `spend` spends that output as
/// input `input_index`, signed by its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositChallenge {
    /// The deposit's nonce.
    pub nonce: u64,
    /// A checkpoint the parent accepted, at or above the mint.
    pub anchor: BlockHeader,
    /// Where the deposit was minted.
    pub minted_pos: UtxoPos,
    /// The minting transaction's inclusion under `anchor`.
    pub minted: TxInclusion,
    /// A signed spend of the minted output.
    pub spend: SignedTransaction,
    /// Which of its inputs is the minted output.
    pub input_index: u8,
}

/// What a child reads of its parent's record of it: its registry entry, the checkpoints and
/// exits the parent accepted, and the validator configurations it numbered.
#[async_trait::async_trait]
pub trait ParentReader: Send + Sync {
    /// The parent's registry entry of `chain_id`.
    async fn chain_state(&self, chain_id: u64) -> Result<ChainState, ParentError>;

    /// Checkpoints of `chain_id` (height, block hash) the parent accepted in its blocks
    /// `from_block..` up to the latest; returns them and the next block to scan from.
    async fn checkpoints_accepted(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<(u64, B256)>, u64), ParentError>;

    /// Exits of `chain_id` started in parent blocks `from_block..` up to the latest; returns
    /// them and the next block to scan from.
    async fn exits_started(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<ExitClaim>, u64), ParentError>;

    /// The checkpoint of `chain_id` at `height` as the parent accepted it (header and the
    /// certificate it verified), or `None` if it accepted none there.
    async fn checkpoint(
        &self,
        chain_id: u64,
        height: u64,
    ) -> Result<Option<(BlockHeader, CommitCertificate)>, ParentError>;

    /// Validator configuration `id` of `chain_id` (its members in the parent's order), or
    /// `None` if the parent numbered none so.
    async fn configuration(
        &self,
        chain_id: u64,
        id: u32,
    ) -> Result<Option<Vec<Validator>>, ParentError>;
}

/// The parent as the source of a child's deposits, under the parent's finality rule.
#[async_trait::async_trait]
pub trait ParentDeposits: Send + Sync {
    /// The parent's deposits for `chain_id` with nonces from `from` on that are final under
    /// the parent's rule: in nonce order, skipping none, at most `max` (capped at
    /// [`MAX_DEPOSITS_PER_QUERY`]). The root numbers its deposits `0, 1, 2, …` (empty when
    /// deposit `from` is not final yet); a plasma parent by where their locks stand
    /// (`TxRef::deposit_nonce`), with gaps between.
    async fn final_deposits(
        &self,
        chain_id: u64,
        from: u64,
        max: usize,
    ) -> Result<Vec<DepositRecord>, ParentError>;
}

/// What a child's validators and watchers submit to its parent. Each submission is idempotent
/// across submitters: `Ok(false)` when another got there first.
#[async_trait::async_trait]
pub trait ParentSubmitter: Send + Sync {
    /// Submits a checkpoint. A checkpoint at or below the parent's latest is not an error:
    /// another validator got there first (`Ok(false)`); `Ok(true)` when this one landed.
    async fn submit_checkpoint(
        &self,
        header: &BlockHeader,
        certificate: &CommitCertificate,
    ) -> Result<bool, ParentError>;

    /// Challenges exit `exit_id` of an output with `spend`, which spends the output at the
    /// position the exit claims as input `input_index`. The exit is named by its id, not by
    /// that position: exits of outputs of two histories may claim one position. `Ok(false)`
    /// when the exit is no longer active (someone else challenged it first).
    async fn challenge_exit(
        &self,
        chain_id: u64,
        exit_id: B256,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<bool, ParentError>;

    /// Challenges the exit of deposit `challenge.nonce` (from the parent's record or from
    /// its minted output) with a spend of the minted output. `Ok(false)` when the exit is no
    /// longer active.
    async fn challenge_deposit_exit(
        &self,
        chain_id: u64,
        challenge: &DepositChallenge,
    ) -> Result<bool, ParentError>;

    /// Submits a fraud proof against `chain_id`, frozen or not (a proof of an earlier invalid
    /// block lowers the rollback). `Ok(false)` when the parent refuses it as shown already:
    /// another prover got there first, or a proof it heard before shows no higher.
    async fn prove_fraud(&self, chain_id: u64, proof: &FraudProof) -> Result<bool, ParentError>;

    /// Whether the parent hears, on a frozen chain, a proof under a checkpoint at or above the
    /// rollback while it takes a stake (the root does; a plasma parent does not yet).
    fn hears_later_anchors(&self) -> bool {
        false
    }
}

/// A parent a node both follows and writes to: the root contracts on Ethereum or a plasma
/// parent. Implemented by whatever implements the three parts.
pub trait ParentChain: ParentReader + ParentDeposits + ParentSubmitter {}

impl<T: ParentReader + ParentDeposits + ParentSubmitter + ?Sized> ParentChain for T {}

/// The root contract on Ethereum (or anvil), read through `provider`.
#[derive(Debug, Clone)]
pub struct EthereumParent {
    provider: DynProvider,
    root: Address,
    finality: Finality,
    start_block: u64,
    sender: Option<Address>,
}

impl EthereumParent {
    /// The root at `root`, with deposits searched from `start_block` (its deployment) on;
    /// submissions go from `sender`, whose key `provider`'s wallet must hold.
    pub fn new(
        provider: DynProvider,
        root: Address,
        finality: Finality,
        start_block: u64,
        sender: Option<Address>,
    ) -> Self {
        Self { provider, root, finality, start_block, sender }
    }

    /// Connects over HTTP to the parent node at `url`; with `key` (a secp256k1 secret, the
    /// validator's operator key) it can submit checkpoints, paying gas from that account.
    pub fn connect(
        url: &str,
        root: Address,
        finality: Finality,
        start_block: u64,
        key: Option<[u8; 32]>,
    ) -> Result<Self, ParentError> {
        let (provider, sender) = match key {
            None => {
                let parsed =
                    url.parse().map_err(|e| ParentError::Transport(format!("{url:?}: {e}")))?;
                (alloy::providers::ProviderBuilder::new().connect_http(parsed).erased(), None)
            }
            Some(k) => {
                let (provider, address) = connect_with_key(url, k)?;
                (provider, Some(address))
            }
        };
        Ok(Self::new(provider, root, finality, start_block, sender))
    }

    /// The highest parent block that counts as final.
    pub async fn final_block(&self) -> Result<u64, ParentError> {
        match self.finality {
            Finality::Confirmations(n) => {
                Ok(self.provider.get_block_number().await.map_err(transport)?.saturating_sub(n))
            }
            Finality::Finalized => self
                .provider
                .get_block_by_number(BlockNumberOrTag::Finalized)
                .await
                .map_err(transport)?
                .map(|b| b.header.number)
                .ok_or(ParentError::NoFinalizedBlock),
        }
    }
}

#[async_trait::async_trait]
impl ParentReader for EthereumParent {
    async fn chain_state(&self, chain_id: u64) -> Result<ChainState, ParentError> {
        let c = PlasmaRoot::new(self.root, &self.provider)
            .chain(chain_id)
            .call()
            .await
            .map_err(|e| ParentError::Transport(format!("chain({chain_id}): {e}")))?;
        if c.epochLength == 0 {
            return Err(ParentError::Refused {
                call: "chain",
                reason: format!("chain {chain_id} is not registered on the root"),
            });
        }
        Ok(ChainState {
            epoch_length: c.epochLength,
            last_checkpoint: c.lastHeight,
            frozen: c.frozen,
            rollback_height: c.rollbackHeight,
            configurations: c.configCount,
            pending_configuration: c.pendingConfig,
            active_configuration: c.activeConfig,
        })
    }

    async fn checkpoints_accepted(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<(u64, B256)>, u64), ParentError> {
        let (events, next) =
            self.events_since::<PlasmaRoot::CheckpointSubmitted>(chain_id, from_block).await?;
        Ok((events.into_iter().map(|(_, ev)| (ev.height, ev.blockHash)).collect(), next))
    }

    async fn exits_started(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<ExitClaim>, u64), ParentError> {
        let (events, next) =
            self.events_since::<PlasmaRoot::ExitStarted>(chain_id, from_block).await?;
        // The queue key names what the exit claims; no need to read the call.
        let claims = events
            .into_iter()
            .map(|(_, ev)| ExitClaim {
                exit_id: ev.exitId,
                target: ExitTarget::from_root_queue_key(ev.queueKey),
                owner: ev.owner,
                token: ev.token,
                amount: ev.amount,
                exitable_at: ev.exitableAt,
            })
            .collect();
        Ok((claims, next))
    }

    async fn checkpoint(
        &self,
        chain_id: u64,
        height: u64,
    ) -> Result<Option<(BlockHeader, CommitCertificate)>, ParentError> {
        use alloy::consensus::Transaction as _;
        use alloy::sol_types::SolCall;
        let root = crate::Root::at(self.root, self.provider.clone());
        let stored = root
            .checkpoint(chain_id, height)
            .await
            .map_err(|e| ParentError::Transport(e.to_string()))?;
        if stored.is_zero() {
            return Ok(None);
        }
        // The root keeps the header's hash; the header and certificate are in the call.
        let filter = Filter::new()
            .address(self.root)
            .event_signature(PlasmaRoot::CheckpointSubmitted::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .topic2(B256::from(U256::from(height)))
            .from_block(self.start_block);
        let logs = self.provider.get_logs(&filter).await.map_err(transport)?;
        for log in logs.iter().rev() {
            let Some(hash) = log.transaction_hash else { continue };
            let Some(tx) = self.provider.get_transaction_by_hash(hash).await.map_err(transport)?
            else {
                continue;
            };
            let Ok(call) = PlasmaRoot::submitCheckpointCall::abi_decode(tx.input()) else {
                continue; // submitted through another contract: not readable here
            };
            let header: BlockHeader = crate::convert(&call.header);
            if header.chainId == chain_id && header.height == height && header.hash() == stored {
                return Ok(Some((header, crate::convert(&call.certificate))));
            }
        }
        Err(ParentError::Malformed {
            block: None,
            reason: format!("checkpoint {height} of chain {chain_id} is stored but no call to submitCheckpoint shows it"),
        })
    }

    async fn configuration(
        &self,
        chain_id: u64,
        id: u32,
    ) -> Result<Option<Vec<Validator>>, ParentError> {
        let root = crate::Root::at(self.root, self.provider.clone());
        let set = root
            .validators(chain_id, id)
            .await
            .map_err(|e| ParentError::Transport(e.to_string()))?;
        Ok((!set.is_empty()).then_some(set))
    }
}

#[async_trait::async_trait]
impl ParentDeposits for EthereumParent {
    async fn final_deposits(
        &self,
        chain_id: u64,
        from: u64,
        max: usize,
    ) -> Result<Vec<DepositRecord>, ParentError> {
        let to = self.final_block().await?;
        if to < self.start_block {
            return Ok(Vec::new());
        }
        let max = max.clamp(1, MAX_DEPOSITS_PER_QUERY) as u64;
        let nonces: Vec<B256> =
            (from..from.saturating_add(max)).map(|n| B256::from(U256::from(n))).collect();
        let filter = Filter::new()
            .address(self.root)
            .event_signature(PlasmaRoot::Deposited::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .topic2(nonces)
            .from_block(self.start_block)
            .to_block(to);
        let logs = self
            .provider
            .get_logs(&filter)
            .await
            .map_err(|e| ParentError::Transport(e.to_string()))?;
        let mut records = logs
            .iter()
            .map(|log| {
                decode::<PlasmaRoot::Deposited>(log).map(|ev| crate::root::deposit_record(&ev))
            })
            .collect::<Result<Vec<_>, ParentError>>()?;
        records.sort_by_key(|r| r.nonce);
        // Contiguous from `from`: nonces are recorded in order, so a gap means the rest is
        // not final yet (or not there at all).
        let contiguous = records
            .iter()
            .enumerate()
            .take_while(|(i, r)| r.nonce == from + *i as u64 && r.chainId == chain_id)
            .count();
        records.truncate(contiguous);
        Ok(records)
    }
}

#[async_trait::async_trait]
impl ParentSubmitter for EthereumParent {
    async fn submit_checkpoint(
        &self,
        header: &BlockHeader,
        certificate: &CommitCertificate,
    ) -> Result<bool, ParentError> {
        let from = self.sender.ok_or(ParentError::NoSender)?;
        let root = crate::Root::at(self.root, self.provider.clone());
        let result = root.submit_checkpoint(from, header, certificate).await;
        if let Err(crate::RootError::Reverted { .. }) = &result {
            // Mined but reverted: most often another validator's checkpoint landed between
            // this one's estimate and its inclusion.
            if self.chain_state(header.chainId).await?.last_checkpoint >= header.height {
                return Ok(false);
            }
        }
        landed(result, "NotNewer")
    }

    async fn challenge_exit(
        &self,
        chain_id: u64,
        exit_id: B256,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<bool, ParentError> {
        let from = self.sender.ok_or(ParentError::NoSender)?;
        let queue_key = self.queue_key(chain_id, exit_id).await?;
        let root = crate::Root::at(self.root, self.provider.clone());
        landed(
            root.challenge_exit(from, chain_id, queue_key, spend, input_index).await,
            "NotActive",
        )
    }

    async fn challenge_deposit_exit(
        &self,
        chain_id: u64,
        c: &DepositChallenge,
    ) -> Result<bool, ParentError> {
        if c.anchor.chainId != chain_id {
            return Err(ParentError::Refused {
                call: "challengeDepositExit",
                reason: format!("the anchor is of chain {}, not {chain_id}", c.anchor.chainId),
            });
        }
        let from = self.sender.ok_or(ParentError::NoSender)?;
        let root = crate::Root::at(self.root, self.provider.clone());
        let (anchor, pos, spend) = (&c.anchor, &c.minted_pos, &c.spend);
        let sent = root
            .challenge_deposit_exit(from, c.nonce, anchor, pos, &c.minted, spend, c.input_index)
            .await;
        landed(sent, "NotActive")
    }

    async fn prove_fraud(&self, chain_id: u64, proof: &FraudProof) -> Result<bool, ParentError> {
        let from = self.sender.ok_or(ParentError::NoSender)?;
        let root = crate::Root::at(self.root, self.provider.clone());
        landed(root.prove_fraud(from, chain_id, proof).await, "ChainIsFrozen")
    }

    fn hears_later_anchors(&self) -> bool {
        true
    }
}

fn transport(e: alloy::transports::TransportError) -> ParentError {
    ParentError::Transport(e.to_string())
}

/// The event `E` a log carries.
fn decode<E: SolEvent>(log: &alloy::rpc::types::Log) -> Result<E, ParentError> {
    log.log_decode::<E>()
        .map(|l| l.inner.data)
        .map_err(|e| ParentError::Malformed { block: log.block_number, reason: e.to_string() })
}

/// A submission's outcome: `true` when it landed, `false` when the root refused it with
/// `benign` (someone else did it first), an error otherwise.
fn landed(
    result: Result<crate::Receipt, crate::RootError>,
    benign: &str,
) -> Result<bool, ParentError> {
    match result {
        Ok(_) => Ok(true),
        Err(crate::RootError::Refused { reason, .. }) if reason.contains(benign) => Ok(false),
        Err(crate::RootError::Refused { call, reason }) => {
            Err(ParentError::Refused { call, reason })
        }
        Err(e) => Err(ParentError::Transport(e.to_string())),
    }
}

impl EthereumParent {
    /// The queue key under which the root last queued exit `exit_id` of an output of
    /// `chain_id` (the root names such an exit by it), from its `ExitStarted` events.
    async fn queue_key(&self, chain_id: u64, exit_id: B256) -> Result<U256, ParentError> {
        let filter = Filter::new()
            .address(self.root)
            .event_signature(PlasmaRoot::ExitStarted::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .topic2(exit_id)
            .from_block(self.start_block);
        let logs = self.provider.get_logs(&filter).await.map_err(transport)?;
        let refused = |reason: String| ParentError::Refused { call: "challengeExit", reason };
        let last = logs.last().ok_or_else(|| refused(format!("no exit {exit_id} on the root")))?;
        let key = decode::<PlasmaRoot::ExitStarted>(last)?.queueKey;
        if key.as_limbs()[0] & ROOT_DEPOSIT_TAG != 0 {
            return Err(refused(format!(
                "exit {exit_id} is keyed by a deposit: it is challenged with the mint's proof"
            )));
        }
        Ok(key)
    }

    /// Events `E` of `chain_id` (its first indexed topic) from parent block `from_block` up
    /// to the latest, each with its transaction; and the next block to scan from.
    async fn events_since<E: SolEvent>(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<(Vec<(Option<B256>, E)>, u64), ParentError> {
        let latest = self.provider.get_block_number().await.map_err(transport)?;
        let from = from_block.max(self.start_block);
        if from > latest {
            return Ok((Vec::new(), from));
        }
        let filter = Filter::new()
            .address(self.root)
            .event_signature(E::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .from_block(from)
            .to_block(latest);
        let logs = self.provider.get_logs(&filter).await.map_err(transport)?;
        let events = logs
            .iter()
            .map(|log| Ok((log.transaction_hash, decode::<E>(log)?)))
            .collect::<Result<_, ParentError>>()?;
        Ok((events, latest + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasma_ledger::exit::priority;

    /// The root's queue key: `priority << 64 | tag` (`PlasmaRoot._enqueue`).
    fn root_key(exitable_at: u64, pos: &UtxoPos, tag: u64) -> U256 {
        (priority(exitable_at, pos) << 64) | U256::from(tag)
    }

    #[test]
    fn a_root_queue_key_names_the_output_or_the_deposit_an_exit_claims() {
        let pos = UtxoPos::new(u64::from(u32::MAX) + 7, u32::MAX - 1, 3);
        let anchor = (1 << 62) + 5;
        let output = root_key(u64::MAX, &pos, anchor);
        assert_eq!(ExitTarget::from_root_queue_key(output), ExitTarget::Output(pos.clone()));
        let minted = root_key(9, &pos, ROOT_DEPOSIT_TAG | 41);
        assert_eq!(
            ExitTarget::from_root_queue_key(minted),
            ExitTarget::Deposit { nonce: 41, minted: Some(pos) }
        );
        let record = root_key(9, &UtxoPos::default(), ROOT_DEPOSIT_TAG | (ROOT_DEPOSIT_TAG - 1));
        assert_eq!(
            ExitTarget::from_root_queue_key(record),
            ExitTarget::Deposit { nonce: ROOT_DEPOSIT_TAG - 1, minted: None }
        );
    }
}
