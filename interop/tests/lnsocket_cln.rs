//! lnsocket against a real Core Lightning node, over TCP and over WebSocket: the BOLT 8
//! handshake, the BOLT 1 `init` exchange (the node's features, named by BOLT 9, are the
//! ones its own `getinfo` lists; the node sees ours), `ping`/`pong`, `bolt12 ping` as a
//! process, and a wrong node id refused with a typed error.
mod common;

use std::time::Duration;

use cln_interop::{Node, NodeOptions};
use lnsocket::features;
use lnsocket::ping::{ping, PingOptions};
use lnsocket::{Config, Connection, Error, Message, PrivateKey};
use serde_json::json;

const BOUND: Duration = Duration::from_secs(60);

/// Regtest's genesis block hash in internal byte order (BOLT 0 `chain_hash`).
const REGTEST: &str = "06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f";

/// The node's own `init` features, from `getinfo`.
fn node_init_features(node: &Node) -> Vec<u8> {
    let info = node.rpc("getinfo", json!({})).expect("getinfo");
    hex::decode(
        info["our_features"]["init"]
            .as_str()
            .expect("our_features.init"),
    )
    .expect("hex")
}

/// Both addresses of a node: `id@127.0.0.1:port` and `id@ws://127.0.0.1:port`.
fn targets(node: &Node) -> Vec<String> {
    vec![
        node.tcp_address(),
        format!("{}@{}", node.id, node.ws_url().expect("websocket")),
    ]
}

#[test]
fn handshake_init_and_ping_over_tcp_and_websocket() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let theirs = node_init_features(&node);
    let rt = common::runtime();
    for target in targets(&node) {
        let key = PrivateKey::generate().expect("key");
        let our_id = hex::encode(key.public_key().serialize());
        let config = Config {
            local_key: Some(key),
            ping_interval: None,
            ..Config::default()
        };
        let ours = config.features.clone();
        rt.block_on(async {
            let mut conn = tokio::time::timeout(BOUND, Connection::connect(&target, config))
                .await
                .expect("bounded")
                .unwrap_or_else(|e| panic!("connect {target}: {e}"));
            assert_eq!(hex::encode(conn.remote_node_id().serialize()), node.id);
            // The init the node sent: its features (globalfeatures and features together)
            // and its network.
            assert_eq!(
                conn.remote_features(),
                theirs,
                "{target}: node's init features"
            );
            let networks = conn.remote_init().tlvs.networks.clone().expect("networks");
            let networks: Vec<String> = networks.iter().map(|n| hex::encode(n.0)).collect();
            assert_eq!(networks, vec![REGTEST.to_owned()], "{target}");

            // The node sees us, with the features we sent.
            // (It lists us as connected a moment after it sent its init: poll, bounded.)
            let deadline = std::time::Instant::now() + BOUND;
            let peer = loop {
                let peers = node
                    .rpc("listpeers", json!({"id": our_id}))
                    .expect("listpeers");
                if peers["peers"][0]["connected"] == json!(true) {
                    break peers["peers"][0].clone();
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "{target}: {peers}\n{}",
                    node.log_tail()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            assert_eq!(peer["features"], json!(hex::encode(&ours)), "{target}");

            // Pings with a pong of the size asked for.
            for n in [0u16, 4, 1000] {
                conn.send_ping(n).await.expect("ping sent");
                let len = tokio::time::timeout(BOUND, async {
                    loop {
                        match conn.recv().await.expect("recv") {
                            Message::Pong { len, .. } => break len,
                            Message::Error(e) => panic!("node sent error {e:?}"),
                            _ => {}
                        }
                    }
                })
                .await
                .expect("pong within the bound");
                assert_eq!(len, usize::from(n), "{target}: pong length");
            }
            conn.close().await;
        });
    }
}

#[test]
fn ping_reports_the_nodes_features_by_bolt9_name() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let theirs = node_init_features(&node);
    let expected = features::describe(&theirs);
    // Every feature Core Lightning sets in init is one BOLT 9 names.
    let unnamed: Vec<_> = expected.iter().filter(|f| f.name.is_none()).collect();
    assert!(unnamed.is_empty(), "unnamed feature bits: {unnamed:?}");
    assert!(expected.len() > 5, "{expected:?}");

    let rt = common::runtime();
    for target in targets(&node) {
        let report = rt
            .block_on(async {
                tokio::time::timeout(BOUND, ping(&target, &PingOptions::default())).await
            })
            .expect("bounded")
            .unwrap_or_else(|e| panic!("ping {target}: {e}"));
        assert_eq!(hex::encode(report.node_id.serialize()), node.id);
        assert_eq!(report.features, expected, "{target}");

        // `bolt12 ping` prints the same: the node id, one line per feature.
        let run = common::run_cli(&["ping", &target], BOUND);
        assert_eq!(run.code, Some(0), "{target}: {run:?}");
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(
            lines.first().copied(),
            Some(format!("node: {}", node.id).as_str())
        );
        let printed: Vec<String> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("  "))
            .map(str::to_owned)
            .collect();
        let want: Vec<String> = expected.iter().map(ToString::to_string).collect();
        assert_eq!(printed, want, "{target}: {}", run.stdout);
        assert!(
            lines.last().is_some_and(|l| l.starts_with("rtt: ")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_wrong_node_id_is_refused_with_a_typed_error() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let wrong = hex::encode(
        PrivateKey::generate()
            .expect("key")
            .public_key()
            .serialize(),
    );
    let rt = common::runtime();
    let tcp = format!("{wrong}@{}", node.tcp);
    let ws = format!("{wrong}@{}", node.ws_url().expect("websocket"));
    for target in [tcp, ws] {
        let result = rt
            .block_on(async {
                tokio::time::timeout(BOUND, Connection::connect(&target, Config::default())).await
            })
            .expect("bounded");
        match result {
            Err(Error::HandshakeRejected) => {}
            Err(e) => panic!("{target}: expected HandshakeRejected, got {e:?}"),
            Ok(c) => panic!(
                "{target}: connected to {:?} under a wrong id",
                c.remote_node_id()
            ),
        }
        // The CLI says so too, and fails.
        let run = common::run_cli(&["ping", &target], BOUND);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert!(run.stderr.contains("is the node id right?"), "{run:?}");
    }
}
