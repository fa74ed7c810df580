// How the package's browser entries (index.js, lite.js, decode.js: what bundlers and
// browsers import) load their WebAssembly module, tested in Node by importing those files
// directly: nothing at import (no top-level await), `await init()` or the first
// asynchronous call loads it, synchronous calls before that throw NOT_INITIALIZED naming
// init(), a module that does not compile rejects with WASM_LOAD_FAILED and a later init()
// retries. The Node entries (node.js, ...) stay loaded at import and export the same names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const PKG = dirname(fileURLToPath(import.meta.resolve("bolt12-toolkit/package.json")));
const entry = (f) => import(pathToFileURL(join(PKG, f)).href);
const wasmBytes = (variant) => readFileSync(join(PKG, variant, "bolt12_toolkit_bg.wasm"));
const glueExports = async (variant) => Object.keys(await entry(`${variant}/bolt12_toolkit.js`));
const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";
const notInitialized = (name) => (e) => e instanceof Error && e.code === "NOT_INITIALIZED" && e.message.startsWith(`${name}() was called before`) && /await init\(\)/.test(e.message);

// The browser entries fetch their .wasm by URL; Node's fetch has no file: URLs, so the
// lazy test serves them from disk (and counts the fetches).
const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, ...rest) => {
  const u = new URL(String(url));
  if (u.protocol !== "file:") return realFetch(url, ...rest);
  fetched.push(u.pathname);
  return new Response(readFileSync(fileURLToPath(u)), { headers: { "content-type": "application/wasm" } });
};

test("decode.js: synchronous calls before init() throw NOT_INITIALIZED; init() rejects bad bytes with WASM_LOAD_FAILED, then loads", async () => {
  const d = await entry("decode.js");
  assert.throws(() => d.decode(OFFER), notInitialized("decode"));
  assert.throws(() => d.version(), notInitialized("version"));
  await assert.rejects(d.init(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])), (e) => e.code === "WASM_LOAD_FAILED" && e.cause !== undefined);
  assert.throws(() => d.validate(OFFER), notInitialized("validate"), "still not loaded after a failed init");
  await d.init({ module_or_path: wasmBytes("decode") });
  assert.equal(d.decode(OFFER).offer_issuer_id, "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619");
  assert.throws(() => d.decode("hello"), (e) => e.code === "NOT_BOLT12", "the module's own errors, once loaded");
  await d.init();
  assert.equal(d.default, d.init, "init is the default export too");
  assert.deepEqual(fetched, [], "bytes given: nothing fetched");
});

test("lite.js: the first asynchronous call loads the module from the .wasm beside the entry", async () => {
  const lite = await entry("lite.js");
  assert.throws(() => lite.decodeRune("x"), notInitialized("decodeRune"));
  // Rejected by the WebAssembly side (a malformed node id): so the module was loaded first.
  await assert.rejects(lite.Commando.connect({ nodeId: "02zz", url: "ws://127.0.0.1:1" }), (e) => e.code === "BAD_ADDRESS");
  assert.deepEqual(fetched, [join(PKG, "lite", "bolt12_toolkit_bg.wasm")]);
  assert.equal(lite.decode(OFFER).valid, true, "sync functions work after the lazy load, without init()");
  await assert.rejects(lite.LnSocket.connect("02zz", "ws://127.0.0.1:1"), (e) => e.code === "BAD_ADDRESS");
  await lite.init();
  assert.equal(fetched.length, 1, "loaded once");
});

test("index.js: init() and fetchInvoice's lazy load share one load; the classes are net.js's", async () => {
  const full = await entry("index.js");
  const before = fetched.length;
  const [, rejected] = await Promise.all([full.init(), full.fetchInvoice("lno1qqqq", { via: { nodeId: "02zz", url: "ws://127.0.0.1:1" } }).catch((e) => e.code)]);
  assert.ok(["BAD_ADDRESS", "INVALID_BOLT12"].includes(rejected), rejected);
  assert.equal(fetched.length, before + 1, "one fetch for both");
  assert.equal(full.lnapDecode.name, "lnapDecode");
  // lnap is its own module, loaded by loadLnap() (lnap-lazy.test.mjs), not by init().
  assert.throws(() => full.lnapDecode("lnap1qqqq"), (e) => e.code === "LNAP_NOT_LOADED");
  await full.loadLnap();
  assert.throws(() => full.lnapDecode("lnap1qqqq"), (e) => e.code === "LNAP_INVALID");
  // The classes are net.js's over the module's sans-IO core: the glue has none of its own.
  const glue = await entry("full/bolt12_toolkit.js");
  assert.deepEqual([glue.Commando, glue.LnSocket, glue.fetchInvoice], [undefined, undefined, undefined]);
  assert.equal(typeof glue.Fetches, "function");
  assert.equal(typeof full.LnSocket.prototype.fetchInvoice, "function");
});

test("every entry of package.json exports the module's functions and init/initSync/default, in the browser and the Node file alike", async () => {
  const { exports } = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  const entries = Object.entries(exports).filter(([k]) => k !== "./package.json").map(([, e]) => [e.default, e.node, e.types]);
  assert.ok(entries.length >= 3, JSON.stringify(exports));
  for (const [browser, node, types] of entries) {
    const variant = /"\.\/(\w+)\/bolt12_toolkit\.js"/.exec(readFileSync(join(PKG, browser), "utf8"))?.[1];
    assert.ok(variant, `${browser} imports no ./<variant>/bolt12_toolkit.js`);
    // Top-level statements start in column 0 in these files (the Commando entry has
    // indented awaits inside its async functions): `await x`, `const y = await x`.
    assert.doesNotMatch(readFileSync(join(PKG, browser), "utf8"), /^(?:await\b|(?:export\s+)?(?:const|let|var)\s[^=\n]*=\s*await\b)/m, `${browser} has a top-level await`);
    // A part fetched on first use (the full entry's `import("./lnap.js")`): its functions and its loader.
    const parts = [...readFileSync(join(PKG, browser), "utf8").matchAll(/import\("\.\/(\w+)\.js"\)/g)].map((m) => m[1]);
    const partNames = [];
    for (const part of parts) {
      const names = (await glueExports(part)).filter((k) => !["default", "initSync", "version"].includes(k));
      assert.ok(names.length > 0, `${part} exports nothing`);
      partNames.push(...names, `load${part[0].toUpperCase()}${part.slice(1)}`);
    }
    // An entry exports exactly what its declarations name: its own (the Commando entry's
    // commando.d.ts), and those of its wasm-bindgen module's declarations it re-exports
    // (which also declare net.js's classes and fetch.js's fetchInvoice, not the thin
    // core's internal exports such as Bolt8).
    const declaredIn = (t) => [...t.matchAll(/^export (?:declare )?(?:class|function|const|let) (\w+)/gm)].map((m) => m[1]);
    const dts = readFileSync(join(PKG, types), "utf8");
    const declared = declaredIn(dts);
    const own = dts.includes(`./${variant}/bolt12_toolkit`)
      ? [...declaredIn(readFileSync(join(PKG, variant, "bolt12_toolkit.d.ts"), "utf8")), ...declared]
      : declared;
    const want = [...new Set([...own, ...partNames, "init", "initSync", "default"])].sort();
    assert.deepEqual(Object.keys(await entry(browser)).filter((k) => k !== "__setSocketFactory").sort(), want, browser);
    const n = await entry(node);
    assert.deepEqual(Object.keys(n).filter((k) => k !== "__setSocketFactory").sort(), want, node);
    await n.init();
    assert.equal(n.default, n.init);
    assert.equal(typeof n.version(), "string", `${node} is loaded at import`);
  }
});
