// The npm package in Node through `bolt12 proxy` (the WebSocket-to-TCP bridge, crate
// wsbridge) to a Core Lightning regtest node that has NO WebSocket port (cln-nodes without
// --websocket): Commando over ws://PROXY/127.0.0.1:<port> (getinfo, a 120 kB request, a
// reply over 200 kB, each equal to lightning-cli's), the same with the package's wsProxy
// option, LnSocket through it, and a destination the bridge does not allow: refused, with
// the reason in the bridge's log. Core Lightning's own answers are the reference.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tk from "bolt12-toolkit";
import { startClnNodes, lightningCli, startProxy } from "./cln-nodes.mjs";

const LIMIT = { timeout: 180000 }; // bound on each test, not a performance threshold
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let cln, n0, proxy, address;
before(async () => {
  cln = await startClnNodes(1, { websocket: false, connect: false });
  [n0] = cln.nodes;
  address = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  proxy = await startProxy(["--allow", address]);
}, { timeout: 300000 });
after(async () => { await proxy?.stop(); await cln?.stop(); }, { timeout: 120000 });

/** Waits (bounded) for a line of the bridge's log containing `text`. */
async function logLine(text) {
  for (let t = 0; t < 10000; t += 20) {
    const line = proxy.log.find((l) => l.includes(text));
    if (line) return line;
    await sleep(20);
  }
  assert.fail(`no bridge log line with ${JSON.stringify(text)}:\n${proxy.log.join("\n")}`);
}

test("the node has no WebSocket port; the bridge listens on ws://", () => {
  assert.equal(n0.ws, null);
  assert.match(proxy.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
});

test("Commando through bolt12 proxy (explicit url): getinfo, a 120 kB request, a reply over 200 kB", LIMIT, async () => {
  const url = `${proxy.url}/${address}`;
  const c = await tk.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false, timeoutMs: 60000 });
  try {
    const info = await c.call("getinfo");
    const ref = await lightningCli(n0.rpc, "getinfo");
    assert.deepEqual([info.id, info.alias, info.version, info.blockheight], [ref.id, ref.alias, ref.version, ref.blockheight]);

    const big = (tag) => Array.from({ length: 120000 }, (_, i) => String.fromCharCode(97 + ((i * 7 + tag) % 26))).join("");
    const a = big(1), b = big(2);
    for (const [part, value] of [["a", a], ["b", b]]) {
      const stored = await c.call("datastore", { key: ["proxynode", part], string: value, mode: "create-or-replace" });
      assert.equal(stored.string, value);
    }
    const listed = await c.call("listdatastore", { key: ["proxynode"] });
    assert.ok(JSON.stringify(listed).length > 200000, "reply over 200 kB");
    assert.deepEqual(listed, await lightningCli(n0.rpc, "listdatastore", { key: '["proxynode"]' }));
    assert.deepEqual(listed.datastore.map((d) => d.string), [a, b]);
  } finally {
    c.close();
  }
  const line = await logLine(`-> ${address} (${address})`);
  assert.match(line, /^wsbridge: bridged 127\.0\.0\.1:\d+ -> /);
});

test("wsProxy option through bolt12 proxy: Commando getinfo and LnSocket", LIMIT, async () => {
  const c = await tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url, address, rune: n0.rune, reconnect: false });
  try {
    const info = await c.call("getinfo");
    assert.equal(info.id, n0.id);
  } finally {
    c.close();
  }
  const s = await tk.LnSocket.connect(n0.id, null, { wsProxy: proxy.url, address });
  try {
    assert.equal(s.nodeId, n0.id);
    assert.match(s.remoteFeatures, /^[0-9a-f]+$/);
  } finally {
    s.close();
  }
});

test("a destination the bridge does not allow is refused (403 in its log); nothing else is affected", LIMIT, async () => {
  const other = `127.0.0.1:${Number(n0.tcp.split(":").pop()) + 1}`;
  const err = await tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url, address: other, rune: n0.rune, reconnect: false })
    .then(() => null, (e) => e);
  assert.ok(err, "connecting through the bridge to a destination not allowed fails");
  assert.equal(err.code, "NODE_UNREACHABLE", err.message);
  const line = await logLine(`/${other}: 403 destination ${other} is not allowed`);
  assert.match(line, /^wsbridge: refused 127\.0\.0\.1:\d+ /);
  // The allowed destination still works.
  const c = await tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url, address, rune: n0.rune, reconnect: false });
  try {
    assert.equal((await c.call("getinfo")).id, n0.id);
  } finally {
    c.close();
  }
});
