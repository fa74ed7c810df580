// Run by commando-entry.test.mjs (keep-alive test) as its own Node process: a Commando
// client (reconnect: false) and an LnSocket to NODE_ID at URL (the test's TCP relay), both
// pinging every 100 ms and waiting 1500 ms for each pong (`pongTimeoutMs`). Prints "up" once both are connected, waits for "go" on stdin (the
// relay has stopped forwarding the node's side), then prints one JSON line with how the
// pending call and recv ended. It never closes them: the process must exit by itself once
// the pong timeout has ended both connections (no timer left running).
import { Commando, LnSocket } from "bolt12-toolkit/commando";

const { NODE_ID: nodeId, URL: url, RUNE: rune } = process.env;
const states = [];
const c = await Commando.connect({ nodeId, url, rune, reconnect: false, pingIntervalMs: 100, pongTimeoutMs: 1500, timeoutMs: 3600000, onState: (e) => states.push(e) });
await c.call("getinfo");
const s = await LnSocket.connect(nodeId, url, { pingIntervalMs: 100, pongTimeoutMs: 1500 });
process.stdout.write("up\n");
// The test gone (stdin closed without "go"): stop, or the pings would keep this process up.
const gone = () => process.exit(2);
process.stdin.once("end", gone);
await new Promise((r) => process.stdin.once("data", r));
process.stdin.off("end", gone);
process.stdin.destroy();
const why = (e) => ({ code: e.code, message: e.message });
const [call, recv] = await Promise.all([
  c.call("getinfo").then(() => null, (e) => ({ code: e.code })),
  s.recv().then(() => null, why),
]);
let after = null;
try { await s.send(1025, new Uint8Array(1)); } catch (e) { after = e.code; }
process.stdout.write(JSON.stringify({ call, recv, states, state: c.state, inFlight: c.inFlight, after }) + "\n");
