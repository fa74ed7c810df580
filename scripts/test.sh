#!/usr/bin/env bash
# Runs every test of the toolkit. Installs what the tests need first, idempotently, so it
# works on a fresh machine (the CI machine included).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

# pyln-proto: Core Lightning's Python BOLT 8 implementation, our independent peer.
if ! python3 -c "import pyln.proto.wire" 2>/dev/null; then
    log "installing pyln-proto (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "pyln-proto==26.6.9"
fi

# openssl: the lnap tests make RSA keys and a SHA-1 signed certificate with it.
if ! command -v openssl >/dev/null; then
    log "installing openssl (Debian)"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends openssl
fi

log "cargo test (workspace)"
cargo test --workspace

log "benchmarks compile (run them with: cargo bench)"
cargo bench --workspace --no-run
