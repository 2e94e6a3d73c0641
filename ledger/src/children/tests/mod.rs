use super::*;
use crate::block::BlockError;
use crate::bls::BlsSecretKey;
use crate::build::{
    challenge_child_exit_tx, child_checkpoint_tx, prove_child_fraud_tx, register_child_tx,
};
use crate::certificate::CertificateError;
use crate::certificate::ValidatorSet;
use crate::kind::Kind;
use crate::signing::UserKey;
use crate::testkit::stakes::{bond_on, stake_on, stakes_of};
use crate::testkit::{self, committee, user, TestChain};
use crate::tx::TxError;
use crate::types::*;
use crate::types::{Output, UtxoPos};
use crate::view::LedgerView;
use crate::{build, merkle};
use alloy_primitives::B256;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolValue;

fn registration(n: usize, salt: u64) -> ChildRegistration {
    let (keys, set) = committee(n);
    let members: Vec<_> =
        set.validators().iter().zip(&keys).map(|(v, k)| (v.operator, k, v.power)).collect();
    let params = ChildParams {
        epochLength: 4,
        exitPeriod: 60,
        exitBond: U256::from(10),
        minStake: U256::from(100 * POWER_UNIT),
    };
    build::child_registration(salt, params, &members)
}

fn refusal(chain: &mut TestChain, stx: SignedTransaction) -> ChildError {
    match chain.try_commit(vec![stx]) {
        Err(BlockError::InvalidTransaction { error: TxError::System(e), .. }) => *e,
        other => panic!("expected a system transaction refusal, got {other:?}"),
    }
}

/// Why `chain` refuses `checkpoint`, linked as its state says it must be.
fn checkpoint_refusal(chain: &mut TestChain, checkpoint: &Checkpoint) -> ChildError {
    let tx = chain.checkpoint_tx(checkpoint);
    refusal(chain, tx)
}

/// Where [`parent_with_child`] registers its child: block 1's first transaction, which a lock
/// into it names.
const REGISTERED: crate::types::TxRef = crate::types::TxRef { height: 1, index: 0 };

/// A lock of `amount` of `token` for `to` into child `id` of [`parent_with_child`].
fn lock_into(id: u64, to: Address, token: Address, amount: u64) -> ChildDeposit {
    ChildDeposit {
        childChainId: id,
        recipient: to,
        token,
        amount: U256::from(amount),
        registeredHeight: REGISTERED.height,
        registeredIndex: REGISTERED.index,
        ..Default::default()
    }
}

/// A parent with one registered child of four validators; returns the child's id.
fn parent_with_child() -> (TestChain, u64) {
    let mut parent = parent_chain();
    let reg = registration(4, 0);
    let id = child_chain_id(parent.domain.chain_id, &reg);
    parent.commit(vec![register_child_tx(&reg)]);
    (parent, id)
}

/// Block `height` of a child chain `id` certified by `signers` of its committee.
fn child_checkpoint(id: u64, blocks: u64, signers: &[usize]) -> Checkpoint {
    let (keys, set) = committee(4);
    let domain = child_domain(&testkit::domain(), id);
    let mut child = TestChain::with_domain(domain, set.hash());
    for _ in 0..blocks {
        child.commit(vec![]);
    }
    let header = child.tip().clone();
    let keys: Vec<_> = signers.iter().map(|i| (*i, &keys[*i])).collect();
    let certificate = crate::testkit::certified(&set, &keys, &header, 0);
    Checkpoint { header, certificate }
}

fn tx_refusal(chain: &mut TestChain, stx: SignedTransaction) -> TxError {
    match chain.try_commit(vec![stx]) {
        Err(BlockError::InvalidTransaction { error, .. }) => error,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Why `chain` refuses the fraud proof `stx` standing on the stakes it holds now, as a
/// proposer sets them ([`crate::children::restaked`]): a refusal other than of its stakes.
fn proof_refusal(chain: &mut TestChain, stx: SignedTransaction) -> TxError {
    let stx = crate::children::restaked(&chain.state, &stx).expect("a fraud proof");
    tx_refusal(chain, stx)
}

/// A parent whose child (epochs of 4 blocks) has four validators, operators with keys, who
/// staked 10 each; the child has no block yet and its headers name operator 0 as proposer.
struct StakedChild {
    parent: TestChain,
    child: TestChain,
    id: u64,
    set: ValidatorSet,
    keys: Vec<BlsSecretKey>,
    ops: Vec<UserKey>,
}

/// A parent that registered a child (epochs of 4 blocks, exit period 60, bond 10) of four
/// validators, operators with keys: the parent, the child's id, its set, the keys and the
/// operators.
fn registered_child() -> (TestChain, u64, ValidatorSet, Vec<BlsSecretKey>, Vec<UserKey>) {
    let (keys, _) = committee(4);
    let ops: Vec<_> = (0..4).map(|i| user(&format!("operator-{i}"))).collect();
    let members: Vec<_> = ops.iter().zip(&keys).map(|(op, k)| (op.address(), k, 100)).collect();
    let params = ChildParams {
        epochLength: 4,
        exitPeriod: 60,
        exitBond: U256::from(10),
        minStake: U256::from(100 * POWER_UNIT),
    };
    let reg = build::child_registration(0, params, &members);
    let set = ValidatorSet::new(reg.validators.clone()).expect("set");
    let mut parent = parent_chain();
    let id = child_chain_id(parent.domain.chain_id, &reg);
    parent.commit(vec![register_child_tx(&reg)]);
    (parent, id, set, keys, ops)
}

fn staked_child() -> StakedChild {
    let (mut parent, id, set, keys, ops) = registered_child();
    let funds: Vec<_> =
        ops.iter().map(|op| parent.record_deposit(op.address(), Address::ZERO, 25)).collect();
    parent.commit(funds.iter().map(build::deposit_transaction).collect());
    // Each stake stands on the one before it in the block.
    let (registered, block) = (stakes_of(&parent.state, id), parent.blocks.len() as u64 + 1);
    let stakes = ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let before = match i as u32 {
                0 => registered,
                i => (TxRef { height: block, index: i - 1 }, U256::from(10 * i)),
            };
            let payload = stake_on(id, 10, before);
            let change = vec![Output::new(op.address(), Address::ZERO, U256::from(15))];
            let tx = build::transaction(
                Kind::StakeChild,
                vec![UtxoPos::new(2, i as u32, 0)],
                change,
                payload.abi_encode(),
            );
            build::sign(&parent.domain, tx, &[op])
        })
        .collect();
    parent.commit(stakes);
    let mut child = TestChain::with_domain(child_domain(&parent.domain, id), set.hash());
    child.proposer = ops[0].address();
    StakedChild { parent, child, id, set, keys, ops }
}

/// A parent chain, its clock a day ahead of its children's (test chains all start their
/// clocks at 1,000 s): a parent refuses a checkpoint timed ahead of its own block.
fn parent_chain() -> TestChain {
    let mut parent = TestChain::new();
    parent.clock_offset = 86_400;
    parent
}

/// Moves `parent`'s clock so that its next block is stamped at `time` or later.
fn advance_to(parent: &mut TestChain, time: u64) {
    let unshifted = 1_000 + parent.blocks.len() as u64 * 10;
    parent.clock_offset = parent.clock_offset.max(time.saturating_sub(unshifted));
}

/// The block a proposer makes from what [`matured_payouts`] owes at `parent`'s next block
/// time, committed if valid.
fn settle_matured(parent: &mut TestChain) -> Result<crate::block::StateDelta, BlockError> {
    let now = 1_000 + parent.blocks.len() as u64 * 10 + parent.clock_offset;
    let exits = parent.state.child_exits.iter().map(|((chain, _), e)| (*chain, e.clone()));
    let payouts = matured_payouts(&parent.state, exits.collect::<Vec<_>>(), now);
    parent.try_commit(payouts)
}

/// What a block created for `owner`: (token, amount) in output order.
fn created_for(delta: &crate::block::StateDelta, owner: Address) -> Vec<(Address, U256)> {
    delta
        .created
        .iter()
        .filter(|(_, o)| o.owner == owner)
        .map(|(_, o)| (o.token, o.amount))
        .collect()
}

mod capture;
mod deposit_exits;
mod domains;
mod exits;
mod fraud;
mod provers;
mod registry;
mod rollback;
mod rotation;
mod schedule;
mod stake;
