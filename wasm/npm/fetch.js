// fetchInvoice: an offer's invoice fetched natively, with onion messages over an LnSocket
// of net.js (BOLT 12 §"Invoice Requests" over BOLT 4 §"Onion Messages"), checked against
// the request before it is returned. No node RPC and no rune: the connected node only
// forwards onion messages. The request, the onion message for each route, and the
// judgement and payer checks of what comes back are the core's (`Fetches`,
// wasm/src/fetch_core.rs: messenger's payer); this file sends, waits and routes.
//
// While fetches run on a socket they take its onion messages (type 513); everything else
// is kept for `recv`, which waits until the last fetch has ended. A peer's `error` fails
// them (and is kept for `recv` too); so does the end of the connection.
import { fail, prop, optString, after, be16, printable } from "./net.js";

const ONION_MESSAGE = 513;
const disconnected = (why) => fail("DISCONNECTED", `disconnected: ${why}`);

/** `LnSocket.prototype.fetchInvoice` and the standalone `fetchInvoice` over `LnSocket`. */
export function fetching(LnSocket) {
  // The fetches of socket `s` (its hook's `st` while any runs).
  function attach(s) {
    if (s._hook) return s._hook.st;
    if (!s._conn) throw fail("CONNECTION_CLOSED", "connection is closed");
    if (s._wait) throw fail("BAD_ARGUMENT", "a recv() is pending, or the connection is closed");
    const st = { core: s._conn.fetches(), waiting: new Map() };
    const failAll = (err) => { for (const id of [...st.waiting.keys()]) settle(s, st, id, err); };
    s._hook = {
      st,
      message(t, m) {
        if (t === ONION_MESSAGE) {
          for (const o of st.core.receive(m)) settle(s, st, o.id, o.error, o.value);
          return true;
        }
        if (t === 17) failAll(disconnected(`peer sent error: ${printable(m.subarray(36, 36 + be16(m, 34)))}`));
        return false; // kept for recv
      },
      end(err) {
        failAll(disconnected(`connection closed: ${err ? err.message : "connection is closed"}`));
      },
    };
    return st;
  }

  // With no fetch left, gives the socket back to recv (and to a close() that came meanwhile).
  function release(s, st) {
    if (st.waiting.size > 0 || !s._hook || s._hook.st !== st) return;
    s._hook = null;
    st.core.free();
    if (s._closeAfter) { s._closeAfter = false; s.close(); }
  }

  // Ends fetch `id`; the last one releases the socket before its promise settles.
  function settle(s, st, id, err, value) {
    const w = st.waiting.get(id);
    if (!w) return;
    st.waiting.delete(id);
    clearTimeout(w.timer);
    st.core.end(id);
    release(s, st);
    if (err) w.reject(err); else w.resolve(value);
  }

  function fetchOn(s, offer, options) {
    const st = attach(s);
    let id;
    try {
      id = st.core.start(offer, options);
    } catch (e) {
      release(s, st);
      throw e;
    }
    return new Promise((resolve, reject) => {
      const w = { resolve, reject, timer: null };
      st.waiting.set(id, w);
      // The request along the next route, then its wait; after the last, TIMEOUT.
      const step = () => {
        if (!st.waiting.has(id)) return;
        let payload;
        try { payload = st.core.next(id); } catch (e) { return settle(s, st, id, e); }
        if (payload === undefined) return settle(s, st, id, st.core.timedOut(id));
        if (!s._conn) return settle(s, st, id, disconnected("connection closed: connection is closed"));
        try { s._conn.send(ONION_MESSAGE, payload); } catch (e) { return settle(s, st, id, disconnected(`connection closed: ${e.message}`)); }
        w.timer = after(st.core.timeoutMs(id), step);
      };
      step();
    });
  }

  /** Fetches an invoice for `offer` over this connection (see the declarations). */
  LnSocket.prototype.fetchInvoice = async function fetchInvoice(offer, options) {
    if (typeof offer !== "string") throw fail("BAD_ARGUMENT", "offer must be a string");
    return fetchOn(this, offer, options);
  };

  /** Connects to `options.via`, fetches an invoice for `offer` over that connection, closes it. */
  return async function fetchInvoice(offer, options) {
    const via = prop(options, "via");
    if (via === undefined) throw fail("BAD_ARGUMENT", "via ({ nodeId, url }) is required");
    const nodeId = optString(via, "nodeId");
    if (nodeId === undefined) throw fail("BAD_ARGUMENT", "via.nodeId is required");
    const connect = { wsProxy: prop(via, "wsProxy"), address: prop(via, "address"), timeoutMs: prop(options, "connectTimeoutMs") };
    const s = await LnSocket.connect(nodeId, optString(via, "url") ?? null, connect);
    try {
      return await s.fetchInvoice(offer, options);
    } finally {
      s.close();
    }
  };
}
