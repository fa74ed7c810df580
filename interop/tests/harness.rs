//! The harness itself: nodes start on loopback, connect, answer RPC, and are stopped by
//! pid when dropped.
use cln_interop::{Node, NodeOptions};
use serde_json::json;

fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.contains(") Z "))
            .unwrap_or(true)
}

#[test]
fn two_nodes_start_connect_and_stop() {
    let nodes = Node::start_many(2, &NodeOptions::with_websocket()).expect("nodes start");
    let (a, b) = (&nodes[0], &nodes[1]);
    assert_eq!(a.id.len(), 66, "node id is a 33-byte point in hex");
    assert_ne!(a.id, b.id);
    let info = a.rpc("getinfo", json!({})).expect("getinfo");
    assert_eq!(info["network"], "regtest");
    assert_eq!(
        info["blockheight"],
        cln_interop::REGTEST_TIP,
        "synced to our backend's tip"
    );
    assert!(a.tcp.ip().is_loopback() && a.ws.expect("ws").ip().is_loopback());
    a.connect(b).expect("connect");
    let peers = b.rpc("listpeers", json!({})).expect("listpeers");
    assert_eq!(peers["peers"][0]["id"], a.id.as_str());

    let pids: Vec<u32> = nodes.iter().map(|n| n.pid().expect("running")).collect();
    assert!(pids.iter().all(|&p| alive(p)));
    drop(nodes);
    assert!(pids.iter().all(|&p| !alive(p)), "every node stopped by pid");
}

#[test]
fn fixed_hsm_secret_gives_a_fixed_node_id() {
    let opts = NodeOptions {
        hsm_secret: Some([7; 32]),
        ..NodeOptions::default()
    };
    let first = Node::start(&opts).expect("start").id.clone();
    let second = Node::start(&opts).expect("start").id.clone();
    assert_eq!(first, second);
}

#[test]
fn node_errors_are_typed() {
    let node = Node::start(&NodeOptions::default()).expect("start");
    match node.rpc("decode", json!({"string": "lno1qqqq"})) {
        Err(cln_interop::RpcError::Node { code, message, .. }) => {
            assert!(code != 0 && !message.is_empty(), "{code} {message}");
        }
        other => panic!("decode of garbage should be a node error, got {other:?}"),
    }
}
