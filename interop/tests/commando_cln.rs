//! Commando against a real Core Lightning node, both ways.
//!
//! * Our client (the `commando` crate over lnsocket, TCP and WebSocket) and `bolt12
//!   commando` (the CLI, run as a process) calling the node: a result, a 120 kB request
//!   (chunked in 65000-byte pieces), a reply over 200 kB, 20 concurrent calls matched by
//!   id, a refused rune with the node's code (19537) and message, our attenuation of a
//!   node rune.
//! * The node's own `commando` command calling our embeddable server (the `commando`
//!   crate's server on an lnsocket listener on 127.0.0.1, which the node `connect`s to):
//!   a rune our server minted, a refused rune, a request over 65000 bytes and a reply over
//!   200 kB.
//!
//! Core Lightning's side: plugins/commando.c (`json_commando`, `try_command`,
//! `checkrune_failed`, `handle_reply`), doc/lightning-commando.7.md.
mod common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use cln_interop::{Node, NodeOptions, RpcError as NodeRpcError};
use commando::lnsocket_adaptor::{serve_lnsocket, LnsocketConnector};
use commando::{
    Call, Client, ClientConfig, CommandoError, Handler, Limits, Request, RpcError, Server,
    TokioTimer,
};
use lnsocket::listener::{Kind, Listener};
use lnsocket::{Config, PrivateKey};
use runes::{MasterRune, MasterSecret, MemoryRuneStore, Restriction, Rune, SystemClock, UniqueId};
use serde_json::{json, Value};

const BOUND: Duration = Duration::from_secs(120);
/// More than one 65000-byte commando chunk, and under Linux's 128 KiB cap on one argv
/// string (for the CLI).
const BIG_REQUEST: usize = 120_000;

/// Core Lightning's documented read-only rune (lightning-createrune(7)): it refuses
/// `listdatastore`.
fn readonly() -> Value {
    json!([
        ["method^list", "method^get", "method=summary"],
        ["method/listdatastore"]
    ])
}

fn targets(node: &Node) -> Vec<String> {
    vec![
        node.tcp_address(),
        format!("{}@{}", node.id, node.ws_url().expect("websocket")),
    ]
}

/// What the node's own `checkrune` says of `rune` for this call from `peer`.
fn node_refusal(node: &Node, rune: &str, peer: &str, method: &str, params: Value) -> String {
    match node.rpc(
        "checkrune",
        json!({"rune": rune, "nodeid": peer, "method": method, "params": params}),
    ) {
        Err(NodeRpcError::Node { message, .. }) => message,
        other => panic!("checkrune should refuse {method}: {other:?}"),
    }
}

fn big_string(tag: char, n: usize) -> String {
    std::iter::repeat_n(tag, n).collect()
}

#[test]
fn our_client_calls_the_node_over_tcp_and_websocket() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let rune = node.create_rune(json!([])).expect("createrune");
    let ro = node.create_rune(readonly()).expect("createrune readonly");
    let rt = common::runtime();
    for (n, target) in targets(&node).into_iter().enumerate() {
        let key = PrivateKey::generate().expect("key");
        let our_id = hex::encode(key.public_key().serialize());
        let connector = Arc::new(LnsocketConnector::new(
            target.clone(),
            Config {
                local_key: Some(key),
                ..Config::default()
            },
        ));
        let config = ClientConfig {
            timeout: BOUND,
            ..ClientConfig::default()
        };
        rt.block_on(async {
            let (client, driver) = Client::connect(connector, config, Arc::new(TokioTimer))
                .await
                .unwrap_or_else(|e| panic!("connect {target}: {e}"));
            let driver = tokio::spawn(driver.run());
            let call = |method: &str, params: Value, rune: &str| {
                client.call(Request::new(method).params(params).rune(rune.to_owned()))
            };

            // A result.
            let info = call("getinfo", json!({}), &rune).await.expect("getinfo");
            assert_eq!(info["id"], json!(node.id), "{target}");
            // A filter: the node applies it to the result.
            let filtered = client
                .call(
                    Request::new("getinfo")
                        .rune(rune.clone())
                        .filter(json!({"id": true})),
                )
                .await
                .expect("filtered getinfo");
            assert_eq!(filtered, json!({"id": node.id}), "{target}");

            // 120 kB requests (two chunks each), then a reply over 200 kB.
            let key = format!("big{n}");
            let mut values = Vec::new();
            for part in ["a", "b"] {
                let value = big_string(if part == "a" { 'x' } else { 'y' }, BIG_REQUEST);
                let r = call(
                    "datastore",
                    json!({"key": [key, part], "string": value}),
                    &rune,
                )
                .await
                .unwrap_or_else(|e| panic!("{target}: datastore of {BIG_REQUEST} bytes: {e}"));
                assert_eq!(r["key"], json!([key, part]), "{target}");
                assert_eq!(r["string"].as_str().map(str::len), Some(BIG_REQUEST));
                values.push(value);
            }
            let listed = call("listdatastore", json!({"key": [key]}), &rune)
                .await
                .expect("listdatastore");
            assert!(listed.to_string().len() > 200_000, "{target}: reply size");
            let direct = node
                .rpc("listdatastore", json!({"key": [key]}))
                .expect("listdatastore over RPC");
            assert_eq!(listed, direct, "{target}: same reply as the node's own RPC");
            let strings: Vec<&str> = listed["datastore"]
                .as_array()
                .expect("datastore")
                .iter()
                .filter_map(|e| e["string"].as_str())
                .collect();
            assert_eq!(
                strings,
                values.iter().map(String::as_str).collect::<Vec<_>>()
            );

            // 20 concurrent calls, each matched to its own reply by id.
            let calls =
                (0..20).map(|i| call("makesecret", json!({"string": format!("s{i}")}), &rune));
            let replies = futures_util::future::join_all(calls).await;
            for (i, reply) in replies.into_iter().enumerate() {
                let want = node
                    .rpc("makesecret", json!({"string": format!("s{i}")}))
                    .expect("makesecret");
                assert_eq!(
                    reply.expect("makesecret over commando"),
                    want,
                    "{target} #{i}"
                );
            }
            assert_eq!(client.in_flight(), 0);

            // Concurrent big requests: each is sent whole (the node keeps one partial
            // command per peer and drops it when another id's chunk arrives). Over TCP
            // all five at once. Over the WebSocket port one at a time: with big requests
            // going in while big replies come out, Core Lightning's websocketd (blocking
            // writes, one thread) and connectd (no reads from a peer while output to it
            // is queued) wait on each other, whatever the client does (README, Known
            // issues; lnsocket/tests/duplex.rs shows our side keeps reading).
            let big = |i: usize| {
                call(
                    "datastore",
                    json!({"key": [format!("con{n}"), i.to_string()], "string": big_string('c', BIG_REQUEST)}),
                    &rune,
                )
            };
            let replies = if target.contains("ws://") {
                let mut replies = Vec::new();
                for i in 0..5 {
                    replies.push(big(i).await);
                }
                replies
            } else {
                futures_util::future::join_all((0..5).map(big)).await
            };
            for (i, r) in replies.into_iter().enumerate() {
                let r = r.unwrap_or_else(|e| panic!("{target}: concurrent big request #{i}: {e}"));
                assert_eq!(r["key"], json!([format!("con{n}"), i.to_string()]));
            }

            // A refused rune: the node's code and message.
            let e = call("listdatastore", json!({}), &ro)
                .await
                .expect_err("readonly rune refuses listdatastore");
            let why = node_refusal(&node, &ro, &our_id, "listdatastore", json!({}));
            assert!(matches!(e, CommandoError::Unauthorized { .. }), "{e:?}");
            assert_eq!(e.code(), 19537);
            assert_eq!(e.message(), format!("Invalid rune: {why}"));

            // A command error: the node's own code and message.
            let e = call("nosuchcommand", json!({}), &rune)
                .await
                .expect_err("unknown");
            match node.rpc("nosuchcommand", json!({})) {
                Err(NodeRpcError::Node { code, message, .. }) => {
                    assert_eq!((e.code(), e.message()), (code, message), "{target}");
                }
                other => panic!("unknown command over RPC: {other:?}"),
            }

            // Our attenuation of the node's rune, made without the secret.
            let mut weaker = Rune::from_base64(&rune).expect("parses");
            weaker.add_restriction(Restriction::parse("method=getinfo").expect("restriction"));
            let weaker = weaker.to_base64();
            let info = call("getinfo", json!({}), &weaker)
                .await
                .expect("attenuated getinfo");
            assert_eq!(info["id"], json!(node.id));
            let e = call("listpeers", json!({}), &weaker)
                .await
                .expect_err("attenuated");
            assert_eq!(e.code(), 19537);
            assert_eq!(
                e.message(),
                format!(
                    "Invalid rune: {}",
                    node_refusal(&node, &weaker, &our_id, "listpeers", json!({}))
                )
            );

            drop(client);
            driver.abort();
        });
    }
}

#[test]
fn bolt12_commando_cli_calls_the_node() {
    let node = Node::start(&NodeOptions::with_websocket()).expect("node starts");
    common::wait_listening(&node);
    let rune = node.create_rune(json!([])).expect("createrune");
    let ro = node.create_rune(readonly()).expect("createrune readonly");
    for (n, target) in targets(&node).into_iter().enumerate() {
        let cli = |args: &[&str]| {
            let mut all = vec!["commando", target.as_str()];
            all.extend_from_slice(args);
            common::run_cli(&all, BOUND)
        };
        // A result: the JSON of `result`; also with a rune that starts with `-h`.
        let hyphen = common::hyphen_rune(&rune, "-h");
        for r in [&rune, &hyphen] {
            let run = cli(&["--rune", r, "getinfo"]);
            assert_eq!(run.code, Some(0), "{target}: {run:?}");
            let info: Value = serde_json::from_str(&run.stdout).expect("JSON result");
            assert_eq!(info["id"], json!(node.id));
        }

        // A 120 kB request given as one key=value argument; positional params too.
        let key = format!("cli{n}");
        let value = big_string('z', BIG_REQUEST);
        let string_arg = format!("string={value}");
        let key_arg = format!("key=[\"{key}\",\"a\"]");
        let run = cli(&["--rune", &rune, "datastore", &key_arg, &string_arg]);
        assert_eq!(run.code, Some(0), "{target}: {}", run.stderr);
        let stored: Value = serde_json::from_str(&run.stdout).expect("JSON");
        assert_eq!(stored["string"].as_str().map(str::len), Some(BIG_REQUEST));
        let key_b = format!("[\"{key}\",\"b\"]");
        let run = cli(&["--rune", &rune, "datastore", &key_b, &value]);
        assert_eq!(run.code, Some(0), "{target}: {}", run.stderr);

        // A reply over 200 kB.
        let key_arg = format!("key=[\"{key}\"]");
        let run = cli(&["--rune", &rune, "listdatastore", &key_arg]);
        assert_eq!(run.code, Some(0), "{target}: {}", run.stderr);
        assert!(run.stdout.len() > 200_000);
        let listed: Value = serde_json::from_str(&run.stdout).expect("JSON");
        let direct = node
            .rpc("listdatastore", json!({"key": [key]}))
            .expect("listdatastore");
        assert_eq!(listed, direct, "{target}");

        // A refused rune: exit 1, the error object with the node's code and message.
        let run = cli(&["--rune", &ro, "listdatastore"]);
        assert_eq!(run.code, Some(1), "{target}: {run:?}");
        let err: Value = serde_json::from_str(&run.stdout).expect("JSON error object");
        assert_eq!(err["code"], json!(19537), "{err}");
        let message = err["message"].as_str().expect("message");
        // The CLI's key is a fresh one; the readonly rune's verdict does not depend on it.
        let why = node_refusal(&node, &ro, &node.id, "listdatastore", json!({}));
        assert_eq!(message, format!("Invalid rune: {why}"));
    }
}

/// Our embeddable node's commands.
struct Ours;

#[async_trait]
impl Handler for Ours {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "whoami" => Ok(json!({"peer": hex::encode(call.peer)})),
            "size" => {
                let s = call
                    .params
                    .get("blob")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                Ok(json!({"len": s.len(), "tail": s.get(s.len().saturating_sub(8)..)}))
            }
            "big" => {
                let n = call.params.get("n").and_then(Value::as_u64).unwrap_or(0);
                let n = usize::try_from(n).map_err(|_| RpcError::new(-32602, "n too large"))?;
                Ok(json!({"data": big_string('b', n)}))
            }
            other => Err(RpcError::new(-32601, format!("Unknown command '{other}'"))),
        }
    }
}

/// Our commando server on 127.0.0.1 (an lnsocket TCP listener), serving [`Ours`] with
/// runes of `master`; returns its node id and port.
fn start_our_server(rt: &tokio::runtime::Runtime, master: MasterRune) -> (String, u16) {
    rt.block_on(async {
        let listener = Listener::bind(
            "127.0.0.1:0".parse().expect("addr"),
            Kind::Tcp,
            PrivateKey::generate().expect("key"),
        )
        .await
        .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let id = listener.node_id().to_string();
        let server = Arc::new(Server::new(
            master,
            Arc::new(MemoryRuneStore::new()),
            Arc::new(SystemClock),
            Ours,
            Limits::default(),
        ));
        tokio::spawn(async move {
            loop {
                let Ok(conn) = listener.accept(Config::default()).await else {
                    continue;
                };
                let s = server.clone();
                tokio::spawn(async move {
                    let _ = serve_lnsocket(&s, conn).await;
                });
            }
        });
        (id, port)
    })
}

/// Bad runes get the same answer from our server (called by the node's `commando`) as
/// from the node's own commando (called by our client): same code, same message.
#[test]
fn bad_runes_are_answered_alike_by_both_servers() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    common::wait_listening(&node);
    let rt = common::runtime();
    let ours_master = MasterRune::new(&MasterSecret::new(b"another secret").expect("secret"));
    let (our_id, port) = start_our_server(&rt, ours_master);
    node.rpc(
        "connect",
        json!({"id": format!("{our_id}@127.0.0.1:{port}")}),
    )
    .expect("the node connects to our server");

    // Derived from neither secret, not base64, no unique id, a textual unique id.
    let stranger = MasterRune::new(&MasterSecret::new(b"a stranger").expect("secret"))
        .create(UniqueId::new("3").expect("id"), vec![])
        .to_base64();
    let zero = "00".repeat(32);
    let no_id = Rune::from_string_form(&format!("{zero}:method=getinfo"))
        .expect("string form")
        .to_base64();
    let text_id = Rune::from_string_form(&format!("{zero}:=abc&method=getinfo"))
        .expect("string form")
        .to_base64();
    let bad = [
        Some(stranger),
        Some("not base64!".to_owned()),
        Some(no_id),
        Some(text_id),
        None,
    ];

    let connector = Arc::new(LnsocketConnector::new(
        node.tcp_address(),
        Config::default(),
    ));
    let config = ClientConfig {
        timeout: BOUND,
        ..ClientConfig::default()
    };
    for rune in &bad {
        let from_node = rt.block_on(async {
            let (client, driver) =
                Client::connect(connector.clone(), config.clone(), Arc::new(TokioTimer))
                    .await
                    .expect("connect");
            let driver = tokio::spawn(driver.run());
            let mut req = Request::new("getinfo");
            if let Some(r) = rune {
                req = req.rune(r.clone());
            }
            let r = client.call(req).await.expect_err("the node refuses");
            drop(client);
            driver.abort();
            (r.code(), r.message())
        });
        let mut params = json!({"peer_id": our_id, "method": "getinfo", "params": {}});
        if let Some(r) = rune {
            params["rune"] = json!(r);
        }
        let from_ours = match node.rpc_timeout("commando", params, BOUND) {
            Err(NodeRpcError::Node { code, message, .. }) => (code, message),
            other => panic!("our server accepted {rune:?}: {other:?}"),
        };
        assert_eq!(from_ours, from_node, "{rune:?}");
    }
}

#[test]
fn the_nodes_commando_calls_our_server() {
    let node = Node::start(&NodeOptions::default()).expect("node starts");
    let rt = common::runtime();
    let master_secret = *b"our embeddable commando server's";
    let master = || MasterRune::new(&MasterSecret::new(&master_secret).expect("secret"));
    let (our_id, port) = start_our_server(&rt, master());
    node.rpc(
        "connect",
        json!({"id": format!("{our_id}@127.0.0.1:{port}")}),
    )
    .expect("the node connects to our server");

    // Runes our server minted: one for anything, one bound to the node's id and `size`.
    let any = master()
        .create(UniqueId::new("0").expect("id"), vec![])
        .to_base64();
    let bound = master()
        .create(
            UniqueId::new("1").expect("id"),
            vec![
                Restriction::parse(&format!("id={}", node.id)).expect("r"),
                Restriction::parse("method=size|method=whoami").expect("r"),
            ],
        )
        .to_base64();
    let commando = |method: &str, params: Value, rune: &str| {
        node.rpc_timeout(
            "commando",
            json!({"peer_id": our_id, "method": method, "params": params, "rune": rune}),
            BOUND,
        )
    };

    let me = commando("whoami", json!({}), &any).expect("accepted");
    assert_eq!(
        me["peer"],
        json!(node.id),
        "we saw the node's id as the peer"
    );
    let me = commando("whoami", json!({}), &bound).expect("accepted, id-bound rune");
    assert_eq!(me["peer"], json!(node.id));

    // A request over 65000 bytes: the node chunks it, we reassemble it.
    let blob = format!("{}END-MARK", big_string('q', 70_000));
    let r = commando("size", json!({"blob": blob}), &bound).expect("big request");
    assert_eq!(r["len"], json!(blob.len()));
    assert_eq!(r["tail"], json!("END-MARK"[..].to_owned()));

    // A reply over 200 kB: we chunk it, the node reassembles it.
    let r = commando("big", json!({"n": 250_000}), &any).expect("big reply");
    assert_eq!(r["data"].as_str().map(str::len), Some(250_000));

    // A refused rune: the node reports our code and message.
    match commando("big", json!({"n": 1}), &bound) {
        Err(NodeRpcError::Node { code, message, .. }) => {
            assert_eq!(code, 19537, "{message}");
            assert_eq!(
                message,
                "Invalid rune: Not permitted: method is not equal to size AND method is not equal to whoami"
            );
        }
        other => panic!("refused rune accepted: {other:?}"),
    }
    // A rune that is not ours at all (the node's own).
    let theirs = node.create_rune(json!([])).expect("createrune");
    match commando("whoami", json!({}), &theirs) {
        Err(NodeRpcError::Node { code, message, .. }) => {
            assert_eq!(code, 19537, "{message}");
            assert!(
                message.starts_with("Invalid rune: Not authorized: "),
                "{message}"
            );
        }
        other => panic!("foreign rune accepted: {other:?}"),
    }
    // A handler error comes through with its code.
    match commando("nosuch", json!({}), &any) {
        Err(NodeRpcError::Node { code, message, .. }) => {
            assert_eq!(
                (code, message.as_str()),
                (-32601, "Unknown command 'nosuch'")
            );
        }
        other => panic!("unknown command: {other:?}"),
    }
    drop(rt);
}
