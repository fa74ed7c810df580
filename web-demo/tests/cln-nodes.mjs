// Starts Core Lightning regtest nodes for the browser tests with the interop harness
// binary (`cln-nodes`, crate cln-interop), on loopback, and stops them by pid; runs
// lightning-cli against a node's RPC socket.
import { spawn, execFile } from "node:child_process";
import { createInterface } from "node:readline";
import { homedir } from "node:os";

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
 * `stop()` closes cln-nodes' stdin (it then stops the nodes), waits for it to exit, and
 * kills by pid whatever is still running (cln-nodes, then each lightningd).
 */
export function startClnNodes(count = 2) {
  if (!BIN) throw new Error("CLN_NODES_BIN is not set (run web-demo/tests/run.sh)");
  const child = spawn(BIN, ["--nodes", String(count), "--websocket", "--connect"], {
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
