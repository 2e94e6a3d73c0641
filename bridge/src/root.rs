//! A deployed `PlasmaRoot`, with typed calls in the ledger's types.

use crate::bindings::{FormVerifier, FraudVerifier, LinkVerifier, PlasmaRoot, RootModule};
use crate::convert;
use alloy::contract::{CallBuilder, CallDecoder, Error as ContractError};
use alloy::primitives::{Address, B256, U256};
use alloy::providers::DynProvider;
use alloy::rpc::types::TransactionReceipt;
use alloy::sol_types::SolEvent;
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::{
    BlockHeader, CommitCertificate, DepositRecord, FraudProof, SignedTransaction, TxInclusion,
    UtxoPos,
};

/// Why a call to the root failed.
#[derive(Debug, thiserror::Error)]
pub enum RootError {
    /// The contract refused the call; `reason` is its decoded custom error when known.
    #[error("root contract refused {call}: {reason}")]
    Refused {
        /// The function called.
        call: &'static str,
        /// The decoded revert (`ExitExists(..)`, `UnknownAnchor(..)`, …) or the raw error.
        reason: String,
    },
    /// The transaction was mined but reverted.
    #[error("{call} reverted in transaction {tx_hash} (gas used {gas_used})")]
    Reverted {
        /// The function called.
        call: &'static str,
        /// The transaction.
        tx_hash: B256,
        /// Gas it used.
        gas_used: u64,
    },
    /// The node could not be reached or answered nonsense.
    #[error("{call}: transport: {reason}")]
    Transport {
        /// The function called.
        call: &'static str,
        /// What failed.
        reason: String,
    },
    /// An expected event was missing from a successful transaction's receipt.
    #[error("{call}: receipt lacks the {event} event")]
    MissingEvent {
        /// The function called.
        call: &'static str,
        /// The event.
        event: &'static str,
    },
}

/// A mined, successful transaction.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// Its hash (of the attempt that was mined).
    pub tx_hash: B256,
    /// How many times it was priced: 1, plus one per replacement (of an attempt left unmined,
    /// or refused as underpriced).
    pub attempts: u32,
    /// Gas the whole transaction used.
    pub gas_used: u64,
    /// The full receipt (logs, block).
    pub inner: TransactionReceipt,
}

/// Parameters of a chain at registration (see `PlasmaRoot.ChainParams`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainParams {
    /// Blocks per epoch; configurations change only at epoch ends.
    pub epoch_length: u64,
    /// The exit period P, in seconds.
    pub exit_period: u64,
    /// Least stake a validator bonds, in wei.
    pub min_stake: u128,
    /// Most validators per configuration.
    pub max_validators: u32,
}

/// Where the three contracts of a root deployment live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deployment {
    /// `PlasmaRoot`: the address users and chains talk to.
    pub root: Address,
    /// `RootModule`, which the root delegates rare, heavy calls to.
    pub module: Address,
    /// `FraudVerifier`, the stateless judge of fraud evidence.
    pub verifier: Address,
}

/// A `PlasmaRoot` reached through one provider (whose wallet may hold several signers:
/// calls taking `from` pick the sender).
#[derive(Debug, Clone)]
pub struct Root {
    contract: PlasmaRoot::PlasmaRootInstance<DynProvider>,
    policy: SendPolicy,
}

/// How the root's transactions get mined: one that waits longer than `resend_after` is sent
/// again with the same nonce and fees raised by at least 1/8 (what nodes require of a
/// replacement, and more if the parent's fees rose), at most `max_replacements` times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendPolicy {
    /// How long a transaction may stay unmined before it is replaced.
    pub resend_after: std::time::Duration,
    /// How often receipts are asked for.
    pub poll: std::time::Duration,
    /// Replacements before giving up.
    pub max_replacements: u32,
}

impl Default for SendPolicy {
    fn default() -> Self {
        Self {
            resend_after: std::time::Duration::from_secs(30),
            poll: std::time::Duration::from_millis(200),
            max_replacements: 5,
        }
    }
}

impl Root {
    /// Deploys `FormVerifier`, `LinkVerifier`, `FraudVerifier`, `RootModule` (which holds the
    /// exit bond and the processing bounty) and `PlasmaRoot` from the provider's default
    /// sender.
    pub async fn deploy(
        provider: DynProvider,
        exit_bond: U256,
        process_bounty: U256,
    ) -> Result<(Self, Deployment), RootError> {
        let form = FormVerifier::deploy(provider.clone())
            .await
            .map_err(|e| refused("deploy FormVerifier", e))?;
        let links = LinkVerifier::deploy(provider.clone())
            .await
            .map_err(|e| refused("deploy LinkVerifier", e))?;
        let verifier = FraudVerifier::deploy(provider.clone(), *form.address(), *links.address())
            .await
            .map_err(|e| refused("deploy FraudVerifier", e))?;
        let module =
            RootModule::deploy(provider.clone(), *verifier.address(), exit_bond, process_bounty)
                .await
                .map_err(|e| refused("deploy RootModule", e))?;
        let root = PlasmaRoot::deploy(provider, *module.address())
            .await
            .map_err(|e| refused("deploy PlasmaRoot", e))?;
        let deployment = Deployment {
            root: *root.address(),
            module: *module.address(),
            verifier: *verifier.address(),
        };
        Ok((Self { contract: root, policy: SendPolicy::default() }, deployment))
    }

    /// The root at `address`.
    pub fn at(address: Address, provider: DynProvider) -> Self {
        Self { contract: PlasmaRoot::new(address, provider), policy: SendPolicy::default() }
    }

    /// The root's address.
    pub fn address(&self) -> Address {
        *self.contract.address()
    }

    /// The provider calls go through.
    pub fn provider(&self) -> &DynProvider {
        self.contract.provider()
    }

    /// The generated binding, for calls this wrapper does not cover.
    pub fn contract(&self) -> &PlasmaRoot::PlasmaRootInstance<DynProvider> {
        &self.contract
    }

    /// Registers a chain; returns its id.
    pub async fn register_chain(
        &self,
        from: Address,
        params: ChainParams,
    ) -> Result<(u64, Receipt), RootError> {
        let p = crate::bindings::plasma_root::RootStorage::ChainParams {
            epochLength: params.epoch_length,
            exitPeriod: params.exit_period,
            minStake: alloy::primitives::Uint::<96, 2>::from(params.min_stake),
            maxValidators: params.max_validators,
        };
        let call = "registerChain";
        let receipt = self.send(call, self.contract.registerChain(p).from(from)).await?;
        let id = event::<PlasmaRoot::ChainRegistered>(call, &receipt)?.chainId;
        Ok((id, receipt))
    }

    /// Bonds `stake` wei from `operator` with BLS key `key` and its proof of possession.
    pub async fn bond(
        &self,
        operator: Address,
        chain_id: u64,
        key: &BlsSecretKey,
        stake: U256,
    ) -> Result<Receipt, RootError> {
        let pubkey = key.public_key().to_eip2537().to_vec();
        let pop = key.proof_of_possession(operator).to_eip2537().to_vec();
        let call =
            self.contract.bond(chain_id, pubkey.into(), pop.into()).from(operator).value(stake);
        self.send("bond", call).await
    }

    /// Leaves the pending set of `chain_id`.
    pub async fn unbond(&self, operator: Address, chain_id: u64) -> Result<Receipt, RootError> {
        self.send("unbond", self.contract.unbond(chain_id).from(operator)).await
    }

    /// Takes back an unbonded stake once it can no longer be slashed.
    pub async fn withdraw_stake(
        &self,
        operator: Address,
        chain_id: u64,
    ) -> Result<Receipt, RootError> {
        self.send("withdrawStake", self.contract.withdrawStake(chain_id).from(operator)).await
    }

    /// Names the genesis configuration of `chain_id` (`from` must be its registrant): the
    /// bonded `operators`, in bitmap order; returns its number.
    pub async fn propose_genesis(
        &self,
        from: Address,
        chain_id: u64,
        operators: Vec<Address>,
    ) -> Result<(u32, Receipt), RootError> {
        let call = "proposeGenesis";
        let builder = self.contract.proposeGenesis(chain_id, operators).from(from);
        let receipt = self.send(call, builder).await?;
        let id = event::<PlasmaRoot::ConfigurationProposed>(call, &receipt)?.config;
        Ok((id, receipt))
    }

    /// Snapshots the pending set as the next configuration; returns its number. Refused
    /// (`PendingUndeclined`) while a pending one waits for an epoch-end checkpoint.
    pub async fn propose_configuration(
        &self,
        from: Address,
        chain_id: u64,
    ) -> Result<(u32, Receipt), RootError> {
        let call = "proposeConfiguration";
        let receipt =
            self.send(call, self.contract.proposeConfiguration(chain_id).from(from)).await?;
        let id = event::<PlasmaRoot::ConfigurationProposed>(call, &receipt)?.config;
        Ok((id, receipt))
    }

    /// The members of configuration `id`, in bitmap order, as the ledger's validators.
    pub async fn validators(
        &self,
        chain_id: u64,
        id: u32,
    ) -> Result<Vec<plasma_ledger::Validator>, RootError> {
        let vs = self
            .contract
            .validators(chain_id, id)
            .call()
            .await
            .map_err(|e| refused("validators", e))?;
        Ok(vs.iter().map(convert).collect())
    }

    /// Submits a checkpoint (anyone may).
    pub async fn submit_checkpoint(
        &self,
        from: Address,
        header: &BlockHeader,
        certificate: &CommitCertificate,
    ) -> Result<Receipt, RootError> {
        let call = self.contract.submitCheckpoint(convert(header), convert(certificate)).from(from);
        self.send("submitCheckpoint", call).await
    }

    /// The checkpointed block hash at `height` (zero if none).
    pub async fn checkpoint(&self, chain_id: u64, height: u64) -> Result<B256, RootError> {
        self.contract
            .checkpoints(chain_id, height)
            .call()
            .await
            .map_err(|e| refused("checkpoints", e))
    }

    /// Deposits `amount` of `token` (zero address: ETH) from `from` for `recipient`; returns
    /// the root's record of it. ERC-20 deposits need an allowance first.
    pub async fn deposit(
        &self,
        from: Address,
        chain_id: u64,
        recipient: Address,
        token: Address,
        amount: U256,
    ) -> Result<(DepositRecord, Receipt), RootError> {
        let call = "deposit";
        let mut builder = self.contract.deposit(chain_id, recipient, token, amount).from(from);
        if token == Address::ZERO {
            builder = builder.value(amount);
        }
        let receipt = self.send(call, builder).await?;
        let record = deposit_record(&event::<PlasmaRoot::Deposited>(call, &receipt)?);
        Ok((record, receipt))
    }

    /// Starts the exit of `from`'s output at `pos`, proven under the checkpointed `anchor`.
    pub async fn start_exit(
        &self,
        from: Address,
        anchor: &BlockHeader,
        pos: &UtxoPos,
        inclusion: &TxInclusion,
        bond: U256,
    ) -> Result<Receipt, RootError> {
        let outputs = &inclusion.signedTx.transaction.outputs;
        // An output that is not there is the root's to refuse.
        let token = outputs.get(usize::from(pos.outputIndex)).map_or(Address::ZERO, |o| o.token);
        let hint = self.exit_hint(anchor.chainId, token, inclusion.header.timestamp).await?;
        let call = self
            .contract
            .startExit(convert(anchor), convert(pos), convert(inclusion), hint)
            .from(from)
            .value(bond);
        self.send("startExit", call).await
    }

    /// Starts an exit straight from the root's deposit record.
    pub async fn start_deposit_exit(
        &self,
        from: Address,
        record: &DepositRecord,
        bond: U256,
    ) -> Result<Receipt, RootError> {
        let (chain_id, nonce) = (record.chainId, record.nonce);
        let commitment = self
            .contract
            .depositCommitments(chain_id, nonce)
            .call()
            .await
            .map_err(|e| refused("depositCommitments", e))?;
        // The low 64 bits: when the root recorded it.
        let recorded = u64::from_be_bytes(commitment[24..].try_into().unwrap_or_default());
        let hint = self.exit_hint(chain_id, record.token, recorded).await?;
        let call = self.contract.startDepositExit(convert(record), hint).from(from).value(bond);
        self.send("startDepositExit", call).await
    }

    /// Where the root's queue insert of an exit of `token` from `chain_id`, of an output made
    /// at `output_time`, walks from (`exitHint`): the last queued exit that matures before it
    /// would if it started now (it starts no earlier, so it sorts no lower).
    async fn exit_hint(
        &self,
        chain_id: u64,
        token: Address,
        output_time: u64,
    ) -> Result<U256, RootError> {
        use alloy::providers::Provider;
        let chain = self.contract.chain(chain_id).call().await.map_err(|e| refused("chain", e))?;
        let latest = self
            .contract
            .provider()
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(|e| RootError::Transport { call: "getBlockByNumber", reason: e.to_string() })?
            .map_or(0, |b| b.header.timestamp);
        let matures = plasma_ledger::exit::exitable_at(output_time, latest, chain.exitPeriod);
        self.contract
            .exitHint(chain_id, token, matures)
            .call()
            .await
            .map_err(|e| refused("exitHint", e))
    }

    /// Challenges the exit of an output queued under `queue_key` (its [`exit_started`]
    /// event's) with a signed spend of the output at the position the key names.
    pub async fn challenge_exit(
        &self,
        from: Address,
        chain_id: u64,
        queue_key: U256,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<Receipt, RootError> {
        let sender_data = alloy::primitives::keccak256(from.as_slice());
        let call = self
            .contract
            .challengeExit(chain_id, queue_key, convert(spend), input_index, sender_data)
            .from(from);
        self.send("challengeExit", call).await
    }

    /// Challenges an exit of deposit `nonce`: `minted` proves its output at `minted_pos`
    /// under the checkpointed `anchor`, and `spend` spends that output.
    #[allow(clippy::too_many_arguments)]
    pub async fn challenge_deposit_exit(
        &self,
        from: Address,
        nonce: u64,
        anchor: &BlockHeader,
        minted_pos: &UtxoPos,
        minted: &TxInclusion,
        spend: &SignedTransaction,
        input_index: u8,
    ) -> Result<Receipt, RootError> {
        let sender_data = alloy::primitives::keccak256(from.as_slice());
        let call = self
            .contract
            .challengeDepositExit(
                nonce,
                convert(anchor),
                convert(minted_pos),
                convert(minted),
                convert(spend),
                input_index,
                sender_data,
            )
            .from(from);
        self.send("challengeDepositExit", call).await
    }

    /// Pays up to `max` mature exits of `token` on `chain_id`.
    pub async fn process_exits(
        &self,
        from: Address,
        chain_id: u64,
        token: Address,
        max: u64,
    ) -> Result<Receipt, RootError> {
        // Not estimated: an estimate taken while the head of the queue is a second short of
        // maturity covers no payout, and the transaction, mined a block later, would run out
        // of gas paying it. Every exit paid costs well under 100k gas.
        let gas = 100_000 + 100_000 * max.min(100);
        let call = self.contract.processExits(chain_id, token, U256::from(max)).from(from).gas(gas);
        self.send("processExits", call).await
    }

    /// Withdraws what `from` is owed in `token`.
    pub async fn withdraw(&self, from: Address, token: Address) -> Result<Receipt, RootError> {
        self.send("withdraw", self.contract.withdraw(token).from(from)).await
    }

    /// Submits a fraud proof against `chain_id`, as `from`: first its commitment
    /// (`commitFraud`), then, once that is mined, the proof itself, so that the reward is
    /// `from`'s and a copy of the proof from the pool earns nothing. A proof the root refuses
    /// as things stand is refused before anything is sent (no commitment is paid for one);
    /// that estimate shows the proof to the RPC endpoint before its commitment lands, so a
    /// prover uses an endpoint it trusts. Returns the proof's receipt.
    pub async fn prove_fraud(
        &self,
        from: Address,
        chain_id: u64,
        proof: &FraudProof,
    ) -> Result<Receipt, RootError> {
        let proving = self.contract.proveFraud(chain_id, convert(proof)).from(from);
        proving.estimate_gas().await.map_err(|e| refused("proveFraud", e))?;
        let commitment = plasma_ledger::fraud::evidence::commitment(from, chain_id, proof);
        self.send("commitFraud", self.contract.commitFraud(commitment).from(from)).await?;
        self.send("proveFraud", self.contract.proveFraud(chain_id, convert(proof)).from(from)).await
    }

    /// The frauds proven against `chain_id` since root block `from_block`: (kind as the
    /// contracts number it, height of the invalid block, prover), in order.
    pub async fn frauds_proven(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<Vec<(u8, u64, Address)>, RootError> {
        use alloy::providers::Provider;
        let filter = alloy::rpc::types::Filter::new()
            .address(*self.contract.address())
            .event_signature(PlasmaRoot::FraudProven::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .from_block(from_block);
        let logs = self
            .contract
            .provider()
            .get_logs(&filter)
            .await
            .map_err(|e| RootError::Transport { call: "getLogs", reason: e.to_string() })?;
        Ok(logs
            .iter()
            .filter_map(|l| l.log_decode::<PlasmaRoot::FraudProven>().ok())
            .map(|l| (l.inner.data.kind, l.inner.data.height, l.inner.data.prover))
            .collect())
    }

    /// The fraud proofs that convicted `chain_id` since root block `from_block`, read back from
    /// the calldata of the transactions that emitted `FraudProven`, in order. A proof submitted
    /// through another contract (not a direct `proveFraud` call) has no calldata of its own to
    /// decode and is left out.
    pub async fn fraud_proofs(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<Vec<FraudProof>, RootError> {
        use alloy::providers::Provider;
        use alloy::sol_types::SolCall;
        let transport = |call: &'static str| {
            move |e: alloy::transports::TransportError| RootError::Transport {
                call,
                reason: e.to_string(),
            }
        };
        let filter = alloy::rpc::types::Filter::new()
            .address(*self.contract.address())
            .event_signature(PlasmaRoot::FraudProven::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .from_block(from_block);
        let provider = self.contract.provider();
        let logs = provider.get_logs(&filter).await.map_err(transport("getLogs"))?;
        let mut proofs = Vec::with_capacity(logs.len());
        for hash in logs.iter().filter_map(|l| l.transaction_hash) {
            let Some(tx) = provider
                .get_transaction_by_hash(hash)
                .await
                .map_err(transport("getTransactionByHash"))?
            else {
                continue;
            };
            let input = alloy::consensus::Transaction::input(&tx);
            if let Ok(call) = PlasmaRoot::proveFraudCall::abi_decode(input) {
                if call.chainId == chain_id {
                    proofs.push(convert(&call.proof));
                }
            }
        }
        Ok(proofs)
    }

    /// The checkpoints of `chain_id` accepted since root block `from_block`, in order: (height,
    /// root block, gas the submitting transaction used).
    pub async fn checkpoints_submitted(
        &self,
        chain_id: u64,
        from_block: u64,
    ) -> Result<Vec<(u64, u64, u64)>, RootError> {
        use alloy::providers::Provider;
        let transport = |e: alloy::transports::TransportError| RootError::Transport {
            call: "getLogs",
            reason: e.to_string(),
        };
        let filter = alloy::rpc::types::Filter::new()
            .address(*self.contract.address())
            .event_signature(PlasmaRoot::CheckpointSubmitted::SIGNATURE_HASH)
            .topic1(B256::from(U256::from(chain_id)))
            .from_block(from_block);
        let provider = self.contract.provider();
        let mut out = Vec::new();
        for log in provider.get_logs(&filter).await.map_err(transport)? {
            let (Some(tx), Some(block)) = (log.transaction_hash, log.block_number) else {
                continue;
            };
            let Ok(ev) = log.log_decode::<PlasmaRoot::CheckpointSubmitted>() else { continue };
            let gas = provider
                .get_transaction_receipt(tx)
                .await
                .map_err(transport)?
                .map_or(0, |r| r.gas_used);
            out.push((ev.inner.data.height, block, gas));
        }
        Ok(out)
    }

    /// The root at `address`, over HTTP at `url`, for reading only (no key to send with).
    pub fn read_only(url: &str, address: Address) -> Result<Self, RootError> {
        use alloy::providers::Provider;
        let transport = |reason: String| RootError::Transport { call: "connect", reason };
        let parsed = url.parse().map_err(|e| transport(format!("{url:?}: {e}")))?;
        let provider = alloy::providers::ProviderBuilder::new().connect_http(parsed).erased();
        Ok(Self::at(address, provider))
    }

    /// The ETH balance of `account` on the root chain (not in the contract).
    pub async fn eth_balance(&self, account: Address) -> Result<U256, RootError> {
        use alloy::providers::Provider;
        self.provider()
            .get_balance(account)
            .await
            .map_err(|e| RootError::Transport { call: "eth_getBalance", reason: e.to_string() })
    }

    /// What `account` may withdraw in `token`.
    pub async fn owed(&self, account: Address, token: Address) -> Result<U256, RootError> {
        self.contract.owed(account, token).call().await.map_err(|e| refused("owed", e))
    }

    /// The root block in which `commitment` was first committed (`commitFraud`; 0: never).
    pub async fn fraud_commitment(&self, commitment: B256) -> Result<u64, RootError> {
        let at = self.contract.fraudCommitments(commitment).call().await;
        let at = at.map_err(|e| refused("fraudCommitments", e))?;
        Ok(u64::try_from(at).unwrap_or(u64::MAX))
    }

    /// The value chain `chain_id` holds in `token`.
    pub async fn locked(&self, chain_id: u64, token: Address) -> Result<U256, RootError> {
        self.contract.locked(chain_id, token).call().await.map_err(|e| refused("locked", e))
    }

    /// The bond every exit posts.
    pub async fn exit_bond(&self) -> Result<U256, RootError> {
        self.contract.exitBond().call().await.map_err(|e| refused("exitBond", e))
    }
}

impl Root {
    /// The same root, sending under `policy`.
    pub fn with_policy(mut self, policy: SendPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Sends a call and waits for its receipt, replacing the transaction (same nonce, higher
    /// fees) while it stays unmined; turns failures into [`RootError`]. A call the contract
    /// would refuse is refused before anything is sent, with its decoded error.
    async fn send<D: CallDecoder>(
        &self,
        call: &'static str,
        builder: CallBuilder<&DynProvider, D>,
    ) -> Result<Receipt, RootError> {
        use alloy::network::TransactionBuilder;
        use alloy::providers::Provider;
        let transport = |e: alloy::transports::TransportError| RootError::Transport {
            call,
            reason: e.to_string(),
        };
        let estimate = builder.estimate_gas().await.map_err(|e| refused(call, e))?;
        let mut request = builder.into_transaction_request();
        // The estimate is taken against the state and clock of the block before the one the
        // transaction lands in: an exit's queue key holds `now`, so a second later it may sort
        // past more queued exits and walk further. A fifth more covers such drift (only gas
        // used is paid). A limit the caller set is a floor.
        let estimate = estimate.saturating_add(estimate / 5);
        let gas = request.gas.map_or(estimate, |floor| floor.max(estimate));
        let provider = self.contract.provider();
        let from = request
            .from
            .ok_or_else(|| RootError::Transport { call, reason: "no sender".into() })?;
        let nonce = provider.get_transaction_count(from).pending().await.map_err(transport)?;
        let fees = provider.estimate_eip1559_fees().await.map_err(transport)?;
        request.set_gas_limit(gas);
        request.set_nonce(nonce);
        request.set_max_fee_per_gas(fees.max_fee_per_gas);
        request.set_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let mut sent: Vec<B256> = Vec::new();
        for attempt in 0..=self.policy.max_replacements {
            let wait = match provider.send_transaction(request.clone()).await {
                Ok(pending) => {
                    sent.push(*pending.tx_hash());
                    self.policy.resend_after
                }
                // Priced under the parent's base fee: raise the fees at once.
                Err(e) if underpriced(&e.to_string()) => {
                    tracing::debug!(call, nonce, error = %e, "transaction underpriced");
                    std::time::Duration::ZERO
                }
                // An earlier attempt may have been mined meanwhile ("nonce too low").
                Err(e) if !sent.is_empty() => {
                    tracing::debug!(call, nonce, error = %e, "replacement not accepted");
                    self.policy.resend_after
                }
                Err(e) => return Err(transport(e)),
            };
            let deadline = std::time::Instant::now() + wait;
            loop {
                for hash in &sent {
                    if let Some(inner) =
                        provider.get_transaction_receipt(*hash).await.map_err(transport)?
                    {
                        let (tx_hash, gas_used) = (inner.transaction_hash, inner.gas_used);
                        if !inner.status() {
                            return Err(RootError::Reverted { call, tx_hash, gas_used });
                        }
                        let attempts = attempt + 1;
                        return Ok(Receipt { tx_hash, attempts, gas_used, inner });
                    }
                }
                if std::time::Instant::now() >= deadline {
                    break;
                }
                tokio::time::sleep(self.policy.poll).await;
            }
            // At least 1/8 more than before, and enough for twice the base fee of the block
            // being built (the parent may have announced a jump the estimate missed).
            let fresh = provider.estimate_eip1559_fees().await.map_err(transport)?;
            let bump = |old: Option<u128>, now: u128| {
                let old = old.unwrap_or_default();
                (old + old / 8 + 1).max(now)
            };
            let tip = bump(request.max_priority_fee_per_gas, fresh.max_priority_fee_per_gas);
            let next_base = provider
                .get_block_by_number(alloy::eips::BlockNumberOrTag::Pending)
                .await
                .map_err(transport)?
                .and_then(|b| b.header.base_fee_per_gas)
                .map_or(0, u128::from);
            let floor = fresh.max_fee_per_gas.max(2 * next_base + tip);
            let max_fee = bump(request.max_fee_per_gas, floor);
            request.set_max_fee_per_gas(max_fee);
            request.set_max_priority_fee_per_gas(tip.min(max_fee));
            tracing::warn!(
                call,
                nonce,
                attempt = attempt + 1,
                max_fee,
                "transaction not mined in time; replacing it with higher fees"
            );
        }
        Err(RootError::Transport {
            call,
            reason: format!(
                "not mined after {} replacements (nonce {nonce})",
                self.policy.max_replacements
            ),
        })
    }
}

/// Whether a node refused a transaction for its fees (the base fee rose, or a replacement
/// did not raise them enough).
fn underpriced(error: &str) -> bool {
    let error = error.to_ascii_lowercase();
    error.contains("base fee") || error.contains("underpriced")
}

/// The root's record of a deposit, from its `Deposited` event.
pub(crate) fn deposit_record(ev: &PlasmaRoot::Deposited) -> DepositRecord {
    DepositRecord {
        chainId: ev.chainId,
        nonce: ev.nonce,
        depositor: ev.depositor,
        recipient: ev.recipient,
        token: ev.token,
        amount: ev.amount,
    }
}

/// The first `E` event of a successful call's receipt.
/// The `ExitStarted` event of a `startExit` or `startDepositExit` receipt: the exit's id, and
/// the queue key by which `challengeExit` names an exit of an output.
pub fn exit_started(receipt: &Receipt) -> Result<PlasmaRoot::ExitStarted, RootError> {
    event("startExit", receipt)
}

fn event<E: SolEvent>(call: &'static str, receipt: &Receipt) -> Result<E, RootError> {
    receipt
        .inner
        .decoded_log::<E>()
        .map(|log| log.data)
        .ok_or(RootError::MissingEvent { call, event: E::SIGNATURE })
}

/// A refusal with the contract's custom error decoded, when it is one of ours.
fn refused(call: &'static str, e: ContractError) -> RootError {
    let reason = if let Some(err) = e.as_decoded_interface_error::<PlasmaRoot::PlasmaRootErrors>() {
        format!("{err:?}")
    } else if let Some(err) = e.as_decoded_interface_error::<FraudVerifier::FraudVerifierErrors>() {
        format!("{err:?}")
    } else {
        e.to_string()
    };
    if matches!(e, ContractError::TransportError(ref t) if t.as_error_resp().is_none()) {
        return RootError::Transport { call, reason };
    }
    RootError::Refused { call, reason }
}
