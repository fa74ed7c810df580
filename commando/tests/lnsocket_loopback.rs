//! Client against server over real lnsocket connections on loopback:
//! BOLT 8 over TCP and over WebSocket. Needs `--features lnsocket`.
#![cfg(feature = "lnsocket")]

use async_trait::async_trait;
use commando::lnsocket_adaptor::{call_once, serve_lnsocket, LnsocketConnector};
use commando::{
    Call, Client, ClientConfig, CommandoError, Handler, Limits, Request, RpcError, Server,
    TokioTimer,
};
use futures_util::future::join_all;
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::PrivateKey;
use lnsocket::Config;
use runes::{MasterRune, MasterSecret, MemoryRuneStore, Restriction, SystemClock, UniqueId};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const SECRET: &[u8] = b"loopback commando secret";
const BOUND: Duration = Duration::from_secs(60);

struct Node;

#[async_trait]
impl Handler for Node {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "getinfo" => Ok(json!({"peer": hex::encode(call.peer)})),
            "echo" => Ok(call.params),
            "big" => {
                let n = call.params.get("n").and_then(Value::as_u64).unwrap_or(0) as usize;
                Ok(json!({"data": "b".repeat(n)}))
            }
            other => Err(RpcError::new(-32601, format!("Unknown command '{other}'"))),
        }
    }
}

fn master() -> MasterRune {
    MasterRune::new(&MasterSecret::new(SECRET).unwrap())
}

async fn start(kind: Kind) -> (String, tokio::task::JoinHandle<()>) {
    let l = Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        kind,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap();
    let addr = l.dial_address().unwrap();
    let server = Arc::new(Server::new(
        master(),
        Arc::new(MemoryRuneStore::new()),
        Arc::new(SystemClock),
        Node,
        Limits::default(),
    ));
    let task = tokio::spawn(async move {
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
    (addr, task)
}

async fn exercise(kind: Kind) {
    let (addr, server) = start(kind).await;

    // The one-shot path the CLI uses; an anonymous key, an error reply.
    let any = master()
        .create(UniqueId::new("0").unwrap(), vec![])
        .to_base64();
    let info = call_once(
        &addr,
        Config::default(),
        ClientConfig::default(),
        Request::new("getinfo").rune(any.clone()),
    )
    .await
    .unwrap();
    assert_eq!(info["peer"].as_str().map(str::len), Some(66));
    let e = call_once(
        &addr,
        Config::default(),
        ClientConfig::default(),
        Request::new("nosuch").rune(any),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (-32601, "Unknown command 'nosuch'".to_owned())
    );

    let key = PrivateKey::generate().unwrap();
    let my_id = key.public_key().serialize();
    let connector = Arc::new(LnsocketConnector::new(
        addr,
        Config {
            local_key: Some(key),
            ..Config::default()
        },
    ));
    let config = ClientConfig {
        timeout: Duration::from_secs(30),
        ..ClientConfig::default()
    };
    let (client, driver) = Client::connect(connector, config, Arc::new(TokioTimer))
        .await
        .unwrap();
    tokio::spawn(driver.run());

    // A rune bound to our (BOLT 8 authenticated) node id.
    let rune = master()
        .create(
            UniqueId::new("1").unwrap(),
            vec![Restriction::parse(&format!("id={}", hex::encode(my_id))).unwrap()],
        )
        .to_base64();

    let info = client
        .call(Request::new("getinfo").rune(rune.clone()))
        .await
        .unwrap();
    assert_eq!(info, json!({"peer": hex::encode(my_id)}));

    let n = 3_000_000;
    let big = client
        .call(
            Request::new("big")
                .params(json!({"n": n}))
                .rune(rune.clone()),
        )
        .await
        .unwrap();
    assert_eq!(big["data"].as_str().map(str::len), Some(n));

    let blob = json!({"blob": "q".repeat(200_000)});
    let echoed = client
        .call(Request::new("echo").params(blob.clone()).rune(rune.clone()))
        .await
        .unwrap();
    assert_eq!(echoed, blob);

    let calls = (0..20).map(|i| {
        let c = client.clone();
        let r = rune.clone();
        async move {
            (
                i,
                c.call(Request::new("echo").params(json!([i])).rune(r))
                    .await,
            )
        }
    });
    for (i, got) in join_all(calls).await {
        assert_eq!(got.unwrap(), json!([i]));
    }

    // A rune for another peer id is refused by the node.
    let other = master()
        .create(
            UniqueId::new("2").unwrap(),
            vec![Restriction::parse("id=02ff").unwrap()],
        )
        .to_base64();
    let e = client
        .call(Request::new("getinfo").rune(other))
        .await
        .unwrap_err();
    assert_eq!(e.code(), 19537);
    assert!(matches!(e, CommandoError::Unauthorized { .. }));
    assert_eq!(
        e.message(),
        format!("Invalid rune: Not permitted: id is not equal to 02ff")
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tcp() {
    tokio::time::timeout(BOUND, exercise(Kind::Tcp))
        .await
        .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_websocket() {
    tokio::time::timeout(BOUND, exercise(Kind::WebSocket))
        .await
        .expect("bounded");
}
