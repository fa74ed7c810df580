#!/usr/bin/env bash
# The browser transport test (tests/browser_ws.rs): lnsocket built for
# wasm32-unknown-unknown, its web-sys WebSocket transport run under node
# (with the `ws` package as WebSocket) by wasm-bindgen-test-runner, against
# the native responder examples/echo_responder.rs on 127.0.0.1.
#
# Needs: rustup target add wasm32-unknown-unknown; clang (secp256k1-sys for
# wasm32); wasm-bindgen-cli of the same version as wasm-bindgen in
# Cargo.lock; node and npm.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$HERE"
[ -d node_modules/ws ] || npm install --no-audit --no-fund --silent
cd "$ROOT"
cargo build -q -p lnsocket --example echo_responder
LOG="$(mktemp)"
"${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/echo_responder" ws >"$LOG" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  grep -q '^READY ' "$LOG" && break
  sleep 0.1
done
PEER="$(sed -n 's/^READY //p' "$LOG")"
[ -n "$PEER" ] || { echo "echo_responder did not start" >&2; exit 1; }
export LNSOCKET_WS_PEER="$PEER"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export NODE_OPTIONS="--require $HERE/ws-polyfill.js"
timeout 600 cargo test -p lnsocket --target wasm32-unknown-unknown --test browser_ws
wait "$SERVER"
grep -q '^DONE 1100$' "$LOG" || { echo "responder did not see the whole exchange:" >&2; cat "$LOG" >&2; exit 1; }
echo "browser transport test passed"
