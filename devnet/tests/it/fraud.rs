//! Fraud of a chain under a plasma parent, proven to that parent without human help (fault
//! injection: `plasmad` built with its `byzantine` feature, as the test command's fault
//! step builds it). Each named fraud scenario runs on a fresh tree root → A(1) → B(4), since
//! it freezes B for good: three of B's four validators finalize an invalid block (an
//! inflating transfer; a double spend); B's honest watcher proves it to A; A rolls B back,
//! takes the three stakes, pays the prover half and freezes B; the forged output cannot
//! exit, and honest users' pre-fraud outputs exit to A in priority order.

use crate::common::{boot, topology, Chain};

use plasma_devnet::scenarios;

fn tree() -> String {
    topology(4, None, &[Chain("A", None, 1, Some(60)), Chain("B", Some("A"), 4, Some(4))])
}

#[test]
fn each_fraud_scenario_is_proven_rolled_back_slashed_and_frozen() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for name in scenarios::fault_names() {
        let (_dir, mut devnet) = boot(&rt, &tree());
        let progress = |line: &str| eprintln!("{name}: {line}");
        let outcome = rt.block_on(scenarios::run(&mut devnet, name, &progress));
        let outcome = outcome.unwrap_or_else(|e| {
            let b = devnet.chain("/A/B").unwrap();
            let log = std::fs::read_to_string(devnet.state.chains[b].nodes[3].log());
            panic!("{name}: {e}\nhonest validator's log:\n{}", log.unwrap_or_default())
        });
        assert_eq!(outcome.name, name);
        eprintln!("{name}: {}", outcome.summary);
        // Run again on the frozen chain, it says why it cannot.
        let again = rt.block_on(scenarios::run(&mut devnet, name, &progress)).unwrap_err();
        assert!(again.to_string().contains("frozen already"), "{again}");
    }
}
