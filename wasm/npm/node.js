// Node: loads the WebAssembly module from disk synchronously, then re-exports everything.
// LnSocket, Commando and fetchInvoice connect with node:net (./node-socket.js): `host:port`
// is plain TCP, `ws://` / `wss://` the package's own WebSocket client; no global
// WebSocket and no flag needed.
//
// lnap is its own module (./lnap/*.wasm, as in browsers) but needs no load step here: the
// first lnap call reads and compiles it synchronously, so lnapDecode/lnapVerify/
// lnapCheckOffer stay synchronous and a process that never checks a vendor proof never
// compiles it. `loadLnap()` loads it ahead (resolving at once), for code shared with browsers.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { initSync, __setSocketFactory } from "./index.js";
import * as lnapGlue from "./lnap/bolt12_toolkit.js";
import { openSocket } from "./node-socket.js";
import { toolkitError } from "./loader.js";
initSync({ module: readFileSync(new URL("./full/bolt12_toolkit_bg.wasm", import.meta.url)) });
__setSocketFactory(openSocket, webcrypto);
export * from "./index.js";
/** Already loaded (synchronously, at import): resolves at once, for code shared with browsers. */
export const init = () => Promise.resolve();
export default init;

let lnapLoaded = false;
function lnapLoadSync() {
  if (lnapLoaded) return;
  const url = new URL("./lnap/bolt12_toolkit_bg.wasm", import.meta.url);
  try {
    lnapGlue.initSync({ module: readFileSync(url) });
  } catch (e) {
    throw toolkitError("WASM_LOAD_FAILED", `could not load the lnap module from ${url}: ${e && e.message || e}`, e);
  }
  lnapLoaded = true;
}
/** Loads lnap's module now (it is otherwise loaded by the first lnap call); resolves at once. */
export function loadLnap() {
  try {
    lnapLoadSync();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}
export function lnapDecode(...args) { lnapLoadSync(); return lnapGlue.lnapDecode(...args); }
export function lnapVerify(...args) { lnapLoadSync(); return lnapGlue.lnapVerify(...args); }
export function lnapCheckOffer(...args) { lnapLoadSync(); return lnapGlue.lnapCheckOffer(...args); }
