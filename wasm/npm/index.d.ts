/**
 * bolt12-toolkit: BOLT 12 offers, invoice requests and invoices; Core Lightning runes;
 * lnap vendor proofs; LnSocket (BOLT 8 over WebSocket) and a Commando client.
 * In browsers `await init()` loads the WebAssembly module (asynchronous functions load it
 * themselves); in Node it is loaded at import.
 *
 * lnap (`lnapDecode`, `lnapVerify`, `lnapCheckOffer`) is a separate module fetched on first
 * use: in browsers `await loadLnap()` first (they throw a `ToolkitError` with code
 * `LNAP_NOT_LOADED` before); in Node the first lnap call loads it, synchronously.
 */
import type { InitInput } from "./init.js";
export * from "./full/bolt12_toolkit.js";
export { lnapDecode, lnapVerify, lnapCheckOffer, type LnapDecoded, type LnapReport } from "./lnap/bolt12_toolkit.js";
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";

/**
 * Fetches and loads lnap's module (its own `.wasm`, emitted by bundlers as a separate chunk
 * and fetched only by this call), after which `lnapDecode`, `lnapVerify` and
 * `lnapCheckOffer` work synchronously. Independent of `init()` (either may come first).
 * Once; later calls resolve at once. `source` is where its `.wasm` comes from (default:
 * `lnap/bolt12_toolkit_bg.wasm` beside the package's entry). Rejects with a `ToolkitError`
 * of code `WASM_LOAD_FAILED` when the module cannot be fetched or compiled (a later call
 * tries again; browsers may keep a failed fetch of the `lnap.js` chunk itself until the
 * page reloads). In Node it loads synchronously and resolves at once.
 */
export function loadLnap(source?: InitInput | { module_or_path: InitInput }): Promise<void>;
