#!/usr/bin/env bash
# Builds the npm package into wasm/pkg/ (and `npm pack`s it with --pack).
#
# Needs (installed by ./wasm/install-tools.sh, idempotent): a nightly toolchain with
# rust-src (see RUSTFLAGS below), clang (libsecp256k1), wasm-bindgen-cli at exactly the
# wasm-bindgen version in Cargo.lock, wasm-opt (Debian's binaryen).
#
# Five builds of the facade: `full` (decode/build/check, runes, BIP 353, LnSocket,
# Commando), `lnap` (lnap's three functions alone: X.509/RSA/P-256/P-384 and the root
# certificates, most of the full entry's size; the full entry fetches it on first use,
# `loadLnap()`), `lite` (`full` without BIP 353), `decode` (BOLT 12 decode/validate/invoice
# requests/checks) and `commando` (LnSocket, Commando and runes, no BOLT 12).
#
# WASM_ONLY="commando lite" builds just those (when measuring; the package is incomplete).
# rustc's output, with its function names (for `twiggy`), is kept beside each build in
# $CARGO_TARGET_DIR/names/<build>.wasm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# Its own target dir: the size-tuned release settings below would otherwise rebuild the
# native release artifacts that `cargo bench` shares.
export CARGO_TARGET_DIR="${WASM_TARGET_DIR:-$root/target/wasm-pkg}"
# Size-oriented release settings for this build only (the workspace profile is shared).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_STRIP=false
# The standard library rebuilt for size (nightly cargo's `-Zbuild-std`, from rust-src):
# panics abort at once (`-Cpanic=immediate-abort`: no panic formatting or hook, which
# stable's prebuilt std always links), no file/line strings for panic locations, and std's
# own `optimize_for_size` code paths. A panic was already a trap on wasm32 (`unreachable`,
# its message printed nowhere), so nothing a caller sees changes; the errors callers see are
# values, not panics. 9-12% less gzipped wasm per entry (BENCHMARKS.md, "The standard
# library rebuilt for size"). NIGHTLY names the toolchain (default: rustup's `nightly`).
nightly="+${NIGHTLY:-nightly}"
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"
build_std=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
export CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}"
export AR_wasm32_unknown_unknown="${AR_wasm32_unknown_unknown:-$(command -v llvm-ar || ls /usr/bin/llvm-ar-* 2>/dev/null | head -1 || echo ar)}"

"$here/install-tools.sh"

out="$here/pkg"
wasm_dir="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release"
only="${WASM_ONLY:-}"
[ -n "$only" ] || rm -rf "$out"
mkdir -p "$out"

build() { # name, sha2's opt-level, cargo feature args...
    local name="$1" sha2_opt="$2"; shift 2
    if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then return; fi
    # wire (TLV reading and the on-curve check, decode's hot loop) at opt-level 3, the rest
    # for size. bolt12 at 3 as well made decode() 1.1-1.2x faster for 27 kB more gzipped
    # wasm in full and lite (19 kB in decode) (BENCHMARKS.md, "opt-level"). sha2 at 3 in
    # the entries that decode offers (offer_id's Merkle tree: decode() 1.06-1.08x faster for
    # 0.3 kB more gzipped wasm), for size in the others (BOLT 8 and runes hash a few blocks
    # per call; the commando entry also takes sha2's compact backend: `commando-core` in
    # wasm/Cargo.toml).
    (cd "$root" && cargo "$nightly" build -q -p bolt12-wasm --lib --target wasm32-unknown-unknown --release "${build_std[@]}" \
        --config profile.release.package.wire.opt-level=3 --config "profile.release.package.sha2.opt-level=$sha2_opt" "$@")
    mkdir -p "$out/$name" "$CARGO_TARGET_DIR/names"
    cp "$wasm_dir/bolt12_wasm.wasm" "$CARGO_TARGET_DIR/names/$name.wasm"
    # wasm-opt runs on rustc's output, before wasm-bindgen: Debian bookworm's binaryen
    # (wasm-opt 108) rewrites the externref table wasm-bindgen adds into one browsers
    # refuse ("WebAssembly.Table.set(): Argument 1 is invalid for table").
    # --converge: the passes again until the module stops shrinking (0.15 kB gzipped of the
    # commando entry, 0.2 kB of lite; a second or two per entry). --flatten --rereloop -Oz:
    # the control flow rebuilt by binaryen's relooper, then shrunk again (0.2 kB gzipped of
    # the commando entry, 0.8 of decode, 1.2 of lite; decode() as fast, BENCHMARKS.md).
    local tmp="$out/$name/opt.wasm"
    wasm-opt -Oz --converge --flatten --rereloop -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
        "$wasm_dir/bolt12_wasm.wasm" -o "$tmp"
    # Without the `name` and `producers` custom sections (function names for stack traces
    # and the toolchain's versions): 0.4 kB of the commando entry, 2.2 kB of lite. Names for
    # profiling are in $CARGO_TARGET_DIR/names (rustc's output, before wasm-opt).
    wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir "$out/$name" --out-name bolt12_toolkit "$tmp"
    rm -f "$tmp"
    # No entry may link libsecp256k1's generator table (32 kB that gzip cannot shrink): it
    # comes with anything that makes a context, which on wasm32 nothing should (the `curve`
    # crate's tableless backend). Its first entry's first limb, as stored in the table:
    if grep -qaF "$(printf '\x4a\x97\xc7\x45\x0c\x01\x42\xd2')" "$out/$name/bolt12_toolkit_bg.wasm"; then
        echo "error: the $name entry links libsecp256k1's generator table: something makes a context (see curve/src/lib.rs)" >&2
        exit 1
    fi
    # No entry but lnap links js-sys (whose closure shims stay in the function table: 4 kB;
    # see wasm/src/js.rs), and the commando entry links no core::fmt either (3 kB: its
    # messages are put together from pieces, and its runes are runes.js's). rustc's output
    # keeps the symbol names (legacy mangling: `6js_sys`, `4core3fmt5write`).
    local banned=()
    [ "$name" = lnap ] || banned+=(6js_sys)
    [ "$name" != commando ] || banned+=(4core3fmt5write)
    for sym in "${banned[@]}"; do
        if grep -qaF "$sym" "$CARGO_TARGET_DIR/names/$name.wasm"; then
            echo "error: the $name entry links $sym (see wasm/src/js.rs)" >&2
            exit 1
        fi
    done
    rm -f "$out/$name/.gitignore" "$out/$name/package.json"
}

build commando '"z"' --no-default-features --features commando-core
build decode 3 --no-default-features --features bolt12
build lite 3 --no-default-features --features bolt12,runes,net,fetch
build full 3 --no-default-features --features bolt12,runes,net,fetch,bip353
build lnap 3 --no-default-features --features lnap

cp "$here"/npm/* "$out/"
# The commando entry's JS is hand-written, and so is its commando.d.ts; the declarations it
# shares with the other entries (which wasm-bindgen writes from the same files) are appended.
cat "$here/src/ts/net.d.ts" "$here/src/ts/errors.d.ts" "$here/src/ts/lnsocket.d.ts" "$here/src/ts/runes.d.ts" >>"$out/commando.d.ts"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$out/package.json"

echo "package: $out"
for f in full lnap lite decode commando; do
    [ -f "$out/$f/bolt12_toolkit_bg.wasm" ] || continue
    w="$out/$f/bolt12_toolkit_bg.wasm"; j="$out/$f/bolt12_toolkit.js"
    echo "  $f: wasm $(wc -c <"$w") B (gzip $(gzip -9c "$w" | wc -c) B), js $(wc -c <"$j") B (gzip $(gzip -9c "$j" | wc -c) B)"
done
if [ "${1:-}" = "--pack" ]; then
    (cd "$out" && npm pack --silent)
fi
