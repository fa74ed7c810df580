//! wasm-bindgen facade of the BOLT 12 toolkit: the `bolt12-toolkit` npm package.
//!
//! - [`bolt12_api`]: decode and validate `lno`/`lnr`/`lni` strings (Core Lightning's
//!   `decode` JSON, as the CLI prints it), build and sign invoice requests, check
//!   invoices against the offer or the request.
//! - [`runes_api`] (feature `runes`): decode and attenuate Core Lightning runes.
//! - [`lnap_api`] (feature `lnap`): decode, verify and check vendor proofs; built alone (the
//!   `lnap` build, without `bolt12`) as the module the full entry fetches on first use.
//! - [`net_core`] (feature `net`): the sans-IO core under the JavaScript `LnSocket` and
//!   `Commando` (`wasm/npm/net.js`): BOLT 8, the `init` check, Commando request frames.
//! - [`fetch_core`] (feature `fetch`): `fetchInvoice`'s sans-IO core (messenger's payer)
//!   under `wasm/npm/fetch.js`: an offer's invoice over onion messages on the page's own
//!   connection, checked.
//!
//! Every failure reaches JavaScript as an `Error` with a stable string `code` (see
//! `ErrorCode` in the TypeScript declarations).
// No unsafe code but what `getrandom::register_custom_getrandom!` defines (`js::random`).
#![deny(unsafe_code)]
// The `commando` and `lnap` builds use few of the shared helpers.
#![cfg_attr(not(feature = "bolt12"), allow(dead_code))]

use wasm_bindgen::prelude::*;

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(feature = "bolt12")]
pub mod bolt12_api;
#[cfg(feature = "fetch")]
pub mod fetch_core;
mod js;
#[cfg(feature = "lnap")]
pub mod lnap_api;
#[cfg(feature = "net")]
pub mod net_core;
#[cfg(any(feature = "runes", feature = "commando-core"))]
pub mod runes_api;

#[wasm_bindgen(typescript_custom_section)]
const TS_COMMON: &'static str = include_str!("ts/errors.d.ts");

/// A JavaScript `Error` with a stable `code`.
pub(crate) fn js_error(code: &str, message: &str) -> JsValue {
    let e: JsValue = js::ErrorObject::new(message).into();
    js::reflect_set(&e, "name", &JsValue::from_str("ToolkitError"));
    js::reflect_set(&e, "code", &JsValue::from_str(code));
    e
}

/// Sets `key` on an error (or any object) built by [`js_error`].
pub(crate) fn with_field(err: JsValue, key: &str, value: JsValue) -> JsValue {
    js::reflect_set(&err, key, &value);
    err
}

/// A `serde_json` value as a JavaScript value (through `JSON.parse`, which keeps the key
/// order). Only lnap's results take this way; the other entries link no `serde_json`.
#[cfg(feature = "lnap")]
pub(crate) fn to_js(v: &serde_json::Value) -> JsValue {
    parse_js(&v.to_string())
}

/// A plain object with these members, in this order (what `JSON.parse` of the same
/// object's text gives, without writing and parsing the text).
#[cfg(feature = "objects")]
pub(crate) fn object(members: &[(&str, JsValue)]) -> JsValue {
    let o: JsValue = js::PlainObject::new().into();
    for (key, value) in members {
        js::reflect_set(&o, key, value);
    }
    o
}

/// A non-negative integer as a JavaScript number (as `JSON.parse` reads it: exact up to
/// 2^53).
pub(crate) fn number(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// `JSON.parse` of JSON text our own writers made (bolt12's and runes' `decode` text): the
/// object, key order included, without building a `serde_json` value first.
#[cfg(feature = "objects")]
pub(crate) fn parse_js(text: &str) -> JsValue {
    js::json_parse(text).unwrap_or(JsValue::NULL)
}

/// Seconds since the epoch: `now` if the caller gave one, else the host's clock.
pub(crate) fn now_secs(now: Option<f64>) -> u64 {
    let ms = match now {
        Some(s) => s * 1000.0,
        None => clock_ms(),
    };
    if ms.is_finite() && ms > 0.0 {
        (ms / 1000.0) as u64
    } else {
        0
    }
}

#[cfg(target_arch = "wasm32")]
fn clock_ms() -> f64 {
    js::date_now()
}

#[cfg(not(target_arch = "wasm32"))]
fn clock_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Reads an optional property of an options object.
#[cfg(feature = "objects")]
pub(crate) fn opt_prop(obj: &JsValue, key: &str) -> Option<JsValue> {
    if !obj.is_object() {
        return None;
    }
    js::reflect_get(obj, key)
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// An optional non-negative integer option (number, bigint or decimal string).
#[cfg(feature = "objects")]
pub(crate) fn opt_u64(obj: &JsValue, key: &str) -> Result<Option<u64>, JsValue> {
    let Some(v) = opt_prop(obj, key) else {
        return Ok(None);
    };
    let bad = || {
        js_error(
            "BAD_ARGUMENT",
            &format!("{key} must be a non-negative integer"),
        )
    };
    if let Some(n) = v.as_f64() {
        if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 {
            return Ok(Some(n as u64));
        }
        return Err(bad());
    }
    let s = if v.is_bigint() {
        js::to_js_string(&v)
    } else {
        v.as_string().ok_or_else(bad)?
    };
    s.trim().parse::<u64>().map(Some).map_err(|_| bad())
}

/// An optional string option.
#[cfg(feature = "objects")]
pub(crate) fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    match opt_prop(obj, key) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| js_error("BAD_ARGUMENT", &format!("{key} must be a string"))),
    }
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
