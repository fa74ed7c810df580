// The decode-only entry (smaller): decode/validate, invoice requests, invoice checks.
import init from "./decode/bolt12_toolkit.js";
await init({ module_or_path: new URL("./decode/bolt12_toolkit_bg.wasm", import.meta.url) });
export * from "./decode/bolt12_toolkit.js";
