// fetchinvoice round trip against local Core Lightning regtest nodes, from the page and
// from the command line, side by side in the same run (BENCHMARKS.md, "fetchinvoice round
// trip"). One command:
//
//   node web-demo/bench/fetchinvoice.mjs [N, default 20]
//
// (after web-demo/tests/run.sh has installed the npm package in web-demo/node_modules; it
// builds cln-nodes and the release `bolt12` itself). Two nodes A and B, connected
// (cln-nodes --nodes 2 --websocket --connect); A's offer and B's offer, each fetched N
// times every way, interleaved, every fetch >= 300 ms after the previous one (Core
// Lightning's onion-message rate limit: a bucket of 4 per peer, one more every 250 ms):
//   page, open connection:  in Chromium (playwright-core), the npm package's
//                           LnSocket.fetchInvoice on one LnSocket to A over ws:// (time in
//                           the page, performance.now());
//   page, new connection:   the package's fetchInvoice(offer, { via: A }): connect (ws,
//                           BOLT 8, init), fetch, close;
//   bolt12 fetchinvoice:    the CLI (release), a new process and connection to A each time;
//   lightning-cli:          `lightning-cli fetchinvoice` on B for A's offer (B -> A
//                           directly) and on A for B's offer (A -> B), the nodes'
//                           connection already up.
// The two process rows are timed from Node around the child process (its start included).
// Prints the median and p90 of each (ms) and the raw times; exits 1 if any fetch fails.
import { execFileSync, execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { homedir } from "node:os";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";

const N = Number(process.argv[2] || 20);
const PACE_MS = 300;
const root = fileURLToPath(new URL("../../", import.meta.url));
const target = process.env.CARGO_TARGET_DIR || `${root}target`;
process.env.CLN_PREFIX ||= `${homedir()}/.cache/bolt12-toolkit/cln-v26.06.6`;
execFileSync("cargo", ["build", "-q", "-p", "cln-interop", "--bin", "cln-nodes"], { cwd: root, stdio: "inherit" });
execFileSync("cargo", ["build", "-q", "--release", "-p", "bolt12-cli"], { cwd: root, stdio: "inherit" });
process.env.CLN_NODES_BIN ||= `${target}/debug/cln-nodes`;
const BOLT12 = `${target}/release/bolt12`;
const LCLI = `${process.env.CLN_PREFIX}/bin/lightning-cli`;
// Imported after CLN_NODES_BIN is set: cln-nodes.mjs reads it when loaded.
const { startClnNodes, lightningCli } = await import("../tests/cln-nodes.mjs");
const { startStaticServer } = await import("../tests/static-server.mjs");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function timed(file, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    execFile(file, args, { timeout: 60000 }, (err, stdout, stderr) => {
      const ms = performance.now() - t0;
      if (err) return reject(new Error(`${file} ${args[0]}: ${stderr || stdout || err.message}`));
      const out = JSON.parse(stdout);
      if (!String(out.invoice).startsWith("lni1")) return reject(new Error(`${file}: no invoice: ${stdout}`));
      resolve(ms);
    });
  });
}
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: +median.toFixed(1), p90: +q(0.9).toFixed(1) };
}

let cln, web, browser;
try {
  web = await startStaticServer();
  cln = await startClnNodes(2);
  const [a, b] = cln.nodes;
  const offers = {
    "A's offer (direct to A)": { lno: (await lightningCli(a.rpc, "offer", { amount: "1000msat", description: "bench-a" })).bolt12, cliNode: b },
    "B's offer (through A)": { lno: (await lightningCli(b.rpc, "offer", { amount: "1000msat", description: "bench-b" })).bolt12, cliNode: a },
  };
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const page = await (await browser.newContext()).newPage();
  await page.goto(web.url + "blank.html");
  await page.evaluate(async ({ a }) => {
    const tk = await import("/pkg/index.js");
    window.tk = tk;
    window.sock = await tk.LnSocket.connect(a.id, a.ws, { timeoutMs: 20000 });
  }, { a });
  const pageFetch = (lno, fresh) => page.evaluate(async ({ lno, fresh, a }) => {
    const t0 = performance.now();
    const f = fresh
      ? await window.tk.fetchInvoice(lno, { via: { nodeId: a.id, url: a.ws }, timeoutMs: 20000 })
      : await window.sock.fetchInvoice(lno, { timeoutMs: 20000 });
    const ms = performance.now() - t0;
    if (!f.invoice.startsWith("lni1")) throw new Error("no invoice");
    return ms;
  }, { lno, fresh, a });
  const ways = {
    "page, open connection (LnSocket.fetchInvoice)": (o) => pageFetch(o.lno, false),
    "page, new connection (fetchInvoice({via}))": (o) => pageFetch(o.lno, true),
    "bolt12 fetchinvoice --via A (CLI, release)": (o) => timed(BOLT12, ["fetchinvoice", o.lno, "--via", `${a.id}@${a.tcp}`, "--timeout", "20"]),
    "lightning-cli fetchinvoice": (o) => timed(LCLI, [`--rpc-file=${o.cliNode.rpc}`, "fetchinvoice", o.lno]),
  };
  const times = {};
  // One untimed round first (routes learnt, caches and the page's JIT warm).
  for (const round of [-1, ...Array(N).keys()]) {
    for (const [oname, o] of Object.entries(offers)) {
      for (const [wname, way] of Object.entries(ways)) {
        await sleep(PACE_MS);
        const ms = await way(o);
        if (round >= 0) ((times[oname] ??= {})[wname] ??= []).push(ms);
      }
    }
  }
  const load = (await import("node:os")).loadavg().map((l) => l.toFixed(1)).join(" ");
  console.log(`fetches per row: ${N}; paced ${PACE_MS} ms; chromium ${browser.version()}; node ${process.version}; load ${load}`);
  const rows = [];
  for (const [oname, ws] of Object.entries(times)) {
    for (const [wname, xs] of Object.entries(ws)) rows.push({ offer: oname, way: wname, ...stats(xs) });
  }
  console.table(rows);
  for (const [oname, ws] of Object.entries(times)) {
    for (const [wname, xs] of Object.entries(ws)) console.log(`${oname} | ${wname} (ms): ${xs.map((x) => x.toFixed(1)).join(" ")}`);
  }
  await page.evaluate(() => window.sock.close());
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await cln?.stop();
  await web?.close();
}
