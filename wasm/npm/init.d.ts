/**
 * Loading the WebAssembly module (shared by every entry's declarations).
 *
 * In browsers and bundlers nothing is loaded at import: `await init()` once, or let the
 * first asynchronous call (`Commando.connect`, `LnSocket.connect`, `fetchInvoice`) do it;
 * synchronous functions called before that throw a `ToolkitError` with
 * `code: "NOT_INITIALIZED"`. In Node the module is loaded at import and `init()` resolves
 * at once.
 */

/** Where the module comes from: by default the `.wasm` beside the entry (bundlers emit it). */
export type InitInput =
  | string | URL | Request | Response | BufferSource | WebAssembly.Module
  | Promise<string | URL | Request | Response | BufferSource | WebAssembly.Module>;

/**
 * Loads the WebAssembly module (once; later calls resolve at once). Rejects with a
 * `ToolkitError` of code `WASM_LOAD_FAILED` when it cannot be fetched or compiled (and a
 * later call tries again).
 */
export function init(source?: InitInput | { module_or_path: InitInput }): Promise<void>;

/** Loads the module synchronously from its bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): void;
