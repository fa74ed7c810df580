//! The commando client: sends JSON-RPC requests to a node as commando
//! custom messages and matches replies by their 8-byte id
//! (lightning-commando(7); CLN plugins/commando.c `json_commando`,
//! `handle_reply`).
//!
//! [`Client::new`] returns the client and a [`Driver`] future that reads
//! replies; the embedding program runs the driver on whatever executor it
//! has (e.g. `tokio::spawn`, or `spawn_local` in a browser). Many calls may
//! be in flight at once; each has its own timeout.

use crate::error::CommandoError;
use crate::frame::{split, CustomMessage, Direction};
use crate::transport::{Connection, Connector, MessageSink, MessageSource, Timer};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Per-command timeout (covers sending and waiting for the reply).
    pub timeout: Duration,
    /// Largest reply accepted, in bytes (Core Lightning's own client
    /// allows 500 MiB).
    pub max_reply: usize,
    /// Largest request sent; Core Lightning silently ignores requests
    /// over 1 MiB, so the default refuses them up front.
    pub max_request: usize,
    /// Re-establish a dropped connection (needs a [`Connector`]).
    /// Commands whose reply had started arriving fail with
    /// [`CommandoError::Disconnected`]; the others keep waiting, since the
    /// node sends replies to the peer over whichever connection is up.
    pub reconnect: bool,
    /// Connection attempts per reconnect.
    pub reconnect_attempts: u32,
    /// Pause between reconnect attempts.
    pub reconnect_delay: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(60),
            max_reply: 500 * 1024 * 1024,
            max_request: 1024 * 1024,
            reconnect: false,
            reconnect_attempts: 3,
            reconnect_delay: Duration::from_secs(1),
        }
    }
}

/// One command to run on the node.
#[derive(Debug, Clone)]
pub struct Request {
    method: String,
    params: Value,
    rune: Option<String>,
    filter: Option<Value>,
    timeout: Option<Duration>,
}

impl Request {
    /// A command with no parameters (`{}`).
    pub fn new(method: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            params: Value::Object(Default::default()),
            rune: None,
            filter: None,
            timeout: None,
        }
    }

    /// Parameters: a JSON object (by name) or array (positional).
    pub fn params(mut self, params: Value) -> Self {
        self.params = params;
        self
    }

    /// The rune authorising the command.
    pub fn rune(mut self, rune: impl Into<String>) -> Self {
        self.rune = Some(rune.into());
        self
    }

    /// A filter for the node to apply to a successful result.
    pub fn filter(mut self, filter: Value) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Override the client's timeout for this command.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The request JSON with the given JSON id, in Core Lightning's field
    /// order: `method`, `id`, `params`, then `rune` and `filter` if set.
    pub fn to_json(&self, json_id: &str) -> String {
        let mut s = format!(
            "{{\"method\":{},\"id\":{},\"params\":{}",
            Value::String(self.method.clone()),
            json_id,
            self.params
        );
        if let Some(r) = &self.rune {
            s.push_str(&format!(",\"rune\":{}", Value::String(r.clone())));
        }
        if let Some(f) = &self.filter {
            s.push_str(&format!(",\"filter\":{f}"));
        }
        s.push('}');
        s
    }
}

type Reply = Result<Value, CommandoError>;

struct Entry {
    buf: Vec<u8>,
    tx: oneshot::Sender<Reply>,
}

#[derive(Default)]
struct Pending {
    closed: bool,
    map: HashMap<u64, Entry>,
}

struct Shared {
    sink: tokio::sync::Mutex<Option<Arc<dyn MessageSink>>>,
    pending: Mutex<Pending>,
    next: AtomicU64,
    seed: u64,
    config: ClientConfig,
    timer: Arc<dyn Timer>,
}

/// A commando client for one node. Cheap to clone; all clones share the
/// connection.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    _alive: Arc<oneshot::Sender<()>>,
}

/// Reads replies and hands them to waiting calls; run it to completion on
/// any executor. It ends when the connection is gone for good or every
/// [`Client`] clone has been dropped.
pub struct Driver {
    shared: Arc<Shared>,
    source: Box<dyn MessageSource>,
    connector: Option<Arc<dyn Connector>>,
    shutdown: oneshot::Receiver<()>,
}

/// Removes a call's entry if the call ends (timeout, cancellation) first.
struct PendingGuard<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut p) = self.shared.pending.lock() {
            p.map.remove(&self.id);
        }
    }
}

fn random_seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x636f_6d6d_616e_646f_u64)
}

impl Client {
    /// A client over an established connection, without reconnection.
    pub fn new(
        connection: Connection,
        config: ClientConfig,
        timer: Arc<dyn Timer>,
    ) -> (Client, Driver) {
        Client::build(connection, None, config, timer)
    }

    /// Connect with `connector`; if `config.reconnect` is set, dropped
    /// connections are re-established with it.
    pub async fn connect(
        connector: Arc<dyn Connector>,
        config: ClientConfig,
        timer: Arc<dyn Timer>,
    ) -> Result<(Client, Driver), CommandoError> {
        let connection = connector.connect().await?;
        Ok(Client::build(connection, Some(connector), config, timer))
    }

    fn build(
        (sink, source): Connection,
        connector: Option<Arc<dyn Connector>>,
        config: ClientConfig,
        timer: Arc<dyn Timer>,
    ) -> (Client, Driver) {
        let (alive_tx, alive_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            sink: tokio::sync::Mutex::new(Some(sink)),
            pending: Mutex::new(Pending::default()),
            next: AtomicU64::new(0),
            seed: random_seed(),
            config,
            timer,
        });
        let client = Client {
            shared: shared.clone(),
            _alive: Arc::new(alive_tx),
        };
        let driver = Driver {
            shared,
            source,
            connector,
            shutdown: alive_rx,
        };
        (client, driver)
    }

    /// Run a command; returns the node's `result`, or a typed error.
    pub async fn call(&self, request: Request) -> Result<Value, CommandoError> {
        if !matches!(request.params, Value::Object(_) | Value::Array(_)) {
            return Err(CommandoError::ParamsNotContainer);
        }
        let shared = &*self.shared;
        let (tx, rx) = oneshot::channel();
        let id = {
            let mut p = shared
                .pending
                .lock()
                .map_err(|_| CommandoError::Disconnected)?;
            if p.closed {
                return Err(CommandoError::Disconnected);
            }
            let mut id;
            loop {
                let n = shared.next.fetch_add(1, Ordering::Relaxed);
                id = shared.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                if !p.map.contains_key(&id) {
                    break;
                }
            }
            p.map.insert(
                id,
                Entry {
                    buf: Vec::new(),
                    tx,
                },
            );
            id
        };
        let _guard = PendingGuard { shared, id };
        let json_id = format!("\"commando:{id:016x}\"");
        let body = request.to_json(&json_id);
        if body.len() > shared.config.max_request {
            return Err(CommandoError::RequestTooLarge {
                len: body.len(),
                limit: shared.config.max_request,
            });
        }
        let timeout = request.timeout.unwrap_or(shared.config.timeout);
        let work = async {
            shared.send_request(id, body.as_bytes()).await?;
            rx.await.unwrap_or(Err(CommandoError::Disconnected))
        };
        tokio::select! {
            reply = work => reply,
            () = shared.timer.sleep(timeout) => Err(CommandoError::Timeout(timeout)),
        }
    }

    /// Number of commands awaiting a reply.
    pub fn in_flight(&self) -> usize {
        self.shared.pending.lock().map(|p| p.map.len()).unwrap_or(0)
    }
}

impl Shared {
    /// Send all chunks of one request back to back (the node keeps only
    /// one partial command per peer, so chunks must not interleave).
    async fn send_request(&self, id: u64, body: &[u8]) -> Result<(), CommandoError> {
        let guard = self.sink.lock().await;
        let sink = guard.as_ref().ok_or(CommandoError::Disconnected)?;
        for msg in split(Direction::Command, id, body) {
            sink.send(msg).await?;
        }
        Ok(())
    }

    fn dispatch(&self, msg: CustomMessage) {
        let Some(chunk) = msg.as_chunk() else {
            return;
        };
        if chunk.direction != Direction::Reply {
            return;
        }
        let Ok(mut p) = self.pending.lock() else {
            return;
        };
        // Replies for ids we are not waiting for are ignored.
        let Some(entry) = p.map.get_mut(&chunk.id) else {
            return;
        };
        if entry.buf.len().saturating_add(chunk.data.len()) > self.config.max_reply {
            if let Some(e) = p.map.remove(&chunk.id) {
                let _ = e.tx.send(Err(CommandoError::ReplyTooLarge {
                    limit: self.config.max_reply,
                }));
            }
            return;
        }
        entry.buf.extend_from_slice(chunk.data);
        if chunk.terminal {
            if let Some(e) = p.map.remove(&chunk.id) {
                drop(p);
                let _ = e.tx.send(parse_reply(&e.buf));
            }
        }
    }

    /// The connection dropped: replies already under way cannot complete.
    fn fail_partial_replies(&self) {
        if let Ok(mut p) = self.pending.lock() {
            let partial: Vec<u64> = p
                .map
                .iter()
                .filter(|(_, e)| !e.buf.is_empty())
                .map(|(id, _)| *id)
                .collect();
            for id in partial {
                if let Some(e) = p.map.remove(&id) {
                    let _ = e.tx.send(Err(CommandoError::Disconnected));
                }
            }
        }
    }

    /// No connection any more: fail everything, refuse new calls.
    fn close(&self) {
        if let Ok(mut p) = self.pending.lock() {
            p.closed = true;
            for (_, e) in p.map.drain() {
                let _ = e.tx.send(Err(CommandoError::Disconnected));
            }
        }
    }
}

/// A reply's members, its `id` skipped unread: Core Lightning echoes the request's `id`
/// token as the requester wrote it (plugins/commando.c `cmd_done`), and JSON numbers have
/// no range (RFC 8259 §6), while `serde_json::Value` refuses one beyond `f64`'s. Replies
/// are matched by the Commando request id, never by this one.
struct ReplyMembers(serde_json::Map<String, Value>);

impl<'de> serde::Deserialize<'de> for ReplyMembers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = ReplyMembers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<ReplyMembers, A::Error> {
                let mut obj = serde_json::Map::new();
                while let Some(key) = m.next_key::<String>()? {
                    if key == "id" {
                        m.next_value::<serde::de::IgnoredAny>()?;
                    } else {
                        let value = m.next_value()?;
                        obj.insert(key, value);
                    }
                }
                Ok(ReplyMembers(obj))
            }
        }
        d.deserialize_map(Members)
    }
}

/// Interpret a complete reply (`handle_reply`).
pub fn parse_reply(buf: &[u8]) -> Result<Value, CommandoError> {
    let text = String::from_utf8_lossy(buf);
    let ReplyMembers(obj) = serde_json::from_str(&text)
        .map_err(|_| CommandoError::UnparsableReply(text.clone().into_owned()))?;
    if let Some(err) = obj.get("error") {
        let code = err
            .get("code")
            .and_then(Value::as_i64)
            .filter(|c| i32::try_from(*c).is_ok())
            .ok_or_else(|| CommandoError::ErrorWithoutCode(err.to_string()))?;
        let message = match err.get("message") {
            None => return Err(CommandoError::ErrorWithoutMessage),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        return Err(CommandoError::from_node(
            code,
            message,
            err.get("data").cloned(),
        ));
    }
    obj.get("result")
        .cloned()
        .ok_or(CommandoError::ReplyWithoutResult)
}

impl Driver {
    /// Read and dispatch replies until the connection is gone for good or
    /// all clients are dropped.
    pub async fn run(mut self) {
        loop {
            let next = tokio::select! {
                m = self.source.recv() => m,
                _ = &mut self.shutdown => return,
            };
            match next {
                Ok(Some(msg)) => self.shared.dispatch(msg),
                Ok(None) | Err(_) => {
                    self.shared.fail_partial_replies();
                    if !self.reconnect().await {
                        *self.shared.sink.lock().await = None;
                        self.shared.close();
                        return;
                    }
                }
            }
        }
    }

    async fn reconnect(&mut self) -> bool {
        let Some(connector) = self
            .connector
            .clone()
            .filter(|_| self.shared.config.reconnect)
        else {
            return false;
        };
        // Hold the sink while reconnecting so calls wait for the new link.
        let mut sink = self.shared.sink.lock().await;
        *sink = None;
        for attempt in 0..self.shared.config.reconnect_attempts {
            if attempt > 0 {
                self.shared
                    .timer
                    .sleep(self.shared.config.reconnect_delay)
                    .await;
            }
            if let Ok((new_sink, new_source)) = connector.connect().await {
                *sink = Some(new_sink);
                self.source = new_source;
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_json_layout() {
        let r = Request::new("listpeers")
            .params(json!(["02ab"]))
            .rune("abc=")
            .filter(json!({"peers": [{"id": true}]}));
        assert_eq!(
            r.to_json("\"x\""),
            r#"{"method":"listpeers","id":"x","params":["02ab"],"rune":"abc=","filter":{"peers":[{"id":true}]}}"#
        );
        assert_eq!(
            Request::new("getinfo").to_json("1"),
            r#"{"method":"getinfo","id":1,"params":{}}"#
        );
    }

    #[test]
    fn reply_interpretation() {
        assert_eq!(
            parse_reply(br#"{"jsonrpc":"2.0","id":"a","result":{"x":1}}"#),
            Ok(json!({"x":1}))
        );
        let e = parse_reply(br#"{"error":{"code":19537,"message":"Invalid rune: Not permitted: method is not equal to getinfo"}}"#).unwrap_err();
        assert_eq!(e.code(), 19537);
        assert!(matches!(e, CommandoError::Unauthorized { .. }));
        let e =
            parse_reply(br#"{"error":{"code":-32601,"message":"Unknown command","data":{"x":1}}}"#)
                .unwrap_err();
        assert_eq!(
            e.to_json(),
            json!({"code": -32601, "message": "Unknown command", "data": {"x": 1}})
        );
        assert!(matches!(
            parse_reply(b"not json"),
            Err(CommandoError::UnparsableReply(_))
        ));
        assert!(matches!(
            parse_reply(b"[1]"),
            Err(CommandoError::UnparsableReply(_))
        ));
        assert!(matches!(
            parse_reply(br#"{"error":{"message":"m"}}"#),
            Err(CommandoError::ErrorWithoutCode(_))
        ));
        assert_eq!(
            parse_reply(br#"{"error":{"code":1}}"#),
            Err(CommandoError::ErrorWithoutMessage)
        );
        assert_eq!(
            parse_reply(br#"{"id":1}"#),
            Err(CommandoError::ReplyWithoutResult)
        );
        // The node echoes the request's id as written: a number beyond f64's range (valid
        // JSON, which `serde_json::Value` refuses) does not make the reply unreadable.
        assert_eq!(
            parse_reply(br#"{"jsonrpc":"2.0","id":10388313e815726120959,"result":{"x":1}}"#)
                .unwrap(),
            serde_json::json!({"x": 1})
        );
        // Out of range anywhere else still is.
        assert!(matches!(
            parse_reply(br#"{"id":1,"result":{"x":1e999}}"#),
            Err(CommandoError::UnparsableReply(_))
        ));
        assert!(matches!(
            parse_reply(br#"{"error":{"code":1502,"message":"m"}}"#),
            Err(CommandoError::RuneNotPermitted { .. })
        ));
    }
}
