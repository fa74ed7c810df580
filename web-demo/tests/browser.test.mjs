// Browser tests of the demo page: Debian's chromium driven by playwright-core, against
// the demo node on loopback. Screenshots of each main screen go to tests/output/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startNode, stopAll } from "./demo-node.mjs";
import { makeProof, cli } from "./lnap-fixtures.mjs";

const OUT = fileURLToPath(new URL("./output/", import.meta.url));
mkdirSync(OUT, { recursive: true });
const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";
const WAIT = 20000; // upper bound for any one UI change, not a performance threshold

let node, browser;
before(async () => {
  node = await startNode();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
after(async () => {
  await browser?.close();
  await stopAll();
});

async function openPage() {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(node.http_url);
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  page.jsErrors = errors;
  return page;
}

async function connect(page, { nodeId = node.node_id, url = node.ws_url, rune = node.rune } = {}) {
  await page.fill("#node-id", nodeId);
  await page.fill("#ws-url", url);
  await page.fill("#rune", rune);
  await page.click("#connect-btn");
}

const shot = (page, name) => page.screenshot({ path: OUT + name + ".png", fullPage: true });

test("connect with a valid rune and see getinfo", async () => {
  const page = await openPage();
  await connect(page);
  await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
  await page.waitForSelector("#info:not([hidden])", { timeout: WAIT });
  await page.waitForFunction((id) => document.querySelector("#info-list").textContent.includes(id), node.node_id, { timeout: WAIT });
  await page.waitForFunction(() => /\d/.test(document.querySelector("#balance").textContent), null, { timeout: WAIT });
  assert.match(await page.textContent("#info-list"), /bolt12-toolkit demo node/);
  // The demo node lists what it simulates in its getinfo: the page says so.
  await page.waitForSelector("body[data-node=demo]", { timeout: WAIT });
  assert.equal(await page.isVisible("#balance-sim"), true, "balance not tagged simulated on the demo node");
  assert.equal(await page.textContent("#pay-btn"), "Pay (simulated)");
  assert.equal(await page.isVisible("#sim-note"), true);
  // Remembered for the next visit.
  const saved = JSON.parse(await page.evaluate(() => localStorage.getItem("bolt12-demo:connection")));
  assert.deepEqual(saved, { nodeId: node.node_id, url: node.ws_url, rune: node.rune });
  await shot(page, "01-connected-getinfo");
  const again = await page.context().newPage();
  await again.goto(node.http_url);
  await again.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  assert.equal(await again.inputValue("#rune"), node.rune);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("the page is ready only after the demo node's details are filled in (nothing typed is overwritten)", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  let asked;
  const wasAsked = new Promise((r) => { asked = r; });
  await page.route("**/demo-node.json", async (route) => { asked(); await held; await route.continue(); });
  await page.goto(node.http_url);
  await wasAsked;
  // The answer is held back: the page must not say it is ready yet.
  await page.waitForFunction(() => typeof window.bolt12toolkit === "object", null, { timeout: WAIT });
  assert.equal(await page.getAttribute("body", "data-ready"), null);
  release();
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  assert.deepEqual([await page.inputValue("#node-id"), await page.inputValue("#ws-url"), await page.inputValue("#rune")], [node.node_id, node.ws_url, node.rune]);
  await ctx.close();
});

test("decode a valid and an invalid offer", async () => {
  const page = await openPage();
  await page.fill("#decode-input", OFFER);
  await page.click("#decode-btn");
  await page.waitForSelector("#decode-verdict[data-code=OK]", { timeout: WAIT });
  assert.match(await page.textContent("#decode-verdict"), /Valid offer/);
  assert.match(await page.textContent("#decode-fields"), /offer_issuer_id/);
  await shot(page, "02-decode-valid");
  await page.fill("#decode-input", OFFER.slice(0, -4));
  await page.click("#decode-btn");
  await page.waitForSelector("#decode-verdict[data-code=INVALID_BOLT12]", { timeout: WAIT });
  assert.match(await page.textContent("#decode-verdict"), /Invalid BOLT 12 offer/);
  await shot(page, "03-decode-invalid");
  await page.fill("#decode-input", "lnbc10u1pjexample");
  await page.click("#decode-btn");
  await page.waitForSelector("#decode-verdict[data-code=UNKNOWN_PREFIX]", { timeout: WAIT });
  assert.match(await page.textContent("#decode-verdict"), /Not a BOLT 12 string/);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("a vendor proof pasted beside an offer: lnap fetched only then, the CLI's verdict shown", async () => {
  const fx = makeProof();
  try {
    const page = await openPage();
    const lnapRequests = [];
    page.on("request", (r) => { if (/lnap/.test(new URL(r.url()).pathname)) lnapRequests.push(r.url()); });
    await page.fill("#decode-input", fx.offers.covered);
    await page.click("#decode-btn");
    await page.waitForSelector("#decode-verdict[data-code=OK]", { timeout: WAIT });
    assert.deepEqual(lnapRequests, [], "lnap fetched before a proof was pasted");
    assert.equal(await page.isVisible("#lnap-verdict"), false);
    await page.evaluate(() => { document.querySelector("details:has(#lnap-input)").open = true; });
    await page.fill("#lnap-input", fx.proof);
    await page.click("#decode-btn");
    await page.waitForSelector("#lnap-verdict:not([hidden])", { timeout: WAIT });
    // The native CLI's answer against the same (Mozilla) roots is the oracle.
    const want = cli(["lnap", "check", fx.proof, fx.offers.covered]);
    assert.equal(await page.textContent("#lnap-verdict"), `Vendor proof (${want.vendor}): ${want.verdict} — ${want.detail}`);
    assert.ok(lnapRequests.length > 0, "the verdict came without fetching lnap");
    assert.deepEqual(page.jsErrors, []);
    await page.context().close();
  } finally {
    fx.close();
  }
});

test("create an offer (text + QR) and fetch an invoice for it, checked in the browser", async () => {
  const page = await openPage();
  await connect(page);
  await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
  await page.fill("#receive-amount", "50000");
  await page.fill("#receive-desc", "browser test coffee");
  await page.click("#receive-btn");
  await page.waitForSelector("#offer-box:not([hidden]) #offer-qr svg", { timeout: WAIT });
  const offer = (await page.textContent("#offer-text")).trim();
  assert.match(offer, /^lno1[02-9ac-hj-np-z]+$/);
  await shot(page, "04-receive-offer-qr");
  await page.click("#offer-use");
  assert.equal(await page.inputValue("#request-offer"), offer);
  // Natively (the default): the page's own onion message, answered by the demo node's
  // responder; then through the node (Commando fetchinvoice). Both checked in the page.
  assert.equal(await page.inputValue("#request-how"), "native");
  const invoices = [];
  for (const how of ["native", "commando"]) {
    await page.selectOption("#request-how", how);
    await page.click("#request-btn");
    await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
    assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
    await page.waitForSelector(`#invoice-route[data-how=${how}]`, { timeout: WAIT });
    assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK");
    assert.match(await page.textContent("#invoice-check"), /checked in the browser against the offer/);
    const invoice = (await page.textContent("#invoice-text")).trim();
    assert.match(invoice, /^lni1/);
    assert.match(await page.textContent("#invoice-fields"), /50000/);
    if (how === "native") {
      assert.match(await page.textContent("#invoice-route"), /^✓ Fetched natively by this page: an onion message direct to offer_issuer_id \(the connected peer\).*no rune; \d+ payer checks passed$/);
      await shot(page, "07-native-invoice");
    } else {
      assert.equal(await page.textContent("#invoice-route"), "✓ Fetched by the node (Commando fetchinvoice)");
    }
    invoices.push(invoice);
  }
  assert.notEqual(invoices[0], invoices[1], "two requests, two invoices");
  await page.click("#pay-btn");
  await page.waitForSelector("#pay-result:not([hidden])", { timeout: WAIT });
  assert.match(await page.textContent("#pay-result"), /SIMULATED/);
  await shot(page, "05-invoice-checked-paid");
  // Console: any method.
  await page.fill("#rpc-method", "listoffers");
  await page.fill("#rpc-params", "{}");
  await page.click("#rpc-btn");
  await page.waitForSelector("#rpc-output[data-ok=true]", { timeout: WAIT });
  assert.ok((await page.textContent("#rpc-output")).includes(offer));
  await shot(page, "06-rpc-console");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("a restricted rune is refused with the node's message; wrong rune and unreachable node explained", async () => {
  const page = await openPage();
  await connect(page, { rune: node.readonly_rune });
  await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
  await page.waitForSelector("#info:not([hidden])", { timeout: WAIT });
  await page.click("#receive-btn");
  await page.waitForSelector("#receive-error:not([hidden])", { timeout: WAIT });
  const refused = await page.textContent("#receive-error");
  assert.match(refused, /Method not permitted by this rune\. The node said: Invalid rune: Not permitted: method does not start with list/);
  await page.fill("#rpc-method", "fetchinvoice");
  await page.fill("#rpc-params", JSON.stringify({ offer: OFFER }));
  await page.click("#rpc-btn");
  await page.waitForSelector("#rpc-output[data-ok=false]", { timeout: WAIT });
  assert.match(await page.textContent("#rpc-output"), /"rpcCode": 19537/);
  await shot(page, "07-rune-not-permitted");

  // A rune from another node's secret: wrong rune.
  const stranger = await startNode({ http: false });
  await stranger.stop();
  await connect(page, { rune: stranger.rune });
  await page.waitForSelector("#connect-error:not([hidden])", { timeout: WAIT });
  assert.match(await page.textContent("#connect-error"), /Wrong rune: the node did not accept it.*Invalid rune: Not authorized/);
  await shot(page, "08-wrong-rune");

  // Nothing listening there any more: node unreachable.
  await page.click("#disconnect-btn");
  await connect(page, { url: stranger.ws_url });
  await page.waitForSelector("#status[data-state=failed]", { timeout: WAIT });
  assert.match(await page.textContent("#connect-error"), /Node unreachable/);
  await shot(page, "09-node-unreachable");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("a dropped connection shows the retry state, then reconnects", async () => {
  const own = await startNode({ http: false });
  let restarted, page;
  try {
    page = await openPage();
    await connect(page, { nodeId: own.node_id, url: own.ws_url, rune: own.rune });
    await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
    await own.stop();
    await page.waitForSelector("#status[data-state=retrying]", { timeout: WAIT });
    assert.match(await page.textContent("#status"), /retrying/);
    await shot(page, "10-retrying");
    // The node comes back on the same port with the same key: the page reconnects.
    restarted = await startNode({ http: false, ws: `127.0.0.1:${own.port}`, seed: own.seed });
    await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
    await page.fill("#rpc-method", "getinfo");
    await page.fill("#rpc-params", "");
    await page.click("#rpc-btn");
    await page.waitForSelector("#rpc-output[data-ok=true]", { timeout: WAIT });
    assert.ok((await page.textContent("#rpc-output")).includes(own.node_id));
    await shot(page, "11-reconnected");
    assert.deepEqual(page.jsErrors, []);
  } finally {
    await restarted?.stop();
    await own.stop();
    await page?.context().close();
  }
});
