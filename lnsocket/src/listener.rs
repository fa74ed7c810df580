//! The responder side: accept BOLT 8 connections over TCP or WebSocket,
//! for tests and for embedding in Rust nodes.

use std::net::SocketAddr;

use secp256k1::PublicKey;
use tokio::net::TcpListener;

use crate::connection::{Config, Connection};
use crate::error::Error;
use crate::noise::PrivateKey;
use crate::transport::tcp::IoStream;
use crate::transport::BoxStream;

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
}

impl Listener {
    /// Listen on `addr` for `kind` connections as the node with static key `key`.
    pub async fn bind(addr: SocketAddr, kind: Kind, key: PrivateKey) -> std::io::Result<Self> {
        Ok(Self {
            tcp: TcpListener::bind(addr).await?,
            kind,
            key,
        })
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }

    /// Our node id.
    pub fn node_id(&self) -> PublicKey {
        self.key.public_key()
    }

    /// The static key, to run handshakes on streams accepted with
    /// [`Listener::accept_stream`] in their own tasks.
    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// Accept one connection and, for WebSocket, complete the upgrade.
    /// No BOLT 8 handshake yet: pass the stream to [`Connection::respond`]
    /// or [`crate::session::NoiseStream::respond`], typically in a new task.
    pub async fn accept_stream(&self) -> Result<(BoxStream, SocketAddr), Error> {
        let (tcp, peer) = self
            .tcp
            .accept()
            .await
            .map_err(crate::transport::TransportError::from)?;
        tcp.set_nodelay(true)
            .map_err(crate::transport::TransportError::from)?;
        let io: BoxStream = match self.kind {
            Kind::Tcp => Box::new(IoStream(tcp)),
            #[cfg(feature = "native-ws")]
            Kind::WebSocket => {
                let upgrade = crate::transport::ws::accept(tcp);
                match crate::rt::timeout(WS_UPGRADE_TIMEOUT, upgrade).await {
                    Ok(ws) => Box::new(ws?),
                    Err(_) => return Err(Error::HandshakeTimeout(WS_UPGRADE_TIMEOUT)),
                }
            }
        };
        Ok((io, peer))
    }

    /// Accept one connection, run the responder handshake and the `init`
    /// exchange (all within `config`'s timeouts).
    pub async fn accept(&self, config: Config) -> Result<Connection, Error> {
        let (io, _) = self.accept_stream().await?;
        Connection::respond(io, self.key.clone(), config).await
    }
}
