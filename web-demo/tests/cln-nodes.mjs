// Starts Core Lightning regtest nodes for the browser tests with the interop harness
// binary (`cln-nodes`, crate cln-interop), on loopback, and stops them by pid; runs
// lightning-cli against a node's RPC socket.
import { spawn, execFile } from "node:child_process";
import { createInterface } from "node:readline";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = process.env.CLN_NODES_BIN;
const PREFIX = process.env.CLN_PREFIX || `${homedir()}/.cache/bolt12-toolkit/cln-v26.06.6`;
const START_LIMIT_MS = 240000; // bound on starting the nodes (bitcoin backend, lightningd x N)
const STOP_LIMIT_MS = 60000;

const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitGone(pid, ms) {
  for (let t = 0; t < ms && alive(pid); t += 100) await sleep(100);
  return !alive(pid);
}

/**
 * Starts `cln-nodes --nodes N --websocket --connect` and resolves with
 * `{ nodes: [{id, ws, rpc, rune, readonly_rune, pid, ...}], stop() }`.
 * `options.websocket: false` starts nodes without a WebSocket port (`ws` is null),
 * `options.connect: false` leaves them unconnected; both default to true.
 * `stop()` closes cln-nodes' stdin (it then stops the nodes), waits for it to exit, and
 * kills by pid whatever is still running (cln-nodes, then each lightningd).
 */
export function startClnNodes(count = 2, { websocket = true, connect = true } = {}) {
  if (!BIN) throw new Error("CLN_NODES_BIN is not set (run web-demo/tests/run.sh)");
  const flags = [...(websocket ? ["--websocket"] : []), ...(connect ? ["--connect"] : [])];
  const child = spawn(BIN, ["--nodes", String(count), ...flags], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, CLN_PREFIX: PREFIX },
  });
  const log = [];
  child.stderr.on("data", (d) => log.push(String(d)));
  let nodes = [];
  let stopped = null;
  const stop = () => (stopped ??= (async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const exited = new Promise((r) => child.once("exit", r));
      const late = await Promise.race([exited.then(() => false), sleep(STOP_LIMIT_MS).then(() => true)]);
      if (late) { child.kill("SIGKILL"); await exited; }
    }
    for (const n of nodes) {
      if (!n.pid || !alive(n.pid)) continue;
      process.kill(n.pid, "SIGTERM");
      if (!(await waitGone(n.pid, 15000))) process.kill(n.pid, "SIGKILL");
    }
  })());
  // Last resort if the test process exits without running its `after` hooks.
  const onExit = () => {
    try { child.kill("SIGKILL"); } catch {}
    for (const n of nodes) if (n.pid && alive(n.pid)) try { process.kill(n.pid, "SIGKILL"); } catch {}
  };
  process.on("exit", onExit);
  return new Promise((resolve, reject) => {
    const fail = (why) => { stop(); reject(new Error(`cln-nodes: ${why}\n${log.join("")}`)); };
    const timer = setTimeout(() => fail(`no node description within ${START_LIMIT_MS / 1000} s`), START_LIMIT_MS);
    child.once("exit", (code) => { clearTimeout(timer); if (!nodes.length) fail(`exited with ${code} before describing its nodes`); });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      try {
        nodes = JSON.parse(line).nodes;
      } catch (e) {
        return fail(`not the JSON line expected: ${line}`);
      }
      resolve({ nodes, stop, log });
    });
  });
}

/** `lightning-cli --rpc-file=<rpc> <method> key=value...`, parsed JSON (rejects with its stderr). */
export function lightningCli(rpc, method, params = {}) {
  const args = [`--rpc-file=${rpc}`, method, ...Object.entries(params).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    execFile(`${PREFIX}/bin/lightning-cli`, args, { timeout: 60000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`lightning-cli ${method} failed: ${stderr || stdout || err.message}`));
      resolve(JSON.parse(stdout));
    });
  });
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The `bolt12` CLI: `BOLT12_BIN`, or `$CARGO_TARGET_DIR/debug/bolt12` (`cargo build -p bolt12-cli`). */
export const BOLT12_BIN = process.env.BOLT12_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "debug", "bolt12");

/**
 * Starts `bolt12 proxy --listen 127.0.0.1:0 ...args` (the WebSocket-to-TCP bridge) and
 * resolves with `{ url: "ws://127.0.0.1:port", pid, log: [stderr lines], stop() }` once it
 * says where it listens. `stop()` sends SIGTERM to its pid (SIGKILL if it is still there
 * after 10 s) and waits for it to exit.
 */
export function startProxy(args) {
  const child = spawn(BOLT12_BIN, ["proxy", "--listen", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  createInterface({ input: child.stderr }).on("line", (l) => log.push(l));
  let stopped = null;
  const stop = () => (stopped ??= (async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid, "SIGTERM");
    if (await Promise.race([exited.then(() => false), sleep(10000).then(() => true)])) {
      process.kill(child.pid, "SIGKILL");
      await exited;
    }
  })());
  const onExit = () => { try { process.kill(child.pid, "SIGKILL"); } catch {} };
  process.on("exit", onExit);
  return new Promise((resolve, reject) => {
    const fail = (why) => { stop(); reject(new Error(`bolt12 proxy (${BOLT12_BIN}): ${why}\n${log.join("\n")}`)); };
    const timer = setTimeout(() => fail("did not say where it listens within 30 s"), 30000);
    child.once("error", (e) => { clearTimeout(timer); fail(e.message); });
    child.once("exit", (code) => { clearTimeout(timer); fail(`exited with ${code}`); });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const m = /^listening on (wss?:\/\/\S+)$/.exec(line);
      if (!m) return fail(`unexpected first line: ${line}`);
      child.removeAllListeners("exit");
      resolve({ url: m[1], pid: child.pid, log, stop });
    });
  });
}
