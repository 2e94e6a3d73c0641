//! Four `plasmad` validator processes on loopback: blocks, certificates, faults.

use crate::common;

use common::Cluster;
use plasma_ledger::signing::{SigningDomain, UserKey};
use plasma_ledger::{build, Address, Kind, Output, UtxoPos, U256};
use plasma_proto::v1::{GetTxRequest, GetUtxosRequest, SubmitTxRequest};
use std::time::Duration;

const BOB: Address = Address::repeat_byte(0xb0);

fn alice() -> UserKey {
    UserKey::from_seed(b"alice")
}

async fn client(port: u16) -> plasma_proto::Client {
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(c) = plasma_proto::Client::connect(url.clone()).await {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no gRPC server on {url}");
}
const MINUTE: Duration = Duration::from_secs(60);

/// Every node holds the same blocks `1..=height`, each with a certificate the genesis set
/// accepts — the same certificate on every node for every block below `height` (a block's
/// certificate is the chain's once the next block carries it).
fn assert_agree(cluster: &Cluster, nodes: &[usize], height: u64) {
    let loaded = cluster.genesis.clone().check().unwrap();
    let reference = cluster.chain(nodes[0], height);
    for (block, cert) in &reference {
        let cp =
            plasma_ledger::Checkpoint { header: block.header.clone(), certificate: cert.clone() };
        loaded.validators.ledger().verify_checkpoint(loaded.domain.votes(), &cp).unwrap_or_else(
            |e| panic!("certificate of block {} does not verify: {e}", block.header.height),
        );
    }
    for i in &nodes[1..] {
        let other = cluster.chain(*i, height);
        for (h, (a, b)) in reference.iter().zip(&other).enumerate() {
            assert_eq!(a.0.header.hash(), b.0.header.hash(), "block {} differs on node {i}", h + 1);
            if (h as u64) + 1 < height {
                assert_eq!(a.1, b.1, "certificate {} differs on node {i}", h + 1);
            }
        }
    }
}

#[test]
fn four_validators_finalize_identical_blocks_and_certificates() {
    let mut cluster = Cluster::new(4, &[(alice().address(), 1_000_000), (BOB, 2_000_000)]);
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2, 3], 2, MINUTE);

    // A transfer submitted to one node is gossiped, finalized and visible on all four.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rpcs: Vec<u16> = cluster.nodes.iter().map(|n| n.rpc).collect();
    let g = &cluster.genesis;
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
    let tx_hash = rt.block_on(async {
        let mut c0 = client(rpcs[0]).await;
        let utxos = c0
            .chain
            .get_utxos(GetUtxosRequest { owner: alice().address().to_vec() })
            .await
            .unwrap()
            .into_inner()
            .utxos;
        assert_eq!(utxos.len(), 1, "alice's genesis deposit");
        let pos = UtxoPos::new(utxos[0].height, utxos[0].tx_index, utxos[0].output_index as u8);
        let stx = build::transfer(
            &domain,
            &[(pos, &alice())],
            vec![
                Output::new(BOB, Address::ZERO, U256::from(250_000)),
                Output::new(alice().address(), Address::ZERO, U256::from(750_000)),
            ],
        );
        let raw = alloy_sol_types::SolValue::abi_encode(&stx);
        let mut c1 = client(rpcs[1]).await;
        let hash = c1
            .chain
            .submit_tx(SubmitTxRequest { tx: raw.clone() })
            .await
            .unwrap()
            .into_inner()
            .tx_hash;
        // The same transaction again: refused, as pending or spent.
        assert!(c1.chain.submit_tx(SubmitTxRequest { tx: raw }).await.is_err());
        hash
    });
    let deadline = std::time::Instant::now() + MINUTE;
    let mut found = vec![None; 4];
    rt.block_on(async {
        while found.iter().any(Option::is_none) {
            assert!(
                std::time::Instant::now() < deadline,
                "transfer not visible everywhere: {found:?}"
            );
            for (i, port) in rpcs.iter().enumerate() {
                let mut c = client(*port).await;
                if let Ok(r) = c.chain.get_tx(GetTxRequest { tx_hash: tx_hash.clone() }).await {
                    found[i] = Some(r.into_inner().height);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let included = found[0].unwrap();
    assert!(found.iter().all(|h| *h == Some(included)), "{found:?}");
    cluster.wait_height(&[0, 1, 2, 3], included.max(5), MINUTE);
    let top = cluster.nodes.iter().map(|n| n.height()).min().unwrap();
    cluster.stop_all();
    assert_agree(&cluster, &[0, 1, 2, 3], top);

    // The genesis deposits were minted in nonce order in the first block.
    let chain = cluster.chain(2, top);
    let store = cluster.nodes[2].store();
    let first = store.block(1).unwrap().unwrap();
    let kinds: Vec<_> = first.transactions.iter().map(|t| t.transaction.tx_kind()).collect();
    assert_eq!(kinds, vec![Some(Kind::Deposit), Some(Kind::Deposit)]);
    assert_eq!((first.header.depositNonceStart, first.header.depositNonceEnd), (0, 2));
    let snapshot = store.snapshot().unwrap();
    assert_eq!(snapshot.utxos[&UtxoPos::new(1, 1, 0)].owner, BOB);
    // Headers name the genesis set and link up.
    let set_hash = cluster.genesis.clone().check().unwrap().validators.ledger().hash();
    assert_eq!(snapshot.utxos[&UtxoPos::new(included, 0, 0)].owner, BOB);
    for w in chain.windows(2) {
        assert_eq!(w[1].0.header.parentHash, w[0].0.header.hash());
        assert_eq!(w[1].0.header.validatorSetHash, set_hash);
    }
}

#[test]
fn one_of_four_down_the_chain_continues() {
    let mut cluster = Cluster::new(4, &[]);
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2, 3], 2, MINUTE);
    cluster.kill(3);
    let at = cluster.nodes[0].height();
    cluster.wait_height(&[0, 1, 2], at + 4, MINUTE);
    cluster.stop_all();
    assert_agree(&cluster, &[0, 1, 2], at + 4);
}

#[test]
fn two_of_four_down_it_halts_without_forking_then_resumes() {
    let mut cluster = Cluster::new(4, &[]);
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2, 3], 2, MINUTE);
    cluster.kill(2);
    cluster.kill(3);
    // Half the power cannot commit: no node advances past what it had (one in-flight
    // height may still land if its precommits were already out).
    std::thread::sleep(Duration::from_secs(3));
    let halted = cluster.nodes[0].height().max(cluster.nodes[1].height());
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        cluster.nodes[0].height().max(cluster.nodes[1].height()),
        halted,
        "committed without 2/3"
    );
    // Back to four: the restarted nodes catch up and the chain moves on.
    cluster.start(2);
    cluster.start(3);
    cluster.wait_height(&[0, 1, 2, 3], halted + 3, 2 * MINUTE);
    cluster.stop_all();
    assert_agree(&cluster, &[0, 1, 2, 3], halted + 3);
}

/// Submits `stx` to the node at `port`; `None` (and why, on stderr) if that node is down or
/// refuses it.
async fn submit(port: u16, stx: &plasma_ledger::SignedTransaction) -> Option<Vec<u8>> {
    let url = format!("http://127.0.0.1:{port}");
    let mut c = match plasma_proto::Client::connect(url).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("node on {port} unreachable: {e}");
            return None;
        }
    };
    let raw = alloy_sol_types::SolValue::abi_encode(stx);
    match c.chain.submit_tx(SubmitTxRequest { tx: raw }).await {
        Ok(r) => Some(r.into_inner().tx_hash),
        Err(e) => {
            eprintln!("node on {port} refused a transfer: {e:?}");
            None
        }
    }
}

#[test]
fn validators_killed_repeatedly_under_load_lose_no_finalized_transaction() {
    let rounds: usize =
        std::env::var("CLUSTER_KILL_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let users: Vec<UserKey> =
        (0..16 * rounds).map(|i| UserKey::from_seed(format!("user-{i}").as_bytes())).collect();
    let deposits: Vec<_> = users.iter().map(|u| (u.address(), 1_000)).collect();
    let mut cluster = Cluster::new(4, &deposits);
    cluster.start_all();
    cluster.wait_height(&[0, 1, 2, 3], 2, MINUTE);
    let g = cluster.genesis.clone();
    let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut submitted = Vec::new();
    for round in 0..rounds {
        let victim = round % 4;
        cluster.kill(victim);
        // Load while the victim is down: each user spends its deposit (block 1, index = nonce).
        for (n, user) in users.iter().enumerate().skip(round * 16).take(16) {
            let stx = build::transfer(
                &domain,
                &[(UtxoPos::new(1, n as u32, 0), user)],
                vec![Output::new(BOB, Address::ZERO, U256::from(1_000))],
            );
            // To a live node, spreading the load; another live one if it refuses (the
            // reason is printed: the test is about what happens once one accepts).
            let accepted = (0..3).find_map(|k| {
                let port = cluster.nodes[(victim + 1 + (n + k) % 3) % 4].rpc;
                rt.block_on(submit(port, &stx))
            });
            if let Some(hash) = accepted {
                submitted.push(hash);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let live: Vec<usize> = (0..4).filter(|i| *i != victim).collect();
        let h = cluster.nodes[live[0]].height();
        cluster.wait_height(&live, h + 2, MINUTE);
        cluster.start(victim);
        cluster.wait_height(&[victim], h + 2, MINUTE);
    }
    assert_eq!(submitted.len(), 16 * rounds, "every submission accepted by a live node");
    // Everything submitted is finalized (the survivors gossiped it) …
    let ports: Vec<u16> = cluster.nodes.iter().map(|n| n.rpc).collect();
    let deadline = std::time::Instant::now() + MINUTE;
    rt.block_on(async {
        let mut c = client(ports[0]).await;
        for hash in &submitted {
            while c.chain.get_tx(GetTxRequest { tx_hash: hash.clone() }).await.is_err() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "transaction 0x{} never committed",
                    alloy_primitives::hex::encode(hash)
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    });
    let top = cluster.nodes[0].height();
    cluster.wait_height(&[0, 1, 2, 3], top, MINUTE);
    // Halt the chain (half the power gone), let the two survivors settle on one height, stop.
    cluster.kill(2);
    cluster.kill(3);
    std::thread::sleep(Duration::from_secs(2));
    let last = cluster.nodes[0].height().max(cluster.nodes[1].height());
    cluster.wait_height(&[0, 1], last, MINUTE);
    cluster.stop_all();
    // … and after all the crashes, every node holds it, at the same place, in the same chain.
    assert_agree(&cluster, &[0, 1, 2, 3], top);
    let stores: Vec<_> = (0..4).map(|i| cluster.nodes[i].store()).collect();
    for hash in &submitted {
        let hash = plasma_ledger::B256::from_slice(hash);
        let places: Vec<_> = stores.iter().map(|s| s.tx_location(&hash).unwrap()).collect();
        assert!(
            places[0].is_some() && places.iter().all(|p| *p == places[0]),
            "{hash}: {places:?}"
        );
    }
    // Two nodes at the same height hold the same state, byte for byte.
    let (a, b) = (stores[0].snapshot().unwrap(), stores[1].snapshot().unwrap());
    assert_eq!(a.head.height, last);
    assert!(a == b, "state differs between nodes 0 and 1 at height {last}");
}

#[test]
fn bad_api_input_gets_clear_errors_and_changes_nothing() {
    use plasma_proto::v1::{GetBlockRequest, ShutdownRequest, StatusRequest};
    use tonic::Code;
    let mut cluster = Cluster::new(1, &[(alice().address(), 1_000)]);
    let metrics = common::free_port();
    let config = cluster.nodes[0].home.join("config.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("admin_token =", &format!("metrics = \"127.0.0.1:{metrics}\"\nadmin_token ="));
    std::fs::write(&config, text).unwrap();
    cluster.start_all();
    cluster.wait_height(&[0], 2, MINUTE);
    let port = cluster.nodes[0].rpc;
    let token = std::fs::read_to_string(cluster.nodes[0].home.join("config.toml"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("admin_token = ").map(|v| v.trim_matches('"').to_string()))
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut c = client(port).await;
        let before = c.node.status(StatusRequest {}).await.unwrap().into_inner();

        let e = c.chain.submit_tx(SubmitTxRequest { tx: b"garbage".to_vec() }).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().starts_with("tx: "), "{}", e.message());
        let e = c.chain.submit_tx(SubmitTxRequest { tx: vec![0; 2 << 20] }).await.unwrap_err();
        assert!(
            matches!(e.code(), Code::OutOfRange | Code::ResourceExhausted | Code::InvalidArgument),
            "{e:?}"
        );
        // A well-formed transfer signed by the wrong key.
        let g = &cluster.genesis;
        let domain = SigningDomain::new(g.chain_id, g.root_chain_id, g.root_contract);
        let mallory = UserKey::from_seed(b"mallory");
        let forged = build::transfer(
            &domain,
            &[(UtxoPos::new(1, 0, 0), &mallory)],
            vec![Output::new(mallory.address(), Address::ZERO, U256::from(1_000))],
        );
        let e = c
            .chain
            .submit_tx(SubmitTxRequest { tx: alloy_sol_types::SolValue::abi_encode(&forged) })
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().contains("sign"), "{}", e.message());

        let e = c.chain.get_utxos(GetUtxosRequest { owner: vec![1, 2, 3] }).await.unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (Code::InvalidArgument, "owner: 3 bytes, an address is 20")
        );
        let e = c.chain.get_tx(GetTxRequest { tx_hash: vec![0; 31] }).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        let e = c.chain.get_block(GetBlockRequest { height: 1 << 40 }).await.unwrap_err();
        assert_eq!(e.code(), Code::NotFound);

        // Admin calls: refused without the token or with a wrong one.
        let e = c.node.shutdown(ShutdownRequest {}).await.unwrap_err();
        assert_eq!(e.code(), Code::Unauthenticated);
        let mut wrong = tonic::Request::new(ShutdownRequest {});
        wrong.metadata_mut().insert("authorization", "Bearer nope".parse().unwrap());
        assert_eq!(c.node.shutdown(wrong).await.unwrap_err().code(), Code::PermissionDenied);

        // Nothing changed: alice still owns her deposit; the node still runs and advances.
        let utxos = c
            .chain
            .get_utxos(GetUtxosRequest { owner: alice().address().to_vec() })
            .await
            .unwrap()
            .into_inner()
            .utxos;
        assert_eq!(utxos.len(), 1);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = c.node.status(StatusRequest {}).await.unwrap().into_inner();
        assert!(after.height > before.height);
        assert_eq!(after.mempool_size, 0);

        // Prometheus metrics: the engine's and the node's.
        let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", metrics)).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut conn, b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .unwrap();
        let mut body = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut conn, &mut body).await.unwrap();
        assert!(body.starts_with("HTTP/1.1 200 OK"), "{body}");
        let committed = body
            .lines()
            .find(|l| l.starts_with("plasma_committed_txs_total"))
            .expect("committed txs metric");
        assert!(committed.ends_with(" 1"), "the genesis deposit: {committed}");
        let height: u64 = body
            .lines()
            .find_map(|l| l.strip_prefix("plasma_height "))
            .expect("height metric")
            .parse()
            .unwrap();
        assert!(height >= 2);
        assert!(body.contains("plasma_mempool_size") && body.contains("connected_peers"), "{body}");

        // The rest of the API: peers, sets, the admin's config and log level, and the
        // services a chain without parent or children answers with a clear refusal.
        use plasma_proto::v1::{
            ChallengeRequest, ConfigRequest, GetChildRequest, ListChildrenRequest,
            ParentStateRequest, PeersRequest, SetLogLevelRequest, ValidatorSetRequest,
        };
        assert!(c.node.peers(PeersRequest {}).await.unwrap().into_inner().peers.is_empty());
        let set = c.node.validator_set(ValidatorSetRequest { height: 0 }).await.unwrap();
        let set = set.into_inner();
        assert_eq!(
            (set.validators.len(), set.validator_set_hash),
            (1, before.validator_set_hash.clone())
        );
        assert!(set.height > before.height && set.total_power > 0);
        let e = c.node.validator_set(ValidatorSetRequest { height: 1 << 40 }).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(e.message().starts_with("height: "), "{}", e.message());
        fn with_token<T>(token: &str, r: T) -> tonic::Request<T> {
            let mut r = tonic::Request::new(r);
            r.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
            r
        }
        assert_eq!(
            c.node.config(ConfigRequest {}).await.unwrap_err().code(),
            Code::Unauthenticated
        );
        let shown =
            c.node.config(with_token(&token, ConfigRequest {})).await.unwrap().into_inner().toml;
        assert!(shown.contains(&format!("metrics = \"127.0.0.1:{metrics}\"")), "{shown}");
        assert!(!shown.contains(&token) && shown.contains("admin_token = \"(hidden)\""), "{shown}");
        let level = |f: &str| with_token(&token, SetLogLevelRequest { filter: f.into() });
        let e = c.node.set_log_level(level("info,[[[")).await.unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
        let previous = c.node.set_log_level(level("debug")).await.unwrap().into_inner().previous;
        assert!(previous.starts_with("info,"), "the filter the node started with: {previous}");
        let back = c.node.set_log_level(level(&previous)).await.unwrap().into_inner().previous;
        assert_eq!(back, "debug");
        let e = c.bridge.parent_state(ParentStateRequest {}).await.unwrap_err();
        assert_eq!(e.code(), Code::FailedPrecondition);
        assert!(e.message().contains("no parent"), "{}", e.message());
        let challenge = ChallengeRequest { height: 1, tx_index: 0, output_index: 300 };
        let e = c.bridge.challenge(challenge).await.unwrap_err();
        assert_eq!(e.code(), Code::Unauthenticated);
        let e = c.bridge.challenge(with_token(&token, challenge)).await.unwrap_err();
        assert_eq!(
            (e.code(), e.message()),
            (Code::InvalidArgument, "output_index: 300 is over 255")
        );
        let children = c.children.list_children(ListChildrenRequest {}).await.unwrap();
        assert!(children.into_inner().children.is_empty());
        let e = c.children.get_child(GetChildRequest { chain_id: 7 }).await.unwrap_err();
        assert_eq!(e.code(), Code::NotFound);

        // grpcurl, through server reflection: every service listed; an admin call without
        // the token refused.
        let grpcurl = common::grpcurl();
        let target = format!("127.0.0.1:{port}");
        let out = std::process::Command::new(&grpcurl)
            .args(["-plaintext", &target, "list"])
            .output()
            .unwrap();
        let listed = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{listed}{}", String::from_utf8_lossy(&out.stderr));
        for service in [
            "plasma.v1.Node",
            "plasma.v1.Chain",
            "plasma.v1.Bridge",
            "plasma.v1.Children",
            "grpc.health.v1.Health",
        ] {
            assert!(listed.lines().any(|l| l == service), "{service} missing from:\n{listed}");
        }
        let out = std::process::Command::new(&grpcurl)
            .args(["-plaintext", "-d", "{}", &target, "plasma.v1.Node/Config"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && said.contains("Unauthenticated"), "{said}");
        let out = std::process::Command::new(&grpcurl)
            .args(["-plaintext", "-d", "{}", &target, "plasma.v1.Node/Status"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && said.contains("\"role\": \"validator\""), "{said}");

        // With the token, the admin call works and the node stops.
        let mut ok = tonic::Request::new(ShutdownRequest {});
        ok.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        c.node.shutdown(ok).await.unwrap();
    });
    let child = cluster.nodes[0].child.as_mut().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "node did not stop on Shutdown");
        std::thread::sleep(Duration::from_millis(100));
    }
}
