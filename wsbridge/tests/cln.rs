//! Through the bridge to a real Core Lightning node that has no WebSocket port (the
//! interop harness's `NodeOptions::default()`: TCP only): our Commando client over
//! lnsocket's WebSocket transport, `ws://BRIDGE/127.0.0.1:<node port>`. A `getinfo`, a
//! 120 kB request (two Commando chunks), a reply over 200 kB, each compared with the
//! node's own RPC answer; and the node's other port refused, reaching nothing.
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use cln_interop::{Node, NodeOptions};
use commando::lnsocket_adaptor::LnsocketConnector;
use commando::{Client, ClientConfig, Request, TokioTimer};
use common::{allow, bridge, refused, ws};
use serde_json::{json, Value};
use wsbridge::Limits;

const BIG_REQUEST: usize = 120_000;

/// Waits (bounded) until the node's TCP port accepts: `getinfo` answers before connectd
/// listens.
fn wait_listening(node: &Node) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect_timeout(&node.tcp, Duration::from_secs(1)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{} not listening\n{}",
            node.tcp,
            node.log_tail()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn commando_to_core_lightning_through_the_bridge() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    assert!(node.ws.is_none(), "the node has no WebSocket port");
    wait_listening(&node);
    let rune = node.create_rune(json!([])).expect("createrune");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let b = bridge(allow(&[node.tcp.to_string()]), Limits::default()).await;
        let target = format!("{}@ws://{}/{}", node.id, b.addr, node.tcp);
        let connector = Arc::new(LnsocketConnector::new(
            target.clone(),
            lnsocket::Config::default(),
        ));
        let config = ClientConfig {
            timeout: Duration::from_secs(120),
            reconnect: false,
            ..ClientConfig::default()
        };
        let (client, driver) = Client::connect(connector, config, Arc::new(TokioTimer))
            .await
            .unwrap_or_else(|e| panic!("connect {target}: {e}"));
        let driver = tokio::spawn(driver.run());
        let call = |method: &str, params: Value| {
            client.call(Request::new(method).params(params).rune(rune.clone()))
        };

        let info = call("getinfo", json!({})).await.expect("getinfo");
        let direct = node.rpc("getinfo", json!({})).expect("getinfo over RPC");
        assert_eq!(info["id"], json!(node.id));
        assert_eq!(
            (&info["alias"], &info["version"], &info["network"]),
            (&direct["alias"], &direct["version"], &direct["network"])
        );

        let mut values = Vec::new();
        for (part, tag) in [("a", 'x'), ("b", 'y')] {
            let value: String = std::iter::repeat_n(tag, BIG_REQUEST).collect();
            let r = call(
                "datastore",
                json!({"key": ["bridge", part], "string": value}),
            )
            .await
            .expect("datastore of 120 kB through the bridge");
            assert_eq!(r["string"].as_str().map(str::len), Some(BIG_REQUEST));
            values.push(value);
        }
        let listed = call("listdatastore", json!({"key": ["bridge"]}))
            .await
            .expect("listdatastore");
        assert!(listed.to_string().len() > 200_000, "reply size");
        let direct = node
            .rpc("listdatastore", json!({"key": ["bridge"]}))
            .expect("listdatastore over RPC");
        assert_eq!(listed, direct, "the same reply as the node's own RPC");
        drop(client);
        driver.abort();

        // The bridge saw the bytes pass, never their content: BOLT 8 end to end.
        b.wait_open(0).await;
        let line = b.log.wait_for(&format!("-> {}: 1000", node.tcp)).await;
        assert!(line.contains("client closed the connection"), "{line}");

        // Another port of the node's host is not allowed.
        let other = format!("127.0.0.1:{}", node.tcp.port() + 1);
        let (status, body) = refused(ws(b.addr, &format!("/{other}")).await);
        assert_eq!(
            (status, body.trim()),
            (403, format!("destination {other} is not allowed").as_str())
        );
    });
}
