// The Node entries' WebSocket client (bolt12-toolkit's node-socket.js, not a public entry)
// against a hand-written RFC 6455 server on loopback: the upgrade request's header names
// as Core Lightning's websocketd needs them, masked client frames, a message fragmented
// into continuation frames and split across TCP writes, ping -> pong, the closing
// handshake, and a refused upgrade as an error.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { createHash } from "node:crypto";
import { openSocket } from "../node_modules/bolt12-toolkit/node-socket.js";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Unmasked server frame.
function frame(fin, opcode, payload) {
  const p = Buffer.from(payload);
  const head = p.length < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, p.length])
    : Buffer.from([(fin ? 0x80 : 0) | opcode, 126, p.length >> 8, p.length & 0xff]);
  return Buffer.concat([head, p]);
}

// Reads masked client frames off a buffer: [{ opcode, payload }], rest.
function readFrames(buf) {
  const out = [];
  for (;;) {
    if (buf.length < 2) return [out, buf];
    let len = buf[1] & 0x7f, off = 2;
    assert.ok(buf[1] & 0x80, "client frames are masked");
    if (len === 126) { if (buf.length < 4) return [out, buf]; len = buf.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (buf.length < 10) return [out, buf]; len = Number(buf.readBigUInt64BE(2)); off = 10; }
    if (buf.length < off + 4 + len) return [out, buf];
    const mask = buf.subarray(off, off + 4);
    const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len).map((b, i) => b ^ mask[i & 3]));
    out.push({ fin: !!(buf[0] & 0x80), opcode: buf[0] & 0x0f, payload });
    buf = buf.subarray(off + 4 + len);
  }
}

function server(onConn) {
  return new Promise((resolve) => {
    const s = net.createServer(onConn);
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

function events() {
  const log = [];
  let wake = () => {};
  const push = (e) => { log.push(e); wake(); };
  const handlers = {
    onopen: () => push({ t: "open" }),
    ondata: (b) => push({ t: "data", b: Buffer.from(b) }),
    onclose: () => push({ t: "close" }),
    onerror: (m) => push({ t: "error", m }),
  };
  const until = (pred) => new Promise((r) => { const check = () => { if (pred(log)) r(log); else wake = check; }; check(); });
  return { log, handlers, until };
}

test("node-socket ws client: capitalised upgrade headers, fragments across TCP writes, ping/pong, closing handshake", async () => {
  let request = "", fromClient = [];
  let clientFramesDone;
  const gotFrames = new Promise((r) => { clientFramesDone = r; });
  const srv = await server((c) => {
    let buf = Buffer.alloc(0), upgraded = false;
    c.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        request = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        upgraded = true;
        const key = /\r\nSec-WebSocket-Key: (\S+)/.exec(request)[1];
        const accept = createHash("sha1").update(key + GUID).digest("base64");
        const msg = Buffer.concat([
          Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`),
          frame(false, 2, [1, 2, 3]),       // first fragment of a binary message
          frame(true, 9, "hi"),              // a ping between fragments
          frame(false, 0, [4, 5]),           // continuation
          frame(true, 0, Buffer.alloc(300, 6)), // last fragment, 16-bit length
        ]);
        // Split the bytes at awkward places: inside the HTTP response, inside frame headers.
        for (const [a, b] of [[0, 10], [10, msg.length - 310], [msg.length - 310, msg.length - 303], [msg.length - 303, msg.length]]) c.write(msg.subarray(a, b));
      }
      const [frames, rest] = readFrames(buf);
      buf = rest;
      fromClient.push(...frames);
      if (fromClient.some((f) => f.opcode === 8)) { c.write(frame(true, 8, Buffer.from([0x03, 0xe8]))); c.end(); clientFramesDone(); }
    });
  });
  const { port } = srv.address();
  const ev = events();
  const sock = openSocket({ kind: "ws", host: "127.0.0.1", port, tls: false, path: "/x" }, ev.handlers);
  await ev.until((l) => l.some((e) => e.t === "open"));
  await ev.until((l) => Buffer.concat(l.filter((e) => e.t === "data").map((e) => e.b)).length === 305);
  sock.send(new Uint8Array([9, 8, 7]));
  sock.send(new Uint8Array(70000).fill(1)); // 64-bit length
  // Wait until the server has the two messages and the pong, then close.
  await new Promise((r) => { const t = setInterval(() => { if (fromClient.filter((f) => f.opcode === 2).length === 2) { clearInterval(t); r(); } }, 10); });
  sock.close();
  await gotFrames;
  srv.close();

  assert.match(request, /^GET \/x HTTP\/1\.1\r\n/);
  assert.match(request, /\r\nUpgrade: websocket\r\n/);
  assert.match(request, /\r\nConnection: Upgrade\r\n/);
  assert.match(request, /\r\nSec-WebSocket-Version: 13(\r\n|$)/);
  assert.match(request, new RegExp(`\\r\\nHost: 127\\.0\\.0\\.1:${port}\\r\\n`));
  const data = Buffer.concat(ev.log.filter((e) => e.t === "data").map((e) => e.b));
  assert.deepEqual([...data], [1, 2, 3, 4, 5, ...Array(300).fill(6)]);
  assert.deepEqual(ev.log.map((e) => e.t).filter((t) => t !== "data"), ["open"], "nothing reported after close()");
  const kinds = fromClient.map((f) => [f.opcode, f.fin]);
  assert.deepEqual(kinds, [[10, true], [2, true], [2, true], [8, true]]);
  assert.equal(fromClient[0].payload.toString(), "hi", "the pong echoes the ping");
  assert.deepEqual([...fromClient[1].payload], [9, 8, 7]);
  assert.ok(fromClient[2].payload.length === 70000 && fromClient[2].payload.every((b) => b === 1));
  assert.equal(fromClient[3].payload.readUInt16BE(0), 1000);
});

test("node-socket ws client: the server's close frame ends the stream; a refused upgrade and a text frame are errors", async () => {
  const reply = (c, extra) => c.once("data", (d) => {
    const key = /\r\nSec-WebSocket-Key: (\S+)/.exec(String(d))[1];
    const accept = createHash("sha1").update(key + GUID).digest("base64");
    c.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    c.write(extra);
  });
  const cases = [
    [(c) => reply(c, frame(true, 8, Buffer.from([0x03, 0xe8]))), "close", null],
    [(c) => c.once("data", () => c.end("HTTP/1.1 400 I only speak websocket\r\n\r\n")), "error", /400 I only speak websocket/],
    [(c) => reply(c, frame(true, 1, "text")), "error", /text frame/],
    [(c) => c.once("data", () => c.end("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: wrong\r\n\r\n")), "error", /Sec-WebSocket-Accept/],
  ];
  for (const [behave, end, message] of cases) {
    const srv = await server((c) => { c.on("error", () => {}); behave(c); });
    const ev = events();
    openSocket({ kind: "ws", host: "127.0.0.1", port: srv.address().port, tls: false, path: "/" }, ev.handlers);
    const log = await ev.until((l) => l.some((e) => e.t === "close" || e.t === "error"));
    srv.close();
    const last = log.at(-1);
    assert.equal(last.t, end, JSON.stringify(log));
    if (message) assert.match(last.m, message);
    assert.equal(log.filter((e) => e.t === "close" || e.t === "error").length, 1);
  }
});
