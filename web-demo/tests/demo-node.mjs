// Starts and stops the demo node (web-demo binary) for the tests, on loopback only.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";

const BIN = process.env.DEMO_NODE_BIN;
const running = new Set();

/** Stops every demo node this process started (for `after` hooks). */
export async function stopAll() {
  await Promise.all([...running].map((stop) => stop()));
}

/**
 * Starts the demo node and resolves with its DEMO_NODE_READY info plus `stop()`.
 * Options: `ws` (default 127.0.0.1:0), `http` (false for none, default 127.0.0.1:0),
 * `seed` (hex, default random).
 */
export function startNode({ ws = "127.0.0.1:0", http = "127.0.0.1:0", seed } = {}) {
  if (!BIN) throw new Error("DEMO_NODE_BIN is not set (run web-demo/tests/run.sh)");
  seed ??= randomBytes(32).toString("hex");
  const args = ["--ws", ws, "--seed", seed];
  if (http) args.push("--http", http); else args.push("--no-http");
  const child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  child.stderr.on("data", (d) => log.push(String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error("demo node did not start within 30 s:\n" + log.join(""))); }, 30000);
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`demo node exited with ${code}:\n${log.join("")}`)); });
    const rl = createInterface({ input: child.stdout });
    rl.on("line", (line) => {
      if (!line.startsWith("DEMO_NODE_READY ")) return;
      clearTimeout(timer);
      const info = JSON.parse(line.slice("DEMO_NODE_READY ".length));
      const stop = () => new Promise((done) => {
        running.delete(stop);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.removeAllListeners("exit");
        child.on("exit", () => done());
        child.kill("SIGKILL");
      });
      running.add(stop);
      resolve({ ...info, seed, stop, log, port: Number(new URL(info.ws_url).port) });
    });
  });
}
