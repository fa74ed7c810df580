// The wallet page as a real wallet against real Core Lightning nodes (v26.06.6, regtest,
// loopback; `cln-nodes --nodes 2 --websocket --connect`), in Debian's chromium: the balance
// from listfunds, receive (an offer made on node 0, shown with a QR code, incoming payments
// awaited with waitanyinvoice), pay (the invoice fetched natively, checked in the page,
// confirmed, paid with xpay), history (listpays, listinvoices). Core Lightning's own answers
// (lightning-cli on each node's RPC socket) are the reference. The nodes have no channels:
// paying node 1 fails in node 0's words; paying node 0's own offer from node 0 is a
// self-payment, which Core Lightning settles at once, so an arrival really happens.
// Screenshots go to tests/output/41-*.png and up.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execFile } from "node:child_process";
import { homedir } from "node:os";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { startClnNodes, lightningCli, startProxy } from "./cln-nodes.mjs";
import { startStaticServer } from "./static-server.mjs";
import { startNode, stopAll } from "./demo-node.mjs";

const OUT = fileURLToPath(new URL("./output/", import.meta.url));
mkdirSync(OUT, { recursive: true });
const WAIT = 60000; // upper bound for any one UI change or node round trip, not a performance threshold
const LIMIT = { timeout: 300000 }; // bound on each test
// Core Lightning limits incoming onion messages per peer (a bucket of 4, one more every
// 250 ms): native fetches are kept at least this far apart.
const PACE_MS = 300;
const pace = () => new Promise((r) => setTimeout(r, PACE_MS));
const qrcode = createRequire(import.meta.url)("qrcode-generator");

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
  await stopAll();
  await cln?.stop();
  await web?.close();
}, { timeout: 120000 });

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(web.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  page.jsErrors = errors;
  return page;
}
const shot = (page, name) => page.screenshot({ path: OUT + name + ".png", fullPage: true });

async function connectPage(page, { rune = n0.rune, url = n0.ws, bridge = "" } = {}) {
  await page.fill("#node-id", n0.id);
  await page.fill("#ws-url", url);
  await page.fill("#ws-proxy", bridge);
  await page.fill("#rune", rune);
  await page.click("#connect-btn");
  await page.waitForSelector("#status[data-state=connected]", { timeout: WAIT });
  await page.waitForSelector("body[data-node=real]", { timeout: WAIT });
  await page.waitForFunction((id) => document.querySelector("#info-list").textContent.includes(id), n0.id, { timeout: WAIT });
}

// lightning-cli without its progress notifications ("# ..." lines, which xpay prints
// before its JSON), for the commands that send them.
const CLN_PREFIX = process.env.CLN_PREFIX || `${homedir()}/.cache/bolt12-toolkit/cln-v26.06.6`;
function lightningCliQuiet(rpc, method, params = {}) {
  const args = [`--rpc-file=${rpc}`, "--notifications=none", method, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    execFile(`${CLN_PREFIX}/bin/lightning-cli`, args, { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`lightning-cli ${method} failed: ${stderr || stdout || err.message}`));
      try { resolve(JSON.parse(stdout)); } catch (e) { reject(new Error(`lightning-cli ${method}: not JSON: ${stdout}`)); }
    });
  });
}

// lightning-cli's error object for a failed command (it prints it and exits non-zero).
async function cliError(rpc, method, params) {
  try {
    await lightningCli(rpc, method, params);
  } catch (e) {
    const m = /\{[\s\S]*\}/.exec(e.message);
    return m ? JSON.parse(m[0]) : { message: e.message };
  }
  return null;
}

// The page's invoice fields (dt -> dd).
const invoiceFields = (page) => page.$$eval("#invoice-fields dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));

test("balance: the total of node 0's listfunds (outputs + channels), to the msat; nothing simulated", LIMIT, async () => {
  const page = await newPage();
  await connectPage(page);
  await page.waitForSelector("#balance[data-msat]", { timeout: WAIT });
  const funds = await lightningCli(n0.rpc, "listfunds");
  const total = funds.outputs.filter((o) => o.status !== "spent").reduce((a, o) => a + BigInt(o.amount_msat), 0n)
    + funds.channels.reduce((a, c) => a + BigInt(c.our_amount_msat), 0n);
  assert.equal(await page.getAttribute("#balance", "data-msat"), String(total));
  assert.equal(await page.textContent("#balance"), (total / 1000n).toLocaleString("en-US") + (total % 1000n ? "." + String(total % 1000n).padStart(3, "0") : ""));
  const detail = await page.textContent("#balance-detail");
  assert.match(detail, new RegExp(`in ${funds.outputs.length} outputs?, `), detail);
  assert.match(detail, new RegExp(`in ${funds.channels.length} channels? \\(listfunds\\)$`), detail);
  assert.ok(detail.startsWith(`${total.toLocaleString("en-US")} msat`), detail);
  assert.equal(await page.isVisible("#info-error"), false, await page.textContent("#info-error"));
  assert.doesNotMatch(await page.innerText("body"), /simulated/i);
  await shot(page, "41-wallet-balance");

  // A read-only rune (method^list|method^get|...): the balance is still listed, but waiting
  // for payments (waitanyinvoice) is refused, in the node's words.
  await page.click("#disconnect-btn");
  await connectPage(page, { rune: n0.readonly_rune });
  await page.waitForSelector("#incoming[data-state=error]", { timeout: WAIT });
  assert.match(await page.textContent("#incoming-state"), /^Incoming payments cannot be shown: Method not permitted by this rune\. The node said: Invalid rune: Not permitted: method /);
  assert.equal(await page.getAttribute("#balance", "data-msat"), String(total));
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("receive on node 0 (offer + QR, listed by the node), waiting with waitanyinvoice; pay it from the page (xpay, a self-payment): the arrival, listpays and listinvoices", LIMIT, async () => {
  const page = await newPage();
  await connectPage(page);
  // The page is waiting for payments: its waitanyinvoice call, on a connection of its own
  // (Core Lightning answers a peer's Commando commands one at a time), is pending.
  await page.waitForSelector("#incoming[data-state=waiting]", { timeout: WAIT });
  await page.waitForFunction(() => window.bolt12wallet.waiter?.inFlight === 1, null, { timeout: WAIT });
  assert.equal(await page.evaluate(() => window.bolt12wallet.waiter.state), "connected");
  const before = (await lightningCli(n0.rpc, "listinvoices")).invoices.reduce((m, i) => Math.max(m, i.pay_index || 0), 0);
  assert.equal(await page.getAttribute("#incoming", "data-lastpay-index"), String(before));

  await page.fill("#receive-amount", "2000");
  await page.fill("#receive-desc", "wallet coffee");
  await page.click("#receive-btn");
  await page.waitForSelector("#offer-box:not([hidden]) #offer-qr svg, #receive-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#receive-error"), false, await page.textContent("#receive-error"));
  const offer = (await page.textContent("#offer-text")).trim();
  // Node 0 made it: its listoffers has it, and the page's decode (WebAssembly) agrees.
  const listed = (await lightningCli(n0.rpc, "listoffers")).offers.filter((o) => o.bolt12 === offer);
  assert.equal(listed.length, 1, "node 0 does not list the page's offer");
  assert.deepEqual([listed[0].active, listed[0].single_use, listed[0].used], [true, false, false]);
  const d = await page.evaluate((o) => window.bolt12toolkit.decode(o), offer);
  assert.deepEqual([d.valid, d.offer_id, d.offer_issuer_id, d.offer_amount_msat, d.offer_description],
    [true, listed[0].offer_id, n0.id, 2000, "wallet coffee"]);
  assert.equal(await page.getAttribute("#offer-box", "data-offer-id"), listed[0].offer_id);
  // The QR code is of this offer (uppercase bech32, alphanumeric mode), not of another.
  const qr = qrcode(0, "M");
  qr.addData(offer.toUpperCase(), "Alphanumeric");
  qr.make();
  const sameQr = await page.$eval("#offer-qr", (el, svg) => {
    const d = document.createElement("div");
    d.innerHTML = svg; // serialised the way the page's is
    return d.innerHTML === el.innerHTML;
  }, qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }));
  assert.equal(sameQr, true, "the QR code is not the offer's");
  await shot(page, "42-wallet-receive-waiting");

  // Pay it from this page: fetched natively (node 0 is the issuer), checked, confirmed.
  await page.click("#offer-use");
  await pace();
  await page.click("#request-btn");
  await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
  assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK");
  assert.ok((await page.$$("#invoice-checks li")).length >= 7, "the payer checks are not listed");
  const inv = await invoiceFields(page);
  assert.deepEqual([inv.amount_msat, inv.node_id, inv.offer_id], ["2000", n0.id, listed[0].offer_id]);
  assert.equal(await page.textContent("#pay-confirm"),
    `Pay 2,000 msat (2 sat) to ${n0.id.slice(0, 16)}… for “wallet coffee”? Pressing Pay confirms: the node pays the invoice (xpay).`);
  assert.equal(await page.isEnabled("#pay-btn"), true);
  await page.click("#pay-btn");
  await page.waitForSelector("#pay-result:not([hidden])", { timeout: WAIT });
  assert.equal(await page.getAttribute("#pay-result", "data-state"), "paid", await page.textContent("#pay-result"));
  assert.equal(await page.getAttribute("#pay-result", "data-method"), "xpay");
  const pays = (await lightningCli(n0.rpc, "listpays", { payment_hash: inv.payment_hash })).pays;
  assert.deepEqual(pays.map((p) => [p.status, p.amount_msat]), [["complete", 2000]]);
  assert.match(await page.textContent("#pay-result"), new RegExp(`^✓ Paid 2000 msat — preimage ${pays[0].preimage}xpay: sent 2,000 msat \\(2 sat\\), fee 0 msat \\(0 sat\\)$`));
  assert.equal(await page.isEnabled("#pay-btn"), false, "a paid invoice can be paid again");

  // The payment arrives on node 0: the page's waitanyinvoice returns it.
  const arrival = await page.waitForSelector(`#incoming-list li[data-hash="${inv.payment_hash}"]`, { timeout: WAIT });
  const issued = (await lightningCli(n0.rpc, "listinvoices", { payment_hash: inv.payment_hash })).invoices;
  assert.deepEqual(issued.map((i) => [i.status, i.amount_received_msat, i.local_offer_id]), [["paid", 2000, listed[0].offer_id]]);
  assert.equal(await arrival.getAttribute("data-pay-index"), String(issued[0].pay_index));
  assert.match(await arrival.textContent(), /^✓ Received 2,000 msat \(2 sat\) for the offer above “wallet coffee” at \d\d:\d\d:\d\d$/);
  // And waits again, from that payment on.
  await page.waitForSelector(`#incoming[data-state=waiting][data-lastpay-index="${issued[0].pay_index}"]`, { timeout: WAIT });

  // History: the payment sent and the invoice paid, as the node lists them.
  await page.waitForSelector(`#history-pays tr[data-hash="${inv.payment_hash}"][data-status=complete]`, { timeout: WAIT });
  await page.waitForSelector(`#history-invoices tr[data-hash="${inv.payment_hash}"][data-status=paid]`, { timeout: WAIT });
  assert.match(await page.textContent(`#history-pays tr[data-hash="${inv.payment_hash}"] td.amount`), /^2,000 msat \(2 sat\)$/);
  assert.doesNotMatch(await page.innerText("body"), /simulated/i);
  await shot(page, "43-wallet-paid-arrived");

  // Disconnecting stops the wait: the pending call is rejected, nothing is left in flight.
  await page.click("#disconnect-btn");
  await page.waitForSelector("#incoming[data-state=stopped]", { timeout: WAIT });
  assert.equal(await page.textContent("#incoming-state"), "Stopped waiting for incoming payments: disconnected.");
  assert.deepEqual(await page.evaluate(() => window.bolt12wallet.waiter), { inFlight: 0, state: "closed" });
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("pay node 1's offer: invoice fetched natively through node 0, checked, confirmed; xpay reaches node 0 and its error is shown", LIMIT, async () => {
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "3000msat", description: "wallet pays node 1" });
  const page = await newPage();
  await connectPage(page);
  await page.fill("#decode-input", offer1.bolt12);
  await page.click("#decode-btn");
  await page.waitForSelector("#decode-verdict[data-code=OK]", { timeout: WAIT });
  await page.fill("#request-offer", offer1.bolt12);
  await pace();
  await page.click("#request-btn");
  await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
  assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK");
  const checks = await page.$$eval("#invoice-checks li", (lis) => lis.map((li) => li.textContent));
  assert.ok(checks.length >= 7, JSON.stringify(checks));
  const inv = await invoiceFields(page);
  assert.deepEqual([inv.amount_msat, inv.node_id, inv.offer_id], ["3000", n1.id, offer1.offer_id]);
  assert.match(await page.textContent("#pay-confirm"), new RegExp(`^Pay 3,000 msat \\(3 sat\\) to ${n1.id.slice(0, 16)}… for “wallet pays node 1”\\? `));
  const invoice = (await page.textContent("#invoice-text")).trim();
  await page.click("#pay-btn");
  await page.waitForSelector("#pay-result:not([hidden])", { timeout: WAIT });
  assert.equal(await page.getAttribute("#pay-result", "data-state"), "failed");
  // Node 0's own answer to xpay for this invoice (it has no channels), as lightning-cli gets it.
  const theirs = await cliError(n0.rpc, "xpay", { invstring: invoice });
  assert.ok(theirs && theirs.code, "xpay did not fail on node 0");
  assert.equal(await page.getAttribute("#pay-result", "data-rpc-code"), String(theirs.code));
  const shown = await page.textContent("#pay-result");
  assert.ok(shown.startsWith(`✗ The node returned an error (${theirs.code}): ${theirs.message}`), `${shown}\nvs ${JSON.stringify(theirs)}`);
  assert.deepEqual((await lightningCli(n0.rpc, "listpays", { payment_hash: inv.payment_hash })).pays.filter((p) => p.status === "complete"), []);
  // Not paid: Pay stays available to try again.
  assert.equal(await page.isEnabled("#pay-btn"), true);
  await shot(page, "44-wallet-pay-refused-by-node");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("history: an invoice made on node 0 by RPC appears after Refresh, as listinvoices has it", LIMIT, async () => {
  const page = await newPage();
  await connectPage(page);
  await page.waitForSelector("#incoming[data-state=waiting]", { timeout: WAIT });
  const label = `wallet-history-${process.pid}-${Date.now()}`;
  const made = await lightningCli(n0.rpc, "invoice", { amount_msat: 4321, label, description: "history row" });
  assert.equal(await page.$(`#history-invoices tr[data-hash="${made.payment_hash}"]`), null, "listed before it was made");
  await page.click("#history-btn");
  const tr = await page.waitForSelector(`#history-invoices tr[data-hash="${made.payment_hash}"]`, { timeout: WAIT });
  assert.deepEqual([await tr.getAttribute("data-status"), await tr.getAttribute("data-label")], ["unpaid", label]);
  assert.equal(await page.textContent(`#history-invoices tr[data-hash="${made.payment_hash}"] td.amount`), "4,321 msat (4.321 sat)");
  assert.equal(await page.textContent(`#history-invoices tr[data-hash="${made.payment_hash}"] td.what`), `history row · ${label}`);
  // Every invoice and payment node 0 lists is in the page, most recent first.
  const listed = (await lightningCli(n0.rpc, "listinvoices")).invoices.map((i) => i.payment_hash).reverse();
  assert.deepEqual(await page.$$eval("#history-invoices tr", (trs) => trs.map((t) => t.dataset.hash)), listed.slice(0, 50));
  const paid = (await lightningCli(n0.rpc, "listpays")).pays.map((p) => p.payment_hash).reverse();
  assert.deepEqual(await page.$$eval("#history-pays tr", (trs) => trs.map((t) => t.dataset.hash)), paid.slice(0, 50));
  assert.equal(await page.isVisible("#history-error"), false, await page.textContent("#history-error"));
  await shot(page, "45-wallet-history");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("through a bridge (bolt12 proxy) to node 0's TCP port: connected, remembered, balance, node 1's invoice fetched natively, waiting for payments; a node the bridge does not allow explained", LIMIT, async () => {
  const bridge = await startProxy(["--allow", n0.tcp]); // bolt12 proxy, stopped by pid
  let page;
  try {
    page = await newPage();
    await connectPage(page, { url: n0.tcp, bridge: bridge.url });
    assert.equal(await page.textContent("#ws-url-label"), "Node address (host:port, reached through the bridge)");
    assert.equal(await page.textContent("#status-text"), "connected · through the bridge");
    assert.match(await page.textContent("#info-list"), new RegExp(`connectionthrough the bridge ${bridge.url} to ${n0.tcp}`));
    // Remembered for the next visit, bridge included.
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem("bolt12-demo:connection")));
    assert.deepEqual(saved, { nodeId: n0.id, url: n0.tcp, rune: n0.rune, wsProxy: bridge.url });
    const again = await page.context().newPage();
    await again.goto(web.url);
    await again.waitForSelector("body[data-ready=true]", { timeout: WAIT });
    assert.deepEqual([await again.inputValue("#ws-proxy"), await again.inputValue("#ws-url")], [bridge.url, n0.tcp]);
    await again.close();

    await page.waitForSelector("#balance[data-msat]", { timeout: WAIT });
    const funds = await lightningCli(n0.rpc, "listfunds");
    const total = funds.outputs.reduce((a, o) => a + BigInt(o.amount_msat), 0n) + funds.channels.reduce((a, c) => a + BigInt(c.our_amount_msat), 0n);
    assert.equal(await page.getAttribute("#balance", "data-msat"), String(total));
    await page.waitForSelector("#incoming[data-state=waiting]", { timeout: WAIT });

    // Natively, over the page's own connection through the bridge: node 1's offer via node 0.
    const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1200msat", description: "over the bridge" });
    await page.fill("#request-offer", offer1.bolt12);
    await pace();
    await page.click("#request-btn");
    await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
    assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
    assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK");
    const inv = await invoiceFields(page);
    const issued = await lightningCli(n1.rpc, "listinvoices", { offer_id: offer1.offer_id });
    assert.deepEqual(issued.invoices.map((i) => i.payment_hash), [inv.payment_hash], "node 1 issued exactly this invoice");
    await shot(page, "46-wallet-through-bridge");
    // Three connections went through the bridge to node 0 (Commando, the payment wait, the
    // native fetch), each bridged to its TCP port; nothing else.
    const bridgedTo = bridge.log.filter((l) => l.startsWith("wsbridge: bridged ") && l.includes(` -> ${n0.tcp} `));
    assert.equal(bridgedTo.length, 3, bridge.log.join("\n"));

    // Node 1's address is not on the bridge's allow list: refused, explained.
    await page.click("#disconnect-btn");
    await page.fill("#node-id", n1.id);
    await page.fill("#ws-url", n1.tcp);
    await page.fill("#rune", n1.rune);
    await page.click("#connect-btn");
    await page.waitForSelector("#connect-error:not([hidden])", { timeout: WAIT });
    assert.equal(await page.getAttribute("#connect-error", "data-code"), "BRIDGE_UNREACHABLE");
    assert.match(await page.textContent("#connect-error"), new RegExp(`^No connection through the bridge ${bridge.url}: `));
    assert.ok(bridge.log.some((l) => l.startsWith("wsbridge: refused ") && l.includes(`/${n1.tcp}: 403`)), bridge.log.join("\n"));
    await shot(page, "47-wallet-bridge-refused");
    assert.deepEqual(page.jsErrors, []);
  } finally {
    await page?.context().close();
    await bridge.stop();
  }
});

test("on our demo node (its getinfo lists what it simulates): pay is pay, labelled simulated, in the history; no listinvoices or waitanyinvoice, said plainly", LIMIT, async () => {
  const demo = await startNode();
  let page;
  try {
    const ctx = await browser.newContext({ viewport: { width: 1000, height: 1800 } });
    page = await ctx.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(demo.http_url);
    await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
    await page.fill("#ws-proxy", "");
    await page.click("#connect-btn");
    await page.waitForSelector("body[data-node=demo]", { timeout: WAIT });
    await page.waitForSelector("#incoming[data-state=unsupported]", { timeout: WAIT });
    assert.equal(await page.textContent("#incoming-state"), "This node does not report incoming payments (it has no listinvoices and waitanyinvoice).");
    await page.waitForSelector("#history-note:not([hidden])", { timeout: WAIT });
    assert.equal(await page.textContent("#history-note"), "This node has no listinvoices: invoices it issued cannot be shown.");
    assert.equal(await page.isVisible("#history-sim"), true);
    // Its simulated balance: listfunds' one channel, to the msat.
    await page.waitForSelector("#balance[data-msat]", { timeout: WAIT });
    const before = BigInt(await page.getAttribute("#balance", "data-msat"));
    await page.fill("#receive-amount", "1500");
    await page.fill("#receive-desc", "demo wallet coffee");
    await page.click("#receive-btn");
    await page.waitForSelector("#offer-box:not([hidden])", { timeout: WAIT });
    await page.click("#offer-use");
    await page.click("#request-btn");
    await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
    assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
    assert.match(await page.textContent("#pay-confirm"), /^Pay 1,500 msat \(1\.500 sat\) to .* \(pay, simulated\)\.$/);
    const inv = await invoiceFields(page);
    await page.click("#pay-btn");
    await page.waitForSelector("#pay-result[data-state=paid]", { timeout: WAIT });
    assert.equal(await page.getAttribute("#pay-result", "data-method"), "pay");
    assert.match(await page.textContent("#pay-result"), /^✓ Paid 1500 msat \(SIMULATED by the demo node\)/);
    await page.waitForSelector(`#history-pays tr[data-hash="${inv.payment_hash}"][data-status=complete]`, { timeout: WAIT });
    await page.waitForSelector(`#balance[data-msat="${before - 1500n}"]`, { timeout: WAIT });
    await shot(page, "48-wallet-demo-node-simulated");
    assert.deepEqual(errors, []);
  } finally {
    await page?.context().close();
    await demo.stop();
  }
});

test("incoming: the page asks again each time the node's wait times out (?wait=1), and shows a payment made outside it (lightning-cli invoice + xpay on node 0)", LIMIT, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1000, height: 1800 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(web.url + "?wait=1");
  await page.waitForSelector("body[data-ready=true]", { timeout: WAIT });
  await connectPage(page);
  // Each waitanyinvoice ends with the node's 904 (timed out) after 1 s; the page asks again.
  await page.waitForSelector("#incoming[data-state=waiting]", { timeout: WAIT });
  await page.waitForFunction(() => Number(document.querySelector("#incoming").dataset.polls) >= 3, null, { timeout: WAIT });
  assert.equal(await page.getAttribute("#incoming", "data-state"), "waiting");
  assert.equal(await page.$$eval("#incoming-list li", (lis) => lis.length), 0);
  // A payment the page had no part in: node 0 pays its own bolt11 invoice.
  const label = `wallet-incoming-${process.pid}-${Date.now()}`;
  const made = await lightningCli(n0.rpc, "invoice", { amount_msat: 777, label, description: "paid from the command line" });
  const paid = await lightningCliQuiet(n0.rpc, "xpay", { invstring: made.bolt11 });
  assert.equal(paid.payment_preimage.length, 64);
  const li = await page.waitForSelector(`#incoming-list li[data-hash="${made.payment_hash}"]`, { timeout: WAIT });
  assert.deepEqual([await li.getAttribute("data-label"), await li.getAttribute("data-msat")], [label, "777"]);
  assert.match(await li.textContent(), /^✓ Received 777 msat \(0\.777 sat\) “paid from the command line” at \d\d:\d\d:\d\d$/);
  const theirs = (await lightningCli(n0.rpc, "listinvoices", { label })).invoices;
  assert.deepEqual(theirs.map((i) => [i.status, String(i.pay_index)]), [["paid", await li.getAttribute("data-pay-index")]]);
  await page.waitForSelector(`#history-invoices tr[data-hash="${made.payment_hash}"][data-status=paid]`, { timeout: WAIT });
  await shot(page, "49-wallet-incoming-from-outside");
  assert.deepEqual(errors, []);
  await ctx.close();
});
