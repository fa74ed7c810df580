#!/usr/bin/env bash
# Builds the npm package (wasm/build.sh --pack) unless wasm/pkg is newer than every
# source it is built from.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/wasm/pkg/full/bolt12_toolkit_bg.wasm"
if [ -f "$stamp" ] && ls "$root"/wasm/pkg/bolt12-toolkit-*.tgz >/dev/null 2>&1; then
    newer="$(find "$root/wasm/src" "$root/wasm/npm" "$root/wasm/Cargo.toml" "$root/wasm/build.sh" \
        "$root/bolt12/src" "$root/curve/src" "$root/wire/src" "$root/runes/src" "$root/lnap/src" "$root/lnsocket/src" \
        "$root/commando/src" "$root/messenger/src" "$root/onion/src" "$root/Cargo.lock" -newer "$stamp" -type f 2>/dev/null | head -1)"
    [ -z "$newer" ] && exit 0
    echo "npm package is older than $newer: rebuilding"
fi
"$root/wasm/build.sh" --pack
