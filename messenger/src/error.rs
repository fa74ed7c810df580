//! What can go wrong, one enum per concern, each variant naming the problem.
use thiserror::Error;

/// Making keys.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The operating system's random source failed.
    #[error("random source: {0}")]
    Random(String),
    /// Bytes that are not a valid secp256k1 secret key.
    #[error("secret key out of range")]
    OutOfRange,
}

/// The connection failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransportError {
    /// Connecting, the handshake or `init` failed.
    #[error("connect: {0}")]
    Connect(String),
    /// The connection closed (or failed) while sending or receiving.
    #[error("connection closed: {0}")]
    Closed(String),
    /// The peer sent a BOLT 1 `error`.
    #[error("peer sent error: {0}")]
    PeerError(String),
    /// An `onion_message` could not be encoded.
    #[error("encode onion_message: {0}")]
    Encode(String),
    /// Keys could not be made.
    #[error("{0}")]
    Key(#[from] KeyError),
}

/// Why an incoming onion message was dropped (BOLT 4 §"Onion Messages", the reader, and
/// BOLT 12's readers): nothing was answered and no state was kept.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DropReason {
    /// Not an onion message we can peel: bad type, malformed, bad HMAC, bad blinding...
    #[error("unpeelable onion message: {0}")]
    Peel(#[from] onion::PeelError),
    /// The message asks us to forward it; we forward nothing.
    #[error("onion message to forward: we are not a forwarding node")]
    Forward,
    /// For us, but with no `path_id` where one of ours is required (a reply).
    #[error("no path_id: not a reply on one of our reply paths")]
    NoPathId,
    /// For us, with a `path_id` that is none of ours (or of another request).
    #[error("unknown path_id: not a reply to anything we sent")]
    UnknownPathId,
    /// No BOLT 12 payload.
    #[error("onion message carries no invoice_request, invoice or invoice_error")]
    NoPayload,
    /// A payload of the wrong kind for this side (e.g. an `invoice_request` to a payer).
    #[error("unexpected {0} payload")]
    UnexpectedPayload(&'static str),
    /// An `invoice_request` without a `reply_path`: there is no way to answer it.
    #[error("invoice_request without reply_path")]
    NoReplyPath,
    /// The `invoice_request` does not decode or breaks a reader rule so badly it cannot be
    /// answered (e.g. a bad signature: BOLT 12 says reject, not reply).
    #[error("invalid invoice_request: {0}")]
    InvalidRequest(String),
    /// The `invoice_request` is not for any offer of ours.
    #[error("invoice_request is not for one of our offers: {0}")]
    NotOurOffer(String),
    /// The reply path starts at a node we are not connected to (or at a
    /// `short_channel_id` we cannot resolve).
    #[error("reply path starts at {0}, which is not this connection's peer")]
    ReplyPathUnreachable(String),
    /// The reply could not be built.
    #[error("building the reply: {0}")]
    ReplyBuild(String),
    /// Over the per-connection message limit.
    #[error("over the limit of {0} onion messages per connection")]
    RateLimited(u32),
}

/// Which payer check an invoice failed (BOLT 12 §"Invoices", reader, "if the invoice is a
/// response to an `invoice_request`").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CheckFailed {
    /// The invoice does not decode or breaks a reader rule (its signature by
    /// `invoice_node_id` included).
    #[error("invalid invoice: {0}")]
    Invalid(String),
    /// One of bolt12's checks of an invoice against its request.
    #[error("{0}")]
    AgainstRequest(#[from] bolt12::PayerCheckError),
    /// `invoice_node_id` is not the final `blinded_node_id` of the offer path the request
    /// went along (offers without `offer_issuer_id`).
    #[error("invoice_node_id is not the final blinded node id of the offer path used")]
    NodeIdNotPathEnd,
    /// A stateless payer's invoice is not recognised from its reply path's nonce.
    #[error("stateless recognition: {0}")]
    NotRecognised(crate::stateless::RecogniseError),
    /// It is recognised but for another payment id.
    #[error("stateless recognition: the invoice is for another payment id")]
    OtherPaymentId,
}

/// Why `fetch_invoice` failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// The issuer answered with an `invoice_error` (BOLT 12 §"Invoice Errors").
    #[error("invoice_error: {message}")]
    InvoiceError {
        /// `error`, the issuer's explanation (empty if absent).
        message: String,
        /// `erroneous_field`, the TLV type it objects to.
        erroneous_field: Option<u64>,
        /// `suggested_value` for that field.
        suggested_value: Option<Vec<u8>>,
    },
    /// No answer in time (after trying every route).
    #[error("no invoice after {seconds} s ({dropped} unrelated messages dropped)")]
    Timeout {
        /// The timeout of each attempt, in seconds.
        seconds: u64,
        /// How many messages were dropped meanwhile.
        dropped: usize,
    },
    /// The invoice failed a payer check.
    #[error("invoice check failed: {0}")]
    CheckFailed(CheckFailed),
    /// The offer gives no way to reach its issuer from this peer.
    #[error("no route to the offer's issuer: {0}")]
    NoRoute(&'static str),
    /// The offer is not one we can request an invoice for.
    #[error("invalid offer: {0}")]
    InvalidOffer(String),
    /// The invoice request could not be built (e.g. an amount below the offer's, or
    /// missing where the offer sets none).
    #[error("building the invoice_request: {0}")]
    Build(String),
    /// The onion message could not be built.
    #[error("building the onion message: {0}")]
    Onion(String),
    /// The connection closed.
    #[error("disconnected: {0}")]
    Disconnected(TransportError),
    /// Keys could not be made.
    #[error("{0}")]
    Key(#[from] KeyError),
}
