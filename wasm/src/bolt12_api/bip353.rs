//! `verifyBip353`: BIP 353 payment instructions (`₿user@domain`) proven offline by an
//! RFC 9102 DNSSEC proof, to the IANA root trust anchors, at a given time
//! (`bolt12::bip353::verify_proof`, cargo feature `bip353`). Fetching the proof (DNS over
//! HTTPS, a resolver) is the caller's.

use bolt12::bip353::{verify_proof, Bip353Error, Hrn, MAX_PROOF_LEN};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{js_error, now_secs, object, opt_prop, parse_js, with_field};

#[wasm_bindgen(typescript_custom_section)]
const TS_BIP353: &'static str = r#"
/** Options of `verifyBip353`. */
export interface Bip353Options {
  /** Seconds since the epoch at which every signature of the proof must be valid (default: now). */
  at?: number;
}

/** BIP 353 payment instructions, proven. */
export interface Bip353Resolved {
  /** The name, `₿user@domain`. */
  name: string;
  /** The DNS name queried: `user.user._bitcoin-payment.domain.` */
  dnsName: string;
  /** The `bitcoin:` URI of the name's TXT record. */
  uri: string;
  /** Its `lno` parameter (`lno1...`), or null when the URI has no offer. */
  offer: string | null;
  /** The offer as `decode` gives it (Core Lightning's `decode` JSON), or null. */
  decoded: Bolt12Decoded | null;
  /** The time the proof was checked at. */
  at: number;
  /** The latest RRSIG inception and the earliest expiration of the chain (seconds since the epoch). */
  validFrom: number;
  expires: number;
  /** The shortest TTL of the records: cache the instructions this many seconds at most. */
  maxCacheTtl: number;
}

/**
 * Verifies `proof` (RFC 9102: the DNS resource records, in wire form, back to back; bytes
 * or hex) of the BIP 353 name `name` (`[₿]user@domain`) at `options.at` (default: now),
 * to the IANA root trust anchors, and returns the name's `bitcoin:` URI and its `lno`
 * offer. Throws a `ToolkitError` with a `BIP353_*` code (or `BAD_ARGUMENT`).
 */
export function verifyBip353(name: string, proof: Uint8Array | string, options?: Bip353Options): Bip353Resolved;
"#;

/// The stable code of each failure.
fn code(e: &Bip353Error) -> &'static str {
    use Bip353Error as E;
    match e {
        E::InvalidName(_) => "BIP353_BAD_NAME",
        E::ProofTooLong { .. } => "BIP353_PROOF_TOO_LONG",
        E::MalformedProof => "BIP353_MALFORMED_PROOF",
        E::InvalidChain => "BIP353_INVALID_CHAIN",
        E::UnsupportedAlgorithm => "BIP353_UNSUPPORTED_ALGORITHM",
        E::TooManySteps => "BIP353_TOO_MANY_STEPS",
        E::NotYetValid { .. } => "BIP353_NOT_YET_VALID",
        E::Expired { .. } => "BIP353_EXPIRED",
        E::NoRecord(_) => "BIP353_NO_RECORD",
        E::MultipleRecords(..) => "BIP353_MULTIPLE_RECORDS",
        E::NotUtf8(_) => "BIP353_NOT_UTF8",
        E::UnknownRequiredParameter(_) | E::DuplicateParameter(_) | E::BadPercentEncoding(_) => {
            "BIP353_BAD_URI"
        }
        E::Offer(_) => "BIP353_BAD_OFFER",
    }
}

fn bip353_error(e: &Bip353Error) -> JsValue {
    let err = js_error(code(e), &e.to_string());
    match e {
        Bip353Error::NotYetValid { valid_from, at } => with_field(
            with_field(err, "validFrom", JsValue::from_f64(*valid_from as f64)),
            "at",
            JsValue::from_f64(*at as f64),
        ),
        Bip353Error::Expired { expires, at } => with_field(
            with_field(err, "expires", JsValue::from_f64(*expires as f64)),
            "at",
            JsValue::from_f64(*at as f64),
        ),
        _ => err,
    }
}

/// The proof's bytes: a `Uint8Array` (or any `ArrayBufferView`-like array of bytes) or a
/// hex string, refused before copying when longer than `MAX_PROOF_LEN`.
fn proof_bytes(proof: &JsValue) -> Result<Vec<u8>, JsValue> {
    let too_long = |len: usize| {
        bip353_error(&Bip353Error::ProofTooLong {
            len,
            max: MAX_PROOF_LEN,
        })
    };
    if let Some(s) = proof.as_string() {
        let s = s.trim();
        if s.len() / 2 > MAX_PROOF_LEN {
            return Err(too_long(s.len() / 2));
        }
        return hex::decode(s).map_err(|_| {
            js_error(
                "BAD_ARGUMENT",
                "proof must be a Uint8Array or a hex string (RFC 9102 records, back to back)",
            )
        });
    }
    let bytes = proof.dyn_ref::<crate::js::Bytes>().ok_or_else(|| {
        js_error(
            "BAD_ARGUMENT",
            "proof must be a Uint8Array or a hex string (RFC 9102 records, back to back)",
        )
    })?;
    let len = bytes.length() as usize;
    if len > MAX_PROOF_LEN {
        return Err(too_long(len));
    }
    Ok(crate::js::copy_of(bytes))
}

/// Verifies `proof` (RFC 9102: the DNS resource records, in wire form, back to back) of
/// the BIP 353 name `name` (`[₿]user@domain`) at `options.at` (default: now): every
/// signature verifies along a chain from the IANA root trust anchors and is valid at that
/// time; the name's TXT records hold exactly one `bitcoin:` URI (BIP 353), whose `lno`
/// parameter, if any, is a valid offer (BOLT 12).
///
/// Throws (stable codes) `BIP353_BAD_NAME`, `BIP353_PROOF_TOO_LONG`,
/// `BIP353_MALFORMED_PROOF`, `BIP353_INVALID_CHAIN`, `BIP353_UNSUPPORTED_ALGORITHM`,
/// `BIP353_TOO_MANY_STEPS`, `BIP353_NOT_YET_VALID` (with `validFrom`, `at`),
/// `BIP353_EXPIRED` (with `expires`, `at`), `BIP353_NO_RECORD`, `BIP353_MULTIPLE_RECORDS`,
/// `BIP353_NOT_UTF8`, `BIP353_BAD_URI`, `BIP353_BAD_OFFER` or `BAD_ARGUMENT`.
#[wasm_bindgen(js_name = verifyBip353, skip_typescript)]
pub fn verify_bip353(name: &str, proof: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let hrn = Hrn::parse(name).map_err(|e| bip353_error(&e))?;
    let proof = proof_bytes(&proof)?;
    let at = match opt_prop(&options, "at") {
        None => now_secs(None),
        Some(v) => match v.as_f64() {
            Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 => t as u64,
            _ => {
                return Err(js_error(
                    "BAD_ARGUMENT",
                    "at must be a non-negative integer (seconds since the epoch)",
                ))
            }
        },
    };
    let r = verify_proof(&hrn, &proof, at).map_err(|e| bip353_error(&e))?;
    let (offer, decoded) = match &r.offer {
        Some(offer) => (
            JsValue::from_str(&offer.to_string()),
            parse_js(&bolt12::json::offer_json_text_at(offer, Some(at))),
        ),
        None => (JsValue::NULL, JsValue::NULL),
    };
    Ok(object(&[
        ("name", JsValue::from_str(&r.name.to_string())),
        ("dnsName", JsValue::from_str(&r.name.dns_name())),
        ("uri", JsValue::from_str(&r.uri)),
        ("offer", offer),
        ("decoded", decoded),
        ("at", JsValue::from_f64(at as f64)),
        ("validFrom", JsValue::from_f64(r.valid_from as f64)),
        ("expires", JsValue::from_f64(r.expires as f64)),
        ("maxCacheTtl", JsValue::from_f64(f64::from(r.max_cache_ttl))),
    ]))
}
