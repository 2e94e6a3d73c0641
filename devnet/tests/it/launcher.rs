//! The launcher itself: a tree boots until every chain checkpointed, `status` draws it,
//! `down` stops exactly the processes it recorded, the next `up` resumes from the data left,
//! and bad input at the command line is refused with a message.

use crate::common::{boot, topology, Chain};

use plasma_devnet::process::is_ours;
use plasma_devnet::{status, Devnet, DevnetError, Options, Topology};
use std::process::Command;

fn small() -> String {
    topology(2, None, &[Chain("A", None, 1, None), Chain("B", Some("A"), 1, None)])
}

fn pids(devnet: &Devnet) -> Vec<(u32, String)> {
    let mut out = vec![(devnet.state.root.pid.unwrap(), devnet.state.root.marker())];
    for chain in &devnet.state.chains {
        for n in &chain.nodes {
            out.push((n.pid.unwrap(), n.marker()));
        }
    }
    out
}

#[test]
fn a_tree_boots_checkpoints_stops_by_pid_and_resumes_from_its_data() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_dir, devnet) = boot(&rt, &small());
    let dir = devnet.options.dir.clone();
    let (a, b) = (devnet.chain("A").unwrap(), devnet.chain("/A/B").unwrap());
    assert_eq!(devnet.state.chains[b].parent, Some(a));
    // `up` returned: each chain has a checkpoint on its parent.
    let before: Vec<u64> = rt.block_on(async {
        let mut v = Vec::new();
        for i in [a, b] {
            let (height, frozen) = devnet.checkpoint(i).await.expect("the parent answers");
            assert!(height > 0 && height % 2 == 0, "an epoch end: {height}");
            assert!(!frozen);
            v.push(height);
        }
        v
    });
    let chains = rt.block_on(devnet.status());
    let tree = status::tree(&devnet.state.root.rpc, &chains);
    assert!(tree.contains("└─ A  height") && tree.contains("   └─ B  height"), "{tree}");
    assert!(tree.contains("validators 1/1"), "{tree}");
    let table =
        status::table(&devnet.state.root.rpc, &devnet.state.root.contract.to_string(), &chains);
    assert!(table.contains("/A/B") && table.contains(&chains[1].grpc[0]), "{table}");

    // A second devnet in the same folder, or on the same ports, is refused.
    let again = Options { base_port: devnet.state.base_port, ..Options::new(&dir) };
    let topology = Topology::parse(&small()).unwrap();
    let refused = rt.block_on(Devnet::up(&topology, &small(), again, &|_| ())).unwrap_err();
    assert!(matches!(refused, DevnetError::Running(_)), "{refused}");
    let elsewhere =
        Options { base_port: devnet.state.base_port, ..Options::new(dir.with_extension("2")) };
    let refused = rt.block_on(Devnet::up(&topology, &small(), elsewhere, &|_| ())).unwrap_err();
    assert!(matches!(refused, DevnetError::Ports(_)), "{refused}");

    // `down` (as another process would: from the folder alone) stops every recorded process.
    let running = pids(&devnet);
    assert!(running.iter().all(|(pid, marker)| is_ours(*pid, marker)));
    devnet.detach();
    assert_eq!(plasma_devnet::down(&dir, false).unwrap(), running.len());
    assert!(running.iter().all(|(pid, marker)| !is_ours(*pid, marker)), "all stopped");
    assert!(dir.join("devnet.json").exists(), "data kept");

    // `up` again resumes: the root's state (contracts, registrations) and every chain's data
    // come back, and both chains checkpoint past where they were.
    let options = Options { base_port: 0, ..Options::new(&dir) };
    let resumed = rt.block_on(Devnet::resume(options, &|l| eprintln!("devnet: {l}"))).unwrap();
    rt.block_on(async {
        for (i, was) in [a, b].into_iter().zip(before) {
            let (height, _) = resumed.checkpoint(i).await.unwrap();
            assert!(
                height > was,
                "{} checkpointed again: {height} > {was}",
                resumed.state.chains[i].path
            );
        }
    });
    drop(resumed);
    assert!(plasma_devnet::down(&dir, true).is_ok());
    assert!(!dir.exists(), "--fresh removes the data");
}

fn devnet_cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plasma-devnet")).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_cli_refuses_bad_input_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("net");
    let d = d.to_str().unwrap();
    let topology = dir.path().join("t.toml");
    std::fs::write(&topology, "[[chain]]\nname = \"A\"\nvalidators = 40\n").unwrap();
    let t = topology.to_str().unwrap();
    let (ok, said) = devnet_cli(&["--dir", d, "up", "--topology", t]);
    assert!(!ok);
    assert!(said.contains("validators = 40 is out of range (1-16)"), "{said}");
    let (ok, said) = devnet_cli(&["--dir", d, "up", "--topology", "/no/such.toml"]);
    assert!(!ok && said.contains("/no/such.toml"), "{said}");
    let (ok, said) = devnet_cli(&["--dir", d, "status"]);
    assert!(!ok && said.contains("no devnet in") && said.contains("plasma-devnet up"), "{said}");
    let (ok, said) = devnet_cli(&["--dir", d, "down"]);
    assert!(!ok && said.contains("no devnet in"), "{said}");
    let (ok, said) = devnet_cli(&["--dir", d, "up", "--base-port", "70000"]);
    assert!(!ok && said.contains("70000"), "{said}");
    let (ok, said) = devnet_cli(&["--dir", d, "launch"]);
    assert!(!ok && said.contains("unrecognized subcommand"), "{said}");
}
