//! `fetchInvoice`: an offer's invoice fetched natively, with an onion message over the
//! page's own BOLT 8 connection (BOLT 12 §"Invoice Requests" over BOLT 4 §"Onion
//! Messages"), by messenger's payer, and checked against the request before it is returned.
//! No node RPC and no rune: the connected node only forwards onion messages.
//!
//! The connection is owned by the `LnSocket` pump (a local task, `net`). While fetches run,
//! a feeding task takes the socket's inbox and hands its onion messages to a messenger
//! [`OnionHub`], whose users are the fetches: several may run at once on one connection,
//! each with its own reply paths (answers matched by `path_id`) and its own timeout. Other
//! messages arriving meanwhile are kept for `recv`; when the last fetch ends, the inbox is
//! given back before its promise settles.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use messenger::payer::{fetch_invoice, FetchOptions, FetchedInvoice};
use messenger::pump::onion_frame;
use messenger::route::RouteKind;
use messenger::{FetchError, HubTransport, OnionHub, TransportError};
use onion::tlv::OnionMessage;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local};

use crate::bolt12_api::parse_offer;
use crate::net::{lnsocket_config, resolve_addr, Inbox, LnSocket, SocketInner};
use crate::{js_error, now_secs, opt_prop, opt_string, opt_u64, to_js, with_field};

#[wasm_bindgen(typescript_custom_section)]
const TS_FETCH: &'static str = r#"
/** What to ask for in `fetchInvoice` / `LnSocket.fetchInvoice`. */
export interface FetchInvoiceOptions {
  /** `invreq_amount` in millisatoshi: required when the offer sets no amount; at least the offer's. */
  amountMsat?: number | bigint | string;
  /** `invreq_quantity` (default 1 when the offer has `offer_quantity_max`). */
  quantity?: number | bigint | string;
  /** `invreq_payer_note`, shown to the issuer. */
  payerNote?: string;
  /** How long to wait for the answer along each route to the issuer (ms, default 30000). */
  timeoutMs?: number;
}

/** The node the invoice request goes through: the offer's issuer, or a node that reaches it. */
export interface FetchVia extends WsProxyOptions {
  /** The node's id (33-byte compressed public key, hex). */
  nodeId: string;
  /** `ws://host:port` or `wss://host/path` where it accepts BOLT 8 over WebSocket; in Node also
   * `host:port` (plain TCP, the node's Lightning port). Required unless `wsProxy` is given. */
  url?: string;
}

/** Options of the standalone `fetchInvoice`: where to connect, and what to ask for. */
export interface FetchInvoiceViaOptions extends FetchInvoiceOptions {
  /** The node to connect to (a fresh connection, closed when the fetch ends). */
  via: FetchVia;
  /** Limit for opening the connection, the BOLT 8 handshake and `init`, each (ms, default 10000). */
  connectTimeoutMs?: number;
}

/** Which way the invoice request went. */
export type FetchRouteKind = "direct" | "via_peer" | "path_from_peer" | "via_peer_to_path";

/** An invoice fetched over onion messages, after every payer check passed. */
export interface FetchedInvoice {
  /** The invoice (`lni1...`). */
  invoice: string;
  /** The invoice as `decode` gives it (Core Lightning's `decode` JSON). */
  decoded: Bolt12Decoded;
  /** The payer checks made on the invoice against the request, in plain words. */
  checks: string[];
  /** Which way the request went, in plain words. */
  route: string;
  /** The same as a code; `pathIndex` is the `offer_paths` entry used, for the path routes. */
  routeKind: FetchRouteKind;
  pathIndex?: number;
  /** The invoice request sent (`lnr1...`), signed by a fresh payer key. */
  invoiceRequest: string;
  /** Onion messages received meanwhile that were not the answer (dropped, unanswered). */
  droppedMessages: number;
}
"#;

/// The onion messages of a socket on which fetches are running.
struct Shared {
    socket: Weak<SocketInner>,
    hub: OnionHub,
    /// Asks the feeding task to give the inbox back if no fetch is left; answered once
    /// it has (or has not, because another fetch joined).
    release: mpsc::UnboundedSender<oneshot::Sender<()>>,
}

thread_local! {
    // The browser and Node run this on one thread; entries end with their feeding task.
    static SHARED: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
}

fn is_socket(s: &Shared, inner: &Rc<SocketInner>) -> bool {
    std::ptr::eq(s.socket.as_ptr(), Rc::as_ptr(inner))
}

fn closed() -> TransportError {
    TransportError::Closed("connection is closed".into())
}

/// A new user of `inner`'s onion messages: joins the fetches already running, or takes
/// the inbox (refused while a `recv` holds it) and starts feeding a hub from it.
fn join(inner: &Rc<SocketInner>) -> Result<HubTransport, JsValue> {
    let out = inner
        .out
        .borrow()
        .clone()
        .ok_or_else(|| js_error("CONNECTION_CLOSED", "connection is closed"))?;
    SHARED.with(|shared| {
        let mut shared = shared.borrow_mut();
        if let Some(s) = shared.iter().find(|s| is_socket(s, inner)) {
            return Ok(s.hub.subscribe(out));
        }
        let inbox = inner.incoming.borrow_mut().take().ok_or_else(|| {
            js_error(
                "BAD_ARGUMENT",
                "a recv() is pending, or the connection is closed",
            )
        })?;
        let hub = OnionHub::new(inner.peer, inner.key.clone());
        let user = hub.subscribe(out);
        let (release, releases) = mpsc::unbounded();
        shared.push(Shared {
            socket: Rc::downgrade(inner),
            hub: hub.clone(),
            release,
        });
        spawn_local(feed(inner.clone(), inbox, hub, releases));
        Ok(user)
    })
}

/// A fetch on `inner` has ended (its transport dropped): if it was the last, waits until
/// the inbox is back for `recv`.
async fn leave(inner: &Rc<SocketInner>) {
    let (done, returned) = oneshot::channel();
    let asked = SHARED.with(|shared| {
        shared
            .borrow()
            .iter()
            .find(|s| is_socket(s, inner))
            .map(|s| s.release.unbounded_send(done).is_ok())
            .unwrap_or(false)
    });
    if asked {
        // Cancelled means the feeding task has ended, the inbox given back.
        let _ = returned.await;
    }
}

/// Hands the onion messages of `inbox` to `hub` until no fetch is left or the connection
/// ends, setting everything else aside for `recv`; then gives the inbox back.
async fn feed(
    inner: Rc<SocketInner>,
    mut inbox: Inbox,
    hub: OnionHub,
    mut releases: mpsc::UnboundedReceiver<oneshot::Sender<()>>,
) {
    let done = loop {
        let next = {
            let message = inbox.rx.next();
            let release = releases.next();
            futures_util::pin_mut!(message);
            match select(message, release).await {
                Either::Left((m, _)) => Either::Left(m),
                Either::Right((r, _)) => Either::Right(r),
            }
        };
        match next {
            Either::Left(Some(Ok((t, payload)))) if t == OnionMessage::TYPE => {
                hub.deliver(&onion_frame(&payload));
            }
            Either::Left(Some(Ok((17, data)))) => {
                let text = lnsocket::connection::printable(&data);
                inbox.held.push_back(Ok((17, data)));
                hub.fail_all(TransportError::PeerError(text));
            }
            Either::Left(Some(Ok(other))) => inbox.held.push_back(Ok(other)),
            Either::Left(Some(Err((e, code)))) => {
                inbox.held.push_back(Err((e.clone(), code)));
                hub.close(TransportError::Closed(e));
                break None;
            }
            Either::Left(None) => {
                hub.close(closed());
                break None;
            }
            Either::Right(Some(done)) if hub.users() == 0 => break Some(done),
            Either::Right(Some(done)) => {
                let _ = done.send(());
            }
            Either::Right(None) => break None,
        }
    };
    SHARED.with(|shared| shared.borrow_mut().retain(|s| !is_socket(s, &inner)));
    *inner.incoming.borrow_mut() = Some(inbox);
    if let Some(done) = done {
        let _ = done.send(());
    }
}

fn fetch_options(options: &JsValue) -> Result<FetchOptions, JsValue> {
    Ok(FetchOptions {
        amount_msat: opt_u64(options, "amountMsat")?,
        quantity: opt_u64(options, "quantity")?,
        payer_note: opt_string(options, "payerNote")?,
        timeout: Duration::from_millis(opt_u64(options, "timeoutMs")?.unwrap_or(30_000)),
        now: Some(now_secs(None)),
        stateless: None,
    })
}

/// The JavaScript error for a failed fetch: a stable code and plain words. `timeout` is
/// the wait on each route (messenger's own text rounds it down to seconds).
fn fetch_error(e: &FetchError, timeout: Duration) -> JsValue {
    match e {
        FetchError::InvoiceError {
            message,
            erroneous_field,
            suggested_value,
        } => {
            let text = if message.is_empty() {
                "the issuer answered with an invoice_error without text"
            } else {
                message
            };
            let mut err = js_error("INVOICE_ERROR", text);
            if let Some(f) = erroneous_field {
                err = with_field(err, "erroneousField", JsValue::from_f64(*f as f64));
            }
            if let Some(v) = suggested_value {
                err = with_field(err, "suggestedValue", JsValue::from_str(&hex::encode(v)));
            }
            err
        }
        FetchError::Timeout { dropped, .. } => js_error(
            "TIMEOUT",
            &format!(
                "no invoice after {} ms on each route to the issuer ({dropped} unrelated onion messages dropped)",
                timeout.as_millis()
            ),
        ),
        FetchError::CheckFailed(_) => js_error("CHECK_FAILED", &e.to_string()),
        FetchError::NoRoute(_) => js_error("NO_ROUTE", &e.to_string()),
        FetchError::InvalidOffer(_) => with_field(
            js_error("INVALID_BOLT12", &e.to_string()),
            "kind",
            JsValue::from_str("offer"),
        ),
        FetchError::Build(_) | FetchError::Onion(_) => js_error("BUILD_FAILED", &e.to_string()),
        FetchError::Disconnected(_) => js_error("DISCONNECTED", &e.to_string()),
        FetchError::Key(_) => js_error("RANDOM_FAILED", &e.to_string()),
    }
}

fn result(fetched: &FetchedInvoice, now: u64) -> Result<JsValue, JsValue> {
    let invoice = fetched.invoice.to_string();
    // It passed the payer checks, signature included: a decode failure here is our bug.
    let decoded = bolt12::json::decode_json_at(&invoice, Some(now))
        .map_err(|e| js_error("CHECK_FAILED", &format!("decoding the invoice: {e}")))?;
    let (kind, index) = match fetched.route {
        RouteKind::DirectToIssuer => ("direct", None),
        RouteKind::ViaPeerToIssuer => ("via_peer", None),
        RouteKind::PathFromPeer { index } => ("path_from_peer", Some(index)),
        RouteKind::ViaPeerToPath { index } => ("via_peer_to_path", Some(index)),
    };
    let mut v = json!({
        "invoice": invoice,
        "decoded": decoded,
        "checks": fetched.checks,
        "route": fetched.route.describe(),
        "routeKind": kind,
        "invoiceRequest": fetched.request.to_string(),
        "droppedMessages": fetched.dropped.len(),
    });
    if let (Some(i), Value::Object(m)) = (index, &mut v) {
        m.insert("pathIndex".into(), json!(i));
    }
    Ok(to_js(&v))
}

/// Fetches over `inner`'s connection, next to any other fetch running on it.
async fn fetch_on(
    inner: Rc<SocketInner>,
    offer: String,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let offer = parse_offer(&offer)?;
    let opts = fetch_options(&options)?;
    let mut transport = join(&inner)?;
    let fetched = fetch_invoice(&mut transport, &offer, &opts).await;
    drop(transport);
    leave(&inner).await;
    let fetched = fetched.map_err(|e| fetch_error(&e, opts.timeout))?;
    result(&fetched, opts.now.unwrap_or(0))
}

#[wasm_bindgen]
impl LnSocket {
    /// Fetches an invoice for `offer` natively over this connection: an `invoice_request`
    /// as an onion message to the offer's issuer (this peer, or through it to
    /// `offer_issuer_id` or along each `offer_paths` entry in turn), with a reply path
    /// from this peer to us; the invoice that comes back is checked against the request
    /// (every BOLT 12 payer check) before the promise resolves. No rune: the node only
    /// forwards onion messages. Several fetches may run at once on one connection, each
    /// with its own reply paths (an answer goes to the fetch whose reply path it came
    /// along) and its own `timeoutMs`; mind that the node may rate-limit onion messages
    /// (Core Lightning: a burst of 4 per peer, then one per 250 ms). Not while a `recv` is
    /// pending (`BAD_ARGUMENT`); messages other than onion messages arriving meanwhile are
    /// kept for `recv`.
    ///
    /// Rejects with `INVOICE_ERROR` (the issuer's `invoice_error`: its text is the
    /// message, `erroneousField` / `suggestedValue` if it set them), `TIMEOUT` (no answer
    /// along any route), `CHECK_FAILED`, `NO_ROUTE`, `BUILD_FAILED` (e.g. an amount below
    /// the offer's), `INVALID_BOLT12`, `WRONG_TYPE`, `DISCONNECTED`, `CONNECTION_CLOSED`
    /// or `BAD_ARGUMENT`.
    #[wasm_bindgen(js_name = fetchInvoice, unchecked_return_type = "Promise<FetchedInvoice>")]
    pub fn fetch_invoice(
        &self,
        offer: String,
        #[wasm_bindgen(unchecked_param_type = "FetchInvoiceOptions | undefined")] options: JsValue,
    ) -> js_sys::Promise {
        future_to_promise(fetch_on(self.inner.clone(), offer, options))
    }
}

/// Connects to `options.via` (BOLT 8 over WebSocket, or TCP in Node; a fresh random identity), fetches an
/// invoice for `offer` natively over that connection as `LnSocket.fetchInvoice` does,
/// and closes it. Rejects as `LnSocket.connect` and `LnSocket.fetchInvoice` do.
#[wasm_bindgen(js_name = fetchInvoice, unchecked_return_type = "Promise<FetchedInvoice>")]
pub fn fetch_invoice_via(
    offer: String,
    #[wasm_bindgen(unchecked_param_type = "FetchInvoiceViaOptions")] options: JsValue,
) -> js_sys::Promise {
    future_to_promise(async move {
        let via = opt_prop(&options, "via")
            .ok_or_else(|| js_error("BAD_ARGUMENT", "via ({ nodeId, url }) is required"))?;
        let node_id = opt_string(&via, "nodeId")?
            .ok_or_else(|| js_error("BAD_ARGUMENT", "via.nodeId is required"))?;
        let addr = resolve_addr(&node_id, opt_string(&via, "url")?, &via)?;
        let connect = js_sys::Object::new();
        if let Some(t) = opt_prop(&options, "connectTimeoutMs") {
            let _ = js_sys::Reflect::set(&connect, &"timeoutMs".into(), &t);
        }
        let config = lnsocket_config(&connect.into())?;
        let socket = LnSocket::open(&addr, config).await?;
        let r = fetch_on(socket.inner.clone(), offer, options).await;
        socket.close();
        r
    })
}
