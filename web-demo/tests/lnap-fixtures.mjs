// A real lnap vendor proof for the lnap tests, made as a user would: a P-256 root and a
// leaf certificate for example.com by openssl, the proof by the `bolt12` CLI (`bolt12 lnap
// create`, native Rust), offers by `bolt12 offer`. The CLI is also the oracle: its `bolt12
// decode` / `lnap verify` / `lnap check` JSON against Mozilla's roots is what the
// WebAssembly functions must answer. BOLT12_BIN names the binary (default:
// $CARGO_TARGET_DIR/debug/bolt12, built by run.sh with `cargo build -p bolt12-cli`).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BOLT12_BIN = process.env.BOLT12_BIN || join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "debug", "bolt12");

/** The CLI's stdout (JSON parsed when `json`); exit status 0 or 1 (a verdict) accepted. */
export function cli(args, { json = true } = {}) {
  const r = spawnSync(BOLT12_BIN, args, { encoding: "utf8", timeout: 60000 });
  if (r.error) throw r.error;
  if (r.status !== 0 && r.status !== 1) throw new Error(`bolt12 ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return json ? JSON.parse(r.stdout) : r.stdout.trim();
}

/**
 * `{ proof, offers: { covered, otherKey, otherIssuer }, times, close() }`: the proof vouches
 * for the node id of secret key 0x11.. as example.com; `covered` is an offer of that key
 * issued by example.com, `otherKey` another key, `otherIssuer` another issuer domain.
 */
export function makeProof() {
  if (!existsSync(BOLT12_BIN)) throw new Error(`no bolt12 CLI at ${BOLT12_BIN}: cargo build -p bolt12-cli (or set BOLT12_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), "bolt12-lnap-test-"));
  const ssl = (...args) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: 60000 });
  writeFileSync(join(dir, "leaf.ext"), "subjectAltName=DNS:example.com\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n");
  ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "root.key");
  ssl("req", "-x509", "-new", "-key", "root.key", "-subj", "/CN=lnap test root", "-days", "3650", "-out", "root.pem",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
  ssl("req", "-new", "-key", "leaf.key", "-subj", "/CN=example.com", "-out", "leaf.csr");
  ssl("x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-days", "365",
    "-extfile", "leaf.ext", "-out", "leaf.pem");
  const key = "11".repeat(32);
  const covered = cli(["offer", "--description", "coffee", "--issuer", "example.com", "--issuer-key", key], { json: false });
  const nodeId = cli(["decode", covered]).offer_issuer_id;
  const proof = cli(["lnap", "create", "--vendor", "example.com", "--node-id", nodeId,
    "--key", join(dir, "leaf.key"), "--cert", join(dir, "leaf.pem")], { json: false });
  const otherKey = cli(["offer", "--issuer", "example.com", "--issuer-key", "22".repeat(32)], { json: false });
  const otherIssuer = cli(["offer", "--issuer", "evil.com", "--issuer-key", key], { json: false });
  const now = Math.floor(Date.now() / 1000);
  return {
    proof, nodeId, roots: join(dir, "root.pem"),
    offers: { covered, otherKey, otherIssuer },
    // Now, before the leaf was issued, and after it expires (365 days).
    times: [now, now - 10 * 86400, now + 400 * 86400],
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What the CLI answers (Mozilla's roots) for every call the tests make, keyed like `calls`. */
export function oracle(fx) {
  const out = { decode: cli(["decode", fx.proof]) };
  for (const t of fx.times) {
    out[`verify@${t}`] = cli(["lnap", "verify", fx.proof, "--at", String(t)]);
    for (const [name, offer] of Object.entries(fx.offers)) out[`check:${name}@${t}`] = cli(["lnap", "check", fx.proof, offer, "--at", String(t)]);
  }
  return out;
}

/** The same calls through a toolkit entry `tk` (its lnap functions), keyed like `oracle`. */
export function calls(tk, fx) {
  const out = { decode: tk.lnapDecode(fx.proof) };
  for (const t of fx.times) {
    out[`verify@${t}`] = tk.lnapVerify(fx.proof, t);
    for (const [name, offer] of Object.entries(fx.offers)) out[`check:${name}@${t}`] = tk.lnapCheckOffer(fx.proof, offer, t);
  }
  return out;
}
