// lnap as a module fetched on first use, tested in Node by importing the package's browser
// entry (index.js) directly, as init.test.mjs does: init() fetches only the full entry's
// .wasm; lnapDecode/lnapVerify/lnapCheckOffer throw LNAP_NOT_LOADED (naming loadLnap())
// until `await loadLnap()`, which fetches lnap's own .wasm once (WASM_LOAD_FAILED for bytes
// that do not compile, then a retry works); then they answer exactly what the native CLI
// (`bolt12 lnap ...`, the same lnap crate) answers for a real proof (lnap-fixtures.mjs,
// chained to a root of its own, so `untrusted` against Mozilla's roots),
// and bad offers are refused with the same code, kind and message as the bolt12 functions.
// The Node entry needs no load step: its first lnap call loads the module synchronously.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";
import { makeProof, oracle, calls } from "./lnap-fixtures.mjs";

const PKG = dirname(fileURLToPath(import.meta.resolve("bolt12-toolkit/package.json")));
const entry = (f) => import(pathToFileURL(join(PKG, f)).href);
const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";
const LNAP_WASM = join(PKG, "lnap", "bolt12_toolkit_bg.wasm");
const FULL_WASM = join(PKG, "full", "bolt12_toolkit_bg.wasm");
const notLoaded = (name) => (e) => e instanceof Error && e.name === "ToolkitError" && e.code === "LNAP_NOT_LOADED" &&
  e.message.startsWith(`${name}() was called before the lnap module was loaded`) && /await loadLnap\(\)/.test(e.message);

// Node's fetch has no file: URLs: serve the entries' .wasm from disk, and count the fetches.
const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, ...rest) => {
  const u = new URL(String(url));
  if (u.protocol !== "file:") return realFetch(url, ...rest);
  fetched.push(fileURLToPath(u));
  return new Response(readFileSync(fileURLToPath(u)), { headers: { "content-type": "application/wasm" } });
};

let fx, expected;
before(() => {
  fx = makeProof();
  expected = oracle(fx);
});
after(() => fx?.close());

test("index.js: init() loads the full module only; lnap functions throw LNAP_NOT_LOADED until loadLnap()", async () => {
  const full = await entry("index.js");
  for (const [name, f] of [["lnapDecode", () => full.lnapDecode(fx.proof)], ["lnapVerify", () => full.lnapVerify(fx.proof)],
    ["lnapCheckOffer", () => full.lnapCheckOffer(fx.proof, fx.offers.covered)]]) {
    assert.throws(f, notLoaded(name));
    assert.equal(full[name].name, name);
  }
  await full.init();
  assert.equal(full.decode(fx.offers.covered).offer_issuer, "example.com");
  assert.equal(full.validate(OFFER).valid, true);
  assert.deepEqual(fetched, [FULL_WASM], "init() fetched the full module, and nothing of lnap");
  assert.throws(() => full.lnapVerify(fx.proof), notLoaded("lnapVerify"), "init() does not load lnap");

  // Bytes that do not compile: WASM_LOAD_FAILED, still not loaded; then the real load.
  await assert.rejects(full.loadLnap(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])), (e) => e.code === "WASM_LOAD_FAILED" && e.cause !== undefined);
  assert.throws(() => full.lnapDecode(fx.proof), notLoaded("lnapDecode"), "still not loaded after a failed loadLnap");
  assert.deepEqual(fetched, [FULL_WASM]);
  await Promise.all([full.loadLnap(), full.loadLnap()]);
  await full.loadLnap();
  assert.deepEqual(fetched, [FULL_WASM, LNAP_WASM], "loadLnap() fetched lnap's own .wasm, once for three calls");
});

test("index.js after loadLnap(): the native CLI's answers for the proof, at three times, with three offers", async () => {
  const full = await entry("index.js");
  await full.loadLnap();
  const got = calls(full, fx);
  assert.deepEqual(got, expected);
  // The proof is real: it names its vendor, node id and certificate; its root is ours, not
  // one of Mozilla's (the only anchors the package trusts), so every report says so.
  assert.equal(got.decode.type, "lnap proof");
  assert.equal(got.decode.valid, true);
  assert.equal(got.decode.vendor, "example.com");
  assert.deepEqual(got.decode.node_ids, [fx.nodeId]);
  assert.deepEqual([got.decode.cert_subject, got.decode.cert_issuer], ["CN=example.com", "CN=lnap test root"]);
  for (const [k, r] of Object.entries(got).slice(1)) {
    assert.deepEqual([r.verdict, r.reason, r.vendor], ["untrusted", "incomplete_chain", "example.com"], k);
    assert.match(r.detail, /CN=lnap test root/, k);
  }
});

test("index.js after loadLnap(): malformed proofs and bad offers, typed as before", async () => {
  const full = await entry("index.js");
  await full.loadLnap();
  for (const f of [() => full.lnapDecode("lnap1qqqq"), () => full.lnapVerify("zz"), () => full.lnapCheckOffer("lnap1qqqq", OFFER)]) {
    assert.throws(f, (e) => e instanceof Error && e.code === "LNAP_INVALID");
  }
  // lnap's module parses offers itself: the same errors as the bolt12 functions' (createInvoiceRequest).
  const error = (f) => { try { f(); } catch (e) { return { name: e.name, code: e.code, kind: e.kind, message: e.message }; } return null; };
  for (const bad of ["hello world", OFFER.slice(0, -4), fx.proof, "lnr1qqqq", "lightning:" + OFFER.slice(0, -2)]) {
    const mine = error(() => full.lnapCheckOffer(fx.proof, bad));
    assert.ok(mine && mine.code, bad);
    assert.deepEqual(mine, error(() => full.createInvoiceRequest(bad, { amountMsat: 1000 })), bad);
  }
  assert.deepEqual(full.lnapCheckOffer(fx.proof, "lightning:" + fx.offers.covered, fx.times[0]), expected[`check:covered@${fx.times[0]}`]);
});

test("node.js: lnap works with no load step (loaded on first call), loadLnap() resolves, same answers", async () => {
  const tk = await import("bolt12-toolkit");
  assert.equal(typeof tk.loadLnap, "function");
  assert.deepEqual(calls(tk, fx), expected);
  await tk.loadLnap();
  assert.throws(() => tk.lnapVerify("zz"), (e) => e.code === "LNAP_INVALID");
});
