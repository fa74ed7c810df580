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
//!
//! The field rules are written once, against a sink (`json/sink.rs`): a
//! `serde_json::Value` for [`decode_json_at`] and the other `*_json*` functions, or the JSON
//! text itself for [`decode_json_text_at`] (what the npm package hands to `JSON.parse`,
//! without building and serialising a `Value`).

use bech32::{hrp, Fe32, Hrp};
use serde_json::Value;
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
use crate::{invoice, invoice_request, offer, Invoice, InvoiceRequest, Offer};

mod sink;
use sink::{Sink, Text, Tree};

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
        /// Core Lightning's `decode` answer when it is an object (`valid: false`), as
        /// compact JSON text, keys in Core Lightning's order; `None` when Core Lightning
        /// refuses the string with an RPC error (or says it is valid: the differences are
        /// listed in `bolt12/DECODE-DIFFERENCES.md`). Text, not a `Value`, so that the
        /// npm package hands it to `JSON.parse` and links no JSON tree.
        json: Option<Box<str>>,
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
    pub fn cln_json(&self) -> Option<Value> {
        self.cln_json_text()
            .and_then(|text| serde_json::from_str(text).ok())
    }

    /// [`DecodeJsonError::cln_json`] as the compact JSON text it is kept as.
    pub fn cln_json_text(&self) -> Option<&str> {
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
            if sink::is_invalidating(k) {
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
    decode_into(input, now, Tree::new()).map(Tree::into_value)
}

/// [`decode_json_at`] as compact JSON text, written directly (no `serde_json::Value` is
/// built): the same fields, values and key order, so that parsing the text (with
/// `serde_json`, or JavaScript's `JSON.parse`) gives exactly [`decode_json_at`]'s object.
/// The errors are [`decode_json_at`]'s.
pub fn decode_json_text_at(input: &str, now: Option<u64>) -> Result<String, DecodeJsonError> {
    // About twice the string's length: hex is two characters a byte, bech32 1.6.
    let capacity = 2 * input.len() + 256;
    decode_into(input, now, Text::with_capacity(capacity)).map(Text::into_string)
}

/// [`decode_json_at`] into any sink: `Ok` when the object written is `valid: true`.
fn decode_into<S: Sink>(input: &str, now: Option<u64>, mut out: S) -> Result<S, DecodeJsonError> {
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
    let refused = |source: ParseError, cln: Option<String>| DecodeJsonError::Invalid {
        kind,
        source,
        json: cln.map(String::into_boxed_str),
    };
    // Core Lightning's object is written again (only on these paths) into a `Text::cln`
    // sink, which leaves out our clock's warnings and notes the first invalidating one.
    let capacity = 2 * s.len() + 256;
    // Our reader accepts the string but Core Lightning's `decode` says `valid: false`: the
    // error carries that object.
    let cln_invalid = |write: &dyn Fn(&mut Text) -> bool| {
        let mut text = Text::cln(capacity);
        write(&mut text);
        let (warning, message) = text.first_invalidating().unwrap_or_default();
        refused(
            SemanticError::ClnInvalid { warning, message }.into(),
            Some(text.into_string()),
        )
    };
    match kind {
        // Core Lightning's `payer_proof_decode` refuses every proof its reader refuses:
        // an RPC error, never a `valid: false` object.
        "payer_proof" => {
            let proof = PayerProof::from_bytes(bytes).map_err(|e| {
                refused(
                    match e {
                        PayerProofError::Parse(p) => p,
                        other => SemanticError::PayerProof(Box::new(other)).into(),
                    },
                    None,
                )
            })?;
            write_payer_proof(&mut out, &proof);
            Ok(out)
        }
        // Core Lightning's offer_decode applies every rule its decode would warn about,
        // so it never prints an offer with `valid: false`.
        "offer" => {
            let offer = Offer::from_bytes(bytes).map_err(|e| refused(e, None))?;
            if write_offer(&mut out, &offer, now) {
                Ok(out)
            } else {
                Err(cln_invalid(&|t: &mut Text| write_offer(t, &offer, now)))
            }
        }
        "invoice_request" => match InvoiceRequest::from_bytes(bytes.clone()) {
            Ok(r) => {
                if write_invreq(&mut out, r.as_bytes(), r.tlvs(), now) {
                    Ok(out)
                } else {
                    Err(cln_invalid(&|t: &mut Text| {
                        write_invreq(t, r.as_bytes(), r.tlvs(), now)
                    }))
                }
            }
            Err(e) => {
                let cln = InvoiceRequestTlvs::decode(&bytes)
                    .ok()
                    .filter(|t| !cln_refuses_invreq(t))
                    .and_then(|t| {
                        let mut text = Text::cln(capacity);
                        let valid = write_invreq(&mut text, &bytes, &t, now);
                        (!valid).then(|| text.into_string())
                    });
                Err(refused(e, cln))
            }
        },
        _ => match Invoice::from_bytes(bytes.clone()) {
            Ok(i) => {
                if write_invoice(&mut out, i.as_bytes(), i.tlvs(), now) {
                    Ok(out)
                } else {
                    Err(cln_invalid(&|t: &mut Text| {
                        write_invoice(t, i.as_bytes(), i.tlvs(), now)
                    }))
                }
            }
            Err(e) => {
                let cln = InvoiceTlvs::decode(&bytes)
                    .ok()
                    .filter(|t| !cln_refuses_invoice(&bytes, t))
                    .and_then(|t| {
                        let mut text = Text::cln(capacity);
                        let valid = write_invoice(&mut text, &bytes, &t, now);
                        (!valid).then(|| text.into_string())
                    });
                Err(refused(e, cln))
            }
        },
    }
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
    let mut tree = Tree::new();
    write_offer(&mut tree, offer, now);
    tree.into_value()
}

/// [`offer_json_at`] as compact JSON text, written directly (as [`decode_json_text_at`]).
pub fn offer_json_text_at(offer: &Offer, now: Option<u64>) -> String {
    let mut text = Text::with_capacity(1024);
    write_offer(&mut text, offer, now);
    text.into_string()
}

/// The `decode` JSON of an invoice request; `now` for the offer expiry warning.
pub fn invoice_request_json_at(request: &InvoiceRequest, now: Option<u64>) -> Value {
    let mut tree = Tree::new();
    write_invreq(&mut tree, request.as_bytes(), request.tlvs(), now);
    tree.into_value()
}

/// The `decode` JSON of an invoice; `now` for the invoice expiry warning.
pub fn invoice_json_at(inv: &Invoice, now: Option<u64>) -> Value {
    let mut tree = Tree::new();
    write_invoice(&mut tree, inv.as_bytes(), inv.tlvs(), now);
    tree.into_value()
}

/// The `decode` JSON of a payer proof (DRAFT, lightning/bolts#1295): Core Lightning's
/// `json_add_payer_proof` (`plugins/offers.c`) for [`payer_proof::Layout::CoreLightning`],
/// key for key. A proof in the draft's layout, which Core Lightning cannot read, gets the
/// same keys for the invoice fields and `signature`, then the draft's records under their
/// names: `preimage`, `omitted_tlvs`, `missing_hashes`, `leaf_hashes` and `payer_signature`
/// (`{sig, note}`); our format.
pub fn payer_proof_json(proof: &PayerProof) -> Value {
    let mut tree = Tree::new();
    write_payer_proof(&mut tree, proof);
    tree.into_value()
}

/// CLN's `json_add_offer` (`plugins/offers.c`); returns the `valid` it writes.
fn write_offer<S: Sink>(m: &mut S, offer: &Offer, now: Option<u64>) -> bool {
    let t = offer.tlvs();
    m.open(None, false);
    m.field_str("type", "bolt12 offer");
    m.field_hex("offer_id", &offer.id().0);
    let mut valid = add_offer_fields(m, &offer_fields!(t), now, true);
    if t.offer_issuer_id.is_none() && t.offer_paths.is_none() {
        m.field_str(
            "warning_missing_offer_issuer_id",
            "offers without an issuer_id or paths are invalid",
        );
        valid = false;
    }
    add_unknown(m, "unknown_offer_tlvs", &t.unknown);
    m.field_bool("valid", valid);
    m.close();
    valid
}

/// CLN's `json_add_invoice_request` (`plugins/offers.c`), for any well-formed stream: the
/// `valid` it computes (returned) and its `warning_*` fields.
fn write_invreq<S: Sink>(
    m: &mut S,
    bytes: &[u8],
    t: &InvoiceRequestTlvs,
    now: Option<u64>,
) -> bool {
    m.open(None, false);
    m.field_str("type", "bolt12 invoice_request");
    if t.offer_issuer_id.is_some() || t.offer_paths.is_some() {
        m.field_hex("offer_id", &offer::offer_id_of(bytes));
    }
    let mut valid = add_offer_fields(m, &offer_fields!(t), now, true);
    valid &= add_invreq_fields(m, &invreq_fields!(t, t.invreq_recurrence_cancel.is_some()));
    if t.invreq_payer_id.is_none() {
        m.field_str(
            "warning_missing_invreq_payer_id",
            "invreq_payer_id required",
        );
        valid = false;
    }
    match (&t.signature, &t.invreq_payer_id) {
        (Some(sig), Some(key))
            if !matches!(merkle::root(bytes), Ok(Some(root))
                if merkle::verify(invoice_request::MESSAGE_NAME, "signature", &root, sig, key)) =>
        {
            m.field_str("warning_invalid_invoice_request_signature", "Bad signature");
            valid = false;
        }
        (Some(sig), _) => m.field_hex("signature", &sig.0),
        (None, _) => {
            m.field_str(
                "warning_missing_invoice_request_signature",
                "Missing signature",
            );
            valid = false;
        }
    }
    add_unknown(m, "unknown_invoice_request_tlvs", &t.unknown);
    m.field_bool("valid", valid);
    m.close();
    valid
}

/// CLN's `json_add_b12_invoice` (`plugins/offers.c`), for any well-formed stream; returns
/// the `valid` it writes.
fn write_invoice<S: Sink>(m: &mut S, bytes: &[u8], t: &InvoiceTlvs, now: Option<u64>) -> bool {
    m.open(None, false);
    m.field_str("type", "bolt12 invoice");
    if t.offer_issuer_id.is_some() || t.offer_paths.is_some() {
        m.field_hex("offer_id", &offer::offer_id_of(bytes));
    }
    let mut valid = add_offer_fields(m, &offer_fields!(t), now, false);
    valid &= add_invreq_fields(m, &invreq_fields!(t, false));
    let recurring =
        t.offer_recurrence_compulsory.is_some() || t.offer_recurrence_optional.is_some();
    let missing = [
        (
            t.invoice_paths.is_none(),
            "warning_missing_invoice_paths",
            "invoices without a invoice_paths are invalid",
        ),
        (
            t.invoice_paths.is_some() && t.invoice_blindedpay.is_none(),
            "warning_missing_invoice_blindedpay",
            "invoices with paths without blindedpay are invalid",
        ),
        (
            t.invoice_created_at.is_none(),
            "warning_missing_invoice_created_at",
            "invoices without created_at are invalid",
        ),
        (
            t.invoice_payment_hash.is_none(),
            "warning_missing_invoice_payment_hash",
            "invoices without a payment_hash are invalid",
        ),
        (
            t.invoice_amount.is_none(),
            "warning_missing_invoice_amount",
            "invoices without an amount are invalid",
        ),
        (
            t.invoice_node_id.is_none(),
            "warning_missing_invoice_node_id",
            "invoices without an invoice_node_id are invalid",
        ),
        (
            recurring && t.invoice_recurrence_basetime.is_none(),
            "warning_missing_invoice_recurrence_basetime",
            "recurring invoices without a recurrence_basetime are invalid",
        ),
    ];
    for (is_missing, key, text) in missing {
        if is_missing {
            m.field_str(key, text);
            valid = false;
        }
    }
    if let Some(paths) = &t.invoice_paths {
        valid &= add_paths(m, "invoice_paths", paths, t.invoice_blindedpay.as_deref());
    }
    if let Some(created_at) = t.invoice_created_at {
        m.field_u64("invoice_created_at", created_at);
    }
    // CLN prints the default when the field is absent (BOLT 12: 7200 seconds).
    let relative = t
        .invoice_relative_expiry
        .map_or(invoice::DEFAULT_RELATIVE_EXPIRY, u64::from);
    m.field_u64("invoice_relative_expiry", relative);
    if let (Some(now), Some(created_at)) = (now, t.invoice_created_at) {
        let expires_at = created_at.saturating_add(relative);
        if now > expires_at {
            m.field_str(
                "warning_invoice_expired",
                &format!(
                    "invoice expired at {expires_at} (invoice_created_at + invoice_relative_expiry), now is {now}"
                ),
            );
        }
    }
    if let Some(hash) = &t.invoice_payment_hash {
        m.field_hex("invoice_payment_hash", &hash.0);
    }
    if let Some(msat) = t.invoice_amount {
        m.field_u64("invoice_amount_msat", msat);
    }
    if let Some(fallbacks) = &t.invoice_fallbacks {
        let chain = t.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        valid &= add_fallbacks(m, fallbacks, &chain);
    }
    if let Some(features) = &t.invoice_features {
        m.field_hex("invoice_features", features);
    }
    if let Some(node_id) = &t.invoice_node_id {
        m.field_hex("invoice_node_id", node_id.as_bytes());
    }
    if let Some(basetime) = t.invoice_recurrence_basetime.filter(|_| recurring) {
        m.field_u64("invoice_recurrence_basetime", basetime);
    }
    if let Some(sig) = &t.signature {
        m.field_hex("signature", &sig.0);
    }
    add_unknown(m, "unknown_invoice_tlvs", &t.unknown);
    m.field_bool("valid", valid);
    m.close();
    valid
}

/// See [`payer_proof_json`] (always `valid: true`: Core Lightning's reader refuses the
/// rest).
fn write_payer_proof<S: Sink>(m: &mut S, proof: &PayerProof) {
    let t: &PayerProofTlvs = proof.tlvs();
    m.open(None, false);
    m.field_str("type", "bolt12 payer_proof");
    if let Some(chains) = &t.offer_chains {
        m.open_array("offer_chains");
        for chain in chains {
            m.hex(None, &chain.0);
        }
        m.close();
    }
    if let Some(metadata) = &t.offer_metadata {
        m.field_hex("offer_metadata", metadata);
    }
    match (&t.offer_currency, t.offer_amount) {
        (Some(currency), amount) => {
            m.field_str("offer_currency", currency);
            if let Some(amount) = amount {
                m.field_u64("offer_amount", amount);
            }
            if let Some(unit) = currency_minor_unit(currency) {
                m.field_u64("currency_minor_unit", unit.into());
            }
        }
        (None, Some(msat)) => m.field_u64("offer_amount_msat", msat),
        (None, None) => {}
    }
    if let Some(description) = &t.offer_description {
        m.field_str("offer_description", description);
    }
    if let Some(features) = &t.offer_features {
        m.field_hex("offer_features", features);
    }
    if let Some(expiry) = t.offer_absolute_expiry {
        m.field_u64("offer_absolute_expiry", expiry);
    }
    if let Some(paths) = &t.offer_paths {
        write_paths(m, "offer_paths", paths, None);
    }
    if let Some(issuer) = &t.offer_issuer {
        m.field_str("offer_issuer", issuer);
    }
    if let Some(max) = t.offer_quantity_max {
        m.field_u64("offer_quantity_max", max);
    }
    if let Some(id) = &t.offer_issuer_id {
        m.field_hex("offer_issuer_id", id.as_bytes());
    }
    if let Some(chain) = &t.invreq_chain {
        m.field_hex("invreq_chain", &chain.0);
    }
    if let Some(msat) = t.invreq_amount {
        m.field_u64("invreq_amount_msat", msat);
    }
    if let Some(features) = &t.invreq_features {
        m.field_hex("invreq_features", features);
    }
    if let Some(quantity) = t.invreq_quantity {
        m.field_u64("invreq_quantity", quantity);
    }
    if let Some(payer_id) = &t.invreq_payer_id {
        m.field_hex("invreq_payer_id", payer_id.as_bytes());
    }
    if let Some(note) = &t.invreq_payer_note {
        m.field_str("invreq_payer_note", note);
    }
    if let Some(paths) = &t.invreq_paths {
        write_paths(m, "invreq_paths", paths, None);
    }
    if let Some(name) = &t.invreq_bip_353_name {
        write_bip_353_name(m, name);
    }
    // CLN's json_add_invoice_fields: its path and fallback warnings, but no verdict.
    if let Some(paths) = &t.invoice_paths {
        add_paths(m, "invoice_paths", paths, t.invoice_blindedpay.as_deref());
    }
    if let Some(created_at) = t.invoice_created_at {
        m.field_u64("invoice_created_at", created_at);
    }
    if let Some(relative) = t.invoice_relative_expiry {
        m.field_u64("invoice_relative_expiry", relative.into());
    }
    if let Some(hash) = &t.invoice_payment_hash {
        m.field_hex("invoice_payment_hash", &hash.0);
    }
    if let Some(msat) = t.invoice_amount {
        m.field_u64("invoice_amount_msat", msat);
    }
    if let Some(fallbacks) = &t.invoice_fallbacks {
        let chain = t.invreq_chain.unwrap_or(ChainHash::BITCOIN);
        add_fallbacks(m, fallbacks, &chain);
    }
    if let Some(features) = &t.invoice_features {
        m.field_hex("invoice_features", features);
    }
    if let Some(node_id) = &t.invoice_node_id {
        m.field_hex("invoice_node_id", node_id.as_bytes());
    }
    if let Some(sig) = &t.signature {
        m.field_hex("signature", &sig.0);
    }
    fn hashes<S: Sink>(m: &mut S, key: &str, h: &Option<Vec<wire::Sha256>>) {
        m.open_array(key);
        for h in h.iter().flatten() {
            m.hex(None, &h.0);
        }
        m.close();
    }
    fn numbers<S: Sink>(m: &mut S, key: &str, n: &Option<Vec<u64>>) {
        m.open_array(key);
        for n in n.iter().flatten() {
            m.u64(None, *n);
        }
        m.close();
    }
    match proof.layout() {
        payer_proof::Layout::CoreLightning => {
            if let Some(preimage) = &t.proof_preimage {
                m.field_hex("proof_preimage", preimage);
            }
            numbers(m, "proof_omitted_tlvs", &t.proof_omitted_tlvs);
            hashes(m, "proof_missing_hashes", &t.proof_missing_hashes);
            hashes(m, "proof_leaf_hashes", &t.proof_leaf_hashes);
            if let Some(note) = &t.proof_note {
                m.field_str("proof_note", note);
            }
            if let Some(sig) = &t.proof_signature {
                m.field_hex("proof_signature", &sig.0);
            }
        }
        payer_proof::Layout::Draft => {
            if let Some(preimage) = &t.preimage {
                m.field_hex("preimage", preimage);
            }
            numbers(m, "omitted_tlvs", &t.omitted_tlvs);
            hashes(m, "missing_hashes", &t.missing_hashes);
            hashes(m, "leaf_hashes", &t.leaf_hashes);
            if let Some(ps) = &t.payer_signature {
                m.open_object("payer_signature");
                m.field_hex("sig", &ps.sig.0);
                m.field_str("note", &ps.note);
                m.close();
            }
        }
    }
    add_unknown(m, "unknown_payer_proof_tlvs", &t.unknown);
    m.field_bool("valid", true);
    m.close();
}

/// CLN's `json_add_offer_fields`, plus our `warning_offer_expired` when `warn_expiry`.
/// Returns CLN's verdict on the fields (`false` after a warning that invalidates).
fn add_offer_fields<S: Sink>(
    m: &mut S,
    f: &OfferFields<'_>,
    now: Option<u64>,
    warn_expiry: bool,
) -> bool {
    let mut valid = true;
    if let Some(chains) = f.chains {
        m.open_array("offer_chains");
        for chain in chains {
            m.hex(None, &chain.0);
        }
        m.close();
    }
    if let Some(metadata) = f.metadata {
        m.field_hex("offer_metadata", metadata);
    }
    match (f.currency, f.amount) {
        (Some(currency), amount) => {
            m.field_str("offer_currency", currency);
            if let Some(amount) = amount {
                m.field_u64("offer_amount", amount);
            }
            match currency_minor_unit(currency) {
                Some(unit) => m.field_u64("currency_minor_unit", unit.into()),
                None => m.field_str("warning_unknown_offer_currency", "unknown currency code"),
            }
        }
        (None, Some(msat)) => m.field_u64("offer_amount_msat", msat),
        (None, None) => {}
    }
    if let Some(description) = f.description {
        m.field_str("offer_description", description);
    } else if f.amount.is_some() {
        m.field_str(
            "warning_missing_offer_description",
            "description is required if offer_amount is set (for the user to know what it was they paid for)",
        );
        valid = false;
    }
    if let Some(issuer) = f.issuer {
        m.field_str("offer_issuer", issuer);
    }
    if let Some(features) = f.features {
        m.field_hex("offer_features", features);
    }
    if let Some(expiry) = f.absolute_expiry {
        m.field_u64("offer_absolute_expiry", expiry);
        if let Some(now) = now.filter(|now| warn_expiry && *now > expiry) {
            m.field_str(
                "warning_offer_expired",
                &format!("offer expired at {expiry} (offer_absolute_expiry), now is {now}"),
            );
        }
    }
    if let Some(paths) = f.paths {
        valid &= add_paths(m, "offer_paths", paths, None);
    }
    if let Some(max) = f.quantity_max {
        m.field_u64("offer_quantity_max", max);
    }
    // Both may be present; CLN then writes the key twice and a JSON reader keeps the
    // second value in the first one's place: written once here, with the second value.
    let recurrence = match (f.recurrence_compulsory, f.recurrence_optional) {
        (_, Some(optional)) => Some((optional, false)),
        (Some(compulsory), None) => Some((compulsory, true)),
        (None, None) => None,
    };
    if let Some((r, compulsory)) = recurrence {
        write_recurrence(m, r, compulsory, f);
    }
    if let Some(id) = f.issuer_id {
        m.field_hex("offer_issuer_id", id.as_bytes());
    }
    valid
}

/// CLN's `json_add_recurrence`: the recurrence with its base, limit and pay window.
fn write_recurrence<S: Sink>(m: &mut S, r: &Recurrence, compulsory: bool, f: &OfferFields<'_>) {
    m.open_object("offer_recurrence");
    m.field_bool("compulsory_field", compulsory);
    m.field_u64("time_unit", r.time_unit.into());
    let name = match r.time_unit {
        0 => Some("seconds"),
        1 => Some("days"),
        2 => Some("months"),
        _ => None,
    };
    if let Some(name) = name {
        m.field_str("time_unit_name", name);
    }
    m.field_u64("period", r.period.into());
    if let Some(base) = f.recurrence_base {
        m.field_u64("basetime", base.basetime);
        if base.proportional_amount != 0 {
            m.field_bool("proportional_amount", true);
        }
    }
    if let Some(limit) = f.recurrence_limit {
        m.field_u64("limit", limit.into());
    }
    if let Some(window) = f.recurrence_paywindow {
        m.open_object("paywindow");
        m.field_u64("seconds_before", window.seconds_before.into());
        m.field_u64("seconds_after", window.seconds_after.into());
        m.close();
    }
    m.close();
}

/// `invreq_bip_353_name` as `{name, domain}` (invalid UTF-8 replaced, as CLN prints it).
fn write_bip_353_name<S: Sink>(m: &mut S, name: &InvreqBip353Name) {
    m.open_object("invreq_bip_353_name");
    m.field_str("name", &String::from_utf8_lossy(&name.name));
    m.field_str("domain", &String::from_utf8_lossy(&name.domain));
    m.close();
}

/// CLN's `json_add_invreq_fields`; returns its verdict on the fields.
fn add_invreq_fields<S: Sink>(m: &mut S, f: &InvreqFields<'_>) -> bool {
    let mut valid = true;
    match f.metadata {
        Some(metadata) => m.field_hex("invreq_metadata", metadata),
        None => {
            m.field_str(
                "warning_missing_invreq_metadata",
                "invreq_metadata required",
            );
            valid = false;
        }
    }
    if let Some(payer_id) = f.payer_id {
        m.field_hex("invreq_payer_id", payer_id.as_bytes());
    }
    if let Some(chain) = f.chain {
        m.field_hex("invreq_chain", &chain.0);
    }
    if let Some(msat) = f.amount {
        m.field_u64("invreq_amount_msat", msat);
    }
    if let Some(features) = f.features {
        m.field_hex("invreq_features", features);
    }
    if let Some(quantity) = f.quantity {
        m.field_u64("invreq_quantity", quantity);
    }
    if let Some(note) = f.payer_note {
        m.field_str("invreq_payer_note", note);
    }
    if let Some(paths) = f.paths {
        valid &= add_paths(m, "invreq_paths", paths, None);
    }
    if let Some(name) = f.bip_353_name {
        write_bip_353_name(m, name);
        let ok = |b: &[u8]| {
            b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        };
        if !ok(&name.name) {
            m.field_str(
                "warning_invreq_bip_353_name_name_invalid",
                "bip353 name field contains invalid characters",
            );
            valid = false;
        }
        if !ok(&name.domain) {
            m.field_str(
                "warning_invreq_bip_353_name_domain_invalid",
                "bip353 domain field contains invalid characters",
            );
            valid = false;
        }
    }
    if let Some(counter) = f.recurrence_counter {
        m.field_u64("invreq_recurrence_counter", counter.into());
        if let Some(start) = f.recurrence_start {
            m.field_u64("invreq_recurrence_start", start.into());
        }
    }
    if f.recurrence_cancel {
        m.field_bool("invreq_recurrence_cancel", true);
        match f.recurrence_counter {
            None => {
                m.field_str(
                    "warning_invreq_recurrence_cancel_without_counter",
                    "invreq_recurrence_cancel is invalid without invreq_recurrence_counter",
                );
                valid = false;
            }
            Some(0) => {
                m.field_str(
                    "warning_invreq_recurrence_cancel_with_zero_counter",
                    "invreq_recurrence_cancel is invalid with invreq_recurrence_counter zero",
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
fn add_paths<S: Sink>(
    m: &mut S,
    key: &str,
    paths: &[BlindedPath],
    payinfo: Option<&[BlindedPayinfo]>,
) -> bool {
    write_paths(m, key, paths, payinfo);
    if let Some(infos) = payinfo.filter(|infos| infos.len() != paths.len()) {
        m.field_str(
            "warning_invalid_invoice_blindedpay",
            &format!(
                "invoice has {} blinded_payinfo but {} paths",
                infos.len(),
                paths.len()
            ),
        );
        return false;
    }
    if let Some(i) = paths.iter().position(|p| p.path.is_empty()) {
        m.field_str(
            "warning_empty_blinded_path",
            &format!("blinded path {i} has 0 hops"),
        );
        return false;
    }
    true
}

/// CLN's `json_add_blinded_paths`: one object per path, with its `payinfo` when given.
fn write_paths<S: Sink>(
    m: &mut S,
    key: &str,
    paths: &[BlindedPath],
    payinfo: Option<&[BlindedPayinfo]>,
) {
    m.open_array(key);
    for (i, p) in paths.iter().enumerate() {
        m.open(None, false);
        match &p.first_node_id {
            SciddirOrPubkey::Pubkey(key) => m.field_hex("first_node_id", key.as_bytes()),
            SciddirOrPubkey::Scid { direction, scid } => {
                m.field_str("first_scid", &scid.to_string());
                m.field_u64("first_scid_dir", direction.as_u8().into());
            }
        }
        m.field_hex("first_path_key", p.first_path_key.as_bytes());
        if let Some(info) = payinfo.and_then(|infos| infos.get(i)) {
            m.open_object("payinfo");
            m.field_u64("fee_base_msat", info.fee_base_msat.into());
            m.field_u64(
                "fee_proportional_millionths",
                info.fee_proportional_millionths.into(),
            );
            m.field_u64("cltv_expiry_delta", info.cltv_expiry_delta.into());
            m.field_u64("htlc_minimum_msat", info.htlc_minimum_msat);
            m.field_u64("htlc_maximum_msat", info.htlc_maximum_msat);
            m.field_hex("features", &info.features);
            m.close();
        }
        m.open_array("path");
        for hop in &p.path {
            m.open(None, false);
            m.field_hex("blinded_node_id", hop.blinded_node_id.as_bytes());
            m.field_hex("encrypted_recipient_data", &hop.encrypted_recipient_data);
            m.close();
        }
        m.close();
        m.close();
    }
    m.close();
}

/// CLN's `json_add_fallbacks` under `invoice_fallbacks`: `version`, `hex`, and `address`
/// when the chain is one we know and the program meets the segwit rules for its version.
/// BOLT 12 says to ignore the others; CLN's `decode` names them with a warning and reports
/// the invoice invalid, which the returned flag says (`false` after any warning).
fn add_fallbacks<S: Sink>(m: &mut S, fallbacks: &[FallbackAddress], chain: &ChainHash) -> bool {
    let address_hrp = KNOWN_CHAINS
        .iter()
        .find(|(_, hash, _)| hash == chain)
        .map(|(_, _, prefix)| *prefix);
    let mut valid = true;
    m.open_array("invoice_fallbacks");
    for f in fallbacks {
        m.open(None, false);
        m.field_u64("version", f.version.into());
        m.field_hex("hex", &f.address);
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
                    m.field_str("address", &address);
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
            m.field_str(key, text);
            valid = false;
        }
        m.close();
    }
    m.close();
    valid
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
fn add_unknown<S: Sink>(m: &mut S, key: &str, unknown: &[UnknownRecord]) {
    if unknown.is_empty() {
        return;
    }
    m.open_array(key);
    for r in unknown {
        m.open(None, false);
        m.field_u64("type", r.tlv_type);
        m.field_u64("length", r.value.len() as u64);
        m.field_hex("value", &r.value);
        m.close();
    }
    m.close();
}
