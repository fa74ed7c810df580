/**
 * bolt12-toolkit: BOLT 12 offers, invoice requests and invoices; Core Lightning runes;
 * lnap vendor proofs; LnSocket (BOLT 8 over WebSocket) and a Commando client.
 * The WebAssembly module is instantiated when this module is imported.
 */
export * from "./full/bolt12_toolkit.js";
