//! `LnSocket` (BOLT 8 + `init` + automatic pongs over the browser's WebSocket, or in Node
//! TCP / WebSocket through `node_transport`) and a
//! `Commando` client with promises, concurrent commands, timeouts, reconnection and
//! typed errors.
//!
//! lnsocket's connection has a single owner and is not `Send` in the browser, while
//! commando's transport traits are `Send`: each connection is owned by a local "pump"
//! task (`spawn_local`) that talks to the rest through channels, which are `Send`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use commando::{
    Client, ClientConfig, CommandoError, Connector, CustomMessage, MessageSink, MessageSource,
    Request, Timer, TransportError,
};
use futures_channel::{mpsc, oneshot};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use lnsocket::{Config, Connection, Message, PeerAddr};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local};

use crate::{from_js, js_error, opt_prop, opt_string, opt_u64, to_js, with_field};

#[wasm_bindgen(typescript_custom_section)]
const TS_NET: &'static str = include_str!("ts/lnsocket.d.ts");

/// The code for an lnsocket failure.
fn lnsocket_code(e: &lnsocket::Error) -> &'static str {
    use lnsocket::Error as E;
    match e {
        E::Addr(_) => "BAD_ADDRESS",
        E::Connect { .. } | E::ConnectTimeout(_) => "NODE_UNREACHABLE",
        E::Noise(_) | E::HandshakeRejected | E::HandshakeTimeout(_) | E::TruncatedMessage => {
            "HANDSHAKE_FAILED"
        }
        E::MissingFeatureDependency { .. }
        | E::InitTimeout(_)
        | E::ExpectedInit(_)
        | E::UnknownRequiredFeatures(_)
        | E::PeerError(_)
        | E::DuplicateInit => "INIT_FAILED",
        E::PeerClosed | E::Closed => "CONNECTION_CLOSED",
        _ => "CONNECTION_ERROR",
    }
}

fn lnsocket_error(e: &lnsocket::Error) -> JsValue {
    js_error(lnsocket_code(e), &e.to_string())
}

fn commando_code(e: &CommandoError) -> &'static str {
    use CommandoError as C;
    match e {
        C::Remote { .. } => "COMMANDO_REMOTE",
        C::Unauthorized { .. } => "RUNE_UNAUTHORIZED",
        C::RemoteLocal { .. } => "COMMANDO_LOCAL",
        C::RuneNotAuthorized { .. } => "RUNE_NOT_AUTHORIZED",
        C::RuneNotPermitted { .. } => "RUNE_NOT_PERMITTED",
        C::RuneBlacklisted { .. } => "RUNE_BLACKLISTED",
        C::Rpc { .. } => "RPC_ERROR",
        C::Timeout(_) => "TIMEOUT",
        C::Disconnected => "DISCONNECTED",
        C::ReplyTooLarge { .. } => "REPLY_TOO_LARGE",
        C::RequestTooLarge { .. } => "REQUEST_TOO_LARGE",
        C::ParamsNotContainer => "BAD_ARGUMENT",
        C::Transport(_) => "CONNECTION_ERROR",
        _ => "BAD_REPLY",
    }
}

fn commando_error(e: &CommandoError) -> JsValue {
    let err = js_error(commando_code(e), &e.message());
    let err = with_field(err, "rpcCode", JsValue::from_f64(e.code() as f64));
    match e.data() {
        Some(d) => with_field(err, "data", to_js(d)),
        None => err,
    }
}

fn ms_option(options: &JsValue, key: &str, default_ms: u64) -> Result<Duration, JsValue> {
    Ok(Duration::from_millis(
        opt_u64(options, key)?.unwrap_or(default_ms),
    ))
}

// ---------------------------------------------------------------------------------------
// The pump: owns one lnsocket connection.

pub(crate) type Outgoing = (u16, Vec<u8>, oneshot::Sender<Result<(), String>>);
pub(crate) type Incoming = Result<(u16, Vec<u8>), (String, &'static str)>;

/// What the pump received, with the messages a `fetchInvoice` set aside (everything but
/// onion messages) in front, so that `recv` still sees them.
pub(crate) struct Inbox {
    pub(crate) rx: mpsc::UnboundedReceiver<Incoming>,
    pub(crate) held: VecDeque<Incoming>,
}

impl Inbox {
    async fn next(&mut self) -> Option<Incoming> {
        match self.held.pop_front() {
            Some(m) => Some(m),
            None => self.rx.next().await,
        }
    }
}

/// Runs `conn` on a local task: messages to send go in through the first channel,
/// messages received (and the final error) come out of the second. The pump, and the
/// connection, end when the peer closes, on an error, or when every sender is dropped.
/// The loop is lnsocket's `Connection::pump`.
fn spawn_pump(
    conn: Connection,
) -> (
    mpsc::UnboundedSender<Outgoing>,
    mpsc::UnboundedReceiver<Incoming>,
) {
    let (out_tx, out_rx) = mpsc::unbounded::<Outgoing>();
    let (in_tx, in_rx) = mpsc::unbounded::<Incoming>();
    let out = out_rx.map(|(t, payload, ack)| {
        (t, payload, move |r| {
            let _ = ack.send(r);
        })
    });
    spawn_local(async move {
        conn.pump(out, |m| {
            let item = match m {
                Ok(Message::Odd { msg_type, payload }) => Ok((msg_type, payload)),
                Ok(Message::Error(e)) => Ok((17, e.data)),
                Ok(Message::Warning(w)) => Ok((1, w.data)),
                Ok(Message::Pong { .. }) => return,
                Err(e) => Err((e.to_string(), lnsocket_code(&e))),
            };
            let _ = in_tx.unbounded_send(item);
        })
        .await;
    });
    (out_tx, in_rx)
}

pub(crate) fn lnsocket_config(options: &JsValue) -> Result<Config, JsValue> {
    let timeout = ms_option(options, "timeoutMs", 10_000)?;
    keepalive_config(
        options,
        Config {
            connect_timeout: timeout,
            handshake_timeout: timeout,
            init_timeout: timeout,
            ..Config::default()
        },
    )
}

/// `pingIntervalMs` (0: no keep-alive pings) and `pongTimeoutMs` (positive), options of
/// `LnSocket.connect` and `Commando.connect`, into `config`.
fn keepalive_config(options: &JsValue, config: Config) -> Result<Config, JsValue> {
    let ping = ms_option(options, "pingIntervalMs", 60_000)?;
    let pong_timeout = match opt_u64(options, "pongTimeoutMs")? {
        None => config.pong_timeout,
        Some(0) => {
            return Err(js_error(
                "BAD_ARGUMENT",
                "pongTimeoutMs must be a positive integer",
            ))
        }
        Some(ms) => Duration::from_millis(ms),
    };
    Ok(Config {
        ping_interval: (!ping.is_zero()).then_some(ping),
        pong_timeout,
        ..config
    })
}

pub(crate) fn peer_addr(node_id: &str, url: &str) -> Result<PeerAddr, JsValue> {
    format!("{}@{}", node_id.trim(), url.trim())
        .parse::<PeerAddr>()
        .map_err(|e| js_error("BAD_ADDRESS", &format!("invalid address: {e}")))
}

/// Where to connect: `url`, or `options.wsProxy` with `options.address`.
///
/// With a WebSocket proxy (lnmessage's scheme, for nodes that only listen on TCP) the
/// WebSocket is opened to `${wsProxy}/${host}:${port}`, `host:port` being the node's own
/// Lightning address (`address`, port 9735 when not given); the proxy bridges it to that
/// address. The BOLT 8 handshake is still end to end with `node_id`, so the proxy sees
/// only ciphertext.
///
/// Rejects with `ADDRESS_CONFLICT` when both `url` and `wsProxy` are given,
/// `ADDRESS_MISSING` when neither is (or `wsProxy` without `address`), `BAD_ADDRESS`
/// when one is malformed.
pub(crate) fn resolve_addr(
    node_id: &str,
    url: Option<String>,
    options: &JsValue,
) -> Result<PeerAddr, JsValue> {
    let url = url.filter(|u| !u.trim().is_empty());
    let proxy = opt_string(options, "wsProxy")?.filter(|p| !p.trim().is_empty());
    let address = opt_string(options, "address")?.filter(|a| !a.trim().is_empty());
    match (url, proxy) {
        (Some(_), Some(_)) => Err(js_error(
            "ADDRESS_CONFLICT",
            "give either url or wsProxy (with address), not both",
        )),
        (None, None) => Err(js_error(
            "ADDRESS_MISSING",
            "url, or wsProxy with address (the node's host:port), is required",
        )),
        (Some(_), None) if address.is_some() => Err(js_error(
            "ADDRESS_CONFLICT",
            "address is the node's host:port behind wsProxy; with url, leave it out",
        )),
        (Some(url), None) => peer_addr(node_id, &url),
        (None, Some(proxy)) => {
            let address = address.ok_or_else(|| {
                js_error(
                    "ADDRESS_MISSING",
                    "wsProxy needs address: the node's host:port, which the proxy connects to",
                )
            })?;
            let url = proxy_url(&proxy, &address)?;
            peer_addr(node_id, &url)
        }
    }
}

/// `${wsProxy}/${host}:${port}` for the node's TCP `address`.
fn proxy_url(proxy: &str, address: &str) -> Result<String, JsValue> {
    let proxy = proxy.trim().trim_end_matches('/');
    let scheme_ok = proxy
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("wss://"))
        || proxy
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("ws://"));
    if !scheme_ok {
        return Err(js_error(
            "BAD_ADDRESS",
            &format!("wsProxy must be a ws:// or wss:// URL, not {proxy:?}"),
        ));
    }
    match lnsocket::addr::parse_endpoint(address.trim()) {
        Ok(lnsocket::Endpoint::Tcp { host, port }) => Ok(format!("{proxy}/{host}:{port}")),
        Ok(_) => Err(js_error(
            "BAD_ADDRESS",
            "address is the node's host:port (its TCP Lightning port), not a URL",
        )),
        Err(e) => Err(js_error("BAD_ADDRESS", &format!("invalid address: {e}"))),
    }
}

// ---------------------------------------------------------------------------------------
// LnSocket

pub(crate) struct SocketInner {
    pub(crate) out: RefCell<Option<mpsc::UnboundedSender<Outgoing>>>,
    pub(crate) incoming: RefCell<Option<Inbox>>,
    node_id: String,
    features: Vec<u8>,
    /// The peer's node id.
    pub(crate) peer: secp256k1::PublicKey,
    /// Our BOLT 8 static key on this connection: onion messages for us are peeled with it.
    #[cfg(feature = "fetch")]
    pub(crate) key: messenger::NodeKey,
}

/// A Lightning peer connection (browser WebSocket; in Node TCP or WebSocket): BOLT 8 handshake, `init`
/// exchange, automatic `pong`s and keep-alive pings (while a `recv` is pending or not:
/// a background task owns the connection).
#[wasm_bindgen]
pub struct LnSocket {
    pub(crate) inner: Rc<SocketInner>,
}

impl LnSocket {
    /// Connects to `addr` with a fresh random identity (kept, to peel onion messages).
    /// (Without `fetch`, the `commando` build, lnsocket makes the key and nothing keeps it.)
    pub(crate) async fn open(addr: &PeerAddr, config: Config) -> Result<LnSocket, JsValue> {
        #[cfg(feature = "fetch")]
        let (key, config) = {
            let mut config = config;
            let key = messenger::NodeKey::generate()
                .map_err(|e| js_error("RANDOM_FAILED", &e.to_string()))?;
            config.local_key = Some(
                key.to_lnsocket()
                    .map_err(|e| js_error("RANDOM_FAILED", &e.to_string()))?,
            );
            (key, config)
        };
        let conn = crate::node_transport::connect_to(addr, config)
            .await
            .map_err(|e| lnsocket_error(&e))?;
        let peer = conn.remote_node_id();
        let features = conn.remote_features();
        let (out, rx) = spawn_pump(conn);
        Ok(LnSocket {
            inner: Rc::new(SocketInner {
                out: RefCell::new(Some(out)),
                incoming: RefCell::new(Some(Inbox {
                    rx,
                    held: VecDeque::new(),
                })),
                node_id: peer.to_string(),
                features,
                peer,
                #[cfg(feature = "fetch")]
                key,
            }),
        })
    }
}

#[wasm_bindgen]
impl LnSocket {
    /// Connects to `nodeId` at `url` (`ws://` or `wss://`; in Node also `host:port`, plain
    /// TCP), or with `url` null/undefined through `options.wsProxy` to `options.address`,
    /// runs the BOLT 8 handshake as initiator with a fresh random key and exchanges `init`.
    ///
    /// Rejects with `ADDRESS_CONFLICT` / `ADDRESS_MISSING` (both or neither of `url` and
    /// `wsProxy`), `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (e.g. wrong node
    /// id), `INIT_FAILED` or `CONNECTION_ERROR`.
    #[wasm_bindgen(unchecked_return_type = "Promise<LnSocket>")]
    pub fn connect(
        node_id: String,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] url: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LnSocketOptions | undefined")] options: JsValue,
    ) -> js_sys::Promise {
        future_to_promise(async move {
            let url = if url.is_undefined() || url.is_null() {
                None
            } else {
                Some(url.as_string().ok_or_else(|| {
                    js_error(
                        "BAD_ARGUMENT",
                        "url must be a string (or null with wsProxy)",
                    )
                })?)
            };
            let addr = resolve_addr(&node_id, url, &options)?;
            let config = lnsocket_config(&options)?;
            Ok(LnSocket::open(&addr, config).await?.into())
        })
    }

    /// The peer's node id (hex).
    #[wasm_bindgen(getter, js_name = nodeId)]
    pub fn node_id(&self) -> String {
        self.inner.node_id.clone()
    }

    /// The peer's `init` features (big-endian bitmap, hex).
    #[wasm_bindgen(getter, js_name = remoteFeatures)]
    pub fn remote_features(&self) -> String {
        hex::encode(&self.inner.features)
    }

    /// Sends a message of odd type `type` (BOLT 1 forbids unnegotiated even types).
    /// Rejects with `BAD_ARGUMENT` or `CONNECTION_CLOSED`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn send(&self, msg_type: u16, payload: Vec<u8>) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            if msg_type & 1 == 0 {
                return Err(js_error(
                    "BAD_ARGUMENT",
                    &format!("refusing to send even message type {msg_type}"),
                ));
            }
            let (ack, done) = oneshot::channel();
            let sent = inner
                .out
                .borrow()
                .as_ref()
                .map(|tx| tx.unbounded_send((msg_type, payload, ack)).is_ok())
                .unwrap_or(false);
            if !sent {
                return Err(js_error("CONNECTION_CLOSED", "connection is closed"));
            }
            match done.await {
                Ok(Ok(())) => Ok(JsValue::UNDEFINED),
                Ok(Err(e)) => Err(js_error("CONNECTION_ERROR", &e)),
                Err(_) => Err(js_error("CONNECTION_CLOSED", "connection is closed")),
            }
        })
    }

    /// The next message: any odd type (custom messages included), `error` (type 17) or
    /// `warning` (type 1); pings are answered for you. One `recv` at a time.
    /// Rejects with `CONNECTION_CLOSED` once the peer has closed, or with the failure.
    #[wasm_bindgen(unchecked_return_type = "Promise<LnMessage>")]
    pub fn recv(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let Some(mut rx) = inner.incoming.borrow_mut().take() else {
                return Err(js_error(
                    "BAD_ARGUMENT",
                    "another recv() or fetchInvoice() is pending, or the connection is closed",
                ));
            };
            let next = rx.next().await;
            *inner.incoming.borrow_mut() = Some(rx);
            match next {
                Some(Ok((t, payload))) => {
                    let o = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&o, &"type".into(), &JsValue::from(t));
                    let bytes = js_sys::Uint8Array::from(payload.as_slice());
                    let _ = js_sys::Reflect::set(&o, &"payload".into(), &bytes);
                    Ok(o.into())
                }
                Some(Err((msg, code))) => Err(js_error(code, &msg)),
                None => Err(js_error("CONNECTION_CLOSED", "connection is closed")),
            }
        })
    }

    /// Closes the connection (after a pending `fetchInvoice`, if any, has ended).
    pub fn close(&self) {
        self.inner.out.borrow_mut().take();
    }
}

// ---------------------------------------------------------------------------------------
// Commando over the pump

struct Sink(mpsc::UnboundedSender<Outgoing>);

#[async_trait]
impl MessageSink for Sink {
    async fn send(&self, msg: CustomMessage) -> Result<(), TransportError> {
        let (ack, done) = oneshot::channel();
        self.0
            .unbounded_send((msg.msg_type, msg.payload, ack))
            .map_err(|_| TransportError::Closed)?;
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(TransportError::Io(e)),
            Err(_) => Err(TransportError::Closed),
        }
    }
}

struct Source {
    rx: mpsc::UnboundedReceiver<Incoming>,
    states: mpsc::UnboundedSender<StateEvent>,
    attempt: u32,
}

#[async_trait]
impl MessageSource for Source {
    async fn recv(&mut self) -> Result<Option<CustomMessage>, TransportError> {
        loop {
            match self.rx.next().await {
                Some(Ok((msg_type, payload))) if msg_type & 1 == 1 && msg_type != 1 => {
                    return Ok(Some(CustomMessage { msg_type, payload }))
                }
                Some(Ok(_)) => {}
                Some(Err((e, code))) => {
                    let _ =
                        self.states
                            .unbounded_send(StateEvent::lost(self.attempt, e.clone(), code));
                    return Err(TransportError::Io(e));
                }
                None => {
                    let _ = self.states.unbounded_send(StateEvent::lost(
                        self.attempt,
                        "connection closed".into(),
                        "CONNECTION_CLOSED",
                    ));
                    return Ok(None);
                }
            }
        }
    }
}

/// A state change, sent from `Send` code to the local task that calls `onState`.
#[derive(Debug, Clone)]
struct StateEvent {
    state: &'static str,
    attempt: u32,
    error: Option<(String, &'static str)>,
}

impl StateEvent {
    fn new(state: &'static str, attempt: u32) -> Self {
        StateEvent {
            state,
            attempt,
            error: None,
        }
    }
    fn lost(attempt: u32, e: String, code: &'static str) -> Self {
        StateEvent {
            state: "lost",
            attempt,
            error: Some((e, code)),
        }
    }
    fn with_error(mut self, e: String, code: &'static str) -> Self {
        self.error = Some((e, code));
        self
    }
}

/// Opens lnsocket connections on a local task and hands back their `Send` halves.
struct BrowserConnector {
    addr: PeerAddr,
    config: Config,
    attempts: AtomicU32,
    states: mpsc::UnboundedSender<StateEvent>,
    /// The typed failure of the last attempt.
    last_error: Mutex<Option<(String, &'static str)>>,
}

#[async_trait]
impl Connector for BrowserConnector {
    async fn connect(&self) -> Result<commando::Connection, TransportError> {
        let attempt = self.attempts.fetch_add(1, Ordering::Relaxed) + 1;
        let state = if attempt == 1 {
            "connecting"
        } else {
            "retrying"
        };
        let _ = self.states.unbounded_send(StateEvent::new(state, attempt));
        let (tx, rx) = oneshot::channel();
        let addr = self.addr.clone();
        let config = self.config.clone();
        spawn_local(async move {
            let r = match crate::node_transport::connect_to(&addr, config).await {
                Ok(conn) => Ok(spawn_pump(conn)),
                Err(e) => Err((e.to_string(), lnsocket_code(&e))),
            };
            let _ = tx.send(r);
        });
        let r = rx
            .await
            .unwrap_or_else(|_| Err(("connection attempt cancelled".into(), "CONNECTION_ERROR")));
        match r {
            Ok((out, incoming)) => {
                let _ = self
                    .states
                    .unbounded_send(StateEvent::new("connected", attempt));
                let sink: Arc<dyn MessageSink> = Arc::new(Sink(out));
                let source: Box<dyn MessageSource> = Box::new(Source {
                    rx: incoming,
                    states: self.states.clone(),
                    attempt,
                });
                Ok((sink, source))
            }
            Err((e, code)) => {
                let _ = self.states.unbounded_send(
                    StateEvent::new("attempt_failed", attempt).with_error(e.clone(), code),
                );
                if let Ok(mut last) = self.last_error.lock() {
                    *last = Some((e.clone(), code));
                }
                Err(TransportError::Connect(e))
            }
        }
    }
}

/// Commando's timer on the browser's `setTimeout`. The timer future must be `Send` and
/// gloo's is not, so a local task owns the `setTimeout` and signals through a oneshot;
/// when the returned future is dropped (the call was answered first), the task sees the
/// cancellation and drops its timer, which clears the `setTimeout`. Without that, every
/// answered call left its timeout pending: up to 30 s of timers that kept a Node process
/// from exiting after `close()`.
struct JsTimer;

impl Timer for JsTimer {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let (mut tx, rx) = oneshot::channel::<()>();
        spawn_local(async move {
            let timer = gloo_timers::future::sleep(d);
            let elapsed = match select(pin!(timer), tx.cancellation()).await {
                Either::Left(_) => true,
                Either::Right(_) => false,
            };
            if elapsed {
                let _ = tx.send(());
            }
        });
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

fn emit(on_state: &Option<js_sys::Function>, ev: &StateEvent, state: &str) {
    let Some(f) = on_state else { return };
    let o = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&o, &"state".into(), &JsValue::from_str(state));
    let _ = js_sys::Reflect::set(&o, &"attempt".into(), &JsValue::from(ev.attempt));
    if let Some((e, code)) = &ev.error {
        let _ = js_sys::Reflect::set(&o, &"error".into(), &JsValue::from_str(e));
        let _ = js_sys::Reflect::set(&o, &"code".into(), &JsValue::from_str(code));
    }
    let _ = f.call1(&JsValue::NULL, &o);
}

struct CommandoInner {
    client: RefCell<Option<Client>>,
    rune: Option<String>,
    node_id: String,
    state: Rc<RefCell<&'static str>>,
}

/// A Commando client: JSON-RPC to a Core Lightning node (or any Commando server) over
/// an `LnSocket`, authorised by runes. Many calls may be in flight at once; each has a
/// timeout; a dropped connection is re-established (`reconnect`), and calls still
/// waiting for their reply carry on over the new connection.
#[wasm_bindgen]
pub struct Commando {
    inner: Rc<CommandoInner>,
}

#[wasm_bindgen]
impl Commando {
    /// Connects to the node (BOLT 8 over WebSocket; in Node over TCP for a `host:port`
    /// url) and returns the client.
    ///
    /// Rejects with `BAD_ADDRESS`, `NODE_UNREACHABLE`, `HANDSHAKE_FAILED` (wrong node id
    /// or not a Lightning node), `INIT_FAILED` or `CONNECTION_ERROR`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Commando>")]
    pub fn connect(
        #[wasm_bindgen(unchecked_param_type = "CommandoOptions")] options: JsValue,
    ) -> js_sys::Promise {
        future_to_promise(async move {
            let node_id = opt_string(&options, "nodeId")?
                .ok_or_else(|| js_error("BAD_ARGUMENT", "nodeId is required"))?;
            let addr = resolve_addr(&node_id, opt_string(&options, "url")?, &options)?;
            let rune = opt_string(&options, "rune")?.filter(|r| !r.trim().is_empty());
            let connect_timeout = ms_option(&options, "connectTimeoutMs", 10_000)?;
            let config = keepalive_config(
                &options,
                Config {
                    connect_timeout,
                    handshake_timeout: connect_timeout,
                    init_timeout: connect_timeout,
                    ..Config::default()
                },
            )?;
            let max_reply = match opt_u64(&options, "maxReplyBytes")? {
                None => ClientConfig::default().max_reply,
                Some(0) => {
                    return Err(js_error(
                        "BAD_ARGUMENT",
                        "maxReplyBytes must be a positive integer",
                    ))
                }
                // Over what wasm32 can address: no limit but memory's.
                Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
            };
            let reconnect = opt_prop(&options, "reconnect")
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            let client_config = ClientConfig {
                timeout: ms_option(&options, "timeoutMs", 30_000)?,
                reconnect,
                reconnect_attempts: u32::try_from(
                    opt_u64(&options, "reconnectAttempts")?.unwrap_or(10),
                )
                .unwrap_or(u32::MAX)
                .max(1),
                reconnect_delay: ms_option(&options, "reconnectDelayMs", 1_000)?,
                max_reply,
                ..ClientConfig::default()
            };
            let on_state: Option<js_sys::Function> = opt_prop(&options, "onState")
                .map(|f| f.dyn_into::<js_sys::Function>())
                .transpose()
                .map_err(|_| js_error("BAD_ARGUMENT", "onState must be a function"))?;

            let (states_tx, mut states_rx) = mpsc::unbounded::<StateEvent>();
            let state = Rc::new(RefCell::new("connecting"));
            // Forward state events to JS; "lost" becomes "retrying" or "failed".
            {
                let state = state.clone();
                let on_state = on_state.clone();
                spawn_local(async move {
                    let mut last_retry = 0;
                    while let Some(mut ev) = states_rx.next().await {
                        let shown = match ev.state {
                            // The connection `attempt` was lost: `attempt + 1` comes next.
                            "lost" if reconnect => {
                                ev.attempt += 1;
                                "retrying"
                            }
                            "lost" => "failed",
                            "attempt_failed" => continue,
                            s => s,
                        };
                        if *state.borrow() == "closed" {
                            break;
                        }
                        if shown == "retrying" {
                            if ev.attempt == last_retry {
                                continue;
                            }
                            last_retry = ev.attempt;
                        }
                        *state.borrow_mut() = shown;
                        emit(&on_state, &ev, shown);
                    }
                });
            }
            let connector = Arc::new(BrowserConnector {
                addr,
                config,
                attempts: AtomicU32::new(0),
                states: states_tx.clone(),
                last_error: Mutex::new(None),
            });
            let (client, driver) =
                match Client::connect(connector.clone(), client_config, Arc::new(JsTimer)).await {
                    Ok(x) => x,
                    Err(e) => {
                        let last = connector.last_error.lock().ok().and_then(|mut l| l.take());
                        let _ = states_tx.unbounded_send(StateEvent::new("failed", 1));
                        return Err(match last {
                            Some((msg, code)) => js_error(code, &msg),
                            None => commando_error(&e),
                        });
                    }
                };
            {
                let state = state.clone();
                let on_state = on_state.clone();
                spawn_local(async move {
                    driver.run().await;
                    // Ends for good: all clients dropped (closed) or reconnection gave up.
                    let now = *state.borrow();
                    if now != "closed" {
                        *state.borrow_mut() = "failed";
                        let ev = StateEvent::new("failed", 0).with_error(
                            "connection lost and could not be re-established".into(),
                            "NODE_UNREACHABLE",
                        );
                        emit(&on_state, &ev, "failed");
                    }
                });
            }
            Ok(Commando {
                inner: Rc::new(CommandoInner {
                    client: RefCell::new(Some(client)),
                    rune,
                    node_id: node_id.trim().to_owned(),
                    state,
                }),
            }
            .into())
        })
    }

    /// The node id this client talks to.
    #[wasm_bindgen(getter, js_name = nodeId)]
    pub fn node_id(&self) -> String {
        self.inner.node_id.clone()
    }

    /// The connection state: `connecting`, `connected`, `retrying`, `failed` or `closed`.
    #[wasm_bindgen(getter, unchecked_return_type = "ConnectionState")]
    pub fn state(&self) -> String {
        (*self.inner.state.borrow()).to_owned()
    }

    /// Number of calls awaiting their reply.
    #[wasm_bindgen(getter, js_name = inFlight)]
    pub fn in_flight(&self) -> usize {
        self.inner
            .client
            .borrow()
            .as_ref()
            .map(Client::in_flight)
            .unwrap_or(0)
    }

    /// Runs `method` with `params` (an object or an array; default `{}`) and resolves to
    /// the node's `result`. Rejects with the node's error (`RUNE_UNAUTHORIZED` with the
    /// node's message for a refused rune, `RPC_ERROR` with `rpcCode`, ...) or a local one
    /// (`TIMEOUT`, `DISCONNECTED`, `CONNECTION_CLOSED`, `BAD_ARGUMENT`).
    #[wasm_bindgen(unchecked_return_type = "Promise<any>")]
    pub fn call(
        &self,
        method: String,
        #[wasm_bindgen(unchecked_param_type = "object | unknown[] | undefined")] params: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> js_sys::Promise {
        let client = self.inner.client.borrow().clone();
        let default_rune = self.inner.rune.clone();
        future_to_promise(async move {
            let client = client.ok_or_else(|| js_error("CONNECTION_CLOSED", "client is closed"))?;
            let params = match from_js(&params)? {
                serde_json::Value::Null => serde_json::json!({}),
                p => p,
            };
            let mut req = Request::new(method).params(params);
            if let Some(r) = opt_string(&options, "rune")?.or(default_rune) {
                req = req.rune(r);
            }
            if let Some(t) = opt_u64(&options, "timeoutMs")? {
                req = req.timeout(Duration::from_millis(t));
            }
            if let Some(f) = opt_prop(&options, "filter") {
                req = req.filter(from_js(&f)?);
            }
            client
                .call(req)
                .await
                .map(|v| to_js(&v))
                .map_err(|e| commando_error(&e))
        })
    }

    /// Closes the connection; pending and later calls fail with `DISCONNECTED` /
    /// `CONNECTION_CLOSED`.
    pub fn close(&self) {
        *self.inner.state.borrow_mut() = "closed";
        self.inner.client.borrow_mut().take();
    }
}
