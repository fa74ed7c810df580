// The lite entry: everything but lnap (BOLT 12, runes, LnSocket, Commando).
import init from "./lite/bolt12_toolkit.js";
await init({ module_or_path: new URL("./lite/bolt12_toolkit_bg.wasm", import.meta.url) });
export * from "./lite/bolt12_toolkit.js";
