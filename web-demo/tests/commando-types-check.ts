// Compiled with `tsc --noEmit --strict` by commando-entry.test.mjs: the commando entry's
// declarations describe what a Commando page uses, and nothing from BOLT 12.
import init, {
  initSync, Commando, LnSocket, decodeRune, attenuateRune, version,
  type RuneDecoded, type ToolkitError, type ErrorCode, type ConnectionStateEvent, type LnMessage, type InitInput,
} from "bolt12-toolkit/commando";
import * as cmd from "bolt12-toolkit/commando";

const src: InitInput = new URL("https://example.invalid/x.wasm");
const r: RuneDecoded = decodeRune("rune");
const weaker: string = attenuateRune("rune", "method=getinfo");
const v: string = version();
async function use(): Promise<void> {
  await init();
  const c: Commando = await Commando.connect({
    nodeId: "02..", url: "ws://127.0.0.1:1", rune: weaker, timeoutMs: 1000, pingIntervalMs: 5000, pongTimeoutMs: 2000, maxReplyBytes: 1 << 20,
    onState: (e: ConnectionStateEvent) => { const code: ErrorCode | undefined = e.code; void code; },
  });
  const info: unknown = await c.call("getinfo", {}, { rune: weaker, timeoutMs: 5 });
  const s: LnSocket = await LnSocket.connect("02..", "ws://127.0.0.1:1", { timeoutMs: 1000, pingIntervalMs: 0, pongTimeoutMs: 2000 });
  const m: LnMessage = await s.recv();
  const t: number = m.type;
  try { decodeRune("x"); } catch (e) { const err = e as ToolkitError; const code: ErrorCode = err.code; void code; }
  void [info, t, r.valid, src, initSync];
}
// @ts-expect-error: maxReplyBytes is a number of bytes
void Commando.connect({ nodeId: "02..", url: "ws://127.0.0.1:1", maxReplyBytes: "1MB" });
// @ts-expect-error: the commando entry has no BOLT 12 decode
cmd.decode("lno1...");
void [v, use];
