// The wallet page: everything runs in this page (WebAssembly from ../wasm, the npm package).
// Against Core Lightning it is a real wallet (balance from listfunds, pay with xpay, receive
// with offer + waitanyinvoice, history from listpays/listinvoices); against our demo node,
// which says in its getinfo what it simulates, those parts are labelled "simulated".
const $ = (id) => document.getElementById(id);
const STORE = "bolt12-demo:connection";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// waitanyinvoice asks the node to wait at most this long (s), then the page asks again: a
// wait left behind by a closed page ends on the node by itself. `?wait=S` sets it (1-600).
const WAIT_S = Math.min(600, Math.max(1, Math.floor(Number(new URLSearchParams(location.search).get("wait"))) || 30));

let tk;
try {
  tk = await import("/pkg/index.js");
  await tk.init(); // loads the WebAssembly module (the package's sync functions need it)
} catch (e) {
  const b = $("boot-error");
  b.hidden = false;
  b.textContent = "Could not load the bolt12-toolkit package (/pkg/index.js). Build it with ./wasm/build.sh. " + e;
  throw e;
}
window.bolt12toolkit = tk; // handy in the devtools console

let client = null;
// The node the page is connected to, and the page's own BOLT 8 connection to it for native
// invoice requests (opened on the first one, reused, closed with the Commando client).
let node = null;
let sock = null;
function closeSock() { if (sock) sock.close(); sock = null; }
let attempt = null; // the latest connect() call; events of older ones are ignored
const RETRY = { connectTimeoutMs: 8000, reconnect: true, reconnectAttempts: 60, reconnectDelayMs: 1000 };
// Methods the connected node says it only simulates. Our demo node lists them in its
// getinfo (`"simulated": ["listfunds", "pay", "listpays"]`); a real node (Core Lightning)
// has no such field, so nothing is labelled "simulated" there.
let simulated = new Set();

// ---------- errors a person understands ----------
function humanError(e) {
  const code = e && e.code;
  const msg = (e && e.message) || String(e);
  switch (code) {
    case "NODE_UNREACHABLE":
      return ["Node unreachable: nothing answered at that WebSocket URL. Is the node running and the URL right?", msg];
    case "BRIDGE_UNREACHABLE":
      return [`No connection through the bridge ${e.wsProxy}: the bridge is not answering, or it refused or could not reach the node's address (a bridge connects only to the addresses it allows).`, msg];
    case "HANDSHAKE_FAILED":
      return ["The Lightning handshake failed: the node id does not match the node at that URL (or it is not a Lightning node).", msg];
    case "BAD_ADDRESS":
      return ["Invalid node id or address: a node id is 66 hex characters; the URL starts with ws:// or wss:// (with a bridge: the bridge's ws:// or wss:// URL, and the node's host:port as the address).", msg];
    case "ADDRESS_CONFLICT":
    case "ADDRESS_MISSING":
      return ["Give either the node's WebSocket URL, or a bridge and the node's host:port.", msg];
    case "INIT_FAILED":
      return ["The node refused the connection after the handshake.", msg];
    case "RUNE_UNAUTHORIZED":
      if (/Not permitted/i.test(msg)) return ["Method not permitted by this rune. The node said: " + msg, ""];
      return ["Wrong rune: the node did not accept it (not issued by this node, or altered). The node said: " + msg, ""];
    case "RUNE_NOT_PERMITTED":
      return ["Method not permitted by this rune. The node said: " + msg, ""];
    case "RUNE_NOT_AUTHORIZED":
    case "RUNE_BLACKLISTED":
      return ["Wrong rune. The node said: " + msg, ""];
    case "COMMANDO_REMOTE":
      return [/rune/i.test(msg) ? "Missing or malformed rune. The node said: " + msg : "The node refused the request: " + msg, ""];
    case "RUNE_INVALID":
      return ["That rune is malformed (a rune is base64 text as printed by the node).", msg];
    case "NOT_BOLT12":
    case "UNKNOWN_PREFIX":
      return ["Not a BOLT 12 string: expected an offer (lno1…), invoice request (lnr1…) or invoice (lni1…).", msg];
    case "INVALID_BOLT12":
    case "WRONG_TYPE":
      return ["Invalid BOLT 12 " + (e.kind || "string").replace("_", " ") + ": " + msg, ""];
    case "TIMEOUT":
      if (/^no invoice after/.test(msg)) return ["No invoice came back in time: the offer's issuer did not answer through this node (offline, or not reachable from it).", msg];
      return ["The node did not answer in time.", msg];
    case "INVOICE_ERROR":
      return ["The offer's issuer refused the invoice request. It said: " + msg, ""];
    case "NO_ROUTE":
      return ["This offer gives no way to reach its issuer from the connected node.", msg];
    case "CHECK_FAILED":
      return ["The invoice that came back failed a payer check, so it was not accepted.", msg];
    case "BUILD_FAILED":
      return ["The invoice request could not be made: " + msg, ""];
    case "DISCONNECTED":
    case "CONNECTION_CLOSED":
      return ["The connection to the node was lost before it answered.", msg];
    case "RPC_ERROR":
      return ["The node returned an error (" + e.rpcCode + "): " + msg, PAY_CODES[e.rpcCode] || ""];
    case "BAD_ARGUMENT":
      return ["Invalid input: " + msg, ""];
    default:
      return [msg, code ? "code " + code : ""];
  }
}

// What Core Lightning's pay/xpay error codes mean (doc/schemas/xpay.json), in plain words.
const PAY_CODES = {
  203: "The payee refused the payment (it did not recognise the invoice).",
  205: "No way to the payee: the node found no route (it has no usable channel towards it).",
  207: "The invoice has expired.",
  209: "The payment failed along the way.",
  219: "This invoice has already been paid.",
};

function showError(id, e) {
  const el = $(id);
  const [text, detail] = humanError(e);
  el.hidden = false;
  el.replaceChildren(document.createTextNode(text));
  if (detail) {
    const d = document.createElement("span");
    d.className = "detail";
    d.textContent = detail;
    el.append(d);
  }
  el.dataset.code = (e && e.code) || "";
}
const clearError = (id) => { $(id).hidden = true; $(id).textContent = ""; };

// ---------- status ----------
function setStatus(state, detail) {
  const s = $("status");
  s.dataset.state = state;
  $("status-text").textContent = detail ? `${state} · ${detail}` : state;
  const up = state === "connected";
  for (const id of ["request-btn", "receive-btn", "rpc-btn", "history-btn"]) $(id).disabled = !up;
  $("pay-btn").disabled = !up || !payable;
  // Connect stays available (it reconnects with what the fields say now).
  $("connect-btn").disabled = state === "connecting";
  $("disconnect-btn").disabled = !(state === "connecting" || state === "retrying" || state === "connected");
}

function fields(dl, obj, skip = []) {
  dl.replaceChildren();
  for (const [k, v] of Object.entries(obj)) {
    if (skip.includes(k) || v === null || v === undefined) continue;
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = typeof v === "object" ? JSON.stringify(v) : String(v);
    dl.append(dt, dd);
  }
}

function verdict(id, cls, text, detail = "") {
  const el = $(id);
  el.hidden = false;
  el.className = "verdict " + cls;
  el.textContent = text;
  if (detail) {
    const d = document.createElement("span");
    d.className = "detail";
    d.textContent = detail;
    el.append(d);
  }
}

// ---------- amounts ----------
// An amount field of Core Lightning's JSON (`*_msat`): a whole number of millisatoshi (a
// string "123msat" before v23.02). Summed as BigInt, so no msat is lost.
function msatOf(v, what) {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d+(msat)?$/.test(v)) return BigInt(v.replace("msat", ""));
  throw { code: "BAD_REPLY", message: `${what}: not an amount in msat: ${JSON.stringify(v)}` };
}
// "1,234" or "1,234.567" (sat, with the msat when there are any).
function satText(msat) {
  const sat = (msat / 1000n).toLocaleString("en-US");
  const rest = msat % 1000n;
  return rest ? `${sat}.${String(rest).padStart(3, "0")}` : sat;
}
const amountText = (msat) => `${msat.toLocaleString("en-US")} msat (${satText(msat)} sat)`;

// The balance from `listfunds`: unspent on-chain outputs plus our side of each channel.
function balanceOf(funds) {
  const outputs = (funds.outputs || []).filter((o) => o.status !== "spent");
  const channels = funds.channels || [];
  const onchain = outputs.reduce((a, o) => a + msatOf(o.amount_msat, "outputs.amount_msat"), 0n);
  const inChannels = channels.reduce((a, ch) => a + msatOf(ch.our_amount_msat, "channels.our_amount_msat"), 0n);
  return { onchain, inChannels, total: onchain + inChannels, outputs: outputs.length, channels: channels.length };
}

function setSimulated(list) {
  simulated = new Set(Array.isArray(list) ? list : []);
  $("balance-sim").hidden = !simulated.has("listfunds");
  $("pay-btn").textContent = simulated.has("pay") ? "Pay (simulated)" : "Pay";
  $("history-sim").hidden = !simulated.has("listpays");
  $("sim-note").hidden = simulated.size === 0;
  document.body.dataset.node = client ? (simulated.size ? "demo" : "real") : "";
}

// ---------- connect ----------
function loadSaved() {
  try {
    const s = JSON.parse(localStorage.getItem(STORE) || "null");
    if (s) { $("node-id").value = s.nodeId || ""; $("ws-url").value = s.url || ""; $("rune").value = s.rune || ""; $("ws-proxy").value = s.wsProxy || ""; }
    bridgeLabel();
    return !!s;
  } catch { return false; }
}

// With a bridge, the address field is the node's own host:port (the bridge connects to it).
function bridgeLabel() {
  const bridged = $("ws-proxy").value.trim() !== "";
  $("ws-url-label").textContent = bridged ? "Node address (host:port, reached through the bridge)" : "WebSocket URL";
  $("ws-url").placeholder = bridged ? "127.0.0.1:9735" : "ws://127.0.0.1:9736 or wss://…";
}

// Where to connect, as the package takes it: `url`, or `wsProxy` + `address`.
function target(n) {
  return n.wsProxy ? { wsProxy: n.wsProxy, address: n.url } : { url: n.url };
}

async function fillDemo() {
  const r = await fetch("/demo-node.json");
  if (!r.ok) throw new Error("this page is not served by the demo node");
  const d = await r.json();
  $("node-id").value = d.node_id; $("ws-url").value = d.ws_url; $("rune").value = d.rune; $("ws-proxy").value = "";
  bridgeLabel();
}

async function connect() {
  clearError("connect-error");
  const opts = { nodeId: $("node-id").value.trim(), url: $("ws-url").value.trim(), rune: $("rune").value.trim() };
  const wsProxy = $("ws-proxy").value.trim();
  localStorage.setItem(STORE, JSON.stringify(wsProxy ? { ...opts, wsProxy } : opts));
  if (client) { client.close(); client = null; }
  closeSock();
  node = null;
  setSimulated([]);
  stopIncoming("idle", "Incoming payments are shown here while connected.");
  // What the page shows from the previous node (offer made, invoice fetched) is not this node's.
  for (const id of ["offer-box", "invoice-box", "pay-result"]) $(id).hidden = true;
  for (const id of ["info-error", "request-error", "receive-error", "history-error"]) clearError(id);
  clearHistory();
  $("incoming-list").replaceChildren();
  $("balance").textContent = "–";
  delete $("balance").dataset.msat;
  $("balance-detail").textContent = "";
  const token = {};
  attempt = token;
  setStatus("connecting");
  try {
    const c = await tk.Commando.connect({
      nodeId: opts.nodeId,
      rune: opts.rune,
      ...target({ url: opts.url, wsProxy }),
      ...RETRY,
      timeoutMs: 20000,
      onState: (ev) => {
        if (attempt !== token) return;
        if (ev.state === "retrying") setStatus("retrying", `reconnect attempt ${ev.attempt - 1}`);
        else if (ev.state === "connected") { setStatus("connected", wsProxy ? "through the bridge" : ""); if (ev.attempt > 1) refreshInfo(); }
        else if (ev.state === "failed") { setStatus("failed"); showError("connect-error", bridged({ code: "NODE_UNREACHABLE", message: ev.error || "connection lost" }, wsProxy)); }
      },
    });
    if (attempt !== token) { c.close(); return; }
    client = c;
    node = { nodeId: opts.nodeId, url: opts.url, wsProxy, rune: opts.rune };
    setStatus("connected", wsProxy ? "through the bridge" : "");
    await refreshInfo(true);
    if (attempt !== token) return;
    const history = await refreshHistory();
    if (attempt === token) watchIncoming(node, token, history);
  } catch (e) {
    if (attempt !== token) return;
    setStatus("failed");
    showError("connect-error", bridged(e, wsProxy));
  }
}

// Through a bridge, "unreachable" may be the bridge refusing the node (not on its allow
// list) or not answering itself: say so, with the package's words as the detail.
function bridged(e, wsProxy) {
  if (!wsProxy || !e || e.code !== "NODE_UNREACHABLE") return e;
  return { code: "BRIDGE_UNREACHABLE", message: e.message, wsProxy };
}

function disconnect() {
  attempt = null;
  const wasWaiting = $("incoming").dataset.state === "waiting";
  if (client) client.close(); // rejects the pending waitanyinvoice: the page stops waiting
  client = null;
  closeSock();
  node = null;
  setSimulated([]);
  setStatus("disconnected");
  stopIncoming("stopped", wasWaiting ? "Stopped waiting for incoming payments: disconnected." : "Incoming payments are shown here while connected.");
  $("info").hidden = true;
}

async function refreshInfo(fromConnect = false) {
  if (!client) return;
  try {
    const info = await client.call("getinfo");
    setSimulated(info.simulated);
    $("info").hidden = false;
    clearError("info-error");
    clearError("connect-error");
    fields($("info-list"), {
      alias: info.alias, id: info.id, network: info.network, blockheight: info.blockheight,
      peers: info.num_peers, channels: info.num_active_channels, version: info.version,
      connection: node && node.wsProxy ? `through the bridge ${node.wsProxy} to ${node.url}` : undefined,
    });
    await refreshBalance();
  } catch (e) {
    showError(fromConnect ? "connect-error" : "info-error", e);
  }
}

async function refreshBalance() {
  if (!client) return;
  const el = $("balance");
  try {
    const b = balanceOf(await client.call("listfunds"));
    el.textContent = satText(b.total);
    el.dataset.msat = String(b.total);
    el.title = `${b.total.toLocaleString("en-US")} msat`;
    $("balance-detail").textContent = `${amountText(b.total)}: on-chain ${amountText(b.onchain)} in ${b.outputs} output${b.outputs === 1 ? "" : "s"}, in channels ${amountText(b.inChannels)} in ${b.channels} channel${b.channels === 1 ? "" : "s"} (listfunds)`;
  } catch (e) {
    el.textContent = "–";
    delete el.dataset.msat;
    $("balance-detail").textContent = "";
    showError("info-error", e);
  }
}

// ---------- decode ----------
function decodePaste() {
  const input = $("decode-input").value.trim();
  const proof = $("lnap-input").value.trim();
  const seq = ++decodeSeq;
  $("lnap-verdict").hidden = true;
  $("decode-fields").replaceChildren();
  let d;
  try {
    d = tk.decode(input);
  } catch (e) {
    const [text] = humanError(e);
    verdict("decode-verdict", "bad", "✗ " + text);
    $("decode-verdict").dataset.code = e.code || "";
    return;
  }
  const kind = d.type.replace("bolt12 ", "").replace("_", " ");
  const warn = Object.keys(d).filter((k) => k.startsWith("warning_"));
  verdict("decode-verdict", warn.length ? "warn" : "ok",
    (d.valid ? `✓ Valid ${kind}` : `✗ Invalid ${kind}`) + (warn.length ? " — " + warn.map((w) => w.replace("warning_", "").replaceAll("_", " ")).join(", ") : ""));
  $("decode-verdict").dataset.code = "OK";
  fields($("decode-fields"), d);
  if (proof) {
    // lnap is its own module, fetched on first use (the package's loadLnap()): only once a
    // proof is pasted. A verdict that arrives after the next decode is not shown.
    const show = (kind, text) => { if (seq === decodeSeq) verdict("lnap-verdict", kind, text); };
    tk.loadLnap().then(() => {
      const r = d.type === "bolt12 offer" ? tk.lnapCheckOffer(proof, input) : tk.lnapVerify(proof);
      show(r.verdict === "verified" ? "ok" : "bad", `Vendor proof (${r.vendor}): ${r.verdict} — ${r.detail}`);
    }).catch((e) => {
      show("bad", "Vendor proof: " + humanError(e)[0] + " " + e.message);
    });
  }
}
let decodeSeq = 0;

// ---------- request an invoice ----------
let lastInvoice = null;
let payable = false; // the invoice shown passed the checks and is not paid yet
function setPayable(ok) {
  payable = ok;
  $("pay-btn").disabled = !ok || $("status").dataset.state !== "connected";
}
async function requestInvoice() {
  clearError("request-error");
  $("invoice-box").hidden = true;
  $("pay-result").hidden = true;
  $("pay-status").hidden = true;
  setPayable(false);
  const offer = $("request-offer").value.trim();
  $("request-btn").disabled = true;
  try {
    tk.decode(offer); // a person gets "not a BOLT 12 string" before any network round trip
    const amt = $("request-amount").value.trim();
    const how = $("request-how").value;
    let invoice, route, checks = [];
    if (how === "native") {
      const res = await fetchNatively(offer, amt);
      invoice = res.invoice;
      checks = res.checks;
      route = `✓ Fetched natively by this page: an onion message ${res.route} (${node.nodeId.slice(0, 16)}…), no rune; ${res.checks.length} payer checks passed`;
    } else {
      const params = { offer };
      if (amt) params.amount_msat = amt;
      invoice = (await client.call("fetchinvoice", params)).invoice;
      route = "✓ Fetched by the node (Commando fetchinvoice)";
    }
    const check = tk.checkInvoice(invoice, { offer });
    lastInvoice = invoice;
    $("invoice-box").hidden = false;
    verdict("invoice-route", "ok", route);
    $("invoice-route").dataset.how = how;
    $("invoice-text").textContent = invoice;
    verdict("invoice-check", check.ok ? "ok" : "bad", check.ok
      ? `✓ Invoice checked in the browser against the offer: signature by ${check.nodeId.slice(0, 16)}…, offer fields, amount and expiry OK`
      : `✗ Invoice does not match the offer: ${check.message} (${check.code})`);
    $("invoice-check").dataset.code = check.code;
    // The checks made, in plain words: the payer's (native fetch) and the page's own.
    $("invoice-checks").replaceChildren(...checks.map((c) => {
      const li = document.createElement("li");
      li.textContent = c;
      return li;
    }));
    fields($("invoice-fields"), {
      amount_msat: check.amountMsat, node_id: check.nodeId, payment_hash: check.paymentHash,
      offer_id: check.offerId, expires_at: new Date(check.expiresAt * 1000).toISOString(),
      description: check.decoded.offer_description,
    });
    // The confirmation: what Pay will do, once everything above checked out.
    const confirm = $("pay-confirm");
    confirm.dataset.ok = String(check.ok);
    if (check.ok) {
      const desc = check.decoded.offer_description;
      confirm.textContent = `Pay ${amountText(msatOf(check.amountMsat, "amount"))} to ${check.nodeId.slice(0, 16)}…${desc ? ` for “${desc}”` : ""}? ` +
        `Pressing Pay confirms: the node pays the invoice (${simulated.has("pay") ? "pay, simulated" : "xpay"}).`;
    } else {
      confirm.textContent = "Not payable: the invoice failed the check above.";
    }
    setPayable(check.ok);
  } catch (e) {
    showError("request-error", e);
  } finally {
    $("request-btn").disabled = $("status").dataset.state !== "connected";
  }
}

// The invoice request as an onion message over the page's own connection to the node.
async function fetchNatively(offer, amt) {
  if (!node) throw { code: "CONNECTION_CLOSED", message: "not connected" };
  const options = { timeoutMs: 20000 };
  if (amt) options.amountMsat = amt;
  if (!sock) {
    const t = target(node);
    sock = await tk.LnSocket.connect(node.nodeId, t.url ?? null, { timeoutMs: 8000, ...(t.wsProxy ? { wsProxy: t.wsProxy, address: t.address } : {}) });
  }
  try {
    return await sock.fetchInvoice(offer, options);
  } catch (e) {
    if (e.code === "DISCONNECTED" || e.code === "CONNECTION_CLOSED") closeSock();
    throw e;
  }
}

// Pays the checked invoice through the node: `xpay` on Core Lightning (`pay` where the
// node has no xpay, and on the demo node, which simulates it).
async function pay() {
  if (!client || !lastInvoice || !payable) return;
  const c = client;
  const invoice = lastInvoice;
  setPayable(false);
  $("pay-result").hidden = true;
  const useXpay = !simulated.has("pay");
  const status = $("pay-status");
  status.hidden = false;
  status.textContent = `Paying through the node (${useXpay ? "xpay" : "pay"})…`;
  let method = useXpay ? "xpay" : "pay";
  try {
    let r;
    if (useXpay) {
      try {
        r = await c.call("xpay", { invstring: invoice }, { timeoutMs: 120000 });
      } catch (e) {
        if (e.rpcCode !== -32601) throw e; // not "unknown command": the payment's own error
        method = "pay";
        r = await c.call("pay", { bolt11: invoice }, { timeoutMs: 120000 });
      }
    } else {
      r = await c.call("pay", { bolt11: invoice });
    }
    const sim = simulated.has("pay") ? " (SIMULATED by the demo node)" : "";
    const sent = msatOf(r.amount_sent_msat ?? r.amount_msat, "amount_sent_msat");
    const amount = msatOf(r.amount_msat, "amount_msat");
    verdict("pay-result", "ok", `✓ Paid ${r.amount_msat} msat${sim} — preimage ${r.payment_preimage}`,
      `${method}: sent ${amountText(sent)}, fee ${amountText(sent - amount)}`);
    $("pay-result").dataset.state = "paid";
    delete $("pay-result").dataset.rpcCode;
  } catch (e) {
    const [text, detail] = humanError(e);
    $("pay-result").dataset.rpcCode = e.rpcCode ?? "";
    if (["TIMEOUT", "DISCONNECTED", "CONNECTION_CLOSED"].includes(e.code)) {
      // No answer is not a failure: the node may still be paying. Not offered again.
      verdict("pay-result", "warn", "? No answer from the node about this payment: it may still complete. Look at the history before paying again.", text + (detail ? " " + detail : ""));
      $("pay-result").dataset.state = "unknown";
    } else {
      verdict("pay-result", "bad", "✗ " + text, detail);
      $("pay-result").dataset.state = "failed";
      if (lastInvoice === invoice) setPayable(true); // refused by the node: may be tried again
    }
  } finally {
    status.hidden = true;
    status.textContent = "";
    $("pay-result").dataset.method = method;
  }
  if (client === c) { refreshBalance(); refreshHistory(); }
}

// ---------- receive ----------
async function createOffer() {
  clearError("receive-error");
  const amt = $("receive-amount").value.trim();
  try {
    const res = await client.call("offer", { amount: amt || "any", description: $("receive-desc").value.trim() || "demo" });
    $("offer-box").hidden = false;
    $("offer-box").dataset.offerId = res.offer_id || "";
    $("offer-text").textContent = res.bolt12;
    const qr = globalThis.qrcode(0, "M");
    qr.addData(res.bolt12.toUpperCase(), "Alphanumeric");
    qr.make();
    $("offer-qr").innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  } catch (e) {
    showError("receive-error", e);
  }
}

// ---------- incoming payments ----------
// The page waits with the node's `waitanyinvoice` (from the last pay_index it knows of) and
// shows each invoice paid as it arrives. The wait has a Commando connection of its own:
// Core Lightning answers one peer's Commando commands one after the other (measured on
// v26.06.6: a getinfo sent behind a pending waitanyinvoice on the same connection comes
// back only when the wait ends), so on the page's main connection it would hold up every
// other call. Disconnecting closes it, which rejects the pending call; the node's wait
// ends after WAIT_S seconds by itself.
let incomingToken = null;
let waiter = null; // the waiting connection (the last one, kept for bolt12wallet.waiter)
function setIncoming(state, text) {
  $("incoming").dataset.state = state;
  $("incoming-state").textContent = text;
}
function stopIncoming(state, text) {
  incomingToken = null;
  if (waiter) waiter.close();
  setIncoming(state, text);
}

async function watchIncoming(n, token, history) {
  if (!history || !history.invoices) {
    const why = history && history.invoicesError;
    setIncoming("unsupported", !why || why.rpcCode === -32601
      ? "This node does not report incoming payments (it has no listinvoices and waitanyinvoice)."
      : "Incoming payments cannot be shown: " + humanError(why)[0]);
    return;
  }
  const mine = {};
  incomingToken = mine;
  let last = history.invoices.reduce((m, i) => Math.max(m, Number(i.pay_index || 0)), 0);
  const live = () => incomingToken === mine && attempt === token;
  let c;
  try {
    c = await tk.Commando.connect({ nodeId: n.nodeId, rune: n.rune, ...target(n), ...RETRY, timeoutMs: (WAIT_S + 30) * 1000 });
  } catch (e) {
    if (live()) setIncoming("error", "Incoming payments cannot be shown: " + humanError(e)[0]);
    return;
  }
  if (!live()) { c.close(); return; }
  waiter = c;
  $("incoming").dataset.polls = "0";
  while (live()) {
    setIncoming("waiting", "Waiting for incoming payments (the node's waitanyinvoice)…");
    $("incoming").dataset.lastpayIndex = String(last);
    let inv;
    try {
      $("incoming").dataset.polls = String(Number($("incoming").dataset.polls) + 1);
      inv = await c.call("waitanyinvoice", { lastpay_index: last, timeout: WAIT_S });
    } catch (e) {
      if (!live()) return;
      if (e.rpcCode === 904) continue; // the node's wait timed out with nothing paid: ask again
      if (["TIMEOUT", "DISCONNECTED", "CONNECTION_CLOSED"].includes(e.code) && c.state !== "closed" && c.state !== "failed") {
        await sleep(1000); // the connection is coming back: ask again then
        continue;
      }
      const [text] = humanError(e);
      setIncoming(e.rpcCode === -32601 ? "unsupported" : "error", "Incoming payments cannot be shown: " + text);
      c.close();
      return;
    }
    if (!live()) return;
    last = Math.max(last, Number(inv.pay_index || 0));
    showArrival(inv);
    refreshBalance();
    refreshHistory();
  }
}

function showArrival(inv) {
  const li = document.createElement("li");
  const got = msatOf(inv.amount_received_msat ?? inv.amount_msat, "amount_received_msat");
  const forOffer = inv.local_offer_id && inv.local_offer_id === $("offer-box").dataset.offerId ? " for the offer above" : "";
  const what = inv.description ? ` “${inv.description}”` : "";
  const when = inv.paid_at ? new Date(inv.paid_at * 1000).toLocaleTimeString("en-GB") : "";
  li.textContent = `✓ Received ${amountText(got)}${forOffer}${what}${when ? " at " + when : ""}`;
  li.dataset.hash = inv.payment_hash || "";
  li.dataset.msat = String(got);
  li.dataset.label = inv.label || "";
  li.dataset.payIndex = String(inv.pay_index ?? "");
  $("incoming-list").prepend(li);
}

// ---------- history ----------
const HISTORY_ROWS = 50; // most recent shown of each list
function clearHistory() {
  for (const id of ["history-pays", "history-invoices"]) $(id).replaceChildren();
  for (const id of ["history-pays-empty", "history-invoices-empty"]) $(id).hidden = false;
}
function row(cells, attrs) {
  const tr = document.createElement("tr");
  for (const [k, v] of Object.entries(attrs)) tr.dataset[k] = v;
  for (const [cls, text] of cells) {
    const td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}
const timeText = (t) => (t ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) : "");

// Both lists from the node; resolves with what it got (`invoices` is needed to know where
// waitanyinvoice starts), showing a failure of either in plain words.
let historyRun = 0;
async function refreshHistory() {
  if (!client) return null;
  const c = client;
  const run = ++historyRun;
  const got = {};
  const problems = [];
  const notes = [];
  await Promise.all([["listpays", "pays"], ["listinvoices", "invoices"]].map(async ([method, key]) => {
    try {
      const r = await c.call(method);
      got[key] = Array.isArray(r[key]) ? r[key] : [];
    } catch (e) {
      got[key + "Error"] = e;
      if (e.rpcCode === -32601) notes.push(`This node has no ${method}: ${key === "pays" ? "payments it sent" : "invoices it issued"} cannot be shown.`);
      else problems.push(`${method}: ${humanError(e)[0]}`);
    }
  }));
  if (client !== c || run !== historyRun) return got;
  if (problems.length) {
    const el = $("history-error");
    el.hidden = false;
    el.textContent = problems.join(" ");
  } else clearError("history-error");
  $("history-note").hidden = notes.length === 0;
  $("history-note").textContent = notes.join(" ");
  try {
    showHistory(got);
  } catch (e) {
    showError("history-error", e);
  }
  return got;
}

function showHistory({ pays, invoices }) {
  if (pays) {
    const rows = pays.slice(-HISTORY_ROWS).reverse().map((p) => row([
      ["when", timeText(p.completed_at || p.created_at)],
      ["amount", p.amount_msat !== undefined ? amountText(msatOf(p.amount_msat, "amount_msat")) : ""],
      ["status", p.status || ""],
      ["what", [p.destination && p.destination.slice(0, 16) + "…", p.description, p.label].filter(Boolean).join(" · ")],
      ["hash", p.payment_hash || ""],
    ], { kind: "pay", status: p.status || "", hash: p.payment_hash || "" }));
    $("history-pays").replaceChildren(...rows);
    $("history-pays-empty").hidden = rows.length > 0;
  }
  if (invoices) {
    const rows = invoices.slice(-HISTORY_ROWS).reverse().map((i) => row([
      ["when", timeText(i.paid_at || i.expires_at) + (i.paid_at ? "" : " (expiry)")],
      ["amount", i.amount_received_msat !== undefined ? amountText(msatOf(i.amount_received_msat, "amount_received_msat"))
        : i.amount_msat !== undefined ? amountText(msatOf(i.amount_msat, "amount_msat")) : "any amount"],
      ["status", i.status || ""],
      ["what", [i.description, i.label].filter(Boolean).join(" · ")],
      ["hash", i.payment_hash || ""],
    ], { kind: "invoice", status: i.status || "", hash: i.payment_hash || "", label: i.label || "" }));
    $("history-invoices").replaceChildren(...rows);
    $("history-invoices-empty").hidden = rows.length > 0;
  }
}

// ---------- console ----------
async function runRpc() {
  const out = $("rpc-output");
  let params = {};
  const raw = $("rpc-params").value.trim();
  try {
    if (raw) params = JSON.parse(raw);
  } catch (e) {
    out.dataset.ok = "false";
    out.textContent = "Params are not valid JSON: " + e.message;
    return;
  }
  out.textContent = "…";
  try {
    const r = await client.call($("rpc-method").value.trim(), params);
    out.dataset.ok = "true";
    out.textContent = JSON.stringify(r, null, 2);
  } catch (e) {
    out.dataset.ok = "false";
    const [text] = humanError(e);
    out.textContent = text + "\n\n" + JSON.stringify({ code: e.code, rpcCode: e.rpcCode, message: e.message, data: e.data }, null, 2);
  }
}

// ---------- wiring ----------
$("connect-btn").onclick = connect;
$("disconnect-btn").onclick = disconnect;
$("demo-fill").onclick = () => fillDemo().catch((e) => showError("connect-error", e));
$("decode-btn").onclick = decodePaste;
$("request-btn").onclick = requestInvoice;
$("pay-btn").onclick = pay;
$("receive-btn").onclick = createOffer;
$("offer-copy").onclick = () => navigator.clipboard?.writeText($("offer-text").textContent);
$("offer-use").onclick = () => { $("request-offer").value = $("offer-text").textContent; $("request-offer").scrollIntoView(); };
$("rpc-btn").onclick = runRpc;
$("history-btn").onclick = () => refreshHistory();
$("ws-proxy").oninput = bridgeLabel;
// For tests and the devtools console: the calls in flight (the pending waitanyinvoice).
window.bolt12wallet = {
  get inFlight() { return client ? client.inFlight : 0; },
  get waiter() { return waiter && { inFlight: waiter.inFlight, state: waiter.state }; },
};
setStatus("disconnected");
setSimulated([]);
// Ready once the first fill is done: a late /demo-node.json answer would otherwise
// overwrite what was typed (or filled by a test) in the meantime.
const firstFill = loadSaved() ? Promise.resolve() : fillDemo().catch(() => {});
firstFill.finally(() => { document.body.dataset.ready = "true"; });
