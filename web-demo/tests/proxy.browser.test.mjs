// The npm package in chromium through `bolt12 proxy` (the WebSocket-to-TCP bridge, crate
// wsbridge) to a Core Lightning regtest node that has NO WebSocket port (cln-nodes without
// --websocket), so a page reaches it only through the bridge: Commando over
// ws://PROXY/127.0.0.1:<port> (getinfo, a 120 kB request, a reply over 200 kB, each equal
// to lightning-cli's), the wsProxy option over ws:// and over wss:// (a bridge with a
// certificate made here by openssl; chromium told to accept it), and a destination the
// bridge does not allow: refused, the reason in the bridge's log.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startClnNodes, lightningCli, startProxy } from "./cln-nodes.mjs";
import { startStaticServer } from "./static-server.mjs";

const LIMIT = { timeout: 300000 }; // bound on each test, not a performance threshold
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let cln, n0, address, proxy, tlsProxy, web, browser, dir;
before(async () => {
  web = await startStaticServer();
  cln = await startClnNodes(1, { websocket: false, connect: false });
  [n0] = cln.nodes;
  address = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  proxy = await startProxy(["--allow", address]);
  dir = mkdtempSync(join(tmpdir(), "proxy-browser-"));
  const [cert, key] = [join(dir, "cert.pem"), join(dir, "key.pem")];
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], { stdio: "ignore", timeout: 60000 });
  tlsProxy = await startProxy(["--allow", address, "--tls-cert", cert, "--tls-key", key]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    // The wss:// bridge's certificate is self-signed.
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--ignore-certificate-errors"],
  });
}, { timeout: 300000 });
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await tlsProxy?.stop();
  await cln?.stop();
  await web?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, { timeout: 120000 });

async function newPage() {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(web.url + "blank.html");
  page.jsErrors = errors;
  return page;
}

async function logLine(p, text) {
  for (let t = 0; t < 10000; t += 20) {
    const line = p.log.find((l) => l.includes(text));
    if (line) return line;
    await sleep(20);
  }
  assert.fail(`no bridge log line with ${JSON.stringify(text)}:\n${p.log.join("\n")}`);
}

test("chromium, Commando through bolt12 proxy (ws://PROXY/host:port): getinfo, a 120 kB request, a reply over 200 kB", LIMIT, async () => {
  assert.equal(n0.ws, null, "the node has no WebSocket port");
  const page = await newPage();
  const r = await page.evaluate(async ({ n0, url }) => {
    const tk = await import("/pkg/index.js");
    const c = await tk.Commando.connect({ nodeId: n0.id, url, rune: n0.rune, reconnect: false, timeoutMs: 60000 });
    try {
      const info = await c.call("getinfo");
      const big = (tag) => Array.from({ length: 120000 }, (_, i) => String.fromCharCode(97 + ((i * 7 + tag) % 26))).join("");
      const sizes = [];
      for (const [part, tag] of [["a", 1], ["b", 2]]) {
        const value = big(tag);
        const stored = await c.call("datastore", { key: ["proxybrowser", part], string: value, mode: "create-or-replace" });
        sizes.push(stored.string === value ? value.length : -1);
      }
      const listed = await c.call("listdatastore", { key: ["proxybrowser"] });
      return { info: { id: info.id, version: info.version, blockheight: info.blockheight }, sizes, listed };
    } finally {
      c.close();
    }
  }, { n0, url: `${proxy.url}/${address}` });
  const ref = await lightningCli(n0.rpc, "getinfo");
  assert.deepEqual(r.info, { id: ref.id, version: ref.version, blockheight: ref.blockheight });
  assert.deepEqual(r.sizes, [120000, 120000]);
  assert.ok(JSON.stringify(r.listed).length > 200000, "reply over 200 kB");
  assert.deepEqual(r.listed, await lightningCli(n0.rpc, "listdatastore", { key: '["proxybrowser"]' }));
  assert.deepEqual(page.jsErrors, []);
  const line = await logLine(proxy, `-> ${address} (${address}) origin ${web.url.replace(/\/$/, "")}`);
  assert.match(line, /^wsbridge: bridged 127\.0\.0\.1:\d+ -> /);
});

test("chromium, wsProxy option over ws:// and wss:// bridges; a destination not allowed is refused", LIMIT, async () => {
  const page = await newPage();
  const other = `127.0.0.1:${Number(n0.tcp.split(":").pop()) + 1}`;
  const r = await page.evaluate(async ({ n0, address, other, proxies }) => {
    const tk = await import("/pkg/index.js");
    const ids = [];
    for (const wsProxy of proxies) {
      const c = await tk.Commando.connect({ nodeId: n0.id, wsProxy, address, rune: n0.rune, reconnect: false, timeoutMs: 60000 });
      try {
        ids.push((await c.call("getinfo")).id);
      } finally {
        c.close();
      }
    }
    const s = await tk.LnSocket.connect(n0.id, null, { wsProxy: proxies[1], address });
    const features = s.remoteFeatures;
    s.close();
    const refused = await tk.Commando.connect({ nodeId: n0.id, wsProxy: proxies[0], address: other, rune: n0.rune, reconnect: false })
      .then(() => null, (e) => ({ code: e.code, message: e.message }));
    return { ids, features, refused };
  }, { n0, address, other, proxies: [proxy.url, tlsProxy.url] });
  assert.match(tlsProxy.url, /^wss:\/\//);
  assert.deepEqual(r.ids, [n0.id, n0.id]);
  assert.match(r.features, /^[0-9a-f]+$/);
  assert.equal(r.refused?.code, "NODE_UNREACHABLE", JSON.stringify(r.refused));
  await logLine(proxy, `/${other}: 403 destination ${other} is not allowed`);
  await logLine(tlsProxy, `-> ${address} (${address})`);
  assert.deepEqual(page.jsErrors, []);
});
