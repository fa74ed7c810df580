// The package's "works from a bundler" claim, tested: a tiny app (index.html + main.js)
// importing `bolt12-toolkit` and `bolt12-toolkit/decode` is built with Vite (`vite build`
// into dist/), served from 127.0.0.1 on an ephemeral port by a static server below, and run
// in Debian's chromium (playwright-core). Needs `npm ci` and the package tarball installed
// in this folder: ./run.sh does both, idempotently, then runs this file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const DIST = join(HERE, "dist");
const PKG = join(HERE, "node_modules", "bolt12-toolkit");
const VITE = join(HERE, "node_modules", "vite", "bin", "vite.js");
const BUILD_TIMEOUT = 120000; // upper bounds, not performance thresholds
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

let server, baseUrl, context, profile, buildLog;
const served = []; // { path, status, type } for every request the server answered

before(async () => {
  for (const [what, path] of [["vite", VITE], ["bolt12-toolkit", join(PKG, "package.json")]]) {
    if (!existsSync(path)) throw new Error(`${what} is not installed in ${HERE}: run ${join(HERE, "run.sh")}`);
  }
  // The build under test: Vite's defaults, no config file.
  buildLog = await new Promise((resolve, reject) => {
    execFile(process.execPath, [VITE, "build", "--outDir", DIST, "--emptyOutDir"],
      { cwd: HERE, timeout: BUILD_TIMEOUT, env: { ...process.env, NO_COLOR: "1" } },
      (err, stdout, stderr) => err ? reject(new Error(`vite build failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout + stderr));
  });

  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(DIST, path === "/" ? "index.html" : path));
    let status = 404, type = "text/plain", body = "not found";
    if (req.method === "GET" && file.startsWith(DIST + sep) && existsSync(file) && statSync(file).isFile()) {
      status = 200;
      type = MIME[extname(file)] || "application/octet-stream";
      body = readFileSync(file);
    }
    served.push({ path, status, type });
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}/`;

  profile = mkdtempSync(join(tmpdir(), "bolt12-bundler-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    timeout: WAIT,
  });
}, { timeout: BUILD_TIMEOUT + 2 * WAIT });

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test("vite build emits each entry's wasm as a separate asset, byte for byte", () => {
  const assets = readdirSync(join(DIST, "assets"));
  const wasm = assets.filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 2, `expected the full and the decode wasm in dist/assets, got ${assets.join(", ")}\n${buildLog}`);
  assert.deepEqual(
    new Set(wasm.map((f) => sha256(join(DIST, "assets", f)))),
    new Set(["full", "decode"].map((e) => sha256(join(PKG, e, "bolt12_toolkit_bg.wasm")))),
    "the emitted .wasm files are not the package's full/ and decode/ modules");
  // Referenced by URL from the bundle, not inlined into it.
  const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(DIST, "assets", f), "utf8")).join("\n");
  for (const f of wasm) assert.ok(js.includes(f), `the bundle does not reference ${f}`);
  assert.ok(!js.includes("data:application/wasm"), "wasm inlined as a data: URL");
  assert.ok(js.length < Math.min(...wasm.map((f) => statSync(join(DIST, "assets", f)).size)),
    "the JS bundle is larger than a wasm module: wasm inlined?");
});

test("the bundled app decodes the offer with both entries and shows the error codes, in chromium", { timeout: 3 * WAIT }, async () => {
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
  // Full entry: decode() throws on bad input with a stable code.
  assert.equal(await text("full-version"), version);
  assert.equal(await text("full-issuer"), ISSUER);
  assert.equal(await text("full-issuer-id"), ISSUER_ID);
  assert.equal(await text("full-valid"), "true");
  assert.equal(await text("full-error"), "Error:INVALID_BOLT12");
  // Decode entry: validate() returns a verdict; decode() throws.
  assert.equal(await text("decode-version"), version);
  assert.equal(await text("decode-issuer"), ISSUER);
  assert.equal(await text("decode-valid"), "true");
  assert.equal(await text("decode-error"), "Error:NOT_BOLT12");

  // Both wasm assets were fetched from our server, as application/wasm.
  const wasmServed = served.filter((r) => r.path.endsWith(".wasm"));
  assert.deepEqual(new Set(wasmServed.map((r) => r.path)),
    new Set(readdirSync(join(DIST, "assets")).filter((f) => f.endsWith(".wasm")).map((f) => `/assets/${f}`)));
  for (const r of wasmServed) assert.deepEqual([r.status, r.type], [200, "application/wasm"], r.path);
  assert.deepEqual(served.filter((r) => r.status !== 200).map((r) => r.path), [], "requests the server could not answer");
  assert.deepEqual(offLoopback, [], "requests off loopback");
  assert.deepEqual(problems, []);
  await page.close();
});
