//! The Commando server (embedded behind lnsocket's responder, BOLT 8 over TCP on
//! loopback) under load and faults at once: 200 clients making 50 concurrent calls each,
//! while a slow reader (asks for 2000 replies of 60 kB and never reads), a peer that
//! stops in the middle of a message, a peer sending garbage and peers that never finish
//! the handshake are connected.
//!
//! Asserted: every well-behaved call gets its own answer (count and content); each
//! misbehaving peer is dropped with its typed reason (`SendTimeout`, `PeerTimeout`,
//! BOLT 8 `BadVersion`, `HandshakeTimeout`); the listener's connection slots are all free
//! afterwards; the process's peak RSS (`VmHWM`) grows by no more than the servers'
//! documented buffering limits allow (see [`memory_bound`]). Without the limits the slow
//! reader alone would have the server hold 2000 × 60 kB = 120 MB of replies, over the
//! bound. Everything is bounded by tokio timeouts. Needs `--features lnsocket`.
#![cfg(feature = "lnsocket")]

#[path = "../../lnsocket/tests/common/load.rs"]
mod load;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use commando::lnsocket_adaptor::{serve_lnsocket, LnsocketConnector, INCOMING_QUEUE};
use commando::{
    Call, Client, ClientConfig, ConnectionLimits, Handler, Limits, Request, RpcError, Server,
    TokioTimer, TransportError,
};
use futures_util::future::join_all;
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::{Initiator, NoiseError, PrivateKey};
use lnsocket::transport::tcp::IoStream;
use lnsocket::{Config, Connection};
use runes::{MasterRune, MasterSecret, MemoryRuneStore, SystemClock, UniqueId};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;

use load::{assert_all_slots_released, assert_rss_growth_within, peak_rss_bytes, raw_session};

const CLIENTS: usize = 200;
const CALLS: usize = 50;
const SLOW_REQUESTS: usize = 2000;
const BIG: usize = 60_000;
const BOUND: Duration = Duration::from_secs(300);
/// Handshakes run at once (the 200 connections are then all open together: a barrier).
const CONNECTING: usize = 16;
/// Timeouts of the server's lnsocket connections (short, so that the faults resolve in
/// seconds; the defaults are 10 s, 10 s, 60 s, 30 s and 30 s).
const HANDSHAKE: Duration = Duration::from_secs(5);
const PING: Duration = Duration::from_secs(1);
const PONG: Duration = Duration::from_secs(6);
const SEND: Duration = Duration::from_secs(2);
const CMD_TERM: u16 = 0x4c4f;
/// lnsocket README "Buffering": per direction at most one message.
const LNSOCKET_PER_END: usize = load::PER_END;

struct Node;

#[async_trait]
impl Handler for Node {
    async fn call(&self, call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "echo" => Ok(call.params),
            "big" => Ok(json!({ "data": "b".repeat(BIG) })),
            other => Err(RpcError::new(-32601, format!("Unknown command '{other}'"))),
        }
    }
}

/// How a connection ended on the server.
#[derive(Debug)]
enum Outcome {
    Handshake(SocketAddr, lnsocket::Error),
    Served(SocketAddr, Result<(), TransportError>),
}

/// What the documented limits allow the process (clients and server together) to hold
/// beyond its size before the load:
///
/// * each connection, both ends in this process: lnsocket's buffering
///   ([`LNSOCKET_PER_END`]) twice, the server's `max_in_flight` replies and its
///   adaptor's [`INCOMING_QUEUE`] of messages, the client's calls in flight (each message
///   here under 256 bytes), plus 64 KiB for the tasks, futures and channels holding them
///   (not a documented limit: an allowance for the runtime's own state);
/// * the slow reader: `max_in_flight` replies of 60 kB on the server, split into chunks,
///   with one message in lnsocket's send buffer;
/// * Core Lightning's partial-command limit (16 × 1 MiB) for the server.
fn memory_bound(connections: usize, limits: ConnectionLimits) -> usize {
    let small = 256;
    let per_connection = 2 * LNSOCKET_PER_END
        + (limits.max_in_flight + INCOMING_QUEUE) * small
        + CALLS * small
        + 64 * 1024;
    let slow = limits.max_in_flight * 2 * (BIG + 1024) + LNSOCKET_PER_END;
    let partials = Limits::default().max_partials * Limits::default().max_request;
    connections * per_connection + slow + partials
}

fn command(id: u64, json: &str) -> Vec<u8> {
    [id.to_be_bytes().as_slice(), json.as_bytes()].concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_and_faults_at_once() {
    tokio::time::timeout(BOUND, run())
        .await
        .expect("the load test finished in time");
}

async fn run() {
    let master = MasterRune::new(&MasterSecret::new(b"load test secret").unwrap());
    let rune = master
        .create(UniqueId::new("0").unwrap(), vec![])
        .to_base64();
    let limits = ConnectionLimits::default();
    let server = Arc::new(
        Server::new(
            master,
            Arc::new(MemoryRuneStore::new()),
            Arc::new(SystemClock),
            Node,
            Limits::default(),
        )
        .with_connection_limits(limits),
    );
    let listener = Arc::new(
        Listener::bind(
            "127.0.0.1:0".parse().unwrap(),
            Kind::Tcp,
            PrivateKey::generate().unwrap(),
        )
        .await
        .unwrap()
        .with_max_connections(CLIENTS + 16),
    );
    let addr = listener.local_addr().unwrap();
    let node = listener.node_id();
    let target = format!("{node}@{addr}");
    let server_config = Config {
        handshake_timeout: HANDSHAKE,
        init_timeout: HANDSHAKE,
        ping_interval: Some(PING),
        pong_timeout: PONG,
        send_timeout: SEND,
        ..Config::default()
    };
    let (outcomes_tx, mut outcomes) = mpsc::unbounded_channel();
    let accept = {
        let listener = listener.clone();
        let server = server.clone();
        tokio::spawn(async move {
            loop {
                let incoming = match listener.accept_incoming().await {
                    Ok(i) => i,
                    // Reported like a fault at 0.0.0.0:0, which fails the assertions below.
                    Err(e) => {
                        let _ =
                            outcomes_tx.send(Outcome::Handshake("0.0.0.0:0".parse().unwrap(), e));
                        continue;
                    }
                };
                let (server, config, tx) =
                    (server.clone(), server_config.clone(), outcomes_tx.clone());
                let key = listener.key().clone();
                tokio::spawn(async move {
                    let peer = incoming.peer_addr();
                    let conn = match incoming.stream().await {
                        Ok(io) => Connection::respond(io, key, config).await,
                        Err(e) => Err(e),
                    };
                    let outcome = match conn {
                        Err(e) => Outcome::Handshake(peer, e),
                        Ok(conn) => Outcome::Served(peer, serve_lnsocket(&server, conn).await),
                    };
                    let _ = tx.send(outcome);
                });
            }
        })
    };
    let before = peak_rss_bytes();

    // The misbehaving peers, started first so that they are there through the load.
    // Slow reader: a proper connection that asks for many big replies and never reads
    // (its address is the one fault address not known here).
    // A small receive buffer (which also turns off the kernel's autotuning) so that the
    // kernel stops taking replies for it after a few hundred kB.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    let tcp = socket.connect(addr).await.unwrap();
    let mut slow = Connection::initiate(Box::new(IoStream(tcp)), node, Config::default())
        .await
        .unwrap();
    let slow_writer = {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let requests: Vec<Vec<u8>> = (0..SLOW_REQUESTS as u64)
            .map(|i| {
                let body = Request::new("big")
                    .rune(rune.clone())
                    .to_json(&format!("\"slow:{i}\""));
                command(i, &body)
            })
            .collect();
        let writer = tokio::spawn(async move {
            let _ = tx.send(());
            for r in requests {
                if slow.send_message(CMD_TERM, &r).await.is_err() {
                    break;
                }
            }
            // Keep the connection open (and unread) until the test ends.
            std::future::pending::<()>().await;
        });
        rx.await.unwrap();
        writer
    };
    // Stops mid-message: handshake and init done, then 30 bytes of a 100-byte message.
    let (mut stalled, mut t) = raw_session(addr, node).await;
    let msg = t.send.encrypt(&[0x4c, 0x4f, 1, 2, 3]).unwrap();
    stalled.write_all(&msg[..msg.len() - 4]).await.unwrap();
    let stalled_addr = stalled.local_addr().unwrap();
    // Garbage instead of act one.
    let mut garbage = TcpStream::connect(addr).await.unwrap();
    garbage.write_all(&[0x55; 200]).await.unwrap();
    let garbage_addr = garbage.local_addr().unwrap();
    // Never completes the handshake: silent, and act one only.
    let silent = TcpStream::connect(addr).await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let mut act_one_only = TcpStream::connect(addr).await.unwrap();
    let (_, act1) = Initiator::new(PrivateKey::generate().unwrap(), node)
        .unwrap()
        .act_one();
    act_one_only.write_all(&act1).await.unwrap();
    let act_one_addr = act_one_only.local_addr().unwrap();

    // The well-behaved clients: 200 connections, all open at once (a barrier), then 50
    // calls in flight on each. Each connection's last answer comes near the end of the
    // whole run, so the call timeout is the test's bound, not a per-call expectation.
    let config = ClientConfig {
        timeout: BOUND,
        ..ClientConfig::default()
    };
    let connecting = Arc::new(tokio::sync::Semaphore::new(CONNECTING));
    let all_open = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let clients = (0..CLIENTS).map(|c| {
        let (target, config, rune) = (target.clone(), config.clone(), rune.clone());
        let (connecting, all_open) = (connecting.clone(), all_open.clone());
        tokio::spawn(async move {
            let connector = Arc::new(LnsocketConnector::new(target, Config::default()));
            let permit = connecting.acquire_owned().await.unwrap();
            let (client, driver) = Client::connect(connector, config, Arc::new(TokioTimer))
                .await
                .unwrap();
            drop(permit);
            let driver = tokio::spawn(driver.run());
            all_open.wait().await;
            let calls = (0..CALLS).map(|k| {
                let client = client.clone();
                let params = json!({ "client": c, "call": k, "pad": "x".repeat(k) });
                let request = Request::new("echo")
                    .params(params.clone())
                    .rune(rune.clone());
                async move { (params, client.call(request).await) }
            });
            let answers = join_all(calls).await;
            let in_flight = client.in_flight();
            drop(client);
            let _ = driver.await;
            (answers, in_flight)
        })
    });
    let mut answered = 0;
    for done in join_all(clients).await {
        let (answers, in_flight) = done.unwrap();
        assert_eq!(in_flight, 0);
        for (params, got) in answers {
            assert_eq!(got, Ok(params.clone()), "call {params}");
            answered += 1;
        }
    }
    assert_eq!(answered, CLIENTS * CALLS);

    // Every connection ends: the clients' with Ok, the faulty ones with their reasons.
    let mut served_ok = 0;
    let mut faults: HashMap<SocketAddr, Outcome> = HashMap::new();
    while served_ok < CLIENTS || faults.len() < 5 {
        match outcomes.recv().await.unwrap() {
            Outcome::Served(_, Ok(())) => served_ok += 1,
            o @ (Outcome::Handshake(a, _) | Outcome::Served(a, Err(_))) => {
                faults.insert(a, o);
            }
        }
    }
    assert_eq!(served_ok, CLIENTS);
    let slow = faults
        .iter()
        .find(|(a, _)| ![stalled_addr, garbage_addr, silent_addr, act_one_addr].contains(a))
        .map(|(_, o)| o);
    assert!(
        matches!(slow, Some(Outcome::Served(_, Err(TransportError::SendTimeout(d)))) if *d == SEND),
        "slow reader: {slow:?}"
    );
    assert!(
        matches!(faults.get(&stalled_addr), Some(Outcome::Served(_, Err(TransportError::PeerTimeout(d)))) if *d == PONG),
        "stalled mid-message: {:?}",
        faults.get(&stalled_addr)
    );
    assert!(
        matches!(
            faults.get(&garbage_addr),
            Some(Outcome::Handshake(
                _,
                lnsocket::Error::Noise(NoiseError::BadVersion { .. })
            ))
        ),
        "garbage: {:?}",
        faults.get(&garbage_addr)
    );
    for a in [silent_addr, act_one_addr] {
        assert!(
            matches!(faults.get(&a), Some(Outcome::Handshake(_, lnsocket::Error::HandshakeTimeout(d))) if *d == HANDSHAKE),
            "no handshake: {:?}",
            faults.get(&a)
        );
    }

    assert_rss_growth_within(
        before,
        memory_bound(CLIENTS + 5, limits),
        &format!("{answered} calls on {CLIENTS} connections"),
    );

    slow_writer.abort();
    drop((stalled, garbage, silent, act_one_only));
    // Each connection's stream held a slot; all are free once the tasks are done.
    assert_all_slots_released(&listener).await;
    accept.abort();
}
