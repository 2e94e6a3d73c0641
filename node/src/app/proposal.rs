//! Proposals: building the next block (`PrepareProposal`), judging one (`ProcessProposal`),
//! executing the decided one (`FinalizeBlock`), and the queries beside them.

#[cfg(feature = "byzantine")]
use super::fault::forged;
use super::*;

/// Why this node does not accept a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum BlockRefusal {
    /// It breaks a rule.
    Invalid(String),
    /// It needs what the node has not yet read from its parent (a validator configuration
    /// it adopts, a deposit it mints): the same block may be accepted a moment later.
    NotYet(String),
}

impl std::fmt::Display for BlockRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlockRefusal::Invalid(reason) => f.write_str(reason),
            BlockRefusal::NotYet(reason) => write!(f, "not yet: {reason}"),
        }
    }
}

/// Whether the block at `height` adopts `pending` (instead of keeping `current`): only at
/// the parent's epoch ends, and only a set that differs.
pub(super) fn adopts_at(pending: &PendingSet, height: u64, current: &ValidatorSet) -> bool {
    header::is_epoch_end(height, pending.epoch_length) && pending.hash() != current.ledger().hash()
}

pub(super) fn read(store: &RwLock<Store>) -> RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(|p| p.into_inner())
}

impl State<'_> {
    /// The proposer's block: the parent's pending deposits in nonce order, then every
    /// candidate valid after those kept before it, within `max_tx_bytes` of encoded block
    /// (the [`abci`] layout: a borsh list of the header, the previous block's commit and every
    /// transaction, each with its 4-byte length).
    pub(super) fn prepare(
        &mut self,
        req: request::PrepareProposal,
    ) -> Result<response::PrepareProposal, AppError> {
        let store = read(self.store);
        let height = store.head().height;
        let last_commit = if height == 0 { None } else { store.commit_at(height)? };
        let last_commit = match last_commit {
            None => None,
            Some(bytes) => {
                let cert = store.certificate(height)?.ok_or_else(|| AppError::Decided {
                    height,
                    reason: "stored commit without its certificate".into(),
                })?;
                Some((bytes, cert))
            }
        };
        let carried_len = last_commit.as_ref().map_or(0, |(c, _)| c.len());
        let mut budget = usize::try_from(req.max_tx_bytes)
            .unwrap_or(0)
            .saturating_sub(4 + (4 + HEADER_BYTES) + (4 + carried_len));

        let view = store.view();
        let timestamp = req.time.unix_timestamp().max(0) as u64;
        let mut builder = BlockBuilder::new(&view, timestamp);
        let mut from = view.next_deposit_nonce();
        for _ in 0..MAX_DEPOSITS_PER_BLOCK {
            let Some(record) = view.next_parent_deposit(from) else { break };
            let (nonce, stx) = (record.nonce, deposit_transaction(&record));
            from = nonce.saturating_add(1);
            let size = 4 + stx.abi_encoded_size();
            if size > budget {
                break;
            }
            if let Err(e) = builder.push(self.domain, stx, self.signers) {
                warn!(nonce, error = %e, "a recorded parent deposit does not mint");
                break;
            }
            budget -= size;
        }
        // Children's exits that matured by this block's time, each queue in priority order,
        // paid (what the escrow holds) or cancelled (under a voided checkpoint).
        let matured = children::matured_payouts(&view, store.active_exits()?, timestamp);
        for stx in matured {
            // Each stands on the escrow the payouts before it leave.
            let stx = children::relinked(builder.view(), &stx).unwrap_or(stx);
            let size = 4 + stx.abi_encoded_size();
            if size > budget {
                break;
            }
            match builder.push(self.domain, stx, self.signers) {
                Ok(()) => budget -= size,
                Err(PushError::Full) => break,
                Err(PushError::Invalid(error)) => debug!(%error, "a matured exit is not payable"),
            }
        }
        for raw in &req.txs {
            if 4 + raw.len() > budget {
                break;
            }
            let Ok(stx) = SignedTransaction::decode(raw) else { continue };
            let kind = stx.transaction.kind;
            if !(stx.transaction.tx_kind().is_some_and(plasma_ledger::Kind::is_user_submittable)
                || plasma_ledger::kind::is_system_byte(kind))
            {
                continue;
            }
            // A lock, payout or fraud proof stands on the escrow or stakes this block holds
            // before it (its links are no signed data): a lock or stake committed since it was
            // built does not hold it off.
            let stx = children::relinked(builder.view(), &stx).unwrap_or(stx);
            let size = 4 + stx.abi_encoded_size();
            if size > budget {
                continue;
            }
            match builder.push(self.domain, stx, self.signers) {
                Ok(()) => budget -= size,
                Err(PushError::Full) => break,
                Err(PushError::Invalid(error)) => debug!(%error, "candidate left out"),
            }
        }
        let set = self.schedule.at(height + 1);
        let (next_validator_set_hash, adopts) = match store.pending_set()? {
            Some(p) if adopts_at(&p, height + 1, &set) => {
                match ValidatorSet::from_parent(p.validators) {
                    Ok(next) => (next.ledger().hash(), Some(next)),
                    Err(error) => {
                        warn!(%error, "the parent's pending validator set is unusable; keeping the current one");
                        (set.ledger().hash(), None)
                    }
                }
            }
            _ => (set.ledger().hash(), None),
        };
        let params = ProposalParams {
            timestamp,
            proposer: Address::from_slice(req.proposer_address.as_bytes()),
            validator_set_hash: set.ledger().hash(),
            next_validator_set_hash,
        };
        let (block, delta) = builder.seal(self.domain, &params);
        #[cfg(feature = "byzantine")]
        if self.rounds.pass_over_deposits {
            let carried = last_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default();
            let mut passing = block;
            passing.header.depositNonceEnd = u64::MAX;
            view.finish()?;
            let height = passing.header.height;
            warn!(height, "proposing a block passing over every deposit (fault injection)");
            return Ok(response::PrepareProposal { txs: block_txs(&passing, carried) });
        }
        #[cfg(feature = "byzantine")]
        if self.rounds.invalid_proposals {
            let carried = last_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default();
            let mut txs = block.transactions;
            let forged = plasma_ledger::DepositRecord {
                chainId: self.domain.chain_id,
                nonce: delta.next_deposit_nonce,
                depositor: params.proposer,
                recipient: params.proposer,
                token: Address::ZERO,
                amount: plasma_ledger::U256::from(10u64).pow(plasma_ledger::U256::from(24u64)),
            };
            let deposit = plasma_ledger::Kind::Deposit as u8;
            let at = txs.iter().take_while(|t| t.transaction.kind == deposit).count();
            txs.insert(at, deposit_transaction(&forged));
            let forged = plasma_ledger::block::seal_block(self.domain, &view, txs, &params);
            view.finish()?;
            warn!(height = forged.header.height, "proposing an invalid block (fault injection)");
            return Ok(response::PrepareProposal { txs: block_txs(&forged, carried) });
        }
        #[cfg(feature = "byzantine")]
        let (block, delta) = match &self.rounds.forge_with {
            None => (block, delta),
            Some((key, forgery)) => {
                match forged(&store, self.domain, key, *forgery)? {
                    forged if forged.is_empty() => (block, delta),
                    forged => {
                        let mut txs = block.transactions;
                        txs.extend(forged);
                        let forged =
                            plasma_ledger::block::seal_block(self.domain, &view, txs, &params);
                        let delta =
                            plasma_ledger::block::apply_block_unjudged(self.domain, &view, &forged);
                        let height = forged.header.height;
                        match forgery {
                            Forgery::Inflate => {
                                warn!(height, "proposing an inflating block (fault injection)")
                            }
                            Forgery::DoubleSpend => {
                                warn!(height, "proposing a double-spending block (fault injection)")
                            }
                            Forgery::MalformedStake => {
                                warn!(height, "proposing a malformed stake (fault injection)")
                            }
                            Forgery::OwnSetCheckpoint => {
                                warn!(height, "proposing a child checkpoint naming its own set (fault injection)")
                            }
                        }
                        (forged, delta)
                    }
                }
            }
        };
        view.finish()?;
        let judged = Judged { block, delta, adopts, last_commit };
        let carried = judged.last_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default();
        let out = block_txs(&judged.block, carried);
        self.rounds.judged.insert(judged.block.header.hash(), judged);
        Ok(response::PrepareProposal { txs: out })
    }

    /// The carried last commit, checked: it certifies the head this block extends.
    pub(super) fn last_commit(
        &self,
        carried: &[u8],
    ) -> Result<Option<(Vec<u8>, CommitCertificate)>, String> {
        let store = read(self.store);
        let head = store.head();
        if head.height == 0 {
            return if carried.is_empty() {
                Ok(None)
            } else {
                Err("a first block carries no commit".into())
            };
        }
        let engine = abci::decode_commit(carried).map_err(|e| format!("last commit: {e}"))?;
        let set = self.schedule.at(head.height);
        let cert = certificate::aggregate(self.domain.votes(), &set, &engine)
            .map_err(|e| format!("last commit: {e}"))?;
        if cert.height != head.height || cert.blockHash != head.hash {
            return Err(format!(
                "last commit certifies block {} at {}, not the head",
                cert.blockHash, cert.height
            ));
        }
        Ok(Some((carried.to_vec(), cert)))
    }

    pub(super) fn judge(&mut self, txs: &[Bytes]) -> Result<Result<B256, BlockRefusal>, AppError> {
        let (block, carried) = match decode_block(txs) {
            Ok(b) => b,
            Err(e) => return Ok(Err(BlockRefusal::Invalid(e))),
        };
        let hash = block.header.hash();
        if let Some(j) = self.rounds.judged.get(&hash) {
            let same = j.last_commit.as_ref().map(|(c, _)| c.as_slice()).unwrap_or_default()
                == carried.as_ref();
            if same {
                return Ok(Ok(hash));
            }
        }
        let height = block.header.height;
        let set = self.schedule.at(height);
        let epoch = read(self.store).parent_epoch_length()?.unwrap_or(0);
        let adopts = match header::check_validator_sets(&block.header, set.ledger().hash(), epoch) {
            Err(e) => return Ok(Err(BlockRefusal::Invalid(e.to_string()))),
            Ok(NextSet::Same) => None,
            // A configuration the parent numbered for this chain after the current set's
            // (honest proposers adopt the pending one; a node syncing later judges the
            // adoptions of history the same way).
            Ok(NextSet::Adopts(next)) => {
                let store = read(self.store);
                match store.configuration_after(&set.ledger().hash(), &next)? {
                    Some(members) => match ValidatorSet::from_parent(members) {
                        Ok(s) => Some(s),
                        Err(e) => {
                            return Ok(Err(BlockRefusal::Invalid(format!(
                                "the adopted validator set: {e}"
                            ))))
                        }
                    },
                    // Numbered before the current set's: the parent never activates it.
                    None if store.configuration_by_hash(&next)?.is_some() => {
                        return Ok(Err(BlockRefusal::Invalid(format!(
                            "header adopts validator set {next}, a configuration the parent \
                             numbered before the current set's: it never activates it"
                        ))))
                    }
                    // The parent may have numbered it a moment ago: this node has not read it.
                    None => {
                        return Ok(Err(BlockRefusal::NotYet(format!(
                            "header adopts validator set {next}, no configuration of the \
                             parent's this node knows yet"
                        ))))
                    }
                }
            }
        };
        let last_commit = match self.last_commit(&carried) {
            Ok(p) => p,
            Err(e) => return Ok(Err(BlockRefusal::Invalid(e))),
        };
        self.signers.warm(self.domain, &block.transactions);
        let verdict = read(self.store).apply_block_with(self.domain, &block, self.signers)?;
        #[cfg(feature = "byzantine")]
        let verdict = match verdict {
            Err(e) if self.rounds.certify_invalid => {
                warn!(height = block.header.height, error = %e, "certifying an invalid block (fault injection)");
                let store = read(self.store);
                let view = store.view();
                let delta = plasma_ledger::block::apply_block_unjudged(self.domain, &view, &block);
                view.finish()?;
                Ok(delta)
            }
            v => v,
        };
        match verdict {
            Ok(delta) => {
                self.rounds.judged.insert(hash, Judged { block, delta, adopts, last_commit });
                Ok(Ok(hash))
            }
            // A deposit the parent has not shown this node as final yet.
            Err(
                e @ BlockError::InvalidTransaction { error: TxError::DepositUnknown { .. }, .. },
            ) => Ok(Err(BlockRefusal::NotYet(e.to_string()))),
            Err(e) => Ok(Err(BlockRefusal::Invalid(e.to_string()))),
        }
    }

    pub(super) fn process(
        &mut self,
        req: request::ProcessProposal,
    ) -> Result<response::ProcessProposal, AppError> {
        let claimed = B256::from_slice(req.hash.as_bytes());
        let verdict = self.judge(&req.txs)?.and_then(|hash| {
            let header = &self.rounds.judged[&hash].block.header;
            if hash != claimed {
                let refused = format!("block hash {hash} is not the proposed {claimed}");
                return Err(BlockRefusal::Invalid(refused));
            }
            // The header names the validator who built the block. A later round re-proposes
            // a block that gathered a polka under its own proposer, so the round's proposer
            // (whose signature over the stream the shim checked) may be another member.
            let set = self.schedule.at(header.height);
            header::check_proposer(header, set.ledger().validators())
                .and_then(|()| {
                    let previous = self.previous_block_time(header.height);
                    header::check_time(header, previous, unix_now())
                })
                .map_err(|e| BlockRefusal::Invalid(e.to_string()))?;
            // Valid, but this node votes for no proposal that passes over deposits: that
            // takes a quorum, as leaving them out does.
            let store = read(self.store);
            let view = store.view();
            let passed = plasma_ledger::block::passes_over(&view, &self.rounds.judged[&hash].block);
            view.finish().map_err(|e| BlockRefusal::NotYet(format!("reading deposits: {e}")))?;
            passed.map_err(|p| {
                BlockRefusal::Invalid(format!("the proposal passes over deposits: {p}"))
            })
        });
        Ok(match verdict {
            Ok(()) => response::ProcessProposal::Accept,
            Err(BlockRefusal::Invalid(reason)) => {
                warn!(height = %req.height, %reason, "rejecting proposal");
                response::ProcessProposal::Reject
            }
            // Neither accepted nor rejected: the engine asks again later.
            Err(BlockRefusal::NotYet(reason)) => {
                info!(height = %req.height, %reason, "cannot judge the proposal yet");
                response::ProcessProposal::Unknown
            }
        })
    }

    /// Timestamp of the block before `height`, if this node has it.
    pub(super) fn previous_block_time(&self, height: u64) -> Option<u64> {
        let store = read(self.store);
        store.block(height.checked_sub(1)?).ok().flatten().map(|b| b.header.timestamp)
    }

    pub(super) fn finalize(
        &mut self,
        req: request::FinalizeBlock,
    ) -> Result<response::FinalizeBlock, AppError> {
        let height = req.height.value();
        let fail = |reason: String| AppError::Decided { height, reason };
        let (commit, block) = req.txs.split_first().ok_or_else(|| fail("no commit".into()))?;
        let cert = abci::decode_commit(commit).map_err(|e| fail(format!("commit: {e}")))?;
        let certificate =
            certificate::aggregate(self.domain.votes(), &self.schedule.at(height), &cert)
                .map_err(|e| fail(format!("certificate: {e}")))?;
        let hash = self.judge(block)?.map_err(|r| fail(r.to_string()))?;
        if certificate.blockHash != hash {
            return Err(fail(format!(
                "certificate is for {}, block is {hash}",
                certificate.blockHash
            )));
        }
        let judged = self.rounds.judged[&hash].clone();
        let evidence = req
            .misbehavior
            .iter()
            .map(|m| (Address::from_slice(m.validator.address.as_slice()), m.height.value()))
            .collect();
        self.rounds.staged =
            Some(Staged { judged, commit: commit.to_vec(), certificate, evidence });
        Ok(response::FinalizeBlock {
            events: Vec::new(),
            tx_results: Vec::new(),
            validator_updates: Vec::new(),
            consensus_param_updates: None,
            app_hash: hash.to_vec().try_into().unwrap_or_default(),
        })
    }

    pub(super) fn query(&self, q: &request::Query) -> Result<response::Query, AppError> {
        let not_found = |log: &str| response::Query {
            code: Code::from(1),
            log: log.into(),
            ..Default::default()
        };
        let store = read(self.store);
        match q.path.as_str() {
            QUERY_COMMIT => {
                let Ok(h) = <[u8; 8]>::try_from(q.data.as_ref()) else {
                    return Ok(not_found("data must be a height (8 bytes, big-endian)"));
                };
                let h = u64::from_be_bytes(h);
                let (Some(block), Some(commit)) = (store.block(h)?, store.commit_at(h)?) else {
                    return Ok(not_found("no such height"));
                };
                let carried =
                    if h > 1 { store.commit_at(h - 1)?.unwrap_or_default() } else { Vec::new() };
                let decided = DecidedBlock {
                    commit,
                    txs: block_txs(&block, &carried).into_iter().map(|b| b.to_vec()).collect(),
                };
                Ok(response::Query { value: decided.encode(), ..Default::default() })
            }
            other => Ok(not_found(&format!("unknown query path {other:?}"))),
        }
    }
}
