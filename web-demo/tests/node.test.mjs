// Node test of the npm package (installed from its `npm pack` tarball): decode, runes,
// invoice requests and checks, LnSocket and Commando against the demo node on loopback.
// In Node the package connects with its own WebSocket client over node:net (node-socket.js).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tk from "bolt12-toolkit";
import * as decodeOnly from "bolt12-toolkit/decode";
import * as lite from "bolt12-toolkit/lite";
import { startNode, stopAll } from "./demo-node.mjs";

// BOLT 12 test vector (offers-test.json): an offer with description and issuer id.
const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";

let node;
before(async () => { node = await startNode({ http: false }); });
after(async () => { await stopAll(); });

test("decode: a valid offer gives Core Lightning's decode JSON", () => {
  const d = tk.decode(OFFER);
  assert.equal(d.type, "bolt12 offer");
  assert.equal(d.valid, true);
  assert.match(d.offer_id, /^[0-9a-f]{64}$/);
  assert.equal(typeof d.offer_description, "string");
  assert.equal(Object.keys(d).at(-1), "valid");
  assert.deepEqual(decodeOnly.decode(OFFER), d, "decode-only entry gives the same JSON");
  assert.equal("Commando" in decodeOnly, false, "decode-only entry has no network code");
  assert.deepEqual(lite.decode(OFFER), d, "lite entry gives the same JSON");
  assert.equal(typeof lite.Commando.connect, "function");
  assert.equal("lnapVerify" in lite, false, "lite entry has no lnap");
});

test("decode: bad strings throw Errors with stable codes", () => {
  const cases = [
    ["hello world", "NOT_BOLT12"],
    ["lnbc1qqqqqq", "UNKNOWN_PREFIX"],
    [OFFER.slice(0, -4), "INVALID_BOLT12"],
  ];
  for (const [s, code] of cases) {
    assert.throws(() => tk.decode(s), (e) => e instanceof Error && e.code === code, s);
  }
  const v = tk.validate("hello world");
  assert.deepEqual([v.valid, v.code], [false, "NOT_BOLT12"]);
  assert.equal(tk.validate(OFFER).valid, true);
});

// Core Lightning v26.06.6's own `decode` answers, captured from real nodes by
// interop/tests/decode_differential.rs: some invalid strings get a `valid: false` object.
const CLN_CAPTURE = JSON.parse(readFileSync(new URL("../../bolt12/tests/data/cln-v26.06.6-decode.json", import.meta.url)));

test("decode: strings Core Lightning answers with valid:false carry its object, key for key", async () => {
  const cases = CLN_CAPTURE.cases.filter((c) => c.cln.object && c.cln.object.valid === false);
  assert.ok(cases.length >= 5, "the capture has valid:false answers");
  const c = await tk.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune });
  try {
    for (const { label, string, cln } of cases) {
      const want = JSON.stringify(cln.object);
      assert.throws(() => tk.decode(string), (e) => e.code === "INVALID_BOLT12" && JSON.stringify(e.cln) === want, label);
      const v = tk.validate(string);
      assert.equal(v.valid, false, label);
      assert.equal(JSON.stringify(v.cln), want, label);
      // The demo node's decode RPC answers as Core Lightning does: the object, not an error.
      assert.equal(JSON.stringify(await c.call("decode", { string })), want, label);
    }
  } finally {
    c.close();
  }
});

test("invoice requests draw fresh randomness (Web Crypto) in every entry that builds them", () => {
  for (const [name, entry] of [["full", tk], ["lite", lite], ["decode", decodeOnly]]) {
    const a = entry.createInvoiceRequest(OFFER, { amountMsat: 1000 });
    const b = entry.createInvoiceRequest(OFFER, { amountMsat: 1000 });
    for (const r of [a, b]) assert.equal(entry.decode(r.invoiceRequest).valid, true, name);
    // A fresh payer key and metadata each time (BOLT 12: invreq_metadata MUST be unpredictable).
    assert.notEqual(a.payerId, b.payerId, name);
    assert.notEqual(a.decoded.invreq_metadata, b.decoded.invreq_metadata, name);
    assert.match(a.decoded.invreq_metadata, /^[0-9a-f]{32,}$/, name);
    // Without a random source the call fails with its code, not with predictable keys.
    const real = Object.getOwnPropertyDescriptor(globalThis, "crypto");
    Object.defineProperty(globalThis, "crypto", { value: { getRandomValues() { throw new Error("no entropy"); } }, configurable: true });
    try {
      assert.throws(() => entry.createInvoiceRequest(OFFER, { amountMsat: 1000 }), (e) => e.code === "RANDOM_FAILED", name);
    } finally {
      Object.defineProperty(globalThis, "crypto", real);
    }
    assert.notEqual(entry.createInvoiceRequest(OFFER, { amountMsat: 1000 }).payerId, a.payerId, name);
  }
});

test("runes: decode and attenuate", () => {
  const d = tk.decodeRune(node.readonly_rune);
  assert.equal(d.type, "rune");
  assert.equal(d.unique_id, "1");
  assert.equal(d.restrictions.length, 2);
  const weaker = tk.attenuateRune(node.rune, "method=getinfo");
  const w = tk.decodeRune(weaker);
  assert.deepEqual(w.restrictions.at(-1).alternatives, ["method=getinfo"]);
  assert.throws(() => tk.decodeRune("not a rune!"), (e) => e.code === "RUNE_INVALID");
  assert.throws(() => tk.attenuateRune(node.rune, "method"), (e) => e.code === "RUNE_INVALID");
});

test("lnap: malformed proofs are typed errors", () => {
  for (const f of [() => tk.lnapDecode("lnap1qqqq"), () => tk.lnapVerify("zz"), () => tk.lnapCheckOffer("lnap1qqqq", OFFER)]) {
    assert.throws(f, (e) => e instanceof Error && e.code === "LNAP_INVALID");
  }
});

// Timers are what keep a Node process alive: an answered call must not leave its timeout
// pending (it did, 30 s per call, with the Rust client's timer), nor a closed connection
// its keep-alive.
test("commando: answered calls and close() leave no timer behind (full and lite)", async () => {
  const settle = () => new Promise((r) => setTimeout(r, 50));
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  await settle();
  const before = timers();
  for (const entry of [tk, lite]) {
    const c = await entry.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune, reconnect: false });
    await Promise.all([c.call("getinfo"), c.call("decode", { string: OFFER }), c.call("getinfo", {}, { timeoutMs: 90000 })]);
    c.close();
    await settle();
    assert.equal(timers(), before, `timers pending after close() (${entry === tk ? "full" : "lite"})`);
  }
});

test("commando: getinfo, concurrent calls, offer -> invoice request -> invoice checked", async () => {
  const states = [];
  const c = await tk.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune, onState: (e) => states.push(e.state) });
  try {
    const info = await c.call("getinfo");
    assert.equal(info.id, node.node_id);
    assert.deepEqual(states, ["connecting", "connected"]);
    // Ten commands in flight at once on one connection, each answered with its own reply.
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => c.call("decode", { string: OFFER }).then((d) => [i, d.offer_id])));
    assert.equal(new Set(many.map(([, id]) => id)).size, 1);
    const offer = await c.call("offer", { amount: 21000, description: "node test" });
    assert.match(offer.bolt12, /^lno1/);
    const od = tk.decode(offer.bolt12);
    assert.equal(od.offer_issuer_id, node.node_id);
    assert.equal(od.offer_amount_msat, 21000);
    // The payer side in WebAssembly: a signed invoice request for the node's offer.
    const req = tk.createInvoiceRequest(offer.bolt12, { payerNote: "hi" });
    assert.equal(req.decoded.type, "bolt12 invoice_request");
    assert.equal(req.decoded.invreq_payer_id, req.payerId);
    // The node's fetchinvoice: a real invoice signed by its key, checked here.
    const f = await c.call("fetchinvoice", { offer: offer.bolt12 });
    const byOffer = tk.checkInvoice(f.invoice, { offer: offer.bolt12 });
    assert.deepEqual([byOffer.ok, byOffer.code, byOffer.nodeId, byOffer.amountMsat], [true, "OK", node.node_id, 21000]);
    const byRequest = tk.checkInvoice(f.invoice, { invoiceRequest: f.invoice_request });
    assert.equal(byRequest.ok, true);
    // Against another offer: refused with the mismatching field.
    const other = await c.call("offer", { amount: 5, description: "other" });
    const mismatch = tk.checkInvoice(f.invoice, { offer: other.bolt12 });
    assert.deepEqual([mismatch.ok, mismatch.code], [false, "FIELD_MISMATCH"]);
    // Per-call timeout: the node waits 30 s, the call gives up first (and the others go on).
    const slow = c.call("waitblockheight", { blockheight: 999999999, timeout: 30 }, { timeoutMs: 300 });
    const quick = c.call("waitblockheight", { blockheight: 1 });
    await assert.rejects(slow, (e) => e.code === "TIMEOUT" && e.rpcCode === 19535);
    assert.deepEqual(await quick, { blockheight: 850000 });
    assert.equal(c.inFlight, 0);
    // Unknown method: the node's error, typed.
    await assert.rejects(c.call("nosuchmethod"), (e) => e.code === "RPC_ERROR" && e.rpcCode === -32601);
  } finally {
    c.close();
  }
});

test("commando: a restricted rune is refused with the node's message", async () => {
  const weaker = tk.attenuateRune(node.rune, "method=getinfo");
  const c = await tk.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: weaker, reconnect: false });
  try {
    assert.equal((await c.call("getinfo")).id, node.node_id);
    await assert.rejects(c.call("offer", { amount: "any", description: "x" }), (e) =>
      e.code === "RUNE_UNAUTHORIZED" && e.rpcCode === 19537 && /^Invalid rune: Not permitted: method is not equal to getinfo/.test(e.message));
    await assert.rejects(c.call("getinfo", {}, { rune: "AAAA" + node.rune.slice(4) }), (e) => e.code === "RUNE_UNAUTHORIZED" && /Not authorized/.test(e.message));
  } finally {
    c.close();
  }
});

test("connection errors are typed: wrong node id, unreachable, bad address", async () => {
  const wrongId = "02" + "11".repeat(32);
  const other = await startNode({ http: false });
  const otherId = other.node_id;
  await other.stop();
  await assert.rejects(tk.Commando.connect({ nodeId: otherId, url: node.ws_url, connectTimeoutMs: 5000 }), (e) => e.code === "HANDSHAKE_FAILED", "wrong node id");
  await assert.rejects(tk.Commando.connect({ nodeId: node.node_id, url: other.ws_url, connectTimeoutMs: 5000 }), (e) => e.code === "NODE_UNREACHABLE", "nothing listening");
  await assert.rejects(tk.Commando.connect({ nodeId: "02zz", url: node.ws_url }), (e) => e.code === "BAD_ADDRESS");
  await assert.rejects(tk.LnSocket.connect(wrongId.slice(0, 10), node.ws_url), (e) => e.code === "BAD_ADDRESS");
});

test("LnSocket: BOLT 8 + init over WebSocket, raw commando message", async () => {
  const s = await tk.LnSocket.connect(node.node_id, node.ws_url);
  try {
    assert.equal(s.nodeId, node.node_id);
    // A commando command (type 0x4c4f, 8-byte id, JSON) sent by hand; the reply is 0x594d.
    const body = new TextEncoder().encode(JSON.stringify({ method: "getinfo", id: "raw", params: {}, rune: node.rune }));
    const msg = new Uint8Array(8 + body.length);
    msg.set([0, 0, 0, 0, 0, 0, 0, 7]);
    msg.set(body, 8);
    await s.send(0x4c4f, msg);
    const reply = await s.recv();
    assert.equal(reply.type, 0x594d);
    assert.deepEqual([...reply.payload.slice(0, 8)], [0, 0, 0, 0, 0, 0, 0, 7]);
    const json = JSON.parse(new TextDecoder().decode(reply.payload.slice(8)));
    assert.equal(json.result.id, node.node_id);
    await assert.rejects(s.send(2, new Uint8Array()), (e) => e.code === "BAD_ARGUMENT");
  } finally {
    s.close();
  }
});

test("fetchInvoice natively (onion message, no rune) for the demo node's offers: checked, typed errors", async () => {
  const c = await tk.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune, reconnect: false });
  let offer, anyAmount, foreign;
  const other = await startNode({ http: false });
  try {
    offer = (await c.call("offer", { amount: 7000, description: "native node test", quantity_max: 3 })).bolt12;
    anyAmount = (await c.call("offer", { amount: "any", description: "tip jar" })).bolt12;
    const oc = await tk.Commando.connect({ nodeId: other.node_id, url: other.ws_url, rune: other.rune, reconnect: false });
    try { foreign = (await oc.call("offer", { amount: 1000, description: "elsewhere" })).bolt12; } finally { oc.close(); }
  } finally {
    c.close();
  }
  try {
    // On an LnSocket the caller already has; the connection stays usable for recv.
    const s = await tk.LnSocket.connect(node.node_id, node.ws_url);
    try {
      const body = new TextEncoder().encode(JSON.stringify({ method: "getinfo", id: "raw", params: {}, rune: node.rune }));
      const msg = new Uint8Array(8 + body.length);
      msg.set([0, 0, 0, 0, 0, 0, 0, 9]);
      msg.set(body, 8);
      await s.send(0x4c4f, msg);
      const f = await s.fetchInvoice(offer, { quantity: 2, payerNote: "from node", timeoutMs: 20000 });
      assert.equal(f.routeKind, "direct", f.route);
      assert.match(f.invoice, /^lni1/);
      assert.ok(f.checks.length >= 7, JSON.stringify(f.checks));
      assert.deepEqual([f.decoded.invoice_node_id, f.decoded.invoice_amount_msat, f.decoded.invreq_quantity, f.decoded.invreq_payer_note],
        [node.node_id, 14000, 2, "from node"]);
      const check = tk.checkInvoice(f.invoice, { offer });
      assert.deepEqual([check.ok, check.code, check.nodeId, check.amountMsat], [true, "OK", node.node_id, 14000], check.message);
      assert.equal(tk.checkInvoice(f.invoice, { invoiceRequest: f.invoiceRequest }).ok, true);
      // The Commando reply that arrived around the fetch is still there for recv.
      const reply = await s.recv();
      assert.equal(reply.type, 0x594d);
      assert.deepEqual([...reply.payload.slice(0, 8)], [0, 0, 0, 0, 0, 0, 0, 9]);
      // An amount for an offer without one.
      const tip = await s.fetchInvoice(anyAmount, { amountMsat: 1234n });
      assert.equal(tip.decoded.invoice_amount_msat, 1234);
      await assert.rejects(s.fetchInvoice(anyAmount), (e) => e.code === "BUILD_FAILED");
      await assert.rejects(s.fetchInvoice("lno1qqqq"), (e) => e.code === "INVALID_BOLT12");
      // Another node's offer: the demo node forwards no onion messages, so nothing comes back.
      await assert.rejects(s.fetchInvoice(foreign, { timeoutMs: 1500 }), (e) => e.code === "TIMEOUT" && /^no invoice after 1500 ms on each route/.test(e.message));
      assert.equal((await s.fetchInvoice(offer)).decoded.invoice_amount_msat, 7000, "usable after a timeout");
    } finally {
      s.close();
    }
    // Standalone: its own connection to `via`.
    const g = await tk.fetchInvoice(offer, { via: { nodeId: node.node_id, url: node.ws_url } });
    assert.deepEqual([g.decoded.invoice_node_id, g.decoded.offer_description], [node.node_id, "native node test"]);
    const gl = await lite.fetchInvoice(offer, { via: { nodeId: node.node_id, url: node.ws_url } });
    assert.equal(tk.checkInvoice(gl.invoice, { offer }).ok, true);
    assert.equal("fetchInvoice" in decodeOnly, false, "decode-only entry has no fetchInvoice");
    await assert.rejects(tk.fetchInvoice(offer, { via: { nodeId: other.node_id, url: node.ws_url }, connectTimeoutMs: 5000 }), (e) => e.code === "HANDSHAKE_FAILED");
    await assert.rejects(tk.fetchInvoice(offer, {}), (e) => e.code === "BAD_ARGUMENT");
  } finally {
    await other.stop();
  }
});
