//! The payer: `fetch_invoice` (BOLT 12 §"Invoice Requests", writer; §"Invoices", reader)
//! over one peer connection. The `invoice_request` travels as an onion message (BOLT 4
//! §"Onion Messages") along one of the [`crate::route::routes`] with a reply path
//! peer -> us; the first `invoice` or `invoice_error` arriving on that path answers it, and
//! the invoice is checked against the request before it is returned.
use std::time::Duration;

use bolt12::tlv::InvoiceRequestTlvs;
use bolt12::{Invoice, InvoiceRequest, InvoiceRequestBuilder, Offer};
use curve::Keys;
use onion::message::{build_onion_message, peel_onion_message_bytes, Payload, Peeled};
use onion::tlv::OnionmsgTlv;
use wire::{Point, SciddirOrPubkey};

use bolt12::stateless::payer::{self as stateless_payer, PayerKeys};
use bolt12::stateless::{Nonce, PaymentId};
use zeroize::Zeroizing;

use crate::error::{CheckFailed, DropReason, FetchError, KeyError, TransportError};
use crate::keys::{random_bytes, random_secret, NodeKey, SessionKeys};
use crate::reply_path::ReplyPath;
use crate::route::{routes, Route, RouteKind};
use crate::stateless::{recognise_reply, StatelessPayer};
use crate::transport::OnionTransport;

/// What to ask for.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// `invreq_amount` (required when the offer sets no amount).
    pub amount_msat: Option<u64>,
    /// `invreq_quantity` (the builder sets 1 when the offer has `offer_quantity_max`).
    pub quantity: Option<u64>,
    /// `invreq_payer_note`.
    pub payer_note: Option<String>,
    /// How long to wait for an answer along each route.
    pub timeout: Duration,
    /// The time for the expiry checks, seconds since the epoch (`None`: the system clock).
    pub now: Option<u64>,
    /// Derive the payer key and carry the nonce in the reply path (`None`: a fresh random
    /// payer key and `path_id`).
    pub stateless: Option<StatelessPayer>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            amount_msat: None,
            quantity: None,
            payer_note: None,
            timeout: Duration::from_secs(30),
            now: None,
            stateless: None,
        }
    }
}

/// The payer checks made on an invoice before [`fetch_invoice`] returns it.
pub const CHECKS: [&str; 7] = [
    "reply arrived on our reply path (path_id matches)",
    "invoice decodes and meets the invoice reader rules",
    "signature verifies with invoice_node_id",
    "fields 0-159 and 1000000000-2999999999 equal the invoice_request's",
    "invoice_node_id is offer_issuer_id, or the final blinded node id of the offer path used",
    "invoice_amount within the offer's amount times quantity; chain is the request's",
    "invoice not expired",
];

/// An invoice that passed every payer check.
#[derive(Debug, Clone)]
pub struct FetchedInvoice {
    /// The invoice.
    pub invoice: Invoice,
    /// The request it answers.
    pub request: InvoiceRequest,
    /// The route the request took.
    pub route: RouteKind,
    /// The checks made ([`CHECKS`]).
    pub checks: Vec<&'static str>,
    /// Messages dropped while waiting (not replies to this request), with why.
    pub dropped: Vec<DropReason>,
    /// For a stateless payer: the payment id recovered from the invoice.
    pub payment_id: Option<PaymentId>,
}

/// The check a stateless payer adds to [`CHECKS`].
pub const STATELESS_CHECK: &str =
    "recognised statelessly: reply path_id tag verifies, payer key re-derived from its nonce, payment id recovered";

/// What came back on one of our reply paths.
// Matched on at once by the caller: boxing the invoice would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Answer {
    /// An `invoice`, decoded and signature-checked (reader rules) but not yet checked
    /// against the request.
    Invoice {
        /// The invoice.
        invoice: Invoice,
        /// The route whose reply path it came on.
        route: Route,
    },
    /// An `invoice_error`, as [`FetchError::InvoiceError`].
    InvoiceError(FetchError),
}

/// Fetches an invoice for `offer` from its issuer through the connected peer: builds and
/// signs an `invoice_request` with a fresh payer key (BOLT 12: `invreq_metadata` MUST be
/// unpredictable, `invreq_payer_id` transient), sends it, waits, checks.
pub async fn fetch_invoice<T: OnionTransport>(
    conn: &mut T,
    offer: &Offer,
    options: &FetchOptions,
) -> Result<FetchedInvoice, FetchError> {
    let now = now(options)?;
    let (request, path_id) = match &options.stateless {
        None => (build_request(offer, options, now)?, None),
        Some(payer) => {
            let nonce = Nonce::random().map_err(|e| KeyError::Random(e.to_string()))?;
            let request = stateless_payer::request_invoice(
                &payer.expanded_key(),
                &nonce,
                &payer.payment_id,
                offer,
                PayerKeys::Derived,
                |b| configure(b, offer, options),
                now,
            )
            .map_err(|e| FetchError::Build(e.to_string()))?;
            (request, Some(payer.path_id(&nonce)?))
        }
    };
    let (answer, dropped) = exchange(
        conn,
        offer,
        request.tlvs(),
        options,
        path_id.as_ref().map(|p| p.as_slice()),
    )
    .await?;
    let (invoice, route, reply_path_id) = match answer {
        Exchanged::Invoice {
            invoice,
            route,
            path_id,
        } => (invoice, route, path_id),
        Exchanged::InvoiceError(e) => return Err(e),
    };
    check_invoice(&invoice, &request, &route, now)?;
    let mut checks = CHECKS.to_vec();
    let payment_id = match &options.stateless {
        None => None,
        Some(payer) => {
            let id = recognise_reply(payer, &reply_path_id, &invoice)
                .map_err(|e| FetchError::CheckFailed(CheckFailed::NotRecognised(e)))?;
            if id != payer.payment_id {
                return Err(FetchError::CheckFailed(CheckFailed::OtherPaymentId));
            }
            checks.push(STATELESS_CHECK);
            Some(id)
        }
    };
    Ok(FetchedInvoice {
        invoice,
        request,
        route: route.kind,
        checks,
        dropped,
        payment_id,
    })
}

/// The payer checks of `invoice` against `request`, sent along `route`.
pub fn check_invoice(
    invoice: &Invoice,
    request: &InvoiceRequest,
    route: &Route,
    now: u64,
) -> Result<(), FetchError> {
    invoice
        .check_against_request(request, now, &[request.chain()])
        .map_err(|e| FetchError::CheckFailed(CheckFailed::AgainstRequest(e)))?;
    if invoice.node_id() != route.expected_node_id {
        return Err(FetchError::CheckFailed(
            if request.tlvs().offer_issuer_id.is_some() {
                CheckFailed::AgainstRequest(bolt12::PayerCheckError::NodeIdMismatch)
            } else {
                CheckFailed::NodeIdNotPathEnd
            },
        ));
    }
    Ok(())
}

/// The `invoice_request` for `offer` with `options`, signed by a fresh payer key.
pub fn build_request(
    offer: &Offer,
    options: &FetchOptions,
    now: u64,
) -> Result<InvoiceRequest, FetchError> {
    let mut secret = random_secret()?;
    let keys = Keys::new(secret);
    secret.non_secure_erase();
    let metadata = random_bytes::<32>()?;
    let built = (|| {
        let b = InvoiceRequestBuilder::new(offer, metadata.to_vec(), keys.public_key())?;
        configure(b, offer, options).build_and_sign(&keys, now)
    })();
    drop(keys);
    built.map_err(|e| FetchError::Build(e.to_string()))
}

/// The optional fields of `options` on the builder.
fn configure<'a>(
    mut b: InvoiceRequestBuilder<'a>,
    offer: &Offer,
    options: &FetchOptions,
) -> InvoiceRequestBuilder<'a> {
    // Offers for another chain (regtest, testnet) name it; the request must too.
    if let Some(chain) = offer.chains().first() {
        b = b.chain(*chain);
    }
    if let Some(a) = options.amount_msat {
        b = b.amount_msat(a);
    }
    if let Some(q) = options.quantity {
        b = b.quantity(q);
    }
    if let Some(n) = &options.payer_note {
        b = b.payer_note(n.clone());
    }
    b
}

/// Sends the (already signed) `request` along each route of `offer` in turn until an
/// `invoice` or `invoice_error` comes back on one of our reply paths, waiting
/// `options.timeout` on each. The invoice is returned unchecked against the request (the
/// request may be one our builder would refuse, to see what the issuer says): use
/// [`fetch_invoice`], or [`check_invoice`] on what this returns.
pub async fn send_invoice_request<T: OnionTransport>(
    conn: &mut T,
    offer: &Offer,
    request: &InvoiceRequestTlvs,
    options: &FetchOptions,
) -> Result<(Answer, Vec<DropReason>), FetchError> {
    let (answer, dropped) = exchange(conn, offer, request, options, None).await?;
    Ok((
        match answer {
            Exchanged::Invoice { invoice, route, .. } => Answer::Invoice { invoice, route },
            Exchanged::InvoiceError(e) => Answer::InvoiceError(e),
        },
        dropped,
    ))
}

// Matched on at once: boxing the invoice would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Exchanged {
    Invoice {
        invoice: Invoice,
        route: Route,
        path_id: Zeroizing<Vec<u8>>,
    },
    InvoiceError(FetchError),
}

/// [`send_invoice_request`], every reply path carrying `path_id` if given (else a fresh
/// random one each).
async fn exchange<T: OnionTransport>(
    conn: &mut T,
    offer: &Offer,
    request: &InvoiceRequestTlvs,
    options: &FetchOptions,
    path_id: Option<&[u8]>,
) -> Result<(Exchanged, Vec<DropReason>), FetchError> {
    let peer = conn.peer_id();
    let us = conn.node_key().node_id();
    let mut pending: Vec<(ReplyPath, Route)> = Vec::new();
    let mut dropped = Vec::new();
    for route in routes(offer, peer)? {
        let reply = match path_id {
            Some(id) => ReplyPath::with_path_id(peer, us, id)?,
            None => ReplyPath::new(peer, us)?,
        };
        let payload = OnionmsgTlv {
            reply_path: Some(reply.path.clone()),
            invoice_request: Some(request.clone()),
            ..Default::default()
        };
        let keys = SessionKeys::generate()?;
        let out = build_onion_message(
            &keys.path,
            &keys.onion,
            &route.intermediate,
            route.destination.clone(),
            payload,
        )
        .map_err(|e| FetchError::Onion(e.to_string()))?;
        drop(keys);
        if out.first_hop != SciddirOrPubkey::Pubkey(Point::from(peer)) {
            return Err(FetchError::NoRoute(
                "the route does not start at the connected peer",
            ));
        }
        conn.expect_reply(reply.path_id());
        conn.send_onion_message(&out.message)
            .await
            .map_err(FetchError::Disconnected)?;
        pending.push((reply, route));
        let started = lnsocket::rt::Instant::now();
        while let Some(bytes) = recv_before(conn, started, options.timeout)
            .await
            .map_err(FetchError::Disconnected)?
        {
            match read_reply(conn.node_key(), &bytes, &pending) {
                Ok((i, answer)) => {
                    let (reply, route) = pending.swap_remove(i);
                    let path_id = Zeroizing::new(reply.path_id().to_vec());
                    let answer = match into_answer(answer, route)? {
                        Answer::Invoice { invoice, route } => Exchanged::Invoice {
                            invoice,
                            route,
                            path_id,
                        },
                        Answer::InvoiceError(e) => Exchanged::InvoiceError(e),
                    };
                    return Ok((answer, dropped));
                }
                Err(reason) => dropped.push(reason),
            }
        }
    }
    Err(FetchError::Timeout {
        seconds: options.timeout.as_secs(),
        dropped: dropped.len(),
    })
}

/// The next onion message on `conn`, unless `timeout` has passed since `started` first
/// (then `None`): the wait of every exchange that sends one message and awaits its answer.
pub(crate) async fn recv_before<T: OnionTransport>(
    conn: &mut T,
    started: lnsocket::rt::Instant,
    timeout: Duration,
) -> Result<Option<Vec<u8>>, TransportError> {
    let left = timeout.saturating_sub(started.elapsed());
    if left.is_zero() {
        return Ok(None);
    }
    match lnsocket::rt::timeout(left, conn.recv_onion_message()).await {
        Err(_) => Ok(None),
        Ok(received) => received.map(Some),
    }
}

/// A reply payload for us, not yet judged.
pub enum ReplyPayload {
    /// `invoice`.
    Invoice(Box<bolt12::tlv::InvoiceTlvs>),
    /// `invoice_error`.
    InvoiceError(Box<bolt12::tlv::InvoiceErrorTlvs>),
}

/// Peels `bytes` with our key and accepts it only if it arrived on one of `pending`'s reply
/// paths and carries an `invoice` or `invoice_error`; anything else is a [`DropReason`].
/// Nothing is kept either way.
pub fn read_reply<R>(
    key: &NodeKey,
    bytes: &[u8],
    pending: &[(ReplyPath, R)],
) -> Result<(usize, ReplyPayload), DropReason> {
    let peeled = match peel_onion_message_bytes(key.secret(), bytes) {
        Err(e @ onion::PeelError::InvalidPayload(_)) => {
            ldk_framed_invoice_error(key, bytes).ok_or(DropReason::Peel(e))?
        }
        other => other?,
    };
    let received = match peeled {
        Peeled::Forward(_) => return Err(DropReason::Forward),
        Peeled::Receive(r) => r,
    };
    let path_id = received.path_id.as_deref().ok_or(DropReason::NoPathId)?;
    // Every candidate is compared, so the time taken does not say which matched.
    let mut found = None;
    for (i, (reply, _)) in pending.iter().enumerate() {
        if reply.matches(path_id) && found.is_none() {
            found = Some(i);
        }
    }
    let i = found.ok_or(DropReason::UnknownPathId)?;
    match received.payload {
        Some(Payload::Invoice(inv)) => Ok((i, ReplyPayload::Invoice(inv))),
        Some(Payload::InvoiceError(e)) => Ok((i, ReplyPayload::InvoiceError(e))),
        Some(Payload::InvoiceRequest(_)) => Err(DropReason::UnexpectedPayload("invoice_request")),
        None => Err(DropReason::NoPayload),
    }
}

/// Compatibility with LDK (0.2.7): an `invoice_error` in LDK's framing, tried only after the
/// spec reading of `bytes` failed. BOLT 4 puts the `tlv_invoice_error` stream itself in
/// `onionmsg_tlv` type 68; LDK writes its `InvoiceError` there with `write_tlv_fields!`, which
/// prefixes the stream with its length: `bigsize(len) || tlv_invoice_error` (see
/// `onion/tests/ldk_oracle.rs`, and `messenger/tests/ldk_live.rs` for an LDK node answering
/// us so). Accepted only when the message is a final hop for us, record 68's value starts
/// with a BigSize equal to exactly the length of the rest, and the message with that prefix
/// removed is read by the spec reader (every other rule unchanged: the payload is re-wrapped
/// in a one-hop packet to the same blinded key and peeled again) as an `invoice_error`.
fn ldk_framed_invoice_error(key: &NodeKey, bytes: &[u8]) -> Option<Peeled> {
    const INVOICE_ERROR: u64 = 68;
    let msg = onion::message::decode_onion_message(bytes).ok()?;
    let path_key = msg.path_key.to_pubkey().ok()?;
    let mut blinded = onion::blinding::blinded_node_secret(key.secret(), &path_key).ok()?;
    let packet = &msg.onion_message_packet;
    let peeled = onion::sphinx::peel(&blinded, packet, &[]);
    let blinded_id = curve::public_key(&blinded);
    blinded.non_secure_erase();
    let onion::sphinx::Peeled::Final { payload } = peeled.ok()? else {
        return None;
    };
    let mut records = wire::TlvStreamReader::new(&payload, "onionmsg_tlv");
    let mut unframed = Vec::with_capacity(payload.len());
    let mut found = false;
    while let Some(r) = records.next_record().ok()? {
        let mut value = r.value;
        if r.tlv_type == INVOICE_ERROR {
            let mut reader = wire::Reader::new(value);
            let len = reader.bigsize("invoice_error length").ok()?;
            let rest = reader.take_rest();
            if len != rest.len() as u64 {
                return None;
            }
            value = rest;
            found = true;
        }
        wire::write_bigsize(&mut unframed, r.tlv_type);
        wire::write_bigsize(&mut unframed, value.len() as u64);
        unframed.extend_from_slice(value);
    }
    if !found {
        return None;
    }
    let session = random_secret().ok()?;
    let room = packet.len().checked_sub(onion::sphinx::OVERHEAD)?;
    let packet = onion::sphinx::construct(&session, &[blinded_id], &[unframed], room, &[]).ok()?;
    let rewrapped = onion::tlv::OnionMessage {
        path_key: msg.path_key,
        onion_message_packet: packet,
    };
    match onion::message::peel_onion_message(key.secret(), &rewrapped).ok()? {
        p @ Peeled::Receive(onion::message::Received {
            payload: Some(Payload::InvoiceError(_)),
            ..
        }) => Some(p),
        _ => None,
    }
}

fn into_answer(payload: ReplyPayload, route: Route) -> Result<Answer, FetchError> {
    match payload {
        ReplyPayload::InvoiceError(e) => Ok(Answer::InvoiceError(FetchError::InvoiceError {
            message: e.error.clone().unwrap_or_default(),
            erroneous_field: e.erroneous_field,
            suggested_value: e.suggested_value.clone(),
        })),
        ReplyPayload::Invoice(tlvs) => {
            let bytes = tlvs
                .encode()
                .map_err(|e| FetchError::CheckFailed(CheckFailed::Invalid(e.to_string())))?;
            let invoice = Invoice::from_bytes(bytes)
                .map_err(|e| FetchError::CheckFailed(CheckFailed::Invalid(e.to_string())))?;
            Ok(Answer::Invoice { invoice, route })
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn now(options: &FetchOptions) -> Result<u64, FetchError> {
    Ok(options.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }))
}

#[cfg(target_arch = "wasm32")]
fn now(options: &FetchOptions) -> Result<u64, FetchError> {
    options.now.ok_or(FetchError::Build(
        "FetchOptions::now is required on wasm32".into(),
    ))
}
