// lnap's own module (the `lnap` build: lnapDecode, lnapVerify, lnapCheckOffer and what they
// need), imported only by the full entry's `loadLnap()` through a dynamic import(), so
// bundlers emit this file, its glue and its .wasm as a separate chunk fetched on first use.
import glueInit, * as glue from "./lnap/bolt12_toolkit.js";
import { loader } from "./loader.js";

const l = loader(glueInit, glue.initSync, new URL("./lnap/bolt12_toolkit_bg.wasm", import.meta.url));
export const init = l.init;
export const lnapDecode = glue.lnapDecode;
export const lnapVerify = glue.lnapVerify;
export const lnapCheckOffer = glue.lnapCheckOffer;
