/** The Commando entry of bolt12-toolkit: LnSocket (BOLT 8, init, pings), Commando, rune decode and attenuate (no BOLT 12, no lnap). `await init()` in browsers. */
export * from "./commando/bolt12_toolkit.js";
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
