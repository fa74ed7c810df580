//! The responder side: accept BOLT 8 connections over TCP or WebSocket,
//! for tests and for embedding in Rust nodes.
//!
//! Limits (each with a typed error):
//!
//! * at most [`DEFAULT_MAX_CONNECTIONS`] connections at once (see
//!   [`Listener::with_max_connections`]): each accepted stream holds a slot
//!   until it is dropped; past the limit a new connection is closed at once
//!   and `accept` returns [`Error::TooManyConnections`];
//! * the WebSocket upgrade within 10 s ([`Error::HandshakeTimeout`]), then
//!   the BOLT 8 handshake, `init`, pong and each send within the
//!   [`Config`] timeouts (`handshake_timeout`, `init_timeout`,
//!   `pong_timeout`, `send_timeout`);
//! * buffering per connection of at most one message per direction
//!   (`session`).
//!
//! [`Listener::accept_incoming`] returns at once after the TCP accept, so
//! that a peer stalling in its upgrade or handshake can be left to its own
//! task and never holds up the accept loop.

use std::net::SocketAddr;
use std::sync::Arc;

use secp256k1::PublicKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::connection::{Config, Connection};
use crate::error::Error;
use crate::noise::PrivateKey;
use crate::transport::tcp::IoStream;
use crate::transport::{BoxStream, ByteStream, TransportError};

/// Connections a [`Listener`] serves at once unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// Limit for a client to complete the WebSocket upgrade request.
#[cfg(feature = "native-ws")]
const WS_UPGRADE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Which byte stream the listener speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Raw TCP.
    Tcp,
    /// WebSocket (binary frames) over TCP.
    #[cfg(feature = "native-ws")]
    WebSocket,
}

/// A listening socket plus the node's static key.
pub struct Listener {
    tcp: TcpListener,
    kind: Kind,
    key: PrivateKey,
    slots: Arc<Semaphore>,
    max: usize,
}

/// An accepted TCP connection holding one of the listener's slots, not yet
/// upgraded (WebSocket) or handshaken.
pub struct Incoming {
    tcp: TcpStream,
    kind: Kind,
    peer: SocketAddr,
    slot: OwnedSemaphorePermit,
}

impl Incoming {
    /// The peer's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// The byte stream: for WebSocket, once the upgrade completes (within
    /// 10 s, else [`Error::HandshakeTimeout`]). The stream keeps the
    /// listener slot until it is dropped.
    pub async fn stream(self) -> Result<BoxStream, Error> {
        let inner: BoxStream = match self.kind {
            Kind::Tcp => Box::new(IoStream(self.tcp)),
            #[cfg(feature = "native-ws")]
            Kind::WebSocket => {
                let upgrade = crate::transport::ws::accept(self.tcp);
                match crate::rt::timeout(WS_UPGRADE_TIMEOUT, upgrade).await {
                    Ok(ws) => Box::new(ws?),
                    Err(_) => return Err(Error::HandshakeTimeout(WS_UPGRADE_TIMEOUT)),
                }
            }
        };
        Ok(Box::new(Slotted {
            inner,
            _slot: self.slot,
        }))
    }
}

/// A stream that frees its listener slot when dropped.
struct Slotted {
    inner: BoxStream,
    _slot: OwnedSemaphorePermit,
}

#[async_trait::async_trait]
impl ByteStream for Slotted {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        self.inner.read(buf).await
    }

    async fn write(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        self.inner.write(data).await
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        self.inner.flush().await
    }

    async fn close(&mut self) {
        self.inner.close().await
    }
}

impl Listener {
    /// Listen on `addr` for `kind` connections as the node with static key `key`.
    pub async fn bind(addr: SocketAddr, kind: Kind, key: PrivateKey) -> std::io::Result<Self> {
        Ok(Self {
            tcp: TcpListener::bind(addr).await?,
            kind,
            key,
            slots: Arc::new(Semaphore::new(DEFAULT_MAX_CONNECTIONS)),
            max: DEFAULT_MAX_CONNECTIONS,
        })
    }

    /// Serve at most `max` connections at once (default
    /// [`DEFAULT_MAX_CONNECTIONS`]); set before accepting.
    pub fn with_max_connections(mut self, max: usize) -> Self {
        let max = max.min(Semaphore::MAX_PERMITS);
        self.slots = Arc::new(Semaphore::new(max));
        self.max = max;
        self
    }

    /// The most connections served at once.
    pub fn max_connections(&self) -> usize {
        self.max
    }

    /// Connections accepted whose streams are still alive.
    pub fn connections(&self) -> usize {
        self.max.saturating_sub(self.slots.available_permits())
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// Our node id.
    pub fn node_id(&self) -> PublicKey {
        self.key.public_key()
    }

    /// What a client dials to reach this listener, in [`crate::PeerAddr`]'s syntax:
    /// `<node_id>@<ip>:<port>` for TCP, `<node_id>@ws://<ip>:<port>` for WebSocket.
    pub fn dial_address(&self) -> std::io::Result<String> {
        let addr = self.local_addr()?;
        Ok(match self.kind {
            Kind::Tcp => format!("{}@{addr}", self.node_id()),
            #[cfg(feature = "native-ws")]
            Kind::WebSocket => format!("{}@ws://{addr}", self.node_id()),
        })
    }

    /// The static key, to run handshakes on streams accepted with
    /// [`Listener::accept_stream`] in their own tasks.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// Accept one TCP connection and take a slot for it, without waiting
    /// for anything from the peer: finish it with [`Incoming::stream`],
    /// typically in a new task. Past the connection limit the connection is
    /// closed at once and [`Error::TooManyConnections`] returned.
    pub async fn accept_incoming(&self) -> Result<Incoming, Error> {
        let (tcp, peer) = self.tcp.accept().await.map_err(TransportError::from)?;
        let Ok(slot) = self.slots.clone().try_acquire_owned() else {
            drop(tcp);
            return Err(Error::TooManyConnections(self.max));
        };
        tcp.set_nodelay(true).map_err(TransportError::from)?;
        Ok(Incoming {
            tcp,
            kind: self.kind,
            peer,
            slot,
        })
    }

    /// Accept one connection and, for WebSocket, complete the upgrade.
    /// No BOLT 8 handshake yet: pass the stream to [`Connection::respond`]
    /// or [`crate::session::NoiseStream::respond`], typically in a new task.
    /// The upgrade runs here: prefer [`Listener::accept_incoming`] where a
    /// stalling peer must not hold up the next accept.
    pub async fn accept_stream(&self) -> Result<(BoxStream, SocketAddr), Error> {
        let incoming = self.accept_incoming().await?;
        let peer = incoming.peer;
        Ok((incoming.stream().await?, peer))
    }

    /// Accept one connection, run the responder handshake and the `init`
    /// exchange (all within `config`'s timeouts).
    pub async fn accept(&self, config: Config) -> Result<Connection, Error> {
        let (io, _) = self.accept_stream().await?;
        Connection::respond(io, self.key.clone(), config).await
    }
}
