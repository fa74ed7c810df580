//! The message HMAC of the stateless scheme and its constant-time checks (LDK 0.2.7
//! `offers/signer.rs`: `MetadataMaterial`, `verify_recipient_metadata`,
//! `verify_payer_metadata`).
//!
//! ```text
//! HMAC-SHA256(offers_base_key, IV || nonce || records || OUTPUT TAG || PAYMENT-ID PART)
//! OUTPUT TAG     = [1; 16]  the HMAC is stored in the metadata after the nonce
//!                | [2; 16]  the HMAC is the signing secret key (nothing stored)
//! PAYMENT-ID PART = [3; 16]                          (offers)
//!                 | [4; 16] || encrypted payment id  (invoice requests)
//! ```
use curve::Keys;
use hmac::{Hmac, Mac};
use secp256k1::PublicKey;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use thiserror::Error;
use wire::{Point, TlvStreamReader};
use zeroize::Zeroize;

use super::keys::{ExpandedKey, Nonce, PaymentId};

/// IV of offers whose `offer_metadata` holds nonce and HMAC (LDK `IV_BYTES_WITH_METADATA`).
pub const IV_OFFER_WITH_METADATA: &[u8; 16] = b"LDK Offer ~~~~~~";
/// IV of offers whose issuer key is derived (LDK `IV_BYTES_WITHOUT_METADATA`).
pub const IV_OFFER_DERIVED_KEY: &[u8; 16] = b"LDK Offer v2~~~~";
/// IV of invoice requests (LDK `invoice_request::IV_BYTES`).
pub const IV_INVOICE_REQUEST: &[u8; 16] = b"LDK Invreq ~~~~~";
/// IV of refunds whose `invreq_metadata` holds nonce and HMAC (LDK
/// `refund::IV_BYTES_WITH_METADATA`).
pub const IV_REFUND_WITH_METADATA: &[u8; 16] = b"LDK Refund ~~~~~";
/// IV of refunds whose payer key is derived (LDK `refund::IV_BYTES_WITHOUT_METADATA`).
pub const IV_REFUND_DERIVED_KEY: &[u8; 16] = b"LDK Refund v2~~~";

const TAG_STORED: [u8; 16] = [1; 16];
const TAG_SIGNING_KEY: [u8; 16] = [2; 16];
const TAG_WITHOUT_PAYMENT_ID: [u8; 16] = [3; 16];
const TAG_WITH_PAYMENT_ID: [u8; 16] = [4; 16];

/// `offer_metadata`.
pub const OFFER_METADATA_TYPE: u64 = 4;
/// `offer_issuer_id`.
pub const OFFER_ISSUER_ID_TYPE: u64 = 22;
/// `invreq_metadata`.
pub const INVREQ_METADATA_TYPE: u64 = 0;
/// `invreq_payer_id`.
pub const INVREQ_PAYER_ID_TYPE: u64 = 88;

/// Offer TLV types: 1–79 and 1000000000–1999999999 (BOLT 12 §Offers).
pub fn is_offer_type(t: u64) -> bool {
    (1..80).contains(&t) || (1_000_000_000..2_000_000_000).contains(&t)
}

/// Invoice request TLV types: 0–159 and 1000000000–2999999999 (BOLT 12 §"Invoice Requests").
pub fn is_invreq_type(t: u64) -> bool {
    t < 160 || (1_000_000_000..3_000_000_000).contains(&t)
}

/// What the HMAC becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Stored in the metadata after the nonce (tag `[1; 16]`).
    Stored,
    /// The secret key whose public key signs the message (tag `[2; 16]`).
    SigningKey,
}

/// Why a message's metadata or key does not derive from our key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Mismatch {
    /// Too short to hold what the layout needs (at least the nonce).
    #[error("metadata of {0} bytes is too short")]
    TooShort(usize),
    /// Neither the derived-key layout nor nonce + 32-byte HMAC.
    #[error("metadata of {0} bytes has no stateless layout")]
    BadLength(usize),
    /// The stored HMAC is not the one our key computes.
    #[error("HMAC does not match")]
    Hmac,
    /// The signing key is not the one our key derives.
    #[error("signing key is not the derived key")]
    DerivedKey,
}

/// The records of `stream` (verbatim, type order) that `keep` selects; a malformed tail
/// ends the iteration (messages reaching here were already validated).
pub fn records<'a>(
    stream: &'a [u8],
    keep: impl Fn(u64) -> bool + 'a,
) -> impl Iterator<Item = &'a [u8]> + 'a {
    TlvStreamReader::new(stream, "stateless")
        .map_while(Result::ok)
        .filter(move |r| keep(r.tlv_type))
        .map(|r| r.bytes)
}

/// The message HMAC (see the module documentation).
pub fn message_hmac<'a>(
    key: &ExpandedKey,
    iv: &[u8; 16],
    nonce: &Nonce,
    records: impl IntoIterator<Item = &'a [u8]>,
    output: Output,
    encrypted_payment_id: Option<&[u8; 32]>,
) -> [u8; 32] {
    let mut mac: Hmac<Sha256> = key.hmac_for_offer();
    mac.update(iv);
    mac.update(&nonce.0);
    for record in records {
        mac.update(record);
    }
    mac.update(match output {
        Output::Stored => &TAG_STORED,
        Output::SigningKey => &TAG_SIGNING_KEY,
    });
    match encrypted_payment_id {
        None => mac.update(&TAG_WITHOUT_PAYMENT_ID),
        Some(id) => {
            mac.update(&TAG_WITH_PAYMENT_ID);
            mac.update(id);
        }
    }
    mac.finalize().into_bytes().into()
}

/// The keys whose secret is `hmac` (zeroised here); `None` when it is not a valid key.
pub fn keys_from_hmac(mut hmac: [u8; 32]) -> Option<Keys> {
    let keys = Keys::from_slice(&hmac);
    hmac.zeroize();
    keys
}

/// Constant-time equality of two public keys' encodings.
pub fn same_key(a: &PublicKey, b: &Point) -> bool {
    a.serialize().ct_eq(b.as_bytes()).into()
}

/// Checks `metadata` (the nonce, optionally followed by a 32-byte HMAC) against the records:
/// metadata of exactly 16 bytes means the signing key is derived, and `signing_key` must be
/// the public key of the HMAC (tag `[2; 16]`); otherwise it must be nonce ‖ HMAC (tag
/// `[1; 16]`). `records` must already exclude what the layout excludes: see
/// [`derives_key`]. Returns the derived keypair in the first case.
pub fn verify<'a>(
    key: &ExpandedKey,
    iv: &[u8; 16],
    metadata: &[u8],
    records: impl IntoIterator<Item = &'a [u8]>,
    signing_key: &Point,
    encrypted_payment_id: Option<&[u8; 32]>,
) -> Result<Option<Keys>, Mismatch> {
    let nonce = Nonce::from_prefix(metadata).ok_or(Mismatch::TooShort(metadata.len()))?;
    if derives_key(metadata) {
        let hmac = message_hmac(
            key,
            iv,
            &nonce,
            records,
            Output::SigningKey,
            encrypted_payment_id,
        );
        let keypair = keys_from_hmac(hmac).ok_or(Mismatch::DerivedKey)?;
        if same_key(&keypair.public_key(), signing_key) {
            Ok(Some(keypair))
        } else {
            Err(Mismatch::DerivedKey)
        }
    } else {
        let stored = &metadata[Nonce::LEN..];
        if stored.len() != 32 {
            return Err(Mismatch::BadLength(metadata.len()));
        }
        let hmac = message_hmac(
            key,
            iv,
            &nonce,
            records,
            Output::Stored,
            encrypted_payment_id,
        );
        if bool::from(stored.ct_eq(&hmac)) {
            Ok(None)
        } else {
            Err(Mismatch::Hmac)
        }
    }
}

/// Does `metadata` (after any encrypted payment id) use the derived-key layout: the nonce
/// alone? Then the signing key record is left out of the HMAC.
pub fn derives_key(metadata: &[u8]) -> bool {
    metadata.len() == Nonce::LEN
}

/// Splits payer metadata into the encrypted payment id and the rest (nonce [+ HMAC]).
pub fn split_payer_metadata(metadata: &[u8]) -> Result<([u8; 32], &[u8]), Mismatch> {
    if metadata.len() < 32 {
        return Err(Mismatch::TooShort(metadata.len()));
    }
    let (id, rest) = metadata.split_at(32);
    let mut encrypted = [0u8; 32];
    encrypted.copy_from_slice(id);
    Ok((encrypted, rest))
}

/// The payment id inside `encrypted` under `nonce`.
pub fn decrypt_payment_id(key: &ExpandedKey, encrypted: &[u8; 32], nonce: &Nonce) -> PaymentId {
    PaymentId(key.crypt_payment_id(encrypted, nonce))
}

/// `payment_id` encrypted under `nonce`.
pub fn encrypt_payment_id(key: &ExpandedKey, payment_id: &PaymentId, nonce: &Nonce) -> [u8; 32] {
    key.crypt_payment_id(&payment_id.0, nonce)
}
