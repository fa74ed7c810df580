// The decode-only entry (smaller): decode/validate, invoice requests, invoice checks.
// Everything here is synchronous: `await init()` once before the first call (loader.js).
import glueInit, * as glue from "./decode/bolt12_toolkit.js";
import { loader } from "./loader.js";

const l = loader(glueInit, glue.initSync, new URL("./decode/bolt12_toolkit_bg.wasm", import.meta.url));
export const init = l.init;
export const initSync = l.initSync;
export default init;

export const version = l.sync(glue.version, "version");
export const decode = l.sync(glue.decode, "decode");
export const validate = l.sync(glue.validate, "validate");
export const createInvoiceRequest = l.sync(glue.createInvoiceRequest, "createInvoiceRequest");
export const checkInvoice = l.sync(glue.checkInvoice, "checkInvoice");
