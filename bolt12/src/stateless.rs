//! Stateless offers, invoice requests and invoices: recognising our own messages from a
//! 32-byte secret, a 16-byte nonce and an HMAC over the message's TLV records, with no
//! storage. Byte-for-byte compatible with LDK's offers signer (`lightning` 0.2.7,
//! `offers/signer.rs`), so one seed works in either.
//!
//! # Keys ([`keys`])
//!
//! `key_material` (32 bytes) is expanded with HKDF-SHA256 (RFC 5869): salt
//! `"LDK Inbound Payment Key Expansion"`, IKM `key_material`, empty info, 192 bytes of output
//! split into six 32-byte keys `T(1)..T(6)`. We use four of them:
//!
//! | key | OKM block | used for |
//! | --- | --- | --- |
//! | `metadata_key` | `T(1)` | encrypting the payment metadata in a payment secret ([`payment`]) |
//! | `payment_hash_key` | `T(2)` | deriving payment preimages ([`payment`]) |
//! | `offers_base_key` | `T(4)` | the HMAC key of every message HMAC below |
//! | `offers_encryption_key` | `T(5)` | ChaCha20 encryption of payment ids (RFC 8439) |
//!
//! # The message HMAC ([`derivation`])
//!
//! ```text
//! HMAC-SHA256(offers_base_key,
//!     IV (16 bytes, per message kind)
//!  || nonce (16 bytes)
//!  || the message's TLV records in type order, verbatim, minus the excluded ones
//!  || OUTPUT TAG: [1; 16] when the HMAC is stored in the metadata,
//!                 [2; 16] when the HMAC is itself the signing secret key
//!  || [3; 16]                                   (offers: no payment id)
//!     or [4; 16] || encrypted payment id        (invoice requests))
//! ```
//!
//! | message | IV | records hashed | metadata | signing key |
//! | --- | --- | --- | --- | --- |
//! | offer, explicit metadata | `"LDK Offer ~~~~~~"` | offer types except `offer_metadata` (4) | `offer_metadata = nonce ‖ HMAC` | `offer_issuer_id` = node id |
//! | offer, derived key | `"LDK Offer v2~~~~"` | offer types except 4 and `offer_issuer_id` (22) | none; the nonce rides in the blinded path's context | `offer_issuer_id` = pubkey of secret HMAC |
//! | invreq, derived payer key | `"LDK Invreq ~~~~~"` | invreq types (0–159, 1e9–3e9) except `invreq_metadata` (0) and `invreq_payer_id` (88) | `invreq_metadata = encrypted payment id`; the nonce rides in the reply path's context | `invreq_payer_id` = pubkey of secret HMAC |
//! | invreq, explicit payer key | `"LDK Invreq ~~~~~"` | invreq types except 0 | `invreq_metadata = encrypted payment id ‖ nonce ‖ HMAC` | `invreq_payer_id` = the payer's key |
//! | refund, explicit payer key (LDK: no paths) | `"LDK Refund ~~~~~"` | invreq types except 0 | `invreq_metadata = encrypted payment id ‖ nonce ‖ HMAC` | `invreq_payer_id` = the node id |
//! | refund, derived payer key (LDK: with paths) | `"LDK Refund v2~~~"` | invreq types except 0 and 88 | `invreq_metadata = encrypted payment id`; the nonce rides in the path's context | `invreq_payer_id` = pubkey of secret HMAC |
//!
//! "Offer types" are 1–79 and 1000000000–1999999999 (BOLT 12 §Offers), so unknown offer
//! records count too: an invoice request copies them verbatim.
//!
//! The encrypted payment id is `payment_id XOR ChaCha20(offers_encryption_key, nonce)[0..32]`,
//! where the 16-byte nonce fills the ChaCha20 state's words 12–15 (block counter and
//! 96-bit nonce, RFC 8439 §2.3).
//!
//! Recognition recomputes the HMAC from the received message and compares it, or the public
//! key of the secret it forms, in constant time (`subtle`).
//!
//! # The blinded-path context
//!
//! With derived keys LDK carries the nonce (and, for payers, the payment id) in the
//! encrypted recipient data of the blinded path the message arrives on. Blinded-path
//! encryption is not part of this crate: the nonce is an explicit input to
//! [`issuer::verify_request`] and [`payer::verify_invoice`].
//!
//! # Modules
//!
//! - [`keys`]: [`ExpandedKey`], [`Nonce`], [`PaymentId`].
//! - [`derivation`]: the HMAC above and its constant-time checks.
//! - [`issuer`]: offers with derived metadata or keys, recognising invoice requests,
//!   answering them with an invoice signed by the derived key.
//! - [`payer`]: invoice requests with encrypted payment ids, recognising invoices.
//! - [`refund`]: refunds with encrypted payment ids (LDK `RefundBuilder::deriving_signing_pubkey`),
//!   recognising the invoices that answer them.
//! - [`payment`]: stateless payment hashes, LDK's `inbound_payment` scheme.
//! - [`report`]: what the `bolt12 stateless` commands print.

mod chacha;
pub mod derivation;
pub mod issuer;
pub mod keys;
pub mod payer;
pub mod payment;
pub mod refund;
pub mod report;

pub use derivation::Mismatch;
pub use issuer::{IssuerKeys, RequestKeys, VerifiedRequest};
pub use keys::{ExpandedKey, Nonce, PaymentId, KEY_MATERIAL_LEN};
pub use payer::PayerKeys;
pub use payment::{PaymentPreimage, PaymentSecret};

use thiserror::Error;

/// Why a stateless message could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StatelessBuildError {
    /// The builder already carries `offer_metadata`; the derivation sets it.
    #[error("offer_metadata is set by the stateless derivation; do not set it on the builder")]
    MetadataAlreadySet,
    /// An offer without paths names the node id as issuer: give it.
    #[error("an offer without paths needs the node id as offer_issuer_id")]
    NodeIdNeeded,
    /// The HMAC is not a valid secp256k1 secret key (probability about 2^-128).
    #[error("the derived secret key is out of range; use another nonce")]
    DerivedKeyOutOfRange,
    /// The underlying builder refused.
    #[error("{0}")]
    Build(#[from] crate::BuildError),
    /// A payment hash could not be derived.
    #[error("{0}")]
    Payment(#[from] payment::PaymentError),
}

/// Why a received message is not recognised as ours.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The invoice request or invoice does not answer an offer.
    #[error("the message does not answer an offer")]
    NotForOffer,
    /// The offer has no `offer_issuer_id`, so no key of ours can sign for it.
    #[error("offer_issuer_id is missing")]
    MissingIssuerId,
    /// There is no metadata to recognise the message by (and no nonce was given).
    #[error("{0} is missing")]
    MissingMetadata(&'static str),
    /// A nonce was given (derived issuer key) but the offer carries `offer_metadata`, which
    /// our derived offers never do.
    #[error("offer_metadata is present but the offer's key is derived")]
    UnexpectedMetadata,
    /// The metadata or nonce does not match the message under our key.
    #[error("{field}: {mismatch}")]
    Mismatch {
        /// The field whose derivation failed.
        field: &'static str,
        /// What failed.
        mismatch: Mismatch,
    },
}
