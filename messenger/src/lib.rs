//! BOLT 12 over BOLT 4 onion messages, over one lnsocket peer connection.
//!
//! - [`payer`]: [`fetch_invoice`]: an `invoice_request` (BOLT 12 §"Invoice Requests") sent
//!   as an onion message (BOLT 4 §"Onion Messages") to the offer's issuer, straight when
//!   the issuer is the connected peer, else through it (to `offer_issuer_id` or along each
//!   `offer_paths` entry in turn), with a reply path peer -> us; the `invoice` that comes
//!   back is checked against the request (BOLT 12 §"Invoices", reader) before it is
//!   returned; an `invoice_error` (§"Invoice Errors") is [`FetchError::InvoiceError`].
//! - [`responder`]: [`Responder`]: answers invoice requests for offers it made, recognised
//!   statelessly (`bolt12::stateless`), with a signed invoice or an `invoice_error`, along
//!   the request's reply path.
//! - [`stateless`]: the stateless payer: derived payer keys, the nonce in the reply path's
//!   `path_id`, replies recognised from what arrives alone.
//! - [`route`]: where a request goes; [`reply_path`]: the reply paths and their `path_id`s.
//! - [`transport`]: the [`OnionTransport`] trait and [`OnionPeer`] over lnsocket.
//! - [`pump`]: the task that owns a connection and routes what arrives; [`hub`]: its
//!   onion messages shared by several users at once (concurrent fetches, a responder),
//!   replies matched by their reply path's `path_id`.
//! - [`keys`]: our node key and one-use random keys, erased on drop.
//! - [`memory`]: an in-process transport pair.
//!
//! With the feature `io` (default) off, only the sans-IO parts are built: [`InvoiceFetch`]
//! (what [`fetch_invoice`] drives), routes, reply paths, keys, the stateless payer and the
//! errors; no transport, `responder`, `send_invoice`, `pump`, `hub` or `memory`, and
//! lnsocket without its `io` (the npm package's `fetchInvoice` is built that way).
//!
//! Whatever is not an answer we await, or a request we can answer, is dropped with a
//! [`DropReason`] and leaves no state.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
#[cfg(feature = "io")]
pub mod hub;
pub mod keys;
#[cfg(feature = "io")]
pub mod memory;
pub mod payer;
#[cfg(feature = "io")]
pub mod pump;
pub mod reply_path;
#[cfg(feature = "io")]
pub mod responder;
pub mod route;
#[cfg(feature = "io")]
pub mod send_invoice;
pub mod stateless;
#[cfg(feature = "io")]
pub mod transport;

pub use error::{CheckFailed, DropReason, FetchError, KeyError, TransportError};
#[cfg(feature = "io")]
pub use hub::{HubTransport, OnionHub};
pub use keys::NodeKey;
#[cfg(feature = "io")]
pub use payer::fetch_invoice;
pub use payer::{FetchOptions, FetchedInvoice, InvoiceFetch};
#[cfg(feature = "io")]
pub use responder::{Responder, ResponderConfig};
#[cfg(feature = "io")]
pub use transport::{OnionPeer, OnionTransport};
