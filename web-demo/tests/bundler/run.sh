#!/usr/bin/env bash
# The bundler test of the npm package (bundler.test.mjs): a tiny app importing
# bolt12-toolkit, built with the default settings of Vite 6, Vite 7 and webpack 5, each run
# in Debian chromium. Installs what it needs, idempotently: the bundlers (`npm ci`,
# package-lock.json here; Vite 6 as the alias `vite6`), the package tarball from
# wasm/pkg (built if missing or stale); playwright-core comes from web-demo/node_modules.
# package.json pins rollup ("overrides") to 4.67.4: the npm registry had not every
# @rollup/rollup-<platform> package of the newest rollup, and a lock file without them
# makes `npm ci` fail ("Missing: @rollup/rollup-darwin-arm64@ from lock file").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$(cd "$here/../.." && pwd)"
root="$(cd "$demo/.." && pwd)"

if [ ! -d "$demo/node_modules/playwright-core" ]; then
    (cd "$demo" && npm ci --no-audit --no-fund --silent)
fi
"$demo/build-if-needed.sh"

cd "$here"
deps="$(cat package.json package-lock.json | sha256sum)"
if [ ! -f node_modules/.deps-from ] || [ "$(cat node_modules/.deps-from)" != "$deps" ]; then
    npm ci --no-audit --no-fund --silent
    echo "$deps" >node_modules/.deps-from
fi
tgz="$(ls -t "$root"/wasm/pkg/bolt12-toolkit-*.tgz | head -1)"
installed="node_modules/bolt12-toolkit/.from"
if [ ! -f "$installed" ] || [ "$(cat "$installed")" != "$(sha256sum "$tgz")" ]; then
    npm install --no-save --no-audit --no-fund --silent "$tgz"
    sha256sum "$tgz" >"$installed"
fi

node --test --test-timeout=300000 bundler.test.mjs
