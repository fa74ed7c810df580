#!/usr/bin/env bash
# Browser (Debian chromium + playwright-core) and Node tests of the npm package and the
# demo page, against the demo node on loopback, and (cln.browser.test.mjs, chromium only)
# against two Core Lightning regtest nodes started with the interop harness (cln-nodes). Installs what it needs, idempotently:
# chromium (apt), the npm dev dependencies (web-demo/package-lock.json), the wasm build
# tools (wasm/install-tools.sh); builds the npm package if it is missing or stale and
# installs its `npm pack` tarball into web-demo/node_modules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
demo="$(cd "$here/.." && pwd)"
root="$(cd "$demo/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d "$demo/node_modules/playwright-core" ] || [ ! -d "$demo/node_modules/boltz-bolt12" ] || [ ! -d "$demo/node_modules/qrcode-generator" ] || [ ! -d "$demo/node_modules/typescript" ]; then
    (cd "$demo" && npm ci --no-audit --no-fund --silent)
fi

"$demo/build-if-needed.sh"

tgz="$(ls -t "$root"/wasm/pkg/bolt12-toolkit-*.tgz | head -1)"
installed="$demo/node_modules/bolt12-toolkit/.from"
if [ ! -f "$installed" ] || [ "$(cat "$installed")" != "$(sha256sum "$tgz")" ]; then
    (cd "$demo" && npm install --no-save --no-audit --no-fund --silent "$tgz")
    sha256sum "$tgz" >"$installed"
fi

(cd "$root" && cargo build -q -p web-demo -p bolt12-cli)
export DEMO_NODE_BIN="$CARGO_TARGET_DIR/debug/web-demo"
# The lnap tests' proof maker and oracle (lnap-fixtures.mjs): the `bolt12` CLI.
export BOLT12_BIN="$CARGO_TARGET_DIR/debug/bolt12"
# Real Core Lightning nodes for cln.browser.test.mjs: the interop harness (cln-nodes) and
# Core Lightning itself (built once, cached by version, by interop/build-cln.sh).
if [ -z "${CLN_PREFIX:-}" ]; then CLN_PREFIX="$("$root/interop/build-cln.sh")"; fi
export CLN_PREFIX
(cd "$root" && cargo build -q -p cln-interop --bins)
export CLN_NODES_BIN="$CARGO_TARGET_DIR/debug/cln-nodes"

ws_flag=()
node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || ws_flag=(--experimental-websocket)
cd "$demo"
node "${ws_flag[@]}" --test --test-concurrency=1 tests/node.test.mjs tests/types.test.mjs tests/init.test.mjs tests/bip353.test.mjs tests/decode-equality.test.mjs tests/lnap-lazy.test.mjs tests/browser.test.mjs tests/lnap.browser.test.mjs \
    tests/cln.browser.test.mjs tests/wallet.browser.test.mjs tests/proxy.browser.test.mjs
# The Node entries' WebSocket client, and the package in Node against Core Lightning over
# TCP and ws://, deliberately without --experimental-websocket: no global WebSocket needed.
node --test --test-concurrency=1 tests/node-socket.test.mjs tests/cln.node.test.mjs tests/wsproxy.test.mjs tests/proxy.node.test.mjs \
    tests/commando-entry.test.mjs
"$here/bundler/run.sh"  # the package bundled with Vite (tests/bundler/), in chromium
echo "screenshots: $here/output/"
