//! An embeddable commando server: reassembles commands from peers, checks
//! their runes against a master secret exactly as Core Lightning does, runs
//! them through a [`Handler`] and sends the replies back chunked
//! (CLN plugins/commando.c `try_command`, `checkrune_failed`, `cmd_done`,
//! `commando_error`, `send_response`).
//!
//! Limits: Core Lightning's for reassembly ([`Limits`]: 1 MiB per command,
//! 16 partial commands), and per connection at most
//! [`ConnectionLimits::max_in_flight`] commands running or sending their
//! reply; past it the server stops reading that connection until one
//! finishes, so a peer flooding commands (or not reading its replies) is
//! held back by its own transport window rather than by the server's
//! memory. A reply the transport cannot send ends the connection with that
//! error (e.g. [`TransportError::SendTimeout`] from lnsocket).

use crate::error::{COMMANDO_ERROR_REMOTE, COMMANDO_ERROR_REMOTE_AUTH};
use crate::frame::{split, Direction};
use crate::partial::{Assembled, Limits, Partials};
use crate::transport::{MessageSink, MessageSource, TransportError};
use async_trait::async_trait;
use futures_util::stream::{FuturesUnordered, StreamExt};
use runes::rawjson::{Container, TokenKind};
use runes::{check_rune, CheckRequest, Clock, MasterRune, RuneStore};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// A JSON-RPC error from a handler.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// Error code.
    pub code: i64,
    /// Message.
    pub message: String,
    /// Optional data.
    pub data: Option<Value>,
}

impl RpcError {
    /// An error without data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
            data: None,
        }
    }
}

/// An authorised command, as handed to the [`Handler`].
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The commanding peer's node id.
    pub peer: [u8; 33],
    /// The method (raw JSON string content, as Core Lightning uses it).
    pub method: String,
    /// The parameters (`{}` if none were given).
    pub params: Value,
    /// The filter the client asked for, if any (the node applies it to
    /// a successful result).
    pub filter: Option<Value>,
}

/// Runs authorised commands for the embedding program.
#[async_trait]
pub trait Handler: Send + Sync {
    /// Run the command; `Ok` is the `result`, `Err` the `error`.
    async fn call(&self, call: Call) -> Result<Value, RpcError>;
}

/// Limits on one connection served by [`Server::serve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Most commands of one connection running or sending their reply at
    /// once (default 16, the number of partial commands Core Lightning
    /// buffers); at least 1. Reading from the connection pauses while the
    /// limit is reached.
    pub max_in_flight: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits { max_in_flight: 16 }
    }
}

/// The server for one node identity. Share it (e.g. in an `Arc`) between
/// the tasks serving each connection.
pub struct Server<H> {
    master: MasterRune,
    store: Arc<dyn RuneStore>,
    clock: Arc<dyn Clock>,
    handler: H,
    limits: Limits,
    connection_limits: ConnectionLimits,
    partials: Mutex<Partials>,
}

fn commando_error(code: i64, message: &str) -> Vec<u8> {
    format!(
        "{{\"error\":{{\"code\":{code},\"message\":{}}}}}",
        Value::String(message.to_owned())
    )
    .into_bytes()
}

impl<H: Handler> Server<H> {
    /// A server checking runes against `master`, with `store` for the
    /// blacklist and rate limits and `clock` for `time`.
    pub fn new(
        master: MasterRune,
        store: Arc<dyn RuneStore>,
        clock: Arc<dyn Clock>,
        handler: H,
        limits: Limits,
    ) -> Self {
        Server {
            master,
            store,
            clock,
            handler,
            limits,
            connection_limits: ConnectionLimits::default(),
            partials: Mutex::new(Partials::new()),
        }
    }

    /// Use `limits` for each connection served.
    pub fn with_connection_limits(mut self, limits: ConnectionLimits) -> Self {
        self.connection_limits = limits;
        self
    }

    /// The limits each connection is served with.
    pub fn connection_limits(&self) -> ConnectionLimits {
        self.connection_limits
    }

    /// The handler.
    pub fn handler(&self) -> &H {
        &self.handler
    }

    /// Serve one connection from `peer` until it closes. Commands run
    /// concurrently (at most [`ConnectionLimits::max_in_flight`]); their
    /// replies are sent as they complete. Ends with `Ok` when the peer
    /// closes, or with the error that broke the connection (receiving, or
    /// sending a reply).
    pub async fn serve(
        &self,
        peer: [u8; 33],
        sink: Arc<dyn MessageSink>,
        mut source: Box<dyn MessageSource>,
    ) -> Result<(), TransportError> {
        let max_in_flight = self.connection_limits.max_in_flight.max(1);
        let mut running = FuturesUnordered::new();
        loop {
            tokio::select! {
                msg = source.recv(), if running.len() < max_in_flight => match msg? {
                    None => return Ok(()),
                    Some(msg) => {
                        let Some(chunk) = msg.as_chunk() else { continue };
                        if chunk.direction != Direction::Command {
                            continue;
                        }
                        let assembled = match self.partials.lock() {
                            Ok(mut p) => p.add(self.limits, peer, chunk.id, chunk.data, chunk.terminal),
                            Err(_) => return Err(TransportError::Io("partials lock poisoned".into())),
                        };
                        if let Assembled::Complete(body) = assembled {
                            let sink = sink.clone();
                            let id = chunk.id;
                            running.push(async move {
                                let reply = self.process(peer, &body).await;
                                for m in split(Direction::Reply, id, &reply) {
                                    sink.send(m).await?;
                                }
                                Ok::<(), TransportError>(())
                            });
                        }
                    }
                },
                Some(sent) = running.next(), if !running.is_empty() => match sent {
                    // Closed: the receiving side reports how the connection ended.
                    Ok(()) | Err(TransportError::Closed) => {}
                    Err(e) => return Err(e),
                },
            }
        }
    }

    /// Process one complete command from `peer` and return the reply JSON.
    pub async fn process(&self, peer: [u8; 33], body: &[u8]) -> Vec<u8> {
        let remote = |m: &str| commando_error(COMMANDO_ERROR_REMOTE, m);
        let Ok(text) = std::str::from_utf8(body) else {
            return remote("Invalid JSON");
        };
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            return remote("Invalid JSON");
        }
        let Some(req) = Container::parse(text).filter(|c| c.kind() == TokenKind::Object) else {
            return remote("Not a JSON object");
        };
        let Some(method) = req.get("method") else {
            return remote("No method");
        };
        let params = req.get("params");
        if params.is_some_and(|p| !matches!(p.kind(), TokenKind::Object | TokenKind::Array)) {
            return remote("Params must be object or array");
        }
        let filter = req.get("filter");
        let Some(id) = req.get("id") else {
            return remote("missing id field");
        };
        let Some(rune) = req.get("rune") else {
            return remote("Missing rune");
        };
        if runes::Rune::from_base64(rune.content()).is_err() {
            return remote("Invalid rune");
        }
        let check = CheckRequest {
            peer_id: Some(&peer),
            method: Some(method.content()),
            params: params.map(|p| p.full()),
        };
        if let Err(e) = check_rune(
            &self.master,
            &*self.store,
            &*self.clock,
            rune.content(),
            &check,
        ) {
            return commando_error(COMMANDO_ERROR_REMOTE_AUTH, &format!("Invalid rune: {e}"));
        }
        let call = Call {
            peer,
            method: method.content().to_owned(),
            params: params
                .and_then(|p| serde_json::from_str(p.full()).ok())
                .unwrap_or_else(|| json!({})),
            filter: filter.and_then(|f| serde_json::from_str(f.full()).ok()),
        };
        let outcome = match self.handler.call(call).await {
            Ok(result) => format!("\"result\":{result}"),
            Err(e) => {
                let mut err = json!({ "code": e.code, "message": e.message });
                if let (Some(d), Some(o)) = (e.data, err.as_object_mut()) {
                    o.insert("data".into(), d);
                }
                format!("\"error\":{err}")
            }
        };
        format!("{{\"jsonrpc\":\"2.0\",\"id\":{},{outcome}}}", id.full()).into_bytes()
    }
}
