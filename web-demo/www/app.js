// The demo wallet: everything runs in this page (WebAssembly from ../wasm, the npm package).
const $ = (id) => document.getElementById(id);
const STORE = "bolt12-demo:connection";

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
    case "HANDSHAKE_FAILED":
      return ["The Lightning handshake failed: the node id does not match the node at that URL (or it is not a Lightning node).", msg];
    case "BAD_ADDRESS":
      return ["Invalid node id or URL: a node id is 66 hex characters; the URL starts with ws:// or wss://.", msg];
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
      return ["The node returned an error (" + e.rpcCode + "): " + msg, ""];
    case "BAD_ARGUMENT":
      return ["Invalid input: " + msg, ""];
    default:
      return [msg, code ? "code " + code : ""];
  }
}

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
  for (const id of ["request-btn", "receive-btn", "rpc-btn"]) $(id).disabled = !up;
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

function verdict(id, cls, text) {
  const el = $(id);
  el.hidden = false;
  el.className = "verdict " + cls;
  el.textContent = text;
}

function setSimulated(list) {
  simulated = new Set(Array.isArray(list) ? list : []);
  $("balance-sim").hidden = !simulated.has("listfunds");
  $("pay-btn").textContent = simulated.has("pay") ? "Pay (simulated)" : "Pay";
  $("sim-note").hidden = simulated.size === 0;
  document.body.dataset.node = client ? (simulated.size ? "demo" : "real") : "";
}

// ---------- connect ----------
function loadSaved() {
  try {
    const s = JSON.parse(localStorage.getItem(STORE) || "null");
    if (s) { $("node-id").value = s.nodeId || ""; $("ws-url").value = s.url || ""; $("rune").value = s.rune || ""; }
    return !!s;
  } catch { return false; }
}

async function fillDemo() {
  const r = await fetch("/demo-node.json");
  if (!r.ok) throw new Error("this page is not served by the demo node");
  const d = await r.json();
  $("node-id").value = d.node_id; $("ws-url").value = d.ws_url; $("rune").value = d.rune;
}

async function connect() {
  clearError("connect-error");
  const opts = { nodeId: $("node-id").value.trim(), url: $("ws-url").value.trim(), rune: $("rune").value.trim() };
  localStorage.setItem(STORE, JSON.stringify(opts));
  if (client) { client.close(); client = null; }
  closeSock();
  node = null;
  setSimulated([]);
  // What the page shows from the previous node (offer made, invoice fetched) is not this node's.
  for (const id of ["offer-box", "invoice-box", "pay-result"]) $(id).hidden = true;
  for (const id of ["info-error", "request-error", "receive-error"]) clearError(id);
  const token = {};
  attempt = token;
  setStatus("connecting");
  try {
    const c = await tk.Commando.connect({
      ...opts,
      timeoutMs: 20000,
      connectTimeoutMs: 8000,
      reconnect: true,
      reconnectAttempts: 60,
      reconnectDelayMs: 1000,
      onState: (ev) => {
        if (attempt !== token) return;
        if (ev.state === "retrying") setStatus("retrying", `reconnect attempt ${ev.attempt - 1}`);
        else if (ev.state === "connected") { setStatus("connected"); if (ev.attempt > 1) refreshInfo(); }
        else if (ev.state === "failed") { setStatus("failed"); showError("connect-error", { code: "NODE_UNREACHABLE", message: ev.error || "connection lost" }); }
      },
    });
    if (attempt !== token) { c.close(); return; }
    client = c;
    node = { nodeId: opts.nodeId, url: opts.url };
    setStatus("connected");
    await refreshInfo(true);
  } catch (e) {
    if (attempt !== token) return;
    setStatus("failed");
    showError("connect-error", e);
  }
}

function disconnect() {
  attempt = null;
  if (client) client.close();
  client = null;
  closeSock();
  node = null;
  setSimulated([]);
  setStatus("disconnected");
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
    });
    try {
      const funds = await client.call("listfunds");
      const msat = (funds.channels || []).reduce((a, ch) => a + Number(ch.our_amount_msat || 0), 0);
      $("balance").textContent = Math.floor(msat / 1000).toLocaleString("en-US");
    } catch (e) {
      $("balance").textContent = "–";
      showError("info-error", e);
    }
  } catch (e) {
    showError(fromConnect ? "connect-error" : "info-error", e);
  }
}

// ---------- decode ----------
function decodePaste() {
  const input = $("decode-input").value.trim();
  const proof = $("lnap-input").value.trim();
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
    try {
      const r = d.type === "bolt12 offer" ? tk.lnapCheckOffer(proof, input) : tk.lnapVerify(proof);
      verdict("lnap-verdict", r.verdict === "verified" ? "ok" : "bad", `Vendor proof (${r.vendor}): ${r.verdict} — ${r.detail}`);
    } catch (e) {
      verdict("lnap-verdict", "bad", "Vendor proof: " + humanError(e)[0] + " " + e.message);
    }
  }
}

// ---------- request an invoice ----------
let lastInvoice = null;
async function requestInvoice() {
  clearError("request-error");
  $("invoice-box").hidden = true;
  $("pay-result").hidden = true;
  const offer = $("request-offer").value.trim();
  $("request-btn").disabled = true;
  try {
    tk.decode(offer); // a person gets "not a BOLT 12 string" before any network round trip
    const amt = $("request-amount").value.trim();
    const how = $("request-how").value;
    let invoice, route;
    if (how === "native") {
      const res = await fetchNatively(offer, amt);
      invoice = res.invoice;
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
    fields($("invoice-fields"), {
      amount_msat: check.amountMsat, node_id: check.nodeId, payment_hash: check.paymentHash,
      offer_id: check.offerId, expires_at: new Date(check.expiresAt * 1000).toISOString(),
      description: check.decoded.offer_description,
    });
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
  if (!sock) sock = await tk.LnSocket.connect(node.nodeId, node.url, { timeoutMs: 8000 });
  try {
    return await sock.fetchInvoice(offer, options);
  } catch (e) {
    if (e.code === "DISCONNECTED" || e.code === "CONNECTION_CLOSED") closeSock();
    throw e;
  }
}

async function pay() {
  try {
    const r = await client.call("pay", { bolt11: lastInvoice });
    const sim = simulated.has("pay") ? " (SIMULATED by the demo node)" : "";
    verdict("pay-result", "ok", `✓ Paid ${r.amount_msat} msat${sim} — preimage ${r.payment_preimage}`);
    refreshInfo();
  } catch (e) {
    verdict("pay-result", "bad", "✗ " + humanError(e)[0]);
  }
}

// ---------- receive ----------
async function createOffer() {
  clearError("receive-error");
  const amt = $("receive-amount").value.trim();
  try {
    const res = await client.call("offer", { amount: amt || "any", description: $("receive-desc").value.trim() || "demo" });
    $("offer-box").hidden = false;
    $("offer-text").textContent = res.bolt12;
    const qr = globalThis.qrcode(0, "M");
    qr.addData(res.bolt12.toUpperCase(), "Alphanumeric");
    qr.make();
    $("offer-qr").innerHTML = qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true });
  } catch (e) {
    showError("receive-error", e);
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
setStatus("disconnected");
setSimulated([]);
// Ready once the first fill is done: a late /demo-node.json answer would otherwise
// overwrite what was typed (or filled by a test) in the meantime.
const firstFill = loadSaved() ? Promise.resolve() : fillDemo().catch(() => {});
firstFill.finally(() => { document.body.dataset.ready = "true"; });
