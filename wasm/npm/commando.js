// The Commando entry: LnSocket (BOLT 8, init, pings) and Commando with rune decode and
// attenuate, without BOLT 12. A thin WebAssembly core (wasm/src/net_core.rs: the BOLT 8
// handshake and ciphers, the init check, Commando request frames, SHA-256 resumed for rune
// attenuation) under net.js (sockets, timers, pings, request ids, reply reassembly, JSON;
// in Node the socket factory commando-node.js sets) and runes.js (rune decode and
// attenuate). Loaded by `await init()` or the first asynchronous call
// (Commando.connect, LnSocket.connect), as index.js.
import glueInit, * as glue from "./commando/bolt12_toolkit.js";
import { loader } from "./loader.js";
import { network, __setSocketFactory } from "./net.js";
import { decodeRune as decode, attenuateRuneWith } from "./runes.js";

const l = loader(glueInit, glue.initSync, new URL("./commando/bolt12_toolkit_bg.wasm", import.meta.url));
export const init = l.init;
export const initSync = l.initSync;
export default init;

export const version = l.sync(glue.version, "version");
export const attenuateRune = l.sync(attenuateRuneWith(glue), "attenuateRune");
/** Core Lightning's `decode` JSON for a rune. */
export const decodeRune = l.sync(decode, "decodeRune");

const net = network(glue);
// Commando.connect and LnSocket.connect load the module first.
export const Commando = l.lazyStatics(net.Commando, ["connect"]);
export const LnSocket = l.lazyStatics(net.LnSocket, ["connect"]);
/** Node: TCP and ws:// through node-socket.js, and node:crypto's webcrypto (set by commando-node.js). */
export { __setSocketFactory };
