// Side-by-side benchmark (not a CI test): bolt12-toolkit against lnmessage 0.2.7, lnsocket
// 0.3.3 (npm, jb55's C lnsocket in wasm) and boltz-bolt12 0.2.0 (LDK in wasm), in one run,
// against one Core Lightning v26.06.6 regtest node on loopback (interop harness, cln-nodes).
//
//   node web-demo/bench/sidebyside/run.mjs
//
// It installs the anchors itself (`npm ci` from package-lock.json) when they are missing or
// the lock changed. CLN_NODES_BIN defaults to target/debug/cln-nodes (cargo build -p
// cln-interop --bins), CLN_PREFIX to ~/.cache/bolt12-toolkit/cln-v26.06.6
// (interop/build-cln.sh).
//
// bolt12-toolkit is the one installed in web-demo/node_modules (web-demo/tests/run.sh puts
// it there), or `--toolkit DIR` (a built package folder, e.g. wasm/pkg). Each client runs in
// its own Node process (so RSS is its own): time to the first result (connect, BOLT 8
// handshake, init, getinfo), 200 sequential getinfo, 20 concurrent, a reply over 200 kB
// (listdatastore of two 120 kB entries), a 120 kB request (datastore), RSS after the 200
// calls; then bundle sizes (esbuild, minified, gzip -9, from web-demo/tests/bundler's
// node_modules when installed) and decode speed against boltz-bolt12 on a mixed set of
// Core-Lightning-made (bolt12/tests/data/cln-v26.06.6-decode.json) and LDK-made
// (web-demo/bench/ldk-offers.json) offers. Prints Markdown tables. `--only "<client>"` runs
// one client (names as in CLIENTS below); `--compare DIR` adds another package's full entry.
import { execFile, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..", "..");
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
// lnmessage, lnsocket and boltz-bolt12 from npm, at the lock file's versions (once per lock).
if (argv[0] !== "--child") {
  const lock = createHash("sha256").update(readFileSync(join(HERE, "package.json")))
    .update(readFileSync(join(HERE, "package-lock.json"))).digest("hex");
  const mark = join(HERE, "node_modules", ".deps-from");
  if (!existsSync(mark) || readFileSync(mark, "utf8") !== lock) {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], { cwd: HERE, stdio: ["ignore", "ignore", "inherit"] });
    writeFileSync(mark, lock);
  }
}
// Absolute: the bundle step's esbuild resolves imports from this script's folder, not the cwd.
const TOOLKIT_DIR = opt("--toolkit") ? resolve(opt("--toolkit")) : dirname(createRequire(join(ROOT, "web-demo", "package.json")).resolve("bolt12-toolkit/package.json"));
// `--compare DIR`: another built package (e.g. the previous commit's) whose full entry runs
// beside this one in the same rounds, as "bolt12-toolkit@compare (ws|tcp)".
const COMPARE_DIR = opt("--compare") ? resolve(opt("--compare")) : undefined;
const importToolkit = (entry = "node.js", dir = TOOLKIT_DIR) => import(pathToFileURL(join(dir, entry)).href);
const now = () => performance.now();
const ms = (x) => Math.round(x * 10) / 10;
const BIG = 120000;
const bigString = (tag) => Array.from({ length: BIG }, (_, i) => String.fromCharCode(97 + ((i * 7 + tag) % 26))).join("");

// ---------------------------------------------------------------------------------------
// One client, in a child process: `run.mjs --child <client> <json node>`.

const CLIENTS = {
  async "bolt12-toolkit (ws)"(node) { return toolkitClient(node, node.ws); },
  async "bolt12-toolkit (tcp)"(node) { return toolkitClient(node, node.tcp); },
  // The commando entry (`bolt12-toolkit/commando`: thin wasm core, sockets and JSON in JS).
  async "bolt12-toolkit/commando (ws)"(node) { return toolkitClient(node, node.ws, "commando-node.js"); },
  async "bolt12-toolkit/commando (tcp)"(node) { return toolkitClient(node, node.tcp, "commando-node.js"); },
  ...(COMPARE_DIR ? {
    async "bolt12-toolkit@compare (ws)"(node) { return toolkitClient(node, node.ws, undefined, COMPARE_DIR); },
    async "bolt12-toolkit@compare (tcp)"(node) { return toolkitClient(node, node.tcp, undefined, COMPARE_DIR); },
  } : {}),
  async "lnmessage (ws)"(node) {
    const { default: LnMessage } = await import("lnmessage");
    const port = Number(new URL(node.ws).port);
    return {
      async connect() {
        this.ln = new LnMessage({ remoteNodePublicKey: node.id, ip: "127.0.0.1", port, wsProtocol: "ws:" });
        if (!(await this.ln.connect(false))) throw new Error("lnmessage: not connected");
      },
      call(method, params) { return this.ln.commando({ method, params, rune: node.rune }); },
      close() { this.ln.disconnect(); },
    };
  },
  async "lnsocket (tcp)"(node) {
    const load = require("lnsocket");
    return {
      concurrent: false, // one reply reader per socket: calls cannot overlap
      async connect() {
        this.ln = await load();
        this.ln.genkey();
        await this.ln.connect_and_init(node.id, node.tcp);
      },
      async call(method, params) {
        const r = await this.ln.rpc({ method, params, rune: node.rune });
        if (r.error) throw Object.assign(new Error(r.error.message), r.error);
        return r.result;
      },
      close() { this.ln.destroy(); },
    };
  },
};

async function toolkitClient(node, url, entry, dir) {
  const tk = await importToolkit(entry, dir);
  return {
    async connect() { this.c = await tk.Commando.connect({ nodeId: node.id, url, rune: node.rune, reconnect: false, timeoutMs: 60000 }); },
    call(method, params) { return this.c.call(method, params); },
    close() { this.c.close(); },
  };
}

const attempt = async (f) => { try { return await f(); } catch (e) { return { error: String(e && (e.message || e.code) || e).slice(0, 80) }; } };

async function child(name, node) {
  const out = { client: name };
  const t0 = now();
  const client = await CLIENTS[name](node);
  const t1 = now();
  await client.connect().catch((e) => { throw new Error(`connect: ${e && e.message || e}`); });
  const info = await client.call("getinfo", {}).catch((e) => { throw new Error(`getinfo: ${e && e.message || e}`); });
  const t2 = now();
  if (info.id !== node.id) throw new Error(`${name}: getinfo answered ${info.id}`);
  out.load_ms = ms(t1 - t0);
  out.first_result_ms = ms(t2 - t1);
  let t = now();
  for (let i = 0; i < 200; i++) {
    await client.call("getinfo", {}).catch((e) => { throw new Error(`sequential call ${i + 1} of 200: ${e && e.message || e}`); });
  }
  out.seq200_ms = ms(now() - t);
  out.rss_mb = Math.round(process.memoryUsage().rss / 1e5) / 10;
  if (client.concurrent === false) {
    out.conc20_ms = "n/a (one call at a time)";
  } else {
    t = now();
    const all = await Promise.all(Array.from({ length: 20 }, () => client.call("getinfo", {})));
    out.conc20_ms = all.every((r) => r.id === node.id) ? ms(now() - t) : "wrong replies";
  }
  const reply = await attempt(async () => {
    const t = now();
    const r = await client.call("listdatastore", { key: ["sidebyside"] });
    const bytes = JSON.stringify(r).length;
    return { ms: ms(now() - t), bytes };
  });
  out.reply200k = reply.error ? `fails: ${reply.error}` : `${reply.ms} ms (${Math.round(reply.bytes / 1000)} kB)`;
  const request = await attempt(async () => {
    const s = bigString(name.length);
    const t = now();
    const r = await client.call("datastore", { key: ["sidebyside-req", name.replace(/\W+/g, "-")], string: s, mode: "create-or-replace" });
    if (r.string !== s) throw new Error("stored string differs");
    return { ms: ms(now() - t) };
  });
  out.request120k = request.error ? `fails: ${request.error}` : `${request.ms} ms`;
  try { client.close(); } catch (e) { out.close = `throws: ${String(e && e.message || e).slice(0, 60)}`; }
  return out;
}

// ---------------------------------------------------------------------------------------
// The parent: nodes, children, bundle sizes, decode speed.

function runChild(name, node) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child", name, JSON.stringify(node), "--toolkit", TOOLKIT_DIR, ...(COMPARE_DIR ? ["--compare", COMPARE_DIR] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    p.stdout.on("data", (d) => { stdout += d; });
    p.stderr.on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => p.kill("SIGKILL"), 180000);
    p.on("exit", (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").at(-1);
      try { resolve(JSON.parse(line)); } catch { resolve({ client: name, error: `exit ${code}: ${stderr.slice(-300)}` }); }
    });
  });
}

async function bundleSizes() {
  const esbuildPath = join(ROOT, "web-demo", "tests", "bundler", "node_modules", "esbuild");
  if (!existsSync(esbuildPath)) return null;
  const esbuild = createRequire(join(ROOT, "web-demo", "tests", "bundler", "package.json"))("esbuild");
  const one = async (label, contents, resolveDir, wasmFiles) => {
    const r = await esbuild.build({ stdin: { contents, resolveDir, loader: "js" }, bundle: true, minify: true, write: false, format: "esm", platform: "browser",
      external: ["node:*", "net", "tls", "fs", "path", "crypto", "ws"], logLevel: "silent", loader: { ".wasm": "file" }, outdir: "/tmp/sidebyside-esbuild" }).catch((e) => ({ error: e }));
    if (r.error) return { label, error: String(r.error.message).slice(0, 80) };
    const js = r.outputFiles.filter((f) => f.path.endsWith(".js")).map((f) => f.contents);
    const jsBytes = js.reduce((a, b) => a + b.length, 0);
    const jsGz = js.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0);
    const wasm = wasmFiles.map((f) => readFileSync(f));
    return { label, js: jsBytes, jsGz, wasm: wasm.reduce((a, b) => a + b.length, 0), wasmGz: wasm.reduce((a, b) => a + gzipSync(b, { level: 9 }).length, 0) };
  };
  const boltzDir = dirname(require.resolve("boltz-bolt12/package.json"));
  const lnsocketDir = dirname(require.resolve("lnsocket/package.json"));
  return [
    await one("bolt12-toolkit (full)", `import { Commando, decode } from ${JSON.stringify(join(TOOLKIT_DIR, "index.js"))}; globalThis.x = [Commando, decode];`, HERE, [join(TOOLKIT_DIR, "full", "bolt12_toolkit_bg.wasm")]),
    ...(existsSync(join(TOOLKIT_DIR, "commando", "bolt12_toolkit_bg.wasm")) ? [await one("bolt12-toolkit/commando", `import { Commando } from ${JSON.stringify(join(TOOLKIT_DIR, "commando.js"))}; globalThis.x = Commando;`, HERE, [join(TOOLKIT_DIR, "commando", "bolt12_toolkit_bg.wasm")])] : []),
    await one("bolt12-toolkit/decode", `import { decode } from ${JSON.stringify(join(TOOLKIT_DIR, "decode.js"))}; globalThis.x = decode;`, HERE, [join(TOOLKIT_DIR, "decode", "bolt12_toolkit_bg.wasm")]),
    await one("lnmessage", `import L from "lnmessage"; globalThis.x = L;`, HERE, []),
    { label: "lnsocket (dist/js, as shipped)", js: statSync(join(lnsocketDir, "dist", "js", "lnsocket.js")).size, jsGz: gzipSync(readFileSync(join(lnsocketDir, "dist", "js", "lnsocket.js")), { level: 9 }).length,
      wasm: statSync(join(lnsocketDir, "dist", "js", "lnsocket.wasm")).size, wasmGz: gzipSync(readFileSync(join(lnsocketDir, "dist", "js", "lnsocket.wasm")), { level: 9 }).length },
    await one("boltz-bolt12", `import { Offer } from "boltz-bolt12"; globalThis.x = Offer;`, HERE, [join(boltzDir, "boltz_bolt12_bg.wasm")]),
  ];
}

async function decodeSpeed() {
  const tk = await importToolkit();
  const boltzDir = dirname(require.resolve("boltz-bolt12/package.json"));
  const bg = await import(pathToFileURL(join(boltzDir, "boltz_bolt12_bg.js")).href);
  const { instance } = await WebAssembly.instantiate(readFileSync(join(boltzDir, "boltz_bolt12_bg.wasm")), { "./boltz_bolt12_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  const cln = JSON.parse(readFileSync(join(ROOT, "bolt12", "tests", "data", "cln-v26.06.6-decode.json"), "utf8")).cases
    .filter((c) => c.cln.object && c.cln.object.valid === true && c.string.startsWith("lno")).map((c) => c.string);
  const ldk = JSON.parse(readFileSync(join(ROOT, "web-demo", "bench", "ldk-offers.json"), "utf8")).offers;
  const accepted = (s) => { try { tk.decode(s); new bg.Offer(s).free(); return true; } catch { return false; } };
  const set = [...cln, ...ldk].filter(accepted);
  const bench = (fn) => {
    for (let i = 0; i < 30; i++) for (const s of set) fn(s);
    const t = now();
    const rounds = 200;
    for (let i = 0; i < rounds; i++) for (const s of set) fn(s);
    return (now() - t) * 1000 / (rounds * set.length);
  };
  const rows = [];
  for (let k = 0; k < 3; k++) { // interleaved, best of three each
    rows.push(["tk", bench((s) => tk.decode(s))]);
    rows.push(["boltz", bench((s) => { const o = new bg.Offer(s); void o.id; void o.description; void o.amount; void o.issuer; void o.signing_pubkey; o.free(); })]);
  }
  const best = (n) => Math.min(...rows.filter((r) => r[0] === n).map((r) => r[1]));
  return { offers: set.length, cln: cln.filter(accepted).length, ldk: ldk.filter(accepted).length, tk: best("tk"), boltz: best("boltz") };
}

const table = (rows, cols) => [
  `| ${cols.join(" | ")} |`, `|${cols.map(() => "---").join("|")}|`,
  ...rows.map((r) => `| ${cols.map((c) => r[c] ?? "").join(" | ")} |`)].join("\n");

async function parent() {
  process.env.CLN_NODES_BIN ||= join(ROOT, "target", "debug", "cln-nodes");
  const { startClnNodes, lightningCli } = await import(pathToFileURL(join(ROOT, "web-demo", "tests", "cln-nodes.mjs")).href);
  const cln = await startClnNodes(1);
  try {
    const n0 = cln.nodes[0];
    const node = { id: n0.id, ws: n0.ws, tcp: `127.0.0.1:${n0.tcp.split(":").pop()}`, rune: n0.rune };
    // Two 120 kB entries: listdatastore's reply is over 200 kB.
    const tk = await importToolkit();
    const c = await tk.Commando.connect({ nodeId: node.id, url: node.tcp, rune: node.rune, reconnect: false, timeoutMs: 60000 });
    for (const k of ["a", "b"]) await c.call("datastore", { key: ["sidebyside", k], string: bigString(k.charCodeAt(0)), mode: "create-or-replace" });
    c.close();
    const version = (await lightningCli(n0.rpc, "getinfo")).version;
    // Three rounds, the clients interleaved; each number is the best of its three.
    const rounds = [];
    const names = opt("--only") ? [opt("--only")] : Object.keys(CLIENTS);
    for (let r = 0; r < 3; r++) for (const name of names) rounds.push(await runChild(name, node));
    const results = names.map((name) => {
      const mine = rounds.filter((x) => x.client === name);
      const best = { client: name };
      for (const k of new Set(mine.flatMap(Object.keys))) {
        if (k === "client") continue;
        const vals = mine.map((x) => x[k]).filter((v) => v !== undefined);
        const nums = vals.filter((v) => typeof v === "number");
        const withMs = vals.filter((v) => typeof v === "string" && /^[\d.]+ ms/.test(v));
        best[k] = nums.length === vals.length && nums.length ? Math.min(...nums)
          : withMs.length === vals.length && withMs.length ? withMs.sort((a, b) => parseFloat(a) - parseFloat(b))[0]
          : vals[0];
      }
      return best;
    });
    const versions = JSON.parse(readFileSync(join(TOOLKIT_DIR, "package.json"), "utf8")).version;
    console.log(`\nCore Lightning ${version}, regtest, loopback; Node ${process.version}; bolt12-toolkit ${versions} (${TOOLKIT_DIR}); one process per client, three rounds interleaved, best of three\n`);
    console.log(table(results, ["client", "load_ms", "first_result_ms", "seq200_ms", "conc20_ms", "reply200k", "request120k", "rss_mb", "close", "error"]));
  } finally {
    await cln.stop();
  }
  const sizes = await bundleSizes();
  if (sizes) {
    console.log("\nBundle (esbuild --bundle --minify, browser; gzip -9)\n");
    console.log(table(sizes.map((s) => ({ ...s, total: s.js + s.wasm, totalGz: s.jsGz + s.wasmGz })), ["label", "js", "jsGz", "wasm", "wasmGz", "total", "totalGz", "error"]));
  } else {
    console.log("\n(bundle sizes skipped: run web-demo/tests/bundler/run.sh once for esbuild)");
  }
  const d = await decodeSpeed();
  console.log(`\nDecode, Node, same process: ${d.offers} offers accepted by both (${d.cln} made by Core Lightning, ${d.ldk} by LDK); best of 3\n`);
  console.log(table([
    { library: "bolt12-toolkit decode() (full CLN decode object)", us: d.tk.toFixed(2), x: (d.boltz / d.tk).toFixed(2) + "x" },
    { library: "boltz-bolt12 new Offer() + 5 getters + free()", us: d.boltz.toFixed(2), x: "1.00x" },
  ], ["library", "us", "x"]).replace("| library | us | x |", "| library | µs per offer | speed vs boltz-bolt12 |"));
}

if (argv[0] === "--child") {
  child(argv[1], JSON.parse(argv[2])).then((r) => { console.log(JSON.stringify(r)); process.exit(0); },
    (e) => { console.log(JSON.stringify({ client: argv[1], error: String(e && e.message || e).slice(0, 120) })); process.exit(0); });
} else {
  await parent();
}
