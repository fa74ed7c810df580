//! The issuer: an embeddable invoice-request responder (BOLT 12 §"Invoice Requests",
//! reader; §"Invoices", writer; §"Invoice Errors"), in the shape of the Commando server:
//! share one [`Responder`] between the tasks serving each connection ([`Responder::serve`]),
//! or hand it each `onion_message` yourself ([`Responder::handle`]).
//!
//! Offers are made stateless (`bolt12::stateless`, LDK-compatible): `offer_issuer_id` is our
//! node id and `offer_metadata` = nonce ‖ HMAC, so a request is recognised from its own
//! offer fields with no storage. An offer may also carry one blinded path whose introduction
//! node is us, or a node we are connected to (then: it -> us); its `path_id` is derived
//! from the key material, so a request that came along it is recognised the same way.
//! Invoices are signed by the node key, with a stateless payment hash and the caller's
//! blinded payment paths (see `onion::payment_path`), or (no channels) a dummy one-hop path
//! to us carrying the payment secret, as Core Lightning does. Answers go along the request's
//! `reply_path` (BOLT 4 §"Onion Messages"), through the connected peer when the path starts
//! elsewhere. Nothing is kept per request; per connection only a token bucket bounds the
//! work a flood can cause.
use std::time::Duration;

use bolt12::stateless::issuer::{self, InvoiceParams, IssuerKeys};
use bolt12::stateless::{payment, ExpandedKey, Nonce};
use bolt12::tlv::{BlindedPath, BlindedPayinfo, InvoiceErrorTlvs, InvoiceRequestTlvs};
use bolt12::{InvoiceRequest, Offer, OfferBuilder, ParseError, SemanticError};
use hmac::{Hmac, Mac};
use onion::blinding::{create_blinded_path, pad_to_equal_length, BlindHop};
use onion::message::{build_onion_message, peel_onion_message, NextHop, Payload, Peeled};
use onion::tlv::{EncryptedDataTlv, OnionMessage, OnionmsgTlv};
use secp256k1::PublicKey;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use wire::{Point, SciddirOrPubkey};
use zeroize::Zeroizing;

use crate::error::{DropReason, KeyError, TransportError};
use crate::keys::{random_bytes, random_secret, NodeKey, SessionKeys};
use crate::transport::OnionTransport;

/// TLV types named in our `invoice_error`s' `erroneous_field`.
const INVREQ_CHAIN: u64 = 80;
const INVREQ_AMOUNT: u64 = 82;
const INVREQ_QUANTITY: u64 = 86;

/// Self-hops of a reply path starting at us that we peel before sending.
const MAX_SELF_HOPS: usize = 4;

/// How the responder answers and what it tolerates.
#[derive(Debug, Clone)]
pub struct ResponderConfig {
    /// `invoice_paths` with their `blinded_payinfo`; `None`: a dummy one-hop path to us.
    pub payment_paths: Option<Vec<(BlindedPath, BlindedPayinfo)>>,
    /// `invoice_relative_expiry` in seconds.
    pub relative_expiry: u32,
    /// `cltv_expiry_delta` of the dummy path's `blinded_payinfo`.
    pub dummy_cltv_expiry_delta: u16,
    /// Onion messages a connection may send in a burst.
    pub burst: u32,
    /// Onion messages per second a connection may send after its burst.
    pub per_second: u32,
}

impl Default for ResponderConfig {
    fn default() -> Self {
        ResponderConfig {
            payment_paths: None,
            relative_expiry: issuer::DEFAULT_RELATIVE_EXPIRY,
            dummy_cltv_expiry_delta: 18,
            burst: 64,
            per_second: 16,
        }
    }
}

/// Why an offer could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    /// The stateless derivation or the builder refused.
    #[error("{0}")]
    Build(#[from] bolt12::stateless::StatelessBuildError),
    /// The offer path could not be built.
    #[error("offer path: {0}")]
    Path(#[from] onion::BlindingError),
    /// Keys could not be made.
    #[error("{0}")]
    Key(#[from] KeyError),
}

/// What [`Responder::handle`] produced: the message to send, and to whom.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The peer to hand it to.
    pub next_hop: PublicKey,
    /// The `onion_message`.
    pub message: OnionMessage,
    /// An invoice, or an `invoice_error` with this text.
    pub kind: ReplyKind,
}

/// What a reply carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyKind {
    /// A signed invoice (its string form).
    Invoice(String),
    /// An `invoice_error` with this `error`.
    InvoiceError(String),
}

/// What a connection's [`Responder::serve`] did, once the peer left.
#[derive(Debug, Clone, Default)]
pub struct ServeReport {
    /// Replies sent.
    pub replies: Vec<ReplyKind>,
    /// Messages dropped, with why (the last [`ServeReport::KEPT`]).
    pub dropped: Vec<DropReason>,
    /// How many messages were dropped in all.
    pub dropped_total: usize,
    /// How the connection ended.
    pub end: Option<TransportError>,
}

impl ServeReport {
    /// How many drop reasons are kept (the state a connection can cost is bounded).
    pub const KEPT: usize = 32;
}

/// The responder for one node identity.
pub struct Responder {
    node: NodeKey,
    key: ExpandedKey,
    offer_path_id: Zeroizing<[u8; 32]>,
    config: ResponderConfig,
}

impl Responder {
    /// A responder for `node`, recognising its offers with `key_material` (32 bytes, the
    /// same as LDK's inbound payment key material).
    pub fn new(
        node: NodeKey,
        key_material: &[u8; 32],
        config: ResponderConfig,
    ) -> Result<Self, KeyError> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key_material)
            .map_err(|_| KeyError::OutOfRange)?;
        mac.update(b"messenger offer path_id v1");
        let offer_path_id = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
        Ok(Responder {
            node,
            key: ExpandedKey::new(key_material),
            offer_path_id,
            config,
        })
    }

    /// Our node id (`offer_issuer_id` of our offers).
    pub fn node_id(&self) -> PublicKey {
        self.node.node_id()
    }

    /// The node key (for the lnsocket listener).
    pub fn node_key(&self) -> &NodeKey {
        &self.node
    }

    /// An offer with `offer_issuer_id` = our node id, recognisable statelessly.
    pub fn create_offer(&self, builder: OfferBuilder) -> Result<Offer, OfferError> {
        let nonce = Nonce::random().map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(issuer::create_offer(
            &self.key,
            &nonce,
            builder,
            IssuerKeys::Explicit {
                node_id: Point::from(self.node_id()),
            },
        )?)
    }

    /// [`Responder::create_offer`] with one blinded path added to `offer_paths` (after any
    /// the builder has): introduction node us, one hop, `path_id` derived from the key
    /// material. Requests for it must come along one of our paths.
    pub fn create_offer_with_path(&self, builder: OfferBuilder) -> Result<Offer, OfferError> {
        self.create_offer_with_path_via(builder, self.node_id())
    }

    /// [`Responder::create_offer_with_path`] with `introduction` as the path's
    /// introduction node (BOLT 4 §"Route Blinding"): a node we are connected to, e.g. a
    /// public node that hides us behind it. The path is `introduction` (its data:
    /// `next_node_id` = us) -> us (`path_id` derived from the key material), both hops
    /// padded to the same length; with `introduction` = us it is the one-hop path.
    /// Answers go back along the request's reply path, through the connected peer when
    /// that path starts elsewhere ([`Responder::handle_from`]).
    pub fn create_offer_with_path_via(
        &self,
        builder: OfferBuilder,
        introduction: PublicKey,
    ) -> Result<Offer, OfferError> {
        let ours = EncryptedDataTlv {
            path_id: Some(self.offer_path_id.to_vec()),
            ..Default::default()
        };
        let hops = if introduction == self.node_id() {
            vec![BlindHop {
                node_id: self.node_id(),
                data: ours,
            }]
        } else {
            let mut data = [
                EncryptedDataTlv {
                    next_node_id: Some(Point::from(self.node_id())),
                    ..Default::default()
                },
                ours,
            ];
            pad_to_equal_length(&mut data)?;
            let [first, last] = data;
            vec![
                BlindHop {
                    node_id: introduction,
                    data: first,
                },
                BlindHop {
                    node_id: self.node_id(),
                    data: last,
                },
            ]
        };
        let mut session = random_secret()?;
        let path = create_blinded_path(&session, &hops);
        session.non_secure_erase();
        let mut paths = builder.tlvs().offer_paths.clone().unwrap_or_default();
        paths.push(path?);
        self.create_offer(builder.paths(paths))
    }

    /// Handles one `onion_message` (bytes with its type) that reached us: the reply to send,
    /// or why there is none. `now` is seconds since the epoch. The reply goes to the first
    /// node of the request's reply path (after any hops at us): see
    /// [`Responder::handle_from`] to send it through the connected peer.
    pub fn handle(&self, bytes: &[u8], now: u64) -> Result<Reply, DropReason> {
        self.handle_via(bytes, now, None)
    }

    /// [`Responder::handle`] for a message that came from `peer`: a reply path that starts
    /// at another node (the payer's own node, say, when our offer path is introduced by
    /// `peer`) is reached through `peer`, one clear hop before the blinded path (BOLT 4
    /// §"Onion Messages": the writer may prepend hops to a blinded path).
    pub fn handle_from(
        &self,
        bytes: &[u8],
        now: u64,
        peer: PublicKey,
    ) -> Result<Reply, DropReason> {
        self.handle_via(bytes, now, Some(peer))
    }

    fn handle_via(
        &self,
        bytes: &[u8],
        now: u64,
        via: Option<PublicKey>,
    ) -> Result<Reply, DropReason> {
        let msg = onion::message::decode_onion_message(bytes)?;
        let received = match peel_onion_message(self.node.secret(), &msg)? {
            Peeled::Forward(_) => return Err(DropReason::Forward),
            Peeled::Receive(r) => r,
        };
        let came_on_offer_path = match received.path_id.as_deref() {
            None => false,
            Some(id) if bool::from(id.ct_eq(self.offer_path_id.as_slice())) => true,
            Some(_) => return Err(DropReason::UnknownPathId),
        };
        let tlvs = match received.payload {
            Some(Payload::InvoiceRequest(r)) => r,
            Some(Payload::Invoice(_)) => return Err(DropReason::UnexpectedPayload("invoice")),
            Some(Payload::InvoiceError(_)) => {
                return Err(DropReason::UnexpectedPayload("invoice_error"))
            }
            None => return Err(DropReason::NoPayload),
        };
        let reply_path = received.reply_path.ok_or(DropReason::NoReplyPath)?;
        let payload = match self.answer(&tlvs, came_on_offer_path, now)? {
            Ok(invoice) => {
                let kind = ReplyKind::Invoice(invoice.to_string());
                (
                    OnionmsgTlv {
                        invoice: Some(invoice.tlvs().clone()),
                        ..Default::default()
                    },
                    kind,
                )
            }
            Err(error) => {
                let kind = ReplyKind::InvoiceError(error.error.clone().unwrap_or_default());
                (
                    OnionmsgTlv {
                        invoice_error: Some(error),
                        ..Default::default()
                    },
                    kind,
                )
            }
        };
        self.send_along(reply_path, payload.0, payload.1, via)
    }

    /// The invoice for a request of ours, an `invoice_error` for one we refuse, or a drop.
    #[allow(clippy::type_complexity)]
    fn answer(
        &self,
        tlvs: &InvoiceRequestTlvs,
        came_on_offer_path: bool,
        now: u64,
    ) -> Result<Result<bolt12::Invoice, InvoiceErrorTlvs>, DropReason> {
        let bytes = tlvs
            .encode()
            .map_err(|e| DropReason::InvalidRequest(e.to_string()))?;
        let request = match InvoiceRequest::from_bytes(bytes) {
            Ok(r) => r,
            // A bad signature or encoding: reject without a word (nothing shows the payer
            // holds invreq_payer_id).
            Err(
                e @ (ParseError::Semantic(SemanticError::InvalidSignature { .. })
                | ParseError::Decode(_)
                | ParseError::String(_)
                | ParseError::WrongPrefix { .. }),
            ) => return Err(DropReason::InvalidRequest(e.to_string())),
            Err(ParseError::Semantic(e)) => return Ok(Err(invoice_error(&e))),
        };
        let verified = issuer::verify_request(&self.key, &request, None)
            .map_err(|e| DropReason::NotOurOffer(e.to_string()))?;
        // §"Invoice Requests", reader: the request must come the way the offer said.
        let has_paths = request.tlvs().offer_paths.is_some();
        if has_paths != came_on_offer_path {
            return Err(DropReason::NotOurOffer(if has_paths {
                "the offer has offer_paths but the request did not come along one".into()
            } else {
                "the request came along a blinded path but the offer has none".into()
            }));
        }
        let Some(amount) = request.expected_amount_msat() else {
            return Ok(Err(error_tlvs(
                "offer priced in a currency: we cannot convert it".into(),
                None,
            )));
        };
        let iv = random_bytes::<16>().map_err(|e| DropReason::ReplyBuild(e.to_string()))?;
        let paths = match &self.config.payment_paths {
            Some(p) => p.clone(),
            None => self
                .dummy_payment_path(amount, &iv, now)
                .map_err(DropReason::ReplyBuild)?,
        };
        let params = InvoiceParams {
            created_at: now,
            relative_expiry: self.config.relative_expiry,
            paths,
            payment_iv: *iv,
            amount_msat: None,
        };
        let node = self.node.keys();
        let made = issuer::respond(&self.key, &verified, Some(&node), params);
        drop(node);
        match made {
            Ok(m) => Ok(Ok(m.invoice)),
            Err(bolt12::stateless::StatelessBuildError::Build(
                e @ bolt12::BuildError::OfferExpired { .. },
            )) => Ok(Err(error_tlvs(e.to_string(), None))),
            Err(e) => Err(DropReason::ReplyBuild(e.to_string())),
        }
    }

    /// A one-hop blinded payment path to us whose recipient data holds the payment secret
    /// (the payment arrives to us alone: there are no channels to relay through).
    fn dummy_payment_path(
        &self,
        amount: u64,
        iv: &[u8; 16],
        now: u64,
    ) -> Result<Vec<(BlindedPath, BlindedPayinfo)>, String> {
        let (_, secret) = payment::create(
            &self.key,
            Some(amount),
            self.config.relative_expiry,
            iv,
            now,
        )
        .map_err(|e| e.to_string())?;
        let data = EncryptedDataTlv {
            path_id: Some(secret.0.to_vec()),
            ..Default::default()
        };
        let mut session = random_secret().map_err(|e| e.to_string())?;
        let path = create_blinded_path(
            &session,
            &[BlindHop {
                node_id: self.node_id(),
                data,
            }],
        );
        session.non_secure_erase();
        let info = BlindedPayinfo {
            fee_base_msat: 0,
            fee_proportional_millionths: 0,
            cltv_expiry_delta: self.config.dummy_cltv_expiry_delta,
            htlc_minimum_msat: 0,
            htlc_maximum_msat: amount,
            features: Vec::new(),
        };
        Ok(vec![(path.map_err(|e| e.to_string())?, info)])
    }

    /// Builds the onion message along `reply_path`. A reply path introduced by us (Core
    /// Lightning's when it is not in the gossip: [us, it]) is peeled here first; one
    /// introduced by a node that is neither us nor `via` is reached through `via`.
    fn send_along(
        &self,
        reply_path: BlindedPath,
        payload: OnionmsgTlv,
        kind: ReplyKind,
        via: Option<PublicKey>,
    ) -> Result<Reply, DropReason> {
        let intro = match &reply_path.first_node_id {
            SciddirOrPubkey::Pubkey(p) => p.to_pubkey().ok(),
            _ => None,
        };
        let intermediate: Vec<PublicKey> = match (via, intro) {
            (Some(v), Some(i)) if i != v && i != self.node_id() => vec![v],
            _ => Vec::new(),
        };
        let keys = SessionKeys::generate().map_err(|e| DropReason::ReplyBuild(e.to_string()))?;
        let out = build_onion_message(
            &keys.path,
            &keys.onion,
            &intermediate,
            onion::message::Destination::BlindedPath(reply_path),
            payload,
        )
        .map_err(|e| DropReason::ReplyBuild(e.to_string()))?;
        drop(keys);
        let SciddirOrPubkey::Pubkey(first) = out.first_hop else {
            return Err(DropReason::ReplyPathUnreachable(
                "a short_channel_id (we have no gossip to resolve it)".into(),
            ));
        };
        let mut next = first
            .to_pubkey()
            .map_err(|_| DropReason::ReplyPathUnreachable("an invalid point".into()))?;
        let mut message = out.message;
        for _ in 0..MAX_SELF_HOPS {
            if next != self.node_id() {
                return Ok(Reply {
                    next_hop: next,
                    message,
                    kind,
                });
            }
            match peel_onion_message(self.node.secret(), &message) {
                Ok(Peeled::Forward(f)) => {
                    let NextHop::NodeId(n) = f.next_hop else {
                        return Err(DropReason::ReplyPathUnreachable(
                            "a short_channel_id after us".into(),
                        ));
                    };
                    next = n;
                    message = f.message;
                }
                Ok(Peeled::Receive(_)) => {
                    return Err(DropReason::ReplyBuild("the reply path ends at us".into()))
                }
                Err(e) => return Err(DropReason::ReplyBuild(e.to_string())),
            }
        }
        Err(DropReason::ReplyBuild(format!(
            "the reply path loops through us more than {MAX_SELF_HOPS} times"
        )))
    }

    /// Serves one connection until it closes: every `onion_message` is handled, replies
    /// going to this peer are sent, everything else is dropped (counted, the last
    /// [`ServeReport::KEPT`] reasons kept).
    pub async fn serve<T: OnionTransport>(&self, conn: &mut T) -> ServeReport {
        let mut report = ServeReport::default();
        let mut bucket = Bucket::new(self.config.burst, self.config.per_second);
        let peer = conn.peer_id();
        loop {
            let bytes = match conn.recv_onion_message().await {
                Ok(b) => b,
                Err(e) => {
                    report.end = Some(e);
                    return report;
                }
            };
            let outcome = if bucket.take() {
                self.handle_from(&bytes, now_secs(), peer)
            } else {
                Err(DropReason::RateLimited(self.config.burst))
            };
            match outcome {
                Ok(reply) if reply.next_hop == peer => {
                    if let Err(e) = conn.send_onion_message(&reply.message).await {
                        report.end = Some(e);
                        return report;
                    }
                    report.replies.push(reply.kind);
                    if report.replies.len() > ServeReport::KEPT {
                        report.replies.remove(0);
                    }
                }
                Ok(reply) => {
                    report.drop(DropReason::ReplyPathUnreachable(reply.next_hop.to_string()))
                }
                Err(reason) => report.drop(reason),
            }
        }
    }
}

impl ServeReport {
    fn drop(&mut self, reason: DropReason) {
        self.dropped_total += 1;
        if self.dropped.len() == Self::KEPT {
            self.dropped.remove(0);
        }
        self.dropped.push(reason);
    }
}

/// The `invoice_error` for a request that breaks a reader rule (BOLT 12 §"Invoice Errors":
/// `erroneous_field` names the field when one is to blame).
fn invoice_error(e: &SemanticError) -> InvoiceErrorTlvs {
    let field = match e {
        SemanticError::InsufficientAmount { .. } | SemanticError::AmountOverflow(_) => {
            Some(INVREQ_AMOUNT)
        }
        SemanticError::UnexpectedQuantity
        | SemanticError::MissingQuantity
        | SemanticError::InvalidQuantity { .. } => Some(INVREQ_QUANTITY),
        SemanticError::ChainNotInOffer => Some(INVREQ_CHAIN),
        _ => None,
    };
    error_tlvs(e.to_string(), field)
}

fn error_tlvs(message: String, erroneous_field: Option<u64>) -> InvoiceErrorTlvs {
    InvoiceErrorTlvs {
        erroneous_field,
        suggested_value: None,
        error: Some(message),
        unknown: Vec::new(),
    }
}

/// A token bucket: `burst` messages at once, then `per_second`.
struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: lnsocket::rt::Instant,
}

impl Bucket {
    fn new(burst: u32, per_second: u32) -> Self {
        Bucket {
            tokens: f64::from(burst),
            burst: f64::from(burst),
            per_second: f64::from(per_second),
            last: lnsocket::rt::Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let elapsed: Duration = self.last.elapsed();
        self.last = lnsocket::rt::Instant::now();
        self.tokens = (self.tokens + elapsed.as_secs_f64() * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(target_arch = "wasm32")]
fn now_secs() -> u64 {
    0
}
