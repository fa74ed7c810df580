// Uses both entries of bolt12-toolkit the way an app would: each instantiates its own
// WebAssembly module on import (top-level await), which Vite must emit as an asset.
import * as full from "bolt12-toolkit";
import { decode, validate, version } from "bolt12-toolkit/decode";

const OFFER = "lno1pgx9getnwss8vetrw3hhyucjy358garswvaz7tmzdak8gvfj9ehhyeeqgf85c4p3xgsxjmnyw4ehgunfv4e3vggzamrjghtt05kvkvpcp0a79gmy3nt6jsn98ad2xs8de6sl9qmgvcvs";

const show = (id, value) => { document.getElementById(id).textContent = String(value); };

// The error's stable `code` (and that it is a real Error), or a marker if nothing was thrown.
function rejection(fn) {
  try {
    fn();
    return "NOT_REJECTED";
  } catch (e) {
    return `${e instanceof Error ? "Error" : typeof e}:${e.code}`;
  }
}

try {
  const d = full.decode(OFFER);
  show("full-version", full.version());
  show("full-issuer", d.offer_issuer);
  show("full-issuer-id", d.offer_issuer_id);
  show("full-valid", d.valid);
  show("full-error", rejection(() => full.decode(OFFER.slice(0, -4))));

  const v = validate(OFFER);
  show("decode-version", version());
  show("decode-issuer", v.decoded.offer_issuer);
  show("decode-valid", v.valid);
  show("decode-error", rejection(() => decode("hello")));
  document.body.dataset.ready = "true";
} catch (e) {
  show("failure", e && e.stack || e);
  document.body.dataset.ready = "error";
}
