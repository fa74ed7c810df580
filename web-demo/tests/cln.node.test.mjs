// The npm package in Node (not in a browser) against real Core Lightning nodes (regtest,
// loopback, started with the interop harness `cln-nodes --nodes 2 --websocket --connect`):
// Commando, LnSocket and fetchInvoice over plain TCP (`host:port`, node:net) and over the
// package's own WebSocket client (`ws://`), which Core Lightning's websocketd accepts.
// run.sh runs this file WITHOUT --experimental-websocket: no global WebSocket is needed.
// Core Lightning's own answers (lightning-cli on each node's RPC socket) are the reference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tk from "bolt12-toolkit";
import * as lite from "bolt12-toolkit/lite";
import { startClnNodes, lightningCli } from "./cln-nodes.mjs";
import net from "node:net";
import tls from "node:tls";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const LIMIT = { timeout: 300000 }; // bound on each test, not a performance threshold
// Core Lightning rate-limits onion messages per peer (a bucket of 4, one more per 250 ms):
// each fetch below waits this long first, so none is dropped for the limit.
const PACE_MS = 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Runs a program to completion (execFile: it is waited for, and killed at the timeout).
const run = (file, args, opts = {}) => new Promise((resolve, reject) =>
  execFile(file, args, { timeout: 120000, ...opts }, (err, stdout, stderr) => err ? reject(new Error(`${file}: ${err.message}\n${stderr}`)) : resolve(stdout)));
const failure = (p) => p.then(() => null, (e) => ({ code: e.code, message: e.message }));

let cln, n0, n1;
before(async () => {
  cln = await startClnNodes(2);
  [n0, n1] = cln.nodes;
}, { timeout: 300000 });
after(async () => { await cln?.stop(); }, { timeout: 120000 });

test("runs without --experimental-websocket", () => {
  assert.ok(!process.execArgv.includes("--experimental-websocket"), process.execArgv.join(" "));
});

const transports = () => [["tcp", `127.0.0.1:${n0.tcp.split(":").pop()}`], ["ws", n0.ws]];

for (const kind of ["tcp", "ws"]) {
  test(`Commando in Node over ${kind}: getinfo, a 120 kB request, a reply over 200 kB, 20 concurrent calls`, LIMIT, async () => {
    const url = Object.fromEntries(transports())[kind];
    if (kind === "tcp") assert.match(url, /^127\.0\.0\.1:\d+$/);
    else assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+/);
    const states = [];
    const c = await tk.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false, timeoutMs: 60000, onState: (e) => states.push(e.state) });
    try {
      assert.equal(c.state, "connected");
      const info = await c.call("getinfo");
      const ref = await lightningCli(n0.rpc, "getinfo");
      assert.deepEqual([info.id, info.alias, info.version, info.network, info.blockheight], [ref.id, ref.alias, ref.version, ref.network, ref.blockheight]);

      // A request of 120 kB: datastore with a big string; Core Lightning stores exactly it.
      const big = (tag) => Array.from({ length: 120000 }, (_, i) => String.fromCharCode(97 + ((i * 7 + tag) % 26))).join("");
      const a = big(1), b = big(2);
      const stored = await c.call("datastore", { key: ["nodetest", kind, "a"], string: a, mode: "create-or-replace" });
      assert.equal(stored.string, a);
      const onNode = await lightningCli(n0.rpc, "listdatastore", { key: JSON.stringify(["nodetest", kind, "a"]) });
      assert.equal(onNode.datastore[0].string, a, "Core Lightning stored the 120 kB string as sent");
      // A reply over 200 kB: both big values listed at once.
      await c.call("datastore", { key: ["nodetest", kind, "b"], string: b, mode: "create-or-replace" });
      const listed = await c.call("listdatastore", { key: ["nodetest", kind] });
      assert.ok(JSON.stringify(listed).length > 200000, `reply of ${JSON.stringify(listed).length} B`);
      assert.deepEqual(listed.datastore.map((d) => [d.key, d.string]), [[["nodetest", kind, "a"], a], [["nodetest", kind, "b"], b]]);

      // 20 calls in flight at once, each answered with its own key and value.
      const calls = Array.from({ length: 20 }, (_, i) =>
        c.call("datastore", { key: ["nodetest", kind, "conc", String(i)], string: `value-${kind}-${i}`, mode: "create-or-replace" }));
      const replies = await Promise.all(calls);
      assert.deepEqual(replies.map((r) => [r.key, r.string]),
        Array.from({ length: 20 }, (_, i) => [["nodetest", kind, "conc", String(i)], `value-${kind}-${i}`]));
      const all = await lightningCli(n0.rpc, "listdatastore", { key: JSON.stringify(["nodetest", kind, "conc"]) });
      assert.equal(all.datastore.length, 20);
    } finally {
      c.close();
    }
    assert.deepEqual(states, ["connecting", "connected"]);
  });
}

test("LnSocket and the lite entry in Node over TCP: init with Core Lightning's features; Commando getinfo", LIMIT, async () => {
  const [, tcp] = transports()[0];
  const sock = await tk.LnSocket.connect(n0.id, tcp);
  try {
    assert.equal(sock.nodeId, n0.id);
    const ref = await lightningCli(n0.rpc, "getinfo");
    assert.equal(sock.remoteFeatures, ref.our_features.init, "the init features are getinfo's our_features.init");
  } finally {
    sock.close();
  }
  const c = await lite.Commando.connect({ nodeId: n0.id, url: tcp, rune: n0.rune, reconnect: false });
  try {
    assert.equal((await c.call("getinfo")).id, n0.id);
  } finally {
    c.close();
  }
});

test("a wrong node id is HANDSHAKE_FAILED over TCP and ws (Commando, LnSocket, fetchInvoice)", LIMIT, async () => {
  for (const [kind, url] of transports()) {
    // Node 1's id at node 0's address: node 0 cannot read act one and hangs up.
    const c = await failure(tk.Commando.connect({ nodeId: n1.id, url, rune: n0.rune, reconnect: false }));
    assert.equal(c?.code, "HANDSHAKE_FAILED", `${kind}: ${JSON.stringify(c)}`);
    const s = await failure(tk.LnSocket.connect(n1.id, url));
    assert.equal(s?.code, "HANDSHAKE_FAILED", `${kind}: ${JSON.stringify(s)}`);
  }
  const offer = await lightningCli(n0.rpc, "offer", { amount: "1000msat", description: "wrong-id" });
  const f = await failure(tk.fetchInvoice(offer.bolt12, { via: { nodeId: n1.id, url: transports()[0][1] } }));
  assert.equal(f?.code, "HANDSHAKE_FAILED", JSON.stringify(f));
  // Nothing listens on port 1 of loopback: NODE_UNREACHABLE, over both.
  for (const url of ["127.0.0.1:1", "ws://127.0.0.1:1"]) {
    const u = await failure(tk.LnSocket.connect(n0.id, url));
    assert.equal(u?.code, "NODE_UNREACHABLE", `${url}: ${JSON.stringify(u)}`);
  }
});

test("fetchInvoice natively from Node: node 0's offer over TCP, node 1's through node 0 over TCP and ws; checked, CLN agrees", LIMIT, async () => {
  const offer0 = await lightningCli(n0.rpc, "offer", { amount: "1500msat", description: "node-direct" });
  const offer1 = await lightningCli(n1.rpc, "offer", { amount: "1000msat", description: "node-through-node-0" });
  const [[, tcp], [, ws]] = transports();
  const fetches = [
    ["direct", offer0, n0, 1500, tcp],
    ["via_peer", offer1, n1, 1000, tcp],
    ["via_peer", offer1, n1, 1000, ws],
  ];
  for (const [routeKind, offer, node, amount, url] of fetches) {
    await sleep(PACE_MS);
    const f = await tk.fetchInvoice(offer.bolt12, { via: { nodeId: n0.id, url }, payerNote: `from node over ${url}`, timeoutMs: 30000 });
    assert.equal(f.routeKind, routeKind, f.route);
    assert.match(f.invoice, /^lni1/);
    assert.deepEqual([f.decoded.valid, f.decoded.type, f.decoded.invoice_node_id, f.decoded.invoice_amount_msat, f.decoded.offer_id],
      [true, "bolt12 invoice", node.id, amount, offer.offer_id]);
    const check = tk.checkInvoice(f.invoice, { offer: offer.bolt12 });
    assert.deepEqual([check.ok, check.code, check.nodeId, check.paymentHash], [true, "OK", node.id, f.decoded.invoice_payment_hash], check.message);
    // Core Lightning reads the invoice as valid; the issuer has issued exactly it.
    const theirs = await lightningCli(n0.rpc, "decode", { string: f.invoice });
    assert.deepEqual([theirs.valid, theirs.invoice_payment_hash, theirs.invoice_node_id, theirs.invreq_payer_note],
      [true, f.decoded.invoice_payment_hash, node.id, `from node over ${url}`]);
    const issued = await lightningCli(node.rpc, "listinvoices", { offer_id: offer.offer_id });
    assert.ok(issued.invoices.some((i) => i.payment_hash === f.decoded.invoice_payment_hash), `${node.id} did not issue ${f.decoded.invoice_payment_hash}`);
  }
});

// wss:// in Node: a TLS terminator on loopback (node:tls, a certificate made here for
// 127.0.0.1 with openssl) in front of node 0's ws port. A child Node trusts that
// certificate (NODE_EXTRA_CA_CERTS) and runs Commando getinfo over wss://; this process,
// which does not trust it, is refused before any BOLT 8 byte (certificates are checked).
test("wss:// in Node through a TLS terminator to node 0's ws port: getinfo; an untrusted certificate is NODE_UNREACHABLE", LIMIT, async () => {
  const dir = mkdtempSync(join(tmpdir(), "b12-wss-"));
  try {
    await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]);
    const [wsHost, wsPort] = n0.ws.replace(/^ws:\/\//, "").replace(/\/.*$/, "").split(":");
    const terminator = tls.createServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (c) => {
      const up = net.connect(Number(wsPort), wsHost);
      c.pipe(up).pipe(c);
      c.on("error", () => up.destroy());
      up.on("error", () => c.destroy());
    });
    await new Promise((r) => terminator.listen(0, "127.0.0.1", r));
    const url = `wss://127.0.0.1:${terminator.address().port}`;
    try {
      const script = `import * as tk from "bolt12-toolkit";
        const c = await tk.Commando.connect({ nodeId: ${JSON.stringify(n0.id)}, url: ${JSON.stringify(url)}, rune: ${JSON.stringify(n0.rune)}, reconnect: false });
        console.log(JSON.stringify({ id: (await c.call("getinfo")).id })); c.close();`;
      const out = await run(process.execPath, ["--input-type=module", "-e", script],
        { cwd: fileURLToPath(new URL("..", import.meta.url)), env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") } });
      assert.deepEqual(JSON.parse(out.trim().split("\n").pop()), { id: n0.id });
      const refused = await failure(tk.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false }));
      assert.equal(refused?.code, "NODE_UNREACHABLE", JSON.stringify(refused));
      assert.match(refused.message, /self.signed|certificate/i);
    } finally {
      await new Promise((r) => terminator.close(r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
