// lnap fetched on first use, in Debian's chromium (playwright-core): a page using the full
// entry (/pkg/index.js, the installed package served as is) for everything but vendor
// proofs never requests lnap's files (every request the page makes is recorded); the lnap
// functions throw LNAP_NOT_LOADED before `await loadLnap()`; loadLnap() requests lnap.js,
// its glue and its .wasm, once each; then the answers for a real proof (lnap-fixtures.mjs)
// are the native CLI's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startStaticServer } from "./static-server.mjs";
import { makeProof, oracle, calls } from "./lnap-fixtures.mjs";

const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";
const WAIT = 20000; // upper bound for one page step, not a performance threshold
const LNAP_FILES = ["/pkg/lnap.js", "/pkg/lnap/bolt12_toolkit.js", "/pkg/lnap/bolt12_toolkit_bg.wasm"];

let server, browser, fx, expected;
before(async () => {
  fx = makeProof();
  expected = oracle(fx);
  server = await startStaticServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
after(async () => {
  await browser?.close();
  await server?.close();
  fx?.close();
});

/** A fresh page of the server's origin, recording the path of every request it makes. */
async function openPage() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.url + "blank.html", { timeout: WAIT });
  return { page, requests, errors, close: () => ctx.close() };
}

test("a page that never checks a vendor proof never requests lnap's files", { timeout: 3 * WAIT }, async () => {
  const { page, requests, errors, close } = await openPage();
  const r = await page.evaluate(async (offer) => {
    const tk = await import("/pkg/index.js");
    const code = (f) => { try { f(); return "NOT_THROWN"; } catch (e) { return e.code; } };
    await tk.init();
    const d = tk.decode(offer);
    const req = tk.createInvoiceRequest(offer, { amountMsat: 1000 });
    const runeCode = code(() => tk.decodeRune("not a rune!"));
    const connect = await tk.Commando.connect({ nodeId: "02zz", url: "ws://127.0.0.1:1" }).then(() => "NOT_REJECTED", (e) => e.code);
    const bip353 = code(() => tk.verifyBip353("₿a@example.com", new Uint8Array([0])));
    const lnap = [code(() => tk.lnapDecode("lnap1qqqq")), code(() => tk.lnapVerify("lnap1qqqq")), code(() => tk.lnapCheckOffer("lnap1qqqq", offer))];
    return { valid: d.valid, issuerId: d.offer_issuer_id, req: req.invoiceRequest.slice(0, 4), runeCode, connect, bip353, lnap };
  }, OFFER);
  assert.deepEqual(r, {
    valid: true, issuerId: "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619", req: "lnr1",
    runeCode: "RUNE_INVALID", connect: "BAD_ADDRESS", bip353: "BIP353_MALFORMED_PROOF",
    lnap: ["LNAP_NOT_LOADED", "LNAP_NOT_LOADED", "LNAP_NOT_LOADED"],
  });
  assert.ok(requests.includes("/pkg/full/bolt12_toolkit_bg.wasm"), requests.join(" "));
  assert.deepEqual(requests.filter((p) => /lnap/.test(p)), [], "lnap requested by a page that checks no proof");
  assert.deepEqual(errors, []);
  await close();
});

test("loadLnap() fetches lnap's module once; then the native CLI's answers", { timeout: 3 * WAIT }, async () => {
  const { page, requests, errors, close } = await openPage();
  // Only lnap: loadLnap() needs no init() of the full entry (and does not load it).
  const before = await page.evaluate(async () => {
    window.tk = await import("/pkg/index.js");
    try { window.tk.lnapVerify("lnap1qqqq"); return "NOT_THROWN"; } catch (e) { return `${e.name}:${e.code}:${e.message}`; }
  });
  assert.match(before, /^ToolkitError:LNAP_NOT_LOADED:lnapVerify\(\) was called before the lnap module was loaded: `await loadLnap\(\)` first/);
  assert.deepEqual(requests.filter((p) => /lnap/.test(p)), []);
  const got = await page.evaluate(async ([src, fx]) => {
    await Promise.all([window.tk.loadLnap(), window.tk.loadLnap()]);
    await window.tk.loadLnap();
    return new Function("tk", "fx", `return (${src})(tk, fx);`)(window.tk, fx);
  }, [calls.toString(), { proof: fx.proof, offers: fx.offers, times: fx.times }]);
  assert.deepEqual(got, expected);
  assert.equal(got.decode.type, "lnap proof");
  assert.deepEqual(got.decode.node_ids, [fx.nodeId]);
  assert.deepEqual(requests.filter((p) => /lnap/.test(p)).sort(), [...LNAP_FILES].sort(), "each lnap file once");
  assert.ok(!requests.includes("/pkg/full/bolt12_toolkit_bg.wasm"), "loadLnap() loaded the full module too");
  const invalid = await page.evaluate(() => { try { window.tk.lnapDecode("lnap1qqqq"); return "NOT_THROWN"; } catch (e) { return e.code; } });
  assert.equal(invalid, "LNAP_INVALID");
  assert.deepEqual(errors, []);
  await close();
});

test("loadLnap(): lnap's .wasm not served -> WASM_LOAD_FAILED, still LNAP_NOT_LOADED; a later call loads it", { timeout: 3 * WAIT }, async () => {
  const { page, requests, close } = await openPage();
  const wasm = "**/pkg/lnap/bolt12_toolkit_bg.wasm";
  await page.route(wasm, (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }));
  const first = await page.evaluate(async () => {
    window.tk = await import("/pkg/index.js");
    const code = (f) => { try { f(); return "NOT_THROWN"; } catch (e) { return e.code; } };
    const failed = await window.tk.loadLnap().then(() => "NOT_REJECTED", (e) => `${e.code}:${e.message}`);
    return { failed, after: code(() => window.tk.lnapDecode("lnap1qqqq")) };
  });
  assert.match(first.failed, /^WASM_LOAD_FAILED:could not load the WebAssembly module from .*\/pkg\/lnap\/bolt12_toolkit_bg\.wasm/);
  assert.equal(first.after, "LNAP_NOT_LOADED");
  await page.unroute(wasm);
  const second = await page.evaluate(async () => {
    await window.tk.loadLnap();
    try { window.tk.lnapDecode("lnap1qqqq"); return "NOT_THROWN"; } catch (e) { return e.code; }
  });
  assert.equal(second, "LNAP_INVALID", "loaded by the second loadLnap()");
  assert.equal(requests.filter((p) => p === "/pkg/lnap/bolt12_toolkit_bg.wasm").length, 2, "fetched again by the retry");
  await close();
});

test("loadLnap(): lnap.js itself not served -> WASM_LOAD_FAILED naming the lnap module", { timeout: 3 * WAIT }, async () => {
  const { page, close } = await openPage();
  await page.route("**/pkg/lnap.js", (route) => route.fulfill({ status: 404, contentType: "text/plain", body: "not found" }));
  const r = await page.evaluate(async () => {
    const tk = await import("/pkg/index.js");
    const failed = await tk.loadLnap().then(() => "NOT_REJECTED", (e) => `${e.name}:${e.code}:${e.message}`);
    let after;
    try { tk.lnapVerify("lnap1qqqq"); after = "NOT_THROWN"; } catch (e) { after = e.code; }
    return { failed, after };
  });
  assert.match(r.failed, /^ToolkitError:WASM_LOAD_FAILED:could not load the lnap module: /);
  assert.equal(r.after, "LNAP_NOT_LOADED");
  await close();
});
