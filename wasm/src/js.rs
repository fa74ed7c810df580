//! The JavaScript built-ins the facade calls (`new Error`, `Reflect`, `JSON.parse`, `Date.now`,
//! `crypto.getRandomValues`, ...), imported here rather than from js-sys. Linking js-sys at
//! all puts the wasm-bindgen shims of its closure-taking methods (typed arrays' `forEach`,
//! `Array.prototype.find`, ...) into the module's function table, where nothing can remove
//! them: 4 kB of code in every entry, which use a dozen of its thousands of bindings
//! (BENCHMARKS.md). Only the `lnap` entry links js-sys (lnap draws its signing nonces
//! through getrandom's `js` backend, which is built on it).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A JavaScript `Error`.
    #[wasm_bindgen(js_name = Error)]
    pub(crate) type ErrorObject;

    /// `new Error(message)`.
    #[wasm_bindgen(constructor, js_class = "Error")]
    pub(crate) fn new(message: &str) -> ErrorObject;

    /// `Reflect.set(target, key, value)`: true once set (an `Error` or a plain object, as
    /// here, never refuses).
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    pub(crate) fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> bool;

    /// `Date.now()`: milliseconds since the epoch.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    pub(crate) fn date_now() -> f64;
}

#[cfg(feature = "objects")]
#[wasm_bindgen]
extern "C" {
    /// A plain JavaScript object.
    #[wasm_bindgen(js_name = Object)]
    pub(crate) type PlainObject;

    /// `new Object()`, i.e. `{}`.
    #[wasm_bindgen(constructor, js_class = "Object")]
    pub(crate) fn new() -> PlainObject;

    /// `Reflect.get(target, key)`; throws (here: `Err`) when `target` is not an object or a
    /// getter throws.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub(crate) fn reflect_get(target: &JsValue, key: &str) -> Result<JsValue, JsValue>;

    /// `JSON.parse(text)`.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub(crate) fn json_parse(text: &str) -> Result<JsValue, JsValue>;

    /// `String(value)`: a `bigint`'s decimal digits, here.
    #[wasm_bindgen(js_name = String)]
    pub(crate) fn to_js_string(value: &JsValue) -> String;
}

#[cfg(feature = "fetch")]
#[wasm_bindgen]
extern "C" {
    /// A JavaScript `Array` (`pub`: `Fetches::receive` returns one).
    #[wasm_bindgen(js_name = Array, typescript_type = "Array<any>")]
    pub type JsArray;

    /// `new Array()`, i.e. `[]`.
    #[wasm_bindgen(constructor, js_class = "Array")]
    pub(crate) fn new() -> JsArray;

    /// `array.push(value)`: the new length.
    #[wasm_bindgen(method, js_name = push)]
    pub(crate) fn push(this: &JsArray, value: &JsValue) -> u32;
}

#[cfg(feature = "bip353")]
#[wasm_bindgen]
extern "C" {
    /// A `Uint8Array` (`dyn_ref` checks `instanceof Uint8Array`).
    #[wasm_bindgen(js_name = Uint8Array)]
    pub(crate) type Bytes;

    /// Its length in bytes.
    #[wasm_bindgen(method, getter)]
    pub(crate) fn length(this: &Bytes) -> u32;

    /// `Uint8Array.from(bytes)`: a copy, which wasm-bindgen moves into wasm memory.
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = from)]
    pub(crate) fn copy_of(bytes: &Bytes) -> Vec<u8>;
}

/// getrandom's source on wasm32: [`random::fill`], registered as getrandom's `custom`
/// backend instead of its `js` one, which is built on js-sys (see above). The macro defines
/// the `#[no_mangle]` function that backend calls, which the `unsafe_code` lint counts;
/// nothing else in the crate is allowed it.
#[cfg(all(feature = "bolt12", target_arch = "wasm32"))]
#[allow(unsafe_code)]
mod random {
    use wasm_bindgen::prelude::*;

    getrandom::register_custom_getrandom!(fill);

    #[wasm_bindgen]
    extern "C" {
        /// `crypto.getRandomValues(array)` (Web Crypto: browsers, workers, Node 19 and
        /// later), on a view of wasm memory: the bytes are filled in place.
        #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
        fn get_random_values(array: &mut [u8]) -> Result<JsValue, JsValue>;
    }

    /// Web Crypto's `getRandomValues`, at most 65536 bytes a call as Web Crypto allows.
    fn fill(out: &mut [u8]) -> Result<(), getrandom::Error> {
        for chunk in out.chunks_mut(65536) {
            if get_random_values(chunk).is_err() {
                return Err(getrandom::Error::WEB_GET_RANDOM_VALUES);
            }
        }
        Ok(())
    }
}
