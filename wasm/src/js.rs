//! The JavaScript built-ins every entry needs (`new Error`, `Reflect.set`, `Date.now`),
//! imported here rather than from js-sys. Linking js-sys at all puts the wasm-bindgen shims
//! of its closure-taking methods (typed arrays' `forEach`, `Array.prototype.find`, ...)
//! into the module's function table, where nothing can remove them: 4 kB of the Commando
//! entry's wasm, which uses nothing else of js-sys (BENCHMARKS.md). The entries that build
//! and read objects (feature `objects`) still use js-sys for that.

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
