//! The laws of the ledger, checked over generated histories and tampered evidence.

use alloy_sol_types::SolValue;
use plasma_ledger::build::{deposit_transaction, transfer};
use plasma_ledger::certificate::ValidatorSet;
use plasma_ledger::exit::verify_inclusion;
use plasma_ledger::fraud::{self, MissingInput};
use plasma_ledger::merkle::{self, leaf_hash};
use plasma_ledger::signing::{recover_signer, UserKey};
use plasma_ledger::testkit::{self, FraudWorld, TestChain};
use plasma_ledger::tx::TxError;
use plasma_ledger::types::decode;
use plasma_ledger::{
    validate_transaction, Address, Checkpoint, LedgerView, MerkleProof, Output, TxInclusion,
    UtxoPos, B256, U256,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn cases(default: u32) -> ProptestConfig {
    let cases =
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

const TOKENS: [Address; 2] = [Address::ZERO, testkit::TOKEN];

/// One step of a generated history.
#[derive(Debug, Clone)]
enum Step {
    Deposit { user: usize, token: usize, amount: u64 },
    Transfer { pick: usize, to: usize, split: u64 },
    Merge { pick: usize },
    Inflate { pick: usize, extra: u64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4usize, 0..2usize, 1..1_000_000u64).prop_map(|(user, token, amount)| Step::Deposit {
            user,
            token,
            amount
        }),
        (any::<usize>(), 0..4usize, any::<u64>()).prop_map(|(pick, to, split)| Step::Transfer {
            pick,
            to,
            split
        }),
        any::<usize>().prop_map(|pick| Step::Merge { pick }),
        (any::<usize>(), 1..1_000u64).prop_map(|(pick, extra)| Step::Inflate { pick, extra }),
    ]
}

struct History {
    chain: TestChain,
    users: Vec<UserKey>,
    deposited: BTreeMap<Address, U256>,
    /// Every output ever created, so spent ones can be spent again in the test.
    ever: BTreeMap<UtxoPos, Output>,
}

impl History {
    fn new() -> Self {
        Self {
            chain: TestChain::new(),
            users: (0..4).map(|i| testkit::user(&format!("user{i}"))).collect(),
            deposited: BTreeMap::new(),
            ever: BTreeMap::new(),
        }
    }

    fn key_of(&self, owner: Address) -> &UserKey {
        self.users.iter().find(|u| u.address() == owner).expect("outputs belong to users")
    }

    fn nth_unspent(&self, pick: usize, taken: &[UtxoPos]) -> Option<(UtxoPos, Output)> {
        let free: Vec<_> =
            self.chain.state.utxos.iter().filter(|(p, _)| !taken.contains(p)).collect();
        (!free.is_empty()).then(|| {
            let (p, o) = free[pick % free.len()];
            (p.clone(), o.clone())
        })
    }

    /// Turns steps into one block's transactions (deposits first); `Inflate` makes the block
    /// invalid. Returns the transactions, whether the block is valid, and how many deposits.
    fn block(&mut self, steps: &[Step]) -> (Vec<plasma_ledger::SignedTransaction>, bool, usize) {
        let d = self.chain.domain.clone();
        let mut txs = Vec::new();
        let mut taken: Vec<UtxoPos> = Vec::new();
        let mut valid = true;
        let mut deposits = 0;
        for s in steps {
            match *s {
                Step::Deposit { user, token, amount } => {
                    let r = self.chain.record_deposit(
                        self.users[user].address(),
                        TOKENS[token],
                        amount,
                    );
                    deposits += 1;
                    // Deposits must come in nonce order: put them first, in order.
                    txs.insert(deposits - 1, deposit_transaction(&r));
                }
                Step::Transfer { pick, to, split } => {
                    let Some((pos, out)) = self.nth_unspent(pick, &taken) else { continue };
                    let first = U256::from(split) % out.amount;
                    let mut outputs =
                        vec![Output::new(self.users[to].address(), out.token, out.amount - first)];
                    if !first.is_zero() {
                        outputs.push(Output::new(out.owner, out.token, first));
                    }
                    taken.push(pos.clone());
                    txs.push(transfer(&d, &[(pos, self.key_of(out.owner))], outputs));
                }
                Step::Merge { pick } => {
                    let Some((a, oa)) = self.nth_unspent(pick, &taken) else { continue };
                    let same = |(p, o): &(&UtxoPos, &Output)| {
                        **p != a && !taken.contains(p) && o.owner == oa.owner && o.token == oa.token
                    };
                    let Some((b, ob)) = self.chain.state.utxos.iter().find(|e| same(e)) else {
                        continue;
                    };
                    let (b, ob) = (b.clone(), ob.clone());
                    let key = self.key_of(oa.owner);
                    let merged = Output::new(oa.owner, oa.token, oa.amount + ob.amount);
                    taken.extend([a.clone(), b.clone()]);
                    txs.push(transfer(&d, &[(a, key), (b, key)], vec![merged]));
                }
                Step::Inflate { pick, extra } => {
                    let Some((pos, out)) = self.nth_unspent(pick, &taken) else { continue };
                    let more = Output::new(out.owner, out.token, out.amount + U256::from(extra));
                    taken.push(pos.clone());
                    txs.push(transfer(&d, &[(pos, self.key_of(out.owner))], vec![more]));
                    valid = false;
                }
            }
        }
        (txs, valid, deposits)
    }
}

proptest! {
    #![proptest_config(cases(48))]

    /// Law: across any sequence of blocks, the value held (unspent outputs plus children's
    /// escrow) per asset equals what was deposited; an invalid block changes nothing.
    #[test]
    fn value_is_conserved_per_asset(blocks in prop::collection::vec(prop::collection::vec(step(), 1..6), 1..8)) {
        let mut h = History::new();
        for steps in &blocks {
            let (txs, valid, deposits) = h.block(steps);
            let before = h.chain.state.clone();
            let minted = match h.chain.try_commit(txs.clone()) {
                Ok(delta) => {
                    prop_assert!(valid, "an inflating block was accepted");
                    delta
                }
                Err(e) => {
                    prop_assert!(!valid, "a valid block was refused: {e}");
                    prop_assert_eq!(&h.chain.state, &before);
                    // The parent's deposits stay owed: the next block mints them alone.
                    h.chain.try_commit(txs[..deposits].to_vec()).expect("deposits alone are valid")
                }
            };
            for r in before.parent_deposits.values() {
                if (before.next_deposit_nonce..minted.next_deposit_nonce).contains(&r.nonce) {
                    *h.deposited.entry(r.token).or_default() += r.amount;
                }
            }
            let mut totals = h.chain.state.total_value();
            totals.retain(|_, v| !v.is_zero());
            let mut deposited = h.deposited.clone();
            deposited.retain(|_, v| !v.is_zero());
            prop_assert_eq!(totals, deposited);
        }
    }

    /// Law: a transaction spending a spent or never-created output is refused, however well
    /// it is signed.
    #[test]
    fn spent_or_missing_inputs_are_refused(
        blocks in prop::collection::vec(prop::collection::vec(step(), 1..5), 1..6),
        pick in any::<usize>(),
        missing in (1..20u64, 0..8u32, 0..4u8),
    ) {
        let mut h = History::new();
        for steps in &blocks {
            let (txs, _, deposits) = h.block(steps);
            let delta = match h.chain.try_commit(txs.clone()) {
                Ok(delta) => delta,
                Err(_) => h.chain.try_commit(txs[..deposits].to_vec()).expect("deposits alone are valid"),
            };
            h.ever.extend(delta.created.iter().cloned());
        }
        let d = h.chain.domain.clone();
        let spent: Vec<_> = h.chain.state.spent.keys().cloned().collect();
        if !spent.is_empty() {
            let pos = spent[pick % spent.len()].clone();
            let out = h.ever.get(&pos).cloned().or_else(|| {
                // Spent within its own block: find it in the block body.
                let b = &h.chain.blocks[pos.blockHeight as usize - 1];
                b.transactions[pos.txIndex as usize].transaction.outputs.get(pos.outputIndex as usize).cloned()
            }).expect("spent outputs were created");
            let again = transfer(&d, &[(pos.clone(), h.key_of(out.owner))], vec![out.clone()]);
            let err = validate_transaction(&d, &h.chain.state, &again).unwrap_err();
            prop_assert!(matches!(err, TxError::InputSpent { pos: ref p, .. } if *p == pos), "{err:?}");
        }
        let pos = UtxoPos::new(missing.0, missing.1, missing.2);
        if h.chain.state.unspent(&pos).is_none() && !h.chain.state.spent.contains_key(&pos) {
            let ghost = transfer(&d, &[(pos.clone(), &h.users[0])], vec![Output::new(h.users[0].address(), Address::ZERO, U256::from(1))]);
            prop_assert_eq!(validate_transaction(&d, &h.chain.state, &ghost).unwrap_err(), TxError::InputMissing { pos });
        }
    }

    /// Tampering any byte of a signature makes it recover someone else, or nobody.
    #[test]
    fn tampered_signature_never_recovers_the_signer(seed in any::<u64>(), at in 0..65usize, flip in 1..=255u8) {
        let key = testkit::user(&seed.to_string());
        let digest = alloy_primitives::keccak256(seed.to_be_bytes());
        let mut sig = key.sign_digest(&digest);
        prop_assert_eq!(recover_signer(&digest, &sig), Ok(key.address()));
        sig[at] ^= flip;
        prop_assert_ne!(recover_signer(&digest, &sig), Ok(key.address()));
    }

    /// Tampering any byte of an encoded Merkle proof makes verification fail.
    #[test]
    fn tampered_merkle_proof_fails(n in 1..40usize, i in any::<usize>(), at in any::<usize>(), flip in 1..=255u8) {
        let leaves: Vec<B256> = (0..n).map(|k| leaf_hash(&k.to_be_bytes())).collect();
        let i = i % n;
        let root = merkle::root(&leaves);
        let proof = merkle::prove(&leaves, i, None).unwrap();
        prop_assert_eq!(merkle::verify(leaves[i], &proof, root), Ok(()));
        let mut bytes = proof.abi_encode();
        let at = at % bytes.len();
        bytes[at] ^= flip;
        if let Ok(p) = decode::<MerkleProof>("MerkleProof", &bytes, 1 << 16) {
            prop_assert!(merkle::verify(leaves[i], &p, root).is_err());
        }
    }
}

proptest! {
    #![proptest_config(cases(24))]

    /// Tampering any byte of a transaction's inclusion proof (transaction, header, tx proof,
    /// history proof) makes it fail to prove inclusion under the checkpoint.
    #[test]
    fn tampered_inclusion_fails(seed in 0..4u64, which in 0..3usize, at in any::<usize>(), flip in 1..=255u8) {
        let world = FraudWorld::new(seed);
        let (height, index) = [(1u64, 1u32), (2, 0), (3, 1)][which];
        let chain = &world.chain;
        let incl = chain.inclusion(height, index);
        prop_assert_eq!(verify_inclusion(7, chain.tip(), &incl, height, index), Ok(()));
        let mut bytes = incl.abi_encode();
        let at = at % bytes.len();
        bytes[at] ^= flip;
        if let Ok(t) = decode::<TxInclusion>("TxInclusion", &bytes, 1 << 16) {
            prop_assert!(verify_inclusion(7, chain.tip(), &t, height, index).is_err());
        }
    }

    /// Tampering any byte of a checkpoint (header or certificate) makes it fail.
    #[test]
    fn tampered_checkpoint_fails(at in any::<usize>(), flip in 1..=255u8) {
        let (keys, set): (_, ValidatorSet) = testkit::committee(4);
        let header = plasma_ledger::BlockHeader { chainId: 7, height: 3, ..Default::default() };
        let cp = Checkpoint { certificate: testkit::certify_all(&set, &keys, &header), header };
        prop_assert!(set.verify_checkpoint(&testkit::votes(7), &cp).is_ok());
        let mut bytes = cp.abi_encode();
        let at = at % bytes.len();
        bytes[at] ^= flip;
        if let Ok(c) = decode::<Checkpoint>("Checkpoint", &bytes, 1 << 16) {
            prop_assert!(set.verify_checkpoint(&testkit::votes(7), &c).is_err());
        }
    }

    /// Every fraud-proof kind convicts the real fraud and acquits its honest counterpart.
    #[test]
    fn fraud_proofs_convict_fraud_and_acquit_honesty(seed in any::<u64>()) {
        let w = FraudWorld::new(seed);
        let c = &w.chain;
        let (anchor, id, d, bad) = (c.tip(), c.domain.chain_id, &c.domain, w.bad_height);
        let convicted = |r: Result<fraud::FraudVerdict, fraud::FraudError>, kind| {
            matches!(r, Ok(ref v) if v.kind == kind && v.height == bad)
        };
        use fraud::FraudKind::*;
        // Double spend: block 3 and block 4 both spend bob's deposit.
        let first = w.spend(w.honest_other, 1);
        prop_assert!(convicted(fraud::verify_double_spend(id, anchor, &first, &w.spend((bad, w.double_spend), 0)), DoubleSpend));
        prop_assert_eq!(fraud::verify_double_spend(id, anchor, &first, &w.spend(w.honest_other, 0)), Err(fraud::FraudError::DifferentOutputs));
        // Invalid signature.
        let forged = (bad, w.forged);
        prop_assert!(convicted(fraud::verify_invalid_signature(d, anchor, &w.spend(forged, 0), &w.input_inclusions(forged)[0]), InvalidSignature));
        let honest = w.honest_transfer;
        prop_assert_eq!(fraud::verify_invalid_signature(d, anchor, &w.spend(honest, 0), &w.input_inclusions(honest)[0]), Err(fraud::FraudError::SignatureValid));
        // Inflation.
        let infl = (bad, w.inflating);
        prop_assert!(convicted(fraud::verify_inflation(id, anchor, &w.inflation_evidence(infl, false)), Inflation));
        let ok = w.honest_other;
        prop_assert_eq!(fraud::verify_inflation(id, anchor, &w.inflation_evidence(ok, false)), Err(fraud::FraudError::Conserved));
        // Nonexistent input, both ways of showing it.
        let no_out = w.spend((bad, w.no_such_output), 0);
        prop_assert!(convicted(fraud::verify_nonexistent_input(id, anchor, &no_out, &MissingInput::NoSuchOutput(c.inclusion(2, 0))), NonexistentInput));
        let past_end = w.spend((bad, w.after_last), 0);
        prop_assert!(convicted(fraud::verify_nonexistent_input(id, anchor, &past_end, &MissingInput::AfterLastTransaction(c.inclusion(1, 2))), NonexistentInput));
        prop_assert_eq!(fraud::verify_nonexistent_input(id, anchor, &w.spend(honest, 0), &MissingInput::NoSuchOutput(c.inclusion(1, 0))), Err(fraud::FraudError::InputExists));
        // A "last transaction" that is not last does not prove absence.
        prop_assert_eq!(fraud::verify_nonexistent_input(id, anchor, &past_end, &MissingInput::AfterLastTransaction(c.inclusion(1, 1))), Err(fraud::FraudError::NotLastTransaction));
        // Deposit mismatch.
        let records = &c.state.parent_deposits;
        let lookup = |n| records.get(&n).cloned();
        prop_assert!(convicted(fraud::verify_deposit_mismatch(id, anchor, bad, w.bad_deposit, &c.inclusion(bad, w.bad_deposit), lookup), DepositMismatch));
        prop_assert_eq!(fraud::verify_deposit_mismatch(id, anchor, 1, 0, &c.inclusion(1, 0), lookup), Err(fraud::FraudError::DepositMatches));
        // Double mint: deposit 0 minted in block 1 and again in the bad block.
        let mint = |height, tx_index| fraud::MintEvidence { height, tx_index, inclusion: c.inclusion(height, tx_index) };
        prop_assert!(convicted(fraud::verify_double_mint(id, anchor, &mint(1, 0), &mint(bad, w.double_mint)), DepositMismatch));
        prop_assert_eq!(fraud::verify_double_mint(id, anchor, &mint(1, 0), &mint(1, 1)), Err(fraud::FraudError::DifferentDeposits));
        // Equivocation: signers of both conflicting certificates of one round are the culprits.
        let (keys, set) = testkit::committee(4);
        let h = c.blocks[2].header.clone();
        let mut twin = h.clone();
        twin.timestamp = twin.timestamp.wrapping_add(1 + seed % 100);
        let a: Vec<_> = keys.iter().enumerate().take(3).collect();
        let b: Vec<_> = keys.iter().enumerate().skip(1).collect();
        let ca = testkit::certified(&set, &a, &h, 0);
        let cb = testkit::certified(&set, &b, &twin, 0);
        let v = fraud::verify_equivocation(&set, &testkit::votes(id), &ca, &cb).unwrap();
        prop_assert_eq!((v.kind, v.height, v.culprits), (Equivocation, 3, vec![1, 2]));
        // Of different rounds, the same two quorums are a fork an honest validator may have
        // signed both sides of: proven, nobody convicted.
        let later = testkit::certified(&set, &b, &twin, 1 + (seed % 3) as u32);
        let v = fraud::verify_equivocation(&set, &testkit::votes(id), &ca, &later).unwrap();
        prop_assert_eq!((v.kind, v.height, v.culprits), (Equivocation, 3, vec![]));
        prop_assert_eq!(fraud::verify_equivocation(&set, &testkit::votes(id), &ca, &ca), Err(fraud::FraudError::NotConflicting));
        // Conflicting checkpoints: the fork's checkpoint at 6 against one of the chain's at
        // each height h below it, compared at each height j <= h, convicts from h + 1 exactly
        // where the two histories disagree (from 4 on).
        let fork = &w.fork;
        for h in 1..=5u64 {
            for j in 1..=h {
                let earlier = c.blocks[h as usize - 1].header.clone();
                let hash = earlier.hash();
                let e = plasma_ledger::ConflictingCheckpointsEvidence {
                    earlier,
                    ours: c.blocks[j as usize - 1].header.clone(),
                    oursProof: c.history_under(j, h),
                    shown: fork.blocks[j as usize - 1].header.clone(),
                    historyProof: fork.history_under(j, 6),
                };
                let verdict =
                    fraud::verify_conflicting_checkpoints(id, fork.tip(), &e, |_| Some(hash));
                let expected = match j {
                    1..=3 => Err(fraud::FraudError::HistoriesAgree),
                    _ => Ok((ConflictingCheckpoints, h + 1)),
                };
                prop_assert_eq!(verdict.map(|v| (v.kind, v.height)), expected);
                // Not the parent's checkpoint at h: nothing is shown.
                let unknown = fraud::verify_conflicting_checkpoints(id, fork.tip(), &e, |_| None);
                prop_assert!(unknown.is_err());
            }
        }
    }
}
