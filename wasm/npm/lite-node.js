// The lite entry for Node.
import { readFileSync } from "node:fs";
import { initSync } from "./lite/bolt12_toolkit.js";
initSync({ module: readFileSync(new URL("./lite/bolt12_toolkit_bg.wasm", import.meta.url)) });
export * from "./lite/bolt12_toolkit.js";
