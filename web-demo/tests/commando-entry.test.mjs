// The Commando entry of the npm package (`bolt12-toolkit/commando`: LnSocket, Commando,
// rune decode and attenuate, no BOLT 12; a thin wasm core, its BOLT 8 curve the `curve`
// crate's tableless backend), in Node and in chromium, against the demo node on loopback (whose
// BOLT 8 responder is lnsocket with libsecp256k1): handshake and init, a Commando call,
// an attenuated rune accepted for its method and refused for another; and against a Core
// Lightning v26.06.6 regtest node (cln-nodes), over TCP and ws:// from Node and ws:// from
// chromium: bad input, a peer turned against the client through a TCP relay (garbage, a
// cut reply, silence: keep-alive pings and their pong timeout, `pongTimeoutMs`), the reply cap.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import * as cmd from "bolt12-toolkit/commando";
import * as full from "bolt12-toolkit";
import { startNode, stopAll } from "./demo-node.mjs";
import { startStaticServer } from "./static-server.mjs";
import { startClnNodes, lightningCli } from "./cln-nodes.mjs";

let node, web, browser, cln, n0;
const children = new Set(); // child processes a test started, stopped by pid in after() if still running
before(async () => {
  node = await startNode({ http: false });
  web = await startStaticServer();
  cln = await startClnNodes(1);
  [n0] = cln.nodes;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}, { timeout: 300000 });
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid, "SIGKILL");
  await browser?.close();
  await cln?.stop();
  await web?.close();
  await stopAll();
}, { timeout: 120000 });

test("commando entry: only LnSocket, Commando and runes", () => {
  assert.equal(typeof cmd.Commando.connect, "function");
  assert.equal(typeof cmd.LnSocket.connect, "function");
  assert.equal(typeof cmd.decodeRune, "function");
  assert.equal(typeof cmd.attenuateRune, "function");
  assert.equal(typeof cmd.init, "function");
  for (const name of ["decode", "validate", "createInvoiceRequest", "checkInvoice", "fetchInvoice", "lnapVerify"]) {
    assert.equal(name in cmd, false, `${name} is not in the commando entry`);
  }
  assert.equal(cmd.version(), full.version());
});

test("the peer's init is checked with the same messages in the commando and full entries", async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve("bolt12-toolkit/package.json"));
  // init: type 16, gflen 0, flen and features (big-endian bitmap), no TLVs.
  const init = (...features) => Uint8Array.of(0, 16, 0, 0, 0, features.length, ...features);
  const refused = (f) => {
    try { f(); } catch (e) { return e; }
    assert.fail("no error");
  };
  for (const variant of ["commando", "full"]) {
    const glue = await import(pathToFileURL(join(pkg, variant, "bolt12_toolkit.js")).href);
    // var_onion_optin (9) and option_onion_messages (39), each with what it needs: accepted.
    assert.equal(glue.checkInit(init(0, 0x80, 0, 0, 0x02, 0)), "8000000200", variant); // leading zero bytes dropped
    // Bit 100 (unknown, even): BOLT 1 says fail the connection.
    let e = refused(() => glue.checkInit(init(0x10, ...new Array(12).fill(0))));
    assert.equal(e.code, "INIT_FAILED");
    assert.equal(e.message, "peer requires unknown feature 100", variant);
    // basic_mpp (17) without payment_secret (14 or 15): BOLT 9's dependency.
    e = refused(() => glue.checkInit(init(0x02, 0, 0)));
    assert.equal(e.message, "peer sets feature 16 without its dependency 14", variant);
    e = refused(() => glue.checkInit(Uint8Array.of(0, 18, 0, 0, 0, 0)));
    assert.equal(e.message, "the peer's first message is not init", variant);
    assert.equal(e.name, "ToolkitError");
  }
});

test("the connection keys handed to the core are zeroed in the caller's array (commando and full entries)", async () => {
  const pkg = dirname(createRequire(import.meta.url).resolve("bolt12-toolkit/package.json"));
  const G = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  for (const variant of ["commando", "full"]) {
    // The entries' own glue modules (loaded by the imports above), internal classes included.
    const glue = await import(pathToFileURL(join(pkg, variant, "bolt12_toolkit.js")).href);
    const keys = new Uint8Array(64).fill(7);
    const bolt = new glue.Bolt8(G, keys);
    assert.equal(bolt.actOne().length, 50, variant);
    assert.ok(keys.every((b) => b === 0), `${variant}: the key bytes are still in the caller's array`);
    bolt.free();
    // Refused keys are zeroed too (all-zero bytes are not a valid key: RANDOM_FAILED).
    const bad = new Uint8Array(64);
    bad[40] = 9;
    assert.throws(() => new glue.Bolt8(G, bad), (e) => e.code === "RANDOM_FAILED");
    assert.ok(bad.every((b) => b === 0), variant);
  }
});

test("commando entry: its TypeScript declarations compile under --strict (commando-types-check.ts)", () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const file = fileURLToPath(new URL("./commando-types-check.ts", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable", "--module", "nodenext",
    "--moduleResolution", "nodenext", "--skipLibCheck", "false", file], { encoding: "utf8", timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

// The Commando entry decodes and attenuates runes in JavaScript (wasm/npm/runes.js, over
// one call into its core for the SHA-256 it resumes); the other entries run the runes crate.
// They must agree, object for object and message for message: on every rune of the runes
// crate's vectors (Core Lightning's test_vectors.csv), valid and malformed, at several
// clocks, attenuated with a set of restrictions good and bad; and on random runes.
const outcome = (f) => { try { return { ok: f() }; } catch (e) { return { code: e.code, message: e.message, name: e.name }; } };

test("commando entry: decodeRune and attenuateRune equal the full entry's on every vector rune", () => {
  const csv = readFileSync(fileURLToPath(new URL("../../runes/tests/data/test_vectors.csv", import.meta.url)), "utf8");
  const runes = csv.split("\n").filter((l) => /^(VALID|MALFORMED),/.test(l)).map((l) => l.slice(l.lastIndexOf(",") + 1).trim());
  assert.ok(runes.length >= 40, `${runes.length} runes`);
  let valid = 0, attenuated = 0;
  for (const r of runes) {
    for (const now of [0, 1_700_000_000, 1e12, undefined]) {
      const ours = outcome(() => cmd.decodeRune(r, now)), theirs = outcome(() => full.decodeRune(r, now));
      // Without `now`, each reads the clock: the summaries may be a second apart.
      if (now === undefined) for (const d of [ours, theirs]) d.ok?.restrictions?.forEach((x) => delete x.summary);
      assert.deepEqual(ours, theirs, r);
      if (now === 0 && ours.ok?.valid) valid++;
    }
    for (const x of ["method=getinfo", "time<1700000000|id=02", "a=\\&\\|\\\\", "pnamefoo^x|parr0$y", "method", "=x", "f1=1&f2=2",
      "f=\\", "\u00e9=\u00fc\\\u00e9", "x=\0", " rate=3\u0085", ""]) {
      const ours = outcome(() => cmd.attenuateRune(r, x));
      assert.deepEqual(ours, outcome(() => full.attenuateRune(r, x)), `${r} + ${x}`);
      if (ours.ok) attenuated++;
    }
  }
  assert.ok(valid > 0 && valid < runes.length, `${valid} of ${runes.length} decoded valid`);
  assert.ok(attenuated > 0, "some attenuations succeed");
  // Not a string: a typed error (the other entries' glue throws a TypeError there).
  assert.equal(outcome(() => cmd.decodeRune(5)).code, "BAD_ARGUMENT");
  assert.equal(outcome(() => cmd.attenuateRune(runes[0], null)).code, "BAD_ARGUMENT");
  // Long runes: a 300 kB field name and value, UTF-8 and not.
  const code = new Uint8Array(32).fill(7);
  for (const tail of [[0x61], [0xff]]) {
    const field = new Uint8Array(300_000).fill(0x66), value = new Uint8Array(300_000).fill(tail[0]);
    const r = Buffer.concat([code, field, Buffer.from("="), value]).toString("base64url");
    const ours = outcome(() => cmd.decodeRune(r, 0));
    assert.deepEqual(ours, outcome(() => full.decodeRune(r, 0)));
    assert.equal(ours.ok.valid, tail[0] === 0x61);
    assert.deepEqual(outcome(() => cmd.attenuateRune(r, "method=getinfo")), outcome(() => full.attenuateRune(r, "method=getinfo")));
  }
});

test("commando entry: decodeRune and attenuateRune equal the full entry's on random runes", () => {
  // xorshift32 from a fixed seed: the same runes on every run.
  let seed = 0x9e3779b9;
  const rnd = (n) => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed % n; };
  const pick = (a) => a[rnd(a.length)];
  const enc = new TextEncoder();
  const FIELDS = ["method", "time", "id", "pnum", "rate", "parr0", "parr", "pnamefoo", "pname", "f_1", "\u00e9", ""];
  const CONDS = [..."!=/^$~<>{}#", ".", "*", ""];
  const VALUES = ["getinfo", "1700000000", "  12", "-5", "+7", "99999999999999999999999", "4000000000", "\u00e9", "\u2028",
    "\ufeff", " ", "a-b", "\\", "\\|", "\\&", "|", "&", "", "0"];
  const RAW = [[0xff], [0xc3], [0], [0xe2, 0x82]]; // not UTF-8, or NUL
  const piece = () => rnd(30) === 0 ? Uint8Array.from(pick(RAW)) : enc.encode(pick(FIELDS) + pick(CONDS) + pick(VALUES) + pick(["", "", "|", "&"]));
  const restriction = () => Buffer.concat(Array.from({ length: rnd(4) }, piece));
  function runeText() {
    const code = Uint8Array.from({ length: rnd(20) === 0 ? rnd(40) : 32 }, () => rnd(256));
    let s = Buffer.concat([code, restriction()]).toString("base64url");
    const r = rnd(10);
    if (r === 0) s += "=".repeat(rnd(5));
    else if (r === 1) s = s.slice(0, s.length - rnd(3));
    else if (r === 2) s = s.slice(0, rnd(s.length + 1)) + pick(["=", "+", "/", "\u00e9", " ", "*"]) + s.slice(rnd(s.length + 1));
    else if (r === 3) s = pick([" ", "\n", "\u0085", "\ufeff", "\u3000"]) + s + pick(["", " ", "\u00a0", "\u000b"]);
    else if (r === 4 && s.length % 4) s += "=".repeat(4 - (s.length % 4));
    return s;
  }
  const seen = { valid: 0, notUtf8: 0, refused: 0, attenuated: 0, notAttenuated: 0 };
  for (let i = 0; i < 5000; i++) {
    const r = runeText();
    const now = pick([0, 1_700_000_000, rnd(2 ** 31), 1e12, -5, NaN, 1.5e22]);
    const ours = outcome(() => cmd.decodeRune(r, now));
    assert.deepEqual(ours, outcome(() => full.decodeRune(r, now)), JSON.stringify([r, now]));
    seen[ours.ok ? (ours.ok.valid ? "valid" : "notUtf8") : "refused"]++;
    const x = (rnd(4) === 0 ? pick([" ", "\u0085", "\ufeff"]) : "") + new TextDecoder().decode(restriction());
    const weaker = outcome(() => cmd.attenuateRune(r, x));
    assert.deepEqual(weaker, outcome(() => full.attenuateRune(r, x)), JSON.stringify([r, x]));
    seen[weaker.ok ? "attenuated" : "notAttenuated"]++;
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n >= 50, `${k}: ${n} of 5000`);
});

test("commando entry in Node: handshake, getinfo, attenuated rune allowed and refused", async () => {
  const weaker = cmd.attenuateRune(node.rune, "method=getinfo");
  // The same attenuation as the full entry (same rune code), and it decodes with the restriction.
  assert.equal(weaker, full.attenuateRune(node.rune, "method=getinfo"));
  const d = cmd.decodeRune(weaker);
  assert.equal(d.valid, true);
  assert.deepEqual(d.restrictions.at(-1).alternatives, ["method=getinfo"]);
  // The messages are the full entry's (runes' ParseError text, without core::fmt here), on
  // an Error named ToolkitError (the core makes it with its own `new Error` import).
  const refused = (f) => {
    try { f(); } catch (e) { return e; }
    assert.fail("no error");
  };
  for (const [entry, f] of [["commando", () => cmd.attenuateRune(node.rune, "method")], ["full", () => full.attenuateRune(node.rune, "method")]]) {
    const e = refused(f);
    assert.ok(e instanceof Error, entry);
    assert.equal(e.name, "ToolkitError");
    assert.equal(e.code, "RUNE_INVALID");
    assert.equal(e.message, "invalid restriction: alternative at byte 6 has no valid condition after its field name");
  }
  assert.equal(refused(() => cmd.decodeRune("not a rune!")).message, "invalid rune: invalid base64url encoding");
  assert.equal(refused(() => cmd.decodeRune("not a rune!")).message, refused(() => full.decodeRune("not a rune!")).message);

  const c = await cmd.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune, reconnect: false });
  try {
    assert.equal(c.nodeId, node.node_id);
    assert.equal((await c.call("getinfo")).id, node.node_id);
    assert.equal((await c.call("getinfo", {}, { rune: weaker })).id, node.node_id);
    await assert.rejects(c.call("offer", { amount: "any", description: "x" }, { rune: weaker }), (e) =>
      e.code === "RUNE_UNAUTHORIZED" && e.rpcCode === 19537 && /Not permitted: method is not equal to getinfo/.test(e.message));
  } finally {
    c.close();
  }

  const s = await cmd.LnSocket.connect(node.node_id, node.ws_url);
  try {
    assert.equal(s.nodeId, node.node_id);
    assert.match(s.remoteFeatures, /^[0-9a-f]*$/);
  } finally {
    s.close();
  }
  // Another node id (the generator point, a valid key that is not the node's) fails the
  // handshake: the node cannot decrypt act one made for that key.
  const other = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  await assert.rejects(cmd.Commando.connect({ nodeId: other, url: node.ws_url, connectTimeoutMs: 5000, reconnect: false }),
    (e) => e.code === "HANDSHAKE_FAILED");
});

test("commando entry in chromium: init, handshake over WebSocket, getinfo, attenuated rune", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(web.url + "blank.html");
  const r = await page.evaluate(async ({ nodeId, url, rune }) => {
    const cmd = await import("/pkg/commando.js");
    let early = null;
    try { cmd.decodeRune(rune); } catch (e) { early = e.code; }
    // Commando.connect loads the module itself.
    const c = await cmd.Commando.connect({ nodeId, url, rune, reconnect: false });
    try {
      const weaker = cmd.attenuateRune(rune, "method=getinfo");
      const info = await c.call("getinfo", {}, { rune: weaker });
      let refused = null;
      try {
        await c.call("offer", { amount: "any", description: "x" }, { rune: weaker });
      } catch (e) {
        refused = { code: e.code, rpcCode: e.rpcCode };
      }
      return { early, id: info.id, refused, restriction: cmd.decodeRune(weaker).restrictions.at(-1).alternatives, nodeId: c.nodeId };
    } finally {
      c.close();
    }
  }, { nodeId: node.node_id, url: node.ws_url, rune: node.rune });
  assert.equal(r.early, "NOT_INITIALIZED", "synchronous functions wait for init()");
  assert.equal(r.id, node.node_id);
  assert.equal(r.nodeId, node.node_id);
  assert.deepEqual(r.refused, { code: "RUNE_UNAUTHORIZED", rpcCode: 19537 });
  assert.deepEqual(r.restriction, ["method=getinfo"]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("commando entry against Core Lightning: Node over TCP and ws://, chromium over ws://; attenuated rune refused by the node", { timeout: 300000 }, async () => {
  const ref = await lightningCli(n0.rpc, "getinfo");
  const weaker = cmd.attenuateRune(n0.rune, "method=getinfo");
  for (const url of [`127.0.0.1:${n0.tcp.split(":").pop()}`, n0.ws]) {
    const c = await cmd.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false, timeoutMs: 60000 });
    try {
      const info = await c.call("getinfo");
      assert.deepEqual([info.id, info.version, info.network], [ref.id, ref.version, "regtest"], url);
      assert.equal((await c.call("getinfo", {}, { rune: weaker })).id, ref.id, url);
      await assert.rejects(c.call("listpeers", {}, { rune: weaker }), (e) =>
        e.code === "RUNE_UNAUTHORIZED" && e.rpcCode === 19537 && /Not permitted: method is not equal to getinfo/.test(e.message), url);
    } finally {
      c.close();
    }
  }
  const page = await (await browser.newContext()).newPage();
  await page.goto(web.url + "blank.html");
  const r = await page.evaluate(async ({ nodeId, url, rune }) => {
    const cmd = await import("/pkg/commando.js");
    const c = await cmd.Commando.connect({ nodeId, url, rune, reconnect: false, timeoutMs: 60000 });
    try {
      const weaker = cmd.attenuateRune(rune, "method=getinfo");
      const info = await c.call("getinfo", {}, { rune: weaker });
      let refused = null;
      try { await c.call("listpeers", {}, { rune: weaker }); } catch (e) { refused = [e.code, e.rpcCode]; }
      return { id: info.id, refused };
    } finally {
      c.close();
    }
  }, { nodeId: n0.id, url: n0.ws, rune: n0.rune });
  assert.deepEqual(r, { id: ref.id, refused: ["RUNE_UNAUTHORIZED", 19537] });
  await page.context().close();
});

// --- Bad input against the thin core (Node, Core Lightning over TCP) -----------------------

/** A TCP relay to `port` on loopback that the test can turn against the client: `garbage`
 *  replaces what the node sends with random bytes, `cut` lets `budget` more bytes through
 *  and then drops both sides; `silence()` stops forwarding what the node sends on the
 *  connections open now (the client's bytes still reach the node; later connections pass).
 *  `conns[i]` counts the bytes of connection i each way (`up` client→node, `down`).
 *  Every socket it opens is closed by `close()`. */
async function startRelay(port) {
  const { createServer, connect } = await import("node:net");
  const { randomBytes } = await import("node:crypto");
  const socks = new Set();
  const relay = { mode: "pass", budget: 0, accepted: 0, conns: [] };
  relay.silence = () => { for (const c of relay.conns) c.silent = true; };
  const server = createServer((client) => {
    relay.accepted++;
    const stats = { up: 0, down: 0, silent: false };
    relay.conns.push(stats);
    const up = connect(port, "127.0.0.1");
    socks.add(client); socks.add(up);
    const end = () => { client.destroy(); up.destroy(); socks.delete(client); socks.delete(up); };
    client.on("data", (d) => { stats.up += d.length; up.write(d); });
    up.on("data", (d) => {
      if (stats.silent) return;
      stats.down += d.length;
      if (relay.mode === "garbage") client.write(randomBytes(d.length));
      else if (relay.mode === "cut") {
        const n = Math.min(d.length, relay.budget);
        relay.budget -= n;
        client.write(d.subarray(0, n));
        if (relay.budget <= 0) { relay.mode = "pass"; end(); }
      } else client.write(d);
    });
    for (const s of [client, up]) { s.on("close", end); s.on("error", end); }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  relay.url = `127.0.0.1:${server.address().port}`;
  relay.close = () => new Promise((r) => { for (const s of socks) s.destroy(); server.close(() => r()); });
  return relay;
}

/** A TCP server on loopback that answers act one with `reply(bytes)` (or nothing). */
async function startFakePeer(reply) {
  const { createServer } = await import("node:net");
  const socks = new Set();
  const server = createServer((s) => {
    socks.add(s);
    s.on("error", () => {});
    s.once("data", (d) => { const r = reply(d); if (r === "close") s.destroy(); else if (r) s.write(r); });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { for (const s of socks) s.destroy(); server.close(() => r()); }),
  };
}

test("commando entry: arguments and addresses refused with typed errors, before any connection", async () => {
  const id = n0.id;
  const url = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  const offCurve = "02" + "ff".repeat(32);
  await assert.rejects(cmd.Commando.connect({ nodeId: offCurve, url }), (e) => e.code === "BAD_ADDRESS" && /node id/.test(e.message));
  await assert.rejects(cmd.Commando.connect({ nodeId: id.slice(2), url }), (e) => e.code === "BAD_ADDRESS");
  await assert.rejects(cmd.Commando.connect({ nodeId: id }), (e) => e.code === "ADDRESS_MISSING");
  await assert.rejects(cmd.Commando.connect({ nodeId: id, url, wsProxy: "ws://127.0.0.1:1" }), (e) => e.code === "ADDRESS_CONFLICT");
  await assert.rejects(cmd.Commando.connect({ nodeId: id, wsProxy: "ws://127.0.0.1:1" }), (e) => e.code === "ADDRESS_MISSING");
  await assert.rejects(cmd.Commando.connect({ nodeId: id, wsProxy: "http://x", address: "127.0.0.1:9735" }), (e) => e.code === "BAD_ADDRESS");
  for (const bad of ["ftp://x", "host:0", "host:99999", "a:b:c", "[::1", "ho st:1", "ws://"]) {
    await assert.rejects(cmd.Commando.connect({ nodeId: id, url: bad }), (e) => e.code === "BAD_ADDRESS", bad);
  }
  await assert.rejects(cmd.Commando.connect({ nodeId: id, url, timeoutMs: -1 }), (e) => e.code === "BAD_ARGUMENT");
  await assert.rejects(cmd.Commando.connect({ nodeId: id, url, onState: 1 }), (e) => e.code === "BAD_ARGUMENT");
  await assert.rejects(cmd.LnSocket.connect(id, 5), (e) => e.code === "BAD_ARGUMENT");
  // Nothing listens on port 1.
  await assert.rejects(cmd.Commando.connect({ nodeId: id, url: "127.0.0.1:1", reconnect: false }), (e) => e.code === "NODE_UNREACHABLE");
  assert.throws(() => cmd.decodeRune("not a rune!"), (e) => e.code === "RUNE_INVALID");
  assert.throws(() => cmd.attenuateRune(n0.rune, ""), (e) => e.code === "RUNE_INVALID");
});

test("commando entry: a peer answering the handshake with garbage, hanging up, or saying nothing", async () => {
  const { randomBytes } = await import("node:crypto");
  const garbage = await startFakePeer(() => randomBytes(50));
  const hangup = await startFakePeer(() => "close");
  const silent = await startFakePeer(() => null);
  try {
    await assert.rejects(cmd.Commando.connect({ nodeId: n0.id, url: garbage.url, reconnect: false }), (e) => e.code === "HANDSHAKE_FAILED");
    await assert.rejects(cmd.LnSocket.connect(n0.id, garbage.url), (e) => e.code === "HANDSHAKE_FAILED");
    await assert.rejects(cmd.Commando.connect({ nodeId: n0.id, url: hangup.url, reconnect: false }), (e) => e.code === "HANDSHAKE_FAILED");
    await assert.rejects(cmd.LnSocket.connect(n0.id, silent.url, { timeoutMs: 300 }), (e) => e.code === "HANDSHAKE_FAILED" && /300 ms/.test(e.message));
  } finally {
    await Promise.all([garbage.close(), hangup.close(), silent.close()]);
  }
});

test("commando entry against Core Lightning: 120 kB request, 20 concurrent calls of different sizes matched, too large a request, timeout, node errors", { timeout: 120000 }, async () => {
  const url = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  const c = await cmd.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false });
  try {
    const big = Array.from({ length: 120000 }, (_, i) => String.fromCharCode(97 + ((i * 11) % 26))).join("");
    assert.equal((await c.call("datastore", { key: ["entry", "big"], string: big, mode: "create-or-replace" })).string, big);
    assert.equal((await lightningCli(n0.rpc, "listdatastore", { key: JSON.stringify(["entry", "big"]) })).datastore[0].string, big);
    // 20 at once, of sizes from 1 B to 70 kB (some replies span two messages), each reply with its own call.
    const value = (i) => String.fromCharCode(65 + i).repeat(1 + ((i * 3511) % 70000));
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      c.call("datastore", { key: ["entry", "conc", String(i)], string: value(i), mode: "create-or-replace" })));
    assert.deepEqual(replies.map((r) => [r.key, r.string]), Array.from({ length: 20 }, (_, i) => [["entry", "conc", String(i)], value(i)]));
    assert.equal(c.inFlight, 0);
    // Over 1 MiB: refused here, and the connection goes on.
    await assert.rejects(c.call("datastore", { key: ["entry", "huge"], string: "x".repeat(1100000) }), (e) =>
      e.code === "REQUEST_TOO_LARGE" && e.rpcCode === 19535);
    await assert.rejects(c.call("getinfo", "not params"), (e) => e.code === "BAD_ARGUMENT");
    await assert.rejects(c.call("getinfo", {}, { timeoutMs: "soon" }), (e) => e.code === "BAD_ARGUMENT");
    await assert.rejects(c.call("waitblockheight", { blockheight: 999999999, timeout: 3 }, { timeoutMs: 300 }), (e) =>
      e.code === "TIMEOUT" && e.rpcCode === 19535);
    await assert.rejects(c.call("nosuchmethod"), (e) => e.code === "RPC_ERROR" && e.rpcCode === -32601);
    assert.equal((await c.call("getinfo")).id, n0.id);
  } finally {
    c.close();
  }
  await assert.rejects(c.call("getinfo"), (e) => e.code === "CONNECTION_CLOSED");
});

test("commando entry against Core Lightning: garbage mid-session, a connection dropped mid-reply, reconnection", { timeout: 120000 }, async () => {
  const relay = await startRelay(Number(n0.tcp.split(":").pop()));
  try {
    // Garbage from the peer after init: the MAC fails, the call fails, the client reports why.
    const states = [];
    const c = await cmd.Commando.connect({ nodeId: n0.id, url: relay.url, rune: n0.rune, reconnect: false, onState: (e) => states.push(e) });
    relay.mode = "garbage";
    await assert.rejects(c.call("getinfo"), (e) => e.code === "DISCONNECTED");
    assert.equal(c.state, "failed");
    assert.deepEqual(states.map((e) => e.state), ["connecting", "connected", "failed"]);
    assert.equal(states[2].code, "CONNECTION_ERROR");
    c.close();
    relay.mode = "pass";

    // A reply over 200 kB cut after 70 kB: that call fails, the client reconnects, the next call works.
    const d = await cmd.Commando.connect({ nodeId: n0.id, url: relay.url, rune: n0.rune, reconnectDelayMs: 50, onState: (e) => states.push(e) });
    try {
      for (const k of ["a", "b"]) await d.call("datastore", { key: ["entry", "cut", k], string: k.repeat(110000), mode: "create-or-replace" });
      states.length = 0;
      relay.mode = "cut";
      relay.budget = 70000;
      await assert.rejects(d.call("listdatastore", { key: ["entry", "cut"] }), (e) => e.code === "DISCONNECTED");
      const info = await d.call("getinfo");
      assert.equal(info.id, n0.id);
      assert.deepEqual(states.map((e) => e.state), ["retrying", "connected"]);
      assert.equal(relay.accepted, 3);
      // And the whole reply over the new connection.
      const listed = await d.call("listdatastore", { key: ["entry", "cut"] });
      assert.deepEqual(listed.datastore.map((x) => x.string.length), [110000, 110000]);
    } finally {
      d.close();
    }
  } finally {
    await relay.close();
  }
});

// --- Keep-alive pings and the reply cap ----------------------------------------------------

/** Resolves once `cond()` holds (checked every 20 ms); the test's own timeout bounds it. */
async function until(cond) {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

// A BOLT 1 ping with no padding asking for no pong bytes, BOLT 8-encrypted: 2+16 length, 6+16
// body; the node's pong (4 bytes): 2+16 + 4+16.
const PING_WIRE = 40, PONG_WIRE = 38;

test("commando and full entries: pingIntervalMs, pongTimeoutMs and maxReplyBytes refused unless non-negative / positive integers", async () => {
  const url = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  for (const bad of [-1, 1.5, NaN, Infinity, "soon", "-5", true, {}]) {
    // Both entries, Commando and LnSocket, refuse them alike.
    for (const lib of [cmd, full]) {
      for (const k of ["pingIntervalMs", "pongTimeoutMs", "maxReplyBytes"]) {
        await assert.rejects(lib.Commando.connect({ nodeId: n0.id, url, [k]: bad }), (e) =>
          e.code === "BAD_ARGUMENT" && e.message.includes(k), `${k}: ${String(bad)}`);
      }
      for (const k of ["pingIntervalMs", "pongTimeoutMs"]) {
        await assert.rejects(lib.LnSocket.connect(n0.id, url, { [k]: bad }), (e) =>
          e.code === "BAD_ARGUMENT" && e.message.includes(k), `${k}: ${String(bad)}`);
      }
    }
  }
  for (const lib of [cmd, full]) {
    for (const k of ["pongTimeoutMs", "maxReplyBytes"]) {
      await assert.rejects(lib.Commando.connect({ nodeId: n0.id, url, [k]: 0 }), (e) =>
        e.code === "BAD_ARGUMENT" && e.message.includes(`${k} must be a positive integer`), k);
    }
    await assert.rejects(lib.LnSocket.connect(n0.id, url, { pongTimeoutMs: 0 }), (e) =>
      e.code === "BAD_ARGUMENT" && /pongTimeoutMs must be a positive integer/.test(e.message));
  }
});

test("commando entry against Core Lightning: keep-alive pings answered over a healthy connection; a node gone silent ends it (CONNECTION_ERROR), the client reconnects; without reconnect the Node process exits by itself", { timeout: 180000 }, async () => {
  const { spawn } = await import("node:child_process");
  const port = Number(n0.tcp.split(":").pop());
  const relay = await startRelay(port);      // the reconnecting client, in this process
  const relayChild = await startRelay(port); // the child process's Commando and LnSocket
  const relayFull = await startRelay(port);  // the full entry's LnSocket and Commando (net.js over its own core)
  let child = null, fullSocket = null, fullClient = null;
  try {
    // The child: Commando (reconnect: false) and LnSocket, 100 ms pings, through relayChild;
    // prints "up", waits for "go" (the relay silenced), then prints how each ended. It never
    // closes them: it must exit once they have failed, with no timer left.
    child = spawn(process.execPath, [fileURLToPath(new URL("./commando-keepalive-child.mjs", import.meta.url))], {
      env: { ...process.env, NODE_ID: n0.id, URL: relayChild.url, RUNE: n0.rune },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.add(child);
    let out = "", err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    const exited = new Promise((r) => child.on("exit", (code, signal) => r({ code, signal })));

    const states = [];
    const c = await cmd.Commando.connect({ nodeId: n0.id, url: relay.url, rune: n0.rune, pingIntervalMs: 100, pongTimeoutMs: 1500, reconnectDelayMs: 50, onState: (e) => states.push(e) });
    try {
      // Healthy: idle, the client pings every 100 ms and the node answers each; calls go on.
      assert.equal((await c.call("getinfo")).id, n0.id);
      const first = relay.conns[0];
      const base = { up: first.up, down: first.down };
      await until(() => first.up - base.up >= 3 * PING_WIRE && first.down - base.down >= 3 * PONG_WIRE);
      assert.equal((first.up - base.up) % PING_WIRE, 0, "only pings went up while idle");
      assert.equal((first.down - base.down) % PONG_WIRE, 0, "only pongs came down while idle");
      assert.equal((await c.call("getinfo")).id, n0.id);
      assert.equal(c.state, "connected");

      // The node goes silent (the relay drops its side): no pong, the connection ends with
      // CONNECTION_ERROR and the client reconnects (the relay passes new connections).
      // The full entry's LnSocket and Commando, with the same options: their pings are answered too.
      fullSocket = await full.LnSocket.connect(n0.id, relayFull.url, { pingIntervalMs: 100, pongTimeoutMs: 1500 });
      const fullRecv = fullSocket.recv().then(() => null, (e) => ({ code: e.code, message: e.message }));
      const fullStates = [];
      fullClient = await full.Commando.connect({ nodeId: n0.id, url: relayFull.url, rune: n0.rune, pingIntervalMs: 100, pongTimeoutMs: 1500, reconnectDelayMs: 50, onState: (e) => fullStates.push(e) });
      assert.equal((await fullClient.call("getinfo")).id, n0.id);
      const fullBase = relayFull.conns[1].down;
      await until(() => relayFull.conns[0].down >= 3 * PONG_WIRE && relayFull.conns[1].down - fullBase >= 3 * PONG_WIRE);
      await until(() => out.includes("up\n"));
      relay.silence();
      relayChild.silence();
      relayFull.silence();
      fullStates.length = 0;
      child.stdin.write("go\n");
      states.length = 0;
      await until(() => states.some((e) => e.state === "connected"));
      assert.deepEqual(states.map((e) => e.state), ["retrying", "connected"]);
      assert.equal(states[0].code, "CONNECTION_ERROR");
      assert.match(states[0].error, /no pong within 1500 ms/);
      assert.equal(relay.accepted, 2);
      assert.equal((await c.call("getinfo")).id, n0.id);
      const fr = await fullRecv;
      assert.equal(fr.code, "CONNECTION_ERROR");
      assert.match(fr.message, /no pong within 1500 ms/);
      // The full entry's Commando: the same end of its connection, and a reconnection.
      await until(() => fullStates.some((e) => e.state === "connected"));
      assert.deepEqual(fullStates.map((e) => [e.state, e.code ?? null]), [["retrying", "CONNECTION_ERROR"], ["connected", null]]);
      assert.match(fullStates[0].error, /no pong within 1500 ms/);
      assert.equal(relayFull.accepted, 3);
      assert.equal((await fullClient.call("getinfo")).id, n0.id);
      // The new connection keeps pinging too.
      const second = relay.conns[1];
      const base2 = { up: second.up, down: second.down };
      await until(() => second.up - base2.up >= 2 * PING_WIRE && second.down - base2.down >= 2 * PONG_WIRE);
      assert.equal((await c.call("getinfo")).id, n0.id);
    } finally {
      c.close();
    }

    // The child's calls ended with the pong timeout, and it exited by itself (a 1-hour call
    // timeout or a leftover ping timer would keep it alive until the test's timeout).
    const { code, signal } = await exited;
    child = null;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, err);
    const r = JSON.parse(out.trim().split("\n").pop());
    assert.deepEqual(r.call, { code: "DISCONNECTED" });
    assert.equal(r.recv.code, "CONNECTION_ERROR");
    assert.match(r.recv.message, /no pong within 1500 ms/);
    assert.deepEqual(r.states.map((e) => [e.state, e.code ?? null]), [["connecting", null], ["connected", null], ["failed", "CONNECTION_ERROR"]]);
    assert.equal(r.state, "failed");
    assert.equal(r.inFlight, 0);
    assert.equal(r.after, "CONNECTION_CLOSED");
    assert.equal(relayChild.accepted, 2, "no reconnection without reconnect");
  } finally {
    if (child) process.kill(child.pid, "SIGKILL");
    if (fullSocket) fullSocket.close();
    if (fullClient) fullClient.close();
    await Promise.all([relay.close(), relayChild.close(), relayFull.close()]);
  }
});

test("commando entry against Core Lightning: a reply over maxReplyBytes is refused with REPLY_TOO_LARGE, the rest of it ignored, the connection goes on (Node TCP, chromium ws://)", { timeout: 120000 }, async () => {
  const url = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  const put = await cmd.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false });
  try {
    for (const k of ["a", "b", "c"]) await put.call("datastore", { key: ["entry", "cap", k], string: k.repeat(20000), mode: "create-or-replace" });
  } finally {
    put.close();
  }
  // The commando entry's Commando and the full entry's (the same net.js over the full core), each with its own cap.
  for (const lib of [cmd, full]) {
  const states = [];
  const c = await lib.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false, maxReplyBytes: 100000, onState: (e) => states.push(e) });
  try {
    // Each entry comes back as string and hex (~60 kB); all three (~180 kB, several Commando
    // reply messages) are refused once past 100000 bytes.
    await assert.rejects(c.call("listdatastore", { key: ["entry", "cap"] }), (e) =>
      e.code === "REPLY_TOO_LARGE" && e.rpcCode === 19535 && /100000-byte cap/.test(e.message));
    assert.equal(c.inFlight, 0, "the refused call's parts are not kept");
    // The refused reply's remaining messages arrive and are dropped; the next calls get their own replies.
    const one = await c.call("listdatastore", { key: ["entry", "cap", "b"] });
    assert.deepEqual(one.datastore.map((x) => [x.key, x.string.length]), [[["entry", "cap", "b"], 20000]]);
    const many = await Promise.all(["a", "b", "c"].map((k) => c.call("listdatastore", { key: ["entry", "cap", k] })));
    assert.deepEqual(many.map((r) => r.datastore[0].string), ["a", "b", "c"].map((k) => k.repeat(20000)));
    await assert.rejects(c.call("listdatastore", { key: ["entry", "cap"] }), (e) => e.code === "REPLY_TOO_LARGE");
    assert.equal((await c.call("getinfo")).id, n0.id);
    assert.equal(c.state, "connected");
    assert.deepEqual(states.map((e) => e.state), ["connecting", "connected"]);
  } finally {
    c.close();
  }
  // The default cap (500 MiB) takes the same reply.
  const d = await lib.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false });
  try {
    assert.equal((await d.call("listdatastore", { key: ["entry", "cap"] })).datastore.length, 3);
  } finally {
    d.close();
  }
  }

  // chromium over ws://: the same refusal, and 50 ms pings answered while idle.
  const page = await (await browser.newContext()).newPage();
  await page.goto(web.url + "blank.html");
  const r = await page.evaluate(async ({ nodeId, url, rune }) => {
    const cmd = await import("/pkg/commando.js");
    const states = [];
    const c = await cmd.Commando.connect({ nodeId, url, rune, reconnect: false, maxReplyBytes: 100000, pingIntervalMs: 50, onState: (e) => states.push(e.state) });
    try {
      let refused = null;
      try { await c.call("listdatastore", { key: ["entry", "cap"] }); } catch (e) { refused = [e.code, e.rpcCode]; }
      const inFlight = c.inFlight;
      await new Promise((res) => setTimeout(res, 600)); // a dozen ping intervals, idle
      const one = await c.call("listdatastore", { key: ["entry", "cap", "c"] });
      let bad = null;
      try { await cmd.Commando.connect({ nodeId, url, maxReplyBytes: -1 }); } catch (e) { bad = e.code; }
      return { refused, inFlight, len: one.datastore[0].string.length, states, state: c.state, bad };
    } finally {
      c.close();
    }
  }, { nodeId: n0.id, url: n0.ws, rune: n0.rune });
  assert.deepEqual(r, { refused: ["REPLY_TOO_LARGE", 19535], inFlight: 0, len: 20000, states: ["connecting", "connected"], state: "connected", bad: "BAD_ARGUMENT" });
  await page.context().close();
});
