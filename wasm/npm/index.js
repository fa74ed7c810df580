// Browsers and bundlers: instantiates the WebAssembly module (top-level await), then
// re-exports everything. `new URL(..., import.meta.url)` lets bundlers emit the .wasm.
import init from "./full/bolt12_toolkit.js";
await init({ module_or_path: new URL("./full/bolt12_toolkit_bg.wasm", import.meta.url) });
export * from "./full/bolt12_toolkit.js";
