//! Core Lightning's `decode` JSON for BOLT 12 strings (`lightning-decode.7.md`).
//!
//! [`decode_json`] takes an `lno`/`lnr`/`lni` string (or a DRAFT payer proof, `lnp`:
//! [`payer_proof_json`]) (optionally prefixed by `lightning:`)
//! and returns the object `lightning-cli decode` prints for it: `type`, `offer_id`, every
//! `offer_*`, `invreq_*` and `invoice_*` field under CLN's names and formats, `signature`,
//! `unknown_*_tlvs`, `warning_*` fields and, last, `valid`.
//!
//! Decoding judges the encoding and the reader rules of BOLT 12 (and Core Lightning's
//! recurrence draft), not the clock. Strings that break a reader rule are refused with a
//! [`DecodeJsonError`] naming the rule and the field; when Core Lightning's `decode`
//! answers such a string with an object (`valid: false` and `warning_*` fields) rather
//! than an RPC error, the error carries that object too ([`DecodeJsonError::cln_json`]).
//! Where we and Core Lightning differ on purpose is listed, each with its test, in
//! `bolt12/DECODE-DIFFERENCES.md`. An offer or invoice that has merely expired still
//! decodes with `valid: true`; the output then carries one of two fields that are **our
//! addition** to CLN's format:
//!
//! - `warning_offer_expired` (offers and invoice requests): `offer_absolute_expiry` is in
//!   the past.
//! - `warning_invoice_expired` (invoices): `invoice_created_at` plus
//!   `invoice_relative_expiry` (default 7200 seconds) is in the past.
//!
//! Key order follows the order in which CLN's `plugins/offers.c` writes the fields.

use bech32::{hrp, Fe32, Hrp};
use serde_json::{json, Map, Value};
use thiserror::Error;
use wire::{ChainHash, Point, SciddirOrPubkey, UnknownRecord};

use crate::error::{ParseError, SemanticError};
use crate::merkle;
use crate::payer_proof::{self, PayerProof, PayerProofError};
use crate::string::{self, StringError};
use crate::tlv::PayerProofTlvs;
use crate::tlv::{
    BlindedPath, BlindedPayinfo, FallbackAddress, InvoiceRequestTlvs, InvoiceTlvs,
    InvreqBip353Name, Recurrence, RecurrenceBase, RecurrencePaywindow,
};
use crate::{invoice, invoice_request, offer, Invoice, InvoiceRequest, Offer, OfferId};

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
        /// Core Lightning's `decode` answer when it is an object (`valid: false`), `None`
        /// when Core Lightning refuses the string with an RPC error (or says it is valid:
        /// the differences are listed in `bolt12/DECODE-DIFFERENCES.md`).
        json: Option<Box<Value>>,
    },
    /// The prefix before the `1` separator is not one of the BOLT 12 prefixes.
    #[error("unrecognized string: prefix '{0}' is not lno (offer), lnr (invoice_request) or lni (invoice)")]
    UnknownPrefix(String),
    /// The string does not have the `prefix1data` shape at all.
    #[error("not a bolt12 string: {0}")]
    NotBolt12(StringError),
}

impl DecodeJsonError {
    /// Core Lightning's `decode` object (`valid: false`) for this string, if it prints one.
    pub fn cln_json(&self) -> Option<&Value> {
        match self {
            DecodeJsonError::Invalid { json, .. } => json.as_deref(),
            _ => None,
        }
    }
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
    recurrence_compulsory: &'a Option<Recurrence>,
    recurrence_optional: &'a Option<Recurrence>,
    recurrence_paywindow: &'a Option<RecurrencePaywindow>,
    recurrence_limit: Option<u32>,
    recurrence_base: &'a Option<RecurrenceBase>,
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
            recurrence_compulsory: &$t.offer_recurrence_compulsory,
            recurrence_optional: &$t.offer_recurrence_optional,
            recurrence_paywindow: &$t.offer_recurrence_paywindow,
            recurrence_limit: $t.offer_recurrence_limit,
            recurrence_base: &$t.offer_recurrence_base,
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
    recurrence_counter: Option<u32>,
    recurrence_start: Option<u32>,
    /// `invreq_recurrence_cancel` (requests only; Core Lightning passes none for invoices).
    recurrence_cancel: bool,
}

macro_rules! invreq_fields {
    ($t:expr, $cancel:expr) => {
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
            recurrence_counter: $t.invreq_recurrence_counter,
            recurrence_start: $t.invreq_recurrence_start,
            recurrence_cancel: $cancel,
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
/// the system clock. See [`decode_json_at`].
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
/// `+` continuations are joined first: BOLT 12's format vectors join them anywhere,
/// the prefix included (`l+no1...`).
fn prefix_of(s: &str) -> Option<String> {
    let joined = string::join_continuations(s).ok()?;
    let sep = joined.rfind('1').filter(|i| *i > 0)?;
    Some(joined[..sep].to_ascii_lowercase())
}

/// Is this `decode` object `valid: true`?
pub fn is_valid(json: &Value) -> bool {
    json.get("valid") == Some(&Value::Bool(true))
}

/// The first `warning_*` field (searched depth first, in key order) that makes Core
/// Lightning report a message invalid: every warning but `warning_unknown_offer_currency`
/// and our own `warning_offer_expired` / `warning_invoice_expired`.
pub fn first_invalidating_warning(json: &Value) -> Option<(String, String)> {
    match json {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            let ours = matches!(
                k.as_str(),
                "warning_unknown_offer_currency"
                    | "warning_offer_expired"
                    | "warning_invoice_expired"
            );
            if k.starts_with("warning_") && !ours {
                Some((k.clone(), v.as_str().unwrap_or_default().to_owned()))
            } else {
                first_invalidating_warning(v)
            }
        }),
        Value::Array(a) => a.iter().find_map(first_invalidating_warning),
        _ => None,
    }
}

/// [`decode_json`] with an explicit clock: `now` in seconds since the epoch, or `None`
/// to skip the expiry warnings.
///
/// `Ok` is always a `valid: true` object. A string our reader refuses is
/// [`DecodeJsonError::Invalid`], with the typed reason, and with `json` set to the object
/// Core Lightning's `decode` answers (`valid: false` and its `warning_*` fields) when it
/// answers with one; `json` is `None` when Core Lightning refuses the string with an RPC
/// error instead. A string our reader accepts but that Core Lightning's `decode` reports
/// `valid: false` (its rules beyond BOLT 12's, e.g. bad `invoice_fallbacks`) is also
/// `Invalid`, with [`SemanticError::ClnInvalid`] naming the warning.
pub fn decode_json_at(input: &str, now: Option<u64>) -> Result<Value, DecodeJsonError> {
    let s = strip_lightning_prefix(input);
    let kind = match prefix_of(s).as_deref() {
        Some(offer::PREFIX) => "offer",
        Some(invoice_request::PREFIX) => "invoice_request",
        Some(invoice::PREFIX) => "invoice",
        Some(payer_proof::PREFIX) => "payer_proof",
        Some(other) => return Err(DecodeJsonError::UnknownPrefix(other.to_owned())),
        None => {
            return Err(DecodeJsonError::NotBolt12(if s.is_empty() {
                StringError::Empty
            } else {
                string::join_continuations(s)
                    .err()
                    .unwrap_or(StringError::MissingSeparator)
            }))
        }
    };
    let (_, bytes) = string::decode(s).map_err(|e| DecodeJsonError::Invalid {
        kind,
        source: e.into(),
        json: None,
    })?;
    let (ours, cln) = match kind {
        // Core Lightning's `payer_proof_decode` refuses every proof its reader refuses:
        // an RPC error, never a `valid: false` object.
        "payer_proof" => (
            PayerProof::from_bytes(bytes)
                .map(|p| payer_proof_json(&p))
                .map_err(|e| match e {
                    PayerProofError::Parse(p) => p,
                    other => SemanticError::PayerProof(Box::new(other)).into(),
                }),
            None,
        ),
        "offer" => (
            Offer::from_bytes(bytes.clone()).map(|o| offer_json_at(&o, now)),
            // Core Lightning's offer_decode applies every rule its decode would warn about,
            // so it never prints an offer with `valid: false`.
            None,
        ),
        "invoice_request" => (
            InvoiceRequest::from_bytes(bytes.clone()).map(|r| invoice_request_json_at(&r, now)),
            InvoiceRequestTlvs::decode(&bytes)
                .ok()
                .filter(|t| !cln_refuses_invreq(t))
                .map(|t| invreq_object(&bytes, &t, now)),
        ),
        _ => (
            Invoice::from_bytes(bytes.clone()).map(|i| invoice_json_at(&i, now)),
            InvoiceTlvs::decode(&bytes)
                .ok()
                .filter(|t| !cln_refuses_invoice(&bytes, t))
                .map(|t| invoice_object(&bytes, &t, now)),
        ),
    };
    match ours {
        Ok(json) if is_valid(&json) => Ok(json),
        Ok(json) => {
            let (warning, message) = first_invalidating_warning(&json).unwrap_or_default();
            Err(DecodeJsonError::Invalid {
                kind,
                source: SemanticError::ClnInvalid { warning, message }.into(),
                json: Some(Box::new(without_clock_warnings(json))),
            })
        }
        Err(source) => Err(DecodeJsonError::Invalid {
            kind,
            source,
            json: cln
                .filter(|j| !is_valid(j))
                .map(|j| Box::new(without_clock_warnings(j))),
        }),
    }
}

/// A `valid: false` object is Core Lightning's exactly: without our expiry warnings.
fn without_clock_warnings(mut json: Value) -> Value {
    if let Some(m) = json.as_object_mut() {
        m.shift_remove("warning_offer_expired");
        m.shift_remove("warning_invoice_expired");
    }
    json
}

/// Would Core Lightning's `invrequest_decode` (`common/bolt12.c`) refuse this request, so
/// that `decode` answers with an RPC error? Its rules: unknown even `invreq_features`,
/// non-signature fields outside 0-159 and 1000000000-2999999999, an `invreq_paths` path
/// with no hops. Everything else is left to `decode`'s warnings.
fn cln_refuses_invreq(t: &InvoiceRequestTlvs) -> bool {
    let bad_range = t.unknown.iter().any(|r| {
        !crate::checks::is_invreq_type(r.tlv_type) && !merkle::is_signature_type(r.tlv_type)
    });
    let empty_path = t.invreq_paths.iter().flatten().any(|p| p.path.is_empty());
    bad_range || empty_path || unknown_even(&t.invreq_features, &[])
}

/// Would Core Lightning's `invoice_decode` refuse this invoice? Its rules: unknown even
/// `invoice_features` (it knows `basic_mpp`), the signature by `invoice_node_id` (missing
/// key, missing or invalid signature), missing `invoice_amount`, `invoice_created_at`,
/// `invoice_payment_hash`, `invoice_node_id`, missing or empty `invoice_paths`, a path with
/// no hops, and not one `blinded_payinfo` per path.
fn cln_refuses_invoice(bytes: &[u8], t: &InvoiceTlvs) -> bool {
    let signed = match (&t.invoice_node_id, &t.signature) {
        (Some(key), Some(sig)) => matches!(merkle::root(bytes), Ok(Some(root))
            if merkle::verify(invoice::MESSAGE_NAME, "signature", &root, sig, key)),
        _ => false,
    };
    let paths = t.invoice_paths.as_deref().unwrap_or_default();
    let payinfos = t.invoice_blindedpay.as_deref().unwrap_or_default();
    !signed
        || unknown_even(
            &t.invoice_features,
            &[
                crate::features::MPP_COMPULSORY,
                crate::features::MPP_OPTIONAL,
            ],
        )
        || t.invoice_amount.is_none()
        || t.invoice_created_at.is_none()
        || t.invoice_payment_hash.is_none()
        || paths.is_empty()
        || paths.iter().any(|p| p.path.is_empty())
        || payinfos.len() != paths.len()
}

fn unknown_even(features: &Option<Vec<u8>>, known: &[usize]) -> bool {
    features
        .as_deref()
        .is_some_and(|f| crate::features::unknown_required_bit(f, known).is_some())
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
/// CLN's `json_add_offer` (`plugins/offers.c`).
pub fn offer_json_at(offer: &Offer, now: Option<u64>) -> Value {
    let t = offer.tlvs();
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 offer".into());
    m.insert("offer_id".into(), offer.id().to_string().into());
    let mut valid = add_offer_fields(&mut m, &offer_fields!(t), now, true);
    if t.offer_issuer_id.is_none() && t.offer_paths.is_none() {
        m.insert(
            "warning_missing_offer_issuer_id".into(),
            "offers without an issuer_id or paths are invalid".into(),
        );
        valid = false;
    }
    add_unknown(&mut m, "unknown_offer_tlvs", &t.unknown);
    m.insert("valid".into(), valid.into());
    Value::Object(m)
}

/// The `decode` JSON of an invoice request; `now` for the offer expiry warning.
pub fn invoice_request_json_at(request: &InvoiceRequest, now: Option<u64>) -> Value {
    invreq_object(request.as_bytes(), request.tlvs(), now)
}

/// CLN's `json_add_invoice_request` (`plugins/offers.c`), for any well-formed stream: the
/// `valid` it computes and its `warning_*` fields.
fn invreq_object(bytes: &[u8], t: &InvoiceRequestTlvs, now: Option<u64>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 invoice_request".into());
    if t.offer_issuer_id.is_some() || t.offer_paths.is_some() {
        let id = OfferId(offer::offer_id_of(bytes));
        m.insert("offer_id".into(), id.to_string().into());
    }
    let mut valid = add_offer_fields(&mut m, &offer_fields!(t), now, true);
    valid &= add_invreq_fields(
        &mut m,
        &invreq_fields!(t, t.invreq_recurrence_cancel.is_some()),
    );
    if t.invreq_payer_id.is_none() {
        m.insert(
            "warning_missing_invreq_payer_id".into(),
            "invreq_payer_id required".into(),
        );
        valid = false;
    }
    match (&t.signature, &t.invreq_payer_id) {
        (Some(sig), Some(key))
            if !matches!(merkle::root(bytes), Ok(Some(root))
                if merkle::verify(invoice_request::MESSAGE_NAME, "signature", &root, sig, key)) =>
        {
            m.insert(
                "warning_invalid_invoice_request_signature".into(),
                "Bad signature".into(),
            );
            valid = false;
        }
        (Some(sig), _) => {
            m.insert("signature".into(), sig.to_string().into());
        }
        (None, _) => {
            m.insert(
                "warning_missing_invoice_request_signature".into(),
                "Missing signature".into(),
            );
            valid = false;
        }
    }
    add_unknown(&mut m, "unknown_invoice_request_tlvs", &t.unknown);
    m.insert("valid".into(), valid.into());
    Value::Object(m)
}

/// The `decode` JSON of an invoice; `now` for the invoice expiry warning.
pub fn invoice_json_at(inv: &Invoice, now: Option<u64>) -> Value {
    invoice_object(inv.as_bytes(), inv.tlvs(), now)
}

/// CLN's `json_add_b12_invoice` (`plugins/offers.c`), for any well-formed stream.
fn invoice_object(bytes: &[u8], t: &InvoiceTlvs, now: Option<u64>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 invoice".into());
    if t.offer_issuer_id.is_some() || t.offer_paths.is_some() {
        let id = OfferId(offer::offer_id_of(bytes));
        m.insert("offer_id".into(), id.to_string().into());
    }
    let mut valid = add_offer_fields(&mut m, &offer_fields!(t), now, false);
    valid &= add_invreq_fields(&mut m, &invreq_fields!(t, false));
    let mut missing = |m: &mut Map<String, Value>, key: &str, text: &str| {
        m.insert(key.into(), text.into());
        valid = false;
    };
    if t.invoice_paths.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_paths",
            "invoices without a invoice_paths are invalid",
        );
    } else if t.invoice_blindedpay.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_blindedpay",
            "invoices with paths without blindedpay are invalid",
        );
    }
    if t.invoice_created_at.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_created_at",
            "invoices without created_at are invalid",
        );
    }
    if t.invoice_payment_hash.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_payment_hash",
            "invoices without a payment_hash are invalid",
        );
    }
    if t.invoice_amount.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_amount",
            "invoices without an amount are invalid",
        );
    }
    if t.invoice_node_id.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_node_id",
            "invoices without an invoice_node_id are invalid",
        );
    }
    let recurring =
        t.offer_recurrence_compulsory.is_some() || t.offer_recurrence_optional.is_some();
    if recurring && t.invoice_recurrence_basetime.is_none() {
        missing(
            &mut m,
            "warning_missing_invoice_recurrence_basetime",
            "recurring invoices without a recurrence_basetime are invalid",
        );
    }
    if let Some(paths) = &t.invoice_paths {
        valid &= add_paths(
            &mut m,
            "invoice_paths",
            paths,
            t.invoice_blindedpay.as_deref(),
        );
    }
    if let Some(created_at) = t.invoice_created_at {
        m.insert("invoice_created_at".into(), created_at.into());
    }
    // CLN prints the default when the field is absent (BOLT 12: 7200 seconds).
    let relative = t
        .invoice_relative_expiry
        .map_or(invoice::DEFAULT_RELATIVE_EXPIRY, u64::from);
    m.insert("invoice_relative_expiry".into(), relative.into());
    if let (Some(now), Some(created_at)) = (now, t.invoice_created_at) {
        let expires_at = created_at.saturating_add(relative);
        if now > expires_at {
            m.insert(
                "warning_invoice_expired".into(),
                format!(
                    "invoice expired at {expires_at} (invoice_created_at + invoice_relative_expiry), now is {now}"
                )
                .into(),
            );
        }
    }
    if let Some(hash) = &t.invoice_payment_hash {
        m.insert("invoice_payment_hash".into(), hash.to_string().into());
    }
    if let Some(msat) = t.invoice_amount {
        m.insert("invoice_amount_msat".into(), msat.into());
    }
    if let Some(fallbacks) = &t.invoice_fallbacks {
        let chain = t.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        let (json, ok) = fallbacks_json(fallbacks, &chain);
        m.insert("invoice_fallbacks".into(), json);
        valid &= ok;
    }
    if let Some(features) = &t.invoice_features {
        m.insert("invoice_features".into(), hex(features).into());
    }
    if let Some(node_id) = &t.invoice_node_id {
        m.insert("invoice_node_id".into(), node_id.to_string().into());
    }
    if let Some(basetime) = t.invoice_recurrence_basetime.filter(|_| recurring) {
        m.insert("invoice_recurrence_basetime".into(), basetime.into());
    }
    if let Some(sig) = &t.signature {
        m.insert("signature".into(), sig.to_string().into());
    }
    add_unknown(&mut m, "unknown_invoice_tlvs", &t.unknown);
    m.insert("valid".into(), valid.into());
    Value::Object(m)
}

/// The `decode` JSON of a payer proof (DRAFT, lightning/bolts#1295): Core Lightning's
/// `json_add_payer_proof` (`plugins/offers.c`) for [`payer_proof::Layout::CoreLightning`],
/// key for key. A proof in the draft's layout, which Core Lightning cannot read, gets the
/// same keys for the invoice fields and `signature`, then the draft's records under their
/// names: `preimage`, `omitted_tlvs`, `missing_hashes`, `leaf_hashes` and `payer_signature`
/// (`{sig, note}`); our format.
pub fn payer_proof_json(proof: &PayerProof) -> Value {
    let t: &PayerProofTlvs = proof.tlvs();
    let mut m = Map::new();
    m.insert("type".into(), "bolt12 payer_proof".into());
    if let Some(chains) = &t.offer_chains {
        let chains = chains.iter().map(|c| Value::from(c.to_string())).collect();
        m.insert("offer_chains".into(), Value::Array(chains));
    }
    if let Some(metadata) = &t.offer_metadata {
        m.insert("offer_metadata".into(), hex(metadata).into());
    }
    match (&t.offer_currency, t.offer_amount) {
        (Some(currency), amount) => {
            m.insert("offer_currency".into(), currency.as_str().into());
            if let Some(amount) = amount {
                m.insert("offer_amount".into(), amount.into());
            }
            if let Some(unit) = currency_minor_unit(currency) {
                m.insert("currency_minor_unit".into(), unit.into());
            }
        }
        (None, Some(msat)) => {
            m.insert("offer_amount_msat".into(), msat.into());
        }
        (None, None) => {}
    }
    if let Some(description) = &t.offer_description {
        m.insert("offer_description".into(), description.as_str().into());
    }
    if let Some(features) = &t.offer_features {
        m.insert("offer_features".into(), hex(features).into());
    }
    if let Some(expiry) = t.offer_absolute_expiry {
        m.insert("offer_absolute_expiry".into(), expiry.into());
    }
    if let Some(paths) = &t.offer_paths {
        m.insert("offer_paths".into(), paths_json(paths, None));
    }
    if let Some(issuer) = &t.offer_issuer {
        m.insert("offer_issuer".into(), issuer.as_str().into());
    }
    if let Some(max) = t.offer_quantity_max {
        m.insert("offer_quantity_max".into(), max.into());
    }
    if let Some(id) = &t.offer_issuer_id {
        m.insert("offer_issuer_id".into(), id.to_string().into());
    }
    if let Some(chain) = &t.invreq_chain {
        m.insert("invreq_chain".into(), chain.to_string().into());
    }
    if let Some(msat) = t.invreq_amount {
        m.insert("invreq_amount_msat".into(), msat.into());
    }
    if let Some(features) = &t.invreq_features {
        m.insert("invreq_features".into(), hex(features).into());
    }
    if let Some(quantity) = t.invreq_quantity {
        m.insert("invreq_quantity".into(), quantity.into());
    }
    if let Some(payer_id) = &t.invreq_payer_id {
        m.insert("invreq_payer_id".into(), payer_id.to_string().into());
    }
    if let Some(note) = &t.invreq_payer_note {
        m.insert("invreq_payer_note".into(), note.as_str().into());
    }
    if let Some(paths) = &t.invreq_paths {
        m.insert("invreq_paths".into(), paths_json(paths, None));
    }
    if let Some(name) = &t.invreq_bip_353_name {
        m.insert(
            "invreq_bip_353_name".into(),
            json!({
                "name": String::from_utf8_lossy(&name.name),
                "domain": String::from_utf8_lossy(&name.domain),
            }),
        );
    }
    // CLN's json_add_invoice_fields: its path and fallback warnings, but no verdict.
    if let Some(paths) = &t.invoice_paths {
        add_paths(
            &mut m,
            "invoice_paths",
            paths,
            t.invoice_blindedpay.as_deref(),
        );
    }
    if let Some(created_at) = t.invoice_created_at {
        m.insert("invoice_created_at".into(), created_at.into());
    }
    if let Some(relative) = t.invoice_relative_expiry {
        m.insert("invoice_relative_expiry".into(), relative.into());
    }
    if let Some(hash) = &t.invoice_payment_hash {
        m.insert("invoice_payment_hash".into(), hash.to_string().into());
    }
    if let Some(msat) = t.invoice_amount {
        m.insert("invoice_amount_msat".into(), msat.into());
    }
    if let Some(fallbacks) = &t.invoice_fallbacks {
        let chain = t.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        m.insert(
            "invoice_fallbacks".into(),
            fallbacks_json(fallbacks, &chain).0,
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
    let hashes = |h: &Option<Vec<wire::Sha256>>| -> Value {
        h.iter()
            .flatten()
            .map(|h| Value::from(h.to_string()))
            .collect()
    };
    let numbers = |n: &Option<Vec<u64>>| -> Value { n.iter().flatten().copied().collect() };
    match proof.layout() {
        payer_proof::Layout::CoreLightning => {
            if let Some(preimage) = &t.proof_preimage {
                m.insert("proof_preimage".into(), hex(preimage).into());
            }
            m.insert("proof_omitted_tlvs".into(), numbers(&t.proof_omitted_tlvs));
            m.insert(
                "proof_missing_hashes".into(),
                hashes(&t.proof_missing_hashes),
            );
            m.insert("proof_leaf_hashes".into(), hashes(&t.proof_leaf_hashes));
            if let Some(note) = &t.proof_note {
                m.insert("proof_note".into(), note.as_str().into());
            }
            if let Some(sig) = &t.proof_signature {
                m.insert("proof_signature".into(), sig.to_string().into());
            }
        }
        payer_proof::Layout::Draft => {
            if let Some(preimage) = &t.preimage {
                m.insert("preimage".into(), hex(preimage).into());
            }
            m.insert("omitted_tlvs".into(), numbers(&t.omitted_tlvs));
            m.insert("missing_hashes".into(), hashes(&t.missing_hashes));
            m.insert("leaf_hashes".into(), hashes(&t.leaf_hashes));
            if let Some(ps) = &t.payer_signature {
                m.insert(
                    "payer_signature".into(),
                    json!({"sig": ps.sig.to_string(), "note": ps.note}),
                );
            }
        }
    }
    add_unknown(&mut m, "unknown_payer_proof_tlvs", &t.unknown);
    m.insert("valid".into(), true.into());
    Value::Object(m)
}

/// CLN's `json_add_offer_fields`, plus our `warning_offer_expired` when `warn_expiry`.
/// Returns CLN's verdict on the fields (`false` after a warning that invalidates).
fn add_offer_fields(
    m: &mut Map<String, Value>,
    f: &OfferFields<'_>,
    now: Option<u64>,
    warn_expiry: bool,
) -> bool {
    let mut valid = true;
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
    } else if f.amount.is_some() {
        m.insert(
            "warning_missing_offer_description".into(),
            "description is required if offer_amount is set (for the user to know what it was they paid for)".into(),
        );
        valid = false;
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
        valid &= add_paths(m, "offer_paths", paths, None);
    }
    if let Some(max) = f.quantity_max {
        m.insert("offer_quantity_max".into(), max.into());
    }
    // Both may be present; CLN then writes the key twice and a JSON reader keeps the
    // second value in the first one's place, which is what inserting twice does here.
    for (recurrence, compulsory) in [
        (f.recurrence_compulsory, true),
        (f.recurrence_optional, false),
    ] {
        if let Some(r) = recurrence {
            m.insert("offer_recurrence".into(), recurrence_json(r, compulsory, f));
        }
    }
    if let Some(id) = f.issuer_id {
        m.insert("offer_issuer_id".into(), id.to_string().into());
    }
    valid
}

/// CLN's `json_add_recurrence`: the recurrence with its base, limit and pay window.
fn recurrence_json(r: &Recurrence, compulsory: bool, f: &OfferFields<'_>) -> Value {
    let mut o = Map::new();
    o.insert("compulsory_field".into(), compulsory.into());
    o.insert("time_unit".into(), r.time_unit.into());
    let name = match r.time_unit {
        0 => Some("seconds"),
        1 => Some("days"),
        2 => Some("months"),
        _ => None,
    };
    if let Some(name) = name {
        o.insert("time_unit_name".into(), name.into());
    }
    o.insert("period".into(), r.period.into());
    if let Some(base) = f.recurrence_base {
        o.insert("basetime".into(), base.basetime.into());
        if base.proportional_amount != 0 {
            o.insert("proportional_amount".into(), true.into());
        }
    }
    if let Some(limit) = f.recurrence_limit {
        o.insert("limit".into(), limit.into());
    }
    if let Some(window) = f.recurrence_paywindow {
        o.insert(
            "paywindow".into(),
            json!({
                "seconds_before": window.seconds_before,
                "seconds_after": window.seconds_after,
            }),
        );
    }
    Value::Object(o)
}

/// CLN's `json_add_invreq_fields`; returns its verdict on the fields.
fn add_invreq_fields(m: &mut Map<String, Value>, f: &InvreqFields<'_>) -> bool {
    let mut valid = true;
    match f.metadata {
        Some(metadata) => {
            m.insert("invreq_metadata".into(), hex(metadata).into());
        }
        None => {
            m.insert(
                "warning_missing_invreq_metadata".into(),
                "invreq_metadata required".into(),
            );
            valid = false;
        }
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
        valid &= add_paths(m, "invreq_paths", paths, None);
    }
    if let Some(name) = f.bip_353_name {
        m.insert(
            "invreq_bip_353_name".into(),
            json!({
                "name": String::from_utf8_lossy(&name.name),
                "domain": String::from_utf8_lossy(&name.domain),
            }),
        );
        let ok = |b: &[u8]| {
            b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        };
        if !ok(&name.name) {
            m.insert(
                "warning_invreq_bip_353_name_name_invalid".into(),
                "bip353 name field contains invalid characters".into(),
            );
            valid = false;
        }
        if !ok(&name.domain) {
            m.insert(
                "warning_invreq_bip_353_name_domain_invalid".into(),
                "bip353 domain field contains invalid characters".into(),
            );
            valid = false;
        }
    }
    if let Some(counter) = f.recurrence_counter {
        m.insert("invreq_recurrence_counter".into(), counter.into());
        if let Some(start) = f.recurrence_start {
            m.insert("invreq_recurrence_start".into(), start.into());
        }
    }
    if f.recurrence_cancel {
        m.insert("invreq_recurrence_cancel".into(), true.into());
        match f.recurrence_counter {
            None => {
                m.insert(
                    "warning_invreq_recurrence_cancel_without_counter".into(),
                    "invreq_recurrence_cancel is invalid without invreq_recurrence_counter".into(),
                );
                valid = false;
            }
            Some(0) => {
                m.insert(
                    "warning_invreq_recurrence_cancel_with_zero_counter".into(),
                    "invreq_recurrence_cancel is invalid with invreq_recurrence_counter zero"
                        .into(),
                );
                valid = false;
            }
            Some(_) => {}
        }
    }
    valid
}

/// CLN's `json_add_blinded_paths`: one object per path, with its `payinfo` when given;
/// then its two checks (one payinfo per path, no path without hops), as warnings.
/// Returns whether neither fired.
fn add_paths(
    m: &mut Map<String, Value>,
    key: &str,
    paths: &[BlindedPath],
    payinfo: Option<&[BlindedPayinfo]>,
) -> bool {
    m.insert(key.into(), paths_json(paths, payinfo));
    if let Some(infos) = payinfo.filter(|infos| infos.len() != paths.len()) {
        m.insert(
            "warning_invalid_invoice_blindedpay".into(),
            format!(
                "invoice has {} blinded_payinfo but {} paths",
                infos.len(),
                paths.len()
            )
            .into(),
        );
        return false;
    }
    if let Some(i) = paths.iter().position(|p| p.path.is_empty()) {
        m.insert(
            "warning_empty_blinded_path".into(),
            format!("blinded path {i} has 0 hops").into(),
        );
        return false;
    }
    true
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
/// the others; CLN's `decode` names them with a warning and reports the invoice invalid,
/// which the returned flag says (`false` after any warning).
fn fallbacks_json(fallbacks: &[FallbackAddress], chain: &ChainHash) -> (Value, bool) {
    let address_hrp = KNOWN_CHAINS
        .iter()
        .find(|(_, hash, _)| hash == chain)
        .map(|(_, _, prefix)| *prefix);
    let mut valid = true;
    let fallbacks = fallbacks
        .iter()
        .map(|f| {
            let mut o = Map::new();
            o.insert("version".into(), f.version.into());
            o.insert("hex".into(), hex(&f.address).into());
            let warning = if f.version > 16 {
                Some((
                    "warning_invalid_invoice_fallbacks_version",
                    "invoice fallback version > 16",
                ))
            } else if !(2..=40).contains(&f.address.len()) {
                Some((
                    "warning_invalid_invoice_fallbacks_address",
                    "invoice fallback address bad length",
                ))
            } else if let Some(prefix) = address_hrp {
                match segwit_address(prefix, f.version, &f.address) {
                    Some(address) => {
                        o.insert("address".into(), address.into());
                        None
                    }
                    None => Some((
                        "warning_invalid_invoice_fallbacks_address",
                        "invalid fallback address for this version",
                    )),
                }
            } else {
                None
            };
            if let Some((key, text)) = warning {
                o.insert(key.into(), text.into());
                valid = false;
            }
            Value::Object(o)
        })
        .collect();
    (Value::Array(fallbacks), valid)
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

/// Lowercase hex, two digits a byte (a table, not `fmt` per byte: `decode` writes every
/// path key and payload this way, and `{:02x}` per byte was a large share of its time).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}
