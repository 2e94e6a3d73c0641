//! Three levels of plasma chains: root → A → B → C. C's nodes follow B as a light client and
//! learn B's validator sets by following A, whose own come from the root; C checkpoints to
//! B, and value goes root → C and back C → root in single hops composed. When B's set
//! changes (a validator bonds on A), C's nodes follow B across it.

use crate::common::{boot, topology, Chain, ETH};

use plasma_client::hops::{self, Deposit, Journal};
use plasma_ledger::{Address, U256};
use std::time::Duration;

fn deep() -> String {
    topology(
        4,
        Some(4),
        &[
            Chain("A", None, 1, Some(60)),
            Chain("B", Some("A"), 1, None),
            Chain("C", Some("B"), 2, None),
        ],
    )
}

#[test]
fn a_great_grandchild_of_the_root_checkpoints_and_moves_value_across_three_hops() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_dir, mut devnet) = boot(&rt, &deep());
    let [a, b, c] = ["/A", "/A/B", "/A/B/C"].map(|p| devnet.chain(p).unwrap());
    let [url_a, url_b, url_c] = [a, b, c].map(|i| devnet.state.chains[i].nodes[0].url());
    let key = devnet.user_key(4).unwrap();
    let me = key.address();
    let say = |line: String| eprintln!("{line}");
    rt.block_on(async {
        // `up` returned: C's first checkpoint is on B.
        let (on_b, frozen) = devnet.checkpoint(c).await.unwrap();
        assert!(on_b >= 4 && !frozen, "C's checkpoint on B: {on_b}");
        assert_eq!(devnet.child_entry(c).await.unwrap().epoch_length, 4);

        // Down three hops.
        let what = Deposit { token: Address::ZERO, amount: U256::from(ETH), recipient: me };
        let mut journal = Journal::open(None, "down".into()).unwrap();
        let chains = [url_a.clone(), url_b.clone(), url_c.clone()];
        let pos =
            hops::deposit(&devnet.root, &key, what, &chains, &mut journal, &say).await.unwrap();
        let on_c = devnet.coins(c, me).await.unwrap();
        assert_eq!(on_c.len(), 1);
        assert_eq!((on_c[0].pos(), on_c[0].amount), (pos.clone(), U256::from(ETH)));
        // Exit bonds: a tenth on A and one on B.
        let tenth = U256::from(ETH / 10);
        let bond = Deposit { token: Address::ZERO, amount: tenth, recipient: me };
        let mut journal = Journal::open(None, "bond".into()).unwrap();
        hops::deposit(&devnet.root, &key, bond, &chains[..2], &mut journal, &say).await.unwrap();
        let a_id = devnet.state.chains[a].chain_id;
        devnet.root.deposit(me, a_id, me, Address::ZERO, tenth).await.unwrap();
        devnet.wait_coins(a, me, 1, Duration::from_secs(60)).await.unwrap();

        // Up three hops: B pays C's exit, A pays B's, the root A's.
        let owed_before = devnet.root.owed(me, Address::ZERO).await.unwrap();
        let mut journal = Journal::open(None, "up".into()).unwrap();
        let up = [url_c, url_b, url_a];
        hops::exit(&devnet.root, &key, pos, &up, &mut journal, &say).await.unwrap();
        devnet.warp(120).await.unwrap();
        devnet.root.process_exits(devnet.operator(), a_id, Address::ZERO, 16).await.unwrap();
        let root_bond = devnet.root.exit_bond().await.unwrap();
        let owed = devnet.root.owed(me, Address::ZERO).await.unwrap();
        assert_eq!(
            owed - owed_before,
            U256::from(ETH) + root_bond,
            "C's ether is owed on the root"
        );
        // C's escrow on B is empty again; B's on A holds only the tenth still on B.
        let held = |entry: plasma_proto::v1::GetChildResponse| -> U256 {
            entry.escrow.iter().map(|l| U256::from_be_slice(&l.amount)).sum()
        };
        assert_eq!(held(devnet.child_entry(c).await.unwrap()), U256::ZERO);
        assert_eq!(held(devnet.child_entry(b).await.unwrap()), tenth);

        // A validator bonds for B on A and B adopts the set at its next epoch end. C's nodes
        // learn B's new set by following A, so a deposit that enters C from a block of B's
        // new set still arrives.
        let progress = |line: &str| eprintln!("scenario: {line}");
        let name = "validator_set_change_under_plasma";
        let changed = plasma_devnet::scenarios::run(&mut devnet, name, &progress).await.unwrap();
        eprintln!("{name}: {}", changed.summary);
        let new_set = devnet.child_entry(b).await.unwrap().validators;
        let b_head = devnet.height(b).await;
        let what = Deposit { token: Address::ZERO, amount: tenth, recipient: me };
        let mut journal = Journal::open(None, "again".into()).unwrap();
        let pos =
            hops::deposit(&devnet.root, &key, what, &chains, &mut journal, &say).await.unwrap();
        assert!(devnet.coins(c, me).await.unwrap().iter().any(|c| c.pos() == pos));
        // The deposit into C was locked in a block of B's new set: B numbers it by where its
        // lock stands.
        let latest = devnet.child_entry(c).await.unwrap().next_deposit_nonce - 1;
        let lock = plasma_ledger::TxRef::of_deposit(latest);
        assert!(lock.height >= b_head, "C's second deposit was locked at {lock}, before {b_head}");
        let mut b_node = devnet.client(b, 0).await.unwrap();
        let block = b_node
            .chain
            .get_block(plasma_proto::v1::GetBlockRequest { height: b_head })
            .await
            .unwrap()
            .into_inner();
        let header = <plasma_ledger::Block as alloy_sol_types::SolValue>::abi_decode(&block.block)
            .unwrap()
            .header;
        let members =
            <Vec<plasma_ledger::Validator> as alloy_sol_types::SolValue>::abi_decode(&new_set)
                .unwrap();
        assert_eq!(header.validatorSetHash, plasma_ledger::Validator::set_hash(&members));

        // A third validator joins C with the CLI: funded on B, it bonds there by path.
        let k = devnet.add_node(c).await.unwrap();
        devnet.start_node(c, k).unwrap();
        let newcomer = devnet.validator_keys(c).unwrap().swap_remove(k);
        let op = newcomer.operator.address();
        let funds = Deposit { token: Address::ZERO, amount: tenth, recipient: op };
        let mut journal = Journal::open(None, "stake".into()).unwrap();
        hops::deposit(&devnet.root, &key, funds, &chains[..2], &mut journal, &say).await.unwrap();
        // The operator bonds once its node has caught up (C needs all three votes after).
        let tip = devnet.height(c).await;
        let mut joining = devnet.client(c, k).await.unwrap();
        joining.wait_height(tip, Duration::from_secs(120)).await.unwrap();
        let cli = devnet.options.plasmad.with_file_name("plasma");
        let home = plasma_node::daemon::Home(devnet.state.chains[c].nodes[k].home.clone());
        let tree = devnet.options.dir.join(plasma_devnet::state::TREE_FILE);
        let bond = |stake: &str| {
            std::process::Command::new(&cli)
                .arg("--tree")
                .arg(&tree)
                .args(["--json", "bond", "--chain", "/A/B/C", "--stake", stake])
                .arg("--validator-key")
                .arg(home.validator_key())
                .output()
                .unwrap()
        };
        // A stake that is not whole gwei is refused before anything is sent.
        let odd = bond("100000000001");
        assert!(!odd.status.success());
        assert!(String::from_utf8_lossy(&odd.stderr).contains("whole number of gwei"));
        let out = bond("100000000000");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        let result: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
        assert_eq!(result["configuration"], 2, "{result}");
        assert_eq!(result["operator"].as_str().and_then(|a| a.parse().ok()), Some(op));
        let adopted_at = result["adopted_by_checkpoint"].as_u64().expect("adopted");
        let entry = devnet.child_entry(c).await.unwrap();
        assert_eq!((entry.active_configuration, entry.pending_configuration), (2, 0));
        let members = <Vec<plasma_ledger::Validator> as alloy_sol_types::SolValue>::abi_decode(
            &entry.validators,
        )
        .unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(members[2].operator, op);
        // C goes on checkpointing on B under its three-validator set.
        devnet.wait_checkpoint(c, adopted_at + 8, Duration::from_secs(120)).await.unwrap();
    });
}
