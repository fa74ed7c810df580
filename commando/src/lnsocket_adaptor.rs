//! Adaptor from an lnsocket [`lnsocket::Connection`] (BOLT 8 over TCP or
//! WebSocket, BOLT 1 `init`/ping handled by lnsocket) to commando's
//! [`MessageSink`]/[`MessageSource`] pair, plus a reconnecting
//! [`Connector`] and a server entry point. Enabled by the `lnsocket`
//! feature (native targets).
//!
//! lnsocket's connection has a single owner, so [`adapt`] returns a pump
//! future that owns it, forwarding outgoing messages and handing incoming
//! odd-typed messages to the source; other messages (`error`, `warning`,
//! caller pongs) are dropped.
//!
//! Incoming messages wait in a queue of at most [`INCOMING_QUEUE`]; while
//! it is full the pump stops reading the connection (while still sending),
//! so a consumer that pauses (the server at its in-flight limit) holds the
//! peer back through the transport rather than buffering without bound.
//! A send that lnsocket cannot complete within its `send_timeout` closes
//! the connection and is reported as [`TransportError::SendTimeout`].
//!
//! Commando's types (0x4c4d, 0x4c4f, 0x594b, 0x594d) are odd but below
//! BOLT 1's custom range (32768), so they go through lnsocket's
//! `send_message`, not `send_custom`; even types are refused here, as BOLT 1
//! forbids sending unnegotiated even messages.

use crate::client::{Client, ClientConfig, Request};
use crate::error::CommandoError;
use crate::frame::CustomMessage;
use crate::server::{Handler, Server};
use crate::transport::{Connection, Connector, MessageSink, MessageSource, TransportError};
use async_trait::async_trait;
use lnsocket::{Config, Message};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

type Outgoing = (CustomMessage, oneshot::Sender<Result<(), TransportError>>);

/// Sending half backed by the pump.
#[derive(Debug, Clone)]
pub struct LnSink(mpsc::UnboundedSender<Outgoing>);

/// Receiving half backed by the pump.
#[derive(Debug)]
pub struct LnSource {
    rx: mpsc::Receiver<Result<CustomMessage, TransportError>>,
    /// Why the pump ended on a send timeout (the queue may then be full, the server not
    /// reading): returned once the queue is drained, so the error is never lost.
    ended: Arc<std::sync::Mutex<Option<TransportError>>>,
}

/// Incoming messages the pump holds for the source at most.
pub const INCOMING_QUEUE: usize = 16;

fn transport_error(e: lnsocket::Error) -> TransportError {
    match e {
        lnsocket::Error::SendTimeout(d) => TransportError::SendTimeout(d),
        lnsocket::Error::PongTimeout(d) => TransportError::PeerTimeout(d),
        lnsocket::Error::PeerClosed | lnsocket::Error::Closed => TransportError::Closed,
        e => TransportError::Io(e.to_string()),
    }
}

#[async_trait]
impl MessageSink for LnSink {
    async fn send(&self, msg: CustomMessage) -> Result<(), TransportError> {
        let (ack, done) = oneshot::channel();
        self.0
            .send((msg, ack))
            .map_err(|_| TransportError::Closed)?;
        done.await.unwrap_or(Err(TransportError::Closed))
    }
}

#[async_trait]
impl MessageSource for LnSource {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, TransportError> {
        match self.rx.recv().await {
            None => match self.ended.lock().map(|mut e| e.take()) {
                Ok(Some(e)) => Err(e),
                _ => Ok(None),
            },
            Some(Ok(m)) => Ok(Some(m)),
            Some(Err(e)) => Err(e),
        }
    }
}

/// Split an lnsocket connection into commando halves and the pump future
/// that must be run (e.g. `tokio::spawn`) for them to work. The pump ends
/// when the connection closes or every sink has been dropped.
pub fn adapt(conn: lnsocket::Connection) -> (Connection, impl Future<Output = ()> + Send) {
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Outgoing>();
    let (in_tx, in_rx) = mpsc::channel(INCOMING_QUEUE);
    let ended = Arc::new(std::sync::Mutex::new(None));
    let end_with = ended.clone();
    let pump = async move {
        let mut conn = conn;
        // Room in the incoming queue for the next message; once the source
        // is gone, messages are read and dropped.
        let mut room = None;
        loop {
            let can_read = room.is_some() || in_tx.is_closed();
            tokio::select! {
                reserved = in_tx.reserve(), if !can_read => room = reserved.ok(),
                incoming = conn.recv(), if can_read => match incoming {
                    Ok(Message::Odd { msg_type, payload }) => {
                        if let Some(r) = room.take() {
                            r.send(Ok(CustomMessage { msg_type, payload }));
                        }
                    }
                    Ok(_) => {}
                    Err(lnsocket::Error::PeerClosed | lnsocket::Error::Closed) => break,
                    Err(e) => {
                        if let Some(r) = room.take() {
                            r.send(Err(transport_error(e)));
                        }
                        break;
                    }
                },
                outgoing = out_rx.recv() => match outgoing {
                    Some((msg, ack)) => {
                        let r = if msg.msg_type % 2 == 0 {
                            Err(TransportError::Io(format!("refusing to send even message type {}", msg.msg_type)))
                        } else {
                            conn.send_message(msg.msg_type, &msg.payload)
                                .await
                                .map_err(transport_error)
                        };
                        let timed_out = matches!(r, Err(TransportError::SendTimeout(_)));
                        let report = r.clone();
                        let _ = ack.send(r);
                        if timed_out {
                            // lnsocket closed the connection; the source learns why once
                            // it has drained the queue (which may be full).
                            if let (Err(e), Ok(mut slot)) = (report, end_with.lock()) {
                                *slot = Some(e);
                            }
                            break;
                        }
                    }
                    None => {
                        conn.close().await;
                        break;
                    }
                },
            }
        }
    };
    let sink: Arc<dyn MessageSink> = Arc::new(LnSink(out_tx));
    let source: Box<dyn MessageSource> = Box::new(LnSource { rx: in_rx, ended });
    ((sink, source), pump)
}

/// Connects (and reconnects) to `<node_id>@<host:port | ws URL>` with
/// lnsocket, running each connection's pump on the tokio runtime.
#[derive(Debug, Clone)]
pub struct LnsocketConnector {
    addr: String,
    config: Config,
}

impl LnsocketConnector {
    /// A connector for `addr` (as `lnsocket::Connection::connect` takes it).
    pub fn new(addr: impl Into<String>, config: Config) -> Self {
        LnsocketConnector {
            addr: addr.into(),
            config,
        }
    }
}

#[async_trait]
impl Connector for LnsocketConnector {
    async fn connect(&self) -> Result<Connection, TransportError> {
        let conn = lnsocket::Connection::connect(&self.addr, self.config.clone())
            .await
            .map_err(|e| TransportError::Connect(e.to_string()))?;
        let (connection, pump) = adapt(conn);
        tokio::spawn(pump);
        Ok(connection)
    }
}

/// Serve one accepted lnsocket connection with `server`; the peer id is
/// the connection's authenticated remote node id.
pub async fn serve_lnsocket<H: Handler>(
    server: &Server<H>,
    conn: lnsocket::Connection,
) -> Result<(), TransportError> {
    let peer = conn.remote_node_id().serialize();
    let ((sink, source), pump) = adapt(conn);
    let (served, ()) = tokio::join!(server.serve(peer, sink, source), pump);
    served
}

/// Connect to `addr` (`<node_id>@<host:port | ws URL>`), run one command
/// and return its result: what `bolt12 commando` needs. The driver runs on
/// the tokio runtime and stops when this returns.
pub async fn call_once(
    addr: &str,
    lnsocket_config: Config,
    client_config: ClientConfig,
    request: Request,
) -> Result<serde_json::Value, CommandoError> {
    let connector = Arc::new(LnsocketConnector::new(addr, lnsocket_config));
    let (client, driver) =
        Client::connect(connector, client_config, Arc::new(crate::TokioTimer)).await?;
    let driver = tokio::spawn(driver.run());
    let result = client.call(request).await;
    drop(client);
    driver.abort();
    result
}
