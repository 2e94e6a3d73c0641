//! A deterministic load for benchmarks and the node's tests.

use super::user;
use crate::block::ProposalParams;
use crate::build::{deposit_transaction, transfer};
use crate::signing::{SigningDomain, UserKey};
use crate::types::{DepositRecord, Output, SignedTransaction};
use crate::view::MemoryLedger;
use alloy_primitives::{Address, U256};

/// A deterministic load: parent deposits and signed transfers derived from a state alone, so
/// two processes that hold the same state produce the same next block.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The users who deposit and pay each other.
    pub users: Vec<UserKey>,
    index: std::collections::HashMap<Address, usize>,
}

impl Workload {
    /// `n` users named `user-0`, `user-1`, …
    pub fn new(n: usize) -> Self {
        let users: Vec<UserKey> = (0..n).map(|i| user(&format!("user-{i}"))).collect();
        let index = users.iter().enumerate().map(|(i, u)| (u.address(), i)).collect();
        Self { users, index }
    }

    /// The parent's records of the next `count` deposits after `state`'s mint position:
    /// nonce n pays `1_000 + n` wei to user `n mod users`.
    pub fn deposits(&self, state: &MemoryLedger, chain_id: u64, count: u64) -> Vec<DepositRecord> {
        (state.next_deposit_nonce..state.next_deposit_nonce + count)
            .map(|nonce| {
                let to = self.users[(nonce % self.users.len() as u64) as usize].address();
                DepositRecord {
                    chainId: chain_id,
                    nonce,
                    depositor: to,
                    recipient: to,
                    token: Address::ZERO,
                    amount: U256::from(1_000 + nonce),
                }
            })
            .collect()
    }

    /// Up to `count` one-input transfers spending the lowest unspent positions of `state`,
    /// each paying the next user and, when it can, keeping change.
    pub fn transfers(
        &self,
        domain: &SigningDomain,
        state: &MemoryLedger,
        count: usize,
    ) -> Vec<SignedTransaction> {
        state
            .utxos
            .iter()
            .filter_map(|(pos, out)| Some((pos, out, *self.index.get(&out.owner)?)))
            .take(count)
            .map(|(pos, out, i)| {
                let to = self.users[(i + 1) % self.users.len()].address();
                let half = out.amount / U256::from(2);
                let outputs = if half.is_zero() {
                    vec![Output::new(to, out.token, out.amount)]
                } else {
                    vec![
                        Output::new(to, out.token, half),
                        Output::new(out.owner, out.token, out.amount - half),
                    ]
                };
                transfer(domain, &[(pos.clone(), &self.users[i])], outputs)
            })
            .collect()
    }

    /// The next block's transactions: `deposits` mints (records must already be known to the
    /// view) followed by `transfers` transfers.
    pub fn block_txs(
        &self,
        domain: &SigningDomain,
        state: &MemoryLedger,
        deposits: &[DepositRecord],
        transfers: usize,
    ) -> Vec<SignedTransaction> {
        let mut txs: Vec<SignedTransaction> = deposits.iter().map(deposit_transaction).collect();
        txs.extend(self.transfers(domain, state, transfers));
        txs
    }

    /// Proposal parameters that depend only on the height.
    pub fn params(height: u64) -> ProposalParams {
        ProposalParams { timestamp: 1_700_000_000 + height, ..Default::default() }
    }
}
