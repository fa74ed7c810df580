// Decode speed, same strings, same run: bolt12-toolkit's decode() (the full Core Lightning
// decode object) against boltz-bolt12 (LDK in WASM: new Offer() + five getters + free()),
// on a mixed set of offers made by Core Lightning (bolt12/tests/data/cln-v26.06.6-decode.json)
// and by LDK (web-demo/bench/ldk-offers.json), those both libraries accept. In Node, and in
// Chromium (Debian's, through playwright-core) unless --node-only. --compare DIR adds a
// second bolt12-toolkit package (e.g. the one before a change) to the same run, measured
// interleaved with the others. --best N: best of N interleaved rounds (default 3; more on
// a busy machine).
//   node web-demo/bench/decode.mjs [--node-only] [--toolkit DIR] [--compare DIR] [--best N]
// (after web-demo/tests/run.sh, which installs both packages in web-demo/node_modules)
import { readFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join, normalize, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const require = createRequire(join(ROOT, "web-demo", "package.json"));
const argv = process.argv.slice(2);
const TOOLKIT = argv.includes("--toolkit") ? argv[argv.indexOf("--toolkit") + 1] : dirname(require.resolve("bolt12-toolkit/package.json"));
const COMPARE = argv.includes("--compare") ? argv[argv.indexOf("--compare") + 1] : null;
const BEST = argv.includes("--best") ? Number(argv[argv.indexOf("--best") + 1]) : 3;
const BOLTZ = dirname(require.resolve("boltz-bolt12/package.json"));

const cln = JSON.parse(readFileSync(join(ROOT, "bolt12", "tests", "data", "cln-v26.06.6-decode.json"), "utf8")).cases
  .filter((c) => c.cln.object && c.cln.object.valid === true && c.string.startsWith("lno")).map((c) => c.string);
const ldk = JSON.parse(readFileSync(join(HERE, "ldk-offers.json"), "utf8")).offers;

// The benchmark itself, run in Node and (as source text) in the page.
async function run({ tk, tk2, bg, cln, ldk, best }) {
  const accepted = (s) => { try { tk.decode(s); if (tk2) tk2.decode(s); new bg.Offer(s).free(); return true; } catch { return false; } };
  const set = [...cln, ...ldk].filter(accepted);
  const bench = (fn) => {
    for (let i = 0; i < 30; i++) for (const s of set) fn(s); // warm-up
    const rounds = 200;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) for (const s of set) fn(s);
    return (performance.now() - t0) * 1000 / (rounds * set.length);
  };
  const ours = [], theirs = [], compared = [];
  for (let k = 0; k < best; k++) { // interleaved, best of `best`
    ours.push(bench((s) => tk.decode(s)));
    theirs.push(bench((s) => { const o = new bg.Offer(s); void o.id; void o.description; void o.amount; void o.issuer; void o.signing_pubkey; o.free(); }));
    if (tk2) compared.push(bench((s) => tk2.decode(s)));
  }
  return { offers: set.length, cln: cln.filter(accepted).length, ldk: ldk.filter(accepted).length, toolkit_us: Math.min(...ours), boltz_us: Math.min(...theirs), compare_us: tk2 ? Math.min(...compared) : null };
}

function report(where, r) {
  console.log(`${where}: ${r.offers} offers accepted by both (${r.cln} by Core Lightning, ${r.ldk} by LDK); best of ${BEST}, µs per offer`);
  const rows = [
    { library: "bolt12-toolkit decode() -> full CLN decode object", us_per_offer: +r.toolkit_us.toFixed(2), speedup_vs_boltz: +(r.boltz_us / r.toolkit_us).toFixed(2) },
    { library: "boltz-bolt12 new Offer() + id/description/amount/issuer/signing_pubkey + free()", us_per_offer: +r.boltz_us.toFixed(2), speedup_vs_boltz: 1 },
  ];
  if (r.compare_us !== null) rows.push({ library: `bolt12-toolkit decode(), --compare ${COMPARE}`, us_per_offer: +r.compare_us.toFixed(2), speedup_vs_boltz: +(r.boltz_us / r.compare_us).toFixed(2) });
  console.table(rows);
}

// Node: the package's Node entry; boltz-bolt12 (built for bundlers) instantiated by hand.
const tk = await import(pathToFileURL(join(TOOLKIT, "node.js")).href);
const tk2 = COMPARE ? await import(pathToFileURL(join(COMPARE, "node.js")).href) : null;
const bg = await import(pathToFileURL(join(BOLTZ, "boltz_bolt12_bg.js")).href);
const { instance } = await WebAssembly.instantiate(readFileSync(join(BOLTZ, "boltz_bolt12_bg.wasm")), { "./boltz_bolt12_bg.js": bg });
bg.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();
report(`Node ${process.version}`, await run({ tk, tk2, bg, cln, ldk, best: BEST }));

if (!argv.includes("--node-only")) {
  const pw = await import(pathToFileURL(require.resolve("playwright-core")).href);
  const chromium = pw.chromium ?? pw.default.chromium;
  const roots = { "/pkg/": TOOLKIT, "/boltz/": BOLTZ, ...(COMPARE ? { "/compare/": COMPARE } : {}) };
  const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/") { res.writeHead(200, { "content-type": "text/html" }); return res.end("<!doctype html><title>decode bench</title>"); }
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const file = prefix && normalize(join(roots[prefix], path.slice(prefix.length)));
    if (!file || !file.startsWith(roots[prefix] + sep) || !existsSync(file)) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { "content-type": types[file.slice(file.lastIndexOf("."))] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage();
    await page.goto(base);
    const r = await page.evaluate(async ({ src, cln, ldk, compare, best }) => {
      const tk = await import("/pkg/index.js");
      await tk.init();
      const tk2 = compare ? await import("/compare/index.js") : null;
      if (tk2) await tk2.init();
      const bg = await import("/boltz/boltz_bolt12_bg.js");
      const { instance } = await WebAssembly.instantiateStreaming(fetch("/boltz/boltz_bolt12_bg.wasm"), { "./boltz_bolt12_bg.js": bg });
      bg.__wbg_set_wasm(instance.exports);
      instance.exports.__wbindgen_start?.();
      const run = (0, eval)(`(${src})`);
      return run({ tk, tk2, bg, cln, ldk, best });
    }, { src: run.toString(), cln, ldk, compare: !!COMPARE, best: BEST });
    report(`Chromium ${browser.version()}`, r);
  } finally {
    await browser.close();
    server.close();
  }
}
