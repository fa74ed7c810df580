/** The decode-only entry of bolt12-toolkit: decode/validate, invoice requests, invoice checks. */
export * from "./decode/bolt12_toolkit.js";
