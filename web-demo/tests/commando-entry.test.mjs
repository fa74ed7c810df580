// The Commando entry of the npm package (`bolt12-toolkit/commando`: LnSocket, Commando,
// rune decode and attenuate, no BOLT 12; its BOLT 8 curve is pure Rust, lnsocket's
// `pure-rust-curve`), in Node and in chromium, against the demo node on loopback (whose
// BOLT 8 responder is lnsocket with libsecp256k1): handshake and init, a Commando call,
// an attenuated rune accepted for its method and refused for another; and against a Core
// Lightning v26.06.6 regtest node (cln-nodes), over TCP and ws:// from Node and ws:// from
// chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as cmd from "bolt12-toolkit/commando";
import * as full from "bolt12-toolkit";
import { startNode, stopAll } from "./demo-node.mjs";
import { startStaticServer } from "./static-server.mjs";
import { startClnNodes, lightningCli } from "./cln-nodes.mjs";

let node, web, browser, cln, n0;
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

test("commando entry: its TypeScript declarations compile under --strict (commando-types-check.ts)", () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const file = fileURLToPath(new URL("./commando-types-check.ts", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable", "--module", "nodenext",
    "--moduleResolution", "nodenext", "--skipLibCheck", "false", file], { encoding: "utf8", timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("commando entry in Node: handshake, getinfo, attenuated rune allowed and refused", async () => {
  const weaker = cmd.attenuateRune(node.rune, "method=getinfo");
  // The same attenuation as the full entry (same rune code), and it decodes with the restriction.
  assert.equal(weaker, full.attenuateRune(node.rune, "method=getinfo"));
  const d = cmd.decodeRune(weaker);
  assert.equal(d.valid, true);
  assert.deepEqual(d.restrictions.at(-1).alternatives, ["method=getinfo"]);
  assert.throws(() => cmd.attenuateRune(node.rune, "method"), (e) => e.code === "RUNE_INVALID");

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
