//! Full duplex (lnsocket `connection` module docs): a `Connection` keeps reading while one
//! of its sends waits for the transport.
//!
//! The peer here behaves as Core Lightning's `websocketd` relay does
//! (connectd/websocketd.c): one thread, blocking writes; it reads from us only once its
//! own write is complete. It sends `ROUNDS` messages of 60 kB, each followed by reading
//! one of ours, while we send `ROUNDS` messages of 60 kB as a pump does (taking what has
//! already arrived between sends). Socket buffers on both ends are small, so neither
//! side's 60 kB message fits in them: a connection that does not read while its send is
//! blocked waits for the peer, which waits for it, until `send_timeout`
//! (`SendTimeout`). With full duplex every message arrives, intact and in order, over
//! TCP and over WebSocket. Loopback only; every wait is bounded by a tokio timeout.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::FutureExt;
use lnsocket::noise::PrivateKey;
use lnsocket::transport::tcp::IoStream;
use lnsocket::transport::ws::{accept, WsStream};
use lnsocket::transport::BoxStream;
use lnsocket::{Config, Connection, Message};
use tokio::net::{TcpListener, TcpSocket};
use tokio::time::timeout;

const ROUNDS: usize = 40;
const SIZE: usize = 60_000;
/// Requested socket buffer sizes (the kernel doubles them): far below one message.
const SOCKET_BUFFER: u32 = 8 * 1024;
#[path = "common/raw_peer.rs"]
mod raw_peer;

const LIMIT: Duration = Duration::from_secs(10);
const BOUND: Duration = Duration::from_secs(120);
const OURS: u16 = 32769;
const THEIRS: u16 = 32771;

fn payload(tag: u8, i: usize) -> Vec<u8> {
    let mut p = vec![tag; SIZE];
    p[..8].copy_from_slice(&(i as u64).to_be_bytes());
    p
}

fn small_socket() -> TcpSocket {
    let s = TcpSocket::new_v4().unwrap();
    s.set_send_buffer_size(SOCKET_BUFFER).unwrap();
    s.set_recv_buffer_size(SOCKET_BUFFER).unwrap();
    s
}

/// The websocketd-like peer: after `init`, each round writes one whole message (not
/// reading until it is out), then reads one. Returns our messages' indexes as received.
async fn blocking_relay_peer(io: BoxStream, key: PrivateKey) -> Vec<u64> {
    let mut s = raw_peer::respond_with_init(io, key, LIMIT).await;
    raw_peer::expect_init(&mut s).await;
    let mut got = Vec::new();
    for i in 0..ROUNDS {
        let mut m = THEIRS.to_be_bytes().to_vec();
        m.extend_from_slice(&payload(0xb2, i));
        s.send(&m).await.unwrap();
        let m = s.recv().await.unwrap();
        assert_eq!(m[..2], OURS.to_be_bytes());
        assert_eq!(m[2..].len(), SIZE);
        assert!(m[10..].iter().all(|&b| b == 0xa1));
        got.push(u64::from_be_bytes(m[2..10].try_into().unwrap()));
    }
    got
}

fn take(got: &mut Vec<u64>, m: Message) {
    match m {
        Message::Odd { msg_type, payload } => {
            assert_eq!(msg_type, THEIRS);
            assert_eq!(payload.len(), SIZE);
            assert!(payload[8..].iter().all(|&b| b == 0xb2));
            got.push(u64::from_be_bytes(payload[..8].try_into().unwrap()));
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Our side, as a pump drives a connection: between sends, take what has arrived.
async fn exchange(mut conn: Connection) -> Vec<u64> {
    let mut got = Vec::new();
    for i in 0..ROUNDS {
        // `recv` is cancel-safe: polled once, it returns what is already queued.
        while let Some(m) = conn.recv().now_or_never() {
            take(&mut got, m.unwrap());
        }
        conn.send_custom(OURS, &payload(0xa1, i))
            .await
            .unwrap_or_else(|e| panic!("send {i} of {ROUNDS}: {e}"));
    }
    while got.len() < ROUNDS {
        take(
            &mut got,
            timeout(LIMIT, conn.recv()).await.unwrap().unwrap(),
        );
    }
    conn.close().await;
    got
}

fn config() -> Config {
    Config {
        ping_interval: None,
        send_timeout: LIMIT,
        ..Config::default()
    }
}

async fn listen() -> (TcpListener, SocketAddr) {
    let s = small_socket();
    s.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    // Accepted sockets inherit the listener's buffer sizes.
    let l = s.listen(4).unwrap();
    let addr = l.local_addr().unwrap();
    (l, addr)
}

async fn run(websocket: bool) {
    let (listener, addr) = listen().await;
    let key = PrivateKey::generate().unwrap();
    let node = key.public_key();
    let peer = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let io: BoxStream = if websocket {
            Box::new(accept(tcp).await.unwrap())
        } else {
            Box::new(IoStream(tcp))
        };
        blocking_relay_peer(io, key).await
    });
    let tcp = small_socket().connect(addr).await.unwrap();
    let io: BoxStream = if websocket {
        let (ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/"), tcp)
            .await
            .unwrap();
        Box::new(WsStream::new(ws))
    } else {
        Box::new(IoStream(tcp))
    };
    let conn = Connection::initiate(io, node, config()).await.unwrap();
    let ours = exchange(conn).await;
    let theirs = timeout(LIMIT, peer).await.unwrap().unwrap();
    let expected: Vec<u64> = (0..ROUNDS as u64).collect();
    assert_eq!(ours, expected, "the peer's messages, in order");
    assert_eq!(theirs, expected, "our messages, in order");
}

#[tokio::test]
async fn sends_do_not_stall_against_a_peer_that_writes_before_it_reads_tcp() {
    timeout(BOUND, run(false)).await.expect("finished in time");
}

#[tokio::test]
async fn sends_do_not_stall_against_a_peer_that_writes_before_it_reads_websocket() {
    timeout(BOUND, run(true)).await.expect("finished in time");
}

/// Bounded: a peer that writes without ever reading fills our queue of received messages
/// to `RECV_QUEUE_BYTES` (plus at most one message); reading then pauses, our send ends
/// with `SendTimeout`, and the messages read meanwhile are still handed out, in order,
/// before `Closed`.
#[tokio::test]
async fn reading_during_a_send_is_bounded_and_the_send_times_out() {
    timeout(BOUND, async {
        let (listener, addr) = listen().await;
        let key = PrivateKey::generate().unwrap();
        let node = key.public_key();
        let peer = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut s = raw_peer::respond_with_init(Box::new(IoStream(tcp)), key, LIMIT).await;
            // Writes until the connection fails; never reads past `init`.
            let mut i = 0;
            loop {
                let mut m = THEIRS.to_be_bytes().to_vec();
                m.extend_from_slice(&payload(0xb2, i));
                if s.send(&m).await.is_err() {
                    return i;
                }
                i += 1;
            }
        });
        let tcp = small_socket().connect(addr).await.unwrap();
        let send_timeout = Duration::from_secs(2);
        let mut conn = Connection::initiate(
            Box::new(IoStream(tcp)),
            node,
            Config {
                send_timeout,
                ..config()
            },
        )
        .await
        .unwrap();
        let mut err = None;
        for i in 0..1000 {
            if let Err(e) = conn.send_custom(OURS, &payload(0xa1, i)).await {
                err = Some(e);
                break;
            }
        }
        assert!(
            matches!(err, Some(lnsocket::Error::SendTimeout(d)) if d == send_timeout),
            "{err:?}"
        );
        let held = conn.buffered_capacity();
        let per_message = SIZE + 2 + lnsocket::connection::QUEUED_OVERHEAD;
        assert!(
            held >= lnsocket::connection::RECV_QUEUE_BYTES,
            "kept reading until the queue was full: {held}"
        );
        assert!(
            held <= lnsocket::connection::RECV_QUEUE_BYTES
                + per_message
                + (18 + 65535 + 16)
                + (65535 + 16),
            "bounded: {held}"
        );
        let mut next = 0u64;
        loop {
            match conn.recv().await {
                Ok(Message::Odd { payload, .. }) => {
                    assert_eq!(u64::from_be_bytes(payload[..8].try_into().unwrap()), next);
                    next += 1;
                }
                Err(lnsocket::Error::Closed) => break,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(next as usize * per_message >= lnsocket::connection::RECV_QUEUE_BYTES);
        // Dropping the socket ends the peer's blocked write.
        drop(conn);
        let sent = timeout(LIMIT, peer).await.unwrap().unwrap();
        assert!(sent as u64 >= next);
    })
    .await
    .expect("finished in time");
}
