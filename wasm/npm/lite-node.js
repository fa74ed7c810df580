// The lite entry for Node (connections as in node.js: TCP or ws:// over node:net).
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { initSync, __setSocketFactory } from "./lite.js";
import { openSocket } from "./node-socket.js";
initSync({ module: readFileSync(new URL("./lite/bolt12_toolkit_bg.wasm", import.meta.url)) });
__setSocketFactory(openSocket, webcrypto);
export * from "./lite.js";
/** Already loaded (synchronously, at import): resolves at once, for code shared with browsers. */
export const init = () => Promise.resolve();
export default init;
