// The TypeScript declarations of the installed package compile, strictly, for the API
// the page and the tests use (tests/types-check.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

test("TypeScript declarations compile under --strict", () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const file = fileURLToPath(new URL("./types-check.ts", import.meta.url));
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom,esnext.disposable", "--module", "nodenext",
    "--moduleResolution", "nodenext", "--skipLibCheck", "false", file], { encoding: "utf8", timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
