/** The lite entry of bolt12-toolkit: BOLT 12, runes, LnSocket and Commando (no lnap). `await init()` in browsers. */
export * from "./lite/bolt12_toolkit.js";
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
