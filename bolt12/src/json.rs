//! Core Lightning's `decode` JSON for BOLT 12 strings (`lightning-decode.7.md`).
//!
//! [`decode_json`] takes an `lno`/`lnr`/`lni` string (optionally prefixed by `lightning:`)
//! and returns the object `lightning-cli decode` prints for it: `type`, `offer_id`, every
//! `offer_*`, `invreq_*` and `invoice_*` field under CLN's names and formats, `signature`,
//! `unknown_*_tlvs`, `warning_*` fields and, last, `valid`.
//!
//! Decoding judges the encoding and the reader rules of BOLT 12, not the clock. Strings
//! that break a reader rule are refused with a [`DecodeJsonError`] naming the rule and the
//! field (Core Lightning instead prints some of those with `valid: false`). An offer or
//! invoice that has merely expired still decodes with `valid: true`; the output then
//! carries one of two fields that are **our addition** to CLN's format:
//!
//! - `warning_offer_expired` (offers and invoice requests): `offer_absolute_expiry` is in
//!   the past.
//! - `warning_invoice_expired` (invoices): `invoice_created_at` plus
//!   `invoice_relative_expiry` (default 7200 seconds) is in the past.
//!
//! Key order follows the order in which CLN's `plugins/offers.c` writes the fields.
use core::fmt::Write as _;

use bech32::{hrp, Fe32, Hrp};
use serde_json::{json, Map, Value};
use thiserror::Error;
use wire::{ChainHash, Point, SciddirOrPubkey, UnknownRecord};

use crate::error::ParseError;
use crate::string::{self, StringError};
use crate::tlv::{BlindedPath, BlindedPayinfo, FallbackAddress, InvreqBip353Name};
use crate::{invoice, invoice_request, offer, Invoice, InvoiceRequest, Offer};

/// Why a string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeJsonError {
    /// The prefix names a BOLT 12 message, but the string or its TLV stream breaks a rule
    /// of the encoding or of the reader requirements.
    #[error("invalid {kind}: {source}")]
    Invalid {
        /// `offer`, `invoice_request` or `invoice`.
        kind: &'static str,
        /// What is wrong, naming the field.
        source: ParseError,
    },
    /// The prefix before the `1` separator is not one of the BOLT 12 prefixes.
    #[error("unrecognized string: prefix '{0}' is not lno (offer), lnr (invoice_request) or lni (invoice)")]
    UnknownPrefix(String),
    /// The string does not have the `prefix1data` shape at all.
    #[error("not a bolt12 string: {0}")]
    NotBolt12(StringError),
}

/// The chains whose names we know: name, genesis block hash in internal byte order (as in
/// `chain_hash` fields, the reverse of the usual block explorer display) and the bech32
/// prefix of segwit addresses on that chain.
pub const KNOWN_CHAINS: [(&str, ChainHash, &str); 4] = [
    ("bitcoin", ChainHash::BITCOIN, "bc"),
    ("testnet", TESTNET, "tb"),
    ("signet", SIGNET, "tb"),
    ("regtest", REGTEST, "bcrt"),
];

/// Bitcoin testnet3 genesis hash (displayed as `000000000933ea01…7f4943`), internal order.
pub const TESTNET: ChainHash = ChainHash([
    0x43, 0x49, 0x7f, 0xd7, 0xf8, 0x26, 0x95, 0x71, 0x08, 0xf4, 0xa3, 0x0f, 0xd9, 0xce, 0xc3, 0xae,
    0xba, 0x79, 0x97, 0x20, 0x84, 0xe9, 0x0e, 0xad, 0x01, 0xea, 0x33, 0x09, 0x00, 0x00, 0x00, 0x00,
]);
/// Bitcoin signet genesis hash (displayed as `00000008819873e9…3bee1ef6`), internal order.
pub const SIGNET: ChainHash = ChainHash([
    0xf6, 0x1e, 0xee, 0x3b, 0x63, 0xa3, 0x80, 0xa4, 0x77, 0xa0, 0x63, 0xaf, 0x32, 0xb2, 0xbb, 0xc9,
    0x7c, 0x9f, 0xf9, 0xf0, 0x1f, 0x2c, 0x42, 0x25, 0xe9, 0x73, 0x98, 0x81, 0x08, 0x00, 0x00, 0x00,
]);
/// Bitcoin regtest genesis hash (displayed as `0f9188f13cb7b2c7…466e2206`), internal order.
pub const REGTEST: ChainHash = ChainHash([
    0x06, 0x22, 0x6e, 0x46, 0x11, 0x1a, 0x0b, 0x59, 0xca, 0xaf, 0x12, 0x60, 0x43, 0xeb, 0x5b, 0xbf,
    0x28, 0xc3, 0x4f, 0x3a, 0x5e, 0x33, 0x2a, 0x1f, 0xc7, 0xb2, 0xb7, 0x3c, 0xf1, 0x88, 0x91, 0x0f,
]);

/// The chain hash for a chain name of [`KNOWN_CHAINS`].
pub fn chain_by_name(name: &str) -> Option<ChainHash> {
    KNOWN_CHAINS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, hash, _)| *hash)
}

/// ISO 4217 codes and their minor units (the number of decimal places of
/// `offer_amount`). Codes without a minor unit in the standard (precious metals, SDR,
/// testing codes) are absent and get `warning_unknown_offer_currency`, as in CLN.
#[rustfmt::skip]
const ISO4217_MINOR_UNITS: &[(&str, u32)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BOV", 2), ("BRL", 2),
    ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2),
    ("CHE", 2), ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2),
    ("COU", 2), ("CRC", 2), ("CUC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0),
    ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2),
    ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2),
    ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2),
    ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2), ("ISK", 0), ("JMD", 2),
    ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2), ("KMF", 0), ("KPW", 2),
    ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2), ("LKR", 2),
    ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2),
    ("MXN", 2), ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2),
    ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2),
    ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2),
    ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2), ("SEK", 2),
    ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SLL", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2),
    ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2),
    ("UGX", 0), ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2),
    ("VED", 2), ("VES", 2), ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2),
    ("XCG", 2), ("XOF", 0), ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
    ("ZWL", 2),
];

/// The ISO 4217 minor unit of `code` (e.g. 2 for `USD`, 0 for `JPY`), if we know it.
pub fn currency_minor_unit(code: &str) -> Option<u32> {
    ISO4217_MINOR_UNITS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, unit)| *unit)
}

/// The offer fields, borrowed from any of the three TLV streams.
struct OfferFields<'a> {
    chains: &'a Option<Vec<ChainHash>>,
    metadata: &'a Option<Vec<u8>>,
    currency: &'a Option<String>,
    amount: Option<u64>,
    description: &'a Option<String>,
    issuer: &'a Option<String>,
    features: &'a Option<Vec<u8>>,
    absolute_expiry: Option<u64>,
    paths: &'a Option<Vec<BlindedPath>>,
    quantity_max: Option<u64>,
    issuer_id: &'a Option<Point>,
}

macro_rules! offer_fields {
    ($t:expr) => {
        OfferFields {
            chains: &$t.offer_chains,
            metadata: &$t.offer_metadata,
            currency: &$t.offer_currency,
            amount: $t.offer_amount,
            description: &$t.offer_description,
            issuer: &$t.offer_issuer,
            features: &$t.offer_features,
            absolute_expiry: $t.offer_absolute_expiry,
            paths: &$t.offer_paths,
            quantity_max: $t.offer_quantity_max,
            issuer_id: &$t.offer_issuer_id,
        }
    };
}

/// The invoice request fields, borrowed from an invoice request or an invoice.
struct InvreqFields<'a> {
    metadata: &'a Option<Vec<u8>>,
    payer_id: &'a Option<Point>,
    chain: &'a Option<ChainHash>,
    amount: Option<u64>,
    features: &'a Option<Vec<u8>>,
    quantity: Option<u64>,
    payer_note: &'a Option<String>,
    paths: &'a Option<Vec<BlindedPath>>,
    bip_353_name: &'a Option<InvreqBip353Name>,
}

macro_rules! invreq_fields {
    ($t:expr) => {
        InvreqFields {
            metadata: &$t.invreq_metadata,
            payer_id: &$t.invreq_payer_id,
            chain: &$t.invreq_chain,
            amount: $t.invreq_amount,
            features: &$t.invreq_features,
            quantity: $t.invreq_quantity,
            payer_note: &$t.invreq_payer_note,
            paths: &$t.invreq_paths,
            bip_353_name: &$t.invreq_bip_353_name,
        }
    };
}

/// Seconds since the epoch, when the platform has a clock we may read without panicking.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn now_unix() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// `wasm32-unknown-unknown` has no clock in `std`: callers pass one to the `_at` functions.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn now_unix() -> Option<u64> {
    None
}

/// Decodes a BOLT 12 string into Core Lightning's `decode` JSON, judging expiry against
/// the system clock.
pub fn decode_json(input: &str) -> Result<Value, DecodeJsonError> {
    decode_json_at(input, now_unix())
}

/// Removes surrounding whitespace and a `lightning:` URI prefix (any case).
pub fn strip_lightning_prefix(input: &str) -> &str {
    let trimmed = input.trim();
    const SCHEME: &str = "lightning:";
    match trimmed.get(..SCHEME.len()) {
        Some(head) if head.eq_ignore_ascii_case(SCHEME) => trimmed[SCHEME.len()..].trim_start(),
        _ => trimmed,
    }
}

/// The lowercase prefix of a `prefix1data` string (before its last `1`), if it has one.
fn prefix_of(s: &str) -> Option<String> {
    let sep = s.rfind('1').filter(|i| *i > 0)?;
    Some(s[..sep].to_ascii_lowercase())
}

/// [`decode_json`] with an explicit clock: `now` in seconds since the epoch, or `None`
/// to skip the expiry warnings.
pub fn decode_json_at(input: &str, now: Option<u64>) -> Result<Value, DecodeJsonError> {
    let s = strip_lightning_prefix(input);
    let kind = match prefix_of(s).as_deref() {
        Some(offer::PREFIX) => "offer",
        Some(invoice_request::PREFIX) => "invoice_request",
        Some(invoice::PREFIX) => "invoice",
        Some(other) => return Err(DecodeJsonError::UnknownPrefix(other.to_owned())),
        None => {
            return Err(DecodeJsonError::NotBolt12(if s.is_empty() {
                StringError::Empty
            } else {
                StringError::MissingSeparator
            }))
        }
    };
    let invalid = |source: ParseError| DecodeJsonError::Invalid { kind, source };
    let (_, bytes) = string::decode(s).map_err(|e| invalid(e.into()))?;
    match kind {
        "offer" => Offer::from_bytes(bytes).map(|o| offer_json_at(&o, now)),
        "invoice_request" => {
            InvoiceRequest::from_bytes(bytes).map(|r| invoice_request_json_at(&r, now))
        }
        _ => Invoice::from_bytes(bytes).map(|i| invoice_json_at(&i, now)),
    }
    .map_err(invalid)
}

/// The `decode` JSON of an offer, with expiry judged against the system clock.
pub fn offer_json(offer: &Offer) -> Value {
    offer_json_at(offer, now_unix())
}

/// The `decode` JSON of an invoice request, with expiry judged against the system clock.
pub fn invoice_request_json(request: &InvoiceRequest) -> Value {
    invoice_request_json_at(request, now_unix())
}

/// The `decode` JSON of an invoice, with expiry judged against the system clock.
pub fn invoice_json(invoice: &Invoice) -> Value {
    invoice_json_at(invoice, now_unix())
}

/// The `decode` JSON of an offer; `now` (seconds since the epoch) for the expiry warning.
pub fn offer_json_at(offer: &Offer, now: Option<u64>) -> Value {
    let t = offer.tlvs();
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 offer".into());
    m.insert("offer_id".into(), offer.id().to_string().into());
    add_offer_fields(&mut m, &offer_fields!(t), now, true);
    add_unknown(&mut m, "unknown_offer_tlvs", &t.unknown);
    m.insert("valid".into(), true.into());
    Value::Object(m)
}

/// The `decode` JSON of an invoice request; `now` for the offer expiry warning.
pub fn invoice_request_json_at(request: &InvoiceRequest, now: Option<u64>) -> Value {
    let t = request.tlvs();
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 invoice_request".into());
    if let Some(id) = request.offer_id() {
        m.insert("offer_id".into(), id.to_string().into());
    }
    add_offer_fields(&mut m, &offer_fields!(t), now, true);
    add_invreq_fields(&mut m, &invreq_fields!(t));
    if let Some(sig) = &t.signature {
        m.insert("signature".into(), sig.to_string().into());
    }
    add_unknown(&mut m, "unknown_invoice_request_tlvs", &t.unknown);
    m.insert("valid".into(), true.into());
    Value::Object(m)
}

/// The `decode` JSON of an invoice; `now` for the invoice expiry warning.
pub fn invoice_json_at(inv: &Invoice, now: Option<u64>) -> Value {
    let t = inv.tlvs();
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 invoice".into());
    if let Some(id) = inv.offer_id() {
        m.insert("offer_id".into(), id.to_string().into());
    }
    add_offer_fields(&mut m, &offer_fields!(t), now, false);
    add_invreq_fields(&mut m, &invreq_fields!(t));
    if let Some(paths) = &t.invoice_paths {
        m.insert(
            "invoice_paths".into(),
            paths_json(paths, t.invoice_blindedpay.as_deref()),
        );
    }
    if let Some(created_at) = t.invoice_created_at {
        m.insert("invoice_created_at".into(), created_at.into());
    }
    if let Some(hash) = &t.invoice_payment_hash {
        m.insert("invoice_payment_hash".into(), hash.to_string().into());
    }
    if let Some(msat) = t.invoice_amount {
        m.insert("invoice_amount_msat".into(), msat.into());
    }
    if let Some(relative) = t.invoice_relative_expiry {
        m.insert("invoice_relative_expiry".into(), relative.into());
    }
    if let Some(now) = now.filter(|now| inv.is_expired_at(*now)) {
        m.insert(
            "warning_invoice_expired".into(),
            format!(
                "invoice expired at {} (invoice_created_at + invoice_relative_expiry), now is {now}",
                inv.expires_at()
            )
            .into(),
        );
    }
    if let Some(fallbacks) = &t.invoice_fallbacks {
        m.insert(
            "invoice_fallbacks".into(),
            fallbacks_json(fallbacks, &inv.chain()),
        );
    }
    if let Some(features) = &t.invoice_features {
        m.insert("invoice_features".into(), hex(features).into());
    }
    if let Some(node_id) = &t.invoice_node_id {
        m.insert("invoice_node_id".into(), node_id.to_string().into());
    }
    if let Some(sig) = &t.signature {
        m.insert("signature".into(), sig.to_string().into());
    }
    add_unknown(&mut m, "unknown_invoice_tlvs", &t.unknown);
    m.insert("valid".into(), true.into());
    Value::Object(m)
}

/// CLN's `json_add_offer_fields`, plus our `warning_offer_expired` when `warn_expiry`.
fn add_offer_fields(
    m: &mut Map<String, Value>,
    f: &OfferFields<'_>,
    now: Option<u64>,
    warn_expiry: bool,
) {
    if let Some(chains) = f.chains {
        let chains = chains.iter().map(|c| Value::from(c.to_string())).collect();
        m.insert("offer_chains".into(), Value::Array(chains));
    }
    if let Some(metadata) = f.metadata {
        m.insert("offer_metadata".into(), hex(metadata).into());
    }
    match (f.currency, f.amount) {
        (Some(currency), amount) => {
            m.insert("offer_currency".into(), currency.as_str().into());
            if let Some(amount) = amount {
                m.insert("offer_amount".into(), amount.into());
            }
            match currency_minor_unit(currency) {
                Some(unit) => {
                    m.insert("currency_minor_unit".into(), unit.into());
                }
                None => {
                    m.insert(
                        "warning_unknown_offer_currency".into(),
                        "unknown currency code".into(),
                    );
                }
            }
        }
        (None, Some(msat)) => {
            m.insert("offer_amount_msat".into(), msat.into());
        }
        (None, None) => {}
    }
    if let Some(description) = f.description {
        m.insert("offer_description".into(), description.as_str().into());
    }
    if let Some(issuer) = f.issuer {
        m.insert("offer_issuer".into(), issuer.as_str().into());
    }
    if let Some(features) = f.features {
        m.insert("offer_features".into(), hex(features).into());
    }
    if let Some(expiry) = f.absolute_expiry {
        m.insert("offer_absolute_expiry".into(), expiry.into());
        if let Some(now) = now.filter(|now| warn_expiry && *now > expiry) {
            m.insert(
                "warning_offer_expired".into(),
                format!("offer expired at {expiry} (offer_absolute_expiry), now is {now}").into(),
            );
        }
    }
    if let Some(paths) = f.paths {
        m.insert("offer_paths".into(), paths_json(paths, None));
    }
    if let Some(max) = f.quantity_max {
        m.insert("offer_quantity_max".into(), max.into());
    }
    if let Some(id) = f.issuer_id {
        m.insert("offer_issuer_id".into(), id.to_string().into());
    }
}

/// CLN's `json_add_invreq_fields`.
fn add_invreq_fields(m: &mut Map<String, Value>, f: &InvreqFields<'_>) {
    if let Some(metadata) = f.metadata {
        m.insert("invreq_metadata".into(), hex(metadata).into());
    }
    if let Some(payer_id) = f.payer_id {
        m.insert("invreq_payer_id".into(), payer_id.to_string().into());
    }
    if let Some(chain) = f.chain {
        m.insert("invreq_chain".into(), chain.to_string().into());
    }
    if let Some(msat) = f.amount {
        m.insert("invreq_amount_msat".into(), msat.into());
    }
    if let Some(features) = f.features {
        m.insert("invreq_features".into(), hex(features).into());
    }
    if let Some(quantity) = f.quantity {
        m.insert("invreq_quantity".into(), quantity.into());
    }
    if let Some(note) = f.payer_note {
        m.insert("invreq_payer_note".into(), note.as_str().into());
    }
    if let Some(paths) = f.paths {
        m.insert("invreq_paths".into(), paths_json(paths, None));
    }
    if let Some(name) = f.bip_353_name {
        // The reader has checked both are in 0-9a-zA-Z-_. (so ASCII).
        m.insert(
            "invreq_bip_353_name".into(),
            json!({
                "name": String::from_utf8_lossy(&name.name),
                "domain": String::from_utf8_lossy(&name.domain),
            }),
        );
    }
}

/// CLN's `json_add_blinded_paths`: one object per path, with its `payinfo` when given.
fn paths_json(paths: &[BlindedPath], payinfo: Option<&[BlindedPayinfo]>) -> Value {
    let paths = paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut o = Map::new();
            match &p.first_node_id {
                SciddirOrPubkey::Pubkey(key) => {
                    o.insert("first_node_id".into(), key.to_string().into());
                }
                SciddirOrPubkey::Scid { direction, scid } => {
                    o.insert("first_scid".into(), scid.to_string().into());
                    o.insert("first_scid_dir".into(), direction.as_u8().into());
                }
            }
            o.insert("first_path_key".into(), p.first_path_key.to_string().into());
            if let Some(info) = payinfo.and_then(|infos| infos.get(i)) {
                o.insert(
                    "payinfo".into(),
                    json!({
                        "fee_base_msat": info.fee_base_msat,
                        "fee_proportional_millionths": info.fee_proportional_millionths,
                        "cltv_expiry_delta": info.cltv_expiry_delta,
                        "htlc_minimum_msat": info.htlc_minimum_msat,
                        "htlc_maximum_msat": info.htlc_maximum_msat,
                        "features": hex(&info.features),
                    }),
                );
            }
            let hops = p
                .path
                .iter()
                .map(|hop| {
                    json!({
                        "blinded_node_id": hop.blinded_node_id.to_string(),
                        "encrypted_recipient_data": hex(&hop.encrypted_recipient_data),
                    })
                })
                .collect();
            o.insert("path".into(), Value::Array(hops));
            Value::Object(o)
        })
        .collect();
    Value::Array(paths)
}

/// CLN's `json_add_fallbacks`: `version`, `hex`, and `address` when the chain is one we
/// know and the program meets the segwit rules for its version. BOLT 12 says to ignore
/// the others, so they get a warning but do not make the invoice invalid.
fn fallbacks_json(fallbacks: &[FallbackAddress], chain: &ChainHash) -> Value {
    let address_hrp = KNOWN_CHAINS
        .iter()
        .find(|(_, hash, _)| hash == chain)
        .map(|(_, _, prefix)| *prefix);
    let fallbacks = fallbacks
        .iter()
        .map(|f| {
            let mut o = Map::new();
            o.insert("version".into(), f.version.into());
            o.insert("hex".into(), hex(&f.address).into());
            if f.version > 16 {
                o.insert(
                    "warning_invoice_fallbacks_version_invalid".into(),
                    format!("version {} is greater than 16: ignored", f.version).into(),
                );
            } else if !(2..=40).contains(&f.address.len()) {
                o.insert(
                    "warning_invoice_fallbacks_address_invalid".into(),
                    format!("address is {} bytes, not 2 to 40: ignored", f.address.len()).into(),
                );
            } else if let Some(prefix) = address_hrp {
                match segwit_address(prefix, f.version, &f.address) {
                    Some(address) => {
                        o.insert("address".into(), address.into());
                    }
                    None => {
                        o.insert(
                            "warning_invoice_fallbacks_address_invalid".into(),
                            format!(
                                "a {}-byte program is not valid for segwit version {}: ignored",
                                f.address.len(),
                                f.version
                            )
                            .into(),
                        );
                    }
                }
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(fallbacks)
}

/// The BIP 173 / BIP 350 address for a witness program, if valid for its version.
fn segwit_address(prefix: &str, version: u8, program: &[u8]) -> Option<String> {
    let hrp = match prefix {
        "bc" => hrp::BC,
        "tb" => hrp::TB,
        "bcrt" => hrp::BCRT,
        other => Hrp::parse(other).ok()?,
    };
    let version = Fe32::try_from(version).ok()?;
    bech32::segwit::encode(hrp, version, program).ok()
}

/// CLN's `json_add_extra_fields`: the records we do not know, as `{type, length, value}`.
fn add_unknown(m: &mut Map<String, Value>, key: &str, unknown: &[UnknownRecord]) {
    if unknown.is_empty() {
        return;
    }
    let records = unknown
        .iter()
        .map(|r| {
            json!({
                "type": r.tlv_type,
                "length": r.value.len(),
                "value": hex(&r.value),
            })
        })
        .collect();
    m.insert(key.into(), Value::Array(records));
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
