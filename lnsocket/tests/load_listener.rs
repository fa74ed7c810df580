//! lnsocket's responder (the `listener` side) under load and faults, on loopback:
//!
//! * an echo responder serving 200 concurrent connections, each making 50 round trips,
//!   while a slow reader (sends 60 kB messages, never reads the echoes), a peer that stops
//!   in the middle of a message, one that closes in the middle of one, one sending garbage
//!   and two that never finish the handshake are connected: every echo comes back, each
//!   fault ends with its typed error (`SendTimeout`, `PongTimeout`, `TruncatedMessage`,
//!   `Noise(BadVersion)`, `HandshakeTimeout`), all connection slots are freed, and the peak
//!   RSS grows by no more than lnsocket's documented buffering allows;
//! * the connection cap: past `with_max_connections` a connection is closed at once
//!   (`TooManyConnections`; the client sees `HandshakeRejected`) and a freed slot is
//!   reused;
//! * a WebSocket peer that never sends its upgrade request does not hold up the next
//!   client when the accept loop uses `accept_incoming` (the client is served before the
//!   stalled peer leaves).
//!
//! Every wait is bounded by a tokio timeout.

#[path = "common/load.rs"]
mod load;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use lnsocket::listener::{Kind, Listener};
use lnsocket::noise::{Initiator, NoiseError, PrivateKey};
use lnsocket::transport::tcp::IoStream;
use lnsocket::{Config, Connection, Error, Message};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;

use load::{
    assert_all_slots_released, assert_rss_growth_within, peak_rss_bytes, raw_session, PER_END,
};

const CLIENTS: usize = 200;
const CALLS: usize = 50;
const BOUND: Duration = Duration::from_secs(300);
/// Handshakes run at once (the 200 connections are then all open together: a barrier).
const CONNECTING: usize = 16;
const HANDSHAKE: Duration = Duration::from_secs(5);
const PING: Duration = Duration::from_secs(1);
const PONG: Duration = Duration::from_secs(6);
const SEND: Duration = Duration::from_secs(2);
const ECHO_TYPE: u16 = 32769;

fn server_config() -> Config {
    Config {
        handshake_timeout: HANDSHAKE,
        init_timeout: HANDSHAKE,
        ping_interval: Some(PING),
        pong_timeout: PONG,
        send_timeout: SEND,
        ..Config::default()
    }
}

/// Echo every odd message back until the connection fails; report how it ended.
async fn echo(mut conn: Connection) -> Error {
    loop {
        match conn.recv().await {
            Ok(Message::Odd { msg_type, payload }) => {
                if let Err(e) = conn.send_message(msg_type, &payload).await {
                    return e;
                }
            }
            Ok(_) => {}
            Err(e) => return e,
        }
    }
}

/// An echo responder on loopback; each connection's end is sent on the channel.
async fn echo_responder(
    listener: Arc<Listener>,
    config: Config,
) -> mpsc::UnboundedReceiver<(SocketAddr, Error)> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let incoming = match listener.accept_incoming().await {
                Ok(i) => i,
                Err(e) => {
                    let _ = tx.send(("0.0.0.0:0".parse().unwrap(), e));
                    continue;
                }
            };
            let (key, config, tx) = (listener.key().clone(), config.clone(), tx.clone());
            tokio::spawn(async move {
                let peer = incoming.peer_addr();
                let end = match incoming.stream().await {
                    Ok(io) => match Connection::respond(io, key, config).await {
                        Ok(conn) => echo(conn).await,
                        Err(e) => e,
                    },
                    Err(e) => e,
                };
                let _ = tx.send((peer, end));
            });
        }
    });
    rx
}

async fn bind(kind: Kind) -> Listener {
    Listener::bind(
        "127.0.0.1:0".parse().unwrap(),
        kind,
        PrivateKey::generate().unwrap(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_under_load_and_faults() {
    tokio::time::timeout(BOUND, load_and_faults())
        .await
        .expect("the load test finished in time");
}

async fn load_and_faults() {
    let listener = Arc::new(bind(Kind::Tcp).await.with_max_connections(CLIENTS + 16));
    let addr = listener.local_addr().unwrap();
    let node = listener.node_id();
    let target = format!("{node}@{addr}");
    let mut ends = echo_responder(listener.clone(), server_config()).await;
    let before = peak_rss_bytes();

    // Slow reader: small receive buffer, sends 60 kB messages, never reads.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    let tcp = socket.connect(addr).await.unwrap();
    let slow_addr = tcp.local_addr().unwrap();
    let mut slow = Connection::initiate(Box::new(IoStream(tcp)), node, Config::default())
        .await
        .unwrap();
    let slow_writer = tokio::spawn(async move {
        let big = vec![0x5a; 60_000];
        // 9 MB: more than the server's send buffer (at most 4 MiB, net.ipv4.tcp_wmem) and
        // our receive buffer take, so the server's echo stalls.
        for _ in 0..150 {
            if slow.send_custom(ECHO_TYPE, &big).await.is_err() {
                break;
            }
        }
        std::future::pending::<()>().await;
    });
    // Stops in the middle of a message, connection left open.
    let (mut stalled, mut t) = raw_session(addr, node).await;
    let msg = t.send.encrypt(&[0x80, 0x01, 1, 2, 3, 4]).unwrap();
    stalled.write_all(&msg[..msg.len() - 5]).await.unwrap();
    let stalled_addr = stalled.local_addr().unwrap();
    // Closes in the middle of a message.
    let (mut truncated, mut t) = raw_session(addr, node).await;
    let msg = t.send.encrypt(&[0x80, 0x01, 1, 2, 3, 4]).unwrap();
    truncated.write_all(&msg[..msg.len() - 5]).await.unwrap();
    let truncated_addr = truncated.local_addr().unwrap();
    truncated.shutdown().await.unwrap();
    // Garbage instead of act one; no handshake at all; act one only.
    let mut garbage = TcpStream::connect(addr).await.unwrap();
    garbage.write_all(&[0x55; 200]).await.unwrap();
    let garbage_addr = garbage.local_addr().unwrap();
    let silent = TcpStream::connect(addr).await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let mut act_one_only = TcpStream::connect(addr).await.unwrap();
    let (_, act1) = Initiator::new(PrivateKey::generate().unwrap(), node)
        .unwrap()
        .act_one();
    act_one_only.write_all(&act1).await.unwrap();
    let act_one_addr = act_one_only.local_addr().unwrap();

    // 200 well-behaved connections, all open at once (a barrier), 50 round trips each.
    let connecting = Arc::new(tokio::sync::Semaphore::new(CONNECTING));
    let all_open = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let clients = (0..CLIENTS).map(|c| {
        let target = target.clone();
        let (connecting, all_open) = (connecting.clone(), all_open.clone());
        tokio::spawn(async move {
            let permit = connecting.acquire_owned().await.unwrap();
            let mut conn = Connection::connect(&target, Config::default())
                .await
                .unwrap();
            drop(permit);
            // Keep answering the server's keep-alive pings (inside `recv`) while the
            // others connect; nothing reaches the caller before the first call.
            tokio::select! {
                _ = all_open.wait() => {}
                m = conn.recv() => panic!("unexpected before any call: {m:?}"),
            }
            let mut echoed = 0;
            for k in 0..CALLS {
                let payload = format!("client {c} call {k} {}", "x".repeat(k * 13)).into_bytes();
                conn.send_custom(ECHO_TYPE, &payload).await.unwrap();
                loop {
                    match conn.recv().await.unwrap() {
                        Message::Odd {
                            msg_type,
                            payload: got,
                        } => {
                            assert_eq!((msg_type, got), (ECHO_TYPE, payload));
                            echoed += 1;
                            break;
                        }
                        _ => continue,
                    }
                }
            }
            conn.close().await;
            echoed
        })
    });
    let echoed: usize = join_all(clients)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .sum();
    assert_eq!(echoed, CLIENTS * CALLS);

    let faulty = [
        slow_addr,
        stalled_addr,
        truncated_addr,
        garbage_addr,
        silent_addr,
        act_one_addr,
    ];
    let mut closed = 0;
    let mut faults: HashMap<SocketAddr, Error> = HashMap::new();
    while closed < CLIENTS || faults.len() < faulty.len() {
        let (peer, end) = ends.recv().await.unwrap();
        if faulty.contains(&peer) {
            faults.insert(peer, end);
        } else {
            assert!(matches!(end, Error::PeerClosed), "{peer}: {end:?}");
            closed += 1;
        }
    }
    let f = |a: &SocketAddr| faults.get(a).unwrap();
    assert!(
        matches!(f(&slow_addr), Error::SendTimeout(d) if *d == SEND),
        "{:?}",
        f(&slow_addr)
    );
    assert!(
        matches!(f(&stalled_addr), Error::PongTimeout(d) if *d == PONG),
        "{:?}",
        f(&stalled_addr)
    );
    assert!(
        matches!(f(&truncated_addr), Error::TruncatedMessage),
        "{:?}",
        f(&truncated_addr)
    );
    assert!(
        matches!(
            f(&garbage_addr),
            Error::Noise(NoiseError::BadVersion { .. })
        ),
        "{:?}",
        f(&garbage_addr)
    );
    for a in [silent_addr, act_one_addr] {
        assert!(
            matches!(f(&a), Error::HandshakeTimeout(d) if *d == HANDSHAKE),
            "{:?}",
            f(&a)
        );
    }

    // Documented buffering: both ends of every connection in this process, plus 64 KiB per
    // connection for its tasks and futures (an allowance, not a documented limit).
    let bound = (CLIENTS + faulty.len()) * (2 * PER_END + 64 * 1024);
    assert_rss_growth_within(
        before,
        bound,
        &format!("{echoed} echoes on {CLIENTS} connections"),
    );

    slow_writer.abort();
    drop((stalled, garbage, silent, act_one_only));
    assert_all_slots_released(&listener).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_cap_refuses_then_reuses_a_freed_slot() {
    tokio::time::timeout(BOUND, async {
        let listener = Arc::new(bind(Kind::Tcp).await.with_max_connections(2));
        assert_eq!(listener.max_connections(), 2);
        let target = format!("{}@{}", listener.node_id(), listener.local_addr().unwrap());
        let mut ends = echo_responder(listener.clone(), Config::default()).await;
        let a = Connection::connect(&target, Config::default())
            .await
            .unwrap();
        let mut b = Connection::connect(&target, Config::default())
            .await
            .unwrap();
        assert_eq!(listener.connections(), 2);
        let refused = Connection::connect(&target, Config::default())
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::HandshakeRejected), "{refused:?}");
        let (_, e) = ends.recv().await.unwrap();
        assert!(matches!(e, Error::TooManyConnections(2)), "{e:?}");
        // Freeing a slot lets the next client in.
        drop(a);
        let (_, e) = ends.recv().await.unwrap();
        assert!(matches!(e, Error::PeerClosed), "{e:?}");
        let mut c = Connection::connect(&target, Config::default())
            .await
            .unwrap();
        for conn in [&mut b, &mut c] {
            conn.send_custom(ECHO_TYPE, b"still served").await.unwrap();
            let Message::Odd { payload, .. } = conn.recv().await.unwrap() else {
                panic!("not an echo")
            };
            assert_eq!(payload, b"still served");
        }
    })
    .await
    .expect("bounded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_websocket_upgrade_holds_up_nobody() {
    tokio::time::timeout(BOUND, async {
        let listener = Arc::new(bind(Kind::WebSocket).await);
        let addr = listener.local_addr().unwrap();
        let target = listener.dial_address().unwrap();
        let mut ends = echo_responder(listener.clone(), Config::default()).await;
        // Connected, never sends its upgrade request (the listener gives it 10 s).
        let stalled = TcpStream::connect(addr).await.unwrap();
        let stalled_addr = stalled.local_addr().unwrap();
        let mut conn = Connection::connect(&target, Config::default())
            .await
            .unwrap();
        conn.send_custom(ECHO_TYPE, b"over ws").await.unwrap();
        let Message::Odd { payload, .. } = conn.recv().await.unwrap() else {
            panic!("not an echo")
        };
        assert_eq!(payload, b"over ws");
        // Only now does the stalled peer go away: its upgrade fails on the closed stream,
        // not on the 10 s limit, so the client above was served while it stalled.
        drop(stalled);
        let (peer, end) = ends.recv().await.unwrap();
        assert_eq!(peer, stalled_addr);
        assert!(matches!(end, Error::Transport(_)), "{end:?}");
    })
    .await
    .expect("bounded");
}
