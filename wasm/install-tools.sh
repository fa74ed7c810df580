#!/usr/bin/env bash
# Installs what building the npm package needs, idempotently: rustup's wasm32 target (for
# the stable checks and lnsocket's browser test), a nightly toolchain with its standard
# library's source (the package's wasm is built with `-Zbuild-std`, wasm/build.sh),
# clang and binaryen (wasm-opt) from apt, wasm-bindgen-cli at exactly the wasm-bindgen
# version in Cargo.lock (built from source by cargo; nothing downloads binaries).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
# The package build (wasm/build.sh): nightly cargo rebuilds core/alloc/std from rust-src.
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal --component rust-src
elif ! rustup component list --toolchain nightly --installed | grep -qx rust-src; then
    rustup component add rust-src --toolchain nightly
fi
need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
command -v wasm-opt >/dev/null || need_apt+=(binaryen)
command -v llvm-ar >/dev/null || ls /usr/bin/llvm-ar-* >/dev/null 2>&1 || need_apt+=(llvm)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
want="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' "$root/Cargo.lock")"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
    # Not --locked: the CLI's own lockfile pins a since-yanked webpki-roots.
    cargo install -q wasm-bindgen-cli --version "=$want"
fi
