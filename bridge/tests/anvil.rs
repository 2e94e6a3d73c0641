//! The root contracts against a real anvil: deployed from the committed artifacts with alloy,
//! a chain registered, four BLS validators bonded with proofs of possession, checkpoints
//! certified by the ledger's signing code, deposits, exits, a challenge, processing and
//! withdrawal, and a validator-set change acknowledged at an epoch end.

use alloy::primitives::{Address, U256};
use plasma_bridge::bindings::MockERC20;
use plasma_bridge::devchain::Devchain;
use plasma_bridge::{ChainParams, Root, RootError};
use plasma_ledger::bls::BlsSecretKey;
use plasma_ledger::build::{deposit_transaction, transfer};
use plasma_ledger::certificate::{certify, ValidatorSet};
use plasma_ledger::signing::SigningDomain;
use plasma_ledger::testkit::TestChain;
use plasma_ledger::{Output, UtxoPos};

const ETH: Address = Address::ZERO;
const EXIT_PERIOD: u64 = 3_600;

fn ether(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

fn milli(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(15))
}

fn refused_with(result: Result<impl std::fmt::Debug, RootError>, error: &str) {
    match result {
        Err(RootError::Refused { reason, .. }) => {
            assert!(reason.contains(error), "expected {error}, got {reason}")
        }
        other => panic!("expected refusal {error}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_contracts_end_to_end_on_anvil() {
    let dev = Devchain::start(12).expect("anvil starts");
    let a = &dev.accounts;
    let (admin, validators, alice, bob, relayer, newcomer) =
        (a[0], &a[1..5], a[5], a[6], a[7], a[8]);
    let bond = milli(100);
    let bounty = milli(10);
    let (root, deployment) =
        Root::deploy(dev.provider.clone(), bond, bounty).await.expect("contracts deploy");
    assert_ne!(deployment.module, deployment.verifier);

    // Registry and staking: four validators bond with proofs of possession.
    let params = ChainParams {
        epoch_length: 2,
        exit_period: EXIT_PERIOD,
        min_stake: 1_000_000_000,
        max_validators: 16,
    };
    let (chain_id, _) = root.register_chain(admin, params).await.expect("register");
    assert_eq!(chain_id, 1);
    let keys: Vec<BlsSecretKey> = (0..5)
        .map(|i| BlsSecretKey::from_seed(format!("anvil-validator-{i}").as_bytes()))
        .collect();
    for (i, operator) in validators.iter().enumerate() {
        let r = root.bond(*operator, chain_id, &keys[i], ether(32)).await.expect("bond");
        eprintln!("bond gasUsed={}", r.gas_used);
    }
    // A proof of possession made for another operator is refused.
    let stolen = root
        .contract()
        .bond(
            chain_id,
            keys[4].public_key().to_eip2537().to_vec().into(),
            keys[4].proof_of_possession(alice).to_eip2537().to_vec().into(),
        )
        .from(newcomer)
        .value(ether(32))
        .send()
        .await;
    assert!(stolen.is_err(), "a PoP bound to another operator must not bond");
    let genesis = validators.to_vec();
    let (config, _) = root.propose_genesis(admin, chain_id, genesis).await.expect("genesis config");
    assert_eq!(config, 1);
    let set = ValidatorSet::new(root.validators(chain_id, 1).await.expect("read set"))
        .expect("valid set");
    assert_eq!(set.validators().len(), 4);
    assert!(set.validators().iter().zip(validators).all(|(v, op)| v.operator == *op));
    assert!(set.validators().iter().all(|v| v.power == 32_000_000_000), "power = stake in gwei");

    // Deposits: ETH and an ERC-20.
    let (eth_record, r) =
        root.deposit(alice, chain_id, alice, ETH, ether(1)).await.expect("deposit ETH");
    eprintln!("deposit ETH gasUsed={}", r.gas_used);
    let token = MockERC20::deploy(dev.provider.clone()).await.expect("token");
    token
        .mint(alice, U256::from(1_000))
        .from(alice)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    token
        .approve(root.address(), U256::from(1_000))
        .from(alice)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    let (token_record, r) = root
        .deposit(alice, chain_id, alice, *token.address(), U256::from(500))
        .await
        .expect("deposit token");
    eprintln!("deposit ERC20 gasUsed={}", r.gas_used);
    assert_eq!((eth_record.nonce, token_record.nonce), (0, 1));
    assert_eq!(root.locked(chain_id, ETH).await.unwrap(), ether(1));
    assert_eq!(root.locked(chain_id, *token.address()).await.unwrap(), U256::from(500));

    // The chain, by the ledger's rules, in the root's signing domain.
    let domain = SigningDomain::new(chain_id, 31337, root.address());
    let mut chain = TestChain::with_domain(domain.clone(), set.hash());
    chain.add_parent_deposit(eth_record.clone());
    chain.add_parent_deposit(token_record.clone());
    chain.commit(vec![deposit_transaction(&eth_record), deposit_transaction(&token_record)]);
    let alice_key = dev.user_key(5).expect("anvil account");
    assert_eq!(alice_key.address(), alice);
    let pay = transfer(
        &domain,
        &[(UtxoPos::new(1, 0, 0), &alice_key)],
        vec![Output::new(bob, ETH, milli(400)), Output::new(alice, ETH, milli(600))],
    );
    chain.commit(vec![pay]);
    let header2 = chain.tip().clone();

    // A checkpoint certified by three of the four (one non-signer is subtracted).
    let three: Vec<_> = keys[..3].iter().enumerate().collect();
    let cert = certify(&set, &three, chain.domain.votes(), &header2, 0).expect("certificate");
    let r = root.submit_checkpoint(relayer, &header2, &cert).await.expect("checkpoint");
    eprintln!("submitCheckpoint validators=4 nonSigners=1 gasUsed={}", r.gas_used);
    assert_eq!(root.checkpoint(chain_id, 2).await.unwrap(), header2.hash());
    refused_with(root.submit_checkpoint(relayer, &header2, &cert).await, "NotNewer");
    let two: Vec<_> = keys[..2].iter().enumerate().collect();
    let mut later = header2.clone();
    later.height = 9;
    let weak = certify(&set, &two, chain.domain.votes(), &later, 0).expect("certificate");
    refused_with(root.submit_checkpoint(relayer, &later, &weak).await, "InsufficientPower");

    // Exits: Bob's payment under checkpoint 2; Alice's token deposit from the root's record.
    let r = root
        .start_exit(bob, &header2, &UtxoPos::new(2, 0, 0), &chain.inclusion(2, 0), bond)
        .await
        .expect("bob exits");
    eprintln!("startExit gasUsed={}", r.gas_used);
    refused_with(
        root.start_exit(bob, &header2, &UtxoPos::new(2, 0, 0), &chain.inclusion(2, 0), bond).await,
        "ExitExists",
    );
    refused_with(
        root.start_exit(alice, &header2, &UtxoPos::new(2, 0, 0), &chain.inclusion(2, 0), bond)
            .await,
        "NotOwner",
    );
    root.start_deposit_exit(alice, &token_record, bond)
        .await
        .expect("alice exits her token deposit");

    // Alice exits her change but has already signed it away: the relayer challenges with
    // that in-flight spend and takes the bond.
    let r = root
        .start_exit(alice, &header2, &UtxoPos::new(2, 0, 1), &chain.inclusion(2, 0), bond)
        .await
        .expect("alice exits her change");
    eprintln!("startExit (queue not empty) gasUsed={}", r.gas_used);
    let alices = plasma_bridge::exit_started(&r).expect("ExitStarted");
    assert_eq!(alices.exitId, chain.output_exit_id(&UtxoPos::new(2, 0, 1)), "the ledger's exit id");
    let spend = transfer(
        &domain,
        &[(UtxoPos::new(2, 0, 1), &alice_key)],
        vec![Output::new(bob, ETH, milli(600))],
    );
    let before = root.owed(relayer, ETH).await.unwrap();
    let relayer_balance = dev_balance(&dev, relayer).await;
    let r = root
        .challenge_exit(relayer, chain_id, alices.queueKey, &spend, 0)
        .await
        .expect("challenge");
    eprintln!("challengeExit gasUsed={}", r.gas_used);
    assert_eq!(root.owed(relayer, ETH).await.unwrap(), before);
    let fee = U256::from(r.gas_used) * U256::from(r.inner.effective_gas_price);
    assert_eq!(
        dev_balance(&dev, relayer).await,
        relayer_balance + bond - fee,
        "bond paid to challenger"
    );

    // Nothing is paid before maturity; after the exit period both exits are.
    root.process_exits(relayer, chain_id, ETH, 10).await.expect("process (nothing mature)");
    assert_eq!(root.owed(bob, ETH).await.unwrap(), U256::ZERO);
    // Deposit-record exits wait 2P from their recording (MVP), standard ones P from now here.
    dev.warp(2 * EXIT_PERIOD + 1).await.expect("warp");
    let r = root.process_exits(relayer, chain_id, ETH, 10).await.expect("process ETH");
    eprintln!("processExits exits=2 (one challenged) gasUsed={}", r.gas_used);
    root.process_exits(relayer, chain_id, *token.address(), 10).await.expect("process token");
    assert_eq!(root.owed(bob, ETH).await.unwrap(), milli(400) + bond - bounty);
    assert_eq!(root.owed(relayer, ETH).await.unwrap(), bounty * U256::from(2));
    assert_eq!(root.owed(alice, *token.address()).await.unwrap(), U256::from(500));
    root.withdraw(alice, *token.address()).await.expect("withdraw token");
    assert_eq!(token.balanceOf(alice).call().await.unwrap(), U256::from(1_000));
    let bob_before = dev_balance(&dev, bob).await;
    let r = root.withdraw(bob, ETH).await.expect("withdraw ETH");
    let fee = U256::from(r.gas_used) * U256::from(r.inner.effective_gas_price);
    assert_eq!(dev_balance(&dev, bob).await, bob_before + milli(400) + bond - bounty - fee);
    assert_eq!(
        root.locked(chain_id, ETH).await.unwrap(),
        milli(600),
        "the challenged change stays locked"
    );
    assert_eq!(root.locked(chain_id, *token.address()).await.unwrap(), U256::ZERO);

    // A validator-set change: a fifth validator bonds and the fourth leaves; configuration 2
    // is proposed, and the chain acknowledges it in its epoch-end header (height 4); height 5
    // is certified by it. The leaver's stake unlocks one exit period after that.
    root.bond(newcomer, chain_id, &keys[4], ether(32)).await.expect("newcomer bonds");
    let leaver = validators[3];
    root.unbond(leaver, chain_id).await.expect("unbond");
    let (config, _) = root.propose_configuration(admin, chain_id).await.expect("config 2");
    assert_eq!(config, 2);
    let set2 = ValidatorSet::new(root.validators(chain_id, 2).await.unwrap()).unwrap();
    let order: Vec<Address> = set2.validators().iter().map(|v| v.operator).collect();
    assert_eq!(order, vec![validators[0], validators[1], validators[2], newcomer]);
    let keys2 = [&keys[0], &keys[1], &keys[2], &keys[4]];
    let signers2: Vec<_> = keys2.iter().copied().enumerate().collect();
    chain.commit(vec![]);
    chain.next_validator_set_hash = set2.hash();
    chain.commit(vec![]);
    let all4: Vec<_> = keys[..4].iter().enumerate().collect();
    let header4 = chain.tip().clone();
    root.submit_checkpoint(
        relayer,
        &header4,
        &certify(&set, &all4, chain.domain.votes(), &header4, 0).unwrap(),
    )
    .await
    .expect("epoch-end checkpoint");
    chain.validator_set_hash = set2.hash();
    chain.commit(vec![]);
    let header5 = chain.tip().clone();
    // The old set no longer certifies, and a header still naming it is refused.
    refused_with(
        root.submit_checkpoint(
            relayer,
            &header5,
            &certify(&set, &all4, chain.domain.votes(), &header5, 0).unwrap(),
        )
        .await,
        "BadSignature",
    );
    let mut stale = header5.clone();
    stale.validatorSetHash = set.hash();
    refused_with(
        root.submit_checkpoint(
            relayer,
            &stale,
            &certify(&set2, &signers2, chain.domain.votes(), &stale, 0).unwrap(),
        )
        .await,
        "WrongValidatorSet",
    );
    let r = root
        .submit_checkpoint(
            relayer,
            &header5,
            &certify(&set2, &signers2, chain.domain.votes(), &header5, 0).unwrap(),
        )
        .await
        .expect("checkpoint by the new set");
    eprintln!("submitCheckpoint validators=4 (config 2) nonSigners=0 gasUsed={}", r.gas_used);

    // A proof the root refuses commits its prover to nothing: no transaction is spent on a
    // commitment to it.
    let bogus = plasma_ledger::FraudProof { kind: 200, ..Default::default() };
    refused_with(root.prove_fraud(relayer, chain_id, &bogus).await, "NoSuchKind");
    let commitment = plasma_ledger::fraud::evidence::commitment(relayer, chain_id, &bogus);
    assert_eq!(root.fraud_commitment(commitment).await.unwrap(), 0, "nothing committed");

    // The leaver signed its last checkpoint under configuration 1: its stake stays
    // slashable for one exit period after configuration 2 took over.
    refused_with(root.withdraw_stake(leaver, chain_id).await, "StakeLocked");
    dev.warp(EXIT_PERIOD + 1).await.expect("warp");
    let before = dev_balance(&dev, leaver).await;
    let r = root.withdraw_stake(leaver, chain_id).await.expect("withdraw stake");
    let fee = U256::from(r.gas_used) * U256::from(r.inner.effective_gas_price);
    assert_eq!(dev_balance(&dev, leaver).await, before + ether(32) - fee, "stake returned");
}

async fn dev_balance(dev: &Devchain, who: Address) -> U256 {
    use alloy::providers::Provider;
    dev.provider.get_balance(who).await.expect("balance")
}

/// A set larger than one key chunk (100 validators per chunk of contract code): checkpoints
/// verify with non-signers on both sides of the chunk boundary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validator_set_spanning_key_chunks() {
    const N: usize = 130;
    let dev = Devchain::start(N as u16 + 1).expect("anvil starts");
    let admin = dev.accounts[0];
    let ops = &dev.accounts[1..=N];
    let (root, _) =
        Root::deploy(dev.provider.clone(), milli(100), milli(10)).await.expect("deploy");
    let params = ChainParams {
        epoch_length: 10,
        exit_period: EXIT_PERIOD,
        min_stake: 1,
        max_validators: 256,
    };
    let (chain_id, _) = root.register_chain(admin, params).await.expect("register");
    let keys: Vec<BlsSecretKey> =
        (0..N).map(|i| BlsSecretKey::from_seed(format!("chunked-{i}").as_bytes())).collect();
    for (i, op) in ops.iter().enumerate() {
        // Unequal stakes, so that power sums are checked per member.
        root.bond(*op, chain_id, &keys[i], ether(1 + (i as u64 % 3))).await.expect("bond");
    }
    root.propose_genesis(admin, chain_id, ops.to_vec()).await.expect("config");
    let members = root.validators(chain_id, 1).await.expect("members");
    assert_eq!(members.len(), N);
    assert!(members.iter().zip(ops).all(|(v, op)| v.operator == *op), "members in bond order");
    let set = ValidatorSet::new(members).expect("set");
    let domain = SigningDomain::new(chain_id, 31337, root.address());
    let mut chain = TestChain::with_domain(domain, set.hash());
    // Non-signers in chunk 0, in chunk 1, and on both sides of the boundary.
    for absent in [vec![], vec![5], vec![120], vec![99, 100], vec![0, 50, 101, 129]] {
        chain.commit(vec![]);
        let header = chain.tip().clone();
        let signers: Vec<_> =
            keys.iter().enumerate().filter(|(i, _)| !absent.contains(i)).collect();
        let cert = certify(&set, &signers, chain.domain.votes(), &header, 0).expect("certificate");
        root.submit_checkpoint(admin, &header, &cert)
            .await
            .unwrap_or_else(|e| panic!("checkpoint with {absent:?} absent: {e}"));
        // Claiming an absent validator signed breaks the signature.
        if let Some(&first) = absent.first() {
            chain.commit(vec![]);
            let header = chain.tip().clone();
            let mut lie =
                certify(&set, &signers, chain.domain.votes(), &header, 0).expect("certificate");
            let mut bitmap = lie.signerBitmap.to_vec();
            bitmap[first / 8] |= 1 << (first % 8);
            lie.signerBitmap = bitmap.into();
            refused_with(root.submit_checkpoint(admin, &header, &lie).await, "BadSignature");
        }
    }
}

/// A deposit is sent, then the parent's base fee jumps before it is mined, so it sits in
/// the pool: after `resend_after` it is sent again with the same nonce and higher fees, and
/// exactly one attempt is mined (one nonce used, one deposit recorded). A call priced under
/// the base fee from the start is re-priced at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stuck_transaction_is_replaced_with_higher_fees() {
    use alloy::providers::Provider;
    use plasma_bridge::SendPolicy;
    let dev = Devchain::start(3).expect("anvil");
    let (root, _) = Root::deploy(dev.provider.clone(), milli(1), U256::ZERO).await.unwrap();
    let params =
        ChainParams { epoch_length: 4, exit_period: EXIT_PERIOD, min_stake: 1, max_validators: 4 };
    let (chain_id, _) = root.register_chain(dev.accounts[0], params).await.unwrap();
    let policy = SendPolicy {
        resend_after: std::time::Duration::from_secs(2),
        poll: std::time::Duration::from_millis(100),
        max_replacements: 5,
    };
    let root = root.with_policy(policy);
    let rpc = |method: &'static str, params: serde_json::Value| {
        let provider = dev.provider.clone();
        async move {
            provider.raw_request::<_, serde_json::Value>(method.into(), params).await.unwrap();
        }
    };
    // Blocks only when the test mines them.
    rpc("evm_setAutomine", serde_json::json!([false])).await;
    let from = dev.accounts[1];
    let nonce = dev.provider.get_transaction_count(from).await.unwrap();
    let sending = tokio::spawn({
        let root = root.clone();
        async move { root.deposit(from, chain_id, from, ETH, ether(1)).await }
    });
    // Once the deposit waits in the pool, the next block's base fee jumps: it cannot be
    // mined with the fees it was sent with.
    while dev.provider.get_transaction_count(from).pending().await.unwrap() == nonce {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    dev.set_next_base_fee(500_000_000_000).await.unwrap(); // 500 gwei
    rpc("evm_mine", serde_json::json!([])).await;
    while !sending.is_finished() {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        rpc("evm_mine", serde_json::json!([])).await;
    }
    let (record, receipt) = sending.await.unwrap().unwrap();
    assert!(receipt.attempts >= 2, "mined at the first attempt: the fee jump did not stall it");
    assert_eq!(record.nonce, 0);
    let used = dev.provider.get_transaction_count(from).await.unwrap();
    assert_eq!(used, nonce + 1, "one nonce used");
    assert_eq!(root.locked(chain_id, ETH).await.unwrap(), ether(1), "one deposit recorded");

    // Priced under a base fee that jumped after the estimate: re-priced before it is sent.
    rpc("evm_setAutomine", serde_json::json!([true])).await;
    dev.set_next_base_fee(900_000_000_000).await.unwrap();
    let (record, _) = root.deposit(from, chain_id, from, ETH, ether(1)).await.unwrap();
    assert_eq!(record.nonce, 1);
}
