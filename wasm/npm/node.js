// Node: loads the WebAssembly module from disk synchronously, then re-exports everything.
// LnSocket/Commando use the global WebSocket (Node >= 22, or Node 20/21 with
// --experimental-websocket, or assign one, e.g. from the `ws` package, to
// globalThis.WebSocket before connecting).
import { readFileSync } from "node:fs";
import { initSync } from "./full/bolt12_toolkit.js";
initSync({ module: readFileSync(new URL("./full/bolt12_toolkit_bg.wasm", import.meta.url)) });
export * from "./full/bolt12_toolkit.js";
