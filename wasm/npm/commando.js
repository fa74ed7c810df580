// The Commando entry: LnSocket (BOLT 8, init, pings) and Commando with rune decode and
// attenuate, without BOLT 12 (a much smaller WebAssembly module). Loaded by `await init()`
// or the first asynchronous call (Commando.connect, LnSocket.connect), as index.js.
import glueInit, * as glue from "./commando/bolt12_toolkit.js";
import { loader } from "./loader.js";

const l = loader(glueInit, glue.initSync, new URL("./commando/bolt12_toolkit_bg.wasm", import.meta.url));
export const init = l.init;
export const initSync = l.initSync;
export default init;

export const version = l.sync(glue.version, "version");
export const decodeRune = l.sync(glue.decodeRune, "decodeRune");
export const attenuateRune = l.sync(glue.attenuateRune, "attenuateRune");
export const Commando = l.lazyStatics(glue.Commando, ["connect"]);
export const LnSocket = l.lazyStatics(glue.LnSocket, ["connect"]);
