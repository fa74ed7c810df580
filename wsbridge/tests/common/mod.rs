//! Shared by the bridge's tests: a TCP echo destination that counts what
//! reaches it, a bridge with a captured log, and WebSocket clients from a
//! chosen loopback source address.
#![allow(dead_code)]

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;
use wsbridge::{Bridge, Config, Event, Limits, Log, Policy};

/// Bound on any one wait in a test (not a measurement).
pub const BOUND: Duration = Duration::from_secs(30);

/// A TCP echo server: what reaches it, counted.
pub struct Echo {
    pub addr: SocketAddr,
    pub accepted: Arc<AtomicUsize>,
    pub received: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Echo {
    pub async fn start() -> Echo {
        let l = TcpListener::bind("127.0.0.1:0").await.expect("bind echo");
        let addr = l.local_addr().expect("addr");
        let accepted = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(AtomicU64::new(0));
        let (a, r) = (accepted.clone(), received.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut s, _)) = l.accept().await {
                a.fetch_add(1, Ordering::SeqCst);
                let r = r.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let n = match s.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        r.fetch_add(n as u64, Ordering::SeqCst);
                        if s.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Echo {
            addr,
            accepted,
            received,
            task,
        }
    }

    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }
}

/// The bridge's events, kept.
#[derive(Default)]
pub struct Captured(pub Mutex<Vec<Event>>);

impl Log for Captured {
    fn log(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Captured {
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    /// Waits (bounded) for a line containing `text`.
    pub async fn wait_for(&self, text: &str) -> String {
        let deadline = tokio::time::Instant::now() + BOUND;
        loop {
            if let Some(l) = self.lines().into_iter().find(|l| l.contains(text)) {
                return l;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no log line with {text:?}: {:?}",
                self.lines()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A running bridge.
pub struct Running {
    pub addr: SocketAddr,
    pub log: Arc<Captured>,
    pub counter: wsbridge::Counter,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn bridge(policy: Policy, limits: Limits) -> Running {
    bridge_tls(policy, limits, None).await
}

pub async fn bridge_tls(
    policy: Policy,
    limits: Limits,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Running {
    let log = Arc::new(Captured::default());
    let b = Bridge::bind_with(
        Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            policy,
            limits,
            tls,
        },
        log.clone(),
        Arc::new(wsbridge::SystemResolver),
    )
    .await
    .expect("bind bridge");
    let addr = b.local_addr().unwrap();
    let counter = b.counter();
    let task = tokio::spawn(b.run());
    Running {
        addr,
        log,
        counter,
        task,
    }
}

impl Running {
    /// Waits (bounded) until `n` connections are open.
    pub async fn wait_open(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + BOUND;
        while self.counter.open() != n {
            assert!(
                tokio::time::Instant::now() < deadline,
                "open connections: {} (want {n})",
                self.counter.open()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn allow(dests: &[String]) -> Policy {
    Policy::new(dests.iter().map(|d| d.parse().expect("destination")), false)
}

/// A TCP connection to `to` from loopback address `from`.
pub async fn tcp_from(from: IpAddr, to: SocketAddr) -> TcpStream {
    let s = TcpSocket::new_v4().unwrap();
    s.bind(SocketAddr::new(from, 0)).expect("bind client");
    s.connect(to).await.expect("connect to the bridge")
}

pub type Ws = WebSocketStream<TcpStream>;

/// Opens `ws://<bridge>/<path>` from `from`.
pub async fn ws_from(from: IpAddr, bridge: SocketAddr, path: &str) -> Result<Ws, WsError> {
    let tcp = tcp_from(from, bridge).await;
    let url = format!("ws://{bridge}{path}");
    let (ws, _) = tokio::time::timeout(BOUND, tokio_tungstenite::client_async(url, tcp))
        .await
        .expect("handshake bounded")?;
    Ok(ws)
}

pub async fn ws(bridge: SocketAddr, path: &str) -> Result<Ws, WsError> {
    ws_from("127.0.0.1".parse().unwrap(), bridge, path).await
}

/// All the bridge sends on a raw connection, up to its closing it.
pub async fn answer_of(stream: &mut TcpStream) -> String {
    let mut answer = String::new();
    tokio::time::timeout(BOUND, stream.read_to_string(&mut answer))
        .await
        .expect("answered and closed")
        .unwrap();
    answer
}

/// The HTTP status and body of a refused upgrade.
pub fn refused(r: Result<Ws, WsError>) -> (u16, String) {
    match r {
        Err(WsError::Http(resp)) => (
            resp.status().as_u16(),
            String::from_utf8_lossy(resp.body().as_deref().unwrap_or_default()).into_owned(),
        ),
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("expected an HTTP refusal, got an upgrade"),
    }
}

/// Sends `data` as one binary frame and reads the echo back (in any frames).
pub async fn round_trip<S: AsyncRead + AsyncWrite + Unpin>(
    ws: &mut WebSocketStream<S>,
    data: &[u8],
) {
    ws.send(Message::Binary(Bytes::copy_from_slice(data)))
        .await
        .expect("send");
    let mut got = Vec::new();
    while got.len() < data.len() {
        match tokio::time::timeout(BOUND, ws.next())
            .await
            .expect("echo bounded")
        {
            Some(Ok(Message::Binary(b))) => got.extend_from_slice(&b),
            other => panic!("expected the echo, got {other:?}"),
        }
    }
    assert_eq!(got, data);
}

/// Reads until the bridge's close frame; its code and reason.
pub async fn close_of<S: AsyncRead + AsyncWrite + Unpin>(
    ws: &mut WebSocketStream<S>,
) -> (CloseCode, String) {
    loop {
        match tokio::time::timeout(BOUND, ws.next())
            .await
            .expect("close bounded")
        {
            Some(Ok(Message::Close(Some(f)))) => return (f.code, f.reason.to_string()),
            Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_))) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}
