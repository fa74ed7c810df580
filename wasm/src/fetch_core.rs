//! `fetchInvoice`'s sans-IO core (feature `fetch`): an offer's invoice fetched natively,
//! with an onion message over the page's own BOLT 8 connection (BOLT 12 §"Invoice
//! Requests" over BOLT 4 §"Onion Messages"), by messenger's payer
//! ([`messenger::InvoiceFetch`]), and checked against the request before it is returned.
//! No node RPC and no rune: the connected node only forwards onion messages.
//!
//! JavaScript (`wasm/npm/fetch.js`) drives the [`Fetches`] of a connection: for each
//! fetch it sends [`Fetches::next`]'s onion message, hands over every onion message that
//! arrives ([`Fetches::receive`]), and asks for the next route when `timeoutMs` has
//! passed. Several fetches may run on one connection, each with its own reply paths: a
//! message whose `path_id` one of them awaits goes to that fetch alone, every other
//! message to each (which drops it), as messenger's `OnionHub` shares a connection.

use std::time::Duration;

use messenger::payer::{path_id_of, FetchOptions, FetchedInvoice, InvoiceFetch};
use messenger::route::RouteKind;
use messenger::{FetchError, NodeKey};
use secp256k1::PublicKey;
use wasm_bindgen::prelude::*;

use crate::bolt12_api::parse_offer;
use crate::js::JsArray;
use crate::net_core::Bolt8;
use crate::{js_error, now_secs, number, object, opt_string, opt_u64, parse_js, with_field};

#[wasm_bindgen(typescript_custom_section)]
const TS_FETCH: &'static str = include_str!("ts/fetch.d.ts");

/// The invoice fetches running on one connection, sans IO (see the module documentation).
#[wasm_bindgen(skip_typescript)]
pub struct Fetches {
    /// Our node key on the connection (the reply paths lead to it) and the peer.
    key: NodeKey,
    peer: PublicKey,
    live: Vec<Live>,
    next_id: u32,
}

struct Live {
    id: u32,
    fetch: InvoiceFetch,
    timeout: Duration,
    now: u64,
}

fn fetch_options(options: &JsValue, now: u64) -> Result<FetchOptions, JsValue> {
    Ok(FetchOptions {
        amount_msat: opt_u64(options, "amountMsat")?,
        quantity: opt_u64(options, "quantity")?,
        payer_note: opt_string(options, "payerNote")?,
        timeout: Duration::from_millis(opt_u64(options, "timeoutMs")?.unwrap_or(30_000)),
        now: Some(now),
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

/// The `FetchedInvoice` object of the TypeScript declarations.
fn result(fetched: &FetchedInvoice, now: u64) -> Result<JsValue, JsValue> {
    let invoice = fetched.invoice.to_string();
    // It passed the payer checks, signature included: a decode failure here is our bug.
    let decoded = bolt12::json::decode_json_text_at(&invoice, Some(now))
        .map(|text| parse_js(&text))
        .map_err(|e| js_error("CHECK_FAILED", &format!("decoding the invoice: {e}")))?;
    let (kind, index) = match fetched.route {
        RouteKind::DirectToIssuer => ("direct", None),
        RouteKind::ViaPeerToIssuer => ("via_peer", None),
        RouteKind::PathFromPeer { index } => ("path_from_peer", Some(index)),
        RouteKind::ViaPeerToPath { index } => ("via_peer_to_path", Some(index)),
    };
    let checks = JsArray::new();
    for c in &fetched.checks {
        checks.push(&JsValue::from_str(c));
    }
    let v = object(&[
        ("invoice", JsValue::from_str(&invoice)),
        ("decoded", decoded),
        ("checks", checks.into()),
        ("route", JsValue::from_str(&fetched.route.describe())),
        ("routeKind", JsValue::from_str(kind)),
        (
            "invoiceRequest",
            JsValue::from_str(&fetched.request.to_string()),
        ),
        ("droppedMessages", number(fetched.dropped.len() as u64)),
    ]);
    Ok(match index {
        Some(i) => with_field(v, "pathIndex", number(i as u64)),
        None => v,
    })
}

fn unknown() -> JsValue {
    js_error("BAD_ARGUMENT", "no such fetch on this connection")
}

/// `{ id, value }` or `{ id, error }`: how a fetch ended.
fn outcome(id: u32, key: &str, value: JsValue) -> JsValue {
    object(&[("id", JsValue::from(id)), (key, value)])
}

#[wasm_bindgen]
impl Fetches {
    /// The fetches of the connection `bolt` is the session of.
    #[wasm_bindgen(constructor)]
    pub fn new(bolt: &Bolt8) -> Fetches {
        Fetches {
            key: bolt.key.clone(),
            peer: bolt.peer,
            live: Vec::new(),
            next_id: 0,
        }
    }

    /// Starts a fetch: builds and signs the invoice request for `offer` (fresh payer key
    /// and metadata), with reply paths from the peer to our key on this connection.
    /// `options` is `FetchInvoiceOptions`. Returns the fetch's id. Throws
    /// `INVALID_BOLT12` / `WRONG_TYPE` for the offer, `BAD_ARGUMENT` for an option,
    /// `BUILD_FAILED` (e.g. an amount below the offer's), `NO_ROUTE` or `RANDOM_FAILED`.
    pub fn start(&mut self, offer: &str, options: JsValue) -> Result<u32, JsValue> {
        let offer = parse_offer(offer)?;
        let now = now_secs(None);
        let opts = fetch_options(&options, now)?;
        let fetch = InvoiceFetch::new(&offer, &opts, self.peer, self.key.node_id())
            .map_err(|e| fetch_error(&e, opts.timeout))?;
        self.next_id = self.next_id.wrapping_add(1);
        let id = self.next_id;
        self.live.push(Live {
            id,
            fetch,
            timeout: opts.timeout,
            now,
        });
        Ok(id)
    }

    fn get(&mut self, id: u32) -> Result<&mut Live, JsValue> {
        self.live
            .iter_mut()
            .find(|l| l.id == id)
            .ok_or_else(unknown)
    }

    /// How long fetch `id` waits for an answer after each message (ms).
    #[wasm_bindgen(js_name = timeoutMs)]
    pub fn timeout_ms(&mut self, id: u32) -> Result<f64, JsValue> {
        Ok(self.get(id)?.timeout.as_millis() as f64)
    }

    /// The payload of the `onion_message` (type 513) carrying fetch `id`'s request along
    /// its next route, or `undefined` once every route has had its turn (then
    /// [`Fetches::timed_out`] is the outcome). Throws `BUILD_FAILED`, `NO_ROUTE` or
    /// `RANDOM_FAILED` (the fetch has then ended).
    pub fn next(&mut self, id: u32) -> Result<Option<Vec<u8>>, JsValue> {
        let live = self.get(id)?;
        let timeout = live.timeout;
        let Some(msg) = live.fetch.next_message() else {
            return Ok(None);
        };
        let built = msg.map_err(|e| fetch_error(&e, timeout)).and_then(|msg| {
            let mut payload = Vec::new();
            msg.write(&mut payload)
                .map_err(|e| js_error("BUILD_FAILED", &e.to_string()))?;
            Ok(payload)
        });
        if built.is_err() {
            self.end(id);
        }
        built.map(Some)
    }

    /// An `onion_message` from the peer (`msg`: the whole message, its 2-byte type first).
    /// Returns the fetches it ended, each `{ id, value }` (the `FetchedInvoice`, after
    /// every payer check) or `{ id, error }` (`INVOICE_ERROR`: the issuer's
    /// `invoice_error`; `CHECK_FAILED`); an empty array when it answers none of them.
    pub fn receive(&mut self, msg: &[u8]) -> JsArray {
        let done = JsArray::new();
        let owner = path_id_of(&self.key, msg).and_then(|path_id| {
            // Every fetch is asked, so the time taken does not say which one matched.
            let mut owner = None;
            for (i, l) in self.live.iter().enumerate() {
                if l.fetch.awaits(&path_id) && owner.is_none() {
                    owner = Some(i);
                }
            }
            owner
        });
        let mut ended = Vec::new();
        for (i, l) in self.live.iter_mut().enumerate() {
            if owner.is_some_and(|o| o != i) {
                continue;
            }
            match l.fetch.receive(&self.key, msg) {
                None => {}
                Some(Ok(fetched)) => {
                    let v = result(&fetched, l.now);
                    done.push(&match v {
                        Ok(v) => outcome(l.id, "value", v),
                        Err(e) => outcome(l.id, "error", e),
                    });
                    ended.push(l.id);
                }
                Some(Err(e)) => {
                    done.push(&outcome(l.id, "error", fetch_error(&e, l.timeout)));
                    ended.push(l.id);
                }
            }
        }
        self.live.retain(|l| !ended.contains(&l.id));
        done
    }

    /// Ends fetch `id` after the wait following its last route's message: its `TIMEOUT`
    /// error.
    #[wasm_bindgen(js_name = timedOut)]
    pub fn timed_out(&mut self, id: u32) -> JsValue {
        let Ok(live) = self.get(id) else {
            return unknown();
        };
        let e = fetch_error(&live.fetch.timed_out(live.timeout), live.timeout);
        self.end(id);
        e
    }

    /// Forgets fetch `id` (ended by its caller, e.g. the connection closed).
    pub fn end(&mut self, id: u32) {
        self.live.retain(|l| l.id != id);
    }

    /// Fetches running.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.live.len() as u32
    }
}
