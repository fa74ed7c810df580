#!/usr/bin/env bash
# One command: builds the npm package if needed, starts the demo node (BOLT 8 over
# WebSocket + Commando with runes) and serves the page on localhost; prints the URL.
#   ./web-demo/run.sh [--ws 127.0.0.1:9736] [--http 127.0.0.1:8089]
# The node's key and rune secret are kept in web-demo/.demo-node/seed across runs.
set -euo pipefail
demo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$demo/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
"$demo/build-if-needed.sh"
if [ ! -d "$demo/node_modules/qrcode-generator" ]; then
    (cd "$demo" && npm ci --no-audit --no-fund --silent)
fi
(cd "$root" && cargo build -q -p web-demo)
exec "$CARGO_TARGET_DIR/debug/web-demo" --seed-file "$demo/.demo-node/seed" "$@"
