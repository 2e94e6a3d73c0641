//! The named scenarios `plasma-devnet scenario` replays, run on a small tree.

use crate::common::{boot, topology, Chain};

use plasma_devnet::scenarios;
use plasma_devnet::DevnetError;

fn small() -> String {
    topology(
        4,
        None,
        &[
            Chain("A", None, 4, Some(60)),
            // An exit period long enough for a watcher to challenge on a loaded machine (the
            // spent-deposit scenarios), short enough to mature exits within the test.
            Chain("B", Some("A"), 1, Some(10)),
            Chain("C", Some("A"), 1, Some(10)),
        ],
    )
}

#[test]
fn every_named_scenario_passes_on_a_small_tree() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_dir, mut devnet) = boot(&rt, &small());
    let progress = |line: &str| eprintln!("scenario: {line}");
    // Exiting before anything is on B says what to run first.
    let early = rt.block_on(scenarios::run(&mut devnet, "exit_grandchild_to_root", &progress));
    let early = early.unwrap_err().to_string();
    assert!(early.contains("run deposit_root_to_grandchild first"), "{early}");
    // `SCENARIOS=a,b` runs only those (while working on one).
    let only = std::env::var("SCENARIOS").unwrap_or_default();
    let picked = |name: &&str| only.is_empty() || only.split(',').any(|o| o == *name);
    for name in scenarios::names().filter(picked) {
        let outcome = rt.block_on(scenarios::run(&mut devnet, name, &progress)).unwrap();
        assert_eq!(outcome.name, name);
        eprintln!("{name}: {}", outcome.summary);
    }
    // The fraud scenarios need a chain they can turn byzantine (and plasmad built for it).
    let fraud = rt.block_on(scenarios::run(&mut devnet, "fraud_double_spend", &progress));
    let fraud = fraud.unwrap_err().to_string();
    assert!(fraud.contains("no chain of 4+ validators under a plasma chain"), "{fraud}");
    let unknown = rt.block_on(scenarios::run(&mut devnet, "teleport", &progress)).unwrap_err();
    assert!(matches!(unknown, DevnetError::UnknownScenario { .. }));
    assert!(unknown.to_string().contains("deposit_root_to_grandchild"), "{unknown}");
}
