//! Core Lightning runes: decode and attenuate (no secret needed).
//!
//! With `runes` (the lite and full entries), `decodeRune` and `attenuateRune` are the runes
//! crate's. The `commando` entry (`commando-core`) decodes and attenuates in JavaScript
//! (`wasm/npm/runes.js`, held to these by web-demo's tests) and calls in here only for what
//! JavaScript cannot do: SHA-256 resumed from an authcode ([`extend_authcode`]).

#[cfg(feature = "runes")]
use runes::{ParseError, Restriction, Rune};
use wasm_bindgen::prelude::*;

#[cfg(feature = "runes")]
use crate::{js_error, now_secs, parse_js};

#[cfg(feature = "runes")]
#[wasm_bindgen(typescript_custom_section)]
const TS_RUNES: &'static str = include_str!("ts/runes.d.ts");

/// `RUNE_INVALID` with `invalid {what}: ` and the reason.
#[cfg(feature = "runes")]
fn invalid(what: &str, e: &ParseError) -> JsValue {
    let mut message = String::from("invalid ");
    message.push_str(what);
    message.push_str(": ");
    e.push_message(&mut message);
    js_error("RUNE_INVALID", &message)
}

#[cfg(feature = "runes")]
fn rune_error(e: ParseError) -> JsValue {
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
#[cfg(feature = "runes")]
#[wasm_bindgen(js_name = attenuateRune)]
pub fn attenuate_rune(rune: &str, restriction: &str) -> Result<String, JsValue> {
    let r = Rune::from_base64(rune.trim()).map_err(rune_error)?;
    let restr = Restriction::parse(restriction.trim()).map_err(|e| invalid("restriction", &e))?;
    Ok(r.with_restriction(restr).to_base64())
}

/// The authcode after one more restriction: `runes::extend_authcode` for runes.js's
/// `attenuateRune`, which parses the rune, counts `hashedBytes` (64 plus each restriction's
/// encoding padded to whole SHA-256 blocks) and passes the new restriction's encoding. A
/// bad `authcode` length or `hashedBytes` is runes.js's bug, not the caller's: `undefined`.
#[cfg(feature = "commando-core")]
#[wasm_bindgen(js_name = extendAuthcode, skip_typescript)]
pub fn extend_authcode(authcode: &[u8], hashed_bytes: f64, restriction: &[u8]) -> Option<Vec<u8>> {
    let code: &[u8; 32] = authcode.try_into().ok()?;
    if !(64.0..=9_007_199_254_740_991.0).contains(&hashed_bytes) || hashed_bytes % 64.0 != 0.0 {
        return None;
    }
    Some(runes::extend_authcode(code, hashed_bytes as u64, restriction).to_vec())
}
