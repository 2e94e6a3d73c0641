//! The law's cases about a start of a child's exit that is queued or settled already: a
//! second start of an exit paid once would be paid again from the child's escrow. Alice's exit
//! of her deposit is queued at 3:3 (bond 10), and block 4 holds her second start of it,
//! bonding 10 of her change at 3:3:0.

use super::exits::{after_acceptance, alices, ALICES_DEPOSIT};
use super::*;
use plasma_ledger::ChildDepositExit;

/// Alice's start of the exit of her deposit into `child` ([`ALICES_DEPOSIT`], her lock at
/// 3:2), naming `cancelled` as the exit's latest cancellation.
fn restart(chain: &TestChain, child: u64, cancelled: TxRef) -> SignedTransaction {
    let start = ChildDepositExit {
        childChainId: child,
        nonce: ALICES_DEPOSIT,
        cancelledHeight: cancelled.height,
        cancelledIndex: cancelled.index,
    };
    alices(chain, Kind::StartChildDepositExit, (3, 3), 40, start.abi_encode())
}

#[test]
fn every_start_of_an_exit_queued_already_is_convicted_by_the_watchers_proof() {
    let cases = [
        ("a second start naming no cancellation", TxRef { height: 0, index: 0 }),
        ("a second start naming the first start as a cancellation", TxRef { height: 3, index: 3 }),
        (
            "a second start naming the deposit's lock as a cancellation",
            TxRef { height: 3, index: 2 },
        ),
        ("a second start naming a place past its block's end", TxRef { height: 3, index: 9 }),
        ("a second start naming itself", TxRef { height: 4, index: 0 }),
    ];
    for (name, cancelled) in cases {
        let (chain, honest) = after_acceptance(|c, child| restart(c, child, cancelled));
        assert_convicted(name, &chain, &honest, 4, |_| 4);
    }
}
