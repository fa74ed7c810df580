//! `bolt12 ping` and `bolt12 commando` against a node on loopback: an lnsocket responder
//! (TCP and WebSocket) serving Commando with rune checks, run in this test process.
use std::sync::Arc;

use async_trait::async_trait;
use commando::lnsocket_adaptor::serve_lnsocket;
use commando::{Call, Handler, Limits, RpcError, Server};
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::PrivateKey;
use lnsocket::Config;
use runes::{MasterRune, MasterSecret, MemoryRuneStore, Restriction, SystemClock, UniqueId};
use serde_json::{json, Value};

mod common;
use common::bolt12;

const SECRET: &[u8] = b"cli test commando secret";

struct Node;

#[async_trait]
impl Handler for Node {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "getinfo" => Ok(json!({"alias": "cli-test", "num_peers": 0})),
            "echo" => Ok(call.params),
            other => Err(RpcError::new(-32601, format!("Unknown command '{other}'"))),
        }
    }
}

fn master() -> MasterRune {
    MasterRune::new(&MasterSecret::new(SECRET).unwrap())
}

/// Starts a node; returns `<id>@<addr>` for TCP and WebSocket, and the runtime keeping it up.
fn start() -> (String, String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = Arc::new(Server::new(
        master(),
        Arc::new(MemoryRuneStore::new()),
        Arc::new(SystemClock),
        Node,
        Limits::default(),
    ));
    let mut targets = Vec::new();
    for kind in [Kind::Tcp, Kind::WebSocket] {
        let l = rt
            .block_on(Listener::bind(
                "127.0.0.1:0".parse().unwrap(),
                kind,
                PrivateKey::generate().unwrap(),
            ))
            .unwrap();
        targets.push(l.dial_address().unwrap());
        let server = server.clone();
        rt.spawn(async move {
            loop {
                let Ok(conn) = l.accept(Config::default()).await else {
                    continue;
                };
                let s = server.clone();
                tokio::spawn(async move {
                    let _ = serve_lnsocket(&s, conn).await;
                });
            }
        });
    }
    (targets[0].clone(), targets[1].clone(), rt)
}

#[test]
fn ping_prints_features_and_rtt() {
    let (tcp, ws, _rt) = start();
    for target in [&tcp, &ws] {
        let o = bolt12(&["ping", target, "--timeout", "5"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("rtt"), "{out}");
        assert!(out.contains("option_onion_messages"), "{out}");
    }
}

#[test]
fn ping_failures_are_one_line_errors() {
    let (tcp, _ws, _rt) = start();
    // Wrong node id for the address: the handshake fails.
    let wrong = format!(
        "{}@{}",
        PrivateKey::generate().unwrap().public_key(),
        tcp.split_once('@').unwrap().1
    );
    // Nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let unreachable = format!("{}@127.0.0.1:{port}", tcp.split_once('@').unwrap().0);
    for target in [
        wrong.as_str(),
        unreachable.as_str(),
        "nonsense",
        "02ab@host:notaport",
    ] {
        let o = bolt12(&["ping", target, "--timeout", "3"]);
        assert_eq!(o.status.code(), Some(1), "{target}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{target}: {err}");
        assert!(err.starts_with("error: ping"), "{err}");
    }
}

#[test]
fn commando_result_and_errors() {
    let (tcp, ws, _rt) = start();
    let any = master()
        .create(UniqueId::new("1").unwrap(), vec![])
        .to_base64();
    let getinfo_only = master()
        .create(
            UniqueId::new("2").unwrap(),
            vec![Restriction::parse("method=getinfo").unwrap()],
        )
        .to_base64();
    for target in [&tcp, &ws] {
        let o = bolt12(&["commando", target, "--rune", &any, "getinfo"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["alias"], "cli-test");
        // key=value parameters become an object.
        let o = bolt12(&["commando", target, "--rune", &any, "echo", "a=1", "b=x"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v, json!({"a": 1, "b": "x"}));
        // A rune that denies the method: the node's error object, code 19537, exit 1.
        let o = bolt12(&["commando", target, "--rune", &getinfo_only, "echo"]);
        assert_eq!(o.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["code"], 19537, "{v}");
        // A rune from another secret.
        let foreign = MasterRune::new(&MasterSecret::new(b"other").unwrap())
            .create(UniqueId::new("1").unwrap(), vec![])
            .to_base64();
        let o = bolt12(&["commando", target, "--rune", &foreign, "getinfo"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            serde_json::from_slice::<Value>(&o.stdout).unwrap()["code"],
            19537
        );
        // An unknown method: the handler's error.
        let o = bolt12(&["commando", target, "--rune", &any, "nosuch"]);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            serde_json::from_slice::<Value>(&o.stdout).unwrap()["code"],
            -32601
        );
    }
}
