// Node, same run: decoding the valid offers of BOLT 12's offers-test.json through
// bolt12-toolkit (full and decode-only entries) and through boltz-bolt12 (LDK in WASM).
//   node web-demo/bench/decode.mjs   (after web-demo/tests/run.sh or npm install of both)
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createRequire } from "node:module";
import * as tk from "bolt12-toolkit";
import * as tkDecode from "bolt12-toolkit/decode";

const require = createRequire(import.meta.url);
// boltz-bolt12 is built for bundlers (it imports its .wasm); instantiate it by hand.
const boltzDir = require.resolve("boltz-bolt12/package.json").replace(/package\.json$/, "");
const bg = await import(boltzDir + "boltz_bolt12_bg.js");
const { instance } = await WebAssembly.instantiate(readFileSync(boltzDir + "boltz_bolt12_bg.wasm"), { "./boltz_bolt12_bg.js": bg });
bg.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();

const vectors = JSON.parse(readFileSync(new URL("../../bolt12/tests/data/offers-test.json", import.meta.url), "utf8"));
const offers = vectors.filter((v) => v.valid && v.bolt12.startsWith("lno")).map((v) => v.bolt12);
// Offers both libraries accept (boltz-bolt12 may refuse some spec vectors).
const both = offers.filter((s) => { try { tk.decode(s); new bg.Offer(s).free(); return true; } catch { return false; } });

function bench(name, fn, rounds = 400) {
  for (let i = 0; i < 50; i++) for (const s of both) fn(s); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (const s of both) fn(s);
  const ms = performance.now() - t0;
  const n = rounds * both.length;
  return { name, decodes: n, us_per_decode: +((ms * 1000) / n).toFixed(2), per_sec: Math.round(n / (ms / 1000)) };
}

const rows = [
  bench("bolt12-toolkit decode() -> full CLN JSON object", (s) => tk.decode(s)),
  bench("bolt12-toolkit/decode decode() -> full CLN JSON object", (s) => tkDecode.decode(s)),
  bench("bolt12-toolkit validate()", (s) => tk.validate(s)),
  bench("boltz-bolt12 new Offer() + id/description/amount/issuer/signing_pubkey + free()", (s) => {
    const o = new bg.Offer(s);
    void o.id; void o.description; void o.amount; void o.issuer; void o.signing_pubkey;
    o.free();
  }),
];
console.log(`offers: ${both.length} of ${offers.length} valid spec offers accepted by both; node ${process.version}`);
console.table(rows);
const base = rows[3].us_per_decode;
for (const r of rows.slice(0, 3)) console.log(`${r.name}: ${(r.us_per_decode / base).toFixed(2)}x boltz-bolt12's time per offer`);
