// Browsers and bundlers. Nothing is loaded at import (no top-level await): `await init()`
// loads the WebAssembly module, and the asynchronous functions (Commando.connect,
// LnSocket.connect, fetchInvoice) load it themselves on first use; synchronous ones called
// before that throw NOT_INITIALIZED (./loader.js). `new URL(..., import.meta.url)` lets
// bundlers emit the .wasm as an asset.
//
// lnap (X.509, RSA, P-256/P-384, Mozilla's roots: most of the bytes) is its own module,
// ./lnap.js with ./lnap/*.wasm, behind a dynamic import(): `await loadLnap()` fetches it
// (bundlers emit it as a separate chunk), so a page that never checks a vendor proof never
// downloads it; lnapDecode/lnapVerify/lnapCheckOffer before that throw LNAP_NOT_LOADED.
import glueInit, * as glue from "./full/bolt12_toolkit.js";
import { loader, lazyPart } from "./loader.js";
import { network, __setSocketFactory } from "./net.js";
import { fetching } from "./fetch.js";

const l = loader(glueInit, glue.initSync, new URL("./full/bolt12_toolkit_bg.wasm", import.meta.url));
export const init = l.init;
export const initSync = l.initSync;
export default init;

export const version = l.sync(glue.version, "version");
export const decode = l.sync(glue.decode, "decode");
export const validate = l.sync(glue.validate, "validate");
export const createInvoiceRequest = l.sync(glue.createInvoiceRequest, "createInvoiceRequest");
export const checkInvoice = l.sync(glue.checkInvoice, "checkInvoice");
export const decodeRune = l.sync(glue.decodeRune, "decodeRune");
export const attenuateRune = l.sync(glue.attenuateRune, "attenuateRune");
const lnap = lazyPart(() => import("./lnap.js"), "lnap", "loadLnap", "LNAP_NOT_LOADED");
export const loadLnap = lnap.load;
export const lnapDecode = lnap.sync("lnapDecode");
export const lnapVerify = lnap.sync("lnapVerify");
export const lnapCheckOffer = lnap.sync("lnapCheckOffer");
export const verifyBip353 = l.sync(glue.verifyBip353, "verifyBip353");
// LnSocket, Commando (net.js) and fetchInvoice (fetch.js) over the module's sans-IO core.
const net = network(glue);
export const fetchInvoice = l.lazy(fetching(net.LnSocket), "fetchInvoice");
export const Commando = l.lazyStatics(net.Commando, ["connect"]);
export const LnSocket = l.lazyStatics(net.LnSocket, ["connect"]);
/** Node: TCP and ws:// through node-socket.js (set by node.js). */
export { __setSocketFactory };
