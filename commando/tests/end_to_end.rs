//! Client against server over the in-memory transport: every case of the
//! commando issue that does not need a real socket. Every test is bounded
//! by per-command timeouts or an outer `tokio::time::timeout`.

use async_trait::async_trait;
use commando::frame::{split, Direction, CMD_TERM, REPLY_TERM};
use commando::memory::{connection_pair, pair, MemorySink, MemorySource};
use commando::{
    Call, Client, ClientConfig, CommandoError, Connection, Connector, CustomMessage, Handler,
    Limits, MessageSink, MessageSource, Request, RpcError, Server, TokioTimer, TransportError,
};
use futures_util::future::join_all;
use runes::{MasterRune, MasterSecret, MemoryRuneStore, Restriction, SystemClock, UniqueId};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

const PEER: [u8; 33] = [2u8; 33];
const SECRET: &[u8] = b"commando test secret";
const BOUND: Duration = Duration::from_secs(30);

struct TestHandler;

#[async_trait]
impl Handler for TestHandler {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "getinfo" => Ok(json!({"id": hex::encode(call.peer), "alias": "TESTNODE"})),
            "echo" => {
                if let Some(ms) = call.params.get("delay_ms").and_then(Value::as_u64) {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
                Ok(json!({"params": call.params, "filter": call.filter}))
            }
            "big" => {
                let n = call.params.get("n").and_then(Value::as_u64).unwrap_or(0) as usize;
                Ok(json!({"data": "x".repeat(n)}))
            }
            "pay" => Ok(json!({"status": "complete"})),
            other => Err(RpcError {
                code: -32601,
                message: format!("Unknown command '{other}'"),
                data: Some(json!({"method": other})),
            }),
        }
    }
}

fn master() -> MasterRune {
    MasterRune::new(&MasterSecret::new(SECRET).unwrap())
}

fn rune(id: &str, restrictions: &[&str]) -> String {
    let rs = restrictions
        .iter()
        .map(|r| Restriction::parse(r).unwrap())
        .collect();
    master().create(UniqueId::new(id).unwrap(), rs).to_base64()
}

fn server() -> Arc<Server<TestHandler>> {
    Arc::new(Server::new(
        master(),
        Arc::new(MemoryRuneStore::new()),
        Arc::new(SystemClock),
        TestHandler,
        Limits::default(),
    ))
}

fn serve(
    server: Arc<Server<TestHandler>>,
    (sink, source): Connection,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = server.serve(PEER, sink, source).await;
    })
}

fn client_over(conn: Connection, config: ClientConfig) -> Client {
    let (client, driver) = Client::new(conn, config, Arc::new(TokioTimer));
    tokio::spawn(driver.run());
    client
}

fn connected(config: ClientConfig) -> (Client, tokio::task::JoinHandle<()>) {
    let (a, b) = connection_pair();
    let h = serve(server(), b);
    (client_over(a, config), h)
}

fn cfg() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(20),
        ..ClientConfig::default()
    }
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, f)
        .await
        .expect("test bounded in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_reply() {
    let (c, _s) = connected(cfg());
    let r = bounded(c.call(Request::new("getinfo").rune(rune("0", &[])))).await;
    assert_eq!(r, Ok(json!({"id": hex::encode(PEER), "alias": "TESTNODE"})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_megabyte_reply() {
    let (c, _s) = connected(cfg());
    let n = 3_000_000;
    let r = bounded(
        c.call(
            Request::new("big")
                .params(json!({"n": n}))
                .rune(rune("0", &[])),
        ),
    )
    .await
    .unwrap();
    assert_eq!(r["data"].as_str().map(str::len), Some(n));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_over_65000_bytes() {
    let (c, _s) = connected(cfg());
    let blob: String = (0..200_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let params = json!({"blob": blob});
    let r = bounded(
        c.call(
            Request::new("echo")
                .params(params.clone())
                .rune(rune("0", &[])),
        ),
    )
    .await
    .unwrap();
    assert_eq!(r["params"], params);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_commands() {
    let (c, _s) = connected(cfg());
    let r = rune("0", &[]);
    // Later commands finish first, so replies come back out of order.
    let calls = (0..20u64).map(|i| {
        let c = c.clone();
        let r = r.clone();
        async move {
            let params = json!({"i": i, "delay_ms": (20 - i) * 5});
            (
                params.clone(),
                c.call(Request::new("echo").params(params).rune(r)).await,
            )
        }
    });
    let results = bounded(join_all(calls)).await;
    for (params, got) in results {
        assert_eq!(got.unwrap()["params"], params);
    }
    assert_eq!(c.in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_and_positional_params_reach_handler() {
    let (c, _s) = connected(cfg());
    let req = Request::new("echo")
        .params(json!(["a", 1]))
        .filter(json!({"params": true}))
        .rune(rune("0", &[]));
    let r = bounded(c.call(req)).await.unwrap();
    assert_eq!(r, json!({"params": ["a", 1], "filter": {"params": true}}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_rune() {
    let (c, _s) = connected(cfg());
    let foreign = MasterRune::new(&MasterSecret::new(b"another node").unwrap())
        .create(UniqueId::new("0").unwrap(), vec![])
        .to_base64();
    let e = bounded(c.call(Request::new("getinfo").rune(foreign)))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        CommandoError::Unauthorized {
            message: "Invalid rune: Not authorized: Not derived from master".into(),
            data: None
        }
    );
    assert_eq!(e.code(), 19537);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rune_denies_method() {
    let (c, _s) = connected(cfg());
    let r = rune("1", &["method=getinfo"]);
    assert!(bounded(c.call(Request::new("getinfo").rune(r.clone())))
        .await
        .is_ok());
    let e = bounded(c.call(Request::new("pay").rune(r)))
        .await
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid rune: Not permitted: method is not equal to getinfo"
    );
    assert!(matches!(e, CommandoError::Unauthorized { .. }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rune_denies_parameter() {
    let (c, _s) = connected(cfg());
    let r = rune("2", &["method=pay", "pnameamount_msat<1000"]);
    let ok = Request::new("pay")
        .params(json!({"amount_msat": 999}))
        .rune(r.clone());
    assert_eq!(bounded(c.call(ok)).await, Ok(json!({"status": "complete"})));
    let too_much = Request::new("pay")
        .params(json!({"amount_msat": 1000}))
        .rune(r);
    let e = bounded(c.call(too_much)).await.unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid rune: Not permitted: parameter amount_msat is greater or equal to 1000"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_garbled_rune_is_remote_error() {
    let (c, _s) = connected(cfg());
    let e = bounded(c.call(Request::new("getinfo"))).await.unwrap_err();
    assert_eq!(
        e,
        CommandoError::Remote {
            message: "Missing rune".into(),
            data: None
        }
    );
    let e = bounded(c.call(Request::new("getinfo").rune("!!!")))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        CommandoError::Remote {
            message: "Invalid rune".into(),
            data: None
        }
    );
    assert_eq!(e.code(), 19536);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_errors_pass_through() {
    let (c, _s) = connected(cfg());
    let e = bounded(c.call(Request::new("nosuch").rune(rune("0", &[]))))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        CommandoError::Rpc {
            code: -32601,
            message: "Unknown command 'nosuch'".into(),
            data: Some(json!({"method": "nosuch"}))
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reply_size_cap() {
    let (c, _s) = connected(ClientConfig {
        max_reply: 100_000,
        ..cfg()
    });
    let e = bounded(
        c.call(
            Request::new("big")
                .params(json!({"n": 1_000_000}))
                .rune(rune("0", &[])),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(e, CommandoError::ReplyTooLarge { limit: 100_000 });
    // The connection is still usable.
    assert!(
        bounded(c.call(Request::new("getinfo").rune(rune("0", &[]))))
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_request_is_ignored_by_server() {
    let config = ClientConfig {
        max_request: 4 * 1024 * 1024,
        timeout: Duration::from_millis(500),
        ..cfg()
    };
    let (c, _s) = connected(config);
    let big = json!({"blob": "z".repeat(1024 * 1024 + 1)});
    let e = bounded(c.call(Request::new("echo").params(big).rune(rune("0", &[]))))
        .await
        .unwrap_err();
    assert_eq!(e, CommandoError::Timeout(Duration::from_millis(500)));
    let ok = Request::new("getinfo")
        .rune(rune("0", &[]))
        .timeout(Duration::from_secs(20));
    assert!(bounded(c.call(ok)).await.is_ok());
    // And by default the client refuses to send it at all.
    let (c2, _s2) = connected(cfg());
    let e = bounded(
        c2.call(
            Request::new("echo")
                .params(json!({"blob": "z".repeat(1024 * 1024)}))
                .rune(rune("0", &[])),
        ),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CommandoError::RequestTooLarge { .. }));
}

/// A client talking to a scripted fake node.
fn scripted() -> (Client, MemorySink, MemorySource) {
    let ((a_sink, a_src), (b_sink, b_src)) = pair();
    let client = client_over((Arc::new(a_sink), Box::new(a_src)), cfg());
    (client, b_sink, b_src)
}

/// Receive one whole command; returns its id and JSON.
async fn recv_command(src: &mut MemorySource) -> (u64, Value) {
    let mut body = Vec::new();
    loop {
        let msg = src.recv().await.unwrap().expect("client connected");
        let chunk = msg.as_chunk().expect("commando chunk");
        body.extend_from_slice(chunk.data);
        if chunk.terminal {
            assert_eq!(msg.msg_type, CMD_TERM);
            return (chunk.id, serde_json::from_slice(&body).unwrap());
        }
    }
}

async fn reply(sink: &MemorySink, id: u64, json: &str) {
    for m in split(Direction::Reply, id, json.as_bytes()) {
        sink.send(m).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_drops_mid_reply() {
    let (c, sink, mut src) = scripted();
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.call(Request::new("getinfo")).await }
    });
    let (id, req) = bounded(recv_command(&mut src)).await;
    assert_eq!(req["method"], "getinfo");
    let msgs = split(
        Direction::Reply,
        id,
        format!("{{\"result\":\"{}\"}}", "y".repeat(100_000)).as_bytes(),
    );
    sink.send(msgs[0].clone()).await.unwrap();
    drop(sink);
    drop(src);
    let e = bounded(call).await.unwrap().unwrap_err();
    assert_eq!(e, CommandoError::Disconnected);
    // Without reconnection, later calls fail at once.
    assert_eq!(
        bounded(c.call(Request::new("getinfo"))).await,
        Err(CommandoError::Disconnected)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_commands_fail_when_connection_drops() {
    let (c, sink, mut src) = scripted();
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.call(Request::new("waitblockheight")).await }
    });
    bounded(recv_command(&mut src)).await;
    drop((sink, src));
    assert_eq!(
        bounded(call).await.unwrap(),
        Err(CommandoError::Disconnected)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_chunks_and_replies() {
    let (c, sink, mut src) = scripted();
    type Expect = Box<dyn Fn(CommandoError) -> bool + Send>;
    let cases: Vec<(&str, Expect)> = vec![
        (
            "this is not json",
            Box::new(|e| matches!(e, CommandoError::UnparsableReply(_))),
        ),
        (
            "[1,2]",
            Box::new(|e| matches!(e, CommandoError::UnparsableReply(_))),
        ),
        (
            r#"{"error":{"message":"no code"}}"#,
            Box::new(|e| matches!(e, CommandoError::ErrorWithoutCode(_))),
        ),
        (
            r#"{"error":{"code":5}}"#,
            Box::new(|e| e == CommandoError::ErrorWithoutMessage),
        ),
        (
            r#"{"jsonrpc":"2.0"}"#,
            Box::new(|e| e == CommandoError::ReplyWithoutResult),
        ),
    ];
    for (body, expect) in cases {
        let call = tokio::spawn({
            let c = c.clone();
            async move { c.call(Request::new("getinfo")).await }
        });
        let (id, _) = bounded(recv_command(&mut src)).await;
        // Noise first: too short for an id, an unrelated type, a command type.
        sink.send(CustomMessage {
            msg_type: REPLY_TERM,
            payload: vec![1, 2, 3],
        })
        .await
        .unwrap();
        sink.send(CustomMessage {
            msg_type: 0x8001,
            payload: id.to_be_bytes().to_vec(),
        })
        .await
        .unwrap();
        sink.send(CustomMessage {
            msg_type: CMD_TERM,
            payload: id.to_be_bytes().to_vec(),
        })
        .await
        .unwrap();
        reply(&sink, id, body).await;
        let e = bounded(call).await.unwrap().unwrap_err();
        assert!(expect(e.clone()), "{body}: {e:?}");
        assert_eq!(e.code(), 19535);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_id_is_ignored() {
    let (c, sink, mut src) = scripted();
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.call(Request::new("getinfo")).await }
    });
    let (id, req) = bounded(recv_command(&mut src)).await;
    reply(&sink, id.wrapping_add(1), r#"{"result":{"wrong":true}}"#).await;
    let good = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{{\"right\":true}}}}",
        req["id"]
    );
    reply(&sink, id, &good).await;
    assert_eq!(bounded(call).await.unwrap(), Ok(json!({"right": true})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_is_typed_and_cleans_up() {
    let (c, _sink, mut src) = scripted();
    let t = Duration::from_millis(200);
    let call = tokio::spawn({
        let c = c.clone();
        async move { c.call(Request::new("getinfo").timeout(t)).await }
    });
    bounded(recv_command(&mut src)).await;
    assert_eq!(bounded(call).await.unwrap(), Err(CommandoError::Timeout(t)));
    assert_eq!(c.in_flight(), 0);
}

/// Hands out fresh in-memory connections, each served by a new server task.
struct TestConnector {
    server: Arc<Server<TestHandler>>,
    tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    connects: AtomicUsize,
    notify: Notify,
}

#[async_trait]
impl Connector for TestConnector {
    async fn connect(&self) -> Result<Connection, TransportError> {
        let (a, b) = connection_pair();
        let task = serve(self.server.clone(), b);
        if let Ok(mut t) = self.tasks.lock() {
            t.push(task);
        }
        self.connects.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
        Ok(a)
    }
}

impl TestConnector {
    fn kill_current(&self) {
        if let Some(t) = self.tasks.lock().unwrap().last() {
            t.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_when_asked() {
    let connector = Arc::new(TestConnector {
        server: server(),
        tasks: Mutex::new(Vec::new()),
        connects: AtomicUsize::new(0),
        notify: Notify::new(),
    });
    let config = ClientConfig {
        reconnect: true,
        reconnect_delay: Duration::from_millis(10),
        ..cfg()
    };
    let (c, driver) = bounded(Client::connect(
        connector.clone(),
        config,
        Arc::new(TokioTimer),
    ))
    .await
    .unwrap();
    tokio::spawn(driver.run());
    let r = rune("0", &[]);
    assert!(bounded(c.call(Request::new("getinfo").rune(r.clone())))
        .await
        .is_ok());
    let reconnected = connector.notify.notified();
    connector.kill_current();
    bounded(reconnected).await;
    assert_eq!(connector.connects.load(Ordering::SeqCst), 2);
    assert!(bounded(c.call(Request::new("getinfo").rune(r)))
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reconnect_fails_clearly() {
    let connector = Arc::new(TestConnector {
        server: server(),
        tasks: Mutex::new(Vec::new()),
        connects: AtomicUsize::new(0),
        notify: Notify::new(),
    });
    let (c, driver) = bounded(Client::connect(
        connector.clone(),
        cfg(),
        Arc::new(TokioTimer),
    ))
    .await
    .unwrap();
    let driver = tokio::spawn(driver.run());
    assert!(
        bounded(c.call(Request::new("getinfo").rune(rune("0", &[]))))
            .await
            .is_ok()
    );
    connector.kill_current();
    // The driver ends once it sees the connection gone.
    bounded(driver).await.unwrap();
    assert_eq!(
        bounded(c.call(Request::new("getinfo"))).await,
        Err(CommandoError::Disconnected)
    );
    assert_eq!(connector.connects.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_process_matches_core_lightning_errors() {
    let s = server();
    let r = rune("0", &[]);
    let cases = [
        (
            "{",
            r#"{"error":{"code":19536,"message":"Invalid JSON"}}"#.to_owned(),
        ),
        (
            "[]",
            r#"{"error":{"code":19536,"message":"Not a JSON object"}}"#.to_owned(),
        ),
        (
            r#"{"id":1}"#,
            r#"{"error":{"code":19536,"message":"No method"}}"#.to_owned(),
        ),
        (
            r#"{"method":"x","params":5,"id":1}"#,
            r#"{"error":{"code":19536,"message":"Params must be object or array"}}"#.to_owned(),
        ),
        (
            r#"{"method":"x"}"#,
            r#"{"error":{"code":19536,"message":"missing id field"}}"#.to_owned(),
        ),
        (
            r#"{"method":"x","id":1}"#,
            r#"{"error":{"code":19536,"message":"Missing rune"}}"#.to_owned(),
        ),
    ];
    for (body, want) in cases {
        let got = s.process(PEER, body.as_bytes()).await;
        assert_eq!(String::from_utf8(got).unwrap(), want, "{body}");
    }
    // The reply carries the request's JSON id verbatim.
    let body =
        format!(r#"{{"method":"getinfo","id":"cli:commando#7/x","params":{{}},"rune":"{r}"}}"#);
    let got: Value = serde_json::from_slice(&s.process(PEER, body.as_bytes()).await).unwrap();
    assert_eq!(got["id"], "cli:commando#7/x");
    assert_eq!(got["jsonrpc"], "2.0");
    assert_eq!(got["result"]["alias"], "TESTNODE");
}
