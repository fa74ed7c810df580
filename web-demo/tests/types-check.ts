// Compiled with `tsc --noEmit --strict` by types.test.mjs: the package's declarations
// must describe what the tests and the page use.
import {
  decode, validate, createInvoiceRequest, checkInvoice, decodeRune, attenuateRune,
  lnapDecode, lnapVerify, lnapCheckOffer, loadLnap, Commando, LnSocket, version,
  type Bolt12Decoded, type Bolt12Validation, type InvoiceCheck, type CreatedInvoiceRequest,
  type RuneDecoded, type LnapReport, type ToolkitError, type ErrorCode, type ConnectionStateEvent,
  type LnMessage, fetchInvoice, type FetchedInvoice, type FetchRouteKind,
  type CommandoOptions, type LnSocketOptions,
  verifyBip353, type Bip353Resolved,
} from "bolt12-toolkit";
import init, { initSync, type InitInput } from "bolt12-toolkit";
import * as lite from "bolt12-toolkit/lite";
import * as decodeOnly from "bolt12-toolkit/decode";

const d: Bolt12Decoded = decode("lno1...");
const valid: boolean = d.valid;
const v: Bolt12Validation = validate("x", 1700000000);
const code: ErrorCode | undefined = v.code;
const req: CreatedInvoiceRequest = createInvoiceRequest("lno1...", { amountMsat: 1000n, payerNote: "hi" });
const check: InvoiceCheck = checkInvoice("lni1...", { offer: "lno1...", now: 1 });
const r: RuneDecoded = decodeRune(attenuateRune("rune", "method=getinfo"));
const rep: LnapReport = lnapCheckOffer(lnapDecode("lnap1...").type, "lno1...");
const verdict: "verified" | "not_covered" | "mismatch" | "expired" | "untrusted" = lnapVerify("p").verdict;
const s: string = version();
const b: Bip353Resolved = verifyBip353("₿matt@mattcorallo.com", new Uint8Array([0]), { at: 1786000000 });
const bOffer: string | null = verifyBip353("matt@mattcorallo.com", "00").offer;
const bCode: ErrorCode = "BIP353_EXPIRED";
void [b, bOffer, bCode];

async function use(): Promise<void> {
  // Browsers: load the WebAssembly module first (Node: resolves at once).
  await init();
  const src: InitInput = new URL("https://example.com/x.wasm");
  await init(src);
  await init({ module_or_path: new Uint8Array([0]) });
  initSync(new Uint8Array([0]));
  await lite.init();
  await decodeOnly.default();
  const loadCodes: ErrorCode[] = ["NOT_INITIALIZED", "WASM_LOAD_FAILED", "LNAP_NOT_LOADED"];
  // lnap's module, fetched on first use (browsers); then its functions are synchronous.
  const lnapLoaded: Promise<void> = loadLnap();
  await lnapLoaded;
  await loadLnap(new URL("https://example.com/lnap.wasm"));
  await loadLnap({ module_or_path: new Uint8Array([0]) });
  const lrep: LnapReport = lnapVerify("lnap1...", 1700000000);
  void [loadCodes, lrep];
  const c: Commando = await Commando.connect({
    nodeId: "02..", url: "ws://127.0.0.1:1", rune: "r",
    onState: (e: ConnectionStateEvent) => { const st: string = e.state; void st; },
  });
  const info: unknown = await c.call("getinfo", {}, { timeoutMs: 1000 });
  c.close();
  const sockOpts: LnSocketOptions = { timeoutMs: 1000, pingIntervalMs: 0, pongTimeoutMs: 2000 };
  const sock: LnSocket = await LnSocket.connect("02..", "ws://127.0.0.1:1", sockOpts);
  const cOpts: CommandoOptions = { nodeId: "02..", url: "ws://127.0.0.1:1", pingIntervalMs: 100, pongTimeoutMs: 1500, maxReplyBytes: 1 << 20 };
  // @ts-expect-error: maxReplyBytes is a number of bytes
  const badCap: CommandoOptions = { nodeId: "02..", maxReplyBytes: "1 MiB" };
  void [cOpts, badCap];
  await sock.send(32769, new Uint8Array([1]));
  const m: LnMessage = await sock.recv();
  const t: number = m.type;
  const f: FetchedInvoice = await sock.fetchInvoice("lno1...", { amountMsat: 1000n, quantity: 1, payerNote: "hi", timeoutMs: 5000 });
  const kind: FetchRouteKind = f.routeKind;
  const checks: string[] = f.checks;
  const fd: Bolt12Decoded = f.decoded;
  const g: FetchedInvoice = await fetchInvoice("lno1...", { via: { nodeId: "02..", url: "ws://127.0.0.1:1" }, amountMsat: "1000", connectTimeoutMs: 1000 });
  const lf: Promise<FetchedInvoice> = lite.fetchInvoice("lno1...", { via: { nodeId: "02..", url: "ws://127.0.0.1:1" } });
  // Through a WebSocket proxy (lnmessage's scheme) instead of `url`.
  const pc: Commando = await Commando.connect({ nodeId: "02..", wsProxy: "wss://proxy.example", address: "203.0.113.1:9735", rune: "r" });
  const ps: LnSocket = await LnSocket.connect("02..", null, { wsProxy: "wss://proxy.example", address: "203.0.113.1:9735" });
  const pf: Promise<FetchedInvoice> = fetchInvoice("lno1...", { via: { nodeId: "02..", wsProxy: "wss://proxy.example", address: "203.0.113.1" } });
  const conflict: ErrorCode[] = ["ADDRESS_CONFLICT", "ADDRESS_MISSING"];
  void [pc, ps, pf, conflict];
  try { await g.invoice; } catch (e) { const err = e as ToolkitError; const ef: number | undefined = err.erroneousField; const c3: ErrorCode = "INVOICE_ERROR"; void ef; void c3; }
  void [kind, checks, fd, lf, f.route, f.invoiceRequest, f.pathIndex, f.droppedMessages];
  try { decode("x"); } catch (e) { const err = e as ToolkitError; const c2: ErrorCode = err.code; void c2; }
  void info; void t;
  const lc: lite.Commando | undefined = undefined;
  const dd: Bolt12Decoded = decodeOnly.decode("lno1");
  void lc; void dd;
}
void [d, valid, code, req, check, r, rep, verdict, s, use];
