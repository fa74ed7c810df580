//! lnap vendor proofs: decode, verify against Mozilla's roots, check offers.
//!
//! Its own build (`lnap` feature without `bolt12`: only these three exports and what they
//! need), which the full entry fetches on first use (`loadLnap()`), so a page that never
//! checks a vendor proof never downloads X.509, RSA, P-256/P-384 and the root certificates.

use std::str::FromStr;

use lnap::pki::TrustAnchors;
use lnap::{Proof, UnixTime};
use wasm_bindgen::prelude::*;

use crate::{js_error, now_secs, to_js, with_field};

#[wasm_bindgen(typescript_custom_section)]
const TS_LNAP: &'static str = r#"
/** The JSON view of an lnap proof (`lnap1...`): vendor, node ids, certificates... */
export interface LnapDecoded {
  type: "lnap proof";
  valid: boolean;
  [field: string]: unknown;
}

/** What a wallet can tell its user about a vendor proof. */
export interface LnapReport {
  /** `verified`, `not_covered`, `mismatch`, `expired` or `untrusted`. */
  verdict: "verified" | "not_covered" | "mismatch" | "expired" | "untrusted";
  /** Stable snake_case reason (`ok`, `proof_expired`, `node_id_not_in_proof`, ...). */
  reason: string;
  /** A sentence for people. */
  detail: string;
  /** The proof's vendor domain. */
  vendor: string;
}
"#;

/// An offer (`lno1...`, BOLT 12 §Offers), with the same error codes as the bolt12 exports
/// (`decode`, `checkInvoice`): `WRONG_TYPE`, `NOT_BOLT12` or `INVALID_BOLT12`, `kind:
/// "offer"`. Here rather than from `bolt12_api`, which this build leaves out.
fn parse_offer(s: &str) -> Result<bolt12::Offer, JsValue> {
    bolt12::json::strip_lightning_prefix(s)
        .parse::<bolt12::Offer>()
        .map_err(|e| {
            let code = match e {
                bolt12::ParseError::WrongPrefix { .. } => "WRONG_TYPE",
                bolt12::ParseError::String(_) => "NOT_BOLT12",
                _ => "INVALID_BOLT12",
            };
            with_field(
                js_error(code, &format!("invalid offer: {e}")),
                "kind",
                JsValue::from_str("offer"),
            )
        })
}

fn parse_proof(s: &str) -> Result<Proof, JsValue> {
    Proof::from_str(s).map_err(|e| js_error("LNAP_INVALID", &format!("invalid lnap proof: {e}")))
}

fn anchors() -> Result<TrustAnchors, JsValue> {
    TrustAnchors::mozilla().map_err(|e| js_error("LNAP_ANCHORS", &e.to_string()))
}

fn at(now: Option<f64>) -> UnixTime {
    UnixTime::from_secs(i64::try_from(now_secs(now)).unwrap_or(i64::MAX))
}

fn report(r: &lnap::Report) -> JsValue {
    serde_json::to_value(r)
        .map(|v| to_js(&v))
        .unwrap_or(JsValue::NULL)
}

/// Decodes an lnap proof (`lnap1...` or hex) into its JSON view. Says nothing about
/// trust: see `lnapVerify`. Throws `LNAP_INVALID`.
#[wasm_bindgen(js_name = lnapDecode, unchecked_return_type = "LnapDecoded")]
pub fn lnap_decode(proof: &str) -> Result<JsValue, JsValue> {
    Ok(to_js(&parse_proof(proof)?.to_json()))
}

/// Verifies an lnap proof against Mozilla's root certificates at `now` (seconds since the
/// epoch, default: now): the verdict is `verified`, `expired` or `untrusted`, with the
/// reason. Throws `LNAP_INVALID` if the proof does not parse.
#[wasm_bindgen(js_name = lnapVerify, unchecked_return_type = "LnapReport")]
pub fn lnap_verify(proof: &str, now: Option<f64>) -> Result<JsValue, JsValue> {
    let p = parse_proof(proof)?;
    Ok(report(&p.verify_report(&anchors()?, at(now))))
}

/// Checks an offer against an lnap proof: the proof verifies, the offer's `offer_issuer`
/// names the proof's vendor domain and its `offer_issuer_id` is among the proof's node
/// ids. Throws `LNAP_INVALID` or `INVALID_BOLT12`; every other outcome is a verdict.
#[wasm_bindgen(js_name = lnapCheckOffer, unchecked_return_type = "LnapReport")]
pub fn lnap_check_offer(proof: &str, offer: &str, now: Option<f64>) -> Result<JsValue, JsValue> {
    let p = parse_proof(proof)?;
    let o = parse_offer(offer)?;
    Ok(report(&p.check_offer(&o, &anchors()?, at(now))))
}
