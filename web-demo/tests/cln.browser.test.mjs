// Browser tests against real Core Lightning nodes (v26.06.6, regtest, loopback), started
// with the interop harness (`cln-nodes --nodes 2 --websocket --connect`): the npm package
// and the demo page, in Debian's chromium, talk to node 0 over BOLT 8 + WebSocket with
// Commando and a rune that node minted. Node 1 issues the offers node 0 fetches invoices
// for. Core Lightning's own answers (lightning-cli on each node's RPC socket) are the
// reference. Screenshots go to tests/output/21-*.png and up.
// (Chromium only: Node 20's WebSocket sends lowercase Connection/Upgrade headers, which
// Core Lightning's websocketd refuses.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startClnNodes, lightningCli } from "./cln-nodes.mjs";
import { startStaticServer } from "./static-server.mjs";

const OUT = fileURLToPath(new URL("./output/", import.meta.url));
mkdirSync(OUT, { recursive: true });
const WAIT = 60000; // upper bound for any one UI change or node round trip, not a performance threshold
const LIMIT = { timeout: 300000 }; // bound on each test

let cln, n0, n1, web, browser;
before(async () => {
  web = await startStaticServer();
  cln = await startClnNodes(2);
  [n0, n1] = cln.nodes;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, { timeout: 300000 });
after(async () => {
  await browser?.close();
  await cln?.stop();
  await web?.close();
}, { timeout: 120000 });

async function newPage(path) {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(web.url + path);
  page.jsErrors = errors;
  return page;
}
const shot = (page, name) => page.screenshot({ path: OUT + name + ".png", fullPage: true });

test("npm package in chromium: Commando to Core Lightning with its rune: getinfo, offer_id, fetchinvoice checked, offer", LIMIT, async () => {
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1000msat", description: "npm-package-test" });
  const page = await newPage("blank.html");
  const r = await page.evaluate(async ({ n0, offer }) => {
    const tk = await import("/pkg/index.js");
    const states = [];
    const c = await tk.Commando.connect({ nodeId: n0.id, url: n0.ws, rune: n0.rune, reconnect: false, timeoutMs: 50000, onState: (e) => states.push(e.state) });
    try {
      const info = await c.call("getinfo");
      const ours = tk.decode(offer);
      const theirs = await c.call("decode", { string: offer });
      const f = await c.call("fetchinvoice", { offer });
      const check = tk.checkInvoice(f.invoice, { offer });
      const made = await c.call("offer", { amount: "2500msat", description: "made from chromium" });
      const madeDecoded = tk.decode(made.bolt12);
      let refused = null;
      const ro = await tk.Commando.connect({ nodeId: n0.id, url: n0.ws, rune: n0.readonly_rune, reconnect: false, timeoutMs: 50000 });
      try {
        await ro.call("offer", { amount: "any", description: "not allowed" });
      } catch (e) {
        refused = { code: e.code, rpcCode: e.rpcCode, message: e.message };
      } finally {
        ro.close();
      }
      return {
        states, info: { id: info.id, alias: info.alias, version: info.version, network: info.network, simulated: info.simulated ?? null },
        ours: { offer_id: ours.offer_id, valid: ours.valid, issuer: ours.offer_issuer_id, amount: ours.offer_amount_msat, description: ours.offer_description },
        theirs: { offer_id: theirs.offer_id, valid: theirs.valid },
        invoice: f.invoice,
        check: { ok: check.ok, code: check.code, message: check.message, nodeId: check.nodeId, amountMsat: check.amountMsat, offerId: check.offerId, paymentHash: check.paymentHash },
        made, madeDecoded: { offer_id: madeDecoded.offer_id, issuer: madeDecoded.offer_issuer_id, amount: madeDecoded.offer_amount_msat, description: madeDecoded.offer_description },
        refused,
      };
    } finally {
      c.close();
    }
  }, { n0, offer: offer1.bolt12 });

  assert.deepEqual(r.states, ["connecting", "connected"]);
  assert.equal(r.info.id, n0.id);
  assert.equal(r.info.network, "regtest");
  assert.match(r.info.version, /^v26\.06/);
  assert.equal(r.info.simulated, null, "Core Lightning advertises nothing simulated");
  // The offer as node 1 made it, decoded by us in WebAssembly and by node 0 (Core Lightning).
  assert.deepEqual([r.ours.valid, r.ours.issuer, r.ours.amount, r.ours.description], [true, n1.id, 1000, "npm-package-test"]);
  assert.equal(r.theirs.offer_id, offer1.offer_id, "Core Lightning's decode agrees with its offer");
  assert.equal(r.ours.offer_id, offer1.offer_id, "our offer_id is Core Lightning's offer_id");
  // The invoice node 1 sent node 0 (onion messages), checked in the browser against the offer.
  assert.match(r.invoice, /^lni1/);
  assert.deepEqual([r.check.ok, r.check.code], [true, "OK"], r.check.message);
  assert.deepEqual([r.check.nodeId, r.check.amountMsat], [n1.id, 1000]);
  assert.equal(r.check.offerId, offer1.offer_id, "the invoice's offer_id is Core Lightning's");
  const issued = await lightningCli(n1.rpc, "listinvoices", { offer_id: offer1.offer_id });
  assert.deepEqual(issued.invoices.map((i) => i.payment_hash), [r.check.paymentHash], "node 1 issued exactly this invoice");
  // The offer made on node 0 from the browser: node 0 lists it.
  assert.deepEqual([r.madeDecoded.issuer, r.madeDecoded.amount, r.madeDecoded.description], [n0.id, 2500, "made from chromium"]);
  assert.equal(r.madeDecoded.offer_id, r.made.offer_id, "our offer_id is Core Lightning's offer_id");
  const listed = await lightningCli(n0.rpc, "listoffers", { offer_id: r.made.offer_id });
  assert.deepEqual(listed.offers.map((o) => o.bolt12), [r.made.bolt12]);
  // The read-only rune (method^list|method^get|...) is refused `offer`, with the node's words.
  assert.ok(r.refused, "the read-only rune was allowed to create an offer");
  assert.deepEqual([r.refused.code, r.refused.rpcCode], ["RUNE_UNAUTHORIZED", 19537], JSON.stringify(r.refused));
  assert.match(r.refused.message, /^Invalid rune: Not permitted: method /);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

async function connectPage(page, { rune = n0.rune } = {}) {
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  await page.fill("#node-id", n0.id);
  await page.fill("#ws-url", n0.ws);
  await page.fill("#rune", rune);
  await page.click("#connect-btn");
  await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
  await page.waitForSelector("body[data-node=real]", { timeout: WAIT });
  await page.waitForFunction((id) => document.querySelector("#info-list").textContent.includes(id), n0.id, { timeout: WAIT });
}

test("demo page on Core Lightning: getinfo, offer_id of node 1's offer, invoice fetched and checked, nothing 'simulated'", LIMIT, async () => {
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1000msat", description: "page-test coffee" });
  const page = await newPage("");
  await connectPage(page);
  await page.waitForFunction(() => /\d/.test(document.querySelector("#balance").textContent), null, { timeout: WAIT });
  const info = await page.textContent("#info-list");
  assert.match(info, /aliascln-interop/);
  assert.match(info, /networkregtest/);
  assert.match(info, /versionv26\.06/);
  assert.equal(await page.isVisible("#balance-sim"), false, "balance tagged simulated on a real node");
  assert.equal(await page.isVisible("#info-error"), false, await page.textContent("#info-error"));
  await shot(page, "21-cln-connected-getinfo");

  // Decode node 1's offer in the page: Core Lightning's offer_id.
  await page.fill("#decode-input", offer1.bolt12);
  await page.click("#decode-btn");
  await page.waitForSelector("#decode-verdict[data-code=OK]", { timeout: WAIT });
  assert.match(await page.textContent("#decode-verdict"), /Valid offer/);
  const decoded = await page.$$eval("#decode-fields dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.equal(decoded.offer_issuer_id, n1.id);
  assert.equal(decoded.offer_description, "page-test coffee");
  await shot(page, "22-cln-decode-offer");
  assert.equal(decoded.offer_id, offer1.offer_id, "the page shows Core Lightning's offer_id");

  // fetchinvoice through node 0, the invoice checked in the page against the offer.
  await page.fill("#request-offer", offer1.bolt12);
  await page.click("#request-btn");
  await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
  assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK", await page.textContent("#invoice-check"));
  assert.match(await page.textContent("#invoice-check"), new RegExp(`checked in the browser against the offer: signature by ${n1.id.slice(0, 16)}`));
  const invoice = (await page.textContent("#invoice-text")).trim();
  assert.match(invoice, /^lni1/);
  const inv = await page.$$eval("#invoice-fields dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.deepEqual([inv.amount_msat, inv.node_id, inv.description], ["1000", n1.id, "page-test coffee"]);
  const issued = await lightningCli(n1.rpc, "listinvoices", { offer_id: offer1.offer_id });
  assert.deepEqual(issued.invoices.map((i) => i.payment_hash), [inv.payment_hash], "node 1 issued exactly this invoice");
  const theirs = await lightningCli(n0.rpc, "decode", { string: invoice });
  assert.deepEqual([theirs.valid, theirs.invoice_payment_hash], [true, inv.payment_hash]);
  assert.equal(await page.textContent("#pay-btn"), "Pay");
  // No channels on these nodes: Core Lightning's pay fails, and the page says so in its words.
  await page.click("#pay-btn");
  await page.waitForSelector("#pay-result:not([hidden])", { timeout: WAIT });
  assert.match(await page.textContent("#pay-result"), /^✗ The node returned an error \(-?\d+\): \S/);
  assert.deepEqual((await lightningCli(n0.rpc, "listpays")).pays.filter((p) => p.status === "complete"), []);
  // Nothing on the page says "simulated" when connected to Core Lightning.
  assert.doesNotMatch(await page.innerText("body"), /simulated/i);
  await shot(page, "23-cln-invoice-checked");
  assert.equal(inv.offer_id, offer1.offer_id, "the invoice's offer_id in the page is Core Lightning's");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("demo page on Core Lightning: create an offer on node 0 (text + QR); the read-only rune is refused in plain words", LIMIT, async () => {
  const page = await newPage("");
  await connectPage(page);
  await page.fill("#receive-amount", "4200");
  await page.fill("#receive-desc", "page-made offer");
  await page.click("#receive-btn");
  await page.waitForSelector("#offer-box:not([hidden]) #offer-qr svg, #receive-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#receive-error"), false, await page.textContent("#receive-error"));
  const offer = (await page.textContent("#offer-text")).trim();
  assert.match(offer, /^lno1[02-9ac-hj-np-z]+$/);
  // Node 0 made it: it lists it, and Core Lightning's decode reads our amount and text.
  const listed = await lightningCli(n0.rpc, "listoffers");
  assert.ok(listed.offers.some((o) => o.bolt12 === offer), "node 0 does not list the page's offer");
  const d = await lightningCli(n0.rpc, "decode", { string: offer });
  assert.deepEqual([d.valid, d.offer_issuer_id, d.offer_amount_msat, d.offer_description], [true, n0.id, 4200, "page-made offer"]);
  assert.doesNotMatch(await page.innerText("body"), /simulated/i);
  await shot(page, "24-cln-receive-offer-qr");

  // Read-only rune: connected, getinfo shown, `offer` refused with Core Lightning's message.
  await page.click("#disconnect-btn");
  await connectPage(page, { rune: n0.readonly_rune });
  assert.equal(await page.isVisible("#offer-box"), false, "the previous connection's offer is still shown");
  await page.click("#receive-btn");
  await page.waitForSelector("#receive-error:not([hidden])", { timeout: WAIT });
  assert.match(await page.textContent("#receive-error"), /^Method not permitted by this rune\. The node said: Invalid rune: Not permitted: method /);
  await shot(page, "25-cln-rune-not-permitted");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});
