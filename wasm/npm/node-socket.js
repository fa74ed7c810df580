// Node's transport for LnSocket, Commando and fetchInvoice (imported by node.js and
// lite-node.js only; browsers use their WebSocket). `host:port` is plain TCP (node:net,
// TCP_NODELAY); `ws://` / `wss://` is a small RFC 6455 client over node:net / node:tls:
// Node's own WebSocket (Node >= 22) sends lowercase `connection`/`upgrade` headers, which
// Core Lightning's websocketd refuses ("400 I only speak websocket").
//
// Contract (see net.js, browserSocket): openSocket(endpoint, handlers) with
// endpoint = { kind: "tcp" | "ws", host, port, tls, path } and handlers = { onopen(),
// ondata(Uint8Array), onclose(), onerror(message) }; returns { send(Uint8Array), close() }.
// Exactly one of onclose/onerror ends the socket; after close() no handler is called.
// ondata chunks are arbitrary pieces of the BOLT 8 byte stream (not messages).
import net from "node:net";
import tls from "node:tls";
import { createHash, randomBytes } from "node:crypto";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HANDSHAKE_BYTES = 16384;
const MAX_FRAME_BYTES = 64 * 1024 * 1024;
const OP_CONT = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;

// A connection reset ends the stream like a close: Core Lightning resets the connection
// when it rejects a BOLT 8 act one made for another key (lnsocket's native ws client does
// the same), and callers then see the typed HANDSHAKE_FAILED.
const isReset = (err) => err && (err.code === "ECONNRESET" || err.code === "EPIPE");

function dial({ host, port, tls: useTls }) {
  if (useTls) {
    return tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ["http/1.1"] });
  }
  const sock = net.connect({ host, port });
  sock.setNoDelay(true);
  return sock;
}

/** Opens `endpoint` and reports through `handlers` (see the contract above). */
export function openSocket(endpoint, handlers) {
  if (endpoint.kind === "tcp") return openTcp(endpoint, handlers);
  if (endpoint.kind === "ws") return openWs(endpoint, handlers);
  throw new Error(`unknown endpoint kind ${endpoint.kind}`);
}

// The handlers, called at most once for the end, and never after close().
function guard(handlers) {
  let live = true;
  return {
    get live() { return live; },
    stop() { live = false; },
    open() { if (live) handlers.onopen(); },
    data(bytes) { if (live) handlers.ondata(bytes); },
    end(err) {
      if (!live) return;
      live = false;
      if (err) handlers.onerror(String(err.message || err));
      else handlers.onclose();
    },
  };
}

function endSocket(sock) {
  // Still connecting (a connect timeout) or unwritable: nothing to flush, drop it now.
  if (sock.connecting || !sock.writable) return sock.destroy();
  sock.end();
  sock.once("finish", () => sock.destroy());
}

function openTcp(endpoint, handlers) {
  const h = guard(handlers);
  const sock = dial({ ...endpoint, tls: false });
  let opened = false;
  let error = null;
  sock.on("connect", () => { opened = true; h.open(); });
  sock.on("data", (b) => h.data(new Uint8Array(b.buffer, b.byteOffset, b.length)));
  sock.on("error", (e) => { error = e; });
  sock.on("close", () => h.end(opened && (!error || isReset(error)) ? null : (error || new Error("connection closed"))));
  return {
    send(data) { if (h.live) sock.write(Buffer.from(data)); },
    close() { h.stop(); endSocket(sock); },
  };
}

function frame(opcode, payload) {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + 4 + len);
  out[0] = 0x80 | opcode; // FIN: every frame we send is a whole message
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) { out[1] = 0x80 | 126; out.writeUInt16BE(len, 2); }
  else { out[1] = 0x80 | 127; out.writeBigUInt64BE(BigInt(len), 2); }
  const mask = randomBytes(4); // client frames are masked (RFC 6455 §5.3)
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i] ^ mask[i & 3];
  return out;
}

function openWs(endpoint, handlers) {
  const h = guard(handlers);
  const sock = dial(endpoint);
  const key = randomBytes(16).toString("base64");
  const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
  const defaultPort = endpoint.tls ? 443 : 80;
  const hostHeader = (net.isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host) +
    (endpoint.port === defaultPort ? "" : `:${endpoint.port}`);
  let opened = false;   // the 101 response was accepted
  let closeSent = false;
  let error = null;
  let buf = Buffer.alloc(0);
  let message = null;   // opcode of the data message being received (fragments)

  const fail = (msg) => { error = error || new Error(msg); sock.destroy(); };
  const sendClose = (payload) => {
    if (closeSent) return;
    closeSent = true;
    sock.write(frame(OP_CLOSE, payload));
  };

  sock.once(endpoint.tls ? "secureConnect" : "connect", () => {
    sock.write(
      `GET ${endpoint.path || "/"} HTTP/1.1\r\n` +
      `Host: ${hostHeader}\r\n` +
      "Upgrade: websocket\r\n" +
      "Connection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${key}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n",
    );
  });

  function handshake() {
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0) {
      if (buf.length > MAX_HANDSHAKE_BYTES) fail("WebSocket upgrade response too long");
      return false;
    }
    const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
    buf = buf.subarray(end + 4);
    const status = lines[0];
    if (!/^HTTP\/1\.1 101\b/.test(status)) {
      fail(`WebSocket upgrade refused: ${status}`);
      return false;
    }
    const headers = new Map();
    for (const l of lines.slice(1)) {
      const i = l.indexOf(":");
      if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
    }
    if ((headers.get("upgrade") || "").toLowerCase() !== "websocket") {
      fail("WebSocket upgrade response lacks `Upgrade: websocket`");
      return false;
    }
    if (headers.get("sec-websocket-accept") !== accept) {
      fail("WebSocket upgrade response has a wrong Sec-WebSocket-Accept");
      return false;
    }
    opened = true;
    h.open();
    return true;
  }

  // Parses whole frames off `buf`; returns when more bytes are needed.
  function frames() {
    while (h.live && !error) {
      if (buf.length < 2) return;
      const fin = (buf[0] & 0x80) !== 0;
      const opcode = buf[0] & 0x0f;
      if (buf[0] & 0x70) return fail("WebSocket frame with reserved bits set");
      if (buf[1] & 0x80) return fail("masked WebSocket frame from the server");
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(MAX_FRAME_BYTES)) return fail(`WebSocket frame of ${big} bytes is too large`);
        len = Number(big);
        off = 10;
      }
      if (len > MAX_FRAME_BYTES) return fail(`WebSocket frame of ${len} bytes is too large`);
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (opcode >= 8) {
        if (!fin || len > 125) return fail("fragmented or oversized WebSocket control frame");
        if (opcode === OP_PING) sock.write(frame(OP_PONG, payload));
        else if (opcode === OP_CLOSE) {
          sendClose(payload.subarray(0, 2)); // echo the status code
          sock.end();
          return h.end(null);
        } else if (opcode !== OP_PONG) return fail(`unknown WebSocket control opcode ${opcode}`);
        continue;
      }
      if (opcode === OP_CONT) {
        if (message === null) return fail("WebSocket continuation frame without a message");
      } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
        if (message !== null) return fail("new WebSocket message inside a fragmented one");
        message = opcode;
      } else return fail(`unknown WebSocket opcode ${opcode}`);
      if (message === OP_TEXT) return fail("peer sent a WebSocket text frame; only binary frames are allowed");
      if (fin) message = null;
      // Frames are pieces of the byte stream: deliver each one as it arrives.
      if (len > 0) h.data(new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
    }
  }

  sock.on("data", (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (!opened && !handshake()) return;
    frames();
  });
  sock.on("error", (e) => { error = error || e; });
  sock.on("close", () => {
    if (!opened) return h.end(error || new Error("connection closed during the WebSocket upgrade"));
    // Closed without a close frame: the end of the stream, unless something failed.
    h.end(error && !isReset(error) ? error : null);
  });
  return {
    send(data) { if (h.live && opened) sock.write(frame(OP_BINARY, data)); },
    close() {
      const wasLive = h.live;
      h.stop();
      if (opened && wasLive && !sock.destroyed) {
        const code = Buffer.alloc(2);
        code.writeUInt16BE(1000, 0);
        sendClose(code);
      }
      endSocket(sock);
    },
  };
}
