// The decode-only entry for Node.
import { readFileSync } from "node:fs";
import { initSync } from "./decode/bolt12_toolkit.js";
initSync({ module: readFileSync(new URL("./decode/bolt12_toolkit_bg.wasm", import.meta.url)) });
export * from "./decode/bolt12_toolkit.js";
/** Already loaded (synchronously, at import): resolves at once, for code shared with browsers. */
export const init = () => Promise.resolve();
export default init;
