//! What `bolt12 stateless verify-request`, `bolt12 stateless verify-invoice` and
//! `bolt12 offer --key-material` need: hex parsing of the secret inputs, and reports that
//! serialise to the JSON the commands print.
//!
//! - [`verify_request_str`] → [`RequestReport`]:
//!   `{"ours": bool, "offer_id": hex|null, "keys": "derived"|"explicit"|null, "reason": string|null}`
//! - [`verify_invoice_str`] → [`InvoiceReport`]:
//!   `{"ours": bool, "payment_id": hex|null, "reason": string|null}`
//!
//! The command exits 0 only when every report has `ours: true`.
use serde::Serialize;
use thiserror::Error;
use wire::Point;
use zeroize::Zeroizing;

use super::issuer::{self, IssuerKeys};
use super::keys::{ExpandedKey, Nonce, PaymentId, KEY_MATERIAL_LEN};
use super::{payer, StatelessBuildError};
use crate::{Invoice, InvoiceRequest, Offer, OfferBuilder};

/// A hex argument that is not what it should be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HexArgError {
    /// Not an even number of hex digits.
    #[error("{what}: not hex")]
    NotHex {
        /// `key material` or `nonce`.
        what: &'static str,
    },
    /// The wrong number of bytes.
    #[error("{what}: expected {expected} bytes, got {found}")]
    WrongLength {
        /// `key material` or `nonce`.
        what: &'static str,
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
}

fn parse_hex<const N: usize>(what: &'static str, s: &str) -> Result<[u8; N], HexArgError> {
    let s = s.trim();
    if s.len() & 1 == 1 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(HexArgError::NotHex { what });
    }
    let found = s.len() / 2;
    if found != N {
        return Err(HexArgError::WrongLength {
            what,
            expected: N,
            found,
        });
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(s.as_bytes().chunks_exact(2)) {
        let digit = |c: u8| match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => c - b'A' + 10,
        };
        *o = (digit(pair[0]) << 4) | digit(pair[1]);
    }
    Ok(out)
}

/// `--key-material <hex32>`: expands 32 bytes of hex into the [`ExpandedKey`]; the raw bytes
/// are zeroised.
pub fn parse_key_material(hex: &str) -> Result<ExpandedKey, HexArgError> {
    let material = Zeroizing::new(parse_hex::<KEY_MATERIAL_LEN>("key material", hex)?);
    Ok(ExpandedKey::new(&material))
}

/// `--payment-id <hex32>`.
pub fn parse_payment_id(hex: &str) -> Result<PaymentId, HexArgError> {
    parse_hex::<32>("payment id", hex).map(PaymentId)
}

/// `--nonce <hex16>`.
pub fn parse_nonce(hex: &str) -> Result<Nonce, HexArgError> {
    parse_hex::<{ Nonce::LEN }>("nonce", hex).map(Nonce)
}

/// How the recognised offer names its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeysKind {
    /// The issuer key is derived from the nonce.
    Derived,
    /// The issuer key is the node id; the offer carries metadata.
    Explicit,
}

/// One `verify-request` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestReport {
    /// Does the request answer one of our offers?
    pub ours: bool,
    /// `offer_id` (hex) of the offer the request answers, when it parses and answers one.
    pub offer_id: Option<String>,
    /// How the offer's key is named, when ours.
    pub keys: Option<KeysKind>,
    /// Why not ours; `null` when ours.
    pub reason: Option<String>,
}

/// `bolt12 stateless verify-request`: recognises one `lnr` string.
pub fn verify_request_str(key: &ExpandedKey, nonce: Option<&Nonce>, lnr: &str) -> RequestReport {
    let request: InvoiceRequest = match lnr.trim().parse() {
        Ok(r) => r,
        Err(e) => {
            return RequestReport {
                ours: false,
                offer_id: None,
                keys: None,
                reason: Some(format!("invalid invoice request: {e}")),
            }
        }
    };
    let offer_id = request.offer_id().map(|id| id.to_string());
    let outcome =
        issuer::verify_request(key, &request, nonce).map(|verified| match verified.keys() {
            issuer::RequestKeys::Derived(_) => KeysKind::Derived,
            issuer::RequestKeys::Explicit => KeysKind::Explicit,
        });
    match outcome {
        Ok(kind) => RequestReport {
            ours: true,
            offer_id,
            keys: Some(kind),
            reason: None,
        },
        Err(e) => RequestReport {
            ours: false,
            offer_id,
            keys: None,
            reason: Some(e.to_string()),
        },
    }
}

/// One `verify-invoice` result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceReport {
    /// Does the invoice answer one of our requests?
    pub ours: bool,
    /// The recovered payment id (hex), when ours.
    pub payment_id: Option<String>,
    /// Why not ours; `null` when ours.
    pub reason: Option<String>,
}

/// `bolt12 stateless verify-invoice`: recognises one `lni` string.
pub fn verify_invoice_str(key: &ExpandedKey, nonce: Option<&Nonce>, lni: &str) -> InvoiceReport {
    let invoice: Invoice = match lni.trim().parse() {
        Ok(i) => i,
        Err(e) => {
            return InvoiceReport {
                ours: false,
                payment_id: None,
                reason: Some(format!("invalid invoice: {e}")),
            }
        }
    };
    match payer::verify_invoice(key, &invoice, nonce) {
        Ok(id) => InvoiceReport {
            ours: true,
            payment_id: Some(id.to_string()),
            reason: None,
        },
        Err(e) => InvoiceReport {
            ours: false,
            payment_id: None,
            reason: Some(e.to_string()),
        },
    }
}

/// `bolt12 offer --key-material <hex32> --nonce <hex16> [--paths ...]`: builds the offer of
/// `builder` LDK's way ([`IssuerKeys::like_ldk`]): with paths, a derived issuer key and no
/// metadata; without, `node_id` (required then) as issuer id and nonce ‖ HMAC as metadata.
pub fn offer_with_key_material(
    key: &ExpandedKey,
    nonce: &Nonce,
    builder: OfferBuilder,
    node_id: Option<Point>,
) -> Result<Offer, StatelessBuildError> {
    let keys = match (builder.tlvs().offer_paths.is_some(), node_id) {
        (true, _) => IssuerKeys::Derived,
        (false, Some(node_id)) => IssuerKeys::Explicit { node_id },
        (false, None) => return Err(StatelessBuildError::NodeIdNeeded),
    };
    issuer::create_offer(key, nonce, builder, keys)
}
