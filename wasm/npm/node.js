// Node: loads the WebAssembly module from disk synchronously, then re-exports everything.
// LnSocket, Commando and fetchInvoice connect with node:net (./node-socket.js): `host:port`
// is plain TCP, `ws://` / `wss://` the package's own WebSocket client; no global
// WebSocket and no flag needed.
import { readFileSync } from "node:fs";
import { initSync, __setSocketFactory } from "./full/bolt12_toolkit.js";
import { openSocket } from "./node-socket.js";
initSync({ module: readFileSync(new URL("./full/bolt12_toolkit_bg.wasm", import.meta.url)) });
__setSocketFactory(openSocket);
export * from "./full/bolt12_toolkit.js";
/** Already loaded (synchronously, at import): resolves at once, for code shared with browsers. */
export const init = () => Promise.resolve();
export default init;
