//! BOLT 12 strings: decode, validate, build invoice requests, check invoices.

use bolt12::json::{decode_json_text_at, DecodeJsonError};
use bolt12::wire::{ChainHash, TlvStreamReader};
use bolt12::{Amount, Invoice, InvoiceRequest, InvoiceRequestBuilder, Offer, ParseError};
use curve::Keys;
use secp256k1::SecretKey;
use wasm_bindgen::prelude::*;

use crate::{js_error, now_secs, number, object, opt_string, opt_u64, parse_js, with_field};

#[cfg(feature = "bip353")]
pub mod bip353;

#[wasm_bindgen(typescript_custom_section)]
const TS_BOLT12: &'static str = r#"
/**
 * Core Lightning's `decode` JSON for an offer, invoice request or invoice, exactly as
 * `bolt12 decode` prints it: `type`, `offer_id`, every `offer_*`, `invreq_*`, `invoice_*`
 * field under CLN's names, `signature`, `warning_*` fields and, last, `valid`.
 */
export interface Bolt12Decoded {
  type: "bolt12 offer" | "bolt12 invoice_request" | "bolt12 invoice";
  valid: boolean;
  offer_id?: string;
  [field: string]: unknown;
}

/** The answer of `validate`: never throws for bad input. */
export interface Bolt12Validation {
  valid: boolean;
  /** `bolt12 offer`, `bolt12 invoice_request` or `bolt12 invoice` when known. */
  type?: string;
  /** Why not valid: `NOT_BOLT12`, `UNKNOWN_PREFIX` or `INVALID_BOLT12`. */
  code?: ErrorCode;
  message?: string;
  /** The decoded JSON when valid. */
  decoded?: Bolt12Decoded;
  /** When not valid but Core Lightning's `decode` still answers with an object (`valid:
   *  false` and its `warning_*` fields, e.g. a bad signature): that object, exactly. */
  cln?: Bolt12Decoded;
}

/** Options of `createInvoiceRequest`. */
export interface InvoiceRequestOptions {
  /** `invreq_amount` in millisatoshi (required when the offer has no amount). */
  amountMsat?: number | bigint | string;
  /** `invreq_quantity`. */
  quantity?: number | bigint | string;
  /** `invreq_payer_note`. */
  payerNote?: string;
  /** The payer's 32-byte secret key in hex; a fresh random key when absent. */
  payerSecret?: string;
  /** `invreq_metadata` in hex; 16 random bytes when absent. */
  metadata?: string;
  /** Seconds since the epoch used for the offer's expiry check (default: now). */
  now?: number;
}

/** A signed invoice request and the key that signed it. */
export interface CreatedInvoiceRequest {
  /** `lnr1...` */
  invoiceRequest: string;
  /** `invreq_payer_id` (hex). */
  payerId: string;
  /** Its secret key (hex): keep it to check and pay the invoice. */
  payerSecret: string;
  /** `decode` JSON of the request. */
  decoded: Bolt12Decoded;
}

/** Options of `checkInvoice`: what to check the invoice against. */
export interface InvoiceCheckOptions {
  /** The offer (`lno1...`) the invoice should answer. */
  offer?: string;
  /** The invoice request (`lnr1...`) we sent: the payer's full check (BOLT 12 §Invoices). */
  invoiceRequest?: string;
  /** Seconds since the epoch for the expiry check (default: now). */
  now?: number;
}

/** Verdict of `checkInvoice`. The signature is always verified (a bad one throws `INVALID_BOLT12`). */
export interface InvoiceCheck {
  ok: boolean;
  /** `OK`, `FIELD_MISMATCH`, `NODE_ID_MISMATCH`, `AMOUNT_MISMATCH`, `AMOUNT_ABOVE_EXPECTED`, `EXPIRED`, `UNSUPPORTED_CHAIN`. */
  code: string;
  message: string;
  /** What it was checked against: `signature`, `offer` or `invoice_request`. */
  against: string;
  nodeId: string;
  amountMsat: number;
  paymentHash: string;
  createdAt: number;
  expiresAt: number;
  offerId?: string;
  decoded: Bolt12Decoded;
}
"#;

fn decode_error(e: DecodeJsonError) -> JsValue {
    match &e {
        DecodeJsonError::NotBolt12(_) => js_error("NOT_BOLT12", &e.to_string()),
        DecodeJsonError::UnknownPrefix(_) => js_error("UNKNOWN_PREFIX", &e.to_string()),
        DecodeJsonError::Invalid { kind, .. } => {
            let err = with_field(
                js_error("INVALID_BOLT12", &e.to_string()),
                "kind",
                JsValue::from_str(kind),
            );
            match e.cln_json_text() {
                Some(cln) => with_field(err, "cln", parse_js(cln)),
                None => err,
            }
        }
    }
}

fn parse_error(kind: &str, e: ParseError) -> JsValue {
    let code = match e {
        ParseError::WrongPrefix { .. } => "WRONG_TYPE",
        ParseError::String(_) => "NOT_BOLT12",
        _ => "INVALID_BOLT12",
    };
    with_field(
        js_error(code, &format!("invalid {kind}: {e}")),
        "kind",
        JsValue::from_str(kind),
    )
}

pub(crate) fn parse_offer(s: &str) -> Result<Offer, JsValue> {
    bolt12::json::strip_lightning_prefix(s)
        .parse::<Offer>()
        .map_err(|e| parse_error("offer", e))
}

fn parse_request(s: &str) -> Result<InvoiceRequest, JsValue> {
    bolt12::json::strip_lightning_prefix(s)
        .parse::<InvoiceRequest>()
        .map_err(|e| parse_error("invoice_request", e))
}

fn parse_invoice(s: &str) -> Result<Invoice, JsValue> {
    bolt12::json::strip_lightning_prefix(s)
        .parse::<Invoice>()
        .map_err(|e| parse_error("invoice", e))
}

/// Decodes an offer (`lno1...`), invoice request (`lnr1...`) or invoice (`lni1...`), an
/// optional `lightning:` prefix allowed, into Core Lightning's `decode` JSON (the shape
/// `bolt12 decode` prints). Every reader rule of BOLT 12 is checked, invoice signatures
/// included; expiry is reported as `warning_offer_expired` / `warning_invoice_expired`,
/// judged at `now` (seconds since the epoch, default: the current time).
///
/// Throws `NOT_BOLT12`, `UNKNOWN_PREFIX` or `INVALID_BOLT12` (with `kind`, and `cln`: the
/// `valid: false` object Core Lightning's `decode` answers with, for the invalid strings it
/// answers that way rather than with an error).
#[wasm_bindgen(unchecked_return_type = "Bolt12Decoded")]
pub fn decode(input: &str, now: Option<f64>) -> Result<JsValue, JsValue> {
    decoded(input, now_secs(now))
}

/// Like `decode`, but never throws: `{ valid: false, code, message }` for bad input.
#[wasm_bindgen(unchecked_return_type = "Bolt12Validation")]
pub fn validate(input: &str, now: Option<f64>) -> JsValue {
    match decode_json_text_at(input, Some(now_secs(now))) {
        // `{valid, type, decoded}`, in that order.
        Ok(text) => {
            let decoded = parse_js(&text);
            let kind = crate::js::reflect_get(&decoded, "type").unwrap_or(JsValue::NULL);
            object(&[
                ("valid", JsValue::TRUE),
                ("type", kind),
                ("decoded", decoded),
            ])
        }
        // `{valid: false, code, message}`, then `type` and `cln` for a BOLT 12 string.
        Err(e) => {
            let code = match &e {
                DecodeJsonError::NotBolt12(_) => "NOT_BOLT12",
                DecodeJsonError::UnknownPrefix(_) => "UNKNOWN_PREFIX",
                DecodeJsonError::Invalid { .. } => "INVALID_BOLT12",
            };
            let mut o = object(&[
                ("valid", JsValue::FALSE),
                ("code", JsValue::from_str(code)),
                ("message", JsValue::from_str(&e.to_string())),
            ]);
            if let DecodeJsonError::Invalid { kind, .. } = &e {
                o = with_field(o, "type", JsValue::from_str(&format!("bolt12 {kind}")));
                if let Some(cln) = e.cln_json_text() {
                    o = with_field(o, "cln", parse_js(cln));
                }
            }
            o
        }
    }
}

/// Core Lightning's `decode` object for `s` at `now`, as a JavaScript object (`decode`'s
/// text through `JSON.parse`): `decode` itself, and the `decoded` member of the objects
/// the other calls return.
fn decoded(s: &str, now: u64) -> Result<JsValue, JsValue> {
    decode_json_text_at(s, Some(now))
        .map(|text| parse_js(&text))
        .map_err(decode_error)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], JsValue> {
    let mut b = [0u8; N];
    getrandom::getrandom(&mut b).map_err(|e| js_error("RANDOM_FAILED", &e.to_string()))?;
    Ok(b)
}

fn hex_arg<const N: usize>(name: &str, s: &str) -> Result<[u8; N], JsValue> {
    let bytes = hex::decode(s.trim())
        .map_err(|_| js_error("BAD_ARGUMENT", &format!("{name} must be hex")))?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| js_error("BAD_ARGUMENT", &format!("{name} must be {N} bytes")))
}

/// Builds and signs an invoice request answering `offer` (BOLT 12 §"Requirements for
/// Invoice Requests"): every offer field is copied, `invreq_metadata` is random (or
/// `options.metadata`) and the request is signed by the payer key (`options.payerSecret`,
/// or a fresh random key that is returned).
///
/// Throws `INVALID_BOLT12`/`WRONG_TYPE` for a bad offer, `BAD_ARGUMENT`, or
/// `BUILD_FAILED` (offer expired, amount needed, unsupported chain...).
#[wasm_bindgen(js_name = createInvoiceRequest, unchecked_return_type = "CreatedInvoiceRequest")]
pub fn create_invoice_request(
    offer: &str,
    #[wasm_bindgen(unchecked_param_type = "InvoiceRequestOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let offer = parse_offer(offer)?;
    let secret: [u8; 32] = match opt_string(&options, "payerSecret")? {
        Some(s) => hex_arg("payerSecret", &s)?,
        None => random_bytes()?,
    };
    let sk = SecretKey::from_slice(&secret)
        .map_err(|_| js_error("BAD_ARGUMENT", "payerSecret is not a valid secret key"))?;
    let keys = Keys::new(sk);
    let metadata = match opt_string(&options, "metadata")? {
        Some(s) => {
            hex::decode(s.trim()).map_err(|_| js_error("BAD_ARGUMENT", "metadata must be hex"))?
        }
        None => random_bytes::<16>()?.to_vec(),
    };
    let build = |e: bolt12::BuildError| js_error("BUILD_FAILED", &e.to_string());
    let mut b = InvoiceRequestBuilder::new(&offer, metadata, keys.public_key()).map_err(build)?;
    if let Some(a) = opt_u64(&options, "amountMsat")? {
        b = b.amount_msat(a);
    }
    if let Some(q) = opt_u64(&options, "quantity")? {
        b = b.quantity(q);
    }
    if let Some(n) = opt_string(&options, "payerNote")? {
        b = b.payer_note(n);
    }
    let now = crate::opt_prop(&options, "now").and_then(|v| v.as_f64());
    let req = b.build_and_sign(&keys, now_secs(now)).map_err(build)?;
    let s = req.to_string();
    let decoded = decoded(&s, now_secs(now))?;
    Ok(object(&[
        ("invoiceRequest", JsValue::from_str(&s)),
        ("payerId", JsValue::from_str(&keys.public_key().to_string())),
        ("payerSecret", JsValue::from_str(&hex::encode(secret))),
        ("decoded", decoded),
    ]))
}

/// Records of `bytes` whose type satisfies `keep`, as (type, bytes).
fn records(bytes: &[u8], keep: impl Fn(u64) -> bool) -> Vec<(u64, Vec<u8>)> {
    TlvStreamReader::new(bytes, "check")
        .map_while(Result::ok)
        .filter(|r| keep(r.tlv_type))
        .map(|r| (r.tlv_type, r.bytes.to_vec()))
        .collect()
}

fn is_offer_type(t: u64) -> bool {
    (1..=79).contains(&t) || (1_000_000_000..=1_999_999_999).contains(&t)
}

/// First type where two record lists differ.
fn first_mismatch(a: &[(u64, Vec<u8>)], b: &[(u64, Vec<u8>)]) -> Option<u64> {
    (0..a.len().max(b.len())).find_map(|i| match (a.get(i), b.get(i)) {
        (Some(x), Some(y)) if x == y => None,
        (x, y) => x.map(|r| r.0).into_iter().chain(y.map(|r| r.0)).min(),
    })
}

/// The payer's checks of an invoice against the offer alone: mirrored offer fields,
/// signing key, amount, chain, expiry.
fn check_against_offer(
    inv: &Invoice,
    offer: &Offer,
    now: u64,
) -> Result<(), (&'static str, String)> {
    let ours = records(offer.as_bytes(), is_offer_type);
    let theirs = records(inv.as_bytes(), is_offer_type);
    if let Some(t) = first_mismatch(&ours, &theirs) {
        return Err((
            "FIELD_MISMATCH",
            format!("offer field {t} differs between the invoice and the offer"),
        ));
    }
    if !offer.supports_chain(&inv.chain()) {
        return Err((
            "UNSUPPORTED_CHAIN",
            "the invoice's chain is not one the offer supports".into(),
        ));
    }
    if !offer.signing_keys().contains(&inv.node_id()) {
        return Err((
            "NODE_ID_MISMATCH",
            format!(
                "invoice_node_id {} is not the offer's issuer key",
                inv.node_id()
            ),
        ));
    }
    let t = inv.tlvs();
    if let Some(requested) = t.invreq_amount {
        if requested != inv.amount_msat() {
            return Err((
                "AMOUNT_MISMATCH",
                format!(
                    "invoice_amount {} differs from invreq_amount {requested}",
                    inv.amount_msat()
                ),
            ));
        }
    } else if let Some(Amount::Msat(each)) = offer.amount() {
        let expected = each.saturating_mul(t.invreq_quantity.unwrap_or(1));
        if inv.amount_msat() > expected {
            return Err((
                "AMOUNT_ABOVE_EXPECTED",
                format!(
                    "invoice_amount {} exceeds the offer's {expected} msat",
                    inv.amount_msat()
                ),
            ));
        }
    }
    if inv.is_expired_at(now) {
        return Err((
            "EXPIRED",
            format!("invoice expired at {}", inv.expires_at()),
        ));
    }
    Ok(())
}

fn payer_code(e: &bolt12::PayerCheckError) -> &'static str {
    use bolt12::PayerCheckError as P;
    // The wildcard keeps this building while the bolt12 crate's list of checks evolves.
    #[allow(unreachable_patterns)]
    match e {
        P::FieldMismatch { .. } => "FIELD_MISMATCH",
        P::NodeIdMismatch => "NODE_ID_MISMATCH",
        P::AmountAboveExpected { .. } => "AMOUNT_ABOVE_EXPECTED",
        P::Expired { .. } => "EXPIRED",
        P::UnsupportedChain => "UNSUPPORTED_CHAIN",
        _ => "PAYER_CHECK_FAILED",
    }
}

/// Verifies an invoice (`lni1...`): its signature by `invoice_node_id` and every reader
/// rule (a failure throws `INVALID_BOLT12`), then, as a verdict (`ok`, `code`), the
/// payer's checks against `options.invoiceRequest` (the full BOLT 12 check) or else
/// `options.offer` (mirrored offer fields, issuer key, amount, chain, expiry), or else
/// just its expiry.
#[wasm_bindgen(js_name = checkInvoice, unchecked_return_type = "InvoiceCheck")]
pub fn check_invoice(
    invoice: &str,
    #[wasm_bindgen(unchecked_param_type = "InvoiceCheckOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let inv = parse_invoice(invoice)?;
    let now = now_secs(crate::opt_prop(&options, "now").and_then(|v| v.as_f64()));
    let (against, verdict) = if let Some(r) = opt_string(&options, "invoiceRequest")? {
        let req = parse_request(&r)?;
        let chains: Vec<ChainHash> = vec![req.chain()];
        let v = inv
            .check_against_request(&req, now, &chains)
            .map_err(|e| (payer_code(&e), e.to_string()));
        ("invoice_request", v)
    } else if let Some(o) = opt_string(&options, "offer")? {
        let offer = parse_offer(&o)?;
        ("offer", check_against_offer(&inv, &offer, now))
    } else {
        let v = if inv.is_expired_at(now) {
            Err((
                "EXPIRED",
                format!("invoice expired at {}", inv.expires_at()),
            ))
        } else {
            Ok(())
        };
        ("signature", v)
    };
    let (ok, code, message) = match verdict {
        Ok(()) => (true, "OK", format!("invoice checked against the {against}")),
        Err((c, m)) => (false, c, m),
    };
    let decoded = decoded(&inv.to_string(), now)?;
    let out = object(&[
        ("ok", JsValue::from_bool(ok)),
        ("code", JsValue::from_str(code)),
        ("message", JsValue::from_str(&message)),
        ("against", JsValue::from_str(against)),
        ("nodeId", JsValue::from_str(&inv.node_id().to_string())),
        ("amountMsat", number(inv.amount_msat())),
        (
            "paymentHash",
            JsValue::from_str(&hex::encode(inv.payment_hash().0)),
        ),
        ("createdAt", number(inv.created_at())),
        ("expiresAt", number(inv.expires_at())),
        ("decoded", decoded),
    ]);
    Ok(match inv.offer_id() {
        Some(id) => with_field(out, "offerId", JsValue::from_str(&id.to_string())),
        None => out,
    })
}
