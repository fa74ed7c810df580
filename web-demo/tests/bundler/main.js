// Uses two entries of bolt12-toolkit the way an app would, with no top-level await (the
// default build targets of Vite 6 and older bundlers refuse it, in the package as here):
// the full entry is loaded by its first asynchronous call (lazily), the decode entry by
// an explicit `await init()`; a synchronous call before either throws NOT_INITIALIZED.
// Each entry's .wasm must be emitted by the bundler as an asset. lnap is the full entry's
// module fetched on first use (`loadLnap()`, a dynamic import: a separate chunk with its own
// .wasm): before it the lnap functions throw LNAP_NOT_LOADED; `window.checkProof()` (called
// by the test after the page is ready) loads it.
import * as full from "bolt12-toolkit";
import initDecode, { decode, validate, version } from "bolt12-toolkit/decode";

const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";

const show = (id, value) => { document.getElementById(id).textContent = String(value); };
const describe = (e) => `${e instanceof Error ? "Error" : typeof e}:${e.code}`;

// The error's stable `code` (and that it is a real Error), or a marker if nothing was thrown.
function rejection(fn) {
  try {
    fn();
    return "NOT_REJECTED";
  } catch (e) {
    return describe(e);
  }
}

async function main() {
  show("before-init", `${rejection(() => full.decode(OFFER))} ${rejection(() => validate(OFFER))}`);
  // A malformed node id is refused by the WebAssembly side: the module was loaded first.
  show("lazy-load", await full.Commando.connect({ nodeId: "02zz", url: "ws://127.0.0.1:1" }).then(() => "NOT_REJECTED", describe));
  const d = full.decode(OFFER);
  show("full-version", full.version());
  show("full-issuer", d.offer_issuer);
  show("full-issuer-id", d.offer_issuer_id);
  show("full-valid", d.valid);
  show("full-error", rejection(() => full.decode(OFFER.slice(0, -4))));
  show("lnap-before-load", rejection(() => full.lnapVerify("lnap1qqqq")));

  await initDecode();
  const v = validate(OFFER);
  show("decode-version", version());
  show("decode-issuer", v.decoded.offer_issuer);
  show("decode-valid", v.valid);
  show("decode-error", rejection(() => decode("hello")));
}

window.checkProof = async () => {
  await full.loadLnap();
  return rejection(() => full.lnapDecode("lnap1qqqq"));
};

main().then(() => { document.body.dataset.ready = "true"; }, (e) => {
  show("failure", e && e.stack || e);
  document.body.dataset.ready = "error";
});
