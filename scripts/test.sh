#!/usr/bin/env bash
# Runs every test of the toolkit. Installs what the tests need first, idempotently, so it
# works on a fresh machine (the CI machine included):
#   pyln-proto (PyPI), openssl and chromium (Debian), Core Lightning (built once into a cache
#   keyed by version, interop/build-cln.sh), the wasm32 target, clang, binaryen and
#   wasm-bindgen-cli (wasm/install-tools.sh), the npm packages of web-demo/ and
#   lnsocket/tests/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# No incremental state: a run from scratch gains nothing from it, and it was a third of
# `target/debug` (several GB) when a CI machine's disk ran full. Set it to 1 to keep it.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

start=$SECONDS
# Each stage's heading says how long the run has taken and how much disk is free, so a CI
# log shows where time and space went.
log() {
    local free
    free="$(df -Ph "$CARGO_TARGET_DIR" 2>/dev/null | awk 'NR==2 {print $4}')" || free="?"
    printf '\n==> %s  [%ds, %s free]\n' "$*" "$((SECONDS - start))" "${free:-?}"
}
mkdir -p "$CARGO_TARGET_DIR"

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

# Core Lightning, the real node of the interop tests (interop/): built once per version into
# ~/.cache/bolt12-toolkit (about 2-4 minutes on 2 cores), then reused. A node that cannot be
# built or started fails the interop tests; they are never skipped.
log "Core Lightning for the interop tests (interop/build-cln.sh)"
CLN_PREFIX="$(./interop/build-cln.sh)"
export CLN_PREFIX
echo "Core Lightning: $CLN_PREFIX"

log "cargo fmt --check"
cargo fmt --all --check

log "cargo test (workspace)"
cargo test --workspace

log "cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets -q -- -D warnings
# lnsocket's and messenger's sans-IO cores alone (no `io` feature), which the workspace's
# feature unification never builds natively; the npm package's entries are built on them.
cargo clippy -p lnsocket --no-default-features -q -- -D warnings
cargo clippy -p messenger --no-default-features -q -- -D warnings

# Every benchmark run once, unoptimised, as a test (criterion's test mode): each compiles and
# works, without a second, optimised build of the workspace. Measure with: cargo bench
log "benchmarks, each run once as a test (measure with: cargo bench)"
cargo test --workspace --benches -q

# Coverage-guided fuzzing of every decoder, a bounded time per target on the checked-in
# corpora (fuzz/README.md; its own workspace and target dir, nightly). Fails on any crash,
# leak or timeout. A longer run: ./fuzz/run.sh 600
log "fuzz targets, ${FUZZ_SECONDS:-8}s each (fuzz/run.sh)"
./fuzz/run.sh "${FUZZ_SECONDS:-8}"

log "wasm tools (rustup target, clang, binaryen, wasm-bindgen-cli)"
./wasm/install-tools.sh

log "lnsocket's browser WebSocket transport, built for wasm32, under node"
bash lnsocket/tests/browser/run.sh

log "npm package and demo page: Node tests and Chromium (playwright-core) tests"
./web-demo/tests/run.sh

log "all tests passed"
