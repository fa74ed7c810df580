/** The lite entry of bolt12-toolkit: BOLT 12, runes, LnSocket and Commando (no lnap). */
export * from "./lite/bolt12_toolkit.js";
