/** The decode-only entry of bolt12-toolkit: decode/validate, invoice requests, invoice checks. `await init()` in browsers. */
export * from "./decode/bolt12_toolkit.js";
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
