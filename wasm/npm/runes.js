// Core Lightning runes in the Commando entry: `decodeRune` (Core Lightning's `decode`
// JSON, lightning-decode(7) "If type is rune") and `attenuateRune`, in JavaScript, with
// one call into the entry's core for what JavaScript cannot do: SHA-256 resumed from an
// authcode (`glue.extendAuthcode`, the runes crate's `extend_authcode`). The other entries
// run the runes crate itself; this file follows it step for step (runes/src: base64url.rs,
// restriction.rs `decode_alternative`, rune.rs `validate`, decode.rs), with its messages,
// and web-demo/tests/commando-entry.test.mjs holds the two to the same output and errors
// on the crate's vectors and on random runes and restrictions. Here rather than in the
// core: 8.7 kB less gzipped wasm in this entry (BENCHMARKS.md).
import { fail, hex } from "./net.js";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// Rust's `str::trim` (Unicode White_Space), which the other entries apply; JavaScript's
// `trim` also strips U+FEFF and keeps U+0085.
const WS = "[\\t-\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+";
const TRIM = new RegExp(`^${WS}|${WS}$`, "g");
function trim(s, what) {
  if (typeof s !== "string") throw fail("BAD_ARGUMENT", `${what} must be a string`);
  return s.replace(TRIM, "");
}
const utf8 = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Core Lightning's conditions (runes README "Rune Language").
const CONDITIONS = "!=/^$~<>{}#";

class RuneError {
  constructor(message) { this.message = message; }
}
const invalid = (what, e) => {
  if (!(e instanceof RuneError)) throw e;
  return fail("RUNE_INVALID", `invalid ${what}: ${e.message}`);
};
const bad = (message) => new RuneError(message);

/**
 * base64url, with or without `=` padding (base64url.rs `decode`): whole quartets but the
 * last one, whose trailing `=` are dropped; a lone last character is an error.
 */
function fromBase64(s) {
  const body = Math.max(0, s.length - 1) & ~3;
  const tail = s.slice(body).replace(/=+$/, "");
  if (/[^A-Za-z0-9_-]/.test(s.slice(0, body) + tail) || tail.length === 1) throw bad("invalid base64url encoding");
  const out = [];
  const quartet = (q, keep) => {
    const n = [...q.padEnd(4, "A")].reduce((acc, c) => (acc << 6) | B64.indexOf(c), 0);
    out.push((n >> 16) & 255, (n >> 8) & 255, n & 255);
    out.length -= 3 - keep;
  };
  for (let i = 0; i < body; i += 4) quartet(s.slice(i, i + 4), 3);
  if (tail.length) quartet(tail, tail.length - 1);
  return Uint8Array.from(out);
}

/** base64url with `=` padding (base64url.rs `encode`). */
function toBase64(b) {
  let s = "";
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    for (let k = 0; k < 4; k++) s += k <= b.length - i ? B64[(n >> (18 - 6 * k)) & 63] : "=";
  }
  return s;
}

// C `ispunct` (C locale) but `_`: the bytes that end a field name.
const delimiting = (b) => b !== 95 && ((b >= 33 && b <= 47) || (b >= 58 && b <= 64) || (b >= 91 && b <= 96) || (b >= 123 && b <= 126));

/**
 * One restriction's alternatives from `data` at `at.pos` (restriction.rs
 * `decode_restriction`): { field, cond, value } with field and value as bytes.
 */
function decodeRestriction(data, at) {
  const alts = [];
  for (;;) {
    let p = at.pos;
    while (p < data.length && !delimiting(data[p])) p++;
    const field = data.subarray(at.pos, p);
    const cond = p < data.length ? CONDITIONS.indexOf(String.fromCharCode(data[p])) : -1;
    if (cond < 0) throw bad(`alternative at byte ${p} has no valid condition after its field name`);
    p++;
    const value = [];
    let more = false;
    while (p < data.length) {
      const c = data[p++];
      if (c === 124) { more = true; break; }
      if (c === 38) break;
      if (c === 92) {
        if (p >= data.length) throw bad("dangling backslash at end of restrictions");
        value.push(data[p++]);
      } else value.push(c);
    }
    at.pos = p;
    alts.push({ field, cond: CONDITIONS[cond], value: Uint8Array.from(value) });
    if (!more) return alts;
  }
}

/** C strings cannot hold a NUL (`rune_restr_from_string`, `decode_restrictions`). */
function noNul(data) {
  if (data.includes(0)) throw bad("restrictions contain a NUL byte");
}

/** Every `&`-separated restriction (restriction.rs `decode_restrictions`). */
function decodeRestrictions(data) {
  noNul(data);
  const at = { pos: 0 }, out = [];
  while (at.pos < data.length) out.push(decodeRestriction(data, at));
  return out;
}

const INVALID_UTF8 = "restrictions are not valid UTF-8";
function text(bytes) {
  try { return strict.decode(bytes); } catch { throw bad(INVALID_UTF8); }
}
const escaped = (v) => v.replace(/[\\|&]/g, "\\$&");
/** An alternative's encoding: field, condition, escaped value (`Alternative::encode`). */
const encodeAlt = (a) => a.field + a.cond + escaped(a.value);
const encodeRestriction = (r) => r.map(encodeAlt).join("|");

/** A rune's authcode and raw restrictions from its base64url text (rune.rs `split_base64`). */
function splitRune(s) {
  const data = fromBase64(s);
  if (data.length < 32) throw bad("rune is shorter than its 32-byte authcode");
  return { code: data.slice(0, 32), raw: decodeRestrictions(data.subarray(32)) };
}

/**
 * The rune's unique id, version and restrictions (rune.rs `validate`), the restrictions
 * (the unique id's apart) as lists of { field, cond, value } strings.
 */
function validate({ code, raw }) {
  const rune = { code, id: undefined, version: undefined, restrictions: [] };
  raw.forEach((alts, index) => {
    if (alts.some((a) => a.field.length === 0)) {
      if (alts.length !== 1) throw bad("unique id must be the only alternative of its restriction");
      if (index !== 0) throw bad("unique id may only appear in the first restriction");
      if (alts[0].cond !== "=") throw bad("unique id must use the '=' condition");
      const v = text(alts[0].value);
      const dash = v.indexOf("-");
      rune.id = dash < 0 ? v : v.slice(0, dash);
      rune.version = dash < 0 ? undefined : v.slice(dash + 1);
      return;
    }
    rune.restrictions.push(alts.map((a) => ({ field: text(a.field), cond: a.cond, value: text(a.value) })));
  });
  return rune;
}

/** `HEX-AUTHCODE:RESTRICTIONS` as bytes, each value's `\`, `|`, `&` escaped byte by byte (`string_form_bytes`). */
function stringFormBytes({ code, raw }) {
  const out = [...utf8.encode(hex(code) + ":")];
  raw.forEach((alts, i) => {
    if (i) out.push(38);
    alts.forEach((a, j) => {
      if (j) out.push(124);
      for (const b of a.field) out.push(b);
      out.push(a.cond.charCodeAt(0));
      for (const b of a.value) {
        if (b === 92 || b === 124 || b === 38) out.push(92);
        out.push(b);
      }
    });
  });
  return out;
}

/** Each restriction's encoding, the unique id's `=ID[-VERSION]` first (`encoded_restrictions`). */
function encodedRestrictions(rune) {
  const out = rune.restrictions.map(encodeRestriction);
  if (rune.id !== undefined) out.unshift("=" + escaped(rune.version === undefined ? rune.id : `${rune.id}-${rune.version}`));
  return out;
}

// --- decode: the English summary (decode.rs `push_summary`, `push_time`) -------------------

const U64 = (1n << 64n) - 1n;
/** C `atol` as the crate reads `time` values: leading ASCII whitespace, a sign, digits, wrapping. */
function atolU64(s) {
  const m = /^[\t\n\f\r ]*([+-]?)(\d*)/.exec(s);
  let v = 0n;
  for (const d of m[2]) v = (v * 10n + BigInt(d)) & U64;
  return m[1] === "-" ? (-v) & U64 : v;
}

function timeText(t, now) {
  let diff = now > t ? now - t : t - now;
  let s;
  const pair = (a, ua, b, ub) => `${a}${ua}${b}${ub}`;
  if (diff < 60n) s = `${diff} seconds`;
  else if (diff < 3600n) s = pair(diff / 60n, " minutes ", diff % 60n, " seconds");
  else {
    s = "approximately ";
    diff /= 60n;
    if (diff < 48n * 60n) s += pair(diff / 60n, " hours ", diff % 60n, " minutes");
    else {
      diff /= 60n;
      if (diff < 60n * 24n) s += pair(diff / 24n, " days ", diff % 24n, " hours");
      else {
        diff /= 24n;
        s += diff < 730n ? pair(diff / 30n, " months ", diff % 30n, " days") : `${diff / 30n} months`;
      }
    }
  }
  return s + (now > t ? " ago" : " from now");
}

const PHRASES = { "=": "equal to ", "/": "unequal to ", "^": "starts with ", "$": "ends with ", "~": "contains ",
  "<": "less than ", ">": "greater than ", "{": "sorts before ", "}": "sorts after " };

function summary({ field: f, cond, value }, now) {
  if (cond === "#") return `[comment: ${f}${value}]`;
  const kind = { time: "in seconds since 1970", id: "of commanding peer", method: "of command",
    pnum: "number of command parameters", rate: "max per minute" };
  const what = Object.hasOwn(kind, f) ? kind[f]
    : f.startsWith("parr") ? `array parameter #${f.slice(4)}`
    : f.startsWith("pname") ? `object parameter '${f.slice(5)}'` : "unknown condition?";
  let s = `${f} (${what}) `;
  if (cond === "!") return s + "is missing";
  const isInt = f === "pnum" || f === "rate", isTime = f === "time";
  const quoted = "^$~{}".includes(cond) || ((cond === "=" || cond === "/") && !isInt && !isTime);
  s += PHRASES[cond];
  if (quoted) return `${s}'${value}'`;
  s += value;
  const t = isTime ? atolU64(value) : 0n;
  return t !== 0n ? `${s} (${timeText(t, now)})` : s;
}

/** `now` (seconds, default the clock) as the core reads it: a finite positive number, else 0. */
function nowSecs(now) {
  const ms = now == null ? Date.now() : +now * 1000;
  if (!(Number.isFinite(ms) && ms > 0)) return 0n;
  const secs = BigInt(Math.floor(ms / 1000));
  return secs > U64 ? U64 : secs;
}

/**
 * Core Lightning's `decode` JSON for a rune: unique id, version, string form, each
 * restriction's alternatives and summary (`time` relative to `now`, seconds since the
 * epoch). Restrictions that are not UTF-8 give `valid: false` with `hex` and
 * `warning_rune_invalid_utf8`, as Core Lightning does. Throws `RUNE_INVALID`.
 */
export function decodeRune(rune, now) {
  let parts, r;
  try { parts = splitRune(trim(rune, "rune")); } catch (e) { throw invalid("rune", e); }
  try {
    r = validate(parts);
  } catch (e) {
    if (!(e instanceof RuneError && e.message === INVALID_UTF8)) throw invalid("rune", e);
    return { type: "rune", hex: hex(stringFormBytes(parts)), warning_rune_invalid_utf8: "Rune contains invalid UTF-8 strings", valid: false };
  }
  const out = { type: "rune" };
  if (r.id !== undefined) {
    out.unique_id = r.id;
    if (r.version !== undefined) out.version = r.version;
  }
  out.string = `${hex(r.code)}:${encodedRestrictions(r).join("&")}`;
  const t = nowSecs(now);
  out.restrictions = r.restrictions.map((alts) => ({
    alternatives: alts.map((a) => a.field + a.cond + a.value),
    summary: alts.map((a) => summary(a, t)).join(" OR "),
  }));
  out.valid = true;
  return out;
}

/**
 * A rune with one more restriction (Core Lightning syntax, alternatives separated by `|`),
 * without the node's secret. Throws `RUNE_INVALID` for a bad rune or restriction.
 */
export function attenuateRuneWith(glue) {
  return (rune, restriction) => {
    let r, added;
    try { r = validate(splitRune(trim(rune, "rune"))); } catch (e) { throw invalid("rune", e); }
    try {
      // `Restriction::parse`: one restriction, nothing after it, every field named.
      const data = utf8.encode(trim(restriction, "restriction"));
      noNul(data);
      const at = { pos: 0 };
      const alts = decodeRestriction(data, at);
      if (at.pos !== data.length) throw bad("trailing characters after the restriction");
      added = alts.map((a) => {
        if (a.field.length === 0) throw bad("field name is empty");
        return { field: text(a.field), cond: a.cond, value: text(a.value) };
      });
    } catch (e) { throw invalid("restriction", e); }
    const prior = encodedRestrictions(r);
    const hashed = prior.reduce((n, e) => n + Math.ceil((utf8.encode(e).length + 9) / 64) * 64, 64);
    const enc = encodeRestriction(added);
    const code = glue.extendAuthcode(r.code, hashed, utf8.encode(enc));
    if (!code) throw fail("RUNE_INVALID", "invalid rune: its restrictions are too long to extend");
    const all = utf8.encode([...prior, enc].join("&"));
    const bytes = new Uint8Array(32 + all.length);
    bytes.set(code);
    bytes.set(all, 32);
    return toBase64(bytes);
  };
}
