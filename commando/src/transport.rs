//! The small transport abstraction commando runs over: send and receive
//! Lightning custom messages on one peer connection. An lnsocket
//! connection (TCP, WebSocket, browser WebSocket) or an in-memory channel
//! implements it.

use crate::frame::CustomMessage;
use async_trait::async_trait;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

/// A transport failure.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransportError {
    /// The connection is closed.
    #[error("connection closed")]
    Closed,
    /// Connecting failed.
    #[error("connect failed: {0}")]
    Connect(String),
    /// A message could not be sent within the transport's limit: the peer
    /// stopped reading (lnsocket's `Config::send_timeout`).
    #[error("peer is not reading: a message could not be sent within {0:?}")]
    SendTimeout(Duration),
    /// The peer did not answer a keep-alive ping in time (lnsocket's
    /// `Config::pong_timeout`): it is gone or stalled, e.g. mid-message.
    #[error("peer did not answer a keep-alive ping within {0:?}")]
    PeerTimeout(Duration),
    /// Any other I/O failure, described by the transport.
    #[error("transport I/O error: {0}")]
    Io(String),
}

/// The sending half of a peer connection.
#[async_trait]
pub trait MessageSink: Send + Sync {
    /// Send one custom message.
    async fn send(&self, msg: CustomMessage) -> Result<(), TransportError>;
}

/// The receiving half of a peer connection.
#[async_trait]
pub trait MessageSource: Send {
    /// The next custom message, or `Ok(None)` once the peer has closed the
    /// connection. Non-custom messages (pings, inits...) are the
    /// transport's business and are not returned.
    async fn recv(&mut self) -> Result<Option<CustomMessage>, TransportError>;
}

/// Both halves of a connection.
pub type Connection = (Arc<dyn MessageSink>, Box<dyn MessageSource>);

/// Makes (new) connections to the node, for reconnecting.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Open a connection.
    async fn connect(&self) -> Result<Connection, TransportError>;
}

/// Sleeping, abstracted so that the crate does not depend on a particular
/// runtime's timers (tokio natively, a JS timer in the browser).
pub trait Timer: Send + Sync {
    /// A future that completes after `d`.
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// Tokio's timer (native targets).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioTimer;

#[cfg(not(target_arch = "wasm32"))]
impl Timer for TokioTimer {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(d))
    }
}
