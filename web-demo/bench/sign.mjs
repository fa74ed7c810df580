// The cost of BIP-340 in the npm package, same run, two packages side by side (Node, the
// lite entry): createInvoiceRequest (payer key sk*G, the signature, then decode() of the
// result, which verifies it) and decode() of an invoice request (parse + verification).
// --compare DIR is the anchor, e.g. the package before a change to the curve backend.
//   node web-demo/bench/sign.mjs [--toolkit DIR] --compare DIR [--best N]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const require = createRequire(join(ROOT, "web-demo", "package.json"));
const argv = process.argv.slice(2);
const arg = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : null);
const TOOLKIT = arg("--toolkit") ?? dirname(require.resolve("bolt12-toolkit/package.json"));
const COMPARE = arg("--compare");
const BEST = Number(arg("--best") ?? 5);
if (!COMPARE) {
  console.error("usage: node web-demo/bench/sign.mjs [--toolkit DIR] --compare DIR [--best N]");
  process.exit(2);
}

// The LDK offers a request can be built for without options (some name only other chains).
const offers = JSON.parse(readFileSync(join(HERE, "ldk-offers.json"), "utf8")).offers;
const load = async (dir) => {
  const tk = await import(pathToFileURL(join(dir, "lite-node.js")).href);
  if (tk.default) await tk.default();
  return tk;
};
const packages = { toolkit: await load(TOOLKIT), compare: await load(COMPARE) };
const buildable = (o) => {
  try {
    packages.compare.createInvoiceRequest(o, { now: 1_700_000_000 });
    return true;
  } catch {
    return false;
  }
};
offers.splice(0, offers.length, ...offers.filter(buildable));

const secret = (i) => (i % 255 + 1).toString(16).padStart(2, "0").repeat(32);
const opts = (i) => ({ payerSecret: secret(i), metadata: "00".repeat(16), now: 1_700_000_000 });
// Before timing: both packages derive the same payer id from the same secret, and each
// verifies the other's requests (the bytes differ: the package signs with fresh auxiliary
// randomness).
for (const [i, offer] of offers.entries()) {
  const a = packages.toolkit.createInvoiceRequest(offer, opts(i));
  const b = packages.compare.createInvoiceRequest(offer, opts(i));
  if (a.payerId !== b.payerId) throw new Error(`payer id differs for offer ${i}`);
  for (const [tk, req] of [[packages.toolkit, b.invoiceRequest], [packages.compare, a.invoiceRequest]]) {
    if (tk.decode(req).valid !== true) throw new Error(`request ${i} does not verify across packages`);
  }
}
const requests = offers.map((o, i) => packages.compare.createInvoiceRequest(o, opts(i)).invoiceRequest);

const bench = (fn, n) => {
  for (let i = 0; i < 5; i++) for (let j = 0; j < n; j++) fn(j);
  const rounds = 40;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) for (let j = 0; j < n; j++) fn(j);
  return ((performance.now() - t0) * 1000) / (rounds * n);
};
const cases = {
  "createInvoiceRequest (sk*G + sign + decode with verify)": (tk) => (j) => tk.createInvoiceRequest(offers[j], opts(j)),
  "decode(invoice request) (parse + verify)": (tk) => (j) => tk.decode(requests[j]),
};
const rows = [];
for (const [name, mk] of Object.entries(cases)) {
  const best = { toolkit: Infinity, compare: Infinity };
  for (let k = 0; k < BEST; k++) {
    for (const which of ["toolkit", "compare"]) {
      best[which] = Math.min(best[which], bench(mk(packages[which]), offers.length));
    }
  }
  rows.push({
    case: name,
    toolkit_us: +best.toolkit.toFixed(1),
    compare_us: +best.compare.toFixed(1),
    toolkit_vs_compare: +(best.toolkit / best.compare).toFixed(2),
  });
}
console.log(`Node ${process.version}, lite entry, ${offers.length} LDK offers, best of ${BEST} interleaved; µs per call`);
console.log(`toolkit: ${TOOLKIT}\ncompare: ${COMPARE}`);
console.table(rows);
