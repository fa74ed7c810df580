// The package's "works from a bundler" claim, tested: a tiny app (index.html + main.js)
// importing `bolt12-toolkit` and `bolt12-toolkit/decode` is built with the default
// settings of Vite 6, Vite 7 and webpack 5 (no config file; webpack is given only the
// entry and the output folder) into dist/<bundler>/, served from 127.0.0.1 on an
// ephemeral port by a static server below, and run in Debian's chromium (playwright-core).
// Vite 6's default target refuses a top-level await ("Top-level await is not available in
// the configured target environment"): the package's browser entries have none. Needs
// `npm ci` and the package tarball installed in this folder: ./run.sh does both,
// idempotently, then runs this file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PKG = join(HERE, "node_modules", "bolt12-toolkit");
const BUILD_TIMEOUT = 180000; // upper bounds, not performance thresholds
const WAIT = 20000;

// What main.js must show for the offer it decodes (the README's example offer).
const ISSUER = "https://bolt12.org BOLT12 industries";
const ISSUER_ID = "02eec7245d6b7d2ccb30380bfbe2a3648cd7a942653f5aa340edcea1f283686619";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
};
const sha256 = (path) => createHash("sha256").update(readFileSync(path)).digest("hex");
const filesUnder = (dir) => readdirSync(dir, { recursive: true }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
const runNode = (args, what) => new Promise((resolve, reject) => {
  execFile(process.execPath, args, { cwd: HERE, timeout: BUILD_TIMEOUT, env: { ...process.env, NO_COLOR: "1" } },
    (err, stdout, stderr) => err ? reject(new Error(`${what} failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr));
});

// Each bundler: how to build the app into `dist` with its defaults.
const BUNDLERS = {
  vite6: (dist) => runNode([join(HERE, "node_modules", "vite6", "bin", "vite.js"), "build", "--outDir", dist, "--emptyOutDir"], "vite 6 build"),
  vite7: (dist) => runNode([join(HERE, "node_modules", "vite", "bin", "vite.js"), "build", "--outDir", dist, "--emptyOutDir"], "vite 7 build"),
  webpack: async (dist) => {
    rmSync(dist, { recursive: true, force: true });
    // webpack's Node API with only entry and output path (mode: its default, production).
    const log = await runNode(["--input-type=module", "-e", `
      import webpack from "webpack";
      webpack({ context: ${JSON.stringify(HERE)}, entry: "./main.js", output: { path: ${JSON.stringify(dist)} } }, (err, stats) => {
        if (err || stats.hasErrors()) { console.error(err || stats.toString({ all: false, errors: true })); process.exit(1); }
        console.log(stats.toString({ all: false, assets: true, warnings: true }));
      });`], "webpack build");
    // The same page, with webpack's bundle (a classic script) in place of Vite's module entry.
    const html = readFileSync(join(HERE, "index.html"), "utf8").replace('<script type="module" src="/main.js"></script>', '<script src="main.js"></script>');
    writeFileSync(join(dist, "index.html"), html);
    return log;
  },
};

const builds = {}; // bundler -> { dist, log, server, baseUrl, served }
let context, profile;

function serve(dist, served) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dist, path === "/" ? "index.html" : path));
    let status = 404, type = "text/plain", body = "not found";
    if (req.method === "GET" && file.startsWith(dist + sep) && existsSync(file) && statSync(file).isFile()) {
      status = 200;
      type = MIME[extname(file)] || "application/octet-stream";
      body = readFileSync(file);
    }
    served.push({ path, status, type });
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  });
  return new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve(server)));
}

before(async () => {
  for (const [what, path] of [["vite", join(HERE, "node_modules", "vite")], ["vite6", join(HERE, "node_modules", "vite6")],
    ["webpack", join(HERE, "node_modules", "webpack")], ["bolt12-toolkit", join(PKG, "package.json")]]) {
    if (!existsSync(path)) throw new Error(`${what} is not installed in ${HERE}: run ${join(HERE, "run.sh")}`);
  }
  for (const [name, build] of Object.entries(BUNDLERS)) {
    const dist = join(HERE, "dist", name);
    const served = [];
    const log = await build(dist);
    const server = await serve(dist, served);
    builds[name] = { dist, log, server, served, baseUrl: `http://127.0.0.1:${server.address().port}/` };
  }
  profile = mkdtempSync(join(tmpdir(), "bolt12-bundler-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    timeout: WAIT,
  });
}, { timeout: 3 * BUILD_TIMEOUT + 2 * WAIT });

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  for (const b of Object.values(builds)) await new Promise((resolve) => b.server.close(resolve));
});

for (const name of Object.keys(BUNDLERS)) {
  test(`${name} emits each entry's wasm as a separate asset, byte for byte`, () => {
    const { dist, log } = builds[name];
    const files = filesUnder(dist);
    const wasm = files.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 3, `expected the full, the lnap and the decode wasm in ${dist}, got ${files.map((f) => relative(dist, f)).join(", ")}\n${log}`);
    assert.deepEqual(
      new Set(wasm.map(sha256)),
      new Set(["full", "lnap", "decode"].map((e) => sha256(join(PKG, e, "bolt12_toolkit_bg.wasm")))),
      "the emitted .wasm files are not the package's full/, lnap/ and decode/ modules");
    // Referenced by URL from the bundle, not inlined into it.
    const js = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(f, "utf8")).join("\n");
    for (const f of wasm) assert.ok(js.includes(relative(dist, f).split(sep).at(-1)), `the bundle does not reference ${f}`);
    assert.ok(!js.includes("data:application/wasm"), "wasm inlined as a data: URL");
    assert.ok(js.length < Math.min(...wasm.map((f) => statSync(f).size)), "the JS bundle is larger than a wasm module: wasm inlined?");
  });

  test(`the ${name} app: NOT_INITIALIZED before init, lazy load, decode with both entries, in chromium`, { timeout: 3 * WAIT }, async () => {
    const { dist, baseUrl, served } = builds[name];
    const page = await context.newPage();
    const problems = [];
    const offLoopback = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e}`));
    // wasm-bindgen warns here if streaming instantiation failed (wrong MIME type) and fell back.
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`); });
    await page.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      offLoopback.push(url.href);
      return route.abort();
    });
    await page.goto(baseUrl, { timeout: WAIT });
    await page.waitForSelector("body:not([data-ready=false])", { timeout: WAIT });
    const state = await page.getAttribute("body", "data-ready");
    assert.equal(state, "true", `the app failed: ${await page.textContent("#failure")}\n${problems.join("\n")}`);

    const text = async (id) => (await page.textContent(`#${id}`)).trim();
    const version = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8")).version;
    assert.equal(await text("before-init"), "Error:NOT_INITIALIZED Error:NOT_INITIALIZED");
    assert.equal(await text("lazy-load"), "Error:BAD_ADDRESS");
    // Full entry: decode() throws on bad input with a stable code.
    assert.equal(await text("full-version"), version);
    assert.equal(await text("full-issuer"), ISSUER);
    assert.equal(await text("full-issuer-id"), ISSUER_ID);
    assert.equal(await text("full-valid"), "true");
    assert.equal(await text("full-error"), "Error:INVALID_BOLT12");
    assert.equal(await text("lnap-before-load"), "Error:LNAP_NOT_LOADED");
    // Decode entry: validate() returns a verdict; decode() throws.
    assert.equal(await text("decode-version"), version);
    assert.equal(await text("decode-issuer"), ISSUER);
    assert.equal(await text("decode-valid"), "true");
    assert.equal(await text("decode-error"), "Error:NOT_BOLT12");

    // The full and decode wasm assets were fetched from our server, as application/wasm;
    // lnap's not (the page checked no vendor proof): it and its chunk only by loadLnap().
    const urlOf = (f) => "/" + relative(dist, f).split(sep).join("/");
    const lnapWasm = urlOf(filesUnder(dist).find((f) => f.endsWith(".wasm") && sha256(f) === sha256(join(PKG, "lnap", "bolt12_toolkit_bg.wasm"))));
    const wasmServed = served.filter((r) => r.path.endsWith(".wasm"));
    assert.deepEqual(new Set(wasmServed.map((r) => r.path)),
      new Set(filesUnder(dist).filter((f) => f.endsWith(".wasm")).map(urlOf).filter((p) => p !== lnapWasm)));
    const jsBefore = new Set(served.filter((r) => r.path.endsWith(".js")).map((r) => r.path));
    const count = served.length;
    assert.equal(await page.evaluate(() => window.checkProof()), "Error:LNAP_INVALID", "loadLnap() then lnapDecode");
    const later = served.slice(count).map((r) => r.path);
    assert.ok(later.includes(lnapWasm), `lnap's wasm not fetched by loadLnap(): ${later.join(" ")}`);
    assert.ok(later.some((p) => p.endsWith(".js") && !jsBefore.has(p)), `lnap's module is not a separate chunk: ${later.join(" ")}`);
    for (const r of served.filter((r) => r.path.endsWith(".wasm"))) assert.deepEqual([r.status, r.type], [200, "application/wasm"], r.path);
    assert.deepEqual(served.filter((r) => r.status !== 200).map((r) => r.path), [], "requests the server could not answer");
    assert.deepEqual(offLoopback, [], "requests off loopback");
    assert.deepEqual(problems, []);
    await page.close();
  });
}
