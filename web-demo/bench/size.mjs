// What a page downloads: one small app per bolt12-toolkit entry (size-apps/<app>/), built
// with Vite 7 as an app would be, every emitted JS and wasm file gzipped (level 9) and
// summed; beside them, in the same run, the anchors lnmessage (pure JS BOLT 8 + Commando)
// and lnsocket (C compiled by emscripten).
//
//   node web-demo/bench/size.mjs [app...]        (default: every app)
//
// Installs what it needs, idempotently: Vite and the anchors (`npm ci`, size-apps/
// package-lock.json) and bolt12-toolkit from the newest wasm/pkg/*.tgz (build it with
// ./wasm/build.sh --pack), or from the directory in BOLT12_PKG (e.g. wasm/pkg, when
// iterating on one build with WASM_ONLY).
//
// "initial" is what the page fetches on load: the entry chunk, its static imports and their
// assets (Vite's manifest); "lazy" is what only a dynamic import() fetches (lnap's module,
// loaded on the first vendor proof check). lnsocket's emscripten loader fetches
// lnsocket.wasm beside the page at run time, which Vite cannot see: the script adds it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const apps = join(here, "size-apps");
const root = resolve(here, "../..");
const ALL = ["commando", "lite", "full", "decode", "lnmessage", "lnsocket"];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
for (const a of wanted) {
  if (!ALL.includes(a)) throw new Error(`unknown app ${a} (one of ${ALL.join(", ")})`);
}

function sh(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
}

// Vite and the anchors, from the lock file.
const deps = createHash("sha256")
  .update(readFileSync(join(apps, "package.json")))
  .update(readFileSync(join(apps, "package-lock.json")))
  .digest("hex");
const depsMark = join(apps, "node_modules", ".deps-from");
if (!existsSync(depsMark) || readFileSync(depsMark, "utf8") !== deps) {
  sh("npm", ["ci", "--no-audit", "--no-fund", "--silent"], apps);
  writeFileSync(depsMark, deps);
}

// bolt12-toolkit, as a user gets it: the packed tarball (or a directory when iterating).
let pkg = process.env.BOLT12_PKG ? resolve(process.env.BOLT12_PKG) : null;
if (!pkg) {
  const dir = join(root, "wasm", "pkg");
  const tgz = existsSync(dir)
    ? readdirSync(dir).filter((f) => /^bolt12-toolkit-.*\.tgz$/.test(f))
        .map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (!tgz.length) throw new Error("no wasm/pkg/bolt12-toolkit-*.tgz: run ./wasm/build.sh --pack");
  pkg = tgz[0];
}
const pkgId = statSync(pkg).isDirectory()
  ? `${pkg}@${Date.now()}`
  : createHash("sha256").update(readFileSync(pkg)).digest("hex");
const pkgMark = join(apps, "node_modules", "bolt12-toolkit", ".from");
if (!existsSync(pkgMark) || readFileSync(pkgMark, "utf8") !== pkgId) {
  // --install-links: a directory is copied like a tarball, not symlinked.
  sh("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--silent", "--install-links", pkg], apps);
  writeFileSync(pkgMark, pkgId);
}

const { build } = await import(pathToFileURL(join(apps, "node_modules", "vite", "dist", "node", "index.js")).href);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

async function measure(app) {
  const appRoot = join(apps, app);
  const outDir = join(apps, "dist", app);
  await build({
    root: appRoot,
    logLevel: "silent",
    configFile: false,
    build: { outDir, emptyOutDir: true, manifest: true, target: "esnext" },
  });
  const manifest = JSON.parse(readFileSync(join(outDir, ".vite", "manifest.json"), "utf8"));
  const files = new Map(); // emitted file -> { raw, gzip }
  const add = (f) => {
    if (!/\.(js|mjs|wasm)$/.test(f) || files.has(f)) return;
    const b = readFileSync(join(outDir, f));
    files.set(f, { raw: b.length, gzip: gz(b) });
  };
  for (const e of Object.values(manifest)) {
    add(e.file);
    for (const a of e.assets ?? []) add(a);
  }
  if (app === "lnsocket") {
    // Fetched at run time by the emscripten loader, beside the page.
    const w = readFileSync(join(apps, "node_modules", "lnsocket", "dist", "js", "lnsocket.wasm"));
    files.set("lnsocket.wasm (fetched at run time)", { raw: w.length, gzip: gz(w) });
  }
  // Initial load: the entry chunk(s), their static imports, and those chunks' assets.
  const initial = new Set();
  const visit = (key) => {
    const e = manifest[key];
    if (!e || initial.has(e.file)) return;
    initial.add(e.file);
    for (const a of e.assets ?? []) initial.add(a);
    for (const i of e.imports ?? []) visit(i);
  };
  for (const [key, e] of Object.entries(manifest)) if (e.isEntry) visit(key);
  if (app === "lnsocket") initial.add("lnsocket.wasm (fetched at run time)");
  let total = 0;
  let init = 0;
  for (const [f, s] of files) {
    total += s.gzip;
    if (initial.has(f)) init += s.gzip;
  }
  return { app, total, initial: init, lazy: total - init, files: Object.fromEntries(files) };
}

const results = [];
for (const app of wanted) results.push(await measure(app));

const kb = (n) => (n / 1000).toFixed(1);
console.log("| app | gzip total (kB) | initial (kB) | lazy (kB) | files (gzip kB) |");
console.log("|---|---:|---:|---:|---|");
for (const r of results) {
  const files = Object.entries(r.files).map(([f, s]) => `${f.replace(/^assets\//, "")} ${kb(s.gzip)}`).join(", ");
  console.log(`| ${r.app} | ${kb(r.total)} | ${kb(r.initial)} | ${kb(r.lazy)} | ${files} |`);
}
if (process.env.SIZE_JSON) writeFileSync(process.env.SIZE_JSON, JSON.stringify(results, null, 2));
