// Browser tests against real Core Lightning nodes (v26.06.6, regtest, loopback), started
// with the interop harness (`cln-nodes --nodes 2 --websocket --connect`): the npm package
// and the demo page, in Debian's chromium, talk to node 0 over BOLT 8 + WebSocket with
// Commando and a rune that node minted. Node 1 issues the offers node 0 fetches invoices
// for. Core Lightning's own answers (lightning-cli on each node's RPC socket) are the
// reference. Screenshots go to tests/output/21-*.png and up.
// The package in Node against the same nodes (TCP and ws://): cln.node.test.mjs.
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

// Core Lightning limits incoming onion messages per peer (a bucket of 4, one more every
// 250 ms): each fetch below waits this long first, so none is dropped for the limit.
const PACE_MS = 300;

// An offer (lno) for an issuer no node here is connected to: the generator point G as
// offer_issuer_id, amount 1000 msat. Offers are not signed, so it is just TLVs in bech32
// (BOLT 12 §"Encoding", no checksum).
function offerForNobody() {
  const hex = (h) => [...h.match(/../g)].map((b) => parseInt(b, 16));
  const desc = [...new TextEncoder().encode("nobody")];
  const issuer = hex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  const bytes = [8, 2, 0x03, 0xe8, 10, desc.length, ...desc, 22, 33, ...issuer];
  const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  let acc = 0, bits = 0, out = "lno1";
  for (const b of bytes) {
    acc = (acc << 8) | b; bits += 8;
    while (bits >= 5) { bits -= 5; out += CHARSET[(acc >> bits) & 31]; }
  }
  if (bits) out += CHARSET[(acc << (5 - bits)) & 31];
  return out;
}

test("npm fetchInvoice in chromium, natively over the page's connection to Core Lightning: node 0's offer, node 1's through node 0, CLN's invoice_error, a timeout", LIMIT, async () => {
  const offer0 = await lightningCli(n0.rpc, "offer", { amount: "1500msat", description: "native-direct" });
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1000msat", description: "native-through-node-0" });
  const nobody = offerForNobody();
  const page = await newPage("blank.html");
  const r = await page.evaluate(async ({ n0, offer0, offer1, nobody, pace }) => {
    const tk = await import("/pkg/index.js");
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    const summary = (f) => ({
      invoice: f.invoice, route: f.route, routeKind: f.routeKind, checks: f.checks, invoiceRequest: f.invoiceRequest,
      decoded: { valid: f.decoded.valid, type: f.decoded.type, node: f.decoded.invoice_node_id, amount: f.decoded.invoice_amount_msat, hash: f.decoded.invoice_payment_hash, offer_id: f.decoded.offer_id },
    });
    const failure = async (p) => { try { await p; return null; } catch (e) { return { code: e.code, message: e.message, name: e.name }; } };
    // One connection, reused for two fetches (no rune: node 0 only forwards onion messages).
    const sock = await tk.LnSocket.connect(n0.id, n0.ws, { timeoutMs: 20000 });
    let direct, through, nobodyErr, afterwards;
    try {
      await sleep(pace);
      direct = summary(await sock.fetchInvoice(offer0, { timeoutMs: 30000 }));
      await sleep(pace);
      through = summary(await sock.fetchInvoice(offer1, { payerNote: "from chromium", timeoutMs: 30000 }));
      await sleep(pace);
      // Node 0 cannot forward to an issuer it has no connection to: no answer comes back.
      nobodyErr = await failure(sock.fetchInvoice(nobody, { timeoutMs: 3000 }));
      // The connection is still usable afterwards.
      await sleep(pace);
      afterwards = (await sock.fetchInvoice(offer0, { timeoutMs: 30000 })).invoice;
    } finally {
      sock.close();
    }
    // The standalone function: its own connection to `via`. More than five times the
    // offer's amount: Core Lightning refuses it with an invoice_error.
    await sleep(pace);
    const refused = await failure(tk.fetchInvoice(offer1, { via: { nodeId: n0.id, url: n0.ws }, amountMsat: 10000, timeoutMs: 30000 }));
    // Below the offer's amount: refused here, before anything is sent.
    const below = await failure(tk.fetchInvoice(offer1, { via: { nodeId: n0.id, url: n0.ws }, amountMsat: 1 }));
    const quoted = refused && refused.message.startsWith("Failed invreq ")
      ? tk.decode(refused.message.slice("Failed invreq ".length).split(":")[0]) : null;
    return {
      direct, through, nobodyErr, afterwards, refused, below,
      quoted: quoted && { type: quoted.type, amount: quoted.invreq_amount_msat, offer_id: quoted.offer_id },
      checkDirect: tk.checkInvoice(direct.invoice, { offer: offer0 }),
      checkThrough: tk.checkInvoice(through.invoice, { offer: offer1 }),
      lite: typeof (await import("/pkg/lite.js")).fetchInvoice,
      decodeOnly: typeof (await import("/pkg/decode.js")).fetchInvoice,
    };
  }, { n0, offer0: offer0.bolt12, offer1: offer1.bolt12, nobody, pace: PACE_MS });

  // Node 0's own offer: straight to it; node 1's: through node 0.
  assert.equal(r.direct.routeKind, "direct", r.direct.route);
  assert.equal(r.through.routeKind, "via_peer", r.through.route);
  for (const [f, check, offer, node, amount] of [[r.direct, r.checkDirect, offer0, n0, 1500], [r.through, r.checkThrough, offer1, n1, 1000]]) {
    assert.match(f.invoice, /^lni1/);
    assert.ok(f.checks.length >= 7, JSON.stringify(f.checks));
    assert.deepEqual([f.decoded.valid, f.decoded.type, f.decoded.node, f.decoded.amount, f.decoded.offer_id],
      [true, "bolt12 invoice", node.id, amount, offer.offer_id]);
    // Checked again in the page, against the offer, by checkInvoice.
    assert.deepEqual([check.ok, check.code, check.nodeId, check.paymentHash], [true, "OK", node.id, f.decoded.hash], check.message);
    // Core Lightning reads the invoice as valid, and the issuer has issued exactly it.
    const theirs = await lightningCli(n0.rpc, "decode", { string: f.invoice });
    assert.deepEqual([theirs.valid, theirs.invoice_payment_hash, theirs.invoice_node_id], [true, f.decoded.hash, node.id]);
    const issued = await lightningCli(node.rpc, "listinvoices", { offer_id: offer.offer_id });
    assert.ok(issued.invoices.some((i) => i.payment_hash === f.decoded.hash), `${node.id} did not issue ${f.decoded.hash}`);
    // The request we sent is the one the invoice answers.
    const req = await lightningCli(n0.rpc, "decode", { string: f.invoiceRequest });
    assert.deepEqual([req.valid, req.offer_id], [true, offer.offer_id]);
  }
  const note = await lightningCli(n0.rpc, "decode", { string: r.through.invoice });
  assert.equal(note.invreq_payer_note, "from chromium", "the payer note reached node 1 and is in its invoice");
  assert.equal(r.nobodyErr?.code, "TIMEOUT", JSON.stringify(r.nobodyErr));
  assert.match(r.afterwards, /^lni1/);
  // Core Lightning's invoice_error, its text as it sent it: the request it refuses, quoted.
  assert.equal(r.refused?.code, "INVOICE_ERROR", JSON.stringify(r.refused));
  assert.match(r.refused.message, /^Failed invreq lnr1[02-9ac-hj-np-z]+: Amount vastly exceeds 1000msat$/);
  assert.deepEqual(r.quoted, { type: "bolt12 invoice_request", amount: 10000, offer_id: offer1.offer_id });
  assert.equal(r.below?.code, "BUILD_FAILED", JSON.stringify(r.below));
  // In the full and lite entries, not in decode.
  assert.deepEqual([r.lite, r.decodeOnly], ["function", "undefined"]);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("npm fetchInvoice in chromium: concurrent fetches on one connection (node 0's offer, node 1's through node 0, one that times out), each answered along its own reply path", LIMIT, async () => {
  const offer0 = await lightningCli(n0.rpc, "offer", { amount: "1700msat", description: "concurrent-direct" });
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1100msat", description: "concurrent-through-node-0" });
  const nobody = offerForNobody();
  const page = await newPage("blank.html");
  const r = await page.evaluate(async ({ n0, offer0, offer1, nobody, pace }) => {
    const tk = await import("/pkg/index.js");
    const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
    const settle = (p) => p.then((f) => ({ ok: f }), (e) => ({ err: { code: e.code, message: e.message } }));
    const sock = await tk.LnSocket.connect(n0.id, n0.ws, { timeoutMs: 20000 });
    try {
      await sleep(pace);
      // Started one after another (paced for Core Lightning's onion message rate limit),
      // all pending at once on the one connection.
      const lost = settle(sock.fetchInvoice(nobody, { timeoutMs: 4000 }));
      await sleep(pace);
      const through = settle(sock.fetchInvoice(offer1, { timeoutMs: 30000 }));
      await sleep(pace);
      const direct = settle(sock.fetchInvoice(offer0, { timeoutMs: 30000 }));
      // While fetches run, recv is refused (the fetches hold the inbox).
      const recvDuring = await settle(sock.recv());
      const [l, t, d] = await Promise.all([lost, through, direct]);
      const pick = (x) => x.ok ? { invoice: x.ok.invoice, routeKind: x.ok.routeKind, dropped: x.ok.droppedMessages, node: x.ok.decoded.invoice_node_id, amount: x.ok.decoded.invoice_amount_msat, offer_id: x.ok.decoded.offer_id } : x;
      // Afterwards the connection serves one more fetch.
      await sleep(pace);
      const again = (await sock.fetchInvoice(offer0, { timeoutMs: 30000 })).decoded.invoice_amount_msat;
      return { lost: l, through: pick(t), direct: pick(d), recvDuring: recvDuring.err, again };
    } finally {
      sock.close();
    }
  }, { n0, offer0: offer0.bolt12, offer1: offer1.bolt12, nobody, pace: PACE_MS });
  assert.equal(r.lost.err?.code, "TIMEOUT", JSON.stringify(r.lost));
  assert.match(r.lost.err.message, /^no invoice after 4000 ms on each route/);
  assert.deepEqual([r.direct.routeKind, r.direct.node, r.direct.amount, r.direct.offer_id], ["direct", n0.id, 1700, offer0.offer_id], JSON.stringify(r.direct));
  assert.deepEqual([r.through.routeKind, r.through.node, r.through.amount, r.through.offer_id], ["via_peer", n1.id, 1100, offer1.offer_id], JSON.stringify(r.through));
  // Each answer went to its own fetch only: neither counts the other's as dropped.
  assert.deepEqual([r.direct.dropped, r.through.dropped], [0, 0]);
  assert.equal(r.recvDuring?.code, "BAD_ARGUMENT", JSON.stringify(r.recvDuring));
  assert.equal(r.again, 1700);
  for (const [f, node] of [[r.direct, n0], [r.through, n1]]) {
    const theirs = await lightningCli(n0.rpc, "decode", { string: f.invoice });
    assert.deepEqual([theirs.valid, theirs.invoice_node_id], [true, node.id]);
  }
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

  // fetchinvoice through node 0 (Commando), the invoice checked in the page against the offer.
  assert.equal(await page.inputValue("#request-how"), "native", "native is the default");
  await page.selectOption("#request-how", "commando");
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

test("demo page on Core Lightning: native Request an invoice for node 1's offer through node 0 (onion message, no rune), checked in the page, route shown", LIMIT, async () => {
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "2100msat", description: "native page coffee" });
  const page = await newPage("");
  await connectPage(page);
  assert.equal(await page.inputValue("#request-how"), "native");
  await page.fill("#request-offer", offer1.bolt12);
  await page.click("#request-btn");
  await page.waitForSelector("#invoice-box:not([hidden]), #request-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.isVisible("#request-error"), false, await page.textContent("#request-error"));
  assert.equal(await page.getAttribute("#invoice-route", "data-how"), "native");
  assert.match(await page.textContent("#invoice-route"), /^✓ Fetched natively by this page: an onion message through the connected peer to offer_issuer_id .*no rune; \d+ payer checks passed$/);
  assert.equal(await page.getAttribute("#invoice-check", "data-code"), "OK", await page.textContent("#invoice-check"));
  assert.match(await page.textContent("#invoice-check"), new RegExp(`checked in the browser against the offer: signature by ${n1.id.slice(0, 16)}`));
  const invoice = (await page.textContent("#invoice-text")).trim();
  const inv = await page.$$eval("#invoice-fields dt", (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
  assert.deepEqual([inv.amount_msat, inv.node_id, inv.description, inv.offer_id], ["2100", n1.id, "native page coffee", offer1.offer_id]);
  // Core Lightning: node 1 issued exactly this invoice; node 0's decode says it is valid.
  const issued = await lightningCli(n1.rpc, "listinvoices", { offer_id: offer1.offer_id });
  assert.deepEqual(issued.invoices.map((i) => i.payment_hash), [inv.payment_hash]);
  const theirs = await lightningCli(n0.rpc, "decode", { string: invoice });
  assert.deepEqual([theirs.valid, theirs.invoice_payment_hash], [true, inv.payment_hash]);
  await shot(page, "26-cln-native-invoice");
  // An amount node 1 refuses (more than five times the offer's): its invoice_error, in its words.
  await new Promise((res) => setTimeout(res, PACE_MS));
  await page.fill("#request-amount", "50000");
  await page.click("#request-btn");
  await page.waitForSelector("#request-error:not([hidden])", { timeout: WAIT });
  assert.equal(await page.getAttribute("#request-error", "data-code"), "INVOICE_ERROR");
  assert.match(await page.textContent("#request-error"), /^The offer's issuer refused the invoice request\. It said: Failed invreq lnr1[02-9ac-hj-np-z]+: Amount vastly exceeds 2100msat$/);
  assert.equal(await page.isVisible("#invoice-box"), false);
  await shot(page, "27-cln-native-invoice-error");
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
