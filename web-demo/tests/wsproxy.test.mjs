// `wsProxy` (lnmessage's scheme) in Node: Commando.connect, LnSocket.connect and
// fetchInvoice open their WebSocket to `${wsProxy}/${host}:${port}` instead of `url`. The
// proxy here is a small RFC 6455 server written in the test: it records the path it was
// asked for and bridges the WebSocket to that host:port over TCP, which is a Core Lightning
// regtest node's Lightning port (interop harness, loopback). The BOLT 8 handshake goes end
// to end through it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { createHash } from "node:crypto";
import * as tk from "bolt12-toolkit";
import * as lite from "bolt12-toolkit/lite";
import { startClnNodes, lightningCli } from "./cln-nodes.mjs";

const LIMIT = { timeout: 120000 }; // bound on each test, not a performance threshold
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_FRAME = 1 << 20;

/** A WebSocket-to-TCP bridge on 127.0.0.1: `GET /<host>:<port>` is bridged to host:port. */
function startProxy() {
  const paths = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    let buf = Buffer.alloc(0);
    let upstream = null;
    const binary = (payload) => {
      const len = payload.length;
      const head = len < 126 ? Buffer.from([0x82, len])
        : len < 65536 ? Buffer.from([0x82, 126, len >> 8, len & 255])
        : Buffer.concat([Buffer.from([0x82, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
      return Buffer.concat([head, payload]);
    };
    const frames = () => {
      for (;;) {
        if (buf.length < 2) return;
        const op = buf[0] & 15, masked = buf[1] & 128;
        let len = buf[1] & 127, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (!masked || len > MAX_FRAME) { client.destroy(); upstream?.destroy(); return; }
        if (buf.length < off + 4 + len) return;
        const mask = buf.subarray(off, off + 4);
        const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len));
        for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        buf = buf.subarray(off + 4 + len);
        if (op === 0 || op === 2) upstream.write(payload);
        else if (op === 8) { client.end(Buffer.from([0x88, 0])); upstream.end(); return; }
        else if (op === 9) client.write(Buffer.concat([Buffer.from([0x8a, payload.length]), payload]));
      }
    };
    client.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (upstream) return frames();
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
      buf = buf.subarray(end + 4);
      const path = lines[0].split(" ")[1];
      paths.push(path);
      const key = lines.find((l) => /^sec-websocket-key:/i.test(l))?.split(":")[1].trim();
      const m = /^\/(.+):(\d+)$/.exec(path || "");
      if (!m || !key) return client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
      upstream = net.connect({ host: m[1].replace(/^\[|\]$/g, ""), port: Number(m[2]) });
      sockets.add(upstream);
      upstream.on("close", () => { sockets.delete(upstream); client.end(); });
      upstream.on("error", () => client.destroy());
      upstream.on("data", (d) => client.write(binary(d)));
      upstream.once("connect", () => {
        client.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        frames();
      });
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `ws://127.0.0.1:${server.address().port}`,
    paths,
    stop: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  })));
}

let cln, n0, proxy, address;
before(async () => {
  cln = await startClnNodes(1);
  [n0] = cln.nodes;
  address = `127.0.0.1:${n0.tcp.split(":").pop()}`;
  proxy = await startProxy();
}, { timeout: 300000 });
after(async () => { await proxy?.stop(); await cln?.stop(); }, { timeout: 120000 });

test("Commando.connect with wsProxy: the socket asks the proxy for /host:port, getinfo as lightning-cli", LIMIT, async () => {
  const before = proxy.paths.length;
  const c = await tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url + "/", address, rune: n0.rune, reconnect: false });
  try {
    assert.deepEqual(proxy.paths.slice(before), [`/${address}`]);
    const info = await c.call("getinfo");
    const ref = await lightningCli(n0.rpc, "getinfo");
    assert.deepEqual([info.id, info.blockheight, info.version], [ref.id, ref.blockheight, ref.version]);
  } finally {
    c.close();
  }
});

test("LnSocket.connect(nodeId, null, { wsProxy, address }) and fetchInvoice({ via: { wsProxy } }) through the proxy", LIMIT, async () => {
  const before = proxy.paths.length;
  const s = await tk.LnSocket.connect(n0.id, null, { wsProxy: proxy.url, address });
  try {
    assert.equal(s.nodeId, n0.id);
    assert.match(s.remoteFeatures, /^[0-9a-f]+$/);
  } finally {
    s.close();
  }
  const ls = await lite.LnSocket.connect(n0.id, undefined, { wsProxy: proxy.url, address });
  assert.equal(ls.nodeId, n0.id);
  ls.close();
  const offer = (await lightningCli(n0.rpc, "offer", { amount: 3000, description: "via-wsproxy" })).bolt12;
  const f = await tk.fetchInvoice(offer, { via: { nodeId: n0.id, wsProxy: proxy.url, address }, timeoutMs: 30000 });
  assert.equal(f.routeKind, "direct", f.route);
  assert.deepEqual([f.decoded.invoice_node_id, f.decoded.invoice_amount_msat, f.decoded.offer_description], [n0.id, 3000, "via-wsproxy"]);
  assert.equal(tk.checkInvoice(f.invoice, { offer }).ok, true);
  assert.deepEqual(proxy.paths.slice(before), [`/${address}`, `/${address}`, `/${address}`]);
});

test("url and wsProxy: both or neither is a typed error, before any connection", LIMIT, async () => {
  const before = proxy.paths.length;
  const offer = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";
  const code = (p) => p.then(() => "resolved", (e) => e.code);
  const both = { wsProxy: proxy.url, address, url: address };
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id, ...both })), "ADDRESS_CONFLICT");
  assert.equal(await code(tk.LnSocket.connect(n0.id, address, { wsProxy: proxy.url, address })), "ADDRESS_CONFLICT");
  assert.equal(await code(tk.fetchInvoice(offer, { via: { nodeId: n0.id, ...both } })), "ADDRESS_CONFLICT");
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id, url: address, address })), "ADDRESS_CONFLICT", "address without wsProxy");
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id })), "ADDRESS_MISSING");
  assert.equal(await code(tk.LnSocket.connect(n0.id, null)), "ADDRESS_MISSING");
  assert.equal(await code(tk.fetchInvoice(offer, { via: { nodeId: n0.id } })), "ADDRESS_MISSING");
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url })), "ADDRESS_MISSING", "wsProxy without address");
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id, wsProxy: "http://127.0.0.1:1", address })), "BAD_ADDRESS");
  assert.equal(await code(tk.Commando.connect({ nodeId: n0.id, wsProxy: proxy.url, address: "ws://127.0.0.1:1" })), "BAD_ADDRESS");
  assert.equal(await code(tk.LnSocket.connect(n0.id, 42, { wsProxy: proxy.url, address })), "BAD_ARGUMENT");
  assert.equal(proxy.paths.length, before, "none of them reached the proxy");
});
