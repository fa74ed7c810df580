// The lite entry: everything but lnap (BOLT 12, runes, LnSocket, Commando, fetchInvoice).
// Loaded by `await init()` or the first asynchronous call, as index.js.
import glueInit, * as glue from "./lite/bolt12_toolkit.js";
import { loader } from "./loader.js";
import { network, __setSocketFactory } from "./net.js";
import { fetching } from "./fetch.js";

const l = loader(glueInit, glue.initSync, new URL("./lite/bolt12_toolkit_bg.wasm", import.meta.url));
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
// LnSocket, Commando (net.js) and fetchInvoice (fetch.js) over the module's sans-IO core.
const net = network(glue);
export const fetchInvoice = l.lazy(fetching(net.LnSocket), "fetchInvoice");
export const Commando = l.lazyStatics(net.Commando, ["connect"]);
export const LnSocket = l.lazyStatics(net.LnSocket, ["connect"]);
/** Node: TCP and ws:// through node-socket.js (set by lite-node.js). */
export { __setSocketFactory };
