//! The listener: accept, count, (TLS,) read and check the upgrade, resolve
//! and connect to the destination, accept the upgrade, bridge.
//!
//! Nothing is sent to a destination before its policy check passed: the
//! TCP connection to it is opened only to an address
//! [`Policy::addresses`] returned, and only after the client's upgrade
//! request was read and checked, and the connection limits were met.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{timeout_at, Instant};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;

use crate::bridge::pump;
use crate::config::{Config, Limits, CHUNK};
use crate::dest::Destination;
use crate::http;
use crate::limits::{RefusalSlot, Slot, Slots};
use crate::log::{Event, Log, StderrLog};
use crate::policy::{Policy, Resolver, SystemResolver};
use crate::refusal::Refusal;

/// How long a refusal may take to be written.
const REFUSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause after a failed accept (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

struct Shared {
    policy: Policy,
    limits: Limits,
    slots: Slots,
    tls: Option<TlsAcceptor>,
    log: Arc<dyn Log>,
    resolver: Arc<dyn Resolver>,
}

/// A bound bridge; [`Bridge::run`] serves it.
pub struct Bridge {
    listener: TcpListener,
    shared: Arc<Shared>,
}

/// The WebSocket settings: frames and messages up to `max_frame`, small
/// buffers, each frame written out at once.
fn ws_config(limits: &Limits) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(Limits::READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(2 * CHUNK + 4096)
        .max_frame_size(Some(limits.max_frame))
        .max_message_size(Some(limits.max_frame))
}

impl Bridge {
    /// Listen on `config.listen`; log to standard error, resolve names with
    /// the system resolver.
    pub async fn bind(config: Config) -> std::io::Result<Self> {
        Self::bind_with(config, Arc::new(StderrLog), Arc::new(SystemResolver)).await
    }

    /// Listen on `config.listen`, sending events to `log` and resolving
    /// names with `resolver`.
    pub async fn bind_with(
        config: Config,
        log: Arc<dyn Log>,
        resolver: Arc<dyn Resolver>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(config.listen).await?;
        let limits = config.limits;
        Ok(Bridge {
            listener,
            shared: Arc::new(Shared {
                policy: config.policy,
                slots: Slots::new(limits.per_client, limits.global, limits.refusing),
                limits,
                tls: config.tls.map(TlsAcceptor::from),
                log,
                resolver,
            }),
        })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Connections open now (bridged or in their handshake).
    pub fn open_connections(&self) -> usize {
        self.shared.slots.open()
    }

    /// A handle reporting the open connections while the bridge runs.
    pub fn counter(&self) -> Counter {
        Counter(self.shared.clone())
    }

    /// Serve until the task is dropped or aborted; each connection runs in
    /// its own task.
    pub async fn run(self) {
        let addr = self.listener.local_addr();
        if let Ok(addr) = addr {
            self.shared.log.log(&Event::Listening {
                addr,
                tls: self.shared.tls.is_some(),
            });
        }
        loop {
            match self.listener.accept().await {
                Ok((tcp, peer)) => {
                    let shared = self.shared.clone();
                    tokio::spawn(async move { connection(shared, tcp, peer).await });
                }
                Err(e) => {
                    self.shared.log.log(&Event::AcceptFailed(e.to_string()));
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    }
}

/// Reports a running bridge's open connections.
#[derive(Clone)]
pub struct Counter(Arc<Shared>);

impl Counter {
    /// Connections open now (bridged or in their handshake).
    pub fn open(&self) -> usize {
        self.0.slots.open()
    }
}

/// Counted, or over a limit (and being answered).
enum Admission {
    Admitted(Slot),
    OverLimit(Refusal, RefusalSlot),
}

async fn connection(shared: Arc<Shared>, tcp: TcpStream, peer: SocketAddr) {
    let deadline = Instant::now() + shared.limits.handshake_timeout;
    let admission = match shared.slots.acquire(peer.ip()) {
        Ok(slot) => Admission::Admitted(slot),
        Err(refusal) => match shared.slots.refusing() {
            Some(r) => Admission::OverLimit(refusal, r),
            None => {
                shared.log.log(&Event::Dropped { peer, refusal });
                return;
            }
        },
    };
    let _ = tcp.set_nodelay(true);
    match shared.tls.clone() {
        None => serve(&shared, tcp, peer, admission, deadline).await,
        Some(acceptor) => match timeout_at(deadline, acceptor.accept(tcp)).await {
            Ok(Ok(tls)) => serve(&shared, tls, peer, admission, deadline).await,
            // No HTTP answer is possible without TLS.
            Ok(Err(e)) => shared.log.log(&Event::Refused {
                peer,
                path: None,
                refusal: Refusal::BadRequest(format!("TLS: {e}")),
            }),
            Err(_) => shared.log.log(&Event::Refused {
                peer,
                path: None,
                refusal: Refusal::HandshakeTimeout(shared.limits.handshake_timeout),
            }),
        },
    }
}

async fn refuse<S: AsyncWrite + Unpin>(
    shared: &Shared,
    io: &mut S,
    peer: SocketAddr,
    path: Option<String>,
    refusal: Refusal,
) {
    let _ = tokio::time::timeout(REFUSE_TIMEOUT, http::refuse(io, &refusal)).await;
    shared.log.log(&Event::Refused {
        peer,
        path,
        refusal,
    });
}

/// Connect to the first of `addrs` that accepts, before `deadline`.
async fn connect(
    dest: &Destination,
    addrs: &[SocketAddr],
    deadline: Instant,
) -> Result<(TcpStream, SocketAddr), Refusal> {
    let mut last = String::from("no address");
    for addr in addrs {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Ok(Ok(tcp)) => {
                let _ = tcp.set_nodelay(true);
                return Ok((tcp, *addr));
            }
            Ok(Err(e)) => last = format!("{addr}: {e}"),
            Err(_) => {
                last = format!("{addr}: timed out");
                break;
            }
        }
    }
    Err(Refusal::ConnectFailed {
        dest: dest.to_string(),
        error: last,
    })
}

async fn serve<S>(
    shared: &Shared,
    mut io: S,
    peer: SocketAddr,
    admission: Admission,
    deadline: Instant,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let timeout = shared.limits.handshake_timeout;
    let upgrade = match timeout_at(deadline, http::read_upgrade(&mut io)).await {
        Ok(Ok(u)) => u,
        Ok(Err(r)) => return refuse(shared, &mut io, peer, None, r).await,
        Err(_) => {
            let r = Refusal::HandshakeTimeout(timeout);
            return refuse(shared, &mut io, peer, None, r).await;
        }
    };
    let path = Some(upgrade.path.clone());
    let _slot = match admission {
        Admission::Admitted(slot) => slot,
        Admission::OverLimit(r, _answering) => return refuse(shared, &mut io, peer, path, r).await,
    };
    let dest = match Destination::from_path(&upgrade.path) {
        Ok(d) => d,
        Err(e) => return refuse(shared, &mut io, peer, path, e.into()).await,
    };
    let checked = timeout_at(
        deadline,
        shared.policy.addresses(&dest, shared.resolver.as_ref()),
    )
    .await;
    let addrs = match checked {
        Ok(Ok(a)) => a,
        Ok(Err(r)) => return refuse(shared, &mut io, peer, path, r).await,
        Err(_) => {
            let r = Refusal::Unresolvable {
                dest: dest.to_string(),
                error: "timed out".into(),
            };
            return refuse(shared, &mut io, peer, path, r).await;
        }
    };
    let (tcp, addr) = match connect(&dest, &addrs, deadline).await {
        Ok(c) => c,
        Err(r) => return refuse(shared, &mut io, peer, path, r).await,
    };
    match timeout_at(deadline, http::accept(&mut io, &upgrade.key)).await {
        Ok(Ok(())) => {}
        _ => return,
    }
    let ws = WebSocketStream::from_partially_read(
        io,
        upgrade.rest,
        Role::Server,
        Some(ws_config(&shared.limits)),
    )
    .await;
    shared.log.log(&Event::Bridged {
        peer,
        dest: dest.to_string(),
        addr,
        origin: upgrade.origin,
    });
    let started = Instant::now();
    let (close, counts) = pump(ws, tcp, shared.limits.idle_timeout, shared.limits.max_frame).await;
    shared.log.log(&Event::Closed {
        peer,
        dest: dest.to_string(),
        close,
        up: counts.up,
        down: counts.down,
        duration: started.elapsed(),
    });
}
