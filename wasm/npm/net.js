// LnSocket and Commando in JavaScript, over an entry's sans-IO WebAssembly core
// (wasm/src/net_core.rs: the BOLT 8 handshake and ciphers, the init check, Commando
// request frames): sockets (the browser's WebSocket; in Node the factory node-socket.js
// provides, set by the entry's Node file), timers, pings and pongs (BOLT #1 §"The `ping`
// and `pong` Messages"), request ids, reply reassembly and JSON. Every entry with LnSocket
// (commando, lite, full) makes its classes with `network(glue)` from its own glue; the
// code is this one file. `fetch.js` adds `fetchInvoice` where the core has `Fetches`.

export function fail(code, message, extra) {
  const e = new Error(message);
  e.name = "ToolkitError";
  e.code = code;
  return extra ? Object.assign(e, extra) : e;
}

// --- options (as the Rust facade reads them: null and undefined are "not given") --------

export const prop = (o, k) => (o !== null && typeof o === "object" && o[k] != null ? o[k] : undefined);

export function optU64(o, k, dflt) {
  const v = prop(o, k);
  if (v === undefined) return dflt;
  const bad = () => fail("BAD_ARGUMENT", `${k} must be a non-negative integer`);
  if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v;
    throw bad();
  }
  const s = typeof v === "bigint" ? v.toString() : typeof v === "string" ? v.trim() : null;
  if (s === null || !/^\+?\d+$/.test(s) || BigInt(s) > 18446744073709551615n) throw bad();
  return Number(s);
}
// `pongTimeoutMs`: how long a keep-alive ping waits for its pong (a positive integer).
function pongTimeout(o) {
  const ms = optU64(o, "pongTimeoutMs", PONG_TIMEOUT_MS);
  if (ms === 0) throw fail("BAD_ARGUMENT", "pongTimeoutMs must be a positive integer");
  return ms;
}

export function optString(o, k) {
  const v = prop(o, k);
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw fail("BAD_ARGUMENT", `${k} must be a string`);
  return v;
}

const nonEmpty = (s) => (s !== undefined && s.trim() !== "" ? s : undefined);

// --- addresses (lnsocket's addr.rs rules) ---------------------------------------------------

const addrError = (why) => fail("BAD_ADDRESS", `invalid address: ${why}`);

// `host[:port]` (host a name, an IPv4 or a bracketed IPv6 literal), then what follows.
function hostPort(s, dfltPort) {
  let host, rest;
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end < 0) throw addrError("IPv6 literal is missing its closing `]`");
    host = s.slice(1, end);
    if (!/^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(host)) throw addrError(`invalid IPv6 literal \`${host}\``);
    host = host.toLowerCase();
    rest = s.slice(end + 1);
  } else {
    const authority = s.split(/[/?]/)[0];
    if ((authority.match(/:/g) || []).length > 1) throw addrError("IPv6 addresses must be written in brackets, e.g. `[::1]:9735`");
    const m = /^[^:/?]*/.exec(s)[0];
    if (m === "") throw addrError("missing host");
    if (!/^[A-Za-z0-9._-]+$/.test(m)) throw addrError(`invalid host name \`${m}\``);
    host = m.toLowerCase();
    rest = s.slice(m.length);
  }
  let port = dfltPort;
  if (rest.startsWith(":")) {
    const digits = /^[^/?]*/.exec(rest.slice(1))[0];
    if (!/^\d{1,5}$/.test(digits) || +digits < 1 || +digits > 65535) throw addrError(`invalid port \`${digits}\``);
    port = +digits;
    rest = rest.slice(1 + digits.length);
  }
  return { host, port, rest };
}

function parseEndpoint(s) {
  const i = s.indexOf("://");
  if (i >= 0) {
    const scheme = s.slice(0, i).toLowerCase();
    if (scheme !== "ws" && scheme !== "wss") throw addrError(`unsupported scheme \`${scheme}\`: use ws://, wss:// or host:port`);
    const tls = scheme === "wss";
    const body = s.slice(i + 3);
    if (body === "") throw addrError("missing host");
    const { host, port, rest } = hostPort(body, tls ? 443 : 80);
    let path;
    if (rest === "") path = "/";
    else if (rest[0] === "/") path = rest;
    else if (rest[0] === "?") path = "/" + rest;
    else throw addrError(`unexpected text \`${rest}\` after the host`);
    return { kind: "ws", host, port, tls, path };
  }
  if (s === "") throw addrError("missing host");
  const { host, port, rest } = hostPort(s, 9735);
  if (rest !== "") throw addrError(`unexpected text \`${rest}\` after the host`);
  return { kind: "tcp", host, port, tls: false, path: "" };
}

const showHost = (h) => (h.includes(":") ? `[${h}]` : h);
const endpointName = (ep) => ep.kind === "tcp" ? `${showHost(ep.host)}:${ep.port}`
  : `${ep.tls ? "wss" : "ws"}://${showHost(ep.host)}:${ep.port}${ep.path}`;

function checkNodeId(nodeId) {
  if (typeof nodeId !== "string") throw fail("BAD_ARGUMENT", "nodeId must be a string");
  const id = nodeId.trim();
  if (id.length !== 66) throw addrError(`node id must be 66 hex characters (33 bytes), got ${id.length} characters`);
  if (!/^[0-9a-fA-F]+$/.test(id)) throw addrError("node id is not hex");
  // The point itself is checked by the core (Bolt8's constructor), before any socket opens.
  return id.toLowerCase();
}

/** Where to connect: `url`, or `wsProxy` with `address` (lnmessage's scheme). */
function resolveEndpoint(url, options) {
  url = nonEmpty(url);
  const proxy = nonEmpty(optString(options, "wsProxy"));
  const address = nonEmpty(optString(options, "address"));
  if (url !== undefined && proxy !== undefined) throw fail("ADDRESS_CONFLICT", "give either url or wsProxy (with address), not both");
  if (url === undefined && proxy === undefined) throw fail("ADDRESS_MISSING", "url, or wsProxy with address (the node's host:port), is required");
  if (url !== undefined && address !== undefined) throw fail("ADDRESS_CONFLICT", "address is the node's host:port behind wsProxy; with url, leave it out");
  if (url !== undefined) return parseEndpoint(url.trim());
  if (address === undefined) throw fail("ADDRESS_MISSING", "wsProxy needs address: the node's host:port, which the proxy connects to");
  const p = proxy.trim().replace(/\/+$/, "");
  if (!/^wss?:\/\//i.test(p)) throw fail("BAD_ADDRESS", `wsProxy must be a ws:// or wss:// URL, not ${JSON.stringify(p)}`);
  if (address.includes("://")) throw fail("BAD_ADDRESS", "address is the node's host:port (its TCP Lightning port), not a URL");
  const tcp = parseEndpoint(address.trim());
  return parseEndpoint(`${p}/${showHost(tcp.host)}:${tcp.port}`);
}

// --- sockets ------------------------------------------------------------------------------

// The browser's WebSocket behind node-socket.js's contract: openSocket(endpoint, handlers)
// with handlers { onopen(), ondata(Uint8Array), onclose(), onerror(message) }, returning
// { send(Uint8Array), close() }; exactly one of onclose/onerror ends it.
function browserSocket(ep, h) {
  if (ep.kind !== "ws") {
    throw fail("BAD_ADDRESS", "browsers connect over WebSocket only: use a ws:// or wss:// url (or wsProxy)");
  }
  let live = true, opened = false;
  const ws = new WebSocket(endpointName(ep));
  ws.binaryType = "arraybuffer";
  const end = (err) => {
    if (!live) return;
    live = false;
    if (err) h.onerror(err); else h.onclose();
  };
  ws.onopen = () => { opened = true; if (live) h.onopen(); };
  ws.onmessage = (ev) => {
    if (!live) return;
    if (typeof ev.data === "string") {
      end("peer sent a WebSocket text frame; only binary frames are allowed");
      ws.close();
    } else h.ondata(new Uint8Array(ev.data));
  };
  ws.onclose = (ev) => end(opened ? null : `WebSocket closed before opening (code ${ev.code})`);
  return {
    send(d) { if (live) ws.send(d); },
    close() { live = false; try { ws.close(); } catch { /* already closing */ } },
  };
}

let socketFactory = browserSocket;
let random = globalThis.crypto;
/** Node: TCP and ws:// through node-socket.js, and node:crypto's webcrypto (set by commando-node.js). */
export function __setSocketFactory(f, webcrypto) {
  socketFactory = f;
  if (webcrypto) random = webcrypto;
}

function randomBytes(n) {
  const b = new Uint8Array(n);
  random.getRandomValues(b);
  return b;
}
const randomKeys = () => randomBytes(64);
/** Bytes as lowercase hex. */
export const hex = (data) => Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
/** An `error` or `warning`'s data as lnsocket shows it: the text if printable ASCII, else hex. */
export const printable = (data) => data.every((b) => b >= 32 && b <= 126) ? new TextDecoder().decode(data) : "0x" + hex(data);
// setTimeout fires at once for delays over 2^31 - 1 ms: longer ones wait that long.
export const after = (ms, f) => setTimeout(f, Math.min(ms, 2147483647));

const PONG_LIMIT = 65532; // BOLT 1: a ping asking for this many bytes or more gets no pong
const PONG_TIMEOUT_MS = 30000; // default of `pongTimeoutMs`, lnsocket's `Config::pong_timeout`
export const be16 = (b, i) => (b[i] << 8) | b[i + 1];

/**
 * One peer connection: socket, BOLT 8 handshake, init exchange, pings; resolves once the
 * peer's init is accepted. `onMessage(type, msg)` gets odd types, `error` and `warning`
 * (whole messages, type included); `onEnd(error|null)` once, when it ends (not after close()).
 */
function openPeer(glue, nodeId, ep, timeoutMs, pingMs, pongMs, onMessage, onEnd) {
  return new Promise((resolve, reject) => {
    const bolt = new glue.Bolt8(nodeId, randomKeys());
    let phase = 0; // 0 opening, 1 act two, 2 init, 3 open, 4 ended
    let act2 = new Uint8Array(0);
    let timer = null, pingTimer = null, pongTimer = null, lastRx = Date.now();
    const name = endpointName(ep);
    const clear = () => { clearTimeout(timer); clearTimeout(pingTimer); clearTimeout(pongTimer); };
    const finish = (err) => {
      if (phase === 4) return;
      const was = phase;
      phase = 4;
      clear();
      sock && sock.close();
      bolt.free();
      if (was < 3) reject(err || fail("CONNECTION_CLOSED", "connection closed"));
      // Later than the caller's continuation of the resolved promise (it may end in the
      // very chunk that completed the init).
      else setTimeout(() => onEnd(err), 0);
    };
    const arm = (code, what) => {
      clearTimeout(timer);
      timer = after(timeoutMs, () => finish(fail(code, `${what} did not finish within ${timeoutMs} ms`)));
    };
    const send = (bytes) => sock.send(bytes);
    const schedulePing = () => {
      if (!pingMs) return;
      pingTimer = after(pingMs - Math.min(pingMs, Date.now() - lastRx), () => {
        const idle = Date.now() - lastRx;
        if (idle < pingMs) { pingTimer = null; schedulePing(); return; }
        try { send(bolt.encrypt(Uint8Array.of(0, 18, 0, 0, 0, 0))); } catch (e) { return finish(e); }
        pongTimer = after(pongMs, () => finish(fail("CONNECTION_ERROR", `no pong within ${pongMs} ms of a keep-alive ping`)));
      });
    };
    const conn = {
      features: "",
      // fetch.js: the invoice fetches of this connection (entries whose core has them).
      fetches: glue.Fetches ? () => new glue.Fetches(bolt) : undefined,
      send(type, payload) {
        if (phase !== 3) throw fail("CONNECTION_CLOSED", "connection is closed");
        const m = new Uint8Array(2 + payload.length);
        m[0] = type >> 8; m[1] = type & 255; m.set(payload, 2);
        send(bolt.encrypt(m));
      },
      command(id, json) {
        if (phase !== 3) throw fail("DISCONNECTED", "connection lost before the reply arrived");
        send(bolt.command(id, json));
      },
      close() {
        if (phase === 4) return;
        phase = 4;
        clear();
        sock.close();
        bolt.free();
      },
    };
    const message = (m) => {
      if (m.length < 2) throw fail("CONNECTION_ERROR", "message shorter than its type");
      const t = be16(m, 0);
      if (phase === 2) {
        if (t === 17 && m.length >= 36) {
          throw fail("INIT_FAILED", `peer sent error: ${printable(m.subarray(36, 36 + be16(m, 34)))}`);
        }
        conn.features = glue.checkInit(m);
        phase = 3;
        clearTimeout(timer);
        schedulePing();
        resolve(conn);
        return;
      }
      if (t === 18) { // ping: num_pong_bytes, byteslen, ignored
        if (m.length < 6 || 6 + be16(m, 4) > m.length) throw fail("CONNECTION_ERROR", "malformed ping");
        const n = be16(m, 2);
        if (n < PONG_LIMIT) {
          const pong = new Uint8Array(4 + n);
          pong[1] = 19; pong[2] = n >> 8; pong[3] = n & 255;
          send(bolt.encrypt(pong));
        }
      } else if (t === 19) {
        // The keep-alive ping is answered: the next one after another idle interval.
        if (pongTimer !== null) {
          clearTimeout(pongTimer);
          pongTimer = null;
          schedulePing();
        }
      } else if (t === 16) {
        throw fail("INIT_FAILED", "peer sent a second init");
      } else if (t & 1 || t === 17) {
        if (t === 1 || t === 17) { // warning / error: channel_id, len, data
          if (m.length < 36 || 36 + be16(m, 34) > m.length) throw fail("CONNECTION_ERROR", `malformed ${t === 1 ? "warning" : "error"}`);
        }
        onMessage(t, m);
      } else {
        throw fail("CONNECTION_ERROR", `unknown even message type ${t}`);
      }
    };
    const handlers = {
      onopen() {
        if (phase !== 0) return;
        phase = 1;
        arm("HANDSHAKE_FAILED", "the BOLT 8 handshake");
        send(bolt.actOne());
      },
      ondata(data) {
        if (phase >= 4) return;
        lastRx = Date.now();
        try {
          if (phase === 1) {
            const all = new Uint8Array(act2.length + data.length);
            all.set(act2); all.set(data, act2.length);
            if (all.length < 50) { act2 = all; return; }
            send(bolt.actTwo(all.subarray(0, 50)));
            phase = 2;
            arm("INIT_FAILED", "the init exchange");
            data = all.subarray(50);
            if (data.length === 0) return;
          }
          // The messages completed, each after its 2-byte length.
          const all = bolt.receive(data);
          for (let o = 0; o < all.length && phase < 4;) {
            const end = o + 2 + be16(all, o);
            message(all.subarray(o + 2, end));
            o = end;
          }
        } catch (e) {
          finish(e);
        }
      },
      onclose() {
        if (phase === 1) finish(fail("HANDSHAKE_FAILED", `${name} closed the connection during the BOLT 8 handshake (not the node ${nodeId}?)`));
        else if (phase === 2) finish(fail("INIT_FAILED", "peer closed the connection before its init"));
        else if (phase === 3 && bolt.partial) finish(fail("CONNECTION_ERROR", "peer closed the connection in the middle of a message"));
        else finish(phase === 3 ? null : fail("NODE_UNREACHABLE", `could not connect to ${name}: connection closed`));
      },
      onerror(msg) {
        finish(fail(phase === 0 ? "NODE_UNREACHABLE" : phase === 1 ? "HANDSHAKE_FAILED" : "CONNECTION_ERROR",
          phase === 0 ? `could not connect to ${name}: ${msg}` : msg));
      },
    };
    let sock = null;
    timer = after(timeoutMs, () => finish(fail("NODE_UNREACHABLE", `could not connect to ${name} within ${timeoutMs} ms`)));
    try {
      sock = socketFactory(ep, handlers);
    } catch (e) {
      finish(e.code ? e : fail("NODE_UNREACHABLE", `could not connect to ${name}: ${e && e.message || e}`));
    }
  });
}

const token = Symbol("internal");

// --- Commando -----------------------------------------------------------------------------

const COMMANDO_LOCAL = 19535;
const NODE_CODES = { 19536: "COMMANDO_REMOTE", 19537: "RUNE_UNAUTHORIZED", 19535: "COMMANDO_LOCAL",
  1501: "RUNE_NOT_AUTHORIZED", 1502: "RUNE_NOT_PERMITTED", 1503: "RUNE_BLACKLISTED" };
const MAX_REQUEST = 1024 * 1024;       // commando's ClientConfig::max_request
const MAX_REPLY = 500 * 1024 * 1024;   // and max_reply (the default of `maxReplyBytes`)
const REPLY_CONTINUES = 0x594b, REPLY_TERM = 0x594d;

// A failure detected here (not by the node): rpcCode is COMMANDO_LOCAL, as in commando's errors.
const local = (code, message) => fail(code, message, { rpcCode: COMMANDO_LOCAL });
const duration = (ms) => (ms < 1000 && ms > 0 ? `${ms}ms` : `${ms / 1000}s`);
const disconnected = () => local("DISCONNECTED", "connection lost before the reply arrived");
const enc = new TextEncoder();
const dec = new TextDecoder();

function toJson(v, what) {
  let s;
  try { s = JSON.stringify(v); } catch { s = undefined; }
  if (s === undefined) throw fail("BAD_ARGUMENT", `${what} cannot be converted to JSON`);
  return s;
}

/** The node's reply (JSON-RPC) as its `result`, or the typed error. */
function parseReply(bytes) {
  const text = dec.decode(bytes);
  let v;
  try { v = JSON.parse(text); } catch { v = undefined; }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw local("BAD_REPLY", `reply was unparsable: '${text}'`);
  if ("error" in v) {
    const err = v.error;
    const code = err !== null && typeof err === "object" ? err.code : undefined;
    if (!Number.isInteger(code) || code < -2147483648 || code > 2147483647) {
      throw local("BAD_REPLY", `error '${JSON.stringify(err)}' had no valid code`);
    }
    if (!("message" in err)) throw local("BAD_REPLY", "error had no message");
    const message = typeof err.message === "string" ? err.message : JSON.stringify(err.message);
    const e = fail(NODE_CODES[code] || "RPC_ERROR", message, { rpcCode: code });
    if ("data" in err && err.data !== null) e.data = err.data;
    throw e;
  }
  if (!("result" in v)) throw local("BAD_REPLY", "reply had no result");
  return v.result;
}

// --- the classes --------------------------------------------------------------------------

/**
 * The entry's `LnSocket` and `Commando` over its glue (`glue.Bolt8`, `glue.checkInit`;
 * `glue.Fetches` where fetch.js is used).
 */
export function network(glue) {
  /**
   * A Lightning peer connection (browser WebSocket; in Node TCP or WebSocket): BOLT 8
   * handshake, `init` exchange, automatic `pong`s and keep-alive pings.
   */
  class LnSocket {
    constructor(t) {
      if (t !== token) throw new TypeError("use LnSocket.connect()");
      this._q = [];       // received messages (or the final error) not yet taken by recv()
      this._wait = null;  // the pending recv()'s resolvers
      this._end = null;   // the error that ended the connection
      // fetch.js, while fetches run: { st (its state), message(type, msg) -> consumed?, end(error|null) }.
      this._hook = null;
      this._closeAfter = false; // close() came while fetches ran: close when they end
    }

    /** Connects to `nodeId` at `url` (or through `options.wsProxy` to `options.address`). */
    static async connect(nodeId, url, options) {
      if (url != null && typeof url !== "string") throw fail("BAD_ARGUMENT", "url must be a string (or null with wsProxy)");
      const ep = resolveEndpoint(url ?? undefined, options);
      const id = checkNodeId(nodeId);
      const timeoutMs = optU64(options, "timeoutMs", 10000);
      const pingMs = optU64(options, "pingIntervalMs", 60000);
      const pongMs = pongTimeout(options);
      const s = new LnSocket(token);
      const deliver = (item) => {
        if (s._wait) { const w = s._wait; s._wait = null; item.e ? w[1](item.e) : w[0](item.m); }
        else s._q.push(item);
      };
      s._conn = await openPeer(glue, id, ep, timeoutMs, pingMs, pongMs, (t, m) => {
        if (s._hook && s._hook.message(t, m)) return;
        // error and warning carry their data only (after channel_id and length).
        const payload = t === 1 || t === 17 ? m.slice(36, 36 + be16(m, 34)) : m.slice(2);
        deliver({ m: { type: t, payload } });
      }, (err) => {
        s._conn = null;
        if (s._hook) s._hook.end(err);
        deliver({ e: err || fail("CONNECTION_CLOSED", "connection is closed") });
      });
      s._id = id;
      return s;
    }

    /** The peer's node id (hex). */
    get nodeId() { return this._id; }
    /** The peer's `init` features (big-endian bitmap, hex). */
    get remoteFeatures() { return this._conn ? this._conn.features : this._features || ""; }

    /** Sends a message of odd type `type` (BOLT 1 forbids unnegotiated even types). */
    async send(type, payload) {
      if (!Number.isInteger(type) || type < 0 || type > 65535) throw fail("BAD_ARGUMENT", "type must be an integer in 0..65535");
      if ((type & 1) === 0) throw fail("BAD_ARGUMENT", `refusing to send even message type ${type}`);
      if (!this._conn) throw fail("CONNECTION_CLOSED", "connection is closed");
      this._conn.send(type, payload instanceof Uint8Array ? payload : Uint8Array.from(payload));
    }

    /** The next message: any odd type, `error` (17) or `warning` (1). One `recv` at a time. */
    recv() {
      if (this._wait) return Promise.reject(fail("BAD_ARGUMENT", "another recv() is pending, or the connection is closed"));
      if (this._hook) return Promise.reject(fail("BAD_ARGUMENT", "a fetchInvoice() is pending: recv() waits until it has ended"));
      const item = this._q.shift();
      if (item) {
        if (item.e) { this._q.push(item); return Promise.reject(item.e); }
        return Promise.resolve(item.m);
      }
      if (!this._conn) return Promise.reject(fail("CONNECTION_CLOSED", "connection is closed"));
      return new Promise((res, rej) => { this._wait = [res, rej]; });
    }

    /** Closes the connection (after a pending `fetchInvoice`, if any, has ended). */
    close() {
      if (this._hook) { this._closeAfter = true; return; }
      if (this._conn) {
        this._features = this._conn.features;
        this._conn.close();
        this._conn = null;
      }
      if (this._wait) { const w = this._wait; this._wait = null; w[1](fail("CONNECTION_CLOSED", "connection is closed")); }
    }

    free() { this.close(); }
    [Symbol.dispose]() { this.close(); }
  }

  /**
   * A Commando client: JSON-RPC to a Core Lightning node over an LnSocket, authorised by
   * runes. Many calls may be in flight at once; each has a timeout; a dropped connection is
   * re-established (`reconnect`), and calls waiting for their reply carry on over the new one.
   */
  class Commando {
    constructor(t) {
      if (t !== token) throw new TypeError("use Commando.connect()");
      this._pending = new Map(); // low 32 bits of the request id -> { resolve, reject, parts, size, timer }
      this._queue = [];          // requests waiting for a connection (during a reconnection)
      this._next = 0;
      this._seed = new DataView(randomBytes(4).buffer).getUint32(0);
      this._state = "connecting";
      this._conn = null;
      this._closed = false;
    }

    /** Connects to the node and returns the client. */
    static async connect(options) {
      const nodeId = optString(options, "nodeId");
      if (nodeId === undefined) throw fail("BAD_ARGUMENT", "nodeId is required");
      const ep = resolveEndpoint(optString(options, "url"), options);
      const id = checkNodeId(nodeId);
      const c = new Commando(token);
      c._id = nodeId.trim();
      c._ep = ep;
      c._nodeKey = id;
      c._rune = nonEmpty(optString(options, "rune"));
      c._connectMs = optU64(options, "connectTimeoutMs", 10000);
      const r = prop(options, "reconnect");
      c._reconnect = typeof r === "boolean" ? r : true;
      c._timeoutMs = optU64(options, "timeoutMs", 30000);
      c._attempts = Math.max(1, Math.min(optU64(options, "reconnectAttempts", 10), 4294967295));
      c._delayMs = optU64(options, "reconnectDelayMs", 1000);
      c._pingMs = optU64(options, "pingIntervalMs", 60000);
      c._pongMs = pongTimeout(options);
      c._maxReply = optU64(options, "maxReplyBytes", MAX_REPLY);
      if (c._maxReply === 0) throw fail("BAD_ARGUMENT", "maxReplyBytes must be a positive integer");
      const f = prop(options, "onState");
      if (f !== undefined && typeof f !== "function") throw fail("BAD_ARGUMENT", "onState must be a function");
      c._onState = f;
      c._attempt = 0;
      try {
        await c._open("connecting");
      } catch (e) {
        c._state = "failed";
        c._emit("failed", 1);
        throw e;
      }
      return c;
    }

    _emit(state, attempt, err) {
      if (!this._onState) return;
      const ev = { state, attempt };
      if (err) { ev.error = err.message; ev.code = err.code; }
      try { this._onState(ev); } catch { /* the caller's handler */ }
    }

    _setState(state, attempt, err) {
      if (this._closed) return;
      this._state = state;
      this._emit(state, attempt, err);
    }

    async _open(shown) {
      const attempt = ++this._attempt;
      if (shown) this._setState(shown, attempt);
      const conn = await openPeer(glue, this._nodeKey, this._ep, this._connectMs, this._pingMs, this._pongMs,
        (t, m) => this._dispatch(t, m), (err) => this._lost(conn, attempt, err));
      if (this._closed) { conn.close(); throw fail("CONNECTION_CLOSED", "client is closed"); }
      this._conn = conn;
      this._setState("connected", attempt);
      const q = this._queue;
      this._queue = [];
      for (const [key, json] of q) if (this._pending.has(key)) this._send(key, json);
      return conn;
    }

    _send(key, json) {
      const id = new Uint8Array(8);
      const v = new DataView(id.buffer);
      v.setUint32(0, this._seed);
      v.setUint32(4, key);
      try {
        this._conn.command(id, json);
      } catch (e) {
        this._settle(key, null, e);
      }
    }

    _settle(key, value, err) {
      const p = this._pending.get(key);
      if (!p) return;
      this._pending.delete(key);
      clearTimeout(p.timer);
      if (err) p.reject(err); else p.resolve(value);
    }

    _dispatch(t, m) {
      if ((t !== REPLY_CONTINUES && t !== REPLY_TERM) || m.length < 10) return;
      const v = new DataView(m.buffer, m.byteOffset, m.length);
      if (v.getUint32(2) !== this._seed) return;
      const key = v.getUint32(6);
      const p = this._pending.get(key);
      if (!p) return;
      const data = m.subarray(10);
      // Over the cap: the call fails, its parts are dropped and the rest of that reply is
      // ignored (no pending entry any more); the connection goes on.
      if (p.size + data.length > this._maxReply) return this._settle(key, null, local("REPLY_TOO_LARGE", `reply exceeds the ${this._maxReply}-byte cap`));
      p.size += data.length;
      if (t === REPLY_CONTINUES) { p.parts.push(data); return; }
      let all = data;
      if (p.parts.length) {
        all = new Uint8Array(p.size);
        let o = 0;
        for (const part of p.parts) { all.set(part, o); o += part.length; }
        all.set(data, o);
      }
      let value, err = null;
      try { value = parseReply(all); } catch (e) { err = e; }
      this._settle(key, value, err);
    }

    async _lost(conn, attempt, err) {
      if (this._conn !== conn) return;
      this._conn = null;
      // A reply cut in the middle cannot be completed on another connection.
      for (const [key, p] of this._pending) if (p.size > 0) this._settle(key, null, disconnected());
      if (this._closed) return;
      const why = err || fail("CONNECTION_CLOSED", "connection closed");
      if (!this._reconnect) {
        this._setState("failed", attempt, why);
        this._closed = true;
        return this._failAll();
      }
      this._setState("retrying", attempt + 1, why);
      for (let i = 0; i < this._attempts && !this._closed; i++) {
        if (i > 0) await new Promise((r) => after(this._delayMs, r));
        if (this._closed) return;
        try {
          await this._open(i === 0 ? null : "retrying");
          return;
        } catch { /* next attempt */ }
      }
      this._giveUp();
    }

    _giveUp() {
      if (this._closed) return;
      this._setState("failed", 0, fail("NODE_UNREACHABLE", "connection lost and could not be re-established"));
      this._closed = true;
      this._failAll();
    }

    _failAll() {
      this._queue = [];
      for (const key of [...this._pending.keys()]) this._settle(key, null, disconnected());
    }

    /** The node id this client talks to. */
    get nodeId() { return this._id; }
    /** The connection state: `connecting`, `connected`, `retrying`, `failed` or `closed`. */
    get state() { return this._state; }
    /** Number of calls awaiting their reply. */
    get inFlight() { return this._pending.size; }

    /** Runs `method` with `params` (an object or an array; default `{}`); resolves to its result. */
    call(method, params, options) {
      return new Promise((resolve, reject) => {
        if (this._state === "closed") throw fail("CONNECTION_CLOSED", "client is closed");
        if (typeof method !== "string") throw fail("BAD_ARGUMENT", "method must be a string");
        const p = params == null ? "{}" : toJson(params, "value");
        if (p[0] !== "{" && p[0] !== "[") throw local("BAD_ARGUMENT", "params must be a JSON object or array");
        const rune = optString(options, "rune") ?? this._rune;
        const timeoutMs = optU64(options, "timeoutMs", this._timeoutMs);
        const filter = prop(options, "filter");
        if (this._closed) throw disconnected();
        let key;
        do { key = this._next = (this._next + 1) >>> 0; } while (this._pending.has(key));
        const idHex = this._seed.toString(16).padStart(8, "0") + key.toString(16).padStart(8, "0");
        let body = `{"method":${JSON.stringify(method)},"id":"commando:${idHex}","params":${p}`;
        if (rune !== undefined) body += `,"rune":${JSON.stringify(rune)}`;
        if (filter !== undefined) body += `,"filter":${toJson(filter, "value")}`;
        const json = enc.encode(body + "}");
        if (json.length > MAX_REQUEST) throw local("REQUEST_TOO_LARGE", `request of ${json.length} bytes exceeds the ${MAX_REQUEST}-byte limit`);
        const entry = { resolve, reject, parts: [], size: 0, timer: null };
        entry.timer = after(timeoutMs, () => this._settle(key, null, local("TIMEOUT", `no reply within ${duration(timeoutMs)}`)));
        this._pending.set(key, entry);
        if (this._conn) this._send(key, json);
        else this._queue.push([key, json]);
      });
    }

    /** Closes the connection; pending and later calls fail with `DISCONNECTED` / `CONNECTION_CLOSED`. */
    close() {
      this._state = "closed";
      this._closed = true;
      const conn = this._conn;
      this._conn = null;
      if (conn) conn.close();
      this._failAll();
    }

    free() { this.close(); }
    [Symbol.dispose]() { this.close(); }
  }

  return { LnSocket, Commando };
}
