// decode() in JavaScript is Core Lightning's `decode` object, key for key and in its key
// order (JSON.stringify equality), on every string of the corpora: Core Lightning
// v26.06.6's own answers captured by interop/tests/decode_differential.rs
// (bolt12/tests/data/cln-v26.06.6-decode.json), and, against the native Rust decode (the
// demo node's `decode` RPC over Commando), BOLT 12's offers-test.json and
// format-string-test.json vectors and the LDK-made offers of web-demo/bench/ldk-offers.json.
// In every entry (full, lite, decode) and validate().decoded alike.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tk from "bolt12-toolkit";
import * as lite from "bolt12-toolkit/lite";
import * as decodeOnly from "bolt12-toolkit/decode";
import { startNode, stopAll } from "./demo-node.mjs";

const data = (f) => JSON.parse(readFileSync(new URL(`../../bolt12/tests/data/${f}`, import.meta.url), "utf8"));
const CAPTURE = data("cln-v26.06.6-decode.json");
const LDK = JSON.parse(readFileSync(new URL("../bench/ldk-offers.json", import.meta.url), "utf8")).offers;
const text = (v) => JSON.stringify(v);
const ENTRIES = [["full", tk], ["lite", lite], ["decode", decodeOnly]];

let node;
before(async () => { node = await startNode({ http: false }); });
after(async () => { await stopAll(); });

test("every valid string Core Lightning decoded: our object is its object, key for key", () => {
  const cases = CAPTURE.cases.filter((c) => c.cln.object && c.cln.object.valid === true);
  assert.ok(cases.length >= 50, `${cases.length} cases`);
  for (const { label, string, cln } of cases) {
    for (const [name, entry] of ENTRIES) {
      const ours = entry.decode(string);
      // Our expiry warnings (judged against the clock; Core Lightning's decode has none for
      // invoices) are the one documented addition (bolt12/DECODE-DIFFERENCES.md).
      for (const k of Object.keys(ours)) if (/^warning_\w+_expired$/.test(k) && !(k in cln.object)) delete ours[k];
      assert.equal(text(ours), text(cln.object), `${label} (${name})`);
    }
    assert.equal(text(tk.validate(string).decoded.offer_id), text(cln.object.offer_id), label);
  }
});

test("spec vectors and LDK-made offers: the same object as the native Rust decode", async () => {
  const strings = [
    ...data("offers-test.json").filter((v) => v.valid).map((v) => v.bolt12),
    ...data("format-string-test.json").filter((v) => v.valid).map((v) => v.string),
    ...LDK,
  ];
  assert.ok(strings.length >= 30, `${strings.length} strings`);
  const c = await tk.Commando.connect({ nodeId: node.node_id, url: node.ws_url, rune: node.rune, reconnect: false });
  try {
    let compared = 0;
    for (const string of strings) {
      const native = await c.call("decode", { string }).catch((e) => ({ error: e.code }));
      for (const [name, entry] of ENTRIES) {
        let ours;
        try { ours = entry.decode(string, Math.floor(Date.now() / 1000)); } catch (e) { ours = native.error ? native : { threw: e.code, cln: e.cln }; }
        if (ours.threw) {
          assert.equal(text(ours.cln), text(native), `${string} (${name}): valid:false object`);
        } else {
          assert.equal(text(ours), text(native), `${string} (${name})`);
        }
      }
      compared++;
    }
    assert.equal(compared, strings.length);
  } finally {
    c.close();
  }
});
