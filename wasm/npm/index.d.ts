/**
 * bolt12-toolkit: BOLT 12 offers, invoice requests and invoices; Core Lightning runes;
 * lnap vendor proofs; LnSocket (BOLT 8 over WebSocket) and a Commando client.
 * In browsers `await init()` loads the WebAssembly module (asynchronous functions load it
 * themselves); in Node it is loaded at import.
 */
export * from "./full/bolt12_toolkit.js";
export { init, initSync, type InitInput } from "./init.js";
export { init as default } from "./init.js";
