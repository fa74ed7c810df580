//! Core Lightning runes: decode and attenuate (no secret needed). The `commando` entry's
//! build (`commando-core`, no serde_json) takes `attenuateRune` and the error from here and
//! writes `decodeRune`'s JSON itself (net_core.rs).

use runes::{ParseError, Restriction, Rune};
use wasm_bindgen::prelude::*;

use crate::js_error;
#[cfg(feature = "runes")]
use crate::{now_secs, parse_js};

#[cfg(feature = "runes")]
#[wasm_bindgen(typescript_custom_section)]
const TS_RUNES: &'static str = include_str!("ts/runes.d.ts");

/// `RUNE_INVALID` with `invalid {what}: ` and the reason (built without `core::fmt`, which
/// the commando entry does not link: `ParseError::push_message`).
fn invalid(what: &str, e: &ParseError) -> JsValue {
    let mut message = String::from("invalid ");
    message.push_str(what);
    message.push_str(": ");
    e.push_message(&mut message);
    js_error("RUNE_INVALID", &message)
}

pub(crate) fn rune_error(e: ParseError) -> JsValue {
    invalid("rune", &e)
}

/// Decodes a rune (base64url) into Core Lightning's `decode` JSON: unique id, version,
/// each restriction with its alternatives and an English summary (`time` restrictions
/// described relative to `now`, seconds since the epoch, default: now).
///
/// Throws `RUNE_INVALID`.
#[cfg(feature = "runes")]
#[wasm_bindgen(js_name = decodeRune, unchecked_return_type = "RuneDecoded")]
pub fn decode_rune(rune: &str, now: Option<f64>) -> Result<JsValue, JsValue> {
    // The text `runes::decode_rune` parses, handed to `JSON.parse` (as `decode()` does).
    runes::decode_rune_json_text(rune.trim(), now_secs(now))
        .map(|text| parse_js(&text))
        .map_err(rune_error)
}

/// Attenuates a rune: appends `restriction` (Core Lightning syntax, alternatives separated
/// by `|`, e.g. `method=getinfo|method=listoffers` or `time<1700000000`) and returns the
/// new rune (base64url). Anyone can do this without the node's secret; the node still
/// accepts the result, with the extra restriction.
///
/// Throws `RUNE_INVALID` for a bad rune or restriction.
#[wasm_bindgen(js_name = attenuateRune)]
pub fn attenuate_rune(rune: &str, restriction: &str) -> Result<String, JsValue> {
    let r = Rune::from_base64(rune.trim()).map_err(rune_error)?;
    let restr = Restriction::parse(restriction.trim()).map_err(|e| invalid("restriction", &e))?;
    Ok(r.with_restriction(restr).to_base64())
}
