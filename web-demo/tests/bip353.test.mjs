// verifyBip353 in Node (the full entry): BIP 353 names proven offline by an RFC 9102 DNSSEC
// proof, to the IANA root trust anchors. The proof is the real one bolt12's Rust tests use
// (bolt12/tests/data/bip353-matt.user._bitcoin-payment.mattcorallo.com.proof: public DNS
// records carried by dnssec-prover 0.6.10's own tests; signatures valid 1785988800 to
// 1786415920), and the bad cases are made from it, as bolt12/tests/bip353.rs does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tk from "bolt12-toolkit";
import * as lite from "bolt12-toolkit/lite";
import * as decodeOnly from "bolt12-toolkit/decode";

const PROOF = new Uint8Array(readFileSync(new URL("../../bolt12/tests/data/bip353-matt.user._bitcoin-payment.mattcorallo.com.proof", import.meta.url)));
const VALID_FROM = 1785988800;
const EXPIRES = 1786415920;
const AT = 1786000000;
const URI = "bitcoin:bc1qztwy6xen3zdtt7z0vrgapmjtfz8acjkfp5fp7l?lno=lno1zr5qyugqgskrk70kqmuq7v3dnr2fnmhukps9n8hut48vkqpqnskt2svsqwjakp7k6pyhtkuxw7y2kqmsxlwruhzqv0zsnhh9q3t9xhx39suc6qsr07ekm5esdyum0w66mnx8vdquwvp7dp5jp7j3v5cp6aj0w329fnkqqv60q96sz5nkrc5r95qffx002q53tqdk8x9m2tmt85jtpmcycvfnrpx3lr45h2g7na3sec7xguctfzzcm8jjqtj5ya27te60j03vpt0vq9tm2n9yxl2hngfnmygesa25s4u4zlxewqpvp94xt7rur4rhxunwkthk9vly3lm5hh0pqv4aymcqejlgssnlpzwlggykkajp7yjs5jvr2agkyypcdlj280cy46jpynsezrcj2kwa2lyr8xvd6lfkph4xrxtk2xc3lpq";
const OFFER = URI.split("lno=")[1];
const code = (c) => (e) => e instanceof Error && e.code === c;

test("verifyBip353: a real proof gives the bitcoin: URI and its offer, decoded", () => {
  const r = tk.verifyBip353("₿matt@mattcorallo.com", PROOF, { at: AT });
  assert.deepEqual(
    [r.name, r.dnsName, r.uri, r.offer, r.at, r.validFrom, r.expires, r.maxCacheTtl],
    ["₿matt@mattcorallo.com", "matt.user._bitcoin-payment.mattcorallo.com.", URI, OFFER, AT, VALID_FROM, EXPIRES, 3600]);
  assert.deepEqual(r.decoded, tk.decode(OFFER, AT), "the offer's decode JSON");
  // The window's edges; the proof as hex; the name's case does not matter to DNS.
  assert.equal(tk.verifyBip353("matt@mattcorallo.com", PROOF, { at: VALID_FROM }).uri, URI);
  assert.equal(tk.verifyBip353("MATT@MattCorallo.COM", Buffer.from(PROOF).toString("hex"), { at: EXPIRES }).offer, OFFER);
});

test("verifyBip353: each failure has its own stable code", () => {
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", PROOF, { at: EXPIRES + 1 }),
    (e) => code("BIP353_EXPIRED")(e) && e.expires === EXPIRES && e.at === EXPIRES + 1);
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", PROOF, { at: VALID_FROM - 1 }),
    (e) => code("BIP353_NOT_YET_VALID")(e) && e.validFrom === VALID_FROM && e.at === VALID_FROM - 1);
  // The proof's last record is the TXT set's RRSIG: its last byte is in the signature.
  const forged = PROOF.slice();
  forged[forged.length - 1] ^= 1;
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", forged, { at: AT }), code("BIP353_INVALID_CHAIN"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", new Uint8Array(), { at: AT }), code("BIP353_INVALID_CHAIN"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", PROOF.slice(0, -1), { at: AT }), code("BIP353_MALFORMED_PROOF"));
  for (const other of ["bob@mattcorallo.com", "matt@mattcorallo.org"]) {
    assert.throws(() => tk.verifyBip353(other, PROOF, { at: AT }), (e) => code("BIP353_NO_RECORD")(e) && e.message.includes(other.split("@")[0]), other);
  }
  assert.throws(() => tk.verifyBip353(`matt@${"a".repeat(64)}.com`, PROOF, { at: AT }), code("BIP353_BAD_NAME"));
  assert.throws(() => tk.verifyBip353("no at sign", PROOF, { at: AT }), code("BIP353_BAD_NAME"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", new Uint8Array(64 * 1024 + 1), { at: AT }), code("BIP353_PROOF_TOO_LONG"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", 42, { at: AT }), code("BAD_ARGUMENT"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", "zz", { at: AT }), code("BAD_ARGUMENT"));
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", PROOF, { at: -5 }), code("BAD_ARGUMENT"));
  // Without `at`, now: long after the signatures expired.
  assert.throws(() => tk.verifyBip353("matt@mattcorallo.com", PROOF), (e) => code("BIP353_EXPIRED")(e) && e.at > EXPIRES);
});

test("verifyBip353 is in the full entry only", () => {
  assert.equal(typeof tk.verifyBip353, "function");
  assert.equal("verifyBip353" in lite, false);
  assert.equal("verifyBip353" in decodeOnly, false);
});
