#!/usr/bin/env bash
# Builds Core Lightning once into a cache keyed by its version and prints the install prefix
# (its bin/lightningd and bin/lightning-cli). Idempotent: a finished build is reused.
#
# Source: the tarball in ../shared/cln/ when this checkout sits beside it (CLN_TARBALL to
# point elsewhere); otherwise `git clone --branch $CLN_VERSION --recurse-submodules` of
# upstream. Debian build packages are installed when missing (apt-get, as root).
#
#   CLN_VERSION  (default v26.06.6)
#   CLN_CACHE    (default ${XDG_CACHE_HOME:-$HOME/.cache}/bolt12-toolkit)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="${CLN_VERSION:-v26.06.6}"
cache="${CLN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bolt12-toolkit}"
prefix="$cache/cln-$version"
stamp="$prefix/.built"

if [[ -f "$stamp" && -x "$prefix/bin/lightningd" ]]; then
    echo "$prefix"
    exit 0
fi

log() { printf '==> %s\n' "$*" >&2; }

debs=(build-essential autoconf automake libtool pkg-config gettext m4 libsqlite3-dev
      libsodium-dev zlib1g-dev libffi-dev libssl-dev python3-mako lowdown jq git xz-utils)
missing=()
for d in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "install ok installed" || missing+=("$d")
done
if ((${#missing[@]})); then
    log "installing Debian packages for the Core Lightning build: ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="${CLN_TARBALL:-$here/../../shared/cln/lightning-$version-src.tar.xz}"
if [[ -f "$tarball" ]]; then
    log "unpacking $tarball"
    tar -C "$work" -xJf "$tarball"
    src="$work/lightning-$version"
else
    log "cloning Core Lightning $version (no tarball at $tarball)"
    git clone -q --depth 1 --branch "$version" --recurse-submodules --shallow-submodules \
        https://github.com/ElementsProject/lightning.git "$work/lightning-$version" >&2
    src="$work/lightning-$version"
fi

# The code generators need Debian's Python (it has mako); configure looks for uv otherwise.
export PATH="/usr/bin:$PATH"
log "building Core Lightning $version into $prefix (about 2 minutes on 2 cores)"
rm -rf "$prefix"
(
    cd "$src"
    PYTHON=/usr/bin/python3 PYTEST='' ./configure --prefix="$prefix" --disable-rust --disable-valgrind >&2
    make -j"$(nproc)" VERSION="$version" all-programs >&2
    make VERSION="$version" install-program >&2
)
touch "$stamp"
echo "$prefix"
